use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="auth-page" id="main">
            <section class="auth-card">
                <h1>"Page not found"</h1>
                <p class="auth-lede">"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
                <a class="btn btn-primary" href="/">"Go to the overview"</a>
            </section>
        </main>
    }
}

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// Any address without a page: says which one, and offers the main pages.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let path = use_location().pathname.get_untracked();
    view! {
        <Title text="Not found" />
        <main class="auth-page" id="main">
            <section class="auth-card">
                <h1>"Page not found"</h1>
                <p class="auth-lede">
                    "There is no page at "<code class="mono break">{path}</code>
                    ". It may have moved, or the link may be mistyped."
                </p>
                <nav class="not-found-links" aria-label="Main pages">
                    <a class="btn btn-primary" href="/">"Overview"</a>
                    <a class="btn" href="/events">"Events"</a>
                    <a class="btn" href="/subscriptions">"Subscriptions"</a>
                </nav>
            </section>
        </main>
    }
}

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::field::{error_for, form_error, Field};
use crate::components::logo::Logo;
use crate::rpc::auth::Login;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let register_href = move || {
        let next = next();
        if next.is_empty() {
            "/register".to_string()
        } else {
            let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            format!("/register?next={next}")
        }
    };
    let last = move || login.value().get();

    view! {
        <Title text="Log in" />
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="login-title">
                <a class="brand brand-large" href="/"><Logo size=32 /><span>"Hookrelay"</span></a>
                <h1 id="login-title">"Log in"</h1>
                <p class="auth-lede">"Webhook delivery you can see into."</p>
                <ActionForm action=login attr:class="form" attr:novalidate=true>
                    <div class="form-alert" role="alert" hidden=move || form_error(last(), &["email", "password"]).is_none()>
                        {move || form_error(last(), &["email", "password"])}
                    </div>
                    <input type="hidden" name="next" prop:value=next />
                    <Field label="Email" name="email" kind="email" autocomplete="email" autofocus=true
                        error=Signal::derive(move || error_for(last(), "email")) />
                    <Field label="Password" name="password" kind="password" autocomplete="current-password"
                        error=Signal::derive(move || error_for(last(), "password")) />
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
                    </button>
                </ActionForm>
                <p class="auth-switch">"New to Hookrelay? " <a href=register_href>"Create an account"</a></p>
            </section>
        </main>
    }
}

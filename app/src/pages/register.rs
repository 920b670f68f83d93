use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::field::{error_for, form_error, Field};
use crate::components::logo::Logo;
use crate::rpc::auth::Register;
use crate::validation::MIN_PASSWORD_CHARS;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let last = move || register.value().get();
    let password_hint = format!("At least {MIN_PASSWORD_CHARS} characters.");

    view! {
        <Title text="Create an account" />
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="register-title">
                <a class="brand brand-large" href="/"><Logo size=32 /><span>"Hookrelay"</span></a>
                <h1 id="register-title">"Create an account"</h1>
                <p class="auth-lede">"Your account holds your event types, subscriptions and deliveries."</p>
                <ActionForm action=register attr:class="form" attr:novalidate=true>
                    <div class="form-alert" role="alert" hidden=move || form_error(last(), &["email", "password"]).is_none()>
                        {move || form_error(last(), &["email", "password"])}
                    </div>
                    <input type="hidden" name="next" prop:value=next />
                    <Field label="Email" name="email" kind="email" autocomplete="email" autofocus=true
                        error=Signal::derive(move || error_for(last(), "email")) />
                    <Field label="Password" name="password" kind="password" autocomplete="new-password"
                        hint=password_hint
                        error=Signal::derive(move || error_for(last(), "password")) />
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || register.pending().get()>
                        {move || if register.pending().get() { "Creating account…" } else { "Create account" }}
                    </button>
                </ActionForm>
                <p class="auth-switch">"Already have an account? " <a href="/login">"Log in"</a></p>
            </section>
        </main>
    }
}

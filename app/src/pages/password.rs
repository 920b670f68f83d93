//! `/password`: the signed-in user changes their password. Every other session of theirs ends
//! (a session someone else holds included); this one stays signed in.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::field::{error_for, form_error, Field};
use crate::rpc::auth::ChangePassword;
use crate::validation::MIN_PASSWORD_CHARS;

#[component]
pub fn PasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let last = move || change.value().get();
    let done =
        move || matches!(last(), Some(Ok(()))).then_some("Password changed. Your other sessions are signed out.");
    view! {
        <Title text="Your password" />
        <div class="page-header">
            <h1>"Your password"</h1>
            <p class="page-lede">"Changing it signs you out everywhere else: other browsers, and anyone who had your session."</p>
        </div>
        <section class="panel panel-narrow" aria-label="Change your password">
            <ActionForm action=change attr:class="form" attr:novalidate=true>
                <div class="form-alert" role="alert" hidden=move || form_error(last(), &["current_password", "new_password"]).is_none()>
                    {move || form_error(last(), &["current_password", "new_password"])}
                </div>
                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password"
                    error=Signal::derive(move || error_for(last(), "current_password")) />
                <Field label="New password" name="new_password" kind="password" autocomplete="new-password"
                    hint=format!("At least {MIN_PASSWORD_CHARS} characters.")
                    error=Signal::derive(move || error_for(last(), "new_password")) />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || change.pending().get()>
                        {move || if change.pending().get() { "Changing…" } else { "Change password" }}
                    </button>
                    <span class="form-notice" role="status">{done}</span>
                </div>
            </ActionForm>
        </section>
    }
}

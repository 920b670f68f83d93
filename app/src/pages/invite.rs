//! `/invite/<token>`: an invitation to join an account. The invited address registers with a
//! new password, or, if it has a login, confirms its password; then it is signed in there.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::field::{error_for, form_error, Field};
use crate::components::logo::Logo;
use crate::error::AppError;
use crate::model::InvitationView;
use crate::rpc::auth::{get_invitation, AcceptInvitation};
use crate::validation::MIN_PASSWORD_CHARS;

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invitation = Resource::new(token, get_invitation);
    view! {
        <Title text="Join an account" />
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="invite-title">
                <a class="brand brand-large" href="/"><Logo size=32 /><span>"Hookrelay"</span></a>
                <Suspense fallback=|| view! { <p class="muted" role="status">"Loading the invitation…"</p> }>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Ok(found) => view! { <Accept invitation=found token=token() /> }.into_any(),
                            Err(AppError::NotFound) => view! {
                                <h1 id="invite-title">"Invitation not valid"</h1>
                                <p class="auth-lede">
                                    "This invitation has expired or has been used already. Ask whoever sent it for a new one."
                                </p>
                                <p class="auth-switch"><a href="/login">"Log in"</a></p>
                            }
                            .into_any(),
                            Err(error) => view! {
                                <h1 id="invite-title">"Join an account"</h1>
                                <div class="form-alert" role="alert">{error.to_string()}</div>
                            }
                            .into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn Accept(invitation: InvitationView, token: String) -> impl IntoView {
    let accept = ServerAction::<AcceptInvitation>::new();
    let last = move || accept.value().get();
    let (lede, password_label, autocomplete, hint, button) = if invitation.has_login {
        (
            "You have a login already: confirm it with your password to join.",
            "Your password",
            "current-password",
            None,
            "Log in and join",
        )
    } else {
        (
            "Choose a password to create your login and join.",
            "Choose a password",
            "new-password",
            Some(format!("At least {MIN_PASSWORD_CHARS} characters.")),
            "Create login and join",
        )
    };
    view! {
        <h1 id="invite-title">{format!("Join {}", invitation.account_name)}</h1>
        <p class="auth-lede">{lede}</p>
        <ActionForm action=accept attr:class="form" attr:novalidate=true>
            <div class="form-alert" role="alert" hidden=move || form_error(last(), &["password"]).is_none()>
                {move || form_error(last(), &["password"])}
            </div>
            <input type="hidden" name="token" value=token />
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" type="email" readonly=true value=invitation.email autocomplete="username" />
            </div>
            {match hint {
                Some(hint) => view! {
                    <Field label=password_label name="password" kind="password" autocomplete=autocomplete autofocus=true
                        hint=hint error=Signal::derive(move || error_for(last(), "password")) />
                }
                .into_any(),
                None => view! {
                    <Field label=password_label name="password" kind="password" autocomplete=autocomplete autofocus=true
                        error=Signal::derive(move || error_for(last(), "password")) />
                }
                .into_any(),
            }}
            <button type="submit" class="btn btn-primary btn-block" disabled=move || accept.pending().get()>
                {move || if accept.pending().get() { "Joining…" } else { button }}
            </button>
        </ActionForm>
    }
}

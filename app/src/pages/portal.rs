//! `/portal/<token>`: a one-time portal link. Opening the page uses nothing: it names the
//! account and offers one button, whose POST uses the link. Link previews in chats and mail
//! scanners only GET, so they cannot use a link up; and a person signed in elsewhere sees
//! that the link will sign them out before it does.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::field::form_error;
use crate::components::logo::Logo;
use crate::error::AppError;
use crate::model::PortalLinkView;
use crate::rpc::portal::{preview_portal_link, OpenPortal};

#[component]
pub fn PortalPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, preview_portal_link);
    view! {
        <Title text="Open the dashboard" />
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="portal-title">
                <a class="brand brand-large" href="/"><Logo size=32 /><span>"Hookrelay"</span></a>
                <Suspense fallback=|| view! { <p class="muted" role="status">"Loading the link…"</p> }>
                    {move || Suspend::new(async move {
                        match link.await {
                            Ok(found) => view! { <Open link=found token=token() /> }.into_any(),
                            Err(AppError::NotFound) => view! {
                                <h1 id="portal-title">"Link not valid"</h1>
                                <p class="auth-lede" role="alert">
                                    "This sign-in link has expired or has been used already. Ask whoever sent it for a new one."
                                </p>
                                <p class="auth-switch">"Have a login? "<a href="/login">"Log in"</a></p>
                            }
                            .into_any(),
                            Err(error) => view! {
                                <h1 id="portal-title">"Open the dashboard"</h1>
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
fn Open(link: PortalLinkView, token: String) -> impl IntoView {
    let open = ServerAction::<OpenPortal>::new();
    let failed = move || match open.value().get() {
        Some(Err(AppError::NotFound)) => Some(
            "This sign-in link has expired or has been used already. Ask whoever sent it for a new one.".to_string(),
        ),
        other => form_error(other, &[]),
    };
    view! {
        <h1 id="portal-title">{format!("{}'s webhooks", link.account_name)}</h1>
        <p class="auth-lede">"This link opens the dashboard of this account, once. The session lasts until the link expires."</p>
        {link.signed_in_as.map(|email| view! {
            <p class="muted">{format!("You are signed in as {email}. Opening the link signs you out of that session.")}</p>
        })}
        <ActionForm action=open attr:class="form">
            <div class="form-alert" role="alert" hidden=move || failed().is_none()>{failed}</div>
            <input type="hidden" name="token" value=token />
            <button type="submit" class="btn btn-primary btn-block" disabled=move || open.pending().get()>
                {move || if open.pending().get() { "Opening…" } else { "Open the dashboard" }}
            </button>
        </ActionForm>
    }
}

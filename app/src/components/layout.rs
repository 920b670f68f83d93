//! The signed-in shell: a header with the product, the navigation, the user and log-out.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

use super::live::{provide_live, LiveIndicator};
use super::logo::Logo;
use crate::rpc::auth::{current_user, Logout, SwitchAccount};

#[component]
pub fn DashboardLayout() -> impl IntoView {
    provide_live();
    let logout = ServerAction::<Logout>::new();
    let user = Resource::new(|| (), |_| current_user());
    let location = use_location();
    let login_path = move || {
        let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
        let here: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        format!("/login?next={here}")
    };

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <div class="topbar-inner">
                <a class="brand" href="/">
                    <Logo />
                    <span>"Hookrelay"</span>
                </a>
                <nav class="mainnav" aria-label="Main">
                    <A href="/" exact=true>"Overview"</A>
                    <A href="/events">"Events"</A>
                    <A href="/subscriptions">"Subscriptions"</A>
                    <A href="/event-types">"Event types"</A>
                    // Sources and API keys for members (not portal visitors: see rpc::access),
                    // Operator for the instance admin; read from the same signed-in answer.
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let user = user.await.ok().flatten();
                            let member = user.as_ref().is_some_and(|user| !user.portal_visitor);
                            let admin = user.as_ref().is_some_and(|user| user.instance_admin);
                            view! {
                                {member.then(|| view! {
                                    <A href="/sources">"Sources"</A>
                                    <A href="/api-keys">"API keys"</A>
                                })}
                                {admin.then(|| view! { <A href="/operator">"Operator"</A> })}
                            }
                        })}
                    </Transition>
                </nav>
                <div class="topbar-user">
                    // One place on every page: whether what is shown follows the deliveries.
                    <LiveIndicator />
                    <Transition fallback=|| view! { <span class="skeleton skeleton-text" aria-hidden="true"></span> }>
                        {move || Suspend::new(async move {
                            match user.await {
                                Ok(Some(user)) => view! {
                                    <AccountSwitcher
                                        account_id=user.account_id
                                        account_name=user.account_name
                                        accounts=user.accounts
                                        email=user.email.clone()
                                    />
                                    {if user.portal_visitor {
                                        view! { <span class="user-email" title="Signed in as">{user.email}</span> }.into_any()
                                    } else {
                                        view! {
                                            <a class="user-email" href="/password" title="Signed in as; change your password">{user.email}</a>
                                        }.into_any()
                                    }}
                                }.into_any(),
                                Ok(None) => view! { <Redirect path=login_path() /> }.into_any(),
                                Err(error) => view! {
                                    <span class="inline-error" role="alert">{error.to_string()}</span>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                    <ActionForm action=logout attr:class="logout-form">
                        <button type="submit" class="btn btn-ghost btn-small" disabled=move || logout.pending().get()>
                            "Log out"
                        </button>
                    </ActionForm>
                </div>
            </div>
        </header>
        <main class="content" id="main" tabindex="-1">
            <Outlet />
        </main>
    }
}

/// The account this page is in; a select to move to another when the user has several.
#[component]
fn AccountSwitcher(
    account_id: String,
    account_name: String,
    accounts: Vec<(String, String)>,
    email: String,
) -> impl IntoView {
    // A self-registered account is named after its owner's email, shown beside it anyway.
    if accounts.len() < 2 && account_name == email {
        return ().into_any();
    }
    if accounts.len() < 2 {
        return view! { <span class="account-name" title="Account" data-account=account_id>{account_name}</span> }
            .into_any();
    }
    let switch = ServerAction::<SwitchAccount>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = switch.value().get() {
            // Everything on the page belongs to the old account: load the new one afresh.
            reload_home();
        }
    });
    let options = accounts
        .into_iter()
        .map(|(id, name)| {
            let selected = id == account_id;
            view! { <option value=id selected=selected>{name}</option> }
        })
        .collect_view();
    view! {
        <label class="visually-hidden" for="account-switch">"Account"</label>
        <select
            id="account-switch"
            class="account-name account-switch"
            data-account=account_id.clone()
            disabled=move || switch.pending().get()
            on:change=move |ev| {
                switch.dispatch(SwitchAccount { account_id: event_target_value(&ev) });
            }
        >
            {options}
        </select>
    }
    .into_any()
}

#[cfg(feature = "hydrate")]
fn reload_home() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign("/");
    }
}

#[cfg(not(feature = "hydrate"))]
fn reload_home() {}

//! The HTML document and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::DashboardLayout;
use crate::pages::{
    ApiKeysPage, EditSubscriptionPage, EventDetailPage, EventTypesPage, EventsPage, InvitePage, LoginPage,
    NewSubscriptionPage, NotFoundPage, OperatorPage, OverviewPage, PasswordPage, PortalPage, RegisterPage,
    SourceDetailPage, SourcesPage, SubscriptionDetailPage, SubscriptionsPage,
};

/// The document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this instance, and inline ones (the
/// hydration bootstrap, streamed resources) only with this response's nonce, which leptos_axum
/// generates and puts on each of them; no framing (clickjacking). Inline `style` attributes
/// stay allowed: the chart's bars are sized by them.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use axum::http::{header::CONTENT_SECURITY_POLICY, HeaderValue};
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();

    view! {
        <Stylesheet id="hookrelay" href="/pkg/hookrelay.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Hookrelay".to_string() } else { format!("{page} · Hookrelay") }
        } />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/register") view=RegisterPage />
                <Route path=path!("/invite/:token") view=InvitePage />
                <Route path=path!("/portal/:token") view=PortalPage />
                <ParentRoute path=path!("") view=DashboardLayout>
                    <Route path=path!("") view=OverviewPage />
                    <Route path=path!("/subscriptions") view=SubscriptionsPage />
                    // Before the `:id` routes, so that "new" is never taken for an id.
                    <Route path=path!("/subscriptions/new") view=NewSubscriptionPage />
                    <Route path=path!("/subscriptions/:id/edit") view=EditSubscriptionPage />
                    <Route path=path!("/subscriptions/:id") view=SubscriptionDetailPage />
                    <Route path=path!("/events") view=EventsPage />
                    <Route path=path!("/events/:id") view=EventDetailPage />
                    <Route path=path!("/event-types") view=EventTypesPage />
                    <Route path=path!("/sources") view=SourcesPage />
                    <Route path=path!("/sources/:id") view=SourceDetailPage />
                    <Route path=path!("/api-keys") view=ApiKeysPage />
                    <Route path=path!("/operator") view=OperatorPage />
                    <Route path=path!("/password") view=PasswordPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sets `data-hydrated` on `<body>` once the WASM has taken over the page. Browser tests wait
/// for it before they click, and it proves the bundle loaded and ran.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

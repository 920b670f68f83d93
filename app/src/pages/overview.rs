use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::current_user;

/// The landing page after sign-in. Until the delivery pages exist it explains the way in.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="Overview" />
        <div class="page-header">
            <h1>"Overview"</h1>
            <p class="page-lede">"Is delivery healthy, and if not, where and why."</p>
        </div>
        <section class="panel empty-state" aria-labelledby="get-started">
            <h2 id="get-started">"Nothing delivered yet"</h2>
            <p>
                "Hookrelay signs every event your application publishes and delivers it to each
                subscription that asked for its type, retrying until the receiver answers."
            </p>
            <ol class="steps">
                <li><a href="/event-types"><strong>"Declare event types"</strong></a>" such as "<code>"invoice.paid"</code>"."</li>
                <li><a href="/subscriptions/new"><strong>"Add a subscription"</strong></a>": the URL that receives them, and which types it wants."</li>
                <li><a href="/api-keys"><strong>"Create an API key"</strong></a>" and publish events with "<code>"POST /api/v1/events"</code>"."</li>
            </ol>
            <Suspense fallback=|| view! { <p class="muted">"Loading your account…"</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => view! {
                            <p class="muted">"Account " <code class="mono">{user.account_id}</code></p>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <p class="inline-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

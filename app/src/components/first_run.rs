//! First-run guidance: how to publish the first event (a curl command against this instance)
//! and how a receiver checks a signature (a few lines with a Standard Webhooks library).

use leptos::prelude::*;

use super::copy::CodeSample;
use crate::error::AppError;
use crate::model::SetupHints;
use crate::rpc::overview::get_setup_hints;

/// What the guidance needs to know; the page creates it (see `crate::pages` on why not here).
pub fn setup_hints() -> Resource<Result<SetupHints, AppError>> {
    Resource::new(|| (), |_| get_setup_hints())
}

#[component]
pub fn FirstRun(hints: Resource<Result<SetupHints, AppError>>) -> impl IntoView {
    view! {
        <section class="panel first-run" aria-labelledby="first-run-title">
            <h2 id="first-run-title">"Publish your first event"</h2>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match hints.await {
                        Ok(hints) => view! { <Steps hints /> }.into_any(),
                        Err(error) => view! { <p class="inline-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Steps(hints: SetupHints) -> impl IntoView {
    let event_type = hints.event_type.clone().unwrap_or_else(|| "invoice.paid".to_string());
    let curl = format!(
        "curl -X POST {}/api/v1/events \\\n  -H \"Authorization: Bearer $HOOKRELAY_API_KEY\" \\\n  -H \"Content-Type: application/json\" \\\n  -d '{{\"type\": \"{event_type}\", \"data\": {{\"invoice_id\": \"in_123\", \"amount\": 4200}}}}'",
        hints.public_url
    );
    let verify = VERIFY_SNIPPET.to_string();
    let type_step = match hints.event_type {
        Some(name) => view! {
            <li class="step-done">"Event type "<code>{name}</code>" is declared."</li>
        }
        .into_any(),
        None => view! {
            <li><a href="/event-types"><strong>"Declare an event type"</strong></a>" such as "<code>"invoice.paid"</code>"."</li>
        }
        .into_any(),
    };
    let subscription_step = if hints.has_subscriptions {
        view! { <li class="step-done">"A subscription is ready to receive it."</li> }.into_any()
    } else {
        view! {
            <li><a href="/subscriptions/new"><strong>"Add a subscription"</strong></a>": the URL that receives your events."</li>
        }
        .into_any()
    };
    view! {
        <ol class="steps">
            {type_step}
            {subscription_step}
            <li><a href="/api-keys"><strong>"Create an API key"</strong></a>" and publish with it:"</li>
        </ol>
        <CodeSample caption="Shell" code=curl what="curl command" />
        <h3>"Verify the signature in your receiver"</h3>
        <p class="muted">
            "Every delivery carries "<code>"webhook-id"</code>", "<code>"webhook-timestamp"</code>" and "
            <code>"webhook-signature"</code>" headers (Standard Webhooks). Any Standard Webhooks or Svix library checks
            them with the subscription's signing secret, for example in Python with "<code>"pip install standardwebhooks"</code>":"
        </p>
        <CodeSample caption="Python" code=verify what="verification example" />
    }
}

const VERIFY_SNIPPET: &str = r#"import os

from standardwebhooks import Webhook

webhook = Webhook(os.environ["HOOKRELAY_SIGNING_SECRET"])  # whsec_…

def receive(request):
    # The raw body, exactly as received: re-encoded JSON would not verify.
    event = webhook.verify(request.body, request.headers)  # raises if forged or stale
    handle(event["type"], event["data"])
    return 204"#;

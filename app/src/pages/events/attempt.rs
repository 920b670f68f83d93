//! A delivery's attempts as a timeline, and one attempt in full: the request as sent (signature
//! headers included) and the response as received.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::components::chip::{Chip, Tone};
use crate::components::delivery::outcome_text;
use crate::components::json_view::BodyView;
use crate::components::states::LoadError;
use crate::components::time::RelativeTime;
use crate::error::AppError;
use crate::model::{Attempt, Delivery};
use crate::rpc::events::list_attempts;

/// The attempts of the open delivery, loaded with the event page (see `load_event_page`).
#[component]
pub fn AttemptTimeline(delivery: Result<Delivery, AppError>, open_attempt: RwSignal<Option<String>>) -> impl IntoView {
    let delivery = match delivery {
        Ok(delivery) => delivery,
        Err(error) => return view! { <LoadError what="the attempts" error /> }.into_any(),
    };
    let mut attempts = delivery.attempts.unwrap_or_default();
    attempts.reverse();
    if attempts.is_empty() {
        return view! { <p class="muted">"No attempt has finished yet. The first one is on its way."</p> }.into_any();
    }
    // Newest first; the newest is open unless the reader chose another.
    let newest = attempts.first().map(|a| a.id.clone());
    let selected = Memo::new(move |_| open_attempt.get().or_else(|| newest.clone()));
    let items = attempts.clone();
    // A delivery carries its latest attempts; older ones are read on demand, a page at a time.
    let older = RwSignal::new(Vec::<Attempt>::new());
    let cursor = RwSignal::new(delivery.attempts_next_cursor);
    let delivery_id = delivery.id;
    let load_older = Action::new(move |cursor: &String| list_attempts(delivery_id.clone(), cursor.clone()));
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_older.value().get() {
            older.update(|older| older.extend(page.data));
            cursor.set(page.next_cursor);
        }
    });
    let load_error = move || match load_older.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    view! {
        <ol class="timeline" aria-label="Attempts, newest first">
            {items.into_iter().map(|attempt| view! { <TimelineItem attempt selected open_attempt /> }).collect_view()}
            {move || older.get().into_iter().map(|attempt| view! { <TimelineItem attempt selected open_attempt /> }).collect_view()}
        </ol>
        {move || cursor.get().map(|next| view! {
            <p class="timeline-more">
                <button type="button" class="btn btn-small" disabled=move || load_older.pending().get()
                    on:click=move |_| { load_older.dispatch(next.clone()); }>
                    {move || if load_older.pending().get() { "Loading…" } else { "Older attempts" }}
                </button>
                {move || load_error().map(|error| view! { <span class="inline-error" role="alert">{error}</span> })}
            </p>
        })}
        {move || {
            let chosen = selected.get();
            let found = |list: &[Attempt]| list.iter().find(|attempt| Some(&attempt.id) == chosen.as_ref()).cloned();
            found(&attempts)
                .or_else(|| older.with(|older| found(older)))
                .map(|attempt| view! { <AttemptDetail attempt /> })
        }}
    }
    .into_any()
}

fn succeeded(attempt: &Attempt) -> bool {
    attempt.error.is_none()
}

#[component]
fn TimelineItem(
    attempt: Attempt,
    selected: Memo<Option<String>>,
    open_attempt: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = StoredValue::new(attempt.id.clone());
    let is_selected = move || selected.with(|s| s.as_deref() == Some(id.get_value().as_str()));
    let ok = succeeded(&attempt);
    let outcome = outcome_text(attempt.response.as_ref().map(|r| r.status), attempt.error.as_ref().map(|e| e.kind));
    let trigger = trigger_label(&attempt.trigger).to_string();
    view! {
        <li class="timeline-item" class:timeline-ok=ok class:timeline-failed=!ok data-attempt=attempt.id.clone()>
            <button
                type="button"
                class="timeline-button"
                aria-pressed=move || is_selected().to_string()
                on:click=move |_| open_attempt.set(Some(id.get_value()))
            >
                <span class="timeline-dot" aria-hidden="true"></span>
                <span class="timeline-number">{format!("#{}", attempt.number)}</span>
                <Chip tone=if ok { Tone::Ok } else { Tone::Danger } label=outcome />
                <span class="muted">{trigger}</span>
                <span class="muted">{format!("{} ms", attempt.duration_ms)}</span>
                <RelativeTime at=attempt.started_at.clone() />
            </button>
        </li>
    }
}

fn trigger_label(trigger: &str) -> &str {
    match trigger {
        "scheduled" => "Scheduled",
        "manual" => "Redelivered",
        "replay" => "Replayed",
        "test" => "Test",
        other => other,
    }
}

#[component]
pub fn AttemptDetail(attempt: Attempt) -> impl IntoView {
    let trigger = match &attempt.triggered_by {
        Some(by) => format!("{} by {by}", trigger_label(&attempt.trigger)),
        None => trigger_label(&attempt.trigger).to_string(),
    };
    let error = attempt.error.clone().map(|error| {
        view! {
            <div class="attempt-error" role="note">
                <strong>{error.kind.label()}</strong>
                <span class="mono">{error.message}</span>
            </div>
        }
    });
    let response = match attempt.response.clone() {
        Some(response) => {
            let truncated = response
                .truncated
                .then(|| view! { <p class="muted">"Truncated: only the first 64 KiB of the body were kept."</p> });
            view! {
                <h4>"Response"</h4>
                <p class="mono">{format!("HTTP {}", response.status)}</p>
                <HeaderTable headers=response.headers label="Response headers" />
                <BodyView body=response.body what="response body" />
                {truncated}
            }
            .into_any()
        }
        None => view! {
            <h4>"Response"</h4>
            <p class="muted">"No response was received."</p>
        }
        .into_any(),
    };
    view! {
        <article class="attempt-detail" aria-label=format!("Attempt {}", attempt.number) data-attempt-detail=attempt.id.clone()>
            <dl class="details details-compact">
                <div><dt>"Attempt"</dt><dd class="mono">{format!("#{} · {}", attempt.number, attempt.id)}</dd></div>
                <div><dt>"Started"</dt><dd><RelativeTime at=attempt.started_at.clone() />" · "<span class="mono">{attempt.started_at.clone()}</span></dd></div>
                <div><dt>"Duration"</dt><dd>{format!("{} ms", attempt.duration_ms)}</dd></div>
                <div><dt>"Trigger"</dt><dd>{trigger}</dd></div>
            </dl>
            {error}
            <div class="attempt-columns">
                <div class="attempt-column">
                    <h4>"Request"</h4>
                    <p class="mono url">{format!("POST {}", attempt.request.url)}</p>
                    <HeaderTable headers=attempt.request.headers label="Request headers" />
                    <BodyView body=attempt.request.body what="request body" />
                </div>
                <div class="attempt-column">{response}</div>
            </div>
        </article>
    }
}

#[component]
fn HeaderTable(headers: BTreeMap<String, String>, label: &'static str) -> impl IntoView {
    if headers.is_empty() {
        return view! { <p class="faint">"No headers."</p> }.into_any();
    }
    view! {
        <table class="header-table" aria-label=label>
            <tbody>
                {headers
                    .into_iter()
                    .map(|(name, value)| view! {
                        <tr>
                            <th scope="row" class="mono">{name}</th>
                            <td class="mono">{value}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

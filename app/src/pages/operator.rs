//! `/operator`: the instance at a glance, for the person who runs it (the instance admin): every
//! account with its event and failure counts, and whether delivery keeps up.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::chip::{Chip, Tone};
use crate::components::live::use_live;
use crate::components::states::LoadError;
use crate::components::table::{DataTable, LoadingTable};
use crate::error::AppError;
use crate::model::InstanceOverview;
use crate::rpc::operator::get_instance_overview;

#[component]
pub fn OperatorPage() -> impl IntoView {
    let live = use_live();
    let overview = Resource::new(move || live.changes.get(), |_| get_instance_overview());
    view! {
        <Title text="Operator" />
        <div class="page-header">
            <h1>"Operator"</h1>
            <p class="page-lede">"Every account on this instance, and whether delivery keeps up."</p>
        </div>
        <Transition fallback=|| view! { <LoadingTable label="accounts" /> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <Instance overview /> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <section class="panel empty-state" aria-label="Not available">
                            <p>"This page is for the person who runs this Hookrelay instance."</p>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadError what="the instance" error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Instance(overview: InstanceOverview) -> impl IntoView {
    let (tone, health) = match (overview.database_ok, overview.worker_lag_seconds) {
        (false, _) => (Tone::Danger, "Database unavailable".to_string()),
        (true, lag) if lag > 60 => (Tone::Warn, format!("Delivery is {lag} s behind")),
        (true, _) => (Tone::Ok, "Healthy".to_string()),
    };
    let rows = overview
        .accounts
        .into_iter()
        .map(|account| {
            let failed = account.failed_deliveries;
            view! {
                <tr>
                    <td data-label="Account" class="cell-primary">
                        <span class="cell-title">{account.name}</span>
                        <span class="cell-sub mono">{account.id}</span>
                    </td>
                    <td data-label="External id">
                        {match account.external_id {
                            Some(external_id) => view! { <span class="mono">{external_id}</span> }.into_any(),
                            None => view! { <span class="muted">"—"</span> }.into_any(),
                        }}
                    </td>
                    <td data-label="Events" class="cell-number">{account.events.to_string()}</td>
                    <td data-label="Failed deliveries" class="cell-number">
                        {if failed > 0 {
                            view! { <span class="danger-text">{failed.to_string()}</span> }.into_any()
                        } else {
                            view! { <span class="muted">"0"</span> }.into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="stat-row">
            <div class="panel stat">
                <span class="stat-label">"Instance"</span>
                <span data-stat="health"><Chip tone label=health /></span>
                <span class="muted">{format!("{} s worker lag", overview.worker_lag_seconds)}</span>
            </div>
            <div class="panel stat">
                <span class="stat-label">"Due now"</span>
                <span class="stat-value" data-stat="due">{overview.due.to_string()}</span>
                <span class="muted">{format!("{} in flight", overview.in_flight)}</span>
            </div>
            <div class="panel stat">
                <span class="stat-label">"Waiting to retry"</span>
                <span class="stat-value" data-stat="scheduled">{overview.scheduled.to_string()}</span>
                <span class="muted">"deliveries"</span>
            </div>
        </div>
        <DataTable label="Accounts" columns=&["Account", "External id", "Events", "Failed deliveries"]>
            {rows}
        </DataTable>
    }
}

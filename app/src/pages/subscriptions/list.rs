use leptos::prelude::*;
use leptos_meta::Title;

use super::{EventTypeTags, SubscriptionStatus};
use crate::components::empty_state::EmptyState;
use crate::components::states::LoadError;
use crate::components::subscription::SubscriptionName;
use crate::components::table::{DataTable, LoadingTable, Pager};
use crate::components::time::RelativeTime;
use crate::model::Subscription;
use crate::rpc::subscriptions::list_subscriptions;

#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let cursor = RwSignal::new(None::<String>);
    let subscriptions = Resource::new(move || cursor.get(), list_subscriptions);

    view! {
        <Title text="Subscriptions" />
        <div class="page-header page-header-row">
            <div class="page-header">
                <h1>"Subscriptions"</h1>
                <p class="page-lede">"The endpoints that receive your events, and which types each one wants."</p>
            </div>
            <a class="btn btn-primary" href="/subscriptions/new">"New subscription"</a>
        </div>
        <Transition fallback=|| view! { <LoadingTable label="subscriptions" /> }>
            {move || Suspend::new(async move {
                match subscriptions.await {
                    Ok(page) if page.data.is_empty() && cursor.with_untracked(Option::is_none) => view! {
                        <EmptyState title="No subscriptions yet">
                            <p>
                                "A subscription is an endpoint (a URL), such as your own service or a customer's, that
                                receives the events it asked for. Hookrelay signs every delivery and retries until the
                                endpoint answers with a 2xx status."
                            </p>
                            <p>
                                <a class="btn btn-primary" href="/subscriptions/new">"Add your first subscription"</a>
                            </p>
                        </EmptyState>
                    }
                        .into_any(),
                    Ok(page) => view! {
                        <SubscriptionTable subscriptions=page.data />
                        <Pager cursor next=page.next_cursor />
                    }
                        .into_any(),
                    Err(error) => view! { <LoadError what="subscriptions" error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn SubscriptionTable(subscriptions: Vec<Subscription>) -> impl IntoView {
    let rows = subscriptions
        .into_iter()
        .map(|subscription| {
            let types = subscription.event_types.clone();
            let created_at = subscription.created_at.clone();
            view! {
                <tr>
                    <td data-label="Subscription" class="cell-primary">
                        <SubscriptionName
                            id=subscription.id.clone()
                            description=subscription.description.clone()
                            url=subscription.url.clone()
                        />
                    </td>
                    <td data-label="Event types"><EventTypeTags types /></td>
                    <td data-label="Status"><SubscriptionStatus subscription /></td>
                    <td data-label="Created" class="cell-nowrap"><RelativeTime at=created_at /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Subscriptions" columns=&["Subscription", "Event types", "Status", "Created"]>
            {rows}
        </DataTable>
    }
    .into_any()
}

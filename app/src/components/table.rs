//! The list tables: a card with a sticky header row. Under 640 px wide each row becomes a card
//! and every cell shows its column name from `data-label`, so pages give each `<td>` one.

use leptos::prelude::*;

/// The column of row buttons; its header is read by screen readers but not shown.
pub const ACTIONS: &str = "Actions";

#[component]
pub fn DataTable(label: &'static str, columns: &'static [&'static str], children: Children) -> impl IntoView {
    view! {
        <div class="table-card">
            <table class="data-table" aria-label=label>
                <thead>
                    <tr>
                        {columns
                            .iter()
                            .map(|column| {
                                if *column == ACTIONS {
                                    view! { <th scope="col" class="col-actions"><span class="visually-hidden">{*column}</span></th> }.into_any()
                                } else {
                                    view! { <th scope="col">{*column}</th> }.into_any()
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A quiet placeholder in the shape of the table that is loading.
#[component]
pub fn LoadingTable(label: &'static str, #[prop(default = 3)] rows: usize) -> impl IntoView {
    view! {
        <div class="table-card table-loading" aria-busy="true">
            <p class="visually-hidden" role="status">{format!("Loading {label}…")}</p>
            {(0..rows)
                .map(|_| view! {
                    <div class="skeleton-row" aria-hidden="true">
                        <span class="skeleton skeleton-text"></span>
                        <span class="skeleton skeleton-text skeleton-short"></span>
                    </div>
                })
                .collect_view()}
        </div>
    }
}

/// Links to older pages of a keyset-paginated list.
#[component]
pub fn Pager(cursor: RwSignal<Option<String>>, next: Option<String>) -> impl IntoView {
    let paged = move || cursor.with(Option::is_some);
    if next.is_none() && !cursor.with_untracked(Option::is_some) {
        return ().into_any();
    }
    let has_next = next.is_some();
    view! {
        <nav class="pager" aria-label="Pages">
            <button type="button" class="btn btn-small" hidden=move || !paged() on:click=move |_| cursor.set(None)>
                "Newest"
            </button>
            <button
                type="button"
                class="btn btn-small"
                hidden=!has_next
                on:click=move |_| cursor.set(next.clone())
            >
                "Older"
            </button>
        </nav>
    }
    .into_any()
}

//! What a page is for and what to do first, when it has nothing to list yet.

use leptos::prelude::*;

#[component]
pub fn EmptyState(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="panel empty-state" aria-label=title>
            <h2>{title}</h2>
            {children()}
        </section>
    }
}

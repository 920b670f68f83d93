//! What a page shows when its data could not be loaded.

use leptos::prelude::*;

use crate::error::AppError;

#[component]
pub fn LoadError(what: &'static str, error: AppError) -> impl IntoView {
    view! {
        <div class="panel load-error" role="alert">
            <h2>{format!("Could not load {what}")}</h2>
            <p>{error.to_string()}</p>
        </div>
    }
}

/// An action's failure, shown beside what it acted on.
#[component]
pub fn ActionError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="form-alert" role="alert" hidden=move || error.with(Option::is_none)>
            {move || error.get()}
        </div>
    }
}

//! A labelled form input with its error message beside it.

use leptos::prelude::*;

use crate::error::AppError;

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] autofocus: bool,
    /// The message to show under the field, if its last submission was refused.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let input_id = format!("field-{name}");
    let hint_id = format!("{input_id}-hint");
    let error_id = format!("{input_id}-error");
    let has_hint = hint.is_some();
    let described_by = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=input_id.clone()>{label}</label>
            <input
                id=input_id
                name=name
                type=kind
                autocomplete=autocomplete
                autofocus=autofocus
                required=true
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
            />
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// The message for `field` in an action's last error, if that error concerns it.
pub fn error_for(last: Option<Result<(), AppError>>, field: &str) -> Option<String> {
    match last {
        Some(Err(error)) if error.field() == Some(field) => Some(error.to_string()),
        _ => None,
    }
}

/// The message of an error that concerns none of `fields` (shown above the form).
pub fn form_error(last: Option<Result<(), AppError>>, fields: &[&str]) -> Option<String> {
    match last {
        Some(Err(error)) if !error.field().is_some_and(|f| fields.contains(&f)) => Some(error.to_string()),
        _ => None,
    }
}

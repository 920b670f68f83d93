//! Labelled form inputs with their hint and error message beside them.

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
pub fn error_for<T>(last: Option<Result<T, AppError>>, field: &str) -> Option<String> {
    match last {
        Some(Err(error)) if error.field() == Some(field) => Some(error.to_string()),
        _ => None,
    }
}

/// The message of an error that concerns none of `fields` (shown above the form).
pub fn form_error<T>(last: Option<Result<T, AppError>>, fields: &[&str]) -> Option<String> {
    match last {
        Some(Err(error)) if !error.field().is_some_and(|f| fields.contains(&f)) => Some(error.to_string()),
        _ => None,
    }
}

/// The ids an input's `aria-describedby` lists: its hint, and its error while there is one.
fn described_by(id: &'static str, has_hint: bool, error: Signal<Option<String>>) -> impl Fn() -> String {
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{id}-hint"));
        }
        if error.with(Option::is_some) {
            ids.push(format!("{id}-error"));
        }
        ids.join(" ")
    }
}

/// The label, hint and error around an input whose element id is `id`.
#[component]
fn FieldFrame(
    label: &'static str,
    id: &'static str,
    optional: bool,
    hint: Option<String>,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id>
                {label}
                {optional.then(|| view! { " " <span class="field-optional">"optional"</span> })}
            </label>
            {children()}
            {hint.map(|hint| view! { <p class="field-hint" id=format!("{id}-hint")>{hint}</p> })}
            <p class="field-error" id=format!("{id}-error") role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A text input bound to a signal.
#[component]
pub fn TextField(
    label: &'static str,
    /// The element id; its hint and error get `<id>-hint` and `<id>-error`.
    id: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// Ids, URLs and secrets are set in monospace.
    #[prop(optional)]
    mono: bool,
    #[prop(optional)] optional: bool,
    #[prop(optional, into)] readonly: Signal<bool>,
    #[prop(optional)] node_ref: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let describedby = described_by(id, hint.is_some(), error);
    view! {
        <FieldFrame label id optional hint error>
            <input
                id=id
                type=kind
                class:mono=mono
                placeholder=placeholder
                autocomplete=autocomplete
                spellcheck=if mono { Some("false") } else { None }
                readonly=move || readonly.get()
                node_ref=node_ref
                value=value.get_untracked()
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=describedby
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </FieldFrame>
    }
}

/// A choice among fixed options, bound to a signal holding the chosen value.
#[component]
pub fn SelectField(
    label: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    /// `(value, label)` pairs.
    options: &'static [(&'static str, &'static str)],
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let describedby = described_by(id, hint.is_some(), error);
    view! {
        <FieldFrame label id optional=false hint error>
            <select
                id=id
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=describedby
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {options
                    .iter()
                    .map(|(option, text)| {
                        view! {
                            <option value=*option selected=value.get_untracked() == *option prop:selected=move || value.get() == *option>
                                {*text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </FieldFrame>
    }
}

/// A multi-line text input bound to a signal.
#[component]
pub fn TextAreaField(
    label: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(default = 5)] rows: u32,
    #[prop(optional)] mono: bool,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let describedby = described_by(id, hint.is_some(), error);
    view! {
        <FieldFrame label id optional hint error>
            <textarea
                id=id
                rows=rows
                class:mono=mono
                placeholder=placeholder
                spellcheck=if mono { Some("false") } else { None }
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=describedby
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        </FieldFrame>
    }
}

/// Moves keyboard focus (and so the view) to the element with `id`, such as the field that a
/// refused submission concerns.
pub fn focus_element(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let element =
            document().get_element_by_id(id).and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

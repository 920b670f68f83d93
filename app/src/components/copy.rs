//! A button that puts a value on the clipboard and says whether that worked, and a code sample
//! with one.

use std::time::Duration;

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Failed,
}

#[component]
pub fn CopyButton(
    #[prop(into)] value: Signal<String>,
    /// What is copied, for the button's accessible name ("Copy signing secret").
    what: &'static str,
) -> impl IntoView {
    let state = RwSignal::new(CopyState::Idle);
    let on_click = move |_| {
        let text = value.get_untracked();
        leptos::task::spawn_local(async move {
            let copied = write_clipboard(&text).await;
            state.try_set(if copied { CopyState::Copied } else { CopyState::Failed });
            set_timeout(move || _ = state.try_set(CopyState::Idle), Duration::from_secs(2));
        });
    };
    let announcement = move || match state.get() {
        CopyState::Idle => String::new(),
        CopyState::Copied => format!("Copied the {what} to the clipboard."),
        CopyState::Failed => format!("Could not copy. Select the {what} and copy it by hand."),
    };
    view! {
        <button type="button" class="btn btn-small copy-button" aria-label=format!("Copy {what}") on:click=on_click>
            {move || match state.get() {
                CopyState::Idle => "Copy",
                CopyState::Copied => "Copied",
                CopyState::Failed => "Copy failed",
            }}
        </button>
        <span class="visually-hidden" role="status">{announcement}</span>
    }
}

#[cfg(feature = "hydrate")]
async fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let clipboard = window.navigator().clipboard();
    // Browsers only offer the clipboard to secure contexts (https or localhost).
    if clipboard.is_undefined() {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

#[cfg(not(feature = "hydrate"))]
async fn write_clipboard(_text: &str) -> bool {
    false
}

/// A value shown once to be copied (a new key, a source's token), read-only in a field that
/// selects it whole on focus, with a copy button. `labelledby` names the element labelling it
/// when no `<label for=id>` does.
#[component]
pub fn CopyableValue(
    id: &'static str,
    value: String,
    what: &'static str,
    #[prop(optional)] labelledby: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="secret-row">
            <input
                id=id
                class="secret-input mono"
                type="text"
                readonly=true
                aria-labelledby=labelledby
                spellcheck="false"
                value=value.clone()
                prop:value=value.clone()
                on:focus=select_on_focus
            />
            <CopyButton value=Signal::stored(value) what />
        </div>
    }
}

/// Selects a read-only input's value when it gets focus, ready to copy by hand.
pub fn select_on_focus(ev: leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(input) = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// A code sample to paste elsewhere (a curl command, a snippet): its language as a caption and
/// a Copy button above it.
#[component]
pub fn CodeSample(caption: &'static str, code: String, what: &'static str) -> impl IntoView {
    view! {
        <div class="code-frame">
            <div class="code-toolbar">
                <span class="code-caption">{caption}</span>
                <CopyButton value=Signal::stored(code.clone()) what />
            </div>
            <pre class="code-block">{code}</pre>
        </div>
    }
}

//! A button that puts a value on the clipboard and says whether that worked.

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

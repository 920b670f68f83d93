//! A button whose action needs a second, explicit click: the first one shows what will happen
//! and asks again, next to the button, without a modal.

use leptos::html;
use leptos::prelude::*;

#[component]
pub fn ConfirmButton(
    /// The text of the first button ("Revoke").
    label: &'static str,
    /// The first button's accessible name when `label` alone is ambiguous ("Revoke key CI").
    #[prop(optional, into)]
    aria_label: Option<String>,
    /// What will happen, shown with the second button.
    #[prop(into)]
    message: String,
    /// The second button ("Revoke key").
    confirm_label: &'static str,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(optional, into)] pending: Signal<bool>,
    #[prop(default = "btn btn-small")] class: &'static str,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let trigger = NodeRef::<html::Button>::new();
    let cancel = NodeRef::<html::Button>::new();
    // The first button is replaced while asking; give focus back to it afterwards, but never
    // steal focus when the page first renders.
    let refocus = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(button) = cancel.get() {
            let _ = button.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(button) = trigger.get() {
            if refocus.get_value() {
                refocus.set_value(false);
                let _ = button.focus();
            }
        }
    });
    let message = StoredValue::new(message);
    let aria_label = StoredValue::new(aria_label);

    move || {
        if confirming.get() {
            view! {
                <div class="confirm" role="group" aria-label=format!("Confirm: {label}")>
                    <p class="confirm-message">{message.get_value()}</p>
                    <div class="confirm-actions">
                        <button
                            type="button"
                            class="btn btn-small btn-danger"
                            disabled=move || pending.get()
                            on:click=move |_| {
                                refocus.set_value(true);
                                confirming.set(false);
                                on_confirm.run(());
                            }
                        >
                            {confirm_label}
                        </button>
                        <button
                            type="button"
                            class="btn btn-small"
                            node_ref=cancel
                            on:click=move |_| {
                                refocus.set_value(true);
                                confirming.set(false);
                            }
                        >
                            "Cancel"
                        </button>
                    </div>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    class=class
                    node_ref=trigger
                    aria-label=aria_label.get_value()
                    disabled=move || pending.get()
                    on:click=move |_| confirming.set(true)
                >
                    {label}
                </button>
            }
            .into_any()
        }
    }
}

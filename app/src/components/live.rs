//! Live updates: one `EventSource` on `/live` for the whole signed-in app. Each message from the
//! server bumps a counter; pages put the counter into their resources' keys, so that what they
//! show is re-read (quietly, by a `Transition`) whenever the account's data changed.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Disconnected,
}

#[derive(Clone, Copy, Debug)]
pub struct Live {
    /// Grows by one with every change notice, and each time the stream (re)opens, since what
    /// changed before that was announced to nobody.
    pub changes: RwSignal<u64>,
    pub connection: RwSignal<Connection>,
}

/// Opens the stream (in the browser) and offers it to every page below.
pub fn provide_live() {
    let live = Live { changes: RwSignal::new(0), connection: RwSignal::new(Connection::Connecting) };
    provide_context(live);
    // Effects run only in the browser, once the page is hydrated.
    Effect::new(move |_| connect(live));
}

/// The app's live updates; outside the dashboard a stand-in that never changes.
pub fn use_live() -> Live {
    use_context::<Live>()
        .unwrap_or_else(|| Live { changes: RwSignal::new(0), connection: RwSignal::new(Connection::Disconnected) })
}

/// Says whether the page is receiving updates; a lost connection is reported, not hidden.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let live = use_live();
    let (class, label, title) = (
        move || match live.connection.get() {
            Connection::Live => "live-indicator live-on",
            Connection::Connecting => "live-indicator live-connecting",
            Connection::Disconnected => "live-indicator live-off",
        },
        move || match live.connection.get() {
            Connection::Live => "Live",
            Connection::Connecting => "Connecting…",
            Connection::Disconnected => "Disconnected",
        },
        move || match live.connection.get() {
            Connection::Live => "New events and delivery updates appear as they happen.",
            Connection::Connecting => "Connecting to live updates…",
            Connection::Disconnected => "Live updates are interrupted; reconnecting. Reload to see the latest.",
        },
    );
    view! {
        <span class=class title=title role="status" data-connection=move || label().to_lowercase()>
            <span class="live-dot" aria-hidden="true"></span>
            {label}
        </span>
    }
}

#[cfg(feature = "hydrate")]
fn connect(live: Live) {
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new("/live") else {
        live.connection.set(Connection::Disconnected);
        return;
    };
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
        live.changes.update(|n| *n += 1);
    });
    let on_open = Closure::<dyn FnMut()>::new(move || {
        live.connection.set(Connection::Live);
        // Changes made before the stream was open (between the server drawing the page and
        // now, or while disconnected) were announced to nobody: re-read once.
        live.changes.update(|n| *n += 1);
    });
    // The browser reconnects by itself after a dropped connection (not after a refusal).
    let on_error = Closure::<dyn FnMut()>::new(move || live.connection.set(Connection::Disconnected));
    let _ = source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The dashboard layout lives as long as the page: the handlers must too.
    on_change.forget();
    on_open.forget();
    on_error.forget();
    let source = send_wrapper::SendWrapper::new(source);
    on_cleanup(move || source.close());
}

#[cfg(not(feature = "hydrate"))]
fn connect(_live: Live) {}

use leptos::prelude::*;

/// The product mark: a relay arrow between two nodes.
#[component]
pub fn Logo(#[prop(default = 24)] size: u32) -> impl IntoView {
    view! {
        <svg class="logo" width=size height=size viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <rect x="1" y="1" width="22" height="22" rx="6" fill="var(--accent)" />
            <circle cx="7" cy="12" r="2.6" fill="var(--accent-contrast)" />
            <circle cx="17" cy="12" r="2.6" fill="none" stroke="var(--accent-contrast)" stroke-width="1.8" />
            <path d="M9.8 12h4.2M12.4 9.6 14.6 12l-2.2 2.4" fill="none" stroke="var(--accent-contrast)"
                stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

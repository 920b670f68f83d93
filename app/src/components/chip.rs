//! A status as a word on a tinted background: the colour helps, the word carries the meaning.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Warn,
    Danger,
    Neutral,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Ok => "chip chip-ok",
            Tone::Warn => "chip chip-warn",
            Tone::Danger => "chip chip-danger",
            Tone::Neutral => "chip chip-neutral",
        }
    }
}

#[component]
pub fn Chip(tone: Tone, #[prop(into)] label: String) -> impl IntoView {
    view! { <span class=tone.class()>{label}</span> }
}

//! Event type names: never a panic, and an accepted name is dotted lowercase words.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else { return };
    if app::validation::check_event_type_name(name).is_ok() {
        assert!(name.split('.').count() >= 2, "{name}");
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'), "{name}");
    }
});

//! A custom header that passes validation can be put on a real request.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (name, value) = text.split_once('\n').unwrap_or((text, ""));
    if app::validation::check_custom_header(name, value).is_ok() {
        axum::http::HeaderName::from_bytes(name.as_bytes()).expect("an accepted name is a header name");
        axum::http::HeaderValue::from_str(value).expect("an accepted value is a header value");
    }
});

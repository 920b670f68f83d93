//! The inbound signature verifiers never panic on any header value, body or secret, and never
//! accept a signature they were not given.
#![no_main]
use axum::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(3, '\n');
    let (header, secret, body) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let Ok(value) = HeaderValue::from_str(header) else { return };
    for (scheme, name) in [
        (app::model::VerifyScheme::Stripe, "stripe-signature"),
        (app::model::VerifyScheme::Github, "x-hub-signature-256"),
        (app::model::VerifyScheme::StandardWebhooks, "webhook-signature"),
    ] {
        let mut headers = HeaderMap::new();
        headers.insert(name, value.clone());
        headers.insert("webhook-id", HeaderValue::from_static("msg_1"));
        headers.insert("webhook-timestamp", HeaderValue::from_static("1700000000"));
        let _ = app::domain::sender_signatures::verify(scheme, secret, &headers, body.as_bytes(), 1_700_000_000);
        // Without the signature header nothing verifies.
        headers.remove(name);
        assert!(app::domain::sender_signatures::verify(scheme, secret, &headers, body.as_bytes(), 1_700_000_000).is_err());
    }
});

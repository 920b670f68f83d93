//! What Hookrelay signs, the Standard Webhooks verifier of inbound sources accepts: any secret
//! key, id and body, signed now. A changed body is refused.
#![no_main]
use axum::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use base64::Engine;
    if data.len() < 2 {
        return;
    }
    let key_len = usize::from(data[0] % 64) + 1;
    let rest = &data[1..];
    let (key, rest) = rest.split_at(key_len.min(rest.len()));
    if key.is_empty() {
        return;
    }
    let (id_bytes, body) = rest.split_at(rest.len().min(16));
    let id: String = id_bytes.iter().map(|b| char::from(b'a' + b % 26)).collect();
    let id = format!("msg_{id}");
    let secret = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(key));
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let Some(signature) = app::domain::signing::sign(&secret, &id, now, body) else { panic!("our own secret signs") };
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", HeaderValue::from_str(&id).unwrap());
    headers.insert("webhook-timestamp", HeaderValue::from_str(&now.to_string()).unwrap());
    headers.insert("webhook-signature", HeaderValue::from_str(&signature).unwrap());
    let scheme = app::model::VerifyScheme::StandardWebhooks;
    // The reference verifier reads the body as UTF-8, as webhook bodies (JSON) are.
    if std::str::from_utf8(body).is_ok() {
        assert_eq!(app::domain::sender_signatures::verify(scheme, &secret, &headers, body, now), Ok(()));
        let mut changed = body.to_vec();
        changed.push(b' ');
        assert!(app::domain::sender_signatures::verify(scheme, &secret, &headers, &changed, now).is_err());
    }
});

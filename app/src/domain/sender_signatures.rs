//! Checking a sender's own signature on an inbound request, for the schemes most webhooks use:
//! Standard Webhooks (through the reference crate), Stripe (`Stripe-Signature`) and GitHub
//! (`X-Hub-Signature-256`). Every comparison is constant-time (`Mac::verify_slice`).

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::model::VerifyScheme;

type HmacSha256 = Hmac<Sha256>;

/// How far a signed timestamp may be from now (Stripe's and Standard Webhooks' default).
pub const TOLERANCE_SECS: i64 = 5 * 60;
const MAX_SECRET_CHARS: usize = 200;

/// Whether `secret` can verify with `scheme`; the message says what is wrong.
pub fn check_secret(scheme: VerifyScheme, secret: &str) -> Result<(), String> {
    let clean = secret.trim() == secret && !secret.chars().any(char::is_control);
    if secret.is_empty() || secret.len() > MAX_SECRET_CHARS || !clean {
        return Err(format!(
            "Paste the sender's signing secret: 1 to {MAX_SECRET_CHARS} characters, no spaces at either end."
        ));
    }
    if scheme == VerifyScheme::StandardWebhooks && standardwebhooks::Webhook::new(secret).is_err() {
        return Err("A Standard Webhooks secret is whsec_ followed by base64.".into());
    }
    Ok(())
}

/// Checks the request's signature; the error says what is wrong, for the request log.
pub fn verify(
    scheme: VerifyScheme,
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
    now_secs: i64,
) -> Result<(), String> {
    match scheme {
        VerifyScheme::StandardWebhooks => verify_standard_webhooks(secret, headers, body, now_secs),
        VerifyScheme::Stripe => verify_stripe(secret, headers, body, now_secs),
        VerifyScheme::Github => verify_github(secret, headers, body),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, String> {
    let value = headers.get(name).ok_or_else(|| format!("The {name} header is missing."))?;
    value.to_str().map_err(|_| format!("The {name} header is not text."))
}

/// Whether a signed time is within [`TOLERANCE_SECS`] of now; any time so far off that the
/// difference overflows is not.
fn within_tolerance(now_secs: i64, signed_secs: i64) -> bool {
    now_secs.checked_sub(signed_secs).and_then(i64::checked_abs).is_some_and(|skew| skew <= TOLERANCE_SECS)
}

fn verify_standard_webhooks(secret: &str, headers: &HeaderMap, body: &[u8], now_secs: i64) -> Result<(), String> {
    // The crate checks the time too, with unchecked arithmetic: ours comes first.
    let timestamp = header(headers, "webhook-timestamp")?;
    if !timestamp.parse::<i64>().is_ok_and(|signed| within_tolerance(now_secs, signed)) {
        return Err("The webhook-timestamp is not a time within 5 minutes of now.".into());
    }
    let webhook =
        standardwebhooks::Webhook::new(secret).map_err(|_| "The source's secret is not valid.".to_string())?;
    webhook.verify(body, headers).map_err(|error| format!("The Standard Webhooks signature does not verify: {error}."))
}

/// `Stripe-Signature: t=<unix secs>,v1=<hex HMAC-SHA256 of "t.body">[,v1=…]`, keyed with the
/// secret's text as it is (`whsec_…` included). Any one `v1` that matches is enough (Stripe
/// sends two during a secret roll).
fn verify_stripe(secret: &str, headers: &HeaderMap, body: &[u8], now_secs: i64) -> Result<(), String> {
    let value = header(headers, "Stripe-Signature")?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in value.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", signature)) => signatures.push(signature),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or("The Stripe-Signature header has no valid t= timestamp.")?;
    if !within_tolerance(now_secs, timestamp) {
        return Err("The Stripe-Signature timestamp is more than 5 minutes from now.".into());
    }
    let matches = signatures.iter().filter_map(|signature| hex::decode(signature).ok()).any(|signature| {
        mac(secret.as_bytes())
            .map(|mut mac| {
                mac.update(timestamp.to_string().as_bytes());
                mac.update(b".");
                mac.update(body);
                mac.verify_slice(&signature).is_ok()
            })
            .unwrap_or(false)
    });
    if matches {
        Ok(())
    } else {
        Err("No v1 signature in Stripe-Signature matches.".into())
    }
}

/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
fn verify_github(secret: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
    let value = header(headers, "X-Hub-Signature-256")?;
    let signature = value
        .strip_prefix("sha256=")
        .and_then(|hex_text| hex::decode(hex_text).ok())
        .ok_or("X-Hub-Signature-256 is not sha256=<hex>.")?;
    let mut mac = mac(secret.as_bytes()).ok_or("The source's secret is not valid.")?;
    mac.update(body);
    mac.verify_slice(&signature).map_err(|_| "X-Hub-Signature-256 does not match.".to_string())
}

fn mac(key: &[u8]) -> Option<HmacSha256> {
    HmacSha256::new_from_slice(key).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    // GitHub's documented example ("Validating webhook deliveries").
    #[test]
    fn github_documented_vector() {
        let signed = headers(&[(
            "x-hub-signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        )]);
        assert_eq!(verify(VerifyScheme::Github, "It's a Secret to Everybody", &signed, b"Hello, World!", 0), Ok(()));
        assert!(verify(VerifyScheme::Github, "It's a Secret to Everybody", &signed, b"Hello, World?", 0).is_err());
        assert!(verify(VerifyScheme::Github, "another secret", &signed, b"Hello, World!", 0).is_err());
        assert!(verify(VerifyScheme::Github, "s", &headers(&[("x-hub-signature-256", "sha1=00")]), b"", 0).is_err());
        assert!(verify(VerifyScheme::Github, "s", &HeaderMap::new(), b"", 0).is_err());
    }

    // Stripe publishes no fixed vector; this one was computed independently with
    // `printf '%s' '1492774577.{…}' | openssl dgst -sha256 -hmac whsec_test_secret`.
    const STRIPE_BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
    const STRIPE_V1: &str = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";

    #[test]
    fn stripe_vector_within_tolerance() {
        let signed = headers(&[("stripe-signature", &format!("t=1492774577,v1={STRIPE_V1},v0=6ffbb59b"))]);
        let at = 1492774577;
        assert_eq!(verify(VerifyScheme::Stripe, "whsec_test_secret", &signed, STRIPE_BODY, at + 10), Ok(()));
        assert!(verify(VerifyScheme::Stripe, "whsec_test_secret", &signed, STRIPE_BODY, at + 301).is_err());
        assert!(verify(VerifyScheme::Stripe, "whsec_other", &signed, STRIPE_BODY, at).is_err());
        assert!(verify(VerifyScheme::Stripe, "whsec_test_secret", &signed, b"{}", at).is_err());
        // Two v1 values during a roll: either may match.
        let rolled = headers(&[("stripe-signature", &format!("t=1492774577,v1=00ff,v1={STRIPE_V1}"))]);
        assert_eq!(verify(VerifyScheme::Stripe, "whsec_test_secret", &rolled, STRIPE_BODY, at), Ok(()));
        let no_time = headers(&[("stripe-signature", &format!("v1={STRIPE_V1}"))]);
        assert!(verify(VerifyScheme::Stripe, "whsec_test_secret", &no_time, STRIPE_BODY, at).is_err());
    }

    #[test]
    fn standard_webhooks_signed_now_verifies() {
        // The signer is checked against the published vector in `signing`.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let body = br#"{"test": 2432232314}"#;
        let signature = super::super::signing::sign(secret, "msg_1", now, body).unwrap();
        let signed = headers(&[
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", &now.to_string()),
            ("webhook-signature", &signature),
        ]);
        assert_eq!(verify(VerifyScheme::StandardWebhooks, secret, &signed, body, now), Ok(()));
        assert!(verify(VerifyScheme::StandardWebhooks, secret, &signed, b"{}", now).is_err());
        let old = super::super::signing::sign(secret, "msg_1", now - 600, body).unwrap();
        let stale = headers(&[
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", &(now - 600).to_string()),
            ("webhook-signature", &old),
        ]);
        assert!(verify(VerifyScheme::StandardWebhooks, secret, &stale, body, now).is_err());
    }

    /// An empty or cut signature never matches (the crate compares lengths first; pinned to
    /// the release that does, `=1.0.1`).
    #[test]
    fn empty_and_truncated_standard_webhooks_signatures_are_refused() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let body = br#"{"test": 1}"#;
        let good = super::super::signing::sign(secret, "msg_1", now, body).unwrap();
        for signature in ["v1,", "v1, v1,", "", &good[..20], &good[..good.len() - 1], "v2,abc", " "] {
            let signed = headers(&[
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", &now.to_string()),
                ("webhook-signature", signature),
            ]);
            assert!(verify(VerifyScheme::StandardWebhooks, secret, &signed, body, now).is_err(), "{signature:?}");
        }
    }

    /// A signed time so far off that `now - t` overflows is refused, not wrapped into range.
    #[test]
    fn timestamps_whose_distance_overflows_are_refused() {
        let now = 1_700_000_000;
        for extreme in [i64::MIN, i64::MIN + 1, i64::MAX] {
            let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            let signature = super::super::signing::sign(secret, "msg_1", extreme, b"{}").unwrap();
            let signed = headers(&[
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", &extreme.to_string()),
                ("webhook-signature", &signature),
            ]);
            assert!(verify(VerifyScheme::StandardWebhooks, secret, &signed, b"{}", now).is_err(), "{extreme}");

            let mut mac = mac(b"whsec_test_secret").unwrap();
            mac.update(format!("{extreme}.{{}}").as_bytes());
            let v1 = hex::encode(mac.finalize().into_bytes());
            let stripe = headers(&[("stripe-signature", &format!("t={extreme},v1={v1}"))]);
            assert!(verify(VerifyScheme::Stripe, "whsec_test_secret", &stripe, b"{}", now).is_err(), "{extreme}");
        }
        assert!(within_tolerance(now, now - TOLERANCE_SECS) && !within_tolerance(now, now + TOLERANCE_SECS + 1));
    }

    #[test]
    fn secrets_are_checked_per_scheme() {
        assert!(check_secret(VerifyScheme::StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
        assert!(check_secret(VerifyScheme::StandardWebhooks, "whsec_not base64!").is_err());
        assert!(check_secret(VerifyScheme::Stripe, "").is_err());
        assert!(check_secret(VerifyScheme::Github, "It's a Secret to Everybody").is_ok());
        assert!(check_secret(VerifyScheme::Github, " padded ").is_err());
        assert!(check_secret(VerifyScheme::Github, "s3cret").is_ok());
    }
}

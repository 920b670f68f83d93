//! The body every subscriber receives: `{"id", "type", "timestamp", "webhook_id"?, "data"}`.

use serde::Serialize;
use serde_json::value::RawValue;

#[derive(Serialize)]
struct Envelope<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    event_type: &'a str,
    timestamp: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_id: Option<&'a str>,
    data: &'a RawValue,
}

/// Builds the body from the stored payload text without parsing it again.
pub fn envelope(
    id: &str,
    event_type: &str,
    timestamp: &str,
    webhook_id: Option<&str>,
    data: &str,
) -> Result<String, serde_json::Error> {
    let data: &RawValue = serde_json::from_str(data)?;
    serde_json::to_string(&Envelope { id, event_type, timestamp, webhook_id, data })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_envelope_carries_the_data_verbatim() {
        let body =
            super::envelope("evt_1", "invoice.paid", "2026-01-01T00:00:00Z", Some("c-7"), r#"{"a":[1,2]}"#).unwrap();
        assert_eq!(
            body,
            r#"{"id":"evt_1","type":"invoice.paid","timestamp":"2026-01-01T00:00:00Z","webhook_id":"c-7","data":{"a":[1,2]}}"#
        );
        let without = super::envelope("evt_1", "a.b", "t", None, "null").unwrap();
        assert_eq!(without, r#"{"id":"evt_1","type":"a.b","timestamp":"t","data":null}"#);
    }
}

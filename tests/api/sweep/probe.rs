//! One hostile request and what must follow: a 4xx in the documented error shape and an
//! unchanged database, or (for odd but valid text) the value accepted exactly as sent.

use app::error::AppError;
use reqwest::Method;
use serde_json::Value;

use super::snapshot::Database;
use super::world::World;

/// What a probe must get.
#[derive(Clone)]
pub enum Expect {
    /// A 4xx in the error shape, nothing changed.
    Refused,
    /// A 4xx as above, or a 2xx whose answer, where it shows `field`, shows `value` unaltered.
    RefusedOrVerbatim { field: String, value: String },
    /// 404 `not_found`, nothing changed: another account's resource.
    NotFound,
    /// 401 `unauthorized`, nothing changed.
    Unauthorized,
    /// 403 from the cross-site guard (plain text: no page of ours sent it), nothing changed.
    Forbidden,
}

/// The error shape a refusal must have.
#[derive(Clone, Copy)]
pub enum Shape {
    /// `{"error": {"code", "message", "field"?}}`, the REST API's error answer.
    Rest,
    /// A server function's error: the JSON of `AppError`, whose status is the response's.
    Rpc,
}

pub struct Probe {
    pub label: String,
    pub method: Method,
    /// Path and query below the server's base URL, already encoded.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<(String, Vec<u8>)>,
    pub expect: Expect,
    pub shape: Shape,
    /// A table the request may add to even when refused: the owner's log of what it was.
    pub logged_in: Option<&'static str>,
}

impl Probe {
    pub fn new(label: impl Into<String>, method: Method, target: impl Into<String>, expect: Expect) -> Probe {
        Probe {
            label: label.into(),
            method,
            target: target.into(),
            headers: Vec::new(),
            body: None,
            expect,
            shape: Shape::Rest,
            logged_in: None,
        }
    }

    /// A server function call (`POST /rpc/<name>`), refused in `AppError`'s shape.
    pub fn rpc(label: impl Into<String>, name: &str, expect: Expect) -> Probe {
        Probe { shape: Shape::Rpc, ..Probe::new(label, Method::POST, format!("/rpc/{name}"), expect) }
    }

    /// A refusal of this request is recorded in `table` (as the inbound log records refusals).
    pub fn logged_in(mut self, table: &'static str) -> Probe {
        self.logged_in = Some(table);
        self
    }

    pub fn form(self, fields: &[(&str, &str)]) -> Probe {
        let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.raw("application/x-www-form-urlencoded", encoded)
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Probe {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn bearer(self, key: &str) -> Probe {
        self.header("authorization", format!("Bearer {key}"))
    }

    pub fn json(self, body: &Value) -> Probe {
        self.raw("application/json", serde_json::to_vec(body).expect("JSON"))
    }

    pub fn raw(mut self, content_type: &str, bytes: impl Into<Vec<u8>>) -> Probe {
        self.body = Some((content_type.to_string(), bytes.into()));
        self
    }
}

/// What went wrong with the probes, one line each, so that one run shows every failure.
#[derive(Default)]
pub struct Findings(Vec<String>);

impl Findings {
    pub fn push(&mut self, finding: String) {
        self.0.push(finding);
    }

    pub fn assert_none(self, what: &str) {
        assert!(self.0.is_empty(), "{what}: {} probe(s) failed:\n{}", self.0.len(), self.0.join("\n"));
    }
}

/// Sends `probe` and records any way the answer falls short of what it expects.
pub async fn run(world: &World, db: &mut Database, probe: Probe, findings: &mut Findings) {
    let before = db.snapshot().await;
    let mut request = world.app.http.request(probe.method.clone(), world.app.url(&probe.target));
    for (name, value) in &probe.headers {
        request = request.header(name, value);
    }
    if let Some((content_type, bytes)) = probe.body.clone() {
        request = request.header("content-type", content_type).body(bytes);
    }
    let (status, text) = match request.send().await {
        Ok(response) => (response.status().as_u16(), response.text().await.unwrap_or_default()),
        Err(error) => {
            findings.push(format!("{}: no answer ({error})", probe.label));
            return;
        }
    };
    let shown = text.chars().take(300).collect::<String>();
    let fail = |why: &str| format!("{}: {why} (got {status} {shown})", probe.label);
    let refused_cleanly = |wanted: Option<(u16, &str)>| -> Option<String> {
        let (code, message) = match probe.shape {
            Shape::Rest => {
                let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                (
                    body["error"]["code"].as_str().map(str::to_string),
                    body["error"]["message"].as_str().map(str::to_string),
                )
            }
            Shape::Rpc => match serde_json::from_str::<AppError>(&text) {
                Ok(error) if error.status() == status => (Some(error.code().to_string()), Some(error.to_string())),
                _ => (None, None),
            },
        };
        match wanted {
            Some((want, want_code)) if status != want || code.as_deref() != Some(want_code) => {
                Some(fail(&format!("expected {want} {want_code}")))
            }
            None if !(400..500).contains(&status) => Some(fail("expected a 4xx")),
            _ if code.is_none() || message.is_none_or(|message| message.is_empty()) => {
                Some(fail("not the error shape"))
            }
            _ => None,
        }
    };
    let problem = match &probe.expect {
        Expect::Refused => refused_cleanly(None),
        Expect::NotFound => refused_cleanly(Some((404, "not_found"))),
        Expect::Unauthorized => refused_cleanly(Some((401, "unauthorized"))),
        Expect::Forbidden => (status != 403).then(|| fail("expected 403")),
        Expect::RefusedOrVerbatim { field, value } if (200..300).contains(&status) => {
            let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let shown = &answer[field.as_str()];
            (!shown.is_null() && !holds(shown, value))
                .then(|| fail(&format!("accepted, but {field} does not show {value:?} unaltered")))
        }
        Expect::RefusedOrVerbatim { .. } => refused_cleanly(None),
    };
    if let Some(problem) = problem {
        findings.push(problem);
    }
    let accepted = (200..300).contains(&status);
    if accepted {
        // The accepted change may have queued deliveries; let the worker finish them so that
        // the next probe's comparison sees only what that probe did.
        world.settle().await;
    } else {
        let after = db.snapshot().await;
        let (before, after) = match probe.logged_in {
            Some(table) => (before.without(table), after.without(table)),
            None => (before, after),
        };
        if after != before {
            findings.push(fail(&format!("refused, yet the database changed: {:?}", before.changed_tables(&after))));
        }
    }
}

/// Whether some string in `answer` is `value` or contains it.
fn holds(answer: &Value, value: &str) -> bool {
    match answer {
        Value::String(text) => text.contains(value),
        Value::Array(items) => items.iter().any(|item| holds(item, value)),
        Value::Object(fields) => fields.values().any(|item| holds(item, value)),
        _ => false,
    }
}

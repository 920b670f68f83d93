//! Every REST route of the OpenAPI document, with hostile input and with the wrong caller.

use reqwest::Method;
use serde_json::{json, Value};

use super::openapi::{operations, Operation};
use super::probe::{run, Expect, Probe};
use super::values::{encode, HOSTILE_IDS, HOSTILE_QUERY_VALUES, HOSTILE_TEXT};
use super::world::{ready, World};

/// A body each route accepts, so that a probe that spoils one part of it tests that part.
fn valid_body(world: &World, operation: &Operation) -> Option<Value> {
    operation.body.as_ref()?;
    let body = match (operation.method.as_str(), operation.template.as_str()) {
        ("POST", "/event-types") => json!({"name": "sweep.created"}),
        ("PATCH", "/event-types/{name}") => json!({"description": "swept"}),
        ("POST", "/subscriptions") | ("PUT", "/subscriptions/{id}") => {
            json!({"url": world.receiver.url, "event_types": ["order.created"]})
        }
        ("PATCH", "/subscriptions/{id}") => json!({"description": "swept"}),
        ("POST", "/subscriptions/{id}/replay") => json!({"since": "1h"}),
        ("POST", "/events") => json!({"type": "order.created", "data": {"swept": true}}),
        ("POST", "/sources") => json!({"name": "Sweep source", "event_type": "order.created"}),
        ("POST", "/accounts") => json!({"name": "Sweep account"}),
        ("POST", "/accounts/{id}/portal-link") => json!({"expires_in": "1h"}),
        ("POST", "/accounts/{id}/invitations") => json!({"email": "invitee@example.com"}),
        _ => panic!("the sweep has no valid body for {}: add one to valid_body", operation.label()),
    };
    Some(body)
}

fn key_for<'a>(world: &'a World, operation: &Operation) -> &'a str {
    if operation.operator {
        &world.operator_key
    } else {
        &world.alice.key
    }
}

fn probe(world: &World, operation: &Operation, label: &str, path: &str, expect: Expect) -> Probe {
    Probe::new(format!("{} [{label}]", operation.label()), operation.method.clone(), format!("/api/v1{path}"), expect)
        .bearer(key_for(world, operation))
}

/// The probes of one route: spoilt ids, query values, bodies and headers.
fn hostile_probes(world: &World, operation: &Operation) -> Vec<Probe> {
    let mut probes = Vec::new();
    let path = operation.path(&world.alices, None);
    let body = valid_body(world, operation);
    let with_body = |probe: Probe| match &body {
        Some(body) => probe.json(body),
        None => probe,
    };

    if !operation.path_params.is_empty() {
        for id in HOSTILE_IDS.iter().map(|id| id.to_string()).chain([encode(&"x".repeat(10_000))]) {
            let spoilt = operation.path(&world.alices, Some(&id));
            let label = format!("id {}", id.chars().take(40).collect::<String>());
            probes.push(with_body(probe(world, operation, &label, &spoilt, Expect::Refused)));
        }
    }
    for param in &operation.query_params {
        for value in HOSTILE_QUERY_VALUES.iter().map(|value| value.to_string()).chain([encode(&"x".repeat(10_000))]) {
            let target = format!("{path}?{param}={value}");
            let label = format!("{param}={}", value.chars().take(40).collect::<String>());
            probes.push(probe(world, operation, &label, &target, Expect::Refused));
        }
    }
    probes.push(
        Probe::new(
            format!("{} [overlong key]", operation.label()),
            operation.method.clone(),
            format!("/api/v1{path}"),
            Expect::Refused,
        )
        .bearer(&"k".repeat(100_000)),
    );
    let Some(body) = body else { return probes };

    let raw = |label: &str, content_type: &str, bytes: Vec<u8>| {
        probe(world, operation, label, &path, Expect::Refused).raw(content_type, bytes)
    };
    let valid_text = serde_json::to_string(&body).expect("JSON");
    for (label, bytes) in [
        ("truncated", valid_text.as_bytes()[..valid_text.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("not JSON", b"name=x".to_vec()),
        ("invalid UTF-8", b"{\"name\": \"\xff\xfe\"}".to_vec()),
        ("a lone surrogate", valid_text.replacen("\":\"", "\":\"\\ud800", 1).into_bytes()),
        ("an array", b"[]".to_vec()),
        ("a string", b"\"text\"".to_vec()),
        ("a number", b"42".to_vec()),
        ("null", b"null".to_vec()),
        ("deeply nested", "[".repeat(100_000).into_bytes()),
        (
            "a duplicate field",
            valid_text.replacen('{', &format!("{{{},", &valid_text[1..valid_text.len() - 1]), 1).into_bytes(),
        ),
    ] {
        probes.push(raw(label, "application/json", bytes));
    }
    probes.push(raw("text/plain", "text/plain", valid_text.clone().into_bytes()));
    let mut huge = body.clone();
    huge["padding"] = json!("x".repeat(3 << 20));
    probes.push(probe(world, operation, "3 MiB", &path, Expect::Refused).json(&huge));
    let mut extra = body.clone();
    extra["unexpected_field"] = json!(1);
    probes.push(probe(world, operation, "an extra field", &path, Expect::Refused).json(&extra));
    for field in operation.required() {
        let mut missing = body.clone();
        missing.as_object_mut().expect("object body").remove(&field);
        probes.push(probe(world, operation, &format!("without {field}"), &path, Expect::Refused).json(&missing));
    }
    for (field, kind, nullable) in operation.properties() {
        // `any` (event data, examples) takes null like any other JSON value.
        let null = (!nullable && kind != "any").then_some(Value::Null);
        for wrong in wrong_types(&kind).into_iter().chain(null) {
            let mut spoilt = body.clone();
            spoilt[&field] = wrong.clone();
            probes.push(probe(world, operation, &format!("{field}: {wrong}"), &path, Expect::Refused).json(&spoilt));
        }
        if kind == "string" {
            let mut long = body.clone();
            long[&field] = json!("x".repeat(100_000));
            probes.push(
                probe(world, operation, &format!("{field}: 100 000 characters"), &path, Expect::Refused).json(&long),
            );
            for text in HOSTILE_TEXT {
                let mut odd = body.clone();
                odd[&field] = json!(text);
                let expect = Expect::RefusedOrVerbatim { field: field.clone(), value: text.to_string() };
                probes.push(probe(world, operation, &format!("{field}: {text:?}"), &path, expect).json(&odd));
            }
        }
    }
    probes
}

/// Values of every type but `kind`.
fn wrong_types(kind: &str) -> Vec<Value> {
    match kind {
        "string" => vec![json!(12345), json!(["a"]), json!({"a": 1}), json!(true)],
        "integer" | "number" => vec![json!("ten"), json!(1e300), json!(-1), json!([1])],
        "boolean" => vec![json!("yes"), json!(1)],
        "array" => vec![json!("x"), json!([12345]), json!({"a": 1})],
        "object" => vec![json!("x"), json!([1]), json!({"a": {"nested": [1]}})],
        // `data` and `example` take any JSON.
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn hostile_input_on_every_rest_route_is_refused_and_changes_nothing() {
    let (world, mut db, mut findings) = ready().await;
    let mut probes = 0;
    for operation in operations(&world).await.iter().filter(|operation| !operation.internal) {
        for probe in hostile_probes(&world, operation) {
            probes += 1;
            run(&world, &mut db, probe, &mut findings).await;
        }
    }
    println!("{probes} hostile REST probes");
    findings.assert_none("hostile input on the REST API");
    world.app.stop().await;
}

#[tokio::test]
async fn every_rest_route_refuses_callers_without_a_valid_key() {
    let (world, mut db, mut findings) = ready().await;
    for operation in operations(&world).await.iter().filter(|operation| !operation.internal) {
        let path = format!("/api/v1{}", operation.path(&world.alices, None));
        let body = valid_body(&world, operation);
        let mut callers: Vec<(&str, Option<(&str, String)>)> = vec![
            ("no key", None),
            ("a made-up key", Some(("authorization", "Bearer hrk_0000000000000000000000000000000000000000".into()))),
            ("a revoked key", Some(("authorization", format!("Bearer {}", world.revoked_key)))),
            ("a session cookie", Some(("cookie", world.alice.cookie.clone()))),
        ];
        if operation.operator {
            callers.push(("an account key", Some(("authorization", format!("Bearer {}", world.alice.key)))));
        }
        for (label, credential) in callers {
            let label = format!("{} [{label}]", operation.label());
            let mut probe = Probe::new(label, operation.method.clone(), &path, Expect::Unauthorized);
            if let Some((name, value)) = credential {
                probe = probe.header(name, value);
            }
            if let Some(body) = &body {
                probe = probe.json(body);
            }
            run(&world, &mut db, probe, &mut findings).await;
        }
    }
    findings.assert_none("callers without a valid key");
    world.app.stop().await;
}

/// Bob (with his key, and an operator acting in his account) names Alice's resources on every
/// route: each is not found and nothing of Alice's changes; no list shows any of her ids.
#[tokio::test]
async fn every_rest_route_keeps_one_account_out_of_anothers_data() {
    let (world, mut db, mut findings) = ready().await;
    let as_bob: [(&str, Vec<(String, String)>); 2] = [
        ("Bob's key", vec![("authorization".into(), format!("Bearer {}", world.bob.key))]),
        (
            "an operator in Bob's account",
            vec![
                ("authorization".into(), format!("Bearer {}", world.operator_key)),
                ("hookrelay-account".into(), world.bobs.account.clone()),
            ],
        ),
    ];
    for operation in operations(&world).await.iter().filter(|operation| !operation.internal && !operation.operator) {
        for (who, headers) in &as_bob {
            let path = format!("/api/v1{}", operation.path(&world.alices, None));
            if operation.path_params.is_empty() && operation.method == Method::GET {
                let mut list = world.app.http.get(world.app.url(&path));
                for (name, value) in headers {
                    list = list.header(name, value);
                }
                let text = list.send().await.unwrap().text().await.unwrap();
                if let Some(id) = world.alices.all().iter().find(|id| text.contains(**id)) {
                    findings.push(format!("{} [{who}]: the list shows Alice's {id}", operation.label()));
                }
                continue;
            }
            if operation.path_params.is_empty() {
                continue;
            }
            let mut probe =
                Probe::new(format!("{} [{who}]", operation.label()), operation.method.clone(), &path, Expect::NotFound);
            for (name, value) in headers {
                probe = probe.header(name, value.clone());
            }
            if let Some(body) = valid_body(&world, operation) {
                probe = probe.json(&body);
            }
            run(&world, &mut db, probe, &mut findings).await;
        }
    }
    // List filters that name Alice's resources show nothing of hers either.
    for filter in [
        format!("/deliveries?subscription_id={}", world.alices.subscription),
        format!("/deliveries?event_id={}", world.alices.event),
        format!("/events?subscription={}", world.alices.subscription),
    ] {
        let response = world.app.api(Method::GET, &filter, &world.bob.key).send().await.unwrap();
        let text = response.text().await.unwrap();
        if world.alices.all().iter().any(|id| !filter.contains(*id) && text.contains(*id)) {
            findings.push(format!("GET {filter} [Bob's key]: shows Alice's data: {text}"));
        }
    }
    findings.assert_none("one account in another's data");
    world.app.stop().await;
}

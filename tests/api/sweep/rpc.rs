//! Every server function of the dashboard, with hostile input, without a session, from another
//! site, and by another account. The table below must name exactly the functions the server
//! registers, so a new one cannot slip past.

use std::collections::BTreeSet;

use app::rpc::access::{self, Caller};
use serde_json::{json, Value};

use super::probe::{run, Expect, Probe};
use super::values::HOSTILE_TEXT;
use super::world::{build, ready, World};

enum Args {
    Form(Vec<(&'static str, String)>),
    Json(Value),
}

struct Rpc {
    name: &'static str,
    args: Args,
    /// Names one of Alice's resources: anyone else gets 404.
    names_resource: bool,
    /// Form fields that may be left out.
    optional: &'static [&'static str],
}

fn rpc(name: &'static str, args: Args, names_resource: bool) -> Rpc {
    Rpc { name, args, names_resource, optional: &[] }
}

fn form(fields: &[(&'static str, &str)]) -> Args {
    Args::Form(fields.iter().map(|(name, value)| (*name, value.to_string())).collect())
}

/// Every server function, called with Alice's ids and valid arguments.
fn table(world: &World) -> Vec<Rpc> {
    let a = &world.alices;
    let subscription = json!({"url": world.receiver.url, "event_types": [a.event_type]});
    let list = |name| Rpc { optional: &["cursor"], ..rpc(name, form(&[("cursor", "")]), false) };
    vec![
        list("event_types/list"),
        rpc("event_types/activity", form(&[]), false),
        list("subscriptions/list"),
        list("sources/list"),
        rpc("api_keys/list", form(&[]), false),
        rpc("api_keys/create", form(&[("name", "sweep")]), false),
        rpc("api_keys/revoke", form(&[("id", &world.alice.key_id)]), true),
        rpc("current_user", form(&[]), false),
        rpc("login", form(&[("email", "nobody@example.com"), ("password", "wrong password"), ("next", "")]), false),
        rpc("register", form(&[("email", "not an email"), ("password", "x"), ("next", "")]), false),
        rpc("logout", form(&[]), false),
        rpc("invitation", form(&[("token", "hri_unknown")]), false),
        rpc("accept_invitation", form(&[("token", "hri_unknown"), ("password", "correct horse battery")]), false),
        rpc("portal/preview", form(&[("token", "hrp_unknown")]), false),
        rpc("portal/open", form(&[("token", "hrp_unknown")]), false),
        rpc("change_password", form(&[("current_password", "wrong password"), ("new_password", "x")]), false),
        rpc("switch_account", form(&[("account_id", &a.account)]), true),
        rpc("operator/overview", form(&[]), false),
        rpc("overview/get", form(&[]), false),
        rpc("overview/setup_hints", form(&[]), false),
        rpc("overview/subscription", form(&[("id", &a.subscription)]), true),
        rpc("events/list", Args::Json(json!({"query": {}})), false),
        rpc("events/get", form(&[("id", &a.event)]), true),
        rpc("events/filter_choices", form(&[]), false),
        rpc("deliveries/get", form(&[("id", &a.delivery)]), true),
        rpc("deliveries/attempts", form(&[("delivery_id", &a.delivery), ("cursor", &a.attempt)]), true),
        rpc("deliveries/redeliver", form(&[("id", &a.delivery)]), true),
        Rpc {
            optional: &["cursor", "status"],
            ..rpc(
                "deliveries/of_subscription",
                form(&[("subscription_id", &a.subscription), ("status", ""), ("cursor", "")]),
                true,
            )
        },
        rpc(
            "event_types/save",
            form(&[("name", &a.event_type), ("description", "swept"), ("example", ""), ("editing", "true")]),
            true,
        ),
        rpc("event_types/set_archived", form(&[("name", &a.event_type), ("archived", "false")]), true),
        rpc("subscriptions/get", form(&[("id", &a.subscription)]), true),
        rpc("subscriptions/save", Args::Json(json!({"id": a.subscription, "input": subscription})), true),
        rpc("subscriptions/set_enabled", form(&[("id", &a.subscription), ("enabled", "true")]), true),
        rpc("subscriptions/secret", form(&[("id", &a.subscription)]), true),
        rpc("subscriptions/rotate_secret", form(&[("id", &a.subscription)]), true),
        rpc("subscriptions/send_test", form(&[("id", &a.subscription)]), true),
        rpc("subscriptions/replay", form(&[("id", &a.subscription), ("since", "1h")]), true),
        rpc("subscriptions/delete", form(&[("id", &a.subscription)]), true),
        rpc("sources/detail", form(&[("id", &a.source)]), true),
        rpc(
            "sources/create",
            Args::Json(json!({"input": {"name": "Sweep source", "event_type": a.event_type}})),
            false,
        ),
        rpc("sources/delete", form(&[("id", &a.source)]), true),
    ]
}

impl Rpc {
    /// Who may call it, from the application's own table (`app::rpc::access`).
    fn access(&self) -> Caller {
        access::rule(&format!("/rpc/{}", self.name))
            .unwrap_or_else(|| panic!("{} has no row in the access table", self.name))
    }

    fn call(&self, label: &str, expect: Expect) -> Probe {
        let probe = Probe::rpc(format!("{} [{label}]", self.name), self.name, expect);
        match &self.args {
            Args::Form(fields) => {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
                probe.form(&fields)
            }
            Args::Json(body) => probe.json(body),
        }
    }

    /// Destructive calls go last, so that the others still find what they name.
    fn destroys(&self) -> bool {
        self.name.ends_with("/delete") || self.name.ends_with("/revoke")
    }
}

fn in_order(world: &World) -> Vec<Rpc> {
    let mut table = table(world);
    table.sort_by_key(Rpc::destroys);
    table
}

#[tokio::test]
async fn the_sweep_table_names_every_server_function() {
    let world = build().await;
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/rpc/").to_string())
        .collect();
    let swept: BTreeSet<String> = table(&world).iter().map(|rpc| rpc.name.to_string()).collect();
    assert_eq!(swept, registered, "the server functions and the sweep's table differ");
    let ruled: BTreeSet<String> =
        access::RULES.iter().map(|(path, _)| path.trim_start_matches("/rpc/").to_string()).collect();
    assert_eq!(ruled, registered, "every server function has exactly one row in the access table");
    world.app.stop().await;
}

#[tokio::test]
async fn every_server_function_refuses_the_wrong_caller() {
    let (world, mut db, mut findings) = ready().await;
    for rpc in in_order(&world) {
        let access = rpc.access();
        if access != Caller::Anyone {
            run(&world, &mut db, rpc.call("no session", Expect::Unauthorized), &mut findings).await;
            let forged =
                rpc.call("a forged cookie", Expect::Unauthorized).header("cookie", "hookrelay_session=forged.value");
            run(&world, &mut db, forged, &mut findings).await;
        }
        // A portal visitor in Alice's own account: only what a portal link is for.
        let visitor = match access {
            Caller::Member => Some(Expect::Unauthorized),
            Caller::Admin => Some(Expect::NotFound),
            Caller::Anyone | Caller::Visitor => None,
        };
        if let Some(expect) = visitor {
            run(&world, &mut db, rpc.call("a portal visitor", expect).header("cookie", &world.visitor), &mut findings)
                .await;
        }
        if rpc.names_resource || access == Caller::Admin {
            let expect = if rpc.names_resource { Expect::NotFound } else { Expect::Refused };
            run(&world, &mut db, rpc.call("Bob's session", expect).header("cookie", &world.bob.cookie), &mut findings)
                .await;
        }
        for origin in ["https://evil.example", "null", "http://127.0.0.1.evil.example"] {
            let cross_site = rpc
                .call(&format!("Origin {origin}"), Expect::Forbidden)
                .header("cookie", &world.alice.cookie)
                .header("origin", origin);
            run(&world, &mut db, cross_site, &mut findings).await;
        }
    }
    findings.assert_none("the wrong caller on the server functions");
    world.app.stop().await;
}

#[tokio::test]
async fn hostile_input_on_every_server_function_is_refused_and_changes_nothing() {
    let (world, mut db, mut findings) = ready().await;
    let mut probes = 0;
    for rpc in in_order(&world) {
        for probe in hostile_probes(&rpc) {
            probes += 1;
            run(&world, &mut db, probe.header("cookie", &world.alice.cookie), &mut findings).await;
        }
    }
    println!("{probes} hostile server-function probes");
    findings.assert_none("hostile input on the server functions");
    world.app.stop().await;
}

/// Fields that name something (ids, cursors, tokens, windows): odd text is refused, never
/// taken as a name that happens not to exist.
const NAMING_FIELDS: &[&str] = &["id", "cursor", "subscription_id", "delivery_id", "account_id", "since", "token"];

fn hostile_probes(rpc: &Rpc) -> Vec<Probe> {
    let refused = |label: &str| Probe::rpc(format!("{} [{label}]", rpc.name), rpc.name, Expect::Refused);
    let mut probes = vec![refused("3 MiB").form(&[("padding", &"x".repeat(3 << 20))])];
    match &rpc.args {
        Args::Json(body) => {
            let text = body.to_string();
            for (label, bytes) in [
                ("truncated", text.as_bytes()[..text.len() / 2].to_vec()),
                ("not JSON", b"id=1".to_vec()),
                ("an array", b"[]".to_vec()),
                ("invalid UTF-8", b"{\"query\": \"\xff\"}".to_vec()),
                ("deeply nested", "[".repeat(100_000).into_bytes()),
            ] {
                probes.push(refused(label).raw("application/json", bytes));
            }
            let (outer, inner) =
                body.as_object().and_then(|o| o.iter().find(|(_, v)| v.is_object())).expect("an object argument");
            let mut extra = body.clone();
            extra[outer]["unexpected_field"] = json!(1);
            probes.push(refused("an extra field").json(&extra));
            for field in inner.as_object().into_iter().flat_map(|o| o.keys()) {
                let mut wrong = body.clone();
                wrong[outer][field] = json!({"wrong": ["type"]});
                probes.push(refused(&format!("{field}: wrong type")).json(&wrong));
                let mut long = body.clone();
                long[outer][field] = json!("x".repeat(100_000));
                probes.push(refused(&format!("{field}: 100 000 characters")).json(&long));
            }
        }
        Args::Form(fields) if !fields.is_empty() => {
            probes.push(
                refused("invalid UTF-8").raw("application/x-www-form-urlencoded", b"id=\xff\xfe&name=\xff".to_vec()),
            );
            let with = |name: &str, value: &str| -> Vec<(&str, String)> {
                fields.iter().map(|(n, v)| (*n, if *n == name { value.to_string() } else { v.clone() })).collect()
            };
            let send = |probe: Probe, fields: Vec<(&str, String)>| {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
                probe.form(&fields)
            };
            for (name, _) in fields {
                if !rpc.optional.contains(name) {
                    let without = fields.iter().filter(|(n, _)| n != name).cloned().collect();
                    probes.push(send(refused(&format!("without {name}")), without));
                }
                probes.push(send(refused(&format!("{name}: 100 000 characters")), with(name, &"x".repeat(100_000))));
                if matches!(*name, "archived" | "enabled" | "editing") {
                    probes.push(send(refused(&format!("{name}: maybe")), with(name, "maybe")));
                    continue;
                }
                if matches!(*name, "password" | "next" | "current_password" | "new_password") {
                    continue;
                }
                for text in HOSTILE_TEXT {
                    let expect = if NAMING_FIELDS.contains(name) {
                        Expect::Refused
                    } else {
                        Expect::RefusedOrVerbatim { field: name.to_string(), value: text.to_string() }
                    };
                    let probe = Probe::rpc(format!("{} [{name}: {text:?}]", rpc.name), rpc.name, expect);
                    probes.push(send(probe, with(name, text)));
                }
            }
        }
        // Functions without arguments ignore what is posted to them (within the size limit).
        Args::Form(_) => {}
    }
    probes
}

//! The inbound endpoint (`POST /_webhooks/<slug>`) under hostile requests: each is refused in
//! the error shape and publishes nothing; the owner's request log may record the refusal.

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::probe::{run, Expect, Probe};
use super::values::HOSTILE_IDS;
use super::world::{ready, World};

const LOG: &str = "inbound_requests";

fn post(label: &str, slug: &str, expect: Expect) -> Probe {
    Probe::new(format!("inbound [{label}]"), Method::POST, format!("/_webhooks/{slug}"), expect).logged_in(LOG)
}

fn probes(world: &World) -> Vec<Probe> {
    let alices = &world.alices;
    let slug = alices.source_slug.as_str();
    let signed = |label: &str| post(label, slug, Expect::Refused).bearer(&alices.source_token);
    let mut probes = vec![
        post("no token", slug, Expect::Unauthorized).json(&serde_json::json!({})),
        post("a wrong token", slug, Expect::Unauthorized).bearer("hrs_wrong").json(&serde_json::json!({})),
        post("Bob's token", slug, Expect::Unauthorized).bearer(&world.bobs.source_token).json(&serde_json::json!({})),
        post("an overlong token", slug, Expect::Unauthorized).bearer(&"t".repeat(100_000)).json(&serde_json::json!({})),
        post("a wrong token in the query", &format!("{slug}?token=hrs_wrong"), Expect::Unauthorized)
            .json(&serde_json::json!({})),
        post("an unknown slug", "no-such-source", Expect::Unauthorized).bearer(&alices.source_token),
        post("an overlong slug", &"s".repeat(10_000), Expect::Refused).bearer(&alices.source_token),
        signed("3 MiB").raw("application/json", format!("{{\"pad\": \"{}\"}}", "x".repeat(3 << 20))),
        Probe::new("inbound [GET]", Method::GET, format!("/_webhooks/{slug}"), Expect::Refused)
            .bearer(&alices.source_token),
    ];
    for id in HOSTILE_IDS {
        probes.push(post(&format!("slug {id}"), id, Expect::Refused).bearer(&alices.source_token));
    }
    for (label, body) in [
        ("truncated JSON", b"{\"order\": ".to_vec()),
        ("invalid UTF-8", b"{\"order\": \"\xff\xfe\"}".to_vec()),
        ("not JSON", b"order=1".to_vec()),
        ("empty", Vec::new()),
        ("a lone surrogate", b"{\"order\": \"\\ud800\"}".to_vec()),
        ("deeply nested", "[".repeat(100_000).into_bytes()),
    ] {
        probes.push(signed(label).raw("application/json", body));
    }
    probes
}

#[tokio::test]
async fn hostile_requests_to_the_inbound_endpoint_are_refused_and_publish_nothing() {
    let (world, mut db, mut findings) = ready().await;
    for probe in probes(&world) {
        run(&world, &mut db, probe, &mut findings).await;
    }
    findings.assert_none("hostile requests to the inbound endpoint");
    world.app.stop().await;
}

/// A sender that announces a body and hangs up half-way is told 400 (not 413: the body was not
/// too large), and nothing is published.
#[tokio::test]
async fn a_sender_hanging_up_mid_body_gets_400_and_publishes_nothing() {
    let (world, mut db, _) = ready().await;
    let before = db.snapshot().await.without(LOG);

    let address = world.app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /_webhooks/{} HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{{\"half\": ",
        world.alices.source_slug, world.alices.source_token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;

    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"bad_request\"") && answer.contains("could not be read to its end"), "{answer}");
    assert_eq!(db.snapshot().await.without(LOG), before, "nothing published");
    world.app.stop().await;
}

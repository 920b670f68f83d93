//! Inbound sources: third parties post to `/_webhooks/<slug>`, and each request becomes an event.

mod detail;
mod list;

pub use detail::SourceDetailPage;
pub use list::SourcesPage;

use crate::model::{Source, TokenIn, TypeFrom};

/// What type a source's requests become, in words.
fn type_rule(source: &Source) -> String {
    let prefix = source.slug.replace('-', "_");
    match (&source.event_type, &source.type_from) {
        (Some(event_type), _) => event_type.clone(),
        (None, Some(TypeFrom::Header(header))) => format!("{prefix}.<{header} header>"),
        (None, Some(TypeFrom::JsonPointer(pointer))) => format!("{prefix}.<body at {pointer}>"),
        (None, None) => String::new(),
    }
}

fn token_place(source: &Source) -> &'static str {
    match source.token_in {
        TokenIn::Header => "Authorization: Bearer header",
        TokenIn::Query => "?token= query parameter",
    }
}

fn verification(source: &Source) -> &'static str {
    source.verify.as_ref().map_or("None", |verify| verify.scheme.label())
}

/// A curl command that sends a test request to the source.
fn curl_example(source: &Source, token: &str) -> String {
    let (url, auth) = match source.token_in {
        TokenIn::Header => (source.url.clone(), format!(" \\\n  -H 'Authorization: Bearer {token}'")),
        TokenIn::Query => (format!("{}?token={token}", source.url), String::new()),
    };
    let type_header = match &source.type_from {
        Some(TypeFrom::Header(header)) => format!(" \\\n  -H '{header}: example'"),
        _ => String::new(),
    };
    let body = match &source.type_from {
        Some(TypeFrom::JsonPointer(pointer)) if pointer == "/type" => r#"{"type": "example", "hello": "world"}"#,
        _ => r#"{"hello": "world"}"#,
    };
    format!("curl -X POST '{url}'{auth}{type_header} \\\n  -H 'Content-Type: application/json' \\\n  -d '{body}'")
}

//! Payloads and bodies as people want to read them: JSON pretty-printed, coloured by kind,
//! objects and arrays collapsible; anything else as plain text. Everything is rendered as text
//! nodes, never as markup, so a payload of `<script>` shows as characters and runs nothing.

use leptos::prelude::*;
use serde_json::Value;

use super::copy::CopyButton;

/// Above this many bytes a body is shown as plain pretty text: a tree of many thousands of
/// nodes would make the page slow for little gain.
const TREE_LIMIT: usize = 64 * 1024;
/// Nesting deeper than this starts collapsed.
const OPEN_DEPTH: usize = 3;

/// A JSON value with a copy button for its pretty-printed text.
#[component]
pub fn JsonView(value: Value, what: &'static str) -> impl IntoView {
    let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
    let body = if pretty.len() > TREE_LIMIT {
        view! { <pre class="code-block">{pretty.clone()}</pre> }.into_any()
    } else {
        view! { <div class="code-block json-tree">{node(&value, 0, None, false)}</div> }.into_any()
    };
    view! {
        <div class="code-frame">
            <div class="code-toolbar">
                <CopyButton value=Signal::stored(pretty) what=what />
            </div>
            {body}
        </div>
    }
}

/// A request or response body: a JSON tree when it parses as JSON, the text itself otherwise.
#[component]
pub fn BodyView(body: Option<String>, what: &'static str) -> impl IntoView {
    match body {
        None => view! { <p class="faint">"No body kept (purged by retention)."</p> }.into_any(),
        Some(text) if text.is_empty() => view! { <p class="faint">"Empty body."</p> }.into_any(),
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(value) if value.is_object() || value.is_array() => view! { <JsonView value what /> }.into_any(),
            _ => view! {
                <div class="code-frame">
                    <div class="code-toolbar">
                        <CopyButton value=Signal::stored(text.clone()) what=what />
                    </div>
                    <pre class="code-block">{text}</pre>
                </div>
            }
            .into_any(),
        },
    }
}

/// One value, after its key when it is an object's field, and followed by a comma when more
/// follow. Containers put key and opening bracket in their `<summary>`, so that a collapsed
/// field still reads `"key": { 3 fields`.
fn node(value: &Value, depth: usize, key: Option<&str>, comma: bool) -> AnyView {
    let key = key.map(|key| {
        view! {
            <span class="j-key">{quoted(key)}</span>
            <span class="j-punct">": "</span>
        }
    });
    let comma = comma.then_some(view! { <span class="j-punct">","</span> });
    let scalar = |class: &'static str, text: String| {
        view! { {key.clone()}<span class=class>{text}</span>{comma.clone()} }.into_any()
    };
    match value {
        Value::Null => scalar("j-null", "null".into()),
        Value::Bool(b) => scalar("j-bool", b.to_string()),
        Value::Number(n) => scalar("j-num", n.to_string()),
        Value::String(text) => scalar("j-str", quoted(text)),
        Value::Array(items) if items.is_empty() => scalar("j-punct", "[]".into()),
        Value::Object(fields) if fields.is_empty() => scalar("j-punct", "{}".into()),
        Value::Array(items) => {
            let count = if items.len() == 1 { "1 item".to_string() } else { format!("{} items", items.len()) };
            let last = items.len() - 1;
            let children = items
                .iter()
                .enumerate()
                .map(|(index, item)| view! { <li>{node(item, depth + 1, None, index < last)}</li> })
                .collect_view();
            view! {
                <details class="j-node" open=depth < OPEN_DEPTH>
                    <summary>{key}<span class="j-punct">"["</span><span class="j-count">{count}</span></summary>
                    <ul class="j-children">{children}</ul>
                    <span class="j-punct">"]"</span>{comma}
                </details>
            }
            .into_any()
        }
        Value::Object(fields) => {
            let count = if fields.len() == 1 { "1 field".to_string() } else { format!("{} fields", fields.len()) };
            let last = fields.len() - 1;
            let children = fields
                .iter()
                .enumerate()
                .map(|(index, (name, item))| view! { <li>{node(item, depth + 1, Some(name), index < last)}</li> })
                .collect_view();
            view! {
                <details class="j-node" open=depth < OPEN_DEPTH>
                    <summary>{key}<span class="j-punct">"{"</span><span class="j-count">{count}</span></summary>
                    <ul class="j-children">{children}</ul>
                    <span class="j-punct">"}"</span>{comma}
                </details>
            }
            .into_any()
        }
    }
}

/// A string as JSON writes it, quotes and escapes included.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

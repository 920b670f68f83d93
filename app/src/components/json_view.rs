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
        view! { <div class="code-block json-tree">{node(&value, 0)}</div> }.into_any()
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

fn node(value: &Value, depth: usize) -> AnyView {
    match value {
        Value::Null => view! { <span class="j-null">"null"</span> }.into_any(),
        Value::Bool(b) => view! { <span class="j-bool">{b.to_string()}</span> }.into_any(),
        Value::Number(n) => view! { <span class="j-num">{n.to_string()}</span> }.into_any(),
        Value::String(s) => view! { <span class="j-str">{quoted(s)}</span> }.into_any(),
        Value::Array(items) if items.is_empty() => view! { <span class="j-punct">"[]"</span> }.into_any(),
        Value::Object(fields) if fields.is_empty() => view! { <span class="j-punct">"{}"</span> }.into_any(),
        Value::Array(items) => {
            let count = if items.len() == 1 { "1 item".to_string() } else { format!("{} items", items.len()) };
            let last = items.len() - 1;
            let children = items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    view! { <li>{node(item, depth + 1)}{(index < last).then_some(",")}</li> }
                })
                .collect_view();
            collapsible("[", "]", count, depth, children.into_any())
        }
        Value::Object(fields) => {
            let count = if fields.len() == 1 { "1 field".to_string() } else { format!("{} fields", fields.len()) };
            let last = fields.len() - 1;
            let children = fields
                .iter()
                .enumerate()
                .map(|(index, (key, item))| {
                    view! {
                        <li>
                            <span class="j-key">{quoted(key)}</span>
                            <span class="j-punct">": "</span>
                            {node(item, depth + 1)}
                            {(index < last).then_some(",")}
                        </li>
                    }
                })
                .collect_view();
            collapsible("{", "}", count, depth, children.into_any())
        }
    }
}

fn collapsible(open: &'static str, close: &'static str, count: String, depth: usize, children: AnyView) -> AnyView {
    view! {
        <details class="j-node" open=depth < OPEN_DEPTH>
            <summary>
                <span class="j-punct">{open}</span>
                <span class="j-count">{count}</span>
            </summary>
            <ul class="j-children">{children}</ul>
            <span class="j-punct">{close}</span>
        </details>
    }
    .into_any()
}

/// A string as JSON writes it, quotes and escapes included.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

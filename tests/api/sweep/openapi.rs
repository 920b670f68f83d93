//! The REST routes as the served OpenAPI document lists them, so that a new route is swept
//! without anyone remembering to add it.

use reqwest::Method;
use serde_json::Value;

use super::world::{Owned, World};

pub struct Operation {
    pub method: Method,
    pub template: String,
    pub path_params: Vec<String>,
    pub query_params: Vec<String>,
    /// The request body's schema, `$ref`s resolved, when the route takes one.
    pub body: Option<Value>,
    /// Operator routes take an operator key; the others an account's key.
    pub operator: bool,
    /// Marked `x-internal` (the inbound endpoint, outside `/api/v1`).
    pub internal: bool,
}

pub async fn operations(world: &World) -> Vec<Operation> {
    let doc: Value =
        world.app.http.get(world.app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut operations = Vec::new();
    for (template, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Ok(method) = method.to_uppercase().parse::<Method>() else { continue };
            if !operation.is_object() || method == Method::OPTIONS {
                continue;
            }
            let params = |place: &str| -> Vec<String> {
                operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|param| param["in"] == place)
                    .map(|param| param["name"].as_str().expect("param name").to_string())
                    .collect()
            };
            let body = operation["requestBody"]["content"]["application/json"]["schema"]
                .as_object()
                .map(|schema| resolve(&doc, &Value::Object(schema.clone())));
            operations.push(Operation {
                method,
                template: template.clone(),
                path_params: params("path"),
                query_params: params("query"),
                body,
                operator: operation["tags"].as_array().is_some_and(|tags| tags.iter().any(|tag| tag == "Operator")),
                internal: operation["x-internal"] == true,
            });
        }
    }
    assert!(operations.len() >= 30, "the document lists every route ({} found)", operations.len());
    operations
}

fn resolve(doc: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str().and_then(|reference| reference.strip_prefix("#/components/schemas/")) {
        Some(name) => resolve(doc, &doc["components"]["schemas"][name]),
        None => schema.clone(),
    }
}

impl Operation {
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// The path with `owned`'s ids in place of the parameters (or `value` for every one).
    pub fn path(&self, owned: &Owned, value: Option<&str>) -> String {
        let mut path = self.template.clone();
        for param in &self.path_params {
            let id = value.map(str::to_string).unwrap_or_else(|| self.id_for(param, owned));
            path = path.replace(&format!("{{{param}}}"), &id);
        }
        path
    }

    fn id_for(&self, param: &str, owned: &Owned) -> String {
        let collection = self.template.trim_start_matches('/').split('/').next().unwrap_or_default();
        match (param, collection) {
            ("name", "event-types") => owned.event_type.clone(),
            ("slug", _) => owned.source_slug.clone(),
            ("id", "subscriptions") => owned.subscription.clone(),
            ("id", "events") => owned.event.clone(),
            ("id", "deliveries") => owned.delivery.clone(),
            ("id", "sources") => owned.source.clone(),
            ("id", "accounts") => owned.account.clone(),
            ("invitation_id", "accounts") => owned.invitation.clone(),
            ("user_id", "members") => owned.member.clone(),
            _ => panic!("the sweep has no id for {param} in {}: add one to Operation::id_for", self.template),
        }
    }

    /// The body properties, their declared types, and whether `null` is allowed.
    pub fn properties(&self) -> Vec<(String, String, bool)> {
        let Some(schema) = &self.body else { return Vec::new() };
        schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, property)| (name.clone(), declared_type(property), nullable(property)))
            .collect()
    }

    pub fn required(&self) -> Vec<String> {
        let Some(schema) = &self.body else { return Vec::new() };
        schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|name| name.as_str().map(str::to_string))
            .collect()
    }
}

/// `string`, `integer`, `boolean`, `array`, `object`, or `any` (no type, a `$ref`, a union).
fn declared_type(property: &Value) -> String {
    match &property["type"] {
        Value::String(kind) => kind.clone(),
        // `["string", "null"]`: an optional field.
        Value::Array(kinds) => {
            kinds.iter().filter_map(Value::as_str).find(|kind| *kind != "null").unwrap_or("any").to_string()
        }
        _ if property["enum"].is_array() => "string".into(),
        _ => "any".into(),
    }
}

fn nullable(property: &Value) -> bool {
    property["type"].as_array().is_some_and(|kinds| kinds.iter().any(|kind| kind == "null"))
        || property["nullable"] == true
        || property["oneOf"].as_array().is_some_and(|options| options.iter().any(|option| option["type"] == "null"))
}

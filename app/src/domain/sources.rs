//! Inbound sources: a third party POSTs to `/_webhooks/<slug>` with the source's token, and what
//! it sent is published as an event of the source's account, fanned out like any other.

use axum::http::{HeaderMap, HeaderName};
use serde_json::Value;

use super::events::{self, MAX_IDEMPOTENCY_KEY_CHARS};
use super::ids::new_id;
use super::live::LiveFeed;
use super::paging::PageRequest;
use super::pipeline::Pipeline;
use super::tokens::{hash_token, looks_like, new_token};
use super::{event_types, format_time, now_ms, sender_signatures};
use crate::error::AppError;
use crate::model::{
    EventInput, InboundAccepted, InboundRequest, Page, Source, SourceDetail, SourceInput, TokenIn, TypeFrom, Verify,
    VerifyScheme,
};
use crate::store::{InboundRequestRecord, SourceRecord, Store};
use crate::validation::{check_event_type_name, MAX_NAME_CHARS, RESERVED_TYPE_PREFIX};

const TOKEN_PREFIX: &str = "hrs_";
const MAX_SLUG_CHARS: usize = 60;
const MAX_RULE_CHARS: usize = 200;
/// How many requests the sources page shows per source.
const RECENT_REQUESTS: u32 = 20;
/// Headers a sender's delivery id arrives in; used as the idempotency key, so that a sender's
/// retry of a request that did arrive does not publish it twice.
const DELIVERY_ID_HEADERS: &[&str] = &["idempotency-key", "webhook-id", "x-github-delivery"];
/// A verified Standard Webhooks request: its `webhook-id` is signed, so it alone names the
/// delivery; an unsigned `Idempotency-Key` would let a replay of a signed request within the
/// tolerance publish it again under another key.
const SIGNED_DELIVERY_ID_HEADERS: &[&str] = &["webhook-id"];

/// `/_webhooks/<slug>` under the instance's public URL.
pub fn inbound_url(public_url: &str, slug: &str) -> String {
    format!("{public_url}/_webhooks/{slug}")
}

/// Types taken from requests are `<prefix>.<value>`; the prefix is the slug with its hyphens
/// made underscores, since type names are dotted snake_case words.
fn type_prefix(slug: &str) -> String {
    slug.replace('-', "_")
}

fn to_model(record: SourceRecord, public_url: &str) -> Source {
    let type_from = match (record.type_from_header, record.type_from_pointer) {
        (Some(header), _) => Some(TypeFrom::Header(header)),
        (None, Some(pointer)) => Some(TypeFrom::JsonPointer(pointer)),
        (None, None) => None,
    };
    Source {
        url: inbound_url(public_url, &record.slug),
        id: record.id,
        name: record.name,
        slug: record.slug,
        token: None,
        event_type: record.event_type,
        type_from,
        token_in: if record.token_in == "query" { TokenIn::Query } else { TokenIn::Header },
        verify: record.verify_scheme.as_deref().and_then(VerifyScheme::parse).map(|scheme| Verify { scheme }),
        created_at: format_time(record.created_at),
    }
}

fn to_request(record: InboundRequestRecord) -> InboundRequest {
    InboundRequest {
        id: record.id,
        received_at: format_time(record.received_at),
        status_code: u16::try_from(record.status_code).unwrap_or(500),
        message: record.message,
        event_id: record.event_id,
        count: record.count,
    }
}

/// The slug a name becomes: kebab-case ASCII, starting with a letter.
fn slug_of(name: &str) -> Result<String, AppError> {
    let mut slug = slug::slugify(name);
    slug.truncate(MAX_SLUG_CHARS);
    let slug = slug.trim_end_matches('-').to_string();
    if !slug.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(AppError::validation("name", "Start the name with a letter, such as Stripe or GitHub."));
    }
    Ok(slug)
}

/// Checks the type rule: a fixed type (declared if new), or a header or JSON pointer to read.
async fn check_type_rule(
    store: &Store,
    account_id: &str,
    input: &SourceInput,
) -> Result<(Option<String>, Option<String>, Option<String>), AppError> {
    match (&input.event_type, &input.type_from) {
        (Some(_), Some(_)) | (None, None) => Err(AppError::validation(
            "event_type",
            "Give either event_type (every request becomes that type) or type_from (read it from each request).",
        )),
        (Some(name), None) => {
            check_event_type_name(name).map_err(|message| AppError::validation("event_type", message))?;
            if name.starts_with(RESERVED_TYPE_PREFIX) {
                return Err(AppError::validation("event_type", "Types starting with hookrelay. are Hookrelay's own."));
            }
            event_types::ensure(store, account_id, name, &format!("Received from the source {}.", input.name.trim()))
                .await
                .map_err(|error| match error {
                    AppError::Validation { message, .. } => AppError::validation("event_type", message),
                    other => other,
                })?;
            Ok((Some(name.clone()), None, None))
        }
        (None, Some(TypeFrom::Header(header))) => {
            if header.len() > MAX_RULE_CHARS || HeaderName::from_bytes(header.as_bytes()).is_err() {
                return Err(AppError::validation("type_from", "Name a request header, such as X-GitHub-Event."));
            }
            Ok((None, Some(header.clone()), None))
        }
        (None, Some(TypeFrom::JsonPointer(pointer))) => {
            if !pointer.starts_with('/') || pointer.len() > MAX_RULE_CHARS {
                return Err(AppError::validation("type_from", "A JSON pointer starts with /, such as /type."));
            }
            Ok((None, None, Some(pointer.clone())))
        }
    }
}

/// Creates a source; the answer is the only time its token is shown.
pub async fn create(store: &Store, public_url: &str, account_id: &str, input: SourceInput) -> Result<Source, AppError> {
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::validation(
            "name",
            format!("Name the source in 1 to {MAX_NAME_CHARS} characters, such as Stripe."),
        ));
    }
    let base_slug = slug_of(&name)?;
    if let Some(verify) = &input.verify {
        sender_signatures::check_secret(verify.scheme, &verify.secret)
            .map_err(|message| AppError::validation("verify", message))?;
    }
    if input.type_from.is_some() && format!("{}.", type_prefix(&base_slug)) == RESERVED_TYPE_PREFIX {
        // Its types would all be hookrelay.<…>, which are Hookrelay's own and refused.
        return Err(AppError::validation(
            "name",
            "Choose another name: types from this source would start with hookrelay.",
        ));
    }
    let (event_type, type_from_header, type_from_pointer) = check_type_rule(store, account_id, &input).await?;
    let token = new_token(TOKEN_PREFIX);
    let token_hash = hash_token(&token);
    let mut record = SourceRecord {
        id: new_id("src"),
        account_id: account_id.to_string(),
        name,
        slug: base_slug.clone(),
        token_in: input.token_in.unwrap_or_default().as_str().to_string(),
        event_type,
        type_from_header,
        type_from_pointer,
        verify_scheme: input.verify.as_ref().map(|verify| verify.scheme.as_str().to_string()),
        verify_secret: input.verify.map(|verify| verify.secret),
        created_at: now_ms(),
    };
    // Slugs are instance-wide: a taken one gets the first free -2, -3, … suffix.
    for suffix in 1..=50 {
        if suffix > 1 {
            record.slug = format!("{base_slug}-{suffix}");
        }
        if store.insert_source(&record, &token_hash).await? {
            let mut source = to_model(record, public_url);
            source.token = Some(token);
            return Ok(source);
        }
    }
    Err(AppError::Conflict { field: Some("name".into()), message: "That name is taken; choose another.".into() })
}

pub async fn get(store: &Store, public_url: &str, account_id: &str, id: &str) -> Result<Source, AppError> {
    let record = store.find_source(account_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(to_model(record, public_url))
}

/// A source with its latest requests.
pub async fn detail(store: &Store, public_url: &str, account_id: &str, id: &str) -> Result<SourceDetail, AppError> {
    let source = get(store, public_url, account_id, id).await?;
    let requests = store.recent_inbound_requests(account_id, id, RECENT_REQUESTS).await?;
    Ok(SourceDetail { source, requests: requests.into_iter().map(to_request).collect() })
}

pub async fn list(
    store: &Store,
    public_url: &str,
    account_id: &str,
    request: &PageRequest,
) -> Result<Page<Source>, AppError> {
    let window = request.window("src")?;
    let rows = store.list_sources(account_id, window.before.as_deref(), window.fetch()).await?;
    Ok(window.page(rows, |row| row.id.clone(), |row| to_model(row, public_url)))
}

pub async fn delete(store: &Store, account_id: &str, id: &str) -> Result<(), AppError> {
    if store.delete_source(account_id, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// An inbound request as the HTTP layer received it.
pub struct InboundRequestParts<'a> {
    pub slug: &'a str,
    pub headers: &'a HeaderMap,
    /// `?token=`, when given.
    pub query_token: Option<&'a str>,
    pub body: &'a [u8],
}

/// Publishes an inbound request as an event. A missing source and a wrong token are the same
/// `Unauthorized`, so the answer does not tell which slugs exist; the owner's request log says
/// what was wrong with every request that named their source, and open pages hear of it.
pub async fn receive(
    store: &Store,
    pipeline: &Pipeline,
    live: &LiveFeed,
    max_payload_bytes: usize,
    request: InboundRequestParts<'_>,
) -> Result<InboundAccepted, AppError> {
    let Some(found) = store.find_source_by_slug(request.slug).await? else {
        return Err(AppError::Unauthorized);
    };
    let source = found.source;
    let presented = match source.token_in.as_str() {
        "query" => request.query_token,
        _ => request
            .headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer ")),
    };
    let authentic =
        presented.is_some_and(|token| looks_like(token, TOKEN_PREFIX) && hash_token(token) == found.token_hash);
    let outcome = if authentic {
        accept(store, pipeline, max_payload_bytes, &source, &request).await
    } else {
        Err(Rejection::unauthorized(if source.token_in == "query" {
            "The ?token= query parameter is missing or wrong."
        } else {
            "The Authorization: Bearer token is missing or wrong."
        }))
    };
    let (status_code, message, event_id) = match &outcome {
        Ok(accepted) => (202, "Published.".to_string(), Some(accepted.event_id.clone())),
        Err(rejection) => (rejection.error.status(), rejection.reason.clone(), None),
    };
    let received_at = now_ms();
    let log = InboundRequestRecord {
        id: new_id("inr"),
        account_id: source.account_id.clone(),
        source_id: source.id.clone(),
        received_at,
        status_code: i64::from(status_code),
        message,
        event_id,
        count: 1,
    };
    // Whoever knows the address can send wrong tokens: those are counted per minute, not kept
    // one row each; a sender with the token gets a line per request.
    let logged = if authentic {
        store.insert_inbound_request(&log).await
    } else {
        store.count_inbound_refusal(&log, received_at - received_at.rem_euclid(60_000)).await
    };
    match logged {
        // Open source pages show the new line.
        Ok(()) => live.changed(&source.account_id),
        // The event, if any, is committed; a lost log line must not turn that into an error.
        Err(error) => tracing::warn!(%error, source_id = %source.id, "could not record an inbound request"),
    }
    outcome.map_err(|rejection| rejection.error)
}

/// Why a request was refused: what the sender is told, and what the owner's log says.
struct Rejection {
    error: AppError,
    reason: String,
}

impl Rejection {
    /// Token and signature failures tell the sender nothing more than "unauthorized".
    fn unauthorized(reason: impl Into<String>) -> Self {
        Rejection { error: AppError::Unauthorized, reason: reason.into() }
    }
}

impl From<AppError> for Rejection {
    fn from(error: AppError) -> Self {
        Rejection { reason: error.to_string(), error }
    }
}

async fn accept(
    store: &Store,
    pipeline: &Pipeline,
    max_payload_bytes: usize,
    source: &SourceRecord,
    request: &InboundRequestParts<'_>,
) -> Result<InboundAccepted, Rejection> {
    let mut delivery_id_headers = DELIVERY_ID_HEADERS;
    if let (Some(scheme), Some(secret)) =
        (source.verify_scheme.as_deref().and_then(VerifyScheme::parse), source.verify_secret.as_deref())
    {
        let now_secs = now_ms() / 1000;
        sender_signatures::verify(scheme, secret, request.headers, request.body, now_secs)
            .map_err(Rejection::unauthorized)?;
        if scheme == VerifyScheme::StandardWebhooks {
            delivery_id_headers = SIGNED_DELIVERY_ID_HEADERS;
        }
    }
    let data: Value =
        serde_json::from_slice(request.body).map_err(|_| AppError::BadRequest("The body must be JSON.".into()))?;
    let event_type = match (&source.event_type, &source.type_from_header, &source.type_from_pointer) {
        (Some(event_type), _, _) => event_type.clone(),
        (None, Some(header), _) => {
            let value =
                request.headers.get(header.as_str()).and_then(|value| value.to_str().ok()).ok_or_else(|| {
                    AppError::BadRequest(format!("The {header} header, which names the event type, is missing."))
                })?;
            typed(source, value)?
        }
        (None, None, Some(pointer)) => {
            let value = data.pointer(pointer).and_then(Value::as_str).ok_or_else(|| {
                AppError::BadRequest(format!("The body has no string at {pointer}, which names the event type."))
            })?;
            typed(source, value)?
        }
        (None, None, None) => return Err(AppError::Internal.into()),
    };
    if source.event_type.is_none() {
        event_types::ensure(
            store,
            &source.account_id,
            &event_type,
            &format!("Received from the source {}.", source.name),
        )
        .await?;
    }
    let idempotency_key = delivery_id_headers
        .iter()
        .find_map(|name| request.headers.get(*name).and_then(|value| value.to_str().ok()))
        .map(|id| format!("{}:{id}", source.id))
        .filter(|key| key.chars().count() <= MAX_IDEMPOTENCY_KEY_CHARS);
    let input = EventInput { event_type, data, idempotency_key };
    let published = events::publish(store, pipeline, &source.account_id, input, max_payload_bytes).await?;
    Ok(InboundAccepted { event_id: published.event.id })
}

/// `<slug prefix>.<value>`, checked like any type name.
fn typed(source: &SourceRecord, value: &str) -> Result<String, AppError> {
    let name = format!("{}.{value}", type_prefix(&source.slug));
    check_event_type_name(&name).map_err(|message| AppError::validation("type", format!("{name}: {message}")))?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_kebab_case_slugs_starting_with_a_letter() {
        assert_eq!(slug_of("GitHub Events").unwrap(), "github-events");
        assert_eq!(slug_of("  Stripe (live) ").unwrap(), "stripe-live");
        assert_eq!(slug_of("Crème brûlée").unwrap(), "creme-brulee");
        assert!(slug_of("42 things").is_err());
        assert!(slug_of("!!!").is_err());
        assert_eq!(slug_of(&"a".repeat(200)).unwrap().len(), MAX_SLUG_CHARS);
        assert_eq!(type_prefix("github-events"), "github_events");
    }
}

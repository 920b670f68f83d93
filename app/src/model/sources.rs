//! Inbound sources: what they accept, and what they received.

use serde::{Deserialize, Serialize};

/// Where an inbound request's event type comes from, when it is not fixed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TypeFrom {
    /// This request header's value, such as `X-GitHub-Event`.
    Header(String),
    /// The body's value at this JSON pointer, such as `/type`.
    JsonPointer(String),
}

/// The sender's own signature scheme, checked on every inbound request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum VerifyScheme {
    #[serde(rename = "standard-webhooks")]
    StandardWebhooks,
    #[serde(rename = "stripe")]
    Stripe,
    #[serde(rename = "github")]
    Github,
}

impl VerifyScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyScheme::StandardWebhooks => "standard-webhooks",
            VerifyScheme::Stripe => "stripe",
            VerifyScheme::Github => "github",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [VerifyScheme::StandardWebhooks, VerifyScheme::Stripe, VerifyScheme::Github]
            .into_iter()
            .find(|scheme| scheme.as_str() == text)
    }

    /// How the scheme is called in the dashboard.
    pub fn label(self) -> &'static str {
        match self {
            VerifyScheme::StandardWebhooks => "Standard Webhooks",
            VerifyScheme::Stripe => "Stripe",
            VerifyScheme::Github => "GitHub",
        }
    }
}

/// Signature checking of a new source: the scheme and the sender's signing secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    pub scheme: VerifyScheme,
    pub secret: String,
}

/// How a source checks signatures, as shown (the secret is never shown again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Verify {
    pub scheme: VerifyScheme,
}

/// Where the sender puts the source's token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenIn {
    /// `Authorization: Bearer <token>`.
    #[default]
    Header,
    /// `?token=<token>`, for senders that cannot set headers.
    Query,
}

impl TokenIn {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenIn::Header => "header",
            TokenIn::Query => "query",
        }
    }
}

/// A new inbound source: `{name, event_type?, type_from?, token_in?, verify?}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    /// Its kebab-case form becomes the slug of `/_webhooks/<slug>`.
    pub name: String,
    /// The type every request becomes; give this or `type_from`.
    #[serde(default)]
    pub event_type: Option<String>,
    /// Take the type from each request instead, prefixed with the slug and a dot.
    #[serde(default)]
    pub type_from: Option<TypeFrom>,
    #[serde(default)]
    pub token_in: Option<TokenIn>,
    #[serde(default)]
    pub verify: Option<VerifyInput>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Source {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// The full address senders post to (without the token).
    pub url: String,
    /// Only in the answer to its creation: the token is stored hashed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub event_type: Option<String>,
    pub type_from: Option<TypeFrom>,
    pub token_in: TokenIn,
    pub verify: Option<Verify>,
    pub created_at: String,
}

/// What a source received and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboundRequest {
    pub id: String,
    pub received_at: String,
    /// The status Hookrelay answered with.
    pub status_code: u16,
    pub message: String,
    pub event_id: Option<String>,
    /// How many requests this line stands for: refusals for a wrong token are counted per
    /// minute in one line (its time is the latest one's).
    pub count: i64,
}

/// A source with its latest requests (the sources page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDetail {
    pub source: Source,
    pub requests: Vec<InboundRequest>,
}

/// The answer to an inbound request that became an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboundAccepted {
    pub event_id: String,
}

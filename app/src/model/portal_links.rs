//! Portal links into one account's dashboard.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalLinkInput {
    /// How long the link works: a duration such as `30m`, `1h`, `7d` (default 1 h, at most 7 d).
    #[serde(default)]
    pub expires_in: Option<String>,
}

/// A one-time link into one account's dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortalLink {
    pub url: String,
    pub expires_at: String,
}

/// What a portal link's page shows before the link is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalLinkView {
    pub account_name: String,
    /// Who is signed in in this browser now, if anyone: opening the link signs them out.
    pub signed_in_as: Option<String>,
}

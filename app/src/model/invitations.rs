//! Invitations to join an account.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    /// Only this address can accept the invitation.
    pub email: String,
}

/// A link that lets a person register (or, with a login, join) an account; one use, 7 days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// Names it for `DELETE /accounts/{id}/invitations/{invitation_id}`.
    pub id: String,
    pub url: String,
    pub expires_at: String,
}

/// What the invitation page shows before it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub account_name: String,
    pub email: String,
    /// Whether the invited address has a login already (then the page asks for its password).
    pub has_login: bool,
}

//! Who is signed in, as the browser knows it.

use serde::{Deserialize, Serialize};

/// What the browser knows of the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub email: String,
    pub account_id: String,
    /// The account's name, shown so that people with several accounts know which one this is.
    pub account_name: String,
    /// Every account the user can switch to, `(id, name)`, this one included.
    pub accounts: Vec<(String, String)>,
    /// The instance admin, who sees the operator page.
    pub instance_admin: bool,
    /// Signed in by a portal link: no API keys page.
    pub portal_visitor: bool,
}

//! Who may call each server function: the one table. Every server function of the dashboard
//! has a row here, and the function asks this table (through `server::authorize`) before it
//! does anything; a function without a row refuses everyone. A test compares the table with
//! the functions the server registers and calls each one as every kind of caller.
//!
//! The REST API has its own callers (API keys and operator keys), checked by its extractors.

/// Who may call a server function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// Anyone, signed in or not: signing in, registering, reading and accepting invitations
    /// and portal links. These functions check what they are given (a password, a token).
    Anyone,
    /// A member of the account, or a portal visitor in it: reading events and deliveries and
    /// managing subscriptions, which is what a portal link is for.
    Visitor,
    /// A signed-in member (not a portal visitor): whatever lasts beyond a portal link or
    /// reaches past the account's webhooks (API keys, sources and their tokens, the event-type
    /// catalog, moving to another account, the user's own password).
    Member,
    /// The instance admin (`hookrelay user create --admin`, or the first user of a new
    /// instance): the operator page. Anyone else is told the function does not exist.
    Admin,
}

use Caller::*;

/// Every server function, by its path, and who may call it.
pub const RULES: &[(&str, Caller)] = &[
    ("/rpc/current_user", Anyone),
    ("/rpc/login", Anyone),
    ("/rpc/register", Anyone),
    ("/rpc/logout", Anyone),
    ("/rpc/invitation", Anyone),
    ("/rpc/accept_invitation", Anyone),
    ("/rpc/portal/preview", Anyone),
    ("/rpc/portal/open", Anyone),
    ("/rpc/switch_account", Member),
    ("/rpc/change_password", Member),
    ("/rpc/overview/get", Visitor),
    ("/rpc/overview/setup_hints", Visitor),
    ("/rpc/overview/subscription", Visitor),
    ("/rpc/events/list", Visitor),
    ("/rpc/events/get", Visitor),
    ("/rpc/events/filter_choices", Visitor),
    ("/rpc/deliveries/get", Visitor),
    ("/rpc/deliveries/attempts", Visitor),
    ("/rpc/deliveries/redeliver", Visitor),
    ("/rpc/deliveries/of_subscription", Visitor),
    ("/rpc/subscriptions/list", Visitor),
    ("/rpc/subscriptions/get", Visitor),
    ("/rpc/subscriptions/save", Visitor),
    ("/rpc/subscriptions/set_enabled", Visitor),
    ("/rpc/subscriptions/secret", Visitor),
    ("/rpc/subscriptions/rotate_secret", Visitor),
    ("/rpc/subscriptions/send_test", Visitor),
    ("/rpc/subscriptions/replay", Visitor),
    ("/rpc/subscriptions/delete", Visitor),
    // The subscription form's type picker reads the catalog; changing it is a member's.
    ("/rpc/event_types/list", Visitor),
    ("/rpc/event_types/activity", Visitor),
    ("/rpc/event_types/save", Member),
    ("/rpc/event_types/set_archived", Member),
    ("/rpc/sources/list", Member),
    ("/rpc/sources/detail", Member),
    ("/rpc/sources/create", Member),
    ("/rpc/sources/delete", Member),
    ("/rpc/api_keys/list", Member),
    ("/rpc/api_keys/create", Member),
    ("/rpc/api_keys/revoke", Member),
    ("/rpc/operator/overview", Admin),
];

/// Who may call the server function at `path`; `None` for one the table does not name.
pub fn rule(path: &str) -> Option<Caller> {
    RULES.iter().find(|(known, _)| *known == path).map(|(_, caller)| *caller)
}

//! The shapes that cross the wire, one file per entity: the REST API's JSON and the dashboard's
//! server functions use the same types, in the browser and on the server. Times are RFC 3339
//! strings in UTC.

mod accounts;
mod api_keys;
mod deliveries;
mod event_types;
mod events;
mod invitations;
mod overview;
mod paging;
mod portal_links;
mod sources;
mod subscriptions;
mod users;

pub use accounts::*;
pub use api_keys::*;
pub use deliveries::*;
pub use event_types::*;
pub use events::*;
pub use invitations::*;
pub use overview::*;
pub use paging::*;
pub use portal_links::*;
pub use sources::*;
pub use subscriptions::*;
pub use users::*;

//! The dashboard's pages, one module each.
//!
//! Every `Resource` of a page is created by the page component itself, never by a component
//! rendered inside a `Suspense`/`Transition`: on the server, the children of a suspense run
//! again when the data they wait for arrives, so a resource created there is created (and
//! fetched, and sent) twice, while the browser hydrates with the first copy. When the data
//! changed in between (an attempt finished), the browser's view no longer matches the HTML and
//! hydration fails. Components inside a suspense read resources; they take them as props.
mod api_keys;
mod event_types;
mod events;
mod invite;
mod login;
mod not_found;
mod operator;
mod overview;
mod password;
mod portal;
mod register;
mod sources;
mod subscriptions;

pub use api_keys::ApiKeysPage;
pub use event_types::EventTypesPage;
pub use events::{EventDetailPage, EventsPage};
pub use invite::InvitePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use operator::OperatorPage;
pub use overview::OverviewPage;
pub use password::PasswordPage;
pub use portal::PortalPage;
pub use register::RegisterPage;
pub use sources::{SourceDetailPage, SourcesPage};
pub use subscriptions::{EditSubscriptionPage, NewSubscriptionPage, SubscriptionDetailPage, SubscriptionsPage};

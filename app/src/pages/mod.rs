mod api_keys;
mod event_types;
mod events;
mod invite;
mod login;
mod not_found;
mod overview;
mod register;
mod subscriptions;

pub use api_keys::ApiKeysPage;
pub use event_types::EventTypesPage;
pub use events::{EventDetailPage, EventsPage};
pub use invite::InvitePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
pub use register::RegisterPage;
pub use subscriptions::{EditSubscriptionPage, NewSubscriptionPage, SubscriptionDetailPage, SubscriptionsPage};

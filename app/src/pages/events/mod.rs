//! Events: the filtered list, and one event with its payload, deliveries and attempts.

mod attempt;
mod detail;
mod list;

pub use detail::EventDetailPage;
pub use list::EventsPage;

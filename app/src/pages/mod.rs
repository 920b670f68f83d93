mod login;
mod not_found;
mod overview;
mod register;

pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
pub use register::RegisterPage;

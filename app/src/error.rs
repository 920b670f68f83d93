//! The one error type of the domain, carried unchanged through server functions to the browser
//! and mapped to the REST API's error shape (`code`, `message`, `field`) by the root package.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("Sign in to continue.")]
    Unauthorized,
    #[error("Not found.")]
    NotFound,
    #[error("{message}")]
    Conflict { field: Option<String>, message: String },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    RateLimited(String),
    /// The database stayed locked (another process or a long write) past the busy timeout:
    /// nothing was changed, and the same request is likely to work in a moment.
    #[error("The database is busy; nothing was changed. Try again in a moment.")]
    Unavailable,
    /// The details are logged on the server; the browser only learns that something broke.
    #[error("Something went wrong on our side. It has been logged; please try again.")]
    Internal,
    /// The request never produced an answer from our code (network down, bad encoding).
    #[error("Could not reach Hookrelay: {0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation { field: field.into(), message: message.into() }
    }

    /// The stable machine-readable code a REST error answer carries (`error.code`), which
    /// clients may match on; the message is for people and may change.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) | AppError::Transport(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::Validation { .. } => "validation_failed",
            AppError::RateLimited(_) => "rate_limited",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) | AppError::Transport(_) => 400,
            AppError::Unauthorized => 401,
            AppError::NotFound => 404,
            AppError::Conflict { .. } => 409,
            AppError::PayloadTooLarge(_) => 413,
            AppError::Validation { .. } => 422,
            AppError::RateLimited(_) => 429,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }

    /// The input field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } => Some(field),
            AppError::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

/// A parser's message cut to a readable length: serde quotes the offending input, which may be
/// 100 KB long, and an error should not echo it back whole.
pub fn brief(message: &str) -> String {
    const MAX_CHARS: usize = 300;
    match message.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message.to_string(),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::BadRequest(format!("The form was incomplete or malformed: {}", brief(&message)))
            }
            // On the server, a failed deserialization is the request's arguments (in the browser
            // it is an answer that did not decode, a transport problem). server_fn reports a
            // body over its size limit this way too.
            ServerFnErrorErr::Deserialization(message)
                if cfg!(feature = "ssr") && message.contains("length limit exceeded") =>
            {
                AppError::PayloadTooLarge("The request is larger than the dashboard accepts.".into())
            }
            ServerFnErrorErr::Deserialization(message) if cfg!(feature = "ssr") => {
                AppError::BadRequest(format!("The request could not be read: {}", brief(&message)))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    #[track_caller]
    fn from(error: sqlx::Error) -> Self {
        let location = std::panic::Location::caller();
        if crate::store::is_busy(&error) {
            tracing::warn!(%error, %location, "database busy past the timeout");
            return AppError::Unavailable;
        }
        if crate::store::is_unstorable_text(&error) {
            return AppError::BadRequest("Text may not contain NUL characters.".into());
        }
        tracing::error!(%error, %location, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    #[track_caller]
    fn from(error: tower_sessions::session::Error) -> Self {
        let location = std::panic::Location::caller();
        tracing::error!(%error, %location, "session store error");
        AppError::Internal
    }
}

//! Pure input rules shared by the browser (for instant feedback) and the server (the authority).

/// The path a visitor is sent to after signing in: only a local path, so that a crafted
/// `?next=https://evil.example` link cannot turn our login page into an open redirect.
pub fn safe_next_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 2048
                && path.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

pub const MIN_PASSWORD_CHARS: usize = 8;
/// Argon2 takes any length, but hashing megabytes per login attempt is a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 1024;

pub fn check_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters."));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
    }
    Ok(())
}

/// The longest name a person gives anything (an account, an API or operator key, a source).
pub const MAX_NAME_CHARS: usize = 100;

/// An account's or an operator key's name: trimmed, 1 to [`MAX_NAME_CHARS`] printable characters.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("A name is required.".into());
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(format!("Use at most {MAX_NAME_CHARS} printable characters."));
    }
    Ok(name.to_string())
}

pub const MAX_EVENT_TYPE_NAME: usize = 128;
pub const MAX_DESCRIPTION_CHARS: usize = 1024;
pub const MAX_URL_LEN: usize = 2048;
pub const MAX_CUSTOM_HEADERS: usize = 20;
pub const MAX_HEADER_VALUE_LEN: usize = 2048;
pub const MAX_WEBHOOK_ID_CHARS: usize = 256;
/// Event types under this prefix are Hookrelay's own (`hookrelay.test`, alerts).
pub const RESERVED_TYPE_PREFIX: &str = "hookrelay.";

/// Event type names: lowercase dot-separated words, at least two, each starting with a letter
/// (`invoice.paid`, `user.email_changed`).
pub fn check_event_type_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Enter a name such as invoice.paid.".into());
    }
    if name.len() > MAX_EVENT_TYPE_NAME {
        return Err(format!("Use at most {MAX_EVENT_TYPE_NAME} characters."));
    }
    let words: Vec<&str> = name.split('.').collect();
    let word_ok = |word: &&str| {
        let mut chars = word.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if words.len() < 2 || !words.iter().all(word_ok) {
        return Err(
            "Use lowercase words separated by dots, at least two, like invoice.paid or user.email_changed.".into()
        );
    }
    Ok(())
}

/// A subscription URL: absolute http(s), https unless plain http is allowed, no credentials.
pub fn check_subscription_url(url: &str, allow_http: bool) -> Result<(), String> {
    if url.trim().is_empty() {
        return Err("Enter the URL that should receive the webhooks.".into());
    }
    if url.len() > MAX_URL_LEN {
        return Err(format!("Use at most {MAX_URL_LEN} characters."));
    }
    let parsed =
        url::Url::parse(url).map_err(|_| "Enter an absolute URL such as https://example.com/webhooks.".to_string())?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => return Err("Use an https:// URL; this instance does not deliver over plain http.".into()),
        _ => return Err("Use an https:// URL.".into()),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("The URL needs a host name.".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("Put no credentials in the URL; use a custom header instead.".into());
    }
    Ok(())
}

/// Headers Hookrelay sets itself, which a custom header must not override.
pub fn is_reserved_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "content-type" | "user-agent" | "host" | "content-length" | "transfer-encoding" | "connection"
    ) || name.starts_with("webhook-")
}

/// A custom header's name and value.
pub fn check_custom_header(name: &str, value: &str) -> Result<(), String> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || name.len() > 256 || !name.chars().all(token) {
        return Err(format!("'{name}' is not a valid header name."));
    }
    if is_reserved_header(name) {
        return Err(format!("{name} is set by Hookrelay and cannot be overridden."));
    }
    // Meant for the egress proxy, not the receiver: a subscription must not speak to the proxy
    // with its own credentials.
    if name.to_ascii_lowercase().starts_with("proxy-") {
        return Err(format!("{name} is for proxies and cannot be sent to a receiver."));
    }
    if value.len() > MAX_HEADER_VALUE_LEN {
        return Err(format!("The value of {name} is longer than {MAX_HEADER_VALUE_LEN} characters."));
    }
    if !value.chars().all(|c| c == '\t' || (' '..='~').contains(&c)) {
        return Err(format!("The value of {name} may hold only printable ASCII characters."));
    }
    Ok(())
}

pub fn check_description(description: &str) -> Result<(), String> {
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(format!("Use at most {MAX_DESCRIPTION_CHARS} characters."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_path_accepts_local_paths_only() {
        assert_eq!(safe_next_path(Some("/events?type=a.b")), "/events?type=a.b");
        assert_eq!(safe_next_path(Some("https://evil.example/")), "/");
        assert_eq!(safe_next_path(Some("//evil.example/")), "/");
        assert_eq!(safe_next_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_next_path(Some("/a\r\nSet-Cookie: x")), "/");
        assert_eq!(safe_next_path(Some("")), "/");
        assert_eq!(safe_next_path(None), "/");
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(check_password("short").is_err());
        assert!(check_password("ééééééé").is_err());
        assert!(check_password("éééééééé").is_ok());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }

    #[test]
    fn event_type_names_are_dotted_lowercase_words() {
        for good in ["invoice.paid", "user.email_changed", "a.b.c", "v2.order.created"] {
            assert!(check_event_type_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "invoice",
            "Invoice.paid",
            "invoice..paid",
            ".invoice.paid",
            "invoice.paid.",
            "invoice.2paid",
            "in voice.paid",
            "invoice-paid.x",
        ] {
            assert!(check_event_type_name(bad).is_err(), "{bad}");
        }
        assert!(check_event_type_name(&format!("a.{}", "b".repeat(127))).is_err());
    }

    #[test]
    fn subscription_urls_must_be_https_without_credentials() {
        assert!(check_subscription_url("https://example.com/hooks", false).is_ok());
        assert!(check_subscription_url("http://example.com/hooks", false).is_err());
        assert!(check_subscription_url("http://localhost:8080/hooks", true).is_ok());
        assert!(check_subscription_url("ftp://example.com", true).is_err());
        assert!(check_subscription_url("https://user:pw@example.com", false).is_err());
        assert!(check_subscription_url("/relative", false).is_err());
        assert!(check_subscription_url(&format!("https://example.com/{}", "a".repeat(2048)), false).is_err());
    }

    #[test]
    fn custom_headers_cannot_override_ours() {
        assert!(check_custom_header("X-Api-Token", "abc 123").is_ok());
        for reserved in ["Content-Type", "user-agent", "Host", "content-length", "webhook-signature", "Webhook-Id"] {
            assert!(check_custom_header(reserved, "x").is_err(), "{reserved}");
        }
        for proxy in ["Proxy-Authorization", "proxy-connection", "PROXY-Anything"] {
            assert!(check_custom_header(proxy, "Basic eDp5").is_err(), "{proxy}");
        }
        assert!(check_custom_header("Bad Name", "x").is_err());
        assert!(check_custom_header("X-Ok", "line\r\nbreak").is_err());
        assert!(check_custom_header("", "x").is_err());
    }
}

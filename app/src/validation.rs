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
}

//! The hostile values every sweep sends.

/// Text that must be stored and shown exactly as sent, or refused: SQL and HTML metacharacters,
/// format strings, and unicode that trips up naive code.
pub const HOSTILE_TEXT: &[&str] = &[
    "'; DROP TABLE events; --",
    "\" OR \"1\"=\"1",
    "<script>alert(1)</script>",
    "&lt;&amp;&#x27;",
    "%s%n%x{0}",
    "../../etc/passwd",
    "\u{202e}gnp.exe",
    "\u{feff}bom",
    "e\u{301}\u{301}\u{301}",
    "😀🏳️‍🌈",
    "nul\u{0}byte",
    "bell\u{7}",
    "\u{200b}",
    "ＦＵＬＬＷＩＤＴＨ",
];

/// Path segments, already percent-encoded, in place of a resource id.
pub const HOSTILE_IDS: &[&str] = &[
    "%27%20OR%201%3D1%20--",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%00",
    "%FF%FE",
    "%E2%80%AEevil",
    "..%2F..%2Fetc%2Fpasswd",
    "sub_%F0%9F%98%80",
    "-1",
];

/// Query values, already percent-encoded: numbers out of range or of the wrong kind, broken
/// encodings, metacharacters.
pub const HOSTILE_QUERY_VALUES: &[&str] =
    &["-1", "0", "251", "99999999999999999999999", "1.5", "abc", "%FF", "%00", "%27%20OR%201%3D1%20--", "%3Cb%3E"];

/// Percent-encodes everything but unreserved characters.
pub fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

//! Subscription URL validation never panics, and what it accepts is an absolute http(s) URL
//! without credentials, https unless plain http is allowed.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for allow_http in [false, true] {
        if app::validation::check_subscription_url(text, allow_http).is_ok() {
            let url = url::Url::parse(text).expect("an accepted URL parses");
            assert!(url.scheme() == "https" || (allow_http && url.scheme() == "http"), "{text}");
            assert!(url.username().is_empty() && url.password().is_none(), "{text}");
            assert!(url.host().is_some(), "{text}");
        }
    }
});

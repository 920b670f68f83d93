//! Who is on the other end of a request. Behind a reverse proxy every connection comes from the
//! proxy, so the login throttle would lump all users together; when the peer is one of the
//! proxies the operator named (`--trusted-proxy`), the client is the right-most address in
//! `X-Forwarded-For` that is not itself a trusted proxy. The header is never believed from
//! anyone else, since any client can send it.

use std::net::IpAddr;

use axum::http::HeaderMap;

pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted_proxies.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A garbled entry: what lies left of it cannot be trusted either.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let stranger: IpAddr = "198.51.100.1".parse().unwrap();
        // Straight from a client: its own claim is ignored.
        assert_eq!(client_ip(stranger, &forwarded("203.0.113.7"), &[proxy]), stranger);
        // Through the proxy: the right-most address the proxy appended.
        assert_eq!(client_ip(proxy, &forwarded("1.2.3.4, 203.0.113.7"), &[proxy]), client);
        // Two proxies in a row are both skipped.
        let inner: IpAddr = "10.0.0.3".parse().unwrap();
        assert_eq!(client_ip(proxy, &forwarded("203.0.113.7, 10.0.0.3"), &[proxy, inner]), client);
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
        assert_eq!(client_ip(proxy, &forwarded("nonsense"), &[proxy]), proxy);
        assert_eq!(client_ip(proxy, &forwarded("203.0.113.7"), &[]), proxy, "no proxy trusted by default");
    }
}

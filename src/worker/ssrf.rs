//! The SSRF guard: unless the operator allows it, no delivery reaches loopback, private,
//! link-local, unique-local, CGNAT, multicast, reserved or unspecified addresses. It is applied
//! to the addresses the HTTP client actually connects to (our DNS resolver filters them), so a
//! public name that resolves to 127.0.0.1, or whose answer changes after a check, is caught too.

use std::error::Error;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether deliveries may go to this address.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0                                  // "this network"
        || (a == 100 && (64..128).contains(&b))    // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0)          // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19))      // benchmarking 198.18.0.0/15
        || a >= 240 // reserved 240.0.0.0/4
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    // Forms that carry an IPv4 address: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d),
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16). They are judged by the address they carry.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_forbidden_v4(v4);
    }
    if segments[..6] == [0, 0, 0, 0, 0, 0] && !ip.is_unspecified() && !ip.is_loopback() {
        return is_forbidden_v4(embedded_v4(segments[6], segments[7]));
    }
    if segments[0] == 0x64 && segments[1] == 0xff9b && segments[2..6] == [0, 0, 0, 0] {
        return is_forbidden_v4(embedded_v4(segments[6], segments[7]));
    }
    if segments[0] == 0x2002 {
        return is_forbidden_v4(embedded_v4(segments[1], segments[2]));
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00   // unique local fc00::/7
        || (segments[0] & 0xffc0) == 0xfe80   // link-local fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0   // site-local fec0::/10 (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
}

fn embedded_v4(high: u16, low: u16) -> Ipv4Addr {
    let [a, b] = high.to_be_bytes();
    let [c, d] = low.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// The error a refused destination produces; the worker recognises it as kind `blocked`. Its
/// text names only what the subscription's URL says: the addresses a name resolved to stay
/// out of attempts, so the dashboard does not map an internal network for whoever reads it.
#[derive(Debug)]
pub enum Blocked {
    /// An address written in the URL.
    Address(IpAddr),
    /// A name that resolves to an internal address.
    Name(String),
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocked::Address(ip) => write!(f, "{ip} is an internal address"),
            Blocked::Name(host) => write!(f, "{host} resolves to a private address"),
        }?;
        f.write_str("; deliveries there are not allowed (see --allow-private-destinations)")
    }
}

impl Error for Blocked {}

/// Resolves names with the system resolver, then drops forbidden addresses. If none is left,
/// the connection fails with [`Blocked`]. There is no separate "check" step to race: the
/// addresses it returns are the ones the client connects to, looked up anew for each
/// connection, so a name whose answer turns private (DNS rebinding) is refused when it does.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let addrs: Addrs = Box::new(allowed(&host, found)?.into_iter());
            Ok(addrs)
        })
    }
}

/// The addresses of `host` that may be connected to; [`Blocked`] when the name had answers
/// and every one was internal.
fn allowed(host: &str, found: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, Box<dyn Error + Send + Sync>> {
    let allowed: Vec<SocketAddr> = found.iter().copied().filter(|addr| !is_forbidden(addr.ip())).collect();
    if allowed.is_empty() && !found.is_empty() {
        return Err(Box::new(Blocked::Name(host.to_string())));
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden(text: &str) -> bool {
        is_forbidden(text.parse().unwrap())
    }

    #[test]
    fn internal_ipv4_ranges_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "239.255.255.255",
            "255.255.255.255",
            "240.0.0.1",
            "198.18.0.1",
            "192.0.0.8",
        ] {
            assert!(forbidden(ip), "{ip}");
        }
        for ip in ["1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "93.184.216.34"] {
            assert!(!forbidden(ip), "{ip}");
        }
    }

    #[test]
    fn internal_ipv6_ranges_and_embedded_ipv4_are_forbidden() {
        for ip in [
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "fec0::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(forbidden(ip), "{ip}");
        }
        for ip in ["2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::"] {
            assert!(!forbidden(ip), "{ip}");
        }
    }

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|ip| SocketAddr::new(ip.parse().unwrap(), 0)).collect()
    }

    #[test]
    fn a_name_keeps_only_its_public_answers_and_is_blocked_with_none() {
        let mixed = allowed("mixed.example", addrs(&["10.0.0.1", "93.184.216.34", "::1"])).unwrap();
        assert_eq!(mixed, addrs(&["93.184.216.34"]));
        let error = allowed("internal.example", addrs(&["127.0.0.1", "::ffff:10.0.0.1"])).unwrap_err();
        assert!(error.is::<Blocked>() && error.to_string().contains("internal.example"), "{error}");
        assert!(!error.to_string().contains("10.0.0.1") && !error.to_string().contains("127.0.0.1"), "{error}");
    }

    /// DNS rebinding: the first answer is public, the next one (for the next connection) is
    /// loopback. Each connection's own answer is what is judged, so the second is refused.
    #[test]
    fn an_answer_that_turns_internal_between_connections_is_refused() {
        let answers = [addrs(&["93.184.216.34"]), addrs(&["127.0.0.1"])];
        let judged: Vec<bool> = answers.into_iter().map(|found| allowed("rebind.example", found).is_ok()).collect();
        assert_eq!(judged, vec![true, false]);
    }
}

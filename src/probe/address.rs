//! What kind of address an IP address is, for the probe's findings: whether the other side of a
//! NAT could ever reach it.
//!
//! Pure functions only. The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
//! 2001:db8::/32, RFC 5737 and RFC 3849) count as public on purpose: the tests and the network lab
//! use them as the "internet".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Where an address can be reached from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Routed on the internet (documentation ranges included).
    Public,
    /// RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.
    Private,
    /// RFC 6598 shared address space, 100.64.0.0/10: a provider's carrier-grade NAT.
    Shared,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// 169.254.0.0/16, fe80::/10.
    LinkLocal,
    /// 0.0.0.0/8, ::.
    Unspecified,
    /// RFC 4193 unique-local IPv6, fc00::/7 (in practice fd00::/8).
    UniqueLocal,
    /// 224.0.0.0/4, ff00::/8.
    Multicast,
    /// 240.0.0.0/4 and the broadcast address.
    Reserved,
}

impl Scope {
    pub fn is_public(self) -> bool {
        self == Scope::Public
    }

    /// A short description for a sentence: "10.0.0.5, a private address (RFC 1918)".
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Public => "a public address",
            Scope::Private => "a private address (RFC 1918)",
            Scope::Shared => "a carrier-grade NAT address (100.64.0.0/10)",
            Scope::Loopback => "a loopback address",
            Scope::LinkLocal => "a link-local address",
            Scope::Unspecified => "an unspecified address (0.0.0.0)",
            Scope::UniqueLocal => "an IPv6 unique-local address (fd00::/8)",
            Scope::Multicast => "a multicast address",
            Scope::Reserved => "a reserved address",
        }
    }
}

/// The scope of `ip`; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is judged by its IPv4 form.
pub fn classify(ip: IpAddr) -> Scope {
    match ip.to_canonical() {
        IpAddr::V4(a) => classify_v4(a),
        IpAddr::V6(a) => classify_v6(a),
    }
}

fn classify_v4(a: Ipv4Addr) -> Scope {
    let [o1, o2, ..] = a.octets();
    match (o1, o2) {
        (0, _) => Scope::Unspecified,
        (10, _) | (192, 168) => Scope::Private,
        (172, 16..=31) => Scope::Private,
        (100, 64..=127) => Scope::Shared,
        (127, _) => Scope::Loopback,
        (169, 254) => Scope::LinkLocal,
        (224..=239, _) => Scope::Multicast,
        (240..=255, _) => Scope::Reserved,
        _ => Scope::Public,
    }
}

fn classify_v6(a: Ipv6Addr) -> Scope {
    let first = a.segments()[0];
    if a.is_unspecified() {
        Scope::Unspecified
    } else if a.is_loopback() {
        Scope::Loopback
    } else if first & 0xffc0 == 0xfe80 {
        Scope::LinkLocal
    } else if first & 0xfe00 == 0xfc00 {
        Scope::UniqueLocal
    } else if first & 0xff00 == 0xff00 {
        Scope::Multicast
    } else {
        Scope::Public
    }
}

/// The IP addresses written in a server's reply text, in order: pure-ftpd says "I won't open a
/// connection to 10.99.0.2 (only to 198.51.100.1)", which tells a client behind NAT its public
/// address.
pub fn addresses_in(text: &str) -> Vec<IpAddr> {
    text.split(|c: char| !(c.is_ascii_hexdigit() || c == '.' || c == ':'))
        .map(|t| t.trim_matches(|c| c == '.' || c == ':'))
        .filter(|t| t.contains('.') || t.matches(':').count() >= 2)
        .filter_map(|t| t.parse::<IpAddr>().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(s: &str) -> Scope {
        classify(s.parse().unwrap())
    }

    #[test]
    fn ipv4_ranges_are_classified() {
        for (a, want) in [
            ("10.1.2.3", Scope::Private),
            ("172.16.0.1", Scope::Private),
            ("172.31.255.255", Scope::Private),
            ("172.32.0.1", Scope::Public),
            ("192.168.1.1", Scope::Private),
            ("100.64.0.1", Scope::Shared),
            ("100.127.255.254", Scope::Shared),
            ("100.128.0.1", Scope::Public),
            ("127.0.0.1", Scope::Loopback),
            ("169.254.10.1", Scope::LinkLocal),
            ("0.0.0.0", Scope::Unspecified),
            ("0.1.2.3", Scope::Unspecified),
            ("224.0.0.1", Scope::Multicast),
            ("255.255.255.255", Scope::Reserved),
            ("8.8.8.8", Scope::Public),
        ] {
            assert_eq!(scope(a), want, "{a}");
        }
    }

    #[test]
    fn documentation_ranges_count_as_public() {
        for a in ["192.0.2.10", "198.51.100.1", "203.0.113.200", "2001:db8::1", "2001:db8:ffff::5"] {
            assert_eq!(scope(a), Scope::Public, "{a}");
        }
    }

    #[test]
    fn ipv6_ranges_and_mapped_forms_are_classified() {
        for (a, want) in [
            ("::", Scope::Unspecified),
            ("::1", Scope::Loopback),
            ("fe80::1", Scope::LinkLocal),
            ("fd12:3456::1", Scope::UniqueLocal),
            ("fc00::1", Scope::UniqueLocal),
            ("ff02::1", Scope::Multicast),
            ("2a00:1450::1", Scope::Public),
            ("::ffff:10.0.0.1", Scope::Private),
            ("::ffff:100.64.1.1", Scope::Shared),
            ("::ffff:127.0.0.1", Scope::Loopback),
            ("::ffff:203.0.113.5", Scope::Public),
        ] {
            assert_eq!(scope(a), want, "{a}");
        }
    }

    #[test]
    fn addresses_are_found_in_reply_text() {
        let found = addresses_in("I won't open a connection to 10.99.0.2 (only to 198.51.100.1)");
        assert_eq!(found, ["10.99.0.2".parse::<IpAddr>().unwrap(), "198.51.100.1".parse().unwrap()]);
        assert_eq!(addresses_in("Connect to 2001:db8::5."), ["2001:db8::5".parse::<IpAddr>().unwrap()]);
        assert!(addresses_in("500 Illegal PORT command.").is_empty());
        assert!(addresses_in("227 Entering Passive Mode (10,0,0,1,4,1)").is_empty());
        assert!(addresses_in("time 12:30 and version 3.0.3").is_empty());
    }
}

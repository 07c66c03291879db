//! URIs: the one reading of a URI's host, used wherever trustpath decides something by it —
//! URI name constraints (RFC 5280 §4.2.1.10), the SAN-URI binding of UDAP clients, servers and
//! mutual-TLS identities, and registered redirect URIs.
//!
//! **Parser.** `fluent-uri` (RFC 3986) rather than `url` (the WHATWG URL Standard). A WHATWG
//! parser repairs what RFC 3986 forbids: it reads `\` as `/`, drops tabs and newlines, decodes
//! `%65` in a host and reads `0x7f.1` as 127.0.0.1. So `url`, like every browser and most HTTP
//! stacks, reads `https://evil.test\@client.example.org/` as a URI of host `evil.test`, while
//! an RFC 3986 reader refuses it or finds `client.example.org`. Choosing either reading alone
//! leaves the users of the other one open. trustpath therefore accepts only URIs on which both
//! agree: `fluent-uri` refuses everything RFC 3986 refuses, and of the rest only hosts that a
//! WHATWG parser reads the same way are accepted — an LDH DNS name (it only lowercases it)
//! whose last label is not a number (it would read it as IPv4), a dotted-quad IPv4 or an IPv6
//! literal, with no userinfo. On that subset `fluent-uri`'s host is the host HTTP clients
//! connect to; `tests/uri_constraints.rs` checks this against `url` itself.
//!
//! Anything outside the subset is an error, and every caller fails closed on it.

use std::net::IpAddr;

use fluent_uri::Uri;
use fluent_uri::component::Host;

use crate::dns_name::is_dns_name;

/// The host of a URI, as [`host`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriHost<'a> {
    /// A DNS name in the preferred syntax — letters, digits and hyphens, internationalized
    /// labels as A-labels (`xn--…`) — as written: compare it ignoring ASCII case.
    Dns(&'a str),
    /// An IPv4 (dotted quad) or IPv6 (`[…]`) literal.
    Ip(IpAddr),
}

/// Why a URI has no host trustpath can rely on, or cannot serve as an identity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// Not an absolute URI by the RFC 3986 grammar (no scheme, a character RFC 3986 does not
    /// allow such as `\` or a space, a bad percent-escape, ...).
    #[error("not an absolute RFC 3986 URI: {0}")]
    Syntax(String),
    /// No authority component (`urn:…`, `did:…`, `https:host/path`): there is no host.
    #[error("no authority component (scheme://host), so no host")]
    NoAuthority,
    /// The authority has userinfo (`user@host`), which RFC 3986 and WHATWG parsers do not
    /// always separate from the host in the same place.
    #[error("userinfo before the host is not allowed")]
    Userinfo,
    /// The host is neither a DNS name in the preferred syntax nor an IP literal: empty, a
    /// trailing dot, percent-encoding, characters outside letters, digits and hyphens, an
    /// IPvFuture literal.
    #[error("host {0:?} is not a DNS name (letters, digits, hyphens; A-labels for IDNs) nor an IP literal")]
    InvalidHost(String),
    /// The host's last label is a number, which WHATWG parsers read as an IPv4 address
    /// (`01.2.3.4`, `example.0x7f`).
    #[error("host {0:?} ends in a number, which HTTP clients read as an IPv4 address")]
    NumericHost(String),
    /// The port is not a number from 0 to 65535.
    #[error("port {0:?} is out of range")]
    Port(String),
}

/// Schemes whose URIs a WHATWG parser reads with a host even without `//` (`https:host/p`) and
/// whose hosts it rewrites; RFC 9110 §4.2 also requires a host for `http` and `https`.
const SPECIAL_SCHEMES: [&str; 6] = ["http", "https", "ws", "wss", "ftp", "file"];

/// The parts of a URI that trustpath decides by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Components<'a> {
    /// The scheme, as written (compare it ignoring ASCII case).
    pub(crate) scheme: &'a str,
    /// The host, when the URI has an authority; an authority whose host cannot be read is an
    /// error instead.
    pub(crate) host: Option<UriHost<'a>>,
    /// Whether a fragment (`#…`) is present.
    pub(crate) has_fragment: bool,
}

impl Components<'_> {
    fn is_special(&self) -> bool {
        SPECIAL_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(self.scheme))
    }
}

/// Parses `uri` as an absolute RFC 3986 URI and reads its host, if it has an authority.
pub(crate) fn components(uri: &str) -> Result<Components<'_>, UriError> {
    let parsed = Uri::parse(uri).map_err(|e| UriError::Syntax(e.to_string()))?;
    let host = match parsed.authority() {
        None => None,
        Some(authority) => {
            if authority.has_userinfo() {
                return Err(UriError::Userinfo);
            }
            if authority.port_to_u16().is_err() {
                let port = authority.port().map(|p| p.as_str()).unwrap_or_default();
                return Err(UriError::Port(port.to_string()));
            }
            Some(match authority.host_parsed() {
                Host::Ipv4(ip) => UriHost::Ip(IpAddr::V4(ip)),
                Host::Ipv6(ip) => UriHost::Ip(IpAddr::V6(ip)),
                Host::RegName(name) => UriHost::Dns(dns_host(name.as_str())?),
                _ => return Err(UriError::InvalidHost(authority.host().to_string())),
            })
        }
    };
    Ok(Components { scheme: parsed.scheme().as_str(), host, has_fragment: parsed.fragment().is_some() })
}

/// A registered name that is a DNS name both readings agree on.
fn dns_host(name: &str) -> Result<&str, UriError> {
    if !is_dns_name(name) {
        return Err(UriError::InvalidHost(name.to_string()));
    }
    if ends_in_number(name) {
        return Err(UriError::NumericHost(name.to_string()));
    }
    Ok(name)
}

/// The WHATWG "ends in a number" test: the last label is all digits, or `0x` followed by hex
/// digits. Such a host is parsed as an IPv4 address (or refused) by WHATWG parsers, while RFC
/// 3986 keeps it as a name unless it is a canonical dotted quad (which `fluent-uri` reads as
/// an address, as WHATWG does).
fn ends_in_number(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let hex = last.strip_prefix("0x").or_else(|| last.strip_prefix("0X"));
    match hex {
        Some(digits) => digits.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// The host of `uri`: the one function that says what host a URI names.
///
/// `uri` must be an absolute RFC 3986 URI with an authority and no userinfo, whose host is a
/// DNS name in the preferred syntax (no trailing dot, no percent-encoding, A-labels for IDNs)
/// whose last label is not a number, or an IP literal. Anything else is an error: a URI whose
/// host HTTP clients might read differently has no host here.
///
/// ```
/// use trustpath::uri::{UriError, UriHost, host};
/// assert_eq!(host("https://client.example.org/apps/42"), Ok(UriHost::Dns("client.example.org")));
/// assert!(matches!(host("https://host.evil.test./apps/42"), Err(UriError::InvalidHost(_))));
/// assert!(matches!(host("https://evil.test\\@client.example.org/"), Err(UriError::Syntax(_))));
/// assert_eq!(host("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"), Err(UriError::NoAuthority));
/// ```
pub fn host(uri: &str) -> Result<UriHost<'_>, UriError> {
    components(uri)?.host.ok_or(UriError::NoAuthority)
}

/// Checks that `uri` can serve as an identity (a UDAP client URI or base URL, a certificate's
/// SAN URI): an absolute RFC 3986 URI whose host, if it has an authority, [`host`] accepts.
/// URIs without an authority (`urn:`, `did:`) are identities too, except for the schemes that
/// HTTP clients read a host from anyway (`http`, `https`, `ws`, `wss`, `ftp`, `file`), which
/// need one.
pub fn check_identity(uri: &str) -> Result<(), UriError> {
    let parts = components(uri)?;
    if parts.host.is_none() && parts.is_special() {
        return Err(UriError::NoAuthority);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dns(s: &str) -> Result<UriHost<'_>, UriError> {
        Ok(UriHost::Dns(s))
    }

    #[test]
    fn hosts_both_readings_agree_on() {
        assert_eq!(host("https://client.example.org/apps/42"), dns("client.example.org"));
        assert_eq!(host("HTTPS://Client.Example.ORG:8443/x?y#z"), dns("Client.Example.ORG"));
        assert_eq!(host("https://xn--bcher-kva.example/"), dns("xn--bcher-kva.example"));
        assert_eq!(host("https://client.example.org:/"), dns("client.example.org"));
        assert_eq!(host("ldap://ldap.example.org/cn=x"), dns("ldap.example.org"));
        assert_eq!(host("https://192.0.2.1/"), Ok(UriHost::Ip("192.0.2.1".parse().unwrap())));
        assert_eq!(host("https://[2001:db8::1]:443/"), Ok(UriHost::Ip("2001:db8::1".parse().unwrap())));
    }

    #[test]
    fn hosts_that_could_be_read_otherwise_are_refused() {
        let invalid = |s: &str| matches!(host(s), Err(UriError::InvalidHost(_)));
        assert!(invalid("https://host.evil.test./apps/42"), "trailing dot");
        assert!(invalid("https://host.%65vil.test/apps/42"), "percent-encoding");
        assert!(invalid("https://*.example.org/"), "wildcard");
        assert!(invalid("https://a_b.example.org/"), "underscore");
        assert!(invalid("https:///cb"), "empty host");
        assert!(invalid("file:///etc/passwd"), "empty host");
        assert!(invalid("https://[v1.x]/"), "IPvFuture");
        let syntax = |s: &str| matches!(host(s), Err(UriError::Syntax(_)));
        assert!(syntax("https://evil.test\\@client.example.org/apps/42"), "backslash");
        assert!(syntax("https://client.example.org/a b"), "space");
        assert!(syntax("https://client.example.org/%zz"), "bad escape");
        assert!(syntax("https://bücher.example/"), "not ASCII");
        assert!(syntax("//client.example.org/"), "relative");
        assert!(syntax("https://[fe80::1%25eth0]/"), "zone identifier");
        assert_eq!(host("https://a@client.example.org/"), Err(UriError::Userinfo));
        assert_eq!(host("https://client.example.org@evil.test/"), Err(UriError::Userinfo));
        assert_eq!(host("https://:@evil.test/"), Err(UriError::Userinfo));
        for numeric in
            ["https://01.2.3.4/", "https://example.0x7f/", "https://1.2.3/", "https://a.0X/", "https://4294967295/"]
        {
            assert!(matches!(host(numeric), Err(UriError::NumericHost(_))), "{numeric}");
        }
        assert_eq!(host("https://client.example.org:65536/"), Err(UriError::Port("65536".into())));
        assert_eq!(host("https:client.example.org/x"), Err(UriError::NoAuthority));
        assert_eq!(host("urn:example:client"), Err(UriError::NoAuthority));
    }

    #[test]
    fn identities() {
        for ok in
            ["https://client.example.org/apps/42", "urn:uuid:6e8bc430", "did:web:client.example.org", "mailto:a@b.c"]
        {
            assert_eq!(check_identity(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_identity("https:client.example.org/apps/42"), Err(UriError::NoAuthority));
        assert_eq!(check_identity("HTTP:/client.example.org"), Err(UriError::NoAuthority));
        assert_eq!(check_identity("https://u@client.example.org/"), Err(UriError::Userinfo));
        assert!(check_identity("client.example.org/apps/42").is_err());
        assert!(check_identity("https://evil.test\\@client.example.org/apps/42").is_err());
        assert!(check_identity("did:web:x y").is_err());
    }

    #[test]
    fn components_report_scheme_and_fragment() {
        let c = components("HTTPS://client.example.org/cb#frag").unwrap();
        assert_eq!((c.scheme, c.has_fragment, c.host), ("HTTPS", true, Some(UriHost::Dns("client.example.org"))));
        assert!(components("https://client.example.org/cb?a#").unwrap().has_fragment, "an empty fragment is one");
        assert!(!components("https://client.example.org/cb?a").unwrap().has_fragment);
    }
}

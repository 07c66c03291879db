//! Matching the end-entity certificate against the name the caller expects (RFC 6125 / RFC
//! 9525 for DNS names, exact comparison for IP addresses, email addresses and URIs).
//!
//! Only subjectAltName entries count; the subject's commonName is never used. DNS wildcards
//! are honoured only as the whole left-most label over a name that is not a public suffix
//! (`*.example.com`, never `*.co.uk`), and match exactly one label.

use x509_cert::ext::pkix::name::GeneralName;

use super::name_constraints::is_dns_name;
use crate::cert::{Certificate, ip_from_bytes};
use crate::error::Reason;
use crate::verifier::ExpectedName;

pub(crate) fn check(cert: &Certificate, expected: &ExpectedName) -> Result<(), Reason> {
    let sans = || cert.subject_alt_names();
    let found = match expected {
        ExpectedName::Dns(reference) => {
            let reference = reference.strip_suffix('.').unwrap_or(reference);
            is_dns_name(reference) && cert.san_dns_names().any(|presented| dns_matches(presented, reference))
        }
        ExpectedName::Ip(ip) => sans().iter().any(|n| match n {
            GeneralName::IpAddress(o) => ip_from_bytes(o.as_bytes()) == Some(*ip),
            _ => false,
        }),
        ExpectedName::Email(address) => sans().iter().any(|n| match n {
            GeneralName::Rfc822Name(p) => email_matches(p.as_str(), address),
            _ => false,
        }),
        ExpectedName::Uri(uri) => sans().iter().any(|n| match n {
            GeneralName::UniformResourceIdentifier(p) => p.as_str() == uri,
            _ => false,
        }),
    };
    if found { Ok(()) } else { Err(Reason::NameMismatch(expected.to_string())) }
}

/// Whether the presented dNSName matches the reference host name.
pub(crate) fn dns_matches(presented: &str, reference: &str) -> bool {
    if let Some(rest) = presented.strip_prefix("*.") {
        // The wildcard must cover a label of a registrable domain: never `*`, `*.com`,
        // `*.co.uk` or `*.s3.amazonaws.com` (public suffixes, CABF BR 3.2.2.6).
        if !is_dns_name(rest) || !rest.contains('.') || is_public_suffix(rest) {
            return false;
        }
        return match reference.split_once('.') {
            Some((first, parent)) => !first.is_empty() && parent.eq_ignore_ascii_case(rest),
            None => false,
        };
    }
    presented.eq_ignore_ascii_case(reference) && is_dns_name(presented)
}

/// Whether `name` is itself a public suffix (ICANN or private section of the list).
fn is_public_suffix(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    psl::suffix(lower.as_bytes()).is_some_and(|s| s.is_known() && s.as_bytes() == lower.as_bytes())
}

/// Email addresses: the local part compares exactly, the domain case-insensitively.
pub(crate) fn email_matches(presented: &str, reference: &str) -> bool {
    match (presented.rsplit_once('@'), reference.rsplit_once('@')) {
        (Some((pl, pd)), Some((rl, rd))) => pl == rl && pd.eq_ignore_ascii_case(rd),
        _ => false,
    }
}

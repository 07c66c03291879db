//! Matching the end-entity certificate against the name the caller expects (RFC 6125 / RFC
//! 9525 for DNS names, exact comparison for IP addresses, email addresses and URIs; a URI
//! must also be one [`crate::uri::check_identity`] accepts).
//!
//! Only subjectAltName entries count; the subject's commonName is never used. DNS wildcards
//! are honoured only as the whole left-most label over a name that is not a public suffix
//! (`*.example.com`, never `*.co.uk`), and match exactly one label.

use x509_cert::ext::pkix::name::GeneralName;

use super::ExpectedName;
use crate::cert::{Certificate, ip_from_bytes};
use crate::dns_name::is_dns_name;
use crate::error::Reason;
use crate::uri;

pub(crate) fn check(cert: &Certificate, expected: &ExpectedName) -> Result<(), Reason> {
    let sans = || cert.subject_alt_names();
    let found = match expected {
        ExpectedName::Dns(reference) => {
            let reference = reference.strip_suffix('.').unwrap_or(reference);
            is_dns_name(reference)
                && cert.san_dns_name_bytes().any(|presented| dns_matches(presented, reference.as_bytes()))
        }
        ExpectedName::Ip(ip) => sans().iter().any(|n| match n {
            GeneralName::IpAddress(o) => ip_from_bytes(o.as_bytes()) == Some(*ip),
            _ => false,
        }),
        ExpectedName::Email(address) => sans().iter().any(|n| match n {
            GeneralName::Rfc822Name(p) => email_matches(p.as_str(), address),
            _ => false,
        }),
        ExpectedName::Uri(uri) => {
            let found = sans().iter().any(|n| match n {
                GeneralName::UniformResourceIdentifier(p) => p.as_str() == uri,
                _ => false,
            });
            if found && let Err(problem) = uri::check_identity(uri) {
                return Err(Reason::InvalidUri { uri: uri.clone(), problem });
            }
            found
        }
    };
    if found { Ok(()) } else { Err(Reason::NameMismatch(expected.to_string())) }
}

/// Whether the presented dNSName matches the reference host name (both as ASCII octets).
/// `reference` must be a valid DNS name ([`is_dns_name`], which the caller checks once): a
/// presented name equal to it or to its parent, ignoring ASCII case, is then valid too.
pub(crate) fn dns_matches(presented: &[u8], reference: &[u8]) -> bool {
    if let Some(rest) = presented.strip_prefix(b"*.") {
        let mut labels = reference.splitn(2, |b| *b == b'.');
        let covers = match (labels.next(), labels.next()) {
            (Some(first), Some(parent)) => !first.is_empty() && parent.eq_ignore_ascii_case(rest),
            _ => false,
        };
        // The wildcard must cover a label of a registrable domain: never `*`, `*.com`,
        // `*.co.uk` or `*.s3.amazonaws.com` (public suffixes, CABF BR 3.2.2.6).
        return covers && rest.contains(&b'.') && !is_public_suffix(rest);
    }
    presented.eq_ignore_ascii_case(reference)
}

/// Whether `name` is itself a public suffix (ICANN or private section of the list).
fn is_public_suffix(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    psl::suffix(&lower).is_some_and(|s| s.is_known() && s.as_bytes() == lower.as_slice())
}

/// Email addresses: the local part compares exactly, the domain case-insensitively.
pub(crate) fn email_matches(presented: &str, reference: &str) -> bool {
    match (presented.rsplit_once('@'), reference.rsplit_once('@')) {
        (Some((pl, pd)), Some((rl, rd))) => pl == rl && pd.eq_ignore_ascii_case(rd),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{dns_matches, is_dns_name};

    /// As `check` matches: the reference name is checked first.
    fn matches(presented: &str, reference: &str) -> bool {
        is_dns_name(reference) && dns_matches(presented.as_bytes(), reference.as_bytes())
    }

    #[test]
    fn dns_names_match_exactly_or_by_one_wildcard_label() {
        let yes = [
            ("example.com", "EXAMPLE.com"),
            ("*.example.com", "www.example.com"),
            ("*.Example.COM", "a.example.com"),
            ("*.example.co.uk", "x.example.co.uk"),
        ];
        for (presented, reference) in yes {
            assert!(matches(presented, reference), "{presented} ~ {reference}");
        }
        let no = [
            ("example.com", "www.example.com"),
            ("*.example.com", "example.com"),
            ("*.example.com", "a.b.example.com"),
            ("*.example.com", ".example.com"),
            ("*.com", "example.com"),
            ("*.co.uk", "example.co.uk"),
            ("*", "localhost"),
            ("w*.example.com", "www.example.com"),
            ("exa_mple.com", "exa_mple.com"),
            ("-a.example.com", "-a.example.com"),
            ("*.exa_mple.com", "a.exa_mple.com"),
            ("*.-x.com", "a.-x.com"),
        ];
        for (presented, reference) in no {
            assert!(!matches(presented, reference), "{presented} !~ {reference}");
        }
    }
}

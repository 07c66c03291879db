//! Certificate–address binding (Applicability Statement §4.1): an address-bound certificate
//! carries the Direct address as an rfc822Name subjectAltName, a domain-bound (organizational)
//! one the address's domain as a dNSName. Matching is exact — no wildcards, no parent domains —
//! and ASCII case-insensitive for the domain; the local part is compared case-insensitively
//! too by default (de-facto Direct practice, which the ONC test tool checks), or exactly.
//! The subject's legacy emailAddress attribute is no binding under AS v1.3; a legacy switch
//! accepts it.

use const_oid::db::rfc3280::EMAIL_ADDRESS;
use der::asn1::Ia5StringRef;

use super::{DirectAddress, DirectError};
use crate::cert::Certificate;

/// How a certificate is bound to a Direct address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// An rfc822Name subjectAltName equals the address.
    Address,
    /// A dNSName subjectAltName equals the address's domain.
    Domain,
    /// The subject's emailAddress attribute equals the address (legacy; only with
    /// [`BindingPolicy::allow_legacy_subject_email`]).
    LegacySubjectEmail,
}

impl Binding {
    /// `"address"`, `"domain"` or `"subject_email"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Address => "address",
            Binding::Domain => "domain",
            Binding::LegacySubjectEmail => "subject_email",
        }
    }
}

/// Which bindings are accepted and how addresses compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BindingPolicy {
    /// Compare the local part ignoring ASCII case (default: true). The domain always ignores
    /// case.
    pub case_insensitive_local_part: bool,
    /// Accept domain-bound certificates (default: true). Some recipients accept only
    /// address-bound ones.
    pub allow_domain_bound: bool,
    /// Accept the subject's emailAddress attribute when no subjectAltName binds (default:
    /// false; AS v1.3 dropped it).
    pub allow_legacy_subject_email: bool,
}

impl Default for BindingPolicy {
    fn default() -> Self {
        BindingPolicy { case_insensitive_local_part: true, allow_domain_bound: true, allow_legacy_subject_email: false }
    }
}

fn domain_eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn address_eq(name: &str, address: &DirectAddress, policy: &BindingPolicy) -> bool {
    let Some(at) = name.rfind('@') else { return false };
    let (local, domain) = (name.get(..at).unwrap_or_default(), name.get(at + 1..).unwrap_or_default());
    let local_matches = if policy.case_insensitive_local_part {
        local.eq_ignore_ascii_case(address.local_part())
    } else {
        local == address.local_part()
    };
    !local.is_empty() && local_matches && domain_eq(domain, address.domain())
}

/// The subject's PKCS #9 emailAddress attribute values.
fn subject_emails(certificate: &Certificate) -> Vec<String> {
    let mut out = Vec::new();
    for atv in certificate.subject().iter() {
        if atv.oid == EMAIL_ADDRESS
            && let Ok(s) = Ia5StringRef::try_from(&atv.value)
        {
            out.push(s.as_str().to_string());
        }
    }
    out
}

/// How `certificate` binds `address` under `policy`, if it does. An address binding is
/// preferred over a domain binding, which is preferred over the legacy subject email.
pub fn binding(certificate: &Certificate, address: &DirectAddress, policy: &BindingPolicy) -> Option<Binding> {
    if certificate.san_emails().any(|e| address_eq(e, address, policy)) {
        return Some(Binding::Address);
    }
    if policy.allow_domain_bound && certificate.san_dns_names().any(|d| domain_eq(d, address.domain())) {
        return Some(Binding::Domain);
    }
    if policy.allow_legacy_subject_email && subject_emails(certificate).iter().any(|e| address_eq(e, address, policy)) {
        return Some(Binding::LegacySubjectEmail);
    }
    None
}

/// [`binding`], or a [`DirectError::BindingMismatch`] listing the certificate's names.
pub fn check_binding(
    certificate: &Certificate,
    address: &DirectAddress,
    policy: &BindingPolicy,
) -> Result<Binding, DirectError> {
    binding(certificate, address, policy).ok_or_else(|| {
        let mut names: Vec<String> = certificate_addresses(certificate);
        if policy.allow_legacy_subject_email {
            names.extend(subject_emails(certificate).into_iter().map(|e| format!("subject emailAddress:{e}")));
        }
        DirectError::BindingMismatch {
            address: address.to_string(),
            names: if names.is_empty() { "none".to_string() } else { names.join(", ") },
        }
    })
}

/// The names a Direct certificate may bind: its rfc822Name (`email:...`) and dNSName
/// (`DNS:...`) subjectAltName entries.
pub fn certificate_addresses(certificate: &Certificate) -> Vec<String> {
    let emails = certificate.san_emails().map(|e| format!("email:{e}"));
    emails.chain(certificate.san_dns_names().map(|d| format!("DNS:{d}"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_comparison() {
        let p = BindingPolicy::default();
        let a = DirectAddress::parse("Alice@Direct.Example.org").unwrap();
        assert!(address_eq("alice@direct.example.org", &a, &p));
        assert!(!address_eq("alice@example.org", &a, &p));
        assert!(!address_eq("direct.example.org", &a, &p));
        let exact = BindingPolicy { case_insensitive_local_part: false, ..p };
        assert!(!address_eq("alice@direct.example.org", &a, &exact));
        assert!(address_eq("Alice@DIRECT.example.org", &a, &exact));
    }
}

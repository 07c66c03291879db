//! RFC 5280 §6.1.3 (b)–(c), §6.1.4 (g) and §4.2.1.10: name constraints.
//!
//! Every name of a certificate — its subjectAltName entries, its subject DN, and emailAddress
//! attributes of the subject (checked as rfc822Name) — must lie within the permitted subtrees
//! of each constraining CA above it (when that CA has any subtree of the name's type) and
//! outside all excluded subtrees. Constraints are kept per CA rather than intersected, which
//! is equivalent and keeps the work linear. Supported forms: dNSName, rfc822Name,
//! uniformResourceIdentifier (host part), iPAddress and directoryName; a name of another form
//! facing constraints of its own form is rejected, since it cannot be shown to comply.
//!
//! A wildcard dNSName (`*.example.com`) stands for every name it could match: it is permitted
//! only if all of them are, and excluded if any of them is (CVE-2025-61727).
//!
//! A URI is compared by its host as [`crate::uri::host`] reads it; a URI whose host is not
//! read unambiguously as a DNS name is rejected under any URI constraint, permitted or
//! excluded, as a malformed dNSName is under dNSName constraints.

use der::Encode;
use x509_cert::ext::pkix::NameConstraints;
use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;

use super::BudgetCounter;
use crate::cert::{Certificate, display_general_name, name_match};
use crate::dns_name::is_dns_name;
use crate::error::Reason;
use crate::policy::profile::rules;
use crate::uri::{self, UriHost};

/// PKCS #9 emailAddress, which RFC 5280 §4.2.1.10 makes subject to rfc822Name constraints.
const EMAIL_ADDRESS: const_oid::ObjectIdentifier = const_oid::db::rfc3280::EMAIL_ADDRESS;

/// The constraints of one CA (or anchor) and its index in the path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Holder<'a> {
    pub(crate) index: usize,
    pub(crate) constraints: &'a NameConstraints,
}

/// Checks that the bases of a CA's constraints are well formed (§4.2.1.10: minimum 0, no
/// maximum, syntactically valid names and address/mask pairs).
pub(crate) fn check_well_formed(nc: &NameConstraints) -> Result<(), Reason> {
    let all = nc.permitted_subtrees.iter().chain(nc.excluded_subtrees.iter()).flatten();
    for subtree in all {
        if subtree.minimum != 0 || subtree.maximum.is_some() {
            return Err(Reason::Profile(rules::NAME_CONSTRAINT_MIN_MAX));
        }
        let ok = match &subtree.base {
            GeneralName::DnsName(s) => s.as_str().is_empty() || is_dns_name(s.as_str()),
            GeneralName::IpAddress(o) => ip_constraint(o.as_bytes()).is_some(),
            GeneralName::Rfc822Name(s) => email_constraint_ok(s.as_str()),
            GeneralName::UniformResourceIdentifier(s) => {
                let host = s.as_str().strip_prefix('.').unwrap_or(s.as_str());
                is_dns_name(host)
            }
            _ => true,
        };
        if !ok {
            return Err(Reason::Profile(rules::NAME_CONSTRAINT_MALFORMED));
        }
    }
    Ok(())
}

/// Checks every name of `cert` against the constraints of `holders`.
pub(crate) fn check(cert: &Certificate, holders: &[Holder<'_>], budget: &mut BudgetCounter<'_>) -> Result<(), Reason> {
    if holders.is_empty() {
        return Ok(());
    }
    let Some(subject) = cert.subject_checked() else {
        return Err(Reason::Malformed(crate::error::ParseError::invalid("subject", "does not decode")));
    };
    let emails: Vec<GeneralName> = subject
        .iter()
        .filter(|atv| atv.oid == EMAIL_ADDRESS)
        .filter_map(|atv| {
            let s = atv.value.decode_as::<der::asn1::Ia5String>().ok()?;
            Some(GeneralName::Rfc822Name(s))
        })
        .collect();
    let subject_dn = (!subject.is_empty()).then(|| GeneralName::DirectoryName(subject.clone()));
    let names = cert.subject_alt_names().iter().chain(emails.iter()).chain(subject_dn.iter());
    for name in names {
        for holder in holders {
            check_name(name, holder, budget)?;
        }
    }
    Ok(())
}

fn violation(name: &GeneralName, holder: &Holder<'_>) -> Reason {
    Reason::NameConstraintViolation { name: display_general_name(name), constraint_index: holder.index }
}

fn check_name(name: &GeneralName, holder: &Holder<'_>, budget: &mut BudgetCounter<'_>) -> Result<(), Reason> {
    let nc = holder.constraints;
    let same_form = |s: &&GeneralSubtree| core::mem::discriminant(&s.base) == core::mem::discriminant(name);
    let excluded: Vec<&GeneralSubtree> = nc.excluded_subtrees.iter().flatten().filter(same_form).collect();
    let permitted: Vec<&GeneralSubtree> = nc.permitted_subtrees.iter().flatten().filter(same_form).collect();
    if excluded.is_empty() && permitted.is_empty() {
        return Ok(());
    }
    budget.name_constraint_comparisons(excluded.len() + permitted.len())?;
    for subtree in excluded {
        match overlaps(name, &subtree.base) {
            Some(false) => {}
            _ => return Err(violation(name, holder)),
        }
    }
    if permitted.is_empty() {
        return Ok(());
    }
    for subtree in permitted {
        if within(name, &subtree.base) == Some(true) {
            return Ok(());
        }
    }
    Err(violation(name, holder))
}

/// Whether every name `name` denotes lies within `base`; `None` when it cannot be decided
/// (malformed or unsupported name form).
fn within(name: &GeneralName, base: &GeneralName) -> Option<bool> {
    match (name, base) {
        (GeneralName::DnsName(n), GeneralName::DnsName(b)) => {
            let n = n.as_str();
            match n.strip_prefix("*.") {
                Some(rest) if is_dns_name(rest) => Some(dns_within(rest, b.as_str())),
                _ if is_dns_name(n) => Some(dns_within(n, b.as_str())),
                _ => None,
            }
        }
        (GeneralName::Rfc822Name(n), GeneralName::Rfc822Name(b)) => email_within(n.as_str(), b.as_str()),
        // §4.2.1.10: a URI whose authority does not name its host by a fully qualified domain
        // name (no authority, an IP literal) "MUST" be rejected under a URI constraint; so is
        // one whose host trustpath cannot read unambiguously (`uri::host`).
        (GeneralName::UniformResourceIdentifier(n), GeneralName::UniformResourceIdentifier(b)) => {
            match uri::host(n.as_str()) {
                Ok(UriHost::Dns(host)) => Some(host_within(host, b.as_str())),
                Ok(UriHost::Ip(_)) | Err(_) => None,
            }
        }
        (GeneralName::IpAddress(n), GeneralName::IpAddress(b)) => {
            let (addr, mask) = ip_constraint(b.as_bytes())?;
            let n = n.as_bytes();
            if n.len() != 4 && n.len() != 16 {
                return None;
            }
            if n.len() != addr.len() {
                return Some(false);
            }
            Some(n.iter().zip(addr).zip(mask).all(|((x, a), m)| x & m == a & m))
        }
        (GeneralName::DirectoryName(n), GeneralName::DirectoryName(b)) => dn_within(n, b),
        _ => None,
    }
}

/// Whether some name that `name` denotes lies within `base` (for excluded subtrees).
fn overlaps(name: &GeneralName, base: &GeneralName) -> Option<bool> {
    if let (GeneralName::DnsName(n), GeneralName::DnsName(b)) = (name, base)
        && let Some(rest) = n.as_str().strip_prefix("*.")
    {
        if !is_dns_name(rest) {
            return None;
        }
        let b = b.as_str();
        // `*.rest` matches one label below `rest`: it hits `base` if `base` is `rest` or
        // above it, or if `base` is exactly one label below it.
        let one_below = b.split_once('.').is_some_and(|(_, parent)| parent.eq_ignore_ascii_case(rest));
        return Some(dns_within(rest, b) || one_below);
    }
    within(name, base)
}

/// `name` equals `base` or is a subdomain of it (ASCII case-insensitive). An empty base
/// matches every name.
fn dns_within(name: &str, base: &str) -> bool {
    if base.is_empty() {
        return true;
    }
    if name.len() < base.len() {
        return false;
    }
    let split = name.len() - base.len();
    let (head, tail) = (name.get(..split), name.get(split..));
    match (head, tail) {
        (Some(head), Some(tail)) => tail.eq_ignore_ascii_case(base) && (head.is_empty() || head.ends_with('.')),
        _ => false,
    }
}

/// URI constraint semantics: `.example.com` means any host below it, otherwise an exact host.
fn host_within(host: &str, base: &str) -> bool {
    match base.strip_prefix('.') {
        Some(domain) => host.len() > domain.len() + 1 && dns_within(host, domain) && !host.eq_ignore_ascii_case(domain),
        None => host.eq_ignore_ascii_case(base),
    }
}

/// rfc822Name constraint semantics (§4.2.1.10): `user@host` is one mailbox, `host` every
/// mailbox at that host, `.host` every mailbox in a domain below it. Local parts compare
/// exactly, domains case-insensitively.
fn email_within(name: &str, base: &str) -> Option<bool> {
    let (local, domain) = split_email(name)?;
    if let Some((b_local, b_domain)) = base.rsplit_once('@') {
        return Some(local == b_local && domain.eq_ignore_ascii_case(b_domain));
    }
    Some(match base.strip_prefix('.') {
        Some(parent) => host_within(domain, &format!(".{parent}")),
        None => domain.eq_ignore_ascii_case(base),
    })
}

fn split_email(address: &str) -> Option<(&str, &str)> {
    let (local, domain) = address.rsplit_once('@')?;
    // An unquoted local part cannot contain '@' (RFC 5321 §4.1.2).
    let quoted = local.len() >= 2 && local.starts_with('"') && local.ends_with('"');
    if local.is_empty() || (local.contains('@') && !quoted) || !is_dns_name(domain) {
        return None;
    }
    Some((local, domain))
}

fn email_constraint_ok(base: &str) -> bool {
    match base.rsplit_once('@') {
        Some((local, domain)) => !local.is_empty() && is_dns_name(domain),
        None => is_dns_name(base.strip_prefix('.').unwrap_or(base)),
    }
}

/// An iPAddress constraint: (address, mask) with a contiguous mask.
fn ip_constraint(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    if bytes.len() != 8 && bytes.len() != 32 {
        return None;
    }
    let (addr, mask) = bytes.split_at(bytes.len() / 2);
    let width = mask.len() as u32 * 8;
    let bits: u128 = mask.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b)) << (128 - width);
    let contiguous = bits.count_ones() == bits.leading_ones();
    contiguous.then_some((addr, mask))
}

/// `base` is an RDN-wise prefix of `name`, attribute values compared as RFC 5280 §7.1 says
/// (see [`name_match::dn_within`]); `None` when undecidable, which fails closed.
fn dn_within(name: &Name, base: &Name) -> Option<bool> {
    let name = name.to_der().ok()?;
    let base = base.to_der().ok()?;
    name_match::dn_within(&name, &base)
}

#[cfg(test)]
mod tests {
    use super::is_dns_name;
    use proptest::prelude::*;

    /// The rule as RFC 1034 §3.5 states it, label by label.
    fn by_labels(name: &str) -> bool {
        (1..=253).contains(&name.len())
            && name.split('.').all(|label| {
                (1..=63).contains(&label.len())
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    }

    #[test]
    fn dns_names_follow_the_preferred_syntax() {
        for good in ["a", "example.com", "xn--bcher-kva.example", "a-b.c1", &"a".repeat(63)] {
            assert!(is_dns_name(good), "{good}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        let too_long = ["a"; 128].join(".");
        for bad in
            ["", ".", "a.", ".a", "a..b", "-a", "a-", "a.-b", "a-.b", "*.a", "a_b", "é.com", &long_label, &too_long]
        {
            assert!(!is_dns_name(bad), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn one_pass_agrees_with_the_label_rule(name in "[a-c0-1.*_é-]{0,12}|[a.-]{60,70}|([a-z]{1,70}\\.){1,5}[a-z-]{0,3}") {
            prop_assert_eq!(is_dns_name(&name), by_labels(&name), "{}", name);
        }
    }
}

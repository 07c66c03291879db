//! Certificate profiles as data: what a conforming CA must *issue*, as opposed to what a
//! relying party must *check* (RFC 5280 §6, applied by the path validator whatever the profile).
//!
//! A profile is a list of rows. Each row names the positions it applies to (end entity,
//! intermediate, anchor), a check (an extension's criticality, or a predicate on the
//! certificate), and its source. A certificate that breaks a row is a [`Finding`] on the
//! verified path, or, when the policy makes profile violations fatal (`tls-server`,
//! [`Policy::strict_profile`](super::Policy::strict_profile)), the reason the path is refused.
//!
//! Two tables: [`RFC5280_RULES`] (the MUSTs of RFC 5280 §4 that a certificate carries
//! visibly) and [`WEB_PKI_RULES`] (the CA/B Forum Baseline Requirements' profile, as a client
//! can check it). [`Profile::WebPki`] applies both, without the RFC 5280 row that the Baseline
//! Requirements relax (non-critical nameConstraints).

use crate::cert::{Certificate, ExtensionId};

use super::{EKU_ANY, Position, Profile};

pub use crate::error::ProfileRule;

/// A profile violation that did not refuse the path: which rule, and on which certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    rule: ProfileRule,
    certificate_index: usize,
}

impl Finding {
    pub(crate) fn new(rule: ProfileRule, certificate_index: usize) -> Self {
        Finding { rule, certificate_index }
    }

    /// The rule that was broken.
    pub fn rule(&self) -> &ProfileRule {
        &self.rule
    }

    /// The certificate that broke it: 0 is the end entity; the anchor's certificate has the
    /// index just past the path's last certificate.
    pub fn certificate_index(&self) -> usize {
        self.certificate_index
    }
}

impl core::fmt::Display for Finding {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "certificate {}: {}", self.certificate_index, self.rule)
    }
}

/// The positions a row applies to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Roles(u8);

impl Roles {
    const LEAF: Roles = Roles(1);
    const INTERMEDIATE: Roles = Roles(2);
    const ANCHOR: Roles = Roles(4);
    /// Certificates that issue others: intermediates and the anchor's own certificate.
    const CA: Roles = Roles(6);
    /// Certificates issued below the anchor.
    const ISSUED: Roles = Roles(3);
    const ALL: Roles = Roles(7);

    fn contains(self, position: Position) -> bool {
        let bit = match position {
            Position::Leaf => Roles::LEAF.0,
            Position::Intermediate => Roles::INTERMEDIATE.0,
            Position::Anchor => Roles::ANCHOR.0,
        };
        self.0 & bit != 0
    }
}

/// What a row checks.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// When the extension is present, its critical flag must be this.
    Critical(ExtensionId, bool),
    /// The predicate must hold.
    Holds(fn(&Certificate) -> bool),
}

/// One row of a profile table.
#[derive(Debug, Clone, Copy)]
pub struct ProfileRow {
    rule: ProfileRule,
    roles: Roles,
    check: Check,
}

impl ProfileRow {
    /// The rule this row enforces.
    pub fn rule(&self) -> &ProfileRule {
        &self.rule
    }

    /// Whether the row concerns a certificate at `position`.
    pub(crate) fn applies_to(&self, position: Position) -> bool {
        self.roles.contains(position)
    }

    /// Whether `cert` satisfies the row.
    pub(crate) fn holds(&self, cert: &Certificate) -> bool {
        match self.check {
            Check::Critical(id, critical) => cert.extension_criticality(id).is_none_or(|c| c == critical),
            Check::Holds(predicate) => predicate(cert),
        }
    }
}

const fn row(
    id: &'static str,
    citation: &'static str,
    message: &'static str,
    roles: Roles,
    check: Check,
) -> ProfileRow {
    ProfileRow { rule: ProfileRule { id, citation, message }, roles, check }
}

impl Profile {
    /// The rows this profile applies, in order.
    pub fn rules(self) -> impl Iterator<Item = &'static ProfileRow> {
        let mask = self.mask();
        all_rows().enumerate().filter(move |(i, _)| mask & (1 << i) != 0).map(|(_, row)| row)
    }

    /// The rows of [`all_rows`] this profile applies, as bits.
    fn mask(self) -> u64 {
        let (shared, only, web) = (RFC5280_RULES.len(), RFC5280_ONLY_RULES.len(), WEB_PKI_RULES.len());
        let bits = |from: usize, count: usize| ((1u64 << count) - 1) << from;
        match self {
            Profile::Rfc5280 => bits(0, shared) | bits(shared, only),
            Profile::WebPki => bits(0, shared) | bits(shared + only, web),
        }
    }
}

fn all_rows() -> impl Iterator<Item = &'static ProfileRow> {
    ALL_ROWS.iter()
}

// The rows a certificate breaks are one `u64`.
const _: () = assert!(ALL_ROWS.len() <= 64);

/// The rows of `profile` that `cert` breaks at `position`. A row's check depends on the
/// certificate and its position alone, so the rows of every table a certificate breaks at a
/// position are found once and remembered with it: a pooled intermediate or an anchor costs
/// one bit test per validation.
pub(crate) fn broken_rows(
    cert: &Certificate,
    profile: Profile,
    position: Position,
) -> impl Iterator<Item = &'static ProfileRow> {
    let slot = match position {
        Position::Leaf => 0,
        Position::Intermediate => 1,
        Position::Anchor => 2,
    };
    let broken = cert.profile_memo(slot, |c| {
        all_rows()
            .enumerate()
            .filter(|(_, row)| row.applies_to(position) && !row.holds(c))
            .fold(0, |bits, (i, _)| bits | 1 << i)
    }) & profile.mask();
    all_rows()
        .enumerate()
        .take_while(move |(i, _)| broken >> i != 0)
        .filter(move |(i, _)| broken & (1 << i) != 0)
        .map(|(_, row)| row)
}

/// Longest serial number RFC 5280 §4.1.2.2 allows, in octets.
const MAX_SERIAL_OCTETS: usize = 20;

/// The serial's magnitude octets (the INTEGER content is minimal, so a leading 0x00 only pads
/// a positive number).
fn serial_magnitude(serial: &[u8]) -> &[u8] {
    match serial.split_first() {
        Some((0, rest)) => rest,
        _ => serial,
    }
}

fn serial_positive(c: &Certificate) -> bool {
    let serial = c.serial();
    serial.first().is_some_and(|b| b & 0x80 == 0) && serial_magnitude(serial).iter().any(|b| *b != 0)
}

fn empty_name(der: &[u8]) -> bool {
    der.len() <= 2
}

fn key_usage(c: &Certificate) -> Option<&x509_cert::ext::pkix::KeyUsage> {
    c.inner().ext.key_usage.as_ref().map(|e| &e.value)
}

/// Every row of every table, in one order (the RFC 5280 rows both profiles share, the one the
/// CA/B Forum relaxes, the CA/B Forum's): [`broken_rows`] numbers rows by their place here.
const ALL_ROWS: &[ProfileRow] = &[
    row(
        "rfc5280.serial.positive",
        "RFC 5280 §4.1.2.2",
        "serial number must be a positive integer",
        Roles::ISSUED,
        Check::Holds(serial_positive),
    ),
    row(
        "rfc5280.serial.length",
        "RFC 5280 §4.1.2.2",
        "serial number longer than 20 octets",
        Roles::ISSUED,
        Check::Holds(|c| serial_magnitude(c.serial()).len() <= MAX_SERIAL_OCTETS),
    ),
    row(
        "rfc5280.issuer.non-empty",
        "RFC 5280 §4.1.2.4",
        "issuer name must not be empty",
        Roles::ALL,
        Check::Holds(|c| !empty_name(c.issuer_der())),
    ),
    row(
        "rfc5280.subject.ca-non-empty",
        "RFC 5280 §4.1.2.6",
        "CA subject name must not be empty",
        Roles::ALL,
        Check::Holds(|c| !(c.is_ca() && empty_name(c.subject_der()))),
    ),
    row(
        "rfc5280.subject.empty-needs-critical-san",
        "RFC 5280 §4.2.1.6",
        "empty subject needs a critical subjectAltName",
        Roles::ALL,
        Check::Holds(|c| {
            !empty_name(c.subject_der()) || c.extension_criticality(ExtensionId::SubjectAltName) == Some(true)
        }),
    ),
    row(
        "rfc5280.aki.non-critical",
        "RFC 5280 §4.2.1.1",
        "authorityKeyIdentifier must be non-critical",
        Roles::ALL,
        Check::Critical(ExtensionId::AuthorityKeyIdentifier, false),
    ),
    // Self-signed certificates may omit it; so may an anchor, trusted as configured whoever
    // issued it (Direct bundles anchor at intermediates).
    row(
        "rfc5280.aki.key-id-present",
        "RFC 5280 §4.2.1.1",
        "authorityKeyIdentifier keyIdentifier missing",
        Roles::ISSUED,
        Check::Holds(|c| c.authority_key_id().is_some() || c.is_self_issued()),
    ),
    row(
        "rfc5280.ski.non-critical",
        "RFC 5280 §4.2.1.2",
        "subjectKeyIdentifier must be non-critical",
        Roles::ALL,
        Check::Critical(ExtensionId::SubjectKeyIdentifier, false),
    ),
    row(
        "rfc5280.ski.present-in-ca",
        "RFC 5280 §4.2.1.2",
        "CA certificate lacks subjectKeyIdentifier",
        Roles::ALL,
        Check::Holds(|c| !c.is_ca() || c.subject_key_id().is_some()),
    ),
    row(
        "rfc5280.basic-constraints.critical-in-ca",
        "RFC 5280 §4.2.1.9",
        "basicConstraints must be critical in CA certificates",
        Roles::CA,
        Check::Holds(|c| !c.is_ca() || c.extension_criticality(ExtensionId::BasicConstraints) == Some(true)),
    ),
    row(
        "rfc5280.basic-constraints.path-len-needs-cert-sign",
        "RFC 5280 §4.2.1.9",
        "pathLenConstraint without cA and keyCertSign",
        Roles::ALL,
        Check::Holds(|c| {
            let has_path_len =
                c.inner().ext.basic_constraints.as_ref().is_some_and(|bc| bc.value.path_len_constraint.is_some());
            !has_path_len || (c.is_ca() && key_usage(c).is_none_or(|ku| ku.key_cert_sign()))
        }),
    ),
    row(
        "rfc5280.key-usage.cert-sign-needs-ca",
        "RFC 5280 §4.2.1.3",
        "keyCertSign requires basicConstraints cA",
        Roles::ALL,
        Check::Holds(|c| c.is_ca() || !key_usage(c).is_some_and(|ku| ku.key_cert_sign())),
    ),
    row(
        "rfc5280.key-usage.ca-signs",
        "RFC 5280 §4.2.1.9",
        "basicConstraints cA without keyCertSign or cRLSign",
        Roles::ALL,
        Check::Holds(|c| !c.is_ca() || key_usage(c).is_none_or(|ku| ku.key_cert_sign() || ku.crl_sign())),
    ),
    row(
        "rfc5280.key-usage.non-empty",
        "RFC 5280 §4.2.1.3",
        "keyUsage asserts no bit",
        Roles::ALL,
        Check::Holds(|c| key_usage(c).is_none_or(|ku| !ku.0.is_empty())),
    ),
    row(
        "rfc5280.name-constraints.ca-only",
        "RFC 5280 §4.2.1.10",
        "nameConstraints only in CA certificates",
        Roles::ALL,
        Check::Holds(|c| c.is_ca() || c.inner().ext.name_constraints.is_none()),
    ),
    row(
        "rfc5280.name-constraints.non-empty",
        "RFC 5280 §4.2.1.10",
        "nameConstraints must not be empty",
        Roles::ALL,
        Check::Holds(|c| {
            c.inner().ext.name_constraints.as_ref().is_none_or(|nc| {
                let (p, e) = (&nc.value.permitted_subtrees, &nc.value.excluded_subtrees);
                (p.is_some() || e.is_some())
                    && p.as_ref().is_none_or(|s| !s.is_empty())
                    && e.as_ref().is_none_or(|s| !s.is_empty())
            })
        }),
    ),
    row(
        "rfc5280.aia.non-critical",
        "RFC 5280 §4.2.2.1",
        "authorityInfoAccess must be non-critical",
        Roles::ALL,
        Check::Critical(ExtensionId::AuthorityInfoAccess, false),
    ),
    row(
        "rfc5280.policy-constraints.critical",
        "RFC 5280 §4.2.1.11",
        "policyConstraints must be critical",
        Roles::ALL,
        Check::Critical(ExtensionId::PolicyConstraints, true),
    ),
    row(
        "rfc5280.policy-constraints.non-empty",
        "RFC 5280 §4.2.1.11",
        "policyConstraints must not be an empty sequence",
        Roles::ALL,
        Check::Holds(|c| {
            c.inner().ext.policy_constraints.as_ref().is_none_or(|pc| {
                pc.value.require_explicit_policy.is_some() || pc.value.inhibit_policy_mapping.is_some()
            })
        }),
    ),
    row(
        "rfc5280.inhibit-any-policy.critical",
        "RFC 5280 §4.2.1.14",
        "inhibitAnyPolicy must be critical",
        Roles::ALL,
        Check::Critical(ExtensionId::InhibitAnyPolicy, true),
    ),
    row(
        "rfc5280.freshest-crl.non-critical",
        "RFC 5280 §4.2.1.15",
        "freshestCRL must be non-critical",
        Roles::ALL,
        Check::Critical(ExtensionId::FreshestCrl, false),
    ),
    row(
        "rfc5280.name-constraints.critical",
        "RFC 5280 §4.2.1.10",
        "nameConstraints must be critical",
        Roles::ALL,
        Check::Critical(ExtensionId::NameConstraints, true),
    ),
    // A v1 root can still be an anchor: nothing but its name and key is used.
    row(
        "cabf.version.v3",
        "CABF BR 7.1.1",
        "certificates must be X.509 v3",
        Roles::ISSUED,
        Check::Holds(|c| c.version() == 2),
    ),
    row(
        "cabf.aki.key-id-only",
        "CABF BR 7.1.2",
        "authorityKeyIdentifier must hold only keyIdentifier",
        Roles::ALL,
        Check::Holds(|c| c.inner().ext.authority_key_id.as_ref().is_none_or(|aki| aki.value.only_key_id)),
    ),
    row(
        "cabf.root.aki-matches-ski",
        "CABF BR 7.1.2.1.3",
        "root authorityKeyIdentifier differs from its subjectKeyIdentifier",
        Roles::ANCHOR,
        Check::Holds(|c| {
            !c.is_self_issued()
                || c.inner().ext.authority_key_id.is_none()
                || c.authority_key_id() == c.subject_key_id()
        }),
    ),
    row(
        "cabf.san.non-critical-with-subject",
        "CABF BR 7.1.2.7.12",
        "subjectAltName must be non-critical with a non-empty subject",
        Roles::ALL,
        Check::Holds(|c| {
            empty_name(c.subject_der()) || c.extension_criticality(ExtensionId::SubjectAltName) != Some(true)
        }),
    ),
    row(
        "cabf.cn.in-san",
        "CABF BR 7.1.4.3",
        "commonName names a host that is not among the subjectAltNames",
        Roles::LEAF,
        Check::Holds(common_name_consistent),
    ),
    row(
        "cabf.eku.non-critical",
        "CABF BR 7.1.2.7.10",
        "extendedKeyUsage must be non-critical",
        Roles::LEAF,
        Check::Critical(ExtensionId::ExtendedKeyUsage, false),
    ),
    row(
        "cabf.eku.no-any",
        "CABF BR 7.1.2.7.10",
        "anyExtendedKeyUsage not allowed in subscriber certificates",
        Roles::LEAF,
        Check::Holds(|c| c.eku_contains(&EKU_ANY) != Some(true)),
    ),
    row(
        "cabf.root.no-eku",
        "CABF BR 7.1.2.1.2",
        "root certificates must not carry extendedKeyUsage",
        Roles::ANCHOR,
        Check::Holds(|c| c.inner().ext.extended_key_usage.is_none()),
    ),
];

/// How many rows each table has, in [`ALL_ROWS`]'s order.
const SHARED: usize = 21;
const RFC5280_ONLY: usize = 1;

/// RFC 5280 §4 rules shared by both profiles.
pub const RFC5280_RULES: &[ProfileRow] = ALL_ROWS.split_at(SHARED).0;

/// RFC 5280 rows that the CA/B Forum profile relaxes.
const RFC5280_ONLY_RULES: &[ProfileRow] = ALL_ROWS.split_at(SHARED).1.split_at(RFC5280_ONLY).0;

/// The CA/B Forum Baseline Requirements' certificate profile, as a client can check it.
pub const WEB_PKI_RULES: &[ProfileRow] = ALL_ROWS.split_at(SHARED + RFC5280_ONLY).1;

/// CA/B Forum BR 7.1.4.3, as clients can enforce it: a subscriber certificate's commonName
/// must not name a host its SANs do not. An address-like commonName must be the canonical text
/// of one of its iPAddress SANs; a host-like one (containing a dot) must be one of its dNSName
/// SANs byte for byte, or the parent domain of one (common legacy practice: CN `example.com`
/// with SAN `*.example.com`). Certificates without dNSName SANs keep host-like commonNames,
/// which no RFC 6125 client consults when iPAddress SANs are present.
fn common_name_consistent(cert: &Certificate) -> bool {
    let has_dns_sans = cert.san_dns_name_bytes().next().is_some();
    cert.for_each_subject_cn(|value| {
        let consistent = if let Some(ip) = parse_ip(value) {
            ip.to_string() == value && cert.san_ips().any(|s| s == ip)
        } else if looks_like_legacy_ipv4(value) {
            false
        } else if value.contains('.') && has_dns_sans {
            let value = value.as_bytes();
            cert.san_dns_name_bytes().any(|d| d == value || d.strip_suffix(value).is_some_and(|h| h.ends_with(b".")))
        } else {
            true
        };
        if consistent { Ok(()) } else { Err(()) }
    })
    .is_ok()
}

/// `value` as an IP address. Text with a character no address contains (a space, a letter
/// past `f`) is rejected before the address parser runs: most commonNames are such text.
fn parse_ip(value: &str) -> Option<std::net::IpAddr> {
    let plausible = value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':');
    if plausible { value.parse().ok() } else { None }
}

/// Numeric forms that `inet_aton` reads as IPv4 addresses (`0xC0A80101`, `192.168.001.001`).
fn looks_like_legacy_ipv4(s: &str) -> bool {
    let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"));
    match hex {
        Some(h) => !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()),
        None => s.starts_with(|c: char| c.is_ascii_digit()) && s.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
    }
}

/// Rules outside the tables: the anchor's own certificate, which RFC 5280 §6.1.1 (d) and
/// RFC 5937 reduce to a name, a key and optional constraints, so that its other properties
/// are findings unless the profile is strict; and rules of the policy rather than a profile.
pub mod rules {
    use super::ProfileRule;

    const fn rule(id: &'static str, citation: &'static str, message: &'static str) -> ProfileRule {
        ProfileRule { id, citation, message }
    }

    /// The anchor's certificate does not say it is a CA.
    pub const ANCHOR_NOT_CA: ProfileRule =
        rule("anchor.basic-constraints", "RFC 5280 §6.1.1 (d)", "trust anchor certificate does not assert cA");
    /// The anchor's keyUsage lacks keyCertSign.
    pub const ANCHOR_KEY_USAGE: ProfileRule =
        rule("anchor.key-usage", "RFC 5280 §6.1.1 (d)", "trust anchor certificate's keyUsage lacks keyCertSign");
    /// The anchor's certificate has a critical extension this crate does not process.
    pub const ANCHOR_CRITICAL_EXTENSION: ProfileRule = rule(
        "anchor.critical-extension",
        "RFC 5280 §6.1.1 (d)",
        "trust anchor certificate has an unknown critical extension",
    );
    /// The anchor's extendedKeyUsage does not allow the required purpose.
    pub const ANCHOR_EKU: ProfileRule = rule(
        "anchor.extended-key-usage",
        "RFC 5280 §6.1.1 (d)",
        "trust anchor certificate's extendedKeyUsage does not allow the required purpose",
    );
    /// The end entity is a CA certificate where the policy forbids it.
    pub const CA_AS_LEAF: ProfileRule = rule(
        "policy.ca-as-leaf",
        "Policy::allow_ca_as_leaf",
        "a CA certificate cannot be the end-entity certificate under this policy",
    );
    /// A name constraint uses minimum or maximum.
    pub const NAME_CONSTRAINT_MIN_MAX: ProfileRule = rule(
        "rfc5280.name-constraints.min-max",
        "RFC 5280 §4.2.1.10",
        "name constraint minimum must be 0 and maximum absent",
    );
    /// A name constraint's base cannot be read.
    pub const NAME_CONSTRAINT_MALFORMED: ProfileRule =
        rule("rfc5280.name-constraints.malformed", "RFC 5280 §4.2.1.10", "malformed name constraint");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_glance_never_changes_what_parses(text in "[0-9a-gA-G.: x%]{0,40}|(::)?([0-9]{1,3}\\.){3}[0-9]{1,3}|[0-9a-f:]{2,40}") {
            prop_assert_eq!(parse_ip(&text), text.parse().ok(), "{}", text);
        }
    }

    #[test]
    fn addresses_still_parse() {
        for text in ["192.0.2.1", "::1", "2001:db8::1", "::ffff:192.0.2.1"] {
            assert_eq!(parse_ip(text), text.parse().ok(), "{text}");
            assert!(parse_ip(text).is_some(), "{text}");
        }
        assert_eq!(parse_ip("Bench Leaf"), None);
    }

    #[test]
    fn rule_ids_are_unique_and_cited() {
        let mut ids: Vec<&str> = RFC5280_RULES
            .iter()
            .chain(RFC5280_ONLY_RULES)
            .chain(WEB_PKI_RULES)
            .map(|r| {
                assert!(r.rule.citation.starts_with("RFC ") || r.rule.citation.starts_with("CABF "), "{}", r.rule.id);
                r.rule.id
            })
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule ids");
        assert!(Profile::Rfc5280.rules().any(|r| r.rule.id == "rfc5280.name-constraints.critical"));
        assert!(!Profile::WebPki.rules().any(|r| r.rule.id == "rfc5280.name-constraints.critical"));
    }
}

//! Certificate profile rules: what RFC 5280 §4 says conforming certificates MUST look like,
//! and (for [`Profile::WebPki`]) the CA/B Forum Baseline Requirements' profile on top.
//!
//! Path validation proper (§6.1) does not require these, but certificates that break them are
//! malformed or mis-issued, and accepting them has caused real vulnerabilities.

use crate::cert::Certificate;
use crate::error::Reason;
use crate::policy::{EKU_ANY, Position, Profile};

/// Longest serial number RFC 5280 §4.1.2.2 allows, in octets.
const MAX_SERIAL_OCTETS: usize = 20;

pub(crate) fn check(cert: &Certificate, position: Position, profile: Profile) -> Result<(), Reason> {
    rfc5280(cert, position)?;
    if profile == Profile::WebPki {
        web_pki(cert, position)?;
    }
    Ok(())
}

fn rfc5280(cert: &Certificate, position: Position) -> Result<(), Reason> {
    let p = cert.inner();
    let ext = &p.ext;
    let serial = cert.serial();
    // Anchors are trusted as configured: legacy roots with zero or negative serials exist.
    if position != Position::Anchor {
        check_serial(serial)?;
    }
    if !cert.signature_algorithms_agree() {
        return Err(Reason::SignatureAlgorithmMismatch);
    }
    if cert.issuer_der().len() <= 2 {
        return Err(Reason::Profile("issuer name must not be empty (RFC 5280 §4.1.2.4)"));
    }
    let subject_empty = cert.subject_der().len() <= 2;
    let is_ca = cert.is_ca();
    if is_ca && subject_empty {
        return Err(Reason::Profile("CA subject name must not be empty (RFC 5280 §4.1.2.6)"));
    }
    if subject_empty {
        match &ext.subject_alt_name {
            Some(san) if san.critical => {}
            _ => return Err(Reason::Profile("empty subject needs a critical subjectAltName (RFC 5280 §4.2.1.6)")),
        }
    }
    if let Some(aki) = &ext.authority_key_id
        && aki.critical
    {
        return Err(Reason::Profile("authorityKeyIdentifier must be non-critical (RFC 5280 §4.2.1.1)"));
    }
    // An anchor is trusted as configured, whoever issued it (Direct bundles anchor at
    // intermediates), so only certificates below it must identify their issuer's key.
    if position != Position::Anchor && !cert.is_self_issued() && cert.authority_key_id().is_none() {
        return Err(Reason::Profile("authorityKeyIdentifier keyIdentifier missing (RFC 5280 §4.2.1.1)"));
    }
    match &ext.subject_key_id {
        Some(ski) if ski.critical => {
            return Err(Reason::Profile("subjectKeyIdentifier must be non-critical (RFC 5280 §4.2.1.2)"));
        }
        None if is_ca => return Err(Reason::Profile("CA certificate lacks subjectKeyIdentifier (RFC 5280 §4.2.1.2)")),
        _ => {}
    }
    if let Some(bc) = &ext.basic_constraints
        && bc.value.ca
        && !bc.critical
        && position != Position::Leaf
    {
        return Err(Reason::Profile("basicConstraints must be critical in CA certificates (RFC 5280 §4.2.1.9)"));
    }
    if let Some(ku) = &ext.key_usage {
        if ku.value.key_cert_sign() && !is_ca {
            return Err(Reason::Profile("keyCertSign requires basicConstraints cA (RFC 5280 §4.2.1.3)"));
        }
        if is_ca && !ku.value.key_cert_sign() && !ku.value.crl_sign() {
            return Err(Reason::Profile("basicConstraints cA without keyCertSign or cRLSign (RFC 5280 §4.2.1.9)"));
        }
    }
    if let Some(nc) = &ext.name_constraints {
        if !is_ca {
            return Err(Reason::Profile("nameConstraints only in CA certificates (RFC 5280 §4.2.1.10)"));
        }
        let permitted = nc.value.permitted_subtrees.as_ref().is_some_and(|s| !s.is_empty());
        let excluded = nc.value.excluded_subtrees.as_ref().is_some_and(|s| !s.is_empty());
        let empty_list = nc.value.permitted_subtrees.as_ref().is_some_and(|s| s.is_empty())
            || nc.value.excluded_subtrees.as_ref().is_some_and(|s| s.is_empty());
        if (!permitted && !excluded) || empty_list {
            return Err(Reason::Profile("nameConstraints must not be empty (RFC 5280 §4.2.1.10)"));
        }
    }
    if ext.authority_info_access.as_ref().is_some_and(|a| a.critical) {
        return Err(Reason::Profile("authorityInfoAccess must be non-critical (RFC 5280 §4.2.2.1)"));
    }
    if ext.policy_constraints.as_ref().is_some_and(|pc| !pc.critical) {
        return Err(Reason::Profile("policyConstraints must be critical (RFC 5280 §4.2.1.11)"));
    }
    if ext.inhibit_any_policy.as_ref().is_some_and(|ia| !ia.critical) {
        return Err(Reason::Profile("inhibitAnyPolicy must be critical (RFC 5280 §4.2.1.14)"));
    }
    Ok(())
}

fn check_serial(serial: &[u8]) -> Result<(), Reason> {
    // The INTEGER content is minimal, so a leading 0x00 only pads a positive number.
    let magnitude = match serial.split_first() {
        Some((0, rest)) => rest,
        _ => serial,
    };
    if serial.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(Reason::Profile("serial number must be positive (RFC 5280 §4.1.2.2)"));
    }
    if magnitude.iter().all(|b| *b == 0) {
        return Err(Reason::Profile("serial number must not be zero (RFC 5280 §4.1.2.2)"));
    }
    if magnitude.len() > MAX_SERIAL_OCTETS {
        return Err(Reason::Profile("serial number longer than 20 octets (RFC 5280 §4.1.2.2)"));
    }
    Ok(())
}

/// CA/B Forum BR 7.1.4.3, as clients can enforce it: a subscriber certificate's commonName
/// must not name a host its SANs do not. An address-like commonName must be the canonical text
/// of one of its iPAddress SANs; a host-like one (containing a dot) must be one of its dNSName
/// SANs byte for byte, or the parent domain of one (common legacy practice: CN `example.com`
/// with SAN `*.example.com`). Certificates without dNSName SANs keep host-like commonNames,
/// which no RFC 6125 client consults when iPAddress SANs are present.
fn check_common_name(cert: &Certificate) -> Result<(), Reason> {
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
        if consistent {
            Ok(())
        } else {
            Err(Reason::Profile("commonName names a host that is not among the subjectAltNames (CABF BR 7.1.4.3)"))
        }
    })
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

/// Name constraints must be critical under RFC 5280; the CA/B Forum allows non-critical ones.
pub(crate) fn check_name_constraints_criticality(cert: &Certificate, profile: Profile) -> Result<(), Reason> {
    match (&cert.inner().ext.name_constraints, profile) {
        (Some(nc), Profile::Rfc5280) if !nc.critical => {
            Err(Reason::Profile("nameConstraints must be critical (RFC 5280 §4.2.1.10)"))
        }
        _ => Ok(()),
    }
}

fn web_pki(cert: &Certificate, position: Position) -> Result<(), Reason> {
    let ext = &cert.inner().ext;
    if cert.version() != 2 {
        return Err(Reason::Profile("certificates must be X.509 v3 (CABF BR 7.1.1)"));
    }
    if let Some(aki) = &ext.authority_key_id {
        if !aki.value.only_key_id {
            return Err(Reason::Profile("authorityKeyIdentifier must hold only keyIdentifier (CABF BR 7.1.2)"));
        }
        if cert.is_self_issued() && position == Position::Anchor && cert.authority_key_id() != cert.subject_key_id() {
            return Err(Reason::Profile("root authorityKeyIdentifier differs from its subjectKeyIdentifier"));
        }
    }
    if let Some(san) = &ext.subject_alt_name
        && san.critical
        && cert.subject_der().len() > 2
    {
        return Err(Reason::Profile(
            "subjectAltName must be non-critical with a non-empty subject (CABF BR 7.1.2.7.12)",
        ));
    }
    match position {
        Position::Leaf => {
            check_common_name(cert)?;
            if let Some(eku) = &ext.extended_key_usage {
                if eku.critical {
                    return Err(Reason::Profile("extendedKeyUsage must be non-critical (CABF BR 7.1.2.7.10)"));
                }
                if cert.eku_contains(&EKU_ANY) == Some(true) {
                    return Err(Reason::Profile(
                        "anyExtendedKeyUsage not allowed in subscriber certificates (CABF BR 7.1.2.7.10)",
                    ));
                }
            }
        }
        Position::Anchor => {
            if ext.extended_key_usage.is_some() {
                return Err(Reason::Profile("root certificates must not carry extendedKeyUsage (CABF BR 7.1.2.1.2)"));
            }
        }
        Position::Intermediate => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_ip;
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
}

//! The certificate extensions validation needs (RFC 5280 §4.2), decoded once at parse time.
//!
//! Known extensions are decoded with `x509-cert`'s types; a malformed known extension makes the
//! certificate malformed. Unknown extensions are kept as (OID, critical) so the validator can
//! reject unknown critical ones (§6.1.4 (o)) unless a policy hook claims them.

use std::sync::OnceLock;

use const_oid::{AssociatedOid, ObjectIdentifier, db::rfc5280 as oids};
use der::{Decode, Tag};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, CrlDistributionPoints,
    ExtendedKeyUsage, FreshestCrl, InhibitAnyPolicy, KeyUsage, NameConstraints, PolicyConstraints, PolicyMappings,
    SubjectAltName, name::GeneralName,
};

use super::common_shapes;
use crate::der_walk::{Span, Walker, read_optional, read_tagged};
use crate::error::ParseError;

/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
pub(crate) const ID_PKIX_OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");

/// An extension value and whether it was marked critical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ext<T> {
    /// The decoded value.
    pub value: T,
    /// The `critical` flag.
    pub critical: bool,
}

/// The extensions certificates are read for: those under id-ce (2.5.29) by their last arc,
/// the two others by their content octets.
mod known {
    use super::*;

    /// The last arc of an id-ce OID (checked at compile time).
    const fn ce_arc(oid: ObjectIdentifier) -> u8 {
        match oid.as_bytes() {
            [0x55, 0x1d, arc] if *arc < 0x80 => *arc,
            _ => panic!("not an id-ce OID with a one-octet arc"),
        }
    }

    pub(super) const BASIC_CONSTRAINTS: u8 = ce_arc(BasicConstraints::OID);
    pub(super) const KEY_USAGE: u8 = ce_arc(KeyUsage::OID);
    pub(super) const EXTENDED_KEY_USAGE: u8 = ce_arc(ExtendedKeyUsage::OID);
    pub(super) const SUBJECT_ALT_NAME: u8 = ce_arc(SubjectAltName::OID);
    pub(super) const NAME_CONSTRAINTS: u8 = ce_arc(NameConstraints::OID);
    pub(super) const SUBJECT_KEY_IDENTIFIER: u8 = ce_arc(oids::ID_CE_SUBJECT_KEY_IDENTIFIER);
    pub(super) const AUTHORITY_KEY_IDENTIFIER: u8 = ce_arc(AuthorityKeyIdentifier::OID);
    pub(super) const CERTIFICATE_POLICIES: u8 = ce_arc(CertificatePolicies::OID);
    pub(super) const POLICY_MAPPINGS: u8 = ce_arc(PolicyMappings::OID);
    pub(super) const POLICY_CONSTRAINTS: u8 = ce_arc(PolicyConstraints::OID);
    pub(super) const INHIBIT_ANY_POLICY: u8 = ce_arc(InhibitAnyPolicy::OID);
    pub(super) const CRL_DISTRIBUTION_POINTS: u8 = ce_arc(CrlDistributionPoints::OID);
    pub(super) const FRESHEST_CRL: u8 = ce_arc(FreshestCrl::OID);
    pub(super) const AUTHORITY_INFO_ACCESS: &[u8] = AuthorityInfoAccessSyntax::OID.as_bytes();
    pub(super) const OCSP_NO_CHECK: &[u8] = ID_PKIX_OCSP_NOCHECK.as_bytes();

    /// The last arc of `oid` if it is an id-ce OID with a one-octet arc.
    pub(super) fn id_ce(oid: &[u8]) -> Option<u8> {
        match oid {
            [0x55, 0x1d, arc] if *arc < 0x80 => Some(*arc),
            _ => None,
        }
    }
}

/// The extensions a profile rule can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExtensionId {
    BasicConstraints,
    SubjectAltName,
    ExtendedKeyUsage,
    NameConstraints,
    SubjectKeyIdentifier,
    AuthorityKeyIdentifier,
    PolicyConstraints,
    InhibitAnyPolicy,
    FreshestCrl,
    AuthorityInfoAccess,
}

/// The decoded extensions of one certificate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extensions {
    pub(crate) basic_constraints: Option<Ext<BasicConstraints>>,
    pub(crate) key_usage: Option<Ext<KeyUsage>>,
    /// The KeyPurposeId list: the SEQUENCE's value, every element a valid OID.
    pub(crate) extended_key_usage: Option<Ext<Span>>,
    pub(crate) subject_alt_name: Option<Ext<SubjectAltNames>>,
    pub(crate) name_constraints: Option<Ext<NameConstraints>>,
    pub(crate) subject_key_id: Option<Ext<Span>>,
    pub(crate) authority_key_id: Option<Ext<AuthorityKeyId>>,
    pub(crate) certificate_policies: Option<Ext<CertificatePolicies>>,
    pub(crate) policy_mappings: Option<Ext<PolicyMappings>>,
    pub(crate) policy_constraints: Option<Ext<PolicyConstraints>>,
    pub(crate) inhibit_any_policy: Option<Ext<u32>>,
    pub(crate) crl_distribution_points: Option<Ext<CrlDistributionPoints>>,
    pub(crate) freshest_crl: Option<Ext<FreshestCrl>>,
    pub(crate) authority_info_access: Option<Ext<AuthorityInfoAccessSyntax>>,
    pub(crate) ocsp_no_check: bool,
    /// Extensions this crate does not interpret: (OID, critical).
    pub(crate) unknown: Vec<(ObjectIdentifier, bool)>,
}

/// The subjectAltName extension. Names that are all dNSNames (nearly every server and client
/// certificate) are read straight from the DER; any other GeneralNames are decoded with
/// `x509-cert` at parse time. The decoded list of the former is built on first request.
#[derive(Debug, Clone)]
pub(crate) struct SubjectAltNames {
    /// The GeneralNames SEQUENCE, full TLV.
    der: Span,
    /// The SEQUENCE's value when every entry is a dNSName of ASCII text.
    pub(crate) dns_only: Option<Span>,
    decoded: OnceLock<Vec<GeneralName>>,
}

impl SubjectAltNames {
    /// The decoded names; `base` is the certificate's DER.
    pub(crate) fn decoded(&self, base: &[u8]) -> &[GeneralName] {
        // Only a list that x509-cert decodes was accepted at parse time (the dNSName shortcut
        // agrees with it), so the default is never used.
        self.decoded.get_or_init(|| SubjectAltName::from_der(self.der.get(base)).map(|s| s.0).unwrap_or_default())
    }
}

/// The authorityKeyIdentifier extension as validation reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthorityKeyId {
    /// The keyIdentifier's octets.
    pub(crate) key_id: Option<Span>,
    /// Only the keyIdentifier is present (no authorityCertIssuer or serial number).
    pub(crate) only_key_id: bool,
}

/// Most extensions a certificate may carry; more is treated as hostile input.
const MAX_EXTENSIONS: usize = 64;

fn decode<'a, T: Decode<'a, Error = der::Error>>(what: &'static str, bytes: &'a [u8]) -> Result<T, ParseError> {
    T::from_der(bytes).map_err(ParseError::der(what))
}

/// The error for an extension a shortcut declined: `x509-cert`'s own. Were `x509-cert` to
/// accept it (the differential tests say it does not), the extension is refused rather than
/// read two ways.
fn declined<'a, T: Decode<'a, Error = der::Error>>(what: &'static str, bytes: &'a [u8]) -> ParseError {
    match T::from_der(bytes) {
        Err(e) => ParseError::der(what)(e),
        Ok(_) => ParseError::invalid(what, "encoding outside the forms this crate reads"),
    }
}

fn set_once<T>(slot: &mut Option<Ext<T>>, value: T, critical: bool) -> Result<(), ParseError> {
    if slot.is_some() {
        return Err(ParseError::invalid("extensions", "extension appears more than once"));
    }
    *slot = Some(Ext { value, critical });
    Ok(())
}

/// Walks a DER `Extensions` SEQUENCE (its full TLV), calling `f(oid, critical, extnValue)` for
/// each extension. Rejects an empty list, duplicates, non-DER booleans, invalid OIDs and more
/// than [`MAX_EXTENSIONS`] entries. Shared by certificates, CRLs, CRL entries and OCSP.
pub(crate) fn walk_extensions<'a>(
    what: &'static str,
    seq: &'a [u8],
    mut f: impl FnMut(ObjectIdentifier, bool, &'a [u8]) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    walk_extensions_raw(what, seq, |oid, critical, value| f(decode_oid(what, oid)?, critical, value))
}

/// An OID from its content octets, invalid ones being a DER error of `what`.
fn decode_oid(what: &'static str, content: &[u8]) -> Result<ObjectIdentifier, ParseError> {
    ObjectIdentifier::from_bytes(content).map_err(|_| ParseError::der(what)(Tag::ObjectIdentifier.value_error().into()))
}

/// [`walk_extensions`] with each OID as its content octets, not yet checked: the caller
/// compares them with the OIDs it knows (all valid) and decodes the others with
/// [`decode_oid`], so that an invalid OID is still rejected.
fn walk_extensions_raw<'a>(
    what: &'static str,
    seq: &'a [u8],
    mut f: impl FnMut(&'a [u8], bool, &'a [u8]) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    let e = ParseError::der(what);
    let mut r = Walker::new(seq).map_err(e)?;
    let list = read_tagged(&mut r, Tag::Sequence).map_err(e)?;
    r.finish().map_err(e)?;
    if list.value.is_empty() {
        return Err(ParseError::invalid(what, "extensions must not be empty when present"));
    }
    // For the duplicate check: id-ce extensions (nearly all) by a bit per arc, any others by
    // their encoded OIDs.
    let (mut ce_seen, mut others_seen) = (0u128, Vec::<&[u8]>::new());
    let mut count = 0;
    let mut r = Walker::new(list.value).map_err(e)?;
    while !r.is_finished() {
        if count >= MAX_EXTENSIONS {
            return Err(ParseError::invalid(what, "too many extensions"));
        }
        let ext = read_tagged(&mut r, Tag::Sequence).map_err(e)?;
        let mut er = Walker::new(ext.value).map_err(e)?;
        let oid_tlv = read_tagged(&mut er, Tag::ObjectIdentifier).map_err(e)?;
        let critical = match read_optional(&mut er, Tag::Boolean).map_err(e)? {
            Some(tlv) => match tlv.value {
                [0xff] => true,
                // DER forbids encoding the DEFAULT value FALSE, and booleans other than 00/FF.
                _ => return Err(ParseError::invalid(what, "critical flag not DER-encoded")),
            },
            None => false,
        };
        let value = read_tagged(&mut er, Tag::OctetString).map_err(e)?;
        er.finish().map_err(e)?;
        let repeated = match known::id_ce(oid_tlv.value) {
            Some(arc) => {
                let bit = 1u128 << arc;
                let repeated = ce_seen & bit != 0;
                ce_seen |= bit;
                repeated
            }
            None if others_seen.contains(&oid_tlv.value) => true,
            None => {
                others_seen.push(oid_tlv.value);
                false
            }
        };
        if repeated {
            return Err(ParseError::invalid(what, "extension appears more than once"));
        }
        count += 1;
        f(oid_tlv.value, critical, value.value)?;
    }
    Ok(())
}

impl Extensions {
    /// The critical flag of extension `id`, or `None` when the certificate lacks it.
    pub(crate) fn criticality(&self, id: ExtensionId) -> Option<bool> {
        fn flag<T>(e: &Option<Ext<T>>) -> Option<bool> {
            e.as_ref().map(|e| e.critical)
        }
        match id {
            ExtensionId::BasicConstraints => flag(&self.basic_constraints),
            ExtensionId::SubjectAltName => flag(&self.subject_alt_name),
            ExtensionId::ExtendedKeyUsage => flag(&self.extended_key_usage),
            ExtensionId::NameConstraints => flag(&self.name_constraints),
            ExtensionId::SubjectKeyIdentifier => flag(&self.subject_key_id),
            ExtensionId::AuthorityKeyIdentifier => flag(&self.authority_key_id),
            ExtensionId::PolicyConstraints => flag(&self.policy_constraints),
            ExtensionId::InhibitAnyPolicy => flag(&self.inhibit_any_policy),
            ExtensionId::FreshestCrl => flag(&self.freshest_crl),
            ExtensionId::AuthorityInfoAccess => flag(&self.authority_info_access),
        }
    }

    /// Decodes the `extensions [3] EXPLICIT Extensions` value (a SEQUENCE OF Extension).
    /// `base` is the whole certificate, for spans.
    pub(crate) fn parse(base: &[u8], seq_of: &[u8]) -> Result<Extensions, ParseError> {
        let mut out = Extensions::default();
        walk_extensions_raw("extensions", seq_of, |oid, critical, value| out.add(base, oid, critical, value))?;
        Ok(out)
    }

    fn add(&mut self, base: &[u8], oid: &[u8], critical: bool, v: &[u8]) -> Result<(), ParseError> {
        match (known::id_ce(oid), oid) {
            (Some(known::BASIC_CONSTRAINTS), _) => {
                let bc = match common_shapes::basic_constraints(v) {
                    Some(bc) => bc,
                    None => decode("basicConstraints", v)?,
                };
                set_once(&mut self.basic_constraints, bc, critical)
            }
            (Some(known::KEY_USAGE), _) => {
                let ku = match common_shapes::key_usage(v) {
                    Some(ku) => ku,
                    None => decode("keyUsage", v)?,
                };
                set_once(&mut self.key_usage, ku, critical)
            }
            (Some(known::EXTENDED_KEY_USAGE), _) => {
                let what = "extendedKeyUsage";
                let list = common_shapes::extended_key_usage(v).ok_or_else(|| declined::<ExtendedKeyUsage>(what, v))?;
                if list.is_empty() {
                    return Err(ParseError::invalid(what, "empty KeyPurposeId list"));
                }
                set_once(&mut self.extended_key_usage, Span::of(base, list), critical)
            }
            (Some(known::SUBJECT_ALT_NAME), _) => {
                let what = "subjectAltName";
                let (dns_only, decoded) = match common_shapes::dns_names(v) {
                    Some(names) => (Some(names), OnceLock::new()),
                    None => (None, OnceLock::from(decode::<SubjectAltName>(what, v)?.0)),
                };
                let empty = match dns_only {
                    Some(names) => names.is_empty(),
                    None => decoded.get().is_none_or(|d| d.is_empty()),
                };
                if empty {
                    return Err(ParseError::invalid(what, "empty GeneralNames"));
                }
                let dns_only = dns_only.map(|names| Span::of(base, names));
                set_once(
                    &mut self.subject_alt_name,
                    SubjectAltNames { der: Span::of(base, v), dns_only, decoded },
                    critical,
                )
            }
            (Some(known::NAME_CONSTRAINTS), _) => {
                let nc: NameConstraints = decode("nameConstraints", v)?;
                set_once(&mut self.name_constraints, nc, critical)
            }
            (Some(known::SUBJECT_KEY_IDENTIFIER), _) => {
                let what = "subjectKeyIdentifier";
                let mut r = Walker::new(v).map_err(ParseError::der(what))?;
                let ki = read_tagged(&mut r, Tag::OctetString).map_err(ParseError::der(what))?;
                r.finish().map_err(ParseError::der(what))?;
                set_once(&mut self.subject_key_id, Span::of(base, ki.value), critical)
            }
            (Some(known::AUTHORITY_KEY_IDENTIFIER), _) => {
                let aki = match common_shapes::authority_key_identifier(v) {
                    Some(key_id) => AuthorityKeyId { key_id: Some(Span::of(base, key_id)), only_key_id: true },
                    None => general_authority_key_id(base, v)?,
                };
                set_once(&mut self.authority_key_id, aki, critical)
            }
            (Some(known::CERTIFICATE_POLICIES), _) => {
                let cp: CertificatePolicies = decode("certificatePolicies", v)?;
                set_once(&mut self.certificate_policies, cp, critical)
            }
            (Some(known::POLICY_MAPPINGS), _) => {
                let pm: PolicyMappings = decode("policyMappings", v)?;
                set_once(&mut self.policy_mappings, pm, critical)
            }
            (Some(known::POLICY_CONSTRAINTS), _) => {
                let pc: PolicyConstraints = decode("policyConstraints", v)?;
                set_once(&mut self.policy_constraints, pc, critical)
            }
            (Some(known::INHIBIT_ANY_POLICY), _) => {
                let ia: InhibitAnyPolicy = decode("inhibitAnyPolicy", v)?;
                set_once(&mut self.inhibit_any_policy, ia.0, critical)
            }
            (Some(known::CRL_DISTRIBUTION_POINTS), _) => {
                let dp: CrlDistributionPoints = decode("cRLDistributionPoints", v)?;
                set_once(&mut self.crl_distribution_points, dp, critical)
            }
            (Some(known::FRESHEST_CRL), _) => {
                let dp: FreshestCrl = decode("freshestCRL", v)?;
                set_once(&mut self.freshest_crl, dp, critical)
            }
            (_, known::AUTHORITY_INFO_ACCESS) => {
                let aia: AuthorityInfoAccessSyntax = decode("authorityInfoAccess", v)?;
                if aia.0.is_empty() {
                    return Err(ParseError::invalid("authorityInfoAccess", "no AccessDescription"));
                }
                set_once(&mut self.authority_info_access, aia, critical)
            }
            (_, known::OCSP_NO_CHECK) => {
                self.ocsp_no_check = true;
                Ok(())
            }
            (_, other) => {
                self.unknown.push((decode_oid("extensions", other)?, critical));
                Ok(())
            }
        }
    }
}

/// An authorityKeyIdentifier outside the keyIdentifier-only shape, decoded with `x509-cert`;
/// its keyIdentifier (the first field, `[0] IMPLICIT`) is then located in the DER.
fn general_authority_key_id(base: &[u8], v: &[u8]) -> Result<AuthorityKeyId, ParseError> {
    let what = "authorityKeyIdentifier";
    let aki: AuthorityKeyIdentifier = decode(what, v)?;
    let only_key_id = aki.authority_cert_issuer.is_none() && aki.authority_cert_serial_number.is_none();
    let Some(expected) = aki.key_identifier else { return Ok(AuthorityKeyId { key_id: None, only_key_id: false }) };
    let first = common_shapes::sequence(v).and_then(|fields| Walker::new(fields).ok()?.read_any().ok());
    match first {
        Some(tlv) if tlv.full.first() == Some(&0x80) && tlv.value == expected.as_bytes() => {
            Ok(AuthorityKeyId { key_id: Some(Span::of(base, tlv.value)), only_key_id })
        }
        _ => Err(ParseError::invalid(what, "encoding outside the forms this crate reads")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Extensions` holding one Extension per (OID content, critical, extnValue).
    fn extensions(list: &[(&[u8], bool, &[u8])]) -> Vec<u8> {
        let tlv = |tag: u8, value: &[u8]| [&[tag, value.len() as u8][..], value].concat();
        let body: Vec<u8> = list
            .iter()
            .flat_map(|(oid, critical, value)| {
                let flag = if *critical { tlv(0x01, &[0xff]) } else { Vec::new() };
                tlv(0x30, &[tlv(0x06, oid), flag, tlv(0x04, value)].concat())
            })
            .collect();
        tlv(0x30, &body)
    }

    fn parse(list: &[(&[u8], bool, &[u8])]) -> Result<Extensions, ParseError> {
        let der = extensions(list);
        Extensions::parse(&der, &der)
    }

    #[test]
    fn known_oids_are_recognised_as_encoded_and_others_decoded() {
        let ski: &[u8] = &[0x04, 0x02, 0xab, 0xcd];
        let private_oid: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x01];
        let ski_oid = oids::ID_CE_SUBJECT_KEY_IDENTIFIER.as_bytes();
        let ext = parse(&[(ski_oid, false, ski), (private_oid, true, &[0x05, 0x00])]).expect("valid");
        assert!(ext.subject_key_id.is_some());
        let unknown = ObjectIdentifier::from_bytes(private_oid).expect("oid");
        assert_eq!(ext.unknown, vec![(unknown, true)]);
        let nocheck = parse(&[(known::OCSP_NO_CHECK, false, &[0x05, 0x00])]).expect("valid");
        assert!(nocheck.ocsp_no_check && nocheck.unknown.is_empty());
    }

    #[test]
    fn invalid_and_repeated_oids_are_rejected() {
        // A truncated arc, an empty OID, one too long.
        for bad in [&[0x2b, 0x81][..], &[], &[0x2b; 60]] {
            assert!(ObjectIdentifier::from_bytes(bad).is_err(), "{bad:02x?}");
            assert!(parse(&[(bad, false, &[0x05, 0x00])]).is_err(), "{bad:02x?}");
            let mut seen = 0;
            let der = extensions(&[(bad, false, &[0x05, 0x00])]);
            let walked = walk_extensions("t", &der, |_, _, _| {
                seen += 1;
                Ok(())
            });
            assert!(walked.is_err() && seen == 0, "{bad:02x?}");
        }
        let ski: &[u8] = &[0x04, 0x01, 0x01];
        let ski_oid = oids::ID_CE_SUBJECT_KEY_IDENTIFIER.as_bytes();
        let twice = [(ski_oid, false, ski), (ski_oid, false, ski)];
        assert!(parse(&twice).is_err());
        let private: &[u8] = &[0x2b, 0x06, 0x01];
        assert!(parse(&[(private, false, ski), (private, true, ski)]).is_err());
        // Unknown id-ce arcs, one- and two-octet: kept as unknown, and repeats are caught.
        for unknown in [&[0x55, 0x1d, 0x63][..], &[0x55, 0x1d, 0x81, 0x00]] {
            let ext = parse(&[(unknown, true, ski), (private, false, ski)]).expect("valid");
            assert_eq!(ext.unknown.len(), 2);
            assert!(parse(&[(unknown, false, ski), (private, false, ski), (unknown, false, ski)]).is_err());
        }
    }
}

//! The certificate extensions validation needs (RFC 5280 §4.2), decoded once at parse time.
//!
//! Known extensions are decoded with `x509-cert`'s types; a malformed known extension makes the
//! certificate malformed. Unknown extensions are kept as (OID, critical) so the validator can
//! reject unknown critical ones (§6.1.4 (o)) unless a policy hook claims them.

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

/// The content octets of the extension OIDs certificates are read for.
mod known {
    use super::*;

    pub(super) const BASIC_CONSTRAINTS: &[u8] = BasicConstraints::OID.as_bytes();
    pub(super) const KEY_USAGE: &[u8] = KeyUsage::OID.as_bytes();
    pub(super) const EXTENDED_KEY_USAGE: &[u8] = ExtendedKeyUsage::OID.as_bytes();
    pub(super) const SUBJECT_ALT_NAME: &[u8] = SubjectAltName::OID.as_bytes();
    pub(super) const NAME_CONSTRAINTS: &[u8] = NameConstraints::OID.as_bytes();
    pub(super) const SUBJECT_KEY_IDENTIFIER: &[u8] = oids::ID_CE_SUBJECT_KEY_IDENTIFIER.as_bytes();
    pub(super) const AUTHORITY_KEY_IDENTIFIER: &[u8] = AuthorityKeyIdentifier::OID.as_bytes();
    pub(super) const CERTIFICATE_POLICIES: &[u8] = CertificatePolicies::OID.as_bytes();
    pub(super) const POLICY_MAPPINGS: &[u8] = PolicyMappings::OID.as_bytes();
    pub(super) const POLICY_CONSTRAINTS: &[u8] = PolicyConstraints::OID.as_bytes();
    pub(super) const INHIBIT_ANY_POLICY: &[u8] = InhibitAnyPolicy::OID.as_bytes();
    pub(super) const CRL_DISTRIBUTION_POINTS: &[u8] = CrlDistributionPoints::OID.as_bytes();
    pub(super) const FRESHEST_CRL: &[u8] = FreshestCrl::OID.as_bytes();
    pub(super) const AUTHORITY_INFO_ACCESS: &[u8] = AuthorityInfoAccessSyntax::OID.as_bytes();
    pub(super) const OCSP_NO_CHECK: &[u8] = ID_PKIX_OCSP_NOCHECK.as_bytes();
}

/// The decoded extensions of one certificate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extensions {
    pub(crate) basic_constraints: Option<Ext<BasicConstraints>>,
    pub(crate) key_usage: Option<Ext<KeyUsage>>,
    pub(crate) extended_key_usage: Option<Ext<Vec<ObjectIdentifier>>>,
    pub(crate) subject_alt_name: Option<Ext<Vec<GeneralName>>>,
    pub(crate) name_constraints: Option<Ext<NameConstraints>>,
    pub(crate) subject_key_id: Option<Ext<Span>>,
    pub(crate) authority_key_id: Option<Ext<AuthorityKeyIdentifier>>,
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

/// Most extensions a certificate may carry; more is treated as hostile input.
const MAX_EXTENSIONS: usize = 64;

fn decode<'a, T: Decode<'a, Error = der::Error>>(what: &'static str, bytes: &'a [u8]) -> Result<T, ParseError> {
    T::from_der(bytes).map_err(ParseError::der(what))
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
    // Extension OIDs as encoded, for the duplicate check (one allocation for typical lists).
    let mut seen: Vec<&[u8]> = Vec::with_capacity(16);
    let mut r = Walker::new(list.value).map_err(e)?;
    while !r.is_finished() {
        if seen.len() >= MAX_EXTENSIONS {
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
        if seen.contains(&oid_tlv.value) {
            return Err(ParseError::invalid(what, "extension appears more than once"));
        }
        seen.push(oid_tlv.value);
        f(oid_tlv.value, critical, value.value)?;
    }
    Ok(())
}

impl Extensions {
    /// Decodes the `extensions [3] EXPLICIT Extensions` value (a SEQUENCE OF Extension).
    /// `base` is the whole certificate, for spans.
    pub(crate) fn parse(base: &[u8], seq_of: &[u8]) -> Result<Extensions, ParseError> {
        let mut out = Extensions::default();
        walk_extensions_raw("extensions", seq_of, |oid, critical, value| out.add(base, oid, critical, value))?;
        Ok(out)
    }

    fn add(&mut self, base: &[u8], oid: &[u8], critical: bool, v: &[u8]) -> Result<(), ParseError> {
        match oid {
            known::BASIC_CONSTRAINTS => {
                let bc: BasicConstraints = decode("basicConstraints", v)?;
                set_once(&mut self.basic_constraints, bc, critical)
            }
            known::KEY_USAGE => {
                let ku: KeyUsage = decode("keyUsage", v)?;
                set_once(&mut self.key_usage, ku, critical)
            }
            known::EXTENDED_KEY_USAGE => {
                let eku = match common_shapes::extended_key_usage(v) {
                    Some(eku) => eku,
                    None => decode::<ExtendedKeyUsage>("extendedKeyUsage", v)?.0,
                };
                if eku.is_empty() {
                    return Err(ParseError::invalid("extendedKeyUsage", "empty KeyPurposeId list"));
                }
                set_once(&mut self.extended_key_usage, eku, critical)
            }
            known::SUBJECT_ALT_NAME => {
                let san = match common_shapes::dns_names(v) {
                    Some(names) => names,
                    None => decode::<SubjectAltName>("subjectAltName", v)?.0,
                };
                if san.is_empty() {
                    return Err(ParseError::invalid("subjectAltName", "empty GeneralNames"));
                }
                set_once(&mut self.subject_alt_name, san, critical)
            }
            known::NAME_CONSTRAINTS => {
                let nc: NameConstraints = decode("nameConstraints", v)?;
                set_once(&mut self.name_constraints, nc, critical)
            }
            known::SUBJECT_KEY_IDENTIFIER => {
                let what = "subjectKeyIdentifier";
                let mut r = Walker::new(v).map_err(ParseError::der(what))?;
                let ki = read_tagged(&mut r, Tag::OctetString).map_err(ParseError::der(what))?;
                r.finish().map_err(ParseError::der(what))?;
                set_once(&mut self.subject_key_id, Span::of(base, ki.value), critical)
            }
            known::AUTHORITY_KEY_IDENTIFIER => {
                let aki = match common_shapes::authority_key_identifier(v) {
                    Some(aki) => aki,
                    None => decode("authorityKeyIdentifier", v)?,
                };
                set_once(&mut self.authority_key_id, aki, critical)
            }
            known::CERTIFICATE_POLICIES => {
                let cp: CertificatePolicies = decode("certificatePolicies", v)?;
                set_once(&mut self.certificate_policies, cp, critical)
            }
            known::POLICY_MAPPINGS => {
                let pm: PolicyMappings = decode("policyMappings", v)?;
                set_once(&mut self.policy_mappings, pm, critical)
            }
            known::POLICY_CONSTRAINTS => {
                let pc: PolicyConstraints = decode("policyConstraints", v)?;
                set_once(&mut self.policy_constraints, pc, critical)
            }
            known::INHIBIT_ANY_POLICY => {
                let ia: InhibitAnyPolicy = decode("inhibitAnyPolicy", v)?;
                set_once(&mut self.inhibit_any_policy, ia.0, critical)
            }
            known::CRL_DISTRIBUTION_POINTS => {
                let dp: CrlDistributionPoints = decode("cRLDistributionPoints", v)?;
                set_once(&mut self.crl_distribution_points, dp, critical)
            }
            known::FRESHEST_CRL => {
                let dp: FreshestCrl = decode("freshestCRL", v)?;
                set_once(&mut self.freshest_crl, dp, critical)
            }
            known::AUTHORITY_INFO_ACCESS => {
                let aia: AuthorityInfoAccessSyntax = decode("authorityInfoAccess", v)?;
                if aia.0.is_empty() {
                    return Err(ParseError::invalid("authorityInfoAccess", "no AccessDescription"));
                }
                set_once(&mut self.authority_info_access, aia, critical)
            }
            known::OCSP_NO_CHECK => {
                self.ocsp_no_check = true;
                Ok(())
            }
            other => {
                self.unknown.push((decode_oid("extensions", other)?, critical));
                Ok(())
            }
        }
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
        let ext =
            parse(&[(known::SUBJECT_KEY_IDENTIFIER, false, ski), (private_oid, true, &[0x05, 0x00])]).expect("valid");
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
        let twice = [(known::SUBJECT_KEY_IDENTIFIER, false, ski), (known::SUBJECT_KEY_IDENTIFIER, false, ski)];
        assert!(parse(&twice).is_err());
        let private: &[u8] = &[0x2b, 0x06, 0x01];
        assert!(parse(&[(private, false, ski), (private, true, ski)]).is_err());
    }
}

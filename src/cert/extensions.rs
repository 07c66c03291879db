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
/// each extension. Rejects an empty list, duplicates, non-DER booleans and more than
/// [`MAX_EXTENSIONS`] entries. Shared by certificates, CRLs, CRL entries and OCSP.
pub(crate) fn walk_extensions<'a>(
    what: &'static str,
    seq: &'a [u8],
    mut f: impl FnMut(ObjectIdentifier, bool, &'a [u8]) -> Result<(), ParseError>,
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
        let oid = ObjectIdentifier::from_bytes(oid_tlv.value)
            .map_err(|_| e(der::Error::from(Tag::ObjectIdentifier.value_error())))?;
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
        f(oid, critical, value.value)?;
    }
    Ok(())
}

impl Extensions {
    /// Decodes the `extensions [3] EXPLICIT Extensions` value (a SEQUENCE OF Extension).
    /// `base` is the whole certificate, for spans.
    pub(crate) fn parse(base: &[u8], seq_of: &[u8]) -> Result<Extensions, ParseError> {
        let mut out = Extensions::default();
        walk_extensions("extensions", seq_of, |oid, critical, value| out.add(base, oid, critical, value))?;
        Ok(out)
    }

    fn add(&mut self, base: &[u8], oid: ObjectIdentifier, critical: bool, v: &[u8]) -> Result<(), ParseError> {
        match oid {
            BasicConstraints::OID => {
                let bc: BasicConstraints = decode("basicConstraints", v)?;
                set_once(&mut self.basic_constraints, bc, critical)
            }
            KeyUsage::OID => {
                let ku: KeyUsage = decode("keyUsage", v)?;
                set_once(&mut self.key_usage, ku, critical)
            }
            ExtendedKeyUsage::OID => {
                let eku = match common_shapes::extended_key_usage(v) {
                    Some(eku) => eku,
                    None => decode::<ExtendedKeyUsage>("extendedKeyUsage", v)?.0,
                };
                if eku.is_empty() {
                    return Err(ParseError::invalid("extendedKeyUsage", "empty KeyPurposeId list"));
                }
                set_once(&mut self.extended_key_usage, eku, critical)
            }
            SubjectAltName::OID => {
                let san = match common_shapes::dns_names(v) {
                    Some(names) => names,
                    None => decode::<SubjectAltName>("subjectAltName", v)?.0,
                };
                if san.is_empty() {
                    return Err(ParseError::invalid("subjectAltName", "empty GeneralNames"));
                }
                set_once(&mut self.subject_alt_name, san, critical)
            }
            NameConstraints::OID => {
                let nc: NameConstraints = decode("nameConstraints", v)?;
                set_once(&mut self.name_constraints, nc, critical)
            }
            oids::ID_CE_SUBJECT_KEY_IDENTIFIER => {
                let what = "subjectKeyIdentifier";
                let mut r = Walker::new(v).map_err(ParseError::der(what))?;
                let ki = read_tagged(&mut r, Tag::OctetString).map_err(ParseError::der(what))?;
                r.finish().map_err(ParseError::der(what))?;
                set_once(&mut self.subject_key_id, Span::of(base, ki.value), critical)
            }
            AuthorityKeyIdentifier::OID => {
                let aki = match common_shapes::authority_key_identifier(v) {
                    Some(aki) => aki,
                    None => decode("authorityKeyIdentifier", v)?,
                };
                set_once(&mut self.authority_key_id, aki, critical)
            }
            CertificatePolicies::OID => {
                let cp: CertificatePolicies = decode("certificatePolicies", v)?;
                set_once(&mut self.certificate_policies, cp, critical)
            }
            PolicyMappings::OID => {
                let pm: PolicyMappings = decode("policyMappings", v)?;
                set_once(&mut self.policy_mappings, pm, critical)
            }
            PolicyConstraints::OID => {
                let pc: PolicyConstraints = decode("policyConstraints", v)?;
                set_once(&mut self.policy_constraints, pc, critical)
            }
            InhibitAnyPolicy::OID => {
                let ia: InhibitAnyPolicy = decode("inhibitAnyPolicy", v)?;
                set_once(&mut self.inhibit_any_policy, ia.0, critical)
            }
            CrlDistributionPoints::OID => {
                let dp: CrlDistributionPoints = decode("cRLDistributionPoints", v)?;
                set_once(&mut self.crl_distribution_points, dp, critical)
            }
            FreshestCrl::OID => {
                let dp: FreshestCrl = decode("freshestCRL", v)?;
                set_once(&mut self.freshest_crl, dp, critical)
            }
            AuthorityInfoAccessSyntax::OID => {
                let aia: AuthorityInfoAccessSyntax = decode("authorityInfoAccess", v)?;
                if aia.0.is_empty() {
                    return Err(ParseError::invalid("authorityInfoAccess", "no AccessDescription"));
                }
                set_once(&mut self.authority_info_access, aia, critical)
            }
            ID_PKIX_OCSP_NOCHECK => {
                self.ocsp_no_check = true;
                Ok(())
            }
            other => {
                self.unknown.push((other, critical));
                Ok(())
            }
        }
    }
}

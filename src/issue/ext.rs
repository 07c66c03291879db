//! Certificate extensions as explicit (OID, critical, DER value) triples, with constructors for
//! the standard ones (RFC 5280 §4.2). A certificate's extensions are the ordered list of
//! [`Ext`] its builder is given: nothing is added implicitly, and nothing is checked (a
//! duplicate is kept), so the caller decides — [`super::profile`] decides for the community
//! profiles.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oids;
use der::Encode;
use der::asn1::{Ia5String, OctetString};
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, KeyUsages, NameConstraints, PolicyConstraints, PolicyMapping,
    PolicyMappings, SubjectAltName,
};

use super::IssueError;

type Result<T> = core::result::Result<T, IssueError>;

pub use crate::policy::{EKU_ANY, EKU_CLIENT_AUTH, EKU_EMAIL_PROTECTION, EKU_SERVER_AUTH};

/// id-ad-ocsp.
pub const AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
/// id-ad-caIssuers.
pub const AD_CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");

/// One extension: `extnID`, `critical`, and the DER of the value inside `extnValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ext {
    /// extnID.
    pub oid: ObjectIdentifier,
    /// The critical flag (FALSE is omitted from the encoding, as DER requires).
    pub critical: bool,
    /// The DER that `extnValue` wraps.
    pub value: Vec<u8>,
}

impl Ext {
    /// An extension with an arbitrary value, e.g. an unknown or private one.
    pub fn raw(oid: ObjectIdentifier, critical: bool, value: impl Into<Vec<u8>>) -> Self {
        Ext { oid, critical, value: value.into() }
    }

    fn encoded(oid: ObjectIdentifier, critical: bool, value: &impl Encode) -> Result<Self> {
        Ok(Ext { oid, critical, value: value.to_der()? })
    }

    /// The same extension with another critical flag.
    pub fn critical(mut self, critical: bool) -> Self {
        self.critical = critical;
        self
    }

    /// The x509-cert form, for encoding.
    pub fn to_x509(&self) -> Result<x509_cert::ext::Extension> {
        Ok(x509_cert::ext::Extension {
            extn_id: self.oid,
            critical: self.critical,
            extn_value: OctetString::new(self.value.clone())?,
        })
    }
}

/// basicConstraints.
pub fn basic_constraints(critical: bool, ca: bool, path_len: Option<u8>) -> Result<Ext> {
    Ext::encoded(oids::ID_CE_BASIC_CONSTRAINTS, critical, &BasicConstraints { ca, path_len_constraint: path_len })
}

/// keyUsage with the given bits.
pub fn key_usage(critical: bool, usages: &[KeyUsages]) -> Result<Ext> {
    let flags = usages.iter().fold(der::flagset::FlagSet::<KeyUsages>::default(), |acc, u| acc | *u);
    Ext::encoded(oids::ID_CE_KEY_USAGE, critical, &KeyUsage(flags))
}

/// extendedKeyUsage with the given purposes.
pub fn extended_key_usage(critical: bool, purposes: &[ObjectIdentifier]) -> Result<Ext> {
    Ext::encoded(oids::ID_CE_EXT_KEY_USAGE, critical, &ExtendedKeyUsage(purposes.to_vec()))
}

/// subjectAltName.
pub fn subject_alt_name(critical: bool, names: Vec<GeneralName>) -> Result<Ext> {
    Ext::encoded(oids::ID_CE_SUBJECT_ALT_NAME, critical, &SubjectAltName(names))
}

fn subtrees(names: Option<Vec<GeneralName>>) -> Option<Vec<GeneralSubtree>> {
    names.map(|n| n.into_iter().map(|base| GeneralSubtree { base, minimum: 0, maximum: None }).collect())
}

/// nameConstraints with the given permitted and excluded subtree bases (`None` omits the
/// field; `Some(vec![])` encodes an empty list, which RFC 5280 forbids).
pub fn name_constraints_raw(
    critical: bool,
    permitted: Option<Vec<GeneralName>>,
    excluded: Option<Vec<GeneralName>>,
) -> Result<Ext> {
    let nc = NameConstraints { permitted_subtrees: subtrees(permitted), excluded_subtrees: subtrees(excluded) };
    Ext::encoded(oids::ID_CE_NAME_CONSTRAINTS, critical, &nc)
}

/// nameConstraints, critical; an empty list omits the field.
pub fn name_constraints(permitted: Vec<GeneralName>, excluded: Vec<GeneralName>) -> Result<Ext> {
    let some = |v: Vec<GeneralName>| (!v.is_empty()).then_some(v);
    name_constraints_raw(true, some(permitted), some(excluded))
}

/// subjectKeyIdentifier, non-critical.
pub fn subject_key_identifier(key_id: &[u8]) -> Result<Ext> {
    Ext::encoded(oids::ID_CE_SUBJECT_KEY_IDENTIFIER, false, &OctetString::new(key_id)?)
}

/// authorityKeyIdentifier holding only keyIdentifier, non-critical.
pub fn authority_key_identifier(key_id: &[u8]) -> Result<Ext> {
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(key_id)?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    Ext::encoded(oids::ID_CE_AUTHORITY_KEY_IDENTIFIER, false, &aki)
}

/// certificatePolicies with the given policy OIDs, no qualifiers, non-critical.
pub fn certificate_policies(policies: &[ObjectIdentifier]) -> Result<Ext> {
    let list = policies.iter().map(|p| PolicyInformation { policy_identifier: *p, policy_qualifiers: None });
    Ext::encoded(oids::ID_CE_CERTIFICATE_POLICIES, false, &CertificatePolicies(list.collect()))
}

/// cRLDistributionPoints: one distribution point per URL (fullName URI), non-critical.
pub fn crl_distribution_points(urls: &[&str]) -> Result<Ext> {
    let mut points = Vec::new();
    for url in urls {
        let name = GeneralName::UniformResourceIdentifier(Ia5String::new(url)?);
        points.push(DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(vec![name])),
            reasons: None,
            crl_issuer: None,
        });
    }
    Ext::encoded(oids::ID_CE_CRL_DISTRIBUTION_POINTS, false, &CrlDistributionPoints(points))
}

/// authorityInfoAccess with OCSP and caIssuers URLs, non-critical.
pub fn authority_info_access(ocsp: &[&str], ca_issuers: &[&str]) -> Result<Ext> {
    let mut list = Vec::new();
    for (method, urls) in [(AD_OCSP, ocsp), (AD_CA_ISSUERS, ca_issuers)] {
        for url in urls {
            let access_location = GeneralName::UniformResourceIdentifier(Ia5String::new(url)?);
            list.push(AccessDescription { access_method: method, access_location });
        }
    }
    Ext::encoded(oids::ID_PE_AUTHORITY_INFO_ACCESS, false, &AuthorityInfoAccessSyntax(list))
}

/// cRLDistributionPoints with one distribution point: `url` as fullName and, when given,
/// `crl_issuer` as its cRLIssuer (an indirect CRL, RFC 5280 §4.2.1.13), non-critical.
pub fn crl_distribution_point_with_issuer(url: &str, crl_issuer: Option<&x509_cert::name::Name>) -> Result<Ext> {
    let point = DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![GeneralName::UniformResourceIdentifier(
            Ia5String::new(url)?,
        )])),
        reasons: None,
        crl_issuer: crl_issuer.map(|n| vec![GeneralName::DirectoryName(n.clone())]),
    };
    Ext::encoded(oids::ID_CE_CRL_DISTRIBUTION_POINTS, false, &CrlDistributionPoints(vec![point]))
}

/// policyMappings (issuerDomainPolicy, subjectDomainPolicy) pairs, critical
/// (RFC 5280 §4.2.1.5 says SHOULD).
pub fn policy_mappings(pairs: &[(ObjectIdentifier, ObjectIdentifier)]) -> Result<Ext> {
    let list =
        pairs.iter().map(|(i, s)| PolicyMapping { issuer_domain_policy: *i, subject_domain_policy: *s }).collect();
    Ext::encoded(oids::ID_CE_POLICY_MAPPINGS, true, &PolicyMappings(list))
}

/// policyConstraints, critical (RFC 5280 §4.2.1.11).
pub fn policy_constraints(require_explicit_policy: Option<u32>, inhibit_policy_mapping: Option<u32>) -> Result<Ext> {
    let pc = PolicyConstraints { require_explicit_policy, inhibit_policy_mapping };
    Ext::encoded(oids::ID_CE_POLICY_CONSTRAINTS, true, &pc)
}

/// inhibitAnyPolicy with SkipCerts `skip`, critical (RFC 5280 §4.2.1.14).
pub fn inhibit_any_policy(skip: u32) -> Result<Ext> {
    Ext::encoded(oids::ID_CE_INHIBIT_ANY_POLICY, true, &skip)
}

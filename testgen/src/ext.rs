//! Certificate extensions: [`trustpath::issue::ext`], with this crate's error type, plus
//! [`unknown`] for extensions no CA would write.

use const_oid::ObjectIdentifier;
use trustpath::issue::ext as issue;
use x509_cert::ext::pkix::KeyUsages;
use x509_cert::ext::pkix::name::GeneralName;

pub use trustpath::issue::Ext;
pub use trustpath::issue::ext::{
    AD_CA_ISSUERS, AD_OCSP, EKU_ANY, EKU_CLIENT_AUTH, EKU_EMAIL_PROTECTION, EKU_SERVER_AUTH,
};

use crate::Result;

/// Constructors of `trustpath::issue::ext`, with this crate's [`Result`].
macro_rules! wrap {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) -> Result<Ext> {
            Ok(issue::$name($($arg),*)?)
        }
    )*};
}

wrap! {
    /// basicConstraints.
    basic_constraints(critical: bool, ca: bool, path_len: Option<u8>);
    /// keyUsage with the given bits.
    key_usage(critical: bool, usages: &[KeyUsages]);
    /// extendedKeyUsage with the given purposes.
    extended_key_usage(critical: bool, purposes: &[ObjectIdentifier]);
    /// subjectAltName.
    subject_alt_name(critical: bool, names: Vec<GeneralName>);
    /// nameConstraints with the given permitted and excluded subtree bases (`None` omits the
    /// field; `Some(vec![])` encodes an empty list, which RFC 5280 forbids).
    name_constraints_raw(critical: bool, permitted: Option<Vec<GeneralName>>, excluded: Option<Vec<GeneralName>>);
    /// nameConstraints, critical; an empty list omits the field.
    name_constraints(permitted: Vec<GeneralName>, excluded: Vec<GeneralName>);
    /// subjectKeyIdentifier, non-critical.
    subject_key_identifier(key_id: &[u8]);
    /// authorityKeyIdentifier holding only keyIdentifier, non-critical.
    authority_key_identifier(key_id: &[u8]);
    /// certificatePolicies with the given policy OIDs, no qualifiers, non-critical.
    certificate_policies(policies: &[ObjectIdentifier]);
    /// cRLDistributionPoints: one distribution point per URL (fullName URI), non-critical.
    crl_distribution_points(urls: &[&str]);
    /// authorityInfoAccess with OCSP and caIssuers URLs, non-critical.
    authority_info_access(ocsp: &[&str], ca_issuers: &[&str]);
    /// cRLDistributionPoints with one distribution point: `url` as fullName and, when given,
    /// `crl_issuer` as its cRLIssuer (an indirect CRL, RFC 5280 §4.2.1.13), non-critical.
    crl_distribution_point_with_issuer(url: &str, crl_issuer: Option<&x509_cert::name::Name>);
    /// policyMappings (issuerDomainPolicy, subjectDomainPolicy) pairs, critical
    /// (RFC 5280 §4.2.1.5 says SHOULD).
    policy_mappings(pairs: &[(ObjectIdentifier, ObjectIdentifier)]);
    /// policyConstraints, critical (RFC 5280 §4.2.1.11).
    policy_constraints(require_explicit_policy: Option<u32>, inhibit_policy_mapping: Option<u32>);
    /// inhibitAnyPolicy with SkipCerts `skip`, critical (RFC 5280 §4.2.1.14).
    inhibit_any_policy(skip: u32);
}

/// An extension this generator knows nothing about, with `value` as its DER.
pub fn unknown(oid: ObjectIdentifier, critical: bool, value: &[u8]) -> Ext {
    Ext::raw(oid, critical, value.to_vec())
}

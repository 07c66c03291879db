//! X.509 certificates (RFC 5280 §4), parsed once.
//!
//! A [`Certificate`] keeps the original DER and remembers every field validation needs as a
//! span into it or as a small decoded value. Signatures are verified over the original
//! `tbsCertificate` bytes, never over a re-encoding. Cloning is cheap (reference-counted).

mod bundle;
mod common_shapes;
pub(crate) mod dn;
pub(crate) mod extensions;
pub(crate) mod name_match;
mod names;
mod parse;

use std::sync::Arc;

use const_oid::ObjectIdentifier;
use der::{Decode, Tag};
use rustls_pki_types::{CertificateDer, UnixTime};
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;

use crate::der_walk::Span;
use crate::error::ParseError;
pub(crate) use crate::hex::hex_string;

pub(crate) use bundle::first_pem_block;
pub use bundle::{BundleEntryError, MAX_BUNDLE_ENTRIES, MAX_BUNDLE_LEN, ParsedBundle, parse_bundle};

/// Whether two DER-encoded Names are the same name as RFC 5280 §7.1 compares them (attribute
/// values prepared per RFC 4518: case, insignificant spaces, PrintableString against
/// UTF8String), which is how path building matches an issuer to a subject. Names that cannot
/// be read match only themselves, byte for byte.
///
/// ```
/// use std::str::FromStr;
/// use der::Encode;
/// use trustpath::cert::names_match;
/// use x509_cert::name::Name;
/// let der = |s: &str| Name::from_str(s).unwrap().to_der().unwrap();
/// assert!(names_match(&der("CN=Trustpath  CA,O=Example"), &der("CN=trustpath ca,O=EXAMPLE")));
/// assert!(!names_match(&der("CN=Trustpath CA,O=Example"), &der("CN=Trustpath CB,O=Example")));
/// assert!(!names_match(&der("CN=Trustpath CA"), &der("CN=Trustpath CA,O=Example")));
/// ```
pub fn names_match(a: &[u8], b: &[u8]) -> bool {
    name_match::equivalent(a, b)
}
pub(crate) use extensions::{ExtensionId, Extensions};
pub use names::display_general_name;
use parse::parse;
pub(crate) use parse::parse_spki;

/// Largest certificate accepted, in bytes. Real certificates are a few KiB; the largest
/// legitimate ones (many SANs) stay far below this.
pub const MAX_CERTIFICATE_LEN: usize = 1 << 20;

/// The commonName attributes of a subject: most have none or one, which validation then
/// reads without walking the Name again.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CommonNames {
    None,
    /// The value's string type and its content bytes.
    One(Tag, Span),
    Several,
}

/// A parsed X.509 certificate.
#[derive(Clone)]
pub struct Certificate(Arc<Parsed>);

pub(crate) struct Parsed {
    der: CertificateDer<'static>,
    pub(crate) version: u8,
    /// The signed part, the outer signatureAlgorithm and the signature, with the digests the
    /// signature cache remembers (a pooled intermediate or an anchor is hashed once).
    pub(crate) signed: crate::crypto::signed::Signed,
    /// Value of the `signature` AlgorithmIdentifier inside the TBS certificate.
    pub(crate) tbs_signature_algorithm: Span,
    pub(crate) serial: Span,
    /// Full TLV of the issuer Name.
    pub(crate) issuer: Span,
    /// Full TLV of the subject Name.
    pub(crate) subject: Span,
    /// The subject's commonName values, noted while the subject was checked.
    pub(crate) subject_cn: CommonNames,
    /// Issuer and subject are the same name (compared once; validation asks often).
    self_issued_bytes: bool,
    /// Issuer and subject are the same name under RFC 5280 §7.1 (decided on first use when
    /// their encodings differ).
    self_issued: std::sync::OnceLock<bool>,
    /// The canonical forms of the subject and issuer (see [`name_match::canonical`]), built
    /// on first use: only name comparisons that byte equality cannot settle need them.
    canonical_subject: std::sync::OnceLock<Option<Vec<u8>>>,
    canonical_issuer: std::sync::OnceLock<Option<Vec<u8>>>,
    /// The certificate-profile rows it breaks as an intermediate and as an anchor (bits; see
    /// `policy::profile`), found once for each.
    profile_memo: [std::sync::OnceLock<u64>; 2],
    /// The decoded subject, built on first use (`None` if it cannot be decoded).
    subject_name: std::sync::OnceLock<Option<Name>>,
    /// The public key's digest for the signature cache, as the issuer of other objects.
    key_digest: std::sync::OnceLock<[u8; 32]>,
    /// Full TLV of the SubjectPublicKeyInfo.
    pub(crate) spki: Span,
    /// Value of the SPKI's AlgorithmIdentifier (no SEQUENCE header).
    pub(crate) spki_algorithm: Span,
    /// Content of the subjectPublicKey BIT STRING.
    pub(crate) public_key: Span,
    /// The RSA modulus size, for RSA keys.
    pub(crate) rsa_bits: Option<usize>,
    /// `notBefore` and `notAfter`, seconds since the epoch (negative before 1970).
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    pub(crate) ext: Extensions,
}

impl core::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject_string())
            .field("issuer", &self.issuer_string())
            .field("serial", &self.serial_hex())
            .finish()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der() == other.der()
    }
}
impl Eq for Certificate {}

impl Certificate {
    /// Parses one DER-encoded certificate. Trailing bytes are an error.
    pub fn from_der(der: impl Into<CertificateDer<'static>>) -> Result<Self, ParseError> {
        let der = der.into();
        if der.len() > MAX_CERTIFICATE_LEN {
            return Err(ParseError::TooLarge { what: "certificate", size: der.len(), limit: MAX_CERTIFICATE_LEN });
        }
        let parsed = parse(der)?;
        Ok(Certificate(Arc::new(parsed)))
    }

    /// Parses the first PEM `CERTIFICATE` block (later blocks are not read).
    pub fn from_pem(pem: &[u8]) -> Result<Self, ParseError> {
        let first = bundle::first_pem_block(pem, "CERTIFICATE")?.ok_or(ParseError::NoCertificates)?;
        Certificate::from_der(first)
    }

    pub(crate) fn inner(&self) -> &Parsed {
        &self.0
    }

    fn bytes(&self, span: Span) -> &[u8] {
        span.get(self.0.der.as_ref())
    }

    /// The original DER.
    pub fn der(&self) -> &CertificateDer<'static> {
        &self.0.der
    }

    /// The `tbsCertificate` bytes exactly as signed.
    pub fn tbs_bytes(&self) -> &[u8] {
        self.0.signed.tbs(self.der())
    }

    /// The certificate's signature, to be checked with its issuer's `key`.
    pub(crate) fn signed_by<'a>(&'a self, key: crate::crypto::KeyRef<'a>) -> crate::crypto::cache::SignedData<'a> {
        self.0.signed.by(self.der(), key)
    }

    /// The signature value: the octets of the signature BIT STRING. A signature BIT STRING
    /// with unused bits is read (they are the last octet's low bits) but never verifies.
    pub fn signature(&self) -> &[u8] {
        self.0.signed.signature(self.der())
    }

    /// The `signatureAlgorithm` AlgorithmIdentifier value (without its SEQUENCE header), in
    /// the form `rustls_pki_types::AlgorithmIdentifier` uses.
    pub fn signature_algorithm_id(&self) -> &[u8] {
        self.0.signed.algorithm(self.der())
    }

    /// The outer `signatureAlgorithm` and the TBS `signature` field name the same algorithm
    /// (RFC 5280 §4.1.1.2), as [`crate::crypto::same_signature_algorithm`] compares them.
    pub(crate) fn signature_algorithms_agree(&self) -> bool {
        crate::crypto::same_signature_algorithm(
            self.signature_algorithm_id(),
            self.bytes(self.0.tbs_signature_algorithm),
        )
    }

    /// X.509 version as encoded (0 = v1, 2 = v3).
    pub fn version(&self) -> u8 {
        self.0.version
    }

    /// Serial number: the INTEGER's content octets (big-endian two's complement).
    pub fn serial(&self) -> &[u8] {
        self.bytes(self.0.serial)
    }

    /// Serial number as lowercase hex without separators, as `openssl` prints it: the
    /// INTEGER's sign-padding zero byte is dropped (`00 91 2b` gives `912b`).
    pub fn serial_hex(&self) -> String {
        let serial = self.serial();
        let unpadded = match serial {
            [0, next, ..] if next & 0x80 != 0 => serial.get(1..).unwrap_or_default(),
            _ => serial,
        };
        hex_string(unpadded)
    }

    /// The issuer Name, DER (full TLV).
    pub fn issuer_der(&self) -> &[u8] {
        self.bytes(self.0.issuer)
    }

    /// The subject Name, DER (full TLV).
    pub fn subject_der(&self) -> &[u8] {
        self.bytes(self.0.subject)
    }

    /// The decoded subject Name (empty in the unlikely case that a structurally valid subject
    /// does not decode; validation refuses such a certificate instead).
    pub fn subject(&self) -> &Name {
        static EMPTY: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
        self.subject_checked().unwrap_or_else(|| EMPTY.get_or_init(Name::default))
    }

    /// The decoded subject Name, or `None` if it does not decode.
    pub(crate) fn subject_checked(&self) -> Option<&Name> {
        self.0.subject_name.get_or_init(|| Name::from_der(self.subject_der()).ok()).as_ref()
    }

    /// Subject as an RFC 4514 string.
    pub fn subject_string(&self) -> String {
        self.subject().to_string()
    }

    /// Issuer as an RFC 4514 string (or a placeholder if the issuer Name does not decode).
    pub fn issuer_string(&self) -> String {
        Name::from_der(self.issuer_der()).map(|n| n.to_string()).unwrap_or_else(|_| "<malformed issuer>".into())
    }

    /// Calls `f` with each commonName value of the subject, as text (see [`dn::text`]),
    /// stopping at the first error.
    pub(crate) fn for_each_subject_cn<E>(&self, mut f: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
        match self.0.subject_cn {
            CommonNames::None => Ok(()),
            CommonNames::One(tag, value) => f(&dn::text(tag, self.bytes(value))),
            CommonNames::Several => dn::for_each_text(self.subject_der(), const_oid::db::rfc4519::CN, f),
        }
    }

    /// The SubjectPublicKeyInfo, DER (full TLV).
    pub fn spki_der(&self) -> &[u8] {
        self.bytes(self.0.spki)
    }

    /// The SPKI AlgorithmIdentifier value (without its SEQUENCE header).
    pub fn public_key_algorithm_id(&self) -> &[u8] {
        self.bytes(self.0.spki_algorithm)
    }

    /// The subjectPublicKey bits (e.g. an RSAPublicKey or an EC point).
    pub fn public_key(&self) -> &[u8] {
        self.bytes(self.0.public_key)
    }

    /// The public key with its precomputed size.
    pub(crate) fn key_ref(&self) -> crate::crypto::KeyRef<'_> {
        crate::crypto::KeyRef {
            algorithm: self.public_key_algorithm_id(),
            key: self.public_key(),
            rsa_bits: self.0.rsa_bits,
            digest: Some(&self.0.key_digest),
        }
    }

    /// `notBefore`; a time before 1970 (a UTCTime reaches back to 1950) reads as the epoch,
    /// which compares with every validation time as the real one does.
    pub fn not_before(&self) -> UnixTime {
        crate::time::to_unix_time(self.0.not_before)
    }

    /// `notAfter`; a time before 1970 reads as the epoch (the certificate is expired at every
    /// later time; [`Self::not_after_secs`] is exact at the epoch too).
    pub fn not_after(&self) -> UnixTime {
        crate::time::to_unix_time(self.0.not_after)
    }

    /// `notBefore`, seconds since the Unix epoch, negative before 1970.
    pub fn not_before_secs(&self) -> i64 {
        self.0.not_before
    }

    /// `notAfter`, seconds since the Unix epoch, negative before 1970.
    pub fn not_after_secs(&self) -> i64 {
        self.0.not_after
    }

    /// SHA-256 of the DER: the certificate's fingerprint.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(self.0.der.as_ref()).into()
    }

    /// The subjectKeyIdentifier, if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.0.ext.subject_key_id.as_ref().map(|e| self.bytes(e.value))
    }

    /// The keyIdentifier of the authorityKeyIdentifier extension, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.0.ext.authority_key_id.as_ref()?.value.key_id.map(|k| self.bytes(k))
    }

    /// The extendedKeyUsage purposes, in order (none without the extension).
    pub fn extended_key_usages(&self) -> impl Iterator<Item = ObjectIdentifier> + '_ {
        let list = self.0.ext.extended_key_usage.as_ref().map(|e| self.bytes(e.value)).unwrap_or_default();
        // Every element was checked to be a valid OID at parse time.
        common_shapes::values(list).filter_map(|oid| ObjectIdentifier::from_bytes(oid).ok())
    }

    /// Whether the extendedKeyUsage extension lists `purpose` (`None` without the extension).
    pub(crate) fn eku_contains(&self, purpose: &ObjectIdentifier) -> Option<bool> {
        let list = self.0.ext.extended_key_usage.as_ref()?.value;
        Some(common_shapes::values(self.bytes(list)).any(|oid| oid == purpose.as_bytes()))
    }

    /// The critical flag of extension `id`, or `None` when absent.
    pub(crate) fn extension_criticality(&self, id: ExtensionId) -> Option<bool> {
        self.0.ext.criticality(id)
    }

    /// Whether basicConstraints says this is a CA.
    pub fn is_ca(&self) -> bool {
        self.0.ext.basic_constraints.as_ref().is_some_and(|bc| bc.value.ca)
    }

    /// Issuer and subject are the same name (RFC 5280 §6.1: "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.0.self_issued_bytes
            || *self.0.self_issued.get_or_init(
                || matches!((self.canonical_subject(), self.canonical_issuer()), (Some(s), Some(i)) if s == i),
            )
    }

    /// The value `f` computes for this certificate in slot `slot` (1 or 2), computed once: the
    /// profile rows it breaks as an intermediate or an anchor. Slot 0 (the leaf, usually
    /// parsed for one validation) is not remembered.
    pub(crate) fn profile_memo(&self, slot: usize, f: impl FnOnce(&Certificate) -> u64) -> u64 {
        match slot.checked_sub(1).and_then(|i| self.0.profile_memo.get(i)) {
            Some(memo) => *memo.get_or_init(|| f(self)),
            None => f(self),
        }
    }

    /// The subject's canonical form for RFC 5280 §7.1 comparison (`None`: it does not walk).
    pub(crate) fn canonical_subject(&self) -> Option<&[u8]> {
        self.0.canonical_subject.get_or_init(|| name_match::canonical(self.subject_der())).as_deref()
    }

    /// Whether `other`'s subject is the same name as this one's (RFC 5280 §7.1).
    pub(crate) fn has_subject_of(&self, other: &Certificate) -> bool {
        self.subject_der() == other.subject_der()
            || matches!((self.canonical_subject(), other.canonical_subject()), (Some(a), Some(b)) if a == b)
    }

    /// The issuer's canonical form for RFC 5280 §7.1 comparison.
    pub(crate) fn canonical_issuer(&self) -> Option<&[u8]> {
        self.0.canonical_issuer.get_or_init(|| name_match::canonical(self.issuer_der())).as_deref()
    }

    /// The subjectAltName entries (empty when the extension is absent).
    pub fn subject_alt_names(&self) -> &[GeneralName] {
        self.0.ext.subject_alt_name.as_ref().map(|e| e.value.decoded(self.der())).unwrap_or_default()
    }

    /// SAN uniformResourceIdentifier entries.
    pub fn san_uris(&self) -> impl Iterator<Item = &str> {
        self.subject_alt_names().iter().filter_map(|n| match n {
            GeneralName::UniformResourceIdentifier(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// SAN dNSName entries.
    pub fn san_dns_names(&self) -> impl Iterator<Item = &str> {
        self.san_dns_name_bytes().filter_map(|name| core::str::from_utf8(name).ok())
    }

    /// SAN dNSName entries as their (ASCII) octets. A list of dNSNames only is read straight
    /// from the DER, with nothing decoded or converted.
    pub(crate) fn san_dns_name_bytes(&self) -> impl Iterator<Item = &[u8]> {
        let san = self.0.ext.subject_alt_name.as_ref().map(|e| &e.value);
        let (raw, decoded) = match san.map(|san| (san, san.dns_only)) {
            Some((_, Some(names))) => (Some(common_shapes::values(self.bytes(names))), None),
            Some((san, None)) => (None, Some(san.decoded(self.der()))),
            None => (None, None),
        };
        let decoded = decoded.unwrap_or_default().iter().filter_map(|n| match n {
            GeneralName::DnsName(s) => Some(s.as_bytes()),
            _ => None,
        });
        raw.into_iter().flatten().chain(decoded)
    }

    /// SAN rfc822Name entries (email addresses, Direct addresses).
    pub fn san_emails(&self) -> impl Iterator<Item = &str> {
        self.subject_alt_names().iter().filter_map(|n| match n {
            GeneralName::Rfc822Name(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// SAN iPAddress entries.
    pub fn san_ips(&self) -> impl Iterator<Item = std::net::IpAddr> + '_ {
        self.subject_alt_names().iter().filter_map(|n| match n {
            GeneralName::IpAddress(o) => ip_from_bytes(o.as_bytes()),
            _ => None,
        })
    }

    /// CRL distribution point URLs (fullName URIs).
    pub fn crl_distribution_urls(&self) -> Vec<String> {
        use x509_cert::ext::pkix::name::DistributionPointName;
        let mut out = Vec::new();
        if let Some(dps) = &self.0.ext.crl_distribution_points {
            for dp in &dps.value.0 {
                if let Some(DistributionPointName::FullName(names)) = &dp.distribution_point {
                    for n in names {
                        if let GeneralName::UniformResourceIdentifier(u) = n {
                            out.push(u.to_string());
                        }
                    }
                }
            }
        }
        out
    }

    /// Authority information access URLs for the given access method (OCSP or caIssuers).
    pub fn aia_urls(&self, method: ObjectIdentifier) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(aia) = &self.0.ext.authority_info_access {
            for ad in &aia.value.0 {
                if ad.access_method == method
                    && let GeneralName::UniformResourceIdentifier(u) = &ad.access_location
                {
                    out.push(u.to_string());
                }
            }
        }
        out
    }

    /// The OIDs of the certificatePolicies extension.
    pub fn policy_oids(&self) -> Vec<ObjectIdentifier> {
        self.0
            .ext
            .certificate_policies
            .as_ref()
            .map(|cp| cp.value.0.iter().map(|p| p.policy_identifier).collect())
            .unwrap_or_default()
    }

    /// Extensions this crate does not interpret, as (OID, critical).
    pub fn unknown_extensions(&self) -> &[(ObjectIdentifier, bool)] {
        &self.0.ext.unknown
    }
}

pub(crate) fn ip_from_bytes(b: &[u8]) -> Option<std::net::IpAddr> {
    match b.len() {
        4 => <[u8; 4]>::try_from(b).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(b).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

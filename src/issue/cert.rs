//! The certificate builder (RFC 5280 §4.1). The TBSCertificate is encoded with `der` derive
//! types whose fields hold DER, so every field is written exactly as given: the builder
//! checks nothing, and [`super::profile`] is what makes conforming certificates.

use der::asn1::{Any, BitString};
use der::{Decode, Encode, Sequence, Tag};
use x509_cert::certificate::Rfc5280;
use x509_cert::name::Name;
use x509_cert::time::Validity;

use super::encoding::{tlv, x509_time};
use super::{Ext, IssueError, KeyPair, SigAlg};

/// TBSCertificate (RFC 5280 §4.1), with DER in the fields a caller may set as raw bytes.
#[derive(Clone, Debug, Sequence)]
struct TbsCertificate {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<Any>,
    serial_number: Any,
    signature: Any,
    issuer: Any,
    validity: Any,
    subject: Any,
    subject_public_key_info: Any,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    issuer_unique_id: Option<BitString>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    subject_unique_id: Option<BitString>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<x509_cert::ext::Extension>>,
}

/// A random serial number: 16 octets from the operating system's random number generator,
/// positive and minimally encoded (the first octet is 0x01 to 0x7f), so 127 bits of entropy
/// where the CA/B Forum asks for 64 and RFC 5280 §4.1.2.2 allows 20 octets.
pub fn random_serial() -> Result<Vec<u8>, IssueError> {
    let mut serial = vec![0u8; 16];
    getrandom::fill(&mut serial).map_err(|e| IssueError::Random(e.to_string()))?;
    if let Some(first) = serial.first_mut() {
        *first = (*first & 0x7f).max(1);
    }
    Ok(serial)
}

/// Builds one certificate. Defaults: v3, a [`random_serial`] drawn when the TBSCertificate is
/// encoded, issuer = subject (self-issued), no extensions, signed with the issuer key's
/// default algorithm.
#[derive(Debug, Clone)]
pub struct CertBuilder {
    version: Option<Vec<u8>>,
    serial: Option<Vec<u8>>,
    issuer: Vec<u8>,
    subject: Vec<u8>,
    not_before: u64,
    not_after: u64,
    validity_der: Option<Vec<u8>>,
    spki: Vec<u8>,
    issuer_unique_id: Option<Vec<u8>>,
    subject_unique_id: Option<Vec<u8>>,
    extensions: Option<Vec<Ext>>,
    sig_alg: Option<SigAlg>,
    /// A name that could not be encoded, reported when the certificate is.
    name_error: Option<der::Error>,
}

impl CertBuilder {
    /// A certificate for `subject` with the public key `subject_public_key_info` (DER), valid
    /// from `not_before` to `not_after` (Unix seconds, both included); self-issued until
    /// [`Self::issuer`] is called.
    pub fn new(subject: &Name, subject_public_key_info: &[u8], not_before: u64, not_after: u64) -> Self {
        let mut name_error = None;
        let subject = name_der(subject, &mut name_error);
        CertBuilder {
            version: Some(vec![2]),
            serial: None,
            issuer: subject.clone(),
            subject,
            not_before,
            not_after,
            validity_der: None,
            spki: subject_public_key_info.to_vec(),
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: None,
            sig_alg: None,
            name_error,
        }
    }

    /// The version field: `Some(n)` encodes `[0] INTEGER n` (2 = v3), `None` omits it (v1).
    pub fn version(mut self, version: Option<u8>) -> Self {
        self.version = version.map(|v| vec![v]);
        self
    }

    /// The serial number's INTEGER content octets, as given.
    pub fn serial(mut self, serial: Vec<u8>) -> Self {
        self.serial = Some(serial);
        self
    }

    /// The issuer name.
    pub fn issuer(mut self, issuer: &Name) -> Self {
        self.issuer = name_der(issuer, &mut self.name_error);
        self
    }

    /// The issuer name as DER.
    pub fn issuer_der(mut self, der: Vec<u8>) -> Self {
        self.issuer = der;
        self
    }

    /// The subject name as DER.
    pub fn subject_der(mut self, der: Vec<u8>) -> Self {
        self.subject = der;
        self
    }

    /// notBefore and notAfter, Unix seconds.
    pub fn validity(mut self, not_before: u64, not_after: u64) -> Self {
        self.not_before = not_before;
        self.not_after = not_after;
        self
    }

    /// The Validity SEQUENCE as DER, replacing [`Self::validity`] (for times `der` cannot
    /// encode, such as a UTCTime before 1970).
    pub fn validity_der(mut self, der: Vec<u8>) -> Self {
        self.validity_der = Some(der);
        self
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn spki_der(mut self, der: Vec<u8>) -> Self {
        self.spki = der;
        self
    }

    /// issuerUniqueID and subjectUniqueID bits (whole octets).
    pub fn unique_ids(mut self, issuer: Option<Vec<u8>>, subject: Option<Vec<u8>>) -> Self {
        self.issuer_unique_id = issuer;
        self.subject_unique_id = subject;
        self
    }

    /// Appends an extension (a duplicate is kept).
    pub fn extension(mut self, ext: Ext) -> Self {
        self.extensions.get_or_insert_with(Vec::new).push(ext);
        self
    }

    /// Appends extensions in order.
    pub fn extensions(mut self, exts: impl IntoIterator<Item = Ext>) -> Self {
        self.extensions.get_or_insert_with(Vec::new).extend(exts);
        self
    }

    /// Replaces the extension list: `None` omits the field, `Some(vec![])` encodes an empty
    /// SEQUENCE (which RFC 5280 forbids).
    pub fn set_extensions(mut self, exts: Option<Vec<Ext>>) -> Self {
        self.extensions = exts;
        self
    }

    /// Replaces the extensions with the same OID as `ext` by `ext`, at the position of the
    /// first one (appends when there is none).
    pub fn replace_extension(mut self, ext: Ext) -> Self {
        let list = self.extensions.get_or_insert_with(Vec::new);
        match list.iter().position(|e| e.oid == ext.oid) {
            Some(i) => {
                list.retain(|e| e.oid != ext.oid);
                list.insert(i.min(list.len()), ext);
            }
            None => list.push(ext),
        }
        self
    }

    /// Removes every extension with this OID.
    pub fn without_extension(mut self, oid: const_oid::ObjectIdentifier) -> Self {
        if let Some(list) = &mut self.extensions {
            list.retain(|e| e.oid != oid);
        }
        self
    }

    /// The algorithm to sign with (default: the issuer key's usual one).
    pub fn signature_algorithm(mut self, alg: SigAlg) -> Self {
        self.sig_alg = Some(alg);
        self
    }

    /// The subject name, DER.
    pub fn subject(&self) -> &[u8] {
        &self.subject
    }

    /// The TBSCertificate, DER, whose `signature` field is `algorithm_identifier` (the DER of
    /// an AlgorithmIdentifier, e.g. [`SigAlg::algorithm_identifier`]): what a signer outside
    /// this crate signs. A serial that was not set is drawn now, so call it once.
    pub fn tbs_der(&self, algorithm_identifier: &[u8]) -> Result<Vec<u8>, IssueError> {
        if let Some(e) = self.name_error {
            return Err(e.into());
        }
        let any = |der: &[u8]| Any::from_der(der).map_err(IssueError::from);
        let extensions = match &self.extensions {
            Some(list) => Some(list.iter().map(Ext::to_x509).collect::<Result<Vec<_>, _>>()?),
            None => None,
        };
        let bits = |b: &Option<Vec<u8>>| b.as_ref().map(|b| BitString::from_bytes(b)).transpose();
        let serial = match &self.serial {
            Some(serial) => serial.clone(),
            None => random_serial()?,
        };
        let validity = match &self.validity_der {
            Some(der) => any(der)?,
            None => any(&Validity::<Rfc5280>::new(x509_time(self.not_before)?, x509_time(self.not_after)?).to_der()?)?,
        };
        let tbs = TbsCertificate {
            version: self.version.as_ref().map(|v| Any::new(Tag::Integer, v.clone())).transpose()?,
            serial_number: Any::new(Tag::Integer, serial)?,
            signature: any(algorithm_identifier)?,
            issuer: any(&self.issuer)?,
            validity,
            subject: any(&self.subject)?,
            subject_public_key_info: any(&self.spki)?,
            issuer_unique_id: bits(&self.issuer_unique_id)?,
            subject_unique_id: bits(&self.subject_unique_id)?,
            extensions,
        };
        Ok(tbs.to_der()?)
    }

    /// Encodes the TBSCertificate and signs it with `issuer_key`; returns the certificate DER.
    pub fn sign(&self, issuer_key: &KeyPair) -> Result<Vec<u8>, IssueError> {
        let alg = self.sig_alg.unwrap_or_else(|| issuer_key.algorithm().default_signature_algorithm());
        let algorithm_identifier = alg.algorithm_identifier();
        let tbs = self.tbs_der(&algorithm_identifier)?;
        let signature = issuer_key.sign(alg, &tbs)?;
        Ok(signed(&tbs, &algorithm_identifier, &signature))
    }
}

/// A signed object (certificate or CRL): `SEQUENCE { tbs, signatureAlgorithm, BIT STRING }`,
/// from the TBS DER, the AlgorithmIdentifier DER and the signature value.
pub fn signed(tbs: &[u8], algorithm_identifier: &[u8], signature: &[u8]) -> Vec<u8> {
    let bits = [&[0u8][..], signature].concat();
    tlv(0x30, &[tbs, algorithm_identifier, &tlv(0x03, &bits)].concat())
}

fn name_der(name: &Name, error: &mut Option<der::Error>) -> Vec<u8> {
    name.to_der().unwrap_or_else(|e| {
        *error = Some(e);
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use der::Decode;

    use super::*;
    use crate::issue::{KeyAlgorithm, ext, name::NameBuilder};

    #[test]
    fn every_field_is_encoded_as_asked() -> Result<(), IssueError> {
        let key = KeyPair::generate(KeyAlgorithm::P256)?;
        let subject = NameBuilder::new().c("US").cn("Unit").email("unit@example.com").build()?;
        let der = CertBuilder::new(&subject, key.spki_der(), 1_000_000_000, 3_000_000_000)
            .serial(vec![0xff, 0x01])
            .extension(ext::basic_constraints(true, true, Some(3))?)
            .extension(ext::basic_constraints(true, true, Some(3))?)
            .sign(&key)?;
        let cert = x509_cert::Certificate::from_der(&der)?;
        let tbs = cert.tbs_certificate();
        assert_eq!(tbs.serial_number().as_bytes(), [0xff, 0x01]);
        assert_eq!(tbs.subject(), &subject);
        assert_eq!(tbs.extensions().map(|e| e.len()), Some(2), "duplicates are kept");
        assert_eq!(tbs.validity().not_after.to_unix_duration().as_secs(), 3_000_000_000);
        assert!(matches!(tbs.validity().not_after, x509_cert::time::Time::GeneralTime(_)));
        let refused = crate::Certificate::from_der(der).err().map(|e| e.to_string());
        assert!(refused.is_some_and(|e| e.contains("more than once")), "the parser refuses what the builder wrote");
        Ok(())
    }

    #[test]
    fn random_serials_are_positive_minimal_and_distinct() -> Result<(), IssueError> {
        let (a, b) = (random_serial()?, random_serial()?);
        assert_ne!(a, b);
        for s in [a, b] {
            assert_eq!(s.len(), 16);
            assert!((1..0x80).contains(&s[0]));
        }
        Ok(())
    }

    #[test]
    fn v1_without_extensions() -> Result<(), IssueError> {
        let key = KeyPair::generate(KeyAlgorithm::P256)?;
        let subject = NameBuilder::new().cn("V1").build()?;
        let der = CertBuilder::new(&subject, key.spki_der(), 0, 1).version(None).sign(&key)?;
        let cert = x509_cert::Certificate::from_der(&der)?;
        assert_eq!(cert.tbs_certificate().version(), x509_cert::certificate::Version::V1);
        Ok(())
    }
}

//! The certificate builder. The TBSCertificate is encoded with `der` derive types whose
//! fields hold raw DER, so every field — version, serial, both signature algorithm
//! identifiers, names, validity, key, unique identifiers, extensions — can be set to anything,
//! including values RFC 5280 forbids.

use der::asn1::{Any, BitString};
use der::{Decode, Encode, Sequence, Tag};
use sha2::{Digest, Sha256};
use x509_cert::certificate::Rfc5280;
use x509_cert::name::Name;
use x509_cert::time::Validity;

use crate::algs::SigAlg;
use crate::ext::Ext;
use crate::keys::KeyPair;
use crate::time::{default_not_after, default_not_before, x509_time};
use crate::{Error, Result};

/// TBSCertificate (RFC 5280 §4.1), with raw DER in the fields a test may want to break.
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

/// Certificate (RFC 5280 §4.1).
#[derive(Clone, Debug, Sequence)]
struct CertificateDer {
    tbs_certificate: Any,
    signature_algorithm: Any,
    signature: BitString,
}

/// The serial number to encode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Serial {
    /// 16 octets derived from the TBS contents (positive, non-zero, distinct per certificate).
    Auto,
    /// These exact INTEGER content octets (may be negative, zero, overlong or non-minimal).
    Raw(Vec<u8>),
}

/// Builds one certificate. Defaults: v3, automatic serial, valid 2025-01-01..2030-01-01,
/// issuer = subject, no extensions, signed with the issuer key's default algorithm.
#[derive(Debug, Clone)]
pub struct CertBuilder {
    version: Option<Vec<u8>>,
    serial: Serial,
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
    tbs_sig_alg: Option<Vec<u8>>,
    outer_sig_alg: Option<Vec<u8>>,
    corrupt_signature: bool,
    signature_unused_bits: u8,
}

fn name_der(name: &Name) -> Vec<u8> {
    name.to_der().unwrap_or_else(|_| vec![0x30, 0x00])
}

impl CertBuilder {
    /// A certificate for `subject` with `subject_key`'s public key, self-issued until
    /// [`Self::issuer`] is called.
    pub fn new(subject: &Name, subject_key: &KeyPair) -> Self {
        let subject = name_der(subject);
        CertBuilder {
            version: Some(vec![2]),
            serial: Serial::Auto,
            issuer: subject.clone(),
            subject,
            not_before: default_not_before(),
            not_after: default_not_after(),
            validity_der: None,
            spki: subject_key.spki_der().to_vec(),
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: None,
            sig_alg: None,
            tbs_sig_alg: None,
            outer_sig_alg: None,
            corrupt_signature: false,
            signature_unused_bits: 0,
        }
    }

    /// The version field: `Some(n)` encodes `[0] INTEGER n` (2 = v3), `None` omits it (v1).
    pub fn version(mut self, version: Option<u8>) -> Self {
        self.version = version.map(|v| vec![v]);
        self
    }

    /// The serial number.
    pub fn serial(mut self, serial: Serial) -> Self {
        self.serial = serial;
        self
    }

    /// The issuer name.
    pub fn issuer(mut self, issuer: &Name) -> Self {
        self.issuer = name_der(issuer);
        self
    }

    /// The issuer name as raw DER.
    pub fn issuer_der(mut self, der: Vec<u8>) -> Self {
        self.issuer = der;
        self
    }

    /// The subject name as raw DER.
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

    /// The Validity SEQUENCE as raw DER, replacing [`Self::validity`]: for times `der` cannot
    /// encode (a UTCTime before 1970) or encodings RFC 5280 forbids.
    pub fn validity_der(mut self, der: Vec<u8>) -> Self {
        self.validity_der = Some(der);
        self
    }

    /// A SubjectPublicKeyInfo given as raw DER (odd or broken keys).
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

    /// Appends an extension (duplicates are kept).
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

    /// Replaces the extensions with the same OID as `ext` by `ext`, keeping the position of
    /// the first one (appends when there is none).
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

    /// Overrides the TBS `signature` AlgorithmIdentifier (full DER) without changing how the
    /// certificate is signed.
    pub fn tbs_signature_algorithm_der(mut self, der: Vec<u8>) -> Self {
        self.tbs_sig_alg = Some(der);
        self
    }

    /// Overrides the outer `signatureAlgorithm` (full DER) without changing how the
    /// certificate is signed.
    pub fn outer_signature_algorithm_der(mut self, der: Vec<u8>) -> Self {
        self.outer_sig_alg = Some(der);
        self
    }

    /// Flips a bit of the signature after signing.
    pub fn corrupt_signature(mut self) -> Self {
        self.corrupt_signature = true;
        self
    }

    /// Encodes the signature BIT STRING with this unused-bits count (its octets unchanged), as
    /// no signature algorithm allows.
    pub fn signature_unused_bits(mut self, unused_bits: u8) -> Self {
        self.signature_unused_bits = unused_bits;
        self
    }

    /// The subject name DER.
    pub fn subject(&self) -> &[u8] {
        &self.subject
    }

    fn tbs(&self, alg: SigAlg) -> Result<TbsCertificate> {
        let any = |der: &[u8]| Any::from_der(der).map_err(Error::from);
        let extensions = match &self.extensions {
            Some(list) => Some(list.iter().map(Ext::to_x509).collect::<Result<Vec<_>>>()?),
            None => None,
        };
        let bits = |b: &Option<Vec<u8>>| b.as_ref().map(|b| BitString::from_bytes(b)).transpose();
        let mut tbs = TbsCertificate {
            version: self.version.as_ref().map(|v| Any::new(Tag::Integer, v.clone())).transpose()?,
            serial_number: Any::new(Tag::Integer, vec![1])?,
            signature: any(&self.tbs_sig_alg.clone().unwrap_or_else(|| alg.algorithm_identifier()))?,
            issuer: any(&self.issuer)?,
            validity: match &self.validity_der {
                Some(der) => any(der)?,
                None => {
                    any(&Validity::<Rfc5280>::new(x509_time(self.not_before)?, x509_time(self.not_after)?).to_der()?)?
                }
            },
            subject: any(&self.subject)?,
            subject_public_key_info: any(&self.spki)?,
            issuer_unique_id: bits(&self.issuer_unique_id)?,
            subject_unique_id: bits(&self.subject_unique_id)?,
            extensions,
        };
        tbs.serial_number = match &self.serial {
            Serial::Raw(bytes) => Any::new(Tag::Integer, bytes.clone())?,
            Serial::Auto => {
                let digest = Sha256::digest(tbs.to_der()?);
                let mut serial = digest.get(..16).map(<[u8]>::to_vec).unwrap_or_default();
                if let Some(first) = serial.first_mut() {
                    *first = (*first & 0x7f) | 0x40;
                }
                Any::new(Tag::Integer, serial)?
            }
        };
        Ok(tbs)
    }

    /// Encodes the TBSCertificate and signs it with `issuer_key`; returns the certificate DER.
    pub fn sign(&self, issuer_key: &KeyPair) -> Result<Vec<u8>> {
        let alg = self.sig_alg.unwrap_or_else(|| issuer_key.kind().default_sig_alg());
        let tbs = self.tbs(alg)?.to_der()?;
        let mut signature = issuer_key.sign(alg, &tbs)?;
        if let (true, Some(last)) = (self.corrupt_signature, signature.last_mut()) {
            *last ^= 0x01;
        }
        let outer = self.outer_sig_alg.clone().unwrap_or_else(|| alg.algorithm_identifier());
        let cert = CertificateDer {
            tbs_certificate: Any::from_der(&tbs)?,
            signature_algorithm: Any::from_der(&outer)?,
            signature: BitString::new(self.signature_unused_bits, signature)?,
        };
        Ok(cert.to_der()?)
    }
}

#[cfg(test)]
mod tests {
    use der::Decode;

    use super::{CertBuilder, Serial};
    use crate::name::NameBuilder;
    use crate::{KeyKind, KeyPair, SigAlg, ext};

    #[test]
    fn every_field_is_encoded_as_asked() -> crate::Result<()> {
        let key = KeyPair::generate("unit-test", KeyKind::P256)?;
        let subject = NameBuilder::new().c("US").cn("Unit").email("unit@example.com").build()?;
        let der = CertBuilder::new(&subject, &key)
            .serial(Serial::Raw(vec![0xff, 0x01]))
            .validity(1_000_000_000, 3_000_000_000)
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
        Ok(())
    }

    #[test]
    fn v1_and_overrides() -> crate::Result<()> {
        let key = KeyPair::generate("unit-test", KeyKind::P256)?;
        let subject = NameBuilder::new().cn("V1").build()?;
        let der = CertBuilder::new(&subject, &key)
            .version(None)
            .outer_signature_algorithm_der(SigAlg::EcdsaSha384.algorithm_identifier())
            .sign(&key)?;
        let cert = x509_cert::Certificate::from_der(&der)?;
        assert_eq!(cert.tbs_certificate().version(), x509_cert::certificate::Version::V1);
        assert_ne!(cert.signature_algorithm(), cert.tbs_certificate().signature());
        Ok(())
    }

    #[test]
    fn signing_is_deterministic() -> crate::Result<()> {
        let subject = NameBuilder::new().cn("Det").build()?;
        for (kind, alg) in [
            (KeyKind::P256, SigAlg::EcdsaSha256),
            (KeyKind::P384, SigAlg::EcdsaSha384),
            (KeyKind::Ed25519, SigAlg::Ed25519),
        ] {
            let key = KeyPair::generate("unit-test-det", kind)?;
            let again = KeyPair::generate("unit-test-det", kind)?;
            assert_eq!(key.spki_der(), again.spki_der());
            let b = CertBuilder::new(&subject, &key).signature_algorithm(alg);
            assert_eq!(b.sign(&key)?, b.sign(&again)?);
        }
        Ok(())
    }
}

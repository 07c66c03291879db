//! The certificate builder: [`trustpath::issue::CertBuilder`], which writes every TBS field
//! as given, plus what only a test generator wants: serials derived from the contents (so
//! regenerating gives the same bytes), signature algorithm identifiers that lie about the
//! signature, corrupted signatures and BIT STRINGs with unused bits.

use der::asn1::{Any, BitString};
use der::{Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use trustpath::issue;
use x509_cert::name::Name;

use crate::Result;
use crate::algs::SigAlg;
use crate::ext::Ext;
use crate::keys::KeyPair;
use crate::time::{default_not_after, default_not_before};

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
    inner: issue::CertBuilder,
    serial: Serial,
    sig_alg: Option<SigAlg>,
    tbs_sig_alg: Option<Vec<u8>>,
    outer_sig_alg: Option<Vec<u8>>,
    corrupt_signature: bool,
    signature_unused_bits: u8,
}

/// Builder methods that only pass their argument on to [`issue::CertBuilder`].
macro_rules! delegate {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, $($arg: $ty),*) -> Self {
            self.inner = self.inner.$name($($arg),*);
            self
        }
    )*};
}

impl CertBuilder {
    /// A certificate for `subject` with `subject_key`'s public key, self-issued until
    /// [`Self::issuer`] is called.
    pub fn new(subject: &Name, subject_key: &KeyPair) -> Self {
        CertBuilder {
            inner: issue::CertBuilder::new(subject, subject_key.spki_der(), default_not_before(), default_not_after()),
            serial: Serial::Auto,
            sig_alg: None,
            tbs_sig_alg: None,
            outer_sig_alg: None,
            corrupt_signature: false,
            signature_unused_bits: 0,
        }
    }

    delegate! {
        /// The version field: `Some(n)` encodes `[0] INTEGER n` (2 = v3), `None` omits it (v1).
        version(version: Option<u8>);
        /// The issuer name.
        issuer(issuer: &Name);
        /// The issuer name as raw DER.
        issuer_der(der: Vec<u8>);
        /// The subject name as raw DER.
        subject_der(der: Vec<u8>);
        /// notBefore and notAfter, Unix seconds.
        validity(not_before: u64, not_after: u64);
        /// The Validity SEQUENCE as raw DER, replacing [`Self::validity`]: for times `der`
        /// cannot encode (a UTCTime before 1970) or encodings RFC 5280 forbids.
        validity_der(der: Vec<u8>);
        /// A SubjectPublicKeyInfo given as raw DER (odd or broken keys).
        spki_der(der: Vec<u8>);
        /// issuerUniqueID and subjectUniqueID bits (whole octets).
        unique_ids(issuer: Option<Vec<u8>>, subject: Option<Vec<u8>>);
        /// Appends an extension (duplicates are kept).
        extension(ext: Ext);
        /// Replaces the extension list: `None` omits the field, `Some(vec![])` encodes an
        /// empty SEQUENCE (which RFC 5280 forbids).
        set_extensions(exts: Option<Vec<Ext>>);
        /// Replaces the extensions with the same OID as `ext` by `ext`, keeping the position
        /// of the first one (appends when there is none).
        replace_extension(ext: Ext);
        /// Removes every extension with this OID.
        without_extension(oid: const_oid::ObjectIdentifier);
    }

    /// Appends extensions in order.
    pub fn extensions(mut self, exts: impl IntoIterator<Item = Ext>) -> Self {
        self.inner = self.inner.extensions(exts);
        self
    }

    /// The serial number.
    pub fn serial(mut self, serial: Serial) -> Self {
        self.serial = serial;
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
        self.inner.subject()
    }

    /// The TBSCertificate with its `signature` field `tbs_alg`: an automatic serial is the
    /// first 16 octets of SHA-256 of the TBSCertificate with serial 1, made positive.
    fn tbs(&self, tbs_alg: &[u8]) -> Result<Vec<u8>> {
        let serial = match &self.serial {
            Serial::Raw(bytes) => bytes.clone(),
            Serial::Auto => {
                let digest = Sha256::digest(self.inner.clone().serial(vec![1]).tbs_der(tbs_alg)?);
                let mut serial = digest.get(..16).map(<[u8]>::to_vec).unwrap_or_default();
                if let Some(first) = serial.first_mut() {
                    *first = (*first & 0x7f) | 0x40;
                }
                serial
            }
        };
        Ok(self.inner.clone().serial(serial).tbs_der(tbs_alg)?)
    }

    /// Encodes the TBSCertificate and signs it with `issuer_key`; returns the certificate DER.
    pub fn sign(&self, issuer_key: &KeyPair) -> Result<Vec<u8>> {
        let alg = self.sig_alg.unwrap_or_else(|| issuer_key.kind().default_sig_alg());
        let tbs = self.tbs(&self.tbs_sig_alg.clone().unwrap_or_else(|| alg.algorithm_identifier()))?;
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
    fn automatic_serials_follow_the_contents_and_tampering_shows() -> crate::Result<()> {
        let key = KeyPair::generate("unit-test", KeyKind::P256)?;
        let subject = NameBuilder::new().c("US").cn("Unit").build()?;
        let serial = |b: &CertBuilder| -> crate::Result<Vec<u8>> {
            let cert = x509_cert::Certificate::from_der(&b.sign(&key)?)?;
            Ok(cert.tbs_certificate().serial_number().as_bytes().to_vec())
        };
        let builder = CertBuilder::new(&subject, &key).extension(ext::basic_constraints(true, true, None)?);
        let first = serial(&builder)?;
        assert_eq!((first.len(), first[0] & 0xc0), (16, 0x40), "16 octets, positive, first bit set");
        assert_eq!(serial(&builder)?, first, "the same contents, the same serial");
        assert_ne!(serial(&builder.clone().validity(1, 2))?, first);
        assert_eq!(serial(&builder.clone().serial(Serial::Raw(vec![0xff, 0x01])))?, [0xff, 0x01]);

        let good = builder.sign(&key)?;
        let corrupt = builder.clone().corrupt_signature().sign(&key)?;
        assert_eq!(good.len(), corrupt.len());
        assert_eq!(good.iter().zip(&corrupt).filter(|(a, b)| a != b).count(), 1, "one octet of the signature");
        assert_eq!(good.last().map(|b| b ^ 0x01), corrupt.last().copied());
        let unused = builder.signature_unused_bits(3).sign(&key)?;
        let bits = x509_cert::Certificate::from_der(&unused)?.signature().unused_bits();
        assert_eq!(bits, 3);
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

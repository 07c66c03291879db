//! Signing: CMS SignedData (RFC 5652 §5) over content, detached or encapsulated.
//!
//! The SignedData is built from the `cms` crate's types and signed through the crate's
//! algorithm layer (`crate::crypto`): version 1, issuerAndSerialNumber, signed attributes
//! content-type (id-data), signing-time (when set) and message-digest, the signature over their
//! DER SET OF; RSA PKCS#1 v1.5 with `rsaEncryption` as OpenSSL writes it (or RSASSA-PSS),
//! ECDSA on P-256/P-384; the signer's chain in `certificates`. Messages are built and signed by
//! [`super::MessageBuilder`].

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec, UtcTime};
use der::{Any, Decode, Encode};
use rustls_pki_types::UnixTime;
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::DirectError;
use super::content_info::{ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST, ID_SIGNED_DATA, ID_SIGNING_TIME};
use crate::cert::Certificate;
use crate::crypto::private_key::PrivateKey;
use crate::crypto::rustcrypto::EcdsaEncoding;
use crate::crypto::signature_alg::null_any;
use crate::crypto::{AlgorithmPolicy, DigestAlgorithm, SignatureScheme, oids};
use crate::der_walk::wrap_sequence;

fn key_error(message: impl Into<String>) -> DirectError {
    DirectError::Key(message.into())
}

fn failed(e: impl core::fmt::Display) -> DirectError {
    DirectError::Signing(e.to_string())
}

/// Signs content as CMS SignedData and S/MIME messages with a private key and its certificate
/// chain (signer first). Defaults: SHA-256; RSA PKCS#1 v1.5 for RSA keys, ECDSA for P-256 and
/// P-384 keys; no signing-time attribute (the library has no clock: set one with
/// [`Self::with_signing_time`]).
pub struct SmimeSigner {
    key: PrivateKey,
    chain: Vec<Certificate>,
    digest: DigestAlgorithm,
    rsa_pss: bool,
    signing_time: Option<UnixTime>,
}

impl core::fmt::Debug for SmimeSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SmimeSigner")
            .field("chain", &self.chain)
            .field("digest", &self.digest)
            .field("rsa_pss", &self.rsa_pss)
            .finish_non_exhaustive()
    }
}

impl SmimeSigner {
    /// A signer from an unencrypted private key — PKCS#8 (PEM `PRIVATE KEY` or DER) or PKCS#1
    /// (PEM `RSA PRIVATE KEY`) — and its chain, signer's certificate first. Fails if the key
    /// does not match the first certificate, is of an unsupported type, or is an RSA key under
    /// 2048 bits.
    pub fn from_private_key(private_key: &[u8], chain: Vec<Certificate>) -> Result<Self, DirectError> {
        let key = PrivateKey::from_pem_or_der(private_key).map_err(key_error)?;
        let leaf = chain.first().ok_or_else(|| key_error("the certificate chain is empty"))?;
        if !key.matches(leaf.public_key_algorithm_id(), leaf.public_key()) {
            return Err(key_error("the private key does not match the first certificate of the chain"));
        }
        AlgorithmPolicy::default()
            .check_public_key(leaf.public_key_algorithm_id(), leaf.public_key())
            .map_err(|reason| key_error(reason.to_string()))?;
        Ok(SmimeSigner { key, chain, digest: DigestAlgorithm::Sha256, rsa_pss: false, signing_time: None })
    }

    /// Uses another digest algorithm (SHA-384 or SHA-512; SHA-1 is refused).
    pub fn with_digest(mut self, digest: DigestAlgorithm) -> Result<Self, DirectError> {
        if digest == DigestAlgorithm::Sha1 {
            return Err(DirectError::DigestAlgorithm("SHA-1 (AS v1.3 disallows it)".into()));
        }
        self.digest = digest;
        Ok(self)
    }

    /// Signs with RSASSA-PSS (MGF1 with the same hash, salt as long as the hash) instead of
    /// PKCS#1 v1.5; RSA keys only.
    pub fn with_rsa_pss(mut self) -> Result<Self, DirectError> {
        if !matches!(self.key, PrivateKey::Rsa(_)) {
            return Err(key_error("RSASSA-PSS needs an RSA key"));
        }
        self.rsa_pss = true;
        Ok(self)
    }

    /// Adds a signing-time attribute with this time.
    pub fn with_signing_time(mut self, time: UnixTime) -> Self {
        self.signing_time = Some(time);
        self
    }

    /// The certificate chain, signer first.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// The digest algorithm.
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest
    }

    /// A detached CMS SignedData (ContentInfo, DER) over `content`.
    pub fn sign_detached(&self, content: &[u8]) -> Result<Vec<u8>, DirectError> {
        self.sign(content, false)
    }

    /// A CMS SignedData (ContentInfo, DER) encapsulating `content`.
    pub fn sign_encapsulated(&self, content: &[u8]) -> Result<Vec<u8>, DirectError> {
        self.sign(content, true)
    }

    /// The signature scheme: the digest with the key's algorithm.
    fn scheme(&self) -> Result<SignatureScheme, DirectError> {
        match (&self.key, self.rsa_pss, self.digest) {
            (PrivateKey::Rsa(_), false, digest) => Ok(SignatureScheme::RsaPkcs1(digest)),
            (PrivateKey::Rsa(_), true, digest) => Ok(SignatureScheme::pss(digest)),
            (_, _, DigestAlgorithm::Sha512) => Err(failed("ECDSA with SHA-512 is not supported")),
            (_, _, digest) => Ok(SignatureScheme::Ecdsa(digest)),
        }
    }

    /// The SignerInfo's signatureAlgorithm: `rsaEncryption` for PKCS#1 v1.5 as OpenSSL writes
    /// it (RFC 3370 §3.2), the full identifier otherwise.
    fn signature_algorithm(&self) -> Result<AlgorithmIdentifierOwned, DirectError> {
        match self.scheme()? {
            SignatureScheme::RsaPkcs1(_) => {
                Ok(AlgorithmIdentifierOwned { oid: oids::RSA_ENCRYPTION, parameters: Some(null_any()) })
            }
            scheme => AlgorithmIdentifierOwned::from_der(&wrap_sequence(scheme.canonical_id())).map_err(failed),
        }
    }

    fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>, DirectError> {
        self.key.sign(self.scheme()?, EcdsaEncoding::Der, message).map_err(DirectError::Signing)
    }

    fn sign(&self, content: &[u8], encapsulate: bool) -> Result<Vec<u8>, DirectError> {
        let leaf = self.chain.first().ok_or_else(|| key_error("the certificate chain is empty"))?;
        let attribute = |oid, v: Any| -> Result<Attribute, DirectError> {
            Ok(Attribute { oid, values: SetOfVec::try_from(vec![v]).map_err(failed)? })
        };
        let mut attributes = vec![attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA).map_err(failed)?)?];
        if let Some(time) = self.signing_time {
            attributes.push(attribute(ID_SIGNING_TIME, Any::encode_from(&x509_time(time)?).map_err(failed)?)?);
        }
        let digest = OctetString::new(self.digest.digest(content)).map_err(failed)?;
        attributes.push(attribute(ID_MESSAGE_DIGEST, Any::encode_from(&digest).map_err(failed)?)?);
        let signed_attrs: x509_cert::attr::Attributes = SetOfVec::try_from(attributes).map_err(failed)?;
        let signature = self.sign_raw(&signed_attrs.to_der().map_err(failed)?)?;

        let digest_alg = AlgorithmIdentifierOwned { oid: self.digest.oid(), parameters: None };
        let sid = IssuerAndSerialNumber {
            issuer: Name::from_der(leaf.issuer_der()).map_err(failed)?,
            serial_number: SerialNumber::new(leaf.serial()).map_err(failed)?,
        };
        let signer_info = SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(sid),
            digest_alg: digest_alg.clone(),
            signed_attrs: Some(signed_attrs),
            signature_algorithm: self.signature_algorithm()?,
            signature: OctetString::new(signature).map_err(failed)?,
            unsigned_attrs: None,
        };
        let mut certificates = Vec::with_capacity(self.chain.len());
        for c in &self.chain {
            let decoded = x509_cert::Certificate::from_der(c.der().as_ref()).map_err(failed)?;
            if decoded.to_der().map_err(failed)? != c.der().as_ref() {
                return Err(failed(format!(
                    "certificate {} does not re-encode identically (not DER)",
                    c.subject_string()
                )));
            }
            certificates.push(CertificateChoices::Certificate(decoded));
        }
        let econtent = if encapsulate {
            Some(Any::encode_from(&OctetString::new(content).map_err(failed)?).map_err(failed)?)
        } else {
            None
        };
        let signed_data = SignedData {
            version: CmsVersion::V1,
            digest_algorithms: SetOfVec::try_from(vec![digest_alg]).map_err(failed)?,
            encap_content_info: EncapsulatedContentInfo { econtent_type: ID_DATA, econtent },
            certificates: Some(CertificateSet::try_from(certificates).map_err(failed)?),
            crls: None,
            signer_infos: SignerInfos::try_from(vec![signer_info]).map_err(failed)?,
        };
        let content_info =
            ContentInfo { content_type: ID_SIGNED_DATA, content: Any::encode_from(&signed_data).map_err(failed)? };
        content_info.to_der().map_err(failed)
    }
}

fn x509_time(time: UnixTime) -> Result<x509_cert::time::Time, DirectError> {
    let dt = der::DateTime::from_unix_duration(core::time::Duration::from_secs(time.as_secs())).map_err(failed)?;
    if dt.year() < 2050 {
        Ok(x509_cert::time::Time::UtcTime(UtcTime::from_date_time(dt).map_err(failed)?))
    } else {
        Ok(x509_cert::time::Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(dt)))
    }
}

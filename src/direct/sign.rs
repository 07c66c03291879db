//! The sending side: CMS SignedData (RFC 5652) and signed S/MIME messages (RFC 8551
//! `multipart/signed`) carrying FHIR attachments.
//!
//! The SignedData is built from the `cms` crate's types and signed here (the `cms` builder
//! would pull in its encryption dependencies for nothing): version 1, issuerAndSerialNumber,
//! signed attributes content-type (id-data), signing-time (when set) and message-digest, the
//! signature over their DER SET OF; RSA PKCS#1 v1.5 with `rsaEncryption` as OpenSSL writes it
//! (or RSASSA-PSS), ECDSA on P-256/P-384; the signer's chain in `certificates`. Encryption
//! (EnvelopedData) is not produced.

use base64ct::{Base64, Encoding};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec, UtcTime};
use der::{Any, Decode, Encode};
use rustls_pki_types::UnixTime;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::content_info::{ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST, ID_SIGNED_DATA, ID_SIGNING_TIME};
use super::{DirectAddress, DirectError, detect_fhir};
use crate::cert::{Certificate, hex_string};
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

/// An RFC 5322 date: `Sat, 28 Nov 2026 17:15:54 +0000`.
fn rfc5322_date(time: UnixTime) -> Result<String, DirectError> {
    let secs = time.as_secs();
    let dt = der::DateTime::from_unix_duration(core::time::Duration::from_secs(time.as_secs())).map_err(failed)?;
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let weekday = DAYS.get(usize::try_from((secs / 86_400) % 7).unwrap_or(0)).copied().unwrap_or("Thu");
    let month = MONTHS.get(usize::from(dt.month().saturating_sub(1))).copied().unwrap_or("Jan");
    Ok(format!(
        "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02} +0000",
        dt.day(),
        dt.year(),
        dt.hour(),
        dt.minutes(),
        dt.seconds()
    ))
}

/// Base64 in lines of 76 characters, each ending with CRLF.
fn base64_lines(bytes: &[u8]) -> String {
    let encoded = Base64::encode_string(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(core::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// A header value without line breaks, RFC 2047-encoded when it is not ASCII.
fn header_value(name: &str, value: &str) -> Result<String, DirectError> {
    if value.contains(['\r', '\n']) {
        return Err(DirectError::Signing(format!("the {name} header value contains a line break")));
    }
    if value.is_ascii() {
        Ok(value.to_string())
    } else {
        Ok(format!("=?UTF-8?B?{}?=", Base64::encode_string(value.as_bytes())))
    }
}

/// A filename safe inside a quoted parameter: printable ASCII, quotes and backslashes replaced.
fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String =
        base.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    if cleaned.trim().is_empty() { "attachment".to_string() } else { cleaned }
}

/// Text with CRLF line ends, and the transfer encoding that carries it unchanged.
fn text_body(text: &str) -> (String, &'static str) {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n").replace('\n', "\r\n");
    let seven_bit = normalized.is_ascii() && normalized.split("\r\n").all(|l| l.len() <= 998);
    if seven_bit {
        let mut body = normalized;
        if !body.ends_with("\r\n") {
            body.push_str("\r\n");
        }
        (body, "7bit")
    } else {
        (base64_lines(normalized.as_bytes()), "base64")
    }
}

/// A boundary that does not occur in `content`.
fn boundary(prefix: &str, content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let base = format!("{prefix}{}", hex_string(digest.get(..12).unwrap_or_default()));
    let mut candidate = base.clone();
    let mut n = 0u32;
    while content.windows(candidate.len() + 2).any(|w| w.starts_with(b"--") && w.ends_with(candidate.as_bytes())) {
        n += 1;
        candidate = format!("{base}.{n}");
    }
    candidate
}

/// One attachment of an outgoing message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outgoing {
    content_type: String,
    filename: String,
    bytes: Vec<u8>,
}

/// Builds a Direct message — text and attachments, e.g. a FHIR Bundle as
/// `application/fhir+json` — and signs it as `multipart/signed` (RFC 8551 §3.5.3). By default
/// the content is *wrapped* (RFC 8551 §3.1: a `message/rfc822` entity holding the full message
/// with its headers, so From, To and Subject are signed), as AS v1.3 requires.
#[derive(Debug, Clone)]
pub struct MessageBuilder {
    from: DirectAddress,
    to: Vec<DirectAddress>,
    subject: Option<String>,
    date: Option<UnixTime>,
    message_id: Option<String>,
    text: Option<String>,
    attachments: Vec<Outgoing>,
    wrapped: bool,
}

impl MessageBuilder {
    /// A message from `from` to `to`.
    pub fn new(from: DirectAddress, to: Vec<DirectAddress>) -> Self {
        MessageBuilder {
            from,
            to,
            subject: None,
            date: None,
            message_id: None,
            text: None,
            attachments: Vec::new(),
            wrapped: true,
        }
    }

    /// The Subject.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The Date (the library has no clock).
    pub fn date(mut self, date: UnixTime) -> Self {
        self.date = Some(date);
        self
    }

    /// The Message-ID, with or without angle brackets.
    pub fn message_id(mut self, id: impl Into<String>) -> Self {
        self.message_id = Some(id.into());
        self
    }

    /// A text/plain body.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Attaches `bytes` as `filename` with `content_type` (e.g. `application/fhir+json`).
    pub fn attach(mut self, content_type: impl Into<String>, filename: impl Into<String>, bytes: Vec<u8>) -> Self {
        self.attachments.push(Outgoing { content_type: content_type.into(), filename: filename.into(), bytes });
        self
    }

    /// Attaches a FHIR resource (JSON or XML, typically a Bundle) with the FHIR media type its
    /// body calls for; fails if the body is not FHIR.
    pub fn attach_fhir(self, filename: impl Into<String>, bytes: Vec<u8>) -> Result<Self, DirectError> {
        let fhir = detect_fhir("", &bytes)
            .ok_or_else(|| DirectError::Signing("the attachment is not a FHIR JSON or XML resource".into()))?;
        let content_type = match fhir.format() {
            super::FhirFormat::Json => "application/fhir+json",
            super::FhirFormat::Xml => "application/fhir+xml",
        };
        Ok(self.attach(content_type, filename, bytes))
    }

    /// Whether to wrap the content in `message/rfc822` (default: true).
    pub fn wrapped(mut self, wrapped: bool) -> Self {
        self.wrapped = wrapped;
        self
    }

    /// The message headers (From, To, Subject, Date, Message-ID, MIME-Version), CRLF-ended.
    fn headers(&self) -> Result<String, DirectError> {
        let mut h = format!("From: {}\r\n", header_value("From", self.from.as_str())?);
        if !self.to.is_empty() {
            let to: Vec<&str> = self.to.iter().map(DirectAddress::as_str).collect();
            h.push_str(&format!("To: {}\r\n", header_value("To", &to.join(", "))?));
        }
        if let Some(subject) = &self.subject {
            h.push_str(&format!("Subject: {}\r\n", header_value("Subject", subject)?));
        }
        if let Some(date) = self.date {
            h.push_str(&format!("Date: {}\r\n", rfc5322_date(date)?));
        }
        if let Some(id) = &self.message_id {
            let id = header_value("Message-ID", id.trim_matches(['<', '>']))?;
            h.push_str(&format!("Message-ID: <{id}>\r\n"));
        }
        h.push_str("MIME-Version: 1.0\r\n");
        Ok(h)
    }

    /// The body entity: text alone, or multipart/mixed with the attachments.
    fn body(&self) -> Result<Vec<u8>, DirectError> {
        let text = self.text.as_deref().map(text_body);
        if self.attachments.is_empty() {
            let (body, encoding) = text.unwrap_or_else(|| (String::from("\r\n"), "7bit"));
            return Ok(format!(
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}"
            )
            .into_bytes());
        }
        let mut parts: Vec<String> = Vec::new();
        if let Some((body, encoding)) = text {
            parts.push(format!(
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}"
            ));
        }
        for a in &self.attachments {
            let content_type = header_value("Content-Type", &a.content_type)?;
            let name = safe_filename(&a.filename);
            parts.push(format!(
                "Content-Type: {content_type}; name=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\
                 Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{}",
                base64_lines(&a.bytes)
            ));
        }
        let joined = parts.concat();
        let b = boundary("=_trustpath_mixed_", joined.as_bytes());
        let mut out = format!("Content-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\n");
        for p in &parts {
            out.push_str(&format!("--{b}\r\n{p}"));
            if !p.ends_with("\r\n") {
                out.push_str("\r\n");
            }
        }
        out.push_str(&format!("--{b}--\r\n"));
        Ok(out.into_bytes())
    }

    /// The MIME entity that gets signed: the wrapped message (`message/rfc822`), or the body.
    pub fn signed_entity(&self) -> Result<Vec<u8>, DirectError> {
        let body = self.body()?;
        if !self.wrapped {
            return Ok(body);
        }
        let mut entity = b"Content-Type: message/rfc822\r\n\r\n".to_vec();
        entity.extend_from_slice(self.headers()?.as_bytes());
        entity.extend_from_slice(&body);
        Ok(entity)
    }

    /// The whole signed message: headers, then `multipart/signed` with the entity and a
    /// detached SignedData (`smime.p7s`).
    pub fn sign(&self, signer: &SmimeSigner) -> Result<Vec<u8>, DirectError> {
        let entity = self.signed_entity()?;
        let cms = signer.sign_detached(&entity)?;
        let b = boundary("=_trustpath_signed_", &entity);
        let mut out = self.headers()?.into_bytes();
        out.extend_from_slice(
            format!(
                "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg={}; \
                 boundary=\"{b}\"\r\n\r\nThis is an S/MIME signed message\r\n\r\n--{b}\r\n",
                signer.digest_algorithm().micalg()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&entity);
        out.extend_from_slice(
            format!(
                "\r\n--{b}\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n\
                 Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7s\"\r\n\
                 \r\n{}\r\n--{b}--\r\n",
                base64_lines(&cms)
            )
            .as_bytes(),
        );
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_helpers() {
        let t = UnixTime::since_unix_epoch(core::time::Duration::from_secs(1_795_886_154));
        assert_eq!(rfc5322_date(t).unwrap(), "Sat, 28 Nov 2026 17:15:54 +0000");
        assert_eq!(base64_lines(&[0u8; 60]).lines().next().map(str::len), Some(76));
        assert!(header_value("Subject", "a\r\nBcc: x").is_err());
        assert_eq!(header_value("Subject", "é").unwrap(), "=?UTF-8?B?w6k=?=");
        assert_eq!(safe_filename("../a\"b.json"), "a_b.json");
        assert_eq!(text_body("a\nb").0, "a\r\nb\r\n");
        let b = boundary("x", b"--x");
        assert!(b.starts_with('x'));
    }
}

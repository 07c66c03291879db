//! Building a Direct message — text and attachments, FHIR Bundles among them — and signing it
//! as `multipart/signed` (RFC 8551 §3.5.3), then, to send it, encrypting it (sign, then
//! encrypt, as the Applicability Statement orders).

use rustls_pki_types::UnixTime;

use super::encrypt::{Recipient, SmimeEncryptor};
use super::mime_write::{base64_lines, boundary, header_value, rfc5322_date, safe_filename, text_body};
use super::sign::SmimeSigner;
use super::{DirectAddress, DirectError, detect_fhir};

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

    /// Signs the message ([`Self::sign`]), then encrypts it to `recipients`
    /// ([`SmimeEncryptor::encrypt_message`]): what a sending HISP transmits.
    pub fn sign_and_encrypt(
        &self,
        signer: &SmimeSigner,
        encryptor: &SmimeEncryptor,
        recipients: &[Recipient],
    ) -> Result<Vec<u8>, DirectError> {
        encryptor.encrypt_message(&self.sign(signer)?, recipients)
    }
}

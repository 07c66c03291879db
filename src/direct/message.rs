//! Building a Direct message — text and attachments, FHIR Bundles among them — and signing it
//! as `multipart/signed` (RFC 8551 §3.5.3), then, to send it, encrypting it (sign, then
//! encrypt, as the Applicability Statement orders).

use rustls_pki_types::UnixTime;

use super::context::{CONTEXT_HEADER, DirectContext, METADATA_FILENAME};
use super::encrypt::{Recipient, SmimeEncryptor};
use super::mdn::DeliveryNotification;
use super::mime_write::{base64_lines, boundary, header_value, rfc5322_date, safe_filename, text_body};
use super::sign::SmimeSigner;
use super::{DirectAddress, DirectError, detect_fhir};
use crate::cert::hex_string;

/// One part of an outgoing message after its text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outgoing {
    /// A file, base64-encoded.
    File { content_type: String, filename: String, bytes: Vec<u8> },
    /// An HTTP message (`message/http`), which MIME carries unencoded (RFC 2045 §6.4).
    Http(Vec<u8>),
}

/// An HTTP message's transfer encoding: `7bit` or `8bit`, when its lines end with CRLF and are
/// at most 998 bytes long (RFC 5322 §2.1.1), as a `message/*` entity's must.
fn http_encoding(message: &[u8]) -> Result<&'static str, DirectError> {
    let mut previous = 0u8;
    let mut line = 0usize;
    for &b in message {
        let bare_lf = b == b'\n' && previous != b'\r';
        let bare_cr = previous == b'\r' && b != b'\n';
        if bare_lf || bare_cr || b == 0 {
            return Err(DirectError::Signing("an HTTP message needs CRLF line ends and no NUL".into()));
        }
        line = if b == b'\n' { 0 } else { line + 1 };
        if line > 998 {
            return Err(DirectError::Signing("an HTTP message line longer than 998 bytes".into()));
        }
        previous = b;
    }
    if previous == b'\r' {
        return Err(DirectError::Signing("an HTTP message ending in a bare CR".into()));
    }
    Ok(if message.is_ascii() { "7bit" } else { "8bit" })
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
    context: Option<DirectContext>,
    report: Option<DeliveryNotification>,
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
            context: None,
            report: None,
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
        self.attachments.push(Outgoing::File { content_type: content_type.into(), filename: filename.into(), bytes });
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

    /// Attaches an HTTP request or response (RFC 9112 form: start line, header fields, CRLF
    /// line ends) as a `message/http` part: the payload of a context with
    /// [`super::Encapsulation::Http`] (e.g. a FHIR search, `GET /Patient?family=...`). Fails
    /// if it is not in a form MIME carries unencoded.
    pub fn encapsulate_http(mut self, message: Vec<u8>) -> Result<Self, DirectError> {
        http_encoding(&message)?;
        self.attachments.push(Outgoing::Http(message));
        Ok(self)
    }

    /// Expresses the message's context (Implementation Guide for Expressing Context in Direct
    /// Messaging): an `X-Direct-Context` header naming a `metadata.txt` part that holds it.
    pub fn context(mut self, context: DirectContext) -> Self {
        self.context = Some(context);
        self
    }

    /// Makes the message a delivery notification (RFC 3798 MDN): its body becomes a
    /// `multipart/report` with a human-readable part and the notification, and its text and
    /// attachments are not sent.
    pub fn disposition_notification(mut self, notification: DeliveryNotification) -> Self {
        self.report = Some(notification);
        self
    }

    /// The Content-ID of the context part, derived from the context and the sender.
    fn context_id(&self, context: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest([context.as_bytes(), self.from.as_str().as_bytes()].concat());
        format!("context-{}@{}", hex_string(digest.get(..12).unwrap_or_default()), self.from.domain())
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
        if let Some(context) = &self.context {
            let id = self.context_id(&context.to_metadata());
            h.push_str(&format!("{CONTEXT_HEADER}: <{id}>\r\n"));
        }
        h.push_str("MIME-Version: 1.0\r\n");
        Ok(h)
    }

    /// The body entity: text alone, or multipart/mixed with the attachments.
    fn body(&self) -> Result<Vec<u8>, DirectError> {
        if let Some(report) = &self.report {
            return Ok(report.report_entity().into_bytes());
        }
        let text = self.text.as_deref().map(text_body);
        if self.attachments.is_empty() && self.context.is_none() {
            let (body, encoding) = text.unwrap_or_else(|| (String::from("\r\n"), "7bit"));
            return Ok(format!(
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}"
            )
            .into_bytes());
        }
        let mut parts: Vec<Vec<u8>> = Vec::new();
        if let Some((body, encoding)) = text {
            parts.push(
                format!(
                    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}"
                )
                .into_bytes(),
            );
        }
        if let Some(context) = &self.context {
            let metadata = context.to_metadata();
            parts.push(
                format!(
                    "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: {}\r\n\
                     Content-Disposition: attachment; filename=\"{METADATA_FILENAME}\"\r\nContent-ID: <{}>\r\n\r\n{metadata}",
                    if metadata.is_ascii() { "7bit" } else { "8bit" },
                    self.context_id(&metadata)
                )
                .into_bytes(),
            );
        }
        for a in &self.attachments {
            match a {
                Outgoing::File { content_type, filename, bytes } => {
                    let content_type = header_value("Content-Type", content_type)?;
                    let name = safe_filename(filename);
                    parts.push(
                        format!(
                            "Content-Type: {content_type}; name=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\
                             Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{}",
                            base64_lines(bytes)
                        )
                        .into_bytes(),
                    );
                }
                Outgoing::Http(message) => {
                    let mut part = format!(
                        "Content-Type: message/http\r\nContent-Transfer-Encoding: {}\r\n\r\n",
                        http_encoding(message)?
                    )
                    .into_bytes();
                    part.extend_from_slice(message);
                    // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1):
                    // one more keeps the HTTP message's own last line end.
                    part.extend_from_slice(b"\r\n");
                    parts.push(part);
                }
            }
        }
        let joined = parts.concat();
        let b = boundary("=_trustpath_mixed_", &joined);
        let mut out = format!("Content-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\n").into_bytes();
        for p in &parts {
            out.extend_from_slice(format!("--{b}\r\n").as_bytes());
            out.extend_from_slice(p);
            if !p.ends_with(b"\r\n") {
                out.extend_from_slice(b"\r\n");
            }
        }
        out.extend_from_slice(format!("--{b}--\r\n").as_bytes());
        Ok(out)
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

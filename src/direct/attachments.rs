//! The parts of a signed message — content type, filename, decoded bytes — and the FHIR
//! payloads among them (HL7 "Sending FHIR resources in Direct Messages": one MIME part of type
//! `application/fhir+json` or `application/fhir+xml`, a Bundle).
//!
//! A part keeps its body as sent (a range of the signed content, shared) and removes its
//! transfer encoding when first read: a receiver that needs only the FHIR Bundle does not pay
//! for decoding a 10 MB scan beside it, and nothing is decoded twice.

use std::sync::{Arc, OnceLock};

use mail_parser::MimeHeaders;

use super::mime_read::{self, Entity};
use super::transfer_encoding::{self, TransferEncoding};
use super::verified::SignedBytes;
use super::{DirectError, Limits};

/// The FHIR namespace of XML resources.
const FHIR_NAMESPACE: &str = "http://hl7.org/fhir";

/// How a FHIR resource is serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FhirFormat {
    /// JSON (`application/fhir+json`).
    Json,
    /// XML (`application/fhir+xml`).
    Xml,
}

/// A FHIR payload recognised in a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirPayload {
    format: FhirFormat,
    resource_type: Option<String>,
    bundle_type: Option<String>,
}

impl FhirPayload {
    /// JSON or XML.
    pub fn format(&self) -> FhirFormat {
        self.format
    }

    /// The resource's type (`Bundle`, `Patient`, ...): JSON `resourceType`, or the XML root
    /// element's name. `None` when the part is declared FHIR but its body does not say.
    pub fn resource_type(&self) -> Option<&str> {
        self.resource_type.as_deref()
    }

    /// For a JSON Bundle, its `type` (`document`, `collection`, `message`, ...).
    pub fn bundle_type(&self) -> Option<&str> {
        self.bundle_type.as_deref()
    }
}

/// One leaf part of a message (multiparts are walked, `message/rfc822` parts descended into).
#[derive(Clone)]
pub struct Attachment {
    content_type: String,
    filename: Option<String>,
    disposition: Option<String>,
    content_id: Option<String>,
    source: Arc<Vec<u8>>,
    body: core::ops::Range<usize>,
    encoding: TransferEncoding,
    decoded: OnceLock<Vec<u8>>,
    fhir: OnceLock<Option<FhirPayload>>,
}

impl core::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Attachment")
            .field("content_type", &self.content_type)
            .field("filename", &self.filename)
            .field("disposition", &self.disposition)
            .field("content_id", &self.content_id)
            .field("encoded_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Attachment {
    fn eq(&self, other: &Self) -> bool {
        self.content_type == other.content_type
            && self.filename == other.filename
            && self.disposition == other.disposition
            && self.content_id == other.content_id
            && self.bytes() == other.bytes()
    }
}

impl Eq for Attachment {}

impl Attachment {
    /// A part made of bare bytes (content that is not MIME).
    pub(crate) fn from_bytes(content_type: &str, bytes: Vec<u8>) -> Self {
        let len = bytes.len();
        Attachment {
            content_type: content_type.to_string(),
            filename: None,
            disposition: None,
            content_id: None,
            source: Arc::new(bytes),
            body: 0..len,
            encoding: TransferEncoding::Identity,
            decoded: OnceLock::new(),
            fhir: OnceLock::new(),
        }
    }

    /// The leaf part `entity` of `source` (which the entity's ranges index).
    fn from_entity(entity: &Entity<'_>, source: &Arc<Vec<u8>>) -> Self {
        let part = entity.headers();
        Attachment {
            content_type: entity.content_type.clone(),
            filename: part.and_then(|p| p.attachment_name()).map(str::to_string),
            disposition: part.and_then(|p| p.content_disposition()).map(|d| d.c_type.to_ascii_lowercase()),
            content_id: part.and_then(|p| p.content_id()).map(|c| c.trim_matches(['<', '>']).to_string()),
            source: Arc::clone(source),
            body: entity.body.clone(),
            encoding: TransferEncoding::of(part),
            decoded: OnceLock::new(),
            fhir: OnceLock::new(),
        }
    }

    /// `type/subtype`, lowercase (`text/plain` when the part does not say).
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The filename (Content-Disposition `filename`, else Content-Type `name`).
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The Content-Disposition type (`attachment`, `inline`), lowercase.
    pub fn disposition(&self) -> Option<&str> {
        self.disposition.as_deref()
    }

    /// The Content-ID, without angle brackets (the Context IG's `X-Direct-Context` points at
    /// one).
    pub fn content_id(&self) -> Option<&str> {
        self.content_id.as_deref()
    }

    /// The body, with its transfer encoding (base64, quoted-printable) removed; decoded on the
    /// first call. The bytes are as sent: a text part's charset is not converted.
    pub fn bytes(&self) -> &[u8] {
        self.decoded.get_or_init(|| {
            transfer_encoding::decode(self.source.get(self.body.clone()).unwrap_or_default(), self.encoding)
        })
    }

    /// The FHIR payload this part holds, if recognised (reads the body).
    pub fn fhir(&self) -> Option<&FhirPayload> {
        self.fhir.get_or_init(|| detect_fhir(&self.content_type, self.bytes())).as_ref()
    }

    /// Whether this is an attachment rather than message text: it has a filename or an
    /// `attachment` disposition, is not `text/*`, or holds FHIR.
    pub fn is_attachment(&self) -> bool {
        self.filename.is_some()
            || self.disposition.as_deref() == Some("attachment")
            || !self.content_type.starts_with("text/")
            || self.fhir().is_some()
    }
}

/// Whether `name` looks like a FHIR resource type (`Bundle`, `DocumentReference`).
fn is_resource_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric()) && name.len() <= 64
}

/// The resource type (and Bundle type) of a JSON resource. Read by [`crate::json`]: a
/// document with a duplicate member (two `resourceType`s) is not recognised, as readers
/// disagree on which value it has. Each member or element costs at least one byte, so the
/// length bounds the entries.
fn json_resource(bytes: &[u8]) -> Option<(String, Option<String>)> {
    let value = serde_json::Value::Object(crate::json::parse_object(bytes, bytes.len()).ok()?);
    let resource_type = value.get("resourceType")?.as_str()?.to_string();
    if !is_resource_name(&resource_type) {
        return None;
    }
    let bundle_type = match resource_type.as_str() {
        "Bundle" => value.get("type").and_then(|t| t.as_str()).map(str::to_string),
        _ => None,
    };
    Some((resource_type, bundle_type))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The root element of an XML document, if it is in the FHIR namespace: scans past the XML
/// declaration, comments, processing instructions and a DOCTYPE, then reads the start tag.
fn xml_resource(bytes: &[u8]) -> Option<String> {
    let mut rest = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    loop {
        rest = rest.trim_ascii_start();
        if let Some(after) = rest.strip_prefix(b"<?") {
            rest = after.get(find(after, b"?>")? + 2..)?;
        } else if let Some(after) = rest.strip_prefix(b"<!--") {
            rest = after.get(find(after, b"-->")? + 3..)?;
        } else if let Some(after) = rest.strip_prefix(b"<!") {
            rest = after.get(find(after, b">")? + 1..)?;
        } else {
            break;
        }
    }
    let tag = rest.strip_prefix(b"<")?;
    let tag = tag.get(..find(tag, b">")?)?;
    let tag = std::str::from_utf8(tag).ok()?;
    let tag = tag.strip_suffix('/').unwrap_or(tag);
    let mut words = tag.splitn(2, |c: char| c.is_ascii_whitespace());
    let name = words.next()?;
    let attributes = words.next().unwrap_or_default();
    let (prefix, local) = match name.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, name),
    };
    let wanted = match prefix {
        Some(p) => format!("xmlns:{p}"),
        None => "xmlns".to_string(),
    };
    let mut attrs = attributes;
    let in_namespace = loop {
        attrs = attrs.trim_start();
        let Some((attr_name, after)) = attrs.split_once('=') else { break false };
        let after = after.trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            break false;
        }
        let value_and_rest = after.get(1..)?;
        let end = value_and_rest.find(quote)?;
        if attr_name.trim() == wanted && value_and_rest.get(..end)? == FHIR_NAMESPACE {
            break true;
        }
        attrs = value_and_rest.get(end + 1..)?;
    };
    (in_namespace && is_resource_name(local)).then(|| local.to_string())
}

/// Recognises a FHIR payload: by content type (`application/fhir+json`, `application/fhir+xml`
/// and the older `application/json+fhir`, `application/xml+fhir`), or by its body — a JSON
/// object with a `resourceType`, or an XML document whose root element is in the FHIR
/// namespace.
pub fn detect_fhir(content_type: &str, bytes: &[u8]) -> Option<FhirPayload> {
    let ct = content_type.to_ascii_lowercase();
    let declared = match ct.as_str() {
        "application/fhir+json" | "application/json+fhir" => Some(FhirFormat::Json),
        "application/fhir+xml" | "application/xml+fhir" => Some(FhirFormat::Xml),
        _ => None,
    };
    let first = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes).trim_ascii_start().first().copied();
    let sniffed = match (declared, first) {
        (Some(FhirFormat::Json), _) | (None, Some(b'{')) => json_resource(bytes).map(|(r, b)| FhirPayload {
            format: FhirFormat::Json,
            resource_type: Some(r),
            bundle_type: b,
        }),
        (Some(FhirFormat::Xml), _) | (None, Some(b'<')) => xml_resource(bytes).map(|r| FhirPayload {
            format: FhirFormat::Xml,
            resource_type: Some(r),
            bundle_type: None,
        }),
        _ => None,
    };
    match (sniffed, declared) {
        (Some(payload), _) => Some(payload),
        (None, Some(format)) => Some(FhirPayload { format, resource_type: None, bundle_type: None }),
        (None, None) => None,
    }
}

/// A content type for an outgoing attachment: FHIR JSON or XML when the body is one
/// (`application/fhir+json`, `application/fhir+xml`), else by the file extension (`.json`,
/// `.xml`, `.txt`, `.pdf`, `.html`, `.cda`/`.ccd` as XML), else `application/octet-stream`.
pub fn guess_content_type(filename: &str, bytes: &[u8]) -> &'static str {
    if let Some(fhir) = detect_fhir("", bytes) {
        return match fhir.format {
            FhirFormat::Json => "application/fhir+json",
            FhirFormat::Xml => "application/fhir+xml",
        };
    }
    let extension = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "json" => "application/json",
        "xml" | "cda" | "ccd" => "application/xml",
        "txt" => "text/plain",
        "pdf" => "application/pdf",
        "html" | "htm" => "text/html",
        _ => "application/octet-stream",
    }
}

/// The leaf parts of `entity` (read from `source`), in order: multiparts walked,
/// `message/rfc822` entities descended into.
pub(crate) fn leaves(entity: &Entity<'_>, source: &Arc<Vec<u8>>, out: &mut Vec<Attachment>) {
    if let Some(nested) = &entity.nested {
        leaves(nested, source, out);
    } else if entity.content_type.starts_with("multipart/") {
        for child in &entity.children {
            leaves(child, source, out);
        }
    } else {
        out.push(Attachment::from_entity(entity, source));
    }
}

/// The leaf parts of the MIME entity `source`, read within `limits` (`known` delimiter
/// positions index its buffer).
pub(crate) fn parts_of(
    source: &SignedBytes,
    limits: &Limits,
    known: Vec<mime_read::KnownDelimiters>,
) -> Result<Vec<Attachment>, DirectError> {
    let entity = source.as_slice();
    if entity.len() > limits.max_message_len {
        return Err(DirectError::TooLarge { what: "MIME entity", size: entity.len(), limit: limits.max_message_len });
    }
    if !mime_read::starts_with_field(entity) {
        return Err(DirectError::Mime("no MIME headers in the signed content".into()));
    }
    let root = mime_read::Reader::new(limits).with_known(known).entity(source.buffer(), source.range(), 0, true)?;
    let mut out = Vec::new();
    leaves(&root, source.buffer(), &mut out);
    Ok(out)
}

/// The leaf parts of a MIME entity (a message, or the signed content of one), in order.
/// Multiparts are walked and `message/rfc822` parts descended into, within `limits`.
pub fn parse_parts(entity: &[u8], limits: &Limits) -> Result<Vec<Attachment>, DirectError> {
    if entity.len() > limits.max_message_len {
        return Err(DirectError::TooLarge { what: "MIME entity", size: entity.len(), limit: limits.max_message_len });
    }
    parts_of(&SignedBytes::new(entity.to_vec()), limits, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_fhir() {
        let bundle = br#"{"resourceType":"Bundle","type":"document","entry":[]}"#;
        let p = detect_fhir("application/fhir+json", bundle).unwrap();
        assert_eq!(
            (p.format(), p.resource_type(), p.bundle_type()),
            (FhirFormat::Json, Some("Bundle"), Some("document"))
        );
        let p = detect_fhir("text/plain", b"  {\"resourceType\": \"Patient\"}").unwrap();
        assert_eq!(p.resource_type(), Some("Patient"));
        assert!(detect_fhir("text/plain", b"{\"resourceType\": \"not a type\"}").is_none());
        assert!(detect_fhir("application/json", b"{\"a\": 1}").is_none());
        let declared = detect_fhir("Application/FHIR+JSON", b"garbage").unwrap();
        assert_eq!(declared.resource_type(), None);

        let xml = b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c --><Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/></Bundle>";
        assert_eq!(detect_fhir("application/xml", xml).and_then(|p| p.resource_type.clone()), Some("Bundle".into()));
        let prefixed = b"<f:Patient a='1' xmlns:f='http://hl7.org/fhir'/>";
        assert_eq!(detect_fhir("text/xml", prefixed).and_then(|p| p.resource_type.clone()), Some("Patient".into()));
        assert!(detect_fhir("text/xml", b"<Bundle xmlns=\"urn:other\"/>").is_none());
        assert!(detect_fhir("text/xml", b"<ClinicalDocument xmlns=\"urn:hl7-org:v3\">").is_none());
        assert_eq!(guess_content_type("b.json", bundle), "application/fhir+json");
        assert_eq!(guess_content_type("notes.TXT", b"hello"), "text/plain");
        assert_eq!(guess_content_type("x.bin", b"\x00"), "application/octet-stream");
    }

    #[test]
    fn walks_parts_with_limits() {
        let entity = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
--b\r\nContent-Type: application/fhir+json; name=\"b.json\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
eyJyZXNvdXJjZVR5cGUiOiJCdW5kbGUifQ==\r\n--b--\r\n";
        let parts = parse_parts(entity, &Limits::default()).unwrap();
        assert_eq!(parts.len(), 2);
        assert!(!parts[0].is_attachment());
        assert_eq!(parts[1].filename(), Some("b.json"));
        assert_eq!(parts[1].bytes(), br#"{"resourceType":"Bundle"}"#);
        assert_eq!(parts[1].fhir().and_then(|f| f.resource_type()), Some("Bundle"));
        let tight = Limits { max_mime_parts: 2, ..Limits::default() };
        assert!(matches!(parse_parts(entity, &tight), Err(DirectError::LimitExceeded { .. })));
        let shallow = Limits { max_mime_depth: 0, ..Limits::default() };
        assert!(matches!(parse_parts(entity, &shallow), Err(DirectError::LimitExceeded { .. })));
    }
}

//! What verification takes per message ([`SmimeInput`]) and gives back ([`VerifiedMessage`]).

use std::ops::Range;
use std::sync::Arc;

use rustls_pki_types::UnixTime;

use super::DirectAddress;
use super::attachments::Attachment;
use super::binding::Binding;
use super::cms_verify::VerifiedSignature;
use super::envelope::Decryption;
use super::mime_read::{field, header_fields};
use super::originator::Originator;
use crate::VerifiedPath;
use crate::cert::Certificate;
use crate::revocation::RevocationData;

/// How the message carried its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedForm {
    /// `multipart/signed` with a detached `application/pkcs7-signature` part.
    MultipartSigned,
    /// `application/pkcs7-mime; smime-type=signed-data`: content encapsulated in the CMS.
    SignedData,
    /// A CMS signature and its content given separately.
    Detached,
}

impl SignedForm {
    /// `"multipart/signed"`, `"pkcs7-mime"` or `"detached"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignedForm::MultipartSigned => "multipart/signed",
            SignedForm::SignedData => "pkcs7-mime",
            SignedForm::Detached => "detached",
        }
    }
}

/// Per-message inputs: the validation time, the expected sender, and revocation data.
#[derive(Debug, Clone)]
pub struct SmimeInput<'a> {
    pub(crate) time: UnixTime,
    pub(crate) sender: Option<DirectAddress>,
    pub(crate) revocation: Option<&'a RevocationData>,
}

impl<'a> SmimeInput<'a> {
    /// Verify at `time`; the sender is taken from the message.
    pub fn new(time: UnixTime) -> Self {
        SmimeInput { time, sender: None, revocation: None }
    }

    /// The Direct address the signer must be bound to (e.g. the SMTP `MAIL FROM`), instead of
    /// the message's From header.
    pub fn sender(mut self, sender: DirectAddress) -> Self {
        self.sender = Some(sender);
        self
    }

    /// CRLs and OCSP responses for the signer's path (the Direct policy is hard-fail: without
    /// them, validation fails with `revocation_unknown`).
    pub fn revocation(mut self, revocation: &'a RevocationData) -> Self {
        self.revocation = Some(revocation);
        self
    }
}

/// The bytes of a message to verify: borrowed from the caller, or owned — a decrypted entity,
/// `range` of the buffer it was decrypted in — which the verified message then keeps rather
/// than a copy of its signed content.
pub(crate) enum MessageBytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>, Range<usize>),
}

impl MessageBytes<'_> {
    /// The message.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            MessageBytes::Borrowed(bytes) => bytes,
            MessageBytes::Owned(buffer, range) => buffer.get(range.clone()).unwrap_or_default(),
        }
    }

    /// `range` of [`Self::as_slice`] to keep: copied when borrowed, else in the buffer itself.
    pub(crate) fn keep(self, range: Range<usize>) -> SignedBytes {
        match self {
            MessageBytes::Borrowed(bytes) => SignedBytes::new(bytes.get(range).unwrap_or_default().to_vec()),
            MessageBytes::Owned(buffer, within) => {
                let start = within.start.saturating_add(range.start).min(within.end);
                let end = within.start.saturating_add(range.end).clamp(start, within.end);
                SignedBytes { buffer: Arc::new(buffer), range: start..end }
            }
        }
    }
}

/// A verified message's signed content: `range` of a buffer that its parts share.
#[derive(Debug, Clone)]
pub(crate) struct SignedBytes {
    buffer: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl SignedBytes {
    /// All of `bytes`.
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        let range = 0..bytes.len();
        SignedBytes { buffer: Arc::new(bytes), range }
    }

    /// The signed content.
    pub(crate) fn as_slice(&self) -> &[u8] {
        self.buffer.get(self.range.clone()).unwrap_or_default()
    }

    /// The buffer the content is part of (which its parts' ranges index).
    pub(crate) fn buffer(&self) -> &Arc<Vec<u8>> {
        &self.buffer
    }

    /// Where the content is in [`Self::buffer`].
    pub(crate) fn range(&self) -> Range<usize> {
        self.range.clone()
    }
}

/// A message whose signature, signer path and sender binding passed.
#[derive(Debug, Clone)]
pub struct VerifiedMessage {
    pub(crate) signature: VerifiedSignature,
    pub(crate) form: SignedForm,
    pub(crate) signed_content: SignedBytes,
    pub(crate) micalg: Option<String>,
    pub(crate) parts: Vec<Attachment>,
    pub(crate) originator: Option<Originator>,
    pub(crate) decryption: Option<Decryption>,
}

impl VerifiedMessage {
    /// The verified SignerInfo.
    pub fn signature(&self) -> &VerifiedSignature {
        &self.signature
    }

    /// The signer's certificate.
    pub fn signer(&self) -> &Certificate {
        self.signature.certificate()
    }

    /// The signer certificate's validated path.
    pub fn path(&self) -> &VerifiedPath {
        self.signature.path()
    }

    /// How the signer is bound to the sender (`None` when no sender was known and the binding
    /// was not checked: only for detached signatures without a sender).
    pub fn binding(&self) -> Option<Binding> {
        self.signature.binding()
    }

    /// The sender the binding was checked against.
    pub fn sender(&self) -> Option<&DirectAddress> {
        self.signature.sender()
    }

    /// The From and Sender addresses of the header the sender was read from: the wrapped
    /// message's when the signed content is one with a From field, else the outer message's
    /// (`None` for detached content that is not a MIME entity). With
    /// [`SmimeVerifier::allow_distinct_sender`](super::SmimeVerifier::allow_distinct_sender) they may name different people: show both.
    pub fn originator(&self) -> Option<&Originator> {
        self.originator.as_ref()
    }

    /// How the signature was carried.
    pub fn form(&self) -> SignedForm {
        self.form
    }

    /// The signed MIME entity, exactly as it was hashed.
    pub fn signed_content(&self) -> &[u8] {
        self.signed_content.as_slice()
    }

    /// The `micalg` parameter of a `multipart/signed` message, as given (not checked: the
    /// SignerInfo's digest algorithm is what counts).
    pub fn micalg(&self) -> Option<&str> {
        self.micalg.as_deref()
    }

    /// Every leaf part of the signed content, in order (text bodies included).
    pub fn parts(&self) -> &[Attachment] {
        &self.parts
    }

    /// The parts that are attachments ([`Attachment::is_attachment`]), FHIR payloads included.
    pub fn attachments(&self) -> impl Iterator<Item = &Attachment> {
        self.parts.iter().filter(|p| p.is_attachment())
    }

    /// The value of a header field of the signed message — the wrapped message's header when
    /// the signed content is one (`message/rfc822`, AS v1.3), else the signed entity's — first
    /// occurrence, unfolded; `None` when absent. Only signed fields are read: what the signer
    /// sent, not what a relay added (e.g. `X-Direct-Context`, `Message-ID`).
    pub fn header(&self, name: &str) -> Option<String> {
        let content = self.signed_content.as_slice();
        let (fields, body) = header_fields(content)?;
        let wrapped = field(&fields, "content-type")
            .is_some_and(|t| t.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("message/rfc822")));
        if wrapped {
            let (inner, _) = header_fields(content.get(body..)?)?;
            return field(&inner, name).map(str::to_string);
        }
        field(&fields, name).map(str::to_string)
    }

    /// How the message was decrypted, when it was encrypted
    /// ([`SmimeVerifier::decrypt_message`](super::SmimeVerifier::decrypt_message)).
    pub fn decryption(&self) -> Option<&Decryption> {
        self.decryption.as_ref()
    }

    pub(crate) fn set_decryption(&mut self, decryption: Decryption) {
        self.decryption = Some(decryption);
    }
}

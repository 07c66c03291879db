//! S/MIME messages (RFC 8551 §3.5): finding the signature and the exact signed bytes in a MIME
//! message, verifying them, and returning the signed content's parts.
//!
//! - `multipart/signed; protocol="application/pkcs7-signature"` (RFC 1847): the signed content
//!   is the first body part exactly as transmitted — from its first header byte to the CRLF
//!   before the next boundary delimiter, which belongs to the delimiter (RFC 2046 §5.1.1) —
//!   and the second part holds a detached SignedData. The content is hashed as it is; if that
//!   fails and it has bare LF line ends (a message stored with Unix line ends), it is hashed
//!   again in canonical CRLF form (RFC 8551 §3.1.1).
//! - `application/pkcs7-mime; smime-type=signed-data` (also `x-pkcs7-mime`, and
//!   `application/octet-stream` named `*.p7m`): the SignedData encapsulates the content.
//!
//! The sender whose address the signer must be bound to is the one given, else the From
//! address of the signed content when it is a wrapped message (`message/rfc822`, as AS v1.3
//! requires), else the message's From address (Sender when From lists several). Whatever the
//! sender, the outer header and a wrapped message's header must each have at most one From
//! and one Sender field, and a Sender must be one of the From addresses unless
//! [`SmimeVerifier::allow_distinct_sender`] is set ([`Originator`]).

use std::sync::Arc;

use crate::crypto::DigestAlgorithm;

use mail_parser::{Message, MimeHeaders};

use super::attachments::{Attachment, parts_of};
use super::binding::BindingPolicy;
use super::cms_verify::{self, Context, Sender, VerifiedSignature};
use super::mime_read::{self, KnownDelimiters, Reader};
use super::originator::Originator;
use super::policy::{Purpose, narrow_policy, policy};
use super::transfer_encoding::{self, TransferEncoding};
use super::verified::{MessageBytes, SignedBytes};
pub use super::verified::{SignedForm, SmimeInput, VerifiedMessage};
use super::{DirectAddress, DirectError, Limits};
use crate::cert::Certificate;
use crate::crypto::cache::SignatureCache;
use crate::trust::{CertificatePool, TrustStore};
use crate::{Policy, Verifier};

/// Verifies signed S/MIME messages from Direct senders: trust store, Direct signing policy,
/// binding rules and limits. Build one and share it (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct SmimeVerifier {
    verifier: Verifier,
    binding: BindingPolicy,
    limits: Limits,
    allow_sha1: bool,
    allow_distinct_sender: bool,
    certificates: Arc<Vec<Certificate>>,
}

impl SmimeVerifier {
    /// Trusts the anchors of `store` (e.g. a DirectTrust bundle; anchors may be intermediate
    /// CAs) under the Direct signing policy ([`policy`]`(Purpose::Signing)`).
    pub fn new(store: TrustStore) -> Self {
        SmimeVerifier::with_policy(store, policy(Purpose::Signing))
    }

    /// Uses `policy` (e.g. [`Policy::direct`] with required certificate policies or hooks),
    /// narrowed to signing ([`narrow_policy`]): the leaf needs digitalSignature whatever
    /// `policy` says.
    pub fn with_policy(store: TrustStore, policy: Policy) -> Self {
        SmimeVerifier {
            verifier: Verifier::new(store, narrow_policy(policy, Purpose::Signing)),
            binding: BindingPolicy::default(),
            limits: Limits::default(),
            allow_sha1: false,
            allow_distinct_sender: false,
            certificates: Arc::new(Vec::new()),
        }
    }

    /// Intermediates offered to every path (e.g. fetched from AIA caIssuers).
    pub fn with_intermediates(mut self, pool: CertificatePool) -> Self {
        self.verifier = self.verifier.with_intermediates(pool);
        self
    }

    /// Certificates that may be the signer's when a message does not carry it (e.g. found by
    /// DNS CERT or LDAP discovery); also offered as intermediates.
    pub fn with_certificates(mut self, certificates: Vec<Certificate>) -> Self {
        self.certificates = Arc::new(certificates);
        self
    }

    /// Caches certificate signature checks (see [`Verifier::with_signature_cache`]).
    pub fn with_signature_cache(mut self, cache: Arc<SignatureCache>) -> Self {
        self.verifier = self.verifier.with_signature_cache(cache);
        self
    }

    /// How certificates must bind the sender (default: [`BindingPolicy::default`]).
    pub fn with_binding_policy(mut self, binding: BindingPolicy) -> Self {
        self.binding = binding;
        self
    }

    /// Size and structure limits (default: [`Limits::default`]).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Legacy switch: accept SHA-1 message digests and SHA-1 CMS signatures (AS v1.2 and
    /// earlier peers). Off by default; certificates signed with SHA-1 stay refused unless the
    /// policy's algorithms allow them.
    pub fn allow_sha1(mut self, allow: bool) -> Self {
        self.allow_sha1 = allow;
        self
    }

    /// Accept a message whose Sender header names someone the From header does not (a
    /// secretary sending for the author, RFC 5322 §3.6.2). Off by default: a mail client shows
    /// the From address, while the signer is bound to the Sender, so such a message is a
    /// [`DirectError::SenderNotFrom`]. When on, the signer must be bound to the Sender, and
    /// [`VerifiedMessage::originator`] reports both addresses for the caller to show.
    pub fn allow_distinct_sender(mut self, allow: bool) -> Self {
        self.allow_distinct_sender = allow;
        self
    }

    /// The path verifier (trust store, policy, intermediates).
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn originator(&self, message: &Message<'_>, part: &'static str) -> Result<Originator, DirectError> {
        Originator::read(message, part, self.allow_distinct_sender)
    }

    /// The originator fields of a wrapped message (`message/rfc822` signed content), if the
    /// content is one.
    fn wrapped_originator(&self, entity: &[u8]) -> Result<Option<Originator>, DirectError> {
        if !mime_read::starts_with_field(entity) {
            return Ok(None);
        }
        let mut reader = Reader::new(&self.limits);
        let Ok(root) = reader.shallow(entity, 0..entity.len()) else { return Ok(None) };
        if !matches!(root.content_type.as_str(), "message/rfc822" | "message/global") {
            return Ok(None);
        }
        match reader.shallow(entity, root.body.clone()) {
            Ok(inner) => self.originator(&inner.header, "wrapped message").map(Some),
            Err(_) => Ok(None),
        }
    }

    /// The sender — `given`, else the one the headers name — and the header that names it:
    /// the wrapped message's when it has a From field (AS v1.3), else the outer one's.
    fn header_sender(
        outer: Originator,
        wrapped: Option<Originator>,
        given: Option<&DirectAddress>,
    ) -> Result<(Option<DirectAddress>, Originator), DirectError> {
        let originator = match wrapped {
            Some(wrapped) if !wrapped.from_addresses().is_empty() => wrapped,
            _ => outer,
        };
        let sender = match given {
            Some(given) => Some(given.clone()),
            None => originator.signer_address()?,
        };
        Ok((sender, originator))
    }

    fn context<'a>(&'a self, input: &'a SmimeInput<'_>, sender: Sender<'a>) -> Context<'a> {
        Context {
            verifier: &self.verifier,
            binding_policy: &self.binding,
            limits: &self.limits,
            allow_sha1: self.allow_sha1,
            known_certificates: &self.certificates,
            time: input.time,
            sender,
            revocation: input.revocation,
        }
    }

    /// Verifies a CMS SignedData (DER, BER or PEM) over its encapsulated content, or over
    /// `detached_content` (hashed exactly as given). The binding is checked when `input` names
    /// a sender.
    pub fn verify_signed_data(
        &self,
        cms: &[u8],
        detached_content: Option<&[u8]>,
        input: &SmimeInput<'_>,
    ) -> Result<VerifiedSignature, DirectError> {
        let sender = match &input.sender {
            Some(s) => Sender::Given(s),
            None => Sender::Unchecked,
        };
        cms_verify::verify(cms, detached_content, &self.context(input, sender))
    }

    /// Verifies a detached CMS signature over `content`, hashed as given or, failing that, in
    /// canonical CRLF form. When `content` is a MIME entity its parts are returned and its From
    /// address is the sender unless `input` names one; otherwise it is one part, and without a
    /// sender in `input` the binding is not checked.
    pub fn verify_detached(
        &self,
        cms: &[u8],
        content: &[u8],
        input: &SmimeInput<'_>,
    ) -> Result<VerifiedMessage, DirectError> {
        let parsed =
            looks_like_mime(content).then(|| mime_read::read_message(content, &self.limits, false).ok()).flatten();
        let (resolved, originator) = match &parsed {
            Some(message) => {
                let outer = self.originator(&message.header, "content")?;
                let wrapped = self.wrapped_originator(content)?;
                let (sender, originator) = Self::header_sender(outer, wrapped, input.sender.as_ref())?;
                (sender, Some(originator))
            }
            None => (input.sender.clone(), None),
        };
        let sender = resolved.as_ref().map_or(Sender::Unchecked, Sender::Given);
        let (signature, canonical, _) =
            self.verify_canonical(cms, content, &self.context(input, sender), None, None)?;
        let (signed, _) = kept(MessageBytes::Borrowed(content), 0..content.len(), canonical, Vec::new());
        let parts = if parsed.is_some() {
            parts_of(&signed, &self.limits, Vec::new())?
        } else {
            let bytes = signed.as_slice();
            vec![Attachment::from_bytes(super::guess_content_type("", bytes), bytes.to_vec())]
        };
        Ok(VerifiedMessage {
            signature,
            form: SignedForm::Detached,
            signed_content: signed,
            micalg: None,
            parts,
            originator,
            decryption: None,
        })
    }

    /// Verifies `content` as given, then in canonical CRLF form if its digest did not match
    /// and it has bare LF line ends (returned when that is what verified). The content is
    /// hashed in one pass, which also finds the delimiters of `inner` (the content's top
    /// multipart, returned for reading its parts) and checks that no delimiter of `outer` (the
    /// enclosing `multipart/signed`) occurs in it.
    fn verify_canonical(
        &self,
        cms: &[u8],
        content: &[u8],
        ctx: &Context<'_>,
        outer: Option<&str>,
        inner: Option<(String, core::ops::Range<usize>)>,
    ) -> Result<Canonical, DirectError> {
        let algorithms = cms_verify::digest_algorithms(cms, ctx.limits);
        let needles: Vec<Vec<u8>> = [outer.map(mime_read::needle), inner.as_ref().map(|(b, _)| mime_read::needle(b))]
            .into_iter()
            .flatten()
            .collect();
        let (digests, mut found) = hash_and_find(content, &algorithms, &needles);
        if let Some(outer) = outer {
            let positions = found.remove(0);
            if positions.iter().any(|at| mime_read::is_delimiter(content, at + 1, outer)) {
                return Err(DirectError::Mime("multipart/signed must have exactly two parts, not more".into()));
            }
        }
        let known = match (inner, found.pop()) {
            (Some((boundary, region)), Some(positions)) => vec![KnownDelimiters { boundary, region, positions }],
            _ => Vec::new(),
        };
        match cms_verify::verify_with_digests(cms, Some(content), &digests, ctx) {
            Ok(signature) => Ok((signature, None, known)),
            Err(DirectError::DigestMismatch) => match canonical_crlf(content) {
                Some(canonical) => {
                    let signature = cms_verify::verify(cms, Some(&canonical), ctx)?;
                    Ok((signature, Some(canonical), Vec::new()))
                }
                None => Err(DirectError::DigestMismatch),
            },
            Err(e) => Err(e),
        }
    }

    /// Verifies a signed S/MIME message (see the module documentation): signature, signer
    /// path under the Direct policy, binding to the sender; returns the signed content's
    /// parts.
    pub fn verify_message(&self, message: &[u8], input: &SmimeInput<'_>) -> Result<VerifiedMessage, DirectError> {
        self.verify_entity(MessageBytes::Borrowed(message), input, None)
    }

    /// [`Self::verify_message`] of a message the caller owns: the verified message keeps
    /// `message` itself rather than a copy of its signed content, which saves a copy of
    /// nearly the whole message (time, and peak memory for large attachments).
    pub fn verify_owned_message(
        &self,
        message: Vec<u8>,
        input: &SmimeInput<'_>,
    ) -> Result<VerifiedMessage, DirectError> {
        let whole = 0..message.len();
        self.verify_entity(MessageBytes::Owned(message, whole), input, None)
    }

    /// [`Self::verify_message`] for a message or, decrypted, the entity an encrypted message
    /// carried: without From and Sender fields of its own, the `envelope`'s count. An owned
    /// entity's signed content is kept where it is, not copied.
    pub(crate) fn verify_entity(
        &self,
        bytes: MessageBytes<'_>,
        input: &SmimeInput<'_>,
        envelope: Option<&Originator>,
    ) -> Result<VerifiedMessage, DirectError> {
        let message = bytes.as_slice();
        if message.len() > self.limits.max_message_len {
            return Err(DirectError::TooLarge {
                what: "message",
                size: message.len(),
                limit: self.limits.max_message_len,
            });
        }
        let root = mime_read::read_root(message, &self.limits)?;
        let content_type = root.content_type.clone();
        let outer = match (self.originator(&root.header, "message")?, envelope) {
            (own, Some(envelope)) if own.from_addresses().is_empty() && own.sender().is_none() => envelope.clone(),
            (own, _) => own,
        };
        match content_type.as_str() {
            "multipart/signed" => {
                let protocol = root.content_type_param("protocol").map(str::to_ascii_lowercase);
                if let Some(p) = &protocol
                    && !is_signature_type(p)
                {
                    return Err(DirectError::NotSigned(format!(
                        "multipart/signed with protocol {p:?} is not S/MIME (application/pkcs7-signature)"
                    )));
                }
                let micalg = root.content_type_param("micalg").map(str::to_string);
                let boundary = root
                    .content_type_param("boundary")
                    .filter(|b| !b.is_empty())
                    .ok_or_else(|| DirectError::Mime("multipart/signed without a boundary".into()))?
                    .to_string();
                let (content_range, signature_range) = mime_read::split_signed(message, root.body.clone(), &boundary)?;
                let signature_part = Reader::new(&self.limits).shallow(message, signature_range)?;
                let signature_type = &signature_part.content_type;
                if !is_signature_type(signature_type)
                    && mime_read::has_delimiter(message.get(content_range.clone()).unwrap_or_default(), &boundary)
                {
                    return Err(DirectError::Mime("multipart/signed must have exactly two parts, not more".into()));
                }
                if !is_signature_type(signature_type) {
                    return Err(DirectError::NotSigned(format!(
                        "the second part of multipart/signed is {signature_type}, not application/pkcs7-signature"
                    )));
                }
                let signed = message
                    .get(content_range.clone())
                    .ok_or_else(|| DirectError::Mime("the signed part's bounds are outside the message".into()))?;
                let wrapped = self.wrapped_originator(signed)?;
                let (sender, originator) = Self::header_sender(outer, wrapped, input.sender.as_ref())?;
                let sender = sender.ok_or_else(|| {
                    DirectError::MissingSender("the message has no From header: give the expected sender".into())
                })?;
                let ctx = self.context(input, Sender::Given(&sender));
                let cms = transfer_encoding::decode(
                    message.get(signature_part.body.clone()).unwrap_or_default(),
                    TransferEncoding::of(signature_part.headers()),
                );
                let inner = mime_read::top_multipart(signed, &self.limits);
                let (signature, canonical, known) =
                    self.verify_canonical(&cms, signed, &ctx, Some(&boundary), inner)?;
                let (signed, known) = kept(bytes, content_range, canonical, known);
                let parts = parts_of(&signed, &self.limits, known)?;
                Ok(VerifiedMessage {
                    signature,
                    form: SignedForm::MultipartSigned,
                    signed_content: signed,
                    micalg,
                    parts,
                    originator: Some(originator),
                    decryption: None,
                })
            }
            "application/pkcs7-mime" | "application/x-pkcs7-mime" | "application/octet-stream" => {
                if content_type == "application/octet-stream"
                    && !root
                        .headers()
                        .and_then(|h| h.attachment_name())
                        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".p7m"))
                {
                    return Err(DirectError::NotSigned("content type application/octet-stream".into()));
                }
                let smime_type = root.content_type_param("smime-type").map(str::to_ascii_lowercase);
                match smime_type.as_deref() {
                    None | Some("signed-data") => {}
                    Some("enveloped-data" | "authenveloped-data") => {
                        return Err(DirectError::Unsupported(
                            "encrypted S/MIME (enveloped-data): decrypt and verify it with the recipient's key \
                             (decrypt_message)"
                                .into(),
                        ));
                    }
                    Some("certs-only") => {
                        return Err(DirectError::NotSigned("a certs-only message carries no signature".into()));
                    }
                    Some(other) => return Err(DirectError::Unsupported(format!("smime-type {other}"))),
                }
                let resolve = |content: &[u8]| -> Result<Option<DirectAddress>, DirectError> {
                    Ok(Self::header_sender(outer.clone(), self.wrapped_originator(content)?, None)?.0)
                };
                let sender = match &input.sender {
                    Some(s) => Sender::Given(s),
                    None => Sender::FromContent(&resolve),
                };
                let cms = transfer_encoding::decode(
                    message.get(root.body.clone()).unwrap_or_default(),
                    TransferEncoding::of(root.headers()),
                );
                let signature = cms_verify::verify(&cms, None, &self.context(input, sender))?;
                let signed = SignedBytes::new(signature.encapsulated_content().unwrap_or_default().to_vec());
                // Read again here: a given sender left the wrapped header unread.
                let wrapped = self.wrapped_originator(signed.as_slice())?;
                let (_, originator) = Self::header_sender(outer, wrapped, input.sender.as_ref())?;
                let parts = parts_of(&signed, &self.limits, Vec::new())?;
                Ok(VerifiedMessage {
                    signature,
                    form: SignedForm::SignedData,
                    signed_content: signed,
                    micalg: None,
                    parts,
                    originator: Some(originator),
                    decryption: None,
                })
            }
            other => Err(DirectError::NotSigned(format!("content type {other}"))),
        }
    }
}

fn is_signature_type(t: &str) -> bool {
    matches!(t, "application/pkcs7-signature" | "application/x-pkcs7-signature")
}

/// Whether `content` starts with a header field (`Name: value`).
fn looks_like_mime(content: &[u8]) -> bool {
    let line = content.split(|b| *b == b'\n').next().unwrap_or_default();
    match line.iter().position(|b| *b == b':') {
        Some(colon) => colon > 0 && line.iter().take(colon).all(|b| b.is_ascii_alphanumeric() || *b == b'-'),
        None => false,
    }
}

/// A verified signature, the content in canonical form when that is what verified, and the
/// delimiters found in the content as given.
type Canonical = (VerifiedSignature, Option<Vec<u8>>, Vec<KnownDelimiters>);

/// The content a verified message keeps — `range` of `bytes`, or its `canonical` form when
/// that is what verified — and the delimiters `known` in it, moved to where it lies in its
/// buffer.
fn kept(
    bytes: MessageBytes<'_>,
    range: core::ops::Range<usize>,
    canonical: Option<Vec<u8>>,
    known: Vec<KnownDelimiters>,
) -> (SignedBytes, Vec<KnownDelimiters>) {
    match canonical {
        Some(canonical) => (SignedBytes::new(canonical), Vec::new()),
        None => {
            let signed = bytes.keep(range);
            let offset = signed.range().start;
            (signed, known.into_iter().map(|k| k.shifted(offset)).collect())
        }
    }
}

/// The content's digests by algorithm, and where each needle occurs.
type Hashed = (Vec<(DigestAlgorithm, Vec<u8>)>, Vec<Vec<usize>>);

/// The digests of `content` under `algorithms` and the offsets of every occurrence of each of
/// `needles` (delimiter needles, [`mime_read::needle`], which all start with `\n--`), found
/// chunk by chunk while the chunk is in cache for hashing: one search for the common prefix,
/// then each needle compared where it matched.
fn hash_and_find(content: &[u8], algorithms: &[DigestAlgorithm], needles: &[Vec<u8>]) -> Hashed {
    const CHUNK: usize = 64 << 10;
    const PREFIX: &[u8] = b"\n--";
    let mut hashers: Vec<_> = algorithms.iter().map(|a| a.hasher()).collect();
    let prefix = memchr::memmem::Finder::new(PREFIX);
    let mut found = vec![Vec::new(); needles.len()];
    for (index, chunk) in content.chunks(CHUNK).enumerate() {
        let offset = index * CHUNK;
        for hasher in &mut hashers {
            hasher.update(chunk);
        }
        if needles.is_empty() {
            continue;
        }
        // A match may start in this chunk and end in the next.
        let window = content.get(offset..(offset + CHUNK + PREFIX.len()).min(content.len())).unwrap_or_default();
        for at in prefix.find_iter(window).filter(|at| *at < CHUNK).map(|at| offset + at) {
            let rest = content.get(at..).unwrap_or_default();
            for (needle, positions) in needles.iter().zip(&mut found) {
                if rest.starts_with(needle) {
                    positions.push(at);
                }
            }
        }
    }
    let digests = hashers.into_iter().map(|h| (h.algorithm(), h.finish())).collect();
    (digests, found)
}

/// `bytes` with every bare LF turned into CRLF, or `None` when there is none.
fn canonical_crlf(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut previous = 0u8;
    let bare = bytes.iter().any(|b| {
        let bare = *b == b'\n' && previous != b'\r';
        previous = *b;
        bare
    });
    if !bare {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut previous = 0u8;
    for b in bytes {
        if *b == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(*b);
        previous = *b;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises_bare_lf_only() {
        assert_eq!(canonical_crlf(b"a\r\nb"), None);
        assert_eq!(canonical_crlf(b"a\nb\r\n").as_deref(), Some(&b"a\r\nb\r\n"[..]));
        assert!(looks_like_mime(b"Content-Type: text/plain\r\n\r\nx"));
        assert!(!looks_like_mime(b"{\"resourceType\": \"Bundle\"}"));
    }

    #[test]
    fn delimiters_are_found_across_chunk_edges() {
        // Delimiters of two boundaries, one straddling the 64 KiB chunk edge, one at the end,
        // among look-alikes ("\n--" followed by something else).
        let mut content = vec![b'A'; 200_000];
        for (at, text) in [(10, "\n--outer"), (65_533, "\n--inner"), (100_000, "\n--other"), (199_991, "\n--inner")] {
            content[at..at + text.len()].copy_from_slice(text.as_bytes());
        }
        let needles = [mime_read::needle("outer"), mime_read::needle("inner")];
        let (digests, found) = hash_and_find(&content, &[DigestAlgorithm::Sha256], &needles);
        assert_eq!(digests, vec![(DigestAlgorithm::Sha256, DigestAlgorithm::Sha256.digest(&content))]);
        assert_eq!(found, vec![vec![10], vec![65_533, 199_991]]);
        assert_eq!(hash_and_find(&content, &[], &[]).1, Vec::<Vec<usize>>::new());
    }
}

//! [`DirectError`]: why a Direct message, signature or certificate was rejected.

use crate::error::{Reason, ValidationError};

/// A rejected S/MIME message, CMS signature, binding or signing request. Every variant says
/// which rule failed; [`DirectError::kind`] gives a short stable identifier for logs and JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DirectError {
    /// An input is larger than its limit (see [`crate::direct::Limits`]).
    #[error("{what} too large: {size} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// Which input.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A structural limit was exceeded (MIME nesting or parts, certificates or signers in the
    /// SignedData, DER nesting).
    #[error("too many {what}: more than {limit}")]
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// The message is not well-formed MIME (RFC 2045, RFC 2046, RFC 1847).
    #[error("malformed MIME message: {0}")]
    Mime(String),
    /// The message is not a signed S/MIME message (RFC 8551 §3.5): neither `multipart/signed`
    /// with `application/pkcs7-signature` nor `application/pkcs7-mime; smime-type=signed-data`.
    #[error("not a signed S/MIME message: {0}")]
    NotSigned(String),
    /// A well-formed input this crate does not handle (an encrypted message, another CMS
    /// content type).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The CMS structure (RFC 5652) does not decode or breaks a rule of the syntax.
    #[error("malformed CMS: {0}")]
    Cms(String),
    /// The signer's digest algorithm is not allowed (MD5, SHA-1 unless the legacy switch is
    /// on, or unknown).
    #[error("digest algorithm {0} is not allowed")]
    DigestAlgorithm(String),
    /// No certificate matching the SignerInfo's `sid` was found in the SignedData or among the
    /// caller's certificates.
    #[error("signer certificate not found: {0}")]
    SignerNotFound(String),
    /// The signed attributes break RFC 5652 §5.3 / §11 (content-type or message-digest
    /// missing, repeated or wrong).
    #[error("signed attributes: {0}")]
    SignedAttributes(String),
    /// The message-digest attribute does not match the content: the content was altered, or it
    /// is not the content that was signed.
    #[error("message digest mismatch: the signed content was altered or is not the content that was signed")]
    DigestMismatch,
    /// The SignerInfo signature does not verify, or its algorithm or key is not allowed.
    #[error("CMS signature rejected: {0}")]
    Signature(Reason),
    /// The signer's certificate failed path validation under the Direct policy (the wrapped
    /// error says which certificate of the path broke which rule).
    #[error("signer certificate rejected: {0}")]
    Certificate(#[source] ValidationError),
    /// A recipient's certificate failed path validation under the Direct policy for
    /// encryption (the wrapped error says which certificate of the path broke which rule).
    #[error("recipient certificate rejected: {0}")]
    RecipientCertificate(#[source] ValidationError),
    /// The signer's certificate is not bound to the expected sender address.
    #[error("signer certificate is not bound to {address} (its names: {names})")]
    BindingMismatch {
        /// The expected sender.
        address: String,
        /// The certificate's rfc822Name and dNSName entries, comma-separated.
        names: String,
    },
    /// No sender address to check the binding against (no From header and none given).
    #[error("no sender address: {0}")]
    MissingSender(String),
    /// An originator field occurs more than once in a message's header (RFC 5322 §3.6: one
    /// From, at most one Sender): readers disagree on which one counts.
    #[error("{part} has {count} {field} header fields (RFC 5322 §3.6 allows one)")]
    DuplicateHeader {
        /// `"message"`, `"wrapped message"` or `"content"`.
        part: &'static str,
        /// `"From"` or `"Sender"`.
        field: &'static str,
        /// How many there are.
        count: usize,
    },
    /// The Sender header names an address that the From header does not: a mail client shows
    /// the From address as the author, while the signer would be bound to the Sender. Allowed
    /// only with [`crate::direct::SmimeVerifier::allow_distinct_sender`].
    #[error("Sender {sender} is none of the From addresses {from:?}")]
    SenderNotFrom {
        /// The From addresses.
        from: Vec<String>,
        /// The Sender address.
        sender: String,
    },
    /// A string is not a valid Direct address (`local@domain`).
    #[error("invalid Direct address {0:?}")]
    InvalidAddress(String),
    /// The private key cannot be used for signing (format, type, size, or it does not match
    /// the certificate).
    #[error("invalid private key: {0}")]
    Key(String),
    /// A signed message could not be built.
    #[error("cannot build the signed message: {0}")]
    Signing(String),
    /// The message is not an encrypted S/MIME message (RFC 8551 §3.3): neither
    /// `application/pkcs7-mime; smime-type=enveloped-data` (or `authEnveloped-data`) nor a CMS
    /// EnvelopedData or AuthEnvelopedData.
    #[error("not an encrypted S/MIME message: {0}")]
    NotEncrypted(String),
    /// The message could not be decrypted and verified: no RecipientInfo names one of the keys,
    /// or the key does not open it, or its content does not decrypt to an intact signed message.
    /// Deliberately one error with one message, whichever step failed: telling them apart would
    /// make the receiver an oracle for an attacker's altered ciphertexts (RFC 3218).
    #[error("the message could not be decrypted: it is not for these keys, or it was altered")]
    Decryption,
    /// The message's context (Implementation Guide for Expressing Context in Direct
    /// Messaging) is malformed or uses values the guide does not allow.
    #[error("invalid Direct context: {0}")]
    Context(String),
    /// A delivery notification (RFC 3798 MDN) is malformed, or was not sent by the final
    /// recipient it reports on.
    #[error("invalid delivery notification: {0}")]
    Notification(String),
    /// A message could not be encrypted (randomness, encoding).
    #[error("cannot encrypt the message: {0}")]
    Encryption(String),
}

impl DirectError {
    /// A short stable identifier of the rule that failed. For [`DirectError::Certificate`] and
    /// [`DirectError::RecipientCertificate`] it is
    /// the path validation's own kind ([`crate::Reason::kind`]: `revoked`, `key_usage`,
    /// `unknown_issuer`, ...); the other kinds are distinct from those.
    pub fn kind(&self) -> &'static str {
        match self {
            DirectError::TooLarge { .. } => "too_large",
            DirectError::LimitExceeded { .. } => "limit_exceeded",
            DirectError::Mime(_) => "malformed_mime",
            DirectError::NotSigned(_) => "not_signed",
            DirectError::Unsupported(_) => "unsupported",
            DirectError::Cms(_) => "malformed_cms",
            DirectError::DigestAlgorithm(_) => "digest_algorithm",
            DirectError::SignerNotFound(_) => "signer_not_found",
            DirectError::SignedAttributes(_) => "signed_attributes",
            DirectError::DigestMismatch => "message_digest_mismatch",
            DirectError::Signature(reason) => match reason {
                Reason::BadSignature => "cms_bad_signature",
                Reason::WeakRsaKey { .. } => "cms_weak_key",
                Reason::UnsupportedPublicKey(_) => "cms_unsupported_key",
                _ => "cms_signature_algorithm",
            },
            DirectError::Certificate(e) | DirectError::RecipientCertificate(e) => e.kind(),
            DirectError::BindingMismatch { .. } => "binding_mismatch",
            DirectError::MissingSender(_) => "missing_sender",
            DirectError::DuplicateHeader { .. } => "duplicate_header",
            DirectError::SenderNotFrom { .. } => "sender_not_from",
            DirectError::InvalidAddress(_) => "invalid_address",
            DirectError::Key(_) => "invalid_key",
            DirectError::Signing(_) => "smime_signing_failed",
            DirectError::NotEncrypted(_) => "not_encrypted",
            DirectError::Decryption => "decryption_failed",
            DirectError::Encryption(_) => "encryption_failed",
            DirectError::Context(_) => "invalid_context",
            DirectError::Notification(_) => "invalid_notification",
        }
    }

    /// The path validation error, for [`DirectError::Certificate`] and
    /// [`DirectError::RecipientCertificate`].
    pub fn validation_error(&self) -> Option<&ValidationError> {
        match self {
            DirectError::Certificate(e) | DirectError::RecipientCertificate(e) => Some(e),
            _ => None,
        }
    }

    /// A BER input that could not be normalised: a limit, or malformed CMS.
    pub(crate) fn from_ber(error: crate::ParseError) -> DirectError {
        match error {
            crate::ParseError::LimitExceeded { what, limit } => DirectError::LimitExceeded { what, limit },
            other => DirectError::Cms(other.to_string()),
        }
    }

    pub(crate) fn cms(what: impl core::fmt::Display) -> DirectError {
        DirectError::Cms(what.to_string())
    }
}

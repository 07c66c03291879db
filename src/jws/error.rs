//! [`JwsError`]: one variant per way a JWS can be wrong, each with a stable [`JwsError::kind`]
//! and a coarse [`ErrorClass`] for mapping to protocol errors (OAuth `invalid_request`,
//! `invalid_client`, ...).

use crate::error::ValidationError;

/// Coarse classification of a [`JwsError`], for mapping to protocol error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The token is not a well-formed compact JWS (encoding, JSON, structure, limits).
    Malformed,
    /// Well-formed, but uses something this verifier does not accept (an algorithm, a
    /// critical extension, a key type or size).
    Unsupported,
    /// The signature does not verify with the signer's key.
    Signature,
    /// The `x5c` certificates are missing, malformed or do not lead to a trusted anchor.
    Certificate,
    /// Producing a JWS failed (bad private key, key/certificate mismatch).
    Signing,
}

impl ErrorClass {
    /// A short stable identifier (`"malformed"`, `"unsupported"`, `"signature"`,
    /// `"certificate"`, `"signing"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Malformed => "malformed",
            ErrorClass::Unsupported => "unsupported",
            ErrorClass::Signature => "signature",
            ErrorClass::Certificate => "certificate",
            ErrorClass::Signing => "signing",
        }
    }
}

impl core::fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which part of a compact JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Segment {
    /// The first segment, the protected header.
    Header,
    /// The second segment, the payload.
    Payload,
    /// The third segment, the signature.
    Signature,
}

impl core::fmt::Display for Segment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Segment::Header => "header",
            Segment::Payload => "payload",
            Segment::Signature => "signature",
        })
    }
}

/// Why a JWS was rejected (or could not be produced).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwsError {
    /// The token is longer than [`crate::jws::Limits::max_token_len`].
    #[error("JWS of {size} bytes exceeds the limit of {limit}")]
    TokenTooLarge {
        /// The token's length in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The token looks like the JWS JSON serialization; only the compact form is accepted.
    #[error("JWS JSON serialization is not supported; use the compact serialization")]
    JsonSerialization,
    /// The token is not three dot-separated segments, or a required segment is empty.
    #[error("malformed compact JWS: {0}")]
    Malformed(&'static str),
    /// A segment is not unpadded base64url (RFC 7515 §2): padding, a character outside the
    /// alphabet, whitespace, or non-zero trailing bits.
    #[error("{0} segment is not valid unpadded base64url")]
    Base64(Segment),
    /// The protected header is not a JSON object (or not valid JSON / UTF-8).
    #[error("protected header is not a valid JSON object: {0}")]
    HeaderJson(String),
    /// The protected header has the same member name twice (at any depth).
    #[error("protected header has duplicate member {0:?}")]
    DuplicateHeaderMember(String),
    /// The protected header has more object members and array elements than allowed.
    #[error("protected header has more than {limit} members and array elements")]
    HeaderTooLarge {
        /// The limit ([`crate::jws::Limits::max_header_entries`]).
        limit: usize,
    },
    /// A header parameter has the wrong JSON type or an unsupported value.
    #[error("header parameter {member:?}: {reason}")]
    InvalidHeaderParameter {
        /// The parameter name.
        member: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The header has no `alg`.
    #[error("protected header has no \"alg\"")]
    MissingAlgorithm,
    /// `alg` is `none`, an HMAC algorithm, unknown, or not in the allowed set.
    #[error("algorithm {0:?} is not allowed")]
    AlgorithmNotAllowed(String),
    /// `crit` is malformed (RFC 7515 §4.1.11: it must be a non-empty array of distinct strings
    /// naming parameters present in the header that are not registered by JWS/JWA).
    #[error("invalid \"crit\" header parameter: {0}")]
    InvalidCrit(&'static str),
    /// `crit` names extensions; this verifier understands none, so it must reject the JWS.
    #[error("critical header extensions not understood: {0:?}")]
    UnsupportedCrit(Vec<String>),
    /// The header has no `x5c` but the verification needs one.
    #[error("header has no \"x5c\" certificate chain")]
    X5cMissing,
    /// An `x5c` entry is not standard padded base64 of a DER certificate, or `x5t`/`x5t#S256`
    /// do not match `x5c[0]`.
    #[error("x5c[{index}]: {reason}")]
    X5cMalformed {
        /// Index of the entry in `x5c` (0 = the signer's certificate).
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// `x5c` has more entries than [`crate::jws::Limits::max_x5c_certificates`].
    #[error("x5c has {count} certificates, more than the limit of {limit}")]
    X5cTooManyCertificates {
        /// Number of entries.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// `x5c` is larger (base64 text, summed) than [`crate::jws::Limits::max_x5c_len`].
    #[error("x5c is larger than the limit of {limit} bytes")]
    X5cTooLarge {
        /// The limit.
        limit: usize,
    },
    /// The key's type does not fit `alg` (e.g. an EC key with RS256, a P-384 key with ES256).
    #[error("{alg} needs {needs}, but the key is {key}")]
    KeyAlgorithmMismatch {
        /// The JWS algorithm.
        alg: &'static str,
        /// The key type the algorithm needs.
        needs: &'static str,
        /// The key type found.
        key: String,
    },
    /// The RSA key is smaller than the minimum (or otherwise of a refused size).
    #[error("RSA key of {bits} bits is not allowed (minimum {minimum}, multiple of 8, at most 8192)")]
    WeakKey {
        /// Modulus size.
        bits: usize,
        /// The minimum.
        minimum: usize,
    },
    /// The public key cannot be used at all (malformed, unknown type).
    #[error("unusable public key: {0}")]
    UnsupportedKey(String),
    /// The signature has the wrong length for the algorithm and key (ES*: JOSE `r‖s` only).
    #[error("signature is {actual} bytes, {alg} with this key needs {expected}")]
    SignatureLength {
        /// The JWS algorithm.
        alg: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        actual: usize,
    },
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// The `x5c` signer certificate does not chain to a trusted anchor (or breaks policy).
    #[error("x5c certificate path rejected: {0}")]
    CertificatePath(#[source] ValidationError),
    /// The payload is not a JSON object (or has duplicate members, or too many entries).
    #[error("payload is not a valid JSON object: {0}")]
    PayloadNotJsonObject(String),
    /// The private key could not be decoded or is of an unsupported type or size.
    #[error("invalid private key: {0}")]
    InvalidPrivateKey(String),
    /// The private key does not match the public key of the first certificate of the chain.
    #[error("private key does not match the leaf certificate's public key")]
    KeyCertificateMismatch,
    /// The signer's certificate chain is empty.
    #[error("certificate chain for x5c is empty")]
    EmptyChain,
    /// The signing operation itself failed (e.g. no randomness available).
    #[error("signing failed: {0}")]
    SigningFailed(String),
}

impl JwsError {
    /// A short stable snake_case identifier of the error, for logs, metrics and JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            JwsError::TokenTooLarge { .. } => "token_too_large",
            JwsError::JsonSerialization => "json_serialization_unsupported",
            JwsError::Malformed(_) => "malformed_token",
            JwsError::Base64(_) => "invalid_base64url",
            JwsError::HeaderJson(_) => "invalid_header_json",
            JwsError::DuplicateHeaderMember(_) => "duplicate_header_member",
            JwsError::HeaderTooLarge { .. } => "header_too_large",
            JwsError::InvalidHeaderParameter { .. } => "invalid_header_parameter",
            JwsError::MissingAlgorithm => "missing_alg",
            JwsError::AlgorithmNotAllowed(_) => "alg_not_allowed",
            JwsError::InvalidCrit(_) => "invalid_crit",
            JwsError::UnsupportedCrit(_) => "unsupported_crit",
            JwsError::X5cMissing => "x5c_missing",
            JwsError::X5cMalformed { .. } => "x5c_malformed",
            JwsError::X5cTooManyCertificates { .. } => "x5c_too_many_certificates",
            JwsError::X5cTooLarge { .. } => "x5c_too_large",
            JwsError::KeyAlgorithmMismatch { .. } => "key_alg_mismatch",
            JwsError::WeakKey { .. } => "jws_weak_key",
            JwsError::UnsupportedKey(_) => "unsupported_key",
            JwsError::SignatureLength { .. } => "bad_signature_length",
            JwsError::BadSignature => "jws_bad_signature",
            JwsError::CertificatePath(_) => "certificate_path_rejected",
            JwsError::PayloadNotJsonObject(_) => "payload_not_json_object",
            JwsError::InvalidPrivateKey(_) => "invalid_private_key",
            JwsError::KeyCertificateMismatch => "key_certificate_mismatch",
            JwsError::EmptyChain => "empty_chain",
            JwsError::SigningFailed(_) => "jws_signing_failed",
        }
    }

    /// The coarse class of the error.
    pub fn class(&self) -> ErrorClass {
        match self {
            JwsError::TokenTooLarge { .. }
            | JwsError::JsonSerialization
            | JwsError::Malformed(_)
            | JwsError::Base64(_)
            | JwsError::HeaderJson(_)
            | JwsError::DuplicateHeaderMember(_)
            | JwsError::HeaderTooLarge { .. }
            | JwsError::InvalidHeaderParameter { .. }
            | JwsError::MissingAlgorithm
            | JwsError::InvalidCrit(_)
            | JwsError::PayloadNotJsonObject(_) => ErrorClass::Malformed,
            JwsError::AlgorithmNotAllowed(_)
            | JwsError::UnsupportedCrit(_)
            | JwsError::KeyAlgorithmMismatch { .. }
            | JwsError::WeakKey { .. }
            | JwsError::UnsupportedKey(_) => ErrorClass::Unsupported,
            JwsError::SignatureLength { .. } | JwsError::BadSignature => ErrorClass::Signature,
            JwsError::X5cMissing
            | JwsError::X5cMalformed { .. }
            | JwsError::X5cTooManyCertificates { .. }
            | JwsError::X5cTooLarge { .. }
            | JwsError::CertificatePath(_) => ErrorClass::Certificate,
            JwsError::InvalidPrivateKey(_)
            | JwsError::KeyCertificateMismatch
            | JwsError::EmptyChain
            | JwsError::SigningFailed(_) => ErrorClass::Signing,
        }
    }

    /// Whether the signature itself failed (wrong length or does not verify).
    pub fn is_signature_error(&self) -> bool {
        self.class() == ErrorClass::Signature
    }

    /// Whether the `x5c` chain was missing, malformed or not trusted.
    pub fn is_certificate_error(&self) -> bool {
        self.class() == ErrorClass::Certificate
    }

    /// The certificate path error, when the `x5c` signer was not trusted.
    pub fn validation_error(&self) -> Option<&ValidationError> {
        match self {
            JwsError::CertificatePath(e) => Some(e),
            _ => None,
        }
    }
}

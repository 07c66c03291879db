//! Errors: one typed error per failure, each saying what was wrong and where.
//!
//! Parsing problems are [`ParseError`]s. A rejected certificate path is a [`ValidationError`]:
//! a [`Reason`] (the rule that failed) plus the index of the certificate it failed on
//! (0 = the end-entity certificate, counting up towards the anchor) and that certificate's
//! subject, so a server can log it and map it to a protocol error code.
//!
//! Every error type of the crate ([`ParseError`], [`ValidationError`], `jws::JwsError`,
//! `udap::UdapError`, `direct::DirectError`) has a `kind()`: a short snake_case `&'static str`,
//! stable across releases and defined by exactly one of them, so that a kind means one thing
//! wherever it is logged (`bad_signature` is a certificate's signature; a JWS's is
//! `jws_bad_signature`, a CMS signer's `cms_bad_signature`). A layer that
//! passes a lower layer's failure on reports the lower layer's kind.

use const_oid::ObjectIdentifier;
use rustls_pki_types::UnixTime;

/// Failure to decode input bytes (DER, PEM, PKCS#7, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The bytes are not valid DER for the named structure.
    #[error("malformed {what}: {source}")]
    Der {
        /// Which structure was being decoded.
        what: &'static str,
        /// The decoder's error, with its byte position.
        #[source]
        source: der::Error,
    },
    /// The DER decodes but breaks a rule of its specification.
    #[error("invalid {what}: {rule}")]
    Invalid {
        /// Which structure was being decoded.
        what: &'static str,
        /// The rule that was broken.
        rule: &'static str,
    },
    /// PEM armour could not be decoded.
    #[error("malformed PEM: {0}")]
    Pem(String),
    /// The input holds no certificate at all.
    #[error("no certificate found in input")]
    NoCertificates,
    /// Every certificate of a bundle was skipped: it holds none that can be used.
    #[error("no usable certificate: all {skipped} entries were skipped (the first: {first})")]
    NoUsableCertificate {
        /// How many entries were skipped.
        skipped: usize,
        /// Why the first one was.
        first: Box<ParseError>,
    },
    /// The input exceeds a structural limit (BER nesting depth, number of values).
    #[error("too many {what}: more than {limit}")]
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// The input exceeds a size limit.
    #[error("{what} too large: {size} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// Which input.
        what: &'static str,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

impl ParseError {
    /// A short stable identifier of the failure, for logs, metrics and JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            ParseError::Der { .. } => "malformed_der",
            ParseError::Invalid { .. } => "invalid_structure",
            ParseError::Pem(_) => "malformed_pem",
            ParseError::NoCertificates => "no_certificates",
            ParseError::NoUsableCertificate { .. } => "no_usable_certificate",
            ParseError::LimitExceeded { .. } => "parse_limit_exceeded",
            ParseError::TooLarge { .. } => "input_too_large",
        }
    }

    pub(crate) fn der(what: &'static str) -> impl Fn(der::Error) -> ParseError + Copy {
        move |source| ParseError::Der { what, source }
    }

    pub(crate) fn invalid(what: &'static str, rule: &'static str) -> ParseError {
        ParseError::Invalid { what, rule }
    }
}

/// A validity bound as RFC 3339; the epoch stands for every time up to it (see
/// [`Reason::Expired`]).
fn format_bound(time: UnixTime) -> String {
    let secs = i64::try_from(time.as_secs()).unwrap_or(i64::MAX);
    let date = crate::calendar::format_unix_seconds(secs);
    if secs == 0 { format!("at or before {date}") } else { date }
}

/// Which work budget ran out (see [`crate::Budget`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BudgetKind {
    /// Signature verifications.
    Signatures,
    /// Path-building steps (candidate issuers considered).
    BuildSteps,
    /// Name-constraint comparisons.
    NameConstraintComparisons,
    /// Nodes and edges of the certificate policy graph (RFC 9618).
    PolicyGraph,
}

impl core::fmt::Display for BudgetKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            BudgetKind::Signatures => "signature checks",
            BudgetKind::BuildSteps => "path-building steps",
            BudgetKind::NameConstraintComparisons => "name-constraint comparisons",
            BudgetKind::PolicyGraph => "policy graph size",
        })
    }
}

/// The rule a certificate or path broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// The certificate could not be decoded.
    #[error("malformed certificate: {0}")]
    Malformed(ParseError),
    /// No issuer for this certificate was found among the anchors and intermediates.
    #[error("issuer not found among the trust anchors and intermediates")]
    UnknownIssuer,
    /// The validation time is after `notAfter`.
    #[error("certificate expired (notAfter {} is before the validation time)", format_bound(*not_after))]
    Expired {
        /// `notAfter`. A UTCTime reaches back to 1950, which `UnixTime` cannot hold: a notAfter
        /// before 1970 reads as the epoch here (the message says "at or before" it);
        /// [`crate::Certificate::not_after_secs`] has the exact value.
        not_after: UnixTime,
    },
    /// The validation time is before `notBefore`.
    #[error("certificate not yet valid (notBefore {} is after the validation time)", format_bound(*not_before))]
    NotYetValid {
        /// `notBefore` (always after the validation time, so never before 1970).
        not_before: UnixTime,
    },
    /// The signature does not verify under the issuer's key.
    #[error("signature does not verify with the issuer's public key")]
    BadSignature,
    /// The signature algorithm is not allowed by the policy (or not supported).
    #[error("signature algorithm {0} is not allowed")]
    UnsupportedSignatureAlgorithm(String),
    /// `signatureAlgorithm` differs from the `signature` field inside the TBS certificate.
    #[error("signatureAlgorithm does not match the TBSCertificate signature field")]
    SignatureAlgorithmMismatch,
    /// The public key type or parameters are not allowed (DSA, explicit curves, P-192, ...).
    #[error("public key not allowed: {0}")]
    UnsupportedPublicKey(String),
    /// The RSA key is smaller than the policy's minimum or otherwise weak.
    #[error("RSA key of {bits} bits is not allowed (minimum {minimum}, multiple of 8)")]
    WeakRsaKey {
        /// Modulus size.
        bits: usize,
        /// The policy's minimum.
        minimum: usize,
    },
    /// An issuing certificate is not a CA (basicConstraints cA absent or false).
    #[error("issuer is not a CA (basicConstraints cA is not set)")]
    NotCa,
    /// A CA certificate's pathLenConstraint is exceeded.
    #[error("pathLenConstraint exceeded")]
    PathLenExceeded,
    /// An issuing certificate's keyUsage lacks keyCertSign.
    #[error("issuer keyUsage lacks keyCertSign")]
    MissingKeyCertSign,
    /// The end-entity keyUsage lacks a usage the policy requires.
    #[error("keyUsage lacks required usage: {0}")]
    KeyUsageNotAllowed(&'static str),
    /// The end-entity extendedKeyUsage lacks the purpose the policy requires.
    #[error("extendedKeyUsage does not allow the required purpose {0}")]
    ExtendedKeyUsageNotAllowed(ObjectIdentifier),
    /// A name in the certificate is outside the name constraints of an issuer.
    #[error("name {name} violates the name constraints of certificate {constraint_index}")]
    NameConstraintViolation {
        /// The offending name, e.g. `DNS:evil.example`.
        name: String,
        /// Index of the certificate (or anchor) that carries the constraint.
        constraint_index: usize,
    },
    /// An unknown extension is marked critical and no hook claims it.
    #[error("unknown critical extension {0}")]
    UnknownCriticalExtension(ObjectIdentifier),
    /// The certificate breaks a rule of the certificate profile in force.
    #[error("certificate profile: {0}")]
    Profile(ProfileRule),
    /// The end-entity certificate does not carry the expected name.
    #[error("certificate is not valid for {0}")]
    NameMismatch(String),
    /// The end-entity certificate carries the expected URI, but that URI cannot serve as an
    /// identity ([`crate::uri::check_identity`]): other parsers could read its host otherwise.
    #[error("URI {uri:?} cannot serve as an identity: {problem}")]
    InvalidUri {
        /// The URI.
        uri: String,
        /// Why.
        problem: crate::uri::UriError,
    },
    /// The path would be longer than the policy's maximum depth.
    #[error("path longer than the maximum of {0} intermediate certificates")]
    MaxDepthExceeded(usize),
    /// The path search ran out of budget.
    #[error("path search gave up: budget of {0} exhausted")]
    BudgetExceeded(BudgetKind),
    /// An embedder's policy hook rejected the certificate or path.
    #[error("rejected by policy hook: {0}")]
    Hook(String),
    /// The certificate is revoked.
    #[error("certificate revoked ({reason}) according to {via}")]
    Revoked {
        /// The CRL reason code name, or `unspecified`.
        reason: &'static str,
        /// Which revocation data said so (`CRL` or `OCSP`).
        via: &'static str,
    },
    /// No usable revocation information, and the policy requires it (hard-fail).
    #[error("revocation status unknown: no usable CRL or OCSP response was supplied")]
    RevocationUnknown,
    /// Revocation data supplied for this certificate is not trustworthy (bad signature, issuer
    /// not allowed to sign CRLs, CRL number missing, unknown critical extension, ...).
    #[error("revocation data rejected: {0}")]
    RevocationDataInvalid(String),
    /// Certificate policy processing (RFC 5280 §6.1.3–6.1.5) left no acceptable policy while
    /// an explicit policy is required.
    #[error("no acceptable certificate policy: {0}")]
    CertificatePolicy(&'static str),
}

impl Reason {
    /// How informative this failure is when several candidate paths failed: the path search
    /// reports the failure with the highest rank (ties go to the one found first).
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Reason::UnknownIssuer => 0,
            Reason::BadSignature => 1,
            Reason::MaxDepthExceeded(_) => 2,
            Reason::BudgetExceeded(_) => 4,
            _ => 3,
        }
    }

    /// A short stable identifier for logs and JSON (`"expired"`, `"unknown_issuer"`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::Malformed(_) => "malformed",
            Reason::UnknownIssuer => "unknown_issuer",
            Reason::Expired { .. } => "expired",
            Reason::NotYetValid { .. } => "not_yet_valid",
            Reason::BadSignature => "bad_signature",
            Reason::UnsupportedSignatureAlgorithm(_) => "unsupported_signature_algorithm",
            Reason::SignatureAlgorithmMismatch => "signature_algorithm_mismatch",
            Reason::UnsupportedPublicKey(_) => "unsupported_public_key",
            Reason::WeakRsaKey { .. } => "weak_key",
            Reason::NotCa => "not_ca",
            Reason::PathLenExceeded => "path_len_exceeded",
            Reason::MissingKeyCertSign => "missing_key_cert_sign",
            Reason::KeyUsageNotAllowed(_) => "key_usage",
            Reason::ExtendedKeyUsageNotAllowed(_) => "extended_key_usage",
            Reason::NameConstraintViolation { .. } => "name_constraints",
            Reason::UnknownCriticalExtension(_) => "unknown_critical_extension",
            Reason::Profile(_) => "certificate_profile",
            Reason::NameMismatch(_) => "name_mismatch",
            Reason::InvalidUri { .. } => "invalid_uri",
            Reason::MaxDepthExceeded(_) => "max_depth_exceeded",
            Reason::BudgetExceeded(_) => "budget_exceeded",
            Reason::Hook(_) => "policy_hook",
            Reason::Revoked { .. } => "revoked",
            Reason::RevocationUnknown => "revocation_unknown",
            Reason::RevocationDataInvalid(_) => "revocation_data_invalid",
            Reason::CertificatePolicy(_) => "certificate_policy",
        }
    }
}

/// A rejected certificate path: the rule that failed and the certificate it failed on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ValidationError(Box<Details>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Details {
    reason: Reason,
    certificate_index: Option<usize>,
    subject: Option<String>,
    needs: Vec<Need>,
}

/// What kind of data a caller could fetch so that a retry may succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NeedKind {
    /// A CRL, from the certificate's CRL distribution points.
    Crl,
    /// An OCSP response, from the certificate's AIA OCSP responders.
    Ocsp,
    /// The certificate's issuer, from its AIA caIssuers locations.
    Issuer,
}

impl NeedKind {
    /// `"crl"`, `"ocsp"` or `"issuer"`.
    pub fn as_str(self) -> &'static str {
        match self {
            NeedKind::Crl => "crl",
            NeedKind::Ocsp => "ocsp",
            NeedKind::Issuer => "issuer",
        }
    }
}

/// Data trustpath did not have: fetch it from `urls` and validate again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// Which certificate of the (candidate) path it concerns (0 = leaf).
    pub certificate_index: usize,
    /// What to fetch.
    pub kind: NeedKind,
    /// Where the certificate says it can be fetched (may be empty).
    pub urls: Vec<String>,
}

impl ValidationError {
    pub(crate) fn new(reason: Reason, certificate_index: Option<usize>) -> Self {
        ValidationError(Box::new(Details { reason, certificate_index, subject: None, needs: Vec::new() }))
    }

    pub(crate) fn with_needs(mut self, needs: Vec<Need>) -> Self {
        self.0.needs = needs;
        self
    }

    /// Data that, once fetched and supplied, could let validation succeed: missing issuers
    /// (AIA caIssuers) and missing revocation information (CRL distribution points, OCSP).
    pub fn needs(&self) -> &[Need] {
        &self.0.needs
    }

    pub(crate) fn with_subject(mut self, subject: String) -> Self {
        self.0.subject = Some(subject);
        self
    }

    /// The rule that failed.
    pub fn reason(&self) -> &Reason {
        &self.0.reason
    }

    /// A short stable identifier of the rule, as [`Reason::kind`].
    pub fn kind(&self) -> &'static str {
        self.0.reason.kind()
    }

    /// Which certificate failed: 0 is the end-entity certificate, 1 its issuer, and so on up
    /// the candidate path (the anchor, when it failed, has the highest index). `None` when the
    /// failure concerns the whole search (e.g. an exhausted budget).
    pub fn certificate_index(&self) -> Option<usize> {
        self.0.certificate_index
    }

    /// Subject of the failing certificate (RFC 4514 string), when known.
    pub fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    fn describe(&self) -> String {
        let d = &self.0;
        match (d.certificate_index, &d.subject) {
            (Some(i), Some(s)) => format!("certificate {i} ({s}): {}", d.reason),
            (Some(i), None) => format!("certificate {i}: {}", d.reason),
            _ => d.reason.to_string(),
        }
    }
}

/// Any error this crate returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A certificate path was rejected.
    #[error(transparent)]
    Validation(#[from] ValidationError),
}

/// One rule of a certificate profile: what it is called, where it comes from, what breaking it
/// means. Carried by findings and by [`crate::Reason::Profile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileRule {
    /// A stable identifier, e.g. `rfc5280.basic-constraints.critical-in-ca`.
    pub id: &'static str,
    /// The source, e.g. `RFC 5280 §4.2.1.9`.
    pub citation: &'static str,
    /// What the certificate does wrong, in one sentence.
    pub message: &'static str,
}

impl core::fmt::Display for ProfileRule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({}; rule {})", self.message, self.citation, self.id)
    }
}

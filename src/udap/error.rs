//! UDAP rejections and the OAuth / UDAP error codes they map to (HL7 UDAP Security IG STU2
//! and the UDAP.org profiles; see `udap.md` §1.8 in the project's spec digests).
//!
//! | failure | token endpoint | registration endpoint |
//! |---|---|---|
//! | malformed JWS or `x5c`, algorithm, bad signature | `invalid_request` | `invalid_software_statement` |
//! | certificate not trusted (path, revocation, community) | `invalid_client` | `unapproved_software_statement` |
//! | claims (`iss`, `sub`, `aud`, lifetime, expiry, `jti`, SAN URI, replay) | `invalid_client` | `invalid_software_statement` |
//! | authorization extension (`hl7-b2b`) | `invalid_grant` | — |
//! | registration parameters; a duplicate member in the request body | — | `invalid_client_metadata` |
//! | redirect URIs | — | `invalid_redirect_uri` |
//! | a SAN URI that matches but cannot be an identity (`uri::check_identity`) | `invalid_client` | `invalid_software_statement` |
//!
//! Signed metadata is checked by clients, which have no OAuth error to send: its rejections
//! have no code (`None`).

use crate::error::ValidationError;
use crate::jws::JwsError;
use crate::uri::UriError;

/// Which UDAP artifact was being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// A client assertion at the token endpoint (flows B and C).
    Token,
    /// A software statement at the registration endpoint (flow D).
    Registration,
    /// Signed metadata from `/.well-known/udap`, checked by a client.
    Metadata,
}

/// What was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UdapErrorKind {
    /// The JWS is malformed, uses a disallowed algorithm, or its signature does not verify.
    #[error("{0}")]
    Jws(JwsError),
    /// The `x5c` signer's certificate does not validate to a trusted anchor.
    #[error("certificate not trusted: {0}")]
    Untrusted(ValidationError),
    /// A claim is missing or breaks a rule.
    #[error("claim {claim:?}: {problem}")]
    Claim {
        /// The claim.
        claim: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// No SAN uniformResourceIdentifier of the signer's certificate equals the expected URI.
    #[error("certificate has no SAN URI equal to {expected:?} (it has {found:?})")]
    SanUriMismatch {
        /// The URI that had to be present.
        expected: String,
        /// The certificate's SAN URIs.
        found: Vec<String>,
    },
    /// The (`iss`, `jti`) pair was already used by an unexpired token.
    #[error("jti {jti:?} was already used by {iss:?}")]
    Replay {
        /// The issuer.
        iss: String,
        /// The replayed JWT ID.
        jti: String,
    },
    /// The authorization extension object required by the grant is missing or invalid.
    #[error("authorization extension {name:?}: {problem}")]
    AuthorizationExtension {
        /// The extension, e.g. `hl7-b2b`.
        name: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A registration parameter is missing or invalid.
    #[error("registration parameter {field:?}: {problem}")]
    ClientMetadata {
        /// The parameter.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A redirect URI is missing or invalid.
    #[error("redirect_uris: {0}")]
    RedirectUri(String),
    /// The signed metadata disagrees with the unsigned metadata document.
    #[error("signed metadata: {0}")]
    MetadataMismatch(String),
    /// A member name occurs twice in an unsigned JSON document (the registration request body,
    /// the metadata document): readers that keep the first value and readers that keep the
    /// last would see different documents.
    #[error("{document}: duplicate member {name:?}")]
    DuplicateMember {
        /// Which document.
        document: &'static str,
        /// The repeated member name.
        name: String,
    },
    /// A SAN URI equals the expected client URI or base URL, but that URI cannot serve as an
    /// identity: its host could be read differently by other parsers, or it has userinfo.
    #[error("URI {uri:?} cannot serve as an identity: {problem}")]
    InvalidUri {
        /// The URI.
        uri: String,
        /// Why.
        problem: UriError,
    },
}

/// A UDAP rejection: what was wrong, at which endpoint, and the error code to answer with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct UdapError {
    endpoint: Endpoint,
    kind: Box<UdapErrorKind>,
}

impl UdapError {
    pub(crate) fn new(endpoint: Endpoint, kind: UdapErrorKind) -> Self {
        UdapError { endpoint, kind: Box::new(kind) }
    }

    pub(crate) fn from_jws(endpoint: Endpoint, error: JwsError) -> Self {
        match error {
            JwsError::CertificatePath(e) => UdapError::new(endpoint, UdapErrorKind::Untrusted(e)),
            other => UdapError::new(endpoint, UdapErrorKind::Jws(other)),
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> &UdapErrorKind {
        &self.kind
    }

    /// The endpoint the artifact was checked for.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// A short stable identifier of the failure (`"untrusted"`, `"claim"`, `"replay"`, ...);
    /// for JWS and certificate failures, the underlying error's kind.
    pub fn kind_str(&self) -> &'static str {
        match &*self.kind {
            UdapErrorKind::Jws(e) => e.kind(),
            UdapErrorKind::Untrusted(e) => e.kind(),
            UdapErrorKind::Claim { .. } => "claim",
            UdapErrorKind::SanUriMismatch { .. } => "san_uri_mismatch",
            UdapErrorKind::Replay { .. } => "replay",
            UdapErrorKind::AuthorizationExtension { .. } => "authorization_extension",
            UdapErrorKind::ClientMetadata { .. } => "client_metadata",
            UdapErrorKind::RedirectUri(_) => "redirect_uri",
            UdapErrorKind::MetadataMismatch(_) => "metadata_mismatch",
            UdapErrorKind::DuplicateMember { .. } => "duplicate_member",
            UdapErrorKind::InvalidUri { .. } => "invalid_uri",
        }
    }

    /// The OAuth 2.0 / UDAP error code a server returns for this rejection, or `None` for
    /// signed metadata (checked by clients).
    pub fn oauth_error(&self) -> Option<&'static str> {
        use UdapErrorKind as K;
        Some(match (self.endpoint, &*self.kind) {
            (Endpoint::Metadata, _) => return None,
            (Endpoint::Token, K::Jws(_) | K::DuplicateMember { .. }) => "invalid_request",
            (Endpoint::Token, K::AuthorizationExtension { .. }) => "invalid_grant",
            (Endpoint::Token, _) => "invalid_client",
            (Endpoint::Registration, K::Untrusted(_)) => "unapproved_software_statement",
            (
                Endpoint::Registration,
                K::ClientMetadata { .. } | K::AuthorizationExtension { .. } | K::DuplicateMember { .. },
            ) => "invalid_client_metadata",
            (Endpoint::Registration, K::RedirectUri(_)) => "invalid_redirect_uri",
            (Endpoint::Registration, _) => "invalid_software_statement",
        })
    }

    /// The JSON error body a server returns (RFC 6749 §5.2, RFC 7591 §3.2.2):
    /// `{"error": ..., "error_description": ...}`.
    pub fn error_body(&self) -> serde_json::Value {
        serde_json::json!({
            "error": self.oauth_error().unwrap_or("invalid_request"),
            "error_description": self.to_string(),
        })
    }
}

//! UDAP rejections and the OAuth / UDAP error codes they map to (HL7 UDAP Security IG STU2
//! and the UDAP.org profiles; see `udap.md` §1.8 in the project's spec digests).
//!
//! | failure | token endpoint | registration endpoint |
//! |---|---|---|
//! | malformed JWS or `x5c`, algorithm, bad signature | `invalid_request` | `invalid_software_statement` |
//! | certificate not trusted (path, revocation, community) | `invalid_client` | `unapproved_software_statement` |
//! | claims (`iss`, `sub`, `aud`, lifetime, expiry, `jti`, SAN URI, replay) | `invalid_client` | `invalid_software_statement` |
//! | unknown client_id, a community the server does not configure | `invalid_client` | — |
//! | authorization extension (`hl7-b2b`) | `invalid_grant` | — |
//! | registration parameters; a duplicate member in the request body | — | `invalid_client_metadata` |
//! | redirect URIs | — | `invalid_redirect_uri` |
//! | a SAN URI that matches but cannot be an identity (`uri::check_identity`) | `invalid_client` | `invalid_software_statement` |
//! | a shared store that cannot answer ([`StoreError`]) | `server_error` | `server_error` |
//!
//! Signed metadata is checked by clients, which have no OAuth error to send: its rejections
//! have no code (`None`).
//!
//! What a server sends is [`UdapError::http_status`] and [`UdapError::error_body`]: the code
//! and a short fixed description (RFC 6749 §5.2 allows only printable ASCII without `"` and
//! `\`, and the client need not learn the server's trust store or revocation data). The whole
//! reason, for logs, is the error's `Display` and [`UdapError::kind`].

use super::store::StoreError;
use crate::error::{Need, ValidationError};
use crate::jws::{ErrorClass, JwsError};
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
    /// The token endpoint's client_id (the assertion's `iss`) is not registered.
    #[error("client_id {client_id:?} is not registered")]
    UnknownClient {
        /// The client_id asked for.
        client_id: String,
    },
    /// The client's registration names a trust community the verifier's store does not hold:
    /// the server's configuration no longer matches its registrations.
    #[error("trust community {community:?} is not configured (the verifier has no anchor in it)")]
    UnknownCommunity {
        /// The community.
        community: String,
    },
    /// The replay or registration store could not answer: the request is refused.
    #[error("{0}")]
    Store(StoreError),
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

    /// What was wrong, with its details.
    pub fn detail(&self) -> &UdapErrorKind {
        &self.kind
    }

    /// The endpoint the artifact was checked for.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// A short stable identifier of the failure (`"claim"`, `"replay"`, `"unknown_client"`, ...);
    /// for JWS and certificate failures, the underlying error's kind ([`JwsError::kind`],
    /// [`crate::Reason::kind`]).
    pub fn kind(&self) -> &'static str {
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
            UdapErrorKind::InvalidUri { .. } => "invalid_client_uri",
            UdapErrorKind::UnknownClient { .. } => "unknown_client",
            UdapErrorKind::UnknownCommunity { .. } => "unknown_community",
            UdapErrorKind::Store(_) => "store_unavailable",
        }
    }

    /// The OAuth 2.0 / UDAP error code a server returns for this rejection, or `None` for
    /// signed metadata (checked by clients).
    pub fn oauth_error(&self) -> Option<&'static str> {
        use UdapErrorKind as K;
        Some(match (self.endpoint, &*self.kind) {
            (_, K::Store(_)) => "server_error",
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

    /// The HTTP status to answer with: 500 when a store failed; 401 for `invalid_client` at
    /// the token endpoint (RFC 6749 §5.2: the client's authentication failed); 400 otherwise
    /// (RFC 6749 §5.2, RFC 7591 §3.2.2). Signed metadata is checked by clients: 400 there is
    /// only a placeholder.
    pub fn http_status(&self) -> u16 {
        match (self.endpoint, self.oauth_error()) {
            (_, Some("server_error")) => 500,
            (Endpoint::Token, Some("invalid_client")) => 401,
            _ => 400,
        }
    }

    /// The JSON error body a server returns (RFC 6749 §5.2, RFC 7591 §3.2.2):
    /// `{"error": ..., "error_description": ...}`. The description is short and fixed per
    /// kind of failure (it names the claim or parameter, never a value from the input, the
    /// trust store or the revocation data), printable ASCII without `"` and `\`.
    pub fn error_body(&self) -> serde_json::Value {
        OAuthError::body_of(self.oauth_error().unwrap_or("invalid_request"), &self.description())
    }

    /// The terse description of [`Self::error_body`].
    fn description(&self) -> String {
        use UdapErrorKind as K;
        let artifact = match self.endpoint {
            Endpoint::Token => "client assertion",
            Endpoint::Registration => "software statement",
            Endpoint::Metadata => "signed metadata",
        };
        match &*self.kind {
            K::Jws(e) => match e.class() {
                ErrorClass::Signature => format!("the {artifact} signature does not verify"),
                ErrorClass::Unsupported => format!("the {artifact} uses an algorithm or key that is not accepted"),
                ErrorClass::Certificate => format!("the {artifact} x5c header is missing or malformed"),
                ErrorClass::Malformed | ErrorClass::Signing => format!("the {artifact} is not a valid compact JWS"),
            },
            K::Untrusted(e) => match e.kind() {
                "expired" => "the certificate has expired".into(),
                "not_yet_valid" => "the certificate is not yet valid".into(),
                "revoked" => "the certificate is revoked".into(),
                _ => "the certificate is not trusted".into(),
            },
            K::Claim { claim, .. } => format!("invalid {claim} in the {artifact}"),
            K::SanUriMismatch { .. } => "no SAN URI of the certificate matches the client URI".into(),
            K::Replay { .. } => format!("the {artifact} jti was already used"),
            K::AuthorizationExtension { name, .. } => format!("missing or invalid {name} authorization extension"),
            K::ClientMetadata { field, .. } => format!("invalid {field}"),
            K::RedirectUri(_) => "invalid redirect_uris".into(),
            K::MetadataMismatch(_) => "the signed metadata does not match the metadata document".into(),
            K::DuplicateMember { document, .. } => format!("a member is given twice in the {document}"),
            K::InvalidUri { .. } => "the client URI cannot serve as an identity".into(),
            K::UnknownClient { .. } => "unknown client_id".into(),
            K::UnknownCommunity { .. } => "the client's trust community is not accepted".into(),
            K::Store(_) => "the request cannot be processed now".into(),
        }
    }

    /// What to fetch (CRLs, OCSP responses, issuers) for a certificate path that failed for
    /// want of data; empty for other failures.
    pub fn needs(&self) -> &[Need] {
        self.validation_error().map(ValidationError::needs).unwrap_or_default()
    }

    /// The certificate path validation error, when the signer's certificate was not trusted.
    pub fn validation_error(&self) -> Option<&ValidationError> {
        match &*self.kind {
            UdapErrorKind::Untrusted(e) => Some(e),
            UdapErrorKind::Jws(e) => e.validation_error(),
            _ => None,
        }
    }
}

/// An OAuth 2.0 error response a server builds itself, for failures outside the UDAP checks
/// (an unsupported `grant_type`, a PKCE mismatch, a missing parameter): the same shape and
/// character rules as [`UdapError::error_body`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OAuthError {
    /// The error code (`invalid_request`, `invalid_grant`, `unsupported_grant_type`, ...).
    pub error: &'static str,
    /// A short human-readable description.
    pub description: &'static str,
    /// The HTTP status to answer with.
    pub status: u16,
}

impl OAuthError {
    /// An error answered with HTTP 400.
    pub const fn bad_request(error: &'static str, description: &'static str) -> Self {
        OAuthError { error, description, status: 400 }
    }

    /// `{"error": ..., "error_description": ...}`.
    pub fn body(&self) -> serde_json::Value {
        OAuthError::body_of(self.error, self.description)
    }

    /// The body, with the description reduced to the characters RFC 6749 §5.2 allows
    /// (`%x20-21 / %x23-5B / %x5D-7E`); others become `?`.
    fn body_of(error: &str, description: &str) -> serde_json::Value {
        let description: String = description.chars().map(|c| if is_description_char(c) { c } else { '?' }).collect();
        serde_json::json!({ "error": error, "error_description": description })
    }
}

/// Whether RFC 6749 §5.2 allows `c` in `error_description`.
pub fn is_description_char(c: char) -> bool {
    matches!(c, '\x20'..='\x7e') && c != '"' && c != '\\'
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::error::Reason;
    use core::time::Duration;
    use rustls_pki_types::UnixTime;

    /// One error of every kind, built around `s` (an arbitrary value from "input").
    fn every_kind(s: &str) -> Vec<UdapErrorKind> {
        let path = |reason| ValidationError::new(reason, Some(0));
        let kinds = vec![
            UdapErrorKind::Jws(JwsError::HeaderJson(s.into())),
            UdapErrorKind::Jws(JwsError::AlgorithmNotAllowed(s.into())),
            UdapErrorKind::Jws(JwsError::BadSignature),
            UdapErrorKind::Jws(JwsError::X5cMissing),
            UdapErrorKind::Jws(JwsError::PayloadNotJsonObject(s.into())),
            UdapErrorKind::Jws(JwsError::CertificatePath(path(Reason::Hook(s.into())))),
            UdapErrorKind::Untrusted(path(Reason::Hook(s.into()))),
            UdapErrorKind::Untrusted(path(Reason::NameMismatch(s.into()))),
            UdapErrorKind::Untrusted(path(Reason::Expired { not_after: UnixTime::since_unix_epoch(Duration::ZERO) })),
            UdapErrorKind::Untrusted(path(Reason::NotYetValid {
                not_before: UnixTime::since_unix_epoch(Duration::ZERO),
            })),
            UdapErrorKind::Untrusted(path(Reason::Revoked { reason: "keyCompromise", via: "CRL" })),
            UdapErrorKind::Untrusted(path(Reason::RevocationUnknown)),
            UdapErrorKind::Untrusted(path(Reason::RevocationDataInvalid(s.into()))),
            UdapErrorKind::Claim { claim: "aud", problem: s.into() },
            UdapErrorKind::SanUriMismatch { expected: s.into(), found: vec![s.into()] },
            UdapErrorKind::Replay { iss: s.into(), jti: s.into() },
            UdapErrorKind::AuthorizationExtension { name: "hl7-b2b", problem: s.into() },
            UdapErrorKind::ClientMetadata { field: "grant_types", problem: s.into() },
            UdapErrorKind::RedirectUri(s.into()),
            UdapErrorKind::MetadataMismatch(s.into()),
            UdapErrorKind::DuplicateMember { document: "registration request", name: s.into() },
            UdapErrorKind::InvalidUri { uri: s.into(), problem: UriError::InvalidHost(s.into()) },
            UdapErrorKind::UnknownClient { client_id: s.into() },
            UdapErrorKind::UnknownCommunity { community: s.into() },
            UdapErrorKind::Store(StoreError(s.into())),
        ];
        // A new kind must be added above: this match has no wildcard arm.
        for kind in &kinds {
            match kind {
                UdapErrorKind::Jws(_)
                | UdapErrorKind::Untrusted(_)
                | UdapErrorKind::Claim { .. }
                | UdapErrorKind::SanUriMismatch { .. }
                | UdapErrorKind::Replay { .. }
                | UdapErrorKind::AuthorizationExtension { .. }
                | UdapErrorKind::ClientMetadata { .. }
                | UdapErrorKind::RedirectUri(_)
                | UdapErrorKind::MetadataMismatch(_)
                | UdapErrorKind::DuplicateMember { .. }
                | UdapErrorKind::InvalidUri { .. }
                | UdapErrorKind::UnknownClient { .. }
                | UdapErrorKind::UnknownCommunity { .. }
                | UdapErrorKind::Store(_) => {}
            }
        }
        kinds
    }

    const CODES: [&str; 9] = [
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "invalid_software_statement",
        "unapproved_software_statement",
        "invalid_client_metadata",
        "invalid_redirect_uri",
        "server_error",
        "invalid_request",
    ];

    proptest! {
        /// RFC 6749 §5.2 / RFC 7591 §3.2.2: every error's body is a JSON object whose `error`
        /// is a code and whose `error_description` is printable ASCII without `"` and `\`;
        /// nothing of the input shows in it; the status is 400, 401 or 500.
        #[test]
        fn every_error_body_is_rfc6749_conformant(s in "\\PC*", marker in "[a-z]{16}") {
            for value in [s.as_str(), marker.as_str(), "\"\\\u{2212}é\u{7f}\n"] {
                for kind in every_kind(value) {
                    for endpoint in [Endpoint::Token, Endpoint::Registration, Endpoint::Metadata] {
                        let e = UdapError::new(endpoint, kind.clone());
                        let body = e.error_body();
                        let object = body.as_object().expect("a JSON object");
                        prop_assert_eq!(object.len(), 2);
                        let code = object["error"].as_str().expect("error is a string");
                        prop_assert!(CODES.contains(&code), "{}", code);
                        let description = object["error_description"].as_str().expect("a string");
                        prop_assert!(!description.is_empty());
                        prop_assert!(description.chars().all(is_description_char), "{:?}", description);
                        prop_assert!(!description.contains(marker.as_str()), "{:?} leaks input", description);
                        prop_assert!(matches!(e.http_status(), 400 | 401 | 500));
                    }
                }
            }
        }
    }

    #[test]
    fn statuses_follow_the_code() {
        let token = |kind| UdapError::new(Endpoint::Token, kind);
        let registration = |kind| UdapError::new(Endpoint::Registration, kind);
        let replay = || UdapErrorKind::Replay { iss: "a".into(), jti: "b".into() };
        assert_eq!((token(replay()).oauth_error(), token(replay()).http_status()), (Some("invalid_client"), 401));
        let bad = UdapErrorKind::Jws(JwsError::BadSignature);
        assert_eq!(
            (token(bad.clone()).oauth_error(), token(bad.clone()).http_status()),
            (Some("invalid_request"), 400)
        );
        let b2b = UdapErrorKind::AuthorizationExtension { name: "hl7-b2b", problem: "x".into() };
        assert_eq!((token(b2b.clone()).oauth_error(), token(b2b).http_status()), (Some("invalid_grant"), 400));
        assert_eq!(registration(replay()).http_status(), 400, "invalid_software_statement");
        assert_eq!(registration(bad).http_status(), 400);
        let store = UdapErrorKind::Store(StoreError("redis: connection refused".into()));
        for e in [token(store.clone()), registration(store)] {
            assert_eq!((e.oauth_error(), e.http_status()), (Some("server_error"), 500));
            assert_eq!(e.kind(), "store_unavailable");
        }
        let unknown = token(UdapErrorKind::UnknownCommunity { community: "udap://gone.example".into() });
        assert_eq!((unknown.oauth_error(), unknown.kind()), (Some("invalid_client"), "unknown_community"));
        assert!(unknown.to_string().contains("udap://gone.example"), "the log message names it: {unknown}");
    }

    #[test]
    fn needs_come_from_the_certificate_path() {
        let need = Need { kind: crate::error::NeedKind::Crl, certificate_index: 0, urls: vec!["http://crl".into()] };
        let path = ValidationError::new(Reason::RevocationUnknown, Some(0)).with_needs(vec![need.clone()]);
        let e = UdapError::new(Endpoint::Token, UdapErrorKind::Untrusted(path));
        assert_eq!(e.needs(), std::slice::from_ref(&need));
        assert!(e.validation_error().is_some());
        let other = UdapError::new(Endpoint::Token, UdapErrorKind::RedirectUri("x".into()));
        assert!(other.needs().is_empty() && other.validation_error().is_none());
    }
}

//! `manifest.json`: global settings and one entry per case, in a form another implementation
//! can run. Field order is the declaration order below.

use serde::Serialize;

/// The whole manifest.
#[derive(Serialize)]
pub struct Manifest {
    pub version: u32,
    pub description: &'static str,
    /// RFC 3339.
    pub validation_time: String,
    /// The same, in seconds since the epoch.
    pub validation_time_unix: u64,
    /// Allowed clock difference for `exp`, `iat` and `nbf`, in seconds.
    pub clock_skew_seconds: u64,
    /// trustpath's policy preset: UDAP (keyUsage digitalSignature, RSA ≥ 2048, SHA-256+).
    pub policy: &'static str,
    /// Revocation: `hard` = a certificate without a usable CRL is rejected.
    pub revocation: &'static str,
    /// `chain` = every certificate below the anchor is checked.
    pub revocation_scope: &'static str,
    pub base_url: &'static str,
    pub token_endpoint: &'static str,
    pub registration_endpoint: &'static str,
    pub authorization_endpoint: &'static str,
    /// Trust communities and their anchor files.
    pub communities: Vec<Community>,
    /// Intermediate CA certificates a server knows (for clients sending a leaf-only `x5c`).
    pub intermediates: Vec<String>,
    /// CRL files (DER) supplied to every validation.
    pub crls: Vec<String>,
    /// The end-entity certificates and their keys.
    pub certificates: Vec<CertificateEntry>,
    pub cases: Vec<Case>,
}

/// A trust community.
#[derive(Serialize)]
pub struct Community {
    pub name: &'static str,
    pub anchors: Vec<String>,
}

/// An end-entity certificate of the PKI.
#[derive(Serialize)]
pub struct CertificateEntry {
    pub id: &'static str,
    pub description: &'static str,
    pub certificate: String,
    pub chain: String,
    pub private_key: String,
    pub key_type: &'static str,
    /// The community its root belongs to (`null`: a root no verifier of the vectors trusts).
    pub community: Option<&'static str>,
    pub san_uris: Vec<&'static str>,
}

/// One case.
#[derive(Serialize)]
pub struct Case {
    pub id: String,
    pub description: String,
    /// `udap-client-assertion`, `udap-software-statement` or `udap-signed-metadata`.
    pub profile: &'static str,
    /// Tokens (client assertions: compact JWS; software statements: the registration request
    /// JSON, or a bare compact JWS), checked in order against one replay store.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub token_files: Vec<String>,
    /// Signed-metadata cases: the whole `/.well-known/udap` document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_file: Option<String>,
    /// Client assertions: the registration the `client_id` refers to.
    pub client_id: Option<&'static str>,
    pub client_uri: Option<&'static str>,
    /// Client assertions: the community of the registration; signed metadata: the community
    /// the client asked for (`?community=`), `null` for any trusted one.
    pub client_community: Option<&'static str>,
    /// Client assertions: the `grant_type` of the token request.
    pub grant: Option<&'static str>,
    /// One entry per token (one for signed metadata).
    pub expected: Vec<Expected>,
    /// Accepted registrations: what the server must report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<Registration>,
}

/// The expected outcome for one token.
#[derive(Serialize, Clone)]
pub struct Expected {
    /// `accept` or `reject`.
    pub result: &'static str,
    /// The OAuth / UDAP error code (`null` when accepted, and for signed metadata, which a
    /// client checks and answers no one).
    pub oauth_error: Option<&'static str>,
    /// trustpath's error kind (`UdapError::kind`), `null` when accepted.
    pub kind: Option<&'static str>,
}

impl Expected {
    pub fn accept() -> Self {
        Expected { result: "accept", oauth_error: None, kind: None }
    }

    pub fn reject(oauth_error: Option<&'static str>, kind: &'static str) -> Self {
        Expected { result: "reject", oauth_error, kind: Some(kind) }
    }
}

/// What an accepted registration reports.
#[derive(Serialize, Clone)]
pub struct Registration {
    pub community: &'static str,
    pub client_uri: &'static str,
    /// `client_credentials`, `authorization_code` or `cancel`.
    pub grant: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirect_uris: Vec<&'static str>,
}

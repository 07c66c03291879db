//! Dynamic client registration with a signed software statement (flow D): UDAP Dynamic
//! Client Registration §4 and IG §3.
//!
//! Checked, in order: the request body (a JSON object without duplicate members;
//! `software_statement`, optional `certifications`, `udap: "1"`); the JWS and `x5c[0]`'s path
//! to any anchor of the store (the matched community is reported: registrations are keyed by
//! (community, `iss`)); `iss` is a SAN URI of `x5c[0]` and a URI that can identify a client
//! (`uri::check_identity`), `sub` = `iss`, `aud` contains the registration URL,
//! `exp ≤ iat + 300 s`, unexpired, `iat` not in the future, `jti` present; then the
//! registration parameters, every redirect URI an absolute `https` URI with a host and no
//! fragment; last, `jti` not replayed. An empty `grant_types` is a cancellation request.
//!
//! A server then records the registration (a [`crate::udap::RegistrationStore`] keyed by
//! community and client URI, IG §3.4) and answers with [`Registration::response`].

use std::sync::Arc;

use rustls_pki_types::UnixTime;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::claims::{self, Lifetime, claim_error, is_https_url};
use super::error::{Endpoint, UdapError, UdapErrorKind};
use super::store::ReplayStore;
use crate::json::{self, JsonError};
use crate::jws::{self, AlgorithmSet, HeaderCache, X5cOptions};
use crate::revocation::RevocationData;
use crate::uri::{self, UriError};
use crate::verifier::{VerifiedPath, Verifier};

/// Largest software statement lifetime the IG allows (`exp − iat`), in seconds.
pub const MAX_SOFTWARE_STATEMENT_LIFETIME: u64 = 300;

/// What a registration request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationGrant {
    /// `authorization_code` (optionally with `refresh_token`).
    AuthorizationCode {
        /// Whether `refresh_token` was also requested.
        refresh_token: bool,
        /// The https redirect URIs.
        redirect_uris: Vec<String>,
    },
    /// `client_credentials`.
    ClientCredentials,
    /// An empty `grant_types`: cancel the registration for (community, `iss`).
    Cancel,
}

/// The registration endpoint's settings.
#[derive(Debug, Clone)]
pub struct RegistrationEndpoint {
    /// The registration endpoint URL, exactly as in the server's metadata.
    pub url: String,
    /// Allowed clock difference, in seconds (default 60).
    pub clock_skew: u64,
    /// Allowed signature algorithms (default: RS256, ES256, RS384, ES384).
    pub algorithms: AlgorithmSet,
    /// Parsed protected headers of returning clients, reused across requests (see
    /// [`Self::with_header_cache`]).
    pub header_cache: Option<Arc<HeaderCache>>,
}

/// A registration request body (JSON) to check with [`RegistrationEndpoint::verify_request`].
#[derive(Debug, Clone, Copy)]
pub struct RegistrationRequest<'a> {
    /// The request body: `{"software_statement": ..., "udap": "1", ...}`.
    pub body: &'a str,
    /// The validation time.
    pub time: UnixTime,
    /// CRLs and OCSP responses for the client's certificate path.
    pub revocation: Option<&'a RevocationData>,
}

impl<'a> RegistrationRequest<'a> {
    /// A request body checked at `time`, without revocation data.
    pub fn new(body: &'a str, time: UnixTime) -> Self {
        RegistrationRequest { body, time, revocation: None }
    }

    /// CRLs and OCSP responses for the client's certificate path.
    pub fn revocation(mut self, data: &'a RevocationData) -> Self {
        self.revocation = Some(data);
        self
    }
}

/// A bare software statement (compact JWS) to check with
/// [`RegistrationEndpoint::verify_software_statement`].
#[derive(Debug, Clone, Copy)]
pub struct StatementRequest<'a> {
    /// The software statement.
    pub statement: &'a str,
    /// The validation time.
    pub time: UnixTime,
    /// CRLs and OCSP responses for the client's certificate path.
    pub revocation: Option<&'a RevocationData>,
}

impl<'a> StatementRequest<'a> {
    /// A statement checked at `time`, without revocation data.
    pub fn new(statement: &'a str, time: UnixTime) -> Self {
        StatementRequest { statement, time, revocation: None }
    }

    /// CRLs and OCSP responses for the client's certificate path.
    pub fn revocation(mut self, data: &'a RevocationData) -> Self {
        self.revocation = Some(data);
        self
    }
}

/// A registration request that passed every check.
#[derive(Debug, Clone)]
pub struct Registration {
    claims: Map<String, Value>,
    path: VerifiedPath,
    grant: RegistrationGrant,
    certifications: Vec<String>,
    software_statement: String,
}

/// The client metadata of RFC 7591 §2 that a registration response echoes from the software
/// statement (IG §3.2.3: the JWT claims `iss`, `sub`, `aud`, `exp`, `iat`, `jti` SHOULD NOT be
/// echoed).
const RESPONSE_METADATA: [&str; 15] = [
    "client_name",
    "grant_types",
    "response_types",
    "redirect_uris",
    "token_endpoint_auth_method",
    "scope",
    "contacts",
    "logo_uri",
    "client_uri",
    "tos_uri",
    "policy_uri",
    "jwks_uri",
    "jwks",
    "software_id",
    "software_version",
];

impl Registration {
    /// The software statement's claims (the registration parameters).
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The claims read into `T` (serde).
    pub fn claims_as<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.claims)
    }

    /// The software statement exactly as submitted.
    pub fn software_statement(&self) -> &str {
        &self.software_statement
    }

    /// The `scope` registered (space-separated; empty for a cancellation).
    pub fn scope(&self) -> &str {
        self.claims.get("scope").and_then(Value::as_str).unwrap_or_default()
    }

    /// The registration response of RFC 7591 §3.2.1 for `client_id`: the client_id, the
    /// software statement unmodified, and the client metadata it registered (`client_name`,
    /// `grant_types`, `redirect_uris`, `scope`, ...; members the statement lacks are left out,
    /// as IG §3.2.3 asks). A cancellation's response carries the empty `grant_types` that
    /// confirms it (IG §3.4). Send it with `201 Created` for a new registration, `200 OK` for
    /// a modification or a cancellation.
    pub fn response(&self, client_id: &str) -> Value {
        let mut out = Map::new();
        out.insert("client_id".into(), Value::String(client_id.to_string()));
        out.insert("software_statement".into(), Value::String(self.software_statement.clone()));
        for name in RESPONSE_METADATA {
            if let Some(value) = self.claims.get(name) {
                out.insert(name.into(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// The client URI: the software statement's `iss`, a SAN URI of the client's certificate.
    pub fn client_uri(&self) -> &str {
        self.claims.get("iss").and_then(Value::as_str).unwrap_or_default()
    }

    /// The trust community whose anchor the client's certificate chains to. Registrations are
    /// keyed by (community, client URI).
    pub fn community(&self) -> &str {
        self.path.community()
    }

    /// The client's validated certificate path. Store its leaf with the registration.
    pub fn path(&self) -> &VerifiedPath {
        &self.path
    }

    /// The requested grant, or a cancellation.
    pub fn grant(&self) -> &RegistrationGrant {
        &self.grant
    }

    /// The `certifications` of the request, unverified (a server SHALL ignore the ones it does
    /// not support).
    pub fn certifications(&self) -> &[String] {
        &self.certifications
    }
}

fn metadata_error(field: &'static str, problem: impl Into<String>) -> UdapError {
    UdapError::new(Endpoint::Registration, UdapErrorKind::ClientMetadata { field, problem: problem.into() })
}

/// The request body as a JSON object, read strictly.
fn read_body(body: &str) -> Result<Map<String, Value>, UdapError> {
    json::parse_object(body.as_bytes(), json::DEFAULT_MAX_ENTRIES).map_err(|e| match e {
        JsonError::DuplicateMember(name) => UdapError::new(
            Endpoint::Registration,
            UdapErrorKind::DuplicateMember { document: "registration request", name },
        ),
        JsonError::Syntax(message) => metadata_error("body", format!("not JSON: {message}")),
        other => metadata_error("body", other.to_string()),
    })
}

impl RegistrationEndpoint {
    /// A registration endpoint at `url` with the defaults.
    pub fn new(url: impl Into<String>) -> Self {
        RegistrationEndpoint { url: url.into(), clock_skew: 60, algorithms: AlgorithmSet::udap(), header_cache: None }
    }

    /// Remembers the parsed protected headers of the tokens this endpoint checks in `cache`
    /// (shared by clones): a returning client whose header is unchanged skips decoding and
    /// parsing its `x5c`. Only parsing is saved; the signature, path and claims are checked on
    /// every token.
    pub fn with_header_cache(mut self, cache: Arc<HeaderCache>) -> Self {
        self.header_cache = Some(cache);
        self
    }

    /// Verifies a registration request body (JSON). The body is read by
    /// [`crate::json::parse_object`]: a member given twice (`software_statement`, `udap`) is a
    /// [`UdapErrorKind::DuplicateMember`], since readers disagree on which value counts.
    /// `replay` records the statement's (`iss`, `jti`) when it is accepted.
    pub fn verify_request(
        &self,
        verifier: &Verifier,
        request: &RegistrationRequest<'_>,
        replay: &dyn ReplayStore,
    ) -> Result<Registration, UdapError> {
        let body = read_body(request.body)?;
        if body.get("udap").and_then(Value::as_str) != Some("1") {
            return Err(metadata_error("udap", "must be \"1\""));
        }
        let statement = body
            .get("software_statement")
            .and_then(Value::as_str)
            .ok_or_else(|| claim_error(Endpoint::Registration, "software_statement", "missing or not a string"))?;
        let certifications = match body.get("certifications") {
            None => Vec::new(),
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(String::from).collect(),
            Some(_) => return Err(metadata_error("certifications", "must be an array of JWTs")),
        };
        let statement_request = StatementRequest { statement, time: request.time, revocation: request.revocation };
        let mut registration = self.verify_software_statement(verifier, &statement_request, replay)?;
        registration.certifications = certifications;
        Ok(registration)
    }

    /// Verifies a software statement (compact JWS).
    pub fn verify_software_statement(
        &self,
        verifier: &Verifier,
        request: &StatementRequest<'_>,
        replay: &dyn ReplayStore,
    ) -> Result<Registration, UdapError> {
        let endpoint = Endpoint::Registration;
        let mut options = X5cOptions::new();
        if let Some(cache) = &self.header_cache {
            options = options.header_cache(cache);
        }
        if let Some(data) = request.revocation {
            options = options.revocation(data);
        }
        let verified = jws::verify_x5c(request.statement, &self.algorithms, verifier, request.time, &options)
            .map_err(|e| UdapError::from_jws(endpoint, e))?;
        let (claims, path) = verified.into_parts();

        let iss = claims::string(&claims, "iss", endpoint)?;
        claims::bind_san_uri(path.leaf(), iss, endpoint)?;
        if claims::string(&claims, "sub", endpoint)? != iss {
            return Err(claim_error(endpoint, "sub", "must equal iss"));
        }
        claims::audience(&claims, &self.url, endpoint)?;
        let now = request.time.as_secs();
        let lifetime = Lifetime { max: MAX_SOFTWARE_STATEMENT_LIFETIME, skew: self.clock_skew };
        let times = claims::times(&claims, now, lifetime, endpoint)?;
        let jti = claims::string(&claims, "jti", endpoint)?;

        let grant = registration_parameters(&claims)?;
        claims::record_jti(replay, iss, jti, times.exp.saturating_add(self.clock_skew), now, endpoint)?;
        let software_statement = request.statement.to_string();
        Ok(Registration { claims, path, grant, certifications: Vec::new(), software_statement })
    }
}

/// IG §3.1: the registration parameters of the software statement.
fn registration_parameters(claims: &Map<String, Value>) -> Result<RegistrationGrant, UdapError> {
    let grants = match claims.get("grant_types") {
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            for g in list {
                out.push(g.as_str().ok_or_else(|| metadata_error("grant_types", "must be an array of strings"))?);
            }
            out
        }
        Some(_) => return Err(metadata_error("grant_types", "must be an array of strings")),
        None => return Err(metadata_error("grant_types", "missing")),
    };
    if grants.is_empty() {
        return Ok(RegistrationGrant::Cancel);
    }
    if let Some(g) =
        grants.iter().find(|g| !matches!(**g, "authorization_code" | "client_credentials" | "refresh_token"))
    {
        return Err(metadata_error("grant_types", format!("unsupported grant type {g:?}")));
    }
    let code = grants.contains(&"authorization_code");
    let credentials = grants.contains(&"client_credentials");
    let refresh = grants.contains(&"refresh_token");
    if code == credentials {
        return Err(metadata_error(
            "grant_types",
            "must include exactly one of authorization_code and client_credentials",
        ));
    }
    if refresh && !code {
        return Err(metadata_error("grant_types", "refresh_token is only allowed with authorization_code"));
    }
    match claims.get("client_name") {
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        _ => return Err(metadata_error("client_name", "missing or empty")),
    }
    match claims.get("contacts") {
        Some(Value::Array(list)) if list.iter().any(|c| c.as_str().is_some_and(is_mailto)) => {}
        _ => return Err(metadata_error("contacts", "must be an array with at least one mailto: URI")),
    }
    if claims.get("token_endpoint_auth_method").and_then(Value::as_str) != Some("private_key_jwt") {
        return Err(metadata_error("token_endpoint_auth_method", "must be \"private_key_jwt\""));
    }
    match claims.get("scope") {
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        _ => return Err(metadata_error("scope", "missing or empty")),
    }
    // IG §3.1: a logo, whenever given, is an https URL of a PNG, JPG or GIF image.
    let logo = claims.get("logo_uri");
    if let Some(logo) = logo
        && !logo.as_str().is_some_and(|l| is_https_url(l) && is_image_path(l))
    {
        return Err(metadata_error("logo_uri", "must be an https URL of a PNG, JPG or GIF image"));
    }
    let redirect_uris = claims.get("redirect_uris");
    let response_types = claims.get("response_types");
    if !code {
        if redirect_uris.is_some() {
            return Err(UdapError::new(
                Endpoint::Registration,
                UdapErrorKind::RedirectUri("must be absent without authorization_code".into()),
            ));
        }
        if response_types.is_some() {
            return Err(metadata_error("response_types", "must be absent without authorization_code"));
        }
        return Ok(RegistrationGrant::ClientCredentials);
    }
    let redirect_error = |p: &str| UdapError::new(Endpoint::Registration, UdapErrorKind::RedirectUri(p.into()));
    let uris = match redirect_uris {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => return Err(redirect_error("required with authorization_code: a non-empty array of https URIs")),
    };
    let mut redirect = Vec::new();
    for u in uris {
        let s = u.as_str().ok_or_else(|| redirect_error("every redirect URI must be a string"))?;
        check_redirect_uri(s).map_err(|problem| redirect_error(&format!("{s:?}: {problem}")))?;
        redirect.push(s.to_string());
    }
    match response_types {
        Some(Value::Array(list)) if list.len() == 1 && list.first().and_then(Value::as_str) == Some("code") => {}
        _ => return Err(metadata_error("response_types", "must be [\"code\"] with authorization_code")),
    }
    if logo.is_none() {
        return Err(metadata_error("logo_uri", "required with authorization_code"));
    }
    Ok(RegistrationGrant::AuthorizationCode { refresh_token: refresh, redirect_uris: redirect })
}

/// A redirect URI: an absolute `https` URI (IG §3.1) with a host that [`uri::host`] reads,
/// and no fragment (RFC 6749 §3.1.2).
fn check_redirect_uri(s: &str) -> Result<(), String> {
    let parts = uri::components(s).map_err(|e| e.to_string())?;
    if !parts.scheme.eq_ignore_ascii_case("https") {
        return Err("must use the https scheme".into());
    }
    if parts.host.is_none() {
        return Err(UriError::NoAuthority.to_string());
    }
    if parts.has_fragment {
        return Err("must not have a fragment (RFC 6749 §3.1.2)".into());
    }
    Ok(())
}

fn is_mailto(uri: &str) -> bool {
    uri.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) && uri.len() > 7 && uri.contains('@')
}

/// The URL's path names a PNG, JPG or GIF file (IG §3.1: the logo SHALL reference one).
fn is_image_path(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif"].iter().any(|ext| path.ends_with(ext))
}

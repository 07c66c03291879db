//! Client assertions (Authentication Tokens) at the token endpoint: flows B (client
//! credentials, B2B) and C (authorization code). UDAP JWT-Based Client Authentication §6 and
//! IG §4.2 / §5.2.
//!
//! Checked, in order: the JWS (compact, allowed `alg`, signature by `x5c[0]`'s key only);
//! `x5c[0]`'s path to an anchor of the community the client registered in (with revocation,
//! per the verifier's policy); `iss` = `sub` = the client_id; `aud` contains the token
//! endpoint URL; `exp − iat` ≤ 300 s, unexpired, `iat` not in the future (with the clock
//! skew); `jti` present; the client URI bound at registration is a SAN URI of `x5c[0]`;
//! `extensions.hl7-b2b` for client_credentials; and last the replay check on (`iss`, `jti`),
//! so a rejected token never uses up its `jti`.
//!
//! Finding the client comes first: the assertion's `iss` is its client_id (the `client_id`
//! form parameter is optional, and must then be equal). [`unverified_client_id`] reads it
//! without verifying anything, only to look the registration up;
//! [`TokenEndpoint::find_client`] does the lookup in a [`RegistrationStore`]. The
//! verification then checks that the signed `iss` is that client_id.

use std::sync::Arc;

use rustls_pki_types::UnixTime;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::build::B2bExtension;
use super::claims::{self, Lifetime, claim_error, is_absolute_uri};
use super::error::{Endpoint, UdapError, UdapErrorKind};
use super::store::{ClientRecord, RegistrationStore, ReplayStore};
use crate::jws::{self, AlgorithmSet, HeaderCache, Limits, X5cOptions};
use crate::revocation::RevocationData;
use crate::verifier::{VerifiedPath, Verifier};

/// Largest Authentication Token lifetime the IG allows (`exp − iat`), in seconds.
pub const MAX_ASSERTION_LIFETIME: u64 = 300;

/// The OAuth grant the assertion authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantType {
    /// `authorization_code` (flow C): no authorization extension object.
    AuthorizationCode,
    /// `client_credentials` (flow B): `extensions.hl7-b2b` required.
    ClientCredentials,
}

impl GrantType {
    /// The grant_type parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::ClientCredentials => "client_credentials",
        }
    }

    /// Parses a grant_type parameter value.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "authorization_code" => Some(GrantType::AuthorizationCode),
            "client_credentials" => Some(GrantType::ClientCredentials),
            _ => None,
        }
    }
}

/// What the authorization server recorded when it registered a client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegisteredClient {
    /// The client_id it issued.
    pub client_id: String,
    /// The client URI (the software statement's `iss`, a SAN URI of the client's certificate).
    pub client_uri: String,
    /// The trust community the registration was made in.
    pub community: String,
}

impl RegisteredClient {
    /// The client registered as `client_id` for `client_uri` in `community`.
    pub fn new(client_id: impl Into<String>, client_uri: impl Into<String>, community: impl Into<String>) -> Self {
        RegisteredClient { client_id: client_id.into(), client_uri: client_uri.into(), community: community.into() }
    }
}

/// The token endpoint's settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenEndpoint {
    /// The token endpoint URL, exactly as in the server's metadata.
    pub url: String,
    /// Allowed clock difference, in seconds (default 60).
    pub clock_skew: u64,
    /// Allowed signature algorithms (default: RS256, ES256, RS384, ES384).
    pub algorithms: AlgorithmSet,
    /// Parsed protected headers of returning clients, reused across requests (see
    /// [`Self::with_header_cache`]).
    pub header_cache: Option<Arc<HeaderCache>>,
}

impl TokenEndpoint {
    /// A token endpoint at `url` with the defaults.
    pub fn new(url: impl Into<String>) -> Self {
        TokenEndpoint { url: url.into(), clock_skew: 60, algorithms: AlgorithmSet::udap(), header_cache: None }
    }

    /// Remembers the parsed protected headers of the tokens this endpoint checks in `cache`
    /// (shared by clones): a returning client whose header is unchanged skips decoding and
    /// parsing its `x5c`. Only parsing is saved; the signature, path and claims are checked on
    /// every token.
    pub fn with_header_cache(mut self, cache: Arc<HeaderCache>) -> Self {
        self.header_cache = Some(cache);
        self
    }
}

/// One client authentication attempt.
#[derive(Debug, Clone, Copy)]
pub struct AssertionRequest<'a> {
    /// The `client_assertion` parameter.
    pub assertion: &'a str,
    /// The `grant_type` parameter.
    pub grant_type: GrantType,
    /// The registration the assertion's `iss` names (see [`TokenEndpoint::find_client`]).
    pub client: &'a RegisteredClient,
    /// The request's `client_id` parameter, when it has one: it must equal `iss` (UDAP JWT
    /// client authentication §6.3).
    pub client_id: Option<&'a str>,
    /// The validation time.
    pub time: UnixTime,
    /// CRLs and OCSP responses for the client's certificate path.
    pub revocation: Option<&'a RevocationData>,
}

impl<'a> AssertionRequest<'a> {
    /// An attempt without a `client_id` parameter and without revocation data.
    pub fn new(assertion: &'a str, grant_type: GrantType, client: &'a RegisteredClient, time: UnixTime) -> Self {
        AssertionRequest { assertion, grant_type, client, client_id: None, time, revocation: None }
    }

    /// The request's `client_id` parameter.
    pub fn client_id(mut self, client_id: &'a str) -> Self {
        self.client_id = Some(client_id);
        self
    }

    /// CRLs and OCSP responses for the client's certificate path.
    pub fn revocation(mut self, data: &'a RevocationData) -> Self {
        self.revocation = Some(data);
        self
    }
}

/// A client assertion that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedAssertion {
    claims: Map<String, Value>,
    path: VerifiedPath,
    b2b: Option<B2bExtension>,
}

impl VerifiedAssertion {
    /// The JWT claims.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The claims read into `T` (serde): the checked claims and whatever else the caller's
    /// type declares.
    pub fn claims_as<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.claims)
    }

    /// The client's validated certificate path (community, anchor, revocation).
    pub fn path(&self) -> &VerifiedPath {
        &self.path
    }

    /// The checked `extensions.hl7-b2b` object of a client_credentials assertion (`None` for
    /// authorization_code, where the IG leaves it out and it is not checked).
    pub fn b2b(&self) -> Option<&B2bExtension> {
        self.b2b.as_ref()
    }
}

/// The `iss` of a client assertion, read **without verifying anything**: the key to look the
/// client's registration up with (its client_id), before [`TokenEndpoint::verify_assertion`]
/// checks the signature and that the signed `iss` is that client_id. Fails (`invalid_request`)
/// when the token is not a compact JWS with a JSON payload, or (`invalid_client`) without a
/// string `iss`.
pub fn unverified_client_id(assertion: &str) -> Result<String, UdapError> {
    let endpoint = Endpoint::Token;
    let claims = jws::unverified_claims(assertion, &Limits::default()).map_err(|e| UdapError::from_jws(endpoint, e))?;
    claims::string(&claims, "iss", endpoint).map(String::from)
}

impl TokenEndpoint {
    /// The registration of the client a token request authenticates: the assertion's `iss`
    /// ([`unverified_client_id`]), which the request's `client_id` parameter, when given, must
    /// equal; looked up in `store`. Unknown client_id: [`UdapErrorKind::UnknownClient`]
    /// (`invalid_client`); a store that cannot answer: [`UdapErrorKind::Store`].
    pub fn find_client(
        &self,
        assertion: &str,
        client_id: Option<&str>,
        store: &dyn RegistrationStore,
    ) -> Result<ClientRecord, UdapError> {
        let endpoint = Endpoint::Token;
        let iss = unverified_client_id(assertion)?;
        if client_id.is_some_and(|id| id != iss) {
            return Err(claim_error(endpoint, "iss", "differs from the client_id parameter"));
        }
        match store.find(&iss) {
            Ok(Some(record)) => Ok(record),
            Ok(None) => Err(UdapError::new(endpoint, UdapErrorKind::UnknownClient { client_id: iss })),
            Err(e) => Err(UdapError::new(endpoint, UdapErrorKind::Store(e))),
        }
    }

    /// Verifies a client assertion; see the module documentation for the checks. `replay`
    /// records the (`iss`, `jti`) of an accepted assertion; a store error refuses it.
    pub fn verify_assertion(
        &self,
        verifier: &Verifier,
        request: &AssertionRequest<'_>,
        replay: &dyn ReplayStore,
    ) -> Result<VerifiedAssertion, UdapError> {
        let endpoint = Endpoint::Token;
        let client = request.client;
        if !verifier.store().communities().any(|c| c == client.community) {
            let community = client.community.clone();
            return Err(UdapError::new(endpoint, UdapErrorKind::UnknownCommunity { community }));
        }
        let mut options = X5cOptions::new().community(&client.community);
        if let Some(cache) = &self.header_cache {
            options = options.header_cache(cache);
        }
        if let Some(data) = request.revocation {
            options = options.revocation(data);
        }
        let verified = jws::verify_x5c(request.assertion, &self.algorithms, verifier, request.time, &options)
            .map_err(|e| UdapError::from_jws(endpoint, e))?;
        let (claims, path) = verified.into_parts();

        let iss = claims::string(&claims, "iss", endpoint)?;
        if iss != client.client_id {
            return Err(claim_error(endpoint, "iss", format!("must be the client_id {:?}", client.client_id)));
        }
        if request.client_id.is_some_and(|id| id != iss) {
            return Err(claim_error(endpoint, "iss", "differs from the client_id parameter"));
        }
        if claims::string(&claims, "sub", endpoint)? != iss {
            return Err(claim_error(endpoint, "sub", "must equal iss (the client_id)"));
        }
        claims::audience(&claims, &self.url, endpoint)?;
        let now = request.time.as_secs();
        let lifetime = Lifetime { max: MAX_ASSERTION_LIFETIME, skew: self.clock_skew };
        let times = claims::times(&claims, now, lifetime, endpoint)?;
        let jti = claims::string(&claims, "jti", endpoint)?;
        claims::bind_san_uri(path.leaf(), &client.client_uri, endpoint)?;
        let b2b = match request.grant_type {
            GrantType::ClientCredentials => Some(check_b2b(&claims)?),
            GrantType::AuthorizationCode => None,
        };
        claims::record_jti(replay, iss, jti, times.exp.saturating_add(self.clock_skew), now, endpoint)?;
        Ok(VerifiedAssertion { claims, path, b2b })
    }
}

/// The B2B Authorization Extension Object (IG §5.2.1.1): `version` "1", `organization_id` a
/// URI, `purpose_of_use` a non-empty array of strings; optional members typed as specified.
fn check_b2b(claims: &Map<String, Value>) -> Result<B2bExtension, UdapError> {
    let bad = |problem: &str| {
        UdapError::new(
            Endpoint::Token,
            UdapErrorKind::AuthorizationExtension { name: "hl7-b2b", problem: problem.to_string() },
        )
    };
    let value = claims
        .get("extensions")
        .and_then(|e| e.get("hl7-b2b"))
        .ok_or_else(|| bad("required for client_credentials but missing"))?;
    let ext = value.as_object().ok_or_else(|| bad("must be a JSON object"))?;
    if ext.get("version").and_then(Value::as_str) != Some("1") {
        return Err(bad("version must be \"1\""));
    }
    match ext.get("organization_id").and_then(Value::as_str) {
        Some(id) if is_absolute_uri(id) => {}
        Some(_) => return Err(bad("organization_id must be a URI")),
        None => return Err(bad("organization_id is required")),
    }
    match ext.get("purpose_of_use").and_then(Value::as_array) {
        Some(list) if !list.is_empty() && list.iter().all(|p| p.as_str().is_some_and(|s| !s.is_empty())) => {}
        _ => return Err(bad("purpose_of_use must be a non-empty array of strings")),
    }
    for field in ["subject_name", "subject_id", "subject_role", "organization_name"] {
        if ext.get(field).is_some_and(|v| !v.is_string()) {
            return Err(bad(&format!("{field} must be a string")));
        }
    }
    for field in ["consent_policy", "consent_reference"] {
        if let Some(v) = ext.get(field) {
            let ok = v.as_array().is_some_and(|l| l.iter().all(|u| u.as_str().is_some_and(is_absolute_uri)));
            if !ok {
                return Err(bad(&format!("{field} must be an array of URIs")));
            }
        }
    }
    // The members read below were checked above; this only types them.
    B2bExtension::deserialize(value).map_err(|e| bad(&e.to_string()))
}

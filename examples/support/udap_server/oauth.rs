//! The OAuth endpoints: `/oauth/authorize` (approves at once, PKCE S256 required) and
//! `/oauth/token` (client_credentials with `hl7-b2b`, authorization_code with PKCE; the
//! client authenticates with a UDAP client assertion either way). Synchronous: a store may
//! block (Redis), so the routes call these on tokio's blocking pool when it does.

use std::collections::HashMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trustpath::udap::{
    AssertionRequest, ClientRecord, GrantType, OAuthError, RegisteredClient, RegistrationGrant, StoreError, UdapError,
};

use super::app::App;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Authorization codes live one minute (RFC 6749 §4.1.2 recommends at most ten).
const CODE_LIFETIME: u64 = 60;

/// A JSON answer with `Cache-Control: no-store` (RFC 6749 §5.1, §5.2).
pub fn json_reply(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A UDAP rejection: its status and terse body; the whole reason goes to the log.
pub fn udap_error(what: &str, e: &UdapError) -> Response {
    eprintln!("udap_server: {what} refused: {} [{}] {e}", e.oauth_error().unwrap_or("-"), e.kind());
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    json_reply(status, &e.error_body())
}

pub fn oauth_error(error: OAuthError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    json_reply(status, &error.body())
}

pub fn store_error(what: &str, e: &StoreError) -> Response {
    eprintln!("udap_server: {what}: {e}");
    oauth_error(OAuthError { error: "server_error", description: "the request cannot be processed now", status: 500 })
}

/// A random opaque value: 32 bytes, base64url.
pub fn random_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError(format!("no randomness: {e}")))?;
    Ok(Base64UrlUnpadded::encode_string(&bytes))
}

/// Form parameters (RFC 6749 §3.2: none may be given twice).
pub fn form(body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let mut out = HashMap::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => pair.split_at(i),
            None => (pair, &b"="[..]),
        };
        if out.insert(form_decode(name), form_decode(&value[1..])).is_some() {
            return Err(OAuthError::bad_request("invalid_request", "a parameter is given twice"));
        }
    }
    Ok(out)
}

/// application/x-www-form-urlencoded decoding: `+` is a space, `%XX` a byte. A value with
/// neither (a JWS: base64url and dots) is copied as it is, with no pass over its 5 KB.
fn form_decode(raw: &[u8]) -> String {
    // Two `contains` (memchr underneath) are several times faster than one bytewise `any`.
    if !raw.contains(&b'%')
        && !raw.contains(&b'+')
        && let Ok(text) = std::str::from_utf8(raw)
    {
        return text.to_owned();
    }
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match (b, raw.get(i + 1).copied().and_then(hex), raw.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                bytes.push(high << 4 | low);
                i += 3;
            }
            (b'+', ..) => {
                bytes.push(b' ');
                i += 1;
            }
            _ => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whether every scope of `requested` is one of `registered`'s.
fn scopes_within(requested: &str, registered: &str) -> bool {
    let allowed: Vec<&str> = registered.split_ascii_whitespace().collect();
    requested.split_ascii_whitespace().all(|s| allowed.contains(&s))
}

/// What an authorization code stands for, stored under `code:{code}`.
fn code_record(client_id: &str, redirect_uri: Option<&str>, challenge: &str, scope: &str) -> Value {
    json!({"client_id": client_id, "redirect_uri": redirect_uri, "code_challenge": challenge, "scope": scope})
}

/// `GET /oauth/authorize`: no user to ask in this example, so it approves at once.
pub fn authorize(app: &App, query: &HashMap<String, String>) -> Response {
    let param = |name: &str| query.get(name).map(String::as_str);
    // Until the client and its redirect URI are known, errors are answered, not redirected
    // (RFC 6749 §4.1.2.1).
    let Some(client_id) = param("client_id") else {
        return oauth_error(OAuthError::bad_request("invalid_request", "client_id is required"));
    };
    let record = match app.stores.registrations.find(client_id) {
        Ok(Some(r)) => r,
        Ok(None) => return oauth_error(OAuthError::bad_request("invalid_client", "unknown client_id")),
        Err(e) => return store_error("authorize", &e),
    };
    let RegistrationGrant::AuthorizationCode { redirect_uris, .. } = &record.grant else {
        return oauth_error(OAuthError::bad_request("unauthorized_client", "not registered for authorization_code"));
    };
    let redirect = match (param("redirect_uri"), redirect_uris.as_slice()) {
        (Some(uri), registered) if registered.iter().any(|r| r == uri) => uri.to_string(),
        (None, [only]) => only.clone(),
        _ => return oauth_error(OAuthError::bad_request("invalid_request", "redirect_uri is not a registered one")),
    };
    let state = param("state");
    let back = |pairs: &[(&str, &str)]| {
        let mut url = redirect.clone();
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            serializer.append_pair(k, v);
        }
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&serializer.finish());
        let mut response = StatusCode::FOUND.into_response();
        if let Ok(location) = HeaderValue::from_str(&url) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    };
    let error = |code: &str| match state {
        Some(s) => back(&[("error", code), ("state", s)]),
        None => back(&[("error", code)]),
    };
    let Some(state) = state else {
        return error("invalid_request"); // IG §7.2.1: state is required.
    };
    if param("response_type") != Some("code") {
        return error("unsupported_response_type");
    }
    // IG §7.2.2: PKCE with S256.
    let challenge = match (param("code_challenge"), param("code_challenge_method")) {
        (Some(c), Some("S256")) if c.len() == 43 => c,
        _ => return error("invalid_request"),
    };
    let scope = param("scope").unwrap_or(&record.scope);
    if !scopes_within(scope, &record.scope) {
        return error("invalid_scope");
    }
    let code = match random_token() {
        Ok(c) => c,
        Err(e) => return store_error("authorize", &e),
    };
    let stored = code_record(client_id, param("redirect_uri"), challenge, scope).to_string();
    let now = app.now().as_secs();
    if let Err(e) = app.stores.grants.put(&format!("code:{code}"), &stored, CODE_LIFETIME, now) {
        return store_error("authorize", &e);
    }
    back(&[("code", &code), ("state", state)])
}

/// `POST /oauth/token`.
pub fn token(app: &App, authorization_header: bool, body: &[u8]) -> Response {
    let params = match form(body) {
        Ok(p) => p,
        Err(e) => return oauth_error(e),
    };
    let param = |name: &str| params.get(name).map(String::as_str);
    if authorization_header {
        // IG §4.2.2, §5.2.2: the client authenticates with its assertion only.
        return oauth_error(OAuthError::bad_request("invalid_request", "no Authorization header with UDAP"));
    }
    let grant = match param("grant_type").map(GrantType::from_name) {
        Some(Some(g)) => g,
        Some(None) => return oauth_error(OAuthError::bad_request("unsupported_grant_type", "unsupported grant_type")),
        None => return oauth_error(OAuthError::bad_request("invalid_request", "grant_type is required")),
    };
    if param("client_assertion_type") != Some(JWT_BEARER) || param("udap") != Some("1") {
        return oauth_error(OAuthError::bad_request(
            "invalid_request",
            "client_assertion_type must be jwt-bearer and udap must be 1",
        ));
    }
    let Some(assertion) = param("client_assertion") else {
        return oauth_error(OAuthError::bad_request("invalid_request", "client_assertion is required"));
    };
    // The registration: by the assertion's (unverified) iss, which the signature check binds.
    let record = match app.token.find_client(assertion, param("client_id"), &*app.stores.registrations) {
        Ok(r) => r,
        Err(e) => return udap_error("token", &e),
    };
    let now = app.now();
    let request = AssertionRequest::new(assertion, grant, &record.client, now).revocation(&app.revocation);
    let request = match param("client_id") {
        Some(id) => request.client_id(id),
        None => request,
    };
    // Accepted: the path, the claims and the hl7-b2b object (for client_credentials) are in
    // the result, for a server that decides on them; this one grants the registered scopes.
    if let Err(e) = app.token.verify_assertion(&app.verifier, &request, &*app.stores.replay) {
        return udap_error("token", &e);
    }
    let scope = match (grant, &record.grant) {
        (GrantType::ClientCredentials, RegistrationGrant::ClientCredentials) => {
            let Some(scope) = param("scope") else {
                return oauth_error(OAuthError::bad_request("invalid_request", "scope is required"));
            };
            if !scopes_within(scope, &record.scope) {
                return oauth_error(OAuthError::bad_request("invalid_scope", "scope exceeds the registered scope"));
            }
            scope.to_string()
        }
        (GrantType::AuthorizationCode, RegistrationGrant::AuthorizationCode { .. }) => {
            match redeem_code(app, &record.client, &params) {
                Ok(scope) => scope,
                Err(response) => return *response,
            }
        }
        _ => return oauth_error(OAuthError::bad_request("unauthorized_client", "not registered for this grant")),
    };
    issue_token(app, &record, &scope, now.as_secs())
}

/// The authorization_code checks (RFC 6749 §4.1.3, RFC 7636 §4.6): the code, taken once,
/// issued to this client, the same redirect_uri, and the PKCE verifier. Returns its scope.
fn redeem_code(
    app: &App,
    client: &RegisteredClient,
    params: &HashMap<String, String>,
) -> Result<String, Box<Response>> {
    let param = |name: &str| params.get(name).map(String::as_str);
    let invalid_grant = |what: &'static str| Box::new(oauth_error(OAuthError::bad_request("invalid_grant", what)));
    let (Some(code), Some(verifier)) = (param("code"), param("code_verifier")) else {
        let e = OAuthError::bad_request("invalid_request", "code and code_verifier are required");
        return Err(Box::new(oauth_error(e)));
    };
    let now = app.now().as_secs();
    let stored = match app.stores.grants.take(&format!("code:{code}"), now) {
        Ok(Some(s)) => s,
        Ok(None) => return Err(invalid_grant("unknown, used or expired code")),
        Err(e) => return Err(Box::new(store_error("token", &e))),
    };
    let stored: Value = serde_json::from_str(&stored).map_err(|_| invalid_grant("unreadable code"))?;
    if stored["client_id"].as_str() != Some(client.client_id.as_str()) {
        return Err(invalid_grant("the code was issued to another client"));
    }
    if stored["redirect_uri"].as_str().is_some_and(|r| param("redirect_uri") != Some(r)) {
        return Err(invalid_grant("redirect_uri differs from the authorization request"));
    }
    let valid_verifier = (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    let computed = Base64UrlUnpadded::encode_string(&Sha256::digest(verifier.as_bytes()));
    if !valid_verifier || stored["code_challenge"].as_str() != Some(computed.as_str()) {
        return Err(invalid_grant("code_verifier does not match the code_challenge"));
    }
    Ok(stored["scope"].as_str().unwrap_or_default().to_string())
}

/// An opaque random access token, stored with what it grants.
fn issue_token(app: &App, record: &ClientRecord, scope: &str, now: u64) -> Response {
    let token = match random_token() {
        Ok(t) => t,
        Err(e) => return store_error("token", &e),
    };
    let grant = json!({"client_id": record.client.client_id, "scope": scope, "exp": now + app.token_lifetime});
    if let Err(e) = app.stores.grants.put(&format!("token:{token}"), &grant.to_string(), app.token_lifetime, now) {
        return store_error("token", &e);
    }
    json_reply(
        StatusCode::OK,
        &json!({"access_token": token, "token_type": "Bearer", "expires_in": app.token_lifetime, "scope": scope}),
    )
}

//! The HTTP routes (axum): discovery, registration, the OAuth endpoints and a FHIR read.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use trustpath::udap::{ClientRecord, OAuthError, Registered, RegisteredClient, RegistrationGrant, RegistrationRequest};

use super::app::App;
use super::oauth::{self, json_reply, oauth_error, store_error, udap_error};

pub fn router(app: Arc<App>) -> Router {
    let base = app.urls.base_path.clone();
    Router::new()
        .route(&format!("{base}/.well-known/udap"), get(metadata))
        .route(&format!("{base}/Patient/{{id}}"), get(patient))
        .route("/oauth/register", post(register))
        .route("/oauth/authorize", get(authorize))
        .route("/oauth/token", post(token))
        .with_state(app)
}

/// Runs `f` where it may block: on tokio's blocking pool when the stores do I/O (Redis),
/// inline otherwise (in-memory stores never wait).
async fn run<F>(app: Arc<App>, f: F) -> Response
where
    F: FnOnce(&App) -> Response + Send + 'static,
{
    if !app.stores.blocking {
        return f(&app);
    }
    match tokio::task::spawn_blocking(move || f(&app)).await {
        Ok(response) => response,
        Err(e) => store_error("worker", &trustpath::udap::StoreError(e.to_string())),
    }
}

/// `GET {base}/.well-known/udap` (IG §2): the metadata signed at startup. A `community` the
/// server does not serve gets `204 No Content` (IG §2.4 allows it).
async fn metadata(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    if let Some(community) = query.get("community")
        && !app.communities.iter().any(|c| c == community)
    {
        return StatusCode::NO_CONTENT.into_response();
    }
    (StatusCode::OK, axum::Json(app.metadata.clone())).into_response()
}

/// `POST /oauth/register` (IG §3): 201 with a new client_id, 200 when (community, client URI)
/// was registered already (modified, same client_id) or for a cancellation (IG §3.4).
async fn register(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(app, move |app| register_sync(app, &body)).await
}

fn register_sync(app: &App, body: &[u8]) -> Response {
    let Ok(body) = std::str::from_utf8(body) else {
        return oauth_error(OAuthError::bad_request("invalid_client_metadata", "the body is not UTF-8 JSON"));
    };
    let request = RegistrationRequest::new(body, app.now()).revocation(&app.revocation);
    let registration = match app.registration.verify_request(&app.verifier, &request, &*app.stores.replay) {
        Ok(r) => r,
        Err(e) => return udap_error("registration", &e),
    };
    let (community, client_uri) = (registration.community(), registration.client_uri());
    if *registration.grant() == RegistrationGrant::Cancel {
        return match app.stores.registrations.cancel(community, client_uri) {
            Ok(Some(client_id)) => {
                eprintln!("udap_server: cancelled {client_id} ({client_uri} in {community})");
                json_reply(StatusCode::OK, &registration.response(&client_id))
            }
            Ok(None) => oauth_error(OAuthError::bad_request("invalid_client_metadata", "no registration to cancel")),
            Err(e) => store_error("registration", &e),
        };
    }
    let proposed = match oauth::random_token() {
        Ok(t) => t.chars().take(22).collect::<String>(),
        Err(e) => return store_error("registration", &e),
    };
    let record = ClientRecord::new(
        RegisteredClient::new(proposed, client_uri.to_string(), community.to_string()),
        registration.grant().clone(),
        registration.scope().to_string(),
    );
    match app.stores.registrations.register(&record) {
        Ok((client_id, outcome)) => {
            let status = if outcome == Registered::Created { StatusCode::CREATED } else { StatusCode::OK };
            eprintln!("udap_server: registered {client_id} ({client_uri} in {community}): {status}");
            json_reply(status, &registration.response(&client_id))
        }
        Err(e) => store_error("registration", &e),
    }
}

async fn authorize(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    run(app, move |app| oauth::authorize(app, &query)).await
}

async fn token(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let authorization = headers.contains_key(header::AUTHORIZATION);
    run(app, move |app| oauth::token(app, authorization, &body)).await
}

/// A bearer token refusal (RFC 6750 §3).
fn unauthorized(error: Option<&str>) -> Response {
    let (challenge, body) = match error {
        Some(code) => (format!("Bearer error=\"{code}\""), json!({"error": code})),
        None => ("Bearer".to_string(), json!({"error": "invalid_request"})),
    };
    let status = if error == Some("insufficient_scope") { StatusCode::FORBIDDEN } else { StatusCode::UNAUTHORIZED };
    let mut response = json_reply(status, &body);
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Whether a SMART scope allows reading Patient resources (`system/Patient.rs`,
/// `user/*.read`, ...).
fn reads_patients(scope: &str) -> bool {
    scope.split_ascii_whitespace().any(|s| {
        let Some((context, rest)) = s.split_once('/') else { return false };
        let Some((resource, access)) = rest.split_once('.') else { return false };
        matches!(context, "system" | "user" | "patient")
            && matches!(resource, "Patient" | "*")
            && (access == "read"
                || access == "*"
                || access.starts_with(|c: char| c.is_ascii_lowercase()) && access.contains('r'))
    })
}

/// `GET {base}/Patient/{id}`: needs a bearer token whose scope reads Patient resources.
async fn patient(State(app): State<Arc<App>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    run(app, move |app| {
        let Some(token) = token else { return unauthorized(None) };
        let grant = match app.stores.grants.get(&format!("token:{token}"), app.now().as_secs()) {
            Ok(Some(g)) => g,
            Ok(None) => return unauthorized(Some("invalid_token")),
            Err(e) => return store_error("patient", &e),
        };
        let grant: Value = serde_json::from_str(&grant).unwrap_or_default();
        if grant["exp"].as_u64().is_none_or(|exp| exp <= app.now().as_secs()) {
            return unauthorized(Some("invalid_token"));
        }
        if !reads_patients(grant["scope"].as_str().unwrap_or_default()) {
            return unauthorized(Some("insufficient_scope"));
        }
        fhir_patient(&id)
    })
    .await
}

fn fhir_patient(id: &str) -> Response {
    let known = [("example", "Example", "Pat", "1970-01-01"), ("42", "Doe", "Jane", "1984-02-29")];
    let mut response = match known.iter().find(|p| p.0 == id) {
        Some((id, family, given, birth)) => (
            StatusCode::OK,
            axum::Json(json!({
                "resourceType": "Patient",
                "id": id,
                "name": [{"family": family, "given": [given]}],
                "birthDate": birth,
            })),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "not-found", "diagnostics": "no such Patient"}],
            })),
        )
            .into_response(),
    };
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/fhir+json"));
    response
}

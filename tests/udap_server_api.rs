//! The server-facing UDAP API on the bundled test PKI (`test-vectors/udap/`, at its validation
//! time): finding the registered client by the assertion's unverified `iss`, the RFC 7591
//! §3.2.1 registration response, typed claims, the stores, and the errors a misconfigured or
//! failing server gives.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use trustpath::cert::parse_bundle;
use trustpath::jws::Signer;
use trustpath::revocation::{Crl, RevocationData};
use trustpath::udap::build::{self, B2bExtension, SoftwareStatement, StatementGrant};
use trustpath::udap::{
    AssertionRequest, ClientRecord, GrantType, MemoryRegistrationStore, MemoryReplayCache, Registered,
    RegisteredClient, RegistrationEndpoint, RegistrationGrant, RegistrationRequest, RegistrationStore, ReplayStore,
    StoreError, TokenEndpoint, UdapError, is_description_char, unverified_client_id,
};
use trustpath::{Certificate, Policy, TrustStore, UnixTime, Verifier};

/// 2026-06-01T00:00:00Z: the bundled certificates and CRLs are current then.
const NOW: u64 = 1_780_272_000;
const FHIRLABS: &str = "udap://fhirlabs.example";
const TOKEN_URL: &str = "https://fhir.example.org/oauth/token";
const REGISTER_URL: &str = "https://fhir.example.org/oauth/register";
const B2B_APP: &str = "https://client.example.org/apps/42";

fn now() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(NOW))
}

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/udap")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(vectors().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn signer(id: &str) -> Signer {
    let chain = parse_bundle(&read(&format!("certs/{id}-chain.pem"))).expect("chain").certificates;
    Signer::from_pkcs8(&read(&format!("keys/{id}.pem")), chain).expect("key")
}

struct Server {
    verifier: Verifier,
    revocation: RevocationData,
    token: TokenEndpoint,
    registration: RegistrationEndpoint,
}

fn server() -> Server {
    let mut store = TrustStore::new();
    store.add_certificate(FHIRLABS, Certificate::from_pem(&read("pki/fhirlabs/root.pem")).expect("root"));
    let mut revocation = RevocationData::new();
    for ca in ["root", "intermediate"] {
        revocation.add_crl(Crl::from_pem_or_der(&read(&format!("pki/fhirlabs/{ca}.crl"))).expect("crl"));
    }
    Server {
        verifier: Verifier::new(store, Policy::udap()),
        revocation,
        token: TokenEndpoint::new(TOKEN_URL),
        registration: RegistrationEndpoint::new(REGISTER_URL),
    }
}

fn b2b() -> B2bExtension {
    let mut b2b =
        B2bExtension::new("urn:oid:2.16.840.1.113883.4.6#1234567890", ["urn:oid:2.16.840.1.113883.5.8#TREAT"]);
    b2b.organization_name = Some("Example Clinic".into());
    b2b.consent_policy = vec!["urn:oid:2.16.840.1.113883.3.7204.1.1.1.1".into()];
    b2b.consent_reference = vec!["https://fhir.example.org/r4/Consent/1".into()];
    b2b
}

fn cc_statement(jti: &str) -> String {
    let statement =
        SoftwareStatement::new(B2B_APP, REGISTER_URL, "Example B2B Service", StatementGrant::ClientCredentials)
            .with_contacts(["mailto:ops@client.example.org"])
            .with_scope("system/Patient.rs");
    signer("client-rsa").sign_json(&statement.claims(now(), jti)).expect("sign")
}

fn register(s: &Server, statement: &str, replay: &dyn ReplayStore) -> Result<trustpath::udap::Registration, UdapError> {
    let body = SoftwareStatement::request_body(statement).to_string();
    let request = RegistrationRequest::new(&body, now()).revocation(&s.revocation);
    s.registration.verify_request(&s.verifier, &request, replay)
}

#[test]
fn the_registration_response_echoes_the_statement_unmodified() {
    let s = server();
    let statement = cc_statement("reg-1");
    let registration = register(&s, &statement, &MemoryReplayCache::default()).expect("accepted");
    assert_eq!(registration.software_statement(), statement);
    let response = registration.response("client-7");
    assert_eq!(response["client_id"], "client-7");
    assert_eq!(response["software_statement"], statement.as_str(), "RFC 7591 §3.2.1: as submitted");
    assert_eq!(response["grant_types"], json!(["client_credentials"]));
    assert_eq!(response["client_name"], "Example B2B Service");
    assert_eq!(response["scope"], "system/Patient.rs");
    assert_eq!(response["token_endpoint_auth_method"], "private_key_jwt");
    assert_eq!(response["contacts"], json!(["mailto:ops@client.example.org"]));
    for claim in ["iss", "sub", "aud", "exp", "iat", "jti", "redirect_uris", "logo_uri"] {
        assert!(response.get(claim).is_none(), "{claim} is not echoed: {response}");
    }
    assert_eq!(registration.scope(), "system/Patient.rs");

    // Typed claims, borrowed from the registration.
    #[derive(Deserialize)]
    struct Statement<'a> {
        iss: &'a str,
        client_name: String,
        grant_types: Vec<String>,
        exp: u64,
    }
    let typed: Statement<'_> = registration.claims_as().expect("typed claims");
    assert_eq!((typed.iss, typed.client_name.as_str()), (B2B_APP, "Example B2B Service"));
    assert_eq!((typed.grant_types, typed.exp), (vec!["client_credentials".to_string()], NOW + 300));
    #[derive(Debug, Deserialize)]
    struct WrongType {
        #[allow(dead_code)]
        client_name: u64,
    }
    assert!(registration.claims_as::<WrongType>().is_err(), "a type that does not fit is an error");

    // A cancellation's response carries the empty grant_types that confirms it.
    let claims = SoftwareStatement::new(B2B_APP, REGISTER_URL, "Example B2B Service", StatementGrant::Cancel)
        .with_contacts(["mailto:ops@client.example.org"])
        .with_scope("system/Patient.rs")
        .claims(now(), "reg-2");
    let cancel = signer("client-rsa").sign_json(&claims).expect("sign");
    let registration = register(&s, &cancel, &MemoryReplayCache::default()).expect("accepted");
    assert_eq!(registration.grant(), &RegistrationGrant::Cancel);
    assert_eq!(registration.response("client-7")["grant_types"], json!([]));
}

#[test]
fn a_registration_replay_is_refused_and_the_replay_store_is_required() {
    let s = server();
    let replay = MemoryReplayCache::default();
    let statement = cc_statement("reg-3");
    register(&s, &statement, &replay).expect("first");
    let e = register(&s, &statement, &replay).expect_err("replay");
    assert_eq!((e.kind(), e.oauth_error(), e.http_status()), ("replay", Some("invalid_software_statement"), 400));
}

/// A store that cannot answer, as an unreachable Redis.
struct Down;

impl ReplayStore for Down {
    fn check_and_record(&self, _: &str, _: &str, _: u64, _: u64) -> Result<bool, StoreError> {
        Err(StoreError("connection refused".into()))
    }
}

impl RegistrationStore for Down {
    fn register(&self, _: &ClientRecord) -> Result<(String, Registered), StoreError> {
        Err(StoreError("connection refused".into()))
    }
    fn find(&self, _: &str) -> Result<Option<ClientRecord>, StoreError> {
        Err(StoreError("connection refused".into()))
    }
    fn cancel(&self, _: &str, _: &str) -> Result<Option<String>, StoreError> {
        Err(StoreError("connection refused".into()))
    }
}

fn record(client_id: &str, community: &str) -> ClientRecord {
    ClientRecord::new(
        RegisteredClient::new(client_id, B2B_APP, community),
        RegistrationGrant::ClientCredentials,
        "system/Patient.rs",
    )
}

fn assertion(client_id: &str, jti: &str) -> String {
    let claims = build::client_assertion_claims(client_id, TOKEN_URL, now(), jti, Some(&b2b()));
    signer("client-rsa").sign_json(&claims).expect("sign")
}

fn assert_body(e: &UdapError, code: &str, status: u16) {
    assert_eq!((e.oauth_error(), e.http_status()), (Some(code), status), "{e}");
    let body = e.error_body();
    assert_eq!(body["error"], code);
    let description = body["error_description"].as_str().expect("description");
    assert!(description.chars().all(is_description_char), "{description:?}");
}

#[test]
fn the_token_endpoint_finds_the_client_by_the_unverified_iss() {
    let s = server();
    let store = MemoryRegistrationStore::new();
    assert_eq!(store.register(&record("client-1", FHIRLABS)), Ok(("client-1".into(), Registered::Created)));
    let token = assertion("client-1", "a-1");
    assert_eq!(unverified_client_id(&token).expect("iss"), "client-1");

    let found = s.token.find_client(&token, None, &store).expect("registered");
    assert_eq!(found.client.client_uri, B2B_APP);
    let found = s.token.find_client(&token, Some("client-1"), &store).expect("the client_id parameter agrees");
    let replay = MemoryReplayCache::default();
    let request = AssertionRequest::new(&token, GrantType::ClientCredentials, &found.client, now())
        .client_id("client-1")
        .revocation(&s.revocation);
    let verified = s.token.verify_assertion(&s.verifier, &request, &replay).expect("accepted");
    assert_eq!(verified.b2b(), Some(&b2b()), "the hl7-b2b object, typed");
    #[derive(Deserialize)]
    struct Claims {
        jti: String,
        extensions: Value,
    }
    let claims: Claims = verified.claims_as().expect("typed claims");
    assert_eq!(claims.jti, "a-1");
    assert_eq!(claims.extensions["hl7-b2b"]["version"], "1");

    // The client_id parameter must equal iss, at the lookup and at the verification.
    let e = s.token.find_client(&token, Some("client-2"), &store).expect_err("mismatch");
    assert_body(&e, "invalid_client", 401);
    let other = assertion("client-1", "a-2");
    let request = AssertionRequest::new(&other, GrantType::ClientCredentials, &found.client, now())
        .client_id("client-2")
        .revocation(&s.revocation);
    let e = s.token.verify_assertion(&s.verifier, &request, &replay).expect_err("mismatch");
    assert_eq!((e.kind(), e.oauth_error()), ("claim", Some("invalid_client")));

    // Unknown client_id; not a JWS; no iss.
    let e = s.token.find_client(&assertion("client-9", "a-3"), None, &store).expect_err("unknown");
    assert_eq!(e.kind(), "unknown_client");
    assert_body(&e, "invalid_client", 401);
    let e = s.token.find_client("not-a-jws", None, &store).expect_err("malformed");
    assert_body(&e, "invalid_request", 400);
    let no_iss = signer("client-rsa").sign_json(&json!({"sub": "client-1"})).expect("sign");
    let e = s.token.find_client(&no_iss, None, &store).expect_err("no iss");
    assert_eq!((e.kind(), e.oauth_error()), ("claim", Some("invalid_client")));
}

#[test]
fn a_store_that_cannot_answer_refuses_with_server_error() {
    let s = server();
    let token = assertion("client-1", "a-4");
    let e = s.token.find_client(&token, None, &Down).expect_err("store down");
    assert_eq!(e.kind(), "store_unavailable");
    assert_body(&e, "server_error", 500);

    let client = record("client-1", FHIRLABS).client;
    let request = AssertionRequest::new(&token, GrantType::ClientCredentials, &client, now()).revocation(&s.revocation);
    let e = s.token.verify_assertion(&s.verifier, &request, &Down).expect_err("never accepted without the store");
    assert_body(&e, "server_error", 500);
    // The same assertion is still unused: the failed store did not consume it.
    s.token
        .verify_assertion(&s.verifier, &request, &MemoryReplayCache::default())
        .expect("accepted once the store answers");

    let e = register(&s, &cc_statement("reg-4"), &Down).expect_err("store down");
    assert_body(&e, "server_error", 500);
}

#[test]
fn a_registration_in_a_community_the_server_dropped_names_it() {
    let s = server();
    let client = record("client-1", "udap://retired.example").client;
    let token = assertion("client-1", "a-5");
    let request = AssertionRequest::new(&token, GrantType::ClientCredentials, &client, now()).revocation(&s.revocation);
    let e = s.token.verify_assertion(&s.verifier, &request, &MemoryReplayCache::default()).expect_err("unknown");
    assert_eq!(e.kind(), "unknown_community");
    assert!(e.to_string().contains("udap://retired.example"), "{e}");
    assert_body(&e, "invalid_client", 401);
    assert!(!e.error_body().to_string().contains("retired"), "the client is not told the configuration");
}

#[test]
fn rejections_tell_the_client_little_and_the_log_everything() {
    let s = server();
    let client = record("client-1", FHIRLABS).client;
    let replay = MemoryReplayCache::default();
    // A revoked certificate: the log names the CRL's reason; the body says only "revoked".
    let claims = build::client_assertion_claims("client-1", TOKEN_URL, now(), "a-6", Some(&b2b()));
    let token = signer("client-revoked").sign_json(&claims).expect("sign");
    let request = AssertionRequest::new(&token, GrantType::ClientCredentials, &client, now()).revocation(&s.revocation);
    let e = s.token.verify_assertion(&s.verifier, &request, &replay).expect_err("revoked");
    assert!(e.to_string().contains("keyCompromise"), "{e}");
    assert_eq!(e.error_body()["error_description"], "the certificate is revoked");
    // Without revocation data under hard-fail: what to fetch is in needs(), not in the body.
    let request = AssertionRequest::new(&token, GrantType::ClientCredentials, &client, now());
    let e = s.token.verify_assertion(&s.verifier, &request, &replay).expect_err("revocation unknown");
    assert_eq!(e.kind(), "revocation_unknown");
    assert!(!e.needs().is_empty(), "the CRL distribution points to fetch");
    assert_eq!(e.error_body()["error_description"], "the certificate is not trusted");
}

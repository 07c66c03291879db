//! `examples/udap_server.rs` driven over HTTP by a real client (ureq): started in-process on a
//! free loopback port with the bundled test community and its clock fixed at the test PKI's
//! time, then registration (2D), client_credentials (2B), authorization_code with PKCE (2C), a
//! FHIR read, and the refusals, each checked by HTTP status and `error` code. With
//! `redis-server` installed, two instances share one Redis (skipped otherwise, with a line
//! saying so).

#[path = "../examples/support/udap_server/mod.rs"]
mod udap_server;

#[path = "support/redis_server.rs"]
mod redis_server;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use base64ct::{Base64UrlUnpadded, Encoding};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trustpath::cert::parse_bundle;
use trustpath::jws::Signer;
use trustpath::revocation::RevocationPolicy;
use trustpath::udap::build::{self, B2bExtension, SoftwareStatement, StatementGrant};
use trustpath::udap::{MetadataCheck, is_description_char, parse_metadata_document, verify_signed_metadata};
use trustpath::{Certificate, Policy, TrustStore, UnixTime, Verifier};
use udap_server::{BUNDLED_TIME, Options, Running};

const BASE_URL: &str = "https://fhir.example.org/r4";
const TOKEN_URL: &str = "https://fhir.example.org/oauth/token";
const REGISTER_URL: &str = "https://fhir.example.org/oauth/register";
const B2B_APP: &str = "https://client.example.org/apps/42";
const USER_APP: &str = "https://client.example.org/apps/ec";
const CALLBACK: &str = "https://client.example.org/apps/ec/callback";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn now() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(BUNDLED_TIME))
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(udap_server::bundled().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn signer(id: &str) -> Signer {
    let chain = parse_bundle(&read(&format!("certs/{id}-chain.pem"))).expect("chain").certificates;
    Signer::from_pkcs8(&read(&format!("keys/{id}.pem")), chain).expect("key")
}

/// A fresh JWT ID: tests never reuse one by accident.
fn jti() -> String {
    build::new_jti(&mut rand_core::UnwrapErr(getrandom::SysRng))
}

fn start(redis: Option<(&str, &str)>) -> Running {
    let mut options = Options::bundled();
    options.listen = "127.0.0.1:0".parse().expect("address");
    if let Some((url, prefix)) = redis {
        options.redis = Some(url.into());
        options.redis_prefix = prefix.into();
    }
    udap_server::start(&options).expect("the server starts")
}

/// An HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    body: Value,
    location: Option<String>,
    challenge: Option<String>,
}

impl Reply {
    /// The status and the `error` code, after checking the RFC 6749 §5.2 shape of the body.
    fn error(&self) -> (u16, &str) {
        let description = self.body["error_description"].as_str().unwrap_or_default();
        assert!(description.chars().all(is_description_char), "error_description {description:?}");
        (self.status, self.body["error"].as_str().unwrap_or("(no error)"))
    }
}

/// A real HTTP/1.1 client of one server.
struct Client {
    agent: ureq::Agent,
    url: String,
}

impl Client {
    fn new(server: &Running) -> Client {
        let config = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build();
        Client { agent: config.into(), url: server.url() }
    }

    fn reply(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut response = response.expect("an HTTP answer");
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(String::from);
        let (location, challenge) = (header("location"), header("www-authenticate"));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().expect("a body");
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("a JSON body") };
        Reply { status, body, location, challenge }
    }

    fn get(&self, path: &str, bearer: Option<&str>) -> Reply {
        let mut request = self.agent.get(format!("{}{path}", self.url));
        if let Some(token) = bearer {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        Client::reply(request.call())
    }

    fn register(&self, statement: &str) -> Reply {
        let body = SoftwareStatement::request_body(statement).to_string();
        let request =
            self.agent.post(format!("{}/oauth/register", self.url)).header("Content-Type", "application/json");
        Client::reply(request.send(body))
    }

    fn token(&self, params: &[(&str, &str)]) -> Reply {
        Client::reply(self.agent.post(format!("{}/oauth/token", self.url)).send_form(params.iter().copied()))
    }

    /// A client_credentials request with this assertion.
    fn b2b_token(&self, assertion: &str) -> Reply {
        self.token(&[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion),
            ("scope", "system/Patient.rs"),
            ("udap", "1"),
        ])
    }
}

fn statement(client_uri: &str, grant: StatementGrant, scope: &str) -> SoftwareStatement {
    SoftwareStatement::new(client_uri, REGISTER_URL, "Example App", grant)
        .with_contacts(["mailto:ops@client.example.org"])
        .with_scope(scope)
}

fn b2b_statement(scope: &str) -> String {
    let claims = statement(B2B_APP, StatementGrant::ClientCredentials, scope).claims(now(), &jti());
    signer("client-rsa").sign_json(&claims).expect("sign")
}

fn user_statement() -> String {
    let grant = StatementGrant::AuthorizationCode {
        redirect_uris: vec![CALLBACK.into()],
        logo_uri: "https://client.example.org/apps/ec/logo.png".into(),
        refresh_token: false,
    };
    let claims = statement(USER_APP, grant, "openid user/Patient.rs").claims(now(), &jti());
    signer("client-es256").sign_json(&claims).expect("sign")
}

fn b2b() -> B2bExtension {
    B2bExtension::new("urn:oid:2.16.840.1.113883.4.6#1234567890", ["urn:oid:2.16.840.1.113883.5.8#TREAT"])
}

/// A client_credentials assertion of `client_id`, signed by `who`, with `edit` applied.
fn assertion(client_id: &str, who: &str, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut claims = build::client_assertion_claims(client_id, TOKEN_URL, now(), &jti(), Some(&b2b()));
    if let Some(object) = claims.as_object_mut() {
        edit(object);
    }
    signer(who).sign_json(&claims).expect("sign")
}

fn registered(reply: &Reply, status: u16) -> String {
    assert_eq!(reply.status, status, "{:?}", reply.body);
    reply.body["client_id"].as_str().expect("client_id").to_string()
}

/// The first half of 2C: an authorization request with PKCE (S256) at `at`; returns the code
/// and the verifier.
fn authorize(at: &Client, client_id: &str) -> (String, String) {
    let verifier = format!("{}{}", jti(), jti());
    let challenge = Base64UrlUnpadded::encode_string(&Sha256::digest(verifier.as_bytes()));
    let query = format!(
        "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={CALLBACK}&state=s-1\
         &scope=user/Patient.rs&code_challenge={challenge}&code_challenge_method=S256"
    );
    let reply = at.get(&query, None);
    assert_eq!(reply.status, 302, "{:?}", reply.body);
    let location = reply.location.expect("a redirect");
    let redirect = url::Url::parse(&location).expect("a URL");
    assert_eq!(redirect.as_str().split('?').next(), Some(CALLBACK));
    let params: std::collections::HashMap<_, _> = redirect.query_pairs().into_owned().collect();
    assert_eq!(params.get("state").map(String::as_str), Some("s-1"), "the state comes back");
    (params.get("code").expect("a code").clone(), verifier)
}

/// The second half: the code exchanged at `redeem` with a fresh client assertion.
fn exchange(redeem: &Client, client_id: &str, code: &str, verifier: &str) -> Reply {
    let claims = build::client_assertion_claims(client_id, TOKEN_URL, now(), &jti(), None);
    let assertion = signer("client-es256").sign_json(&claims).expect("sign");
    redeem.token(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("code_verifier", verifier),
        ("redirect_uri", CALLBACK),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", &assertion),
        ("udap", "1"),
    ])
}

/// 2C from `at` to `redeem` (another instance maybe); the code then fails a second time.
fn authorization_code(at: &Client, redeem: &Client, client_id: &str) -> Reply {
    let (code, verifier) = authorize(at, client_id);
    let reply = exchange(redeem, client_id, &code, &verifier);
    let again = exchange(redeem, client_id, &code, &verifier);
    assert_eq!(again.error(), (400, "invalid_grant"), "a code is used once, whoever redeems it");
    reply
}

#[test]
fn one_instance_serves_2b_2c_2d_and_refuses_what_it_must() {
    let server = start(None);
    let client = Client::new(&server);

    // Discovery: the client checks the signed metadata with its own anchor.
    let reply = client.get("/r4/.well-known/udap", None);
    assert_eq!(reply.status, 200);
    let document = parse_metadata_document(reply.body.to_string().as_bytes()).expect("metadata");
    let mut anchors = TrustStore::new();
    anchors.add_certificate("fhirlabs", Certificate::from_pem(&read("pki/fhirlabs/root.pem")).expect("root"));
    let mut policy = Policy::udap();
    policy.revocation = RevocationPolicy::OFF; // the client has no CRLs here
    let client_verifier = Verifier::new(anchors, policy);
    let metadata = verify_signed_metadata(&document, BASE_URL, &client_verifier, now(), &MetadataCheck::default())
        .expect("signed metadata verifies");
    assert_eq!(metadata.endpoint("token_endpoint"), Some(TOKEN_URL));
    assert_eq!(metadata.endpoint("registration_endpoint"), Some(REGISTER_URL));
    assert_eq!(client.get("/r4/.well-known/udap?community=udap://fhirlabs.example", None).status, 200);
    assert_eq!(client.get("/r4/.well-known/udap?community=udap://unknown.example", None).status, 204);

    // 2D: register, then modify (same client_id, 200).
    let b2b_statement_text = b2b_statement("system/Patient.rs");
    let reply = client.register(&b2b_statement_text);
    let b2b_id = registered(&reply, 201);
    assert_eq!(reply.body["software_statement"], b2b_statement_text.as_str(), "echoed unmodified");
    assert_eq!(reply.body["grant_types"], json!(["client_credentials"]));
    let reply = client.register(&b2b_statement("system/Patient.rs system/Observation.rs"));
    assert_eq!(registered(&reply, 200), b2b_id, "a modification keeps the client_id");
    assert_eq!(reply.body["scope"], "system/Patient.rs system/Observation.rs");

    // 2B, then a FHIR read with the token.
    let first = assertion(&b2b_id, "client-rsa", |_| {});
    let reply = client.b2b_token(&first);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!((&reply.body["token_type"], &reply.body["expires_in"]), (&json!("Bearer"), &json!(3600)));
    let access = reply.body["access_token"].as_str().expect("access_token").to_string();
    let patient = client.get("/r4/Patient/example", Some(&access));
    assert_eq!((patient.status, &patient.body["resourceType"]), (200, &json!("Patient")));
    assert_eq!(client.get("/r4/Patient/nobody", Some(&access)).status, 404);
    let reply = client.get("/r4/Patient/example", None);
    assert_eq!((reply.status, reply.challenge.as_deref()), (401, Some("Bearer")));
    let reply = client.get("/r4/Patient/example", Some("not-a-token"));
    assert_eq!((reply.status, reply.challenge.as_deref()), (401, Some("Bearer error=\"invalid_token\"")));

    // Refusals at the token endpoint.
    let cases: Vec<(&str, String, (u16, &str))> = vec![
        ("replayed assertion", first.clone(), (401, "invalid_client")),
        ("untrusted certificate", assertion(&b2b_id, "client-untrusted", |_| {}), (401, "invalid_client")),
        ("revoked certificate", assertion(&b2b_id, "client-revoked", |_| {}), (401, "invalid_client")),
        ("expired certificate", assertion(&b2b_id, "client-expired", |_| {}), (401, "invalid_client")),
        (
            "wrong audience",
            assertion(&b2b_id, "client-rsa", |c| {
                c.insert("aud".into(), json!(REGISTER_URL));
            }),
            (401, "invalid_client"),
        ),
        (
            "expired assertion",
            assertion(&b2b_id, "client-rsa", |c| {
                c.insert("iat".into(), json!(BUNDLED_TIME - 1000));
                c.insert("exp".into(), json!(BUNDLED_TIME - 700));
            }),
            (401, "invalid_client"),
        ),
        ("unknown client_id", assertion("no-such-client", "client-rsa", |_| {}), (401, "invalid_client")),
        (
            "no hl7-b2b",
            assertion(&b2b_id, "client-rsa", |c| {
                c.remove("extensions");
            }),
            (400, "invalid_grant"),
        ),
        (
            "tampered signature",
            {
                let mut token = assertion(&b2b_id, "client-rsa", |_| {});
                let last = token.pop().expect("a character");
                token.push(if last == 'A' { 'B' } else { 'A' });
                token
            },
            (400, "invalid_request"),
        ),
        ("not a JWS", "garbage".into(), (400, "invalid_request")),
    ];
    for (what, assertion, expected) in &cases {
        let reply = client.b2b_token(assertion);
        assert_eq!(reply.error(), *expected, "{what}: {:?}", reply.body);
    }
    let fresh = assertion(&b2b_id, "client-rsa", |_| {});
    let form = |grant: &'static str, udap: &'static str| {
        vec![
            ("grant_type", grant),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", fresh.as_str()),
            ("scope", "system/Patient.rs"),
            ("udap", udap),
        ]
    };
    assert_eq!(client.token(&form("client_credentials", "2")).error(), (400, "invalid_request"), "udap=1");
    assert_eq!(client.token(&form("password", "1")).error(), (400, "unsupported_grant_type"));
    let twice = format!("grant_type=client_credentials&grant_type=client_credentials&udap=1&client_assertion={fresh}");
    let request = client.agent.post(format!("{}/oauth/token", client.url));
    let reply = Client::reply(request.header("Content-Type", "application/x-www-form-urlencoded").send(twice));
    assert_eq!(reply.error(), (400, "invalid_request"), "RFC 6749 §3.2: a parameter given twice");
    let request = client.agent.post(format!("{}/oauth/token", client.url)).header("Authorization", "Basic eDp5");
    let reply = Client::reply(request.send_form(form("client_credentials", "1")));
    assert_eq!(reply.error(), (400, "invalid_request"), "no Authorization header with UDAP");
    assert_eq!(client.token(&form("authorization_code", "1")).error(), (400, "unauthorized_client"));
    let mut too_wide = form("client_credentials", "1");
    too_wide[3] = ("scope", "system/*.cruds");
    let fresh_again = assertion(&b2b_id, "client-rsa", |_| {});
    too_wide[2] = ("client_assertion", fresh_again.as_str());
    assert_eq!(client.token(&too_wide).error(), (400, "invalid_scope"));

    // Refusals at the registration endpoint.
    let foreign =
        statement("https://client.example.org/apps/99", StatementGrant::ClientCredentials, "system/Patient.rs");
    let not_san = signer("client-rsa").sign_json(&foreign.claims(now(), &jti())).expect("sign");
    assert_eq!(client.register(&not_san).error(), (400, "invalid_software_statement"), "iss not a SAN URI");
    let claims = statement(B2B_APP, StatementGrant::ClientCredentials, "system/Patient.rs").claims(now(), &jti());
    let untrusted = signer("client-untrusted").sign_json(&claims).expect("sign");
    assert_eq!(client.register(&untrusted).error(), (400, "unapproved_software_statement"));
    assert_eq!(client.register(&b2b_statement_text).error(), (400, "invalid_software_statement"), "replayed");
    let reply = Client::reply(
        client
            .agent
            .post(format!("{}/oauth/register", client.url))
            .header("Content-Type", "application/json")
            .send("{"),
    );
    assert_eq!(reply.error(), (400, "invalid_client_metadata"), "not JSON");

    // 2C with PKCE; its refusals.
    let user_id = registered(&client.register(&user_statement()), 201);
    let reply = authorization_code(&client, &client, &user_id);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let user_token = reply.body["access_token"].as_str().expect("access_token");
    assert_eq!(client.get("/r4/Patient/42", Some(user_token)).status, 200);
    let (code, _) = authorize(&client, &user_id);
    let wrong = exchange(&client, &user_id, &code, &"x".repeat(43));
    assert_eq!(wrong.error(), (400, "invalid_grant"), "PKCE: a verifier that does not match the challenge");
    let no_state = client.get(
        &format!(
            "/oauth/authorize?response_type=code&client_id={user_id}&code_challenge={}&code_challenge_method=S256",
            "x".repeat(43)
        ),
        None,
    );
    assert!(no_state.location.as_deref().is_some_and(|l| l.contains("error=invalid_request")), "{no_state:?}");
    let no_pkce = client.get(&format!("/oauth/authorize?response_type=code&client_id={user_id}&state=s-2"), None);
    let location = no_pkce.location.expect("an error redirect");
    assert!(location.contains("error=invalid_request") && location.contains("state=s-2"), "{location}");
    assert_eq!(
        client.get(&format!("/oauth/authorize?client_id={b2b_id}&state=s"), None).error(),
        (400, "unauthorized_client")
    );

    // Cancellation (IG §3.4): 200 with empty grant_types, then the client_id is gone.
    let claims = statement(B2B_APP, StatementGrant::Cancel, "system/Patient.rs").claims(now(), &jti());
    let reply = client.register(&signer("client-rsa").sign_json(&claims).expect("sign"));
    assert_eq!(registered(&reply, 200), b2b_id);
    assert_eq!(reply.body["grant_types"], json!([]));
    let reply = client.b2b_token(&assertion(&b2b_id, "client-rsa", |_| {}));
    assert_eq!(reply.error(), (401, "invalid_client"), "a cancelled client is unknown");
}

#[test]
fn two_instances_share_one_community_through_redis() {
    if !cfg!(feature = "redis") {
        println!("skipped: the server's Redis stores need --features redis");
        return;
    }
    let Some(redis) = redis_server::RedisServer::start() else {
        println!("skipped: redis-server not installed (apt-get install -y redis-server)");
        return;
    };
    let (a, b) = (start(Some((&redis.url(), "test:"))), start(Some((&redis.url(), "test:"))));
    let (at_a, at_b) = (Client::new(&a), Client::new(&b));

    // Registered at A, modified at B: one registration.
    let b2b_id = registered(&at_a.register(&b2b_statement("system/Patient.rs")), 201);
    assert_eq!(registered(&at_b.register(&b2b_statement("system/Patient.rs")), 200), b2b_id);

    // A token at B; the same assertion is a replay at A (and at B).
    let used = assertion(&b2b_id, "client-rsa", |_| {});
    let reply = at_b.b2b_token(&used);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let access = reply.body["access_token"].as_str().expect("access_token").to_string();
    assert_eq!(at_a.b2b_token(&used).error(), (401, "invalid_client"), "replayed at the other instance");
    assert_eq!(at_b.b2b_token(&used).error(), (401, "invalid_client"), "replayed at the same instance");
    // The token B issued reads at A.
    assert_eq!(at_a.get("/r4/Patient/example", Some(&access)).status, 200);

    // 2C: the code issued at A is redeemed at B, once.
    let user_id = registered(&at_b.register(&user_statement()), 201);
    let reply = authorization_code(&at_a, &at_b, &user_id);
    assert_eq!(reply.status, 200, "{:?}", reply.body);

    // Redis gone: refused with server_error, never accepted.
    drop(redis);
    let reply = at_a.b2b_token(&assertion(&b2b_id, "client-rsa", |_| {}));
    assert_eq!(reply.error(), (500, "server_error"));
    assert_eq!(at_b.register(&b2b_statement("system/Patient.rs")).error(), (500, "server_error"));
    assert_eq!(at_a.get("/r4/Patient/example", Some(&access)).error(), (500, "server_error"));
}

/// Accepts the one certificate it was given, whatever the time; the handshake's signature is
/// checked with the provider's algorithms.
#[derive(Debug)]
struct Pinned(CertificateDer<'static>, Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _name: &rustls_pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_ref() {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("not the configured certificate".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.1.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.1.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.1.signature_verification_algorithms.supported_schemes()
    }
}

#[test]
fn https_with_a_certificate_and_plain_http_only_on_loopback() {
    let tls = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/tls");
    let mut options = Options::bundled();
    options.listen = "127.0.0.1:0".parse().expect("address");
    options.tls = Some((tls.join("server-chain.pem"), tls.join("keys/server.pem")));
    let server = udap_server::start(&options).expect("starts");
    // A TLS client that accepts exactly the configured certificate (no clock involved).
    let chain = std::fs::read(tls.join("server-chain.pem")).expect("chain");
    let leaf = CertificateDer::pem_slice_iter(&chain).next().expect("a certificate").expect("PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned(leaf, provider)))
        .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from("localhost").expect("a name");
    let connection = rustls::ClientConnection::new(Arc::new(config), name).expect("a TLS client");
    let tcp = std::net::TcpStream::connect(server.addr).expect("connects");
    let mut stream = rustls::StreamOwned::new(connection, tcp);
    stream
        .write_all(b"GET /r4/.well-known/udap HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("request written over TLS");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer); // the server may close without close_notify
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).expect("a body")).expect("JSON");
    assert_eq!(body["token_endpoint"], TOKEN_URL);

    let parse = |args: &[&str]| udap_server::parse_args(args.iter().map(|s| s.to_string()));
    assert!(parse(&["--listen", "0.0.0.0:8080"]).is_err(), "plain HTTP beyond loopback");
    assert!(parse(&["--listen", "0.0.0.0:8080", "--tls-cert", "c.pem", "--tls-key", "k.pem"]).is_ok());
}

#[test]
fn the_command_line() {
    let parse = |args: &[&str]| udap_server::parse_args(args.iter().map(|s| s.to_string()));
    let Ok(udap_server::Command::Run(o)) = parse(&[]) else { panic!("defaults") };
    assert_eq!(o.clock, udap_server::Clock::Fixed(BUNDLED_TIME), "the bundled PKI's time");
    assert_eq!((o.base_url.as_str(), o.communities.len(), o.crls.len()), (BASE_URL, 2, 6));
    let Ok(udap_server::Command::Run(o)) = parse(&["--time", "now"]) else { panic!("--time now") };
    assert_eq!(o.clock, udap_server::Clock::System);
    let Ok(udap_server::Command::Run(o)) = parse(&["--time", "2026-07-01T00:00:00Z"]) else { panic!("--time") };
    assert_eq!(o.clock, udap_server::Clock::Fixed(1_782_864_000));
    let custom = ["--community", "x=anchors.pem", "--cert", "c.pem", "--key", "k.pem"];
    let Ok(udap_server::Command::Run(o)) = parse(&custom) else { panic!("a community of one's own") };
    assert_eq!((o.clock, o.communities.len(), o.crls.len()), (udap_server::Clock::System, 1, 0));
    assert!(parse(&["--community", "x=anchors.pem"]).is_err(), "its own community needs its own certificate");
    assert!(parse(&["--revocation", "sometimes"]).is_err());
    assert!(parse(&["--token-lifetime", "7200"]).is_err(), "the IG allows 60 minutes at most");
    assert!(parse(&["--time", "yesterday"]).is_err());
    assert!(matches!(parse(&["--help"]), Ok(udap_server::Command::Help)));
    // A signing certificate without the base URL as SAN URI is refused at startup.
    let mut options = Options::bundled();
    options.listen = "127.0.0.1:0".parse().expect("address");
    options.base_url = "https://other.example.org/fhir".into();
    let e = udap_server::start(&options).err().expect("refused");
    assert!(e.contains("no SAN URI equals --base-url"), "{e}");
}

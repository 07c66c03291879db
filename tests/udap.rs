//! UDAP client assertions, software statements and signed metadata, end to end: a small
//! community PKI built in the test (deterministic keys), tokens signed with `jws::Signer`,
//! checked by the `udap` verifiers, each rejection mapped to its OAuth / UDAP error code.

use std::sync::Arc;

use serde_json::{Value, json};
use trustpath::jws::{JwsAlgorithm, Signer};
use trustpath::revocation::{RevocationMode, RevocationPolicy};
use trustpath::udap::build::{self, B2bExtension, ServerMetadata, SoftwareStatement, StatementGrant};
use trustpath::udap::{
    AssertionRequest, GrantType, MemoryReplayCache, MetadataCheck, RegisteredClient, RegistrationEndpoint,
    RegistrationGrant, RegistrationRequest, TokenEndpoint, UdapError, UdapErrorKind, parse_metadata_document,
    verify_signed_metadata,
};
use trustpath::{Certificate, Policy, TrustStore, UnixTime, Verifier};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{KeyKind, KeyPair, ext, name};

const COMMUNITY: &str = "udap://community.example";
const CLIENT_URI: &str = "https://client.example/app";
const BASE_URL: &str = "https://fhir.example/r4";
const TOKEN_URL: &str = "https://fhir.example/oauth/token";
const REGISTER_URL: &str = "https://fhir.example/oauth/register";
/// 2026-06-01T00:00:00Z.
const NOW: u64 = 1_780_272_000;

fn now() -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW))
}

struct Pki {
    root: Issuer,
    other_root: Issuer,
    client: (Arc<KeyPair>, Certificate),
    expired_client: (Arc<KeyPair>, Certificate),
    stranger: (Arc<KeyPair>, Certificate),
    server: (Arc<KeyPair>, Certificate),
}

fn make_root(cn: &str) -> Issuer {
    let key = Arc::new(KeyPair::generate(cn, KeyKind::P256).expect("key"));
    let n = name::NameBuilder::new().o("UDAP Test").cn(cn).build().expect("name");
    let der = templates::root(&n, &key).expect("root").sign(&key).expect("sign");
    Issuer::new(n, key, der)
}

fn leaf(
    issuer: &Issuer,
    key: Arc<KeyPair>,
    cn: &str,
    uri: &str,
    validity: Option<(u64, u64)>,
) -> (Arc<KeyPair>, Certificate) {
    let n = name::NameBuilder::new().o("UDAP Test").cn(cn).build().expect("name");
    let mut b = templates::leaf(&n, &key, issuer)
        .expect("leaf")
        .extension(ext::subject_alt_name(false, vec![name::uri(uri).expect("uri")]).expect("san"));
    if let Some((nb, na)) = validity {
        b = b.validity(nb, na);
    }
    let der = issuer.sign(&b).expect("sign");
    (key, Certificate::from_der(der).expect("parse"))
}

fn pki() -> Pki {
    let root = make_root("UDAP Test Root");
    let other_root = make_root("Untrusted Root");
    let p256 = |n: &str| Arc::new(KeyPair::generate(n, KeyKind::P256).expect("key"));
    let rsa_pem = std::fs::read_to_string("test-vectors/pki/keys/rsa2048-leaf.pem").expect("rsa key");
    let rsa = Arc::new(KeyPair::from_pkcs8_pem("server", KeyKind::Rsa2048, &rsa_pem).expect("rsa"));
    let client = leaf(&root, p256("udap client"), "Client", CLIENT_URI, None);
    let expired_client = leaf(&root, p256("udap expired"), "Expired", CLIENT_URI, Some((1_700_000_000, 1_750_000_000)));
    let stranger = leaf(&other_root, p256("udap stranger"), "Stranger", CLIENT_URI, None);
    let server = leaf(&root, rsa, "Server", BASE_URL, None);
    Pki { root, other_root, client, expired_client, stranger, server }
}

fn verifier(pki: &Pki, mode: RevocationMode) -> Verifier {
    let mut store = TrustStore::new();
    store.add_certificate(COMMUNITY, Certificate::from_der(pki.root.der.clone()).expect("root"));
    let mut policy = Policy::udap();
    policy.revocation = RevocationPolicy::chain(mode);
    Verifier::new(store, policy)
}

fn signer((key, cert): &(Arc<KeyPair>, Certificate)) -> Signer {
    Signer::from_pkcs8(key.to_pkcs8_pem().expect("pem").as_bytes(), vec![cert.clone()]).expect("signer")
}

fn statement(grant: StatementGrant) -> SoftwareStatement {
    SoftwareStatement::new(CLIENT_URI, REGISTER_URL, "Test Client", grant)
        .with_contacts(["mailto:ops@client.example"])
        .with_scope("system/Patient.rs")
}

fn registration_error(body: &Value, v: &Verifier) -> UdapError {
    RegistrationEndpoint::new(REGISTER_URL)
        .verify_request(v, &RegistrationRequest::new(&body.to_string(), now()), &MemoryReplayCache::default())
        .expect_err("must be rejected")
}

fn signed_statement(s: &Signer, claims: &Value) -> Value {
    SoftwareStatement::request_body(&s.sign_json(claims).expect("sign"))
}

#[test]
fn registration_client_credentials_reports_community_and_client_uri() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let claims = statement(StatementGrant::ClientCredentials).claims(now(), "jti-1");
    let body = signed_statement(&signer(&pki.client), &claims);
    let reg = RegistrationEndpoint::new(REGISTER_URL)
        .verify_request(&v, &RegistrationRequest::new(&body.to_string(), now()), &MemoryReplayCache::default())
        .expect("registration accepted");
    assert_eq!(reg.community(), COMMUNITY);
    assert_eq!(reg.client_uri(), CLIENT_URI);
    assert_eq!(reg.grant(), &RegistrationGrant::ClientCredentials);
}

#[test]
fn registration_authorization_code_and_cancellation() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let grant = StatementGrant::AuthorizationCode {
        redirect_uris: vec!["https://client.example/cb".into()],
        logo_uri: "https://client.example/logo.png".into(),
        refresh_token: true,
    };
    let body = signed_statement(&signer(&pki.client), &statement(grant).claims(now(), "jti-2"));
    let reg = RegistrationEndpoint::new(REGISTER_URL).verify_request(
        &v,
        &RegistrationRequest::new(&body.to_string(), now()),
        &MemoryReplayCache::default(),
    );
    match reg.expect("accepted").grant() {
        RegistrationGrant::AuthorizationCode { refresh_token: true, redirect_uris } => {
            assert_eq!(redirect_uris, &["https://client.example/cb".to_string()]);
        }
        other => panic!("unexpected grant {other:?}"),
    }
    let body = signed_statement(&signer(&pki.client), &statement(StatementGrant::Cancel).claims(now(), "jti-3"));
    let reg = RegistrationEndpoint::new(REGISTER_URL).verify_request(
        &v,
        &RegistrationRequest::new(&body.to_string(), now()),
        &MemoryReplayCache::default(),
    );
    assert_eq!(reg.expect("cancellation accepted").grant(), &RegistrationGrant::Cancel);
}

fn edit(claims: &Value, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut c = claims.clone();
    f(c.as_object_mut().expect("object"));
    c
}

#[test]
fn registration_rejections_map_to_udap_codes() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let s = signer(&pki.client);
    let cc = statement(StatementGrant::ClientCredentials).claims(now(), "jti-r");
    let code = statement(StatementGrant::AuthorizationCode {
        redirect_uris: vec!["https://client.example/cb".into()],
        logo_uri: "https://client.example/logo.png".into(),
        refresh_token: false,
    })
    .claims(now(), "jti-c");
    let cases: Vec<(&str, Value, &str)> = vec![
        ("untrusted anchor", signed_statement(&signer(&pki.stranger), &cc), "unapproved_software_statement"),
        ("expired certificate", signed_statement(&signer(&pki.expired_client), &cc), "unapproved_software_statement"),
        (
            "iss not a SAN URI",
            signed_statement(
                &s,
                &edit(&cc, |c| {
                    c.insert("iss".into(), json!("https://other.example/app"));
                    c.insert("sub".into(), json!("https://other.example/app"));
                }),
            ),
            "invalid_software_statement",
        ),
        (
            "sub differs",
            signed_statement(&s, &edit(&cc, |c| drop(c.insert("sub".into(), json!("x:y"))))),
            "invalid_software_statement",
        ),
        (
            "wrong aud",
            signed_statement(&s, &edit(&cc, |c| drop(c.insert("aud".into(), json!(TOKEN_URL))))),
            "invalid_software_statement",
        ),
        (
            "lifetime over 5 minutes",
            signed_statement(&s, &edit(&cc, |c| drop(c.insert("exp".into(), json!(NOW + 301))))),
            "invalid_software_statement",
        ),
        ("no jti", signed_statement(&s, &edit(&cc, |c| drop(c.remove("jti")))), "invalid_software_statement"),
        (
            "no mailto contact",
            signed_statement(&s, &edit(&cc, |c| drop(c.insert("contacts".into(), json!(["https://client.example"]))))),
            "invalid_client_metadata",
        ),
        (
            "both grants",
            signed_statement(
                &s,
                &edit(&cc, |c| {
                    drop(c.insert("grant_types".into(), json!(["client_credentials", "authorization_code"])))
                }),
            ),
            "invalid_client_metadata",
        ),
        (
            "refresh without code",
            signed_statement(
                &s,
                &edit(&cc, |c| drop(c.insert("grant_types".into(), json!(["client_credentials", "refresh_token"])))),
            ),
            "invalid_client_metadata",
        ),
        (
            "wrong auth method",
            signed_statement(
                &s,
                &edit(&cc, |c| drop(c.insert("token_endpoint_auth_method".into(), json!("client_secret_basic")))),
            ),
            "invalid_client_metadata",
        ),
        ("no scope", signed_statement(&s, &edit(&cc, |c| drop(c.remove("scope")))), "invalid_client_metadata"),
        (
            "http redirect",
            signed_statement(
                &s,
                &edit(&code, |c| drop(c.insert("redirect_uris".into(), json!(["http://client.example/cb"])))),
            ),
            "invalid_redirect_uri",
        ),
        (
            "code without redirect",
            signed_statement(&s, &edit(&code, |c| drop(c.remove("redirect_uris")))),
            "invalid_redirect_uri",
        ),
        (
            "code without logo",
            signed_statement(&s, &edit(&code, |c| drop(c.remove("logo_uri")))),
            "invalid_client_metadata",
        ),
        (
            "redirect with client_credentials",
            signed_statement(
                &s,
                &edit(&cc, |c| drop(c.insert("redirect_uris".into(), json!(["https://client.example/cb"])))),
            ),
            "invalid_redirect_uri",
        ),
        ("udap missing", json!({"software_statement": s.sign_json(&cc).expect("sign")}), "invalid_client_metadata"),
        ("no statement", json!({"udap": "1"}), "invalid_software_statement"),
    ];
    for (what, body, expected) in cases {
        let e = registration_error(&body, &v);
        assert_eq!(e.oauth_error(), Some(expected), "{what}: {e}");
        assert_eq!(e.error_body()["error"], expected, "{what}");
    }
    // A tampered signature: the last character of the signature changed.
    let mut token = s.sign_json(&cc).expect("sign");
    let last = token.pop().expect("char");
    token.push(if last == 'A' { 'B' } else { 'A' });
    let e = registration_error(&SoftwareStatement::request_body(&token), &v);
    assert_eq!(e.oauth_error(), Some("invalid_software_statement"), "{e}");
}

fn registered() -> RegisteredClient {
    RegisteredClient::new("client-123", CLIENT_URI, COMMUNITY)
}

fn b2b() -> B2bExtension {
    let mut b2b =
        B2bExtension::new("urn:oid:2.16.840.1.113883.4.6#1234567890", ["urn:oid:2.16.840.1.113883.5.8#TREAT"]);
    b2b.organization_name = Some("Example Clinic".into());
    b2b
}

fn assertion(
    endpoint: &TokenEndpoint,
    v: &Verifier,
    token: &str,
    grant: GrantType,
    client: &RegisteredClient,
    replay: &MemoryReplayCache,
) -> Result<(), UdapError> {
    let request = AssertionRequest::new(token, grant, client, now());
    endpoint.verify_assertion(v, &request, replay).map(|_| ())
}

#[test]
fn client_assertions_for_both_grants_and_replay() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let endpoint = TokenEndpoint::new(TOKEN_URL);
    let replay = MemoryReplayCache::default();
    let s = signer(&pki.client);
    let client = registered();
    let cc = build::client_assertion_claims("client-123", TOKEN_URL, now(), "a-1", Some(&b2b()));
    let token = s.sign_json(&cc).expect("sign");
    assertion(&endpoint, &v, &token, GrantType::ClientCredentials, &client, &replay).expect("client_credentials");
    let e = assertion(&endpoint, &v, &token, GrantType::ClientCredentials, &client, &replay).expect_err("replay");
    assert_eq!((e.kind(), e.oauth_error()), ("replay", Some("invalid_client")));
    let ac = build::client_assertion_claims("client-123", TOKEN_URL, now(), "a-2", None);
    let token = s.sign_json(&ac).expect("sign");
    assertion(&endpoint, &v, &token, GrantType::AuthorizationCode, &client, &replay).expect("authorization_code");
    let aud_array = edit(&ac, |c| {
        c.insert("aud".into(), json!(["https://other.example/token", TOKEN_URL]));
        c.insert("jti".into(), json!("a-3"));
    });
    let token = s.sign_json(&aud_array).expect("sign");
    assertion(&endpoint, &v, &token, GrantType::AuthorizationCode, &client, &replay).expect("aud array with the URL");
}

#[test]
fn client_assertion_rejections_map_to_oauth_codes() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let endpoint = TokenEndpoint::new(TOKEN_URL);
    let s = signer(&pki.client);
    let client = registered();
    let base = build::client_assertion_claims("client-123", TOKEN_URL, now(), "j", Some(&b2b()));
    let cc = GrantType::ClientCredentials;
    let other_community = {
        let mut v = registered();
        v.community = "udap://elsewhere.example".into();
        v
    };
    let other_uri = {
        let mut v = registered();
        v.client_uri = "https://client.example/other".into();
        v
    };
    let rsa_signer = Signer::from_pkcs8(
        std::fs::read("test-vectors/pki/keys/rsa2048-leaf.pem").expect("key").as_slice(),
        vec![pki.client.1.clone()],
    );
    assert!(rsa_signer.is_err(), "a key that does not match the leaf certificate cannot sign");
    let cases: Vec<(&str, String, GrantType, &RegisteredClient, &str)> = vec![
        ("untrusted", signer(&pki.stranger).sign_json(&base).expect("sign"), cc, &client, "invalid_client"),
        ("expired cert", signer(&pki.expired_client).sign_json(&base).expect("sign"), cc, &client, "invalid_client"),
        ("wrong community", s.sign_json(&base).expect("sign"), cc, &other_community, "invalid_client"),
        ("SAN URI not registered", s.sign_json(&base).expect("sign"), cc, &other_uri, "invalid_client"),
        (
            "iss not client_id",
            s.sign_json(&edit(&base, |c| drop(c.insert("iss".into(), json!("x"))))).expect("sign"),
            cc,
            &client,
            "invalid_client",
        ),
        (
            "sub differs",
            s.sign_json(&edit(&base, |c| drop(c.insert("sub".into(), json!("x"))))).expect("sign"),
            cc,
            &client,
            "invalid_client",
        ),
        (
            "wrong aud",
            s.sign_json(&edit(&base, |c| drop(c.insert("aud".into(), json!(REGISTER_URL))))).expect("sign"),
            cc,
            &client,
            "invalid_client",
        ),
        (
            "aud array without the token URL",
            s.sign_json(&edit(&base, |c| drop(c.insert("aud".into(), json!([REGISTER_URL, "x"]))))).expect("sign"),
            cc,
            &client,
            "invalid_client",
        ),
        (
            "lifetime 301 s",
            s.sign_json(&edit(&base, |c| drop(c.insert("exp".into(), json!(NOW + 301))))).expect("sign"),
            cc,
            &client,
            "invalid_client",
        ),
        (
            "expired",
            s.sign_json(&edit(&base, |c| {
                c.insert("iat".into(), json!(NOW - 600));
                c.insert("exp".into(), json!(NOW - 400));
            }))
            .expect("sign"),
            cc,
            &client,
            "invalid_client",
        ),
        (
            "issued in the future",
            s.sign_json(&edit(&base, |c| {
                c.insert("iat".into(), json!(NOW + 600));
                c.insert("exp".into(), json!(NOW + 700));
            }))
            .expect("sign"),
            cc,
            &client,
            "invalid_client",
        ),
        ("no jti", s.sign_json(&edit(&base, |c| drop(c.remove("jti")))).expect("sign"), cc, &client, "invalid_client"),
        (
            "no hl7-b2b",
            s.sign_json(&edit(&base, |c| drop(c.remove("extensions")))).expect("sign"),
            cc,
            &client,
            "invalid_grant",
        ),
        (
            "hl7-b2b version 2",
            s.sign_json(&edit(&base, |c| {
                drop(c.insert(
                    "extensions".into(),
                    json!({"hl7-b2b": {"version": "2", "organization_id": "urn:x:y", "purpose_of_use": ["a"]}}),
                ))
            }))
            .expect("sign"),
            cc,
            &client,
            "invalid_grant",
        ),
        (
            "hl7-b2b empty purpose",
            s.sign_json(&edit(&base, |c| {
                drop(c.insert(
                    "extensions".into(),
                    json!({"hl7-b2b": {"version": "1", "organization_id": "urn:x:y", "purpose_of_use": []}}),
                ))
            }))
            .expect("sign"),
            cc,
            &client,
            "invalid_grant",
        ),
        (
            "hl7-b2b organization not a URI",
            s.sign_json(&edit(&base, |c| {
                drop(c.insert(
                    "extensions".into(),
                    json!({"hl7-b2b": {"version": "1", "organization_id": "clinic", "purpose_of_use": ["a"]}}),
                ))
            }))
            .expect("sign"),
            cc,
            &client,
            "invalid_grant",
        ),
    ];
    for (what, token, grant, client, expected) in cases {
        let replay = MemoryReplayCache::default();
        let e = assertion(&endpoint, &v, &token, grant, client, &replay).expect_err(what);
        assert_eq!(e.oauth_error(), Some(expected), "{what}: {e}");
    }
    // A signature by another key than x5c[0]'s: sign with the stranger's key, then swap in
    // the registered client's certificate as x5c.
    let forged = signer(&pki.stranger).sign_json(&base).expect("sign");
    let honest = s.sign_json(&base).expect("sign");
    let (forged_header, forged_rest) = forged.split_once('.').expect("dots");
    let (honest_header, _) = honest.split_once('.').expect("dots");
    assert_ne!(forged_header, honest_header);
    let swapped = format!("{honest_header}.{forged_rest}");
    let replay = MemoryReplayCache::default();
    let e = assertion(&endpoint, &v, &swapped, cc, &client, &replay).expect_err("forged");
    assert_eq!(e.oauth_error(), Some("invalid_request"), "{e}");
    assert_eq!(e.kind(), "jws_bad_signature");
}

#[test]
fn hard_fail_revocation_without_data_is_invalid_client() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::HardFail);
    let token = signer(&pki.client)
        .sign_json(&build::client_assertion_claims("client-123", TOKEN_URL, now(), "h", Some(&b2b())))
        .expect("sign");
    let replay = MemoryReplayCache::default();
    let e = assertion(&TokenEndpoint::new(TOKEN_URL), &v, &token, GrantType::ClientCredentials, &registered(), &replay)
        .expect_err("no revocation data");
    assert_eq!((e.kind(), e.oauth_error()), ("revocation_unknown", Some("invalid_client")));
    assert!(replay.is_empty(), "a rejected assertion must not use up its jti");
}

fn metadata(pki: &Pki, claims: &Value, alg: JwsAlgorithm) -> Value {
    let s = signer(&pki.server).with_algorithm(alg).expect("alg");
    server().document(&s.sign_json(claims).expect("sign"))
}

fn server() -> ServerMetadata {
    ServerMetadata {
        base_url: BASE_URL.into(),
        authorization_endpoint: Some("https://fhir.example/oauth/authorize".into()),
        token_endpoint: TOKEN_URL.into(),
        registration_endpoint: REGISTER_URL.into(),
    }
}

#[test]
fn signed_metadata_is_checked_against_the_document_and_base_url() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let check = MetadataCheck::default();
    let claims = server().signed_claims(now(), "m-1");
    let doc = metadata(&pki, &claims, JwsAlgorithm::Rs256);
    let ok = verify_signed_metadata(&doc, BASE_URL, &v, now(), &check).expect("valid metadata");
    assert_eq!(ok.endpoint("token_endpoint"), Some(TOKEN_URL));

    let e = verify_signed_metadata(&doc, "https://fhir.example/r4/", &v, now(), &check).expect_err("base URL");
    assert_eq!((e.kind(), e.oauth_error()), ("claim", None));
    let mut tampered = doc.clone();
    tampered["token_endpoint"] = json!("https://evil.example/token");
    let e = verify_signed_metadata(&tampered, BASE_URL, &v, now(), &check).expect_err("endpoint mismatch");
    assert_eq!(e.kind(), "metadata_mismatch");
    let long = edit(&claims, |c| drop(c.insert("exp".into(), json!(NOW + 367 * 86_400))));
    let e = verify_signed_metadata(&metadata(&pki, &long, JwsAlgorithm::Rs256), BASE_URL, &v, now(), &check)
        .expect_err("lifetime");
    assert_eq!(e.kind(), "claim");
    let e = verify_signed_metadata(&metadata(&pki, &claims, JwsAlgorithm::Rs384), BASE_URL, &v, now(), &check)
        .expect_err("RS256 only");
    assert_eq!(e.kind(), "alg_not_allowed");
    let untrusted = Verifier::new(
        {
            let mut s = TrustStore::new();
            s.add_certificate(COMMUNITY, Certificate::from_der(pki.other_root.der.clone()).expect("root"));
            s
        },
        Policy::udap(),
    );
    let e = verify_signed_metadata(&doc, BASE_URL, &untrusted, now(), &check).expect_err("untrusted");
    assert_eq!(e.kind(), "unknown_issuer");
}

// Issue 15: unsigned JSON read strictly, redirect URIs with a host, SAN URIs as identities.

#[test]
fn a_registration_body_with_a_duplicate_member_is_refused() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let endpoint = RegistrationEndpoint::new(REGISTER_URL);
    let claims = statement(StatementGrant::ClientCredentials).claims(now(), "jti-dup");
    let valid = signer(&pki.client).sign_json(&claims).expect("sign");
    let forged = signer(&pki.stranger).sign_json(&claims).expect("sign");
    let body = format!(r#"{{"software_statement": "{valid}", "udap": "1"}}"#);
    assert!(
        endpoint.verify_request(&v, &RegistrationRequest::new(&body, now()), &MemoryReplayCache::default()).is_ok(),
        "the body without duplicates"
    );
    let cases = [
        // A first-value reader sees the forged statement, a last-value reader the valid one.
        (
            format!(r#"{{"software_statement": "{forged}", "udap": "1", "software_statement": "{valid}"}}"#),
            "software_statement",
        ),
        (format!(r#"{{"udap": "0", "software_statement": "{valid}", "udap": "1"}}"#), "udap"),
        (format!(r#"{{"software_statement": "{valid}", "udap": "1", "x": [{{"k": 1, "\u006b": 2}}]}}"#), "k"),
    ];
    for (body, member) in cases {
        let e = endpoint
            .verify_request(&v, &RegistrationRequest::new(&body, now()), &MemoryReplayCache::default())
            .expect_err(member);
        assert_eq!((e.kind(), e.oauth_error()), ("duplicate_member", Some("invalid_client_metadata")), "{e}");
        assert!(matches!(e.detail(), UdapErrorKind::DuplicateMember { name, .. } if name == member), "{e}");
        assert_eq!(e.error_body()["error"], "invalid_client_metadata");
    }
}

#[test]
fn a_metadata_document_with_a_duplicate_endpoint_is_refused() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let check = MetadataCheck::default();
    let text = metadata(&pki, &server().signed_claims(now(), "m-dup"), JwsAlgorithm::Rs256).to_string();
    let doc = parse_metadata_document(text.as_bytes()).expect("the strict reader reads a plain document");
    assert!(verify_signed_metadata(&doc, BASE_URL, &v, now(), &check).is_ok());
    // token_endpoint twice, the first pointing elsewhere: serde_json keeps the signed (last)
    // value, so a document parsed by it verifies, while a first-value client would post
    // tokens to evil.example.
    let twice = format!(r#"{{"token_endpoint": "https://evil.example/token", {}"#, text.get(1..).expect("object"));
    let last_wins: Value = serde_json::from_str(&twice).expect("serde_json reads it");
    assert!(verify_signed_metadata(&last_wins, BASE_URL, &v, now(), &check).is_ok(), "the trap");
    let e = parse_metadata_document(twice.as_bytes()).expect_err("duplicate token_endpoint");
    assert_eq!((e.kind(), e.oauth_error()), ("duplicate_member", None), "{e}");
    assert!(matches!(e.detail(), UdapErrorKind::DuplicateMember { name, .. } if name == "token_endpoint"), "{e}");
    let e = parse_metadata_document(b"[1]").expect_err("not an object");
    assert_eq!(e.kind(), "metadata_mismatch");
}

#[test]
fn redirect_uris_are_absolute_https_uris_with_a_host_and_no_fragment() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let s = signer(&pki.client);
    let code = |redirect: &str, jti: &str| {
        let grant = StatementGrant::AuthorizationCode {
            redirect_uris: vec!["https://client.example/cb".into(), redirect.into()],
            logo_uri: "https://client.example/logo.png".into(),
            refresh_token: false,
        };
        signed_statement(&s, &statement(grant).claims(now(), jti))
    };
    let endpoint = RegistrationEndpoint::new(REGISTER_URL);
    for (i, ok) in ["https://client.example:8443/cb?state=1", "HTTPS://Client.Example/cb", "https://192.0.2.7/cb"]
        .into_iter()
        .enumerate()
    {
        let body = code(ok, &format!("jti-ok-{i}")).to_string();
        assert!(
            endpoint.verify_request(&v, &RegistrationRequest::new(&body, now()), &MemoryReplayCache::default()).is_ok(),
            "{ok}"
        );
    }
    let refused = [
        ("https:///cb", "host \"\" is not a DNS name"),
        ("https:/cb", "no authority"),
        ("https:cb", "no authority"),
        ("/cb", "not an absolute RFC 3986 URI"),
        ("client.example/cb", "not an absolute RFC 3986 URI"),
        ("https://client.example/cb#done", "fragment"),
        ("https://user@client.example/cb", "userinfo"),
        ("https://client.example./cb", "is not a DNS name"),
        ("https://evil.test\\@client.example/cb", "not an absolute RFC 3986 URI"),
        ("http://client.example/cb", "https scheme"),
    ];
    for (i, (uri, problem)) in refused.into_iter().enumerate() {
        let e = registration_error(&code(uri, &format!("jti-bad-{i}")), &v);
        assert_eq!((e.kind(), e.oauth_error()), ("redirect_uri", Some("invalid_redirect_uri")), "{uri}: {e}");
        let message = e.to_string();
        assert!(message.contains(&format!("{uri:?}")) && message.contains(problem), "{uri}: {message}");
    }
}

/// What an RFC 3986 reader refuses and a WHATWG reader takes as host `evil.test`.
const ODD_URI: &str = "https://evil.test\\@client.example.org/apps/42";

#[test]
fn a_san_uri_that_parsers_read_differently_binds_no_client() {
    let pki = pki();
    let v = verifier(&pki, RevocationMode::Off);
    let key = Arc::new(KeyPair::generate("udap odd", KeyKind::P256).expect("key"));
    let odd = leaf(&pki.root, key, "Odd Client", ODD_URI, None);
    let claims = {
        let mut v = statement(StatementGrant::ClientCredentials);
        v.client_uri = ODD_URI.into();
        v
    }
    .claims(now(), "jti-odd");
    let e = registration_error(&signed_statement(&signer(&odd), &claims), &v);
    assert_eq!((e.kind(), e.oauth_error()), ("invalid_client_uri", Some("invalid_software_statement")), "{e}");
    assert!(matches!(e.detail(), UdapErrorKind::InvalidUri { uri, .. } if uri == ODD_URI), "{e}");

    let client = {
        let mut v = registered();
        v.client_uri = ODD_URI.into();
        v
    };
    let token = signer(&odd)
        .sign_json(&build::client_assertion_claims("client-123", TOKEN_URL, now(), "a-odd", Some(&b2b())))
        .expect("sign");
    let replay = MemoryReplayCache::default();
    let e = assertion(&TokenEndpoint::new(TOKEN_URL), &v, &token, GrantType::ClientCredentials, &client, &replay)
        .expect_err("odd client URI");
    assert_eq!((e.kind(), e.oauth_error()), ("invalid_client_uri", Some("invalid_client")), "{e}");

    let odd_base = "https://fhir.example\\@evil.test/r4";
    let rsa_pem = std::fs::read_to_string("test-vectors/pki/keys/rsa2048-leaf.pem").expect("rsa key");
    let rsa = Arc::new(KeyPair::from_pkcs8_pem("server", KeyKind::Rsa2048, &rsa_pem).expect("rsa"));
    let odd_server = leaf(&pki.root, rsa, "Odd Server", odd_base, None);
    let endpoints = ServerMetadata { base_url: odd_base.into(), ..server() };
    let document =
        endpoints.document(&signer(&odd_server).sign_json(&endpoints.signed_claims(now(), "m-odd")).expect("sign"));
    let e = verify_signed_metadata(&document, odd_base, &v, now(), &MetadataCheck::default()).expect_err("odd base");
    assert_eq!((e.kind(), e.oauth_error()), ("invalid_client_uri", None), "{e}");
}

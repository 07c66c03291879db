//! JWS with `x5c` end to end: signing with `jws::Signer`, verification with `jws::verify_x5c`
//! through a `Verifier`, and the attacks `x5c` invites (wrong signer, reordered chain,
//! self-supplied anchors, oversized input).
//!
//! Certificates and PKCS#8 keys come from the generated test PKI in `test-vectors/pki/`
//! (`base/`: P-256 root, intermediate, leaf for `leaf.example.com`; `algorithms/rsa2048`,
//! `algorithms/p384`; `trust-store/other-root.pem`; `keys/`). Validation time 2026-06-01.

mod jws_support;

use std::time::{Duration, Instant};

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use jws_support::read_vector;
use serde_json::{Value, json};
use trustpath::jws::{self, AlgorithmSet, ErrorClass, Jws, JwsAlgorithm, JwsError, Limits, Signer, X5cOptions};
use trustpath::revocation::RevocationPolicy;
use trustpath::{Certificate, ExpectedName, Policy, TrustStore, UnixTime, Verifier};

fn time() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(1_780_272_000)) // 2026-06-01T00:00:00Z
}

fn pki(path: &str) -> String {
    read_vector(&format!("pki/{path}"))
}

fn cert(path: &str) -> Certificate {
    Certificate::from_pem(pki(path).as_bytes()).unwrap()
}

fn key(name: &str) -> Vec<u8> {
    pki(&format!("keys/{name}.pem")).into_bytes()
}

/// The UDAP policy without revocation checking (the test PKI publishes no CRLs or OCSP).
fn verifier(anchor: &str) -> Verifier {
    let policy = {
        let mut value = Policy::udap();
        value.revocation = RevocationPolicy::OFF;
        value
    };
    Verifier::new(TrustStore::from_bundle(pki(anchor).as_bytes()).unwrap(), policy)
}

fn base_chain() -> Vec<Certificate> {
    vec![cert("base/leaf.pem"), cert("base/intermediate.pem")]
}

fn claims() -> Value {
    json!({"iss": "https://client.example", "sub": "https://client.example", "aud": "https://server.example/register",
           "exp": 1_780_272_300u64, "iat": 1_780_272_000u64, "jti": "abc"})
}

fn udap() -> AlgorithmSet {
    AlgorithmSet::udap()
}

fn leaf_name() -> ExpectedName {
    ExpectedName::Dns("leaf.example.com".into())
}

fn opts() -> X5cOptions<'static> {
    X5cOptions::new()
}

/// Signs `header` (used verbatim) and `payload` with a P-256 PKCS#8 PEM key, ES256.
fn sign_es256_raw(key_pem: &[u8], header: &str, payload: &[u8]) -> String {
    use p256::pkcs8::DecodePrivateKey;
    let (_, der) = pem_rfc7468::decode_vec(key_pem).unwrap();
    let key = p256::ecdsa::SigningKey::from_pkcs8_der(&der).unwrap();
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(payload)
    );
    let sig: p256::ecdsa::Signature = signature::Signer::sign(&key, input.as_bytes());
    format!("{input}.{}", Base64UrlUnpadded::encode_string(&sig.to_bytes()))
}

fn x5c_json(chain: &[Certificate]) -> String {
    let entries: Vec<String> =
        chain.iter().map(|c| format!("\"{}\"", Base64::encode_string(c.der().as_ref()))).collect();
    format!("[{}]", entries.join(","))
}

fn claims_bytes() -> Vec<u8> {
    serde_json::to_vec(&claims()).unwrap()
}

// ---- accepted ----

#[test]
fn es256_signed_by_leaf_verifies_through_the_verifier() {
    let signer = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap().with_typ("JWT");
    assert_eq!(signer.algorithm(), JwsAlgorithm::Es256);
    let token = signer.sign_json(&claims()).unwrap();

    let parsed = Jws::parse(&token, Limits::default()).unwrap();
    assert_eq!(parsed.header().typ(), Some("JWT"));
    assert_eq!(parsed.x5c(), base_chain().as_slice());

    let v =
        jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts().expect_name(leaf_name())).unwrap();
    assert_eq!(v.claims()["iss"], "https://client.example");
    assert_eq!(v.algorithm(), JwsAlgorithm::Es256);
    assert_eq!(v.signer(), &cert("base/leaf.pem"));
    assert_eq!(v.path().anchor().subject_der(), cert("base/root.pem").subject_der());
    assert_eq!(v.path().community(), "default");
    // Community filter and expected names are applied.
    jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts().community("default")).unwrap();
    let e =
        jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts().community("other")).unwrap_err();
    assert_eq!(e.kind(), "certificate_path_rejected");
    let wrong_name = ExpectedName::Dns("evil.example.com".into());
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts().expect_name(wrong_name))
        .unwrap_err();
    assert_eq!(e.validation_error().unwrap().kind(), "name_mismatch");
}

fn rsa_signer(alg: JwsAlgorithm) -> Signer {
    let chain = vec![cert("algorithms/rsa2048/leaf.pem"), cert("algorithms/rsa2048/intermediate.pem")];
    Signer::from_pkcs8(&key("rsa2048-leaf"), chain).unwrap().with_algorithm(alg).unwrap()
}

#[test]
fn es256_and_rs256_are_deterministic_ps256_is_not() {
    let p256 = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap();
    assert_eq!(p256.sign_json(&claims()).unwrap(), p256.sign_json(&claims()).unwrap());

    let rsa_chain = vec![cert("algorithms/rsa2048/leaf.pem"), cert("algorithms/rsa2048/intermediate.pem")];
    let rsa = Signer::from_pkcs8(&key("rsa2048-leaf"), rsa_chain).unwrap().with_kid("k1");
    assert_eq!(rsa.algorithm(), JwsAlgorithm::Rs256);
    let t1 = rsa.sign_json(&claims()).unwrap();
    assert_eq!(t1, rsa.sign_json(&claims()).unwrap());
    let v = verifier("algorithms/rsa2048/root.pem");
    let ok = jws::verify_x5c(&t1, &udap(), &v, time(), &opts().expect_name(leaf_name())).unwrap();
    assert_eq!(ok.header().kid(), Some("k1"));

    for alg in [JwsAlgorithm::Rs384, JwsAlgorithm::Rs512, JwsAlgorithm::Ps256, JwsAlgorithm::Ps384, JwsAlgorithm::Ps512]
    {
        let s = rsa_signer(alg);
        let t = s.sign_json(&claims()).unwrap();
        let all = AlgorithmSet::all();
        assert_eq!(jws::verify_x5c(&t, &all, &v, time(), &opts()).unwrap().algorithm(), alg);
        if alg == JwsAlgorithm::Ps256 {
            assert_ne!(t, s.sign_json(&claims()).unwrap(), "PSS salts are random");
        }
    }
    // PS256 is not in the UDAP set.
    let ps = rsa_signer(JwsAlgorithm::Ps256).sign_json(&claims()).unwrap();
    let e = jws::verify_x5c(&ps, &udap(), &v, time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::AlgorithmNotAllowed("PS256".into()));
}

#[test]
fn es384_with_p384_key_and_der_key_input() {
    let chain = vec![cert("algorithms/p384/leaf.pem"), cert("algorithms/p384/intermediate.pem")];
    let (_, der) = pem_rfc7468::decode_vec(&key("p384-leaf")).unwrap();
    let signer = Signer::from_pkcs8(&der, chain).unwrap();
    assert_eq!(signer.algorithm(), JwsAlgorithm::Es384);
    let token = signer.sign_json(&claims()).unwrap();
    assert_eq!(Jws::parse(&token, Limits::default()).unwrap().signature().len(), 96);
    let v = verifier("algorithms/p384/root.pem");
    jws::verify_x5c(&token, &udap(), &v, time(), &opts().expect_name(leaf_name())).unwrap();
    let only_es256 = AlgorithmSet::new(&[JwsAlgorithm::Es256]);
    assert_eq!(jws::verify_x5c(&token, &only_es256, &v, time(), &opts()).unwrap_err().kind(), "alg_not_allowed");
}

// ---- signer in the wrong place, wrong signer ----

#[test]
fn signature_by_another_key_is_rejected() {
    // x5c[0] is the leaf, but the intermediate's key signed.
    let header = format!(r#"{{"alg":"ES256","x5c":{}}}"#, x5c_json(&base_chain()));
    let token = sign_es256_raw(&key("base-int"), &header, &claims_bytes());
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::BadSignature);
    assert!(e.is_signature_error());
    // And the leaf's key signing the same header verifies.
    let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
    jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap();
}

#[test]
fn signer_in_position_one_is_rejected() {
    let swapped = [cert("base/intermediate.pem"), cert("base/leaf.pem")];
    let header = format!(r#"{{"alg":"ES256","x5c":{}}}"#, x5c_json(&swapped));
    let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::BadSignature);
}

#[test]
fn ca_certificate_as_signer_is_rejected_by_the_udap_policy() {
    // The intermediate signs for itself: the signature is fine, the path is not (CA as leaf).
    let header = format!(r#"{{"alg":"ES256","x5c":{}}}"#, x5c_json(&[cert("base/intermediate.pem")]));
    let token = sign_es256_raw(&key("base-int"), &header, &claims_bytes());
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e.kind(), "certificate_path_rejected", "{e}");
}

// ---- trust ----

#[test]
fn untrusted_root_is_rejected_with_the_path_error() {
    let token = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap().sign_json(&claims()).unwrap();
    let e = jws::verify_x5c(&token, &udap(), &verifier("trust-store/other-root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e.class(), ErrorClass::Certificate);
    assert_eq!(e.validation_error().unwrap().kind(), "unknown_issuer", "{e}");
}

#[test]
fn certificates_in_x5c_are_never_anchors() {
    // The full chain up to the self-signed root is sent; the verifier trusts another root.
    let full = vec![cert("base/leaf.pem"), cert("base/intermediate.pem"), cert("base/root.pem")];
    let token = Signer::from_pkcs8(&key("base-leaf"), full.clone()).unwrap().sign_json(&claims()).unwrap();
    let other = verifier("trust-store/other-root.pem");
    let e = jws::verify_x5c(&token, &udap(), &other, time(), &opts()).unwrap_err();
    assert_eq!(e.validation_error().unwrap().kind(), "unknown_issuer", "{e}");
    // Only the intermediate sent: still not an anchor.
    let token = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap().sign_json(&claims()).unwrap();
    let e = jws::verify_x5c(&token, &udap(), &other, time(), &opts()).unwrap_err();
    assert_eq!(e.validation_error().unwrap().kind(), "unknown_issuer", "{e}");
    // With the root trusted, the same full-chain token verifies.
    jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap();
    let token = Signer::from_pkcs8(&key("base-leaf"), full).unwrap().sign_json(&claims()).unwrap();
    jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap();
}

#[test]
fn missing_intermediate_is_rejected() {
    let token =
        Signer::from_pkcs8(&key("base-leaf"), vec![cert("base/leaf.pem")]).unwrap().sign_json(&claims()).unwrap();
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e.validation_error().unwrap().kind(), "unknown_issuer");
}

// ---- x5c encoding and limits ----

#[test]
fn x5c_in_base64url_is_rejected() {
    let chain = base_chain();
    let std: Vec<String> = chain.iter().map(|c| Base64::encode_string(c.der().as_ref())).collect();
    let url: Vec<String> = chain.iter().map(|c| Base64UrlUnpadded::encode_string(c.der().as_ref())).collect();
    assert!(std.iter().zip(&url).any(|(s, u)| s != u), "test needs a certificate whose encodings differ");
    let header = json!({"alg": "ES256", "x5c": url}).to_string();
    let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert!(matches!(e, JwsError::X5cMalformed { .. }), "{e}");
    assert!(e.is_certificate_error());
    // Standard base64 without its padding is rejected too.
    let unpadded: Vec<String> = std.iter().map(|s| s.trim_end_matches('=').to_owned()).collect();
    if unpadded != std {
        let header = json!({"alg": "ES256", "x5c": unpadded}).to_string();
        let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
        let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
        assert_eq!(e.kind(), "x5c_malformed");
    }
}

#[test]
fn x5c_missing_empty_or_garbage() {
    let v = verifier("base/root.pem");
    let no_x5c = sign_es256_raw(&key("base-leaf"), r#"{"alg":"ES256"}"#, &claims_bytes());
    assert_eq!(jws::verify_x5c(&no_x5c, &udap(), &v, time(), &opts()).unwrap_err(), JwsError::X5cMissing);
    let empty = sign_es256_raw(&key("base-leaf"), r#"{"alg":"ES256","x5c":[]}"#, &claims_bytes());
    assert_eq!(jws::verify_x5c(&empty, &udap(), &v, time(), &opts()).unwrap_err().kind(), "x5c_malformed");
    let garbage = sign_es256_raw(&key("base-leaf"), r#"{"alg":"ES256","x5c":["AAAA"]}"#, &claims_bytes());
    let e = jws::verify_x5c(&garbage, &udap(), &v, time(), &opts()).unwrap_err();
    assert!(matches!(e, JwsError::X5cMalformed { index: 0, .. }), "{e}");
    let not_strings = sign_es256_raw(&key("base-leaf"), r#"{"alg":"ES256","x5c":"AAAA"}"#, &claims_bytes());
    let e = jws::verify_x5c(&not_strings, &udap(), &v, time(), &opts()).unwrap_err();
    assert_eq!(e.kind(), "invalid_header_parameter");
}

#[test]
fn x5t_s256_must_match_the_signer() {
    let chain = base_chain();
    let v = verifier("base/root.pem");
    let right = Base64UrlUnpadded::encode_string(&chain[0].sha256());
    let wrong = Base64UrlUnpadded::encode_string(&chain[1].sha256());
    for (thumbprint, ok) in [(right, true), (wrong, false)] {
        let header = format!(r#"{{"alg":"ES256","x5t#S256":"{thumbprint}","x5c":{}}}"#, x5c_json(&chain));
        let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
        let r = jws::verify_x5c(&token, &udap(), &v, time(), &opts());
        assert_eq!(r.is_ok(), ok, "{r:?}");
    }
}

#[test]
fn too_many_certificates() {
    let chain: Vec<Certificate> = std::iter::repeat_n(cert("base/intermediate.pem"), 10).collect();
    let mut chain11 = vec![cert("base/leaf.pem")];
    chain11.extend(chain);
    let header = format!(r#"{{"alg":"ES256","x5c":{}}}"#, x5c_json(&chain11));
    let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::X5cTooManyCertificates { count: 11, limit: 10 });
    // The signer refuses to produce it.
    assert_eq!(Signer::from_pkcs8(&key("base-leaf"), chain11).unwrap_err().kind(), "x5c_too_many_certificates");
}

#[test]
fn ten_megabyte_x5c_is_a_typed_error() {
    let entry = "A".repeat(10 << 20);
    let header = format!(r#"{{"alg":"ES256","x5c":["{entry}"]}}"#);
    let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
    let start = Instant::now();
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert!(matches!(e, JwsError::TokenTooLarge { limit, .. } if limit == 4 << 20), "{e}");
    // With a token limit that lets it through, the x5c limit applies.
    let roomy = {
        let mut value = Limits::default();
        value.max_token_len = 32 << 20;
        value
    };
    let e =
        jws::verify_x5c_with_limits(&token, roomy, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::X5cTooLarge { limit: 1 << 20 });
    // A 1.5 MB x5c inside the default token limit.
    let entry = "A".repeat(3 << 19);
    let header = format!(r#"{{"alg":"ES256","x5c":["{entry}"]}}"#);
    let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::X5cTooLarge { limit: 1 << 20 });
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn hundred_thousand_member_header_is_a_typed_error() {
    let mut header = String::from(r#"{"alg":"ES256""#);
    for i in 0..100_000 {
        header.push_str(&format!(r#","m{i}":0"#));
    }
    header.push('}');
    let token = sign_es256_raw(&key("base-leaf"), &header, &claims_bytes());
    let start = Instant::now();
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::HeaderTooLarge { limit: 100 });
    assert!(start.elapsed() < Duration::from_secs(5));
    // Raising the limit parses it (no quadratic behaviour) and fails on the missing x5c.
    let roomy = {
        let mut value = Limits::default();
        value.max_header_entries = 200_000;
        value
    };
    let e =
        jws::verify_x5c_with_limits(&token, roomy, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::X5cMissing);
    assert!(start.elapsed() < Duration::from_secs(20));
    // Duplicates among many members are found.
    let dup = header.replacen(r#""m99999":0"#, r#""m5":0"#, 1);
    let token = sign_es256_raw(&key("base-leaf"), &dup, &claims_bytes());
    let e =
        jws::verify_x5c_with_limits(&token, roomy, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::DuplicateHeaderMember("m5".into()));
}

// ---- keys ----

#[test]
fn key_type_must_fit_alg() {
    // alg RS256, x5c[0] a P-256 certificate.
    let header = format!(r#"{{"alg":"RS256","x5c":{}}}"#, x5c_json(&base_chain()));
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(&claims_bytes())
    );
    let token = format!("{input}.{}", Base64UrlUnpadded::encode_string(&[7u8; 256]));
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e.kind(), "key_alg_mismatch", "{e}");
    assert_eq!(e.class(), ErrorClass::Unsupported);
}

#[test]
fn weak_rsa_key_is_rejected_before_the_path() {
    // The rsa1024 key cannot make a Signer...
    let chain = vec![cert("algorithms/rsa1024-leaf.pem"), cert("algorithms/rsa2048/intermediate.pem")];
    let e = Signer::from_pkcs8(&key("rsa1024"), chain.clone()).unwrap_err();
    assert_eq!(e, JwsError::WeakKey { bits: 1024, minimum: 2048 });
    // ...and a hand-made RS256 token with that certificate is refused on the key size.
    use rsa::pkcs8::DecodePrivateKey;
    let (_, der) = pem_rfc7468::decode_vec(&key("rsa1024")).unwrap();
    let sk = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(rsa::PrivateKey::from_pkcs8_der(&der).unwrap());
    let header = format!(r#"{{"alg":"RS256","x5c":{}}}"#, x5c_json(&chain));
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(&claims_bytes())
    );
    let sig = signature::SignatureEncoding::to_vec(&signature::Signer::sign(&sk, input.as_bytes()));
    let token = format!("{input}.{}", Base64UrlUnpadded::encode_string(&sig));
    let v = verifier("algorithms/rsa2048/root.pem");
    let e = jws::verify_x5c(&token, &udap(), &v, time(), &opts()).unwrap_err();
    assert_eq!(e, JwsError::WeakKey { bits: 1024, minimum: 2048 });
}

#[test]
fn signer_input_checks() {
    // Key does not match the leaf.
    let e = Signer::from_pkcs8(&key("base-int"), base_chain()).unwrap_err();
    assert_eq!(e, JwsError::KeyCertificateMismatch);
    let rsa_chain = vec![cert("algorithms/rsa2048/leaf.pem")];
    assert_eq!(Signer::from_pkcs8(&key("base-leaf"), rsa_chain).unwrap_err(), JwsError::KeyCertificateMismatch);
    // Empty chain.
    assert_eq!(Signer::from_pkcs8(&key("base-leaf"), vec![]).unwrap_err(), JwsError::EmptyChain);
    // Ed25519 keys are not supported for signing; garbage is not a key.
    let e = Signer::from_pkcs8(&key("ed25519-leaf"), vec![cert("algorithms/ed25519/leaf.pem")]).unwrap_err();
    assert_eq!(e.kind(), "invalid_private_key", "{e}");
    assert_eq!(Signer::from_pkcs8(b"not a key", base_chain()).unwrap_err().kind(), "invalid_private_key");
    let sec1 = b"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
    assert_eq!(Signer::from_pkcs8(sec1, base_chain()).unwrap_err().kind(), "invalid_private_key");
    // Algorithms must fit the key.
    let p256 = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap();
    assert_eq!(p256.with_algorithm(JwsAlgorithm::Rs256).unwrap_err().kind(), "alg_not_allowed");
    let p256 = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap();
    assert_eq!(p256.with_algorithm(JwsAlgorithm::Es384).unwrap_err().kind(), "alg_not_allowed");
    // sign_json wants an object.
    let p256 = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap();
    assert_eq!(p256.sign_json(&json!([1, 2])).unwrap_err().kind(), "payload_not_json_object");
    // Debug output does not show the key.
    assert!(!format!("{p256:?}").contains("PrivateKey"));
}

#[test]
fn payload_must_be_a_json_object_but_only_after_signature_and_path() {
    let signer = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap();
    let v = verifier("base/root.pem");
    let token = signer.sign_bytes(b"not json").unwrap();
    let e = jws::verify_x5c(&token, &udap(), &v, time(), &opts()).unwrap_err();
    assert_eq!(e.kind(), "payload_not_json_object");
    // With an untrusted chain, the path error wins.
    let e = jws::verify_x5c(&token, &udap(), &verifier("trust-store/other-root.pem"), time(), &opts()).unwrap_err();
    assert_eq!(e.kind(), "certificate_path_rejected");
    // Duplicate claims are rejected.
    let token = signer.sign_bytes(br#"{"sub":"a","sub":"b"}"#).unwrap();
    let e = jws::verify_x5c(&token, &udap(), &v, time(), &opts()).unwrap_err();
    assert_eq!(e.kind(), "payload_not_json_object");
}

#[test]
fn expired_signer_certificate_is_rejected() {
    let token = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap().sign_json(&claims()).unwrap();
    let later = UnixTime::since_unix_epoch(Duration::from_secs(1_900_000_000)); // 2030-03
    let e = jws::verify_x5c(&token, &udap(), &verifier("base/root.pem"), later, &opts()).unwrap_err();
    assert_eq!(e.validation_error().unwrap().kind(), "expired");
}

#[test]
fn revocation_policy_of_the_verifier_applies() {
    // Policy::udap() hard-fails on unknown revocation status: without CRLs or OCSP responses
    // for the chain, the path is rejected.
    let token = Signer::from_pkcs8(&key("base-leaf"), base_chain()).unwrap().sign_json(&claims()).unwrap();
    let strict = Verifier::new(TrustStore::from_bundle(pki("base/root.pem").as_bytes()).unwrap(), Policy::udap());
    let e = jws::verify_x5c(&token, &udap(), &strict, time(), &opts()).unwrap_err();
    assert_eq!(e.kind(), "certificate_path_rejected", "{e}");
}

//! RFC 7515 Appendix A and RFC 7520 §4 examples through the compact JWS verifier, plus
//! negative variations built from them. Keys are JWKs, converted to SPKI by a test helper.
//!
//! Files: the `jws` suite under `$TRUSTPATH_VECTORS` or `../shared/vectors/` (not in this
//! repository): `rfc7515/` (latchset/jose `tests/vectors/`, Apache-2.0) and `rfc7520-cookbook/`
//! (ietf-jose/cookbook, Unlicense). Without it each test says so and passes.

mod jws_support;
#[path = "support/vectors.rs"]
mod vectors;

use std::path::{Path, PathBuf};

use base64ct::{Base64UrlUnpadded, Encoding};
use jws_support::jwk_to_spki;
use serde_json::Value;
use trustpath::jws::{AlgorithmSet, Jws, JwsAlgorithm, JwsError, Limits};

/// The JWS examples' directory, or `None` (after a `skipped:` line) when absent.
fn suite() -> Option<PathBuf> {
    vectors::suite("jws")
}

fn read(dir: &Path, relative: &str) -> String {
    let path = dir.join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rfc7515(dir: &Path, name: &str) -> String {
    read(dir, &format!("rfc7515/{name}")).trim().to_owned()
}

fn rfc7515_key(dir: &Path, section: &str) -> Vec<u8> {
    let jwk: Value = serde_json::from_str(&rfc7515(dir, &format!("rfc7515_{section}.jwk"))).unwrap();
    jwk_to_spki(&jwk).unwrap()
}

fn verify(token: &str, spki: &[u8]) -> Result<Jws, JwsError> {
    let jws = Jws::parse(token, Limits::default())?;
    jws.verify_with_spki(&AlgorithmSet::all(), spki)?;
    Ok(jws)
}

const JOE_CLAIMS: &str = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

#[test]
fn rfc7515_a2_rs256() {
    let Some(dir) = suite() else { return };
    let jws = verify(&rfc7515(&dir, "rfc7515_A.2.jwsc"), &rfc7515_key(&dir, "A.2")).unwrap();
    assert_eq!(jws.algorithm(), JwsAlgorithm::Rs256);
    assert_eq!(jws.payload_bytes(), JOE_CLAIMS.as_bytes());
    let claims = jws.claims().unwrap();
    assert_eq!(claims["iss"], "joe");
    assert_eq!(claims["exp"], 1300819380);
}

#[test]
fn rfc7515_a3_es256() {
    let Some(dir) = suite() else { return };
    let jws = verify(&rfc7515(&dir, "rfc7515_A.3.jwsc"), &rfc7515_key(&dir, "A.3")).unwrap();
    assert_eq!(jws.algorithm(), JwsAlgorithm::Es256);
    assert_eq!(jws.signature().len(), 64);
}

#[test]
fn rfc7515_a4_es512() {
    let Some(dir) = suite() else { return };
    let jws = verify(&rfc7515(&dir, "rfc7515_A.4.jwsc"), &rfc7515_key(&dir, "A.4")).unwrap();
    assert_eq!(jws.algorithm(), JwsAlgorithm::Es512);
    assert_eq!(jws.payload_bytes(), b"Payload");
}

#[test]
fn rfc7515_a1_hs256_rejected() {
    let Some(dir) = suite() else { return };
    let e = Jws::parse(&rfc7515(&dir, "rfc7515_A.1.jwsc"), Limits::default()).unwrap_err();
    assert_eq!(e, JwsError::AlgorithmNotAllowed("HS256".into()));
}

#[test]
fn rfc7515_a5_none_rejected() {
    let Some(dir) = suite() else { return };
    let e = Jws::parse(&rfc7515(&dir, "rfc7515_A.5.jwsc"), Limits::default()).unwrap_err();
    assert_eq!(e, JwsError::AlgorithmNotAllowed("none".into()));
}

#[test]
fn rfc7515_json_serializations_rejected() {
    let Some(dir) = suite() else { return };
    for name in ["rfc7515_A.6.jwsg", "rfc7515_A.7.jwsf"] {
        let e = Jws::parse(&rfc7515(&dir, name), Limits::default()).unwrap_err();
        assert_eq!(e, JwsError::JsonSerialization, "{name}");
    }
}

fn cookbook(dir: &Path, name: &str) -> (String, Vec<u8>) {
    let v: Value = serde_json::from_str(&read(dir, &format!("rfc7520-cookbook/jws/{name}"))).unwrap();
    (v["output"]["compact"].as_str().unwrap().to_owned(), jwk_to_spki(&v["input"]["key"]).unwrap_or_default())
}

const HOBBIT: &str = "It\u{2019}s a dangerous business, Frodo, going out your door. You step onto the road, and if you \
                      don't keep your feet, there\u{2019}s no knowing where you might be swept off to.";

#[test]
fn rfc7520_4_1_rs256() {
    let Some(dir) = suite() else { return };
    let (token, key) = cookbook(&dir, "4_1.rsa_v15_signature.json");
    let jws = verify(&token, &key).unwrap();
    assert_eq!(jws.algorithm(), JwsAlgorithm::Rs256);
    assert_eq!(jws.header().kid(), Some("bilbo.baggins@hobbiton.example"));
    assert_eq!(jws.payload_bytes(), HOBBIT.as_bytes());
    // Not a JWT: the payload is text.
    assert_eq!(jws.claims().unwrap_err().kind(), "payload_not_json_object");
}

#[test]
fn rfc7520_4_2_ps384() {
    let Some(dir) = suite() else { return };
    let (token, key) = cookbook(&dir, "4_2.rsa-pss_signature.json");
    assert_eq!(verify(&token, &key).unwrap().algorithm(), JwsAlgorithm::Ps384);
}

#[test]
fn rfc7520_4_3_es512() {
    let Some(dir) = suite() else { return };
    let (token, key) = cookbook(&dir, "4_3.ecdsa_signature.json");
    assert_eq!(verify(&token, &key).unwrap().algorithm(), JwsAlgorithm::Es512);
}

#[test]
fn rfc7520_4_4_hs256_rejected() {
    let Some(dir) = suite() else { return };
    let (token, _) = cookbook(&dir, "4_4.hmac-sha2_integrity_protection.json");
    assert_eq!(Jws::parse(&token, Limits::default()).unwrap_err(), JwsError::AlgorithmNotAllowed("HS256".into()));
}

// ---- negative variations ----

fn replace_signature(token: &str, signature: &[u8]) -> String {
    let (input, _) = token.rsplit_once('.').unwrap();
    format!("{input}.{}", Base64UrlUnpadded::encode_string(signature))
}

#[test]
fn tampered_signature_and_payload_rejected() {
    let Some(dir) = suite() else { return };
    let token = rfc7515(&dir, "rfc7515_A.2.jwsc");
    let key = rfc7515_key(&dir, "A.2");
    let mut sig = Jws::parse(&token, Limits::default()).unwrap().signature().to_vec();
    sig[10] ^= 1;
    assert_eq!(verify(&replace_signature(&token, &sig), &key).unwrap_err(), JwsError::BadSignature);
    let parts: Vec<&str> = token.split('.').collect();
    let payload = Base64UrlUnpadded::encode_string(br#"{"iss":"eve"}"#);
    let forged = format!("{}.{payload}.{}", parts[0], parts[2]);
    assert_eq!(verify(&forged, &key).unwrap_err(), JwsError::BadSignature);
}

#[test]
fn allow_list_is_applied() {
    let Some(dir) = suite() else { return };
    let token = rfc7515(&dir, "rfc7515_A.2.jwsc");
    let jws = Jws::parse(&token, Limits::default()).unwrap();
    let only_es = AlgorithmSet::new(&[JwsAlgorithm::Es256]);
    assert_eq!(
        jws.verify_with_spki(&only_es, &rfc7515_key(&dir, "A.2")).unwrap_err(),
        JwsError::AlgorithmNotAllowed("RS256".into())
    );
    assert_eq!(
        jws.verify_with_spki(&AlgorithmSet::empty(), &rfc7515_key(&dir, "A.2")).unwrap_err().kind(),
        "alg_not_allowed"
    );
}

#[test]
fn key_must_fit_alg() {
    let Some(dir) = suite() else { return };
    // ES256 token with the RSA key, RS256 token with the P-256 key, ES256 with the P-521 key.
    let es256 = rfc7515(&dir, "rfc7515_A.3.jwsc");
    let rs256 = rfc7515(&dir, "rfc7515_A.2.jwsc");
    for (token, key) in [(&es256, "A.2"), (&rs256, "A.3"), (&es256, "A.4")] {
        let e = verify(token, &rfc7515_key(&dir, key)).unwrap_err();
        assert_eq!(e.kind(), "key_alg_mismatch", "{key}: {e}");
    }
}

#[test]
fn es256_signature_must_be_fixed_length_r_s() {
    let Some(dir) = suite() else { return };
    let token = rfc7515(&dir, "rfc7515_A.3.jwsc");
    let key = rfc7515_key(&dir, "A.3");
    let sig = Jws::parse(&token, Limits::default()).unwrap().signature().to_vec();
    // The same (r, s) as an ASN.1 DER Ecdsa-Sig-Value, as X.509 would carry it.
    let int = |b: &[u8]| {
        let mut v: Vec<u8> = b.iter().copied().skip_while(|x| *x == 0).collect();
        if v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        [vec![2, v.len() as u8], v].concat()
    };
    let body = [int(&sig[..32]), int(&sig[32..])].concat();
    let der = [vec![0x30, body.len() as u8], body].concat();
    let e = verify(&replace_signature(&token, &der), &key).unwrap_err();
    assert!(matches!(e, JwsError::SignatureLength { expected: 64, .. }), "{e}");
    // Truncated, zero-padded.
    assert_eq!(verify(&replace_signature(&token, &sig[..63]), &key).unwrap_err().kind(), "bad_signature_length");
    let padded = [&[0u8][..], &sig].concat();
    assert_eq!(verify(&replace_signature(&token, &padded), &key).unwrap_err().kind(), "bad_signature_length");
}

#[test]
fn header_rules() {
    let Some(dir) = suite() else { return };
    let token = rfc7515(&dir, "rfc7515_A.3.jwsc");
    let (_, rest) = token.split_once('.').unwrap();
    let with_header = |h: &str| format!("{}.{rest}", Base64UrlUnpadded::encode_string(h.as_bytes()));
    let kind = |h: &str| Jws::parse(&with_header(h), Limits::default()).unwrap_err().kind();
    assert_eq!(kind(r#"{"alg":"ES256","alg":"ES256"}"#), "duplicate_header_member");
    assert_eq!(kind(r#"{"alg":"none","alg":"ES256"}"#), "duplicate_header_member");
    assert_eq!(kind(r#"{"alg":"ES256","crit":["exp"],"exp":1}"#), "unsupported_crit");
    assert_eq!(kind(r#"{"alg":"ES256","crit":[]}"#), "invalid_crit");
    assert_eq!(kind(r#"{"alg":"ES256","crit":["alg"]}"#), "invalid_crit");
    assert_eq!(kind(r#"{"alg":"ES256","crit":["x"]}"#), "invalid_crit");
    assert_eq!(kind(r#"{"typ":"JWT"}"#), "missing_alg");
    assert_eq!(kind(r#"{"alg":"HS256"}"#), "alg_not_allowed");
    assert_eq!(kind(r#"{"alg":"es256"}"#), "alg_not_allowed");
    assert_eq!(kind(r#"["alg","ES256"]"#), "invalid_header_json");
    assert_eq!(kind("{\"alg\":\"ES256\""), "invalid_header_json");
}

#[test]
fn rfc8037_eddsa() {
    let Some(dir) = suite() else { return };
    let v: Value = serde_json::from_str(&read(&dir, "rfc7520-cookbook/curve25519/jws.json")).unwrap();
    let token = v["output"]["compact"].as_str().unwrap();
    let key = jwk_to_spki(&v["input"]["key"]).unwrap();
    let jws = verify(token, &key).unwrap();
    assert_eq!(jws.algorithm(), JwsAlgorithm::EdDsa);
    assert_eq!(jws.payload_bytes(), b"Example of Ed25519 signing");
    // Not allowed unless asked for.
    let e = jws.verify_with_spki(&AlgorithmSet::udap(), &key).unwrap_err();
    assert_eq!(e, JwsError::AlgorithmNotAllowed("EdDSA".into()));
}

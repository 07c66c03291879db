//! Test-only helpers shared by the JWS tests: JWK → SubjectPublicKeyInfo DER (JWKs are not
//! part of the library's API), a JWK-aware verification wrapper, hex and file loading.

#![allow(dead_code)]

use std::path::PathBuf;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::Value;
use trustpath::jws::{AlgorithmSet, Jws, JwsError, Limits};

/// Reads a file under `test-vectors/`.
pub fn read_vector(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads and parses a JSON file under `test-vectors/`.
pub fn read_json(relative: &str) -> Value {
    serde_json::from_str(&read_vector(relative)).unwrap()
}

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn b64url(s: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn uint(bytes: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if v.first().is_none_or(|b| b & 0x80 != 0) {
        v.insert(0, 0);
    }
    tlv(0x02, &v)
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0u8][..], bytes].concat())
}

const OID_RSA: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const NULL: &[u8] = &[0x05, 0x00];
const OID_EC: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_ED25519: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];

fn left_pad(mut v: Vec<u8>, len: usize) -> Vec<u8> {
    while v.len() < len {
        v.insert(0, 0);
    }
    v
}

/// The SubjectPublicKeyInfo DER of a public (or private: only public members are read) JWK.
/// `None` for key types with no SPKI here (`oct`) or unknown curves.
pub fn jwk_to_spki(jwk: &Value) -> Option<Vec<u8>> {
    let s = |name: &str| jwk.get(name).and_then(Value::as_str);
    match s("kty")? {
        "RSA" => {
            let rsa_key = seq(&[&uint(&b64url(s("n")?)), &uint(&b64url(s("e")?))]);
            Some(seq(&[&seq(&[OID_RSA, NULL]), &bit_string(&rsa_key)]))
        }
        "EC" => {
            let (curve, size) = match s("crv")? {
                "P-256" => (OID_P256, 32),
                "P-384" => (OID_P384, 48),
                "P-521" => (OID_P521, 66),
                _ => return None,
            };
            let point = [&[4u8][..], &left_pad(b64url(s("x")?), size), &left_pad(b64url(s("y")?), size)].concat();
            Some(seq(&[&seq(&[OID_EC, curve]), &bit_string(&point)]))
        }
        "OKP" if s("crv")? == "Ed25519" => Some(seq(&[&seq(&[OID_ED25519]), &bit_string(&b64url(s("x")?))])),
        _ => None,
    }
}

/// Why a JWK-based verification failed: the JWK itself refused use, or the library's error.
#[derive(Debug)]
pub enum JwkVerifyError {
    /// The JWK's `use`, `key_ops` or `alg` forbid verifying this token with it.
    KeyRefused(&'static str),
    /// The JWK has no SubjectPublicKeyInfo form (symmetric key, unknown curve).
    NoPublicKey,
    /// The library rejected the token.
    Jws(JwsError),
}

/// Parses `token` and verifies it with `jwk`, applying the JWK's own restrictions first
/// (RFC 7517 §4.2 `use` must be `sig`, §4.3 `key_ops` must contain `verify`, §4.4 `alg`
/// must equal the header's `alg` when both are recognised algorithm names).
pub fn verify_with_jwk(token: &str, jwk: &Value, allowed: &AlgorithmSet) -> Result<Jws, JwkVerifyError> {
    let jws = Jws::parse(token, Limits::default()).map_err(JwkVerifyError::Jws)?;
    if !allowed.contains(jws.algorithm()) {
        return Err(JwkVerifyError::Jws(JwsError::AlgorithmNotAllowed(jws.header().alg().to_owned())));
    }
    if jwk.get("use").is_some_and(|u| u != "sig") {
        return Err(JwkVerifyError::KeyRefused("use is not \"sig\""));
    }
    if let Some(ops) = jwk.get("key_ops")
        && !ops.as_array().is_some_and(|ops| ops.iter().any(|o| o == "verify"))
    {
        return Err(JwkVerifyError::KeyRefused("key_ops lacks \"verify\""));
    }
    // Only a recognised algorithm name restricts the key (Wycheproof's copy of the RFC 7520
    // P-521 key says "ES521", which names no algorithm).
    if let Some(key_alg) = jwk.get("alg").and_then(Value::as_str)
        && trustpath::jws::JwsAlgorithm::from_name(key_alg).is_some()
        && key_alg != jws.header().alg()
    {
        return Err(JwkVerifyError::KeyRefused("JWK alg differs from the header alg"));
    }
    let spki = jwk_to_spki(jwk).ok_or(JwkVerifyError::NoPublicKey)?;
    jws.verify_with_spki(allowed, &spki).map_err(JwkVerifyError::Jws)?;
    Ok(jws)
}

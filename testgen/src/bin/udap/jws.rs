//! A small, independent compact-JWS writer (RFC 7515 §7.1) for the UDAP vectors: it shares
//! no code with trustpath's `jws` module, so the vectors cross-check it. Signatures are
//! deterministic (RSASSA-PKCS1-v1_5 and RFC 6979 ECDSA), so regenerating gives the same bytes.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trustpath_testgen::{Error, KeyKind, KeyPair, Result, SigAlg};

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 0x3f) as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Unpadded base64url (JWS segments).
pub fn b64url(data: &[u8]) -> String {
    encode(data, URL, false)
}

/// Standard padded base64 (`x5c` entries, RFC 7515 §4.1.6).
pub fn b64(data: &[u8]) -> String {
    encode(data, STD, true)
}

/// Decodes unpadded base64url (for tampering with a segment).
pub fn b64url_decode(s: &str) -> Result<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = URL.iter().position(|a| *a == c).ok_or_else(|| Error::msg(format!("not base64url: {c}")))?;
        bits = (bits << 6) | v as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Ok(out)
}

/// The JWS `alg` a key signs with here: RS256 for RSA, ES256 for P-256.
pub fn alg_for(key: &KeyPair) -> Result<&'static str> {
    match key.kind() {
        KeyKind::Rsa2048 | KeyKind::Rsa3072 => Ok("RS256"),
        KeyKind::P256 => Ok("ES256"),
        other => Err(Error::msg(format!("no JWS algorithm for {other:?} here"))),
    }
}

/// The header `{"alg", "typ": "JWT", "x5c"}` for a chain of DER certificates (signer first).
pub fn header(alg: &str, x5c: &[Vec<u8>]) -> Value {
    let x5c: Vec<String> = x5c.iter().map(|c| b64(c)).collect();
    json!({ "alg": alg, "typ": "JWT", "x5c": x5c })
}

/// `BASE64URL(header) . BASE64URL(claims)`.
pub fn signing_input(header: &Value, claims: &Value) -> Result<String> {
    Ok(format!("{}.{}", b64url(&serde_json::to_vec(header)?), b64url(&serde_json::to_vec(claims)?)))
}

/// The raw JWS signature of `input` under `alg` with `key`.
pub fn raw_signature(alg: &str, key: &KeyPair, input: &[u8]) -> Result<Vec<u8>> {
    match alg {
        "RS256" => key.sign(SigAlg::RsaPkcs1Sha256, input),
        "ES256" => {
            // The generator's key signs ECDSA in DER; JWS wants r‖s (RFC 7518 §3.4).
            let der = key.sign(SigAlg::EcdsaSha256, input)?;
            let sig = p256::ecdsa::Signature::from_der(&der).map_err(|e| Error::msg(format!("ECDSA DER: {e}")))?;
            Ok(sig.to_bytes().to_vec())
        }
        other => Err(Error::msg(format!("cannot sign {other}"))),
    }
}

/// A compact JWS of `claims` under `header` (whose `alg` says how), signed by `key`.
pub fn sign(header: &Value, claims: &Value, key: &KeyPair) -> Result<String> {
    let alg = header.get("alg").and_then(Value::as_str).ok_or_else(|| Error::msg("header without alg"))?;
    let input = signing_input(header, claims)?;
    let sig = raw_signature(alg, key, input.as_bytes())?;
    Ok(format!("{input}.{}", b64url(&sig)))
}

/// HMAC-SHA-256 (RFC 2104).
pub fn hmac_sha256(secret: &[u8], message: &[u8]) -> Vec<u8> {
    let mut key = if secret.len() > 64 { Sha256::digest(secret).to_vec() } else { secret.to_vec() };
    key.resize(64, 0);
    let ipad: Vec<u8> = key.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = key.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::digest([ipad.as_slice(), message].concat());
    Sha256::digest([opad.as_slice(), inner.as_slice()].concat()).to_vec()
}

/// A JWS "signed" with HS256 using `secret` (the algorithm-confusion attack: the verifier's
/// public key used as an HMAC secret).
pub fn sign_hs256(header: &Value, claims: &Value, secret: &[u8]) -> Result<String> {
    let input = signing_input(header, claims)?;
    Ok(format!("{input}.{}", b64url(&hmac_sha256(secret, input.as_bytes()))))
}

/// An unsecured JWS (`alg: none`, RFC 7515 §A.5): empty signature segment.
pub fn unsecured(header: &Value, claims: &Value) -> Result<String> {
    Ok(format!("{}.", signing_input(header, claims)?))
}

/// `token` with one bit of its signature flipped (still valid base64url of the same length).
pub fn flip_signature_bit(token: &str) -> Result<String> {
    let (input, sig) = token.rsplit_once('.').ok_or_else(|| Error::msg("not a JWS"))?;
    let mut bytes = b64url_decode(sig)?;
    let mid = bytes.len() / 2;
    let byte = bytes.get_mut(mid).ok_or_else(|| Error::msg("empty signature"))?;
    *byte ^= 0x01;
    Ok(format!("{input}.{}", b64url(&bytes)))
}

/// `token` with its payload replaced by `claims` and the original signature kept.
pub fn replace_payload(token: &str, claims: &Value) -> Result<String> {
    let mut parts = token.split('.');
    let (Some(h), Some(_), Some(s)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::msg("not a JWS"));
    };
    Ok(format!("{h}.{}.{s}", b64url(&serde_json::to_vec(claims)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        assert_eq!(b64(b"hello"), "aGVsbG8=");
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(b64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        // RFC 4231 test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(mac[..4], [0x5b, 0xdc, 0xc1, 0x46]);
    }
}

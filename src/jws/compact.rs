//! The compact serialization (RFC 7515 §7.1): three unpadded base64url segments separated by
//! dots, parsed into a [`Jws`] with the cheap checks first.

use std::sync::Arc;

use base64::Engine;
use serde_json::{Map, Value};

use super::alg::{self, AlgorithmSet, JwsAlgorithm};
use super::error::{JwsError, Segment};
use super::header::Header;
use super::header_cache::HeaderCache;
use super::x5c;
use crate::cert::Certificate;
use crate::json::parse_object;

/// Bounds on what a token may make the parser do. The defaults suit UDAP and Direct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest token accepted, in bytes (default 4 MiB: room for a maximal `x5c`).
    pub max_token_len: usize,
    /// Most object members plus array elements in the header JSON, at any depth (default 100).
    pub max_header_entries: usize,
    /// Most object members plus array elements in the payload JSON, at any depth, when it is
    /// read as claims (default 10,000).
    pub max_claims_entries: usize,
    /// Most certificates in `x5c` (default 10).
    pub max_x5c_certificates: usize,
    /// Largest `x5c`, as the summed length of its base64 strings (default 1 MiB).
    pub max_x5c_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_token_len: 4 << 20,
            max_header_entries: 100,
            max_claims_entries: 10_000,
            max_x5c_certificates: 10,
            max_x5c_len: 1 << 20,
        }
    }
}

/// A parsed, **unverified** compact JWS. Nothing in it may be trusted until one of the
/// `verify_*` methods succeeded.
#[derive(Debug, Clone)]
pub struct Jws {
    header: Arc<Header>,
    algorithm: JwsAlgorithm,
    signing_input: String,
    payload: Vec<u8>,
    signature: Vec<u8>,
    x5c: Vec<Certificate>,
    limits: Limits,
}

fn decode_segment(segment: &str, which: Segment) -> Result<Vec<u8>, JwsError> {
    // Strict: padding, characters outside the URL-safe alphabet (including whitespace) and
    // non-zero trailing bits are rejected. Tokens are public, so the `base64` crate's fast
    // decoder is used rather than base64ct's constant-time one (3-4x slower on a 5 KB x5c).
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(segment).map_err(|_| JwsError::Base64(which))
}

impl Jws {
    /// Parses a compact JWS: segments, header JSON (no duplicates, no `crit`), `alg` one of the
    /// implemented algorithms (`none`, `HS*` and unknown names are rejected here), `x5c`
    /// certificates (bounded), payload and signature bytes. Verification checks `alg` against
    /// the allow-list of the use.
    pub fn parse(token: &str, limits: Limits) -> Result<Jws, JwsError> {
        Jws::parse_inner(token, limits, None, None)
    }

    /// As [`Jws::parse`], but rejects an `alg` outside `allowed` right after the header, before
    /// the `x5c` certificates are decoded, and takes the header and `x5c` from `headers` when
    /// it parsed the same header segment before (storing them there otherwise).
    pub(crate) fn parse_inner(
        token: &str,
        limits: Limits,
        allowed: Option<&AlgorithmSet>,
        headers: Option<&HeaderCache>,
    ) -> Result<Jws, JwsError> {
        if token.len() > limits.max_token_len {
            return Err(JwsError::TokenTooLarge { size: token.len(), limit: limits.max_token_len });
        }
        if token.trim_start().starts_with('{') {
            return Err(JwsError::JsonSerialization);
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(JwsError::Malformed("expected exactly three dot-separated segments"));
        };
        if h.is_empty() {
            return Err(JwsError::Malformed("empty header segment"));
        }
        let cached = headers.and_then(|c| c.get(h, &limits));
        let header = match &cached {
            Some(entry) => entry.header.clone(),
            None => Arc::new(Header::parse(&decode_segment(h, Segment::Header)?, limits.max_header_entries)?),
        };
        let algorithm = match allowed {
            Some(allowed) => alg::allowed_algorithm(header.alg(), allowed)?,
            None => JwsAlgorithm::from_name(header.alg())
                .ok_or_else(|| JwsError::AlgorithmNotAllowed(header.alg().to_owned()))?,
        };
        if s.is_empty() {
            return Err(JwsError::Malformed("empty signature segment (unsecured JWS)"));
        }
        let signature = decode_segment(s, Segment::Signature)?;
        let payload = decode_segment(p, Segment::Payload)?;
        let x5c = match cached {
            Some(entry) => entry.x5c.clone(),
            None => {
                let x5c = x5c::decode(&header, &limits)?;
                if let Some(cache) = headers {
                    cache.insert(h, &limits, header.clone(), x5c.clone());
                }
                x5c
            }
        };
        let signing_input = token.get(..h.len() + 1 + p.len()).unwrap_or_default().to_owned();
        Ok(Jws { header, algorithm, signing_input, payload, signature, x5c, limits })
    }

    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The `alg` header value (not yet checked against any allow-list).
    pub fn algorithm(&self) -> JwsAlgorithm {
        self.algorithm
    }

    /// The decoded payload.
    pub fn payload_bytes(&self) -> &[u8] {
        &self.payload
    }

    /// The payload as a JSON object (JWT claims): no duplicate member names, bounded by
    /// [`Limits::max_claims_entries`].
    pub fn claims(&self) -> Result<Map<String, Value>, JwsError> {
        parse_claims(&self.payload, &self.limits)
    }

    /// The decoded `x5c` certificates, signer first (empty when the header has no `x5c`).
    pub fn x5c(&self) -> &[Certificate] {
        &self.x5c
    }

    /// `ASCII(BASE64URL(header) || '.' || BASE64URL(payload))`: the bytes that were signed.
    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// The decoded signature.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The limits this token was parsed with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn into_header_and_payload(self) -> (Arc<Header>, Vec<u8>) {
        (self.header, self.payload)
    }

    /// Verifies the signature with a public key given as (SPKI AlgorithmIdentifier value,
    /// subjectPublicKey bits).
    pub(crate) fn verify_with_key(
        &self,
        allowed: &AlgorithmSet,
        spki_alg: &[u8],
        public_key: &[u8],
    ) -> Result<JwsAlgorithm, JwsError> {
        alg::verify(self.algorithm, allowed, spki_alg, public_key, self.signing_input(), &self.signature)?;
        Ok(self.algorithm)
    }

    /// Verifies the signature with `certificate`'s public key, `alg` being in `allowed` and
    /// fitting the key. Says nothing about whether the certificate is trusted.
    pub fn verify_with_certificate(&self, allowed: &AlgorithmSet, certificate: &Certificate) -> Result<(), JwsError> {
        self.verify_with_key(allowed, certificate.public_key_algorithm_id(), certificate.public_key()).map(|_| ())
    }

    /// Verifies the signature with a DER SubjectPublicKeyInfo (e.g. a pinned or registered
    /// key), `alg` being in `allowed` and fitting the key.
    pub fn verify_with_spki(&self, allowed: &AlgorithmSet, spki_der: &[u8]) -> Result<(), JwsError> {
        let (spki_alg, public_key) = alg::split_spki(spki_der)?;
        self.verify_with_key(allowed, spki_alg, public_key).map(|_| ())
    }
}

/// The claims of a compact JWS, read **without verifying it** (neither the header nor the
/// signature is looked at): for finding which key or registration to verify it with. The
/// token's length and the claims' size are bounded by `limits`.
pub fn unverified_claims(token: &str, limits: &Limits) -> Result<Map<String, Value>, JwsError> {
    if token.len() > limits.max_token_len {
        return Err(JwsError::TokenTooLarge { size: token.len(), limit: limits.max_token_len });
    }
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwsError::Malformed("expected exactly three dot-separated segments"));
    };
    parse_claims(&decode_segment(payload, Segment::Payload)?, limits)
}

pub(crate) fn parse_claims(payload: &[u8], limits: &Limits) -> Result<Map<String, Value>, JwsError> {
    parse_object(payload, limits.max_claims_entries).map_err(|e| JwsError::PayloadNotJsonObject(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    use base64ct::{Base64UrlUnpadded, Encoding};

    fn b64(s: &[u8]) -> String {
        Base64UrlUnpadded::encode_string(s)
    }

    #[test]
    fn segments_are_strict_unpadded_base64url() {
        assert_eq!(decode_segment("QQ", Segment::Payload).unwrap(), b"A");
        assert_eq!(decode_segment("-_8", Segment::Payload).unwrap(), [0xfb, 0xff]);
        assert_eq!(decode_segment("", Segment::Payload).unwrap(), b"");
        // Padding, the standard alphabet, whitespace, non-zero trailing bits, a lone character.
        for bad in ["QQ==", "QQ=", "+/8", "Q Q", "QQ\n", "QR", "Q"] {
            assert_eq!(decode_segment(bad, Segment::Header), Err(JwsError::Base64(Segment::Header)), "{bad:?}");
        }
    }

    fn token(header: &str, payload: &[u8], sig: &[u8]) -> String {
        format!("{}.{}.{}", b64(header.as_bytes()), b64(payload), b64(sig))
    }

    #[test]
    fn parses_segments() {
        let t = token(r#"{"alg":"ES256"}"#, br#"{"iss":"a"}"#, &[1; 64]);
        let jws = Jws::parse(&t, Limits::default()).unwrap();
        assert_eq!(jws.algorithm(), JwsAlgorithm::Es256);
        assert_eq!(jws.signature(), &[1; 64]);
        assert_eq!(jws.claims().unwrap()["iss"], "a");
        assert!(jws.x5c().is_empty());
        assert_eq!(jws.signing_input(), t.rsplit_once('.').unwrap().0.as_bytes());
    }

    #[test]
    fn rejects_structure() {
        let t = token(r#"{"alg":"ES256"}"#, b"x", &[1; 64]);
        let kind = |s: &str| Jws::parse(s, Limits::default()).unwrap_err().kind();
        assert_eq!(kind(&format!("{t}.")), "malformed_token");
        assert_eq!(kind(&format!("{t}.abc.def")), "malformed_token");
        assert_eq!(kind(t.rsplit_once('.').unwrap().0), "malformed_token");
        assert_eq!(kind(""), "malformed_token");
        assert_eq!(kind(&format!(".{}", t.split_once('.').unwrap().1)), "malformed_token");
        assert_eq!(kind(&format!("{}.", t.rsplit_once('.').unwrap().0)), "malformed_token");
        assert_eq!(kind(&format!("{t}=")), "invalid_base64url");
        assert_eq!(kind(&format!(" {t}")), "invalid_base64url");
        assert_eq!(kind(&t.replacen('.', "=.", 1)), "invalid_base64url");
        assert_eq!(kind(&t.replace('.', ".+")), "invalid_base64url");
        assert_eq!(kind(r#"{"payload":"x","signatures":[]}"#), "json_serialization_unsupported");
        // "AB" has non-zero trailing bits ("AA" is the canonical encoding of the byte 0x00).
        let (h, _) = t.split_once('.').unwrap();
        assert_eq!(kind(&format!("{h}.AB.{}", b64(&[1; 64]))), "invalid_base64url");
        assert!(Jws::parse(&format!("{h}.AA.{}", b64(&[1; 64])), Limits::default()).is_ok());
        let big = Limits { max_token_len: 10, ..Limits::default() };
        assert_eq!(Jws::parse(&t, big).unwrap_err().kind(), "token_too_large");
    }

    #[test]
    fn claims_must_be_an_object() {
        for payload in [&b"foo"[..], b"[1]", b"", br#"{"a":1,"a":2}"#] {
            let jws = Jws::parse(&token(r#"{"alg":"ES256"}"#, payload, &[1; 64]), Limits::default()).unwrap();
            assert_eq!(jws.claims().unwrap_err().kind(), "payload_not_json_object");
        }
    }

    #[test]
    fn alg_checked_before_x5c_when_allowed_given() {
        let t = token(r#"{"alg":"HS256","x5c":["not base64!"]}"#, b"{}", &[1; 32]);
        let e = Jws::parse_inner(&t, Limits::default(), Some(&AlgorithmSet::all()), None).unwrap_err();
        assert_eq!(e, JwsError::AlgorithmNotAllowed("HS256".into()));
        assert_eq!(Jws::parse(&t, Limits::default()).unwrap_err(), e);
        let t = token(r#"{"alg":"ES256","x5c":["not base64!"]}"#, b"{}", &[1; 64]);
        let only_rs = AlgorithmSet::new(&[JwsAlgorithm::Rs256]);
        let e = Jws::parse_inner(&t, Limits::default(), Some(&only_rs), None).unwrap_err();
        assert_eq!(e, JwsError::AlgorithmNotAllowed("ES256".into()));
        assert_eq!(Jws::parse(&t, Limits::default()).unwrap_err().kind(), "x5c_malformed");
        let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(b"{}"));
        assert_eq!(Jws::parse(&none, Limits::default()).unwrap_err(), JwsError::AlgorithmNotAllowed("none".into()));
    }
}

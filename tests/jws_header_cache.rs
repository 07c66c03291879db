//! The JWS header cache: a returning signer's header and `x5c` are parsed once, and a cached
//! header never lets through what a verifier without the cache rejects.
//!
//! Test PKI: `test-vectors/pki/base/` (P-256 root, intermediate, leaf `leaf.example.com`) and
//! its PKCS#8 key; validation time 2026-06-01.

mod jws_support;

use std::sync::Arc;
use std::time::Duration;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use jws_support::read_vector;
use serde_json::{Value, json};
use trustpath::jws::{
    self, AlgorithmSet, HeaderCache, JwsAlgorithm, Limits, MAX_CACHED_HEADER_LEN, Signer, X5cOptions,
};
use trustpath::revocation::RevocationPolicy;
use trustpath::{Certificate, Policy, TrustStore, UnixTime, Verifier};

const NOW: u64 = 1_780_272_000; // 2026-06-01T00:00:00Z

fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}

fn cert(path: &str) -> Certificate {
    Certificate::from_pem(read_vector(&format!("pki/{path}")).as_bytes()).unwrap()
}

fn chain() -> Vec<Certificate> {
    vec![cert("base/leaf.pem"), cert("base/intermediate.pem")]
}

fn signer() -> Signer {
    Signer::from_pkcs8(read_vector("pki/keys/base-leaf.pem").as_bytes(), chain()).unwrap()
}

/// A verifier, with or without a header cache that every verification through it uses.
struct Checker {
    verifier: Verifier,
    cache: Option<Arc<HeaderCache>>,
}

impl Checker {
    /// `options` with this checker's header cache.
    fn options<'a>(&'a self, options: &X5cOptions<'a>) -> X5cOptions<'a> {
        match &self.cache {
            Some(cache) => options.clone().header_cache(cache),
            None => options.clone(),
        }
    }
}

fn verifier(cache: Option<Arc<HeaderCache>>) -> Checker {
    let policy = {
        let mut value = Policy::udap();
        value.revocation = RevocationPolicy::OFF;
        value
    };
    let store = TrustStore::from_bundle(read_vector("pki/base/root.pem").as_bytes()).unwrap();
    Checker { verifier: Verifier::new(store, policy), cache }
}

fn claims(jti: &str) -> Value {
    json!({"iss": "https://client.example", "sub": "https://client.example", "aud": "https://server.example/token",
           "exp": NOW + 300, "iat": NOW, "jti": jti})
}

/// What a verification decided: the signer's DER and the claims, or the error's kind.
fn outcome(
    token: &str,
    allowed: &AlgorithmSet,
    v: &Checker,
    time: UnixTime,
    options: &X5cOptions<'_>,
    limits: Limits,
) -> Result<(Vec<u8>, Value), String> {
    jws::verify_x5c_with_limits(token, limits, allowed, &v.verifier, time, &v.options(options))
        .map(|ok| (ok.signer().der().to_vec(), Value::Object(ok.claims().clone())))
        .map_err(|e| e.kind().to_string())
}

/// Replaces the header segment of `token` by `header` (JSON), keeping payload and signature.
fn with_header(token: &str, header: &Value) -> String {
    let rest = token.split_once('.').unwrap().1;
    format!("{}.{rest}", Base64UrlUnpadded::encode_string(header.to_string().as_bytes()))
}

#[test]
fn a_returning_signers_header_is_parsed_once() {
    let cache = Arc::new(HeaderCache::new(16));
    let (cached, plain) = (verifier(Some(cache.clone())), verifier(None));
    let options = X5cOptions::new();
    let s = signer();
    for (n, jti) in ["a", "b", "c"].into_iter().enumerate() {
        let token = s.sign_json(&claims(jti)).unwrap();
        let got = outcome(&token, &AlgorithmSet::udap(), &cached, at(NOW), &options, Limits::default());
        let want = outcome(&token, &AlgorithmSet::udap(), &plain, at(NOW), &options, Limits::default());
        assert!(got.is_ok(), "{got:?}");
        assert_eq!(got, want);
        let stats = cache.stats();
        assert_eq!((stats.misses, stats.hits, stats.entries), (1, n as u64, 1), "{stats:?}");
    }
    let verified = jws::verify_x5c(
        &s.sign_json(&claims("d")).unwrap(),
        &AlgorithmSet::udap(),
        &cached.verifier,
        at(NOW),
        &cached.options(&options),
    )
    .unwrap();
    assert_eq!(verified.header().alg(), "ES256");
    assert_eq!(verified.path().certificates().len(), 2);
    cache.clear();
    assert_eq!(cache.stats().entries, 0);
}

#[test]
fn a_cached_header_never_accepts_what_an_uncached_verifier_rejects() {
    let cache = Arc::new(HeaderCache::new(16));
    let (cached, plain) = (verifier(Some(cache.clone())), verifier(None));
    let s = signer();
    let good = s.sign_json(&claims("warm-up")).unwrap();
    let any = X5cOptions::new();
    outcome(&good, &AlgorithmSet::udap(), &cached, at(NOW), &any, Limits::default()).expect("warm-up");

    let token = s.sign_json(&claims("next")).unwrap();
    let (head, sig) = token.rsplit_once('.').unwrap();
    let mut signature = Base64UrlUnpadded::decode_vec(sig).unwrap();
    signature[10] ^= 1;
    let tampered = format!("{head}.{}", Base64UrlUnpadded::encode_string(&signature));
    let other_payload = format!(
        "{}.{}.{sig}",
        head.split_once('.').unwrap().0,
        Base64UrlUnpadded::encode_string(&serde_json::to_vec(&claims("forged")).unwrap())
    );
    let rs256_only = AlgorithmSet::new(&[JwsAlgorithm::Rs256]);
    let other_community = X5cOptions::new().community("elsewhere");
    let one_certificate = {
        let mut value = Limits::default();
        value.max_x5c_certificates = 1;
        value
    };
    let few_entries = {
        let mut value = Limits::default();
        value.max_header_entries = 2;
        value
    };
    let cases: [(&str, &str, &AlgorithmSet, u64, &X5cOptions<'_>, Limits); 7] = [
        ("tampered signature", &tampered, &AlgorithmSet::udap(), NOW, &any, Limits::default()),
        ("payload swapped", &other_payload, &AlgorithmSet::udap(), NOW, &any, Limits::default()),
        ("alg not allowed", &token, &rs256_only, NOW, &any, Limits::default()),
        ("certificates expired", &token, &AlgorithmSet::udap(), NOW + 50 * 365 * 86_400, &any, Limits::default()),
        ("other community", &token, &AlgorithmSet::udap(), NOW, &other_community, Limits::default()),
        ("x5c over the limit", &token, &AlgorithmSet::udap(), NOW, &any, one_certificate),
        ("header over the limit", &token, &AlgorithmSet::udap(), NOW, &any, few_entries),
    ];
    for (what, token, allowed, time, options, limits) in cases {
        let got = outcome(token, allowed, &cached, at(time), options, limits);
        let want = outcome(token, allowed, &plain, at(time), options, limits);
        assert!(got.is_err(), "{what}: {got:?}");
        assert_eq!(got, want, "{what}");
    }
    // The header was the cached one in every case but the two whose limits differ.
    let stats = cache.stats();
    assert_eq!(stats.hits, 5, "{stats:?}");
    assert_eq!(stats.entries, 1, "only successful parses are stored: {stats:?}");
}

#[test]
fn a_different_header_is_a_different_entry() {
    let cache = Arc::new(HeaderCache::new(16));
    let (cached, plain) = (verifier(Some(cache.clone())), verifier(None));
    let any = X5cOptions::new();
    let token = signer().sign_json(&claims("x")).unwrap();
    outcome(&token, &AlgorithmSet::udap(), &cached, at(NOW), &any, Limits::default()).expect("valid");
    // Same signature and payload under a header naming another x5c order or algorithm.
    let certs: Vec<String> = chain().iter().map(|c| Base64::encode_string(c.der().as_ref())).collect();
    let headers = [
        json!({"alg": "ES256", "x5c": [certs[1], certs[0]]}),
        json!({"alg": "ES384", "x5c": certs}),
        json!({"alg": "ES256", "x5c": [certs[0]], "crit": ["exp"]}),
    ];
    for header in &headers {
        let forged = with_header(&token, header);
        let got = outcome(&forged, &AlgorithmSet::all(), &cached, at(NOW), &any, Limits::default());
        let want = outcome(&forged, &AlgorithmSet::all(), &plain, at(NOW), &any, Limits::default());
        assert!(got.is_err(), "{header}: {got:?}");
        assert_eq!(got, want, "{header}");
    }
    assert_eq!(cache.stats().hits, 0);
}

#[test]
fn capacity_bounds_the_entries_and_long_headers_are_not_stored() {
    let cache = Arc::new(HeaderCache::new(8));
    let v = verifier(Some(cache.clone()));
    let any = X5cOptions::new();
    for n in 0..40 {
        let token = signer().with_kid(format!("key-{n}")).sign_json(&claims("k")).unwrap();
        outcome(&token, &AlgorithmSet::udap(), &v, at(NOW), &any, Limits::default()).expect("valid");
    }
    let stats = cache.stats();
    assert!(stats.entries <= 8, "{stats:?}");
    assert!(stats.evictions >= 32, "{stats:?}");

    cache.clear();
    let long_kid = "k".repeat(MAX_CACHED_HEADER_LEN);
    let token = signer().with_kid(long_kid).sign_json(&claims("long")).unwrap();
    for _ in 0..2 {
        outcome(&token, &AlgorithmSet::udap(), &v, at(NOW), &any, Limits::default()).expect("valid");
    }
    assert_eq!(cache.stats().entries, 0);
}

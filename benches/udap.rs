//! Criterion benchmarks of UDAP client authentication at the token endpoint, on the UDAP test
//! PKI of `test-vectors/udap/` (see its README and `manifest.json`). Results: `BENCHMARKS.md`.
//!
//! IDs (read by other tooling; keep them stable):
//! - `udap/rs256-raw-verify`: one RS256 signature check (RustCrypto RSA PKCS#1 v1.5 SHA-256
//!   through `crypto::rustcrypto::RSA_PKCS1_SHA256`) of a client assertion's signing input
//!   with the client's key, inputs prepared beforehand: the floor of the next one.
//! - `udap/client-assertion-warm`: `TokenEndpoint::verify_assertion` of a fresh client
//!   assertion (client_credentials with `hl7-b2b`, RS256, `x5c` = client certificate +
//!   intermediate) from a returning client: `Policy::udap()` unchanged (hard-fail revocation
//!   over the chain, with the six CRLs of the manifest), the verifier's signature cache already
//!   holding the client's chain and the CRL signatures, so only the JWS signature is computed,
//!   and its JWS header cache holding the client's parsed header and `x5c` (unchanged from
//!   token to token), so only the payload and signature segments are decoded.
//!
//! The tokens are signed beforehand with distinct `jti`s and used in turn; each pass over them
//! gets a fresh replay cache (outside the timed part), so every timed verification is accepted
//! (asserted after each pass).
//!
//! Run: `cargo bench --bench udap` (options as for `benches/chain.rs`).

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{BenchmarkGroup, Criterion};
use rustls_pki_types::{SignatureVerificationAlgorithm, UnixTime};
use serde_json::Value;
use trustpath::crypto::cache::SignatureCache;
use trustpath::crypto::rustcrypto;
use trustpath::jws::{HeaderCache, Jws, Limits, Signer};
use trustpath::revocation::{Crl, RevocationData};
use trustpath::udap::build::{B2bExtension, client_assertion_claims};
use trustpath::udap::{AssertionRequest, GrantType, MemoryReplayCache, RegisteredClient, TokenEndpoint};
use trustpath::{Certificate, CertificatePool, Policy, TrustStore, Verifier};

use support::Clock;

/// Tokens signed for `udap/client-assertion-warm` (a pass uses each once). RSA signing is slow
/// in unoptimized builds, hence fewer in test mode.
const TOKENS: usize = 200;
const TOKENS_TEST_MODE: usize = 2;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors").join("udap")
}

fn read(rel: &str) -> Vec<u8> {
    let path = dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key].as_str().unwrap_or_else(|| panic!("manifest: {key} is not a string"))
}

fn files(v: &Value) -> impl Iterator<Item = &str> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str)
}

/// The token endpoint of the manifest, its verifier (with a signature cache) and CRLs, the
/// main client app (`client-rsa`), and its signer.
struct Setup {
    endpoint: TokenEndpoint,
    verifier: Verifier,
    revocation: RevocationData,
    client: RegisteredClient,
    signer: Signer,
    time: UnixTime,
}

impl Setup {
    fn load() -> Setup {
        let m: Value = serde_json::from_slice(&read("manifest.json")).expect("manifest.json");
        assert_eq!(str_of(&m, "policy"), "udap");
        let mut store = TrustStore::new();
        for community in m["communities"].as_array().expect("communities") {
            for anchor in files(&community["anchors"]) {
                store.add_certificate(str_of(community, "name"), Certificate::from_pem(&read(anchor)).expect("anchor"));
            }
        }
        let mut pool = CertificatePool::new();
        for file in files(&m["intermediates"]) {
            pool.add(Certificate::from_pem(&read(file)).expect("intermediate"));
        }
        let mut revocation = RevocationData::new();
        for file in files(&m["crls"]) {
            revocation.add_crl(Crl::from_pem_or_der(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}")));
        }
        let cache = Arc::new(SignatureCache::new(support::CACHE_CAPACITY));
        let verifier = Verifier::new(store, Policy::udap()).with_intermediates(pool).with_signature_cache(cache);
        let mut endpoint = TokenEndpoint::new(str_of(&m, "token_endpoint"))
            .with_header_cache(Arc::new(HeaderCache::new(support::CACHE_CAPACITY)));
        endpoint.clock_skew = m["clock_skew_seconds"].as_u64().expect("clock_skew_seconds");
        let time = trustpath::time::parse_rfc3339(str_of(&m, "validation_time")).expect("validation_time");

        let entry = m["certificates"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["id"] == "client-rsa")
            .expect("client-rsa in the manifest");
        let chain = trustpath::cert::parse_bundle(&read(str_of(entry, "chain"))).expect("client chain").certificates;
        assert_eq!(chain.len(), 2, "client certificate + intermediate");
        let signer = Signer::from_pkcs8(&read(str_of(entry, "private_key")), chain).expect("client key");
        let client = RegisteredClient::new(
            "client-42",
            files(&entry["san_uris"]).next().expect("client URI"),
            str_of(entry, "community"),
        );
        Setup { endpoint, verifier, revocation, client, signer, time }
    }

    /// A client_credentials assertion with its own `jti`, signed now (RS256).
    fn token(&self, n: usize) -> String {
        let b2b = {
            let mut b2b =
                B2bExtension::new("urn:oid:2.16.840.1.113883.4.6#1234567890", ["urn:oid:2.16.840.1.113883.5.8#TREAT"]);
            b2b.organization_name = Some("Example Clinic".into());
            b2b
        };
        let claims = client_assertion_claims(
            &self.client.client_id,
            &self.endpoint.url,
            self.time,
            &format!("bench-{n:06}"),
            Some(&b2b),
        );
        self.signer.sign_json(&claims).expect("signing")
    }

    fn request<'a>(&'a self, token: &'a str) -> AssertionRequest<'a> {
        AssertionRequest::new(token, GrantType::ClientCredentials, &self.client, self.time).revocation(&self.revocation)
    }
}

/// `udap/rs256-raw-verify`.
fn rs256_raw_verify<M: Clock>(group: &mut BenchmarkGroup<'_, M>, token: &str) {
    let jws = Jws::parse(token, Limits::default()).expect("token parses");
    let key = jws.x5c().first().expect("x5c[0]").public_key().to_vec();
    let (message, signature) = (jws.signing_input().to_vec(), jws.signature().to_vec());
    let alg = &rustcrypto::RSA_PKCS1_SHA256;
    alg.verify_signature(&key, &message, &signature).expect("the RS256 signature verifies");
    group.bench_function("rs256-raw-verify", |b| {
        b.iter(|| {
            support::measured(|| {
                alg.verify_signature(
                    std::hint::black_box(&key),
                    std::hint::black_box(&message),
                    std::hint::black_box(&signature),
                )
            })
        })
    });
}

/// `udap/client-assertion-warm`.
fn client_assertion_warm<M: Clock>(group: &mut BenchmarkGroup<'_, M>, setup: &Setup, tokens: &[String]) {
    let cache = setup.verifier.signature_cache().expect("cache");
    let headers = setup.endpoint.header_cache.as_deref().expect("header cache");
    // A first verification (untimed) caches the client's chain, the CRL signatures and the
    // client's header.
    let first = MemoryReplayCache::new(tokens.len());
    let verified =
        setup.endpoint.verify_assertion(&setup.verifier, &setup.request(&tokens[0]), &first).expect("accepted");
    assert_eq!(verified.path().certificates().len(), 2, "client certificate + intermediate");
    assert!(!verified.path().revocation().is_empty(), "revocation was checked");
    let warm = cache.stats();
    // Every token is accepted, without computing any certificate or CRL signature.
    let checked = tokens.get(..support::checked_count(tokens.len())).unwrap_or_default();
    let replay = MemoryReplayCache::new(tokens.len());
    for token in checked {
        setup.endpoint.verify_assertion(&setup.verifier, &setup.request(token), &replay).expect("accepted");
    }
    assert_eq!(cache.stats().misses, warm.misses, "returning client: everything but the JWS is cached");
    assert_eq!(headers.stats().misses, 1, "returning client: its header is parsed once");

    group.bench_function("client-assertion-warm", |b| {
        support::iter_passes(
            b,
            tokens,
            || (MemoryReplayCache::new(2 * tokens.len()), cache.stats(), headers.stats()),
            |(replay, ..), token| setup.endpoint.verify_assertion(&setup.verifier, &setup.request(token), replay),
            |(replay, stats, header_stats), n| {
                assert_eq!(replay.len(), n, "every token of the pass was accepted");
                assert_eq!(cache.stats().misses, stats.misses, "no certificate or CRL signature computed");
                assert_eq!(headers.stats().misses, header_stats.misses, "no header parsed again");
            },
        )
    });
}

/// `udap/*`.
fn udap<M: Clock>(c: &mut Criterion<M>) {
    let setup = Setup::load();
    let count = if support::test_mode() { TOKENS_TEST_MODE } else { TOKENS };
    let tokens: Vec<String> = (0..count).map(|n| setup.token(n)).collect();
    let mut group = c.benchmark_group("udap");
    rs256_raw_verify(&mut group, &tokens[0]);
    client_assertion_warm(&mut group, &setup, &tokens);
    group.finish();
}

struct All;

impl support::Benches for All {
    fn run<M: Clock>(c: &mut Criterion<M>) {
        udap(c);
    }
}

fn main() {
    support::main::<All>();
}

//! The verified-signature cache: hits, misses and eviction are counted, and a validation with
//! the cache never accepts what the same validation without it rejects.

use std::sync::Arc;

use trustpath::cert::parse_bundle;
use trustpath::crypto::AlgorithmPolicy;
use trustpath::crypto::cache::SignatureCache;
use trustpath::crypto::rustcrypto;
use trustpath::revocation::RevocationPolicy;
use trustpath::{Certificate, CertificatePool, ExpectedName, Policy, TrustStore, UnixTime, ValidationInput, Verifier};

/// 2026-06-01T00:00:00Z, inside the bench chains' validity.
const NOW: u64 = 1_780_272_000;

fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("test-vectors/pki/bench/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn verifier(alg: &str, policy: Policy, cache: Option<Arc<SignatureCache>>) -> Verifier {
    let mut store = TrustStore::new();
    store.add_certificate("bench", Certificate::from_der(read(&format!("{alg}/root.der"))).expect("root"));
    let mut pool = CertificatePool::new();
    pool.add(Certificate::from_der(read(&format!("{alg}/intermediate.der"))).expect("intermediate"));
    let mut v = Verifier::new(store, policy).with_intermediates(pool);
    if let Some(c) = cache {
        v = v.with_signature_cache(c);
    }
    v
}

fn policy() -> Policy {
    let mut p = Policy::tls_server();
    p.revocation = RevocationPolicy::OFF;
    p
}

fn leaf(alg: &str) -> Certificate {
    Certificate::from_der(read(&format!("{alg}/leaf.der"))).expect("leaf")
}

fn check(v: &Verifier, leaf: &Certificate, time: UnixTime) -> Result<(), String> {
    let input = ValidationInput::new(leaf, time).expect_name(ExpectedName::Dns("bench.example.com".into()));
    v.verify(&input).map(|_| ()).map_err(|e| e.kind().to_string())
}

#[test]
fn hits_and_misses_are_counted_for_cold_warm_and_hot_validations() {
    for alg in ["rsa2048", "p256"] {
        let cache = Arc::new(SignatureCache::new(1024));
        let v = verifier(alg, policy(), Some(cache.clone()));
        check(&v, &leaf(alg), at(NOW)).expect("cold");
        let s = cache.stats();
        assert_eq!((s.hits, s.misses, s.entries), (0, 2, 2), "{alg} cold: {s:?}");
        check(&v, &leaf(alg), at(NOW)).expect("hot");
        let s = cache.stats();
        assert_eq!((s.hits, s.misses), (2, 2), "{alg} hot: {s:?}");
        let others = parse_bundle(&read(&format!("{alg}/leaves.pem"))).expect("leaves");
        let new_leaf = others.certificates.first().expect("a leaf");
        check(&v, new_leaf, at(NOW)).expect("warm");
        let s = cache.stats();
        assert_eq!((s.hits, s.misses, s.entries), (3, 3, 3), "{alg} warm: only the leaf's signature is new: {s:?}");
    }
}

#[test]
fn capacity_bounds_the_entries_and_evicts_the_oldest() {
    let cache = Arc::new(SignatureCache::new(32));
    let v = verifier("p256", policy(), Some(cache.clone()));
    let others = parse_bundle(&read("p256/leaves.pem")).expect("leaves");
    for leaf in others.certificates.iter().take(200) {
        check(&v, leaf, at(NOW)).expect("valid");
    }
    let s = cache.stats();
    assert!(s.entries <= 32, "{s:?}");
    assert!(s.evictions >= 200 - 32, "{s:?}");
    cache.clear();
    assert_eq!(cache.stats().entries, 0);
}

#[test]
fn a_warm_cache_never_accepts_what_a_cold_validation_rejects() {
    for alg in ["rsa2048", "p256"] {
        let cache = Arc::new(SignatureCache::new(1024));
        let warm = verifier(alg, policy(), Some(cache.clone()));
        let cold = verifier(alg, policy(), None);
        let good = leaf(alg);
        check(&warm, &good, at(NOW)).expect("warm-up");

        // The same certificates at a time when they are expired.
        let late = at(NOW + 100 * 365 * 86_400);
        assert_eq!(check(&warm, &good, late), check(&cold, &good, late));
        assert!(check(&warm, &good, late).is_err());

        // Any flipped byte of the leaf's signature or TBS.
        let der = good.der().to_vec();
        for i in (0..der.len()).step_by(7) {
            let mut bad = der.clone();
            bad[i] ^= 0x01;
            let Ok(bad) = Certificate::from_der(bad) else { continue };
            let (w, c) = (check(&warm, &bad, at(NOW)), check(&cold, &bad, at(NOW)));
            assert_eq!(w.is_ok(), c.is_ok(), "{alg} byte {i}: warm {w:?} cold {c:?}");
            if bad.tbs_bytes() != good.tbs_bytes() || bad.signature() != good.signature() {
                assert!(w.is_err(), "{alg} byte {i}: a changed TBS or signature must not verify");
            }
        }

        // A policy that no longer allows the algorithm, sharing the warm cache.
        let mut strict = policy();
        let other: &[&'static dyn rustls_pki_types::SignatureVerificationAlgorithm] =
            if alg == "p256" { &[&rustcrypto::RSA_PKCS1_SHA256] } else { &[&rustcrypto::ECDSA_P256_SHA256] };
        strict.algorithms = AlgorithmPolicy::new(other);
        let strict_warm = verifier(alg, strict.clone(), Some(cache.clone()));
        let strict_cold = verifier(alg, strict, None);
        let (w, c) = (check(&strict_warm, &good, at(NOW)), check(&strict_cold, &good, at(NOW)));
        assert!(w.is_err() && w == c, "{alg}: warm {w:?} cold {c:?}");
    }
}

//! Property tests: tampering never yields acceptance, parsing round-trips, and the signature
//! cache never accepts what a validation without it rejects.

use std::sync::Arc;

use proptest::prelude::*;
use trustpath::crypto::cache::SignatureCache;
use trustpath::revocation::RevocationPolicy;
use trustpath::{Certificate, CertificatePool, ExpectedName, Policy, TrustStore, UnixTime, ValidationInput, Verifier};

/// 2026-06-01T00:00:00Z, inside the bench chains' validity.
const NOW: u64 = 1_780_272_000;

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("test-vectors/pki/bench/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Chain {
    root: Vec<u8>,
    intermediate: Vec<u8>,
    leaf: Vec<u8>,
}

fn chain(alg: &str) -> Chain {
    Chain {
        root: read(&format!("{alg}/root.der")),
        intermediate: read(&format!("{alg}/intermediate.der")),
        leaf: read(&format!("{alg}/leaf.der")),
    }
}

/// Validates the three DER certificates (any of which may be tampered) with or without a
/// shared cache. `None` when one of them does not even parse.
fn validate(c: &Chain, cache: Option<Arc<SignatureCache>>) -> Option<bool> {
    let root = Certificate::from_der(c.root.clone()).ok()?;
    let intermediate = Certificate::from_der(c.intermediate.clone()).ok()?;
    let leaf = Certificate::from_der(c.leaf.clone()).ok()?;
    let mut store = TrustStore::new();
    store.add_certificate("bench", root);
    let mut pool = CertificatePool::new();
    pool.add(intermediate);
    let mut policy = Policy::tls_server();
    policy.revocation = RevocationPolicy::OFF;
    let mut v = Verifier::new(store, policy).with_intermediates(pool);
    if let Some(cache) = cache {
        v = v.with_signature_cache(cache);
    }
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW));
    let input = ValidationInput::new(&leaf, time).expect_name(ExpectedName::Dns("bench.example.com".into()));
    Some(v.verify(&input).is_ok())
}

/// Which byte to flip: in the leaf or the intermediate, inside the TBS or the signature.
fn tamper(c: &Chain, which: u8, at: usize, bit: u8) -> Option<Chain> {
    let target = if which.is_multiple_of(2) { &c.leaf } else { &c.intermediate };
    let cert = Certificate::from_der(target.clone()).ok()?;
    let (region, offset) = if which % 4 < 2 {
        let tbs = cert.tbs_bytes();
        (tbs.len(), find(target, tbs)?)
    } else {
        let sig = cert.signature();
        (sig.len(), find(target, sig)?)
    };
    let mut bytes = target.clone();
    let i = offset + at % region;
    *bytes.get_mut(i)? ^= 1 << (bit % 8);
    let mut out = Chain { root: c.root.clone(), intermediate: c.intermediate.clone(), leaf: c.leaf.clone() };
    if which.is_multiple_of(2) {
        out.leaf = bytes
    } else {
        out.intermediate = bytes
    }
    Some(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn flipping_a_signed_byte_or_signature_byte_never_yields_acceptance(
        alg in prop::sample::select(vec!["rsa2048", "p256"]),
        which in 0u8..4,
        at in any::<usize>(),
        bit in 0u8..8,
    ) {
        let good = chain(alg);
        prop_assert_eq!(validate(&good, None), Some(true));
        let bad = tamper(&good, which, at, bit).expect("tamperable");
        prop_assert_ne!(validate(&bad, None), Some(true));
    }

    #[test]
    fn a_warm_cache_never_accepts_what_a_cold_run_rejects(
        alg in prop::sample::select(vec!["rsa2048", "p256"]),
        which in 0u8..4,
        at in any::<usize>(),
        bit in 0u8..8,
    ) {
        let good = chain(alg);
        let cache = Arc::new(SignatureCache::new(64));
        prop_assert_eq!(validate(&good, Some(cache.clone())), Some(true));
        let bad = tamper(&good, which, at, bit).expect("tamperable");
        prop_assert_eq!(validate(&bad, Some(cache)), validate(&bad, None));
    }

    #[test]
    fn parse_encode_parse_round_trips(alg in prop::sample::select(vec!["rsa2048", "p256"]), pick in 0usize..3) {
        let c = chain(alg);
        let der = [&c.root, &c.intermediate, &c.leaf][pick].clone();
        let first = Certificate::from_der(der.clone()).expect("parses");
        prop_assert_eq!(first.der().as_ref(), der.as_slice());
        let second = Certificate::from_der(first.der().to_vec()).expect("re-parses");
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(first.subject_string(), second.subject_string());
        prop_assert_eq!(first.tbs_bytes(), second.tbs_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parsers(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Certificate::from_der(bytes.clone());
        let _ = trustpath::cert::parse_bundle(&bytes);
        let _ = trustpath::revocation::Crl::from_der(bytes.clone());
        let _ = trustpath::revocation::OcspResponse::from_der(bytes);
    }
}

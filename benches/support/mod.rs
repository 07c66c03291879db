//! Shared setup for the benchmarks: the generated benchmark chains under
//! `test-vectors/pki/bench/`, the algorithm sets, ready-to-use verifiers for trustpath and
//! rustls-webpki, the clock choice and the pass-based timing of warm-cache benchmarks.
//! Everything here runs outside the timed parts, except the routines handed to [`measured`].

#![allow(dead_code)] // not every benchmark uses every helper

#[cfg(target_os = "linux")]
pub mod cpu_time;

use std::cell::OnceCell;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::measurement::{Measurement, WallTime};
use criterion::{Bencher, BenchmarkGroup, BenchmarkId, Criterion};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use trustpath::crypto::cache::{CacheStats, SignatureCache};
use trustpath::crypto::{AlgorithmPolicy, rustcrypto};
use trustpath::revocation::{RevocationData, RevocationPolicy};
use trustpath::{Certificate, CertificatePool, ExpectedName, Policy, TrustStore, ValidationInput, Verifier};

/// A criterion measurement the benchmarks can instantiate themselves (for `iter_custom`).
pub trait Clock: Measurement + 'static {
    /// The measurement.
    fn clock() -> Self;
}

impl Clock for WallTime {
    fn clock() -> Self {
        WallTime
    }
}

#[cfg(target_os = "linux")]
impl Clock for cpu_time::ThreadCpuTime {
    fn clock() -> Self {
        cpu_time::ThreadCpuTime
    }
}

/// The benchmark groups of one bench target.
pub trait Benches {
    /// Registers (and, unless filtered out, runs) every group, in report order.
    fn run<M: Clock>(c: &mut Criterion<M>);
}

/// A bench target's `main`: wall-clock time, or the thread's CPU time with
/// `TRUSTPATH_BENCH_CLOCK=cpu` (Linux; see `cpu_time.rs`).
pub fn main<B: Benches>() {
    #[cfg(target_os = "linux")]
    if cpu_time::requested() {
        let mut c = Criterion::default().with_measurement(cpu_time::ThreadCpuTime).configure_from_args();
        B::run(&mut c);
        c.final_summary();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    B::run(&mut c);
    c.final_summary();
}

/// Whether criterion runs in test mode (`cargo test --bench NAME`, or `-- --test`): each
/// benchmark once, as a test. Used to keep expensive setup small there.
pub fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    flag("--test") || !flag("--bench")
}

/// How many of `total` prepared inputs to check before timing: all of them when
/// benchmarking, a few in [`test_mode`] (an unoptimized build, where signatures are slow).
pub fn checked_count(total: usize) -> usize {
    if test_mode() { total.min(3) } else { total }
}

/// Runs one timed routine call. Never inlined, so that instruction counts can be limited to
/// the timed part: `valgrind --tool=callgrind --toggle-collect='*measured*' …` (see
/// BENCHMARKS.md).
#[inline(never)]
pub fn measured<R>(routine: impl FnOnce() -> R) -> R {
    routine()
}

/// Times `iters` calls of `routine`, each on the next element of `items`, in passes of at most
/// `items.len()` calls, so that no element is used twice in a pass. Before each pass, outside
/// the timed part, `reset` prepares the pass's state (e.g. a signature cache holding only the
/// intermediate's signature, or a fresh replay cache); after it, also untimed, `check` gets the
/// state and the number of calls made (to assert what the pass did).
pub fn iter_passes<M: Clock, T, S, R>(
    b: &mut Bencher<'_, M>,
    items: &[T],
    mut reset: impl FnMut() -> S,
    mut routine: impl FnMut(&S, &T) -> R,
    mut check: impl FnMut(&S, usize),
) {
    assert!(!items.is_empty(), "iter_passes needs items");
    b.iter_custom(|iters| {
        let clock = M::clock();
        let mut total = clock.zero();
        let mut left = iters;
        while left > 0 {
            let n = usize::try_from(left).unwrap_or(usize::MAX).min(items.len());
            let pass = items.get(..n).unwrap_or_default();
            let state = reset();
            let start = clock.start();
            for item in pass {
                black_box(measured(|| routine(&state, black_box(item))));
            }
            total = clock.add(&total, &clock.end(start));
            check(&state, n);
            left -= n as u64;
        }
        total
    });
}

/// The signature cache size of the warm and hot benchmarks: room for a whole pass of leaves
/// (1,000) plus the chain's own signatures, so nothing is evicted during a pass.
pub const CACHE_CAPACITY: usize = 4096;

/// A verifier's cache emptied and then holding exactly the signatures of `chain`'s own
/// validation (leaf ← intermediate and intermediate ← root), so that for any leaf of
/// `leaves.pem` it holds the intermediate's signature but not the leaf's. Returns the cache
/// counters after that validation.
pub fn reset_to_warm(verifier: &Verifier, chain: &Chain) -> CacheStats {
    let cache = verifier.signature_cache().expect("verifier with a signature cache");
    cache.clear();
    let before = cache.stats();
    let _path = trustpath_cold(verifier, chain.leaf_der, chain.time).expect("the chain validates");
    let after = cache.stats();
    assert_eq!(after.misses - before.misses, 2, "both signatures were missing from the emptied cache");
    assert_eq!(after.entries, 2, "the cache holds the chain's two signatures");
    after
}

/// Times warm validations of `leaves` (each never validated since the cache was last reset)
/// with the verifier `make` builds (`name` is the ID, for messages): every pass over the leaves starts from a cache holding
/// only the chain's own two signatures ([`reset_to_warm`]), so each timed validation misses
/// the cache once (its leaf) and hits it once (the intermediate); both counts are asserted
/// after every pass ([`assert_warm`]). The verifier is built, and the leaves checked, only
/// when the benchmark is not filtered out.
pub fn bench_warm<M: Clock>(
    group: &mut BenchmarkGroup<'_, M>,
    id: BenchmarkId,
    name: &str,
    chain: &Chain,
    leaves: &[&'static [u8]],
    make: impl FnOnce() -> Verifier,
) {
    let lazy = OnceCell::new();
    let mut make = Some(make);
    group.bench_function(id, |b| {
        let verifier = lazy.get_or_init(|| {
            let verifier = make.take().expect("built once")();
            // Every leaf validates (a few in test mode, where the signatures are slow).
            let checked = leaves.get(..checked_count(leaves.len())).unwrap_or_default();
            let before = reset_to_warm(&verifier, chain);
            for leaf in checked {
                let _path = trustpath_cold(&verifier, leaf, chain.time).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            assert_warm(&verifier, &before, checked.len());
            verifier
        });
        iter_passes(
            b,
            leaves,
            || reset_to_warm(verifier, chain),
            |_, leaf| trustpath_cold(verifier, leaf, black_box(chain.time)),
            |before, n| assert_warm(verifier, before, n),
        )
    });
}

/// Asserts that `n` validations since `before` each missed the cache once (the new leaf's
/// signature) and hit it once (the intermediate's).
pub fn assert_warm(verifier: &Verifier, before: &CacheStats, n: usize) {
    let now = verifier.signature_cache().expect("verifier with a signature cache").stats();
    let n = n as u64;
    assert_eq!((now.misses - before.misses, now.hits - before.hits), (n, n), "warm: one miss and one hit each");
    assert_eq!(now.evictions, before.evictions, "warm: nothing evicted during a pass");
}

/// The server name every benchmark leaf carries (a dNSName SAN).
pub const DNS_NAME: &str = "bench.example.com";

/// The validation time of the test manifest, inside every bench certificate's validity
/// (2025-01-01..2030-01-01).
pub const VALIDATION_TIME: &str = "2026-06-01T00:00:00Z";

/// rustls-webpki's *ring* algorithms (0.103, `ring` feature): the set handed both to webpki
/// and, through the pki-types trait, to trustpath for the `*-ring-*` benchmarks.
pub static RING_ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

/// One benchmark key type: its directory under `test-vectors/pki/bench/` (also the middle part
/// of the benchmark IDs) and the signature algorithm every certificate of its chain uses.
#[derive(Clone, Copy)]
pub struct Alg {
    /// `rsa2048` or `p256`.
    pub name: &'static str,
    /// trustpath's RustCrypto implementation.
    pub rustcrypto: &'static dyn SignatureVerificationAlgorithm,
    /// rustls-webpki's *ring* implementation.
    pub ring: &'static dyn SignatureVerificationAlgorithm,
}

/// The key types benchmarked, in report order.
pub const ALGS: [Alg; 2] = [
    Alg { name: "rsa2048", rustcrypto: &rustcrypto::RSA_PKCS1_SHA256, ring: webpki::ring::RSA_PKCS1_2048_8192_SHA256 },
    Alg { name: "p256", rustcrypto: &rustcrypto::ECDSA_P256_SHA256, ring: webpki::ring::ECDSA_P256_SHA256 },
];

/// `test-vectors/pki/bench/`.
pub fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors").join("pki").join("bench")
}

/// Reads a file and leaks it, so that certificates can borrow it for `'static` without a copy
/// (`Certificate::from_der` then costs exactly what parsing costs, as for a server that moves
/// the DER it received into the parser).
fn read_static(path: &Path) -> &'static [u8] {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Box::leak(bytes.into_boxed_slice())
}

/// The three-certificate chain of one key type, as DER and parsed.
pub struct Chain {
    /// The key type.
    pub alg: Alg,
    /// Root (the trust anchor), DER.
    pub root_der: &'static [u8],
    /// Intermediate CA, DER.
    pub intermediate_der: &'static [u8],
    /// Leaf (`bench.example.com`, serverAuth), DER.
    pub leaf_der: &'static [u8],
    /// The root, parsed.
    pub root: Certificate,
    /// The intermediate, parsed.
    pub intermediate: Certificate,
    /// The leaf, parsed.
    pub leaf: Certificate,
    /// [`VALIDATION_TIME`].
    pub time: UnixTime,
}

impl Chain {
    /// Loads `test-vectors/pki/bench/<alg.name>/{root,intermediate,leaf}.der`.
    pub fn load(alg: Alg) -> Chain {
        let dir = bench_dir().join(alg.name);
        let root_der = read_static(&dir.join("root.der"));
        let intermediate_der = read_static(&dir.join("intermediate.der"));
        let leaf_der = read_static(&dir.join("leaf.der"));
        let parse = |der: &'static [u8], what: &str| {
            Certificate::from_der(der).unwrap_or_else(|e| panic!("{}/{what}.der: {e}", alg.name))
        };
        Chain {
            alg,
            root_der,
            intermediate_der,
            leaf_der,
            root: parse(root_der, "root"),
            intermediate: parse(intermediate_der, "intermediate"),
            leaf: parse(leaf_der, "leaf"),
            time: trustpath::time::parse_rfc3339(VALIDATION_TIME).expect("validation time"),
        }
    }

    /// Every chain, in [`ALGS`] order.
    pub fn all() -> Vec<Chain> {
        ALGS.into_iter().map(Chain::load).collect()
    }

    /// The DER of the 1,000 extra leaves of `leaves.pem` (same intermediate, distinct serials),
    /// each leaked for `'static` like the chain's own certificates.
    pub fn extra_leaves(&self) -> Vec<&'static [u8]> {
        let pem = std::fs::read(bench_dir().join(self.alg.name).join("leaves.pem")).expect("leaves.pem");
        let parsed = trustpath::cert::parse_bundle(&pem).expect("leaves.pem parses");
        assert!(parsed.skipped.is_empty(), "{}/leaves.pem: unparsable entries", self.alg.name);
        parsed.certificates.iter().map(|c| &*Box::leak(c.der().as_ref().to_vec().into_boxed_slice())).collect()
    }

    /// The two signature checks the chain needs: (algorithm, issuer public key, signed TBS
    /// bytes, signature) for leaf ← intermediate and intermediate ← root.
    pub fn raw_signatures(&self, alg: &'static dyn SignatureVerificationAlgorithm) -> [RawSignature; 2] {
        [RawSignature::new(alg, &self.leaf, &self.intermediate), RawSignature::new(alg, &self.intermediate, &self.root)]
    }

    /// `Policy::tls_server()` with revocation off (no CRLs or OCSP responses are supplied) and
    /// the given algorithms.
    pub fn tls_server_policy(&self, algorithms: AlgorithmPolicy) -> Policy {
        let mut policy = Policy::tls_server();
        policy.revocation = RevocationPolicy::OFF;
        policy.algorithms = algorithms;
        policy
    }

    /// A trustpath verifier: the root as the only anchor (default community), the
    /// intermediate in the pool.
    pub fn trustpath_verifier(&self, algorithms: AlgorithmPolicy) -> Verifier {
        let mut store = TrustStore::new();
        store.add_certificate(trustpath::trust::DEFAULT_COMMUNITY, self.root.clone());
        let mut pool = CertificatePool::new();
        pool.add(self.intermediate.clone());
        Verifier::new(store, self.tls_server_policy(algorithms)).with_intermediates(pool)
    }

    /// [`Self::trustpath_verifier`] with a fresh signature cache of [`CACHE_CAPACITY`] entries.
    pub fn trustpath_verifier_cached(&self, algorithms: AlgorithmPolicy) -> Verifier {
        self.trustpath_verifier(algorithms).with_signature_cache(Arc::new(SignatureCache::new(CACHE_CAPACITY)))
    }

    /// The root as a rustls-webpki trust anchor.
    pub fn webpki_anchors(&self) -> Vec<TrustAnchor<'static>> {
        let root = CertificateDer::from(self.root_der);
        vec![webpki::anchor_from_trusted_cert(&root).expect("root as webpki anchor").to_owned()]
    }

    /// The intermediate, as rustls-webpki takes it.
    pub fn webpki_intermediates(&self) -> Vec<CertificateDer<'static>> {
        vec![CertificateDer::from(self.intermediate_der)]
    }
}

/// One prepared signature verification.
pub struct RawSignature {
    /// The algorithm.
    pub alg: &'static dyn SignatureVerificationAlgorithm,
    /// The issuer's subjectPublicKey bits.
    pub public_key: Vec<u8>,
    /// The subject's tbsCertificate bytes.
    pub message: Vec<u8>,
    /// The subject's signature value.
    pub signature: Vec<u8>,
}

impl RawSignature {
    fn new(alg: &'static dyn SignatureVerificationAlgorithm, subject: &Certificate, issuer: &Certificate) -> Self {
        assert_eq!(issuer.public_key_algorithm_id(), alg.public_key_alg_id().as_ref(), "issuer key type");
        assert_eq!(subject.signature_algorithm_id(), alg.signature_alg_id().as_ref(), "signature algorithm");
        RawSignature {
            alg,
            public_key: issuer.public_key().to_vec(),
            message: subject.tbs_bytes().to_vec(),
            signature: subject.signature().to_vec(),
        }
    }

    /// Runs the verification.
    pub fn verify(&self) -> Result<(), rustls_pki_types::InvalidSignature> {
        self.alg.verify_signature(&self.public_key, &self.message, &self.signature)
    }
}

/// A "cold" trustpath validation, as a server does it per request: parse the leaf DER, then
/// validate it for [`DNS_NAME`] at `time`.
pub fn trustpath_cold(
    verifier: &Verifier,
    leaf_der: &'static [u8],
    time: UnixTime,
) -> Result<trustpath::VerifiedPath, trustpath::Error> {
    let leaf = Certificate::from_der(leaf_der)?;
    let input = ValidationInput::new(&leaf, time).expect_name(ExpectedName::Dns(DNS_NAME.to_owned()));
    Ok(verifier.verify(&input)?)
}

/// [`trustpath_cold`] with revocation data (CRLs) in the input.
pub fn trustpath_revocation(
    verifier: &Verifier,
    leaf_der: &'static [u8],
    time: UnixTime,
    data: &RevocationData,
) -> Result<trustpath::VerifiedPath, trustpath::Error> {
    let leaf = Certificate::from_der(leaf_der)?;
    let input = ValidationInput::new(&leaf, time).expect_name(ExpectedName::Dns(DNS_NAME.to_owned())).revocation(data);
    Ok(verifier.verify(&input)?)
}

/// The rustls-webpki equivalent: parse the leaf, build and verify the path for serverAuth,
/// then check [`DNS_NAME`].
pub fn webpki_verify(
    algorithms: &[&dyn SignatureVerificationAlgorithm],
    anchors: &[TrustAnchor<'_>],
    intermediates: &[CertificateDer<'_>],
    leaf_der: &CertificateDer<'_>,
    time: UnixTime,
) -> Result<(), webpki::Error> {
    let ee = webpki::EndEntityCert::try_from(leaf_der)?;
    ee.verify_for_usage(algorithms, anchors, intermediates, time, webpki::KeyUsage::server_auth(), None, None)?;
    let name = rustls_pki_types::ServerName::try_from(DNS_NAME).map_err(|_| webpki::Error::MalformedDnsIdentifier)?;
    ee.verify_is_valid_for_subject_name(&name)
}

/// A stand-in "algorithm" that accepts every signature: with it, a validation costs only
/// the certificate handling around the cryptography (parsing, path building, the rules).
/// For the `overhead/*` benchmarks only.
#[derive(Debug)]
pub struct AcceptAll {
    key: rustls_pki_types::AlgorithmIdentifier,
    signature: rustls_pki_types::AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for AcceptAll {
    fn verify_signature(&self, _: &[u8], _: &[u8], _: &[u8]) -> Result<(), rustls_pki_types::InvalidSignature> {
        Ok(())
    }
    fn public_key_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        self.key
    }
    fn signature_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        self.signature
    }
}

/// [`AcceptAll`] for the two benchmark chains' (key, signature) algorithm pairs.
pub static ACCEPT_ALL: &[&dyn SignatureVerificationAlgorithm] = &[
    &AcceptAll { key: rustls_pki_types::alg_id::RSA_ENCRYPTION, signature: rustls_pki_types::alg_id::RSA_PKCS1_SHA256 },
    &AcceptAll { key: rustls_pki_types::alg_id::ECDSA_P256, signature: rustls_pki_types::alg_id::ECDSA_SHA256 },
];

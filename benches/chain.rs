//! Criterion benchmarks: trustpath side by side with rustls-webpki on the generated benchmark
//! chains (`test-vectors/pki/bench/{rsa2048,p256}`), and the raw signature checks as a floor.
//! Results and how to read them: `BENCHMARKS.md`.
//!
//! IDs (read by other tooling; keep them stable):
//! - `parse/ALG`: `Certificate::from_der` of the leaf.
//! - `chain/ALG/raw-signatures`: the chain's two signature checks with trustpath's RustCrypto
//!   algorithms, inputs prepared beforehand.
//! - `chain/ALG/raw-signatures-ring`: the same two checks with rustls-webpki's *ring*
//!   algorithms.
//! - `chain/ALG/trustpath-cold`: parse the leaf DER + `Verifier::verify` (tls-server policy,
//!   DNS name), RustCrypto algorithms.
//! - `chain/ALG/trustpath-ring-cold`: the same with the *ring* algorithms plugged in.
//! - `chain/ALG/trustpath-warm`: as `trustpath-cold` with a signature cache that holds the
//!   intermediate's signature but not the leaf's: leaves never validated before, drawn in turn
//!   from the 1,000 of `leaves.pem`, the cache reset (outside the timed part) before each pass
//!   over them.
//! - `chain/ALG/trustpath-hot`: the chain's own leaf again and again, every signature cached.
//! - `chain/ALG/trustpath-ring-warm`: `trustpath-warm` with the *ring* algorithms.
//! - `chain/ALG/webpki-ring`: rustls-webpki: `EndEntityCert::try_from` + `verify_for_usage`
//!   (serverAuth) + `verify_is_valid_for_subject_name`.
//!
//! - `overhead/ALG/trustpath-nosig`, `overhead/ALG/webpki-nosig`: `trustpath-cold` and
//!   `webpki-ring` with an algorithm that accepts every signature without computing anything:
//!   the cost of everything but the cryptography.
//!
//! ALG is `rsa2048` or `p256`. Revocation is off everywhere (no CRLs/OCSP are supplied).
//! Each group has its own function below; per-variant functions take the group and a
//! [`support::Chain`]. Every variant is run once and checked before it is timed; the warm and
//! hot variants also check the cache's hit and miss counts of every timed pass.
//!
//! `udap/*` and `scale/*` are in `benches/udap.rs` and `benches/scale.rs`.
//!
//! Quick run: `cargo bench --bench chain -- --quick` (or `--warm-up-time 1 --measurement-time 2`).
//! On a busy machine, `TRUSTPATH_BENCH_CLOCK=cpu` measures the benchmark thread's CPU time
//! instead of wall-clock time (Linux; see `support/cpu_time.rs`).

mod support;

use std::hint::black_box;

use criterion::measurement::Measurement;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm};
use trustpath::Certificate;
use trustpath::crypto::AlgorithmPolicy;

use support::{ACCEPT_ALL, Chain, Clock, RING_ALGORITHMS};

/// `parse/ALG`.
fn parse<M: Measurement>(c: &mut Criterion<M>) {
    let mut group = c.benchmark_group("parse");
    for chain in Chain::all() {
        let der = chain.leaf_der;
        Certificate::from_der(der).expect("leaf parses");
        group.bench_function(BenchmarkId::from_parameter(chain.alg.name), |b| {
            b.iter(|| support::measured(|| Certificate::from_der(black_box(der))))
        });
    }
    group.finish();
}

/// `chain/ALG/*`.
fn chain<M: Clock>(c: &mut Criterion<M>) {
    let mut group = c.benchmark_group("chain");
    for chain in Chain::all() {
        let leaves = chain.extra_leaves();
        raw_signatures(&mut group, &chain);
        raw_signatures_ring(&mut group, &chain);
        trustpath_cold(&mut group, &chain);
        trustpath_warm(&mut group, &chain, &leaves);
        trustpath_hot(&mut group, &chain);
        trustpath_ring_cold(&mut group, &chain);
        trustpath_ring_warm(&mut group, &chain, &leaves);
        webpki_ring(&mut group, &chain);
    }
    group.finish();
}

fn id(chain: &Chain, variant: &str) -> BenchmarkId {
    BenchmarkId::new(chain.alg.name, variant)
}

fn bench_signatures<M: Measurement>(
    group: &mut BenchmarkGroup<'_, M>,
    chain: &Chain,
    variant: &str,
    sigs: [support::RawSignature; 2],
) {
    for s in &sigs {
        s.verify().unwrap_or_else(|_| panic!("{}: {variant} signature does not verify", chain.alg.name));
    }
    group.bench_function(id(chain, variant), |b| {
        b.iter(|| {
            support::measured(|| {
                let [leaf, intermediate] = black_box(&sigs);
                (leaf.verify(), intermediate.verify())
            })
        })
    });
}

/// `chain/ALG/raw-signatures`: the floor for `trustpath-cold`.
fn raw_signatures<M: Measurement>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain) {
    bench_signatures(group, chain, "raw-signatures", chain.raw_signatures(chain.alg.rustcrypto));
}

/// `chain/ALG/raw-signatures-ring`: the floor for `webpki-ring` and `trustpath-ring-cold`.
fn raw_signatures_ring<M: Measurement>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain) {
    bench_signatures(group, chain, "raw-signatures-ring", chain.raw_signatures(chain.alg.ring));
}

/// Times a full trustpath validation (leaf parsed inside the timed part).
fn bench_trustpath<M: Measurement>(
    group: &mut BenchmarkGroup<'_, M>,
    chain: &Chain,
    variant: &str,
    algorithms: AlgorithmPolicy,
) {
    let verifier = chain.trustpath_verifier(algorithms);
    let path = support::trustpath_cold(&verifier, chain.leaf_der, chain.time)
        .unwrap_or_else(|e| panic!("{}: {variant} rejects the chain: {e}", chain.alg.name));
    assert_eq!(path.certificates().len(), 2, "leaf + intermediate below the anchor");
    let (leaf_der, time) = (chain.leaf_der, chain.time);
    group.bench_function(id(chain, variant), |b| {
        b.iter(|| support::measured(|| support::trustpath_cold(&verifier, black_box(leaf_der), black_box(time))))
    });
}

/// `chain/ALG/trustpath-cold`: trustpath with its default (RustCrypto) algorithms.
fn trustpath_cold<M: Measurement>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain) {
    bench_trustpath(group, chain, "trustpath-cold", AlgorithmPolicy::default());
}

/// `chain/ALG/trustpath-ring-cold`: trustpath with rustls-webpki's *ring* algorithms.
fn trustpath_ring_cold<M: Measurement>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain) {
    bench_trustpath(group, chain, "trustpath-ring-cold", AlgorithmPolicy::new(RING_ALGORITHMS));
}

/// Times validations of leaves never seen before under a cached intermediate (see
/// [`support::bench_warm`]).
fn bench_trustpath_warm<M: Clock>(
    group: &mut BenchmarkGroup<'_, M>,
    chain: &Chain,
    leaves: &[&'static [u8]],
    variant: &str,
    algorithms: AlgorithmPolicy,
) {
    let name = format!("{}/{variant}", chain.alg.name);
    support::bench_warm(group, id(chain, variant), &name, chain, leaves, || {
        chain.trustpath_verifier_cached(algorithms)
    });
}

/// `chain/ALG/trustpath-warm`: RustCrypto algorithms, intermediate cached, leaf not.
fn trustpath_warm<M: Clock>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain, leaves: &[&'static [u8]]) {
    bench_trustpath_warm(group, chain, leaves, "trustpath-warm", AlgorithmPolicy::default());
}

/// `chain/ALG/trustpath-ring-warm`: *ring* algorithms, intermediate cached, leaf not.
fn trustpath_ring_warm<M: Clock>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain, leaves: &[&'static [u8]]) {
    bench_trustpath_warm(group, chain, leaves, "trustpath-ring-warm", AlgorithmPolicy::new(RING_ALGORITHMS));
}

/// `chain/ALG/trustpath-hot`: the chain's own leaf again, both signatures cached (asserted:
/// the timed validations never miss).
fn trustpath_hot<M: Clock>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain) {
    let verifier = chain.trustpath_verifier_cached(AlgorithmPolicy::default());
    support::reset_to_warm(&verifier, chain);
    let cache = verifier.signature_cache().expect("cache");
    let misses = cache.stats().misses;
    let (leaf_der, time) = (chain.leaf_der, chain.time);
    // Checked inside the closure: criterion skips it when a filter or `--list` leaves the
    // benchmark out.
    group.bench_function(id(chain, "trustpath-hot"), |b| {
        b.iter(|| support::measured(|| support::trustpath_cold(&verifier, black_box(leaf_der), black_box(time))));
        let stats = cache.stats();
        assert_eq!(stats.misses, misses, "{}: trustpath-hot missed the cache", chain.alg.name);
        assert!(stats.hits >= 2, "{}: trustpath-hot never hit the cache", chain.alg.name);
    });
}

/// `chain/ALG/webpki-ring`: rustls-webpki with its *ring* algorithms.
fn webpki_ring<M: Measurement>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain) {
    bench_webpki(group, chain, "webpki-ring", RING_ALGORITHMS);
}

/// Times a full rustls-webpki validation (leaf parsed inside the timed part).
fn bench_webpki<M: Measurement>(
    group: &mut BenchmarkGroup<'_, M>,
    chain: &Chain,
    variant: &str,
    algorithms: &'static [&'static dyn SignatureVerificationAlgorithm],
) {
    let anchors = chain.webpki_anchors();
    let intermediates = chain.webpki_intermediates();
    let leaf = CertificateDer::from(chain.leaf_der);
    support::webpki_verify(algorithms, &anchors, &intermediates, &leaf, chain.time)
        .unwrap_or_else(|e| panic!("{}: {variant} rejects the chain: {e}", chain.alg.name));
    let time = chain.time;
    group.bench_function(id(chain, variant), |b| {
        b.iter(|| {
            support::measured(|| {
                support::webpki_verify(algorithms, &anchors, &intermediates, black_box(&leaf), black_box(time))
            })
        })
    });
}

/// `overhead/ALG/*`: validation without signature arithmetic.
fn overhead<M: Measurement>(c: &mut Criterion<M>) {
    let mut group = c.benchmark_group("overhead");
    for chain in Chain::all() {
        bench_trustpath(&mut group, &chain, "trustpath-nosig", AlgorithmPolicy::new(ACCEPT_ALL));
        bench_webpki(&mut group, &chain, "webpki-nosig", ACCEPT_ALL);
    }
    group.finish();
}

/// Every group, in report order.
struct All;

impl support::Benches for All {
    fn run<M: Clock>(c: &mut Criterion<M>) {
        parse(c);
        chain(c);
        overhead(c);
    }
}

fn main() {
    support::main::<All>();
}

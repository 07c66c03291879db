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
//! - `chain/ALG/webpki-ring`: rustls-webpki: `EndEntityCert::try_from` + `verify_for_usage`
//!   (serverAuth) + `verify_is_valid_for_subject_name`.
//!
//! - `overhead/ALG/trustpath-nosig`, `overhead/ALG/webpki-nosig`: `trustpath-cold` and
//!   `webpki-ring` with an algorithm that accepts every signature without computing anything:
//!   the cost of everything but the cryptography.
//!
//! ALG is `rsa2048` or `p256`. Revocation is off everywhere (no CRLs/OCSP are supplied).
//! Each group has its own function below; per-variant functions take the group and a
//! [`support::Chain`]. Every variant is run once and checked before it is timed.
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

use support::{ACCEPT_ALL, Chain, RING_ALGORITHMS};

/// `parse/ALG`.
fn parse<M: Measurement>(c: &mut Criterion<M>) {
    let mut group = c.benchmark_group("parse");
    for chain in Chain::all() {
        let der = chain.leaf_der;
        Certificate::from_der(der).expect("leaf parses");
        group.bench_function(BenchmarkId::from_parameter(chain.alg.name), |b| {
            b.iter(|| Certificate::from_der(black_box(der)))
        });
    }
    group.finish();
}

/// `chain/ALG/*`.
fn chain<M: Measurement>(c: &mut Criterion<M>) {
    let mut group = c.benchmark_group("chain");
    for chain in Chain::all() {
        raw_signatures(&mut group, &chain);
        raw_signatures_ring(&mut group, &chain);
        trustpath_cold(&mut group, &chain);
        trustpath_ring_cold(&mut group, &chain);
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
            let [leaf, intermediate] = black_box(&sigs);
            (leaf.verify(), intermediate.verify())
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
        b.iter(|| support::trustpath_cold(&verifier, black_box(leaf_der), black_box(time)))
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
        b.iter(|| support::webpki_verify(algorithms, &anchors, &intermediates, black_box(&leaf), black_box(time)))
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
fn all<M: Measurement>(c: &mut Criterion<M>) {
    parse(c);
    chain(c);
    overhead(c);
}

fn main() {
    #[cfg(target_os = "linux")]
    if support::cpu_time::requested() {
        let mut c = Criterion::default().with_measurement(support::cpu_time::ThreadCpuTime).configure_from_args();
        all(&mut c);
        c.final_summary();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    all(&mut c);
    c.final_summary();
}

//! `trustpath-ring-cold` against `webpki-ring` in alternating blocks, for the one target whose
//! two sides differ by less than a busy machine's drift: both run the same *ring* signature
//! checks, so only the certificate handling around them differs (about 1% of the time).
//! Criterion times one benchmark after the other, and the drift between them (15–60% here) is
//! larger than the difference; here each round times a block of validations with each library,
//! back to back and in alternating order, and the median of the rounds' own ratios is printed.
//! Not a criterion benchmark: it prints ratios, not IDs. `cargo bench --bench interleaved`;
//! `cargo test --benches` runs a two-round check that both sides accept the chain.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;

use rustls_pki_types::CertificateDer;
use support::{Chain, RING_ALGORITHMS};
use trustpath::crypto::AlgorithmPolicy;

/// Rounds, and validations per library per round.
const ROUNDS: usize = 200;
const BLOCK: u32 = 100;

/// The calling thread's CPU time, in nanoseconds (see `support::cpu_time`).
fn thread_nanos() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

/// Thread CPU time of `block` calls of `validate`.
fn time_block(block: u32, validate: &dyn Fn()) -> u64 {
    let start = thread_nanos();
    for _ in 0..block {
        validate();
    }
    thread_nanos().saturating_sub(start).max(1)
}

fn main() {
    let (rounds, block) = if support::test_mode() { (2, 2) } else { (ROUNDS, BLOCK) };
    for chain in Chain::all() {
        let verifier = chain.trustpath_verifier(AlgorithmPolicy::new(RING_ALGORITHMS));
        let (anchors, intermediates) = (chain.webpki_anchors(), chain.webpki_intermediates());
        let leaf = CertificateDer::from(chain.leaf_der);
        let trustpath = || {
            let path = support::trustpath_cold(&verifier, black_box(chain.leaf_der), chain.time);
            let _path = black_box(path.expect("trustpath accepts the chain"));
        };
        let webpki = || {
            let verified =
                support::webpki_verify(RING_ALGORITHMS, &anchors, &intermediates, black_box(&leaf), chain.time);
            verified.expect("webpki accepts the chain");
        };
        // Warm-up, and the check that both accept.
        time_block(block, &trustpath);
        time_block(block, &webpki);
        let mut ratios: Vec<f64> = (0..rounds)
            .map(|round| {
                let (t, w) = if round % 2 == 0 {
                    let t = time_block(block, &trustpath);
                    (t, time_block(block, &webpki))
                } else {
                    let w = time_block(block, &webpki);
                    (time_block(block, &trustpath), w)
                };
                t as f64 / w as f64
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        let at = |q: usize| ratios.get((ratios.len() - 1) * q / 4).copied().unwrap_or(f64::NAN);
        println!(
            "{}: trustpath-ring-cold / webpki-ring, median of {rounds} interleaved rounds: {:.4} (quartiles {:.4}–{:.4})",
            chain.alg.name,
            at(2),
            at(1),
            at(3)
        );
    }
}

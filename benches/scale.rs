//! Criterion benchmarks of how validation scales with the size of its inputs: trust stores,
//! CRLs and intermediate pools, on the RSA-2048 benchmark chain of `test-vectors/pki/bench/`
//! (tls-server policy, `bench.example.com`). Results: `BENCHMARKS.md`.
//!
//! IDs (read by other tooling; keep them stable):
//! - `scale/anchors-10`, `scale/anchors-10000`: warm validation (as `chain/rsa2048/trustpath-warm`:
//!   a new leaf from `leaves.pem` each time, the intermediate's signature cached) against a trust
//!   store of 10 or 10,000 anchors: the chain's root plus bare anchors (distinct subjects
//!   `CN=Bench Anchor NNNNN`, the root's key) added with `TrustStore::add_trust_anchor`.
//! - `scale/crl-1000`, `scale/crl-1000000`: hot validation (the chain's leaf, every signature
//!   cached, the CRL's included) with revocation on for the leaf (hard-fail) and one CRL of the
//!   intermediate with that many entries, none of them the leaf: the whole lookup runs, and
//!   since the CRL's signature check is answered by the cache after the first (untimed)
//!   validation, what grows with N is the revocation check alone. The CRLs are built with
//!   `trustpath_testgen::CrlBuilder`, signed with the intermediate's key
//!   (`test-vectors/pki/keys/rsa2048-int.pem`) and parsed outside the timed part.
//! - `scale/pool-1000`: warm validation with 1,001 untrusted certificates in the verifier's
//!   pool: the real intermediate and the 1,000 P-256 extra leaves (other subjects, issuers and
//!   keys), compare with `chain/rsa2048/trustpath-warm` (a pool of one).
//!
//! Setup is done lazily, when a benchmark is not filtered out (the million-entry CRL takes a
//! few seconds to build and parse).
//!
//! Run: `cargo bench --bench scale` (options as for `benches/chain.rs`).

mod support;

use std::cell::OnceCell;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkGroup, BenchmarkId, Criterion};
use der::Decode;
use rustls_pki_types::{Der, TrustAnchor};
use trustpath::crypto::AlgorithmPolicy;
use trustpath::crypto::cache::SignatureCache;
use trustpath::revocation::{CertStatus, Crl, RevocationData, RevocationMode, RevocationPolicy, StatusSource};
use trustpath::trust::DEFAULT_COMMUNITY;
use trustpath::{CertificatePool, TrustStore, Verifier};
use trustpath_testgen::crl::crl_number;
use trustpath_testgen::name::NameBuilder;
use trustpath_testgen::{CrlBuilder, CrlEntry, KeyKind, KeyPair};

use support::{ALGS, Chain, Clock};

/// The value of a DER TLV (what `rustls-pki-types` trust anchors hold).
fn tlv_value(full: &[u8]) -> Vec<u8> {
    der::asn1::AnyRef::from_der(full).expect("a DER TLV").value().to_vec()
}

/// `count` bare trust anchors with distinct subjects and the chain's root key.
fn extra_anchors(chain: &Chain, count: usize) -> Vec<TrustAnchor<'static>> {
    let spki = tlv_value(chain.root.spki_der());
    (0..count)
        .map(|i| {
            let name = NameBuilder::new().c("US").o("Trustpath Test").cn(&format!("Bench Anchor {i:05}"));
            TrustAnchor {
                subject: Der::from(tlv_value(&name.der().expect("anchor name"))),
                subject_public_key_info: Der::from(spki.clone()),
                name_constraints: None,
            }
        })
        .collect()
}

/// A verifier with a signature cache, `store`, `pool` and `policy` otherwise as the chain's.
fn verifier(chain: &Chain, store: TrustStore, pool: CertificatePool, revocation: RevocationPolicy) -> Verifier {
    let mut policy = chain.tls_server_policy(AlgorithmPolicy::default());
    policy.revocation = revocation;
    Verifier::new(store, policy)
        .with_intermediates(pool)
        .with_signature_cache(Arc::new(SignatureCache::new(support::CACHE_CAPACITY)))
}

fn root_store(chain: &Chain) -> TrustStore {
    let mut store = TrustStore::new();
    store.add_certificate(DEFAULT_COMMUNITY, chain.root.clone());
    store
}

fn intermediate_pool(chain: &Chain) -> CertificatePool {
    let mut pool = CertificatePool::new();
    pool.add(chain.intermediate.clone());
    pool
}

/// `scale/anchors-N`: a store of `total` anchors.
fn anchors<M: Clock>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain, leaves: &[&'static [u8]], total: usize) {
    let name = format!("anchors-{total}");
    support::bench_warm(group, BenchmarkId::from_parameter(&name), &name, chain, leaves, || {
        let mut store = root_store(chain);
        for anchor in extra_anchors(chain, total - 1) {
            store.add_trust_anchor(DEFAULT_COMMUNITY, &anchor).expect("bare anchor");
        }
        assert_eq!(store.len(), total);
        verifier(chain, store, intermediate_pool(chain), RevocationPolicy::OFF)
    });
}

/// `scale/pool-1000`: the intermediate among 1,000 irrelevant certificates.
fn pool<M: Clock>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain, leaves: &[&'static [u8]], others: &Chain) {
    support::bench_warm(group, BenchmarkId::from_parameter("pool-1000"), "pool-1000", chain, leaves, || {
        let mut pool = CertificatePool::new();
        for der in others.extra_leaves() {
            pool.add(trustpath::Certificate::from_der(der).expect("extra leaf"));
        }
        pool.add(chain.intermediate.clone());
        assert_eq!(pool.len(), 1001);
        verifier(chain, root_store(chain), pool, RevocationPolicy::OFF)
    });
}

/// A CRL of the chain's intermediate listing `entries` serials, none of them the leaf's, and
/// current at the validation time.
fn crl(chain: &Chain, entries: usize) -> Crl {
    let pem = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki/keys/rsa2048-int.pem"),
    )
    .expect("intermediate key");
    let key = KeyPair::from_pkcs8_pem("rsa2048-int", KeyKind::Rsa2048, &pem).expect("intermediate key");
    assert_eq!(key.spki_der(), chain.intermediate.spki_der(), "the intermediate's key");
    let issuer = x509_cert::name::Name::from_der(chain.intermediate.subject_der()).expect("issuer name");
    // Serials of the leaf's length (16 octets), spread evenly over 0x01… to 0x7f…, so that the
    // leaf's serial (0x64…) falls between two of them and the binary search runs to the end.
    let leaf_serial = chain.leaf.serial();
    assert_eq!(leaf_serial.len(), 16);
    let leaf_value = u128::from_be_bytes(leaf_serial.try_into().expect("16 octets"));
    let (low, high) = (1u128 << 120, 0x7fu128 << 120);
    let step = (high - low) / entries as u128;
    let time = chain.time.as_secs();
    let serials = (0..entries as u128).map(|i| {
        let v = low + i * step;
        let v = if v == leaf_value { v + 1 } else { v };
        CrlEntry::new(&v.to_be_bytes(), time - 30 * 86_400)
    });
    let der = CrlBuilder::new(&issuer, time - 7 * 86_400, time + 7 * 86_400)
        .expect("CRL builder")
        .extension(crl_number(1))
        .entries(serials)
        .sign(&key)
        .expect("CRL signed");
    let crl = Crl::from_der(der).expect("CRL parses");
    assert_eq!(crl.len(), entries);
    crl
}

/// `scale/crl-N`.
fn crl_lookup<M: Clock>(group: &mut BenchmarkGroup<'_, M>, chain: &Chain, entries: usize) {
    let lazy = OnceCell::new();
    group.bench_function(BenchmarkId::from_parameter(format!("crl-{entries}")), |b| {
        let (verifier, data, misses) = lazy.get_or_init(|| {
            let mut data = RevocationData::new();
            data.add_crl(crl(chain, entries));
            let verifier = verifier(
                chain,
                root_store(chain),
                intermediate_pool(chain),
                RevocationPolicy::leaf(RevocationMode::HardFail),
            );
            // The first validation verifies (and caches) the CRL's signature.
            let path = support::trustpath_revocation(&verifier, chain.leaf_der, chain.time, &data)
                .unwrap_or_else(|e| panic!("crl-{entries}: {e}"));
            let status = path.revocation().first().expect("the leaf's status");
            assert_eq!((status.status, status.source), (CertStatus::Good, StatusSource::Crl));
            let misses = verifier.signature_cache().expect("cache").stats().misses;
            assert_eq!(misses, 3, "leaf, intermediate and CRL signatures");
            (verifier, data, misses)
        });
        let (leaf_der, time) = (chain.leaf_der, chain.time);
        b.iter(|| {
            support::measured(|| support::trustpath_revocation(verifier, black_box(leaf_der), black_box(time), data))
        });
        assert_eq!(verifier.signature_cache().expect("cache").stats().misses, *misses, "hot: nothing recomputed");
    });
}

/// `scale/*`.
fn scale<M: Clock>(c: &mut Criterion<M>) {
    let [rsa, p256] = ALGS.map(Chain::load);
    let leaves = rsa.extra_leaves();
    let mut group = c.benchmark_group("scale");
    anchors(&mut group, &rsa, &leaves, 10);
    anchors(&mut group, &rsa, &leaves, 10_000);
    crl_lookup(&mut group, &rsa, 1_000);
    crl_lookup(&mut group, &rsa, 1_000_000);
    pool(&mut group, &rsa, &leaves, &p256);
    group.finish();
}

struct All;

impl support::Benches for All {
    fn run<M: Clock>(c: &mut Criterion<M>) {
        scale(c);
    }
}

fn main() {
    support::main::<All>();
}

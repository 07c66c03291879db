//! Structure-aware path building over an arbitrary candidate pool.
//!
//! The input chooses, from the real certificates of four x509-limbo chains embedded below: a
//! starting scenario (one chain laid out as anchors, pool and leaf, or nothing), extra
//! anchors, pool and per-request intermediates, another leaf, byte mutations of any of them
//! (flip, set, insert, remove, truncate), the validation time, the policy preset and its
//! revocation mode, small work budgets, the maximum depth, an expected name and a community;
//! then `Verifier::verify` runs. Signature checks are either real (memoized, see `common`:
//! the same few certificates are verified again and again) or stubbed out, so that mutated
//! certificates still chain and reach every validation step.
//!
//! Zero bytes decode to defaults: an all-zero input validates the first chain as its limbo
//! case expects; the first byte picks another chain (the seeds are built this way).
//!
//! The target must never panic or hang. When validation succeeds, structural invariants that
//! hold whatever the policy are checked: the path starts at the leaf, each certificate is
//! issued by the next by name, the last one by the anchor, which is in the store, every
//! intermediate was offered and appears once, the community matches, the depth limit is
//! respected, and an expected DNS name implies a DNS SAN.

#![no_main]

#[allow(dead_code)] // each target uses part of it
mod common;

use std::hint::black_box;
use std::net::IpAddr;
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use trustpath::revocation::{RevocationMode, RevocationPolicy};
use trustpath::{
    Budget, Certificate, CertificatePool, ExpectedName, Policy, TrustStore, UnixTime, ValidationInput, Verifier,
};

macro_rules! certs {
    ($($name:literal),* $(,)?) => { [$(($name, include_bytes!(concat!("../certs/", $name, ".der")) as &[u8])),*] };
}

/// Every embedded certificate, by file name (chain, role, index).
static CERTS: [(&str, &[u8]); 20] = certs![
    "cryptographydotio-anchor0",
    "cryptographydotio-inter0",
    "cryptographydotio-leaf0",
    "cve20240567-anchor0",
    "cve20240567-inter0",
    "cve20240567-inter1",
    "cve20240567-inter2",
    "cve20240567-inter3",
    "cve20240567-inter4",
    "cve20240567-inter5",
    "cve20240567-inter6",
    "cve20240567-inter7",
    "cve20240567-inter8",
    "cve20240567-leaf0",
    "cycle-anchor0",
    "cycle-inter0",
    "cycle-inter1",
    "cycle-leaf0",
    "nc-anchor0",
    "nc-leaf0",
];

/// A limbo chain: certificates (indices into `CERTS`) by role, and the name it is issued for.
struct Chain {
    anchors: &'static [usize],
    pool: &'static [usize],
    leaf: usize,
    dns_name: &'static str,
}

static CHAINS: [Chain; 4] = [
    Chain { anchors: &[0], pool: &[1], leaf: 2, dns_name: "cryptography.io" },
    Chain { anchors: &[3], pool: &[4, 5, 6, 7, 8, 9, 10, 11, 12], leaf: 13, dns_name: "cve-2024-0567.example.com" },
    Chain { anchors: &[14], pool: &[15, 16], leaf: 17, dns_name: "example.com" },
    Chain { anchors: &[18], pool: &[], leaf: 19, dns_name: "example.com" },
];

const PRESETS: [&str; 5] = ["tls-server", "rfc5280", "tls-client", "udap", "direct"];
const COMMUNITIES: [&str; 2] = ["default", "other"];

/// 2023-07-10T00:00:00Z: inside the validity of every embedded certificate.
const DEFAULT_TIME: u64 = 1_688_947_200;

#[derive(Arbitrary, Debug)]
enum Mutation {
    Flip { at: u16, bit: u8 },
    Set { at: u16, byte: u8 },
    Insert { at: u16, byte: u8 },
    Remove { at: u16 },
    Truncate { len: u16 },
}

/// One embedded certificate, possibly mutated.
#[derive(Arbitrary, Debug)]
struct Pick {
    cert: u8,
    mutations: Vec<Mutation>,
}

#[derive(Arbitrary, Debug)]
enum Time {
    Default,
    /// Seconds since the Unix epoch.
    At(u64),
    /// Seconds since 2023-07-10, either way.
    Near(i32),
}

#[derive(Arbitrary, Debug)]
enum Name {
    /// The chain's own DNS name (or none without a chain).
    Chain,
    None,
    Dns(String),
    Ip(IpAddr),
    Email(String),
    Uri(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Which chain to start from (modulo 5); 4: start empty.
    scenario: u8,
    policy: u8,
    time: Time,
    name: Name,
    /// Real signature verification (false) or stand-in algorithms that accept any signature.
    fake_signatures: bool,
    /// Override the preset's revocation checking: mode (Off, SoftFail, HardFail) and scope
    /// (chain or leaf). No revocation data is given, so hard-fail rejects every path.
    revocation: Option<(u8, bool)>,
    /// Override `Policy::max_intermediates` (taken modulo 12).
    max_intermediates: Option<u8>,
    /// Override the budget: signatures, build steps, name-constraint comparisons, policy graph
    /// size (all small).
    budget: Option<(u8, u16, u16, u16)>,
    /// Put the anchors in a community and require one (indices into `COMMUNITIES`).
    anchor_community: Option<bool>,
    required_community: Option<bool>,
    leaf: Option<Pick>,
    anchors: Vec<Pick>,
    pool: Vec<Pick>,
    intermediates: Vec<Pick>,
    /// Drop the scenario's certificates whose bit is set (bit 0: leaf, 1..: anchors, pool).
    /// Last, so that trailing bytes of a short seed add nothing.
    drop: u16,
}

/// Builds the (possibly mutated) certificate; `None` when the bytes no longer parse.
fn certificate(pick: &Pick) -> Option<Certificate> {
    let (_, der) = CERTS[usize::from(pick.cert) % CERTS.len()];
    let mut der = der.to_vec();
    for m in pick.mutations.iter().take(8) {
        let at = |at: u16, len: usize| usize::from(at) % len.max(1);
        match *m {
            Mutation::Flip { at: a, bit } if !der.is_empty() => {
                let i = at(a, der.len());
                der[i] ^= 1 << (bit % 8);
            }
            Mutation::Set { at: a, byte } if !der.is_empty() => {
                let i = at(a, der.len());
                der[i] = byte;
            }
            Mutation::Insert { at: a, byte } => {
                let i = at(a, der.len() + 1);
                der.insert(i, byte);
            }
            Mutation::Remove { at: a } if !der.is_empty() => {
                der.remove(at(a, der.len()));
            }
            Mutation::Truncate { len } => der.truncate(usize::from(len)),
            _ => {}
        }
    }
    Certificate::from_der(der).ok()
}

fn unmutated(index: usize) -> Pick {
    Pick { cert: index as u8, mutations: Vec::new() }
}

fn picks(extra: &[Pick], limit: usize) -> Vec<Certificate> {
    extra.iter().take(limit).filter_map(certificate).collect()
}

fuzz_target!(|input: Input| {
    let chain = CHAINS.get(usize::from(input.scenario) % (CHAINS.len() + 1));
    let mut dropped = (0..16).map(|bit| input.drop & (1 << bit) != 0);
    let mut keep = move || !dropped.next().unwrap_or(false);

    // Leaf: the override, else the scenario's.
    let keep_leaf = keep();
    let leaf = match (&input.leaf, chain) {
        (Some(pick), _) => certificate(pick),
        (None, Some(chain)) if keep_leaf => certificate(&unmutated(chain.leaf)),
        _ => None,
    };
    let Some(leaf) = leaf else { return };

    let mut anchors = Vec::new();
    let mut pool = Vec::new();
    if let Some(chain) = chain {
        anchors.extend(chain.anchors.iter().filter(|_| keep()).filter_map(|&i| certificate(&unmutated(i))));
        pool.extend(chain.pool.iter().filter(|_| keep()).filter_map(|&i| certificate(&unmutated(i))));
    }
    anchors.extend(picks(&input.anchors, 4));
    pool.extend(picks(&input.pool, 12));
    let intermediates = picks(&input.intermediates, 4);

    let anchor_community = input.anchor_community.map_or(COMMUNITIES[0], |c| COMMUNITIES[usize::from(c)]);
    let mut store = TrustStore::new();
    for anchor in &anchors {
        store.add_certificate(anchor_community, anchor.clone());
    }
    let mut candidate_pool = CertificatePool::new();
    for cert in &pool {
        candidate_pool.add(cert.clone());
    }

    let mut policy = Policy::by_name(PRESETS[usize::from(input.policy) % PRESETS.len()]).expect("preset exists");
    policy.algorithms =
        if input.fake_signatures { common::accept_all_algorithms() } else { common::memoized(&policy.algorithms) };
    if let Some((mode, leaf_only)) = input.revocation {
        let mode = [RevocationMode::Off, RevocationMode::SoftFail, RevocationMode::HardFail][usize::from(mode % 3)];
        policy.revocation = if leaf_only { RevocationPolicy::leaf(mode) } else { RevocationPolicy::chain(mode) };
    }
    if let Some(max) = input.max_intermediates {
        policy.max_intermediates = usize::from(max % 12);
    }
    policy.budget = match input.budget {
        Some((signatures, build_steps, name_constraint_comparisons, policy_graph)) => Budget {
            signatures: usize::from(signatures % 64),
            build_steps: usize::from(build_steps % 4096),
            name_constraint_comparisons: usize::from(name_constraint_comparisons % 8192),
            policy_graph: usize::from(policy_graph % 4096),
        },
        None => Budget { signatures: 32, build_steps: 1024, name_constraint_comparisons: 4096, policy_graph: 1024 },
    };
    let max_intermediates = policy.max_intermediates;

    let seconds = match input.time {
        Time::Default => DEFAULT_TIME,
        Time::At(s) => s,
        Time::Near(delta) => DEFAULT_TIME.saturating_add_signed(i64::from(delta)),
    };
    let time = UnixTime::since_unix_epoch(Duration::from_secs(seconds));

    let expected = match input.name {
        Name::Chain => chain.map(|c| ExpectedName::Dns(c.dns_name.to_string())),
        Name::None => None,
        Name::Dns(s) => Some(ExpectedName::Dns(s)),
        Name::Ip(ip) => Some(ExpectedName::Ip(ip)),
        Name::Email(s) => Some(ExpectedName::Email(s)),
        Name::Uri(s) => Some(ExpectedName::Uri(s)),
    };
    let required_community = input.required_community.map(|c| COMMUNITIES[usize::from(c)]);

    let verifier = Verifier::new(store, policy).with_intermediates(candidate_pool);
    let mut request = ValidationInput::new(&leaf, time).intermediates(&intermediates);
    if let Some(name) = &expected {
        request = request.expect_name(name.clone());
    }
    if let Some(community) = required_community {
        request = request.community(community);
    }

    let path = match verifier.verify(&request) {
        Ok(path) => path,
        Err(e) => {
            black_box((e.to_string(), e.kind(), e.certificate_index(), e.needs()));
            return;
        }
    };

    // Invariants of any successful validation.
    let certs = path.certificates();
    assert!(path.leaf() == &leaf, "the path's leaf is the input leaf");
    assert!(certs.first() == Some(&leaf), "the path starts at the leaf");
    for pair in certs.windows(2) {
        assert_eq!(pair[0].issuer_der(), pair[1].subject_der(), "each certificate is issued by the next one");
    }
    let last = certs.last().expect("non-empty path");
    assert_eq!(last.issuer_der(), path.anchor().subject_der(), "the anchor issued the last certificate");
    assert!(verifier.store().anchors().any(|a| std::ptr::eq(a, path.anchor())), "the anchor is in the store");
    for (i, cert) in certs.iter().enumerate().skip(1) {
        assert!(pool.contains(cert) || intermediates.contains(cert), "every intermediate was offered");
        assert!(!certs[..i].contains(cert), "no certificate appears twice");
    }
    if let Some(community) = required_community {
        assert_eq!(path.community(), community);
    }
    assert_eq!(path.community(), anchor_community);
    let counted = certs[1..].iter().filter(|c| !c.is_self_issued()).count();
    assert!(counted <= max_intermediates, "{counted} intermediates exceed the maximum of {max_intermediates}");
    if let Some(ExpectedName::Dns(_)) = &expected {
        assert!(leaf.san_dns_names().next().is_some(), "a DNS name matched without a DNS SAN");
    }
    black_box((path.anchor().subject_string(), path.anchor().certificate().map(Certificate::sha256)));
});

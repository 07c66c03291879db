//! Hostile input: pathological PKIs and encodings must end in a typed error within the
//! budgets, never a panic, a hang or unbounded memory. Work is counted (budgets), not timed.

use std::sync::Arc;

use trustpath::revocation::RevocationPolicy;
use trustpath::{
    BudgetKind, Certificate, CertificatePool, ExpectedName, Policy, Reason, TrustStore, UnixTime, ValidationInput,
    Verifier,
};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{KeyKind, KeyPair, Serial, ext, name};

/// 2026-06-01T00:00:00Z.
const NOW: u64 = 1_780_272_000;

fn now() -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW))
}

fn key(label: &str) -> Arc<KeyPair> {
    Arc::new(KeyPair::generate(label, KeyKind::P256).expect("key"))
}

fn ca_name(cn: &str) -> x509_cert::name::Name {
    name::NameBuilder::new().o("Hardening").cn(cn).build().expect("name")
}

fn self_signed(cn: &str) -> Issuer {
    let k = key(cn);
    let n = ca_name(cn);
    let der = templates::root(&n, &k).expect("root").sign(&k).expect("sign");
    Issuer::new(n, k, der)
}

fn policy() -> Policy {
    let mut p = Policy::rfc5280();
    p.revocation = RevocationPolicy::OFF;
    p
}

fn budget_kind(r: &Reason) -> Option<BudgetKind> {
    match r {
        Reason::BudgetExceeded(k) => Some(*k),
        _ => None,
    }
}

#[test]
fn mesh_of_fifty_cross_signed_cas_with_one_subject_ends_within_budget() {
    // Fifty CAs share one subject name; each is cross-signed by the next eight (a mesh dense
    // enough that every candidate looks like every other's issuer by name), and none chains
    // to the anchor.
    let subject = ca_name("Mesh CA");
    let keys: Vec<Arc<KeyPair>> = (0..50).map(|i| key(&format!("mesh {i}"))).collect();
    let mut pool = CertificatePool::new();
    for (i, subject_key) in keys.iter().enumerate() {
        for step in 1..=8 {
            let j = (i + step) % keys.len();
            let issuer_key = &keys[j];
            let issuer = Issuer::new(subject.clone(), issuer_key.clone(), Vec::new());
            let cert = templates::intermediate(&subject, subject_key, &issuer)
                .expect("template")
                .sign(issuer_key)
                .expect("sign");
            pool.add(Certificate::from_der(cert).expect("parse"));
        }
    }
    let mesh_issuer = Issuer::new(subject.clone(), keys[0].clone(), Vec::new());
    let leaf_key = key("mesh leaf");
    let leaf = templates::leaf(&name::NameBuilder::new().cn("leaf").build().expect("name"), &leaf_key, &mesh_issuer)
        .expect("leaf")
        .extension(ext::subject_alt_name(false, vec![name::dns("leaf.example").expect("dns")]).expect("san"))
        .sign(&keys[0])
        .expect("sign");
    let leaf = Certificate::from_der(leaf).expect("parse");
    let unrelated = self_signed("Unrelated Root");
    let mut store = TrustStore::new();
    store.add_certificate("x", Certificate::from_der(unrelated.der).expect("root"));
    let mut policy = policy();
    policy.max_intermediates = 50;
    let v = Verifier::new(store, policy).with_intermediates(pool);
    let e = v.verify(&ValidationInput::new(&leaf, now())).expect_err("no path to the anchor");
    assert!(
        matches!(budget_kind(e.reason()), Some(BudgetKind::Signatures | BudgetKind::BuildSteps)),
        "the search must stop on its budget: {e}"
    );
}

#[test]
fn ten_thousand_sans_against_a_thousand_constraints_trips_the_comparison_budget() {
    let root = self_signed("NC Root");
    let ca_key = key("nc ca");
    let permitted: Vec<_> = (0..1000).map(|i| name::dns(&format!("allowed{i}.example")).expect("dns")).collect();
    let ca = templates::intermediate(&ca_name("NC CA"), &ca_key, &root)
        .expect("ca")
        .extension(ext::name_constraints(permitted, Vec::new()).expect("nc"))
        .sign(&root.key)
        .expect("sign");
    let ca_issuer = Issuer::new(ca_name("NC CA"), ca_key.clone(), ca.clone());
    let sans: Vec<_> = (0..10_000).map(|i| name::dns(&format!("host{i}.allowed7.example")).expect("dns")).collect();
    let leaf_key = key("nc leaf");
    let leaf = templates::leaf(&name::NameBuilder::new().build().expect("empty"), &leaf_key, &ca_issuer)
        .expect("leaf")
        .extension(ext::subject_alt_name(true, sans).expect("san"))
        .sign(&ca_key)
        .expect("sign");
    let leaf = Certificate::from_der(leaf).expect("a 10,000-SAN leaf parses");
    let mut store = TrustStore::new();
    store.add_certificate("x", Certificate::from_der(root.der.clone()).expect("root"));
    let mut pool = CertificatePool::new();
    pool.add(Certificate::from_der(ca).expect("ca"));
    let v = Verifier::new(store, policy()).with_intermediates(pool);
    let e = v.verify(&ValidationInput::new(&leaf, now())).expect_err("too much work");
    assert_eq!(budget_kind(e.reason()), Some(BudgetKind::NameConstraintComparisons), "{e}");
}

/// A chain root → CA → leaf used by the per-budget tests.
fn small_chain() -> (TrustStore, CertificatePool, Certificate) {
    let root = self_signed("Budget Root");
    let ca_key = key("budget ca");
    let ca = templates::intermediate(&ca_name("Budget CA"), &ca_key, &root)
        .expect("ca")
        .extension(ext::name_constraints(vec![name::dns("example.org").expect("dns")], Vec::new()).expect("nc"))
        .sign(&root.key)
        .expect("sign");
    let ca_issuer = Issuer::new(ca_name("Budget CA"), ca_key.clone(), ca.clone());
    let leaf_key = key("budget leaf");
    let leaf = templates::leaf(&name::NameBuilder::new().cn("leaf").build().expect("name"), &leaf_key, &ca_issuer)
        .expect("leaf")
        .extension(ext::subject_alt_name(false, vec![name::dns("www.example.org").expect("dns")]).expect("san"))
        .sign(&ca_key)
        .expect("sign");
    let mut store = TrustStore::new();
    store.add_certificate("x", Certificate::from_der(root.der).expect("root"));
    let mut pool = CertificatePool::new();
    pool.add(Certificate::from_der(ca).expect("ca"));
    (store, pool, Certificate::from_der(leaf).expect("leaf"))
}

#[test]
fn each_budget_trips_with_a_typed_error_and_the_chain_passes_with_defaults() {
    let (store, pool, leaf) = small_chain();
    let input = ValidationInput::new(&leaf, now()).expect_name(ExpectedName::Dns("www.example.org".into()));
    let ok = Verifier::new(store.clone(), policy()).with_intermediates(pool.clone());
    let _path = ok.verify(&input).expect("valid with the default budget");
    type Shrink = fn(&mut Policy);
    let cases: [(Shrink, BudgetKind); 3] = [
        (|p| p.budget.signatures = 1, BudgetKind::Signatures),
        (|p| p.budget.build_steps = 1, BudgetKind::BuildSteps),
        (|p| p.budget.name_constraint_comparisons = 0, BudgetKind::NameConstraintComparisons),
    ];
    for (shrink, kind) in cases {
        let mut p = policy();
        shrink(&mut p);
        let v = Verifier::new(store.clone(), p).with_intermediates(pool.clone());
        let e = v.verify(&input).expect_err("budget too small");
        assert_eq!(budget_kind(e.reason()), Some(kind), "{e}");
        assert_eq!(e.kind(), "budget_exceeded");
    }
}

#[test]
fn deeply_nested_der_is_rejected_without_recursion_trouble() {
    for depth in [1_000usize, 100_000] {
        // SEQUENCE { SEQUENCE { ... } } with definite lengths, innermost empty.
        let mut der: Vec<u8> = Vec::new();
        for _ in 0..depth {
            let len = der.len();
            let mut header = vec![0x30];
            if len < 0x80 {
                header.push(len as u8);
            } else {
                let bytes = (len as u32).to_be_bytes();
                let skip = bytes.iter().take_while(|b| **b == 0).count();
                header.push(0x80 | (4 - skip) as u8);
                header.extend_from_slice(&bytes[skip..]);
            }
            header.extend_from_slice(&der);
            der = header;
        }
        assert!(Certificate::from_der(der.clone()).is_err());
        // A bundle skips and reports the bad entry rather than failing outright.
        if let Ok(parsed) = trustpath::cert::parse_bundle(&der) {
            assert!(parsed.certificates.is_empty() && parsed.skipped.len() == 1);
        }
        assert!(trustpath::revocation::Crl::from_der(der.clone()).is_err());
        assert!(trustpath::revocation::OcspResponse::from_der(der).is_err());
    }
}

#[test]
fn huge_integers_are_refused_before_any_arithmetic() {
    // A leaf whose serial is 100,000 octets: it parses; under a strict profile it is refused,
    // otherwise it is a finding (no arithmetic is ever done on a serial).
    let root = self_signed("Int Root");
    let leaf_key = key("int leaf");
    let mut serial = vec![0x01];
    serial.extend(std::iter::repeat_n(0xab, 99_999));
    let leaf = templates::leaf(&name::NameBuilder::new().cn("leaf").build().expect("name"), &leaf_key, &root)
        .expect("leaf")
        .serial(Serial::Raw(serial))
        .sign(&root.key)
        .expect("sign");
    let leaf = Certificate::from_der(leaf).expect("parses");
    let mut store = TrustStore::new();
    store.add_certificate("x", Certificate::from_der(root.der.clone()).expect("root"));
    let lenient = Verifier::new(store.clone(), policy());
    let path = lenient.verify(&ValidationInput::new(&leaf, now())).expect("a finding only");
    let rules: Vec<&str> = path.findings().iter().map(|f| f.rule().id).collect();
    assert_eq!(rules, ["rfc5280.serial.length"]);
    let v = Verifier::new(store, policy().strict_profile());
    let e = v.verify(&ValidationInput::new(&leaf, now())).expect_err("serial too long");
    assert_eq!(e.kind(), "certificate_profile", "{e}");

    // An RSA public key with a 65,536-bit modulus is refused by its size alone.
    let mut modulus = vec![0x00, 0xc3];
    modulus.extend(std::iter::repeat_n(0x5a, 8191));
    let algs = trustpath::crypto::AlgorithmPolicy::default();
    let rsa_key = der_sequence(&[der_integer(&modulus), der_integer(&[0x01, 0x00, 0x01])].concat());
    let e = algs.check_public_key(rustls_pki_types::alg_id::RSA_ENCRYPTION.as_ref(), &rsa_key).expect_err("too big");
    assert!(matches!(e, Reason::WeakRsaKey { bits: 65_536, .. }), "{e:?}");
}

fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes = (len as u32).to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let mut out = vec![0x80 | (4 - skip) as u8];
    out.extend_from_slice(&bytes[skip..]);
    out
}

fn der_integer(content: &[u8]) -> Vec<u8> {
    [&[0x02][..], &der_len(content.len()), content].concat()
}

fn der_sequence(content: &[u8]) -> Vec<u8> {
    [&[0x30][..], &der_len(content.len()), content].concat()
}

//! Certificate bundles through trustpath's public API: PEM with many certificates, commented
//! and CRLF PEM, concatenated DER, PKCS#7 certs-only in DER, BER and PEM armour, a corrupt entry
//! among good ones, and broken inputs (truncated, garbage, empty, absurd sizes). Every bad
//! input must give a typed error, never a panic. The files come from `test-vectors/pki/`
//! (written by `trustpath-testgen`).

mod support;

use std::collections::BTreeSet;

use trustpath::cert::{MAX_CERTIFICATE_LEN, ParsedBundle, parse_bundle};
use trustpath::{Certificate, CertificatePool, ParseError, Policy, TrustStore, ValidationInput, Verifier};

use support::{load, read, time};

/// The eight certificates of `bundles/certs.*`, in order.
const MEMBERS: [&str; 8] = [
    "base/root.pem",
    "base/intermediate.pem",
    "base/leaf.pem",
    "algorithms/rsa2048/root.pem",
    "algorithms/rsa2048/intermediate.pem",
    "algorithms/p384/root.pem",
    "algorithms/ed25519/root.pem",
    "trust-store/other-root.pem",
];

use trustpath::cert::MAX_BUNDLE_LEN;

fn members() -> Vec<Certificate> {
    MEMBERS.iter().map(|m| load(m)).collect()
}

fn parse(path: &str) -> Result<ParsedBundle, ParseError> {
    parse_bundle(&read(path))
}

fn assert_members(path: &str) {
    let parsed = parse(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(parsed.skipped.is_empty(), "{path}: skipped {:?}", parsed.skipped);
    assert_eq!(parsed.certificates, members(), "{path}: certificates differ from the members, in order");
}

#[test]
fn pem_with_comments() {
    assert_members("bundles/certs.pem");
}

#[test]
fn pem_with_crlf_line_ends() {
    assert_members("bundles/certs-crlf.pem");
}

#[test]
fn concatenated_der() {
    assert_members("bundles/certs.der");
}

#[test]
fn pkcs7_der() {
    assert_members("bundles/certs.p7b");
}

/// Indefinite lengths around DER certificates, as .NET and Windows tools write bundles: the
/// same certificates, byte for byte.
#[test]
fn pkcs7_ber() {
    assert!(read("bundles/certs-ber.p7b").starts_with(&[0x30, 0x80]));
    assert_members("bundles/certs-ber.p7b");
}

#[test]
fn pkcs7_pem_armoured() {
    assert!(read("bundles/certs.p7b.pem").starts_with(b"-----BEGIN PKCS7-----"));
    assert_members("bundles/certs.p7b.pem");
}

#[test]
fn trust_store_and_pool_from_every_encoding() {
    let paths = [
        "bundles/certs.pem",
        "bundles/certs.der",
        "bundles/certs.p7b",
        "bundles/certs.p7b.pem",
        "bundles/certs-ber.p7b",
    ];
    for path in paths {
        let store = TrustStore::from_bundle(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(store.len(), MEMBERS.len(), "{path}");
        let (pool, skipped) = CertificatePool::from_bundle(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!((pool.len(), skipped.len()), (MEMBERS.len(), 0), "{path}");
    }
    // A store and pool loaded from bundles validate the base chain.
    let store = TrustStore::from_bundle(&read("base/root.pem")).expect("root");
    let (pool, _) = CertificatePool::from_bundle(&read("bundles/certs.p7b")).expect("pool");
    let leaf = load("base/leaf.pem");
    let verifier = Verifier::new(store, Policy::rfc5280()).with_intermediates(pool);
    let _path =
        verifier.verify(&ValidationInput::new(&leaf, time("2026-06-01T00:00:00Z"))).expect("chain from a PKCS#7 pool");
}

#[test]
fn pem_bundle_with_many_certificates() {
    for dir in ["p256", "rsa2048"] {
        let path = format!("bench/{dir}/leaves.pem");
        let parsed = parse(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!((parsed.certificates.len(), parsed.skipped.len()), (1000, 0), "{path}");
        let serials: BTreeSet<String> = parsed.certificates.iter().map(Certificate::serial_hex).collect();
        assert_eq!(serials.len(), 1000, "{path}: serials must be distinct");
        let keys: BTreeSet<&[u8]> = parsed.certificates.iter().map(Certificate::spki_der).collect();
        assert_eq!(keys.len(), 1, "{path}: the pool leaves share one key");
        let (pool, skipped) = CertificatePool::from_bundle(&read(&path)).expect("pool");
        assert_eq!((pool.len(), skipped.len()), (1000, 0));

        // The pool leaves validate like the bench leaf (a few of them: debug builds are slow).
        let mut store = TrustStore::new();
        store.add_certificate("default", load(&format!("bench/{dir}/root.der")));
        let mut ints = CertificatePool::new();
        ints.add(load(&format!("bench/{dir}/intermediate.der")));
        let verifier = Verifier::new(store, Policy::tls_server()).with_intermediates(ints);
        for leaf in [&parsed.certificates[0], &parsed.certificates[499], &parsed.certificates[999]] {
            let input = ValidationInput::new(leaf, time("2026-06-01T00:00:00Z"))
                .expect_name(trustpath::ExpectedName::Dns("bench.example.com".into()));
            let _path = verifier.verify(&input).unwrap_or_else(|e| panic!("{path} {}: {e}", leaf.serial_hex()));
        }
    }
}

#[test]
fn corrupt_entry_is_skipped_and_reported() {
    let parsed = parse("bundles/one-corrupt.pem").expect("the container is fine");
    assert_eq!(parsed.certificates, members()[..2].iter().chain(&members()[3..4]).cloned().collect::<Vec<_>>());
    assert_eq!(parsed.skipped.len(), 1);
    assert_eq!(parsed.skipped[0].index, 2);
    assert!(matches!(parsed.skipped[0].error, ParseError::Der { .. }), "{:?}", parsed.skipped[0].error);

    let mut store = TrustStore::new();
    let added = store.add_bundle("default", &read("bundles/one-corrupt.pem")).expect("bundle");
    assert_eq!((store.len(), added.added, added.skipped.len()), (3, 3, 1));
    let (pool, skipped) = CertificatePool::from_bundle(&read("bundles/one-corrupt.pem")).expect("bundle");
    assert_eq!((pool.len(), skipped.len()), (3, 1));
}

#[test]
fn a_bundle_whose_every_entry_is_skipped_is_an_error() {
    // Two CERTIFICATE blocks, neither a certificate (an empty SEQUENCE, a bare INTEGER).
    let pem = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n\
                -----BEGIN CERTIFICATE-----\nAgEB\n-----END CERTIFICATE-----\n";
    let e = parse_bundle(pem).expect_err("no usable certificate");
    match &e {
        ParseError::NoUsableCertificate { skipped: 2, first } => {
            assert!(matches!(**first, ParseError::Der { .. }), "{first:?}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(e.to_string().contains("all 2 entries were skipped"), "{e}");
    let mut store = TrustStore::new();
    assert_eq!(store.add_bundle("udap://community.example", pem).expect_err("no anchor"), e);
    assert!(store.is_empty() && store.communities().next().is_none(), "nothing was added");
    assert_eq!(TrustStore::from_bundle(pem).expect_err("no anchor"), e);
    assert_eq!(CertificatePool::from_bundle(pem).expect_err("no certificate").to_string(), e.to_string());
}

#[test]
fn corrupt_entry_in_concatenated_der_is_a_typed_error() {
    // Without PEM framing a short entry shifts every later one: the outcome may be an error
    // for the whole bundle or skipped entries, but never a panic or a wrong certificate.
    match parse("bundles/one-corrupt.der") {
        Err(e) => assert!(matches!(e, ParseError::Der { .. }), "{e:?}"),
        Ok(parsed) => {
            assert!(!parsed.skipped.is_empty());
            assert!(parsed.certificates.iter().all(|c| members().contains(c)));
        }
    }
}

#[test]
fn truncated_pem() {
    let e = parse("bundles/truncated.pem").expect_err("truncated");
    assert!(matches!(e, ParseError::Pem(_)), "{e:?}");
    assert!(TrustStore::from_bundle(&read("bundles/truncated.pem")).is_err());
    // `from_pem` decodes only the first block, which is intact.
    let first = Certificate::from_pem(&read("bundles/truncated.pem")).expect("first block is intact");
    assert!(members().contains(&first));
}

#[test]
fn truncated_pkcs7() {
    let e = parse("bundles/pkcs7-truncated.p7b").expect_err("truncated");
    assert!(matches!(e, ParseError::Der { .. }), "{e:?}");
}

#[test]
fn garbage() {
    let e = parse("bundles/garbage.bin").expect_err("garbage");
    assert!(matches!(e, ParseError::Der { .. }), "{e:?}");
    assert!(Certificate::from_der(read("bundles/garbage.bin")).is_err());
    assert!(Certificate::from_pem(&read("bundles/garbage.bin")).is_err());
}

#[test]
fn empty_input() {
    assert_eq!(parse("bundles/empty.pem").expect_err("empty"), ParseError::NoCertificates);
    assert_eq!(TrustStore::from_bundle(b"").expect_err("empty"), ParseError::NoCertificates);
    assert!(CertificatePool::from_bundle(b"").is_err());
    assert!(Certificate::from_der(Vec::new()).is_err());
    assert_eq!(Certificate::from_pem(b"").expect_err("empty"), ParseError::NoCertificates);
    assert!(parse_bundle(b"  \n\t\r\n").is_err());
}

#[test]
fn pem_without_certificates() {
    assert_eq!(parse("bundles/no-certificates.pem").expect_err("no certificate"), ParseError::NoCertificates);
    assert_eq!(
        Certificate::from_pem(&read("bundles/no-certificates.pem")).expect_err("none"),
        ParseError::NoCertificates
    );
}

#[test]
fn der_header_claiming_gigabytes() {
    let e = parse("bundles/huge-length.der").expect_err("huge length");
    assert!(matches!(e, ParseError::Der { .. }), "{e:?}");
    assert!(Certificate::from_der(read("bundles/huge-length.der")).is_err());
}

#[test]
fn absurd_sizes() {
    let e = parse_bundle(&vec![0u8; MAX_BUNDLE_LEN + 1]).expect_err("too large");
    assert!(matches!(e, ParseError::TooLarge { what: "bundle", .. }), "{e:?}");
    let e = Certificate::from_der(vec![0x30; MAX_CERTIFICATE_LEN + 1]).expect_err("too large");
    assert!(matches!(e, ParseError::TooLarge { what: "certificate", .. }), "{e:?}");
    // A DER certificate header whose length is just above the certificate limit.
    let len = (MAX_CERTIFICATE_LEN + 1) as u32;
    let mut big = vec![0x30, 0x84];
    big.extend_from_slice(&len.to_be_bytes());
    big.resize(big.len() + MAX_CERTIFICATE_LEN + 1, 0x00);
    assert!(parse_bundle(&big).is_err());
    // More PEM blocks than a bundle may hold.
    let block = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
    let many = block.repeat(100_001);
    let e = parse_bundle(many.as_bytes()).expect_err("too many entries");
    assert!(matches!(e, ParseError::TooLarge { .. }), "{e:?}");
}

#[test]
fn every_truncation_and_byte_flip_of_a_certificate_is_handled() {
    let der = load("base/leaf.pem").der().to_vec();
    for n in 0..der.len() {
        assert!(Certificate::from_der(der[..n].to_vec()).is_err(), "prefix of {n} bytes parsed");
        let _ = parse_bundle(&der[..n]);
    }
    for i in 0..der.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut bad = der.clone();
            bad[i] ^= mask;
            let _ = Certificate::from_der(bad.clone());
            let _ = parse_bundle(&bad);
        }
    }
    let mut trailing = der.clone();
    trailing.push(0);
    assert!(Certificate::from_der(trailing).is_err(), "trailing bytes");
}

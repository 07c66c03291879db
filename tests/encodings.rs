//! Encodings met in the wild (issue 14, class 5), each on certificates generated here with
//! `trustpath-testgen` and signed with the test PKI's keys: UTCTime years 1950 to 1969.

use std::sync::Arc;

use trustpath::{Certificate, Policy, Reason, TrustStore, UnixTime, ValidationError, ValidationInput, Verifier};
use trustpath_testgen::bundle::tlv;
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{CertBuilder, KeyKind, KeyPair, name};

/// 2026-06-01T00:00:00Z.
const NOW: u64 = 1_780_272_000;

fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

/// A root and, below it, an intermediate CA, with P-256 keys.
struct Pki {
    root: Issuer,
    ca: Issuer,
}

fn issuer(cn: &str, key: Arc<KeyPair>, parent: Option<&Issuer>) -> Issuer {
    let n = name::NameBuilder::new().o("Encodings").cn(cn).build().expect("name");
    let der = match parent {
        None => templates::root(&n, &key).expect("root").sign(&key),
        Some(p) => p.sign(&templates::intermediate(&n, &key, p).expect("intermediate")),
    };
    Issuer::new(n, key, der.expect("sign"))
}

fn p256_pki() -> Pki {
    let key = |n: &str| Arc::new(KeyPair::generate(&format!("encodings {n}"), KeyKind::P256).expect("key"));
    let root = issuer("Encodings Root", key("root"), None);
    let ca = issuer("Encodings CA", key("ca"), Some(&root));
    Pki { root, ca }
}

/// A leaf builder below `pki.ca`.
fn leaf(pki: &Pki, cn: &str) -> CertBuilder {
    let key = KeyPair::generate(&format!("encodings leaf {cn}"), KeyKind::P256).expect("key");
    let n = name::NameBuilder::new().o("Encodings").cn(cn).build().expect("name");
    templates::leaf(&n, &key, &pki.ca).expect("leaf")
}

/// Validates `leaf` at `time` under plain RFC 5280 rules, the root as the anchor.
fn validate(pki: &Pki, leaf: &Certificate, time: UnixTime) -> Result<usize, ValidationError> {
    let mut store = TrustStore::new();
    store.add_certificate("encodings", Certificate::from_der(pki.root.der.clone()).expect("root"));
    let intermediates = [Certificate::from_der(pki.ca.der.clone()).expect("ca")];
    let verifier = Verifier::new(store, Policy::rfc5280());
    verifier.verify(&ValidationInput::new(leaf, time).intermediates(&intermediates)).map(|p| p.certificates().len())
}

/// A Validity of two UTCTimes given as text.
fn utc_validity(not_before: &str, not_after: &str) -> Vec<u8> {
    tlv(0x30, &[tlv(0x17, not_before.as_bytes()), tlv(0x17, not_after.as_bytes())].concat())
}

/// RFC 5280 §4.1.2.5.1: a UTCTime year of 50 to 99 is 19YY. A notBefore of 1965 is long past.
#[test]
fn utctime_before_1970_starts_a_validity_period() {
    let pki = p256_pki();
    let der = leaf(&pki, "Since 1965").validity_der(utc_validity("650101000000Z", "491231235959Z"));
    let cert = Certificate::from_der(pki.ca.sign(&der).expect("sign")).expect("a 1965 notBefore parses");
    assert_eq!(cert.not_before_secs(), -157_766_400, "1965-01-01T00:00:00Z");
    assert_eq!(cert.not_before(), at(0), "as a UnixTime: the epoch");
    assert_eq!(cert.not_after_secs(), 2_524_607_999, "2049-12-31T23:59:59Z");
    assert_eq!(validate(&pki, &cert, at(NOW)).map_err(|e| e.to_string()), Ok(2));
    // At the epoch the leaf is within its validity; its CA (valid from 2025) is not.
    let e = validate(&pki, &cert, at(0)).expect_err("the CA is not yet valid");
    assert_eq!((e.kind(), e.certificate_index()), ("not_yet_valid", Some(1)), "{e}");
}

/// A notAfter in 1969 is before every validation time, the epoch included.
#[test]
fn utctime_before_1970_ends_a_validity_period() {
    let pki = p256_pki();
    let der = leaf(&pki, "Until 1969").validity_der(utc_validity("600101000000Z", "691231235959Z"));
    let cert = Certificate::from_der(pki.ca.sign(&der).expect("sign")).expect("a 1969 notAfter parses");
    assert_eq!(cert.not_after_secs(), -1);
    for time in [at(NOW), at(0)] {
        let e = validate(&pki, &cert, time).expect_err("expired");
        assert_eq!((e.kind(), e.certificate_index()), ("expired", Some(0)), "{e}");
        assert_eq!(e.reason(), &Reason::Expired { not_after: -1 });
        assert!(e.to_string().contains("1969-12-31T23:59:59Z"), "{e}");
    }
}

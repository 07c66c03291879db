//! `parse_bundle` on arbitrary bytes: PEM (any labels), concatenated DER and PKCS#7 / CMS
//! certs-only SignedData are auto-detected. The same bytes then go through
//! `TrustStore::from_bundle` and `CertificatePool::from_bundle`.
//!
//! Invariants: the three entry points agree on how many certificates the bundle holds, and
//! each parsed certificate is one anchor of the store.

#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use trustpath::cert::parse_bundle;
use trustpath::{CertificatePool, TrustStore};

fuzz_target!(|data: &[u8]| {
    let parsed = parse_bundle(data);
    let store = TrustStore::from_bundle(data);
    let pool = CertificatePool::from_bundle(data);
    match &parsed {
        Ok(bundle) => {
            assert!(!bundle.certificates.is_empty(), "parse_bundle succeeds only with a usable certificate");
            for cert in &bundle.certificates {
                black_box((cert.subject_string(), cert.issuer_string(), cert.sha256()));
            }
            for skipped in &bundle.skipped {
                black_box(skipped.to_string());
            }
            let (pool, skipped) = pool.expect("CertificatePool::from_bundle fails only when parse_bundle does");
            assert_eq!(skipped, bundle.skipped);
            assert!(pool.len() <= bundle.certificates.len());
            match store {
                Ok(store) => {
                    assert!(!store.is_empty() && store.len() <= bundle.certificates.len());
                    for cert in &bundle.certificates {
                        assert!(
                            store.anchors().any(|a| a.certificate() == Some(cert)),
                            "every certificate is an anchor"
                        );
                    }
                    for anchor in store.anchors() {
                        black_box((anchor.subject_string(), anchor.community(), anchor.name_constraints()));
                    }
                }
                Err(e) => {
                    assert!(bundle.certificates.is_empty(), "from_bundle failed on a bundle with certificates: {e}");
                }
            }
        }
        Err(e) => {
            black_box(e.to_string());
            assert!(store.is_err() && pool.is_err(), "parse_bundle failed but another entry point did not");
        }
    }
});

//! OCSP responses from arbitrary bytes: `OcspResponse::from_der`, its accessors, then the
//! response as the only revocation data (with the delegated responder's certificate on offer)
//! for a leaf-scope, hard-fail validation over the generated PKI of
//! `test-vectors/pki/revocation` at 2026-06-01, and a chain-scope one that also needs the
//! intermediate's status.
//!
//! Invariant: a validation that succeeds used a response whose `tbsResponseData` was really
//! signed, i.e. one of the seeds'.

#![no_main]

#[allow(dead_code)] // each target uses part of it
mod common;

use std::hint::black_box;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use trustpath::revocation::{OcspResponse, RevocationData};
use trustpath::{Certificate, ValidationInput, Verifier};

struct Fixture {
    /// Leaf-scope and chain-scope verifiers.
    verifiers: [Verifier; 2],
    leaf: Certificate,
    responder: Certificate,
    known_signed: Vec<Vec<u8>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let known_signed = common::seeds("ocsp_response")
            .iter()
            .filter_map(|seed| common::signed_part(seed).map(<[u8]>::to_vec))
            .collect();
        Fixture {
            verifiers: common::revocation_verifiers(),
            leaf: common::pki_certificate("revocation/leaf.pem"),
            responder: common::pki_certificate("ocsp/responder.pem"),
            known_signed,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(response) = OcspResponse::from_der(data.to_vec()) else { return };
    black_box((response.der(), response.produced_at(), response.len(), response.is_empty()));

    let fixture = fixture();
    let time = common::vectors_time();
    let mut revocation = RevocationData::new();
    revocation.add_ocsp(response.clone()).add_certificate(fixture.responder.clone());
    for verifier in &fixture.verifiers {
        match verifier.verify(&ValidationInput::new(&fixture.leaf, time).revocation(&revocation)) {
            Ok(path) => {
                let signed = common::signed_part(response.der());
                assert!(
                    signed.is_some_and(|s| fixture.known_signed.iter().any(|k| k == s)),
                    "accepted with an OCSP response whose signed part no seed has"
                );
                black_box(path.revocation());
            }
            Err(e) => {
                black_box((e.to_string(), e.kind(), e.needs()));
            }
        }
    }
});

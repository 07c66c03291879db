//! CRLs from arbitrary bytes (DER or PEM): `Crl::from_pem_or_der`, every accessor, then the
//! CRL as the only revocation data for validations that hard-fail without a usable status,
//! over the generated PKI of `test-vectors/pki/revocation` (a leaf, a leaf listed in an
//! indirect CRL, a leaf of a 10,000-entry CRL), at 2026-06-01, leaf and whole-chain scope.
//!
//! Invariant: a validation that succeeds used a CRL whose `tbsCertList` the CA really signed,
//! i.e. one of the seeds' (the only signed CRLs in play).

#![no_main]

#[allow(dead_code)] // each target uses part of it
mod common;

use std::hint::black_box;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use trustpath::revocation::{Crl, RevocationData};
use trustpath::{Certificate, ValidationInput, Verifier};

struct Fixture {
    /// Leaf-scope and chain-scope verifiers.
    verifiers: [Verifier; 2],
    leaves: Vec<Certificate>,
    /// The root's CRL, supplied beside the fuzzed one for chain scope.
    root_crl: Crl,
    indirect_signer: Certificate,
    known_signed: Vec<Vec<u8>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let known_signed = common::seeds("crl")
            .iter()
            .filter_map(|seed| Crl::from_pem_or_der(seed).ok())
            .filter_map(|crl| common::signed_part(crl.der()).map(<[u8]>::to_vec))
            .collect();
        Fixture {
            verifiers: common::revocation_verifiers(),
            leaves: vec![
                common::pki_certificate("revocation/leaf.pem"),
                common::pki_certificate("crl/indirect-leaf-unlisted.pem"),
                common::pki_certificate("crl/large-unlisted-leaf.pem"),
            ],
            root_crl: Crl::from_der(common::pki_file("revocation/root-good.crl")).expect("fixture CRL parses"),
            indirect_signer: common::pki_certificate("crl/indirect-signer.pem"),
            known_signed,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(crl) = Crl::from_pem_or_der(data) else { return };
    black_box((crl.der(), crl.issuer_der(), crl.len(), crl.is_empty(), crl.authority_key_id()));
    black_box((crl.is_delta(), crl.this_update(), crl.next_update(), crl.unusable_reason()));

    let fixture = fixture();
    let time = common::vectors_time();
    for (scope, verifier) in fixture.verifiers.iter().enumerate() {
        let mut revocation = RevocationData::new();
        revocation.add_crl(crl.clone()).add_certificate(fixture.indirect_signer.clone());
        if scope == 1 {
            revocation.add_crl(fixture.root_crl.clone());
        }
        for leaf in &fixture.leaves {
            match verifier.verify(&ValidationInput::new(leaf, time).revocation(&revocation)) {
                Ok(path) => {
                    let signed = common::signed_part(crl.der());
                    assert!(
                        signed.is_some_and(|s| fixture.known_signed.iter().any(|k| k == s)),
                        "accepted with a CRL whose signed part no seed has"
                    );
                    black_box(path.revocation());
                }
                Err(e) => {
                    black_box((e.to_string(), e.kind(), e.needs()));
                }
            }
        }
    }
});

//! Compact JWS with `x5c` from arbitrary text: `jws::verify_x5c` with the UDAP algorithm
//! allow-list against the UDAP vectors' trust store (two communities, CRLs, hard-fail), at the
//! vectors' validation time; also parsing alone (`Jws::parse`), the header accessors and the
//! signature check alone with `x5c[0]`'s key.
//!
//! Invariant: an accepted token's signing input (`header.payload`) is one that the seeds carry
//! (a fuzzer cannot forge a signature), and its signer is the validated path's leaf.

#![no_main]

#[allow(dead_code)] // each target uses part of it
mod common;

use std::hint::black_box;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use trustpath::jws::{self, AlgorithmSet, Jws, Limits, X5cOptions};

fn known_signed() -> &'static [String] {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        common::seeds("jws_x5c")
            .iter()
            .filter_map(|seed| common::signing_input(&String::from_utf8_lossy(seed)).map(String::from))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let token = String::from_utf8_lossy(data);
    if let Ok(parsed) = Jws::parse(&token, Limits::default()) {
        let header = parsed.header();
        black_box((header.alg(), header.typ(), header.kid(), header.cty(), header.members().len()));
        black_box((parsed.x5c().len(), parsed.payload_bytes(), parsed.claims().is_ok()));
        assert_eq!(Some(parsed.signing_input()), common::signing_input(&token).map(str::as_bytes));
        // The signature alone, with x5c[0]'s key (no path validation).
        if let Some(signer) = parsed.x5c().first()
            && parsed.verify_with_certificate(&AlgorithmSet::udap(), signer).is_ok()
        {
            assert!(known_signed().iter().any(|k| k.as_bytes() == parsed.signing_input()), "forged signature");
        }
    }

    let udap = common::udap();
    let options = X5cOptions::new().revocation(&udap.revocation).header_cache(&udap.headers);
    match jws::verify_x5c(&token, &AlgorithmSet::udap(), &udap.verifier, udap.time, &options) {
        Ok(verified) => {
            let input = common::signing_input(&token);
            assert!(
                input.is_some_and(|i| known_signed().iter().any(|k| k == i)),
                "accepted a token whose signing input no seed has"
            );
            assert!(verified.path().leaf() == verified.signer(), "the signer is the path's leaf");
            black_box((verified.algorithm(), verified.claims(), verified.path().community()));
        }
        Err(e) => {
            black_box((e.to_string(), e.class()));
        }
    }
});

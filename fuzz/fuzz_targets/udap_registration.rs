//! UDAP dynamic client registration requests from arbitrary text:
//! `RegistrationEndpoint::verify_request` (JSON body, software statement, `x5c` path against the
//! UDAP vectors' trust store with CRLs, hard-fail, at the vectors' validation time, a fresh
//! replay cache per input so that runs stay independent).
//!
//! Invariants: an accepted request's software statement carries a signing input that the seeds
//! carry, the client URI it registers is a SAN URI of the path's leaf, and its registration
//! response echoes the statement unmodified; a rejection's error body is RFC 6749 §5.2 JSON
//! (a printable-ASCII description without `"` and `\`) with a 4xx or 5xx status.

#![no_main]

#[allow(dead_code)] // each target uses part of it
mod common;

use std::hint::black_box;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use trustpath::udap::{MemoryReplayCache, RegistrationEndpoint, RegistrationRequest, is_description_char};

const ENDPOINT: &str = "https://fhir.example.org/oauth/register";

/// The software statement of a request body, read as the endpoint reads it.
fn statement(body: &str) -> Option<String> {
    let body: Value = serde_json::from_str(body).ok()?;
    body.get("software_statement")?.as_str().map(String::from)
}

fn known_signed() -> &'static [String] {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        common::seeds("udap_registration")
            .iter()
            .filter_map(|seed| statement(&String::from_utf8_lossy(seed)))
            .filter_map(|s| common::signing_input(&s).map(String::from))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let udap = common::udap();
    let endpoint = RegistrationEndpoint::new(ENDPOINT).with_header_cache(udap.headers.clone());
    let replay = MemoryReplayCache::new(1);
    let request = RegistrationRequest::new(&body, udap.time).revocation(&udap.revocation);
    match endpoint.verify_request(&udap.verifier, &request, &replay) {
        Ok(registration) => {
            let signed = statement(&body);
            let input = signed.as_deref().and_then(common::signing_input);
            assert!(
                input.is_some_and(|i| known_signed().iter().any(|k| k == i)),
                "accepted a software statement whose signing input no seed has"
            );
            assert!(registration.path().leaf().san_uris().any(|u| u == registration.client_uri()));
            let response = registration.response("client-1");
            assert_eq!(response["software_statement"].as_str(), signed.as_deref(), "the statement echoed unmodified");
            black_box((registration.claims(), registration.community(), registration.grant()));
            black_box(registration.certifications());
        }
        Err(e) => {
            let body = e.error_body();
            let description = body["error_description"].as_str().unwrap_or_default();
            assert!(body["error"].is_string() && description.chars().all(is_description_char), "{body}");
            assert!(matches!(e.http_status(), 400 | 401 | 500));
            black_box((e.to_string(), e.kind(), e.oauth_error(), e.needs()));
        }
    }
});

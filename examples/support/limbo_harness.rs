//! Runs x509-limbo test cases through trustpath (shared by `examples/limbo.rs` and
//! `tests/limbo.rs`).
//!
//! Profile: SERVER cases use `Policy::tls_server()` (RFC 5280 plus the CA/B Forum profile),
//! CLIENT cases `Policy::tls_client()`, both with soft-fail revocation over the chain using the
//! case's CRLs; the case's EKU, key usage, maximum depth and expected peer name are applied on
//! top. Cases without a validation time use a fixed time (the
//! suite's commit date) so results never depend on today's date.

use serde_json::Value;
use trustpath::revocation::{Crl, RevocationData};
use trustpath::{Certificate, CertificatePool, ExpectedName, Policy, TrustStore, UnixTime, ValidationInput, Verifier};

/// Validation time for cases that say "now": 2026-06-29T00:00:00Z, the suite's commit date.
pub const DEFAULT_TIME: u64 = 1_782_691_200;

/// Features whose cases are skipped, each counted and reported:
/// - `pedantic-rfc5280`: its one case wants a trust anchor certificate rejected for lacking
///   authorityKeyIdentifier; trustpath trusts anchors as configured (Direct bundles anchor at
///   intermediates), and cve::cve-2024-0567 expects exactly such an anchor to be accepted.
pub const UNSUPPORTED_FEATURES: &[&str] = &["pedantic-rfc5280"];

/// One case's outcome.
pub struct Outcome {
    pub id: String,
    pub expected: String,
    pub actual: String,
    pub context: String,
    /// The case is one side of a declared `conflicts_with` pair (read by the test only).
    #[allow(dead_code)]
    pub conflicts: bool,
}

fn certs(v: &Value) -> Result<Vec<Certificate>, String> {
    let mut out = Vec::new();
    for pem in v.as_array().into_iter().flatten() {
        let pem = pem.as_str().ok_or("PEM is not a string")?;
        out.push(Certificate::from_pem(pem.as_bytes()).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

fn expected_name(v: &Value) -> Option<ExpectedName> {
    let kind = v.get("kind")?.as_str()?;
    let value = v.get("value")?.as_str()?.to_string();
    Some(match kind {
        "DNS" => ExpectedName::Dns(value),
        "IP" => ExpectedName::Ip(value.parse().ok()?),
        "RFC822" => ExpectedName::Email(value),
        _ => return None,
    })
}

fn oid_for_eku(name: &str) -> Option<const_oid::ObjectIdentifier> {
    use trustpath::policy::*;
    Some(match name {
        "serverAuth" => EKU_SERVER_AUTH,
        "clientAuth" => EKU_CLIENT_AUTH,
        "emailProtection" => EKU_EMAIL_PROTECTION,
        "anyExtendedKeyUsage" => EKU_ANY,
        _ => return None,
    })
}

fn key_usage(name: &str) -> Option<x509_cert::ext::pkix::KeyUsages> {
    use x509_cert::ext::pkix::KeyUsages::*;
    Some(match name {
        "digitalSignature" => DigitalSignature,
        "contentCommitment" | "nonRepudiation" => NonRepudiation,
        "keyEncipherment" => KeyEncipherment,
        "dataEncipherment" => DataEncipherment,
        "keyAgreement" => KeyAgreement,
        "keyCertSign" => KeyCertSign,
        "cRLSign" => CRLSign,
        "encipherOnly" => EncipherOnly,
        "decipherOnly" => DecipherOnly,
        _ => return None,
    })
}

/// Runs one test case: ("SUCCESS" | "FAILURE" | "SKIPPED", context).
pub fn run_case(case: &Value) -> (String, String) {
    let features: Vec<&str> = case["features"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if let Some(f) = features.iter().find(|f| UNSUPPORTED_FEATURES.contains(f)) {
        return ("SKIPPED".into(), format!("unsupported feature {f}"));
    }
    match validate(case) {
        Ok(context) => ("SUCCESS".into(), context),
        Err(context) => ("FAILURE".into(), context),
    }
}

fn validate(case: &Value) -> Result<String, String> {
    let mut policy = match case["validation_kind"].as_str() {
        Some("CLIENT") => Policy::tls_client(),
        _ => Policy::tls_server(),
    };
    if let Some(ekus) = case["extended_key_usage"].as_array()
        && let Some(first) = ekus.first().and_then(Value::as_str)
    {
        policy.eku.required = Some(oid_for_eku(first).ok_or(format!("unknown EKU {first}"))?);
    }
    for ku in case["key_usage"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        policy.leaf_key_usage.push(key_usage(ku).ok_or(format!("unknown key usage {ku}"))?);
    }
    // pathlen::validation-ignores-pathlen-in-leaf expects a CA certificate (without EKU) to be
    // accepted as the leaf, so the harness takes RFC 5280's side of the ca-as-leaf and
    // ee-without-eku conflicts: a CA may be the leaf, and an absent EKU allows every purpose.
    policy.allow_ca_as_leaf = true;
    policy.eku.required_in_leaf = false;
    if let Some(depth) = case["max_chain_depth"].as_u64() {
        policy.max_intermediates = depth as usize;
    }
    let mut store = TrustStore::new();
    for c in certs(&case["trusted_certs"]).map_err(|e| format!("trusted cert: {e}"))? {
        store.add_certificate("limbo", c);
    }
    let mut pool = CertificatePool::new();
    for c in certs(&case["untrusted_intermediates"]).map_err(|e| format!("intermediate: {e}"))? {
        pool.add(c);
    }
    let leaf_pem = case["peer_certificate"].as_str().ok_or("no peer certificate")?;
    let leaf = Certificate::from_pem(leaf_pem.as_bytes()).map_err(|e| format!("leaf: {e}"))?;
    let time = match case["validation_time"].as_str() {
        Some(t) => trustpath::time::parse_rfc3339(t).map_err(|e| e.to_string())?,
        None => UnixTime::since_unix_epoch(std::time::Duration::from_secs(DEFAULT_TIME)),
    };
    let mut input = ValidationInput::new(&leaf, time);
    if let Some(name) = expected_name(&case["expected_peer_name"]) {
        input = input.expect_name(name);
    }
    for n in case["expected_peer_names"].as_array().into_iter().flatten() {
        if let Some(name) = expected_name(n) {
            input = input.expect_name(name);
        }
    }
    let mut revocation = RevocationData::new();
    for pem in case["crls"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        revocation.add_crl(Crl::from_pem_or_der(pem.as_bytes()).map_err(|e| format!("CRL: {e}"))?);
    }
    input = input.revocation(&revocation);
    let verifier = Verifier::new(store, policy).with_intermediates(pool);
    match verifier.verify(&input) {
        Ok(path) => Ok(format!(
            "valid path of {} certificates to {}",
            path.certificates().len(),
            path.anchor().subject_string()
        )),
        Err(e) => Err(format!("{e} [{}]", e.kind())),
    }
}

/// Runs every case of a suite.
pub fn run_suite(suite: &Value) -> Vec<Outcome> {
    suite["testcases"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|case| {
            let (actual, context) = run_case(case);
            Outcome {
                id: case["id"].as_str().unwrap_or_default().to_string(),
                expected: case["expected_result"].as_str().unwrap_or_default().to_string(),
                actual,
                context,
                conflicts: case["conflicts_with"].as_array().is_some_and(|c| !c.is_empty()),
            }
        })
        .collect()
}

//! Runs NIST PKITS (as published with pyhanko-certvalidator's `pkits.json`) through trustpath
//! (shared by `examples/pkits.rs` and `tests/pkits.rs`).
//!
//! Each run: the trust anchor `TrustAnchorRootCertificate.crt`, the run's other certificates as
//! an unordered pool (and as revocation data, since some of them only sign CRLs), the anchor's
//! CRL plus the run's CRLs, `Policy::rfc5280()` with the run's RFC 5280 §6.1.1 initial policy
//! inputs, revocation over the whole chain: hard-fail unless the run says revocation is not
//! required (then soft-fail). Validation time 2022-05-01T00:00:00Z, as upstream.

use std::path::{Path, PathBuf};

use serde_json::Value;
use trustpath::revocation::{Crl, RevocationData, RevocationMode, RevocationPolicy};
use trustpath::{Certificate, CertificatePool, Policy, TrustStore, UnixTime, ValidationInput, Verifier};

/// 2022-05-01T00:00:00Z, the validation time upstream uses.
pub const VALIDATION_TIME: u64 = 1_651_363_200;

/// One run's outcome.
pub struct Outcome {
    /// Upstream's id (`40101` is test 4.1.1) and name.
    pub id: String,
    pub name: String,
    /// `true` when the run must succeed.
    pub expect_valid: bool,
    pub valid: bool,
    /// The error class upstream expects (`PathValidationError`, `RevokedError`, ...), if any.
    pub expected_error: Option<String>,
    /// What trustpath said: the path, or the error and its kind.
    pub context: String,
}

fn read(dir: &Path, sub: &str, name: &str) -> Result<Vec<u8>, String> {
    let path = dir.join(sub).join(name);
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
}

fn certificate(dir: &Path, name: &str) -> Result<Certificate, String> {
    Certificate::from_der(read(dir, "certs", name)?).map_err(|e| format!("{name}: {e}"))
}

fn strings(v: &Value) -> impl Iterator<Item = &str> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str)
}

fn policy_for(run: &Value) -> Result<Policy, String> {
    let mut policy = Policy::rfc5280();
    let mode =
        if run["revocation"] == Value::Bool(false) { RevocationMode::SoftFail } else { RevocationMode::HardFail };
    policy.revocation = RevocationPolicy::chain(mode);
    let params = &run["params"];
    let inputs = &mut policy.certificate_policies;
    for oid in strings(&params["user_initial_policy_set"]) {
        inputs.user_initial_policy_set.push(oid.parse().map_err(|e| format!("policy {oid}: {e:?}"))?);
    }
    inputs.initial_explicit_policy = params["initial_explicit_policy"] == Value::Bool(true);
    inputs.initial_policy_mapping_inhibit = params["initial_policy_mapping_inhibit"] == Value::Bool(true);
    inputs.initial_any_policy_inhibit = params["initial_any_policy_inhibit"] == Value::Bool(true);
    Ok(policy)
}

/// Validates one run: `Ok(context)` for a valid path, `Err(context)` otherwise.
fn validate(dir: &Path, run: &Value) -> Result<String, String> {
    let anchor = certificate(dir, "TrustAnchorRootCertificate.crt")?;
    let mut store = TrustStore::new();
    store.add_certificate("pkits", anchor);
    let mut pool = CertificatePool::new();
    let mut revocation = RevocationData::new();
    for name in strings(&run["other_certs"]) {
        let cert = certificate(dir, name)?;
        revocation.add_certificate(cert.clone());
        pool.add(cert);
    }
    for name in std::iter::once("TrustAnchorRootCRL.crl").chain(strings(&run["crls"])) {
        let crl = Crl::from_der(read(dir, "crls", name)?).map_err(|e| format!("{name}: {e}"))?;
        revocation.add_crl(crl);
    }
    let leaf_name = run["cert"].as_str().ok_or("run without cert")?;
    let leaf = certificate(dir, leaf_name)?;
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(VALIDATION_TIME));
    let verifier = Verifier::new(store, policy_for(run)?).with_intermediates(pool);
    let input = ValidationInput::new(&leaf, time).revocation(&revocation);
    match verifier.verify(&input) {
        Ok(path) => {
            let expected = run["path_len"].as_u64().unwrap_or_default();
            // path_len counts the anchor; the verified path holds the leaf and intermediates.
            let got = path.certificates().len() as u64 + 1;
            if expected != 0 && got != expected {
                return Err(format!("valid, but the path has {got} certificates where {expected} are expected"));
            }
            Ok(format!("valid path of {got} certificates"))
        }
        Err(e) => Err(format!("{e} [{}]", e.kind())),
    }
}

/// Runs every run of `pkits.json` in the suite directory `dir`.
pub fn run_suite(dir: &Path) -> Result<Vec<Outcome>, String> {
    let index: PathBuf = dir.join("pkits.json");
    let text = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let runs: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", index.display()))?;
    let runs = runs.as_array().ok_or("pkits.json is not a list")?;
    Ok(runs
        .iter()
        .map(|run| {
            let result = validate(dir, run);
            let expected_error = run["error"]["class"].as_str().map(str::to_string);
            Outcome {
                id: run["id"].as_str().unwrap_or_default().to_string(),
                name: run["name"].as_str().unwrap_or_default().to_string(),
                expect_valid: run.get("error").is_none(),
                valid: result.is_ok(),
                expected_error,
                context: result.unwrap_or_else(|e| e),
            }
        })
        .collect())
}

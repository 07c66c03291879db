//! Validates a certificate chain and shows a rejected one with its reason.
//!
//! `cargo run --release --example verify_chain`
//!
//! Uses the generated base PKI of `test-vectors/pki/base/` (root, intermediate, leaf for
//! `leaf.example.com`; see `testgen/`), validated at the suite's fixed time, first with its
//! intermediate (accepted), then without it (rejected).

use std::path::Path;

use trustpath::{Certificate, CertificatePool, ExpectedName, Policy, TrustStore, ValidationInput, Verifier};

fn load(file: &str) -> Result<Certificate, Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki/base").join(file);
    let pem = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Certificate::from_pem(&pem)?)
}

fn run(title: &str, with_intermediate: bool) -> Result<(), Box<dyn std::error::Error>> {
    let mut store = TrustStore::new();
    store.add_certificate("web", load("root.pem")?);
    let mut pool = CertificatePool::new();
    if with_intermediate {
        pool.add(load("intermediate.pem")?);
    }
    let leaf = load("leaf.pem")?;
    // The test PKI's fixed validation time (its certificates are valid 2025 to 2030).
    let time = trustpath::time::parse_rfc3339("2026-06-01T00:00:00Z")?;
    let verifier = Verifier::new(store, Policy::tls_server()).with_intermediates(pool);
    let input = ValidationInput::new(&leaf, time).expect_name(ExpectedName::Dns("leaf.example.com".into()));
    println!("== {title}: leaf {} at {}", leaf.subject_string(), trustpath::time::format_rfc3339(time));
    match verifier.verify(&input) {
        Ok(path) => {
            println!("   VALID, community {:?}", path.community());
            for (i, cert) in path.certificates().iter().enumerate() {
                println!("   [{i}] {}", cert.subject_string());
            }
            println!("   [anchor] {}", path.anchor().subject_string());
        }
        Err(e) => println!("   REJECTED ({}): {e}", e.kind()),
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    run("with the intermediate", true)?;
    run("without the intermediate", false)?;
    Ok(())
}

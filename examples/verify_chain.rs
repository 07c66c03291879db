//! Validates a bundled certificate chain and shows a rejected one with its reason.
//!
//! `cargo run --release --example verify_chain`
//!
//! Uses the cryptography.io chain from the bundled x509-limbo suite (validated at the suite's
//! fixed time), first with its intermediate (accepted), then without it (rejected).

use trustpath::{Certificate, CertificatePool, ExpectedName, Policy, TrustStore, ValidationInput, Verifier};

fn case<'a>(suite: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    suite["testcases"].as_array().into_iter().flatten().find(|c| c["id"] == id).unwrap_or(&serde_json::Value::Null)
}

fn run(suite: &serde_json::Value, id: &str) -> Result<(), Box<dyn std::error::Error>> {
    let c = case(suite, id);
    let mut store = TrustStore::new();
    for pem in c["trusted_certs"].as_array().into_iter().flatten() {
        store.add_certificate("web", Certificate::from_pem(pem.as_str().unwrap_or_default().as_bytes())?);
    }
    let mut pool = CertificatePool::new();
    for pem in c["untrusted_intermediates"].as_array().into_iter().flatten() {
        pool.add(Certificate::from_pem(pem.as_str().unwrap_or_default().as_bytes())?);
    }
    let leaf = Certificate::from_pem(c["peer_certificate"].as_str().unwrap_or_default().as_bytes())?;
    let time = trustpath::time::parse_rfc3339(c["validation_time"].as_str().unwrap_or_default())?;
    let verifier = Verifier::new(store, Policy::tls_server()).with_intermediates(pool);
    let input = ValidationInput::new(&leaf, time).expect_name(ExpectedName::Dns("cryptography.io".into()));
    println!("== {id}: leaf {} at {}", leaf.subject_string(), trustpath::time::format_rfc3339(time));
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
    let suite: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("test-vectors/limbo/limbo.json")?)?;
    run(&suite, "webpki::cryptographydotio-chain")?;
    run(&suite, "webpki::cryptographydotio-chain-missing-intermediate")?;
    Ok(())
}

//! `udap`: writes trustpath's UDAP test vectors to `test-vectors/udap/`: a two-community test
//! PKI with CRLs, client and server certificates with their keys, and a catalogue of client
//! assertions, registration requests and signed metadata documents with a manifest of the
//! expected results.
//!
//! ```text
//! cargo run --release -p trustpath-testgen --bin udap [-- OUTPUT_DIR]
//! ```
//!
//! Keys are read from `OUTPUT_DIR/keys/` (generated there only when missing). Every other file
//! is rewritten, and files the generator no longer produces are removed. Times are fixed and
//! every signature is deterministic, so two runs give identical directories.

#![forbid(unsafe_code)]

#[path = "udap/cases/mod.rs"]
mod cases;
#[path = "udap/jws.rs"]
mod jws;
#[path = "udap/manifest.rs"]
mod manifest;
#[path = "udap/out.rs"]
mod out;
#[path = "udap/pki.rs"]
mod pki;
#[path = "udap/readme.rs"]
mod readme;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use trustpath_testgen::time::rfc3339;
use trustpath_testgen::{KeyKind, KeyStore, Result};

use manifest::{CertificateEntry, Community, Manifest};
use out::Output;

fn default_out() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("test-vectors").join("udap")
}

fn key_type(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::P256 => "EC P-256",
        KeyKind::Rsa2048 => "RSA-2048",
        _ => "other",
    }
}

fn run(dir: &Path) -> Result<()> {
    let mut out = Output::new(dir);
    let mut keys = KeyStore::new(dir.join("keys"));
    let pki = pki::build(&mut keys, &mut out)?;
    let cases = cases::generate(&pki, &mut out)?;

    let trusted: Vec<_> = pki.hierarchies.iter().filter(|h| h.trusted).collect();
    let manifest = Manifest {
        version: 1,
        description: "trustpath UDAP vectors (HL7 UDAP Security IG STU2): client assertions, registration requests and \
                      signed metadata with expected results; file paths are relative to this directory",
        validation_time: rfc3339(pki::now()),
        validation_time_unix: pki::now(),
        clock_skew_seconds: 60,
        policy: "udap",
        revocation: "hard",
        revocation_scope: "chain",
        base_url: pki::BASE_URL,
        token_endpoint: pki::TOKEN_URL,
        registration_endpoint: pki::REGISTER_URL,
        authorization_endpoint: pki::AUTHORIZE_URL,
        communities: trusted
            .iter()
            .map(|h| Community { name: h.community, anchors: vec![h.root.cert_file.clone()] })
            .collect(),
        intermediates: trusted.iter().map(|h| h.intermediate.cert_file.clone()).collect(),
        crls: pki.hierarchies.iter().flat_map(|h| [h.root.crl_file.clone(), h.intermediate.crl_file.clone()]).collect(),
        certificates: pki
            .leaves
            .values()
            .map(|l| CertificateEntry {
                id: l.id,
                description: l.description,
                certificate: format!("certs/{}.pem", l.id),
                chain: format!("certs/{}-chain.pem", l.id),
                private_key: format!("keys/{}.pem", l.id),
                key_type: key_type(l.key.kind()),
                community: pki
                    .hierarchies
                    .iter()
                    .find(|h| h.community == l.community && h.trusted)
                    .map(|h| h.community),
                san_uris: l.san_uris.clone(),
            })
            .collect(),
        cases,
    };
    let mut json = serde_json::to_string_pretty(&manifest)?;
    json.push('\n');
    out.file("manifest.json", json.into_bytes());
    out.file("README.md", readme::readme(&manifest).into_bytes());
    let written = out.write_all()?;
    for k in keys.generated() {
        eprintln!("generated new key keys/{k}.pem");
    }
    eprintln!("wrote {written} files and {} cases to {}", manifest.cases.len(), dir.display());
    Ok(())
}

fn main() -> ExitCode {
    let dir = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(default_out);
    match run(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("udap: {e}");
            ExitCode::FAILURE
        }
    }
}

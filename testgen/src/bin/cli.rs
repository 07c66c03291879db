//! `cli`: writes the chain that `tests/cli.rs` drives the `trustpath` command-line tool with, to
//! `test-vectors/cli/` (the `revocation/` PKI beside it comes from its own OpenSSL script).
//!
//! ```text
//! cargo run --release -p trustpath-testgen --bin cli [-- OUTPUT_DIR]
//! ```
//!
//! A web-PKI-shaped chain: an RSA-3072 root, an RSA-2048 issuing CA that asserts two
//! certificate policies and names a CRL distribution point, and a short-lived P-256 server
//! certificate for `cli.example.test` that asserts the same policies and names only an OCSP
//! responder. Keys are read from `OUTPUT_DIR/keys/` (generated there only when missing); every
//! other file is rewritten byte for byte. Times are fixed: the CAs are valid 2025-01-01 to
//! 2035-01-01, the leaf 2026-05-01 to 2026-07-30T12:00:00Z; the tests validate at 2026-06-01.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use const_oid::ObjectIdentifier;
use trustpath_testgen::bundle::{pem_certificates, pkcs7_certs_only};
use trustpath_testgen::name::{NameBuilder, dns};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::time::unix;
use trustpath_testgen::{KeyKind, KeyStore, Result, ext};

/// CA/Browser Forum domain-validated (2.23.140.1.2.1).
const POLICY_DV: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.23.140.1.2.1");
/// The test PKI's own policy, under the same private arc as `revocation/`'s.
const POLICY_CLI: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.55555.10.1");
const ORG: &str = "Trustpath CLI Test PKI";
const ROOT_CRL_URL: &str = "http://crl.cli.example.test/root.crl";
const OCSP_URL: &str = "http://ocsp.cli.example.test";
const LEAF_NAME: &str = "cli.example.test";

fn default_out() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("test-vectors").join("cli")
}

fn run(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut keys = KeyStore::new(dir.join("keys"));
    let (ca_from, ca_to) = (unix(2025, 1, 1, 0, 0, 0), unix(2035, 1, 1, 0, 0, 0));

    let root_key = keys.key("root", KeyKind::Rsa3072)?;
    let root_name = NameBuilder::new().c("US").o(ORG).cn("Trustpath CLI Root").build()?;
    let root_der = templates::root(&root_name, &root_key)?.validity(ca_from, ca_to).sign(&root_key)?;
    let root = Issuer::new(root_name, root_key, root_der);

    let int_key = keys.key("intermediate", KeyKind::Rsa2048)?;
    let int_name = NameBuilder::new().c("US").o(ORG).cn("Trustpath CLI Issuing CA").build()?;
    let int_builder = templates::intermediate(&int_name, &int_key, &root)?
        .validity(ca_from, ca_to)
        .extension(ext::certificate_policies(&[POLICY_DV, POLICY_CLI])?)
        .extension(ext::crl_distribution_points(&[ROOT_CRL_URL])?);
    let int_der = root.sign(&int_builder)?;
    let intermediate = Issuer::new(int_name, int_key, int_der);

    let leaf_key = keys.key("leaf", KeyKind::P256)?;
    let leaf_name = NameBuilder::new().cn(LEAF_NAME).build()?;
    let leaf_builder = templates::leaf(&leaf_name, &leaf_key, &intermediate)?
        .validity(unix(2026, 5, 1, 0, 0, 0), unix(2026, 7, 30, 12, 0, 0))
        .extension(ext::subject_alt_name(false, vec![dns(LEAF_NAME)?])?)
        .extension(ext::certificate_policies(&[POLICY_DV, POLICY_CLI])?)
        .extension(ext::authority_info_access(&[OCSP_URL], &[])?);
    let leaf_der = intermediate.sign(&leaf_builder)?;

    let chain = [leaf_der.clone(), intermediate.der.clone()];
    let files: [(&str, Vec<u8>); 7] = [
        ("root.pem", pem_certificates(std::slice::from_ref(&root.der))?.into_bytes()),
        ("root.der", root.der.clone()),
        ("intermediate.pem", pem_certificates(std::slice::from_ref(&intermediate.der))?.into_bytes()),
        ("leaf.pem", pem_certificates(std::slice::from_ref(&leaf_der))?.into_bytes()),
        ("leaf.der", leaf_der.clone()),
        ("chain.pem", pem_certificates(&chain)?.into_bytes()),
        ("chain.p7b", pkcs7_certs_only(&chain)),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes)?;
    }
    for k in keys.generated() {
        eprintln!("generated new key keys/{k}.pem");
    }
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}

fn main() -> ExitCode {
    let out = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(default_out);
    match run(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cli: {e}");
            ExitCode::FAILURE
        }
    }
}

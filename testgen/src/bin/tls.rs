//! `tls`: writes the test PKI for trustpath's mutual-TLS verifiers and the example FHIR server
//! to `test-vectors/tls/`.
//!
//! ```text
//! cargo run --release -p trustpath-testgen --bin tls [-- OUTPUT_DIR]
//! ```
//!
//! Keys are read from `OUTPUT_DIR/keys/` (generated there only when missing); every other file
//! is rewritten byte for byte. All times are fixed: the certificates are valid from 2025-01-01
//! to 2045-01-01 (long enough for the example server, which runs with the real clock), except
//! the expired and not-yet-valid clients; tests validate at 2026-06-01.

#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use der::Decode;
use x509_cert::ext::pkix::KeyUsages;
use x509_cert::name::Name;

use trustpath_testgen::bundle::{pem, pem_certificates};
use trustpath_testgen::crl::{crl_number, reason};
use trustpath_testgen::name::{NameBuilder, dns, email, ip, uri};
use trustpath_testgen::ocsp::{CertId, CertIdHash, OcspCertStatus, ResponderId, SingleResponse};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::time::{rfc3339, unix};
use trustpath_testgen::{CrlBuilder, CrlEntry, Error, KeyKind, KeyPair, KeyStore, OcspResponseBuilder, Result, ext};

/// Start of the bundled certificates' validity.
fn not_before() -> u64 {
    unix(2025, 1, 1, 0, 0, 0)
}

/// End of the bundled certificates' validity.
fn not_after() -> u64 {
    unix(2045, 1, 1, 0, 0, 0)
}

/// The validation time the tests use.
fn test_time() -> u64 {
    unix(2026, 6, 1, 0, 0, 0)
}

const ORG: &str = "Trustpath Test Community";
const INTERMEDIATE_CRL_URL: &str = "http://pki.trustpath.test/crl/issuing-ca-1.crl";
const ROOT_CRL_URL: &str = "http://pki.trustpath.test/crl/root-ca.crl";

/// One output file.
struct Out {
    dir: PathBuf,
    written: Vec<(String, String)>,
}

impl Out {
    fn write(&mut self, name: &str, what: &str, contents: impl AsRef<[u8]>) -> Result<()> {
        std::fs::write(self.dir.join(name), contents)?;
        self.written.push((name.to_string(), what.to_string()));
        Ok(())
    }
}

fn name(org: &str, cn: &str) -> Result<Name> {
    NameBuilder::new().c("US").o(org).cn(cn).build()
}

/// An end-entity certificate: the template's extensions with `eku` and `san`, a CRL
/// distribution point, and the given validity.
struct LeafSpec<'a> {
    file: &'a str,
    key: &'a str,
    kind: KeyKind,
    org: &'a str,
    cn: &'a str,
    san: Vec<x509_cert::ext::pkix::name::GeneralName>,
    eku: &'a [const_oid::ObjectIdentifier],
    key_usage: &'a [KeyUsages],
    validity: (u64, u64),
    what: &'a str,
}

fn leaf(keys: &mut KeyStore, issuer: &Issuer, spec: LeafSpec<'_>) -> Result<(Vec<u8>, Arc<KeyPair>)> {
    let key = keys.key(spec.key, spec.kind)?;
    let subject = name(spec.org, spec.cn)?;
    let builder = templates::leaf(&subject, &key, issuer)?
        .validity(spec.validity.0, spec.validity.1)
        .replace_extension(ext::key_usage(true, spec.key_usage)?)
        .replace_extension(ext::extended_key_usage(false, spec.eku)?)
        .extension(ext::subject_alt_name(false, spec.san)?)
        .extension(ext::crl_distribution_points(&[INTERMEDIATE_CRL_URL])?);
    Ok((issuer.sign(&builder)?, key))
}

fn serial_of(der: &[u8]) -> Result<Vec<u8>> {
    let cert = x509_cert::Certificate::from_der(der)?;
    Ok(cert.tbs_certificate().serial_number().as_bytes().to_vec())
}

fn run(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut keys = KeyStore::new(dir.join("keys"));
    let mut out = Out { dir: dir.to_path_buf(), written: Vec::new() };
    let (nb, na) = (not_before(), not_after());

    // The community: a root and an issuing intermediate.
    let root_key = keys.key("root-ca", KeyKind::P384)?;
    let root_name = name(ORG, "Trustpath Test Community Root CA")?;
    let root_der = templates::root(&root_name, &root_key)?.validity(nb, na).sign(&root_key)?;
    let root = Issuer::new(root_name, root_key, root_der);

    let int_key = keys.key("intermediate-ca", KeyKind::P256)?;
    let int_name = name(ORG, "Trustpath Test Community Issuing CA 1")?;
    let int_builder = templates::intermediate(&int_name, &int_key, &root)?
        .validity(nb, na)
        .extension(ext::crl_distribution_points(&[ROOT_CRL_URL])?);
    let int_der = root.sign(&int_builder)?;
    let intermediate = Issuer::new(int_name, int_key, int_der);

    // A root outside the community.
    let rogue_key = keys.key("rogue-root-ca", KeyKind::P256)?;
    let rogue_name = name("Rogue Test PKI", "Rogue Test Root CA")?;
    let rogue_der = templates::root(&rogue_name, &rogue_key)?.validity(nb, na).sign(&rogue_key)?;
    let rogue = Issuer::new(rogue_name, rogue_key, rogue_der);

    out.write(
        "anchors.pem",
        "trust anchors of the community (its root CA): `--anchors`",
        &pem_certificates(std::slice::from_ref(&root.der))?,
    )?;
    out.write(
        "root-ca.pem",
        "community root CA (P-384, self-signed)",
        &pem_certificates(std::slice::from_ref(&root.der))?,
    )?;
    out.write(
        "intermediate-ca.pem",
        "community issuing CA (P-256), issued by the root",
        &pem_certificates(std::slice::from_ref(&intermediate.der))?,
    )?;
    out.write(
        "rogue-root-ca.pem",
        "a root CA outside the community",
        &pem_certificates(std::slice::from_ref(&rogue.der))?,
    )?;

    let client_auth = [ext::EKU_CLIENT_AUTH];
    let server_auth = [ext::EKU_SERVER_AUTH];
    let signing = [KeyUsages::DigitalSignature];
    let localhost = || -> Result<Vec<_>> {
        Ok(vec![dns("localhost")?, ip(IpAddr::V4(Ipv4Addr::LOCALHOST)), ip(IpAddr::V6(Ipv6Addr::LOCALHOST))])
    };

    // Servers.
    let (server, _) = leaf(
        &mut keys,
        &intermediate,
        LeafSpec {
            file: "server-chain.pem",
            key: "server",
            kind: KeyKind::P256,
            org: "Trustpath Test FHIR Server",
            cn: "localhost",
            san: localhost()?,
            eku: &server_auth,
            key_usage: &signing,
            validity: (nb, na),
            what: "",
        },
    )?;
    out.write(
        "server-chain.pem",
        "server certificate for localhost, 127.0.0.1 and ::1 (serverAuth) + issuing CA; key `keys/server.pem`",
        &pem_certificates(&[server.clone(), intermediate.der.clone()])?,
    )?;
    // OCSP responses for the server certificate, signed by the issuing CA, for stapling.
    let server_id =
        CertId::new(CertIdHash::Sha1, &intermediate.name, intermediate.key.spki_der(), &serial_of(&server)?)?;
    let ocsp_time = unix(2025, 6, 1, 0, 0, 0);
    for (file, status, what) in [
        ("server-ocsp-good.der", OcspCertStatus::Good, "OCSP response (DER): the server certificate is good"),
        (
            "server-ocsp-revoked.der",
            OcspCertStatus::Revoked { time: ocsp_time, reason: Some(reason::KEY_COMPROMISE) },
            "OCSP response (DER): the server certificate is revoked",
        ),
    ] {
        let response = OcspResponseBuilder::new(ResponderId::by_key(intermediate.key.spki_der())?, ocsp_time)
            .response(SingleResponse::new(server_id.clone(), status, ocsp_time, Some(na)))
            .sign(&intermediate.key)?;
        out.write(file, what, response)?;
    }
    let (rogue_server, _) = leaf(
        &mut keys,
        &rogue,
        LeafSpec {
            file: "",
            key: "server-untrusted",
            kind: KeyKind::P256,
            org: "Rogue Test PKI",
            cn: "localhost",
            san: localhost()?,
            eku: &server_auth,
            key_usage: &signing,
            validity: (nb, na),
            what: "",
        },
    )?;
    out.write(
        "server-untrusted-chain.pem",
        "server certificate for localhost issued by the rogue root + that root; key `keys/server-untrusted.pem`",
        &pem_certificates(&[rogue_server, rogue.der.clone()])?,
    )?;

    // Clients.
    let app = "Example Health App";
    let clients: Vec<(LeafSpec<'_>, &Issuer)> = vec![
        (
            LeafSpec {
                file: "client-chain.pem",
                key: "client",
                kind: KeyKind::P256,
                org: app,
                cn: "Example FHIR Client",
                san: vec![
                    uri("https://client.example.org/fhir-app")?,
                    dns("client.example.org")?,
                    email("ops@client.example.org")?,
                ],
                eku: &client_auth,
                key_usage: &signing,
                validity: (nb, na),
                what: "valid client (P-256, clientAuth), SAN URI https://client.example.org/fhir-app",
            },
            &intermediate,
        ),
        (
            LeafSpec {
                file: "client-rsa-chain.pem",
                key: "client-rsa",
                kind: KeyKind::Rsa2048,
                org: app,
                cn: "Example FHIR Client (RSA)",
                san: vec![uri("https://rsa-client.example.org/fhir-app")?],
                eku: &client_auth,
                key_usage: &signing,
                validity: (nb, na),
                what: "valid client (RSA-2048, clientAuth)",
            },
            &intermediate,
        ),
        (
            LeafSpec {
                file: "client-ed25519-chain.pem",
                key: "client-ed25519",
                kind: KeyKind::Ed25519,
                org: app,
                cn: "Example FHIR Client (Ed25519)",
                san: vec![uri("https://ed25519-client.example.org/fhir-app")?],
                eku: &client_auth,
                key_usage: &signing,
                validity: (nb, na),
                what: "valid client (Ed25519, clientAuth); PKCS#8 v2 key: rustls reads it, curl on OpenSSL 3.0 may not",
            },
            &intermediate,
        ),
        (
            LeafSpec {
                file: "client-expired-chain.pem",
                key: "client-expired",
                kind: KeyKind::P256,
                org: app,
                cn: "Expired FHIR Client",
                san: vec![uri("https://expired.example.org/fhir-app")?],
                eku: &client_auth,
                key_usage: &signing,
                validity: (nb, unix(2026, 1, 1, 0, 0, 0)),
                what: "expired client (notAfter 2026-01-01)",
            },
            &intermediate,
        ),
        (
            LeafSpec {
                file: "client-not-yet-valid-chain.pem",
                key: "client-not-yet-valid",
                kind: KeyKind::P256,
                org: app,
                cn: "Future FHIR Client",
                san: vec![uri("https://future.example.org/fhir-app")?],
                eku: &client_auth,
                key_usage: &signing,
                validity: (unix(2040, 1, 1, 0, 0, 0), na),
                what: "client not valid before 2040-01-01",
            },
            &intermediate,
        ),
        (
            LeafSpec {
                file: "client-revoked-chain.pem",
                key: "client-revoked",
                kind: KeyKind::P256,
                org: app,
                cn: "Revoked FHIR Client",
                san: vec![uri("https://revoked.example.org/fhir-app")?],
                eku: &client_auth,
                key_usage: &signing,
                validity: (nb, na),
                what: "client revoked (keyCompromise) by `intermediate-ca.crl.pem`",
            },
            &intermediate,
        ),
        (
            LeafSpec {
                file: "client-wrong-eku-chain.pem",
                key: "client-wrong-eku",
                kind: KeyKind::P256,
                org: app,
                cn: "Server-Only FHIR Client",
                san: vec![uri("https://wrong-eku.example.org/fhir-app")?],
                eku: &server_auth,
                key_usage: &signing,
                validity: (nb, na),
                what: "client whose extendedKeyUsage is serverAuth only",
            },
            &intermediate,
        ),
        (
            LeafSpec {
                file: "client-wrong-ku-chain.pem",
                key: "client-wrong-ku",
                kind: KeyKind::P256,
                org: app,
                cn: "Key-Agreement-Only FHIR Client",
                san: vec![uri("https://wrong-ku.example.org/fhir-app")?],
                eku: &client_auth,
                key_usage: &[KeyUsages::KeyAgreement],
                validity: (nb, na),
                what: "client whose keyUsage is keyAgreement only (no digitalSignature)",
            },
            &intermediate,
        ),
        (
            LeafSpec {
                file: "client-untrusted-chain.pem",
                key: "client-untrusted",
                kind: KeyKind::P256,
                org: "Rogue Test PKI",
                cn: "Untrusted FHIR Client",
                san: vec![uri("https://untrusted.example.org/fhir-app")?],
                eku: &client_auth,
                key_usage: &signing,
                validity: (nb, na),
                what: "client issued by the rogue root (not a community anchor) + that root",
            },
            &rogue,
        ),
    ];

    let mut revoked_serial = None;
    for (spec, issuer) in clients {
        let file = spec.file;
        let what = format!("{}; key `keys/{}.pem`", spec.what, spec.key);
        let key_name = spec.key;
        let (der, _) = leaf(&mut keys, issuer, spec)?;
        if key_name == "client-revoked" {
            revoked_serial = Some(serial_of(&der)?);
        }
        out.write(file, &what, &pem_certificates(&[der, issuer.der.clone()])?)?;
    }

    // CRLs: the issuing CA revokes one client; the root's CRL (empty) covers the issuing CA, so
    // hard-fail revocation policies (UDAP) find a status for every certificate of the chain.
    let serial = revoked_serial.ok_or_else(|| Error::msg("no revoked client"))?;
    let crl_time = unix(2025, 6, 1, 0, 0, 0);
    let int_crl = CrlBuilder::new(&intermediate.name, crl_time, na)?
        .entry(CrlEntry::new(&serial, crl_time).reason(reason::KEY_COMPROMISE))
        .extension(crl_number(1))
        .extension(ext::authority_key_identifier(&intermediate.key.key_id())?)
        .sign(&intermediate.key)?;
    out.write("intermediate-ca.crl.pem", "CRL of the issuing CA: revokes client-revoked", &pem("X509 CRL", &int_crl)?)?;
    let root_crl = CrlBuilder::new(&root.name, crl_time, na)?
        .extension(crl_number(1))
        .extension(ext::authority_key_identifier(&root.key.key_id())?)
        .sign(&root.key)?;
    out.write("root-ca.crl.pem", "CRL of the root CA (empty)", &pem("X509 CRL", &root_crl)?)?;

    let text = readme(&out.written);
    out.write("README.md", "", text)?;
    for k in keys.generated() {
        eprintln!("generated new key keys/{k}.pem");
    }
    eprintln!("wrote {} files to {}", out.written.len(), dir.display());
    Ok(())
}

fn readme(files: &[(String, String)]) -> String {
    let mut table = String::new();
    for (file, what) in files {
        table.push_str(&format!("| `{file}` | {what} |\n"));
    }
    format!(
        r#"# Test PKI for mutual TLS

Generated by `cargo run --release -p trustpath-testgen --bin tls` (testgen/src/bin/tls.rs); do
not edit by hand. Keys live in `keys/` (PKCS#8 PEM) and are reused when present, so
regenerating gives byte-identical files. **These private keys are public: use them for tests
only.**

Certificates are valid from {nb} to {na}, long enough for the example
server, which runs with the real clock; the expired and not-yet-valid clients are the
exceptions. The integration tests (`tests/tls.rs`) validate at {test}.

| file | content |
| --- | --- |
{table}
## Try the example server

```sh
cargo run --release --features rustls --example fhir_mtls_server -- \
  --listen 127.0.0.1:8443 \
  --cert test-vectors/tls/server-chain.pem --key test-vectors/tls/keys/server.pem \
  --anchors test-vectors/tls/anchors.pem \
  --crl test-vectors/tls/intermediate-ca.crl.pem --crl test-vectors/tls/root-ca.crl.pem
```

Then, in another shell from the repository root:

```sh
cd test-vectors/tls
# Anyone: the CapabilityStatement.
curl --cacert anchors.pem https://localhost:8443/metadata
# A1: no client certificate -> 401; a trusted one -> the Patient.
curl --cacert anchors.pem https://localhost:8443/Patient/1
curl --cacert anchors.pem --cert client-chain.pem --key keys/client.pem https://localhost:8443/Patient/1
# A2: client_credentials with the certificate, then the bearer token without it.
curl --cacert anchors.pem --cert client-chain.pem --key keys/client.pem \
  -d grant_type=client_credentials https://localhost:8443/token
curl --cacert anchors.pem -H "Authorization: Bearer TOKEN" https://localhost:8443/Patient/2
# Refused in the handshake: expired, revoked, untrusted, wrong purpose.
curl --cacert anchors.pem --cert client-revoked-chain.pem --key keys/client-revoked.pem \
  https://localhost:8443/Patient/1
```
"#,
        nb = rfc3339(not_before()),
        na = rfc3339(not_after()),
        test = rfc3339(test_time()),
    )
}

fn default_out() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("test-vectors").join("tls")
}

fn main() -> ExitCode {
    let out = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(default_out);
    match run(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tls: {e}");
            ExitCode::FAILURE
        }
    }
}

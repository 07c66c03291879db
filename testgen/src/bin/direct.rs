//! `direct`: writes the Direct (S/MIME) test PKI to `test-vectors/direct/`, reproducibly.
//!
//! ```text
//! cargo run -p trustpath-testgen --bin direct [-- OUTPUT_DIR]
//! ```
//!
//! A root, an intermediate "Direct CA" (the anchor of a DirectTrust-style bundle, which
//! anchors at intermediates), signing certificates bound to addresses and to a domain, an
//! encryption-only certificate, a revoked one, one from another CA, a P-256 one, a HISP's
//! domain-bound one for another domain, CRLs, a
//! certs-only `.p7b` bundle, a FHIR Bundle and the MIME entity that
//! `openssl/make-openssl-vectors.sh` signs. Keys are PKCS#8 PEM files in `keys/` (generated
//! only when missing). Signed messages are made by the tests (trustpath's signer) and by that
//! script (OpenSSL), not here.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use const_oid::ObjectIdentifier;
use x509_cert::ext::pkix::KeyUsages;
use x509_cert::ext::pkix::name::GeneralName;

use trustpath_testgen::bundle::{pem, pem_certificates, pkcs7_certs_only};
use trustpath_testgen::crl::{self, CrlEntry};
use trustpath_testgen::name::{self, NameBuilder};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::time::{rfc3339, unix, validation_time};
use trustpath_testgen::{CertBuilder, CrlBuilder, KeyKind, KeyPair, KeyStore, Result, ext};

const CP_V1_3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.0.1.3");
const LOA_3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.1.3");
const COVERED_ENTITY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.2.1");

const DOMAIN: &str = "direct.example.org";
/// The domain of the FHIR endpoint's HISP (`hisp.pem`).
const HISP_DOMAIN: &str = "hospital.example.net";
const INT_CRL_URL: &str = "http://crl.example.org/direct-ca.crl";
const ROOT_CRL_URL: &str = "http://crl.example.org/root.crl";

fn default_out() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("test-vectors").join("direct")
}

struct Out {
    dir: PathBuf,
    written: usize,
}

impl Out {
    fn write(&mut self, path: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        let path = self.dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
        self.written += 1;
        Ok(())
    }
}

/// An end-entity certificate as a Direct HISP issues it: keyUsage (critical) `usages`,
/// extendedKeyUsage emailProtection, the subjectAltNames, SKI/AKI, a CRL distribution point
/// and the DirectTrust policies.
fn direct_leaf(
    cn: &str,
    key: &KeyPair,
    issuer: &Issuer,
    usages: &[KeyUsages],
    names: Vec<GeneralName>,
    crl_url: &str,
) -> Result<CertBuilder> {
    let subject = NameBuilder::new().c("US").o("Example Health").cn(cn).build()?;
    Ok(CertBuilder::new(&subject, key).issuer(&issuer.name).extensions([
        ext::key_usage(true, usages)?,
        ext::extended_key_usage(false, &[ext::EKU_EMAIL_PROTECTION])?,
        ext::subject_alt_name(false, names)?,
        ext::subject_key_identifier(&key.key_id())?,
        ext::authority_key_identifier(&issuer.key.key_id())?,
        ext::crl_distribution_points(&[crl_url])?,
        ext::certificate_policies(&[CP_V1_3, LOA_3, COVERED_ENTITY])?,
    ]))
}

fn ca(keys: &mut KeyStore, key_name: &str, cn: &str, issuer: Option<&Issuer>, crl_url: Option<&str>) -> Result<Issuer> {
    let key = keys.key(key_name, KeyKind::Rsa2048)?;
    let name = NameBuilder::new().c("US").o("Example Trust Community").cn(cn).build()?;
    let der = match issuer {
        None => templates::root(&name, &key)?.sign(&key)?,
        Some(issuer) => {
            let mut builder =
                templates::intermediate(&name, &key, issuer)?.extension(ext::certificate_policies(&[CP_V1_3, LOA_3])?);
            if let Some(url) = crl_url {
                builder = builder.extension(ext::crl_distribution_points(&[url])?);
            }
            issuer.sign(&builder)?
        }
    };
    Ok(Issuer::new(name, key, der))
}

fn serial_of(der: &[u8]) -> Result<Vec<u8>> {
    use der::Decode;
    let cert = x509_cert::Certificate::from_der(der)?;
    Ok(cert.tbs_certificate().serial_number().as_bytes().to_vec())
}

const BUNDLE_JSON: &str = r#"{
  "resourceType": "Bundle",
  "id": "direct-example-collection",
  "type": "collection",
  "timestamp": "2026-05-31T12:00:00Z",
  "entry": [
    {
      "fullUrl": "urn:uuid:5b8a5a4e-6c2e-4a8f-9a53-7f4d2b1c0e11",
      "resource": {
        "resourceType": "Patient",
        "id": "example",
        "name": [{ "family": "Chalmers", "given": ["Peter", "James"] }],
        "gender": "male",
        "birthDate": "1974-12-25"
      }
    }
  ]
}
"#;

/// Base64 (RFC 4648) in lines of 76 characters ending with CRLF.
fn base64_lines(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                encoded.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]);
            } else {
                encoded.push(b'=');
            }
        }
    }
    encoded.chunks(76).map(|c| format!("{}\r\n", String::from_utf8_lossy(c))).collect()
}

/// A wrapped Direct message (RFC 8551 §3.1 `message/rfc822`) with a text part and the FHIR
/// Bundle, CRLF line ends: the content `openssl cms -sign` signs in the script.
fn entity() -> String {
    format!(
        "Content-Type: message/rfc822\r\n\r\n\
         From: alice@{DOMAIN}\r\nTo: bob@direct.example.net\r\nSubject: FHIR Bundle for Peter Chalmers\r\n\
         Date: Sun, 31 May 2026 12:00:00 +0000\r\nMessage-ID: <openssl-vector@{DOMAIN}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"=_mixed_openssl\"\r\n\r\n\
         --=_mixed_openssl\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\
         Please find the patient summary attached.\r\n\
         --=_mixed_openssl\r\nContent-Type: application/fhir+json; name=\"bundle.json\"\r\n\
         Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"bundle.json\"\r\n\r\n\
         {}--=_mixed_openssl--\r\n",
        base64_lines(BUNDLE_JSON.as_bytes())
    )
}

fn readme() -> String {
    format!(
        "# Direct (S/MIME) test vectors\n\n\
Generated by `cargo run -p trustpath-testgen --bin direct` (testgen/src/bin/direct.rs); do not edit by\n\
hand. Validation time: {time}. Certificates are valid 2025-01-01 to 2030-01-01; CRLs from\n\
{this} to {next}.\n\n\
| File | What |\n|---|---|\n\
| `root.pem` | self-signed root (RSA 2048) |\n\
| `int.pem` | intermediate \"Direct CA\" issued by the root: the anchor of `bundle.p7b`, as DirectTrust bundles anchor at intermediates |\n\
| `bundle.p7b` | certs-only PKCS#7 holding `int.pem` |\n\
| `address.pem` | signing/encryption (digitalSignature, keyEncipherment) certificate bound to `alice@{DOMAIN}` (rfc822Name) |\n\
| `chain-address.pem` | `address.pem` then `int.pem`: the chain `trustpath smime sign --chain` takes |\n\
| `domain.pem` | signing certificate bound to the domain `{DOMAIN}` (dNSName) |\n\
| `encrypt-only.pem` | keyEncipherment-only certificate for `carol@{DOMAIN}` (must not verify signatures) |\n\
| `revoked.pem` | certificate for `bob@{DOMAIN}`, revoked in `crl/int.crl` |\n\
| `other.pem` | certificate for `alice@{DOMAIN}` from `other-ca.pem`, a CA outside the trust community |\n\
| `ec.pem` | P-256 signing certificate bound to `dave@{DOMAIN}` |\n\
| `hisp.pem` | signing/encryption certificate bound to the domain `{HISP_DOMAIN}` (dNSName): a FHIR endpoint's HISP |\n\
| `crl/int.crl`, `crl/root.crl` | CRLs of the intermediate (revokes `revoked.pem`) and of the root (empty) |\n\
| `keys/*.pem` | PKCS#8 private keys (test keys: never use them elsewhere) |\n\
| `fhir/bundle.json` | a FHIR R4 Bundle (collection) with one Patient |\n\
| `openssl/entity.eml` | a wrapped Direct message with the Bundle attached, the content the OpenSSL vectors sign |\n\
| `openssl/*.eml`, `openssl/*.p7s` | messages signed by OpenSSL: see `openssl/README.md` |\n\n\
Leaves carry extendedKeyUsage emailProtection, a CRL distribution point and the DirectTrust policies\n\
CP v1.3 (1.3.6.1.4.1.41179.0.1.3), LoA 3 (…1.3) and category covered entity (…2.1).\n",
        time = rfc3339(validation_time()),
        this = rfc3339(crl_this_update()),
        next = rfc3339(crl_next_update()),
    )
}

fn crl_this_update() -> u64 {
    unix(2026, 5, 1, 0, 0, 0)
}

fn crl_next_update() -> u64 {
    unix(2026, 7, 1, 0, 0, 0)
}

fn run(out: &Path) -> Result<()> {
    let mut keys = KeyStore::new(out.join("keys"));
    let mut o = Out { dir: out.to_path_buf(), written: 0 };

    let root = ca(&mut keys, "root", "Example Direct Root", None, None)?;
    let int = ca(&mut keys, "int", "Example Direct CA", Some(&root), Some(ROOT_CRL_URL))?;
    let other_ca = ca(&mut keys, "other-ca", "Untrusted Direct CA", None, None)?;

    let dual = [KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment];
    let email = |local: &str| name::email(&format!("{local}@{DOMAIN}"));
    let mut leaf = |file: &str, key_name: &str, kind: KeyKind, issuer: &Issuer, usages: &[KeyUsages], names| {
        let key: Arc<KeyPair> = keys.key(key_name, kind)?;
        let der = issuer.sign(&direct_leaf(file, &key, issuer, usages, names, INT_CRL_URL)?)?;
        Ok::<_, trustpath_testgen::Error>(der)
    };
    let address = leaf("address", "address", KeyKind::Rsa2048, &int, &dual, vec![email("alice")?])?;
    let domain =
        leaf("domain", "domain", KeyKind::Rsa2048, &int, &[KeyUsages::DigitalSignature], vec![name::dns(DOMAIN)?])?;
    let encrypt_only = leaf(
        "encrypt-only",
        "encrypt-only",
        KeyKind::Rsa2048,
        &int,
        &[KeyUsages::KeyEncipherment],
        vec![email("carol")?],
    )?;
    let revoked = leaf("revoked", "revoked", KeyKind::Rsa2048, &int, &dual, vec![email("bob")?])?;
    let other = leaf("other", "other", KeyKind::Rsa2048, &other_ca, &dual, vec![email("alice")?])?;
    let ec = leaf("ec", "ec", KeyKind::P256, &int, &[KeyUsages::DigitalSignature], vec![email("dave")?])?;
    // A receiving HISP's organizational certificate for a FHIR endpoint (the example's
    // responder): dual use, bound to its domain.
    let hisp = leaf("hisp", "hisp", KeyKind::Rsa2048, &int, &dual, vec![name::dns(HISP_DOMAIN)?])?;

    for (file, der) in [
        ("root.pem", &root.der),
        ("int.pem", &int.der),
        ("other-ca.pem", &other_ca.der),
        ("address.pem", &address),
        ("domain.pem", &domain),
        ("encrypt-only.pem", &encrypt_only),
        ("revoked.pem", &revoked),
        ("other.pem", &other),
        ("ec.pem", &ec),
        ("hisp.pem", &hisp),
    ] {
        o.write(file, pem("CERTIFICATE", der)?)?;
    }
    o.write("bundle.p7b", pkcs7_certs_only(std::slice::from_ref(&int.der)))?;
    o.write("chain-address.pem", pem_certificates(&[address.clone(), int.der.clone()])?)?;

    let int_crl = CrlBuilder::new(&int.name, crl_this_update(), crl_next_update())?
        .entry(CrlEntry::new(&serial_of(&revoked)?, unix(2026, 4, 15, 0, 0, 0)).reason(crl::reason::KEY_COMPROMISE))
        .extension(crl::crl_number(7))
        .extension(ext::authority_key_identifier(&int.key.key_id())?)
        .sign(&int.key)?;
    let root_crl = CrlBuilder::new(&root.name, crl_this_update(), crl_next_update())?
        .extension(crl::crl_number(3))
        .extension(ext::authority_key_identifier(&root.key.key_id())?)
        .sign(&root.key)?;
    o.write("crl/int.crl", pem("X509 CRL", &int_crl)?)?;
    o.write("crl/root.crl", pem("X509 CRL", &root_crl)?)?;

    o.write("fhir/bundle.json", BUNDLE_JSON)?;
    o.write("openssl/entity.eml", entity())?;
    o.write("README.md", readme())?;
    for k in keys.generated() {
        eprintln!("generated new key keys/{k}.pem");
    }
    eprintln!("wrote {} files to {}", o.written, out.display());
    Ok(())
}

fn main() -> ExitCode {
    let out = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(default_out);
    match run(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("direct: {e}");
            ExitCode::FAILURE
        }
    }
}

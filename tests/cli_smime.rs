//! Drives `trustpath smime verify` and `trustpath smime sign` on the Direct vectors
//! (`test-vectors/direct/`): OpenSSL-signed messages in every form, JSON and text reports,
//! sender binding, revocation modes, SHA-1, detached signatures, exit statuses, and messages
//! signed by the CLI itself (checked by OpenSSL too when it is installed).

#![cfg(feature = "cli")]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const TIME: &str = "2026-06-01T00:00:00Z";
const TIME_UNIX: &str = "1780272000";

fn vector(name: &str) -> String {
    format!("{}/test-vectors/direct/{name}", env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("UTF-8 stdout")
    }

    fn json(&self) -> Value {
        let text = self.text();
        assert_eq!(text.lines().count(), 1, "one JSON line expected: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }
}

fn run(args: &[String]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_trustpath")).args(args).output().expect("run trustpath");
    Run {
        code: out.status.code().expect("exit status"),
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// `@name` as `test-vectors/direct/name`; other arguments unchanged.
fn expand(arg: &str) -> String {
    arg.strip_prefix('@').map_or_else(|| arg.to_string(), vector)
}

/// `smime verify --time TIME` with `args`; `@name` stands for `test-vectors/direct/name`.
fn verify(args: &[&str]) -> Run {
    let mut full: Vec<String> = vec!["smime".into(), "verify".into(), "--time".into(), TIME.into()];
    full.extend(args.iter().map(|a| expand(a)));
    run(&full)
}

/// The usual trust and revocation options: the intermediate as the anchor, its CRL.
fn trusted(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec!["--anchors", "@int.pem", "--crl", "@crl/int.crl"];
    args.extend_from_slice(extra);
    args
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trustpath-cli-smime-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn assert_rejected(r: &Run, kind: &str) {
    assert_eq!(r.code, 1, "stdout: {} stderr: {}", r.text(), r.stderr);
    let json = r.json();
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"]["kind"], kind, "{json}");
    assert_eq!(json["attachments"], Value::Array(vec![]));
    assert_eq!(json["signer"], Value::Null);
}

fn assert_bundle(json: &Value) {
    let attachments = json["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 1, "{json}");
    let a = &attachments[0];
    assert_eq!(a["content_type"], "application/fhir+json");
    assert_eq!(a["filename"], "bundle.json");
    assert_eq!(a["fhir_resource_type"], "Bundle");
    let size = std::fs::metadata(vector("fhir/bundle.json")).expect("bundle").len();
    assert_eq!(a["size"], size);
}

#[test]
fn verifies_openssl_messages_as_json() {
    for (file, form, binding) in [
        ("openssl/detached-lf.eml", "multipart/signed", "address"),
        ("openssl/opaque-ber.eml", "pkcs7-mime", "address"),
        ("openssl/domain.eml", "multipart/signed", "domain"),
    ] {
        let path = format!("@{file}");
        let r = verify(&[trusted(&["--json"]), vec![path.as_str()]].concat());
        assert_eq!(r.code, 0, "{file}: {} {}", r.text(), r.stderr);
        let json = r.json();
        assert_eq!(json["valid"], true);
        assert_eq!(json["form"], form);
        assert_eq!(json["signer"]["binding"], binding, "{file}");
        assert_eq!(json["sender"], "alice@direct.example.org");
        assert_eq!(json["digest_algorithm"], "SHA-256");
        assert_eq!(json["error"], Value::Null);
        assert_eq!(json["path"].as_array().map(Vec::len), Some(1));
        assert!(json["anchor"]["subject"].as_str().unwrap_or_default().contains("Example Direct CA"));
        assert_bundle(&json);
    }
    let json = verify(&[trusted(&["--json"]), vec!["@openssl/detached-lf.eml"]].concat()).json();
    assert_eq!(json["signer"]["addresses"], serde_json::json!(["email:alice@direct.example.org"]));
}

#[test]
fn text_report() {
    let r = verify(&[trusted(&[]), vec!["@openssl/detached-crlf.eml"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = r.text();
    assert!(text.starts_with("VALID: signed by "), "{text}");
    assert!(text.contains("bound to alice@direct.example.org (address binding)"), "{text}");
    assert!(text.contains("application/fhir+json bundle.json"), "{text}");
    assert!(text.contains("FHIR Bundle (collection)"), "{text}");
    let r =
        verify(&[trusted(&["--sender", "mallory@direct.example.org"]), vec!["@openssl/detached-crlf.eml"]].concat());
    assert_eq!(r.code, 1);
    let text = r.text();
    assert!(text.starts_with("REJECTED: "), "{text}");
    assert!(text.contains("rule: binding_mismatch"), "{text}");
}

#[test]
fn rejections() {
    let sender =
        verify(&[trusted(&["--json", "--sender", "mallory@direct.example.org"]), vec!["@openssl/opaque.eml"]].concat());
    assert_rejected(&sender, "binding_mismatch");
    assert_rejected(&verify(&[trusted(&["--json"]), vec!["@openssl/sha1.eml"]].concat()), "digest_algorithm");
    let legacy = verify(&[trusted(&["--json", "--allow-sha1"]), vec!["@openssl/sha1.eml"]].concat());
    assert_eq!(legacy.code, 0, "{}", legacy.text());
    // Hard-fail revocation without the CRL, unless soft.
    let no_crl = verify(&["--anchors", "@int.pem", "--json", "@openssl/opaque.eml"]);
    assert_rejected(&no_crl, "revocation_unknown");
    let soft = verify(&["--anchors", "@int.pem", "--revocation", "soft", "--json", "@openssl/opaque.eml"]);
    assert_eq!(soft.code, 0, "{}", soft.text());
    // The wrong trust community.
    let untrusted = verify(&["--anchors", "@other-ca.pem", "--crl", "@crl/int.crl", "--json", "@openssl/opaque.eml"]);
    assert_rejected(&untrusted, "unknown_issuer");
    // Not signed at all: the entity itself.
    assert_rejected(&verify(&[trusted(&["--json"]), vec!["@fhir/bundle.json"]].concat()), "not_signed");
}

#[test]
fn detached_signature() {
    let r =
        verify(&[trusted(&["--json", "--detached", "@openssl/entity.eml"]), vec!["@openssl/detached.p7s"]].concat());
    assert_eq!(r.code, 0, "{} {}", r.text(), r.stderr);
    let json = r.json();
    assert_eq!(json["form"], "detached");
    assert_eq!(json["signer"]["binding"], "address");
    assert_bundle(&json);
    // The wrong content.
    let wrong =
        verify(&[trusted(&["--json", "--detached", "@fhir/bundle.json"]), vec!["@openssl/detached.p7s"]].concat());
    assert_rejected(&wrong, "message_digest_mismatch");
}

#[test]
fn usage_errors() {
    for args in [
        vec!["@openssl/opaque.eml"],
        trusted(&[]),
        trusted(&["--sender", "not-an-address", "@openssl/opaque.eml"]),
        trusted(&["--bogus", "@openssl/opaque.eml"]),
        trusted(&["@missing.eml"]),
    ] {
        let r = verify(&args);
        assert_eq!(r.code, 2, "{args:?}: {} {}", r.text(), r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.starts_with("trustpath: "), "{}", r.stderr);
    }
    let help = run(&["smime".into(), "--help".into()]);
    assert_eq!(help.code, 0);
    assert!(help.text().contains("smime"));
    let top = run(&["--help".into()]);
    assert!(top.text().contains("smime verify"));
}

fn sign(key: &str, chain: &str, from: &str, extra: &[&str]) -> Run {
    let mut args: Vec<String> = ["smime", "sign", "--key", &vector(key), "--chain", &vector(chain), "--from", from]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--to", "bob@direct.example.net", "--time", TIME, "--subject", "Summary"].map(String::from));
    args.extend(extra.iter().map(|s| expand(s)));
    run(&args)
}

#[test]
fn sign_then_verify() {
    let dir = temp_dir("sign");
    let signed = sign(
        "keys/address.pem",
        "chain-address.pem",
        "alice@direct.example.org",
        &["--text", "Attached.", "--attach", "@fhir/bundle.json"],
    );
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    assert!(signed.stdout.starts_with(b"From: alice@direct.example.org\r\n"));
    let file = dir.join("signed.eml");
    std::fs::write(&file, &signed.stdout).expect("write");
    let file = file.to_string_lossy().into_owned();
    let r = verify(&[trusted(&["--json"]), vec![file.as_str()]].concat());
    assert_eq!(r.code, 0, "{} {}", r.text(), r.stderr);
    assert_bundle(&r.json());
    // The same message, verified by OpenSSL when it is installed.
    match Command::new("openssl")
        .args(["cms", "-verify", "-in", &file, "-CAfile", &vector("int.pem"), "-partial_chain", "-attime", TIME_UNIX])
        .output()
    {
        Ok(out) => assert!(out.status.success(), "openssl: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => eprintln!("SKIPPED 1 openssl check: openssl is not installed"),
    }
    // A revoked signer, and a signer without digitalSignature.
    let revoked = sign("keys/revoked.pem", "revoked.pem", "bob@direct.example.org", &["--attach", "@fhir/bundle.json"]);
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    let file = dir.join("revoked.eml");
    std::fs::write(&file, &revoked.stdout).expect("write");
    let r = verify(&[trusted(&["--json"]), vec![file.to_string_lossy().as_ref()]].concat());
    assert_rejected(&r, "revoked");
    let encrypt_only = sign("keys/encrypt-only.pem", "encrypt-only.pem", "carol@direct.example.org", &[]);
    let file = dir.join("encrypt-only.eml");
    std::fs::write(&file, &encrypt_only.stdout).expect("write");
    let r = verify(&[trusted(&["--json"]), vec![file.to_string_lossy().as_ref()]].concat());
    assert_rejected(&r, "key_usage");
    // A key that does not match the chain is a usage-level failure (exit 2).
    let mismatch = sign("keys/domain.pem", "chain-address.pem", "alice@direct.example.org", &[]);
    assert_eq!(mismatch.code, 2);
    assert!(mismatch.stderr.contains("does not match"), "{}", mismatch.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

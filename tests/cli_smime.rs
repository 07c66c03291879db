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

/// The usual recipient options: the intermediate as the anchor, its CRL, the time.
fn recipient_trust() -> Vec<&'static str> {
    vec!["--anchors", "@int.pem", "--crl", "@crl/int.crl", "--time", TIME]
}

/// `smime encrypt` with `args` (`@name` expanded).
fn encrypt(args: &[&str]) -> Run {
    let mut full: Vec<String> = vec!["smime".into(), "encrypt".into()];
    full.extend(args.iter().map(|a| expand(a)));
    run(&full)
}

/// `smime decrypt --time TIME` with `args` (`@name` expanded).
fn decrypt(args: &[&str]) -> Run {
    let mut full: Vec<String> = vec!["smime".into(), "decrypt".into(), "--time".into(), TIME.into()];
    full.extend(args.iter().map(|a| expand(a)));
    run(&full)
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let file = dir.join(name);
    std::fs::write(&file, bytes).expect("write");
    file.to_string_lossy().into_owned()
}

/// A message alice@ signs for the HISP of hospital.example.net, with the FHIR Bundle.
fn signed_for_hisp(dir: &std::path::Path) -> String {
    let signed =
        sign("keys/address.pem", "chain-address.pem", "alice@direct.example.org", &["--attach", "@fhir/bundle.json"]);
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    write(dir, "signed.eml", &signed.stdout)
}

#[test]
fn encrypt_then_decrypt() {
    let dir = temp_dir("encrypt");
    let signed = signed_for_hisp(&dir);
    for (cipher, oaep, key_transport) in [
        ("aes128-cbc", false, "rsa-pkcs1v15"),
        ("aes256-cbc", true, "rsa-oaep-sha256"),
        ("aes128-gcm", false, "rsa-pkcs1v15"),
        ("aes256-gcm", true, "rsa-oaep-sha256"),
    ] {
        let mut args = vec!["--recipient", "@hisp.pem", "--to", "fhir@hospital.example.net", "--cipher", cipher];
        if oaep {
            args.push("--oaep");
        }
        args.extend(recipient_trust());
        args.push(&signed);
        let enc = encrypt(&args);
        assert_eq!(enc.code, 0, "{cipher}: {}", enc.stderr);
        assert!(enc.stdout.starts_with(b"From: alice@direct.example.org\r\n"), "{cipher}");
        let file = write(&dir, "encrypted.eml", &enc.stdout);
        let r = decrypt(
            &[trusted(&["--json", "--key", "@keys/hisp.pem", "--cert", "@hisp.pem"]), vec![file.as_str()]].concat(),
        );
        assert_eq!(r.code, 0, "{cipher}: {} {}", r.text(), r.stderr);
        let json = r.json();
        assert_eq!(json["valid"], true);
        assert_eq!(json["signer"]["binding"], "address");
        assert_eq!(json["form"], "multipart/signed");
        assert_bundle(&json);
        assert_eq!(json["decrypted"]["cipher"], cipher);
        assert_eq!(json["decrypted"]["key_transport"], key_transport);
        assert!(json["decrypted"]["recipient"].as_str().unwrap_or_default().contains("CN=hisp"), "{json}");
        // The same message with another key: one error, nothing of the message reported.
        let wrong = decrypt(
            &[trusted(&["--json", "--key", "@keys/address.pem", "--cert", "@address.pem"]), vec![file.as_str()]]
                .concat(),
        );
        assert_rejected(&wrong, "decryption_failed");
        assert_eq!(wrong.json()["decrypted"], Value::Null);
        // verify refuses it, pointing at decrypt.
        let v = verify(&[trusted(&["--json"]), vec![file.as_str()]].concat());
        assert_rejected(&v, "unsupported");
    }
    // The text report says how the message was decrypted.
    let enc = encrypt(
        &[
            &["--recipient", "@hisp.pem", "--to", "fhir@hospital.example.net"][..],
            &recipient_trust(),
            &[signed.as_str()],
        ]
        .concat(),
    );
    let file = write(&dir, "encrypted.eml", &enc.stdout);
    let r = decrypt(&[trusted(&["--key", "@keys/hisp.pem", "--cert", "@hisp.pem"]), vec![file.as_str()]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.text().contains("decrypted: aes128-cbc, rsa-pkcs1v15 key transport, for CN=hisp"), "{}", r.text());
    // A signed message that is not encrypted.
    let plain = decrypt(
        &[trusted(&["--json", "--key", "@keys/hisp.pem", "--cert", "@hisp.pem"]), vec![signed.as_str()]].concat(),
    );
    assert_rejected(&plain, "not_encrypted");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn encrypt_refuses_recipients_not_valid_for_encryption() {
    let dir = temp_dir("encrypt-refused");
    let signed = signed_for_hisp(&dir);
    for (cert, to, rule) in [
        ("@domain.pem", "alice@direct.example.org", "key_usage"),
        ("@address.pem", "fhir@hospital.example.net", "binding_mismatch"),
        ("@revoked.pem", "bob@direct.example.org", "revoked"),
        ("@other.pem", "alice@direct.example.org", "unknown_issuer"),
    ] {
        // One good recipient and one refused: nothing is written.
        let args = [
            &["--recipient", "@hisp.pem", "--recipient", cert, "--to", "fhir@hospital.example.net", "--to", to][..],
            &recipient_trust(),
            &[signed.as_str()],
        ]
        .concat();
        let r = encrypt(&args);
        assert_eq!(r.code, 1, "{cert}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{cert}");
        assert!(r.stderr.contains(&format!("rule: {rule}")), "{cert}: {}", r.stderr);
        // sign --encrypt-to refuses the same way.
        let s = sign(
            "keys/address.pem",
            "chain-address.pem",
            "alice@direct.example.org",
            &[&["--to", to, "--encrypt-to", cert][..], &recipient_trust()[..4]].concat(),
        );
        assert_eq!(s.code, 1, "{cert}: {}", s.stderr);
        assert!(s.stdout.is_empty());
    }
    // Without CRLs (hard fail) the recipient's revocation status is unknown.
    let r = encrypt(&[
        "--recipient",
        "@hisp.pem",
        "--to",
        "fhir@hospital.example.net",
        "--anchors",
        "@int.pem",
        "--time",
        TIME,
        &signed,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("rule: revocation_unknown"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sign_and_encrypt_in_one_step() {
    let dir = temp_dir("sign-encrypt");
    let s = sign(
        "keys/address.pem",
        "chain-address.pem",
        "alice@direct.example.org",
        &[
            "--to",
            "fhir@hospital.example.net",
            "--attach",
            "@fhir/bundle.json",
            "--encrypt-to",
            "@hisp.pem",
            "--cipher",
            "aes256-gcm",
            "--oaep",
            "--anchors",
            "@int.pem",
            "--crl",
            "@crl/int.crl",
        ],
    );
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert!(String::from_utf8_lossy(&s.stdout).contains("smime-type=authEnveloped-data"));
    let file = write(&dir, "sent.eml", &s.stdout);
    let r = decrypt(
        &[trusted(&["--json", "--key", "@keys/hisp.pem", "--cert", "@hisp.pem"]), vec![file.as_str()]].concat(),
    );
    assert_eq!(r.code, 0, "{} {}", r.text(), r.stderr);
    let json = r.json();
    assert_bundle(&json);
    assert_eq!(
        (json["decrypted"]["cipher"].as_str(), json["decrypted"]["key_transport"].as_str()),
        (Some("aes256-gcm"), Some("rsa-oaep-sha256"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn encryption_usage_errors() {
    for args in [
        vec!["--to", "fhir@hospital.example.net", "--anchors", "@int.pem", "@fhir/bundle.json"],
        vec!["--recipient", "@hisp.pem", "--anchors", "@int.pem", "@fhir/bundle.json"],
        vec!["--recipient", "@hisp.pem", "--to", "fhir@hospital.example.net", "@fhir/bundle.json"],
        vec![
            "--recipient",
            "@hisp.pem",
            "--to",
            "fhir@hospital.example.net",
            "--anchors",
            "@int.pem",
            "--cipher",
            "des",
            "@fhir/bundle.json",
        ],
        vec!["--recipient", "@hisp.pem", "--to", "fhir@hospital.example.net", "--anchors", "@int.pem"],
    ] {
        let r = encrypt(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    for args in [
        trusted(&["@openssl/enveloped-aes128.eml"]),
        trusted(&["--key", "@keys/address.pem", "@openssl/enveloped-aes128.eml"]),
        trusted(&["--key", "@keys/hisp.pem", "--cert", "@address.pem", "@openssl/enveloped-aes128.eml"]),
        trusted(&[
            "--key",
            "@keys/address.pem",
            "--cert",
            "@address.pem",
            "--detached",
            "@openssl/entity.eml",
            "@openssl/enveloped-aes128.eml",
        ]),
    ] {
        let r = decrypt(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    // --encrypt-to options without --encrypt-to, and --encrypt-to without anchors.
    let s = sign("keys/address.pem", "chain-address.pem", "alice@direct.example.org", &["--oaep"]);
    assert_eq!(s.code, 2, "{}", s.stderr);
    let s = sign("keys/address.pem", "chain-address.pem", "alice@direct.example.org", &["--encrypt-to", "@hisp.pem"]);
    assert_eq!(s.code, 2, "{}", s.stderr);
    for sub in ["encrypt", "decrypt"] {
        let help = run(&["smime".into(), sub.into(), "--help".into()]);
        assert_eq!(help.code, 0);
        assert!(help.text().contains(&format!("trustpath smime {sub}")), "{}", help.text());
    }
}

/// OpenSSL-encrypted messages decrypt with the CLI (committed vectors, and at test time), and
/// what the CLI encrypts OpenSSL decrypts.
#[test]
fn decrypts_openssl_messages_and_openssl_decrypts_ours() {
    for file in [
        "@openssl/enveloped-aes128.eml",
        "@openssl/enveloped-aes256-oaep.eml",
        "@openssl/authenveloped-gcm.eml",
        "@openssl/enveloped-ber.p7m",
    ] {
        let r = decrypt(
            &[trusted(&["--json", "--key", "@keys/address.pem", "--cert", "@address.pem"]), vec![file]].concat(),
        );
        assert_eq!(r.code, 0, "{file}: {} {}", r.text(), r.stderr);
        assert_bundle(&r.json());
    }
    let Ok(version) = Command::new("openssl").arg("version").output() else {
        eprintln!("SKIPPED openssl CLI encryption interop: openssl is not installed");
        return;
    };
    eprintln!("openssl CLI encryption interop with {}", String::from_utf8_lossy(&version.stdout).trim());
    let dir = temp_dir("openssl-enc");
    let signed = signed_for_hisp(&dir);
    for (cipher, oaep) in [("aes128-cbc", false), ("aes256-cbc", false), ("aes128-cbc", true), ("aes256-cbc", true)] {
        let mut args = vec!["--recipient", "@address.pem", "--to", "alice@direct.example.org", "--cipher", cipher];
        if oaep {
            args.push("--oaep");
        }
        args.extend(recipient_trust());
        args.push(&signed);
        let enc = encrypt(&args);
        assert_eq!(enc.code, 0, "{}", enc.stderr);
        let file = write(&dir, "ours.eml", &enc.stdout);
        let out = dir.join("decrypted.eml");
        let o = Command::new("openssl")
            .args([
                "cms",
                "-decrypt",
                "-in",
                &file,
                "-recip",
                &vector("address.pem"),
                "-inkey",
                &vector("keys/address.pem"),
            ])
            .arg("-out")
            .arg(&out)
            .output()
            .expect("openssl");
        assert!(o.status.success(), "{cipher} oaep={oaep}: {}", String::from_utf8_lossy(&o.stderr));
        let decrypted = std::fs::read(&out).expect("decrypted");
        assert!(decrypted.starts_with(b"Content-Type: multipart/signed"), "{cipher} oaep={oaep}");
    }
    for (name, options) in [
        ("aes128", vec!["-aes128"]),
        (
            "aes256-oaep",
            vec![
                "-aes256",
                "-recip",
                &vector("address.pem"),
                "-keyopt",
                "rsa_padding_mode:oaep",
                "-keyopt",
                "rsa_oaep_md:sha256",
                "-keyopt",
                "rsa_mgf1_md:sha256",
            ],
        ),
    ] {
        let file = dir.join(format!("openssl-{name}.eml"));
        let mut cmd = Command::new("openssl");
        cmd.args(["cms", "-encrypt", "-in", &signed, "-out"]).arg(&file).args(&options);
        if name == "aes128" {
            cmd.args(["-recip", &vector("address.pem")]);
        }
        let o = cmd.output().expect("openssl");
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let file = file.to_string_lossy().into_owned();
        let r = decrypt(
            &[trusted(&["--json", "--key", "@keys/address.pem", "--cert", "@address.pem"]), vec![file.as_str()]]
                .concat(),
        );
        assert_eq!(r.code, 0, "{name}: {} {}", r.text(), r.stderr);
        assert_bundle(&r.json());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

//! Drives the `trustpath` binary: `chain verify` on a real Let's Encrypt chain for
//! cryptography.io (from x509-limbo, see `test-vectors/cli/README.md`), validated at a fixed
//! time, in PEM, DER and PKCS#7, with JSON and text output, and its exit statuses.

#![cfg(feature = "cli")]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Inside the leaf's validity (2023-05-29 to 2023-08-27), as in the limbo case.
const TIME: &str = "2023-07-10T00:00:00Z";
const LEAF_SHA256: &str = "72d8f5a91d1b8e7b47eafc692fd374541833cb53f948af047dfa1ae5d150a32c";
const R3_SHA256: &str = "67add1166b020ae61b8f5fc96813c04c2aa589960796865572a3c7e737613dfd";
const ROOT_SHA256: &str = "96bcec06264976f37460779acf28c5a7cfe8a3c0aae11a8ffcee05c0bddf08c6";
const LEAF_SUBJECT: &str = "CN=cryptography.io";
const R3_SUBJECT: &str = "CN=R3,O=Let's Encrypt,C=US";
const ROOT_SUBJECT: &str = "CN=ISRG Root X1,O=Internet Security Research Group,C=US";

fn vector(name: &str) -> String {
    format!("{}/test-vectors/cli/{name}", env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        assert_eq!(self.stdout.lines().count(), 1, "one JSON line expected: {}", self.stdout);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustpath"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn trustpath");
    child.stdin.take().expect("stdin").write_all(stdin).expect("write stdin");
    let out = child.wait_with_output().expect("run trustpath");
    Run {
        code: out.status.code().expect("exit status"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn run(args: &[&str]) -> Run {
    run_with_stdin(args, b"")
}

/// `chain verify --time TIME` with `args`; `@name` stands for `test-vectors/cli/name`.
fn verify(args: &[&str]) -> Run {
    let dir = vector("");
    let mut full: Vec<String> = vec!["chain".into(), "verify".into(), "--time".into(), TIME.into()];
    full.extend(args.iter().map(|a| a.replace('@', &dir)));
    let refs: Vec<&str> = full.iter().map(String::as_str).collect();
    run(&refs)
}

fn assert_usage_error(r: &Run) {
    assert_eq!(r.code, 2, "stdout: {} stderr: {}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "nothing on stdout: {}", r.stdout);
    assert!(r.stderr.starts_with("trustpath: "), "message on stderr: {}", r.stderr);
}

fn subjects(v: &Value) -> Vec<&str> {
    v["path"].as_array().expect("path array").iter().map(|c| c["subject"].as_str().expect("subject")).collect()
}

#[test]
fn valid_chain_reports_path_anchor_and_community_as_json() {
    let r = verify(&["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "--json", "@leaf.pem"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    let keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5);
    for k in ["valid", "path", "anchor", "community", "error"] {
        assert!(keys.contains(&k), "{k} missing");
    }
    assert_eq!(v["valid"], true);
    assert_eq!(v["error"], Value::Null);
    assert_eq!(v["community"], "default");
    assert_eq!(subjects(&v), [LEAF_SUBJECT, R3_SUBJECT]);
    let leaf = &v["path"][0];
    assert_eq!(leaf["issuer"], R3_SUBJECT);
    assert_eq!(leaf["serial"], "0428eb811d53107202925369403ce3d4fa8f");
    assert_eq!(leaf["sha256"], LEAF_SHA256);
    assert_eq!(v["path"][1]["issuer"], ROOT_SUBJECT);
    assert_eq!(v["path"][1]["serial"], "912b084acf0c18a753f6d62e25a75f5a");
    assert_eq!(v["path"][1]["sha256"], R3_SHA256);
    assert_eq!(v["anchor"]["subject"], ROOT_SUBJECT);
    assert_eq!(v["anchor"]["community"], "default");
    assert_eq!(v["anchor"]["sha256"], ROOT_SHA256);
}

#[test]
fn valid_chain_text_report() {
    let r = verify(&["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "@leaf.pem"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("VALID"), "{}", r.stdout);
    for needle in [LEAF_SUBJECT, R3_SUBJECT, ROOT_SUBJECT, "default", "2023-08-27T18:43:59Z", TIME] {
        assert!(r.stdout.contains(needle), "{needle} missing from:\n{}", r.stdout);
    }
}

#[test]
fn missing_intermediate_is_rejected_at_the_leaf() {
    let r = verify(&["--anchors", "@root.pem", "--json", "@leaf.pem"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["kind"], "unknown_issuer");
    assert_eq!(v["error"]["certificate_index"], 0);
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains(LEAF_SUBJECT)));
    assert_eq!(subjects(&v), [LEAF_SUBJECT]);
    assert_eq!(v["path"][0]["sha256"], LEAF_SHA256);
    assert_eq!(v["anchor"], Value::Null);
    assert_eq!(v["community"], Value::Null);

    let r = verify(&["--anchors", "@root.pem", "@leaf.pem"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.starts_with("REJECTED"), "{}", r.stdout);
    for needle in ["[0] CN=cryptography.io", "unknown_issuer", "--intermediates"] {
        assert!(r.stdout.contains(needle), "{needle} missing from:\n{}", r.stdout);
    }
}

#[test]
fn expired_chain_is_rejected() {
    let r = run(&[
        "chain",
        "verify",
        "--anchors",
        &vector("root.pem"),
        "--intermediates",
        &vector("intermediate.pem"),
        "--time",
        "2024-01-01T00:00:00Z",
        "--json",
        &vector("leaf.pem"),
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "expired");
    assert_eq!(v["error"]["certificate_index"], 0);
}

#[test]
fn community_is_reported() {
    let r = verify(&["--community", "hl7=@root.pem", "--intermediates", "@intermediate.pem", "--json", "@leaf.pem"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["community"], "hl7");
    assert_eq!(v["anchor"]["community"], "hl7");
    assert_eq!(v["anchor"]["subject"], ROOT_SUBJECT);
}

#[test]
fn anchor_may_be_an_intermediate() {
    let r = verify(&["--anchors", "@intermediate.pem", "--json", "@leaf.pem"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(subjects(&v), [LEAF_SUBJECT]);
    assert_eq!(v["anchor"]["subject"], R3_SUBJECT);
    assert_eq!(v["anchor"]["sha256"], R3_SHA256);
}

#[test]
fn server_name_must_match() {
    let base = ["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "--profile", "tls-server"];
    let with = |extra: &[&str]| verify(&[&base[..], extra, &["--json", "@leaf.pem"]].concat());
    assert_eq!(with(&["--server-name", "cryptography.io"]).code, 0);
    for name in ["example.com", "192.0.2.1"] {
        let r = with(&["--server-name", name]);
        assert_eq!(r.code, 1, "{name}: {}{}", r.stdout, r.stderr);
        let v = r.json();
        assert_eq!(v["error"]["kind"], "name_mismatch", "{name}");
        assert_eq!(v["error"]["certificate_index"], 0, "{name}");
    }
    let r = verify(&[&base[..], &["--server-name", "example.com", "@leaf.pem"]].concat());
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("DNS:cryptography.io"), "hint lists the certificate's names:\n{}", r.stdout);
}

#[test]
fn max_depth_limits_intermediates() {
    let base = ["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "--json"];
    assert_eq!(verify(&[&base[..], &["--max-depth", "1", "@leaf.pem"]].concat()).code, 0);
    let r = verify(&[&base[..], &["--max-depth", "0", "@leaf.pem"]].concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["error"]["kind"], "max_depth_exceeded");
}

#[test]
fn every_eku_is_required() {
    let base = ["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "--json"];
    let both = ["--eku", "1.3.6.1.5.5.7.3.1", "--eku", "clientAuth"];
    assert_eq!(verify(&[&base[..], &both, &["@leaf.pem"]].concat()).code, 0);
    let r = verify(&[&base[..], &both, &["--eku", "1.3.6.1.5.5.7.3.4", "@leaf.pem"]].concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "extended_key_usage");
    assert_eq!(v["error"]["certificate_index"], 0);
}

#[test]
fn der_and_pkcs7_inputs() {
    // DER leaf and anchor, intermediates from a PKCS#7 bundle.
    let r = verify(&["--anchors", "@root.der", "--intermediates", "@chain.p7b", "--json", "@leaf.der"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(subjects(&r.json()), [LEAF_SUBJECT, R3_SUBJECT]);
    // A PKCS#7 LEAF: its first certificate is validated, the rest serve as intermediates.
    let r = verify(&["--anchors", "@root.pem", "--json", "@chain.p7b"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(subjects(&v), [LEAF_SUBJECT, R3_SUBJECT]);
    assert_eq!(v["path"][0]["sha256"], LEAF_SHA256);
    // The same with a PEM chain file.
    assert_eq!(verify(&["--anchors", "@root.pem", "@chain.pem"]).code, 0);
}

#[test]
fn leaf_from_standard_input() {
    let args = ["chain", "verify", "--anchors", &vector("root.pem"), "--time", TIME, "--json", "-"];
    let chain = std::fs::read(vector("chain.pem")).expect("chain.pem");
    let r = run_with_stdin(&args, &chain);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn bad_usage_exits_2() {
    assert_usage_error(&run(&[]));
    assert_usage_error(&run(&["frobnicate"]));
    assert_usage_error(&run(&["chain"]));
    assert_usage_error(&run(&["chain", "check"]));
    for args in [
        &["--anchors", "@root.pem"][..],
        &["@leaf.pem"],
        &["--anchors", "@root.pem", "--bogus", "@leaf.pem"],
        &["--anchors", "@root.pem", "@leaf.pem", "@chain.pem"],
        &["--anchors", "@root.pem", "--profile", "nonsense", "@leaf.pem"],
        &["--anchors", "@root.pem", "--max-depth", "two", "@leaf.pem"],
        &["--anchors", "@root.pem", "--eku", "serverauth", "@leaf.pem"],
        &["--anchors", "@root.pem", "--community", "@root.pem", "@leaf.pem"],
        &["--anchors", "@root.pem", "--json=yes", "@leaf.pem"],
        &["--anchors", "@root.pem", "--time", TIME, "@leaf.pem"],
        &["--anchors", "@root.pem", "@leaf.pem", "--anchors"],
    ] {
        let r = verify(args);
        assert_usage_error(&r);
        assert!(r.stderr.contains("--help"), "{args:?}: points to the help: {}", r.stderr);
    }
    let r = run(&["chain", "verify", "--anchors", &vector("root.pem"), "--time", "yesterday", &vector("leaf.pem")]);
    assert_usage_error(&r);
}

#[test]
fn unreadable_input_exits_2() {
    for args in [
        &["--anchors", "@root.pem", "@no-such-file.pem"][..],
        &["--anchors", "@root.pem", "@garbage.txt"],
        &["--anchors", "@garbage.txt", "@leaf.pem"],
        &["--anchors", "@root.pem", "--intermediates", "@no-such-file.pem", "@leaf.pem"],
        &["--anchors", "@root.pem", "--json", "@garbage.txt"],
    ] {
        let r = verify(args);
        assert_usage_error(&r);
        assert!(r.stderr.contains("test-vectors/cli/"), "{args:?}: names the file: {}", r.stderr);
    }
}

#[test]
fn help_and_version() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let r = run(args);
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("chain verify"), "{}", r.stdout);
    }
    for args in [&["chain", "verify", "--help"][..], &["chain", "verify", "-h"]] {
        let r = run(args);
        assert_eq!(r.code, 0);
        for option in ["--anchors", "--community", "--intermediates", "--time", "--profile", "--server-name"] {
            assert!(r.stdout.contains(option), "{option} missing from help");
        }
        for option in ["--eku", "--max-depth", "--json", "certificate_index"] {
            assert!(r.stdout.contains(option), "{option} missing from help");
        }
    }
    let r = run(&["chain", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("verify"));
    let r = run(&["--version"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout.trim(), format!("trustpath {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn skipped_bundle_entries_are_reported() {
    let bad = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
    let chain = std::fs::read(vector("chain.pem")).expect("chain.pem");
    let args = ["chain", "verify", "--anchors", &vector("root.pem"), "--time", TIME, "--json", "-"];
    // An unreadable entry after the leaf is skipped with a warning.
    let r = run_with_stdin(&args, &[&chain[..], bad].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("warning") && r.stderr.contains("bundle entry 2"), "{}", r.stderr);
    // An unreadable first entry leaves nothing to validate.
    let r = run_with_stdin(&args, &[bad, &chain[..]].concat());
    assert_usage_error(&r);
    assert!(r.stderr.contains("first certificate"), "{}", r.stderr);
}

//! Drives the `trustpath` binary: `chain verify` on a generated web-PKI-shaped chain for
//! cli.example.test (`testgen --bin cli`, see `test-vectors/cli/README.md`), validated at a fixed
//! time, in PEM, DER and PKCS#7, with JSON and text output, and its exit statuses; revocation
//! (CRLs, OCSP responses, modes) and certificate-policy options on that chain and on a small
//! OpenSSL-generated PKI with CRLs and OCSP responses (`test-vectors/cli/revocation/`).

#![cfg(feature = "cli")]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Inside the leaf's validity (2026-05-01 to 2026-07-30T12:00:00Z).
const TIME: &str = "2026-06-01T00:00:00Z";
const LEAF_SHA256: &str = "adedc1004ef46f520946728401f65de1d7c18abf3b474f74a4fdb69b8dc3319c";
const INT_SHA256: &str = "ca1d0a57cd48fd742d05b4f82ec22aa0a61705a638aa616a75b3a4b275ae5e0d";
const ROOT_SHA256: &str = "866ea5ade8164b0a1f736836e16646d9801c68e52d3445ac6ac4d57187867224";
const LEAF_SUBJECT: &str = "CN=cli.example.test";
const INT_SUBJECT: &str = "CN=Trustpath CLI Issuing CA,O=Trustpath CLI Test PKI,C=US";
const ROOT_SUBJECT: &str = "CN=Trustpath CLI Root,O=Trustpath CLI Test PKI,C=US";
/// The leaf's OCSP responder (it names no CRL distribution point).
const LEAF_OCSP: &str = "http://ocsp.cli.example.test";
/// The issuing CA's CRL distribution point.
const INT_CRL: &str = "http://crl.cli.example.test/root.crl";

/// Validation time of the `revocation/` PKI: inside its certificates' and CRLs' validity
/// (2025 to 2045) and after its OCSP responses' thisUpdate (their generation time).
const REV_TIME: &str = "2030-01-01T00:00:00Z";
/// The policies the issuing CA and the leaf assert: CA/B Forum DV and the test PKI's own.
const POLICY_DV: &str = "2.23.140.1.2.1";
const POLICY_CLI: &str = "1.3.6.1.4.1.55555.10.1";
/// The `revocation/` intermediate's policy (mapped to `REV_POLICY_MAPPED` for its subjects).
const REV_POLICY: &str = "1.3.6.1.4.1.55555.1";
const REV_POLICY_MAPPED: &str = "1.3.6.1.4.1.55555.2";
const ANY_POLICY: &str = "2.5.29.32.0";

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
    verify_at(TIME, args)
}

/// `chain verify --time time` with `args`, `@` as in [`verify`].
fn verify_at(time: &str, args: &[&str]) -> Run {
    let dir = vector("");
    let mut full: Vec<String> = vec!["chain".into(), "verify".into(), "--time".into(), time.into()];
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
    let order = ["valid", "path", "anchor", "community", "error", "revocation", "policies", "needs", "findings"];
    assert_eq!(keys.len(), order.len());
    let positions: Vec<usize> =
        order.iter().map(|k| r.stdout.find(&format!("\"{k}\":")).unwrap_or_else(|| panic!("{k} missing"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "key order: {}", r.stdout);
    assert_eq!(v["valid"], true);
    assert_eq!(v["error"], Value::Null);
    assert_eq!(v["community"], "default");
    assert_eq!(subjects(&v), [LEAF_SUBJECT, INT_SUBJECT]);
    let leaf = &v["path"][0];
    assert_eq!(leaf["issuer"], INT_SUBJECT);
    assert_eq!(leaf["serial"], "668c72c5e735f131c180bf8f1ff83e20");
    assert_eq!(leaf["sha256"], LEAF_SHA256);
    assert_eq!(v["path"][1]["issuer"], ROOT_SUBJECT);
    assert_eq!(v["path"][1]["serial"], "575d48e6e1d21b1b66b74a05afbb5eee");
    assert_eq!(v["path"][1]["sha256"], INT_SHA256);
    assert_eq!(v["anchor"]["subject"], ROOT_SUBJECT);
    assert_eq!(v["anchor"]["community"], "default");
    assert_eq!(v["anchor"]["sha256"], ROOT_SHA256);
}

#[test]
fn valid_chain_text_report() {
    let r = verify(&["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "@leaf.pem"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("VALID"), "{}", r.stdout);
    for needle in [LEAF_SUBJECT, INT_SUBJECT, ROOT_SUBJECT, "default", "2026-07-30T12:00:00Z", TIME] {
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
    for needle in ["[0] CN=cli.example.test", "unknown_issuer", "--intermediates"] {
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
        "2027-01-01T00:00:00Z",
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
    assert_eq!(v["anchor"]["subject"], INT_SUBJECT);
    assert_eq!(v["anchor"]["sha256"], INT_SHA256);
}

#[test]
fn server_name_must_match() {
    let base = ["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "--profile", "tls-server"];
    let with = |extra: &[&str]| verify(&[&base[..], extra, &["--json", "@leaf.pem"]].concat());
    assert_eq!(with(&["--server-name", "cli.example.test"]).code, 0);
    for name in ["example.com", "192.0.2.1"] {
        let r = with(&["--server-name", name]);
        assert_eq!(r.code, 1, "{name}: {}{}", r.stdout, r.stderr);
        let v = r.json();
        assert_eq!(v["error"]["kind"], "name_mismatch", "{name}");
        assert_eq!(v["error"]["certificate_index"], 0, "{name}");
    }
    let r = verify(&[&base[..], &["--server-name", "example.com", "@leaf.pem"]].concat());
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("DNS:cli.example.test"), "hint lists the certificate's names:\n{}", r.stdout);
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
    assert_eq!(subjects(&r.json()), [LEAF_SUBJECT, INT_SUBJECT]);
    // A PKCS#7 LEAF: its first certificate is validated, the rest serve as intermediates.
    let r = verify(&["--anchors", "@root.pem", "--json", "@chain.p7b"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(subjects(&v), [LEAF_SUBJECT, INT_SUBJECT]);
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
        &["--anchors", "@root.pem", "--revocation", "strict", "@leaf.pem"],
        &["--anchors", "@root.pem", "--revocation", "off", "--revocation", "hard", "@leaf.pem"],
        &["--anchors", "@root.pem", "--initial-policy", "dv", "@leaf.pem"],
        &["--anchors", "@root.pem", "--require-explicit-policy=yes", "@leaf.pem"],
        &["--anchors", "@root.pem", "@leaf.pem", "--crl"],
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
        for option in [
            "--crl",
            "--ocsp",
            "--revocation",
            "--initial-policy",
            "--require-explicit-policy",
            "--inhibit-policy-mapping",
            "--inhibit-any-policy",
            "\"revocation\"",
            "\"policies\"",
            "\"needs\"",
        ] {
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

// ---------------------------------------------------------------------------------------------
// Revocation and certificate policies

/// `chain verify` on the `revocation/` PKI at [`REV_TIME`]: root anchor, CA intermediate,
/// leaf `CN=leaf.example.test`, plus `args` (before the leaf), JSON output.
fn verify_rev(args: &[&str]) -> Run {
    let base = ["--anchors", "@revocation/root.pem", "--intermediates", "@revocation/ca.pem", "--json"];
    verify_at(REV_TIME, &[&base[..], args, &["@revocation/leaf.pem"]].concat())
}

/// The main chain at [`TIME`] with `args` (before the leaf), JSON output.
fn verify_main(args: &[&str]) -> Run {
    let base = ["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "--json"];
    verify(&[&base[..], args, &["@leaf.pem"]].concat())
}

/// The `revocation` array as (certificate_index, status, source).
fn statuses(v: &Value) -> Vec<(u64, &str, &str)> {
    v["revocation"]
        .as_array()
        .expect("revocation array")
        .iter()
        .map(|s| {
            let mut keys: Vec<&str> = s.as_object().expect("status object").keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["certificate_index", "source", "status"], "status fields");
            (
                s["certificate_index"].as_u64().expect("index"),
                s["status"].as_str().expect("status"),
                s["source"].as_str().expect("source"),
            )
        })
        .collect()
}

/// The `needs` array as (certificate_index, kind, urls).
fn needs(v: &Value) -> Vec<(u64, &str, Vec<&str>)> {
    v["needs"]
        .as_array()
        .expect("needs array")
        .iter()
        .map(|n| {
            let urls = n["urls"].as_array().expect("urls").iter().map(|u| u.as_str().expect("url")).collect();
            (n["certificate_index"].as_u64().expect("index"), n["kind"].as_str().expect("kind"), urls)
        })
        .collect()
}

/// A `policies` set as strings.
fn policy_set<'a>(v: &'a Value, which: &str) -> Vec<&'a str> {
    v["policies"][which].as_array().expect("policy set").iter().map(|p| p.as_str().expect("OID")).collect()
}

#[test]
fn crl_revoking_the_leaf_rejects_it() {
    let r = verify_rev(&["--crl", "@revocation/ca-revoked.crl.pem"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["kind"], "revoked");
    assert_eq!(v["error"]["certificate_index"], 0);
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("keyCompromise")), "{}", r.stdout);
    assert_eq!(statuses(&v), [(0, "revoked", "crl")]);
    assert_eq!(v["policies"], Value::Null);
    assert_eq!(needs(&v), []);

    // Text: the revoked status and its reason.
    let base = ["--anchors", "@revocation/root.pem", "--intermediates", "@revocation/ca.pem"];
    let r = verify_at(
        REV_TIME,
        &[&base[..], &["--crl", "@revocation/ca-revoked.crl.pem", "@revocation/leaf.pem"]].concat(),
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.starts_with("REJECTED"), "{}", r.stdout);
    for needle in ["revoked", "keyCompromise", "source crl", "[0] CN=leaf.example.test"] {
        assert!(r.stdout.contains(needle), "{needle} missing from:\n{}", r.stdout);
    }
}

#[test]
fn crl_not_listing_the_leaf_reports_good() {
    // A DER CRL from the CA (it lists another certificate): the leaf is good; its issuer,
    // covered by no CRL, is unknown (soft-fail, the rfc5280 default) and its CRL is needed.
    let r = verify_rev(&["--crl", "@revocation/ca-good.crl"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], true);
    assert_eq!(statuses(&v), [(0, "good", "crl"), (1, "unknown", "none")]);
    let n = needs(&v);
    assert!(n.iter().all(|(i, _, _)| *i == 1), "{n:?}");
    assert!(n.contains(&(1, "crl", vec!["http://crl.example.test/root.crl"])), "{n:?}");

    // A PEM file holding both CRLs (root's and CA's): every certificate is good, nothing is
    // needed, and hard-fail accepts the path.
    for mode in ["soft", "hard"] {
        let r = verify_rev(&["--crl", "@revocation/all-good.crl.pem", "--revocation", mode]);
        assert_eq!(r.code, 0, "{mode}: {}{}", r.stdout, r.stderr);
        let v = r.json();
        assert_eq!(statuses(&v), [(0, "good", "crl"), (1, "good", "crl")], "{mode}");
        assert_eq!(needs(&v), [], "{mode}");
    }
    // The same CRLs from two files.
    let r =
        verify_rev(&["--crl", "@revocation/root.crl.pem", "--crl", "@revocation/ca-good.crl", "--revocation", "hard"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(statuses(&r.json()), [(0, "good", "crl"), (1, "good", "crl")]);

    // Text: statuses and policy sets.
    let base = ["--anchors", "@revocation/root.pem", "--intermediates", "@revocation/ca.pem"];
    let r = verify_at(REV_TIME, &[&base[..], &["--crl", "@revocation/ca-good.crl", "@revocation/leaf.pem"]].concat());
    assert_eq!(r.code, 0);
    for needle in [
        "[0] good, according to a CRL",
        "[1] unknown",
        "fetch the CRL from http://crl.example.test/root.crl and pass it with --crl",
        "authorities-constrained: 1.3.6.1.4.1.55555.1",
    ] {
        assert!(r.stdout.contains(needle), "{needle} missing from:\n{}", r.stdout);
    }
}

#[test]
fn ocsp_responses_give_the_status() {
    let r = verify_rev(&["--ocsp", "@revocation/leaf-good.ocsp", "--crl", "@revocation/root.crl.pem"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(statuses(&r.json()), [(0, "good", "ocsp"), (1, "good", "crl")]);

    let r = verify_rev(&["--ocsp", "@revocation/leaf-revoked.ocsp"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "revoked");
    assert_eq!(statuses(&v), [(0, "revoked", "ocsp")]);

    // A revoked status wins over a good one from another source.
    let r = verify_rev(&["--crl", "@revocation/ca-good.crl", "--ocsp", "@revocation/leaf-revoked.ocsp"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["error"]["kind"], "revoked");
}

#[test]
fn intermediates_may_sign_ocsp_responses() {
    // Signed by a delegated responder whose certificate the response does not carry: it must
    // come from --intermediates.
    let r = verify_rev(&["--ocsp", "@revocation/leaf-good-delegated.ocsp"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "revocation_data_invalid");
    assert_eq!(v["error"]["certificate_index"], 0);

    let r =
        verify_rev(&["--intermediates", "@revocation/responder.pem", "--ocsp", "@revocation/leaf-good-delegated.ocsp"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(statuses(&v), [(0, "good", "ocsp"), (1, "unknown", "none")]);
    assert_eq!(subjects(&v), ["CN=leaf.example.test", "O=trustpath tests,CN=trustpath CLI Revocation CA"]);
}

#[test]
fn hard_fail_without_data_lists_what_to_fetch() {
    let r = verify_main(&["--revocation", "hard"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "revocation_unknown");
    assert_eq!(v["error"]["certificate_index"], 0);
    assert_eq!(statuses(&v), [(0, "unknown", "none")]);
    assert_eq!(v["policies"], Value::Null);
    // The leaf names an OCSP responder and no CRL distribution point.
    assert_eq!(needs(&v), [(0, "crl", vec![]), (0, "ocsp", vec![LEAF_OCSP])]);

    let base = ["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "--revocation", "hard"];
    let r = verify(&[&base[..], &["@leaf.pem"]].concat());
    assert_eq!(r.code, 1);
    for needle in ["REJECTED", "revocation_unknown", &format!("fetch an OCSP response from {LEAF_OCSP}"), "--ocsp"] {
        assert!(r.stdout.contains(needle), "{needle} missing from:\n{}", r.stdout);
    }

    // The udap profile hard-fails by default; --revocation overrides the profile's mode.
    let r = verify_main(&["--profile", "udap"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["error"]["kind"], "revocation_unknown");
    let r = verify_main(&["--profile", "udap", "--revocation", "soft"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn soft_fail_without_data_reports_unknown_and_needs() {
    for args in [&["--revocation", "soft"][..], &[]] {
        let r = verify_main(args);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
        let v = r.json();
        assert_eq!(statuses(&v), [(0, "unknown", "none"), (1, "unknown", "none")], "{args:?}");
        let n = needs(&v);
        assert!(n.contains(&(0, "ocsp", vec![LEAF_OCSP])), "{n:?}");
        assert!(n.contains(&(1, "crl", vec![INT_CRL])), "{n:?}");
    }
    let r = verify(&["--anchors", "@root.pem", "--intermediates", "@intermediate.pem", "@leaf.pem"]);
    assert_eq!(r.code, 0);
    for needle in ["[0] unknown", &format!("fetch the CRL from {INT_CRL} and pass it with --crl")] {
        assert!(r.stdout.contains(needle), "{needle} missing from:\n{}", r.stdout);
    }
}

#[test]
fn revocation_off_checks_nothing() {
    let r = verify_main(&["--revocation", "off"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(statuses(&v), []);
    assert_eq!(needs(&v), []);
    // Even a CRL revoking the leaf is not used; a warning says so.
    let r = verify_rev(&["--revocation", "off", "--crl", "@revocation/ca-revoked.crl.pem"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(statuses(&r.json()), []);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn initial_policy_with_explicit_policy() {
    // Without policy options: both policies the chain asserts, for the user too.
    let r = verify_main(&[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(policy_set(&v, "authorities_constrained"), [POLICY_DV, POLICY_CLI]);
    assert_eq!(policy_set(&v, "user_constrained"), [POLICY_DV, POLICY_CLI]);

    // A policy the chain asserts, required explicitly.
    let r = verify_main(&["--initial-policy", POLICY_DV, "--require-explicit-policy"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(policy_set(&v, "authorities_constrained"), [POLICY_DV, POLICY_CLI]);
    assert_eq!(policy_set(&v, "user_constrained"), [POLICY_DV]);

    // One it does not assert (OV): rejected when explicit policy is required, otherwise
    // accepted with an empty user-constrained set.
    let r = verify_main(&["--initial-policy", "2.23.140.1.2.2", "--require-explicit-policy"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "certificate_policy");
    assert_eq!(v["policies"], Value::Null);
    let r = verify_main(&["--initial-policy", "2.23.140.1.2.2"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(policy_set(&r.json(), "user_constrained"), Vec::<&str>::new());

    // Text reports.
    let base = ["--anchors", "@root.pem", "--intermediates", "@intermediate.pem"];
    let r = verify(&[&base[..], &["--initial-policy", POLICY_DV, "--require-explicit-policy", "@leaf.pem"]].concat());
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains(&format!("user-constrained:        {POLICY_DV}\n")), "{}", r.stdout);
    let r = verify(
        &[&base[..], &["--initial-policy", "2.23.140.1.2.2", "--require-explicit-policy", "@leaf.pem"]].concat(),
    );
    assert_eq!(r.code, 1);
    for needle in ["certificate_policy", "--initial-policy", POLICY_DV] {
        assert!(r.stdout.contains(needle), "{needle} missing from:\n{}", r.stdout);
    }
}

#[test]
fn policy_mapping_and_any_policy_inhibitors() {
    // The CA asserts REV_POLICY and maps it to REV_POLICY_MAPPED; the leaf asserts anyPolicy.
    let crl = ["--crl", "@revocation/all-good.crl.pem"];
    let r = verify_rev(&crl);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(policy_set(&v, "authorities_constrained"), [REV_POLICY]);
    assert_eq!(policy_set(&v, "user_constrained"), [REV_POLICY]);
    let r = verify_rev(&[&crl[..], &["--initial-policy", REV_POLICY, "--require-explicit-policy"]].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Policies are named in the anchor's domain: the mapped-to policy is not acceptable.
    let r = verify_rev(&[&crl[..], &["--initial-policy", REV_POLICY_MAPPED, "--require-explicit-policy"]].concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["error"]["kind"], "certificate_policy");

    for flag in ["--inhibit-policy-mapping", "--inhibit-any-policy"] {
        // No policy remains: fine unless an explicit policy is required.
        let r = verify_rev(&[&crl[..], &[flag]].concat());
        assert_eq!(r.code, 0, "{flag}: {}{}", r.stdout, r.stderr);
        let v = r.json();
        assert_eq!(policy_set(&v, "authorities_constrained"), Vec::<&str>::new(), "{flag}");
        assert_eq!(policy_set(&v, "user_constrained"), Vec::<&str>::new(), "{flag}");
        let r = verify_rev(&[&crl[..], &[flag, "--require-explicit-policy"]].concat());
        assert_eq!(r.code, 1, "{flag}: {}{}", r.stdout, r.stderr);
        let v = r.json();
        assert_eq!(v["error"]["kind"], "certificate_policy", "{flag}");
        assert_eq!(v["policies"], Value::Null, "{flag}");
    }

    // With the CA as the anchor, the path is the leaf alone and valid for anyPolicy.
    let args = ["--anchors", "@revocation/ca.pem", "--crl", "@revocation/ca-good.crl", "--json"];
    let r = verify_at(REV_TIME, &[&args[..], &["--initial-policy", "1.2.3", "@revocation/leaf.pem"]].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(statuses(&v), [(0, "good", "crl")]);
    assert_eq!(policy_set(&v, "authorities_constrained"), [ANY_POLICY]);
    assert_eq!(policy_set(&v, "user_constrained"), ["1.2.3"]);
}

#[test]
fn unreadable_revocation_data_exits_2() {
    for args in [
        &["--crl", "@revocation/garbage.crl"][..],
        &["--crl", "@revocation/leaf.pem"],
        &["--crl", "@revocation/leaf-good.ocsp"],
        &["--crl", "@revocation/no-such-file.crl"],
        &["--ocsp", "@revocation/ca-good.crl"],
        &["--ocsp", "@revocation/garbage.crl"],
    ] {
        let r = verify_rev(args);
        assert_usage_error(&r);
        assert!(r.stderr.contains("test-vectors/cli/revocation/"), "{args:?}: names the file: {}", r.stderr);
    }
    // One bad CRL in a PEM file with a good one.
    let good = std::fs::read(vector("revocation/root.crl.pem")).expect("root.crl.pem");
    let bad = b"-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n";
    let args = ["chain", "verify", "--anchors", &vector("revocation/root.pem"), "--time", REV_TIME, "--crl", "-"];
    let r = run_with_stdin(&[&args[..], &[&vector("revocation/leaf.pem")]].concat(), &[&good[..], bad].concat());
    assert_usage_error(&r);
    assert!(r.stderr.contains("CRL 2"), "{}", r.stderr);
}

/// `chain verify` over the generated PKI of `test-vectors/pki/` (the profile cases).
fn verify_pki(args: &[&str]) -> Run {
    let dir = format!("{}/test-vectors/pki/", env!("CARGO_MANIFEST_DIR"));
    let mut full: Vec<String> =
        ["chain", "verify", "--time", "2026-06-01T00:00:00Z", "--anchors"].iter().map(|s| s.to_string()).collect();
    full.push(format!("{dir}base/root.pem"));
    full.extend(args.iter().map(|a| a.replace('@', &dir)));
    let refs: Vec<&str> = full.iter().map(String::as_str).collect();
    run(&refs)
}

#[test]
fn profile_violations_are_findings_unless_strict() {
    let args = ["--intermediates", "@profile/bc-not-critical.pem", "@profile/bc-not-critical-leaf.pem"];
    let json = verify_pki(&[&["--json"][..], &args].concat());
    assert_eq!(json.code, 0, "{}", json.stdout);
    let v = json.json();
    assert_eq!(v["valid"], true);
    let findings = v["findings"].as_array().expect("findings array");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "rfc5280.basic-constraints.critical-in-ca");
    assert_eq!(findings[0]["citation"], "RFC 5280 §4.2.1.9");
    assert_eq!(findings[0]["certificate_index"], 1);

    let text = verify_pki(&args);
    assert_eq!(text.code, 0);
    let warnings: Vec<&str> = text.stdout.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 1, "{}", text.stdout);
    assert!(warnings[0].contains("rfc5280.basic-constraints.critical-in-ca"), "{}", warnings[0]);

    for profile in [&["--strict"][..], &["--profile", "tls-server", "--eku", "anyExtendedKeyUsage"]] {
        let strict = verify_pki(&[&["--json"][..], profile, &args].concat());
        assert_eq!(strict.code, 1, "{profile:?}: {}", strict.stdout);
        let v = strict.json();
        assert_eq!(v["error"]["kind"], "certificate_profile", "{profile:?}");
        assert_eq!(v["error"]["certificate_index"], 1, "{profile:?}");
        assert_eq!(v["findings"].as_array().map(Vec::len), Some(0));
    }

    // A conforming path has no findings.
    let clean = verify_pki(&["--json", "--intermediates", "@base/intermediate.pem", "@base/leaf.pem"]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    assert_eq!(clean.json()["findings"], serde_json::json!([]));
}

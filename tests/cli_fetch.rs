//! `--fetch` and `--fetch-cache DIR` of `trustpath chain verify`, `jwt verify` and `smime
//! verify`, against a real HTTP server on loopback: a PKI generated here whose certificates
//! name `http://127.0.0.1:PORT/...` CRL distribution points, served by the test's own server
//! (`trustpath_testgen::serve`). Validation time 2026-06-01.

#![cfg(feature = "cli")]

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use serde_json::Value;
use trustpath::Certificate;
use trustpath::direct::{DirectAddress, MessageBuilder, SmimeSigner};
use trustpath::jws::Signer;
use trustpath::udap::build::{SoftwareStatement, StatementGrant};
use trustpath_testgen::crl::crl_number;
use trustpath_testgen::serve::{Reply, Server};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{CrlBuilder, CrlEntry, KeyKind, KeyPair, ext, name};
use x509_cert::ext::pkix::name::GeneralName;

const TIME: &str = "2026-06-01T00:00:00Z";
const NOW: u64 = 1_780_272_000;
const DAY: u64 = 86_400;
const SENDER: &str = "alice@direct.fetch.test";
/// The leaf's SAN URI: a UDAP client.
const CLIENT_URI: &str = "https://client.fetch.test/app";
const REGISTER_URL: &str = "https://fhir.fetch.test/register";

struct Pki {
    dir: PathBuf,
    root: Issuer,
    ca: Issuer,
    leaf: Certificate,
    leaf_key: Arc<KeyPair>,
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn key(label: &str) -> Arc<KeyPair> {
    Arc::new(KeyPair::generate(label, KeyKind::P256).expect("key"))
}

fn pem(label: &str, der: &[u8]) -> String {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der).expect("pem")
}

/// A root (anchors.pem), an issuing CA and a leaf (leaf.pem: the leaf then the CA) whose CRL
/// distribution points are `{base}/ca.crl` (the leaf's) and `{base}/root.crl` (the CA's);
/// the leaf also names `SENDER` and emailProtection.
fn pki(test: &str, base: &str) -> Pki {
    let dir = std::env::temp_dir().join(format!("trustpath-cli-fetch-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let root_key = key("cli fetch root");
    let root_name = name::NameBuilder::new().o("CLI Fetch").cn("CLI Fetch Root").build().expect("name");
    let root_der = templates::root(&root_name, &root_key).expect("root").sign(&root_key).expect("sign");
    let root = Issuer::new(root_name, root_key, root_der);
    let ca_key = key("cli fetch ca");
    let ca_name = name::NameBuilder::new().o("CLI Fetch").cn("CLI Fetch CA").build().expect("name");
    let root_crl = format!("{base}/root.crl");
    let ca_builder = templates::intermediate(&ca_name, &ca_key, &root)
        .expect("ca")
        .extension(ext::crl_distribution_points(&[&root_crl]).expect("cdp"));
    let ca_der = root.sign(&ca_builder).expect("sign");
    let ca = Issuer::new(ca_name, ca_key, ca_der);
    let leaf_key = key("cli fetch leaf");
    let leaf_name = name::NameBuilder::new().o("CLI Fetch").cn("Alice").build().expect("name");
    let email = GeneralName::Rfc822Name(der::asn1::Ia5String::new(SENDER).expect("ia5"));
    let uri = GeneralName::UniformResourceIdentifier(der::asn1::Ia5String::new(CLIENT_URI).expect("ia5"));
    let builder = templates::leaf(&leaf_name, &leaf_key, &ca)
        .expect("leaf")
        .replace_extension(ext::extended_key_usage(false, &[ext::EKU_EMAIL_PROTECTION]).expect("eku"))
        .extension(ext::subject_alt_name(false, vec![email, uri]).expect("san"))
        .extension(ext::crl_distribution_points(&[&format!("{base}/ca.crl")]).expect("cdp"));
    let leaf = Certificate::from_der(ca.sign(&builder).expect("sign")).expect("leaf parses");
    std::fs::write(dir.join("anchors.pem"), pem("CERTIFICATE", &root.der)).expect("write");
    std::fs::write(dir.join("leaf.pem"), pem("CERTIFICATE", leaf.der()) + &pem("CERTIFICATE", &ca.der)).expect("write");
    Pki { dir, root, ca, leaf, leaf_key }
}

impl Pki {
    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    /// The issuing CA's CRL, revoking `revoked`.
    fn crl(&self, revoked: &[&[u8]]) -> Vec<u8> {
        crl_by(&self.ca, revoked)
    }

    /// Serves the root's CRL (revoking nothing) and the issuing CA's, revoking `revoked`.
    fn serve(&self, server: &Server, revoked: &[&[u8]]) {
        server.route("/root.crl", Reply::ok(crl_by(&self.root, &[]), "application/pkix-crl"));
        server.route("/ca.crl", Reply::ok(self.crl(revoked), "application/pkix-crl"));
    }

    fn chain(&self) -> Vec<Certificate> {
        vec![self.leaf.clone(), Certificate::from_der(self.ca.der.clone()).expect("ca")]
    }

    fn private_key(&self) -> Vec<u8> {
        self.leaf_key.to_pkcs8_pem().expect("pkcs8").into_bytes()
    }
}

fn crl_by(issuer: &Issuer, revoked: &[&[u8]]) -> Vec<u8> {
    CrlBuilder::new(&issuer.name, NOW - DAY, NOW + DAY)
        .expect("builder")
        .extension(crl_number(1))
        .entries(revoked.iter().map(|s| CrlEntry::new(s, NOW - 3_600)))
        .sign(&issuer.key)
        .expect("sign")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        assert_eq!(self.stdout.lines().count(), 1, "one JSON line expected: {}\n{}", self.stdout, self.stderr);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_trustpath")).args(args).output().expect("run trustpath");
    Run {
        code: out.status.code().expect("exit status"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

/// `chain verify` of the leaf (and every certificate below the root) with revocation `mode`.
fn chain_verify(pki: &Pki, mode: &str, extra: &[&str]) -> Run {
    let (anchors, leaf) = (pki.path("anchors.pem"), pki.path("leaf.pem"));
    let mut args = vec!["chain", "verify", "--time", TIME, "--anchors", &anchors, "--revocation", mode];
    args.extend_from_slice(extra);
    args.push(&leaf);
    run(&args)
}

/// The `fetched` entries as (kind, status) pairs, after checking each has exactly the
/// documented members.
fn fetched(v: &Value) -> Vec<(String, String)> {
    let list = v["fetched"].as_array().unwrap_or_else(|| panic!("no fetched list: {v}"));
    list.iter()
        .map(|f| {
            let mut keys: Vec<&str> = f.as_object().expect("object").keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["bytes", "kind", "ms", "status", "url"]);
            assert!(f["bytes"].is_u64() && f["ms"].is_u64(), "{f}");
            (f["kind"].as_str().unwrap_or_default().into(), f["status"].as_str().unwrap_or_default().into())
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, s)| (k.to_string(), s.to_string())).collect()
}

#[test]
fn chain_verify_fetches_the_crls_the_distribution_points_name() {
    let server = Server::start().expect("server");
    let pki = pki("chain", &server.url(""));
    pki.serve(&server, &[]);

    // Without --fetch: hard-fail refuses, and no request is made; no `fetched` member.
    let plain = chain_verify(&pki, "hard", &["--json"]);
    assert_eq!(plain.code, 1, "{}", plain.stdout);
    let v = plain.json();
    assert_eq!(v["error"]["kind"], "revocation_unknown");
    assert!(v.get("fetched").is_none());
    assert_eq!(server.hits("/"), 0);

    let with_fetch = chain_verify(&pki, "hard", &["--json", "--fetch"]);
    assert_eq!(with_fetch.code, 0, "{}{}", with_fetch.stdout, with_fetch.stderr);
    let v = with_fetch.json();
    assert_eq!(v["valid"], true);
    for status in v["revocation"].as_array().expect("statuses") {
        assert_eq!((&status["status"], &status["source"]), (&Value::from("good"), &Value::from("crl")), "{v}");
    }
    assert_eq!(fetched(&v), pairs(&[("crl", "ok"), ("crl", "ok")]));
    assert_eq!(v["fetched"][0]["url"], server.url("/ca.crl"));
    assert_eq!(v["fetched"][0]["bytes"], pki.crl(&[]).len());
    assert_eq!(v["fetched"][1]["url"], server.url("/root.crl"));
    assert_eq!((server.hits("/ca.crl"), server.hits("/root.crl")), (1, 1));

    let text = chain_verify(&pki, "hard", &["--fetch"]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("VALID"), "{}", text.stdout);
    let line = format!("[0] crl {} (ok, {} bytes", server.url("/ca.crl"), pki.crl(&[]).len());
    assert!(text.stdout.contains(&line), "{}", text.stdout);
}

#[test]
fn chain_verify_refuses_a_leaf_the_fetched_crl_revokes() {
    let server = Server::start().expect("server");
    let pki = pki("revoked", &server.url(""));
    pki.serve(&server, &[pki.leaf.serial()]);
    for mode in ["hard", "soft"] {
        let run = chain_verify(&pki, mode, &["--json", "--fetch"]);
        assert_eq!(run.code, 1, "{mode}: {}", run.stdout);
        let v = run.json();
        assert_eq!(v["error"]["kind"], "revoked", "{mode}");
        assert_eq!(v["error"]["certificate_index"], 0, "{mode}");
        assert_eq!(fetched(&v).first(), Some(&("crl".to_string(), "ok".to_string())), "{mode}");
    }
}

#[test]
fn chain_verify_with_a_dead_server_soft_fail_reports_hard_fail_refuses() {
    let dead = Server::start().expect("server").url("");
    let pki = pki("dead", &dead);
    let soft = chain_verify(&pki, "soft", &["--json", "--fetch"]);
    assert_eq!(soft.code, 0, "{}", soft.stdout);
    let v = soft.json();
    assert_eq!(v["revocation"][0]["status"], "unknown");
    assert_eq!(fetched(&v), pairs(&[("crl", "connect_failed"), ("crl", "connect_failed")]));
    assert!(soft.stderr.contains(&format!("{dead}/ca.crl")), "the failure is told on stderr: {}", soft.stderr);

    let hard = chain_verify(&pki, "hard", &["--json", "--fetch"]);
    assert_eq!(hard.code, 1);
    let v = hard.json();
    assert_eq!(v["error"]["kind"], "revocation_unknown");
    assert_eq!(fetched(&v)[0], ("crl".to_string(), "connect_failed".to_string()));
}

#[test]
fn fetch_cache_keeps_the_crls_for_the_next_run() {
    let server = Server::start().expect("server");
    let pki = pki("cache", &server.url(""));
    pki.serve(&server, &[]);
    let cache = pki.path("cache");
    let first = chain_verify(&pki, "hard", &["--json", "--fetch", "--fetch-cache", &cache]);
    assert_eq!(fetched(&first.json()), pairs(&[("crl", "ok"), ("crl", "ok")]));
    // A new process, the same directory: no request (--fetch-cache implies --fetch).
    let second = chain_verify(&pki, "hard", &["--json", "--fetch-cache", &cache]);
    assert_eq!(second.code, 0);
    assert_eq!(fetched(&second.json()), pairs(&[("crl", "cached"), ("crl", "cached")]));
    assert_eq!(server.hits("/"), 2);
    // Past the CRLs' nextUpdate the cached copies are not used (and the server's are stale).
    let (anchors, leaf) = (pki.path("anchors.pem"), pki.path("leaf.pem"));
    let later_time = "2026-06-03T00:00:00Z";
    let later = run(&[
        "chain",
        "verify",
        "--time",
        later_time,
        "--anchors",
        &anchors,
        "--revocation",
        "hard",
        "--json",
        "--fetch-cache",
        &cache,
        &leaf,
    ]);
    assert_eq!(later.code, 1);
    assert_eq!(fetched(&later.json())[0], ("crl".to_string(), "ok".to_string()));
    assert_eq!(server.hits("/ca.crl"), 2);
}

#[test]
fn fetch_options_are_checked_and_documented() {
    let server = Server::start().expect("server");
    let pki = pki("options", &server.url(""));
    for bad in [&["--fetch-timeout", "0"][..], &["--fetch-timeout", "ten"], &["--fetch-cache", ""]] {
        let run = chain_verify(&pki, "hard", bad);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
    }
    for command in [["chain", "verify", "--help"], ["jwt", "verify", "--help"], ["smime", "verify", "--help"]] {
        let help = run(&command);
        assert!(help.stdout.contains("\n  --fetch  "), "{command:?}: {}", help.stdout);
        assert!(help.stdout.contains("--fetch-cache DIR") && help.stdout.contains("\"fetched\""), "{command:?}");
    }
    assert_eq!(server.hits("/"), 0);
}

#[test]
fn jwt_verify_fetches_the_signers_crls() {
    let server = Server::start().expect("server");
    let pki = pki("jwt", &server.url(""));
    let token = Signer::from_pkcs8(&pki.private_key(), pki.chain())
        .expect("signer")
        .sign_json(&serde_json::json!({"iss": "fetch test", "iat": NOW}))
        .expect("sign");
    std::fs::write(pki.path("token.jws"), &token).expect("write");
    let (anchors, token_file) = (pki.path("anchors.pem"), pki.path("token.jws"));
    let verify = |extra: &[&str]| {
        let mut args =
            vec!["jwt", "verify", "--profile", "jws", "--time", TIME, "--anchors", &anchors, "--revocation", "hard"];
        args.extend_from_slice(extra);
        args.push(&token_file);
        run(&args)
    };
    pki.serve(&server, &[]);
    let without = verify(&["--json"]);
    assert_eq!((without.code, without.json()["error"]["kind"].as_str()), (1, Some("certificate_path_rejected")));
    let with = verify(&["--json", "--fetch"]);
    assert_eq!(with.code, 0, "{}{}", with.stdout, with.stderr);
    assert_eq!(fetched(&with.json()), pairs(&[("crl", "ok"), ("crl", "ok")]));

    pki.serve(&server, &[pki.leaf.serial()]);
    let revoked = verify(&["--json", "--fetch"]);
    assert_eq!(revoked.code, 1);
    let v = revoked.json();
    assert!(v["error"]["message"].as_str().unwrap_or_default().contains("revoked"), "{v}");
}

#[test]
fn smime_verify_fetches_the_signers_crls() {
    let server = Server::start().expect("server");
    let pki = pki("smime", &server.url(""));
    let signer = SmimeSigner::from_private_key(&pki.private_key(), pki.chain()).expect("signer");
    let from = DirectAddress::parse(SENDER).expect("address");
    let to = DirectAddress::parse("bob@direct.fetch.test").expect("address");
    let message = MessageBuilder::new(from, vec![to]).subject("fetch").text("hello").sign(&signer).expect("sign");
    std::fs::write(pki.path("message.eml"), message).expect("write");
    let (anchors, message_file) = (pki.path("anchors.pem"), pki.path("message.eml"));
    let verify = |extra: &[&str]| {
        let mut args = vec!["smime", "verify", "--time", TIME, "--anchors", &anchors];
        args.extend_from_slice(extra);
        args.push(&message_file);
        run(&args)
    };
    pki.serve(&server, &[]);
    let without = verify(&["--json"]);
    assert_eq!(without.code, 1, "{}", without.stdout);
    assert_eq!(without.json()["error"]["kind"], "revocation_unknown");
    let with = verify(&["--json", "--fetch"]);
    assert_eq!(with.code, 0, "{}{}", with.stdout, with.stderr);
    let v = with.json();
    assert_eq!(v["signer"]["binding"], "address");
    assert_eq!(fetched(&v), pairs(&[("crl", "ok"), ("crl", "ok")]));
    let text = verify(&["--fetch"]);
    assert!(text.stdout.contains("Fetched:"), "{}", text.stdout);

    pki.serve(&server, &[pki.leaf.serial()]);
    let revoked = verify(&["--json", "--fetch"]);
    assert_eq!(revoked.code, 1);
    assert_eq!(revoked.json()["error"]["kind"], "revoked");
}

#[test]
fn a_udap_software_statement_is_verified_once_after_fetching_and_replays_are_still_caught() {
    let server = Server::start().expect("server");
    let pki = pki("udap", &server.url(""));
    let claims = SoftwareStatement::new(CLIENT_URI, REGISTER_URL, "Fetch Client", StatementGrant::ClientCredentials)
        .with_contacts(["mailto:ops@client.fetch.test"])
        .with_scope("system/Patient.rs")
        .claims(trustpath::UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW)), "jti-1");
    let token = Signer::from_pkcs8(&pki.private_key(), pki.chain()).expect("signer").sign_json(&claims).expect("sign");
    std::fs::write(pki.path("statement.jwt"), &token).expect("write");
    let (anchors, statement) = (pki.path("anchors.pem"), pki.path("statement.jwt"));
    pki.serve(&server, &[]);
    let base = ["jwt", "verify", "--profile", "udap-software-statement", "--aud", REGISTER_URL, "--time", TIME];
    let verify = |extra: &[&str]| run(&[&base[..], &["--anchors", &anchors, "--json", "--fetch"], extra].concat());

    // Soft-fail: the first validation passes with the status unknown, the loop fetches, and
    // validates again; only the final decision records the jti.
    let soft = verify(&["--revocation", "soft", &statement]);
    assert_eq!(soft.code, 0, "{}{}", soft.stdout, soft.stderr);
    let v = soft.json();
    assert_eq!((v["valid"].as_bool(), v["san_uri"].as_str()), (Some(true), Some(CLIENT_URI)));
    assert_eq!(fetched(&v), pairs(&[("crl", "ok"), ("crl", "ok")]));

    // The same statement twice in one run: the second is a replay.
    let twice = verify(&["--revocation", "hard", &statement, &statement]);
    assert_eq!(twice.code, 1);
    let lines: Vec<Value> = twice.stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines[0]["valid"], true, "{}", lines[0]);
    assert_eq!(lines[1]["error"]["kind"], "replay", "{}", lines[1]);
}

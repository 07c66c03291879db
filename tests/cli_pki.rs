//! Drives `trustpath pki`: a community is created, every profile is issued, and each
//! certificate is checked the way a connectathon participant would: `trustpath chain verify`
//! under the matching preset (anchors from the community's `.p7b`, its CRLs, hard-fail
//! revocation, no findings, `--strict` too), `openssl verify -x509_strict` (with `-purpose`
//! where one applies) when OpenSSL is installed, a UDAP client's `jwt sign` / `jwt verify` and a
//! Direct address's `smime sign` / `openssl cms -verify`. Then every certificate is revoked,
//! the CRLs re-issued, and each one refused. All times are fixed with `--time`.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use trustpath::UnixTime;
use trustpath::udap::build;

/// The community is created at 2026-01-01, its first CRLs current until 2026-01-31.
const INIT: &str = "2026-01-01T00:00:00Z";
/// Participants' certificates are issued the next day.
const ISSUE: &str = "2026-01-02T00:00:00Z";
/// They are checked on 2026-01-15 (1768435200).
const CHECK: &str = "2026-01-15T00:00:00Z";
const CHECK_UNIX: u64 = 1_768_435_200;
/// Revoked on 2026-01-16, new CRLs an hour later, checked again on 2026-01-20 (1768867200).
const REVOKE: &str = "2026-01-16T00:00:00Z";
const REISSUE: &str = "2026-01-16T01:00:00Z";
const AFTER: &str = "2026-01-20T00:00:00Z";
const AFTER_UNIX: u64 = 1_768_867_200;

const CLIENT_URI: &str = "https://client.test.example/apps/42";
const TOKEN_URL: &str = "https://fhir.test.example/oauth/token";
const BASE_URL: &str = "https://fhir.test.example/r4";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }

    fn ok(self, what: &str) -> Run {
        assert_eq!(self.code, 0, "{what}: {}{}", self.stdout, self.stderr);
        self
    }
}

fn run<S: AsRef<str>>(args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_trustpath"))
        .args(args.iter().map(AsRef::as_ref))
        .output()
        .expect("run trustpath");
    Run {
        code: out.status.code().expect("exit status"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// `openssl ARGS`, or `None` (with a note) when OpenSSL is not installed.
fn openssl(args: &[&str]) -> Option<(bool, String)> {
    match Command::new("openssl").args(args).output() {
        Ok(out) => {
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            Some((out.status.success(), text))
        }
        Err(_) => {
            eprintln!("skipped: openssl is not installed");
            None
        }
    }
}

fn work_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_pki").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A community in `DIR/ca`, with `DIR/anchors.p7b` and `DIR/anchors.pem`.
struct Community {
    dir: PathBuf,
}

impl Community {
    fn new(test: &str, key: &str) -> Community {
        let c = Community { dir: work_dir(test) };
        run(&[
            "pki",
            "init",
            "--dir",
            &c.ca(),
            "--name",
            "Test Community",
            "--key",
            key,
            "--crl-url",
            "http://pki.test.example/crl",
            "--aia-url",
            "http://pki.test.example/ca",
            "--time",
            INIT,
        ])
        .ok("pki init");
        for out in ["anchors.p7b", "anchors.pem"] {
            run(&["pki", "bundle", "--dir", &c.ca(), "--out", &c.path(out)]).ok("pki bundle");
        }
        c
    }

    fn ca(&self) -> String {
        self.path("ca")
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).to_string_lossy().into_owned()
    }

    /// `pki issue` at ISSUE; writes `NAME.key` and `NAME.pem`.
    fn issue(&self, name: &str, args: &[&str]) -> Run {
        let (ca, key, chain) = (self.ca(), self.path(&format!("{name}.key")), self.path(&format!("{name}.pem")));
        let mut full = vec!["pki", "issue", "--dir", &ca, "--out-key", &key, "--out-chain", &chain];
        full.extend(["--time", ISSUE]);
        full.extend(args);
        run(&full)
    }

    /// `chain verify --json` of `NAME.pem` at `time` under `preset`, with the community's
    /// `.p7b` as anchors, its CRLs and hard-fail revocation.
    fn verify(&self, name: &str, preset: &str, time: &str, extra: &[&str]) -> Run {
        let (anchors, root_crl, int_crl) = (self.path("anchors.p7b"), self.crl("root"), self.crl("intermediate"));
        let chain = self.path(&format!("{name}.pem"));
        let mut args = vec!["chain", "verify", "--anchors", &anchors, "--crl", &root_crl, "--crl", &int_crl];
        args.extend(["--revocation", "hard", "--profile", preset, "--time", time, "--json"]);
        args.extend(extra);
        args.push(&chain);
        run(&args)
    }

    fn crl(&self, issuer: &str) -> String {
        self.path(&format!("ca/{issuer}.crl"))
    }

    /// `openssl verify -x509_strict` of `NAME.pem` with the root as CA file, the
    /// intermediate as untrusted, both CRLs, at `unix`.
    fn openssl_verify(&self, name: &str, purpose: Option<&str>, unix: u64, extra: &[&str]) -> Option<(bool, String)> {
        let (root, int) = (self.path("ca/root.pem"), self.path("ca/intermediate.pem"));
        let (root_crl, int_crl, time) = (self.crl("root"), self.crl("intermediate"), unix.to_string());
        let chain = self.path(&format!("{name}.pem"));
        let mut args = vec!["verify", "-x509_strict", "-CAfile", &root, "-untrusted", &int, "-crl_check_all"];
        args.extend(["-CRLfile", &root_crl, "-CRLfile", &int_crl, "-attime", &time]);
        if let Some(purpose) = purpose {
            args.extend(["-purpose", purpose]);
        }
        args.extend(extra);
        args.push(&chain);
        openssl(&args)
    }

    fn state(&self) -> Vec<u8> {
        std::fs::read(self.path("ca/community.json")).expect("community.json")
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = walk(&self.dir).into_iter().map(|p| p.to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// One participant of the every-profile test.
struct Participant {
    name: &'static str,
    issue: &'static [&'static str],
    preset: &'static str,
    verify: &'static [&'static str],
    purpose: Option<&'static str>,
    openssl: &'static [&'static str],
}

const PARTICIPANTS: &[Participant] = &[
    Participant {
        name: "udap-client",
        issue: &["--profile", "udap-client", "--san-uri", CLIENT_URI],
        preset: "udap",
        verify: &[],
        purpose: None,
        openssl: &[],
    },
    Participant {
        name: "udap-client-rsa",
        issue: &["--profile", "udap-client", "--san-uri", CLIENT_URI, "--key", "rsa2048"],
        preset: "udap",
        verify: &[],
        purpose: None,
        openssl: &[],
    },
    Participant {
        name: "udap-server",
        issue: &["--profile", "udap-server", "--san-uri", BASE_URL, "--dns", "fhir.test.example", "--key", "p384"],
        preset: "udap",
        verify: &[],
        purpose: None,
        openssl: &[],
    },
    Participant {
        name: "tls-server",
        issue: &["--profile", "tls-server", "--dns", "fhir.test.example", "--dns", "api.test.example"],
        preset: "tls-server",
        verify: &["--server-name", "api.test.example"],
        purpose: Some("sslserver"),
        openssl: &["-verify_hostname", "api.test.example"],
    },
    Participant {
        name: "tls-server-rsa",
        issue: &["--profile", "tls-server", "--dns", "fhir.test.example", "--key", "rsa3072", "--days", "90"],
        preset: "tls-server",
        verify: &["--server-name", "fhir.test.example"],
        purpose: Some("sslserver"),
        openssl: &["-verify_hostname", "fhir.test.example"],
    },
    Participant {
        name: "tls-client-uri",
        issue: &["--profile", "tls-client", "--san-uri", CLIENT_URI],
        preset: "tls-client",
        verify: &[],
        purpose: Some("sslclient"),
        openssl: &[],
    },
    Participant {
        name: "tls-client-dns",
        issue: &["--profile", "tls-client", "--dns", "client.test.example"],
        preset: "tls-client",
        verify: &[],
        purpose: Some("sslclient"),
        openssl: &[],
    },
    Participant {
        name: "direct-sign",
        issue: &["--profile", "direct-address", "--email", "alice@direct.test.example", "--usage", "sign"],
        preset: "direct",
        verify: &[],
        purpose: Some("smimesign"),
        openssl: &[],
    },
    Participant {
        name: "direct-sign-ec",
        issue: &[
            "--profile",
            "direct-address",
            "--email",
            "alice@direct.test.example",
            "--usage",
            "sign",
            "--key",
            "p256",
        ],
        preset: "direct",
        verify: &[],
        purpose: Some("smimesign"),
        openssl: &[],
    },
    Participant {
        name: "direct-encrypt",
        issue: &["--profile", "direct-address", "--email", "alice@direct.test.example", "--usage", "encrypt"],
        preset: "direct",
        verify: &[],
        purpose: Some("smimeencrypt"),
        openssl: &[],
    },
    Participant {
        name: "direct-dual",
        issue: &["--profile", "direct-address", "--email", "bob@direct.test.example"],
        preset: "direct",
        verify: &[],
        purpose: Some("smimesign"),
        openssl: &[],
    },
    Participant {
        name: "direct-domain",
        issue: &["--profile", "direct-domain", "--dns", "direct.test.example", "--usage", "dual"],
        preset: "direct",
        verify: &[],
        purpose: Some("smimesign"),
        openssl: &[],
    },
];

fn assert_valid_without_findings(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}: {}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], true, "{what}: {v}");
    assert_eq!(v["findings"], serde_json::json!([]), "{what}: {v}");
    assert_eq!(v["path"].as_array().map(Vec::len), Some(2), "{what}: leaf and intermediate");
    let statuses: Vec<&Value> = v["revocation"].as_array().expect("revocation").iter().map(|s| &s["status"]).collect();
    assert_eq!(statuses, [&Value::from("good"), &Value::from("good")], "{what}: {v}");
}

#[test]
fn every_profile_validates_under_its_preset_and_openssl_then_is_revoked() {
    let c = Community::new("every_profile", "p256");
    for p in PARTICIPANTS {
        let r = c.issue(p.name, p.issue).ok(p.name);
        assert!(r.stdout.starts_with("issued "), "{}", r.stdout);
        let chain = std::fs::read_to_string(c.path(&format!("{}.pem", p.name))).expect("chain");
        assert_eq!(chain.matches("-----BEGIN CERTIFICATE-----").count(), 2, "leaf and intermediate");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(c.path(&format!("{}.key", p.name))).expect("key").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}: the key is the owner's only", p.name);
        }

        assert_valid_without_findings(&c.verify(p.name, p.preset, CHECK, p.verify), p.name);
        let strict = [p.verify, &["--strict"]].concat();
        assert_valid_without_findings(&c.verify(p.name, p.preset, CHECK, &strict), p.name);
        // The rfc5280 preset checks the §4 table whatever the purpose: still nothing to report.
        assert_valid_without_findings(&c.verify(p.name, "rfc5280", CHECK, &["--strict"]), p.name);
        if let Some((ok, text)) = c.openssl_verify(p.name, p.purpose, CHECK_UNIX, p.openssl) {
            assert!(ok && text.contains(": OK"), "{}: openssl verify: {text}", p.name);
        }
    }
    // The wrong purpose is refused: a signing-only Direct certificate cannot encrypt, a TLS
    // client certificate is no server certificate.
    let r = c.verify("tls-client-uri", "tls-server", CHECK, &["--server-name", "client.test.example"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    if let Some((ok, text)) = c.openssl_verify("direct-sign", Some("smimeencrypt"), CHECK_UNIX, &[]) {
        assert!(!ok, "openssl must refuse: {text}");
    }
    if let Some((ok, text)) = c.openssl_verify("tls-client-uri", Some("sslserver"), CHECK_UNIX, &[]) {
        assert!(!ok, "openssl must refuse: {text}");
    }

    // Revoked: by serial or by certificate file, with or without a reason.
    let list = run(&["pki", "list", "--dir", &c.ca(), "--json", "--time", CHECK]).ok("pki list").json();
    let certificates = list["certificates"].as_array().expect("certificates");
    assert_eq!(certificates.len(), PARTICIPANTS.len() + 1, "the intermediate and every participant");
    let ca = c.ca();
    for (i, p) in PARTICIPANTS.iter().enumerate() {
        let record = &certificates[i + 1];
        assert_eq!(record["status"], "valid");
        let mut args = vec!["pki", "revoke", "--dir", &ca];
        let (serial, file) =
            (record["serial"].as_str().expect("serial").to_uppercase(), c.path(&format!("{}.pem", p.name)));
        if i % 2 == 0 {
            args.extend(["--serial", serial.as_str()]);
        } else {
            args.extend(["--cert", file.as_str(), "--reason", "keyCompromise"]);
        }
        args.extend(["--time", REVOKE]);
        run(&args).ok("pki revoke");
    }
    // Recorded, not yet published: the old CRLs still say good.
    assert_valid_without_findings(&c.verify("udap-client", "udap", AFTER, &[]), "before pki crl");
    run(&["pki", "crl", "--dir", &c.ca(), "--time", REISSUE]).ok("pki crl");
    for p in PARTICIPANTS {
        let r = c.verify(p.name, p.preset, AFTER, p.verify);
        assert_eq!(r.code, 1, "{}: {}{}", p.name, r.stdout, r.stderr);
        let v = r.json();
        assert_eq!(
            (&v["valid"], &v["error"]["kind"]),
            (&Value::from(false), &Value::from("revoked")),
            "{}: {v}",
            p.name
        );
        if let Some((ok, text)) = c.openssl_verify(p.name, p.purpose, AFTER_UNIX, p.openssl) {
            assert!(!ok && text.contains("certificate revoked"), "{}: openssl verify: {text}", p.name);
        }
    }
    let list = run(&["pki", "list", "--dir", &c.ca(), "--json", "--time", AFTER]).ok("pki list").json();
    let statuses: Vec<&str> =
        list["certificates"].as_array().expect("list").iter().map(|r| r["status"].as_str().unwrap_or("")).collect();
    assert_eq!(statuses[0], "valid", "the intermediate");
    assert!(statuses[1..].iter().all(|s| *s == "revoked"), "{statuses:?}");
    assert_eq!(list["certificates"][2]["revoked"]["reason"], "keyCompromise");
}

#[test]
fn a_udap_client_signs_an_assertion_that_jwt_verify_accepts_until_revoked() {
    let c = Community::new("udap_client", "rsa2048");
    c.issue("client", &["--profile", "udap-client", "--san-uri", CLIENT_URI]).ok("issue");
    let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(CHECK_UNIX));
    let claims = build::client_assertion_claims("client-1", TOKEN_URL, now, "jti-1", None);
    std::fs::write(c.path("claims.json"), claims.to_string()).expect("claims");
    let (key, chain, claims) = (c.path("client.key"), c.path("client.pem"), c.path("claims.json"));
    let token = run(&["jwt", "sign", "--key", &key, "--chain", &chain, &claims]).ok("jwt sign").stdout;
    std::fs::write(c.path("assertion.jwt"), &token).expect("token");
    let community = format!("test={}", c.path("anchors.p7b"));
    let verify = |time: &str| {
        let (root_crl, int_crl, token) = (c.crl("root"), c.crl("intermediate"), c.path("assertion.jwt"));
        run(&[
            "jwt",
            "verify",
            "--profile",
            "udap-client-assertion",
            "--community",
            &community,
            "--aud",
            TOKEN_URL,
            "--client-uri",
            CLIENT_URI,
            "--grant",
            "authorization_code",
            "--crl",
            &root_crl,
            "--crl",
            &int_crl,
            "--time",
            time,
            "--json",
            &token,
        ])
    };
    let r = verify(CHECK).ok("jwt verify");
    let v = r.json();
    assert_eq!(
        (&v["valid"], &v["san_uri"], &v["community"]),
        (&Value::from(true), &Value::from(CLIENT_URI), &Value::from("test"))
    );

    run(&["pki", "revoke", "--dir", &c.ca(), "--cert", &chain, "--time", REVOKE]).ok("revoke");
    run(&["pki", "crl", "--dir", &c.ca(), "--time", REISSUE]).ok("crl");
    // The token's own lifetime is over by then: a fresh one, signed at AFTER.
    let later = UnixTime::since_unix_epoch(std::time::Duration::from_secs(AFTER_UNIX));
    let claims = build::client_assertion_claims("client-1", TOKEN_URL, later, "jti-2", None);
    std::fs::write(c.path("claims.json"), claims.to_string()).expect("claims");
    let token = run(&["jwt", "sign", "--key", &key, "--chain", &chain, &c.path("claims.json")]).ok("jwt sign").stdout;
    std::fs::write(c.path("assertion.jwt"), &token).expect("token");
    let r = verify(AFTER);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(
        (&v["error"]["kind"], &v["error"]["oauth_error"]),
        (&Value::from("revoked"), &Value::from("invalid_client"))
    );
}

#[test]
fn a_direct_address_signs_a_message_that_openssl_cms_verifies_until_revoked() {
    let c = Community::new("direct", "rsa2048");
    let alice = "alice@direct.test.example";
    c.issue("alice", &["--profile", "direct-address", "--email", alice]).ok("issue");
    let (key, chain) = (c.path("alice.key"), c.path("alice.pem"));
    let message = run(&[
        "smime",
        "sign",
        "--key",
        &key,
        "--chain",
        &chain,
        "--from",
        alice,
        "--to",
        "bob@direct.other.example",
        "--time",
        CHECK,
        "--subject",
        "Referral",
        "--text",
        "See attached.",
    ])
    .ok("smime sign")
    .stdout;
    let file = c.path("message.eml");
    std::fs::write(&file, &message).expect("message");

    // trustpath: the community's anchors, its CRLs, hard-fail, bound to the sender's address.
    let smime_verify = |time: &str| {
        let (anchors, root_crl, int_crl) = (c.path("anchors.p7b"), c.crl("root"), c.crl("intermediate"));
        run(&[
            "smime",
            "verify",
            "--anchors",
            &anchors,
            "--crl",
            &root_crl,
            "--crl",
            &int_crl,
            "--time",
            time,
            "--json",
            &file,
        ])
    };
    let v = smime_verify(CHECK).ok("smime verify").json();
    assert_eq!(v["valid"], true, "{v}");

    // OpenSSL: the root and both CRLs (PEM) as its store, revocation checked over the chain.
    let store = |name: &str| {
        let mut pem = std::fs::read_to_string(c.path("ca/root.pem")).expect("root");
        for crl in ["root", "intermediate"] {
            let der = std::fs::read(c.crl(crl)).expect("crl");
            pem.push_str(&trustpath::issue::bundle::pem("X509 CRL", &der).expect("pem"));
        }
        std::fs::write(c.path(name), pem).expect("store");
        c.path(name)
    };
    let cms_verify = |store: &str, unix: u64| {
        let time = unix.to_string();
        openssl(&[
            "cms",
            "-verify",
            "-in",
            &file,
            "-CAfile",
            store,
            "-purpose",
            "smimesign",
            "-x509_strict",
            "-crl_check_all",
            "-attime",
            &time,
            "-out",
            "/dev/null",
        ])
    };
    if let Some((ok, text)) = cms_verify(&store("store.pem"), CHECK_UNIX) {
        assert!(ok && text.contains("Verification successful"), "openssl cms -verify: {text}");
    }

    run(&["pki", "revoke", "--dir", &c.ca(), "--serial", &serial_of(&c, 1), "--time", REVOKE]).ok("revoke");
    run(&["pki", "crl", "--dir", &c.ca(), "--time", REISSUE]).ok("crl");
    let r = smime_verify(AFTER);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("revoked"), "{}", r.stdout);
    if let Some((ok, text)) = cms_verify(&store("store-after.pem"), AFTER_UNIX) {
        assert!(!ok && text.contains("certificate revoked"), "openssl cms -verify: {text}");
    }
}

fn serial_of(c: &Community, index: usize) -> String {
    let list = run(&["pki", "list", "--dir", &c.ca(), "--json", "--time", CHECK]).ok("list").json();
    list["certificates"][index]["serial"].as_str().expect("serial").to_string()
}

#[test]
fn revoking_the_intermediate_refuses_everything_below_it() {
    let c = Community::new("intermediate", "p384");
    c.issue("server", &["--profile", "tls-server", "--dns", "fhir.test.example"]).ok("issue");
    let args = ["--server-name", "fhir.test.example"];
    assert_valid_without_findings(&c.verify("server", "tls-server", CHECK, &args), "server");
    run(&[
        "pki",
        "revoke",
        "--dir",
        &c.ca(),
        "--cert",
        &c.path("ca/intermediate.pem"),
        "--reason",
        "cACompromise",
        "--time",
        REVOKE,
    ])
    .ok("revoke");
    let r = run(&["pki", "crl", "--dir", &c.ca(), "--time", REISSUE]).ok("crl");
    assert!(
        r.stdout.contains("root.crl: 1 revoked") && r.stdout.contains("intermediate.crl: 0 revoked"),
        "{}",
        r.stdout
    );
    let v = c.verify("server", "tls-server", AFTER, &args).json();
    assert_eq!(v["error"]["kind"], "revoked", "{v}");
    assert_eq!(v["error"]["certificate_index"], 1, "the intermediate is revoked: {v}");
    if let Some((ok, text)) = c.openssl_verify("server", Some("sslserver"), AFTER_UNIX, &[]) {
        assert!(!ok && text.contains("certificate revoked"), "{text}");
    }
    // A revoked intermediate issues nothing more.
    let r = c.issue("late", &["--profile", "tls-server", "--dns", "fhir.test.example"]);
    assert_refused(&r, "the intermediate is revoked");
    assert!(!Path::new(&c.path("late.key")).exists());
}

#[test]
fn crls_go_stale_and_pki_crl_refreshes_them() {
    let c = Community::new("stale", "p256");
    c.issue("client", &["--profile", "udap-client", "--san-uri", CLIENT_URI]).ok("issue");
    // The first CRLs' nextUpdate is 2026-01-31: on 2026-02-05 hard-fail has no current CRL.
    let late = "2026-02-05T00:00:00Z";
    let v = c.verify("client", "udap", late, &[]).json();
    assert_eq!(v["valid"], false, "{v}");
    let r = run(&["pki", "crl", "--dir", &c.ca(), "--days", "7", "--time", late]).ok("crl");
    assert!(r.stdout.contains("issued CRLs number 2"), "{}", r.stdout);
    assert_valid_without_findings(&c.verify("client", "udap", late, &[]), "refreshed CRLs");
    let r = run(&["pki", "crl", "--dir", &c.ca(), "--time", late]).ok("crl");
    assert!(r.stdout.contains("issued CRLs number 3"), "the number grows: {}", r.stdout);
    // A PEM bundle works as anchors as well as the .p7b.
    let (anchors, chain) = (c.path("anchors.pem"), c.path("client.pem"));
    let r = run(&["chain", "verify", "--anchors", &anchors, "--revocation", "off", "--time", late, &chain]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn keys_and_serials_are_random_and_times_are_as_given() {
    let (a, b) = (Community::new("random_a", "p256"), Community::new("random_b", "p256"));
    for c in [&a, &b] {
        c.issue("one", &["--profile", "udap-client", "--san-uri", CLIENT_URI]).ok("issue");
        c.issue("two", &["--profile", "udap-client", "--san-uri", CLIENT_URI]).ok("issue");
    }
    let read = |c: &Community, f: &str| std::fs::read(c.path(f)).expect("file");
    assert_ne!(read(&a, "ca/root.key"), read(&b, "ca/root.key"));
    assert_ne!(read(&a, "one.key"), read(&a, "two.key"));
    assert_ne!(serial_of(&a, 1), serial_of(&a, 2));
    assert_ne!(serial_of(&a, 0), serial_of(&b, 0));
    let list = run(&["pki", "list", "--dir", &a.ca(), "--json", "--time", CHECK]).ok("list").json();
    let one = &list["certificates"][1];
    assert_eq!(
        (&one["not_before"], &one["not_after"]),
        (&Value::from("2026-01-01T23:55:00Z"), &Value::from("2027-01-02T00:00:00Z"))
    );
    assert_eq!(list["certificates"][0]["not_before"], "2025-12-31T23:55:00Z", "the intermediate, 5 minutes early");
    // A year after issue the certificate is expired.
    let later = run(&["pki", "list", "--dir", &a.ca(), "--json", "--time", "2027-01-03T00:00:00Z"]).ok("list").json();
    assert_eq!(later["certificates"][1]["status"], "expired");
    let text = run(&["pki", "list", "--dir", &a.ca(), "--time", CHECK]).ok("list").stdout;
    assert!(text.contains("udap-client") && text.contains(&format!("URI:{CLIENT_URI}")), "{text}");
}

fn assert_refused(r: &Run, needle: &str) {
    assert_eq!(r.code, 2, "stdout: {} stderr: {}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "nothing on stdout: {}", r.stdout);
    assert!(r.stderr.starts_with("trustpath: "), "{}", r.stderr);
    assert!(r.stderr.contains(needle), "'{needle}' missing from: {}", r.stderr);
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let c = Community::new("bad_input", "p256");
    let (state, files) = (c.state(), c.files());
    let cases: &[(&[&str], &str)] = &[
        (&["--profile", "udap-admin", "--san-uri", CLIENT_URI], "unknown profile 'udap-admin'"),
        (&["--profile", "udap-client", "--san-uri", "http://client.test.example/a"], "not an absolute https URI"),
        (&["--profile", "udap-client", "--san-uri", "client.test.example/a"], "SAN URI"),
        (&["--profile", "udap-client", "--san-uri", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"], "https"),
        (&["--profile", "udap-client", "--san-uri", "https://evil.test\\@client.test.example/"], "SAN URI"),
        (&["--profile", "udap-server", "--san-uri", "https://user@fhir.test.example/r4"], "userinfo"),
        (&["--profile", "tls-client", "--san-uri", "ftp://client.test.example/"], "https"),
        (&["--profile", "udap-client"], "needs --san-uri"),
        (&["--profile", "udap-client", "--san-uri", CLIENT_URI, "--email", "a@direct.test.example"], "does not apply"),
        (&["--profile", "direct-address", "--email", "alice"], "Direct address"),
        (&["--profile", "direct-address", "--email", "alice@localhost"], "Direct address"),
        (&["--profile", "direct-address", "--email", "<alice@direct.test.example>"], "Direct address"),
        (&["--profile", "direct-address", "--email", "al ice@direct.test.example"], "Direct address"),
        (&["--profile", "direct-address", "--email", "alice@direct.test.example", "--key", "p256"], "needs an RSA key"),
        (&["--profile", "direct-address", "--email", "alice@direct.test.example", "--usage", "both"], "--usage"),
        (&["--profile", "direct-domain", "--dns", "direct_test.example"], "DNS name"),
        (&["--profile", "tls-server"], "needs --dns"),
        (&["--profile", "tls-server", "--dns", "192.0.2.1"], "DNS name"),
        (&["--profile", "tls-server", "--dns", "*.test.example"], "DNS name"),
        (&["--profile", "tls-client"], "needs --san-uri or --dns"),
        (&["--profile", "tls-server", "--dns", "a.test.example", "--key", "ed448"], "--key"),
        (&["--profile", "tls-server", "--dns", "a.test.example", "--days", "0"], "--days"),
        (&["--profile", "tls-server", "--dns", "a.test.example", "--days", "4000"], "outlive the intermediate"),
        (&["--profile", "tls-server", "--dns", "a.test.example", "--time", "yesterday"], "--time"),
        (&["--san-uri", CLIENT_URI], "missing --profile"),
    ];
    for (args, needle) in cases {
        assert_refused(&c.issue("out", args), needle);
        assert_eq!((c.state(), c.files()), (state.clone(), files.clone()), "nothing written: {args:?}");
    }

    // An existing output file is not overwritten.
    std::fs::write(c.path("taken.pem"), "mine").expect("write");
    let (key, taken) = (c.path("new.key"), c.path("taken.pem"));
    let r = run(&[
        "pki",
        "issue",
        "--dir",
        &c.ca(),
        "--profile",
        "udap-client",
        "--san-uri",
        CLIENT_URI,
        "--out-key",
        &key,
        "--out-chain",
        &taken,
    ]);
    assert_refused(&r, "already exists");
    assert_eq!(std::fs::read_to_string(&taken).expect("read"), "mine");
    assert!(!Path::new(&key).exists(), "no key written");
    assert_eq!(c.state(), state);

    // DIRs that are not communities.
    let empty = c.path("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    std::fs::create_dir_all(c.path("garbage")).expect("dir");
    std::fs::write(c.path("garbage/community.json"), "{\"format\": \"other\"}").expect("write");
    let (key, chain) = (c.path("x.key"), c.path("x.pem"));
    for dir in [empty.as_str(), &c.path("missing"), &c.path("garbage"), &c.path("anchors.p7b")] {
        let r = run(&[
            "pki",
            "issue",
            "--dir",
            dir,
            "--profile",
            "udap-client",
            "--san-uri",
            CLIENT_URI,
            "--out-key",
            &key,
            "--out-chain",
            &chain,
        ]);
        assert_refused(&r, "not a trustpath pki community");
        for sub in [&["crl"][..], &["list"], &["revoke", "--serial", "01"], &["bundle", "--out", "/nonexistent/x.p7b"]]
        {
            let args = [&["pki"][..], sub, &["--dir", dir]].concat();
            assert_refused(&run(&args), "not a trustpath pki community");
        }
    }
    assert!(!Path::new(&key).exists() && !Path::new(&chain).exists());

    // init refuses an existing community, and bad options.
    let root_key = std::fs::read(c.path("ca/root.key")).expect("key");
    let r = run(&["pki", "init", "--dir", &c.ca(), "--name", "Again"]);
    assert_refused(&r, "already exists");
    assert_eq!(std::fs::read(c.path("ca/root.key")).expect("key"), root_key, "the root key is untouched");
    let fresh = c.path("fresh");
    for (args, needle) in [
        (&["--name", "X", "--crl-url", "ldap://pki.test.example/crl"][..], "--crl-url"),
        (&["--name", "X", "--aia-url", "pki.test.example/ca"], "--aia-url"),
        (&["--name", ""], "--name"),
        (&["--name", &"N".repeat(49)], "--name"),
        (&["--name", "X", "--key", "rsa1024"], "--key"),
        (&["--name", "X", "--days", "-1"], "--days"),
        (&["--crl-url", "http://pki.test.example/crl"], "missing --name"),
    ] {
        let r = run(&[&["pki", "init", "--dir", &fresh][..], args].concat());
        assert_refused(&r, needle);
        assert!(!Path::new(&fresh).exists(), "nothing created for {args:?}");
    }
    // A directory with one of the files init writes is not taken over either.
    std::fs::create_dir_all(&fresh).expect("dir");
    std::fs::write(c.path("fresh/root.key"), "someone's").expect("write");
    assert_refused(&run(&["pki", "init", "--dir", &fresh, "--name", "X", "--key", "p256"]), "already exists");
    assert_eq!(walk(Path::new(&fresh)).len(), 1, "only the file that was there");

    // revoke: unknown serial, not ours, twice, both or neither selector, unknown reason.
    let ca = c.ca();
    c.issue("client", &["--profile", "udap-client", "--san-uri", CLIENT_URI]).ok("issue");
    let state = c.state();
    assert_refused(&run(&["pki", "revoke", "--dir", &ca, "--serial", "0badc0de"]), "no certificate with serial");
    assert_refused(&run(&["pki", "revoke", "--dir", &ca, "--serial", "xyz"]), "--serial");
    let other = Community::new("bad_input_other", "p256");
    other.issue("stranger", &["--profile", "udap-client", "--san-uri", CLIENT_URI]).ok("issue");
    assert_refused(&run(&["pki", "revoke", "--dir", &ca, "--cert", &other.path("stranger.pem")]), "not issued by");
    assert_refused(&run(&["pki", "revoke", "--dir", &ca]), "--serial or --cert");
    let client = c.path("client.pem");
    assert_refused(&run(&["pki", "revoke", "--dir", &ca, "--cert", &client, "--serial", "01"]), "--serial or --cert");
    assert_refused(
        &run(&["pki", "revoke", "--dir", &ca, "--cert", &client, "--reason", "certificateHold"]),
        "--reason",
    );
    assert_eq!(c.state(), state, "nothing recorded");
    run(&["pki", "revoke", "--dir", &ca, "--cert", &client]).ok("revoke");
    assert_refused(&run(&["pki", "revoke", "--dir", &ca, "--cert", &client]), "already revoked");

    // bundle: an unknown format, an existing file.
    assert_refused(&run(&["pki", "bundle", "--dir", &ca, "--out", &c.path("anchors.txt")]), ".p7b");
    let before = std::fs::read(c.path("anchors.p7b")).expect("p7b");
    assert_refused(&run(&["pki", "bundle", "--dir", &ca, "--out", &c.path("anchors.p7b")]), "already exists");
    assert_eq!(std::fs::read(c.path("anchors.p7b")).expect("p7b"), before);

    // Usage.
    assert_refused(&run(&["pki"]), "missing subcommand");
    assert_refused(&run(&["pki", "sign"]), "unknown subcommand 'sign'");
    assert_refused(&run(&["pki", "list", "--dir", &ca, "extra"]), "unexpected argument");
    assert_refused(&run(&["pki", "list", "--dir", &ca, "--dir", &ca]), "more than once");
}

#[test]
fn help_texts() {
    let top = run(&["--help"]).ok("help").stdout;
    assert!(top.contains("pki init") && top.contains("pki issue"), "{top}");
    let pki = run(&["pki", "--help"]).ok("help").stdout;
    for sub in ["init", "issue", "revoke", "crl", "bundle", "list"] {
        assert!(pki.contains(&format!("  {sub} ")), "{sub} in {pki}");
        let help = run(&["pki", sub, "--help"]).ok("help").stdout;
        assert!(help.contains(&format!("Usage: trustpath pki {sub}")), "{help}");
    }
    let issue = run(&["pki", "issue", "--help"]).ok("help").stdout;
    for profile in ["udap-client", "udap-server", "tls-server", "tls-client", "direct-address", "direct-domain"] {
        assert!(issue.contains(profile), "{profile}");
    }
}

/// The README's community section: its `trustpath` commands, run as written with a fixed
/// `--time` (the statement the client writes by hand is made here with the same claims).
#[test]
fn the_readme_sets_up_a_community_and_registers_a_client_in_five_commands() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section =
        readme.split("## A test community").nth(1).expect("README section").split("\n## ").next().unwrap_or("");
    let block = section.split("```sh").nth(1).and_then(|b| b.split("```").next()).expect("sh block");
    let commands: Vec<String> = block
        .replace("\\\n", " ")
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| l.starts_with("trustpath "))
        .collect();
    assert_eq!(commands.len(), 5, "{commands:?}");
    let dir = work_dir("readme");
    let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(CHECK_UNIX));
    let statement = build::SoftwareStatement::new(
        "https://client.example.org/app",
        "https://fhir.example.org/oauth/register",
        "Example App",
        build::StatementGrant::ClientCredentials,
    )
    .with_contacts(["mailto:ops@client.example.org"])
    .with_scope("system/Patient.rs");
    std::fs::write(dir.join("statement.json"), statement.claims(now, "statement-1").to_string()).expect("statement");
    for command in &commands {
        let (command, output) = match command.split_once(" > ") {
            Some((c, out)) => (c, Some(out.trim())),
            None => (command.as_str(), None),
        };
        let mut args = shell_words(command);
        args.remove(0);
        match (args[0].as_str(), args[1].as_str()) {
            ("pki", "init" | "issue") => args.extend(["--time".into(), INIT.into()]),
            ("jwt", "verify") => args.extend(["--time".into(), CHECK.into()]),
            _ => {}
        }
        let out = Command::new(env!("CARGO_BIN_EXE_trustpath")).args(&args).current_dir(&dir).output().expect("run");
        assert!(
            out.status.success(),
            "{command}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(file) = output {
            std::fs::write(dir.join(file), &out.stdout).expect("redirect");
        }
    }
    let last = Command::new(env!("CARGO_BIN_EXE_trustpath"))
        .args(shell_words(&commands[4]).into_iter().skip(1).chain(["--time".into(), CHECK.into(), "--json".into()]))
        .current_dir(&dir)
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&last.stdout).expect("JSON");
    assert_eq!(v["valid"], true, "{v}");
}

/// Splits a command line on spaces, keeping "double-quoted" words together.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted) = (Vec::new(), String::new(), false);
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(ch),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

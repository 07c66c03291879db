//! Drives `trustpath jwt sign` and `trustpath jwt verify`. A small UDAP community PKI is built
//! at test time with `trustpath-testgen` (deterministic keys; the RSA key is the committed
//! `test-vectors/pki/keys/rsa2048-leaf.pem`) and written to a per-test directory under
//! `CARGO_TARGET_TMPDIR`; tokens are signed with the CLI itself from claims issued at a fixed
//! time, and verified with `--time` at that moment.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Value, json};
use trustpath::UnixTime;
use trustpath::udap::build::{self, B2bExtension, ServerMetadata, SoftwareStatement, StatementGrant};
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{KeyKind, KeyPair, Serial, SigAlg, bundle, ext, name};

const COMMUNITY: &str = "udap://community.example";
const CLIENT_URI: &str = "https://client.example/app";
const BASE_URL: &str = "https://fhir.example/r4";
const TOKEN_URL: &str = "https://fhir.example/oauth/token";
const REGISTER_URL: &str = "https://fhir.example/oauth/register";
/// 2026-06-01T00:00:00Z, inside the certificates' validity (2025 to 2030).
const NOW: u64 = 1_780_272_000;
const TIME: &str = "2026-06-01T00:00:00Z";
const CLIENT_SUBJECT: &str = "CN=Client,O=UDAP Test";
const INTERMEDIATE_SUBJECT: &str = "CN=UDAP Test CA,O=UDAP Test";
const STRANGER_SUBJECT: &str = "CN=Stranger,O=UDAP Test";

fn now() -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW))
}

/// The files of a test PKI in a fresh directory:
/// - `root.pem` (the community's anchor) and `other-root.pem` (an unrelated root);
/// - `client.key` / `client.pem`: P-256, SAN URI `CLIENT_URI`, issued by `ca`, which is
///   issued by the root; `client.pem` holds the client then the CA (what `x5c` carries);
/// - `server.key` / `server.pem`: RSA-2048, SAN URI `BASE_URL`, issued by the root;
/// - `stranger.key` / `stranger.pem`: P-256, SAN URI `CLIENT_URI`, issued by the other root;
/// - CRLs valid 2026-01-01 to 2027-01-01: `root.crl` (by the root, empty), `ca.crl` (by the
///   CA, empty) and `ca-revoked.crl` (by the CA, revoking the client).
struct Pki {
    dir: PathBuf,
}

fn make_root(cn: &str) -> Issuer {
    let key = Arc::new(KeyPair::generate(&format!("cli-jwt {cn}"), KeyKind::P256).expect("key"));
    let n = name::NameBuilder::new().o("UDAP Test").cn(cn).build().expect("name");
    let der = templates::root(&n, &key).expect("root").sign(&key).expect("sign");
    Issuer::new(n, key, der)
}

fn make_leaf(issuer: &Issuer, key: &KeyPair, cn: &str, uri: &str) -> Vec<u8> {
    let n = name::NameBuilder::new().o("UDAP Test").cn(cn).build().expect("name");
    let b = templates::leaf(&n, key, issuer)
        .expect("leaf")
        .serial(Serial::Raw(CLIENT_SERIAL.to_vec()))
        .extension(ext::subject_alt_name(false, vec![name::uri(uri).expect("uri")]).expect("san"));
    issuer.sign(&b).expect("sign")
}

/// The serial number of the leaf certificates (each issuer issues one).
const CLIENT_SERIAL: &[u8] = &[0x10, 0x01];

/// A v2 CRL by `issuer` (P-256), with a cRLNumber, revoking `revoked` serials.
fn make_crl(issuer: &Issuer, revoked: &[&[u8]]) -> Vec<u8> {
    use der::Encode;
    let tlv = bundle::tlv;
    let alg = SigAlg::EcdsaSha256.algorithm_identifier();
    let time = |t: &str| tlv(0x17, t.as_bytes());
    let name = issuer.name.to_der().expect("name");
    let mut tbs = [tlv(0x02, &[1]), alg.clone(), name, time("260101000000Z"), time("270101000000Z")].concat();
    if !revoked.is_empty() {
        let entries: Vec<u8> =
            revoked.iter().flat_map(|serial| tlv(0x30, &[tlv(0x02, serial), time("260301000000Z")].concat())).collect();
        tbs.extend(tlv(0x30, &entries));
    }
    let crl_number = tlv(0x30, &[tlv(0x06, &[0x55, 0x1d, 0x14]), tlv(0x04, &tlv(0x02, &[1]))].concat());
    tbs.extend(tlv(0xa0, &tlv(0x30, &crl_number)));
    let tbs = tlv(0x30, &tbs);
    let signature = issuer.key.sign(SigAlg::EcdsaSha256, &tbs).expect("sign");
    tlv(0x30, &[tbs, alg, tlv(0x03, &[&[0][..], &signature].concat())].concat())
}

impl Pki {
    fn new(test: &str) -> Pki {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_jwt").join(test);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let pki = Pki { dir };

        let root = make_root("UDAP Test Root");
        let other_root = make_root("Untrusted Root");
        let ca_key = Arc::new(KeyPair::generate("cli-jwt ca", KeyKind::P256).expect("key"));
        let ca_name = name::NameBuilder::new().o("UDAP Test").cn("UDAP Test CA").build().expect("name");
        let ca_der = root.sign(&templates::intermediate(&ca_name, &ca_key, &root).expect("ca")).expect("sign");
        let ca = Issuer::new(ca_name, ca_key, ca_der.clone());

        let client_key = KeyPair::generate("cli-jwt client", KeyKind::P256).expect("key");
        let client = make_leaf(&ca, &client_key, "Client", CLIENT_URI);
        let stranger_key = KeyPair::generate("cli-jwt stranger", KeyKind::P256).expect("key");
        let stranger = make_leaf(&other_root, &stranger_key, "Stranger", CLIENT_URI);
        let rsa_pem =
            std::fs::read_to_string(format!("{}/test-vectors/pki/keys/rsa2048-leaf.pem", env!("CARGO_MANIFEST_DIR")))
                .expect("rsa key");
        let server_key = KeyPair::from_pkcs8_pem("server", KeyKind::Rsa2048, &rsa_pem).expect("rsa");
        let server = make_leaf(&root, &server_key, "Server", BASE_URL);

        let pem = |certs: &[Vec<u8>]| bundle::pem_certificates(certs).expect("pem");
        pki.write("root.pem", pem(std::slice::from_ref(&root.der)).as_bytes());
        pki.write("other-root.pem", pem(std::slice::from_ref(&other_root.der)).as_bytes());
        pki.write("client.pem", pem(&[client.clone(), ca_der.clone()]).as_bytes());
        pki.write("client.p7b", &bundle::pkcs7_certs_only(&[client, ca_der]));
        pki.write("server.pem", pem(&[server]).as_bytes());
        pki.write("stranger.pem", pem(&[stranger]).as_bytes());
        pki.write("root.crl", &make_crl(&root, &[]));
        pki.write("ca.crl", &make_crl(&ca, &[]));
        pki.write("ca-revoked.crl", &make_crl(&ca, &[CLIENT_SERIAL]));
        for (file, key) in [("client.key", &client_key), ("server.key", &server_key), ("stranger.key", &stranger_key)] {
            pki.write(file, key.to_pkcs8_pem().expect("pkcs8").as_bytes());
        }
        let (_, client_der) =
            pem_rfc7468::decode_vec(client_key.to_pkcs8_pem().expect("pkcs8").as_bytes()).expect("pem");
        pki.write("client.key.der", &client_der);
        pki
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).to_string_lossy().into_owned()
    }

    fn write(&self, file: &str, bytes: &[u8]) -> String {
        std::fs::write(self.dir.join(file), bytes).expect("write");
        self.path(file)
    }

    /// Signs `claims` with the CLI as `signer` (`client`, `server` or `stranger`) and writes
    /// the token to `file`; returns the token.
    fn sign(&self, signer: &str, claims: &Value, file: &str) -> String {
        self.sign_with(signer, claims, file, &[])
    }

    fn sign_with(&self, signer: &str, claims: &Value, file: &str, extra: &[&str]) -> String {
        let claims_file = self.write(&format!("{file}.claims.json"), claims.to_string().as_bytes());
        let (key, chain) = (self.path(&format!("{signer}.key")), self.path(&format!("{signer}.pem")));
        let mut args = vec!["jwt", "sign", "--key", &key, "--chain", &chain];
        args.extend(extra);
        args.push(&claims_file);
        let r = run(&args);
        assert_eq!(r.code, 0, "jwt sign: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout.lines().count(), 1, "one line: {}", r.stdout);
        let token = r.stdout.trim().to_string();
        self.write(file, format!("{token}\n").as_bytes());
        token
    }

    /// `jwt verify --time TIME` with `args`; `@name` stands for the file `name` of this PKI.
    fn verify(&self, args: &[&str]) -> Run {
        let mut full: Vec<String> = vec!["jwt".into(), "verify".into(), "--time".into(), TIME.into()];
        full.extend(args.iter().map(|a| match a.strip_prefix('@') {
            Some(file) => self.path(file),
            None => a.to_string(),
        }));
        run(&full.iter().map(String::as_str).collect::<Vec<_>>())
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The JSON object of each line.
    fn lines(&self) -> Vec<Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
    }

    fn json(&self) -> Value {
        let mut lines = self.lines();
        assert_eq!(lines.len(), 1, "one JSON line expected: {}", self.stdout);
        lines.remove(0)
    }
}

fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_trustpath")).args(args).output().expect("run trustpath");
    Run {
        code: out.status.code().expect("exit status"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn assert_usage_error(r: &Run) {
    assert_eq!(r.code, 2, "stdout: {} stderr: {}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "nothing on stdout: {}", r.stdout);
    assert!(r.stderr.starts_with("trustpath: "), "message on stderr: {}", r.stderr);
}

fn subjects(v: &Value) -> Vec<&str> {
    v["path"].as_array().expect("path array").iter().map(|c| c["subject"].as_str().expect("subject")).collect()
}

fn header(token: &str) -> Value {
    let h = token.split('.').next().expect("header");
    serde_json::from_slice(&Base64UrlUnpadded::decode_vec(h).expect("base64url")).expect("JSON")
}

fn b2b() -> B2bExtension {
    B2bExtension::new("urn:oid:2.16.840.1.113883.4.6#1234567890", ["urn:oid:2.16.840.1.113883.5.8#TREAT"])
}

fn assertion_claims(jti: &str) -> Value {
    build::client_assertion_claims("client-123", TOKEN_URL, now(), jti, Some(&b2b()))
}

fn statement_claims(jti: &str) -> Value {
    SoftwareStatement::new(CLIENT_URI, REGISTER_URL, "Test Client", StatementGrant::ClientCredentials)
        .with_contacts(["mailto:ops@client.example"])
        .with_scope("system/Patient.rs")
        .claims(now(), jti)
}

fn server() -> ServerMetadata {
    ServerMetadata {
        base_url: BASE_URL.into(),
        authorization_endpoint: Some("https://fhir.example/oauth/authorize".into()),
        token_endpoint: TOKEN_URL.into(),
        registration_endpoint: REGISTER_URL.into(),
    }
}

/// `jwt verify --profile udap-client-assertion` options for the registered client.
const ASSERTION: [&str; 10] = [
    "--profile",
    "udap-client-assertion",
    "--community",
    "",
    "--aud",
    TOKEN_URL,
    "--client-uri",
    CLIENT_URI,
    "--revocation",
    "off",
];

fn assertion_args<'a>(community: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = ASSERTION.to_vec();
    args[3] = community;
    args.extend(rest);
    args
}

#[test]
fn sign_then_verify_jws_round_trip() {
    let pki = Pki::new("round_trip");
    let claims = json!({"hello": "world", "n": 1, "nested": {"list": [1.5, null, "x"]}});
    let token = pki.sign("client", &claims, "es256.jwt");
    let h = header(&token);
    assert_eq!(h["alg"], "ES256", "P-256 default");
    assert_eq!(h["x5c"].as_array().map(Vec::len), Some(2), "x5c is the whole chain: {h}");

    let r = pki.verify(&["--profile", "jws", "--anchors", "@root.pem", "--revocation", "off", "--json", "@es256.jwt"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    let keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    let order = ["valid", "claims", "path", "community", "san_uri", "error", "findings"];
    assert_eq!(keys.len(), order.len(), "{keys:?}");
    let positions: Vec<usize> =
        order.iter().map(|k| r.stdout.find(&format!("\"{k}\":")).unwrap_or_else(|| panic!("{k} missing"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "key order: {}", r.stdout);
    assert_eq!(v["valid"], true);
    assert_eq!(v["claims"], claims);
    assert_eq!(subjects(&v), [CLIENT_SUBJECT, INTERMEDIATE_SUBJECT]);
    assert_eq!(v["path"][0]["issuer"], INTERMEDIATE_SUBJECT);
    assert!(v["path"][0]["sha256"].as_str().is_some_and(|s| s.len() == 64));
    assert_eq!(v["community"], "default");
    assert_eq!(v["san_uri"], Value::Null);
    assert_eq!(v["error"], Value::Null);

    // RSA: RS256 by default, any RSA algorithm on request (the jws profile allows them all).
    let rs = pki.sign("server", &claims, "rs256.jwt");
    assert_eq!(header(&rs)["alg"], "RS256");
    let ps = pki.sign_with("server", &claims, "ps384.jwt", &["--alg", "PS384"]);
    assert_eq!(header(&ps)["alg"], "PS384");
    let r =
        pki.verify(&["--profile", "jws", "--anchors", "@root.pem", "--revocation", "off", "@rs256.jwt", "@ps384.jwt"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let verdicts: Vec<&str> = r.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(verdicts.len(), 2, "{}", r.stdout);
    for (line, file) in verdicts.iter().zip(["rs256.jwt", "ps384.jwt"]) {
        assert!(line.contains(file) && line.contains("VALID JWS signed by CN=Server"), "{line}");
    }
    assert!(r.stdout.contains("alg PS384"), "{}", r.stdout);

    // A DER key and a PKCS#7 chain sign the same way.
    let claims_file = pki.write("c.json", claims.to_string().as_bytes());
    let r =
        run(&["jwt", "sign", "--key", &pki.path("client.key.der"), "--chain", &pki.path("client.p7b"), &claims_file]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(header(r.stdout.trim())["x5c"], h["x5c"]);

    // The jws profile has no claim rules, but the signature and the path are checked.
    // (The first character of the signature: six whole bits, unlike the last one.)
    let at = token.rfind('.').expect("dots") + 1;
    let first = if token[at..].starts_with('A') { "B" } else { "A" };
    let tampered = format!("{}{first}{}", &token[..at], &token[at + 1..]);
    pki.write("tampered.jwt", tampered.as_bytes());
    pki.sign("stranger", &claims, "stranger.jwt");
    let r = pki.verify(&[
        "--profile",
        "jws",
        "--anchors",
        "@root.pem",
        "--revocation",
        "off",
        "--json",
        "@tampered.jwt",
        "@stranger.jwt",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines = r.lines();
    assert_eq!(lines[0]["error"]["kind"], "jws_bad_signature");
    assert_eq!(lines[0]["error"]["oauth_error"], Value::Null);
    assert_eq!(lines[0]["claims"], claims, "claims read without verification");
    assert_eq!(lines[1]["error"]["kind"], "certificate_path_rejected");
    assert!(lines[1]["error"]["message"].as_str().is_some_and(|m| m.contains("issuer")), "{}", lines[1]);
    assert_eq!(subjects(&lines[1]), [STRANGER_SUBJECT], "x5c[0] when rejected");
    assert_eq!(lines[1]["community"], Value::Null);
}

#[test]
fn sign_rejects_bad_keys_algorithms_and_claims() {
    let pki = Pki::new("sign_errors");
    let claims = pki.write("claims.json", br#"{"iss": "x"}"#);
    let array = pki.write("array.json", b"[1, 2]");
    let garbage = pki.write("garbage.json", b"{not json");
    let (client_key, client_pem) = (pki.path("client.key"), pki.path("client.pem"));
    let (server_key, server_pem) = (pki.path("server.key"), pki.path("server.pem"));
    let missing = pki.path("missing.key");
    for args in [
        vec!["--key", &server_key, "--chain", &client_pem, &claims],
        vec!["--key", &client_key, "--chain", &client_pem, "--alg", "ES384", &claims],
        vec!["--key", &client_key, "--chain", &client_pem, "--alg", "RS256", &claims],
        vec!["--key", &server_key, "--chain", &server_pem, "--alg", "HS256", &claims],
        vec!["--key", &server_key, "--chain", &server_pem, "--alg", "none", &claims],
        vec!["--key", &server_key, "--chain", &server_pem, "--alg", "ES512", &claims],
        vec!["--key", &client_key, "--chain", &client_pem, &array],
        vec!["--key", &client_key, "--chain", &client_pem, &garbage],
        vec!["--key", &missing, "--chain", &client_pem, &claims],
        vec!["--key", &client_pem, "--chain", &client_pem, &claims],
        vec!["--key", &client_key, "--chain", &client_key, &claims],
        vec!["--chain", &client_pem, &claims],
        vec!["--key", &client_key, &claims],
        vec!["--key", &client_key, "--chain", &client_pem],
        vec!["--key", &client_key, "--chain", &client_pem, &claims, &claims],
        vec!["--key", &client_key, "--key", &client_key, "--chain", &client_pem, &claims],
        vec!["--key", &client_key, "--chain", &client_pem, "--typ", "JWT", &claims],
    ] {
        let mut full = vec!["jwt", "sign"];
        full.extend(&args);
        let r = run(&full);
        assert_usage_error(&r);
    }
    let r = run(&["jwt", "sign", "--key", &server_key, "--chain", &client_pem, &claims]);
    assert!(r.stderr.contains("does not match"), "{}", r.stderr);
}

#[test]
fn valid_client_assertion_reports_claims_san_uri_and_community() {
    let pki = Pki::new("assertion_valid");
    pki.sign("client", &assertion_claims("a-1"), "a1.jwt");
    let community = format!("{COMMUNITY}={}", pki.path("root.pem"));
    let r = pki.verify(&assertion_args(&community, &["--json", "@a1.jwt"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["error"], Value::Null);
    assert_eq!(v["san_uri"], CLIENT_URI);
    assert_eq!(v["community"], COMMUNITY, "the only community is the client's by default");
    assert_eq!(v["claims"]["iss"], "client-123");
    assert_eq!(v["claims"]["jti"], "a-1");
    assert_eq!(v["claims"]["extensions"]["hl7-b2b"]["version"], "1");
    assert_eq!(subjects(&v), [CLIENT_SUBJECT, INTERMEDIATE_SUBJECT]);

    let r = pki.verify(&assertion_args(&community, &["@a1.jwt"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let first = r.stdout.lines().next().unwrap_or_default();
    assert_eq!(first, format!("VALID client assertion from {CLIENT_URI} in community {COMMUNITY}"));
    for needle in ["client_id client-123", "grant client_credentials", "hl7-b2b", TIME, "revocation off"] {
        assert!(r.stdout.contains(needle), "{needle} missing from:\n{}", r.stdout);
    }

    // authorization_code needs no hl7-b2b; client_credentials does (invalid_grant).
    let plain = build::client_assertion_claims("client-123", TOKEN_URL, now(), "a-2", None);
    pki.sign("client", &plain, "a2.jwt");
    let r = pki.verify(&assertion_args(&community, &["--grant", "authorization_code", "--json", "@a2.jwt"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = pki.verify(&assertion_args(&community, &["--json", "@a2.jwt"]));
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(
        (&v["error"]["kind"], &v["error"]["oauth_error"]),
        (&json!("authorization_extension"), &json!("invalid_grant"))
    );

    // An explicit client_id must be the token's iss.
    let r = pki.verify(&assertion_args(&community, &["--client-id", "client-456", "--json", "@a1.jwt"]));
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "claim");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("iss")), "{v}");

    // The registered client URI must be a SAN URI of x5c[0].
    let mut args = assertion_args(&community, &["--json", "@a1.jwt"]);
    args[7] = "https://client.example/other";
    let v = pki.verify(&args).json();
    assert_eq!(
        (&v["error"]["kind"], &v["error"]["oauth_error"]),
        (&json!("san_uri_mismatch"), &json!("invalid_client"))
    );
    assert_eq!(v["san_uri"], Value::Null);

    // With several communities, the client's is 'default' unless --client-community says.
    let anchors = ["--anchors", "@other-root.pem"];
    let v = pki.verify(&assertion_args(&community, &[&anchors[..], &["--json", "@a1.jwt"]].concat())).json();
    assert_eq!(v["valid"], false, "the client registered in 'default', which does not hold its root");
    let both = [&anchors[..], &["--client-community", COMMUNITY, "--json", "@a1.jwt"]].concat();
    let v = pki.verify(&assertion_args(&community, &both)).json();
    assert_eq!((&v["valid"], &v["community"]), (&json!(true), &json!(COMMUNITY)));
}

#[test]
fn replayed_jti_in_a_later_file_is_rejected() {
    let pki = Pki::new("replay");
    pki.sign("client", &assertion_claims("same-jti"), "first.jwt");
    // Another token (issued 10 s later) with the same jti.
    let mut later = assertion_claims("same-jti");
    later["iat"] = json!(NOW + 10);
    later["exp"] = json!(NOW + 310);
    pki.sign("client", &later, "second.jwt");
    let community = format!("{COMMUNITY}={}", pki.path("root.pem"));
    let r = pki.verify(&assertion_args(&community, &["--json", "@first.jwt", "@second.jwt"]));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines = r.lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["valid"], false);
    assert_eq!(lines[1]["error"]["kind"], "replay");
    assert_eq!(lines[1]["error"]["oauth_error"], "invalid_client");
    assert!(lines[1]["error"]["message"].as_str().is_some_and(|m| m.contains("same-jti")));
    assert_eq!(lines[1]["claims"]["iat"], NOW + 10, "claims of the rejected token, unverified");
    assert_eq!(subjects(&lines[1]), [CLIENT_SUBJECT], "x5c[0] when rejected");

    // The same file twice, as a text report: each verdict names its file.
    let r = pki.verify(&assertion_args(&community, &["@first.jwt", "@first.jwt"]));
    assert_eq!(r.code, 1);
    let verdicts: Vec<&str> = r.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(verdicts.len(), 2, "{}", r.stdout);
    assert!(
        verdicts[0].ends_with(&format!("first.jwt: VALID client assertion from {CLIENT_URI} in community {COMMUNITY}"))
    );
    assert!(verdicts[1].contains("first.jwt: REJECTED (invalid_client): jti \"same-jti\""), "{}", verdicts[1]);

    // A rejected token does not use up its jti: the same claims signed by an untrusted
    // certificate first, then by the client.
    pki.sign("stranger", &assertion_claims("same-jti"), "forged.jwt");
    let r = pki.verify(&assertion_args(&community, &["--json", "@forged.jwt", "@first.jwt"]));
    let lines = r.lines();
    assert_eq!((&lines[0]["error"]["kind"], &lines[1]["valid"]), (&json!("unknown_issuer"), &json!(true)));
}

#[test]
fn wrong_audience_is_invalid_client() {
    let pki = Pki::new("wrong_aud");
    pki.sign("client", &assertion_claims("a-1"), "a1.jwt");
    let community = format!("{COMMUNITY}={}", pki.path("root.pem"));
    let mut args = assertion_args(&community, &["--json", "@a1.jwt"]);
    args[5] = REGISTER_URL;
    let r = pki.verify(&args);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["kind"], "claim");
    assert_eq!(v["error"]["oauth_error"], "invalid_client");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.starts_with("claim \"aud\"")), "{v}");
    assert_eq!(v["claims"]["aud"], TOKEN_URL);
    assert_eq!((&v["community"], &v["san_uri"]), (&Value::Null, &Value::Null));

    args.retain(|a| *a != "--json");
    let r = pki.verify(&args);
    assert_eq!(r.code, 1);
    assert!(r.stdout.starts_with("REJECTED (invalid_client): claim \"aud\": "), "{}", r.stdout);
}

#[test]
fn registration_requests_and_software_statements() {
    let pki = Pki::new("registration");
    let statement = pki.sign("client", &statement_claims("s-1"), "statement.jwt");
    pki.write("request.json", SoftwareStatement::request_body(&statement).to_string().as_bytes());
    let mut bad = statement_claims("s-2");
    bad["contacts"] = json!(["https://client.example/contact"]);
    let bad = pki.sign("client", &bad, "bad.jwt");
    pki.write("bad-request.json", SoftwareStatement::request_body(&bad).to_string().as_bytes());
    pki.write("no-udap.json", json!({ "software_statement": statement }).to_string().as_bytes());
    let community = format!("{COMMUNITY}={}", pki.path("root.pem"));
    let base = ["--profile", "udap-software-statement", "--community", &community, "--aud", REGISTER_URL];
    let verify = |rest: &[&str]| pki.verify(&[&base[..], &["--revocation", "off"], rest].concat());

    let r = verify(&["--json", "@request.json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["community"], COMMUNITY);
    assert_eq!(v["san_uri"], CLIENT_URI);
    assert_eq!(v["claims"]["client_name"], "Test Client");
    assert_eq!(subjects(&v), [CLIENT_SUBJECT, INTERMEDIATE_SUBJECT]);

    let r = verify(&["@request.json"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with(&format!("VALID software statement from {CLIENT_URI} in community {COMMUNITY}\n")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("grant: client_credentials"), "{}", r.stdout);

    // The bare statement, then the same statement in a request: a replay.
    let r = verify(&["--json", "@statement.jwt", "@request.json"]);
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(
        (&lines[1]["error"]["kind"], &lines[1]["error"]["oauth_error"]),
        (&json!("replay"), &json!("invalid_software_statement"))
    );

    let r = verify(&["--json", "@bad-request.json", "@no-udap.json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines = r.lines();
    for v in &lines {
        assert_eq!(v["valid"], false);
        assert_eq!(v["error"]["kind"], "client_metadata");
        assert_eq!(v["error"]["oauth_error"], "invalid_client_metadata");
    }
    assert!(lines[0]["error"]["message"].as_str().is_some_and(|m| m.contains("contacts")), "{}", lines[0]);
    assert_eq!(lines[0]["claims"]["contacts"][0], "https://client.example/contact");
    assert!(lines[1]["error"]["message"].as_str().is_some_and(|m| m.contains("udap")), "{}", lines[1]);

    let r = verify(&["--json", "@bad.jwt"]);
    assert_eq!(r.json()["error"]["oauth_error"], "invalid_client_metadata");
    let mut wrong_aud = base.to_vec();
    wrong_aud[5] = TOKEN_URL;
    let r = pki.verify(&[&wrong_aud[..], &["--revocation", "off", "--json", "@statement.jwt"]].concat());
    assert_eq!(r.json()["error"]["oauth_error"], "invalid_software_statement");
}

#[test]
fn signed_metadata_valid_and_tampered() {
    let pki = Pki::new("metadata");
    let signed = pki.sign("server", &server().signed_claims(now(), "m-1"), "signed-metadata.jwt");
    let document = server().document(&signed);
    pki.write("udap.json", document.to_string().as_bytes());
    let mut tampered = document.clone();
    tampered["token_endpoint"] = json!("https://evil.example/token");
    pki.write("tampered.json", tampered.to_string().as_bytes());
    let mut unsigned = document.clone();
    if let Some(d) = unsigned.as_object_mut() {
        d.remove("signed_metadata");
    }
    pki.write("unsigned.json", unsigned.to_string().as_bytes());
    let mut unsigned_tampered = unsigned.clone();
    unsigned_tampered["registration_endpoint"] = json!("https://evil.example/register");
    pki.write("unsigned-tampered.json", unsigned_tampered.to_string().as_bytes());
    let base = ["--profile", "udap-signed-metadata", "--anchors", "@root.pem", "--revocation", "off"];
    let verify = |rest: &[&str]| pki.verify(&[&base[..], rest].concat());

    let r = verify(&["--base-url", BASE_URL, "--json", "@udap.json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["san_uri"], BASE_URL);
    assert_eq!(v["community"], "default");
    assert_eq!(v["claims"]["token_endpoint"], TOKEN_URL);
    assert_eq!(subjects(&v), ["CN=Server,O=UDAP Test"]);
    let r = verify(&["--base-url", BASE_URL, "@udap.json"]);
    assert!(r.stdout.starts_with(&format!("VALID signed metadata for {BASE_URL} in community default\n")));
    assert!(r.stdout.contains(&format!("token_endpoint: {TOKEN_URL}")), "{}", r.stdout);

    let r = verify(&["--base-url", BASE_URL, "--json", "@tampered.json"]);
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "metadata_mismatch");
    assert_eq!(v["error"]["oauth_error"], Value::Null, "signed metadata has no OAuth error");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("token_endpoint")), "{v}");
    let r = verify(&["--base-url", BASE_URL, "@tampered.json"]);
    assert!(r.stdout.starts_with("REJECTED (metadata_mismatch): "), "{}", r.stdout);

    let r = verify(&["--base-url", "https://fhir.example/r4/", "--json", "@udap.json"]);
    assert_eq!(r.json()["error"]["kind"], "claim");

    // With --metadata, the token file is the signed_metadata JWS alone.
    let r = verify(&["--base-url", BASE_URL, "--metadata", "@unsigned.json", "--json", "@signed-metadata.jwt"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["valid"], true);
    let r =
        verify(&["--base-url", BASE_URL, "--metadata", "@unsigned-tampered.json", "--json", "@signed-metadata.jwt"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["error"]["kind"], "metadata_mismatch");
    // Without it, a bare JWS is not a metadata document.
    let r = verify(&["--base-url", BASE_URL, "--json", "@signed-metadata.jwt"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["error"]["kind"], "metadata_mismatch");
}

#[test]
fn untrusted_anchor_is_invalid_client_or_unapproved() {
    let pki = Pki::new("untrusted");
    pki.sign("stranger", &assertion_claims("a-1"), "assertion.jwt");
    pki.sign("stranger", &statement_claims("s-1"), "statement.jwt");
    let community = format!("{COMMUNITY}={}", pki.path("root.pem"));
    let r = pki.verify(&assertion_args(&community, &["--json", "@assertion.jwt"]));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["oauth_error"], "invalid_client");
    assert_eq!(v["error"]["kind"], "unknown_issuer");
    assert_eq!(subjects(&v), [STRANGER_SUBJECT]);
    assert_eq!(v["claims"]["jti"], "a-1");

    let r = pki.verify(&[
        "--profile",
        "udap-software-statement",
        "--community",
        &community,
        "--aud",
        REGISTER_URL,
        "--revocation",
        "off",
        "--json",
        "@statement.jwt",
    ]);
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(v["error"]["oauth_error"], "unapproved_software_statement");
    assert_eq!(v["error"]["kind"], "unknown_issuer");

    let r = pki.verify(&assertion_args(&community, &["@assertion.jwt"]));
    assert!(r.stdout.starts_with("REJECTED (invalid_client): certificate not trusted"), "{}", r.stdout);
    assert!(r.stdout.contains(&format!("signer: {STRANGER_SUBJECT}")), "{}", r.stdout);
    assert!(r.stdout.contains("hint:"), "{}", r.stdout);
}

#[test]
fn udap_profiles_hard_fail_revocation_by_default() {
    let pki = Pki::new("hard_fail");
    pki.sign("client", &assertion_claims("a-1"), "a1.jwt");
    let community = format!("{COMMUNITY}={}", pki.path("root.pem"));
    let args = [
        "--profile",
        "udap-client-assertion",
        "--community",
        &community,
        "--aud",
        TOKEN_URL,
        "--client-uri",
        CLIENT_URI,
    ];
    let r = pki.verify(&[&args[..], &["--json", "@a1.jwt"]].concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "revocation_unknown");
    assert_eq!(v["error"]["oauth_error"], "invalid_client");
    let r = pki.verify(&[&args[..], &["@a1.jwt"]].concat());
    assert!(r.stdout.contains("revocation hard"), "{}", r.stdout);
    assert!(r.stdout.contains("--crl"), "the hint says how to supply revocation data: {}", r.stdout);
    // Soft-fail accepts the unknown status; the jws profile is soft by default.
    let r = pki.verify(&[&args[..], &["--revocation", "soft", "--json", "@a1.jwt"]].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = pki.verify(&["--profile", "jws", "--community", &community, "--json", "@a1.jwt"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn crls_satisfy_hard_fail_and_revoke() {
    let pki = Pki::new("crls");
    pki.sign("client", &assertion_claims("a-1"), "a1.jwt");
    pki.sign("client", &statement_claims("s-1"), "statement.jwt");
    let community = format!("{COMMUNITY}={}", pki.path("root.pem"));
    let assertion = [
        "--profile",
        "udap-client-assertion",
        "--community",
        &community,
        "--aud",
        TOKEN_URL,
        "--client-uri",
        CLIENT_URI,
    ];
    let r = pki.verify(&[&assertion[..], &["--crl", "@root.crl", "--crl", "@ca.crl", "--json", "@a1.jwt"]].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["valid"], true);
    let r = pki.verify(&[&assertion[..], &["--crl", "@root.crl", "--crl", "@ca.crl", "@a1.jwt"]].concat());
    assert!(r.stdout.contains("revocation hard, 2 CRLs"), "{}", r.stdout);

    let revoked = ["--crl", "@root.crl", "--crl", "@ca-revoked.crl", "--json"];
    let r = pki.verify(&[&assertion[..], &revoked, &["@a1.jwt"]].concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!((&v["error"]["kind"], &v["error"]["oauth_error"]), (&json!("revoked"), &json!("invalid_client")));
    assert_eq!(subjects(&v), [CLIENT_SUBJECT]);
    let statement = ["--profile", "udap-software-statement", "--community", &community, "--aud", REGISTER_URL];
    let r = pki.verify(&[&statement[..], &revoked, &["@statement.jwt"]].concat());
    let v = r.json();
    assert_eq!(
        (&v["error"]["kind"], &v["error"]["oauth_error"]),
        (&json!("revoked"), &json!("unapproved_software_statement"))
    );
    // The jws profile checks revocation too (soft-fail: a revoked certificate still rejects).
    let r = pki.verify(&[&["--profile", "jws", "--community", &community], &revoked[..], &["@a1.jwt"]].concat());
    assert_eq!(r.json()["error"]["kind"], "certificate_path_rejected");
    // The CA's CRL alone leaves the CA's own status unknown: hard-fail rejects.
    let r = pki.verify(&[&assertion[..], &["--crl", "@ca.crl", "--json", "@a1.jwt"]].concat());
    assert_eq!(r.json()["error"]["kind"], "revocation_unknown");
}

#[test]
fn bad_usage_and_unreadable_input_exit_2() {
    let pki = Pki::new("usage");
    pki.sign("client", &assertion_claims("a-1"), "a1.jwt");
    pki.write("not-json.json", b"{nope");
    let assertion = ["--profile", "udap-client-assertion", "--anchors", "@root.pem", "--aud", TOKEN_URL];
    let with_uri = [&assertion[..], &["--client-uri", CLIENT_URI]].concat();
    let metadata = ["--profile", "udap-signed-metadata", "--anchors", "@root.pem", "--base-url", BASE_URL];
    for args in [
        vec!["--anchors", "@root.pem", "@a1.jwt"],
        vec!["--profile", "udap", "--anchors", "@root.pem", "@a1.jwt"],
        vec!["--profile", "jws", "--profile", "jws", "--anchors", "@root.pem", "@a1.jwt"],
        vec!["--profile", "jws", "@a1.jwt"],
        vec!["--profile", "jws", "--anchors", "@root.pem"],
        vec!["--profile", "jws", "--anchors", "@root.pem", "--aud", TOKEN_URL, "@a1.jwt"],
        vec!["--profile", "jws", "--anchors", "@root.pem", "--bogus", "@a1.jwt"],
        vec!["--profile", "jws", "--community", "@root.pem", "@a1.jwt"],
        vec!["--profile", "jws", "--anchors", "@root.pem", "--revocation", "strict", "@a1.jwt"],
        vec!["--profile", "jws", "--anchors", "@root.pem", "--json=yes", "@a1.jwt"],
        vec!["--profile", "jws", "--anchors", "@root.pem", "-", "-"],
        [&assertion[..], &["@a1.jwt"]].concat(),
        vec!["--profile", "udap-client-assertion", "--anchors", "@root.pem", "--client-uri", CLIENT_URI, "@a1.jwt"],
        [&with_uri[..], &["--grant", "implicit", "@a1.jwt"]].concat(),
        [&with_uri[..], &["--base-url", BASE_URL, "@a1.jwt"]].concat(),
        [&with_uri[..], &["--aud", TOKEN_URL, "@a1.jwt"]].concat(),
        vec!["--profile", "udap-software-statement", "--anchors", "@root.pem", "@a1.jwt"],
        vec![
            "--profile",
            "udap-software-statement",
            "--anchors",
            "@root.pem",
            "--aud",
            REGISTER_URL,
            "--client-uri",
            CLIENT_URI,
            "@a1.jwt",
        ],
        vec!["--profile", "udap-signed-metadata", "--anchors", "@root.pem", "@a1.jwt"],
        [&metadata[..], &["--grant", "client_credentials", "@a1.jwt"]].concat(),
    ] {
        let r = pki.verify(&args);
        assert_usage_error(&r);
        assert!(r.stderr.contains("trustpath jwt verify --help"), "{args:?}: points to the help: {}", r.stderr);
    }
    for args in [
        [&with_uri[..], &["@missing.jwt"]].concat(),
        [&with_uri[..], &["@a1.jwt", "@missing.jwt"]].concat(),
        [&with_uri[..], &["--intermediates", "@missing.pem", "@a1.jwt"]].concat(),
        [&with_uri[..], &["--anchors", "@not-json.json", "@a1.jwt"]].concat(),
        [&with_uri[..], &["--crl", "@a1.jwt", "@a1.jwt"]].concat(),
        [&metadata[..], &["--metadata", "@not-json.json", "@a1.jwt"]].concat(),
        [&metadata[..], &["--metadata", "@missing.json", "@a1.jwt"]].concat(),
    ] {
        let r = pki.verify(&args);
        assert_usage_error(&r);
        assert!(r.stderr.contains(&pki.dir.to_string_lossy().into_owned()), "{args:?}: names the file: {}", r.stderr);
    }
    assert_usage_error(&run(&["jwt"]));
    assert_usage_error(&run(&["jwt", "check"]));
    let r = run(&["jwt", "verify", "--profile", "jws", "--anchors", &pki.path("root.pem"), "--time", "soon", "x"]);
    assert_usage_error(&r);

    // A token that is not a JWS is a verdict, not a usage error.
    pki.write("garbage.jwt", b"  not a token \n");
    let r = pki.verify(&[&with_uri[..], &["--revocation", "off", "--json", "@garbage.jwt"]].concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["error"]["oauth_error"], "invalid_request");
    assert_eq!(v["claims"], Value::Null);
    assert_eq!(v["path"], json!([]));
}

#[test]
fn help_texts() {
    for args in [&["--help"][..], &["jwt", "--help"], &["jwt", "help"]] {
        let r = run(args);
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("verify") && r.stdout.contains("sign"), "{}", r.stdout);
    }
    for args in [&["jwt", "verify", "--help"][..], &["jwt", "verify", "-h"]] {
        let r = run(args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        for needle in [
            "udap-client-assertion",
            "udap-software-statement",
            "udap-signed-metadata",
            "--anchors",
            "--community",
            "--intermediates",
            "--time",
            "--aud",
            "--client-id",
            "--client-uri",
            "--client-community",
            "--grant",
            "--base-url",
            "--metadata",
            "--json",
            "--crl",
            "--ocsp",
            "--revocation",
            "--initial-policy",
            "--require-explicit-policy",
            "--inhibit-policy-mapping",
            "--inhibit-any-policy",
            "\"claims\"",
            "\"san_uri\"",
            "\"oauth_error\"",
        ] {
            assert!(r.stdout.contains(needle), "{needle} missing from help");
        }
    }
    let r = run(&["jwt", "sign", "--help"]);
    assert_eq!(r.code, 0);
    for needle in ["--key", "--chain", "--alg", "PKCS#8", "CLAIMS.json"] {
        assert!(r.stdout.contains(needle), "{needle} missing from help");
    }
}

/// Issue 15: every JSON file the CLI reads goes through the strict reader — claims to sign, a
/// registration request, a metadata document and a `--metadata` file with a member twice are
/// refused, each naming the member.
#[test]
fn json_files_with_a_duplicate_member_are_refused() {
    let pki = Pki::new("duplicates");
    let claims =
        pki.write("twice.claims.json", br#"{"iss": "https://evil.example/app", "iss": "https://client.example/app"}"#);
    let (key, chain) = (pki.path("client.key"), pki.path("client.pem"));
    let r = run(&["jwt", "sign", "--key", &key, "--chain", &chain, &claims]);
    assert_usage_error(&r);
    assert!(r.stderr.contains("duplicate member \"iss\""), "{}", r.stderr);

    let statement = pki.sign("client", &statement_claims("s-dup"), "statement.jwt");
    let request = format!(r#"{{"udap": "0", "software_statement": "{statement}", "udap": "1"}}"#);
    pki.write("request.json", request.as_bytes());
    let registration = ["--profile", "udap-software-statement", "--anchors", "@root.pem", "--aud", REGISTER_URL];
    let r = pki.verify(&[&registration[..], &["--revocation", "off", "--json", "@request.json"]].concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    let error = (&v["error"]["kind"], &v["error"]["oauth_error"]);
    assert_eq!(error, (&json!("duplicate_member"), &json!("invalid_client_metadata")));

    let signed = pki.sign("server", &server().signed_claims(now(), "m-dup"), "signed-metadata.jwt");
    let document = server().document(&signed).to_string();
    let twice = format!(r#"{{"token_endpoint": "https://evil.example/token", {}"#, &document[1..]);
    pki.write("udap-twice.json", twice.as_bytes());
    let metadata = ["--profile", "udap-signed-metadata", "--anchors", "@root.pem", "--base-url", BASE_URL];
    let r = pki.verify(&[&metadata[..], &["--revocation", "off", "--json", "@udap-twice.json"]].concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!((&v["valid"], &v["error"]["kind"]), (&json!(false), &json!("duplicate_member")));
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("token_endpoint")), "{v}");

    let mut unsigned: Value = serde_json::from_str(&document).expect("JSON");
    unsigned.as_object_mut().expect("object").remove("signed_metadata");
    let unsigned = format!(r#"{{"token_endpoint": "https://evil.example/token", {}"#, &unsigned.to_string()[1..]);
    pki.write("unsigned-twice.json", unsigned.as_bytes());
    let r = pki.verify(&[&metadata[..], &["--metadata", "@unsigned-twice.json", "@signed-metadata.jwt"]].concat());
    assert_usage_error(&r);
    assert!(r.stderr.contains("duplicate member \"token_endpoint\""), "{}", r.stderr);
}

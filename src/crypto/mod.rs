//! The one algorithm layer: digests, algorithm identifiers, signature schemes (PSS parameters
//! included) and the algorithm policy, used alike by certificates, CRLs and OCSP responses, JWS
//! and CMS.
//!
//! - [`DigestAlgorithm`]: the hash functions and their identifiers.
//! - `signature_alg`: an AlgorithmIdentifier (X.509, CMS) or a JWS `alg` read into one
//!   signature scheme with its hash and, for RSASSA-PSS, its salt length.
//! - [`AlgorithmPolicy`]: which schemes and keys are allowed. Verification goes through
//!   `rustls_pki_types::SignatureVerificationAlgorithm`, so any provider can be plugged in
//!   (RustCrypto by default, [`rustcrypto`]; rustls' ring or aws-lc-rs algorithms work too). A
//!   public key is acceptable only if some allowed algorithm takes it, which rules out DSA,
//!   P-192, explicit curve parameters and the like without a separate list.
//! - `private_key`: the signing side (and RSA decryption, for CMS key transport).

pub mod cache;
#[cfg(feature = "direct")]
pub(crate) mod cipher;
mod digest;
#[cfg(feature = "direct")]
pub(crate) mod key_transport;
pub(crate) mod oids;
pub(crate) mod private_key;
pub mod rustcrypto;
pub(crate) mod signature_alg;
pub(crate) mod signed;

#[cfg(feature = "direct")]
pub(crate) use digest::UnknownDigest;
pub use digest::{DigestAlgorithm, Hasher};
pub(crate) use signature_alg::SignatureScheme;

use der::Tag;
use rustls_pki_types::SignatureVerificationAlgorithm;

use crate::der_walk::{Walker, read_tagged};
use crate::error::Reason;

/// A public key as validation needs it: the SPKI AlgorithmIdentifier value, the
/// subjectPublicKey bits, and (for RSA) the modulus size, worked out once when the
/// certificate or anchor was parsed, and where its owner remembers the key's digest for the
/// signature cache (see [`cache`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyRef<'a> {
    pub(crate) algorithm: &'a [u8],
    pub(crate) key: &'a [u8],
    pub(crate) rsa_bits: Option<usize>,
    pub(crate) digest: Option<&'a std::sync::OnceLock<[u8; 32]>>,
}

impl<'a> KeyRef<'a> {
    /// Works out the RSA modulus size (when the key is RSA); for keys not parsed before.
    pub(crate) fn new(algorithm: &'a [u8], key: &'a [u8]) -> Self {
        let rsa = algorithm == rustls_pki_types::alg_id::RSA_ENCRYPTION.as_ref();
        KeyRef { algorithm, key, rsa_bits: if rsa { rsa_modulus_bits(key) } else { None }, digest: None }
    }
}

/// Which signature algorithms and keys are acceptable.
#[derive(Debug, Clone)]
pub struct AlgorithmPolicy {
    algorithms: Vec<&'static dyn SignatureVerificationAlgorithm>,
    min_rsa_bits: usize,
}

impl Default for AlgorithmPolicy {
    /// The RustCrypto algorithms without SHA-1; RSA keys of at least 2048 bits.
    fn default() -> Self {
        AlgorithmPolicy { algorithms: rustcrypto::DEFAULT_ALGORITHMS.to_vec(), min_rsa_bits: 2048 }
    }
}

impl AlgorithmPolicy {
    /// A policy allowing exactly `algorithms` (e.g. `webpki::ring::*` statics), RSA ≥ 2048.
    pub fn new(algorithms: &[&'static dyn SignatureVerificationAlgorithm]) -> Self {
        AlgorithmPolicy { algorithms: algorithms.to_vec(), min_rsa_bits: 2048 }
    }

    /// Also accept SHA-1 signatures (RustCrypto implementations). Off by default: SHA-1 is
    /// broken for collision resistance and only legacy communities should enable it.
    pub fn with_sha1(mut self) -> Self {
        self.algorithms.extend_from_slice(rustcrypto::SHA1_ALGORITHMS);
        self
    }

    /// Sets the smallest RSA modulus accepted, in bits.
    pub fn with_min_rsa_bits(mut self, bits: usize) -> Self {
        self.min_rsa_bits = bits;
        self
    }

    /// The smallest RSA modulus accepted, in bits.
    pub fn min_rsa_bits(&self) -> usize {
        self.min_rsa_bits
    }

    /// The allowed algorithms.
    pub fn algorithms(&self) -> &[&'static dyn SignatureVerificationAlgorithm] {
        &self.algorithms
    }

    /// Checks that a public key (SPKI AlgorithmIdentifier value and subjectPublicKey bits) is of
    /// an allowed type and size.
    pub fn check_public_key(&self, spki_alg: &[u8], public_key: &[u8]) -> Result<(), Reason> {
        self.check_key(&KeyRef::new(spki_alg, public_key))
    }

    pub(crate) fn check_key(&self, key: &KeyRef<'_>) -> Result<(), Reason> {
        if !self.algorithms.iter().any(|a| a.public_key_alg_id().as_ref() == key.algorithm) {
            return Err(Reason::UnsupportedPublicKey(describe_alg_id(key.algorithm)));
        }
        self.check_key_size(key)
    }

    /// The size rules for a key of an allowed type.
    fn check_key_size(&self, key: &KeyRef<'_>) -> Result<(), Reason> {
        if key.algorithm == rustls_pki_types::alg_id::RSA_ENCRYPTION.as_ref() {
            let bits = key.rsa_bits.ok_or_else(|| Reason::UnsupportedPublicKey("malformed RSA public key".into()))?;
            if bits < self.min_rsa_bits || bits % 8 != 0 || bits > 8192 {
                return Err(Reason::WeakRsaKey { bits, minimum: self.min_rsa_bits });
            }
        }
        Ok(())
    }

    /// Verifies `signature` over `message` with the given key, choosing the algorithm by the
    /// two AlgorithmIdentifier values. The key must pass [`Self::check_public_key`].
    pub fn verify(
        &self,
        spki_alg: &[u8],
        public_key: &[u8],
        signature_alg: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Reason> {
        let alg = self.select(&KeyRef::new(spki_alg, public_key), signature_alg)?;
        alg.verify_signature(public_key, message, signature).map_err(|_| Reason::BadSignature)
    }

    /// Verifies a signature of `scheme` (read from an AlgorithmIdentifier or a JWS `alg`) with
    /// the policy's algorithm for it. RSASSA-PSS with a salt other than the hash's length — the
    /// only length the `SignatureVerificationAlgorithm` interface knows — is verified only when
    /// the policy's algorithm for it is the RustCrypto one, which takes any salt; a plugged-in
    /// provider refuses it rather than being bypassed.
    #[cfg_attr(not(feature = "direct"), allow(dead_code))] // CMS; certificates use `select`
    pub(crate) fn verify_scheme(
        &self,
        key: &KeyRef<'_>,
        scheme: SignatureScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Reason> {
        let alg = self.select(key, scheme.canonical_id())?;
        match scheme {
            SignatureScheme::RsaPss { hash, salt_len } if salt_len != hash.output_len() => {
                if !rustcrypto::is_rustcrypto_pss(alg, hash) {
                    return Err(Reason::UnsupportedSignatureAlgorithm(format!(
                        "RSASSA-PSS with a {salt_len}-byte salt: the policy's RSASSA-PSS {} algorithm verifies only \
                         {}-byte salts",
                        hash.name(),
                        hash.output_len()
                    )));
                }
                rustcrypto::verify_rsa_pss_with_salt(hash, salt_len, key.key, message, signature)
                    .map_err(|_| Reason::BadSignature)
            }
            _ => alg.verify_signature(key.key, message, signature).map_err(|_| Reason::BadSignature),
        }
    }

    /// The allowed algorithm for this key and signature algorithm, after checking the key.
    pub(crate) fn select(
        &self,
        key: &KeyRef<'_>,
        signature_alg: &[u8],
    ) -> Result<&'static dyn SignatureVerificationAlgorithm, Reason> {
        // One pass over the algorithms for the identifier as encoded (nearly always a match),
        // a second for an equivalent encoding; the errors are those of checking the key first.
        let mut key_allowed = false;
        for exact in [true, false] {
            for alg in &self.algorithms {
                if alg.public_key_alg_id().as_ref() == key.algorithm {
                    let id = alg.signature_alg_id();
                    let found = if exact {
                        id.as_ref() == signature_alg
                    } else {
                        same_signature_algorithm(id.as_ref(), signature_alg)
                    };
                    if found {
                        self.check_key_size(key)?;
                        return Ok(*alg);
                    }
                    key_allowed = true;
                }
            }
            if !key_allowed {
                break;
            }
        }
        if !key_allowed {
            return Err(Reason::UnsupportedPublicKey(describe_alg_id(key.algorithm)));
        }
        self.check_key_size(key)?;
        Err(Reason::UnsupportedSignatureAlgorithm(describe_alg_id(signature_alg)))
    }
}

/// Whether two signature AlgorithmIdentifier values (without their SEQUENCE headers) name the
/// same algorithm: the same bytes, or an RSASSA-PKCS1-v1_5 algorithm with its NULL parameters
/// in one and none in the other. RFC 4055 §5, on sha224/256/384/512WithRSAEncryption: "the
/// parameters MUST be NULL. Implementations MUST accept the parameters being absent as well as
/// present" (rustls-webpki has `*_ABSENT_PARAMS` algorithms for that form); sha1WithRSAEncryption
/// is treated alike. Nothing else is equivalent: ECDSA and Ed25519 take no parameters (RFC 5758
/// §3.2, RFC 8410 §3), so a NULL there stays a different, unknown algorithm, and RSASSA-PSS
/// parameters are compared as they are.
///
/// Only signature algorithms: an rsaEncryption *key* needs its NULL (RFC 3279 §2.3.1 "MUST";
/// CA/B Forum BR 7.1.3.1.1; Chromium, Go and rustls-webpki refuse the key without it), so
/// public key identifiers are still compared byte for byte.
pub(crate) fn same_signature_algorithm(a: &[u8], b: &[u8]) -> bool {
    a == b || without_rsa_pkcs1_null(a) == without_rsa_pkcs1_null(b)
}

/// The OID alone of an RSASSA-PKCS1-v1_5 signature AlgorithmIdentifier value with NULL
/// parameters; any other value unchanged.
fn without_rsa_pkcs1_null(value: &[u8]) -> &[u8] {
    // 1.2.840.113549.1.1.n: sha1WithRSAEncryption (5), sha256 (11), sha384 (12), sha512 (13),
    // sha224 (14); then NULL.
    match value {
        [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 5 | 11..=14, 0x05, 0x00] => {
            value.get(..11).unwrap_or(value)
        }
        _ => value,
    }
}

/// Size in bits of the modulus of a PKCS#1 RSAPublicKey, without building the key.
pub(crate) fn rsa_modulus_bits(public_key: &[u8]) -> Option<usize> {
    let mut r = Walker::new(public_key).ok()?;
    let seq = read_tagged(&mut r, Tag::Sequence).ok()?;
    let mut r = Walker::new(seq.value).ok()?;
    let n = read_tagged(&mut r, Tag::Integer).ok()?;
    let _e = read_tagged(&mut r, Tag::Integer).ok()?;
    r.finish().ok()?;
    let mut digits = n.value;
    if digits.first().is_some_and(|b| *b & 0x80 != 0) {
        return None; // negative modulus
    }
    while let Some((0, rest)) = digits.split_first() {
        digits = rest;
    }
    let top = *digits.first()?;
    Some(digits.len() * 8 - top.leading_zeros() as usize)
}

/// The OID of an AlgorithmIdentifier value, for messages (or a hex dump if it does not decode).
pub(crate) fn describe_alg_id(value: &[u8]) -> String {
    let oid = Walker::new(value).ok().and_then(|mut r| r.decode::<const_oid::ObjectIdentifier>().ok());
    match oid {
        Some(oid) => match const_oid::db::DB.by_oid(&oid) {
            Some(name) => format!("{name} ({oid})"),
            None => oid.to_string(),
        },
        None => format!("<{}>", crate::hex::hex_string(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::alg_id;

    fn rsa(bits: usize) -> KeyRef<'static> {
        KeyRef { algorithm: alg_id::RSA_ENCRYPTION.as_ref(), key: &[], rsa_bits: Some(bits), digest: None }
    }

    /// Choosing the algorithm reports what checking the key first would: the key type, then
    /// its size, then the signature algorithm.
    #[test]
    fn selection_errors_come_in_the_order_of_the_checks() {
        let policy = AlgorithmPolicy::default();
        let (sha256, unknown) = (alg_id::RSA_PKCS1_SHA256.as_ref(), &[0x06, 0x01, 0x00][..]);
        assert!(policy.select(&rsa(2048), sha256).is_ok());
        assert!(matches!(policy.select(&rsa(1024), sha256), Err(Reason::WeakRsaKey { bits: 1024, .. })));
        assert!(matches!(policy.select(&rsa(1024), unknown), Err(Reason::WeakRsaKey { .. })));
        assert!(matches!(policy.select(&rsa(2048), unknown), Err(Reason::UnsupportedSignatureAlgorithm(_))));
        let other = KeyRef { algorithm: unknown, ..rsa(2048) };
        assert!(matches!(policy.select(&other, sha256), Err(Reason::UnsupportedPublicKey(_))));
        assert!(matches!(policy.check_key(&other), Err(Reason::UnsupportedPublicKey(_))));
        assert!(policy.check_key(&rsa(4096)).is_ok());
    }

    /// AlgorithmIdentifier values: `oid` (content of an OBJECT IDENTIFIER) and parameters.
    fn alg(oid: &[u8], params: &[u8]) -> Vec<u8> {
        [&[0x06, oid.len() as u8][..], oid, params].concat()
    }

    const PKCS1: [u8; 8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    const NULL: [u8; 2] = [0x05, 0x00];

    #[test]
    fn rsa_pkcs1_signature_algorithms_are_the_same_with_or_without_null() {
        for n in [5u8, 11, 12, 13, 14] {
            let oid = [&PKCS1[..], &[n]].concat();
            let (with, without) = (alg(&oid, &NULL), alg(&oid, &[]));
            assert!(same_signature_algorithm(&with, &without), "{n}");
            assert!(same_signature_algorithm(&without, &with), "{n}");
            assert!(same_signature_algorithm(&without, &without), "{n}");
            // Other parameters are not NULL.
            assert!(!same_signature_algorithm(&with, &alg(&oid, &[0x05, 0x01, 0x00])), "{n}");
            assert!(!same_signature_algorithm(&without, &alg(&oid, &[0x04, 0x00])), "{n}");
        }
        let sha256 = alg(&[&PKCS1[..], &[11]].concat(), &NULL);
        let sha384 = alg(&[&PKCS1[..], &[12]].concat(), &[]);
        assert!(!same_signature_algorithm(&sha256, &sha384));
        assert!(same_signature_algorithm(&sha256, alg_id::RSA_PKCS1_SHA256.as_ref()));
        // rsaEncryption (1), RSASSA-PSS (10) and the others are not PKCS#1 v1.5 signatures.
        for n in [1u8, 4, 10] {
            let oid = [&PKCS1[..], &[n]].concat();
            assert!(!same_signature_algorithm(&alg(&oid, &NULL), &alg(&oid, &[])), "{n}");
        }
        let ecdsa = alg_id::ECDSA_SHA256.as_ref();
        assert!(!same_signature_algorithm(ecdsa, &[ecdsa, &NULL[..]].concat()));
    }

    #[test]
    fn selection_takes_rsa_pkcs1_without_null_and_nothing_else_new() {
        let policy = AlgorithmPolicy::default();
        let sha256_without = alg(&[&PKCS1[..], &[11]].concat(), &[]);
        assert!(
            policy.select(&rsa(2048), &sha256_without).is_ok_and(|a| a.signature_alg_id() == alg_id::RSA_PKCS1_SHA256)
        );
        let ecdsa_with_null = [alg_id::ECDSA_SHA256.as_ref(), &NULL[..]].concat();
        let p256 = KeyRef { algorithm: alg_id::ECDSA_P256.as_ref(), ..rsa(2048) };
        assert!(policy.select(&p256, alg_id::ECDSA_SHA256.as_ref()).is_ok());
        assert!(matches!(policy.select(&p256, &ecdsa_with_null), Err(Reason::UnsupportedSignatureAlgorithm(_))));
        // An rsaEncryption key without its NULL is not an RSA key this policy knows.
        let rsa_without_null = alg(&[&PKCS1[..], &[1]].concat(), &[]);
        let key = KeyRef { algorithm: &rsa_without_null, ..rsa(2048) };
        assert!(matches!(policy.select(&key, alg_id::RSA_PKCS1_SHA256.as_ref()), Err(Reason::UnsupportedPublicKey(_))));
    }
}

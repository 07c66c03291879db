//! Signature verification with the RustCrypto crates (pure Rust, the default provider).
//!
//! Each value implements `rustls_pki_types::SignatureVerificationAlgorithm` for one pair of
//! (public key algorithm, signature algorithm) identifiers, exactly as `rustls-webpki` does, so
//! the two providers are interchangeable.

use crate::bounded_cache::BoundedCache;
use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id};
use sha2::{Sha256, Sha384, Sha512};
use signature::Verifier;
use signature::hazmat::PrehashVerifier;

use super::digest::DigestAlgorithm;
use super::signature_alg::{
    ECDSA_SHA1_ID as ECDSA_SHA1_VALUE, RSA_PKCS1_SHA1_ID as RSA_PKCS1_SHA1_VALUE, SignatureScheme,
};

/// Parsed RSA keys, by their PKCS#1 DER. Building an `rsa::PublicKey` (big integers and
/// Montgomery parameters) is about a seventh of an RSA-2048 verification, and servers see the
/// same few CA keys over and over among one-time leaf keys (bounded, scan resistant).
static RSA_KEYS: std::sync::OnceLock<BoundedCache<Vec<u8>, rsa::PublicKey>> = std::sync::OnceLock::new();
const RSA_KEY_CACHE_ENTRIES: usize = 256;

fn rsa_key(public_key: &[u8]) -> Result<rsa::PublicKey, InvalidSignature> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    let cache = RSA_KEYS.get_or_init(|| BoundedCache::new(RSA_KEY_CACHE_ENTRIES));
    if let Some(key) = cache.get(&public_key.to_vec()) {
        return Ok(key);
    }
    let key = rsa::PublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)?;
    cache.insert(public_key.to_vec(), key.clone());
    Ok(key)
}

/// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
#[derive(Debug)]
pub struct RsaPkcs1 {
    hash: DigestAlgorithm,
    sig_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for RsaPkcs1 {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        verify_rsa_pkcs1(self.hash, public_key, message, signature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_id
    }
}

pub(crate) fn verify_rsa_pkcs1(
    hash: DigestAlgorithm,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), InvalidSignature> {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    let key = rsa_key(public_key)?;
    let sig = Signature::try_from(signature).map_err(|_| InvalidSignature)?;
    let r = match hash {
        DigestAlgorithm::Sha1 => VerifyingKey::<sha1::Sha1>::new(key).verify(message, &sig),
        DigestAlgorithm::Sha256 => VerifyingKey::<Sha256>::new(key).verify(message, &sig),
        DigestAlgorithm::Sha384 => VerifyingKey::<Sha384>::new(key).verify(message, &sig),
        DigestAlgorithm::Sha512 => VerifyingKey::<Sha512>::new(key).verify(message, &sig),
    };
    r.map_err(|_| InvalidSignature)
}

/// RSASSA-PSS (RFC 8017 §8.1) with MGF1 over the same hash and a salt as long as the hash.
#[derive(Debug)]
pub struct RsaPss {
    hash: DigestAlgorithm,
    sig_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for RsaPss {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        verify_rsa_pss(self.hash, public_key, message, signature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_id
    }
}

pub(crate) fn verify_rsa_pss(
    hash: DigestAlgorithm,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), InvalidSignature> {
    verify_rsa_pss_with_salt(hash, hash.output_len(), public_key, message, signature)
}

/// RSASSA-PSS with MGF1 over `hash` and an explicit salt length: CMS signers choose it (OpenSSL
/// uses the longest the key allows), while the `SignatureVerificationAlgorithm` interface fixes
/// it at the hash's length. [`super::AlgorithmPolicy::verify_scheme`] reaches it only when the
/// policy holds this module's RSASSA-PSS algorithm for `hash`.
pub(crate) fn verify_rsa_pss_with_salt(
    hash: DigestAlgorithm,
    salt_len: usize,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), InvalidSignature> {
    use rsa::pss::{Signature, VerifyingKey};
    let key = rsa_key(public_key)?;
    let sig = Signature::try_from(signature).map_err(|_| InvalidSignature)?;
    let r = match hash {
        DigestAlgorithm::Sha256 => VerifyingKey::<Sha256>::new_with_salt_len(key, salt_len).verify(message, &sig),
        DigestAlgorithm::Sha384 => VerifyingKey::<Sha384>::new_with_salt_len(key, salt_len).verify(message, &sig),
        DigestAlgorithm::Sha512 => VerifyingKey::<Sha512>::new_with_salt_len(key, salt_len).verify(message, &sig),
        DigestAlgorithm::Sha1 => return Err(InvalidSignature),
    };
    r.map_err(|_| InvalidSignature)
}

/// Whether `algorithm` is this module's RSASSA-PSS algorithm for `hash` (which can take any salt
/// length, see [`verify_rsa_pss_with_salt`]).
#[cfg_attr(not(feature = "direct"), allow(dead_code))]
pub(crate) fn is_rustcrypto_pss(algorithm: &dyn SignatureVerificationAlgorithm, hash: DigestAlgorithm) -> bool {
    let ours: &'static dyn SignatureVerificationAlgorithm = match hash {
        DigestAlgorithm::Sha256 => &RSA_PSS_SHA256,
        DigestAlgorithm::Sha384 => &RSA_PSS_SHA384,
        DigestAlgorithm::Sha512 => &RSA_PSS_SHA512,
        DigestAlgorithm::Sha1 => return false,
    };
    std::ptr::addr_eq(algorithm, ours)
}

/// Verifies with this module's implementation of `scheme`, for callers with their own
/// allow-list (JWS): `curve` is the key's for ECDSA, `encoding` the signature's.
pub(crate) fn verify_scheme(
    scheme: SignatureScheme,
    curve: Option<Curve>,
    encoding: EcdsaEncoding,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), InvalidSignature> {
    match scheme {
        SignatureScheme::RsaPkcs1(hash) => verify_rsa_pkcs1(hash, public_key, message, signature),
        SignatureScheme::RsaPss { hash, salt_len } => {
            verify_rsa_pss_with_salt(hash, salt_len, public_key, message, signature)
        }
        SignatureScheme::Ecdsa(hash) => {
            let curve = curve.ok_or(InvalidSignature)?;
            verify_ecdsa(curve, hash, encoding, public_key, message, signature)
        }
        SignatureScheme::Ed25519 => verify_ed25519(public_key, message, signature),
    }
}

/// Elliptic curves supported for ECDSA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
    /// Only reachable from the JWS module (ES512); X.509 keys on P-521 are not in any policy.
    P521,
}

/// How an ECDSA signature is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EcdsaEncoding {
    /// ASN.1 `Ecdsa-Sig-Value` (X.509, CMS).
    Der,
    /// Fixed-length `r‖s` (JOSE, IEEE P1363).
    #[allow(dead_code)] // used by the JWS module
    Fixed,
}

/// ECDSA (FIPS 186-5) with DER-encoded signatures, as in X.509.
#[derive(Debug)]
pub struct Ecdsa {
    curve: Curve,
    hash: DigestAlgorithm,
    key_id: AlgorithmIdentifier,
    sig_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for Ecdsa {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        verify_ecdsa(self.curve, self.hash, EcdsaEncoding::Der, public_key, message, signature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.key_id
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_id
    }
}

pub(crate) fn verify_ecdsa(
    curve: Curve,
    hash: DigestAlgorithm,
    encoding: EcdsaEncoding,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), InvalidSignature> {
    verify_ecdsa_prehash(curve, encoding, public_key, &hash.digest(message), signature)
}

fn verify_ecdsa_prehash(
    curve: Curve,
    encoding: EcdsaEncoding,
    public_key: &[u8],
    prehash: &[u8],
    signature: &[u8],
) -> Result<(), InvalidSignature> {
    macro_rules! verify_on {
        ($c:ident) => {{
            let key = $c::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
            let sig = match encoding {
                EcdsaEncoding::Der => $c::ecdsa::Signature::from_der(signature),
                EcdsaEncoding::Fixed => $c::ecdsa::Signature::from_slice(signature),
            }
            .map_err(|_| InvalidSignature)?;
            key.verify_prehash(prehash, &sig).map_err(|_| InvalidSignature)
        }};
    }
    match curve {
        Curve::P256 => verify_on!(p256),
        Curve::P384 => verify_on!(p384),
        Curve::P521 => verify_on!(p521),
    }
}

/// Verifies a signature given the SHA-256 digest of the signed bytes instead of the bytes,
/// when `algorithm` is one of this module's SHA-256 algorithms over PKCS#1 v1.5 or ECDSA;
/// `None` for every other algorithm (including other providers' equivalents), which must be
/// given the message. Callers that already hashed the message (the signature cache's key
/// includes that digest) thus hash it once, not twice.
pub(crate) fn verify_sha256_prehashed(
    algorithm: &dyn SignatureVerificationAlgorithm,
    public_key: &[u8],
    digest: &[u8; 32],
    signature: &[u8],
) -> Option<Result<(), InvalidSignature>> {
    let is = |ours: &'static dyn SignatureVerificationAlgorithm| std::ptr::addr_eq(algorithm, ours);
    let ecdsa = |curve| verify_ecdsa_prehash(curve, EcdsaEncoding::Der, public_key, digest, signature);
    if is(&RSA_PKCS1_SHA256) {
        Some(rsa_key(public_key).and_then(|key| {
            let sig = rsa::pkcs1v15::Signature::try_from(signature).map_err(|_| InvalidSignature)?;
            rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key).verify_prehash(digest, &sig).map_err(|_| InvalidSignature)
        }))
    } else if is(&ECDSA_P256_SHA256) {
        Some(ecdsa(Curve::P256))
    } else if is(&ECDSA_P384_SHA256) {
        Some(ecdsa(Curve::P384))
    } else {
        None
    }
}

/// Ed25519 (RFC 8032), strict verification.
#[derive(Debug)]
pub struct Ed25519;

impl SignatureVerificationAlgorithm for Ed25519 {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        verify_ed25519(public_key, message, signature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ED25519
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ED25519
    }
}

pub(crate) fn verify_ed25519(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
    let key: &[u8; 32] = public_key.try_into().map_err(|_| InvalidSignature)?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(key).map_err(|_| InvalidSignature)?;
    let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| InvalidSignature)?;
    key.verify_strict(message, &sig).map_err(|_| InvalidSignature)
}

// sha1WithRSAEncryption, with NULL parameters; ecdsa-with-SHA1, no parameters.
const RSA_PKCS1_SHA1_ID: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(RSA_PKCS1_SHA1_VALUE);
const ECDSA_SHA1_ID: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(ECDSA_SHA1_VALUE);

/// RSA PKCS#1 v1.5 with SHA-256.
pub static RSA_PKCS1_SHA256: RsaPkcs1 = RsaPkcs1 { hash: DigestAlgorithm::Sha256, sig_id: alg_id::RSA_PKCS1_SHA256 };
/// RSA PKCS#1 v1.5 with SHA-384.
pub static RSA_PKCS1_SHA384: RsaPkcs1 = RsaPkcs1 { hash: DigestAlgorithm::Sha384, sig_id: alg_id::RSA_PKCS1_SHA384 };
/// RSA PKCS#1 v1.5 with SHA-512.
pub static RSA_PKCS1_SHA512: RsaPkcs1 = RsaPkcs1 { hash: DigestAlgorithm::Sha512, sig_id: alg_id::RSA_PKCS1_SHA512 };
/// RSA PKCS#1 v1.5 with SHA-1 (legacy; not in the default policy).
pub static RSA_PKCS1_SHA1: RsaPkcs1 = RsaPkcs1 { hash: DigestAlgorithm::Sha1, sig_id: RSA_PKCS1_SHA1_ID };
/// RSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
pub static RSA_PSS_SHA256: RsaPss = RsaPss { hash: DigestAlgorithm::Sha256, sig_id: alg_id::RSA_PSS_SHA256 };
/// RSA-PSS with SHA-384, MGF1-SHA-384, 48-byte salt.
pub static RSA_PSS_SHA384: RsaPss = RsaPss { hash: DigestAlgorithm::Sha384, sig_id: alg_id::RSA_PSS_SHA384 };
/// RSA-PSS with SHA-512, MGF1-SHA-512, 64-byte salt.
pub static RSA_PSS_SHA512: RsaPss = RsaPss { hash: DigestAlgorithm::Sha512, sig_id: alg_id::RSA_PSS_SHA512 };
/// ECDSA on P-256 with SHA-256.
pub static ECDSA_P256_SHA256: Ecdsa = Ecdsa {
    curve: Curve::P256,
    hash: DigestAlgorithm::Sha256,
    key_id: alg_id::ECDSA_P256,
    sig_id: alg_id::ECDSA_SHA256,
};
/// ECDSA on P-256 with SHA-384.
pub static ECDSA_P256_SHA384: Ecdsa = Ecdsa {
    curve: Curve::P256,
    hash: DigestAlgorithm::Sha384,
    key_id: alg_id::ECDSA_P256,
    sig_id: alg_id::ECDSA_SHA384,
};
/// ECDSA on P-384 with SHA-384.
pub static ECDSA_P384_SHA384: Ecdsa = Ecdsa {
    curve: Curve::P384,
    hash: DigestAlgorithm::Sha384,
    key_id: alg_id::ECDSA_P384,
    sig_id: alg_id::ECDSA_SHA384,
};
/// ECDSA on P-384 with SHA-256.
pub static ECDSA_P384_SHA256: Ecdsa = Ecdsa {
    curve: Curve::P384,
    hash: DigestAlgorithm::Sha256,
    key_id: alg_id::ECDSA_P384,
    sig_id: alg_id::ECDSA_SHA256,
};
/// ECDSA on P-256 with SHA-1 (legacy; not in the default policy).
pub static ECDSA_P256_SHA1: Ecdsa =
    Ecdsa { curve: Curve::P256, hash: DigestAlgorithm::Sha1, key_id: alg_id::ECDSA_P256, sig_id: ECDSA_SHA1_ID };
/// ECDSA on P-384 with SHA-1 (legacy; not in the default policy).
pub static ECDSA_P384_SHA1: Ecdsa =
    Ecdsa { curve: Curve::P384, hash: DigestAlgorithm::Sha1, key_id: alg_id::ECDSA_P384, sig_id: ECDSA_SHA1_ID };
/// Ed25519.
pub static ED25519: Ed25519 = Ed25519;

/// Every algorithm above except the SHA-1 ones: the default set.
pub static DEFAULT_ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    &RSA_PKCS1_SHA256,
    &RSA_PKCS1_SHA384,
    &RSA_PKCS1_SHA512,
    &RSA_PSS_SHA256,
    &RSA_PSS_SHA384,
    &RSA_PSS_SHA512,
    &ECDSA_P256_SHA256,
    &ECDSA_P256_SHA384,
    &ECDSA_P384_SHA384,
    &ECDSA_P384_SHA256,
    &ED25519,
];

/// The SHA-1 algorithms, for legacy communities that still need them.
pub static SHA1_ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] =
    &[&RSA_PKCS1_SHA1, &ECDSA_P256_SHA1, &ECDSA_P384_SHA1];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Certificate;

    fn cert(path: &str) -> Certificate {
        let path = format!("{}/test-vectors/pki/bench/{path}", env!("CARGO_MANIFEST_DIR"));
        Certificate::from_der(std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).expect(&path)
    }

    #[test]
    fn prehashed_verification_agrees_with_hashing_the_message() {
        let cases: [(&str, &'static dyn SignatureVerificationAlgorithm); 2] =
            [("rsa2048", &RSA_PKCS1_SHA256), ("p256", &ECDSA_P256_SHA256)];
        for (alg, ours) in cases {
            let (leaf, issuer) = (cert(&format!("{alg}/leaf.der")), cert(&format!("{alg}/intermediate.der")));
            let key = issuer.public_key();
            let digest: [u8; 32] = <Sha256 as sha2::Digest>::digest(leaf.tbs_bytes()).into();
            assert!(ours.verify_signature(key, leaf.tbs_bytes(), leaf.signature()).is_ok());
            assert!(matches!(verify_sha256_prehashed(ours, key, &digest, leaf.signature()), Some(Ok(()))), "{alg}");

            let mut other = digest;
            other[31] ^= 1;
            assert!(matches!(verify_sha256_prehashed(ours, key, &other, leaf.signature()), Some(Err(_))), "{alg}");
            let wrong_key = leaf.public_key();
            let result = verify_sha256_prehashed(ours, wrong_key, &digest, leaf.signature());
            assert!(matches!(result, Some(Err(_))), "{alg}");
        }
    }

    #[test]
    fn prehashing_is_only_offered_for_this_modules_sha256_algorithms() {
        #[derive(Debug)]
        struct Foreign;
        impl SignatureVerificationAlgorithm for Foreign {
            fn verify_signature(&self, _: &[u8], _: &[u8], _: &[u8]) -> Result<(), InvalidSignature> {
                Err(InvalidSignature)
            }
            fn public_key_alg_id(&self) -> AlgorithmIdentifier {
                alg_id::RSA_ENCRYPTION
            }
            fn signature_alg_id(&self) -> AlgorithmIdentifier {
                alg_id::RSA_PKCS1_SHA256
            }
        }
        static FOREIGN: Foreign = Foreign;
        let others: [&'static dyn SignatureVerificationAlgorithm; 5] =
            [&FOREIGN, &RSA_PKCS1_SHA384, &RSA_PSS_SHA256, &ECDSA_P256_SHA384, &ED25519];
        for alg in others {
            assert!(verify_sha256_prehashed(alg, b"key", &[0; 32], b"sig").is_none(), "{alg:?}");
        }
    }
}

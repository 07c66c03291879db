//! JWS algorithms (RFC 7518 §3), the per-use allow-list [`AlgorithmSet`], and verification
//! dispatch: the key must fit the algorithm before any signature arithmetic happens.

use rustls_pki_types::alg_id;

use super::error::JwsError;
use crate::cert::parse_spki;
use crate::crypto::rustcrypto::{self, Curve, EcdsaEncoding};
use crate::crypto::{AlgorithmPolicy, DigestAlgorithm, SignatureScheme, describe_alg_id, rsa_modulus_bits};
use crate::der_walk::{Walker, read_tagged};
use crate::error::Reason;

/// A JWS signature algorithm this crate implements. `none` and the HMAC algorithms (`HS*`)
/// are deliberately absent: they can never be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwsAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// RSASSA-PSS with SHA-256 (MGF1-SHA-256, 32-byte salt).
    Ps256,
    /// RSASSA-PSS with SHA-384 (MGF1-SHA-384, 48-byte salt).
    Ps384,
    /// RSASSA-PSS with SHA-512 (MGF1-SHA-512, 64-byte salt).
    Ps512,
    /// ECDSA on P-256 with SHA-256, signature `r‖s` (64 bytes).
    Es256,
    /// ECDSA on P-384 with SHA-384, signature `r‖s` (96 bytes).
    Es384,
    /// ECDSA on P-521 with SHA-512, signature `r‖s` (132 bytes). Verification only.
    Es512,
    /// EdDSA with Ed25519 (RFC 8037). Verification only.
    EdDsa,
}

/// The kind of public key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyType {
    Rsa,
    P256,
    P384,
    P521,
    Ed25519,
}

impl KeyType {
    /// The key type of a SubjectPublicKeyInfo AlgorithmIdentifier value, if supported.
    pub(crate) fn of_spki_alg(spki_alg: &[u8]) -> Option<KeyType> {
        let table = [
            (alg_id::RSA_ENCRYPTION, KeyType::Rsa),
            (alg_id::ECDSA_P256, KeyType::P256),
            (alg_id::ECDSA_P384, KeyType::P384),
            (alg_id::ECDSA_P521, KeyType::P521),
            (alg_id::ED25519, KeyType::Ed25519),
        ];
        table.iter().find(|(id, _)| id.as_ref() == spki_alg).map(|(_, t)| *t)
    }

    fn describe(self) -> &'static str {
        match self {
            KeyType::Rsa => "an RSA key",
            KeyType::P256 => "a P-256 key",
            KeyType::P384 => "a P-384 key",
            KeyType::P521 => "a P-521 key",
            KeyType::Ed25519 => "an Ed25519 key",
        }
    }
}

impl JwsAlgorithm {
    /// Every algorithm this crate implements.
    pub const ALL: &'static [JwsAlgorithm] = &[
        JwsAlgorithm::Rs256,
        JwsAlgorithm::Rs384,
        JwsAlgorithm::Rs512,
        JwsAlgorithm::Ps256,
        JwsAlgorithm::Ps384,
        JwsAlgorithm::Ps512,
        JwsAlgorithm::Es256,
        JwsAlgorithm::Es384,
        JwsAlgorithm::Es512,
        JwsAlgorithm::EdDsa,
    ];

    /// The `alg` header value (`"RS256"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            JwsAlgorithm::Rs256 => "RS256",
            JwsAlgorithm::Rs384 => "RS384",
            JwsAlgorithm::Rs512 => "RS512",
            JwsAlgorithm::Ps256 => "PS256",
            JwsAlgorithm::Ps384 => "PS384",
            JwsAlgorithm::Ps512 => "PS512",
            JwsAlgorithm::Es256 => "ES256",
            JwsAlgorithm::Es384 => "ES384",
            JwsAlgorithm::Es512 => "ES512",
            JwsAlgorithm::EdDsa => "EdDSA",
        }
    }

    /// The algorithm called `name` (exact, case-sensitive match as RFC 7515 requires).
    /// `None` for `none`, `HS*` and anything unknown.
    pub fn from_name(name: &str) -> Option<JwsAlgorithm> {
        JwsAlgorithm::ALL.iter().copied().find(|a| a.name() == name)
    }

    pub(crate) fn key_type(self) -> KeyType {
        match self {
            JwsAlgorithm::Rs256
            | JwsAlgorithm::Rs384
            | JwsAlgorithm::Rs512
            | JwsAlgorithm::Ps256
            | JwsAlgorithm::Ps384
            | JwsAlgorithm::Ps512 => KeyType::Rsa,
            JwsAlgorithm::Es256 => KeyType::P256,
            JwsAlgorithm::Es384 => KeyType::P384,
            JwsAlgorithm::Es512 => KeyType::P521,
            JwsAlgorithm::EdDsa => KeyType::Ed25519,
        }
    }

    /// The signature scheme and hash (RFC 7518 §3.3–3.5; RFC 8037 for EdDSA).
    pub(crate) fn scheme(self) -> SignatureScheme {
        use DigestAlgorithm::{Sha256, Sha384, Sha512};
        match self {
            JwsAlgorithm::Rs256 => SignatureScheme::RsaPkcs1(Sha256),
            JwsAlgorithm::Rs384 => SignatureScheme::RsaPkcs1(Sha384),
            JwsAlgorithm::Rs512 => SignatureScheme::RsaPkcs1(Sha512),
            JwsAlgorithm::Ps256 => SignatureScheme::pss(Sha256),
            JwsAlgorithm::Ps384 => SignatureScheme::pss(Sha384),
            JwsAlgorithm::Ps512 => SignatureScheme::pss(Sha512),
            JwsAlgorithm::Es256 => SignatureScheme::Ecdsa(Sha256),
            JwsAlgorithm::Es384 => SignatureScheme::Ecdsa(Sha384),
            JwsAlgorithm::Es512 => SignatureScheme::Ecdsa(Sha512),
            JwsAlgorithm::EdDsa => SignatureScheme::Ed25519,
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl core::fmt::Display for JwsAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The smallest RSA modulus an [`AlgorithmSet`] accepts, and its default.
pub const MIN_RSA_BITS: usize = 2048;

/// The algorithms allowed for one use (a JWT kind, an endpoint), and the minimum RSA key
/// size. An `alg` outside the set is rejected before any key is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgorithmSet {
    bits: u16,
    min_rsa_bits: usize,
}

impl AlgorithmSet {
    /// Exactly `algorithms`; RSA keys of at least 2048 bits.
    pub fn new(algorithms: &[JwsAlgorithm]) -> Self {
        algorithms.iter().fold(AlgorithmSet::empty(), |set, a| set.with(*a))
    }

    /// No algorithm at all (rejects everything); add some with [`Self::with`].
    pub const fn empty() -> Self {
        AlgorithmSet { bits: 0, min_rsa_bits: MIN_RSA_BITS }
    }

    /// Every implemented algorithm ([`JwsAlgorithm::ALL`]).
    pub fn all() -> Self {
        AlgorithmSet::new(JwsAlgorithm::ALL)
    }

    /// The UDAP Security IG set: RS256 (required), ES256, RS384 and ES384.
    pub fn udap() -> Self {
        AlgorithmSet::new(&[JwsAlgorithm::Rs256, JwsAlgorithm::Es256, JwsAlgorithm::Rs384, JwsAlgorithm::Es384])
    }

    /// This set plus `alg`.
    pub fn with(mut self, alg: JwsAlgorithm) -> Self {
        self.bits |= alg.bit();
        self
    }

    /// This set without `alg`.
    pub fn without(mut self, alg: JwsAlgorithm) -> Self {
        self.bits &= !alg.bit();
        self
    }

    /// Requires RSA keys of at least `bits` bits. Values below 2048 are raised to 2048.
    pub fn with_min_rsa_bits(mut self, bits: usize) -> Self {
        self.min_rsa_bits = bits.max(MIN_RSA_BITS);
        self
    }

    /// The smallest RSA modulus accepted, in bits.
    pub fn min_rsa_bits(&self) -> usize {
        self.min_rsa_bits
    }

    /// Whether `alg` is allowed.
    pub fn contains(&self, alg: JwsAlgorithm) -> bool {
        self.bits & alg.bit() != 0
    }

    /// Whether the `alg` header value `name` is allowed (`false` for `none`, `HS*`, unknown).
    pub fn allows_name(&self, name: &str) -> bool {
        JwsAlgorithm::from_name(name).is_some_and(|a| self.contains(a))
    }

    /// The allowed algorithms, in [`JwsAlgorithm::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = JwsAlgorithm> + '_ {
        JwsAlgorithm::ALL.iter().copied().filter(|a| self.contains(*a))
    }
}

impl FromIterator<JwsAlgorithm> for AlgorithmSet {
    fn from_iter<I: IntoIterator<Item = JwsAlgorithm>>(iter: I) -> Self {
        iter.into_iter().fold(AlgorithmSet::empty(), |set, a| set.with(a))
    }
}

/// Resolves the `alg` header value against the allow-list.
pub(crate) fn allowed_algorithm(name: &str, allowed: &AlgorithmSet) -> Result<JwsAlgorithm, JwsError> {
    match JwsAlgorithm::from_name(name) {
        Some(alg) if allowed.contains(alg) => Ok(alg),
        _ => Err(JwsError::AlgorithmNotAllowed(name.to_owned())),
    }
}

/// Checks that the key (SPKI AlgorithmIdentifier value and subjectPublicKey bits) fits `alg`
/// and is strong enough; returns the signature length the key and algorithm produce.
pub(crate) fn check_key(
    alg: JwsAlgorithm,
    allowed: &AlgorithmSet,
    spki_alg: &[u8],
    public_key: &[u8],
) -> Result<usize, JwsError> {
    let needs = alg.key_type();
    let found = KeyType::of_spki_alg(spki_alg);
    if found != Some(needs) {
        let key = found.map_or_else(|| describe_alg_id(spki_alg), |k| k.describe().to_owned());
        return Err(JwsError::KeyAlgorithmMismatch { alg: alg.name(), needs: needs.describe(), key });
    }
    match needs {
        KeyType::Rsa => {
            let policy = AlgorithmPolicy::default().with_min_rsa_bits(allowed.min_rsa_bits());
            policy.check_public_key(spki_alg, public_key).map_err(|reason| match reason {
                Reason::WeakRsaKey { bits, minimum } => JwsError::WeakKey { bits, minimum },
                other => JwsError::UnsupportedKey(other.to_string()),
            })?;
            let bits = rsa_modulus_bits(public_key)
                .ok_or_else(|| JwsError::UnsupportedKey("malformed RSA public key".into()))?;
            Ok(bits.div_ceil(8))
        }
        KeyType::P256 => Ok(64),
        KeyType::P384 => Ok(96),
        KeyType::P521 => Ok(132),
        KeyType::Ed25519 => Ok(64),
    }
}

/// Splits a DER SubjectPublicKeyInfo into (AlgorithmIdentifier value, subjectPublicKey bits).
pub(crate) fn split_spki(spki_der: &[u8]) -> Result<(&[u8], &[u8]), JwsError> {
    let bad = |e: der::Error| JwsError::UnsupportedKey(format!("malformed SubjectPublicKeyInfo: {e}"));
    let mut reader = Walker::new(spki_der).map_err(bad)?;
    let spki = read_tagged(&mut reader, der::Tag::Sequence).map_err(bad)?;
    reader.finish().map_err(bad)?;
    parse_spki(spki.value).map_err(|e| JwsError::UnsupportedKey(e.to_string()))
}

/// Verifies a JWS signature over `signing_input` with a DER SubjectPublicKeyInfo: `alg` in
/// `allowed`, the key fitting `alg` (type, curve, RSA size), the signature of the exact length
/// (ES*: JOSE `r‖s`), then the arithmetic. The building block of the `Jws::verify_*` methods,
/// also usable for detached content.
pub fn verify_signature(
    allowed: &AlgorithmSet,
    alg: JwsAlgorithm,
    spki_der: &[u8],
    signing_input: &[u8],
    signature: &[u8],
) -> Result<(), JwsError> {
    let (spki_alg, public_key) = split_spki(spki_der)?;
    verify(alg, allowed, spki_alg, public_key, signing_input, signature)
}

/// Verifies a JWS signature: `alg` allowed, key fitting `alg`, signature of the exact length,
/// then the arithmetic.
pub(crate) fn verify(
    alg: JwsAlgorithm,
    allowed: &AlgorithmSet,
    spki_alg: &[u8],
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), JwsError> {
    if !allowed.contains(alg) {
        return Err(JwsError::AlgorithmNotAllowed(alg.name().to_owned()));
    }
    let expected = check_key(alg, allowed, spki_alg, public_key)?;
    if signature.len() != expected {
        return Err(JwsError::SignatureLength { alg: alg.name(), expected, actual: signature.len() });
    }
    let curve = match alg.key_type() {
        KeyType::P256 => Some(Curve::P256),
        KeyType::P384 => Some(Curve::P384),
        KeyType::P521 => Some(Curve::P521),
        KeyType::Rsa | KeyType::Ed25519 => None,
    };
    let result = rustcrypto::verify_scheme(alg.scheme(), curve, EcdsaEncoding::Fixed, public_key, message, signature);
    result.map_err(|_| JwsError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_reject_none_and_hmac() {
        for a in JwsAlgorithm::ALL {
            assert_eq!(JwsAlgorithm::from_name(a.name()), Some(*a));
        }
        for bad in ["none", "None", "HS256", "HS384", "HS512", "rs256", "RS256 ", "", "ES256K"] {
            assert_eq!(JwsAlgorithm::from_name(bad), None, "{bad}");
            assert!(!AlgorithmSet::all().allows_name(bad));
        }
    }

    #[test]
    fn sets() {
        let s = AlgorithmSet::new(&[JwsAlgorithm::Rs256, JwsAlgorithm::Es256]);
        assert!(s.contains(JwsAlgorithm::Rs256) && !s.contains(JwsAlgorithm::Ps256));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![JwsAlgorithm::Rs256, JwsAlgorithm::Es256]);
        assert!(!s.without(JwsAlgorithm::Rs256).contains(JwsAlgorithm::Rs256));
        assert_eq!(AlgorithmSet::all().iter().count(), JwsAlgorithm::ALL.len());
        assert_eq!(s.with_min_rsa_bits(1024).min_rsa_bits(), 2048);
        assert_eq!(s.with_min_rsa_bits(3072).min_rsa_bits(), 3072);
        assert!(matches!(
            allowed_algorithm("PS256", &s),
            Err(JwsError::AlgorithmNotAllowed(n)) if n == "PS256"
        ));
    }

    #[test]
    fn key_type_must_fit() {
        let all = AlgorithmSet::all();
        let e = check_key(JwsAlgorithm::Es256, &all, alg_id::ECDSA_P384.as_ref(), &[]).unwrap_err();
        assert_eq!(e.kind(), "key_alg_mismatch");
        let e = check_key(JwsAlgorithm::Rs256, &all, alg_id::ECDSA_P256.as_ref(), &[]).unwrap_err();
        assert_eq!(e.kind(), "key_alg_mismatch");
        assert_eq!(check_key(JwsAlgorithm::Es384, &all, alg_id::ECDSA_P384.as_ref(), &[]), Ok(96));
    }
}

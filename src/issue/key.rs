//! Key pairs for issuing: generated from the operating system's random number generator, or
//! read from unencrypted PKCS#8; written back as PKCS#8 (the bytes zeroized when dropped);
//! signing with the algorithms of [`SigAlg`].

use der::Decode;
use pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rand_core::TryCryptoRng;
use rsa::traits::PublicKeyParts;
use sha1::{Digest, Sha1};
use signature::{RandomizedSigner, SignatureEncoding, Signer};
use zeroize::Zeroizing;

use super::{IssueError, SigAlg};

/// A key type and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA with a modulus of this many bits. [`KeyPair::generate`] makes 2048, 3072 and 4096.
    Rsa(usize),
    /// ECDSA on NIST P-256.
    P256,
    /// ECDSA on NIST P-384.
    P384,
    /// Ed25519.
    Ed25519,
}

impl KeyAlgorithm {
    /// A short name: `RSA-2048`, `P-256`, `P-384`, `Ed25519`.
    pub fn name(self) -> String {
        match self {
            KeyAlgorithm::Rsa(bits) => format!("RSA-{bits}"),
            KeyAlgorithm::P256 => "P-256".into(),
            KeyAlgorithm::P384 => "P-384".into(),
            KeyAlgorithm::Ed25519 => "Ed25519".into(),
        }
    }

    /// The signature algorithm used with such a key unless told otherwise: RSA PKCS#1 v1.5
    /// with SHA-256, ECDSA with the curve's hash, Ed25519.
    pub fn default_signature_algorithm(self) -> SigAlg {
        match self {
            KeyAlgorithm::Rsa(_) => SigAlg::RsaPkcs1Sha256,
            KeyAlgorithm::P256 => SigAlg::EcdsaSha256,
            KeyAlgorithm::P384 => SigAlg::EcdsaSha384,
            KeyAlgorithm::Ed25519 => SigAlg::Ed25519,
        }
    }
}

enum Secret {
    Rsa(Box<rsa::PrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

/// A private key and its SubjectPublicKeyInfo.
pub struct KeyPair {
    secret: Secret,
    spki: Vec<u8>,
}

impl core::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyPair").field("algorithm", &self.algorithm()).finish_non_exhaustive()
    }
}

fn key_error(e: impl core::fmt::Display) -> IssueError {
    IssueError::Key(e.to_string())
}

impl KeyPair {
    /// A new key from the operating system's random number generator. RSA moduli other than
    /// 2048, 3072 and 4096 bits are refused.
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self, IssueError> {
        use rsa::Generate;
        let mut rng = getrandom::SysRng;
        let random = |e: getrandom::Error| IssueError::Random(e.to_string());
        let secret = match algorithm {
            KeyAlgorithm::Rsa(bits @ (2048 | 3072 | 4096)) => {
                Secret::Rsa(Box::new(rsa::PrivateKey::new(&mut rng, bits).map_err(key_error)?))
            }
            KeyAlgorithm::Rsa(bits) => {
                return Err(IssueError::Key(format!("RSA-{bits}: only 2048, 3072 and 4096 bits are generated")));
            }
            KeyAlgorithm::P256 => {
                Secret::P256(p256::ecdsa::SigningKey::try_generate_from_rng(&mut rng).map_err(random)?)
            }
            KeyAlgorithm::P384 => {
                Secret::P384(p384::ecdsa::SigningKey::try_generate_from_rng(&mut rng).map_err(random)?)
            }
            KeyAlgorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                getrandom::fill(seed.as_mut_slice()).map_err(random)?;
                Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
        };
        Self::from_secret(secret)
    }

    /// Reads an unencrypted PKCS#8 `PrivateKeyInfo` (RFC 5208, RFC 5958): RSA, P-256, P-384
    /// or Ed25519.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, IssueError> {
        const RSA: pkcs8::ObjectIdentifier = const_oid::db::rfc5912::RSA_ENCRYPTION;
        const EC: pkcs8::ObjectIdentifier = const_oid::db::rfc5912::ID_EC_PUBLIC_KEY;
        const ED25519: pkcs8::ObjectIdentifier = const_oid::db::rfc8410::ID_ED_25519;
        let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| key_error(format!("not PKCS#8: {e}")))?;
        let (oid, parameters) = info.algorithm.oids().map_err(key_error)?;
        let secret = match (oid, parameters) {
            (RSA, _) => Secret::Rsa(Box::new(rsa::PrivateKey::from_pkcs8_der(der).map_err(key_error)?)),
            (EC, Some(const_oid::db::rfc5912::SECP_256_R_1)) => {
                Secret::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(key_error)?)
            }
            (EC, Some(const_oid::db::rfc5912::SECP_384_R_1)) => {
                Secret::P384(p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(key_error)?)
            }
            (ED25519, _) => Secret::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(key_error)?),
            (EC, _) => return Err(key_error("EC key on a curve other than P-256 and P-384")),
            (other, _) => return Err(key_error(format!("unsupported key algorithm {other}"))),
        };
        Self::from_secret(secret)
    }

    /// Reads a PEM `PRIVATE KEY` (unencrypted PKCS#8).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, IssueError> {
        let (label, der) = pem_rfc7468::decode_vec(pem.trim().as_bytes()).map_err(key_error)?;
        let der = Zeroizing::new(der);
        if label != "PRIVATE KEY" {
            return Err(key_error(format!("PEM label {label:?}, expected \"PRIVATE KEY\"")));
        }
        Self::from_pkcs8_der(&der)
    }

    fn from_secret(secret: Secret) -> Result<Self, IssueError> {
        let spki = match &secret {
            Secret::Rsa(k) => k.to_public_key().to_public_key_der(),
            Secret::P256(k) => k.verifying_key().to_public_key_der(),
            Secret::P384(k) => k.verifying_key().to_public_key_der(),
            Secret::Ed25519(k) => k.verifying_key().to_public_key_der(),
        }
        .map_err(key_error)?
        .into_vec();
        Ok(KeyPair { secret, spki })
    }

    /// The private key as unencrypted PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, IssueError> {
        let doc = match &self.secret {
            Secret::Rsa(k) => k.to_pkcs8_der(),
            Secret::P256(k) => k.to_pkcs8_der(),
            Secret::P384(k) => k.to_pkcs8_der(),
            Secret::Ed25519(k) => k.to_pkcs8_der(),
        }
        .map_err(key_error)?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// The private key as PEM `PRIVATE KEY` (unencrypted PKCS#8; LF line endings).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, IssueError> {
        let der = self.to_pkcs8_der()?;
        let pem = pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &der).map_err(key_error)?;
        Ok(Zeroizing::new(pem))
    }

    /// The key's type and size.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.secret {
            Secret::Rsa(k) => KeyAlgorithm::Rsa(k.n().bit_width() as usize),
            Secret::P256(_) => KeyAlgorithm::P256,
            Secret::P384(_) => KeyAlgorithm::P384,
            Secret::Ed25519(_) => KeyAlgorithm::Ed25519,
        }
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The key identifier of RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
    pub fn key_id(&self) -> Vec<u8> {
        key_id(&self.spki)
    }

    /// Signs `message` with `alg`, which must suit the key. RSA signing is blinded, and
    /// RSA-PSS salted, with the operating system's random number generator; PKCS#1 v1.5,
    /// ECDSA (RFC 6979) and Ed25519 signatures are deterministic.
    pub fn sign(&self, alg: SigAlg, message: &[u8]) -> Result<Vec<u8>, IssueError> {
        self.sign_with_rng(alg, message, &mut getrandom::SysRng)
    }

    /// [`Self::sign`] with the randomness (RSA blinding, PSS salt) drawn from `rng`.
    pub fn sign_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        alg: SigAlg,
        message: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, IssueError> {
        let failed = |e: signature::Error| IssueError::Signing(e.to_string());
        macro_rules! rsa_sign {
            ($scheme:ident, $hash:ty, $key:expr) => {
                rsa::$scheme::SigningKey::<$hash>::new((**$key).clone())
                    .try_sign_with_rng(rng, message)
                    .map(|s| s.to_vec())
                    .map_err(failed)
            };
        }
        match (&self.secret, alg) {
            (Secret::Rsa(k), SigAlg::RsaPkcs1Sha256) => rsa_sign!(pkcs1v15, sha2::Sha256, k),
            (Secret::Rsa(k), SigAlg::RsaPkcs1Sha384) => rsa_sign!(pkcs1v15, sha2::Sha384, k),
            (Secret::Rsa(k), SigAlg::RsaPssSha256) => rsa_sign!(pss, sha2::Sha256, k),
            (Secret::P256(k), SigAlg::EcdsaSha256) => {
                Signer::<p256::ecdsa::Signature>::try_sign(k, message).map(|s| s.to_der().to_vec()).map_err(failed)
            }
            (Secret::P384(k), SigAlg::EcdsaSha384) => {
                Signer::<p384::ecdsa::Signature>::try_sign(k, message).map(|s| s.to_der().to_vec()).map_err(failed)
            }
            (Secret::Ed25519(k), SigAlg::Ed25519) => k.try_sign(message).map(|s| s.to_bytes().to_vec()).map_err(failed),
            (_, alg) => Err(IssueError::AlgorithmMismatch { key: self.kind_name(), algorithm: alg.name() }),
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.secret {
            Secret::Rsa(_) => "RSA",
            Secret::P256(_) => "P-256",
            Secret::P384(_) => "P-384",
            Secret::Ed25519(_) => "Ed25519",
        }
    }
}

/// SHA-1 of the subjectPublicKey bits of a SubjectPublicKeyInfo (empty input for a SPKI that
/// does not decode).
pub(crate) fn key_id(spki_der: &[u8]) -> Vec<u8> {
    let bits = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map(|s| s.subject_public_key.raw_bytes().to_vec())
        .unwrap_or_default();
    Sha1::digest(bits).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_through_pkcs8_and_sign() -> Result<(), IssueError> {
        for algorithm in [KeyAlgorithm::P256, KeyAlgorithm::P384, KeyAlgorithm::Ed25519] {
            let key = KeyPair::generate(algorithm)?;
            assert_eq!(key.algorithm(), algorithm);
            let again = KeyPair::from_pkcs8_pem(&key.to_pkcs8_pem()?)?;
            assert_eq!(again.spki_der(), key.spki_der());
            let alg = algorithm.default_signature_algorithm();
            assert_eq!(key.sign(alg, b"m")?, again.sign(alg, b"m")?, "deterministic");
            assert!(matches!(key.sign(SigAlg::RsaPkcs1Sha256, b"m"), Err(IssueError::AlgorithmMismatch { .. })));
        }
        assert_eq!(KeyPair::generate(KeyAlgorithm::P256)?.key_id().len(), 20);
        Ok(())
    }

    #[test]
    fn weak_or_unknown_keys_are_refused() {
        assert!(matches!(KeyPair::generate(KeyAlgorithm::Rsa(1024)), Err(IssueError::Key(_))));
        assert!(KeyPair::from_pkcs8_der(b"\x30\x00").is_err());
        assert!(KeyPair::from_pkcs8_pem("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n").is_err());
    }
}

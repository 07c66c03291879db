//! Deterministic key pairs and the on-disk key cache.
//!
//! A key is named; its seed is derived from the name, so the same name always gives the same
//! key. RSA key generation is slow and its output may change between `rsa` releases, so
//! [`KeyStore`] keeps every key as a PKCS#8 PEM file and loads it when present: the committed
//! key files, not the generator's version, fix the test vectors.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use der::Decode;
use der::pem::LineEnding;
use rsa::Generate;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use sha1::{Digest, Sha1};
use signature::{RandomizedSigner, SignatureEncoding, Signer};

use crate::algs::SigAlg;
use crate::rng::seeded_rng;
use crate::{Error, Result};

/// The kinds of key the generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// RSA with a 1024-bit modulus (too weak: for negative cases).
    Rsa1024,
    /// RSA with a 2048-bit modulus.
    Rsa2048,
    /// RSA with a 3072-bit modulus.
    Rsa3072,
    /// ECDSA on NIST P-256.
    P256,
    /// ECDSA on NIST P-384.
    P384,
    /// Ed25519.
    Ed25519,
}

impl KeyKind {
    /// The modulus size of an RSA kind.
    pub fn rsa_bits(self) -> Option<usize> {
        match self {
            KeyKind::Rsa1024 => Some(1024),
            KeyKind::Rsa2048 => Some(2048),
            KeyKind::Rsa3072 => Some(3072),
            _ => None,
        }
    }

    /// The signature algorithm used with this kind of key unless a case says otherwise.
    pub fn default_sig_alg(self) -> SigAlg {
        match self {
            KeyKind::Rsa1024 | KeyKind::Rsa2048 | KeyKind::Rsa3072 => SigAlg::RsaPkcs1Sha256,
            KeyKind::P256 => SigAlg::EcdsaSha256,
            KeyKind::P384 => SigAlg::EcdsaSha384,
            KeyKind::Ed25519 => SigAlg::Ed25519,
        }
    }
}

enum Secret {
    Rsa(rsa::PrivateKey),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

/// A private key and its SubjectPublicKeyInfo.
pub struct KeyPair {
    name: String,
    kind: KeyKind,
    secret: Secret,
    spki: Vec<u8>,
}

impl core::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyPair").field("name", &self.name).field("kind", &self.kind).finish()
    }
}

fn seed32(name: &str) -> [u8; 32] {
    sha2::Sha256::digest(format!("trustpath-testgen key {name}").as_bytes()).into()
}

impl KeyPair {
    /// Generates the key called `name` from its seed.
    pub fn generate(name: &str, kind: KeyKind) -> Result<Self> {
        let seed = seed32(name);
        let secret = match kind {
            KeyKind::Rsa1024 | KeyKind::Rsa2048 | KeyKind::Rsa3072 => {
                let bits = kind.rsa_bits().unwrap_or(2048);
                Secret::Rsa(rsa::PrivateKey::new(&mut seeded_rng(&seed), bits)?)
            }
            KeyKind::P256 => Secret::P256(p256::ecdsa::SigningKey::generate_from_rng(&mut seeded_rng(&seed))),
            KeyKind::P384 => Secret::P384(p384::ecdsa::SigningKey::generate_from_rng(&mut seeded_rng(&seed))),
            KeyKind::Ed25519 => Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed)),
        };
        Self::from_secret(name, kind, secret)
    }

    /// Loads the key called `name` of kind `kind` from a PKCS#8 PEM document.
    pub fn from_pkcs8_pem(name: &str, kind: KeyKind, pem: &str) -> Result<Self> {
        let secret = match kind {
            KeyKind::Rsa1024 | KeyKind::Rsa2048 | KeyKind::Rsa3072 => {
                let key = rsa::PrivateKey::from_pkcs8_pem(pem)?;
                let bits = rsa::traits::PublicKeyParts::n(&key).bit_width() as usize;
                if Some(bits) != kind.rsa_bits() {
                    return Err(Error::msg(format!("key {name}: RSA-{bits} found, {kind:?} expected")));
                }
                Secret::Rsa(key)
            }
            KeyKind::P256 => Secret::P256(p256::ecdsa::SigningKey::from_pkcs8_pem(pem).map_err(|e| wrong(name, e))?),
            KeyKind::P384 => Secret::P384(p384::ecdsa::SigningKey::from_pkcs8_pem(pem).map_err(|e| wrong(name, e))?),
            KeyKind::Ed25519 => {
                Secret::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_pem(pem).map_err(|e| wrong(name, e))?)
            }
        };
        Self::from_secret(name, kind, secret)
    }

    fn from_secret(name: &str, kind: KeyKind, secret: Secret) -> Result<Self> {
        let spki = match &secret {
            Secret::Rsa(k) => k.to_public_key().to_public_key_der()?.into_vec(),
            Secret::P256(k) => k.verifying_key().to_public_key_der()?.into_vec(),
            Secret::P384(k) => k.verifying_key().to_public_key_der()?.into_vec(),
            Secret::Ed25519(k) => k.verifying_key().to_public_key_der()?.into_vec(),
        };
        Ok(KeyPair { name: name.to_string(), kind, secret, spki })
    }

    /// The private key as PKCS#8 PEM (LF line endings).
    pub fn to_pkcs8_pem(&self) -> Result<String> {
        let pem = match &self.secret {
            Secret::Rsa(k) => k.to_pkcs8_pem(LineEnding::LF)?,
            Secret::P256(k) => k.to_pkcs8_pem(LineEnding::LF)?,
            Secret::P384(k) => k.to_pkcs8_pem(LineEnding::LF)?,
            Secret::Ed25519(k) => k.to_pkcs8_pem(LineEnding::LF)?,
        };
        Ok(pem.to_string())
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's kind.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// Key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1).
    pub fn key_id(&self) -> Vec<u8> {
        let bits = spki::SubjectPublicKeyInfoRef::from_der(&self.spki)
            .map(|s| s.subject_public_key.raw_bytes().to_vec())
            .unwrap_or_default();
        Sha1::digest(bits).to_vec()
    }

    /// Signs `message` with `alg`, which must suit the key type. Deterministic: PKCS#1 v1.5,
    /// ECDSA (RFC 6979) and Ed25519 are deterministic, and the PSS salt is drawn from an RNG
    /// seeded with the message.
    pub fn sign(&self, alg: SigAlg, message: &[u8]) -> Result<Vec<u8>> {
        let mut rng = seeded_rng(&[b"trustpath-testgen salt ".as_slice(), message].concat());
        let sig = match (&self.secret, alg) {
            (Secret::Rsa(k), SigAlg::RsaPkcs1Sha256) => {
                rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(k.clone()).try_sign_with_rng(&mut rng, message)?.to_vec()
            }
            (Secret::Rsa(k), SigAlg::RsaPkcs1Sha384) => {
                rsa::pkcs1v15::SigningKey::<sha2::Sha384>::new(k.clone()).try_sign_with_rng(&mut rng, message)?.to_vec()
            }
            (Secret::Rsa(k), SigAlg::RsaPkcs1Sha1) => {
                rsa::pkcs1v15::SigningKey::<Sha1>::new(k.clone()).try_sign_with_rng(&mut rng, message)?.to_vec()
            }
            (Secret::Rsa(k), SigAlg::RsaPssSha256) => {
                rsa::pss::SigningKey::<sha2::Sha256>::new(k.clone()).try_sign_with_rng(&mut rng, message)?.to_vec()
            }
            (Secret::P256(k), SigAlg::EcdsaSha256) => {
                let s: p256::ecdsa::Signature = k.try_sign(message)?;
                s.to_der().to_vec()
            }
            (Secret::P384(k), SigAlg::EcdsaSha384) => {
                let s: p384::ecdsa::Signature = k.try_sign(message)?;
                s.to_der().to_vec()
            }
            (Secret::Ed25519(k), SigAlg::Ed25519) => k.try_sign(message)?.to_bytes().to_vec(),
            (_, alg) => return Err(Error::msg(format!("key {} ({:?}) cannot sign {alg:?}", self.name, self.kind))),
        };
        Ok(sig)
    }
}

fn wrong(name: &str, e: impl core::fmt::Display) -> Error {
    Error::msg(format!("key {name}: {e}"))
}

/// Named keys, cached in memory and as `NAME.pem` (PKCS#8) files in a directory.
#[derive(Debug)]
pub struct KeyStore {
    dir: PathBuf,
    cache: HashMap<String, Arc<KeyPair>>,
    generated: Vec<String>,
}

impl KeyStore {
    /// A store backed by `dir` (created when a key has to be written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        KeyStore { dir: dir.into(), cache: HashMap::new(), generated: Vec::new() }
    }

    /// The key called `name`: from memory, else from `dir/NAME.pem`, else generated from its
    /// seed and written there.
    pub fn key(&mut self, name: &str, kind: KeyKind) -> Result<Arc<KeyPair>> {
        if let Some(k) = self.cache.get(name) {
            if k.kind != kind {
                return Err(Error::msg(format!("key {name} is {:?}, not {kind:?}", k.kind)));
            }
            return Ok(k.clone());
        }
        let path = self.dir.join(format!("{name}.pem"));
        let key = if path.exists() {
            KeyPair::from_pkcs8_pem(name, kind, &std::fs::read_to_string(&path)?)?
        } else {
            let key = KeyPair::generate(name, kind)?;
            std::fs::create_dir_all(&self.dir)?;
            std::fs::write(&path, key.to_pkcs8_pem()?)?;
            self.generated.push(name.to_string());
            key
        };
        let key = Arc::new(key);
        self.cache.insert(name.to_string(), key.clone());
        Ok(key)
    }

    /// Names of the keys this store had to generate (not found on disk).
    pub fn generated(&self) -> &[String] {
        &self.generated
    }
}

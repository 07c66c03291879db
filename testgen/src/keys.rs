//! Deterministic key pairs and the on-disk key cache: [`trustpath::issue::KeyPair`]s whose
//! secrets come from seeds instead of the operating system's random number generator.
//!
//! A key is named; its seed is derived from the name, so the same name always gives the same
//! key. RSA key generation is slow and its output may change between `rsa` releases, so
//! [`KeyStore`] keeps every key as a PKCS#8 PEM file and loads it when present: the committed
//! key files, not the generator's version, fix the test vectors.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rsa::Generate;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use sha1::{Digest, Sha1};
use signature::{RandomizedSigner, SignatureEncoding};
use trustpath::issue::{self, KeyAlgorithm};

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

/// A named private key (a [`trustpath::issue::KeyPair`] made from the name's seed) and its
/// SubjectPublicKeyInfo.
pub struct KeyPair {
    name: String,
    kind: KeyKind,
    inner: issue::KeyPair,
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
        let pkcs8 = match kind {
            KeyKind::Rsa1024 | KeyKind::Rsa2048 | KeyKind::Rsa3072 => {
                let bits = kind.rsa_bits().unwrap_or(2048);
                rsa::PrivateKey::new(&mut seeded_rng(&seed), bits)?.to_pkcs8_der()?
            }
            KeyKind::P256 => p256::ecdsa::SigningKey::generate_from_rng(&mut seeded_rng(&seed)).to_pkcs8_der()?,
            KeyKind::P384 => p384::ecdsa::SigningKey::generate_from_rng(&mut seeded_rng(&seed)).to_pkcs8_der()?,
            KeyKind::Ed25519 => ed25519_dalek::SigningKey::from_bytes(&seed).to_pkcs8_der()?,
        };
        let inner = issue::KeyPair::from_pkcs8_der(pkcs8.as_bytes())?;
        Ok(KeyPair { name: name.to_string(), kind, inner })
    }

    /// Loads the key called `name` of kind `kind` from a PKCS#8 PEM document.
    pub fn from_pkcs8_pem(name: &str, kind: KeyKind, pem: &str) -> Result<Self> {
        let inner = issue::KeyPair::from_pkcs8_pem(pem).map_err(|e| wrong(name, e))?;
        let expected = match kind.rsa_bits() {
            Some(bits) => KeyAlgorithm::Rsa(bits),
            None if kind == KeyKind::P256 => KeyAlgorithm::P256,
            None if kind == KeyKind::P384 => KeyAlgorithm::P384,
            None => KeyAlgorithm::Ed25519,
        };
        if inner.algorithm() != expected {
            return Err(Error::msg(format!("key {name}: {} found, {kind:?} expected", inner.algorithm().name())));
        }
        Ok(KeyPair { name: name.to_string(), kind, inner })
    }

    /// The private key as PKCS#8 PEM (LF line endings).
    pub fn to_pkcs8_pem(&self) -> Result<String> {
        Ok(self.inner.to_pkcs8_pem()?.to_string())
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's kind.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The key as `trustpath::issue` holds it.
    pub fn issue_key(&self) -> &issue::KeyPair {
        &self.inner
    }

    /// SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> &[u8] {
        self.inner.spki_der()
    }

    /// Key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1).
    pub fn key_id(&self) -> Vec<u8> {
        self.inner.key_id()
    }

    /// Signs `message` with `alg`, which must suit the key type. Deterministic: PKCS#1 v1.5,
    /// ECDSA (RFC 6979) and Ed25519 are deterministic, and the PSS salt is drawn from an RNG
    /// seeded with the message.
    pub fn sign(&self, alg: SigAlg, message: &[u8]) -> Result<Vec<u8>> {
        let mut rng = seeded_rng(&[b"trustpath-testgen salt ".as_slice(), message].concat());
        let Some(issue_alg) = alg.issue() else { return self.sign_sha1(message) };
        match self.inner.sign_with_rng(issue_alg, message, &mut rng) {
            Err(trustpath::issue::IssueError::AlgorithmMismatch { .. }) => {
                Err(Error::msg(format!("key {} ({:?}) cannot sign {alg:?}", self.name, self.kind)))
            }
            other => Ok(other?),
        }
    }

    /// RSASSA-PKCS1-v1_5 with SHA-1, which `trustpath::issue` does not make.
    fn sign_sha1(&self, message: &[u8]) -> Result<Vec<u8>> {
        if self.kind.rsa_bits().is_none() {
            return Err(Error::msg(format!("key {} ({:?}) cannot sign RsaPkcs1Sha1", self.name, self.kind)));
        }
        let key = rsa::PrivateKey::from_pkcs8_der(&self.inner.to_pkcs8_der()?)?;
        let mut rng = seeded_rng(&[b"trustpath-testgen salt ".as_slice(), message].concat());
        Ok(rsa::pkcs1v15::SigningKey::<Sha1>::new(key).try_sign_with_rng(&mut rng, message)?.to_vec())
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

//! Producing a compact JWS with `x5c` (the client side of UDAP): a PKCS#8 private key and its
//! certificate chain, signer first.

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value};

use super::alg::{self, AlgorithmSet, JwsAlgorithm, KeyType};
use super::compact::Limits;
use super::error::JwsError;
use crate::cert::Certificate;
use crate::crypto::private_key::PrivateKey;
use crate::crypto::rustcrypto::EcdsaEncoding;

/// The JWS view of a signing key: its type and default algorithm.
fn key_type(key: &PrivateKey) -> KeyType {
    match key {
        PrivateKey::Rsa(_) => KeyType::Rsa,
        PrivateKey::P256(_) => KeyType::P256,
        PrivateKey::P384(_) => KeyType::P384,
    }
}

fn default_algorithm(key: &PrivateKey) -> JwsAlgorithm {
    match key {
        PrivateKey::Rsa(_) => JwsAlgorithm::Rs256,
        PrivateKey::P256(_) => JwsAlgorithm::Es256,
        PrivateKey::P384(_) => JwsAlgorithm::Es384,
    }
}

/// Signs payloads as compact JWS with header `{"alg", "x5c"}` (plus `typ` / `kid` when set),
/// with a private key matching the first certificate of the chain.
///
/// Keys: RSA (≥ 2048 bits; RS256 by default, or RS384, RS512, PS256, PS384, PS512), P-256
/// (ES256) and P-384 (ES384). RS* and ES* (RFC 6979) signatures are deterministic; PS* use
/// a random salt. RSA signing is blinded with system randomness.
pub struct Signer {
    key: PrivateKey,
    algorithm: JwsAlgorithm,
    chain: Vec<Certificate>,
    x5c: Vec<String>,
    typ: Option<String>,
    kid: Option<String>,
}

impl core::fmt::Debug for Signer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Signer")
            .field("algorithm", &self.algorithm)
            .field("chain", &self.chain)
            .field("typ", &self.typ)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn invalid_key(message: impl Into<String>) -> JwsError {
    JwsError::InvalidPrivateKey(message.into())
}

impl Signer {
    /// A signer from an unencrypted PKCS#8 private key (PEM `PRIVATE KEY` or DER; PKCS#1 RSA
    /// keys, PEM `RSA PRIVATE KEY`, are accepted too) and its
    /// certificate chain, signer's certificate first, which becomes `x5c`. Fails if the key
    /// does not match the first certificate, is of an unsupported type, or is an RSA key
    /// under 2048 bits, or if the chain exceeds the default [`Limits`] of `x5c`.
    pub fn from_pkcs8(private_key: &[u8], chain: Vec<Certificate>) -> Result<Signer, JwsError> {
        let key = PrivateKey::from_pem_or_der(private_key).map_err(invalid_key)?;
        let leaf = chain.first().ok_or(JwsError::EmptyChain)?;
        if !key.matches(leaf.public_key_algorithm_id(), leaf.public_key()) {
            return Err(JwsError::KeyCertificateMismatch);
        }
        let algorithm = default_algorithm(&key);
        // The same key checks a verifier applies (type, RSA size).
        alg::check_key(algorithm, &AlgorithmSet::all(), leaf.public_key_algorithm_id(), leaf.public_key())?;
        let limits = Limits::default();
        if chain.len() > limits.max_x5c_certificates {
            return Err(JwsError::X5cTooManyCertificates { count: chain.len(), limit: limits.max_x5c_certificates });
        }
        let x5c: Vec<String> = chain.iter().map(|c| Base64::encode_string(c.der().as_ref())).collect();
        if x5c.iter().map(String::len).sum::<usize>() > limits.max_x5c_len {
            return Err(JwsError::X5cTooLarge { limit: limits.max_x5c_len });
        }
        Ok(Signer { key, algorithm, chain, x5c, typ: None, kid: None })
    }

    /// Uses `algorithm` instead of the key's default. It must fit the key and be one this
    /// signer implements (not ES512 or EdDSA).
    pub fn with_algorithm(mut self, algorithm: JwsAlgorithm) -> Result<Signer, JwsError> {
        let signable = !matches!(algorithm, JwsAlgorithm::Es512 | JwsAlgorithm::EdDsa);
        if !signable || algorithm.key_type() != key_type(&self.key) {
            return Err(JwsError::AlgorithmNotAllowed(algorithm.name().to_owned()));
        }
        self.algorithm = algorithm;
        Ok(self)
    }

    /// Sets the `typ` header parameter (e.g. `"JWT"`).
    pub fn with_typ(mut self, typ: impl Into<String>) -> Signer {
        self.typ = Some(typ.into());
        self
    }

    /// Sets the `kid` header parameter.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Signer {
        self.kid = Some(kid.into());
        self
    }

    /// The algorithm signatures are made with.
    pub fn algorithm(&self) -> JwsAlgorithm {
        self.algorithm
    }

    /// The certificate chain sent as `x5c`, signer first.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// The protected header, as serialized (members sorted by name).
    fn header_json(&self) -> Result<Vec<u8>, JwsError> {
        let mut header = Map::new();
        header.insert("alg".into(), Value::from(self.algorithm.name()));
        if let Some(typ) = &self.typ {
            header.insert("typ".into(), Value::from(typ.as_str()));
        }
        if let Some(kid) = &self.kid {
            header.insert("kid".into(), Value::from(kid.as_str()));
        }
        header.insert("x5c".into(), Value::Array(self.x5c.iter().map(|c| Value::from(c.as_str())).collect()));
        serde_json::to_vec(&Value::Object(header)).map_err(|e| JwsError::SigningFailed(e.to_string()))
    }

    /// Signs `payload` (any bytes) into a compact JWS.
    pub fn sign_bytes(&self, payload: &[u8]) -> Result<String, JwsError> {
        let mut token = Base64UrlUnpadded::encode_string(&self.header_json()?);
        token.push('.');
        token.push_str(&Base64UrlUnpadded::encode_string(payload));
        let signature = self.sign_raw(token.as_bytes())?;
        token.push('.');
        token.push_str(&Base64UrlUnpadded::encode_string(&signature));
        Ok(token)
    }

    /// Signs a JSON object (JWT claims) into a compact JWS.
    pub fn sign_json(&self, claims: &Value) -> Result<String, JwsError> {
        if !claims.is_object() {
            return Err(JwsError::PayloadNotJsonObject("not a JSON object".into()));
        }
        let payload = serde_json::to_vec(claims).map_err(|e| JwsError::SigningFailed(e.to_string()))?;
        self.sign_bytes(&payload)
    }

    fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>, JwsError> {
        // ES512 and EdDSA are verification-only: `new` refuses them for every key it takes.
        self.key.sign(self.algorithm.scheme(), EcdsaEncoding::Fixed, message).map_err(JwsError::SigningFailed)
    }
}

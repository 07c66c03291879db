//! Private keys for the signing sides (JWS, S/MIME): unencrypted PKCS#8 (PEM `PRIVATE KEY` or
//! DER) or PKCS#1 RSA (PEM `RSA PRIVATE KEY` or DER), RSA, P-256 or P-384, and whether a
//! certificate carries the matching public key. Decoded key bytes are zeroized after use.

use der::Decode;
use pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use signature::hazmat::PrehashSigner;
use signature::{RandomizedSigner, SignatureEncoding};
use zeroize::Zeroizing;

use super::digest::DigestAlgorithm;
use super::rustcrypto::EcdsaEncoding;
use super::signature_alg::SignatureScheme;

/// A signing key.
pub(crate) enum PrivateKey {
    Rsa(Box<rsa::PrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl PrivateKey {
    /// Decodes a key from PEM or DER; the error says why in words.
    pub(crate) fn from_pem_or_der(bytes: &[u8]) -> Result<Self, String> {
        let trimmed = bytes.trim_ascii();
        if !trimmed.starts_with(b"-----BEGIN") {
            return Self::from_der(bytes, false).or_else(|e| Self::from_der(bytes, true).map_err(|_| e));
        }
        let (label, der) = pem_rfc7468::decode_vec(trimmed).map_err(|e| format!("bad PEM: {e}"))?;
        let der = Zeroizing::new(der);
        match label {
            "PRIVATE KEY" => Self::from_der(&der, false),
            "RSA PRIVATE KEY" => Self::from_der(&der, true),
            other => {
                Err(format!("PEM label {other:?}: expected an unencrypted \"PRIVATE KEY\" or \"RSA PRIVATE KEY\""))
            }
        }
    }

    /// An unencrypted PKCS#8 `PrivateKeyInfo`, or (with `pkcs1`) a PKCS#1 `RSAPrivateKey`.
    fn from_der(der: &[u8], pkcs1: bool) -> Result<Self, String> {
        if pkcs1 {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            return rsa::PrivateKey::from_pkcs1_der(der)
                .map(|k| PrivateKey::Rsa(Box::new(k)))
                .map_err(|e| format!("RSA key: {e}"));
        }
        let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| format!("not PKCS#8: {e}"))?;
        let (oid, parameters) = info.algorithm.oids().map_err(|e| format!("bad algorithm: {e}"))?;
        const RSA: pkcs8::ObjectIdentifier = const_oid::db::rfc5912::RSA_ENCRYPTION;
        const EC: pkcs8::ObjectIdentifier = const_oid::db::rfc5912::ID_EC_PUBLIC_KEY;
        match (oid, parameters) {
            (RSA, _) => rsa::PrivateKey::from_pkcs8_der(der)
                .map(|k| PrivateKey::Rsa(Box::new(k)))
                .map_err(|e| format!("RSA key: {e}")),
            (EC, Some(const_oid::db::rfc5912::SECP_256_R_1)) => p256::ecdsa::SigningKey::from_pkcs8_der(der)
                .map(PrivateKey::P256)
                .map_err(|e| format!("P-256 key: {e}")),
            (EC, Some(const_oid::db::rfc5912::SECP_384_R_1)) => p384::ecdsa::SigningKey::from_pkcs8_der(der)
                .map(PrivateKey::P384)
                .map_err(|e| format!("P-384 key: {e}")),
            (EC, _) => Err("EC key on an unsupported curve (P-256 and P-384 are supported)".into()),
            (other, _) => Err(format!("unsupported key algorithm {other}")),
        }
    }

    /// Signs `message` with `scheme` (RSASSA-PSS: salt as long as the hash); ECDSA signatures
    /// in `encoding` (DER for X.509 and CMS, `r‖s` for JWS). SHA-1 is refused. The error says
    /// why in words.
    pub(crate) fn sign(
        &self,
        scheme: SignatureScheme,
        encoding: EcdsaEncoding,
        message: &[u8],
    ) -> Result<Vec<u8>, String> {
        use DigestAlgorithm::{Sha256, Sha384, Sha512};
        let mut rng = getrandom::SysRng;
        let failed = |e: signature::Error| e.to_string();
        macro_rules! rsa_sign {
            ($scheme:ident, $hash:ty, $key:expr) => {
                rsa::$scheme::SigningKey::<$hash>::new((**$key).clone())
                    .try_sign_with_rng(&mut rng, message)
                    .map(|s| s.to_vec())
                    .map_err(failed)
            };
        }
        macro_rules! ecdsa_sign {
            ($curve:ident, $key:expr, $hash:expr) => {{
                let s: $curve::ecdsa::Signature = $key.sign_prehash(&$hash.digest(message)).map_err(failed)?;
                Ok(match encoding {
                    EcdsaEncoding::Der => s.to_der().to_vec(),
                    EcdsaEncoding::Fixed => s.to_bytes().to_vec(),
                })
            }};
        }
        let pss_salt_is_hash_len = |hash: DigestAlgorithm, salt_len: usize| salt_len == hash.output_len();
        match (self, scheme) {
            (PrivateKey::Rsa(k), SignatureScheme::RsaPkcs1(Sha256)) => rsa_sign!(pkcs1v15, sha2::Sha256, k),
            (PrivateKey::Rsa(k), SignatureScheme::RsaPkcs1(Sha384)) => rsa_sign!(pkcs1v15, sha2::Sha384, k),
            (PrivateKey::Rsa(k), SignatureScheme::RsaPkcs1(Sha512)) => rsa_sign!(pkcs1v15, sha2::Sha512, k),
            (PrivateKey::Rsa(k), SignatureScheme::RsaPss { hash, salt_len })
                if pss_salt_is_hash_len(hash, salt_len) =>
            {
                match hash {
                    Sha256 => rsa_sign!(pss, sha2::Sha256, k),
                    Sha384 => rsa_sign!(pss, sha2::Sha384, k),
                    Sha512 => rsa_sign!(pss, sha2::Sha512, k),
                    DigestAlgorithm::Sha1 => Err("signing with SHA-1 is refused".into()),
                }
            }
            (_, scheme) if scheme.hash() == Some(DigestAlgorithm::Sha1) => Err("signing with SHA-1 is refused".into()),
            (PrivateKey::P256(k), SignatureScheme::Ecdsa(hash)) => ecdsa_sign!(p256, k, hash),
            (PrivateKey::P384(k), SignatureScheme::Ecdsa(hash)) => ecdsa_sign!(p384, k, hash),
            (_, scheme) => Err(format!("a {} cannot sign with {scheme:?}", self.describe())),
        }
    }

    /// The RSA key, for RSA decryption (CMS key transport).
    #[cfg_attr(not(feature = "direct"), allow(dead_code))]
    pub(crate) fn rsa(&self) -> Option<&rsa::PrivateKey> {
        match self {
            PrivateKey::Rsa(key) => Some(key),
            _ => None,
        }
    }

    /// `RSA key`, `P-256 key`, ...
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            PrivateKey::Rsa(_) => "RSA key",
            PrivateKey::P256(_) => "P-256 key",
            PrivateKey::P384(_) => "P-384 key",
        }
    }

    /// Whether a certificate's public key (its SubjectPublicKeyInfo's algorithm identifier value
    /// and key bits) is this key's.
    pub(crate) fn matches(&self, algorithm_id: &[u8], public_key: &[u8]) -> bool {
        match self {
            PrivateKey::Rsa(key) => {
                use rsa::pkcs1::DecodeRsaPublicKey;
                algorithm_id == rustls_pki_types::alg_id::RSA_ENCRYPTION.as_ref()
                    && rsa::PublicKey::from_pkcs1_der(public_key)
                        .is_ok_and(|p| p.n_bytes() == key.n_bytes() && p.e_bytes() == key.e_bytes())
            }
            PrivateKey::P256(key) => {
                p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).is_ok_and(|p| &p == key.verifying_key())
            }
            PrivateKey::P384(key) => {
                p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key).is_ok_and(|p| &p == key.verifying_key())
            }
        }
    }
}

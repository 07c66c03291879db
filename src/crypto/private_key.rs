//! Private keys for the signing sides (JWS, S/MIME): unencrypted PKCS#8 (PEM `PRIVATE KEY` or
//! DER) or PKCS#1 RSA (PEM `RSA PRIVATE KEY` or DER), RSA, P-256 or P-384, and whether a
//! certificate carries the matching public key. Decoded key bytes are zeroized after use.

use der::Decode;
use pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use zeroize::Zeroizing;

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

//! RSA key transport for CMS (feature `direct`): how a content-encryption key travels to one
//! recipient in a KeyTransRecipientInfo (RFC 5652 §6.2.1) — RSAES-PKCS1-v1_5 (RFC 3370 §4.2.1)
//! or RSAES-OAEP (RFC 3560, parameters per RFC 4055 §4.1) — with the `rsa` crate.

use der::asn1::{ContextSpecific, OctetString};
use der::{Decode, Encode, TagMode, TagNumber, Tagged};
use rsa::traits::RandomizedDecryptor;
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use super::cipher::DecryptFailed;
use super::digest::{DigestAlgorithm, params_absent_or_null};
use super::oids;
use super::signature_alg::{mgf1_hash, null_any};
use crate::der_walk::{Walker, read_optional};

/// How the content-encryption key is encrypted to a recipient's RSA key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyTransport {
    /// RSAES-PKCS1-v1_5 (`rsaEncryption`): what most agents send. Decryption uses implicit
    /// rejection (a bad padding yields a pseudo-random key, never an error of its own).
    RsaPkcs1v15,
    /// RSAES-OAEP with this hash for both the label and MGF1, and the empty label. SHA-256 is
    /// what the Direct reference implementations send; SHA-1 (the OAEP default, harmless here:
    /// no collision resistance is needed) and SHA-384/512 are accepted too.
    RsaOaep(DigestAlgorithm),
}

impl KeyTransport {
    /// `rsa-pkcs1v15`, `rsa-oaep-sha256`, ...
    pub fn name(self) -> &'static str {
        match self {
            KeyTransport::RsaPkcs1v15 => "rsa-pkcs1v15",
            KeyTransport::RsaOaep(DigestAlgorithm::Sha1) => "rsa-oaep-sha1",
            KeyTransport::RsaOaep(DigestAlgorithm::Sha256) => "rsa-oaep-sha256",
            KeyTransport::RsaOaep(DigestAlgorithm::Sha384) => "rsa-oaep-sha384",
            KeyTransport::RsaOaep(DigestAlgorithm::Sha512) => "rsa-oaep-sha512",
        }
    }

    /// Reads a keyEncryptionAlgorithm. `Err` says what it is instead.
    pub(crate) fn from_algorithm(alg: &AlgorithmIdentifierOwned) -> Result<Self, String> {
        match alg.oid {
            oids::RSA_ENCRYPTION if params_absent_or_null(alg) => Ok(KeyTransport::RsaPkcs1v15),
            oids::RSAES_OAEP => oaep_parameters(alg).map(KeyTransport::RsaOaep).ok_or_else(|| {
                "RSAES-OAEP parameters other than one SHA hash for the label and MGF1 and an empty label".into()
            }),
            other => Err(match const_oid::db::DB.by_oid(&other) {
                Some(name) => format!("key transport {name} ({other})"),
                None => format!("key transport {other}"),
            }),
        }
    }

    /// The keyEncryptionAlgorithm identifier: `rsaEncryption` with NULL, or RSAES-OAEP with
    /// its parameters, defaults omitted (DER).
    pub(crate) fn algorithm(self) -> der::Result<AlgorithmIdentifierOwned> {
        let hash = match self {
            KeyTransport::RsaPkcs1v15 => {
                return Ok(AlgorithmIdentifierOwned { oid: oids::RSA_ENCRYPTION, parameters: Some(null_any()) });
            }
            KeyTransport::RsaOaep(hash) => hash,
        };
        let mut params = Vec::new();
        if hash != DigestAlgorithm::Sha1 {
            // RFC 4055 §2.1: the SHA-2 identifiers' parameters are omitted.
            let hash_alg = AlgorithmIdentifierOwned { oid: hash.oid(), parameters: None };
            let mgf = AlgorithmIdentifierOwned { oid: oids::MGF1, parameters: Some(der::Any::encode_from(&hash_alg)?) };
            let explicit = |n: u8, value: &AlgorithmIdentifierOwned| {
                ContextSpecific { tag_number: TagNumber(n.into()), tag_mode: TagMode::Explicit, value: value.clone() }
                    .to_der()
            };
            params.extend(explicit(0, &hash_alg)?);
            params.extend(explicit(1, &mgf)?);
        }
        let parameters = der::Any::new(der::Tag::Sequence, params)?;
        Ok(AlgorithmIdentifierOwned { oid: oids::RSAES_OAEP, parameters: Some(parameters) })
    }

    /// Encrypts `cek` to an RSA public key (PKCS #1 RSAPublicKey DER, a certificate's key).
    pub(crate) fn encrypt(self, public_key: &[u8], cek: &[u8]) -> Result<Vec<u8>, String> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        use rsa::traits::RandomizedEncryptor;
        let key = rsa::PublicKey::from_pkcs1_der(public_key).map_err(|e| format!("RSA public key: {e}"))?;
        let mut rng = getrandom::SysRng;
        macro_rules! oaep {
            ($hash:ty) => {
                rsa::oaep::EncryptingKey::<$hash>::new(key).encrypt_with_rng(&mut rng, cek)
            };
        }
        let encrypted = match self {
            KeyTransport::RsaPkcs1v15 => key.pkcs1v15_encrypt_with_rng(&mut rng, cek),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha1) => oaep!(sha1::Sha1),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha256) => oaep!(sha2::Sha256),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha384) => oaep!(sha2::Sha384),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha512) => oaep!(sha2::Sha512),
        };
        encrypted.map_err(|e| format!("RSA encryption: {e}"))
    }

    /// Decrypts a content-encryption key of `key_len` bytes. Never fails on its own: when the
    /// RSA decryption fails, or yields a key of another length, a random key of `key_len` bytes
    /// is returned with `Err` beside it, so that the caller goes on to decrypt the content with
    /// it and fails there, as with a wrong key (the RFC 3218 §2.3.2 countermeasure; PKCS #1 v1.5
    /// decryption in the `rsa` crate already answers a bad padding with a pseudo-random message).
    pub(crate) fn decrypt(
        self,
        key: &rsa::PrivateKey,
        encrypted: &[u8],
        key_len: usize,
    ) -> (Zeroizing<Vec<u8>>, Result<(), DecryptFailed>) {
        let mut rng = getrandom::SysRng;
        macro_rules! oaep {
            ($hash:ty) => {
                rsa::oaep::DecryptingKey::<$hash>::new(key.clone()).decrypt_with_rng(&mut rng, encrypted)
            };
        }
        let decrypted = match self {
            KeyTransport::RsaPkcs1v15 => key.pkcs1v15_decrypt_with_rng(&mut rng, encrypted),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha1) => oaep!(sha1::Sha1),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha256) => oaep!(sha2::Sha256),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha384) => oaep!(sha2::Sha384),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha512) => oaep!(sha2::Sha512),
        };
        let mut random = Zeroizing::new(vec![0u8; key_len]);
        let random_ok = getrandom::fill(&mut random).is_ok();
        match decrypted {
            Ok(cek) if cek.len() == key_len && random_ok => (Zeroizing::new(cek), Ok(())),
            Ok(cek) => {
                drop(Zeroizing::new(cek));
                (random, Err(DecryptFailed))
            }
            Err(_) => (random, Err(DecryptFailed)),
        }
    }
}

/// RFC 4055 §4.1 RSAES-OAEP-params: hashFunc [0] (default SHA-1), maskGenFunc [1] (default
/// MGF1 with SHA-1), pSourceFunc [2] (default the empty label). The hash of both, when they
/// agree and the label is empty.
fn oaep_parameters(alg: &AlgorithmIdentifierOwned) -> Option<DigestAlgorithm> {
    let Some(params) = alg.parameters.as_ref() else {
        return Some(DigestAlgorithm::Sha1);
    };
    if params.tag() != der::Tag::Sequence {
        return None;
    }
    let mut r = Walker::new(params.value()).ok()?;
    let ctx = |n: u32| TagNumber(n).context_specific(true);
    let hash = match read_optional(&mut r, ctx(0)).ok()? {
        Some(tlv) => DigestAlgorithm::from_algorithm(&AlgorithmIdentifierOwned::from_der(tlv.value).ok()?).ok()?,
        None => DigestAlgorithm::Sha1,
    };
    let mgf_hash = match read_optional(&mut r, ctx(1)).ok()? {
        Some(tlv) => mgf1_hash(tlv.value)?,
        None => DigestAlgorithm::Sha1,
    };
    if let Some(tlv) = read_optional(&mut r, ctx(2)).ok()? {
        let source = AlgorithmIdentifierOwned::from_der(tlv.value).ok()?;
        let label = source.parameters.as_ref()?.decode_as::<OctetString>().ok()?;
        if source.oid != oids::P_SPECIFIED || !label.as_bytes().is_empty() {
            return None;
        }
    }
    r.finish().ok()?;
    (hash == mgf_hash).then_some(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(alg: &AlgorithmIdentifierOwned) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned::from_der(&alg.to_der().unwrap()).unwrap()
    }

    #[test]
    fn identifiers_round_trip() {
        let all = [
            KeyTransport::RsaPkcs1v15,
            KeyTransport::RsaOaep(DigestAlgorithm::Sha1),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha256),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha384),
            KeyTransport::RsaOaep(DigestAlgorithm::Sha512),
        ];
        for kt in all {
            assert_eq!(KeyTransport::from_algorithm(&decode(&kt.algorithm().unwrap())), Ok(kt), "{kt:?}");
        }
        // RSAES-OAEP without parameters: every default (SHA-1).
        let bare = AlgorithmIdentifierOwned { oid: oids::RSAES_OAEP, parameters: None };
        assert_eq!(KeyTransport::from_algorithm(&bare), Ok(KeyTransport::RsaOaep(DigestAlgorithm::Sha1)));
        // SHA-256 with MGF1-SHA-1 (mixed hashes) is refused.
        let sha256 = AlgorithmIdentifierOwned { oid: oids::SHA256, parameters: None };
        let hash = ContextSpecific { tag_number: TagNumber(0), tag_mode: TagMode::Explicit, value: sha256 };
        let params = der::Any::new(der::Tag::Sequence, hash.to_der().unwrap()).unwrap();
        let mixed = AlgorithmIdentifierOwned { oid: oids::RSAES_OAEP, parameters: Some(params) };
        assert!(KeyTransport::from_algorithm(&decode(&mixed)).is_err());
        let other = AlgorithmIdentifierOwned { oid: oids::EC_PUBLIC_KEY, parameters: None };
        assert!(KeyTransport::from_algorithm(&other).is_err());
    }
}

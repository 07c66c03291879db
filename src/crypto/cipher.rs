//! Content encryption for CMS (feature `direct`): AES-CBC (RFC 3565, the `aes` and `cbc`
//! crates) and AES-GCM (RFC 5084, the `aes-gcm` crate), with their algorithm identifiers.
//! No cipher arithmetic here: these functions choose the RustCrypto implementation and carry
//! the parameters (IV, nonce, tag length) between it and the AlgorithmIdentifier.

use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::{AeadInOut, KeyInit};
use cbc::cipher::block_padding::{NoPadding, Padding, Pkcs7};
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use const_oid::ObjectIdentifier;
use der::Sequence;
use der::asn1::OctetString;
#[cfg(test)]
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;

use super::oids;

/// A CMS content-encryption algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentEncryption {
    /// AES-128 in CBC mode (EnvelopedData): the Direct reference implementations' default.
    Aes128Cbc,
    /// AES-192 in CBC mode (decryption only: some agents send it).
    Aes192Cbc,
    /// AES-256 in CBC mode (EnvelopedData).
    Aes256Cbc,
    /// AES-128 in GCM mode with a 16-byte tag (AuthEnvelopedData, RFC 5083 and RFC 5084).
    Aes128Gcm,
    /// AES-256 in GCM mode with a 16-byte tag (AuthEnvelopedData).
    Aes256Gcm,
}

/// Why content could not be decrypted. Deliberately without detail: which step failed must
/// not be told apart (RFC 3218).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecryptFailed;

impl ContentEncryption {
    /// The name used on the command line and in reports: `aes128-cbc`, `aes256-gcm`, ...
    pub fn name(self) -> &'static str {
        match self {
            ContentEncryption::Aes128Cbc => "aes128-cbc",
            ContentEncryption::Aes192Cbc => "aes192-cbc",
            ContentEncryption::Aes256Cbc => "aes256-cbc",
            ContentEncryption::Aes128Gcm => "aes128-gcm",
            ContentEncryption::Aes256Gcm => "aes256-gcm",
        }
    }

    /// The algorithm called `name` ([`Self::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Aes128Cbc, Self::Aes192Cbc, Self::Aes256Cbc, Self::Aes128Gcm, Self::Aes256Gcm]
            .into_iter()
            .find(|c| c.name() == name)
    }

    /// Whether the content is authenticated (GCM, carried in AuthEnvelopedData) rather than
    /// only encrypted (CBC, EnvelopedData).
    pub fn is_authenticated(self) -> bool {
        matches!(self, ContentEncryption::Aes128Gcm | ContentEncryption::Aes256Gcm)
    }

    /// The key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            ContentEncryption::Aes128Cbc | ContentEncryption::Aes128Gcm => 16,
            ContentEncryption::Aes192Cbc => 24,
            ContentEncryption::Aes256Cbc | ContentEncryption::Aes256Gcm => 32,
        }
    }

    pub(crate) fn oid(self) -> ObjectIdentifier {
        match self {
            ContentEncryption::Aes128Cbc => oids::AES128_CBC,
            ContentEncryption::Aes192Cbc => oids::AES192_CBC,
            ContentEncryption::Aes256Cbc => oids::AES256_CBC,
            ContentEncryption::Aes128Gcm => oids::AES128_GCM,
            ContentEncryption::Aes256Gcm => oids::AES256_GCM,
        }
    }

    /// Reads a contentEncryptionAlgorithm: the algorithm and its IV or nonce (checked for
    /// length). `Err` names what it is instead.
    pub(crate) fn from_algorithm(alg: &AlgorithmIdentifierOwned) -> Result<(Self, Vec<u8>), String> {
        let cipher = match alg.oid {
            oids::AES128_CBC => ContentEncryption::Aes128Cbc,
            oids::AES192_CBC => ContentEncryption::Aes192Cbc,
            oids::AES256_CBC => ContentEncryption::Aes256Cbc,
            oids::AES128_GCM => ContentEncryption::Aes128Gcm,
            oids::AES256_GCM => ContentEncryption::Aes256Gcm,
            oids::DES_EDE3_CBC => return Err("3DES (des-ede3-cbc) is refused: use AES".into()),
            other => {
                return Err(match const_oid::db::DB.by_oid(&other) {
                    Some(name) => format!("content encryption {name} ({other})"),
                    None => format!("content encryption {other}"),
                });
            }
        };
        let params = alg.parameters.as_ref().ok_or_else(|| format!("{} without parameters", cipher.name()))?;
        let iv = if cipher.is_authenticated() {
            // RFC 5084 §3.2: GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING (12 octets
            // recommended), aes-ICVlen AES-GCM-ICVlen DEFAULT 12 }.
            let gcm: GcmParameters = params.decode_as().map_err(|e| format!("GCM parameters: {e}"))?;
            if gcm.icv_len.unwrap_or(12) != GCM_TAG_LEN as u8 {
                return Err("GCM with a tag shorter than 16 bytes".into());
            }
            gcm.nonce.as_bytes().to_vec()
        } else {
            params.decode_as::<OctetString>().map_err(|e| format!("CBC IV: {e}"))?.as_bytes().to_vec()
        };
        let wanted = if cipher.is_authenticated() { GCM_NONCE_LEN } else { CBC_IV_LEN };
        if iv.len() != wanted {
            return Err(format!("{} with a {}-byte IV or nonce (expected {wanted})", cipher.name(), iv.len()));
        }
        Ok((cipher, iv))
    }

    /// The contentEncryptionAlgorithm identifier for this IV or nonce.
    pub(crate) fn algorithm(self, iv: &[u8]) -> der::Result<AlgorithmIdentifierOwned> {
        let nonce = OctetString::new(iv)?;
        let parameters = if self.is_authenticated() {
            der::Any::encode_from(&GcmParameters { nonce, icv_len: Some(GCM_TAG_LEN as u8) })?
        } else {
            der::Any::encode_from(&nonce)?
        };
        Ok(AlgorithmIdentifierOwned { oid: self.oid(), parameters: Some(parameters) })
    }

    /// The IV (CBC) or nonce (GCM) length.
    pub(crate) fn iv_len(self) -> usize {
        if self.is_authenticated() { GCM_NONCE_LEN } else { CBC_IV_LEN }
    }
}

/// AES block and CBC IV size.
const CBC_IV_LEN: usize = 16;
/// The GCM nonce length (RFC 5084 recommends 12) and the only tag length offered and accepted.
const GCM_NONCE_LEN: usize = 12;
pub(crate) const GCM_TAG_LEN: usize = 16;

/// RFC 5084 §3.2 GCMParameters.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct GcmParameters {
    nonce: OctetString,
    icv_len: Option<u8>,
}

/// Encrypts `plaintext`: CBC with PKCS #7 padding, or GCM over `aad` (returns ciphertext and
/// tag). `key` and `iv` have the algorithm's lengths (the caller generated them).
pub(crate) fn encrypt(
    cipher: ContentEncryption,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), ()> {
    macro_rules! cbc {
        ($aes:ty) => {
            cbc::Encryptor::<$aes>::new_from_slices(key, iv)
                .map(|e| (e.encrypt_padded_vec::<Pkcs7>(plaintext), Vec::new()))
                .map_err(|_| ())
        };
    }
    macro_rules! gcm {
        ($aead:ty) => {{
            let aead = <$aead>::new_from_slice(key).map_err(|_| ())?;
            let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(iv).map_err(|_| ())?;
            let mut buffer = plaintext.to_vec();
            let tag = aead.encrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into()).map_err(|_| ())?;
            Ok((buffer, tag.to_vec()))
        }};
    }
    match cipher {
        ContentEncryption::Aes128Cbc => cbc!(Aes128),
        ContentEncryption::Aes192Cbc => cbc!(Aes192),
        ContentEncryption::Aes256Cbc => cbc!(Aes256),
        ContentEncryption::Aes128Gcm => gcm!(aes_gcm::Aes128Gcm),
        ContentEncryption::Aes256Gcm => gcm!(aes_gcm::Aes256Gcm),
    }
}

/// Decrypts `buffer` in place: the plaintext's length (a prefix of `buffer`), and whether
/// decryption succeeded, without saying why not. The plaintext is not zeroized: it is the
/// message the caller receives (and keeps) anyway; wiping it byte by byte cost more than the
/// AES decryption of a large message. For CBC the padding is checked last and a bad one does
/// not stop the work: the length is then the whole buffer, with `Err` beside it, so that the
/// caller can go on as with a good padding and fail later, at the same step as content that
/// decrypts to garbage (RFC 3218 §2.3's advice against early returns). For GCM the tag is
/// checked before anything is decrypted; when it fails, the length is 0 and the buffer is
/// zeroed, so that no unauthenticated plaintext can be handed out.
pub(crate) fn decrypt_in_place(
    cipher: ContentEncryption,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    buffer: &mut [u8],
    tag: &[u8],
) -> (usize, Result<(), DecryptFailed>) {
    macro_rules! cbc {
        ($aes:ty) => {{
            let Ok(decryptor) = cbc::Decryptor::<$aes>::new_from_slices(key, iv) else {
                return (0, Err(DecryptFailed));
            };
            if buffer.is_empty() || !buffer.len().is_multiple_of(CBC_IV_LEN) {
                return (0, Err(DecryptFailed));
            }
            if decryptor.decrypt_padded::<NoPadding>(buffer).is_err() {
                return (0, Err(DecryptFailed));
            }
            let last = buffer.len() - CBC_IV_LEN;
            match buffer.get(last..).map(Pkcs7::raw_unpad) {
                Some(Ok(kept)) => (last + kept.len(), Ok(())),
                _ => (buffer.len(), Err(DecryptFailed)),
            }
        }};
    }
    macro_rules! gcm {
        ($aead:ty) => {{
            let result = (|| {
                let aead = <$aead>::new_from_slice(key).map_err(|_| DecryptFailed)?;
                let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(iv).map_err(|_| DecryptFailed)?;
                let tag = aes_gcm::Tag::<aes_gcm::aead::consts::U16>::try_from(tag).map_err(|_| DecryptFailed)?;
                aead.decrypt_inout_detached(&nonce, aad, (&mut *buffer).into(), &tag).map_err(|_| DecryptFailed)
            })();
            match result {
                Ok(()) => (buffer.len(), Ok(())),
                Err(failed) => {
                    // Never hand out unauthenticated plaintext, whatever the AEAD left here.
                    buffer.fill(0);
                    (0, Err(failed))
                }
            }
        }};
    }
    match cipher {
        ContentEncryption::Aes128Cbc => cbc!(Aes128),
        ContentEncryption::Aes192Cbc => cbc!(Aes192),
        ContentEncryption::Aes256Cbc => cbc!(Aes256),
        ContentEncryption::Aes128Gcm => gcm!(aes_gcm::Aes128Gcm),
        ContentEncryption::Aes256Gcm => gcm!(aes_gcm::Aes256Gcm),
    }
}

/// CBC only: whether `ciphertext` ends in a valid PKCS #7 padding under `key`, found by
/// decrypting its last block alone — exactly the check [`decrypt_in_place`] ends with, so
/// that a receiver holding several keys can find the one that opens the content without
/// decrypting all of it with each. `Err` for GCM, or a length that is not whole blocks.
pub(crate) fn cbc_padding_ok(
    cipher: ContentEncryption,
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<(), DecryptFailed> {
    let len = ciphertext.len();
    if len == 0 || !len.is_multiple_of(CBC_IV_LEN) {
        return Err(DecryptFailed);
    }
    // The last block's plaintext is its decryption XOR the block before (the IV for one block).
    let previous =
        if len == CBC_IV_LEN { iv } else { ciphertext.get(len - 2 * CBC_IV_LEN..len - CBC_IV_LEN).unwrap_or_default() };
    let mut block = [0u8; CBC_IV_LEN];
    block.copy_from_slice(ciphertext.get(len - CBC_IV_LEN..).unwrap_or(&[0; CBC_IV_LEN]));
    macro_rules! last_block {
        ($aes:ty) => {
            cbc::Decryptor::<$aes>::new_from_slices(key, previous)
                .map_err(|_| DecryptFailed)?
                .decrypt_padded::<NoPadding>(&mut block)
                .map_err(|_| DecryptFailed)?
        };
    }
    let plain = match cipher {
        ContentEncryption::Aes128Cbc => last_block!(Aes128),
        ContentEncryption::Aes192Cbc => last_block!(Aes192),
        ContentEncryption::Aes256Cbc => last_block!(Aes256),
        ContentEncryption::Aes128Gcm | ContentEncryption::Aes256Gcm => return Err(DecryptFailed),
    };
    Pkcs7::raw_unpad(plain).map(|_| ()).map_err(|_| DecryptFailed)
}

/// [`decrypt_in_place`] on a copy of `ciphertext`: the plaintext (the unpadded blocks for a
/// bad CBC padding, nothing for a failed GCM tag).
#[cfg(test)]
fn decrypt(
    cipher: ContentEncryption,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> (Vec<u8>, Result<(), DecryptFailed>) {
    let mut buffer = ciphertext.to_vec();
    let (len, result) = decrypt_in_place(cipher, key, iv, aad, &mut buffer, tag);
    buffer.truncate(len);
    (buffer, result)
}

/// Decodes an AlgorithmIdentifier (DER) for tests and callers holding bytes.
#[cfg(test)]
fn algorithm_from_der(der: &[u8]) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned::from_der(der).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [ContentEncryption; 5] = [
        ContentEncryption::Aes128Cbc,
        ContentEncryption::Aes192Cbc,
        ContentEncryption::Aes256Cbc,
        ContentEncryption::Aes128Gcm,
        ContentEncryption::Aes256Gcm,
    ];

    #[test]
    fn round_trips_and_identifiers() {
        for cipher in ALL {
            assert_eq!(ContentEncryption::from_name(cipher.name()), Some(cipher));
            let key = vec![7u8; cipher.key_len()];
            let iv = vec![9u8; cipher.iv_len()];
            let alg = algorithm_from_der(&cipher.algorithm(&iv).unwrap().to_der().unwrap());
            assert_eq!(ContentEncryption::from_algorithm(&alg), Ok((cipher, iv.clone())));
            for len in [0usize, 1, 15, 16, 17, 1000] {
                let plaintext: Vec<u8> = (0..len).map(|i| i as u8).collect();
                let (ciphertext, tag) = encrypt(cipher, &key, &iv, b"aad", &plaintext).unwrap();
                if len > 0 || !cipher.is_authenticated() {
                    assert_ne!(ciphertext, plaintext, "{cipher:?} {len}");
                }
                let (out, ok) = decrypt(cipher, &key, &iv, b"aad", &ciphertext, &tag);
                assert_eq!((out.as_slice(), ok), (plaintext.as_slice(), Ok(())), "{cipher:?} {len}");
                // Another key: CBC padding (almost always) or the GCM tag fails.
                let other = vec![8u8; cipher.key_len()];
                let (garbage, ok) = decrypt(cipher, &other, &iv, b"aad", &ciphertext, &tag);
                assert!(ok.is_err() || garbage.as_slice() != plaintext.as_slice(), "{cipher:?} {len}");
                if cipher.is_authenticated() {
                    assert!(ok.is_err() && garbage.is_empty());
                    let (_, ok) = decrypt(cipher, &key, &iv, b"other aad", &ciphertext, &tag);
                    assert_eq!(ok, Err(DecryptFailed));
                    let mut flipped = ciphertext.clone();
                    if let Some(b) = flipped.first_mut() {
                        *b ^= 1;
                        assert_eq!(decrypt(cipher, &key, &iv, b"aad", &flipped, &tag).1, Err(DecryptFailed));
                    }
                } else {
                    // Truncated to a non-multiple of the block size.
                    let cut = &ciphertext[..ciphertext.len() - 1];
                    assert_eq!(decrypt(cipher, &key, &iv, b"", cut, &[]).1, Err(DecryptFailed));
                }
            }
        }
    }

    #[test]
    fn the_last_block_check_agrees_with_full_decryption() {
        for cipher in [ContentEncryption::Aes128Cbc, ContentEncryption::Aes192Cbc, ContentEncryption::Aes256Cbc] {
            let key = vec![7u8; cipher.key_len()];
            let iv = vec![9u8; cipher.iv_len()];
            for len in [0usize, 1, 15, 16, 17, 1000] {
                let plaintext: Vec<u8> = (0..len).map(|i| i as u8).collect();
                let (ciphertext, _) = encrypt(cipher, &key, &iv, b"", &plaintext).unwrap();
                assert_eq!(cbc_padding_ok(cipher, &key, &iv, &ciphertext), Ok(()), "{cipher:?} {len}");
                // Other keys: the check says what decrypting everything says, valid or not.
                for k in 0..=255u8 {
                    let other = vec![k; cipher.key_len()];
                    let full = decrypt(cipher, &other, &iv, b"", &ciphertext, &[]).1;
                    assert_eq!(cbc_padding_ok(cipher, &other, &iv, &ciphertext), full, "{cipher:?} {len} {k}");
                }
                assert_eq!(cbc_padding_ok(cipher, &key, &iv, &ciphertext[1..]), Err(DecryptFailed));
            }
            assert_eq!(cbc_padding_ok(cipher, &key, &iv, &[]), Err(DecryptFailed));
        }
        let gcm = ContentEncryption::Aes128Gcm;
        assert_eq!(cbc_padding_ok(gcm, &[0; 16], &[0; 12], &[0; 16]), Err(DecryptFailed));
    }

    #[test]
    fn a_failed_tag_leaves_no_plaintext_in_place() {
        let cipher = ContentEncryption::Aes256Gcm;
        let (key, iv) = (vec![7u8; cipher.key_len()], vec![9u8; cipher.iv_len()]);
        let plaintext = vec![0x41u8; 100];
        let (mut ciphertext, tag) = encrypt(cipher, &key, &iv, b"", &plaintext).unwrap();
        let (len, ok) = decrypt_in_place(cipher, &key, &iv, b"aad", &mut ciphertext, &tag);
        assert_eq!((len, ok), (0, Err(DecryptFailed)));
        assert!(ciphertext.iter().all(|b| *b == 0));
    }

    #[test]
    fn refuses_3des_and_bad_parameters() {
        let des = AlgorithmIdentifierOwned { oid: oids::DES_EDE3_CBC, parameters: None };
        assert!(ContentEncryption::from_algorithm(&des).unwrap_err().contains("3DES"));
        let short_iv = ContentEncryption::Aes128Cbc.algorithm(&[0; 8]).unwrap();
        assert!(ContentEncryption::from_algorithm(&short_iv).is_err());
        let no_params = AlgorithmIdentifierOwned { oid: oids::AES128_CBC, parameters: None };
        assert!(ContentEncryption::from_algorithm(&no_params).is_err());
        // GCM with the default 12-byte tag.
        let gcm = GcmParameters { nonce: OctetString::new(vec![0; 12]).unwrap(), icv_len: None };
        let alg =
            AlgorithmIdentifierOwned { oid: oids::AES128_GCM, parameters: Some(der::Any::encode_from(&gcm).unwrap()) };
        assert!(ContentEncryption::from_algorithm(&alg).is_err());
    }
}

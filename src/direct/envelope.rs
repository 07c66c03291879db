//! CMS EnvelopedData (RFC 5652 §6) and AuthEnvelopedData (RFC 5083): sealing content for RSA
//! recipients and opening it with a recipient's key.
//!
//! Sealing: a fresh random content-encryption key (CEK) and IV; AES-CBC content in an
//! EnvelopedData, or AES-GCM content in an AuthEnvelopedData (its tag in `mac`); one
//! KeyTransRecipientInfo per recipient (issuerAndSerialNumber, RSAES-PKCS1-v1_5 or RSAES-OAEP).
//! The `cms` crate's types are encoded here rather than through its builder, which offers
//! neither RSAES-OAEP nor AES-GCM.
//!
//! Opening reads the structure by hand, so that BER from streaming agents (a constructed
//! `encryptedContent`) and any order of RecipientInfos are read as sent. Which step of
//! opening failed is never told apart (RFC 3218): see [`open`].

use std::borrow::Cow;
use std::ops::Range;

use cms::authenveloped_data::AuthEnvelopedData;
use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::enveloped_data::{
    EncryptedContentInfo, EnvelopedData, KeyTransRecipientInfo, RecipientIdentifier, RecipientInfo, RecipientInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Tag, TagNumber};
use spki::AlgorithmIdentifierOwned;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use zeroize::Zeroizing;

use super::content_info::{self, ID_AUTH_ENVELOPED_DATA, ID_DATA, ID_ENVELOPED_DATA, ID_SIGNED_DATA};
use super::signer_info::matches_issuer_serial;
use super::{DirectError, Limits};
use crate::cert::Certificate;
use crate::crypto::cipher::{self, ContentEncryption, GCM_TAG_LEN};
use crate::crypto::key_transport::KeyTransport;
use crate::crypto::private_key::PrivateKey;
use crate::der_walk::{Walker, range_in, read_any, read_optional, read_tagged};

fn failed(e: impl core::fmt::Display) -> DirectError {
    DirectError::Encryption(e.to_string())
}

/// `len` random bytes from the operating system.
fn random(len: usize) -> Result<Zeroizing<Vec<u8>>, DirectError> {
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    getrandom::fill(&mut bytes).map_err(|e| failed(format!("no randomness: {e}")))?;
    Ok(bytes)
}

/// Seals `content` (a MIME entity) for `recipients`, whose keys must be RSA: a ContentInfo
/// (DER) holding an EnvelopedData (CBC) or an AuthEnvelopedData (GCM).
pub(crate) fn seal(
    content: &[u8],
    cipher: ContentEncryption,
    key_transport: KeyTransport,
    recipients: &[&Certificate],
) -> Result<Vec<u8>, DirectError> {
    if recipients.is_empty() {
        return Err(failed("no recipient"));
    }
    let cek = random(cipher.key_len())?;
    let iv = random(cipher.iv_len())?;
    let (ciphertext, tag) =
        cipher::encrypt(cipher, &cek, &iv, &[], content).map_err(|()| failed("content encryption failed"))?;
    let mut infos = Vec::with_capacity(recipients.len());
    for certificate in recipients {
        if certificate.public_key_algorithm_id() != rustls_pki_types::alg_id::RSA_ENCRYPTION.as_ref() {
            return Err(DirectError::Unsupported(format!(
                "recipient {} has no RSA key: only RSA key transport is supported",
                certificate.subject_string()
            )));
        }
        let encrypted = key_transport.encrypt(certificate.public_key(), &cek).map_err(failed)?;
        let rid = IssuerAndSerialNumber {
            issuer: Name::from_der(certificate.issuer_der()).map_err(failed)?,
            serial_number: SerialNumber::new(certificate.serial()).map_err(failed)?,
        };
        infos.push(RecipientInfo::Ktri(KeyTransRecipientInfo {
            version: CmsVersion::V0,
            rid: RecipientIdentifier::IssuerAndSerialNumber(rid),
            key_enc_alg: key_transport.algorithm().map_err(failed)?,
            enc_key: OctetString::new(encrypted).map_err(failed)?,
        }));
    }
    let recip_infos = RecipientInfos(SetOfVec::try_from(infos).map_err(failed)?);
    let content_info = EncryptedContentInfo {
        content_type: ID_DATA,
        content_enc_alg: cipher.algorithm(&iv).map_err(failed)?,
        encrypted_content: Some(OctetString::new(ciphertext).map_err(failed)?),
    };
    let (content_type, content) = if cipher.is_authenticated() {
        // RFC 5083 §2.1: version is always 0.
        let data = AuthEnvelopedData {
            version: CmsVersion::V0,
            originator_info: None,
            recip_infos,
            auth_encrypted_content_info: content_info,
            auth_attrs: None,
            mac: OctetString::new(tag).map_err(failed)?,
            unauth_attrs: None,
        };
        (ID_AUTH_ENVELOPED_DATA, Any::encode_from(&data).map_err(failed)?)
    } else {
        // RFC 5652 §6.1: version 0 without originatorInfo, unprotected attributes, or
        // RecipientInfos other than version 0 KTRIs.
        let data = EnvelopedData {
            version: CmsVersion::V0,
            originator_info: None,
            recip_infos,
            encrypted_content: content_info,
            unprotected_attrs: None,
        };
        (ID_ENVELOPED_DATA, Any::encode_from(&data).map_err(failed)?)
    };
    ContentInfo { content_type, content }.to_der().map_err(failed)
}

/// One KeyTransRecipientInfo of a received envelope.
struct Recipient {
    rid: RecipientIdentifier,
    key_transport: Option<KeyTransport>,
    encrypted_key: Vec<u8>,
}

/// A received envelope, read (its public structure) but not opened. It owns the buffer that
/// holds its ciphertext — the DER it was read from when the ciphertext is in one piece, else
/// the segments joined — so that the content is decrypted in place and the plaintext handed on
/// without a copy.
pub(crate) struct Envelope {
    cipher: ContentEncryption,
    iv: Vec<u8>,
    buffer: Vec<u8>,
    ciphertext: Range<usize>,
    tag: Vec<u8>,
    /// The DER SET OF authenticated attributes (AuthEnvelopedData), the GCM AAD.
    aad: Vec<u8>,
    recipients: Vec<Recipient>,
}

impl Envelope {
    /// The content-encryption algorithm.
    pub(crate) fn cipher(&self) -> ContentEncryption {
        self.cipher
    }
}

fn cms_error(what: &str) -> impl Fn(der::Error) -> DirectError + '_ {
    move |e| DirectError::cms(format!("{what}: {e}"))
}

/// Reads a DER ContentInfo ([`content_info::to_der`]) holding an EnvelopedData or
/// AuthEnvelopedData, within `limits` (RecipientInfos count against `max_certificates`).
/// Everything here is public: its errors say what is wrong.
pub(crate) fn read(der: Vec<u8>, limits: &Limits) -> Result<Envelope, DirectError> {
    let (content_type, content) = content_info::split(&der)?;
    let authenticated = match content_type {
        ID_ENVELOPED_DATA => false,
        ID_AUTH_ENVELOPED_DATA => true,
        ID_SIGNED_DATA => return Err(DirectError::NotEncrypted("the CMS content is SignedData".into())),
        other => return Err(DirectError::NotEncrypted(format!("CMS content type {other}"))),
    };
    if content.tag != Tag::Sequence {
        return Err(DirectError::cms("the enveloped content is not a SEQUENCE"));
    }
    let e = cms_error(if authenticated { "AuthEnvelopedData" } else { "EnvelopedData" });
    let mut r = Walker::new(content.value).map_err(&e)?;
    read_tagged(&mut r, Tag::Integer).map_err(&e)?;
    read_optional(&mut r, TagNumber(0).context_specific(true)).map_err(&e)?; // originatorInfo
    let infos = read_tagged(&mut r, Tag::Set).map_err(&e)?;
    let mut recipients = Vec::new();
    let mut infos = Walker::new(infos.value).map_err(&e)?;
    let mut count = 0;
    while !infos.is_finished() {
        let info = read_any(&mut infos).map_err(&e)?;
        count += 1;
        if count > limits.max_certificates {
            return Err(DirectError::LimitExceeded { what: "RecipientInfos", limit: limits.max_certificates });
        }
        // Key agreement, KEK, password and other RecipientInfos are not for an RSA key.
        if info.tag == Tag::Sequence {
            let ktri = KeyTransRecipientInfo::from_der(info.full).map_err(cms_error("KeyTransRecipientInfo"))?;
            recipients.push(Recipient {
                key_transport: KeyTransport::from_algorithm(&ktri.key_enc_alg).ok(),
                rid: ktri.rid,
                encrypted_key: ktri.enc_key.as_bytes().to_vec(),
            });
        }
    }
    let eci = read_tagged(&mut r, Tag::Sequence).map_err(&e)?;
    let (cipher, iv, ciphertext) = encrypted_content_info(eci.value)?;
    let (mut tag, mut aad) = (Vec::new(), Vec::new());
    if authenticated {
        if let Some(attrs) = read_optional(&mut r, TagNumber(1).context_specific(true)).map_err(&e)? {
            // RFC 5083 §2.2: the AAD is the DER SET OF authAttrs, with the SET tag.
            aad = attrs.full.to_vec();
            if let Some(first) = aad.first_mut() {
                *first = 0x31;
            }
        }
        tag = read_tagged(&mut r, Tag::OctetString).map_err(&e)?.value.to_vec();
        if tag.len() != GCM_TAG_LEN {
            return Err(DirectError::cms(format!("a {}-byte GCM tag (expected {GCM_TAG_LEN})", tag.len())));
        }
        if !cipher.is_authenticated() {
            return Err(DirectError::Unsupported(format!("AuthEnvelopedData with {}", cipher.name())));
        }
    } else if cipher.is_authenticated() {
        return Err(DirectError::Unsupported(format!("EnvelopedData with {}", cipher.name())));
    }
    let (buffer, ciphertext) = match ciphertext {
        Cow::Borrowed(piece) => {
            let range = range_in(&der, piece).ok_or_else(|| DirectError::cms("the ciphertext is outside the DER"))?;
            (der, range)
        }
        Cow::Owned(joined) => {
            let len = joined.len();
            (joined, 0..len)
        }
    };
    Ok(Envelope { cipher, iv, buffer, ciphertext, tag, aad, recipients })
}

/// EncryptedContentInfo (RFC 5652 §6.1): id-data content, a known algorithm, and the content,
/// primitive (DER) or in segments (BER `[0]` constructed, left as such by `crate::ber`).
/// An EncryptedContentInfo read: the cipher, its IV and the ciphertext.
type EncryptedContent<'a> = (ContentEncryption, Vec<u8>, Cow<'a, [u8]>);

fn encrypted_content_info(value: &[u8]) -> Result<EncryptedContent<'_>, DirectError> {
    let e = cms_error("EncryptedContentInfo");
    let mut r = Walker::new(value).map_err(&e)?;
    let content_type: const_oid::ObjectIdentifier = r.decode().map_err(&e)?;
    if content_type != ID_DATA {
        return Err(DirectError::Unsupported(format!("encrypted content of type {content_type}")));
    }
    let alg = read_tagged(&mut r, Tag::Sequence).map_err(&e)?;
    let alg = AlgorithmIdentifierOwned::from_der(alg.full).map_err(&e)?;
    let (cipher, iv) = ContentEncryption::from_algorithm(&alg).map_err(DirectError::Unsupported)?;
    let content = read_any(&mut r).map_err(|_| DirectError::Unsupported("detached encrypted content".into()))?;
    let ciphertext = if content.tag == TagNumber(0).context_specific(false) {
        Cow::Borrowed(content.value)
    } else if content.tag == TagNumber(0).context_specific(true) {
        let mut segments = Walker::new(content.value).map_err(&e)?;
        let mut out = Vec::with_capacity(content.value.len());
        while !segments.is_finished() {
            out.extend_from_slice(read_tagged(&mut segments, Tag::OctetString).map_err(&e)?.value);
        }
        Cow::Owned(out)
    } else {
        return Err(DirectError::cms("EncryptedContentInfo: encryptedContent is not [0]"));
    };
    r.finish().map_err(&e)?;
    Ok((cipher, iv, ciphertext))
}

/// A recipient's private key and certificate, to open envelopes sent to that certificate.
pub struct DecryptionKey {
    key: PrivateKey,
    certificate: Certificate,
}

impl core::fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DecryptionKey").field("certificate", &self.certificate).finish_non_exhaustive()
    }
}

impl DecryptionKey {
    /// An unencrypted RSA private key — PKCS#8 (PEM `PRIVATE KEY` or DER) or PKCS#1 (PEM `RSA
    /// PRIVATE KEY`) — and its certificate, which RecipientInfos name (by issuer and serial
    /// number, or subject key identifier). Fails if the key is not RSA or does not match.
    pub fn from_private_key(private_key: &[u8], certificate: Certificate) -> Result<Self, DirectError> {
        let key = PrivateKey::from_pem_or_der(private_key).map_err(DirectError::Key)?;
        if key.rsa().is_none() {
            return Err(DirectError::Key(format!("a {}: key transport needs an RSA key", key.describe())));
        }
        if !key.matches(certificate.public_key_algorithm_id(), certificate.public_key()) {
            return Err(DirectError::Key("the private key does not match the certificate".into()));
        }
        Ok(DecryptionKey { key, certificate })
    }

    /// The certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn is_named_by(&self, rid: &RecipientIdentifier) -> bool {
        match rid {
            RecipientIdentifier::IssuerAndSerialNumber(isn) => {
                matches_issuer_serial(&self.certificate, &isn.issuer, isn.serial_number.as_bytes())
            }
            RecipientIdentifier::SubjectKeyIdentifier(ski) => {
                self.certificate.subject_key_id() == Some(ski.0.as_bytes())
            }
        }
    }
}

/// How an envelope was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decryption {
    content_encryption: ContentEncryption,
    key_transport: KeyTransport,
    recipient: Certificate,
}

impl Decryption {
    /// The content-encryption algorithm.
    pub fn content_encryption(&self) -> ContentEncryption {
        self.content_encryption
    }

    /// How the content-encryption key reached the recipient.
    pub fn key_transport(&self) -> KeyTransport {
        self.key_transport
    }

    /// The certificate of the key that opened the envelope.
    pub fn recipient(&self) -> &Certificate {
        &self.recipient
    }
}

/// An opened envelope: the buffer it was decrypted in, where its content is in that buffer,
/// and whether opening succeeded. When it did not, the content is what a wrong key gives (or
/// nothing, for GCM) and the caller processes it as it would the real content before failing
/// with [`DirectError::Decryption`]: a bad RSA padding, a wrong key and a bad CBC padding then
/// all fail at the same step, with one error.
pub(crate) struct Opened {
    pub(crate) buffer: Vec<u8>,
    pub(crate) content: Range<usize>,
    pub(crate) decryption: Option<Decryption>,
}

/// Opens `envelope` with the first of `keys` that a RecipientInfo names and whose unwrapped
/// key opens the content (RSA key transport, then the content, decrypted in place); when
/// none does, with the last of them, to fail as late as a wrong key does. A CBC key is tried
/// on the last block alone ([`cipher::cbc_padding_ok`], the same check as decrypting all of
/// it); a GCM key that is not the last chance on a copy, so that the ciphertext stays for
/// the next. `Err` only when no RecipientInfo names any of `keys`.
pub(crate) fn open(envelope: Envelope, keys: &[DecryptionKey]) -> Result<Opened, DirectError> {
    let Envelope { cipher, iv, mut buffer, ciphertext, tag, aad, recipients } = envelope;
    let candidates: Vec<_> = keys
        .iter()
        .flat_map(|key| {
            recipients
                .iter()
                .filter(move |r| key.is_named_by(&r.rid))
                .filter_map(move |r| Some((key, key.key.rsa()?, r.key_transport?, &r.encrypted_key)))
        })
        .collect();
    for (index, (key, rsa, key_transport, encrypted_key)) in candidates.iter().enumerate() {
        let last_chance = index + 1 == candidates.len();
        let (cek, unwrapped) = key_transport.decrypt(rsa, encrypted_key, cipher.key_len());
        let decryption = || Decryption {
            content_encryption: cipher,
            key_transport: *key_transport,
            recipient: key.certificate.clone(),
        };
        let sealed = buffer.get(ciphertext.clone()).unwrap_or_default();
        if !last_chance {
            if cipher.is_authenticated() {
                let mut copy = sealed.to_vec();
                let (len, decrypted) = cipher::decrypt_in_place(cipher, &cek, &iv, &aad, &mut copy, &tag);
                if unwrapped.is_ok() && decrypted.is_ok() {
                    return Ok(Opened { buffer: copy, content: 0..len, decryption: Some(decryption()) });
                }
                continue;
            }
            if unwrapped.is_err() || cipher::cbc_padding_ok(cipher, &cek, &iv, sealed).is_err() {
                continue;
            }
        }
        let region = buffer.get_mut(ciphertext.clone()).unwrap_or_default();
        let (len, decrypted) = cipher::decrypt_in_place(cipher, &cek, &iv, &aad, region, &tag);
        let opened = unwrapped.is_ok() && decrypted.is_ok();
        let content = ciphertext.start..ciphertext.start + len;
        return Ok(Opened { buffer, content, decryption: opened.then(decryption) });
    }
    Err(DirectError::Decryption)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/test-vectors/direct/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn hisp() -> DecryptionKey {
        let certificate = Certificate::from_pem(&vector("hisp.pem")).unwrap();
        DecryptionKey::from_private_key(&vector("keys/hisp.pem"), certificate).unwrap()
    }

    /// `content` sealed for the HISP, with its RecipientInfo repeated: a copy whose encrypted
    /// key is garbage where `garbage` says so, in that order.
    fn sealed_twice(content: &[u8], cipher: ContentEncryption, garbage: [bool; 2]) -> Vec<u8> {
        let der = seal(content, cipher, KeyTransport::RsaPkcs1v15, &[hisp().certificate()]).unwrap();
        let info = ContentInfo::from_der(&der).unwrap();
        let twice = |infos: &RecipientInfos| -> RecipientInfos {
            let Some(RecipientInfo::Ktri(ktri)) = infos.0.get(0) else { panic!("a KTRI") };
            let copies = garbage.iter().enumerate().map(|(i, bad)| {
                let mut copy = ktri.clone();
                if *bad {
                    copy.enc_key = OctetString::new(vec![0x5a + i as u8; 256]).unwrap();
                }
                // A SET OF is ordered by encoding: tell the copies apart in their first bytes.
                copy.version = if i == 0 { CmsVersion::V0 } else { CmsVersion::V2 };
                RecipientInfo::Ktri(copy)
            });
            RecipientInfos(SetOfVec::try_from(copies.collect::<Vec<_>>()).unwrap())
        };
        let content = if cipher.is_authenticated() {
            let mut data: AuthEnvelopedData = info.content.decode_as().unwrap();
            data.recip_infos = twice(&data.recip_infos);
            Any::encode_from(&data).unwrap()
        } else {
            let mut data: EnvelopedData = info.content.decode_as().unwrap();
            data.recip_infos = twice(&data.recip_infos);
            Any::encode_from(&data).unwrap()
        };
        ContentInfo { content_type: info.content_type, content }.to_der().unwrap()
    }

    #[test]
    fn a_key_named_twice_opens_with_the_recipient_info_that_works() {
        let content: Vec<u8> = (0..5000u32).map(|i| (i * 7) as u8).collect();
        for cipher in [ContentEncryption::Aes128Cbc, ContentEncryption::Aes256Gcm] {
            for garbage in [[false, false], [true, false], [false, true], [true, true]] {
                let der = sealed_twice(&content, cipher, garbage);
                let envelope = read(der, &Limits::default()).unwrap();
                assert_eq!(envelope.recipients.len(), 2);
                let opened = open(envelope, &[hisp()]).unwrap();
                let plaintext = opened.buffer.get(opened.content.clone()).unwrap();
                if garbage == [true, true] {
                    assert!(opened.decryption.is_none(), "{cipher:?}");
                    assert_ne!(plaintext, content.as_slice(), "{cipher:?}");
                } else {
                    assert!(opened.decryption.is_some(), "{cipher:?} {garbage:?}");
                    assert_eq!(plaintext, content.as_slice(), "{cipher:?} {garbage:?}");
                }
            }
        }
    }
}

//! The receiving side of encryption: decrypt with the recipient's key, then verify the signed
//! message inside exactly as [`SmimeVerifier::verify_message`] does, in one call.
//!
//! Oracles (RFC 3218). Every failure to decrypt — no RecipientInfo for the keys, a key that
//! does not open the envelope, a bad RSA or CBC padding, a GCM tag that does not verify — is one
//! [`DirectError::Decryption`] with one message, and none returns early: a failed key transport
//! goes on with a random key, a bad CBC padding goes on with the unpadded content, and the
//! content is then processed as the real content would be before the error is returned. CBC
//! content is not authenticated, so an altered ciphertext decrypts to altered plaintext: when
//! the content was CBC-encrypted, every error that arises before a signature over it verifies
//! (MIME, CMS, digests, signatures) is reported as [`DirectError::Decryption`] too; errors after
//! that (the signer's certificate path, its binding) concern content that was signed as it is,
//! and are reported as they are. GCM content is authenticated by its tag, so its errors are
//! reported as they are.

use std::borrow::Cow;

use mail_parser::MimeHeaders;

use super::DirectError;
use super::envelope::{self, DecryptionKey};
use super::mime_read;
use super::originator::Originator;
use super::smime::{SmimeInput, SmimeVerifier, VerifiedMessage};
use super::transfer_encoding::{self, TransferEncoding};
use super::verified::MessageBytes;

impl DirectError {
    /// Whether this error concerns content whose signature verified (the signer's path or its
    /// binding), rather than the content's form or its signature.
    fn arises_after_signature(&self) -> bool {
        matches!(self, DirectError::Certificate(_) | DirectError::BindingMismatch { .. })
    }
}

impl SmimeVerifier {
    /// Decrypts an encrypted S/MIME message (`application/pkcs7-mime` with
    /// `smime-type=enveloped-data` or `authEnveloped-data`, RFC 8551 §3.3) with the first of
    /// `keys` that one of its RecipientInfos names, then verifies the signed message inside as
    /// [`Self::verify_message`] does; [`VerifiedMessage::decryption`] says how it was
    /// decrypted. When the decrypted entity has no From field, the encrypted message's header
    /// names the sender. See the module documentation for how failures are reported.
    pub fn decrypt_message(
        &self,
        message: &[u8],
        keys: &[DecryptionKey],
        input: &SmimeInput<'_>,
    ) -> Result<VerifiedMessage, DirectError> {
        let limit = self.limits().max_message_len;
        if message.len() > limit {
            return Err(DirectError::TooLarge { what: "message", size: message.len(), limit });
        }
        if !mime_read::starts_with_field(message) {
            return Err(DirectError::NotEncrypted("no MIME header".into()));
        }
        let root = mime_read::Reader::new(self.limits()).shallow(message, 0..message.len())?;
        match root.content_type.as_str() {
            "application/pkcs7-mime" | "application/x-pkcs7-mime" => {}
            "application/octet-stream"
                if root
                    .headers()
                    .and_then(|h| h.attachment_name())
                    .is_some_and(|n| n.to_ascii_lowercase().ends_with(".p7m")) => {}
            "multipart/signed" => {
                return Err(DirectError::NotEncrypted("a signed message that is not encrypted".into()));
            }
            other => return Err(DirectError::NotEncrypted(format!("content type {other}"))),
        }
        let smime_type = root.content_type_param("smime-type").map(str::to_ascii_lowercase);
        match smime_type.as_deref() {
            None | Some("enveloped-data" | "authenveloped-data") => {}
            Some(other) => return Err(DirectError::NotEncrypted(format!("smime-type {other}"))),
        }
        let envelope = self.originator(&root.header, "message")?;
        let cms = transfer_encoding::decode(
            message.get(root.body.clone()).unwrap_or_default(),
            TransferEncoding::of(root.headers()),
        );
        self.decrypt_and_verify(Cow::Owned(cms), keys, input, Some(&envelope))
    }

    /// Decrypts a bare CMS EnvelopedData or AuthEnvelopedData (DER, BER or PEM) whose content
    /// is a signed S/MIME entity, then verifies that entity as [`Self::decrypt_message`] does.
    pub fn decrypt_enveloped(
        &self,
        cms: &[u8],
        keys: &[DecryptionKey],
        input: &SmimeInput<'_>,
    ) -> Result<VerifiedMessage, DirectError> {
        self.decrypt_and_verify(Cow::Borrowed(cms), keys, input, None)
    }

    /// The content is decrypted in the buffer the CMS was decoded into (a copy of a borrowed
    /// `cms`), and the verified message keeps that buffer: the plaintext is never copied.
    fn decrypt_and_verify(
        &self,
        cms: Cow<'_, [u8]>,
        keys: &[DecryptionKey],
        input: &SmimeInput<'_>,
        envelope_originator: Option<&Originator>,
    ) -> Result<VerifiedMessage, DirectError> {
        let der = super::content_info::into_der(cms, self.limits())?;
        let envelope = envelope::read(der, self.limits())?;
        let authenticated = envelope.cipher().is_authenticated();
        let opened = envelope::open(envelope, keys)?;
        // Processed even when opening failed, so that failures cost what success costs.
        let entity = MessageBytes::Owned(opened.buffer, opened.content);
        let verified = self.verify_entity(entity, input, envelope_originator);
        let Some(decryption) = opened.decryption else {
            return Err(DirectError::Decryption);
        };
        match verified {
            Ok(mut message) => {
                message.set_decryption(decryption);
                Ok(message)
            }
            Err(e) if !authenticated && !e.arises_after_signature() => Err(DirectError::Decryption),
            Err(e) => Err(e),
        }
    }
}

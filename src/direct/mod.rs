//! Direct secure messaging (the Direct Project's Applicability Statement for Secure Health
//! Transport, ANSI/DS 2019-01-100-2021 v1.3): certificates bound to Direct addresses, S/MIME
//! signatures and FHIR attachments. Feature `direct`.
//!
//! A Direct receiver trusts a message when the signer's certificate (1) carries a valid CMS
//! signature over the message, (2) chains to an anchor of the applicable trust bundle under the
//! Direct policy (RSA ≥ 2048, SHA-256 or better, digitalSignature, revocation hard-fail), and
//! (3) is bound to the sender's Direct address — its rfc822Name is the address
//! ([`Binding::Address`]) or its dNSName is the address's domain ([`Binding::Domain`]).
//!
//! - [`SmimeVerifier`] verifies RFC 8551 messages (`multipart/signed` with a detached
//!   signature, or `application/pkcs7-mime; smime-type=signed-data`), DER or BER, and returns a
//!   [`VerifiedMessage`] with the signer, its path, the binding and the message's parts
//!   ([`Attachment`]), FHIR payloads recognised ([`FhirPayload`]);
//!   [`SmimeVerifier::decrypt_message`] first decrypts an encrypted one (EnvelopedData with
//!   AES-CBC, AuthEnvelopedData with AES-GCM; RSA key transport, PKCS #1 v1.5 or OAEP) with a
//!   [`DecryptionKey`], every decryption failure being one error ([`DirectError::Decryption`]).
//! - [`SmimeSigner`] and [`MessageBuilder`] build signed messages (`multipart/signed`,
//!   SHA-256, RSA PKCS#1 v1.5 by default) carrying FHIR Bundles; [`SmimeEncryptor`] validates
//!   recipient certificates for encryption ([`Recipient`]) and encrypts to them, and
//!   [`MessageBuilder::sign_and_encrypt`] does both, in the Applicability Statement's order.
//! - [`DirectContext`] builds and reads the Context IG's `X-Direct-Context` metadata (e.g. a
//!   FHIR query as `general/query` with `http` encapsulation, [`MessageBuilder::encapsulate_http`]);
//!   [`DeliveryNotification`] the `processed` MDN a receiving HISP returns.
//! - [`binding`](binding()) and [`check_binding`] apply the address rules to a certificate;
//!   [`policy`](policy()) gives the Direct policy narrowed to signing or encryption.
//!
//! The `cms` crate decodes and encodes the CMS structures; every check (digests, signed
//! attributes, signatures, paths) is trustpath's own, and the ciphers are RustCrypto's (`aes`,
//! `cbc`, `aes-gcm`, `rsa`) through [`crate::crypto`].
//!
//! A sending HISP signs a message with a FHIR Bundle attached and encrypts it to the receiving
//! HISP's certificate, validated for encryption first; the receiver decrypts and verifies it in
//! one call, with the CRLs the Direct policy requires (it fails hard without them):
//!
//! ```
//! use trustpath::direct::{DecryptionKey, DirectAddress, MessageBuilder, SmimeEncryptor};
//! use trustpath::direct::{SmimeInput, SmimeSigner, SmimeVerifier};
//! use trustpath::revocation::{Crl, RevocationData};
//! use trustpath::{Certificate, TrustStore};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! macro_rules! vector { ($name:literal) => { include_bytes!(concat!("../../test-vectors/direct/", $name)) } }
//! let now = trustpath::time::parse_rfc3339("2026-06-01T00:00:00Z")?;
//! // The community: DirectTrust bundles anchor at an intermediate CA.
//! let store = TrustStore::from_bundle(vector!("bundle.p7b"))?;
//! let mut crls = RevocationData::new();
//! crls.add_crl(Crl::from_pem_or_der(vector!("crl/int.crl"))?);
//!
//! // Sender: alice@direct.example.org, writing to the FHIR endpoint's HISP.
//! let alice = Certificate::from_pem(vector!("address.pem"))?;
//! let ca = Certificate::from_pem(vector!("int.pem"))?;
//! let signer = SmimeSigner::from_private_key(vector!("keys/address.pem"), vec![alice, ca])?;
//! let to: DirectAddress = "fhir@hospital.example.net".parse()?;
//! let hisp = Certificate::from_pem(vector!("hisp.pem"))?;
//! let encryptor = SmimeEncryptor::new(store.clone());
//! let recipient = encryptor.recipient(&hisp, &[to.clone()], now, Some(&crls))?;
//! let message = MessageBuilder::new("alice@direct.example.org".parse()?, vec![to])
//!     .subject("Patient summary")
//!     .text("Please find the patient summary attached.")
//!     .attach_fhir("bundle.json", vector!("fhir/bundle.json").to_vec())?
//!     .sign_and_encrypt(&signer, &encryptor, &[recipient])?;
//!
//! // Receiver: the HISP's key; the sender is bound to the From address.
//! let key = DecryptionKey::from_private_key(vector!("keys/hisp.pem"), hisp)?;
//! let verifier = SmimeVerifier::new(store);
//! let verified = verifier.decrypt_message(&message, &[key], &SmimeInput::new(now).revocation(&crls))?;
//! assert_eq!(verified.sender().map(|a| a.to_string()).as_deref(), Some("alice@direct.example.org"));
//! let bundle = verified.attachments().find_map(|part| part.fhir()).expect("a FHIR attachment");
//! assert_eq!(bundle.resource_type(), Some("Bundle"));
//! # Ok(()) }
//! ```

mod attachments;
mod binding;
mod cms_verify;
mod content_info;
mod context;
mod decrypt;
mod encrypt;
mod envelope;
mod error;
mod mdn;
mod message;
mod mime_read;
mod mime_write;
mod originator;
mod policy;
mod sign;
mod signed_data;
mod signer_info;
mod smime;
mod transfer_encoding;
mod verified;

use core::fmt;
use core::str::FromStr;

/// The digest algorithms of SignerInfos (the crate's one list, [`crate::crypto::DigestAlgorithm`]).
pub use crate::crypto::DigestAlgorithm;
pub use attachments::{Attachment, FhirFormat, FhirPayload, detect_fhir, guess_content_type, parse_parts};
pub use binding::{Binding, BindingPolicy, binding, certificate_addresses, check_binding};
pub use cms_verify::VerifiedSignature;
pub use context::{
    Action, CONTEXT_HEADER, Category, ContextPurpose, DirectContext, Encapsulation, METADATA_FILENAME, PatientParameter,
};
pub use encrypt::{Recipient, SmimeEncryptor};
pub use envelope::{Decryption, DecryptionKey};
pub use error::DirectError;
pub use mdn::{DeliveryNotification, DispositionType};
pub use message::MessageBuilder;
pub use originator::Originator;
pub use policy::{LeafPolicyRequirement, Purpose, narrow_policy, oids, policy};
pub use sign::SmimeSigner;

/// Content-encryption algorithms (the crate's algorithm layer, [`crate::crypto`]).
pub use crate::crypto::cipher::ContentEncryption;
/// Key transport algorithms (the crate's algorithm layer, [`crate::crypto`]).
pub use crate::crypto::key_transport::KeyTransport;
pub use smime::{SignedForm, SmimeInput, SmimeVerifier, VerifiedMessage};

/// Limits on the work and memory one message may cost. Exceeding one is a
/// [`DirectError::TooLarge`] or [`DirectError::LimitExceeded`]. Start from
/// `Limits::default()` and change the fields you need (more may be added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest message (or CMS signature, or detached content) accepted, in bytes.
    pub max_message_len: usize,
    /// Deepest nesting of multiparts and wrapped (`message/rfc822`) messages.
    pub max_mime_depth: usize,
    /// Most MIME parts in a message (multiparts included).
    pub max_mime_parts: usize,
    /// Most certificates in a SignedData.
    pub max_certificates: usize,
    /// Most SignerInfos in a SignedData.
    pub max_signers: usize,
    /// Deepest nesting of BER/DER constructed values in the CMS.
    pub max_der_depth: usize,
}

impl Default for Limits {
    /// 64 MiB messages, MIME depth 16 and 1,000 parts, 64 certificates, 16 signers, DER depth
    /// 48: far above what Direct messages need.
    fn default() -> Self {
        Limits {
            max_message_len: 64 << 20,
            max_mime_depth: 16,
            max_mime_parts: 1000,
            max_certificates: 64,
            max_signers: 16,
            max_der_depth: 48,
        }
    }
}

/// A Direct address (`local@domain`, an RFC 5322 addr-spec). Parsing only checks the shape:
/// a non-empty local part and domain, no whitespace or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DirectAddress {
    address: String,
    at: usize,
}

impl DirectAddress {
    /// Parses `local@domain`; surrounding whitespace and angle brackets (`<a@b>`) are removed.
    pub fn parse(s: &str) -> Result<Self, DirectError> {
        let trimmed = s.trim();
        let trimmed = trimmed.strip_prefix('<').and_then(|t| t.strip_suffix('>')).unwrap_or(trimmed);
        let invalid = || DirectError::InvalidAddress(s.to_string());
        let at = trimmed.rfind('@').ok_or_else(invalid)?;
        let (local, domain) = (trimmed.get(..at).unwrap_or_default(), trimmed.get(at + 1..).unwrap_or_default());
        let bad_char = |c: char| c.is_whitespace() || c.is_control();
        if local.is_empty() || domain.is_empty() || trimmed.chars().any(bad_char) || domain.contains(['@', '[', ']']) {
            return Err(invalid());
        }
        if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return Err(invalid());
        }
        Ok(DirectAddress { address: trimmed.to_string(), at })
    }

    /// The whole address.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The part before the last `@`.
    pub fn local_part(&self) -> &str {
        self.address.get(..self.at).unwrap_or_default()
    }

    /// The domain (the Direct "Health Internet Domain"), after the last `@`.
    pub fn domain(&self) -> &str {
        self.address.get(self.at + 1..).unwrap_or_default()
    }
}

impl FromStr for DirectAddress {
    type Err = DirectError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DirectAddress::parse(s)
    }
}

impl fmt::Display for DirectAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let a = DirectAddress::parse(" <Alice@Direct.Example.org> ").unwrap();
        assert_eq!(
            (a.local_part(), a.domain(), a.as_str()),
            ("Alice", "Direct.Example.org", "Alice@Direct.Example.org")
        );
        let q: DirectAddress = "\"a@b\"@example.org".parse().unwrap();
        assert_eq!(q.domain(), "example.org");
        for bad in ["", "alice", "@example.org", "alice@", "a b@example.org", "a@exa mple.org", "a@.org", "a@x..org"] {
            assert!(DirectAddress::parse(bad).is_err(), "{bad}");
        }
    }
}

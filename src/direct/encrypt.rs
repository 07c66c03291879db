//! The sending side of encryption (Applicability Statement §2–§4; RFC 8551 §3.3): recipient
//! certificates are validated for encryption first — the Direct policy narrowed to
//! keyEncipherment, a path to the trust bundle, revocation, and a binding to the recipient's
//! Direct address or domain — and only then is content encrypted to them.

use rustls_pki_types::UnixTime;

use super::binding::{Binding, BindingPolicy, certificate_addresses, check_binding};
use super::envelope;
use super::mime_write::{SplitHeader, base64_lines, split_header};
use super::policy::{Purpose, narrow_policy, policy};
use super::{DirectAddress, DirectError};
use crate::cert::Certificate;
use crate::crypto::cache::SignatureCache;
use crate::crypto::cipher::ContentEncryption;
use crate::crypto::key_transport::KeyTransport;
use crate::revocation::RevocationData;
use crate::trust::{CertificatePool, TrustStore};
use crate::{Policy, ValidationInput, VerifiedPath, Verifier};

/// A recipient certificate that passed validation for encryption to one address.
#[derive(Debug, Clone)]
pub struct Recipient {
    path: VerifiedPath,
    address: DirectAddress,
    binding: Binding,
}

impl Recipient {
    /// The recipient's certificate.
    pub fn certificate(&self) -> &Certificate {
        self.path.leaf()
    }

    /// The certificate's validated path.
    pub fn path(&self) -> &VerifiedPath {
        &self.path
    }

    /// The Direct address the certificate is bound to.
    pub fn address(&self) -> &DirectAddress {
        &self.address
    }

    /// How it is bound (address or domain).
    pub fn binding(&self) -> Binding {
        self.binding
    }
}

/// Encrypts S/MIME content for Direct recipients: trust store, the Direct policy for
/// encryption, binding rules, content encryption (default AES-128-CBC, the reference
/// implementations' default) and key transport (default RSA PKCS#1 v1.5, which every agent
/// decrypts, as `trustpath smime encrypt` does; RSAES-OAEP with SHA-256, which the Java
/// reference implementation prefers, with [`Self::with_key_transport`]). Build one and share it
/// (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct SmimeEncryptor {
    verifier: Verifier,
    binding: BindingPolicy,
    content_encryption: ContentEncryption,
    key_transport: KeyTransport,
}

impl SmimeEncryptor {
    /// Trusts the anchors of `store` under the Direct encryption policy
    /// ([`policy`]`(Purpose::Encryption)`).
    pub fn new(store: TrustStore) -> Self {
        SmimeEncryptor::with_policy(store, policy(Purpose::Encryption))
    }

    /// Uses `policy`, narrowed to encryption ([`narrow_policy`]): the leaf needs
    /// keyEncipherment whatever `policy` says.
    pub fn with_policy(store: TrustStore, policy: Policy) -> Self {
        SmimeEncryptor {
            verifier: Verifier::new(store, narrow_policy(policy, Purpose::Encryption)),
            binding: BindingPolicy::default(),
            content_encryption: ContentEncryption::Aes128Cbc,
            key_transport: KeyTransport::RsaPkcs1v15,
        }
    }

    /// Intermediates offered to every recipient's path.
    pub fn with_intermediates(mut self, pool: CertificatePool) -> Self {
        self.verifier = self.verifier.with_intermediates(pool);
        self
    }

    /// Caches certificate signature checks (see [`Verifier::with_signature_cache`]).
    pub fn with_signature_cache(mut self, cache: std::sync::Arc<SignatureCache>) -> Self {
        self.verifier = self.verifier.with_signature_cache(cache);
        self
    }

    /// How certificates must bind the recipient's address.
    pub fn with_binding_policy(mut self, binding: BindingPolicy) -> Self {
        self.binding = binding;
        self
    }

    /// The content-encryption algorithm (AES-192-CBC is for decryption only and refused).
    pub fn with_content_encryption(mut self, cipher: ContentEncryption) -> Result<Self, DirectError> {
        if cipher == ContentEncryption::Aes192Cbc {
            return Err(DirectError::Unsupported("encrypting with AES-192-CBC: use AES-128 or AES-256".into()));
        }
        self.content_encryption = cipher;
        Ok(self)
    }

    /// The key transport (RSAES-PKCS1-v1_5, or RSAES-OAEP with SHA-256, -384 or -512; OAEP
    /// with SHA-1 is for decryption only and refused).
    pub fn with_key_transport(mut self, key_transport: KeyTransport) -> Result<Self, DirectError> {
        if key_transport == KeyTransport::RsaOaep(crate::crypto::DigestAlgorithm::Sha1) {
            return Err(DirectError::Unsupported("encrypting with RSAES-OAEP SHA-1: use SHA-256".into()));
        }
        self.key_transport = key_transport;
        Ok(self)
    }

    /// The content-encryption algorithm in use.
    pub fn content_encryption(&self) -> ContentEncryption {
        self.content_encryption
    }

    /// The key transport in use.
    pub fn key_transport(&self) -> KeyTransport {
        self.key_transport
    }

    /// The path verifier (trust store, encryption policy, intermediates).
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Validates `certificate` for encryption at `time`: its path under the encryption policy
    /// (keyEncipherment, trust anchors, revocation from `revocation`), then its binding to the
    /// first of `addresses` it is bound to. The error says which rule failed.
    pub fn recipient(
        &self,
        certificate: &Certificate,
        addresses: &[DirectAddress],
        time: UnixTime,
        revocation: Option<&RevocationData>,
    ) -> Result<Recipient, DirectError> {
        let mut input = ValidationInput::new(certificate, time);
        if let Some(revocation) = revocation {
            input = input.revocation(revocation);
        }
        let path = self.verifier.verify(&input).map_err(DirectError::RecipientCertificate)?;
        if certificate.public_key_algorithm_id() != rustls_pki_types::alg_id::RSA_ENCRYPTION.as_ref() {
            return Err(DirectError::Unsupported(format!(
                "recipient {} has no RSA key: only RSA key transport is supported",
                certificate.subject_string()
            )));
        }
        for address in addresses {
            if let Ok(binding) = check_binding(certificate, address, &self.binding) {
                return Ok(Recipient { path, address: address.clone(), binding });
            }
        }
        Err(DirectError::BindingMismatch {
            address: addresses.iter().map(DirectAddress::as_str).collect::<Vec<_>>().join(", "),
            names: certificate_addresses(certificate).join(", "),
        })
    }

    /// Encrypts a MIME entity (its `Content-*` header fields and body) to `recipients`: a CMS
    /// ContentInfo (DER) holding an EnvelopedData (CBC) or AuthEnvelopedData (GCM).
    pub fn encrypt_entity(&self, entity: &[u8], recipients: &[Recipient]) -> Result<Vec<u8>, DirectError> {
        let mut certificates: Vec<&Certificate> = Vec::with_capacity(recipients.len());
        for r in recipients {
            if !certificates.contains(&r.certificate()) {
                certificates.push(r.certificate());
            }
        }
        envelope::seal(entity, self.content_encryption, self.key_transport, &certificates)
    }

    /// Encrypts a whole message (typically a signed one: sign, then encrypt, as the
    /// Applicability Statement orders): its `Content-*` fields and body become the encrypted
    /// entity; its other header fields (From, To, Subject, Date, Message-ID) stay outside,
    /// above an `application/pkcs7-mime` body (`smime-type=enveloped-data`, or
    /// `authEnveloped-data` for GCM; RFC 8551 §3.3).
    pub fn encrypt_message(&self, message: &[u8], recipients: &[Recipient]) -> Result<Vec<u8>, DirectError> {
        let SplitHeader { outer, content: mut entity, body } = split_header(message)?;
        if entity.is_empty() {
            // RFC 2045 §5.2's default, made explicit so the entity starts with a header.
            entity.extend_from_slice(b"Content-Type: text/plain; charset=us-ascii\r\n");
        }
        entity.extend_from_slice(b"\r\n");
        entity.extend_from_slice(body);
        let cms = self.encrypt_entity(&entity, recipients)?;
        let smime_type =
            if self.content_encryption.is_authenticated() { "authEnveloped-data" } else { "enveloped-data" };
        let mut out = outer;
        out.extend_from_slice(
            format!(
                "MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type={smime_type}; \
                 name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\
                 Content-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(base64_lines(&cms).as_bytes());
        Ok(out)
    }
}

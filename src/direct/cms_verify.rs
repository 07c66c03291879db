//! CMS SignedData verification (RFC 5652 §5), as S/MIME (RFC 8551) uses it. The `cms` crate
//! decodes the structure; the checks are these:
//!
//! 1. The input (DER, BER or PEM) is normalised to DER (`crate::ber`) and decodes as a
//!    ContentInfo holding a SignedData; its certificates are taken as transmitted
//!    ([`super::signed_data`]).
//! 2. Per SignerInfo (at least one must pass everything, [`super::signer_info`]): the digest
//!    algorithm is allowed (SHA-256/384/512; SHA-1 only with the legacy switch; never MD5);
//!    the signed attributes, when present, hold exactly one content-type equal to the
//!    eContentType and exactly one message-digest equal to the digest of the content; the
//!    signer certificate is found by `sid` (issuerAndSerialNumber or subjectKeyIdentifier)
//!    among the SignedData's certificates and the caller's; the signature over the DER SET OF
//!    signed attributes (or over the content, without them) verifies with the verifier's
//!    algorithm policy (RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA, Ed25519; RSA ≥ 2048).
//! 3. The signer certificate validates under the verifier's policy, with the SignedData's
//!    other certificates as untrusted intermediates, and is bound to the expected sender.
//!
//! The content is hashed once per digest algorithm, however many SignerInfos use it.

use cms::signed_data::SignerInfo;
use const_oid::ObjectIdentifier;
use der::{Decode, Tag, Tagged};
use rustls_pki_types::UnixTime;

use super::binding::{Binding, BindingPolicy};
use super::signed_data::{Parsed, parse};
use super::signer_info::{SignerOutcome, verify_signer};
use super::{DirectAddress, DirectError, Limits};
use crate::cert::Certificate;
use crate::crypto::DigestAlgorithm;
use crate::revocation::RevocationData;
use crate::{VerifiedPath, Verifier};

/// A SignerInfo that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedSignature {
    pub(crate) signer_index: usize,
    pub(crate) path: VerifiedPath,
    pub(crate) binding: Option<Binding>,
    pub(crate) digest_algorithm: DigestAlgorithm,
    pub(crate) signing_time: Option<UnixTime>,
    pub(crate) content_type: ObjectIdentifier,
    pub(crate) encapsulated_content: Option<Vec<u8>>,
    pub(crate) certificates: Vec<Certificate>,
    pub(crate) sender: Option<DirectAddress>,
}

impl VerifiedSignature {
    /// Which SignerInfo passed (0-based, in the DER order of the SignerInfos SET).
    pub fn signer_index(&self) -> usize {
        self.signer_index
    }

    /// The signer's certificate.
    pub fn certificate(&self) -> &Certificate {
        self.path.leaf()
    }

    /// The signer certificate's validated path.
    pub fn path(&self) -> &VerifiedPath {
        &self.path
    }

    /// How the signer's certificate is bound to the expected sender (`None` when no sender was
    /// given, so the binding was not checked).
    pub fn binding(&self) -> Option<Binding> {
        self.binding
    }

    /// The signer's digest algorithm (compare it with the `micalg` parameter if you must).
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest_algorithm
    }

    /// The signing-time attribute, if present. Informational: validity is checked at the
    /// validation time given, never at this claimed time.
    pub fn signing_time(&self) -> Option<UnixTime> {
        self.signing_time
    }

    /// The eContentType (id-data for S/MIME).
    pub fn content_type(&self) -> ObjectIdentifier {
        self.content_type
    }

    /// The signed content, when it was encapsulated in the SignedData.
    pub fn encapsulated_content(&self) -> Option<&[u8]> {
        self.encapsulated_content.as_deref()
    }

    /// The certificates the SignedData carried (those that parse), in order.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The sender address the binding was checked against (`None` when it was not checked).
    pub fn sender(&self) -> Option<&DirectAddress> {
        self.sender.as_ref()
    }
}

/// What verification needs besides the CMS and its content.
pub(crate) struct Context<'a> {
    pub(crate) verifier: &'a Verifier,
    pub(crate) binding_policy: &'a BindingPolicy,
    pub(crate) limits: &'a Limits,
    pub(crate) allow_sha1: bool,
    pub(crate) known_certificates: &'a [Certificate],
    pub(crate) time: UnixTime,
    pub(crate) sender: Sender<'a>,
    pub(crate) revocation: Option<&'a RevocationData>,
}

/// Finds the sender in the signed content (`None`: the content names none).
pub(crate) type ResolveSender<'a> = &'a dyn Fn(&[u8]) -> Result<Option<DirectAddress>, DirectError>;

/// The address the signer must be bound to.
pub(crate) enum Sender<'a> {
    /// No binding check.
    Unchecked,
    /// This address.
    Given(&'a DirectAddress),
    /// An address found in the signed content (its From header), resolved once the content is
    /// known; `None` means there is none, which is an error.
    FromContent(ResolveSender<'a>),
}

/// The digest algorithms of a SignedData's SignerInfos (those trustpath knows), to hash the
/// content once for all of them; empty when the input does not parse (verification then says
/// why).
pub(crate) fn digest_algorithms(input: &[u8], limits: &Limits) -> Vec<DigestAlgorithm> {
    let Ok(Parsed { signed_data, .. }) = parse(input, limits) else { return Vec::new() };
    let mut out = Vec::new();
    for signer in signed_data.signer_infos.0.iter() {
        if let Ok(algorithm) = DigestAlgorithm::from_algorithm(&signer.digest_alg)
            && !out.contains(&algorithm)
        {
            out.push(algorithm);
        }
    }
    out
}

/// Verifies a SignedData over its encapsulated content or `detached` content.
pub(crate) fn verify(
    input: &[u8],
    detached: Option<&[u8]>,
    ctx: &Context<'_>,
) -> Result<VerifiedSignature, DirectError> {
    verify_with_digests(input, detached, &[], ctx)
}

/// [`verify`], with digests of the content already computed (by algorithm).
pub(crate) fn verify_with_digests(
    input: &[u8],
    detached: Option<&[u8]>,
    known_digests: &[(DigestAlgorithm, Vec<u8>)],
    ctx: &Context<'_>,
) -> Result<VerifiedSignature, DirectError> {
    let Parsed { signed_data, certificates, raw_signer_infos } = parse(input, ctx.limits)?;
    if let Some(content) = detached
        && content.len() > ctx.limits.max_message_len
    {
        return Err(DirectError::TooLarge {
            what: "signed content",
            size: content.len(),
            limit: ctx.limits.max_message_len,
        });
    }
    let econtent_type = signed_data.encap_content_info.econtent_type;
    let encapsulated = match &signed_data.encap_content_info.econtent {
        Some(any) if any.tag() == Tag::OctetString => Some(any.value()),
        Some(any) => return Err(DirectError::cms(format!("eContent is a {} instead of an OCTET STRING", any.tag()))),
        None => None,
    };
    let content = match (encapsulated, detached) {
        (Some(_), Some(_)) => {
            return Err(DirectError::cms("the content is both encapsulated and given as detached content"));
        }
        (Some(c), None) | (None, Some(c)) => c,
        (None, None) => {
            return Err(DirectError::cms("the signature is detached and no signed content was given"));
        }
    };
    let signers: Vec<&SignerInfo> = signed_data.signer_infos.0.iter().collect();
    if signers.is_empty() {
        return Err(DirectError::NotSigned("the SignedData has no SignerInfo (a certificates-only bundle)".into()));
    }
    let sender = match &ctx.sender {
        Sender::Unchecked => None,
        Sender::Given(address) => Some((*address).clone()),
        Sender::FromContent(resolve) => Some(resolve(content)?.ok_or_else(|| {
            DirectError::MissingSender("the message names no From address: give the expected sender".into())
        })?),
    };
    let mut pool: Vec<Certificate> = certificates.clone();
    pool.extend(ctx.known_certificates.iter().cloned());
    let mut digests: Vec<(DigestAlgorithm, Vec<u8>)> = known_digests.to_vec();
    let mut content_digest = |algorithm: DigestAlgorithm| match digests.iter().find(|(a, _)| *a == algorithm) {
        Some((_, digest)) => digest.clone(),
        None => {
            let digest = algorithm.digest(content);
            digests.push((algorithm, digest.clone()));
            digest
        }
    };
    let mut first_error = None;
    for (index, signer) in signers.into_iter().enumerate() {
        let transmitted = raw_signer_infos
            .iter()
            .find(|(tlv, _)| SignerInfo::from_der(tlv).is_ok_and(|s| &s == signer))
            .map(|(_, attrs)| attrs.as_slice());
        let outcome = verify_signer(
            signer,
            transmitted,
            econtent_type,
            content,
            &mut content_digest,
            &pool,
            sender.as_ref(),
            ctx,
        );
        match outcome {
            Ok(SignerOutcome { path, binding, digest_algorithm, signing_time }) => {
                return Ok(VerifiedSignature {
                    signer_index: index,
                    path,
                    binding,
                    digest_algorithm,
                    signing_time,
                    content_type: econtent_type,
                    encapsulated_content: encapsulated.map(<[u8]>::to_vec),
                    certificates,
                    sender,
                });
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| DirectError::NotSigned("no SignerInfo".into())))
}

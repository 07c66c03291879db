//! One SignerInfo (RFC 5652 §5.3–§5.6): its digest algorithm, its signed attributes, the
//! certificate its `sid` names, its signature (through the crate's algorithm layer and the
//! verifier's [`crate::crypto::AlgorithmPolicy`]), then the certificate's path and binding.

use cms::signed_data::{SignerIdentifier, SignerInfo};
use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Decode, Encode};
use rustls_pki_types::UnixTime;
use x509_cert::name::Name;

use super::binding::{Binding, check_binding};
use super::cms_verify::Context;
use super::content_info::{ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST, ID_SIGNING_TIME};
use super::{DirectAddress, DirectError};
use crate::cert::{Certificate, hex_string};
use crate::crypto::{AlgorithmPolicy, DigestAlgorithm, KeyRef, SignatureScheme};
use crate::error::Reason;
use crate::{ValidationInput, VerifiedPath};

/// What a SignerInfo that passed yields.
pub(crate) struct SignerOutcome {
    pub(crate) path: VerifiedPath,
    pub(crate) binding: Option<Binding>,
    pub(crate) digest_algorithm: DigestAlgorithm,
    pub(crate) signing_time: Option<UnixTime>,
}

/// The signer's digest algorithm: SHA-256/384/512, SHA-1 only with the legacy switch.
fn digest_algorithm(signer: &SignerInfo, allow_sha1: bool) -> Result<DigestAlgorithm, DirectError> {
    match DigestAlgorithm::from_algorithm(&signer.digest_alg) {
        Ok(DigestAlgorithm::Sha1) if !allow_sha1 => Err(DirectError::DigestAlgorithm(
            "SHA-1 (disallowed by the Applicability Statement v1.3; SHA-256 or better is required)".into(),
        )),
        Ok(digest) => Ok(digest),
        Err(crate::crypto::UnknownDigest::Parameters) => {
            Err(DirectError::cms("digest algorithm parameters must be absent or NULL"))
        }
        Err(other) => Err(DirectError::DigestAlgorithm(other.describe())),
    }
}

/// The one value of the one attribute `oid` among the signed attributes, if present.
fn single_attribute<'a>(
    attrs: &'a x509_cert::attr::Attributes,
    oid: ObjectIdentifier,
    name: &str,
) -> Result<Option<&'a der::Any>, DirectError> {
    let mut found = attrs.iter().filter(|a| a.oid == oid);
    let Some(attr) = found.next() else { return Ok(None) };
    if found.next().is_some() {
        return Err(DirectError::SignedAttributes(format!("{name} appears more than once")));
    }
    let mut values = attr.values.iter();
    match (values.next(), values.next()) {
        (Some(v), None) => Ok(Some(v)),
        _ => Err(DirectError::SignedAttributes(format!("{name} must have exactly one value"))),
    }
}

pub(crate) fn describe_sid(sid: &SignerIdentifier) -> String {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            format!("issuer {}, serial {}", isn.issuer, hex_string(strip_zeros(isn.serial_number.as_bytes())))
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            format!("subjectKeyIdentifier {}", hex_string(ski.0.as_bytes()))
        }
    }
}

fn strip_zeros(mut b: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = b {
        if rest.is_empty() {
            break;
        }
        b = rest;
    }
    b
}

/// Whether `cert` is the one an issuerAndSerialNumber (issuer name and serial) names.
pub(crate) fn matches_issuer_serial(cert: &Certificate, issuer: &Name, serial: &[u8]) -> bool {
    strip_zeros(cert.serial()) == strip_zeros(serial) && Name::from_der(cert.issuer_der()).is_ok_and(|n| &n == issuer)
}

fn matches_sid(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            matches_issuer_serial(cert, &isn.issuer, isn.serial_number.as_bytes())
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => cert.subject_key_id() == Some(ski.0.as_bytes()),
    }
}

/// The signed attributes' checks (RFC 5652 §5.3, §11): exactly one content-type equal to the
/// eContentType and one message-digest equal to `digest`; the signing-time when present.
/// Returns the bytes the signature covers — the DER SET OF attributes (§5.4) — and the time.
fn check_signed_attributes(
    attrs: &x509_cert::attr::Attributes,
    econtent_type: ObjectIdentifier,
    digest: &[u8],
) -> Result<(Vec<u8>, Option<UnixTime>), DirectError> {
    let content_type = single_attribute(attrs, ID_CONTENT_TYPE, "content-type")?
        .ok_or_else(|| DirectError::SignedAttributes("content-type attribute missing".into()))?;
    let oid = content_type
        .decode_as::<ObjectIdentifier>()
        .map_err(|e| DirectError::SignedAttributes(format!("content-type: {e}")))?;
    if oid != econtent_type {
        return Err(DirectError::SignedAttributes(format!(
            "content-type {oid} differs from the eContentType {econtent_type}"
        )));
    }
    let message_digest = single_attribute(attrs, ID_MESSAGE_DIGEST, "message-digest")?
        .ok_or_else(|| DirectError::SignedAttributes("message-digest attribute missing".into()))?;
    let value = message_digest
        .decode_as::<OctetString>()
        .map_err(|e| DirectError::SignedAttributes(format!("message-digest: {e}")))?;
    if value.as_bytes() != digest {
        return Err(DirectError::DigestMismatch);
    }
    let mut signing_time = None;
    if let Some(time) = single_attribute(attrs, ID_SIGNING_TIME, "signing-time")? {
        let time = time
            .decode_as::<x509_cert::time::Time>()
            .map_err(|e| DirectError::SignedAttributes(format!("signing-time: {e}")))?;
        signing_time = Some(UnixTime::since_unix_epoch(time.to_unix_duration()));
    }
    let signed = attrs.to_der().map_err(|e| DirectError::SignedAttributes(e.to_string()))?;
    Ok((signed, signing_time))
}

/// Checks one SignerInfo over `content` whose digest under the signer's algorithm is
/// `digest(algorithm)`; `transmitted_attrs` are its signed attributes in transmitted order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_signer(
    signer: &SignerInfo,
    transmitted_attrs: Option<&[u8]>,
    econtent_type: ObjectIdentifier,
    content: &[u8],
    content_digest: &mut dyn FnMut(DigestAlgorithm) -> Vec<u8>,
    pool: &[Certificate],
    sender: Option<&DirectAddress>,
    ctx: &Context<'_>,
) -> Result<SignerOutcome, DirectError> {
    let digest_algorithm = digest_algorithm(signer, ctx.allow_sha1)?;
    let mut signing_time = None;
    let signed_bytes;
    let message: &[u8] = match &signer.signed_attrs {
        Some(attrs) => {
            let (signed, time) = check_signed_attributes(attrs, econtent_type, &content_digest(digest_algorithm))?;
            signing_time = time;
            signed_bytes = signed;
            &signed_bytes
        }
        None if econtent_type != ID_DATA => {
            return Err(DirectError::SignedAttributes(format!(
                "signed attributes are required with content type {econtent_type}"
            )));
        }
        None => content,
    };

    let candidates: Vec<&Certificate> = pool.iter().filter(|c| matches_sid(c, &signer.sid)).collect();
    if candidates.is_empty() {
        return Err(DirectError::SignerNotFound(describe_sid(&signer.sid)));
    }
    let scheme =
        SignatureScheme::from_cms(&signer.signature_algorithm, digest_algorithm).map_err(DirectError::Signature)?;
    let algorithms: AlgorithmPolicy = if ctx.allow_sha1 {
        ctx.verifier.policy().algorithms.clone().with_sha1()
    } else {
        ctx.verifier.policy().algorithms.clone()
    };
    let signature = signer.signature.as_bytes();
    let mut signer_cert = None;
    let mut first_reason = None;
    for cert in candidates {
        let key = KeyRef::new(cert.public_key_algorithm_id(), cert.public_key());
        let check = |message: &[u8]| algorithms.verify_scheme(&key, scheme, message, signature);
        let mut checked = check(message);
        // RFC 5652 §5.4 signs the DER (sorted) SET OF; some agents signed their attributes in
        // the order they sent them. Same attributes, same key: accept either encoding.
        if checked == Err(Reason::BadSignature)
            && signer.signed_attrs.is_some()
            && let Some(transmitted) = transmitted_attrs.filter(|t| *t != message)
        {
            checked = check(transmitted);
        }
        match checked {
            Ok(()) => {
                signer_cert = Some(cert);
                break;
            }
            Err(reason) => {
                first_reason.get_or_insert(reason);
            }
        }
    }
    let Some(signer_cert) = signer_cert else {
        return Err(DirectError::Signature(first_reason.unwrap_or(Reason::BadSignature)));
    };

    let mut input = ValidationInput::new(signer_cert, ctx.time).intermediates(pool);
    if let Some(revocation) = ctx.revocation {
        input = input.revocation(revocation);
    }
    let path = ctx.verifier.verify(&input).map_err(DirectError::Certificate)?;
    let binding = match sender {
        Some(sender) => Some(check_binding(signer_cert, sender, ctx.binding_policy)?),
        None => None,
    };
    Ok(SignerOutcome { path, binding, digest_algorithm, signing_time })
}

//! CMS SignedData verification (RFC 5652 §5), as S/MIME (RFC 8551) uses it. The `cms` crate
//! decodes the structure; the checks are these:
//!
//! 1. The input (DER, BER or PEM) is normalised to DER (`crate::ber`) and decodes as a
//!    ContentInfo holding a SignedData; its certificates are taken as transmitted.
//! 2. Per SignerInfo (at least one must pass everything): the digest algorithm is allowed
//!    (SHA-256/384/512; SHA-1 only with the legacy switch; never MD5); the signed attributes,
//!    when present, hold exactly one content-type equal to the eContentType and exactly one
//!    message-digest equal to the digest of the content; the signer certificate is found by
//!    `sid` (issuerAndSerialNumber or subjectKeyIdentifier) among the SignedData's
//!    certificates and the caller's; the signature over the DER SET OF signed attributes (or
//!    over the content, without them) verifies with trustpath's algorithm policy (RSA PKCS#1
//!    v1.5, RSASSA-PSS, ECDSA, Ed25519; RSA ≥ 2048).
//! 3. The signer certificate validates under the verifier's policy, with the SignedData's
//!    other certificates as untrusted intermediates, and is bound to the expected sender.

use const_oid::ObjectIdentifier;
use der::asn1::{Null, OctetString};
use der::{Decode, Encode, Tag, Tagged};
use rustls_pki_types::{UnixTime, alg_id};
use sha2::Digest;
use spki::AlgorithmIdentifierOwned;
use x509_cert::name::Name;

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};

use super::binding::{Binding, BindingPolicy, check_binding};
use super::{DirectAddress, DirectError, Limits};
use crate::cert::{Certificate, hex_string};
use crate::crypto::AlgorithmPolicy;
use crate::der_walk::{Walker, read_any, read_tagged};
use crate::error::Reason;
use crate::revocation::RevocationData;
use crate::{ValidationInput, VerifiedPath, Verifier};

pub(crate) const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
pub(crate) const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_ENVELOPED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.3");
const ID_AUTH_ENVELOPED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.23");
pub(crate) const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
pub(crate) const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
pub(crate) const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const ID_MD5: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.2.5");
const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const ID_SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const MD5_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4");
const SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
pub(crate) const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
pub(crate) const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// sha1WithRSAEncryption with NULL parameters (AlgorithmIdentifier value).
const RSA_PKCS1_SHA1_ID: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00];
/// ecdsa-with-SHA1 (AlgorithmIdentifier value).
const ECDSA_SHA1_ID: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01];

/// A message digest algorithm of a SignerInfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-1: refused unless the legacy switch allows it (AS v1.3 disallows it).
    Sha1,
    /// SHA-256 (the Direct default).
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestAlgorithm {
    /// The algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha1 => ID_SHA1,
            DigestAlgorithm::Sha256 => ID_SHA256,
            DigestAlgorithm::Sha384 => ID_SHA384,
            DigestAlgorithm::Sha512 => ID_SHA512,
        }
    }

    /// The `micalg` parameter value of `multipart/signed` (RFC 8551 §3.5.3.2): `sha-256`, ...
    pub fn micalg(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "sha-1",
            DigestAlgorithm::Sha256 => "sha-256",
            DigestAlgorithm::Sha384 => "sha-384",
            DigestAlgorithm::Sha512 => "sha-512",
        }
    }

    /// `SHA-256`, ...
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "SHA-1",
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
        }
    }

    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            DigestAlgorithm::Sha1 => sha1::Sha1::digest(data).to_vec(),
            DigestAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
            DigestAlgorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
            DigestAlgorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    fn from_oid(oid: ObjectIdentifier) -> Option<Self> {
        Some(match oid {
            ID_SHA1 => DigestAlgorithm::Sha1,
            ID_SHA256 => DigestAlgorithm::Sha256,
            ID_SHA384 => DigestAlgorithm::Sha384,
            ID_SHA512 => DigestAlgorithm::Sha512,
            _ => return None,
        })
    }
}

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

/// Decodes PEM (`PKCS7`, `CMS`) when the input is armoured.
fn unarmor(input: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, DirectError> {
    let trimmed = input.trim_ascii_start();
    if !trimmed.starts_with(b"-----BEGIN") {
        return Ok(std::borrow::Cow::Borrowed(input));
    }
    let (label, der) =
        pem_rfc7468::decode_vec(trimmed.trim_ascii_end()).map_err(|e| DirectError::cms(format!("PEM: {e}")))?;
    match label {
        "PKCS7" | "CMS" | "PKCS #7 SIGNED DATA" => Ok(std::borrow::Cow::Owned(der)),
        other => Err(DirectError::cms(format!("PEM label {other:?} (expected PKCS7 or CMS)"))),
    }
}

/// The SignedData's certificates exactly as transmitted (the `cms` types would re-encode
/// them), from the DER SignedData value.
fn raw_certificates(signed_data: &[u8], limit: usize) -> Result<Vec<Certificate>, DirectError> {
    let e = |err: der::Error| DirectError::cms(format!("SignedData: {err}"));
    let mut r = Walker::new(signed_data).map_err(e)?;
    read_tagged(&mut r, Tag::Integer).map_err(e)?;
    read_tagged(&mut r, Tag::Set).map_err(e)?;
    read_tagged(&mut r, Tag::Sequence).map_err(e)?;
    let mut out = Vec::new();
    if r.is_finished() || r.peek_tag().map_err(e)? != der::TagNumber(0).context_specific(true) {
        return Ok(out);
    }
    let set = read_any(&mut r).map_err(e)?;
    let mut r = Walker::new(set.value).map_err(e)?;
    let mut count = 0;
    while !r.is_finished() {
        let item = read_any(&mut r).map_err(e)?;
        count += 1;
        if count > limit {
            return Err(DirectError::LimitExceeded { what: "certificates in the SignedData", limit });
        }
        if item.tag == Tag::Sequence {
            // Certificates trustpath cannot parse are not candidates (nor intermediates).
            if let Ok(cert) = Certificate::from_der(item.full.to_vec()) {
                out.push(cert);
            }
        }
    }
    Ok(out)
}

/// Each SignerInfo of the DER SignedData value as transmitted (its TLV) with its signed
/// attributes as transmitted, re-tagged as a SET OF: the order some non-conforming agents
/// signed, where DER would sort them.
fn raw_signer_infos(signed_data: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    fn walk(signed_data: &[u8]) -> der::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut r = Walker::new(signed_data)?;
        read_tagged(&mut r, Tag::Integer)?;
        read_tagged(&mut r, Tag::Set)?;
        read_tagged(&mut r, Tag::Sequence)?;
        let mut infos = read_any(&mut r)?;
        while infos.tag != Tag::Set {
            infos = read_any(&mut r)?;
        }
        let mut out = Vec::new();
        let mut r = Walker::new(infos.value)?;
        while !r.is_finished() {
            let info = read_tagged(&mut r, Tag::Sequence)?;
            let mut fields = Walker::new(info.value)?;
            read_tagged(&mut fields, Tag::Integer)?;
            read_any(&mut fields)?;
            read_tagged(&mut fields, Tag::Sequence)?;
            if let Some(attrs) = crate::der_walk::read_optional(&mut fields, der::TagNumber(0).context_specific(true))?
            {
                let mut set = attrs.full.to_vec();
                if let Some(first) = set.first_mut() {
                    *first = 0x31;
                }
                out.push((info.full.to_vec(), set));
            }
        }
        Ok(out)
    }
    walk(signed_data).unwrap_or_default()
}

/// The decoded SignedData, its certificates, and its signers' signed attributes as
/// transmitted.
pub(crate) struct Parsed {
    pub(crate) signed_data: SignedData,
    pub(crate) certificates: Vec<Certificate>,
    raw_signer_infos: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Decodes a ContentInfo holding a SignedData (DER, BER or PEM).
pub(crate) fn parse(input: &[u8], limits: &Limits) -> Result<Parsed, DirectError> {
    if input.len() > limits.max_message_len {
        return Err(DirectError::TooLarge { what: "CMS", size: input.len(), limit: limits.max_message_len });
    }
    let input = unarmor(input)?;
    let der = crate::ber::to_der(&input, limits.max_der_depth).map_err(DirectError::from_ber)?;
    let content_info = ContentInfo::from_der(&der).map_err(|e| DirectError::cms(format!("ContentInfo: {e}")))?;
    match content_info.content_type {
        ID_SIGNED_DATA => {}
        ID_ENVELOPED_DATA | ID_AUTH_ENVELOPED_DATA => {
            return Err(DirectError::Unsupported(
                "encrypted CMS (EnvelopedData): decrypt the message first, then verify its signed content".into(),
            ));
        }
        other => return Err(DirectError::Unsupported(format!("CMS content type {other} is not SignedData"))),
    }
    let value = content_info.content.value();
    let signed_data =
        content_info.content.decode_as::<SignedData>().map_err(|e| DirectError::cms(format!("SignedData: {e}")))?;
    let certificates = raw_certificates(value, limits.max_certificates)?;
    let raw_signer_infos = raw_signer_infos(value);
    let signers = signed_data.signer_infos.0.len();
    if signers > limits.max_signers {
        return Err(DirectError::LimitExceeded { what: "SignerInfos in the SignedData", limit: limits.max_signers });
    }
    Ok(Parsed { signed_data, certificates, raw_signer_infos })
}

/// Verifies a SignedData over its encapsulated content or `detached` content.
pub(crate) fn verify(
    input: &[u8],
    detached: Option<&[u8]>,
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
    let mut first_error = None;
    for (index, signer) in signers.into_iter().enumerate() {
        let transmitted = raw_signer_infos
            .iter()
            .find(|(tlv, _)| SignerInfo::from_der(tlv).is_ok_and(|s| &s == signer))
            .map(|(_, attrs)| attrs.as_slice());
        match verify_signer(signer, transmitted, econtent_type, content, &pool, sender.as_ref(), ctx) {
            Ok((path, binding, digest_algorithm, signing_time)) => {
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

type SignerOutcome = (VerifiedPath, Option<Binding>, DigestAlgorithm, Option<UnixTime>);

fn params_absent_or_null(alg: &AlgorithmIdentifierOwned) -> bool {
    match &alg.parameters {
        None => true,
        Some(p) => p.tag() == Tag::Null && p.value().is_empty(),
    }
}

fn digest_algorithm(alg: &AlgorithmIdentifierOwned, allow_sha1: bool) -> Result<DigestAlgorithm, DirectError> {
    let refuse = |what: &str| Err(DirectError::DigestAlgorithm(what.to_string()));
    match DigestAlgorithm::from_oid(alg.oid) {
        Some(_) if !params_absent_or_null(alg) => {
            Err(DirectError::cms("digest algorithm parameters must be absent or NULL"))
        }
        Some(DigestAlgorithm::Sha1) if !allow_sha1 => {
            refuse("SHA-1 (disallowed by the Applicability Statement v1.3; SHA-256 or better is required)")
        }
        Some(d) => Ok(d),
        None => match alg.oid {
            ID_MD5 => refuse("MD5"),
            ID_SHA224 => refuse("SHA-224"),
            other => refuse(&other.to_string()),
        },
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

fn describe_sid(sid: &SignerIdentifier) -> String {
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

fn matches_sid(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            strip_zeros(cert.serial()) == strip_zeros(isn.serial_number.as_bytes())
                && Name::from_der(cert.issuer_der()).is_ok_and(|n| n == isn.issuer)
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => cert.subject_key_id() == Some(ski.0.as_bytes()),
    }
}

/// RSASSA-PSS parameters (RFC 4055 §3.1) trustpath verifies: MGF1 with the same SHA-2 hash as
/// the signature, trailer field 1, any salt length. Returns (hash, salt length).
fn pss_parameters(alg: &AlgorithmIdentifierOwned) -> Option<(DigestAlgorithm, usize)> {
    let params = alg.parameters.as_ref()?;
    if params.tag() != Tag::Sequence {
        return None;
    }
    let mut r = Walker::new(params.value()).ok()?;
    let ctx = |n: u32| der::TagNumber(n).context_specific(true);
    // The defaults (SHA-1, MGF1-SHA-1, salt 20) are SHA-1, which is never accepted here.
    let hash_tlv = crate::der_walk::read_optional(&mut r, ctx(0)).ok()??;
    let hash = AlgorithmIdentifierOwned::from_der(hash_tlv.value).ok()?;
    let mgf_tlv = crate::der_walk::read_optional(&mut r, ctx(1)).ok()??;
    let mgf = AlgorithmIdentifierOwned::from_der(mgf_tlv.value).ok()?;
    let mgf_hash = mgf.parameters.as_ref()?.decode_as::<AlgorithmIdentifierOwned>().ok()?;
    let salt = match crate::der_walk::read_optional(&mut r, ctx(2)).ok()? {
        Some(tlv) => usize::try_from(u32::from_der(tlv.value).ok()?).ok()?,
        None => 20,
    };
    if let Some(tlv) = crate::der_walk::read_optional(&mut r, ctx(3)).ok()?
        && u8::from_der(tlv.value).ok()? != 1
    {
        return None;
    }
    r.finish().ok()?;
    let digest = DigestAlgorithm::from_oid(hash.oid)?;
    let ok = params_absent_or_null(&hash)
        && mgf.oid == MGF1
        && mgf_hash.oid == hash.oid
        && params_absent_or_null(&mgf_hash)
        && digest != DigestAlgorithm::Sha1;
    ok.then_some((digest, salt))
}

/// How a SignerInfo signature is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignatureCheck {
    /// By trustpath's algorithm policy, under this AlgorithmIdentifier value.
    Policy(&'static [u8]),
    /// RSASSA-PSS with this salt length (the policy's PSS algorithms take a salt as long as the
    /// hash; OpenSSL signs CMS with the longest salt): allowed when the policy allows PSS with
    /// this hash for the key.
    Pss(DigestAlgorithm, &'static [u8], usize),
}

/// The AlgorithmIdentifier value trustpath's algorithm policy knows for this SignerInfo
/// signature algorithm with this digest (CMS allows `rsaEncryption` with the digest given
/// separately, as OpenSSL writes it).
fn canonical_signature_algorithm(
    alg: &AlgorithmIdentifierOwned,
    digest: DigestAlgorithm,
) -> Result<SignatureCheck, DirectError> {
    let unsupported = |what: String| Err(DirectError::Signature(Reason::UnsupportedSignatureAlgorithm(what)));
    let rsa_pkcs1 = |d: DigestAlgorithm| -> &'static [u8] {
        match d {
            DigestAlgorithm::Sha1 => RSA_PKCS1_SHA1_ID,
            DigestAlgorithm::Sha256 => alg_id::RSA_PKCS1_SHA256.as_ref(),
            DigestAlgorithm::Sha384 => alg_id::RSA_PKCS1_SHA384.as_ref(),
            DigestAlgorithm::Sha512 => alg_id::RSA_PKCS1_SHA512.as_ref(),
        }
    };
    let ecdsa = |d: DigestAlgorithm| -> &'static [u8] {
        match d {
            DigestAlgorithm::Sha1 => ECDSA_SHA1_ID,
            DigestAlgorithm::Sha256 => alg_id::ECDSA_SHA256.as_ref(),
            DigestAlgorithm::Sha384 => alg_id::ECDSA_SHA384.as_ref(),
            DigestAlgorithm::Sha512 => alg_id::ECDSA_SHA512.as_ref(),
        }
    };
    let with_hash = |implied: DigestAlgorithm, id: &'static [u8]| {
        if implied == digest {
            Ok(SignatureCheck::Policy(id))
        } else {
            unsupported(format!(
                "signature algorithm {} with digest algorithm {} (their hashes differ)",
                alg.oid,
                digest.name()
            ))
        }
    };
    let null_params = params_absent_or_null(alg);
    match alg.oid {
        RSA_ENCRYPTION if null_params => Ok(SignatureCheck::Policy(rsa_pkcs1(digest))),
        SHA1_WITH_RSA if null_params => with_hash(DigestAlgorithm::Sha1, RSA_PKCS1_SHA1_ID),
        SHA256_WITH_RSA if null_params => with_hash(DigestAlgorithm::Sha256, rsa_pkcs1(DigestAlgorithm::Sha256)),
        SHA384_WITH_RSA if null_params => with_hash(DigestAlgorithm::Sha384, rsa_pkcs1(DigestAlgorithm::Sha384)),
        SHA512_WITH_RSA if null_params => with_hash(DigestAlgorithm::Sha512, rsa_pkcs1(DigestAlgorithm::Sha512)),
        RSASSA_PSS => {
            let (hash, salt) = match pss_parameters(alg) {
                Some(p) => p,
                None => return unsupported("RSASSA-PSS parameters other than MGF1 with the same SHA-2 hash".into()),
            };
            let id: &'static [u8] = match hash {
                DigestAlgorithm::Sha384 => alg_id::RSA_PSS_SHA384.as_ref(),
                DigestAlgorithm::Sha512 => alg_id::RSA_PSS_SHA512.as_ref(),
                _ => alg_id::RSA_PSS_SHA256.as_ref(),
            };
            with_hash(hash, id).map(|_| SignatureCheck::Pss(hash, id, salt))
        }
        EC_PUBLIC_KEY => Ok(SignatureCheck::Policy(ecdsa(digest))),
        ECDSA_SHA1 => with_hash(DigestAlgorithm::Sha1, ECDSA_SHA1_ID),
        ECDSA_SHA256 => with_hash(DigestAlgorithm::Sha256, ecdsa(DigestAlgorithm::Sha256)),
        ECDSA_SHA384 => with_hash(DigestAlgorithm::Sha384, ecdsa(DigestAlgorithm::Sha384)),
        ECDSA_SHA512 => with_hash(DigestAlgorithm::Sha512, ecdsa(DigestAlgorithm::Sha512)),
        ED25519 => Ok(SignatureCheck::Policy(alg_id::ED25519.as_ref())),
        MD5_WITH_RSA => unsupported("md5WithRSAEncryption".into()),
        other => unsupported(match const_oid::db::DB.by_oid(&other) {
            Some(name) => format!("{name} ({other})"),
            None => other.to_string(),
        }),
    }
}

fn verify_signer(
    signer: &SignerInfo,
    transmitted_attrs: Option<&[u8]>,
    econtent_type: ObjectIdentifier,
    content: &[u8],
    pool: &[Certificate],
    sender: Option<&DirectAddress>,
    ctx: &Context<'_>,
) -> Result<SignerOutcome, DirectError> {
    let digest_algorithm = digest_algorithm(&signer.digest_alg, ctx.allow_sha1)?;
    let digest = digest_algorithm.digest(content);
    let mut signing_time = None;
    let signed_bytes;
    let message: &[u8] = match &signer.signed_attrs {
        Some(attrs) => {
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
            if value.as_bytes() != digest.as_slice() {
                return Err(DirectError::DigestMismatch);
            }
            if let Some(time) = single_attribute(attrs, ID_SIGNING_TIME, "signing-time")? {
                let time = time
                    .decode_as::<x509_cert::time::Time>()
                    .map_err(|e| DirectError::SignedAttributes(format!("signing-time: {e}")))?;
                signing_time = Some(UnixTime::since_unix_epoch(time.to_unix_duration()));
            }
            // RFC 5652 §5.4: the signature covers the DER encoding of the SET OF attributes.
            signed_bytes = attrs.to_der().map_err(|e| DirectError::SignedAttributes(e.to_string()))?;
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
    let signature_algorithm = canonical_signature_algorithm(&signer.signature_algorithm, digest_algorithm)?;
    let algorithms: AlgorithmPolicy = if ctx.allow_sha1 {
        ctx.verifier.policy().algorithms.clone().with_sha1()
    } else {
        ctx.verifier.policy().algorithms.clone()
    };
    let signature = signer.signature.as_bytes();
    let mut signer_cert = None;
    let mut first_reason = None;
    for cert in candidates {
        let (spki_alg, key) = (cert.public_key_algorithm_id(), cert.public_key());
        let check = |message: &[u8]| match signature_algorithm {
            SignatureCheck::Policy(id) => algorithms.verify(spki_alg, key, id, message, signature),
            SignatureCheck::Pss(hash, id, salt) => algorithms
                .select(&crate::crypto::KeyRef::new(spki_alg, key), id)
                .and_then(|_| verify_pss(hash, salt, key, message, signature).map_err(|()| Reason::BadSignature)),
        };
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
    Ok((path, binding, digest_algorithm, signing_time))
}

/// A `NULL` value (for AlgorithmIdentifier parameters).
pub(crate) fn null_any() -> Result<der::Any, DirectError> {
    der::Any::encode_from(&Null).map_err(|e| DirectError::Signing(e.to_string()))
}

/// RSASSA-PSS verification with an explicit salt length (MGF1 with the same hash).
fn verify_pss(
    hash: DigestAlgorithm,
    salt: usize,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), ()> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pss::{Signature, VerifyingKey};
    use signature::Verifier as _;
    let key = rsa::PublicKey::from_pkcs1_der(public_key).map_err(|_| ())?;
    let sig = Signature::try_from(signature).map_err(|_| ())?;
    let result = match hash {
        DigestAlgorithm::Sha256 => VerifyingKey::<sha2::Sha256>::new_with_salt_len(key, salt).verify(message, &sig),
        DigestAlgorithm::Sha384 => VerifyingKey::<sha2::Sha384>::new_with_salt_len(key, salt).verify(message, &sig),
        DigestAlgorithm::Sha512 => VerifyingKey::<sha2::Sha512>::new_with_salt_len(key, salt).verify(message, &sig),
        DigestAlgorithm::Sha1 => return Err(()),
    };
    result.map_err(|_| ())
}

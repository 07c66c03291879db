//! The outer layer of every CMS input (RFC 5652 §3): a ContentInfo in DER, BER or PEM,
//! normalised to DER within the limits, and the content types S/MIME uses.

use std::borrow::Cow;

use cms::content_info::ContentInfo;
use const_oid::ObjectIdentifier;
use der::Decode;

use super::{DirectError, Limits};

const fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}

/// id-data.
pub(crate) const ID_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.1");
/// id-signedData.
pub(crate) const ID_SIGNED_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.2");
/// id-envelopedData.
pub(crate) const ID_ENVELOPED_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.3");
/// id-ct-authEnvelopedData (RFC 5083).
pub(crate) const ID_AUTH_ENVELOPED_DATA: ObjectIdentifier = oid("1.2.840.113549.1.9.16.1.23");
/// The content-type signed attribute.
pub(crate) const ID_CONTENT_TYPE: ObjectIdentifier = oid("1.2.840.113549.1.9.3");
/// The message-digest signed attribute.
pub(crate) const ID_MESSAGE_DIGEST: ObjectIdentifier = oid("1.2.840.113549.1.9.4");
/// The signing-time signed attribute.
pub(crate) const ID_SIGNING_TIME: ObjectIdentifier = oid("1.2.840.113549.1.9.5");

/// Decodes PEM (`PKCS7`, `CMS`) when the input is armoured.
fn unarmor(input: &[u8]) -> Result<Cow<'_, [u8]>, DirectError> {
    let trimmed = input.trim_ascii_start();
    if !trimmed.starts_with(b"-----BEGIN") {
        return Ok(Cow::Borrowed(input));
    }
    let (label, der) =
        pem_rfc7468::decode_vec(trimmed.trim_ascii_end()).map_err(|e| DirectError::cms(format!("PEM: {e}")))?;
    match label {
        "PKCS7" | "CMS" | "PKCS #7 SIGNED DATA" => Ok(Cow::Owned(der)),
        other => Err(DirectError::cms(format!("PEM label {other:?} (expected PKCS7 or CMS)"))),
    }
}

/// A CMS input (DER, BER or PEM) as DER, after its size was checked: normalised from BER
/// (`crate::ber`, bounded by the DER depth limit), borrowed when it was DER already.
pub(crate) fn to_der<'a>(input: &'a [u8], limits: &Limits) -> Result<Cow<'a, [u8]>, DirectError> {
    if input.len() > limits.max_message_len {
        return Err(DirectError::TooLarge { what: "CMS", size: input.len(), limit: limits.max_message_len });
    }
    match unarmor(input)? {
        Cow::Borrowed(bytes) => crate::ber::to_der_cow(bytes, limits.max_der_depth).map_err(DirectError::from_ber),
        Cow::Owned(bytes) => crate::ber::to_der_cow(&bytes, limits.max_der_depth)
            .map(|der| Cow::Owned(der.into_owned()))
            .map_err(DirectError::from_ber),
    }
}

/// [`to_der`] of an input the caller gives up: returned as it is, without a copy, when it is
/// DER already.
pub(crate) fn into_der(input: Cow<'_, [u8]>, limits: &Limits) -> Result<Vec<u8>, DirectError> {
    let converted = match to_der(&input, limits)? {
        Cow::Owned(der) => Some(der),
        Cow::Borrowed(der) => (der.len() != input.len()).then(|| der.to_vec()),
    };
    Ok(converted.unwrap_or_else(|| input.into_owned()))
}

/// A ContentInfo (DER, BER or PEM) decoded (see [`to_der`]).
pub(crate) fn decode(input: &[u8], limits: &Limits) -> Result<ContentInfo, DirectError> {
    let der = to_der(input, limits)?;
    ContentInfo::from_der(&der).map_err(|e| DirectError::cms(format!("ContentInfo: {e}")))
}

/// A DER ContentInfo's content type and its content (the TLV inside `[0] EXPLICIT`), read in
/// place.
pub(crate) fn split(der: &[u8]) -> Result<(ObjectIdentifier, crate::der_walk::Tlv<'_>), DirectError> {
    use crate::der_walk::{Walker, read_tagged};
    let e = |err: der::Error| DirectError::cms(format!("ContentInfo: {err}"));
    let mut outer = Walker::new(der).map_err(e)?;
    let sequence = read_tagged(&mut outer, der::Tag::Sequence).map_err(e)?;
    outer.finish().map_err(e)?;
    let mut fields = Walker::new(sequence.value).map_err(e)?;
    let content_type: ObjectIdentifier = fields.decode().map_err(e)?;
    let explicit = read_tagged(&mut fields, der::TagNumber(0).context_specific(true)).map_err(e)?;
    fields.finish().map_err(e)?;
    let mut inner = Walker::new(explicit.value).map_err(e)?;
    let content = crate::der_walk::read_any(&mut inner).map_err(e)?;
    inner.finish().map_err(e)?;
    Ok((content_type, content))
}

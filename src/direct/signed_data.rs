//! Decoding a CMS SignedData (RFC 5652 §5.1) for verification: the `cms` crate's types, plus
//! what they would lose by re-encoding — the certificates exactly as transmitted and each
//! SignerInfo's signed attributes in their transmitted order.

use cms::signed_data::SignedData;
use der::Tag;

use super::content_info::{self, ID_AUTH_ENVELOPED_DATA, ID_ENVELOPED_DATA, ID_SIGNED_DATA};
use super::{DirectError, Limits};
use crate::cert::Certificate;
use crate::der_walk::{Walker, read_any, read_optional, read_tagged};

/// The decoded SignedData, its certificates, and its signers' signed attributes as
/// transmitted.
pub(crate) struct Parsed {
    pub(crate) signed_data: SignedData,
    pub(crate) certificates: Vec<Certificate>,
    /// Each SignerInfo's TLV and its signed attributes as transmitted, re-tagged as a SET OF.
    pub(crate) raw_signer_infos: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Decodes a ContentInfo holding a SignedData (DER, BER or PEM).
pub(crate) fn parse(input: &[u8], limits: &Limits) -> Result<Parsed, DirectError> {
    let content_info = content_info::decode(input, limits)?;
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
            if let Some(attrs) = read_optional(&mut fields, der::TagNumber(0).context_specific(true))? {
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

//! OCSP responses (RFC 6960 §4.2): the BasicOCSPResponse, parsed once.
//!
//! x509-ocsp does not yet support x509-cert 0.3, so the few ASN.1 structures are walked here
//! with the `der` reader, keeping spans into the original DER for the signature check.
//!
//! ```text
//! OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
//! ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
//! BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
//!     signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
//! ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
//!     producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
//! ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }
//! SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
//!     nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }
//! CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
//!     issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
//! CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }
//! RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
//! ```

use const_oid::ObjectIdentifier;
use der::{Decode, Tag, TagNumber, Tagged};

use crate::cert::Certificate;
use crate::cert::extensions::walk_extensions;
use crate::crypto::DigestAlgorithm;
use crate::crypto::signed::{FieldNames, Signed};
use crate::der_walk::{Span, Walker, read_any, read_optional, read_tagged};
use crate::error::ParseError;
use crate::time::generalized_time;

const ID_PKIX_OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
const ID_PKIX_OCSP_NONCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");

/// Largest OCSP response accepted, in bytes.
pub const MAX_OCSP_LEN: usize = 1 << 20;
/// Most SingleResponses read from one OCSP response.
const MAX_SINGLE_RESPONSES: usize = 10_000;
/// Most certificates read from one OCSP response.
const MAX_RESPONSE_CERTS: usize = 16;

/// How the responder identifies itself.
#[derive(Debug, Clone)]
pub(crate) enum ResponderId {
    /// Full Name TLV.
    ByName(Span),
    /// SHA-1 of the responder's subjectPublicKey bits.
    ByKey(Span),
}

/// A certificate's status in one SingleResponse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OcspStatus {
    Good,
    Revoked { reason: Option<u8> },
    Unknown,
}

/// One SingleResponse.
#[derive(Debug, Clone)]
pub(crate) struct SingleResponse {
    pub(crate) hash: DigestAlgorithm,
    pub(crate) name_hash: Span,
    pub(crate) key_hash: Span,
    pub(crate) serial: Span,
    pub(crate) status: OcspStatus,
    /// `thisUpdate` and `nextUpdate`, seconds since the epoch (negative before 1970).
    pub(crate) this_update: i64,
    pub(crate) next_update: Option<i64>,
    pub(crate) unknown_critical: bool,
}

/// A parsed, successful OCSP response.
#[derive(Debug, Clone)]
pub struct OcspResponse {
    der: Vec<u8>,
    /// tbsResponseData, the signatureAlgorithm and the signature.
    signed: crate::crypto::signed::Signed,
    pub(crate) responder: ResponderId,
    pub(crate) produced_at: i64,
    pub(crate) responses: Vec<SingleResponse>,
    pub(crate) certs: Vec<Certificate>,
    pub(crate) unknown_critical: Option<ObjectIdentifier>,
}

/// The signed fields of a BasicOCSPResponse, as errors name them.
const FIELDS: FieldNames =
    FieldNames { tbs: "tbsResponseData", algorithm: "OCSP signatureAlgorithm", signature: "OCSP signature" };

fn ctx(n: u32, constructed: bool) -> Tag {
    TagNumber(n).context_specific(constructed)
}

impl OcspResponse {
    /// Parses a DER OCSPResponse. Responses whose status is not `successful`, or that are not
    /// BasicOCSPResponses, are errors: they carry no certificate status.
    pub fn from_der(der: impl Into<Vec<u8>>) -> Result<Self, ParseError> {
        let der = der.into();
        if der.len() > MAX_OCSP_LEN {
            return Err(ParseError::TooLarge { what: "OCSP response", size: der.len(), limit: MAX_OCSP_LEN });
        }
        parse(der)
    }

    fn bytes(&self, span: Span) -> &[u8] {
        span.get(&self.der)
    }

    /// The original DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `producedAt` (a time before 1970 reads as the epoch).
    pub fn produced_at(&self) -> rustls_pki_types::UnixTime {
        crate::time::to_unix_time(self.produced_at)
    }

    /// The earliest `nextUpdate` of its SingleResponses: the response says nothing reliable
    /// after it. `None` when a SingleResponse has no `nextUpdate` (or there is none), whose
    /// freshness the policy then bounds from `thisUpdate`.
    pub fn next_update(&self) -> Option<rustls_pki_types::UnixTime> {
        let mut earliest: Option<i64> = None;
        for single in &self.responses {
            let next = single.next_update?;
            earliest = Some(earliest.map_or(next, |e| e.min(next)));
        }
        earliest.map(crate::time::to_unix_time)
    }

    /// The latest `thisUpdate` of its SingleResponses (`None` when there is none).
    pub fn this_update(&self) -> Option<rustls_pki_types::UnixTime> {
        self.responses.iter().map(|s| s.this_update).max().map(crate::time::to_unix_time)
    }

    /// Number of SingleResponses.
    pub fn len(&self) -> usize {
        self.responses.len()
    }

    /// Whether the response carries no SingleResponse.
    pub fn is_empty(&self) -> bool {
        self.responses.is_empty()
    }

    /// The response's signature, to be checked with the responder's `key`.
    pub(crate) fn signed_by<'a>(&'a self, key: crate::crypto::KeyRef<'a>) -> crate::crypto::cache::SignedData<'a> {
        self.signed.by(&self.der, key)
    }

    pub(crate) fn span(&self, span: Span) -> &[u8] {
        self.bytes(span)
    }
}

fn hash_from_alg(value: &[u8]) -> Result<DigestAlgorithm, ParseError> {
    let mut r = Walker::new(value).map_err(ParseError::der("CertID hashAlgorithm"))?;
    let oid: ObjectIdentifier = r.decode().map_err(ParseError::der("CertID hashAlgorithm"))?;
    DigestAlgorithm::from_oid(oid)
        .ok_or_else(|| ParseError::invalid("CertID hashAlgorithm", "unsupported hash algorithm"))
}

fn parse(der: Vec<u8>) -> Result<OcspResponse, ParseError> {
    let e = ParseError::der;
    let base: &[u8] = &der;
    let mut r = Walker::new(base).map_err(e("OCSPResponse"))?;
    let outer = read_tagged(&mut r, Tag::Sequence).map_err(e("OCSPResponse"))?;
    r.finish().map_err(e("OCSPResponse"))?;
    let mut r = Walker::new(outer.value).map_err(e("OCSPResponse"))?;
    let status = read_tagged(&mut r, Tag::Enumerated).map_err(e("responseStatus"))?;
    if status.value != [0] {
        return Err(ParseError::invalid("OCSPResponse", "responseStatus is not successful"));
    }
    let bytes = read_tagged(&mut r, ctx(0, true)).map_err(e("responseBytes"))?;
    r.finish().map_err(e("OCSPResponse"))?;
    let mut r = Walker::new(bytes.value).map_err(e("responseBytes"))?;
    let rb = read_tagged(&mut r, Tag::Sequence).map_err(e("responseBytes"))?;
    r.finish().map_err(e("responseBytes"))?;
    let mut r = Walker::new(rb.value).map_err(e("responseBytes"))?;
    let kind: ObjectIdentifier = r.decode().map_err(e("responseType"))?;
    if kind != ID_PKIX_OCSP_BASIC {
        return Err(ParseError::invalid("responseType", "not id-pkix-ocsp-basic"));
    }
    let response = read_tagged(&mut r, Tag::OctetString).map_err(e("response"))?;
    r.finish().map_err(e("responseBytes"))?;

    let mut r = Walker::new(response.value).map_err(e("BasicOCSPResponse"))?;
    let basic = read_tagged(&mut r, Tag::Sequence).map_err(e("BasicOCSPResponse"))?;
    r.finish().map_err(e("BasicOCSPResponse"))?;
    let mut r = Walker::new(basic.value).map_err(e("BasicOCSPResponse"))?;
    let (signed, tbs) = Signed::read(&mut r, base, FIELDS)?;
    let mut certs = Vec::new();
    if let Some(c) = read_optional(&mut r, ctx(0, true)).map_err(e("OCSP certs"))? {
        let mut cr = Walker::new(c.value).map_err(e("OCSP certs"))?;
        let list = read_tagged(&mut cr, Tag::Sequence).map_err(e("OCSP certs"))?;
        let mut lr = Walker::new(list.value).map_err(e("OCSP certs"))?;
        while !lr.is_finished() {
            if certs.len() >= MAX_RESPONSE_CERTS {
                return Err(ParseError::invalid("OCSP certs", "too many certificates"));
            }
            let cert = read_tagged(&mut lr, Tag::Sequence).map_err(e("OCSP certs"))?;
            certs.push(Certificate::from_der(cert.full.to_vec())?);
        }
    }
    r.finish().map_err(e("BasicOCSPResponse"))?;

    let mut t = Walker::new(tbs.value).map_err(e("ResponseData"))?;
    if let Some(v) = read_optional(&mut t, ctx(0, true)).map_err(e("ResponseData version"))?
        && v.value != [0x02, 0x01, 0x00]
    {
        return Err(ParseError::invalid("ResponseData", "unknown version"));
    }
    let responder_tlv = read_any(&mut t).map_err(e("responderID"))?;
    let responder = if responder_tlv.tag == ctx(1, true) {
        let mut nr = Walker::new(responder_tlv.value).map_err(e("responderID"))?;
        let name = read_tagged(&mut nr, Tag::Sequence).map_err(e("responderID"))?;
        ResponderId::ByName(Span::of(base, name.full))
    } else if responder_tlv.tag == ctx(2, true) {
        let mut kr = Walker::new(responder_tlv.value).map_err(e("responderID"))?;
        let key = read_tagged(&mut kr, Tag::OctetString).map_err(e("responderID"))?;
        ResponderId::ByKey(Span::of(base, key.value))
    } else {
        return Err(ParseError::invalid("responderID", "neither byName nor byKey"));
    };
    let produced_at = generalized_time(&read_any(&mut t).map_err(e("producedAt"))?, "producedAt")?;
    let list = read_tagged(&mut t, Tag::Sequence).map_err(e("responses"))?;
    let mut unknown_critical = None;
    if let Some(x) = read_optional(&mut t, ctx(1, true)).map_err(e("responseExtensions"))? {
        walk_extensions("responseExtensions", x.value, |oid, critical, _| {
            if critical && oid != ID_PKIX_OCSP_NONCE {
                unknown_critical.get_or_insert(oid);
            }
            Ok(())
        })?;
    }
    t.finish().map_err(e("ResponseData"))?;

    let mut responses = Vec::new();
    let mut lr = Walker::new(list.value).map_err(e("responses"))?;
    while !lr.is_finished() {
        if responses.len() >= MAX_SINGLE_RESPONSES {
            return Err(ParseError::invalid("responses", "too many SingleResponses"));
        }
        let single = read_tagged(&mut lr, Tag::Sequence).map_err(e("SingleResponse"))?;
        responses.push(parse_single(base, single.value)?);
    }
    Ok(OcspResponse { signed, responder, produced_at, responses, certs, unknown_critical, der })
}

fn parse_single(base: &[u8], value: &[u8]) -> Result<SingleResponse, ParseError> {
    let e = ParseError::der;
    let mut r = Walker::new(value).map_err(e("SingleResponse"))?;
    let cert_id = read_tagged(&mut r, Tag::Sequence).map_err(e("CertID"))?;
    let mut cr = Walker::new(cert_id.value).map_err(e("CertID"))?;
    let alg = read_tagged(&mut cr, Tag::Sequence).map_err(e("CertID hashAlgorithm"))?;
    let hash = hash_from_alg(alg.value)?;
    let name_hash = read_tagged(&mut cr, Tag::OctetString).map_err(e("issuerNameHash"))?;
    let key_hash = read_tagged(&mut cr, Tag::OctetString).map_err(e("issuerKeyHash"))?;
    let serial = read_tagged(&mut cr, Tag::Integer).map_err(e("CertID serialNumber"))?;
    let serial_value = der::asn1::IntRef::from_der(serial.full).map_err(e("CertID serialNumber"))?;
    cr.finish().map_err(e("CertID"))?;

    let status_tlv = read_any(&mut r).map_err(e("certStatus"))?;
    let status = if status_tlv.tag == ctx(0, false) {
        OcspStatus::Good
    } else if status_tlv.tag == ctx(2, false) {
        OcspStatus::Unknown
    } else if status_tlv.tag == ctx(1, true) {
        let mut ri = Walker::new(status_tlv.value).map_err(e("RevokedInfo"))?;
        generalized_time(&read_any(&mut ri).map_err(e("revocationTime"))?, "revocationTime")?;
        let reason = match read_optional(&mut ri, ctx(0, true)).map_err(e("revocationReason"))? {
            Some(x) => {
                let code = der::asn1::AnyRef::from_der(x.value).map_err(e("revocationReason"))?;
                match (code.tag(), code.value()) {
                    (Tag::Enumerated, [c]) => Some(*c),
                    _ => return Err(ParseError::invalid("revocationReason", "not a CRLReason")),
                }
            }
            None => None,
        };
        ri.finish().map_err(e("RevokedInfo"))?;
        OcspStatus::Revoked { reason }
    } else {
        return Err(ParseError::invalid("certStatus", "unknown choice"));
    };
    let this_update = generalized_time(&read_any(&mut r).map_err(e("thisUpdate"))?, "thisUpdate")?;
    let next_update = match read_optional(&mut r, ctx(0, true)).map_err(e("nextUpdate"))? {
        Some(x) => {
            let mut nr = Walker::new(x.value).map_err(e("nextUpdate"))?;
            Some(generalized_time(&read_any(&mut nr).map_err(e("nextUpdate"))?, "nextUpdate")?)
        }
        None => None,
    };
    let mut unknown_critical = false;
    if let Some(x) = read_optional(&mut r, ctx(1, true)).map_err(e("singleExtensions"))? {
        walk_extensions("singleExtensions", x.value, |_, critical, _| {
            unknown_critical |= critical;
            Ok(())
        })?;
    }
    r.finish().map_err(e("SingleResponse"))?;
    Ok(SingleResponse {
        hash,
        name_hash: Span::of(base, name_hash.value),
        key_hash: Span::of(base, key_hash.value),
        serial: Span::of(base, serial_value.as_bytes()),
        status,
        this_update,
        next_update,
        unknown_critical,
    })
}

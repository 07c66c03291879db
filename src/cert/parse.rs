//! Reading a certificate's DER into [`Parsed`]: the outer structure and the TBSCertificate's
//! fields as spans, the common encodings read directly (differentially tested against `der` and
//! `x509-cert`), everything else left to them.

use der::{Decode, Tag, TagNumber};
use rustls_pki_types::CertificateDer;

use super::*;
use crate::crypto::signed::{FieldNames, Signed};
use crate::der_walk::{Span, Walker, bit_string_bytes, read_any, read_optional, read_tagged};
use crate::error::ParseError;

fn ctx(number: u32, constructed: bool) -> Tag {
    TagNumber(number).context_specific(constructed)
}

/// The signed fields of a certificate, as errors name them.
const FIELDS: FieldNames =
    FieldNames { tbs: "tbsCertificate", algorithm: "signatureAlgorithm", signature: "signatureValue" };

pub(super) fn parse(der: CertificateDer<'static>) -> Result<Parsed, ParseError> {
    let what = "certificate";
    let e = ParseError::der;
    let base: &[u8] = der.as_ref();
    let mut r = Walker::new(base).map_err(e(what))?;
    let cert = read_tagged(&mut r, Tag::Sequence).map_err(e(what))?;
    r.finish().map_err(e(what))?;

    let mut r = Walker::new(cert.value).map_err(e(what))?;
    let (signed, tbs) = Signed::read(&mut r, base, FIELDS)?;
    r.finish().map_err(e(what))?;

    let what = "tbsCertificate";
    let mut t = Walker::new(tbs.value).map_err(e(what))?;
    let version = match read_optional(&mut t, ctx(0, true)).map_err(e("version"))? {
        Some(v) => {
            let n = match common_shapes::small_integer(v.value) {
                Some(n) => n,
                None => u8::from_der(v.value).map_err(e("version"))?,
            };
            if n > 2 {
                return Err(ParseError::invalid("version", "unknown certificate version"));
            }
            n
        }
        None => 0,
    };
    let serial = read_tagged(&mut t, Tag::Integer).map_err(e("serialNumber"))?;
    // DER's minimal INTEGER encoding (der gives the error).
    if !common_shapes::is_minimal_integer(serial.value) {
        der::asn1::IntRef::from_der(serial.full).map_err(e("serialNumber"))?;
    }
    let tbs_sig_alg = read_tagged(&mut t, Tag::Sequence).map_err(e("signature"))?;
    let issuer = read_tagged(&mut t, Tag::Sequence).map_err(e("issuer"))?;
    dn::walk(issuer.full, |_, _| {}).map_err(e("issuer"))?;
    let validity = read_tagged(&mut t, Tag::Sequence).map_err(e("validity"))?;
    let (not_before, not_after) = parse_validity(validity.value)?;
    let subject = read_tagged(&mut t, Tag::Sequence).map_err(e("subject"))?;
    let mut subject_cn = CommonNames::None;
    dn::walk(subject.full, |oid, value| {
        if oid == const_oid::db::rfc4519::CN.as_bytes() {
            subject_cn = match subject_cn {
                CommonNames::None => CommonNames::One(value.tag, Span::of(base, value.value)),
                _ => CommonNames::Several,
            };
        }
    })
    .map_err(e("subject"))?;
    let spki = read_tagged(&mut t, Tag::Sequence).map_err(e("subjectPublicKeyInfo"))?;
    let (spki_algorithm, public_key) = parse_spki(spki.value)?;
    for (n, field) in [(1, "issuerUniqueID"), (2, "subjectUniqueID")] {
        if read_optional(&mut t, ctx(n, false)).map_err(e(field))?.is_some() && version == 0 {
            return Err(ParseError::invalid(field, "unique identifiers need version 2 or 3"));
        }
    }
    let ext = match read_optional(&mut t, ctx(3, true)).map_err(e("extensions"))? {
        Some(x) => {
            if version != 2 {
                return Err(ParseError::invalid("extensions", "extensions need version 3"));
            }
            Extensions::parse(base, x.value)?
        }
        None => Extensions::default(),
    };
    t.finish().map_err(e(what))?;

    Ok(Parsed {
        version,
        signed,
        tbs_signature_algorithm: Span::of(base, tbs_sig_alg.value),
        serial: Span::of(base, serial.value),
        issuer: Span::of(base, issuer.full),
        subject: Span::of(base, subject.full),
        subject_cn,
        self_issued_bytes: issuer.full == subject.full,
        self_issued: std::sync::OnceLock::new(),
        canonical_subject: std::sync::OnceLock::new(),
        canonical_issuer: std::sync::OnceLock::new(),
        profile_memo: Default::default(),
        subject_name: std::sync::OnceLock::new(),
        key_digest: std::sync::OnceLock::new(),
        spki: Span::of(base, spki.full),
        spki_algorithm: Span::of(base, spki_algorithm),
        public_key: Span::of(base, public_key),
        rsa_bits: crate::crypto::KeyRef::new(spki_algorithm, public_key).rsa_bits,
        not_before,
        not_after,
        ext,
        der,
    })
}

fn parse_validity(value: &[u8]) -> Result<(i64, i64), ParseError> {
    let mut r = Walker::new(value).map_err(ParseError::der("validity"))?;
    let not_before = crate::time::x509_time(&r.read_any().map_err(ParseError::der("notBefore"))?, "notBefore")?;
    let not_after = crate::time::x509_time(&r.read_any().map_err(ParseError::der("notAfter"))?, "notAfter")?;
    r.finish().map_err(ParseError::der("validity"))?;
    Ok((not_before, not_after))
}

/// Returns (AlgorithmIdentifier value, subjectPublicKey bits).
pub(crate) fn parse_spki(value: &[u8]) -> Result<(&[u8], &[u8]), ParseError> {
    let e = ParseError::der;
    let what = "subjectPublicKeyInfo";
    let mut r = Walker::new(value).map_err(e(what))?;
    let alg = read_tagged(&mut r, Tag::Sequence).map_err(e(what))?;
    let key = read_any(&mut r).map_err(e(what))?;
    let key = bit_string_bytes(&key).map_err(e(what))?;
    r.finish().map_err(e(what))?;
    Ok((alg.value, key))
}

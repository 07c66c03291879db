//! Malformed CRLs and OCSP responses under `revocation-bad/`: not validation cases (they are
//! not in the manifest) but inputs that `Crl::from_der` and `OcspResponse::from_der` must
//! reject with a typed parse error, never a panic. `tests/revocation.rs` lists what each
//! file must produce.

use const_oid::ObjectIdentifier;
use trustpath_testgen::bundle::tlv;
use trustpath_testgen::crl::{CrlEntry, crl_number};
use trustpath_testgen::ocsp::{CertId, CertIdHash, OcspCertStatus, ResponderId, SingleResponse, status, status_only};
use trustpath_testgen::time::{unix, validation_time};
use trustpath_testgen::{CrlBuilder, Error, Ext, OcspResponseBuilder, Result};

use super::revocation::{LEAF_SERIAL, Rev, week_after, week_before};
use crate::context::Gen;

/// Deterministic bytes that are not DER.
fn garbage(n: usize) -> Vec<u8> {
    (0..n).map(|i| ((i * 37 + 11) % 251) as u8).collect()
}

/// A DER header claiming a 2 GiB SEQUENCE, followed by a few bytes.
fn huge_length() -> Vec<u8> {
    vec![0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00]
}

fn truncated(der: &[u8]) -> Vec<u8> {
    der.get(..der.len() / 2).unwrap_or_default().to_vec()
}

fn retagged(der: &[u8], tag: u8) -> Vec<u8> {
    let mut out = der.to_vec();
    if let Some(first) = out.first_mut() {
        *first = tag;
    }
    out
}

fn with_trailing(der: &[u8]) -> Vec<u8> {
    [der, &[0x00, 0x00]].concat()
}

/// Replaces the first occurrence of `from` in `der` by `to` (same length).
fn patched(der: &[u8], from: &[u8], to: &[u8]) -> Result<Vec<u8>> {
    let at = der.windows(from.len()).position(|w| w == from).ok_or_else(|| Error::msg("patched: pattern not found"))?;
    let mut out = der.to_vec();
    out.splice(at..at + from.len(), to.iter().copied());
    Ok(out)
}

pub fn generate(g: &mut Gen, r: &Rev) -> Result<()> {
    let crl = |entries: Vec<CrlEntry>| -> Result<CrlBuilder> {
        Ok(CrlBuilder::new(&r.int.name, week_before(), week_after())?.extension(crl_number(1)).entries(entries))
    };
    let good = crl(r.padding())?.sign(&r.int.key)?;
    // The revocation date of this entry is unique in the CRL, so its UTCTime can be found.
    let odd_date = unix(2026, 4, 3, 2, 1, 0);
    let dated = crl(vec![CrlEntry::new(&[0x01], odd_date)])?.sign(&r.int.key)?;
    let utc = b"260403020100Z";
    let bad_date = patched(&dated, &[&[0x17, 0x0d][..], utc].concat(), &[&[0x04, 0x0d][..], utc].concat())?;
    let reason_integer = Ext::raw(const_oid::db::rfc5280::ID_CE_CRL_REASONS, false, tlv(0x02, &[0x01]));
    let crls: [(&str, Vec<u8>); 10] = [
        ("crl-truncated", truncated(&good)),
        ("crl-garbage", garbage(96)),
        ("crl-empty", Vec::new()),
        ("crl-wrong-outer-tag", retagged(&good, 0x31)),
        ("crl-trailing-data", with_trailing(&good)),
        ("crl-huge-length", huge_length()),
        ("crl-version-3", crl(r.padding())?.version_raw(Some(vec![2])).sign(&r.int.key)?),
        ("crl-revocation-date-not-time", bad_date),
        (
            "crl-reason-not-enumerated",
            crl(vec![CrlEntry::new(&[0x01], odd_date).extension(reason_integer)])?.sign(&r.int.key)?,
        ),
        ("crl-extension-id-not-oid", patched(&good, &[0x06, 0x03, 0x55, 0x1d, 0x14], &[0x04, 0x03, 0x55, 0x1d, 0x14])?),
    ];
    for (name, der) in crls {
        g.file(&format!("revocation-bad/{name}.crl"), der)?;
    }
    g.file("revocation-bad/good.crl", good)?;

    let t = validation_time();
    let id = CertId::new(CertIdHash::Sha1, &r.int.name, r.int.key.spki_der(), LEAF_SERIAL)?;
    let response = |single: SingleResponse| {
        OcspResponseBuilder::new(ResponderId::ByName(r.int.name.clone()), t - 3_600).response(single)
    };
    let good_single = SingleResponse::new(id.clone(), OcspCertStatus::Good, t - 86_400, Some(t + 86_400));
    let good = response(good_single.clone()).sign(&r.int.key)?;
    let md5 = tlv(0x30, &[0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00]);
    let md5_id = CertId { hash: CertIdHash::Raw(md5), ..id.clone() };
    let unknown_type = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.99");
    let ocsp: [(&str, Vec<u8>); 16] = [
        ("ocsp-truncated", truncated(&good)),
        ("ocsp-garbage", garbage(80)),
        ("ocsp-empty", Vec::new()),
        ("ocsp-wrong-outer-tag", retagged(&good, 0x31)),
        ("ocsp-trailing-data", with_trailing(&good)),
        ("ocsp-huge-length", huge_length()),
        ("ocsp-malformed-request", status_only(status::MALFORMED_REQUEST)),
        ("ocsp-internal-error", status_only(status::INTERNAL_ERROR)),
        ("ocsp-try-later", status_only(status::TRY_LATER)),
        ("ocsp-unauthorized", status_only(status::UNAUTHORIZED)),
        ("ocsp-successful-without-bytes", status_only(status::SUCCESSFUL)),
        (
            "ocsp-try-later-with-bytes",
            response(good_single.clone()).response_status(status::TRY_LATER).sign(&r.int.key)?,
        ),
        ("ocsp-unknown-response-type", response(good_single.clone()).response_type(unknown_type).sign(&r.int.key)?),
        ("ocsp-unknown-version", response(good_single.clone()).version_raw(Some(vec![1])).sign(&r.int.key)?),
        (
            "ocsp-bad-cert-status",
            response(SingleResponse::new(id, OcspCertStatus::Raw(vec![0x83, 0x00]), t - 86_400, None))
                .sign(&r.int.key)?,
        ),
        (
            "ocsp-unsupported-certid-hash",
            response(SingleResponse::new(md5_id, OcspCertStatus::Good, t - 86_400, None)).sign(&r.int.key)?,
        ),
    ];
    for (name, der) in ocsp {
        g.file(&format!("revocation-bad/{name}.ocsp"), der)?;
    }
    g.file("revocation-bad/good.ocsp", good)?;
    Ok(())
}

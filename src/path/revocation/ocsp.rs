//! RFC 6960: a certificate's status from OCSP responses.
//!
//! A SingleResponse applies when its CertID names the certificate and its issuer (name and
//! key hashes, serial). The response must be signed by the issuer, or by a responder the
//! issuer delegated to with id-kp-OCSPSigning (§4.2.2.2), and be current.

use super::{Issuer, Search, Target, Verdict, crl};
use crate::cert::name_match;
use crate::crypto::DigestAlgorithm;
use crate::error::ValidationError;
use crate::policy::EKU_OCSP_SIGNING;
use crate::revocation::crl::reason_name;
use crate::revocation::ocsp::{OcspStatus, ResponderId};
use crate::revocation::{CertStatus, OcspResponse};

/// What the OCSP responses of the revocation data say about `target`.
pub(super) fn verdicts(search: &mut Search<'_, '_>, target: &Target<'_>) -> Result<Vec<Verdict>, ValidationError> {
    let mut out = Vec::new();
    let Some(data) = search.input.revocation else { return Ok(out) };
    let (cert, issuer) = (target.cert, &target.issuer);
    // DER integers are minimal, so equal serials have equal content octets: compare them
    // exactly (stripping a leading zero would confuse a positive serial with a negative one).
    let serial = cert.serial();
    for response in &data.ocsp {
        let matching: Vec<_> = response
            .responses
            .iter()
            .filter(|s| {
                response.span(s.serial) == serial
                    && response.span(s.name_hash) == s.hash.digest(cert.issuer_der()).as_slice()
                    && response.span(s.key_hash) == s.hash.digest(issuer.key.key).as_slice()
            })
            .collect();
        if matching.is_empty() {
            continue;
        }
        if let Some(oid) = response.unknown_critical {
            out.push(Verdict::Invalid(format!("OCSP response has unknown critical extension {oid}")));
            continue;
        }
        if let Err(why) = verify_response(search, response, target)? {
            out.push(Verdict::Invalid(why));
            continue;
        }
        let now = crate::time::unix_seconds(search.input.time);
        for single in matching {
            if single.unknown_critical {
                out.push(Verdict::Invalid("OCSP SingleResponse has an unknown critical extension".into()));
                continue;
            }
            let expires = single.next_update.unwrap_or(
                single.this_update.saturating_add_unsigned(search.policy.revocation.ocsp_max_age_without_next_update),
            );
            if now < single.this_update || now > expires {
                out.push(Verdict::Missing(Vec::new()));
                continue;
            }
            out.push(Verdict::Status(match single.status {
                OcspStatus::Good => CertStatus::Good,
                OcspStatus::Revoked { reason } => CertStatus::Revoked { reason: reason_name(reason.unwrap_or(0)) },
                OcspStatus::Unknown => CertStatus::Unknown,
            }));
        }
    }
    Ok(out)
}

fn responder_matches(response: &OcspResponse, subject: &[u8], key: &[u8]) -> bool {
    match &response.responder {
        ResponderId::ByName(span) => name_match::equivalent(response.span(*span), subject),
        ResponderId::ByKey(span) => response.span(*span) == DigestAlgorithm::Sha1.digest(key).as_slice(),
    }
}

/// Verifies who signed the response. `Ok(Err(why))` when it is not trustworthy.
fn verify_response(
    search: &mut Search<'_, '_>,
    response: &OcspResponse,
    target: &Target<'_>,
) -> Result<Result<(), String>, ValidationError> {
    let issuer: &Issuer<'_> = &target.issuer;
    let data = search.input.revocation.map(|d| d.certificates.as_slice()).unwrap_or_default();
    let signed = |key| response.signed_by(key);
    if responder_matches(response, issuer.subject, issuer.key.key) {
        let checked = search.verify_signature(&signed(issuer.key))?;
        return Ok(checked.map_err(|r| format!("OCSP response signature: {r}")));
    }
    // A delegated responder (RFC 6960 §4.2.2.2): certified directly by the issuer for
    // id-kp-OCSPSigning, valid now, and not revoked by a CRL of that issuer among the data
    // unless it carries id-pkix-ocsp-nocheck (§4.2.2.2.1). Without such a CRL its status is
    // not known and the response is used, as most responders carry nocheck.
    let candidates = response.certs.iter().chain(data);
    for responder in candidates {
        if !name_match::equivalent(responder.issuer_der(), issuer.subject)
            || !responder_matches(response, responder.subject_der(), responder.public_key())
        {
            continue;
        }
        if responder.eku_contains(&EKU_OCSP_SIGNING) != Some(true) {
            return Ok(Err("delegated OCSP responder lacks id-kp-OCSPSigning (RFC 6960 §4.2.2.2)".into()));
        }
        if crate::path::check_validity(responder, search.input.time).is_err() {
            return Ok(Err("delegated OCSP responder certificate is not valid at the validation time".into()));
        }
        let certificate = responder.signed_by(issuer.key);
        if search.verify_signature(&certificate)?.is_err() {
            return Ok(Err("delegated OCSP responder is not certified by the issuer".into()));
        }
        let as_target = Target { cert: responder, issuer: target.issuer, above: target.above, anchor: target.anchor };
        if !responder.inner().ext.ocsp_no_check
            && let Some(Verdict::Status(CertStatus::Revoked { reason })) = crl::verdict(search, &as_target)?
        {
            return Ok(Err(format!("delegated OCSP responder is revoked ({reason}) by its issuer's CRL")));
        }
        let response_signed = signed(responder.key_ref());
        let checked = search.verify_signature(&response_signed)?;
        return Ok(checked.map_err(|r| format!("OCSP response signature: {r}")));
    }
    Ok(Err("OCSP response signed by an unknown responder".into()))
}

//! Deciding each certificate's status from the supplied CRLs and OCSP responses.
//!
//! CRLs follow RFC 5280 §6.3.3: a complete CRL from the certificate's issuer (or an indirect
//! CRL from the CRL issuer its distribution point names) that is in scope (issuing
//! distribution point), current at the validation time, signed by a key allowed to sign CRLs,
//! and free of unknown critical extensions; a delta CRL on top of it when one matches its
//! base. OCSP follows RFC 6960 §3.2: the CertID must match the certificate and its issuer, the
//! response must be signed by the issuer or by a responder the issuer delegated to with
//! id-kp-OCSPSigning, and be current. The first usable "revoked" wins, then "good".

use const_oid::ObjectIdentifier;
use rustls_pki_types::UnixTime;
use x509_cert::ext::pkix::crl::dp::{ReasonFlags, Reasons};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};

use super::crl::{REASON_REMOVE_FROM_CRL, number_cmp, reason_name};
use super::ocsp::{OcspStatus, ResponderId};
use super::{
    CertStatus, Crl, OcspResponse, RevocationData, RevocationMode, RevocationScope, RevocationStatus, StatusSource,
};
use crate::cert::Certificate;
use crate::crypto::KeyRef;
use crate::crypto::cache::SignedData;
use crate::crypto::rustcrypto::Hash;
use crate::error::{Need, NeedKind, Reason, ValidationError};
use crate::path::BudgetCounter;
use crate::policy::Policy;
use crate::trust::Anchor;

/// id-kp-OCSPSigning.
const EKU_OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
/// id-ad-ocsp.
pub(crate) const AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");

/// The key and name that issued the certificate being checked.
struct Issuer<'a> {
    subject: &'a [u8],
    key: KeyRef<'a>,
    cert: Option<&'a Certificate>,
}

/// Outcome of checking a path: per-certificate statuses and what could still be fetched.
pub(crate) struct Checked {
    pub(crate) statuses: Vec<RevocationStatus>,
    pub(crate) needs: Vec<Need>,
}

/// What one source says about a certificate.
enum Verdict {
    Status(CertStatus),
    /// Applicable but not current: fetch a fresh one.
    Stale,
    /// Applicable but untrustworthy.
    Invalid(String),
}

pub(crate) fn fetch_needs(cert: &Certificate, index: usize) -> Vec<Need> {
    vec![
        Need { certificate_index: index, kind: NeedKind::Crl, urls: cert.crl_distribution_urls() },
        Need { certificate_index: index, kind: NeedKind::Ocsp, urls: cert.aia_urls(AD_OCSP) },
    ]
}

/// Checks the revocation status of `chain` (leaf first) ending at `anchor`.
pub(crate) fn check_path(
    chain: &[Certificate],
    anchor: &Anchor,
    policy: &Policy,
    data: Option<&RevocationData>,
    time: UnixTime,
    budget: &mut BudgetCounter<'_>,
) -> Result<Checked, ValidationError> {
    let mut out = Checked { statuses: Vec::new(), needs: Vec::new() };
    let rp = &policy.revocation;
    if rp.mode == RevocationMode::Off {
        return Ok(out);
    }
    let empty = RevocationData::default();
    let data = data.unwrap_or(&empty);
    let count = match rp.scope {
        RevocationScope::Leaf => chain.len().min(1),
        RevocationScope::Chain => chain.len(),
    };
    for (index, cert) in chain.iter().enumerate().take(count) {
        let issuer = match chain.get(index + 1) {
            Some(c) => Issuer { subject: c.subject_der(), key: c.key_ref(), cert: Some(c) },
            None => Issuer { subject: anchor.subject_der(), key: anchor.key_ref(), cert: anchor.certificate() },
        };
        let fail = |reason: Reason| ValidationError::new(reason, Some(index)).with_subject(cert.subject_string());
        let mut problems: Vec<String> = Vec::new();
        let mut good: Option<StatusSource> = None;
        let verdicts = ocsp_verdicts(cert, &issuer, data, policy, time, budget)?
            .into_iter()
            .map(|v| (v, StatusSource::Ocsp))
            .chain(crl_verdict(cert, &issuer, data, policy, time, budget)?.map(|v| (v, StatusSource::Crl)));
        for (verdict, source) in verdicts {
            match verdict {
                Verdict::Status(CertStatus::Revoked { reason }) => {
                    let via = if source == StatusSource::Crl { "CRL" } else { "OCSP" };
                    return Err(fail(Reason::Revoked { reason, via }));
                }
                Verdict::Status(CertStatus::Good) => good = good.or(Some(source)),
                Verdict::Status(CertStatus::Unknown) | Verdict::Stale => {}
                Verdict::Invalid(p) => problems.push(p),
            }
        }
        match good {
            Some(source) => {
                out.statuses.push(RevocationStatus { certificate_index: index, status: CertStatus::Good, source });
            }
            _ if !problems.is_empty() => return Err(fail(Reason::RevocationDataInvalid(problems.join("; ")))),
            _ => {
                let needs = fetch_needs(cert, index);
                if rp.mode == RevocationMode::HardFail {
                    return Err(fail(Reason::RevocationUnknown).with_needs(needs));
                }
                out.statuses.push(RevocationStatus {
                    certificate_index: index,
                    status: CertStatus::Unknown,
                    source: StatusSource::None,
                });
                out.needs.extend(needs);
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// CRLs

/// Whether `crl` covers `cert` at all (issuer, indirect CRL naming, distribution point scope).
fn in_scope(crl: &Crl, cert: &Certificate, issuer: &Issuer<'_>) -> bool {
    let direct = crl.issuer_der() == issuer.subject;
    let dps = cert.inner().ext.crl_distribution_points.as_ref().map(|e| &e.value.0);
    if !direct {
        // §6.3.3 (b)(1): an indirect CRL must be named by the certificate's cRLIssuer and say
        // it is indirect.
        let named = dps.is_some_and(|dps| {
            dps.iter().any(|dp| {
                dp.crl_issuer.iter().flatten().any(|n| match n {
                    GeneralName::DirectoryName(dn) => der::Encode::to_der(dn).is_ok_and(|d| d == crl.issuer_der()),
                    _ => false,
                })
            })
        });
        let indirect = crl.idp.as_ref().is_some_and(|i| i.indirect_crl);
        if !named || !indirect {
            return false;
        }
    }
    if let Some(idp) = &crl.idp
        && (idp.only_contains_attribute_certs
            || (idp.only_contains_user_certs && cert.is_ca())
            || (idp.only_contains_ca_certs && !cert.is_ca()))
    {
        return false;
    }
    // §6.3.3 (b)(2)(i): a partitioned CRL covers only certificates whose distribution point
    // names one of its names.
    if let Some(names) = crl.idp_names() {
        let cert_names: Vec<&GeneralName> = dps
            .into_iter()
            .flatten()
            .filter_map(|dp| match &dp.distribution_point {
                Some(DistributionPointName::FullName(n)) => Some(n.iter()),
                _ => None,
            })
            .flatten()
            .collect();
        if !names.iter().any(|n| cert_names.contains(n)) {
            return false;
        }
    }
    true
}

/// Checks a CRL's freshness, integrity and signer. `Ok(())` when usable.
fn usable(
    crl: &Crl,
    issuer: &Issuer<'_>,
    data: &RevocationData,
    policy: &Policy,
    time: UnixTime,
    budget: &mut BudgetCounter<'_>,
) -> Result<Result<(), Verdict>, ValidationError> {
    if let Some(why) = crl.unusable_reason() {
        return Ok(Err(Verdict::Invalid(format!("CRL: {why}"))));
    }
    if !crl.algorithms_consistent() {
        return Ok(Err(Verdict::Invalid("CRL signature algorithms disagree".into())));
    }
    let now = crate::time::unix_seconds(time);
    match crl.next_update {
        None => return Ok(Err(Verdict::Invalid("CRL without nextUpdate (RFC 5280 §5.1.2.5)".into()))),
        Some(next) if now > next => return Ok(Err(Verdict::Stale)),
        _ if now < crl.this_update => return Ok(Err(Verdict::Stale)),
        _ => {}
    }
    // The signer: the certificate's issuer for a direct CRL, otherwise a CRL-signing
    // certificate that the same issuer certified (a CA's dedicated CRL signer).
    let delegate;
    let (key, signer_cert) = if crl.issuer_der() == issuer.subject {
        (issuer.key, issuer.cert)
    } else {
        delegate =
            data.certificates.iter().find(|c| c.subject_der() == crl.issuer_der() && c.issuer_der() == issuer.subject);
        let Some(d) = delegate else {
            return Ok(Err(Verdict::Invalid("indirect CRL signer certificate not supplied".into())));
        };
        let certified = budget.verify_signature(&policy.algorithms, &SignedData::certificate(issuer.key, d))?;
        if certified.is_err() || crate::path::check_validity(d, time).is_err() {
            return Ok(Err(Verdict::Invalid("indirect CRL signer not validly certified by the issuer".into())));
        }
        (d.key_ref(), Some(d))
    };
    if let Some(ku) = signer_cert.and_then(|c| c.inner().ext.key_usage.as_ref())
        && !ku.value.crl_sign()
    {
        return Ok(Err(Verdict::Invalid("CRL issuer's keyUsage lacks cRLSign (RFC 5280 §6.3.3 (f))".into())));
    }
    let signed = SignedData {
        key,
        signature_algorithm: crl.signature_algorithm_id(),
        message: crl.tbs_bytes(),
        signature: crl.signature_bytes(),
        signature_unused_bits: crl.signature_unused_bits,
        memo: Some(&crl.signed_memo),
    };
    if budget.verify_signature(&policy.algorithms, &signed)?.is_err() {
        return Ok(Err(Verdict::Invalid("CRL signature does not verify with the issuer's key".into())));
    }
    Ok(Ok(()))
}

fn crl_verdict(
    cert: &Certificate,
    issuer: &Issuer<'_>,
    data: &RevocationData,
    policy: &Policy,
    time: UnixTime,
    budget: &mut BudgetCounter<'_>,
) -> Result<Option<Verdict>, ValidationError> {
    let mut problem = None;
    let mut stale = false;
    let mut completes: Vec<&Crl> = Vec::new();
    for crl in data.crls.iter().filter(|c| !c.is_delta() && in_scope(c, cert, issuer)) {
        match usable(crl, issuer, data, policy, time, budget)? {
            Ok(()) => completes.push(crl),
            Err(Verdict::Stale) => stale = true,
            Err(v) => problem = Some(v),
        }
    }
    if completes.is_empty() {
        return Ok(problem.or(stale.then_some(Verdict::Stale)));
    }
    // §6.3.3: each usable complete CRL (with the newest delta that applies to it) either
    // finds the certificate revoked, or vouches for it for the reasons it covers; the status
    // is good once the reasons covered add up to all of them.
    let all_reasons = !ReasonFlags::from(Reasons::Unused);
    let mut covered = ReasonFlags::default();
    for complete in completes {
        let delta = newest_delta(complete, cert, issuer, data, policy, time, budget)?;
        let serial = cert.serial();
        let entry = match delta.and_then(|d| d.lookup(serial, cert.issuer_der())) {
            Some(e) => Some(e),
            None => complete.lookup(serial, cert.issuer_der()),
        };
        match entry {
            Some(e) if e.reason == Some(REASON_REMOVE_FROM_CRL) => {}
            Some(e) => {
                let status = CertStatus::Revoked { reason: reason_name(e.reason.unwrap_or(0)) };
                return Ok(Some(Verdict::Status(status)));
            }
            None => {}
        }
        covered |= complete.idp.as_ref().and_then(|i| i.only_some_reasons).unwrap_or(all_reasons);
    }
    // A CRL limited to some reasons cannot vouch that the certificate is not revoked for the
    // others.
    Ok(covered.contains(all_reasons).then_some(Verdict::Status(CertStatus::Good)))
}

/// The newest usable delta CRL that applies to `complete` (same issuer, base CRL number not
/// newer than the complete CRL's, newer than it).
fn newest_delta<'d>(
    complete: &Crl,
    cert: &Certificate,
    issuer: &Issuer<'_>,
    data: &'d RevocationData,
    policy: &Policy,
    time: UnixTime,
    budget: &mut BudgetCounter<'_>,
) -> Result<Option<&'d Crl>, ValidationError> {
    let mut delta: Option<&Crl> = None;
    let base_number = complete.crl_number.as_deref().unwrap_or_default();
    for crl in data.crls.iter().filter(|c| c.is_delta() && in_scope(c, cert, issuer)) {
        let base = crl.delta_base.as_deref().unwrap_or_default();
        let number = crl.crl_number.as_deref().unwrap_or_default();
        let applies = crl.issuer_der() == complete.issuer_der()
            && number_cmp(base, base_number).is_le()
            && number_cmp(number, base_number).is_gt();
        if !applies || delta.is_some_and(|d| number_cmp(number, d.crl_number.as_deref().unwrap_or_default()).is_le()) {
            continue;
        }
        if usable(crl, issuer, data, policy, time, budget)?.is_ok() {
            delta = Some(crl);
        }
    }
    Ok(delta)
}

// ---------------------------------------------------------------------------------------------
// OCSP

fn ocsp_verdicts(
    cert: &Certificate,
    issuer: &Issuer<'_>,
    data: &RevocationData,
    policy: &Policy,
    time: UnixTime,
    budget: &mut BudgetCounter<'_>,
) -> Result<Vec<Verdict>, ValidationError> {
    let mut out = Vec::new();
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
        if let Err(why) = verify_response(response, issuer, data, policy, time, budget)? {
            out.push(Verdict::Invalid(why));
            continue;
        }
        let now = crate::time::unix_seconds(time);
        for single in matching {
            if single.unknown_critical {
                out.push(Verdict::Invalid("OCSP SingleResponse has an unknown critical extension".into()));
                continue;
            }
            let expires = single.next_update.unwrap_or(
                single.this_update.saturating_add_unsigned(policy.revocation.ocsp_max_age_without_next_update),
            );
            if now < single.this_update || now > expires {
                out.push(Verdict::Stale);
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
        ResponderId::ByName(span) => response.span(*span) == subject,
        ResponderId::ByKey(span) => response.span(*span) == Hash::Sha1.digest(key).as_slice(),
    }
}

/// Verifies who signed the response. `Ok(Err(why))` when it is not trustworthy.
fn verify_response(
    response: &OcspResponse,
    issuer: &Issuer<'_>,
    data: &RevocationData,
    policy: &Policy,
    time: UnixTime,
    budget: &mut BudgetCounter<'_>,
) -> Result<Result<(), String>, ValidationError> {
    let signed = |key| SignedData {
        key,
        signature_algorithm: response.signature_algorithm_id(),
        message: response.tbs_bytes(),
        signature: response.signature_bytes(),
        signature_unused_bits: response.signature_unused_bits,
        memo: None,
    };
    if responder_matches(response, issuer.subject, issuer.key.key) {
        let checked = budget.verify_signature(&policy.algorithms, &signed(issuer.key))?;
        return Ok(checked.map_err(|r| format!("OCSP response signature: {r}")));
    }
    // A delegated responder (RFC 6960 §4.2.2.2): certified directly by the issuer for
    // id-kp-OCSPSigning, valid now, and not revoked by a CRL of that issuer among the data
    // unless it carries id-pkix-ocsp-nocheck (§4.2.2.2.1). Without such a CRL its status is
    // not known and the response is used, as most responders carry nocheck.
    let candidates = response.certs.iter().chain(data.certificates.iter());
    for responder in candidates {
        if responder.issuer_der() != issuer.subject
            || !responder_matches(response, responder.subject_der(), responder.public_key())
        {
            continue;
        }
        if responder.eku_contains(&EKU_OCSP_SIGNING) != Some(true) {
            return Ok(Err("delegated OCSP responder lacks id-kp-OCSPSigning (RFC 6960 §4.2.2.2)".into()));
        }
        if crate::path::check_validity(responder, time).is_err() {
            return Ok(Err("delegated OCSP responder certificate is not valid at the validation time".into()));
        }
        let certificate = SignedData::certificate(issuer.key, responder);
        if budget.verify_signature(&policy.algorithms, &certificate)?.is_err() {
            return Ok(Err("delegated OCSP responder is not certified by the issuer".into()));
        }
        if !responder.inner().ext.ocsp_no_check
            && let Some(Verdict::Status(CertStatus::Revoked { reason })) =
                crl_verdict(responder, issuer, data, policy, time, budget)?
        {
            return Ok(Err(format!("delegated OCSP responder is revoked ({reason}) by its issuer's CRL")));
        }
        let response_signed = signed(responder.key_ref());
        let checked = budget.verify_signature(&policy.algorithms, &response_signed)?;
        return Ok(checked.map_err(|r| format!("OCSP response signature: {r}")));
    }
    Ok(Err("OCSP response signed by an unknown responder".into()))
}

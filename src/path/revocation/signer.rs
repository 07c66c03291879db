//! RFC 5280 §6.3.3 (f), (g): who may have signed a CRL.
//!
//! The signer is any certificate with the CRL issuer's name, cRLSign (when it has keyUsage)
//! and a key that verifies the CRL, whose own path validates to the same anchor as the
//! certificate being checked. First the certificates the path itself vouches for (those above
//! the checked certificate, and the anchor) are tried: the usual case, a CA signing its CRLs
//! with its certificate-signing key, and key rollover through self-issued certificates. Then
//! the other certificates at hand (the revocation data's, the pool, the request's), each of
//! which needs a path of its own: a CA's dedicated CRL-signing certificate, or an indirect
//! CRL's issuer. Every signature and nested path search spends the validation's budget.

use smallvec::SmallVec;

use super::{Search, Target, Verdict};
use crate::cert::{Certificate, name_match};
use crate::error::ValidationError;
use crate::path::SignerPath;
use crate::revocation::Crl;

fn allows_crl_sign(cert: Option<&Certificate>) -> bool {
    cert.and_then(|c| c.inner().ext.key_usage.as_ref()).is_none_or(|ku| ku.value.crl_sign())
}

/// Verifies that a key the path vouches for signed `crl`. `Ok(Err(verdict))` when none did:
/// [`Verdict::Invalid`], or [`Verdict::Missing`] when the one signer that verifies lacks only
/// revocation data for its own path.
pub(super) fn verify_crl(
    search: &mut Search<'_, '_>,
    crl: &Crl,
    target: &Target<'_>,
) -> Result<Result<(), Verdict>, ValidationError> {
    let issuer = crl.issuer_der();
    let mut lacks_crl_sign = false;

    // The path's own certificates above the target, then the anchor; and the target itself
    // when it is the CRL signer whose path is being validated (an indirect CRL issuer on its
    // own CRL, as PKITS 4.14.30 has it): its path is what this search decides.
    let is_signer_under_validation = search.is_validating_signer(target.cert);
    let in_path = is_signer_under_validation
        .then_some(target.cert)
        .into_iter()
        .chain(target.above)
        .map(|c| (c.subject_der(), c.key_ref(), Some(c)))
        .chain(std::iter::once((target.anchor.subject_der(), target.anchor.key_ref(), target.anchor.certificate())));
    for (subject, key, cert) in in_path {
        if !name_match::equivalent(subject, issuer) {
            continue;
        }
        if !allows_crl_sign(cert) {
            lacks_crl_sign = true;
            continue;
        }
        if search.verify_signature(&crl.signed_by(key))?.is_ok() {
            return Ok(Ok(()));
        }
    }

    // Certificates outside the path, which must have a path of their own.
    let mut others: SmallVec<[&Certificate; 4]> = SmallVec::new();
    let data = search.input.revocation.map(|d| d.certificates.as_slice()).unwrap_or_default();
    for c in data.iter().chain(search.input.intermediates).chain(search.pool_by_name(issuer)) {
        let known = others.contains(&c) || target.above.contains(c) || Some(c) == target.anchor.certificate();
        if !known && name_match::equivalent(c.subject_der(), issuer) {
            others.push(c);
        }
    }
    // Likeliest first: the subjectKeyIdentifier the CRL's authorityKeyIdentifier names.
    others.sort_by_key(|c| !matches!((crl.authority_key_id(), c.subject_key_id()), (Some(a), Some(s)) if a == s));
    let (mut pathless, mut undetermined) = (None, Vec::new());
    for candidate in others {
        if !allows_crl_sign(Some(candidate)) {
            lacks_crl_sign = true;
            continue;
        }
        if search.policy.algorithms.check_key(&candidate.key_ref()).is_err() {
            continue;
        }
        let signed = crl.signed_by(candidate.key_ref());
        if search.verify_signature(&signed)?.is_err() {
            continue;
        }
        match search.signer_path(candidate, target.anchor)? {
            SignerPath::Valid => return Ok(Ok(())),
            SignerPath::Undetermined(needs) => undetermined.extend(needs),
            SignerPath::Refused => {
                pathless.get_or_insert(candidate);
            }
        }
    }
    if !undetermined.is_empty() {
        return Ok(Err(Verdict::Missing(undetermined)));
    }
    Ok(Err(Verdict::Invalid(if let Some(signer) = pathless {
        format!("the CRL signer {} has no valid path to the anchor (RFC 5280 §6.3.3 (f))", signer.subject_string())
    } else if lacks_crl_sign {
        "CRL issuer's keyUsage lacks cRLSign (RFC 5280 §6.3.3 (f))".into()
    } else {
        "no certificate with the CRL issuer's name and a valid path verifies the CRL signature (RFC 5280 §6.3.3 (f))"
            .into()
    })))
}

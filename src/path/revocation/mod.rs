//! RFC 5280 §6.3 and RFC 6960: the revocation status of each certificate of a candidate path,
//! decided from the caller-supplied CRLs and OCSP responses ([`crate::revocation`] holds the
//! data; this is the check, one step of path validation).
//!
//! Each certificate (the leaf, or every certificate below the anchor) gets the verdicts of
//! its OCSP responses ([`ocsp`]) and of its CRLs ([`crl`], the §6.3.3 algorithm). The first
//! usable "revoked" refuses the path; otherwise a usable "good" makes it good; otherwise the
//! status is unknown, which the policy's mode turns into a rejection (hard-fail) or a note of
//! what to fetch (soft-fail). Data that applies but cannot be trusted (a bad signature, a
//! signer without cRLSign) refuses the path unless something else vouches for the
//! certificate: soft-fail tolerates missing data, not bad data.

mod crl;
mod ocsp;
mod signer;

use std::sync::Arc;

use const_oid::ObjectIdentifier;

use super::Search;
use crate::cert::Certificate;
use crate::crypto::KeyRef;
use crate::error::{Need, NeedKind, Reason, ValidationError};
use crate::revocation::{CertStatus, RevocationMode, RevocationScope, RevocationStatus, StatusSource};
use crate::trust::Anchor;

/// id-ad-ocsp.
pub(crate) const AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");

/// Outcome of checking a path: per-certificate statuses and what could still be fetched.
pub(crate) struct Checked {
    pub(crate) statuses: Vec<RevocationStatus>,
    pub(crate) needs: Vec<Need>,
}

/// What one source says about a certificate.
enum Verdict {
    Status(CertStatus),
    /// Applicable but undecided for want of data: a stale CRL or response (fetch a fresh one),
    /// or one whose signer's own status is unknown (fetch what these needs name).
    Missing(Vec<Need>),
    /// Applicable but untrustworthy.
    Invalid(String),
}

/// The key and name that issued the certificate being checked.
#[derive(Clone, Copy)]
struct Issuer<'a> {
    subject: &'a [u8],
    key: KeyRef<'a>,
}

/// A certificate whose status is wanted, with what the path says about its issuers.
struct Target<'a> {
    cert: &'a Certificate,
    issuer: Issuer<'a>,
    /// The certificates of the path above `cert` (validated with it), then `anchor`: issuers
    /// whose keys may have signed `cert`'s CRLs without a path of their own to check.
    above: &'a [Certificate],
    anchor: &'a Arc<Anchor>,
}

fn fetch_needs(cert: &Certificate, index: usize) -> Vec<Need> {
    vec![
        Need { certificate_index: index, kind: NeedKind::Crl, urls: cert.crl_distribution_urls() },
        Need { certificate_index: index, kind: NeedKind::Ocsp, urls: cert.aia_urls(AD_OCSP) },
    ]
}

/// Checks the revocation status of `chain` (leaf first) ending at `anchor`.
pub(crate) fn check_path(
    search: &mut Search<'_, '_>,
    chain: &[Certificate],
    anchor: &Arc<Anchor>,
) -> Result<Checked, ValidationError> {
    let mut out = Checked { statuses: Vec::new(), needs: Vec::new() };
    let rp = search.policy.revocation;
    if rp.mode == RevocationMode::Off {
        return Ok(out);
    }
    let count = match rp.scope {
        RevocationScope::Leaf => chain.len().min(1),
        RevocationScope::Chain => chain.len(),
    };
    for (index, cert) in chain.iter().enumerate().take(count) {
        let above = chain.get(index + 1..).unwrap_or_default();
        let issuer = match above.first() {
            Some(c) => Issuer { subject: c.subject_der(), key: c.key_ref() },
            None => Issuer { subject: anchor.subject_der(), key: anchor.key_ref() },
        };
        let target = Target { cert, issuer, above, anchor };
        let fail = |reason: Reason| ValidationError::new(reason, Some(index)).with_subject(cert.subject_string());
        let mut problems: Vec<String> = Vec::new();
        let mut good: Option<StatusSource> = None;
        let mut missing: Vec<Need> = Vec::new();
        let verdicts = ocsp::verdicts(search, &target)?
            .into_iter()
            .map(|v| (v, StatusSource::Ocsp))
            .chain(crl::verdict(search, &target)?.map(|v| (v, StatusSource::Crl)));
        for (verdict, source) in verdicts {
            match verdict {
                Verdict::Status(CertStatus::Revoked { reason }) => {
                    let via = if source == StatusSource::Crl { "CRL" } else { "OCSP" };
                    return Err(fail(Reason::Revoked { reason, via }));
                }
                Verdict::Status(CertStatus::Good) => good = good.or(Some(source)),
                Verdict::Status(CertStatus::Unknown) => {}
                Verdict::Missing(needs) => missing.extend(needs),
                Verdict::Invalid(p) => problems.push(p),
            }
        }
        match good {
            Some(source) => {
                out.statuses.push(RevocationStatus { certificate_index: index, status: CertStatus::Good, source });
            }
            _ if !problems.is_empty() => return Err(fail(Reason::RevocationDataInvalid(problems.join("; ")))),
            _ => {
                // What decides this certificate: its own sources, then what a signer of its
                // revocation data lacks (numbered as this certificate's needs).
                let mut needs = fetch_needs(cert, index);
                for need in missing {
                    if !need.urls.is_empty() && !needs.iter().any(|n| n.kind == need.kind && n.urls == need.urls) {
                        needs.push(Need { certificate_index: index, ..need });
                    }
                }
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

//! RFC 5280 §6.3.3: a certificate's status from CRLs.
//!
//! The certificate's distribution points are processed in turn, then a point standing for
//! "CRLs issued by the certificate's issuer" (a point named by the issuer, with no reasons and
//! no cRLIssuer). For each point, each complete CRL in its scope (b) that covers reasons not
//! yet covered (d, e) is used if it is current, free of unknown critical extensions and signed
//! by a key the path vouches for (f, g; see [`super::signer`]); with the newest delta CRL
//! that extends it (c, h). The certificate is revoked if either lists it (i, j; removeFromCRL
//! in a delta undoes a hold), and good once the CRLs used cover every reason (l). A CRL that
//! does not cover the certificate never makes it good.

use der::Encode;
use rustls_pki_types::UnixTime;
use x509_cert::ext::pkix::crl::dp::{DistributionPoint, ReasonFlags, Reasons};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::name::RelativeDistinguishedName;

use super::{Search, Target, Verdict, signer};
use crate::cert::{Certificate, name_match};
use crate::der_walk::{Walker, read_tagged, wrap_sequence};
use crate::error::{Need, ValidationError};
use crate::revocation::crl::{REASON_REMOVE_FROM_CRL, number_cmp, reason_name};
use crate::revocation::{CertStatus, Crl};

/// A name of a distribution point: directory names compare as names (RFC 5280 §7.1), other
/// forms (URIs) as encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PointName {
    Directory(Vec<u8>),
    Other(GeneralName),
}

impl PointName {
    fn from_general(name: &GeneralName) -> Option<Self> {
        Some(match name {
            GeneralName::DirectoryName(dn) => PointName::Directory(dn.to_der().ok()?),
            other => PointName::Other(other.clone()),
        })
    }

    fn matches(&self, other: &PointName) -> bool {
        match (self, other) {
            (PointName::Directory(a), PointName::Directory(b)) => name_match::equivalent(a, b),
            (a, b) => a == b,
        }
    }
}

/// A distribution point as §6.3.3 reads it.
struct Point {
    /// The distributionPoint names; `None` when the point has none.
    names: Option<Vec<PointName>>,
    reasons: Option<ReasonFlags>,
    /// The cRLIssuer's directory names (DER); `None` when the point has no cRLIssuer.
    crl_issuers: Option<Vec<Vec<u8>>>,
}

/// The reasons of RFC 5280 §5.3.1 (`all-reasons`), without the unused bit 0. Spelled out:
/// flagset's complement does not stay within the defined flags.
fn all_reasons() -> ReasonFlags {
    Reasons::KeyCompromise
        | Reasons::CaCompromise
        | Reasons::AffiliationChanged
        | Reasons::Superseded
        | Reasons::CessationOfOperation
        | Reasons::CertificateHold
        | Reasons::PrivilegeWithdrawn
        | Reasons::AaCompromise
}

/// A name formed by appending `rdn` to `base` (a Name, full TLV): how
/// nameRelativeToCRLIssuer names a distribution point.
fn append_rdn(base: &[u8], rdn: &RelativeDistinguishedName) -> Option<Vec<u8>> {
    let mut r = Walker::new(base).ok()?;
    let seq = read_tagged(&mut r, der::Tag::Sequence).ok()?;
    let mut content = seq.value.to_vec();
    content.extend_from_slice(&rdn.to_der().ok()?);
    Some(wrap_sequence(&content))
}

/// The names of a DistributionPointName; a relative name is appended to `issuer`.
fn point_names(name: &DistributionPointName, issuer: &[u8]) -> Vec<PointName> {
    match name {
        DistributionPointName::FullName(names) => names.iter().filter_map(PointName::from_general).collect(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            append_rdn(issuer, rdn).map(PointName::Directory).into_iter().collect()
        }
    }
}

fn directory_names(names: &[GeneralName]) -> Vec<Vec<u8>> {
    names
        .iter()
        .filter_map(|n| match n {
            GeneralName::DirectoryName(dn) => dn.to_der().ok(),
            _ => None,
        })
        .collect()
}

/// The certificate's distribution points, then the point for CRLs of its issuer that no
/// distribution point names (§6.3.3, last paragraph).
fn points(cert: &Certificate) -> Vec<Point> {
    let dps = cert.inner().ext.crl_distribution_points.as_ref().map(|e| e.value.0.as_slice()).unwrap_or_default();
    let mut out: Vec<Point> = dps.iter().map(|dp| point(cert, dp)).collect();
    out.push(Point {
        names: Some(vec![PointName::Directory(cert.issuer_der().to_vec())]),
        reasons: None,
        crl_issuers: None,
    });
    out
}

fn point(cert: &Certificate, dp: &DistributionPoint) -> Point {
    let crl_issuers = dp.crl_issuer.as_ref().map(|names| directory_names(names));
    // A relative name is relative to the CRL issuer: the cRLIssuer, else the certificate's.
    let relative_to = crl_issuers.as_ref().and_then(|i| i.first()).map_or(cert.issuer_der(), Vec::as_slice);
    Point {
        names: dp.distribution_point.as_ref().map(|n| point_names(n, relative_to)),
        reasons: dp.reasons,
        crl_issuers,
    }
}

/// §6.3.3 (b): whether `crl` is issued for `point` and its scope includes `cert`.
fn in_scope(crl: &Crl, point: &Point, cert: &Certificate) -> bool {
    let indirect = crl.idp.as_ref().is_some_and(|i| i.indirect_crl);
    // (b)(1): the issuer the point names (an indirect CRL), or the certificate's issuer.
    let issuer_ok = match &point.crl_issuers {
        Some(issuers) => indirect && issuers.iter().any(|i| name_match::equivalent(i, crl.issuer_der())),
        None => crl.issuer_is(cert.issuer_der(), || cert.canonical_issuer()),
    };
    if !issuer_ok {
        return false;
    }
    let Some(idp) = &crl.idp else { return true };
    // (b)(2)(i): a CRL for a named distribution point covers the points that name it.
    if let Some(idp_point) = &idp.distribution_point {
        let idp_names = point_names(idp_point, crl.issuer_der());
        let named = match (&point.names, &point.crl_issuers) {
            (Some(names), _) => names.iter().any(|n| idp_names.iter().any(|i| i.matches(n))),
            (None, Some(issuers)) => {
                issuers.iter().any(|dn| idp_names.iter().any(|i| i.matches(&PointName::Directory(dn.clone()))))
            }
            (None, None) => false,
        };
        if !named {
            return false;
        }
    }
    // (b)(2)(ii)–(iv).
    !(idp.only_contains_attribute_certs
        || (idp.only_contains_user_certs && cert.is_ca())
        || (idp.only_contains_ca_certs && !cert.is_ca()))
}

/// §6.3.3 (d): the reasons `crl` can vouch for at `point`.
fn interim_reasons(crl: &Crl, point: &Point) -> ReasonFlags {
    let from_crl = crl.idp.as_ref().and_then(|i| i.only_some_reasons);
    let reasons = match (from_crl, point.reasons) {
        (Some(a), Some(b)) => a & b,
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => all_reasons(),
    };
    reasons & all_reasons()
}

/// Why `crl` cannot be used at `time`, if so: `Err(Verdict::Missing)` when it is not current.
fn current(crl: &Crl, time: UnixTime) -> Result<(), Verdict> {
    if let Some(why) = crl.unusable_reason() {
        return Err(Verdict::Invalid(format!("CRL: {why}")));
    }
    if !crl.algorithms_consistent() {
        return Err(Verdict::Invalid("CRL signature algorithms disagree".into()));
    }
    let now = crate::time::unix_seconds(time);
    match crl.next_update {
        None => Err(Verdict::Invalid("CRL without nextUpdate (RFC 5280 §5.1.2.5)".into())),
        Some(next) if now > next => Err(Verdict::Missing(Vec::new())),
        _ if now < crl.this_update => Err(Verdict::Missing(Vec::new())),
        _ => Ok(()),
    }
}

/// A CRL is usable when current and signed by a key the path vouches for (§6.3.3 (f), (g)).
fn usable(search: &mut Search<'_, '_>, crl: &Crl, target: &Target<'_>) -> Result<Result<(), Verdict>, ValidationError> {
    if let Err(v) = current(crl, search.input.time) {
        return Ok(Err(v));
    }
    signer::verify_crl(search, crl, target)
}

/// The status of `target` according to the CRLs of the revocation data.
pub(super) fn verdict(search: &mut Search<'_, '_>, target: &Target<'_>) -> Result<Option<Verdict>, ValidationError> {
    let Some(data) = search.input.revocation else { return Ok(None) };
    let cert = target.cert;
    let mut reasons_mask = ReasonFlags::default();
    let mut problem = None;
    let mut missing: Option<Vec<Need>> = None;
    for point in points(cert) {
        for crl in data.crls.iter().filter(|c| !c.is_delta() && in_scope(c, &point, cert)) {
            let interim = interim_reasons(crl, &point);
            if (interim & !reasons_mask).is_empty() {
                continue;
            }
            match usable(search, crl, target)? {
                Ok(()) => {}
                Err(Verdict::Missing(needs)) => {
                    missing.get_or_insert_with(Vec::new).extend(needs);
                    continue;
                }
                Err(v) => {
                    problem = Some(v);
                    continue;
                }
            }
            let delta = newest_delta(search, crl, &point, target)?;
            // (i), (j): the delta CRL first; removeFromCRL there lifts a hold (k).
            let serial = cert.serial();
            let entry = match delta.and_then(|d| d.lookup(serial, cert.issuer_der())) {
                Some(e) => Some(e),
                None => crl.lookup(serial, cert.issuer_der()),
            };
            if let Some(e) = entry
                && e.reason != Some(REASON_REMOVE_FROM_CRL)
            {
                let status = CertStatus::Revoked { reason: reason_name(e.reason.unwrap_or(0)) };
                return Ok(Some(Verdict::Status(status)));
            }
            reasons_mask |= interim;
            if reasons_mask.contains(all_reasons()) {
                return Ok(Some(Verdict::Status(CertStatus::Good)));
            }
        }
    }
    // Not every reason is covered: the status is undetermined.
    Ok(problem.or(missing.map(Verdict::Missing)))
}

/// §6.3.3 (c): the newest usable delta CRL that extends `complete` (same issuer and scope,
/// base CRL number not newer than the complete CRL's, and newer than it).
fn newest_delta<'s>(
    search: &mut Search<'s, '_>,
    complete: &Crl,
    point: &Point,
    target: &Target<'_>,
) -> Result<Option<&'s Crl>, ValidationError> {
    let Some(data) = search.input.revocation else { return Ok(None) };
    let base_number = complete.crl_number.as_deref().unwrap_or_default();
    let mut delta: Option<&Crl> = None;
    for crl in data.crls.iter().filter(|c| c.is_delta() && in_scope(c, point, target.cert)) {
        let base = crl.delta_base.as_deref().unwrap_or_default();
        let number = crl.crl_number.as_deref().unwrap_or_default();
        let applies = name_match::equivalent(crl.issuer_der(), complete.issuer_der())
            && crl.idp == complete.idp
            && number_cmp(base, base_number).is_le()
            && number_cmp(number, base_number).is_gt();
        if !applies || delta.is_some_and(|d| number_cmp(number, d.crl_number.as_deref().unwrap_or_default()).is_le()) {
            continue;
        }
        if usable(search, crl, target)?.is_ok() {
            delta = Some(crl);
        }
    }
    Ok(delta)
}

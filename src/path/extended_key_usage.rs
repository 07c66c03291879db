//! Extended key usage (RFC 5280 §4.2.1.12), with the policy's choices on the two points the RFC
//! leaves open: whether the leaf must carry the extension, and whether EKU in CA certificates
//! restricts the certificates below them (the Mozilla/Go/Windows practice).

use crate::cert::Certificate;
use crate::error::Reason;
use crate::policy::{EKU_ANY, EkuPolicy};

/// The end-entity certificate allows the required purpose.
pub(crate) fn check_leaf(cert: &Certificate, policy: &EkuPolicy) -> Result<(), Reason> {
    let Some(required) = policy.required else { return Ok(()) };
    match cert.eku_contains(&required) {
        None if policy.required_in_leaf => Err(Reason::ExtendedKeyUsageNotAllowed(required)),
        None | Some(true) => Ok(()),
        Some(false) if policy.any_satisfies && cert.eku_contains(&EKU_ANY) == Some(true) => Ok(()),
        Some(false) => Err(Reason::ExtendedKeyUsageNotAllowed(required)),
    }
}

/// A CA certificate's EKU, when present and the policy says issuers constrain, must allow the
/// required purpose (or anyExtendedKeyUsage).
pub(crate) fn check_issuer(cert: &Certificate, policy: &EkuPolicy) -> Result<(), Reason> {
    let (Some(required), true) = (policy.required, policy.constrain_by_issuers) else { return Ok(()) };
    match cert.eku_contains(&required) {
        Some(false) if cert.eku_contains(&EKU_ANY) != Some(true) => Err(Reason::ExtendedKeyUsageNotAllowed(required)),
        _ => Ok(()),
    }
}

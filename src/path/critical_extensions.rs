//! RFC 5280 §6.1.4 (o) / §4.2: a certificate with a critical extension the validator does not
//! process must be rejected, unless a policy hook says it processes that extension.

use crate::cert::Certificate;
use crate::error::Reason;
use crate::policy::Policy;

pub(crate) fn check(cert: &Certificate, policy: &Policy) -> Result<(), Reason> {
    for (oid, critical) in cert.unknown_extensions() {
        if *critical && !policy.certificate_hooks.iter().any(|h| h.handles_critical_extension(oid)) {
            return Err(Reason::UnknownCriticalExtension(*oid));
        }
    }
    Ok(())
}

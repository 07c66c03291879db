//! RFC 5280 §6.1.3 (a)(2): the certificate validity period includes the validation time.
//!
//! Both bounds are inclusive (§4.1.2.5: "the period of time from notBefore through notAfter,
//! inclusive"). Times are whole seconds, as X.509 encodes them, compared on the signed scale
//! of [`crate::time`] so that a notAfter before 1970 is expired even at the epoch.

use rustls_pki_types::UnixTime;

use crate::cert::Certificate;
use crate::error::Reason;

pub(crate) fn check(cert: &Certificate, time: UnixTime) -> Result<(), Reason> {
    let now = crate::time::unix_seconds(time);
    let p = cert.inner();
    if now < p.not_before {
        return Err(Reason::NotYetValid { not_before: cert.not_before() });
    }
    if now > p.not_after {
        return Err(Reason::Expired { not_after: cert.not_after() });
    }
    Ok(())
}

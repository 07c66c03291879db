//! RFC 5280 §6.1.4 (k)–(m) and §4.2.1.9: issuers must be CAs, and pathLenConstraint limits the
//! number of non-self-issued intermediates that may follow a CA certificate.

use crate::cert::Certificate;
use crate::error::Reason;

/// (k): an issuing certificate must carry basicConstraints with cA set.
pub(crate) fn check_is_ca(cert: &Certificate) -> Result<(), Reason> {
    if cert.is_ca() { Ok(()) } else { Err(Reason::NotCa) }
}

/// The running `max_path_length` of §6.1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PathLength {
    remaining: Option<u32>,
}

impl PathLength {
    pub(crate) fn unlimited() -> Self {
        PathLength { remaining: None }
    }

    /// (l): a CA certificate that is not self-issued uses up one step of path length.
    /// (m): its own pathLenConstraint may then lower the limit for what follows.
    pub(crate) fn process_ca(&mut self, cert: &Certificate) -> Result<(), Reason> {
        if !cert.is_self_issued() {
            match self.remaining {
                Some(0) => return Err(Reason::PathLenExceeded),
                Some(n) => self.remaining = Some(n - 1),
                None => {}
            }
        }
        self.apply_constraint(cert);
        Ok(())
    }

    /// (m) alone: the anchor's certificate constrains the path below it (RFC 5937).
    pub(crate) fn apply_constraint(&mut self, cert: &Certificate) {
        let constraint = cert.inner().ext.basic_constraints.as_ref().and_then(|bc| bc.value.path_len_constraint);
        if let Some(limit) = constraint {
            let limit = u32::from(limit);
            self.remaining = Some(self.remaining.map_or(limit, |r| r.min(limit)));
        }
    }
}

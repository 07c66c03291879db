//! Applying the policy's certificate profile (the tables of [`crate::policy::profile`]) to one
//! certificate of a candidate path.
//!
//! RFC 5280 §4 says what a conforming CA must issue and §6 what a relying party checks; the
//! validator applies §6 in the other steps of this module. A profile row that a certificate
//! breaks is a finding on the path, or, when the policy makes findings fatal, the reason the
//! path is refused.

use crate::cert::Certificate;
use crate::error::Reason;
use crate::policy::{Finding, Policy, Position, ProfileRule, profile};

/// Where profile violations go while one candidate path is checked.
pub(crate) struct Findings {
    fatal: bool,
    found: Vec<Finding>,
}

impl Findings {
    pub(crate) fn new(policy: &Policy) -> Self {
        Findings { fatal: policy.findings_are_fatal, found: Vec::new() }
    }

    /// Whether a violation refuses the path.
    pub(crate) fn fatal(&self) -> bool {
        self.fatal
    }

    /// Reports that certificate `index` breaks `rule`: an error when findings are fatal.
    pub(crate) fn report(&mut self, rule: ProfileRule, index: usize) -> Result<(), Reason> {
        if self.fatal {
            return Err(Reason::Profile(rule));
        }
        let finding = Finding::new(rule, index);
        if !self.found.contains(&finding) {
            self.found.push(finding);
        }
        Ok(())
    }

    pub(crate) fn into_vec(self) -> Vec<Finding> {
        self.found
    }
}

/// Checks `cert`, at `position` and `index` in the path, against every row of the profile.
pub(crate) fn check(
    cert: &Certificate,
    position: Position,
    index: usize,
    policy: &Policy,
    findings: &mut Findings,
) -> Result<(), Reason> {
    for row in profile::broken_rows(cert, policy.profile, position) {
        findings.report(*row.rule(), index)?;
    }
    Ok(())
}

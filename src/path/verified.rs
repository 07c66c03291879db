//! What a validation answers when a path passes: the path, its anchor, and what was found on
//! the way (revocation statuses, missing data, policy sets, profile findings).

use std::sync::Arc;

use crate::cert::Certificate;
use crate::error::Need;
use crate::policy::{Finding, PolicySets};
use crate::revocation::RevocationStatus;
use crate::trust::Anchor;

/// A certification path that passed validation.
#[derive(Debug, Clone)]
#[must_use = "a valid path can carry findings and missing revocation data: look at them"]
pub struct VerifiedPath {
    pub(crate) leaf: Certificate,
    pub(crate) certificates: Vec<Certificate>,
    pub(crate) anchor: Arc<Anchor>,
    pub(crate) revocation: Vec<RevocationStatus>,
    pub(crate) needs: Vec<Need>,
    pub(crate) policies: PolicySets,
    pub(crate) findings: Vec<Finding>,
}

impl VerifiedPath {
    /// The end-entity certificate.
    pub fn leaf(&self) -> &Certificate {
        &self.leaf
    }

    /// The certificates from the leaf up to (not including) the anchor.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The anchor the path ends at.
    pub fn anchor(&self) -> &Anchor {
        &self.anchor
    }

    /// The trust community of the anchor.
    pub fn community(&self) -> &str {
        self.anchor.community()
    }

    /// The revocation status of each checked certificate (empty when revocation is off).
    pub fn revocation(&self) -> &[RevocationStatus] {
        &self.revocation
    }

    /// The certificate policy sets the path is valid for (RFC 5280 §6.1.6).
    pub fn policies(&self) -> &PolicySets {
        &self.policies
    }

    /// The certificate-profile rules the path's certificates break without being refused for
    /// it (RFC 5280 §4 issuance rules, and what RFC 5280 §6.1.1 (d) leaves out of the anchor):
    /// worth logging and telling the issuing CA. Empty under a policy whose findings are fatal.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Revocation data that was missing (soft-fail): fetch it to raise assurance.
    pub fn needs(&self) -> &[Need] {
        &self.needs
    }
}

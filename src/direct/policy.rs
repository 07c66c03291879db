//! The Direct policy per certificate purpose, DirectTrust certificate policy OIDs, and a hook
//! that requires some of them in the signer's certificate.

use const_oid::ObjectIdentifier;
use x509_cert::ext::pkix::KeyUsages;

use crate::cert::Certificate;
use crate::policy::{CertificateHook, EKU_EMAIL_PROTECTION, Policy, Position};

/// What a Direct certificate is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Verifying S/MIME signatures: the leaf needs digitalSignature when it has keyUsage.
    Signing,
    /// Encrypting to the certificate (RSA key transport): the leaf needs keyEncipherment.
    Encryption,
}

/// [`Policy::direct`] narrowed to `purpose` (see [`narrow_policy`]).
pub fn policy(purpose: Purpose) -> Policy {
    narrow_policy(Policy::direct(), purpose)
}

/// Narrows a policy to one purpose: the leaf's keyUsage (when present) must include
/// digitalSignature for [`Purpose::Signing`] or keyEncipherment for [`Purpose::Encryption`] (a
/// dual-use certificate with both passes either), and its extendedKeyUsage (when present)
/// must allow emailProtection or anyExtendedKeyUsage (RFC 8550 §4.4.4). Everything else —
/// algorithms, key sizes, revocation, certificate policies, hooks — is kept.
pub fn narrow_policy(mut policy: Policy, purpose: Purpose) -> Policy {
    policy.leaf_key_usage = vec![match purpose {
        Purpose::Signing => KeyUsages::DigitalSignature,
        Purpose::Encryption => KeyUsages::KeyEncipherment,
    }];
    policy.eku.required = Some(EKU_EMAIL_PROTECTION);
    policy.eku.required_in_leaf = false;
    policy.eku.any_satisfies = true;
    policy
}

/// DirectTrust certificate policy OIDs (arc 1.3.6.1.4.1.41179), as the Direct Project .NET
/// code defines them after the DirectTrust Community X.509 Certificate Policy. Require them
/// with [`Policy::certificate_policies`] (RFC 5280 policy processing over the whole path) or
/// with [`LeafPolicyRequirement`] (the signer's own certificatePolicies).
pub mod oids {
    use const_oid::ObjectIdentifier;

    /// DirectTrust Certificate Policy v1.2.
    pub const CP_V1_2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.0.1.2");
    /// DirectTrust Certificate Policy v1.3.
    pub const CP_V1_3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.0.1.3");
    /// Level of assurance 1.
    pub const LOA_1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.1.1");
    /// Level of assurance 2.
    pub const LOA_2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.1.2");
    /// Level of assurance 3 (DirectTrust's usual identity-vetting level).
    pub const LOA_3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.1.3");
    /// Level of assurance 4.
    pub const LOA_4: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.1.4");
    /// Entity category: HIPAA covered entity.
    pub const CATEGORY_COVERED_ENTITY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.2.1");
    /// Entity category: business associate.
    pub const CATEGORY_BUSINESS_ASSOCIATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.2.2");
    /// Entity category: non-HIPAA healthcare entity.
    pub const CATEGORY_HEALTHCARE_ENTITY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.2.3");
    /// Entity category: patient.
    pub const CATEGORY_PATIENT: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.41179.2.4");
    /// The four entity categories (DirectTrust's compliance tools flag a certificate without
    /// one as "missing entity type").
    pub const CATEGORIES: [ObjectIdentifier; 4] =
        [CATEGORY_COVERED_ENTITY, CATEGORY_BUSINESS_ASSOCIATE, CATEGORY_HEALTHCARE_ENTITY, CATEGORY_PATIENT];
}

/// A [`CertificateHook`] requiring the end-entity certificate's certificatePolicies to contain
/// at least one OID of each group, e.g. `[[CP_V1_2, CP_V1_3], CATEGORIES]`. Unlike RFC 5280
/// policy processing, it looks at the leaf's extension only (no mapping, no anyPolicy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafPolicyRequirement {
    groups: Vec<Vec<ObjectIdentifier>>,
}

impl LeafPolicyRequirement {
    /// No requirement yet.
    pub fn new() -> Self {
        LeafPolicyRequirement { groups: Vec::new() }
    }

    /// Also require one of `any_of`.
    pub fn require_one_of(mut self, any_of: impl IntoIterator<Item = ObjectIdentifier>) -> Self {
        self.groups.push(any_of.into_iter().collect());
        self
    }
}

impl Default for LeafPolicyRequirement {
    fn default() -> Self {
        LeafPolicyRequirement::new()
    }
}

impl CertificateHook for LeafPolicyRequirement {
    fn check_certificate(&self, certificate: &Certificate, _index: usize, position: Position) -> Result<(), String> {
        if position != Position::Leaf {
            return Ok(());
        }
        let asserted = certificate.policy_oids();
        for group in &self.groups {
            if !group.iter().any(|oid| asserted.contains(oid)) {
                let wanted: Vec<String> = group.iter().map(ToString::to_string).collect();
                return Err(format!("certificatePolicies lacks one of {}", wanted.join(", ")));
            }
        }
        Ok(())
    }
}

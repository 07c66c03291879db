//! The certificate-policy inputs a relying party gives path validation (RFC 5280 §6.1.1) and
//! the policy sets a valid path ends with (§6.1.6); `path::policy_graph` processes them.

use const_oid::ObjectIdentifier;

/// anyPolicy (RFC 5280 §4.2.1.4).
pub const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");

/// The initial inputs of RFC 5280 §6.1.1 (c), (f)–(h) that concern certificate policies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyInputs {
    /// user-initial-policy-set: the policies the relying party accepts. Empty means
    /// anyPolicy (every policy).
    pub user_initial_policy_set: Vec<ObjectIdentifier>,
    /// initial-explicit-policy: the path must be valid for at least one policy of the set.
    pub initial_explicit_policy: bool,
    /// initial-policy-mapping-inhibit: policy mapping is not allowed.
    pub initial_policy_mapping_inhibit: bool,
    /// initial-any-policy-inhibit: anyPolicy in certificates is not honoured.
    pub initial_any_policy_inhibit: bool,
}

/// The policy sets a validated path ends with (RFC 5280 §6.1.6, RFC 9618 §4.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySets {
    /// authorities-constrained-policy-set: the policies, in the anchor's domain, for which the
    /// path is valid. Contains anyPolicy when the path is valid for every policy. Empty when
    /// no policy remains.
    pub authorities_constrained: Vec<ObjectIdentifier>,
    /// user-constrained-policy-set: the above, intersected with the user-initial-policy-set.
    pub user_constrained: Vec<ObjectIdentifier>,
}

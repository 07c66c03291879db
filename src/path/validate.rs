//! RFC 5280 §6.1: validation of one complete candidate path, from the anchor down to the leaf.
//!
//! Signatures were checked while the path was built; this pass applies everything else, in the
//! order of §6.1.3–6.1.5, to each certificate. When the anchor comes from a certificate, that
//! certificate is held to the same rules as a CA certificate in the path (validity, key,
//! basicConstraints, keyUsage, critical extensions) and its pathLenConstraint and name
//! constraints apply below it (RFC 5937).

use crate::cert::Certificate;
use crate::error::{Reason, ValidationError};
use crate::policy::{Policy, Position};
use crate::revocation;
use crate::trust::Anchor;
use crate::verifier::ValidationInput;

use super::basic_constraints::{self, PathLength};
use super::name_constraints::{self, Holder};
use super::policy_graph::{PolicySets, PolicyState};
use super::{BudgetCounter, critical_extensions, extended_key_usage, key_usage, profile, server_name, validity};

/// Validates `chain` (leaf first) ending at `anchor`.
pub(crate) fn validate(
    chain: &[Certificate],
    anchor: &Anchor,
    policy: &Policy,
    input: &ValidationInput<'_>,
    budget: &mut BudgetCounter<'_>,
) -> Result<Outcome, ValidationError> {
    let anchor_index = chain.len();

    let mut path_length = PathLength::unlimited();
    let mut holders: Vec<Holder<'_>> = Vec::new();
    // Every key on the path (the anchor's, each issuer's, the leaf's) passed the algorithm
    // policy while the path was built, before any signature was checked with it.
    if let Some(nc) = anchor.name_constraints() {
        name_constraints::check_well_formed(nc).map_err(located(anchor_index, None, anchor))?;
        holders.push(Holder { index: anchor_index, constraints: nc });
    }
    if let Some(cert) = anchor.certificate() {
        check_ca(cert, Position::Anchor, anchor_index, policy, input).map_err(located(
            anchor_index,
            Some(cert),
            anchor,
        ))?;
        path_length.apply_constraint(cert);
    }

    let n = chain.len();
    let mut policies = PolicyState::new(&policy.certificate_policies, n, policy.budget.policy_graph);
    for (index, cert) in chain.iter().enumerate().rev() {
        let err = located(index, Some(cert), anchor);
        policies.process(cert, n - index, n).map_err(&err)?;
        let position = if index == 0 { Position::Leaf } else { Position::Intermediate };
        if index == 0 || !cert.is_self_issued() {
            name_constraints::check(cert, &holders, budget).map_err(&err)?;
        }
        if position == Position::Intermediate {
            check_ca(cert, position, index, policy, input).map_err(&err)?;
            path_length.process_ca(cert).map_err(&err)?;
            if let Some(nc) = &cert.inner().ext.name_constraints {
                name_constraints::check_well_formed(&nc.value).map_err(&err)?;
                holders.push(Holder { index, constraints: &nc.value });
            }
        } else {
            check_leaf(cert, policy, input).map_err(&err)?;
        }
    }

    for hook in &policy.path_hooks {
        hook.check_path(chain, anchor).map_err(|m| ValidationError::new(Reason::Hook(m), None))?;
    }
    let policies = policies.finish().map_err(|r| ValidationError::new(r, None))?;
    let revocation = revocation::check_path(chain, anchor, policy, input.revocation, input.time, budget)?;
    Ok(Outcome { revocation, policies })
}

/// What a valid path carries besides its certificates.
pub(crate) struct Outcome {
    pub(crate) revocation: revocation::Checked,
    pub(crate) policies: PolicySets,
}

/// Turns a reason into an error naming the certificate (or, for `None`, the anchor).
fn located<'a>(
    index: usize,
    cert: Option<&'a Certificate>,
    anchor: &'a Anchor,
) -> impl Fn(Reason) -> ValidationError + 'a {
    move |reason| {
        let subject = cert.map_or_else(|| anchor.subject_string(), Certificate::subject_string);
        ValidationError::new(reason, Some(index)).with_subject(subject)
    }
}

/// Checks every certificate gets, whatever its position.
fn check_common(
    cert: &Certificate,
    position: Position,
    index: usize,
    policy: &Policy,
    input: &ValidationInput<'_>,
) -> Result<(), Reason> {
    validity::check(cert, input.time)?;
    profile::check(cert, position, policy.profile)?;
    critical_extensions::check(cert, policy)?;
    for hook in &policy.certificate_hooks {
        hook.check_certificate(cert, index, position).map_err(Reason::Hook)?;
    }
    Ok(())
}

/// A certificate that issues others (an intermediate, or the anchor's own certificate).
fn check_ca(
    cert: &Certificate,
    position: Position,
    index: usize,
    policy: &Policy,
    input: &ValidationInput<'_>,
) -> Result<(), Reason> {
    check_common(cert, position, index, policy, input)?;
    // A v1 anchor certificate has no extensions to say it is a CA: its configuration as an
    // anchor does (RFC 5280 §6.1.4 (k)). Any v3 issuer must say so itself.
    if position == Position::Anchor && cert.version() == 0 {
        return Ok(());
    }
    basic_constraints::check_is_ca(cert)?;
    key_usage::check_issuer(cert)?;
    profile::check_name_constraints_criticality(cert, policy.profile)?;
    extended_key_usage::check_issuer(cert, &policy.eku)
}

fn check_leaf(cert: &Certificate, policy: &Policy, input: &ValidationInput<'_>) -> Result<(), Reason> {
    check_common(cert, Position::Leaf, 0, policy, input)?;
    if cert.is_ca() && !policy.allow_ca_as_leaf {
        return Err(Reason::Profile("a CA certificate cannot be the end-entity certificate under this policy"));
    }
    key_usage::check_leaf(cert, &policy.leaf_key_usage)?;
    extended_key_usage::check_leaf(cert, &policy.eku)?;
    for expected in &input.expected_names {
        server_name::check(cert, expected)?;
    }
    Ok(())
}

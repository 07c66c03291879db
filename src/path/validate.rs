//! RFC 5280 §6.1: validation of one complete candidate path, from the anchor down to the leaf.
//!
//! Signatures were checked while the path was built; this pass applies everything else, in the
//! order of §6.1.3–6.1.5, to each certificate, and checks the policy's certificate profile
//! (findings, or rejections when findings are fatal). When the anchor comes from a
//! certificate, its pathLenConstraint and name constraints apply below it (RFC 5937); the rest
//! of that certificate is checked as [`check_anchor`] says.

use std::sync::Arc;

use super::ValidationInput;
use crate::cert::Certificate;
use crate::error::{Reason, ValidationError};
use crate::policy::profile::rules;
use crate::policy::{Finding, Policy, Position};
use crate::trust::Anchor;

use super::basic_constraints::{self, PathLength};
use super::name_constraints::{self, Holder};
use super::policy_graph::PolicyState;
use super::profile::{self, Findings};
use super::revocation::{self, Checked};
use super::{Search, critical_extensions, extended_key_usage, key_usage, server_name, validity};
use crate::policy::PolicySets;

/// Validates `chain` (leaf first) ending at `anchor`, for `search`.
pub(crate) fn validate(
    search: &mut Search<'_, '_>,
    chain: &[Certificate],
    anchor: &Arc<Anchor>,
) -> Result<Outcome, ValidationError> {
    let (policy, input) = (search.policy, search.input);
    let anchor_index = chain.len();

    let mut path_length = PathLength::unlimited();
    let mut holders: Vec<Holder<'_>> = Vec::new();
    let mut findings = Findings::new(policy);
    // Every key on the path (the anchor's, each issuer's, the leaf's) passed the algorithm
    // policy while the path was built, before any signature was checked with it.
    if let Some(nc) = anchor.name_constraints() {
        name_constraints::check_well_formed(nc).map_err(located(anchor_index, None, anchor))?;
        holders.push(Holder { index: anchor_index, constraints: nc });
    }
    if let Some(cert) = anchor.certificate() {
        check_anchor(cert, anchor_index, policy, input, &mut findings).map_err(located(
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
            name_constraints::check(cert, &holders, search.budget).map_err(&err)?;
        }
        if position == Position::Intermediate {
            check_ca(cert, position, index, policy, input, &mut findings).map_err(&err)?;
            path_length.process_ca(cert).map_err(&err)?;
            if let Some(nc) = &cert.inner().ext.name_constraints {
                name_constraints::check_well_formed(&nc.value).map_err(&err)?;
                holders.push(Holder { index, constraints: &nc.value });
            }
        } else {
            check_leaf(cert, policy, input, &mut findings).map_err(&err)?;
        }
    }

    for hook in &policy.path_hooks {
        hook.check_path(chain, anchor).map_err(|m| ValidationError::new(Reason::Hook(m), None))?;
    }
    let policies = policies.finish().map_err(|r| ValidationError::new(r, None))?;
    let revocation = revocation::check_path(search, chain, anchor)?;
    Ok(Outcome { revocation, policies, findings: findings.into_vec() })
}

/// What a valid path carries besides its certificates.
pub(crate) struct Outcome {
    pub(crate) revocation: Checked,
    pub(crate) policies: PolicySets,
    pub(crate) findings: Vec<Finding>,
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

/// Checks every certificate below the anchor gets, whatever its position.
fn check_common(
    cert: &Certificate,
    position: Position,
    index: usize,
    policy: &Policy,
    input: &ValidationInput<'_>,
    findings: &mut Findings,
) -> Result<(), Reason> {
    validity::check(cert, input.time)?;
    // The signed part names the algorithm the signature was made with; a certificate that
    // says otherwise outside it is refused whatever the profile (RFC 5280 §4.1.1.2).
    if !cert.signature_algorithms_agree() {
        return Err(Reason::SignatureAlgorithmMismatch);
    }
    profile::check(cert, position, index, policy, findings)?;
    critical_extensions::check(cert, policy)?;
    run_hooks(cert, position, index, policy)
}

fn run_hooks(cert: &Certificate, position: Position, index: usize, policy: &Policy) -> Result<(), Reason> {
    for hook in &policy.certificate_hooks {
        hook.check_certificate(cert, index, position).map_err(Reason::Hook)?;
    }
    Ok(())
}

/// An intermediate CA certificate: RFC 5280 §6.1.4 (k) and (n), and the policy's EKU rule.
fn check_ca(
    cert: &Certificate,
    position: Position,
    index: usize,
    policy: &Policy,
    input: &ValidationInput<'_>,
    findings: &mut Findings,
) -> Result<(), Reason> {
    check_common(cert, position, index, policy, input, findings)?;
    // (k): a v1 or v2 intermediate cannot say it is a CA, so it is refused like a v3 one
    // without basicConstraints (the choice §6.1.4 (k) allows).
    basic_constraints::check_is_ca(cert)?;
    key_usage::check_issuer(cert)?;
    extended_key_usage::check_issuer(cert, &policy.eku)
}

/// The anchor's own certificate. RFC 5280 §6.1.1 (d) takes only the anchor's name and key,
/// and RFC 5937 optionally its constraints (applied by the caller): what its extensions say
/// is a finding, unless findings are fatal, in which case the certificate is
/// held to the rules of an intermediate. A v1 certificate has no extensions to say it is a CA:
/// its configuration as an anchor does.
fn check_anchor(
    cert: &Certificate,
    index: usize,
    policy: &Policy,
    input: &ValidationInput<'_>,
    findings: &mut Findings,
) -> Result<(), Reason> {
    let v3 = cert.version() != 0;
    // Validity is not an extension: an expired anchor certificate is refused under every
    // policy, as most validators do (OpenSSL, Go, pyca/cryptography; x509-limbo expects it).
    validity::check(cert, input.time)?;
    if findings.fatal() {
        if !cert.signature_algorithms_agree() {
            return Err(Reason::SignatureAlgorithmMismatch);
        }
        profile::check(cert, Position::Anchor, index, policy, findings)?;
        critical_extensions::check(cert, policy)?;
        run_hooks(cert, Position::Anchor, index, policy)?;
        if v3 {
            basic_constraints::check_is_ca(cert)?;
            key_usage::check_issuer(cert)?;
            extended_key_usage::check_issuer(cert, &policy.eku)?;
        }
        return Ok(());
    }
    run_hooks(cert, Position::Anchor, index, policy)?;
    let checks = [
        (critical_extensions::check(cert, policy).is_ok(), rules::ANCHOR_CRITICAL_EXTENSION),
        (!v3 || basic_constraints::check_is_ca(cert).is_ok(), rules::ANCHOR_NOT_CA),
        (!v3 || key_usage::check_issuer(cert).is_ok(), rules::ANCHOR_KEY_USAGE),
        (extended_key_usage::check_issuer(cert, &policy.eku).is_ok(), rules::ANCHOR_EKU),
    ];
    for (ok, rule) in checks {
        if !ok {
            findings.report(rule, index)?;
        }
    }
    profile::check(cert, Position::Anchor, index, policy, findings)
}

fn check_leaf(
    cert: &Certificate,
    policy: &Policy,
    input: &ValidationInput<'_>,
    findings: &mut Findings,
) -> Result<(), Reason> {
    check_common(cert, Position::Leaf, 0, policy, input, findings)?;
    if cert.is_ca() && !policy.allow_ca_as_leaf {
        return Err(Reason::Profile(rules::CA_AS_LEAF));
    }
    key_usage::check_leaf(cert, &policy.leaf_key_usage)?;
    extended_key_usage::check_leaf(cert, &policy.eku)?;
    for expected in &input.expected_names {
        server_name::check(cert, expected)?;
    }
    Ok(())
}

//! Certificate policy processing: RFC 5280 §6.1.2 (d)–(f), §6.1.3 (d)–(f), §6.1.4 (a)–(b),
//! (h)–(j) and §6.1.5 (a)–(b), (g), with the valid policy *tree* replaced by the valid policy
//! *graph* of RFC 9618 so that crafted policy mappings cannot blow up time or memory: a policy
//! OID appears at most once per depth, and every node and edge counts against the
//! [`crate::Budget::policy_graph`] limit. Policy qualifiers are not tracked.

use const_oid::ObjectIdentifier;

use crate::cert::Certificate;
use crate::error::{BudgetKind, Reason};

use crate::policy::{ANY_POLICY, PolicyInputs, PolicySets};

#[derive(Debug, Clone)]
struct Node {
    policy: ObjectIdentifier,
    expected: Vec<ObjectIdentifier>,
    /// Indices of parent nodes in the previous level.
    parents: Vec<usize>,
    alive: bool,
}

/// The running state of §6.1.2.
pub(crate) struct PolicyState<'a> {
    inputs: &'a PolicyInputs,
    /// `levels[d]` holds the nodes of depth d; `None` is the NULL graph. The root level (one
    /// anyPolicy node) is built by the first certificate with policies, so that a path
    /// without any builds no graph.
    levels: Option<Vec<Vec<Node>>>,
    explicit_policy: usize,
    policy_mapping: usize,
    inhibit_any_policy: usize,
    budget: usize,
}

fn over_budget() -> Reason {
    Reason::BudgetExceeded(BudgetKind::PolicyGraph)
}

impl<'a> PolicyState<'a> {
    /// §6.1.2 (d)–(f) for a path of `n` certificates.
    pub(crate) fn new(inputs: &'a PolicyInputs, n: usize, budget: usize) -> Self {
        let start = |inhibit: bool| if inhibit { 0 } else { n + 1 };
        PolicyState {
            inputs,
            levels: Some(Vec::new()),
            explicit_policy: start(inputs.initial_explicit_policy),
            policy_mapping: start(inputs.initial_policy_mapping_inhibit),
            inhibit_any_policy: start(inputs.initial_any_policy_inhibit),
            budget,
        }
    }

    fn spend(&mut self, n: usize) -> Result<(), Reason> {
        self.budget = self.budget.checked_sub(n).ok_or_else(over_budget)?;
        Ok(())
    }

    /// Processes certificate `i` (1-based from the anchor) of `n`: §6.1.3 (d)–(f), then for
    /// i < n the preparation §6.1.4 (a)–(b), (h)–(j), and for i = n the wrap-up §6.1.5 (a)–(b).
    pub(crate) fn process(&mut self, cert: &Certificate, i: usize, n: usize) -> Result<(), Reason> {
        let ext = &cert.inner().ext;
        // Only intermediates' self-issuance matters (§6.1.3 (d)(1)(ii), §6.1.4 (h)); the leaf's
        // may need its names prepared, so it is not asked.
        let self_issued = i < n && cert.is_self_issued();
        match &ext.certificate_policies {
            Some(cp) if self.levels.is_some() => {
                let policies: Vec<ObjectIdentifier> = cp.value.0.iter().map(|p| p.policy_identifier).collect();
                self.add_level(&policies, self_issued)?;
            }
            Some(_) => {}
            None => self.levels = None,
        }
        if self.explicit_policy == 0 && self.levels.is_none() {
            return Err(Reason::CertificatePolicy("explicit policy required, but no valid policy remains"));
        }
        if i == n {
            // §6.1.5 (a)–(b).
            self.explicit_policy = self.explicit_policy.saturating_sub(1);
            if let Some(pc) = &ext.policy_constraints
                && pc.value.require_explicit_policy == Some(0)
            {
                self.explicit_policy = 0;
            }
            return Ok(());
        }
        if let Some(pm) = &ext.policy_mappings {
            self.apply_mappings(
                &pm.value.0.iter().map(|m| (m.issuer_domain_policy, m.subject_domain_policy)).collect::<Vec<_>>(),
            )?;
        }
        if !self_issued {
            self.explicit_policy = self.explicit_policy.saturating_sub(1);
            self.policy_mapping = self.policy_mapping.saturating_sub(1);
            self.inhibit_any_policy = self.inhibit_any_policy.saturating_sub(1);
        }
        if let Some(pc) = &ext.policy_constraints {
            if let Some(r) = pc.value.require_explicit_policy {
                self.explicit_policy = self.explicit_policy.min(r as usize);
            }
            if let Some(m) = pc.value.inhibit_policy_mapping {
                self.policy_mapping = self.policy_mapping.min(m as usize);
            }
        }
        if let Some(ia) = &ext.inhibit_any_policy {
            self.inhibit_any_policy = self.inhibit_any_policy.min(ia.value as usize);
        }
        Ok(())
    }

    /// §6.1.3 (d): a new level from the certificate's policies.
    fn add_level(&mut self, policies: &[ObjectIdentifier], self_issued_intermediate: bool) -> Result<(), Reason> {
        let any_allowed = self.inhibit_any_policy > 0 || self_issued_intermediate;
        let Some(levels) = self.levels.as_mut() else { return Ok(()) };
        if levels.is_empty() {
            levels.push(vec![Node {
                policy: ANY_POLICY,
                expected: vec![ANY_POLICY],
                parents: Vec::new(),
                alive: true,
            }]);
        }
        let Some(prev) = levels.last() else { return Ok(()) };
        let mut level: Vec<Node> = Vec::new();
        let mut work = 0usize;
        // (d)(1): each explicit policy P hangs under every parent expecting P, or else under
        // the parent anyPolicy node.
        for p in policies.iter().filter(|p| **p != ANY_POLICY) {
            if level.iter().any(|n| n.policy == *p) {
                continue;
            }
            let mut parents: Vec<usize> =
                prev.iter().enumerate().filter(|(_, n)| n.alive && n.expected.contains(p)).map(|(k, _)| k).collect();
            if parents.is_empty() {
                parents = prev
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.alive && n.policy == ANY_POLICY)
                    .map(|(k, _)| k)
                    .collect();
            }
            if !parents.is_empty() {
                work += 1 + parents.len();
                level.push(Node { policy: *p, expected: vec![*p], parents, alive: true });
            }
        }
        // (d)(2): anyPolicy, when honoured, carries every expected policy not yet present.
        // A node's parents are every live node of the previous level that expects its policy
        // (RFC 9618 §3), not just the first one met.
        if policies.contains(&ANY_POLICY) && any_allowed {
            for parent in prev.iter().filter(|n| n.alive) {
                for v in &parent.expected {
                    if !level.iter().any(|n| n.policy == *v) {
                        let parents: Vec<usize> = prev
                            .iter()
                            .enumerate()
                            .filter(|(_, n)| n.alive && n.expected.contains(v))
                            .map(|(k, _)| k)
                            .collect();
                        work += 1 + parents.len();
                        level.push(Node { policy: *v, expected: vec![*v], parents, alive: true });
                    }
                }
            }
        }
        self.spend(work)?;
        let empty = level.is_empty();
        if let Some(levels) = self.levels.as_mut() {
            levels.push(level);
        }
        if empty {
            self.levels = None;
        } else {
            self.prune();
        }
        Ok(())
    }

    /// §6.1.4 (a)–(b): policy mappings of the certificate at the current depth.
    fn apply_mappings(&mut self, mappings: &[(ObjectIdentifier, ObjectIdentifier)]) -> Result<(), Reason> {
        if mappings.iter().any(|(i, s)| *i == ANY_POLICY || *s == ANY_POLICY) {
            return Err(Reason::CertificatePolicy("policyMappings must not map to or from anyPolicy"));
        }
        let mapping_allowed = self.policy_mapping > 0;
        let Some(levels) = self.levels.as_mut() else { return Ok(()) };
        let Some(level) = levels.last_mut() else { return Ok(()) };
        let mut issuers: Vec<ObjectIdentifier> = mappings.iter().map(|(i, _)| *i).collect();
        issuers.sort();
        issuers.dedup();
        let mut work = 0usize;
        for id_p in issuers {
            let subjects: Vec<ObjectIdentifier> =
                mappings.iter().filter(|(i, _)| *i == id_p).map(|(_, s)| *s).collect();
            work += subjects.len();
            let existing = level.iter().position(|n| n.alive && n.policy == id_p);
            match (mapping_allowed, existing) {
                (true, Some(k)) => {
                    if let Some(node) = level.get_mut(k) {
                        node.expected = subjects;
                    }
                }
                (true, None) => {
                    let any = level.iter().find(|n| n.alive && n.policy == ANY_POLICY).map(|n| n.parents.clone());
                    if let Some(parents) = any {
                        work += 1 + parents.len();
                        level.push(Node { policy: id_p, expected: subjects, parents, alive: true });
                    }
                }
                (false, Some(k)) => {
                    if let Some(node) = level.get_mut(k) {
                        node.alive = false;
                    }
                }
                (false, None) => {}
            }
        }
        self.spend(work)?;
        if !mapping_allowed {
            if self.levels.as_ref().and_then(|l| l.last()).is_some_and(|l| l.iter().all(|n| !n.alive)) {
                self.levels = None;
            } else {
                self.prune();
            }
        }
        Ok(())
    }

    /// Deletes nodes above the last level that have no live child, level by level upwards.
    fn prune(&mut self) {
        let Some(levels) = self.levels.as_mut() else { return };
        for d in (1..levels.len()).rev() {
            let (upper, lower) = levels.split_at_mut(d);
            let (Some(parents), Some(children)) = (upper.last_mut(), lower.first()) else { continue };
            let mut has_child = vec![false; parents.len()];
            for child in children.iter().filter(|c| c.alive) {
                for p in &child.parents {
                    if let Some(flag) = has_child.get_mut(*p) {
                        *flag = true;
                    }
                }
            }
            for (node, keep) in parents.iter_mut().zip(has_child) {
                node.alive &= keep;
            }
        }
    }

    /// §6.1.5 (g) as rewritten by RFC 9618 §4.2, then the final explicit-policy check.
    pub(crate) fn finish(self) -> Result<PolicySets, Reason> {
        let mut authority: Vec<ObjectIdentifier> = Vec::new();
        if let Some(levels) = &self.levels {
            for d in 1..levels.len() {
                let (Some(prev), Some(level)) = (levels.get(d - 1), levels.get(d)) else { continue };
                for node in level.iter().filter(|n| n.alive && n.policy != ANY_POLICY) {
                    let under_any =
                        node.parents.iter().any(|p| prev.get(*p).is_some_and(|pn| pn.alive && pn.policy == ANY_POLICY));
                    if under_any && !authority.contains(&node.policy) {
                        authority.push(node.policy);
                    }
                }
            }
            let last_has_any = levels.last().is_some_and(|l| l.iter().any(|n| n.alive && n.policy == ANY_POLICY));
            if last_has_any && levels.len() > 1 {
                authority.push(ANY_POLICY);
            }
        }
        let user_set = &self.inputs.user_initial_policy_set;
        let user = if user_set.is_empty() || user_set.contains(&ANY_POLICY) {
            authority.clone()
        } else {
            let mut u: Vec<ObjectIdentifier> = authority.iter().filter(|p| user_set.contains(p)).copied().collect();
            if authority.contains(&ANY_POLICY) {
                for p in user_set {
                    if !u.contains(p) {
                        u.push(*p);
                    }
                }
            }
            u
        };
        if self.explicit_policy == 0 && user.is_empty() {
            return Err(Reason::CertificatePolicy("explicit policy required, but no acceptable policy remains"));
        }
        Ok(PolicySets { authorities_constrained: authority, user_constrained: user })
    }
}

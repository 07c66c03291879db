//! Certificate policy cases (RFC 5280 §6.1.2–6.1.5 with the valid policy graph of RFC 9618):
//! asserted policies and the user-initial-policy-set, requireExplicitPolicy and
//! initial-explicit-policy, anyPolicy, policy mappings (and their ban on anyPolicy),
//! inhibitAnyPolicy and inhibitPolicyMapping skip counts, self-issued intermediates (not
//! counted), and a crafted policy-mapping explosion that must hit the policy-graph budget.
//!
//! Every chain hangs off "Policy Root CA" (an anchor, so its own extensions are not
//! processed); revocation is off.

use const_oid::ObjectIdentifier;
use trustpath_testgen::templates::{self, Issuer};
use trustpath_testgen::{Ext, KeyKind, Result, ext};

use crate::context::{CaseBuilder, Gen, case, subject};

/// NIST test policy 1 (the PKITS arc).
pub const P1: &str = "2.16.840.1.101.3.2.1.48.1";
/// NIST test policy 2.
pub const P2: &str = "2.16.840.1.101.3.2.1.48.2";
/// NIST test policy 3.
pub const P3: &str = "2.16.840.1.101.3.2.1.48.3";
/// anyPolicy.
pub const ANY: &str = "2.5.29.32.0";

fn oid(s: &str) -> ObjectIdentifier {
    // The constants above are valid OIDs; a bad one is a bug in this file.
    ObjectIdentifier::new(s).unwrap_or(ObjectIdentifier::new_unwrap("0.0"))
}

fn oids(list: &[&str]) -> Vec<ObjectIdentifier> {
    list.iter().map(|s| oid(s)).collect()
}

/// What a CA certificate of a case carries.
#[derive(Default, Clone)]
struct Ca<'a> {
    /// certificatePolicies (`None`: no extension).
    policies: Option<&'a [&'a str]>,
    mappings: &'a [(&'a str, &'a str)],
    /// policyConstraints (requireExplicitPolicy, inhibitPolicyMapping).
    constraints: Option<(Option<u32>, Option<u32>)>,
    inhibit_any: Option<u32>,
    /// Self-issued: same name as its issuer (a key rollover certificate).
    self_issued: bool,
}

fn ca<'a>(policies: &'a [&'a str]) -> Ca<'a> {
    Ca { policies: Some(policies), ..Ca::default() }
}

struct Pki {
    root: Issuer,
    root_file: String,
}

impl Pki {
    /// Builds the chain root → `cas` (top first) → leaf (with `leaf_policies`), writing
    /// `policies/<id>/{ca1,ca2,..,leaf}.pem`; returns (intermediate files, leaf file).
    fn chain(
        &self,
        g: &mut Gen,
        id: &str,
        cas: &[Ca<'_>],
        leaf_policies: Option<&[&str]>,
    ) -> Result<(Vec<String>, String)> {
        self.chain_with(g, id, cas, leaf_policies, Vec::new())
    }

    /// [`Self::chain`] with extra extensions in the leaf.
    fn chain_with(
        &self,
        g: &mut Gen,
        id: &str,
        cas: &[Ca<'_>],
        leaf_policies: Option<&[&str]>,
        leaf_extensions: Vec<Ext>,
    ) -> Result<(Vec<String>, String)> {
        let mut parent = self.root.clone();
        let mut files = Vec::new();
        for (n, c) in cas.iter().enumerate() {
            let depth = n + 1;
            let name = if c.self_issued { parent.name.clone() } else { subject(&format!("Policy CA {id} {depth}"))? };
            let key = g.key(&format!("pol-ca-{depth}"), KeyKind::P256)?;
            let mut b = templates::intermediate(&name, &key, &parent)?;
            if let Some(p) = c.policies {
                b = b.extension(ext::certificate_policies(&oids(p))?);
            }
            if !c.mappings.is_empty() {
                let pairs: Vec<_> = c.mappings.iter().map(|(i, s)| (oid(i), oid(s))).collect();
                b = b.extension(ext::policy_mappings(&pairs)?);
            }
            if let Some((require, inhibit)) = c.constraints {
                b = b.extension(ext::policy_constraints(require, inhibit)?);
            }
            if let Some(skip) = c.inhibit_any {
                b = b.extension(ext::inhibit_any_policy(skip)?);
            }
            let (issuer, file) = g.issue_ca(&format!("policies/{id}/ca{depth}.pem"), &name, key, b, &parent)?;
            files.push(file);
            parent = issuer;
        }
        let leaf_key = g.key("pol-leaf", KeyKind::P256)?;
        let mut b = templates::leaf(&subject(&format!("Policy Leaf {id}"))?, &leaf_key, &parent)?;
        if let Some(p) = leaf_policies {
            b = b.extension(ext::certificate_policies(&oids(p))?);
        }
        b = b.extensions(leaf_extensions);
        let leaf = g.cert(&format!("policies/{id}/leaf.pem"), &parent.sign(&b)?)?;
        Ok((files, leaf))
    }

    fn case(&self, id: &str, description: &str, files: &(Vec<String>, String)) -> CaseBuilder {
        let refs: Vec<&String> = files.0.iter().rev().collect();
        case(&format!("policies/{id}"), description).anchors(&[&self.root_file]).intermediates(&refs).leaf(&files.1)
    }
}

pub fn generate(g: &mut Gen) -> Result<()> {
    let (root, root_file) = g.root("policies/root.pem", "Policy Root CA", "pol-root", KeyKind::P256)?;
    let pki = Pki { root, root_file };
    asserted(g, &pki)?;
    explicit(g, &pki)?;
    any_policy(g, &pki)?;
    mapping(g, &pki)?;
    inhibit_any(g, &pki)?;
    inhibit_mapping(g, &pki)?;
    explosion(g, &pki)?;
    Ok(())
}

fn asserted(g: &mut Gen, pki: &Pki) -> Result<()> {
    let chain = pki.chain(g, "asserted", &[ca(&[P1])], Some(&[P1]))?;
    g.add(
        pki.case(
            "asserted",
            "Intermediate and leaf assert P1; user set {P1}, explicit policy required: accepted for P1",
            &chain,
        )
        .policy_inputs(&[P1], true, false, false)
        .policies(&[P1], &[P1])
        .done(),
    )?;
    g.add(
        pki.case(
            "asserted-default-inputs",
            "The same chain with the default inputs (user set anyPolicy, nothing required): valid for P1",
            &chain,
        )
        .policies(&[P1], &[P1])
        .done(),
    )?;
    g.add(
        pki.case(
            "asserted-user-set-mismatch",
            "The chain is valid only for P1; user set {P2} with explicit policy required: certificate_policy",
            &chain,
        )
        .policy_inputs(&[P2], true, false, false)
        .reject("certificate_policy", None)
        .done(),
    )?;
    g.add(
        pki.case(
            "asserted-user-set-mismatch-not-required",
            "User set {P2} without explicit policy: accepted, with an empty user-constrained set",
            &chain,
        )
        .policy_inputs(&[P2], false, false, false)
        .policies(&[P1], &[])
        .done(),
    )?;
    g.add(
        pki.case(
            "asserted-user-set-any-policy",
            "User set {anyPolicy} with explicit policy: anyPolicy stands for every policy, accepted for P1",
            &chain,
        )
        .policy_inputs(&[ANY], true, false, false)
        .policies(&[P1], &[P1])
        .done(),
    )?;
    // The same CA (name and key) certified twice by the root: first for P2, then for P1. The
    // path through the first certificate fails the explicit policy; the search moves on.
    let key = g.key("pol-ca-1", KeyKind::P256)?;
    let name = subject("Policy CA alternate-path 1")?;
    let mut files = Vec::new();
    for (n, p) in [(1, P2), (2, P1)] {
        let b = templates::intermediate(&name, &key, &pki.root)?.extension(ext::certificate_policies(&[oid(p)])?);
        files.push(g.cert(&format!("policies/alternate-path/ca{n}.pem"), &pki.root.sign(&b)?)?);
    }
    let alt = Issuer::new(name, key, Vec::new());
    let leaf_key = g.key("pol-leaf", KeyKind::P256)?;
    let b = templates::leaf(&subject("Policy Leaf alternate-path")?, &leaf_key, &alt)?
        .extension(ext::certificate_policies(&[oid(P1)])?);
    let leaf = g.cert("policies/alternate-path/leaf.pem", &alt.sign(&b)?)?;
    let chain = (files, leaf);
    g.add(
        pki.case(
            "alternate-path",
            "Two certificates for the same CA: the first (offered first) asserts P2, the second P1; the leaf asserts P1; user set {P1}, explicit: the first path fails, the search backtracks to the second",
            &(chain.0.iter().rev().cloned().collect(), chain.1.clone()),
        )
        .policy_inputs(&[P1], true, false, false)
        .policies(&[P1], &[P1])
        .done(),
    )?;
    let chain = pki.chain(g, "two-policies", &[ca(&[P1, P2])], Some(&[P2, P3]))?;
    g.add(
        pki.case("two-policies", "Intermediate asserts P1 and P2, the leaf P2 and P3: valid for P2 only", &chain)
            .policy_inputs(&[P1, P2, P3], true, false, false)
            .policies(&[P2], &[P2])
            .done(),
    )?;
    Ok(())
}

fn explicit(g: &mut Gen, pki: &Pki) -> Result<()> {
    let require0 = Ca { constraints: Some((Some(0), None)), ..ca(&[P1]) };
    let chain = pki.chain(g, "require-explicit-match", std::slice::from_ref(&require0), Some(&[P1]))?;
    g.add(
        pki.case(
            "require-explicit-match",
            "The intermediate requires an explicit policy (requireExplicitPolicy 0); the leaf asserts its P1: accepted",
            &chain,
        )
        .policies(&[P1], &[P1])
        .done(),
    )?;
    let chain = pki.chain(g, "require-explicit-no-match", &[require0], Some(&[P2]))?;
    g.add(
        pki.case("require-explicit-no-match", "The intermediate requires an explicit policy and asserts P1; the leaf asserts only P2: no valid policy at the leaf, certificate_policy", &chain)
            .reject("certificate_policy", Some(0))
            .done(),
    )?;
    let chain = pki.chain(g, "leaf-without-policies", &[ca(&[P1])], None)?;
    g.add(
        pki.case(
            "explicit-leaf-without-policies",
            "initial-explicit-policy, and the leaf has no certificatePolicies: certificate_policy at the leaf",
            &chain,
        )
        .policy_inputs(&[], true, false, false)
        .reject("certificate_policy", Some(0))
        .done(),
    )?;
    g.add(
        pki.case(
            "leaf-without-policies-not-required",
            "The same chain without explicit policy required: accepted, valid for no policy",
            &chain,
        )
        .policies(&[], &[])
        .done(),
    )?;
    let no_policies = Ca::default();
    let chain = pki.chain(g, "intermediate-without-policies", &[no_policies], Some(&[P1]))?;
    g.add(
        pki.case("explicit-intermediate-without-policies", "initial-explicit-policy, and the intermediate has no certificatePolicies: certificate_policy at the intermediate", &chain)
            .policy_inputs(&[], true, false, false)
            .reject("certificate_policy", Some(1))
            .done(),
    )?;
    // requireExplicitPolicy 0 in the leaf itself (RFC 5280 §6.1.5 (b)).
    for (id, leaf, accept) in [("leaf-require-explicit-match", P1, true), ("leaf-require-explicit-no-match", P2, false)]
    {
        let extra = vec![ext::policy_constraints(Some(0), None)?];
        let chain = pki.chain_with(g, id, &[ca(&[P1])], Some(&[leaf]), extra)?;
        let c = pki.case(id, &format!("The intermediate asserts P1; the leaf asserts {leaf} and has requireExplicitPolicy 0, which applies to the path itself: {}", if accept { "accepted" } else { "no valid policy, certificate_policy" }), &chain);
        g.add(if accept { c.policies(&[P1], &[P1]).done() } else { c.reject("certificate_policy", None).done() })?;
    }
    // requireExplicitPolicy skip counts: CA1 (require k, P1) -> CA2 (no policies) -> leaf (none).
    let skips: [(u32, Option<Option<usize>>); 3] = [(1, Some(Some(0))), (2, Some(None)), (3, None)];
    for (k, outcome) in skips {
        let cas = [Ca { constraints: Some((Some(k), None)), ..ca(&[P1]) }, Ca::default()];
        let chain = pki.chain(g, &format!("require-explicit-{k}"), &cas, None)?;
        let c = pki.case(
            &format!("require-explicit-{k}"),
            &format!(
                "CA1 has requireExplicitPolicy {k} and P1; CA2 and the leaf have no policies, so no policy remains: {}",
                match outcome {
                    Some(_) => "rejected (explicit policy is required within the path)",
                    None => "accepted (the requirement starts after the leaf)",
                }
            ),
            &chain,
        );
        g.add(match outcome {
            Some(index) => c.reject("certificate_policy", index).done(),
            None => c.policies(&[], &[]).done(),
        })?;
    }
    // A self-issued certificate does not count: CA1 (require 2, P1) -> CA1' (self-issued, no
    // policies) -> leaf (none) ends with explicit_policy 1.
    let cas = [Ca { constraints: Some((Some(2), None)), ..ca(&[P1]) }, Ca { self_issued: true, ..Ca::default() }];
    let chain = pki.chain(g, "require-explicit-self-issued", &cas, None)?;
    g.add(
        pki.case("require-explicit-self-issued", "CA1 has requireExplicitPolicy 2; the next CA is self-issued and does not count, so the requirement starts after the leaf: accepted", &chain)
            .policies(&[], &[])
            .done(),
    )?;
    Ok(())
}

fn any_policy(g: &mut Gen, pki: &Pki) -> Result<()> {
    let chain = pki.chain(g, "any-policy-intermediate", &[ca(&[ANY])], Some(&[P1]))?;
    g.add(
        pki.case(
            "any-policy-intermediate",
            "The intermediate asserts anyPolicy, the leaf P1; user set {P1}, explicit: accepted for P1",
            &chain,
        )
        .policy_inputs(&[P1], true, false, false)
        .policies(&[P1], &[P1])
        .done(),
    )?;
    g.add(
        pki.case("any-policy-inhibited-initially", "The same chain with initial-any-policy-inhibit: the intermediate's anyPolicy is not honoured, certificate_policy at the intermediate", &chain)
            .policy_inputs(&[P1], true, false, true)
            .reject("certificate_policy", Some(1))
            .done(),
    )?;
    let chain = pki.chain(g, "any-policy-everywhere", &[ca(&[ANY])], Some(&[ANY]))?;
    g.add(
        pki.case(
            "any-policy-everywhere",
            "Intermediate and leaf assert anyPolicy; user set {P1}: valid for anyPolicy, user-constrained {P1}",
            &chain,
        )
        .policy_inputs(&[P1], true, false, false)
        .policies(&[ANY], &[P1])
        .done(),
    )?;
    Ok(())
}

fn mapping(g: &mut Gen, pki: &Pki) -> Result<()> {
    let map12 = Ca { mappings: &[(P1, P2)], ..ca(&[P1]) };
    let chain = pki.chain(g, "mapping", &[map12], Some(&[P2]))?;
    g.add(
        pki.case("mapping", "The intermediate asserts P1 and maps P1 (issuer domain) to P2 (subject domain); the leaf asserts P2; user set {P1}: accepted, valid for P1", &chain)
            .policy_inputs(&[P1], true, false, false)
            .policies(&[P1], &[P1])
            .done(),
    )?;
    g.add(
        pki.case("mapping-user-set-subject-domain", "The same chain with user set {P2}: P2 is the subject-domain name, not a policy of the anchor's domain: certificate_policy", &chain)
            .policy_inputs(&[P2], true, false, false)
            .reject("certificate_policy", None)
            .done(),
    )?;
    g.add(
        pki.case("mapping-inhibited-initially", "The same chain with initial-policy-mapping-inhibit and explicit policy: the mapped policy is deleted, certificate_policy at the leaf", &chain)
            .policy_inputs(&[P1], true, true, false)
            .reject("certificate_policy", Some(0))
            .done(),
    )?;
    g.add(
        pki.case(
            "mapping-inhibited-initially-not-required",
            "The same with initial-policy-mapping-inhibit but no explicit policy: accepted, valid for no policy",
            &chain,
        )
        .policy_inputs(&[P1], false, true, false)
        .policies(&[], &[])
        .done(),
    )?;
    let cas = [Ca { mappings: &[(P1, P2)], ..ca(&[P1]) }, Ca { mappings: &[(P2, P3)], ..ca(&[P2]) }];
    let chain = pki.chain(g, "mapping-two-levels", &cas, Some(&[P3]))?;
    g.add(
        pki.case(
            "mapping-two-levels",
            "CA1 maps P1 to P2, CA2 maps P2 to P3, the leaf asserts P3; user set {P1}: accepted",
            &chain,
        )
        .policy_inputs(&[P1], true, false, false)
        .policies(&[P1], &[P1])
        .done(),
    )?;
    let chain =
        pki.chain(g, "mapping-leaf-asserts-issuer-domain", &[Ca { mappings: &[(P1, P2)], ..ca(&[P1]) }], Some(&[P1]))?;
    g.add(
        pki.case("mapping-leaf-asserts-issuer-domain", "The intermediate maps P1 to P2, but the leaf asserts P1 (the issuer-domain name, which no longer applies below the mapping); explicit: certificate_policy at the leaf", &chain)
            .policy_inputs(&[P1], true, false, false)
            .reject("certificate_policy", Some(0))
            .done(),
    )?;
    let extra = vec![ext::policy_mappings(&[(oid(P1), oid(ANY))])?];
    let chain = pki.chain_with(g, "leaf-mapping-ignored", &[ca(&[P1])], Some(&[P1]), extra)?;
    g.add(
        pki.case("leaf-mapping-ignored", "The leaf carries policyMappings (even one to anyPolicy): mappings are processed only in intermediates (RFC 5280 §6.1.4), so it is ignored and the chain is valid for P1", &chain)
            .policy_inputs(&[P1], true, false, false)
            .policies(&[P1], &[P1])
            .done(),
    )?;
    let via_any = Ca { mappings: &[(P1, P2)], ..ca(&[ANY]) };
    let chain = pki.chain(g, "mapping-via-any-policy", &[via_any], Some(&[P2]))?;
    g.add(
        pki.case("mapping-via-any-policy", "The intermediate asserts anyPolicy and maps P1 to P2 (a P1 node is made from anyPolicy, RFC 5280 §6.1.4 (b)(1)); the leaf asserts P2; user set {P1}: accepted", &chain)
            .policy_inputs(&[P1], true, false, false)
            .policies(&[P1], &[P1])
            .done(),
    )?;
    let to_any = Ca { mappings: &[(P1, ANY)], ..ca(&[P1]) };
    let chain = pki.chain(g, "mapping-to-any-policy", &[to_any], Some(&[P1]))?;
    g.add(
        pki.case("mapping-to-any-policy", "The intermediate maps P1 to anyPolicy (RFC 5280 §6.1.4 (a) forbids it): certificate_policy at the intermediate", &chain)
            .reject("certificate_policy", Some(1))
            .done(),
    )?;
    let from_any = Ca { mappings: &[(ANY, P1)], ..ca(&[ANY]) };
    let chain = pki.chain(g, "mapping-from-any-policy", &[from_any], Some(&[P1]))?;
    g.add(
        pki.case(
            "mapping-from-any-policy",
            "The intermediate maps anyPolicy to P1 (forbidden): certificate_policy at the intermediate",
            &chain,
        )
        .reject("certificate_policy", Some(1))
        .done(),
    )?;
    // Two issuer-domain policies mapped to the same subject-domain policy. Below them a CA
    // asserts P3 explicitly, or anyPolicy: either way the P3 node has both parents (RFC 9618
    // §4: the anyPolicy child of P-OID hangs under every node expecting P-OID).
    let merge = Ca { mappings: &[(P1, P3), (P2, P3)], ..ca(&[P1, P2]) };
    for (id, second, what) in [("mapping-merge-explicit", P3, "P3"), ("mapping-merge-any-policy", ANY, "anyPolicy")] {
        let chain = pki.chain(g, id, &[merge.clone(), ca(&[second])], Some(&[P3]))?;
        g.add(
            pki.case(id, &format!("CA1 asserts P1 and P2 and maps both to P3; CA2 asserts {what}; the leaf asserts P3; user set {{P2}}: accepted, valid for P1 and P2"), &chain)
                .policy_inputs(&[P2], true, false, false)
                .policies(&[P1, P2], &[P2])
                .done(),
        )?;
    }
    Ok(())
}

fn inhibit_any(g: &mut Gen, pki: &Pki) -> Result<()> {
    // CA1 (inhibitAnyPolicy k, anyPolicy) -> CA2 (anyPolicy) -> CA3 (anyPolicy) -> leaf.
    let variants: [(u32, &[&str], Option<usize>); 5] =
        [(0, &[P1], Some(2)), (1, &[P1], Some(1)), (2, &[P1], None), (2, &[ANY], Some(0)), (3, &[ANY], None)];
    for (k, leaf, reject) in variants {
        let leaf_any = leaf == [ANY];
        let id = if leaf_any { format!("inhibit-any-{k}-leaf-any") } else { format!("inhibit-any-{k}") };
        let cas = [Ca { inhibit_any: Some(k), ..ca(&[ANY]) }, ca(&[ANY]), ca(&[ANY])];
        let chain = pki.chain(g, &id, &cas, Some(leaf))?;
        let description = format!(
            "CA1 has inhibitAnyPolicy {k}; CA1, CA2 and CA3 assert anyPolicy; the leaf asserts {}; user set {{P1}}, explicit: {}",
            if leaf_any { "anyPolicy" } else { "P1" },
            match reject {
                Some(i) => format!("anyPolicy is no longer honoured at index {i}, certificate_policy"),
                None => "accepted".to_string(),
            }
        );
        let c = pki.case(&id, &description, &chain).policy_inputs(&[P1], true, false, false);
        g.add(match (reject, leaf_any) {
            (Some(i), _) => c.reject("certificate_policy", Some(i)).done(),
            (None, false) => c.policies(&[P1], &[P1]).done(),
            (None, true) => c.policies(&[ANY], &[P1]).done(),
        })?;
    }
    // Self-issued certificates are not counted, and their anyPolicy is honoured even when
    // inhibit_anyPolicy is 0 (RFC 5280 §6.1.3 (d)(2)).
    for (k, reject) in [(1u32, None), (0, Some(1usize))] {
        let id = format!("inhibit-any-{k}-self-issued");
        let cas = [Ca { inhibit_any: Some(k), ..ca(&[ANY]) }, Ca { self_issued: true, ..ca(&[ANY]) }, ca(&[ANY])];
        let chain = pki.chain(g, &id, &cas, Some(&[P1]))?;
        let description = format!(
            "CA1 has inhibitAnyPolicy {k} and is followed by a self-issued CA (not counted) and CA2, all asserting anyPolicy; the leaf asserts P1: {}",
            if reject.is_some() { "CA2's anyPolicy is not honoured, certificate_policy at CA2" } else { "accepted" }
        );
        let c = pki.case(&id, &description, &chain).policy_inputs(&[P1], true, false, false);
        g.add(match reject {
            Some(i) => c.reject("certificate_policy", Some(i)).done(),
            None => c.policies(&[P1], &[P1]).done(),
        })?;
    }
    Ok(())
}

fn inhibit_mapping(g: &mut Gen, pki: &Pki) -> Result<()> {
    let inhibit = |k: u32| Ca { constraints: Some((None, Some(k))), ..ca(&[P1]) };
    let map12 = Ca { mappings: &[(P1, P2)], ..ca(&[P1]) };
    let map23 = Ca { mappings: &[(P2, P3)], ..ca(&[P2]) };
    // CA1 (inhibitPolicyMapping k, P1) -> CA2 (maps P1 to P2) [-> CA3 (maps P2 to P3)] -> leaf.
    let variants: [(u32, bool, bool); 4] = [(0, false, false), (1, false, true), (1, true, false), (2, true, true)];
    for (k, second, accept) in variants {
        let id = if second { format!("inhibit-mapping-{k}-second-mapping") } else { format!("inhibit-mapping-{k}") };
        let mut cas = vec![inhibit(k), map12.clone()];
        let leaf = if second {
            cas.push(map23.clone());
            P3
        } else {
            P2
        };
        let chain = pki.chain(g, &id, &cas, Some(&[leaf]))?;
        let description = format!(
            "CA1 has inhibitPolicyMapping {k}; CA2 maps P1 to P2{}; the leaf asserts {leaf}; user set {{P1}}, explicit: {}",
            if second { ", CA3 maps P2 to P3" } else { "" },
            if accept { "accepted" } else { "the last mapping is inhibited, certificate_policy at the leaf" }
        );
        let c = pki.case(&id, &description, &chain).policy_inputs(&[P1], true, false, false);
        g.add(if accept { c.policies(&[P1], &[P1]).done() } else { c.reject("certificate_policy", Some(0)).done() })?;
    }
    let cas = [inhibit(1), Ca { self_issued: true, ..ca(&[P1]) }, map12];
    let chain = pki.chain(g, "inhibit-mapping-1-self-issued", &cas, Some(&[P2]))?;
    g.add(
        pki.case("inhibit-mapping-1-self-issued", "CA1 has inhibitPolicyMapping 1 and is followed by a self-issued CA (not counted), then CA2 which maps P1 to P2; the leaf asserts P2: accepted", &chain)
            .policy_inputs(&[P1], true, false, false)
            .policies(&[P1], &[P1])
            .done(),
    )?;
    Ok(())
}

/// Policies per CA in the explosion.
pub const EXPLOSION_WIDTH: u32 = 32;
/// CAs in the explosion.
pub const EXPLOSION_DEPTH: usize = 6;

/// The explosion's policy `n`: 1.3.6.1.4.1.32473.3.n.
pub fn explosion_policy(n: u32) -> String {
    format!("1.3.6.1.4.1.32473.3.{n}")
}

fn explosion(g: &mut Gen, pki: &Pki) -> Result<()> {
    // Every CA asserts the same WIDTH policies and maps each to each (WIDTH² mappings): an RFC
    // 5280 policy tree would have WIDTH^depth nodes; the RFC 9618 graph has WIDTH nodes and
    // WIDTH² edges per level, which the default policy-graph budget (10,000) cannot hold for
    // six CAs.
    let policies: Vec<ObjectIdentifier> = (1..=EXPLOSION_WIDTH).map(|n| oid(&explosion_policy(n))).collect();
    let mut pairs = Vec::new();
    for i in &policies {
        for s in &policies {
            pairs.push((*i, *s));
        }
    }
    let cp: Ext = ext::certificate_policies(&policies)?;
    let pm: Ext = ext::policy_mappings(&pairs)?;
    let mut parent = pki.root.clone();
    let mut files = Vec::new();
    for depth in 1..=EXPLOSION_DEPTH {
        let name = subject(&format!("Policy Explosion CA {depth}"))?;
        let key = g.key(&format!("pol-ca-{depth}"), KeyKind::P256)?;
        let b = templates::intermediate(&name, &key, &parent)?.extension(cp.clone()).extension(pm.clone());
        let der = parent.sign(&b)?;
        let file = g.file(&format!("policies/explosion/ca{depth}.der"), der.clone())?;
        files.push(file);
        parent = Issuer::new(name, key, der);
    }
    let leaf_key = g.key("pol-leaf", KeyKind::P256)?;
    let b = templates::leaf(&subject("Policy Explosion Leaf")?, &leaf_key, &parent)?
        .extension(ext::certificate_policies(&policies[..1])?);
    let leaf = g.file("policies/explosion/leaf.der", parent.sign(&b)?)?;
    let refs: Vec<&String> = files.iter().rev().collect();
    g.add(
        case("policies/mapping-explosion", &format!("{EXPLOSION_DEPTH} CAs each assert {EXPLOSION_WIDTH} policies and map every one to every one ({} mappings per CA); the leaf asserts the first: the policy graph outgrows the default budget, budget_exceeded (quickly)", EXPLOSION_WIDTH * EXPLOSION_WIDTH))
            .anchors(&[&pki.root_file])
            .intermediates(&refs)
            .leaf(&leaf)
            .reject("budget_exceeded", None)
            .done(),
    )?;
    Ok(())
}

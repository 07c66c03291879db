//! Path building: from the leaf towards the anchors, depth-first with backtracking.
//!
//! Candidate issuers are found by subject (one hash lookup), anchors before intermediates, and
//! ranked by authorityKeyIdentifier / subjectKeyIdentifier agreement before any signature is
//! spent. Cheap, path-independent checks on a candidate issuer (validity, CA-ness) come before
//! its signature check, so an expired cross-sign costs no signature. A candidate whose
//! (subject, key) is already in the path is skipped, which makes cycles and cross-certified
//! meshes terminate. Every loop is bounded by the policy's [`Budget`](crate::Budget); when the
//! whole search fails, the most informative failure is reported.
//!
//! When a candidate path reaches an anchor, [`validate`] runs the RFC 5280 §6.1 checks over
//! it, one step per file.

mod basic_constraints;
mod budget;
mod critical_extensions;
mod extended_key_usage;
mod input;
mod key_usage;
pub(crate) mod name_constraints;
pub(crate) mod policy_graph;
mod profile;
mod revocation;
pub(crate) mod server_name;
mod signature;
mod validate;
mod validity;
mod verified;

use std::sync::Arc;

use smallvec::SmallVec;

use crate::cert::Certificate;
use crate::crypto::cache::SignatureCache;
use crate::error::{Need, NeedKind, Reason, ValidationError};
use crate::policy::{EkuPolicy, Policy, PolicyInputs};
use crate::revocation::{RevocationMode, RevocationScope};
use crate::trust::{Anchor, CertificatePool, TrustStore};
pub use input::{ExpectedName, ValidationInput};
pub use verified::VerifiedPath;

pub(crate) use budget::BudgetCounter;
pub(crate) use validity::check as check_validity;

/// Builds and validates a path for `input`.
pub(crate) fn build(
    store: &TrustStore,
    pool: &CertificatePool,
    policy: &Policy,
    cache: Option<&SignatureCache>,
    input: &ValidationInput<'_>,
) -> Result<VerifiedPath, ValidationError> {
    // The leaf's own path-independent checks come first: no path can mend them.
    validity::check(input.leaf, input.time)
        .and_then(|()| policy.algorithms.check_key(&input.leaf.key_ref()))
        .map_err(|r| ValidationError::new(r, Some(0)).with_subject(input.leaf.subject_string()))?;
    let mut budget = BudgetCounter::new(policy.budget, cache);
    let mut search =
        Search { store, pool, policy, input, budget: &mut budget, best: None, only_anchor: None, signers: Vec::new() };
    let mut chain = Vec::with_capacity(4);
    chain.push(input.leaf.clone());
    match search.extend(&mut chain) {
        Ok(Some(path)) => Ok(path),
        Ok(None) => Err(search.best.map_or_else(|| ValidationError::new(Reason::UnknownIssuer, Some(0)), |(_, e)| e)),
        Err(budget) => Err(budget),
    }
}

/// One path search. The revocation check may start nested searches (for the path of a CRL
/// signer, RFC 5280 §6.3.3 (f)), which share the budget and must end at the same anchor.
pub(crate) struct Search<'s, 'c> {
    store: &'s TrustStore,
    pool: &'s CertificatePool,
    pub(crate) policy: &'s Policy,
    pub(crate) input: &'s ValidationInput<'s>,
    pub(crate) budget: &'s mut BudgetCounter<'c>,
    /// The most specific failure so far, with its rank (see [`Self::record_ranked`]).
    best: Option<((bool, u8), ValidationError)>,
    /// Only paths to this anchor count (nested searches).
    only_anchor: Option<&'s Arc<Anchor>>,
    /// The CRL signers whose paths the enclosing searches are validating, innermost last: one
    /// of them cannot vouch for itself, and their number bounds the nesting.
    signers: Vec<Certificate>,
}

/// What a nested search says of a CRL signer's own path.
pub(crate) enum SignerPath {
    Valid,
    Refused,
    /// Valid but for revocation data that was not supplied: what to fetch.
    Undetermined(Vec<Need>),
}

/// Most CRL signers whose paths are validated inside one another (RFC 5280 §6.3.3 (f)).
const MAX_NESTED_SIGNERS: usize = 4;

/// The policy a CRL signer's own path is validated under: the validation's, without what it
/// asks of its end entity (purpose, key usage beyond cRLSign, policies, hooks). Revocation:
/// the same, over the signer's whole path; but when only the leaf's status is required, the
/// signer's is checked with the data at hand and not required (as an intermediate's would be).
fn signer_policy(policy: &Policy) -> Policy {
    let mut p = policy.clone();
    if policy.revocation.scope == RevocationScope::Leaf && policy.revocation.mode == RevocationMode::HardFail {
        p.revocation.mode = RevocationMode::SoftFail;
    }
    p.revocation.scope = RevocationScope::Chain;
    p.eku = EkuPolicy { required: None, required_in_leaf: false, any_satisfies: true, constrain_by_issuers: false };
    p.leaf_key_usage = Vec::new();
    p.allow_ca_as_leaf = true;
    p.certificate_policies = PolicyInputs::default();
    p.certificate_hooks.clear();
    p.path_hooks.clear();
    p
}

/// How well a candidate's subjectKeyIdentifier agrees with the child's authorityKeyIdentifier.
fn key_id_rank(child: &Certificate, candidate_ski: Option<&[u8]>) -> u8 {
    match (child.authority_key_id(), candidate_ski) {
        (Some(aki), Some(ski)) if aki == ski => 0,
        (Some(_), Some(_)) => 2,
        _ => 1,
    }
}

impl<'s, 'c> Search<'s, 'c> {
    /// Keeps the most specific failure of the search, the one reported when no path is found
    /// (rustls-webpki's `most_specific` is the model): a failure of a complete candidate path
    /// (one that reached an anchor) over one of a candidate issuer, and within each, by
    /// [`Reason::rank`]; the first found among equals.
    fn record(&mut self, error: ValidationError) {
        self.record_ranked(error, false);
    }

    fn record_ranked(&mut self, error: ValidationError, complete_path: bool) {
        let rank = (complete_path, error.reason().rank());
        if self.best.as_ref().is_none_or(|(best, _)| rank > *best) {
            self.best = Some((rank, error));
        }
    }

    fn record_at(&mut self, reason: Reason, index: usize, cert: &Certificate) {
        self.record(ValidationError::new(reason, Some(index)).with_subject(cert.subject_string()));
    }

    /// Tries to complete `chain` (leaf first) into a valid path. `Err` only when a budget ran
    /// out, which ends the whole search.
    ///
    /// Issuers are looked up by the child's issuer name as encoded first; only when none of
    /// those gives a path are the anchors and intermediates whose subject is the same name
    /// under RFC 5280 §7.1 but encoded otherwise tried, so the common case prepares no name.
    fn extend(&mut self, chain: &mut Vec<Certificate>) -> Result<Option<VerifiedPath>, ValidationError> {
        let Some(child) = chain.last().cloned() else { return Ok(None) };
        let issuer = child.issuer_der();

        let anchors: SmallVec<[&'s Arc<Anchor>; 4]> = self.store.anchors_by_subject(issuer).collect();
        if let Some(path) = self.try_anchors(chain, &child, anchors)? {
            return Ok(Some(path));
        }
        let offered = self.input.intermediates.iter().filter(|c| c.subject_der() == issuer);
        let mut candidates: SmallVec<[&'s Certificate; 4]> = SmallVec::new();
        for c in self.pool.by_subject(issuer).chain(offered) {
            if !candidates.contains(&c) {
                candidates.push(c);
            }
        }
        if let Some(path) = self.try_issuers(chain, &child, candidates)? {
            return Ok(Some(path));
        }

        if let Some(canonical) = child.canonical_issuer() {
            // Those encoded exactly as `issuer` were tried above.
            let anchors: SmallVec<[&'s Arc<Anchor>; 4]> =
                self.store.anchors_by_canonical_subject(canonical).filter(|a| a.subject_der() != issuer).collect();
            if let Some(path) = self.try_anchors(chain, &child, anchors)? {
                return Ok(Some(path));
            }
            let pooled = self.pool.by_canonical_subject(canonical);
            let offered = self.input.intermediates.iter().filter(|c| c.canonical_subject() == Some(canonical));
            let mut candidates: SmallVec<[&'s Certificate; 4]> = SmallVec::new();
            for c in pooled.chain(offered).filter(|c| c.subject_der() != issuer) {
                if !candidates.contains(&c) {
                    candidates.push(c);
                }
            }
            if let Some(path) = self.try_issuers(chain, &child, candidates)? {
                return Ok(Some(path));
            }
        }

        let child_index = chain.len() - 1;
        let needs =
            vec![Need { certificate_index: child_index, kind: NeedKind::Issuer, urls: child.aia_urls(AD_CA_ISSUERS) }];
        self.record(
            ValidationError::new(Reason::UnknownIssuer, Some(child_index))
                .with_subject(child.subject_string())
                .with_needs(needs),
        );
        Ok(None)
    }

    /// Pooled certificates whose subject is the name `name` (exactly, or under RFC 5280 §7.1).
    pub(crate) fn pool_by_name(&self, name: &[u8]) -> impl Iterator<Item = &'s Certificate> + 's {
        let canonical = crate::cert::name_match::canonical(name);
        let pool = self.pool;
        let exact: Vec<&'s Certificate> = pool.by_subject(name).collect();
        let equivalent = canonical
            .map(|c| pool.by_canonical_subject(&c).filter(|p| !exact.contains(p)).collect::<Vec<_>>())
            .unwrap_or_default();
        exact.into_iter().chain(equivalent)
    }

    /// Whether this search validates the path of `cert` as a CRL signer (`cert` is its leaf).
    pub(crate) fn is_validating_signer(&self, cert: &Certificate) -> bool {
        self.signers.last() == Some(cert) && self.input.leaf == cert
    }

    /// Whether `signer`, a certificate outside the path that signed a CRL, has a valid path of
    /// its own to `anchor` (RFC 5280 §6.3.3 (f)): a nested search with this one's budget,
    /// revocation data and time. A signer cannot vouch for itself, and nesting is bounded.
    pub(crate) fn signer_path(
        &mut self,
        signer: &Certificate,
        anchor: &Arc<Anchor>,
    ) -> Result<SignerPath, ValidationError> {
        if self.signers.len() >= MAX_NESTED_SIGNERS || self.signers.contains(signer) {
            return Ok(SignerPath::Refused);
        }
        let time = self.input.time;
        if validity::check(signer, time).is_err() || self.policy.algorithms.check_key(&signer.key_ref()).is_err() {
            return Ok(SignerPath::Refused);
        }
        let policy = signer_policy(self.policy);
        let mut offered: Vec<Certificate> = self.input.intermediates.to_vec();
        if let Some(data) = self.input.revocation {
            offered.extend(data.certificates.iter().cloned());
        }
        let mut input = ValidationInput::new(signer, time).intermediates(&offered);
        input.revocation = self.input.revocation;
        let mut signers = self.signers.clone();
        signers.push(signer.clone());
        let mut nested = Search {
            store: self.store,
            pool: self.pool,
            policy: &policy,
            input: &input,
            budget: &mut *self.budget,
            best: None,
            only_anchor: Some(anchor),
            signers,
        };
        let mut chain = vec![signer.clone()];
        if nested.extend(&mut chain)?.is_some() {
            return Ok(SignerPath::Valid);
        }
        // Refused only for want of revocation data: the CRL it signed is undecided, not bad.
        Ok(match nested.best {
            Some((_, e)) if *e.reason() == Reason::RevocationUnknown => SignerPath::Undetermined(e.needs().to_vec()),
            _ => SignerPath::Refused,
        })
    }

    /// Tries each anchor (best key identifier match first) as the end of `chain`.
    fn try_anchors(
        &mut self,
        chain: &mut Vec<Certificate>,
        child: &Certificate,
        mut anchors: SmallVec<[&'s Arc<Anchor>; 4]>,
    ) -> Result<Option<VerifiedPath>, ValidationError> {
        let child_index = chain.len() - 1;
        if self.input.community.is_some() || self.only_anchor.is_some() {
            anchors.retain(|a| {
                self.input.community.is_none_or(|c| c == a.community())
                    && self.only_anchor.is_none_or(|only| Arc::ptr_eq(only, a))
            });
        }
        anchors.sort_by_key(|a| key_id_rank(child, a.subject_key_id()));
        for anchor in anchors {
            self.budget.build_step()?;
            let key = anchor.key_ref();
            if let Err(reason) = self.policy.algorithms.check_key(&key) {
                let e = ValidationError::new(reason, Some(child_index + 1)).with_subject(anchor.subject_string());
                self.record(e);
                continue;
            }
            if let Err(reason) = self.verify_signature(&child.signed_by(key))? {
                self.record_at(reason, child_index, child);
                continue;
            }
            match validate::validate(self, chain, anchor) {
                Ok(outcome) => {
                    // The search ends here: the chain moves into the result (the callers'
                    // pops then find it empty).
                    return Ok(Some(VerifiedPath {
                        leaf: self.input.leaf.clone(),
                        certificates: std::mem::take(chain),
                        anchor: anchor.clone(),
                        revocation: outcome.revocation.statuses,
                        needs: outcome.revocation.needs,
                        policies: outcome.policies,
                        findings: outcome.findings,
                    }));
                }
                Err(e) if matches!(e.reason(), Reason::BudgetExceeded(_)) => return Err(e),
                Err(e) => self.record_ranked(e, true),
            }
        }
        Ok(None)
    }

    /// Tries each candidate intermediate (best key identifier match first) as the issuer of
    /// `child`, extending the path above it.
    fn try_issuers(
        &mut self,
        chain: &mut Vec<Certificate>,
        child: &Certificate,
        mut candidates: SmallVec<[&'s Certificate; 4]>,
    ) -> Result<Option<VerifiedPath>, ValidationError> {
        let child_index = chain.len() - 1;
        candidates.sort_by_key(|c| key_id_rank(child, c.subject_key_id()));
        for candidate in candidates {
            self.budget.build_step()?;
            // A (name, key) already in the path would make a cycle. Keys first: they tell
            // most certificates apart without comparing names.
            let in_path = chain.iter().any(|c| c.spki_der() == candidate.spki_der() && c.has_subject_of(candidate));
            if in_path {
                continue;
            }
            let candidate_index = chain.len();
            if too_deep(chain, candidate, self.policy.max_intermediates) {
                self.record_at(Reason::MaxDepthExceeded(self.policy.max_intermediates), candidate_index, candidate);
                continue;
            }
            if let Err(reason) = issuer_precheck(candidate, self.input, self.policy) {
                self.record_at(reason, candidate_index, candidate);
                continue;
            }
            let signed = child.signed_by(candidate.key_ref());
            if let Err(reason) = self.verify_signature(&signed)? {
                self.record_at(reason, child_index, child);
                continue;
            }
            chain.push(candidate.clone());
            let found = self.extend(chain)?;
            chain.pop();
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }
}

/// id-ad-caIssuers (RFC 5280 §4.2.2.1).
const AD_CA_ISSUERS: const_oid::ObjectIdentifier = const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");

/// Hard cap on certificates in a path, self-issued ones included.
const MAX_PATH_CERTIFICATES: usize = 32;

/// Whether adding `candidate` above `chain` exceeds the maximum number of intermediates.
/// Self-issued intermediates (key rollover) do not count, as in RFC 5280's path length.
fn too_deep(chain: &[Certificate], candidate: &Certificate, max_intermediates: usize) -> bool {
    if chain.len() >= MAX_PATH_CERTIFICATES {
        return true;
    }
    let counted = chain.iter().skip(1).filter(|c| !c.is_self_issued()).count();
    let adds = usize::from(!candidate.is_self_issued());
    counted + adds > max_intermediates
}

/// Path-independent checks on a would-be issuer, done before spending a signature on it.
fn issuer_precheck(candidate: &Certificate, input: &ValidationInput<'_>, policy: &Policy) -> Result<(), Reason> {
    validity::check(candidate, input.time)?;
    policy.algorithms.check_key(&candidate.key_ref())?;
    basic_constraints::check_is_ca(candidate)?;
    key_usage::check_issuer(candidate)
}

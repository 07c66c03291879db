//! What one validation has fetched so far, across rounds: the revocation data and issuers
//! obtained, the URLs already tried (never twice), the records; and the rules of the
//! validate → fetch → validate loop that both fetchers run.

use std::collections::HashSet;
use std::sync::Arc;

use trustpath::revocation::{Crl, OcspResponse, RevocationData, RevocationMode};
use trustpath::{Certificate, CertificatePool, NeedKind, ValidationError, VerifiedPath, Verifier};

use super::config::FetchConfig;
use super::content::{Entry, Item};
use super::plan::{self, Group, Job};
use super::report::FetchRecord;

/// Why the loop calls a validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The real decision, under the caller's policy.
    Decide,
    /// Only to learn the path and what it lacks: the verifier given has revocation
    /// soft-fail, and the result is used for nothing else. A validation with lasting effects
    /// (a replay cache) should check only the certificate path here.
    FindPath,
}

/// A validation result the loop can read: the verified path (with what it still lacks, under
/// soft-fail) or the rejection (with what it lacked).
pub trait Validated {
    /// The verified path, when valid.
    fn verified_path(&self) -> Option<&VerifiedPath>;
    /// The certificate path's rejection, when that is why it failed.
    fn validation_error(&self) -> Option<&ValidationError>;
}

impl Validated for Result<VerifiedPath, ValidationError> {
    fn verified_path(&self) -> Option<&VerifiedPath> {
        self.as_ref().ok()
    }

    fn validation_error(&self) -> Option<&ValidationError> {
        self.as_ref().err()
    }
}

#[cfg(feature = "direct")]
impl Validated for Result<trustpath::direct::VerifiedMessage, trustpath::direct::DirectError> {
    fn verified_path(&self) -> Option<&VerifiedPath> {
        self.as_ref().ok().map(|m| m.path())
    }

    fn validation_error(&self) -> Option<&ValidationError> {
        self.as_ref().err().and_then(|e| e.validation_error())
    }
}

/// What a validation with fetching gives: the result, and what was fetched for it.
#[derive(Debug, Clone)]
pub struct WithFetch<T> {
    /// The last validation's result.
    pub result: T,
    /// Every URL tried, in order.
    pub fetched: Vec<FetchRecord>,
    /// The revocation data the last validation had: the caller's plus what was fetched.
    pub revocation: RevocationData,
    /// Issuer certificates fetched (AIA caIssuers).
    pub issuers: Vec<Certificate>,
    /// Fetch rounds made.
    pub rounds: usize,
}

impl<T> WithFetch<T> {
    /// `verifier` with the fetched issuers added to its intermediate pool: to validate once
    /// more with what was fetched (e.g. a final decision with effects, such as recording a
    /// token's `jti`, that the loop's attempts must not have).
    pub fn verifier_with_issuers(&self, verifier: &Verifier) -> Verifier {
        if self.issuers.is_empty() { verifier.clone() } else { with_issuers(verifier, &self.issuers) }
    }
}

/// What was fetched for a set of needs (without validating).
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// The CRLs and OCSP responses obtained (and issuers, as possible CRL signers).
    pub revocation: RevocationData,
    /// Issuer certificates obtained: offer them as intermediates.
    pub issuers: Vec<Certificate>,
    /// Every URL tried, in order.
    pub records: Vec<FetchRecord>,
}

/// The state of one validation's fetching.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) data: RevocationData,
    pub(crate) issuers: Vec<Certificate>,
    pub(crate) records: Vec<FetchRecord>,
    attempted: HashSet<String>,
    pub(crate) rounds: usize,
    /// Issuers arrived since the verifier was last rebuilt.
    pub(crate) issuers_changed: bool,
}

impl Session {
    pub(crate) fn new(data: RevocationData) -> Self {
        Session {
            data,
            issuers: Vec::new(),
            records: Vec::new(),
            attempted: HashSet::new(),
            rounds: 0,
            issuers_changed: false,
        }
    }

    pub(crate) fn plan(
        &self,
        needs: &[trustpath::Need],
        path: Option<&VerifiedPath>,
        config: &FetchConfig,
    ) -> Vec<Group> {
        plan::plan(needs, path, &self.attempted, config)
    }

    /// The groups to fetch after `result`: what a verified path lacks, or what a rejection
    /// lacked. For a rejection that lacked revocation data, `find_path` (the validation under
    /// soft-fail) gives the certificates needed to build OCSP requests, and what every
    /// certificate of the path lacks at once.
    pub(crate) fn next<T: Validated>(
        &self,
        result: &T,
        config: &FetchConfig,
        find_path: impl FnOnce() -> Option<T>,
    ) -> Vec<Group> {
        if let Some(path) = result.verified_path() {
            return self.plan(path.needs(), Some(path), config);
        }
        let Some(error) = result.validation_error() else { return Vec::new() };
        let issuers: Vec<_> = error.needs().iter().filter(|n| n.kind == NeedKind::Issuer).cloned().collect();
        let mut groups = self.plan(&issuers, None, config);
        let lacks_revocation = error.needs().iter().any(|n| n.kind != NeedKind::Issuer);
        if lacks_revocation {
            let found = find_path();
            let revocation_groups = match found.as_ref().and_then(Validated::verified_path) {
                Some(path) => self.plan(path.needs(), Some(path), config),
                None => {
                    let needs: Vec<_> = error.needs().iter().filter(|n| n.kind != NeedKind::Issuer).cloned().collect();
                    self.plan(&needs, None, config)
                }
            };
            groups.extend(revocation_groups);
        }
        groups
    }

    /// Notes that `job` was tried and how; returns whether something new and usable came.
    pub(crate) fn absorb(&mut self, job: &Job, record: FetchRecord, entry: Option<Arc<Entry>>) -> bool {
        self.attempted.insert(job.key.clone());
        self.records.push(record);
        let Some(entry) = entry else { return false };
        match &entry.item {
            Item::Crl(crl) => {
                self.data.add_crl(Crl::clone(crl));
            }
            Item::Ocsp(response) => {
                self.data.add_ocsp(OcspResponse::clone(response));
            }
            Item::Issuers { certificates, .. } => {
                for cert in certificates {
                    if !self.issuers.contains(cert) {
                        self.data.add_certificate(cert.clone());
                        self.issuers.push(cert.clone());
                        self.issuers_changed = true;
                    }
                }
            }
        }
        true
    }

    pub(crate) fn finish<T>(self, result: T) -> WithFetch<T> {
        WithFetch { result, fetched: self.records, revocation: self.data, issuers: self.issuers, rounds: self.rounds }
    }

    pub(crate) fn into_fetched(self) -> Fetched {
        Fetched { revocation: self.data, issuers: self.issuers, records: self.records }
    }
}

/// `verifier` with `issuers` added to its intermediate pool.
pub(crate) fn with_issuers(verifier: &Verifier, issuers: &[Certificate]) -> Verifier {
    let mut pool: CertificatePool = verifier.pool().clone();
    for cert in issuers {
        pool.add(cert.clone());
    }
    verifier.clone().with_intermediates(pool)
}

/// `verifier` with revocation soft-fail: for learning a path and what it lacks.
pub(crate) fn soft(verifier: &Verifier) -> Verifier {
    let mut policy = verifier.policy().clone();
    if policy.revocation.mode == RevocationMode::HardFail {
        policy.revocation.mode = RevocationMode::SoftFail;
    }
    verifier.clone().with_policy(policy)
}

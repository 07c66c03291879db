//! The entry point: a [`Verifier`] (trust store + policy, shared across threads) validates a
//! [`ValidationInput`] (leaf, time, extra intermediates, expected name) into a
//! [`VerifiedPath`] or a [`ValidationError`] that says which certificate broke which rule.

use std::sync::Arc;

use crate::crypto::cache::SignatureCache;
use crate::error::ValidationError;
use crate::path;
use crate::policy::Policy;
use crate::trust::{CertificatePool, TrustStore};

pub use crate::path::{ExpectedName, ValidationInput, VerifiedPath};

/// Validates certificates against a trust store under a policy. `Send + Sync`: build one and
/// share it.
#[derive(Debug, Clone)]
pub struct Verifier {
    store: Arc<TrustStore>,
    pool: Arc<CertificatePool>,
    policy: Policy,
    cache: Option<Arc<SignatureCache>>,
}

impl Verifier {
    /// A verifier trusting `store` under `policy`.
    pub fn new(store: TrustStore, policy: Policy) -> Self {
        Verifier { store: Arc::new(store), pool: Arc::new(CertificatePool::new()), policy, cache: None }
    }

    /// Adds a pool of intermediates (parsed and indexed once) offered to every validation.
    pub fn with_intermediates(mut self, pool: CertificatePool) -> Self {
        self.pool = Arc::new(pool);
        self
    }

    /// Remembers verified signatures in `cache` (shared by every clone of this verifier, and
    /// by other verifiers given the same `Arc`), so that a returning client costs about one
    /// signature check or none. Only the arithmetic is cached; every rule is still applied.
    pub fn with_signature_cache(mut self, cache: Arc<SignatureCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The same verifier (trust store, intermediate pool and caches shared, not copied) under
    /// another policy: e.g. revocation soft-fail, to learn a path's certificates and what it
    /// misses before deciding under the real policy.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The signature cache, if any.
    pub fn signature_cache(&self) -> Option<&SignatureCache> {
        self.cache.as_deref()
    }

    /// The trust store.
    pub fn store(&self) -> &TrustStore {
        &self.store
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The intermediate pool.
    pub fn pool(&self) -> &CertificatePool {
        &self.pool
    }

    /// Builds and validates a path for `input`.
    pub fn verify(&self, input: &ValidationInput<'_>) -> Result<VerifiedPath, ValidationError> {
        path::build(&self.store, &self.pool, &self.policy, self.cache.as_deref(), input)
    }
}

//! The entry point: a [`Verifier`] (trust store + policy, shared across threads) validates a
//! [`ValidationInput`] (leaf, time, extra intermediates, expected name) into a
//! [`VerifiedPath`] or a [`ValidationError`] that says which certificate broke which rule.

use std::net::IpAddr;
use std::sync::Arc;

use rustls_pki_types::UnixTime;

use crate::cert::Certificate;
use crate::crypto::cache::SignatureCache;
use crate::error::{Need, ValidationError};
use crate::jws::HeaderCache;
use crate::path;
use crate::policy::{Finding, Policy, PolicySets};
use crate::revocation::{RevocationData, RevocationStatus};
use crate::trust::{Anchor, CertificatePool, TrustStore};

/// A name the end-entity certificate must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedName {
    /// A DNS host name, matched against dNSName SANs (wildcards per RFC 6125).
    Dns(String),
    /// An IP address, matched against iPAddress SANs.
    Ip(IpAddr),
    /// An email / Direct address, matched against rfc822Name SANs.
    Email(String),
    /// A URI, matched exactly against uniformResourceIdentifier SANs; it must also be a URI
    /// that [`crate::uri::check_identity`] accepts (no host other parsers read otherwise).
    Uri(String),
}

impl core::fmt::Display for ExpectedName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ExpectedName::Dns(n) => write!(f, "DNS:{n}"),
            ExpectedName::Ip(ip) => write!(f, "IP:{ip}"),
            ExpectedName::Email(e) => write!(f, "email:{e}"),
            ExpectedName::Uri(u) => write!(f, "URI:{u}"),
        }
    }
}

/// What to validate: the end-entity certificate, the time, and per-request extras.
#[derive(Debug, Clone)]
pub struct ValidationInput<'a> {
    pub(crate) leaf: &'a Certificate,
    pub(crate) time: UnixTime,
    pub(crate) intermediates: &'a [Certificate],
    /// Usually one name, kept inline.
    pub(crate) expected_names: smallvec::SmallVec<[ExpectedName; 1]>,
    pub(crate) community: Option<&'a str>,
    pub(crate) revocation: Option<&'a RevocationData>,
}

impl<'a> ValidationInput<'a> {
    /// Validate `leaf` at `time`.
    pub fn new(leaf: &'a Certificate, time: UnixTime) -> Self {
        ValidationInput {
            leaf,
            time,
            intermediates: &[],
            expected_names: smallvec::SmallVec::new(),
            community: None,
            revocation: None,
        }
    }

    /// Untrusted certificates sent with this request (a TLS chain, a JWS `x5c`), used as
    /// candidate intermediates after the verifier's own pool. Never anchors.
    pub fn intermediates(mut self, certs: &'a [Certificate]) -> Self {
        self.intermediates = certs;
        self
    }

    /// A name the leaf must carry; call again to require several.
    pub fn expect_name(mut self, name: ExpectedName) -> Self {
        self.expected_names.push(name);
        self
    }

    /// CRLs, OCSP responses and CRL/OCSP signer certificates to check revocation with.
    pub fn revocation(mut self, data: &'a RevocationData) -> Self {
        self.revocation = Some(data);
        self
    }

    /// Only accept paths ending at an anchor of this community.
    pub fn community(mut self, community: &'a str) -> Self {
        self.community = Some(community);
        self
    }
}

/// A certification path that passed validation.
#[derive(Debug, Clone)]
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

/// Validates certificates against a trust store under a policy. `Send + Sync`: build one and
/// share it.
#[derive(Debug, Clone)]
pub struct Verifier {
    store: Arc<TrustStore>,
    pool: Arc<CertificatePool>,
    policy: Policy,
    cache: Option<Arc<SignatureCache>>,
    jws_headers: Option<Arc<HeaderCache>>,
}

impl Verifier {
    /// A verifier trusting `store` under `policy`.
    pub fn new(store: TrustStore, policy: Policy) -> Self {
        Verifier {
            store: Arc::new(store),
            pool: Arc::new(CertificatePool::new()),
            policy,
            cache: None,
            jws_headers: None,
        }
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

    /// Remembers the parsed protected headers of the JWS this verifier checks (UDAP client
    /// assertions, software statements), with their `x5c` certificates, in `cache`: a
    /// returning client whose header is unchanged skips decoding and parsing its `x5c`. Only
    /// parsing is saved; the signature, path and claims are checked on every token.
    pub fn with_jws_header_cache(mut self, cache: Arc<HeaderCache>) -> Self {
        self.jws_headers = Some(cache);
        self
    }

    /// The JWS header cache, if any.
    pub fn jws_header_cache(&self) -> Option<&HeaderCache> {
        self.jws_headers.as_deref()
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

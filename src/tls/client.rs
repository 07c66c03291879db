//! The server side of mutual TLS: a `ClientCertVerifier` on a trustpath [`Verifier`].

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, Error, SignatureScheme};
use rustls_pki_types::{CertificateDer, UnixTime};
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::KeyUsages;

use super::identity::ClientIdentity;
use super::signature::{handshake_schemes, verify_handshake_signature};
use super::{Core, FixedTime, RejectionHook, TimeSource};
use crate::bounded_cache::BoundedCache;
use crate::crypto::cache::SignatureCache;
use crate::error::ValidationError;
use crate::policy::Policy;
use crate::revocation::RevocationData;
use crate::trust::TrustStore;
use crate::verifier::Verifier;

/// How many verified client identities a [`ClientVerifier`] remembers by default.
pub const DEFAULT_IDENTITY_CAPACITY: usize = 1024;

/// Verifies TLS client certificates with trustpath: a `rustls::server::danger::ClientCertVerifier`.
///
/// Each handshake validates the client's chain (the end-entity certificate plus the
/// intermediates it sent, offered as [`crate::ValidationInput::intermediates`]) at the time
/// source's time, with the current revocation data and, when set, only towards anchors of one
/// community. A successful validation is remembered: after the handshake,
/// [`Self::identity_for`] returns the [`ClientIdentity`] for the certificate the connection
/// presented, without validating again. The memory is a bounded map keyed by the SHA-256 of
/// the end-entity DER (oldest entries evicted first); it is emptied when the revocation data
/// changes, and an entry whose certificate has expired is not returned.
/// [`Self::peer_identity`] falls back to validating again when the entry is gone (evicted,
/// emptied, or a resumed session, for which rustls does not call the verifier); with a
/// [`SignatureCache`] that costs no signature verification for a returning client.
///
/// Share it: keep an `Arc<ClientVerifier>` for `identity_for` and give a clone to the rustls
/// `ServerConfig`.
pub struct ClientVerifier {
    core: Core,
    mandatory: bool,
    root_hints: bool,
    hints: Vec<DistinguishedName>,
    schemes: Vec<SignatureScheme>,
    identities: IdentityMap,
}

impl fmt::Debug for ClientVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientVerifier")
            .field("core", &self.core)
            .field("mandatory", &self.mandatory)
            .field("root_hints", &self.hints.len())
            .finish_non_exhaustive()
    }
}

impl ClientVerifier {
    /// A verifier validating client chains with `verifier` (its trust store, policy,
    /// intermediate pool and signature cache). Client authentication is mandatory, root hints
    /// are sent, time is the system clock, no revocation data.
    pub fn new(verifier: Verifier) -> Self {
        let schemes = handshake_schemes(&verifier.policy().algorithms);
        let mut v = ClientVerifier {
            core: Core::new(verifier),
            mandatory: true,
            root_hints: true,
            hints: Vec::new(),
            schemes,
            identities: IdentityMap::new(DEFAULT_IDENTITY_CAPACITY),
        };
        v.compute_hints();
        v
    }

    /// Mutual TLS clients of `store`: [`Policy::tls_client`] (clientAuth, soft-fail
    /// revocation) with digitalSignature required when the leaf has keyUsage (the client signs
    /// the handshake).
    pub fn tls_client(store: TrustStore) -> Self {
        let policy = Policy { leaf_key_usage: vec![KeyUsages::DigitalSignature], ..Policy::tls_client() };
        ClientVerifier::new(Verifier::new(store, policy))
    }

    /// UDAP clients of `store` authenticating with mutual TLS: [`Policy::udap`] (hard-fail
    /// revocation over the chain: supply CRLs or OCSP responses with
    /// [`Self::with_revocation`]).
    pub fn udap(store: TrustStore) -> Self {
        ClientVerifier::new(Verifier::new(store, Policy::udap()))
    }

    /// Client authentication is optional: the server asks for a certificate, and a client
    /// without one completes the handshake unauthenticated (a certificate that is presented
    /// must still be valid).
    pub fn optional(mut self) -> Self {
        self.mandatory = false;
        self
    }

    /// Whether a client must present a certificate (default `true`).
    pub fn client_auth_mandatory(mut self, mandatory: bool) -> Self {
        self.mandatory = mandatory;
        self
    }

    /// Whether the CertificateRequest lists the anchors' subjects (default `true`). Large
    /// trust stores make large hints; clients then choose a certificate without them.
    pub fn with_root_hints(mut self, enabled: bool) -> Self {
        self.root_hints = enabled;
        self.compute_hints();
        self
    }

    /// Revocation data (CRLs, OCSP responses) for every validation. Replace it later with
    /// [`Self::set_revocation`].
    pub fn with_revocation(self, data: Arc<RevocationData>) -> Self {
        self.core.set_revocation(Some(data));
        self
    }

    /// Where the validation time comes from (default [`super::SystemClock`]). The `now`
    /// rustls passes to the verifier is not used, so that handshakes and
    /// [`Self::peer_identity`] agree.
    pub fn with_time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.core.time = Arc::new(time);
        self
    }

    /// Validates at a fixed time (tests).
    pub fn with_fixed_time(self, time: UnixTime) -> Self {
        self.with_time_source(FixedTime(time))
    }

    /// Only accept chains ending at an anchor of `community`; root hints list only its anchors.
    pub fn with_community(mut self, community: impl Into<String>) -> Self {
        self.core.community = Some(community.into());
        self.compute_hints();
        self
    }

    /// Remembers verified certificate signatures in `cache`, so a returning client costs one
    /// signature check (its handshake signature) instead of one per certificate.
    pub fn with_signature_cache(mut self, cache: Arc<SignatureCache>) -> Self {
        self.core.verifier = self.core.verifier.with_signature_cache(cache);
        self
    }

    /// How many verified identities to remember (default [`DEFAULT_IDENTITY_CAPACITY`]).
    pub fn with_identity_capacity(mut self, capacity: usize) -> Self {
        self.identities = IdentityMap::new(capacity);
        self
    }

    /// Calls `hook` with every rejected chain's [`ValidationError`] (to log the full reason:
    /// rustls errors keep only its kind for the common cases).
    pub fn on_rejection(mut self, hook: impl Fn(&ValidationError) + Send + Sync + 'static) -> Self {
        let hook: RejectionHook = Arc::new(hook);
        self.core.on_rejection = Some(hook);
        self
    }

    /// Replaces the revocation data (e.g. after fetching fresh CRLs); `None` removes it. The
    /// remembered identities are forgotten, so the next [`Self::peer_identity`] checks them
    /// against the new data.
    pub fn set_revocation(&self, data: Option<Arc<RevocationData>>) {
        self.core.set_revocation(data);
        self.forget_identities();
    }

    /// The current revocation data.
    pub fn revocation(&self) -> Option<Arc<RevocationData>> {
        self.core.revocation()
    }

    /// The trustpath verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.core.verifier
    }

    /// The current time, from the time source.
    pub fn now(&self) -> UnixTime {
        self.core.now()
    }

    /// The identity verified for this end-entity certificate by a recent handshake (or
    /// [`Self::verify_chain`]), if still remembered and the certificate has not expired.
    pub fn identity_for(&self, end_entity: &CertificateDer<'_>) -> Option<ClientIdentity> {
        let now = self.core.now();
        self.identities.get(end_entity, now)
    }

    /// The identity of a connection's peer chain (`peer_certificates()`: end-entity first):
    /// the remembered one, or else validated again now (and remembered). An empty chain is
    /// `Error::NoCertificatesPresented`.
    pub fn peer_identity(&self, chain: &[CertificateDer<'_>]) -> Result<ClientIdentity, Error> {
        let Some((end_entity, intermediates)) = chain.split_first() else {
            return Err(Error::NoCertificatesPresented);
        };
        match self.identity_for(end_entity) {
            Some(identity) => Ok(identity),
            None => self.verify_chain(end_entity, intermediates),
        }
    }

    /// Validates a client chain now, as a handshake does, and remembers the identity.
    pub fn verify_chain(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
    ) -> Result<ClientIdentity, Error> {
        let path = self.core.validate(end_entity, intermediates, None, &[])?;
        let identity = ClientIdentity::new(path, self.core.now());
        self.identities.insert(identity.clone());
        Ok(identity)
    }

    /// Forgets every remembered identity.
    pub fn forget_identities(&self) {
        self.identities.clear();
    }

    fn compute_hints(&mut self) {
        let mut subjects: Vec<&[u8]> = Vec::new();
        if self.root_hints {
            let community = self.core.community.as_deref();
            for anchor in self.core.verifier.store().anchors() {
                if community.is_none_or(|c| c == anchor.community()) && !subjects.contains(&anchor.subject_der()) {
                    subjects.push(anchor.subject_der());
                }
            }
        }
        self.hints = subjects.into_iter().map(|s| DistinguishedName::from(s.to_vec())).collect();
    }
}

impl ClientCertVerifier for ClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        self.verify_chain(end_entity, intermediates).map(|_| ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(&self.core.verifier.policy().algorithms, message, cert, dss, false)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(&self.core.verifier.policy().algorithms, message, cert, dss, true)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

/// Verified identities by SHA-256 of the end-entity DER (bounded; see [`BoundedCache`]).
struct IdentityMap(Option<BoundedCache<[u8; 32], ClientIdentity>>);

impl IdentityMap {
    fn new(capacity: usize) -> Self {
        IdentityMap((capacity > 0).then(|| BoundedCache::new(capacity)))
    }

    /// The identity remembered for `end_entity`, unless its certificate has expired.
    fn get(&self, end_entity: &CertificateDer<'_>, now: UnixTime) -> Option<ClientIdentity> {
        let key: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        let identity = self.0.as_ref()?.get(&key)?;
        let current = identity.leaf().der().as_ref() == end_entity.as_ref()
            && identity.leaf().not_after_secs() >= crate::time::unix_seconds(now);
        current.then_some(identity)
    }

    fn insert(&self, identity: ClientIdentity) {
        if let Some(map) = &self.0 {
            map.insert(identity.sha256(), identity);
        }
    }

    fn clear(&self) {
        if let Some(map) = &self.0 {
            map.clear();
        }
    }
}

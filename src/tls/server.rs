//! The client side: a `ServerCertVerifier` trusting servers through community anchors.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::signature::{handshake_schemes, verify_handshake_signature};
use super::{Core, FixedTime, RejectionHook, TimeSource};
use crate::crypto::cache::SignatureCache;
use crate::error::ValidationError;
use crate::policy::Policy;
use crate::revocation::RevocationData;
use crate::trust::TrustStore;
use crate::verifier::{ExpectedName, VerifiedPath, Verifier};

/// Verifies TLS server certificates with trustpath: a
/// `rustls::client::danger::ServerCertVerifier` for clients that trust a server through the
/// anchors of a trust community (e.g. a UDAP server whose TLS certificate chains to the
/// community) rather than the web PKI.
///
/// The chain is validated with the verifier's policy (usually [`Policy::tls_server`]) at the
/// time source's time, for the server name the client connects to (`ServerName::DnsName` as a
/// DNS name, `ServerName::IpAddress` as an iPAddress SAN), with the configured revocation data
/// plus the stapled OCSP response, if any.
pub struct ServerVerifier {
    core: Core,
    schemes: Vec<SignatureScheme>,
}

impl fmt::Debug for ServerVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerVerifier").field("core", &self.core).finish_non_exhaustive()
    }
}

impl ServerVerifier {
    /// A verifier validating server chains with `verifier`. Time is the system clock; no
    /// revocation data.
    pub fn new(verifier: Verifier) -> Self {
        let schemes = handshake_schemes(&verifier.policy().algorithms);
        ServerVerifier { core: Core::new(verifier), schemes }
    }

    /// Servers of `store` under [`Policy::tls_server`] (serverAuth, the CA/B Forum profile,
    /// soft-fail revocation).
    pub fn tls_server(store: TrustStore) -> Self {
        ServerVerifier::new(Verifier::new(store, Policy::tls_server()))
    }

    /// Revocation data (CRLs, OCSP responses) for every validation.
    pub fn with_revocation(self, data: Arc<RevocationData>) -> Self {
        self.core.set_revocation(Some(data));
        self
    }

    /// Where the validation time comes from (default [`super::SystemClock`]; the `now` rustls
    /// passes is not used).
    pub fn with_time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.core.time = Arc::new(time);
        self
    }

    /// Validates at a fixed time (tests).
    pub fn with_fixed_time(self, time: UnixTime) -> Self {
        self.with_time_source(FixedTime(time))
    }

    /// Only accept chains ending at an anchor of `community`.
    pub fn with_community(mut self, community: impl Into<String>) -> Self {
        self.core.community = Some(community.into());
        self
    }

    /// Remembers verified certificate signatures in `cache`.
    pub fn with_signature_cache(mut self, cache: Arc<SignatureCache>) -> Self {
        self.core.verifier = self.core.verifier.with_signature_cache(cache);
        self
    }

    /// Calls `hook` with every rejected chain's [`ValidationError`].
    pub fn on_rejection(mut self, hook: impl Fn(&ValidationError) + Send + Sync + 'static) -> Self {
        let hook: RejectionHook = Arc::new(hook);
        self.core.on_rejection = Some(hook);
        self
    }

    /// Replaces the revocation data; `None` removes it.
    pub fn set_revocation(&self, data: Option<Arc<RevocationData>>) {
        self.core.set_revocation(data);
    }

    /// The trustpath verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.core.verifier
    }

    /// Validates a server chain for `server_name` now, as a handshake does, and returns the
    /// path (e.g. to learn the server's community).
    pub fn verify_chain(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
    ) -> Result<VerifiedPath, Error> {
        let expected = match server_name {
            ServerName::DnsName(name) => ExpectedName::Dns(name.as_ref().to_string()),
            ServerName::IpAddress(ip) => ExpectedName::Ip((*ip).into()),
            _ => return Err(Error::InvalidCertificate(CertificateError::NotValidForName)),
        };
        self.core.validate(end_entity, intermediates, Some(expected), ocsp_response)
    }
}

impl ServerCertVerifier for ServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        self.verify_chain(end_entity, intermediates, server_name, ocsp_response)
            .map(|_| ServerCertVerified::assertion())
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

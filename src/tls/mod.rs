//! rustls certificate verifiers built on trustpath (feature `rustls`): mutual TLS for FHIR and
//! UDAP servers, and clients that trust a server through community anchors.
//!
//! - [`ClientVerifier`] is a `rustls::server::danger::ClientCertVerifier`: it validates the
//!   client's chain with a [`Verifier`] (trust store or communities, a `tls_client` or `udap`
//!   policy, caller-supplied revocation data, a time source), offers the anchors' subjects as
//!   root hints, supports optional and mandatory client authentication, and verifies the
//!   handshake signature with the certificate's key through the policy's signature
//!   algorithms. After the handshake, [`ClientVerifier::identity_for`] or
//!   [`ClientVerifier::peer_identity`] give the verified [`ClientIdentity`] without
//!   validating again.
//! - [`ServerVerifier`] is a `rustls::client::danger::ServerCertVerifier` for clients that
//!   trust servers through community anchors rather than the web PKI.
//!
//! Rejections become `rustls::Error::InvalidCertificate` with the closest
//! [`rustls::CertificateError`] (so the peer gets the matching alert), and
//! `CertificateError::Other` holding the [`ValidationError`] for the rest, so the reason
//! reaches the logs ([`rejection_reason`] recovers it).
//!
//! The crypto provider of the handshake itself (ring, aws-lc-rs, ...) is the caller's choice:
//! these verifiers need none, every signature goes through trustpath's
//! [`crate::crypto::AlgorithmPolicy`].
//!
//! A server's client verifier, given to rustls, and what it tells the application afterwards
//! (here a client chain checked directly, as a handshake would):
//!
//! ```
//! use std::sync::Arc;
//! use trustpath::crypto::cache::SignatureCache;
//! use trustpath::tls::ClientVerifier;
//! use trustpath::TrustStore;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let anchors = TrustStore::from_bundle(include_bytes!("../../test-vectors/tls/anchors.pem"))?;
//! let verifier = Arc::new(
//!     ClientVerifier::tls_client(anchors)
//!         .optional()
//!         .with_signature_cache(Arc::new(SignatureCache::new(10_000)))
//!         .with_fixed_time(trustpath::time::parse_rfc3339("2026-06-01T00:00:00Z")?), // tests only
//! );
//! // rustls::ServerConfig::builder_with_provider(provider)
//! //     .with_safe_default_protocol_versions()?
//! //     .with_client_cert_verifier(verifier.clone())
//! //     .with_single_cert(chain, key)?;
//! // After the handshake: verifier.peer_identity(conn.peer_certificates().unwrap_or_default())
//! let chain = trustpath::cert::parse_bundle(include_bytes!("../../test-vectors/tls/client-chain.pem"))?;
//! let ders: Vec<_> = chain.certificates.iter().map(|c| c.der().clone()).collect();
//! let identity = verifier.peer_identity(&ders)?;
//! assert!(identity.has_san_uri("https://client.example.org/fhir-app"));
//!
//! let rogue = trustpath::cert::parse_bundle(include_bytes!("../../test-vectors/tls/client-untrusted-chain.pem"))?;
//! let ders: Vec<_> = rogue.certificates.iter().map(|c| c.der().clone()).collect();
//! assert!(verifier.peer_identity(&ders).is_err());
//! # Ok(()) }
//! ```

mod client;
mod errors;
mod identity;
mod server;
mod signature;

use std::fmt;
use std::sync::{Arc, RwLock};

use rustls_pki_types::{CertificateDer, UnixTime};

use crate::cert::Certificate;
use crate::error::ValidationError;
use crate::revocation::RevocationData;
use crate::verifier::{ExpectedName, ValidationInput, VerifiedPath, Verifier};

pub use client::{ClientVerifier, DEFAULT_IDENTITY_CAPACITY};
pub use errors::{rejection_reason, to_rustls_error};
pub use identity::{ClientIdentity, TlsClientAuthName};
pub use server::ServerVerifier;
pub use signature::{handshake_schemes, verify_handshake_signature};

/// Most intermediate certificates of a peer's chain that are parsed and offered to path
/// building; the rest are ignored (no real chain comes close).
pub const MAX_PEER_INTERMEDIATES: usize = 16;

/// Where the verifiers get the validation time from. The library core never reads the clock;
/// these adapters do through this trait, so tests can pin the time.
pub trait TimeSource: Send + Sync {
    /// The current time.
    fn now(&self) -> UnixTime;
}

/// The system clock (`UnixTime::now()`): the default time source.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl TimeSource for SystemClock {
    fn now(&self) -> UnixTime {
        UnixTime::now()
    }
}

/// A fixed time, for tests and for replaying a decision.
#[derive(Debug, Clone, Copy)]
pub struct FixedTime(pub UnixTime);

impl TimeSource for FixedTime {
    fn now(&self) -> UnixTime {
        self.0
    }
}

impl<F: Fn() -> UnixTime + Send + Sync> TimeSource for F {
    fn now(&self) -> UnixTime {
        self()
    }
}

/// A callback told about every rejected chain (for logging the full reason).
pub type RejectionHook = Arc<dyn Fn(&ValidationError) + Send + Sync>;

/// What both verifiers share: the trustpath verifier and the per-validation inputs.
struct Core {
    verifier: Verifier,
    revocation: RwLock<Option<Arc<RevocationData>>>,
    time: Arc<dyn TimeSource>,
    community: Option<String>,
    on_rejection: Option<RejectionHook>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("store", &format_args!("{} anchors", self.verifier.store().len()))
            .field("community", &self.community)
            .field("revocation", &self.revocation().is_some())
            .finish_non_exhaustive()
    }
}

impl Core {
    fn new(verifier: Verifier) -> Self {
        Core {
            verifier,
            revocation: RwLock::new(None),
            time: Arc::new(SystemClock),
            community: None,
            on_rejection: None,
        }
    }

    fn now(&self) -> UnixTime {
        self.time.now()
    }

    fn revocation(&self) -> Option<Arc<RevocationData>> {
        self.revocation.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_revocation(&self, data: Option<Arc<RevocationData>>) {
        *self.revocation.write().unwrap_or_else(|p| p.into_inner()) = data;
    }

    /// Parses and validates a peer's chain at the time source's time.
    fn validate(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        expected: Option<ExpectedName>,
        stapled_ocsp: &[u8],
    ) -> Result<VerifiedPath, rustls::Error> {
        let leaf = Certificate::from_der(end_entity.as_ref().to_vec())
            .map_err(|_| rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding))?;
        // Unparseable intermediates cannot help build a path: skip them rather than fail.
        let pool: Vec<Certificate> = intermediates
            .iter()
            .take(MAX_PEER_INTERMEDIATES)
            .filter_map(|c| Certificate::from_der(c.as_ref().to_vec()).ok())
            .collect();
        let now = self.now();
        let configured = self.revocation();
        let with_staple;
        let revocation: Option<&RevocationData> = match (stapled_ocsp.is_empty(), configured.as_deref()) {
            (true, data) => data,
            (false, data) => match crate::revocation::OcspResponse::from_der(stapled_ocsp.to_vec()) {
                Ok(response) => {
                    with_staple = {
                        let mut d = data.cloned().unwrap_or_default();
                        d.add_ocsp(response);
                        d
                    };
                    Some(&with_staple)
                }
                Err(_) => {
                    return Err(rustls::Error::InvalidCertificate(rustls::CertificateError::InvalidOcspResponse));
                }
            },
        };
        let mut input = ValidationInput::new(&leaf, now).intermediates(&pool);
        if let Some(name) = expected.clone() {
            input = input.expect_name(name);
        }
        if let Some(data) = revocation {
            input = input.revocation(data);
        }
        if let Some(community) = &self.community {
            input = input.community(community);
        }
        self.verifier.verify(&input).map_err(|e| {
            if let Some(hook) = &self.on_rejection {
                hook(&e);
            }
            errors::to_rustls_error_with(e, &leaf, now, expected.as_ref())
        })
    }
}

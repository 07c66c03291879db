//! Revocation checking with caller-supplied CRLs and OCSP responses (RFC 5280 §6.3, RFC 6960).
//!
//! trustpath does no I/O: the caller parses revocation data once into [`RevocationData`] and
//! passes it with each validation. Each certificate of a candidate path (the leaf only, or
//! every certificate below the anchor) gets a status: good, revoked (the path is rejected and
//! the search tries another path), or unknown. What an unknown status means is the policy's
//! [`RevocationMode`]: ignored (off), allowed and reported (soft-fail), or a rejection
//! (hard-fail). Either way the result lists what to fetch ([`crate::Need`]): the
//! certificate's CRL distribution points and OCSP responders. Revocation data that is
//! present but untrustworthy (bad signature, issuer without cRLSign, missing CRL number,
//! unknown critical extension) rejects the path in every mode except off: soft-fail tolerates
//! missing data, not bad data.
//!
//! The check itself follows RFC 5280 §6.3.3 (distribution points and their scope, reasons
//! combined across CRLs, indirect and delta CRLs, a CRL signer validated to the same anchor)
//! and RFC 6960 (the CertID, the issuer or a delegated responder).
//!
//! ```
//! use trustpath::revocation::{CertStatus, Crl, RevocationData, RevocationMode, RevocationPolicy, StatusSource};
//! use trustpath::{Certificate, CertificatePool, Policy, TrustStore, ValidationInput, Verifier};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = TrustStore::from_bundle(include_bytes!("../../test-vectors/pki/revocation/root.pem"))?;
//! let (pool, _) = CertificatePool::from_bundle(include_bytes!("../../test-vectors/pki/revocation/intermediate.pem"))?;
//! let mut policy = Policy::rfc5280();
//! policy.revocation = RevocationPolicy::chain(RevocationMode::HardFail); // every status is required
//! let verifier = Verifier::new(store, policy).with_intermediates(pool);
//!
//! let mut data = RevocationData::new();                 // parsed once, shared by validations
//! data.add_crl(Crl::from_der(include_bytes!("../../test-vectors/pki/revocation/int-good.crl").to_vec())?);
//! data.add_crl(Crl::from_der(include_bytes!("../../test-vectors/pki/revocation/root-good.crl").to_vec())?);
//!
//! let leaf = Certificate::from_pem(include_bytes!("../../test-vectors/pki/revocation/leaf.pem"))?;
//! let now = trustpath::time::parse_rfc3339("2026-06-01T00:00:00Z")?;
//! let path = verifier.verify(&ValidationInput::new(&leaf, now).revocation(&data))?;
//! for status in path.revocation() {
//!     assert_eq!((status.status, status.source), (CertStatus::Good, StatusSource::Crl));
//! }
//!
//! // Without the intermediate's CRL, hard-fail refuses, and says where to fetch it.
//! let mut partial = RevocationData::new();
//! partial.add_crl(Crl::from_der(include_bytes!("../../test-vectors/pki/revocation/root-good.crl").to_vec())?);
//! let err = verifier.verify(&ValidationInput::new(&leaf, now).revocation(&partial)).unwrap_err();
//! assert_eq!(err.kind(), "revocation_unknown");
//! assert!(err.needs().iter().any(|n| !n.urls.is_empty()));
//! # Ok(()) }
//! ```

pub mod crl;
pub mod ocsp;

pub use crl::Crl;
pub use ocsp::OcspResponse;

use crate::cert::Certificate;

/// What an unknown revocation status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationMode {
    /// Revocation is not checked.
    Off,
    /// Unknown status is allowed and reported in the result.
    SoftFail,
    /// Unknown status rejects the path.
    HardFail,
}

/// Which certificates are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationScope {
    /// The end-entity certificate only.
    Leaf,
    /// Every certificate of the path below the anchor.
    Chain,
}

/// The revocation part of a [`crate::Policy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevocationPolicy {
    /// What an unknown status means.
    pub mode: RevocationMode,
    /// Which certificates are checked.
    pub scope: RevocationScope,
    /// How long an OCSP response without `nextUpdate` stays usable after its `thisUpdate`,
    /// in seconds.
    pub ocsp_max_age_without_next_update: u64,
}

impl RevocationPolicy {
    /// No revocation checking.
    pub const OFF: RevocationPolicy = RevocationPolicy {
        mode: RevocationMode::Off,
        scope: RevocationScope::Chain,
        ocsp_max_age_without_next_update: 86_400,
    };

    /// Every certificate below the anchor, with the given mode.
    pub fn chain(mode: RevocationMode) -> Self {
        RevocationPolicy { mode, ..RevocationPolicy::OFF }
    }

    /// The end-entity certificate only, with the given mode.
    pub fn leaf(mode: RevocationMode) -> Self {
        RevocationPolicy { mode, scope: RevocationScope::Leaf, ..RevocationPolicy::OFF }
    }
}

/// CRLs, OCSP responses and extra certificates (CRL signers, OCSP responders) supplied by the
/// caller, parsed once and reusable across validations.
#[derive(Debug, Clone, Default)]
pub struct RevocationData {
    pub(crate) crls: Vec<Crl>,
    pub(crate) ocsp: Vec<OcspResponse>,
    pub(crate) certificates: Vec<Certificate>,
}

impl RevocationData {
    /// No data.
    pub fn new() -> Self {
        RevocationData::default()
    }

    /// Adds a CRL (complete or delta).
    pub fn add_crl(&mut self, crl: Crl) -> &mut Self {
        self.crls.push(crl);
        self
    }

    /// Adds an OCSP response.
    pub fn add_ocsp(&mut self, response: OcspResponse) -> &mut Self {
        self.ocsp.push(response);
        self
    }

    /// Adds a certificate that may sign CRLs or OCSP responses on behalf of a CA.
    pub fn add_certificate(&mut self, certificate: Certificate) -> &mut Self {
        self.certificates.push(certificate);
        self
    }

    /// The CRLs.
    pub fn crls(&self) -> &[Crl] {
        &self.crls
    }

    /// The OCSP responses.
    pub fn ocsp_responses(&self) -> &[OcspResponse] {
        &self.ocsp
    }
}

/// A certificate's revocation status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    /// Not revoked, according to a usable CRL or OCSP response.
    Good,
    /// Revoked (only seen inside errors: a revoked certificate never ends in a verified path).
    Revoked {
        /// The CRL reason code's name.
        reason: &'static str,
    },
    /// No usable information.
    Unknown,
}

/// Where a status came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusSource {
    /// A CRL (possibly with a delta CRL).
    Crl,
    /// An OCSP response.
    Ocsp,
    /// Nothing usable.
    None,
}

impl StatusSource {
    /// `"crl"`, `"ocsp"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusSource::Crl => "crl",
            StatusSource::Ocsp => "ocsp",
            StatusSource::None => "none",
        }
    }
}

/// The revocation status of one certificate of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationStatus {
    /// Index in the path (0 = leaf).
    pub certificate_index: usize,
    /// The status.
    pub status: CertStatus,
    /// Where it came from.
    pub source: StatusSource,
}

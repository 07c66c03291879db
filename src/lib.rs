//! # trustpath
//!
//! Pure-Rust, no-I/O certificate trust for health-data networks: X.509 parsing, certification
//! path building and validation to trust anchors (RFC 5280), in named trust communities, with
//! policy presets and hooks. The caller passes bytes and time in and gets a decision with
//! reasons out.
//!
//! ```no_run
//! use trustpath::{Certificate, Policy, TrustStore, ValidationInput, Verifier};
//! use rustls_pki_types::UnixTime;
//! # fn main() -> Result<(), trustpath::Error> {
//! # let (bundle_pem, leaf_der): (&[u8], Vec<u8>) = (b"", vec![]);
//! let store = TrustStore::from_bundle(bundle_pem)?;
//! let verifier = Verifier::new(store, Policy::udap());
//! let leaf = Certificate::from_der(leaf_der)?;
//! let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_780_000_000));
//! match verifier.verify(&ValidationInput::new(&leaf, now)) {
//!     Ok(path) => println!("trusted via {} ({})", path.anchor().subject_string(), path.community()),
//!     Err(e) => println!("rejected: {e} [{}]", e.kind()),
//! }
//! # Ok(()) }
//! ```
//!
//! ## Layers
//! - [`cert`]: parse once into [`Certificate`]; bundles in PEM, DER and PKCS#7.
//! - [`trust`]: [`TrustStore`] (anchors in communities) and [`CertificatePool`].
//! - [`crypto`]: the one algorithm layer — digests, identifiers, signature schemes (PSS
//!   parameters included) and the algorithm policy, whose backends implement
//!   `rustls_pki_types::SignatureVerificationAlgorithm` — for certificates, JWS and CMS alike.
//! - `path`: path building (budgeted DFS) and RFC 5280 §6.1 validation, one file per step.
//! - [`policy`]: [`Policy`] presets and hook traits.
//! - [`Verifier`]: the entry point.
//! - `issue` (feature `issue`): a community's CA: keys, certificates, CRLs, `.p7b` bundles.
//! - [`uri`] and [`json`]: the one reading of a URI's host and of a JSON document (duplicate
//!   members refused) that every module above uses.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

mod ber;
mod calendar;
pub mod cert;
pub mod crypto;
mod der_walk;
#[cfg(feature = "direct")]
pub mod direct;
mod dns_name;
mod error;
mod hex;
#[cfg(feature = "issue")]
pub mod issue;
pub mod json;
pub mod jws;
mod path;
pub mod policy;
pub mod revocation;
mod sharded;
pub mod time;
#[cfg(feature = "rustls")]
pub mod tls;
pub mod trust;
pub mod udap;
pub mod uri;
mod verifier;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use cert::Certificate;
pub use error::{BudgetKind, Error, Need, NeedKind, ParseError, Reason, ValidationError};
pub use policy::{Budget, Policy};
pub use trust::{Anchor, CertificatePool, TrustStore};
pub use verifier::{ExpectedName, ValidationInput, VerifiedPath, Verifier};

/// Re-exported so callers need not depend on `rustls-pki-types` for the edge types.
pub use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};

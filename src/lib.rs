//! # trustpath
//!
//! Pure-Rust, no-I/O certificate trust for health-data networks: X.509 parsing, certification
//! path building and validation to trust anchors (RFC 5280), in named trust communities, with
//! revocation from caller-supplied CRLs and OCSP responses, JWS with `x5c`, the UDAP rules and
//! Direct (S/MIME). The caller passes bytes and time in and gets a decision with reasons out
//! and, when data is missing, what to fetch.
//!
//! ```
//! use trustpath::{Certificate, CertificatePool, ExpectedName, Policy, TrustStore, ValidationInput, Verifier};
//! # fn main() -> Result<(), trustpath::Error> {
//! let mut store = TrustStore::new();
//! store.add_bundle("example", include_bytes!("../test-vectors/pki/base/root.pem"))?;
//! let (pool, _skipped) = CertificatePool::from_bundle(include_bytes!("../test-vectors/pki/base/intermediate.pem"))?;
//! let verifier = Verifier::new(store, Policy::tls_server()).with_intermediates(pool);
//!
//! let leaf = Certificate::from_pem(include_bytes!("../test-vectors/pki/base/leaf.pem"))?;
//! let now = trustpath::time::parse_rfc3339("2026-06-01T00:00:00Z")?;
//! let input = ValidationInput::new(&leaf, now).expect_name(ExpectedName::Dns("leaf.example.com".into()));
//! let path = verifier.verify(&input)?;                      // or Err: which certificate broke which rule
//! assert_eq!(path.community(), "example");
//! assert!(path.findings().is_empty());                     // RFC 5280 §4 issuance rules all kept
//! // Revocation is soft-fail here and no CRL was given: what to fetch to raise assurance.
//! assert!(!path.needs().is_empty());
//! # Ok(()) }
//! ```
//!
//! ## What people embed
//!
//! - **An X.509 path** (any protocol): a [`TrustStore`] of anchors in named communities, a
//!   [`CertificatePool`] of intermediates, a [`Policy`] preset ([`Policy::rfc5280`],
//!   [`Policy::tls_server`], [`Policy::tls_client`], [`Policy::udap`], [`Policy::direct`]),
//!   one [`Verifier`] shared across threads, and per request a [`ValidationInput`] (leaf, time,
//!   expected name, [`revocation::RevocationData`]). The answer is a [`VerifiedPath`] (anchor,
//!   revocation statuses, certificate policies, profile [`policy::Finding`]s, [`Need`]s) or a
//!   [`ValidationError`] (a [`Reason`], the certificate it concerns, [`ValidationError::kind`]
//!   for logs and protocol error codes).
//! - **A UDAP server** ([`udap`]): signed metadata, dynamic client registration (software
//!   statements), and client authentication at the token endpoint (`client_assertion` JWTs with
//!   `x5c`), with the IG's OAuth error codes; [`jws`] underneath.
//! - **A Direct HISP** (`direct`, feature `direct`): S/MIME messages decrypted, their
//!   signatures checked and bound to the sender's Direct address with the Direct policy;
//!   messages signed and encrypted to validated recipients; Context and MDNs.
//! - **Mutual TLS** (`tls`, feature `rustls`): rustls client and server certificate verifiers
//!   built on the same [`Verifier`].
//!
//! ## Modules, from the foundations up
//!
//! | Module | What it holds | Feature |
//! |---|---|---|
//! | (`hex`, `calendar`, `der_walk`, `ber`, private) | hex digits, civil dates, a bounded walk over DER, BER to DER for PKCS#7 | |
//! | (`error`, private) | every error type and rejection reason ([`Reason`], [`ValidationError`]) | |
//! | [`time`] | X.509 and RFC 3339 times | |
//! | (`bounded_cache`, private) | the one bounded, scan-resistant cache behind every memo | |
//! | [`uri`], [`json`], (`dns_name`, private) | the one reading of a URI's host, of a JSON document and of a DNS name | `json`: `udap` or `direct` |
//! | [`crypto`] | the one algorithm layer: digests, algorithm identifiers and signature schemes (PSS parameters included) for certificates, JWS and CMS alike; the algorithm policy (`SignatureVerificationAlgorithm` backends); the signature cache | |
//! | [`cert`] | [`Certificate`], parsed once; bundles in PEM, DER and PKCS#7 (DER or BER) | |
//! | [`trust`] | [`TrustStore`] (anchors in communities), [`CertificatePool`] | |
//! | [`revocation`] | CRLs and OCSP responses as data ([`revocation::RevocationData`]) | |
//! | [`policy`] | [`Policy`] presets, hooks, the certificate profiles as tables | |
//! | (`path`, private) | path building and every RFC 5280 §6.1 and §6.3 step | |
//! | [`Verifier`] (`verifier`) | the entry point | |
//! | [`jws`] | JWS compact serialization with `x5c`: verify, sign, header cache | `udap` (default) |
//! | [`udap`] | the HL7 UDAP Security IG's rules and error codes | `udap` (default) |
//! | `direct` | Direct (S/MIME): signing and verification, encryption and decryption, the Context IG, delivery notifications | `direct` |
//! | `tls` | rustls verifiers | `rustls` |
//! | `issue` | a community's test CA: keys, certificates, CRLs, bundles | `issue` |
//!
//! The `cli` feature builds the `trustpath` command-line tool (`chain verify`, `jwt`, `smime`,
//! `pki`); fetching over HTTP lives outside the core, in the `trustpath-fetch` crate.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

mod ber;
mod bounded_cache;
mod calendar;
pub mod cert;
pub mod crypto;
mod der_walk;
#[cfg(feature = "direct")]
#[cfg_attr(docsrs, doc(cfg(feature = "direct")))]
pub mod direct;
mod dns_name;
mod error;
mod hex;
#[cfg(feature = "issue")]
#[cfg_attr(docsrs, doc(cfg(feature = "issue")))]
pub mod issue;
#[cfg(any(feature = "udap", feature = "direct"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "udap", feature = "direct"))))]
pub mod json;
#[cfg(feature = "udap")]
#[cfg_attr(docsrs, doc(cfg(feature = "udap")))]
pub mod jws;
mod path;
pub mod policy;
pub mod revocation;
pub mod time;
#[cfg(feature = "rustls")]
#[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
pub mod tls;
pub mod trust;
#[cfg(feature = "udap")]
#[cfg_attr(docsrs, doc(cfg(feature = "udap")))]
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

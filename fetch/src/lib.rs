//! # trustpath-fetch
//!
//! trustpath does no I/O: when a validation lacks data it says what to fetch ([`trustpath::Need`]:
//! CRL distribution points, OCSP responders, AIA caIssuers). This crate fetches it over HTTP,
//! once for every deployment: timeouts, size caps, bounded redirects, `http`/`https` only, a
//! cache that reuses a CRL or OCSP response until its `nextUpdate` (never past it), a
//! negative cache so that a dead server is not hammered, concurrent requests for one URL
//! sharing one fetch, and a record of every URL tried ([`FetchRecord`]).
//!
//! ```no_run
//! use trustpath::revocation::RevocationData;
//! use trustpath::{Certificate, Policy, TrustStore, UnixTime, Verifier};
//! use trustpath_fetch::{FetchConfig, Fetcher};
//! # fn main() -> Result<(), trustpath::Error> {
//! # let (bundle, leaf_der): (&[u8], Vec<u8>) = (b"", vec![]);
//! let verifier = Verifier::new(TrustStore::from_bundle(bundle)?, Policy::direct());
//! let fetcher = Fetcher::new(FetchConfig::default()); // share it: it holds the cache
//! let leaf = Certificate::from_der(leaf_der)?;
//! let now = UnixTime::now();
//! let outcome = fetcher.validate_with_fetch(&verifier, &leaf, &[], &RevocationData::new(), now);
//! for record in &outcome.fetched {
//!     println!("{} {} {} ({} bytes, {:?})", record.kind.as_str(), record.url, record.status.as_str(),
//!              record.bytes, record.elapsed);
//! }
//! match outcome.result {
//!     Ok(path) => println!("trusted via {}", path.anchor().subject_string()),
//!     Err(e) => println!("rejected: {e}"),
//! }
//! # Ok(()) }
//! ```
//!
//! ## The loop
//! [`Fetcher::validate_with_fetch`] validates, fetches what the result lacks, and validates
//! again, for at most [`FetchConfig::max_rounds`] rounds, stopping as soon as nothing is
//! missing or nothing new could be fetched. A valid path under revocation soft-fail that
//! lacks revocation data is fetched for too: the fetched CRL may revoke it. For each
//! certificate, its CRL distribution points are tried first, then its OCSP responders, until
//! one answers; OCSP requests (RFC 6960 §4.1, SHA-1 CertID, GET when short per RFC 5019, else
//! POST) need the certificate and its issuer's key, which a rejection under hard-fail does not
//! carry: the loop then validates once more under soft-fail to learn the path
//! ([`Attempt::FindPath`]). [`Fetcher::validate_with`] runs the same loop around any
//! validation (a UDAP token, an S/MIME message) that yields a [`Validated`] result.
//!
//! ## Blocking and async
//! [`Fetcher`] blocks (`ureq`: small, synchronous, rustls; the command-line tool uses it).
//! With feature `async`, [`AsyncFetcher`] awaits (`reqwest` with rustls/ring on tokio, for
//! servers). Both share the engine: cache, limits, plan, records.
//!
//! ## How the `trustpath` CLI uses this crate
//! trustpath-fetch depends on trustpath, so trustpath's CLI binary (in trustpath's own package)
//! cannot depend on trustpath-fetch: Cargo forbids the cycle. The engine is therefore written
//! to compile as a plain module: it refers to its own parts with `super::` and to trustpath
//! with `trustpath::`, and uses only crates the root package also has (ureq and tracing there
//! are optional dependencies enabled by feature `cli`, so the library stays free of I/O). Its
//! source lives in the root package (`src/fetch_engine/`, not a module of the library), so that
//! the published `trustpath` crate builds its CLI; this crate includes it with `#[path]`, and
//! is not published until the engine can move here (with the CLI in a package of its own).
//!
//! ## Security notes
//! Only URLs a certificate names are requested (plus redirects, bounded). Revocation URLs
//! come from certificates whose signatures chain to an anchor; caIssuers URLs come from a
//! certificate that did not chain yet, that is from whoever presented it: turn
//! [`FetchConfig::fetch_issuers`] off where making requests on a client's behalf is not
//! acceptable. Everything fetched is checked by trustpath as if the caller had supplied it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

#[path = "../../src/fetch_engine/mod.rs"]
mod engine;
#[cfg(feature = "async")]
mod nonblocking;

pub use engine::*;
#[cfg(feature = "async")]
pub use nonblocking::{AsyncFetcher, ClientError};

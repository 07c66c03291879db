//! The fetching engine, free of any async runtime: configuration, OCSP requests, the cache,
//! the blocking HTTP client and the validate → fetch → validate loop.
//!
//! This module tree uses only `trustpath`, `ureq`, `der`, `spki`, `sha1`, `sha2`, `base64`,
//! `thiserror` and `tracing`, and refers to its own parts with `super::` paths, so that the
//! `trustpath` command-line tool (in the root package) compiles it as a module of its own
//! (`#[path]`) without depending on this crate: see the crate documentation.

pub(crate) mod cache;
pub(crate) mod config;
pub(crate) mod content;
pub(crate) mod fetcher;
pub(crate) mod http;
pub(crate) mod job;
pub(crate) mod ocsp_request;
pub(crate) mod plan;
pub(crate) mod report;
pub(crate) mod session;

pub use config::{FetchConfig, MAX_ISSUER_LEN, OCSP_GET_MAX_URL_LEN};
pub use fetcher::Fetcher;
pub use http::check_url;
pub use job::FetchStats;
pub use ocsp_request::{ocsp_get_url, ocsp_request};
pub use report::{FetchError, FetchErrorKind, FetchRecord, FetchStatus};
pub use session::{Attempt, Fetched, Validated, WithFetch};

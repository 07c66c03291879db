//! What was fetched, from where, how long it took and why it failed: one [`FetchRecord`] per
//! URL tried, for the caller's report (and logged with `tracing`).

use std::time::Duration;

use trustpath::NeedKind;

/// Why a fetch gave nothing usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The URL is not `http` or `https` (e.g. `ldap`): reported, never fetched.
    Unsupported,
    /// The exchange took longer than [`super::FetchConfig::timeout`].
    Timeout,
    /// No connection: name resolution, refused connection, TLS handshake.
    Connect,
    /// The server answered with a status other than 200.
    HttpStatus,
    /// More redirects than [`super::FetchConfig::max_redirects`], or a redirect elsewhere than
    /// to an `http`/`https` URL.
    Redirect,
    /// The response is larger than the cap for its kind.
    TooLarge,
    /// The response is not what was asked for (not a CRL, OCSP response or certificate).
    BadContent,
    /// Any other transport failure (connection reset, malformed HTTP).
    Transport,
    /// The URL failed recently and the negative cache holds that failure.
    FailedRecently,
}

impl FetchErrorKind {
    /// A stable identifier: `unsupported`, `timeout`, `connect_failed`, `http_error`,
    /// `too_many_redirects`, `too_large`, `bad_content`, `transport_error`, `failed_recently`.
    pub fn as_str(self) -> &'static str {
        match self {
            FetchErrorKind::Unsupported => "unsupported",
            FetchErrorKind::Timeout => "timeout",
            FetchErrorKind::Connect => "connect_failed",
            FetchErrorKind::HttpStatus => "http_error",
            FetchErrorKind::Redirect => "too_many_redirects",
            FetchErrorKind::TooLarge => "too_large",
            FetchErrorKind::BadContent => "bad_content",
            FetchErrorKind::Transport => "transport_error",
            FetchErrorKind::FailedRecently => "failed_recently",
        }
    }
}

/// A failed fetch: what kind of failure, and the details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FetchError {
    /// What kind of failure.
    pub kind: FetchErrorKind,
    /// What happened, for logs.
    pub message: String,
}

impl FetchError {
    pub(crate) fn new(kind: FetchErrorKind, message: impl Into<String>) -> Self {
        FetchError { kind, message: message.into() }
    }
}

/// How one URL fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchStatus {
    /// Fetched now (or by a concurrent request for the same URL, whose result was shared).
    Fetched,
    /// Taken from the cache (memory or disk), still before its `nextUpdate`.
    Cached,
    /// Nothing usable.
    Failed(FetchError),
}

impl FetchStatus {
    /// `ok`, `cached`, or the failure's [`FetchErrorKind::as_str`].
    pub fn as_str(&self) -> &'static str {
        match self {
            FetchStatus::Fetched => "ok",
            FetchStatus::Cached => "cached",
            FetchStatus::Failed(e) => e.kind.as_str(),
        }
    }

    /// Whether something usable came back.
    pub fn is_ok(&self) -> bool {
        !matches!(self, FetchStatus::Failed(_))
    }
}

/// One URL tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRecord {
    /// The URL the certificate names (for OCSP, the responder's URL; the request went to it
    /// by POST, or by GET with the encoded request appended).
    pub url: String,
    /// What was fetched.
    pub kind: NeedKind,
    /// The certificate (0 = leaf) of the path that named the URL.
    pub certificate_index: usize,
    /// How it went.
    pub status: FetchStatus,
    /// Size of the response body used (0 when it failed).
    pub bytes: usize,
    /// Time spent on it, waiting for a shared fetch included.
    pub elapsed: Duration,
    /// The HTTP status, when a response arrived.
    pub http_status: Option<u16>,
}

impl FetchRecord {
    /// The failure, if it failed.
    pub fn error(&self) -> Option<&FetchError> {
        match &self.status {
            FetchStatus::Failed(e) => Some(e),
            _ => None,
        }
    }
}

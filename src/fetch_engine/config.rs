//! What a [`super::Fetcher`] may do: timeouts, size caps, redirects, cache lifetimes.

use std::path::PathBuf;
use std::time::Duration;

use trustpath::revocation::crl::MAX_CRL_LEN;
use trustpath::revocation::ocsp::MAX_OCSP_LEN;

/// Largest issuer certificate (or PKCS#7 bundle of them) read from an AIA caIssuers URL.
pub const MAX_ISSUER_LEN: usize = 1 << 20;

/// RFC 5019 §5: a request whose GET URL is at most this long is sent with GET (so that HTTP
/// caches along the way can answer it), a longer one with POST.
pub const OCSP_GET_MAX_URL_LEN: usize = 255;

/// Limits and cache lifetimes. [`FetchConfig::default`] suits a server; every field can be
/// changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchConfig {
    /// The whole of one HTTP exchange (connection, redirects, request and response body).
    pub timeout: Duration,
    /// Largest CRL read, in bytes (default: the core's [`MAX_CRL_LEN`]); a larger response
    /// is refused as `too_large` without being read to the end.
    pub max_crl_bytes: usize,
    /// Largest OCSP response read (default: the core's [`MAX_OCSP_LEN`]).
    pub max_ocsp_bytes: usize,
    /// Largest caIssuers response read (default [`MAX_ISSUER_LEN`]).
    pub max_issuer_bytes: usize,
    /// Redirects followed per request (to `http`/`https` URLs only); more is a failure.
    pub max_redirects: u32,
    /// Validate, fetch, validate again: at most this many fetch rounds per validation.
    pub max_rounds: usize,
    /// Most URLs fetched in one round (a certificate may name many).
    pub max_fetches_per_round: usize,
    /// A cached CRL or OCSP response is fetched again when the validation time is within
    /// this margin of its `nextUpdate` (and is used until `nextUpdate` if that fails).
    pub refresh_margin: Duration,
    /// How long a CRL or OCSP response without `nextUpdate` is reused.
    pub ttl_without_next_update: Duration,
    /// How long a fetched issuer certificate is reused.
    pub issuer_ttl: Duration,
    /// How long a failed URL is not asked again (the negative cache); zero disables it.
    pub negative_ttl: Duration,
    /// Most responses kept in memory (least recently used ones are dropped first).
    pub cache_entries: usize,
    /// Most response bytes kept in memory.
    pub cache_bytes: usize,
    /// Also keep responses in this directory (one file per URL), so that a new process
    /// reuses them until their `nextUpdate`.
    pub cache_dir: Option<PathBuf>,
    /// Send OCSP requests with GET when short enough (RFC 5019 §5), else always POST.
    pub ocsp_get: bool,
    /// Fetch issuers from AIA caIssuers URLs. Those URLs come from a certificate that did
    /// not chain yet, so an attacker who presents a certificate chooses them: a server that
    /// must not make requests on a client's behalf turns this off.
    pub fetch_issuers: bool,
    /// Use the `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` environment variables.
    pub proxy_from_env: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout: Duration::from_secs(10),
            max_crl_bytes: MAX_CRL_LEN,
            max_ocsp_bytes: MAX_OCSP_LEN,
            max_issuer_bytes: MAX_ISSUER_LEN,
            max_redirects: 3,
            max_rounds: 4,
            max_fetches_per_round: 32,
            refresh_margin: Duration::from_secs(300),
            ttl_without_next_update: Duration::from_secs(3_600),
            issuer_ttl: Duration::from_secs(86_400),
            negative_ttl: Duration::from_secs(60),
            cache_entries: 1_024,
            cache_bytes: 256 << 20,
            cache_dir: None,
            ocsp_get: true,
            fetch_issuers: true,
            proxy_from_env: true,
        }
    }
}

impl FetchConfig {
    /// The response size cap for `kind`.
    pub fn max_bytes(&self, kind: trustpath::NeedKind) -> usize {
        match kind {
            trustpath::NeedKind::Crl => self.max_crl_bytes,
            trustpath::NeedKind::Ocsp => self.max_ocsp_bytes,
            _ => self.max_issuer_bytes,
        }
    }
}

//! The async fetcher (feature `async`): `reqwest` on tokio, for servers. The same cache,
//! limits, records and loop as the blocking [`crate::Fetcher`]; validations stay synchronous
//! (they do no I/O), only the network is awaited.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::OnceCell;
use trustpath::revocation::RevocationData;
use trustpath::{Certificate, UnixTime, ValidationError, ValidationInput, VerifiedPath, Verifier};

use crate::engine::cache::Cache;
use crate::engine::content::Entry;
use crate::engine::http::{HttpFailure, HttpRequest, HttpResponse};
use crate::engine::job::{self, Counters, Flights, Lookup, NetOutcome};
use crate::engine::plan::{Group, Job, http_request};
use crate::engine::session::{self, Session};
use crate::{Attempt, FetchConfig, FetchError, FetchErrorKind, FetchRecord, FetchStats, Fetched, Validated, WithFetch};

/// Fetches CRLs, OCSP responses and issuers over HTTP without blocking: `reqwest` with
/// rustls (ring). `Send + Sync`: build one and share it (it holds the cache and the
/// connection pool).
pub struct AsyncFetcher {
    config: FetchConfig,
    client: reqwest::Client,
    cache: Cache,
    flights: Flights<OnceCell<NetOutcome>>,
    counters: Counters,
}

impl core::fmt::Debug for AsyncFetcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncFetcher").field("config", &self.config).finish_non_exhaustive()
    }
}

/// The HTTP client could not be built (no TLS backend).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(#[source] reqwest::Error);

impl AsyncFetcher {
    /// A fetcher with `config`. Installs rustls's ring provider as the process default when
    /// none is installed (reqwest's TLS needs one).
    pub fn new(config: FetchConfig) -> Result<Self, ClientError> {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Another thread may have installed one meanwhile: either is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let max_redirects = usize::try_from(config.max_redirects).unwrap_or(usize::MAX);
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::limited(max_redirects))
            .user_agent(concat!("trustpath-fetch/", env!("CARGO_PKG_VERSION")));
        if !config.proxy_from_env {
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(ClientError)?;
        Ok(AsyncFetcher {
            client,
            cache: Cache::new(&config),
            flights: Flights::new(),
            counters: Counters::default(),
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// What it has done so far.
    pub fn stats(&self) -> FetchStats {
        self.counters.snapshot(&self.cache)
    }

    /// As [`crate::Fetcher::validate_with_fetch`].
    pub async fn validate_with_fetch(
        &self,
        verifier: &Verifier,
        leaf: &Certificate,
        intermediates: &[Certificate],
        revocation: &RevocationData,
        time: UnixTime,
    ) -> WithFetch<Result<VerifiedPath, ValidationError>> {
        self.validate_with(verifier, revocation, time, |verifier, data, _| {
            verifier.verify(&ValidationInput::new(leaf, time).intermediates(intermediates).revocation(data))
        })
        .await
    }

    /// As [`crate::Fetcher::validate_with`].
    pub async fn validate_with<T: Validated>(
        &self,
        verifier: &Verifier,
        revocation: &RevocationData,
        time: UnixTime,
        mut attempt: impl FnMut(&Verifier, &RevocationData, Attempt) -> T,
    ) -> WithFetch<T> {
        let mut session = Session::new(revocation.clone());
        let mut current = verifier.clone();
        loop {
            let result = attempt(&current, &session.data, Attempt::Decide);
            if session.rounds >= self.config.max_rounds {
                return session.finish(result);
            }
            let groups = session.next(&result, &self.config, || {
                Some(attempt(&session::soft(&current), &session.data, Attempt::FindPath))
            });
            if groups.is_empty() {
                return session.finish(result);
            }
            session.rounds += 1;
            if !self.run_groups(&groups, &mut session, time).await {
                return session.finish(result);
            }
            if session.issuers_changed {
                current = session::with_issuers(verifier, &session.issuers);
                session.issuers_changed = false;
            }
        }
    }

    /// As [`crate::Fetcher::fetch_for_path`].
    pub async fn fetch_for_path(&self, path: &VerifiedPath, now: UnixTime) -> Fetched {
        self.fetch_needs(path.needs(), Some(path), now).await
    }

    /// As [`crate::Fetcher::fetch_for_error`].
    pub async fn fetch_for_error(
        &self,
        error: &ValidationError,
        path: Option<&VerifiedPath>,
        now: UnixTime,
    ) -> Fetched {
        self.fetch_needs(error.needs(), path, now).await
    }

    async fn fetch_needs(&self, needs: &[trustpath::Need], path: Option<&VerifiedPath>, now: UnixTime) -> Fetched {
        let mut session = Session::new(RevocationData::new());
        let groups = session.plan(needs, path, &self.config);
        self.run_groups(&groups, &mut session, now).await;
        session.into_fetched()
    }

    async fn run_groups(&self, groups: &[Group], session: &mut Session, now: UnixTime) -> bool {
        let mut progressed = false;
        for group in groups {
            for job in group {
                let (record, entry) = self.fetch(job, now).await;
                if session.absorb(job, record, entry) {
                    progressed = true;
                    break;
                }
            }
        }
        progressed
    }

    async fn fetch(&self, job: &Job, now: UnixTime) -> (FetchRecord, Option<Arc<Entry>>) {
        let started = Instant::now();
        let fallback = match job::lookup(job, &self.cache, &self.counters, &self.config, now, started) {
            Lookup::Done(record, entry) => return (record, entry),
            Lookup::Network { fallback } => fallback,
        };
        let (cell, joined) = self.flights.join(&job.key);
        if joined {
            Counters::bump(&self.counters.shared);
        }
        let outcome = cell
            .get_or_init(|| async {
                Counters::bump(&self.counters.requests);
                let request = http_request(job, &self.config);
                tracing::debug!(url = %job.url, method = request.method(), "fetching");
                let response = self.exchange(&request, self.config.max_bytes(job.kind)).await;
                job::absorb_response(job, response, &self.cache, &self.config, now, started)
            })
            .await;
        self.flights.leave(&job.key, &cell);
        job::finish(job, outcome, fallback, started)
    }

    async fn exchange(&self, request: &HttpRequest, max_bytes: usize) -> Result<HttpResponse, HttpFailure> {
        let builder = match request {
            HttpRequest::Get(url) => self.client.get(url),
            HttpRequest::PostOcsp { url, body } => self
                .client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/ocsp-request")
                .body(body.clone()),
        };
        let mut response = builder.send().await.map_err(|e| (classify(&e), None))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err((FetchError::new(FetchErrorKind::HttpStatus, format!("HTTP status {status}")), Some(status)));
        }
        let too_large = || {
            let message = format!("response larger than the limit of {max_bytes} bytes");
            (FetchError::new(FetchErrorKind::TooLarge, message), Some(status))
        };
        let declared = response.content_length().and_then(|n| usize::try_from(n).ok());
        if declared.is_some_and(|n| n > max_bytes) {
            return Err(too_large());
        }
        let content_type =
            response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut body = Vec::with_capacity(declared.unwrap_or(0).min(max_bytes));
        while let Some(chunk) = response.chunk().await.map_err(|e| (classify(&e), Some(status)))? {
            if body.len().saturating_add(chunk.len()) > max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse { body, content_type })
    }
}

fn classify(error: &reqwest::Error) -> FetchError {
    let kind = if error.is_timeout() {
        FetchErrorKind::Timeout
    } else if error.is_redirect() {
        FetchErrorKind::Redirect
    } else if error.is_connect() {
        FetchErrorKind::Connect
    } else {
        FetchErrorKind::Transport
    };
    FetchError::new(kind, error.to_string())
}

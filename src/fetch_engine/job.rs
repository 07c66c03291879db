//! One URL tried, around the network: the cache and negative cache before it, parsing and
//! caching after it, and the record of how it went. Shared by the blocking and the async
//! fetcher, which differ only in how they wait for the network.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use trustpath::UnixTime;

use super::cache::Cache;
use super::config::FetchConfig;
use super::content::{self, Entry};
use super::http::{HttpFailure, HttpResponse, check_url};
use super::plan::Job;
use super::report::{FetchError, FetchErrorKind, FetchRecord, FetchStatus};

/// What the network gave for a job: a usable entry, or a failure.
pub(crate) type NetOutcome = Result<Arc<Entry>, HttpFailure>;

/// Counters of what a fetcher did (for operators, and for tests that check the caches).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// HTTP exchanges made.
    pub requests: u64,
    /// Answers served by the cache (memory or disk) without a request.
    pub cache_hits: u64,
    /// Answers refused by the negative cache (the URL failed recently) without a request.
    pub negative_hits: u64,
    /// Requests that waited for a concurrent fetch of the same URL instead of making their own.
    pub shared: u64,
    /// Responses held in memory now.
    pub cached_entries: usize,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) cache_hits: AtomicU64,
    pub(crate) negative_hits: AtomicU64,
    pub(crate) shared: AtomicU64,
}

impl Counters {
    pub(crate) fn snapshot(&self, cache: &Cache) -> FetchStats {
        FetchStats {
            requests: self.requests.load(Ordering::Relaxed),
            cache_hits: self.cache_hits.load(Ordering::Relaxed),
            negative_hits: self.negative_hits.load(Ordering::Relaxed),
            shared: self.shared.load(Ordering::Relaxed),
            cached_entries: cache.len(),
        }
    }

    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Fetches in flight, by cache key: a second request for a key joins the first one's cell.
pub(crate) struct Flights<C> {
    map: Mutex<HashMap<String, Arc<C>>>,
}

impl<C: Default> Flights<C> {
    pub(crate) fn new() -> Self {
        Flights { map: Mutex::new(HashMap::new()) }
    }

    /// The cell for `key`, and whether another request had made it (this one joins).
    pub(crate) fn join(&self, key: &str) -> (Arc<C>, bool) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get(key) {
            Some(cell) => (cell.clone(), true),
            None => {
                let cell = Arc::new(C::default());
                map.insert(key.to_string(), cell.clone());
                (cell, false)
            }
        }
    }

    /// Forgets `cell` once its result is in (a later request then looks at the cache).
    pub(crate) fn leave(&self, key: &str, cell: &Arc<C>) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if map.get(key).is_some_and(|c| Arc::ptr_eq(c, cell)) {
            map.remove(key);
        }
    }
}

/// Before the network: an answer from the cache, or what the network must be asked.
pub(crate) enum Lookup {
    /// Answered without a request.
    Done(FetchRecord, Option<Arc<Entry>>),
    /// Ask the network; `fallback` is a cached entry within the refresh margin, still usable
    /// if the refresh fails.
    Network { fallback: Option<Arc<Entry>> },
}

fn record(job: &Job, status: FetchStatus, bytes: usize, started: Instant, http_status: Option<u16>) -> FetchRecord {
    FetchRecord {
        url: job.url.clone(),
        kind: job.kind,
        certificate_index: job.certificate_index,
        status,
        bytes,
        elapsed: started.elapsed(),
        http_status,
    }
}

pub(crate) fn lookup(
    job: &Job,
    cache: &Cache,
    counters: &Counters,
    config: &FetchConfig,
    now: UnixTime,
    started: Instant,
) -> Lookup {
    if let Err(error) = check_url(&job.url) {
        tracing::info!(url = %job.url, kind = job.kind.as_str(), "not fetched: {error}");
        return Lookup::Done(record(job, FetchStatus::Failed(error), 0, started, None), None);
    }
    let cached = cache.get(&job.key, job.kind, now, config);
    if let Some(entry) = &cached
        && entry.fresh_at(now.as_secs(), config.refresh_margin)
    {
        Counters::bump(&counters.cache_hits);
        tracing::debug!(url = %job.url, kind = job.kind.as_str(), "served from the fetch cache");
        let bytes = entry.body().len();
        return Lookup::Done(record(job, FetchStatus::Cached, bytes, started, None), cached);
    }
    if let Some(failure) = cache.failure(&job.key) {
        Counters::bump(&counters.negative_hits);
        if let Some(entry) = cached {
            let bytes = entry.body().len();
            return Lookup::Done(record(job, FetchStatus::Cached, bytes, started, None), Some(entry));
        }
        let error = FetchError::new(FetchErrorKind::FailedRecently, format!("failed recently: {failure}"));
        tracing::debug!(url = %job.url, kind = job.kind.as_str(), "negative cache: {failure}");
        return Lookup::Done(record(job, FetchStatus::Failed(error), 0, started, None), None);
    }
    Lookup::Network { fallback: cached }
}

/// After the network: parses the response, caches it (or the failure), logs.
pub(crate) fn absorb_response(
    job: &Job,
    response: Result<HttpResponse, HttpFailure>,
    cache: &Cache,
    config: &FetchConfig,
    now: UnixTime,
    started: Instant,
) -> NetOutcome {
    let outcome = response.and_then(|response| {
        let content_type = response.content_type.unwrap_or_default();
        let size = response.body.len();
        let entry = content::parse(job.kind, response.body, now, config).map_err(|e| {
            (FetchError::new(e.kind, format!("{} (content type {content_type:?}, {size} bytes)", e.message)), Some(200))
        })?;
        Ok(Arc::new(entry))
    });
    let ms = started.elapsed().as_millis();
    match &outcome {
        Ok(entry) => {
            // One past its nextUpdate is passed on (the core reports it as stale) but not kept.
            if entry.usable_at(now.as_secs()) {
                cache.put(&job.key, job.kind, entry);
            }
            let bytes = entry.body().len();
            tracing::info!(url = %job.url, kind = job.kind.as_str(), bytes, ms, "fetched");
        }
        Err((error, http_status)) => {
            cache.put_failure(&job.key, error);
            tracing::warn!(url = %job.url, kind = job.kind.as_str(), http_status, ms, "fetch failed: {error}");
        }
    }
    outcome
}

/// The record of a job that went to the network (or joined one that did).
pub(crate) fn finish(
    job: &Job,
    outcome: &NetOutcome,
    fallback: Option<Arc<Entry>>,
    started: Instant,
) -> (FetchRecord, Option<Arc<Entry>>) {
    match (outcome, fallback) {
        // A server still publishing an older response than the cached one: keep the cached.
        (Ok(entry), Some(cached)) if cached.expires > entry.expires => {
            (record(job, FetchStatus::Cached, cached.body().len(), started, Some(200)), Some(cached))
        }
        (Ok(entry), _) => {
            (record(job, FetchStatus::Fetched, entry.body().len(), started, Some(200)), Some(entry.clone()))
        }
        // The refresh failed but the cached one is before its nextUpdate: use it.
        (Err(_), Some(entry)) => (record(job, FetchStatus::Cached, entry.body().len(), started, None), Some(entry)),
        (Err((error, http_status)), None) => {
            (record(job, FetchStatus::Failed(error.clone()), 0, started, *http_status), None)
        }
    }
}

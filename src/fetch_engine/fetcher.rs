//! The blocking fetcher: one HTTP exchange at a time per caller, shared cache, concurrent
//! callers asking for the same URL share one exchange.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use trustpath::revocation::RevocationData;
use trustpath::{Certificate, UnixTime, ValidationError, ValidationInput, VerifiedPath, Verifier};

use super::cache::Cache;
use super::config::FetchConfig;
use super::content::Entry;
use super::http::HttpClient;
use super::job::{self, Counters, FetchStats, Flights, Lookup, NetOutcome};
use super::plan::{Group, Job, http_request};
use super::report::FetchRecord;
use super::session::{self, Attempt, Fetched, Session, Validated, WithFetch};

/// Fetches CRLs, OCSP responses and issuers over HTTP, blocking the calling thread. `Send +
/// Sync`: build one and share it (it holds the cache).
pub struct Fetcher {
    config: FetchConfig,
    client: HttpClient,
    cache: Cache,
    flights: Flights<OnceLock<NetOutcome>>,
    counters: Counters,
}

impl core::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Fetcher").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Fetcher {
    /// A fetcher with `config`.
    pub fn new(config: FetchConfig) -> Self {
        Fetcher {
            client: HttpClient::new(&config),
            cache: Cache::new(&config),
            flights: Flights::new(),
            counters: Counters::default(),
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// What it has done so far.
    pub fn stats(&self) -> FetchStats {
        self.counters.snapshot(&self.cache)
    }

    /// Validates `leaf` with `verifier` at `time`, fetching what is missing between
    /// validations (at most [`FetchConfig::max_rounds`] rounds): CRLs and OCSP responses of
    /// the path's certificates, and issuers the path lacks. `intermediates` and `revocation`
    /// are the caller's own; what is fetched is added to them. The result is the last
    /// validation's, under `verifier`'s policy: under hard-fail a certificate whose status
    /// could not be fetched is refused, under soft-fail it passes and the records say why.
    pub fn validate_with_fetch(
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
    }

    /// The loop of [`Self::validate_with_fetch`] around any validation: `attempt` validates
    /// with the verifier and revocation data it is given (the caller's plus what was fetched;
    /// see [`Attempt`] for why it is called).
    pub fn validate_with<T: Validated>(
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
            if !self.run_groups(&groups, &mut session, time) {
                return session.finish(result);
            }
            if session.issuers_changed {
                current = session::with_issuers(verifier, &session.issuers);
                session.issuers_changed = false;
            }
        }
    }

    /// Fetches what a verified path still lacks (revocation soft-fail).
    pub fn fetch_for_path(&self, path: &VerifiedPath, now: UnixTime) -> Fetched {
        self.fetch_needs(path.needs(), Some(path), now)
    }

    /// Fetches what a rejection lacked: issuers and CRLs from the URLs it names; OCSP
    /// responses only with `path`, a path of the same certificates (e.g. from validating
    /// again under soft-fail), whose certificates the requests are built from.
    pub fn fetch_for_error(&self, error: &ValidationError, path: Option<&VerifiedPath>, now: UnixTime) -> Fetched {
        self.fetch_needs(error.needs(), path, now)
    }

    fn fetch_needs(&self, needs: &[trustpath::Need], path: Option<&VerifiedPath>, now: UnixTime) -> Fetched {
        let mut session = Session::new(RevocationData::new());
        let groups = session.plan(needs, path, &self.config);
        self.run_groups(&groups, &mut session, now);
        session.into_fetched()
    }

    /// Tries each group's URLs in order until one gives something; whether any did.
    fn run_groups(&self, groups: &[Group], session: &mut Session, now: UnixTime) -> bool {
        let mut progressed = false;
        for group in groups {
            for job in group {
                let (record, entry) = self.fetch(job, now);
                if session.absorb(job, record, entry) {
                    progressed = true;
                    break;
                }
            }
        }
        progressed
    }

    fn fetch(&self, job: &Job, now: UnixTime) -> (FetchRecord, Option<Arc<Entry>>) {
        let started = Instant::now();
        let fallback = match job::lookup(job, &self.cache, &self.counters, &self.config, now, started) {
            Lookup::Done(record, entry) => return (record, entry),
            Lookup::Network { fallback } => fallback,
        };
        let (cell, joined) = self.flights.join(&job.key);
        if joined {
            Counters::bump(&self.counters.shared);
        }
        let outcome = cell.get_or_init(|| {
            Counters::bump(&self.counters.requests);
            let request = http_request(job, &self.config);
            tracing::debug!(url = %job.url, method = request.method(), "fetching");
            let response = self.client.exchange(&request, self.config.max_bytes(job.kind));
            job::absorb_response(job, response, &self.cache, &self.config, now, started)
        });
        self.flights.leave(&job.key, &cell);
        job::finish(job, outcome, fallback, started)
    }
}

//! `--fetch` for the example servers: fetch, in the background, the revocation data that
//! client certificates lack, and hand it to the verifier for the next handshakes.
//!
//! A TLS handshake cannot wait for HTTP: the verifier's decision is synchronous. So the
//! verifier reports what a rejected chain lacked (hard-fail: `revocation_unknown`), and the
//! application what an accepted chain lacked (soft-fail), to a thread that fetches it with
//! trustpath-fetch (cache, negative cache, limits) and replaces the verifier's revocation
//! data: the server's own CRLs plus the latest fetched ones, dropped once past their
//! `nextUpdate`. Under hard-fail a client whose CRL the server did not have yet is refused
//! once, and accepted (or refused as revoked) when it tries again.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Weak};

use trustpath::revocation::{Crl, OcspResponse, RevocationData};
use trustpath::tls::ClientVerifier;
use trustpath::{ValidationError, VerifiedPath};
use trustpath_fetch::{FetchConfig, Fetcher};

/// Requests waiting for the fetching thread; more are dropped (a flood of bad certificates
/// must not queue work without bound).
const QUEUE: usize = 64;
/// Most fetched CRLs and OCSP responses kept.
const MAX_KEPT: usize = 256;

/// What a chain lacked.
pub enum Lack {
    /// What a rejected chain lacked (CRLs; OCSP requests need the path, which a rejection
    /// does not carry).
    Rejected(ValidationError),
    /// What an accepted chain lacks.
    Accepted(VerifiedPath),
}

/// Where the verifier and the application report what a chain lacked.
#[derive(Clone)]
pub struct Refresher {
    queue: SyncSender<Lack>,
}

impl Refresher {
    /// The reporting side, and what [`spawn`] reads.
    pub fn channel() -> (Refresher, Receiver<Lack>) {
        let (queue, receiver) = sync_channel(QUEUE);
        (Refresher { queue }, receiver)
    }

    fn send(&self, lack: Lack) {
        match self.queue.try_send(lack) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => eprintln!("fetch: queue full, request dropped"),
        }
    }

    /// A handshake was refused: fetch what the chain lacked, if anything.
    pub fn rejected(&self, error: &ValidationError) {
        if !error.needs().is_empty() {
            self.send(Lack::Rejected(error.clone()));
        }
    }

    /// A chain was accepted without full revocation data (soft-fail): fetch it for next time.
    pub fn accepted(&self, path: &VerifiedPath) {
        if !path.needs().is_empty() {
            self.send(Lack::Accepted(path.clone()));
        }
    }
}

/// A fetched CRL or OCSP response kept for the verifier.
enum Kept {
    Crl(Box<Crl>),
    Ocsp(Box<OcspResponse>),
}

impl Kept {
    fn der(&self) -> &[u8] {
        match self {
            Kept::Crl(crl) => crl.der(),
            Kept::Ocsp(response) => response.der(),
        }
    }

    fn usable_at(&self, now: u64) -> bool {
        let next_update = match self {
            Kept::Crl(crl) => crl.next_update(),
            Kept::Ocsp(response) => response.next_update(),
        };
        next_update.is_none_or(|next| next.as_secs() > now)
    }
}

/// The fetching thread: reads what chains lacked until every [`Refresher`] is dropped (or
/// the verifier is: it holds one in its rejection hook, so the thread holds it weakly),
/// fetches it, and gives `verifier` the server's own revocation data (`base`) plus what was
/// fetched. Issuers are not fetched: their URLs come from unauthenticated clients.
pub fn spawn(
    receiver: Receiver<Lack>,
    verifier: Weak<ClientVerifier>,
    base: RevocationData,
    config: FetchConfig,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let fetcher = Fetcher::new(FetchConfig { fetch_issuers: false, ..config });
        let mut kept: Vec<Kept> = Vec::new();
        for lack in receiver {
            let Some(verifier) = verifier.upgrade() else { return };
            let now = verifier.now();
            let fetched = match &lack {
                Lack::Rejected(error) => fetcher.fetch_for_error(error, None, now),
                Lack::Accepted(path) => fetcher.fetch_for_path(path, now),
            };
            for r in &fetched.records {
                let outcome = r.error().map_or_else(|| format!("{} bytes", r.bytes), ToString::to_string);
                let ms = r.elapsed.as_millis();
                eprintln!("fetch: {} {} -> {} ({outcome}, {ms} ms)", r.kind.as_str(), r.url, r.status.as_str());
            }
            let fresh = fetched
                .revocation
                .crls()
                .iter()
                .map(|crl| Kept::Crl(Box::new(crl.clone())))
                .chain(fetched.revocation.ocsp_responses().iter().cloned().map(|r| Kept::Ocsp(Box::new(r))));
            let mut changed = false;
            for item in fresh {
                if !kept.iter().any(|k| k.der() == item.der()) {
                    kept.push(item);
                    changed = true;
                }
            }
            let before = kept.len();
            kept.retain(|k| k.usable_at(now.as_secs()));
            let excess = kept.len().saturating_sub(MAX_KEPT);
            kept.drain(..excess);
            if changed || kept.len() != before {
                let mut data = base.clone();
                for item in &kept {
                    match item {
                        Kept::Crl(crl) => data.add_crl(Crl::clone(crl)),
                        Kept::Ocsp(response) => data.add_ocsp(OcspResponse::clone(response)),
                    };
                }
                verifier.set_revocation(Some(Arc::new(data)));
            }
        }
    })
}

//! Parsed protected headers of returning signers, so that a client that sends the same `x5c`
//! on every request has it decoded and its certificates parsed once.
//!
//! A client's header segment (base64url of `{"alg":…,"x5c":[…]}`) is usually byte-for-byte the
//! same on every token it signs, and most of the parsing work of a UDAP client assertion is
//! there: a 4 KB base64url segment, its JSON, the standard base64 of each certificate and the
//! certificates themselves. The cache maps the exact segment text, under the same header
//! [`Limits`], to what parsing it produced. Parsing is deterministic, so a hit is exactly what a
//! fresh parse would return; only successful parses are stored. Nothing is trusted because it
//! was cached: the `alg` allow-list, the signature, the certificate path (time, revocation,
//! policy) and the claims are checked on every token as usual.
//!
//! Lookups hash the segment with the cache's own randomly keyed SipHash (as `HashMap` does),
//! outside the lock, then compare the whole text. Memory is bounded: at most `capacity`
//! headers, each at most [`MAX_CACHED_HEADER_LEN`] bytes of text (longer ones are parsed every
//! time), plus their parsed form; the oldest entry of a full shard is evicted.

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use super::compact::Limits;
use super::header::Header;
use crate::bounded_cache::BoundedCache;
use crate::cert::Certificate;
use crate::crypto::cache::CacheStats;

/// Longest header segment (base64url text, bytes) that is cached: room for an `x5c` of a few
/// certificates.
pub const MAX_CACHED_HEADER_LEN: usize = 64 << 10;

/// What parsing one header segment produced.
#[derive(Debug)]
pub(crate) struct ParsedHeader {
    segment: Box<str>,
    limits: (usize, usize, usize),
    pub(crate) header: Arc<Header>,
    pub(crate) x5c: Vec<Certificate>,
}

/// A bounded, thread-safe cache of parsed JWS protected headers with their `x5c`
/// certificates. See the module documentation; use it with [`crate::jws::X5cOptions::header_cache`],
/// or give it to a UDAP endpoint (`TokenEndpoint::with_header_cache`,
/// `RegistrationEndpoint::with_header_cache`).
#[derive(Debug)]
pub struct HeaderCache {
    /// Parses by the keyed hash of their segment (compared in full on every hit).
    parsed: BoundedCache<u64, Arc<ParsedHeader>>,
    hasher: RandomState,
}

/// The limits that decide whether a header parses.
fn header_limits(limits: &Limits) -> (usize, usize, usize) {
    (limits.max_header_entries, limits.max_x5c_certificates, limits.max_x5c_len)
}

impl HeaderCache {
    /// A cache holding at most `capacity` headers (rounded up to a multiple of the shard
    /// count).
    pub fn new(capacity: usize) -> Self {
        HeaderCache { parsed: BoundedCache::new(capacity), hasher: RandomState::new() }
    }

    /// The parse of `segment` under `limits`, if it was stored; counts a hit or a miss.
    pub(crate) fn get(&self, segment: &str, limits: &Limits) -> Option<Arc<ParsedHeader>> {
        if segment.len() > MAX_CACHED_HEADER_LEN {
            return None;
        }
        let hash = self.hasher.hash_one(segment);
        let found =
            self.parsed.get(&hash).filter(|entry| *entry.segment == *segment && entry.limits == header_limits(limits));
        self.parsed.count(found.is_some());
        found
    }

    /// Stores the successful parse of `segment` under `limits`.
    pub(crate) fn insert(&self, segment: &str, limits: &Limits, header: Arc<Header>, x5c: Vec<Certificate>) {
        if segment.len() > MAX_CACHED_HEADER_LEN {
            return;
        }
        let hash = self.hasher.hash_one(segment);
        let entry = Arc::new(ParsedHeader { segment: segment.into(), limits: header_limits(limits), header, x5c });
        self.parsed.insert(hash, entry);
    }

    /// Current counters.
    pub fn stats(&self) -> CacheStats {
        self.parsed.stats()
    }

    /// Forgets every entry (counters are kept).
    pub fn clear(&self) {
        self.parsed.clear()
    }
}

//! The one bounded, thread-safe map under trustpath's caches (verified signatures, parsed JWS
//! headers, TLS client identities, parsed RSA keys): `quick_cache`'s sharded S3-FIFO map,
//! with hit, miss and eviction counters.
//!
//! Why S3-FIFO rather than plain FIFO (what these caches used before): a server sees a few hot
//! entries (its clients' intermediates, a returning client's header) among a stream of
//! one-time ones (new leaves). FIFO lets that stream push the hot entries out; S3-FIFO admits
//! new entries to a small probationary queue and keeps what is asked for again, so a scan of
//! one-time entries does not evict them (see the test below). Measured on the warm and hot
//! benchmarks (BENCHMARKS.md), the lookups cost what the FIFO map's did.

use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_cache::sync::Cache;
use quick_cache::{DefaultHashBuilder, Lifecycle, OptionsBuilder, UnitWeighter};

/// Counters of a cache ([`crate::crypto::cache::SignatureCache`], [`crate::jws::HeaderCache`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to verify (or parse).
    pub misses: u64,
    /// Entries dropped to stay within capacity.
    pub evictions: u64,
    /// Entries currently held.
    pub entries: usize,
}

/// Counts evictions.
#[derive(Debug, Clone, Default)]
struct CountEvictions(Arc<AtomicU64>);

impl<K, V> Lifecycle<K, V> for CountEvictions {
    type RequestState = ();

    fn begin_request(&self) -> Self::RequestState {}

    fn on_evict(&self, _state: &mut Self::RequestState, _key: K, _value: V) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// At most `capacity` entries.
pub(crate) struct BoundedCache<K, V> {
    map: Cache<K, V, UnitWeighter, DefaultHashBuilder, CountEvictions>,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: Arc<AtomicU64>,
}

impl<K: Hash + Eq + Clone, V: Clone> core::fmt::Debug for BoundedCache<K, V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BoundedCache").field("entries", &self.map.len()).finish_non_exhaustive()
    }
}

impl<K: Hash + Eq + Clone, V: Clone> BoundedCache<K, V> {
    /// A cache of at most `capacity` entries (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let evictions = CountEvictions::default();
        let counter = evictions.0.clone();
        let options = OptionsBuilder::new()
            .estimated_items_capacity(capacity)
            .weight_capacity(u64::try_from(capacity).unwrap_or(u64::MAX))
            .build();
        let map = match options {
            Ok(options) => Cache::with_options(options, UnitWeighter, DefaultHashBuilder::default(), evictions),
            // Only a zero capacity makes the options invalid, and it was raised to one.
            Err(_) => Cache::with(1, 1, UnitWeighter, DefaultHashBuilder::default(), evictions),
        };
        BoundedCache { map, hits: AtomicU64::new(0), misses: AtomicU64::new(0), evictions: counter }
    }

    /// The value stored under `key` (not counted: see [`Self::count`]).
    pub(crate) fn get(&self, key: &K) -> Option<V> {
        self.map.get(key)
    }

    /// Counts a lookup as a hit or a miss.
    pub(crate) fn count(&self, hit: bool) {
        let counter = if hit { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Stores `value` under `key`, replacing an older value; evicts to stay within capacity.
    pub(crate) fn insert(&self, key: K, value: V) {
        self.map.insert(key, value);
    }

    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            entries: self.map.len(),
        }
    }

    /// Forgets every entry (counters are kept).
    pub(crate) fn clear(&self) {
        self.map.clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_kept_and_counted() {
        let map: BoundedCache<u64, u64> = BoundedCache::new(8);
        for key in 0..100u64 {
            map.insert(key, key * 10);
        }
        let stats = map.stats();
        assert!(stats.entries <= 8, "{stats:?}");
        assert_eq!(stats.entries as u64 + stats.evictions, 100, "{stats:?}");
        map.insert(1000, 1);
        map.insert(1000, 2);
        assert_eq!(map.get(&1000), Some(2));
        map.count(true);
        map.count(false);
        map.count(false);
        let stats = map.stats();
        assert_eq!((stats.hits, stats.misses), (1, 2));
        map.clear();
        assert_eq!(map.stats().entries, 0);
    }

    #[test]
    fn a_stream_of_one_time_entries_does_not_evict_the_hot_ones() {
        let map: BoundedCache<u64, ()> = BoundedCache::new(100);
        let hot = [u64::MAX, u64::MAX - 1];
        for key in hot {
            map.insert(key, ());
        }
        // Ten times the capacity in one-time keys, the hot keys asked for between them (as a
        // server's intermediates are, among new clients' leaves).
        for key in 0..1000u64 {
            map.insert(key, ());
            for h in hot {
                assert!(map.get(&h).is_some(), "hot key {h} evicted after {key} one-time keys");
            }
        }
    }
}

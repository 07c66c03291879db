//! The bounded, thread-safe map under trustpath's caches ([`crate::crypto::cache`] and the
//! JWS header cache): shards with their own locks, first-in first-out eviction when a shard is
//! full, and hit, miss and eviction counters.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

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

#[derive(Debug)]
struct Shard<K, V> {
    entries: HashMap<K, V>,
    order: VecDeque<K>,
}

/// At most `capacity` entries (rounded up to a multiple of `N`) in `N` shards; the caller
/// picks the shard of a key (from bits it has already hashed).
#[derive(Debug)]
pub(crate) struct ShardedFifo<K, V, const N: usize> {
    shards: [Mutex<Shard<K, V>>; N],
    per_shard: usize,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
}

impl<K: Hash + Eq + Copy, V: Clone, const N: usize> ShardedFifo<K, V, N> {
    pub(crate) fn new(capacity: usize) -> Self {
        const { assert!(N > 0, "at least one shard") };
        ShardedFifo {
            shards: core::array::from_fn(|_| Mutex::new(Shard { entries: HashMap::new(), order: VecDeque::new() })),
            per_shard: capacity.div_ceil(N).max(1),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
        }
    }

    /// The shard for `selector` (any well-mixed bits of the key), locked; always `Some` (the
    /// index is below `N`). A poisoned lock is taken over: entries are only ever inserted
    /// whole, so a panic elsewhere leaves none half-written.
    fn shard(&self, selector: u64) -> Option<MutexGuard<'_, Shard<K, V>>> {
        let shard = self.shards.get((selector % N as u64) as usize)?;
        Some(shard.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The value stored under `key` (not counted: see [`Self::count`]).
    pub(crate) fn get(&self, selector: u64, key: &K) -> Option<V> {
        self.shard(selector)?.entries.get(key).cloned()
    }

    /// Counts a lookup as a hit or a miss.
    pub(crate) fn count(&self, hit: bool) {
        let counter = if hit { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Stores `value` under `key` (replacing an older value), evicting the shard's oldest
    /// entries beyond its share of the capacity.
    pub(crate) fn insert(&self, selector: u64, key: K, value: V) {
        let Some(mut shard) = self.shard(selector) else { return };
        if shard.entries.insert(key, value).is_none() {
            shard.order.push_back(key);
        }
        while shard.order.len() > self.per_shard {
            if let Some(old) = shard.order.pop_front() {
                shard.entries.remove(&old);
                self.evictions.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub(crate) fn stats(&self) -> CacheStats {
        let entries = self.shards.iter().map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).entries.len()).sum();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            entries,
        }
    }

    /// Forgets every entry (counters are kept).
    pub(crate) fn clear(&self) {
        for shard in &self.shards {
            let mut s = shard.lock().unwrap_or_else(|p| p.into_inner());
            s.entries.clear();
            s.order.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_kept_per_shard_oldest_first() {
        let map: ShardedFifo<u64, u64, 4> = ShardedFifo::new(8);
        for key in 0..100u64 {
            map.insert(key, key, key * 10);
        }
        let stats = map.stats();
        assert_eq!((stats.entries, stats.evictions), (8, 92));
        // Each shard keeps its two newest keys.
        for key in 0..100u64 {
            assert_eq!(map.get(key, &key).is_some(), key >= 92, "{key}");
        }
        assert_eq!(map.get(97, &97), Some(970));
        // Replacing a value keeps one entry.
        map.insert(97, 97, 1);
        assert_eq!((map.get(97, &97), map.stats().entries), (Some(1), 8));
        map.count(true);
        map.count(false);
        map.count(false);
        let stats = map.stats();
        assert_eq!((stats.hits, stats.misses), (1, 2));
        map.clear();
        assert_eq!(map.stats().entries, 0);
    }
}

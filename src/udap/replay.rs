//! Replay detection for JWT IDs (IG §7.1.4): a (`iss`, `jti`) pair may not be used twice
//! before the earlier token expires, and may be used again afterwards. The store is the
//! caller's (a database, a shared cache); [`MemoryReplayCache`] is a bounded in-process one.

use std::collections::HashMap;
use std::sync::Mutex;

/// Remembers (`iss`, `jti`) pairs until the tokens that carried them expire.
pub trait ReplayCache: Send + Sync {
    /// Records (`iss`, `jti`) as used until `expires_at` (seconds since the epoch). Returns
    /// `false` when the pair is already recorded and has not expired at `now`: a replay.
    fn check_and_record(&self, iss: &str, jti: &str, expires_at: u64, now: u64) -> bool;
}

/// An in-memory [`ReplayCache`] holding at most `capacity` live entries. When full, expired
/// entries are dropped first; if none has expired, the token is refused as a replay (failing
/// closed rather than forgetting a live `jti`).
#[derive(Debug)]
pub struct MemoryReplayCache {
    entries: Mutex<HashMap<(String, String), u64>>,
    capacity: usize,
}

impl MemoryReplayCache {
    /// A cache of at most `capacity` live entries.
    pub fn new(capacity: usize) -> Self {
        MemoryReplayCache { entries: Mutex::new(HashMap::new()), capacity }
    }

    /// Number of entries currently held (expired ones included until purged).
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or_else(|p| p.into_inner().len())
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for MemoryReplayCache {
    fn default() -> Self {
        MemoryReplayCache::new(100_000)
    }
}

impl ReplayCache for MemoryReplayCache {
    fn check_and_record(&self, iss: &str, jti: &str, expires_at: u64, now: u64) -> bool {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let key = (iss.to_string(), jti.to_string());
        if entries.get(&key).is_some_and(|until| *until >= now) {
            return false;
        }
        if entries.len() >= self.capacity {
            entries.retain(|_, until| *until >= now);
            if entries.len() >= self.capacity {
                return false;
            }
        }
        entries.insert(key, expires_at);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_within_lifetime_is_refused_and_allowed_after_expiry() {
        let cache = MemoryReplayCache::new(10);
        assert!(cache.check_and_record("a", "1", 100, 50));
        assert!(!cache.check_and_record("a", "1", 100, 60), "replay before expiry");
        assert!(cache.check_and_record("b", "1", 100, 60), "same jti, other issuer");
        assert!(cache.check_and_record("a", "1", 200, 101), "reuse after expiry");
    }

    #[test]
    fn full_cache_fails_closed_until_entries_expire() {
        let cache = MemoryReplayCache::new(2);
        assert!(cache.check_and_record("a", "1", 100, 0));
        assert!(cache.check_and_record("a", "2", 100, 0));
        assert!(!cache.check_and_record("a", "3", 100, 0), "full of live entries");
        assert!(cache.check_and_record("a", "3", 300, 150), "expired entries purged");
        assert_eq!(cache.len(), 1);
    }
}

//! Where the server keeps its state: in memory (one instance), or in Redis (every instance of
//! the community): the library's replay and registration stores, plus this server's own
//! authorization codes and access tokens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use trustpath::udap::{MemoryRegistrationStore, MemoryReplayCache, RegistrationStore, ReplayStore, StoreError};

/// Short-lived values under a key: authorization codes (taken once) and access tokens.
pub trait GrantStore: Send + Sync {
    /// Stores `value` under `key` for `ttl` seconds from `now`.
    fn put(&self, key: &str, value: &str, ttl: u64, now: u64) -> Result<(), StoreError>;
    /// The value under `key`, if unexpired at `now`.
    fn get(&self, key: &str, now: u64) -> Result<Option<String>, StoreError>;
    /// Removes and returns the value under `key` (atomically: of two instances taking the same
    /// code, one gets it).
    fn take(&self, key: &str, now: u64) -> Result<Option<String>, StoreError>;
}

/// Most live entries of [`MemoryGrants`]; beyond, new grants are refused (server_error)
/// rather than growing without bound.
const MAX_GRANTS: usize = 200_000;

/// A [`GrantStore`] in this process.
#[derive(Default)]
pub struct MemoryGrants {
    entries: Mutex<HashMap<String, (String, u64)>>,
}

impl GrantStore for MemoryGrants {
    fn put(&self, key: &str, value: &str, ttl: u64, now: u64) -> Result<(), StoreError> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_GRANTS {
            entries.retain(|_, (_, until)| *until > now);
            if entries.len() >= MAX_GRANTS {
                return Err(StoreError("too many live codes and tokens".into()));
            }
        }
        entries.insert(key.to_string(), (value.to_string(), now.saturating_add(ttl)));
        Ok(())
    }

    fn get(&self, key: &str, now: u64) -> Result<Option<String>, StoreError> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        Ok(entries.get(key).filter(|(_, until)| *until > now).map(|(v, _)| v.clone()))
    }

    fn take(&self, key: &str, now: u64) -> Result<Option<String>, StoreError> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        Ok(entries.remove(key).filter(|(_, until)| *until > now).map(|(v, _)| v))
    }
}

/// The server's stores.
#[derive(Clone)]
pub struct Stores {
    pub replay: Arc<dyn ReplayStore>,
    pub registrations: Arc<dyn RegistrationStore>,
    pub grants: Arc<dyn GrantStore>,
    /// Whether the stores block on I/O (Redis): requests then run on tokio's blocking pool.
    pub blocking: bool,
    /// What they are, for the startup line.
    pub describe: String,
}

impl Stores {
    pub fn memory() -> Stores {
        Stores {
            replay: Arc::new(MemoryReplayCache::default()),
            registrations: Arc::new(MemoryRegistrationStore::new()),
            grants: Arc::new(MemoryGrants::default()),
            blocking: false,
            describe: "in memory (this instance only)".into(),
        }
    }

    #[cfg(feature = "redis")]
    pub fn redis(url: &str, prefix: &str) -> Result<Stores, String> {
        let store = Arc::new(trustpath::udap::redis::RedisStore::open(url, prefix).map_err(|e| e.to_string())?);
        Ok(Stores {
            replay: store.clone(),
            registrations: store.clone(),
            grants: Arc::new(RedisGrants(store)),
            blocking: true,
            describe: format!("in Redis at {url}, keys {prefix}* (shared by every instance)"),
        })
    }

    #[cfg(not(feature = "redis"))]
    pub fn redis(_url: &str, _prefix: &str) -> Result<Stores, String> {
        Err("--redis needs the feature: cargo run --release --features redis --example udap_server".into())
    }
}

/// A [`GrantStore`] in Redis: `SET key value EX ttl`, `GET`, `GETDEL` (Redis 6.2 or later).
#[cfg(feature = "redis")]
pub struct RedisGrants(pub Arc<trustpath::udap::redis::RedisStore>);

#[cfg(feature = "redis")]
impl RedisGrants {
    fn key(&self, key: &str) -> String {
        format!("{}grant:{key}", self.0.prefix())
    }
}

#[cfg(feature = "redis")]
impl GrantStore for RedisGrants {
    fn put(&self, key: &str, value: &str, ttl: u64, _now: u64) -> Result<(), StoreError> {
        let key = self.key(key);
        self.0.run(|c| redis::cmd("SET").arg(&key).arg(value).arg("EX").arg(ttl.max(1)).query::<()>(c))
    }

    fn get(&self, key: &str, _now: u64) -> Result<Option<String>, StoreError> {
        let key = self.key(key);
        self.0.run(|c| redis::cmd("GET").arg(&key).query(c))
    }

    fn take(&self, key: &str, _now: u64) -> Result<Option<String>, StoreError> {
        let key = self.key(key);
        self.0.run(|c| redis::cmd("GETDEL").arg(&key).query(c))
    }
}

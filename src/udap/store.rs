//! The state an authorization server shares between its instances: the JWT IDs already used
//! ([`ReplayStore`]) and the registered clients ([`RegistrationStore`]). The traits do no I/O
//! of their own; an implementation may (a database, Redis: feature `redis`, see
//! [`crate::udap::redis`]). In-process implementations: [`MemoryReplayCache`],
//! [`MemoryRegistrationStore`].
//!
//! A store that cannot answer returns a [`StoreError`]; the endpoints turn it into a
//! [`crate::udap::UdapErrorKind::Store`] rejection (`server_error`, HTTP 500), so an
//! unreachable store refuses requests, never accepts them.

use std::collections::HashMap;
use std::sync::Mutex;

use super::assertion::RegisteredClient;
use super::registration::RegistrationGrant;

/// A store could not answer (unreachable, timed out, or it holds a record it cannot read).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("store unavailable: {0}")]
pub struct StoreError(pub String);

/// Remembers (`iss`, `jti`) pairs until the tokens that carried them expire (IG §7.1.4: a
/// `jti` may not be reused while its token is valid).
pub trait ReplayStore: Send + Sync {
    /// Atomically records (`iss`, `jti`) as used until `expires_at` (seconds since the epoch),
    /// unless it is already recorded and unexpired at `now`. `Ok(true)`: first use, now
    /// recorded; `Ok(false)`: a replay. Two instances sharing the store must never both get
    /// `Ok(true)` for one pair.
    fn check_and_record(&self, iss: &str, jti: &str, expires_at: u64, now: u64) -> Result<bool, StoreError>;
}

/// An in-memory [`ReplayStore`] holding at most `capacity` live entries. When full, expired
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

impl ReplayStore for MemoryReplayCache {
    fn check_and_record(&self, iss: &str, jti: &str, expires_at: u64, now: u64) -> Result<bool, StoreError> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let key = (iss.to_string(), jti.to_string());
        if entries.get(&key).is_some_and(|until| *until >= now) {
            return Ok(false);
        }
        if entries.len() >= self.capacity {
            entries.retain(|_, until| *until >= now);
            if entries.len() >= self.capacity {
                return Ok(false);
            }
        }
        entries.insert(key, expires_at);
        Ok(true)
    }
}

/// A registered client as a [`RegistrationStore`] keeps it: the binding the token endpoint
/// checks, and what the client registered for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientRecord {
    /// The client_id, the client URI and the trust community.
    pub client: RegisteredClient,
    /// The registered grant: [`RegistrationGrant::ClientCredentials`] or
    /// [`RegistrationGrant::AuthorizationCode`] with its redirect URIs (never `Cancel`).
    pub grant: RegistrationGrant,
    /// The registered `scope` (space-separated).
    pub scope: String,
}

impl ClientRecord {
    /// `client`, registered for `grant` and `scope`.
    pub fn new(client: RegisteredClient, grant: RegistrationGrant, scope: impl Into<String>) -> Self {
        ClientRecord { client, grant, scope: scope.into() }
    }
}

/// What [`RegistrationStore::register`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// A new registration: answer `201 Created`.
    Created,
    /// The (community, client URI) was registered already: its registration was replaced and
    /// its client_id kept (IG §3.4): answer `200 OK`.
    Updated,
}

/// The registered clients, keyed by client_id and by (trust community, client URI): IG §3.4
/// scopes a registration to the community its certificate chains to, so the same client URI
/// registered through two communities is two registrations.
pub trait RegistrationStore: Send + Sync {
    /// Atomically registers `record`, or, when its (community, client URI) is registered
    /// already, replaces that registration and keeps its client_id. Returns the client_id in
    /// force (`record.client.client_id` for a new registration) and what happened.
    fn register(&self, record: &ClientRecord) -> Result<(String, Registered), StoreError>;

    /// The registration of `client_id`, if any.
    fn find(&self, client_id: &str) -> Result<Option<ClientRecord>, StoreError>;

    /// Cancels the registration of (community, client URI); returns its client_id, or `None`
    /// when there was none.
    fn cancel(&self, community: &str, client_uri: &str) -> Result<Option<String>, StoreError>;
}

/// An in-memory [`RegistrationStore`].
#[derive(Debug, Default)]
pub struct MemoryRegistrationStore {
    state: Mutex<Registrations>,
}

#[derive(Debug, Default)]
struct Registrations {
    by_id: HashMap<String, ClientRecord>,
    /// (community, client URI) → client_id.
    by_uri: HashMap<(String, String), String>,
}

impl MemoryRegistrationStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryRegistrationStore::default()
    }

    /// Number of registrations.
    pub fn len(&self) -> usize {
        self.state.lock().map(|s| s.by_id.len()).unwrap_or_else(|p| p.into_inner().by_id.len())
    }

    /// Whether no client is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl RegistrationStore for MemoryRegistrationStore {
    fn register(&self, record: &ClientRecord) -> Result<(String, Registered), StoreError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let key = (record.client.community.clone(), record.client.client_uri.clone());
        let (client_id, outcome) = match state.by_uri.get(&key) {
            Some(existing) => (existing.clone(), Registered::Updated),
            None => (record.client.client_id.clone(), Registered::Created),
        };
        let mut stored = record.clone();
        stored.client.client_id = client_id.clone();
        state.by_uri.insert(key, client_id.clone());
        state.by_id.insert(client_id.clone(), stored);
        Ok((client_id, outcome))
    }

    fn find(&self, client_id: &str) -> Result<Option<ClientRecord>, StoreError> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        Ok(state.by_id.get(client_id).cloned())
    }

    fn cancel(&self, community: &str, client_uri: &str) -> Result<Option<String>, StoreError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let removed = state.by_uri.remove(&(community.to_string(), client_uri.to_string()));
        if let Some(id) = &removed {
            state.by_id.remove(id);
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_within_lifetime_is_refused_and_allowed_after_expiry() {
        let cache = MemoryReplayCache::new(10);
        assert_eq!(cache.check_and_record("a", "1", 100, 50), Ok(true));
        assert_eq!(cache.check_and_record("a", "1", 100, 60), Ok(false), "replay before expiry");
        assert_eq!(cache.check_and_record("b", "1", 100, 60), Ok(true), "same jti, other issuer");
        assert_eq!(cache.check_and_record("a", "1", 200, 101), Ok(true), "reuse after expiry");
    }

    #[test]
    fn full_cache_fails_closed_until_entries_expire() {
        let cache = MemoryReplayCache::new(2);
        assert_eq!(cache.check_and_record("a", "1", 100, 0), Ok(true));
        assert_eq!(cache.check_and_record("a", "2", 100, 0), Ok(true));
        assert_eq!(cache.check_and_record("a", "3", 100, 0), Ok(false), "full of live entries");
        assert_eq!(cache.check_and_record("a", "3", 300, 150), Ok(true), "expired entries purged");
        assert_eq!(cache.len(), 1);
    }

    fn record(id: &str, community: &str, uri: &str, scope: &str) -> ClientRecord {
        ClientRecord {
            client: RegisteredClient { client_id: id.into(), client_uri: uri.into(), community: community.into() },
            grant: RegistrationGrant::ClientCredentials,
            scope: scope.into(),
        }
    }

    #[test]
    fn registrations_are_keyed_by_community_and_client_uri() {
        let store = MemoryRegistrationStore::new();
        let first = record("id-1", "udap://a", "https://app", "system/Patient.rs");
        assert_eq!(store.register(&first), Ok(("id-1".into(), Registered::Created)));
        // The same client URI in the same community: updated in place, client_id kept.
        let update = record("id-2", "udap://a", "https://app", "system/Observation.rs");
        assert_eq!(store.register(&update), Ok(("id-1".into(), Registered::Updated)));
        let found = store.find("id-1").unwrap().expect("registered");
        assert_eq!((found.client.client_id.as_str(), found.scope.as_str()), ("id-1", "system/Observation.rs"));
        assert_eq!(store.find("id-2"), Ok(None));
        // Another community: a registration of its own, the first one untouched.
        let other = record("id-3", "udap://b", "https://app", "system/Patient.rs");
        assert_eq!(store.register(&other), Ok(("id-3".into(), Registered::Created)));
        assert_eq!(store.len(), 2);
        assert_eq!(store.cancel("udap://a", "https://app"), Ok(Some("id-1".into())));
        assert_eq!(store.find("id-1"), Ok(None));
        assert_eq!(store.cancel("udap://a", "https://app"), Ok(None), "already cancelled");
        assert!(store.find("id-3").unwrap().is_some(), "the other community's registration stays");
    }
}

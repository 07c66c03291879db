//! The UDAP stores on a Redis server (feature `redis`): several instances of an authorization
//! server behind a load balancer share one [`RedisStore`], so a client registered at one
//! instance authenticates at another, and an assertion used at one is a replay at every other.
//!
//! - Replay: `SET {prefix}jti:{iss}… 1 NX PX ttl` — one atomic command, so of two instances
//!   that see the same (`iss`, `jti`), exactly one sets the key.
//! - Registrations: a hash per client (`{prefix}client:{client_id}`) and an index hash
//!   (`{prefix}clients`, (community, client URI) → client_id), changed together by a Lua
//!   script (atomic on the server).
//!
//! Connections are blocking, with a timeout on connecting, reading and writing (default 2 s):
//! a Redis that does not answer makes the store return a [`StoreError`], which the endpoints
//! turn into a refusal (`server_error`), never an acceptance. Call it from a thread that may
//! block (in an async server: `spawn_blocking` or `block_in_place`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use redis::{Client, Connection, RedisResult};

use super::assertion::RegisteredClient;
use super::registration::RegistrationGrant;
use super::store::{ClientRecord, Registered, RegistrationStore, ReplayStore, StoreError};

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 16;

/// Registers or replaces a client atomically. KEYS[1] the index hash; ARGV: the index field,
/// the proposed client_id, the record key prefix, then the record's fields.
const REGISTER: &str = r"
local id = redis.call('HGET', KEYS[1], ARGV[1])
local created = 0
if not id then
  id = ARGV[2]
  redis.call('HSET', KEYS[1], ARGV[1], id)
  created = 1
end
local key = ARGV[3] .. id
redis.call('DEL', key)
redis.call('HSET', key, 'client_uri', ARGV[4], 'community', ARGV[5], 'grant', ARGV[6],
  'refresh_token', ARGV[7], 'redirect_uris', ARGV[8], 'scope', ARGV[9])
return {id, created}
";

/// Cancels a registration atomically. KEYS[1] the index hash; ARGV: the index field, the
/// record key prefix. Returns the client_id, or nil.
const CANCEL: &str = r"
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', ARGV[2] .. id)
return id
";

/// A [`ReplayStore`] and [`RegistrationStore`] on one Redis server (see the module docs).
pub struct RedisStore {
    client: Client,
    prefix: String,
    timeout: Duration,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").field("prefix", &self.prefix).field("timeout", &self.timeout).finish()
    }
}

fn store_error(e: redis::RedisError) -> StoreError {
    StoreError(format!("redis: {e}"))
}

impl RedisStore {
    /// A store on the Redis server at `url` (`redis://host:port/db`), its keys under `prefix`
    /// (instances that share a community use the same prefix). Connects once and sends a
    /// `PING`, so a wrong address fails here rather than at the first request.
    pub fn open(url: &str, prefix: &str) -> Result<Self, StoreError> {
        let client = Client::open(url).map_err(store_error)?;
        let store = RedisStore {
            client,
            prefix: prefix.to_string(),
            timeout: Duration::from_secs(2),
            idle: Mutex::new(Vec::new()),
        };
        store.run(|c| redis::cmd("PING").query::<String>(c))?;
        Ok(store)
    }

    /// The timeout of connecting, reading and writing (default 2 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Runs `f` on a pooled connection: for a server's own keys (authorization codes, access
    /// tokens) next to the stores'. A connection that failed is dropped, not reused.
    pub fn run<T>(&self, f: impl FnOnce(&mut Connection) -> RedisResult<T>) -> Result<T, StoreError> {
        let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut connection = match pooled {
            Some(c) => c,
            None => self.connect().map_err(store_error)?,
        };
        let result = f(&mut connection).map_err(store_error)?;
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
        Ok(result)
    }

    fn connect(&self) -> RedisResult<Connection> {
        let connection = self.client.get_connection_with_timeout(self.timeout)?;
        connection.set_read_timeout(Some(self.timeout))?;
        connection.set_write_timeout(Some(self.timeout))?;
        Ok(connection)
    }

    fn index_key(&self) -> String {
        format!("{}clients", self.prefix)
    }

    fn client_prefix(&self) -> String {
        format!("{}client:", self.prefix)
    }
}

/// An unambiguous joining of two strings (the first one's length first).
fn pair(a: &str, b: &str) -> String {
    format!("{}:{a}{b}", a.len())
}

impl ReplayStore for RedisStore {
    fn check_and_record(&self, iss: &str, jti: &str, expires_at: u64, now: u64) -> Result<bool, StoreError> {
        let key = format!("{}jti:{}", self.prefix, pair(iss, jti));
        let ttl_ms = expires_at.saturating_sub(now).max(1).saturating_mul(1000);
        let set: Option<String> =
            self.run(|c| redis::cmd("SET").arg(&key).arg(1).arg("NX").arg("PX").arg(ttl_ms).query(c))?;
        Ok(set.is_some())
    }
}

impl RegistrationStore for RedisStore {
    fn register(&self, record: &ClientRecord) -> Result<(String, Registered), StoreError> {
        let (grant, refresh, redirect_uris) = match &record.grant {
            RegistrationGrant::ClientCredentials => ("client_credentials", false, &[][..]),
            RegistrationGrant::AuthorizationCode { refresh_token, redirect_uris } => {
                ("authorization_code", *refresh_token, redirect_uris.as_slice())
            }
            RegistrationGrant::Cancel => return Err(StoreError("a cancellation is not a registration".into())),
        };
        let client = &record.client;
        let redirect_uris = serde_json::to_string(redirect_uris).map_err(|e| StoreError(e.to_string()))?;
        let (id, created): (String, i64) = self.run(|c| {
            redis::cmd("EVAL")
                .arg(REGISTER)
                .arg(1)
                .arg(self.index_key())
                .arg(pair(&client.community, &client.client_uri))
                .arg(&client.client_id)
                .arg(self.client_prefix())
                .arg(&client.client_uri)
                .arg(&client.community)
                .arg(grant)
                .arg(if refresh { "1" } else { "0" })
                .arg(redirect_uris)
                .arg(&record.scope)
                .query(c)
        })?;
        Ok((id, if created == 1 { Registered::Created } else { Registered::Updated }))
    }

    fn find(&self, client_id: &str) -> Result<Option<ClientRecord>, StoreError> {
        let key = format!("{}{client_id}", self.client_prefix());
        let fields: HashMap<String, String> = self.run(|c| redis::cmd("HGETALL").arg(&key).query(c))?;
        if fields.is_empty() {
            return Ok(None);
        }
        let field = |name: &str| {
            fields.get(name).cloned().ok_or_else(|| StoreError(format!("registration {client_id:?} lacks {name}")))
        };
        let grant = match field("grant")?.as_str() {
            "client_credentials" => RegistrationGrant::ClientCredentials,
            "authorization_code" => RegistrationGrant::AuthorizationCode {
                refresh_token: field("refresh_token")? == "1",
                redirect_uris: serde_json::from_str(&field("redirect_uris")?)
                    .map_err(|e| StoreError(format!("registration {client_id:?}: redirect_uris: {e}")))?,
            },
            other => return Err(StoreError(format!("registration {client_id:?}: unknown grant {other:?}"))),
        };
        Ok(Some(ClientRecord {
            client: RegisteredClient {
                client_id: client_id.to_string(),
                client_uri: field("client_uri")?,
                community: field("community")?,
            },
            grant,
            scope: field("scope")?,
        }))
    }

    fn cancel(&self, community: &str, client_uri: &str) -> Result<Option<String>, StoreError> {
        self.run(|c| {
            redis::cmd("EVAL")
                .arg(CANCEL)
                .arg(1)
                .arg(self.index_key())
                .arg(pair(community, client_uri))
                .arg(self.client_prefix())
                .query(c)
        })
    }
}

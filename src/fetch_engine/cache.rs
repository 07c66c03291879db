//! The response cache: in memory (bounded by entries and bytes, least recently used dropped
//! first), optionally on disk, and a negative cache of recent failures.
//!
//! Keys are the URL fetched (for OCSP, the responder URL with the encoded request, which names
//! the certificate). An entry is served while the validation time is before its expiry
//! (`nextUpdate`), never after; [`super::Fetcher`] decides when to refresh it early.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use trustpath::{NeedKind, UnixTime};

use super::config::FetchConfig;
use super::content::{self, Entry};
use super::report::FetchError;

/// First line of a cache file: format, kind and expiry follow.
const MAGIC: &str = "trustpath-fetch-cache 1";

struct Slot {
    entry: Arc<Entry>,
    last_used: u64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Slot>,
    bytes: usize,
    uses: u64,
    failures: HashMap<String, (Instant, FetchError)>,
}

/// Memory and disk cache.
pub(crate) struct Cache {
    inner: Mutex<Inner>,
    max_entries: usize,
    max_bytes: usize,
    negative_ttl: Duration,
    dir: Option<PathBuf>,
    temp_counter: AtomicU64,
}

impl Cache {
    pub(crate) fn new(config: &FetchConfig) -> Self {
        Cache {
            inner: Mutex::new(Inner::default()),
            max_entries: config.cache_entries,
            max_bytes: config.cache_bytes,
            negative_ttl: config.negative_ttl,
            dir: config.cache_dir.clone(),
            temp_counter: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The entry for `key` still usable at `now`, from memory or else from disk.
    pub(crate) fn get(&self, key: &str, kind: NeedKind, now: UnixTime, config: &FetchConfig) -> Option<Arc<Entry>> {
        {
            let mut inner = self.lock();
            inner.uses += 1;
            let uses = inner.uses;
            match inner.entries.get_mut(key) {
                Some(slot) if slot.entry.usable_at(now.as_secs()) => {
                    slot.last_used = uses;
                    return Some(slot.entry.clone());
                }
                Some(_) => {
                    if let Some(old) = inner.entries.remove(key) {
                        inner.bytes = inner.bytes.saturating_sub(old.entry.body().len());
                    }
                }
                None => {}
            }
        }
        let entry = Arc::new(self.load(key, kind, now, config)?);
        self.insert_memory(key, entry.clone());
        Some(entry)
    }

    /// Keeps `entry` for `key` (in memory, and on disk when configured) unless a newer one is
    /// held, and forgets any failure of it.
    pub(crate) fn put(&self, key: &str, kind: NeedKind, entry: &Arc<Entry>) {
        {
            let mut inner = self.lock();
            inner.failures.remove(key);
            // A later nextUpdate means a newer response: never replace it with an older one.
            if inner.entries.get(key).is_some_and(|slot| slot.entry.expires > entry.expires) {
                return;
            }
        }
        self.insert_memory(key, entry.clone());
        if let Some(dir) = &self.dir
            && let Err(e) = self.store(dir, key, kind, entry)
        {
            tracing::warn!(key, error = %e, "cannot write the fetch cache");
        }
    }

    fn insert_memory(&self, key: &str, entry: Arc<Entry>) {
        let size = entry.body().len();
        if size > self.max_bytes || self.max_entries == 0 {
            return;
        }
        let mut inner = self.lock();
        inner.uses += 1;
        let last_used = inner.uses;
        if let Some(old) = inner.entries.insert(key.to_string(), Slot { entry, last_used }) {
            inner.bytes = inner.bytes.saturating_sub(old.entry.body().len());
        }
        inner.bytes += size;
        while inner.entries.len() > self.max_entries || inner.bytes > self.max_bytes {
            let Some(oldest) = inner.entries.iter().min_by_key(|(_, s)| s.last_used).map(|(k, _)| k.clone()) else {
                break;
            };
            if let Some(old) = inner.entries.remove(&oldest) {
                inner.bytes = inner.bytes.saturating_sub(old.entry.body().len());
            }
        }
    }

    /// The failure of `key` the negative cache still holds.
    pub(crate) fn failure(&self, key: &str) -> Option<FetchError> {
        let mut inner = self.lock();
        match inner.failures.get(key) {
            Some((at, error)) if at.elapsed() < self.negative_ttl => Some(error.clone()),
            Some(_) => {
                inner.failures.remove(key);
                None
            }
            None => None,
        }
    }

    /// Remembers that `key` failed (for the negative cache's time).
    pub(crate) fn put_failure(&self, key: &str, error: &FetchError) {
        if self.negative_ttl.is_zero() {
            return;
        }
        let mut inner = self.lock();
        if inner.failures.len() >= self.max_entries.max(1) {
            let ttl = self.negative_ttl;
            inner.failures.retain(|_, (at, _)| at.elapsed() < ttl);
            if inner.failures.len() >= self.max_entries.max(1)
                && let Some(oldest) = inner.failures.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone())
            {
                inner.failures.remove(&oldest);
            }
        }
        inner.failures.insert(key.to_string(), (Instant::now(), error.clone()));
    }

    /// Number of responses held in memory.
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    fn file(dir: &Path, key: &str) -> PathBuf {
        let digest = Sha256::digest(key.as_bytes());
        let name: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        dir.join(format!("{name}.der"))
    }

    /// Writes `entry` to the cache directory: a header (format, kind, expiry, key) then the
    /// body, through a temporary file renamed into place so readers never see half a file.
    fn store(&self, dir: &Path, key: &str, kind: NeedKind, entry: &Entry) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let path = Self::file(dir, key);
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        let temp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            write!(file, "{MAGIC}\n{} {}\n{key}\n", kind.as_str(), entry.expires)?;
            file.write_all(entry.body())?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// Reads the entry for `key` from the cache directory, if there, of `kind`, for this
    /// key (not a hash collision), parseable and usable at `now`.
    fn load(&self, key: &str, kind: NeedKind, now: UnixTime, config: &FetchConfig) -> Option<Entry> {
        let dir = self.dir.as_ref()?;
        let path = Self::file(dir, key);
        let file = std::fs::File::open(&path).ok()?;
        let limit = config.max_bytes(kind).saturating_add(key.len() + 128);
        let mut bytes = Vec::new();
        file.take(u64::try_from(limit).ok()?.saturating_add(1)).read_to_end(&mut bytes).ok()?;
        if bytes.len() > limit {
            return None;
        }
        let mut lines = bytes.splitn(4, |b| *b == b'\n');
        let (magic, meta, stored_key, body) = (lines.next()?, lines.next()?, lines.next()?, lines.next()?);
        let meta = std::str::from_utf8(meta).ok()?;
        let (stored_kind, expires) = meta.split_once(' ')?;
        let expires: u64 = expires.parse().ok()?;
        if magic != MAGIC.as_bytes() || stored_kind != kind.as_str() || stored_key != key.as_bytes() {
            return None;
        }
        if now.as_secs() >= expires || body.len() > config.max_bytes(kind) {
            return None;
        }
        let mut entry = content::parse(kind, body.to_vec(), now, config).ok()?;
        // A time-to-live counts from the fetch, not from this read; never past nextUpdate.
        entry.expires = entry.expires.min(expires);
        tracing::debug!(key, path = %path.display(), "fetch cache: read from disk");
        Some(entry)
    }
}

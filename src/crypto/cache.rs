//! A cache of verified signatures, shared across validations and threads.
//!
//! It remembers one pure fact: "this signature over these bytes verified under this key with
//! this algorithm". The key of an entry is SHA-256 over the key, the algorithm, SHA-256 of the
//! signed bytes and the signature (length-prefixed), so a hit can only stand for the exact
//! verification that succeeded. Hashing the signed bytes separately lets a large object that
//! is checked again and again (a CRL of a million entries) remember that digest instead of
//! rehashing megabytes on every validation. Failures are never stored. Time,
//! revocation, name constraints and every other rule are evaluated on each validation as
//! usual, and the algorithm policy is applied before the cache is consulted, so a cache can
//! never turn a rejection into an acceptance; it only saves the arithmetic.
//!
//! Memory is bounded: at most `capacity` entries of 32 bytes (plus map overhead), spread over
//! shards with their own locks; when a shard is full its oldest entry is evicted.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

use super::KeyRef;

const SHARDS: usize = 16;

#[derive(Debug, Default)]
struct Shard {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

/// Counters of a [`SignatureCache`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to verify.
    pub misses: u64,
    /// Entries dropped to stay within capacity.
    pub evictions: u64,
    /// Entries currently held.
    pub entries: usize,
}

/// A bounded, thread-safe cache of verified signatures. See the module documentation.
#[derive(Debug)]
pub struct SignatureCache {
    shards: [Mutex<Shard>; SHARDS],
    per_shard: usize,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
}

/// What identifies one verification.
pub(crate) struct SignedData<'a> {
    pub(crate) key: KeyRef<'a>,
    pub(crate) signature_algorithm: &'a [u8],
    pub(crate) message: &'a [u8],
    pub(crate) signature: &'a [u8],
    /// Where the owner of `message` keeps its SHA-256, if it does (computed on first use).
    pub(crate) message_digest: Option<&'a OnceLock<[u8; 32]>>,
}

impl<'a> SignedData<'a> {
    /// The signature on `cert`, checked with the issuer's key.
    pub(crate) fn certificate(key: KeyRef<'a>, cert: &'a crate::Certificate) -> Self {
        SignedData {
            key,
            signature_algorithm: cert.signature_algorithm_id(),
            message: cert.tbs_bytes(),
            signature: cert.signature(),
            message_digest: Some(cert.tbs_digest_memo()),
        }
    }

    fn fingerprint(&self) -> [u8; 32] {
        let digest = || -> [u8; 32] { Sha256::digest(self.message).into() };
        let message = match self.message_digest {
            Some(memo) => *memo.get_or_init(digest),
            None => digest(),
        };
        let mut h = Sha256::new();
        for part in [self.key.algorithm, self.key.key, self.signature_algorithm, &message[..], self.signature] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.finalize().into()
    }
}

impl SignatureCache {
    /// A cache holding at most `capacity` verified signatures (rounded up to a multiple of
    /// the shard count). Each entry costs about 100 bytes.
    pub fn new(capacity: usize) -> Self {
        let per_shard = capacity.div_ceil(SHARDS).max(1);
        SignatureCache {
            shards: core::array::from_fn(|_| Mutex::new(Shard::default())),
            per_shard,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
        }
    }

    fn shard(&self, fingerprint: &[u8; 32]) -> &Mutex<Shard> {
        let [first, ..] = &self.shards;
        let index = usize::from(fingerprint[0]) % SHARDS;
        self.shards.get(index).unwrap_or(first)
    }

    /// Whether this exact verification succeeded before; counts a hit or a miss.
    pub(crate) fn contains(&self, data: &SignedData<'_>) -> Option<[u8; 32]> {
        let fp = data.fingerprint();
        let hit = self.shard(&fp).lock().unwrap_or_else(|p| p.into_inner()).set.contains(&fp);
        if hit {
            self.hits.fetch_add(1, Ordering::Relaxed);
            None
        } else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            Some(fp)
        }
    }

    /// Records a successful verification (by the fingerprint [`Self::contains`] returned).
    pub(crate) fn insert(&self, fingerprint: [u8; 32]) {
        let mut shard = self.shard(&fingerprint).lock().unwrap_or_else(|p| p.into_inner());
        if !shard.set.insert(fingerprint) {
            return;
        }
        shard.order.push_back(fingerprint);
        while shard.order.len() > self.per_shard {
            if let Some(old) = shard.order.pop_front() {
                shard.set.remove(&old);
                self.evictions.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Current counters.
    pub fn stats(&self) -> CacheStats {
        let entries = self.shards.iter().map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).set.len()).sum();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            entries,
        }
    }

    /// Forgets every entry (counters are kept).
    pub fn clear(&self) {
        for shard in &self.shards {
            let mut s = shard.lock().unwrap_or_else(|p| p.into_inner());
            s.set.clear();
            s.order.clear();
        }
    }
}

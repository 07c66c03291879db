//! A cache of verified signatures, shared across validations and threads.
//!
//! It remembers one pure fact: "this signature over these bytes verified under this key with
//! this algorithm". The key of an entry is a two-level SHA-256 hash: SHA-256 over the key's
//! digest and the signed object's digest, where the key digest covers the SPKI algorithm and
//! key bits, and the object digest covers the signature algorithm, SHA-256 of the signed
//! bytes and the signature (each variable part length-prefixed). A hit can therefore only
//! stand for the exact verification that succeeded (an RSA algorithm identifier with and
//! without its NULL parameters, which verify alike, are two entries). The levels exist so that objects checked
//! again and again remember their digests: an anchor or pooled intermediate hashes its key
//! once, and a certificate or CRL (a million entries are 40 MB) hashes its signed bytes once,
//! leaving each lookup two SHA-256 blocks, and none once the object has been looked up under
//! the same key before. Failures are never stored. Time, revocation, name
//! constraints and every other rule are evaluated on each validation as usual, and the
//! algorithm policy is applied before the cache is consulted, so a cache can never turn a
//! rejection into an acceptance; it only saves the arithmetic.
//!
//! Memory is bounded: at most `capacity` entries of 32 bytes (plus map overhead), spread over
//! shards with their own locks; when a shard is full its oldest entry is evicted.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::KeyRef;
use crate::bounded_cache::BoundedCache;

pub use crate::bounded_cache::CacheStats;

/// A bounded, thread-safe cache of verified signatures. See the module documentation.
#[derive(Debug)]
pub struct SignatureCache {
    /// Fingerprints of verified signatures.
    verified: BoundedCache<[u8; 32], ()>,
}

/// What a signed object (certificate, CRL) remembers for the cache, computed on first use.
#[derive(Debug, Default, Clone)]
pub(crate) struct SignedMemo {
    /// SHA-256 of the signed bytes (also what a SHA-256 signature algorithm signs).
    tbs: OnceLock<[u8; 32]>,
    /// SHA-256 over the signature algorithm, `tbs` and the signature.
    object: OnceLock<[u8; 32]>,
    /// The first (key digest, fingerprint) pair worked out: an object is nearly always
    /// checked under one issuer key, whose lookups then cost no hashing at all.
    under_key: OnceLock<([u8; 32], [u8; 32])>,
}

/// What identifies one verification.
pub(crate) struct SignedData<'a> {
    pub(crate) key: KeyRef<'a>,
    pub(crate) signature_algorithm: &'a [u8],
    pub(crate) message: &'a [u8],
    pub(crate) signature: &'a [u8],
    /// The unused bits of the signature BIT STRING: a signature with any never verifies.
    pub(crate) signature_unused_bits: u8,
    /// Where the owner of `message` keeps its digests, if it does.
    pub(crate) memo: Option<&'a SignedMemo>,
}

fn length_prefixed(h: &mut Sha256, part: &[u8]) {
    h.update((part.len() as u64).to_be_bytes());
    h.update(part);
}

/// SHA-256 over a public key: its SPKI algorithm and key bits.
pub(crate) fn key_digest(algorithm: &[u8], key: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    length_prefixed(&mut h, algorithm);
    length_prefixed(&mut h, key);
    h.finalize().into()
}

impl<'a> SignedData<'a> {
    /// SHA-256 of the signed bytes, if the owner already remembers it (no hashing here).
    pub(crate) fn remembered_sha256(&self) -> Option<&'a [u8; 32]> {
        self.memo.and_then(|m| m.tbs.get())
    }

    fn object_digest(&self, tbs: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        length_prefixed(&mut h, self.signature_algorithm);
        h.update(tbs);
        length_prefixed(&mut h, self.signature);
        h.finalize().into()
    }

    fn fingerprint(&self) -> [u8; 32] {
        let key = match self.key.digest {
            Some(memo) => *memo.get_or_init(|| key_digest(self.key.algorithm, self.key.key)),
            None => key_digest(self.key.algorithm, self.key.key),
        };
        let combine = |object: &[u8; 32]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update(key);
            h.update(object);
            h.finalize().into()
        };
        let tbs = || -> [u8; 32] { Sha256::digest(self.message).into() };
        let Some(memo) = self.memo else { return combine(&self.object_digest(&tbs())) };
        if let Some((k, fingerprint)) = memo.under_key.get()
            && *k == key
        {
            return *fingerprint;
        }
        let object = memo.object.get_or_init(|| self.object_digest(memo.tbs.get_or_init(tbs)));
        let fingerprint = combine(object);
        let _ = memo.under_key.set((key, fingerprint));
        fingerprint
    }
}

/// What the cache knows of one verification.
pub(crate) enum Lookup {
    /// It succeeded before.
    Verified,
    /// Not known: verify, then [`SignatureCache::insert`] this fingerprint if it succeeds.
    Unknown([u8; 32]),
}

impl SignatureCache {
    /// A cache holding at most `capacity` verified signatures. Each entry costs about 100
    /// bytes.
    pub fn new(capacity: usize) -> Self {
        SignatureCache { verified: BoundedCache::new(capacity) }
    }

    /// Whether this exact verification succeeded before; counts a hit or a miss.
    pub(crate) fn lookup(&self, data: &SignedData<'_>) -> Lookup {
        let fp = data.fingerprint();
        let hit = self.verified.get(&fp).is_some();
        self.verified.count(hit);
        if hit { Lookup::Verified } else { Lookup::Unknown(fp) }
    }

    /// Records a successful verification (by the fingerprint [`Self::lookup`] returned).
    pub(crate) fn insert(&self, fingerprint: [u8; 32]) {
        self.verified.insert(fingerprint, ());
    }

    /// Current counters.
    pub fn stats(&self) -> CacheStats {
        self.verified.stats()
    }

    /// Forgets every entry (counters are kept).
    pub fn clear(&self) {
        self.verified.clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Certificate;

    fn cert(path: &str) -> Certificate {
        let path = format!("{}/test-vectors/pki/bench/{path}", env!("CARGO_MANIFEST_DIR"));
        Certificate::from_der(std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).expect(&path)
    }

    /// The same verification without any remembered digest.
    fn fresh(data: &SignedData<'_>) -> [u8; 32] {
        let key = KeyRef { digest: None, ..data.key };
        SignedData { key, memo: None, ..*data }.fingerprint()
    }

    #[test]
    fn remembered_digests_give_the_fingerprint_of_a_fresh_computation() {
        let (leaf, intermediate, root) =
            (cert("rsa2048/leaf.der"), cert("rsa2048/intermediate.der"), cert("rsa2048/root.der"));
        let under_intermediate = leaf.signed_by(intermediate.key_ref());
        let under_root = leaf.signed_by(root.key_ref());
        let first = under_intermediate.fingerprint();
        assert_eq!(first, fresh(&under_intermediate));
        assert_eq!(under_intermediate.fingerprint(), first, "remembered");
        // Another key over the same certificate: another fingerprint, not the remembered one.
        let other = under_root.fingerprint();
        assert_ne!(other, first);
        assert_eq!(other, fresh(&under_root));
        // The same bytes with another signature or algorithm identifier.
        let mut signature = leaf.signature().to_vec();
        signature[0] ^= 1;
        let forged = SignedData { signature: &signature, memo: None, ..leaf.signed_by(intermediate.key_ref()) };
        assert_ne!(forged.fingerprint(), first);
        let p256 = cert("p256/intermediate.der");
        let relabelled = SignedData {
            signature_algorithm: p256.signature_algorithm_id(),
            memo: None,
            ..leaf.signed_by(intermediate.key_ref())
        };
        assert_ne!(relabelled.fingerprint(), first);
    }
}

//! Seeded randomness: every random choice of the generator comes from a ChaCha20 stream keyed
//! by a label, so the same label always gives the same keys and salts.

use chacha20::ChaCha20Rng;
use rand_core::SeedableRng;
use sha2::{Digest, Sha256};

/// A cryptographic RNG whose stream is fixed by `label` (seed = SHA-256 of the label).
pub fn seeded_rng(label: &[u8]) -> ChaCha20Rng {
    let seed: [u8; 32] = Sha256::digest(label).into();
    ChaCha20Rng::from_seed(seed)
}

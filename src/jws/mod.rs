//! JSON Web Signatures (RFC 7515) in the compact serialization, with `x5c` certificate chains
//! validated by a [`crate::Verifier`]: what UDAP software statements and signed JWTs use.
//!
//! - Only the compact serialization: three unpadded base64url segments (padding, characters
//!   outside the alphabet, extra or missing segments, and the JSON serialization are rejected).
//! - The header is a JSON object with no duplicate member names; any `crit` is rejected (no
//!   extension is understood); `b64: false` is rejected.
//! - `alg` must be in an [`AlgorithmSet`] chosen per use. `none` and `HS*` do not exist here.
//!   The key must fit the algorithm (RS/PS: RSA ≥ 2048 bits; ES256: P-256; ES384: P-384;
//!   ES512: P-521; EdDSA: Ed25519) and ES* signatures are JOSE `r‖s` of the exact length.
//! - `x5c` is standard padded base64 DER, bounded in count and size ([`Limits`]). Only
//!   `x5c[0]`'s key verifies the signature; the other entries are untrusted intermediates for
//!   path building, never anchors. `jwk`, `jku` and `x5u` are never used.
//!
//! A client signs its claims with its key and chain; the server checks the signature with
//! `x5c[0]`'s key and validates `x5c` to its anchors:
//!
//! ```
//! use trustpath::jws::{self, AlgorithmSet, Signer, X5cOptions};
//! use trustpath::revocation::RevocationPolicy;
//! use trustpath::{Certificate, Policy, TrustStore, Verifier};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let chain = vec![
//!     Certificate::from_pem(include_bytes!("../../test-vectors/pki/base/leaf.pem"))?,
//!     Certificate::from_pem(include_bytes!("../../test-vectors/pki/base/intermediate.pem"))?,
//! ];
//! let signer = Signer::from_pkcs8(include_bytes!("../../test-vectors/pki/keys/base-leaf.pem"), chain)?;
//! let token = signer.sign_json(&serde_json::json!({"iss": "https://client.example", "jti": "1"}))?;
//!
//! let store = TrustStore::from_bundle(include_bytes!("../../test-vectors/pki/base/root.pem"))?;
//! let mut policy = Policy::rfc5280();
//! policy.revocation = RevocationPolicy::OFF; // this example supplies no CRL
//! let verifier = Verifier::new(store, policy);
//! let now = trustpath::time::parse_rfc3339("2026-06-01T00:00:00Z")?;
//! let verified = jws::verify_x5c(&token, &AlgorithmSet::udap(), &verifier, now, &X5cOptions::new())?;
//! assert_eq!(verified.claims()["iss"], "https://client.example");
//! assert_eq!(verified.path().certificates().len(), 2); // x5c[1] served as the intermediate
//! # Ok(()) }
//! ```

mod alg;
mod compact;
mod error;
mod header;
mod header_cache;
mod sign;
mod verify;
mod x5c;

pub use alg::{AlgorithmSet, JwsAlgorithm, MIN_RSA_BITS, verify_signature};
pub use compact::{Jws, Limits, unverified_claims};
pub use error::{ErrorClass, JwsError, Segment};
pub use header::Header;
pub use header_cache::{HeaderCache, MAX_CACHED_HEADER_LEN};
pub use sign::Signer;
pub use verify::{VerifiedJws, X5cOptions, verify_x5c, verify_x5c_with_limits};

//! # trustpath-testgen
//!
//! Reproducible test PKIs for `trustpath`: deterministic keys, a certificate builder that
//! gives full control over every field (so that malformed and policy-breaking certificates
//! can be built on purpose), CRL and OCSP response builders with the same control, and writers
//! for PEM, DER and PKCS#7 bundles.
//!
//! The certificate and CRL encoders, extensions, names and keys are `trustpath::issue`'s
//! (feature `issue`), which a community's test CA uses too; this crate adds what only a test
//! generator wants: keys from seeds, serials derived from the contents, SHA-1, and knobs that
//! break signatures and their algorithm identifiers. Its module paths and types stay its own,
//! with its own [`Error`].
//!
//! Everything is deterministic: keys come from fixed seeds (and are cached as PKCS#8 PEM
//! files, see [`KeyStore`]), RSA PKCS#1 v1.5, ECDSA (RFC 6979) and Ed25519 signatures are
//! deterministic by construction, and RSA-PSS salts come from an RNG seeded with the message.
//! Regenerating the test vectors therefore gives byte-identical files.
//!
//! ```no_run
//! use trustpath_testgen::{CertBuilder, KeyKind, KeyStore, ext, name::NameBuilder};
//! # fn main() -> trustpath_testgen::Result<()> {
//! let mut keys = KeyStore::new("test-vectors/pki/keys");
//! let root_key = keys.key("root", KeyKind::P256)?;
//! let name = NameBuilder::new().c("US").o("Example").cn("Root").build()?;
//! let root_der = CertBuilder::new(&name, &root_key)
//!     .extension(ext::basic_constraints(true, true, None)?)
//!     .extension(ext::subject_key_identifier(&root_key.key_id())?)
//!     .sign(&root_key)?;
//! # Ok(()) }
//! ```
//!
//! The `trustpath-testgen` binary uses this library to write `test-vectors/pki/`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod algs;
pub mod bundle;
pub mod cert;
pub mod crl;
mod error;
pub mod ext;
pub mod keys;
pub mod name;
pub mod ocsp;
mod rng;
pub mod serve;
pub mod templates;
pub mod time;

pub use algs::SigAlg;
pub use cert::{CertBuilder, Serial};
pub use crl::{CrlBuilder, CrlEntry};
pub use error::{Error, Result};
pub use ext::Ext;
pub use keys::{KeyKind, KeyPair, KeyStore};
pub use ocsp::OcspResponseBuilder;
pub use rng::seeded_rng;

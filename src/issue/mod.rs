//! Issuing certificates and CRLs (feature `issue`): what a trust community's operator needs to
//! run a test CA, and what the crate's test generator builds its PKIs with.
//!
//! - [`Authority`]: a root or issuing CA that issues the community's end-entity certificates,
//!   one [`EndEntity`] profile per UDAP, Direct and TLS scenario ([`profile`]), and its CRLs.
//!   What it issues breaks no rule of [`crate::policy::profile`].
//! - [`KeyPair`]: keys generated from the operating system's random number generator, read and
//!   written as PKCS#8.
//! - The builders underneath: [`CertBuilder`] and [`CrlBuilder`] write every field as given
//!   (conforming or not), [`ext`] and [`name`] make the extensions and names, [`bundle`] writes
//!   PEM and PKCS#7 (`.p7b`).
//!
//! No I/O: bytes come out; writing files (with owner-only permissions for keys) is the
//! caller's business, as the `trustpath pki` command does it.
//!
//! ```
//! use trustpath::issue::{Authority, EndEntity, KeyAlgorithm, KeyPair, Publication, name::NameBuilder};
//! # fn main() -> Result<(), trustpath::issue::IssueError> {
//! let (start, end) = (1_780_000_000, 1_780_000_000 + 365 * 86_400);
//! let root_name = NameBuilder::new().o("Example Community").cn("Example Root CA").build()?;
//! let root = Authority::root(&root_name, KeyPair::generate(KeyAlgorithm::P256)?, start, end, Publication::default())?;
//! let client_key = KeyPair::generate(KeyAlgorithm::P256)?;
//! let client = EndEntity::UdapClient { client_uri: "https://client.example.org/apps/42".into() };
//! let certificate = root.issue(&client, &client_key, start, start + 30 * 86_400)?;
//! assert_eq!(certificate.san_uris().collect::<Vec<_>>(), ["https://client.example.org/apps/42"]);
//! # Ok(()) }
//! ```

mod alg;
mod authority;
pub mod bundle;
mod cert;
pub mod crl;
pub mod encoding;
mod error;
pub mod ext;
mod key;
pub mod name;
pub mod profile;

pub use alg::SigAlg;
pub use authority::{Authority, Publication};
pub use cert::{CertBuilder, random_serial, signed};
pub use crl::{CrlBuilder, CrlEntry};
pub use error::IssueError;
pub use ext::Ext;
pub use key::{KeyAlgorithm, KeyPair};
pub use profile::{DirectUsage, EndEntity};

//! Why a certificate, CRL or key could not be made.

/// A failure to issue: bad input to a profile, a key that cannot do what was asked, or an
/// encoding failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// A value given to a profile cannot go into the certificate (a SAN URI that is not an
    /// absolute `https` URI, an email address that is not a Direct address, ...).
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which input (`SAN URI`, `DNS name`, `Direct address`, ...).
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The key cannot sign with the requested algorithm (an RSA algorithm with an EC key, ...).
    #[error("a {key} key cannot sign with {algorithm}")]
    AlgorithmMismatch {
        /// The key's type.
        key: &'static str,
        /// The signature algorithm asked for.
        algorithm: &'static str,
    },
    /// A private key could not be read, generated or encoded.
    #[error("private key: {0}")]
    Key(String),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A CA certificate could not be read.
    #[error("CA certificate: {0}")]
    Certificate(crate::ParseError),
    /// The system random number generator failed.
    #[error("system random number generator: {0}")]
    Random(String),
    /// A value could not be DER-encoded (a string a type cannot hold, a time out of range).
    #[error("encoding: {0}")]
    Encoding(#[from] der::Error),
}

//! The generator's error type: a message saying what failed.

/// A generator failure (I/O, encoding, key handling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

/// Result with [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// An error with a message.
    pub fn msg(m: impl Into<String>) -> Self {
        Error(m.into())
    }
}

macro_rules! from_error {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error(e.to_string())
            }
        }
    )*};
}

from_error!(
    der::Error,
    std::io::Error,
    rsa::Error,
    rsa::pkcs8::Error,
    spki::Error,
    signature::Error,
    pem_rfc7468::Error,
    serde_json::Error,
    trustpath::issue::IssueError
);

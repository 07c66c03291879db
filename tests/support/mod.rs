//! Helpers shared by the tests that read `test-vectors/pki/`: locating and loading files.
//! Everything read comes from the repository's `test-vectors/` directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use trustpath::Certificate;
use trustpath::ParseError;

/// `test-vectors/pki/`.
pub fn pki_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors").join("pki")
}

/// The bytes of a file under `test-vectors/pki/`.
pub fn read(path: &str) -> Vec<u8> {
    let full = pki_dir().join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

/// Parses a certificate file: DER when it ends in `.der`, PEM otherwise.
pub fn try_load(path: &str) -> Result<Certificate, ParseError> {
    let bytes = read(path);
    if path.ends_with(".der") { Certificate::from_der(bytes) } else { Certificate::from_pem(&bytes) }
}

/// Parses a certificate file that must parse.
pub fn load(path: &str) -> Certificate {
    try_load(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Parses an RFC 3339 time.
pub fn time(s: &str) -> trustpath::UnixTime {
    trustpath::time::parse_rfc3339(s).unwrap_or_else(|e| panic!("bad time {s}: {e}"))
}

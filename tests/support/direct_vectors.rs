//! Helpers shared by the Direct tests: the generated vectors of `test-vectors/direct/` (see its
//! README) at their validation time, 2026-06-01T00:00:00Z, inside the certificates' (2025–2030)
//! and CRLs' (May–July 2026) validity.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use trustpath::direct::{DecryptionKey, DirectAddress, Limits};
use trustpath::revocation::{Crl, RevocationData};
use trustpath::{Certificate, UnixTime};

/// The validation time of the vectors, in seconds since the epoch.
pub const TIME: u64 = 1_780_272_000;

pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors/direct").join(name)
}

pub fn read(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `NAME.pem`, a certificate.
pub fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&read(&format!("{name}.pem"))).unwrap()
}

pub fn time() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(TIME))
}

pub fn address(s: &str) -> DirectAddress {
    s.parse().unwrap()
}

/// The CRLs of the intermediate (which revokes `revoked.pem`) and of the root.
pub fn crls() -> RevocationData {
    let mut data = RevocationData::new();
    for name in ["crl/int.crl", "crl/root.crl"] {
        data.add_crl(Crl::from_pem_or_der(&read(name)).unwrap());
    }
    data
}

/// The decryption key of `NAME.pem` (`keys/NAME.pem`).
pub fn key(name: &str) -> DecryptionKey {
    DecryptionKey::from_private_key(&read(&format!("keys/{name}.pem")), cert(name)).unwrap()
}

/// The default limits with one changed (`direct::Limits` is `#[non_exhaustive]`).
pub fn limits(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut limits = Limits::default();
    change(&mut limits);
    limits
}

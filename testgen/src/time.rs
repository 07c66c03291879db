//! Fixed times for certificates and validation, as Unix seconds and X.509 `Time` values.

use core::time::Duration;

use der::DateTime;
use x509_cert::time::Time;

use crate::Result;

/// Seconds since the Unix epoch for a UTC date and time.
pub fn unix(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> u64 {
    // The arguments of the generator's fixed times are valid dates; a bad one is a bug.
    DateTime::new(year, month, day, hour, minute, second).map(|d| d.unix_duration().as_secs()).unwrap_or(0)
}

/// Start of the default validity period: 2025-01-01T00:00:00Z.
pub fn default_not_before() -> u64 {
    unix(2025, 1, 1, 0, 0, 0)
}

/// End of the default validity period: 2030-01-01T00:00:00Z.
pub fn default_not_after() -> u64 {
    unix(2030, 1, 1, 0, 0, 0)
}

/// The default validation time of the test vectors: 2026-06-01T00:00:00Z.
pub fn validation_time() -> u64 {
    unix(2026, 6, 1, 0, 0, 0)
}

/// An X.509 `Time` as RFC 5280 §4.1.2.5 wants it: UTCTime through 2049, GeneralizedTime after.
pub fn x509_time(secs: u64) -> Result<Time> {
    Ok(trustpath::issue::encoding::x509_time(secs)?)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds.
pub fn rfc3339(secs: u64) -> String {
    match DateTime::from_unix_duration(Duration::from_secs(secs)) {
        Ok(d) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minutes(),
            d.seconds()
        ),
        Err(_) => format!("@{secs}"),
    }
}

//! DER by hand where the `der` types are in the way: one TLV, a non-negative INTEGER's
//! content octets, and X.509 `Time` values as RFC 5280 wants them.

use core::time::Duration;

use der::DateTime;
use der::asn1::{GeneralizedTime, UtcTime};
use x509_cert::time::Time;

use super::IssueError;

/// One DER TLV with a single-octet tag and a definite, minimal length.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The content octets of a non-negative INTEGER with value `n` (minimal, DER).
pub fn uint_bytes(n: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = n.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

/// An X.509 `Time` for Unix seconds `secs`, as RFC 5280 §4.1.2.5 wants it: UTCTime through
/// 2049, GeneralizedTime from 2050.
pub fn x509_time(secs: u64) -> Result<Time, IssueError> {
    let dt = DateTime::from_unix_duration(Duration::from_secs(secs))?;
    if dt.year() < 2050 {
        Ok(Time::UtcTime(UtcTime::from_date_time(dt)?))
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_date_time(dt)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlv_lengths() {
        assert_eq!(tlv(0x04, &[1, 2]), [0x04, 0x02, 1, 2]);
        assert_eq!(&tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(&tlv(0x04, &[0; 300])[..4], [0x04, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn integers_are_minimal_and_positive() {
        assert_eq!(uint_bytes(0), [0]);
        assert_eq!(uint_bytes(1), [1]);
        assert_eq!(uint_bytes(0x80), [0, 0x80]);
        assert_eq!(uint_bytes(0x1234), [0x12, 0x34]);
    }

    #[test]
    fn times_switch_to_generalized_in_2050() -> Result<(), IssueError> {
        assert!(matches!(x509_time(2_524_607_999)?, Time::UtcTime(_)), "2049-12-31T23:59:59Z");
        assert!(matches!(x509_time(2_524_608_000)?, Time::GeneralTime(_)), "2050-01-01T00:00:00Z");
        Ok(())
    }
}

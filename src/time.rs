//! Times. trustpath never reads the clock: the caller passes a `rustls_pki_types::UnixTime`.
//!
//! This module reads the X.509 `Time` values of certificates, CRLs and OCSP responses
//! (RFC 5280 §4.1.2.5, RFC 6960 §4.2.1) as seconds since the Unix epoch, and parses and formats
//! RFC 3339 timestamps for tools and tests.
//!
//! X.509 times are signed (`i64`): a UTCTime reaches back to 1950 (RFC 5280 §4.1.2.5.1), before
//! the epoch where `UnixTime` starts. A validation time is never before the epoch, and
//! validation turns it into the same signed scale, so every comparison stays exact.
//!
//! ```text
//! Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }
//! ```

use der::{Decode, Tag};
use rustls_pki_types::UnixTime;

pub use crate::calendar::format_unix_seconds;
use crate::calendar::{DAY, days_from_civil};
use crate::der_walk::Tlv;
use crate::error::ParseError;

/// Reads an X.509 `Time` (a UTCTime or a GeneralizedTime TLV) as seconds since the epoch.
///
/// The forms are those RFC 5280 §4.1.2.5 requires: `YYMMDDHHMMSSZ` (a UTCTime, whose `YY`
/// means 19YY from 50 and 20YY below 50) and `YYYYMMDDHHMMSSZ` (a GeneralizedTime), a real
/// day of the month, no leap second, no fraction, no offset. Anything else is the `der`
/// crate's error for it, so a malformed time names the rule it broke and where.
#[inline]
pub(crate) fn x509_time(tlv: &Tlv<'_>, what: &'static str) -> Result<i64, ParseError> {
    match read_time(tlv.tag, tlv.value) {
        Some(secs) => Ok(secs),
        None => malformed_time(tlv, what),
    }
}

/// Reads a GeneralizedTime TLV (the only time type of OCSP, RFC 6960 §4.2.1) as seconds since
/// the epoch, in the form [`x509_time`] describes.
pub(crate) fn generalized_time(tlv: &Tlv<'_>, what: &'static str) -> Result<i64, ParseError> {
    if tlv.tag != Tag::GeneralizedTime {
        let kind = der::ErrorKind::TagUnexpected { expected: Some(Tag::GeneralizedTime), actual: tlv.tag };
        return Err(ParseError::Der { what, source: kind.into() });
    }
    x509_time(tlv, what)
}

/// The error for a time [`read_time`] refuses, as `x509-cert` reports it. `x509-cert` reads a
/// subset of the forms read here (the same forms, from 1970 only: see the tests), so it
/// refuses every one of them; should it ever read one, its value is taken.
#[cold]
#[inline(never)]
fn malformed_time(tlv: &Tlv<'_>, what: &'static str) -> Result<i64, ParseError> {
    let time = x509_cert::time::Time::from_der(tlv.full).map_err(ParseError::der(what))?;
    i64::try_from(time.to_unix_duration().as_secs()).map_err(|_| ParseError::invalid(what, "time out of range"))
}

/// Seconds since the epoch of a UTCTime or GeneralizedTime value (the content octets) in the
/// form RFC 5280 requires; `None` for anything else.
#[inline]
pub(crate) fn read_time(tag: Tag, value: &[u8]) -> Option<i64> {
    // The two-digit fields after the year: month, day, hour, minute, second.
    let (year, fields) = match (tag, value) {
        (Tag::UtcTime, [y0, y1, fields @ .., b'Z']) if fields.len() == 10 => match u16::from(digits(*y0, *y1)?) {
            yy @ 50.. => (1900 + yy, fields),
            yy => (2000 + yy, fields),
        },
        (Tag::GeneralizedTime, [c0, c1, y0, y1, fields @ .., b'Z']) if fields.len() == 10 => {
            (u16::from(digits(*c0, *c1)?) * 100 + u16::from(digits(*y0, *y1)?), fields)
        }
        _ => return None,
    };
    let [m0, m1, d0, d1, h0, h1, n0, n1, s0, s1] = *fields else { return None };
    let (month, day) = (digits(m0, m1)?, digits(d0, d1)?);
    let (hour, minute, second) = (digits(h0, h1)?, digits(n0, n1)?, digits(s0, s1)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day)?;
    Some(days * DAY + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second))
}

/// Two ASCII digits as a number.
#[inline(always)]
fn digits(tens: u8, ones: u8) -> Option<u8> {
    (tens.is_ascii_digit() && ones.is_ascii_digit()).then(|| (tens - b'0') * 10 + (ones - b'0'))
}

/// A validation time on the signed scale of X.509 times (saturating far beyond year 9999, where
/// no X.509 time reaches, so comparisons stay exact).
#[inline]
pub(crate) fn unix_seconds(time: UnixTime) -> i64 {
    i64::try_from(time.as_secs()).unwrap_or(i64::MAX)
}

/// An X.509 time as a `UnixTime`: times before the epoch become the epoch. That keeps every
/// comparison with a validation time exact except equality at the epoch itself, which is why
/// validation compares the signed seconds instead.
pub(crate) fn to_unix_time(secs: i64) -> UnixTime {
    UnixTime::since_unix_epoch(core::time::Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

fn digits_of(s: &str, range: core::ops::Range<usize>) -> Option<u32> {
    let part = s.get(range)?;
    if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().ok() } else { None }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. Fractions of a second are dropped
/// (truncated), as certificate times have whole seconds.
pub fn parse_rfc3339(s: &str) -> Result<UnixTime, ParseError> {
    let bad = || ParseError::invalid("RFC 3339 time", "expected YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM)");
    let b = s.as_bytes();
    if b.len() < 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return Err(bad());
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return Err(bad());
    }
    let field = |r| digits_of(s, r).ok_or_else(bad);
    let (year, month, day) = (field(0..4)?, field(5..7)?, field(8..10)?);
    let (hour, minute, second) = (field(11..13)?, field(14..16)?, field(17..19)?);
    let mut rest = s.get(19..).ok_or_else(bad)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(bad());
        }
        rest = frac.get(n..).ok_or_else(bad)?;
    }
    let offset: i64 = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.get(3..4) == Some(":") => {
            let sign = match rest.get(..1) {
                Some("+") => 1,
                Some("-") => -1,
                _ => return Err(bad()),
            };
            let h = i64::from(digits_of(rest, 1..3).ok_or_else(bad)?);
            let m = i64::from(digits_of(rest, 4..6).ok_or_else(bad)?);
            sign * (h * 3600 + m * 60)
        }
        _ => return Err(bad()),
    };
    let dt = der::DateTime::new(
        u16::try_from(year).map_err(|_| bad())?,
        u8::try_from(month).map_err(|_| bad())?,
        u8::try_from(day).map_err(|_| bad())?,
        u8::try_from(hour).map_err(|_| bad())?,
        u8::try_from(minute).map_err(|_| bad())?,
        u8::try_from(second).map_err(|_| bad())?,
    )
    .map_err(|_| bad())?;
    let secs = i64::try_from(dt.unix_duration().as_secs()).map_err(|_| bad())? - offset;
    let secs = u64::try_from(secs).map_err(|_| bad())?;
    Ok(UnixTime::since_unix_epoch(core::time::Duration::from_secs(secs)))
}

/// Formats a Unix time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_rfc3339(time: UnixTime) -> String {
    format_unix_seconds(unix_seconds(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 400 Gregorian years, in seconds: the calendar repeats after them.
    const CYCLE: i64 = 146_097 * DAY;

    fn tlv(tag: u8, text: &[u8]) -> Vec<u8> {
        let mut der = vec![tag, text.len() as u8];
        der.extend_from_slice(text);
        der
    }

    fn x509_cert_reads(tag: u8, text: &[u8]) -> Option<i64> {
        let time = x509_cert::time::Time::from_der(&tlv(tag, text)).ok()?;
        i64::try_from(time.to_unix_duration().as_secs()).ok()
    }

    fn tag_of(tag: u8) -> Tag {
        if tag == 0x17 { Tag::UtcTime } else { Tag::GeneralizedTime }
    }

    /// The direct reading agrees with `x509-cert` wherever `x509-cert` gives a value, and gives
    /// a value where `x509-cert` does not only for years before 1970 (which `x509-cert` cannot
    /// represent). Those are checked against `x509-cert`'s reading of the same date some
    /// multiple of 400 years later, when the calendar has repeated.
    fn agree(tag: u8, text: &[u8]) {
        let shown = String::from_utf8_lossy(text);
        match (read_time(tag_of(tag), text), x509_cert_reads(tag, text)) {
            (Some(ours), Some(theirs)) => assert_eq!(ours, theirs, "{shown}"),
            (None, None) => {}
            (None, Some(_)) => panic!("{shown}: x509-cert reads a time refused here"),
            (Some(ours), None) => {
                assert!(ours < 0, "{shown}: read here, refused by x509-cert, yet after 1970");
                let (year, rest) = match tag {
                    0x17 => (1900 + u32::from(digits(text[0], text[1]).unwrap_or(99)), &text[2..]),
                    _ => (std::str::from_utf8(&text[..4]).unwrap().parse::<u32>().unwrap(), &text[4..]),
                };
                let cycles = (1970 - year).div_ceil(400);
                let later = [format!("{:04}", year + 400 * cycles).as_bytes(), rest].concat();
                let theirs = x509_cert_reads(0x18, &later).expect("the later date reads");
                assert_eq!(ours, theirs - i64::from(cycles) * CYCLE, "{shown}");
            }
        }
    }

    fn utc(s: &str) -> Option<i64> {
        read_time(Tag::UtcTime, s.as_bytes())
    }

    fn generalized(s: &str) -> Option<i64> {
        read_time(Tag::GeneralizedTime, s.as_bytes())
    }

    #[test]
    fn x509_times_read_as_rfc_5280_defines_them() {
        assert_eq!(utc("260601000000Z"), Some(1_780_272_000));
        assert_eq!(generalized("20260601000000Z"), Some(1_780_272_000));
        assert_eq!(utc("491231235959Z"), Some(2_524_607_999));
        assert_eq!(utc("700101000000Z"), Some(0));
        // UTCTime 50 to 69 is 1950 to 1969 (RFC 5280 §4.1.2.5.1), before the epoch.
        assert_eq!(utc("691231235959Z"), Some(-1));
        assert_eq!(utc("650101000000Z"), Some(-157_766_400));
        assert_eq!(utc("500101000000Z"), Some(-631_152_000));
        assert_eq!(generalized("19500101000000Z"), Some(-631_152_000));
        assert_eq!(generalized("19000301000000Z"), Some(-2_203_891_200));
        assert_eq!(generalized("00000101000000Z"), Some(-62_167_219_200));
        // Fractions, offsets, wrong lengths, bad dates and leap seconds are refused.
        for bad in ["260601000000+0100", "2606010000Z", "260230000000Z", "26060100000aZ", "261301000000Z"] {
            assert_eq!(utc(bad), None, "{bad}");
        }
        for bad in ["20260601000000.5Z", "19000229000000Z", "20260601235960Z", "20260601240000Z", "2026060100000Z"] {
            assert_eq!(generalized(bad), None, "{bad}");
        }
        for text in ["260601000000Z", "491231235959Z", "500101000000Z", "000229000000Z", "010229000000Z"] {
            agree(0x17, text.as_bytes());
        }
        for text in ["20260601000000Z", "99991231235959Z", "19700101000000Z", "21000229000000Z", "16000229120000Z"] {
            agree(0x18, text.as_bytes());
        }
    }

    #[test]
    fn malformed_times_are_typed_errors() {
        let read = |tag: u8, text: &str| {
            let der = tlv(tag, text.as_bytes());
            let tlv = crate::der_walk::Walker::new(&der).and_then(|mut r| r.read_any()).expect("one TLV");
            (x509_time(&tlv, "notBefore"), generalized_time(&tlv, "producedAt"))
        };
        assert_eq!(read(0x17, "650101000000Z").0, Ok(-157_766_400));
        assert!(matches!(read(0x17, "650101000000Z").1, Err(ParseError::Der { what: "producedAt", .. })));
        assert_eq!(read(0x18, "19650101000000Z"), (Ok(-157_766_400), Ok(-157_766_400)));
        for (tag, text) in [(0x17, "650101000000"), (0x18, "2026060100000aZ"), (0x04, "20260601000000Z")] {
            assert!(matches!(read(tag, text).0, Err(ParseError::Der { what: "notBefore", .. })), "{text}");
        }
    }

    #[test]
    fn every_day_of_three_centuries_reads_alike() {
        for year in (1850..2150).chain([0, 1, 4, 100, 400, 1600, 1700, 9998, 9999]) {
            for month in 0..=13 {
                for day in 0..=32 {
                    let time = format!("{month:02}{day:02}235958Z");
                    agree(0x18, format!("{year:04}{time}").as_bytes());
                    if (1950..2050).contains(&year) {
                        agree(0x17, format!("{:02}{time}", year % 100).as_bytes());
                    }
                    if (1..=12).contains(&month) && (1..=28).contains(&day) {
                        let text = format!("{year:04}{time}");
                        assert!(generalized(&text).is_some(), "{text} read directly");
                    }
                }
            }
        }
    }

    /// Formatting and reading are inverses, before and after the epoch.
    #[test]
    fn formatted_times_read_back() {
        let first = generalized("00000101000000Z").expect("year 0");
        let last = generalized("99991231235959Z").expect("year 9999");
        let mut secs = first;
        while secs <= last {
            let text = format_unix_seconds(secs);
            let compact: String = text.chars().filter(|c| c.is_ascii_digit() || *c == 'Z').collect();
            assert_eq!(generalized(&compact), Some(secs), "{text}");
            secs += 7_777_777;
        }
        assert_eq!(format_unix_seconds(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_unix_seconds(-157_766_400), "1965-01-01T00:00:00Z");
        assert_eq!(format_unix_seconds(first - 1), format!("@{}", first - 1));
        assert_eq!(format_unix_seconds(last + 1), format!("@{}", last + 1));
        for extreme in [i64::MIN, i64::MAX] {
            assert_eq!(format_unix_seconds(extreme), format!("@{extreme}"));
        }
    }

    #[test]
    fn validation_times_compare_exactly_with_signed_times() {
        let epoch = UnixTime::since_unix_epoch(core::time::Duration::ZERO);
        assert_eq!(unix_seconds(epoch), 0);
        assert!(unix_seconds(epoch) > -1, "a notAfter in 1969 is before every validation time");
        let far = UnixTime::since_unix_epoch(core::time::Duration::from_secs(u64::MAX));
        assert_eq!(unix_seconds(far), i64::MAX);
        assert_eq!(to_unix_time(-1), epoch);
        assert_eq!(to_unix_time(5).as_secs(), 5);
    }

    proptest! {
        #[test]
        fn digit_strings_read_alike(tag in prop::sample::select(vec![0x17u8, 0x18]),
                                    digits in proptest::collection::vec(prop::sample::select(b"0123456789Z+.a".to_vec()), 11..17)) {
            agree(tag, &digits);
        }

        #[test]
        fn plausible_dates_read_alike(y in 0u32..10000, m in 0u32..14, d in 0u32..33, h in 0u32..25, mi in 0u32..61, s in 0u32..61) {
            agree(0x18, format!("{y:04}{m:02}{d:02}{h:02}{mi:02}{s:02}Z").as_bytes());
            agree(0x17, format!("{:02}{m:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100).as_bytes());
        }
    }

    #[test]
    fn parses_zulu_fraction_and_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:03Z").map(|t| t.as_secs()), Ok(3));
        assert_eq!(parse_rfc3339("2024-03-01T00:00:00.999+00:00").map(|t| t.as_secs()), Ok(1_709_251_200));
        assert_eq!(parse_rfc3339("2024-03-01T01:00:00+01:00").map(|t| t.as_secs()), Ok(1_709_251_200));
        assert_eq!(
            format_rfc3339(UnixTime::since_unix_epoch(core::time::Duration::from_secs(1_709_251_200))),
            "2024-03-01T00:00:00Z"
        );
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "2024-03-01",
            "2024-13-01T00:00:00Z",
            "2024-03-01T00:00:00",
            "2024-03-01T00:00:00.Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert!(parse_rfc3339(s).is_err(), "{s}");
        }
    }
}

//! Validation times. trustpath never reads the clock: the caller passes a
//! `rustls_pki_types::UnixTime`. This module parses RFC 3339 timestamps for tools and tests.

use rustls_pki_types::UnixTime;

use crate::error::ParseError;

fn digits(s: &str, range: core::ops::Range<usize>) -> Option<u32> {
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
    let field = |r| digits(s, r).ok_or_else(bad);
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
            let h = i64::from(digits(rest, 1..3).ok_or_else(bad)?);
            let m = i64::from(digits(rest, 4..6).ok_or_else(bad)?);
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
    format_secs(time.as_secs())
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn format_secs(secs: u64) -> String {
    match der::DateTime::from_unix_duration(core::time::Duration::from_secs(secs)) {
        Ok(dt) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minutes(),
            dt.seconds()
        ),
        Err(_) => format!("@{secs}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

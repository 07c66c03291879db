//! Calendar arithmetic of the proleptic Gregorian calendar on signed Unix seconds (X.509 times
//! before 1970 included), and their RFC 3339 text: the foundation of [`crate::time`] and of
//! the times errors print.

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar; `None` if the month or
/// the day does not exist.
#[inline]
pub(crate) fn days_from_civil(year: i64, month: u8, day: u8) -> Option<i64> {
    // Days before the month, and the month's length.
    let (before, length): (i64, u8) = match month {
        1 => (0, 31),
        2 => (31, if is_leap(year) { 29 } else { 28 }),
        3 => (59, 31),
        4 => (90, 30),
        5 => (120, 31),
        6 => (151, 30),
        7 => (181, 31),
        8 => (212, 31),
        9 => (243, 30),
        10 => (273, 31),
        11 => (304, 30),
        12 => (334, 31),
        _ => return None,
    };
    if day == 0 || day > length {
        return None;
    }
    // Leap years in [1, y], counted with floor division so that it holds before year 1 too.
    let leap_years = |y: i64| y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    let leap_days = leap_years(year - 1) - leap_years(1969);
    let day_of_year = before + i64::from(day) - 1 + i64::from(month > 2 && is_leap(year));
    Some((year - 1970) * 365 + leap_days + day_of_year)
}

/// The date (year, month, day) of a day counted from 1970-01-01 (proleptic Gregorian).
pub(crate) fn civil_from_days(days: i64) -> (i64, u8, u8) {
    // Counted in 400-year eras from 0000-03-01, so that a leap day ends its year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // 0 = March
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u8;
    let month = (if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 }) as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Formats seconds since the Unix epoch (negative before 1970, as X.509 times can be) as
/// `YYYY-MM-DDTHH:MM:SSZ`; a time outside the years 0000 to 9999 as `@` and the seconds.
pub fn format_unix_seconds(secs: i64) -> String {
    let (year, month, day) = civil_from_days(secs.div_euclid(DAY));
    if !(0..=9999).contains(&year) {
        return format!("@{secs}");
    }
    let in_day = secs.rem_euclid(DAY);
    let (hour, minute, second) = (in_day / 3600, in_day % 3600 / 60, in_day % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

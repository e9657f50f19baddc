//! The injected clock and RFC 3339 timestamps.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where "now" comes from: the system clock in production, anything in tests.
pub trait TimeSource: Send + Sync + fmt::Debug {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
}

/// The system clock: the crate's one reader of `SystemTime::now`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTimeSource;

impl TimeSource for SystemTimeSource {
    fn now(&self) -> SystemTime {
        // The one home in this crate that reads the real clock (docs/adr/0005).
        #[allow(clippy::disallowed_methods)]
        SystemTime::now()
    }
}

/// Parses an RFC 3339 / ISO 8601 timestamp such as `2021-09-21T18:41:26Z`,
/// `2022-05-02T18:36:00+00:00` or `2021-09-21T18:41:26.123Z`. `None` if it is not one.
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let b = text.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(13) != Some(&b':') {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(16) != Some(&b':') {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        let digits = b.get(start..i.min(start + 9))?;
        let mut value: u32 = 0;
        for d in digits {
            value = value * 10 + u32::from(d - b'0');
        }
        let missing = 9 - u32::try_from(digits.len()).ok()?;
        nanos = value * 10u32.pow(missing);
    }
    let offset_seconds: i64 = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] => {
            if b.len() != i + 6 || b.get(i + 3) != Some(&b':') {
                return None;
            }
            let (h, m) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            let total = h * 3600 + m * 60;
            if *sign == b'+' { total } else { -total }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats a time as RFC 3339 in UTC (`2021-09-21T18:41:26Z`), for messages.
pub(crate) fn format_rfc3339(time: SystemTime) -> String {
    let secs = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_aws_sends() {
        let at = |s| parse_rfc3339(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
        assert_eq!(at("2021-09-21T18:41:26Z"), Some(1_632_249_686));
        assert_eq!(at("2022-05-02T18:36:00+00:00"), Some(1_651_516_560));
        assert_eq!(at("2022-05-02T20:36:00+02:00"), Some(1_651_516_560));
        assert_eq!(at("2009-02-13T23:31:30.123Z"), Some(1_234_567_890));
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(0));
        for bad in [
            "",
            "2021-09-21",
            "2021-13-01T00:00:00Z",
            "2021-09-21T18:41:26",
            "x",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
        assert_eq!(
            format_rfc3339(UNIX_EPOCH + Duration::from_secs(1_632_249_686)),
            "2021-09-21T18:41:26Z"
        );
    }
}

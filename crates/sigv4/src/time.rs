//! The signing time as SigV4 writes it, computed without a date library.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, ErrorKind};

/// A signing time formatted as SigV4 wants it: `20150830T123600Z` (the `X-Amz-Date` value),
/// whose first eight characters are the credential-scope date.
///
/// Sub-second precision is dropped; times before 1970 or after 9999 are rejected.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AmzDate {
    text: [u8; 16],
    secs: u64,
}

impl AmzDate {
    /// Formats a point in time.
    pub fn new(time: SystemTime) -> Result<Self, Error> {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::new(ErrorKind::InvalidTime("before 1970-01-01".into())))?
            .as_secs();
        Self::from_unix(secs)
    }

    /// Formats whole seconds since the Unix epoch.
    pub fn from_unix(secs: u64) -> Result<Self, Error> {
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        if y > 9999 {
            return Err(Error::new(ErrorKind::InvalidTime("after year 9999".into())));
        }
        let mut text = *b"00000000T000000Z";
        put(&mut text[0..4], y);
        put(&mut text[4..6], m);
        put(&mut text[6..8], d);
        put(&mut text[9..11], rem / 3600);
        put(&mut text[11..13], rem % 3600 / 60);
        put(&mut text[13..15], rem % 60);
        Ok(Self { text, secs })
    }

    /// Parses `YYYYMMDD'T'HHMMSS'Z'`, the inverse of [`AmzDate::as_str`].
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad =
            || Error::new(ErrorKind::InvalidTime(format!("`{text}` is not YYYYMMDDTHHMMSSZ")));
        let b = text.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u64, Error> {
            b[r].iter().try_fold(0u64, |acc, &c| {
                if c.is_ascii_digit() { Ok(acc * 10 + u64::from(c - b'0')) } else { Err(bad()) }
            })
        };
        let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
        let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
        if !(1970..=9999).contains(&y)
            || !(1..=12).contains(&m)
            || d == 0
            || hh > 23
            || mm > 59
            || ss > 59
        {
            return Err(bad());
        }
        let days = days_from_civil(y, m, d);
        let parsed = Self::from_unix(days * 86_400 + hh * 3600 + mm * 60 + ss)?;
        // Reject dates like February 30th, which would silently roll over.
        if parsed.as_str() == text { Ok(parsed) } else { Err(bad()) }
    }

    /// `20150830T123600Z`.
    pub fn as_str(&self) -> &str {
        // The buffer only ever holds ASCII digits, `T` and `Z`.
        std::str::from_utf8(&self.text).unwrap_or("00000000T000000Z")
    }

    /// `20150830`, the credential-scope date.
    pub fn date(&self) -> &str {
        self.as_str().get(..8).unwrap_or("00000000")
    }

    /// The same instant as a `SystemTime`.
    pub fn to_system_time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.secs)
    }

    /// Whole seconds since the Unix epoch.
    pub fn unix_secs(&self) -> u64 {
        self.secs
    }
}

impl std::fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AmzDate({})", self.as_str())
    }
}

impl std::fmt::Display for AmzDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn put(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

/// (year, month, day) to days since 1970-01-01, for years from 1970.
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).saturating_sub(719_468)
}

/// Parses an RFC 3339 timestamp as AWS services and tools write credential expirations:
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t`, `z` and a space for the `T` are accepted
/// too (moto writes a space). Returns `None` for anything else, including impossible dates
/// and times before 1970. The one parser the workspace shares.
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let b = text.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits.iter().try_fold(0i64, |acc, d| acc.checked_mul(10)?.checked_add(i64::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let separator = matches!(b.get(10), Some(b'T' | b't' | b' '));
    if !(at(4, b'-') && at(7, b'-') && separator && at(13, b':') && at(16, b':')) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = b.get(start..i)?;
        if digits.is_empty() {
            return None;
        }
        for (k, d) in digits.iter().take(9).enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - k as u32);
        }
    }
    let offset_s = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let total = h * 3600 + m * 60;
            if *sign == b'+' { total } else { -total }
        }
        _ => return None,
    };
    let days = signed_days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// Formats a time as RFC 3339 in UTC, whole seconds (`2021-09-21T18:41:26Z`). Times before
/// 1970 are written as 1970-01-01T00:00:00Z.
pub fn format_rfc3339(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days(secs / 86_400);
    let rem = secs % 86_400;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, negative before 1970.
fn signed_days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(AmzDate::from_unix(0).unwrap().as_str(), "19700101T000000Z");
        assert_eq!(AmzDate::from_unix(1_440_938_160).unwrap().as_str(), "20150830T123600Z");
        assert_eq!(AmzDate::from_unix(1_369_353_600).unwrap().as_str(), "20130524T000000Z");
        assert_eq!(AmzDate::from_unix(951_782_400).unwrap().as_str(), "20000229T000000Z");
        assert_eq!(AmzDate::from_unix(1_440_938_160).unwrap().date(), "20150830");
    }

    #[test]
    fn parse_is_the_inverse_of_format() {
        for secs in [0, 1_440_938_160, 951_782_400, 4_102_444_799, 253_402_300_799] {
            let d = AmzDate::from_unix(secs).unwrap();
            assert_eq!(AmzDate::parse(d.as_str()).unwrap().unix_secs(), secs);
        }
        for bad in
            ["", "20150830T123600", "20150230T000000Z", "2015083OT123600Z", "19691231T235959Z"]
        {
            assert!(AmzDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rfc3339_round_trips_and_rejects_what_is_not_a_time() {
        let secs =
            |s: &str| parse_rfc3339(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
        assert_eq!(secs("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(secs("2021-09-21T04:16:53Z"), Some(1_632_197_813));
        assert_eq!(secs("2021-09-21t04:16:53z"), Some(1_632_197_813));
        assert_eq!(secs("2021-09-21 04:16:53Z"), Some(1_632_197_813));
        assert_eq!(secs("2021-09-21T06:16:53+02:00"), Some(1_632_197_813));
        assert_eq!(secs("2000-02-29T00:00:00Z"), Some(951_782_400));
        let t = parse_rfc3339("2026-11-22T11:19:27.545739Z").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().subsec_micros(), 545_739);
        for bad in [
            "",
            "2021-09-21",
            "2021-09-21T04:16:53",
            "2021-13-01T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2021-09-21T24:00:00Z",
            "2021-09-21T04:16:53.Z",
            "2021-09-21T04:16:53+2:00",
            "1969-12-31T23:59:59Z",
            "2021-09-21T04:16:53Zjunk",
            "２021-09-21T04:16:53Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        for s in [0, 951_782_400, 1_632_197_813, 253_402_300_799] {
            let t = UNIX_EPOCH + Duration::from_secs(s);
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t));
        }
    }

    #[test]
    fn rejects_times_outside_four_digit_years() {
        assert!(AmzDate::from_unix(253_402_300_800).is_err());
        assert!(AmzDate::new(UNIX_EPOCH - Duration::from_secs(1)).is_err());
    }
}

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
    fn rejects_times_outside_four_digit_years() {
        assert!(AmzDate::from_unix(253_402_300_800).is_err());
        assert!(AmzDate::new(UNIX_EPOCH - Duration::from_secs(1)).is_err());
    }
}

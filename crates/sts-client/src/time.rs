//! The two timestamp formats STS responses carry.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses an ISO 8601 / RFC 3339 timestamp as STS writes it: `2021-09-21T18:41:26Z`, with
/// optional fractional seconds (moto writes microseconds) and a `Z` or `±hh:mm` offset.
pub(crate) fn parse_iso8601(text: &str) -> Option<SystemTime> {
    signet_sigv4::parse_rfc3339(text)
}

/// Parses an HTTP date (`Mon, 16 Aug 2021 19:52:53 GMT`, RFC 9110's IMF-fixdate), as in the
/// `Date` response header the clock-skew correction reads.
pub(crate) fn parse_http_date(text: &str) -> Option<SystemTime> {
    let mut parts = text.trim().split_ascii_whitespace();
    let _weekday = parts.next()?.strip_suffix(',')?;
    let day = parts.next()?;
    let month = parts.next()?;
    let year = parts.next()?;
    let time = parts.next()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mo = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let t = time.as_bytes();
    if t.len() != 8 || t[2] != b':' || t[5] != b':' || day.len() != 2 || year.len() != 4 {
        return None;
    }
    let secs = civil_secs(
        digits(year.as_bytes(), 0, 4)?,
        mo,
        digits(day.as_bytes(), 0, 2)?,
        digits(t, 0, 2)?,
        digits(t, 3, 2)?,
        digits(t, 6, 2)?,
    )?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

fn digits(b: &[u8], start: usize, len: usize) -> Option<u64> {
    let s = b.get(start..start.checked_add(len)?)?;
    s.iter().try_fold(0u64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u64::from(c - b'0')))
}

/// Seconds since the epoch of a valid civil date and time from 1970 on.
fn civil_secs(y: u64, mo: u64, d: u64, h: u64, mi: u64, s: u64) -> Option<u64> {
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if d == 0 || d > *month_days.get(usize::try_from(mo - 1).ok()?)? {
        return None;
    }
    // Howard Hinnant's days_from_civil, for years from 1970 (no negative eras).
    let (y, m) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(t: SystemTime) -> f64 {
        t.duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
    }

    #[test]
    fn parses_sts_and_moto_timestamps() {
        assert_eq!(unix(parse_iso8601("2021-09-21T18:41:26Z").unwrap()), 1_632_249_686.0);
        let moto = parse_iso8601("2026-11-22T11:19:27.545739Z").unwrap();
        assert!((unix(moto) - 1_795_346_367.545_739).abs() < 1e-6);
        assert_eq!(
            parse_iso8601("2021-09-21T20:41:26+02:00"),
            parse_iso8601("2021-09-21T18:41:26Z")
        );
        for bad in [
            "",
            "2021-02-30T00:00:00Z",
            "2021-09-21T18:41:26",
            "2021-09-21T18:41:26.Z",
            "1969-12-31T23:59:59Z",
            "2021-09-21T25:41:26Z",
            "２０２１-09-21T18:41:26Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_http_dates() {
        assert_eq!(
            parse_http_date("Mon, 16 Aug 2021 19:52:53 GMT"),
            parse_iso8601("2021-08-16T19:52:53Z")
        );
        assert_eq!(parse_http_date("Mon, 16 Aug 2021 19:52:53 UTC"), None);
        assert_eq!(parse_http_date("garbage"), None);
    }
}

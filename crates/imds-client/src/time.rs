//! RFC 3339 timestamps, as IMDS writes `Expiration` (`2021-09-21T04:16:53Z`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`t` and `z` accepted too). Returns
/// `None` for anything else, including impossible dates and times before 1970.
pub(crate) fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits.iter().try_fold(0i64, |acc, d| acc.checked_mul(10)?.checked_add(i64::from(d - b'0')))
    };
    let expect = |i: usize, c: u8| b.get(i).is_some_and(|x| x.eq_ignore_ascii_case(&c));
    if !(expect(4, b'-')
        && expect(7, b'-')
        && expect(10, b'T')
        && expect(13, b':')
        && expect(16, b':'))
    {
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
        [z] if z.eq_ignore_ascii_case(&b'Z') => 0,
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
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
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

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
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

    fn secs(s: &str) -> Option<u64> {
        parse_rfc3339(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
    }

    #[test]
    fn valid() {
        assert_eq!(secs("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(secs("2021-09-21T04:16:53Z"), Some(1_632_197_813));
        assert_eq!(secs("2021-09-21t04:16:53z"), Some(1_632_197_813));
        assert_eq!(secs("2021-09-21T06:16:53+02:00"), Some(1_632_197_813));
        assert_eq!(secs("2000-02-29T00:00:00Z"), Some(951_782_400));
        let t = parse_rfc3339("2026-11-22T11:19:27.545739Z").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().subsec_micros(), 545_739);
    }

    #[test]
    fn invalid() {
        for s in [
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
            assert_eq!(parse_rfc3339(s), None, "{s}");
        }
    }
}

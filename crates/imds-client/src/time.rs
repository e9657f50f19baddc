//! RFC 3339 timestamps, as IMDS writes `Expiration` (`2021-09-21T04:16:53Z`): the workspace's
//! one parser, in signet-sigv4 next to `Credentials`.

pub(crate) use signet_sigv4::parse_rfc3339;

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

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

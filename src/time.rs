//! Timestamps as docker writes them: RFC 3339 with nanoseconds in UTC (`2026-11-25T19:32:35.123456789Z`),
//! their parser, and docker's zero time `0001-01-01T00:00:00Z` for "never". No time crate needed for UTC.
//!
//! The one copy of the civil-calendar arithmetic in berth (records, logs, networks, the CLI's output and
//! filters all use it). A leaf: depends on std and anyhow only, so every module may import it.

use anyhow::{Context, Result, bail};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Docker's value for a time that never happened (Go's zero `time.Time`).
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// Format as RFC 3339 with 9 fractional digits, UTC (times before 1970 format as the epoch).
pub fn rfc3339_nano(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_nanos()
    )
}

/// A time from berth's own records (what [`rfc3339_nano`] writes, or docker's variants): `None` for
/// docker's zero time ("never"), for anything before 1970, and for what does not parse.
pub fn parse_recorded(s: &str) -> Option<SystemTime> {
    parse_rfc3339(s).ok().filter(|t| *t >= UNIX_EPOCH)
}

/// Parse an RFC 3339 timestamp (image configs' `created`, docker's API times, berth's records), with any
/// offset and fraction: `2024-01-02T03:04:05.123456789Z`, `2024-01-02T05:04:05+02:00`. Times before 1970
/// (docker's zero time included) are valid.
pub fn parse_rfc3339(s: &str) -> Result<SystemTime> {
    let bad = || format!("parsing time {s:?} as RFC 3339");
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        bail!("{}", bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32> {
        let part = s.get(r).with_context(bad)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            bail!("{}", bad());
        }
        part.parse::<u32>().with_context(bad)
    };
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        bail!("{}", bad());
    }
    let mut i = 19;
    let mut nanos: u64 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            bail!("{}", bad());
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset: i64 = match &s[i..] {
        "Z" | "z" => 0,
        tz if tz.len() == 6
            && (tz.starts_with('+') || tz.starts_with('-'))
            && tz.as_bytes()[3] == b':' =>
        {
            let oh = num(i + 1..i + 3)? as i64;
            let om = num(i + 4..i + 6)? as i64;
            let o = oh * 3600 + om * 60;
            if tz.starts_with('-') { -o } else { o }
        }
        _ => bail!("{}", bad()),
    };
    let secs =
        days_from_civil(y as i64, mo, d) * 86_400 + (h * 3600 + mi * 60 + sec) as i64 - offset;
    let t = if secs >= 0 {
        UNIX_EPOCH + Duration::new(secs as u64, nanos as u32)
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) + Duration::from_nanos(nanos)
    };
    Ok(t)
}

/// Civil date (year, month, day) from days since 1970-01-01 (Howard Hinnant's `civil_from_days`,
/// public domain, http://howardhinnant.github.io/date_algorithms.html; proleptic Gregorian).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let t = UNIX_EPOCH + Duration::new(1_795_635_155, 123_456_789);
        let s = rfc3339_nano(t);
        assert_eq!(s, "2026-11-25T19:32:35.123456789Z");
        assert_eq!(parse_recorded(&s), Some(t));
        assert_eq!(
            parse_recorded("2026-11-25T20:32:35+01:00"),
            Some(UNIX_EPOCH + Duration::new(1_795_635_155, 0))
        );
        assert_eq!(parse_recorded(ZERO_TIME), None);
        assert_eq!(parse_recorded("not a time"), None);
        assert_eq!(rfc3339_nano(UNIX_EPOCH), "1970-01-01T00:00:00.000000000Z");
    }

    #[test]
    fn zero_time_parses_as_year_one_and_malformed_times_say_which() {
        let zero = parse_rfc3339(ZERO_TIME).unwrap();
        assert!(zero < UNIX_EPOCH);
        let secs = UNIX_EPOCH.duration_since(zero).unwrap().as_secs() as i64;
        assert_eq!(civil_from_days(-secs / 86_400), (1, 1, 1));
        let err = parse_rfc3339("2024-13-02T03:04:05Z").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"parsing time "2024-13-02T03:04:05Z" as RFC 3339"#
        );
    }

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for z in [-800_000, -1, 0, 59, 60, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}

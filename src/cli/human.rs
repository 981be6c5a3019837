//! Human strings as docker prints and parses them: sizes, durations, timestamps, container status.
//!
//! Owns the go-units conventions (docker/go-units `size.go`, `duration.go`) and Go's time layouts
//! that docker output uses. Pure functions over numbers and `SystemTime`; must not depend on the
//! engine or the store. Invariant: every printed form matches docker byte for byte, so scripts
//! that parse docker's output parse berth's.

use crate::time::civil_from_days;
use anyhow::{Context, Result, bail};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// docker's size column: go-units `HumanSizeWithPrecision(size, 3)`, decimal SI units
/// (`0B`, `999B`, `1.2kB`, `4.26MB`, `1.5GB`).
pub fn human_size(bytes: u64) -> String {
    human_size_with_precision(bytes as f64, 3)
}

/// go-units `HumanSizeWithPrecision`: divide by 1000 until below 1000, print with `%.{precision}g`.
pub fn human_size_with_precision(size: f64, precision: usize) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = size;
    let mut i = 0;
    while size >= 1000.0 && i < UNITS.len() - 1 {
        size /= 1000.0;
        i += 1;
    }
    format!("{}{}", go_fmt_g(size, precision), UNITS[i])
}

/// go-units `BytesSize`: binary units at 4 significant digits, as `docker info` prints
/// Total Memory (`7.704GiB`, `512MiB`).
pub fn bytes_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    let mut size = bytes as f64;
    let mut i = 0;
    while size >= 1024.0 && i < UNITS.len() - 1 {
        size /= 1024.0;
        i += 1;
    }
    format!("{}{}", go_fmt_g(size, 4), UNITS[i])
}

/// Go's `%.{p}g`: shortest of `%e`/`%f` at `p` significant digits, trailing zeros removed.
fn go_fmt_g(x: f64, p: usize) -> String {
    let p = p.max(1);
    if x == 0.0 {
        return "0".into();
    }
    let sci = format!("{:.*e}", p - 1, x);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= p as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", trim(mant), sign, exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        trim(&format!("{:.*}", decimals, x))
    }
}

/// go-units `HumanDuration`: "Less than a second", "About a minute", "3 hours", "2 weeks", ...
pub fn human_duration(d: Duration) -> String {
    let seconds = d.as_secs();
    let minutes = seconds / 60;
    // Hours are rounded (d.Hours() + 0.5), the other units truncated, as go-units does.
    let hours = ((d.as_secs_f64() / 3600.0) + 0.5) as u64;
    if seconds < 1 {
        "Less than a second".into()
    } else if seconds == 1 {
        "1 second".into()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", seconds / 3600 / 24 / 365)
    }
}

/// docker's CREATED / RunningFor / CreatedSince column: `HumanDuration(now - t) + " ago"`.
/// A time in the future counts as now.
pub fn since(t: SystemTime, now: SystemTime) -> String {
    format!(
        "{} ago",
        human_duration(now.duration_since(t).unwrap_or_default())
    )
}

/// docker's status of a running container: `Up 3 minutes`, `Up 2 hours (Paused)`.
pub fn status_up(started: SystemTime, now: SystemTime, paused: bool) -> String {
    let d = human_duration(now.duration_since(started).unwrap_or_default());
    if paused {
        format!("Up {d} (Paused)")
    } else {
        format!("Up {d}")
    }
}

/// docker's status of a stopped container: `Exited (0) 2 hours ago`.
pub fn status_exited(code: i32, finished: SystemTime, now: SystemTime) -> String {
    format!("Exited ({code}) {}", since(finished, now))
}

/// Seconds and nanoseconds relative to the Unix epoch (negative before 1970).
fn unix_parts(t: SystemTime) -> (i64, u32) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let (s, n) = (d.as_secs() as i64, d.subsec_nanos());
            if n == 0 {
                (-s, 0)
            } else {
                (-s - 1, 1_000_000_000 - n)
            }
        }
    }
}

fn ymdhms(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    (
        y,
        mo,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// Go's `time.RFC3339Nano` in UTC, as `inspect` prints `Created`, `StartedAt`:
/// `2024-01-02T03:04:05.123456789Z`, trailing zeros of the fraction dropped
/// (`2024-01-02T03:04:05.5Z`, `2024-01-02T03:04:05Z`).
pub fn format_rfc3339_nano(t: SystemTime) -> String {
    let (secs, nanos) = unix_parts(t);
    let (y, mo, d, h, mi, s) = ymdhms(secs);
    let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

pub use crate::time::parse_rfc3339;

/// docker `ps`'s CreatedAt: Go's `time.Time.String()` in local time, whole seconds:
/// `2024-01-02 15:04:05 +0100 CET`.
pub fn format_created_at(t: SystemTime) -> String {
    let (secs, _) = unix_parts(t);
    let (offset, zone) = local_offset(secs);
    let (y, mo, d, h, mi, s) = ymdhms(secs + offset);
    let sign = if offset < 0 { '-' } else { '+' };
    let oa = offset.unsigned_abs();
    format!(
        "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} {sign}{:02}{:02} {zone}",
        oa / 3600,
        oa % 3600 / 60
    )
}

/// Go's `time.Unix(t).Format(time.RFC3339)` in local time (`history`'s CreatedAt):
/// `2024-01-02T15:04:05+01:00`, `Z` for UTC.
pub fn format_rfc3339_local(t: SystemTime) -> String {
    let (secs, _) = unix_parts(t);
    let (offset, _) = local_offset(secs);
    let (y, mo, d, h, mi, s) = ymdhms(secs + offset);
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let oa = offset.unsigned_abs();
        let sign = if offset < 0 { '-' } else { '+' };
        format!("{sign}{:02}:{:02}", oa / 3600, oa % 3600 / 60)
    };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{zone}")
}

/// The local UTC offset (seconds east) and zone abbreviation at `secs`, from the C library's
/// `localtime_r`, which reads TZ and /etc/localtime as Go's time package does.
fn local_offset(secs: i64) -> (i64, String) {
    let t: libc::time_t = secs;
    // SAFETY: `tm` is a plain C struct for which all-zero bytes are a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the call; localtime_r is the reentrant variant and
    // writes only into `tm`.
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if !ok {
        return (0, "UTC".into());
    }
    let zone = if tm.tm_zone.is_null() {
        String::new()
    } else {
        // SAFETY: tm_zone points to a NUL-terminated string owned by the C library that stays
        // valid until the next tzset; we copy it out at once.
        unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }
            .to_string_lossy()
            .into_owned()
    };
    let offset = tm.tm_gmtoff;
    // Go prints the numeric offset when a zone has no abbreviation.
    let zone = if zone.is_empty() {
        let oa = offset.unsigned_abs();
        format!(
            "{}{:02}{:02}",
            if offset < 0 { '-' } else { '+' },
            oa / 3600,
            oa % 3600 / 60
        )
    } else {
        zone
    };
    (offset, zone)
}

/// docker's memory sizes (`-m 512m`, `--shm-size 1.5g`): go-units `RAMInBytes`. Units b, k, m, g,
/// t, p (powers of 1024), case-insensitive, with an optional `b`/`ib` (`KiB`, `MB`); a bare number
/// is bytes.
pub fn parse_bytes(s: &str) -> Result<u64> {
    let invalid = || anyhow::anyhow!("invalid size: '{s}'");
    let sep = s
        .rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
        .ok_or_else(invalid)?;
    let (num, sfx) = if s.as_bytes()[sep] == b' ' {
        (&s[..sep], &s[sep + 1..])
    } else {
        (&s[..=sep], &s[sep + 1..])
    };
    let size: f64 = num.parse().map_err(|_| invalid())?;
    if size < 0.0 || !size.is_finite() {
        return Err(invalid());
    }
    if sfx.is_empty() {
        return Ok(size as u64);
    }
    let bad_suffix = || anyhow::anyhow!("invalid suffix: '{sfx}'");
    let lower = sfx.to_ascii_lowercase();
    if lower.len() > 3 {
        return Err(bad_suffix());
    }
    let mul: u64 = match lower.as_bytes()[0] {
        b'b' if lower.len() == 1 => return Ok(size as u64),
        b'k' => 1 << 10,
        b'm' => 1 << 20,
        b'g' => 1 << 30,
        b't' => 1 << 40,
        b'p' => 1 << 50,
        _ => return Err(bad_suffix()),
    };
    match lower.len() {
        2 if &lower[1..] != "b" => return Err(bad_suffix()),
        3 if &lower[1..] != "ib" => return Err(bad_suffix()),
        _ => {}
    }
    Ok((size * mul as f64) as u64)
}

/// Go's `time.ParseDuration` (`10m`, `1h30m`, `1.5s`, `300ms`), as docker takes for `--since`,
/// `--until`, `--stop-timeout`-like flags. Negative durations are rejected.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let invalid = || anyhow::anyhow!("time: invalid duration {s:?}");
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    if rest.starts_with('-') {
        bail!("time: negative duration {s:?}");
    }
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if n == 0 {
            return Err(invalid());
        }
        let value: f64 = rest[..n].parse().map_err(|_| invalid())?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => bail!("time: missing unit in duration {s:?}"),
            other => bail!("time: unknown unit {other:?} in duration {s:?}"),
        };
        rest = &rest[u..];
        total += value * unit;
    }
    Ok(Duration::from_secs_f64(total))
}

/// docker's `--since`/`--until` values (docker/cli `opts.GetTimestamp`): a duration before `now`
/// (`10m`; `0` is the epoch, not now), a Unix timestamp (`1700000000`, `1700000000.5`), an RFC 3339
/// time (`2024-01-02T03:04:05Z`, `...+02:00`), or a time without a zone, taken as local time as
/// docker does (`2024-01-02`, `2024-01-02T15`, `2024-01-02T15:04`, `2024-01-02T15:04:05.5`).
pub fn parse_timestamp(value: &str, now: SystemTime) -> Result<SystemTime> {
    if value != "0"
        && let Ok(d) = parse_duration(value)
    {
        return Ok(now.checked_sub(d).unwrap_or(UNIX_EPOCH));
    }
    if !value.is_empty() && value.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        let (s, frac) = value.split_once('.').unwrap_or((value, ""));
        let secs: u64 = s
            .parse()
            .with_context(|| format!("parsing timestamp {value:?}"))?;
        let mut nanos: u32 = 0;
        for (i, c) in frac.bytes().take(9).enumerate() {
            nanos += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
        }
        return Ok(UNIX_EPOCH + Duration::new(secs, nanos));
    }
    let invalid = || format!("failed to parse value as time or duration: {value:?}");
    // docker's rule: no `Z`, `z` or `+`, and not three dashes (a `-hh:mm` offset), means local time.
    let local = !value.contains(['Z', 'z', '+']) && value.matches('-').count() != 3;
    if !local {
        return parse_rfc3339(value).with_context(invalid);
    }
    // Complete the zone-less forms to a full UTC time, then shift by the local offset.
    let (date, time) = value.split_once('T').unwrap_or((value, ""));
    let time = match time.matches(':').count() {
        _ if time.is_empty() => "00:00:00".to_string(),
        0 => format!("{time}:00:00"),
        1 => format!("{time}:00"),
        _ => time.to_string(),
    };
    let as_utc = parse_rfc3339(&format!("{date}T{time}Z")).with_context(invalid)?;
    let (secs, _) = unix_parts(as_utc);
    let (offset, _) = local_offset(secs);
    Ok(if offset >= 0 {
        as_utc - Duration::from_secs(offset as u64)
    } else {
        as_utc + Duration::from_secs(offset.unsigned_abs())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_go_units() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(1000), "1kB");
        assert_eq!(human_size(1200), "1.2kB");
        assert_eq!(human_size(4_261_017), "4.26MB");
        assert_eq!(human_size(12_100_000), "12.1MB");
        assert_eq!(human_size(1_500_000_000), "1.5GB");
        assert_eq!(human_size(999_999), "1e+03kB");
        assert_eq!(human_size_with_precision(123_456.0, 4), "123.5kB");
        assert_eq!(bytes_size(512 << 20), "512MiB");
        assert_eq!(bytes_size(8_272_408_576), "7.704GiB");
    }

    #[test]
    fn durations_match_go_units() {
        let s = Duration::from_secs;
        assert_eq!(
            human_duration(Duration::from_millis(300)),
            "Less than a second"
        );
        assert_eq!(human_duration(s(1)), "1 second");
        assert_eq!(human_duration(s(59)), "59 seconds");
        assert_eq!(human_duration(s(60)), "About a minute");
        assert_eq!(human_duration(s(119)), "About a minute");
        assert_eq!(human_duration(s(120)), "2 minutes");
        assert_eq!(human_duration(s(59 * 60)), "59 minutes");
        assert_eq!(human_duration(s(3600)), "About an hour");
        assert_eq!(human_duration(s(3 * 3600)), "3 hours");
        assert_eq!(human_duration(s(47 * 3600)), "47 hours");
        assert_eq!(human_duration(s(2 * 86_400)), "2 days");
        assert_eq!(human_duration(s(15 * 86_400)), "2 weeks");
        assert_eq!(human_duration(s(95 * 86_400)), "3 months");
        assert_eq!(human_duration(s(800 * 86_400)), "2 years");
    }

    #[test]
    fn since_and_status_strings() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ago = |secs| now - Duration::from_secs(secs);
        assert_eq!(since(ago(180), now), "3 minutes ago");
        assert_eq!(
            since(now + Duration::from_secs(5), now),
            "Less than a second ago"
        );
        assert_eq!(status_up(ago(180), now, false), "Up 3 minutes");
        assert_eq!(status_up(ago(7200), now, true), "Up 2 hours (Paused)");
        assert_eq!(status_exited(0, ago(7200), now), "Exited (0) 2 hours ago");
    }

    #[test]
    fn rfc3339_round_trips() {
        let t = UNIX_EPOCH + Duration::new(1_704_164_645, 123_456_789);
        assert_eq!(format_rfc3339_nano(t), "2024-01-02T03:04:05.123456789Z");
        assert_eq!(
            format_rfc3339_nano(UNIX_EPOCH + Duration::new(1_704_164_645, 500_000_000)),
            "2024-01-02T03:04:05.5Z"
        );
        assert_eq!(format_rfc3339_nano(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339("2024-01-02T03:04:05.123456789Z").unwrap(), t);
        assert_eq!(
            parse_rfc3339("2024-01-02T05:04:05+02:00").unwrap(),
            UNIX_EPOCH + Duration::from_secs(1_704_164_645)
        );
        crate::testing::assert_err(
            parse_rfc3339("2024-01-02"),
            "parsing time \"2024-01-02\" as RFC 3339",
        );
        crate::testing::assert_err(
            parse_rfc3339("2024-13-02T03:04:05Z"),
            "parsing time \"2024-13-02T03:04:05Z\" as RFC 3339",
        );
    }

    #[test]
    fn created_at_has_go_layout() {
        let s = format_created_at(UNIX_EPOCH + Duration::from_secs(1_704_164_645));
        // "2006-01-02 15:04:05 -0700 MST": the zone depends on the machine, the shape does not.
        let b = s.as_bytes();
        assert_eq!(
            (b[4], b[7], b[10], b[13], b[16], b[19]),
            (b'-', b'-', b' ', b':', b':', b' '),
            "{s}"
        );
        assert!(b[20] == b'+' || b[20] == b'-', "{s}");
        if std::env::var_os("TZ").is_none() && !std::path::Path::new("/etc/localtime").exists() {
            assert_eq!(s, "2024-01-02 03:04:05 +0000 UTC");
        }
    }

    #[test]
    fn bytes_parse_like_ram_in_bytes() {
        assert_eq!(parse_bytes("512m").unwrap(), 512 << 20);
        assert_eq!(parse_bytes("512M").unwrap(), 512 << 20);
        assert_eq!(parse_bytes("1.5g").unwrap(), 3 << 29);
        assert_eq!(parse_bytes("64k").unwrap(), 65_536);
        assert_eq!(parse_bytes("64KiB").unwrap(), 65_536);
        assert_eq!(parse_bytes("64kb").unwrap(), 65_536);
        assert_eq!(parse_bytes("100").unwrap(), 100);
        assert_eq!(parse_bytes("100b").unwrap(), 100);
        assert_eq!(parse_bytes("1t").unwrap(), 1 << 40);
        assert_eq!(parse_bytes("32 MB").unwrap(), 32 << 20);
        crate::testing::assert_err(parse_bytes("m"), "invalid size: 'm'");
        crate::testing::assert_err(parse_bytes("-1m"), "invalid size: '-1m'");
        crate::testing::assert_err(parse_bytes("1x"), "invalid suffix: 'x'");
        crate::testing::assert_err(parse_bytes("1mx"), "invalid suffix: 'mx'");
        crate::testing::assert_err(parse_bytes("1bb"), "invalid suffix: 'bb'");
    }

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("300ms").unwrap(), Duration::from_millis(300));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        crate::testing::assert_err(parse_duration("10"), "missing unit in duration \"10\"");
        crate::testing::assert_err(parse_duration("-5m"), "negative duration \"-5m\"");
        crate::testing::assert_err(
            parse_duration("5x"),
            "unknown unit \"x\" in duration \"5x\"",
        );
        crate::testing::assert_err(parse_duration(""), "invalid duration \"\"");
    }

    #[test]
    fn timestamps_parse_like_docker_since() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_timestamp("10m", now).unwrap(),
            now - Duration::from_secs(600)
        );
        assert_eq!(
            parse_timestamp("1699999000", now).unwrap(),
            UNIX_EPOCH + Duration::from_secs(1_699_999_000)
        );
        assert_eq!(
            parse_timestamp("1699999000.25", now).unwrap(),
            UNIX_EPOCH + Duration::new(1_699_999_000, 250_000_000)
        );
        // Zone-less times are local: shift by the machine's offset at that time.
        let midnight_utc = UNIX_EPOCH + Duration::from_secs(1_704_153_600);
        let (offset, _) = local_offset(1_704_153_600);
        let local_midnight = if offset >= 0 {
            midnight_utc - Duration::from_secs(offset as u64)
        } else {
            midnight_utc + Duration::from_secs(offset.unsigned_abs())
        };
        assert_eq!(parse_timestamp("2024-01-02", now).unwrap(), local_midnight);
        assert_eq!(
            parse_timestamp("2024-01-02T00", now).unwrap(),
            local_midnight
        );
        assert_eq!(
            parse_timestamp("2024-01-02T00:00", now).unwrap(),
            local_midnight
        );
        assert_eq!(
            parse_timestamp("2024-01-02T00:00:00.5", now).unwrap(),
            local_midnight + Duration::from_millis(500)
        );
        assert_eq!(
            parse_timestamp("2024-01-02T00:00:00Z", now).unwrap(),
            midnight_utc
        );
        assert_eq!(
            parse_timestamp("2024-01-02T02:00:00+02:00", now).unwrap(),
            midnight_utc
        );
        assert_eq!(parse_timestamp("0", now).unwrap(), UNIX_EPOCH);
        crate::testing::assert_err(
            parse_timestamp("yesterday", now),
            "failed to parse value as time or duration: \"yesterday\"",
        );
    }
}

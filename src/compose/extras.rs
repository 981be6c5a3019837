//! Service keys that map onto `run`'s newer flags: `devices` (`--device`), `logging` (`--log-driver`,
//! `--log-opt`), `cgroup_parent`, memory reservations, CFS period/quota, swappiness, `oom_kill_disable` and
//! `blkio_config` (`--blkio-weight`, `--device-{read,write}-{bps,iops}`). The checks are `run`'s, so a
//! compose container is refused exactly where the `run` it stands for would be.

use super::normalize::scalar;
use super::service::parse_bytes;
use crate::types::{ContainerConfig, DeviceMapping, LogSettings, ThrottleDevice};
use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Apply every key of this file that the service sets.
pub fn apply(c: &mut ContainerConfig, svc: &Value, service: &str) -> Result<()> {
    let at = |k: &str| format!("services.{service}.{k}");
    for (i, d) in svc
        .get("devices")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        c.devices
            .push(device(d).with_context(|| at(&format!("devices[{i}]")))?);
    }
    if let Some(l) = svc.get("logging") {
        c.log = logging(l).with_context(|| at("logging"))?;
    }
    if let Some(v) = svc
        .get("cgroup_parent")
        .map(scalar)
        .filter(|v| !v.is_empty())
    {
        c.cgroup_parent = Some(v);
    }
    resources(c, svc, &at)?;
    if let Some(b) = svc.get("blkio_config") {
        blkio(c, b, &at("blkio_config"))?;
    }
    Ok(())
}

/// A `devices` entry: `HOST[:CONTAINER][:PERMISSIONS]` or the long form (`source`, `target`,
/// `permissions`), with docker/cli's `parseDevice` checks.
fn device(d: &Value) -> Result<DeviceMapping> {
    let valid_mode = |m: &str| {
        !m.is_empty()
            && m.len() <= 3
            && m.chars().all(|c| matches!(c, 'r' | 'w' | 'm'))
            && m.chars()
                .all(|c| m.chars().filter(|x| *x == c).count() == 1)
    };
    let (src, dst, perms) = if d.is_object() {
        let f = |k: &str| d.get(k).map(scalar).unwrap_or_default();
        (f("source"), f("target"), f("permissions"))
    } else {
        let s = scalar(d);
        let parts: Vec<String> = s.split(':').map(str::to_string).collect();
        match parts.as_slice() {
            [a] => (a.clone(), String::new(), String::new()),
            [a, m] if valid_mode(m) => (a.clone(), String::new(), m.clone()),
            [a, b] => (a.clone(), b.clone(), String::new()),
            [a, b, m] => (a.clone(), b.clone(), m.clone()),
            _ => bail!("invalid device specification: {s}"),
        }
    };
    let perms = if perms.is_empty() {
        "rwm".into()
    } else {
        perms
    };
    if !valid_mode(&perms) {
        bail!("invalid device mode: {perms}");
    }
    let dst = if dst.is_empty() { src.clone() } else { dst };
    for p in [&src, &dst] {
        if !p.starts_with('/') {
            bail!("{p} is not an absolute path");
        }
    }
    Ok(DeviceMapping {
        path_on_host: src,
        path_in_container: dst,
        permissions: perms,
    })
}

/// `logging:` as `--log-driver`/`--log-opt`: json-file, local and none, rotated per max-size/max-file
/// (the drivers that keep the log on disk for `logs`, docs/layout.md).
fn logging(l: &Value) -> Result<LogSettings> {
    let driver = l
        .get("driver")
        .and_then(Value::as_str)
        .unwrap_or("json-file")
        .to_string();
    let allowed: &[&str] = match driver.as_str() {
        "json-file" => &["max-file", "max-size", "compress", "labels", "env", "tag"],
        "local" => &["max-file", "max-size", "compress"],
        "none" => &[],
        d => bail!("driver: logger: no log driver named '{d}' is registered"),
    };
    let opts: std::collections::BTreeMap<String, String> = l
        .get("options")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), scalar(v))).collect())
        .unwrap_or_default();
    if driver == "none" && !opts.is_empty() {
        bail!("options: invalid logging opts for driver none");
    }
    for (k, v) in &opts {
        if !allowed.contains(&k.as_str()) {
            bail!("options.{k}: unknown log opt '{k}' for {driver} log driver");
        }
        match k.as_str() {
            "max-file" if v.parse::<i64>().map_or(true, |n| n < 1) => {
                bail!("options.max-file: max-file cannot be less than 1")
            }
            // Rotated files stay plain json-file logs: berth never gzips them.
            "compress" if v != "false" => {
                bail!("options.compress: berth keeps rotated logs uncompressed (use false)")
            }
            _ => {}
        }
    }
    let (size, files) = if driver == "local" {
        (Some(20 << 20), 5)
    } else {
        (None, 1)
    };
    let max_size = match opts.get("max-size") {
        Some(v) => {
            let b = parse_bytes(&Value::String(v.clone()), "options.max-size")?;
            if b == 0 {
                bail!("options.max-size: max-size must be a positive number");
            }
            Some(b)
        }
        None => size,
    };
    let max_file = match opts.get("max-file") {
        Some(v) => v.parse().unwrap_or(1),
        None => files,
    };
    Ok(LogSettings {
        driver: if driver == "json-file" {
            String::new()
        } else {
            driver
        },
        max_file: if max_size.is_some() { max_file } else { 0 },
        max_size,
        opts,
    })
}

fn int(v: &Value, key: &str) -> Result<i64> {
    v.as_i64()
        .or_else(|| scalar(v).parse().ok())
        .with_context(|| format!("{key}: must be a number"))
}

/// Memory reservation (`mem_reservation` or `deploy.resources.reservations.memory`), CFS period and
/// quota, swappiness and `oom_kill_disable`.
fn resources(c: &mut ContainerConfig, svc: &Value, at: &dyn Fn(&str) -> String) -> Result<()> {
    let res = svc
        .get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get("reservations"));
    for k in res
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys())
    {
        if k != "memory" {
            bail!(
                "{}: not supported by berth (only a memory reservation)",
                at(&format!("deploy.resources.reservations.{k}"))
            );
        }
    }
    let r = &mut c.resources;
    if let Some(v) = res
        .and_then(|r| r.get("memory"))
        .or(svc.get("mem_reservation"))
    {
        r.memory_reservation = Some(parse_bytes(v, &at("mem_reservation"))? as i64);
    }
    if let Some(v) = svc.get("cpu_period") {
        r.cpu_period = Some(int(v, &at("cpu_period"))?);
    }
    if let Some(v) = svc.get("cpu_quota") {
        r.cpu_quota = Some(int(v, &at("cpu_quota"))?);
    }
    if let Some(v) = svc.get("mem_swappiness") {
        let n = int(v, &at("mem_swappiness"))?;
        if !(-1..=100).contains(&n) {
            bail!(
                "{}: Invalid value: {n}, valid memory swappiness range is 0-100",
                at("mem_swappiness")
            );
        }
        r.memory_swappiness = Some(n);
    }
    if let Some(v) = svc.get("oom_kill_disable") {
        r.oom_kill_disable = Some(v.as_bool() == Some(true) || scalar(v) == "true");
    }
    Ok(())
}

/// `blkio_config`: weight and per-device throttles (rates in bytes as sizes, or operations).
fn blkio(c: &mut ContainerConfig, b: &Value, key: &str) -> Result<()> {
    if let Some(w) = b.get("weight") {
        let n = int(w, &format!("{key}.weight"))?;
        if n != 0 && !(10..=1000).contains(&n) {
            bail!("{key}.weight: invalid weight {n}: must be between 10 and 1000");
        }
        c.resources.blkio_weight = Some(n as u16);
    }
    if b.get("weight_device").is_some() {
        bail!("{key}.weight_device: not supported by berth (only weight and throttles)");
    }
    let t = &mut c.resources.throttles;
    for (name, list, bytes) in [
        ("device_read_bps", &mut t.read_bps, true),
        ("device_write_bps", &mut t.write_bps, true),
        ("device_read_iops", &mut t.read_iops, false),
        ("device_write_iops", &mut t.write_iops, false),
    ] {
        for (i, e) in b
            .get(name)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let at = format!("{key}.{name}[{i}]");
            let path = e.get("path").map(scalar).unwrap_or_default();
            if !path.starts_with('/') {
                bail!("{at}.path: {path:?} is not an absolute path");
            }
            let rate = e
                .get("rate")
                .with_context(|| format!("{at}.rate: missing"))?;
            let rate = if bytes {
                parse_bytes(rate, &format!("{at}.rate"))?
            } else {
                int(rate, &format!("{at}.rate"))? as u64
            };
            list.push(ThrottleDevice { path, rate });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg(svc: Value) -> Result<ContainerConfig> {
        let mut c = ContainerConfig::default();
        apply(&mut c, &svc, "web").map(|_| c)
    }

    #[test]
    fn devices_short_and_long_as_run_parses_them() {
        let c = cfg(json!({"devices": [
            "/dev/null", "/dev/zero:/dev/z", "/dev/full:r",
            {"source": "/dev/urandom", "target": "/dev/u", "permissions": "rw"}
        ]}))
        .unwrap();
        let d: Vec<_> = c
            .devices
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}",
                    d.path_on_host, d.path_in_container, d.permissions
                )
            })
            .collect();
        assert_eq!(
            d,
            [
                "/dev/null:/dev/null:rwm",
                "/dev/zero:/dev/z:rwm",
                "/dev/full:/dev/full:r",
                "/dev/urandom:/dev/u:rw"
            ]
        );
        crate::testing::assert_err(
            cfg(json!({"devices": ["dev/null"]})),
            "services.web.devices[0]: dev/null is not an absolute path",
        );
    }

    #[test]
    fn logging_drivers_and_rotation() {
        let c = cfg(json!({"logging": {"driver": "json-file",
            "options": {"max-size": "1k", "max-file": "3"}}}))
        .unwrap();
        assert_eq!(
            (c.log.driver(), c.log.max_size, c.log.max_file),
            ("json-file", Some(1024), 3)
        );
        let c = cfg(json!({"logging": {"driver": "local"}})).unwrap();
        assert_eq!((c.log.max_size, c.log.max_file), (Some(20 << 20), 5));
        assert_eq!(
            cfg(json!({"logging": {"driver": "none"}}))
                .unwrap()
                .log
                .driver(),
            "none"
        );
        crate::testing::assert_err(
            cfg(json!({"logging": {"driver": "syslog"}})),
            "services.web.logging: driver: logger: no log driver named 'syslog' is registered",
        );
        crate::testing::assert_err(
            cfg(json!({"logging": {"options": {"max-file": "0"}}})),
            "services.web.logging: options.max-file: max-file cannot be less than 1",
        );
    }

    #[test]
    fn reservations_cfs_and_blkio() {
        let c = cfg(json!({
            "deploy": {"resources": {"reservations": {"memory": "64m"}}},
            "cpu_period": 100000, "cpu_quota": 50000, "cgroup_parent": "bench",
            "blkio_config": {"weight": 300,
                "device_read_bps": [{"path": "/dev/sda", "rate": "1mb"}],
                "device_write_iops": [{"path": "/dev/sda", "rate": 120}]}
        }))
        .unwrap();
        let r = &c.resources;
        assert_eq!(c.cgroup_parent.as_deref(), Some("bench"));
        assert_eq!(r.memory_reservation, Some(64 << 20));
        assert_eq!((r.cpu_period, r.cpu_quota), (Some(100000), Some(50000)));
        assert_eq!(r.blkio_weight, Some(300));
        assert_eq!(r.throttles.read_bps[0].rate, 1 << 20);
        assert_eq!(r.throttles.write_iops[0].rate, 120);
        crate::testing::assert_err(
            cfg(json!({"deploy": {"resources": {"reservations": {"cpus": "1"}}}})),
            "services.web.deploy.resources.reservations.cpus: not supported by berth (only a memory reservation)",
        );
        crate::testing::assert_err(
            cfg(json!({"blkio_config": {"weight": 5}})),
            "services.web.blkio_config.weight: invalid weight 5: must be between 10 and 1000",
        );
    }
}

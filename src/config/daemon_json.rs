//! docker's daemon.json: the two keys that matter for pulls (`registry-mirrors`, `insecure-registries`,
//! with its CIDR ranges) and the range check on them.
//!
//! Must not depend on anything in berth but the parent module. Invariant: every other key belongs to
//! dockerd and is neither read nor reported.

use super::{Config, Mirror, PullFrom, entry_mut};
use anyhow::{Context, Result};
use serde::Deserialize;

impl Config {
    /// Whether `host[:port]` is an IP address inside an insecure range.
    pub fn in_insecure_range(&self, host: &str) -> bool {
        let h = match host.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') => h,
            _ => host,
        };
        let Ok(ip) = h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
        else {
            return false;
        };
        self.insecure_ranges
            .iter()
            .any(|(net, bits)| match (net, ip) {
                (std::net::IpAddr::V4(n), std::net::IpAddr::V4(a)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(*bits)).unwrap_or(0);
                    u32::from(*n) & mask == u32::from(a) & mask
                }
                (std::net::IpAddr::V6(n), std::net::IpAddr::V6(a)) => {
                    let mask = u128::MAX.checked_shl(128 - u32::from(*bits)).unwrap_or(0);
                    u128::from(*n) & mask == u128::from(a) & mask
                }
                _ => false,
            })
    }
}

/// docker's daemon.json: only `registry-mirrors` (docker.io only, moby `registry/config.go`) and
/// `insecure-registries` matter for pulls; every other key belongs to dockerd.
pub(super) fn merge_daemon_json(
    cfg: &mut Config,
    text: &str,
    warnings: &mut Vec<String>,
) -> Result<()> {
    #[derive(Deserialize)]
    struct Daemon {
        #[serde(default, rename = "registry-mirrors")]
        mirrors: Vec<String>,
        #[serde(default, rename = "insecure-registries")]
        insecure: Vec<String>,
    }
    let d: Daemon = serde_json::from_str(text).context("parsing daemon.json")?;
    if !d.mirrors.is_empty() {
        let e = entry_mut(cfg, "docker.io");
        if e.mirrors.is_empty() {
            e.mirrors = d
                .mirrors
                .into_iter()
                .map(|m| Mirror {
                    location: m,
                    insecure: false,
                    pull_from: PullFrom::All,
                })
                .collect();
        }
    }
    for reg in d.insecure {
        if let Some((ip, bits)) = reg.split_once('/')
            && !reg.contains("://")
            && let Ok(ip) = ip.parse::<std::net::IpAddr>()
        {
            match bits.parse::<u8>() {
                Ok(b) if b <= if ip.is_ipv4() { 32 } else { 128 } => {
                    cfg.insecure_ranges.push((ip, b))
                }
                _ => warnings.push(format!(
                    "daemon.json: invalid insecure-registries range {reg}"
                )),
            }
            continue;
        }
        let host = reg
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .trim_end_matches('/');
        entry_mut(cfg, host).insecure = true;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daemon_json_cidr_ranges_match_ip_hosts() {
        let mut c = Config::default();
        let mut w = Vec::new();
        merge_daemon_json(
            &mut c,
            r#"{"insecure-registries": ["10.1.0.0/16", "fd00::/8", "1.2.3.4/99"]}"#,
            &mut w,
        )
        .unwrap();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(c.in_insecure_range("10.1.200.3:5000"));
        assert!(!c.in_insecure_range("10.2.0.1:5000"));
        assert!(c.in_insecure_range("[fd00::1]:5000"));
        assert!(!c.in_insecure_range("registry.example:5000"));
    }
}

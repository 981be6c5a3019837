//! A container's health check: its effective configuration (the `run` flags over the image's
//! HEALTHCHECK, merged per field as docker's daemon merges them) and docker's `State.Health`, which
//! the container's monitor writes to `<run-root>/containers/<id>/health.json` (docs/layout.md) and
//! `inspect`, `ps` and compose's `service_healthy` read.
//!
//! Depends on store (paths, the volatile write) and types only. Invariant: health.json is replaced
//! whole (temp file and rename), so a reader in another process never sees half a record.

use super::Containers;
use crate::store;
use crate::types::health::{self, Health, HealthConfig};
use crate::types::{ContainerRecord, ImageConfig};
use anyhow::{Context, Result};

/// The container's `Config.Healthcheck` as docker shows it: the user's config over the image's,
/// field by field (moby `daemon/commit.go` merge): an empty `Test` or a zero field inherits the
/// image's. None when neither has one.
pub fn merged_healthcheck(
    user: Option<&HealthConfig>,
    image: &ImageConfig,
) -> Option<HealthConfig> {
    let img = image.healthcheck.as_ref();
    let Some(user) = user else {
        return img.cloned();
    };
    let Some(img) = img else {
        return Some(user.clone());
    };
    let pick = |u: i64, i: i64| if u == 0 { i } else { u };
    Some(HealthConfig {
        test: if user.test.is_empty() {
            img.test.clone()
        } else {
            user.test.clone()
        },
        interval: pick(user.interval, img.interval),
        timeout: pick(user.timeout, img.timeout),
        start_period: pick(user.start_period, img.start_period),
        start_interval: pick(user.start_interval, img.start_interval),
        retries: pick(user.retries, img.retries),
    })
}

/// The container's effective health check, when one runs: a `CMD` or `CMD-SHELL` test (moby
/// `daemon/health.go` getProbe; `NONE`, an empty test or an unknown type means no check).
pub fn active_healthcheck(rec: &ContainerRecord) -> Option<HealthConfig> {
    merged_healthcheck(rec.config.healthcheck.as_ref(), &rec.image_config)
        .filter(|h| is_probe(&h.test))
}

/// A test that runs something: `["CMD", arg0, ...]` or `["CMD-SHELL", command]`.
pub fn is_probe(test: &[String]) -> bool {
    match test.first().map(String::as_str) {
        Some("CMD") | Some("CMD-SHELL") => test.len() > 1,
        _ => false,
    }
}

/// The check's argv: `CMD`'s arguments as they are, `CMD-SHELL`'s command after the image's SHELL
/// (docker's default `/bin/sh -c`).
pub fn probe_argv(test: &[String], shell: Option<&[String]>) -> Vec<String> {
    match test.first().map(String::as_str) {
        Some("CMD-SHELL") => {
            let mut argv: Vec<String> = match shell {
                Some(s) if !s.is_empty() => s.to_vec(),
                _ => vec!["/bin/sh".into(), "-c".into()],
            };
            argv.push(test[1..].join(" "));
            argv
        }
        _ => test.iter().skip(1).cloned().collect(),
    }
}

impl Containers {
    /// docker's `State.Health` of the container as its monitor last wrote it; None when the container
    /// has no running health check or was never started with one. `running`: whether the container
    /// runs now; a record left by a monitor that died reads as docker's after a stop (`unhealthy`).
    pub fn load_health(&self, id: &str, running: bool) -> Option<Health> {
        let data = std::fs::read(self.paths.container_health(id)).ok()?;
        let mut h: Health = serde_json::from_slice(&data).ok()?;
        if !running {
            h.status = health::UNHEALTHY.to_string();
        }
        Some(h)
    }

    /// Replaces health.json (the monitor, after each check and at start and stop).
    pub fn save_health(&self, id: &str, h: &Health) -> Result<()> {
        let data = serde_json::to_vec(h).context("encoding the health state")?;
        store::write_volatile(&self.paths.container_health(id), &data)
            .context("recording the health state")
    }

    /// The health status word of a container (`starting`, `healthy`, `unhealthy`, or `none` when it
    /// has no health check), what `ps --filter health=` and compose's `service_healthy` test.
    pub fn health_status(&self, rec: &ContainerRecord, running: bool) -> String {
        if active_healthcheck(rec).is_none() {
            return health::NO_HEALTHCHECK.to_string();
        }
        match self.load_health(&rec.id, running) {
            Some(h) => h.status,
            // Configured but its monitor has not written yet: docker's status before the first check.
            None if running => health::STARTING.to_string(),
            None => health::NO_HEALTHCHECK.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hc(test: &[&str], interval: i64, retries: i64) -> HealthConfig {
        HealthConfig {
            test: test.iter().map(|s| s.to_string()).collect(),
            interval,
            retries,
            ..HealthConfig::default()
        }
    }

    #[test]
    fn user_fields_override_the_images_one_by_one() {
        let image = ImageConfig {
            healthcheck: Some(HealthConfig {
                timeout: 7,
                ..hc(&["CMD", "true"], 5, 2)
            }),
            ..ImageConfig::default()
        };
        // --health-interval only: the image's test, timeout and retries stay.
        let m = merged_healthcheck(Some(&hc(&[], 9, 0)), &image).unwrap();
        assert_eq!(
            m,
            HealthConfig {
                timeout: 7,
                ..hc(&["CMD", "true"], 9, 2)
            }
        );
        // --health-cmd replaces the test.
        let m = merged_healthcheck(Some(&hc(&["CMD-SHELL", "x"], 0, 0)), &image).unwrap();
        assert_eq!(m.test, vec!["CMD-SHELL", "x"]);
        assert_eq!(m.interval, 5);
        // No flags: the image's; no image check: the user's; neither: none.
        assert_eq!(merged_healthcheck(None, &image), image.healthcheck);
        let plain = ImageConfig::default();
        assert_eq!(
            merged_healthcheck(Some(&hc(&[], 9, 0)), &plain),
            Some(hc(&[], 9, 0))
        );
        assert_eq!(merged_healthcheck(None, &plain), None);
    }

    #[test]
    fn only_cmd_and_cmd_shell_tests_run() {
        let t = |v: &[&str]| is_probe(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert!(t(&["CMD", "true"]));
        assert!(t(&["CMD-SHELL", "exit 0"]));
        assert!(!t(&["NONE"]));
        assert!(!t(&[]));
        assert!(!t(&["CMD"]));
        assert!(!t(&["BOGUS", "x"]));
    }

    #[test]
    fn shell_checks_run_under_the_images_shell_or_bin_sh() {
        let test = vec!["CMD-SHELL".to_string(), "exit 1".to_string()];
        assert_eq!(probe_argv(&test, None), vec!["/bin/sh", "-c", "exit 1"]);
        let ash = vec!["/bin/ash".to_string(), "-ec".to_string()];
        assert_eq!(
            probe_argv(&test, Some(&ash)),
            vec!["/bin/ash", "-ec", "exit 1"]
        );
        let cmd = vec!["CMD".to_string(), "ls".to_string(), "/".to_string()];
        assert_eq!(probe_argv(&cmd, None), vec!["ls", "/"]);
    }
}

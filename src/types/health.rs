//! docker's health check records: the configuration ([`HealthConfig`], docker's `Config.Healthcheck`,
//! from `run`/`create` flags and from the image's HEALTHCHECK) and the state the container's monitor
//! keeps ([`Health`], docker's `State.Health`, in `<run-root>/containers/<id>/health.json`,
//! docs/layout.md). Both use docker's JSON names, so `inspect` prints them as they are.

use serde::{Deserialize, Serialize};

/// docker's defaults when a duration or the retries are 0 (moby `daemon/health.go`).
pub const DEFAULT_INTERVAL_NS: i64 = 30_000_000_000;
pub const DEFAULT_TIMEOUT_NS: i64 = 30_000_000_000;
pub const DEFAULT_START_INTERVAL_NS: i64 = 5_000_000_000;
pub const DEFAULT_RETRIES: i64 = 3;
/// docker keeps the last 5 results in `State.Health.Log`.
pub const MAX_LOG_ENTRIES: usize = 5;
/// docker keeps at most 4096 bytes of a check's output.
pub const MAX_OUTPUT_LEN: usize = 4096;

/// `State.Health.Status` values, and `none` for `ps --filter health=none`.
pub const STARTING: &str = "starting";
pub const HEALTHY: &str = "healthy";
pub const UNHEALTHY: &str = "unhealthy";
pub const NO_HEALTHCHECK: &str = "none";

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// docker's `HealthConfig`: `Test` is `[]` (inherit the image's), `["NONE"]` (disabled),
/// `["CMD", args...]` or `["CMD-SHELL", command]`; durations in nanoseconds, 0 meaning "inherit, then
/// docker's default".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthConfig {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interval: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub timeout: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_period: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_interval: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: i64,
}

/// One check's result (docker's `HealthcheckResult`): RFC 3339 times, the exit code (-1 when the check
/// timed out or could not start) and its output (stdout and stderr, at most [`MAX_OUTPUT_LEN`] bytes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthLogEntry {
    pub start: String,
    pub end: String,
    pub exit_code: i64,
    pub output: String,
}

/// docker's `State.Health`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Health {
    pub status: String,
    pub failing_streak: i64,
    #[serde(default)]
    pub log: Vec<HealthLogEntry>,
}

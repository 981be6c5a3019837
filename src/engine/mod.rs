//! The engine: one function per user verb; typed options in, typed reports out. It orders
//! lock -> refresh -> act -> save, and reports progress through [`Progress`] instead of printing.
//!
//! Must not print, exit or know about terminals (that is `cli`). Invariant: every command works on the
//! store through a [`Context`] built once per invocation.

pub mod build;
pub mod container;
pub mod events;
pub mod image;
pub mod login;
pub mod network;
pub mod pod;
pub mod short_name;
pub mod system;
pub mod volume;

#[cfg(test)]
mod seccomp_tree_tests;

use crate::config::Config;

/// Timestamps as the engine reports them (RFC 3339), read back for `ps`' relative times.
/// Where the store is: every engine call takes it (cli names it through the engine, not the store).
pub use crate::store::Paths;
use anyhow::Result;
use std::path::Path;

/// What a `prune` verb removed (container ids, volume names, image removal lines) and the bytes it freed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned<T> {
    pub removed: Vec<T>,
    pub reclaimed_bytes: u64,
}

/// How a layer ended up on disk during a pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerStatus {
    Downloaded,
    AlreadyExists,
}

/// One reference a pull is about to try, before its manifest is fetched: docker says
/// `<label>: Pulling from <repository>`, and podman, trying a short name on each unqualified-search
/// registry in turn, `Trying to pull <reference>...` first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullAttempt {
    /// The full reference (`docker.io/library/busybox:latest`, or `...@sha256:...`).
    pub reference: String,
    /// The repository path within its registry (`library/busybox`).
    pub repository: String,
    /// The digest when the reference has one, else its tag (`latest` when it has neither).
    pub label: String,
    /// True when the name is tried on each unqualified-search registry (registries.conf) in turn.
    pub searching: bool,
}

impl PullAttempt {
    /// Trying `r`.
    fn of(r: &crate::image::ImageRef, searching: bool) -> PullAttempt {
        PullAttempt {
            reference: r.full(),
            repository: r.repository().to_string(),
            label: match (r.digest(), r.tag()) {
                (Some(d), _) => d.to_string(),
                (None, Some(t)) => t.to_string(),
                (None, None) => "latest".to_string(),
            },
            searching,
        }
    }
}

/// Pull progress: per reference tried, then per layer (`id` is the 12-hex short form of the layer blob
/// digest, as docker shows it). The layer calls come from several download threads at once.
pub trait Progress: Sync {
    /// A pull is about to try `attempt` (once per candidate reference). Default: nothing to report.
    fn on_pull_attempt(&self, _attempt: &PullAttempt) {}
    fn on_layer_start(&self, id: &str, size: u64);
    fn on_bytes(&self, id: &str, n: u64);
    fn on_layer_done(&self, id: &str, status: LayerStatus);
}

/// Progress that goes nowhere (tests, `-q`).
pub struct NoProgress;

impl Progress for NoProgress {
    fn on_layer_start(&self, _: &str, _: u64) {}
    fn on_bytes(&self, _: &str, _: u64) {}
    fn on_layer_done(&self, _: &str, _: LayerStatus) {}
}

/// What every engine call needs: where the store is and the loaded configuration.
#[derive(Debug, Clone)]
pub struct Context {
    pub paths: Paths,
    pub config: Config,
    /// What loading the config warned about (unknown keys), for the commands that print it (pull, run,
    /// create), so they need not load the files a second time.
    pub config_warnings: Vec<String>,
    /// Set by [`Context::lenient`] when the config did not load: the defaults stand in, and the verbs
    /// that use the config (pull, run, create) fail with this error instead.
    pub config_error: Option<String>,
}

impl Context {
    /// Resolve the store paths and load the config files (`--root`, `--run-root`, `--config`). Returns the
    /// config warnings (unknown keys) for the CLI to print.
    pub fn new(
        root: Option<&Path>,
        run_root: Option<&Path>,
        config: Option<&Path>,
    ) -> Result<(Context, Vec<String>)> {
        let paths = Paths::resolve(root, run_root)?;
        let (config, warnings) = Config::load(config, paths.rootless)?;
        let ctx = Context {
            paths,
            config,
            config_warnings: warnings.clone(),
            config_error: None,
        };
        Ok((ctx, warnings))
    }

    /// As [`Context::new`], for verbs that work without the config (`ps`, `stop`, `rm`, pods ...): a
    /// config that does not load is kept as [`Context::config_error`] instead of failing them, as
    /// they did not read it before the engine took a context.
    pub fn lenient(
        root: Option<&Path>,
        run_root: Option<&Path>,
        config: Option<&Path>,
    ) -> Result<Context> {
        let paths = Paths::resolve(root, run_root)?;
        Ok(match Config::load(config, paths.rootless) {
            Ok((config, warnings)) => Context {
                paths,
                config,
                config_warnings: warnings,
                config_error: None,
            },
            Err(e) => Context {
                paths,
                config: Config::default(),
                config_warnings: Vec::new(),
                config_error: Some(format!("{e:#}")),
            },
        })
    }

    /// A context over explicit paths and config (tests, embedding).
    pub fn with(paths: Paths, config: Config) -> Context {
        Context {
            paths,
            config,
            config_warnings: Vec::new(),
            config_error: None,
        }
    }
}

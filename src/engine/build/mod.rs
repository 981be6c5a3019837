//! `berth build`: a Dockerfile turned into an image in-process (docs/architecture.md, "build").
//! The frontend (`ast`, parsing, substitution, .dockerignore, the context) is pure; the executor
//! (`exec`, `run_step`, `fs_step`, `cache`, `image_config`) runs the steps through the same launch path
//! as `run` and commits the image through the same path as `commit`.
//!
//! Entry point for every caller (the cli, compose's `build:`): [`build`] with [`BuildOptions`], which
//! reports through [`BuildProgress`] and returns a [`BuildReport`] or a [`BuildFailed`] error.
//! Invariant: a failed build moves no tag and leaves no container, mount or temp dir behind; the image
//! and its tags appear together at the end.

pub mod ast;
mod cache;
pub mod context;
pub mod dockerfile;
mod exec;
mod fs_step;
pub mod ignore;
mod image_config;
mod meta;
pub mod mirror;
mod parallel;
mod run_step;
mod steps;
pub mod subst;
mod sweep;
mod words;

pub use cache::{CacheRecord, PruneReport, prune, usage as cache_usage};
pub use exec::build;
pub use parallel::{PARALLEL_ENV, run_stage_child};

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where the Dockerfile comes from.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum DockerfileSource {
    /// A file (`-f`, or `Dockerfile` in the context dir).
    Path(PathBuf),
    /// Its text (`-f -`, `build - < Dockerfile`), shown as `Dockerfile` in messages.
    Text(String),
}

/// The build context.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum BuildContext {
    /// A directory.
    Dir(PathBuf),
    /// No context (`build -` with a Dockerfile on stdin): COPY of a local source fails.
    Empty,
    /// A tar archive (plain, gzip or zstd; `build - < ctx.tar`), extracted for the build's duration;
    /// a relative `DockerfileSource::Path` is inside it.
    Tar(Vec<u8>),
}

/// Everything `berth build` takes (docker's flags, typed). Serialisable: a stage built in a child
/// process gets them whole (docs/architecture.md "build").
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BuildOptions {
    pub context: BuildContext,
    pub dockerfile: DockerfileSource,
    /// `-t`: full references, applied together when the build succeeds.
    pub tags: Vec<String>,
    /// `--build-arg k=v`.
    pub build_args: BTreeMap<String, String>,
    /// `--label k=v`: added to the final image's labels.
    pub labels: BTreeMap<String, String>,
    /// `--target`: build up to this stage (default: the last).
    pub target: Option<String>,
    pub no_cache: bool,
    /// `--pull`: pull every base image even when present.
    pub pull: bool,
    /// `--network`: `default`, `none` or `host`, for every RUN.
    pub network: String,
    /// `--add-host host:ip`.
    pub add_hosts: Vec<(String, IpAddr)>,
    /// `--secret id=x,src=path`: mounted at /run/secrets/<id> by `RUN --mount=type=secret`.
    pub secrets: BTreeMap<String, PathBuf>,
    /// `--step-timeout` (or `[build] step_timeout`): a RUN step running longer is killed.
    pub step_timeout: Option<Duration>,
    /// `SOURCE_DATE_EPOCH` / `--source-date-epoch`: every `created` timestamp of the image.
    pub source_date_epoch: Option<i64>,
    /// `[build.package_mirrors]` with `--package-mirror` over it: mirror key -> URL.
    pub package_mirrors: BTreeMap<String, String>,
    /// Set (by a signal handler) to stop the build: the running step is killed and cleaned up.
    #[serde(skip)]
    pub cancel: Option<&'static std::sync::atomic::AtomicBool>,
    /// Independent stages build at the same time, each in a child process (default on; the cli turns
    /// it off with `BERTH_BUILD_PARALLEL=0`).
    pub parallel: bool,
    /// `--config`: the config file a stage's child process loads (None: the default lookup).
    pub config_file: Option<PathBuf>,
    /// `--output type=image,compression=gzip|zstd`: how the image's built layers are stored (and pushed).
    pub compression: LayerCompression,
}

/// The compression of the image's built layers, done once per layer and kept in the build cache
/// (docs/layout.md "Build cache"), so push and save send the stored blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum LayerCompression {
    #[default]
    Gzip,
    Zstd,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            context: BuildContext::Empty,
            dockerfile: DockerfileSource::Text(String::new()),
            tags: Vec::new(),
            build_args: BTreeMap::new(),
            labels: BTreeMap::new(),
            target: None,
            no_cache: false,
            pull: false,
            network: "default".into(),
            add_hosts: Vec::new(),
            secrets: BTreeMap::new(),
            step_timeout: None,
            source_date_epoch: None,
            package_mirrors: BTreeMap::new(),
            cancel: None,
            parallel: true,
            config_file: None,
            compression: LayerCompression::Gzip,
        }
    }
}

/// What a successful build gives back.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// `sha256:<config digest>`.
    pub id: String,
    /// The tags applied, normalised (`docker.io/library/app:1`).
    pub tags: Vec<String>,
    /// Steps executed / served from the cache.
    pub executed: usize,
    pub cached: usize,
    /// BuildKit's Dockerfile checks that failed (`JSONArgsRecommended: ... (line 3)`).
    pub warnings: Vec<String>,
}

/// Progress of a build, in BuildKit's vertices: each has a number (`#5`) and a name
/// (`[build 2/4] RUN make`). The cli prints them; the engine never does (docs/architecture.md).
pub trait BuildProgress: Sync {
    fn start(&self, vertex: usize, name: &str);
    /// Output of a RUN step, as it comes.
    fn log(&self, vertex: usize, data: &[u8]);
    /// A status line of the vertex (`writing image sha256:... done`), not the output of a process.
    fn status(&self, vertex: usize, text: &str);
    fn cached(&self, vertex: usize);
    fn done(&self, vertex: usize, elapsed: Duration);
    fn error(&self, vertex: usize, elapsed: Duration, message: &str);
}

/// A build that failed, with what BuildKit shows: the message after `failed to solve:`, the vertex that
/// failed and the Dockerfile lines around the instruction.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{message}")]
pub struct BuildFailed {
    pub message: String,
    /// `[2/3] RUN exit 7`, when a step failed.
    pub vertex: Option<String>,
    /// The Dockerfile's name as given (`Dockerfile`, `docker/Dockerfile.prod`).
    pub file: String,
    /// Line number, text, and whether it is the failing instruction's.
    pub excerpt: Vec<(usize, String, bool)>,
    /// The output of the failing step, its last lines.
    pub output: Vec<String>,
}

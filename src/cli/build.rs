//! `build` (also `image build`, `buildx build`) and `builder prune`: flags parsed into
//! [`engine::build::BuildOptions`], progress printed in BuildKit's shapes (`--progress plain`: `#5 [2/3]
//! RUN make`, output lines `#5 0.123 ...`, `#5 DONE 0.4s`; a compact `=> ...` view on a terminal; `-q`
//! only the image ID), and a failed build reported as BuildKit does (`ERROR: failed to solve: ...` with
//! the Dockerfile lines), exit 1.

use super::{GlobalOpts, StatusError, human};
use crate::engine::Context;
use crate::engine::build::{
    self as eng, BuildContext, BuildFailed, BuildOptions, BuildProgress, DockerfileSource,
};
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Subcommand)]
pub enum BuildCommand {
    /// Build an image from a Dockerfile
    Build(Box<BuildArgs>),
    /// Manage builds
    Builder {
        #[command(subcommand)]
        cmd: BuilderGroup,
    },
    /// Docker Buildx (berth builds in-process; `buildx build` is `build`)
    Buildx {
        #[command(subcommand)]
        cmd: BuildxGroup,
    },
}

#[derive(Debug, Subcommand)]
pub enum BuilderGroup {
    /// Remove build cache
    Prune(PruneArgs),
    /// Build an image from a Dockerfile
    Build(Box<BuildArgs>),
}

#[derive(Debug, Subcommand)]
pub enum BuildxGroup {
    /// Start a build
    Build(Box<BuildArgs>),
    /// Remove build cache
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Remove all unused build cache, not just the cached steps (also RUN --mount=type=cache dirs)
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Name and optionally a tag in the "name:tag" format
    #[arg(short, long = "tag")]
    pub tag: Vec<String>,
    /// Name of the Dockerfile (default: "PATH/Dockerfile"; "-" reads it from stdin)
    #[arg(short, long)]
    pub file: Option<String>,
    /// Set build-time variables
    #[arg(long = "build-arg")]
    pub build_arg: Vec<String>,
    /// Set metadata for an image
    #[arg(long)]
    pub label: Vec<String>,
    /// Set the target build stage to build
    #[arg(long)]
    pub target: Option<String>,
    /// Write the image ID to the file
    #[arg(long)]
    pub iidfile: Option<PathBuf>,
    /// Suppress the build output and print image ID on success
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not use cache when building the image
    #[arg(long)]
    pub no_cache: bool,
    /// Always attempt to pull all referenced images
    #[arg(long)]
    pub pull: bool,
    /// Set the networking mode for the RUN instructions during build (default, none, host)
    #[arg(long, default_value = "default")]
    pub network: String,
    /// Add a custom host-to-IP mapping ("host:ip")
    #[arg(long = "add-host")]
    pub add_host: Vec<String>,
    /// Secret to expose to the build ("id=mysecret,src=/local/secret")
    #[arg(long)]
    pub secret: Vec<String>,
    /// Set type of progress output ("auto", "plain", "tty", "quiet")
    #[arg(long, default_value = "auto")]
    pub progress: String,
    /// Set target platform for build (berth builds for the host's only)
    #[arg(long, env = "DOCKER_DEFAULT_PLATFORM")]
    pub platform: Option<String>,
    /// Kill a RUN step that runs longer than this ("10m", "90s"; default: [build] step_timeout)
    #[arg(long = "step-timeout", value_name = "DURATION")]
    pub step_timeout: Option<String>,
    /// Package mirror for RUN steps ("debian=http://mirror/debian"; keys debian, debian-security, ubuntu,
    /// alpine), over [build.package_mirrors]
    #[arg(long = "package-mirror", value_name = "KEY=URL")]
    pub package_mirror: Vec<String>,
    /// Clamp every timestamp of the image to this Unix time (default: $SOURCE_DATE_EPOCH)
    #[arg(long = "source-date-epoch", value_name = "SECONDS")]
    pub source_date_epoch: Option<i64>,
    /// Output destination: "type=image[,compression=gzip|zstd]" (berth stores the image; built layers
    /// are compressed with gzip unless zstd is asked for)
    #[arg(short, long, value_name = "SPEC")]
    pub output: Vec<String>,
    /// Build context: a directory, or "-" for a Dockerfile on stdin
    #[arg(value_name = "PATH | -")]
    pub context: String,
}

fn context(g: &GlobalOpts) -> Result<Context> {
    let (ctx, warnings) = Context::new(
        g.root.as_deref(),
        g.run_root.as_deref(),
        g.config.as_deref(),
    )?;
    for w in warnings {
        eprintln!("WARNING: {w}");
    }
    Ok(ctx)
}

pub fn run(cmd: BuildCommand, g: &GlobalOpts) -> Result<i32> {
    match cmd {
        BuildCommand::Build(a)
        | BuildCommand::Builder {
            cmd: BuilderGroup::Build(a),
        }
        | BuildCommand::Buildx {
            cmd: BuildxGroup::Build(a),
        } => build(&context(g)?, *a, g),
        BuildCommand::Builder {
            cmd: BuilderGroup::Prune(a),
        }
        | BuildCommand::Buildx {
            cmd: BuildxGroup::Prune(a),
        } => prune(&context(g)?, a),
    }
}

fn prune(ctx: &Context, a: PruneArgs) -> Result<i32> {
    if !a.force {
        eprint!(
            "WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] "
        );
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            return Ok(0);
        }
    }
    let r = eng::prune(ctx, a.all)?;
    let mut out = std::io::stdout().lock();
    if !r.removed.is_empty() {
        writeln!(out, "ID")?;
        for id in &r.removed {
            let short = id.trim_start_matches("sha256:");
            writeln!(out, "{}", &short[..short.len().min(25)])?;
        }
    }
    writeln!(out, "Total:\t{}", human::human_size(r.reclaimed))?;
    Ok(0)
}

fn key_value(s: &str, what: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => bail!("invalid {what} {s:?}: expected key=value"),
    }
}

/// `--output type=image,compression=zstd` (docker buildx's form): the only exporter is berth's image
/// store; `compression` picks how the built layers are stored.
fn output_compression(spec: &str) -> Result<eng::LayerCompression> {
    let pairs = spec
        .split(',')
        .map(|p| key_value(p, "output"))
        .collect::<Result<Vec<_>>>()?;
    match pairs
        .iter()
        .find(|(k, _)| k == "type")
        .map(|(_, v)| v.as_str())
    {
        Some("image" | "docker") => {}
        Some(t) => bail!("--output type={t} is not supported by berth build (type=image)"),
        None => bail!("--output {spec:?}: a type is required (type=image)"),
    }
    let mut c = eng::LayerCompression::Gzip;
    for (k, v) in &pairs {
        match (k.as_str(), v.as_str()) {
            ("type", _) => {}
            ("compression", "gzip") => c = eng::LayerCompression::Gzip,
            ("compression", "zstd") => c = eng::LayerCompression::Zstd,
            ("compression", other) => {
                bail!("invalid --output compression {other:?}: berth build stores gzip or zstd")
            }
            // Built layers are always compressed as asked; berth writes OCI manifests.
            ("force-compression", _) | ("oci-mediatypes", "true") => {}
            (k, _) => bail!("--output key {k:?} is not supported by berth build"),
        }
    }
    Ok(c)
}

/// The flags as [`BuildOptions`].
fn options(ctx: &Context, a: &BuildArgs) -> Result<BuildOptions> {
    if let Some(p) = &a.platform {
        crate::engine::container::check_run_platform(p)?;
    }
    let mut o = BuildOptions {
        tags: a.tag.clone(),
        target: a.target.clone(),
        no_cache: a.no_cache,
        pull: a.pull,
        ..Default::default()
    };
    for b in &a.build_arg {
        // docker: `--build-arg K` takes K from the environment (and is ignored when unset).
        match b.split_once('=') {
            Some((k, v)) => {
                o.build_args.insert(k.to_string(), v.to_string());
            }
            None => {
                if let Ok(v) = std::env::var(b) {
                    o.build_args.insert(b.clone(), v);
                }
            }
        }
    }
    for l in &a.label {
        let (k, v) = l.split_once('=').unwrap_or((l, ""));
        o.labels.insert(k.to_string(), v.to_string());
    }
    o.network = match a.network.as_str() {
        "default" | "bridge" => "default".into(),
        "none" | "host" => a.network.clone(),
        n => bail!("network mode {n:?} not supported by berth build (default, none, host)"),
    };
    for h in &a.add_host {
        let (host, ip) = h.split_once(':').with_context(|| {
            format!(
                "invalid argument {h:?} for \"--add-host\" flag: invalid IP address in add-host"
            )
        })?;
        let ip = ip
            .trim_matches(['[', ']'])
            .parse()
            .with_context(|| format!("invalid IP address in add-host: {ip:?}"))?;
        o.add_hosts.push((host.to_string(), ip));
    }
    for s in &a.secret {
        let mut kv: HashMap<String, String> = HashMap::new();
        for part in s.split(',') {
            let (k, v) = key_value(part, "secret")?;
            kv.insert(k, v);
        }
        let id = kv.get("id").context("secret needs an id")?.clone();
        let src = kv
            .get("src")
            .or_else(|| kv.get("source"))
            .context("secret needs src=PATH")?;
        o.secrets.insert(id, PathBuf::from(src));
    }
    let timeout = a
        .step_timeout
        .clone()
        .or_else(|| Some(ctx.config.build.step_timeout.clone()).filter(|s| !s.is_empty()));
    if let Some(t) = timeout {
        o.step_timeout = Some(
            eng::dockerfile::parse_duration(&t)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("invalid --step-timeout {t:?}"))?,
        );
    }
    o.source_date_epoch = match a.source_date_epoch {
        Some(s) => Some(s),
        None => match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) if !v.is_empty() => Some(
                v.parse()
                    .with_context(|| format!("invalid SOURCE_DATE_EPOCH {v:?}"))?,
            ),
            _ => None,
        },
    };
    o.package_mirrors = ctx.config.build.package_mirrors.clone();
    for m in &a.package_mirror {
        let (k, v) = key_value(m, "package mirror")?;
        o.package_mirrors.insert(k, v);
    }
    for (k, v) in &o.package_mirrors {
        eng::mirror::check_mirror(k, v).map_err(anyhow::Error::msg)?;
    }
    for spec in &a.output {
        o.compression = output_compression(spec)?;
    }
    let stdin_used = a.context == "-";
    let dockerfile_from_stdin = a.file.as_deref() == Some("-");
    if stdin_used && dockerfile_from_stdin {
        bail!("invalid argument: can't use stdin for both build context and dockerfile");
    }
    if stdin_used || dockerfile_from_stdin {
        let mut data = Vec::new();
        std::io::stdin()
            .read_to_end(&mut data)
            .context("reading stdin")?;
        if stdin_used && eng::context::looks_like_archive(&data[..data.len().min(512)]) {
            // docker: a tar context on stdin; -f names the Dockerfile inside it.
            o.dockerfile =
                DockerfileSource::Path(PathBuf::from(a.file.as_deref().unwrap_or("Dockerfile")));
            o.context = BuildContext::Tar(data);
            return Ok(o);
        }
        o.dockerfile = DockerfileSource::Text(
            String::from_utf8(data).context("the Dockerfile on stdin is not UTF-8")?,
        );
    }
    if stdin_used {
        o.context = BuildContext::Empty;
    } else {
        let dir = PathBuf::from(&a.context);
        if !dir.is_dir() {
            bail!("unable to prepare context: path {:?} not found", a.context);
        }
        if !dockerfile_from_stdin {
            let f = match &a.file {
                Some(f) => PathBuf::from(f),
                None => dir.join("Dockerfile"),
            };
            if !f.is_file() {
                bail!(
                    "failed to solve: failed to read dockerfile: open {}: no such file or directory",
                    f.display()
                );
            }
            o.dockerfile = DockerfileSource::Path(f);
        }
        o.context = BuildContext::Dir(dir);
    }
    Ok(o)
}

/// Set by SIGINT/SIGTERM/SIGHUP during a build: the engine stops the running step and cleans up.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn on_interrupt(_: i32) {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// A Ctrl-C or kill stops the build between (or inside) steps, so its container, mounts and temp
/// dirs are removed and no tag moves (issue 10).
fn catch_interrupts() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic (async-signal-safe).
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_interrupt as *const () as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// `internal build-stage`: one stage of a parallel build, started by `berth build` (see
/// `engine::build::run_stage_child`); its stdout carries the protocol, not text for a user.
pub fn build_stage(g: &GlobalOpts) -> Result<i32> {
    catch_interrupts();
    eng::run_stage_child(
        g.root.as_deref(),
        g.run_root.as_deref(),
        &mut std::io::stdin().lock(),
        Box::new(std::io::stdout()),
        &INTERRUPTED,
    )
}

fn build(ctx: &Context, a: BuildArgs, g: &GlobalOpts) -> Result<i32> {
    let mut opts = options(ctx, &a)?;
    catch_interrupts();
    opts.cancel = Some(&INTERRUPTED);
    opts.config_file = g.config.clone();
    // `BERTH_BUILD_PARALLEL=0`: stages one after another in this process (docs/architecture.md).
    opts.parallel = std::env::var(eng::PARALLEL_ENV).map_or(true, |v| v != "0");
    let mode = match a.progress.as_str() {
        _ if a.quiet => Mode::Quiet,
        "quiet" => Mode::Quiet,
        "plain" | "rawjson" => Mode::Plain,
        "tty" => Mode::Tty,
        "auto" if std::io::stderr().is_terminal() => Mode::Tty,
        "auto" => Mode::Plain,
        p => bail!("invalid progress mode {p:?} (auto, plain, tty, quiet)"),
    };
    let printer = Printer {
        mode,
        vertices: Mutex::new(HashMap::new()),
    };
    match eng::build(ctx, &opts, &printer) {
        Ok(r) => {
            if let Some(f) = &a.iidfile {
                std::fs::write(f, &r.id)
                    .with_context(|| format!("writing the image ID to {}", f.display()))?;
            }
            if mode == Mode::Quiet {
                writeln!(std::io::stdout().lock(), "{}", r.id)?;
            } else if !r.warnings.is_empty() {
                let n = r.warnings.len();
                let s = if n == 1 { "" } else { "s" };
                let mut err = std::io::stderr().lock();
                writeln!(
                    err,
                    "\n {n} warning{s} found (use docker --debug to expand):"
                )?;
                for w in &r.warnings {
                    writeln!(err, " - {w}")?;
                }
            }
            Ok(0)
        }
        Err(e) => match e.downcast::<BuildFailed>() {
            Ok(f) => {
                print_failure(&f);
                Err(StatusError {
                    code: 1,
                    msg: String::new(),
                }
                .into())
            }
            Err(e) => {
                eprintln!("ERROR: {e:#}");
                Err(StatusError {
                    code: 1,
                    msg: String::new(),
                }
                .into())
            }
        },
    }
}

/// BuildKit's failure report: the failing step's output, the Dockerfile lines, the message.
fn print_failure(f: &BuildFailed) {
    let mut err = std::io::stderr().lock();
    if let Some(v) = &f.vertex {
        let _ = writeln!(err, "------\n > {v}:");
        for l in &f.output {
            let _ = writeln!(err, "{l}");
        }
        let _ = writeln!(err, "------");
    }
    if !f.excerpt.is_empty() {
        let first = f.excerpt.iter().find(|l| l.2).map_or(0, |l| l.0);
        let _ = writeln!(err, "{}:{first}\n--------------------", f.file);
        for (n, text, hit) in &f.excerpt {
            let mark = if *hit { ">>>" } else { "   " };
            let _ = writeln!(err, "{n:>4} | {mark} {text}");
        }
        let _ = writeln!(err, "--------------------");
    }
    let _ = writeln!(err, "ERROR: failed to solve: {}", f.message);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Plain,
    Tty,
    Quiet,
}

/// Prints vertices on stderr in the chosen mode.
struct Printer {
    mode: Mode,
    /// Start time and name of each vertex.
    vertices: Mutex<HashMap<usize, (Instant, String)>>,
}

impl Printer {
    /// One write per line: lines of stages built at the same time interleave, whole.
    fn line(&self, s: &str) {
        let mut l = String::with_capacity(s.len() + 1);
        l.push_str(s);
        l.push('\n');
        let _ = std::io::stderr().lock().write_all(l.as_bytes());
    }

    fn info(&self, v: usize) -> (Instant, String) {
        self.vertices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&v)
            .cloned()
            .unwrap_or_else(|| (Instant::now(), String::new()))
    }
}

impl BuildProgress for Printer {
    fn start(&self, v: usize, name: &str) {
        self.vertices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(v, (Instant::now(), name.to_string()));
        if self.mode == Mode::Plain {
            self.line(&format!("#{v} {name}"));
        }
    }

    fn log(&self, v: usize, data: &[u8]) {
        if self.mode != Mode::Plain {
            return;
        }
        let (t, _) = self.info(v);
        let secs = t.elapsed().as_secs_f64();
        let text = String::from_utf8_lossy(data);
        for l in text.lines() {
            self.line(&format!("#{v} {secs:.3} {l}"));
        }
    }

    fn status(&self, v: usize, text: &str) {
        if self.mode == Mode::Plain {
            self.line(&format!("#{v} {text}"));
        }
    }

    fn cached(&self, v: usize) {
        match self.mode {
            Mode::Plain => self.line(&format!("#{v} CACHED\n")),
            Mode::Tty => self.line(&format!("=> CACHED {}", self.info(v).1)),
            Mode::Quiet => {}
        }
    }

    fn done(&self, v: usize, elapsed: Duration) {
        match self.mode {
            Mode::Plain => self.line(&format!("#{v} DONE {:.1}s\n", elapsed.as_secs_f64())),
            Mode::Tty => self.line(&format!(
                "=> {:<60} {:.1}s",
                self.info(v).1,
                elapsed.as_secs_f64()
            )),
            Mode::Quiet => {}
        }
    }

    fn error(&self, v: usize, _elapsed: Duration, message: &str) {
        match self.mode {
            Mode::Plain => self.line(&format!("#{v} ERROR: {message}\n")),
            Mode::Tty => self.line(&format!("=> ERROR {}", self.info(v).1)),
            Mode::Quiet => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_takes_the_image_exporter_and_its_compression() {
        use eng::LayerCompression::{Gzip, Zstd};
        assert_eq!(output_compression("type=image").unwrap(), Gzip);
        assert_eq!(
            output_compression("type=image,compression=zstd,force-compression=true").unwrap(),
            Zstd
        );
        assert_eq!(
            output_compression("compression=zstd,type=docker").unwrap(),
            Zstd
        );
        let err = |s: &str| output_compression(s).unwrap_err().to_string();
        assert_eq!(
            err("type=local,dest=out"),
            "--output type=local is not supported by berth build (type=image)"
        );
        assert_eq!(
            err("type=image,compression=lz4"),
            "invalid --output compression \"lz4\": berth build stores gzip or zstd"
        );
        assert_eq!(
            err("type=image,name=x"),
            "--output key \"name\" is not supported by berth build"
        );
        assert_eq!(
            err("compression=zstd"),
            "--output \"compression=zstd\": a type is required (type=image)"
        );
    }
}

//! Independent stages build at the same time (issue 10), each in a child process
//! (`berth internal build-stage`, docs/architecture.md "build"): the executor forks (RUN steps start
//! monitors, COPY forks into a private mount namespace), so the build never runs threads beside it.
//!
//! The parent ([`build_stages`]) starts a child for every needed stage but the target as soon as the
//! stages it uses are built, sends it the build's options, the Dockerfile and the states of those stages
//! on its stdin, and reads its progress and result as JSON lines on its stdout, in one single-threaded poll
//! loop; it renumbers the children's vertices into its own (`#N`), so `--progress plain` prints whole
//! lines, interleaved. A child builds its stage with the same executor into the same build cache, so the
//! states it returns (layer dirs and tars in `buildcache/layers`, the config, the key) are those of a
//! serial build, and so is the image.
//!
//! Invariant: a failed or interrupted build waits for every child it started to end: the first failure
//! is reported, the other children get SIGTERM (their running step is canceled and cleaned up, as a
//! Ctrl-C of a serial build), and a child whose parent dies gets SIGTERM too (`PR_SET_PDEATHSIG`).

use super::exec::{Builder, load_ignore};
use super::image_config::State;
use super::{BuildContext, BuildFailed, BuildOptions, BuildProgress};
use crate::engine::Context;
use anyhow::{Context as _, Result, anyhow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// `BERTH_BUILD_PARALLEL=0`: every stage is built in the build's own process, one after another.
pub const PARALLEL_ENV: &str = "BERTH_BUILD_PARALLEL";

/// What the parent sends a stage's child on its stdin.
#[derive(Serialize, Deserialize)]
struct Job {
    opts: BuildOptions,
    /// The Dockerfile's name in messages and its text, as the parent read them.
    file: String,
    text: String,
    stage: usize,
    /// The states of the stages built so far.
    done: Vec<(usize, State)>,
    /// The parent's pid: the child stops when it is no longer its parent.
    parent: u32,
}

/// What a child says on its stdout, one JSON line each; the last is `Built`, `Failed` or `Fatal`.
#[derive(Serialize, Deserialize)]
enum Msg {
    Start(usize, String),
    Log(usize, String),
    Status(usize, String),
    Cached(usize),
    Done(usize, f64),
    Error(usize, f64, String),
    Built {
        state: State,
        executed: usize,
        cached: usize,
        hits: Vec<String>,
        layers: Vec<String>,
    },
    Failed(BuildFailed),
    Fatal(String),
}

/// Progress as [`Msg`]s, handed to `F`: a child's sent to the parent on its stdout, a stage built from
/// the cache in the parent recorded, then replayed as a child's would be.
struct Events<F: Fn(Msg) + Sync>(F);

impl<F: Fn(Msg) + Sync> BuildProgress for Events<F> {
    fn start(&self, v: usize, name: &str) {
        self.0(Msg::Start(v, name.to_string()));
    }
    fn log(&self, v: usize, data: &[u8]) {
        self.0(Msg::Log(v, String::from_utf8_lossy(data).into_owned()));
    }
    fn status(&self, v: usize, text: &str) {
        self.0(Msg::Status(v, text.to_string()));
    }
    fn cached(&self, v: usize) {
        self.0(Msg::Cached(v));
    }
    fn done(&self, v: usize, elapsed: Duration) {
        self.0(Msg::Done(v, elapsed.as_secs_f64()));
    }
    fn error(&self, v: usize, elapsed: Duration, message: &str) {
        self.0(Msg::Error(v, elapsed.as_secs_f64(), message.to_string()));
    }
}

/// Send `m` as one JSON line, one `write`, so lines of a RUN's output thread never tear.
fn send(out: &Mutex<Box<dyn Write + Send>>, m: &Msg) {
    let Ok(mut line) = serde_json::to_vec(m) else {
        return;
    };
    line.push(b'\n');
    let mut w = out.lock().unwrap_or_else(|e| e.into_inner());
    let _ = w.write_all(&line);
    let _ = w.flush();
}

/// `internal build-stage`: read a [`Job`] from `input`, build its stage, report on `output`. Returns
/// the process's exit code (0 when the stage was built). `cancel` is set by the caller's signal handler.
pub fn run_stage_child(
    root: Option<&Path>,
    run_root: Option<&Path>,
    input: &mut dyn Read,
    output: Box<dyn Write + Send>,
    cancel: &'static AtomicBool,
) -> Result<i32> {
    let mut data = Vec::new();
    input
        .read_to_end(&mut data)
        .context("reading the stage's job")?;
    let Job {
        mut opts,
        file,
        text,
        stage,
        done,
        parent,
    } = serde_json::from_slice(&data).context("parsing the stage's job")?;
    // SAFETY: prctl(PR_SET_PDEATHSIG) only sets a signal for this process; getppid cannot fail.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
        if libc::getppid() as u32 != parent {
            return Ok(1);
        }
    }
    opts.cancel = Some(cancel);
    let out = Mutex::new(output);
    let pipe = Events(|m| send(&out, &m));
    let (ctx, _) = Context::new(root, run_root, opts.config_file.as_deref())?;
    let mut b = Builder::new(&ctx, &opts, &pipe, file);
    let built = (|| {
        if let BuildContext::Dir(dir) = &opts.context {
            b.filter = load_ignore(dir, &opts.dockerfile)?;
        }
        b.parse(text)?;
        b.done.extend(done);
        b.build_stage(stage)
    })();
    let msg = match built {
        Ok(state) => Msg::Built {
            state,
            executed: b.executed,
            cached: b.cached,
            hits: std::mem::take(&mut b.hits),
            layers: b.used_layers.iter().cloned().collect(),
        },
        Err(e) => match e.downcast::<BuildFailed>() {
            Ok(f) => Msg::Failed(f),
            Err(e) => Msg::Fatal(format!("{e:#}")),
        },
    };
    let code = i32::from(!matches!(msg, Msg::Built { .. }));
    send(&out, &msg);
    Ok(code)
}

/// One stage's child process.
struct Running {
    stage: usize,
    child: Child,
    out: ChildStdout,
    buf: Vec<u8>,
    /// The child's vertex numbers -> the build's.
    vertices: HashMap<usize, usize>,
    /// The stage's state, or why it failed, once the child said.
    outcome: Option<Result<State>>,
    eof: bool,
}

/// Build `stages` (needed by the target, in build order) in child processes, each once the stages it
/// uses are built; their states land in `b.done`. The first failure is returned once every child ended.
pub fn build_stages(b: &mut Builder, stages: &[usize], file: &str) -> Result<()> {
    let mut deps = HashMap::new();
    for &i in stages {
        deps.insert(i, b.deps(i)?);
    }
    let mut pending: Vec<usize> = stages.to_vec();
    let mut running: Vec<Running> = Vec::new();
    let mut failure: Option<anyhow::Error> = None;
    let mut stopping = false;
    loop {
        let canceled = b.opts.cancel.is_some_and(|c| c.load(Ordering::SeqCst));
        if canceled && failure.is_none() {
            failure = Some(super::exec::fail("canceled").into());
        }
        if failure.is_none() {
            let ready: Vec<usize> = pending
                .iter()
                .copied()
                .filter(|i| ready(b, &deps[i]))
                .collect();
            for i in ready {
                pending.retain(|&p| p != i);
                if from_cache(b, i) {
                    continue;
                }
                match spawn(b, i, file) {
                    Ok(r) => running.push(r),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
        }
        if failure.is_some() && !stopping {
            stopping = true;
            for r in &running {
                // SAFETY: signalling a child this process started and has not reaped.
                unsafe { libc::kill(r.child.id() as i32, libc::SIGTERM) };
            }
        }
        if running.is_empty() {
            // Stages found in the cache may have made others ready.
            if failure.is_none() && pending.iter().any(|i| ready(b, &deps[i])) {
                continue;
            }
            break;
        }
        wait_readable(&running);
        for r in &mut running {
            read_lines(b, r);
        }
        let (ended, still): (Vec<Running>, Vec<Running>) = running.into_iter().partition(|r| r.eof);
        running = still;
        for mut r in ended {
            let status = r.child.wait();
            let result = r.outcome.take().unwrap_or_else(|| {
                Err(anyhow!(
                    "building stage {}: its process ended without a result ({})",
                    r.stage,
                    status.map_or_else(|e| e.to_string(), |s| s.to_string())
                ))
            });
            match result {
                Ok(state) => {
                    b.done.insert(r.stage, state);
                }
                Err(e) => {
                    // The first failure is the build's; the others' "canceled" follow from it.
                    failure.get_or_insert(e);
                }
            }
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn ready(b: &Builder, deps: &std::collections::BTreeSet<usize>) -> bool {
    deps.iter().all(|d| b.done.contains_key(d))
}

/// Build stage `i` here when every step of it is in the cache (a child process would cost more than the
/// lookups): its progress is replayed as a child's. False when some step is not cached.
fn from_cache(b: &mut Builder, i: usize) -> bool {
    let recorded = Mutex::new(Vec::new());
    let recorder = Events(|m| recorded.lock().unwrap_or_else(|e| e.into_inner()).push(m));
    let Some(c) = cached_stage(b, i, &recorder) else {
        return false;
    };
    let mut vertices = HashMap::new();
    for m in recorded.into_inner().unwrap_or_else(|e| e.into_inner()) {
        replay(b, &mut vertices, m);
    }
    b.cached += c.cached;
    b.hits.extend(c.hits);
    b.used_layers.extend(c.used_layers);
    b.done.insert(i, c.state);
    true
}

/// What building a stage from the cache alone gave.
struct Cached {
    state: State,
    cached: usize,
    hits: Vec<String>,
    used_layers: std::collections::HashSet<String>,
}

/// Stage `i` built from the cache alone in this process ([`Builder::cache_only`]), its progress going to
/// `progress`; None when some step is not cached (or anything else stands in the way: the stage's child
/// then meets it).
fn cached_stage<'p>(b: &'p Builder, i: usize, progress: &'p dyn BuildProgress) -> Option<Cached> {
    if b.opts.no_cache || b.opts.pull {
        return None;
    }
    let mut probe = Builder::new(b.ctx, b.opts, progress, b.file.clone());
    probe.text = b.text.clone();
    probe.df = b.df.clone();
    probe.global = b.global.clone();
    probe.done = b.done.clone();
    probe.filter = b.filter.clone();
    probe.cache_only = true;
    let state = probe.build_stage(i).ok()?;
    Some(Cached {
        state,
        cached: probe.cached,
        hits: probe.hits,
        used_layers: probe.used_layers,
    })
}

/// Start the child of stage `i` and hand it its job.
fn spawn(b: &Builder, i: usize, file: &str) -> Result<Running> {
    let job = Job {
        opts: b.opts.clone(),
        file: file.to_string(),
        text: b.text.clone(),
        stage: i,
        done: b.done.iter().map(|(k, v)| (*k, v.clone())).collect(),
        parent: std::process::id(),
    };
    let data = serde_json::to_vec(&job).context("encoding the stage's job")?;
    let paths = &b.ctx.paths;
    let mut child = Command::new("/proc/self/exe")
        .arg0(format!("berth:[build] stage {i}"))
        .arg("--root")
        .arg(&paths.root)
        .arg("--run-root")
        .arg(&paths.run_root)
        .args(["internal", "build-stage"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting a build stage's process")?;
    let out = child.stdout.take().context("the stage's stdout")?;
    // Reads never block the loop: it polls every child's pipe.
    let fl = nix::fcntl::fcntl(out.as_fd(), nix::fcntl::FcntlArg::F_GETFL)
        .context("reading the pipe's flags")?;
    nix::fcntl::fcntl(
        out.as_fd(),
        nix::fcntl::FcntlArg::F_SETFL(
            nix::fcntl::OFlag::from_bits_truncate(fl) | nix::fcntl::OFlag::O_NONBLOCK,
        ),
    )
    .context("making the pipe non-blocking")?;
    let mut r = Running {
        stage: i,
        child,
        out,
        buf: Vec::new(),
        vertices: HashMap::new(),
        outcome: None,
        eof: false,
    };
    // The child reads its whole job before it writes anything: no deadlock on full pipes.
    let sent = r.child.stdin.take().map(|mut s| s.write_all(&data));
    if !matches!(sent, Some(Ok(()))) {
        // It died at once; its status tells why when the loop reaps it.
        log::debug!("sending stage {i} its job failed: {sent:?}");
    }
    Ok(r)
}

/// Sleep until a child's pipe has data or closed (or a short while, to notice a cancel).
fn wait_readable(running: &[Running]) {
    let mut fds: Vec<nix::poll::PollFd> = running
        .iter()
        .map(|r| nix::poll::PollFd::new(r.out.as_fd(), nix::poll::PollFlags::POLLIN))
        .collect();
    let _ = nix::poll::poll(&mut fds, 200u16);
}

/// Take what the child wrote: progress goes to the build's printer under the build's vertex numbers.
fn read_lines(b: &mut Builder, r: &mut Running) {
    let mut chunk = [0u8; 16384];
    loop {
        match r.out.read(&mut chunk) {
            Ok(0) => {
                r.eof = true;
                break;
            }
            Ok(n) => r.buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => {
                r.eof = true;
                break;
            }
        }
    }
    while let Some(nl) = r.buf.iter().position(|&c| c == b'\n') {
        let line: Vec<u8> = r.buf.drain(..=nl).collect();
        match serde_json::from_slice::<Msg>(&line) {
            Ok(m) => handle(b, r, m),
            Err(e) => log::debug!("stage {}: unreadable message: {e}", r.stage),
        }
    }
}

fn handle(b: &mut Builder, r: &mut Running, m: Msg) {
    match m {
        Msg::Built {
            state,
            executed,
            cached,
            hits,
            layers,
        } => {
            b.executed += executed;
            b.cached += cached;
            b.hits.extend(hits);
            b.used_layers.extend(layers);
            r.outcome = Some(Ok(state));
        }
        Msg::Failed(f) => r.outcome = Some(Err(f.into())),
        Msg::Fatal(e) => r.outcome = Some(Err(anyhow!(e))),
        progress => replay(b, &mut r.vertices, progress),
    }
}

/// A stage's progress message to the build's printer, under the build's vertex numbers (`vertices`: the
/// stage's numbers -> the build's).
fn replay(b: &mut Builder, vertices: &mut HashMap<usize, usize>, m: Msg) {
    let p = b.progress;
    let v = |cv: usize| vertices.get(&cv).copied().unwrap_or(0);
    match m {
        Msg::Start(cv, name) => {
            let pv = b.vertex(&name);
            vertices.insert(cv, pv);
        }
        Msg::Log(cv, text) => p.log(v(cv), text.as_bytes()),
        Msg::Status(cv, text) => p.status(v(cv), &text),
        Msg::Cached(cv) => p.cached(v(cv)),
        Msg::Done(cv, secs) => p.done(v(cv), Duration::from_secs_f64(secs.max(0.0))),
        Msg::Error(cv, secs, msg) => p.error(v(cv), Duration::from_secs_f64(secs.max(0.0)), &msg),
        Msg::Built { .. } | Msg::Failed(_) | Msg::Fatal(_) => {}
    }
}

//! Container verbs: create, start (spawning the monitor), stop, kill, rm, wait, ps, inspect, logs, exec,
//! restart, rename, pause/unpause, top, diff, prune.
//!
//! Each verb orders lock -> refresh -> act -> save (docs/architecture.md). Returns reports; prints nothing.
//! Depends on spec, state, store, and runtime only for cleanup after a crash and `exec`/`pause` (the runtime
//! is the one place that knows how to tear down or enter a container; documented deviation from the map).
//! Invariant: a container is never signalled unless its pid's start time matches the recorded one.

use crate::monitor::{self, Ready};
use crate::spec::user::{LayeredRoot, resolve_user};
use crate::spec::{self, HostContext, ImageConfig, MountKind, RunOptions};
use crate::state::{self, ContainerRecord, ContainerState, Containers, StateError, Status};
use crate::store::{self, Paths};
use crate::time::rfc3339_nano;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::fs;
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// A failure with docker's exit code (start failures: 125, 126, 127).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ExitCodeError {
    pub code: i32,
    pub message: String,
}

/// A container is in the wrong state for the verb (docker's wording in the message).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidState(pub String);

/// The image a container is created from, as the image store resolved it.
#[derive(Debug, Clone)]
pub struct ImageInfo {
    /// `sha256:<config digest>`
    pub id: String,
    /// The name as the user wrote it.
    pub name: String,
    /// Layer directories, lowest first.
    pub layers: Vec<PathBuf>,
    pub config: ImageConfig,
}

/// The caller's hard limit on open files (no rlimit in a container may exceed it).
fn nofile_hard() -> u64 {
    nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
        .map(|(_, h)| h)
        .unwrap_or(1024)
}

fn cgroup_v2() -> bool {
    nix::sys::statfs::statfs("/sys/fs/cgroup")
        .map(|s| s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC)
        .unwrap_or(false)
}

const ADJECTIVES: &[&str] = &[
    "admiring",
    "brave",
    "clever",
    "dazzling",
    "eager",
    "focused",
    "gallant",
    "happy",
    "jolly",
    "keen",
    "loving",
    "modest",
    "nifty",
    "optimistic",
    "peaceful",
    "quirky",
    "relaxed",
    "serene",
    "trusting",
    "vibrant",
    "wizardly",
    "youthful",
    "zealous",
    "upbeat",
    "stoic",
    "sharp",
    "practical",
    "musing",
    "hopeful",
    "gracious",
];
const SURNAMES: &[&str] = &[
    "albattani",
    "babbage",
    "curie",
    "darwin",
    "euclid",
    "fermi",
    "galileo",
    "hopper",
    "hypatia",
    "johnson",
    "kepler",
    "lovelace",
    "meitner",
    "newton",
    "noether",
    "pascal",
    "ritchie",
    "shannon",
    "tesla",
    "turing",
    "wozniak",
    "yalow",
    "zhukovsky",
    "lamport",
    "knuth",
    "goldberg",
    "feynman",
    "dijkstra",
    "cerf",
    "bohr",
];

fn random_name(attempt: u32) -> Result<String> {
    let id = state::new_id()?;
    let b = hex::decode(&id[..8]).context("decoding random bytes")?;
    let a = ADJECTIVES[b[0] as usize % ADJECTIVES.len()];
    let s = SURNAMES[b[1] as usize % SURNAMES.len()];
    // docker appends a digit after a collision.
    Ok(if attempt == 0 {
        format!("{a}_{s}")
    } else {
        format!("{a}_{s}{}", b[2] % 10)
    })
}

/// Create a container from a resolved image. Returns its id.
pub fn create(paths: &Paths, image: &ImageInfo, opts: RunOptions) -> Result<String> {
    create_with_id(paths, state::new_id()?, image, opts)
}

/// [`create`] under an id the caller drew with [`state::new_id`] (`run` pre-starts the monitor with it).
pub fn create_with_id(
    paths: &Paths,
    id: String,
    image: &ImageInfo,
    opts: RunOptions,
) -> Result<String> {
    paths.ensure()?;
    let c = Containers::new(paths);
    // What a monitor killed with -9 left in the trash goes with the next container (one readdir when
    // there is nothing).
    let _ = c.sweep_trash();
    let dir = c.dir(&id);
    store::create_private_dir(&dir)?;
    let name = match &opts.name {
        Some(n) => {
            if let Err(e) = c.reserve_name_unsynced(n, &id) {
                let _ = fs::remove_dir_all(&dir);
                return Err(e);
            }
            n.clone()
        }
        None => {
            let mut attempt = 0;
            loop {
                let n = random_name(attempt)?;
                match c.reserve_name_unsynced(&n, &id) {
                    Ok(()) => break n,
                    Err(_) if attempt < 20 => attempt += 1,
                    Err(e) => {
                        let _ = fs::remove_dir_all(&dir);
                        return Err(e);
                    }
                }
            }
        }
    };
    match create_files(&c, &id, &name, image, opts) {
        Ok(()) => Ok(id),
        Err(e) => {
            let _ = c.release_name(&name, &id);
            let _ = fs::remove_dir_all(&dir);
            let _ = fs::remove_dir_all(c.run_dir(&id));
            Err(e)
        }
    }
}

fn create_files(
    c: &Containers,
    id: &str,
    name: &str,
    image: &ImageInfo,
    mut opts: RunOptions,
) -> Result<()> {
    let dir = c.dir(id);
    store::create_private_dir(&c.run_dir(id))?;
    for d in ["upper", "work", "rootfs"] {
        fs::create_dir_all(dir.join(d))
            .with_context(|| format!("creating {}", dir.join(d).display()))?;
    }
    opts.name = Some(name.to_string());
    let mut layers_top_first: Vec<PathBuf> = vec![dir.join("upper")];
    layers_top_first.extend(image.layers.iter().rev().cloned());
    let root = LayeredRoot {
        layers: layers_top_first,
    };
    let user_spec = opts
        .user
        .clone()
        .or_else(|| image.config.user.clone())
        .unwrap_or_default();
    let user = resolve_user(&root, &user_spec)?;

    let (mounts, anonymous) =
        crate::engine::volume::resolve_mounts(&c.paths, &opts, &image.config, &root)?;
    let hostname = opts
        .hostname
        .clone()
        .unwrap_or_else(|| spec::default_hostname(id));
    let hostname_file = dir.join("hostname");
    let hosts_file = dir.join("hosts");
    let resolv_file = dir.join("resolv.conf");
    let hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

    let (entrypoint, cmd) = spec::process_args(&image.config, &opts)?;
    let mut all = entrypoint.into_iter().chain(cmd);
    let path = all.next().unwrap_or_default();
    let args: Vec<String> = all.collect();
    let rec = ContainerRecord {
        id: id.to_string(),
        name: name.to_string(),
        created: rfc3339_nano(SystemTime::now()),
        image: image.name.clone(),
        image_id: image.id.clone(),
        layers: image.layers.clone(),
        config: opts,
        image_config: image.config.clone(),
        path,
        args,
        hostname,
        anonymous_volumes: anonymous,
        mounts,
    };
    let host = HostContext {
        id: id.to_string(),
        rootless: c.paths.rootless,
        cgroup_v2: cgroup_v2(),
        nofile_hard: nofile_hard(),
        hostname_file,
        hosts_file,
        resolv_file,
        cgroups_path: monitor::cgroup_name(&rec),
        user,
        mounts: rec.mounts.clone(),
    };
    let oci = spec::build_spec(&image.config, &rec.config, &host)?;
    let oci = if rec.config.init {
        let mut v = serde_json::to_value(&oci).context("encoding spec")?;
        crate::engine::pod::add_init(&mut v)?;
        serde_json::to_vec_pretty(&v)
    } else {
        serde_json::to_vec_pretty(&oci)
    }
    .context("encoding spec")?;
    let st = serde_json::to_vec_pretty(&ContainerState::new_created())
        .context("encoding container state")?;
    // Durable together (concurrent fsyncs, the name reservation's among them, one directory sync)
    // before container.json, the record that makes the container exist, is renamed into place.
    let record = serde_json::to_vec_pretty(&rec).context("encoding container record")?;
    store::write_atomic_all(
        &dir,
        &[
            ("hostname", format!("{}\n", rec.hostname).as_bytes(), 0o644),
            ("hosts", hosts.as_bytes(), 0o644),
            ("resolv.conf", resolv_conf().as_bytes(), 0o644),
            ("config.json", &oci, 0o600),
            ("state.json", &st, 0o600),
        ],
        Some(("container.json", &record, 0o600)),
        &[c.name_path(name)],
    )
}

/// The host's resolv.conf without loopback nameservers (unreachable from a container's own network
/// namespace), falling back to public resolvers as docker does.
fn resolv_conf() -> String {
    let host = fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let mut out = String::new();
    let mut ns = 0;
    for l in host.lines() {
        let t = l.trim();
        if let Some(addr) = t.strip_prefix("nameserver") {
            let a = addr.trim();
            if a.starts_with("127.") || a == "::1" {
                continue;
            }
            ns += 1;
        }
        out.push_str(l);
        out.push('\n');
    }
    if ns == 0 {
        out.push_str("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    }
    out
}

/// What `start` gives back.
pub struct Started {
    pub id: String,
    pub pid: i32,
    pub warnings: Vec<String>,
    /// The attach connection, when asked for (foreground `run`, `start -a`).
    pub attach: Option<UnixStream>,
    /// The container was already running (docker's `start` is then a no-op).
    pub already_running: bool,
}

/// A monitor started ahead of its container (`run`): the exec and start-up of a second berth process
/// overlap the creation of the container's files, and the monitor waits for one byte on [`monitor::GO_FD`]
/// before it reads them (issue 3). Dropped without [`start_prespawned`], it sees end of file and exits.
pub struct Prespawned {
    id: String,
    attach: bool,
    child: std::process::Child,
    ready: OwnedFd,
    go: OwnedFd,
    conn: Option<UnixStream>,
}

/// Start the monitor of the container `id` will name, before it exists. `attach` as for [`start`].
pub fn prespawn_monitor(paths: &Paths, id: &str, attach: bool) -> Result<Prespawned> {
    let (go_r, go_w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating monitor pipe")?;
    let (child, ready, conn) = spawn_monitor(paths, id, attach, Some(go_r.as_raw_fd()))?;
    drop(go_r);
    Ok(Prespawned {
        id: id.to_string(),
        attach,
        child,
        ready,
        go: go_w,
        conn,
    })
}

/// Start a created or exited container by spawning its monitor. With `attach`, the monitor waits for our
/// connection before launching, so no output is lost.
pub fn start(paths: &Paths, query: &str, attach: bool) -> Result<Started> {
    start_with(paths, query, attach, None)
}

/// [`start`] of the container a [`Prespawned`] monitor was started for.
pub fn start_prespawned(paths: &Paths, pre: Prespawned) -> Result<Started> {
    let (id, attach) = (pre.id.clone(), pre.attach);
    start_with(paths, &id, attach, Some(pre))
}

fn start_with(
    paths: &Paths,
    query: &str,
    attach: bool,
    pre: Option<Prespawned>,
) -> Result<Started> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let _lock = c.lock(&id)?;
    let st = c.refresh(&id)?;
    if st.is_running() {
        let conn = if attach {
            Some(connect_attach(&c, &id)?)
        } else {
            None
        };
        return Ok(Started {
            id,
            pid: st.pid,
            warnings: vec![],
            attach: conn,
            already_running: true,
        });
    }
    if st.status == Status::Removing {
        bail!(InvalidState(format!(
            "container {id} is marked for removal and cannot be started"
        )));
    }
    let pod_warnings = crate::engine::pod::prepare_start(paths, &c.load_record(&id)?)?;
    let _ = fs::remove_file(c.attach_socket(&id));
    let (mut child, r, conn) = match pre {
        Some(p) if p.id == id => {
            // The container exists now: let the waiting monitor read it.
            nix::unistd::write(&p.go, b"g").context("waking the container monitor")?;
            (p.child, p.ready, p.conn)
        }
        _ => spawn_monitor(paths, &id, attach, None)?,
    };
    let mut msg = Vec::new();
    fs::File::from(r)
        .read_to_end(&mut msg)
        .context("reading from the container monitor")?;
    // The monitor keeps running; it is not our child to wait for once it has reported (it was setsid'ed,
    // and reaping it later is left to init when we exit).
    let ready: Ready = match serde_json::from_slice(&msg) {
        Ok(r) => r,
        Err(_) => {
            let status = child.wait().ok();
            let err = fs::read_to_string(c.run_dir(&id).join("monitor.err")).unwrap_or_default();
            bail!(
                "container monitor exited without reporting ({status:?}): {}",
                err.trim()
            );
        }
    };
    match ready {
        Ready::Started { pid, warnings } => Ok(Started {
            id,
            pid,
            warnings: pod_warnings.into_iter().chain(warnings).collect(),
            attach: conn,
            already_running: false,
        }),
        Ready::Failed { code, message } => Err(ExitCodeError { code, message }.into()),
    }
}

/// Spawn `berth internal monitor <id>` (re-executing ourselves, so the monitor is a fresh single-threaded
/// process whose command line names it). Returns the child, the read end of its [`Ready`] pipe and, with
/// `attach`, our end of the attach socketpair. `go`: the pipe end for `--wait-go` ([`Prespawned`]).
fn spawn_monitor(
    paths: &Paths,
    id: &str,
    attach: bool,
    go: Option<RawFd>,
) -> Result<(std::process::Child, OwnedFd, Option<UnixStream>)> {
    let (r, w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating monitor pipe")?;
    // The foreground client's connection is a socketpair the monitor inherits as its first attach client:
    // no polling connect/accept round trip on the `run` hot path (issue 3), and no output can be missed.
    let pair = if attach {
        Some(UnixStream::pair().context("creating the attach socketpair")?)
    } else {
        None
    };
    let mut cmd = std::process::Command::new("/proc/self/exe");
    cmd.arg0(format!("berth:[monitor] {id}"))
        .arg("--root")
        .arg(&paths.root)
        .arg("--run-root")
        .arg(&paths.run_root)
        .args(["internal", "monitor", id])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .env_clear()
        .env("PATH", spec::DEFAULT_PATH);
    if attach {
        cmd.arg("--attach");
    }
    if go.is_some() {
        cmd.arg("--wait-go");
    }
    let wfd = w.as_raw_fd();
    let afd = pair.as_ref().map(|(_, theirs)| theirs.as_raw_fd());
    // SAFETY: the closure runs between fork and exec and calls only async-signal-safe functions (fcntl, dup2).
    unsafe {
        cmd.pre_exec(move || {
            // Every fd first moves above the targets (close-on-exec copies), so placing one cannot clobber
            // another; dup2 then clears close-on-exec on the placed copies only.
            let high = |fd: RawFd| {
                let n = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10);
                if n < 0 {
                    Err(std::io::Error::last_os_error())
                } else {
                    Ok(n)
                }
            };
            let moves = [
                (Some(wfd), monitor::READY_FD),
                (afd, monitor::ATTACH_FD),
                (go, monitor::GO_FD),
            ];
            let mut placed = [(-1, -1); 3];
            for (i, (from, to)) in moves.into_iter().enumerate() {
                if let Some(f) = from {
                    placed[i] = (high(f)?, to);
                }
            }
            for (from, to) in placed {
                if from >= 0 && libc::dup2(from, to) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = cmd.spawn().context("starting the container monitor")?;
    drop(w);
    Ok((child, r, pair.map(|(ours, _theirs)| ours)))
}

fn connect_attach(c: &Containers, id: &str) -> Result<UnixStream> {
    let (_dir, sock) = crate::state::attach::short_socket_path(&c.attach_socket(id))
        .with_context(|| format!("opening the run dir of container {id}"))?;
    // A running container's monitor bound its socket before launching; retrying covers a monitor that is
    // being replaced (restart) at this instant.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match UnixStream::connect(&sock) {
            Ok(s) => return Ok(s),
            Err(e) if Instant::now() > deadline => {
                return Err(e).with_context(|| format!("attaching to container {id}"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

fn stop_signal(rec: &ContainerRecord) -> i32 {
    rec.config
        .stop_signal
        .as_deref()
        .or(rec.image_config.stop_signal.as_deref())
        .and_then(|s| spec::parse_signal(s).ok())
        .unwrap_or(libc::SIGTERM)
}

/// Send `sig` to the container's payload if it is still the recorded process.
fn signal(st: &ContainerState, sig: i32) -> Result<()> {
    if !state::same_process_alive(st.pid, st.start_time) {
        return Ok(());
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(st.pid),
        nix::sys::signal::Signal::try_from(sig).context("invalid signal")?,
    )
    .or_else(|e| {
        if e == nix::errno::Errno::ESRCH {
            Ok(())
        } else {
            Err(e)
        }
    })
    .with_context(|| format!("signalling pid {}", st.pid))
}

/// Wait until the container is no longer running and its monitor has finished (or `timeout` passes).
fn wait_stopped(c: &Containers, id: &str, timeout: Duration) -> Result<bool> {
    let deadline = Instant::now() + timeout;
    loop {
        let st = match c.peek(id) {
            Ok(s) => s,
            Err(_) => return Ok(true), // removed (--rm)
        };
        if !st.is_running() && !c.monitor_alive(id) {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `stop`: the stop signal (`signal`, else the container's StopSignal, else SIGTERM), then SIGKILL after
/// `timeout` seconds (docker default 10).
pub fn stop(
    paths: &Paths,
    query: &str,
    timeout: Option<i64>,
    signal_override: Option<i32>,
) -> Result<()> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let secs = timeout.or(rec.config.stop_timeout).unwrap_or(10);
    {
        let _l = c.lock(&id)?;
        let st = c.refresh(&id)?;
        disable_restart(&c, &id, &st)?;
        if !st.is_running() {
            return Ok(());
        }
        if st.status == Status::Paused {
            let _ = crate::runtime::cgroup::thaw(&monitor::cgroup_name(&rec));
        }
        signal(&st, signal_override.unwrap_or_else(|| stop_signal(&rec)))?;
    }
    if secs >= 0 && wait_stopped(&c, &id, Duration::from_secs(secs as u64))? {
        return Ok(());
    }
    {
        let _l = c.lock(&id)?;
        let st = c.refresh(&id)?;
        signal(&st, libc::SIGKILL)?;
    }
    wait_stopped(&c, &id, Duration::from_secs(30))?;
    Ok(())
}

/// Mark the container manually stopped so its monitor does not restart it (`--restart`); the caller
/// holds the lock and passes the refreshed state.
fn disable_restart(c: &Containers, id: &str, st: &ContainerState) -> Result<()> {
    if st.manually_stopped {
        return Ok(());
    }
    let mut st = st.clone();
    st.manually_stopped = true;
    c.save_state(id, &st)
}

/// `kill -s SIG`.
pub fn kill(paths: &Paths, query: &str, sig: i32) -> Result<()> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let _l = c.lock(&id)?;
    let st = c.refresh(&id)?;
    if !st.is_running() {
        bail!(InvalidState(format!(
            "cannot kill container: {query}: container {id} is not running"
        )));
    }
    // docker: killing with SIGKILL or the container's stop signal is a manual stop (ExitOnNext).
    if sig == libc::SIGKILL || sig == stop_signal(&c.load_record(&id)?) {
        disable_restart(&c, &id, &st)?;
    }
    signal(&st, sig)
}

/// `rm [-f] [-v]`.
pub fn remove(paths: &Paths, query: &str, force: bool, volumes: bool) -> Result<()> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    crate::engine::pod::guard_infra_removal(paths, &rec)?;
    {
        let _l = c.lock(&id)?;
        let st = c.refresh(&id)?;
        if !st.is_running() && !rec.config.restart.is_none() {
            // Its monitor may still be deciding on a restart after the exit: a removal ends that.
            disable_restart(&c, &id, &st)?;
        }
        if st.is_running() {
            if !force && st.status == Status::Restarting {
                bail!(InvalidState(format!(
                    "cannot remove container \"/{}\": container is restarting: stop the container before removing or force remove",
                    rec.name
                )));
            }
            if !force {
                bail!(InvalidState(format!(
                    "cannot remove container \"/{}\": container is running: stop the container before removing or force remove",
                    rec.name
                )));
            }
            if st.status == Status::Paused {
                let _ = crate::runtime::cgroup::thaw(&monitor::cgroup_name(&rec));
            }
            disable_restart(&c, &id, &st)?;
            signal(&st, libc::SIGKILL)?;
        }
    }
    wait_stopped(&c, &id, Duration::from_secs(30))?;
    // Its monitor may have removed it (--rm); taking the lock then would recreate its run dir.
    if !c.dir(&id).exists() {
        return state::remove_dir_if_exists(&c.run_dir(&id));
    }
    let _l = c.lock(&id)?;
    if !c.dir(&id).exists() {
        return state::remove_dir_if_exists(&c.run_dir(&id));
    }
    // Whatever a monitor killed with -9 left behind: processes, cgroup, mounts, network.
    crate::runtime::destroy(
        &id,
        &monitor::rootfs_of(&c, &rec),
        Some(&monitor::cgroup_name(&rec)),
    )
    .context("cleaning up the container")?;
    crate::network::teardown(paths, &id).context("tearing down the container's network")?;
    c.remove_files(&rec, volumes)
}

/// `wait`: block until the container exits, return its exit code.
pub fn wait(paths: &Paths, query: &str) -> Result<i32> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let restarts = !c.load_record(&id)?.config.restart.is_none();
    let mut first_finish: Option<String> = None;
    loop {
        let st = match c.peek(&id) {
            Ok(s) => s,
            Err(_) => bail!(StateError::NoSuchContainer(query.to_string())),
        };
        // docker notifies waiters at every exit, also one its restart policy follows (moby
        // `State.SetRestarting`): a new finish time while we wait is that exit.
        let finished = first_finish.get_or_insert_with(|| st.finished_at.clone());
        if restarts
            && matches!(st.status, Status::Exited | Status::Restarting)
            && st.finished_at != *finished
        {
            return Ok(st.exit_code);
        }
        if !st.is_running() && !c.monitor_alive(&id) {
            if st.status == Status::Created && st.exit_code == 0 {
                // docker's wait on a created container blocks until it has run; we poll the same way.
            } else {
                return Ok(st.exit_code);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One row of `ps`.
#[derive(Debug, Clone)]
pub struct Summary {
    pub record: ContainerRecord,
    pub state: ContainerState,
}

/// Every container with its current state, newest first (no locks: `ps` never blocks on a busy container).
pub fn list(paths: &Paths) -> Result<Vec<crate::state::list::Listed>> {
    Containers::new(paths).list()
}

/// The container's record and refreshed state.
pub fn get(paths: &Paths, query: &str) -> Result<Summary> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    Ok(Summary {
        record: c.load_record(&id)?,
        state: c.peek(&id)?,
    })
}

fn opt_json<T: serde::Serialize>(v: &Option<T>) -> Value {
    v.as_ref().map(|x| json!(x)).unwrap_or(Value::Null)
}

/// docker's `inspect` JSON for a container.
pub fn inspect(paths: &Paths, query: &str) -> Result<Value> {
    let s = get(paths, query)?;
    let (r, st) = (&s.record, &s.state);
    let o = &r.config;
    let env = fs::read(Containers::new(paths).dir(&r.id).join("config.json"))
        .ok()
        .and_then(|d| serde_json::from_slice::<oci_spec::runtime::Spec>(&d).ok())
        .and_then(|sp| sp.process().as_ref().and_then(|p| p.env().clone()))
        .unwrap_or_default();
    let cmd: Vec<String> = if o.cmd.is_empty() && o.entrypoint.is_none() {
        r.image_config.cmd.clone().unwrap_or_default()
    } else {
        o.cmd.clone()
    };
    let entrypoint: Value = match &o.entrypoint {
        Some(e) if e.is_empty() => Value::Null,
        Some(e) => json!([e]),
        None => opt_json(&r.image_config.entrypoint),
    };
    let mut labels = r.image_config.labels.clone();
    labels.extend(o.labels.clone());
    let binds: Vec<String> = o
        .mounts
        .iter()
        .filter(|m| m.kind == MountKind::Bind)
        .map(|m| {
            format!(
                "{}:{}{}",
                m.source,
                m.target,
                if m.readonly { ":ro" } else { "" }
            )
        })
        .collect();
    let mounts: Vec<Value> = r
        .mounts
        .iter()
        .map(|m| {
            let vol_name = m.kind == MountKind::Volume;
            json!({
                "Type": match m.kind { MountKind::Bind => "bind", MountKind::Volume => "volume", MountKind::Tmpfs => "tmpfs" },
                "Name": if vol_name { Path::new(&m.source).parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).unwrap_or_default() } else { String::new() },
                "Source": m.source,
                "Destination": m.destination,
                "Driver": if vol_name { "local" } else { "" },
                "Mode": "",
                "RW": !m.readonly,
                "Propagation": if m.kind == MountKind::Bind { "rprivate" } else { "" },
            })
        })
        .collect();
    let exposed: serde_json::Map<String, Value> = r
        .image_config
        .exposed_ports
        .iter()
        .map(|p| (p.clone(), json!({})))
        .collect();
    let running = st.is_running();
    let dir = Containers::new(paths).dir(&r.id);
    let hostconfig = json!({
        "Binds": if binds.is_empty() { Value::Null } else { json!(binds) },
        "ContainerIDFile": "",
        "LogConfig": {"Type": "json-file", "Config": {}},
        "NetworkMode": if o.network.is_empty() { "none" } else { o.network.as_str() },
        "PortBindings": {},
        "RestartPolicy": {"Name": o.restart.name(), "MaximumRetryCount": o.restart.max_retries},
        "AutoRemove": o.auto_remove,
        "VolumeDriver": "",
        "VolumesFrom": Value::Null,
        "CapAdd": if o.cap_add.is_empty() { Value::Null } else { json!(o.cap_add) },
        "CapDrop": if o.cap_drop.is_empty() { Value::Null } else { json!(o.cap_drop) },
        "Dns": [], "DnsOptions": [], "DnsSearch": [], "ExtraHosts": Value::Null,
        "IpcMode": "private",
        "OomScoreAdj": 0,
        "PidMode": "",
        "Privileged": o.privileged,
        "PublishAllPorts": false,
        "ReadonlyRootfs": o.read_only,
        "SecurityOpt": security_opt(o),
        "UTSMode": "",
        "UsernsMode": "",
        "ShmSize": o.shm_size.unwrap_or(64 << 20),
        "Runtime": "berth",
        "Isolation": "",
        "CpuShares": o.cpu_shares.unwrap_or(0),
        "Memory": o.memory.unwrap_or(0),
        "NanoCpus": o.nano_cpus.unwrap_or(0),
        "CgroupParent": "",
        "CpusetCpus": o.cpuset_cpus.clone().unwrap_or_default(),
        "MemorySwap": o.memory_swap.or(o.memory.map(|m| m * 2)).unwrap_or(0),
        "PidsLimit": o.pids_limit,
        "Ulimits": o.ulimits.iter().map(|u| json!({"Name": u.name, "Soft": u.soft, "Hard": u.hard})).collect::<Vec<_>>(),
        "Init": Value::Null,
        "Tmpfs": tmpfs_map(o),
        "MaskedPaths": if o.privileged { json!([]) } else { json!(spec::MASKED_PATHS) },
        "ReadonlyPaths": if o.privileged { json!([]) } else { json!(spec::READONLY_PATHS) },
    });
    let config = json!({
        "Hostname": r.hostname,
        "Domainname": "",
        "User": o.user.clone().or(r.image_config.user.clone()).unwrap_or_default(),
        "AttachStdin": o.interactive,
        "AttachStdout": true,
        "AttachStderr": true,
        "ExposedPorts": if exposed.is_empty() { Value::Null } else { Value::Object(exposed) },
        "Tty": o.tty,
        "OpenStdin": o.interactive,
        "StdinOnce": o.interactive,
        "Env": env,
        "Cmd": if cmd.is_empty() { Value::Null } else { json!(cmd) },
        "Image": r.image,
        "Volumes": if r.image_config.volumes.is_empty() { Value::Null } else {
            Value::Object(r.image_config.volumes.iter().map(|v| (v.clone(), json!({}))).collect()) },
        "WorkingDir": o.workdir.clone().or(r.image_config.working_dir.clone()).unwrap_or_default(),
        "Entrypoint": entrypoint,
        "OnBuild": Value::Null,
        "Labels": labels,
        "StopSignal": o.stop_signal.clone().or(r.image_config.stop_signal.clone()),
    });
    let networksettings = crate::engine::network::network_settings(paths, &r.id, &o.network);
    Ok(json!({
        "Id": r.id,
        "Created": r.created,
        "Path": r.path,
        "Args": r.args,
        "State": {
            "Status": st.status.as_str(),
            "Running": running,
            "Paused": st.status == Status::Paused,
            "Restarting": st.status == Status::Restarting,
            "OOMKilled": st.oom_killed,
            "Dead": false,
            "Pid": if running { st.pid } else { 0 },
            "ExitCode": st.exit_code,
            "Error": st.error,
            "StartedAt": st.started_at,
            "FinishedAt": st.finished_at,
        },
        "Image": r.image_id,
        "ResolvConfPath": dir.join("resolv.conf"),
        "HostnamePath": dir.join("hostname"),
        "HostsPath": dir.join("hosts"),
        "LogPath": Containers::new(paths).log_path(&r.id),
        "Name": format!("/{}", r.name),
        "RestartCount": st.restart_count,
        "Driver": "overlay",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "",
        "ExecIDs": Value::Null,
        "HostConfig": hostconfig,
        "GraphDriver": {
            "Name": "overlay",
            "Data": {
                "LowerDir": r.layers.iter().rev().map(|p| p.display().to_string()).collect::<Vec<_>>().join(":"),
                "UpperDir": dir.join("upper"),
                "WorkDir": dir.join("work"),
                "MergedDir": dir.join("rootfs"),
            },
        },
        "Mounts": mounts,
        "Config": config,
        "NetworkSettings": networksettings,
    }))
}

fn security_opt(o: &RunOptions) -> Value {
    let mut v = Vec::new();
    match &o.seccomp {
        spec::SeccompChoice::Unconfined => v.push("seccomp=unconfined".to_string()),
        spec::SeccompChoice::Profile(p) => v.push(format!("seccomp={}", p.display())),
        spec::SeccompChoice::Default => {}
    }
    if o.no_new_privileges {
        v.push("no-new-privileges".into());
    }
    if v.is_empty() { Value::Null } else { json!(v) }
}

fn tmpfs_map(o: &RunOptions) -> Value {
    let m: serde_json::Map<String, Value> = o
        .mounts
        .iter()
        .filter(|m| m.kind == MountKind::Tmpfs)
        .map(|m| (m.target.clone(), json!(m.options.join(","))))
        .collect();
    if m.is_empty() {
        Value::Null
    } else {
        Value::Object(m)
    }
}

/// Log reading options (`logs`).
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    pub follow: bool,
    pub tail: Option<usize>,
    pub since: Option<SystemTime>,
    pub until: Option<SystemTime>,
}

/// Read the json-file log, calling `sink(entry)` for each entry in order; with `follow`, keep reading
/// until the container stops.
pub fn logs(
    paths: &Paths,
    query: &str,
    o: &LogOptions,
    sink: &mut dyn FnMut(&monitor::log::LogEntry) -> Result<()>,
) -> Result<()> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let path = c.log_path(&id);
    let keep = |e: &monitor::log::LogEntry| {
        let t = crate::time::parse_recorded(&e.time);
        o.since.is_none_or(|s| t.is_some_and(|t| t >= s))
            && o.until.is_none_or(|u| t.is_some_and(|t| t <= u))
    };
    let mut pos = 0u64;
    let mut pending = Vec::new();
    let read_new = |pos: &mut u64, pending: &mut Vec<u8>| -> Result<Vec<monitor::log::LogEntry>> {
        use std::io::{Seek, SeekFrom};
        let mut f = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
        };
        f.seek(SeekFrom::Start(*pos)).context("seeking log")?;
        let n = f.read_to_end(pending).context("reading log")?;
        *pos += n as u64;
        let mut out = Vec::new();
        while let Some(i) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=i).collect();
            if let Ok(e) = serde_json::from_slice::<monitor::log::LogEntry>(&line) {
                out.push(e);
            }
        }
        Ok(out)
    };
    let mut first: Vec<_> = read_new(&mut pos, &mut pending)?
        .into_iter()
        .filter(|e| keep(e))
        .collect();
    if let Some(t) = o.tail {
        let skip = first.len().saturating_sub(t);
        first.drain(..skip);
    }
    for e in &first {
        sink(e)?;
    }
    if !o.follow {
        return Ok(());
    }
    loop {
        let running = c.peek(&id).map(|s| s.is_running()).unwrap_or(false) || c.monitor_alive(&id);
        for e in read_new(&mut pos, &mut pending)? {
            if keep(&e) {
                sink(&e)?;
            }
        }
        if !running {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What `exec` runs.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub tty: bool,
    pub interactive: bool,
    pub detach: bool,
}

/// A started exec'd process: a child of the caller (waitpid it), with the pty master for `-t`.
pub struct ExecHandle {
    pub pid: i32,
    pub pty_master: Option<std::os::fd::OwnedFd>,
}

/// Start a process in a running container with every restriction its init has (docs/security.md F7).
/// The caller must be single-threaded and run from the sealed binary (`runtime::seal::ensure_sealed`).
pub fn exec(paths: &Paths, query: &str, o: &ExecOptions) -> Result<ExecHandle> {
    use crate::runtime::{LaunchError, Stdio};
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let st = {
        let _l = c.lock(&id)?;
        c.refresh(&id)?
    };
    if !st.is_running() {
        bail!(InvalidState(format!("container {id} is not running")));
    }
    if st.status == Status::Paused {
        bail!(InvalidState(format!(
            "container {id} is paused, unpause the container before exec"
        )));
    }
    if st.status == Status::Restarting {
        bail!(InvalidState(format!(
            "Container {id} is restarting, wait until the container is running"
        )));
    }
    let spec_path = c.dir(&id).join("config.json");
    let spec: oci_spec::runtime::Spec = serde_json::from_slice(
        &fs::read(&spec_path).with_context(|| format!("reading {}", spec_path.display()))?,
    )
    .with_context(|| format!("parsing {}", spec_path.display()))?;
    let mut process = spec
        .process()
        .clone()
        .context("container spec has no process")?;
    process.set_args(Some(o.cmd.clone()));
    process.set_terminal(Some(o.tty));
    let mut env = process.env().clone().unwrap_or_default();
    for kv in &o.env {
        let k = kv.split('=').next().unwrap_or("");
        env.retain(|e| e.split('=').next() != Some(k));
        env.push(kv.clone());
    }
    if let Some(u) = &o.user {
        let mut layers = vec![c.dir(&id).join("upper")];
        layers.extend(rec.layers.iter().rev().cloned());
        let ru = resolve_user(&LayeredRoot { layers }, u)?;
        let mut user = process.user().clone();
        user.set_uid(ru.uid);
        user.set_gid(ru.gid);
        user.set_additional_gids(Some(ru.additional_gids));
        process.set_user(user);
        env.retain(|e| !e.starts_with("HOME="));
        env.push(format!(
            "HOME={}",
            if ru.home.is_empty() { "/" } else { &ru.home }
        ));
    }
    process.set_env(Some(env));
    if let Some(w) = &o.workdir {
        if !w.starts_with('/') {
            bail!("the working directory '{w}' is invalid, it needs to be an absolute path");
        }
        process.set_cwd(PathBuf::from(w));
    }
    let stdio = if o.tty {
        Stdio::Pty
    } else {
        let dup = |fd: i32| -> Result<std::os::fd::OwnedFd> {
            // SAFETY: fds 0..2 are open for the lifetime of this process.
            let b = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
            b.try_clone_to_owned().context("duplicating stdio")
        };
        let null = || -> Result<std::os::fd::OwnedFd> {
            Ok(fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/null")
                .context("opening /dev/null")?
                .into())
        };
        if o.detach {
            Stdio::Fds {
                stdin: None,
                stdout: null()?,
                stderr: null()?,
            }
        } else {
            Stdio::Fds {
                stdin: if o.interactive { Some(dup(0)?) } else { None },
                stdout: dup(1)?,
                stderr: dup(2)?,
            }
        }
    };
    match crate::runtime::exec(
        st.pid,
        &spec,
        &process,
        stdio,
        Some(&monitor::cgroup_name(&rec)),
    ) {
        Ok(l) => Ok(ExecHandle {
            pid: l.pid,
            pty_master: l.pty_master,
        }),
        Err(e) => {
            let code = match e.downcast_ref::<LaunchError>() {
                Some(LaunchError::NotFound(_)) => 127,
                Some(LaunchError::NotExecutable(_)) => 126,
                _ => 126,
            };
            Err(ExitCodeError {
                code,
                message: format!("{e:#}"),
            }
            .into())
        }
    }
}

/// `rename OLD NEW`.
pub fn rename(paths: &Paths, query: &str, new_name: &str) -> Result<()> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let _l = c.lock(&id)?;
    let mut rec = c.load_record(&id)?;
    let new_name = new_name.strip_prefix('/').unwrap_or(new_name);
    if rec.name == new_name {
        bail!(InvalidState(
            "Renaming a container with the same name as its current name".into()
        ));
    }
    c.reserve_name(new_name, &id)?;
    let old = std::mem::replace(&mut rec.name, new_name.to_string());
    rec.config.name = Some(new_name.to_string());
    if let Err(e) = c.save_record(&rec) {
        let _ = c.release_name(new_name, &id);
        return Err(e);
    }
    c.release_name(&old, &id)
}

/// `container prune`: remove every stopped container. Returns the ids and the bytes their upper dirs held.
pub fn prune(paths: &Paths) -> Result<(Vec<String>, u64)> {
    let c = Containers::new(paths);
    let mut ids = Vec::new();
    let mut bytes = 0;
    for id in c.list_ids()? {
        let Ok(_l) = c.lock(&id) else { continue };
        let Ok(st) = c.refresh(&id) else { continue };
        if st.is_running() || c.monitor_alive(&id) {
            continue;
        }
        let Ok(rec) = c.load_record(&id) else {
            continue;
        };
        if crate::engine::pod::is_live_infra(paths, &rec) {
            continue;
        }
        bytes += dir_size(&c.dir(&id).join("upper"));
        crate::runtime::destroy(
            &id,
            &monitor::rootfs_of(&c, &rec),
            Some(&monitor::cgroup_name(&rec)),
        )
        .context("cleaning up the container")?;
        crate::network::teardown(paths, &id).context("tearing down the container's network")?;
        c.remove_files(&rec, false)?;
        ids.push(id);
    }
    // Directories of `--rm` containers whose monitor died before deleting them.
    c.sweep_trash()?;
    Ok((ids, bytes))
}

fn dir_size(p: &Path) -> u64 {
    let Ok(md) = fs::symlink_metadata(p) else {
        return 0;
    };
    if !md.is_dir() {
        return md.len();
    }
    fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| dir_size(&e.path())).sum())
        .unwrap_or(0)
}

/// `pause`/`unpause` through the cgroup freezer.
pub fn set_paused(paths: &Paths, query: &str, pause: bool) -> Result<()> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let _l = c.lock(&id)?;
    let mut st = c.refresh(&id)?;
    match (st.status, pause) {
        (Status::Running, true) => {
            crate::runtime::cgroup::freeze(&monitor::cgroup_name(&rec))?;
            st.status = Status::Paused;
        }
        (Status::Paused, false) => {
            crate::runtime::cgroup::thaw(&monitor::cgroup_name(&rec))?;
            st.status = Status::Running;
        }
        (Status::Paused, true) => bail!(InvalidState(format!("container {id} is already paused"))),
        (Status::Running, false) => bail!(InvalidState(format!("container {id} is not paused"))),
        _ => bail!(InvalidState(format!("container {id} is not running"))),
    }
    c.save_state(&id, &st)
}

/// `--pull` policy of `run`/`create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullPolicy {
    Missing,
    Always,
    Never,
}

/// What `resolve_image` tells its caller about a pull it does (docker prints these on stderr).
pub enum PullEvent<'a> {
    /// About to pull `name` ("Unable to find image ... locally").
    Starting(&'a str),
    /// The pull finished ("Digest: ...", "Status: ...").
    Done(&'a crate::engine::image::PullReport),
}

/// Find the image for a new container, pulling it per `policy`; `on_pull` hears about a pull.
pub fn resolve_image(
    ctx: &crate::engine::Context,
    name: &str,
    policy: PullPolicy,
    progress: &dyn crate::engine::Progress,
    on_pull: &mut dyn FnMut(PullEvent),
) -> Result<ImageInfo> {
    use crate::engine::image as img;
    let local = match policy {
        PullPolicy::Always => None,
        _ => match img::resolve_local(ctx, name) {
            Ok(r) => Some(r),
            Err(e) if e.downcast_ref::<img::NoSuchImage>().is_some() => None,
            Err(e) => return Err(e),
        },
    };
    let rec = match local {
        Some(r) => r,
        None if policy == PullPolicy::Never => bail!(img::NoSuchImage(name.to_string())),
        None => {
            on_pull(PullEvent::Starting(name));
            let report = img::pull(ctx, name, &img::PullOptions::default(), progress)?;
            on_pull(PullEvent::Done(&report));
            img::resolve_local(ctx, &report.id)?
        }
    };
    let layers = img::image_layers(&ctx.paths, &rec)?;
    let cfg = img::image_config(&ctx.paths, &rec)?;
    Ok(ImageInfo {
        id: rec.id.clone(),
        name: name.to_string(),
        layers,
        config: ImageConfig::from_oci(cfg.config().as_ref()),
    })
}

/// Host pids of every process of a running container (from its cgroup).
pub fn pids(paths: &Paths, query: &str) -> Result<Vec<i32>> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let st = c.peek(&id)?;
    if !st.is_running() {
        bail!(InvalidState(format!("container {id} is not running")));
    }
    Ok(crate::runtime::cgroup::pids(&monitor::cgroup_name(&rec)))
}

/// Resource usage of a running container (`stats`).
pub fn stats(paths: &Paths, query: &str) -> Result<crate::runtime::cgroup::Stats> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    crate::runtime::cgroup::stats(&monitor::cgroup_name(&rec))
}

/// Bytes received and sent by a running container's interfaces (`stats` NET I/O): the sum over its network
/// namespace's interfaces but loopback, read from `/proc/<pid>/net/dev` as docker sums its sandbox's.
/// `None` when the process is gone, or shares the host's namespace (`--network host`, which docker shows
/// as 0B too).
pub fn net_io(pid: i32) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let ns = |p: &str| fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    let theirs = ns(&format!("/proc/{pid}/ns/net"))?;
    if Some(theirs) == ns("/proc/self/ns/net") {
        return None;
    }
    let text = fs::read_to_string(format!("/proc/{pid}/net/dev")).ok()?;
    Some(sum_net_dev(&text))
}

/// (received, transmitted) bytes of every interface but `lo` in the text of a /proc/net/dev.
fn sum_net_dev(text: &str) -> (u64, u64) {
    text.lines()
        .skip(2)
        .filter_map(|l| {
            let (name, counters) = l.split_once(':')?;
            if name.trim() == "lo" {
                return None;
            }
            let f: Vec<u64> = counters
                .split_whitespace()
                .map(|v| v.parse().unwrap_or(0))
                .collect();
            Some((*f.first()?, *f.get(8)?))
        })
        .fold((0, 0), |(r, t), (a, b)| (r + a, t + b))
}

/// One change in the container's filesystem (`diff`): 'A'dded, 'C'hanged or 'D'eleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: char,
    pub path: String,
}

/// Changes of the container's upper dir against its image, sorted by path as docker prints them.
pub fn diff(paths: &Paths, query: &str) -> Result<Vec<Change>> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let upper = c.dir(&id).join("upper");
    let in_image = |rel: &Path| {
        rec.layers
            .iter()
            .any(|l| fs::symlink_metadata(l.join(rel)).is_ok())
    };
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(rd) = fs::read_dir(upper.join(&rel)) else {
            continue;
        };
        for e in rd.flatten() {
            let r = rel.join(e.file_name());
            let Ok(md) = fs::symlink_metadata(e.path()) else {
                continue;
            };
            let path = format!("/{}", r.display());
            if md.file_type().is_char_device() && md.rdev() == 0 {
                out.push(Change { kind: 'D', path });
                continue;
            }
            out.push(Change {
                kind: if in_image(&r) { 'C' } else { 'A' },
                path,
            });
            if md.is_dir() {
                stack.push(r);
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// `cp CONTAINER:SRC DEST` and `cp SRC CONTAINER:DEST`. docker copies to and from stopped and created
/// containers too: then the rootfs is mounted in a child's private mount namespace (nothing on the host),
/// under the container's lock so that `start` cannot mount the same upper dir meanwhile.
pub fn copy(
    paths: &Paths,
    query: &str,
    into: bool,
    container_path: &str,
    host_path: &Path,
) -> Result<()> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let st = c.peek(&id)?;
    // The stopped case copies from a child process: a relative host path must not depend on where it runs.
    let host_path = &std::path::absolute(host_path).context("resolving the host path")?;
    let cp = |root: &Path| {
        if into {
            crate::engine::container_cp::copy_in(root, host_path, container_path)
        } else {
            crate::engine::container_cp::copy_out(root, container_path, host_path)
        }
    };
    if st.is_running() && state::same_process_alive(st.pid, st.start_time) {
        return cp(Path::new(&format!("/proc/{}/root", st.pid)));
    }
    let _lock = c.lock(&id)?;
    let st = c.refresh(&id)?;
    if st.is_running() {
        bail!(InvalidState(format!(
            "container {id} started while copying: try again"
        )));
    }
    let rec = c.load_record(&id)?;
    crate::runtime::with_rootfs(&monitor::rootfs_of(&c, &rec), paths.rootless, cp)
}

/// `attach`: connect to a running container's monitor. Returns the id, the connection, and whether the
/// container has a tty and open stdin.
pub fn attach(paths: &Paths, query: &str) -> Result<(String, UnixStream, bool, bool)> {
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let st = c.peek(&id)?;
    if !st.is_running() {
        bail!(InvalidState(
            "You cannot attach to a stopped container, start it first".into()
        ));
    }
    let conn = connect_attach(&c, &id)?;
    Ok((id, conn, rec.config.tty, rec.config.interactive))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_io_sums_every_interface_but_loopback() {
        let dev = "Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0:    2048      20    0    0    0     0          0         0      512       5    0    0    0     0       0          0
  eth1:     100       1    0    0    0     0          0         0       10       1    0    0    0     0       0          0
";
        assert_eq!(sum_net_dev(dev), (2148, 522));
    }
}

//! The test world: a temp store per test, Debian's docker-registry on 127.0.0.1, fixture images, the rootless user.
//!
//! Owns everything a test needs around berth; depends on no berth module (tests drive the binary).
//! Invariant: a test never reads or writes the real machine's berth, docker or containers files: every
//! [`TestEnv`] points `--root`, `--run-root`, `--config`, HOME, DOCKER_CONFIG and XDG_* inside its temp dir.
//!
//! The API, in one place:
//! - [`berth_bin`]: path of the berth binary under test.
//! - [`TestEnv::new`] (root) / [`TestEnv::rootless`] (as the unprivileged user `berthtest`, see [`rootless`]):
//!   a temp world. [`TestEnv::berth`] gives a `Command` with the global flags and a clean env set;
//!   [`TestEnv::run`] runs it and returns an [`Outcome`] with `assert_ok`, `assert_code`, `assert_stdout_has`,
//!   `assert_stderr_has`, `stdout`, `stderr`, `code`. Paths: [`TestEnv::root`], [`TestEnv::run_root`],
//!   [`TestEnv::home`], [`TestEnv::config_path`], [`TestEnv::docker_config`]; [`TestEnv::write_config`] replaces
//!   the (initially empty) berth config file; [`TestEnv::pull`] pulls a fixture from the shared registry.
//! - [`must_run`] runs a setup tool (not berth) and panics with its output if it fails.
//! - Every command run through [`Outcome::of`] (so [`TestEnv::run`] too) is killed and its test fails after
//!   [`command_timeout`] (BERTH_TEST_CMD_TIMEOUT, default 180 s), so one hung command cannot stall the suite.
//! - [`registry::shared`]: one docker-registry for the whole test binary, pre-loaded with the fixtures listed in
//!   [`fixtures`]; [`registry::shared_htpasswd`] and [`registry::shared_token`] for the auth flows;
//!   [`registry::Registry::start`] for a private one (no auth, htpasswd, or a token server); [`registry::http`]
//!   a tiny HTTP/1.0 client for probes.
//! - [`fixtures`]: the fixture images (names, digests, OCI layouts on disk).
//! - [`unique`]: a name no other test in this run uses (for containers, tags, networks).
//! - [`compose`]: a compose project dir and `berth compose` run in it; [`health`]: a container's
//!   `State.Health`, a container with a health check, waiting for a health status.
//!
//! - Dropping a [`TestEnv`] kills processes left running in its world and unmounts below it ([`teardown`]).
//!
//! Filesystems: the temp dirs live under `$TMPDIR` (default /tmp, ext4 on these machines), which supports overlay
//! upper and work dirs; set BERTH_TEST_TMPDIR to put test worlds elsewhere (it must not be overlayfs itself, and
//! must be short: a world's run root is `<base>/bt-XXXXXX/run` and sockets below it must fit in 107 bytes).
#![allow(dead_code)]

pub mod compose;
pub mod fixtures;
pub mod health;
pub mod hostile;
pub mod registry;
pub mod rootless;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long one command may run before its test fails: BERTH_TEST_CMD_TIMEOUT seconds, default 180.
/// A root world with the busybox fixture pulled, and its image reference (most container tests start so).
pub fn busybox_world() -> (TestEnv, String) {
    TestEnv::new().with_image(fixtures::BUSYBOX)
}

/// Poll `f` every 50 ms until it returns true or `secs` pass; one last look at the deadline.
pub fn eventually(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}

/// True while a mount point or source in this process's mount table mentions `s` (a leak check).
pub fn mountinfo_mentions(s: &str) -> bool {
    std::fs::read_to_string("/proc/self/mountinfo")
        .unwrap()
        .contains(s)
}

pub fn command_timeout() -> Duration {
    let secs = std::env::var("BERTH_TEST_CMD_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(180);
    Duration::from_secs(secs)
}

/// Path of the berth binary under test: BERTH_TEST_BIN if set (to run the suite against another build, such
/// as the static release binary), else the one cargo built for this test binary.
pub fn berth_bin() -> PathBuf {
    std::env::var_os("BERTH_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_berth")))
}

/// `inspect -f FORMAT NAME`, trimmed; the command must succeed.
pub fn inspect(env: &TestEnv, name: &str, format: &str) -> String {
    env.run(["inspect", "-f", format, name])
        .assert_ok()
        .stdout()
        .trim()
        .to_string()
}

/// A name unique within this test run: `<prefix>-<pid>-<n>` (lowercase, valid as a container, image or network name).
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Where test worlds are created: BERTH_TEST_TMPDIR, else the system temp dir.
pub fn temp_base() -> PathBuf {
    std::env::var_os("BERTH_TEST_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

/// Kill `pid` (if given) and remove `dir` when the test binary exits. For things held in statics (the shared
/// registries), which are never dropped: without this every `cargo test` run would leave its temp dirs behind.
pub fn clean_at_exit(pid: Option<u32>, dir: PathBuf) {
    static ITEMS: std::sync::Mutex<Vec<(Option<u32>, PathBuf)>> = std::sync::Mutex::new(Vec::new());
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    extern "C" fn run() {
        let items = std::mem::take(&mut *ITEMS.lock().unwrap_or_else(|e| e.into_inner()));
        for (pid, dir) in items {
            if let Some(pid) = pid {
                let pid = nix::unistd::Pid::from_raw(pid as i32);
                let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
                let _ = nix::sys::wait::waitpid(pid, None);
            }
            let _ = fs::remove_dir_all(dir);
        }
    }
    REGISTERED.call_once(|| {
        // SAFETY: `run` is a plain extern "C" fn with no arguments that only uses statics; atexit just records it.
        unsafe {
            libc::atexit(run);
        }
    });
    ITEMS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((pid, dir));
}

/// A test world's dir: `<temp_base>/bt-XXXXXX`, short on purpose. Unix socket paths are limited to 107 bytes
/// (sun_path), and berth puts sockets at `<run-root>/containers/<64-hex id>/attach.sock`: with /tmp as the base
/// the run root `/tmp/bt-XXXXXX/run` leaves 106. A longer BERTH_TEST_TMPDIR can break container tests.
fn world_dir() -> TempDir {
    owned_temp_dir(tempfile::Builder::new().prefix("bt-").rand_bytes(6))
}

/// A temp dir under [`temp_base`] with a recognisable prefix, removed on drop.
pub fn temp_dir(prefix: &str) -> TempDir {
    owned_temp_dir(tempfile::Builder::new().prefix(&format!("berth-{prefix}-")))
}

/// Name of the file in every support temp dir that holds the pid of the test process owning it.
const OWNER_FILE: &str = ".berth-test-owner";

fn owned_temp_dir(builder: &mut tempfile::Builder) -> TempDir {
    let base = temp_base();
    fs::create_dir_all(&base).expect("creating test temp base");
    sweep_stale(&base);
    let dir = builder.tempdir_in(base).expect("creating test temp dir");
    fs::write(dir.path().join(OWNER_FILE), std::process::id().to_string())
        .expect("writing owner file");
    dir
}

/// Once per test process: remove support temp dirs whose owning test process is gone (a run killed by a
/// timeout or a signal never drops its statics nor runs atexit), after [`teardown`] stops what ran in them.
fn sweep_stale(base: &Path) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for e in fs::read_dir(base).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !(name.starts_with("bt-") || name.starts_with("berth-")) {
                continue;
            }
            let Some(pid) = fs::read_to_string(e.path().join(OWNER_FILE))
                .ok()
                .and_then(|p| p.trim().parse::<i32>().ok())
            else {
                continue;
            };
            if !Path::new(&format!("/proc/{pid}")).exists() {
                teardown(&e.path());
                let _ = fs::remove_dir_all(e.path());
            }
        }
    });
}

/// One test's world: its own store, run root, config, HOME and docker config dir, all inside one temp dir.
pub struct TestEnv {
    dir: TempDir,
    /// Set for [`TestEnv::rootless`]: commands run as this user via setpriv.
    user: Option<rootless::User>,
}

impl TestEnv {
    /// A world for a berth run as root (the CI user). Layout inside the temp dir:
    /// `root/ run/ home/ home/.docker/ home/.config/ home/.local/share/ xdg-run/ config.toml`.
    pub fn new() -> TestEnv {
        let env = TestEnv {
            dir: world_dir(),
            user: None,
        };
        env.populate();
        env
    }

    /// A world for berth run as the unprivileged user `berthtest` (created on first use; needs root to create it).
    /// The temp dir is owned by that user; [`TestEnv::berth`] wraps the command in `setpriv` to drop to it.
    pub fn rootless() -> TestEnv {
        let user = rootless::ensure_user();
        let env = TestEnv {
            dir: world_dir(),
            user: Some(user.clone()),
        };
        // The temp dir's parent (/tmp) is world-traversable; make the dir itself reachable for the user.
        fs::set_permissions(env.dir.path(), fs::Permissions::from_mode(0o700))
            .expect("chmod test dir");
        env.populate();
        rootless::chown_tree(env.dir.path(), &user);
        env
    }

    fn populate(&self) {
        for d in [
            self.root().to_path_buf(),
            self.run_root().to_path_buf(),
            self.home().to_path_buf(),
            self.docker_config(),
            self.home().join(".config"),
            self.home().join(".local/share"),
            self.home().join(".cache"),
            self.xdg_runtime_dir(),
        ] {
            fs::create_dir_all(&d).unwrap_or_else(|e| panic!("creating {}: {e}", d.display()));
        }
        fs::set_permissions(self.xdg_runtime_dir(), fs::Permissions::from_mode(0o700))
            .expect("chmod xdg-run");
        fs::write(self.config_path(), "").expect("writing empty config");
    }

    /// The temp dir that holds everything of this world.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
    /// `--root` for every command.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }
    /// `--run-root` for every command.
    pub fn run_root(&self) -> PathBuf {
        self.dir.path().join("run")
    }
    /// HOME for every command.
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    /// DOCKER_CONFIG for every command (`config.json` lives here).
    pub fn docker_config(&self) -> PathBuf {
        self.home().join(".docker")
    }
    /// XDG_RUNTIME_DIR for every command (containers' `auth.json` would be under `containers/`).
    pub fn xdg_runtime_dir(&self) -> PathBuf {
        self.dir.path().join("xdg-run")
    }
    /// `--config` for every command; starts empty.
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }
    /// The unprivileged user this world runs as, if [`TestEnv::rootless`].
    pub fn user(&self) -> Option<&rootless::User> {
        self.user.as_ref()
    }

    /// Replace berth's config file (TOML) for this world.
    pub fn write_config(&self, toml: &str) {
        fs::write(self.config_path(), toml).expect("writing berth config");
        if let Some(u) = &self.user {
            rootless::chown_tree(&self.config_path(), u);
        }
    }

    /// Write a file inside this world (parents created), owned by the world's user. Returns its path.
    pub fn write_file(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        fs::create_dir_all(p.parent().expect("file has a parent")).expect("creating parent dirs");
        fs::write(&p, contents).expect("writing test file");
        if let Some(u) = &self.user {
            rootless::chown_tree(self.dir.path(), u);
        }
        p
    }

    /// The clean environment every berth command gets (nothing inherited but PATH and, for debugging, RUST_BACKTRACE).
    pub fn env_vars(&self) -> Vec<(String, PathBuf)> {
        let home = self.home();
        vec![
            ("HOME".into(), home.clone()),
            ("DOCKER_CONFIG".into(), self.docker_config()),
            ("XDG_CONFIG_HOME".into(), home.join(".config")),
            ("XDG_DATA_HOME".into(), home.join(".local/share")),
            ("XDG_CACHE_HOME".into(), home.join(".cache")),
            ("XDG_RUNTIME_DIR".into(), self.xdg_runtime_dir()),
            ("TMPDIR".into(), self.dir.path().to_path_buf()),
        ]
    }

    /// A `berth` command with `--root`, `--run-root` and `--config` set and a clean env; add args and run it.
    /// For a rootless world the command is `setpriv --reuid --regid --init-groups -- berth ...`.
    pub fn berth(&self) -> Command {
        let mut cmd = match &self.user {
            None => Command::new(berth_bin()),
            Some(u) => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={}", u.uid))
                    .arg(format!("--regid={}", u.gid))
                    .arg("--init-groups")
                    .arg("--")
                    .arg(rootless::reachable_bin(u));
                c
            }
        };
        cmd.arg("--root")
            .arg(self.root())
            .arg("--run-root")
            .arg(self.run_root());
        cmd.arg("--config").arg(self.config_path());
        cmd.env_clear();
        cmd.env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        );
        cmd.env("LANG", "C.UTF-8");
        if let Some(v) = std::env::var_os("RUST_BACKTRACE") {
            cmd.env("RUST_BACKTRACE", v);
        }
        if let Some(u) = &self.user {
            cmd.env("USER", &u.name).env("LOGNAME", &u.name);
        }
        for (k, v) in self.env_vars() {
            cmd.env(k, v);
        }
        cmd.current_dir(self.dir.path());
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Run `berth <args>` in this world, wait, and capture its output.
    pub fn run<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.berth();
        cmd.args(args);
        Outcome::of(&mut cmd)
    }

    /// This world with `fixture` pulled quietly from the shared registry (asserted), and the image reference:
    /// `let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);`.
    pub fn with_image(self, fixture: &str) -> (TestEnv, String) {
        let image = registry::shared().image(fixture);
        self.run(["pull", "-q", &image]).assert_ok();
        (self, image)
    }

    /// Kill container `id`'s monitor with SIGKILL (the crash the next command must clean up after); returns
    /// the monitor's pid, read from its record in the run root.
    pub fn kill_monitor(&self, id: &str) -> i32 {
        let rec = self
            .run_root()
            .join("containers")
            .join(id)
            .join("monitor.json");
        let mon: serde_json::Value = serde_json::from_slice(&std::fs::read(rec).unwrap()).unwrap();
        let pid = mon["pid"].as_i64().unwrap() as i32;
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        )
        .unwrap();
        pid
    }

    /// `berth pull <shared registry>/<fixture>`, e.g. `env.pull(fixtures::BUSYBOX)`; returns the full reference
    /// pulled and the outcome (not asserted: pull tests check it themselves).
    pub fn pull(&self, fixture: &str) -> (String, Outcome) {
        let reference = registry::shared().image(fixture);
        let out = self.run(["pull", reference.as_str()]);
        (reference, out)
    }

    /// Run `berth <args>` with `input` on stdin.
    pub fn run_with_stdin<I, S>(&self, args: I, input: &[u8]) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.berth();
        cmd.args(args);
        Outcome::of_with_input(&mut cmd, Some(input), command_timeout())
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        TestEnv::new()
    }
}

impl Drop for TestEnv {
    /// Before the temp dir is removed: stop what the test left running in this world and unmount what it left
    /// mounted, so removal never descends into a container's rootfs or a bind mount of something outside.
    fn drop(&mut self) {
        teardown(self.dir.path());
    }
}

/// Kill every process whose command line, environment, root or cwd points into `dir` (berth commands and
/// monitors of this world, and container processes whose root is under it), then lazily unmount every mount
/// below `dir`, deepest first. Best effort: errors are ignored, the temp dir removal reports what is left.
pub fn teardown(dir: &Path) {
    let me = std::process::id();
    let needle = dir.as_os_str().as_encoded_bytes();
    let mentions = |data: &[u8]| data.windows(needle.len()).any(|w| w == needle);
    for _round in 0..3 {
        let mut killed = false;
        for e in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            if pid == me {
                continue;
            }
            let p = e.path();
            let hit = ["cmdline", "environ"]
                .iter()
                .any(|f| fs::read(p.join(f)).map(|d| mentions(&d)).unwrap_or(false))
                || ["root", "cwd"].iter().any(|f| {
                    fs::read_link(p.join(f))
                        .map(|l| l.starts_with(dir))
                        .unwrap_or(false)
                });
            if hit {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid as i32),
                    nix::sys::signal::Signal::SIGKILL,
                );
                killed = true;
            }
        }
        if !killed {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut mounts: Vec<PathBuf> = fs::read_to_string("/proc/self/mountinfo")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(|m| PathBuf::from(m.replace("\\040", " ")))
        .filter(|m| m.starts_with(dir))
        .collect();
    mounts.sort_by_key(|m| std::cmp::Reverse(m.as_os_str().len()));
    for m in mounts {
        let _ = nix::mount::umount2(&m, nix::mount::MntFlags::MNT_DETACH);
    }
}

/// The result of one command: exit status and output as text, with assertions that print everything on failure.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The command line, for failure messages.
    pub command: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Run `cmd` to completion, capturing stdout and stderr.
    pub fn of(cmd: &mut Command) -> Outcome {
        Outcome::of_with_input(cmd, None, command_timeout())
    }

    /// Run `cmd` with `input` on stdin (stdin untouched when None), capturing stdout and stderr. Panics when it
    /// runs longer than `timeout` (it is killed), or when it exits but a descendant keeps its output pipes open
    /// (a detached process that inherited them): both would otherwise hang the whole suite.
    pub fn of_with_input(cmd: &mut Command, input: Option<&[u8]>, timeout: Duration) -> Outcome {
        use std::io::{Read, Write};
        let desc = format!("{cmd:?}");
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        if input.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("running {desc}: {e}"));
        if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
            let data = data.to_vec();
            // A command that exits without reading stdin closes the pipe: that is not the test's failure.
            std::thread::spawn(move || {
                let _ = stdin.write_all(&data);
            });
        }
        let reader = |mut r: Box<dyn Read + Send>| {
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                let _ = tx.send(buf);
            });
            rx
        };
        let out_rx = reader(Box::new(child.stdout.take().expect("piped stdout")));
        let err_rx = reader(Box::new(child.stderr.take().expect("piped stderr")));
        let deadline = Instant::now() + timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break st,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let grab = |rx: &mpsc::Receiver<Vec<u8>>| {
                        String::from_utf8_lossy(
                            &rx.recv_timeout(Duration::from_secs(2)).unwrap_or_default(),
                        )
                        .into_owned()
                    };
                    panic!(
                        "{desc} timed out after {timeout:?} and was killed\n--- stdout ---\n{}\n--- stderr ---\n{}",
                        grab(&out_rx),
                        grab(&err_rx)
                    );
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => panic!("waiting for {desc}: {e}"),
            }
        };
        let grace = deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(5);
        let collect = |rx: mpsc::Receiver<Vec<u8>>, which: &str| {
            rx.recv_timeout(grace).unwrap_or_else(|_| {
                panic!("{desc} exited ({status}) but its {which} stays open: a process it started inherited it")
            })
        };
        let stdout = collect(out_rx, "stdout");
        let stderr = collect(err_rx, "stderr");
        Outcome::from_output(
            desc,
            Output {
                status,
                stdout,
                stderr,
            },
        )
    }

    pub fn from_output(command: String, out: Output) -> Outcome {
        Outcome {
            command,
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Exit code; -1 when killed by a signal.
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }
    pub fn success(&self) -> bool {
        self.status.success()
    }
    pub fn stdout(&self) -> &str {
        &self.stdout
    }
    pub fn stderr(&self) -> &str {
        &self.stderr
    }
    /// stdout split into lines, trailing newline ignored.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    fn describe(&self) -> String {
        format!(
            "command: {}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.status, self.stdout, self.stderr
        )
    }

    /// Panics unless the command exited 0.
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(self.success(), "expected success\n{}", self.describe());
        self
    }
    /// Panics unless the command failed (any non-zero code).
    #[track_caller]
    pub fn assert_failed(&self) -> &Self {
        assert!(!self.success(), "expected failure\n{}", self.describe());
        self
    }
    /// Panics unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            code,
            "unexpected exit code\n{}",
            self.describe()
        );
        self
    }
    /// Panics unless stdout contains `needle`.
    #[track_caller]
    pub fn assert_stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }
    /// Panics unless stderr contains `needle`.
    #[track_caller]
    pub fn assert_stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }
    /// Panics unless stdout equals `expected` exactly.
    #[track_caller]
    pub fn assert_stdout_eq(&self, expected: &str) -> &Self {
        assert_eq!(self.stdout, expected, "stdout differs\n{}", self.describe());
        self
    }
}

/// Run an external tool (not berth) and panic with its output if it fails. For test setup only.
#[track_caller]
pub fn must_run(cmd: &mut Command) -> Outcome {
    let out = Outcome::of(cmd);
    out.assert_ok();
    out
}

#[test]
fn support_outcome_feeds_stdin_and_kills_commands_that_hang() {
    let out = Outcome::of_with_input(
        &mut Command::new("cat"),
        Some(b"through stdin"),
        Duration::from_secs(30),
    );
    out.assert_ok().assert_stdout_eq("through stdin");
    let started = Instant::now();
    let hung = std::panic::catch_unwind(|| {
        Outcome::of_with_input(
            Command::new("sleep").arg("30"),
            None,
            Duration::from_millis(300),
        )
    });
    let msg = hung.expect_err("a hung command must fail its test");
    let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("timed out"), "{msg}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the hung command was not killed in time"
    );
}

#[test]
fn support_env_drop_kills_leftover_processes_and_unmounts() {
    let env = TestEnv::new();
    let mut sleeper = Command::new("sleep")
        .arg("300")
        .current_dir(env.dir())
        .spawn()
        .expect("spawning sleep");
    let mnt = env.dir().join("mnt");
    fs::create_dir(&mnt).expect("mkdir mnt");
    must_run(
        Command::new("mount")
            .args(["-t", "tmpfs", "tmpfs"])
            .arg(&mnt),
    );
    let dir = env.dir().to_path_buf();
    drop(env);
    let status = sleeper.wait().expect("waiting for sleep");
    assert!(
        !status.success(),
        "the leftover process was not killed: {status}"
    );
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").expect("mountinfo");
    assert!(
        !mountinfo.contains(dir.to_str().expect("utf-8 path")),
        "a mount under the world was left"
    );
    assert!(!dir.exists(), "the world dir was not removed");
}

/// Assert that `result` failed with the error expected: its message (anyhow's `{:#}` form, causes
/// included) contains `needle`. `is_err()` alone passes on any failure.
#[track_caller]
pub fn assert_err<T, E: std::fmt::Display>(result: Result<T, E>, needle: &str) {
    match result {
        Ok(_) => panic!("expected an error containing {needle:?}, got Ok"),
        Err(e) => {
            let msg = format!("{e:#}");
            assert!(
                msg.contains(needle),
                "expected an error containing {needle:?}, got {msg:?}"
            );
        }
    }
}

//! Test driver for `berth::runtime`: reads a launch description (JSON) and runs a container through the
//! library, the way the monitor does (single-threaded, sealed), then writes a JSON report.
//! Used by tests/runtime.rs, because the test harness itself is multi-threaded and must not fork by hand.
//!
//! Usage: `launch <description.json>`. The container's stdout/stderr are this process's.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::path::PathBuf;

use anyhow::{Context, Result};
use berth::runtime::{self, Launch, LaunchError, Rootfs, Stdio};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Description {
    spec: PathBuf,
    rootfs: RootfsDesc,
    #[serde(default)]
    cgroup: Option<String>,
    #[serde(default)]
    rootless: bool,
    #[serde(default)]
    pty: bool,
    report: PathBuf,
    /// Run this command with `exec` in the running container, wait for it, then wait for the payload.
    #[serde(default)]
    exec: Option<Vec<String>>,
    /// Pass this process's stdin to the payload (otherwise it gets /dev/null).
    #[serde(default)]
    stdin: bool,
    /// Run the `exec` command on a pty (its output is copied to stdout).
    #[serde(default)]
    exec_pty: bool,
    /// Target this pid with `exec` instead of the container's (to check that a wrong pid is refused).
    #[serde(default)]
    exec_pid: Option<i32>,
    /// How many times to run `exec` (default once).
    #[serde(default)]
    exec_repeat: Option<u32>,
    /// Call `destroy` once the payload exited.
    #[serde(default)]
    destroy: bool,
    /// While the payload runs: read cgroup stats, freeze and thaw it.
    #[serde(default)]
    probe_cgroup: bool,
    /// Launch a second container (this args list as its command, same spec and rootfs otherwise) that joins
    /// the first one's namespaces of these types ("pid", "ipc", "net", ...), wait for it, report its exit.
    #[serde(default)]
    second: Option<Vec<String>>,
    #[serde(default)]
    second_joins: Vec<String>,
    /// Block and ignore signals before launching, as a monitor forwarding signals might.
    #[serde(default)]
    mask_signals: bool,
    /// Open fds without CLOEXEC before launching, as a careless caller would (CVE-2024-21626).
    #[serde(default)]
    leak_fd: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum RootfsDesc {
    Dir(PathBuf),
    Overlay {
        lower: Vec<PathBuf>,
        upper: PathBuf,
        work: PathBuf,
        merged: PathBuf,
    },
}

#[derive(Serialize, Default)]
struct Report {
    pid: Option<i32>,
    start_time: Option<u64>,
    exit_code: Option<i32>,
    signal: Option<i32>,
    error: Option<String>,
    error_kind: Option<String>,
    oom_killed: bool,
    warnings: Vec<String>,
    exec_exit: Option<i32>,
    exec_error: Option<String>,
    destroy_error: Option<String>,
    sealed: bool,
    second_exit: Option<i32>,
    second_error: Option<String>,
    stats: Option<String>,
    cgroup_pids: Vec<i32>,
    froze: Option<String>,
}

fn stdio(pty: bool, with_stdin: bool) -> Result<Stdio> {
    if pty {
        return Ok(Stdio::Pty);
    }
    let stdin = if with_stdin {
        Some(std::io::stdin().as_fd_owned()?)
    } else {
        None
    };
    let out: OwnedFd = std::io::stdout().as_fd_owned()?;
    let err: OwnedFd = std::io::stderr().as_fd_owned()?;
    Ok(Stdio::Fds {
        stdin,
        stdout: out,
        stderr: err,
    })
}

trait DupOwned {
    fn as_fd_owned(&self) -> Result<OwnedFd>;
}

impl<T: std::os::fd::AsFd> DupOwned for T {
    fn as_fd_owned(&self) -> Result<OwnedFd> {
        self.as_fd().try_clone_to_owned().context("dup stdio")
    }
}

fn wait(pid: i32) -> (Option<i32>, Option<i32>) {
    let mut status = 0;
    // SAFETY: waitpid on our own child with a status int we own.
    let r = unsafe { libc::waitpid(pid, &mut status, 0) };
    if r != pid {
        return (None, None);
    }
    if libc::WIFSIGNALED(status) {
        (
            Some(128 + libc::WTERMSIG(status)),
            Some(libc::WTERMSIG(status)),
        )
    } else {
        (Some(libc::WEXITSTATUS(status)), None)
    }
}

fn copy_pty(master: OwnedFd) {
    let mut f = std::fs::File::from(master);
    let mut buf = [0u8; 4096];
    let mut out = std::io::stdout();
    // Reading the master ends with EIO once every slave fd is closed.
    while let Ok(n) = f.read(&mut buf) {
        if n == 0 {
            break;
        }
        let _ = out.write_all(&buf[..n]);
        let _ = out.flush();
    }
}

/// A pod-like second container: the first one's namespaces of the given types are joined by path.
fn launch_second(
    spec: &oci_spec::runtime::Spec,
    rootfs: &Rootfs,
    args: &[String],
    joins: &[String],
    first: i32,
) -> Result<i32> {
    let mut s = spec.clone();
    let mut p = s.process().clone().unwrap_or_default();
    p.set_args(Some(args.to_vec()));
    s.set_process(Some(p));
    let linux = s.linux_mut().as_mut().context("spec without linux")?;
    let mut nss = linux.namespaces().clone().unwrap_or_default();
    for ns in nss.iter_mut() {
        if joins.iter().any(|j| *j == ns.typ().to_string()) {
            ns.set_path(Some(PathBuf::from(format!(
                "/proc/{first}/ns/{}",
                ns.typ()
            ))));
        }
    }
    linux.set_namespaces(Some(nss));
    // The second container shares the first one's rootfs directory; it is read-only for this purpose.
    let l = runtime::launch(Launch {
        id: "second".into(),
        spec: s,
        rootfs: rootfs.clone(),
        stdio: stdio(false, false)?,
        cgroup: None,
        rootless: false,
        on_namespaces: None,
        seccomp_cache: None,
    })?;
    Ok(l.pid)
}

fn main() -> Result<()> {
    runtime::seal::ensure_sealed()?;
    let path = std::env::args()
        .nth(1)
        .context("usage: launch <description.json>")?;
    let d: Description = serde_json::from_slice(&std::fs::read(&path)?)?;
    let spec: oci_spec::runtime::Spec = serde_json::from_slice(&std::fs::read(&d.spec)?)?;
    let rootfs = match d.rootfs {
        RootfsDesc::Dir(p) => Rootfs::Dir(p),
        RootfsDesc::Overlay {
            lower,
            upper,
            work,
            merged,
        } => Rootfs::Overlay {
            lower,
            upper,
            work,
            merged,
            volatile: false,
        },
    };
    let mut rep = Report {
        sealed: runtime::seal::is_sealed(),
        ..Report::default()
    };
    if d.mask_signals {
        // SAFETY: signal mask and disposition changes of this process only.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigfillset(&mut set);
            libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            libc::signal(libc::SIGTERM, libc::SIG_IGN);
        }
    }
    if d.leak_fd {
        // SAFETY: open/pipe without O_CLOEXEC on purpose; the fds are leaked for the rest of the process.
        unsafe {
            libc::open(c"/".as_ptr(), libc::O_PATH);
            libc::open(c"/etc".as_ptr(), libc::O_RDONLY);
            let mut p = [0; 2];
            libc::pipe(p.as_mut_ptr());
        }
    }
    let launch = Launch {
        id: "test".into(),
        spec: spec.clone(),
        rootfs: rootfs.clone(),
        stdio: stdio(d.pty, d.stdin)?,
        cgroup: d.cgroup.clone(),
        rootless: d.rootless,
        on_namespaces: None,
        seccomp_cache: None,
    };
    match runtime::launch(launch) {
        Ok(l) => {
            rep.pid = Some(l.pid);
            rep.start_time = Some(l.start_time);
            rep.warnings = l.warnings;
            if let Some(args) = &d.exec {
                let mut p = spec.process().clone().unwrap_or_default();
                p.set_args(Some(args.clone()));
                for _ in 0..d.exec_repeat.unwrap_or(1) {
                    match runtime::exec(
                        d.exec_pid.unwrap_or(l.pid),
                        &spec,
                        &p,
                        stdio(d.exec_pty, false)?,
                        d.cgroup.as_deref(),
                    ) {
                        Ok(e) => {
                            if let Some(m) = e.pty_master {
                                copy_pty(m);
                            }
                            rep.exec_exit = wait(e.pid).0
                        }
                        Err(e) => {
                            rep.exec_error = Some(format!("{e:#}"));
                            break;
                        }
                    }
                }
            }
            if d.probe_cgroup
                && let Some(c) = &d.cgroup
            {
                std::thread::sleep(std::time::Duration::from_millis(200));
                rep.stats = Some(format!("{:?}", runtime::cgroup::stats(c)));
                rep.cgroup_pids = runtime::cgroup::pids(c);
                let r = runtime::cgroup::freeze(c).and_then(|()| {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    runtime::cgroup::thaw(c)
                });
                rep.froze = Some(match r {
                    Ok(()) => "ok".into(),
                    Err(e) => format!("{e:#}"),
                });
            }
            if let Some(args) = &d.second {
                match launch_second(&spec, &rootfs, args, &d.second_joins, l.pid) {
                    Ok(pid) => rep.second_exit = wait(pid).0,
                    Err(e) => rep.second_error = Some(format!("{e:#}")),
                }
            }
            if let Some(m) = l.pty_master {
                copy_pty(m);
            }
            let (code, sig) = wait(l.pid);
            rep.exit_code = code;
            rep.signal = sig;
        }
        Err(e) => {
            rep.error_kind = Some(
                match e.downcast_ref::<LaunchError>() {
                    Some(LaunchError::NotFound(_)) => "not_found",
                    Some(LaunchError::NotExecutable(_)) => "not_executable",
                    Some(LaunchError::Step { .. }) => "step",
                    None => "other",
                }
                .into(),
            );
            rep.error = Some(format!("{e:#}"));
        }
    }
    if let Some(c) = &d.cgroup {
        rep.oom_killed = runtime::cgroup::oom_killed(c);
    }
    if d.destroy
        && let Err(e) = runtime::destroy("test", &rootfs, d.cgroup.as_deref())
    {
        rep.destroy_error = Some(format!("{e:#}"));
    }
    std::fs::write(&d.report, serde_json::to_vec_pretty(&rep)?)?;
    Ok(())
}

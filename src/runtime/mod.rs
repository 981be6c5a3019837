//! The runtime: an OCI runtime spec plus a rootfs in, a running process out (berth's own crun).
//!
//! Owns clone/unshare/setns, the rootfs (overlay) mount, pivot_root, /proc /dev /sys, masked and read-only
//! paths, hostname, uid/gid maps, capabilities, rlimits, seccomp, cgroups (v1 and v2), the console.
//! Depends on oci_spec, nix, libc, caps, libseccomp and its own files only: no reqwest, clap, indicatif, store.
//! Callers must be single-threaded when they call [`launch`] or [`exec`] (the monitor is).
//!
//! Contract with the rest of berth (the monitor calls this):
//! - `launch(Launch) -> Launched`: new namespaces per `spec.linux.namespaces`; a namespace entry with a `path`
//!   is joined instead (pods, `--network container:`), so one pipeline serves "new" and "join".
//!   It returns once the payload has been exec'd (or failed). The payload is a child of the caller
//!   (`CLONE_PARENT`), so the caller `waitpid`s it. [`Launch::on_namespaces`], when given, runs in the caller
//!   once the init exists (maps written, cgroup placed) with a pid that shows its user and net namespaces; the init
//!   waits for it before its last step (11), so the payload never runs before it, and its error fails the
//!   launch (init killed, cgroup removed).
//! - `exec(pid, spec, process, stdio, cgroup)`: a new process in the namespaces and cgroup of a running
//!   container, with the container's seccomp profile (`spec.linux.seccomp`), so exec'd processes get every
//!   restriction init has (docs/security.md F7). Also a child of the caller.
//! - `destroy(...)`: kill what is left, unmount, remove the cgroup; idempotent, so cleanup after a crash works.
//! - `remove_in_userns(path)`: rootless only, deletes a tree the user cannot delete outside the container's
//!   user namespace (files of its subordinate ids); `state` calls it when a plain removal is refused.
//! - `with_rootfs(rootfs, rootless, f)`: `f` runs in a forked child that mounted the rootfs in a mount (and,
//!   rootless, user) namespace of its own: `cp` on a stopped container, with nothing mounted on the host.
//! - A failure inside the container's init is reported as an error naming the step; a payload that cannot be
//!   executed is [`LaunchError::NotFound`] (docker exit 127) or [`LaunchError::NotExecutable`] (126).
//!
//! What the spec means here (the "spec" module builds it):
//! - `spec.root.path` is ignored: the rootfs is [`Launch::rootfs`]; `spec.root.readonly` is honoured
//!   (note `Spec::default()` says readonly: true, docker's default is false).
//! - `spec.linux.uid_mappings`/`gid_mappings`: when `None` and a user namespace is created rootless, the
//!   runtime picks the map itself (newuidmap/newgidmap with the caller's /etc/subuid and /etc/subgid range when
//!   both exist, else a single-id map "container root = the caller" with setgroups=deny). When given, they are
//!   written as they are (through newuidmap when not rootful and not a single own-id map).
//! - `spec.linux.cgroups_path` is ignored: the cgroup is [`Launch::cgroup`], a name relative to the cgroup the
//!   caller runs in, per controller on v1.
//!
//! Setup order inside init (documented here because the process model promises it, docs/architecture.md):
//!  1. the stage child (forked): signal dispositions and mask reset, the caller's argv/environ memory zeroed
//!     (nothing of berth's arguments or environment readable through /proc), stdio installed on 0 1 2, user namespace
//!     joined or created; waits on the sync channel until the caller wrote the uid/gid maps and put it in the
//!     cgroup; becomes non-dumpable (CVE-2016-9962); joins the other namespaces with a path (mount last),
//!     unshares the new ones, sends its net and user namespace fds when a hook wants them, clones the init (pid 1 of a new pid namespace) with CLONE_PARENT, and exits
//!  2. mount propagation of "/" (rslave unless `rootfsPropagation` says otherwise), so nothing leaks to the host
//!  3. the rootfs (bind of a dir onto itself, or overlay; in a user namespace overlay with `userxattr`, else
//!     fuse-overlayfs when installed, else an error saying what to install; the spec's annotations can force
//!     either, see [`overlay`]); the kernel overlay of a [`Rootfs::Overlay`] marked `volatile` (`--rm`) with
//!     that option
//!  4. spec mounts in order, each destination resolved inside the rootfs (openat2 RESOLVE_IN_ROOT) and mounted
//!     through `/proc/self/fd/N`; /proc, /sys, /dev and kernel filesystems must be real directories
//!     (CVE-2019-19921, CVE-2026-41579); a dangling image symlink at a destination gets its target created
//!     inside the rootfs (CVE-2024-45310); bind mounts get their flags by a second (read-only) remount
//!  5. /dev content: null zero full random urandom tty (bind-mounted host nodes in a user namespace, where mknod
//!     is refused), spec devices, the ptmx, fd, stdin, stdout, stderr, core links
//!  6. pivot_root(".", ".") and detach of the old root
//!  7. stdio: the console (Stdio::Pty: a pty of the container's own devpts, slave by TIOCGPTPEER, never by path
//!     (CVE-2025-52565), made the controlling terminal and bound onto /dev/console; master sent back with
//!     SCM_RIGHTS), or a missing stdin replaced by the container's /dev/null
//!  8. sysctls through a verified procfs fd (before read-only paths, which make /proc/sys read-only), hostname
//!  9. masked paths (files: the verified /dev/null bound over them (CVE-2025-31133); dirs: an empty read-only
//!     tmpfs; '*' globs expanded), read-only paths, then `root.readonly`
//! 10. rlimits (clamped to the caller's hard limit when raising it is refused: these machines' root cannot),
//!     oom_score_adj, working dir (created when missing, inside the rootfs)
//!     (with [`Launch::on_namespaces`]: wait here until the caller's hook has returned)
//! 11. bounding set, setgroups/setgid/setuid with KEEPCAPS, payload lookup through the spec's PATH (127/126),
//!     no_new_privs, caps (inheritable and ambient empty unless the spec says), seccomp last (just before the
//!     final capset when no_new_privs is off, because loading a filter needs CAP_SYS_ADMIN then), every fd but
//!     0 1 2 marked CLOEXEC (CVE-2024-21626), execve with the spec's env only.
//!
//! `exec` pins the target with a pidfd and checks it is in the container's cgroup (a recycled pid is never
//! joined), runs step 1 (joining every namespace of the container that differs from the caller's), then 7, 10
//! and 11 with the container's seccomp profile.
//!
//! Cgroups: v1 gets one directory per mounted controller (memory, cpu, cpuacct, cpuset, pids, freezer,
//! devices) plus one in a hybrid host's cgroup2, v2 one directory. Rootless, whatever cannot be created or written becomes a line in
//! [`Launched::warnings`] instead of an error (cgroup v1 is never delegated to users). Device rules go to the v1
//! devices controller and, as an eBPF program ([`devices`]), to the container's v2 cgroup (v2, or the cgroup2
//! of a hybrid host); see [`cgroup`] for how the layout is chosen.
//!
//! The sealed binary (CVE-2019-5736): a new container's init never runs berth code after its execve, and no
//! other process shares its pid namespace before that. Processes that join a running container's namespaces
//! (`exec`, a joined pid namespace) must not be berth's on-disk binary: call [`seal::ensure_sealed`] first
//! (re-exec from a sealed memfd copy, as runc's exeseal and youki's pentacle do). `exec` and a launch that
//! joins a pid namespace refuse to run from an unsealed binary.
//!
//! Files, and the one direction their imports go (a file never imports one listed before it):
//! `launch.rs` (creation, destroy) and `exec.rs` → `userns.rs` (forked helpers), `maps.rs` (uid/gid maps),
//! `stage.rs` (the stage child and the caller's side of the channel) → `init.rs` (steps 2 to 11) →
//! `mounts.rs` → `overlay.rs` → `sys.rs` (raw syscalls and the `sys::Syscall` seam the init goes through,
//! with a recording fake for unit tests). `msg.rs` is the channel's typed protocol; `cgroup.rs`,
//! `devices.rs`, `seccomp.rs` and `seal.rs` are leaves.
//!
//! `examples/launch.rs` drives this module the way the monitor does; tests/runtime.rs uses it.

pub mod cgroup;
mod cgroup_warm;
pub mod devices;
mod exec;
mod init;
mod launch;
mod maps;
mod mounts;
mod msg;
pub mod overlay;
pub mod seal;
mod seccomp;
mod stage;
mod sys;
mod userns;

/// A seccomp profile's compiled program in libseccomp's linear layout and in the binary tree berth loads,
/// for the engine's test that both decide every call alike (the test needs `spec`'s default profile).
#[cfg(test)]
pub(crate) fn seccomp_programs_for_test(
    s: &oci_spec::runtime::LinuxSeccomp,
) -> [Vec<libc::sock_filter>; 2] {
    seccomp::programs_for_test(s)
}

use std::os::fd::OwnedFd;
use std::path::PathBuf;

use anyhow::Result;

/// The container's root filesystem.
#[derive(Debug, Clone)]
pub enum Rootfs {
    /// A prepared directory, bind-mounted onto itself.
    Dir(PathBuf),
    /// An overlay, mounted inside the container's mount namespace (so it goes away with it).
    Overlay {
        /// Lowest layer first (the image's base layer first).
        lower: Vec<PathBuf>,
        upper: PathBuf,
        work: PathBuf,
        merged: PathBuf,
        /// Mount with overlayfs's `volatile` option (kernel overlay only): the upper dir is never synced,
        /// not even by the `syncfs` the kernel runs when the container's mount namespace goes away, which
        /// would otherwise flush the whole host filesystem the upper dir is on before the payload's exit
        /// is reported. Only for a container whose upper dir is deleted when it exits (`--rm`); after a
        /// crash, overlayfs itself refuses to mount that upper dir again (`work/work/incompat/volatile`).
        volatile: bool,
    },
}

impl Rootfs {
    /// The directory the container sees as "/" (before pivot_root).
    pub fn root(&self) -> &std::path::Path {
        match self {
            Rootfs::Dir(p) => p,
            Rootfs::Overlay { merged, .. } => merged,
        }
    }
}

/// Where the payload's fds 0, 1 and 2 come from.
#[derive(Debug)]
pub enum Stdio {
    /// Given fds; stdin `None` means /dev/null of the container.
    Fds {
        stdin: Option<OwnedFd>,
        stdout: OwnedFd,
        stderr: OwnedFd,
    },
    /// A pty allocated inside the container's devpts; the slave is the controlling terminal and 0, 1, 2,
    /// the master is returned in [`Launched::pty_master`].
    Pty,
}

/// The namespaces of a container whose init has not exec'd yet, for [`Launch::on_namespaces`]. The init is
/// not dumpable until its execve (CVE-2016-9962), so other processes of the user cannot open its
/// `/proc/<pid>/ns/*`: `holder` is a dumpable child of the caller that joined the init's user and network
/// namespaces and lives while the hook runs, for helpers that take a pid (pasta, slirp4netns).
#[derive(Debug)]
pub struct Namespaces {
    /// Host pid of the container's init.
    pub pid: i32,
    /// Host pid of the holder: `/proc/<holder>/ns/{user,net}` are the container's.
    pub holder: i32,
}

/// Called in the caller with the init's namespaces, after the uid/gid maps and cgroup placement and before
/// the init may exec the payload; an error aborts the launch (init killed, cgroup removed).
pub type NamespacesHook<'a> = Box<dyn FnOnce(&Namespaces) -> Result<()> + 'a>;

/// Everything needed to start a container.
pub struct Launch<'a> {
    pub id: String,
    pub spec: oci_spec::runtime::Spec,
    pub rootfs: Rootfs,
    pub stdio: Stdio,
    /// Relative cgroup name, e.g. "berth/<id>", created beneath the caller's own cgroup (per controller on v1).
    pub cgroup: Option<String>,
    /// The caller is unprivileged (euid != 0): a user namespace is created, cgroup limits are best effort.
    pub rootless: bool,
    /// Run before the payload starts, e.g. to give a rootless container its network (pasta) so that the
    /// payload's first instruction already sees it.
    pub on_namespaces: Option<NamespacesHook<'a>>,
    /// Where compiled seccomp programs are kept between launches (a private directory a reboot clears);
    /// `None` compiles the profile on every launch.
    pub seccomp_cache: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Launch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Launch")
            .field("id", &self.id)
            .field("rootfs", &self.rootfs)
            .field("stdio", &self.stdio)
            .field("cgroup", &self.cgroup)
            .field("rootless", &self.rootless)
            .field("on_namespaces", &self.on_namespaces.is_some())
            .field("seccomp_cache", &self.seccomp_cache)
            .finish_non_exhaustive()
    }
}

/// A started payload. It is a child of the caller: `waitpid(pid)` gives its exit status.
#[derive(Debug)]
pub struct Launched {
    /// Host pid of the payload.
    pub pid: i32,
    /// Field 22 of /proc/pid/stat, so a recycled pid never reads as this process.
    pub start_time: u64,
    pub pty_master: Option<OwnedFd>,
    /// What could not be applied and was skipped (rootless cgroup limits, rlimit clamps), for the user to see.
    pub warnings: Vec<String>,
}

/// Errors someone branches on (the CLI maps them to docker's exit codes).
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// docker exit code 127
    #[error("exec: \"{0}\": executable file not found in $PATH")]
    NotFound(String),
    /// docker exit code 126
    #[error("exec: \"{0}\": permission denied")]
    NotExecutable(String),
    /// A setup step failed; `step` names it ("mounting /proc", "pivot_root", ...).
    #[error("container init: {step}: {message}")]
    Step { step: String, message: String },
}

/// Rootless: make the user namespace of this process's next [`launch`] ahead of it (with the default maps;
/// the launch joins it when those are its maps, else makes its own as before). For `run`'s monitor, while
/// the CLI creates the container. The caller must be single-threaded.
pub fn premake_userns(run_root: &std::path::Path) {
    userns::premake(run_root);
}

/// A /proc file in one read (see `sys::read_proc`).
pub fn read_proc(path: &str) -> Option<String> {
    sys::read_proc(path)
}

/// A /proc/<pid>/stat text's fields from field 3 on (see `sys::stat_fields`).
pub fn stat_fields(stat: &str) -> Option<std::str::SplitWhitespace<'_>> {
    sys::stat_fields(stat)
}

/// Makes `title` this process's command line as `ps` shows it (see `stage::set_process_title` for what the
/// caller must have done first): `run`'s forked monitor names itself as an exec'd one is named.
pub fn set_process_title(title: &str) {
    stage::set_process_title(title);
}

/// Starts a container. The caller must be single-threaded.
pub fn launch(l: Launch) -> Result<Launched> {
    launch::launch(l)
}

/// Starts `process` inside the namespaces (and cgroup) of the running container whose init is `container_pid`.
/// `spec` is the container's spec: its seccomp profile and rootless-ness apply to the new process too.
/// The caller must be single-threaded and sealed ([`seal::ensure_sealed`]).
pub fn exec(
    container_pid: i32,
    spec: &oci_spec::runtime::Spec,
    process: &oci_spec::runtime::Process,
    stdio: Stdio,
    cgroup: Option<&str>,
) -> Result<Launched> {
    exec::exec(container_pid, spec, process, stdio, cgroup)
}

/// The capabilities of `exec --privileged` (docker gives the exec'd process every capability): every one in
/// the caller's bounding set, as sets for [`exec`]'s `process`. A host (or an outer container) with a reduced
/// bounding set gives fewer, as podman does, instead of failing in capset.
pub fn privileged_capabilities() -> oci_spec::runtime::LinuxCapabilities {
    let mut all: Vec<oci_spec::runtime::Capability> = sys::bounding_set()
        .into_iter()
        .filter_map(|c| c.to_string().trim_start_matches("CAP_").parse().ok())
        .collect();
    all.sort_by_key(|c| c.to_string());
    let set: oci_spec::runtime::Capabilities = all.into_iter().collect();
    let mut caps = oci_spec::runtime::LinuxCapabilities::default();
    caps.set_bounding(Some(set.clone()));
    caps.set_effective(Some(set.clone()));
    caps.set_permitted(Some(set));
    caps.set_inheritable(Some(Default::default()));
    caps.set_ambient(Some(Default::default()));
    caps
}

/// Kills what is left in the container's cgroup, unmounts its rootfs if it is mounted on the host, removes the
/// cgroup. Idempotent: anything already gone is fine.
pub fn destroy(id: &str, rootfs: &Rootfs, cgroup: Option<&str>) -> Result<()> {
    launch::destroy(id, rootfs, cgroup)
}

/// Removes `path` recursively as root of a user namespace with a rootless container's uid/gid maps, for
/// what a rootless user cannot delete outside it (files of the container's subordinate ids, dirs it made
/// mode 000). The caller must be single-threaded and unprivileged.
pub fn remove_in_userns(path: &std::path::Path) -> Result<()> {
    userns::remove_in_userns(path)
}

/// Runs `f` in a child as root of a user namespace with a rootless container's maps (nothing mounted):
/// files read and written there carry the container's own ids. The caller must be single-threaded.
pub fn in_userns(what: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    userns::in_userns(what, f)
}

/// Runs `f` with the container's rootfs mounted at [`Rootfs::root`] in a child's private mount namespace
/// (rootless: inside a user namespace with the container's maps): `cp` on a container that is not running.
/// Nothing is mounted in the caller's namespace. The caller must be single-threaded.
pub fn with_rootfs(
    rootfs: &Rootfs,
    rootless: bool,
    f: impl FnOnce(&std::path::Path) -> Result<()>,
) -> Result<()> {
    userns::with_rootfs(rootfs, rootless, f)
}

/// Field 22 (starttime, clock ticks since boot) of /proc/<pid>/stat; `None` when the process is gone.
pub fn process_start_time(pid: i32) -> Option<u64> {
    let stat = sys::read_proc(&format!("/proc/{pid}/stat"))?;
    sys::stat_fields(&stat)?.nth(22 - 3)?.parse().ok()
}

/// podman's `--userns=keep-id` uid and gid maps for the (rootless) caller: its own ids the same inside,
/// the others from its subordinate ranges (see `maps.rs`).
pub fn keep_id_maps() -> Result<(
    Vec<oci_spec::runtime::LinuxIdMapping>,
    Vec<oci_spec::runtime::LinuxIdMapping>,
)> {
    maps::keep_id_maps()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime's files in import order: each may import only files after it (and the leaves), so
    /// launch/exec -> init -> mounts -> overlay -> sys stays one way. A file's tests (`<file>_tests.rs`,
    /// a child module whose `super::` is that file) sit just above it.
    const LAYERS: [&str; 12] = [
        "launch",
        "exec",
        "userns",
        "maps",
        "stage",
        "init_tests",
        "init",
        "mounts_tests",
        "mounts_plan_tests",
        "mounts",
        "overlay",
        "sys",
    ];

    /// Names of runtime modules a source file refers to through `super::` or `crate::runtime::` (comments
    /// aside: a doc link is no import).
    fn imported(src: &str) -> Vec<String> {
        let src: String = src
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut out = Vec::new();
        for prefix in ["super::", "crate::runtime::"] {
            for (i, _) in src.match_indices(prefix) {
                let rest = &src[i + prefix.len()..];
                let names: Vec<&str> = match rest.strip_prefix('{') {
                    Some(group) => group[..group.find('}').unwrap_or(0)]
                        .split(',')
                        .map(|n| n.trim().split("::").next().unwrap_or(""))
                        .collect(),
                    None => vec![
                        rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                            .unwrap_or(""),
                    ],
                };
                out.extend(names.into_iter().map(str::to_string));
            }
        }
        out
    }

    #[test]
    fn runtime_files_import_one_way() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/runtime");
        for (i, file) in LAYERS.iter().enumerate() {
            let src = std::fs::read_to_string(dir.join(format!("{file}.rs"))).unwrap();
            for name in imported(&src) {
                if let Some(j) = LAYERS.iter().position(|l| *l == name) {
                    assert!(
                        j > i,
                        "runtime/{file}.rs imports runtime/{name}.rs, which is above it"
                    );
                }
            }
        }
        for leaf in ["msg", "cgroup", "cgroup_warm", "devices", "seccomp", "seal"] {
            let src = std::fs::read_to_string(dir.join(format!("{leaf}.rs"))).unwrap();
            for name in imported(&src) {
                assert!(
                    name == "sys" || !LAYERS.contains(&name.as_str()),
                    "runtime/{leaf}.rs is a leaf but imports runtime/{name}.rs"
                );
            }
        }
        assert_eq!(
            imported("use super::{self, Kind};\nsuper::overlay::x"),
            ["self", "Kind", "overlay"]
        );
    }

    #[test]
    fn start_time_of_self_is_stable_and_gone_pid_is_none() {
        let me = std::process::id() as i32;
        let a = process_start_time(me).expect("own start time");
        assert_eq!(Some(a), process_start_time(me));
        assert_eq!(process_start_time(i32::MAX), None);
    }
}

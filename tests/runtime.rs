//! Integration tests: runtime. Each test builds a busybox rootfs and an OCI spec, starts the container through
//! `examples/launch.rs` (a single-threaded, sealed driver of `berth::runtime`, like the monitor; the test harness
//! is multi-threaded and must not fork by hand) and checks from INSIDE the container with busybox.
//! They need root (namespaces, mounts, cgroups); the rootless ones run the driver as the unprivileged
//! `berthtest` user (tests/support/rootless.rs creates it when missing). busybox comes from Debian's busybox-static.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use oci_spec::runtime::{
    Capability, LinuxBuilder, LinuxCapabilitiesBuilder, LinuxIdMappingBuilder, LinuxMemoryBuilder,
    LinuxNamespaceBuilder, LinuxNamespaceType, LinuxPidsBuilder, LinuxResourcesBuilder,
    LinuxSeccompAction, LinuxSeccompBuilder, LinuxSyscallBuilder, Mount, MountBuilder,
    ProcessBuilder, RootBuilder, Spec, UserBuilder,
};
use serde_json::Value;

const BUSYBOX: &str = "/bin/busybox";

fn require_root() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "runtime tests need root (namespaces, mounts, cgroups)"
    );
    assert!(
        Path::new(BUSYBOX).exists(),
        "runtime tests need busybox-static (apt-get install busybox-static)"
    );
}

/// The driver binary, built once per test run (`cargo test --test main` does not build examples itself).
fn driver() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let manifest = env!("CARGO_MANIFEST_DIR");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| Path::new(manifest).join("target"));
        let st = Command::new(cargo)
            .args(["build", "--quiet", "--example", "launch", "--manifest-path"])
            .arg(Path::new(manifest).join("Cargo.toml"))
            .status()
            .expect("running cargo build --example launch");
        assert!(st.success(), "building examples/launch failed");
        // A copy every user can execute (the rootless tests run it as berthtest), at one path that each
        // run replaces (copied beside it, then renamed over it: a test process still running the old
        // copy keeps its inode), so test runs do not leave a copy each behind.
        let dir = std::env::temp_dir().join("berth-rt-driver");
        fs::create_dir_all(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let bin = dir.join("launch");
        let tmp = dir.join(format!("launch.{}", std::process::id()));
        fs::copy(target.join("debug/examples/launch"), &tmp).unwrap();
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755)).unwrap();
        fs::rename(&tmp, &bin).unwrap();
        bin
    })
    .clone()
}

/// A test's world: a temp dir (world-readable so the rootless user can use it) with a busybox rootfs.
struct World {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl World {
    fn new() -> World {
        require_root();
        let tmp = tempfile::Builder::new()
            .prefix("berth-rt-")
            .tempdir()
            .unwrap();
        let dir = tmp.path().to_path_buf();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        World { _tmp: tmp, dir }
    }

    /// A busybox rootfs: /bin/busybox plus one symlink per applet, /etc/passwd and /etc/group.
    fn busybox_rootfs(&self, name: &str) -> PathBuf {
        let r = self.dir.join(name);
        for d in ["bin", "etc", "proc", "sys", "dev", "tmp"] {
            fs::create_dir_all(r.join(d)).unwrap();
        }
        fs::set_permissions(r.join("tmp"), fs::Permissions::from_mode(0o1777)).unwrap();
        fs::copy(BUSYBOX, r.join("bin/busybox")).unwrap();
        let list = Command::new(BUSYBOX).arg("--list").output().unwrap();
        for applet in String::from_utf8_lossy(&list.stdout).lines() {
            if applet != "busybox" {
                let _ = std::os::unix::fs::symlink("busybox", r.join("bin").join(applet));
            }
        }
        fs::write(
            r.join("etc/passwd"),
            "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n",
        )
        .unwrap();
        fs::write(
            r.join("etc/group"),
            "root:x:0:\nuser:x:1000:\naudio:x:29:\n",
        )
        .unwrap();
        r
    }

    /// Writes the spec and the driver's description; returns the driver command and the report path.
    fn command(
        &self,
        spec: &Spec,
        rootfs: Value,
        extra: Value,
        as_user: Option<&str>,
    ) -> (Command, PathBuf) {
        let spec_path = self.dir.join("config.json");
        fs::write(&spec_path, serde_json::to_vec(spec).unwrap()).unwrap();
        let report = self.dir.join("report.json");
        let _ = fs::remove_file(&report);
        let mut desc = serde_json::json!({"spec": spec_path, "rootfs": rootfs, "report": report});
        for (k, v) in extra.as_object().unwrap() {
            desc[k] = v.clone();
        }
        let desc_path = self.dir.join("desc.json");
        fs::write(&desc_path, serde_json::to_vec(&desc).unwrap()).unwrap();
        for p in [&spec_path, &desc_path] {
            fs::set_permissions(p, fs::Permissions::from_mode(0o644)).unwrap();
        }
        let mut cmd = match as_user {
            Some(u) => {
                // The report must be writable by the user.
                fs::write(&report, "").unwrap();
                chown(&report, u);
                let mut c = Command::new("setpriv");
                c.args(["--reuid", u, "--regid", u, "--init-groups", "--reset-env"])
                    .arg(driver());
                c
            }
            None => Command::new(driver()),
        };
        cmd.arg(&desc_path);
        (cmd, report)
    }

    /// Runs the driver; returns (stdout, stderr, report).
    fn run(
        &self,
        spec: &Spec,
        rootfs: Value,
        extra: Value,
        as_user: Option<&str>,
    ) -> (String, String, Value) {
        let (mut cmd, report) = self.command(spec, rootfs, extra, as_user);
        let out = cmd.output().expect("running the launch driver");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "driver failed: {stderr}");
        let rep: Value = serde_json::from_slice(&fs::read(&report).unwrap())
            .unwrap_or_else(|e| panic!("bad report ({e}); stdout {stdout} stderr {stderr}"));
        (stdout, stderr, rep)
    }
}

/// Made by an exec'd process when it is done, for a container that must outlive it.
const EXEC_DONE: &str = "/tmp/.exec-done";

/// A script that waits (up to 60 s) until the exec'd process made [`EXEC_DONE`], then runs `then`: the
/// container outlives the exec however slow the machine is, with no fixed sleep to race.
fn until_exec_done(then: &str) -> String {
    format!(
        "i=0; while [ ! -e {EXEC_DONE} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; {then}"
    )
}

/// The harness most tests share: a fresh world with a busybox rootfs at `<world>/rootfs`.
fn busybox_world() -> (World, PathBuf) {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    (w, r)
}

impl World {
    /// Runs `spec` as root on the rootfs directory `r` with the driver options `extra` (cgroup, exec, ...).
    fn run_dir(&self, spec: &Spec, r: &Path, extra: Value) -> (String, String, Value) {
        self.run(spec, dir(r), extra, None)
    }

    /// Runs `spec` as root on the rootfs directory `r`, with new namespaces and no cgroup.
    fn run_as_root(&self, spec: &Spec, r: &Path) -> (String, String, Value) {
        self.run_dir(spec, r, serde_json::json!({}))
    }
}

fn chown(p: &Path, user: &str) {
    let st = Command::new("chown")
        .arg(format!("{user}:{user}"))
        .arg(p)
        .status()
        .unwrap();
    assert!(st.success());
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

fn docker_caps() -> Vec<Capability> {
    use Capability::*;
    vec![
        Chown,
        DacOverride,
        Fsetid,
        Fowner,
        Mknod,
        NetRaw,
        Setgid,
        Setuid,
        Setfcap,
        Setpcap,
        NetBindService,
        SysChroot,
        Kill,
        AuditWrite,
    ]
}

fn mount(dest: &str, typ: &str, src: &str, opts: &[&str]) -> Mount {
    MountBuilder::default()
        .destination(dest)
        .typ(typ)
        .source(src)
        .options(opts.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .build()
        .unwrap()
}

/// docker's default mounts (moby `DefaultLinuxSpec`).
fn docker_mounts() -> Vec<Mount> {
    vec![
        mount("/proc", "proc", "proc", &["nosuid", "noexec", "nodev"]),
        mount(
            "/dev",
            "tmpfs",
            "tmpfs",
            &["nosuid", "strictatime", "mode=755", "size=65536k"],
        ),
        mount(
            "/dev/pts",
            "devpts",
            "devpts",
            &[
                "nosuid",
                "noexec",
                "newinstance",
                "ptmxmode=0666",
                "mode=0620",
                "gid=5",
            ],
        ),
        mount(
            "/sys",
            "sysfs",
            "sysfs",
            &["nosuid", "noexec", "nodev", "ro"],
        ),
        mount(
            "/sys/fs/cgroup",
            "cgroup",
            "cgroup",
            &["ro", "nosuid", "noexec", "nodev"],
        ),
        mount(
            "/dev/mqueue",
            "mqueue",
            "mqueue",
            &["nosuid", "noexec", "nodev"],
        ),
        mount(
            "/dev/shm",
            "tmpfs",
            "shm",
            &["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"],
        ),
    ]
}

/// A small seccomp profile: allow by default, EPERM for keyctl (so "Seccomp: 2" and a filter that bites).
fn small_seccomp() -> oci_spec::runtime::LinuxSeccomp {
    LinuxSeccompBuilder::default()
        .default_action(LinuxSeccompAction::ScmpActAllow)
        .syscalls(vec![
            LinuxSyscallBuilder::default()
                .names(vec![
                    "keyctl".to_string(),
                    "no_such_syscall_anywhere".to_string(),
                ])
                .action(LinuxSeccompAction::ScmpActErrno)
                .build()
                .unwrap(),
        ])
        .build()
        .unwrap()
}

/// A docker-like spec running `args` (namespaces, caps, masked and read-only paths as docker's defaults).
fn spec(args: &[&str]) -> Spec {
    let caps = docker_caps()
        .into_iter()
        .collect::<oci_spec::runtime::Capabilities>();
    let process = ProcessBuilder::default()
        .args(args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .env(vec![
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
            "HOSTNAME=box".to_string(),
        ])
        .cwd("/")
        .user(UserBuilder::default().uid(0u32).gid(0u32).build().unwrap())
        .capabilities(
            LinuxCapabilitiesBuilder::default()
                .bounding(caps.clone())
                .effective(caps.clone())
                .permitted(caps)
                // The builder's default for unset sets is oci-spec's runc-like list, not empty.
                .inheritable(oci_spec::runtime::Capabilities::new())
                .ambient(oci_spec::runtime::Capabilities::new())
                .build()
                .unwrap(),
        )
        .no_new_privileges(false)
        .build()
        .unwrap();
    let ns = |t| LinuxNamespaceBuilder::default().typ(t).build().unwrap();
    let linux = LinuxBuilder::default()
        .namespaces(vec![
            ns(LinuxNamespaceType::Mount),
            ns(LinuxNamespaceType::Network),
            ns(LinuxNamespaceType::Uts),
            ns(LinuxNamespaceType::Pid),
            ns(LinuxNamespaceType::Ipc),
            ns(LinuxNamespaceType::Cgroup),
        ])
        .masked_paths(
            [
                "/proc/acpi",
                "/proc/asound",
                "/proc/interrupts",
                "/proc/kcore",
                "/proc/keys",
                "/proc/latency_stats",
                "/proc/sched_debug",
                "/proc/scsi",
                "/proc/timer_list",
                "/proc/timer_stats",
                "/sys/firmware",
                "/sys/devices/virtual/powercap",
                "/sys/devices/system/cpu/cpu*/online",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
        )
        .readonly_paths(
            [
                "/proc/bus",
                "/proc/fs",
                "/proc/irq",
                "/proc/sys",
                "/proc/sysrq-trigger",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
        )
        .seccomp(small_seccomp())
        .build()
        .unwrap();
    Spec::default()
        .set_process(Some(process))
        .set_hostname(Some("box".into()))
        .set_root(Some(
            RootBuilder::default()
                .path("rootfs")
                .readonly(false)
                .build()
                .unwrap(),
        ))
        .set_mounts(Some(docker_mounts()))
        .set_linux(Some(linux))
        .clone()
}

fn sh(script: &str) -> Spec {
    spec(&["sh", "-c", script])
}

fn dir(p: &Path) -> Value {
    serde_json::json!({ "dir": p })
}

fn status_field(out: &str, key: &str) -> String {
    out.lines()
        .find_map(|l| {
            l.strip_prefix(&format!("{key}:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("{key} missing in {out}"))
}

/// docker's 14 default capabilities as a /proc/self/status mask.
const DOCKER_CAP_MASK: &str = "00000000a80425fb";

#[test]
fn runtime_container_sees_its_hostname_caps_seccomp_and_no_new_privs() {
    let (w, r) = busybox_world();
    let mut s = sh("hostname; cat /proc/self/status");
    s.process_mut()
        .as_mut()
        .unwrap()
        .set_no_new_privileges(Some(true));
    let (out, err, rep) = w.run_as_root(&s, &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(out.lines().next(), Some("box"));
    assert_eq!(status_field(&out, "CapEff"), DOCKER_CAP_MASK);
    assert_eq!(status_field(&out, "CapBnd"), DOCKER_CAP_MASK);
    assert_eq!(status_field(&out, "CapPrm"), DOCKER_CAP_MASK);
    assert_eq!(status_field(&out, "CapInh"), "0000000000000000");
    assert_eq!(status_field(&out, "CapAmb"), "0000000000000000");
    assert_eq!(status_field(&out, "Seccomp"), "2");
    assert_eq!(status_field(&out, "NoNewPrivs"), "1");
}

#[test]
fn runtime_no_new_privs_is_off_by_default_and_seccomp_still_loads() {
    let (w, r) = busybox_world();
    let (out, err, rep) = w.run_as_root(&sh("cat /proc/self/status"), &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(status_field(&out, "NoNewPrivs"), "0");
    assert_eq!(status_field(&out, "Seccomp"), "2");
    assert_eq!(status_field(&out, "CapEff"), DOCKER_CAP_MASK);
}

#[test]
fn runtime_masked_paths_read_empty_and_proc_sys_is_read_only() {
    let (w, r) = busybox_world();
    let script = "for f in /proc/keys /proc/timer_list /sys/devices/system/cpu/cpu1/online; do [ -e $f ] || continue; \
                  echo \"$f $(stat -c %t:%T $f) $(wc -c < $f)\"; done; \
                  ls /sys/firmware | wc -l; \
                  echo x > /proc/sys/kernel/domainname && echo WRITABLE || echo READONLY; \
                  touch /sys/firmware/x 2>/dev/null && echo FWWRITABLE || echo FWREADONLY";
    let (out, err, rep) = w.run_as_root(&sh(script), &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let masked: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("/proc/") || l.starts_with("/sys/devices/"))
        .collect();
    assert!(!masked.is_empty(), "no masked file found to check: {out}");
    for l in &masked {
        assert!(
            l.ends_with(" 1:3 0"),
            "masked file is not an empty /dev/null: {l}"
        );
    }
    if Path::new("/sys/devices/system/cpu/cpu1/online").exists() {
        let hit = masked
            .iter()
            .any(|l| l.starts_with("/sys/devices/system/cpu/cpu1/online"));
        assert!(hit, "masked path glob not expanded: {out}");
    }
    assert!(
        out.lines().any(|l| l == "0"),
        "/sys/firmware is not empty: {out}"
    );
    assert!(
        out.contains("READONLY") && !out.contains("WRITABLE\n"),
        "{out}"
    );
    assert!(out.contains("FWREADONLY"), "{out}");
}

#[test]
fn runtime_mount_table_has_docker_flags() {
    let (w, r) = busybox_world();
    let (out, err, rep) = w.run_as_root(&sh("cat /proc/self/mountinfo"), &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let line = |mp: &str| {
        out.lines()
            .find(|l| l.split(' ').nth(4) == Some(mp))
            .unwrap_or_else(|| panic!("{mp} not mounted: {out}"))
            .to_string()
    };
    let opts = |mp: &str| line(mp).split(' ').nth(5).unwrap().to_string();
    assert!(line("/proc").contains(" - proc "));
    for f in ["nosuid", "nodev", "noexec"] {
        assert!(opts("/proc").contains(f), "/proc lacks {f}");
    }
    assert!(line("/dev").contains(" - tmpfs "));
    assert!(line("/dev/pts").contains("ptmxmode=666"));
    assert!(opts("/sys").starts_with("ro"), "{}", line("/sys"));
    assert!(opts("/sys/fs/cgroup").starts_with("ro"));
    assert!(opts("/proc/sys").starts_with("ro"));
    assert!(line("/dev/shm").contains(" - tmpfs "));
    assert!(line("/dev/mqueue").contains(" - mqueue "));
    // Nothing of the host's other mounts is visible.
    assert!(
        !out.contains("/work"),
        "host mounts leak into the container: {out}"
    );
}

#[test]
fn runtime_dev_has_the_default_nodes_and_links() {
    let (w, r) = busybox_world();
    let script = "for d in null zero full random urandom tty; do echo \"$d $(stat -c %F:%t:%T /dev/$d)\"; done; \
                  readlink /dev/ptmx; readlink /dev/fd; head -c 4 /dev/zero | wc -c; echo hi > /dev/null && echo NULLOK";
    let (out, err, rep) = w.run_as_root(&sh(script), &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    for want in [
        "null character special file:1:3",
        "zero character special file:1:5",
        "full character special file:1:7",
        "random character special file:1:8",
        "urandom character special file:1:9",
        "tty character special file:5:0",
    ] {
        assert!(out.contains(want), "missing {want} in {out}");
    }
    assert!(
        out.contains("pts/ptmx") && out.contains("/proc/self/fd") && out.contains("NULLOK"),
        "{out}"
    );
}

#[test]
fn runtime_user_groups_and_cwd_come_from_the_spec() {
    let (w, r) = busybox_world();
    let mut s = sh("id -u; id -g; id -G; pwd; cat /proc/self/status");
    let p = s.process_mut().as_mut().unwrap();
    p.set_user(
        UserBuilder::default()
            .uid(1000u32)
            .gid(1000u32)
            .additional_gids(vec![29u32, 1000])
            .build()
            .unwrap(),
    );
    p.set_cwd("/home/user/work".into());
    let (out, err, rep) = w.run_as_root(&s, &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        &lines[..4],
        &["1000", "1000", "1000 29", "/home/user/work"],
        "{out}"
    );
    // docs/security.md F6: a non-root payload ends with no caps: execve as uid != 0 without ambient or file caps
    // clears permitted and effective, even though the spec lists docker's set.
    assert_eq!(status_field(&out, "CapEff"), "0000000000000000");
    assert_eq!(status_field(&out, "CapPrm"), "0000000000000000");
    assert_eq!(status_field(&out, "CapInh"), "0000000000000000");
    assert_eq!(status_field(&out, "CapAmb"), "0000000000000000");
    assert_eq!(status_field(&out, "CapBnd"), DOCKER_CAP_MASK);
    assert!(
        r.join("home/user/work").is_dir(),
        "cwd was not created inside the rootfs"
    );
}

#[test]
fn runtime_payload_gets_only_stdio_fds_and_the_spec_env() {
    let (w, r) = busybox_world();
    let (out, err, rep) = w.run_dir(&spec(&["env"]), &r, serde_json::json!({"leak_fd": true}));
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let mut env: Vec<&str> = out.lines().collect();
    env.sort();
    assert_eq!(
        env,
        vec![
            "HOSTNAME=box",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        ]
    );

    // `ls -l /proc/self/fd` lists ls's own fds: 0, 1, 2 and the directory it reads (3).
    let (out, err, rep) = w.run_dir(
        &spec(&["ls", "/proc/self/fd"]),
        &r,
        serde_json::json!({"leak_fd": true}),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let fds: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(fds, vec!["0", "1", "2", "3"], "{out}");
}

#[test]
fn runtime_exit_code_propagates() {
    let (w, r) = busybox_world();
    let (_, err, rep) = w.run_as_root(&sh("exit 7"), &r);
    assert_eq!(rep["exit_code"], 7, "{rep} {err}");
    // A payload killed by a signal: the shell reports 128+n, as docker does.
    let (_, err, rep) = w.run_as_root(&sh("sleep 10 & kill -9 $!; wait $!"), &r);
    assert_eq!(rep["exit_code"], 137, "{rep} {err}");
}

#[test]
fn runtime_missing_command_is_not_found_and_a_directory_is_not_executable() {
    let (w, r) = busybox_world();
    let (_, _, rep) = w.run_as_root(&spec(&["no-such-command"]), &r);
    assert_eq!(rep["error_kind"], "not_found", "{rep}");
    let (_, _, rep) = w.run_as_root(&spec(&["/etc"]), &r);
    assert_eq!(rep["error_kind"], "not_executable", "{rep}");
    fs::write(r.join("etc/not-exec"), "#!/bin/sh\n").unwrap();
    let (_, _, rep) = w.run_as_root(&spec(&["/etc/not-exec"]), &r);
    assert_eq!(rep["error_kind"], "not_executable", "{rep}");
}

#[test]
fn runtime_failed_step_is_named_and_leaves_no_cgroup() {
    let (w, r) = busybox_world();
    let mut s = sh("true");
    let mut mounts = s.mounts().clone().unwrap();
    mounts.push(mount(
        "/data",
        "bind",
        "/nonexistent-berth-source",
        &["rbind"],
    ));
    s.set_mounts(Some(mounts));
    let cg = unique("berth-test");
    let (_, _, rep) = w.run_dir(&s, &r, serde_json::json!({"cgroup": cg}));
    assert_eq!(rep["error_kind"], "step", "{rep}");
    assert!(
        rep["error"].as_str().unwrap().contains("mounting /data"),
        "{rep}"
    );
    assert!(
        !cgroup_dir_exists(&cg),
        "cgroup left behind after a failed launch"
    );
}

fn memory_cgroup_root() -> PathBuf {
    let own = fs::read_to_string("/proc/self/cgroup")
        .unwrap()
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.splitn(3, ':').collect();
            f[1].split(',')
                .any(|c| c == "memory")
                .then(|| f[2].to_string())
        })
        .expect("memory cgroup of the test");
    Path::new("/sys/fs/cgroup/memory").join(own.trim_start_matches('/'))
}

fn cgroup_dir_exists(name: &str) -> bool {
    if Path::new("/sys/fs/cgroup/cgroup.controllers").exists() {
        return Path::new("/sys/fs/cgroup").join(name).exists();
    }
    memory_cgroup_root().join(name).exists()
}

#[test]
fn runtime_memory_limit_oom_kills_a_hog_and_reports_it() {
    let (w, r) = busybox_world();
    let mut s = sh("head -c 200m /dev/zero | tail > /dev/null; echo survived");
    let res = LinuxResourcesBuilder::default()
        .memory(
            LinuxMemoryBuilder::default()
                .limit(20 * 1024 * 1024i64)
                .swap(20 * 1024 * 1024i64)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    s.linux_mut().as_mut().unwrap().set_resources(Some(res));
    let cg = unique("berth-test");
    let (out, err, rep) = w.run_dir(&s, &r, serde_json::json!({"cgroup": cg, "destroy": true}));
    assert!(rep["error"].is_null(), "{rep} {err}");
    assert_eq!(rep["oom_killed"], true, "{rep} {out} {err}");
    assert!(!cgroup_dir_exists(&cg), "cgroup left after destroy");
}

#[test]
fn runtime_pids_limit_stops_a_fork_bomb() {
    let (w, r) = busybox_world();
    // Only shell builtins after the bomb: every fork fails while the sleeps hold the pids.
    let mut s = sh("( for i in $(seq 1 60); do sleep 5 & done ) 2>/tmp/err; \
                    while read -r l; do echo \"$l\"; done < /tmp/err; set -- /proc/[0-9]*; echo procs=$#");
    let res = LinuxResourcesBuilder::default()
        .pids(LinuxPidsBuilder::default().limit(20i64).build().unwrap())
        .build()
        .unwrap();
    s.linux_mut().as_mut().unwrap().set_resources(Some(res));
    let cg = unique("berth-test");
    let (out, err, rep) = w.run_dir(&s, &r, serde_json::json!({"cgroup": cg, "destroy": true}));
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(
        out.contains("can't fork") || out.contains("Resource temporarily unavailable"),
        "fork bomb was not limited: {out}"
    );
    let procs: u32 = out
        .lines()
        .find_map(|l| l.strip_prefix("procs="))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(procs <= 20, "{procs} processes under a pids limit of 20");
    assert!(!cgroup_dir_exists(&cg), "cgroup left after destroy");
}

#[test]
fn runtime_overlay_writes_land_in_upper() {
    let w = World::new();
    let base = w.busybox_rootfs("base");
    let top = w.dir.join("top");
    fs::create_dir_all(top.join("etc")).unwrap();
    fs::write(top.join("etc/motd"), "from the top layer\n").unwrap();
    for d in ["upper", "work", "merged"] {
        fs::create_dir_all(w.dir.join(d)).unwrap();
    }
    let rootfs = serde_json::json!({"overlay": {
        "lower": [base, top], "upper": w.dir.join("upper"), "work": w.dir.join("work"), "merged": w.dir.join("merged")}});
    let (out, err, rep) = w.run(
        &sh("cat /etc/motd; echo new > /tmp/x; rm /etc/group"),
        rootfs,
        serde_json::json!({"destroy": true}),
        None,
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(out, "from the top layer\n");
    assert_eq!(
        fs::read_to_string(w.dir.join("upper/tmp/x")).unwrap(),
        "new\n"
    );
    assert!(
        base.join("etc/group").exists(),
        "a lower layer was modified"
    );
    assert!(
        !fs::read_to_string("/proc/self/mountinfo")
            .unwrap()
            .contains(w.dir.to_str().unwrap()),
        "mount left on the host"
    );
}

#[test]
fn runtime_symlinked_proc_in_the_image_cannot_redirect_the_mount() {
    let (w, r) = busybox_world();
    let canary = w.dir.join("host-canary");
    fs::create_dir_all(&canary).unwrap();
    fs::remove_dir(r.join("proc")).unwrap();
    std::os::unix::fs::symlink(&canary, r.join("proc")).unwrap();
    let (_, _, rep) = w.run_as_root(&sh("true"), &r);
    assert_eq!(rep["error_kind"], "step", "{rep}");
    assert!(rep["error"].as_str().unwrap().contains("symlink"), "{rep}");
    assert_eq!(
        fs::read_dir(&canary).unwrap().count(),
        0,
        "something was created in the host canary"
    );
    assert!(
        !fs::read_to_string("/proc/self/mountinfo")
            .unwrap()
            .contains(canary.to_str().unwrap())
    );

    // A relative symlink to a dir inside the image: still refused for /dev (CVE-2026-41579).
    let r2 = w.busybox_rootfs("rootfs2");
    let outside = w.dir.join("outside-dev");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("ptmx"), "marker").unwrap();
    fs::remove_dir(r2.join("dev")).unwrap();
    std::os::unix::fs::symlink(&outside, r2.join("dev")).unwrap();
    let (_, _, rep) = w.run(&sh("true"), dir(&r2), serde_json::json!({}), None);
    assert_eq!(rep["error_kind"], "step", "{rep}");
    assert_eq!(fs::read_to_string(outside.join("ptmx")).unwrap(), "marker");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 1);
}

#[test]
fn runtime_destroy_leaves_no_mount_no_cgroup_and_no_process() {
    let (w, r) = busybox_world();
    let cg = unique("berth-test");
    // The payload leaves a background process behind; destroy must kill it.
    let (_, err, rep) = w.run_dir(
        &sh("sleep 100 & echo started"),
        &r,
        serde_json::json!({"cgroup": cg, "destroy": true}),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(rep["destroy_error"].is_null(), "{rep}");
    assert!(!cgroup_dir_exists(&cg));
    assert!(
        !fs::read_to_string("/proc/self/mountinfo")
            .unwrap()
            .contains(r.to_str().unwrap())
    );
    // destroy is idempotent: a second call on the gone container succeeds (the driver calls it again here).
    let (_, _, rep) = w.run_dir(
        &spec(&["no-such-command"]),
        &r,
        serde_json::json!({"cgroup": cg, "destroy": true}),
    );
    assert!(rep["destroy_error"].is_null(), "{rep}");
}

#[test]
fn runtime_exec_joins_the_container_from_a_sealed_binary() {
    let (w, r) = busybox_world();
    let cg = unique("berth-test");
    let (out, err, rep) = w.run_dir(&sh(&until_exec_done("echo main-done")), &r, serde_json::json!({"cgroup": cg, "destroy": true, "exec": ["sh", "-c", &format!("hostname; cat /proc/self/status; cat /proc/self/cgroup; touch {EXEC_DONE}")]}));
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(rep["exec_exit"], 0, "{rep} {err}");
    assert_eq!(
        rep["sealed"], true,
        "the driver did not run from a sealed memfd"
    );
    assert_eq!(out.lines().next(), Some("box"), "{out}");
    // F7: the exec'd process has init's restrictions.
    assert_eq!(status_field(&out, "Seccomp"), "2");
    assert_eq!(status_field(&out, "CapBnd"), DOCKER_CAP_MASK);
    // Inside the container's cgroup namespace its own cgroup is "/": an exec'd process elsewhere would show "/..".
    let mem = out
        .lines()
        .find(|l| l.contains(":memory:"))
        .unwrap_or_else(|| panic!("no memory cgroup line: {out}"));
    assert!(
        mem.ends_with(":/"),
        "exec'd process is not in the container cgroup: {mem}"
    );
    assert!(out.contains("main-done"));
}

#[test]
fn runtime_container_cannot_write_the_host_binary_through_proc_exe() {
    // CVE-2019-5736: a container root with CAP_SYS_PTRACE grabs /proc/<pid>/exe of every process that appears
    // (the exec'd process starts as a copy of the runtime) and tries to write through it.
    let (w, r) = busybox_world();
    let driver_bin = driver();
    let before = fs::read(&driver_bin).unwrap();
    use std::os::unix::fs::MetadataExt;
    let md = fs::metadata(&driver_bin).unwrap();
    let host_inode = format!("{}:{}", md.dev(), md.ino());
    // Only builtins in the loop (a redirection failing on a compound command is not fatal in ash).
    let probe = "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); for p in /proc/[0-9]*; do \
                 case $p in /proc/1|/proc/$$) continue;; esac; \
                 { read -r env <&4; case \"$env\" in *topsecret-marker*) echo LEAKED;; esac; \
                   echo pwned >> /proc/self/fd/3 && echo WROTE; echo SEEN $(stat -L -c %d:%i /proc/self/fd/3) \
                   $(readlink /proc/self/fd/3); } 3< $p/exe 4< $p/environ 2>/dev/null; done; done; echo probe-done";
    let mut s = sh(probe);
    let mut caps = docker_caps();
    caps.push(Capability::SysPtrace);
    let set = caps
        .into_iter()
        .collect::<oci_spec::runtime::Capabilities>();
    s.process_mut().as_mut().unwrap().set_capabilities(Some(
        LinuxCapabilitiesBuilder::default()
            .bounding(set.clone())
            .effective(set.clone())
            .permitted(set)
            .inheritable(oci_spec::runtime::Capabilities::new())
            .ambient(oci_spec::runtime::Capabilities::new())
            .build()
            .unwrap(),
    ));
    let (mut cmd, report) = w.command(
        &s,
        dir(&r),
        serde_json::json!({"exec": ["true"], "exec_repeat": 200}),
        None,
    );
    // A secret in the caller's environment: the exec'd process must never show it through /proc (F3, F4).
    let child = cmd
        .env("BERTH_TEST_SECRET", "topsecret-marker")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Deterministic half: the runtime process (whose copies join the container) runs from a sealed memfd, not
    // from the host inode, and cannot be written through /proc/<pid>/exe.
    // Poll rather than sleep once: the driver first runs from the host binary, re-executes from the memfd, and
    // may finish its 200 execs quickly on an idle machine; a single late sample would find it gone.
    let exe = format!("/proc/{}/exe", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let link = loop {
        match fs::read_link(&exe) {
            Ok(l) if l.to_string_lossy().contains("memfd:") => break l,
            _ if std::time::Instant::now() > deadline => {
                panic!("driver never ran from a sealed memfd")
            }
            _ => std::thread::sleep(std::time::Duration::from_millis(2)),
        }
    };
    assert!(
        link.to_string_lossy().contains("memfd:"),
        "driver runs from {}",
        link.display()
    );
    let emd = fs::metadata(&exe).unwrap();
    assert_ne!(format!("{}:{}", emd.dev(), emd.ino()), host_inode);
    let w_res = fs::OpenOptions::new()
        .append(true)
        .open(&exe)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"x"));
    // Opening an executing file for writing is ETXTBSY; the memfd's F_SEAL_WRITE refuses with EPERM.
    let errno = w_res
        .as_ref()
        .err()
        .and_then(|e| e.raw_os_error())
        .unwrap_or_else(|| panic!("the sealed copy accepted a write: {w_res:?}"));
    assert!(
        errno == libc::ETXTBSY || errno == libc::EPERM,
        "the write was refused for the wrong reason: {w_res:?}"
    );
    let o = child.wait_with_output().unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    );
    let rep: Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(out.contains("probe-done"), "{out}");
    assert!(
        !out.contains("WROTE"),
        "a container process wrote through /proc/<pid>/exe: {out}"
    );
    assert!(
        !out.contains("LEAKED"),
        "the caller's environment was readable from the container: {out}"
    );
    assert_eq!(
        fs::read(&driver_bin).unwrap(),
        before,
        "the host binary changed"
    );
    for l in out.lines().filter(|l| l.starts_with("SEEN")) {
        assert!(
            !l.contains(&host_inode),
            "the container reached the host binary's inode: {l}"
        );
    }
}

fn ensure_test_user() -> &'static str {
    // The shared helper creates `berthtest` idempotently, with subordinate id ranges.
    crate::support::rootless::ensure_user();
    crate::support::rootless::USER
}

/// A rootless spec that also asks for a pids limit (which v1 cannot give to an unprivileged user).
fn rootless_pids_spec(script: &str) -> Spec {
    let mut s = rootless_spec(script);
    let res = LinuxResourcesBuilder::default()
        .pids(LinuxPidsBuilder::default().limit(100i64).build().unwrap())
        .build()
        .unwrap();
    s.linux_mut().as_mut().unwrap().set_resources(Some(res));
    s
}

fn rootless_spec(script: &str) -> Spec {
    let mut s = sh(script);
    let ns = |t| LinuxNamespaceBuilder::default().typ(t).build().unwrap();
    let l = s.linux_mut().as_mut().unwrap();
    l.set_namespaces(Some(vec![
        ns(LinuxNamespaceType::User),
        ns(LinuxNamespaceType::Mount),
        ns(LinuxNamespaceType::Network),
        ns(LinuxNamespaceType::Uts),
        ns(LinuxNamespaceType::Pid),
        ns(LinuxNamespaceType::Ipc),
    ]));
    s
}

#[test]
fn rootless_container_is_root_in_its_user_namespace() {
    let user = ensure_test_user();
    let (w, r) = busybox_world();
    let cg = unique("berth-test");
    let (out, err, rep) = w.run(
        &rootless_pids_spec("sleep 0.5; id -u; hostname; cat /proc/self/uid_map; cat /proc/self/status; ls /dev; cat /dev/null; echo ok"),
        dir(&r),
        serde_json::json!({"rootless": true, "cgroup": cg, "exec": ["sh", "-c", "echo exec-uid=$(id -u)"]}),
        Some(user),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {out} {err}");
    assert_eq!(rep["exec_exit"], 0, "{rep} {out} {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "exec-uid=0", "{out}");
    let lines = &lines[1..];
    assert_eq!(lines[0], "0");
    assert_eq!(lines[1], "box");
    assert!(lines[2].trim_start().starts_with('0'), "uid_map: {out}");
    assert_eq!(status_field(&out, "Seccomp"), "2");
    assert!(out.contains("urandom") && out.ends_with("ok\n"), "{out}");
    // cgroup v1 is not delegated to unprivileged users: requested limits are reported, not silently dropped.
    if !Path::new("/sys/fs/cgroup/cgroup.controllers").exists() {
        let w = rep["warnings"].as_array().unwrap();
        assert!(
            w.iter()
                .any(|l| l.as_str().unwrap().contains("pids limit is")),
            "{rep}"
        );
    }
}

/// A busybox lower layer and empty upper/work/merged dirs, all owned by the rootless test user, and the
/// overlay rootfs description over them. Rootless layers are owned by the user (root in the namespace):
/// root-owned files would be unmapped and overlay copy-up of them fails with EOVERFLOW.
fn rootless_overlay_world() -> (&'static str, World, serde_json::Value) {
    let user = ensure_test_user();
    let w = World::new();
    let base = w.busybox_rootfs("base");
    assert!(
        Command::new("chown")
            .args(["-R", "-h", &format!("{user}:{user}")])
            .arg(&base)
            .status()
            .unwrap()
            .success()
    );
    for d in ["upper", "work", "merged"] {
        fs::create_dir_all(w.dir.join(d)).unwrap();
        chown(&w.dir.join(d), user);
    }
    let rootfs = serde_json::json!({"overlay": {
        "lower": [base], "upper": w.dir.join("upper"), "work": w.dir.join("work"), "merged": w.dir.join("merged")}});
    (user, w, rootfs)
}

#[test]
fn rootless_overlay_rootfs_works_in_the_user_namespace() {
    let (user, w, rootfs) = rootless_overlay_world();
    let (out, err, rep) = w.run(
        &rootless_spec("echo new > /tmp/x; cat /tmp/x"),
        rootfs,
        serde_json::json!({"rootless": true}),
        Some(user),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {out} {err}");
    assert_eq!(out, "new\n");
    assert_eq!(
        fs::read_to_string(w.dir.join("upper/tmp/x")).unwrap(),
        "new\n"
    );
}

#[test]
fn rootless_fuse_overlayfs_rootfs_works_in_the_user_namespace() {
    // The spec annotation berth writes for storage.rootless_overlay = "fuse": the same overlay as above, served
    // by fuse-overlayfs, whose daemon ends with the container.
    let (user, w, rootfs) = rootless_overlay_world();
    let mut s = rootless_spec("echo new > /tmp/x; cat /tmp/x; grep ' / / ' /proc/self/mountinfo");
    s.set_annotations(Some(
        [(
            berth::runtime::overlay::ANNOTATION_MODE.to_string(),
            "fuse".to_string(),
        )]
        .into(),
    ));
    let (out, err, rep) = w.run(
        &s,
        rootfs,
        serde_json::json!({"rootless": true}),
        Some(user),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {out} {err}");
    assert!(out.starts_with("new\n"), "{out}");
    assert!(out.contains("fuse.fuse-overlayfs"), "{out}");
    assert_eq!(
        fs::read_to_string(w.dir.join("upper/tmp/x")).unwrap(),
        "new\n"
    );
}

#[test]
fn runtime_pty_gives_the_payload_a_terminal() {
    let (w, r) = busybox_world();
    let mut s = sh("tty; [ -t 0 ] && echo STDIN-TTY; stat -L -c %t /dev/console");
    s.process_mut().as_mut().unwrap().set_terminal(Some(true));
    let (out, err, rep) = w.run_dir(&s, &r, serde_json::json!({"pty": true}));
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(out.contains("/dev/pts/0"), "{out}");
    assert!(out.contains("STDIN-TTY"), "{out}");
    // /dev/console is the same pty (unix98 pty slaves are major 136 = 0x88).
    assert!(out.lines().any(|l| l.trim() == "88"), "{out}");
}

#[test]
fn runtime_user_namespace_maps_given_in_the_spec_are_used_rootful() {
    let (w, r) = busybox_world();
    let mut s = rootless_spec("cat /proc/self/uid_map /proc/self/gid_map; id -u");
    let m = LinuxIdMappingBuilder::default()
        .container_id(0u32)
        .host_id(200000u32)
        .size(65536u32)
        .build()
        .unwrap();
    let l = s.linux_mut().as_mut().unwrap();
    l.set_uid_mappings(Some(vec![m]));
    l.set_gid_mappings(Some(vec![m]));
    // The rootfs must be usable by the mapped root: make it world-readable (it is).
    let (out, err, rep) = w.run_as_root(&s, &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let maps: Vec<Vec<&str>> = out
        .lines()
        .take(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(maps[0], vec!["0", "200000", "65536"]);
    assert_eq!(maps[1], vec!["0", "200000", "65536"]);
}

#[test]
fn runtime_rlimits_above_the_hard_limit_are_clamped_and_sysctls_apply() {
    let (w, r) = busybox_world();
    let mut s = sh(
        "ulimit -n; ulimit -Hn; cat /proc/sys/kernel/domainname /proc/sys/net/ipv4/ip_forward \
                    /proc/self/oom_score_adj",
    );
    s.process_mut()
        .as_mut()
        .unwrap()
        .set_oom_score_adj(Some(321));
    let mut host = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit into a struct we own.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut host) };
    let lim = oci_spec::runtime::PosixRlimitBuilder::default()
        .typ(oci_spec::runtime::PosixRlimitType::RlimitNofile)
        .soft(512u64)
        .hard(host.rlim_max.saturating_mul(4))
        .build()
        .unwrap();
    s.process_mut()
        .as_mut()
        .unwrap()
        .set_rlimits(Some(vec![lim]));
    let sysctl = [
        ("kernel.domainname", "berth.test"),
        ("net.ipv4.ip_forward", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    s.linux_mut().as_mut().unwrap().set_sysctl(Some(sysctl));
    let (out, err, rep) = w.run_as_root(&s, &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        vec![
            "512".to_string(),
            host.rlim_max.to_string(),
            "berth.test".into(),
            "1".into(),
            "321".into()
        ],
        "{out}"
    );
}

#[test]
fn runtime_read_only_root_refuses_writes() {
    let (w, r) = busybox_world();
    let mut s = sh("touch /newfile 2>&1; echo done > /dev/shm/ok && cat /dev/shm/ok");
    s.set_root(Some(
        RootBuilder::default()
            .path("rootfs")
            .readonly(true)
            .build()
            .unwrap(),
    ));
    let (out, err, rep) = w.run_as_root(&s, &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(out.contains("Read-only file system"), "{out}");
    assert!(out.ends_with("done\n"), "{out}");
    assert!(!r.join("newfile").exists());
}

#[test]
fn runtime_joins_a_namespace_given_by_path() {
    let (w, r) = busybox_world();
    let name = unique("berth-rt");
    assert!(
        Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .unwrap()
            .success()
    );
    let ns_path = Path::new("/run/netns").join(&name);
    use std::os::unix::fs::MetadataExt;
    let ino = fs::metadata(&ns_path).unwrap().ino();
    let mut s = sh("stat -L -c %i /proc/self/ns/net");
    let l = s.linux_mut().as_mut().unwrap();
    let mut nss = l.namespaces().clone().unwrap();
    nss.retain(|n| n.typ() != LinuxNamespaceType::Network);
    nss.push(
        LinuxNamespaceBuilder::default()
            .typ(LinuxNamespaceType::Network)
            .path(&ns_path)
            .build()
            .unwrap(),
    );
    l.set_namespaces(Some(nss));
    let (out, err, rep) = w.run_as_root(&s, &r);
    let _ = Command::new("ip").args(["netns", "del", &name]).status();
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(out.trim(), ino.to_string());
}

#[test]
fn runtime_cgroup_stats_freeze_and_thaw_a_running_container() {
    let (w, r) = busybox_world();
    let cg = unique("berth-test");
    let (_, err, rep) = w.run_dir(
        &sh("sleep 1; echo after-thaw"),
        &r,
        serde_json::json!({"cgroup": cg, "probe_cgroup": true, "destroy": true}),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(rep["froze"], "ok", "{rep}");
    assert!(
        rep["cgroup_pids"].as_array().unwrap().contains(&rep["pid"]),
        "{rep}"
    );
    let stats = rep["stats"].as_str().unwrap();
    assert!(
        stats.starts_with("Ok(Stats") && !stats.contains("memory_usage: 0,"),
        "{stats}"
    );
}

#[test]
fn runtime_exec_on_a_pty() {
    let (w, r) = busybox_world();
    let (out, err, rep) = w.run_dir(&sh(&until_exec_done("true")), &r, serde_json::json!({"exec": ["sh", "-c", &format!("tty; [ -t 1 ] && echo OUT-TTY; touch {EXEC_DONE}")], "exec_pty": true}));
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(rep["exec_exit"], 0, "{rep} {err}");
    assert!(
        out.contains("/dev/pts/") && out.contains("OUT-TTY"),
        "{out}"
    );
}

fn uid_of(user: &str) -> u32 {
    let o = Command::new("id").args(["-u", user]).output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
}

#[test]
fn rootless_maps_use_subuid_ranges_or_a_single_id_with_setgroups_denied() {
    let user = ensure_test_user();
    let uid = uid_of(user);
    let (w, r) = busybox_world();
    let script = "cat /proc/self/uid_map; cat /proc/self/setgroups";
    let has_range = fs::read_to_string("/etc/subuid")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with(&format!("{user}:")));
    let (out, err, rep) = w.run(
        &rootless_spec(script),
        dir(&r),
        serde_json::json!({"rootless": true}),
        Some(user),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let first: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        first,
        vec!["0".to_string(), uid.to_string(), "1".to_string()],
        "{out}"
    );
    if has_range {
        // newuidmap wrote the caller's id plus the subordinate range.
        assert_eq!(out.lines().count(), 3, "{out}");
        assert_eq!(
            out.lines().nth(1).unwrap().split_whitespace().next(),
            Some("1"),
            "{out}"
        );
        // ... and newgidmap, run beside it, the caller's group plus the subordinate gid range.
        let gid = Command::new("id").args(["-g", user]).output().unwrap();
        let gid = String::from_utf8_lossy(&gid.stdout).trim().to_string();
        let subgid = fs::read_to_string("/etc/subgid")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{user}:")).map(str::to_string))
            .expect("a subgid range beside the subuid one");
        let (start, count) = subgid.split_once(':').unwrap();
        let (gout, err, rep) = w.run(
            &rootless_spec("cat /proc/self/gid_map"),
            dir(&r),
            serde_json::json!({"rootless": true}),
            Some(user),
        );
        assert_eq!(rep["exit_code"], 0, "{rep} {err}");
        let rows: Vec<Vec<&str>> = gout
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            rows,
            vec![vec!["0", gid.as_str(), "1"], vec!["1", start, count]],
            "{gout}"
        );
    }

    // A single-id map (what the runtime falls back to without /etc/subuid): setgroups must be denied (K4).
    let mut s = rootless_spec(script);
    let own = LinuxIdMappingBuilder::default()
        .container_id(0u32)
        .host_id(uid)
        .size(1u32)
        .build()
        .unwrap();
    let l = s.linux_mut().as_mut().unwrap();
    l.set_uid_mappings(Some(vec![own]));
    l.set_gid_mappings(Some(vec![
        LinuxIdMappingBuilder::default()
            .container_id(0u32)
            .host_id(uid)
            .size(1u32)
            .build()
            .unwrap(),
    ]));
    let (out, err, rep) = w.run(
        &s,
        dir(&r),
        serde_json::json!({"rootless": true}),
        Some(user),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(out.lines().nth(1), Some("deny"), "{out}");
}

#[test]
fn runtime_bind_mounts_onto_image_symlinks_and_fifos_stay_inside_the_rootfs() {
    // docs/security.md G7: /etc/hosts -> ../../../../<host canary>, /etc/hostname -> an absolute dangling path,
    // /etc/resolv.conf a FIFO. The bind mounts land inside the rootfs, nothing is created on the host, and the
    // start does not hang.
    let (w, r) = busybox_world();
    let canary = w.dir.join("host-canary-hosts");
    let rel_up = "../".repeat(12);
    std::os::unix::fs::symlink(format!("{rel_up}{}", canary.display()), r.join("etc/hosts"))
        .unwrap();
    std::os::unix::fs::symlink(w.dir.join("host-canary-hostname"), r.join("etc/hostname")).unwrap();
    let fifo = std::ffi::CString::new(r.join("etc/resolv.conf").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let src = w.dir.join("generated");
    fs::create_dir_all(&src).unwrap();
    for f in ["hosts", "hostname", "resolv.conf"] {
        fs::write(src.join(f), format!("generated {f}\n")).unwrap();
    }
    let mut s = sh("cat /etc/hosts /etc/hostname /etc/resolv.conf");
    let mut mounts = s.mounts().clone().unwrap();
    for f in ["hosts", "hostname", "resolv.conf"] {
        mounts.push(mount(
            &format!("/etc/{f}"),
            "bind",
            src.join(f).to_str().unwrap(),
            &["rbind", "rprivate"],
        ));
    }
    s.set_mounts(Some(mounts));
    let (out, err, rep) = w.run_as_root(&s, &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(
        out,
        "generated hosts\ngenerated hostname\ngenerated resolv.conf\n"
    );
    assert!(
        !canary.exists() && !w.dir.join("host-canary-hostname").exists(),
        "a file was created outside the rootfs"
    );
    // The dangling targets were created inside the rootfs instead.
    assert!(r.join(canary.strip_prefix("/").unwrap()).exists());
}

#[test]
fn runtime_device_cgroup_denies_devices_outside_the_allow_list() {
    // docs/security.md H6: docker's device rules (deny all, allow the default nodes, mknod allowed): a node made with
    // mknod for /dev/mem (c 1:1) cannot be opened.
    use oci_spec::runtime::{LinuxDeviceCgroupBuilder, LinuxDeviceType};
    let (w, r) = busybox_world();
    let mut s = sh(
        "mknod /tmp/mem c 1 1 && echo MKNOD-OK; head -c 1 /tmp/mem >/dev/null 2>&1 && echo OPENED || echo DENIED; \
                    echo x > /dev/null && echo NULL-OK",
    );
    let rule =
        |allow: bool, t: LinuxDeviceType, major: Option<i64>, minor: Option<i64>, access: &str| {
            let mut b = LinuxDeviceCgroupBuilder::default()
                .allow(allow)
                .typ(t)
                .access(access);
            if let Some(m) = major {
                b = b.major(m);
            }
            if let Some(m) = minor {
                b = b.minor(m);
            }
            b.build().unwrap()
        };
    let mut rules = vec![rule(false, LinuxDeviceType::A, None, None, "rwm")];
    for (ma, mi) in [
        (1, 3),
        (1, 5),
        (1, 7),
        (1, 8),
        (1, 9),
        (5, 0),
        (5, 1),
        (5, 2),
        (136, -1),
    ] {
        rules.push(rule(
            true,
            LinuxDeviceType::C,
            Some(ma),
            if mi < 0 { None } else { Some(mi) },
            "rwm",
        ));
    }
    rules.push(rule(true, LinuxDeviceType::C, None, None, "m"));
    let res = LinuxResourcesBuilder::default()
        .devices(rules)
        .build()
        .unwrap();
    s.linux_mut().as_mut().unwrap().set_resources(Some(res));
    let cg = unique("berth-test");
    let (out, err, rep) = w.run_dir(&s, &r, serde_json::json!({"cgroup": cg, "destroy": true}));
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(
        out.contains("MKNOD-OK") && out.contains("DENIED") && out.contains("NULL-OK"),
        "{out}"
    );
}

#[test]
fn runtime_payload_does_not_inherit_the_callers_signal_mask_or_ignored_signals() {
    let (w, r) = busybox_world();
    let (out, err, rep) = w.run_dir(
        &spec(&["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]),
        &r,
        serde_json::json!({"mask_signals": true}),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(status_field(&out, "SigBlk"), "0000000000000000", "{out}");
    assert_eq!(status_field(&out, "SigIgn"), "0000000000000000", "{out}");
}

#[test]
fn runtime_stdin_reaches_the_payload_and_is_dev_null_otherwise() {
    use std::io::Write;
    let (w, r) = busybox_world();
    let (mut cmd, report) = w.command(
        &sh("cat; echo end"),
        dir(&r),
        serde_json::json!({"stdin": true}),
        None,
    );
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"from the caller\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "from the caller\nend\n");
    let rep: Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    assert_eq!(rep["exit_code"], 0, "{rep}");

    let (out, err, rep) = w.run_as_root(&sh("stat -L -c %t:%T /proc/self/fd/0; cat"), &r);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(out, "1:3\n");
}

#[test]
fn runtime_parallel_launches_leave_no_cgroups_or_mounts() {
    // Several monitors at once share the cgroup parent and the host mount table: nothing may be left behind.
    let (w, r) = busybox_world();
    let mut children = Vec::new();
    let mut names = Vec::new();
    for i in 0..8 {
        let sub = w.dir.join(format!("c{i}"));
        fs::create_dir_all(&sub).unwrap();
        fs::set_permissions(&sub, fs::Permissions::from_mode(0o755)).unwrap();
        let cg = unique("berth-test");
        let spec_path = sub.join("config.json");
        fs::write(
            &spec_path,
            serde_json::to_vec(&sh("echo hi; sleep 0.2 &")).unwrap(),
        )
        .unwrap();
        let desc = serde_json::json!({"spec": spec_path, "rootfs": {"dir": r}, "cgroup": cg,
                                      "report": sub.join("report.json"), "destroy": true});
        fs::write(sub.join("desc.json"), serde_json::to_vec(&desc).unwrap()).unwrap();
        let child = Command::new(driver())
            .arg(sub.join("desc.json"))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        children.push((sub, child));
        names.push(cg);
    }
    for (sub, child) in children {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success());
        assert_eq!(String::from_utf8_lossy(&o.stdout), "hi\n");
        let rep: Value =
            serde_json::from_slice(&fs::read(sub.join("report.json")).unwrap()).unwrap();
        assert_eq!(rep["exit_code"], 0, "{rep}");
        assert!(rep["destroy_error"].is_null(), "{rep}");
    }
    for cg in names {
        assert!(!cgroup_dir_exists(&cg), "cgroup {cg} left behind");
    }
    let mi = fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(
        !mi.contains(w.dir.to_str().unwrap()),
        "mount left on the host"
    );
}

#[test]
fn runtime_refuses_specs_that_would_change_the_host() {
    // A hostname without a UTS namespace, a non-namespaced sysctl, no mount namespace: refused before anything
    // runs (runc validates the same), so the host's hostname and kernel settings stay untouched.
    let (w, r) = busybox_world();
    let host_name = fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let drop_ns = |t: LinuxNamespaceType| {
        let mut s = sh("true");
        let l = s.linux_mut().as_mut().unwrap();
        let nss: Vec<_> = l
            .namespaces()
            .clone()
            .unwrap()
            .into_iter()
            .filter(|n| n.typ() != t)
            .collect();
        l.set_namespaces(Some(nss));
        s
    };
    let (_, _, rep) = w.run_as_root(&drop_ns(LinuxNamespaceType::Uts), &r);
    assert!(rep["error"].as_str().unwrap().contains("UTS"), "{rep}");
    let (_, _, rep) = w.run_as_root(&drop_ns(LinuxNamespaceType::Mount), &r);
    assert!(
        rep["error"].as_str().unwrap().contains("mount namespace"),
        "{rep}"
    );
    let mut s = sh("true");
    let sysctl = [("vm.swappiness".to_string(), "1".to_string())]
        .into_iter()
        .collect();
    s.linux_mut().as_mut().unwrap().set_sysctl(Some(sysctl));
    let (_, _, rep) = w.run_as_root(&s, &r);
    assert!(
        rep["error"].as_str().unwrap().contains("not namespaced"),
        "{rep}"
    );
    assert_eq!(
        fs::read_to_string("/proc/sys/kernel/hostname").unwrap(),
        host_name
    );
}

#[test]
fn runtime_cpu_and_memory_limits_are_written_and_visible_inside() {
    use oci_spec::runtime::LinuxCpuBuilder;
    let (w, r) = busybox_world();
    let v2 = Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    let script = if v2 {
        "cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/cpuset.cpus /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max"
    } else {
        "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpuset/cpuset.cpus \
         /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.shares"
    };
    let mut s = sh(script);
    let res = LinuxResourcesBuilder::default()
        .cpu(
            LinuxCpuBuilder::default()
                .quota(50_000i64)
                .period(100_000u64)
                .shares(512u64)
                .cpus("0")
                .build()
                .unwrap(),
        )
        .memory(
            LinuxMemoryBuilder::default()
                .limit(64 * 1024 * 1024i64)
                .build()
                .unwrap(),
        )
        .pids(LinuxPidsBuilder::default().limit(100i64).build().unwrap())
        .build()
        .unwrap();
    s.linux_mut().as_mut().unwrap().set_resources(Some(res));
    let cg = unique("berth-test");
    let (out, err, rep) = w.run_dir(&s, &r, serde_json::json!({"cgroup": cg, "destroy": true}));
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let lines: Vec<&str> = out.lines().collect();
    if v2 {
        assert_eq!(lines, vec!["50000 100000", "0", "67108864", "100"], "{out}");
    } else {
        assert_eq!(lines, vec!["50000", "0", "67108864", "100", "512"], "{out}");
    }
}

#[test]
fn runtime_cgroup_v2_path_works_in_a_v2_only_mount_namespace() {
    // This machine's controllers are on v1, with an empty cgroup2 at /sys/fs/cgroup/unified. Mounting that
    // cgroup2 on /sys/fs/cgroup in a private mount namespace makes the runtime take its v2 path (creation,
    // placement, cgroup namespace, cgroup2 mount, freeze/thaw, stats, cgroup.kill, removal), minus the
    // controllers, which v1 holds.
    let (w, r) = busybox_world();
    let unified = Path::new("/sys/fs/cgroup/unified");
    let host_v2 = Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    assert!(
        host_v2 || unified.join("cgroup.procs").exists(),
        "no cgroup2 hierarchy to test with"
    );
    let mut s =
        sh("cat /proc/self/cgroup; grep ' /sys/fs/cgroup ' /proc/self/mountinfo; sleep 0.5");
    s.linux_mut().as_mut().unwrap().set_resources(None);
    let nss = s.linux().as_ref().unwrap().namespaces().clone().unwrap();
    assert!(nss.iter().any(|n| n.typ() == LinuxNamespaceType::Cgroup));
    let cg = unique("berth-v2test");
    let (cmd, report) = w.command(
        &s,
        dir(&r),
        serde_json::json!({"cgroup": cg, "probe_cgroup": true, "destroy": true}),
        None,
    );
    let mut script = String::from("mount --make-rprivate / && ");
    if !host_v2 {
        script.push_str("mount -t cgroup2 none /sys/fs/cgroup && ");
    }
    script.push_str("exec \"$0\" \"$@\"");
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rep: Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    assert_eq!(rep["exit_code"], 0, "{rep}");
    assert_eq!(rep["froze"], "ok", "{rep}");
    assert!(
        rep["cgroup_pids"].as_array().unwrap().contains(&rep["pid"]),
        "{rep}"
    );
    assert!(rep["destroy_error"].is_null(), "{rep}");
    assert!(
        stdout.lines().any(|l| l == "0::/"),
        "not in its own cgroup namespace root: {stdout}"
    );
    assert!(stdout.contains(" - cgroup2 "), "{stdout}");
    let v2_root = if host_v2 {
        Path::new("/sys/fs/cgroup")
    } else {
        unified
    };
    assert!(!v2_root.join(&cg).exists(), "v2 cgroup left behind");
}

#[test]
fn runtime_cgroup_v2_device_program_refuses_nodes_outside_the_allow_list() {
    // docs/security.md H6 on cgroup v2, where only the eBPF device program can refuse: the same v2-only mount
    // namespace as above, docker's device rules, and nodes made with mknod inside the container.
    use oci_spec::runtime::{LinuxDeviceCgroupBuilder, LinuxDeviceType};
    let (w, r) = busybox_world();
    let unified = Path::new("/sys/fs/cgroup/unified");
    let host_v2 = Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    assert!(
        host_v2 || unified.join("cgroup.procs").exists(),
        "no cgroup2 hierarchy to test with"
    );
    let mut s = sh(
        "mknod /tmp/sda b 8 0 && mknod /tmp/mem c 1 1 && mknod /tmp/fuse c 10 229 && echo MKNOD-OK; \
         for n in sda mem fuse; do (: < /tmp/$n) 2>/dev/null && echo \"$n OPENED\" || echo \"$n DENIED\"; done; \
         echo x > /dev/null && echo NULL-OK; head -c 4 /dev/zero | wc -c",
    );
    let rule =
        |allow: bool, t: LinuxDeviceType, major: Option<i64>, minor: Option<i64>, access: &str| {
            let mut b = LinuxDeviceCgroupBuilder::default()
                .allow(allow)
                .typ(t)
                .access(access);
            if let Some(m) = major {
                b = b.major(m);
            }
            if let Some(m) = minor {
                b = b.minor(m);
            }
            b.build().unwrap()
        };
    let mut rules = vec![
        rule(false, LinuxDeviceType::A, None, None, "rwm"),
        rule(true, LinuxDeviceType::C, None, None, "m"),
        rule(true, LinuxDeviceType::B, None, None, "m"),
    ];
    for (ma, mi) in [(1, 3), (1, 5), (1, 7), (1, 8), (1, 9), (5, 0), (5, 2)] {
        rules.push(rule(true, LinuxDeviceType::C, Some(ma), Some(mi), "rwm"));
    }
    rules.push(rule(true, LinuxDeviceType::C, Some(136), None, "rwm"));
    let res = LinuxResourcesBuilder::default()
        .devices(rules)
        .build()
        .unwrap();
    s.linux_mut().as_mut().unwrap().set_resources(Some(res));
    let cg = unique("berth-v2dev");
    let (cmd, report) = w.command(
        &s,
        dir(&r),
        serde_json::json!({"cgroup": cg, "destroy": true}),
        None,
    );
    let mut script = String::from("mount --make-rprivate / && ");
    if !host_v2 {
        script.push_str("mount -t cgroup2 none /sys/fs/cgroup && ");
    }
    script.push_str("exec \"$0\" \"$@\"");
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rep: Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    assert_eq!(rep["exit_code"], 0, "{rep}");
    for want in [
        "MKNOD-OK",
        "sda DENIED",
        "mem DENIED",
        "fuse DENIED",
        "NULL-OK",
    ] {
        assert!(stdout.lines().any(|l| l.trim() == want), "{want}: {stdout}");
    }
    assert!(
        stdout.lines().any(|l| l.trim() == "4"),
        "/dev/zero reads: {stdout}"
    );
    let v2_root = if host_v2 {
        Path::new("/sys/fs/cgroup")
    } else {
        unified
    };
    assert!(!v2_root.join(&cg).exists(), "v2 cgroup left behind");
}

#[test]
fn runtime_exec_refuses_a_pid_outside_the_container_cgroup() {
    // A recycled or wrong pid (here the host's pid 1) must never have its namespaces joined.
    let (w, r) = busybox_world();
    let cg = unique("berth-test");
    let (_, err, rep) = w.run_dir(
        &sh("sleep 0.3"),
        &r,
        serde_json::json!({"cgroup": cg, "destroy": true, "exec": ["true"], "exec_pid": 1}),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let e = rep["exec_error"]
        .as_str()
        .unwrap_or_else(|| panic!("exec into pid 1 was not refused: {rep}"));
    assert!(e.contains("not in the container's cgroup"), "{e}");
}

#[test]
fn runtime_second_container_joins_the_first_ones_pid_ipc_and_net_namespaces() {
    // Pods and `--network container:` use launch with namespace paths; joining a pid namespace needs the
    // sealed binary, which the driver is.
    let (w, r) = busybox_world();
    // The first container lives until the second has looked (it ends the first's sleep), not for a fixed
    // time the second's start could outlast on a slow machine; the second waits (bounded) for the sleep.
    // The first is PID 1 of the shared PID namespace: when it exits the kernel kills everything left in
    // it, so it waits (bounded) for the second's shell to be gone first, or the second's exit would be a
    // SIGKILL (137) whenever the machine is slow between its `kill` and its exit. (busybox's `args` column
    // may start with `{comm}`; `[s]h` keeps the pattern from matching the first's own command line.)
    let (out, err, rep) = w.run_dir(
        &sh("echo first-$(readlink /proc/self/ns/net); sleep 60 || true; \
             i=0; while ps -o args | grep -q '[s]h -c echo second-'; do [ $i -lt 100 ] || break; sleep 0.1; i=$((i+1)); done"),
        &r,
        serde_json::json!({
            "second": ["sh", "-c", "echo second-$(readlink /proc/self/ns/net); \
                i=0; until ps -o args | grep -q '^sleep 60'; do [ $i -lt 100 ] || break; sleep 0.1; i=$((i+1)); done; \
                ps -o args | grep -c '^sleep 60'; echo pid=$$; kill $(ps -o pid,args | awk '$2 == \"sleep\" && $3 == \"60\" {print $1}')"],
            "second_joins": ["pid", "ipc", "net"]
        }),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(rep["second_exit"], 0, "{rep} {err}");
    let first = out
        .lines()
        .find_map(|l| l.strip_prefix("first-"))
        .unwrap_or_else(|| panic!("{out}"));
    let second = out
        .lines()
        .find_map(|l| l.strip_prefix("second-"))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(first, second, "network namespace not shared");
    assert!(
        out.lines().any(|l| l == "1"),
        "the first container's sleep is not visible: {out}"
    );
    assert!(
        !out.contains("pid=1\n"),
        "the second container is pid 1 of its own namespace: {out}"
    );
}

#[test]
fn runtime_read_only_rbind_is_read_only_in_submounts_too() {
    let (w, r) = busybox_world();
    let src = w.dir.join("vol");
    let sub = src.join("sub");
    fs::create_dir_all(&sub).unwrap();
    assert!(
        Command::new("mount")
            .args(["-t", "tmpfs", "tmpfs"])
            .arg(&sub)
            .status()
            .unwrap()
            .success()
    );
    let mut s = sh(
        "touch /data/x 2>/dev/null && echo TOP-RW; touch /data/sub/x 2>/dev/null && echo SUB-RW; echo done",
    );
    let mut mounts = s.mounts().clone().unwrap();
    mounts.push(mount(
        "/data",
        "bind",
        src.to_str().unwrap(),
        &["rbind", "ro", "rprivate"],
    ));
    s.set_mounts(Some(mounts));
    let (out, err, rep) = w.run_as_root(&s, &r);
    let _ = Command::new("umount").arg(&sub).status();
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(out, "done\n", "a read-only bind was writable: {out}");
}

/// `cmd` (a `berth` command of a test world) run under `setpriv --bounding-set -sys_module`: a host whose
/// capability bounding set lacks CAP_SYS_MODULE, as in an outer container or a hardened host.
fn without_sys_module(cmd: &Command) -> Command {
    let mut c = Command::new("setpriv");
    c.arg("--bounding-set=-sys_module")
        .arg("--")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    c.env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    if let Some(d) = cmd.get_current_dir() {
        c.current_dir(d);
    }
    c.stdin(std::process::Stdio::null());
    c
}

/// A hex capability mask of /proc/<pid>/status ("CapEff:\t000001ffffffffff").
fn cap_mask(status: &str, key: &str) -> u64 {
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key} in {status}"));
    u64::from_str_radix(line.split_whitespace().nth(1).unwrap(), 16).unwrap()
}

const CAP_SYS_MODULE_BIT: u64 = 1 << 16;

#[test]
fn runtime_privileged_runs_with_the_hosts_reduced_bounding_set() {
    let (env, image) = crate::support::busybox_world();
    let mut cmd = env.berth();
    cmd.args([
        "run",
        "--rm",
        "--privileged",
        &image,
        "cat",
        "/proc/self/status",
    ]);
    let out = crate::support::Outcome::of(&mut without_sys_module(&cmd));
    out.assert_ok();
    let bnd = cap_mask(out.stdout(), "CapBnd");
    let eff = cap_mask(out.stdout(), "CapEff");
    assert_eq!(bnd & CAP_SYS_MODULE_BIT, 0, "{}", out.stdout());
    assert_eq!(eff, bnd, "privileged: every capability the host has");
    assert_ne!(
        eff & (1 << 21),
        0,
        "CAP_SYS_ADMIN is there: {}",
        out.stdout()
    );
    // An unreduced host still gives every capability.
    let out = env.run([
        "run",
        "--rm",
        "--privileged",
        &image,
        "cat",
        "/proc/self/status",
    ]);
    out.assert_ok();
    assert_ne!(cap_mask(out.stdout(), "CapEff") & CAP_SYS_MODULE_BIT, 0);
}

#[test]
fn runtime_exec_privileged_gets_every_capability_of_the_bounding_set() {
    let (env, image) = crate::support::busybox_world();
    let name = unique("execpriv");
    let mut cmd = env.berth();
    cmd.args(["run", "-d", "--name", &name, &image, "sleep", "600"]);
    crate::support::Outcome::of(&mut without_sys_module(&cmd)).assert_ok();
    let status = |privileged: bool| {
        let mut cmd = env.berth();
        cmd.arg("exec");
        if privileged {
            cmd.arg("--privileged");
        }
        cmd.args([&name, "cat", "/proc/self/status"]);
        let out = crate::support::Outcome::of(&mut without_sys_module(&cmd));
        out.assert_ok();
        out.stdout().to_string()
    };
    let plain = status(false);
    let privileged = status(true);
    env.run(["rm", "-f", &name]).assert_ok();
    // docker's default set, as the container's init has it.
    assert_eq!(cap_mask(&plain, "CapEff"), 0xa80425fb, "{plain}");
    let eff = cap_mask(&privileged, "CapEff");
    assert_eq!(eff, cap_mask(&privileged, "CapBnd"), "{privileged}");
    assert_eq!(
        eff & CAP_SYS_MODULE_BIT,
        0,
        "the host's bounding set limits it"
    );
    assert_ne!(eff & (1 << 21), 0, "CAP_SYS_ADMIN: {privileged}");
}

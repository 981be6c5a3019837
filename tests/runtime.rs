//! Integration tests: runtime. Each test builds a busybox rootfs and an OCI spec, starts the container through
//! `examples/launch.rs` (a single-threaded, sealed driver of `berth::runtime`, like the monitor; the test harness
//! is multi-threaded and must not fork by hand) and checks from INSIDE the container with busybox.
//! They need root (namespaces, mounts, cgroups); the rootless ones run the driver as the unprivileged
//! `berthtest` user, created here when missing. busybox comes from Debian's busybox-static.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use oci_spec::runtime::{
    Capability, LinuxBuilder, LinuxCapabilitiesBuilder, LinuxIdMappingBuilder, LinuxMemoryBuilder,
    LinuxNamespaceBuilder, LinuxNamespaceType, LinuxPidsBuilder, LinuxResourcesBuilder, LinuxSeccompAction,
    LinuxSeccompBuilder, LinuxSyscallBuilder, Mount, MountBuilder, ProcessBuilder, RootBuilder, Spec, UserBuilder,
};
use serde_json::Value;

const BUSYBOX: &str = "/bin/busybox";

fn require_root() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(unsafe { libc::geteuid() }, 0, "runtime tests need root (namespaces, mounts, cgroups)");
    assert!(Path::new(BUSYBOX).exists(), "runtime tests need busybox-static (apt-get install busybox-static)");
}

/// The driver binary, built once per test run (`cargo test --test main` does not build examples itself).
fn driver() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let manifest = env!("CARGO_MANIFEST_DIR");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| Path::new(manifest).join("target"));
        let st = Command::new(cargo)
            .args(["build", "--quiet", "--example", "launch", "--manifest-path"])
            .arg(Path::new(manifest).join("Cargo.toml"))
            .status()
            .expect("running cargo build --example launch");
        assert!(st.success(), "building examples/launch failed");
        // A copy every user can execute (the rootless tests run it as berthtest).
        let dir = std::env::temp_dir().join(format!("berth-rt-driver-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let bin = dir.join("launch");
        fs::copy(target.join("debug/examples/launch"), &bin).unwrap();
        fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
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
        let tmp = tempfile::Builder::new().prefix("berth-rt-").tempdir().unwrap();
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
        fs::write(r.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n").unwrap();
        fs::write(r.join("etc/group"), "root:x:0:\nuser:x:1000:\naudio:x:29:\n").unwrap();
        r
    }

    /// Runs the driver; returns (stdout, stderr, report).
    fn run(&self, spec: &Spec, rootfs: Value, extra: Value, as_user: Option<&str>) -> (String, String, Value) {
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
                c.args(["--reuid", u, "--regid", u, "--init-groups", "--reset-env"]).arg(driver());
                c
            }
            None => Command::new(driver()),
        };
        let out = cmd.arg(&desc_path).output().expect("running the launch driver");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "driver failed: {stderr}");
        let rep: Value = serde_json::from_slice(&fs::read(&report).unwrap())
            .unwrap_or_else(|e| panic!("bad report ({e}); stdout {stdout} stderr {stderr}"));
        (stdout, stderr, rep)
    }
}

fn chown(p: &Path, user: &str) {
    let st = Command::new("chown").arg(format!("{user}:{user}")).arg(p).status().unwrap();
    assert!(st.success());
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

fn docker_caps() -> Vec<Capability> {
    use Capability::*;
    vec![Chown, DacOverride, Fsetid, Fowner, Mknod, NetRaw, Setgid, Setuid, Setfcap, Setpcap, NetBindService, SysChroot, Kill, AuditWrite]
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
        mount("/dev", "tmpfs", "tmpfs", &["nosuid", "strictatime", "mode=755", "size=65536k"]),
        mount("/dev/pts", "devpts", "devpts", &["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
        mount("/sys", "sysfs", "sysfs", &["nosuid", "noexec", "nodev", "ro"]),
        mount("/sys/fs/cgroup", "cgroup", "cgroup", &["ro", "nosuid", "noexec", "nodev"]),
        mount("/dev/mqueue", "mqueue", "mqueue", &["nosuid", "noexec", "nodev"]),
        mount("/dev/shm", "tmpfs", "shm", &["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"]),
    ]
}

/// A small seccomp profile: allow by default, EPERM for keyctl (so "Seccomp: 2" and a filter that bites).
fn small_seccomp() -> oci_spec::runtime::LinuxSeccomp {
    LinuxSeccompBuilder::default()
        .default_action(LinuxSeccompAction::ScmpActAllow)
        .syscalls(vec![
            LinuxSyscallBuilder::default()
                .names(vec!["keyctl".to_string(), "no_such_syscall_anywhere".to_string()])
                .action(LinuxSeccompAction::ScmpActErrno)
                .build()
                .unwrap(),
        ])
        .build()
        .unwrap()
}

/// A docker-like spec running `args` (namespaces, caps, masked and read-only paths as docker's defaults).
fn spec(args: &[&str]) -> Spec {
    let caps = docker_caps().into_iter().collect::<oci_spec::runtime::Capabilities>();
    let process = ProcessBuilder::default()
        .args(args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .env(vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(), "HOSTNAME=box".to_string()])
        .cwd("/")
        .user(UserBuilder::default().uid(0u32).gid(0u32).build().unwrap())
        .capabilities(
            LinuxCapabilitiesBuilder::default()
                .bounding(caps.clone())
                .effective(caps.clone())
                .permitted(caps)
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
            ["/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
             "/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats", "/sys/firmware",
             "/sys/devices/virtual/powercap"]
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        )
        .readonly_paths(
            ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"].iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
        .seccomp(small_seccomp())
        .build()
        .unwrap();
    Spec::default()
        .set_process(Some(process))
        .set_hostname(Some("box".into()))
        .set_root(Some(RootBuilder::default().path("rootfs").readonly(false).build().unwrap()))
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
        .find_map(|l| l.strip_prefix(&format!("{key}:")).map(|v| v.trim().to_string()))
        .unwrap_or_else(|| panic!("{key} missing in {out}"))
}

/// docker's 14 default capabilities as a /proc/self/status mask.
const DOCKER_CAP_MASK: &str = "00000000a80425fb";

#[test]
fn runtime_container_sees_its_hostname_caps_seccomp_and_no_new_privs() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let mut s = sh("hostname; cat /proc/self/status");
    s.process_mut().as_mut().unwrap().set_no_new_privileges(Some(true));
    let (out, err, rep) = w.run(&s, dir(&r), serde_json::json!({}), None);
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
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let (out, err, rep) = w.run(&sh("cat /proc/self/status"), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(status_field(&out, "NoNewPrivs"), "0");
    assert_eq!(status_field(&out, "Seccomp"), "2");
    assert_eq!(status_field(&out, "CapEff"), DOCKER_CAP_MASK);
}

#[test]
fn runtime_masked_paths_read_empty_and_proc_sys_is_read_only() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let script = "for f in /proc/keys /proc/timer_list; do [ -e $f ] || continue; \
                  echo \"$f $(stat -c %t:%T $f) $(wc -c < $f)\"; done; \
                  ls /sys/firmware | wc -l; \
                  echo x > /proc/sys/kernel/domainname && echo WRITABLE || echo READONLY; \
                  touch /sys/firmware/x 2>/dev/null && echo FWWRITABLE || echo FWREADONLY";
    let (out, err, rep) = w.run(&sh(script), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let masked: Vec<&str> = out.lines().filter(|l| l.starts_with("/proc/")).collect();
    assert!(!masked.is_empty(), "no masked file found to check: {out}");
    for l in masked {
        assert!(l.ends_with(" 1:3 0"), "masked file is not an empty /dev/null: {l}");
    }
    assert!(out.lines().any(|l| l == "0"), "/sys/firmware is not empty: {out}");
    assert!(out.contains("READONLY") && !out.contains("WRITABLE\n"), "{out}");
    assert!(out.contains("FWREADONLY"), "{out}");
}

#[test]
fn runtime_mount_table_has_docker_flags() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let (out, err, rep) = w.run(&sh("cat /proc/self/mountinfo"), dir(&r), serde_json::json!({}), None);
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
    assert!(!out.contains("/work"), "host mounts leak into the container: {out}");
}

#[test]
fn runtime_dev_has_the_default_nodes_and_links() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let script = "for d in null zero full random urandom tty; do echo \"$d $(stat -c %F:%t:%T /dev/$d)\"; done; \
                  readlink /dev/ptmx /dev/fd; head -c 4 /dev/zero | wc -c; echo hi > /dev/null && echo NULLOK";
    let (out, err, rep) = w.run(&sh(script), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    for want in ["null character special file:1:3", "zero character special file:1:5", "full character special file:1:7",
                 "random character special file:1:8", "urandom character special file:1:9", "tty character special file:5:0"] {
        assert!(out.contains(want), "missing {want} in {out}");
    }
    assert!(out.contains("pts/ptmx") && out.contains("/proc/self/fd") && out.contains("NULLOK"), "{out}");
}

#[test]
fn runtime_user_groups_and_cwd_come_from_the_spec() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let mut s = sh("id -u; id -g; id -G; pwd; cat /proc/self/status");
    let p = s.process_mut().as_mut().unwrap();
    p.set_user(UserBuilder::default().uid(1000u32).gid(1000u32).additional_gids(vec![29u32, 1000]).build().unwrap());
    p.set_cwd("/home/user/work".into());
    let (out, err, rep) = w.run(&s, dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(&lines[..4], &["1000", "1000", "1000 29", "/home/user/work"], "{out}");
    // docker: a non-root user has no effective or permitted caps (F6)... unless the spec grants them; here the
    // spec grants the docker set, as runc does for uid != 0 with explicit effective/permitted sets.
    assert_eq!(status_field(&out, "CapAmb"), "0000000000000000");
    assert!(r.join("home/user/work").is_dir(), "cwd was not created inside the rootfs");
}

#[test]
fn runtime_payload_gets_only_stdio_fds_and_the_spec_env() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let (out, err, rep) = w.run(&spec(&["env"]), dir(&r), serde_json::json!({"leak_fd": true}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let mut env: Vec<&str> = out.lines().collect();
    env.sort();
    assert_eq!(env, vec!["HOSTNAME=box", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);

    // `ls -l /proc/self/fd` lists ls's own fds: 0, 1, 2 and the directory it reads (3).
    let (out, err, rep) = w.run(&spec(&["ls", "/proc/self/fd"]), dir(&r), serde_json::json!({"leak_fd": true}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let fds: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(fds, vec!["0", "1", "2", "3"], "{out}");
}

#[test]
fn runtime_exit_code_propagates() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let (_, err, rep) = w.run(&sh("exit 7"), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["exit_code"], 7, "{rep} {err}");
    let (_, err, rep) = w.run(&sh("kill -9 $$"), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["signal"], 9, "{rep} {err}");
    assert_eq!(rep["exit_code"], 137);
}

#[test]
fn runtime_missing_command_is_not_found_and_a_directory_is_not_executable() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let (_, _, rep) = w.run(&spec(&["no-such-command"]), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["error_kind"], "not_found", "{rep}");
    let (_, _, rep) = w.run(&spec(&["/etc"]), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["error_kind"], "not_executable", "{rep}");
    fs::write(r.join("etc/not-exec"), "#!/bin/sh\n").unwrap();
    let (_, _, rep) = w.run(&spec(&["/etc/not-exec"]), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["error_kind"], "not_executable", "{rep}");
}

#[test]
fn runtime_failed_step_is_named_and_leaves_no_cgroup() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let mut s = sh("true");
    let mut mounts = s.mounts().clone().unwrap();
    mounts.push(mount("/data", "bind", "/nonexistent-berth-source", &["rbind"]));
    s.set_mounts(Some(mounts));
    let cg = unique("berth-test");
    let (_, _, rep) = w.run(&s, dir(&r), serde_json::json!({"cgroup": cg}), None);
    assert_eq!(rep["error_kind"], "step", "{rep}");
    assert!(rep["error"].as_str().unwrap().contains("mounting /data"), "{rep}");
    assert!(!cgroup_dir_exists(&cg), "cgroup left behind after a failed launch");
}

fn memory_cgroup_root() -> PathBuf {
    let own = fs::read_to_string("/proc/self/cgroup")
        .unwrap()
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.splitn(3, ':').collect();
            f[1].split(',').any(|c| c == "memory").then(|| f[2].to_string())
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
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let mut s = sh("head -c 200m /dev/zero | tail > /dev/null; echo survived");
    let res = LinuxResourcesBuilder::default()
        .memory(LinuxMemoryBuilder::default().limit(20 * 1024 * 1024i64).swap(20 * 1024 * 1024i64).build().unwrap())
        .build()
        .unwrap();
    s.linux_mut().as_mut().unwrap().set_resources(Some(res));
    let cg = unique("berth-test");
    let (out, err, rep) = w.run(&s, dir(&r), serde_json::json!({"cgroup": cg, "destroy": true}), None);
    assert!(rep["error"].is_null(), "{rep} {err}");
    assert_eq!(rep["oom_killed"], true, "{rep} {out} {err}");
    assert!(!cgroup_dir_exists(&cg), "cgroup left after destroy");
}

#[test]
fn runtime_pids_limit_stops_a_fork_bomb() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let mut s = sh("n=0; for i in $(seq 1 60); do sleep 3 & done 2>/tmp/err; grep -c . /tmp/err; cat /tmp/err | head -1");
    let res = LinuxResourcesBuilder::default().pids(LinuxPidsBuilder::default().limit(20i64).build().unwrap()).build().unwrap();
    s.linux_mut().as_mut().unwrap().set_resources(Some(res));
    let cg = unique("berth-test");
    let (out, err, rep) = w.run(&s, dir(&r), serde_json::json!({"cgroup": cg, "destroy": true}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let failures: u32 = out.lines().next().unwrap_or("0").trim().parse().unwrap_or(0);
    assert!(failures >= 30, "fork bomb was not limited: {out} {err}");
    assert!(out.to_lowercase().contains("fork") || out.contains("Resource temporarily unavailable"), "{out}");
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
    let (out, err, rep) =
        w.run(&sh("cat /etc/motd; echo new > /tmp/x; rm /etc/group"), rootfs, serde_json::json!({"destroy": true}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(out, "from the top layer\n");
    assert_eq!(fs::read_to_string(w.dir.join("upper/tmp/x")).unwrap(), "new\n");
    assert!(base.join("etc/group").exists(), "a lower layer was modified");
    assert!(!fs::read_to_string("/proc/self/mountinfo").unwrap().contains(w.dir.to_str().unwrap()), "mount left on the host");
}

#[test]
fn runtime_symlinked_proc_in_the_image_cannot_redirect_the_mount() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let canary = w.dir.join("host-canary");
    fs::create_dir_all(&canary).unwrap();
    fs::remove_dir(r.join("proc")).unwrap();
    std::os::unix::fs::symlink(&canary, r.join("proc")).unwrap();
    let (_, _, rep) = w.run(&sh("true"), dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["error_kind"], "step", "{rep}");
    assert!(rep["error"].as_str().unwrap().contains("symlink"), "{rep}");
    assert_eq!(fs::read_dir(&canary).unwrap().count(), 0, "something was created in the host canary");
    assert!(!fs::read_to_string("/proc/self/mountinfo").unwrap().contains(canary.to_str().unwrap()));

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
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let cg = unique("berth-test");
    // The payload leaves a background process behind; destroy must kill it.
    let (_, err, rep) = w.run(&sh("sleep 100 & echo started"), dir(&r), serde_json::json!({"cgroup": cg, "destroy": true}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(rep["destroy_error"].is_null(), "{rep}");
    assert!(!cgroup_dir_exists(&cg));
    assert!(!fs::read_to_string("/proc/self/mountinfo").unwrap().contains(r.to_str().unwrap()));
    // destroy is idempotent: a second call on the gone container succeeds (the driver calls it again here).
    let (_, _, rep) = w.run(&spec(&["no-such-command"]), dir(&r), serde_json::json!({"cgroup": cg, "destroy": true}), None);
    assert!(rep["destroy_error"].is_null(), "{rep}");
}

#[test]
fn runtime_exec_joins_the_container_from_a_sealed_binary() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let cg = unique("berth-test");
    let (out, err, rep) = w.run(
        &sh("sleep 1; echo main-done"),
        dir(&r),
        serde_json::json!({"cgroup": cg, "destroy": true, "exec": ["sh", "-c", "hostname; cat /proc/self/status; cat /proc/self/cgroup"]}),
        None,
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert_eq!(rep["exec_exit"], 0, "{rep} {err}");
    assert_eq!(rep["sealed"], true, "the driver did not run from a sealed memfd");
    assert_eq!(out.lines().next(), Some("box"), "{out}");
    // F7: the exec'd process has init's restrictions.
    assert_eq!(status_field(&out, "Seccomp"), "2");
    assert_eq!(status_field(&out, "CapBnd"), DOCKER_CAP_MASK);
    assert!(out.contains(&cg), "exec'd process is not in the container cgroup: {out}");
    assert!(out.contains("main-done"));
}

#[test]
fn runtime_container_cannot_write_the_host_binary_through_proc_exe() {
    // CVE-2019-5736: a container root with CAP_SYS_PTRACE grabs /proc/<pid>/exe of every process that appears
    // (the exec'd process starts as a copy of the runtime) and tries to write through it.
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let driver_bin = driver();
    let before = fs::read(&driver_bin).unwrap();
    let probe = "i=0; while [ $i -lt 300 ]; do i=$((i+1)); for p in /proc/[0-9]*; do [ $p = /proc/1 ] && continue; \
                 [ $p = /proc/$$ ] && continue; \
                 if exec 3< $p/exe; then readlink $p/exe >> /tmp/seen; \
                 (echo pwned >> /proc/self/fd/3) 2>/dev/null && echo WROTE $(readlink $p/exe); exec 3<&-; fi 2>/dev/null; \
                 done; done; sort -u /tmp/seen 2>/dev/null";
    let mut s = sh(probe);
    let mut caps = docker_caps();
    caps.push(Capability::SysPtrace);
    let set = caps.into_iter().collect::<oci_spec::runtime::Capabilities>();
    s.process_mut().as_mut().unwrap().set_capabilities(Some(
        LinuxCapabilitiesBuilder::default().bounding(set.clone()).effective(set.clone()).permitted(set).build().unwrap(),
    ));
    let (out, err, rep) =
        w.run(&s, dir(&r), serde_json::json!({"exec": ["sh", "-c", "true"], "exec_repeat": 30}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(!out.contains("WROTE /") || out.lines().filter(|l| l.starts_with("WROTE")).all(|l| l.contains("memfd")), "{out}");
    assert_eq!(fs::read(&driver_bin).unwrap(), before, "the host binary changed");
    assert!(!out.lines().any(|l| l == driver_bin.to_str().unwrap()), "the container saw the host binary inode: {out}");
}

fn ensure_test_user() -> &'static str {
    const USER: &str = "berthtest";
    if Command::new("id").arg(USER).output().map(|o| o.status.success()).unwrap_or(false) {
        return USER;
    }
    let st = Command::new("useradd").args(["--create-home", "--shell", "/bin/sh", USER]).status().unwrap();
    assert!(st.success() || Command::new("id").arg(USER).status().unwrap().success(), "useradd berthtest failed");
    USER
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
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let cg = unique("berth-test");
    let (out, err, rep) = w.run(
        &rootless_spec("id -u; hostname; cat /proc/self/uid_map; cat /proc/self/status; ls /dev; cat /dev/null; echo ok"),
        dir(&r),
        serde_json::json!({"rootless": true, "cgroup": cg}),
        Some(user),
    );
    assert_eq!(rep["exit_code"], 0, "{rep} {out} {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "0");
    assert_eq!(lines[1], "box");
    assert!(lines[2].trim_start().starts_with('0'), "uid_map: {out}");
    assert_eq!(status_field(&out, "Seccomp"), "2");
    assert!(out.contains("urandom") && out.ends_with("ok\n"), "{out}");
    // cgroup v1 is not delegated to unprivileged users: the limits are reported, not silently dropped.
    if !Path::new("/sys/fs/cgroup/cgroup.controllers").exists() {
        assert!(!rep["warnings"].as_array().unwrap().is_empty(), "{rep}");
    }
}

#[test]
fn rootless_overlay_rootfs_works_in_the_user_namespace() {
    let user = ensure_test_user();
    let w = World::new();
    let base = w.busybox_rootfs("base");
    for d in ["upper", "work", "merged"] {
        fs::create_dir_all(w.dir.join(d)).unwrap();
        chown(&w.dir.join(d), user);
    }
    let rootfs = serde_json::json!({"overlay": {
        "lower": [base], "upper": w.dir.join("upper"), "work": w.dir.join("work"), "merged": w.dir.join("merged")}});
    let (out, err, rep) =
        w.run(&rootless_spec("echo new > /tmp/x; cat /tmp/x"), rootfs, serde_json::json!({"rootless": true}), Some(user));
    assert_eq!(rep["exit_code"], 0, "{rep} {out} {err}");
    assert_eq!(out, "new\n");
    assert_eq!(fs::read_to_string(w.dir.join("upper/tmp/x")).unwrap(), "new\n");
}

#[test]
fn runtime_pty_gives_the_payload_a_terminal() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let mut s = sh("tty; [ -t 0 ] && echo STDIN-TTY");
    s.process_mut().as_mut().unwrap().set_terminal(Some(true));
    let (out, err, rep) = w.run(&s, dir(&r), serde_json::json!({"pty": true}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    assert!(out.contains("/dev/pts/0"), "{out}");
    assert!(out.contains("STDIN-TTY"), "{out}");
}

#[test]
fn runtime_user_namespace_maps_given_in_the_spec_are_used_rootful() {
    let w = World::new();
    let r = w.busybox_rootfs("rootfs");
    let mut s = rootless_spec("cat /proc/self/uid_map /proc/self/gid_map; id -u");
    let m = LinuxIdMappingBuilder::default().container_id(0u32).host_id(200000u32).size(65536u32).build().unwrap();
    let l = s.linux_mut().as_mut().unwrap();
    l.set_uid_mappings(Some(vec![m]));
    l.set_gid_mappings(Some(vec![m]));
    // The rootfs must be usable by the mapped root: make it world-readable (it is).
    let (out, err, rep) = w.run(&s, dir(&r), serde_json::json!({}), None);
    assert_eq!(rep["exit_code"], 0, "{rep} {err}");
    let maps: Vec<Vec<&str>> = out.lines().take(2).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(maps[0], vec!["0", "200000", "65536"]);
    assert_eq!(maps[1], vec!["0", "200000", "65536"]);
}

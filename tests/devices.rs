//! Integration tests: the device cgroup (docs/security.md 1H H6). On cgroup v2 (and in the cgroup2 of a hybrid host
//! such as this one) berth attaches an eBPF device program built from the spec's rules; these tests check that
//! the program alone refuses what docker's default list refuses, that an update replaces it, and that nothing
//! of it outlives the container. Root only (eBPF and cgroups; CI runs as root); the host must have a cgroup2
//! mount (pure v2, or hybrid's /sys/fs/cgroup/unified).

use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{TestEnv, fixtures, registry, unique};
use oci_spec::runtime::{LinuxDeviceCgroup, LinuxDeviceCgroupBuilder, LinuxDeviceType};

/// Where the cgroup2 hierarchy is mounted (/sys/fs/cgroup on v2, /sys/fs/cgroup/unified on hybrid hosts).
fn cgroup2_mount() -> PathBuf {
    let mi = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    mi.lines()
        .find_map(|l| {
            let (pre, post) = l.split_once(" - ")?;
            post.starts_with("cgroup2 ")
                .then(|| PathBuf::from(pre.split(' ').nth(4).unwrap()))
        })
        .expect("these tests need a cgroup2 mount (v2, or hybrid's /sys/fs/cgroup/unified)")
}

/// The path of `pid` in the hierarchy named by `field` of /proc/PID/cgroup ("" for cgroup2, "devices", ...).
fn cgroup_of(pid: i32, field: &str) -> Option<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    s.lines().find_map(|l| {
        let mut f = l.splitn(3, ':');
        let (_, ctrls, path) = (f.next()?, f.next()?, f.next()?);
        let hit = if field.is_empty() {
            ctrls.is_empty()
        } else {
            ctrls.split(',').any(|c| c == field)
        };
        hit.then(|| path.to_string())
    })
}

fn rule(
    allow: bool,
    t: Option<LinuxDeviceType>,
    major: Option<i64>,
    minor: Option<i64>,
) -> LinuxDeviceCgroup {
    let mut b = LinuxDeviceCgroupBuilder::default()
        .allow(allow)
        .access("rwm");
    if let Some(t) = t {
        b = b.typ(t);
    }
    if let Some(m) = major {
        b = b.major(m);
    }
    if let Some(m) = minor {
        b = b.minor(m);
    }
    b.build().unwrap()
}

/// docker's default list as berth's spec writes it (deny all, mknod of anything, the standard nodes).
fn docker_default() -> Vec<LinuxDeviceCgroup> {
    use LinuxDeviceType::{B, C};
    let mut v = vec![rule(false, None, None, None)];
    for t in [C, B] {
        v.push(
            LinuxDeviceCgroupBuilder::default()
                .allow(true)
                .typ(t)
                .access("m")
                .build()
                .unwrap(),
        );
    }
    for (maj, min) in [(1, 3), (1, 8), (1, 7), (5, 0), (1, 5), (1, 9), (5, 2)] {
        v.push(rule(true, Some(C), Some(maj), Some(min)));
    }
    v.push(rule(true, Some(C), Some(136), None));
    v
}

/// A child cgroup of the cgroup2 root, removed on drop (after its processes are gone).
struct Cgroup2(PathBuf);

impl Cgroup2 {
    fn new() -> Cgroup2 {
        let dir = cgroup2_mount().join(unique("berth-test-devices"));
        std::fs::create_dir(&dir).unwrap();
        Cgroup2(dir)
    }

    /// Runs `sh -c script` inside this cgroup (the child moves itself in before exec) and returns its stdout
    /// and stderr together.
    fn run(&self, script: &str) -> String {
        let procs = CString::new(
            self.0
                .join("cgroup.procs")
                .into_os_string()
                .into_encoded_bytes(),
        )
        .unwrap();
        let mut cmd = Command::new("/bin/busybox");
        cmd.args(["sh", "-c", &format!("exec 2>&1; {script}")]);
        // SAFETY: the closure runs between fork and exec and calls only open, write and close (async-signal
        // safe) on a C string prepared before the fork.
        unsafe {
            cmd.pre_exec(move || {
                let fd = libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
                if fd < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // "0" moves the writing process itself (cgroup-v2.rst, cgroup.procs).
                let ok = libc::write(fd, b"0".as_ptr().cast(), 1) == 1;
                let err = std::io::Error::last_os_error();
                libc::close(fd);
                if ok { Ok(()) } else { Err(err) }
            });
        }
        let out = cmd
            .output()
            .expect("running busybox sh inside the test cgroup");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Cgroup2 {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Device nodes made on the host (outside any filter) in a temp dir: /dev/null's twin, a disk, /dev/mem's and
/// /dev/fuse's twins.
fn nodes(dir: &Path) {
    for (name, kind, major, minor) in [
        ("null", libc::S_IFCHR, 1, 3),
        ("sda", libc::S_IFBLK, 8, 0),
        ("mem", libc::S_IFCHR, 1, 1),
        ("fuse", libc::S_IFCHR, 10, 229),
    ] {
        let p = CString::new(dir.join(name).into_os_string().into_encoded_bytes()).unwrap();
        // SAFETY: mknod with a valid C string; the result is checked.
        let rc = unsafe { libc::mknod(p.as_ptr(), kind | 0o666, libc::makedev(major, minor)) };
        assert_eq!(rc, 0, "mknod {name}: {}", std::io::Error::last_os_error());
    }
}

/// Opens each node for reading (shell redirection in a subshell: open only, no read; a failed redirection
/// ends a POSIX shell) and reports per node.
fn probe(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "for n in null sda mem fuse; do if (: < {d}/$n); then echo \"$n open\"; else echo \"$n refused\"; fi; done; \
         echo x > {d}/null && echo 'null write'"
    )
}

#[test]
fn device_program_denies_disks_memory_and_fuse_and_an_update_replaces_it() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "eBPF device programs need root (CI runs as root)"
    );
    let tmp = crate::support::temp_dir("berth-devices");
    nodes(tmp.path());
    let cg = Cgroup2::new();
    berth::runtime::devices::apply(&cg.0, &docker_default()).unwrap();
    let first = berth::runtime::devices::attached(&cg.0).unwrap();
    assert_eq!(first.len(), 1, "one device program attached: {first:?}");

    let out = cg.run(&probe(tmp.path()));
    assert!(
        out.contains("null open") && out.contains("null write"),
        "{out}"
    );
    for n in ["sda", "mem", "fuse"] {
        assert!(
            out.contains(&format!("{n} refused")),
            "{n} must be refused: {out}"
        );
    }
    // The refusal is the device cgroup's EPERM (not EACCES or ENXIO).
    assert!(out.contains("Operation not permitted"), "{out}");

    // --device /dev/fuse appends an allow rule after the defaults; applying again replaces the program.
    let mut with_fuse = docker_default();
    with_fuse.push(rule(true, Some(LinuxDeviceType::C), Some(10), Some(229)));
    berth::runtime::devices::apply(&cg.0, &with_fuse).unwrap();
    let second = berth::runtime::devices::attached(&cg.0).unwrap();
    assert_eq!(
        second.len(),
        1,
        "the update replaced the program: {second:?}"
    );
    assert_ne!(first, second);
    let out = cg.run(&probe(tmp.path()));
    assert!(
        out.contains("fuse open") && out.contains("sda refused"),
        "{out}"
    );

    // --privileged: everything.
    berth::runtime::devices::apply(&cg.0, &[rule(true, None, None, None)]).unwrap();
    assert_eq!(berth::runtime::devices::attached(&cg.0).unwrap().len(), 1);
    let out = cg.run(&probe(tmp.path()));
    assert!(
        out.contains("fuse open") && out.contains("null open"),
        "{out}"
    );
    assert!(
        !out.contains("Operation not permitted"),
        "privileged: the filter refuses nothing (a disk that does not exist gives ENXIO): {out}"
    );
}

#[test]
fn container_device_filter_holds_even_with_the_v1_device_cgroup_opened() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "containers with cgroups need root (CI runs as root)"
    );
    let env = TestEnv::new();
    let image = registry::shared().image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    let name = unique("devices");
    let id = env
        .run(["run", "-d", "--name", &name, &image, "sleep", "300"])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let pid: i32 = env
        .run(["inspect", "-f", "{{.State.Pid}}", &name])
        .assert_ok()
        .stdout()
        .trim()
        .parse()
        .unwrap();
    let v2 = cgroup_of(pid, "").expect("the container is in a cgroup2 cgroup");
    assert!(
        v2.ends_with(&id),
        "the container has its own cgroup2 cgroup: {v2}"
    );
    let v2_dir = cgroup2_mount().join(v2.trim_start_matches('/'));
    assert_eq!(
        berth::runtime::devices::attached(&v2_dir).unwrap().len(),
        1,
        "a device program is attached to {}",
        v2_dir.display()
    );
    // Take the v1 devices controller out of the picture (when the host has one): allow everything there, so
    // only the eBPF program can refuse.
    let v1_devices = cgroup_of(pid, "devices")
        .map(|v1| Path::new("/sys/fs/cgroup/devices").join(v1.trim_start_matches('/')));
    if let Some(d) = &v1_devices {
        std::fs::write(d.join("devices.allow"), "a").unwrap();
        let list = std::fs::read_to_string(d.join("devices.list")).unwrap();
        assert_eq!(list.trim(), "a *:* rwm", "v1 devices cgroup opened");
    }
    let out = env.run([
        "exec",
        &name,
        "sh",
        "-c",
        "mknod /tmp/sda b 8 0 && mknod /tmp/mem c 1 1 && mknod /tmp/fuse c 10 229 && \
         for n in sda mem fuse; do (: < /tmp/$n) || echo \"$n refused\"; done; (: < /dev/null) && echo null open",
    ]);
    let text = format!("{}{}", out.stdout(), out.stderr());
    for n in ["sda refused", "mem refused", "fuse refused", "null open"] {
        assert!(text.contains(n), "{n}: {text}");
    }
    assert!(text.contains("Operation not permitted"), "{text}");

    // Kill the monitor, as a crash would: the next command still removes every cgroup berth created.
    let mon: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            env.run_root()
                .join("containers")
                .join(&id)
                .join("monitor.json"),
        )
        .unwrap(),
    )
    .unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(mon["pid"].as_i64().unwrap() as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    env.run(["rm", "-f", &name]).assert_ok();
    assert!(
        !v2_dir.exists(),
        "the container's cgroup2 cgroup was removed"
    );
    if let Some(v1) = v1_devices {
        assert!(
            !v1.exists(),
            "the container's v1 devices cgroup was removed"
        );
    }
}

//! Integration tests: the `run` hot path of issue 14. The per-phase trace (`BERTH_TRACE=FILE`) follows one
//! `run` through every process it starts, and what `--rm` skips (the overlay's sync, the create-time
//! flushes) is visible from inside and outside the container. Root, but for the rootless user namespace
//! made ahead by `run`'s monitor.

use crate::support::busybox_world;
use std::os::unix::fs::MetadataExt;

/// `berth ARGS` in `env` with its trace written to `trace`.
fn traced(
    env: &crate::support::TestEnv,
    trace: &std::path::Path,
    args: &[&str],
) -> crate::support::Outcome {
    crate::support::Outcome::of(env.berth().env("BERTH_TRACE", trace).args(args))
}

/// One trace line: `<wall ns> <pid> <role> <phase...> +<ms>ms` (or `=<ms>ms` for a span).
#[derive(Debug)]
struct Line {
    wall: u128,
    pid: String,
    role: String,
    phase: String,
}

fn parse(text: &str) -> Vec<Line> {
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert!(f.len() >= 5, "short trace line {l:?}");
            let ms = f[f.len() - 1];
            assert!(
                (ms.starts_with('+') || ms.starts_with('=')) && ms.ends_with("ms"),
                "no duration at the end of {l:?}"
            );
            ms[1..ms.len() - 2]
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("bad duration in {l:?}"));
            Line {
                wall: f[0].parse().unwrap_or_else(|_| panic!("bad time in {l:?}")),
                pid: f[1].to_string(),
                role: f[2].to_string(),
                phase: f[3..f.len() - 1].join(" "),
            }
        })
        .collect()
}

#[test]
fn run_trace_has_the_cli_monitor_stage_and_init_in_order() {
    let (env, image) = busybox_world();
    let trace = env.root().parent().unwrap().join("run.trace");
    let out = traced(
        &env,
        &trace,
        &["run", "--rm", "--network", "none", &image, "true"],
    );
    out.assert_ok();
    let lines = parse(&std::fs::read_to_string(&trace).expect("no trace file written"));
    let first = |role: &str, phase: &str| {
        lines
            .iter()
            .find(|l| l.role == role && l.phase == phase)
            .unwrap_or_else(|| panic!("no {role} {phase:?} in the trace: {lines:#?}"))
    };
    let parsed = first("cli", "parse");
    let go = first("monitor", "go received");
    let rootfs = first("init", "rootfs mounted");
    let pivot = first("init", "pivot_root");
    let exec = first("init", "caps and seccomp");
    let launched = first("monitor", "payload exec'd");
    let removed = first("monitor", "removed (--rm)");
    let exit = first("cli", "exit received");
    first("stage", "init cloned");
    // Three processes at least: the CLI, its monitor and the container's init (pid 1 of its namespace).
    assert_ne!(parsed.pid, go.pid, "the monitor is a process of its own");
    assert_eq!(
        rootfs.pid, "1",
        "the init reports from inside its pid namespace"
    );
    // One timeline: each step after the one it waits for.
    let order = [parsed, go, rootfs, pivot, exec, launched, removed];
    for w in order.windows(2) {
        assert!(
            w[0].wall <= w[1].wall,
            "{} {} came after {} {}",
            w[0].role,
            w[0].phase,
            w[1].role,
            w[1].phase
        );
    }
    // The client hears of the exit once the container is gone (--rm): a `ps -a` right after shows nothing.
    assert!(removed.wall <= exit.wall, "the client answered before --rm");
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
    // Unset, nothing is written anywhere.
    std::fs::remove_file(&trace).unwrap();
    env.run(["run", "--rm", "--network", "none", &image, "true"])
        .assert_ok();
    assert!(!trace.exists());
}

/// A root `run` places its container with no write of a pid to a `cgroup.procs` (each waits for an RCU
/// grace period): the stage moves itself into every v1 directory and the init is cloned straight into
/// the cgroup v2 one (CLONE_INTO_CGROUP, Linux 5.7). The container's processes are in the container's
/// directory of every hierarchy berth manages, and the trace shows the clone did not fall back.
#[test]
fn a_root_run_is_placed_in_every_hierarchy_without_migrating_by_pid() {
    let (env, image) = busybox_world();
    let trace = env.root().parent().unwrap().join("place.trace");
    let name = crate::support::unique("placed");
    let out = traced(
        &env,
        &trace,
        &[
            "run",
            "--name",
            &name,
            "--network",
            "none",
            &image,
            "cat",
            "/proc/self/cgroup",
        ],
    );
    out.assert_ok();
    let id = crate::support::inspect(&env, &name, "{{.Id}}");
    let cgroups = out.stdout().to_string();
    let managed = ["memory", "pids", "cpu", "freezer", "devices"];
    for line in cgroups.lines() {
        let mut f = line.splitn(3, ':');
        let (_, ctrls, path) = (f.next(), f.next().unwrap_or(""), f.next().unwrap_or(""));
        let ours = ctrls.is_empty() || ctrls.split(',').any(|c| managed.contains(&c));
        if ours {
            assert!(
                path.ends_with(&format!("/{id}")),
                "{line:?} is not the container's cgroup\n{cgroups}"
            );
        }
    }
    let lines = parse(&std::fs::read_to_string(&trace).expect("no trace file written"));
    assert!(
        lines
            .iter()
            .any(|l| l.role == "stage" && l.phase == "placed itself"),
        "the stage did not place itself: {lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.phase == "cgroup v2 joined by a write"),
        "the init was not cloned into its cgroup v2 directory: {lines:#?}"
    );
    env.run(["rm", &name]).assert_ok();
    // Each container's directories start hierarchies of their own on ext4 (`chattr +T` on both
    // `containers/`): a loop of `run --rm` would otherwise create each container's files among the
    // inodes the previous ones just freed, which journal-less ext4 rechecks one by one (store::mark_top_of_hierarchies).
    for top in [
        env.root().join("containers"),
        env.run_root().join("containers"),
    ] {
        let out = std::process::Command::new("lsattr")
            .arg("-d")
            .arg(&top)
            .output()
            .expect("lsattr");
        if !out.status.success() {
            continue; // not ext4 (tmpfs run roots have no such flags)
        }
        let attrs = String::from_utf8_lossy(&out.stdout);
        let flags = attrs.split_whitespace().next().unwrap_or("");
        assert!(
            flags.contains('T'),
            "{} lacks the top-directory flag: {attrs}",
            top.display()
        );
    }
}

/// `run`'s monitor, started before the container exists, makes the container's cgroup directories while
/// it waits (`--early-cgroup`), and removes them when the creation fails (the go pipe closes unsent).
#[test]
fn an_early_cgroup_goes_when_the_creation_fails() {
    use std::os::unix::process::CommandExt;
    let (env, _image) = busybox_world();
    let id: String = format!("{:064x}", std::process::id() as u128 * 7919 + 0xbe57);
    let (rd, wr) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
    let mut cmd = env.berth();
    cmd.args(["internal", "monitor", &id, "--wait-go", "--early-cgroup"]);
    let fd = std::os::fd::AsRawFd::as_raw_fd(&rd);
    // SAFETY: dup2 between fork and exec, async-signal-safe; the monitor reads its go byte on fd 5.
    unsafe {
        cmd.pre_exec(move || {
            if libc::dup2(fd, 5) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(rd);
    let pids_own = std::fs::read_to_string("/proc/self/cgroup")
        .unwrap()
        .lines()
        .find_map(|l| l.split_once(":pids:").map(|(_, p)| p.to_string()))
        .expect("a pids hierarchy");
    let dir = std::path::Path::new("/sys/fs/cgroup/pids")
        .join(pids_own.trim_start_matches('/'))
        .join("berth")
        .join(&id);
    let made = crate::support::eventually(5, || dir.is_dir());
    assert!(
        made,
        "{} was not made while the monitor waited",
        dir.display()
    );
    drop(wr);
    assert!(child.wait().unwrap().success());
    assert!(!dir.exists(), "{} is left behind", dir.display());
}

/// A container's /sys/fs/cgroup is read-only, nosuid, nodev and noexec all the way down (each
/// hierarchy bound into it included), so its processes cannot raise their own limits or set a v1
/// `release_agent` (CVE-2022-0492); the binds are made read-only by one recursive mount_setattr.
#[test]
fn the_containers_cgroup_tree_is_read_only_all_the_way_down() {
    let (env, image) = busybox_world();
    let script = "grep ' /sys/fs/cgroup' /proc/self/mountinfo; \
                  echo 1 > /sys/fs/cgroup/pids/pids.max 2>/dev/null && echo WROTE; \
                  echo 1 > /sys/fs/cgroup/cgroup.procs 2>/dev/null && echo WROTE; \
                  mkdir /sys/fs/cgroup/memory/x 2>/dev/null && echo MADE; true";
    let out = env
        .run([
            "run",
            "--rm",
            "--network",
            "none",
            &image,
            "sh",
            "-c",
            script,
        ])
        .assert_ok()
        .stdout()
        .to_string();
    assert!(!out.contains("WROTE") && !out.contains("MADE"), "{out}");
    let mounts: Vec<&str> = out.lines().collect();
    assert!(!mounts.is_empty(), "no /sys/fs/cgroup mount: {out}");
    for line in mounts {
        let opts: Vec<&str> = line.split(' ').nth(5).unwrap_or("").split(',').collect();
        for want in ["ro", "nosuid", "nodev", "noexec"] {
            assert!(opts.contains(&want), "{want} missing: {line}");
        }
    }
}

/// The rootfs of an `--rm` container is mounted with overlayfs's `volatile` (its upper dir is deleted at
/// exit, so the kernel's syncfs of the host filesystem when the mount goes away is skipped); a container
/// that stays keeps a normal, synced overlay.
#[test]
fn rm_containers_get_a_volatile_overlay_and_kept_ones_do_not() {
    let (env, image) = busybox_world();
    let root_opts = |args: &[&str]| {
        let mut a = vec!["run"];
        a.extend_from_slice(args);
        a.extend([
            "--network",
            "none",
            image.as_str(),
            "sh",
            "-c",
            "grep ' / / ' /proc/self/mountinfo",
        ]);
        env.run(&a).assert_ok().stdout().to_string()
    };
    let rm = root_opts(&["--rm"]);
    assert!(rm.contains("overlay") && rm.contains("volatile"), "{rm}");
    let kept = root_opts(&["--name", "kept"]);
    assert!(
        kept.contains("overlay") && !kept.contains("volatile"),
        "{kept}"
    );
    // The kept container starts again (a volatile mount would have left work/incompat behind).
    env.run(["start", "-a", "kept"]).assert_ok();
    env.run(["rm", "kept"]).assert_ok();
}

/// An `--rm` container is written without flushes (docs/layout.md): after a power cut its record may be
/// empty. `ps -a` then skips it and `rm` deletes it, instead of failing to parse it.
#[test]
fn rm_deletes_what_a_power_cut_leaves_of_an_unflushed_rm_container() {
    let (env, image) = busybox_world();
    let id = env
        .run(["create", "--rm", "--network", "none", &image, "true"])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let dir = env.root().join("containers").join(&id);
    // What ext4 may leave of a file renamed into place but never flushed.
    std::fs::write(dir.join("container.json"), "").unwrap();
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
    env.run(["rm", &id]).assert_ok();
    assert!(
        !dir.exists(),
        "the torn container's directory is still there"
    );
    // A kept container with a good record is not touched by that rule.
    let kept = env
        .run(["create", "--network", "none", &image, "true"])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    env.run(["rm", &kept]).assert_ok();
}

/// Rootless: `run`'s monitor makes the container's user namespace (newuidmap and newgidmap) while the CLI
/// creates the container, and the launch joins it: the trace shows it made ahead and no maps written on the
/// launch's path, and the container sees root mapped to the caller plus the subordinate range. A spec with
/// maps of its own (`--userns=keep-id`) gets its own namespace, written by the launch, as before.
#[test]
fn a_rootless_run_joins_the_user_namespace_its_monitor_made_ahead() {
    let (env, image) =
        crate::support::TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX);
    let owner = std::fs::metadata(env.dir()).unwrap();
    let trace = env.dir().join("rootless.trace");
    let out = traced(
        &env,
        &trace,
        &[
            "run",
            "--rm",
            "--network",
            "none",
            &image,
            "sh",
            "-c",
            "id -u; cat /proc/self/uid_map /proc/self/gid_map",
        ],
    );
    out.assert_ok();
    let text = std::fs::read_to_string(&trace).expect("no trace file written");
    let lines = parse(&text);
    let has = |role: &str, phase: &str| lines.iter().any(|l| l.role == role && l.phase == phase);
    assert!(has("monitor", "user namespace made"), "{text}");
    assert!(
        !has("monitor", "uid/gid maps"),
        "the launch wrote maps of its own: {text}"
    );
    let rows: Vec<Vec<String>> = out
        .stdout()
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    assert_eq!(rows[0], vec!["0"], "{rows:?}");
    assert_eq!(
        rows.len(),
        5,
        "root plus a subordinate range, uid and gid: {rows:?}"
    );
    assert_eq!(rows[1][..2], ["0".to_string(), owner.uid().to_string()]);
    assert_eq!(rows[2][0], "1", "{rows:?}");
    assert_eq!(rows[3][..2], ["0".to_string(), owner.gid().to_string()]);
    assert_eq!(rows[4][0], "1", "{rows:?}");

    std::fs::remove_file(&trace).unwrap();
    let out = traced(
        &env,
        &trace,
        &[
            "run",
            "--rm",
            "--network",
            "none",
            "--userns=keep-id",
            &image,
            "id",
            "-u",
        ],
    );
    out.assert_ok()
        .assert_stdout_eq(&format!("{}\n", owner.uid()));
    let text = std::fs::read_to_string(&trace).expect("no trace file written");
    assert!(
        parse(&text)
            .iter()
            .any(|l| l.role == "monitor" && l.phase == "uid/gid maps"),
        "keep-id's own maps were not written by the launch: {text}"
    );
}

/// `run`'s monitor is a fork of the CLI, not a second exec of berth (issue 14), and still looks and acts
/// like the exec'd one: its command line names it (written over the CLI's arguments and environment, so
/// neither shows), its environment holds PATH alone, its stdio is /dev/null, and it keeps none of the
/// CLI's files: the CLI's stdout here is a pipe this test holds, whose end of file must come when the CLI
/// exits although the detached container's monitor lives on.
#[test]
fn runs_forked_monitor_names_itself_and_keeps_nothing_of_the_cli() {
    let (env, image) = busybox_world();
    let mut cmd = env.berth();
    cmd.env("BERTH_FORK_TEST_SECRET", "hunter2")
        .args([
            "run",
            "-d",
            "-e",
            "SECRET_ARG=swordfish",
            "--network",
            "none",
            &image,
        ])
        .args(["sleep", "30"]);
    // Outcome reads stdout to its end: a monitor holding the CLI's stdout would hang this.
    let out = crate::support::Outcome::of(&mut cmd);
    out.assert_ok();
    let id = out.stdout().trim().to_string();
    assert_eq!(id.len(), 64, "{id:?}");
    let pid = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .find(|e| {
            std::fs::read(e.path().join("cmdline"))
                .is_ok_and(|c| c.starts_with(format!("berth:[monitor] {id}").as_bytes()))
        })
        .map(|e| e.path())
        .expect("no process named berth:[monitor] <id>");
    let cmdline =
        String::from_utf8_lossy(&std::fs::read(pid.join("cmdline")).unwrap()).replace('\0', " ");
    let want = format!(
        "berth:[monitor] {id} --root {} --run-root ",
        env.root().display()
    );
    assert!(cmdline.starts_with(&want), "{cmdline:?}");
    assert!(
        cmdline.trim_end().ends_with("--wait-go --early-cgroup"),
        "{cmdline:?}"
    );
    let environ = std::fs::read(pid.join("environ")).unwrap();
    let environ = String::from_utf8_lossy(&environ);
    for secret in ["hunter2", "swordfish"] {
        assert!(!environ.contains(secret), "{secret} in {environ:?}");
        assert!(!cmdline.contains(secret), "{secret} in {cmdline:?}");
    }
    for fd in 0..3 {
        let target = std::fs::read_link(pid.join(format!("fd/{fd}"))).unwrap();
        assert_eq!(target, std::path::Path::new("/dev/null"), "fd {fd}");
    }
    let status = std::fs::read_to_string(pid.join("status")).unwrap();
    assert!(status.contains("Threads:\t1\n"), "{status}");
    env.run(["exec", &id, "true"]).assert_ok();
    env.run(["rm", "-f", &id]).assert_ok();
}

/// The pid and start time `<run root>/userns.pid` records for the user namespace holder.
fn holder_record(env: &crate::support::TestEnv) -> Option<(i32, String)> {
    let text = std::fs::read_to_string(env.run_root().join("userns.pid")).ok()?;
    let mut f = text.split_whitespace();
    Some((f.next()?.parse().ok()?, f.next()?.to_string()))
}

/// The user namespace of a rootless container's payload, as `readlink /proc/self/ns/user` shows it.
fn payload_userns(env: &crate::support::TestEnv, image: &str) -> String {
    let out = env.run([
        "run",
        "--rm",
        "--network",
        "none",
        image,
        "readlink",
        "/proc/self/ns/user",
    ]);
    out.assert_ok();
    out.stdout().trim().to_string()
}

/// Rootless containers share one user namespace, held by a process of its own (podman's pause process):
/// only the first `run` pays for newuidmap and newgidmap (issue 14). The holder is recorded in the run root,
/// is nobody's child, keeps nothing open but /dev/null, and names its run root; killed, it is replaced by the
/// next `run`; a record naming something else is not trusted; with its record gone, it ends by itself.
#[test]
fn rootless_containers_share_a_user_namespace_held_by_a_process_of_its_own() {
    let (env, image) =
        crate::support::TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX);
    let first = payload_userns(&env, &image);
    let (pid, start) = holder_record(&env).expect("no userns.pid after a rootless run");
    assert_eq!(
        payload_userns(&env, &image),
        first,
        "a second run made its own namespace"
    );
    assert_eq!(holder_record(&env), Some((pid, start.clone())));
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    let cmdline = String::from_utf8_lossy(&std::fs::read(proc_dir.join("cmdline")).unwrap())
        .replace('\0', " ");
    let want = format!("berth:[userns] --run-root {}", env.run_root().display());
    assert!(cmdline.starts_with(&want), "{cmdline:?}");
    let stat = std::fs::read_to_string(proc_dir.join("stat")).unwrap();
    let ppid = stat[stat.rfind(')').unwrap() + 2..]
        .split(' ')
        .nth(1)
        .unwrap()
        .to_string();
    let parent = std::fs::read(format!("/proc/{ppid}/cmdline")).unwrap_or_default();
    assert!(
        !String::from_utf8_lossy(&parent).starts_with("berth"),
        "the holder is the child of a berth process ({ppid}): {stat}"
    );
    for fd in std::fs::read_dir(proc_dir.join("fd")).unwrap().flatten() {
        let target = std::fs::read_link(fd.path()).unwrap();
        assert_eq!(target, std::path::Path::new("/dev/null"), "{:?}", fd.path());
    }
    assert_eq!(
        std::fs::read_link(proc_dir.join("cwd")).unwrap(),
        std::path::Path::new("/")
    );

    // Killed: the next run makes a new holder, and the containers after it share that one.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    assert!(crate::support::eventually(10, || !proc_dir.exists()));
    let second = payload_userns(&env, &image);
    let (pid2, _) = holder_record(&env).expect("no holder after the first one died");
    assert_ne!(pid2, pid);
    assert_eq!(payload_userns(&env, &image), second);

    // A record naming another process (this test's own, with a wrong start time) is not trusted.
    let me = std::process::id();
    std::fs::write(env.run_root().join("userns.pid"), format!("{me} 1\n")).unwrap();
    let third = payload_userns(&env, &image);
    let (pid3, _) = holder_record(&env).unwrap();
    assert_ne!(pid3 as u32, me);
    assert_ne!(
        third,
        std::fs::read_link("/proc/self/ns/user")
            .unwrap()
            .display()
            .to_string()
    );
    // The holder the record no longer named ends by itself (it checks every 10 s).
    let replaced = std::path::PathBuf::from(format!("/proc/{pid2}"));
    assert!(
        crate::support::eventually(30, || !replaced.exists()),
        "a holder its record no longer names is still running"
    );
}

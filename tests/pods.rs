//! Integration tests: pods (issue 5). The infra process is berth's pause; members join its namespaces.
//! Checked from inside the containers with busybox and from the host (processes, mounts, cgroups, netns,
//! veths). Root only: they create namespaces, mounts, cgroups and bridges (CI runs as root).

use crate::support::{
    TestEnv, busybox_world, eventually, fixtures, mountinfo_mentions, registry, unique,
};
use std::path::{Path, PathBuf};

/// Host processes whose command line mentions `needle` (our test's root dir appears in every monitor's
/// and forwarder's arguments; the infra is found through its pid in the container state).
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        let zombie = stat
            .rfind(')')
            .is_some_and(|i| stat[i + 2..].starts_with('Z'));
        if cmd.contains(needle) && !zombie {
            out.push(format!("{name}: {cmd}"));
        }
    }
    out
}

/// The directory of cgroup `rel` (relative to the cgroup this test runs in, which berth inherits) in v1
/// controller `ctrl` (this machine's layout: one hierarchy per controller under /sys/fs/cgroup).
fn cgroup_dir(ctrl: &str, rel: &str) -> Option<PathBuf> {
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap();
    let path = own.lines().find_map(|l| {
        let mut f = l.splitn(3, ':');
        let (_, ctrls, path) = (f.next()?, f.next()?, f.next()?);
        ctrls.split(',').any(|c| c == ctrl).then_some(path)
    })?;
    Some(
        Path::new("/sys/fs/cgroup")
            .join(ctrl)
            .join(path.trim_start_matches('/'))
            .join(rel),
    )
}

/// Every controller berth creates cgroups in.
const CONTROLLERS: [&str; 7] = [
    "memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "devices",
];

/// The directories of cgroup `rel` that exist, in any controller.
fn existing_cgroups(rel: &str) -> Vec<PathBuf> {
    CONTROLLERS
        .iter()
        .filter_map(|c| cgroup_dir(c, rel))
        .filter(|d| d.exists())
        .collect()
}

/// Removes the pod with `pod rm -f` when the test ends, also when an assertion failed halfway, so a
/// failing test does not leave processes and mounts on the machine.
struct PodGuard<'a>(&'a TestEnv, String);

impl Drop for PodGuard<'_> {
    fn drop(&mut self) {
        let _ = self.0.berth().args(["pod", "rm", "-f", &self.1]).output();
    }
}

/// `pod create --name <prefix>-<unique> FLAGS` (asserted): the guard that removes the pod, its name and its
/// full id.
fn create_pod<'a>(
    env: &'a TestEnv,
    prefix: &str,
    flags: &[&str],
) -> (PodGuard<'a>, String, String) {
    let pod = unique(prefix);
    let guard = PodGuard(env, pod.clone());
    let mut args = vec!["pod", "create", "--name", &pod];
    args.extend_from_slice(flags);
    let out = env.run(args);
    out.assert_ok();
    (guard, pod, out.stdout().trim().to_string())
}

fn infra_id(env: &TestEnv, pod: &str) -> String {
    let out = env.run(["pod", "inspect", "--format", "{{.InfraContainerID}}", pod]);
    out.assert_ok();
    out.stdout().trim().to_string()
}

/// Nothing of the pod remains on the host: no berth process of this world, no mount under its roots, no
/// cgroup of the pod's containers, no netns file, no veth of the infra.
fn assert_nothing_left(env: &TestEnv, ids: &[String]) {
    let root = env.root().display().to_string();
    let run_root = env.run_root().display().to_string();
    assert!(
        eventually(10, || processes_mentioning(&root).is_empty()),
        "processes of the pod remain: {:?}",
        processes_mentioning(&root)
    );
    assert!(!mountinfo_mentions(&root), "a mount under the root remains");
    assert!(
        !mountinfo_mentions(&run_root),
        "a mount under the run root remains"
    );
    let netns = env.run_root().join("netns");
    let left: Vec<_> = std::fs::read_dir(&netns)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "netns files remain: {left:?}");
    let links = String::from_utf8_lossy(
        &std::process::Command::new("ip")
            .args(["-o", "link"])
            .output()
            .unwrap()
            .stdout,
    )
    .to_string();
    // A pod's containers have their cgroups beneath the pod's (berth/pod-<pod id>/<id>).
    let berth_cg = cgroup_dir("memory", "berth").unwrap();
    let parents: Vec<PathBuf> = std::fs::read_dir(&berth_cg)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("pod-"))
                .collect()
        })
        .unwrap_or_default();
    for id in ids {
        for cg in parents.iter().chain([&berth_cg]).map(|p| p.join(id)) {
            assert!(!cg.exists(), "cgroup {} remains", cg.display());
        }
        assert!(
            !links.contains(&id[..12]),
            "a link named after {id} remains"
        );
    }
}

#[test]
fn pod_members_share_localhost_hostname_and_shm() {
    let (env, image) = busybox_world();
    let (_guard, pod, pod_id) = create_pod(&env, "app", &["--hostname", "podhost"]);
    assert_eq!(
        pod_id.len(),
        64,
        "pod create prints the full id: {pod_id:?}"
    );
    env.run(["pod", "exists", &pod])
        .assert_ok()
        .assert_stdout_eq("");
    env.run(["pod", "exists", "no-such-pod"])
        .assert_code(1)
        .assert_stdout_eq("");

    let web = unique("web");
    env.run([
        "run", "-d", "--pod", &pod, "--name", &web, &image, "httpd", "-f", "-p", "80", "-h", "/etc",
    ])
    .assert_ok();
    // Same network namespace: localhost reaches the other member's httpd.
    let mut body = String::new();
    eventually(10, || {
        let o = env.run([
            "run",
            "--rm",
            "--pod",
            &pod,
            &image,
            "wget",
            "-qO-",
            "http://localhost:80/hostname",
        ]);
        body = o.stdout().to_string();
        o.success()
    });
    assert_eq!(
        body, "podhost\n",
        "wget over localhost served the pod's /etc/hostname"
    );
    // Same UTS namespace: the pod's hostname.
    env.run(["run", "--rm", "--pod", &pod, &image, "hostname"])
        .assert_ok()
        .assert_stdout_eq("podhost\n");
    // Same IPC mount: a file in /dev/shm written by one member is read by another.
    env.run([
        "run",
        "--rm",
        "--pod",
        &pod,
        &image,
        "sh",
        "-c",
        "echo shared-segment > /dev/shm/seg",
    ])
    .assert_ok();
    env.run(["run", "--rm", "--pod", &pod, &image, "cat", "/dev/shm/seg"])
        .assert_ok()
        .assert_stdout_eq("shared-segment\n");
    // A member may not bring its own hostname (podman's error).
    env.run([
        "run",
        "--rm",
        "--pod",
        &pod,
        "--hostname",
        "x",
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has("cannot set hostname when joining the pod UTS namespace");

    // Nor its own published ports: they belong to the pod.
    env.run([
        "run", "--rm", "--pod", &pod, "-p", "8089:80", &image, "true",
    ])
    .assert_code(125)
    .assert_stderr_has("published or exposed ports must be defined when the pod is created");
    // ps and inspect.
    env.run([
        "pod",
        "ps",
        "--format",
        "{{.Name}} {{.Status}} {{.NumberOfContainers}}",
    ])
    .assert_ok()
    .assert_stdout_eq(&format!("{pod} Running 2\n"));
    let ps = env.run(["pod", "ls"]);
    ps.assert_ok()
        .assert_stdout_has("POD ID")
        .assert_stdout_has("# OF CONTAINERS")
        .assert_stdout_has(&pod_id[..12]);
    let insp = env.run(["pod", "inspect", &pod]);
    insp.assert_ok();
    let v: serde_json::Value =
        serde_json::from_str(insp.stdout()).expect("pod inspect prints JSON");
    // podman 4.3: one pod is an object, not an array of one.
    let v = &v;
    assert_eq!(v["Name"], pod.as_str());
    assert_eq!(v["Hostname"], "podhost");
    assert_eq!(
        v["SharedNamespaces"],
        serde_json::json!(["ipc", "net", "uts"])
    );
    assert_eq!(v["NumContainers"], 2);
    assert_eq!(v["State"], "Running");
    // As in podman, the infra container is listed with the members (named <pod id>-infra).
    env.run([
        "ps",
        "--filter",
        &format!("pod={pod}"),
        "--format",
        "{{.Names}}",
    ])
    .assert_ok()
    .assert_stdout_eq(&format!("{web}\n{}-infra\n", &pod_id[..12]));
    env.run([
        "ps",
        "--pod",
        "--filter",
        &format!("name={web}"),
        "--format",
        "{{.PodName}}",
    ])
    .assert_ok()
    .assert_stdout_eq(&format!("{pod}\n"));
    env.run(["pod", "top", &pod])
        .assert_ok()
        .assert_stdout_has("httpd")
        .assert_stdout_has("internal pause");
    env.run(["pod", "rm", &pod])
        .assert_code(1)
        .assert_stderr_has("cannot be removed without force");

    let infra = infra_id(&env, &pod);
    // The infra goes only with its pod (podman).
    env.run(["rm", "-f", &infra])
        .assert_failed()
        .assert_stderr_has("is the infra container of pod");
    let web_id = env
        .run(["inspect", "--format", "{{.Id}}", &web])
        .stdout()
        .trim()
        .to_string();
    env.run(["pod", "rm", "-f", &pod])
        .assert_ok()
        .assert_stdout_eq(&format!("{pod_id}\n"));
    env.run(["pod", "exists", &pod]).assert_code(1);
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
    assert_nothing_left(&env, &[infra, web_id]);
}

/// 100 short-lived children orphaned by a member: `(sleep 0.1 &)` forks a subshell that starts sleep in
/// the background and exits, so each sleep is re-parented to the pid namespace's init.
const ORPHANS: &str = "for i in $(seq 100); do (sleep 0.1 &) ; done; sleep 1";
/// Zombies visible in the container's /proc, counted from inside.
const COUNT_ZOMBIES: &str = "sleep 1; n=0; for s in /proc/[0-9]*/stat; do read -r l < $s 2>/dev/null || continue; \
    set -- ${l##*) }; [ \"$1\" = Z ] && n=$((n+1)); done; echo zombies=$n";

/// Wait until the orphans of [`ORPHANS`] in container `name` have all exited: its script runs
/// `touch /orphans-done` after them.
fn wait_for_orphans(env: &TestEnv, name: &str) {
    assert!(
        eventually(20, || env
            .run(["exec", name, "test", "-e", "/orphans-done"])
            .success()),
        "the orphan workload never finished"
    );
}

#[test]
fn shared_pid_pod_infra_is_pid1_and_reaps_orphans() {
    let (env, image) = busybox_world();
    let (_guard, pod, _) = create_pod(&env, "pidpod", &["--share", "+pid"]);
    env.run(["run", "--rm", "--pod", &pod, &image, "sh", "-c", ORPHANS])
        .assert_ok();
    env.run([
        "run",
        "--rm",
        "--pod",
        &pod,
        &image,
        "sh",
        "-c",
        COUNT_ZOMBIES,
    ])
    .assert_ok()
    .assert_stdout_eq("zombies=0\n");
    let cmd = env.run([
        "run",
        "--rm",
        "--pod",
        &pod,
        &image,
        "cat",
        "/proc/1/cmdline",
    ]);
    cmd.assert_ok();
    assert_eq!(
        cmd.stdout(),
        "/berth\0internal\0pause\0",
        "PID 1 of the pod is berth's pause"
    );
    let infra = infra_id(&env, &pod);
    env.run(["pod", "rm", "-f", &pod]).assert_ok();
    assert_nothing_left(&env, &[infra]);
}

#[test]
fn without_a_reaper_orphans_stay_zombies_as_in_docker() {
    let (env, image) = busybox_world();
    // docker's default: the payload is PID 1. busybox sh would reap whatever it is given, so the orphans
    // are made in the background and PID 1 becomes `sleep`, which never waits: their zombies stay.
    let name = unique("noreap");
    let script = format!("( ({ORPHANS}; touch /orphans-done) & ); exec sleep 60");
    env.run(["run", "-d", "--name", &name, &image, "sh", "-c", &script])
        .assert_ok();
    wait_for_orphans(&env, &name);
    let out = env.run(["exec", &name, "sh", "-c", COUNT_ZOMBIES]);
    out.assert_ok();
    env.run(["rm", "-f", &name]).assert_ok();
    let n: u32 = out
        .stdout()
        .trim()
        .trim_start_matches("zombies=")
        .parse()
        .expect("a zombie count");
    assert!(
        n >= 90,
        "expected the orphans to stay zombies without a reaper, saw {n}"
    );
}

#[test]
fn run_init_reaps_orphans_of_a_single_container() {
    let (env, image) = busybox_world();
    // Same non-waiting workload as the docker case below, but with --init berth's reaper is PID 1.
    let name = unique("init");
    let script = format!("( ({ORPHANS}; touch /orphans-done) & ); exec sleep 60");
    env.run([
        "run", "-d", "--init", "--name", &name, &image, "sh", "-c", &script,
    ])
    .assert_ok();
    wait_for_orphans(&env, &name);
    env.run(["exec", &name, "sh", "-c", COUNT_ZOMBIES])
        .assert_ok()
        .assert_stdout_eq("zombies=0\n");
    let cmd = env.run(["exec", &name, "cat", "/proc/1/cmdline"]);
    cmd.assert_ok()
        .assert_stdout_has("internal\0init\0--\0sh\0");
    // The init forwards the stop signal and exits with the command's status (143 = SIGTERM).
    env.run(["stop", "-t", "5", &name]).assert_ok();
    env.run(["inspect", "--format", "{{.State.ExitCode}}", &name])
        .assert_ok()
        .assert_stdout_eq("143\n");
    env.run(["rm", &name]).assert_ok();
    // The exit code of the command passes through.
    env.run(["run", "--rm", "--init", &image, "sh", "-c", "exit 7"])
        .assert_code(7);
}

#[test]
fn pod_stop_start_restart_and_new_pod_from_run() {
    let (env, image) = busybox_world();
    let pod = unique("cycle");
    let _guard = PodGuard(&env, pod.clone());
    let solo = unique("solo");
    env.run([
        "run",
        "-d",
        "--pod",
        &format!("new:{pod}"),
        "--name",
        &solo,
        &image,
        "sh",
        "-c",
        "echo hello-logs; exec sleep 1000",
    ])
    .assert_ok();
    env.run([
        "pod",
        "ps",
        "--filter",
        &format!("name={pod}"),
        "--format",
        "{{.Status}}",
    ])
    .assert_ok()
    .assert_stdout_eq("Running\n");
    let infra = infra_id(&env, &pod);
    let pod_id = env
        .run(["pod", "inspect", "--format", "{{.Id}}", &pod])
        .stdout()
        .trim()
        .to_string();
    let solo_id = env
        .run(["inspect", "--format", "{{.Id}}", &solo])
        .stdout()
        .trim()
        .to_string();

    // pod logs: the members' output, each line prefixed with its container (podman).
    let logs = env.run(["pod", "logs", &pod]);
    logs.assert_ok()
        .assert_stdout_eq(&format!("{} hello-logs\n", &solo_id[..12]));
    let logs = env.run(["pod", "logs", "--names", &pod]);
    logs.assert_ok()
        .assert_stdout_eq(&format!("{solo} hello-logs\n"));
    env.run(["pod", "stop", "-t", "1", &pod]).assert_ok();
    env.run([
        "pod",
        "ps",
        "--filter",
        &format!("name={pod}"),
        "--format",
        "{{.Status}}",
    ])
    .assert_ok()
    .assert_stdout_eq("Exited\n");
    // A stopped pod holds nothing: no process, no shm mount, no netns.
    let root = env.root().display().to_string();
    assert!(
        eventually(10, || processes_mentioning(&root).is_empty()),
        "{:?}",
        processes_mentioning(&root)
    );
    assert!(
        !mountinfo_mentions(&env.run_root().display().to_string()),
        "a mount of the stopped pod remains"
    );

    env.run(["pod", "start", &pod]).assert_ok();
    env.run([
        "pod",
        "ps",
        "--filter",
        &format!("name={pod}"),
        "--format",
        "{{.Status}}",
    ])
    .assert_ok()
    .assert_stdout_eq("Running\n");
    env.run(["exec", &solo, "true"]).assert_ok();
    env.run(["pod", "restart", &pod]).assert_ok();
    env.run(["inspect", "--format", "{{.State.Status}}", &solo])
        .assert_ok()
        .assert_stdout_eq("running\n");
    env.run(["pod", "pause", &pod]).assert_ok();
    env.run(["inspect", "--format", "{{.State.Status}}", &solo])
        .assert_ok()
        .assert_stdout_eq("paused\n");
    env.run(["pod", "unpause", &pod]).assert_ok();
    env.run(["pod", "kill", &pod]).assert_ok();
    // kill does not wait (as docker's and podman's): wait until every container has exited.
    let exited = eventually(10, || {
        env.run([
            "pod",
            "ps",
            "--filter",
            &format!("name={pod}"),
            "--format",
            "{{.Status}}",
        ])
        .stdout()
            == "Exited\n"
    });
    assert!(exited, "the killed pod did not exit");
    env.run(["pod", "prune", "-f"])
        .assert_ok()
        .assert_stdout_has(&pod_id);
    env.run(["pod", "exists", &pod]).assert_code(1);
    assert_nothing_left(&env, &[infra, solo_id]);
}

#[test]
fn published_pod_port_reaches_a_member_from_loopback() {
    let (env, image) = busybox_world();
    let pod = unique("pub");
    let _guard = PodGuard(&env, pod.clone());
    // A port the kernel picks now and releases: free for the pod to take.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.run([
        "pod",
        "create",
        "--name",
        &pod,
        "-p",
        &format!("127.0.0.1:{port}:80"),
    ])
    .assert_ok();
    env.run([
        "run",
        "-d",
        "--pod",
        &pod,
        &image,
        "sh",
        "-c",
        "echo hello-pod > /tmp/index.html; httpd -f -p 80 -h /tmp",
    ])
    .assert_ok();
    let mut got = String::new();
    let ok = eventually(10, || {
        got = registry::http(&format!("127.0.0.1:{port}"), "GET", "/index.html", &[], b"")
            .map(|r| String::from_utf8_lossy(&r.body).into_owned())
            .unwrap_or_default();
        got.contains("hello-pod")
    });
    assert!(ok, "published pod port answered {got:?}");
    let infra = infra_id(&env, &pod);
    env.run(["pod", "rm", "-f", &pod]).assert_ok();
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
        "the pod's port is still bound"
    );
    assert_nothing_left(&env, &[infra]);
}

#[test]
fn rootless_pod_members_share_hostname_and_shm_and_stop_and_rm_leave_nothing() {
    let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    let flags = ["--hostname", "rlhost", "--network", "none"];
    let (_guard, pod, _) = create_pod(&env, "rlpod", &flags);
    env.run(["run", "--rm", "--pod", &pod, &image, "hostname"])
        .assert_ok()
        .assert_stdout_eq("rlhost\n");
    env.run([
        "run",
        "--pod",
        &pod,
        &image,
        "sh",
        "-c",
        "echo rl > /dev/shm/seg",
    ])
    .assert_ok();
    env.run(["run", "--pod", &pod, &image, "cat", "/dev/shm/seg"])
        .assert_ok()
        .assert_stdout_eq("rl\n");
    env.run(["pod", "stop", "-t", "1", &pod]).assert_ok();
    env.run(["pod", "ps", "--format", "{{.Status}}"])
        .assert_ok()
        .assert_stdout_eq("Exited\n");
    let root = env.root().display().to_string();
    assert!(
        eventually(10, || processes_mentioning(&root).is_empty()),
        "{:?}",
        processes_mentioning(&root)
    );
    assert!(!mountinfo_mentions(&root), "a mount under the root remains");
    assert!(
        !mountinfo_mentions(&env.run_root().display().to_string()),
        "a mount under the run root remains"
    );
    env.run(["pod", "rm", "-f", &pod]).assert_ok();
    assert!(
        !env.root().join("pods").read_dir().unwrap().any(|_| true),
        "the pod's dir remains"
    );
}

#[test]
fn exit_policy_stop_stops_the_pod_after_its_last_container() {
    let (env, image) = busybox_world();
    let (_guard, pod, pod_id) = create_pod(&env, "once", &["--exit-policy", "stop"]);
    env.run(["run", "-d", "--pod", &pod, &image, "sleep", "2"])
        .assert_ok();
    let infra = infra_id(&env, &pod);
    let out = env.run(["inspect", "--format", "{{.State.Pid}}", &infra]);
    let pid: i32 = out.stdout().trim().parse().expect("the infra's pid");
    assert!(pid > 0, "the infra runs: {:?}", out.stdout());
    // No berth command from here on (one would apply the policy too): the member's monitor stops the pod
    // as the member exits.
    assert!(
        eventually(20, || !Path::new(&format!("/proc/{pid}")).exists()),
        "the infra (pid {pid}) is still running after the pod's last container exited"
    );
    // The infra's process goes first; the pod's cgroup is removed right after, by the stopping monitor.
    assert!(
        eventually(10, || existing_cgroups(&format!("berth/pod-{pod_id}"))
            .is_empty()),
        "the stopped pod's cgroup remains"
    );
    env.run(["pod", "ps", "--format", "{{.Status}}"])
        .assert_ok()
        .assert_stdout_eq("Exited\n");
    env.run([
        "pod",
        "inspect",
        "--format",
        "{{.ExitPolicy}} {{.InfraPid}}",
        &pod,
    ])
    .assert_ok()
    .assert_stdout_eq("stop 0\n");
    // The default policy keeps the pod (its infra) up.
    let (_guard2, keep, _) = create_pod(&env, "keep", &[]);
    env.run(["run", "--pod", &keep, &image, "true"]).assert_ok();
    env.run([
        "pod",
        "ps",
        "--filter",
        &format!("name={keep}"),
        "--format",
        "{{.Status}}",
    ])
    .assert_ok()
    .assert_stdout_eq("Degraded\n");
}

#[test]
fn pod_limits_are_on_the_pod_cgroup_and_bound_the_sum_of_its_members() {
    let (env, image) = busybox_world();
    let (_guard, pod, pod_id) = create_pod(&env, "limits", &["-m", "64m", "--cpus", "0.5"]);
    env.run(["pod", "start", &pod]).assert_ok();
    let pod_cg = format!("berth/pod-{pod_id}");
    let read = |ctrl: &str, rel: &str, file: &str| {
        let p = cgroup_dir(ctrl, rel).unwrap().join(file);
        std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
            .trim()
            .to_string()
    };
    assert_eq!(read("memory", &pod_cg, "memory.limit_in_bytes"), "67108864");
    assert_eq!(read("cpu", &pod_cg, "cpu.cfs_quota_us"), "50000");

    // Each member holds 40 MB in busybox tail (a line that never ends) for a few seconds: one fits under
    // 64 MB, two do not, so the kernel OOM-kills a tail in the pod.
    let hog = "(head -c 40m /dev/zero; sleep 8) | tail > /dev/null";
    let mut ids = Vec::new();
    for _ in 0..2 {
        let out = env.run(["run", "-d", "--pod", &pod, &image, "sh", "-c", hog]);
        out.assert_ok();
        ids.push(out.stdout().trim().to_string());
    }
    for id in &ids {
        let member_cg = format!("{pod_cg}/{id}");
        assert!(
            cgroup_dir("memory", &member_cg).unwrap().is_dir(),
            "the member's cgroup is beneath the pod's"
        );
        // The member has no limit of its own: the pod's cgroup bounds it.
        let own: u64 = read("memory", &member_cg, "memory.limit_in_bytes")
            .parse()
            .unwrap();
        assert!(own > 1 << 40, "member limit {own}");
    }
    let mut results = Vec::new();
    for id in &ids {
        let code = env.run(["wait", id]).stdout().trim().to_string();
        let oom = env
            .run(["inspect", "--format", "{{.State.OOMKilled}}", id])
            .stdout()
            .trim()
            .to_string();
        results.push((code, oom));
    }
    assert!(
        results
            .iter()
            .any(|(code, oom)| code == "137" && oom == "true"),
        "no member was OOM-killed: {results:?}"
    );

    env.run(["pod", "rm", "-f", &pod]).assert_ok();
    let left = existing_cgroups(&pod_cg);
    assert!(left.is_empty(), "the pod's cgroup remains: {left:?}");
}

#[test]
fn pod_inspect_of_one_pod_is_an_object_and_rm_f_removes_a_pod_never_started() {
    let env = crate::support::TestEnv::new();
    let (_g1, a, a_id) = create_pod(&env, "obj", &[]);
    let (_g2, b, _) = create_pod(&env, "obj", &[]);
    let one = env.run(["pod", "inspect", &a]);
    one.assert_ok();
    let v: serde_json::Value = serde_json::from_str(one.stdout()).expect("JSON");
    assert!(v.is_object(), "one pod prints an object: {v}");
    assert_eq!(v["Id"], a_id.as_str());
    let two = env.run(["pod", "inspect", &a, &b]);
    two.assert_ok();
    let v: serde_json::Value = serde_json::from_str(two.stdout()).expect("JSON");
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(2),
        "two pods print an array: {v}"
    );
    // Created, never started: `pod rm -f` removes it and its infra container.
    env.run(["pod", "rm", "-f", &a])
        .assert_ok()
        .assert_stdout_eq(&format!("{a_id}\n"));
    env.run(["pod", "exists", &a]).assert_code(1);
    env.run(["pod", "rm", &b]).assert_ok();
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

#[test]
fn pod_create_dns_hosts_shm_labels_and_id_file_reach_its_members() {
    let (env, image) = busybox_world();
    let label_file = env.write_file("pod-labels", "# a comment\n\ntier=web\nowner=ops\n");
    let id_file = env.dir().join("pod-id");
    let (_guard, pod, pod_id) = create_pod(
        &env,
        "flags",
        &[
            "--dns",
            "10.1.2.3",
            "--dns-search",
            "pods.example",
            "--add-host",
            "db.example:10.9.8.7",
            "--shm-size",
            "128m",
            "--label-file",
            label_file.to_str().unwrap(),
            "--label",
            "owner=dev",
            "--pod-id-file",
            id_file.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read_to_string(&id_file).unwrap(), pod_id);
    env.run([
        "pod",
        "inspect",
        "--format",
        "{{.Labels.tier}} {{.Labels.owner}}",
        &pod,
    ])
    .assert_ok()
    .assert_stdout_eq("web dev\n");
    let resolv = env.run([
        "run",
        "--rm",
        "--pod",
        &pod,
        &image,
        "cat",
        "/etc/resolv.conf",
    ]);
    resolv
        .assert_ok()
        .assert_stdout_has("nameserver 10.1.2.3")
        .assert_stdout_has("search pods.example");
    env.run(["run", "--rm", "--pod", &pod, &image, "cat", "/etc/hosts"])
        .assert_ok()
        .assert_stdout_has("10.9.8.7\tdb.example");
    // 128 MiB = 131072 KiB of shared /dev/shm.
    env.run(["run", "--rm", "--pod", &pod, &image, "df", "-k", "/dev/shm"])
        .assert_ok()
        .assert_stdout_has(" 131072 ");
}

#[test]
fn pod_create_replace_no_hosts_and_device() {
    let (env, image) = busybox_world();
    let (_guard, pod, first) = create_pod(&env, "repl", &[]);
    env.run(["pod", "start", &pod]).assert_ok();
    // A second pod of that name is refused, unless --replace.
    env.run(["pod", "create", "--name", &pod])
        .assert_code(125)
        .assert_stderr_has("pod already exists");
    let out = env.run(["pod", "create", "--replace", "--no-hosts", "--name", &pod]);
    out.assert_ok();
    let second = out.stdout().trim().to_string();
    assert_ne!(first, second, "--replace made a new pod");
    env.run(["pod", "inspect", "--format", "{{.Id}}", &pod])
        .assert_ok()
        .assert_stdout_eq(&format!("{second}\n"));
    // The replaced pod's infra went with it: one infra container left.
    env.run(["ps", "-a", "-q"])
        .assert_ok()
        .assert_stdout_eq(&format!("{}\n", &infra_id(&env, &pod)[..12]));
    // --no-hosts: the members see the image's /etc/hosts (this image has none).
    env.run([
        "run",
        "--rm",
        "--pod",
        &pod,
        &image,
        "test",
        "-e",
        "/etc/hosts",
    ])
    .assert_code(1);
    env.run([
        "run",
        "--rm",
        "--pod",
        &pod,
        &image,
        "test",
        "-e",
        "/etc/resolv.conf",
    ])
    .assert_ok();
    // --device: a clear refusal, and no pod is left behind.
    let dev = unique("dev");
    env.run(["pod", "create", "--name", &dev, "--device", "/dev/null"])
        .assert_code(125)
        .assert_stderr_has("cannot add host devices");
    env.run(["pod", "exists", &dev]).assert_code(1);
}

#[test]
fn pod_without_infra_shares_no_namespace() {
    let (env, image) = busybox_world();
    let (_guard, pod, _) = create_pod(&env, "noinfra", &["--infra=false"]);
    env.run([
        "pod",
        "inspect",
        "--format",
        "{{.CreateInfra}} {{.InfraContainerID}}.",
        &pod,
    ])
    .assert_ok()
    .assert_stdout_eq("false .\n");
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
    let first = unique("first");
    env.run([
        "run", "-d", "--pod", &pod, "--name", &first, &image, "sleep", "60",
    ])
    .assert_ok();
    let ns = |args: &[&str]| {
        let o = env.run(args);
        o.assert_ok();
        o.stdout().to_string()
    };
    let script = "readlink /proc/self/ns/uts; readlink /proc/self/ns/ipc";
    let mine = ns(&["exec", &first, "sh", "-c", script]);
    let other = ns(&["run", "--rm", "--pod", &pod, &image, "sh", "-c", script]);
    assert_eq!(mine.lines().count(), 2, "{mine}");
    for (a, b) in mine.lines().zip(other.lines()) {
        assert_ne!(a, b, "members of a pod without infra share no namespace");
    }
    env.run(["pod", "ps", "--format", "{{.Name}} {{.Status}}"])
        .assert_ok()
        .assert_stdout_eq(&format!("{pod} Running\n"));
    env.run(["pod", "stop", &pod]).assert_ok();
    env.run(["pod", "start", &pod]).assert_ok();
    env.run(["pod", "rm", "-f", &pod]).assert_ok();
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

//! Integration tests: containers (run, create, start, ps, logs, exec, stop, kill, rm, wait, inspect,
//! volumes), checked from inside the container with busybox. Root only: they create namespaces, mounts and
//! cgroups (CI runs as root).

use crate::support::{
    TestEnv, busybox_world, eventually, fixtures, mountinfo_mentions, registry, unique,
};
use std::time::Duration;

/// The memory cgroup this test runs in (berth creates containers' cgroups beneath its own).
fn own_memory_cgroup() -> std::path::PathBuf {
    let cg = std::fs::read_to_string("/proc/self/cgroup").unwrap();
    let line = cg
        .lines()
        .find(|l| {
            l.split(':')
                .nth(1)
                .is_some_and(|c| c.split(',').any(|x| x == "memory"))
        })
        .unwrap();
    std::path::Path::new("/sys/fs/cgroup/memory")
        .join(line.splitn(3, ':').nth(2).unwrap().trim_start_matches('/'))
}

#[test]
fn run_rm_echo_prints_hello_and_leaves_nothing() {
    let (env, image) = busybox_world();
    let out = env.run(["run", "--rm", &image, "echo", "hello"]);
    out.assert_ok().assert_stdout_eq("hello\n");
    let ids: Vec<_> = std::fs::read_dir(env.root().join("containers"))
        .map(|d| d.count())
        .into_iter()
        .collect();
    assert_eq!(ids, vec![0], "a --rm container left its state dir");
    assert!(
        !mountinfo_mentions(&env.root().display().to_string()),
        "a mount of the container remains"
    );
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

#[test]
fn run_exits_with_the_container_code_and_126_127_for_exec_failures() {
    let (env, image) = busybox_world();
    env.run(["run", "--rm", &image, "sh", "-c", "exit 3"])
        .assert_code(3);
    env.run(["run", "--rm", &image, "/no/such/command"])
        .assert_code(127);
    env.run(["run", "--rm", &image, "/etc/passwd"])
        .assert_code(126);
}

#[test]
fn berth_errors_exit_125() {
    let env = TestEnv::new();
    env.run(["run", "--rm", "--pull", "never", "nosuchimage-xyz"])
        .assert_code(125);
    env.run(["run", "--bogus-flag", "busybox"]).assert_code(125);
}

#[test]
fn detached_container_shows_in_ps_logs_and_stops() {
    let (env, image) = busybox_world();
    let name = unique("web");
    let out = env.run([
        "run",
        "-d",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "echo started; echo err >&2; sleep 300",
    ]);
    out.assert_ok();
    let id = out.stdout().trim().to_string();
    assert_eq!(id.len(), 64, "run -d prints the full id: {id:?}");
    let ps = env.run([
        "ps",
        "--format",
        "{{.ID}} {{.Names}} {{.State}} {{.Command}}",
    ]);
    ps.assert_ok().assert_stdout_has(&format!(
        "{} {name} running \"sh -c echo started;…\"",
        &id[..12]
    ));
    let mut logs = String::new();
    eventually(10, || {
        logs = env.run(["logs", &name]).stdout().to_string();
        logs.contains("started")
    });
    assert_eq!(logs, "started\n");
    env.run(["logs", &name])
        .assert_ok()
        .assert_stderr_has("err\n");
    env.run(["stop", "-t", "1", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{name}\n"));
    env.run([
        "inspect",
        "-f",
        "{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}",
        &name,
    ])
    .assert_ok()
    .assert_stdout_eq("exited 137 false\n"); // sh as PID 1 ignores SIGTERM: killed after -t
    env.run(["ps", "-a", "--format", "{{.Status}}"])
        .assert_ok()
        .assert_stdout_has("Exited (137)");
    env.run(["rm", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{name}\n"));
    assert!(!env.root().join("containers").join(&id).exists());
    assert!(
        !own_memory_cgroup().join("berth").join(&id).exists(),
        "the container's cgroup remains"
    );
}

#[test]
fn name_conflict_is_docker_wording_and_125() {
    let (env, image) = busybox_world();
    let name = unique("dup");
    let first = env.run(["create", "--name", &name, &image, "true"]);
    first.assert_ok();
    let id = first.stdout().trim();
    let out = env.run(["create", "--name", &name, &image, "true"]);
    out.assert_code(125).assert_stderr_has(&format!(
        "Conflict. The container name \"/{name}\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name."
    ));
}

#[test]
fn concurrent_runs_with_one_name_have_exactly_one_winner() {
    let (env, image) = busybox_world();
    let name = unique("race");
    let env = std::sync::Arc::new(env);
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let (env, image, name) = (env.clone(), image.clone(), name.clone());
            std::thread::spawn(move || env.run(["create", "--name", &name, &image, "true"]).code())
        })
        .collect();
    let codes: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 125).count(), 19, "{codes:?}");
    env.run(["ps", "-a", "-q"]).assert_ok();
    assert_eq!(env.run(["ps", "-a", "-q"]).lines().len(), 1);
}

#[test]
fn create_then_start_attach_and_wait() {
    let (env, image) = busybox_world();
    let name = unique("c");
    env.run([
        "create",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "echo from-start; exit 5",
    ])
    .assert_ok();
    env.run(["ps", "-a", "--format", "{{.Names}} {{.Status}}"])
        .assert_stdout_has(&format!("{name} Created"));
    env.run(["start", "-a", &name])
        .assert_code(5)
        .assert_stdout_eq("from-start\n");
    env.run(["wait", &name]).assert_ok().assert_stdout_eq("5\n");
    env.run(["container", "rm", &name]).assert_ok();
    env.run(["rm", &name])
        .assert_code(1)
        .assert_stderr_has(&format!("No such container: {name}"));
}

#[test]
fn inspect_shows_docker_fields() {
    let (env, image) = busybox_world();
    let name = unique("insp");
    env.run([
        "create",
        "--name",
        &name,
        "-e",
        "A=1",
        "-m",
        "64m",
        "--pids-limit",
        "50",
        "--label",
        "tier=web",
        &image,
        "echo",
        "x",
    ])
    .assert_ok();
    let out = env.run(["inspect", &name]);
    out.assert_ok();
    let v: serde_json::Value = serde_json::from_str(out.stdout()).unwrap();
    let c = &v[0];
    assert_eq!(c["Name"], format!("/{name}"));
    assert_eq!(c["Path"], "echo");
    assert_eq!(c["Args"], serde_json::json!(["x"]));
    assert_eq!(c["State"]["Status"], "created");
    assert_eq!(c["HostConfig"]["Memory"], 64 << 20);
    assert_eq!(c["HostConfig"]["PidsLimit"], 50);
    assert_eq!(c["Config"]["Labels"]["tier"], "web");
    assert!(
        c["Config"]["Env"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("A=1"))
    );
    assert!(c["Image"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(c["Driver"], "overlay2");
    let cj: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            env.root()
                .join("containers")
                .join(c["Id"].as_str().unwrap())
                .join("container.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(cj["image_id"], c["Image"]);
}

#[test]
fn exec_runs_in_the_container_and_returns_its_code() {
    let (env, image) = busybox_world();
    let name = unique("ex");
    env.run([
        "run", "-d", "--name", &name, "-h", "inner", &image, "sleep", "300",
    ])
    .assert_ok();
    env.run(["exec", &name, "hostname"])
        .assert_ok()
        .assert_stdout_eq("inner\n");
    env.run(["exec", "-e", "X=y", &name, "sh", "-c", "echo $X; exit 4"])
        .assert_code(4)
        .assert_stdout_eq("y\n");
    env.run(["exec", "-u", "1000", &name, "id", "-u"])
        .assert_ok()
        .assert_stdout_eq("1000\n");
    env.run(["kill", &name]).assert_ok();
    env.run(["wait", &name])
        .assert_ok()
        .assert_stdout_eq("137\n");
    env.run(["rm", "-f", &name]).assert_ok();
}

#[test]
fn container_sees_docker_defaults_from_inside() {
    let (env, image) = busybox_world();
    let status = env.run(["run", "--rm", &image, "cat", "/proc/self/status"]);
    status.assert_ok();
    let field = |k: &str| {
        status
            .stdout()
            .lines()
            .find(|l| l.starts_with(k))
            .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
    };
    assert_eq!(
        field("CapEff:").as_deref(),
        Some("00000000a80425fb"),
        "docker's 14 capabilities"
    );
    assert_eq!(field("CapBnd:").as_deref(), Some("00000000a80425fb"));
    assert_eq!(field("CapInh:").as_deref(), Some("0000000000000000"));
    assert_eq!(field("Seccomp:").as_deref(), Some("2"));
    assert_eq!(field("NoNewPrivs:").as_deref(), Some("0"));
    let nnp = env.run([
        "run",
        "--rm",
        "--security-opt",
        "no-new-privileges",
        &image,
        "grep",
        "NoNewPrivs",
        "/proc/self/status",
    ]);
    nnp.assert_ok().assert_stdout_has("1");
    env.run(["run", "--rm", "-h", "boxy", &image, "hostname"])
        .assert_ok()
        .assert_stdout_eq("boxy\n");
    // Masked paths read empty; read-only paths refuse writes.
    env.run([
        "run",
        "--rm",
        &image,
        "cat",
        "/proc/keys",
        "/proc/timer_list",
        "/proc/interrupts",
    ])
    .assert_ok()
    .assert_stdout_eq("");
    env.run(["run", "--rm", &image, "ls", "/proc/acpi", "/sys/firmware"])
        .assert_ok()
        .assert_stdout_eq("/proc/acpi:\n\n/sys/firmware:\n");
    env.run([
        "run",
        "--rm",
        &image,
        "sh",
        "-c",
        "echo 1 > /proc/sysrq-trigger",
    ])
    .assert_failed();
    let id = env.run(["run", "--rm", "-u", "app", &image, "id"]);
    // Supplementary groups are the /etc/group entries listing the user, as runc computes them.
    id.assert_ok()
        .assert_stdout_eq("uid=1000(app) gid=1000(app) groups=1001(extra)\n");
    env.run(["run", "--rm", "-u", "1000:1001", &image, "id", "-g"])
        .assert_ok()
        .assert_stdout_eq("1001\n");
    let envout = env.run(["run", "--rm", "-e", "FOO=bar", &image, "env"]);
    envout
        .assert_ok()
        .assert_stdout_has("FOO=bar\n")
        .assert_stdout_has("HOME=/root\n");
    assert!(
        !envout.stdout().contains("XDG_"),
        "the caller's env leaked: {}",
        envout.stdout()
    );
}

#[test]
fn memory_hog_is_oom_killed_and_inspect_says_so() {
    let (env, image) = busybox_world();
    let name = unique("oom");
    let out = env.run([
        "run", "--name", &name, "-m", "16m", "--memory-swap", "16m", &image, "sh", "-c",
        "x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; while true; do x=$x$x; done",
    ]);
    out.assert_code(137);
    env.run(["inspect", "-f", "{{.State.OOMKilled}}", &name])
        .assert_ok()
        .assert_stdout_eq("true\n");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn pids_limit_stops_a_fork_bomb() {
    let (env, image) = busybox_world();
    let bomb = "for i in $(seq 1 60); do sleep 5 & done; echo survived";
    let out = env.run([
        "run",
        "--rm",
        "--pids-limit",
        "20",
        &image,
        "sh",
        "-c",
        bomb,
    ]);
    assert!(
        !out.stdout().contains("survived"),
        "60 processes ran under --pids-limit 20"
    );
    out.assert_failed().assert_stderr_has("fork");
    env.run(["run", "--rm", &image, "sh", "-c", bomb])
        .assert_ok()
        .assert_stdout_eq("survived\n");
}

#[test]
fn named_volume_is_initialised_and_survives_the_container() {
    let (env, image) = busybox_world();
    let vol = unique("data");
    env.run(["volume", "create", &vol])
        .assert_ok()
        .assert_stdout_eq(&format!("{vol}\n"));
    env.run([
        "run",
        "--rm",
        "-v",
        &format!("{vol}:/d"),
        &image,
        "sh",
        "-c",
        "echo kept > /d/x",
    ])
    .assert_ok();
    env.run([
        "run",
        "--rm",
        "-v",
        &format!("{vol}:/d:ro"),
        &image,
        "cat",
        "/d/x",
    ])
    .assert_ok()
    .assert_stdout_eq("kept\n");
    env.run([
        "run",
        "--rm",
        "-v",
        &format!("{vol}:/d:ro"),
        &image,
        "touch",
        "/d/y",
    ])
    .assert_failed();
    // Copy-up: a new volume mounted on /etc starts with the image's /etc.
    let etc = unique("etc");
    env.run([
        "run",
        "--rm",
        "-v",
        &format!("{etc}:/etc"),
        &image,
        "cat",
        "/etc/group",
    ])
    .assert_ok()
    .assert_stdout_has("extra");
    env.run(["volume", "ls", "-q"])
        .assert_ok()
        .assert_stdout_has(&vol);
    env.run(["volume", "inspect", "-f", "{{.Name}} {{.Driver}}", &vol])
        .assert_ok()
        .assert_stdout_eq(&format!("{vol} local\n"));
    env.run(["volume", "rm", &vol]).assert_ok();
}

#[test]
fn tty_run_gets_a_pty_with_term_xterm() {
    let (env, image) = busybox_world();
    let out = env.run(["run", "--rm", "-t", &image, "sh", "-c", "tty; echo $TERM"]);
    out.assert_ok().assert_stdout_eq("/dev/pts/0\r\nxterm\r\n");
}

#[test]
fn interactive_run_reads_stdin() {
    let (env, image) = busybox_world();
    let out = env.run_with_stdin(
        [
            "run",
            "--rm",
            "-i",
            &image,
            "sh",
            "-c",
            "read x; echo got $x",
        ],
        b"abc\n",
    );
    out.assert_ok().assert_stdout_eq("got abc\n");
}

#[test]
fn pause_top_diff_stats_rename_restart() {
    let (env, image) = busybox_world();
    let name = unique("ops");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "touch /new; rm /etc/group; trap 'exit 0' TERM; while true; do sleep 0.1; done",
    ])
    .assert_ok();
    // The changes are made and the loop runs (its `sleep` child exists, so the trap is set).
    assert!(
        eventually(10, || {
            env.run([
                "exec",
                &name,
                "sh",
                "-c",
                "test -e /new && ! test -e /etc/group && pidof sleep",
            ])
            .success()
        }),
        "the payload never reached its loop"
    );
    env.run(["top", &name])
        .assert_ok()
        .assert_stdout_has("PID")
        .assert_stdout_has("sleep");
    let diff = env.run(["diff", &name]);
    diff.assert_ok()
        .assert_stdout_has("A /new\n")
        .assert_stdout_has("D /etc/group\n")
        .assert_stdout_has("C /etc\n");
    env.run(["pause", &name]).assert_ok();
    env.run([
        "inspect",
        "-f",
        "{{.State.Status}} {{.State.Paused}}",
        &name,
    ])
    .assert_stdout_eq("paused true\n");
    env.run(["ps", "--format", "{{.Status}}"])
        .assert_stdout_has("(Paused)");
    env.run(["unpause", &name]).assert_ok();
    let stats = env.run([
        "stats",
        "--no-stream",
        "--format",
        "{{.Name}} {{.PIDs}}",
        &name,
    ]);
    stats.assert_ok().assert_stdout_has(&format!("{name} "));
    let renamed = unique("renamed");
    env.run(["rename", &name, &renamed]).assert_ok();
    env.run(["inspect", "-f", "{{.Name}}", &renamed])
        .assert_ok()
        .assert_stdout_eq(&format!("/{renamed}\n"));
    env.run(["restart", "-t", "2", &renamed]).assert_ok();
    env.run(["inspect", "-f", "{{.State.Running}}", &renamed])
        .assert_ok()
        .assert_stdout_eq("true\n");
    env.run(["rm", "-f", &renamed]).assert_ok();
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

#[test]
fn rm_of_a_running_container_needs_force_and_each_arg_gets_its_result() {
    let (env, image) = busybox_world();
    let name = unique("busy");
    env.run(["run", "-d", "--name", &name, &image, "sleep", "300"])
        .assert_ok();
    env.run(["rm", &name]).assert_code(1).assert_stderr_has(&format!(
        "cannot remove container \"/{name}\": container is running: stop the container before removing or force remove"
    ));
    let out = env.run(["rm", "-f", &name, "nosuch-x"]);
    out.assert_code(1)
        .assert_stdout_eq(&format!("{name}\n"))
        .assert_stderr_has("No such container: nosuch-x");
    let out = env.run(["container", "prune", "-f"]);
    out.assert_ok().assert_stdout_has("Total reclaimed space:");
    let left = std::fs::read_dir(env.run_root().join("containers"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(left, 0, "a removed container left its run dir");
}

#[test]
fn cp_copies_both_ways_without_following_container_symlinks_out() {
    let (env, image) = busybox_world();
    let name = unique("cp");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "echo inside > /f; ln -s /etc /esc; sleep 300",
    ])
    .assert_ok();
    assert!(
        eventually(10, || env
            .run(["exec", &name, "test", "-L", "/esc"])
            .success()),
        "the payload never made /esc"
    );
    let out_dir = env.dir().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    env.run(["cp", &format!("{name}:/f"), out_dir.to_str().unwrap()])
        .assert_ok();
    assert_eq!(
        std::fs::read_to_string(out_dir.join("f")).unwrap(),
        "inside\n"
    );
    let host_file = env.write_file("hostfile", "from host\n");
    env.run(["cp", host_file.to_str().unwrap(), &format!("{name}:/tmp/")])
        .assert_ok();
    env.run(["exec", &name, "cat", "/tmp/hostfile"])
        .assert_ok()
        .assert_stdout_eq("from host\n");
    // /esc -> /etc inside the container: writing through it lands in the container's /etc, never the host's.
    env.run([
        "cp",
        host_file.to_str().unwrap(),
        &format!("{name}:/esc/berth-cp-probe"),
    ])
    .assert_ok();
    assert!(!std::path::Path::new("/etc/berth-cp-probe").exists());
    env.run(["exec", &name, "cat", "/etc/berth-cp-probe"])
        .assert_ok()
        .assert_stdout_eq("from host\n");
    env.run(["rm", "-f", &name]).assert_ok();
}

#[test]
fn killed_foreground_client_still_gets_the_exit_code_recorded() {
    let (env, image) = busybox_world();
    let name = unique("fg");
    let mut child = env
        .berth()
        .args([
            "run",
            "--name",
            &name,
            &image,
            "sh",
            "-c",
            "sleep 1; exit 7",
        ])
        .spawn()
        .unwrap();
    // Kill the foreground client once the container runs.
    assert!(
        eventually(10, || {
            env.run(["inspect", "-f", "{{.State.Running}}", &name])
                .stdout()
                == "true\n"
        }),
        "the container never ran"
    );
    child.kill().unwrap();
    let _ = child.wait();
    env.run(["wait", &name]).assert_ok().assert_stdout_eq("7\n");
    env.run(["logs", "--tail", "1", &name]).assert_ok();
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn logs_tail_timestamps_and_follow() {
    let (env, image) = busybox_world();
    let name = unique("logs");
    env.run([
        "run",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "echo a; echo b; echo c",
    ])
    .assert_ok()
    .assert_stdout_eq("a\nb\nc\n");
    env.run(["logs", "--tail", "2", &name])
        .assert_ok()
        .assert_stdout_eq("b\nc\n");
    let t = env.run(["logs", "-t", "--tail", "1", &name]);
    t.assert_ok();
    assert!(
        t.stdout().ends_with("Z c\n") && t.stdout().starts_with("20"),
        "{}",
        t.stdout()
    );
    env.run(["logs", "-f", &name])
        .assert_ok()
        .assert_stdout_eq("a\nb\nc\n");
    let json_log = std::fs::read_to_string(
        env.root()
            .join("containers")
            .join(env.run(["inspect", "-f", "{{.Id}}", &name]).stdout().trim())
            .join(format!(
                "{}-json.log",
                env.run(["inspect", "-f", "{{.Id}}", &name]).stdout().trim()
            )),
    )
    .unwrap();
    assert!(
        json_log.starts_with("{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\""),
        "{json_log}"
    );
}

#[test]
fn ps_filters_and_json_fields() {
    let (env, image) = busybox_world();
    let (a, b) = (unique("fa"), unique("fb"));
    env.run([
        "run", "--name", &a, "--label", "k=v", &image, "sh", "-c", "exit 2",
    ])
    .assert_code(2);
    env.run(["create", "--name", &b, &image, "true"])
        .assert_ok();
    env.run(["ps", "-a", "--filter", "exited=2", "--format", "{{.Names}}"])
        .assert_stdout_eq(&format!("{a}\n"));
    env.run([
        "ps",
        "-a",
        "--filter",
        "status=created",
        "--format",
        "{{.Names}}",
    ])
    .assert_stdout_eq(&format!("{b}\n"));
    env.run(["ps", "-a", "--filter", "label=k=v", "-q"])
        .assert_ok();
    assert_eq!(
        env.run(["ps", "-a", "--filter", "label=k=v", "-q"])
            .lines()
            .len(),
        1
    );
    env.run(["ps", "-a", "-n", "1", "--format", "{{.Names}}"])
        .assert_stdout_eq(&format!("{b}\n"));
    let j = env.run([
        "ps",
        "-a",
        "--filter",
        &format!("name={a}"),
        "--format",
        "{{json .}}",
    ]);
    let v: serde_json::Value = serde_json::from_str(j.stdout().trim()).unwrap();
    for k in [
        "Command",
        "CreatedAt",
        "ID",
        "Image",
        "Labels",
        "LocalVolumes",
        "Mounts",
        "Names",
        "Networks",
        "Ports",
        "RunningFor",
        "Size",
        "State",
        "Status",
    ] {
        assert!(v[k].is_string(), "{k} is not a string in {v}");
    }
    let table = env.run(["ps", "-a"]);
    assert!(
        table.stdout().starts_with("CONTAINER ID   IMAGE"),
        "{}",
        table.stdout()
    );
}

#[test]
fn rootless_run_echo_and_exit_code() {
    let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    env.run(["run", "--rm", &image, "echo", "hello"])
        .assert_ok()
        .assert_stdout_eq("hello\n");
    env.run(["run", "--rm", &image, "sh", "-c", "exit 3"])
        .assert_code(3);
    let name = unique("rl");
    env.run(["run", "-d", "--name", &name, &image, "sleep", "300"])
        .assert_ok();
    env.run(["exec", &name, "id", "-u"])
        .assert_ok()
        .assert_stdout_eq("0\n");
    env.run(["rm", "-f", &name]).assert_ok();
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

#[test]
fn parallel_run_rm_leaves_no_mounts_cgroups_processes_or_state() {
    let (env, image) = busybox_world();
    let env = std::sync::Arc::new(env);
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let (env, image) = (env.clone(), image.clone());
            std::thread::spawn(move || {
                for _ in 0..3 {
                    env.run(["run", "--rm", &image, "sh", "-c", &format!("echo {i}")])
                        .assert_ok();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(
        std::fs::read_dir(env.root().join("containers"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(
        std::fs::read_dir(env.run_root().join("containers"))
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );
    assert!(!mountinfo_mentions(&env.root().display().to_string()));
    let berth_cg = own_memory_cgroup().join("berth");
    let left: Vec<_> = std::fs::read_dir(&berth_cg)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name())
                .collect()
        })
        .unwrap_or_default();
    let ours: Vec<_> = left
        .iter()
        .filter(|n| env.run(["inspect", &n.to_string_lossy()]).success())
        .collect();
    assert!(ours.is_empty(), "cgroups left: {ours:?}");
    // A `--rm` monitor answers once the container's directory is in the trash, then deletes it and
    // exits: wait for that last step instead of catching a monitor between its answer and its exit.
    let monitors = || {
        let procs = std::process::Command::new("ps")
            .args(["-eo", "args"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&procs.stdout)
            .lines()
            .filter(|l| {
                l.starts_with("berth:[monitor]") && l.contains(&env.root().display().to_string())
            })
            .count()
    };
    assert!(
        eventually(30, || monitors() == 0),
        "monitors still running: {}",
        monitors()
    );
    assert!(
        eventually(30, || std::fs::read_dir(env.root().join("trash"))
            .map(|d| d.count() == 0)
            .unwrap_or(true)),
        "trash left behind"
    );
}

#[test]
fn bind_tmpfs_and_read_only_rootfs() {
    let (env, image) = busybox_world();
    let host = env.dir().join("shared");
    std::fs::create_dir_all(&host).unwrap();
    std::fs::write(host.join("in.txt"), "from host\n").unwrap();
    let bind = format!("{}:/data", host.display());
    env.run([
        "run",
        "--rm",
        "-v",
        &bind,
        "-w",
        "/data",
        &image,
        "sh",
        "-c",
        "cat in.txt; echo out > out.txt",
    ])
    .assert_ok()
    .assert_stdout_eq("from host\n");
    assert_eq!(
        std::fs::read_to_string(host.join("out.txt")).unwrap(),
        "out\n"
    );
    env.run([
        "run",
        "--rm",
        "-v",
        &format!("{bind}:ro"),
        &image,
        "touch",
        "/data/x",
    ])
    .assert_failed();
    env.run([
        "run",
        "--rm",
        "--read-only",
        "--tmpfs",
        "/scratch",
        &image,
        "sh",
        "-c",
        "touch /scratch/ok && touch /nope",
    ])
    .assert_failed()
    .assert_stderr_has("Read-only file system");
    let m = env.run([
        "run",
        "--rm",
        "--mount",
        "type=tmpfs,target=/t,tmpfs-size=1m",
        &image,
        "grep",
        " /t ",
        "/proc/self/mounts",
    ]);
    m.assert_ok().assert_stdout_has("tmpfs");
}

#[test]
fn detached_run_of_a_missing_command_exits_127_and_stays_created() {
    let (env, image) = busybox_world();
    let name = unique("bad");
    env.run(["run", "-d", "--name", &name, &image, "/nope"])
        .assert_code(127);
    env.run([
        "inspect",
        "-f",
        "{{.State.Status}} {{.State.ExitCode}}",
        &name,
    ])
    .assert_ok()
    .assert_stdout_eq("created 127\n");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn anonymous_volumes_go_with_rm_v_and_volume_prune() {
    let (env, image) = busybox_world();
    let name = unique("anon");
    env.run([
        "run", "--name", &name, "-v", "/anon", &image, "touch", "/anon/f",
    ])
    .assert_ok();
    let vols = env.run(["volume", "ls", "-q"]);
    assert_eq!(vols.lines().len(), 1);
    env.run(["volume", "rm", vols.stdout().trim()])
        .assert_code(1)
        .assert_stderr_has("volume is in use");
    env.run(["rm", "-v", &name]).assert_ok();
    env.run(["volume", "ls", "-q"])
        .assert_ok()
        .assert_stdout_eq("");
    env.run(["volume", "create"]).assert_ok();
    env.run(["volume", "prune", "-f"])
        .assert_ok()
        .assert_stdout_has("Deleted Volumes:");
}

#[test]
fn foreground_run_forwards_signals_to_the_container() {
    let (env, image) = busybox_world();
    let name = unique("sig");
    let child = env
        .berth()
        .args([
            "run",
            "--name",
            &name,
            &image,
            "sh",
            "-c",
            "trap 'echo got-term; exit 9' TERM; while true; do sleep 0.1; done",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The trap is set once the loop's `sleep` child exists.
    assert!(
        eventually(10, || env.run(["exec", &name, "pidof", "sleep"]).success()),
        "the payload never reached its loop"
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(9));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "got-term\n");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn exec_tty_stop_signal_and_generic_inspect_of_an_image() {
    let (env, image) = busybox_world();
    let name = unique("ext");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "trap 'exit 4' HUP; while true; do sleep 0.1; done",
    ])
    .assert_ok();
    let t = env.run(["exec", "-t", &name, "tty"]);
    t.assert_ok();
    assert!(t.stdout().starts_with("/dev/pts/"), "{}", t.stdout());
    env.run(["stop", "-s", "HUP", &name]).assert_ok();
    env.run(["wait", &name]).assert_ok().assert_stdout_eq("4\n");
    env.run(["inspect", "-f", "{{.Id}}", &image])
        .assert_ok()
        .assert_stdout_has("sha256:");
    env.run(["inspect", "nosuch-object-x"])
        .assert_code(1)
        .assert_stderr_has("No such object: nosuch-object-x");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn killed_monitor_is_cleaned_up_by_the_next_command() {
    let (env, image) = busybox_world();
    let name = unique("orphan");
    let id = env
        .run(["run", "-d", "--name", &name, &image, "sleep", "300"])
        .stdout()
        .trim()
        .to_string();
    let monitor = env.kill_monitor(&id);
    assert!(
        eventually(10, || {
            // Gone, or a zombie its new parent has not reaped yet.
            !std::fs::read_to_string(format!("/proc/{monitor}/stat"))
                .is_ok_and(|s| !s.contains(") Z "))
        }),
        "the monitor survived SIGKILL"
    );
    env.run(["inspect", "-f", "{{.State.Running}}", &name])
        .assert_ok()
        .assert_stdout_eq("true\n");
    env.run(["rm", "-f", &name]).assert_ok();
    assert!(!env.root().join("containers").join(&id).exists());
    assert!(
        !own_memory_cgroup().join("berth").join(&id).exists(),
        "cgroup left behind"
    );
}

#[test]
fn rmi_refuses_an_image_a_container_uses() {
    let (env, image) = busybox_world();
    let name = unique("user");
    env.run(["create", "--name", &name, &image, "true"])
        .assert_ok();
    env.run(["rmi", &image]).assert_failed();
    env.run(["rm", &name]).assert_ok();
    env.run(["rmi", &image]).assert_ok();
}

#[test]
fn attach_streams_a_running_containers_output_until_it_exits() {
    let (env, image) = busybox_world();
    let name = unique("att");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "sleep 1; echo late; exit 6",
    ])
    .assert_ok();
    env.run(["attach", &name])
        .assert_code(6)
        .assert_stdout_eq("late\n");
    env.run(["attach", &name])
        .assert_code(1)
        .assert_stderr_has("You cannot attach to a stopped container");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn env_file_host_passthrough_entrypoint_reset_and_workdir() {
    let (env, image) = busybox_world();
    let f = env.write_file("e.env", "# comment\nFROM_FILE=1\nPASSED\n");
    let out = env
        .berth()
        .env("PASSED", "from-host")
        .env("NOT_ASKED", "secret")
        .args([
            "run",
            "--rm",
            "--env-file",
            f.to_str().unwrap(),
            "-e",
            "PASSED",
            &image,
            "env",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("FROM_FILE=1\n") && text.contains("PASSED=from-host\n"),
        "{text}"
    );
    assert!(!text.contains("NOT_ASKED"), "{text}");
    env.run(["run", "--rm", "--entrypoint", "", &image, "echo", "reset"])
        .assert_ok()
        .assert_stdout_eq("reset\n");
    env.run(["run", "--rm", "--entrypoint", "/bin/echo", &image])
        .assert_ok()
        .assert_stdout_eq("\n");
    env.run(["run", "--rm", "-w", "/made/here", &image, "pwd"])
        .assert_ok()
        .assert_stdout_eq("/made/here\n");
    env.run([
        "run",
        "--rm",
        "--cap-drop",
        "ALL",
        &image,
        "grep",
        "CapEff",
        "/proc/self/status",
    ])
    .assert_ok()
    .assert_stdout_has("0000000000000000");
    env.run([
        "run",
        "--rm",
        "--ulimit",
        "nofile=100:200",
        &image,
        "sh",
        "-c",
        "ulimit -n",
    ])
    .assert_ok()
    .assert_stdout_eq("100\n");
}

#[test]
fn run_pulls_a_missing_image_with_docker_lines_on_stderr() {
    let env = TestEnv::new();
    let image = registry::shared().image(fixtures::BUSYBOX);
    let out = env.run(["run", "--rm", &image, "echo", "pulled"]);
    out.assert_ok()
        .assert_stdout_eq("pulled\n")
        .assert_stderr_has(&format!("Unable to find image '{image}' locally"))
        .assert_stderr_has("Status: Downloaded newer image for");
    env.run(["run", "--rm", "--pull", "never", &image, "true"])
        .assert_ok();
}

/// Files a rootless container owns through its subordinate uids (another uid than container root, a dir
/// mode 000) cannot be deleted by the user outside the user namespace: `rm -f` and `--rm` must still leave
/// nothing (podman removes inside its user namespace for the same reason).
#[test]
fn rootless_rm_removes_files_owned_by_subordinate_ids() {
    let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    let script = "touch /x && chown 1000:1000 /x && mkdir -p /d/e && touch /d/e/f && chown -R 1000:1000 /d && chmod 000 /d";
    let name = unique("rlrm");
    env.run([
        "run", "--name", &name, "-u", "0", &image, "sh", "-c", script,
    ])
    .assert_ok();
    env.run(["rm", "-f", &name]).assert_ok();
    env.run(["run", "--rm", "-u", "0", &image, "sh", "-c", script])
        .assert_ok();
    let left: Vec<_> = std::fs::read_dir(env.root().join("containers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "container dirs left: {left:?}");
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

/// docker copies into containers that never ran: the files land in the upper dir (the overlay copies /etc
/// up), nothing is mounted on the host, and the payload sees them on its first start.
#[test]
fn cp_into_a_created_container_is_seen_by_start() {
    let (env, image) = busybox_world();
    let name = unique("cpc");
    env.run([
        "create",
        "--name",
        &name,
        &image,
        "cat",
        "/etc/probe",
        "/new/f",
    ])
    .assert_ok();
    let host_file = env.write_file("probe", "into created\n");
    env.run([
        "cp",
        host_file.to_str().unwrap(),
        &format!("{name}:/etc/probe"),
    ])
    .assert_ok();
    let host_dir = env.dir().join("dir");
    std::fs::create_dir_all(&host_dir).unwrap();
    std::fs::write(host_dir.join("f"), "nested\n").unwrap();
    env.run(["cp", host_dir.to_str().unwrap(), &format!("{name}:/new")])
        .assert_ok();
    assert!(!mountinfo_mentions(&env.root().display().to_string()));
    env.run(["start", "-a", &name])
        .assert_ok()
        .assert_stdout_eq("into created\nnested\n");
    env.run(["rm", &name]).assert_ok();
}

/// docker copies out of exited containers: the container's own view, with the image's whiteouts and
/// opaque dirs honoured (the multi fixture deletes /data/gone.txt and /data/gonedir and makes
/// /data/opaque opaque) and the container's own changes on top.
#[test]
fn cp_out_of_an_exited_container_sees_its_layers_and_changes() {
    let (env, image) = TestEnv::new().with_image(fixtures::MULTI);
    let name = unique("cpx");
    env.run([
        "run",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "echo made > /data/made && rm /data/keep.txt",
    ])
    .assert_ok();
    let out = env.dir().join("out");
    std::fs::create_dir_all(&out).unwrap();
    env.run(["cp", &format!("{name}:/data"), out.to_str().unwrap()])
        .assert_ok();
    let mut names: Vec<String> = std::fs::read_dir(out.join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"made".to_string()), "{names:?}");
    for gone in ["gone.txt", "gonedir", "keep.txt"] {
        assert!(!names.contains(&gone.to_string()), "{gone} in {names:?}");
    }
    assert_eq!(
        std::fs::read_to_string(out.join("data/changed.txt")).unwrap(),
        "v3\n"
    );
    let opaque: Vec<_> = std::fs::read_dir(out.join("data/opaque"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(opaque, vec![std::ffi::OsString::from("c")]);
    env.run([
        "cp",
        &format!("{name}:/data/keep.txt"),
        out.to_str().unwrap(),
    ])
    .assert_failed()
    .assert_stderr_has("Could not find the file /data/keep.txt in container");
    env.run(["rm", &name]).assert_ok();
}

/// An image whose `/hostroot` is a symlink to `/` must not lead a `cp` on a stopped container onto the
/// host: the path is resolved inside the container's root (docs/security.md 1I, CVE-2019-14271).
#[test]
fn cp_on_a_stopped_container_does_not_follow_an_image_symlink_to_the_host_root() {
    use crate::support::fixtures::{Compression, LayerBuilder, Layout};
    let base = fixtures::busybox_layer_tar();
    let mut l = LayerBuilder::new();
    l.symlink("hostroot", "/")
        .symlink("etclink", "../../../etc");
    let evil = l.finish();
    let layout_dir = crate::support::temp_dir("symlink-image");
    let layout = Layout::create(layout_dir.path());
    let config = fixtures::image_config(
        "amd64",
        None,
        serde_json::json!({"Env": [fixtures::PATH_ENV], "Cmd": ["sh"]}),
        &[&base, &evil],
    );
    let m = layout.image(
        &config,
        &[(base, Compression::Gzip), (evil, Compression::Gzip)],
    );
    layout.tag(&m, "latest");
    let repo = format!("library/{}", unique("symroot"));
    registry::shared().skopeo_push(layout_dir.path(), "latest", &format!("{repo}:latest"), &[]);
    let image = registry::shared().image(&format!("{repo}:latest"));
    let env = TestEnv::new();
    env.run(["pull", "-q", &image]).assert_ok();
    let name = unique("cps");
    env.run([
        "create",
        "--name",
        &name,
        &image,
        "cat",
        "/etc/berth-cp-stopped-probe",
    ])
    .assert_ok();
    let probe = env.write_file("probe", "stays inside\n");
    for dest in [
        "/hostroot/etc/berth-cp-stopped-probe",
        "/etclink/berth-cp-stopped-probe",
    ] {
        env.run(["cp", probe.to_str().unwrap(), &format!("{name}:{dest}")])
            .assert_ok();
    }
    assert!(!std::path::Path::new("/etc/berth-cp-stopped-probe").exists());
    let out = env.dir().join("passwd");
    env.run([
        "cp",
        &format!("{name}:/hostroot/etc/passwd"),
        out.to_str().unwrap(),
    ])
    .assert_ok();
    let passwd = std::fs::read_to_string(&out).unwrap();
    assert!(
        passwd.starts_with("root:x:0:0:") && passwd.contains("app:x:1000:"),
        "{passwd}"
    );
    assert_ne!(passwd, std::fs::read_to_string("/etc/passwd").unwrap());
    env.run(["start", "-a", &name])
        .assert_ok()
        .assert_stdout_eq("stays inside\n");
    env.run(["rm", &name]).assert_ok();
}

/// Rootless, a stopped container's rootfs is mounted inside a user namespace with its maps: cp works both
/// ways and leaves files the container can use.
#[test]
fn rootless_cp_into_and_out_of_a_stopped_container() {
    let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    let name = unique("rlcp");
    env.run([
        "create",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "cat /etc/probe > /out",
    ])
    .assert_ok();
    let probe = env.write_file("probe", "rootless\n");
    env.run(["cp", probe.to_str().unwrap(), &format!("{name}:/etc/probe")])
        .assert_ok();
    env.run(["start", "-a", &name]).assert_ok();
    let out = env.dir().join("out");
    env.run(["cp", &format!("{name}:/out"), out.to_str().unwrap()])
        .assert_ok();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "rootless\n");
    env.run(["rm", &name]).assert_ok();
}

/// Rootless, pasta configures the container's network namespace before the payload runs (the runtime's
/// `on_namespaces` hook): the very first command already has the address and the default route. Before the
/// hook, pasta was started after the payload's exec and a short payload saw only `lo`.
#[test]
fn rootless_payload_sees_its_network_from_the_first_instruction() {
    let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    for _ in 0..3 {
        let out = env.run([
            "run",
            "--rm",
            &image,
            "sh",
            "-c",
            "ip -o -4 addr show; cat /proc/net/route",
        ]);
        out.assert_ok();
        assert!(
            out.stdout().contains("inet 10.0.2.100/24"),
            "{}",
            out.stdout()
        );
        // The default route (destination 00000000) via 10.0.2.2 (0202000A in /proc/net/route).
        assert!(
            out.lines()
                .iter()
                .any(|l| l.contains("\t00000000\t0202000A\t")),
            "{}",
            out.stdout()
        );
    }
    // pasta outlives the hook's holder process: a published port still answers later.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let name = unique("rlweb");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "-p",
        &format!("127.0.0.1:{port}:80"),
        &image,
        "sh",
        "-c",
        "echo up > /i.html && httpd -f -p 80 -h /",
    ])
    .assert_ok();
    let mut body = String::new();
    eventually(10, || {
        use std::io::{Read, Write};
        body.clear();
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return false;
        };
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(b"GET /i.html HTTP/1.0\r\n\r\n").is_ok()
            && s.read_to_string(&mut body).is_ok()
            && body.ends_with("up\n")
    });
    env.run(["rm", "-f", &name]).assert_ok();
    assert!(body.ends_with("up\n"), "{body}");
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

/// The processes whose command line names this environment's root (monitors, pre-started or not).
fn monitors_of(env: &TestEnv) -> usize {
    let root = env.root().display().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.starts_with("berth:[monitor]") && c.contains(&root))
        .count()
}

#[test]
fn run_rm_answers_after_removal_and_its_files_follow_into_nothing() {
    let (env, image) = busybox_world();
    let name = unique("gone");
    env.run([
        "run",
        "--rm",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "echo data > /f; exit 3",
    ])
    .assert_code(3);
    // Removed when `run` returns: no record, name free, nothing under containers/.
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
    env.run(["inspect", &name]).assert_code(1);
    let containers = std::fs::read_dir(env.root().join("containers"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(containers, 0);
    // The directory went through the trash, which the monitor empties after answering.
    let trash = env.root().join("trash");
    assert!(
        crate::support::eventually(10, || std::fs::read_dir(&trash)
            .map(|d| d.count() == 0)
            .unwrap_or(true)),
        "trash left: {:?}",
        std::fs::read_dir(&trash).map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
    );
    assert!(crate::support::eventually(10, || monitors_of(&env) == 0));
    env.run(["run", "--rm", "--name", &name, &image, "true"])
        .assert_ok();
}

#[test]
fn the_next_run_and_container_prune_sweep_a_trash_entry_whose_monitor_died() {
    let (env, image) = busybox_world();
    let left = |n: &str| {
        let d = env.root().join("trash").join(n.repeat(64));
        std::fs::create_dir_all(d.join("upper/work")).unwrap();
        std::fs::write(d.join("upper/file"), b"x").unwrap();
        d
    };
    let a = left("a");
    env.run(["container", "prune", "-f"]).assert_ok();
    assert!(!a.exists(), "prune left the trash entry");
    let b = left("b");
    env.run(["run", "--rm", &image, "true"]).assert_ok();
    assert!(!b.exists(), "run left the trash entry");
}

#[test]
fn run_of_a_missing_image_leaves_no_pre_started_monitor() {
    let env = TestEnv::new();
    let reg = registry::shared();
    let missing = format!("{}/library/not-there:latest", reg.host());
    env.run(["run", "--rm", "--pull", "never", &missing, "true"])
        .assert_code(125);
    env.run(["run", "-d", "--pull", "never", &missing, "true"])
        .assert_code(125);
    assert!(
        crate::support::eventually(10, || monitors_of(&env) == 0),
        "a monitor outlived the failed run"
    );
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

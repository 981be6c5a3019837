//! Integration tests: containers (run, create, start, ps, logs, exec, stop, kill, rm, wait, inspect,
//! volumes), checked from inside the container with busybox. Root only: they create namespaces, mounts and
//! cgroups (CI runs as root).

use crate::support::{TestEnv, fixtures, registry, unique};
use std::time::Duration;

/// A world with the busybox fixture pulled; returns the image reference.
fn world() -> (TestEnv, String) {
    let env = TestEnv::new();
    let image = registry::shared().image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    (env, image)
}

fn mountinfo_mentions(s: &str) -> bool {
    std::fs::read_to_string("/proc/self/mountinfo").unwrap().contains(s)
}

#[test]
fn run_rm_echo_prints_hello_and_leaves_nothing() {
    let (env, image) = world();
    let out = env.run(["run", "--rm", &image, "echo", "hello"]);
    out.assert_ok().assert_stdout_eq("hello\n");
    let ids: Vec<_> = std::fs::read_dir(env.root().join("containers")).map(|d| d.count()).into_iter().collect();
    assert_eq!(ids, vec![0], "a --rm container left its state dir");
    assert!(!mountinfo_mentions(&env.root().display().to_string()), "a mount of the container remains");
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
}

#[test]
fn run_exits_with_the_container_code_and_126_127_for_exec_failures() {
    let (env, image) = world();
    env.run(["run", "--rm", &image, "sh", "-c", "exit 3"]).assert_code(3);
    env.run(["run", "--rm", &image, "/no/such/command"]).assert_code(127);
    env.run(["run", "--rm", &image, "/etc/passwd"]).assert_code(126);
    env.run(["run", "--rm", &image, "sh", "-c", "kill -9 $$"]).assert_code(137);
}

#[test]
fn berth_errors_exit_125() {
    let env = TestEnv::new();
    env.run(["run", "--rm", "--pull", "never", "nosuchimage-xyz"]).assert_code(125);
    env.run(["run", "--bogus-flag", "busybox"]).assert_code(125);
}

#[test]
fn detached_container_shows_in_ps_logs_and_stops() {
    let (env, image) = world();
    let name = unique("web");
    let out = env.run(["run", "-d", "--name", &name, &image, "sh", "-c", "echo started; echo err >&2; sleep 300"]);
    out.assert_ok();
    let id = out.stdout().trim().to_string();
    assert_eq!(id.len(), 64, "run -d prints the full id: {id:?}");
    let ps = env.run(["ps", "--format", "{{.ID}} {{.Names}} {{.State}} {{.Command}}"]);
    ps.assert_ok().assert_stdout_has(&format!("{} {name} running \"sh -c 'echo started;…\"", &id[..12]));
    let mut logs = String::new();
    for _ in 0..100 {
        logs = env.run(["logs", &name]).stdout().to_string();
        if logs.contains("started") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(logs, "started\n");
    env.run(["logs", &name]).assert_ok().assert_stderr_has("err\n");
    env.run(["stop", "-t", "1", &name]).assert_ok().assert_stdout_eq(&format!("{name}\n"));
    env.run(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}", &name])
        .assert_ok()
        .assert_stdout_eq("exited 143 false\n");
    env.run(["ps", "-a", "--format", "{{.Status}}"]).assert_ok().assert_stdout_has("Exited (143)");
    env.run(["rm", &name]).assert_ok().assert_stdout_eq(&format!("{name}\n"));
    assert!(!env.root().join("containers").join(&id).exists());
    let cg = format!("/sys/fs/cgroup/memory/{}", id);
    assert!(!std::path::Path::new(&cg).exists());
}

#[test]
fn name_conflict_is_docker_wording_and_125() {
    let (env, image) = world();
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
    let (env, image) = world();
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
    let (env, image) = world();
    let name = unique("c");
    env.run(["create", "--name", &name, &image, "sh", "-c", "echo from-start; exit 5"]).assert_ok();
    env.run(["ps", "-a", "--format", "{{.Names}} {{.Status}}"]).assert_stdout_has(&format!("{name} Created"));
    env.run(["start", "-a", &name]).assert_code(5).assert_stdout_eq("from-start\n");
    env.run(["wait", &name]).assert_ok().assert_stdout_eq("5\n");
    env.run(["container", "rm", &name]).assert_ok();
    env.run(["rm", &name]).assert_code(1).assert_stderr_has(&format!("No such container: {name}"));
}

#[test]
fn inspect_shows_docker_fields() {
    let (env, image) = world();
    let name = unique("insp");
    env.run(["create", "--name", &name, "-e", "A=1", "-m", "64m", "--pids-limit", "50", "--label", "tier=web", &image, "echo", "x"])
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
    assert!(c["Config"]["Env"].as_array().unwrap().contains(&serde_json::json!("A=1")));
    assert!(c["Image"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(c["Driver"], "overlay");
    let cj: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.root().join("containers").join(c["Id"].as_str().unwrap()).join("container.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cj["image_id"], c["Image"]);
}

#[test]
fn exec_runs_in_the_container_and_returns_its_code() {
    let (env, image) = world();
    let name = unique("ex");
    env.run(["run", "-d", "--name", &name, "-h", "inner", &image, "sleep", "300"]).assert_ok();
    env.run(["exec", &name, "hostname"]).assert_ok().assert_stdout_eq("inner\n");
    env.run(["exec", "-e", "X=y", &name, "sh", "-c", "echo $X; exit 4"]).assert_code(4).assert_stdout_eq("y\n");
    env.run(["exec", "-u", "1000", &name, "id", "-u"]).assert_ok().assert_stdout_eq("1000\n");
    env.run(["kill", &name]).assert_ok();
    env.run(["wait", &name]).assert_ok().assert_stdout_eq("137\n");
    env.run(["rm", "-f", &name]).assert_ok();
}

#[test]
fn container_sees_docker_defaults_from_inside() {
    let (env, image) = world();
    let status = env.run(["run", "--rm", &image, "cat", "/proc/self/status"]);
    status.assert_ok();
    let field = |k: &str| {
        status.stdout().lines().find(|l| l.starts_with(k)).map(|l| l.split_whitespace().nth(1).unwrap().to_string())
    };
    assert_eq!(field("CapEff:").as_deref(), Some("00000000a80425fb"), "docker's 14 capabilities");
    assert_eq!(field("CapBnd:").as_deref(), Some("00000000a80425fb"));
    assert_eq!(field("CapInh:").as_deref(), Some("0000000000000000"));
    assert_eq!(field("Seccomp:").as_deref(), Some("2"));
    assert_eq!(field("NoNewPrivs:").as_deref(), Some("0"));
    let nnp = env.run(["run", "--rm", "--security-opt", "no-new-privileges", &image, "grep", "NoNewPrivs", "/proc/self/status"]);
    nnp.assert_ok().assert_stdout_has("1");
    env.run(["run", "--rm", "-h", "boxy", &image, "hostname"]).assert_ok().assert_stdout_eq("boxy\n");
    // Masked paths read empty; read-only paths refuse writes.
    env.run(["run", "--rm", &image, "cat", "/proc/kcore"]).assert_ok().assert_stdout_eq("");
    env.run(["run", "--rm", &image, "sh", "-c", "echo 1 > /proc/sysrq-trigger"]).assert_failed();
    let id = env.run(["run", "--rm", "-u", "app", &image, "id"]);
    id.assert_ok().assert_stdout_eq("uid=1000(app) gid=1000(app) groups=1000(app),1001(extra)\n");
    env.run(["run", "--rm", "-u", "1000:1001", &image, "id", "-g"]).assert_ok().assert_stdout_eq("1001\n");
    let envout = env.run(["run", "--rm", "-e", "FOO=bar", &image, "env"]);
    envout.assert_ok().assert_stdout_has("FOO=bar\n").assert_stdout_has("HOME=/root\n");
    assert!(!envout.stdout().contains("XDG_"), "the caller's env leaked: {}", envout.stdout());
}

#[test]
fn memory_hog_is_oom_killed_and_inspect_says_so() {
    let (env, image) = world();
    let name = unique("oom");
    let out = env.run([
        "run", "--name", &name, "-m", "16m", "--memory-swap", "16m", &image, "sh", "-c",
        "x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; while true; do x=$x$x; done",
    ]);
    out.assert_code(137);
    env.run(["inspect", "-f", "{{.State.OOMKilled}}", &name]).assert_ok().assert_stdout_eq("true\n");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn pids_limit_stops_a_fork_bomb() {
    let (env, image) = world();
    let out = env.run([
        "run", "--rm", "--pids-limit", "20", &image, "sh", "-c",
        "for i in $(seq 1 60); do sleep 5 & done 2>/dev/null; sleep 0.2; ls /proc | grep -c '^[0-9]'",
    ]);
    out.assert_ok();
    let n: usize = out.stdout().trim().parse().unwrap();
    assert!(n <= 20, "{n} processes ran under --pids-limit 20");
}

#[test]
fn named_volume_is_initialised_and_survives_the_container() {
    let (env, image) = world();
    let vol = unique("data");
    env.run(["volume", "create", &vol]).assert_ok().assert_stdout_eq(&format!("{vol}\n"));
    env.run(["run", "--rm", "-v", &format!("{vol}:/d"), &image, "sh", "-c", "echo kept > /d/x"]).assert_ok();
    env.run(["run", "--rm", "-v", &format!("{vol}:/d:ro"), &image, "cat", "/d/x"]).assert_ok().assert_stdout_eq("kept\n");
    env.run(["run", "--rm", "-v", &format!("{vol}:/d:ro"), &image, "touch", "/d/y"]).assert_failed();
    // Copy-up: a new volume mounted on /etc starts with the image's /etc.
    let etc = unique("etc");
    env.run(["run", "--rm", "-v", &format!("{etc}:/etc"), &image, "cat", "/etc/group"]).assert_ok().assert_stdout_has("extra");
    env.run(["volume", "ls", "-q"]).assert_ok().assert_stdout_has(&vol);
    env.run(["volume", "inspect", "-f", "{{.Name}} {{.Driver}}", &vol]).assert_ok().assert_stdout_eq(&format!("{vol} local\n"));
    env.run(["volume", "rm", &vol]).assert_ok();
}

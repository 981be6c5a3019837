//! Health checks (issue 12): `--health-*` and the image's HEALTHCHECK run by the container's monitor,
//! docker's `State.Health` in `inspect`, the status in `ps` and `ps --filter health=`, timeouts, the
//! start period, `--no-healthcheck`, a stopped container's status, no CPU between checks, rootless.
//! Root only except the rootless test (it drops to the test user).

use crate::support::fixtures;
use crate::support::health::{checked_container, health, run_d, status, wait_status};
use crate::support::{TestEnv, busybox_world, eventually, unique};
use serde_json::{Value, json};

/// The `ps` STATUS column of container `name`.
fn ps_status(env: &TestEnv, name: &str) -> String {
    let filter = format!("name={name}");
    let out = env.run(["ps", "-a", "--filter", &filter, "--format", "{{.Status}}"]);
    out.assert_ok();
    out.stdout().trim().to_string()
}

/// The names `ps --filter health=<v>` lists.
fn ps_health(env: &TestEnv, v: &str) -> Vec<String> {
    let filter = format!("health={v}");
    let out = env.run(["ps", "--filter", &filter, "--format", "{{.Names}}"]);
    out.assert_ok();
    out.stdout().lines().map(str::to_string).collect()
}

/// The actions of container `name`'s events so far.
fn actions(env: &TestEnv, name: &str) -> Vec<String> {
    let filter = format!("container={name}");
    let out = env.run([
        "events",
        "--since",
        "1h",
        "--until",
        "0s",
        "--filter",
        &filter,
        "--format",
        "{{.Action}}",
    ]);
    out.assert_ok();
    out.stdout().lines().map(str::to_string).collect()
}

/// A check that succeeds makes the container healthy: inspect's State.Health and Config.Healthcheck,
/// ps's `(healthy)`, and the health filter (a container without a check is `none`).
#[test]
fn a_passing_check_makes_the_container_healthy() {
    let (env, image) = busybox_world();
    let name = unique("hok");
    let plain = unique("hplain");
    run_d(
        &env,
        &name,
        &["--health-cmd", "echo ok", "--health-interval", "300ms"],
        &image,
    );
    run_d(&env, &plain, &[], &image);
    wait_status(&env, &name, "healthy");
    let h = health(&env, &name);
    assert_eq!(h["FailingStreak"], 0);
    let last = &h["Log"][0];
    assert_eq!(last["ExitCode"], 0, "{h}");
    assert_eq!(last["Output"], "ok\n", "{h}");
    assert!(last["Start"].as_str().unwrap() <= last["End"].as_str().unwrap());
    let out = env.run(["inspect", "--format", "{{json .Config.Healthcheck}}", &name]);
    let cfg: Value = serde_json::from_str(out.assert_ok().stdout()).unwrap();
    assert_eq!(
        cfg,
        json!({"Test": ["CMD-SHELL", "echo ok"], "Interval": 300_000_000})
    );
    let s = ps_status(&env, &name);
    assert!(
        s.starts_with("Up ") && s.ends_with(" (healthy)"),
        "status {s:?}"
    );
    assert_eq!(ps_health(&env, "healthy"), vec![name.clone()]);
    assert_eq!(ps_health(&env, "none"), vec![plain.clone()]);
    assert!(ps_health(&env, "unhealthy").is_empty());
    // docker's event on the change, once.
    let acts = actions(&env, &name);
    let healthy: Vec<_> = acts
        .iter()
        .filter(|a| a.starts_with("health_status"))
        .collect();
    assert_eq!(healthy, vec!["health_status: healthy"], "{acts:?}");
    // A container without a check has no State.Health and no suffix.
    assert!(health(&env, &plain).is_null());
    assert!(!ps_status(&env, &plain).contains('('));
    env.run(["ps", "--filter", "health=bogus"])
        .assert_code(1)
        .assert_stderr_has("Unrecognised filter value for health: bogus");
    env.run(["rm", "-f", &name, &plain]).assert_ok();
}

/// Before its first check a container is `starting`: ps says `(health: starting)`; stopped it is
/// `unhealthy`, and `starting` again once restarted.
#[test]
fn before_the_first_check_the_container_is_starting() {
    let flags = ["--health-cmd", "true", "--health-interval", "1h"];
    let (env, _, name) = checked_container("hstart", &flags);
    assert_eq!(status(&env, &name), "starting");
    assert_eq!(health(&env, &name)["Log"], json!([]));
    let s = ps_status(&env, &name);
    assert!(s.ends_with(" (health: starting)"), "status {s:?}");
    assert_eq!(ps_health(&env, "starting"), vec![name.clone()]);
    // Stopped, docker's status is `unhealthy`; started again, `starting`.
    env.run(["stop", "-t", "1", &name]).assert_ok();
    assert_eq!(status(&env, &name), "unhealthy");
    env.run(["start", &name]).assert_ok();
    assert_eq!(status(&env, &name), "starting");
    env.run(["rm", "-f", &name]).assert_ok();
}

/// A failing check makes the container unhealthy after `--health-retries` failures in a row, with
/// each result (exit code and output) in the log (the last five).
#[test]
fn failing_checks_make_it_unhealthy_after_the_retries() {
    let flags = [
        "--health-cmd",
        "echo bad; echo worse >&2; exit 3",
        "--health-interval",
        "200ms",
        "--health-retries",
        "2",
    ];
    let (env, _, name) = checked_container("hbad", &flags);
    wait_status(&env, &name, "unhealthy");
    let h = health(&env, &name);
    assert!(h["FailingStreak"].as_i64().unwrap() >= 2, "{h}");
    let log = h["Log"].as_array().unwrap();
    assert!(log.len() >= 2 && log.len() <= 5, "{h}");
    for e in log {
        assert_eq!(e["ExitCode"], 3, "{h}");
        assert_eq!(e["Output"], "bad\nworse\n", "{h}");
    }
    assert!(ps_status(&env, &name).ends_with(" (unhealthy)"));
    assert_eq!(ps_health(&env, "unhealthy"), vec![name.clone()]);
    assert!(
        actions(&env, &name)
            .iter()
            .any(|a| a == "health_status: unhealthy")
    );
    // The log keeps the last five.
    assert!(eventually(20, || {
        health(&env, &name)["FailingStreak"].as_i64().unwrap_or(0) >= 6
    }));
    assert_eq!(health(&env, &name)["Log"].as_array().unwrap().len(), 5);
    env.run(["stop", "-t", "1", &name]).assert_ok();
    assert_eq!(status(&env, &name), "unhealthy");
    assert!(ps_status(&env, &name).starts_with("Exited "));
    env.run(["rm", "-f", &name]).assert_ok();
}

/// A check over its timeout is killed and logged as docker logs it: exit code -1 and
/// `Health check exceeded timeout (300ms)`.
#[test]
fn a_check_over_its_timeout_is_killed_and_fails() {
    let flags = [
        "--health-cmd",
        "sleep 30",
        "--health-interval",
        "200ms",
        "--health-timeout",
        "300ms",
        "--health-retries",
        "1",
    ];
    let (env, _, name) = checked_container("htime", &flags);
    wait_status(&env, &name, "unhealthy");
    let h = health(&env, &name);
    let e = &h["Log"][0];
    assert_eq!(e["ExitCode"], -1, "{h}");
    assert_eq!(e["Output"], "Health check exceeded timeout (300ms)", "{h}");
    // Killed checks are gone from the container: after three, at most the current one runs.
    assert!(eventually(20, || {
        health(&env, &name)["FailingStreak"].as_i64().unwrap_or(0) >= 3
    }));
    let ps = env.run(["exec", &name, "ps", "-o", "args"]);
    let running = ps
        .assert_ok()
        .stdout()
        .lines()
        .filter(|l| l.trim() == "sleep 30")
        .count();
    assert!(running <= 1, "{}", ps.stdout());
    env.run(["rm", "-f", &name]).assert_ok();
}

/// In the start period failures do not count (the status stays `starting`, checks run at the start
/// interval); the first success ends it.
#[test]
fn start_period_failures_do_not_count() {
    let flags = [
        "--health-cmd",
        "test -f /tmp/ready",
        "--health-interval",
        "1h",
        "--health-start-period",
        "1h",
        "--health-start-interval",
        "200ms",
        "--health-retries",
        "1",
    ];
    let (env, _, name) = checked_container("hperiod", &flags);
    assert!(eventually(20, || {
        health(&env, &name)["Log"]
            .as_array()
            .is_some_and(|l| l.len() >= 3)
    }));
    let h = health(&env, &name);
    assert_eq!(h["Status"], "starting", "{h}");
    assert_eq!(h["FailingStreak"], 0, "{h}");
    assert_eq!(h["Log"][0]["ExitCode"], 1, "{h}");
    env.run(["exec", &name, "touch", "/tmp/ready"]).assert_ok();
    assert!(eventually(20, || status(&env, &name) == "healthy"));
    env.run(["rm", "-f", &name]).assert_ok();
}

/// An image with a HEALTHCHECK (`CMD` form, 200ms interval), pushed to the shared registry.
fn image_with_healthcheck() -> String {
    fixtures::pushed_busybox_image(
        "healthimg",
        json!({
            "Env": [fixtures::PATH_ENV],
            "Cmd": ["sh"],
            "Healthcheck": {
                "Test": ["CMD", "echo", "from-image"],
                "Interval": 200_000_000_u64,
                "Retries": 2,
            },
        }),
    )
}

/// The image's HEALTHCHECK runs unless overridden: `--health-*` flags replace its fields one by one,
/// `--no-healthcheck` disables it (and conflicts with `--health-*`).
#[test]
fn the_images_healthcheck_runs_unless_overridden() {
    let env = TestEnv::new();
    let image = image_with_healthcheck();
    env.run(["pull", "-q", &image]).assert_ok();
    let inherit = unique("hinh");
    let merged = unique("hmerge");
    let off = unique("hoff");
    run_d(&env, &inherit, &[], &image);
    run_d(&env, &merged, &["--health-cmd", "echo mine"], &image);
    run_d(&env, &off, &["--no-healthcheck"], &image);
    for n in [&inherit, &merged] {
        wait_status(&env, n, "healthy");
    }
    assert_eq!(health(&env, &inherit)["Log"][0]["Output"], "from-image\n");
    assert_eq!(health(&env, &merged)["Log"][0]["Output"], "mine\n");
    let cfg = |n: &str| -> Value {
        let out = env.run(["inspect", "--format", "{{json .Config.Healthcheck}}", n]);
        serde_json::from_str(out.assert_ok().stdout()).unwrap()
    };
    assert_eq!(
        cfg(&merged),
        json!({"Test": ["CMD-SHELL", "echo mine"], "Interval": 200_000_000, "Retries": 2})
    );
    // docker merges per field: `--no-healthcheck` replaces only the test.
    assert_eq!(
        cfg(&off),
        json!({"Test": ["NONE"], "Interval": 200_000_000, "Retries": 2})
    );
    assert!(health(&env, &off).is_null());
    assert!(!ps_status(&env, &off).contains('('));
    assert!(ps_health(&env, "none").contains(&off));
    env.run(["run", "--no-healthcheck", "--health-retries", "2", &image])
        .assert_code(125)
        .assert_stderr_has("--no-healthcheck conflicts with --health-* options");
    env.run(["rm", "-f", &inherit, &merged, &off]).assert_ok();
}

/// Invalid `--health-*` values are refused as docker refuses them, before anything is created.
#[test]
fn invalid_health_flags_are_refused() {
    let (env, image) = busybox_world();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--health-interval", "500us"],
            "Interval in Healthcheck cannot be less than 1ms",
        ),
        (
            &["--health-retries", "-1"],
            "--health-retries cannot be negative",
        ),
        (
            &["--health-timeout", "-1s"],
            "--health-timeout cannot be negative",
        ),
        (
            &["--health-start-period", "soon"],
            "invalid argument \"soon\" for \"--health-start-period\" flag",
        ),
    ];
    for (flags, err) in cases {
        let mut args = vec!["create"];
        args.extend_from_slice(flags);
        args.push(&image);
        env.run(args).assert_code(125).assert_stderr_has(err);
    }
    let out = env.run(["ps", "-aq"]);
    assert_eq!(out.assert_ok().stdout(), "");
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: i64) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    // Fields 14 and 15 of stat(5), counted after the command name (field 3 is index 0 here).
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// Between checks the monitor sleeps: over two seconds of a long interval it uses (almost) no CPU.
/// It runs from a sealed copy of berth, since it joins the container for each check.
#[test]
fn the_monitor_uses_no_cpu_between_checks() {
    let (env, image) = busybox_world();
    let name = unique("hidle");
    run_d(
        &env,
        &name,
        &["--health-cmd", "true", "--health-interval", "1h"],
        &image,
    );
    let id = env.run(["inspect", "--format", "{{.Id}}", &name]);
    let id = id.assert_ok().stdout().trim().to_string();
    let rec = env
        .run_root()
        .join("containers")
        .join(&id)
        .join("monitor.json");
    let mon: Value = serde_json::from_slice(&std::fs::read(rec).unwrap()).unwrap();
    let pid = mon["pid"].as_i64().unwrap();
    // It starts its checks as `exec` does, so it runs from a sealed copy (docs/security.md F1).
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    assert!(exe.to_string_lossy().starts_with("/memfd:"), "{exe:?}");
    let before = cpu_ticks(pid);
    let t0 = std::time::Instant::now();
    // Measuring over a period is the point here: wait until two seconds passed.
    assert!(!eventually(2, || false) && t0.elapsed().as_secs() >= 2);
    let used = cpu_ticks(pid) - before;
    assert!(used <= 2, "the monitor used {used} ticks while idle");
    env.run(["rm", "-f", &name]).assert_ok();
}

/// A rootless container's check runs in its user namespace the same way.
#[test]
fn rootless_health_check_runs() {
    let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    let name = unique("hroot");
    run_d(
        &env,
        &name,
        &["--health-cmd", "id -u", "--health-interval", "300ms"],
        &image,
    );
    assert!(
        eventually(30, || status(&env, &name) == "healthy"),
        "{}",
        health(&env, &name)
    );
    assert_eq!(health(&env, &name)["Log"][0]["Output"], "0\n");
    assert!(ps_status(&env, &name).ends_with(" (healthy)"));
    env.run(["rm", "-f", &name]).assert_ok();
}

/// A paused container is not checked (as docker stops checks on pause); unpaused, checks resume.
#[test]
fn checks_stop_while_the_container_is_paused() {
    let (env, image) = busybox_world();
    let name = unique("hpause");
    run_d(
        &env,
        &name,
        &["--health-cmd", "true", "--health-interval", "200ms"],
        &image,
    );
    assert!(eventually(20, || status(&env, &name) == "healthy"));
    env.run(["pause", &name]).assert_ok();
    let last_end = || {
        let h = health(&env, &name);
        let log = h["Log"].as_array().cloned().unwrap_or_default();
        log.last().map(|e| e["End"].to_string()).unwrap_or_default()
    };
    // Once a check in flight at the pause has ended, the log stays as it is for a second.
    let mut before = last_end();
    assert!(eventually(10, || {
        let now = last_end();
        std::mem::replace(&mut before, now.clone()) == now
    }));
    let frozen = last_end();
    assert!(
        !eventually(1, || last_end() != frozen),
        "a check ran while paused"
    );
    env.run(["unpause", &name]).assert_ok();
    assert!(eventually(20, || last_end() != frozen));
    env.run(["rm", "-f", &name]).assert_ok();
}

/// A foreground `run --rm` with a health check streams its output and exits with its code while checks
/// run beside it, and leaves nothing behind.
#[test]
fn a_foreground_run_with_checks_streams_and_exits_as_usual() {
    let (env, image) = busybox_world();
    let out = env.run([
        "run",
        "--rm",
        "--health-cmd",
        "true",
        "--health-interval",
        "100ms",
        &image,
        "sh",
        "-c",
        "sleep 1; echo done; exit 7",
    ]);
    out.assert_code(7).assert_stdout_eq("done\n");
    let left = env.run(["ps", "-aq"]);
    assert_eq!(left.assert_ok().stdout(), "");
}

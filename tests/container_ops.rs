//! Integration tests: restart policies, `update`, `commit`, `export`/`import` and streaming `stats`,
//! checked with docker's flags, output and exit codes, and from inside the container with busybox.
//! Root only: they create namespaces, mounts and cgroups (CI runs as root).

use crate::support::{TestEnv, busybox_world, eventually, fixtures, inspect, registry, unique};
use std::time::{Duration, Instant};

#[test]
fn restart_always_relaunches_the_payload_until_stopped_by_hand() {
    let (env, image) = busybox_world();
    let name = unique("rs");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--restart",
        "always",
        &image,
        "sh",
        "-c",
        "echo run; sleep 0.2; exit 3",
    ])
    .assert_ok();
    // docker's wait returns at each exit, even one the policy restarts after.
    env.run(["wait", &name]).assert_ok().assert_stdout_eq("3\n");
    assert!(
        eventually(20, || inspect(&env, &name, "{{.RestartCount}}")
            .parse::<u32>()
            .is_ok_and(|n| n >= 3)),
        "the container was not restarted 3 times: {}",
        inspect(&env, &name, "{{.RestartCount}} {{.State.Status}}")
    );
    assert_eq!(
        inspect(&env, &name, "{{json .HostConfig.RestartPolicy}}"),
        r#"{"Name":"always","MaximumRetryCount":0}"#
    );
    let logs = env.run(["logs", &name]);
    assert!(
        logs.stdout().matches("run").count() >= 3,
        "{}",
        logs.stdout()
    );
    // While it waits between runs, ps shows docker's restarting status.
    assert!(
        eventually(20, || {
            let st = env.run([
                "ps",
                "--filter",
                &format!("name={name}"),
                "--format",
                "{{.Status}}",
            ]);
            st.stdout().starts_with("Restarting (3) ")
        }),
        "ps never showed the restarting status"
    );
    env.run(["stop", "-t", "1", &name]).assert_ok();
    assert_eq!(inspect(&env, &name, "{{.State.Status}}"), "exited");
    let count = inspect(&env, &name, "{{.RestartCount}}");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        inspect(&env, &name, "{{.State.Status}}"),
        "exited",
        "restarted after stop"
    );
    assert_eq!(inspect(&env, &name, "{{.RestartCount}}"), count);
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn restart_on_failure_stops_after_max_retries_and_ignores_success() {
    let (env, image) = busybox_world();
    let name = unique("rf");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--restart",
        "on-failure:2",
        &image,
        "sh",
        "-c",
        "exit 5",
    ])
    .assert_ok();
    // wait returns at the first exit, as docker's does with a restart policy.
    env.run(["wait", &name]).assert_ok().assert_stdout_eq("5\n");
    assert!(eventually(20, || inspect(
        &env,
        &name,
        "{{.State.Status}} {{.RestartCount}}"
    ) == "exited 2"));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{.State.Status}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}"
        ),
        "exited 2 on-failure 2"
    );
    let ok = unique("rfok");
    env.run([
        "run",
        "-d",
        "--name",
        &ok,
        "--restart",
        "on-failure",
        &image,
        "true",
    ])
    .assert_ok();
    env.run(["wait", &ok]).assert_ok().assert_stdout_eq("0\n");
    assert_eq!(inspect(&env, &ok, "{{.RestartCount}}"), "0");
}

#[test]
fn kill_and_rm_force_end_a_restarting_container_and_start_arms_it_again() {
    let (env, image) = busybox_world();
    let name = unique("rk");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--restart",
        "always",
        &image,
        "sh",
        "-c",
        "sleep 2; exit 1",
    ])
    .assert_ok();
    env.run(["kill", &name]).assert_ok();
    env.run(["wait", &name])
        .assert_ok()
        .assert_stdout_eq("137\n");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        inspect(&env, &name, "{{.State.Status}} {{.RestartCount}}"),
        "exited 0",
        "a killed container was restarted"
    );
    // A start ends the manual stop: its own exit is restarted again.
    env.run(["start", &name]).assert_ok();
    assert!(
        eventually(20, || inspect(&env, &name, "{{.RestartCount}}") != "0"),
        "the policy did not apply after start"
    );
    env.run(["rm", "-f", &name]).assert_ok();
    env.run(["ps", "-a", "-q", "--filter", &format!("name={name}")])
        .assert_ok()
        .assert_stdout_eq("");
    assert!(
        !std::fs::read_dir(env.root().join("containers"))
            .unwrap()
            .any(|_| true),
        "rm -f left the restarting container's files"
    );
}

#[test]
fn restart_with_rm_is_a_usage_error_and_bad_policies_are_refused() {
    let (env, image) = busybox_world();
    env.run(["run", "--rm", "--restart", "always", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("conflicting options: cannot specify both --restart and --rm");
    env.run(["create", "--restart", "sometimes", &image])
        .assert_code(125)
        .assert_stderr_has("invalid restart policy: unknown policy 'sometimes'");
}

/// The limit files of the container's own cgroup, read from inside it (cgroup namespace).
fn limits_script() -> &'static str {
    if std::path::Path::new("/sys/fs/cgroup/cgroup.controllers").exists() {
        "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max /sys/fs/cgroup/pids.max"
    } else {
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max"
    }
}

#[test]
fn update_changes_a_running_containers_cgroup_and_a_lowered_pids_limit_bites() {
    let (env, image) = busybox_world();
    let name = unique("up");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--pids-limit",
        "100",
        &image,
        "sleep",
        "1000",
    ])
    .assert_ok();
    // Before: forks are fine.
    env.run([
        "exec",
        &name,
        "sh",
        "-c",
        "for i in 1 2 3 4 5 6; do sleep 1 & done; wait",
    ])
    .assert_ok();
    env.run([
        "update",
        "--pids-limit",
        "4",
        "--memory",
        "64m",
        "--cpus",
        "0.5",
        "--restart",
        "on-failure:2",
        &name,
    ])
    .assert_ok()
    .assert_stdout_eq(&format!("{name}\n"));
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{.HostConfig.PidsLimit}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}"
        ),
        "4 67108864 500000000 on-failure:2"
    );
    let v2 = std::path::Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    let out = env.run(["exec", &name, "sh", "-c", limits_script()]);
    let want = if v2 {
        "67108864\n50000 100000\n4\n"
    } else {
        "67108864\n50000\n4\n"
    };
    out.assert_ok().assert_stdout_eq(want);
    // After: sleep and the exec'd shell hold 2 of the 4 pids, so 6 more forks cannot all succeed.
    let out = env.run([
        "exec",
        &name,
        "sh",
        "-c",
        "for i in 1 2 3 4 5 6; do sleep 1 & done; wait",
    ]);
    assert!(
        out.stderr().contains("fork") || !out.success(),
        "a fork past the lowered pids limit succeeded: {} {}",
        out.stdout(),
        out.stderr()
    );
    // -1 and 0 lift the pids limit and the CPU quota again.
    env.run(["update", "--pids-limit", "-1", "--cpus", "0", &name])
        .assert_ok();
    let want = if v2 {
        "67108864\nmax 100000\nmax\n"
    } else {
        "67108864\n-1\nmax\n"
    };
    env.run(["exec", &name, "sh", "-c", limits_script()])
        .assert_ok()
        .assert_stdout_eq(want);
    env.run(["rm", "-f", &name]).assert_ok();
}

#[test]
fn update_restart_policy_applies_to_the_running_payloads_exit() {
    let (env, image) = busybox_world();
    let name = unique("upr");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "sleep 1; exit 1",
    ])
    .assert_ok();
    env.run(["update", "--restart", "on-failure:1", &name])
        .assert_ok();
    assert!(
        eventually(20, || inspect(&env, &name, "{{.RestartCount}}") == "1"),
        "the policy set by update was not applied"
    );
    env.run(["wait", &name]).assert_ok();
    assert!(eventually(20, || inspect(&env, &name, "{{.State.Status}}") == "exited"));
    env.run(["rm", "-f", &name]).assert_ok();
}

#[test]
fn update_of_a_stopped_container_applies_at_its_next_start() {
    let (env, image) = busybox_world();
    let name = unique("ups");
    env.run([
        "create",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        limits_script(),
    ])
    .assert_ok();
    env.run(["update", "-m", "32m", "--pids-limit", "20", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{name}\n"));
    let out = env.run(["start", "-a", &name]);
    let first: Vec<&str> = out.stdout().lines().collect();
    assert_eq!(first.first(), Some(&"33554432"), "{}", out.stdout());
    assert_eq!(first.last(), Some(&"20"), "{}", out.stdout());
    env.run(["update", &name])
        .assert_code(1)
        .assert_stderr_has("you must provide one or more flags when using this command");
    env.run(["update", "--memory", "1m", &name])
        .assert_code(1)
        .assert_stderr_has("Minimum memory limit allowed is 6MB");
}

#[test]
fn commit_turns_created_changed_and_deleted_files_into_a_runnable_image() {
    let (env, image) = busybox_world();
    let name = unique("cm");
    // /etc/opq replaces a directory that exists in the image layer (overlay marks it opaque).
    env.run([
        "run",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "mkdir -p /data/sub && echo new > /data/sub/f && echo changed > /etc/hostname.x && \
         echo v1 > /etc/motd && rm /bin/vi && rm -rf /home && mkdir /home && echo only > /home/o",
    ])
    .assert_ok();
    // A second container prepares an image with a directory whose contents are later replaced.
    let out = env.run([
        "commit",
        "-m",
        "first",
        "-a",
        "tester",
        "-c",
        "ENV COMMITTED=yes",
        "-c",
        "CMD [\"cat\", \"/data/sub/f\"]",
        &name,
        "committed:v1",
    ]);
    out.assert_ok();
    let id = out.stdout().trim().to_string();
    assert!(id.starts_with("sha256:") && id.len() == 71, "{id}");
    env.run(["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .assert_ok()
        .assert_stdout_has("committed:v1");
    assert_eq!(
        env.run([
            "image",
            "inspect",
            "-f",
            "{{.Author}}|{{.Comment}}|{{len .RootFS.Layers}}",
            "committed:v1"
        ])
        .assert_ok()
        .stdout()
        .trim(),
        format!(
            "tester|first|{}",
            env.run(["image", "inspect", "-f", "{{len .RootFS.Layers}}", &image])
                .stdout()
                .trim()
                .parse::<usize>()
                .unwrap()
                + 1
        )
    );
    // The mount points berth made for /etc/hosts, /etc/hostname and /etc/resolv.conf are not part of
    // the container's changes (docker's init layer): a container of the new image that never ran
    // exports none of them.
    let fresh = unique("cmfresh");
    env.run(["create", "--name", &fresh, "committed:v1"])
        .assert_ok();
    let tar = env.dir().join("fresh.tar");
    env.run(["export", "-o", tar.to_str().unwrap(), &fresh])
        .assert_ok();
    let listing = std::process::Command::new("tar")
        .arg("-tf")
        .arg(&tar)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout).to_string();
    assert!(listing.lines().any(|l| l == "etc/motd"), "{listing}");
    for mp in ["etc/hosts", "etc/hostname", "etc/resolv.conf"] {
        assert!(
            !listing.lines().any(|l| l == mp),
            "{mp} was committed: {listing}"
        );
    }
    env.run(["rm", &fresh]).assert_ok();
    // The image's CMD comes from --change; what the container made is there, what it deleted is not.
    env.run(["run", "--rm", "committed:v1"])
        .assert_ok()
        .assert_stdout_eq("new\n");
    let probe = env.run([
        "run",
        "--rm",
        "committed:v1",
        "sh",
        "-c",
        "cat /etc/motd /home/o; ls /home; test -e /bin/vi && echo vi-still-there; echo $COMMITTED",
    ]);
    probe.assert_ok().assert_stdout_eq("v1\nonly\no\nyes\n");

    // An opaque dir: the second commit replaces a directory that the first image layer had.
    let second = unique("cm2");
    env.run([
        "run",
        "--name",
        &second,
        "committed:v1",
        "sh",
        "-c",
        "rm -rf /data/sub && mkdir /data/sub && echo fresh > /data/sub/g",
    ])
    .assert_ok();
    env.run(["commit", &second, "committed:v2"]).assert_ok();
    env.run(["run", "--rm", "committed:v2", "sh", "-c", "ls /data/sub"])
        .assert_ok()
        .assert_stdout_eq("g\n");
    // Committed images are removed like pulled ones once unused.
    env.run(["rm", &second]).assert_ok();
    env.run(["rmi", "committed:v2"]).assert_ok();
    env.run(["image", "inspect", "committed:v2"])
        .assert_failed();
    env.run(["run", "--rm", "committed:v1"])
        .assert_ok()
        .assert_stdout_eq("new\n");

    // A running container is paused while its layer is written, and runs on afterwards.
    let live = unique("cmlive");
    env.run([
        "run",
        "-d",
        "--name",
        &live,
        &image,
        "sh",
        "-c",
        "echo up > /live; sleep 1000",
    ])
    .assert_ok();
    assert!(eventually(10, || env
        .run(["exec", &live, "cat", "/live"])
        .stdout()
        == "up\n"));
    env.run(["commit", &live, "committed:live"]).assert_ok();
    assert_eq!(inspect(&env, &live, "{{.State.Status}}"), "running");
    env.run(["run", "--rm", "committed:live", "cat", "/live"])
        .assert_ok()
        .assert_stdout_eq("up\n");
    env.run(["rm", "-f", &live]).assert_ok();
}

#[test]
fn export_then_import_round_trips_a_containers_filesystem() {
    let (env, image) = busybox_world();
    let name = unique("ex");
    env.run([
        "run",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "echo exported > /marker && rm /bin/vi",
    ])
    .assert_ok();
    let tar = env.dir().join("fs.tar");
    env.run(["export", "-o", tar.to_str().unwrap(), &name])
        .assert_ok();
    let listing = std::process::Command::new("tar")
        .arg("-tf")
        .arg(&tar)
        .output()
        .unwrap();
    let names = String::from_utf8_lossy(&listing.stdout).to_string();
    assert!(names.lines().any(|l| l == "marker"), "{names}");
    assert!(names.lines().any(|l| l == "bin/sh"), "{names}");
    assert!(
        !names.lines().any(|l| l == "bin/vi" || l.contains(".wh.")),
        "{names}"
    );
    // To stdout too (not a terminal here).
    let out = env.run(["export", &name]);
    out.assert_ok();
    assert!(out.stdout().len() > 1024);

    let imported = env.run([
        "import",
        "-c",
        "CMD [\"cat\", \"/marker\"]",
        tar.to_str().unwrap(),
        "imported:1",
    ]);
    imported.assert_ok();
    assert!(
        imported.stdout().starts_with("sha256:"),
        "{}",
        imported.stdout()
    );
    env.run(["run", "--rm", "imported:1"])
        .assert_ok()
        .assert_stdout_eq("exported\n");
    env.run([
        "run",
        "--rm",
        "imported:1",
        "sh",
        "-c",
        "test -e /bin/vi || echo no-vi",
    ])
    .assert_ok()
    .assert_stdout_eq("no-vi\n");
    // From stdin, gzip-compressed, untagged.
    let gz = std::process::Command::new("gzip")
        .arg("-kc")
        .arg(&tar)
        .output()
        .unwrap();
    let out = env.run_with_stdin(["import", "-"], &gz.stdout);
    out.assert_ok();
    let id = out.stdout().trim().to_string();
    env.run(["run", "--rm", &id, "cat", "/marker"])
        .assert_ok()
        .assert_stdout_eq("exported\n");
    // A running container exports too, with what it wrote so far.
    let live = unique("exlive");
    env.run([
        "run",
        "-d",
        "--name",
        &live,
        &image,
        "sh",
        "-c",
        "echo x > /live-marker; sleep 1000",
    ])
    .assert_ok();
    assert!(eventually(10, || env
        .run(["export", &live])
        .stdout()
        .contains("live-marker")));
    env.run(["rm", "-f", &live]).assert_ok();
    env.run(["export", "nosuchcontainer"])
        .assert_failed()
        .assert_stderr_has("No such container");
}

#[test]
fn stats_streams_a_block_per_second_with_cpu_from_sample_deltas_until_killed() {
    use std::io::{BufRead, BufReader};
    let (env, image) = busybox_world();
    let busy = unique("busy");
    let idle = unique("idle");
    env.run([
        "run",
        "-d",
        "--name",
        &busy,
        &image,
        "sh",
        "-c",
        "while :; do :; done",
    ])
    .assert_ok();
    env.run(["run", "-d", "--name", &idle, &image, "sleep", "1000"])
        .assert_ok();
    let mut child = env
        .berth()
        .args([
            "stats",
            "--format",
            "{{.Name}} {{.CPUPerc}} {{.PIDs}}",
            &busy,
            &idle,
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines() {
            if tx.send(l.unwrap_or_default()).is_err() {
                return;
            }
        }
    });
    let started = Instant::now();
    let mut lines = Vec::new();
    while lines.len() < 6 {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(l) => lines.push(l),
            Err(_) => break,
        }
    }
    let elapsed = started.elapsed();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        lines.len(),
        6,
        "three blocks of two rows were not streamed: {lines:?}"
    );
    // Not a terminal: no escape codes, one block per interval.
    assert!(lines.iter().all(|l| !l.contains('\x1b')), "{lines:?}");
    assert!(
        elapsed >= Duration::from_millis(1500),
        "blocks came faster than one a second"
    );
    for block in lines.chunks(2) {
        let cpu = |l: &str| -> f64 {
            l.split_whitespace()
                .nth(1)
                .unwrap()
                .trim_end_matches('%')
                .parse()
                .unwrap()
        };
        assert!(
            block[0].starts_with(&busy) && block[1].starts_with(&idle),
            "{block:?}"
        );
        assert!(cpu(&block[0]) > 1.0, "a busy loop shows no CPU: {block:?}");
        assert!(cpu(&block[1]) < 1.0, "sleep shows CPU: {block:?}");
    }
    // --no-stream prints one block and exits.
    env.run(["stats", "--no-stream", "--format", "{{.Name}}", &idle])
        .assert_ok()
        .assert_stdout_eq(&format!("{idle}\n"));
    env.run(["rm", "-f", &busy, &idle]).assert_ok();
}

/// Run berth with its stdout on a pseudo-terminal (util-linux `script`); returns what the terminal got.
fn on_tty(env: &TestEnv, args: &[&str], timeout_secs: u32) -> String {
    let mut line = format!(
        "timeout {timeout_secs} {} --root {} --run-root {} --config {}",
        crate::support::berth_bin().display(),
        env.root().display(),
        env.run_root().display(),
        env.config_path().display()
    );
    for a in args {
        line.push(' ');
        line.push_str(a);
    }
    let out = std::process::Command::new("script")
        .args(["-qefc", &line, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn export_refuses_a_terminal_and_stats_redraws_one() {
    let (env, image) = busybox_world();
    let name = unique("tty");
    env.run(["run", "-d", "--name", &name, &image, "sleep", "1000"])
        .assert_ok();
    let out = on_tty(&env, &["export", &name], 20);
    assert!(
        out.contains("cowardly refusing to save to a terminal. Use the -o flag or redirect"),
        "{out:?}"
    );
    assert!(!out.contains("bin/"), "a tar reached the terminal");
    let out = on_tty(&env, &["stats", &name], 4);
    assert!(
        out.matches("\x1b[2J\x1b[H").count() >= 2,
        "stats did not clear and redraw: {out:?}"
    );
    assert!(
        out.contains("CONTAINER ID") && out.contains(&name),
        "{out:?}"
    );
    env.run(["rm", "-f", &name]).assert_ok();
}

#[test]
fn rootless_commit_and_export_read_subordinate_owned_files_and_keep_whiteouts() {
    let env = TestEnv::rootless();
    let image = registry::shared().image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    let name = unique("rlcm");
    // /secret belongs to a subordinate id and only its owner may read it: outside the container's
    // user namespace the rootless user cannot.
    env.run([
        "run",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "echo s > /secret && chown 1000:1000 /secret && chmod 600 /secret && rm /bin/vi && \
         mkdir -p /d && echo a > /d/a",
    ])
    .assert_ok();
    env.run(["commit", &name, "rlcommit:1"]).assert_ok();
    env.run([
        "run",
        "--rm",
        "rlcommit:1",
        "sh",
        "-c",
        "stat -c '%a' /secret; cat /secret /d/a; test -e /bin/vi || echo no-vi",
    ])
    .assert_ok()
    .assert_stdout_eq("600\ns\na\nno-vi\n");
    // The export carries the container's own ids, as the container saw them.
    let tar = env.dir().join("rl.tar");
    env.run(["export", "-o", tar.to_str().unwrap(), &name])
        .assert_ok();
    let listing = std::process::Command::new("tar")
        .args(["--numeric-owner", "-tvf"])
        .arg(&tar)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout).to_string();
    let secret = listing
        .lines()
        .find(|l| l.ends_with(" secret"))
        .unwrap_or_else(|| panic!("no /secret in the export: {listing}"));
    assert!(secret.contains(" 1000/1000 "), "{secret}");
    assert!(!listing.contains("bin/vi"), "{listing}");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn rootless_restart_policy_relaunches_the_payload() {
    let env = TestEnv::rootless();
    let image = registry::shared().image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    let name = unique("rlrs");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--restart",
        "on-failure:2",
        &image,
        "sh",
        "-c",
        "exit 2",
    ])
    .assert_ok();
    assert!(
        eventually(20, || inspect(
            &env,
            &name,
            "{{.State.Status}} {{.RestartCount}}"
        ) == "exited 2"),
        "{}",
        inspect(
            &env,
            &name,
            "{{.State.Status}} {{.RestartCount}} {{.State.Error}}"
        )
    );
    env.run(["rm", &name]).assert_ok();
}

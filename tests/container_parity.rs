//! Integration tests: container verbs where docker's behaviour is the spec (issue 13): `kill` and `stop`
//! return once the container has exited, `diff` lists only the container's own changes, `commit` keeps
//! the runtime's variables out of the image, `run --pull always` prints the pull's lines, docker's
//! validations of `run`/`create`, `--network` by id, and `top` whatever the terminal and user.
//! Root only: they create namespaces, mounts and cgroups (CI runs as root).

use crate::support::{Outcome, TestEnv, busybox_world, inspect, unique};

/// The container's row of `ps -a` in `format` (names are matched whole: `unique` names may share a
/// prefix, which the name filter would also match).
fn ps_column(env: &TestEnv, name: &str, format: &str) -> String {
    let out = env.run(["ps", "-a", "--format", &format!("{{{{.Names}}}}|{format}")]);
    out.assert_ok();
    out.stdout()
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}|")))
        .unwrap_or_else(|| panic!("{name} not in ps: {}", out.stdout()))
        .to_string()
}

#[test]
fn kill_and_stop_return_once_the_container_has_exited() {
    let (env, image) = busybox_world();
    // Several rounds: the window between the signal and the recorded exit is short, and must be closed
    // every time. The payload's children make the kernel's tear-down of the PID namespace longer.
    for round in 0..4 {
        let name = unique("kw");
        env.run([
            "run",
            "-d",
            "--name",
            &name,
            &image,
            "sh",
            "-c",
            "for i in $(seq 50); do sleep 1000 & done; wait",
        ])
        .assert_ok();
        env.run(["kill", &name]).assert_ok();
        assert_eq!(
            inspect(&env, &name, "{{.State.Running}} {{.State.ExitCode}}"),
            "false 137",
            "round {round}: kill returned before the container had exited"
        );
        let ps = ps_column(&env, &name, "{{.Status}}");
        assert!(
            ps.starts_with("Exited (137)"),
            "round {round}: ps says {ps:?}"
        );
        env.run(["rm", &name]).assert_ok();
    }
    // Another signal returns at once, and the container runs on.
    let name = unique("ksig");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "trap 'echo got-usr1' USR1; while true; do sleep 0.1; done",
    ])
    .assert_ok();
    env.run(["kill", "-s", "USR1", &name]).assert_ok();
    assert_eq!(inspect(&env, &name, "{{.State.Running}}"), "true");
    // stop: SIGTERM (which this pid 1 ignores), then SIGKILL; inspect and ps agree at once.
    env.run(["stop", "-t", "1", &name]).assert_ok();
    assert_eq!(inspect(&env, &name, "{{.State.Running}}"), "false");
    let ps = ps_column(&env, &name, "{{.Status}}");
    assert!(ps.starts_with("Exited ("), "ps says {ps:?}");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn diff_lists_only_the_containers_own_changes() {
    let (env, image) = busybox_world();
    let name = unique("df");
    env.run(["run", "--name", &name, &image, "touch", "/made-here"])
        .assert_ok();
    // Not /etc/hosts, /etc/hostname, /etc/resolv.conf, /dev, /proc, /sys nor the /etc they were made
    // in: docker keeps those in the container's init layer.
    env.run(["diff", &name])
        .assert_ok()
        .assert_stdout_eq("A /made-here\n");
    // A change under /etc still shows /etc, as docker's does.
    let second = unique("df2");
    env.run(["run", "--name", &second, &image, "touch", "/etc/motd.new"])
        .assert_ok();
    env.run(["diff", &second])
        .assert_ok()
        .assert_stdout_eq("C /etc\nA /etc/motd.new\n");
    env.run(["rm", &name, &second]).assert_ok();
}

#[test]
fn rootless_diff_lists_only_the_containers_own_changes() {
    let (env, image) = TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX);
    let name = unique("rldf");
    env.run([
        "run",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "touch /made-here; rm /etc/group",
    ])
    .assert_ok();
    env.run(["diff", &name])
        .assert_ok()
        .assert_stdout_eq("C /etc\nD /etc/group\nA /made-here\n");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn commit_keeps_the_runtimes_variables_out_of_the_image() {
    let (env, image) = busybox_world();
    let name = unique("ce");
    env.run([
        "run", "--name", &name, "-t", "-h", "somehost", "-e", "MINE=1", &image, "true",
    ])
    .assert_ok();
    env.run(["commit", &name, "envcheck:1"]).assert_ok();
    let img_env = env
        .run([
            "image",
            "inspect",
            "-f",
            "{{json .Config.Env}}",
            "envcheck:1",
        ])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let list: Vec<String> = serde_json::from_str(&img_env).unwrap();
    assert!(list.contains(&"MINE=1".to_string()), "{img_env}");
    assert!(list.iter().any(|e| e.starts_with("PATH=")), "{img_env}");
    for added in ["HOSTNAME=", "HOME=", "TERM="] {
        assert!(
            !list.iter().any(|e| e.starts_with(added)),
            "{added} was committed: {img_env}"
        );
    }
    // A container of the new image gets its own hostname, not the committed one.
    env.run([
        "run",
        "--rm",
        "-h",
        "other",
        "envcheck:1",
        "sh",
        "-c",
        "echo $HOSTNAME $MINE",
    ])
    .assert_ok()
    .assert_stdout_eq("other 1\n");
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn run_pull_always_with_the_image_present_prints_the_pulls_lines() {
    let (env, image) = busybox_world();
    let out = env.run(["run", "--rm", "--pull", "always", &image, "echo", "ran"]);
    out.assert_ok().assert_stdout_eq("ran\n");
    assert!(
        !out.stderr().contains("Unable to find image"),
        "{}",
        out.stderr()
    );
    out.assert_stderr_has("latest: Pulling from library/busybox")
        .assert_stderr_has("Digest: sha256:")
        .assert_stderr_has(&format!("Status: Image is up to date for {image}"));
}

/// The CPUs this process may use (docker counts the affinity mask).
fn host_cpus() -> usize {
    use nix::sched::{CpuSet, sched_getaffinity};
    let set = sched_getaffinity(nix::unistd::Pid::from_raw(0)).unwrap();
    (0..CpuSet::count())
        .filter(|&i| set.is_set(i).unwrap_or(false))
        .count()
}

#[test]
fn run_and_create_validate_as_docker_does() {
    let (env, image) = busybox_world();
    let n = host_cpus();
    let too_many = (n + 1).to_string();
    for verb in ["run", "create"] {
        env.run([verb, "--cpus", &too_many, &image, "true"])
            .assert_code(125)
            .assert_stderr_has(&format!(
                "Range of CPUs is from 0.01 to {n}.00, as there are only {n} CPUs available"
            ));
        env.run([verb, "--ip", "10.88.0.77", &image, "true"])
            .assert_code(125)
            .assert_stderr_has(
                "user specified IP address is supported on user defined networks only",
            );
    }
    // Nothing was left behind by the refusals.
    env.run(["ps", "-aq"]).assert_ok().assert_stdout_eq("");
    // As many CPUs as the host has is fine; update checks the same range.
    let name = unique("cpus");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--cpus",
        &n.to_string(),
        &image,
        "sleep",
        "1000",
    ])
    .assert_ok();
    env.run(["update", "--cpus", &too_many, &name])
        .assert_code(1)
        .assert_stderr_has(&format!(
            "Range of CPUs is from 0.01 to {n}.00, as there are only {n} CPUs available"
        ));
    env.run(["rm", "-f", &name]).assert_ok();
    // -p with the host's network: a warning, and the container runs.
    let out = env.run([
        "run",
        "--rm",
        "--network",
        "host",
        "-p",
        "18080:80",
        &image,
        "echo",
        "up",
    ]);
    out.assert_ok()
        .assert_stdout_eq("up\n")
        .assert_stderr_has("WARNING: Published ports are discarded when using host network mode");
}

#[test]
fn network_flag_takes_a_network_id_or_unique_prefix() {
    let (env, image) = busybox_world();
    let net = unique("byid");
    let id = env
        .run(["network", "create", &net])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let name = unique("onid");
    env.run([
        "run",
        "--name",
        &name,
        "--network",
        &id[..12],
        &image,
        "sh",
        "-c",
        "ip addr show eth0 | grep -q 'inet ' && echo joined",
    ])
    .assert_ok()
    .assert_stdout_eq("joined\n");
    // The container is recorded on the network's name, as docker resolves the id.
    assert_eq!(ps_column(&env, &name, "{{.Networks}}"), net);
    // A fixed address is fine on a user-defined network.
    let subnet = env
        .run([
            "network",
            "inspect",
            "-f",
            "{{(index .IPAM.Config 0).Subnet}}",
            &net,
        ])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let base = subnet
        .split('/')
        .next()
        .unwrap()
        .rsplit_once('.')
        .unwrap()
        .0;
    let fixed = format!("{base}.77");
    env.run([
        "run",
        "--rm",
        "--network",
        &net,
        "--ip",
        &fixed,
        &image,
        "sh",
        "-c",
        "ip addr show eth0",
    ])
    .assert_ok()
    .assert_stdout_has(&format!("inet {fixed}/"));
    let full = unique("onfull");
    env.run(["create", "--name", &full, "--network", &id, &image])
        .assert_ok();
    env.run(["rm", &name, &full]).assert_ok();
    env.run(["network", "rm", &net]).assert_ok();
}

/// `berth <args>` run by `script` on a new pseudo-terminal, as from an interactive shell.
fn run_on_a_tty(env: &TestEnv, args: &[&str]) -> Outcome {
    let base = env.berth();
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = quote(&base.get_program().to_string_lossy());
    for a in base
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .chain(args.iter().map(|a| a.to_string()))
    {
        line.push(' ');
        line.push_str(&quote(&a));
    }
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"]);
    cmd.env_clear();
    for (k, v) in base.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    cmd.current_dir(env.dir());
    Outcome::of(&mut cmd)
}

#[test]
fn top_shows_the_containers_processes_whatever_the_terminal_and_user() {
    let (env, image) = busybox_world();
    let root = unique("toproot");
    let user = unique("topuser");
    env.run(["run", "-d", "--name", &root, &image, "sleep", "1001"])
        .assert_ok();
    env.run([
        "run", "-d", "--name", &user, "-u", "1000", &image, "sleep", "1002",
    ])
    .assert_ok();
    for (name, cmd) in [(&root, "sleep 1001"), (&user, "sleep 1002")] {
        // Without a terminal, and with ps options that select nothing by themselves.
        env.run(["top", name, "-o", "pid,args"])
            .assert_ok()
            .assert_stdout_has("PID")
            .assert_stdout_has(cmd);
        env.run(["top", name]).assert_ok().assert_stdout_has(cmd);
        // From a terminal.
        let tty = run_on_a_tty(&env, &["top", name, "-o", "pid,args"]);
        tty.assert_ok().assert_stdout_has(cmd);
    }
    env.run(["rm", "-f", &root, &user]).assert_ok();
}

#[test]
fn cidfile_label_file_expose_domainname_and_annotation_do_what_docker_does() {
    let (env, image) = busybox_world();
    let dir = env.dir().to_path_buf();
    let cidfile = dir.join(unique("cid"));
    let labels = dir.join(unique("labels"));
    std::fs::write(&labels, "# a comment\n\ntier=web\nteam=core\n").unwrap();
    let name = unique("parflags");
    let cid = cidfile.to_str().unwrap();
    env.run([
        "create",
        "--name",
        &name,
        "--cidfile",
        cid,
        "--label-file",
        labels.to_str().unwrap(),
        "--label",
        "team=edge",
        "--expose",
        "7000-7001/udp",
        "--expose",
        "8080",
        "--domainname",
        "example.org",
        "--annotation",
        "org.example.key=val",
        "--isolation",
        "default",
        "--disable-content-trust",
        &image,
        "sh",
        "-c",
        "echo $(hostname)/$(cat /proc/sys/kernel/domainname)",
    ])
    .assert_ok();
    let id = inspect(&env, &name, "{{.Id}}");
    assert_eq!(std::fs::read_to_string(&cidfile).unwrap(), id);
    assert_eq!(inspect(&env, &name, "{{.HostConfig.ContainerIDFile}}"), cid);
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{.Config.Labels.tier}} {{.Config.Labels.team}}"
        ),
        "web edge"
    );
    assert_eq!(
        inspect(&env, &name, "{{json .Config.ExposedPorts}}"),
        r#"{"7000/udp":{},"7001/udp":{},"8080/tcp":{}}"#
    );
    assert_eq!(
        inspect(&env, &name, "{{.Config.Domainname}}"),
        "example.org"
    );
    assert_eq!(
        inspect(&env, &name, "{{json .HostConfig.Annotations}}"),
        r#"{"org.example.key":"val"}"#
    );
    // The domain name is the container's own (its UTS namespace), beside its hostname.
    env.run(["start", "-a", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{}/example.org\n", &id[..12]));
    // docker refuses a cidfile that exists, before creating anything.
    let again = unique("parflags2");
    env.run(["create", "--name", &again, "--cidfile", cid, &image])
        .assert_code(125)
        .assert_stderr_has(&format!(
            "Container ID file found, make sure the other container isn't running or delete {cid}"
        ));
    env.run(["inspect", &again]).assert_code(1);
    env.run(["rm", &name]).assert_ok();
}

#[test]
fn flags_berth_cannot_honour_fail_with_the_reason() {
    let (env, image) = busybox_world();
    let cases: [(&[&str], &str); 5] = [
        (&["--gpus", "all"], "berth has no GPU runtime"),
        (
            &["--isolation", "hyperv"],
            "invalid isolation 'hyperv' on linux",
        ),
        (
            &["--platform", "linux/s390x"],
            "berth runs only the host's platform",
        ),
        (
            &["--expose", "http"],
            "invalid range format for --expose: http",
        ),
        (&["--expose", "80/icmp"], "invalid proto: icmp"),
    ];
    for (flags, reason) in cases {
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(flags);
        args.extend([image.as_str(), "true"]);
        env.run(args).assert_code(125).assert_stderr_has(reason);
    }
    // The host's own platform is accepted.
    let host = match std::env::consts::ARCH {
        "x86_64" => "linux/amd64",
        "aarch64" => "linux/arm64",
        other => panic!("no docker platform name for {other}"),
    };
    env.run(["run", "--rm", "--platform", host, &image, "true"])
        .assert_ok();
}

/// The namespace link of this (host) process, as `readlink /proc/self/ns/<kind>` prints it.
fn host_ns(kind: &str) -> String {
    std::fs::read_link(format!("/proc/self/ns/{kind}"))
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// `--pid host`: the container sees the host's processes, and its monitor (which it can see too) runs
/// from a sealed copy of berth, never the on-disk binary (docs/security.md F1).
#[test]
fn pid_host_sees_host_processes_and_its_monitor_runs_from_the_memfd() {
    let (env, image) = busybox_world();
    let name = unique("pidhost");
    let id = env
        .run([
            "run",
            "-d",
            "--name",
            &name,
            "--pid",
            "host",
            "--cap-add",
            "SYS_PTRACE",
            &image,
            "sleep",
            "60",
        ])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    assert_eq!(inspect(&env, &name, "{{.HostConfig.PidMode}}"), "host");
    let me = std::process::id();
    let monitor: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            env.run_root()
                .join("containers")
                .join(&id)
                .join("monitor.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let pid = monitor["pid"].as_i64().unwrap();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    let inside = env.run([
        "exec",
        &name,
        "sh",
        "-c",
        &format!("test -d /proc/{me} && echo sees-host; readlink /proc/{pid}/exe; readlink /proc/self/ns/pid"),
    ]);
    env.run(["rm", "-f", &name]).assert_ok();
    inside
        .assert_ok()
        .assert_stdout_has("sees-host\n/memfd:berth")
        .assert_stdout_has(&host_ns("pid"));
    assert!(
        exe.to_string_lossy().starts_with("/memfd:berth"),
        "the monitor runs {}",
        exe.display()
    );
}

/// `--pid container:X` and `--ipc container:X` join X's namespaces (X's IPC must be shareable, as
/// docker requires): the joiner sees X's processes; `--ipc none` has no /dev/shm; inspect shows the
/// modes as written.
#[test]
fn pid_and_ipc_join_another_container_and_ipc_none_has_no_shm() {
    let (env, image) = busybox_world();
    let donor = unique("nsdonor");
    env.run([
        "run",
        "-d",
        "--name",
        &donor,
        "--ipc",
        "shareable",
        &image,
        "sleep",
        "1003",
    ])
    .assert_ok();
    let donor_ns = env
        .run([
            "exec",
            &donor,
            "sh",
            "-c",
            "for n in pid ipc; do readlink /proc/self/ns/$n; done",
        ])
        .assert_ok()
        .stdout()
        .to_string();
    let joiner = unique("nsjoin");
    env.run([
        "create",
        "--name",
        &joiner,
        "--pid",
        &format!("container:{donor}"),
        "--ipc",
        &format!("container:{donor}"),
        &image,
        "sh",
        "-c",
        "for n in pid ipc; do readlink /proc/self/ns/$n; done; ps -o args",
    ])
    .assert_ok();
    assert_eq!(
        inspect(
            &env,
            &joiner,
            "{{.HostConfig.PidMode}} {{.HostConfig.IpcMode}}"
        ),
        format!("container:{donor} container:{donor}")
    );
    env.run(["start", "-a", &joiner])
        .assert_ok()
        .assert_stdout_has(&donor_ns)
        .assert_stdout_has("sleep 1003\n");
    assert_eq!(
        inspect(&env, &donor, "{{.HostConfig.IpcMode}}"),
        "shareable"
    );
    // A private IPC namespace cannot be joined (docker's hint), nor a stopped container's.
    let private = unique("nspriv");
    env.run(["run", "-d", "--name", &private, &image, "sleep", "1004"])
        .assert_ok();
    env.run([
        "run",
        "--rm",
        "--ipc",
        &format!("container:{private}"),
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has("non-shareable IPC (hint: use IpcMode:shareable for the donor container)");
    env.run(["stop", "-t", "0", &private]).assert_ok();
    env.run([
        "run",
        "--rm",
        "--pid",
        &format!("container:{private}"),
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has(&format!(
        "cannot join PID of a non running container: {private}"
    ));
    env.run([
        "run",
        "--rm",
        "--ipc",
        "none",
        &image,
        "sh",
        "-c",
        "grep ' /dev/shm ' /proc/mounts || echo no-shm",
    ])
    .assert_ok()
    .assert_stdout_eq("no-shm\n");
    env.run(["rm", "-f", &donor, &joiner, &private]).assert_ok();
}

/// `--uts host` and `--cgroupns host|private`, `--ipc host`, and docker's refusals of bad modes.
#[test]
fn uts_cgroupns_and_ipc_host_use_the_hosts_namespaces() {
    let (env, image) = busybox_world();
    let host_name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let name = unique("utshost");
    env.run([
        "create",
        "--name",
        &name,
        "--uts",
        "host",
        "--cgroupns",
        "host",
        "--ipc",
        "host",
        &image,
        "sh",
        "-c",
        "hostname; echo $HOSTNAME; for n in uts cgroup ipc; do readlink /proc/self/ns/$n; done",
    ])
    .assert_ok();
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{.HostConfig.UTSMode}} {{.HostConfig.CgroupnsMode}} {{.HostConfig.IpcMode}}"
        ),
        "host host host"
    );
    env.run(["start", "-a", &name])
        .assert_ok()
        .assert_stdout_eq(&format!(
            "{host_name}{host_name}{}\n{}\n{}\n",
            host_ns("uts"),
            host_ns("cgroup"),
            host_ns("ipc")
        ));
    // The private namespace roots at the container's own cgroup in every hierarchy, the cgroup2 one too
    // (the init is cloned straight into it and makes the namespace itself: runtime/launch.rs).
    let out = env
        .run([
            "run",
            "--rm",
            "--cgroupns",
            "private",
            &image,
            "sh",
            "-c",
            "readlink /proc/self/ns/cgroup; cat /proc/self/cgroup",
        ])
        .assert_ok()
        .stdout()
        .to_string();
    let (private, own) = out.split_once('\n').unwrap_or((&out, ""));
    assert_ne!(private, host_ns("cgroup"));
    assert!(own.lines().any(|l| l.starts_with("0::")), "{own}");
    for line in own.lines() {
        assert!(
            line.ends_with(":/"),
            "not at its namespace's root: {line:?}\n{own}"
        );
    }
    let refusals: [(&[&str], &str); 5] = [
        (&["--pid", "bogus"], "--pid: invalid PID mode"),
        (&["--ipc", "bogus"], "--ipc: invalid IPC mode"),
        (&["--uts", "container:x"], "--uts: invalid UTS mode"),
        (&["--cgroupns", "shared"], "--cgroupns: invalid CGROUP mode"),
        (
            &["--uts", "host", "-h", "box"],
            "Conflicting options: hostname and the UTS mode",
        ),
    ];
    for (flags, reason) in refusals {
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(flags);
        args.extend([image.as_str(), "true"]);
        env.run(args).assert_code(125).assert_stderr_has(reason);
    }
    env.run(["rm", &name]).assert_ok();
}

/// `--sysctl` (namespaced ones only, docker's list), `--group-add` (names from the image's /etc/group
/// or gids), `--oom-score-adj` (docker's range): applied to the process and shown by inspect.
#[test]
fn sysctl_group_add_and_oom_score_adj_are_applied() {
    let (env, image) = busybox_world();
    let name = unique("sysgrp");
    env.run([
        "create",
        "--name",
        &name,
        "--sysctl",
        "net.ipv4.ip_forward=1",
        "--sysctl",
        "kernel.shmmni=1234",
        "--group-add",
        "4321",
        "--oom-score-adj",
        "500",
        &image,
        "sh",
        "-c",
        "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/self/oom_score_adj; id -G",
    ])
    .assert_ok();
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{json .HostConfig.Sysctls}} {{.HostConfig.GroupAdd}} {{.HostConfig.OomScoreAdj}}"
        ),
        r#"{"kernel.shmmni":"1234","net.ipv4.ip_forward":"1"} [4321] 500"#
    );
    let out = env.run(["start", "-a", &name]);
    out.assert_ok();
    let lines = out.lines();
    assert_eq!(&lines[..3], ["1", "1234", "500"], "{}", out.stdout());
    assert!(
        lines[3].split_whitespace().any(|g| g == "4321"),
        "{}",
        out.stdout()
    );
    env.run(["rm", &name]).assert_ok();
    let refusals: [(&[&str], &str); 4] = [
        (
            &["--sysctl", "kernel.hostname=x"],
            "sysctl 'kernel.hostname=x' is not allowed",
        ),
        (
            &["--sysctl", "vm.swappiness=1"],
            "sysctl 'vm.swappiness=1' is not allowed",
        ),
        (
            &["--oom-score-adj", "1001"],
            "Invalid value 1001, range for oom score adj is [-1000, 1000]",
        ),
        (
            &["--group-add", "nosuchgroup"],
            "Unable to find group nosuchgroup",
        ),
    ];
    for (flags, reason) in refusals {
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(flags);
        args.extend([image.as_str(), "true"]);
        env.run(args).assert_code(125).assert_stderr_has(reason);
    }
}

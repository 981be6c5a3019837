//! Integration tests: more of the flags a docker script passes (issue 13): relative bind sources, the
//! log drivers and rotation, the resource flags in the cgroup (run and `update`), `--volumes-from`,
//! `--device`. Root only: they create namespaces, mounts and cgroups (CI runs as root).

use crate::support::{TestEnv, busybox_world, eventually, inspect, unique};
use std::path::{Path, PathBuf};

#[test]
fn relative_bind_sources_resolve_against_the_callers_directory() {
    let (env, image) = busybox_world();
    // Commands run in the world's directory (support::TestEnv::berth).
    env.write_file("data/hello", "from-host\n");
    let name = unique("relv");
    env.run([
        "run",
        "--name",
        &name,
        "-v",
        "./data:/data",
        &image,
        "cat",
        "/data/hello",
    ])
    .assert_ok()
    .assert_stdout_eq("from-host\n");
    let src = env.dir().join("data");
    assert_eq!(
        inspect(&env, &name, "{{range .Mounts}}{{.Type}} {{.Source}}{{end}}"),
        format!("bind {}", src.display())
    );
    // `--mount` with `./` and `../` (the world's directory seen from data/).
    let sub = env.dir().join("data");
    env.berth()
        .current_dir(&sub)
        .args(["run", "--rm", "--mount"])
        .arg("type=bind,source=../data,target=/d,readonly")
        .args([&image, "cat", "/d/hello"])
        .output()
        .map(|o| {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(String::from_utf8_lossy(&o.stdout), "from-host\n");
        })
        .unwrap();
    // A missing source is refused by --mount, in docker's words, with the absolute path.
    let missing = env.dir().join("nope");
    env.run([
        "run",
        "--rm",
        "--mount",
        "type=bind,source=./nope,target=/x",
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has(&format!(
        "invalid mount config for type \"bind\": bind source path does not exist: {}",
        missing.display()
    ));
    // A plain name is still a volume.
    env.run(["run", "--rm", "-v", "data:/v", &image, "true"])
        .assert_ok();
    env.run(["volume", "inspect", "data"]).assert_ok();
}

fn log_files(env: &TestEnv, name: &str) -> (PathBuf, Vec<PathBuf>) {
    let id = inspect(env, name, "{{.Id}}");
    let log = env
        .root()
        .join("containers")
        .join(&id)
        .join(format!("{id}-json.log"));
    let rotated = (1..10)
        .map(|n| PathBuf::from(format!("{}.{n}", log.display())))
        .filter(|p| p.exists())
        .collect();
    (log, rotated)
}

#[test]
fn json_file_logs_rotate_per_max_size_and_max_file_and_logs_reads_them_in_order() {
    let (env, image) = busybox_world();
    let name = unique("rot");
    // 300 lines of ~100 bytes of JSON each: about 30 KB through a 4 KB log kept in 3 files.
    env.run([
        "run",
        "--name",
        &name,
        "--log-opt",
        "max-size=4k",
        "--log-opt",
        "max-file=3",
        &image,
        "sh",
        "-c",
        "i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done",
    ])
    .assert_ok();
    let (log, rotated) = log_files(&env, &name);
    assert_eq!(rotated.len(), 2, "{rotated:?}");
    for f in std::iter::once(&log).chain(&rotated) {
        let len = std::fs::metadata(f).unwrap().len();
        assert!(len < 4096 + 200, "{} has {len} bytes", f.display());
    }
    // `logs` reads the rotated files oldest first, then the live one: consecutive lines ending with
    // the last.
    let out = env.run(["logs", &name]);
    out.assert_ok();
    let got: Vec<u32> = out
        .stdout()
        .lines()
        .map(|l| l.strip_prefix("line-").unwrap().parse().unwrap())
        .collect();
    assert_eq!(*got.last().unwrap(), 299);
    assert!(got.len() > 40 && got.len() < 300, "{} lines", got.len());
    assert!(got.windows(2).all(|w| w[1] == w[0] + 1), "{got:?}");
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{.HostConfig.LogConfig.Type}} {{json .HostConfig.LogConfig.Config}}"
        ),
        r#"json-file {"max-file":"3","max-size":"4k"}"#
    );
}

#[test]
fn log_driver_none_writes_nothing_and_logs_says_so() {
    let (env, image) = busybox_world();
    let name = unique("nolog");
    env.run([
        "run",
        "--name",
        &name,
        "--log-driver",
        "none",
        &image,
        "echo",
        "hidden",
    ])
    .assert_ok()
    .assert_stdout_eq("hidden\n");
    let (log, rotated) = log_files(&env, &name);
    assert!(!log.exists() && rotated.is_empty());
    env.run(["logs", &name])
        .assert_code(1)
        .assert_stderr_has("configured logging driver does not support reading");
    assert_eq!(
        inspect(&env, &name, "{{.HostConfig.LogConfig.Type}}"),
        "none"
    );
    // The local driver keeps a readable log; other drivers and options are refused as docker does.
    let local = unique("local");
    env.run([
        "run",
        "--name",
        &local,
        "--log-driver",
        "local",
        &image,
        "echo",
        "kept",
    ])
    .assert_ok();
    env.run(["logs", &local])
        .assert_ok()
        .assert_stdout_eq("kept\n");
    env.run(["run", "--rm", "--log-driver", "syslog", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("logger: no log driver named 'syslog' is registered");
    env.run(["run", "--rm", "--log-opt", "max-bytes=1", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("unknown log opt 'max-bytes' for json-file log driver");
    env.run(["run", "--rm", "--log-opt", "max-file=0", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("max-file cannot be less than 1");
}

/// The container's directory in a v1 controller (or the v2 cgroup): berth's own cgroup then `rel`.
fn cgroup_dir(ctrl: &str, rel: &str) -> PathBuf {
    let v2 = Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap();
    let line = own
        .lines()
        .find(|l| {
            let f: Vec<&str> = l.splitn(3, ':').collect();
            if v2 {
                f[1].is_empty()
            } else {
                f[1].split(',').any(|c| c == ctrl)
            }
        })
        .unwrap();
    let path = line.splitn(3, ':').nth(2).unwrap().trim_start_matches('/');
    let base = if v2 {
        PathBuf::from("/sys/fs/cgroup")
    } else {
        PathBuf::from("/sys/fs/cgroup").join(ctrl)
    };
    base.join(path).join(rel)
}

fn cg(ctrl: &str, rel: &str, file: &str) -> String {
    let p = cgroup_dir(ctrl, rel).join(file);
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .trim()
        .to_string()
}

#[test]
fn resource_flags_reach_the_cgroup_and_update_changes_them_live() {
    let (env, image) = busybox_world();
    let v2 = Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    let name = unique("res");
    let parent = unique("cgp");
    let mut args = vec![
        "run",
        "-d",
        "--name",
        &name,
        "--cgroup-parent",
        &parent,
        "-m",
        "64m",
        "--memory-reservation",
        "32m",
        "--cpu-period",
        "50000",
        "--cpu-quota",
        "25000",
        "--cpuset-mems",
        "0",
        "--pids-limit",
        "50",
    ];
    if !v2 {
        args.extend(["--memory-swappiness", "10", "--oom-kill-disable"]);
    }
    args.extend([&image, "sleep", "1000"]);
    env.run(&args).assert_ok();
    let id = inspect(&env, &name, "{{.Id}}");
    let rel = format!("{parent}/{id}");
    if v2 {
        assert_eq!(cg("", &rel, "memory.max"), (64u64 << 20).to_string());
        assert_eq!(cg("", &rel, "memory.low"), (32u64 << 20).to_string());
        assert_eq!(cg("", &rel, "cpu.max"), "25000 50000");
    } else {
        assert_eq!(
            cg("memory", &rel, "memory.limit_in_bytes"),
            (64u64 << 20).to_string()
        );
        assert_eq!(
            cg("memory", &rel, "memory.soft_limit_in_bytes"),
            (32u64 << 20).to_string()
        );
        assert_eq!(cg("memory", &rel, "memory.swappiness"), "10");
        assert!(
            cg("memory", &rel, "memory.oom_control").contains("oom_kill_disable 1"),
            "{}",
            cg("memory", &rel, "memory.oom_control")
        );
        assert_eq!(cg("cpu", &rel, "cpu.cfs_period_us"), "50000");
        assert_eq!(cg("cpu", &rel, "cpu.cfs_quota_us"), "25000");
        assert_eq!(cg("pids", &rel, "pids.max"), "50");
    }
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{.HostConfig.CgroupParent}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpuPeriod}} \
             {{.HostConfig.CpuQuota}} {{.HostConfig.CpusetMems}}"
        ),
        format!("{parent} {} 50000 25000 0", 32u64 << 20)
    );
    // update, live: every resource flag docker's update has.
    env.run([
        "update",
        "--cpu-period",
        "100000",
        "--cpu-quota",
        "30000",
        "-m",
        "96m",
        "--memory-swap",
        "200m",
        "--memory-reservation",
        "48m",
        "--pids-limit",
        "60",
        "--cpu-shares",
        "512",
        "--cpuset-mems",
        "0",
        "--restart",
        "on-failure:2",
        &name,
    ])
    .assert_ok()
    .assert_stdout_eq(&format!("{name}\n"));
    if v2 {
        assert_eq!(cg("", &rel, "cpu.max"), "30000 100000");
        assert_eq!(cg("", &rel, "memory.max"), (96u64 << 20).to_string());
        assert_eq!(cg("", &rel, "memory.low"), (48u64 << 20).to_string());
        assert_eq!(cg("", &rel, "pids.max"), "60");
    } else {
        assert_eq!(cg("cpu", &rel, "cpu.cfs_period_us"), "100000");
        assert_eq!(cg("cpu", &rel, "cpu.cfs_quota_us"), "30000");
        assert_eq!(cg("cpu", &rel, "cpu.shares"), "512");
        assert_eq!(
            cg("memory", &rel, "memory.limit_in_bytes"),
            (96u64 << 20).to_string()
        );
        assert_eq!(
            cg("memory", &rel, "memory.soft_limit_in_bytes"),
            (48u64 << 20).to_string()
        );
        assert_eq!(cg("pids", &rel, "pids.max"), "60");
    }
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{.HostConfig.CpuQuota}} {{.HostConfig.MemoryReservation}} {{.HostConfig.RestartPolicy.Name}}"
        ),
        format!("30000 {} on-failure", 48u64 << 20)
    );
    // The quota removed (-1), live too.
    env.run(["update", "--cpu-quota", "-1", &name]).assert_ok();
    if !v2 {
        assert_eq!(cg("cpu", &rel, "cpu.cfs_quota_us"), "-1");
    }
    env.run(["rm", "-f", &name]).assert_ok();
    assert!(eventually(10, || !cgroup_dir("memory", &rel).exists()));
    remove_cgroup_dirs_named(Path::new("/sys/fs/cgroup"), &parent, 4);
}

/// Remove the (empty) cgroup directories named `name` a test's `--cgroup-parent` left in every
/// hierarchy, as docker leaves them too.
fn remove_cgroup_dirs_named(dir: &Path, name: &str, depth: u32) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if e.file_name() == name {
            let _ = std::fs::remove_dir(e.path());
        } else if depth > 0 {
            remove_cgroup_dirs_named(&e.path(), name, depth - 1);
        }
    }
}

#[test]
fn an_absolute_cgroup_parent_is_taken_from_the_hierarchys_root() {
    let (env, image) = busybox_world();
    let v2 = Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    let parent = format!("/{}", unique("abscg"));
    let name = unique("abs");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--cgroup-parent",
        &parent,
        "--pids-limit",
        "33",
        &image,
        "sleep",
        "1000",
    ])
    .assert_ok();
    let id = inspect(&env, &name, "{{.Id}}");
    let root = if v2 {
        PathBuf::from("/sys/fs/cgroup")
    } else {
        PathBuf::from("/sys/fs/cgroup/pids")
    };
    let dir = root.join(parent.trim_start_matches('/')).join(&id);
    assert_eq!(
        std::fs::read_to_string(dir.join("pids.max"))
            .unwrap()
            .trim(),
        "33"
    );
    env.run(["rm", "-f", &name]).assert_ok();
    assert!(eventually(10, || !dir.exists()));
    remove_cgroup_dirs_named(
        Path::new("/sys/fs/cgroup"),
        parent.trim_start_matches('/'),
        1,
    );
    env.run(["run", "--rm", "--cgroup-parent", "a/../b", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("invalid cgroup parent \"a/../b\": it may not contain '..'");
}

#[test]
fn bad_resource_values_are_refused_in_dockers_words() {
    let (env, image) = busybox_world();
    for (args, msg) in [
        (
            vec!["--cpus", "0.5", "--cpu-period", "50000"],
            "Conflicting options: Nano CPUs and CPU Period cannot both be set",
        ),
        (
            vec!["--cpu-period", "10"],
            "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
        ),
        (
            vec!["--cpu-quota", "10"],
            "CPU cfs quota can not be less than 1ms (i.e. 1000)",
        ),
        (
            vec!["-m", "16m", "--memory-reservation", "32m"],
            "Minimum memory limit can not be less than memory reservation limit",
        ),
        (
            vec!["--memory-swappiness", "101"],
            "Invalid value: 101, valid memory swappiness range is 0-100",
        ),
        (
            vec!["--cpuset-mems", "7"],
            "Requested memory nodes are not available - requested 7",
        ),
    ] {
        let mut a = vec!["create"];
        a.extend(args.iter().copied());
        a.extend([image.as_str(), "true"]);
        env.run(&a).assert_code(125).assert_stderr_has(msg);
    }
    // Nothing was left behind.
    env.run(["ps", "-aq"]).assert_ok().assert_stdout_eq("");
    // --blkio-weight: docker discards it with a warning where the kernel has no weight file, before
    // its range check; elsewhere the range is checked.
    let weight_file = Path::new("/sys/fs/cgroup/blkio/blkio.weight").exists()
        || Path::new("/sys/fs/cgroup/blkio/blkio.bfq.weight").exists()
        || std::fs::read_to_string("/sys/fs/cgroup/cgroup.controllers")
            .is_ok_and(|c| c.split_whitespace().any(|x| x == "io"));
    if weight_file {
        env.run(["create", "--blkio-weight", "5", &image, "true"])
            .assert_code(125)
            .assert_stderr_has("Range of blkio weight is from 10 to 1000");
    } else {
        let name = unique("blk");
        env.run(["create", "--name", &name, "--blkio-weight", "500", &image, "true"])
            .assert_ok()
            .assert_stderr_has("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
        assert_eq!(inspect(&env, &name, "{{.HostConfig.BlkioWeight}}"), "0");
    }
    // --kernel-memory: accepted with docker's deprecation warning.
    env.run(["create", "--kernel-memory", "64m", &image, "true"])
        .assert_ok()
        .assert_stderr_has("Specifying a kernel memory limit is deprecated");
}

#[test]
fn volumes_from_mounts_the_sources_volumes_and_binds() {
    let (env, image) = busybox_world();
    env.write_file("host/f", "bound\n");
    let host = env.dir().join("host");
    let src = unique("vfsrc");
    env.run([
        "create",
        "--name",
        &src,
        "-v",
        "/anon",
        "-v",
        &format!("{}:/h", host.display()),
        &image,
        "true",
    ])
    .assert_ok();
    // Written through a first reader, seen by a second: the same volume, not a copy.
    env.run([
        "run",
        "--rm",
        "--volumes-from",
        &src,
        &image,
        "sh",
        "-c",
        "echo shared > /anon/x && cat /h/f",
    ])
    .assert_ok()
    .assert_stdout_eq("bound\n");
    let reader = unique("vfro");
    let out = env.run([
        "run",
        "--name",
        &reader,
        "--volumes-from",
        &format!("{src}:ro"),
        &image,
        "sh",
        "-c",
        "cat /anon/x; touch /anon/y 2>/dev/null && echo writable || echo read-only",
    ]);
    out.assert_ok().assert_stdout_eq("shared\nread-only\n");
    assert_eq!(
        inspect(&env, &reader, "{{json .HostConfig.VolumesFrom}}"),
        format!("[\"{src}:ro\"]")
    );
    env.run([
        "run",
        "--rm",
        "--volumes-from",
        "no-such-ctr",
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has("No such container: no-such-ctr");
}

#[test]
fn run_attach_shows_only_the_named_streams() {
    let (env, image) = busybox_world();
    let script = "echo to-out; echo to-err >&2";
    let out = env.run(["run", "--rm", "-a", "stderr", &image, "sh", "-c", script]);
    out.assert_ok().assert_stdout_eq("");
    out.assert_stderr_has("to-err");
    let out = env.run(["run", "--rm", "-a", "STDOUT", &image, "sh", "-c", script]);
    out.assert_ok().assert_stdout_eq("to-out\n");
    assert!(!out.stderr().contains("to-err"), "{}", out.stderr());
    env.run(["run", "--rm", "-d", "-a", "stdout", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("Conflicting options: -a and -d");
    env.run(["run", "--rm", "-a", "stdpipe", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("valid streams are STDIN, STDOUT and STDERR");
    env.run(["run", "--rm", "--detach-keys", "ctrl-1", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("Unknown character: 'ctrl-1'");
    // start -a and attach take the flag too.
    let name = unique("dk");
    env.run(["create", "--name", &name, &image, "echo", "started"])
        .assert_ok();
    env.run(["start", "-a", "--detach-keys", "ctrl-@,ctrl-z", &name])
        .assert_ok()
        .assert_stdout_eq("started\n");
    env.run(["start", "-a", "--detach-keys", "ctrl-", &name])
        .assert_failed()
        .assert_stderr_has("Unknown character: 'ctrl-'");
    env.run(["attach", "--detach-keys", "ctrl-", &name])
        .assert_failed()
        .assert_stderr_has("Unknown character: 'ctrl-'");
}

#[test]
fn device_flags_create_the_node_and_allow_it_in_the_cgroup() {
    let (env, image) = busybox_world();
    // /dev/fuse (10:229) is not among docker's default device rules: opening it needs --device or a
    // --device-cgroup-rule.
    assert!(Path::new("/dev/fuse").exists(), "the test needs /dev/fuse");
    let name = unique("dev");
    env.run([
        "run",
        "--name",
        &name,
        "--device",
        "/dev/fuse:/dev/myfuse:rw",
        &image,
        "sh",
        "-c",
        "stat -c '%t:%T' /dev/myfuse; exec 3<>/dev/myfuse && echo opened",
    ])
    .assert_ok()
    .assert_stdout_eq("a:e5\nopened\n");
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{range .HostConfig.Devices}}{{.PathOnHost}} {{.PathInContainer}} {{.CgroupPermissions}}{{end}}"
        ),
        "/dev/fuse /dev/myfuse rw"
    );
    let open = "mknod /dev/f c 10 229 && exec 3<>/dev/f && echo opened";
    env.run([
        "run",
        "--rm",
        "--device-cgroup-rule",
        "c 10:229 rwm",
        &image,
        "sh",
        "-c",
        open,
    ])
    .assert_ok()
    .assert_stdout_eq("opened\n");
    let denied = env.run(["run", "--rm", &image, "sh", "-c", open]);
    denied.assert_code(1).assert_stdout_eq("");
    denied.assert_stderr_has("Operation not permitted");
    env.run(["run", "--rm", "--device", "/dev/no-such-dev", &image, "true"])
        .assert_code(125)
        .assert_stderr_has(
            "error gathering device information while adding custom device \"/dev/no-such-dev\": no such file or directory",
        );
    env.run([
        "run",
        "--rm",
        "--device-cgroup-rule",
        "x 1:2 rwm",
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has("invalid device cgroup format 'x 1:2 rwm'");
}

#[test]
fn rootless_device_is_the_hosts_node_bound_at_its_path() {
    let (env, image) = TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX);
    env.run([
        "run",
        "--rm",
        "--device",
        "/dev/fuse",
        &image,
        "sh",
        "-c",
        "exec 3<>/dev/fuse && echo opened",
    ])
    .assert_ok()
    .assert_stdout_eq("opened\n");
    env.run(["run", "--rm", "--device", "/dev/fuse:/dev/other", &image, "true"])
        .assert_code(125)
        .assert_stderr_has(
            "rootless containers get host devices bound at the same path: /dev/fuse cannot appear as /dev/other",
        );
}

#[test]
fn network_create_takes_dockers_ipam_and_bridge_options() {
    let (env, image) = busybox_world();
    let b = 100 + std::process::id() % 50;
    let subnet = format!("10.{b}.7.0/24");
    let net = unique("ipr");
    let bridge = format!("brp{}", std::process::id() % 100_000);
    env.run([
        "network",
        "create",
        "--subnet",
        &subnet,
        "--ip-range",
        &format!("10.{b}.7.128/28"),
        "--aux-address",
        &format!("router=10.{b}.7.128"),
        "--attachable",
        "-o",
        &format!("com.docker.network.bridge.name={bridge}"),
        &net,
    ])
    .assert_ok();
    // The first address of the range is reserved by --aux-address: the container gets the next one,
    // on the named bridge.
    let name = unique("iprc");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--network",
        &net,
        &image,
        "sleep",
        "1000",
    ])
    .assert_ok();
    assert_eq!(
        inspect(
            &env,
            &name,
            &format!("{{{{(index .NetworkSettings.Networks \"{net}\").IPAddress}}}}")
        ),
        format!("10.{b}.7.129")
    );
    assert!(Path::new("/sys/class/net").join(&bridge).exists());
    let out = env.run([
        "network",
        "inspect",
        "-f",
        "{{.Attachable}} {{range .IPAM.Config}}{{.IPRange}} {{.AuxiliaryAddresses}}{{end}}",
        &net,
    ]);
    out.assert_ok()
        .assert_stdout_eq(&format!("true 10.{b}.7.128/28 map[router:10.{b}.7.128]\n"));
    env.run(["rm", "-f", &name]).assert_ok();
    env.run(["network", "rm", &net]).assert_ok();
    env.run(["network", "create", "--ipv6", &unique("v6")])
        .assert_code(1)
        .assert_stderr_has("--ipv6: berth's bridge networks are IPv4 only");
    env.run([
        "network",
        "create",
        "--subnet",
        &subnet,
        "--ip-range",
        "192.168.77.0/28",
        &unique("bad"),
    ])
    .assert_code(1)
    .assert_stderr_has("no matching subnet for range 192.168.77.0/28");
    env.run([
        "network",
        "create",
        "--ip-range",
        "10.1.0.0/28",
        &unique("bad"),
    ])
    .assert_code(1)
    .assert_stderr_has("every ip-range or gateway must have a corresponding subnet");
}

#[test]
fn volume_create_options_mount_a_tmpfs_or_a_bound_directory() {
    let (env, image) = busybox_world();
    let tmp = unique("tmpvol");
    env.run([
        "volume",
        "create",
        "-o",
        "type=tmpfs",
        "-o",
        "device=tmpfs",
        "-o",
        "o=size=10m",
        &tmp,
    ])
    .assert_ok()
    .assert_stdout_eq(&format!("{tmp}\n"));
    assert_eq!(
        env.run(["volume", "inspect", "-f", "{{json .Options}}", &tmp])
            .assert_ok()
            .stdout()
            .trim(),
        r#"{"device":"tmpfs","o":"size=10m","type":"tmpfs"}"#
    );
    // A tmpfs of 10 MiB at the target (df's 1K-blocks).
    env.run([
        "run",
        "--rm",
        "-v",
        &format!("{tmp}:/t"),
        &image,
        "sh",
        "-c",
        "grep ' /t ' /proc/mounts | cut -d' ' -f1,3; df -k /t | tail -1 | awk '{print $2}'",
    ])
    .assert_ok()
    .assert_stdout_eq("tmpfs tmpfs\n10240\n");
    // type=none,o=bind: the device directory itself, written through.
    let dir = env.dir().join("bound");
    std::fs::create_dir_all(&dir).unwrap();
    let bind = unique("bindvol");
    env.run([
        "volume",
        "create",
        "-o",
        "type=none",
        "-o",
        "o=bind",
        "-o",
        &format!("device={}", dir.display()),
        &bind,
    ])
    .assert_ok();
    let name = unique("bindc");
    env.run([
        "run",
        "--name",
        &name,
        "--mount",
        &format!("source={bind},target=/b"),
        &image,
        "sh",
        "-c",
        "echo via-volume > /b/f",
    ])
    .assert_ok();
    assert_eq!(
        std::fs::read_to_string(dir.join("f")).unwrap(),
        "via-volume\n"
    );
    // In use: not removable.
    env.run(["volume", "rm", &bind])
        .assert_code(1)
        .assert_stderr_has("volume is in use");
    env.run(["volume", "create", "-o", "o=size=1m", &unique("v")])
        .assert_code(1)
        .assert_stderr_has("missing required option: \"type\"");
    env.run(["volume", "create", "-o", "colour=red", &unique("v")])
        .assert_code(1)
        .assert_stderr_has("invalid option: \"colour\"");
    let gone = unique("gone");
    env.run([
        "volume",
        "create",
        "-o",
        "type=none",
        "-o",
        "o=bind",
        "-o",
        "device=/no/such/dir",
        &gone,
    ])
    .assert_ok();
    env.run(["run", "--rm", "-v", &format!("{gone}:/g"), &image, "true"])
        .assert_code(125)
        .assert_stderr_has("failed to mount local volume: mount /no/such/dir:");
}

#[test]
fn device_throttles_reach_the_blkio_cgroup() {
    let (env, image) = busybox_world();
    let v2 = Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    let name = unique("thr");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--device-read-bps",
        "/dev/loop0:1mb",
        "--device-write-iops",
        "/dev/loop0:100",
        &image,
        "sleep",
        "1000",
    ])
    .assert_ok();
    let id = inspect(&env, &name, "{{.Id}}");
    let rel = format!("berth/{id}");
    if v2 {
        assert_eq!(
            cg("", &rel, "io.max"),
            "7:0 rbps=1048576 wbps=max riops=max wiops=100"
        );
    } else {
        assert_eq!(
            cg("blkio", &rel, "blkio.throttle.read_bps_device"),
            "7:0 1048576"
        );
        assert_eq!(
            cg("blkio", &rel, "blkio.throttle.write_iops_device"),
            "7:0 100"
        );
    }
    assert_eq!(
        inspect(
            &env,
            &name,
            "{{json .HostConfig.BlkioDeviceReadBps}} {{json .HostConfig.BlkioDeviceWriteIOps}}"
        ),
        r#"[{"Path":"/dev/loop0","Rate":1048576}] [{"Path":"/dev/loop0","Rate":100}]"#
    );
    // `update` keeps them in the spec the next start applies.
    env.run(["update", "--cpu-shares", "256", &name])
        .assert_ok();
    env.run(["restart", &name]).assert_ok();
    if !v2 {
        assert_eq!(
            cg("blkio", &rel, "blkio.throttle.read_bps_device"),
            "7:0 1048576"
        );
    }
    env.run(["rm", "-f", &name]).assert_ok();
    assert!(eventually(10, || !cgroup_dir("blkio", &rel).exists()));
    env.run(["run", "--rm", "--device-read-bps", "/dev/loop0:fast", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("invalid rate for device: /dev/loop0:fast. The correct format is <device-path>:<number>[<unit>]");
    env.run([
        "run",
        "--rm",
        "--device-write-bps",
        "loop0:1mb",
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has("bad format for device path: loop0:1mb");
    env.run([
        "run",
        "--rm",
        "--device-read-iops",
        "/dev/no-such:5",
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has("stat /dev/no-such: no such file or directory");
}

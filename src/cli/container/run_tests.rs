//! Unit tests of `run`/`create`'s flag parsing (cli::container::run and parse).

use super::*;
use crate::cli::container::Verb;
use crate::types::{MountKind, NsMode};
use clap::Parser;

#[derive(Parser)]
struct T {
    #[command(subcommand)]
    v: Verb,
}

fn run_flags(args: &[&str]) -> CreateFlags {
    let mut argv = vec!["t", "run"];
    argv.extend_from_slice(args);
    match T::try_parse_from(argv).unwrap().v {
        Verb::Run(r) => r.flags.clone(),
        _ => unreachable!("parsed run"),
    }
}

/// docker/cli's health flags: `--health-cmd` is CMD-SHELL, Go durations in nanoseconds, nothing
/// set leaves the image's, `--no-healthcheck` is `["NONE"]`.
#[test]
fn health_flags_become_dockers_healthcheck() {
    let hc = |args: &[&str]| {
        let mut a = args.to_vec();
        a.push("busybox");
        run_options(&run_flags(&a)).map(|(_, o)| o.healthcheck)
    };
    assert_eq!(hc(&[]).unwrap(), None);
    let h = hc(&["--health-cmd", "curl -f x", "--health-interval", "1m30s"])
        .unwrap()
        .unwrap();
    assert_eq!(h.test, vec!["CMD-SHELL", "curl -f x"]);
    assert_eq!(h.interval, 90_000_000_000);
    assert_eq!((h.timeout, h.retries), (0, 0));
    let h = hc(&["--health-start-interval", "1.5s", "--health-retries", "4"])
        .unwrap()
        .unwrap();
    assert!(h.test.is_empty());
    assert_eq!((h.start_interval, h.retries), (1_500_000_000, 4));
    assert_eq!(
        hc(&["--no-healthcheck"]).unwrap().unwrap().test,
        vec!["NONE"]
    );
    let err = |args: &[&str]| format!("{:#}", hc(args).unwrap_err());
    assert_eq!(
        err(&["--no-healthcheck", "--health-cmd", "true"]),
        "--no-healthcheck conflicts with --health-* options"
    );
    assert_eq!(
        err(&["--health-interval", "-5s"]),
        "--health-interval cannot be negative"
    );
    assert_eq!(
        err(&["--health-timeout", "10us"]),
        "Timeout in Healthcheck cannot be less than 1ms"
    );
}

#[test]
fn flags_after_the_image_belong_to_the_command() {
    let f = run_flags(&["--rm", "-e", "A=1", "busybox", "sh", "-c", "echo --rm -d"]);
    assert!(f.rm);
    assert_eq!(f.image_and_cmd, vec!["busybox", "sh", "-c", "echo --rm -d"]);
    let (img, o) = run_options(&f).unwrap();
    assert_eq!(img, "busybox");
    assert_eq!(o.cmd, vec!["sh", "-c", "echo --rm -d"]);
    assert_eq!(o.env, vec!["A=1"]);
    assert!(o.auto_remove);
}

#[test]
fn docker_short_flags_parse_into_typed_options() {
    let f = run_flags(&[
        "-h",
        "box",
        "-m",
        "64m",
        "--pids-limit",
        "10",
        "-u",
        "1000:1000",
        "-w",
        "/data",
        "-v",
        "/srv:/data:ro",
        "-v",
        "cache:/cache",
        "-v",
        "/anon",
        "--tmpfs",
        "/run:size=1m",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--ulimit",
        "nofile=10:20",
        "--label",
        "tier=web",
        "busybox",
    ]);
    let (_, o) = run_options(&f).unwrap();
    assert_eq!(o.hostname.as_deref(), Some("box"));
    assert_eq!(o.resources.memory, Some(64 << 20));
    assert_eq!(o.resources.pids_limit, Some(10));
    assert_eq!(o.user.as_deref(), Some("1000:1000"));
    assert!(o.no_new_privileges);
    assert_eq!(
        o.ulimits,
        vec![Ulimit {
            name: "nofile".into(),
            soft: 10,
            hard: 20
        }]
    );
    assert_eq!(o.labels.get("tier").map(String::as_str), Some("web"));
    let kinds: Vec<_> = o
        .mounts
        .iter()
        .map(|m| (m.kind.clone(), m.source.as_str(), m.readonly))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (MountKind::Bind, "/srv", true),
            (MountKind::Volume, "cache", false),
            (MountKind::Volume, "", false),
            (MountKind::Tmpfs, "", false)
        ]
    );
}

#[test]
fn expose_takes_ports_ranges_and_protocols_as_docker() {
    assert_eq!(parse_expose("80").unwrap(), vec!["80/tcp"]);
    assert_eq!(parse_expose("53-54/UDP").unwrap(), vec!["53/udp", "54/udp"]);
    crate::testing::assert_err(
        parse_expose("9-8"),
        "invalid range format for --expose: 9-8",
    );
    let f = run_flags(&["--pid", "container:db", "--ipc", "shareable", "busybox"]);
    let ns = run_options(&f).unwrap().1.namespaces;
    assert_eq!(ns.pid, NsMode::Container("db".into()));
    assert_eq!(ns.ipc, NsMode::Shareable);
    assert_eq!(ns.uts, NsMode::Default);
}

#[test]
fn relative_sources_devices_logs_and_throttles_parse_as_docker() {
    let cwd = std::env::current_dir().unwrap();
    let v = parse_volume("./d/../e:/x").unwrap();
    assert_eq!(v.kind, MountKind::Bind);
    assert_eq!(v.source, cwd.join("e").display().to_string());
    assert_eq!(
        parse_volume("..:/x").unwrap().source,
        cwd.parent().unwrap().display().to_string()
    );
    assert_eq!(parse_volume("name:/x").unwrap().kind, MountKind::Volume);
    let d = parse_device("/dev/fuse:rw").unwrap();
    assert_eq!(
        (d.path_in_container.as_str(), d.permissions.as_str()),
        ("/dev/fuse", "rw")
    );
    let d = parse_device("/dev/a:/dev/b").unwrap();
    assert_eq!(
        (d.path_in_container.as_str(), d.permissions.as_str()),
        ("/dev/b", "rwm")
    );
    crate::testing::assert_err(parse_device("/dev/a:/dev/b:rx"), "invalid device mode: rx");
    crate::testing::assert_err(
        parse_device("a:b:c:d"),
        "invalid device specification: a:b:c:d",
    );
    crate::testing::assert_err(parse_device("/dev/a:b"), "b is not an absolute path");
    assert!(parse_device_cgroup_rule("c *:* rwm").is_ok());
    crate::testing::assert_err(
        parse_device_cgroup_rule("c 1 rwm"),
        "invalid device cgroup format 'c 1 rwm'",
    );
    let o = run_options(&run_flags(&[
        "--log-driver",
        "local",
        "--device-read-bps",
        "/dev/sda:1mb",
        "busybox",
    ]))
    .unwrap()
    .1;
    assert_eq!((o.log.max_size, o.log.max_file), (Some(20 << 20), 5));
    assert_eq!(o.resources.throttles.read_bps[0].rate, 1 << 20);
    let o = run_options(&run_flags(&["--log-opt", "max-size=1k", "busybox"]))
        .unwrap()
        .1;
    assert_eq!((o.log.max_size, o.log.max_file), (Some(1024), 1));
    // No flag: nothing recorded (container.json and the monitor's path stay as before).
    assert!(
        run_options(&run_flags(&["busybox"]))
            .unwrap()
            .1
            .log
            .is_default()
    );
    crate::testing::assert_err(
        run_options(&run_flags(&[
            "--log-driver",
            "none",
            "--log-opt",
            "max-size=1k",
            "busybox",
        ])),
        "invalid logging opts for driver none",
    );
}

#[test]
fn bad_volume_and_memory_specs_are_rejected() {
    crate::testing::assert_err(
        parse_volume("a:b:c:d"),
        "invalid volume specification: 'a:b:c:d'",
    );
    crate::testing::assert_err(parse_volume("/x:rel"), "mount path must be absolute");
    crate::testing::assert_err(
        run_options(&run_flags(&["-m", "1k", "busybox"])),
        "Minimum memory limit allowed is 6MB",
    );
    crate::testing::assert_err(
        parse_mount("type=nope,target=/x"),
        "invalid mount type \"nope\"",
    );
    assert_eq!(
        parse_mount("type=tmpfs,target=/t,tmpfs-size=1m")
            .unwrap()
            .options,
        vec!["size=1048576"]
    );
}

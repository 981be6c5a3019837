//! Integration tests: the rest of the flags a docker script passes (issue 13): `--userns` (host, and
//! podman's keep-id rootless), `--link`, `--ipc` sharing, `exec --detach-keys`, usage errors, and the
//! namespace flags rootless. Root-run tests create namespaces and mounts; rootless ones run as
//! `berthtest` (tests/support/rootless.rs).

use crate::support::{TestEnv, busybox_world, unique};
use std::os::unix::fs::MetadataExt;

#[test]
fn userns_host_is_accepted_and_keep_id_is_rootless_only() {
    let (env, image) = busybox_world();
    let name = unique("unsh");
    env.run(["run", "--name", &name, "--userns=host", &image, "true"])
        .assert_ok();
    env.run(["inspect", "-f", "{{.HostConfig.UsernsMode}}", &name])
        .assert_ok()
        .assert_stdout_eq("host\n");
    env.run(["run", "--rm", "--userns=keep-id", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("keep-id is only supported in rootless mode");
    env.run(["run", "--rm", "--userns=auto", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("--userns: invalid USER mode");
}

#[test]
fn rootless_keep_id_runs_as_the_callers_own_ids() {
    let (env, image) = TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX);
    let owner = std::fs::metadata(env.dir()).unwrap();
    let (uid, gid) = (owner.uid(), owner.gid());
    std::fs::create_dir(env.dir().join("out")).unwrap();
    std::os::unix::fs::chown(env.dir().join("out"), Some(uid), Some(gid)).unwrap();
    let out = env.dir().join("out");
    let name = unique("keep");
    env.run([
        "run",
        "--name",
        &name,
        "--userns=keep-id",
        "-v",
        &format!("{}:/out", out.display()),
        &image,
        "sh",
        "-c",
        "id -u; id -g; touch /out/made",
    ])
    .assert_ok()
    .assert_stdout_eq(&format!("{uid}\n{gid}\n"));
    // The file the container's user made is the caller's own on the host.
    let made = std::fs::metadata(out.join("made")).unwrap();
    assert_eq!((made.uid(), made.gid()), (uid, gid));
    env.run(["inspect", "-f", "{{.HostConfig.UsernsMode}}", &name])
        .assert_ok()
        .assert_stdout_eq("keep-id\n");
    // `--user` still wins, as podman's.
    env.run([
        "run",
        "--rm",
        "--userns=keep-id",
        "-u",
        "0",
        &image,
        "id",
        "-u",
    ])
    .assert_ok()
    .assert_stdout_eq("0\n");
}

#[test]
fn link_puts_the_linked_container_in_etc_hosts_on_the_default_bridge() {
    let (env, image) = busybox_world();
    let db = unique("lkdb");
    env.run(["run", "-d", "--name", &db, &image, "sleep", "300"])
        .assert_ok();
    let ip = env
        .run(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", &db])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    assert!(!ip.is_empty(), "the linked container has an address");
    let id = env
        .run(["inspect", "-f", "{{.Id}}", &db])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let line = format!("{ip}\tdatabase {} {db}", &id[..12]);
    let hosts = env
        .run([
            "run",
            "--rm",
            "--link",
            &format!("{db}:database"),
            &image,
            "cat",
            "/etc/hosts",
        ])
        .assert_ok()
        .stdout()
        .to_string();
    assert!(hosts.lines().any(|l| l == line), "{line:?} in:\n{hosts}");
    // Without an alias the name is the alias.
    env.run([
        "run", "--rm", "--link", &db, &image, "ping", "-c", "1", "-W", "5", &db,
    ])
    .assert_ok();
    env.run(["run", "--rm", "--link", "nosuchctr:x", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("could not get container for nosuchctr");
    let linked = unique("lkc");
    env.run([
        "create",
        "--name",
        &linked,
        "--link",
        &format!("{db}:database"),
        &image,
        "true",
    ])
    .assert_ok();
    env.run(["inspect", "-f", "{{json .HostConfig.Links}}", &linked])
        .assert_ok()
        .assert_stdout_eq(&format!("[\"/{db}:/{linked}/database\"]\n"));
    env.run(["rm", &linked]).assert_ok();
    env.run(["stop", "-t", "0", &db]).assert_ok();
    let web = unique("lkweb");
    env.run([
        "run",
        "--name",
        &web,
        "--link",
        &format!("{db}:database"),
        &image,
        "true",
    ])
    .assert_code(125)
    .assert_stderr_has(&format!(
        "Cannot link to a non running container: /{db} AS /{web}/database"
    ));
    env.run(["rm", "-f", &db, &web]).assert_ok();
}

#[test]
fn mounts_mode_is_what_v_wrote_and_empty_for_mount() {
    let (env, image) = busybox_world();
    let host = env.dir().join("h");
    std::fs::create_dir(&host).unwrap();
    let h = host.display().to_string();
    let vol = unique("mvol");
    let name = unique("mmode");
    env.run([
        "create",
        "--name",
        &name,
        "--ipc",
        "shareable",
        "-v",
        &format!("{vol}:/a"),
        "-v",
        &format!("{h}:/b:ro"),
        "-v",
        &format!("{h}:/c"),
        "-v",
        &format!("{h}:/d:z"),
        "--mount",
        &format!("type=bind,source={h},target=/e,readonly"),
        "--mount",
        &format!("type=volume,source={vol},target=/f"),
        &image,
        "true",
    ])
    .assert_ok();
    env.run([
        "inspect",
        "-f",
        "{{.HostConfig.IpcMode}}{{range .Mounts}} {{.Destination}}={{.Mode}},{{.RW}}{{end}}",
        &name,
    ])
    .assert_ok()
    .assert_stdout_eq("shareable /a=z,true /b=ro,false /c=,true /d=z,true /e=,false /f=,true\n");
    env.run(["rm", &name]).assert_ok();
    env.run(["volume", "rm", &vol]).assert_ok();
}

#[test]
fn usage_errors_are_dockers_and_suggest_no_other_flag() {
    let (env, _image) = busybox_world();
    let r = env.run(["run"]);
    r.assert_code(125);
    assert_eq!(
        r.stderr(),
        "berth: 'run' requires at least 1 argument.\nSee 'berth run --help'.\n"
    );
    // clap would suggest the global `--root` for this one.
    let r = env.run(["run", "--foo", "x"]);
    r.assert_code(125);
    assert_eq!(r.stderr(), "unknown flag: --foo\nSee 'berth run --help'.\n");
    let r = env.run(["ps", "-Z"]);
    r.assert_code(125);
    assert_eq!(
        r.stderr(),
        "unknown shorthand flag: 'Z' in -Z\nSee 'berth ps --help'.\n"
    );
    let r = env.run(["ps", "extra"]);
    r.assert_code(125);
    assert_eq!(
        r.stderr(),
        "\"berth ps\" accepts no arguments.\nSee 'berth ps --help'.\n"
    );
}

#[test]
fn exec_detach_keys_leave_the_process_running() {
    let (env, image) = busybox_world();
    let name = unique("exdk");
    env.run(["run", "-d", "--name", &name, &image, "sleep", "300"])
        .assert_ok();
    env.run_with_stdin(
        [
            "exec",
            "-i",
            "-t",
            "--detach-keys",
            "ctrl-x,y",
            &name,
            "sleep",
            "301",
        ],
        b"\x18y",
    )
    .assert_ok()
    .assert_stderr_has("read escape sequence");
    assert!(
        crate::support::eventually(10, || env
            .run(["top", &name])
            .stdout()
            .contains("sleep 301")),
        "the exec'd process runs on after the detach"
    );
    env.run(["exec", "--detach-keys", "ctrl-1", &name, "true"])
        .assert_failed()
        .assert_stderr_has("Unknown character: 'ctrl-1'");
    env.run(["rm", "-f", &name]).assert_ok();
}

#[test]
fn rootless_namespace_flags_share_the_hosts_where_the_kernel_allows() {
    let (env, image) = TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX);
    for (flag, kind) in [
        ("--pid", "pid"),
        ("--ipc", "ipc"),
        ("--uts", "uts"),
        ("--network", "net"),
    ] {
        let host = std::fs::read_link(format!("/proc/self/ns/{kind}")).unwrap();
        env.run([
            "run",
            "--rm",
            flag,
            "host",
            &image,
            "readlink",
            &format!("/proc/self/ns/{kind}"),
        ])
        .assert_ok()
        .assert_stdout_eq(&format!("{}\n", host.display()));
    }
    // The host's /proc, bound rootless, keeps the masked paths masked (docs/security.md).
    env.run([
        "run",
        "--rm",
        "--pid",
        "host",
        &image,
        "sh",
        "-c",
        "test -c /proc/keys && echo masked",
    ])
    .assert_ok()
    .assert_stdout_eq("masked\n");
}

fn shares_shm(env: &TestEnv, image: &str) {
    let donor = unique("shmd");
    env.run([
        "run",
        "-d",
        "--name",
        &donor,
        "--ipc",
        "shareable",
        image,
        "sleep",
        "300",
    ])
    .assert_ok();
    env.run(["exec", &donor, "sh", "-c", "echo hi > /dev/shm/x"])
        .assert_ok();
    env.run([
        "run",
        "--rm",
        "--ipc",
        &format!("container:{donor}"),
        image,
        "sh",
        "-c",
        "cat /dev/shm/x && echo back > /dev/shm/y",
    ])
    .assert_ok()
    .assert_stdout_eq("hi\n");
    env.run(["exec", &donor, "cat", "/dev/shm/y"])
        .assert_ok()
        .assert_stdout_eq("back\n");
    env.run(["rm", "-f", &donor]).assert_ok();
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let dir = env.dir().display().to_string();
    assert!(
        !mounts.lines().any(|l| l.contains(&dir)),
        "nothing of the world stays mounted:\n{mounts}"
    );
}

#[test]
fn ipc_container_shares_the_donors_dev_shm() {
    let (env, image) = busybox_world();
    shares_shm(&env, &image);
    // A private IPC namespace cannot be joined, in docker's words.
    let private = unique("shmp");
    env.run(["run", "-d", "--name", &private, &image, "sleep", "300"])
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
    .assert_stderr_has("non-shareable IPC");
    env.run(["rm", "-f", &private]).assert_ok();
}

#[test]
fn rootless_ipc_container_shares_the_donors_dev_shm() {
    let (env, image) = TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX);
    shares_shm(&env, &image);
}

#[test]
fn short_l_sets_a_label_on_run_and_create() {
    let (env, image) = busybox_world();
    let name = unique("lbl");
    env.run([
        "create", "--name", &name, "-l", "team=x", "-l", "tier=db", &image, "true",
    ])
    .assert_ok();
    let out = env.run([
        "inspect",
        "-f",
        "{{index .Config.Labels \"team\"}} {{index .Config.Labels \"tier\"}}",
        &name,
    ]);
    out.assert_ok();
    assert_eq!(out.stdout(), "x db\n");
    env.run(["rm", &name]).assert_ok();
}

//! Integration tests: flags a docker script passes (issue 13): `exec --env-file` and `exec -t`'s TERM,
//! `cp` with `-` (tar on stdin or stdout), `-a`, `-L`, `-q`, `ps -l` and `ps --filter`
//! before/since/network/volume/publish/expose, `volume ls --filter`.
//! Root only: they create namespaces, mounts and cgroups (CI runs as root).

use crate::support::{TestEnv, busybox_world, unique};

fn names(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut a = vec!["ps", "-a", "--format", "{{.Names}}"];
    a.extend_from_slice(args);
    let out = env.run(a);
    out.assert_ok();
    out.stdout().lines().map(str::to_string).collect()
}

#[test]
fn exec_env_file_and_tty_term_as_docker() {
    let (env, image) = busybox_world();
    let name = unique("ef");
    env.run(["run", "-d", "--name", &name, &image, "sleep", "1000"])
        .assert_ok();
    let file = env.write_file(
        "exec.env",
        "# a comment\n\n  FROM_FILE=one\nPASSED\nOVERRIDDEN=file\n",
    );
    let file = file.to_str().unwrap();
    let out = env
        .berth()
        .env("PASSED", "from-caller")
        .args([
            "exec",
            "--env-file",
            file,
            "-e",
            "OVERRIDDEN=flag",
            &name,
            "env",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(&"FROM_FILE=one"), "{stdout}");
    assert!(lines.contains(&"PASSED=from-caller"), "{stdout}");
    assert!(lines.contains(&"OVERRIDDEN=flag"), "{stdout}");
    assert!(!stdout.contains("a comment"), "{stdout}");
    // A name with whitespace is docker's error.
    let bad = env.write_file("bad.env", "A B=1\n");
    let out = env.run(["exec", "--env-file", bad.to_str().unwrap(), &name, "true"]);
    out.assert_failed();
    assert!(
        out.stderr().contains("contains whitespaces"),
        "{}",
        out.stderr()
    );
    // `-t` gives TERM=xterm when nothing set one; `-e TERM=` wins.
    let out = env.run(["exec", "-t", &name, "sh", "-c", "echo T=$TERM"]);
    out.assert_ok();
    assert!(out.stdout().contains("T=xterm"), "{}", out.stdout());
    let out = env.run([
        "exec",
        "-t",
        "-e",
        "TERM=vt100",
        &name,
        "sh",
        "-c",
        "echo T=$TERM",
    ]);
    assert!(out.stdout().contains("T=vt100"), "{}", out.stdout());
    let out = env.run(["exec", &name, "sh", "-c", "echo T=$TERM"]);
    assert_eq!(out.stdout().trim(), "T=", "no TERM without -t");
    env.run(["rm", "-f", &name]).assert_ok();
}

#[test]
fn ps_latest_and_filters_as_docker() {
    let (env, image) = busybox_world();
    let (a, b, c) = (unique("pa"), unique("pb"), unique("pc"));
    let vol = unique("pv");
    env.run([
        "create",
        "--name",
        &a,
        "-v",
        &format!("{vol}:/data"),
        &image,
        "true",
    ])
    .assert_ok();
    env.run(["create", "--name", &b, "-p", "8080:80", &image, "true"])
        .assert_ok();
    env.run(["create", "--name", &c, "--network", "none", &image, "true"])
        .assert_ok();
    assert_eq!(names(&env, &["-l"]), [c.as_str()]);
    assert_eq!(
        names(&env, &["--filter", &format!("before={c}")]),
        [b.as_str(), a.as_str()]
    );
    assert_eq!(
        names(&env, &["--filter", &format!("since={a}")]),
        [c.as_str(), b.as_str()]
    );
    assert_eq!(
        names(
            &env,
            &[
                "--filter",
                &format!("since={a}"),
                "--filter",
                &format!("before={c}")
            ]
        ),
        [b.as_str()]
    );
    assert_eq!(names(&env, &["--filter", "network=none"]), [c.as_str()]);
    let net = unique("pn");
    let id = env
        .run(["network", "create", &net])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let d = unique("pd");
    env.run(["create", "--name", &d, "--network", &net, &image, "true"])
        .assert_ok();
    assert_eq!(
        names(&env, &["--filter", &format!("network={net}")]),
        [d.as_str()]
    );
    assert_eq!(
        names(&env, &["--filter", &format!("network={id}")]),
        [d.as_str()]
    );
    env.run(["rm", &d]).assert_ok();
    assert_eq!(
        names(&env, &["--filter", &format!("volume={vol}")]),
        [a.as_str()]
    );
    assert_eq!(names(&env, &["--filter", "volume=/data"]), [a.as_str()]);
    assert_eq!(names(&env, &["--filter", "publish=80"]), [b.as_str()]);
    assert_eq!(names(&env, &["--filter", "publish=80/tcp"]), [b.as_str()]);
    assert!(names(&env, &["--filter", "publish=80/udp"]).is_empty());
    assert_eq!(names(&env, &["--filter", "expose=70-90"]), [b.as_str()]);
    let e = unique("pe");
    env.run([
        "create", "--name", &e, "--expose", "9090/udp", &image, "true",
    ])
    .assert_ok();
    assert_eq!(names(&env, &["--filter", "expose=9090/udp"]), [e.as_str()]);
    assert!(names(&env, &["--filter", "expose=9090"]).is_empty());
    env.run(["rm", &e]).assert_ok();
    let out = env.run(["ps", "-a", "--filter", "before=nope-no-such"]);
    out.assert_failed();
    assert!(
        out.stderr().contains("No such container: nope-no-such"),
        "{}",
        out.stderr()
    );
    env.run(["rm", &a, &b, &c]).assert_ok();
}

#[test]
fn volume_ls_filters_as_docker() {
    let (env, image) = busybox_world();
    let (used, free) = (unique("vu"), unique("vf"));
    env.run(["volume", "create", "--label", "tier=db", &used])
        .assert_ok();
    env.run(["volume", "create", &free]).assert_ok();
    let ctr = unique("vc");
    env.run([
        "create",
        "--name",
        &ctr,
        "-v",
        &format!("{used}:/d"),
        &image,
        "true",
    ])
    .assert_ok();
    let ls = |f: &str| -> Vec<String> {
        let out = env.run(["volume", "ls", "-q", "--filter", f]);
        out.assert_ok();
        out.stdout().lines().map(str::to_string).collect()
    };
    assert_eq!(ls("dangling=true"), [free.as_str()]);
    assert_eq!(ls("dangling=false"), [used.as_str()]);
    assert_eq!(ls("label=tier=db"), [used.as_str()]);
    assert_eq!(ls("label=tier"), [used.as_str()]);
    assert_eq!(ls(&format!("name={free}")), [free.as_str()]);
    assert_eq!(ls("driver=local").len(), 2);
    assert!(ls("driver=nfs").is_empty());
    let out = env.run(["volume", "ls", "--filter", "bogus=1"]);
    out.assert_failed();
    env.run(["rm", &ctr]).assert_ok();
}

/// The entries of a tar stream: (path, kind, link target or contents).
/// `berth ARGS` (a `cp` with `-` as the destination): the tar it writes on stdout (the command must succeed).
fn cp_to_stdout(env: &TestEnv, args: &[&str]) -> Vec<u8> {
    let out = env.berth().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn tar_entries(data: &[u8]) -> Vec<(String, char, String)> {
    let mut a = tar::Archive::new(data);
    let mut out = Vec::new();
    for e in a.entries().expect("a tar stream") {
        let mut e = e.expect("a tar entry");
        let path = e.path().unwrap().to_string_lossy().to_string();
        let kind = e.header().entry_type();
        let (k, v) = if kind.is_symlink() {
            let t = e.link_name().unwrap().unwrap();
            ('l', t.to_string_lossy().to_string())
        } else if kind.is_dir() {
            ('d', String::new())
        } else {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).unwrap();
            ('f', s)
        };
        out.push((path, k, v));
    }
    out
}

fn tar_of(entries: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, link, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        if let Some(l) = link {
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, path, l).unwrap();
        } else {
            h.set_size(data.len() as u64);
            // The raw name (no `..` check), as a hostile archive would have it.
            h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
    }
    b.into_inner().unwrap()
}

#[test]
fn cp_tar_streams_as_docker_and_confined() {
    let (env, image) = busybox_world();
    let name = unique("ct");
    env.run(["run", "-d", "--name", &name, &image, "sleep", "1000"])
        .assert_ok();
    env.run([
        "exec",
        &name,
        "sh",
        "-c",
        "mkdir -p /d/sub && echo hi > /d/sub/f && ln -s /etc/passwd /d/l",
    ])
    .assert_ok();
    // `-` as the destination: a tar of the path on stdout, named from its last component.
    let out = cp_to_stdout(&env, &["cp", &format!("{name}:/d"), "-"]);
    let e = tar_entries(&out);
    assert!(e.contains(&("d/sub/f".into(), 'f', "hi\n".into())), "{e:?}");
    assert!(
        e.contains(&("d/l".into(), 'l', "/etc/passwd".into())),
        "{e:?}"
    );
    // `-L` follows the named symlink (inside the container).
    let out = cp_to_stdout(&env, &["cp", "-L", &format!("{name}:/d/l"), "-"]);
    let e = tar_entries(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].0.as_str(), e[0].1), ("l", 'f'));
    assert!(e[0].2.contains("root:"), "{e:?}");

    // `-` as the source: the tar on stdin lands in the directory, a symlink to / stays inside it.
    let good = tar_of(&[
        ("new/hello", None, b"hello\n"),
        ("up", Some("/"), b""),
        ("up/pwned", None, b"x"),
    ]);
    env.run_with_stdin(["cp", "-", &format!("{name}:/d")], &good)
        .assert_ok();
    let cat = env.run(["exec", &name, "cat", "/d/new/hello", "/d/pwned"]);
    assert_eq!(cat.assert_ok().stdout(), "hello\nx");
    env.run(["exec", &name, "test", "!", "-e", "/pwned"])
        .assert_ok();
    // `..` is refused, and nothing lands above the destination.
    let evil = tar_of(&[("../../escaped", None, b"x")]);
    let out = env.run_with_stdin(["cp", "-", &format!("{name}:/d/sub")], &evil);
    out.assert_failed();
    env.run([
        "exec",
        &name,
        "sh",
        "-c",
        "test ! -e /escaped && test ! -e /d/escaped",
    ])
    .assert_ok();
    let out = env.run_with_stdin(["cp", "-", &format!("{name}:/d/sub/f")], &good);
    out.assert_failed();
    assert!(
        out.stderr().contains("must be a directory"),
        "{}",
        out.stderr()
    );
    env.run(["rm", "-f", &name]).assert_ok();

    // A stopped container: both directions go through its mounted rootfs.
    let stopped = unique("cs");
    env.run(["create", "--name", &stopped, &image, "true"])
        .assert_ok();
    env.run_with_stdin(
        ["cp", "-q", "-", &format!("{stopped}:/")],
        &tar_of(&[("st", None, b"ok")]),
    )
    .assert_ok();
    let out = cp_to_stdout(&env, &["cp", &format!("{stopped}:/st"), "-"]);
    assert_eq!(tar_entries(&out), [("st".into(), 'f', "ok".into())]);
    env.run(["rm", &stopped]).assert_ok();
}

#[test]
fn cp_archive_and_follow_link_as_docker() {
    let (env, image) = busybox_world();
    let name = unique("ca");
    env.run(["run", "-d", "--name", &name, &image, "sleep", "1000"])
        .assert_ok();
    let file = env.write_file("owned", "data");
    std::os::unix::fs::chown(&file, Some(1234), Some(5678)).unwrap();
    let link = env.dir().join("link");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let (file, link) = (file.to_str().unwrap(), link.to_str().unwrap());
    let owner = |p: &str| {
        env.run(["exec", &name, "stat", "-c", "%u:%g", p])
            .assert_ok()
            .stdout()
            .trim()
            .to_string()
    };
    env.run(["cp", file, &format!("{name}:/plain")]).assert_ok();
    assert_eq!(owner("/plain"), "0:0", "without -a the copy is root's");
    env.run(["cp", "-a", file, &format!("{name}:/kept")])
        .assert_ok();
    assert_eq!(owner("/kept"), "1234:5678", "-a keeps the source's owners");
    env.run(["cp", link, &format!("{name}:/asis")]).assert_ok();
    env.run(["exec", &name, "test", "-L", "/asis"]).assert_ok();
    env.run(["cp", "-L", link, &format!("{name}:/followed")])
        .assert_ok();
    let out = env.run([
        "exec",
        &name,
        "sh",
        "-c",
        "test ! -L /followed && cat /followed",
    ]);
    assert_eq!(out.assert_ok().stdout(), "data");
    // Out of the container: -a keeps the container file's owners on the host.
    env.run([
        "exec",
        &name,
        "sh",
        "-c",
        "echo x > /o && chown 4321:8765 /o",
    ])
    .assert_ok();
    let dest = env.dir().join("out");
    env.run(["cp", "-a", &format!("{name}:/o"), dest.to_str().unwrap()])
        .assert_ok();
    let md = std::fs::metadata(&dest).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!((md.uid(), md.gid()), (4321, 8765));
    env.run(["rm", "-f", &name]).assert_ok();
}

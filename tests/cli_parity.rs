//! Integration tests: flags a docker script passes (issue 13): `exec --env-file` and `exec -t`'s TERM,
//! `ps -l` and `ps --filter` before/since/network/volume/publish/expose, `volume ls --filter`.
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
    assert_eq!(names(&env, &["-l"]), [c.clone()]);
    assert_eq!(
        names(&env, &["--filter", &format!("before={c}")]),
        [b.clone(), a.clone()]
    );
    assert_eq!(
        names(&env, &["--filter", &format!("since={a}")]),
        [c.clone(), b.clone()]
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
        [b.clone()]
    );
    assert_eq!(names(&env, &["--filter", "network=none"]), [c.clone()]);
    assert_eq!(
        names(&env, &["--filter", &format!("volume={vol}")]),
        [a.clone()]
    );
    assert_eq!(names(&env, &["--filter", "volume=/data"]), [a.clone()]);
    assert_eq!(names(&env, &["--filter", "publish=80"]), [b.clone()]);
    assert_eq!(names(&env, &["--filter", "publish=80/tcp"]), [b.clone()]);
    assert!(names(&env, &["--filter", "publish=80/udp"]).is_empty());
    assert_eq!(names(&env, &["--filter", "expose=70-90"]), [b.clone()]);
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
    assert_eq!(ls("dangling=true"), [free.clone()]);
    assert_eq!(ls("dangling=false"), [used.clone()]);
    assert_eq!(ls("label=tier=db"), [used.clone()]);
    assert_eq!(ls("label=tier"), [used.clone()]);
    assert_eq!(ls(&format!("name={free}")), [free.clone()]);
    assert_eq!(ls("driver=local").len(), 2);
    assert!(ls("driver=nfs").is_empty());
    let out = env.run(["volume", "ls", "--filter", "bogus=1"]);
    out.assert_failed();
    env.run(["rm", &ctr]).assert_ok();
}

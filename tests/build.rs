//! `berth build` end to end: each instruction's effect seen through `run` and `image inspect`, the cache
//! (an unchanged rebuild runs nothing and gives the same image ID; a changed source reruns from its COPY
//! on), failures (BuildKit's message, exit 1, nothing left behind), multi-stage builds, `-q`, `--iidfile`,
//! a Dockerfile on stdin, and a rootless build.

use crate::support::{TestEnv, busybox_world, unique};
use std::fs;
use std::path::{Path, PathBuf};

/// A context dir in the world with `files` (path, content), owned by the world's user.
pub(crate) fn context(env: &TestEnv, files: &[(&str, &str)]) -> PathBuf {
    let name = unique("ctx");
    let mut dir = None;
    for (p, c) in files {
        let f = env.write_file(&format!("{name}/{p}"), c);
        dir.get_or_insert_with(|| {
            let mut d = f.clone();
            for _ in Path::new(p).components() {
                d.pop();
            }
            d
        });
    }
    dir.expect("a context has files")
}

pub(crate) fn inspect(env: &TestEnv, image: &str, format: &str) -> String {
    let out = env.run(["image", "inspect", "--format", format, image]);
    out.assert_ok();
    out.stdout().trim().to_string()
}

pub(crate) fn build(env: &TestEnv, args: &[&str]) -> crate::support::Outcome {
    let mut a = vec!["build", "--progress", "plain"];
    a.extend_from_slice(args);
    env.run(a)
}

#[test]
fn instructions_shape_the_image_and_its_config() {
    let (env, base) = busybox_world();
    let tag = unique("app");
    let dockerfile = format!(
        r#"FROM {base}
ARG GREETING=hello
ENV APP_HOME=/srv/app MODE=prod
WORKDIR $APP_HOME
COPY hello.txt ./
COPY dir/ /data/
COPY --chown=1:2 --chmod=640 hello.txt /owned.txt
RUN echo "$GREETING from $(pwd)" > made.txt && rm /data/gone.txt
LABEL team=core version="1.0"
EXPOSE 8080 53/udp
VOLUME /cache
USER 1000:1000
STOPSIGNAL SIGUSR1
HEALTHCHECK --interval=30s --retries=3 CMD true
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["cat made.txt"]
"#
    );
    let ctx = context(
        &env,
        &[
            ("Dockerfile", &dockerfile),
            ("hello.txt", "hi\n"),
            ("dir/a.txt", "a\n"),
            ("dir/gone.txt", "x\n"),
        ],
    );
    build(
        &env,
        &["-t", &tag, "--label", "extra=yes", ctx.to_str().unwrap()],
    )
    .assert_ok();
    let cfg = |f: &str| inspect(&env, &tag, f);
    assert_eq!(cfg("{{.Config.WorkingDir}}"), "/srv/app");
    assert_eq!(cfg("{{.Config.User}}"), "1000:1000");
    assert_eq!(cfg("{{json .Config.Entrypoint}}"), r#"["/bin/sh","-c"]"#);
    assert_eq!(cfg("{{json .Config.Cmd}}"), r#"["cat made.txt"]"#);
    assert_eq!(cfg("{{.Config.StopSignal}}"), "SIGUSR1");
    assert_eq!(
        cfg("{{json .Config.Labels}}"),
        r#"{"extra":"yes","team":"core","version":"1.0"}"#
    );
    assert_eq!(
        cfg("{{json .Config.ExposedPorts}}"),
        r#"{"53/udp":{},"8080/tcp":{}}"#
    );
    assert_eq!(cfg("{{json .Config.Volumes}}"), r#"{"/cache":{}}"#);
    assert!(cfg("{{json .Config.Env}}").contains(r#""APP_HOME=/srv/app","MODE=prod""#));
    assert!(
        !cfg("{{json .Config.Env}}").contains("GREETING"),
        "ARG persisted"
    );
    assert_eq!(
        cfg("{{json .Config.Healthcheck}}"),
        r#"{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Retries":3}"#
    );
    let run = env.run(["run", "--rm", &tag]);
    run.assert_ok();
    assert_eq!(run.stdout(), "hello from /srv/app\n");
    let run = env.run([
        "run",
        "--rm",
        "--user",
        "0",
        "--entrypoint",
        "sh",
        &tag,
        "-c",
        "cat hello.txt /data/a.txt; ls /data; stat -c '%u:%g %a' /owned.txt hello.txt",
    ]);
    run.assert_ok();
    assert_eq!(run.stdout(), "hi\na\na.txt\n1:2 640\n0:0 644\n");
    // The history as BuildKit writes it, read from the stored config blob.
    let id = cfg("{{.Id}}");
    let blob = env
        .root()
        .join("blobs/sha256")
        .join(id.trim_start_matches("sha256:"));
    let config: serde_json::Value = serde_json::from_slice(&fs::read(&blob).unwrap()).unwrap();
    let history: Vec<(String, bool)> = config["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["created_by"].as_str().unwrap_or_default().to_string(),
                h["empty_layer"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    let ours = &history[history.len() - 15..];
    let expect = [
        ("ARG GREETING=hello", true),
        ("ENV APP_HOME=/srv/app MODE=prod", true),
        ("WORKDIR /srv/app", false),
        ("COPY hello.txt ./ # buildkit", false),
        ("COPY dir/ /data/ # buildkit", false),
        (
            "COPY --chown=1:2 --chmod=640 hello.txt /owned.txt # buildkit",
            false,
        ),
        (
            "RUN |1 GREETING=hello /bin/sh -c echo \"$GREETING from $(pwd)\" > made.txt && rm /data/gone.txt # buildkit",
            false,
        ),
        ("LABEL team=core version=1.0", true),
        ("EXPOSE map[53/udp:{} 8080/tcp:{}]", true),
        ("VOLUME [/cache]", true),
        ("USER 1000:1000", true),
        ("STOPSIGNAL SIGUSR1", true),
    ];
    for (i, (by, empty)) in expect.iter().enumerate() {
        assert_eq!(
            ours[i],
            (by.to_string(), *empty),
            "history entry {i}: {ours:#?}"
        );
    }
    assert_eq!(ours[14].0, r#"CMD ["cat made.txt"]"#);
    let layers = config["rootfs"]["diff_ids"].as_array().unwrap().len();
    assert_eq!(
        layers,
        1 + 5,
        "base layer plus WORKDIR, three COPYs and RUN"
    );
}

#[test]
fn an_unchanged_rebuild_is_all_cached_and_a_changed_source_reruns_from_its_copy() {
    let (env, base) = busybox_world();
    let tag = unique("cached");
    // Each executed RUN appends to a file in a cache mount: the count of lines is the count of runs.
    let dockerfile = format!(
        "FROM {base}\nRUN --mount=type=cache,target=/runs echo first >> /runs/log\nCOPY src.txt /src.txt\nRUN --mount=type=cache,target=/runs echo second >> /runs/log; cp /runs/log /log\n"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile), ("src.txt", "v1\n")]);
    let c = ctx.to_str().unwrap();
    let first = build(&env, &["-q", "-t", &tag, c]);
    first.assert_ok();
    let id = first.stdout().trim().to_string();
    assert!(id.starts_with("sha256:") && id.len() == 71, "{id}");
    let again = build(&env, &["-t", &tag, c]);
    again.assert_ok();
    assert_eq!(
        again.stderr().matches(" CACHED").count(),
        3,
        "{}",
        again.stderr()
    );
    assert!(
        again.stderr().contains(&format!("writing image {id} done")),
        "{}",
        again.stderr()
    );
    env.write_file(
        &format!("{}/src.txt", ctx.strip_prefix(env.dir()).unwrap().display()),
        "v2\n",
    );
    let changed = build(&env, &["-t", &tag, c]);
    changed.assert_ok();
    assert_eq!(
        changed.stderr().matches(" CACHED").count(),
        1,
        "{}",
        changed.stderr()
    );
    let run = env.run(["run", "--rm", &tag, "cat", "/log", "/src.txt"]);
    run.assert_ok();
    // "first" ran once (the rebuilds took it from the cache), "second" twice.
    assert_eq!(run.stdout(), "first\nsecond\nsecond\nv2\n");
    assert_ne!(inspect(&env, &tag, "{{.Id}}"), id);
}

#[test]
fn a_failing_run_reports_buildkits_message_and_leaves_nothing_behind() {
    let (env, base) = busybox_world();
    let tag = unique("fails");
    env.run(["tag", &base, &tag]).assert_ok();
    let before = inspect(&env, &tag, "{{.Id}}");
    let dockerfile =
        format!("FROM {base}\nRUN echo partial > /p\nRUN echo oops; exit 7\nRUN true\n");
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    let out = build(&env, &["-t", &tag, ctx.to_str().unwrap()]);
    out.assert_code(1);
    out.assert_stderr_has(
        "ERROR: failed to solve: process \"/bin/sh -c echo oops; exit 7\" did not complete successfully: exit code: 7",
    );
    out.assert_stderr_has("   3 | >>> RUN echo oops; exit 7");
    out.assert_stderr_has("oops");
    assert_eq!(inspect(&env, &tag, "{{.Id}}"), before, "the tag moved");
    let ps = env.run(["ps", "-a", "-q"]);
    ps.assert_ok();
    assert_eq!(ps.stdout(), "", "containers left behind");
    let mounts = fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(
        !mounts.contains(env.dir().to_str().unwrap()),
        "mounts left behind"
    );
    let tmp = env.root().join("buildcache/tmp");
    assert_eq!(
        fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0),
        0,
        "temp dirs left behind"
    );
}

#[test]
fn multi_stage_builds_only_what_the_target_needs_and_copy_from_keeps_owners() {
    let (env, base) = busybox_world();
    let tag = unique("multi");
    let dockerfile = format!(
        r#"FROM {base} AS build
RUN mkdir /out && echo built > /out/artifact && chown 5:6 /out/artifact

FROM {base} AS unused
RUN echo never-built-stage-ran

FROM scratch AS runtime
COPY --from=build /out/artifact /artifact
COPY --from=build /bin/busybox /bin/sh
CMD ["/bin/sh"]
"#
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    let out = build(
        &env,
        &["--target", "runtime", "-t", &tag, ctx.to_str().unwrap()],
    );
    out.assert_ok();
    assert!(!out.stderr().contains("never-built"), "{}", out.stderr());
    let run = env.run([
        "run",
        "--rm",
        &tag,
        "/bin/sh",
        "-c",
        "read x < /artifact; echo $x",
    ]);
    run.assert_ok();
    assert_eq!(run.stdout(), "built\n");
    // The build stage's image of its own, by --target.
    let b = unique("buildstage");
    build(
        &env,
        &["--target", "build", "-t", &b, ctx.to_str().unwrap()],
    )
    .assert_ok();
    let owners = env.run(["run", "--rm", &b, "stat", "-c", "%u:%g", "/out/artifact"]);
    owners.assert_ok();
    assert_eq!(owners.stdout(), "5:6\n");
    let missing = build(&env, &["--target", "nope", ctx.to_str().unwrap()]);
    missing.assert_code(1);
    missing.assert_stderr_has("target stage \"nope\" could not be found");
}

#[test]
fn stdin_dockerfile_quiet_and_iidfile() {
    let (env, base) = busybox_world();
    let iid = env.dir().join("iid.txt");
    let out = env.run_with_stdin(
        ["build", "-q", "--iidfile", iid.to_str().unwrap(), "-"],
        format!("FROM {base}\nENV FROM_STDIN=1\n").as_bytes(),
    );
    out.assert_ok();
    let id = out.stdout().trim();
    assert_eq!(out.stdout().lines().count(), 1, "{}", out.stdout());
    assert_eq!(fs::read_to_string(&iid).unwrap(), id);
    assert!(inspect(&env, id, "{{json .Config.Env}}").contains("FROM_STDIN=1"));
    let copy = env.run_with_stdin(
        ["build", "-q", "-"],
        format!("FROM {base}\nCOPY x /x\n").as_bytes(),
    );
    copy.assert_code(1);
    copy.assert_stderr_has("\"/x\": not found");
}

#[test]
fn parse_errors_and_missing_sources_fail_with_the_line() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nFROBNICATE now\n"))],
    );
    let out = build(&env, &[ctx.to_str().unwrap()]);
    out.assert_code(1);
    out.assert_stderr_has("dockerfile parse error on line 2");
    let ctx = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nCOPY missing.txt /\n"))],
    );
    let out = build(&env, &[ctx.to_str().unwrap()]);
    out.assert_code(1);
    out.assert_stderr_has("\"/missing.txt\": not found");
    out.assert_stderr_has("   2 | >>> COPY missing.txt /");
}

#[test]
fn a_step_over_the_timeout_is_killed_and_named() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nRUN sleep 60\n"))],
    );
    let started = std::time::Instant::now();
    let out = build(&env, &["--step-timeout", "2s", ctx.to_str().unwrap()]);
    out.assert_code(1);
    out.assert_stderr_has("ERROR: failed to solve: step 2/2 RUN sleep 60: exceeded 2s");
    assert!(started.elapsed().as_secs() < 50, "the step was not killed");
    let ps = env.run(["ps", "-a", "-q"]);
    assert_eq!(ps.stdout(), "");
}

#[test]
fn builder_prune_empties_the_cache() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nRUN echo x > /x\n"))],
    );
    build(&env, &[ctx.to_str().unwrap()]).assert_ok();
    let out = env.run(["builder", "prune", "-f"]);
    out.assert_ok();
    out.assert_stdout_has("Total:");
    let again = build(&env, &[ctx.to_str().unwrap()]);
    again.assert_ok();
    assert!(
        !again.stderr().contains("CACHED\n\n#3"),
        "{}",
        again.stderr()
    );
    assert_eq!(
        again.stderr().matches(" CACHED").count(),
        0,
        "{}",
        again.stderr()
    );
}

#[test]
fn a_rootless_build_runs_in_the_user_namespace_and_keeps_owners() {
    let env = TestEnv::rootless();
    let image = crate::support::registry::shared().image(crate::support::fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    let tag = unique("rootless");
    let dockerfile = format!(
        "FROM {image}\nCOPY --chown=7:8 f.txt /f.txt\nRUN touch /made && chown 9:10 /made && echo ran\n"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile), ("f.txt", "f\n")]);
    let out = build(
        &env,
        &["--network", "none", "-t", &tag, ctx.to_str().unwrap()],
    );
    out.assert_ok();
    out.assert_stderr_has("ran");
    let run = env.run([
        "run",
        "--rm",
        "--network",
        "none",
        &tag,
        "stat",
        "-c",
        "%u:%g",
        "/f.txt",
        "/made",
    ]);
    run.assert_ok();
    assert_eq!(run.stdout(), "7:8\n9:10\n");
}

#[test]
fn dockerignore_leaves_files_out_of_copies_and_the_cache_key() {
    let (env, base) = busybox_world();
    let tag = unique("ignored");
    let ctx = context(
        &env,
        &[
            ("Dockerfile", &format!("FROM {base}\nCOPY . /app/\n")),
            (".dockerignore", "secret.txt\nlogs\n*.md\n!README.md\n"),
            ("secret.txt", "s\n"),
            ("logs/today.log", "l\n"),
            ("README.md", "r\n"),
            ("other.md", "o\n"),
            ("keep.txt", "k\n"),
        ],
    );
    let c = ctx.to_str().unwrap();
    build(&env, &["-t", &tag, c]).assert_ok();
    let ls = env.run(["run", "--rm", &tag, "ls", "-A", "/app"]);
    ls.assert_ok();
    assert_eq!(
        ls.stdout(),
        ".dockerignore\nDockerfile\nREADME.md\nkeep.txt\n"
    );
    // An ignored file changing does not invalidate the COPY.
    let rel = ctx.strip_prefix(env.dir()).unwrap().display().to_string();
    env.write_file(&format!("{rel}/secret.txt"), "changed\n");
    let again = build(&env, &["-t", &tag, c]);
    again.assert_ok();
    assert!(again.stderr().contains("CACHED"), "{}", again.stderr());
    env.write_file(
        &format!("{rel}/Dockerfile"),
        format!("FROM {base}\nCOPY secret.txt /\n"),
    );
    let out = build(&env, &[c]);
    out.assert_code(1);
    out.assert_stderr_has("\"/secret.txt\": not found (excluded by .dockerignore)");
}

#[test]
fn package_mirrors_are_used_during_run_and_absent_from_the_image() {
    let (env, base) = busybox_world();
    env.write_config("[build.package_mirrors]\nalpine = \"http://mirror.internal/alpine\"\n");
    let tag = unique("mirrored");
    let repos = "https://dl-cdn.alpinelinux.org/alpine/v3.19/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.19/community\n";
    let dockerfile = format!(
        "FROM {base}\nCOPY repositories /etc/apk/repositories\nRUN cat /etc/apk/repositories > /seen\n"
    );
    let ctx = context(
        &env,
        &[("Dockerfile", &dockerfile), ("repositories", repos)],
    );
    let out = env.run([
        "--debug",
        "build",
        "--progress",
        "plain",
        "--package-mirror",
        "debian=http://mirror.internal/debian",
        "-t",
        &tag,
        ctx.to_str().unwrap(),
    ]);
    out.assert_ok();
    out.assert_stderr_has(
        "/etc/apk/repositories:1: https://dl-cdn.alpinelinux.org/alpine/v3.19/main -> http://mirror.internal/alpine/v3.19/main",
    );
    let run = env.run(["run", "--rm", &tag, "cat", "/seen", "/etc/apk/repositories"]);
    run.assert_ok();
    let seen =
        "http://mirror.internal/alpine/v3.19/main\nhttp://mirror.internal/alpine/v3.19/community\n";
    assert_eq!(run.stdout(), format!("{seen}{repos}"));
}

#[test]
fn proxy_build_args_reach_run_but_not_the_image() {
    let (env, base) = busybox_world();
    let tag = unique("proxy");
    let dockerfile = format!("FROM {base}\nRUN echo \"proxy=$HTTP_PROXY\" > /p\n");
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    build(
        &env,
        &[
            "--build-arg",
            "HTTP_PROXY=http://proxy.internal:3128",
            "-t",
            &tag,
            ctx.to_str().unwrap(),
        ],
    )
    .assert_ok();
    let run = env.run(["run", "--rm", &tag, "cat", "/p"]);
    run.assert_ok();
    assert_eq!(run.stdout(), "proxy=http://proxy.internal:3128\n");
    let id = inspect(&env, &tag, "{{.Id}}");
    let blob = env
        .root()
        .join("blobs/sha256")
        .join(id.trim_start_matches("sha256:"));
    let config = fs::read_to_string(blob).unwrap();
    assert!(!config.contains("proxy.internal"), "{config}");
}

#[test]
fn an_interrupted_build_removes_its_step_container_and_moves_no_tag() {
    let (env, base) = busybox_world();
    let tag = unique("interrupted");
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &format!("FROM {base}\nRUN echo started; sleep 60\n"),
        )],
    );
    let child = env
        .berth()
        .args([
            "build",
            "--progress",
            "plain",
            "-t",
            &tag,
            ctx.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        crate::support::eventually(60, || crate::build_more::step_containers(&env) == 1),
        "the step never started"
    );
    // SAFETY: signalling our own child by its pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("ERROR: failed to solve: canceled"),
        "{stderr}"
    );
    assert_eq!(env.run(["ps", "-a", "-q"]).stdout(), "");
    env.run(["image", "inspect", &tag]).assert_code(1);
}

#[test]
fn a_tar_context_on_stdin_builds_with_its_own_dockerfile() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[
            (
                "Dockerfile",
                &format!("FROM {base}\nCOPY data.txt /data.txt\n"),
            ),
            ("data.txt", "from the tar\n"),
        ],
    );
    let tar = std::process::Command::new("tar")
        .args(["-C", ctx.to_str().unwrap(), "-czf", "-", "."])
        .output()
        .unwrap();
    assert!(tar.status.success());
    let out = env.run_with_stdin(["build", "-q", "-"], &tar.stdout);
    out.assert_ok();
    let id = out.stdout().trim();
    let run = env.run(["run", "--rm", id, "cat", "/data.txt"]);
    run.assert_ok();
    assert_eq!(run.stdout(), "from the tar\n");
}

#[test]
fn source_date_epoch_makes_uncached_rebuilds_identical() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[
            (
                "Dockerfile",
                &format!(
                    "FROM {base}\nCOPY f.txt /f.txt\nRUN echo hi > /a && mkdir -p /d/e\nWORKDIR /w\n"
                ),
            ),
            ("f.txt", "f\n"),
        ],
    );
    let c = ctx.to_str().unwrap();
    let args = ["-q", "--no-cache", "--source-date-epoch", "1700000000", c];
    let first = build(&env, &args);
    first.assert_ok();
    let second = build(&env, &args);
    second.assert_ok();
    assert_eq!(first.stdout(), second.stdout());
    let id = first.stdout().trim();
    assert_eq!(inspect(&env, id, "{{.Created}}"), "2023-11-14T22:13:20Z");
    let stat = env.run(["run", "--rm", id, "stat", "-c", "%Y", "/a", "/d/e"]);
    stat.assert_ok();
    assert_eq!(stat.stdout(), "1700000000\n1700000000\n");
}

#[test]
fn args_onbuild_add_archives_shell_and_heredocs() {
    let (env, base) = busybox_world();
    let parent = unique("parent");
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &format!(
                "FROM {base}\nONBUILD RUN echo triggered > /onbuild\nONBUILD ENV FROM_TRIGGER=1\n"
            ),
        )],
    );
    build(&env, &["-t", &parent, ctx.to_str().unwrap()]).assert_ok();
    assert_eq!(
        inspect(&env, &parent, "{{json .Config.OnBuild}}"),
        r#"["RUN echo triggered > /onbuild","ENV FROM_TRIGGER=1"]"#
    );
    let archive = std::process::Command::new("tar")
        .args(["-czf", "-", "-C", ctx.to_str().unwrap(), "Dockerfile"])
        .output()
        .unwrap()
        .stdout;
    let child = unique("child");
    let dockerfile = r#"ARG BASE
ARG UNUSED=x
FROM ${BASE}
ARG BASE
ARG LOCAL=local
ADD files.tgz /unpacked/
SHELL ["/bin/sh", "-e", "-c"]
RUN echo "base=$BASE local=$LOCAL unused=${UNUSED:-unset}" > /args
RUN <<EOF
echo from heredoc > /heredoc
EOF
COPY <<EOT /copied.txt
copied $LOCAL
EOT
"#;
    let dir = context(&env, &[("Dockerfile", dockerfile)]);
    fs::write(dir.join("files.tgz"), archive).unwrap();
    let out = build(
        &env,
        &[
            "--build-arg",
            &format!("BASE={parent}"),
            "-t",
            &child,
            dir.to_str().unwrap(),
        ],
    );
    out.assert_ok();
    let run = env.run([
        "run",
        "--rm",
        &child,
        "sh",
        "-c",
        "cat /onbuild /args /heredoc /copied.txt; echo $FROM_TRIGGER; ls /unpacked",
    ]);
    run.assert_ok();
    assert_eq!(
        run.stdout(),
        format!(
            "triggered\nbase={parent} local=local unused=unset\nfrom heredoc\ncopied local\n1\nDockerfile\n"
        )
    );
    // Triggers run once: the child image does not carry them.
    assert_eq!(inspect(&env, &child, "{{json .Config.OnBuild}}"), "null");
    assert_eq!(
        inspect(&env, &child, "{{json .Config.Shell}}"),
        r#"["/bin/sh","-e","-c"]"#
    );
}

/// buildah (podman's builder) as a differential oracle: the same Dockerfile built by both gives the same
/// image config fields (buildah's own `io.buildah.version` label aside).
#[test]
fn the_image_config_matches_buildahs() {
    let (env, base) = busybox_world();
    let dockerfile = format!(
        r#"FROM {base}
ENV A=1 B="two words"
WORKDIR /srv/app
LABEL team=core
EXPOSE 8080 53/udp
VOLUME /data
USER 1000:1000
STOPSIGNAL SIGUSR1
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["echo hi"]
"#
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    let tag = unique("oracle");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let storage = env.dir().join("buildah");
    let buildah = |args: &[&str]| {
        let out = std::process::Command::new("buildah")
            .arg("--root")
            .arg(storage.join("root"))
            .arg("--runroot")
            .arg(storage.join("run"))
            .args(["--storage-driver", "vfs"])
            .args(args)
            .env("HOME", env.home())
            .output()
            .expect("running buildah");
        assert!(
            out.status.success(),
            "buildah {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    buildah(&[
        "bud",
        "--tls-verify=false",
        "--isolation",
        "chroot",
        "--format",
        "docker",
        "-t",
        "oracle",
        ctx.to_str().unwrap(),
    ]);
    let all: serde_json::Value =
        serde_json::from_str(&buildah(&["inspect", "--type", "image", "oracle"])).unwrap();
    let theirs = all["Docker"]["config"].clone();
    let ours: serde_json::Value =
        serde_json::from_str(&inspect(&env, &tag, "{{json .Config}}")).unwrap();
    for k in [
        "Env",
        "Cmd",
        "Entrypoint",
        "WorkingDir",
        "User",
        "ExposedPorts",
        "Volumes",
        "StopSignal",
    ] {
        assert_eq!(ours[k], theirs[k], "{k}: ours {ours:#} theirs {theirs:#}");
    }
    let mut labels = theirs["Labels"].clone();
    labels.as_object_mut().unwrap().remove("io.buildah.version");
    assert_eq!(ours["Labels"], labels);
}

#[test]
fn the_cache_is_bounded_by_its_configured_size() {
    let (env, base) = busybox_world();
    // 1 byte: every build evicts what earlier builds cached, never what it just used.
    env.write_config("[build]\ncache_max_size = 1\n");
    let one = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nRUN echo one > /one\n"))],
    );
    let two = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nRUN echo two > /two\n"))],
    );
    build(&env, &[one.to_str().unwrap()]).assert_ok();
    let layers = || {
        fs::read_dir(env.root().join("buildcache/layers"))
            .unwrap()
            .count()
    };
    assert_eq!(layers(), 1);
    build(&env, &[two.to_str().unwrap()]).assert_ok();
    assert_eq!(layers(), 1, "the first build's layer was not evicted");
    let again = build(&env, &[one.to_str().unwrap()]);
    again.assert_ok();
    assert_eq!(
        again.stderr().matches(" CACHED").count(),
        0,
        "{}",
        again.stderr()
    );
}

#[test]
fn symlinks_never_lead_a_copy_out_of_the_image_or_the_context() {
    let (env, base) = busybox_world();
    let marker = unique("berth-escape");
    let tag = unique("links");
    let dockerfile = format!(
        "FROM {base}\nRUN mkdir /inner && ln -s /inner /app\nCOPY marker.txt /app/{marker}\nCOPY dir/ /app/sub/\n"
    );
    let ctx = context(
        &env,
        &[
            ("Dockerfile", &dockerfile),
            ("marker.txt", "m\n"),
            ("dir/f", "f\n"),
        ],
    );
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    assert!(!Path::new("/inner").exists(), "COPY wrote to the host");
    let run = env.run([
        "run",
        "--rm",
        &tag,
        "cat",
        &format!("/inner/{marker}"),
        "/inner/sub/f",
    ]);
    run.assert_ok();
    assert_eq!(run.stdout(), "m\nf\n");
    // A symlink in the context pointing out of it is not followed.
    std::os::unix::fs::symlink("/etc", ctx.join("hostetc")).unwrap();
    fs::write(
        ctx.join("Dockerfile"),
        format!("FROM {base}\nCOPY hostetc/hostname /stolen\n"),
    )
    .unwrap();
    let out = build(&env, &[ctx.to_str().unwrap()]);
    out.assert_code(1);
    out.assert_stderr_has("is outside the build context");
}

#[test]
fn dockerfile_checks_warn_after_the_build_and_fail_it_on_request() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nCMD echo hi\n"))],
    );
    let out = build(&env, &[ctx.to_str().unwrap()]);
    out.assert_ok();
    out.assert_stderr_has("1 warning found");
    out.assert_stderr_has(" - JSONArgsRecommended: ");
    let strict = context(
        &env,
        &[(
            "Dockerfile",
            &format!("# check=error=true\nFROM {base}\nCMD echo hi\n"),
        )],
    );
    let out = build(&env, &[strict.to_str().unwrap()]);
    out.assert_code(1);
    out.assert_stderr_has(
        "ERROR: failed to solve: lint violation found for rules: JSONArgsRecommended",
    );
}

//! `berth build`, parallel stages and stored compressed layers: independent stages run at the same
//! time (each in its own `internal build-stage` process) and give the image a serial build gives; a failing
//! stage stops the others and leaves nothing behind.

use crate::build::{build, context};
use crate::build_more::step_containers;
use crate::support::{TestEnv, busybox_world, unique};
use std::fs;
use std::time::Instant;

/// Two stages that each sleep in a RUN, and a final stage that copies from both.
fn two_stage_dockerfile(base: &str, a: &str, b: &str) -> String {
    format!(
        "FROM {base} AS a\nRUN {a}\n\nFROM {base} AS b\nRUN {b}\n\nFROM {base}\n\
         COPY --from=a /out/ /t/\nCOPY --from=b /out/ /t/\nRUN ls /t > /list\n"
    )
}

/// `RUN` text that records the step's start and end times (seconds since boot, which every container of
/// the host shares) around a one-second sleep, in /out/<name>.start and .end.
fn timed(name: &str) -> String {
    format!(
        "mkdir -p /out && cut -d' ' -f1 /proc/uptime > /out/{name}.start && sleep 1 && \
         cut -d' ' -f1 /proc/uptime > /out/{name}.end"
    )
}

fn overlap_is_seen(env: &TestEnv, tag: &str) {
    let run = env.run([
        "run",
        "--rm",
        "--network",
        "none",
        tag,
        "cat",
        "/t/a.start",
        "/t/a.end",
        "/t/b.start",
        "/t/b.end",
    ]);
    run.assert_ok();
    let t: Vec<f64> = run
        .stdout()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    let (a, b) = ((t[0], t[1]), (t[2], t[3]));
    assert!(
        a.0 < b.1 && b.0 < a.1,
        "the stages' RUN steps did not overlap: a {a:?}, b {b:?}"
    );
}

#[test]
fn independent_stages_run_at_the_same_time_and_give_the_serial_image() {
    let (env, base) = busybox_world();
    let tag = unique("par");
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &two_stage_dockerfile(&base, &timed("a"), &timed("b")),
        )],
    );
    let c = ctx.to_str().unwrap();
    let out = build(&env, &["--network", "none", "-t", &tag, c]);
    out.assert_ok();
    overlap_is_seen(&env, &tag);
    // BuildKit's plain shape, whole lines: every line is a vertex's (`#N ...`) or a blank separator.
    for l in out.stderr().lines() {
        assert!(l.is_empty() || l.starts_with('#'), "torn line {l:?}");
    }
    out.assert_stderr_has("[a 2/2] RUN mkdir -p /out");
    out.assert_stderr_has("[b 2/2] RUN mkdir -p /out");
    out.assert_stderr_has("[stage-2 4/4] RUN ls /t > /list");

    // With deterministic steps, the parallel build and a serial uncached one give one image ID.
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &two_stage_dockerfile(
                &base,
                "mkdir /out && sleep 1 && echo a > /out/a",
                "mkdir /out && sleep 1 && echo b > /out/b",
            ),
        )],
    );
    let c = ctx.to_str().unwrap();
    let args = [
        "-q",
        "--network",
        "none",
        "--source-date-epoch",
        "1700000000",
    ];
    let parallel = build(&env, &[&args[..], &[c]].concat());
    parallel.assert_ok();
    let cached = build(&env, &[&args[..], &[c]].concat());
    cached.assert_ok();
    assert_eq!(cached.stdout(), parallel.stdout());
    let serial = serial_build(&env, &[&args[..], &["--no-cache", c]].concat());
    assert_eq!(
        serial,
        parallel.stdout(),
        "serial and parallel images differ"
    );
    let list = env.run([
        "run",
        "--rm",
        "--network",
        "none",
        parallel.stdout().trim(),
        "cat",
        "/list",
    ]);
    list.assert_ok();
    assert_eq!(list.stdout(), "a\nb\n");
}

/// `berth build --progress plain ARGS` with parallel stages turned off; its stdout.
fn serial_build(env: &TestEnv, args: &[&str]) -> String {
    let mut cmd = env.berth();
    cmd.args(["build", "--progress", "plain"])
        .args(args)
        .env("BERTH_BUILD_PARALLEL", "0");
    let out = crate::support::Outcome::of(&mut cmd);
    out.assert_ok();
    out.stdout().to_string()
}

#[test]
fn a_failing_stage_stops_the_others_and_leaves_nothing_behind() {
    let (env, base) = busybox_world();
    let tag = unique("parfail");
    env.run(["tag", &base, &tag]).assert_ok();
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &two_stage_dockerfile(&base, "sleep 120 && mkdir /out", "echo failing; exit 3"),
        )],
    );
    let t = Instant::now();
    let out = build(
        &env,
        &["--network", "none", "-t", &tag, ctx.to_str().unwrap()],
    );
    out.assert_code(1);
    out.assert_stderr_has(
        "ERROR: failed to solve: process \"/bin/sh -c echo failing; exit 3\" did not complete successfully: exit code: 3",
    );
    out.assert_stderr_has("   5 | >>> RUN echo failing; exit 3");
    // The sleeping stage was stopped, not waited for.
    assert!(
        t.elapsed().as_secs() < 100,
        "the other stage ran to its end"
    );
    assert_eq!(step_containers(&env), 0, "step containers left behind");
    assert!(
        !crate::support::mountinfo_mentions(env.dir().to_str().unwrap()),
        "mounts left behind"
    );
    let tmp = env.root().join("buildcache/tmp");
    assert_eq!(
        fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0),
        0,
        "temp dirs left behind"
    );
    assert_eq!(
        crate::build::inspect(&env, &tag, "{{.Id}}"),
        crate::build::inspect(&env, &base, "{{.Id}}"),
        "the tag moved"
    );
}

#[test]
fn rootless_independent_stages_build_in_parallel() {
    let env = TestEnv::rootless();
    let image = crate::support::registry::shared().image(crate::support::fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    let tag = unique("parrootless");
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &two_stage_dockerfile(&image, &timed("a"), &timed("b")),
        )],
    );
    build(
        &env,
        &["--network", "none", "-t", &tag, ctx.to_str().unwrap()],
    )
    .assert_ok();
    overlap_is_seen(&env, &tag);
}

/// The image record berth keeps for `id` (docs/layout.md "Images").
fn record(env: &TestEnv, id: &str) -> serde_json::Value {
    let idx: serde_json::Value =
        serde_json::from_slice(&fs::read(env.root().join("images.json")).unwrap()).unwrap();
    idx["images"][id].clone()
}

/// The media types of the image's top `n` layers, each checked to be a stored blob.
fn top_layers(env: &TestEnv, rec: &serde_json::Value, n: usize) -> Vec<(String, Vec<u8>)> {
    let layers = rec["layers"].as_array().unwrap();
    layers[layers.len() - n..]
        .iter()
        .map(|l| {
            let digest = l["blob_digest"].as_str().unwrap();
            let blob = fs::read(
                env.root()
                    .join("blobs/sha256")
                    .join(digest.trim_start_matches("sha256:")),
            )
            .unwrap_or_else(|e| panic!("blob {digest} not stored: {e}"));
            (l["media_type"].as_str().unwrap().to_string(), blob)
        })
        .collect()
}

#[test]
fn built_layers_are_stored_compressed_reproducibly_and_pushed_as_stored() {
    let reg = crate::support::registry::shared();
    let dockerfile =
        |base: &str| format!("FROM {base}\nCOPY f.txt /f.txt\nRUN echo made > /made\n");
    let built = |env: &TestEnv, base: &str, extra: &[&str]| {
        let ctx = context(env, &[("Dockerfile", &dockerfile(base)), ("f.txt", "f\n")]);
        let mut args = vec![
            "-q",
            "--network",
            "none",
            "--source-date-epoch",
            "1700000000",
        ];
        args.extend_from_slice(extra);
        args.push(ctx.to_str().unwrap());
        let out = build(env, &args);
        out.assert_ok();
        out.stdout().trim().to_string()
    };
    let (env, base) = busybox_world();
    let id = built(&env, &base, &[]);
    let rec = record(&env, &id);
    for (media_type, blob) in top_layers(&env, &rec, 2) {
        assert_eq!(media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
        // gzip, no file name, mtime 0: the bytes depend on the layer alone.
        assert_eq!(&blob[..3], &[0x1f, 0x8b, 8]);
        assert_eq!(blob[3] & 0x08, 0, "a file name in the gzip header");
        assert_eq!(&blob[4..8], &[0, 0, 0, 0], "an mtime in the gzip header");
    }
    // Another store builds the same bytes: same manifest.
    let (other, other_base) = busybox_world();
    let other_id = built(&other, &other_base, &[]);
    assert_eq!(other_id, id);
    assert_eq!(
        record(&other, &other_id)["manifest_digest"],
        rec["manifest_digest"]
    );

    // Push sends the stored manifest and blobs: nothing is compressed again, both repositories get the
    // manifest berth stored at build time.
    let stored = rec["manifest_digest"].as_str().unwrap().to_string();
    for repo in [unique("built-a"), unique("built-b")] {
        let target = reg.image(&format!("{repo}/app:1"));
        env.run(["tag", &id, &target]).assert_ok();
        let out = env.run(["push", &target]);
        out.assert_ok();
        let last = *out.lines().last().unwrap();
        assert!(
            last.starts_with(&format!("1: digest: {stored} size: ")),
            "{last} (stored {stored})"
        );
    }
    assert_eq!(
        record(&env, &id)["layers"],
        rec["layers"],
        "push changed the layers"
    );
    // The same layers in zstd in another image (a label makes it one): the store had them by chain ID
    // and fetched no blob, yet the new record's blobs are stored.
    let zstd_id = built(
        &env,
        &base,
        &["--label", "z=1", "-o", "type=image,compression=zstd"],
    );
    assert_ne!(zstd_id, id);
    for (media_type, blob) in top_layers(&env, &record(&env, &zstd_id), 2) {
        assert_eq!(media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
        assert_eq!(&blob[..4], &[0x28, 0xb5, 0x2f, 0xfd]);
    }

    // zstd on request (a different layer, so a different image).
    let ctx = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nRUN echo zstd > /z\n"))],
    );
    let out = build(
        &env,
        &[
            "-q",
            "--output",
            "type=image,compression=zstd",
            ctx.to_str().unwrap(),
        ],
    );
    out.assert_ok();
    let (media_type, blob) = top_layers(&env, &record(&env, out.stdout().trim()), 1)
        .pop()
        .unwrap();
    assert_eq!(media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
    assert_eq!(&blob[..4], &[0x28, 0xb5, 0x2f, 0xfd]);
    let bad = build(
        &env,
        &["--output", "type=local,dest=out", ctx.to_str().unwrap()],
    );
    bad.assert_code(1);
    bad.assert_stderr_has("--output type=local is not supported by berth build (type=image)");
}

#[test]
fn a_changed_file_under_a_context_bind_mount_reruns_the_run_step() {
    let (env, base) = busybox_world();
    let tag = unique("bindctx");
    let dockerfile = format!(
        "FROM {base}\nRUN --mount=type=bind,source=conf,target=/c cat /c/v > /seen\n\
         RUN --mount=target=/whole cat /whole/top > /top\n"
    );
    let ctx = context(
        &env,
        &[
            ("Dockerfile", &dockerfile),
            ("conf/v", "one\n"),
            ("top", "t\n"),
            (".dockerignore", "conf/ignored\n"),
        ],
    );
    let c = ctx.to_str().unwrap();
    let seen = |env: &TestEnv| {
        let run = env.run(["run", "--rm", &tag, "cat", "/seen"]);
        run.assert_ok();
        run.stdout().to_string()
    };
    build(&env, &["-t", &tag, c]).assert_ok();
    assert_eq!(seen(&env), "one\n");
    // Unchanged (an ignored file added does not count): both steps cached.
    fs::write(ctx.join("conf/ignored"), "x").unwrap();
    let again = build(&env, &["-t", &tag, c]);
    again.assert_ok();
    assert_eq!(
        again.stderr().matches("CACHED").count(),
        2,
        "{}",
        again.stderr()
    );
    // The bound file changed: the step runs again and sees it.
    fs::write(ctx.join("conf/v"), "two\n").unwrap();
    let changed = build(&env, &["-t", &tag, c]);
    changed.assert_ok();
    assert_eq!(
        changed.stderr().matches("CACHED").count(),
        0,
        "{}",
        changed.stderr()
    );
    assert_eq!(seen(&env), "two\n");
}

#[test]
fn add_of_a_git_repository_fails_at_once_with_one_line() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &format!("FROM {base}\nADD https://github.com/moby/moby.git /src\n"),
        )],
    );
    let out = build(&env, &[ctx.to_str().unwrap()]);
    out.assert_code(1);
    out.assert_stderr_has(
        "ERROR: failed to solve: ADD of a git repository (https://github.com/moby/moby.git) is not supported by berth build",
    );
    out.assert_stderr_has("   2 | >>> ADD https://github.com/moby/moby.git /src");
}

/// Start a parallel build of two sleeping stages and wait until both step containers exist.
fn sleeping_build(env: &TestEnv, base: &str, tag: &str) -> std::process::Child {
    let ctx = context(
        env,
        &[(
            "Dockerfile",
            &two_stage_dockerfile(base, "sleep 120 && mkdir /out", "sleep 120 && mkdir /out"),
        )],
    );
    let child = env
        .berth()
        .args([
            "build",
            "--progress",
            "plain",
            "--network",
            "none",
            "-t",
            tag,
        ])
        .arg(&ctx)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        crate::support::eventually(60, || step_containers(env) == 2),
        "the two stages' steps never ran together"
    );
    child
}

#[test]
fn an_interrupted_or_killed_parallel_build_stops_every_stage_and_cleans_up() {
    let (env, base) = busybox_world();
    let tag = unique("parint");
    let child = sleeping_build(&env, &base, &tag);
    // SAFETY: signalling our own child by its pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("ERROR: failed to solve: canceled"),
        "{stderr}"
    );
    assert_eq!(step_containers(&env), 0, "step containers left behind");
    env.run(["image", "inspect", &tag]).assert_code(1);

    // kill -9 of the build: its stage processes notice their parent is gone and clean up themselves.
    let mut child = sleeping_build(&env, &base, &tag);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        crate::support::eventually(60, || step_containers(&env) == 0),
        "the stages of a killed build kept running"
    );
    assert!(
        crate::support::eventually(30, || fs::read_dir(env.root().join("buildcache/tmp"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0),
        "temp dirs left behind"
    );
}

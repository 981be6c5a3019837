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
    let args = ["-q", "--network", "none", "--source-date-epoch", "1700000000"];
    let parallel = build(&env, &[&args[..], &[c]].concat());
    parallel.assert_ok();
    let cached = build(&env, &[&args[..], &[c]].concat());
    cached.assert_ok();
    assert_eq!(cached.stdout(), parallel.stdout());
    let serial = serial_build(&env, &[&args[..], &["--no-cache", c]].concat());
    assert_eq!(serial, parallel.stdout(), "serial and parallel images differ");
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
    let out = build(&env, &["--network", "none", "-t", &tag, ctx.to_str().unwrap()]);
    out.assert_code(1);
    out.assert_stderr_has(
        "ERROR: failed to solve: process \"/bin/sh -c echo failing; exit 3\" did not complete successfully: exit code: 3",
    );
    out.assert_stderr_has("   5 | >>> RUN echo failing; exit 3");
    // The sleeping stage was stopped, not waited for.
    assert!(t.elapsed().as_secs() < 100, "the other stage ran to its end");
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
    build(&env, &["--network", "none", "-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    overlap_is_seen(&env, &tag);
}

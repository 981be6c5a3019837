//! Integration tests: restart policies, `update`, `commit`, `export`/`import` and streaming `stats`,
//! checked with docker's flags, output and exit codes, and from inside the container with busybox.
//! Root only: they create namespaces, mounts and cgroups (CI runs as root).

use crate::support::{TestEnv, fixtures, registry, unique};
use std::time::{Duration, Instant};

fn world() -> (TestEnv, String) {
    let env = TestEnv::new();
    let image = registry::shared().image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    (env, image)
}

fn inspect(env: &TestEnv, name: &str, format: &str) -> String {
    env.run(["inspect", "-f", format, name])
        .assert_ok()
        .stdout()
        .trim()
        .to_string()
}

/// Poll `f` until it returns true or `secs` pass.
fn eventually(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn restart_always_relaunches_the_payload_until_stopped_by_hand() {
    let (env, image) = world();
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
    let (env, image) = world();
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
    env.run(["wait", &name]).assert_ok().assert_stdout_eq("5\n");
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
fn kill_and_rm_force_end_a_restarting_container() {
    let (env, image) = world();
    let name = unique("rk");
    env.run([
        "run",
        "-d",
        "--name",
        &name,
        "--restart",
        "unless-stopped",
        &image,
        "sleep",
        "100",
    ])
    .assert_ok();
    env.run(["kill", &name]).assert_ok();
    env.run(["wait", &name])
        .assert_ok()
        .assert_stdout_eq("137\n");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        inspect(&env, &name, "{{.State.Status}} {{.RestartCount}}"),
        "exited 0"
    );
    // A start ends the manual stop: the policy applies again, and rm -f ends it for good.
    let looping = unique("rl");
    env.run([
        "run",
        "-d",
        "--name",
        &looping,
        "--restart",
        "always",
        &image,
        "false",
    ])
    .assert_ok();
    assert!(eventually(20, || inspect(
        &env,
        &looping,
        "{{.RestartCount}}"
    ) != "0"));
    env.run(["rm", "-f", &looping]).assert_ok();
    env.run(["ps", "-a", "-q", "--filter", &format!("name={looping}")])
        .assert_ok()
        .assert_stdout_eq("");
}

#[test]
fn restart_with_rm_is_a_usage_error_and_bad_policies_are_refused() {
    let (env, image) = world();
    env.run(["run", "--rm", "--restart", "always", &image, "true"])
        .assert_code(125)
        .assert_stderr_has("conflicting options: cannot specify both --restart and --rm");
    env.run(["create", "--restart", "sometimes", &image])
        .assert_code(125)
        .assert_stderr_has("invalid restart policy: unknown policy 'sometimes'");
}

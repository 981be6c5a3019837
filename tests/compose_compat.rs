//! `berth compose` where real compose files and CI scripts met a difference from docker compose v2:
//! `ps --format json` fields scripts read (`Health`, `Publishers`), the project name from a `name:`
//! key, `include:`, optional dependencies on a disabled service, and loader messages.

use crate::support::compose::{compose, down_leaves_nothing, project_dir, project_yaml};
use crate::support::{busybox_world, eventually, unique};
use serde_json::Value;

fn ps_json(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

#[test]
fn ps_shows_health_and_publishers_as_docker_compose_does() {
    let (env, image) = busybox_world();
    let p = unique("psh");
    let port = 20000 + std::process::id() % 20000;
    let yaml = format!(
        "services:\n  db:\n    image: {image}\n    command: sh -c 'touch /tmp/ok; exec sleep 600'\n    stop_signal: SIGKILL\n    healthcheck:\n      test: [\"CMD\", \"test\", \"-f\", \"/tmp/ok\"]\n      interval: 200ms\n    ports: [\"127.0.0.1:{port}:80\"]\n  app:\n    image: {image}\n    command: [\"sleep\", \"600\"]\n    stop_signal: SIGKILL\n    ports: [\"127.0.0.1::81/udp\"]\n"
    );
    let dir = project_yaml(&env, "psh", &yaml);
    compose(&env, &dir, &["-p", &p, "up", "-d", "--wait"]).assert_ok();
    let out = compose(&env, &dir, &["-p", &p, "ps", "--format", "json"]);
    out.assert_ok();
    let rows = ps_json(out.stdout());
    let db = rows.iter().find(|r| r["Service"] == "db").expect("db row");
    let app = rows
        .iter()
        .find(|r| r["Service"] == "app")
        .expect("app row");
    assert_eq!(db["Health"], "healthy", "{db}");
    assert!(
        db["Status"].as_str().unwrap().ends_with("(healthy)"),
        "{db}"
    );
    assert_eq!(app["Health"], "", "{app}");
    assert_eq!(
        db["Publishers"],
        serde_json::json!([{"URL": "127.0.0.1", "TargetPort": 80, "PublishedPort": port, "Protocol": "tcp"}])
    );
    // An ephemeral host port shows the port it got, as `compose port` prints it.
    let got = compose(
        &env,
        &dir,
        &["-p", &p, "port", "--protocol", "udp", "app", "81"],
    );
    got.assert_ok();
    let eph: u64 = got
        .stdout()
        .trim()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(eph > 0);
    assert_eq!(
        app["Publishers"],
        serde_json::json!([{"URL": "127.0.0.1", "TargetPort": 81, "PublishedPort": eph, "Protocol": "udp"}])
    );
    assert_eq!(app["Ports"], format!("127.0.0.1:{eph}->81/udp"));
    assert_eq!(db["Names"], format!("{p}-db-1"));
    assert!(
        db["Labels"]
            .as_str()
            .unwrap()
            .contains(&format!("com.docker.compose.project={p}")),
        "{db}"
    );
    // A template naming a field of docker compose's works; the table cuts the command to 20 characters.
    let t = compose(
        &env,
        &dir,
        &["-p", &p, "ps", "--format", "{{.Service}}={{.Health}}"],
    );
    t.assert_ok();
    assert_eq!(t.stdout(), "app=\ndb=healthy\n");
    let filtered = |f: &str| {
        compose(
            &env,
            &dir,
            &["-p", &p, "ps", "--filter", f, "--format", "{{.Service}}"],
        )
        .stdout()
        .to_string()
    };
    assert_eq!(filtered("status=running"), "app\ndb\n");
    assert_eq!(filtered("status=exited"), "");
    let table = compose(&env, &dir, &["-p", &p, "ps"]);
    table.assert_ok();
    assert!(
        table.stdout().contains("\"sh -c touch /tmp/ok…\""),
        "{}",
        table.stdout()
    );
    down_leaves_nothing(&env, &dir, &p);
}

fn config_json(env: &crate::support::TestEnv, dir: &std::path::Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["config", "--format", "json"]);
    let out = compose(env, dir, &a);
    out.assert_ok();
    serde_json::from_str(out.stdout()).expect("config --format json prints JSON")
}

#[test]
fn name_key_is_normalised_and_optional_dependencies_on_disabled_services_are_dropped() {
    let env = crate::support::TestEnv::new();
    let dir = project_yaml(
        &env,
        "nm",
        "name: My.App\nservices:\n  web:\n    image: busybox\n    depends_on:\n      cache: {condition: service_started, required: false}\n      db: {condition: service_started}\n  db:\n    image: busybox\n  cache:\n    image: busybox\n    profiles: [cache]\n",
    );
    // `name: My.App` is `myapp` (compose-go normalises the key as it does a directory name).
    let got = config_json(&env, &dir, &[]);
    assert_eq!(got["name"], "myapp");
    assert_eq!(got["networks"]["default"]["name"], "myapp_default");
    // The optional dependency on the disabled `cache` is left out; the required one stays.
    let deps = got["services"]["web"]["depends_on"].as_object().unwrap();
    assert_eq!(deps.keys().collect::<Vec<_>>(), ["db"]);
    // The files see the project name as ${COMPOSE_PROJECT_NAME} (compose-go sets it before
    // interpolating), whichever way it was given.
    env.write_file(
        "nm/compose.override.yaml",
        "services:\n  web:\n    container_name: ${COMPOSE_PROJECT_NAME}-web\n    labels: {p: \"${COMPOSE_PROJECT_NAME:?}\"}\n",
    );
    let named = config_json(&env, &dir, &[]);
    assert_eq!(named["services"]["web"]["container_name"], "myapp-web");
    let p = config_json(&env, &dir, &["-p", "cli-name"]);
    assert_eq!(p["services"]["web"]["labels"]["p"], "cli-name");
    std::fs::remove_file(dir.join("compose.override.yaml")).unwrap();
    // With the profile active it is a dependency again.
    let with = config_json(&env, &dir, &["--profile", "cache"]);
    assert!(with["services"]["web"]["depends_on"]["cache"].is_object());
    // -p must already be a valid name, and an optional dependency on a service that exists nowhere
    // is still an error.
    compose(&env, &dir, &["-p", "My.App", "config"])
        .assert_code(1)
        .assert_stderr_has("invalid project name \"My.App\"");
    env.write_file(
        "nm/compose.yaml",
        "services:\n  web:\n    image: busybox\n    depends_on:\n      ghost: {condition: service_started, required: false}\n",
    );
    compose(&env, &dir, &["config"])
        .assert_code(1)
        .assert_stderr_has("service \"web\" depends on undefined service \"ghost\"");
}

#[test]
fn a_required_variable_without_a_message_ends_the_error_there() {
    let env = crate::support::TestEnv::new();
    let dir = project_yaml(
        &env,
        "rq",
        "services:\n  web:\n    image: \"busybox:${TAG:?}\"\n",
    );
    let out = compose(&env, &dir, &["config"]);
    out.assert_code(1);
    assert!(
        out.stderr()
            .trim_end()
            .ends_with("required variable TAG is missing a value"),
        "{}",
        out.stderr()
    );
    // The obsolete `version:` is accepted with docker compose's warning naming the file.
    env.write_file(
        "rq/compose.yaml",
        "version: \"3.8\"\nservices:\n  web:\n    image: busybox\n",
    );
    compose(&env, &dir, &["config", "-q"])
        .assert_ok()
        .assert_stderr_has(&format!(
            "WARN[0000] {}: the attribute `version` is obsolete, it will be ignored",
            dir.join("compose.yaml").display()
        ));
}

#[test]
fn include_imports_another_application_with_its_own_directory_and_env() {
    let (env, image) = busybox_world();
    let p = unique("inc");
    let dir = project_dir(
        &env,
        "inc",
        &[
            (
                "compose.yaml",
                &format!(
                    "include:\n  - path: db/compose.yaml\nservices:\n  app:\n    image: {image}\n    depends_on: [db]\n    volumes: [\"shared:/s\"]\n  db:\n    environment: {{FROM_MAIN: \"yes\"}}\n"
                ),
            ),
            (
                "db/compose.yaml",
                &format!(
                    "services:\n  db:\n    image: {image}\n    command: [\"sh\", \"-c\", \"cat /conf/msg; echo $$DB_TAG $$FROM_MAIN\"]\n    environment: {{DB_TAG: \"${{DB_TAG:-unset}}\"}}\n    volumes: [\"./conf:/conf:ro\", \"shared:/s\"]\nvolumes:\n  shared: {{}}\n"
                ),
            ),
            ("db/.env", "DB_TAG=from-db-dotenv\n"),
            ("db/conf/msg", "included conf\n"),
        ],
    );
    let out = compose(&env, &dir, &["-p", &p, "config", "--format", "json"]);
    out.assert_ok();
    let got: Value = serde_json::from_str(out.stdout()).unwrap();
    let db = &got["services"]["db"];
    // Relative paths are the included project's, its `.env` interpolates it, and the including
    // file's definition of `db` is merged over the imported one.
    assert_eq!(
        db["volumes"][0]["source"],
        dir.join("db/conf").to_str().unwrap()
    );
    assert_eq!(db["environment"]["DB_TAG"], "from-db-dotenv");
    assert_eq!(db["environment"]["FROM_MAIN"], "yes");
    assert_eq!(got["volumes"]["shared"]["name"], format!("{p}_shared"));
    assert!(got["services"]["app"].is_object());
    let run = compose(&env, &dir, &["-p", &p, "run", "--rm", "db"]);
    run.assert_ok();
    assert_eq!(run.stdout(), "included conf\nfrom-db-dotenv yes\n");
    down_leaves_nothing(&env, &dir, &p);
    // An include of a file that includes the first one is a cycle, not a stack overflow.
    env.write_file(
        "inc/db/compose.yaml",
        "include: [../compose.yaml]\nservices:\n  db:\n    image: busybox\n",
    );
    compose(&env, &dir, &["-p", &p, "config"])
        .assert_code(1)
        .assert_stderr_has("include cycle detected");
}

#[test]
fn down_with_an_orphan_still_running_warns_and_leaves_what_it_uses() {
    let (env, image) = busybox_world();
    let p = unique("orph");
    let svc = |name: &str| {
        format!(
            "  {name}:\n    image: {image}\n    command: [\"sleep\", \"600\"]\n    stop_signal: SIGKILL\n    volumes: [\"data:/data\"]\n"
        )
    };
    let dir = project_yaml(
        &env,
        "orph",
        &format!(
            "services:\n{}{}volumes:\n  data: {{}}\n",
            svc("web"),
            svc("old")
        ),
    );
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    // `old` is renamed away: it is an orphan, still running on the project's network and volume.
    env.write_file(
        "orph/compose.yaml",
        format!("services:\n{}volumes:\n  data: {{}}\n", svc("web")),
    );
    let out = compose(&env, &dir, &["-p", &p, "down", "-v"]);
    out.assert_ok()
        .assert_stderr_has(&format!("Found orphan containers ([{p}-old-1])"))
        .assert_stderr_has(&format!("Network {p}_default  Resource is still in use"))
        .assert_stderr_has(&format!("Volume {p}_data  Resource is still in use"));
    assert_eq!(
        env.run(["ps", "-q", "--filter", &format!("name={p}-old-1")])
            .stdout()
            .lines()
            .count(),
        1
    );
    compose(&env, &dir, &["-p", &p, "down", "-v", "--remove-orphans"]).assert_ok();
    assert_eq!(env.run(["ps", "-a", "-q"]).stdout(), "");
    let nets = env.run(["network", "ls", "--format", "{{.Name}}"]);
    assert!(!nets.stdout().contains(&p), "{}", nets.stdout());
    let vols = env.run(["volume", "ls", "-q"]);
    assert!(!vols.stdout().contains(&p), "{}", vols.stdout());
}

#[test]
fn a_service_name_the_file_does_not_define_is_an_error_for_every_verb() {
    let env = crate::support::TestEnv::new();
    let dir = project_yaml(&env, "nosvc", "services:\n  web:\n    image: busybox\n");
    for verb in [
        &["logs", "nosuch"][..],
        &["ps", "nosuch"],
        &["top", "nosuch"],
        &["images", "nosuch"],
        &["run", "--rm", "nosuch", "true"],
        &["stop", "nosuch"],
    ] {
        compose(&env, &dir, verb)
            .assert_code(1)
            .assert_stderr_has("no such service: nosuch");
    }
    // A known service with no container is fine.
    compose(&env, &dir, &["logs", "web"]).assert_ok();
    compose(&env, &dir, &["ps", "web"]).assert_ok();
}

#[test]
fn inline_secrets_and_configs_are_mounted_and_go_with_down() {
    inline_secrets_in(busybox_world());
}

#[test]
fn rootless_inline_secrets_and_configs() {
    inline_secrets_in(
        crate::support::TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX),
    );
}

fn inline_secrets_in((env, image): (crate::support::TestEnv, String)) {
    let p = unique("inl");
    let dir = project_dir(
        &env,
        "inl",
        &[
            (
                "compose.yaml",
                &format!(
                    "services:\n  a:\n    image: {image}\n    command: [\"sh\", \"-c\", \"cat /run/secrets/token /etc/app.conf\"]\n    secrets: [token]\n    configs:\n      - source: conf\n        target: /etc/app.conf\nsecrets:\n  token:\n    environment: APP_TOKEN\nconfigs:\n  conf:\n    content: |\n      level=debug\n"
                ),
            ),
            (".env", "APP_TOKEN=s3cret\n"),
        ],
    );
    let run = compose(&env, &dir, &["-p", &p, "run", "--rm", "a"]);
    run.assert_ok();
    assert_eq!(run.stdout(), "s3cretlevel=debug\n");
    let written = env.root().join("compose").join(&p);
    assert!(written.join("configs/conf").is_file());
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
    assert!(!written.exists(), "down leaves {}", written.display());
}

#[test]
fn dot_env_is_read_where_docker_compose_reads_it() {
    let env = crate::support::TestEnv::new();
    let dir = project_dir(
        &env,
        "repo",
        &[
            (
                "deploy/compose.yaml",
                "services:\n  web:\n    image: \"busybox:${TAG:-none}\"\n",
            ),
            ("deploy/.env", "TAG=deploy-dir\n"),
            (".env", "TAG=working-dir\n"),
        ],
    );
    let image = |args: &[&str], extra: &[(&str, &str)]| {
        let mut c = env.berth();
        c.current_dir(&dir).arg("compose").args(args);
        for (k, v) in extra {
            c.env(k, v);
        }
        let out = crate::support::Outcome::of(&mut c);
        out.assert_ok();
        let v: Value = serde_json::from_str(out.stdout()).unwrap();
        v["services"]["web"]["image"].as_str().unwrap().to_string()
    };
    let cfg = ["config", "--format", "json"];
    // -f: the first file's directory.
    let with_f = [&["-f", "deploy/compose.yaml"][..], &cfg].concat();
    assert_eq!(image(&with_f, &[]), "busybox:deploy-dir");
    // COMPOSE_FILE: the working directory's .env (it is read before the files are known).
    assert_eq!(
        image(&cfg, &[("COMPOSE_FILE", "deploy/compose.yaml")]),
        "busybox:working-dir"
    );
    // --project-directory: that directory's.
    let with_pd = [
        &["-f", "deploy/compose.yaml", "--project-directory", "."][..],
        &cfg,
    ]
    .concat();
    assert_eq!(image(&with_pd, &[]), "busybox:working-dir");
}

#[test]
fn extends_in_an_extended_file_is_relative_to_that_file() {
    let env = crate::support::TestEnv::new();
    let dir = project_dir(
        &env,
        "ext",
        &[
            (
                "compose.yaml",
                "services:\n  app:\n    extends: {file: common/base.yaml, service: base}\n",
            ),
            (
                "common/base.yaml",
                "services:\n  base:\n    extends: {file: more/deeper.yaml, service: deep}\n    environment: {LVL: common}\n",
            ),
            (
                "common/more/deeper.yaml",
                "services:\n  deep:\n    image: busybox\n    volumes: [\"./data:/data\"]\n",
            ),
        ],
    );
    let out = compose(&env, &dir, &["config", "--format", "json"]);
    out.assert_ok();
    let got: Value = serde_json::from_str(out.stdout()).unwrap();
    let app = &got["services"]["app"];
    assert_eq!(app["image"], "busybox");
    assert_eq!(app["environment"]["LVL"], "common");
    assert_eq!(
        app["volumes"][0]["source"],
        dir.join("common/more/data").to_str().unwrap()
    );
}

/// `compose up` in the foreground as a child whose stdout is read into a string, and SIGINT.
fn sigint(child: &std::process::Child) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
}

#[test]
fn ctrl_c_shows_the_last_lines_and_a_second_one_kills() {
    let (env, image) = busybox_world();
    let p = unique("cc2");
    // `s` says goodbye on SIGTERM; `stubborn` ignores it (a shell as pid 1 without a trap).
    let dir = project_yaml(
        &env,
        "cc2",
        &format!(
            "services:\n  s:\n    image: {image}\n    command: [\"sh\", \"-c\", \"trap 'echo goodbye; exit 0' TERM; echo hello; while true; do sleep 0.1; done\"]\n  stubborn:\n    image: {image}\n    command: [\"sh\", \"-c\", \"while true; do sleep 0.1; done\"]\n    stop_grace_period: 60s\n"
        ),
    );
    let mut cmd = env.berth();
    cmd.current_dir(&dir).args(["compose", "-p", &p, "up"]);
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let running = || {
        compose(&env, &dir, &["-p", &p, "ps", "--format", "{{.State}}"]).stdout()
            == "running\nrunning\n"
    };
    assert!(eventually(30, running));
    std::thread::sleep(std::time::Duration::from_millis(300));
    sigint(&child);
    // `s` has stopped (its goodbye printed); `stubborn` would take 60 s: the second Ctrl-C kills it.
    assert!(eventually(20, || compose(
        &env,
        &dir,
        &["-p", &p, "ps", "-a", "--format", "{{.Service}}={{.State}}"]
    )
    .stdout()
    .contains("s=exited")));
    let started = std::time::Instant::now();
    sigint(&child);
    let mut status = None;
    assert!(eventually(30, || {
        status = child.try_wait().unwrap();
        status.is_some()
    }));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(status.unwrap().code(), Some(130));
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    let said = |w: &str| {
        out.lines()
            .any(|l| l.starts_with("s-1 ") && l.ends_with(&format!("| {w}")))
    };
    assert!(said("hello") && said("goodbye"), "{out}");
    let st = compose(
        &env,
        &dir,
        &["-p", &p, "ps", "-a", "--format", "{{.Service}} {{.Status}}"],
    );
    assert!(
        st.stdout().contains("stubborn Exited (137)"),
        "{}",
        st.stdout()
    );
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
}

#[test]
fn logs_take_since_until_and_index() {
    let (env, image) = busybox_world();
    let p = unique("lg");
    let dir = project_yaml(
        &env,
        "lg",
        &format!(
            "services:\n  a:\n    image: {image}\n    command: [\"sh\", \"-c\", \"echo line-$$HOSTNAME\"]\n    scale: 2\n"
        ),
    );
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    let logs = |args: &[&str]| {
        let mut a = vec!["-p", p.as_str(), "logs", "--no-log-prefix"];
        a.extend(args);
        let out = compose(&env, &dir, &a);
        out.assert_ok();
        out.stdout().lines().count()
    };
    assert!(eventually(20, || logs(&[]) == 2));
    assert_eq!(logs(&["--since", "1h"]), 2);
    assert_eq!(logs(&["--since", "2099-01-01T00:00:00Z"]), 0);
    assert_eq!(logs(&["--until", "2000-01-01T00:00:00Z"]), 0);
    assert_eq!(logs(&["--index", "2", "a"]), 1);
    down_leaves_nothing(&env, &dir, &p);
}

#[test]
fn ci_flags_ansi_progress_and_pull_quiet_are_accepted() {
    let (env, image) = busybox_world();
    let p = unique("ci");
    let missing = image.replace("library/busybox", "library/not-there");
    let dir = project_yaml(
        &env,
        "ci",
        &format!(
            "services:\n  a:\n    image: {image}\n    command: [\"sleep\", \"600\"]\n    stop_signal: SIGKILL\n  gone:\n    image: {missing}\n    profiles: [broken]\n"
        ),
    );
    // `--progress quiet` leaves the progress lines out; `--ansi never` and `--parallel` are taken.
    let up = compose(
        &env,
        &dir,
        &[
            "--ansi",
            "never",
            "--progress",
            "quiet",
            "--parallel",
            "2",
            "-p",
            &p,
            "up",
            "-d",
        ],
    );
    up.assert_ok();
    assert_eq!(up.stderr(), "");
    compose(
        &env,
        &dir,
        &["-p", &p, "--progress", "plain", "pull", "-q", "a"],
    )
    .assert_ok();
    // A pull that fails fails `pull`, unless --ignore-pull-failures makes it a warning.
    compose(&env, &dir, &["-p", &p, "--profile", "broken", "pull", "-q"]).assert_code(1);
    compose(
        &env,
        &dir,
        &[
            "-p",
            &p,
            "--profile",
            "broken",
            "pull",
            "-q",
            "--ignore-pull-failures",
        ],
    )
    .assert_ok()
    .assert_stderr_has("WARN[0000] service \"gone\"");
    compose(&env, &dir, &["--ansi", "sometimes", "ps"]).assert_code(125);
    down_leaves_nothing(&env, &dir, &p);
}

#[test]
fn config_lists_images_and_networks_and_up_creates_without_starting() {
    let (env, image) = busybox_world();
    let p = unique("ns");
    let dir = project_yaml(
        &env,
        "ns",
        &format!(
            "services:\n  a:\n    image: {image}\n    command: [\"sleep\", \"600\"]\n    networks: [back]\n  b:\n    build: ./b\nnetworks:\n  back: {{}}\n"
        ),
    );
    let images = compose(&env, &dir, &["-p", &p, "config", "--images"]);
    images.assert_ok();
    assert_eq!(images.stdout(), format!("{image}\n{p}-b\n"));
    compose(&env, &dir, &["-p", &p, "config", "--networks"])
        .assert_ok()
        .assert_stdout_has("back\n");
    // --no-build: the missing image of `b` is an error, nothing is built.
    compose(&env, &dir, &["-p", &p, "up", "--no-build", "-d", "b"]).assert_code(1);
    let up = compose(
        &env,
        &dir,
        &["-p", &p, "up", "--no-start", "--quiet-pull", "a"],
    );
    up.assert_ok();
    let st = compose(
        &env,
        &dir,
        &["-p", &p, "ps", "-a", "--format", "{{.Service}} {{.State}}"],
    );
    assert_eq!(st.stdout(), "a created\n");
    down_leaves_nothing(&env, &dir, &p);
}

#[test]
fn build_takes_build_args_and_quiet() {
    let (env, image) = busybox_world();
    let p = unique("ba");
    let dir = project_dir(
        &env,
        "ba",
        &[
            (
                "compose.yaml",
                "services:\n  app:\n    build:\n      context: ./app\n      args: {MSG: from-file}\n",
            ),
            (
                "app/Dockerfile",
                &format!(
                    "FROM {image}\nARG MSG\nRUN echo \"$MSG\" > /msg\nCMD [\"cat\", \"/msg\"]\n"
                ),
            ),
        ],
    );
    let b = compose(
        &env,
        &dir,
        &["-p", &p, "build", "-q", "--build-arg", "MSG=from-cli"],
    );
    b.assert_ok();
    assert_eq!((b.stdout(), b.stderr()), ("", ""));
    let run = compose(&env, &dir, &["-p", &p, "run", "--rm", "app"]);
    run.assert_ok();
    assert_eq!(run.stdout(), "from-cli\n");
    // `run --build` rebuilds first (the file's args again); -l labels the one-off container.
    let run = compose(
        &env,
        &dir,
        &[
            "-p", &p, "run", "--build", "-d", "-l", "team=qa", "--pull", "never", "app",
        ],
    );
    run.assert_ok();
    let id = run.stdout().trim().to_string();
    let label = env.run([
        "inspect",
        "--format",
        "{{index .Config.Labels \"team\"}}",
        &id,
    ]);
    assert_eq!(label.stdout(), "qa\n");
    let logs = env.run(["logs", &id]);
    assert!(
        eventually(20, || env.run(["logs", &id]).stdout() == "from-file\n"),
        "{}",
        logs.stdout()
    );
    compose(&env, &dir, &["-p", &p, "down", "--remove-orphans"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "down", "--rmi", "local"]).assert_ok();
}

#[test]
fn restarting_a_dependency_restarts_the_services_that_ask_for_it() {
    let (env, image) = busybox_world();
    let p = unique("rs");
    let svc = |name: &str, deps: &str| {
        format!(
            "  {name}:\n    image: {image}\n    command: [\"sleep\", \"600\"]\n    stop_signal: SIGKILL\n{deps}"
        )
    };
    let dir = project_yaml(
        &env,
        "rs",
        &format!(
            "services:\n{}{}{}",
            svc("db", ""),
            svc(
                "app",
                "    depends_on:\n      db: {condition: service_started, restart: true}\n"
            ),
            svc("other", "    depends_on: [db]\n"),
        ),
    );
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    let started = |s: &str| {
        env.run([
            "inspect",
            "--format",
            "{{.State.StartedAt}}",
            &format!("{p}-{s}-1"),
        ])
        .stdout()
        .to_string()
    };
    let (app, other) = (started("app"), started("other"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    compose(&env, &dir, &["-p", &p, "restart", "db"])
        .assert_ok()
        .assert_stderr_has(&format!("Container {p}-app-1  Restarting"));
    assert_ne!(started("app"), app, "app asked to be restarted with db");
    assert_eq!(started("other"), other, "other did not");
    down_leaves_nothing(&env, &dir, &p);
}

#[test]
fn a_compose_file_can_come_from_stdin() {
    let env = crate::support::TestEnv::new();
    let dir = project_yaml(&env, "stdin", "services:\n  web:\n    image: busybox\n");
    let with_stdin = |args: &[&str], input: &str| {
        let mut c = env.berth();
        c.current_dir(&dir).arg("compose").args(args);
        crate::support::Outcome::of_with_input(
            &mut c,
            Some(input.as_bytes()),
            crate::support::command_timeout(),
        )
    };
    let out = with_stdin(
        &["-f", "-", "config", "--format", "json"],
        "name: piped\nservices:\n  a:\n    image: busybox\n    volumes: [\"./x:/x\"]\n",
    );
    out.assert_ok();
    let got: Value = serde_json::from_str(out.stdout()).unwrap();
    assert_eq!(got["name"], "piped");
    // Relative paths are the working directory's (there is no file directory).
    assert_eq!(
        got["services"]["a"]["volumes"][0]["source"],
        dir.join("x").to_str().unwrap()
    );
    // As an override after a file.
    let out = with_stdin(
        &[
            "-f",
            "compose.yaml",
            "-f",
            "-",
            "config",
            "--format",
            "json",
        ],
        "services:\n  web:\n    environment: {A: 1}\n",
    );
    out.assert_ok();
    let got: Value = serde_json::from_str(out.stdout()).unwrap();
    assert_eq!(got["services"]["web"]["environment"]["A"], "1");
}

#[test]
fn wait_accepts_a_completed_init_service_and_fails_on_another_exit() {
    let (env, image) = busybox_world();
    let p = unique("wt");
    let base = format!(
        "services:\n  migrate:\n    image: {image}\n    command: [\"true\"]\n  app:\n    image: {image}\n    command: [\"sleep\", \"600\"]\n    stop_signal: SIGKILL\n    depends_on:\n      migrate: {{condition: service_completed_successfully}}\n"
    );
    let dir = project_yaml(&env, "wt", &base);
    compose(&env, &dir, &["-p", &p, "up", "-d", "--wait"])
        .assert_ok()
        .assert_stderr_has(&format!("Container {p}-migrate-1  Exited"));
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
    // A service nobody awaits that exits still fails --wait.
    env.write_file(
        "wt/compose.yaml",
        format!(
            "{base}  oneshot:\n    image: {image}\n    command: [\"sh\", \"-c\", \"exit 3\"]\n"
        ),
    );
    compose(&env, &dir, &["-p", &p, "up", "-d", "--wait"])
        .assert_code(1)
        .assert_stderr_has(&format!("container {p}-oneshot-1 exited (3)"));
    down_leaves_nothing(&env, &dir, &p);
}

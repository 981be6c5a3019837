//! `berth compose`: loading (`config` against the expected resolved model: interpolation, merging,
//! `extends`, profiles, unknown keys), and projects brought up and down against the test registry's
//! busybox: labels, idempotent `up`, recreation on a changed config, `ps`/`logs`/`exec`/`run`,
//! two projects from one file, and `down` removing exactly what the project made.

use crate::support::compose::{compose, down_leaves_nothing, project_dir, project_yaml};
use crate::support::{TestEnv, busybox_world, eventually, unique};
use serde_json::{Value, json};
use std::path::Path;

fn config_json(env: &TestEnv, dir: &Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["config", "--format", "json"]);
    let out = compose(env, dir, &a);
    out.assert_ok();
    serde_json::from_str(out.stdout()).expect("config --format json prints JSON")
}

#[test]
fn config_resolves_interpolation_dotenv_and_override() {
    let env = TestEnv::new();
    let dir = project_dir(
        &env,
        "My_App",
        &[
            (
                "compose.yaml",
                "services:\n  web:\n    image: \"busybox:${TAG:-1.36}\"\n    command: echo \"$$HOME\" ${GREETING:?say hello}\n    ports: [\"${PORT-8080}:80\", \"127.0.0.1:53:53/udp\"]\n    environment: [A=1, B]\n    volumes: [\"./data:/data:ro\", \"cache:/cache\"]\nvolumes:\n  cache: {}\n",
            ),
            (
                "compose.override.yaml",
                "services:\n  web:\n    environment:\n      B: from-override\n    ports: [\"9000-9001:90-91\"]\n",
            ),
            (".env", "GREETING=hi there\nPORT=\n"),
        ],
    );
    let got = config_json(&env, &dir, &[]);
    let data = dir.join("data");
    let want = json!({
        "name": "my_app",
        "services": {"web": {
            "command": ["echo", "$HOME", "hi", "there"],
            "environment": {"A": "1", "B": "from-override"},
            "image": "busybox:1.36",
            "networks": {"default": null},
            "ports": [
                {"mode": "ingress", "protocol": "tcp", "target": 80},
                {"host_ip": "127.0.0.1", "mode": "ingress", "protocol": "udp", "published": "53", "target": 53},
                {"mode": "ingress", "protocol": "tcp", "published": "9000", "target": 90},
                {"mode": "ingress", "protocol": "tcp", "published": "9001", "target": 91}
            ],
            "volumes": [
                {"bind": {"create_host_path": true}, "read_only": true, "source": data.to_str().unwrap(), "target": "/data", "type": "bind"},
                {"source": "cache", "target": "/cache", "type": "volume", "volume": {}}
            ]
        }},
        "networks": {"default": {"name": "my_app_default"}},
        "volumes": {"cache": {"name": "my_app_cache"}}
    });
    assert_eq!(got, want, "{}", serde_json::to_string_pretty(&got).unwrap());
    // `${VAR:?err}` fails with its message; -p and COMPOSE_PROJECT_NAME name the project.
    env.write_file("My_App/.env", "PORT=1\n");
    compose(&env, &dir, &["config"])
        .assert_code(1)
        .assert_stderr_has("required variable GREETING is missing a value: say hello");
    env.write_file("My_App/.env", "GREETING=x\nCOMPOSE_PROJECT_NAME=fromenv\n");
    assert_eq!(config_json(&env, &dir, &[])["name"], "fromenv");
    assert_eq!(config_json(&env, &dir, &["-p", "cli"])["name"], "cli");
    env.write_file("My_App/alt.env", "GREETING=alternative\n");
    let alt = config_json(&env, &dir, &["--env-file", "alt.env"]);
    assert_eq!(
        alt["services"]["web"]["command"],
        json!(["echo", "$HOME", "alternative"])
    );
    assert_eq!(alt["name"], "my_app");
    compose(&env, &dir, &["-p", "Bad Name", "config"])
        .assert_code(1)
        .assert_stderr_has("invalid project name \"Bad Name\"");
}

#[test]
fn config_merges_files_extends_and_profiles_as_the_spec_says() {
    let env = TestEnv::new();
    let dir = project_dir(
        &env,
        "proj",
        &[
            (
                "base.yaml",
                "name: merged\nservices:\n  app:\n    extends: {file: common.yaml, service: tmpl}\n    command: [\"sleep\", \"1\"]\n    environment: {A: \"1\"}\n  debug:\n    image: busybox\n    profiles: [dbg]\n",
            ),
            (
                "common.yaml",
                "services:\n  tmpl:\n    image: busybox\n    labels: [tier=base]\n    environment: {T: \"t\"}\n    cap_add: [NET_ADMIN]\n",
            ),
            (
                "more.yaml",
                "services:\n  app:\n    command: [\"sleep\", \"2\"]\n    environment: {A: \"2\"}\n    cap_add: [SYS_TIME]\n",
            ),
        ],
    );
    let got = config_json(&env, &dir, &["-f", "base.yaml", "-f", "more.yaml"]);
    assert_eq!(
        got["services"],
        json!({"app": {
            "cap_add": ["NET_ADMIN", "SYS_TIME"],
            "command": ["sleep", "2"],
            "environment": {"A": "2", "T": "t"},
            "image": "busybox",
            "labels": {"tier": "base"},
            "networks": {"default": null}
        }})
    );
    assert_eq!(got["name"], "merged");
    let with = config_json(&env, &dir, &["-f", "base.yaml", "--profile", "dbg"]);
    assert!(with["services"].get("debug").is_some(), "{with}");
    let out = compose(&env, &dir, &["-f", "base.yaml", "config", "--services"]);
    out.assert_ok();
    assert_eq!(out.stdout(), "app\n");
    let mut c = env.berth();
    c.current_dir(&dir).env("COMPOSE_PROFILES", "dbg").args([
        "compose",
        "-f",
        "base.yaml",
        "config",
        "--services",
    ]);
    let out = crate::support::Outcome::of(&mut c);
    assert_eq!(out.stdout(), "app\ndebug\n");
}

#[test]
fn an_unknown_key_is_named_with_its_path_file_and_line() {
    let env = TestEnv::new();
    let dir = project_dir(
        &env,
        "typo",
        &[(
            "docker-compose.yml",
            "services:\n  web:\n    image: busybox\n    imagee: busybox\n",
        )],
    );
    let file = dir.join("docker-compose.yml");
    compose(&env, &dir, &["config"])
        .assert_code(1)
        .assert_stderr_has(&format!(
            "{}:4: services.web.imagee: additional property imagee is not allowed",
            file.display()
        ));
    // Found from a subdirectory too (the project directory is the file's).
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    compose(&env, &dir.join("sub"), &["config"])
        .assert_code(1)
        .assert_stderr_has("services.web.imagee");
    let dir = project_yaml(
        &env,
        "dev",
        "services:\n  web:\n    image: busybox\n    links: [db]\n",
    );
    compose(&env, &dir, &["up", "-d"])
        .assert_code(1)
        .assert_stderr_has("services.web.links: not supported by berth");
    compose(&env, &dir, &["ps", "-a", "-q"]).assert_ok();
    env.write_file("dev/compose.yaml", "services:\n  web:\n    image: busybox\n    logging:\n      driver: json-file\n      options: {max-file: 0}\n");
    compose(&env, &dir, &["up", "-d"])
        .assert_code(1)
        .assert_stderr_has(
            "services.web.logging: options.max-file: max-file cannot be less than 1",
        );
    env.write_file(
        "dev/compose.yaml",
        "include: [other.yaml]\nservices:\n  web:\n    image: busybox\n",
    );
    // An include of a file that is not there names it (include itself: tests/compose_compat.rs).
    compose(&env, &dir, &["config"])
        .assert_code(1)
        .assert_stderr_has(&format!(
            "include: open {}: no such file or directory",
            dir.join("other.yaml").display()
        ));
}

fn inspect(env: &TestEnv, name: &str) -> Value {
    let out = env.run(["inspect", name]);
    out.assert_ok();
    serde_json::from_str::<Value>(out.stdout()).unwrap()[0].clone()
}

#[test]
fn up_is_idempotent_recreates_what_changed_and_down_removes_everything() {
    let (env, image) = busybox_world();
    let p = unique("cp");
    let file = |msg: &str| {
        format!(
            "services:\n  db:\n    image: {image}\n    command: [\"sh\", \"-c\", \"echo db ready; exec sleep 600\"]\n    volumes: [\"data:/data\"]\n  web:\n    image: {image}\n    command: sh -c 'echo {msg}; exec sleep 600'\n    depends_on: [db]\n    environment: {{GREETING: {msg}}}\n    labels: {{tier: front}}\n    stop_grace_period: 1s\nvolumes:\n  data: {{}}\n"
        )
    };
    let dir = project_yaml(&env, "app", &file("hello"));
    let up = compose(&env, &dir, &["-p", &p, "up", "-d"]);
    up.assert_ok()
        .assert_stderr_has(&format!("Container {p}-web-1  Started"));
    let web = inspect(&env, &format!("{p}-web-1"));
    let labels = &web["Config"]["Labels"];
    assert_eq!(labels["com.docker.compose.project"], p.as_str());
    assert_eq!(labels["com.docker.compose.service"], "web");
    assert_eq!(labels["com.docker.compose.container-number"], "1");
    assert_eq!(labels["com.docker.compose.oneoff"], "False");
    assert_eq!(
        labels["com.docker.compose.depends_on"],
        "db:service_started:false"
    );
    assert_eq!(labels["tier"], "front");
    assert!(
        web["Config"]["Env"]
            .as_array()
            .unwrap()
            .contains(&json!("GREETING=hello"))
    );
    let id = web["Id"].as_str().unwrap().to_string();
    assert!(
        env.run(["network", "inspect", &format!("{p}_default")])
            .code()
            == 0
    );
    assert!(env.run(["volume", "inspect", &format!("{p}_data")]).code() == 0);

    let ps = compose(
        &env,
        &dir,
        &[
            "-p",
            &p,
            "ps",
            "--format",
            "{{.Name}} {{.Service}} {{.State}}",
        ],
    );
    assert_eq!(
        ps.stdout(),
        format!("{p}-db-1 db running\n{p}-web-1 web running\n")
    );
    compose(&env, &dir, &["-p", &p, "ps", "--services"]).assert_stdout_has("db\nweb\n");
    assert!(eventually(10, || compose(
        &env,
        &dir,
        &["-p", &p, "logs", "web"]
    )
    .stdout()
        == "web-1  | hello\n"));
    let out = compose(&env, &dir, &["-p", &p, "logs", "--no-log-prefix", "db"]);
    assert_eq!(out.stdout(), "db ready\n");
    let ex = compose(
        &env,
        &dir,
        &[
            "-p",
            &p,
            "exec",
            "-T",
            "-e",
            "X=1",
            "web",
            "sh",
            "-c",
            "echo $X $GREETING",
        ],
    );
    ex.assert_ok();
    assert_eq!(ex.stdout(), "1 hello\n");
    compose(
        &env,
        &dir,
        &["-p", &p, "exec", "-T", "web", "sh", "-c", "exit 3"],
    )
    .assert_code(3);

    // Unchanged: nothing recreated. Changed: only web.
    compose(&env, &dir, &["-p", &p, "up", "-d"])
        .assert_ok()
        .assert_stderr_has(&format!("Container {p}-web-1  Running"));
    assert_eq!(inspect(&env, &format!("{p}-web-1"))["Id"], id.as_str());
    let db_id = inspect(&env, &format!("{p}-db-1"))["Id"].clone();
    env.write_file("app/compose.yaml", file("changed"));
    compose(&env, &dir, &["-p", &p, "up", "-d"])
        .assert_ok()
        .assert_stderr_has(&format!("Container {p}-web-1  Recreate"));
    assert_ne!(inspect(&env, &format!("{p}-web-1"))["Id"], id.as_str());
    assert_eq!(inspect(&env, &format!("{p}-db-1"))["Id"], db_id);

    compose(&env, &dir, &["-p", &p, "stop"]).assert_ok();
    compose(
        &env,
        &dir,
        &["-p", &p, "ps", "-a", "--format", "{{.State}}"],
    )
    .assert_stdout_has("exited\nexited\n");
    compose(&env, &dir, &["-p", &p, "start"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "ps", "-q"]).assert_ok();

    compose(&env, &dir, &["-p", &p, "down", "-v", "-t", "1"]).assert_ok();
    assert_eq!(env.run(["ps", "-a", "-q"]).stdout(), "");
    env.run(["network", "inspect", &format!("{p}_default")])
        .assert_code(1);
    env.run(["volume", "inspect", &format!("{p}_data")])
        .assert_code(1);
}

#[test]
fn two_projects_from_one_file_do_not_collide() {
    let (env, image) = busybox_world();
    let (a, b) = (unique("pa"), unique("pb"));
    let dir = project_yaml(
        &env,
        "shared",
        &format!(
            "services:\n  s:\n    image: {image}\n    command: sleep 600\n    stop_signal: SIGKILL\n"
        ),
    );
    compose(&env, &dir, &["-p", &a, "up", "-d"]).assert_ok();
    compose(&env, &dir, &["-p", &b, "up", "-d"]).assert_ok();
    let names = env.run(["ps", "--format", "{{.Names}}"]);
    assert!(
        names.stdout().contains(&format!("{a}-s-1"))
            && names.stdout().contains(&format!("{b}-s-1"))
    );
    // `-p` alone, from a directory without the file: the project is found by its labels.
    compose(&env, env.dir(), &["-p", &a, "down"]).assert_ok();
    env.run(["network", "inspect", &format!("{a}_default")])
        .assert_code(1);
    assert_eq!(
        env.run(["ps", "--format", "{{.Names}}"]).stdout(),
        format!("{b}-s-1\n")
    );
    env.run(["network", "inspect", &format!("{b}_default")])
        .assert_ok();
    down_leaves_nothing(&env, &dir, &b);
}

#[test]
fn foreground_up_prefixes_logs_and_returns_the_exit_code_asked_for() {
    let (env, image) = busybox_world();
    let p = unique("fg");
    let dir = project_yaml(
        &env,
        "fg",
        &format!(
            "services:\n  job:\n    image: {image}\n    command: sh -c 'echo working; exit 7'\n    depends_on:\n      init: {{condition: service_completed_successfully}}\n  init:\n    image: {image}\n    command: echo prepared\n"
        ),
    );
    let out = compose(&env, &dir, &["-p", &p, "up", "--exit-code-from", "job"]);
    out.assert_code(7);
    assert!(
        out.stdout().contains("job-1   | working\n"),
        "{}",
        out.stdout()
    );
    assert!(
        out.stdout().contains("init-1  | prepared\n"),
        "{}",
        out.stdout()
    );
    // `run`: a one-off container with the service's config and the command line's command.
    let run = compose(
        &env,
        &dir,
        &[
            "-p",
            &p,
            "run",
            "--rm",
            "--no-deps",
            "-e",
            "V=2",
            "init",
            "sh",
            "-c",
            "echo one-off $V",
        ],
    );
    run.assert_ok();
    assert_eq!(run.stdout(), "one-off 2\n");
    down_leaves_nothing(&env, &dir, &p);
}

#[test]
fn service_healthy_waits_for_the_dependency_and_names_an_unhealthy_one() {
    let (env, image) = busybox_world();
    let p = unique("hc");
    let file = |check: &str| {
        format!(
            "services:\n  db:\n    image: {image}\n    command: sh -c 'sleep 1; touch /tmp/ok; exec sleep 600'\n    stop_signal: SIGKILL\n    healthcheck:\n      test: {check}\n      interval: 200ms\n      retries: 2\n      start_period: 20s\n  web:\n    image: {image}\n    command: sleep 600\n    stop_signal: SIGKILL\n    depends_on:\n      db: {{condition: service_healthy}}\n"
        )
    };
    let dir = project_yaml(&env, "hc", &file("[\"CMD-SHELL\", \"test -f /tmp/ok\"]"));
    compose(&env, &dir, &["-p", &p, "up", "-d", "--wait"])
        .assert_ok()
        .assert_stderr_has(&format!("Container {p}-db-1  Healthy"));
    let db = inspect(&env, &format!("{p}-db-1"));
    assert_eq!(db["State"]["Health"]["Status"], "healthy");
    assert_eq!(
        inspect(&env, &format!("{p}-web-1"))["State"]["Status"],
        "running"
    );
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();

    env.write_file(
        "hc/compose.yaml",
        file("[\"CMD\", \"sh\", \"-c\", \"echo not yet; exit 1\"]")
            .replace("start_period: 20s", "start_period: 0s"),
    );
    let out = compose(&env, &dir, &["-p", &p, "up", "-d"]);
    out.assert_code(1).assert_stderr_has(&format!(
        "dependency failed to start: container {p}-db-1 is unhealthy (last check exited 1: not yet)"
    ));
    // As docker compose: what was made stays (the dependency, the network), `down` removes it.
    down_leaves_nothing(&env, &dir, &p);
}

#[test]
fn build_sections_are_built_with_berth_build_and_run() {
    let (env, image) = busybox_world();
    let p = unique("bd");
    let dir = project_dir(
        &env,
        "bd",
        &[
            (
                "compose.yaml",
                "services:\n  app:\n    build:\n      context: ./src\n      args: {MSG: built-by-compose}\n      labels: [made=compose]\n",
            ),
            (
                "src/Dockerfile",
                &format!("FROM {image}\nARG MSG\nRUN echo $MSG > /msg\nCMD [\"cat\", \"/msg\"]\n"),
            ),
        ],
    );
    compose(&env, &dir, &["-p", &p, "build"]).assert_ok();
    let img = env.run(["image", "inspect", &format!("{p}-app")]);
    img.assert_ok().assert_stdout_has("\"made\": \"compose\"");
    let run = compose(&env, &dir, &["-p", &p, "run", "--rm", "app"]);
    run.assert_ok();
    assert_eq!(run.stdout(), "built-by-compose\n");
    let up = compose(
        &env,
        &dir,
        &["-p", &p, "up", "--build", "--abort-on-container-exit"],
    );
    up.assert_ok()
        .assert_stdout_has("app-1  | built-by-compose\n");
    compose(&env, &dir, &["-p", &p, "down", "--rmi", "local"]).assert_ok();
    env.run(["image", "inspect", &format!("{p}-app")])
        .assert_code(1);
}

#[test]
fn a_taken_port_names_the_port_and_the_service() {
    let (env, image) = busybox_world();
    let p = unique("pt");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = project_yaml(
        &env,
        "pt",
        &format!(
            "services:\n  web:\n    image: {image}\n    command: sleep 600\n    ports: [\"127.0.0.1:{port}:80\"]\n"
        ),
    );
    let out = compose(&env, &dir, &["-p", &p, "up", "-d"]);
    out.assert_code(1).assert_stderr_has(&format!(
        "service \"web\": starting container {p}-web-1: Bind for 127.0.0.1:{port} failed: port is already allocated"
    ));
    down_leaves_nothing(&env, &dir, &p);
}

#[test]
fn rootless_up_and_down() {
    let (env, image) = TestEnv::rootless().with_image(crate::support::fixtures::BUSYBOX);
    let p = unique("rl");
    let dir = project_yaml(
        &env,
        "rl",
        &format!(
            "services:\n  a:\n    image: {image}\n    command: sh -c 'echo rootless up; exec sleep 600'\n    stop_signal: SIGKILL\n    volumes: [\"v:/v\"]\nvolumes:\n  v: {{}}\n"
        ),
    );
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    assert!(eventually(10, || compose(
        &env,
        &dir,
        &["-p", &p, "logs", "a"]
    )
    .stdout()
        == "a-1  | rootless up\n"));
    let ex = compose(&env, &dir, &["-p", &p, "exec", "-T", "a", "id", "-u"]);
    ex.assert_ok();
    assert_eq!(ex.stdout(), "0\n");
    compose(&env, &dir, &["-p", &p, "down", "-v"]).assert_ok();
    assert_eq!(env.run(["ps", "-a", "-q"]).stdout(), "");
    env.run(["volume", "inspect", &format!("{p}_v")])
        .assert_code(1);
}

#[test]
fn service_keys_reach_the_container() {
    let (env, image) = busybox_world();
    let p = unique("keys");
    let yaml = format!(
        r#"services:
  web:
    image: {image}
    command: ["sleep", "600"]
    user: "1000:1000"
    working_dir: /tmp
    hostname: webhost
    read_only: true
    tmpfs: ["/scratch:size=1m"]
    cap_drop: [ALL]
    init: true
    stop_signal: SIGKILL
    env_file: [web.env]
    environment: {{FROM_FILE: overridden}}
    shm_size: 8m
    ulimits: {{nofile: {{soft: 100, hard: 200}}}}
    extra_hosts: ["gateway.test=10.1.2.3"]
    dns: [1.1.1.1]
    deploy:
      resources:
        limits: {{memory: 64m, pids: 50, cpus: "0.5"}}
    secrets: [token]
    configs: [{{source: settings, target: /etc/settings.conf}}]
    networks:
      default:
      back: {{aliases: [webby]}}
  db:
    image: {image}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    networks: [back]
    deploy: {{replicas: 2}}
networks:
  back: {{}}
secrets:
  token: {{file: ./token.txt}}
configs:
  settings: {{file: ./settings.conf}}
"#
    );
    let dir = project_dir(
        &env,
        "keys",
        &[
            ("compose.yaml", &yaml),
            ("web.env", "FROM_FILE=file\nONLY_FILE=yes\n"),
            ("token.txt", "s3cret\n"),
            ("settings.conf", "k=v\n"),
        ],
    );
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    let web = inspect(&env, &format!("{p}-web-1"));
    let hc = &web["HostConfig"];
    assert_eq!(web["Config"]["User"], "1000:1000");
    assert_eq!(web["Config"]["WorkingDir"], "/tmp");
    assert_eq!(web["Config"]["Hostname"], "webhost");
    assert_eq!(hc["ReadonlyRootfs"], true);
    assert_eq!(hc["Memory"], 64 << 20);
    assert_eq!(hc["PidsLimit"], 50);
    assert_eq!(hc["NanoCpus"], 500_000_000);
    assert_eq!(hc["ShmSize"], 8 << 20);
    let env_list = web["Config"]["Env"].as_array().unwrap();
    assert!(
        env_list.contains(&json!("FROM_FILE=overridden"))
            && env_list.contains(&json!("ONLY_FILE=yes")),
        "{env_list:?}"
    );
    let ex = |cmd: &str| {
        let o = compose(
            &env,
            &dir,
            &["-p", &p, "exec", "-T", "web", "sh", "-c", cmd],
        );
        o.assert_ok();
        o.stdout().to_string()
    };
    assert_eq!(
        ex("cat /run/secrets/token /etc/settings.conf"),
        "s3cret\nk=v\n"
    );
    assert_eq!(ex("ulimit -n; id -u; hostname"), "100\n1000\nwebhost\n");
    assert!(
        ex("cat /etc/hosts").contains("10.1.2.3\tgateway.test"),
        "{}",
        ex("cat /etc/hosts")
    );
    assert_eq!(
        ex("touch /scratch/x && echo ok; touch /nope 2>/dev/null || echo ro"),
        "ok\nro\n"
    );
    // Services reach each other by service name and alias on their shared network.
    let ping = compose(
        &env,
        &dir,
        &[
            "-p",
            &p,
            "exec",
            "-T",
            "db",
            "sh",
            "-c",
            // (a few tries: one lost echo on a loaded machine is not what this checks)
            "for i in 1 2 3 4 5; do ping -c1 -W2 webby >/dev/null && ping -c1 -W2 web >/dev/null && echo reached && break; sleep 1; done",
        ],
    );
    assert_eq!(ping.stdout(), "reached\n", "{}", ping.stderr());
    // deploy.replicas and --scale: containers -1, -2 (-3).
    compose(&env, &dir, &["-p", &p, "ps", "--format", "{{.Name}}", "db"])
        .assert_stdout_has(&format!("{p}-db-1\n{p}-db-2\n"));
    compose(&env, &dir, &["-p", &p, "up", "-d", "--scale", "db=3"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "ps", "-q", "db"]).assert_ok();
    assert_eq!(
        compose(&env, &dir, &["-p", &p, "ps", "-q", "db"])
            .stdout()
            .lines()
            .count(),
        3
    );
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
    env.run(["network", "inspect", &format!("{p}_back")])
        .assert_code(1);
}

#[test]
fn the_other_verbs_act_on_the_project_containers() {
    let (env, image) = busybox_world();
    let p = unique("ov");
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = project_yaml(
        &env,
        "ov",
        &format!(
            "services:\n  s:\n    image: {image}\n    command: sh -c 'echo one; echo two; exec sleep 600'\n    stop_signal: SIGKILL\n    ports: [\"127.0.0.1:{free}:80\"]\n"
        ),
    );
    // --project-directory from elsewhere, the config file found there.
    let pd = dir.to_str().unwrap();
    compose(
        &env,
        env.dir(),
        &["--project-directory", pd, "-p", &p, "create"],
    )
    .assert_ok();
    compose(
        &env,
        &dir,
        &[
            "-p",
            &p,
            "ps",
            "-a",
            "--status",
            "created",
            "--format",
            "{{.Service}}",
        ],
    )
    .assert_stdout_has("s\n");
    compose(&env, &dir, &["-p", &p, "start"]).assert_ok();
    assert!(eventually(10, || compose(
        &env,
        &dir,
        &["-p", &p, "logs", "--tail", "1", "s"]
    )
    .stdout()
        == "s-1  | two\n"));
    let port = compose(&env, &dir, &["-p", &p, "port", "s", "80"]);
    assert_eq!(port.stdout(), format!("127.0.0.1:{free}\n"));
    compose(&env, &dir, &["-p", &p, "top"])
        .assert_ok()
        .assert_stdout_has("sleep 600");
    compose(&env, &dir, &["-p", &p, "images"])
        .assert_ok()
        .assert_stdout_has(&format!("{p}-s-1"));
    compose(&env, &dir, &["ls"])
        .assert_ok()
        .assert_stdout_has(&p);
    compose(&env, &dir, &["-p", &p, "pause"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "ps", "--format", "{{.State}}"]).assert_stdout_has("paused\n");
    compose(&env, &dir, &["-p", &p, "unpause"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "kill"]).assert_ok();
    compose(
        &env,
        &dir,
        &["-p", &p, "ps", "-a", "--format", "{{.State}}"],
    )
    .assert_stdout_has("exited\n");
    compose(&env, &dir, &["-p", &p, "restart"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "ps", "--format", "{{.State}}"]).assert_stdout_has("running\n");
    compose(&env, &dir, &["-p", &p, "rm", "-s", "-f"]).assert_ok();
    assert_eq!(env.run(["ps", "-a", "-q"]).stdout(), "");
    compose(&env, &dir, &["version", "--short"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
}

#[test]
fn ctrl_c_stops_a_foreground_project() {
    let (env, image) = busybox_world();
    let p = unique("cc");
    let dir = project_yaml(
        &env,
        "cc",
        &format!(
            "services:\n  s:\n    image: {image}\n    command: sleep 600\n    stop_signal: SIGKILL\n"
        ),
    );
    let mut cmd = env.berth();
    cmd.current_dir(&dir).args(["compose", "-p", &p, "up"]);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    assert!(eventually(30, || compose(
        &env,
        &dir,
        &["-p", &p, "ps", "--format", "{{.State}}"]
    )
    .stdout()
        == "running\n"));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let mut status = None;
    assert!(eventually(30, || {
        status = child.try_wait().unwrap();
        status.is_some()
    }));
    assert_eq!(status.unwrap().code(), Some(130));
    compose(
        &env,
        &dir,
        &["-p", &p, "ps", "-a", "--format", "{{.State}}"],
    )
    .assert_stdout_has("exited\n");
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
}

#[test]
fn the_example_project_resolves() {
    let env = TestEnv::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/compose");
    let got = config_json(&env, &dir, &["--profile", "extra"]);
    assert_eq!(got["name"], "berth-demo");
    assert_eq!(got["services"]["web"]["ports"][0]["published"], "8080");
    assert_eq!(
        got["services"]["web"]["depends_on"]["setup"]["condition"],
        "service_healthy"
    );
    assert!(
        got["services"]["counter"]["command"][2]
            .as_str()
            .unwrap()
            .contains("sleep 2")
    );
    assert_eq!(got["volumes"]["shared"]["name"], "berth-demo_shared");
}

#[test]
fn top_level_networks_and_volumes_are_honoured() {
    let (env, image) = busybox_world();
    let p = unique("tl");
    let b = 150 + std::process::id() % 50;
    let ext = unique("extvol");
    env.run(["volume", "create", &ext]).assert_ok();
    let yaml = format!(
        "services:\n  s:\n    image: {image}\n    command: sleep 600\n    stop_signal: SIGKILL\n    networks:\n      front: {{ipv4_address: 10.{b}.7.9}}\n    volumes: [\"keep:/keep\", \"data:/data\"]\nnetworks:\n  front:\n    internal: true\n    ipam:\n      config: [{{subnet: 10.{b}.7.0/24}}]\nvolumes:\n  keep: {{external: true, name: {ext}}}\n  data:\n    labels: {{owner: tests}}\n"
    );
    let dir = project_yaml(&env, "tl", &yaml);
    compose(&env, &dir, &["-p", &p, "config", "--volumes"]).assert_stdout_has("data\nkeep\n");
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    let net = env.run(["network", "inspect", &format!("{p}_front")]);
    net.assert_ok().assert_stdout_has(&format!("10.{b}.7.0/24"));
    let s = inspect(&env, &format!("{p}-s-1"));
    assert_eq!(
        s["NetworkSettings"]["Networks"][format!("{p}_front")]["IPAddress"],
        format!("10.{b}.7.9")
    );
    env.run(["volume", "inspect", &format!("{p}_data")])
        .assert_ok()
        .assert_stdout_has("\"owner\": \"tests\"");
    compose(&env, &dir, &["-p", &p, "down", "-v"]).assert_ok();
    // An external volume is not the project's: `down -v` leaves it.
    env.run(["volume", "inspect", &ext]).assert_ok();
    env.run(["volume", "inspect", &format!("{p}_data")])
        .assert_code(1);
    let missing = yaml
        .replace("keep: {external: true", "keep: {external: true, x-none: 1")
        .replace(&ext, "no-such-volume-here");
    env.write_file("tl/compose.yaml", missing);
    compose(&env, &dir, &["-p", &p, "up", "-d"])
        .assert_code(1)
        .assert_stderr_has("external volume \"no-such-volume-here\" not found");
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
}

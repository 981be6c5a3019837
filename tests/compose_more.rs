//! `berth compose`, the keys that map onto `run`'s newer flags (devices, logging, reservations, CFS,
//! blkio, network IPAM ranges, volume driver options), `network_mode: service:x`, external networks,
//! and the verbs added after the first round.

use crate::support::compose::{compose, project_yaml as project_dir};
use crate::support::{TestEnv, busybox_world, eventually, unique};
use serde_json::Value;

fn inspect(env: &TestEnv, what: &[&str]) -> Value {
    let mut a = what.to_vec();
    a.insert(a.len() - 1, "inspect");
    let out = env.run(a);
    out.assert_ok();
    serde_json::from_str::<Value>(out.stdout()).unwrap()[0].clone()
}

#[test]
fn devices_logging_resources_ipam_and_volume_options_reach_the_engine() {
    let (env, image) = busybox_world();
    let p = unique("runkeys");
    let b = 100 + std::process::id() % 50;
    let yaml = format!(
        r#"services:
  s:
    image: {image}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    devices: ["/dev/zero:/dev/myzero:r"]
    logging:
      driver: json-file
      options: {{max-size: 1k, max-file: "2"}}
    mem_reservation: 32m
    cpu_period: 100000
    cpu_quota: 50000
    networks: [net]
    volumes: ["scratch:/scratch"]
networks:
  net:
    ipam:
      config:
        - subnet: 10.{b}.9.0/24
          ip_range: 10.{b}.9.128/25
          aux_addresses: {{reserved: 10.{b}.9.200}}
volumes:
  scratch:
    driver_opts: {{type: tmpfs, device: tmpfs, o: size=1m}}
"#
    );
    let dir = project_dir(&env, "runkeys", &yaml);
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    let c = inspect(&env, &[&format!("{p}-s-1")]);
    let hc = &c["HostConfig"];
    assert_eq!(hc["Devices"][0]["PathInContainer"], "/dev/myzero");
    assert_eq!(hc["Devices"][0]["CgroupPermissions"], "r");
    assert_eq!(hc["LogConfig"]["Type"], "json-file");
    assert_eq!(hc["LogConfig"]["Config"]["max-size"], "1k");
    assert_eq!(hc["MemoryReservation"], 32 << 20);
    assert_eq!(
        (hc["CpuPeriod"].clone(), hc["CpuQuota"].clone()),
        (100000.into(), 50000.into())
    );
    // The address comes from the range.
    let ip = c["NetworkSettings"]["Networks"][format!("{p}_net")]["IPAddress"]
        .as_str()
        .unwrap()
        .to_string();
    let last: u8 = ip.rsplit('.').next().unwrap().parse().unwrap();
    assert!(last >= 128, "{ip} is outside the ip_range");
    let n = inspect(&env, &["network", &format!("{p}_net")]);
    assert_eq!(
        n["IPAM"]["Config"][0]["IPRange"],
        format!("10.{b}.9.128/25")
    );
    assert_eq!(
        n["IPAM"]["Config"][0]["AuxiliaryAddresses"]["reserved"],
        format!("10.{b}.9.200")
    );
    let v = inspect(&env, &["volume", &format!("{p}_scratch")]);
    assert_eq!(v["Options"]["type"], "tmpfs");
    env.run(["exec", &format!("{p}-s-1"), "ls", "/dev/myzero"])
        .assert_ok();
    compose(&env, &dir, &["-p", &p, "down", "-v"]).assert_ok();
    // A driver berth has not is refused by name, before anything is created.
    let bad = yaml.replace("driver: json-file", "driver: syslog");
    env.write_file("runkeys/compose.yaml", bad);
    compose(&env, &dir, &["-p", &p, "up", "-d"])
        .assert_code(1)
        .assert_stderr_has(
            "services.s.logging: driver: logger: no log driver named 'syslog' is registered",
        );
    env.run(["network", "inspect", &format!("{p}_net")])
        .assert_code(1);
}

#[test]
fn network_mode_service_and_external_networks() {
    let (env, image) = busybox_world();
    let p = unique("netmode");
    let ext = unique("extnet");
    env.run(["network", "create", &ext]).assert_ok();
    let yaml = format!(
        r#"services:
  a:
    image: {image}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    hostname: shared
    networks: [outside]
  b:
    image: {image}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    network_mode: "service:a"
    depends_on: [a]
networks:
  outside:
    external: true
    name: {ext}
"#
    );
    let dir = project_dir(&env, "netmode", &yaml);
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    let a = inspect(&env, &[&format!("{p}-a-1")]);
    let b = inspect(&env, &[&format!("{p}-b-1")]);
    assert!(a["NetworkSettings"]["Networks"][&ext].is_object(), "{a}");
    let mode = b["HostConfig"]["NetworkMode"].as_str().unwrap().to_string();
    assert!(
        mode == format!("container:{p}-a-1")
            || mode == format!("container:{}", a["Id"].as_str().unwrap()),
        "{mode}"
    );
    // b lives in a's network namespace: it sees a's interfaces.
    let ip = a["NetworkSettings"]["Networks"][&ext]["IPAddress"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(eventually(10, || {
        let out = env.run(["exec", &format!("{p}-b-1"), "ip", "-4", "addr"]);
        out.stdout().contains(&ip)
    }));
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
    // An external network is not the project's: `down` leaves it; a missing one fails `up`.
    env.run(["network", "inspect", &ext]).assert_ok();
    env.run(["network", "rm", &ext]).assert_ok();
    compose(&env, &dir, &["-p", &p, "up", "-d"])
        .assert_code(1)
        .assert_stderr_has(&format!(
            "network {ext} declared as external, but could not be found"
        ));
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
}

#[test]
fn wait_stats_cp_scale_and_run_volumes_act_on_the_services() {
    let (env, image) = busybox_world();
    let p = unique("verbs");
    let yaml = format!(
        r#"services:
  s:
    image: {image}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
  once:
    image: {image}
    command: ["sh", "-c", "exit 3"]
"#
    );
    let dir = project_dir(&env, "verbs", &yaml);
    env.write_file("verbs/data/f.txt", "from the host\n");
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "wait", "once"])
        .assert_ok()
        .assert_stdout_has("3\n");
    compose(&env, &dir, &["-p", &p, "cp", "data/f.txt", "s:/tmp/f.txt"]).assert_ok();
    env.run(["exec", &format!("{p}-s-1"), "cat", "/tmp/f.txt"])
        .assert_ok()
        .assert_stdout_has("from the host");
    compose(&env, &dir, &["-p", &p, "cp", "s:/tmp/f.txt", "back.txt"]).assert_ok();
    assert_eq!(
        std::fs::read_to_string(dir.join("back.txt")).unwrap(),
        "from the host\n"
    );
    compose(&env, &dir, &["-p", &p, "cp", "nope:/x", "y"])
        .assert_code(1)
        .assert_stderr_has("unknown copy direction");
    compose(
        &env,
        &dir,
        &[
            "-p",
            &p,
            "stats",
            "--no-stream",
            "--format",
            "{{.Name}}",
            "s",
        ],
    )
    .assert_ok()
    .assert_stdout_has(&format!("{p}-s-1\n"));
    compose(&env, &dir, &["-p", &p, "scale", "s=2"]).assert_ok();
    env.run(["inspect", &format!("{p}-s-2")]).assert_ok();
    compose(
        &env,
        &dir,
        &[
            "-p",
            &p,
            "run",
            "--rm",
            "-v",
            "./data:/data:ro",
            "s",
            "cat",
            "/data/f.txt",
        ],
    )
    .assert_ok()
    .assert_stdout_has("from the host");
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
}

#[test]
fn events_streams_the_project_container_events() {
    use std::io::BufRead;
    let (env, image) = busybox_world();
    let p = unique("events");
    let yaml = format!(
        "services:\n  s:\n    image: {image}\n    command: [\"sleep\", \"600\"]\n    stop_signal: SIGKILL\n"
    );
    let dir = project_dir(&env, "events", &yaml);
    let mut cmd = env.berth();
    cmd.current_dir(&dir)
        .args(["compose", "-p", &p, "events", "--json"])
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The stream starts when the child has opened the log: act until it reports something.
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline && !seen.iter().any(|a| a == "start") {
        // Another container's events are not this project's.
        env.run(["run", "--rm", &image, "true"]).assert_ok();
        compose(&env, &dir, &["-p", &p, "up", "-d", "--force-recreate"]).assert_ok();
        while let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(500)) {
            let ev: Value = serde_json::from_str(&line).unwrap();
            assert_eq!(ev["service"], "s", "{line}");
            assert_eq!(ev["type"], "container", "{line}");
            seen.push(ev["action"].as_str().unwrap().to_string());
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.contains(&"create".to_string()) && seen.contains(&"start".to_string()),
        "{seen:?}"
    );
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
}

#[test]
fn attach_follows_the_service_container_output() {
    use std::io::BufRead;
    let (env, image) = busybox_world();
    let p = unique("attach");
    let yaml = format!(
        "services:\n  s:\n    image: {image}\n    command: [\"sh\", \"-c\", \"while true; do echo tick; sleep 0.2; done\"]\n    stop_signal: SIGKILL\n"
    );
    let dir = project_dir(&env, "attach", &yaml);
    compose(&env, &dir, &["-p", &p, "up", "-d"]).assert_ok();
    compose(&env, &dir, &["-p", &p, "attach", "--index", "2", "s"])
        .assert_code(1)
        .assert_stderr_has("service \"s\" is not running container #2");
    let mut cmd = env.berth();
    cmd.current_dir(&dir)
        .args(["compose", "-p", &p, "attach", "--no-stdin", "s"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(out).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(std::time::Duration::from_secs(20));
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("attach printed the container's output");
    assert_eq!(line, "tick\n");
    compose(&env, &dir, &["-p", &p, "down"]).assert_ok();
}

#[test]
fn config_prints_docker_compose_key_order_and_expands_dotenv_references() {
    let env = TestEnv::new();
    env.write_file("order/.env", "TAG=1.36\nIMAGE=busybox:${TAG}\n");
    let dir = project_dir(
        &env,
        "order",
        "services:\n  web:\n    ports: [\"8080:80\"]\n    image: ${IMAGE}\n    command: [\"true\"]\n",
    );
    let out = compose(&env, &dir, &["config"]);
    out.assert_ok();
    let want = "services:\n  web:\n    command:\n    - 'true'\n    image: busybox:1.36\n    networks:\n      default: null\n    ports:\n    - mode: ingress\n      target: 80\n      published: '8080'\n      protocol: tcp\n";
    assert!(out.stdout().contains(want), "{}", out.stdout());
}

#[test]
fn push_sends_each_service_image_that_has_a_name() {
    let (env, image) = busybox_world();
    // busybox_world's image lives in the shared test registry: push a retag beside it.
    let registry = image.split('/').next().unwrap().to_string();
    let repo = unique("cpush");
    let target = format!("{registry}/{repo}/app:1");
    env.run(["tag", &image, &target]).assert_ok();
    let dir = project_dir(
        &env,
        "push",
        &format!(
            "services:\n  app:\n    image: {target}\n    command: true\n  nameless:\n    build:\n      context: .\n"
        ),
    );
    let out = compose(&env, &dir, &["push", "app"]);
    out.assert_ok();
    assert!(
        out.stdout().contains(&format!(
            "The push refers to repository [{registry}/{repo}/app]"
        )),
        "{}",
        out.stdout()
    );
    assert!(
        out.stdout().contains("1: digest: sha256:"),
        "{}",
        out.stdout()
    );
    // A fresh store pulls it back.
    let other = TestEnv::new();
    other.run(["pull", "-q", &target]).assert_ok();
    // A missing image fails naming the service, unless failures are ignored.
    let gone = project_dir(
        &env,
        "gone",
        &format!("services:\n  ghost:\n    image: {registry}/{repo}/ghost:1\n"),
    );
    let out = compose(&env, &gone, &["push"]);
    out.assert_code(1);
    assert!(
        out.stderr().contains("service \"ghost\""),
        "{}",
        out.stderr()
    );
    compose(&env, &gone, &["push", "--ignore-push-failures"]).assert_ok();
}

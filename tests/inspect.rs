//! `inspect` as clients parse it (issue 13, "Output that clients parse"): docker's not-found errors and
//! exit codes, `inspect` of every kind of object with and without `--type`, and the fields of a
//! container's inspect that its flags and its image set. Root only (a container store and networks).

use crate::support::fixtures;
use crate::support::{TestEnv, busybox_world, unique};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

/// A /24 no other test of this run uses: 10.(150 + pid % 50).N.0/24 (tests/network.rs takes 200-249).
fn unique_subnet() -> String {
    static N: AtomicU32 = AtomicU32::new(1);
    let b = 150 + std::process::id() % 50;
    let c = N.fetch_add(1, Ordering::SeqCst) % 250;
    format!("10.{b}.{c}.0/24")
}

/// The one object `inspect ARGS` printed (asserted to succeed).
fn inspect_one(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["inspect"];
    all.extend_from_slice(args);
    let out = env.run(all);
    out.assert_ok();
    let v: Value = serde_json::from_str(out.stdout()).expect("inspect prints JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    v[0].clone()
}

/// Without `--type`, a name is looked up as a container, an image, a volume, a network and a pod in
/// turn; `--type network|volume|pod` ask for one kind; a name nothing has is docker's "No such object"
/// (exit 1, `[]` on stdout), and an unknown network is "No such network" with `--type network`.
#[test]
fn inspect_finds_networks_volumes_and_pods_with_and_without_a_type() {
    let env = TestEnv::new();
    let net = unique("inet");
    env.run(["network", "create", "--subnet", &unique_subnet(), &net])
        .assert_ok();
    let vol = unique("ivol");
    env.run(["volume", "create", &vol]).assert_ok();
    let pod = unique("ipod");
    env.run(["pod", "create", "--name", &pod]).assert_ok();

    let n = inspect_one(&env, &[&net]);
    assert_eq!(n["Name"], net.as_str());
    assert_eq!(n["Driver"], "bridge");
    assert_eq!(
        inspect_one(&env, &["--type", "network", &net])["Id"],
        n["Id"]
    );
    env.run(["inspect", "--type", "network", "-f", "{{.Name}}", &net])
        .assert_ok()
        .assert_stdout_eq(&format!("{net}\n"));

    assert_eq!(inspect_one(&env, &[&vol])["Name"], vol.as_str());
    assert_eq!(
        inspect_one(&env, &["--type", "volume", &vol])["Driver"],
        "local"
    );

    let p = inspect_one(&env, &[&pod]);
    assert_eq!(p["Name"], pod.as_str());
    assert_eq!(inspect_one(&env, &["--type", "pod", &pod])["Id"], p["Id"]);
    // A member joins the namespaces its pod shares (ipc by default, not pid): podman's
    // `container:<infra id>`.
    let (busybox, pulled) = env.pull(fixtures::BUSYBOX);
    pulled.assert_ok();
    let member = unique("imem");
    env.run(["create", "--pod", &pod, "--name", &member, &busybox, "true"])
        .assert_ok();
    let m = inspect_one(&env, &["--type", "container", &member]);
    assert_eq!(
        m["HostConfig"]["IpcMode"],
        format!("container:{}", p["InfraContainerID"].as_str().unwrap())
    );
    assert_eq!(m["HostConfig"]["PidMode"], "");

    let missing = unique("nothing");
    env.run(["inspect", &missing])
        .assert_code(1)
        .assert_stdout_eq("[]\n")
        .assert_stderr_has(&format!("Error: No such object: {missing}"));
    env.run(["inspect", "--type", "network", &missing])
        .assert_code(1)
        .assert_stderr_has(&format!("Error: No such network: {missing}"));
    env.run(["inspect", "--type", "container", &missing])
        .assert_code(1)
        .assert_stderr_has(&format!("Error: No such container: {missing}"));
    env.run(["inspect", "--type", "image", &missing])
        .assert_code(1)
        .assert_stderr_has(&format!("Error: No such image: {missing}"));
    env.run(["inspect", "--type", "bogus", &net])
        .assert_code(1)
        .assert_stderr_has("\"bogus\" is not a valid value for --type");
    // One name found, one not: the found one is printed, the exit code is 1.
    let both = env.run(["inspect", "-f", "{{.Name}}", &net, &missing]);
    both.assert_code(1)
        .assert_stdout_eq(&format!("{net}\n"))
        .assert_stderr_has(&format!("No such object: {missing}"));

    // (Removing a never-started pod is another item of issue 13; the world's teardown cleans up.)
    let _ = env.run(["pod", "rm", "-f", &pod]);
    env.run(["network", "rm", &net]).assert_ok();
}

/// Not-found errors in docker's words and exit code 1, for the verbs whose words clients match
/// (`No such container`, `No such image`, `network X not found`); `network connect` and `disconnect`
/// look the network up before the container, as docker's daemon does.
#[test]
fn not_found_errors_use_dockers_words() {
    let (env, image) = busybox_world();
    let missing = unique("gone");
    env.run(["rmi", &missing])
        .assert_code(1)
        .assert_stderr_has(&format!("No such image: {missing}"));
    env.run(["image", "inspect", &missing])
        .assert_code(1)
        .assert_stderr_has(&format!("Error: No such image: {missing}"));
    env.run(["container", "inspect", &missing])
        .assert_code(1)
        .assert_stderr_has(&format!("Error: No such container: {missing}"));
    env.run(["network", "inspect", &missing])
        .assert_code(1)
        .assert_stderr_has(&format!("Error: No such network: {missing}"));
    env.run(["network", "rm", &missing])
        .assert_code(1)
        .assert_stderr_has(&format!("network {missing} not found"));
    let name = unique("nf");
    env.run(["create", "--name", &name, &image, "true"])
        .assert_ok();
    for verb in ["connect", "disconnect"] {
        env.run(["network", verb, &missing, &name])
            .assert_code(1)
            .assert_stderr_has(&format!("network {missing} not found"));
    }
    env.run(["rm", &name]).assert_ok();
}

/// An image with a HEALTHCHECK and an EXPOSEd port, pushed to the shared registry: its reference.
fn image_with_healthcheck() -> String {
    fixtures::pushed_busybox_image(
        "health",
        json!({
            "Env": [fixtures::PATH_ENV, "FROM_IMAGE=1"],
            "Cmd": ["sh"],
            "ExposedPorts": {"9000/tcp": {}},
            "Healthcheck": {"Test": ["CMD-SHELL", "true"], "Interval": 30_000_000_000_u64},
        }),
    )
}

/// The fields of a container's inspect that its flags set, in docker's shapes: PortBindings, Dns,
/// DnsSearch, ExtraHosts, Init, the namespace modes, LogConfig, StopTimeout, ExposedPorts (the image's
/// and `-p`'s), the image's Healthcheck, Env as docker merges it (nothing berth adds at start),
/// Mounts[].Mode, and one GraphDriver name for images and containers.
#[test]
fn container_inspect_fills_what_its_flags_and_image_set() {
    let env = TestEnv::new();
    let image = image_with_healthcheck();
    env.run(["pull", "-q", &image]).assert_ok();
    let name = unique("insf");
    let vol = unique("insv");
    let host_dir = env
        .write_file("hostdir/f", "x")
        .parent()
        .unwrap()
        .to_path_buf();
    let bind = format!("{}:/hostdir:ro", host_dir.display());
    env.run([
        "create",
        "--name",
        &name,
        "-p",
        "127.0.0.1:8080:80",
        "-p",
        "53/udp",
        "--dns",
        "192.0.2.53",
        "--dns-search",
        "example.com",
        "--add-host",
        "db:192.0.2.7",
        "--init",
        "--stop-timeout",
        "7",
        "-e",
        "A=1",
        "-e",
        "FROM_IMAGE=user",
        "-v",
        &format!("{vol}:/data"),
        "-v",
        &bind,
        &image,
        "true",
    ])
    .assert_ok();
    let c = inspect_one(&env, &[&name]);
    let h = &c["HostConfig"];
    assert_eq!(
        h["PortBindings"],
        json!({
            "53/udp": [{"HostIp": "", "HostPort": ""}],
            "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}],
        })
    );
    assert_eq!(h["Dns"], json!(["192.0.2.53"]));
    assert_eq!(h["DnsSearch"], json!(["example.com"]));
    assert_eq!(h["ExtraHosts"], json!(["db:192.0.2.7"]));
    assert_eq!(h["Init"], json!(true));
    let cgroup_v2 = std::path::Path::new("/sys/fs/cgroup/cgroup.controllers").exists();
    assert_eq!(
        h["CgroupnsMode"],
        if cgroup_v2 { "private" } else { "host" }
    );
    assert_eq!(h["IpcMode"], "private");
    assert_eq!(h["PidMode"], "");
    assert_eq!(h["LogConfig"], json!({"Type": "json-file", "Config": {}}));
    let cfg = &c["Config"];
    assert_eq!(cfg["StopTimeout"], 7);
    assert_eq!(
        cfg["ExposedPorts"],
        json!({"53/udp": {}, "80/tcp": {}, "9000/tcp": {}})
    );
    assert_eq!(
        cfg["Healthcheck"],
        json!({"Test": ["CMD-SHELL", "true"], "Interval": 30_000_000_000_u64})
    );
    assert_eq!(
        cfg["Env"],
        json!(["A=1", "FROM_IMAGE=user", fixtures::PATH_ENV])
    );
    let mount = |dest: &str| {
        c["Mounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["Destination"] == dest)
            .unwrap_or_else(|| panic!("no mount at {dest} in {}", c["Mounts"]))
            .clone()
    };
    let data = mount("/data");
    assert_eq!(data["Type"], "volume");
    assert_eq!(data["Name"], vol.as_str());
    assert_eq!(data["Mode"], "z");
    assert_eq!(data["RW"], true);
    let hostdir = mount("/hostdir");
    assert_eq!(hostdir["Type"], "bind");
    assert_eq!(hostdir["Mode"], "ro");
    assert_eq!(hostdir["RW"], false);
    assert!(hostdir.get("Name").is_none(), "{hostdir}");
    assert_eq!(c["Driver"], "overlay2");
    assert_eq!(c["GraphDriver"]["Name"], "overlay2");
    env.run(["image", "inspect", "-f", "{{.GraphDriver.Name}}", &image])
        .assert_ok()
        .assert_stdout_eq("overlay2\n");
    // Go templates see the same values.
    env.run([
        "inspect",
        "-f",
        "{{.HostConfig.Init}} {{.Config.StopTimeout}}",
        &name,
    ])
    .assert_ok()
    .assert_stdout_eq("true 7\n");

    // Without those flags, from an image without them: docker's empty values.
    let plain = unique("insp0");
    let (busybox, pulled) = env.pull(fixtures::BUSYBOX);
    pulled.assert_ok();
    env.run(["create", "--name", &plain, &busybox, "true"])
        .assert_ok();
    let p = inspect_one(&env, &[&plain]);
    assert_eq!(p["HostConfig"]["Init"], Value::Null);
    assert_eq!(p["HostConfig"]["PortBindings"], json!({}));
    assert_eq!(p["HostConfig"]["ExtraHosts"], Value::Null);
    assert!(p["Config"].get("StopTimeout").is_none(), "{}", p["Config"]);
    assert!(p["Config"].get("Healthcheck").is_none(), "{}", p["Config"]);
    assert_eq!(p["Config"]["ExposedPorts"], Value::Null);
    assert_eq!(p["Config"]["Env"], json!([fixtures::PATH_ENV]));
    env.run(["rm", &plain]).assert_ok();
    env.run(["rm", "-v", &name]).assert_ok();
}

/// `--ip` on a user network shows as the network's `IPAMConfig.IPv4Address` (docker's
/// EndpointIPAMConfig), before the container runs; without it, IPAMConfig is null.
#[test]
fn container_inspect_shows_the_ip_asked_for_in_ipam_config() {
    let (env, image) = busybox_world();
    let net = unique("ipnet");
    let subnet = unique_subnet();
    env.run(["network", "create", "--subnet", &subnet, &net])
        .assert_ok();
    let ip = subnet.replace(".0/24", ".9");
    let name = unique("ipc");
    env.run([
        "create",
        "--name",
        &name,
        "--network",
        &net,
        "--ip",
        &ip,
        &image,
        "true",
    ])
    .assert_ok();
    let c = inspect_one(&env, &[&name]);
    assert_eq!(
        c["NetworkSettings"]["Networks"][&net]["IPAMConfig"],
        json!({"IPv4Address": ip})
    );
    let other = unique("ipc0");
    env.run([
        "create",
        "--name",
        &other,
        "--network",
        &net,
        &image,
        "true",
    ])
    .assert_ok();
    let o = inspect_one(&env, &[&other]);
    assert_eq!(
        o["NetworkSettings"]["Networks"][&net]["IPAMConfig"],
        Value::Null
    );
    env.run(["rm", &name, &other]).assert_ok();
    env.run(["network", "rm", &net]).assert_ok();
}

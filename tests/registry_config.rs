//! Integration tests: the registry settings berth takes from other tools' files. containerd's
//! `certs.d/<host>/hosts.toml` (`client` for mutual TLS, `ca`, `[header]`, `override_path`,
//! `capabilities`, `?ns=` on mirror requests) and containers-registries.conf short names (`[aliases]` in
//! the file and its drop-ins, `unqualified-search-registries`), against real docker-registry processes,
//! with recording proxies (support/hostile.rs `forward`) where a test must see what was sent.

use crate::support::fixtures::{BUSYBOX, Fixture, PLAIN};
use crate::support::hostile::{self, Hostile, Reply, Req};
use crate::support::registry::{self, Auth, Registry};
use crate::support::{Outcome, TestEnv};
use berth::config::{Config, ConfigSources};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `berth <args>` in `env` with containerd's certs.d at `certs_d`.
fn berth_with_certs_d(env: &TestEnv, certs_d: &Path, args: &[&str]) -> Outcome {
    let mut cmd = env.berth();
    cmd.env("BERTH_CONTAINERD_CERTS_D", certs_d).args(args);
    Outcome::of(&mut cmd)
}

/// Write `<certs_d>/<host>/hosts.toml`.
fn write_hosts_toml(certs_d: &Path, host: &str, text: &str) -> PathBuf {
    let dir = certs_d.join(host);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hosts.toml"), text).unwrap();
    dir
}

/// A recording proxy in front of the shared registry that serves the distribution API under `root`
/// (`/v2` for a compliant mirror, anything else for one a hosts.toml `override_path` describes).
fn recording_mirror(root: &'static str) -> Hostile {
    let upstream = registry::shared().host();
    Hostile::start(move |r: &Req| match r.path.strip_prefix(root) {
        Some(rest) => hostile::forward(r, &upstream, &format!("/v2{rest}")),
        None => Reply::not_found(),
    })
}

fn query_ns(r: &Req) -> Option<String> {
    let q = r.path.split_once('?')?.1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix("ns="))
        .map(|v| v.replace("%3A", ":").replace("%3a", ":"))
}

fn header_values(r: &Req, name: &str) -> Vec<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate (clientAuth), all signed by the
/// CA, plus a second CA's client certificate the server must refuse; made once per run with openssl.
struct MtlsFiles {
    _dir: tempfile::TempDir,
    dir: PathBuf,
}

fn mtls_files() -> &'static MtlsFiles {
    static CELL: std::sync::OnceLock<MtlsFiles> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&d)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        for ca in ["ca", "other-ca"] {
            let key = format!("{ca}.key");
            let pem = format!("{ca}.pem");
            let subj = format!("/CN=berth {ca}");
            let mut args = vec!["req", "-x509"];
            args.extend(ec);
            args.extend(["-keyout", &key, "-out", &pem, "-days", "2", "-subj", &subj]);
            run(&args);
        }
        std::fs::write(
            d.join("server.cnf"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        std::fs::write(
            d.join("client.cnf"),
            "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
        )
        .unwrap();
        for (name, ca, cnf) in [
            ("server", "ca", "server.cnf"),
            ("client", "ca", "client.cnf"),
            ("stranger", "other-ca", "client.cnf"),
        ] {
            let key = format!("{name}.key");
            let csr = format!("{name}.csr");
            let pem = format!("{name}.pem");
            let subj = format!("/CN=berth {name}");
            let mut args = vec!["req"];
            args.extend(ec);
            args.extend(["-keyout", &key, "-out", &csr, "-subj", &subj]);
            run(&args);
            let ca_pem = format!("{ca}.pem");
            let ca_key = format!("{ca}.key");
            run(&[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                &ca_pem,
                "-CAkey",
                &ca_key,
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "2",
                "-extfile",
                cnf,
            ]);
        }
        MtlsFiles { dir: d, _dir: dir }
    })
}

impl MtlsFiles {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// A registry that demands a client certificate signed by the test CA, holding the busybox fixture.
fn mtls_registry() -> (Registry, Registry) {
    let content = Registry::start(Auth::None);
    content.push_fixture(Fixture::Busybox);
    let f = mtls_files();
    let tls = Registry::start_tls(
        &content,
        &f.path("server.pem"),
        &f.path("server.key"),
        Some(&f.path("ca.pem")),
    );
    (content, tls)
}

#[test]
fn registry_config_hosts_toml_client_certificate_opens_a_mutual_tls_registry() {
    let (_content, tls) = mtls_registry();
    let f = mtls_files();
    let reference = tls.image(BUSYBOX);

    // containerd's form: paths relative to hosts.toml, the client as a [certificate, key] pair.
    let env = TestEnv::new();
    let certs_d = env.dir().join("certs.d");
    let host_dir = write_hosts_toml(
        &certs_d,
        &tls.host(),
        &format!(
            "server = \"https://{}\"\nca = \"ca.pem\"\nclient = [[\"client.pem\", \"client.key\"]]\n",
            tls.host()
        ),
    );
    for name in ["ca.pem", "client.pem", "client.key"] {
        std::fs::copy(f.path(name), host_dir.join(name)).unwrap();
    }
    let out = berth_with_certs_d(&env, &certs_d, &["pull", &reference]);
    out.assert_ok();
    assert_eq!(out.lines().last().copied(), Some(reference.as_str()));
    assert!(!out.stderr().contains("WARNING"), "{}", out.stderr());

    // The one-file form: certificate and key in one PEM named by a plain string.
    let env = TestEnv::new();
    let certs_d = env.dir().join("certs.d");
    let both = env.dir().join("client-both.pem");
    let mut pem = std::fs::read(f.path("client.pem")).unwrap();
    pem.extend(std::fs::read(f.path("client.key")).unwrap());
    std::fs::write(&both, pem).unwrap();
    write_hosts_toml(
        &certs_d,
        &tls.host(),
        &format!(
            "ca = \"{}\"\nclient = \"{}\"\n",
            f.path("ca.pem").display(),
            both.display()
        ),
    );
    berth_with_certs_d(&env, &certs_d, &["pull", &reference]).assert_ok();
}

#[test]
fn registry_config_mutual_tls_registry_refuses_a_pull_without_the_client_certificate() {
    let (_content, tls) = mtls_registry();
    let f = mtls_files();
    let reference = tls.image(BUSYBOX);
    for client in [
        String::new(),
        format!(
            "client = [[\"{}\", \"{}\"]]\n",
            f.path("stranger.pem").display(),
            f.path("stranger.key").display()
        ),
    ] {
        let env = TestEnv::new();
        let certs_d = env.dir().join("certs.d");
        write_hosts_toml(
            &certs_d,
            &tls.host(),
            &format!("ca = \"{}\"\n{client}", f.path("ca.pem").display()),
        );
        let out = berth_with_certs_d(&env, &certs_d, &["pull", &reference]);
        out.assert_failed();
        let err = out.stderr().to_lowercase();
        assert!(
            err.contains(&format!("https://{}", tls.host())) || err.contains(&tls.host()),
            "the error names the registry: {err}"
        );
        assert!(
            err.contains("client certificate"),
            "the error says the client certificate is the problem: {err}"
        );
        assert!(env.run(["images", "-q"]).stdout().trim().is_empty());
    }
}

#[test]
fn registry_config_a_broken_client_certificate_path_is_a_clear_error() {
    let (_content, tls) = mtls_registry();
    let f = mtls_files();
    let env = TestEnv::new();
    let certs_d = env.dir().join("certs.d");
    write_hosts_toml(
        &certs_d,
        &tls.host(),
        &format!(
            "ca = \"{}\"\nclient = [[\"missing.pem\", \"missing.key\"]]\n",
            f.path("ca.pem").display()
        ),
    );
    let out = berth_with_certs_d(&env, &certs_d, &["pull", &tls.image(BUSYBOX)]);
    out.assert_failed()
        .assert_stderr_has("reading client certificate")
        .assert_stderr_has("missing.pem");
}

#[test]
fn registry_config_hosts_toml_headers_ns_and_override_path_reach_only_their_host() {
    let shared = registry::shared();
    let upstream_target = shared.host();
    let upstream = Hostile::start(move |r: &Req| hostile::forward(r, &upstream_target, &r.path));
    // A non-compliant mirror whose API root is /mirror/api (no /v2): only override_path reaches it.
    let mirror = recording_mirror("/mirror/api");
    let env = TestEnv::new();
    let certs_d = env.dir().join("certs.d");
    let m = format!("http://{}/mirror/api", mirror.host());
    write_hosts_toml(
        &certs_d,
        &upstream.host(),
        &format!(
            r#"server = "http://{up}"
[header]
  x-berth-upstream = "up"

[host."{m}"]
  capabilities = ["pull"]
  override_path = true
  [host."{m}".header]
    x-berth-mirror = ["m1", "m2"]
"#,
            up = upstream.host()
        ),
    );
    let reference = format!("{}/{BUSYBOX}", upstream.host());
    let out = berth_with_certs_d(&env, &certs_d, &["pull", &reference]);
    out.assert_ok();
    assert!(!out.stderr().contains("WARNING"), "{}", out.stderr());

    // The mirror (pull, no resolve) served the blobs, under its own path, with its headers and ns.
    let to_mirror = mirror.requests();
    assert!(
        to_mirror
            .iter()
            .any(|r| r.route().starts_with("/mirror/api/library/busybox/blobs/")),
        "{to_mirror:?}"
    );
    for r in &to_mirror {
        assert!(r.route().starts_with("/mirror/api/"), "{}", r.path);
        assert_eq!(
            query_ns(r).as_deref(),
            Some(upstream.host().as_str()),
            "{}",
            r.path
        );
        assert_eq!(
            header_values(r, "x-berth-mirror"),
            ["m1", "m2"],
            "{}",
            r.path
        );
        assert!(r.header("x-berth-upstream").is_none(), "{}", r.path);
    }
    // The upstream resolved the tag: its own header, never the mirror's, and never ns.
    let to_upstream = upstream.requests();
    assert!(
        to_upstream
            .iter()
            .any(|r| r.route() == "/v2/library/busybox/manifests/latest"),
        "{to_upstream:?}"
    );
    for r in &to_upstream {
        assert!(query_ns(r).is_none(), "{}", r.path);
        assert_eq!(header_values(r, "x-berth-upstream"), ["up"], "{}", r.path);
        assert!(r.header("x-berth-mirror").is_none(), "{}", r.path);
    }
}

#[test]
fn registry_config_hosts_toml_mirror_path_is_an_api_root_with_v2_appended() {
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let mirror = recording_mirror("/cache/v2");
    let env = TestEnv::new();
    let certs_d = env.dir().join("certs.d");
    // containerd's `host_port_` spelling of the directory; the upstream is unreachable, so the pull
    // can only succeed through the mirror.
    let dir_name = format!("{}_", dead.replace(':', "_"));
    write_hosts_toml(
        &certs_d,
        &dir_name,
        &format!(
            "[host.\"http://{}/cache\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
            mirror.host()
        ),
    );
    let reference = format!("{dead}/{PLAIN}");
    berth_with_certs_d(&env, &certs_d, &["pull", &reference]).assert_ok();
    let reqs = mirror.requests();
    assert!(
        reqs.iter()
            .any(|r| r.route() == "/cache/v2/library/plain/manifests/latest"),
        "{reqs:?}"
    );
    assert!(
        reqs.iter()
            .all(|r| query_ns(r).as_deref() == Some(dead.as_str()))
    );
}

#[test]
fn registry_config_mirrors_from_berth_config_carry_ns_and_the_registry_never_does() {
    let shared = registry::shared();
    let target = shared.host();
    let upstream = Hostile::start(move |r: &Req| hostile::forward(r, &target, &r.path));
    // The mirror has manifests but no blobs: the blobs come from the registry itself.
    let target = shared.host();
    let mirror = Hostile::start(move |r: &Req| {
        if r.route().contains("/blobs/") {
            Reply::not_found()
        } else {
            hostile::forward(r, &target, r.route())
        }
    });
    let env = TestEnv::new();
    env.write_config(&format!(
        "[registries.\"{}\"]\nmirrors = [\"http://{}\"]\n",
        upstream.host(),
        mirror.host()
    ));
    env.run(["pull", &format!("{}/{PLAIN}", upstream.host())])
        .assert_ok();
    let to_mirror = mirror.requests();
    assert!(!to_mirror.is_empty());
    assert!(
        to_mirror
            .iter()
            .all(|r| query_ns(r).as_deref() == Some(upstream.host().as_str())),
        "{to_mirror:?}"
    );
    let to_upstream = upstream.requests();
    assert!(to_upstream.iter().any(|r| r.route().contains("/blobs/")));
    assert!(
        to_upstream.iter().all(|r| query_ns(r).is_none()),
        "{to_upstream:?}"
    );
}

#[test]
fn registry_config_short_name_alias_pulls_the_aliased_repository() {
    let shared = registry::shared();
    let env = TestEnv::new();
    // $HOME's registries.conf replaces the system one; its drop-ins apply after it, in order.
    env.write_file(
        "home/.config/containers/registries.conf",
        format!(
            "[aliases]\n\"berth-alias-box\" = \"{}/library/busybox\"\n\"berth-gone\" = \"{}/library/busybox\"\n",
            shared.host(),
            shared.host()
        ),
    );
    env.write_file(
        "home/.config/containers/registries.conf.d/000-shortnames.conf",
        format!(
            "[aliases]\n\"berth-plain\" = \"{}/library/plain\"\n",
            shared.host()
        ),
    );
    env.write_file(
        "home/.config/containers/registries.conf.d/50-erase.conf",
        "[aliases]\n\"berth-gone\" = \"\"\n",
    );
    let out = env.run(["pull", "berth-alias-box"]);
    out.assert_ok();
    let full = format!("{}/library/busybox:latest", shared.host());
    assert_eq!(out.lines().last().copied(), Some(full.as_str()));
    out.assert_stderr_has(&format!(
        "Resolved \"berth-alias-box\" as an alias ({}/library/busybox)",
        shared.host()
    ));
    // The tag goes along with the alias; local lookups follow the alias too.
    let out = env.run(["pull", "berth-plain:latest"]);
    out.assert_ok();
    assert_eq!(
        out.lines().last().copied(),
        Some(format!("{}/library/plain:latest", shared.host()).as_str())
    );
    let id = env.run(["image", "inspect", "-f", "{{.Id}}", "berth-alias-box"]);
    id.assert_ok();
    assert_eq!(id.stdout().trim(), shared.fixture(BUSYBOX).image_id);
    // `run` finds the image through the alias, without pulling again.
    let run = env.run(["run", "--rm", "berth-alias-box", "echo", "hi"]);
    run.assert_ok().assert_stdout_eq("hi\n");
    assert!(
        !run.stderr().contains("Unable to find image"),
        "{}",
        run.stderr()
    );
    // An alias erased by a later drop-in is docker's docker.io/library/ name again.
    env.run(["image", "inspect", "berth-gone"])
        .assert_failed()
        .assert_stderr_has("No such image: berth-gone");
}

#[test]
fn registry_config_unqualified_search_registries_are_tried_in_order() {
    let shared = registry::shared();
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let env = TestEnv::new();
    let conf = env.write_file(
        "registries.conf",
        format!(
            "unqualified-search-registries = [\"{dead}\", \"{}\"]\n",
            shared.host()
        ),
    );
    let mut cmd = env.berth();
    cmd.env("CONTAINERS_REGISTRIES_CONF", &conf)
        .args(["pull", "library/busybox"]);
    let out = Outcome::of(&mut cmd);
    out.assert_ok()
        .assert_stdout_has(&format!("Trying to pull {dead}/library/busybox:latest..."))
        .assert_stdout_has(&format!(
            "Trying to pull {}/library/busybox:latest...",
            shared.host()
        ));
    assert_eq!(
        out.lines().last().copied(),
        Some(format!("{}/library/busybox:latest", shared.host()).as_str())
    );
    // podman would prompt here; berth never does, and says why it will not guess.
    env.write_file(
        "registries.conf",
        format!(
            "short-name-mode = \"enforcing\"\nunqualified-search-registries = [\"{dead}\", \"{}\"]\n",
            shared.host()
        ),
    );
    let mut cmd = env.berth();
    cmd.env("CONTAINERS_REGISTRIES_CONF", &conf)
        .args(["pull", "library/busybox"]);
    Outcome::of(&mut cmd)
        .assert_failed()
        .assert_stderr_has("ambiguous")
        .assert_stderr_has("never prompts");
}

#[test]
fn registry_config_unknown_keys_in_foreign_files_are_reported_once_each() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("config.toml"), "").unwrap();
    let regconf = d.join("registries.conf");
    std::fs::write(
        &regconf,
        r#"
unqualified-search-registries = ["registry.example"]
short-name-mode = "permissive"
credential-helpers = ["containers-auth.json"]
short-name-colour = "blue"
[aliases]
"box" = "registry.example/box"
[[registry]]
prefix = "registry.example"
insecure = true
mirror-by-digest-only = false
mirorr = []
[[registry.mirror]]
location = "mirror.example"
pull-from-mirror = "digest-only"
priority = 1
"#,
    )
    .unwrap();
    let dropin = d.join("50-more.conf");
    std::fs::write(
        &dropin,
        "[aliases]\n\"app\" = \"quay.io/org/app\"\n[extra]\nx = 1\n",
    )
    .unwrap();
    let certs_d = d.join("certs.d");
    let hosts = write_hosts_toml(
        &certs_d,
        "registry.example",
        r#"server = "https://registry.example"
capabilities = ["pull", "resolve"]
skip_verify = false
override_path = false
ca = "ca.pem"
client = "client.pem"
retries = 3
[header]
  x-a = "1"
[host."https://mirror.example"]
  capabilities = ["pull"]
  ca = ["a.pem", "b.pem"]
  client = [["c.pem", ""]]
  skip_verify = true
  override_path = true
  speed = "fast"
  [host."https://mirror.example".header]
    x-b = ["2"]
"#,
    )
    .join("hosts.toml");
    let src = ConfigSources {
        own: Some(d.join("config.toml")),
        own_required: true,
        daemon_json: Some(d.join("daemon.json")),
        registries_conf: vec![regconf.clone(), dropin.clone()],
        hosts_dirs: vec![certs_d],
    };
    let (cfg, mut w) = Config::load_sources(&src).unwrap();
    w.sort();
    let mut want = vec![
        format!("{}: unknown key short-name-colour", regconf.display()),
        format!("{}: unknown key registry[0].mirorr", regconf.display()),
        format!(
            "{}: unknown key registry[0].mirror.priority",
            regconf.display()
        ),
        format!("{}: unknown key extra", dropin.display()),
        format!("{}: unknown key retries", hosts.display()),
        format!(
            "{}: unknown key host.\"https://mirror.example\".speed",
            hosts.display()
        ),
    ];
    want.sort();
    assert_eq!(w, want);
    assert_eq!(cfg.short_names.aliases.len(), 2);
    assert_eq!(cfg.short_names.search, ["registry.example"]);
}

#[test]
fn registry_config_hosts_toml_skip_verify_and_capabilities_are_honoured() {
    let content = Registry::start(Auth::None);
    content.push_fixture(Fixture::Busybox);
    let f = mtls_files();
    // HTTPS with a certificate from a CA berth is never told about.
    let tls = Registry::start_tls(&content, &f.path("server.pem"), &f.path("server.key"), None);
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let reference = format!("{dead}/{BUSYBOX}");
    let pull = |hosts: &str| {
        let env = TestEnv::new();
        let certs_d = env.dir().join("certs.d");
        write_hosts_toml(&certs_d, &dead, hosts);
        berth_with_certs_d(&env, &certs_d, &["pull", &reference])
    };
    let mirror = format!("https://{}", tls.host());
    // Certificates are checked unless skip_verify says otherwise.
    pull(&format!(
        "[host.\"{mirror}\"]\n  capabilities = [\"pull\", \"resolve\"]\n"
    ))
    .assert_failed()
    .assert_stderr_has("certificate");
    pull(&format!(
        "[host.\"{mirror}\"]\n  capabilities = [\"pull\", \"resolve\"]\n  skip_verify = true\n"
    ))
    .assert_ok();
    // A mirror without `resolve` is not asked for a tag; one without `pull` is never asked at all.
    pull(&format!(
        "[host.\"{mirror}\"]\n  capabilities = [\"pull\"]\n  skip_verify = true\n"
    ))
    .assert_failed()
    .assert_stderr_has(&format!("registry {dead}"))
    .assert_stderr_has("connection failed");
    let out = pull(&format!(
        "capabilities = [\"push\"]\n[host.\"{mirror}\"]\n  capabilities = [\"push\"]\n  skip_verify = true\n"
    ));
    out.assert_failed()
        .assert_stderr_has("no configured endpoint may serve");
    // The registry itself may skip verification too (hosts.toml's top level).
    let env = TestEnv::new();
    let certs_d = env.dir().join("certs.d");
    write_hosts_toml(&certs_d, &tls.host(), "skip_verify = true\n");
    berth_with_certs_d(&env, &certs_d, &["pull", &tls.image(BUSYBOX)]).assert_ok();
}

#[test]
fn registry_config_docker_certs_d_client_cert_and_key_open_a_mutual_tls_registry() {
    let (_content, tls) = mtls_registry();
    let f = mtls_files();
    let env = TestEnv::new();
    // docker's convention (containers-certs.d(5) too): <host:port>/ca.crt, client.cert, client.key.
    let dir = format!("home/.config/containers/certs.d/{}", tls.host());
    env.write_file(
        &format!("{dir}/ca.crt"),
        std::fs::read(f.path("ca.pem")).unwrap(),
    );
    env.write_file(
        &format!("{dir}/client.cert"),
        std::fs::read(f.path("client.pem")).unwrap(),
    );
    env.write_file(
        &format!("{dir}/client.key"),
        std::fs::read(f.path("client.key")).unwrap(),
    );
    env.run(["pull", &tls.image(BUSYBOX)]).assert_ok();
}

#[test]
fn registry_config_hosts_toml_default_serves_registries_without_their_own() {
    let dead = |_: ()| {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let (lost, own) = (dead(()), dead(()));
    let mirror = recording_mirror("/v2");
    let env = TestEnv::new();
    let certs_d = env.dir().join("certs.d");
    write_hosts_toml(
        &certs_d,
        "_default",
        &format!(
            "[host.\"http://{}\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
            mirror.host()
        ),
    );
    // A registry with a directory of its own does not get _default's mirror (containerd uses the
    // first directory that exists).
    write_hosts_toml(&certs_d, &own, &format!("server = \"http://{own}\"\n"));
    berth_with_certs_d(&env, &certs_d, &["pull", &format!("{lost}/{PLAIN}")]).assert_ok();
    assert!(
        mirror
            .requests()
            .iter()
            .all(|r| query_ns(r).as_deref() == Some(lost.as_str()))
    );
    let before = mirror.requests().len();
    berth_with_certs_d(&env, &certs_d, &["pull", &format!("{own}/{PLAIN}")])
        .assert_failed()
        .assert_stderr_has(&format!("registry {own}"));
    assert_eq!(mirror.requests().len(), before);
}

#[test]
fn registry_config_rootless_reads_hosts_toml_from_its_config_home() {
    let shared = registry::shared();
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let env = TestEnv::rootless();
    // nerdctl's rootless location, with no BERTH_CONTAINERD_CERTS_D override.
    env.write_file(
        &format!("home/.config/containerd/certs.d/{dead}/hosts.toml"),
        format!(
            "[host.\"{}\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
            shared.url()
        ),
    );
    let out = env.run(["pull", &format!("{dead}/{PLAIN}")]);
    out.assert_ok();
    assert_eq!(
        out.lines().last().copied(),
        Some(format!("{dead}/library/plain:latest").as_str())
    );
}

#[test]
fn registry_config_a_plain_http_registry_needs_no_system_root_certificates() {
    // The system roots are read when a server first shows a certificate (registry/tls.rs): a pull from a
    // plain-HTTP registry, whose HTTPS probe fails before any certificate, never reads them. With none to
    // be found (an empty bundle and directory), building the HTTP client used to fail the pull.
    let reg = registry::shared();
    let env = TestEnv::new();
    let empty = env.dir().join("no-roots");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("bundle.pem"), "").unwrap();
    let mut cmd = env.berth();
    cmd.env("SSL_CERT_FILE", empty.join("bundle.pem"))
        .env("SSL_CERT_DIR", &empty)
        .args(["pull", "-q", &reg.image(BUSYBOX)]);
    Outcome::of(&mut cmd).assert_ok();
}

//! Integration tests: cli. The command line as a user meets it: exit codes, `version`, `info`,
//! `--format`, broken pipes, and the generated completions and man pages.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// berth with its own empty store, so no test reads or writes the machine's.
fn berth(store: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("berth").expect("the berth binary is built");
    cmd.arg("--root").arg(store.path().join("root"));
    cmd.arg("--run-root").arg(store.path().join("run"));
    cmd.env_remove("BERTH_CONFIG");
    cmd
}

fn store() -> tempfile::TempDir {
    tempfile::tempdir().expect("creating a temp store")
}

#[test]
fn unknown_flag_exits_125_with_one_message() {
    let s = store();
    let out = berth(&s)
        .arg("--bogus-flag")
        .arg("version")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("--bogus-flag").count(), 1, "{err}");
    // docker/cli's words: `unknown flag: --bogus-flag` and `See 'berth --help'.`
    assert_eq!(err.matches("unknown flag:").count(), 1, "{err}");
    assert!(err.contains("See 'berth --help'."), "{err}");
}

#[test]
fn unknown_command_exits_125() {
    let s = store();
    let out = berth(&s).arg("no-such-command").output().unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-command"));
}

#[test]
fn unknown_flag_of_a_subcommand_exits_125() {
    let s = store();
    berth(&s).args(["version", "--nope"]).assert().code(125);
}

#[test]
fn help_and_version_flags_exit_0_on_stdout() {
    let s = store();
    let out = berth(&s).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: berth"));
    let out = berth(&s).arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("berth {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bare_berth_prints_help_and_succeeds() {
    let out = Command::cargo_bin("berth").unwrap().output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: berth"));
}

#[test]
fn version_prints_docker_shaped_client_section() {
    let s = store();
    let out = berth(&s).arg("version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Client: berth");
    assert_eq!(
        lines[1],
        format!(" Version:           {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(lines[2], " API version:       n/a");
    assert!(lines[3].starts_with(" Rust version:      "), "{text}");
    assert!(lines[6].starts_with(" OS/Arch:           linux/"), "{text}");
}

#[test]
fn version_format_template_and_json() {
    let s = store();
    berth(&s)
        .args([
            "version",
            "--format",
            "{{.Client.Version}} {{.Server.Version}}",
        ])
        .assert()
        .success()
        .stdout(format!("{0} {0}\n", env!("CARGO_PKG_VERSION")));
    let out = berth(&s).args(["version", "-f", "json"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["Client"]["Version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["Client"]["Os"], "linux");
}

#[test]
fn version_with_unknown_field_fails_with_template_error() {
    let s = store();
    let out = berth(&s)
        .args(["version", "--format", "{{.Client.Nope}}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("Error: template parsing error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn info_reports_store_paths_and_host_facts() {
    let s = store();
    let out = berth(&s)
        .args(["info", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["DockerRootDir"],
        s.path().join("root").display().to_string()
    );
    assert_eq!(v["RunRoot"], s.path().join("run").display().to_string());
    assert_eq!(v["Driver"], "overlay2");
    assert_eq!(v["Containers"], 0);
    assert_eq!(v["Images"], 0);
    assert_eq!(v["OSType"], "linux");
    assert_eq!(v["Swarm"]["LocalNodeState"], "inactive");
    assert!(["1", "2"].contains(&v["CgroupVersion"].as_str().unwrap()));
    assert!(v["CgroupControllers"].is_array());
    assert_eq!(v["Rootless"], !nix::unistd::geteuid().is_root());
    assert!(v["RegistryConfig"]["Mirrors"].is_array());
    assert!(
        v["NetworkTools"]
            .as_object()
            .unwrap()
            .contains_key("slirp4netns")
    );
    // info only reads: the store is not created.
    assert!(!s.path().join("root").exists());
}

#[test]
fn info_counts_containers_and_images_in_the_store() {
    let s = store();
    let root = s.path().join("root");
    std::fs::create_dir_all(root.join("containers/aaa")).unwrap();
    std::fs::create_dir_all(root.join("containers/bbb")).unwrap();
    // The image index as store::images writes it: images keyed by ID, each with its tags and layers.
    let (a, b) = (
        format!("sha256:{}", "1".repeat(64)),
        format!("sha256:{}", "2".repeat(64)),
    );
    let index = serde_json::json!({"version": 1, "images": {
        &a: {"id": &a, "repo_tags": ["docker.io/library/busybox:latest", "docker.io/my/bb:v1"], "layers": [{"diff_id": &b}]},
        &b: {"id": &b, "repo_tags": [], "layers": []},
    }});
    std::fs::write(root.join("images.json"), index.to_string()).unwrap();
    berth(&s)
        .args(["info", "-f", "{{.Containers}} {{.Images}}"])
        .assert()
        .success()
        .stdout("2 2\n");
}

#[test]
fn info_human_output_names_the_store() {
    let s = store();
    let out = berth(&s).arg("info").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!(
            " Berth Root Dir: {}\n",
            s.path().join("root").display()
        )),
        "{text}"
    );
    assert!(text.contains(" Storage Driver: overlay2\n"), "{text}");
    assert!(text.contains(" Cgroup Version: "), "{text}");
}

/// Run berth with stdout a pipe whose reader is already gone, so every write fails with EPIPE.
fn run_with_closed_stdout(s: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    let (r, w) = nix::unistd::pipe().unwrap();
    drop(r);
    std::process::Command::new(assert_cmd::cargo::cargo_bin("berth"))
        .arg("--root")
        .arg(s.path().join("root"))
        .arg("--run-root")
        .arg(s.path().join("run"))
        .args(args)
        .env("DOCKER_CONFIG", s.path().join("docker"))
        .env("REGISTRY_AUTH_FILE", s.path().join("auth.json"))
        .stdout(std::process::Stdio::from(w))
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn closed_stdout_exits_quietly() {
    let s = store();
    let out = run_with_closed_stdout(&s, &["info"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `println!` panics on a closed stdout; berth turns that panic into the same quiet exit.
#[test]
fn println_on_closed_stdout_exits_quietly() {
    let s = store();
    let out = run_with_closed_stdout(&s, &["logout", "127.0.0.1:1"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completion_prints_a_script_per_shell() {
    let s = store();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef berth"),
        ("fish", "complete -c berth"),
    ] {
        let out = berth(&s).args(["completion", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(marker),
            "{shell}"
        );
    }
    berth(&s).args(["completion", "tcsh"]).assert().code(125);
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Completions and man pages come from the clap definitions; the committed copies must match.
/// `BERTH_BLESS=1 cargo test --test main generated` rewrites them after a command changes.
#[test]
fn generated_files_are_current() {
    let files = berth::cli::generate::generated_files().unwrap();
    let bless = std::env::var_os("BERTH_BLESS").is_some_and(|v| v == "1");
    if bless {
        for dir in ["completions", "man"] {
            for stale in list_files(&repo().join(dir)) {
                std::fs::remove_file(stale).unwrap();
            }
        }
        for (rel, content) in &files {
            let p = repo().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, content).unwrap();
        }
    }
    let mut stale = Vec::new();
    for (rel, content) in &files {
        if std::fs::read(repo().join(rel)).ok().as_deref() != Some(content.as_slice()) {
            stale.push(rel.display().to_string());
        }
    }
    let expected: Vec<PathBuf> = files.iter().map(|(rel, _)| repo().join(rel)).collect();
    for dir in ["completions", "man"] {
        for p in list_files(&repo().join(dir)) {
            if !expected.contains(&p) {
                stale.push(format!("{} (no longer generated)", p.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale: {stale:?}; run `BERTH_BLESS=1 cargo test --test main generated` and commit"
    );
}

#[test]
fn config_default_prints_a_file_that_parses_to_the_defaults() {
    let s = store();
    let out = berth(&s).args(["config", "default"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, berth::config::Config::default_toml());
    let mut warnings = Vec::new();
    berth::config::Config::parse(&text, "default", &mut warnings).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn info_shows_configured_registries_and_config_warnings() {
    let s = store();
    let cfg = s.path().join("config.toml");
    std::fs::write(
        &cfg,
        r#"
[registries."docker.io"]
mirrors = ["https://mirror.example.com"]

[registries."registry.internal:5000"]
insecure = true

[surprise]
key = 1
"#,
    )
    .unwrap();
    let out = berth(&s)
        .arg("--config")
        .arg(&cfg)
        .args(["info", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reg = &v["RegistryConfig"];
    assert_eq!(
        reg["Mirrors"],
        serde_json::json!(["https://mirror.example.com"])
    );
    assert_eq!(
        reg["IndexConfigs"]["registry.internal:5000"]["Secure"],
        false
    );
    assert_eq!(reg["IndexConfigs"]["docker.io"]["Official"], true);
    assert!(
        v["ConfigFiles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == &serde_json::json!(cfg.display().to_string()))
    );
    let warnings = v["Warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("surprise")),
        "{warnings:?}"
    );

    let out = berth(&s)
        .arg("--config")
        .arg(&cfg)
        .arg("info")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // The host's daemon.json or registries.conf may add entries: look for ours within the section.
    let insecure = text.split(" Insecure Registries:\n").nth(1).unwrap_or("");
    let section: Vec<&str> = insecure
        .lines()
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(
        section.contains(&"  registry.internal:5000") && section.contains(&"  127.0.0.0/8"),
        "{text}"
    );
    assert!(
        text.contains(" Registry Mirrors:\n  https://mirror.example.com\n"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("WARNING: "));
}

#[test]
fn debug_flag_shows_debug_lines_on_stderr() {
    let s = store();
    let out = berth(&s)
        .args(["-D", "info", "--format", "{{.Driver}}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"overlay2\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .any(|l| l.starts_with("DEBU configuration read from")),
        "{err}"
    );
    for args in [
        &["info", "--format", "{{.Driver}}"][..],
        &["--debug=false", "info", "-f", "{{.Driver}}"],
    ] {
        let out = berth(&s).args(args).output().unwrap();
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("DEBU"),
            "{args:?}"
        );
    }
    let out = berth(&s)
        .args(["--log-level", "debug", "info", "-f", "{{.Driver}}"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("DEBU "));
    berth(&s)
        .args(["--log-level", "loud", "version"])
        .assert()
        .code(125);
}

/// docker's `Backing Filesystem` name for the filesystem holding `p` (moby's FsNames, the common ones).
fn docker_fs_name(p: &Path) -> &'static str {
    match nix::sys::statfs::statfs(p).unwrap().filesystem_type().0 & 0xFFFF_FFFF {
        0xEF53 => "extfs",
        0x5846_5342 => "xfs",
        0x9123_683E => "btrfs",
        0x0102_1994 => "tmpfs",
        0x794C_7630 => "overlayfs",
        0x2FC1_2FC1 => "zfs",
        _ => "<unknown>",
    }
}

#[test]
fn info_reports_plugins_and_the_real_backing_filesystem_as_docker() {
    let s = store();
    for verb in [&["info"][..], &["system", "info"]] {
        let out = berth(&s)
            .args(verb)
            .args(["--format", "{{json .}}"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["Plugins"]["Volume"], serde_json::json!(["local"]));
        let network = v["Plugins"]["Network"].as_array().unwrap();
        for d in ["bridge", "host", "null"] {
            assert!(network.contains(&d.into()), "{d} in {network:?}");
        }
        assert!(
            v["Plugins"]["Log"]
                .as_array()
                .unwrap()
                .contains(&"json-file".into())
        );
        // The root does not exist yet: the filesystem it will be created on.
        assert_eq!(
            v["DriverStatus"][0],
            serde_json::json!(["Backing Filesystem", docker_fs_name(s.path())])
        );
        assert_ne!(
            v["DriverStatus"][0][1], "overlayfs",
            "{}",
            v["DriverStatus"]
        );
        assert_eq!(v["LoggingDriver"], "json-file");
        assert_eq!(v["ContainersRunning"], 0);
        assert_eq!(v["ContainersStopped"], 0);
        for key in [
            "ID",
            "MemoryLimit",
            "SwapLimit",
            "CpuCfsQuota",
            "PidsLimit",
            "IPv4Forwarding",
            "SystemTime",
            "IndexServerAddress",
            "OSVersion",
            "NFd",
        ] {
            assert!(v.get(key).is_some(), "docker's key {key} is missing");
        }
    }
    let out = berth(&s).arg("info").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(" Plugins:\n  Volume: local\n"), "{text}");
    assert!(
        text.contains(&format!(
            "  Backing Filesystem: {}\n",
            docker_fs_name(s.path())
        )),
        "{text}"
    );
    assert!(!s.path().join("root").exists(), "info created the store");
}

#[test]
fn a_config_that_does_not_parse_fails_run_and_create_but_not_ps_or_pod_ps() {
    let s = store();
    let cfg = s.path().join("bad.toml");
    std::fs::write(&cfg, "this is = = not toml\n").unwrap();
    for args in [&["ps", "-a"][..], &["pod", "ps"]] {
        let out = berth(&s)
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    }
    for args in [
        &["run", "--rm", "--pull", "never", "busybox", "true"][..],
        &["create", "--pull", "never", "busybox", "true"],
    ] {
        let out = berth(&s)
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(125), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("parsing config"), "{args:?}: {err}");
    }
}

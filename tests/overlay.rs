//! Integration tests: the rootless rootfs on fuse-overlayfs (issue 3: native overlay in the user namespace,
//! else fuse-overlayfs, else an error saying what to install). `storage.rootless_overlay = "fuse"` forces the
//! fuse path on a kernel whose native overlay would work. They run berth as the unprivileged `berthtest`
//! user (tests/support/rootless.rs; creating it needs root, as CI runs) and need /usr/bin/fuse-overlayfs
//! (apt-get install fuse-overlayfs).
//! Also: images of more layers than one page of overlay options can name by path, root and rootless.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{TestEnv, fixtures, registry, unique};

/// A rootless world whose config forces fuse-overlayfs, with busybox pulled.
fn fuse_world(extra: &str) -> (TestEnv, String) {
    assert!(
        Path::new("/usr/bin/fuse-overlayfs").exists(),
        "these tests need fuse-overlayfs (apt-get install fuse-overlayfs)"
    );
    let env = TestEnv::rootless();
    env.write_config(&format!("[storage]\nrootless_overlay = \"fuse\"\n{extra}"));
    let image = registry::shared().image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    (env, image)
}

/// Pids of fuse-overlayfs daemons serving an overlay under `root` (their argv names the upper dir).
fn fuse_daemons(root: &Path) -> Vec<i32> {
    let root = root.display().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
                return false;
            };
            let cmd = String::from_utf8_lossy(&cmd);
            cmd.contains("fuse-overlayfs") && cmd.contains(&root)
        })
        .collect()
}

/// Waits until no fuse-overlayfs daemon of `root` is left (the kernel kills it with the container's pid
/// namespace; reaping by the subreaper can take a moment).
fn no_fuse_daemons_within(root: &Path, limit: Duration) -> Vec<i32> {
    let deadline = Instant::now() + limit;
    loop {
        let left = fuse_daemons(root);
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn mounts_under(root: &Path) -> Vec<String> {
    let root = root.display().to_string();
    std::fs::read_to_string("/proc/self/mountinfo")
        .unwrap()
        .lines()
        .filter(|l| l.contains(&root))
        .map(str::to_string)
        .collect()
}

#[test]
fn rootless_container_runs_on_fuse_overlayfs_and_rm_leaves_nothing() {
    let (env, image) = fuse_world("");
    let name = unique("fuse");
    let id = env
        .run([
            "create",
            "--name",
            &name,
            &image,
            "sh",
            "-c",
            "grep ' / / ' /proc/self/mountinfo; cat /data 2>/dev/null; echo written >> /data; id -u",
        ])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let first = env.run(["start", "-a", &name]);
    first.assert_ok();
    assert!(
        first.stdout().contains("fuse.fuse-overlayfs"),
        "the rootfs is fuse-overlayfs: {}",
        first.stdout()
    );
    assert!(first.stdout().ends_with("0\n"), "{}", first.stdout());
    // The write went to the container's upper dir, and a second start sees it through fuse-overlayfs again.
    let upper = env.root().join("containers").join(&id).join("upper/data");
    assert_eq!(std::fs::read_to_string(&upper).unwrap(), "written\n");
    let second = env.run(["start", "-a", &name]);
    second.assert_ok();
    assert!(second.stdout().contains("written\n"), "{}", second.stdout());
    assert_eq!(
        no_fuse_daemons_within(&env.root(), Duration::from_secs(5)),
        Vec::<i32>::new()
    );

    env.run([
        "run",
        "--rm",
        &image,
        "sh",
        "-c",
        "echo hello > /tmp/x && cat /tmp/x",
    ])
    .assert_ok()
    .assert_stdout_eq("hello\n");
    env.run(["rm", &name]).assert_ok();
    assert!(!env.root().join("containers").join(&id).exists());
    env.run(["ps", "-a", "-q"]).assert_ok().assert_stdout_eq("");
    assert_eq!(
        no_fuse_daemons_within(&env.root(), Duration::from_secs(5)),
        Vec::<i32>::new()
    );
    assert_eq!(mounts_under(&env.root()), Vec::<String>::new());
}

#[test]
fn rootless_fuse_overlayfs_ends_with_the_container_after_its_monitor_is_killed() {
    let (env, image) = fuse_world("");
    let name = unique("fusekill");
    let id = env
        .run(["run", "-d", "--name", &name, &image, "sleep", "300"])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let daemons = fuse_daemons(&env.root());
    assert_eq!(
        daemons.len(),
        1,
        "one fuse-overlayfs daemon serves the container: {daemons:?}"
    );
    env.run([
        "exec",
        &name,
        "sh",
        "-c",
        "echo via-exec > /probe && cat /probe",
    ])
    .assert_ok()
    .assert_stdout_eq("via-exec\n");
    let mon: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            env.run_root()
                .join("containers")
                .join(&id)
                .join("monitor.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let monitor = mon["pid"].as_i64().unwrap() as i32;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(monitor),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    env.run(["rm", "-f", &name]).assert_ok();
    assert!(!env.root().join("containers").join(&id).exists());
    assert_eq!(
        no_fuse_daemons_within(&env.root(), Duration::from_secs(5)),
        Vec::<i32>::new(),
        "the fuse-overlayfs daemon outlived the container"
    );
    assert_eq!(mounts_under(&env.root()), Vec::<String>::new());
}

#[test]
fn rootless_fuse_overlayfs_missing_says_what_to_install() {
    let (env, image) = fuse_world("fuse_overlayfs = \"/nonexistent/bin/fuse-overlayfs\"\n");
    let out = env.run(["run", "--rm", &image, "true"]);
    out.assert_code(125);
    out.assert_stderr_has("fuse-overlayfs was not found at /nonexistent/bin/fuse-overlayfs");
    out.assert_stderr_has("apt-get install fuse-overlayfs");
    assert_eq!(mounts_under(&env.root()), Vec::<String>::new());
    // The configured driver applies at create; a container made with native overlay keeps it.
    env.write_config("[storage]\nrootless_overlay = \"native\"\n");
    env.run([
        "run",
        "--rm",
        &image,
        "sh",
        "-c",
        "grep ' / / ' /proc/self/mountinfo",
    ])
    .assert_ok()
    .assert_stdout_has(" - overlay ");
}

/// An image of busybox and 119 more layers (120, near docker's limit of 125), the layer `i` adding
/// `/etc/layers/<i>` and replacing `/etc/top`: its absolute layer paths need about 12 KB of overlay options,
/// three times what mount(2) takes. Pushed once per test process.
fn many_layer_image() -> String {
    static IMAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IMAGE
        .get_or_init(|| {
            use fixtures::{Compression, LayerBuilder, Layout};
            let mut tars = vec![fixtures::busybox_layer_tar()];
            for i in 1..120 {
                let mut l = LayerBuilder::new();
                l.dir("etc/layers", 0o755)
                    .file(
                        &format!("etc/layers/{i}"),
                        0o644,
                        format!("{i}\n").as_bytes(),
                    )
                    .file("etc/top", 0o644, format!("{i}\n").as_bytes());
                tars.push(l.finish());
            }
            let refs: Vec<&[u8]> = tars.iter().map(|t| t.as_slice()).collect();
            let config = fixtures::image_config(
                "amd64",
                None,
                serde_json::json!({"Env": [fixtures::PATH_ENV], "Cmd": ["sh"]}),
                &refs,
            );
            let dir = crate::support::temp_dir("many-layers");
            let layout = Layout::create(dir.path());
            let layers: Vec<_> = tars
                .iter()
                .map(|t| (t.clone(), Compression::Gzip))
                .collect();
            let m = layout.image(&config, &layers);
            layout.tag(&m, "latest");
            let repo = format!("library/{}:latest", unique("layers120"));
            registry::shared().skopeo_push(dir.path(), "latest", &repo, &[]);
            registry::shared().image(&repo)
        })
        .clone()
}

/// What a container of [`many_layer_image`] sees: its layer files, the top layer's `/etc/top`.
const SEEN: &str = "119\n1\n119\n119\n";
const LOOK: &str = "ls /etc/layers | wc -l; cat /etc/layers/1 /etc/layers/119 /etc/top";

#[test]
fn an_image_of_120_layers_runs_and_builds() {
    let env = TestEnv::new();
    let image = many_layer_image();
    env.run(["pull", "-q", &image]).assert_ok();
    let name = unique("layers120");
    let out = env.run([
        "run",
        "--name",
        &name,
        "--network",
        "none",
        &image,
        "sh",
        "-c",
        LOOK,
    ]);
    out.assert_ok();
    assert_eq!(out.stdout(), SEEN);
    env.run(["rm", &name]).assert_ok();
    // A RUN step of a build mounts the same way.
    let ctx = env.write_file(
        "ctx/Dockerfile",
        format!("FROM {image}\nRUN cat /etc/top > /seen\n"),
    );
    let tag = unique("on120");
    env.run([
        "build",
        "-q",
        "--network",
        "none",
        "-t",
        &tag,
        ctx.parent().unwrap().to_str().unwrap(),
    ])
    .assert_ok();
    let out = env.run(["run", "--rm", "--network", "none", &tag, "cat", "/seen"]);
    out.assert_ok();
    assert_eq!(out.stdout(), "119\n");
}

#[test]
fn rootless_an_image_of_120_layers_runs_on_native_overlay_and_fuse_overlayfs() {
    let image = many_layer_image();
    for (mode, fs) in [("native", "overlay"), ("fuse", "fuse.fuse-overlayfs")] {
        let env = TestEnv::rootless();
        env.write_config(&format!("[storage]\nrootless_overlay = \"{mode}\"\n"));
        env.run(["pull", "-q", &image]).assert_ok();
        let look = format!("{LOOK}; grep ' / ' /proc/mounts | cut -d' ' -f3");
        let out = env.run([
            "run",
            "--rm",
            "--network",
            "none",
            &image,
            "sh",
            "-c",
            &look,
        ]);
        out.assert_ok();
        assert_eq!(out.stdout(), format!("{SEEN}{fs}\n"), "{mode}");
    }
}

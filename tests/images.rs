//! Integration tests: images. End-to-end pulls against the shared local docker-registry (`pull` →
//! `images` → `inspect` → `tag` → `rmi`), concurrency and kill -9 recovery, and the pull pipeline's
//! verification driven in-process with an in-memory registry (docs/security.md A16, A17, C1, C6, J1, J2).

use crate::support::fixtures::{self, LayerBuilder};
use crate::support::{TestEnv, registry};
use anyhow::Result;
use berth::engine::image::{FetchedManifest, PullOptions, Source, pull_from};
use berth::engine::{Context, NoProgress};
use berth::image::ImageRef;
use berth::store::Paths;
use oci_spec::distribution::Reference;
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::Path;

/// Names of committed layers (`layers/sha256/<chain>`), and any `.tmp-*` leftovers, in a store.
fn layer_dirs(root: &Path) -> (Vec<String>, Vec<String>) {
    let mut committed = Vec::new();
    let mut tmp = Vec::new();
    for dir in [root.join("layers/sha256"), root.join("ingest")] {
        for e in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(".tmp-") {
                tmp.push(n);
            } else if dir.ends_with("sha256") {
                committed.push(n);
            }
        }
    }
    committed.sort();
    (committed, tmp)
}

#[test]
fn pull_images_inspect_tag_rmi_end_to_end() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(fixtures::BUSYBOX);
    let pushed = reg.fixture(fixtures::BUSYBOX);

    let out = env.run(["pull", &name]);
    out.assert_ok();
    let lines = out.lines();
    assert_eq!(lines[0], "latest: Pulling from library/busybox");
    assert!(
        lines.iter().any(|l| l.ends_with(": Pulling fs layer")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.ends_with(": Pull complete")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&format!("Digest: {}", pushed.digest).as_str()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&format!("Status: Downloaded newer image for {name}").as_str()),
        "{lines:?}"
    );
    assert_eq!(*lines.last().unwrap(), name);

    let again = env.run(["pull", &name]);
    assert!(
        !again.stdout().contains("Already exists"),
        "{}",
        again.stdout()
    );
    again
        .assert_ok()
        .assert_stdout_has(&format!("Status: Image is up to date for {name}"));
    env.run(["pull", "-q", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{name}\n"));

    let short = &pushed.image_id[7..19];
    let images = env.run(["images"]);
    images.assert_ok();
    let il = images.lines();
    assert!(
        il[0].starts_with("REPOSITORY") && il[0].contains("IMAGE ID") && il[0].ends_with("SIZE"),
        "{il:?}"
    );
    let row: Vec<&str> = il[1].split_whitespace().collect();
    assert_eq!(
        &row[..3],
        &[
            format!("{}/library/busybox", reg.host()).as_str(),
            "latest",
            short
        ]
    );
    env.run(["images", "-q"])
        .assert_ok()
        .assert_stdout_eq(&format!("{short}\n"));
    env.run(["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .assert_ok()
        .assert_stdout_eq(&format!("{name}\n"));

    let inspect = env.run(["image", "inspect", &name]);
    inspect.assert_ok();
    let v: serde_json::Value = serde_json::from_str(inspect.stdout()).unwrap();
    assert_eq!(v[0]["Id"], pushed.image_id);
    assert_eq!(v[0]["RepoTags"][0], name);
    assert_eq!(
        v[0]["RepoDigests"][0],
        format!("{}/library/busybox@{}", reg.host(), pushed.digest)
    );
    assert_eq!(v[0]["Os"], "linux");
    assert_eq!(v[0]["Config"]["Cmd"][0], "sh");
    assert_eq!(v[0]["RootFS"]["Type"], "layers");
    assert!(v[0]["Size"].as_u64().unwrap() > 100_000);
    env.run(["image", "inspect", "-f", "{{.Id}}", short])
        .assert_ok()
        .assert_stdout_eq(&format!("{}\n", pushed.image_id));

    env.run(["tag", &name, "my/busybox:v1"]).assert_ok();
    env.run(["images", "--filter", "reference=my/*"])
        .assert_ok()
        .assert_stdout_has("my/busybox");
    // The layer is shared by both tags; removing one tag keeps it.
    env.run(["rmi", "my/busybox:v1"])
        .assert_ok()
        .assert_stdout_eq("Untagged: my/busybox:v1\n");
    assert_eq!(layer_dirs(&env.root()).0.len(), 1);
    let rmi = env.run(["image", "rm", &name]);
    rmi.assert_ok()
        .assert_stdout_has(&format!("Untagged: {name}\n"))
        .assert_stdout_has(&format!("Deleted: {}\n", pushed.image_id));
    assert_eq!(layer_dirs(&env.root()), (vec![], vec![]));
    env.run(["images", "-q"]).assert_ok().assert_stdout_eq("");
}

#[test]
fn rmi_of_a_missing_image_says_no_such_image() {
    let env = TestEnv::new();
    env.run(["rmi", "nope"])
        .assert_code(1)
        .assert_stderr_has("Error: No such image: nope");
    env.run(["image", "inspect", "nope"])
        .assert_code(1)
        .assert_stderr_has("Error: No such image: nope");
}

#[test]
fn pull_rejects_malformed_references_before_touching_the_store() {
    let env = TestEnv::new();
    for bad in [
        "localhost:5000/../../etc:latest",
        "a/b/../../c",
        "Upper/case",
        "x:../../y",
    ] {
        env.run(["pull", bad])
            .assert_failed()
            .assert_stderr_has("invalid reference format");
    }
    assert!(!env.root().join("blobs").exists());
}

#[test]
fn pull_handles_every_fixture_format() {
    let reg = registry::shared();
    let env = TestEnv::new();
    for f in [
        fixtures::BUSYBOX_DOCKER,
        fixtures::ZSTD,
        fixtures::PLAIN,
        fixtures::MULTI,
    ] {
        let out = env.run(["pull", &reg.image(f)]);
        out.assert_ok();
        let id = reg.fixture(f).image_id;
        env.run(["image", "inspect", "-f", "{{.Id}}", &reg.image(f)])
            .assert_ok()
            .assert_stdout_eq(&format!("{id}\n"));
    }
    // What the container side reads: the config as oci_spec's type and the layer dirs, lowest first.
    let paths = Paths {
        root: env.root(),
        run_root: env.run_root(),
        rootless: false,
    };
    let ctx = Context::with(paths.clone(), berth::config::Config::default());
    let rec = berth::engine::image::resolve_local(&ctx, &reg.image(fixtures::MULTI)).unwrap();
    let cfg = berth::engine::image::image_config(&paths, &rec).unwrap();
    let c = cfg.config().as_ref().unwrap();
    assert_eq!(c.working_dir().as_deref(), Some("/data"));
    assert_eq!(c.cmd().as_ref().unwrap(), &vec!["sh".to_string()]);
    let dirs = berth::engine::image::image_layers(&paths, &rec).unwrap();
    assert_eq!(dirs.len(), 3);
    assert!(dirs[0].join("bin/busybox").is_file() && dirs[2].join("data/new.txt").is_file());
    // The busybox layer is shared by every fixture: stored once (4 images, 1 + 2 multi-only layers).
    assert_eq!(layer_dirs(&env.root()).0.len(), 3);
    // multi's third layer: whiteouts became overlay char devices 0/0, the opaque dir carries the xattr.
    let layers = fs::read_dir(env.root().join("layers/sha256")).unwrap();
    let mut whiteouts = 0;
    for l in layers.flatten() {
        let p = l.path().join("diff/data/gone.txt");
        if let Ok(m) = fs::symlink_metadata(&p) {
            use std::os::unix::fs::{FileTypeExt, MetadataExt};
            if m.file_type().is_char_device() && m.rdev() == 0 {
                whiteouts += 1;
            }
        }
    }
    assert_eq!(whiteouts, 1);
}

#[test]
fn pull_selects_the_platform_from_an_index() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(fixtures::INDEX);
    env.run(["pull", "--platform", "linux/arm64", &name])
        .assert_ok();
    env.run(["image", "inspect", "-f", "{{.Architecture}}", &name])
        .assert_ok()
        .assert_stdout_eq("arm64\n");
    let v: serde_json::Value =
        serde_json::from_str(env.run(["image", "inspect", &name]).assert_ok().stdout()).unwrap();
    let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
    let arch = keys.iter().position(|k| *k == "Architecture").unwrap();
    assert_eq!(keys[arch + 1], "Variant");
    assert_eq!(v[0]["Variant"], "v8");
    env.run(["pull", "--platform", "linux/amd64", &name])
        .assert_ok();
    let id = reg.fixture(fixtures::INDEX).image_id;
    env.run(["image", "inspect", "-f", "{{.Architecture}} {{.Id}}", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("amd64 {id}\n"));
    env.run(["pull", "--platform", "linux/s390x", &name])
        .assert_failed()
        .assert_stderr_has("no matching manifest for linux/s390x");
}

#[test]
fn concurrent_pulls_all_succeed_store_each_layer_once_and_images_never_fails() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(fixtures::MULTI);
    // docker images in a loop meanwhile must never fail (podman#12582).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let lister = {
        let stop = stop.clone();
        let mut cmd = env.berth();
        cmd.args(["images", "-q"]);
        std::thread::spawn(move || {
            let mut runs = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let out = cmd.output().unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                runs += 1;
            }
            runs
        })
    };
    let children: Vec<_> = (0..6)
        .map(|_| {
            env.berth()
                .args(["pull", "-q", &name])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(lister.join().unwrap() > 0);
    let (committed, tmp) = layer_dirs(&env.root());
    assert_eq!(committed.len(), 3);
    assert!(tmp.is_empty(), "{tmp:?}");
    env.run(["images", "-q"])
        .assert_ok()
        .assert_stdout_eq(&format!(
            "{}\n",
            &reg.fixture(fixtures::MULTI).image_id[7..19]
        ));
}

#[test]
fn a_pull_killed_midway_leaves_nothing_used_and_the_next_pull_succeeds() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(fixtures::MULTI);
    for delay_ms in [5u64, 30, 80, 150] {
        let mut child = env
            .berth()
            .args(["pull", "-q", &name])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever was committed is complete: every layer dir has its metadata and content.
        for l in layer_dirs(&env.root()).0 {
            let d = env.root().join("layers/sha256").join(&l);
            assert!(
                d.join("layer.json").is_file() && d.join("diff").is_dir(),
                "partial layer {l}"
            );
        }
        env.run(["pull", "-q", &name]).assert_ok();
        assert!(
            layer_dirs(&env.root()).1.is_empty(),
            "leftovers after a clean pull"
        );
        env.run(["rmi", &name]).assert_ok();
    }
}

/// An in-memory registry for driving the pipeline with hostile blobs.
struct Memory {
    manifests: HashMap<String, (Vec<u8>, String)>,
    blobs: HashMap<String, Vec<u8>>,
}

impl Source for Memory {
    fn fetch_manifest(&self, r: &Reference) -> Result<FetchedManifest> {
        let key = r.digest().or(r.tag()).unwrap_or("latest").to_string();
        let (bytes, mt) = self
            .manifests
            .get(&key)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("manifest unknown"))?;
        Ok(FetchedManifest {
            digest: fixtures::sha256_digest(&bytes),
            bytes,
            media_type: mt,
        })
    }
    fn fetch_blob(&self, _: &Reference, digest: &str, _: u64) -> Result<Box<dyn Read + Send>> {
        let b = self
            .blobs
            .get(digest)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("blob unknown"))?;
        Ok(Box::new(std::io::Cursor::new(b)))
    }
    fn fetch_blob_bytes(&self, r: &Reference, digest: &str, size: u64, _: u64) -> Result<Vec<u8>> {
        let mut v = Vec::new();
        self.fetch_blob(r, digest, size)?.read_to_end(&mut v)?;
        Ok(v)
    }
}

/// One image whose single layer blob is `blob` (media type `mt`) and whose config claims `diff_id`.
fn memory_image(blob: Vec<u8>, mt: &str, diff_id: &str) -> Memory {
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux", "config": {},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }))
    .unwrap();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": fixtures::MT_OCI_MANIFEST,
        "config": {"mediaType": fixtures::MT_OCI_CONFIG, "digest": fixtures::sha256_digest(&config), "size": config.len()},
        "layers": [{"mediaType": mt, "digest": fixtures::sha256_digest(&blob), "size": blob.len()}],
    }))
    .unwrap();
    let mut blobs = HashMap::new();
    blobs.insert(fixtures::sha256_digest(&config), config);
    blobs.insert(fixtures::sha256_digest(&blob), blob);
    let mut manifests = HashMap::new();
    manifests.insert(
        "latest".to_string(),
        (manifest, fixtures::MT_OCI_MANIFEST.to_string()),
    );
    Memory { manifests, blobs }
}

fn memory_pull(src: &Memory, limits_bytes: Option<u64>) -> (tempfile::TempDir, Result<()>) {
    let dir = crate::support::temp_dir("mem");
    let paths = Paths {
        root: dir.path().join("root"),
        run_root: dir.path().join("run"),
        rootless: false,
    };
    let mut config = berth::config::Config::default();
    if let Some(b) = limits_bytes {
        config.limits.max_layer_bytes = b;
    }
    let ctx = Context::with(paths, config);
    let r = ImageRef::parse("127.0.0.1:1/mem:latest").unwrap();
    let res = pull_from(
        &ctx,
        src,
        &r,
        &PullOptions {
            platform: Some("linux/amd64".into()),
        },
        &NoProgress,
    )
    .map(drop);
    (dir, res)
}

fn small_layer() -> Vec<u8> {
    let mut l = LayerBuilder::new();
    l.file("hello", 0o644, b"hello\n");
    l.finish()
}

fn assert_nothing_committed(root: &Path) {
    assert_eq!(layer_dirs(root), (vec![], vec![]));
    assert!(!root.join("images.json").exists());
}

#[test]
fn pull_accepts_a_layer_whose_diff_id_matches() {
    let tar = small_layer();
    let src = memory_image(
        fixtures::gzip(&tar),
        fixtures::MT_LAYER_GZIP,
        &fixtures::sha256_digest(&tar),
    );
    let (dir, res) = memory_pull(&src, None);
    res.unwrap();
    let (committed, _) = layer_dirs(&dir.path().join("root"));
    assert_eq!(
        committed,
        vec![fixtures::sha256_digest(&tar)[7..].to_string()]
    );
}

#[test]
fn pull_rejects_trailing_junk_after_the_tar_end() {
    // docs/security.md A17: the config's diffID is over the un-junked tar; the junk must be hashed too.
    let tar = small_layer();
    let mut junked = tar.clone();
    junked.extend_from_slice(b"smuggled bytes after the end-of-archive blocks");
    let src = memory_image(
        fixtures::gzip(&junked),
        fixtures::MT_LAYER_GZIP,
        &fixtures::sha256_digest(&tar),
    );
    let (dir, res) = memory_pull(&src, None);
    assert!(format!("{:#}", res.unwrap_err()).contains("diffID"));
    assert_nothing_committed(&dir.path().join("root"));
}

#[test]
fn pull_rejects_a_layer_with_the_wrong_diff_id_and_commits_nothing() {
    let tar = small_layer();
    let src = memory_image(
        fixtures::gzip(&tar),
        fixtures::MT_LAYER_GZIP,
        &fixtures::sha256_digest(b"other"),
    );
    let (dir, res) = memory_pull(&src, None);
    assert!(format!("{:#}", res.unwrap_err()).contains("diffID"));
    assert_nothing_committed(&dir.path().join("root"));
}

#[test]
fn pull_rejects_blob_with_wrong_digest() {
    let tar = small_layer();
    let mut src = memory_image(
        fixtures::gzip(&tar),
        fixtures::MT_LAYER_GZIP,
        &fixtures::sha256_digest(&tar),
    );
    for b in src.blobs.values_mut() {
        if b.starts_with(&[0x1f, 0x8b]) {
            // The gzip header's OS byte: the layer decompresses to the same tar, only the digest differs.
            b[9] ^= 0xff;
        }
    }
    let (dir, res) = memory_pull(&src, None);
    crate::support::assert_err(res, "layer blob digest is");
    assert_nothing_committed(&dir.path().join("root"));
    assert_eq!(
        fs::read_dir(dir.path().join("root/blobs/sha256"))
            .unwrap()
            .count(),
        2,
        "only manifest and config"
    );
}

#[test]
fn pull_stops_a_gzip_bomb_at_the_configured_limit() {
    // docs/security.md A16: a small gzip that inflates far past max_layer_bytes.
    let mut l = LayerBuilder::new();
    l.file("zeros", 0o644, &vec![0u8; 32 << 20]);
    let tar = l.finish();
    let blob = fixtures::gzip(&tar);
    assert!(blob.len() < 1 << 20);
    let src = memory_image(
        blob,
        fixtures::MT_LAYER_GZIP,
        &fixtures::sha256_digest(&tar),
    );
    let (dir, res) = memory_pull(&src, Some(4 << 20));
    assert!(format!("{:#}", res.unwrap_err()).contains("max_layer_bytes"));
    assert_nothing_committed(&dir.path().join("root"));
}

#[test]
fn pull_rejects_a_config_whose_diff_ids_do_not_match_the_layers() {
    let tar = small_layer();
    let mut src = memory_image(
        fixtures::gzip(&tar),
        fixtures::MT_LAYER_GZIP,
        &fixtures::sha256_digest(&tar),
    );
    // Rebuild with two diff_ids for one layer (docs/security.md C6).
    let d = fixtures::sha256_digest(&tar);
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [d, d]},
    }))
    .unwrap();
    let (mbytes, mt) = src.manifests["latest"].clone();
    let mut m: serde_json::Value = serde_json::from_slice(&mbytes).unwrap();
    m["config"]["digest"] = fixtures::sha256_digest(&config).into();
    m["config"]["size"] = config.len().into();
    src.blobs.insert(fixtures::sha256_digest(&config), config);
    src.manifests
        .insert("latest".into(), (serde_json::to_vec(&m).unwrap(), mt));
    let (dir, res) = memory_pull(&src, None);
    assert!(format!("{:#}", res.unwrap_err()).contains("diff_ids"));
    assert_nothing_committed(&dir.path().join("root"));
}

#[test]
fn rootless_pull_unpacks_with_user_overlay_xattrs() {
    // Runs as the unprivileged user the test world creates (needs root to create it; CI runs as root).
    let reg = registry::shared();
    let env = TestEnv::rootless();
    let name = reg.image(fixtures::MULTI);
    let out = env.run(["pull", &name]);
    out.assert_ok();
    // The layers are unpacked in a user namespace with the user's subordinate ids: owners apply.
    assert!(!out.stderr().contains("file owners"), "{}", out.stderr());
    let id = reg.fixture(fixtures::MULTI).image_id;
    env.run(["image", "inspect", "-f", "{{.Id}}", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{id}\n"));
    let mut saw_whiteout = false;
    let mut saw_opaque = false;
    for l in fs::read_dir(env.root().join("layers/sha256"))
        .unwrap()
        .flatten()
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        if let Ok(m) = fs::symlink_metadata(l.path().join("diff/data/gone.txt")) {
            saw_whiteout |= m.file_type().is_char_device() && m.rdev() == 0;
        }
        let opaque = l.path().join("diff/data/opaque");
        if opaque.exists()
            && xattr_value(&opaque, "user.overlay.opaque").as_deref() == Some(&b"y"[..])
        {
            saw_opaque = true;
        }
    }
    assert!(saw_whiteout && saw_opaque);
    env.run(["rmi", &name]).assert_ok();
    assert_eq!(layer_dirs(&env.root()), (vec![], vec![]));
}

/// The first subordinate id of the rootless test user in `file` (container id 1 maps to it).
fn first_subid(file: &str, user: &str) -> u32 {
    let text = fs::read_to_string(file).unwrap();
    text.lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() == 3 && f[0] == user).then(|| f[1].parse().unwrap())
        })
        .expect("the rootless test user has a subordinate uid range")
}

/// The committed layer dir holding `rel` in its diff/.
fn layer_holding(root: &Path, rel: &str) -> std::path::PathBuf {
    fs::read_dir(root.join("layers/sha256"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| fs::symlink_metadata(p.join("diff").join(rel)).is_ok())
        .unwrap_or_else(|| panic!("no layer holds {rel}"))
}

/// Issue 13 defect 2: a rootless pull unpacks its layers in a user namespace mapped from /etc/subuid and
/// /etc/subgid, so a file the image gives 1000:1000 (mode 0640, unreadable by others) is 1000:1000 inside
/// the container and its owner can read it; on disk it belongs to the user's subordinate ids. A layer
/// unpacked the old way (owners not applied, no `owners` in layer.json) is unpacked again by the next
/// pull when no container uses it, and kept with a warning saying what to do when one does.
#[test]
fn rootless_containers_keep_the_image_file_owners() {
    use std::os::unix::fs::MetadataExt;
    let reg = registry::shared();
    let env = TestEnv::rootless();
    let user = env.user().unwrap().clone();
    let name = reg.image(fixtures::MULTI);
    let out = env.run(["pull", &name]);
    out.assert_ok();
    assert!(!out.stderr().contains("WARNING"), "{}", out.stderr());
    let check = |env: &TestEnv| {
        env.run([
            "run",
            "--rm",
            "--user",
            "1000",
            &name,
            "cat",
            "/data/owned.txt",
        ])
        .assert_ok()
        .assert_stdout_eq("owned\n");
        env.run([
            "run",
            "--rm",
            &name,
            "stat",
            "-c",
            "%u:%g %a",
            "/data/owned.txt",
            "/home/app",
            "/bin/busybox",
        ])
        .assert_ok()
        .assert_stdout_eq("1000:1000 640\n1000:1000 755\n0:0 755\n");
    };
    check(&env);
    // docker's copy-up into a new volume keeps the owners too.
    env.run([
        "run",
        "--rm",
        "-v",
        "/data",
        &name,
        "stat",
        "-c",
        "%u:%g %a",
        "/data/owned.txt",
    ])
    .assert_ok()
    .assert_stdout_eq("1000:1000 640\n");
    let layer = layer_holding(&env.root(), "data/owned.txt");
    let on_disk = |layer: &Path| fs::metadata(layer.join("diff/data/owned.txt")).unwrap();
    let mapped = first_subid("/etc/subuid", &user.name) + 999;
    let mapped_gid = first_subid("/etc/subgid", &user.name) + 999;
    assert_eq!(
        (on_disk(&layer).uid(), on_disk(&layer).gid()),
        (mapped, mapped_gid)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(layer.join("layer.json")).unwrap()).unwrap();
    assert_eq!(meta["owners"], "userns", "{meta}");

    // A store unpacked the old way: every file the user's, no `owners` in layer.json.
    let make_old = |layer: &Path| {
        let mut meta: serde_json::Value =
            serde_json::from_slice(&fs::read(layer.join("layer.json")).unwrap()).unwrap();
        meta.as_object_mut().unwrap().remove("owners");
        fs::write(layer.join("layer.json"), meta.to_string()).unwrap();
        crate::support::rootless::chown_tree(layer, &user);
    };
    make_old(&layer);
    // In use by a container: kept, with a warning that says how to fix it.
    let ctr = crate::support::unique("owners");
    env.run(["create", "--name", &ctr, &name, "true"])
        .assert_ok();
    let out = env.run(["pull", &name]);
    out.assert_ok();
    out.assert_stderr_has("was unpacked without the image's file owners");
    assert_eq!(on_disk(&layer).uid(), user.uid);
    env.run(["rm", &ctr]).assert_ok();
    // Unused: the next pull unpacks it again with the owners.
    let out = env.run(["pull", &name]);
    out.assert_ok();
    assert!(!out.stderr().contains("WARNING"), "{}", out.stderr());
    assert!(out.stdout().contains("Pull complete"), "{}", out.stdout());
    assert_eq!(on_disk(&layer).uid(), mapped);
    check(&env);
    env.run(["rmi", &name]).assert_ok();
    assert_eq!(layer_dirs(&env.root()), (vec![], vec![]));
}

fn xattr_value(p: &Path, name: &str) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let cp = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    let cn = std::ffi::CString::new(name).unwrap();
    let mut buf = [0u8; 64];
    // SAFETY: both strings are NUL-terminated and buf is writable for its length.
    let n =
        unsafe { libc::lgetxattr(cp.as_ptr(), cn.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    (n >= 0).then(|| buf[..n as usize].to_vec())
}

#[test]
fn pull_reports_shared_layers_as_already_existing() {
    let reg = registry::shared();
    let env = TestEnv::new();
    env.run(["pull", &reg.image(fixtures::BUSYBOX)]).assert_ok();
    let out = env.run(["image", "pull", &reg.image(fixtures::MULTI)]);
    out.assert_ok();
    let lines = out.lines();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.ends_with(": Already exists"))
            .count(),
        1,
        "{lines:?}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.ends_with(": Pull complete"))
            .count(),
        2,
        "{lines:?}"
    );
    let multi = &reg.fixture(fixtures::MULTI).image_id[7..19];
    for f in ["label=org.berth.fixture=multi", "label=org.berth.fixture"] {
        env.run(["images", "-q", "--filter", f])
            .assert_ok()
            .assert_stdout_eq(&format!("{multi}\n"));
    }
    env.run(["images", "-q", "--filter", "label=org.berth.fixture=other"])
        .assert_ok()
        .assert_stdout_eq("");
    // Both fixtures share one creation time: neither is before or after the other.
    env.run(["images", "-q", "--filter", &format!("before={multi}")])
        .assert_ok()
        .assert_stdout_eq("");
}

#[test]
fn pull_by_digest_records_a_repo_digest_and_no_tag() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let pushed = reg.fixture(fixtures::BUSYBOX);
    let by_digest = format!("{}/library/busybox@{}", reg.host(), pushed.digest);
    let out = env.run(["pull", &by_digest]);
    out.assert_ok();
    assert_eq!(
        out.lines()[0],
        format!("{}: Pulling from library/busybox", pushed.digest)
    );
    out.assert_stdout_has(&format!(
        "Status: Downloaded newer image for {by_digest}\n{by_digest}\n"
    ));
    let images = env.run([
        "images",
        "--digests",
        "--format",
        "{{.Repository}} {{.Tag}} {{.Digest}}",
    ]);
    images
        .assert_ok()
        .assert_stdout_eq(&format!("<none> <none> {}\n", pushed.digest));
    env.run(["image", "inspect", "-f", "{{.Id}}", &by_digest])
        .assert_ok()
        .assert_stdout_eq(&format!("{}\n", pushed.image_id));
    // With a tag as well, removing the digest reference only drops that reference.
    let tagged = reg.image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &tagged]).assert_ok();
    env.run(["rmi", &by_digest])
        .assert_ok()
        .assert_stdout_eq(&format!("Untagged: {by_digest}\n"));
    env.run(["rmi", &tagged])
        .assert_ok()
        .assert_stdout_has(&format!("Deleted: {}\n", pushed.image_id));
    assert_eq!(layer_dirs(&env.root()), (vec![], vec![]));
}

#[test]
fn rmi_refuses_an_image_a_container_uses_unless_forced_then_prune_collects_it() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(fixtures::BUSYBOX);
    let id = reg.fixture(fixtures::BUSYBOX).image_id;
    env.run(["pull", "-q", &name]).assert_ok();
    // The container side writes container.json with the image's full ID in `image_id`.
    let ctr = env.root().join("containers").join("c".repeat(64));
    fs::create_dir_all(&ctr).unwrap();
    fs::write(
        ctr.join("container.json"),
        serde_json::json!({"id": "c".repeat(64), "image_id": id}).to_string(),
    )
    .unwrap();

    env.run(["rmi", &name])
        .assert_code(1)
        .assert_stderr_has("conflict: unable to remove repository reference");
    env.run(["rmi", &id[7..19]])
        .assert_code(1)
        .assert_stderr_has("(must be forced) - image is being used by stopped container");
    env.run(["rmi", "-f", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("Untagged: {name}\n"));
    // Still there, dangling, with its layer.
    env.run(["images", "--filter", "dangling=true", "-q"])
        .assert_ok()
        .assert_stdout_eq(&format!("{}\n", &id[7..19]));
    assert_eq!(layer_dirs(&env.root()).0.len(), 1);
    env.run(["image", "prune", "-f"])
        .assert_ok()
        .assert_stdout_eq("Total reclaimed space: 0B\n");

    fs::remove_dir_all(&ctr).unwrap();
    let prune = env.run(["image", "prune", "-f"]);
    prune.assert_ok();
    let out = prune.stdout();
    assert!(
        out.starts_with("Deleted Images:\nuntagged: ")
            && out.contains(&format!("\ndeleted: {id}\n")),
        "{out}"
    );
    assert!(
        out.contains("\nTotal reclaimed space: ") && !out.ends_with("space: 0B\n"),
        "{out}"
    );
    assert_eq!(layer_dirs(&env.root()), (vec![], vec![]));
    assert_eq!(
        fs::read_dir(env.root().join("blobs/sha256"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn pull_by_digest_rejects_a_manifest_with_other_bytes() {
    // docs/security.md C4: hash exactly the bytes received and compare with the digest asked for.
    let tar = small_layer();
    let mut src = memory_image(
        fixtures::gzip(&tar),
        fixtures::MT_LAYER_GZIP,
        &fixtures::sha256_digest(&tar),
    );
    let (bytes, mt) = src.manifests["latest"].clone();
    let asked = fixtures::sha256_digest(&bytes);
    let mut other: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    other["annotations"] = serde_json::json!({"x": "y"});
    src.manifests
        .insert(asked.clone(), (serde_json::to_vec(&other).unwrap(), mt));
    let dir = crate::support::temp_dir("mem");
    let paths = Paths {
        root: dir.path().join("root"),
        run_root: dir.path().join("run"),
        rootless: false,
    };
    let ctx = Context::with(paths, berth::config::Config::default());
    let r = ImageRef::parse(&format!("127.0.0.1:1/mem@{asked}")).unwrap();
    let err = pull_from(&ctx, &src, &r, &PullOptions::default(), &NoProgress).unwrap_err();
    assert!(
        format!("{err:#}").contains("does not match its digest"),
        "{err:#}"
    );
    assert_nothing_committed(&dir.path().join("root"));
}

#[test]
fn pull_rejects_a_document_that_is_both_index_and_manifest() {
    // docs/security.md C5 (CVE-2021-41190).
    let tar = small_layer();
    let mut src = memory_image(
        fixtures::gzip(&tar),
        fixtures::MT_LAYER_GZIP,
        &fixtures::sha256_digest(&tar),
    );
    let (bytes, mt) = src.manifests["latest"].clone();
    let mut m: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    m["manifests"] = serde_json::json!([]);
    src.manifests
        .insert("latest".into(), (serde_json::to_vec(&m).unwrap(), mt));
    let (dir, res) = memory_pull(&src, None);
    assert!(format!("{:#}", res.unwrap_err()).contains("ambiguous"));
    assert_nothing_committed(&dir.path().join("root"));
}

#[test]
fn pull_from_a_registry_behind_htpasswd_needs_login() {
    let reg = registry::shared_htpasswd();
    let env = TestEnv::new();
    let name = reg.image(fixtures::PRIVATE_BUSYBOX);
    env.run(["pull", &name]).assert_failed();
    assert!(layer_dirs(&env.root()).0.is_empty());
    env.run_with_stdin(
        [
            "login",
            "-u",
            registry::USER,
            "--password-stdin",
            &reg.host(),
        ],
        registry::PASSWORD.as_bytes(),
    )
    .assert_ok();
    env.run(["pull", "-q", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{name}\n"));
    let id = reg.fixture(fixtures::PRIVATE_BUSYBOX).image_id;
    env.run(["images", "-q", "--no-trunc"])
        .assert_ok()
        .assert_stdout_eq(&format!("{id}\n"));
}

#[test]
fn a_damaged_layer_dir_is_replaced_by_the_next_pull() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &name]).assert_ok();
    let (layers, _) = layer_dirs(&env.root());
    let dir = env.root().join("layers/sha256").join(&layers[0]);
    fs::remove_file(dir.join("layer.json")).unwrap();
    env.run(["pull", "-q", &name]).assert_ok();
    assert!(dir.join("layer.json").is_file() && dir.join("diff/bin/busybox").is_file());
    assert!(layer_dirs(&env.root()).1.is_empty());
}

/// The digest of the first blob in `layout` whose bytes start as `magic` (a layer's compressed blob).
fn layer_blob_digest(layout: &Path, magic: &[u8]) -> String {
    fs::read_dir(layout.join("blobs/sha256"))
        .unwrap()
        .flatten()
        .find(|e| fs::read(e.path()).unwrap().starts_with(magic))
        .map(|e| format!("sha256:{}", e.file_name().to_string_lossy()))
        .expect("layer blob in layout")
}

#[test]
fn pull_shares_a_layer_stored_under_another_compression() {
    // Issue 2: image `gz` has the busybox layer gzip-compressed; image `zst` has the same layer (same
    // diffID, same chain ID) as zstd plus a plain tar layer of its own. The store keeps unpacked layers
    // only, as docker does: the second pull reuses the layer without fetching its zstd blob, each image
    // records its own blob, and inspect, images, rmi of either image, run and prune all stay right.
    let base = fixtures::busybox_layer_tar();
    let mut l = LayerBuilder::new();
    l.file("zst-marker", 0o644, b"from the zstd image\n");
    let marker = l.finish();
    let reg = registry::shared();
    let push =
        |name: &str, config: serde_json::Value, layers: Vec<(Vec<u8>, fixtures::Compression)>| {
            let dir = crate::support::temp_dir("compress-share");
            let layout = fixtures::Layout::create(dir.path());
            let m = layout.image(&config, &layers);
            layout.tag(&m, "latest");
            let repo = format!("library/{}:latest", crate::support::unique(name));
            reg.skopeo_push(
                dir.path(),
                "latest",
                &repo,
                &["--preserve-digests".to_string()],
            );
            (reg.image(&repo), dir)
        };
    let cfg = |cmd: &str, tars: &[&[u8]]| {
        fixtures::image_config(
            "amd64",
            None,
            serde_json::json!({"Env": [fixtures::PATH_ENV], "Cmd": ["sh", "-c", cmd]}),
            tars,
        )
    };
    let (gz, gz_layout) = push(
        "gz",
        cfg("echo gz", &[&base]),
        vec![(base.clone(), fixtures::Compression::Gzip)],
    );
    let (zst, zst_layout) = push(
        "zst",
        cfg("cat /zst-marker", &[&base, &marker]),
        vec![
            (base.clone(), fixtures::Compression::Zstd),
            (marker.clone(), fixtures::Compression::None),
        ],
    );
    let zstd_blob = layer_blob_digest(zst_layout.path(), &[0x28, 0xb5, 0x2f, 0xfd]);
    let gzip_blob = layer_blob_digest(gz_layout.path(), &[0x1f, 0x8b]);
    let env = TestEnv::new();
    env.run(["pull", &gz]).assert_ok();
    let out = env.run(["pull", &zst]);
    out.assert_ok();
    assert!(
        out.stdout()
            .contains(&format!("{}: Already exists", &zstd_blob[7..19])),
        "{}",
        out.stdout()
    );

    // "Already exists" is reported instead of fetching. Manifests, configs and the layer blobs that
    // were fetched are kept (docs/layout.md "Images"): the zstd base never was; each record names its
    // own layer blob.
    let blobs = |env: &TestEnv| -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(env.root().join("blobs/sha256"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        blobs(&env).len(),
        6,
        "two manifests, two configs, the gzip base and the marker: {:?}",
        blobs(&env)
    );
    assert!(blobs(&env).contains(&gzip_blob[7..].to_string()));
    assert!(!blobs(&env).contains(&zstd_blob[7..].to_string()));
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(env.root().join("images.json")).unwrap()).unwrap();
    let layer_blobs: Vec<Vec<(String, String)>> = index["images"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| {
            r["layers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    (
                        l["blob_digest"].as_str().unwrap().to_string(),
                        l["media_type"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .collect();
    assert!(layer_blobs.contains(&vec![(
        gzip_blob.clone(),
        fixtures::MT_LAYER_GZIP.to_string()
    )]));
    assert!(
        layer_blobs
            .iter()
            .any(|ls| ls.len() == 2
                && ls[0] == (zstd_blob.clone(), fixtures::MT_LAYER_ZSTD.to_string())),
        "{layer_blobs:?}"
    );

    // inspect: each image's own diffIDs over the shared layer dirs, all present.
    let inspect = env.run(["image", "inspect", &zst]);
    inspect.assert_ok();
    let v: serde_json::Value = serde_json::from_str(inspect.stdout()).unwrap();
    assert_eq!(
        v[0]["RootFS"]["Layers"],
        serde_json::json!([
            fixtures::sha256_digest(&base),
            fixtures::sha256_digest(&marker)
        ])
    );
    let lower = v[0]["GraphDriver"]["Data"]["LowerDir"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(lower.split(':').count(), 2);
    assert!(lower.split(':').all(|d| Path::new(d).is_dir()), "{lower}");
    assert_eq!(
        layer_dirs(&env.root()).0.len(),
        2,
        "the busybox layer is stored once"
    );
    assert_eq!(env.run(["images", "-q"]).lines().len(), 2);

    // rmi of the image that brought the shared layer keeps it for the other one, which still runs.
    env.run(["rmi", &gz]).assert_ok();
    assert_eq!(layer_dirs(&env.root()).0.len(), 2);
    let run = env.run(["run", "--rm", "--network", "none", &zst]);
    run.assert_ok();
    assert_eq!(run.stdout(), "from the zstd image\n");

    // Pull it again (nothing fetched), then rmi the other one: everything goes.
    env.run(["pull", &gz]).assert_ok();
    env.run(["rmi", &zst]).assert_ok();
    assert_eq!(layer_dirs(&env.root()).0.len(), 1);
    let run = env.run(["run", "--rm", "--network", "none", &gz]);
    run.assert_ok();
    assert_eq!(run.stdout(), "gz\n");
    env.run(["pull", &zst]).assert_ok();
    env.run(["image", "prune", "-a", "-f"]).assert_ok();
    assert_eq!(layer_dirs(&env.root()), (vec![], vec![]));
    assert!(blobs(&env).is_empty(), "{:?}", blobs(&env));
}

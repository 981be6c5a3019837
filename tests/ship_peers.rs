//! Integration tests: `push`, `save` and `load` where they met what docker or podman do differently
//! (issue 11, found by trying the peers' flows): images whose ID was known before their pull, archives
//! docker loads or refuses.

use crate::support::registry;
use crate::support::{TestEnv, fixtures, unique};
use std::process::Command;

/// `skopeo copy` from the plain-HTTP shared registry to `dest`; it must succeed.
fn skopeo_copy(src: &str, dest: &str) {
    let out = Command::new("skopeo")
        .args(["copy", "--src-tls-verify=false", src, dest])
        .output()
        .expect("running skopeo");
    assert!(
        out.status.success(),
        "skopeo copy {src} {dest}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// docker 20.10's `docker save` (and skopeo's docker-archive) keep layers as plain tars: an image loaded
/// from one and then pulled from a registry is one image with two forms of its layers. Pushed back to
/// that registry it must go with the manifest and blobs the registry has, keeping the digest (docker's
/// push does: its metadata knows the registry has those blobs), not recompress the loaded tars into a
/// new digest.
#[test]
fn an_image_loaded_before_its_pull_is_pushed_with_the_pulled_digest() {
    let reg = registry::shared();
    let pulled = reg.fixture(fixtures::BUSYBOX);
    let src = reg.image(fixtures::BUSYBOX);
    let env = TestEnv::new();
    let file = env.dir().join("docker-archive.tar");
    skopeo_copy(
        &format!("docker://{src}"),
        &format!("docker-archive:{}:qa/box:1", file.display()),
    );
    env.run(["load", "-i", file.to_str().unwrap()])
        .assert_ok()
        .assert_stdout_eq("Loaded image: qa/box:1\n");
    env.run(["pull", "-q", &src]).assert_ok();
    for name in ["qa/box:1", src.as_str()] {
        env.run(["image", "inspect", "--format", "{{.Id}}", name])
            .assert_ok()
            .assert_stdout_eq(&format!("{}\n", pulled.image_id));
    }

    let target = reg.image(&format!("{}/box:1", unique("ship-known")));
    env.run(["tag", "qa/box:1", &target]).assert_ok();
    let out = env.run(["push", &target]);
    out.assert_ok();
    let lines = out.lines();
    // The blobs the registry has: mounted from the pulled repository, nothing uploaded.
    assert!(
        lines.iter().any(|l| l.ends_with(": Mounted from busybox")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.ends_with(": Pushed")), "{lines:?}");
    assert_eq!(reg.manifest_digest(&target_name(&target)), pulled.digest);
    assert!(lines.last().unwrap().contains(&pulled.digest), "{lines:?}");
    // Pushed again from the same store, still the same.
    env.run(["push", &target]).assert_ok();
    assert_eq!(reg.manifest_digest(&target_name(&target)), pulled.digest);
    // Asked for zstd, the plain-tar layers are compressed as asked, not answered with the gzip manifest.
    let zst = format!("{}:zst", target.rsplit_once(':').unwrap().0);
    env.run(["tag", "qa/box:1", &zst]).assert_ok();
    env.run(["push", "--compression-format", "zstd", &zst])
        .assert_ok();
    let raw = reg.get_manifest(&target_name(&zst)).text();
    assert!(
        raw.contains("application/vnd.oci.image.layer.v1.tar+zstd"),
        "{raw}"
    );
}

/// `host:port/repo:tag` -> `repo:tag`, as the registry helpers name images.
fn target_name(full: &str) -> String {
    full.split_once('/').unwrap().1.to_string()
}

/// `archive` with its `manifest.json` replaced by `manifest` (other members as they are).
fn with_manifest_json(archive: &[u8], manifest: &serde_json::Value) -> Vec<u8> {
    let mut ar = tar::Archive::new(archive);
    let mut b = tar::Builder::new(Vec::new());
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let mut h = e.header().clone();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        if e.path().unwrap().to_str() == Some("manifest.json") {
            data = serde_json::to_vec(manifest).unwrap();
            h.set_size(data.len() as u64);
            h.set_cksum();
        }
        b.append(&h, &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

/// docker's load refuses an archive whose `RepoTags` holds a name it cannot tag with (no tag, a digest,
/// upper case); berth loaded such an image untagged and said `Loaded image ID`. Refused with nothing left.
#[test]
fn load_refuses_repo_tags_docker_refuses_and_leaves_nothing() {
    let (env, name) = crate::support::busybox_world();
    let file = env.dir().join("saved.tar");
    env.run(["save", "-o", file.to_str().unwrap(), &name])
        .assert_ok();
    let bytes = std::fs::read(&file).unwrap();
    let m: serde_json::Value = {
        let mut ar = tar::Archive::new(&bytes[..]);
        let mut e = ar
            .entries()
            .unwrap()
            .map(|e| e.unwrap())
            .find(|e| e.path().unwrap().to_str() == Some("manifest.json"))
            .unwrap();
        serde_json::from_reader(&mut e).unwrap()
    };
    let zeros = "0".repeat(64);
    for (tag, says) in [
        ("qa/app", "invalid tag \"qa/app\""),
        (&format!("qa/app@sha256:{zeros}")[..], "invalid tag"),
        ("QA/App:1", "must be lowercase"),
    ] {
        let mut bad = m.clone();
        bad[0]["RepoTags"] = serde_json::json!([tag]);
        let fresh = TestEnv::new();
        let out = fresh.run_with_stdin(["load"], &with_manifest_json(&bytes, &bad));
        out.assert_code(1).assert_stderr_has(says);
        assert_eq!(out.stderr().lines().count(), 1, "{}", out.stderr());
        fresh
            .run(["images", "-aq"])
            .assert_ok()
            .assert_stdout_eq("");
        for d in ["layers/sha256", "ingest", "blobs/sha256"] {
            let left: Vec<_> = std::fs::read_dir(fresh.root().join(d))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name())
                .collect();
            assert!(left.is_empty(), "{tag}: {d}: {left:?}");
        }
    }
}

/// A load that moves a tag from another image says so first, in docker's words, and leaves the old
/// image untagged.
#[test]
fn load_says_when_a_tag_moves_from_another_image() {
    let (env, name) = crate::support::busybox_world();
    let c = unique("ship-mv");
    env.run(["run", "--name", &c, &name, "sh", "-c", "echo moved > /f"])
        .assert_ok();
    env.run(["commit", &c, "qa/x:1"]).assert_ok();
    let new_id = crate::support::inspect(&env, "qa/x:1", "{{.Id}}");
    let file = env.dir().join("moved.tar");
    env.run(["save", "-o", file.to_str().unwrap(), "qa/x:1"])
        .assert_ok();
    let saved = std::fs::read(&file).unwrap();

    let (other, name) = crate::support::busybox_world();
    other.run(["tag", &name, "qa/x:1"]).assert_ok();
    let old_id = crate::support::inspect(&other, "qa/x:1", "{{.Id}}");
    other
        .run_with_stdin(["load"], &saved)
        .assert_ok()
        .assert_stdout_eq(&format!(
            "The image qa/x:1 already exists, renaming the old one with ID {old_id} to empty string\nLoaded image: qa/x:1\n"
        ));
    assert_eq!(crate::support::inspect(&other, "qa/x:1", "{{.Id}}"), new_id);
    other
        .run([
            "image",
            "inspect",
            "--format",
            "{{json .RepoTags}}",
            &old_id,
        ])
        .assert_ok()
        .assert_stdout_eq(&format!("[\"{name}\"]\n"));
    // Loaded again: the tag stays where it is, nothing to say but the loaded name.
    other
        .run_with_stdin(["load"], &saved)
        .assert_ok()
        .assert_stdout_eq("Loaded image: qa/x:1\n");
}

/// docker's load reads bzip2 archives (`docker save | bzip2`); a stream that is no archive is said so in
/// one plain line, without the raw header bytes (a hostile stream must not reach the terminal).
#[test]
fn load_reads_bzip2_and_says_plainly_what_is_not_an_archive() {
    let (env, name) = crate::support::busybox_world();
    let file = env.dir().join("saved.tar");
    env.run(["save", "-o", file.to_str().unwrap(), &name])
        .assert_ok();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    std::io::Write::write_all(&mut bz, &std::fs::read(&file).unwrap()).unwrap();
    let bz = bz.finish().unwrap();
    let fresh = TestEnv::new();
    fresh
        .run_with_stdin(["load"], &bz)
        .assert_ok()
        .assert_stdout_eq(&format!("Loaded image: {name}\n"));
    fresh
        .run(["run", "--rm", &name, "echo", "ok"])
        .assert_ok()
        .assert_stdout_eq("ok\n");

    let other = TestEnv::new();
    let garbage = b"\x1b]0;owned\x07\x1b[2J".repeat(64);
    let out = other.run_with_stdin(["load"], &garbage);
    out.assert_code(1)
        .assert_stderr_has("invalid archive: not a tar archive");
    assert!(!out.stderr().contains('\x1b'), "{:?}", out.stderr());
    // Cut short: truncated, in one line.
    let out = other.run_with_stdin(["load"], &bz[..bz.len() / 2]);
    out.assert_code(1).assert_stderr_has("invalid archive: ");
    assert_eq!(out.stderr().lines().count(), 1, "{}", out.stderr());
    other
        .run(["images", "-aq"])
        .assert_ok()
        .assert_stdout_eq("");
}

/// docker's push lists the layers from the top one down (`Preparing` lines, and the bars' order).
#[test]
fn push_lists_layers_from_the_top_down_as_docker_does() {
    let reg = registry::shared();
    let (env, name) = crate::support::busybox_world();
    let target = reg.image(&format!("{}/two:1", unique("ship-order")));
    let c = unique("ship-order-c");
    env.run(["run", "--name", &c, &name, "sh", "-c", "echo top > /f"])
        .assert_ok();
    env.run(["commit", &c, &target]).assert_ok();
    let layers: Vec<String> = serde_json::from_str(&crate::support::inspect(
        &env,
        &target,
        "{{json .RootFS.Layers}}",
    ))
    .unwrap();
    assert_eq!(layers.len(), 2, "{layers:?}");
    let out = env.run(["push", &target]);
    out.assert_ok();
    let preparing: Vec<&str> = out
        .lines()
        .into_iter()
        .filter_map(|l| l.strip_suffix(": Preparing"))
        .collect();
    let short = |d: &str| d[7..19].to_string();
    assert_eq!(preparing, [short(&layers[1]), short(&layers[0])]);
}

/// `save -o` into a directory that does not exist: docker's words, no temp file name.
#[test]
fn save_into_a_missing_directory_says_so() {
    let (env, name) = crate::support::busybox_world();
    let out = env.dir().join("nope").join("x.tar");
    env.run(["save", "-o", out.to_str().unwrap(), &name])
        .assert_code(1)
        .assert_stderr_has(&format!(
            "invalid output path: directory {:?} does not exist",
            out.parent().unwrap().display().to_string()
        ));
}

/// `save | consumer` whose consumer goes away got a partial archive: docker dies of SIGPIPE (141 in the
/// shell), so `set -o pipefail` scripts fail; berth exited 0, as for a listing cut by `| head`.
#[test]
fn save_to_a_pipe_closed_early_fails_as_dockers_does() {
    use std::io::Read;
    let (env, name) = crate::support::busybox_world();
    let mut child = env
        .berth()
        .args(["save", &name])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 512];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // The read end is dropped here: the rest of the archive has nowhere to go.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Whole, it still exits 0.
    let file = env.dir().join("whole.tar");
    env.run(["save", "-o", file.to_str().unwrap(), &name])
        .assert_ok();
}

/// An image loaded from a docker 20.10 archive (plain-tar layers) on a base that was pulled: its base
/// layer goes as the pulled blob the registry has (a mount), as docker's push does, not compressed and
/// uploaded again under a new digest.
#[test]
fn a_loaded_image_on_a_pulled_base_mounts_the_base_layer() {
    let reg = registry::shared();
    let (env, base) = crate::support::busybox_world();
    let repo = unique("ship-derived");
    let first = reg.image(&format!("{repo}/app:1"));
    let c = unique("ship-derived-c");
    env.run(["run", "--name", &c, &base, "sh", "-c", "echo app > /f"])
        .assert_ok();
    env.run(["commit", &c, &first]).assert_ok();
    env.run(["push", &first]).assert_ok();
    let file = env.dir().join("derived.tar");
    skopeo_copy(
        &format!("docker://{first}"),
        &format!("docker-archive:{}:qa/derived:1", file.display()),
    );

    let (fresh, _) = crate::support::busybox_world();
    fresh
        .run(["load", "-i", file.to_str().unwrap()])
        .assert_ok();
    let target = reg.image(&format!("{}/app:1", unique("ship-derived2")));
    fresh.run(["tag", "qa/derived:1", &target]).assert_ok();
    let out = fresh.run(["push", &target]);
    out.assert_ok();
    let lines = out.lines();
    assert!(
        lines.iter().any(|l| l.ends_with(": Mounted from busybox")),
        "{lines:?}"
    );
    let pushed: serde_json::Value =
        serde_json::from_slice(&reg.get_manifest(&target_name(&target)).body).unwrap();
    let bb: serde_json::Value =
        serde_json::from_slice(&reg.get_manifest(fixtures::BUSYBOX).body).unwrap();
    assert_eq!(pushed["layers"][0]["digest"], bb["layers"][0]["digest"]);
    // It runs where it went.
    let other = TestEnv::new();
    other.run(["pull", "-q", &target]).assert_ok();
    other
        .run(["run", "--rm", &target, "cat", "/f"])
        .assert_ok()
        .assert_stdout_eq("app\n");
}

/// An image holding the same layer twice (two commits without changes) sends it once, with one status
/// line (docker prints `Preparing` for each and `Pushed` once); berth uploaded it twice at once.
#[test]
fn a_layer_held_twice_goes_up_once() {
    let reg = registry::shared();
    let (env, base) = crate::support::busybox_world();
    let c1 = unique("ship-twice-a");
    env.run(["run", "--name", &c1, &base, "true"]).assert_ok();
    env.run(["commit", &c1, "qa/twice:1"]).assert_ok();
    let c2 = unique("ship-twice-b");
    env.run(["run", "--name", &c2, "qa/twice:1", "true"])
        .assert_ok();
    let target = reg.image(&format!("{}/twice:2", unique("ship-twice")));
    env.run(["commit", &c2, &target]).assert_ok();
    let layers: Vec<String> = serde_json::from_str(&crate::support::inspect(
        &env,
        &target,
        "{{json .RootFS.Layers}}",
    ))
    .unwrap();
    assert_eq!(layers.len(), 3, "{layers:?}");
    assert_eq!(layers[1], layers[2], "two commits without changes");
    let out = env.run(["push", &target]);
    out.assert_ok();
    let short = format!("{}: ", &layers[2][7..19]);
    let lines = out.lines();
    let of_twice: Vec<&&str> = lines.iter().filter(|l| l.starts_with(&short)).collect();
    assert_eq!(of_twice.len(), 3, "{lines:?}");
    assert_eq!(
        of_twice
            .iter()
            .filter(|l| l.ends_with(": Preparing"))
            .count(),
        2,
        "{lines:?}"
    );
    let other = TestEnv::new();
    other.run(["pull", "-q", &target]).assert_ok();
    other.run(["run", "--rm", &target, "true"]).assert_ok();
}

/// A push to a registry that does not answer fails before compressing anything, as docker's (which pings
/// first): no time spent on a mistyped name, and no blob left in the store.
#[test]
fn a_push_to_a_registry_that_does_not_answer_compresses_nothing() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let file = env.dir().join("docker-archive.tar");
    skopeo_copy(
        &format!("docker://{}", reg.image(fixtures::BUSYBOX)),
        &format!("docker-archive:{}:qa/box:1", file.display()),
    );
    env.run(["load", "-i", file.to_str().unwrap()]).assert_ok();
    let blobs = || {
        let mut v: Vec<_> = std::fs::read_dir(env.root().join("blobs/sha256"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        v.sort();
        v
    };
    let before = blobs();
    // A port nothing listens on (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target = format!("127.0.0.1:{port}/qa/box:1");
    env.run(["tag", "qa/box:1", &target]).assert_ok();
    env.run(["push", &target])
        .assert_code(1)
        .assert_stderr_has("connection failed");
    assert_eq!(blobs(), before);
}

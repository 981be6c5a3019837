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

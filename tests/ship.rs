//! Integration tests: handing images on (issue 11). `push` against the local docker-registry (pulled
//! images keep their digest, a second repository mounts, token scopes), read back by berth and skopeo;
//! `save`/`load` round trips, archives of skopeo and podman, hostile archives.

use crate::support::registry::{self, Auth, Registry};

use crate::support::{TestEnv, fixtures, unique};
use std::process::Command;

/// `skopeo inspect --raw` of what a registry serves, with its digest.
fn skopeo_raw(reference: &str) -> (String, String) {
    let out = Command::new("skopeo")
        .args(["inspect", "--tls-verify=false", "--raw", &format!("docker://{reference}")])
        .output()
        .expect("running skopeo");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let raw = String::from_utf8(out.stdout).unwrap();
    (fixtures::sha256_digest(raw.as_bytes()), raw)
}

#[test]
fn push_of_a_pulled_image_keeps_its_digest_and_a_second_repository_mounts() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let src = reg.image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &src]).assert_ok();
    let pulled = reg.fixture(fixtures::BUSYBOX);
    let repo = unique("ship-a");
    let target = reg.image(&format!("{repo}/app:1.2"));
    env.run(["tag", &src, &target]).assert_ok();

    let out = env.run(["push", &target]);
    out.assert_ok();
    let lines = out.lines();
    assert_eq!(
        lines[0],
        format!("The push refers to repository [{}]", reg.image(&format!("{repo}/app")))
    );
    assert!(lines.iter().any(|l| l.ends_with(": Preparing")), "{lines:?}");
    // Same registry: the layer comes from library/busybox without an upload.
    assert!(
        lines.iter().any(|l| l.ends_with(": Mounted from busybox")),
        "{lines:?}"
    );
    let last = *lines.last().unwrap();
    let (digest, raw) = skopeo_raw(&target);
    assert!(raw.contains("schemaVersion"), "{raw}");
    // A pulled platform manifest goes out byte for byte.
    assert_eq!(digest, pulled.digest);
    assert_eq!(last, format!("1.2: digest: {digest} size: {}", raw.len()));

    // Again: everything is there.
    let again = env.run(["push", &target]);
    again.assert_ok();
    assert!(
        again.lines().iter().any(|l| l.ends_with(": Layer already exists")),
        "{}",
        again.stdout()
    );

    // A fresh store pulls it back by digest: same image.
    let other = TestEnv::new();
    let by_digest = reg.image(&format!("{repo}/app@{digest}"));
    other.run(["pull", "-q", &by_digest]).assert_ok();
    let id = other.run(["image", "inspect", "--format", "{{.Id}}", &by_digest]);
    id.assert_ok().assert_stdout_eq(&format!("{}\n", pulled.image_id));
}

#[test]
fn push_of_an_unknown_tag_fails_with_dockers_words() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(&format!("{}/none:1", unique("ship-none")));
    env.run(["push", &name])
        .assert_code(1)
        .assert_stderr_has(&format!("An image does not exist locally with the tag: {name}"));
}

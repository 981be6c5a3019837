//! Health checks in a test world: a container's `State.Health`, a detached container with a health
//! check, and waiting for a health status (the set-up and the wait every health test starts with).

use super::{TestEnv, busybox_world, eventually, unique};
use serde_json::Value;

/// `State.Health` of container `name` (Null when inspect shows none).
pub fn health(env: &TestEnv, name: &str) -> Value {
    let out = env.run(["inspect", name]);
    out.assert_ok();
    let v: Value = serde_json::from_str(out.stdout()).expect("inspect prints JSON");
    v[0]["State"]["Health"].clone()
}

/// The health status of container `name` ("" without a check).
pub fn status(env: &TestEnv, name: &str) -> String {
    health(env, name)["Status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// `run -d --name <name> <flags> <image> sleep 300`, asserted.
pub fn run_d(env: &TestEnv, name: &str, flags: &[&str], image: &str) {
    let mut args = vec!["run", "-d", "--name", name];
    args.extend_from_slice(flags);
    args.extend_from_slice(&[image, "sleep", "300"]);
    env.run(args).assert_ok();
}

/// A root world with busybox and one container, `unique(prefix)`, started by [`run_d`] with `flags`
/// (the `--health-*` flags under test): the world, the image and the container's name.
pub fn checked_container(prefix: &str, flags: &[&str]) -> (TestEnv, String, String) {
    let (env, image) = busybox_world();
    let name = unique(prefix);
    run_d(&env, &name, flags, &image);
    (env, image, name)
}

/// Wait up to 20 s until container `name`'s health status is `want`; the failure shows its
/// `State.Health`.
#[track_caller]
pub fn wait_status(env: &TestEnv, name: &str, want: &str) {
    assert!(
        eventually(20, || status(env, name) == want),
        "waiting for {want}: {}",
        health(env, name)
    );
}

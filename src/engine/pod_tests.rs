//! Unit tests of `engine::pod` (beside it, so pod.rs stays a file one can read through).

use super::*;

#[test]
fn share_defaults_replaces_and_adds_like_podman() {
    assert_eq!(resolve_share(&[]).unwrap(), vec!["ipc", "net", "uts"]);
    assert_eq!(
        resolve_share(&["+pid".into()]).unwrap(),
        vec!["ipc", "net", "pid", "uts"]
    );
    assert_eq!(resolve_share(&["net".into()]).unwrap(), vec!["net"]);
    assert_eq!(
        resolve_share(&["net,ipc".into(), "+pid".into()]).unwrap(),
        vec!["ipc", "net", "pid"]
    );
    crate::testing::assert_err(
        resolve_share(&["user".into()]),
        "invalid kernel namespace to share: user",
    );
}

#[test]
fn pod_status_derives_from_container_states() {
    assert_eq!(pod_status(&[]), "Created");
    assert_eq!(pod_status(&[Status::Running, Status::Running]), "Running");
    assert_eq!(pod_status(&[Status::Running, Status::Exited]), "Degraded");
    assert_eq!(pod_status(&[Status::Exited, Status::Created]), "Exited");
    assert_eq!(pod_status(&[Status::Created]), "Created");
    assert_eq!(pod_status(&[Status::Paused]), "Paused");
}

//! mounts.rs without syscalls: mount options split into flags, symlink targets kept in the root,
//! destinations with `..` refused.

use super::*;

#[test]
fn options_split_into_flags_propagation_and_data() {
    let o = parse_opts(&[
        "nosuid".into(),
        "rbind".into(),
        "ro".into(),
        "rslave".into(),
        "mode=755".into(),
    ]);
    assert_eq!(
        o.flags,
        libc::MS_NOSUID | libc::MS_BIND | libc::MS_REC | libc::MS_RDONLY
    );
    assert_eq!(o.propagation, libc::MS_SLAVE | libc::MS_REC);
    assert!(o.bind);
    assert_eq!(o.data, vec!["mode=755".to_string()]);
}

#[test]
fn symlink_targets_never_climb_above_the_root() {
    assert_eq!(
        normalize_in_root(Path::new("/etc/../../../../tmp/canary")),
        PathBuf::from("/tmp/canary")
    );
    assert_eq!(
        normalize_in_root(Path::new("/a/./b/../c")),
        PathBuf::from("/a/c")
    );
}

#[test]
fn destinations_with_dotdot_are_refused() {
    crate::testing::assert_err(
        rel(Path::new("/a/../../etc")),
        "mount destination /a/../../etc has '..'",
    );
    assert_eq!(
        rel(Path::new("/proc/sys")).unwrap(),
        PathBuf::from("proc/sys")
    );
}

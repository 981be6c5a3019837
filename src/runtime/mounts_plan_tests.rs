//! The mount plan, checked with the recording [`Syscall`] on a plain directory: no root needed.

use super::*;
use crate::runtime::sys::fake::Recorder;
use oci_spec::runtime::MountBuilder;

fn world() -> (tempfile::TempDir, OwnedFd, Recorder) {
    let tmp = tempfile::tempdir().unwrap();
    let root = openat2(
        libc::AT_FDCWD,
        tmp.path(),
        libc::O_PATH | libc::O_DIRECTORY,
        0,
    )
    .unwrap();
    let rec = Recorder {
        root: Some(tmp.path().canonicalize().unwrap()),
        ..Default::default()
    };
    (tmp, root, rec)
}

fn mount(dest: &str, typ: &str, src: &str, opts: &[&str]) -> Mount {
    MountBuilder::default()
        .destination(dest)
        .typ(typ)
        .source(src)
        .options(opts.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .build()
        .unwrap()
}

#[test]
fn a_read_only_rbind_is_bound_remounted_made_read_only_recursively_then_propagated() {
    let (tmp, root, rec) = world();
    let src = tempfile::tempdir().unwrap();
    let ctx = MountCtx {
        root: &root,
        rootless: false,
        cgroup_dirs: &[],
    };
    let m = mount(
        "/data",
        "bind",
        src.path().to_str().unwrap(),
        &["rbind", "ro", "nosuid", "rprivate"],
    );
    mount_one(&rec, &ctx, &m).unwrap();
    assert!(
        tmp.path().join("data").is_dir(),
        "the mount point is created"
    );
    let keep = locked_flags(&resolve(&root, Path::new("/data"), Kind::Dir, false).unwrap());
    let src_shown = src.path().canonicalize().unwrap();
    assert_eq!(
        rec.calls(),
        vec![
            format!(
                "mount {} <root>/data - {:#x} -",
                src_shown.display(),
                libc::MS_BIND | libc::MS_REC
            ),
            format!(
                "mount - <root>/data - {:#x} -",
                libc::MS_REMOUNT | libc::MS_BIND | libc::MS_RDONLY | libc::MS_NOSUID | keep
            ),
            "mount_setattr rdonly <root>/data".to_string(),
            format!(
                "mount - <root>/data - {:#x} -",
                libc::MS_PRIVATE | libc::MS_REC
            ),
        ]
    );
}

#[test]
fn kernel_filesystems_are_mounted_with_their_data_and_a_symlinked_proc_is_refused() {
    let (tmp, root, rec) = world();
    let ctx = MountCtx {
        root: &root,
        rootless: false,
        cgroup_dirs: &[],
    };
    mount_one(
        &rec,
        &ctx,
        &mount(
            "/dev",
            "tmpfs",
            "tmpfs",
            &["nosuid", "strictatime", "mode=755"],
        ),
    )
    .unwrap();
    assert_eq!(
        rec.calls(),
        vec![format!(
            "mount tmpfs <root>/dev tmpfs {:#x} mode=755",
            libc::MS_NOSUID | libc::MS_STRICTATIME
        )]
    );
    std::os::unix::fs::symlink("/", tmp.path().join("proc")).unwrap();
    let e = mount_one(&rec, &ctx, &mount("/proc", "proc", "proc", &[])).unwrap_err();
    assert!(
        format!("{e:#}").contains("is a symlink in the rootfs"),
        "{e:#}"
    );
    assert_eq!(
        rec.calls().len(),
        1,
        "nothing is mounted on a symlinked /proc"
    );
}

#[test]
fn rootless_sysfs_falls_back_to_a_read_only_bind_of_the_hosts() {
    let (_tmp, root, mut rec) = world();
    rec.refuse = vec!["sysfs"];
    let ctx = MountCtx {
        root: &root,
        rootless: true,
        cgroup_dirs: &[],
    };
    mount_one(&rec, &ctx, &mount("/sys", "sysfs", "sysfs", &["ro"])).unwrap();
    let calls = rec.calls();
    assert_eq!(calls.len(), 3, "{calls:#?}");
    assert_eq!(
        calls[0],
        format!("mount sysfs <root>/sys sysfs {:#x} -", libc::MS_RDONLY)
    );
    assert_eq!(
        calls[1],
        format!(
            "mount /sys <root>/sys - {:#x} -",
            libc::MS_BIND | libc::MS_REC
        )
    );
    assert!(
        calls[2].starts_with("mount - <root>/sys - 0x"),
        "then remounted: {calls:#?}"
    );
    let flags = u64::from_str_radix(
        calls[2].split(' ').nth(4).unwrap().trim_start_matches("0x"),
        16,
    )
    .unwrap();
    let want = libc::MS_REMOUNT
        | libc::MS_BIND
        | libc::MS_RDONLY
        | libc::MS_NOSUID
        | libc::MS_NODEV
        | libc::MS_NOEXEC;
    assert_eq!(flags & want, want);
}

#[test]
fn pivot_root_detaches_the_old_root_after_making_it_a_slave() {
    let (tmp, _root, rec) = world();
    pivot_into(&rec, tmp.path()).unwrap();
    assert_eq!(
        rec.calls(),
        vec![
            "chdir <root>".to_string(),
            "pivot_root".to_string(),
            format!("mount - . - {:#x} -", libc::MS_SLAVE | libc::MS_REC),
            "umount .".to_string(),
            "chdir /".to_string(),
        ]
    );
}

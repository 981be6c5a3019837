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

/// The overlay rootfs of `layers` layers whose directories are long absolute paths under `tmp`.
fn layered(tmp: &Path, layers: usize) -> Rootfs {
    let long = tmp.join(format!("layers/sha256/{}", "a".repeat(64)));
    Rootfs::Overlay {
        lower: (0..layers)
            .map(|i| long.join(format!("{i:03}/diff")))
            .collect(),
        upper: tmp.join("c/upper"),
        work: tmp.join("c/work"),
        merged: tmp.join("c/rootfs"),
        volatile: true,
    }
}

#[test]
fn an_image_of_many_layers_is_mounted_by_descriptor_numbers() {
    // 125 layers (docker's maximum) of ~100-byte paths: 12 KB of options, three times what mount(2) takes.
    let (tmp, _root, rec) = world();
    let rootfs = layered(tmp.path(), 125);
    let Rootfs::Overlay { lower, .. } = &rootfs else {
        unreachable!()
    };
    for l in lower {
        std::fs::create_dir_all(l).unwrap();
    }
    let cwd = std::env::current_dir().unwrap();
    for in_userns in [false, true] {
        mount_rootfs(&rec, &rootfs, in_userns, &Default::default()).unwrap();
        let calls = rec.calls.borrow_mut().drain(..).collect::<Vec<_>>();
        assert_eq!(calls.len(), 3, "{calls:?}");
        assert_eq!(calls[0], "chdir /proc/self/fd");
        let data = calls[1].rsplit(' ').next().unwrap();
        assert!(
            data.len() <= overlay::MOUNT_DATA_MAX,
            "{} bytes",
            data.len()
        );
        let lowers = data
            .strip_prefix("lowerdir=")
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        let fds: Vec<&str> = lowers.split(':').collect();
        assert_eq!(fds.len(), 125, "{lowers}");
        assert!(fds.iter().all(|f| f.parse::<u32>().is_ok()), "{lowers}");
        let want = format!(
            ",upperdir={t}/c/upper,workdir={t}/c/work,volatile{}",
            if in_userns { ",userxattr" } else { "" },
            t = tmp.path().display()
        );
        assert!(calls[1].ends_with(&want), "{}", calls[1]);
        // The working directory is given back (the fake's fchdir records the directory it names).
        assert_eq!(calls[2], format!("fchdir {}", cwd.display()));
    }
}

#[test]
fn an_image_of_a_few_layers_is_mounted_by_its_paths() {
    let (tmp, _root, rec) = world();
    mount_rootfs(&rec, &layered(tmp.path(), 30), false, &Default::default()).unwrap();
    let calls = rec.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(
        calls[0].contains(&format!(
            "lowerdir={}/layers/sha256/{}/029/diff:",
            tmp.path().display(),
            "a".repeat(64)
        )),
        "{}",
        calls[0]
    );
}

#[test]
fn the_short_names_are_open_descriptors_of_each_layer_top_first() {
    let top = tempfile::tempdir().unwrap();
    let bottom = tempfile::tempdir().unwrap();
    let rec = Recorder::default();
    let lowers = [&top, &bottom].map(|d| d.path().display().to_string());
    let short = overlay::ShortLowers::open(&rec, &lowers).unwrap();
    let names: Vec<String> = short.names().split(':').map(String::from).collect();
    assert_eq!(names.len(), 2);
    for (n, d) in names.iter().zip([&top, &bottom]) {
        assert_eq!(
            std::fs::read_link(format!("/proc/self/fd/{n}")).unwrap(),
            d.path()
        );
    }
    short.close(&rec).unwrap();
    // Closed with the mount done.
    assert!(
        std::fs::read_link(format!("/proc/self/fd/{}", names[0])).map_or(true, |p| p != top.path())
    );
}

#[test]
fn an_image_deeper_than_overlay_stacks_is_refused_by_name() {
    let (tmp, _root, rec) = world();
    crate::testing::assert_err(
        mount_rootfs(&rec, &layered(tmp.path(), 501), false, &Default::default()),
        "max depth exceeded: the image has 501 layers, more than the 500 an overlay mount can stack",
    );
    assert!(rec.calls().is_empty());
}

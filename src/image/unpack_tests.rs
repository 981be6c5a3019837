//! docs/security.md 1A/1B fixtures, built here with raw tar headers, checked with the victim oracle
//! (containers/storage `testBreakout`): `victim/` beside the layer dir must be untouched.

use super::*;
use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use tar::{Builder, EntryType, Header};

struct World {
    _tmp: tempfile::TempDir,
    base: PathBuf,
    layer: PathBuf,
    secret: Vec<u8>,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().to_path_buf();
        let layer = base.join("layer");
        fs::create_dir(&layer).unwrap();
        fs::create_dir(base.join("victim")).unwrap();
        let secret = format!("victim-secret-{}", std::process::id()).into_bytes();
        fs::write(base.join("victim/hello"), &secret).unwrap();
        fs::set_permissions(base.join("victim/hello"), fs::Permissions::from_mode(0o640)).unwrap();
        World {
            _tmp: tmp,
            base,
            layer,
            secret,
        }
    }

    fn unpack(&self, tar: &[u8]) -> Result<UnpackReport> {
        self.unpack_with(tar, &UnpackLimits::default())
    }

    fn unpack_with(&self, tar: &[u8], limits: &UnpackLimits) -> Result<UnpackReport> {
        let mut r: &[u8] = tar;
        // The pull's path: small files finished by the writer thread (the one-thread path is compared
        // with it below, `one_thread_and_the_writer_make_the_same_tree`).
        unpack_layer_threaded(&mut r, &self.layer, limits, false)
    }

    /// The victim oracle: only `hello`, same bytes and mode, and no file in the layer holds its bytes.
    fn assert_victim_intact(&self) {
        let names: Vec<_> = fs::read_dir(self.base.join("victim"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("hello")]);
        let p = self.base.join("victim/hello");
        assert_eq!(fs::read(&p).unwrap(), self.secret);
        assert_eq!(fs::symlink_metadata(&p).unwrap().mode() & 0o7777, 0o640);
        assert!(
            !contains_bytes(&self.layer, &self.secret),
            "layer holds the victim's bytes"
        );
        let siblings: Vec<_> = fs::read_dir(&self.base)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            siblings.len(),
            2,
            "something appeared beside the layer: {siblings:?}"
        );
    }
}

fn contains_bytes(dir: &Path, needle: &[u8]) -> bool {
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        if t.is_dir() {
            if contains_bytes(&e.path(), needle) {
                return true;
            }
        } else if t.is_file()
            && fs::read(e.path())
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle)
        {
            return true;
        }
    }
    false
}

/// A tar built from raw headers, so names the tar crate's builder would refuse can be written.
struct Tar(Builder<Vec<u8>>);

impl Tar {
    fn new() -> Tar {
        Tar(Builder::new(Vec::new()))
    }

    fn raw(
        &mut self,
        kind: EntryType,
        name: &str,
        link: Option<&str>,
        data: &[u8],
        mode: u32,
    ) -> &mut Tar {
        let mut h = Header::new_gnu();
        h.set_entry_type(kind);
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(l) = link {
            old.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
        h.set_size(data.len() as u64);
        h.set_mode(mode);
        h.set_mtime(1_000_000);
        h.set_uid(0);
        h.set_gid(0);
        h.set_cksum();
        self.0.append(&h, data).unwrap();
        self
    }

    fn file(&mut self, name: &str, data: &[u8]) -> &mut Tar {
        self.raw(EntryType::Regular, name, None, data, 0o644)
    }

    fn dir(&mut self, name: &str) -> &mut Tar {
        self.raw(EntryType::Directory, name, None, b"", 0o755)
    }

    fn symlink(&mut self, name: &str, target: &str) -> &mut Tar {
        self.raw(EntryType::Symlink, name, Some(target), b"", 0o777)
    }

    fn hardlink(&mut self, name: &str, target: &str) -> &mut Tar {
        self.raw(EntryType::Link, name, Some(target), b"", 0o777)
    }

    fn bytes(&mut self) -> Vec<u8> {
        let b = std::mem::replace(&mut self.0, Builder::new(Vec::new()));
        b.into_inner().unwrap()
    }
}

#[test]
fn dotdot_names_are_rejected_and_nothing_escapes() {
    for name in [
        "../victim/dotdot",
        "/../victim/slash-dotdot",
        "a/../../victim/x",
        "./../victim/y",
    ] {
        let w = World::new();
        let err = w
            .unpack(&Tar::new().file(name, b"pwned").bytes())
            .unwrap_err();
        assert!(format!("{err:#}").contains(".."), "{name}: {err:#}");
        w.assert_victim_intact();
    }
}

#[test]
fn absolute_names_land_inside_the_layer() {
    let w = World::new();
    let before = fs::read("/etc/passwd").unwrap();
    w.unpack(
        &Tar::new()
            .file("/etc/passwd", b"root:x:0:0::/:/bin/sh\n")
            .bytes(),
    )
    .unwrap();
    assert_eq!(
        fs::read(w.layer.join("etc/passwd")).unwrap(),
        b"root:x:0:0::/:/bin/sh\n"
    );
    assert_eq!(fs::read("/etc/passwd").unwrap(), before);
}

#[test]
fn files_written_through_symlinks_stay_inside() {
    let w = World::new();
    let abs = w.base.join("victim").display().to_string();
    let cases = [
        Tar::new()
            .symlink("loophole", "../victim")
            .file("loophole/file", b"x")
            .bytes(),
        Tar::new()
            .symlink("loophole", &abs)
            .file("loophole/file", b"x")
            .bytes(),
        Tar::new()
            .dir("dir")
            .symlink("dir/loophole", "../../victim")
            .file("dir/loophole/newdir/newfile", b"x")
            .bytes(),
    ];
    for tar in cases {
        let w = World::new();
        let _ = w.unpack(&tar);
        w.assert_victim_intact();
    }
}

#[test]
fn regular_entry_replaces_a_symlink_instead_of_writing_through_it() {
    let w = World::new();
    let target = w.base.join("victim/hello").display().to_string();
    w.unpack(&Tar::new().symlink("x", &target).file("x", b"").bytes())
        .unwrap();
    let m = fs::symlink_metadata(w.layer.join("x")).unwrap();
    assert!(m.is_file() && m.len() == 0);
    w.assert_victim_intact();
}

#[test]
fn parent_directories_are_never_created_through_a_symlink() {
    let w = World::new();
    let _ = w.unpack(
        &Tar::new()
            .symlink("s", "..")
            .file("s/exploit/foo/bar", b"x")
            .bytes(),
    );
    assert!(!w.base.join("exploit").exists());
    w.assert_victim_intact();
}

#[test]
fn hardlink_escapes_and_links_to_directories_are_refused() {
    for tar in [
        Tar::new().hardlink("dotdot", "../victim/hello").bytes(),
        Tar::new().hardlink("abs", "/../victim/hello").bytes(),
        Tar::new()
            .hardlink("lv", "../victim")
            .file("lv/file", b"x")
            .bytes(),
        Tar::new().dir("d").hardlink("hl", "d").bytes(),
    ] {
        let w = World::new();
        crate::testing::assert_err(w.unpack(&tar), "hardlink");
        w.assert_victim_intact();
    }
    // Through a symlink, the link resolves inside the layer: it links <layer>/etc/passwd.
    let w = World::new();
    w.unpack(
        &Tar::new()
            .file("etc/passwd", b"inside")
            .symlink("d1", "../../etc")
            .hardlink("mypasswd", "d1/passwd")
            .bytes(),
    )
    .unwrap();
    let a = fs::metadata(w.layer.join("mypasswd")).unwrap();
    let b = fs::metadata(w.layer.join("etc/passwd")).unwrap();
    assert_eq!(a.ino(), b.ino());
    w.assert_victim_intact();
}

#[test]
fn chmod_never_follows_a_symlink_to_a_host_file() {
    let w = World::new();
    let perm400 = w.base.join("victim/hello");
    let also = w.base.join("victim/also-exists");
    let before = fs::metadata(&perm400).unwrap();
    let t = Tar::new()
        .symlink(&also.display().to_string(), &perm400.display().to_string())
        .raw(
            EntryType::Link,
            "sketchy",
            Some(&also.display().to_string()),
            b"",
            0o777,
        )
        .bytes();
    w.unpack(&t).unwrap();
    let after = fs::metadata(&perm400).unwrap();
    assert_eq!(after.mode(), before.mode());
    assert_eq!(after.mtime(), before.mtime());
    w.assert_victim_intact();
}

#[test]
fn deferred_directory_metadata_never_lands_on_a_symlink_target() {
    let w = World::new();
    let canary = w.base.join("victim");
    let before = fs::metadata(&canary).unwrap();
    let t = Tar::new()
        .raw(EntryType::Directory, "d", None, b"", 0o700)
        .symlink("d", &canary.display().to_string())
        .bytes();
    w.unpack(&t).unwrap();
    let after = fs::metadata(&canary).unwrap();
    assert_eq!(
        (after.mode(), after.mtime()),
        (before.mode(), before.mtime())
    );
    assert!(
        fs::symlink_metadata(w.layer.join("d"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn resolved_parents_are_not_cached_across_entries() {
    // CVE-2025-47290 (containerd SymlinkOverridePath): foo is swapped for a symlink to / between entries.
    let w = World::new();
    let b = format!(
        "B-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    );
    let t = Tar::new()
        .dir("foo")
        .dir("foo/tmp")
        .file("foo/tmp/f", b"A")
        .symlink("foo", "/")
        .file("foo/tmp/f", b.as_bytes())
        .dir("foo")
        .dir("foo/tmp")
        .file("foo/tmp/f", b"C")
        .bytes();
    if let Err(e) = w.unpack(&t) {
        panic!("{e:#}");
    }
    assert_ne!(fs::read("/tmp/f").ok(), Some(b.clone().into_bytes()));
    assert_eq!(fs::read(w.layer.join("tmp/f")).unwrap(), b.as_bytes());
    assert_eq!(fs::read(w.layer.join("foo/tmp/f")).unwrap(), b"C");
    w.assert_victim_intact();
}

#[test]
fn degenerate_names_never_replace_the_root() {
    let w = World::new();
    w.unpack(
        &Tar::new()
            .symlink("", "/")
            .symlink(".", "/")
            .dir("./")
            .bytes(),
    )
    .unwrap();
    assert!(fs::symlink_metadata(&w.layer).unwrap().is_dir());
    crate::testing::assert_err(
        w.unpack(&Tar::new().symlink("..", "/").bytes()),
        "path \"..\" contains \"..\"",
    );
    assert!(
        w.unpack(&Tar::new().symlink("x/sub/..", "/").bytes())
            .is_err()
    );
    w.assert_victim_intact();
}

#[test]
fn whiteout_names_that_reach_a_parent_or_root_are_rejected() {
    for name in [".wh...", "etc/.wh...", ".wh..", "etc/.wh..", ".wh."] {
        let w = World::new();
        assert!(
            w.unpack(&Tar::new().dir("etc").file(name, b"").bytes())
                .is_err(),
            "{name} accepted"
        );
        w.assert_victim_intact();
    }
}

#[test]
fn whiteouts_become_overlay_char_devices_and_opaque_xattrs() {
    let w = World::new();
    let t = Tar::new()
        .dir("etc")
        .file("etc/.wh.passwd", b"")
        .dir("d")
        .file("d/.wh..wh..opq", b"")
        .file("d/new", b"kept")
        .file(".wh.etc2/somefile", b"plain")
        .bytes();
    w.unpack(&t).unwrap();
    let m = fs::symlink_metadata(w.layer.join("etc/passwd")).unwrap();
    assert!(m.file_type().is_char_device());
    assert_eq!(m.rdev(), 0);
    assert!(!w.layer.join("etc/.wh.passwd").exists());
    assert_eq!(fs::read(w.layer.join("d/new")).unwrap(), b"kept");
    assert!(!w.layer.join("d/.wh..wh..opq").exists());
    assert_eq!(
        xattr(&w.layer.join("d"), "trusted.overlay.opaque").as_deref(),
        Some(&b"y"[..])
    );
    // B5: a `.wh.` prefix on a directory component is an ordinary name.
    assert_eq!(
        fs::read(w.layer.join(".wh.etc2/somefile")).unwrap(),
        b"plain"
    );
    assert!(w.layer.join("etc").is_dir());
}

#[test]
fn whiteout_through_a_symlinked_parent_stays_in_the_layer() {
    let w = World::new();
    let t = Tar::new()
        .dir("etc")
        .symlink("localetc", "/etc")
        .file("localetc/.wh.whitedout", b"")
        .bytes();
    w.unpack(&t).unwrap();
    assert!(
        fs::symlink_metadata(w.layer.join("etc/whitedout"))
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let w = World::new();
    w.unpack(
        &Tar::new()
            .symlink("dead", "/nowhere")
            .file("dead/.wh.x", b"")
            .bytes(),
    )
    .unwrap();
    assert!(!w.layer.join("nowhere").exists());
}

fn xattr(p: &Path, name: &str) -> Option<Vec<u8>> {
    let cp = CString::new(p.as_os_str().as_bytes()).unwrap();
    let cn = CString::new(name).unwrap();
    let mut buf = [0u8; 64];
    // SAFETY: both strings are NUL-terminated and buf is writable for its length.
    let n =
        unsafe { libc::lgetxattr(cp.as_ptr(), cn.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    (n >= 0).then(|| buf[..n as usize].to_vec())
}

#[test]
fn overlay_xattrs_carried_by_the_layer_are_dropped() {
    let w = World::new();
    let mut b = Builder::new(Vec::new());
    b.append_pax_extensions([
        ("SCHILY.xattr.trusted.overlay.opaque", &b"y"[..]),
        ("SCHILY.xattr.user.overlay.redirect", &b"/etc"[..]),
        ("SCHILY.xattr.user.keep", &b"1"[..]),
    ])
    .unwrap();
    let mut h = Header::new_ustar();
    h.set_entry_type(EntryType::Directory);
    h.set_path("d").unwrap();
    h.set_mode(0o755);
    h.set_size(0);
    ids(&mut h);
    h.set_cksum();
    b.append(&h, &b""[..]).unwrap();
    w.unpack(&b.into_inner().unwrap()).unwrap();
    let d = w.layer.join("d");
    assert_eq!(xattr(&d, "trusted.overlay.opaque"), None);
    assert_eq!(xattr(&d, "user.overlay.redirect"), None);
    assert_eq!(xattr(&d, "user.keep").as_deref(), Some(&b"1"[..]));
}

#[test]
fn pax_size_that_disagrees_with_the_header_is_rejected() {
    for (ustar, pax) in [(0u64, "2048"), (16, "2048")] {
        let w = World::new();
        let mut b = Builder::new(Vec::new());
        b.append_pax_extensions([("size", pax.as_bytes())]).unwrap();
        let mut h = Header::new_ustar();
        h.set_path("f").unwrap();
        h.set_size(ustar);
        ids(&mut h);
        h.set_cksum();
        b.append(&h, &vec![b'x'; ustar as usize][..]).unwrap();
        b.append_data(&mut Header::new_ustar(), "g", &vec![b'y'; 2048][..])
            .unwrap();
        let err = w.unpack(&b.into_inner().unwrap()).unwrap_err();
        assert!(format!("{err:#}").contains("PAX size"), "{err:#}");
    }
}

#[test]
fn oversized_extension_headers_are_rejected() {
    let w = World::new();
    let mut b = Builder::new(Vec::new());
    let long = "a/".repeat(600_000);
    b.append_pax_extensions([("path", long.as_bytes())])
        .unwrap();
    b.append_data(&mut Header::new_ustar(), "f", &b""[..])
        .unwrap();
    let err = w.unpack(&b.into_inner().unwrap()).unwrap_err();
    assert!(format!("{err:#}").contains("limit"), "{err:#}");
}

#[test]
fn out_of_range_device_numbers_are_rejected() {
    let w = World::new();
    let mut h = Header::new_gnu();
    h.set_entry_type(EntryType::Char);
    h.set_path("mem").unwrap();
    h.set_size(0);
    // base-256 encoding of 2^32 + 1 in the devmajor field.
    let gnu = h.as_gnu_mut().unwrap();
    gnu.dev_major = [0x80, 0, 0, 1, 0, 0, 0, 1];
    // Every other field valid, so the device number is what the unpack refuses.
    h.set_mode(0o644);
    ids(&mut h);
    h.set_cksum();
    let mut b = Builder::new(Vec::new());
    b.append(&h, &b""[..]).unwrap();
    crate::testing::assert_err(w.unpack(&b.into_inner().unwrap()), "reading device major");
    assert!(!w.layer.join("mem").exists());
}

#[test]
fn entry_count_and_size_limits_stop_bombs() {
    let w = World::new();
    let mut t = Tar::new();
    for i in 0..50 {
        t.file(&format!("f{i}"), b"");
    }
    let limits = UnpackLimits {
        max_entries: 10,
        ..UnpackLimits::default()
    };
    assert!(
        format!("{:#}", w.unpack_with(&t.bytes(), &limits).unwrap_err()).contains("max_entries")
    );
    let w = World::new();
    let limits = UnpackLimits {
        max_layer_bytes: 64 << 10,
        ..UnpackLimits::default()
    };
    let err = w
        .unpack_with(
            &Tar::new().file("big", &vec![0u8; 1 << 20]).bytes(),
            &limits,
        )
        .unwrap_err();
    assert!(format!("{err:#}").contains("max_layer_bytes"), "{err:#}");
}

#[test]
fn modes_owners_mtimes_and_links_are_applied() {
    let w = World::new();
    let t = Tar::new()
        .raw(EntryType::Directory, "bin", None, b"", 0o750)
        .raw(EntryType::Regular, "bin/suid", None, b"#!", 0o4755)
        .symlink("bin/sh", "suid")
        .hardlink("bin/again", "bin/suid")
        .raw(EntryType::Fifo, "fifo", None, b"", 0o600)
        .bytes();
    w.unpack(&t).unwrap();
    let m = fs::metadata(w.layer.join("bin/suid")).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o4755);
    assert_eq!(m.mtime(), 1_000_000);
    assert_eq!(m.nlink(), 2);
    let d = fs::metadata(w.layer.join("bin")).unwrap();
    assert_eq!((d.mode() & 0o7777, d.mtime()), (0o750, 1_000_000));
    assert_eq!(
        fs::read_link(w.layer.join("bin/sh")).unwrap(),
        Path::new("suid")
    );
    assert!(
        fs::symlink_metadata(w.layer.join("fifo"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

fn ids(h: &mut Header) {
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1);
}

#[test]
fn pax_header_followed_by_a_gnu_long_name_applies_to_the_next_file_or_is_rejected() {
    // docs/security.md A12 (c): `x`(size=2048), `L`(longname), file_a, file_b. A PAX size that disagrees with
    // file_a's header is refused, so no reader can see a different file list than berth.
    let w = World::new();
    let mut b = Builder::new(Vec::new());
    b.append_pax_extensions([("size", &b"2048"[..])]).unwrap();
    let long = "l".repeat(150);
    let mut l = Header::new_gnu();
    l.set_entry_type(EntryType::GNULongName);
    l.as_old_mut().name[..13].copy_from_slice(b"././@LongLink");
    l.set_size(long.len() as u64 + 1);
    ids(&mut l);
    l.set_cksum();
    b.append(&l, format!("{long}\0").as_bytes()).unwrap();
    b.append_data(&mut Header::new_gnu(), "file_a", &b"aaaa"[..])
        .unwrap();
    b.append_data(&mut Header::new_gnu(), "file_b", &b"bbbb"[..])
        .unwrap();
    crate::testing::assert_err(
        w.unpack(&b.into_inner().unwrap()),
        "when getting size for file_a",
    );
    w.assert_victim_intact();
}

fn device(kind: EntryType, name: &str, major: u32, minor: u32) -> Vec<u8> {
    let mut h = Header::new_gnu();
    h.set_entry_type(kind);
    h.set_path(name).unwrap();
    h.set_size(0);
    h.set_mode(0o600);
    h.set_device_major(major).unwrap();
    h.set_device_minor(minor).unwrap();
    ids(&mut h);
    h.set_cksum();
    let mut b = Builder::new(Vec::new());
    b.append(&h, &b""[..]).unwrap();
    b.into_inner().unwrap()
}

#[test]
fn device_nodes_are_created_rootful_and_skipped_with_a_warning_rootless() {
    let w = World::new();
    w.unpack(&device(EntryType::Char, "mem", 1, 1)).unwrap();
    let m = fs::symlink_metadata(w.layer.join("mem")).unwrap();
    assert!(m.file_type().is_char_device());
    assert_eq!(m.rdev(), libc::makedev(1, 1));
    let w = World::new();
    let mut r: &[u8] = &device(EntryType::Block, "sda", 8, 0);
    let report = unpack_layer(&mut r, &w.layer, &UnpackLimits::default(), true).unwrap();
    assert!(!w.layer.join("sda").exists());
    assert!(
        report.warnings.iter().any(|x| x.contains("device nodes")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn rootless_opaque_dirs_use_the_user_overlay_xattr() {
    let w = World::new();
    let t = Tar::new().dir("d").file("d/.wh..wh..opq", b"").bytes();
    let mut r: &[u8] = &t;
    unpack_layer(&mut r, &w.layer, &UnpackLimits::default(), true).unwrap();
    assert_eq!(
        xattr(&w.layer.join("d"), "user.overlay.opaque").as_deref(),
        Some(&b"y"[..])
    );
    assert_eq!(xattr(&w.layer.join("d"), "trusted.overlay.opaque"), None);
}

#[test]
fn base256_sizes_that_are_huge_or_negative_are_rejected() {
    // docs/security.md A13: the size field in base-256 with a huge or a negative value.
    for size in [
        [
            0x80, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ],
        [0xff; 12],
    ] {
        let w = World::new();
        let mut h = Header::new_gnu();
        h.set_path("f").unwrap();
        // Every other field valid, so the size is what the unpack refuses.
        h.set_mode(0o644);
        ids(&mut h);
        h.as_gnu_mut().unwrap().size = size;
        h.set_cksum();
        let mut tar = h.as_bytes().to_vec();
        tar.extend_from_slice(&[0u8; 4096]);
        crate::testing::assert_err(w.unpack(&tar), "reading layer tar");
        w.assert_victim_intact();
    }
}

#[test]
fn a_root_directory_entry_sets_the_layer_root_mode_without_replacing_it() {
    let w = World::new();
    w.unpack(
        &Tar::new()
            .raw(EntryType::Directory, "./", None, b"", 0o751)
            .bytes(),
    )
    .unwrap();
    let m = fs::symlink_metadata(&w.layer).unwrap();
    assert!(m.is_dir());
    assert_eq!((m.mode() & 0o7777, m.mtime()), (0o751, 1_000_000));
}

#[test]
fn uid_maps_tell_the_host_an_own_id_namespace_and_a_subordinate_range_apart() {
    assert_eq!(
        IdMap::from_uid_map("         0          0 4294967295\n"),
        IdMap::Host
    );
    assert_eq!(
        IdMap::from_uid_map("         0       1000          1\n"),
        IdMap::OwnIdOnly
    );
    assert_eq!(
        IdMap::from_uid_map("         0       1000          1\n         1     200000      65536\n"),
        IdMap::Subordinate
    );
    assert_eq!(IdMap::from_uid_map(""), IdMap::Host);
}

/// One entry with owner `uid:gid` (PAX `xattrs` first when given), mtime 1,000,000.
fn owned(
    kind: EntryType,
    name: &str,
    link: Option<&str>,
    mode: u32,
    (uid, gid): (u64, u64),
    xattrs: &[(&str, &[u8])],
) -> Vec<u8> {
    let mut b = Builder::new(Vec::new());
    if !xattrs.is_empty() {
        b.append_pax_extensions(xattrs.iter().map(|(k, v)| (*k, *v)))
            .unwrap();
    }
    let mut h = Header::new_gnu();
    h.set_entry_type(kind);
    h.set_path(name).unwrap();
    if let Some(l) = link {
        h.set_link_name(l).unwrap();
    }
    let data: &[u8] = if kind == EntryType::Regular {
        name.as_bytes()
    } else {
        b""
    };
    h.set_size(data.len() as u64);
    h.set_mode(mode);
    h.set_uid(uid);
    h.set_gid(gid);
    h.set_mtime(1_000_000);
    h.set_cksum();
    b.append(&h, data).unwrap();
    let mut v = b.into_inner().unwrap();
    // Builder::into_inner writes the end-of-archive blocks: drop them so entries concatenate.
    v.truncate(v.len() - 1024);
    v
}

fn owner_mode(p: &Path) -> (u32, u32, u32, i64) {
    let m = fs::symlink_metadata(p).unwrap();
    (m.uid(), m.gid(), m.mode() & 0o7777, m.mtime())
}

#[test]
fn owners_and_modes_are_exact_whether_or_not_chown_and_chmod_were_needed() {
    // Skipping an fchown/fchmod that would change nothing (unpack/create.rs) must leave every owner and mode
    // as the image says: the process's own ids, others, modes the umask trims, set-id bits, a directory
    // declared again with another owner, an entry replacing an earlier one.
    let w = World::new();
    let (me, grp) = (
        nix::unistd::geteuid().as_raw() as u64,
        nix::unistd::getegid().as_raw() as u64,
    );
    let mut t = Vec::new();
    for part in [
        owned(EntryType::Regular, "plain", None, 0o644, (me, grp), &[]),
        owned(EntryType::Regular, "open", None, 0o666, (me, grp), &[]),
        owned(EntryType::Regular, "none", None, 0o000, (me, grp), &[]),
        owned(EntryType::Regular, "theirs", None, 0o640, (1000, 1001), &[]),
        owned(EntryType::Regular, "suid", None, 0o4755, (me, grp), &[]),
        owned(EntryType::Regular, "sgid", None, 0o2711, (7, 8), &[]),
        owned(EntryType::Directory, "d", None, 0o755, (me, grp), &[]),
        owned(EntryType::Regular, "d/f", None, 0o600, (me, grp), &[]),
        owned(EntryType::Directory, "d", None, 0o1777, (7, 8), &[]),
        owned(EntryType::Directory, "e", None, 0o700, (9, 10), &[]),
        owned(EntryType::Symlink, "l", Some("d/f"), 0o777, (5, 6), &[]),
        owned(EntryType::Symlink, "l2", Some("d/f"), 0o777, (me, grp), &[]),
        owned(EntryType::Fifo, "p", None, 0o640, (me, grp), &[]),
        owned(EntryType::Regular, "plain", None, 0o600, (3, 4), &[]),
        owned(EntryType::Regular, "d/f", None, 0o751, (me, grp), &[]),
    ] {
        t.extend(part);
    }
    t.extend([0u8; 1024]);
    w.unpack(&t).unwrap();
    let (me, grp) = (me as u32, grp as u32);
    let at = |n: &str| owner_mode(&w.layer.join(n));
    assert_eq!(at("plain"), (3, 4, 0o600, 1_000_000));
    assert_eq!(fs::read(w.layer.join("plain")).unwrap(), b"plain");
    assert_eq!(at("open"), (me, grp, 0o666, 1_000_000));
    assert_eq!(at("none"), (me, grp, 0o000, 1_000_000));
    assert_eq!(at("theirs"), (1000, 1001, 0o640, 1_000_000));
    assert_eq!(at("suid"), (me, grp, 0o4755, 1_000_000));
    assert_eq!(at("sgid"), (7, 8, 0o2711, 1_000_000));
    assert_eq!(at("d"), (7, 8, 0o1777, 1_000_000));
    assert_eq!(at("d/f"), (me, grp, 0o751, 1_000_000));
    assert_eq!(at("e"), (9, 10, 0o700, 1_000_000));
    assert_eq!((at("l").0, at("l").1, at("l").3), (5, 6, 1_000_000));
    assert_eq!((at("l2").0, at("l2").1, at("l2").3), (me, grp, 1_000_000));
    assert_eq!(at("p"), (me, grp, 0o640, 1_000_000));
}

#[test]
fn a_setgid_layer_root_does_not_hand_its_group_to_new_entries() {
    // A new entry in a setgid directory gets the directory's group: then the process's own ids are not what
    // a creation gives, and every chown is made.
    let w = World::new();
    let (me, grp) = (nix::unistd::geteuid(), nix::unistd::getegid());
    nix::unistd::chown(&w.layer, None, Some(Gid::from_raw(4242))).unwrap();
    fs::set_permissions(&w.layer, fs::Permissions::from_mode(0o2755)).unwrap();
    let ids = (me.as_raw() as u64, grp.as_raw() as u64);
    let mut t = owned(EntryType::Regular, "f", None, 0o644, ids, &[]);
    t.extend(owned(EntryType::Directory, "d", None, 0o755, ids, &[]));
    t.extend(owned(EntryType::Regular, "d/g", None, 0o644, ids, &[]));
    t.extend([0u8; 1024]);
    w.unpack(&t).unwrap();
    for n in ["f", "d", "d/g"] {
        let (uid, gid, _, _) = owner_mode(&w.layer.join(n));
        assert_eq!((uid, gid), (me.as_raw(), grp.as_raw()), "{n}");
    }
}

/// A POSIX ACL in its xattr form: owner rwx, group r-x, others nothing.
fn acl_owner_rwx_group_rx_other_none() -> Vec<u8> {
    let mut v = 2u32.to_le_bytes().to_vec();
    for (tag, perm) in [(0x01u16, 7u16), (0x04, 5), (0x20, 0)] {
        v.extend(tag.to_le_bytes());
        v.extend(perm.to_le_bytes());
        v.extend(u32::MAX.to_le_bytes());
    }
    v
}

#[test]
fn a_default_acl_on_the_root_or_from_an_entry_does_not_change_modes() {
    // Under a default ACL a new file's mode comes from the ACL, not the umask (0644 would become 0640 here):
    // files are then chmodded as before, whether the ACL was on the layer root or set by an entry.
    let acl = acl_owner_rwx_group_rx_other_none();
    let ids = (
        nix::unistd::geteuid().as_raw() as u64,
        nix::unistd::getegid().as_raw() as u64,
    );
    let w = World::new();
    let name = CString::new(w.layer.as_os_str().as_bytes()).unwrap();
    // SAFETY: both strings are NUL-terminated and the value's pointer and length describe `acl`.
    let r = unsafe {
        libc::setxattr(
            name.as_ptr(),
            c"system.posix_acl_default".as_ptr(),
            acl.as_ptr().cast(),
            acl.len(),
            0,
        )
    };
    assert_eq!(r, 0, "{}", io::Error::last_os_error());
    let mut t = owned(EntryType::Regular, "f", None, 0o644, ids, &[]);
    t.extend([0u8; 1024]);
    w.unpack(&t).unwrap();
    assert_eq!(owner_mode(&w.layer.join("f")).2, 0o644);

    let w = World::new();
    let xattr = [("SCHILY.xattr.system.posix_acl_default", &acl[..])];
    let mut t = owned(EntryType::Directory, "d", None, 0o755, ids, &xattr);
    t.extend(owned(EntryType::Regular, "d/f", None, 0o644, ids, &[]));
    t.extend([0u8; 1024]);
    w.unpack(&t).unwrap();
    assert!(xattr_present(
        &w.layer.join("d"),
        "system.posix_acl_default"
    ));
    assert_eq!(owner_mode(&w.layer.join("d/f")).2, 0o644);
}

fn xattr_present(p: &Path, name: &str) -> bool {
    let path = CString::new(p.as_os_str().as_bytes()).unwrap();
    let name = CString::new(name).unwrap();
    // SAFETY: both strings are NUL-terminated; a zero-sized query writes nothing.
    unsafe { libc::getxattr(path.as_ptr(), name.as_ptr(), std::ptr::null_mut(), 0) >= 0 }
}

#[test]
fn file_content_is_copied_whole_whatever_the_writeback_hints_cover() {
    // Sizes on each side of the hints' thresholds: the tail hint, a whole writeback chunk and past it.
    let dir = tempfile::tempdir().unwrap();
    for size in [
        0,
        1,
        WRITEBACK_TAIL - 1,
        WRITEBACK_TAIL,
        WRITEBACK_TAIL + 1,
        WRITEBACK_CHUNK + 5,
    ] {
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let path = dir.path().join(format!("f{size}"));
        let mut f = File::create(&path).unwrap();
        // A buffer smaller than the content, so the copy loops and the hints see partial ranges.
        let mut buf = vec![0u8; 3000];
        let n = copy_with(&mut buf, &mut &data[..], &mut f).unwrap();
        drop(f);
        assert_eq!(n, size);
        assert_eq!(fs::read(&path).unwrap(), data, "size {size}");
    }
}

/// Every file's type, mode, size, mtime, link count and content under `dir`, by relative path.
fn tree(dir: &Path) -> Vec<(String, u32, u64, i64, u64, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let mut names: Vec<_> = fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for p in names {
            let m = fs::symlink_metadata(&p).unwrap();
            let content = if m.file_type().is_file() {
                fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            if m.is_dir() {
                todo.push(p.clone());
            }
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.push((rel, m.mode(), m.size(), m.mtime(), m.nlink(), content));
        }
    }
    out.sort();
    out
}

#[test]
fn one_thread_and_the_writer_make_the_same_tree() {
    let small = writer::SMALL_FILE as usize;
    let mut t = Tar::new();
    t.dir("d")
        .file("d/a", b"first")
        .raw(EntryType::Regular, "d/setuid", None, b"#!/bin/sh\n", 0o4755)
        .raw(EntryType::Regular, "d/wide", None, b"umask trims it", 0o777)
        .raw(EntryType::Regular, "d/private", None, b"p", 0o600)
        .file("d/edge", &vec![7u8; small])
        .file("d/big", &vec![9u8; small + 1])
        .file("d/empty", b"")
        .raw(EntryType::Link, "d/h", Some("d/a"), b"", 0o644)
        // A later entry replaces the file the writer may still be finishing; the hardlink keeps the first.
        .file("d/a", b"second, longer content")
        .file("d/gone", b"removed below")
        .file("d/.wh.gone", b"")
        .raw(EntryType::Symlink, "d/l", Some("a"), b"", 0o777);
    let tar = t.bytes();
    let base = tempfile::tempdir().unwrap();
    let (one, two) = (base.path().join("one"), base.path().join("two"));
    fs::create_dir(&one).unwrap();
    fs::create_dir(&two).unwrap();
    let r1 = unpack_layer(&mut &tar[..], &one, &UnpackLimits::default(), false).unwrap();
    let r2 = unpack_layer_threaded(&mut &tar[..], &two, &UnpackLimits::default(), false).unwrap();
    assert_eq!(r1.file_bytes, r2.file_bytes);
    let (t1, t2) = (tree(&one), tree(&two));
    assert_eq!(t1, t2);
    let get = |name: &str| t2.iter().find(|e| e.0 == name).unwrap().clone();
    assert_eq!(get("d/a").5, b"second, longer content");
    assert_eq!((get("d/h").5, get("d/h").4), (b"first".to_vec(), 1));
    assert_eq!(get("d/setuid").1 & 0o7777, 0o4755);
    assert_eq!(get("d/wide").1 & 0o7777, 0o777);
    assert_eq!(get("d/edge").2, small as u64);
    assert_eq!(get("d/big").2, small as u64 + 1);
    assert_eq!(
        get("d/a").3,
        1_000_000,
        "the mtime is set after the content"
    );
}

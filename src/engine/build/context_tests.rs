//! Unit tests of the build context: Dockerfile lookup, source resolution with docker's rules, the
//! content hash, and hostile tar contexts.

use super::*;
use std::os::unix::fs::symlink;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (p, content) in files {
        let path = d.path().join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if p.ends_with('/') {
            fs::create_dir_all(&path).unwrap();
        } else {
            fs::write(&path, content).unwrap();
        }
    }
    d
}

fn ctx(d: &tempfile::TempDir, ignore: Option<&str>) -> Context {
    Context::from_dir(d.path(), ignore).unwrap()
}

fn rels(s: &Source) -> Vec<&str> {
    s.entries.iter().map(|e| e.rel.as_str()).collect()
}

fn not_found(c: &Context, src: &str) -> NotFound {
    let e = c.resolve(&[src.to_string()]).expect_err("not found");
    e.downcast_ref::<NotFound>()
        .unwrap_or_else(|| panic!("{e:#}"))
        .clone()
}

#[test]
fn dockerfile_lookup() {
    let d = tree(&[("Dockerfile", "FROM a")]);
    assert_eq!(
        find_dockerfile(d.path(), None).unwrap(),
        d.path().join("Dockerfile")
    );
    let d = tree(&[("dockerfile", "FROM a")]);
    assert_eq!(
        find_dockerfile(d.path(), None).unwrap(),
        d.path().join("dockerfile")
    );
    let d = tree(&[("x", "")]);
    assert_eq!(
        find_dockerfile(d.path(), None).unwrap_err().to_string(),
        "failed to read dockerfile: open Dockerfile: no such file or directory"
    );
    let other = tree(&[("Dockerfile.prod", "FROM a")]);
    let f = other.path().join("Dockerfile.prod");
    assert_eq!(find_dockerfile(d.path(), Some(&f)).unwrap(), f);
}

#[test]
fn dockerignore_next_to_dockerfile_wins() {
    let d = tree(&[
        (".dockerignore", "a"),
        ("docker/app.Dockerfile", ""),
        ("docker/app.Dockerfile.dockerignore", "b"),
    ]);
    let df = d.path().join("docker/app.Dockerfile");
    assert_eq!(
        find_dockerignore(d.path(), Some(&df)).unwrap().as_deref(),
        Some("b")
    );
    assert_eq!(
        find_dockerignore(d.path(), None).unwrap().as_deref(),
        Some("a")
    );
    let e = tree(&[("x", "")]);
    assert_eq!(find_dockerignore(e.path(), None).unwrap(), None);
}

#[test]
fn resolve_file_and_directory() {
    let d = tree(&[
        ("a.txt", "A"),
        ("dir/b.txt", "B"),
        ("dir/sub/c.txt", "C"),
        ("dir/empty/", ""),
    ]);
    let c = ctx(&d, None);
    let s = c.resolve(&["a.txt".into()]).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].rel, "a.txt");
    assert_eq!(s[0].entries[0].kind, EntryKind::File { size: 1 });
    let s = c.resolve(&["./dir/".into()]).unwrap();
    assert!(s[0].is_dir());
    assert_eq!(rels(&s[0]), vec!["", "b.txt", "empty", "sub", "sub/c.txt"]);
}

#[test]
fn resolve_whole_context() {
    let d = tree(&[("a", "1"), ("b/c", "2")]);
    let s = ctx(&d, None).resolve(&[".".into()]).unwrap();
    assert_eq!(s[0].rel, "");
    assert_eq!(rels(&s[0]), vec!["", "a", "b", "b/c"]);
}

#[test]
fn missing_source_is_buildkits_not_found() {
    let d = tree(&[("a", "")]);
    let c = ctx(&d, None);
    let e = c.resolve(&["missing".into()]).unwrap_err();
    assert_eq!(e.to_string(), "\"/missing\": not found");
    assert_eq!(not_found(&c, "*.nothing").path, "/*.nothing");
    // A path through a file is missing too.
    assert_eq!(not_found(&c, "a/b").path, "/a/b");
}

#[test]
fn excluded_source_says_so() {
    let d = tree(&[
        ("secret.env", "x"),
        ("Dockerfile", "FROM a"),
        (".dockerignore", ""),
    ]);
    let c = ctx(&d, Some("secret.env\nDockerfile\n.dockerignore\n"));
    let e = c.resolve(&["secret.env".into()]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"/secret.env\": not found (excluded by .dockerignore)"
    );
    // The Dockerfile and .dockerignore are not copyable once excluded.
    assert!(not_found(&c, "Dockerfile").excluded);
    assert!(not_found(&c, ".dockerignore").excluded);
    // A glob matching only excluded files says so too.
    assert!(not_found(&c, "*.env").excluded);
}

#[test]
fn directory_walk_applies_dockerignore() {
    let d = tree(&[
        ("app/main.rs", ""),
        ("app/target/x", ""),
        ("app/notes.md", ""),
        ("app/README.md", ""),
    ]);
    let c = ctx(&d, Some("app/target\n**/*.md\n!app/README.md\n"));
    let s = c.resolve(&["app".into()]).unwrap();
    assert_eq!(rels(&s[0]), vec!["", "README.md", "main.rs"]);
}

#[test]
fn excluded_directory_with_exception_keeps_parents() {
    let d = tree(&[
        ("docs/a.md", ""),
        ("docs/keep/b.md", ""),
        ("docs/keep/c.md", ""),
    ]);
    let c = ctx(&d, Some("docs\n!docs/keep/b.md\n"));
    let s = c.resolve(&["docs".into()]).unwrap();
    assert_eq!(rels(&s[0]), vec!["", "keep", "keep/b.md"]);
    let s = c.resolve(&[".".into()]).unwrap();
    assert_eq!(rels(&s[0]), vec!["", "docs", "docs/keep", "docs/keep/b.md"]);
}

#[test]
fn globs_match_per_component_in_order() {
    let d = tree(&[
        ("a.txt", ""),
        ("b.txt", ""),
        ("c.md", ""),
        ("sub/d.txt", ""),
        ("x1/f", ""),
        ("x2/f", ""),
    ]);
    let c = ctx(&d, None);
    let s = c.resolve(&["*.txt".into()]).unwrap();
    assert_eq!(
        s.iter().map(|s| s.rel.as_str()).collect::<Vec<_>>(),
        vec!["a.txt", "b.txt"]
    );
    let s = c.resolve(&["x?/f".into()]).unwrap();
    assert_eq!(
        s.iter().map(|s| s.rel.as_str()).collect::<Vec<_>>(),
        vec!["x1/f", "x2/f"]
    );
    let s = c.resolve(&["[ab].txt".into(), "c.md".into()]).unwrap();
    assert_eq!(s.len(), 3);
}

#[test]
fn path_match_is_go_filepath_match() {
    assert!(path_match("*.txt", "a.txt"));
    assert!(!path_match("*.txt", "a.md"));
    assert!(path_match("a?c", "abc"));
    assert!(path_match("[a-c]x", "bx"));
    assert!(path_match("[^a-c]x", "dx"));
    assert!(!path_match("[^a-c]x", "ax"));
    assert!(path_match("\\*", "*"));
    assert!(!path_match("\\*", "a"));
}

#[test]
fn sources_cannot_escape_the_context() {
    let outer = tree(&[("outside.txt", "secret"), ("ctx/in.txt", "in")]);
    let c = Context::from_dir(&outer.path().join("ctx"), None).unwrap();
    assert_eq!(not_found(&c, "../outside.txt").path, "/outside.txt");
    let s = c.resolve(&["../in.txt".into()]).unwrap();
    assert_eq!(s[0].rel, "in.txt");
}

#[test]
fn symlink_source_is_followed_within_the_root() {
    let outer = tree(&[
        ("secret", "s"),
        ("ctx/real/file", "r"),
        ("ctx/etc/passwd", "fake"),
    ]);
    let root = outer.path().join("ctx");
    symlink("real", root.join("link")).unwrap();
    symlink("/etc/passwd", root.join("abs")).unwrap();
    symlink("../secret", root.join("up")).unwrap();
    let c = Context::from_dir(&root, None).unwrap();
    let s = c.resolve(&["link".into()]).unwrap();
    assert_eq!(rels(&s[0]), vec!["", "file"]);
    // An absolute target is read from the context root, not the host.
    let s = c.resolve(&["abs".into()]).unwrap();
    assert_eq!(fs::read_to_string(&s[0].entries[0].path).unwrap(), "fake");
    // `..` stops at the root.
    assert!(!not_found(&c, "up").excluded);
}

#[test]
fn symlinks_inside_a_directory_are_not_followed() {
    let outer = tree(&[("secret", "s"), ("ctx/dir/a", "a")]);
    let root = outer.path().join("ctx");
    symlink("../../secret", root.join("dir/out")).unwrap();
    let c = Context::from_dir(&root, None).unwrap();
    let s = c.resolve(&["dir".into()]).unwrap();
    assert_eq!(
        s[0].entries[2].kind,
        EntryKind::Symlink {
            target: "../../secret".into()
        }
    );
}

#[test]
fn empty_context_has_nothing() {
    let c = Context::empty();
    assert!(c.root().is_none());
    assert_eq!(
        c.resolve(&["a".into()]).unwrap_err().to_string(),
        "\"/a\": not found"
    );
}

#[test]
fn content_hash_ignores_mtime_but_not_content_mode_or_owner() {
    let d = tree(&[("dir/a", "hello"), ("dir/b", "world")]);
    let c = ctx(&d, None);
    let hash =
        |owner, chmod| content_hash(&c.resolve(&["dir".into()]).unwrap(), owner, chmod).unwrap();
    let h0 = hash(None, None);
    let f = fs::File::options()
        .write(true)
        .open(d.path().join("dir/a"))
        .unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH).unwrap();
    assert_eq!(hash(None, None), h0);
    assert_ne!(hash(Some((1000, 1000)), None), h0);
    assert_ne!(hash(None, Some(0o755)), h0);
    fs::set_permissions(d.path().join("dir/b"), fs::Permissions::from_mode(0o600)).unwrap();
    let h1 = hash(None, None);
    assert_ne!(h1, h0);
    fs::write(d.path().join("dir/a"), "hellO").unwrap();
    assert_ne!(hash(None, None), h1);
}

#[test]
fn content_hash_distinguishes_file_boundaries() {
    let d1 = tree(&[("a", "xy"), ("b", "")]);
    let d2 = tree(&[("a", "x"), ("b", "y")]);
    let h = |d: &tempfile::TempDir| {
        content_hash(&ctx(d, None).resolve(&[".".into()]).unwrap(), None, None).unwrap()
    };
    assert_ne!(h(&d1), h(&d2));
}

#[test]
fn content_hash_of_twenty_megabytes() {
    let d = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..20u32 << 20).map(|i| (i % 251) as u8).collect();
    fs::write(d.path().join("big"), &big).unwrap();
    let c = ctx(&d, None);
    let s = c.resolve(&["big".into()]).unwrap();
    let a = content_hash(&s, None, None).unwrap();
    assert_eq!(a, content_hash(&s, None, None).unwrap());
}

/// A tar archive with raw names (the tar crate's builder refuses the hostile ones).
fn raw_tar(entries: &[(&str, tar::EntryType, &[u8], Option<&str>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, ty, data, link) in entries {
        let mut h = tar::Header::new_ustar();
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(l) = link {
            old.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
        h.set_entry_type(*ty);
        h.set_size(data.len() as u64);
        h.set_mode(if *ty == tar::EntryType::Directory {
            0o755
        } else {
            0o644
        });
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0; 1024]);
    out
}

#[test]
fn tar_context_plain_gzip_and_zstd() {
    let tar = raw_tar(&[
        ("Dockerfile", tar::EntryType::Regular, b"FROM a\n", None),
        ("src/", tar::EntryType::Directory, b"", None),
        (
            "src/main.rs",
            tar::EntryType::Regular,
            b"fn main() {}",
            None,
        ),
        (".dockerignore", tar::EntryType::Regular, b"*.log\n", None),
        ("x.log", tar::EntryType::Regular, b"log", None),
    ]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    io::Write::write_all(&mut gz, &tar).unwrap();
    let gz = gz.finish().unwrap();
    let zst = zstd::encode_all(&tar[..], 1).unwrap();
    // docker reads xz and bzip2 contexts too.
    let mut xz = xz2::write::XzEncoder::new(Vec::new(), 1);
    io::Write::write_all(&mut xz, &tar).unwrap();
    let xz = xz.finish().unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    io::Write::write_all(&mut bz, &tar).unwrap();
    let bz = bz.finish().unwrap();
    for (i, bytes) in [tar.clone(), gz, zst, xz, bz].into_iter().enumerate() {
        assert!(looks_like_archive(&bytes));
        let base = tempfile::tempdir().unwrap();
        let scratch = base.path().join(format!("ctx{i}"));
        let c = Context::from_tar(&bytes[..], &scratch).unwrap();
        assert_eq!(c.read_file("Dockerfile").unwrap(), b"FROM a\n");
        let s = c.resolve(&["src".into()]).unwrap();
        assert_eq!(rels(&s[0]), vec!["", "main.rs"]);
        assert!(not_found(&c, "x.log").excluded);
        drop(c);
        assert!(
            !scratch.exists(),
            "the scratch directory is removed with the context"
        );
    }
    assert!(!looks_like_archive(b"FROM busybox\nRUN true\n"));
}

#[test]
fn tar_context_refuses_absolute_and_parent_paths() {
    for name in ["/etc/passwd", "../escape", "a/../../escape"] {
        let tar = raw_tar(&[(name, tar::EntryType::Regular, b"x", None)]);
        let base = tempfile::tempdir().unwrap();
        let scratch = base.path().join("ctx");
        let e = Context::from_tar(&tar[..], &scratch).unwrap_err();
        assert!(
            format!("{e:#}").contains("invalid path in the context archive"),
            "{name}: {e:#}"
        );
        assert!(!scratch.exists(), "nothing left behind after {name}");
        assert!(!base.path().join("escape").exists());
    }
}

#[test]
fn tar_context_never_extracts_through_a_symlink() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().to_str().unwrap().to_string();
    let tar = raw_tar(&[
        ("link", tar::EntryType::Symlink, b"", Some(&target)),
        ("link/pwned", tar::EntryType::Regular, b"x", None),
    ]);
    let base = tempfile::tempdir().unwrap();
    assert!(Context::from_tar(&tar[..], &base.path().join("ctx")).is_err());
    assert!(!outside.path().join("pwned").exists());
    // A file entry replacing a symlink does not write through it either.
    let victim = outside.path().join("victim");
    fs::write(&victim, "original").unwrap();
    let tar = raw_tar(&[
        (
            "f",
            tar::EntryType::Symlink,
            b"",
            Some(victim.to_str().unwrap()),
        ),
        ("f", tar::EntryType::Regular, b"overwritten", None),
    ]);
    let c = Context::from_tar(&tar[..], &base.path().join("ctx2")).unwrap();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "original");
    assert_eq!(c.read_file("f").unwrap(), b"overwritten");
}

#[test]
fn tar_context_hard_links_stay_inside() {
    let tar = raw_tar(&[
        ("a", tar::EntryType::Regular, b"data", None),
        ("b", tar::EntryType::Link, b"", Some("a")),
    ]);
    let base = tempfile::tempdir().unwrap();
    let c = Context::from_tar(&tar[..], &base.path().join("ctx")).unwrap();
    assert_eq!(c.read_file("b").unwrap(), b"data");
    let tar = raw_tar(&[("b", tar::EntryType::Link, b"", Some("../../etc/passwd"))]);
    assert!(Context::from_tar(&tar[..], &base.path().join("ctx2")).is_err());
    assert!(!base.path().join("ctx2").exists());
}

#[test]
fn tar_context_skips_devices() {
    let tar = raw_tar(&[
        ("null", tar::EntryType::Char, b"", None),
        ("fifo", tar::EntryType::Fifo, b"", None),
        ("ok", tar::EntryType::Regular, b"1", None),
    ]);
    let base = tempfile::tempdir().unwrap();
    let c = Context::from_tar(&tar[..], &base.path().join("ctx")).unwrap();
    let s = c.resolve(&[".".into()]).unwrap();
    assert_eq!(rels(&s[0]), vec!["", "ok"]);
}

#[test]
fn tar_context_truncated_is_an_error() {
    let mut tar = raw_tar(&[("big", tar::EntryType::Regular, &[7u8; 4096], None)]);
    tar.truncate(1024);
    let base = tempfile::tempdir().unwrap();
    assert!(Context::from_tar(&tar[..], &base.path().join("ctx")).is_err());
    assert!(!base.path().join("ctx").exists());
}

#[test]
fn copy_exclude_patterns_are_relative_to_the_source() {
    let d = tree(&[
        ("app/a.go", ""),
        ("app/a_test.go", ""),
        ("app/sub/b_test.go", ""),
        ("app/sub/keep_test.go", ""),
        ("x_test.go", ""),
    ]);
    let c = ctx(&d, None);
    let mut s = c.resolve(&["app".into()]).unwrap().remove(0);
    assert!(s.exclude(
        &Ignore::from_patterns(&["**/*_test.go".into(), "!sub/keep_test.go".into()]).unwrap()
    ));
    assert_eq!(rels(&s), vec!["", "a.go", "sub", "sub/keep_test.go"]);
    let mut s = c.resolve(&["app".into()]).unwrap().remove(0);
    assert!(s.exclude(&Ignore::from_patterns(&["sub".into()]).unwrap()));
    assert_eq!(rels(&s), vec!["", "a.go", "a_test.go"]);
    let mut f = c.resolve(&["x_test.go".into()]).unwrap().remove(0);
    assert!(!f.exclude(&Ignore::from_patterns(&["*_test.go".into()]).unwrap()));
}

#[test]
fn tar_context_long_names_and_huge_extension_headers() {
    // A GNU long name is honoured...
    let long = format!("{}/file", "d".repeat(150));
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(2);
    h.set_mode(0o644);
    b.append_data(&mut h, &long, &b"hi"[..]).unwrap();
    let bytes = b.into_inner().unwrap();
    let base = tempfile::tempdir().unwrap();
    let c = Context::from_tar(&bytes[..], &base.path().join("ctx")).unwrap();
    assert_eq!(c.read_file(&long).unwrap(), b"hi");
    // ...but one claiming gigabytes is refused before anything is read into memory.
    let mut h = tar::Header::new_gnu();
    h.as_gnu_mut().unwrap().name[..13].copy_from_slice(b"././@LongLink");
    h.set_entry_type(tar::EntryType::GNULongName);
    h.set_size(8 << 30);
    h.set_cksum();
    let mut bytes = h.as_bytes().to_vec();
    bytes.extend_from_slice(&[b'a'; 4096]);
    let e = Context::from_tar(&bytes[..], &base.path().join("ctx2")).unwrap_err();
    assert!(
        format!("{e:#}").contains("extension header of 8589934592 bytes"),
        "{e:#}"
    );
    assert!(!base.path().join("ctx2").exists());
}

#[test]
fn an_excluded_symlink_source_is_not_followed() {
    let d = tree(&[("real/file", "r")]);
    symlink("real", d.path().join("link")).unwrap();
    let c = ctx(&d, Some("link\n"));
    assert!(not_found(&c, "link").excluded);
    assert_eq!(
        rels(&c.resolve(&["real".into()]).unwrap()[0]),
        vec!["", "file"]
    );
}

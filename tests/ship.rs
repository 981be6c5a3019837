//! Integration tests: handing images on (issue 11). `push` against the local docker-registry (pulled
//! images keep their digest, a second repository mounts, token scopes), read back by berth and skopeo;
//! `save`/`load` round trips, archives of skopeo and podman, hostile archives.

use crate::support::registry::{self, Auth, Registry};
use crate::support::{TestEnv, busybox_world, fixtures, unique};
use std::process::Command;

/// Runs `script` in a container of `src` and commits it as `target` (an image whose top layer berth made).
fn commit_of(env: &TestEnv, src: &str, script: &str, target: &str) {
    let c = unique("ship-c");
    env.run(["run", "--name", &c, src, "sh", "-c", script])
        .assert_ok();
    env.run(["commit", &c, target]).assert_ok();
}

/// Runs skopeo with `args`; it must succeed. Returns its stdout.
fn skopeo(args: &[&str]) -> Vec<u8> {
    let out = Command::new("skopeo")
        .args(args)
        .output()
        .expect("running skopeo");
    assert!(
        out.status.success(),
        "skopeo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `skopeo copy` from a plain-HTTP registry (or anything else skopeo reads) to `dest`; it must succeed.
fn skopeo_copy(src: &str, dest: &str) {
    skopeo(&["copy", "--src-tls-verify=false", src, dest]);
}

/// `skopeo inspect --raw` of what a registry serves, with its digest.
fn skopeo_raw(reference: &str) -> (String, String) {
    let out = skopeo(&[
        "inspect",
        "--tls-verify=false",
        "--raw",
        &format!("docker://{reference}"),
    ]);
    let raw = String::from_utf8(out).unwrap();
    (fixtures::sha256_digest(raw.as_bytes()), raw)
}

#[test]
fn push_of_a_pulled_image_keeps_its_digest_and_a_second_repository_mounts() {
    let reg = registry::shared();
    let (env, src) = busybox_world();
    let pulled = reg.fixture(fixtures::BUSYBOX);
    let repo = unique("ship-a");
    let target = reg.image(&format!("{repo}/app:1.2"));
    env.run(["tag", &src, &target]).assert_ok();

    let out = env.run(["push", &target]);
    out.assert_ok();
    let lines = out.lines();
    assert_eq!(
        lines[0],
        format!(
            "The push refers to repository [{}]",
            reg.image(&format!("{repo}/app"))
        )
    );
    assert!(
        lines.iter().any(|l| l.ends_with(": Preparing")),
        "{lines:?}"
    );
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
        again
            .lines()
            .iter()
            .any(|l| l.ends_with(": Layer already exists")),
        "{}",
        again.stdout()
    );

    // A fresh store pulls it back by digest: same image.
    let other = TestEnv::new();
    let by_digest = reg.image(&format!("{repo}/app@{digest}"));
    other.run(["pull", "-q", &by_digest]).assert_ok();
    let id = other.run(["image", "inspect", "--format", "{{.Id}}", &by_digest]);
    id.assert_ok()
        .assert_stdout_eq(&format!("{}\n", pulled.image_id));
}

#[test]
fn push_of_an_unknown_tag_fails_with_dockers_words() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(&format!("{}/none:1", unique("ship-none")));
    env.run(["push", &name])
        .assert_code(1)
        .assert_stderr_has(&format!(
            "An image does not exist locally with the tag: {name}"
        ));
}

/// The members of a (plain) tar archive: name, type, data, link target.
type Members = Vec<(Vec<u8>, tar::EntryType, Vec<u8>, Option<Vec<u8>>)>;

fn members(archive: &[u8]) -> Members {
    let mut ar = tar::Archive::new(archive);
    let mut out = Vec::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path_bytes().to_vec();
        let kind = e.header().entry_type();
        let link = e.link_name_bytes().map(|l| l.to_vec());
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        out.push((name, kind, data, link));
    }
    out
}

/// A tar of `m` with the names written as given (`../x` and `/x` included), as a hostile tool would.
fn archive_of(m: &Members) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind, data, link) in m {
        let mut h = tar::Header::new_old();
        let raw = h.as_old_mut();
        raw.name[..name.len()].copy_from_slice(name);
        if let Some(l) = link {
            raw.linkname[..l.len()].copy_from_slice(l);
        }
        h.set_entry_type(*kind);
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append(&h, &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

/// Nothing of a failed load is left: no image, no layer, no work dir.
#[track_caller]
fn assert_empty_store(env: &TestEnv) {
    env.run(["images", "-q"]).assert_ok().assert_stdout_eq("");
    for d in ["layers/sha256", "ingest"] {
        let left: Vec<_> = std::fs::read_dir(env.root().join(d))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "{d}: {left:?}");
    }
}

/// A pulled busybox saved by berth: (store, its name, its ID, the archive's bytes).
fn saved_busybox() -> (TestEnv, String, String, Vec<u8>) {
    let reg = registry::shared();
    let (env, name) = busybox_world();
    let file = env.dir().join("busybox.tar");
    env.run(["save", "-o", file.to_str().unwrap(), &name])
        .assert_ok()
        .assert_stdout_eq("");
    let id = reg.fixture(fixtures::BUSYBOX).image_id;
    let bytes = std::fs::read(&file).unwrap();
    (env, name, id, bytes)
}

#[test]
fn save_writes_dockers_archive_and_load_brings_it_back_in_a_fresh_root() {
    let (env, name, id, bytes) = saved_busybox();
    let m = members(&bytes);
    let names: Vec<String> = m
        .iter()
        .map(|x| String::from_utf8_lossy(&x.0).into_owned())
        .collect();
    for want in ["oci-layout", "index.json", "manifest.json", "repositories"] {
        assert!(names.iter().any(|n| n == want), "{names:?}");
    }
    let index = &m.iter().find(|x| x.0 == b"index.json").unwrap().2;
    let index: serde_json::Value = serde_json::from_slice(index).unwrap();
    let ann = &index["manifests"][0]["annotations"];
    assert_eq!(ann["io.containerd.image.name"], name.as_str());
    assert_eq!(ann["org.opencontainers.image.ref.name"], "latest");
    let manifest = &m.iter().find(|x| x.0 == b"manifest.json").unwrap().2;
    let manifest: serde_json::Value = serde_json::from_slice(manifest).unwrap();
    assert_eq!(manifest[0]["RepoTags"][0], name.as_str());
    assert_eq!(manifest[0]["Config"], format!("blobs/sha256/{}", &id[7..]));
    // No partial file beside the archive.
    let beside: Vec<_> = std::fs::read_dir(env.dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(beside.is_empty());

    let fresh = TestEnv::new();
    let file = fresh.write_file("in.tar", &bytes);
    fresh
        .run(["load", "-i", file.to_str().unwrap()])
        .assert_ok()
        .assert_stdout_eq(&format!("Loaded image: {name}\n"));
    fresh
        .run(["image", "inspect", "--format", "{{.Id}}", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{id}\n"));
    fresh
        .run(["run", "--rm", &name, "echo", "loaded"])
        .assert_ok()
        .assert_stdout_eq("loaded\n");
    // Saved again from the loaded store: the same blobs, so the same archive.
    let again = fresh.dir().join("again.tar");
    fresh
        .run(["save", "-o", again.to_str().unwrap(), &name])
        .assert_ok();
    assert_eq!(std::fs::read(&again).unwrap(), bytes);
}

#[test]
fn save_of_an_unknown_image_fails() {
    let env = TestEnv::new();
    env.run(["save", "-o", "/dev/null", "nope:1"])
        .assert_code(1)
        .assert_stderr_has("No such image: nope:1");
}

#[test]
fn load_reads_gzip_zstd_and_xz_from_stdin() {
    let (_env, name, id, bytes) = saved_busybox();
    let gz = fixtures::gzip(&bytes);
    let zst = fixtures::zstd_compress(&bytes);
    let mut xz = Vec::new();
    {
        let mut w = xz2::write::XzEncoder::new(&mut xz, 1);
        std::io::Write::write_all(&mut w, &bytes).unwrap();
        w.finish().unwrap();
    }
    for (what, data) in [("gzip", gz), ("zstd", zst), ("xz", xz)] {
        let fresh = TestEnv::new();
        let out = fresh.run_with_stdin(["load"], &data);
        out.assert_ok();
        assert_eq!(out.stdout(), format!("Loaded image: {name}\n"), "{what}");
        fresh
            .run(["images", "-q", "--no-trunc"])
            .assert_ok()
            .assert_stdout_eq(&format!("{id}\n"));
    }
}

#[test]
fn hostile_archives_are_refused_and_leave_nothing_behind() {
    let (_env, _name, _id, bytes) = saved_busybox();
    let base = members(&bytes);
    let blob = base
        .iter()
        .position(|x| x.0.starts_with(b"blobs/sha256/") && x.2.len() > 1000)
        .unwrap();
    let mut cases: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    let mut m = base.clone();
    m.push((
        b"../evil".to_vec(),
        tar::EntryType::Regular,
        b"x".to_vec(),
        None,
    ));
    cases.push(("dotdot", archive_of(&m), "leaves the archive"));
    let mut m = base.clone();
    m.insert(
        0,
        (
            b"/etc/evil".to_vec(),
            tar::EntryType::Regular,
            b"x".to_vec(),
            None,
        ),
    );
    cases.push(("absolute", archive_of(&m), "absolute path"));
    let mut m = base.clone();
    m[blob].1 = tar::EntryType::Symlink;
    m[blob].3 = Some(b"/etc/passwd".to_vec());
    m[blob].2.clear();
    cases.push(("symlinked blob", archive_of(&m), "is a link"));
    let mut m = base.clone();
    m[blob].1 = tar::EntryType::Link;
    m[blob].3 = Some(b"index.json".to_vec());
    m[blob].2.clear();
    cases.push(("hardlinked blob", archive_of(&m), "is a link"));
    let mut m = base.clone();
    m.push(m[blob].clone());
    cases.push(("duplicate", archive_of(&m), "appears twice"));
    let mut m = base.clone();
    let last = m[blob].2.len() - 10;
    m[blob].2[last] ^= 0xff;
    cases.push(("corrupt blob", archive_of(&m), "does not match its digest"));
    // manifest.json only (no index.json), naming a path outside the archive.
    let mut m: Members = base
        .iter()
        .filter(|x| x.0 != b"index.json")
        .cloned()
        .collect();
    let mj = m.iter_mut().find(|x| x.0 == b"manifest.json").unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&mj.2).unwrap();
    v[0]["Layers"][0] = serde_json::json!("../../../../etc/passwd");
    mj.2 = serde_json::to_vec(&v).unwrap();
    cases.push(("manifest outside", archive_of(&m), "leaves the archive"));
    // index.json whose descriptor lies about the manifest's size.
    let mut m = base.clone();
    let ij = m.iter_mut().find(|x| x.0 == b"index.json").unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&ij.2).unwrap();
    let size = v["manifests"][0]["size"].as_u64().unwrap();
    v["manifests"][0]["size"] = serde_json::json!(size + 1);
    ij.2 = serde_json::to_vec(&v).unwrap();
    cases.push(("size lies", archive_of(&m), "its descriptor says"));
    cases.push((
        "truncated",
        bytes[..bytes.len() / 2].to_vec(),
        "invalid archive",
    ));
    cases.push((
        "not an archive",
        b"hello world, not a tar".to_vec(),
        "invalid archive",
    ));
    for (what, data, err) in cases {
        let env = TestEnv::new();
        let f = env.write_file("bad.tar", &data);
        let out = env.run(["load", "-i", f.to_str().unwrap()]);
        assert_eq!(out.code(), 1, "{what}: {}", out.stderr());
        assert!(out.stderr().contains(err), "{what}: {}", out.stderr());
        assert_empty_store(&env);
    }
}

#[test]
fn a_load_over_its_size_limit_stops_and_leaves_nothing_behind() {
    let (_env, _name, _id, bytes) = saved_busybox();
    let env = TestEnv::new();
    env.write_config("[limits]\nmax_archive_bytes = 4096\n");
    // From stdin, gzip-compressed: the bound is on what is spooled, after decompression.
    let out = env.run_with_stdin(["load"], &fixtures::gzip(&bytes));
    assert_eq!(out.code(), 1, "{}", out.stderr());
    assert_eq!(
        out.stderr(),
        "Error: invalid archive: more than 4096 bytes (limits.max_archive_bytes)\n"
    );
    assert_empty_store(&env);
}

/// The archive berth saved in `file`, its images ordered as `first` names them (by the end of their
/// names), the image `failing` last with its config and `manifest.json` (which would name it) left out:
/// a load of it stores the images before `failing`, then fails on it.
fn broken_archive(file: &std::path::Path, first: &[&str], failing: &str) -> Vec<u8> {
    let mut m = members(&std::fs::read(file).unwrap());
    let ij = m.iter_mut().find(|x| x.0 == b"index.json").unwrap();
    let mut index: serde_json::Value = serde_json::from_slice(&ij.2).unwrap();
    let manifests = index["manifests"].as_array_mut().unwrap();
    let named = |d: &serde_json::Value, n: &str| {
        d["annotations"]["io.containerd.image.name"]
            .as_str()
            .is_some_and(|a| a.ends_with(n))
    };
    manifests.sort_by_key(|d| {
        first
            .iter()
            .position(|n| named(d, n))
            .unwrap_or(first.len())
    });
    let failing_manifest = manifests.iter().find(|d| named(d, failing)).unwrap()["digest"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:")
        .to_string();
    ij.2 = serde_json::to_vec(&index).unwrap();
    let blob = |hex: &str| format!("blobs/sha256/{hex}").into_bytes();
    let man = &m.iter().find(|x| x.0 == blob(&failing_manifest)).unwrap().2;
    let man: serde_json::Value = serde_json::from_slice(man).unwrap();
    let config = man["config"]["digest"].as_str().unwrap()[7..].to_string();
    m.retain(|x| x.0 != b"manifest.json" && x.0 != blob(&config));
    archive_of(&m)
}

#[test]
fn a_load_that_fails_on_its_second_image_puts_back_the_tags_the_first_moved() {
    let (src, name, id, _) = saved_busybox();
    // A second image, `app:1`, committed on busybox; the archive holds busybox first, then it.
    let app = format!("{}:1", unique("app"));
    let c = unique("c");
    src.run(["run", "--name", &c, &name, "touch", "/y"])
        .assert_ok();
    src.run(["commit", &c, &app]).assert_ok();
    let file = src.dir().join("two.tar");
    src.run(["save", "-o", file.to_str().unwrap(), &name, &app])
        .assert_ok();
    let archive = broken_archive(&file, &[&name], &app);

    // The loading store has busybox, but its tag names another image.
    let env = TestEnv::new();
    env.run(["pull", "-q", &name]).assert_ok();
    let other = unique("o");
    env.run(["run", "--name", &other, &name, "touch", "/o"])
        .assert_ok();
    env.run(["commit", &other, &name]).assert_ok();
    let tagged = |env: &TestEnv| {
        env.run(["image", "inspect", "-f", "{{.Id}}", &name])
            .assert_ok()
            .stdout()
            .trim()
            .to_string()
    };
    let before = tagged(&env);
    assert_ne!(before, id);
    let images_before = env
        .run(["images", "-a", "-q", "--no-trunc"])
        .stdout()
        .to_string();
    let out = env.run_with_stdin(["load"], &archive);
    assert_eq!(out.code(), 1, "{}", out.stderr());
    assert!(
        out.stderr().contains("is not in the archive"),
        "{}",
        out.stderr()
    );
    // busybox's tag was moved by the first image, and is back; the second image left nothing.
    assert_eq!(tagged(&env), before);
    env.run(["image", "inspect", &app])
        .assert_code(1)
        .assert_stderr_has("No such image");
    env.run(["images", "-a", "-q", "--no-trunc"])
        .assert_ok()
        .assert_stdout_eq(&images_before);
}

#[test]
fn archives_written_by_skopeo_load_and_run() {
    let reg = registry::shared();
    let src = format!("docker://{}", reg.image(fixtures::BUSYBOX));
    let id = reg.fixture(fixtures::BUSYBOX).image_id;
    for kind in ["docker-archive", "oci-archive"] {
        let env = TestEnv::new();
        let file = env.dir().join(format!("{kind}.tar"));
        skopeo_copy(
            &src,
            &format!("{kind}:{}:skopeo/box:{kind}", file.display()),
        );
        env.run(["load", "-i", file.to_str().unwrap()])
            .assert_ok()
            .assert_stdout_eq(&format!("Loaded image: skopeo/box:{kind}\n"));
        env.run([
            "image",
            "inspect",
            "--format",
            "{{.Id}}",
            &format!("skopeo/box:{kind}"),
        ])
        .assert_ok();
        env.run(["run", "--rm", &format!("skopeo/box:{kind}"), "echo", "ok"])
            .assert_ok()
            .assert_stdout_eq("ok\n");
        if kind == "oci-archive" {
            // The OCI layout keeps the registry's manifest, so the image ID is the same.
            env.run(["images", "-q", "--no-trunc"])
                .assert_ok()
                .assert_stdout_eq(&format!("{id}\n"));
        }
    }
}

fn login(env: &TestEnv, reg: &Registry) {
    env.run_with_stdin(
        [
            "login",
            "-u",
            registry::USER,
            "--password-stdin",
            &reg.host(),
        ],
        registry::PASSWORD.as_bytes(),
    )
    .assert_ok();
}

#[test]
fn push_asks_the_token_server_for_push_and_mount_scopes() {
    let reg = Registry::start(Auth::token());
    reg.push_fixture_as(fixtures::Fixture::Busybox, "team/base:1");
    let env = TestEnv::new();
    let target = reg.image("team/app:2");
    let base = reg.image("team/base:1");
    login(&env, &reg);
    env.run(["pull", "-q", &base]).assert_ok();
    env.run(["tag", &base, &target]).assert_ok();
    let out = env.run(["push", &target]);
    out.assert_ok();
    assert!(
        out.lines()
            .iter()
            .any(|l| l.ends_with(": Mounted from team/base")),
        "{}",
        out.stdout()
    );
    let scopes: Vec<Vec<String>> = reg
        .token_server()
        .unwrap()
        .requests()
        .into_iter()
        .filter(|r| r.status == 200)
        .map(|r| r.scopes)
        .collect();
    assert!(
        scopes
            .iter()
            .any(|s| s.contains(&"repository:team/app:pull,push".to_string())
                && s.contains(&"repository:team/base:pull".to_string())),
        "{scopes:?}"
    );
    let creds = format!("{}:{}", registry::USER, registry::PASSWORD);
    let raw = skopeo(&[
        "inspect",
        "--tls-verify=false",
        "--raw",
        "--creds",
        &creds,
        &format!("docker://{target}"),
    ]);
    assert_eq!(
        fixtures::sha256_digest(&raw),
        reg.manifest_digest("team/base:1")
    );

    // Without credentials the push is refused, in docker's words.
    env.run(["logout", &reg.host()]).assert_ok();
    env.run(["tag", &base, &reg.image("team/other:1")])
        .assert_ok();
    env.run(["push", &reg.image("team/other:1")])
        .assert_code(1)
        .assert_stderr_has("unauthorized: authentication required");
}

/// `push` of a committed image compresses its new layer once (gzip, or zstd when asked), and berth and
/// skopeo read back what it pushed.
#[test]
fn push_of_a_committed_image_compresses_its_layer_once() {
    let reg = registry::shared();
    let (env, src) = busybox_world();
    let repo = unique("ship-commit");
    let target = reg.image(&format!("{repo}/app:gz"));
    commit_of(&env, &src, "echo shipped > /f", &target);
    let first = env.run(["push", &target]);
    first.assert_ok();
    assert!(
        first.lines().iter().any(|l| l.ends_with(": Pushed")),
        "{}",
        first.stdout()
    );
    let (digest, raw) = skopeo_raw(&target);
    assert!(
        raw.contains("application/vnd.oci.image.layer.v1.tar+gzip"),
        "{raw}"
    );
    assert!(
        !raw.contains("\"application/vnd.oci.image.layer.v1.tar\""),
        "{raw}"
    );
    // Pushed again: the kept compressed blob goes out, so the same digest and no upload.
    let again = env.run(["push", &target]);
    again.assert_ok();
    assert!(!again.stdout().contains(": Pushed"), "{}", again.stdout());
    assert!(
        again
            .stdout()
            .contains(&format!("gz: digest: {digest} size: {}", raw.len())),
        "{}",
        again.stdout()
    );
    let zst = reg.image(&format!("{repo}/app:zst"));
    env.run(["tag", &target, &zst]).assert_ok();
    env.run(["push", "--compression-format", "zstd", &zst])
        .assert_ok();
    let (_, raw) = skopeo_raw(&zst);
    assert!(
        raw.contains("application/vnd.oci.image.layer.v1.tar+zstd"),
        "{raw}"
    );
    for (name, d) in [(&target, digest.clone()), (&zst, skopeo_raw(&zst).0)] {
        let fresh = TestEnv::new();
        let by_digest = format!("{}@{d}", name.rsplit_once(':').unwrap().0);
        fresh.run(["pull", "-q", &by_digest]).assert_ok();
        fresh
            .run(["run", "--rm", &by_digest, "cat", "/f"])
            .assert_ok()
            .assert_stdout_eq("shipped\n");
    }
}

/// podman with its own storage inside `env` (vfs, cgroupfs, no events): nothing of the host's is used.
/// Its containers get this process's own open-file limit and at most 32768 processes: podman's default
/// (1048576 open files) is above the hard limit of a CI runner, and conmon starts crun with RLIMIT_NPROC
/// lowered to 32768, so asking for more fails with EPERM without CAP_SYS_RESOURCE (`setrlimit`).
fn podman(env: &TestEnv) -> Command {
    let mut cmd = Command::new("podman");
    let d = env.dir();
    let limit = |r| {
        let mut l = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes the struct it is given.
        unsafe { libc::getrlimit(r, &mut l) };
        l.rlim_max
    };
    let conf = d.join("podman-containers.conf");
    std::fs::write(
        &conf,
        format!(
            "[containers]\ndefault_ulimits = [\"nofile={n}:{n}\", \"nproc={p}:{p}\"]\n",
            n = limit(libc::RLIMIT_NOFILE),
            p = limit(libc::RLIMIT_NPROC).min(32768)
        ),
    )
    .unwrap();
    cmd.env("CONTAINERS_CONF", conf)
        .env("HOME", env.home())
        .env("XDG_RUNTIME_DIR", env.xdg_runtime_dir())
        .arg(format!("--root={}", d.join("podman-root").display()))
        .arg(format!("--runroot={}", d.join("podman-run").display()))
        .args([
            "--storage-driver=vfs",
            "--cgroup-manager=cgroupfs",
            "--events-backend=none",
        ]);
    cmd
}

#[track_caller]
fn must(cmd: &mut Command) -> String {
    let out = cmd.output().expect("running podman");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn podman_loads_what_berth_saves_and_berth_loads_and_runs_what_podman_saves() {
    let (env, name, id, bytes) = saved_busybox();
    let file = env.write_file("from-berth.tar", &bytes);
    let loaded = must(podman(&env).args(["load", "-i", file.to_str().unwrap()]));
    assert!(loaded.contains(&name), "{loaded}");
    // podman reads the same image (its ID is the config digest) and runs it.
    let inspected = must(podman(&env).args(["image", "inspect", "--format", "{{.Id}}", &name]));
    assert_eq!(inspected.trim(), &id[7..]);
    let ran = must(podman(&env).args([
        "run",
        "--rm",
        "--network",
        "none",
        &name,
        "echo",
        "saved by berth",
    ]));
    assert_eq!(ran, "saved by berth\n");
    for format in ["docker-archive", "oci-archive"] {
        let out = env.dir().join(format!("podman-{format}.tar"));
        must(podman(&env).args([
            "save",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
            &name,
        ]));
        let fresh = TestEnv::new();
        let f = fresh.write_file("in.tar", std::fs::read(&out).unwrap());
        fresh
            .run(["load", "-i", f.to_str().unwrap()])
            .assert_ok()
            .assert_stdout_has("Loaded image");
        fresh
            .run(["images", "-q", "--no-trunc"])
            .assert_ok()
            .assert_stdout_eq(&format!("{id}\n"));
        let img = fresh.run(["images", "--format", "{{.Repository}}:{{.Tag}}"]);
        let img = img.stdout().trim().to_string();
        let target = if img.contains("<none>") {
            id.clone()
        } else {
            img
        };
        fresh
            .run(["run", "--rm", &target, "echo", format])
            .assert_ok()
            .assert_stdout_eq(&format!("{format}\n"));
    }
}

#[test]
fn rootless_save_load_and_push() {
    let reg = registry::shared();
    let (env, src) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    let file = env.dir().join("rootless.tar");
    env.run(["save", "-o", file.to_str().unwrap(), &src])
        .assert_ok();
    let fresh = TestEnv::rootless();
    let copy = fresh.write_file("in.tar", std::fs::read(&file).unwrap());
    fresh
        .run(["load", "-i", copy.to_str().unwrap()])
        .assert_ok()
        .assert_stdout_eq(&format!("Loaded image: {src}\n"));
    fresh
        .run(["run", "--rm", &src, "echo", "rootless"])
        .assert_ok()
        .assert_stdout_eq("rootless\n");
    let target = reg.image(&format!("{}/app:r", unique("ship-rootless")));
    fresh.run(["tag", &src, &target]).assert_ok();
    let out = fresh.run(["push", &target]);
    out.assert_ok();
    // The loaded image kept the archived blobs and manifest: uploaded as they were, same digest.
    let pushed = reg.fixture(fixtures::BUSYBOX);
    assert!(
        out.stdout()
            .contains(&format!("r: digest: {} size: ", pushed.digest)),
        "{}",
        out.stdout()
    );
}

/// A 20 MB layer goes up in one PUT streamed from the store (PATCH chunks only where a registry
/// refuses that: `tests/ship_push.rs`) and comes back whole.
#[test]
fn a_large_layer_is_pushed_and_comes_back_whole() {
    let reg = registry::shared();
    let (env, src) = busybox_world();
    let target = reg.image(&format!("{}/big:1", unique("ship-big")));
    commit_of(
        &env,
        &src,
        "dd if=/dev/urandom of=/big bs=1048576 count=20 2>/dev/null && md5sum /big > /big.md5",
        &target,
    );
    let out = env.run(["push", &target]);
    out.assert_ok();
    let (digest, _) = skopeo_raw(&target);
    let fresh = TestEnv::new();
    let by_digest = format!("{}@{digest}", target.rsplit_once(':').unwrap().0);
    fresh.run(["pull", "-q", &by_digest]).assert_ok();
    fresh
        .run(["run", "--rm", &by_digest, "md5sum", "-c", "/big.md5"])
        .assert_ok()
        .assert_stdout_eq("/big: OK\n");
}

/// A pulled layer whose blob the store lacks (an older store, or a layer stored through another image)
/// is fetched from where it was pulled and pushed with the original manifest, to another registry too.
#[test]
fn push_fetches_a_layer_blob_the_store_did_not_keep() {
    let reg = registry::shared();
    let other = Registry::start(Auth::None);
    let (env, src) = busybox_world();
    let (_, raw) = skopeo_raw(&src);
    let m: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let layer = m["layers"][0]["digest"].as_str().unwrap();
    let kept = env.root().join("blobs/sha256").join(&layer[7..]);
    std::fs::remove_file(&kept).unwrap();
    let target = other.image("moved/busybox:1");
    env.run(["tag", &src, &target]).assert_ok();
    let out = env.run(["push", &target]);
    out.assert_ok();
    assert!(
        out.lines().iter().any(|l| l.ends_with(": Pushed")),
        "{}",
        out.stdout()
    );
    let (digest, _) = skopeo_raw(&target);
    assert_eq!(digest, reg.fixture(fixtures::BUSYBOX).digest);
    assert!(kept.exists(), "the fetched blob is kept");
}

/// An image pulled through a multi-platform index is pushed as its platform's manifest, as pulled; a
/// name without a tag pushes `latest`, as docker does.
#[test]
fn push_of_an_image_pulled_through_an_index_sends_its_platform_manifest() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let src = reg.image(fixtures::MULTI);
    env.run(["pull", "-q", &src]).assert_ok();
    let repo = reg.image(&format!("{}/multi", unique("ship-index")));
    env.run(["tag", &src, &format!("{repo}:latest")])
        .assert_ok();
    let out = env.run(["push", &repo]);
    out.assert_ok();
    assert_eq!(out.lines()[0], "Using default tag: latest");
    let (digest, raw) = skopeo_raw(&format!("{repo}:latest"));
    assert!(
        raw.contains("\"layers\""),
        "a manifest, not an index: {raw}"
    );
    assert!(
        out.stdout()
            .contains(&format!("latest: digest: {digest} size: {}", raw.len())),
        "{}",
        out.stdout()
    );
    let inspect = env.run([
        "image",
        "inspect",
        "--format",
        "{{json .RepoDigests}}",
        &src,
    ]);
    inspect.assert_ok().assert_stdout_has(&format!("@{digest}"));
}

/// Basic auth: a push needs the login, and says docker's words without it.
#[test]
fn push_to_a_basic_auth_registry_needs_login() {
    let reg = registry::shared_htpasswd();
    let env = TestEnv::new();
    let src = registry::shared().image(fixtures::BUSYBOX);
    env.run(["pull", "-q", &src]).assert_ok();
    let target = reg.image(&format!("{}/app:1", unique("ship-basic")));
    env.run(["tag", &src, &target]).assert_ok();
    env.run(["push", &target])
        .assert_code(1)
        .assert_stderr_has("unauthorized: authentication required");
    login(&env, reg);
    let out = env.run(["push", &target]);
    out.assert_ok();
    assert!(
        out.lines().iter().any(|l| l.ends_with(": Pushed")),
        "{}",
        out.stdout()
    );
}

/// Mirrors serve pulls only: a push goes to the registry itself, never to a mirror configured for it.
#[test]
fn push_never_goes_to_a_mirror() {
    let reg = registry::shared();
    let mirror = Registry::start(Auth::None);
    let (env, src) = busybox_world();
    env.write_config(&format!(
        "[registries.\"{}\"]\nmirrors = [{{ location = \"http://{}\", insecure = true }}]\n",
        reg.host(),
        mirror.host()
    ));
    let repo = format!("{}/app", unique("ship-mirror"));
    let target = reg.image(&format!("{repo}:1"));
    env.run(["tag", &src, &target]).assert_ok();
    env.run(["push", &target]).assert_ok();
    skopeo_raw(&target);
    let at_mirror = Command::new("skopeo")
        .args(["inspect", "--tls-verify=false", "--raw"])
        .arg(format!("docker://{}/{repo}:1", mirror.host()))
        .output()
        .unwrap();
    assert!(!at_mirror.status.success(), "the mirror got the push");
}

/// What berth pushes (a pulled image with a committed layer on top, gzip) podman pulls and runs, and skopeo
/// copies with every digest verified.
#[test]
fn podman_pulls_and_runs_what_berth_pushes() {
    let reg = registry::shared();
    let (env, src) = busybox_world();
    let target = reg.image(&format!("{}/app:1", unique("ship-podman")));
    commit_of(&env, &src, "echo from berth > /f", &target);
    env.run(["push", "-q", &target]).assert_ok();
    must(podman(&env).args(["pull", "-q", "--tls-verify=false", &target]));
    let ran = must(podman(&env).args(["run", "--rm", "--network", "none", &target, "cat", "/f"]));
    assert_eq!(ran, "from berth\n");
    let layout = env.dir().join("skopeo-copy");
    skopeo_copy(
        &format!("docker://{target}"),
        &format!("oci:{}:x", layout.display()),
    );
}

/// A load that fails takes back only the images it created: one that a concurrent load recorded while
/// this one was working (after it had looked at the store) stays, tagged, as that load reported it.
/// Load A (a big image Z, then busybox X, then an image Y whose config is missing) is stopped while it
/// unpacks Z; load B of X alone runs to the end; A goes on, finds X recorded, fails on Y and rolls back.
#[test]
fn a_failed_load_leaves_an_image_a_concurrent_load_added() {
    use crate::support::fixtures::{Compression, LayerBuilder, Layout};
    let (src, name, id, _) = saved_busybox();
    // Z: one 24 MiB layer of noise, nothing shared with busybox (A holds no lock B needs while stopped).
    let mut noise = vec![0u8; 24 << 20];
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for b in noise.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let mut l = LayerBuilder::new();
    l.file("noise", 0o644, &noise);
    let big = l.finish();
    let layout_dir = crate::support::temp_dir("zbig");
    let layout = Layout::create(layout_dir.path());
    let config = fixtures::image_config("amd64", None, serde_json::json!({"Cmd": ["sh"]}), &[&big]);
    let m = layout.image(&config, &[(big, Compression::Gzip)]);
    layout.tag(&m, "latest");
    let z = format!("library/{}:latest", unique("zbig"));
    registry::shared().skopeo_push(layout_dir.path(), "latest", &z, &[]);
    let z = registry::shared().image(&z);
    src.run(["pull", "-q", &z]).assert_ok();
    let app = format!("{}:1", unique("app"));
    let c = unique("c");
    src.run(["run", "--name", &c, &name, "touch", "/y"])
        .assert_ok();
    src.run(["commit", &c, &app]).assert_ok();
    let both = src.dir().join("x.tar");
    src.run(["save", "-o", both.to_str().unwrap(), &name])
        .assert_ok();
    let file = src.dir().join("zxy.tar");
    src.run(["save", "-o", file.to_str().unwrap(), &z, &name, &app])
        .assert_ok();
    // Order Z, X, Y; Y's config and manifest.json (which would name it) go.
    let zname = z.rsplit('/').next().unwrap().to_string();
    let zxy = src.dir().join("zxy-broken.tar");
    std::fs::write(&zxy, broken_archive(&file, &[&zname, &name], &app)).unwrap();

    let env = TestEnv::new();
    let a = env
        .berth()
        .args(["load", "-i", zxy.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Z's layer being unpacked: A has read the archive and looked at the store.
    let unpacking = || {
        std::fs::read_dir(env.root().join("layers/sha256"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
    };
    assert!(
        crate::support::eventually(60, unpacking),
        "load A never unpacked"
    );
    // SAFETY: signalling the child we spawned.
    unsafe { libc::kill(a.id() as i32, libc::SIGSTOP) };
    let b = env.run(["load", "-i", both.to_str().unwrap()]);
    // SAFETY: as above.
    unsafe { libc::kill(a.id() as i32, libc::SIGCONT) };
    b.assert_ok()
        .assert_stdout_eq(&format!("Loaded image: {name}\n"));
    let a = a.wait_with_output().unwrap();
    assert_eq!(
        a.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    // B's image is there, as B said; A's own Z is taken back.
    env.run(["image", "inspect", "-f", "{{.Id}}", &name])
        .assert_ok()
        .assert_stdout_eq(&format!("{id}\n"));
    env.run(["image", "inspect", &z])
        .assert_code(1)
        .assert_stderr_has("No such image");
    env.run(["run", "--rm", "--network", "none", &name, "true"])
        .assert_ok();
}

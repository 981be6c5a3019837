//! Fixture images, built here from Debian's busybox-static as OCI image layouts and pushed with skopeo.
//!
//! Depends on nothing in berth (tar, flate2, zstd, sha2 only), so a bug in berth's image code cannot hide in
//! the fixtures. Invariant: builds are deterministic (fixed mtimes, owners, order), so digests are stable for a
//! given busybox binary; layouts are cached under `target/tmp/fixtures/<key>/` and published by rename.
//!
//! The fixtures (`repo:tag` in [`super::registry::shared`] unless said otherwise):
//! - `library/busybox:latest` ([`BUSYBOX`]): one gzip layer. `/bin/busybox` plus a symlink to it for every
//!   applet (`busybox --list-full`: /bin/sh, /bin/ls, /usr/bin/wget, /sbin/ip, ...); `/etc/passwd` (root 0,
//!   app 1000, nobody 65534), `/etc/group` (root 0, app 1000, extra 1001 with member app, nogroup 65534);
//!   `/tmp` 1777, `/root` 0700, `/home/app` owned 1000:1000, empty `/dev /proc /sys /var /run`.
//!   Config: `Cmd ["sh"]`, `Env [PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin]`, linux/amd64.
//! - `library/busybox-docker:latest` ([`BUSYBOX_DOCKER`]): the same image in Docker schema2 media types.
//! - `library/multi:latest` ([`MULTI`]): three gzip layers. 1: the busybox layer (shared with busybox).
//!   2: `/data/{keep.txt ("keep\n"), gone.txt, gonedir/f, opaque/{a,b}, changed.txt ("v2\n"), owned.txt
//!   (1000:1000, 0640), suid (04755), link -> keep.txt, abslink -> /data/keep.txt, hard (hardlink of keep.txt)}`.
//!   3: whiteouts `/data/.wh.gone.txt` and `/data/.wh.gonedir`, opaque `/data/opaque/.wh..wh..opq` with new
//!   `/data/opaque/c`, `/data/changed.txt` = "v3\n", `/data/new.txt` and `/data/hard3` (hardlink of new.txt within
//!   the layer). Result: gone.txt and gonedir absent, opaque/ holds only c. Config: WorkingDir /data,
//!   Labels {"org.berth.fixture":"multi"}, ExposedPorts {"80/tcp":{}}, Cmd ["sh"].
//! - `library/index:latest` ([`INDEX`]): an OCI image index: linux/amd64 and linux/arm64/v8 images (busybox layer
//!   plus a layer with `/etc/arch` = "amd64\n" / "arm64\n"), and an attestation manifest with platform
//!   unknown/unknown (`vnd.docker.reference.type: attestation-manifest`) as BuildKit writes them.
//! - `library/zstd:latest` ([`ZSTD`]): busybox with its layer compressed as `tar+zstd`.
//! - `library/plain:latest` ([`PLAIN`]): busybox with an uncompressed `tar` layer.
//! - `private/busybox:latest` ([`PRIVATE_BUSYBOX`]): busybox on [`super::registry::shared_htpasswd`] only.
//!
//! Building blocks for tests that need their own images: [`LayerBuilder`], [`Layout`], [`gzip`], [`zstd_compress`],
//! [`sha256_digest`]; [`pushed_busybox_image`] for busybox under a config of the test's own.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

pub const BUSYBOX: &str = "library/busybox:latest";
pub const BUSYBOX_DOCKER: &str = "library/busybox-docker:latest";
pub const MULTI: &str = "library/multi:latest";
pub const INDEX: &str = "library/index:latest";
pub const ZSTD: &str = "library/zstd:latest";
pub const PLAIN: &str = "library/plain:latest";
pub const PRIVATE_BUSYBOX: &str = "private/busybox:latest";

/// Bump when a fixture's content changes, so cached layouts are rebuilt.
const VERSION: u32 = 1;
/// Every file's mtime in the fixtures (2023-11-14T22:13:20Z).
pub const MTIME: u64 = 1_700_000_000;
const CREATED: &str = "2023-11-14T22:13:20Z";
pub const PATH_ENV: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

pub const MT_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MT_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MT_OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MT_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
pub const MT_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const MT_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";

/// The fixture images (see the module doc for their content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fixture {
    Busybox,
    BusyboxDocker,
    Multi,
    Index,
    Zstd,
    Plain,
    PrivateBusybox,
}

/// Every fixture, in push order.
pub const ALL: &[Fixture] = &[
    Fixture::Busybox,
    Fixture::BusyboxDocker,
    Fixture::Multi,
    Fixture::Index,
    Fixture::Zstd,
    Fixture::Plain,
    Fixture::PrivateBusybox,
];

impl Fixture {
    /// `repo:tag` under which the fixture is pushed.
    pub fn name(self) -> &'static str {
        match self {
            Fixture::Busybox => BUSYBOX,
            Fixture::BusyboxDocker => BUSYBOX_DOCKER,
            Fixture::Multi => MULTI,
            Fixture::Index => INDEX,
            Fixture::Zstd => ZSTD,
            Fixture::Plain => PLAIN,
            Fixture::PrivateBusybox => PRIVATE_BUSYBOX,
        }
    }
    /// The OCI layout it is pushed from (several fixtures share one).
    fn layout_name(self) -> &'static str {
        match self {
            Fixture::Busybox | Fixture::BusyboxDocker | Fixture::PrivateBusybox => "busybox",
            Fixture::Multi => "multi",
            Fixture::Index => "index",
            Fixture::Zstd => "zstd",
            Fixture::Plain => "plain",
        }
    }
    /// Pushed with `skopeo copy --all` (an index with several images).
    pub fn multi_arch(self) -> bool {
        self == Fixture::Index
    }
    /// Pushed with `skopeo copy --format v2s2` (Docker media types).
    pub fn docker_format(self) -> bool {
        self == Fixture::BusyboxDocker
    }
}

/// A fixture's OCI layout on disk.
#[derive(Debug, Clone)]
pub struct Built {
    /// The layout dir (`oci-layout`, `index.json`, `blobs/sha256/`).
    pub dir: PathBuf,
    /// The tag inside the layout (`org.opencontainers.image.ref.name`).
    pub tag: String,
    /// Digest of the manifest or index the tag points to.
    pub digest: String,
}

impl Built {
    /// The bytes of blob `digest` (`sha256:...`) in this layout.
    pub fn blob(&self, digest: &str) -> Vec<u8> {
        let hex = digest.strip_prefix("sha256:").expect("sha256 digest");
        fs::read(self.dir.join("blobs/sha256").join(hex))
            .unwrap_or_else(|e| panic!("reading blob {digest}: {e}"))
    }
    /// The manifest (or index) the tag points to, parsed.
    pub fn manifest(&self) -> serde_json::Value {
        serde_json::from_slice(&self.blob(&self.digest)).expect("manifest is JSON")
    }
}

/// Build (or reuse from the cache) the OCI layout of fixture `f`.
pub fn build(f: Fixture) -> Built {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = cache_dir().join(f.layout_name());
    if !dir.join("index.json").exists() {
        let tmp = cache_dir().join(format!("{}.tmp-{}", f.layout_name(), std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        let layout = Layout::create(&tmp);
        match f.layout_name() {
            "busybox" => build_busybox(&layout, Compression::Gzip),
            "zstd" => build_busybox(&layout, Compression::Zstd),
            "plain" => build_busybox(&layout, Compression::None),
            "multi" => build_multi(&layout),
            "index" => build_index(&layout),
            other => unreachable!("layout {other}"),
        }
        // Another test process may have published the same layout meanwhile: its content is identical.
        if fs::rename(&tmp, &dir).is_err() {
            let _ = fs::remove_dir_all(&tmp);
        }
    }
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("index.json")).expect("reading index.json"))
            .expect("index.json");
    let desc = &index["manifests"][0];
    Built {
        dir,
        tag: desc["annotations"]["org.opencontainers.image.ref.name"]
            .as_str()
            .expect("ref name")
            .to_string(),
        digest: desc["digest"].as_str().expect("digest").to_string(),
    }
}

/// The busybox-static binary every fixture carries.
pub fn busybox_binary() -> &'static [u8] {
    static BIN: OnceLock<Vec<u8>> = OnceLock::new();
    BIN.get_or_init(|| {
        fs::read("/bin/busybox").expect("reading /bin/busybox (install the busybox-static package)")
    })
}

fn cache_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let key =
            &sha256_digest(&[format!("v{VERSION}").as_bytes(), busybox_binary()].concat())[7..23];
        let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("fixtures")
            .join(key);
        fs::create_dir_all(&d).expect("creating fixture cache");
        d
    })
    .clone()
}

/// `sha256:<hex>` of `data`.
pub fn sha256_digest(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
}

/// gzip with flate2's defaults (header mtime 0, so the output is deterministic).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip finish")
}

/// zstd at level 3.
pub fn zstd_compress(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).expect("zstd")
}

/// How a layer blob is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn media_type(self) -> &'static str {
        match self {
            Compression::None => MT_LAYER_TAR,
            Compression::Gzip => MT_LAYER_GZIP,
            Compression::Zstd => MT_LAYER_ZSTD,
        }
    }
    pub fn apply(self, tar: &[u8]) -> Vec<u8> {
        match self {
            Compression::None => tar.to_vec(),
            Compression::Gzip => gzip(tar),
            Compression::Zstd => zstd_compress(tar),
        }
    }
}

/// Builds a layer tar with fixed mtimes; owners default to 0:0. Paths are relative (`bin/sh`).
pub struct LayerBuilder {
    tar: tar::Builder<Vec<u8>>,
}

impl Default for LayerBuilder {
    fn default() -> Self {
        LayerBuilder::new()
    }
}

impl LayerBuilder {
    pub fn new() -> LayerBuilder {
        let mut tar = tar::Builder::new(Vec::new());
        tar.mode(tar::HeaderMode::Deterministic);
        LayerBuilder { tar }
    }

    fn header(kind: tar::EntryType, mode: u32, uid: u64, gid: u64, size: u64) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_mode(mode);
        h.set_uid(uid);
        h.set_gid(gid);
        h.set_mtime(MTIME);
        h.set_size(size);
        h
    }

    /// A directory with `mode` (permission bits, e.g. 0o755 or 0o1777).
    pub fn dir(&mut self, path: &str, mode: u32) -> &mut Self {
        self.dir_owned(path, mode, 0, 0)
    }
    pub fn dir_owned(&mut self, path: &str, mode: u32, uid: u64, gid: u64) -> &mut Self {
        let mut h = Self::header(tar::EntryType::Directory, mode, uid, gid, 0);
        let p = format!("{}/", path.trim_end_matches('/'));
        self.tar
            .append_data(&mut h, p, std::io::empty())
            .expect("tar dir");
        self
    }
    /// A regular file owned by root.
    pub fn file(&mut self, path: &str, mode: u32, data: &[u8]) -> &mut Self {
        self.file_owned(path, mode, 0, 0, data)
    }
    pub fn file_owned(
        &mut self,
        path: &str,
        mode: u32,
        uid: u64,
        gid: u64,
        data: &[u8],
    ) -> &mut Self {
        let mut h = Self::header(tar::EntryType::Regular, mode, uid, gid, data.len() as u64);
        self.tar.append_data(&mut h, path, data).expect("tar file");
        self
    }
    /// A symlink `path` -> `target`.
    pub fn symlink(&mut self, path: &str, target: &str) -> &mut Self {
        let mut h = Self::header(tar::EntryType::Symlink, 0o777, 0, 0, 0);
        self.tar
            .append_link(&mut h, path, target)
            .expect("tar symlink");
        self
    }
    /// A hardlink `path` to the earlier entry `target` (a layer-relative path).
    pub fn hardlink(&mut self, path: &str, target: &str) -> &mut Self {
        let mut h = Self::header(tar::EntryType::Link, 0o644, 0, 0, 0);
        self.tar
            .append_link(&mut h, path, target)
            .expect("tar hardlink");
        self
    }
    /// An OCI whiteout deleting `path` from lower layers (`dir/.wh.name`).
    pub fn whiteout(&mut self, path: &str) -> &mut Self {
        let (dir, name) = path
            .rsplit_once('/')
            .map(|(d, n)| (format!("{d}/"), n))
            .unwrap_or((String::new(), path));
        self.file(&format!("{dir}.wh.{name}"), 0o644, b"")
    }
    /// An OCI opaque marker: `dir`'s lower content is hidden (`dir/.wh..wh..opq`).
    pub fn opaque(&mut self, dir: &str) -> &mut Self {
        self.file(
            &format!("{}/.wh..wh..opq", dir.trim_end_matches('/')),
            0o644,
            b"",
        )
    }
    /// An arbitrary pre-built header (for odd entries: devices, fifos, pax tricks) with its data.
    pub fn raw(&mut self, header: &mut tar::Header, path: &str, data: &[u8]) -> &mut Self {
        self.tar
            .append_data(header, path, data)
            .expect("tar raw entry");
        self
    }
    /// The finished, uncompressed tar.
    pub fn finish(self) -> Vec<u8> {
        self.tar.into_inner().expect("finishing tar")
    }
}

/// The busybox root filesystem as one layer tar (see the module doc).
pub fn busybox_layer_tar() -> Vec<u8> {
    static TAR: OnceLock<Vec<u8>> = OnceLock::new();
    TAR.get_or_init(|| {
        let out = std::process::Command::new("/bin/busybox").arg("--list-full").output().expect("busybox --list-full");
        let mut applets: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().trim_start_matches('/').to_string())
            .filter(|l| !l.is_empty() && l != "bin/busybox")
            .collect();
        applets.sort();
        applets.dedup();
        let mut l = LayerBuilder::new();
        for d in ["bin", "dev", "etc", "home", "proc", "run", "sbin", "sys", "usr", "usr/bin", "usr/sbin", "var"] {
            l.dir(d, 0o755);
        }
        l.dir_owned("home/app", 0o755, 1000, 1000);
        l.dir("root", 0o700);
        l.dir("tmp", 0o1777);
        l.dir("var/tmp", 0o1777);
        l.file("bin/busybox", 0o755, busybox_binary());
        for a in &applets {
            l.symlink(a, "/bin/busybox");
        }
        l.file(
            "etc/passwd",
            0o644,
            b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
        );
        l.file("etc/group", 0o644, b"root:x:0:\napp:x:1000:\nextra:x:1001:app\nnogroup:x:65534:\n");
        l.finish()
    })
    .clone()
}

/// Image config for linux/`arch`: `config` is the docker-style `config` object; diff_ids come from `layers`.
pub fn image_config(
    arch: &str,
    variant: Option<&str>,
    config: serde_json::Value,
    layer_tars: &[&[u8]],
) -> serde_json::Value {
    let diff_ids: Vec<String> = layer_tars.iter().map(|t| sha256_digest(t)).collect();
    let history: Vec<serde_json::Value> = (0..layer_tars.len())
        .map(|i| serde_json::json!({"created": CREATED, "created_by": format!("berth fixture layer {}", i + 1)}))
        .collect();
    let mut c = serde_json::json!({
        "created": CREATED,
        "architecture": arch,
        "os": "linux",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    });
    if let Some(v) = variant {
        c["variant"] = v.into();
    }
    c
}

/// An OCI image layout being written.
pub struct Layout {
    pub dir: PathBuf,
}

impl Layout {
    /// Create the dir with `oci-layout` and an empty `blobs/sha256`.
    pub fn create(dir: &Path) -> Layout {
        fs::create_dir_all(dir.join("blobs/sha256")).expect("creating layout");
        fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)
            .expect("writing oci-layout");
        Layout {
            dir: dir.to_path_buf(),
        }
    }

    /// Store `data` as a blob; returns its descriptor with `media_type`.
    pub fn blob(&self, media_type: &str, data: &[u8]) -> serde_json::Value {
        let digest = sha256_digest(data);
        fs::write(self.dir.join("blobs/sha256").join(&digest[7..]), data).expect("writing blob");
        serde_json::json!({"mediaType": media_type, "digest": digest, "size": data.len()})
    }

    /// Store a manifest for `config` and the layers (tar, compression); returns the manifest descriptor.
    pub fn image(
        &self,
        config: &serde_json::Value,
        layers: &[(Vec<u8>, Compression)],
    ) -> serde_json::Value {
        let config_desc = self.blob(MT_OCI_CONFIG, config.to_string().as_bytes());
        let layer_descs: Vec<serde_json::Value> = layers
            .iter()
            .map(|(tar, c)| self.blob(c.media_type(), &c.apply(tar)))
            .collect();
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MT_OCI_MANIFEST,
            "config": config_desc,
            "layers": layer_descs,
        });
        self.blob(MT_OCI_MANIFEST, manifest.to_string().as_bytes())
    }

    /// Write `index.json` naming `desc` (a manifest or index descriptor) as `tag`.
    pub fn tag(&self, desc: &serde_json::Value, tag: &str) {
        let mut d = desc.clone();
        d["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": tag});
        let index =
            serde_json::json!({"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": [d]});
        fs::write(self.dir.join("index.json"), index.to_string()).expect("writing index.json");
    }
}

fn busybox_config_body() -> serde_json::Value {
    serde_json::json!({"Env": [PATH_ENV], "Cmd": ["sh"]})
}

fn build_busybox(layout: &Layout, c: Compression) {
    let tar = busybox_layer_tar();
    let config = image_config("amd64", None, busybox_config_body(), &[&tar]);
    let m = layout.image(&config, &[(tar, c)]);
    layout.tag(&m, "latest");
}

fn build_multi(layout: &Layout) {
    let base = busybox_layer_tar();
    let mut l2 = LayerBuilder::new();
    l2.dir("data", 0o755)
        .file("data/keep.txt", 0o644, b"keep\n")
        .file("data/gone.txt", 0o644, b"gone\n")
        .dir("data/gonedir", 0o755)
        .file("data/gonedir/f", 0o644, b"f\n")
        .dir("data/opaque", 0o755)
        .file("data/opaque/a", 0o644, b"a\n")
        .file("data/opaque/b", 0o644, b"b\n")
        .file("data/changed.txt", 0o644, b"v2\n")
        .file_owned("data/owned.txt", 0o640, 1000, 1000, b"owned\n")
        .file("data/suid", 0o4755, b"#!/bin/sh\nid -u\n")
        .symlink("data/link", "keep.txt")
        .symlink("data/abslink", "/data/keep.txt")
        .hardlink("data/hard", "data/keep.txt");
    let l2 = l2.finish();
    let mut l3 = LayerBuilder::new();
    l3.dir("data", 0o755)
        .whiteout("data/gone.txt")
        .whiteout("data/gonedir")
        .dir("data/opaque", 0o755)
        .opaque("data/opaque")
        .file("data/opaque/c", 0o644, b"c\n")
        .file("data/changed.txt", 0o644, b"v3\n")
        .file("data/new.txt", 0o644, b"new\n")
        .hardlink("data/hard3", "data/new.txt");
    let l3 = l3.finish();
    let body = serde_json::json!({
        "Env": [PATH_ENV],
        "Cmd": ["sh"],
        "WorkingDir": "/data",
        "Labels": {"org.berth.fixture": "multi"},
        "ExposedPorts": {"80/tcp": {}},
    });
    let config = image_config("amd64", None, body, &[&base, &l2, &l3]);
    let m = layout.image(
        &config,
        &[
            (base, Compression::Gzip),
            (l2, Compression::Gzip),
            (l3, Compression::Gzip),
        ],
    );
    layout.tag(&m, "latest");
}

fn build_index(layout: &Layout) {
    let base = busybox_layer_tar();
    let mut entries = Vec::new();
    for (arch, variant) in [("amd64", None), ("arm64", Some("v8"))] {
        let mut marker = LayerBuilder::new();
        marker
            .dir("etc", 0o755)
            .file("etc/arch", 0o644, format!("{arch}\n").as_bytes());
        let marker = marker.finish();
        let config = image_config(arch, variant, busybox_config_body(), &[&base, &marker]);
        let mut desc = layout.image(
            &config,
            &[
                (base.clone(), Compression::Gzip),
                (marker, Compression::Gzip),
            ],
        );
        desc["platform"] = serde_json::json!({"os": "linux", "architecture": arch});
        if let Some(v) = variant {
            desc["platform"]["variant"] = v.into();
        }
        entries.push(desc);
    }
    // A BuildKit-style attestation manifest: platform unknown/unknown, one in-toto layer. Pullers must skip it.
    let statement = br#"{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[],"predicate":{}}"#;
    let att_config = serde_json::json!({
        "architecture": "unknown", "os": "unknown", "config": {},
        "rootfs": {"type": "layers", "diff_ids": [sha256_digest(statement)]},
    });
    let config_desc = layout.blob(MT_OCI_CONFIG, att_config.to_string().as_bytes());
    let mut layer_desc = layout.blob("application/vnd.in-toto+json", statement);
    layer_desc["annotations"] =
        serde_json::json!({"in-toto.io/predicate-type": "https://spdx.dev/Document"});
    let att_manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": MT_OCI_MANIFEST, "config": config_desc, "layers": [layer_desc],
    });
    let mut att = layout.blob(MT_OCI_MANIFEST, att_manifest.to_string().as_bytes());
    att["platform"] = serde_json::json!({"os": "unknown", "architecture": "unknown"});
    att["annotations"] = serde_json::json!({
        "vnd.docker.reference.type": "attestation-manifest",
        "vnd.docker.reference.digest": entries[0]["digest"],
    });
    entries.push(att);
    let index =
        serde_json::json!({"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": entries});
    let desc = layout.blob(MT_OCI_INDEX, index.to_string().as_bytes());
    layout.tag(&desc, "latest");
}

#[test]
fn support_fixture_layouts_are_deterministic() {
    let a = busybox_layer_tar();
    assert_eq!(gzip(&a), gzip(&busybox_layer_tar()));
    let built = build(Fixture::Multi);
    assert!(
        built
            .dir
            .join("blobs/sha256")
            .join(&built.digest[7..])
            .exists()
    );
    // The busybox layer carries the applets as symlinks to /bin/busybox.
    let mut names = Vec::new();
    for e in tar::Archive::new(&a[..]).entries().expect("tar entries") {
        let e = e.expect("entry");
        names.push(e.path().expect("path").to_string_lossy().into_owned());
    }
    for must in ["bin/busybox", "bin/sh", "bin/ls", "etc/passwd", "tmp/"] {
        assert!(
            names.iter().any(|n| n == must),
            "busybox layer lacks {must}"
        );
    }
}

/// Busybox's layer under the image config `config` (Env, Cmd, Healthcheck... as an image's config has
/// them), pushed to the shared registry as `library/<unique(prefix)>:latest`: its reference.
pub fn pushed_busybox_image(prefix: &str, config: serde_json::Value) -> String {
    let base = busybox_layer_tar();
    let layout_dir = super::temp_dir(prefix);
    let layout = Layout::create(layout_dir.path());
    let config = image_config("amd64", None, config, &[&base]);
    let m = layout.image(&config, &[(base, Compression::Gzip)]);
    layout.tag(&m, "latest");
    let repo = format!("library/{}:latest", super::unique(prefix));
    let reg = super::registry::shared();
    reg.skopeo_push(layout_dir.path(), "latest", &repo, &[]);
    reg.image(&repo)
}

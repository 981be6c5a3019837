//! `commit`, `export` and `import`: container filesystems to images and tars, tars to images.
//!
//! A committed or imported image enters the store exactly as a pulled one does: the new layer tar, its
//! config and an OCI manifest are served by a local [`Source`] to [`img::pull_from`], which verifies
//! every digest, unpacks the layer into its chain-ID snapshot, renames blobs into place and records the
//! image under the index lock. So `images`, `inspect`, `run` and `rmi` need nothing new.
//! Depends on image (tar writing), engine::image (the store path), state and runtime::cgroup (`commit
//! -p` freezes a running container). Invariant: nothing of a commit or import is visible in the store
//! until pull_from has verified it; temporary files live in `ingest/.tmp-*` and go with their owner.

use crate::engine::Context;
use crate::engine::image::{self as img, FetchedManifest, PullOptions, Source};
use crate::image::manifest::{MT_OCI_MANIFEST, Platform};
use crate::image::{Digest, ImageRef, compression, layer_tar};
use crate::monitor;
use crate::state::{Containers, Status};
use crate::store::images::ImageIndex;
use crate::store::work::WorkDir;
use anyhow::{Context as _, Result, bail};
use oci_spec::distribution::Reference;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

const MT_OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const MT_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";

/// Options of `commit`.
#[derive(Debug, Clone, Default)]
pub struct CommitOptions {
    /// `REPO[:TAG]`; None leaves the image untagged (`<none>`), as docker does.
    pub reference: Option<String>,
    pub message: String,
    pub author: String,
    /// `-c/--change` Dockerfile instructions.
    pub changes: Vec<String>,
    /// `-p/--pause` (docker's default true): freeze a running container while its layer is written.
    pub pause: bool,
}

/// Options of `import`.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub reference: Option<String>,
    pub message: String,
    pub changes: Vec<String>,
}

/// A writer that hashes and counts what passes through.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Serves one locally built image to pull_from: the manifest, the config and the new layer blob. Base
/// layers are already in the store, so pull_from never asks for them; if it does, the stored blob is
/// served and verified like any other.
struct LocalSource {
    manifest: Vec<u8>,
    blobs: HashMap<String, Vec<u8>>,
    files: HashMap<String, PathBuf>,
    paths: crate::store::Paths,
}

impl LocalSource {
    fn open(&self, digest: &str) -> Result<File> {
        let p = match self.files.get(digest) {
            Some(p) => p.clone(),
            None => self.paths.blob_path(Digest::parse(digest)?.hex()),
        };
        File::open(&p).with_context(|| format!("opening blob {}", p.display()))
    }
}

impl Source for LocalSource {
    fn fetch_manifest(&self, _: &Reference) -> Result<FetchedManifest> {
        Ok(FetchedManifest {
            bytes: self.manifest.clone(),
            media_type: MT_OCI_MANIFEST.into(),
            digest: Digest::of(&self.manifest).to_string(),
        })
    }
    fn fetch_blob(&self, _: &Reference, digest: &str, _: u64) -> Result<Box<dyn Read + Send>> {
        if let Some(b) = self.blobs.get(digest) {
            return Ok(Box::new(io::Cursor::new(b.clone())));
        }
        Ok(Box::new(BufReader::new(self.open(digest)?)))
    }
    fn fetch_blob_bytes(&self, _: &Reference, digest: &str, _: u64, max: u64) -> Result<Vec<u8>> {
        if let Some(b) = self.blobs.get(digest) {
            return Ok(b.clone());
        }
        let mut out = Vec::new();
        self.open(digest)?.take(max).read_to_end(&mut out)?;
        Ok(out)
    }
}

/// A layer blob written to a work dir: its path, digest and size.
struct LayerBlob {
    path: PathBuf,
    digest: Digest,
    size: u64,
    media_type: String,
    diff_id: Digest,
}

/// Apply docker's `--change` instructions to an image config's `config` object (docker/cli `commit`
/// and `import` accept CMD, ENTRYPOINT, ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL, ONBUILD;
/// berth does all but ONBUILD).
pub fn apply_changes(cfg: &mut Map<String, Value>, changes: &[String]) -> Result<()> {
    for ch in changes {
        let ch = ch.trim();
        let (instr, rest) = ch.split_once(char::is_whitespace).unwrap_or((ch, ""));
        let rest = rest.trim();
        let upper = instr.to_ascii_uppercase();
        // JSON form `["a","b"]`, else shell form wrapped in /bin/sh -c (Dockerfile reference).
        let exec_form = |r: &str| -> Value {
            match serde_json::from_str::<Vec<String>>(r) {
                Ok(v) => json!(v),
                Err(_) => json!(["/bin/sh", "-c", r]),
            }
        };
        match upper.as_str() {
            "CMD" => {
                cfg.insert("Cmd".into(), exec_form(rest));
            }
            "ENTRYPOINT" => {
                cfg.insert("Entrypoint".into(), exec_form(rest));
            }
            "WORKDIR" => {
                cfg.insert("WorkingDir".into(), json!(rest));
            }
            "USER" => {
                cfg.insert("User".into(), json!(rest));
            }
            "STOPSIGNAL" => {
                cfg.insert("StopSignal".into(), json!(rest));
            }
            "ENV" | "LABEL" => {
                let pairs = key_values(rest)
                    .with_context(|| format!("{upper} requires at least one argument"))?;
                if upper == "ENV" {
                    let env = cfg.entry("Env").or_insert_with(|| json!([]));
                    if !env.is_array() {
                        *env = json!([]);
                    }
                    let list = env.as_array_mut().context("Env is a list")?;
                    for (k, v) in pairs {
                        list.retain(|e| e.as_str().and_then(|s| s.split('=').next()) != Some(&k));
                        list.push(json!(format!("{k}={v}")));
                    }
                } else {
                    let labels = cfg.entry("Labels").or_insert_with(|| json!({}));
                    if !labels.is_object() {
                        *labels = json!({});
                    }
                    for (k, v) in pairs {
                        labels[k] = json!(v);
                    }
                }
            }
            "EXPOSE" | "VOLUME" => {
                let key = if upper == "EXPOSE" {
                    "ExposedPorts"
                } else {
                    "Volumes"
                };
                let items: Vec<String> = match serde_json::from_str::<Vec<String>>(rest) {
                    Ok(v) => v,
                    Err(_) => rest.split_whitespace().map(str::to_string).collect(),
                };
                if items.is_empty() {
                    bail!("{upper} requires at least one argument");
                }
                let map = cfg.entry(key).or_insert_with(|| json!({}));
                if !map.is_object() {
                    *map = json!({});
                }
                for i in items {
                    let i = if upper == "EXPOSE" && !i.contains('/') {
                        format!("{i}/tcp")
                    } else {
                        i
                    };
                    map[i] = json!({});
                }
            }
            _ => bail!("{instr} is not a valid change command"),
        }
    }
    Ok(())
}

/// `K=V K2="v 2"` or the legacy `K V` form of ENV and LABEL.
fn key_values(s: &str) -> Option<Vec<(String, String)>> {
    if s.is_empty() {
        return None;
    }
    if !s.split_whitespace().next()?.contains('=') {
        let (k, v) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
        return Some(vec![(k.to_string(), v.trim().to_string())]);
    }
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let (k, after) = rest.split_once('=')?;
        let (v, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (after[..end].to_string(), &after[end..])
        };
        out.push((k.trim().to_string(), v));
        rest = next.trim_start();
    }
    Some(out)
}

/// Store a locally built image through pull_from, then drop the placeholder repo digest pull_from
/// records (a committed image was never pushed: docker shows no RepoDigests). Returns the image ID.
fn store_image(
    ctx: &Context,
    config: &Value,
    layers: Vec<Value>,
    blob: &LayerBlob,
    reference: Option<&str>,
) -> Result<String> {
    let mut all_layers = layers;
    all_layers.push(json!({
        "mediaType": blob.media_type,
        "digest": blob.digest.to_string(),
        "size": blob.size,
    }));
    let files = HashMap::from([(blob.digest.to_string(), blob.path.clone())]);
    store_image_files(ctx, config, all_layers, files, reference)
}

/// [`store_image`] for any number of new layers (`build`): `layers` are the manifest's descriptors,
/// lowest first; `files` serves the blobs not yet in the store, by digest.
pub(crate) fn store_image_files(
    ctx: &Context,
    config: &Value,
    all_layers: Vec<Value>,
    files: HashMap<String, PathBuf>,
    reference: Option<&str>,
) -> Result<String> {
    let config_bytes = serde_json::to_vec(config).context("encoding image config")?;
    let config_digest = Digest::of(&config_bytes);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MT_OCI_MANIFEST,
        "config": {"mediaType": MT_OCI_CONFIG, "digest": config_digest.to_string(), "size": config_bytes.len()},
        "layers": all_layers,
    });
    let manifest_bytes = serde_json::to_vec(&manifest).context("encoding manifest")?;
    let manifest_digest = Digest::of(&manifest_bytes);
    let r = match reference {
        Some(name) => ImageRef::parse(name)?,
        // An untagged image still needs a name for pull_from; pinned by digest it gets no tag.
        None => ImageRef::parse(&format!("berth-local@{manifest_digest}"))?,
    };
    let src = LocalSource {
        manifest: manifest_bytes,
        blobs: HashMap::from([(config_digest.to_string(), config_bytes)]),
        files,
        paths: ctx.paths.clone(),
    };
    let report = img::pull_from(
        ctx,
        &src,
        &r,
        &PullOptions::default(),
        &crate::engine::NoProgress,
    )?;
    let placeholder = format!("{}@{}", r.name(), manifest_digest);
    ImageIndex::update(&ctx.paths, |idx| {
        if let Some(rec) = idx.images.get_mut(&report.id) {
            rec.repo_digests.retain(|d| *d != placeholder);
        }
        Ok(())
    })?;
    Ok(report.id)
}

/// Write a layer tar with `write` into a fresh work dir under `ingest/`, then hash what was written (the
/// writer may be a child process in a user namespace, whose hasher state would not come back).
fn write_layer_blob(
    work: &WorkDir,
    write: impl FnOnce(&mut io::BufWriter<File>) -> Result<()>,
) -> Result<LayerBlob> {
    let path = work.path().join("layer.tar");
    let f = File::create_new(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = io::BufWriter::new(f);
    write(&mut w)?;
    w.flush().context("writing the layer")?;
    drop(w);
    let mut h = Hashing {
        inner: io::sink(),
        hasher: Sha256::new(),
        count: 0,
    };
    io::copy(
        &mut File::open(&path).with_context(|| format!("reading {}", path.display()))?,
        &mut h,
    )
    .with_context(|| format!("hashing {}", path.display()))?;
    let digest = Digest::from_hasher(h.hasher);
    Ok(LayerBlob {
        path,
        digest: digest.clone(),
        size: h.count,
        media_type: MT_LAYER_TAR.into(),
        diff_id: digest,
    })
}

fn now() -> String {
    img::rfc3339_now()
}

/// `commit`: the container's changes (its overlay upper dir) as a new top layer over its image.
/// Returns the new image ID (`sha256:...`).
pub fn commit(ctx: &Context, query: &str, o: &CommitOptions) -> Result<String> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let base = img::resolve_local(ctx, &rec.image_id)
        .with_context(|| format!("finding the image of container {id}"))?;
    let mut config = img::image_config_json(paths, &base)?;
    // The container's effective config is what inspect shows (docker commits container.Config).
    let ctr_config = serde_json::to_value(super::inspect(ctx, &id)?.config)
        .context("encoding the container's config")?;
    let mut cfg = config["config"].as_object().cloned().unwrap_or_default();
    for k in [
        "User",
        "ExposedPorts",
        "Env",
        "Cmd",
        "Volumes",
        "WorkingDir",
        "Entrypoint",
        "Labels",
        "StopSignal",
    ] {
        match &ctr_config[k] {
            Value::Null => {
                cfg.remove(k);
            }
            v => {
                cfg.insert(k.into(), v.clone());
            }
        }
    }
    // docker commits the container's Config.Env, its `-e` over its image's; what the runtime adds for
    // the process alone (HOSTNAME, HOME, TERM, a default PATH) is not part of it.
    let env = config_env(&rec.image_config.env, &rec.config.env);
    if env.is_empty() {
        cfg.remove("Env");
    } else {
        cfg.insert("Env".into(), json!(env));
    }
    apply_changes(&mut cfg, &o.changes)?;

    for d in [paths.ingest_dir(), paths.locks_dir()] {
        crate::store::create_private_dir(&d)?;
    }
    let work = WorkDir::create(paths, &paths.ingest_dir())?;
    let upper = c.dir(&id).join("upper");
    let cgroup = monitor::cgroup_name(&rec);
    let frozen = o.pause
        && c.peek(&id)?.status == Status::Running
        && crate::runtime::cgroup::freeze(&cgroup).is_ok();
    // Rootless, the upper dir holds files of the container's subordinate ids: the tar is written as root
    // of a user namespace with the container's maps, so it can read them and records the container's ids.
    let skip = runtime_mount_points(&upper, &rec.layers);
    let rootless = paths.rootless;
    let written = write_layer_blob(&work, |w| {
        if rootless {
            crate::runtime::in_userns("writing the container's changes", || {
                layer_tar::write_layer(&upper, &skip, &mut *w)?;
                w.flush().context("writing the layer")
            })
        } else {
            layer_tar::write_layer(&upper, &skip, w).map(drop)
        }
    });
    if frozen {
        crate::runtime::cgroup::thaw(&cgroup).context("unpausing the container after commit")?;
    }
    let blob = written.context("writing the container's changes as a layer")?;

    let created = now();
    let obj = config
        .as_object_mut()
        .context("image config is not an object")?;
    obj.insert("created".into(), json!(created));
    obj.insert("config".into(), Value::Object(cfg));
    if !o.author.is_empty() {
        obj.insert("author".into(), json!(o.author));
    }
    // moby's V1Image keeps the commit message as the image's own `comment` (inspect's Comment) too.
    if o.message.is_empty() {
        obj.remove("comment");
    } else {
        obj.insert("comment".into(), json!(o.message));
    }
    let created_by = std::iter::once(rec.path.as_str())
        .chain(rec.args.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let mut entry = json!({"created": created, "created_by": created_by});
    if !o.author.is_empty() {
        entry["author"] = json!(o.author);
    }
    if !o.message.is_empty() {
        entry["comment"] = json!(o.message);
    }
    push_array(obj, "history", entry);
    let rootfs = obj
        .entry("rootfs")
        .or_insert_with(|| json!({"type": "layers", "diff_ids": []}));
    push_array(
        rootfs.as_object_mut().context("rootfs is not an object")?,
        "diff_ids",
        json!(blob.diff_id.to_string()),
    );
    let layers = base
        .layers
        .iter()
        .map(|l| json!({"mediaType": l.media_type, "digest": l.blob_digest, "size": l.blob_size}))
        .collect();
    let image = store_image(ctx, &config, layers, &blob, o.reference.as_deref())?;
    let ev = crate::engine::events::container_event(&rec, "commit").attr("imageID", &image);
    crate::engine::events::emit(paths, ev);
    Ok(image)
}

/// What the runtime creates in a container's upper dir only to mount over it (/etc/hosts, /etc/hostname,
/// /etc/resolv.conf, /dev, /proc, /sys when the image lacks them): empty, absent from the image. docker
/// keeps these in its init layer, which `commit` leaves out (moby `daemon/commit.go`).
/// A directory copied up only to hold them (nothing else in it, not opaque, the owner and mode of the image's
/// copy) is left out as well: its new mtime alone made two commits of an unchanged container differ.
fn runtime_mount_points(upper: &Path, image_layers: &[PathBuf]) -> Vec<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let mut skip = runtime_mount_files(upper, image_layers);
    let dir = Path::new("etc");
    let Ok(md) = std::fs::symlink_metadata(upper.join(dir)) else {
        return skip;
    };
    let only_skipped = std::fs::read_dir(upper.join(dir)).is_ok_and(|rd| {
        rd.map(|e| e.map(|e| dir.join(e.file_name())))
            .all(|p| p.is_ok_and(|p| skip.contains(&p)))
    });
    let as_in_image = image_layers
        .iter()
        .find_map(|l| std::fs::symlink_metadata(l.join(dir)).ok())
        .is_some_and(|l| {
            l.is_dir() && (l.mode(), l.uid(), l.gid()) == (md.mode(), md.uid(), md.gid())
        });
    if md.is_dir()
        && only_skipped
        && as_in_image
        && !crate::image::layer_tar::is_opaque(&upper.join(dir))
    {
        skip.push(dir.to_path_buf());
    }
    skip
}

/// The mount points themselves (see [`runtime_mount_points`]).
fn runtime_mount_files(upper: &Path, image_layers: &[PathBuf]) -> Vec<PathBuf> {
    [
        "etc/hosts",
        "etc/hostname",
        "etc/resolv.conf",
        "dev",
        "proc",
        "sys",
    ]
    .iter()
    .map(PathBuf::from)
    .filter(|rel| {
        let Ok(md) = std::fs::symlink_metadata(upper.join(rel)) else {
            return false;
        };
        let empty = if md.is_dir() {
            std::fs::read_dir(upper.join(rel)).is_ok_and(|mut d| d.next().is_none())
        } else {
            md.is_file() && md.len() == 0
        };
        empty
            && !image_layers
                .iter()
                .any(|l| std::fs::symlink_metadata(l.join(rel)).is_ok())
    })
    .collect()
}

/// docker's Config.Env of a container (moby `daemon.merge`): the user's variables as given, then each of
/// the image's whose name the user did not set.
fn config_env(image: &[String], user: &[String]) -> Vec<String> {
    let key = |kv: &str| kv.split_once('=').map_or(kv, |(k, _)| k).to_string();
    let user_keys: Vec<String> = user.iter().map(|kv| key(kv)).collect();
    user.iter()
        .cloned()
        .chain(
            image
                .iter()
                .filter(|kv| !user_keys.contains(&key(kv)))
                .cloned(),
        )
        .collect()
}

fn push_array(obj: &mut Map<String, Value>, key: &str, v: Value) {
    let a = obj.entry(key).or_insert_with(|| json!([]));
    if !a.is_array() {
        *a = json!([]);
    }
    if let Some(list) = a.as_array_mut() {
        list.push(v);
    }
}

/// `export`: the container's merged filesystem (image layers under its upper dir, without run-time
/// mounts) as a tar into `out`. Works on running and stopped containers, as docker's does.
pub fn export(ctx: &Context, query: &str, out: &mut dyn Write) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let mut layers = vec![c.dir(&id).join("upper")];
    layers.extend(rec.layers.iter().rev().cloned());
    // Rootless: read the layers with the container's ids (see commit).
    if paths.rootless {
        crate::runtime::in_userns("exporting the container's filesystem", || {
            layer_tar::write_merged(&layers, &mut *out)?;
            out.flush().context("writing the tar")
        })
    } else {
        layer_tar::write_merged(&layers, &mut *out).map(drop)
    }
}

/// `import --platform`: berth imports only for the host's OS and architecture; the error says so.
pub fn check_import_platform(platform: &str) -> Result<()> {
    let want = Platform::parse(platform)?.normalized();
    let host = Platform::host();
    if want.os != host.os || want.architecture != host.architecture {
        bail!("importing for platform {platform} is not supported: only the host's ({host}) is");
    }
    Ok(())
}

/// `import`: a tar (plain, gzip or zstd) from `input` as a one-layer image. Returns the image ID.
pub fn import(ctx: &Context, input: &mut dyn Read, o: &ImportOptions) -> Result<String> {
    let paths = &ctx.paths;
    paths.ensure()?;
    for d in [paths.ingest_dir(), paths.locks_dir()] {
        crate::store::create_private_dir(&d)?;
    }
    let mut cfg = Map::new();
    apply_changes(&mut cfg, &o.changes)?;
    let work = WorkDir::create(paths, &paths.ingest_dir())?;
    let mut blob = write_layer_blob(&work, |w| {
        io::copy(input, w).context("reading the tar to import")?;
        Ok(())
    })?;
    let mut head = [0u8; 8];
    let n = File::open(&blob.path)
        .and_then(|mut f| f.read(&mut head))
        .context("reading the imported tar")?;
    let (media_type, kind) = match compression::detect(&head[..n])? {
        compression::Compression::None => (MT_LAYER_TAR, "tar"),
        compression::Compression::Gzip => ("application/vnd.oci.image.layer.v1.tar+gzip", "gzip"),
        compression::Compression::Zstd => ("application/vnd.oci.image.layer.v1.tar+zstd", "zstd"),
    };
    blob.media_type = media_type.into();
    // The diffID is the digest of the uncompressed tar (image-spec config.md).
    let f = BufReader::new(File::open(&blob.path).context("reading the imported tar")?);
    let limits = img::unpack_limits(ctx);
    let mut r = compression::decompress(f, media_type, limits.zstd_window_log_max)
        .with_context(|| format!("decompressing the {kind} stream"))?;
    let mut h = Hashing {
        inner: io::sink(),
        hasher: Sha256::new(),
        count: 0,
    };
    io::copy(&mut r, &mut h).context("reading the imported tar")?;
    blob.diff_id = Digest::from_hasher(h.hasher);
    let host = Platform::host();
    let created = now();
    let mut history = json!({"created": created, "created_by": ""});
    let comment = if o.message.is_empty() {
        "Imported from -".to_string()
    } else {
        o.message.clone()
    };
    history["comment"] = json!(comment);
    let config = json!({
        "architecture": host.architecture,
        "os": host.os,
        "created": created,
        "config": cfg,
        "rootfs": {"type": "layers", "diff_ids": [blob.diff_id.to_string()]},
        "history": [history],
    });
    let id = store_image(ctx, &config, Vec::new(), &blob, o.reference.as_deref())?;
    crate::engine::events::emit_image(paths, "import", &id, &id);
    Ok(id)
}

/// Where `export` writes when given `-o FILE`: created (or truncated) only once the container is found.
pub fn export_to_file(ctx: &Context, query: &str, file: &Path) -> Result<()> {
    Containers::new(&ctx.paths).lookup(query)?;
    let f = File::create(file).with_context(|| format!("creating {}", file.display()))?;
    let mut w = io::BufWriter::new(f);
    export(ctx, query, &mut w)?;
    w.flush()
        .with_context(|| format!("writing {}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_env_is_the_users_over_the_images_without_runtime_additions() {
        let image = vec!["PATH=/img/bin".to_string(), "A=image".to_string()];
        assert_eq!(
            config_env(&image, &["A=user".into(), "B=2".into()]),
            vec!["A=user", "B=2", "PATH=/img/bin"]
        );
        assert_eq!(config_env(&image, &[]), image);
        assert!(config_env(&[], &[]).is_empty());
    }

    #[test]
    fn changes_follow_dockerfile_forms() {
        let mut cfg = Map::new();
        cfg.insert("Env".into(), json!(["PATH=/bin", "A=old"]));
        apply_changes(
            &mut cfg,
            &[
                r#"CMD ["echo","hi"]"#.into(),
                "ENTRYPOINT /start.sh".into(),
                "ENV A=new B=\"two words\"".into(),
                "LABEL tier=web".into(),
                "WORKDIR /srv".into(),
                "USER nobody".into(),
                "EXPOSE 80 53/udp".into(),
            ],
        )
        .unwrap();
        assert_eq!(cfg["Cmd"], json!(["echo", "hi"]));
        assert_eq!(cfg["Entrypoint"], json!(["/bin/sh", "-c", "/start.sh"]));
        assert_eq!(cfg["Env"], json!(["PATH=/bin", "A=new", "B=two words"]));
        assert_eq!(cfg["Labels"], json!({"tier": "web"}));
        assert_eq!(
            (&cfg["WorkingDir"], &cfg["User"]),
            (&json!("/srv"), &json!("nobody"))
        );
        assert_eq!(cfg["ExposedPorts"], json!({"80/tcp": {}, "53/udp": {}}));
        assert_eq!(
            apply_changes(&mut cfg, &["RUN true".into()])
                .unwrap_err()
                .to_string(),
            "RUN is not a valid change command"
        );
    }
}

#[cfg(test)]
mod mount_point_tests {
    use super::*;
    use std::fs;

    #[test]
    fn an_etc_copied_up_only_for_the_runtime_mount_points_is_left_out_of_the_commit() {
        let t = tempfile::tempdir().unwrap();
        let (upper, lower) = (t.path().join("upper"), t.path().join("lower"));
        fs::create_dir_all(lower.join("etc")).unwrap();
        fs::write(lower.join("etc/passwd"), "root:x:0:0::/:/bin/sh\n").unwrap();
        fs::create_dir_all(upper.join("etc")).unwrap();
        for f in ["hosts", "hostname", "resolv.conf"] {
            fs::write(upper.join("etc").join(f), "").unwrap();
        }
        let layers = [lower.clone()];
        let skip = runtime_mount_points(&upper, &layers);
        assert!(skip.contains(&PathBuf::from("etc")), "{skip:?}");
        assert!(skip.contains(&PathBuf::from("etc/hosts")), "{skip:?}");
        // A real change in /etc keeps it (and its mount points stay out).
        fs::write(upper.join("etc/motd"), "hi\n").unwrap();
        let skip = runtime_mount_points(&upper, &layers);
        assert!(!skip.contains(&PathBuf::from("etc")), "{skip:?}");
        assert!(skip.contains(&PathBuf::from("etc/hostname")), "{skip:?}");
        fs::remove_file(upper.join("etc/motd")).unwrap();
        // So does a changed mode.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(upper.join("etc"), fs::Permissions::from_mode(0o700)).unwrap();
        let skip = runtime_mount_points(&upper, &layers);
        assert!(!skip.contains(&PathBuf::from("etc")), "{skip:?}");
    }
}

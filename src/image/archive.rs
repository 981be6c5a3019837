//! Image archives: `save`'s docker 25+ archive (an OCI image layout, `oci-layout`, `index.json` and
//! `blobs/sha256/`, plus docker's `manifest.json` and `repositories`) and `load`'s reading of docker
//! archives (old `<id>/layer.tar` layout and 25+), OCI archives and their gzip, zstd, xz or bzip2 forms.
//!
//! An archive is untrusted input (docs/security.md 1E): member names are checked (no absolute paths, no
//! `..`, no duplicates), symbolic and hard links are never created on disk, only followed as aliases
//! inside the archive, and never for `blobs/` (a symlinked blob); every regular member is spooled into a
//! directory the caller owns under its own number, hashed as it streams, so a blob is only ever named by
//! the digest of its bytes; manifests that name paths outside the archive or a blob whose bytes do not
//! match its name are refused. Sizes and layer digests are verified again by the store path that takes
//! the images in (engine::image::pull_from). Must not depend on registry, engine or cli.

use super::compression;
use super::digest::Digest;
use super::manifest::{self, Descriptor, Document, MT_OCI_INDEX, MT_OCI_MANIFEST};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// `org.opencontainers.image.ref.name` (OCI image-spec annotations).
pub const ANN_REF_NAME: &str = "org.opencontainers.image.ref.name";
/// containerd's (and docker 25's) full image name annotation.
pub const ANN_IMAGE_NAME: &str = "io.containerd.image.name";
/// Bound on the JSON documents of an archive (index.json, manifest.json, manifests, configs).
const MAX_JSON: u64 = 8 << 20;
/// Bound on the members of one archive and on index nesting.
const MAX_MEMBERS: usize = 100_000;
const MAX_DEPTH: usize = 4;

/// One image to write: its config, manifest and layer blobs (in the store), and its tags (normalised
/// `registry/repo:tag`; empty for an image named by ID).
#[derive(Debug, Clone)]
pub struct SaveImage {
    pub config: Digest,
    pub manifest: Vec<u8>,
    pub manifest_media_type: String,
    pub layers: Vec<Digest>,
    pub repo_tags: Vec<String>,
}

/// Gives a stored blob's reader and its size.
pub type BlobOpener<'a> = dyn Fn(&Digest) -> Result<(Box<dyn Read>, u64)> + 'a;

fn header(path: &str, size: u64, dir: bool) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_mode(if dir { 0o755 } else { 0o644 });
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    h.set_size(size);
    h.set_entry_type(if dir {
        tar::EntryType::Directory
    } else {
        tar::EntryType::Regular
    });
    let _ = h.set_path(path);
    h.set_cksum();
    h
}

/// Write the docker 25+ archive of `images` to `out`; blobs shared by several images go in once.
/// `open` gives a stored blob's reader and size.
pub fn write_archive<W: Write>(
    out: W,
    images: &[SaveImage],
    open: &BlobOpener,
    familiar: &dyn Fn(&str) -> String,
) -> Result<W> {
    let mut b = tar::Builder::new(out);
    for d in ["blobs/", "blobs/sha256/"] {
        b.append(&header(d, 0, true), io::empty())?;
    }
    let mut written = std::collections::HashSet::new();
    let mut index = Vec::new();
    let mut docker = Vec::new();
    let mut repositories: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for img in images {
        let mdigest = Digest::of(&img.manifest);
        let blobs = std::iter::once(&img.config).chain(&img.layers);
        for d in blobs {
            if written.insert(d.clone()) {
                let (r, size) = open(d)?;
                let path = format!("blobs/sha256/{}", d.hex());
                b.append(&header(&path, size, false), r.take(size))
                    .with_context(|| format!("writing blob {d}"))?;
            }
        }
        if written.insert(mdigest.clone()) {
            let path = format!("blobs/sha256/{}", mdigest.hex());
            b.append(
                &header(&path, img.manifest.len() as u64, false),
                &img.manifest[..],
            )?;
        }
        let desc = |ann: Option<(&str, &str)>| {
            let mut d = json!({
                "mediaType": img.manifest_media_type,
                "digest": mdigest.to_string(),
                "size": img.manifest.len(),
            });
            if let Some((full, tag)) = ann {
                d["annotations"] = json!({ANN_IMAGE_NAME: full, ANN_REF_NAME: tag});
            }
            d
        };
        if img.repo_tags.is_empty() {
            index.push(desc(None));
        }
        for t in &img.repo_tags {
            let tag = t.rsplit_once(':').map(|(_, t)| t).unwrap_or("latest");
            index.push(desc(Some((t, tag))));
            let fam = familiar(t);
            if let Some((repo, tag)) = fam.rsplit_once(':') {
                repositories.entry(repo.to_string()).or_default().insert(
                    tag.to_string(),
                    img.layers
                        .last()
                        .map(|l| l.hex().to_string())
                        .unwrap_or_default(),
                );
            }
        }
        docker.push(json!({
            "Config": format!("blobs/sha256/{}", img.config.hex()),
            "RepoTags": img.repo_tags.iter().map(|t| familiar(t)).collect::<Vec<_>>(),
            "Layers": img.layers.iter().map(|l| format!("blobs/sha256/{}", l.hex())).collect::<Vec<_>>(),
        }));
    }
    let files: [(&str, Vec<u8>); 4] = [
        (
            "index.json",
            serde_json::to_vec(&json!({
                "schemaVersion": 2,
                "mediaType": MT_OCI_INDEX,
                "manifests": index,
            }))?,
        ),
        ("manifest.json", serde_json::to_vec(&docker)?),
        (
            "oci-layout",
            serde_json::to_vec(&json!({"imageLayoutVersion": "1.0.0"}))?,
        ),
        ("repositories", serde_json::to_vec(&repositories)?),
    ];
    for (name, data) in files {
        b.append(&header(name, data.len() as u64, false), &data[..])?;
    }
    b.into_inner().context("finishing the archive")
}

/// A member spooled from an archive: where its bytes are and their digest.
#[derive(Debug, Clone)]
pub struct Member {
    pub file: PathBuf,
    pub digest: Digest,
    pub size: u64,
}

/// Every regular member of an archive (spooled), and its links (aliases inside the archive).
#[derive(Debug, Default)]
pub struct Spool {
    members: HashMap<String, Member>,
    links: HashMap<String, String>,
}

/// A member name made relative and clean; refused when absolute or climbing out (docs/security.md 1E).
fn clean_name(raw: &Path) -> Result<String> {
    let s = raw.to_string_lossy();
    let mut parts: Vec<&str> = Vec::new();
    if s.starts_with('/') {
        bail!("invalid archive: member {s:?} has an absolute path");
    }
    for p in s.split('/') {
        match p {
            "" | "." => {}
            ".." => bail!("invalid archive: member {s:?} leaves the archive"),
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

/// A link target, relative to the link's own directory (symlinks) or to the archive's root (hard links).
fn resolve_link(dir: &str, target: &str, hard: bool) -> Result<String> {
    if target.starts_with('/') {
        bail!("invalid archive: link to absolute path {target:?}");
    }
    let mut parts: Vec<&str> = if hard || dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    bail!("invalid archive: link {target:?} leaves the archive");
                }
            }
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

/// A tar header that could not be read: the stream ended (truncated), it was no tar at all (before the
/// first member), or it broke later. The reader's message may quote the header's raw bytes: only its
/// printable text is kept (a hostile archive must not write control sequences to the user's terminal).
fn bad_header(members_before: usize, err: &io::Error) -> anyhow::Error {
    let text: String = err
        .to_string()
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    if err.kind() == io::ErrorKind::UnexpectedEof
        || text.contains("EOF")
        || text.contains("entire block")
    {
        anyhow::anyhow!("invalid archive: truncated ({text})")
    } else if members_before == 0 && err.kind() == io::ErrorKind::Other {
        anyhow::anyhow!(
            "invalid archive: not a tar archive (nor a gzip, zstd, xz or bzip2 compressed one)"
        )
    } else {
        anyhow::anyhow!("invalid archive: reading the header after member {members_before}: {text}")
    }
}

/// Wrap an archive stream in its decompressor, by magic bytes: gzip, zstd, xz, bzip2 (as docker's load
/// reads) or none.
pub fn decompressed<'a>(
    r: impl Read + Send + 'a,
    zstd_window_log_max: u32,
) -> Result<Box<dyn Read + Send + 'a>> {
    let mut br = BufReader::with_capacity(1 << 20, r);
    let head = br.fill_buf().context("reading the archive")?.to_vec();
    Ok(match compression_of(&head) {
        Some(Compression::Gzip) => Box::new(flate2::bufread::MultiGzDecoder::new(br)),
        Some(Compression::Zstd) => {
            let mut d = zstd::stream::read::Decoder::with_buffer(br)?;
            d.window_log_max(zstd_window_log_max)?;
            Box::new(d)
        }
        Some(Compression::Xz) => Box::new(xz2::bufread::XzDecoder::new_multi_decoder(br)),
        Some(Compression::Bzip2) => Box::new(bzip2::bufread::MultiBzDecoder::new(br)),
        None if head.is_empty() => bail!("archive is empty"),
        None => Box::new(br),
    })
}

/// A compression an archive can come in (what [`decompressed`] undoes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
    Xz,
    Bzip2,
}

/// The compression `head` (an archive's first bytes) starts with, by magic bytes; None: uncompressed, or not
/// an archive at all.
pub fn compression_of(head: &[u8]) -> Option<Compression> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Some(Compression::Gzip)
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some(Compression::Zstd)
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Some(Compression::Xz)
    } else if head.starts_with(b"BZh") {
        Some(Compression::Bzip2)
    } else {
        None
    }
}

impl Spool {
    /// Read a (decompressed) tar stream to its end, spooling regular members into `dir`; at most
    /// `max_bytes` of members in all (an endless or inflating stream must not fill the disk).
    pub fn read(r: impl Read, dir: &Path, max_bytes: u64) -> Result<Spool> {
        let mut spool = Spool::default();
        let mut total = 0u64;
        let over = || {
            anyhow::anyhow!(
                "invalid archive: more than {max_bytes} bytes (limits.max_archive_bytes)"
            )
        };
        let mut ar = tar::Archive::new(r);
        let mut n = 0usize;
        for entry in ar.entries().context("reading the archive")? {
            let mut e = entry.map_err(|err| bad_header(n, &err))?;
            n += 1;
            if n > MAX_MEMBERS {
                bail!("invalid archive: more than {MAX_MEMBERS} members");
            }
            let name = clean_name(&e.path().context("invalid archive: member name")?)?;
            if name.is_empty() {
                continue;
            }
            let kind = e.header().entry_type();
            if kind.is_dir() {
                continue;
            }
            if spool.members.contains_key(&name) || spool.links.contains_key(&name) {
                bail!("invalid archive: member {name:?} appears twice");
            }
            if kind.is_symlink() || kind.is_hard_link() {
                if name.starts_with("blobs/") {
                    bail!("invalid archive: blob {name:?} is a link");
                }
                let target = e
                    .link_name()
                    .context("invalid archive: link name")?
                    .context("invalid archive: link without target")?;
                let dir = name.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                let t = resolve_link(dir, &target.to_string_lossy(), kind.is_hard_link())?;
                spool.links.insert(name, t);
                continue;
            }
            if !kind.is_file() && kind != tar::EntryType::Continuous {
                bail!("invalid archive: member {name:?} is not a regular file");
            }
            // A declared size over what is left fails before a byte is written.
            if e.header().size().unwrap_or(0) > max_bytes - total {
                return Err(over());
            }
            let file = dir.join(format!("m{n}"));
            let mut f = io::BufWriter::with_capacity(
                1 << 20,
                File::create_new(&file).with_context(|| format!("creating {}", file.display()))?,
            );
            let mut h = Sha256::new();
            let mut size = 0u64;
            let mut buf = vec![0u8; 256 << 10];
            loop {
                let k = e.read(&mut buf).with_context(|| {
                    format!("invalid archive: reading member {name:?} (truncated?)")
                })?;
                if k == 0 {
                    break;
                }
                if k as u64 > max_bytes - total {
                    return Err(over());
                }
                total += k as u64;
                h.update(&buf[..k]);
                f.write_all(&buf[..k])?;
                size += k as u64;
            }
            if size != e.header().size().unwrap_or(u64::MAX) {
                bail!("invalid archive: member {name:?} is truncated");
            }
            f.flush()?;
            let digest = Digest::from_hasher(h);
            // An OCI layout names blobs by digest: a blob whose bytes have another digest is refused
            // here, before anything reads it (docs/security.md 1E).
            if let Some(hex) = name.strip_prefix("blobs/sha256/")
                && hex != digest.hex()
            {
                bail!("invalid archive: blob sha256:{hex} does not match its digest");
            }
            spool.members.insert(name, Member { file, digest, size });
        }
        Ok(spool)
    }

    /// The member `name`, following links inside the archive (a few hops).
    pub fn get(&self, name: &str) -> Result<&Member> {
        let mut n = clean_name(Path::new(name))?;
        for _ in 0..8 {
            if let Some(m) = self.members.get(&n) {
                return Ok(m);
            }
            match self.links.get(&n) {
                Some(t) => n = t.clone(),
                None => bail!("invalid archive: {name:?} is not in the archive"),
            }
        }
        bail!("invalid archive: too many links to {name:?}")
    }

    fn has(&self, name: &str) -> bool {
        self.members.contains_key(name) || self.links.contains_key(name)
    }

    fn json(&self, name: &str) -> Result<Vec<u8>> {
        let m = self.get(name)?;
        if m.size > MAX_JSON {
            bail!("invalid archive: {name} is larger than {MAX_JSON} bytes");
        }
        std::fs::read(&m.file).with_context(|| format!("reading {name}"))
    }

    /// The blob `d` of an OCI layout, checked against its name and the descriptor's size.
    fn blob(&self, d: &Descriptor) -> Result<&Member> {
        let m = self.get(&format!("blobs/sha256/{}", d.digest.hex()))?;
        if m.digest != d.digest {
            bail!(
                "invalid archive: blob {} does not match its digest",
                d.digest
            );
        }
        if m.size != d.size {
            bail!(
                "invalid archive: blob {} is {} bytes, its descriptor says {}",
                d.digest,
                m.size,
                d.size
            );
        }
        Ok(m)
    }

    /// Every member by its digest (what a store source serves).
    pub fn by_digest(&self) -> HashMap<String, Member> {
        self.members
            .values()
            .map(|m| (m.digest.to_string(), m.clone()))
            .collect()
    }
}

/// One image found in an archive: its manifest (as archived, or made from docker's manifest.json) and
/// the names it had there.
#[derive(Debug, Clone)]
pub struct LoadImage {
    pub manifest: Vec<u8>,
    pub media_type: String,
    /// Full or familiar names as the archive gives them (`busybox:latest`, `docker.io/...`).
    pub names: Vec<String>,
}

/// The images of a spooled archive: from `index.json` when it has one (OCI, docker 25+), else from
/// docker's `manifest.json`. `want` picks one platform from a multi-platform index.
pub fn images(spool: &Spool, want: &manifest::Platform) -> Result<Vec<LoadImage>> {
    let tags_by_config = docker_tags(spool)?;
    if spool.has("index.json") {
        let bytes = spool.json("index.json")?;
        let mut out = Vec::new();
        let top = match manifest::parse_document(&bytes, MT_OCI_INDEX)
            .context("invalid archive: index.json")?
        {
            Document::Index { manifests, .. } => manifests,
            Document::Manifest(_) => bail!("invalid archive: index.json is not an index"),
        };
        let raw: Value = serde_json::from_slice(&bytes)?;
        for (i, d) in top.iter().enumerate() {
            let ann = &raw["manifests"][i]["annotations"];
            let mut names = Vec::new();
            if let Some(n) = ann[ANN_IMAGE_NAME].as_str() {
                names.push(n.to_string());
            } else if let Some(n) = ann[ANN_REF_NAME].as_str() {
                names.push(n.to_string());
            }
            let (m, mt) = platform_manifest(spool, d, want, 0)?;
            if names.is_empty()
                && let Ok(Document::Manifest(man)) = manifest::parse_document(&m, &mt)
            {
                names = tags_by_config
                    .get(man.config.digest.as_str())
                    .cloned()
                    .unwrap_or_default();
            }
            match out.iter_mut().find(|x: &&mut LoadImage| x.manifest == m) {
                Some(x) => x.names.extend(names),
                None => out.push(LoadImage {
                    manifest: m,
                    media_type: mt,
                    names,
                }),
            }
        }
        return Ok(out);
    }
    if !spool.has("manifest.json") {
        bail!("invalid archive: neither index.json nor manifest.json found");
    }
    docker_images(spool)
}

/// Follow an index entry to one platform's manifest (nested indexes included, bounded).
fn platform_manifest(
    spool: &Spool,
    d: &Descriptor,
    want: &manifest::Platform,
    depth: usize,
) -> Result<(Vec<u8>, String)> {
    if depth > MAX_DEPTH {
        bail!("invalid archive: indexes nested too deep");
    }
    let m = spool.blob(d)?;
    if m.size > MAX_JSON {
        bail!("invalid archive: manifest {} too large", d.digest);
    }
    let bytes = std::fs::read(&m.file)?;
    match manifest::parse_document(&bytes, &d.media_type)? {
        Document::Manifest(_) => {
            let mt = if d.media_type.is_empty() {
                MT_OCI_MANIFEST.to_string()
            } else {
                d.media_type.clone()
            };
            Ok((bytes, mt))
        }
        Document::Index { manifests, .. } => {
            let pick = manifest::select_platform(&manifests, want, false)?;
            platform_manifest(spool, pick, want, depth + 1)
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

fn docker_entries(spool: &Spool) -> Result<Vec<DockerEntry>> {
    if !spool.has("manifest.json") {
        return Ok(Vec::new());
    }
    let entries: Vec<DockerEntry> = serde_json::from_slice(&spool.json("manifest.json")?)
        .context("invalid archive: manifest.json")?;
    for t in entries.iter().flat_map(|e| e.repo_tags.iter().flatten()) {
        check_repo_tag(t)?;
    }
    Ok(entries)
}

/// A `RepoTags` entry must be a valid name with a tag, as docker's load requires (it refuses the
/// archive rather than load the image under another name or none).
fn check_repo_tag(t: &str) -> Result<()> {
    super::ImageRef::parse(t).with_context(|| format!("invalid archive: manifest.json: {t:?}"))?;
    let last = t.rsplit('/').next().unwrap_or("");
    if t.contains('@') || !last.contains(':') {
        bail!("invalid archive: manifest.json: invalid tag {t:?}");
    }
    Ok(())
}

/// manifest.json's RepoTags by config digest.
fn docker_tags(spool: &Spool) -> Result<HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    for e in docker_entries(spool)? {
        let m = spool.get(&e.config)?;
        out.insert(m.digest.to_string(), e.repo_tags.unwrap_or_default());
    }
    Ok(out)
}

/// docker's manifest.json: an OCI manifest made for each entry, its layers typed by their magic bytes.
fn docker_images(spool: &Spool) -> Result<Vec<LoadImage>> {
    let mut out = Vec::new();
    for e in docker_entries(spool)? {
        let config = spool.get(&e.config)?;
        if config.size > MAX_JSON {
            bail!("invalid archive: config {} too large", e.config);
        }
        let mut layers = Vec::new();
        for l in &e.layers {
            let m = spool.get(l)?;
            let mut head = [0u8; 8];
            let n = File::open(&m.file)?.read(&mut head)?;
            let mt = match compression::detect(&head[..n])? {
                compression::Compression::None => "application/vnd.oci.image.layer.v1.tar",
                compression::Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
                compression::Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
            };
            layers.push(json!({"mediaType": mt, "digest": m.digest.to_string(), "size": m.size}));
        }
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": MT_OCI_MANIFEST,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config.digest.to_string(),
                "size": config.size,
            },
            "layers": layers,
        }))?;
        out.push(LoadImage {
            manifest,
            media_type: MT_OCI_MANIFEST.into(),
            names: e.repo_tags.unwrap_or_default(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_that_leave_the_archive_are_refused() {
        assert_eq!(
            clean_name(Path::new("./blobs/sha256/x")).unwrap(),
            "blobs/sha256/x"
        );
        crate::testing::assert_err(clean_name(Path::new("/etc/passwd")), "absolute path");
        crate::testing::assert_err(clean_name(Path::new("a/../../x")), "leaves the archive");
        assert_eq!(resolve_link("abc", "../def.tar", false).unwrap(), "def.tar");
        crate::testing::assert_err(resolve_link("", "../x", false), "leaves the archive");
        crate::testing::assert_err(resolve_link("a", "/x", false), "absolute path");
    }

    #[test]
    fn repo_tags_need_a_valid_name_and_a_tag() {
        for ok in ["app:1", "localhost/app:1", "127.0.0.1:5000/team/app:v1.2"] {
            check_repo_tag(ok).unwrap();
        }
        crate::testing::assert_err(check_repo_tag("app"), "invalid tag \"app\"");
        crate::testing::assert_err(check_repo_tag("127.0.0.1:5000/app"), "invalid tag");
        crate::testing::assert_err(
            check_repo_tag(&format!("app@sha256:{}", "0".repeat(64))),
            "invalid tag",
        );
        crate::testing::assert_err(check_repo_tag("UPPER/Case:1"), "lowercase");
    }
}

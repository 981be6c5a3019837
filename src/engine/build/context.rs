//! The build context: a directory, a tar archive from stdin (extracted into a scratch directory the
//! context owns), or nothing (`berth build - < Dockerfile`). Finds the Dockerfile and its
//! `.dockerignore` as docker does, resolves COPY/ADD sources (globs, docker's not-found wording,
//! `.dockerignore`), and hashes what a COPY will write for the cache key (docs/architecture.md,
//! "build").
//!
//! Invariant: nothing outside the context root is ever read through it. Paths are cleaned against
//! the root (`../x` is `/x`), a symlink given as a source is followed within the root only (an
//! absolute target is relative to the root), and symlinks met while walking are reported as symlinks,
//! never followed. A tar context is untrusted input: absolute and `..` names are refused, nothing is
//! extracted through a symlink, device nodes are skipped, and sizes are bounded (docs/security.md 1M).

use std::collections::VecDeque;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use sha2::{Digest, Sha256};

use super::ignore::{Ignore, clean};
use crate::image::archive;

/// Most bytes a tar context may extract to (regular files' sizes summed).
pub const MAX_TAR_CONTEXT_BYTES: u64 = 32 << 30;
/// Most entries a tar context may hold.
pub const MAX_TAR_CONTEXT_ENTRIES: u64 = 2_000_000;
/// Most symlinks followed while resolving one source path (Linux's own limit is 40).
const MAX_SYMLINKS: u32 = 40;

/// A COPY/ADD source that matched nothing, in BuildKit's words (`"/missing": not found`), saying so
/// when the path exists but `.dockerignore` leaves it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// The source as cleaned against the context root (`/missing`, `/*.txt`).
    pub path: String,
    pub excluded: bool,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: not found", self.path)?;
        if self.excluded {
            write!(f, " (excluded by .dockerignore)")?;
        }
        Ok(())
    }
}

impl std::error::Error for NotFound {}

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File { size: u64 },
    Dir,
    Symlink { target: String },
}

/// One file, directory or symlink a COPY writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path below the source (`""` for the source itself, `sub/file.txt` below a directory source).
    pub rel: String,
    /// Where it is on disk.
    pub path: PathBuf,
    pub kind: EntryKind,
    /// Permission bits (`0o7777` mask) as in the context.
    pub mode: u32,
}

/// A resolved COPY/ADD source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The matched path relative to the context root, `/`-separated (`""` is the root itself).
    pub rel: String,
    /// The source itself first (its `rel` is `""`), then, for a directory, everything below it that
    /// `.dockerignore` keeps, sorted by path. Directories that are excluded but hold re-included
    /// files appear, as docker's transfer keeps the parents of what it sends.
    pub entries: Vec<Entry>,
}

impl Source {
    pub fn is_dir(&self) -> bool {
        self.entries
            .first()
            .is_some_and(|e| e.kind == EntryKind::Dir)
    }

    /// `COPY --exclude=PATTERN`: drops the entries the patterns match (`.dockerignore`'s matching),
    /// relative to the source; a file source is matched by its name. An excluded directory stays when
    /// something below it is re-included by a `!pattern`. Returns false when nothing is left.
    pub fn exclude(&mut self, patterns: &Ignore) -> bool {
        if patterns.is_empty() {
            return true;
        }
        if !self.is_dir() {
            let name = self.rel.rsplit('/').next().unwrap_or_default();
            if patterns.excluded(name, false) {
                self.entries.clear();
            }
            return !self.entries.is_empty();
        }
        let excluded: Vec<bool> = self
            .entries
            .iter()
            .map(|e| !e.rel.is_empty() && patterns.excluded(&e.rel, e.kind == EntryKind::Dir))
            .collect();
        let kept: Vec<String> = self
            .entries
            .iter()
            .zip(&excluded)
            .filter(|(_, x)| !**x)
            .map(|(e, _)| format!("{}/", e.rel))
            .collect();
        let mut i = 0;
        self.entries.retain(|e| {
            let keep = !excluded[i]
                || (e.kind == EntryKind::Dir
                    && kept.iter().any(|k| {
                        k.starts_with(&format!("{}/", e.rel)) && k.len() > e.rel.len() + 1
                    }));
            i += 1;
            keep
        });
        true
    }
}

/// The build context.
#[derive(Debug)]
pub struct Context {
    /// None for the empty context.
    root: Option<PathBuf>,
    ignore: Ignore,
    /// A scratch directory this context extracted and removes when dropped.
    owned: Option<PathBuf>,
}

impl Drop for Context {
    fn drop(&mut self) {
        if let Some(dir) = self.owned.take() {
            let _ = make_writable_and_remove(&dir);
        }
    }
}

/// Removes a tree even where an archive made directories read-only.
fn make_writable_and_remove(dir: &Path) -> io::Result<()> {
    if fs::remove_dir_all(dir).is_ok() {
        return Ok(());
    }
    fn walk(p: &Path) {
        if let Ok(m) = fs::symlink_metadata(p)
            && m.is_dir()
        {
            let _ = fs::set_permissions(p, fs::Permissions::from_mode(0o700));
            if let Ok(rd) = fs::read_dir(p) {
                for e in rd.flatten() {
                    walk(&e.path());
                }
            }
        }
    }
    walk(dir);
    fs::remove_dir_all(dir)
}

/// The Dockerfile docker would use: `-f path` as given (relative to the working directory, possibly
/// outside the context), else `<context>/Dockerfile`, else `<context>/dockerfile`.
pub fn find_dockerfile(context_dir: &Path, file: Option<&Path>) -> Result<PathBuf> {
    if let Some(f) = file {
        if !f.is_file() {
            bail!(
                "failed to read dockerfile: open {}: no such file or directory",
                f.display()
            );
        }
        return Ok(f.to_path_buf());
    }
    for name in ["Dockerfile", "dockerfile"] {
        let p = context_dir.join(name);
        if p.is_file() {
            return Ok(p);
        }
    }
    bail!("failed to read dockerfile: open Dockerfile: no such file or directory")
}

/// The `.dockerignore` text that applies (BuildKit's rule): `<Dockerfile>.dockerignore` next to the
/// Dockerfile first, then `<context>/.dockerignore`; None when neither exists.
pub fn find_dockerignore(context_dir: &Path, dockerfile: Option<&Path>) -> Result<Option<String>> {
    let mut candidates = Vec::new();
    if let Some(df) = dockerfile
        && let Some(name) = df.file_name()
    {
        let mut n = name.to_os_string();
        n.push(".dockerignore");
        candidates.push(df.with_file_name(n));
    }
    candidates.push(context_dir.join(".dockerignore"));
    for c in candidates {
        match fs::read_to_string(&c) {
            Ok(t) => return Ok(Some(t)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("reading {}", c.display())),
        }
    }
    Ok(None)
}

/// Whether the first bytes of stdin are an archive (gzip, zstd, bzip2, xz, or a tar header) rather
/// than a Dockerfile, as docker decides for `build -`.
pub fn looks_like_archive(head: &[u8]) -> bool {
    archive::compression_of(head).is_some() || (head.len() >= 262 && &head[257..262] == b"ustar")
}

impl Context {
    /// A directory context; `dockerignore` is the text [`find_dockerignore`] returned.
    pub fn from_dir(dir: &Path, dockerignore: Option<&str>) -> Result<Context> {
        let root = fs::canonicalize(dir)
            .with_context(|| format!("unable to prepare context: path {:?} not found", dir))?;
        if !root.is_dir() {
            bail!("unable to prepare context: {:?} is not a directory", dir);
        }
        let ignore =
            Ignore::parse(dockerignore.unwrap_or_default()).context("reading .dockerignore")?;
        Ok(Context {
            root: Some(root),
            ignore,
            owned: None,
        })
    }

    /// No context at all: every COPY source is not found.
    pub fn empty() -> Context {
        Context {
            root: None,
            ignore: Ignore::default(),
            owned: None,
        }
    }

    /// A tar context (plain or compressed), extracted into `scratch_dir`, which must not exist yet;
    /// the context removes it when dropped (and at once on error). Its own `.dockerignore` applies
    /// (replace it with [`Context::set_dockerignore`] for `<Dockerfile>.dockerignore`).
    pub fn from_tar(reader: impl Read + Send, scratch_dir: &Path) -> Result<Context> {
        fs::DirBuilder::new()
            .mode(0o700)
            .create(scratch_dir)
            .with_context(|| format!("creating {}", scratch_dir.display()))?;
        let mut ctx = Context {
            root: Some(scratch_dir.to_path_buf()),
            ignore: Ignore::default(),
            owned: Some(scratch_dir.to_path_buf()),
        };
        extract(reader, scratch_dir).context("reading the build context archive")?;
        let root = fs::canonicalize(scratch_dir)?;
        ctx.root = Some(root.clone());
        let text = match fs::symlink_metadata(root.join(".dockerignore")) {
            Ok(m) if m.is_file() => Some(fs::read_to_string(root.join(".dockerignore"))?),
            _ => None,
        };
        ctx.set_dockerignore(text.as_deref())?;
        Ok(ctx)
    }

    /// Replaces the `.dockerignore` rules.
    pub fn set_dockerignore(&mut self, text: Option<&str>) -> Result<()> {
        self.ignore = Ignore::parse(text.unwrap_or_default()).context("reading .dockerignore")?;
        Ok(())
    }

    /// The context's root on disk (None for the empty context).
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// A file of the context by its path relative to the root (the Dockerfile of a tar context), read
    /// within the root whatever `.dockerignore` says.
    pub fn read_file(&self, rel: &str) -> Result<Vec<u8>> {
        let Some(root) = &self.root else {
            bail!("open {rel}: no such file or directory")
        };
        let (path, _) = scoped(root, rel, true)?;
        fs::read(&path).with_context(|| format!("open {rel}: no such file or directory"))
    }

    /// COPY/ADD sources (after substitution) -> what they match, in order. A source that matches
    /// nothing is an error ([`NotFound`], downcastable from the returned error).
    pub fn resolve(&self, sources: &[String]) -> Result<Vec<Source>> {
        let mut out = Vec::new();
        for s in sources {
            out.extend(self.resolve_one(s)?);
        }
        Ok(out)
    }

    fn resolve_one(&self, source: &str) -> Result<Vec<Source>> {
        let cleaned = clean(&format!("/{source}"));
        let rel = cleaned.trim_start_matches('/').to_string();
        let not_found = |excluded| {
            anyhow::Error::new(NotFound {
                path: cleaned.clone(),
                excluded,
            })
        };
        let Some(root) = &self.root else {
            return Err(not_found(false));
        };
        let matches = if has_wildcard(&rel) {
            self.glob(root, &rel)?
        } else {
            vec![rel.clone()]
        };
        let mut out = Vec::new();
        let mut excluded_any = false;
        for m in matches {
            let (path, resolved) = scoped(root, &m, true)?;
            let meta = match fs::symlink_metadata(&path) {
                Ok(meta) => meta,
                // `file/x`: a path through a file is as missing as a path to nothing.
                Err(e)
                    if e.kind() == io::ErrorKind::NotFound
                        || e.raw_os_error() == Some(libc::ENOTDIR) =>
                {
                    continue;
                }
                Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
            };
            // A symlink given as the source is followed, but only if .dockerignore keeps the link
            // itself: docker never sends an excluded link.
            if resolved != m && !m.is_empty() && self.ignore.excluded(&m, false) {
                excluded_any = true;
                continue;
            }
            let mut entries = Vec::new();
            let excluded = !resolved.is_empty() && self.ignore.excluded(&resolved, meta.is_dir());
            if excluded && !(meta.is_dir() && self.ignore.may_include_below(&resolved)) {
                excluded_any = true;
                continue;
            }
            entries.push(entry(String::new(), path.clone(), &meta)?);
            if meta.is_dir() {
                self.walk(&path, &resolved, "", &mut entries)?;
                if excluded && entries.len() == 1 {
                    excluded_any = true;
                    continue;
                }
            }
            out.push(Source { rel: m, entries });
        }
        if out.is_empty() {
            return Err(not_found(excluded_any));
        }
        Ok(out)
    }

    /// Everything below `dir` that .dockerignore keeps, depth-first in sorted order, symlinks not
    /// followed. `ctx_rel` is `dir`'s path in the context, `rel` its path below the source.
    fn walk(&self, dir: &Path, ctx_rel: &str, rel: &str, out: &mut Vec<Entry>) -> Result<()> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<io::Result<_>>()?;
        names.sort();
        for name in names {
            let Some(name) = name.to_str().map(str::to_string) else {
                bail!("{}: file name is not UTF-8", dir.join(&name).display());
            };
            let path = dir.join(&name);
            let meta = fs::symlink_metadata(&path)?;
            let c = join(ctx_rel, &name);
            let r = join(rel, &name);
            let excluded = self.ignore.excluded(&c, meta.is_dir());
            if meta.is_dir() {
                if excluded && !self.ignore.may_include_below(&c) {
                    continue;
                }
                let at = out.len();
                out.push(entry(r.clone(), path.clone(), &meta)?);
                self.walk(&path, &c, &r, out)?;
                if excluded && out.len() == at + 1 {
                    out.pop();
                }
            } else if !excluded {
                out.push(entry(r, path, &meta)?);
            }
        }
        Ok(())
    }

    /// Context paths matching a wildcard source, component by component (`*` never crosses `/`).
    fn glob(&self, root: &Path, pattern: &str) -> Result<Vec<String>> {
        let mut current = vec![String::new()];
        for comp in pattern.split('/').filter(|c| !c.is_empty()) {
            let mut next = Vec::new();
            for base in &current {
                if !has_wildcard(comp) {
                    next.push(join(base, &unescape(comp)));
                    continue;
                }
                let (dir, _) = scoped(root, base, true)?;
                let Ok(rd) = fs::read_dir(&dir) else { continue };
                let mut names: Vec<String> = rd
                    .filter_map(|e| e.ok()?.file_name().to_str().map(str::to_string))
                    .collect();
                names.sort();
                for n in names {
                    if path_match(comp, &n) {
                        next.push(join(base, &n));
                    }
                }
            }
            current = next;
        }
        Ok(current)
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        out.push(if c == '\\' {
            it.next().unwrap_or('\\')
        } else {
            c
        });
    }
    out
}

/// Go's `filepath.Match` for one path component: `*`, `?`, `[...]` with `^` negation, `\` escapes.
pub fn path_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    let Some((&c, rest)) = p.split_first() else {
        return n.is_empty();
    };
    match c {
        '*' => (0..=n.len())
            .take_while(|&i| i == 0 || n[i - 1] != '/')
            .any(|i| match_from(rest, &n[i..])),
        '?' => n.first().is_some_and(|c| *c != '/') && match_from(rest, &n[1..]),
        '\\' => match rest.split_first() {
            Some((&e, r)) => n.first() == Some(&e) && match_from(r, &n[1..]),
            None => false,
        },
        '[' => {
            let Some(&ch) = n.first() else { return false };
            let mut i = 0;
            let neg = rest.first() == Some(&'^');
            if neg {
                i += 1;
            }
            let mut hit = false;
            let mut first = true;
            loop {
                let Some(&lo) = rest.get(i) else { return false };
                if lo == ']' && !first {
                    break;
                }
                first = false;
                let (lo, step) = if lo == '\\' {
                    (rest.get(i + 1).copied().unwrap_or('\\'), 2)
                } else {
                    (lo, 1)
                };
                i += step;
                let mut hi = lo;
                if rest.get(i) == Some(&'-') && rest.get(i + 1).is_some_and(|c| *c != ']') {
                    hi = rest[i + 1];
                    i += 2;
                }
                if lo <= ch && ch <= hi {
                    hit = true;
                }
            }
            hit != neg && match_from(&rest[i + 1..], &n[1..])
        }
        c => n.first() == Some(&c) && match_from(rest, &n[1..]),
    }
}

fn entry(rel: String, path: PathBuf, meta: &fs::Metadata) -> Result<Entry> {
    let ft = meta.file_type();
    let kind = if ft.is_symlink() {
        let t = fs::read_link(&path)?;
        EntryKind::Symlink {
            target: t.to_string_lossy().into_owned(),
        }
    } else if ft.is_dir() {
        EntryKind::Dir
    } else if ft.is_file() {
        EntryKind::File { size: meta.len() }
    } else {
        bail!(
            "{}: not a regular file, directory or symlink",
            path.display()
        );
    };
    Ok(Entry {
        rel,
        path,
        kind,
        mode: meta.mode() & 0o7777,
    })
}

/// `rel` resolved inside `root`, symlinks followed within it (the last one only if `follow_last`):
/// `..` stops at the root and absolute link targets start from it. Returns the path on disk and its
/// resolved path relative to the root.
fn scoped(root: &Path, rel: &str, follow_last: bool) -> Result<(PathBuf, String)> {
    let mut pending: VecDeque<String> = rel.split('/').map(str::to_string).collect();
    let mut cur: Vec<String> = Vec::new();
    let mut links = 0;
    while let Some(c) = pending.pop_front() {
        match c.as_str() {
            "" | "." => continue,
            ".." => {
                cur.pop();
                continue;
            }
            _ => {}
        }
        let candidate = root.join(cur.join("/")).join(&c);
        let last = pending.iter().all(|p| p.is_empty() || p == ".");
        match fs::symlink_metadata(&candidate) {
            Ok(m) if m.file_type().is_symlink() && (!last || follow_last) => {
                links += 1;
                if links > MAX_SYMLINKS {
                    bail!("{rel}: too many levels of symbolic links");
                }
                let target = fs::read_link(&candidate)?;
                let t = target.to_string_lossy();
                if t.starts_with('/') {
                    cur.clear();
                }
                for part in t.split('/').rev() {
                    pending.push_front(part.to_string());
                }
            }
            _ => cur.push(c),
        }
    }
    let r = cur.join("/");
    Ok((
        if r.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&r)
        },
        r,
    ))
}

/// What a COPY writes, for the cache key: for each source its path, then per entry the path, type,
/// mode (after `--chmod`), owner as written (`0:0` unless `--chown`), symlink target and bytes.
/// Not mtimes: touching a file does not invalidate the cache.
pub fn content_hash(
    sources: &[Source],
    owner: Option<(u32, u32)>,
    chmod: Option<u32>,
) -> Result<[u8; 32]> {
    let mut h = Sha256::new();
    let (uid, gid) = owner.unwrap_or((0, 0));
    let mut buf = vec![0u8; 1 << 20];
    let field = |h: &mut Sha256, b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    for s in sources {
        field(&mut h, b"source");
        field(&mut h, s.rel.as_bytes());
        for e in &s.entries {
            field(&mut h, e.rel.as_bytes());
            let mode = match (&e.kind, chmod) {
                (EntryKind::Symlink { .. }, _) => 0o777,
                (_, Some(m)) => m,
                (_, None) => e.mode,
            };
            h.update(mode.to_le_bytes());
            h.update(uid.to_le_bytes());
            h.update(gid.to_le_bytes());
            match &e.kind {
                EntryKind::Dir => field(&mut h, b"d"),
                EntryKind::Symlink { target } => {
                    field(&mut h, b"l");
                    field(&mut h, target.as_bytes());
                }
                EntryKind::File { .. } => {
                    field(&mut h, b"f");
                    let mut f = fs::OpenOptions::new()
                        .read(true)
                        .custom_flags(libc::O_NOFOLLOW)
                        .open(&e.path)
                        .with_context(|| format!("reading {}", e.path.display()))?;
                    let mut total = 0u64;
                    loop {
                        let n = f.read(&mut buf)?;
                        if n == 0 {
                            break;
                        }
                        total += n as u64;
                        h.update(&buf[..n]);
                    }
                    h.update(total.to_le_bytes());
                }
            }
        }
    }
    Ok(h.finalize().into())
}

/// Extracts an untrusted tar (plain, or gzip, zstd, xz or bzip2 compressed, as docker reads a context) into
/// `dest`.
fn extract(reader: impl Read + Send, dest: &Path) -> Result<()> {
    let input = archive::decompressed(
        reader,
        crate::image::UnpackLimits::default().zstd_window_log_max,
    )?;
    let mut archive = tar::Archive::new(input);
    let mut total: u64 = 0;
    let mut count: u64 = 0;
    let mut dirs: Vec<(PathBuf, u32)> = Vec::new();
    // Raw entries: the extension headers (GNU long names, PAX) are read here with a size limit, as
    // the tar crate would read them whole into memory.
    let mut ext = Extensions::default();
    for e in archive.entries()?.raw(true) {
        let mut e = e?;
        count += 1;
        if count > MAX_TAR_CONTEXT_ENTRIES {
            bail!("the context archive has more than {MAX_TAR_CONTEXT_ENTRIES} entries");
        }
        if ext.take(&mut e)? {
            continue;
        }
        let (name, link) = ext.names(&e)?;
        let name = PathBuf::from(std::ffi::OsString::from_vec(name));
        let Some(rel) = safe_rel(&name)? else {
            continue;
        };
        let target = dest.join(&rel);
        let mode = e.header().mode().unwrap_or(0o644) & 0o7777;
        ensure_parents(dest, &rel)?;
        let kind = e.header().entry_type();
        match kind {
            tar::EntryType::Directory => {
                match fs::symlink_metadata(&target) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        remove_existing(&target)?;
                        fs::DirBuilder::new().mode(0o700).create(&target)?;
                    }
                    Err(_) => fs::DirBuilder::new().mode(0o700).create(&target)?,
                }
                dirs.push((target, mode));
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let size = e.header().size()?;
                total = total.saturating_add(size);
                if total > MAX_TAR_CONTEXT_BYTES {
                    bail!("the context archive is larger than {MAX_TAR_CONTEXT_BYTES} bytes");
                }
                remove_existing(&target)?;
                let mut f = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .custom_flags(libc::O_NOFOLLOW)
                    .open(&target)
                    .with_context(|| format!("creating {}", rel.display()))?;
                let copied = io::copy(&mut (&mut e).take(size), &mut f)?;
                if copied != size {
                    bail!("{}: truncated entry", rel.display());
                }
                f.set_permissions(fs::Permissions::from_mode(mode))?;
            }
            tar::EntryType::Symlink => {
                let Some(link) = &link else {
                    bail!("{}: symlink without a target", rel.display())
                };
                remove_existing(&target)?;
                std::os::unix::fs::symlink(link, &target)?;
            }
            tar::EntryType::Link => {
                let Some(link) = &link else {
                    bail!("{}: hard link without a target", rel.display())
                };
                let Some(src_rel) = safe_rel(link)? else {
                    bail!("{}: hard link to the root", rel.display())
                };
                let src = dest.join(&src_rel);
                // The target must be a regular file already extracted, reached through no symlink.
                ensure_parents(dest, &src_rel)?;
                match fs::symlink_metadata(&src) {
                    Ok(m) if m.is_file() => {}
                    _ => bail!(
                        "{}: hard link to a missing or non-regular file {}",
                        rel.display(),
                        src_rel.display()
                    ),
                }
                remove_existing(&target)?;
                fs::hard_link(&src, &target)?;
            }
            // Devices, FIFOs and the rest have no place in a build context.
            _ => {}
        }
    }
    // Directory modes last, deepest first, so a read-only directory did not block its children.
    for (d, mode) in dirs.iter().rev() {
        fs::set_permissions(d, fs::Permissions::from_mode(*mode))?;
    }
    Ok(())
}

/// Most bytes of one extension header (GNU long name or link, PAX records), as Go's archive/tar.
const MAX_EXTENSION_BYTES: u64 = 1 << 20;

/// What the extension headers before an entry say about it.
#[derive(Default)]
struct Extensions {
    name: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    size: Option<u64>,
}

impl Extensions {
    /// Reads `e` when it is an extension header (and says so), keeping what it says for the next
    /// entry; a header larger than [`MAX_EXTENSION_BYTES`] is refused before it is read.
    fn take<R: Read>(&mut self, e: &mut tar::Entry<'_, R>) -> Result<bool> {
        let ty = e.header().entry_type();
        let (long_name, long_link, pax) = (
            ty.is_gnu_longname(),
            ty.is_gnu_longlink(),
            ty.is_pax_local_extensions(),
        );
        if !(long_name || long_link || pax || ty.is_pax_global_extensions()) {
            return Ok(false);
        }
        let size = e.header().size()?;
        if size > MAX_EXTENSION_BYTES {
            bail!("the context archive has an extension header of {size} bytes");
        }
        let mut buf = Vec::with_capacity(size as usize);
        e.read_to_end(&mut buf)?;
        let trim = |mut b: Vec<u8>| {
            while b.last() == Some(&0) {
                b.pop();
            }
            b
        };
        if long_name {
            self.name = Some(trim(buf));
        } else if long_link {
            self.link = Some(trim(buf));
        } else if pax {
            for ext in tar::PaxExtensions::new(&buf) {
                let ext = ext?;
                match ext.key_bytes() {
                    b"path" => self.name = Some(ext.value_bytes().to_vec()),
                    b"linkpath" => self.link = Some(ext.value_bytes().to_vec()),
                    b"size" => self.size = ext.value().ok().and_then(|v| v.parse().ok()),
                    _ => {}
                }
            }
        }
        Ok(true)
    }

    /// The entry's name and link target, extensions first; a PAX size that disagrees with the header
    /// is refused (the stream would be read out of step).
    fn names<R: Read>(&mut self, e: &tar::Entry<'_, R>) -> Result<(Vec<u8>, Option<PathBuf>)> {
        let header_size = e.header().size()?;
        if let Some(size) = self.size.take()
            && size != header_size
        {
            bail!(
                "the context archive has a PAX size ({size}) that disagrees with its header ({header_size})"
            );
        }
        let name = self
            .name
            .take()
            .unwrap_or_else(|| e.header().path_bytes().into_owned());
        let link = self
            .link
            .take()
            .or_else(|| e.header().link_name_bytes().map(|c| c.into_owned()));
        Ok((
            name,
            link.map(|l| PathBuf::from(std::ffi::OsString::from_vec(l))),
        ))
    }
}

/// A tar entry's name as a relative path of normal components; an error for absolute names and
/// `..`; None for the root itself (`./`).
fn safe_rel(name: &Path) -> Result<Option<PathBuf>> {
    let mut out = PathBuf::new();
    for c in name.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => bail!("invalid path in the context archive: {:?}", name),
        }
    }
    Ok(if out.as_os_str().is_empty() {
        None
    } else {
        Some(out)
    })
}

/// Creates the directories above `rel` inside `dest`, refusing to go through anything that is not a
/// real directory (a symlink planted by an earlier entry).
fn ensure_parents(dest: &Path, rel: &Path) -> Result<()> {
    let mut cur = dest.to_path_buf();
    let parent = rel.parent().unwrap_or(Path::new(""));
    for c in parent.components() {
        cur.push(c);
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => bail!(
                "invalid path in the context archive: {:?} goes through a non-directory",
                rel
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::DirBuilder::new().mode(0o755).create(&cur)?
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn remove_existing(p: &Path) -> Result<()> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(p)?,
        Ok(_) => fs::remove_file(p)?,
        Err(_) => {}
    }
    Ok(())
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;

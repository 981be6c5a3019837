//! Filesystem steps without a process: `COPY`, `ADD` and `WORKDIR`'s mkdir. The stage's layers are
//! mounted as an overlay in a forked child's private mount namespace (`runtime::with_rootfs`; rootless,
//! inside a user namespace with a container's maps, so `--chown` ids land as the container sees them),
//! the change is made through it, and the overlay's upper dir becomes the step's layer. Parent dirs that
//! exist below are copied up with their own owner and mode, as docker keeps them.
//!
//! docker's rules (Dockerfile reference, COPY): a source directory's contents are copied, not the dir;
//! the destination is a directory when it ends with `/`, when there are several sources or a wildcard,
//! or when it already is one; files from the context are owned 0:0 unless `--chown`; `--from` keeps the
//! owners of the source (moby PR 38599); relative destinations are relative to WORKDIR.

use super::cache;
use super::image_config::{BuiltLayer, State};
use crate::engine::Context;
use crate::runtime::Rootfs;
use anyhow::{Context as _, Result, bail};
use sha2::{Digest as _, Sha256};
use std::fs;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// One source to copy: where it is on the host (or in a staged tree) and how its name joins the dest.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// Whether its owners are kept (`--from`) instead of 0:0.
    pub keep_owner: bool,
    /// `ADD` of a local tar archive: unpacked into the destination.
    pub extract: bool,
    /// The name the source takes below a directory destination when `path` is not it: a context
    /// symlink named as a source is followed (its target's content under the link's name), as docker does.
    pub name: Option<std::ffi::OsString>,
    /// `COPY --parents`: the dir below the destination the source goes to (its parents in the
    /// context, from the root or from a `/./` pivot); the destination is then a directory.
    pub under: Option<PathBuf>,
}

/// `.dockerignore` applied to paths below the context root.
#[derive(Debug, Clone)]
pub struct Filter {
    pub root: PathBuf,
    pub ignore: super::ignore::Ignore,
}

impl Filter {
    fn rel(&self, p: &Path) -> Option<String> {
        let rel = p
            .strip_prefix(&self.root)
            .ok()?
            .to_string_lossy()
            .into_owned();
        (!rel.is_empty()).then_some(rel)
    }

    /// Whether `p` is left out; for a dir, whether nothing below it can be re-included either.
    pub fn skip(&self, p: &Path, is_dir: bool) -> bool {
        match self.rel(p) {
            None => false,
            Some(rel) => {
                self.ignore.excluded(&rel, is_dir)
                    && !(is_dir && self.ignore.may_include_below(&rel))
            }
        }
    }

    /// Whether `p` itself is excluded (a dir may still be walked for re-included children).
    pub fn excluded(&self, p: &Path, is_dir: bool) -> bool {
        self.rel(p)
            .is_some_and(|rel| self.ignore.excluded(&rel, is_dir))
    }
}

/// A resolved COPY/ADD.
#[derive(Debug, Clone)]
pub struct CopyPlan {
    pub sources: Vec<Source>,
    /// Absolute destination inside the image.
    pub dest: String,
    /// The destination is a directory (ends with `/`, several sources, a wildcard).
    pub dest_is_dir: bool,
    pub chown: Option<(u32, u32)>,
    pub chmod: Option<u32>,
    /// The context's `.dockerignore`.
    pub filter: Option<Filter>,
    /// `COPY --exclude=`: patterns relative to each source (a file source is matched by its name).
    pub exclude: Option<super::ignore::Ignore>,
}

/// Run `change` on the stage's filesystem mounted at the path it is given; returns the layer of what
/// changed (None when nothing did).
fn change_fs(
    ctx: &Context,
    state: &State,
    epoch: Option<i64>,
    what: &str,
    change: impl FnOnce(&Path) -> Result<()>,
) -> Result<Option<BuiltLayer>> {
    let work = cache::work_dir(&ctx.paths)?;
    let upper = work.path().join("diff");
    let (wk, merged) = (work.path().join("work"), work.path().join("merged"));
    for d in [&upper, &wk, &merged] {
        fs::create_dir(d).with_context(|| format!("creating {}", d.display()))?;
    }
    fs::set_permissions(&upper, fs::Permissions::from_mode(0o755))?;
    let rootfs = if state.lowers.is_empty() {
        Rootfs::Dir(upper.clone())
    } else {
        Rootfs::Overlay {
            lower: state.lowers.clone(),
            upper: upper.clone(),
            work: wk,
            merged,
            volatile: false,
        }
    };
    crate::runtime::with_rootfs(&rootfs, ctx.paths.rootless, change)
        .with_context(|| what.to_string())?;
    cache::commit_layer(&ctx.paths, work, &upper, &[], epoch)
}

/// `rel` inside `root` with every symlink on the way resolved as the container would see it: an
/// absolute target restarts at `root`, `..` never climbs above it (docs/security.md J-cases: an image's
/// `/app -> /etc` must not send a COPY to the host's /etc, since the copy runs before any chroot).
pub fn resolve_in(root: &Path, rel: &Path) -> Result<PathBuf> {
    use std::path::Component;
    let mut todo: std::collections::VecDeque<PathBuf> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(PathBuf::from(n)),
            Component::ParentDir => Some(PathBuf::from("..")),
            _ => None,
        })
        .collect();
    let mut cur = PathBuf::new();
    let mut links = 0;
    while let Some(c) = todo.pop_front() {
        if c.as_os_str() == ".." {
            cur.pop();
            continue;
        }
        let cand = cur.join(&c);
        match fs::symlink_metadata(root.join(&cand)) {
            Ok(md) if md.file_type().is_symlink() => {
                links += 1;
                if links > 40 {
                    bail!("{}: too many levels of symbolic links", rel.display());
                }
                let target = fs::read_link(root.join(&cand))?;
                if target.is_absolute() {
                    cur = PathBuf::new();
                }
                let mut parts: Vec<PathBuf> = target
                    .components()
                    .filter_map(|c| match c {
                        Component::Normal(n) => Some(PathBuf::from(n)),
                        Component::ParentDir => Some(PathBuf::from("..")),
                        _ => None,
                    })
                    .collect();
                while let Some(p) = parts.pop() {
                    todo.push_front(p);
                }
            }
            _ => cur = cand,
        }
    }
    Ok(root.join(cur))
}

/// `WORKDIR`: create the directory and missing parents (0755, owned by `owner`: the stage's USER, as
/// BuildKit does) when it is missing.
pub fn mkdir(
    ctx: &Context,
    state: &State,
    dir: &str,
    owner: (u32, u32),
    epoch: Option<i64>,
) -> Result<Option<BuiltLayer>> {
    let rel = dir.trim_start_matches('/').to_string();
    if rel.is_empty() {
        return Ok(None);
    }
    change_fs(ctx, state, epoch, &format!("creating {dir}"), move |root| {
        let p = resolve_in(root, Path::new(&rel))?;
        if !p.is_dir() {
            create_parents(root, &p, owner)?;
        }
        Ok(())
    })
}

/// `COPY`/`ADD`.
pub fn copy(
    ctx: &Context,
    state: &State,
    plan: &CopyPlan,
    epoch: Option<i64>,
) -> Result<Option<BuiltLayer>> {
    let plan = plan.clone();
    change_fs(ctx, state, epoch, "copying files", move |root| {
        apply(root, &plan)
    })
}

/// Copy `paths` (absolute in the image of `state`; wildcards match per component, and may match
/// nothing, as BuildKit allows) below `scratch` (a dir the caller owns and removes) with their owners
/// and modes: the sources of `COPY --from`. Returns the staged paths, in order.
pub fn stage_from(
    ctx: &Context,
    state: &State,
    paths: &[String],
    scratch: &Path,
) -> Result<Vec<PathBuf>> {
    if state.lowers.is_empty() {
        bail!("{:?}: not found", paths.join(", "));
    }
    let staged = scratch.join("staged");
    let (upper, wk, merged) = (
        scratch.join("from-upper"),
        scratch.join("from-work"),
        scratch.join("from-merged"),
    );
    for d in [&upper, &wk, &merged, &staged] {
        fs::create_dir(d).with_context(|| format!("creating {}", d.display()))?;
    }
    let rootfs = Rootfs::Overlay {
        lower: state.lowers.clone(),
        upper,
        work: wk,
        merged,
        volatile: false,
    };
    let wanted = paths.to_vec();
    let out = staged.clone();
    // Match i's j-th path is staged as staged/i/j/<its name> (the copy runs in a child process).
    crate::runtime::with_rootfs(&rootfs, ctx.paths.rootless, move |root| {
        for (i, p) in wanted.iter().enumerate() {
            let rel = p.trim_start_matches('/');
            let matches = if rel.contains(['*', '?', '[']) {
                glob_in(root, rel)?
            } else {
                vec![PathBuf::from(rel)]
            };
            for (j, m) in matches.iter().enumerate() {
                let src = resolve_in(root, m)?;
                if fs::symlink_metadata(&src).is_err() {
                    bail!("{p:?}: not found");
                }
                let name = m
                    .file_name()
                    .map_or_else(|| "root".into(), |n| n.to_os_string());
                let dir = out.join(i.to_string()).join(j.to_string());
                fs::create_dir_all(&dir)?;
                copy_tree(
                    &src,
                    &dir.join(name),
                    None,
                    None,
                    &[],
                    None,
                    &mut Links::new(),
                )?;
            }
        }
        Ok(())
    })?;
    let mut targets = Vec::new();
    for i in 0..paths.len() {
        let Ok(rd) = fs::read_dir(staged.join(i.to_string())) else {
            continue;
        };
        let mut js: Vec<(usize, PathBuf)> = rd
            .flatten()
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path())))
            .collect();
        js.sort();
        for (_, dir) in js {
            let entry = fs::read_dir(&dir)?.next().context("a staged source")??;
            targets.push(entry.path());
        }
    }
    Ok(targets)
}

/// `pattern` (relative, wildcards per component) matched in the image mounted at `root`; each
/// directory listed is resolved with [`resolve_in`], so an image's symlink never lists the host.
/// Returns the matches as image paths relative to `root`, sorted per component.
fn glob_in(root: &Path, pattern: &str) -> Result<Vec<PathBuf>> {
    let mut cur = vec![PathBuf::new()];
    for c in pattern.split('/').filter(|c| !c.is_empty() && *c != ".") {
        let mut next = Vec::new();
        for d in &cur {
            if !c.contains(['*', '?', '[']) {
                let p = d.join(c);
                if fs::symlink_metadata(resolve_in(root, &p)?).is_ok() {
                    next.push(p);
                }
                continue;
            }
            let Ok(rd) = fs::read_dir(resolve_in(root, d)?) else {
                continue;
            };
            for e in rd.flatten() {
                if wildcard(c, &e.file_name().to_string_lossy()) {
                    next.push(d.join(e.file_name()));
                }
            }
        }
        next.sort();
        cur = next;
    }
    Ok(cur)
}

/// Inside the mounted root: place every source.
fn apply(root: &Path, plan: &CopyPlan) -> Result<()> {
    let base_rel = plan.dest.trim_start_matches('/');
    let mut links = Links::new();
    for s in &plan.sources {
        let dest_rel = match &s.under {
            Some(u) => Path::new(base_rel).join(u),
            None => PathBuf::from(base_rel),
        };
        let dest = resolve_in(root, &dest_rel)?;
        let dest_is_dir = plan.dest_is_dir
            || s.under.is_some()
            || dest.is_dir()
            || dest_rel.as_os_str().is_empty();
        let md = fs::symlink_metadata(&s.path)
            .with_context(|| format!("reading {}", s.path.display()))?;
        let owner = if s.keep_owner && plan.chown.is_none() {
            None
        } else {
            Some(plan.chown.unwrap_or((0, 0)))
        };
        // Directories the copy creates (the destination and its missing parents) get `--chown`'s
        // owner, as BuildKit gives them; existing ones keep theirs.
        let made = plan.chown.unwrap_or((0, 0));
        let exclude = plan.exclude.as_ref().map(|ignore| Filter {
            root: if md.is_dir() {
                s.path.clone()
            } else {
                s.path.parent().unwrap_or(Path::new("/")).to_path_buf()
            },
            ignore: ignore.clone(),
        });
        if exclude
            .as_ref()
            .is_some_and(|f| !md.is_dir() && f.skip(&s.path, false))
        {
            continue;
        }
        if s.extract {
            ensure_dir(root, &dest, made)?;
            extract(&s.path, &dest)?;
        } else if md.is_dir() {
            ensure_dir(root, &dest, made)?;
            let mut filters: Vec<&Filter> = Vec::new();
            filters.extend(plan.filter.as_ref().filter(|_| !s.keep_owner));
            filters.extend(exclude.as_ref());
            for e in sorted_entries(&s.path)? {
                copy_tree(
                    &s.path.join(&e),
                    &dest.join(&e),
                    owner,
                    plan.chmod,
                    &filters,
                    Some(root),
                    &mut links,
                )?;
            }
        } else {
            let target = if dest_is_dir {
                ensure_dir(root, &dest, made)?;
                let name = s.name.as_deref().or(s.path.file_name());
                dest.join(name.context("source has no name")?)
            } else {
                create_parents(root, dest.parent().unwrap_or(root), made)?;
                dest.clone()
            };
            copy_tree(
                &s.path,
                &target,
                owner,
                plan.chmod,
                &[],
                Some(root),
                &mut links,
            )?;
        }
    }
    Ok(())
}

fn ensure_dir(root: &Path, dir: &Path, owner: (u32, u32)) -> Result<()> {
    if !dir.is_dir() {
        create_parents(root, dir, owner)?;
    }
    Ok(())
}

/// `mkdir -p` with 0755 dirs owned by `owner` (docker creates missing parents so: root's, or
/// `--chown`'s).
fn create_parents(root: &Path, dir: &Path, (uid, gid): (u32, u32)) -> Result<()> {
    let mut missing = Vec::new();
    let mut p = dir.to_path_buf();
    while !p.exists() && p.starts_with(root) && p != root {
        missing.push(p.clone());
        if !p.pop() {
            break;
        }
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d).with_context(|| format!("creating {}", d.display()))?;
        fs::set_permissions(&d, fs::Permissions::from_mode(0o755))?;
        std::os::unix::fs::lchown(&d, Some(uid), Some(gid))?;
    }
    Ok(())
}

fn sorted_entries(dir: &Path) -> Result<Vec<std::ffi::OsString>> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<std::io::Result<_>>()?;
    v.sort();
    Ok(v)
}

/// Files with several names met by one copy: (dev, ino) -> where the first name was copied.
type Links = std::collections::HashMap<(u64, u64), PathBuf>;

/// Copy `src` to `dst` recursively: content, mode (or `chmod`), mtime, owner (`owner` or the source's).
/// Names of one file within a copy stay hard links of one another, as BuildKit keeps them.
fn copy_tree(
    src: &Path,
    dst: &Path,
    owner: Option<(u32, u32)>,
    chmod: Option<u32>,
    filters: &[&Filter],
    root: Option<&Path>,
    links: &mut Links,
) -> Result<()> {
    let md = fs::symlink_metadata(src).with_context(|| format!("reading {}", src.display()))?;
    if filters.iter().any(|f| f.skip(src, md.is_dir())) {
        return Ok(());
    }
    // A directory copied onto an image's symlink goes where the link points, inside the root.
    let resolved;
    let dst = match root {
        Some(r)
            if md.is_dir()
                && fs::symlink_metadata(dst).is_ok_and(|m| m.file_type().is_symlink()) =>
        {
            resolved = resolve_in(r, dst.strip_prefix(r).unwrap_or(dst))?;
            resolved.as_path()
        }
        _ => dst,
    };
    let (uid, gid) = owner.unwrap_or((md.uid(), md.gid()));
    let mode = chmod.unwrap_or(md.mode() & 0o7777);
    let ft = md.file_type();
    if ft.is_dir() {
        let created = !dst.is_dir();
        if created {
            if fs::symlink_metadata(dst).is_ok() {
                fs::remove_file(dst)?;
            }
            fs::create_dir(dst).with_context(|| format!("creating {}", dst.display()))?;
        }
        for e in sorted_entries(src)? {
            copy_tree(
                &src.join(&e),
                &dst.join(&e),
                owner,
                chmod,
                filters,
                root,
                links,
            )?;
        }
        // An excluded dir walked only for `!` exceptions exists in the copy only when one of them
        // matched something below it (BuildKit's walker emits it lazily).
        if created
            && filters.iter().any(|f| f.excluded(src, true))
            && fs::read_dir(dst)?.next().is_none()
        {
            fs::remove_dir(dst)?;
            return Ok(());
        }
    } else if ft.is_symlink() {
        let target = fs::read_link(src)?;
        if fs::symlink_metadata(dst).is_ok() {
            remove_any(dst)?;
        }
        std::os::unix::fs::symlink(&target, dst)
            .with_context(|| format!("creating {}", dst.display()))?;
        std::os::unix::fs::lchown(dst, Some(uid), Some(gid))?;
        return Ok(());
    } else if ft.is_file() {
        if fs::symlink_metadata(dst).is_ok() {
            remove_any(dst)?;
        }
        if md.nlink() > 1 {
            if let Some(first) = links.get(&(md.dev(), md.ino()))
                && fs::hard_link(first, dst).is_ok()
            {
                return Ok(());
            }
            links.insert((md.dev(), md.ino()), dst.to_path_buf());
        }
        fs::copy(src, dst).with_context(|| format!("copying to {}", dst.display()))?;
    } else {
        bail!("{}: unsupported file type", src.display());
    }
    std::os::unix::fs::lchown(dst, Some(uid), Some(gid))
        .with_context(|| format!("setting the owner of {}", dst.display()))?;
    fs::set_permissions(dst, fs::Permissions::from_mode(mode))?;
    let mtime = nix::sys::time::TimeSpec::new(md.mtime(), md.mtime_nsec());
    nix::sys::stat::utimensat(
        nix::fcntl::AT_FDCWD,
        dst,
        &mtime,
        &mtime,
        nix::sys::stat::UtimensatFlags::NoFollowSymlink,
    )?;
    Ok(())
}

fn remove_any(p: &Path) -> Result<()> {
    if fs::symlink_metadata(p)?.is_dir() {
        fs::remove_dir_all(p)?;
    } else {
        fs::remove_file(p)?;
    }
    Ok(())
}

/// `ADD archive.tar[.gz|.xz|.zst] /dir/`: unpack with the archive's owners and modes. docker keeps
/// the entries' owners and applies no `--chown` to them; only dirs the copy creates get its owner.
fn extract(archive: &Path, dest: &Path) -> Result<()> {
    let mut ar = tar::Archive::new(decompressed(archive)?);
    ar.set_preserve_permissions(true);
    ar.set_preserve_mtime(true);
    ar.set_overwrite(true);
    for e in ar.entries().context("reading the archive")? {
        let mut e = e?;
        let path = e.path()?.into_owned();
        if path
            .components()
            .any(|c| c == std::path::Component::ParentDir)
        {
            bail!("archive entry {} leaves the destination", path.display());
        }
        // The archive's root (`./`) is the destination itself, which keeps its owner and mode.
        if path.components().all(|c| c == std::path::Component::CurDir) {
            continue;
        }
        let target = dest.join(&path);
        let (u, g) = (e.header().uid()?, e.header().gid()?);
        let (kind, mode) = (e.header().entry_type(), e.header().mode()?);
        // unpack_in refuses entries whose resolved parent leaves `dest` (through `..` or a symlink).
        if !e
            .unpack_in(dest)
            .with_context(|| format!("unpacking {}", path.display()))?
        {
            bail!("archive entry {} leaves the destination", path.display());
        }
        // A hard link is its target's inode, which has its owner and mode already.
        if kind.is_hard_link() {
            continue;
        }
        let id = |v: u64| u32::try_from(v).context("archive entry owner out of range");
        std::os::unix::fs::lchown(&target, Some(id(u)?), Some(id(g)?))
            .with_context(|| format!("setting the owner of {}", path.display()))?;
        // chown clears setuid/setgid: the entry's mode goes back on after it.
        if !kind.is_symlink() {
            fs::set_permissions(&target, fs::Permissions::from_mode(mode & 0o7777))?;
        }
    }
    Ok(())
}

/// `path`'s content, decompressed when it starts with a gzip, bzip2, xz or zstd magic number (load's
/// detection, with its bound on a zstd frame's window).
fn decompressed(path: &Path) -> Result<Box<dyn Read + Send>> {
    crate::image::archive::decompressed(
        fs::File::open(path)?,
        crate::image::UnpackLimits::default().zstd_window_log_max,
    )
}

/// Whether `path` is a tar archive ADD unpacks: after decompression (gzip, bzip2, xz, zstd) it starts
/// with a valid tar header, as docker checks. A compressed file that is not a tar (`ADD x.gz`) is
/// copied as it is.
pub fn is_archive(path: &Path) -> bool {
    let Ok(mut r) = decompressed(path) else {
        return false;
    };
    let mut buf = [0u8; 512];
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return false,
        }
    }
    n == buf.len() && tar_header_valid(&buf)
}

/// A tar header block: a name, and a checksum (field at 148, 8 octal bytes) equal to the sum of the
/// block's bytes with that field taken as spaces.
fn tar_header_valid(b: &[u8; 512]) -> bool {
    if b[0] == 0 {
        return false;
    }
    let field = String::from_utf8_lossy(&b[148..156]);
    let Ok(want) = u32::from_str_radix(field.trim_matches(|c: char| c == '\0' || c == ' '), 8)
    else {
        return false;
    };
    let sum: u32 = b
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(*v)
            }
        })
        .sum();
    sum == want
}

/// The content hash of sources for the cache key: relative names, types, modes, sizes, bytes and link
/// targets, in sorted order (not mtimes or owners, which the copy resets).
pub fn content_hash(paths: &[PathBuf], filter: Option<&Filter>) -> Result<String> {
    let mut h = Sha256::new();
    for p in paths {
        hash_tree(&mut h, p, Path::new(""), filter)?;
        h.update(b"\0next\0");
    }
    Ok(hex::encode(h.finalize()))
}

fn hash_tree(h: &mut Sha256, p: &Path, rel: &Path, filter: Option<&Filter>) -> Result<()> {
    let md = fs::symlink_metadata(p).with_context(|| format!("reading {}", p.display()))?;
    if !rel.as_os_str().is_empty() && filter.is_some_and(|f| f.skip(p, md.is_dir())) {
        return Ok(());
    }
    h.update(rel.as_os_str().as_encoded_bytes());
    h.update(format!("\0{:o}\0", md.mode()).as_bytes());
    if md.is_dir() {
        for e in sorted_entries(p)? {
            hash_tree(h, &p.join(&e), &rel.join(&e), filter)?;
        }
    } else if md.file_type().is_symlink() {
        h.update(fs::read_link(p)?.as_os_str().as_encoded_bytes());
    } else {
        let mut f = fs::File::open(p).with_context(|| format!("reading {}", p.display()))?;
        hash_reader(h, &mut f)?;
    }
    Ok(())
}

/// Feed everything `r` gives to `h`; returns the byte count.
pub fn hash_reader(h: &mut Sha256, r: &mut dyn Read) -> Result<u64> {
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            return Ok(n);
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
}

/// Match `pattern` (`*`, `?` per path component, as docker's COPY wildcards) against paths below
/// `base`. Returns matches sorted.
pub fn glob(base: &Path, pattern: &str) -> Result<Vec<PathBuf>> {
    let comps: Vec<&str> = pattern
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let mut cur = vec![base.to_path_buf()];
    for c in comps {
        let mut next = Vec::new();
        for dir in &cur {
            if !c.contains(['*', '?', '[']) {
                let p = dir.join(c);
                if fs::symlink_metadata(&p).is_ok() {
                    next.push(p);
                }
                continue;
            }
            let Ok(rd) = fs::read_dir(dir) else { continue };
            for e in rd.flatten() {
                if wildcard(c, &e.file_name().to_string_lossy()) {
                    next.push(e.path());
                }
            }
        }
        next.sort();
        cur = next;
    }
    Ok(cur)
}

fn wildcard(p: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
    fn m(p: &[char], s: &[char]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some('*') => (0..=s.len()).any(|i| m(&p[1..], &s[i..])),
            Some('?') => !s.is_empty() && m(&p[1..], &s[1..]),
            Some(c) => s.first() == Some(c) && m(&p[1..], &s[1..]),
        }
    }
    m(&p, &s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_resolve_inside_the_root() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        fs::create_dir_all(root.join("etc")).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("app")).unwrap();
        std::os::unix::fs::symlink("../../../etc", root.join("etc/up")).unwrap();
        assert_eq!(
            resolve_in(root, Path::new("app/x")).unwrap(),
            root.join("etc/x")
        );
        assert_eq!(
            resolve_in(root, Path::new("etc/up/y")).unwrap(),
            root.join("etc/y")
        );
        assert_eq!(
            resolve_in(root, Path::new("../../z")).unwrap(),
            root.join("z")
        );
    }

    #[test]
    fn wildcards_match_per_component() {
        assert!(wildcard("*.txt", "a.txt"));
        assert!(!wildcard("*.txt", "a.txt.bak"));
        assert!(wildcard("f?o", "foo"));
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("src")).unwrap();
        fs::write(d.path().join("src/a.rs"), "a").unwrap();
        fs::write(d.path().join("src/b.txt"), "b").unwrap();
        assert_eq!(
            glob(d.path(), "src/*.rs").unwrap(),
            vec![d.path().join("src/a.rs")]
        );
        let h1 = content_hash(&[d.path().join("src")], None).unwrap();
        fs::write(d.path().join("src/b.txt"), "c").unwrap();
        assert_ne!(h1, content_hash(&[d.path().join("src")], None).unwrap());
        let f = Filter {
            root: d.path().to_path_buf(),
            ignore: crate::engine::build::ignore::Ignore::parse("src/*.txt\n").unwrap(),
        };
        let h2 = content_hash(&[d.path().join("src")], Some(&f)).unwrap();
        fs::write(d.path().join("src/b.txt"), "d").unwrap();
        assert_eq!(h2, content_hash(&[d.path().join("src")], Some(&f)).unwrap());
    }
}

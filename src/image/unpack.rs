//! The layer unpacker: a tar stream in, a directory tree (an overlay lowerdir) out.
//!
//! Layers are untrusted input (docs/security.md 1A, 1B). Invariants:
//! - every path is resolved from the layer root fd with `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)`;
//!   the final component is always handled with an `*at` call that does not follow it. The previous entry's
//!   parent fd is reused for the next entry in the same directory only while no entry has removed anything
//!   since it was resolved (CVE-2025-47290 swaps a parent for a symlink between entries, which takes a
//!   removal): this process only creates and removes names in the layer, and creating a name never changes
//!   what an existing path resolves to, so the reused fd is the one a fresh resolution would return;
//! - `..` components are refused, absolute names land inside the root (chroot semantics, as containerd);
//! - a new entry is created with `O_EXCL|O_NOFOLLOW` (or mkdir/symlink/mknod/link, which never follow the
//!   final name); only when that finds a name there is it removed (or kept, a directory for a directory) and
//!   the creation repeated (RUSTSEC-2018-0002); metadata is applied through the fd of the object created or with
//!   `AT_SYMLINK_NOFOLLOW` (CVE-2021-32760); directory modes and mtimes are applied after the last entry,
//!   re-resolved in the root and never through a symlink;
//! - OCI whiteouts become overlay whiteouts (char 0/0; `.wh..wh..opq` becomes the `overlay.opaque` xattr);
//!   overlay xattrs carried by the layer itself are dropped (docs/security.md A15);
//! - tar extension headers are parsed here with size limits (Go CVE-2022-2879), and a PAX `size` that
//!   disagrees with the header is refused (CVE-2026-33055 class parser differentials);
//! - `fchown`/`fchmod` that would change nothing on a just-created object are skipped (`unpack/create.rs`
//!   says when that is known exactly);
//! - with [`unpack_layer_threaded`], a small file (at most 16 KiB, no owner to set, no xattrs) created here
//!   is finished by a writer thread through its fd only (content, mode, times: `unpack/writer.rs`), which
//!   is joined before directory modes and times are applied and before the unpack returns;
//! - the caller drains the stream after `unpack_layer` returns, so trailing bytes are hashed (A17).
//!
//! The `tar` crate is used to read headers only, never its `unpack`; `unpack/entry.rs` folds a header and its
//! extension headers into an `Entry`, this file creates it. Uses store only for its safe tree removal;
//! must not depend on registry, engine or cli.

use anyhow::{Context, Result, anyhow, bail};
use nix::errno::Errno;
use nix::fcntl::{OFlag, OpenHow, ResolveFlag, openat, openat2};
use nix::sys::stat::{
    FchmodatFlags, Mode, SFlag, UtimensatFlags, fchmod, fchmodat, fstatat, futimens, mkdirat,
    mknodat, utimensat,
};
use nix::sys::time::TimeSpec;
use nix::unistd::{Gid, Uid, UnlinkatFlags, fchown, fchownat, linkat, symlinkat, unlinkat};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

mod create;
mod entry;
mod stream;
mod writer;
mod xattr;
use create::Defaults;
use entry::{Entry, Extensions, Kind, trim_nul};
use stream::{LimitedReader, copy_with};
#[cfg(test)]
use stream::{WRITEBACK_CHUNK, WRITEBACK_TAIL};
use writer::Writer;
use xattr::{get_xattr_is, overlay_xattr, set_xattr};

/// Bounds on what one layer may cost. Defaults follow containerd's threat model (STORE-002/003) and Go's
/// 1 MiB header cap; the config file's `limits` section overrides them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct UnpackLimits {
    /// Uncompressed bytes per layer (the whole tar stream, headers and padding included).
    pub max_layer_bytes: u64,
    /// Tar entries per layer (extension headers included).
    pub max_entries: u64,
    /// Size of one PAX/GNU extension header.
    pub max_header_bytes: u64,
    /// log2 of the largest zstd window a layer may ask for.
    pub zstd_window_log_max: u32,
}

impl Default for UnpackLimits {
    fn default() -> Self {
        UnpackLimits {
            max_layer_bytes: 32 << 30,
            max_entries: 500_000,
            max_header_bytes: 1 << 20,
            zstd_window_log_max: 27,
        }
    }
}

/// What unpacking did, for the caller to report (serialisable: a rootless unpack runs in a child in a user
/// namespace and sends it back).
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct UnpackReport {
    pub entries: u64,
    /// Bytes of regular file content written.
    pub file_bytes: u64,
    /// One line per kind of thing skipped (device nodes rootless, failed chown rootless, refused xattrs).
    pub warnings: Vec<String>,
}

/// The ids the unpacking process may give files, read from `/proc/self/uid_map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdMap {
    /// The initial user namespace: every id (root may chown, a user may not).
    Host,
    /// A user namespace mapping the user's own id only (no /etc/subuid range): nothing to chown to.
    OwnIdOnly,
    /// A user namespace with the user's subordinate ids (/etc/subuid, /etc/subgid), as a rootless
    /// container gets: files carry the image's owners inside it.
    Subordinate,
}

impl IdMap {
    /// The map of the calling process.
    pub fn of_self() -> IdMap {
        IdMap::from_uid_map(&std::fs::read_to_string("/proc/self/uid_map").unwrap_or_default())
    }

    /// The kind of map a `uid_map` file's text (`inside outside count` lines) describes.
    pub fn from_uid_map(text: &str) -> IdMap {
        let total: u64 = text
            .lines()
            .filter_map(|l| l.split_whitespace().nth(2)?.parse::<u64>().ok())
            .sum();
        match total {
            0 | 4_294_967_295.. => IdMap::Host,
            1 => IdMap::OwnIdOnly,
            _ => IdMap::Subordinate,
        }
    }
}

const WHITEOUT_PREFIX: &[u8] = b".wh.";
const OPAQUE_MARKER: &[u8] = b".wh..wh..opq";

/// Unpack the tar stream `input` into the existing, empty directory `dest`. `rootless` selects the
/// `user.overlay.*` xattrs and makes ownership and device nodes best-effort. The caller must read `input`
/// to EOF afterwards (trailing bytes after the end-of-archive blocks still count for the digest).
/// Everything happens on the calling thread: for a forked child, which must not start threads.
pub fn unpack_layer(
    input: &mut dyn Read,
    dest: &Path,
    limits: &UnpackLimits,
    rootless: bool,
) -> Result<UnpackReport> {
    unpack(input, dest, limits, rootless, false)
}

/// [`unpack_layer`] with a second thread that finishes small files (content, mode, times: see
/// `unpack/writer.rs`) while this one goes on with the next entries.
pub fn unpack_layer_threaded(
    input: &mut dyn Read,
    dest: &Path,
    limits: &UnpackLimits,
    rootless: bool,
) -> Result<UnpackReport> {
    unpack(input, dest, limits, rootless, true)
}

fn unpack(
    input: &mut dyn Read,
    dest: &Path,
    limits: &UnpackLimits,
    rootless: bool,
    threaded: bool,
) -> Result<UnpackReport> {
    let root = nix::fcntl::open(
        dest,
        OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .with_context(|| format!("opening layer directory {}", dest.display()))?;
    let mut u = Unpacker {
        defaults: Defaults::probe(root.as_fd()),
        parent: None,
        removed: false,
        root,
        rootless,
        ids: if rootless {
            IdMap::of_self()
        } else {
            IdMap::Host
        },
        report: UnpackReport::default(),
        chown_broken: false,
        dirs: Vec::new(),
        dir_index: HashMap::new(),
        warned: Vec::new(),
        copy_buf: vec![0; COPY_BUF],
        // A writer that cannot start (no thread to be had) leaves the unpack on this thread alone.
        writer: if threaded { Writer::start().ok() } else { None },
    };
    let mut limited = LimitedReader {
        inner: input,
        left: limits.max_layer_bytes,
        limit: limits.max_layer_bytes,
    };
    let mut archive = tar::Archive::new(&mut limited);
    let mut ext = Extensions::default();
    let entries = archive.entries().context("reading layer tar")?.raw(true);
    for entry in entries {
        // The writer's error (it names its entry) ends the unpack before the next entry.
        if let Some(w) = u.writer.take_if(|w| w.failed()) {
            w.finish()?;
        }
        let mut entry = entry.context("reading layer tar")?;
        u.report.entries += 1;
        if u.report.entries > limits.max_entries {
            bail!(
                "layer has more than {} tar entries (limit max_entries)",
                limits.max_entries
            );
        }
        let kind = entry.header().entry_type();
        let ext_size = entry
            .header()
            .entry_size()
            .context("reading tar header size")?;
        let read_ext = |entry: &mut tar::Entry<'_, _>| -> Result<Vec<u8>> {
            if ext_size > limits.max_header_bytes {
                bail!(
                    "tar extension header of {ext_size} bytes is over the {} byte limit",
                    limits.max_header_bytes
                );
            }
            let mut buf = Vec::with_capacity(ext_size as usize);
            entry
                .read_to_end(&mut buf)
                .context("reading tar extension header")?;
            Ok(buf)
        };
        if kind.is_gnu_longname() {
            if ext.long_name.is_some() {
                bail!("two GNU long name headers for one tar entry");
            }
            ext.long_name = Some(trim_nul(read_ext(&mut entry)?));
            continue;
        }
        if kind.is_gnu_longlink() {
            if ext.long_link.is_some() {
                bail!("two GNU long link headers for one tar entry");
            }
            ext.long_link = Some(trim_nul(read_ext(&mut entry)?));
            continue;
        }
        if kind.is_pax_local_extensions() {
            if ext.pax.is_some() {
                bail!("two PAX headers for one tar entry");
            }
            ext.pax = Some(read_ext(&mut entry)?);
            continue;
        }
        if kind.is_pax_global_extensions() {
            // Global headers carry nothing berth applies (containerd ignores them as well).
            read_ext(&mut entry)?;
            continue;
        }
        if kind.is_gnu_sparse() {
            bail!("GNU sparse tar entries are not supported in layers");
        }
        let e = Entry::from_tar(&entry, std::mem::take(&mut ext), ext_size)?;
        u.apply(&e, &mut entry).with_context(|| {
            format!(
                "unpacking layer entry {:?}",
                String::from_utf8_lossy(&e.name)
            )
        })?;
    }
    if ext.long_name.is_some() || ext.long_link.is_some() || ext.pax.is_some() {
        bail!("layer tar ends with an extension header that describes no entry");
    }
    if let Some(w) = u.writer.take() {
        w.finish()?;
    }
    u.finish_dirs()?;
    Ok(u.report)
}

/// Split a tar name into components inside the root: leading `/` and `.` components dropped, `..` refused.
fn components(raw: &[u8]) -> Result<Vec<OsString>> {
    let mut out = Vec::new();
    for c in raw.split(|b| *b == b'/') {
        match c {
            b"" | b"." => continue,
            b".." => bail!("path {:?} contains \"..\"", String::from_utf8_lossy(raw)),
            c if c.contains(&0) => bail!("path contains a NUL byte"),
            c => out.push(OsString::from_vec(c.to_vec())),
        }
    }
    Ok(out)
}

fn join(comps: &[OsString]) -> PathBuf {
    if comps.is_empty() {
        return PathBuf::from(".");
    }
    comps.iter().collect()
}

fn in_root() -> ResolveFlag {
    ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS
}

struct Unpacker {
    root: OwnedFd,
    rootless: bool,
    /// Which ids this process can give files (decides what a refused chown means).
    ids: IdMap,
    report: UnpackReport,
    /// Set after the first refused chown rootless: later entries do not try again.
    chown_broken: bool,
    /// Directory metadata applied after the last entry: (components, mode, mtime), last writer wins.
    dirs: Vec<(Vec<OsString>, u32, TimeSpec)>,
    dir_index: HashMap<Vec<OsString>, usize>,
    warned: Vec<&'static str>,
    /// One buffer for all file content of the layer (see [`COPY_BUF`]).
    copy_buf: Vec<u8>,
    /// The owner and modes new objects get (which chown/chmod calls change nothing).
    defaults: Defaults,
    /// The last entry's parent directory (its components and fd), reused by the next entry in the same
    /// directory; dropped by any removal (module docs).
    parent: Option<(Vec<OsString>, OwnedFd)>,
    /// Set by every removal, so an entry's parent fd is not kept for the next one.
    removed: bool,
    /// Finishes small files on a thread of its own ([`unpack_layer_threaded`]).
    writer: Option<Writer>,
}

/// File content moves through a 256 KiB buffer: `io::copy` uses 8 KiB for a `dyn Read`, which cost one
/// decompressor call and one `write(2)` per 8 KiB (28k writes for a 200 MB image, issue 2's benchmark).
const COPY_BUF: usize = 256 << 10;

impl Unpacker {
    fn warn(&mut self, key: &'static str, msg: String) {
        if !self.warned.contains(&key) {
            self.warned.push(key);
            self.report.warnings.push(msg);
        }
    }

    /// Open `comps` (a directory) inside the root; `O_PATH` unless `readable`.
    fn open_dir(&self, comps: &[OsString], readable: bool) -> nix::Result<OwnedFd> {
        let base = if readable {
            OFlag::O_RDONLY
        } else {
            OFlag::O_PATH
        };
        let how = OpenHow::new()
            .flags(base | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC)
            .resolve(in_root());
        openat2(self.root.as_fd(), &join(comps), how)
    }

    /// Open the directory `comps`, creating missing components (0755, as docker creates implied parents).
    /// Each prefix is resolved from the root again; nothing is remembered between entries.
    fn ensure_dir(&self, comps: &[OsString]) -> Result<OwnedFd> {
        match self.open_dir(comps, false) {
            Ok(fd) => return Ok(fd),
            Err(Errno::ENOENT) => {}
            Err(e) => {
                return Err(anyhow!(e))
                    .with_context(|| format!("opening {}", join(comps).display()));
            }
        }
        let mut parent = self.open_dir(&[], false)?;
        for i in 0..comps.len() {
            match self.open_dir(&comps[..=i], false) {
                Ok(fd) => parent = fd,
                Err(Errno::ENOENT) => {
                    mkdirat(
                        parent.as_fd(),
                        comps[i].as_os_str(),
                        Mode::from_bits_truncate(0o755),
                    )
                    .with_context(|| {
                        format!(
                            "creating directory {} (is it a dangling symlink?)",
                            join(&comps[..=i]).display()
                        )
                    })?;
                    // Implied parents are 0755 whatever the umask (docker); we just created this
                    // directory, nobody else writes here, so following the name is safe.
                    fchmodat(
                        parent.as_fd(),
                        comps[i].as_os_str(),
                        Mode::from_bits_truncate(0o755),
                        FchmodatFlags::FollowSymlink,
                    )
                    .context("setting directory mode")?;
                    parent = self
                        .open_dir(&comps[..=i], false)
                        .with_context(|| format!("opening {}", join(&comps[..=i]).display()))?;
                }
                Err(e) => {
                    return Err(anyhow!(e))
                        .with_context(|| format!("opening {}", join(&comps[..=i]).display()));
                }
            }
        }
        Ok(parent)
    }

    /// One entry: a whiteout becomes an overlay whiteout; anything else is created in its parent (implied
    /// parents made first) by the step for its kind.
    fn apply(&mut self, e: &Entry, data: &mut dyn Read) -> Result<()> {
        let comps = components(&e.name)?;
        let Some((last, parent_comps)) = comps.split_last() else {
            // The root itself (`./`) or an empty name: the layer root is never replaced (containerd
            // SymlinkEmptyFilename, SymlinkParentDirectory); a directory entry for it only sets its
            // mode and mtime, in the deferred pass like every directory.
            if matches!(e.kind, Kind::Dir) {
                self.defer_dir(comps, e.mode, e.mtime);
            }
            return Ok(());
        };
        let last = last.as_os_str();
        if last.as_bytes().starts_with(WHITEOUT_PREFIX) {
            return self.whiteout(parent_comps, last);
        }
        let (parent_comps, parent_fd) = match self.parent.take() {
            Some((c, fd)) if c == parent_comps => (c, fd),
            _ => (parent_comps.to_vec(), self.ensure_dir(parent_comps)?),
        };
        self.removed = false;
        let parent = parent_fd.as_fd();
        let r = match e.kind {
            Kind::Dir => self.make_dir(parent, last, &comps, e),
            Kind::File => self.make_file(parent, last, e, data),
            Kind::Symlink => self.make_symlink(parent, last, e),
            Kind::Hardlink => self.make_hardlink(parent, last, &comps, e),
            Kind::Char | Kind::Block | Kind::Fifo => self.make_node(parent, last, e),
        };
        if !self.removed {
            self.parent = Some((parent_comps, parent_fd));
        }
        r
    }

    /// A directory: one already there stays, with its contents; owner and xattrs are set now, mode and
    /// mtime in the pass after the last entry ([`Self::finish_dirs`]).
    fn make_dir(
        &mut self,
        parent: BorrowedFd<'_>,
        last: &OsStr,
        comps: &[OsString],
        e: &Entry,
    ) -> Result<()> {
        let private = Mode::from_bits_truncate(0o700);
        let fresh = match mkdirat(parent, last, private) {
            Ok(()) => true,
            Err(Errno::EEXIST) => {
                let kept = self.clear_target(parent, last, true)?;
                if !kept {
                    mkdirat(parent, last, private).context("creating directory")?;
                }
                !kept
            }
            Err(e) => return Err(anyhow!(e)).context("creating directory"),
        };
        // A directory made just now already has this process's ids; one kept from an earlier entry may not.
        let chown = !fresh || !self.defaults.owner_is(e.uid, e.gid);
        if chown || !e.xattrs.is_empty() {
            let fd = openat(
                parent,
                last,
                OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
                Mode::empty(),
            )
            .context("opening directory")?;
            if chown {
                self.chown_fd(fd.as_fd(), e.uid, e.gid)?;
            }
            self.set_xattrs(fd.as_fd(), &e.xattrs);
        }
        self.defer_dir(comps.to_vec(), e.mode, e.mtime);
        Ok(())
    }

    /// A regular file, created `O_EXCL|O_NOFOLLOW`: its content, then owner, mode, xattrs and times through
    /// its fd.
    fn make_file(
        &mut self,
        parent: BorrowedFd<'_>,
        last: &OsStr,
        e: &Entry,
        data: &mut dyn Read,
    ) -> Result<()> {
        // Created with its final mode when the umask leaves it whole (then no fchmod), else private.
        let final_mode = self.defaults.create_mode(e.mode);
        let create = || {
            openat(
                parent,
                last,
                OFlag::O_WRONLY
                    | OFlag::O_CREAT
                    | OFlag::O_EXCL
                    | OFlag::O_NOFOLLOW
                    | OFlag::O_CLOEXEC,
                final_mode.unwrap_or(Mode::from_bits_truncate(0o600)),
            )
        };
        let fd = match create() {
            Err(Errno::EEXIST) => {
                self.clear_target(parent, last, false)?;
                create()
            }
            r => r,
        }
        .context("creating file")?;
        let mut f = File::from(fd);
        // A small file without an owner to set or xattrs: its content, mode and times go to the writer.
        if e.size <= writer::SMALL_FILE
            && self.defaults.owner_is(e.uid, e.gid)
            && e.xattrs.is_empty()
            && let Some(w) = &mut self.writer
        {
            let mut content = Vec::with_capacity(e.size as usize);
            data.read_to_end(&mut content)
                .context("reading file content")?;
            self.report.file_bytes += content.len() as u64;
            w.send(writer::Job {
                file: f,
                data: content,
                mode: final_mode.is_none().then_some(e.mode),
                mtime: e.mtime,
                name: e.name.clone(),
            });
            return Ok(());
        }
        self.report.file_bytes +=
            copy_with(&mut self.copy_buf, data, &mut f).context("writing file content")?;
        // chown before chmod: chown clears setuid/setgid bits.
        if !self.defaults.owner_is(e.uid, e.gid) {
            self.chown_fd(f.as_fd(), e.uid, e.gid)?;
        }
        if final_mode.is_none() {
            fchmod(f.as_fd(), Mode::from_bits_truncate(e.mode)).context("setting file mode")?;
        }
        self.set_xattrs(f.as_fd(), &e.xattrs);
        futimens(f.as_fd(), &e.mtime, &e.mtime).context("setting file times")?;
        Ok(())
    }

    /// A symlink; owner and times are set on the link itself.
    fn make_symlink(&mut self, parent: BorrowedFd<'_>, last: &OsStr, e: &Entry) -> Result<()> {
        let target = e.link.as_deref().unwrap_or_default();
        let target = OsStr::from_bytes(target);
        match symlinkat(target, parent, last) {
            Err(Errno::EEXIST) => {
                self.clear_target(parent, last, false)?;
                symlinkat(target, parent, last)
            }
            r => r,
        }
        .context("creating symlink")?;
        if !self.defaults.owner_is(e.uid, e.gid) {
            self.chown_at(parent, last, e.uid, e.gid)?;
        }
        utimensat(
            parent,
            last,
            &e.mtime,
            &e.mtime,
            UtimensatFlags::NoFollowSymlink,
        )
        .context("setting symlink times")?;
        Ok(())
    }

    /// A hardlink to an entry already in the layer, never to a directory; a link to itself is a no-op.
    fn make_hardlink(
        &mut self,
        parent: BorrowedFd<'_>,
        last: &OsStr,
        comps: &[OsString],
        e: &Entry,
    ) -> Result<()> {
        let target =
            components(e.link.as_deref().unwrap_or_default()).context("hardlink target")?;
        let Some((tlast, tparent)) = target.split_last() else {
            bail!("hardlink to the layer root");
        };
        if target == comps {
            return Ok(());
        }
        let tdir = self
            .open_dir(tparent, false)
            .map_err(|err| anyhow!(err))
            .with_context(|| {
                format!(
                    "hardlink target {} not found in the layer",
                    join(&target).display()
                )
            })?;
        let st = fstatat(
            tdir.as_fd(),
            tlast.as_os_str(),
            nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
        )
        .with_context(|| {
            format!(
                "hardlink target {} not found in the layer",
                join(&target).display()
            )
        })?;
        if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            bail!("hardlink to a directory ({})", join(&target).display());
        }
        // No AT_SYMLINK_FOLLOW: a link to a symlink links the symlink itself. The link shares its
        // target's inode, so no metadata from this header is applied (CVE-2021-32760).
        let link = || {
            linkat(
                tdir.as_fd(),
                tlast.as_os_str(),
                parent,
                last,
                nix::fcntl::AtFlags::empty(),
            )
        };
        match link() {
            Err(Errno::EEXIST) => {
                self.clear_target(parent, last, false)?;
                link()
            }
            r => r,
        }
        .context("creating hardlink")?;
        Ok(())
    }

    /// A fifo or a device node (device nodes are skipped rootless, with a warning).
    fn make_node(&mut self, parent: BorrowedFd<'_>, last: &OsStr, e: &Entry) -> Result<()> {
        let (major, minor) = e.dev.unwrap_or((0, 0));
        if !matches!(e.kind, Kind::Fifo) && self.rootless {
            self.warn(
                "dev",
                "device nodes in the image were skipped (rootless cannot create them)".into(),
            );
            return Ok(());
        }
        let final_mode = self.defaults.create_mode(e.mode);
        let perm = final_mode.unwrap_or(Mode::from_bits_truncate(e.mode & 0o777));
        let (kind, what) = match e.kind {
            Kind::Fifo => (SFlag::S_IFIFO, "creating fifo"),
            Kind::Char => (SFlag::S_IFCHR, "creating character device"),
            _ => (SFlag::S_IFBLK, "creating block device"),
        };
        let make = || mknodat(parent, last, kind, perm, libc::makedev(major, minor));
        match make() {
            Err(Errno::EEXIST) => {
                self.clear_target(parent, last, false)?;
                make()
            }
            r => r,
        }
        .context(what)?;
        if !self.defaults.owner_is(e.uid, e.gid) {
            self.chown_at(parent, last, e.uid, e.gid)?;
        }
        // The node was just created by us in a directory nobody else writes, and is no symlink.
        if final_mode.is_none() {
            fchmodat(
                parent,
                last,
                Mode::from_bits_truncate(e.mode),
                FchmodatFlags::FollowSymlink,
            )
            .context("setting mode")?;
        }
        utimensat(
            parent,
            last,
            &e.mtime,
            &e.mtime,
            UtimensatFlags::NoFollowSymlink,
        )
        .context("setting times")?;
        Ok(())
    }

    /// Remember a directory's mode and mtime for the pass after the last entry (last entry wins).
    fn defer_dir(&mut self, comps: Vec<OsString>, mode: u32, mtime: TimeSpec) {
        match self.dir_index.get(&comps) {
            Some(&i) => self.dirs[i] = (comps, mode, mtime),
            None => {
                self.dir_index.insert(comps.clone(), self.dirs.len());
                self.dirs.push((comps, mode, mtime));
            }
        }
    }

    /// OCI whiteouts (image-spec layer.md): `.wh..wh..opq` marks the parent opaque, `.wh.<name>` hides
    /// `<name>` of lower layers. Names that would hit the parent or the root are refused (containerd
    /// WhiteoutRoot/WhiteoutParent); a `.wh.` prefix on a directory component is an ordinary name.
    fn whiteout(&mut self, parent_comps: &[OsString], last: &OsStr) -> Result<()> {
        let name = last.as_bytes();
        if name == OPAQUE_MARKER {
            let dir = self.ensure_dir(parent_comps)?;
            drop(dir);
            let dir = self
                .open_dir(parent_comps, true)
                .context("opening opaque directory")?;
            set_xattr(dir.as_fd(), &overlay_xattr(self.rootless, "opaque"), b"y")
                .context("marking directory opaque")?;
            return Ok(());
        }
        let hidden = &name[WHITEOUT_PREFIX.len()..];
        if hidden.is_empty() || hidden == b"." || hidden == b".." {
            bail!("invalid whiteout name {:?}", String::from_utf8_lossy(name));
        }
        if hidden.starts_with(WHITEOUT_PREFIX) {
            // aufs bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): docker skips these.
            return Ok(());
        }
        let parent = match self.open_dir(parent_comps, false) {
            Ok(fd) => fd,
            // A parent that resolves to nothing (a dangling symlink) hides nothing (containerd
            // WhiteoutDeadSymlinkParent); a parent that does not exist yet is created.
            Err(Errno::ENOENT) => match self.ensure_dir(parent_comps) {
                Ok(fd) => fd,
                Err(_) => return Ok(()),
            },
            Err(e) => return Err(anyhow!(e)).context("opening whiteout parent"),
        };
        let hidden = OsStr::from_bytes(hidden);
        self.clear_target(parent.as_fd(), hidden, false)?;
        match mknodat(parent.as_fd(), hidden, SFlag::S_IFCHR, Mode::empty(), 0) {
            Ok(()) => Ok(()),
            // Linux < 5.8 refuses an unprivileged 0/0 node; overlay (>= 6.7) also reads a zero-size file
            // carrying the `overlay.whiteout` xattr inside a dir marked `overlay.opaque=x`.
            Err(Errno::EPERM) if self.rootless => {
                let fd = openat(
                    parent.as_fd(),
                    hidden,
                    OFlag::O_WRONLY
                        | OFlag::O_CREAT
                        | OFlag::O_EXCL
                        | OFlag::O_NOFOLLOW
                        | OFlag::O_CLOEXEC,
                    Mode::from_bits_truncate(0o600),
                )
                .context("creating whiteout file")?;
                set_xattr(fd.as_fd(), &overlay_xattr(true, "whiteout"), b"y")
                    .context("marking whiteout")?;
                let dir = self
                    .open_dir(parent_comps, true)
                    .context("opening whiteout parent")?;
                if get_xattr_is(dir.as_fd(), &overlay_xattr(true, "opaque"), b"y") {
                    return Ok(());
                }
                set_xattr(dir.as_fd(), &overlay_xattr(true, "opaque"), b"x")
                    .context("marking whiteout parent")
            }
            Err(e) => Err(anyhow!(e)).context("creating whiteout"),
        }
    }

    /// Make room for a new entry named `name` in `parent`. An existing directory stays when the new entry is
    /// a directory too (returns true); anything else is removed first, a symlink as the link itself.
    fn clear_target(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &OsStr,
        want_dir: bool,
    ) -> Result<bool> {
        let st = match fstatat(parent, name, nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) => st,
            Err(Errno::ENOENT) => return Ok(false),
            Err(e) => return Err(anyhow!(e)).context("inspecting existing entry"),
        };
        let is_dir = st.st_mode & libc::S_IFMT == libc::S_IFDIR;
        if is_dir && want_dir {
            return Ok(true);
        }
        // Paths resolved before may now resolve differently: the cached parent goes (module docs).
        self.parent = None;
        self.removed = true;
        if is_dir {
            crate::store::remove_all_at(parent, name).context("removing existing directory")?;
        } else {
            unlinkat(parent, name, UnlinkatFlags::NoRemoveDir)
                .context("removing existing entry")?;
        }
        Ok(false)
    }

    fn chown_fd(&mut self, fd: BorrowedFd<'_>, uid: u32, gid: u32) -> Result<()> {
        if self.chown_broken {
            return Ok(());
        }
        let r = fchown(fd, Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid)));
        self.chown_result(r)
    }

    fn chown_at(&mut self, parent: BorrowedFd<'_>, name: &OsStr, uid: u32, gid: u32) -> Result<()> {
        if self.chown_broken {
            return Ok(());
        }
        let r = fchownat(
            parent,
            name,
            Some(Uid::from_raw(uid)),
            Some(Gid::from_raw(gid)),
            nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
        );
        self.chown_result(r)
    }

    fn chown_result(&mut self, r: nix::Result<()>) -> Result<()> {
        match r {
            Ok(()) => Ok(()),
            // Inside a user namespace with subordinate ids, EINVAL names one id outside the mapped range:
            // only that file keeps the namespace root as owner, the others still get theirs.
            Err(Errno::EINVAL) if self.rootless && self.ids == IdMap::Subordinate => {
                self.warn(
                    "chown",
                    "file owners beyond the subordinate id range of /etc/subuid and /etc/subgid were not applied"
                        .into(),
                );
                Ok(())
            }
            Err(Errno::EPERM | Errno::EINVAL) if self.rootless => {
                let why = match self.ids {
                    IdMap::OwnIdOnly => {
                        "rootless without subordinate ids: give the user a range in /etc/subuid and /etc/subgid, with newuidmap and newgidmap installed, then remove the image and pull it again"
                    }
                    _ => "rootless without a user namespace",
                };
                self.warn(
                    "chown",
                    format!("file owners from the image were not applied ({why})"),
                );
                self.chown_broken = true;
                Ok(())
            }
            Err(e) => Err(anyhow!(e)).context("setting owner"),
        }
    }

    /// Apply the layer's own xattrs, except overlay's (our whiteout conversion is their only source:
    /// docs/security.md A15) and SELinux labels (containers/storage `xattrsToIgnore`).
    fn set_xattrs(&mut self, fd: BorrowedFd<'_>, xattrs: &[(OsString, Vec<u8>)]) {
        for (k, v) in xattrs {
            let kb = k.as_bytes();
            if kb.starts_with(b"trusted.overlay.")
                || kb.starts_with(b"user.overlay.")
                || kb == b"security.selinux"
            {
                continue;
            }
            if kb == b"system.posix_acl_default" {
                self.defaults.acl_set();
            }
            if let Err(e) = set_xattr(fd, &k.to_string_lossy(), v) {
                self.warn(
                    "xattr",
                    format!("some extended attributes from the image were not applied: {e:#}"),
                );
            }
        }
    }

    /// Directory modes and mtimes, deepest-last-applied order reversed so children's changes do not bump a
    /// parent's mtime. Each path is resolved in the root again and never through a final symlink
    /// (docs/security.md A8).
    fn finish_dirs(&mut self) -> Result<()> {
        let dirs = std::mem::take(&mut self.dirs);
        for (comps, mode, mtime) in dirs.into_iter().rev() {
            let how = OpenHow::new()
                .flags(OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC)
                .resolve(in_root());
            let fd = match openat2(self.root.as_fd(), &join(&comps), how) {
                Ok(fd) => fd,
                // Replaced by a symlink or removed by a later entry: nothing to apply.
                Err(Errno::ENOENT | Errno::ELOOP | Errno::ENOTDIR) => continue,
                Err(e) => {
                    return Err(anyhow!(e)).with_context(|| {
                        format!("reopening directory {}", join(&comps).display())
                    });
                }
            };
            fchmod(fd.as_fd(), Mode::from_bits_truncate(mode))
                .with_context(|| format!("setting mode of {}", join(&comps).display()))?;
            futimens(fd.as_fd(), &mtime, &mtime)
                .with_context(|| format!("setting times of {}", join(&comps).display()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "unpack_tests.rs"]
mod tests;

//! Writing trees as tar streams: a container's overlay upper dir as an OCI layer (`commit`), and the
//! merged view of a stack of layer dirs as a plain filesystem tar (`export`).
//!
//! Overlay marks deletions with a character device 0/0 (or, on kernels before 5.8 rootless, a zero-size
//! file with `user.overlay.whiteout`) and replaced directories with the `trusted.overlay.opaque=y`
//! xattr (`user.overlay.opaque=y` rootless). The OCI layer format says the same with `.wh.<name>` and
//! `.wh..wh..opq` entries (image-spec `layer.md` "Whiteouts"). Must not depend on store, engine or cli.
//! Invariant: no overlay bookkeeping (whiteout devices, `*.overlay.*` xattrs) ever reaches a tar as
//! itself; entries are written in sorted order, so the same tree gives the same bytes (and diffID).

use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// The value of extended attribute `name` on `path` (not following a final symlink), if set.
fn lgetxattr(path: &Path, name: &str) -> Option<Vec<u8>> {
    let p = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let n = std::ffi::CString::new(name).ok()?;
    let mut buf = vec![0u8; 256];
    // SAFETY: both strings are NUL-terminated and live for the call; buf is valid for buf.len() bytes.
    let r = unsafe { libc::lgetxattr(p.as_ptr(), n.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    if r < 0 {
        return None;
    }
    buf.truncate(r as usize);
    Some(buf)
}

/// Whether `path` (with metadata `md`) is an overlay whiteout.
fn is_whiteout(path: &Path, md: &fs::Metadata) -> bool {
    (md.file_type().is_char_device() && md.rdev() == 0)
        || (md.is_file() && md.len() == 0 && lgetxattr(path, "user.overlay.whiteout").is_some())
}

/// Whether the directory `path` is opaque (hides everything below it in lower layers). The value "x"
/// (overlayfs >= 6.7) only says the dir holds xattr whiteouts.
pub fn is_opaque(path: &Path) -> bool {
    ["trusted.overlay.opaque", "user.overlay.opaque"]
        .iter()
        .any(|x| lgetxattr(path, x).is_some_and(|v| v == b"y"))
}

/// Write `upper` (an overlay upper dir) as an OCI layer tar into `out`, whiteouts translated. Paths in
/// `skip` (relative to `upper`) are left out: mount points the runtime made, which docker keeps in a
/// separate init layer that `commit` never includes.
pub fn write_layer<W: Write>(upper: &Path, skip: &[PathBuf], out: W) -> Result<W> {
    let mut w = TreeWriter::new(out, true);
    w.skip = skip.to_vec();
    w.walk(&[upper.to_path_buf()], Path::new(""))?;
    w.finish()
}

/// Write the merged view of `layers` (top first, as overlay stacks them) as a tar into `out`: what
/// the container sees at `/`, without the mounts made at run time.
pub fn write_merged<W: Write>(layers_top_first: &[PathBuf], out: W) -> Result<W> {
    let mut w = TreeWriter::new(out, false);
    w.walk(layers_top_first, Path::new(""))?;
    w.finish()
}

struct TreeWriter<W: Write> {
    tar: tar::Builder<W>,
    /// Emit `.wh.` entries for whiteouts and opaque dirs (a layer) instead of hiding them (a view).
    layer: bool,
    /// (dev, ino) of multiply-linked files already written, to write later names as hard links.
    links: HashMap<(u64, u64), PathBuf>,
    /// Relative paths not written at all.
    skip: Vec<PathBuf>,
}

impl<W: Write> TreeWriter<W> {
    fn new(out: W, layer: bool) -> Self {
        let mut tar = tar::Builder::new(out);
        tar.mode(tar::HeaderMode::Complete);
        tar.follow_symlinks(false);
        TreeWriter {
            tar,
            layer,
            links: HashMap::new(),
            skip: Vec::new(),
        }
    }

    fn finish(self) -> Result<W> {
        self.tar.into_inner().context("finishing the tar stream")
    }

    /// Write the entries of directory `rel`, whose content comes from `srcs` (the dir in each layer
    /// that has it, top first, ending at an opaque one).
    fn walk(&mut self, srcs: &[PathBuf], rel: &Path) -> Result<()> {
        let mut seen: BTreeMap<OsString, usize> = BTreeMap::new();
        let mut hidden: HashSet<OsString> = HashSet::new();
        for (i, dir) in srcs.iter().enumerate() {
            let rd = match fs::read_dir(dir) {
                Ok(rd) => rd,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
            };
            for e in rd {
                let e = e.with_context(|| format!("reading {}", dir.display()))?;
                let name = e.file_name();
                if seen.contains_key(&name) || hidden.contains(&name) {
                    continue;
                }
                let p = e.path();
                let md =
                    fs::symlink_metadata(&p).with_context(|| format!("reading {}", p.display()))?;
                if is_whiteout(&p, &md) {
                    hidden.insert(name);
                } else {
                    seen.insert(name, i);
                }
            }
        }
        if self.layer {
            let mut gone: Vec<&OsString> = hidden.iter().collect();
            gone.sort();
            for name in gone {
                let mut wh = OsString::from(".wh.");
                wh.push(name);
                self.empty_file(&rel.join(wh))?;
            }
        }
        for (name, i) in seen {
            let path = srcs[i].join(&name);
            let r = rel.join(&name);
            if self.skip.contains(&r) {
                continue;
            }
            let md = fs::symlink_metadata(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            self.entry(&path, &r, &md)?;
            if !md.is_dir() {
                continue;
            }
            // The dir's content: this layer's dir, then lower layers' while they are dirs too.
            let mut below = Vec::new();
            for src in &srcs[i..] {
                let p = src.join(&name);
                let Ok(m) = fs::symlink_metadata(&p) else {
                    continue;
                };
                if !m.is_dir() {
                    break;
                }
                let opaque = is_opaque(&p);
                below.push(p);
                if opaque {
                    break;
                }
            }
            if self.layer && is_opaque(&path) {
                self.empty_file(&r.join(".wh..wh..opq"))?;
            }
            self.walk(&below, &r)?;
        }
        Ok(())
    }

    fn empty_file(&mut self, rel: &Path) -> Result<()> {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_size(0);
        h.set_mtime(0);
        self.tar
            .append_data(&mut h, rel, std::io::empty())
            .with_context(|| format!("writing {}", rel.display()))
    }

    fn entry(&mut self, path: &Path, rel: &Path, md: &fs::Metadata) -> Result<()> {
        let ctx = || format!("writing {} to the tar", path.display());
        let mut h = tar::Header::new_gnu();
        h.set_metadata_in_mode(md, tar::HeaderMode::Complete);
        let ft = md.file_type();
        if ft.is_symlink() {
            let target = fs::read_link(path).with_context(ctx)?;
            h.set_size(0);
            return self.tar.append_link(&mut h, rel, &target).with_context(ctx);
        }
        if ft.is_file() && md.nlink() > 1 {
            let key = (md.dev(), md.ino());
            if let Some(first) = self.links.get(&key).cloned() {
                h.set_entry_type(tar::EntryType::Link);
                h.set_size(0);
                return self.tar.append_link(&mut h, rel, &first).with_context(ctx);
            }
            self.links.insert(key, rel.to_path_buf());
        }
        if ft.is_file() {
            let f = fs::File::open(path).with_context(ctx)?;
            return self.tar.append_data(&mut h, rel, f).with_context(ctx);
        }
        // Directories, devices and fifos carry no data.
        h.set_size(0);
        if ft.is_char_device() || ft.is_block_device() {
            let dev = md.rdev();
            h.set_device_major(libc::major(dev)).with_context(ctx)?;
            h.set_device_minor(libc::minor(dev)).with_context(ctx)?;
        }
        self.tar
            .append_data(&mut h, rel, std::io::empty())
            .with_context(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(data: &[u8]) -> Vec<String> {
        let mut a = tar::Archive::new(data);
        a.entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn whiteout_devices_become_oci_whiteouts_in_a_layer_and_hide_files_in_a_view() {
        let d = tempfile::tempdir().unwrap();
        let (upper, lower) = (d.path().join("upper"), d.path().join("lower"));
        fs::create_dir_all(upper.join("etc")).unwrap();
        fs::create_dir_all(lower.join("etc")).unwrap();
        fs::write(lower.join("etc/gone"), "x").unwrap();
        fs::write(lower.join("etc/kept"), "k").unwrap();
        fs::write(upper.join("etc/new"), "n").unwrap();
        nix::sys::stat::mknod(
            &upper.join("etc/gone"),
            nix::sys::stat::SFlag::S_IFCHR,
            nix::sys::stat::Mode::from_bits_truncate(0o600),
            0,
        )
        .unwrap();
        let layer = write_layer(&upper, &[], Vec::new()).unwrap();
        assert_eq!(names(&layer), ["etc", "etc/.wh.gone", "etc/new"]);
        let view = write_merged(&[upper, lower], Vec::new()).unwrap();
        assert_eq!(names(&view), ["etc", "etc/kept", "etc/new"]);
    }
}

//! Tar headers read into entries: a header with its extension headers (GNU long name and link, PAX)
//! folded in. Refuses what berth does not unpack or what would let tools disagree about a layer: GNU
//! sparse files, a PAX `size` that differs from the header's (CVE-2026-33055), ids that do not fit 32 bits,
//! links without a target, unknown entry types. The extension headers' size limit is checked by the
//! reader in `unpack.rs` before they are read.
//!
//! Parsing only: no I/O beyond the tar entry given. Must not depend on anything in berth.

use anyhow::{Context, Result, bail};
use nix::sys::time::TimeSpec;
use std::ffi::OsString;
use std::io::Read;

pub(super) fn trim_nul(mut v: Vec<u8>) -> Vec<u8> {
    while v.last() == Some(&0) {
        v.pop();
    }
    v
}

#[derive(Default)]
pub(super) struct Extensions {
    pub(super) long_name: Option<Vec<u8>>,
    pub(super) long_link: Option<Vec<u8>>,
    pub(super) pax: Option<Vec<u8>>,
}

pub(super) enum Kind {
    File,
    Dir,
    Symlink,
    Hardlink,
    Char,
    Block,
    Fifo,
}

/// One tar entry with its extension headers folded in.
pub(super) struct Entry {
    pub(super) name: Vec<u8>,
    pub(super) link: Option<Vec<u8>>,
    pub(super) kind: Kind,
    pub(super) mode: u32,
    pub(super) uid: u32,
    pub(super) gid: u32,
    pub(super) mtime: TimeSpec,
    pub(super) dev: Option<(u32, u32)>,
    pub(super) xattrs: Vec<(OsString, Vec<u8>)>,
    /// Bytes of content (the header's size; a PAX size must agree).
    pub(super) size: u64,
}

impl Entry {
    pub(super) fn from_tar<R: Read>(
        entry: &tar::Entry<'_, R>,
        ext: Extensions,
        size: u64,
    ) -> Result<Entry> {
        let h = entry.header();
        let mut name = ext.long_name.unwrap_or_else(|| h.path_bytes().into_owned());
        let mut link = ext
            .long_link
            .or_else(|| h.link_name_bytes().map(|l| l.into_owned()));
        let mut uid = h.uid().context("reading tar uid")?;
        let mut gid = h.gid().context("reading tar gid")?;
        let mut mtime = TimeSpec::new(h.mtime().context("reading tar mtime")? as i64, 0);
        let mut xattrs = Vec::new();
        if let Some(pax) = &ext.pax {
            for rec in tar::PaxExtensions::new(pax) {
                let rec = rec.context("reading PAX header")?;
                let key = rec.key().context("reading PAX header key")?;
                let value = rec.value_bytes();
                let num = || -> Result<u64> {
                    std::str::from_utf8(value)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .with_context(|| format!("bad PAX {key} value"))
                };
                match key {
                    "path" => name = value.to_vec(),
                    "linkpath" => link = Some(value.to_vec()),
                    "uid" => uid = num()?,
                    "gid" => gid = num()?,
                    // The data size is taken from the header by the reader; a disagreeing PAX size
                    // would make berth and other tools see different files (CVE-2026-33055).
                    "size" if num()? != size => bail!(
                        "PAX size {} disagrees with the tar header size {size}",
                        num()?
                    ),
                    "mtime" => mtime = pax_time(value)?,
                    k if k.starts_with("GNU.sparse.") => {
                        bail!("GNU sparse tar entries are not supported in layers")
                    }
                    k if k.starts_with("SCHILY.xattr.") => {
                        xattrs.push((OsString::from(&k["SCHILY.xattr.".len()..]), value.to_vec()))
                    }
                    _ => {}
                }
            }
        }
        let t = h.entry_type();
        let kind = if t.is_dir() {
            Kind::Dir
        } else if t.is_symlink() {
            Kind::Symlink
        } else if t.is_hard_link() {
            Kind::Hardlink
        } else if t.is_character_special() {
            Kind::Char
        } else if t.is_block_special() {
            Kind::Block
        } else if t.is_fifo() {
            Kind::Fifo
        } else if t.is_file() || t.is_contiguous() {
            // Pre-POSIX archives mark directories with a trailing slash on a regular entry.
            if name.ends_with(b"/") {
                Kind::Dir
            } else {
                Kind::File
            }
        } else {
            bail!("unsupported tar entry type {:?}", t.as_byte() as char);
        };
        let dev = match kind {
            Kind::Char | Kind::Block => {
                // Values that do not fit 32 bits are refused by the parser (containerd 0205398ac).
                let major = h
                    .device_major()
                    .context("reading device major")?
                    .unwrap_or(0);
                let minor = h
                    .device_minor()
                    .context("reading device minor")?
                    .unwrap_or(0);
                Some((major, minor))
            }
            _ => None,
        };
        let id = |v: u64, what: &str| -> Result<u32> {
            u32::try_from(v)
                .ok()
                .filter(|v| *v != u32::MAX)
                .with_context(|| format!("{what} {v} is out of range"))
        };
        if matches!(kind, Kind::Symlink | Kind::Hardlink)
            && link.as_ref().is_none_or(|l| l.is_empty())
        {
            bail!("link entry without a target");
        }
        Ok(Entry {
            name,
            link,
            kind,
            mode: h.mode().context("reading tar mode")? & 0o7777,
            uid: id(uid, "uid")?,
            gid: id(gid, "gid")?,
            mtime,
            dev,
            xattrs,
            size,
        })
    }
}

/// A PAX time: decimal seconds with an optional fraction, possibly negative.
fn pax_time(v: &[u8]) -> Result<TimeSpec> {
    let s = std::str::from_utf8(v).context("bad PAX mtime")?;
    let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
    let secs: i64 = secs.parse().context("bad PAX mtime")?;
    let mut nanos: i64 = 0;
    if !frac.is_empty() {
        let digits: String = frac.chars().take(9).collect();
        nanos = format!("{digits:0<9}").parse().context("bad PAX mtime")?;
    }
    Ok(TimeSpec::new(secs, if secs < 0 { -nanos } else { nanos }))
}

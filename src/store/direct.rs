//! A file written with `O_DIRECT`, for a pulled layer's compressed blob (docs/layout.md "Images"): the
//! blob is kept for push and save and read by nothing else, so its bytes go straight to the disk from one
//! reused, aligned buffer instead of filling the page cache (issue 14). A pull of 114 MB of gzip into
//! 200 MB of files put 316 MB of new pages into the page cache, and on a virtual machine whose free
//! memory the host reclaims, every new page costs a fault on the host: the blob was a third of them.
//!
//! Durability is as for any other write: the data and the extents that hold it are made durable by the
//! `fsync`/`syncfs` that commits the blob (ext4, xfs and btrfs flush the device cache there, and a direct
//! write that extends a file converts its extents only once the data is on the device).
//! Where the filesystem refuses `O_DIRECT` (at open, or an aligned write failing with `EINVAL`), or a
//! write comes back short of a block boundary, the file goes on buffered from where it is; the last
//! partial block is always written buffered.
//! Must not depend on image, registry, engine or cli.

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The alignment of direct writes: offsets, lengths and memory on a 4 KiB boundary satisfy every
/// block device's logical block size.
const ALIGN: usize = 4096;
/// Bytes per direct write: large enough that the device sees big requests, small next to a pull's memory.
const CAP: usize = 1 << 20;

/// One page of the aligned buffer.
#[derive(Clone, Copy)]
#[repr(C, align(4096))]
struct Page([u8; ALIGN]);

/// A file being written from start to end, directly where the filesystem allows it.
pub struct DirectWriter {
    file: File,
    /// `CAP` bytes, 4 KiB aligned (a `Vec` of aligned pages: no allocator call of our own).
    buf: Vec<Page>,
    /// Bytes held in `buf`, not yet written.
    len: usize,
    /// Whether the file is still open with `O_DIRECT`.
    direct: bool,
}

impl std::fmt::Debug for DirectWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectWriter")
            .field("len", &self.len)
            .field("direct", &self.direct)
            .finish()
    }
}

impl DirectWriter {
    /// Create `path` (truncating it), with `O_DIRECT` when the filesystem takes it.
    pub fn create(path: &Path) -> Result<DirectWriter> {
        let open = |flags| {
            OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .custom_flags(flags)
                .open(path)
        };
        let (file, direct) = match open(libc::O_DIRECT) {
            Ok(f) => (Ok(f), true),
            // tmpfs before Linux 6.6, some FUSE and network filesystems.
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => (open(0), false),
            Err(e) => (Err(e), false),
        };
        let file = file.with_context(|| format!("creating {}", path.display()))?;
        Ok(DirectWriter {
            file,
            buf: vec![Page([0; ALIGN]); CAP / ALIGN],
            len: 0,
            direct,
        })
    }

    /// Whether written bytes are still in the buffer, not yet handed to the kernel.
    pub fn holds_bytes(&self) -> bool {
        self.len > 0
    }

    /// Whether the bytes written so far went around the page cache.
    #[cfg(test)]
    fn is_direct(&self) -> bool {
        self.direct
    }

    fn bytes(&mut self) -> &mut [u8] {
        let pages: &mut [Page] = &mut self.buf;
        // SAFETY: `Page` is `repr(C)` around a byte array, so the pages are `CAP` contiguous, initialized
        // bytes; the slice borrows `self.buf` mutably for its lifetime.
        unsafe { std::slice::from_raw_parts_mut(pages.as_mut_ptr().cast::<u8>(), CAP) }
    }

    /// The filled part of the buffer from `off` to `n`.
    fn held(buf: &[Page], off: usize, n: usize) -> &[u8] {
        // SAFETY: as in `bytes`, shared.
        let all = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), CAP) };
        &all[off..n]
    }

    /// Write the first `n` bytes of the buffer and empty it.
    fn drain(&mut self, n: usize) -> io::Result<()> {
        let mut off = 0;
        while off < n {
            let direct = self.direct;
            match (&self.file).write(Self::held(&self.buf, off, n)) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(k) => {
                    off += k;
                    // A short direct write leaves the next one misaligned: go on buffered.
                    if direct && !off.is_multiple_of(ALIGN) {
                        self.stop_direct()?;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // The filesystem wants another alignment than the one berth gives it.
                Err(e) if direct && e.raw_os_error() == Some(libc::EINVAL) => self.stop_direct()?,
                Err(e) => return Err(e),
            }
        }
        self.len = 0;
        Ok(())
    }

    /// Clear `O_DIRECT`: the rest of the file is written through the page cache.
    fn stop_direct(&mut self) -> io::Result<()> {
        use nix::fcntl::{FcntlArg, OFlag, fcntl};
        let fd = self.file.as_fd();
        let flags = OFlag::from_bits_truncate(fcntl(fd, FcntlArg::F_GETFL)?);
        fcntl(fd, FcntlArg::F_SETFL(flags - OFlag::O_DIRECT))?;
        self.direct = false;
        Ok(())
    }

    /// Write what is left (see `flush`) and give the file back, not yet synced.
    pub fn finish(mut self) -> io::Result<File> {
        self.flush()?;
        Ok(self.file)
    }

    #[cfg(test)]
    fn force_buffered(&mut self) {
        self.stop_direct().unwrap();
    }
}

impl Write for DirectWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut rest = data;
        while !rest.is_empty() {
            let at = self.len;
            let n = rest.len().min(CAP - at);
            self.bytes()[at..at + n].copy_from_slice(&rest[..n]);
            self.len += n;
            rest = &rest[n..];
            if self.len == CAP {
                self.drain(CAP)?;
            }
        }
        Ok(data.len())
    }

    /// Hand every byte written so far to the kernel, so that a later `syncfs` or `fsync` covers all of
    /// them (a pull flushes its blob before the sync that commits the layer, docs/layout.md "Images").
    /// A last partial block goes through the page cache, and the file stays buffered from there: a
    /// direct write after it would be misaligned.
    fn flush(&mut self) -> io::Result<()> {
        if self.len > 0 {
            if self.direct && !self.len.is_multiple_of(ALIGN) {
                self.stop_direct()?;
            }
            self.drain(self.len)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages of `f` in the page cache (mincore over a mapping of it).
    fn resident_pages(f: &File) -> usize {
        use std::os::fd::AsRawFd;
        let len = f.metadata().unwrap().len() as usize;
        if len == 0 {
            return 0;
        }
        // SAFETY: a private read-only mapping of a regular file we own; unmapped before returning.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                f.as_raw_fd(),
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            let pages = len.div_ceil(ALIGN);
            let mut v = vec![0u8; pages];
            assert_eq!(libc::mincore(p, len, v.as_mut_ptr()), 0);
            libc::munmap(p, len);
            v.iter().filter(|b| *b & 1 == 1).count()
        }
    }

    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 4096) as u8).collect()
    }

    #[test]
    fn every_size_is_written_whole_and_only_the_tail_is_cached() {
        let d = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
        for size in [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            CAP - 1,
            CAP,
            CAP + 1,
            3 * CAP + 4097,
        ] {
            let p = d.path().join(format!("f{size}"));
            let data = pattern(size);
            let mut w = DirectWriter::create(&p).unwrap();
            let direct = w.is_direct();
            // Pieces that straddle the buffer's end, as a pull's chunks do.
            for piece in data.chunks(100_003) {
                w.write_all(piece).unwrap();
            }
            let f = w.finish().unwrap();
            f.sync_all().unwrap();
            if direct {
                // Only the last partial buffer went through the page cache (looked at before the read
                // below brings the file in).
                let cached = resident_pages(&File::open(&p).unwrap());
                assert!(
                    cached <= (size % CAP).div_ceil(ALIGN),
                    "size {size}: {cached} pages cached after a direct write"
                );
            }
            assert_eq!(std::fs::read(&p).unwrap(), data, "size {size}");
        }
    }

    #[test]
    fn a_flush_hands_every_byte_to_the_kernel() {
        // A pull flushes its blob before the syncfs that makes the layer durable: bytes still held in the
        // buffer then would miss that sync.
        let d = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
        let p = d.path().join("f");
        let data = pattern(CAP + 4096 + 5);
        let mut w = DirectWriter::create(&p).unwrap();
        w.write_all(&data).unwrap();
        w.flush().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), data);
        // More after a flush still lands after it.
        w.write_all(b"tail").unwrap();
        w.finish().unwrap().sync_all().unwrap();
        assert_eq!(std::fs::read(&p).unwrap().len(), data.len() + 4);
    }

    #[test]
    fn a_file_that_falls_back_to_buffered_writes_mid_stream_is_whole() {
        let d = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
        let p = d.path().join("f");
        let data = pattern(2 * CAP + 12_345);
        let mut w = DirectWriter::create(&p).unwrap();
        w.write_all(&data[..CAP + 10]).unwrap();
        w.force_buffered();
        w.write_all(&data[CAP + 10..]).unwrap();
        assert!(!w.is_direct());
        w.finish().unwrap().sync_all().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), data);
    }
}

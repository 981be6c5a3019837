//! How file content reaches the disk: copied through the unpacker's buffer with its writeback started as
//! it goes, and the bound on the whole decompressed stream (decompression bombs).
//!
//! Must not depend on anything in berth.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::AsRawFd;

/// Every this many bytes of a file, its writeback is started (see [`copy_with`]).
pub(super) const WRITEBACK_CHUNK: u64 = 4 << 20;
/// A file's last bytes not yet sent to disk are sent when it ends if there are at least this many (see
/// [`copy_with`]).
pub(super) const WRITEBACK_TAIL: u64 = 16 << 10;

/// `io::copy` through the caller's buffer. Every [`WRITEBACK_CHUNK`] written, the kernel is asked to start
/// writing that range to disk (`sync_file_range(SYNC_FILE_RANGE_WRITE)`, which does not wait for it): the
/// layer's data then goes to disk while the rest downloads, and the one syncfs before the commit finds
/// little left to flush (it was about a sixth of a cold pull of 200 MB; issue 2). At the end of a file, the
/// rest is started too when it is at least [`WRITEBACK_TAIL`]: a layer of thousands of 45 KiB files
/// otherwise left all of them to that syncfs (issue 14); smaller files are left to it, where they are
/// written together rather than one small request each. Durability is unchanged: the syncfs still decides it.
pub(super) fn copy_with(buf: &mut [u8], from: &mut dyn Read, to: &mut File) -> io::Result<u64> {
    let mut total = 0u64;
    let mut started = 0u64;
    loop {
        let n = match from.read(buf) {
            Ok(0) => {
                if total - started >= WRITEBACK_TAIL {
                    start_writeback(to, started, total - started);
                }
                return Ok(total);
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        io::Write::write_all(to, &buf[..n])?;
        total += n as u64;
        if total - started >= WRITEBACK_CHUNK {
            start_writeback(to, started, total - started);
            started = total;
        }
    }
}

/// Ask the kernel to start writing `len` bytes of `f` from `from` to disk, without waiting for it.
pub(super) fn start_writeback(f: &File, from: u64, len: u64) {
    // SAFETY: sync_file_range on an fd we own, over a range we wrote; only a hint, so its result is
    // ignored (file systems without it just flush at the syncfs).
    unsafe {
        libc::sync_file_range(
            f.as_raw_fd(),
            from as libc::off64_t,
            len as libc::off64_t,
            libc::SYNC_FILE_RANGE_WRITE,
        )
    };
}

/// Fails the read once more than `limit` bytes have come through (decompression bombs, docs/security.md A16).
pub(super) struct LimitedReader<'a> {
    pub(super) inner: &'a mut dyn Read,
    pub(super) left: u64,
    pub(super) limit: u64,
}

impl Read for LimitedReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            self.left = 0;
            return Err(io::Error::other(format!(
                "layer is larger than {} bytes uncompressed (limit max_layer_bytes)",
                self.limit
            )));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

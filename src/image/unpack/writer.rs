//! A thread that finishes the layer's small regular files: their content, mode and times, written through
//! the fd of the file the unpacker created, so the unpacker's thread goes on to the next entry (issue 14: a
//! layer of 40,000 1 KiB files spent ~19 µs a file in four syscalls on one thread, the pull's bottleneck).
//!
//! Only calls on the fd it is given (write, fchmod, futimens, close): every path is resolved and every file
//! created on the unpacker's thread as before (`O_EXCL|O_NOFOLLOW` in a parent resolved in the root,
//! docs/security.md 1A), so what a file's fd refers to cannot change. A later entry that replaces the name
//! leaves this inode unlinked, its writes unseen, as when the entries were applied one after the other; a
//! hardlink to the name shares the inode, which ends with the same content either way. Files with an owner
//! to set or xattrs are finished on the unpacker's thread (their warnings are its own).
//!
//! Must not depend on anything in berth outside `unpack`.

use anyhow::{Context, Result, anyhow};
use nix::sys::stat::{Mode, fchmod, futimens};
use nix::sys::time::TimeSpec;
use std::fs::File;
use std::io::Write;
use std::os::fd::AsFd;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Files of at most this many bytes go to the writer (their content is held in memory until written). Larger
/// ones stay on the unpacker's thread: in a pull of 4,600 45 KiB files over six layers (both cores busy
/// already) the copy into memory and the extra thread cost more than they saved.
pub(super) const SMALL_FILE: u64 = 16 << 10;
/// Files queued at most: with [`SMALL_FILE`], the writer holds at most 4 MiB of content.
const QUEUE: usize = 256;

/// A created file to finish.
pub(super) struct Job {
    pub(super) file: File,
    pub(super) data: Vec<u8>,
    /// The mode to set after the content (None: it was created with it).
    pub(super) mode: Option<u32>,
    pub(super) mtime: TimeSpec,
    /// The entry's name, for the error.
    pub(super) name: Vec<u8>,
}

/// The writer thread and the end of its queue.
pub(super) struct Writer {
    tx: Option<SyncSender<Job>>,
    /// Ends before [`Writer::finish`] closes the queue only on an error.
    handle: Option<JoinHandle<Result<()>>>,
}

impl Writer {
    pub(super) fn start() -> Result<Writer> {
        let (tx, rx) = sync_channel(QUEUE);
        let handle = std::thread::Builder::new()
            .name("unpack-writer".into())
            .spawn(move || work(rx))
            .context("starting the file writer thread")?;
        Ok(Writer {
            tx: Some(tx),
            handle: Some(handle),
        })
    }

    /// Queue `job`. After the writer failed it is dropped: the unpacker asks [`Writer::failed`] before each
    /// entry and ends with the writer's error.
    pub(super) fn send(&mut self, job: Job) {
        if let Some(tx) = &self.tx
            && tx.send(job).is_err()
        {
            self.tx = None;
        }
    }

    /// Whether the writer stopped on an error ([`Writer::finish`] returns it).
    pub(super) fn failed(&self) -> bool {
        self.handle.as_ref().is_some_and(JoinHandle::is_finished)
    }

    /// Wait until every queued file is finished; the first error of the writer, if any.
    pub(super) fn finish(mut self) -> Result<()> {
        self.tx = None;
        match self.handle.take() {
            Some(h) => h
                .join()
                .unwrap_or_else(|_| Err(anyhow!("the file writer thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for Writer {
    /// An unpack that fails on its own thread still waits for the writer (no write after it returns).
    fn drop(&mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn work(rx: Receiver<Job>) -> Result<()> {
    for job in rx {
        finish_file(job)?;
    }
    Ok(())
}

/// Content, then mode (chmod after the write, as on the unpacker's thread: set-id bits last), then times.
fn finish_file(job: Job) -> Result<()> {
    let Job {
        mut file,
        data,
        mode,
        mtime,
        name,
    } = job;
    let r = (|| -> Result<()> {
        file.write_all(&data).context("writing file content")?;
        if data.len() as u64 >= super::stream::WRITEBACK_TAIL {
            super::stream::start_writeback(&file, 0, data.len() as u64);
        }
        if let Some(m) = mode {
            fchmod(file.as_fd(), Mode::from_bits_truncate(m)).context("setting file mode")?;
        }
        futimens(file.as_fd(), &mtime, &mtime).context("setting file times")?;
        Ok(())
    })();
    r.with_context(|| format!("unpacking layer entry {:?}", String::from_utf8_lossy(&name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(file: File, name: &str) -> Job {
        Job {
            file,
            data: b"content".to_vec(),
            mode: Some(0o640),
            mtime: TimeSpec::new(1_000_000, 0),
            name: name.as_bytes().to_vec(),
        }
    }

    #[test]
    fn files_are_finished_in_order_and_a_failure_names_its_entry_and_stops_the_writer() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writer::start().unwrap();
        let good = dir.path().join("good");
        w.send(job(File::create(&good).unwrap(), "good"));
        // Read-only: its write fails (EBADF), as a full disk's would.
        let bad = dir.path().join("bad");
        File::create(&bad).unwrap();
        w.send(job(File::open(&bad).unwrap(), "bad"));
        let after = dir.path().join("after");
        w.send(job(File::create(&after).unwrap(), "after"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !w.failed() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(w.failed());
        // Sending after the failure drops the file quietly; the error comes from finish.
        w.send(job(File::create(dir.path().join("late")).unwrap(), "late"));
        let e = format!("{:#}", w.finish().unwrap_err());
        assert!(
            e.contains("\"bad\"") && e.contains("writing file content"),
            "{e}"
        );
        let m = std::fs::metadata(&good).unwrap();
        assert_eq!(std::fs::read(&good).unwrap(), b"content");
        assert_eq!(
            (m.permissions().mode() & 0o7777, m.mtime()),
            (0o640, 1_000_000)
        );
        assert_eq!(
            std::fs::read(&after).unwrap(),
            b"",
            "nothing is written after the failure"
        );
    }
}

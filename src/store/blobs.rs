//! Content-addressed blobs, `<root>/blobs/sha256/<hex>`: manifests, indexes, image configs and layer
//! blobs (compressed as pulled, or the tars of commit/import, and the compressed forms push made).
//!
//! containerd's content store is the model (Ingester, Writer.Commit): content is streamed into a
//! [`BlobWriter`], a file in an `ingest/.tmp-*` work dir guarded by its owner lock; [`BlobWriter::commit`]
//! checks its size and sha256 against what the caller expects, syncs it and only then gives it its name
//! by an atomic rename (docs/layout.md "Images", docs/security.md C1, J2, J3). A blob's name never changes its
//! content, so a name that already exists wins. Reads verify again ([`read_verified`]).
//! Must not depend on image, registry, engine or cli.

use super::direct::DirectWriter;
use super::work::WorkDir;
use super::{Paths, rename_if_absent};
use anyhow::{Context, Result, bail};
use sha2::{Digest as _, Sha256};
use std::fs::{self, File};
use std::io::{self, Write};

/// Whether `hex` is a sha256 digest's 64 lowercase hex digits (the only names blobs and layers get).
pub fn is_hex_digest(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_name(hex: &str) -> Result<()> {
    if !is_hex_digest(hex) {
        bail!("invalid sha256 digest {hex:?}");
    }
    Ok(())
}

/// A blob being written: bytes go to a file under `ingest/`, counted and hashed as they come.
#[derive(Debug)]
pub struct BlobWriter {
    work: WorkDir,
    file: Sink,
    /// None for a stream whose digest its reader verifies ([`BlobWriter::for_verified_stream`]).
    hasher: Option<Sha256>,
    size: u64,
}

/// Where a blob's bytes go.
#[derive(Debug)]
enum Sink {
    /// Through a buffer and the page cache.
    Buffered(io::BufWriter<File>),
    /// Around the page cache: a pulled layer's blob, read again only by push and save (docs/layout.md
    /// "Images").
    Direct(DirectWriter),
}

impl Sink {
    /// Whether bytes written are still held here, not yet handed to the kernel.
    fn holds_bytes(&self) -> bool {
        match self {
            Sink::Buffered(b) => !b.buffer().is_empty(),
            Sink::Direct(d) => d.holds_bytes(),
        }
    }

    /// Every byte handed to the kernel; the file, not yet synced.
    fn finish(self) -> io::Result<File> {
        match self {
            Sink::Buffered(b) => b.into_inner().map_err(|e| e.into_error()),
            Sink::Direct(d) => d.finish(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Buffered(b) => b.write(buf),
            Sink::Direct(d) => d.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Buffered(b) => b.flush(),
            Sink::Direct(d) => d.flush(),
        }
    }
}

impl BlobWriter {
    /// Start a blob in a new `ingest/.tmp-*` work dir (removed on drop unless committed).
    pub fn new(paths: &Paths) -> Result<BlobWriter> {
        BlobWriter::with_sink(paths, |p| {
            let file = File::create(p).with_context(|| format!("creating {}", p.display()))?;
            Ok(Sink::Buffered(io::BufWriter::with_capacity(1 << 20, file)))
        })
    }

    fn with_sink(
        paths: &Paths,
        open: impl FnOnce(&std::path::Path) -> Result<Sink>,
    ) -> Result<BlobWriter> {
        let work = WorkDir::create(paths, &paths.ingest_dir())?;
        let file = open(&work.path().join("data"))?;
        Ok(BlobWriter {
            work,
            file,
            hasher: Some(Sha256::new()),
            size: 0,
        })
    }

    /// A blob copied from a stream that fails its own last read unless its size and sha256 match the
    /// digest later passed to [`BlobWriter::commit_verified`] (the registry client's blob reader, or a
    /// pull that hashes the stream itself): the bytes are not hashed a second time.
    pub fn for_verified_stream(paths: &Paths) -> Result<BlobWriter> {
        let mut w = BlobWriter::new(paths)?;
        w.hasher = None;
        Ok(w)
    }

    /// [`BlobWriter::for_verified_stream`] for a pulled layer's compressed blob: written with `O_DIRECT`
    /// where the filesystem allows it, so the blob, kept for push and save, does not fill the page cache
    /// while the layer's files do (see `store/direct.rs`).
    pub fn for_verified_chunks(paths: &Paths) -> Result<BlobWriter> {
        let mut w = BlobWriter::with_sink(paths, |p| Ok(Sink::Direct(DirectWriter::create(p)?)))?;
        w.hasher = None;
        Ok(w)
    }

    /// Commit a [`BlobWriter::for_verified_stream`] blob whose reader verified `hex` and `size`.
    pub fn commit_verified(self, paths: &Paths, hex: &str, size: u64) -> Result<()> {
        self.finish(paths, hex, size, true)
    }

    /// [`BlobWriter::commit_verified`] for a blob flushed before a `syncfs` of the layers' filesystem
    /// (a pull's layer commit): no fsync of its own when `ingest/` is on that filesystem, so a pull
    /// syncs once per layer (docs/layout.md "Images").
    pub fn commit_after_syncfs(self, paths: &Paths, hex: &str, size: u64) -> Result<()> {
        use std::os::unix::fs::MetadataExt;
        let dev = |p: &std::path::Path| fs::metadata(p).map(|m| m.dev()).ok();
        let here = dev(self.work.path());
        let same = here.is_some() && here == dev(&paths.layers_dir());
        self.finish(paths, hex, size, !same)
    }

    /// Verify that exactly `size` bytes with sha256 `hex` were written, make them durable, and name them
    /// `blobs/sha256/<hex>` (an existing blob of that name wins; it has the same content).
    pub fn commit(self, paths: &Paths, hex: &str, size: u64) -> Result<()> {
        if self.hasher.is_none() {
            bail!("blob sha256:{hex} was written unhashed: commit it with commit_verified");
        }
        self.finish(paths, hex, size, true)
    }

    fn finish(self, paths: &Paths, hex: &str, size: u64, sync: bool) -> Result<()> {
        check_name(hex)?;
        let BlobWriter {
            work,
            file,
            hasher,
            size: written,
        } = self;
        if written != size {
            bail!("blob sha256:{hex} is {written} bytes, expected {size}");
        }
        if let Some(hasher) = hasher {
            let got = hex::encode(hasher.finalize());
            if got != hex {
                bail!("blob does not match its digest sha256:{hex} (got sha256:{got})");
            }
        }
        // Content before name (docs/security.md J3): the rename below fsyncs the blobs dir. Bytes still
        // held here were not there for the caller's syncfs (its flush was skipped): they get an fsync.
        let sync = sync || file.holds_bytes();
        let file = file.finish().context("writing blob")?;
        if sync {
            file.sync_all().context("syncing blob")?;
        }
        drop(file);
        fs::create_dir_all(paths.blobs_dir())
            .with_context(|| format!("creating {}", paths.blobs_dir().display()))?;
        rename_if_absent(&work.path().join("data"), &paths.blob_path(hex))?;
        // `work` (now empty) and its lock go on drop.
        Ok(())
    }
}

impl Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Store a small blob held in memory under `hex`, verified; nothing is written when it is already there.
pub fn put(paths: &Paths, hex: &str, bytes: &[u8]) -> Result<()> {
    check_name(hex)?;
    if paths.blob_path(hex).exists() {
        return Ok(());
    }
    let mut w = BlobWriter::new(paths)?;
    w.write_all(bytes).context("writing blob")?;
    w.commit(paths, hex, bytes.len() as u64)
}

/// Give a file that a caller already verified as `hex` (its whole content hashed while it was written
/// into an `ingest/.tmp-*` work dir the caller owns, e.g. a member `load` spooled) its blob name: synced,
/// then renamed (an existing blob of that name wins). Saves a copy of a large layer blob.
pub fn adopt_verified(paths: &Paths, file: &std::path::Path, hex: &str) -> Result<()> {
    check_name(hex)?;
    File::open(file)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", file.display()))?;
    fs::create_dir_all(paths.blobs_dir())
        .with_context(|| format!("creating {}", paths.blobs_dir().display()))?;
    rename_if_absent(file, &paths.blob_path(hex))?;
    Ok(())
}

/// Whether the blob `hex` is in the store.
pub fn exists(paths: &Paths, hex: &str) -> bool {
    is_hex_digest(hex) && paths.blob_path(hex).is_file()
}

/// Read the blob `hex`, failing unless its content still matches its name.
pub fn read_verified(paths: &Paths, hex: &str) -> Result<Vec<u8>> {
    check_name(hex)?;
    let p = paths.blob_path(hex);
    let data = fs::read(&p).with_context(|| format!("reading blob {}", p.display()))?;
    if hex::encode(Sha256::digest(&data)) != hex {
        bail!("blob sha256:{hex} in the store does not match its digest");
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(d: &std::path::Path) -> Paths {
        Paths {
            root: d.join("root"),
            run_root: d.join("run"),
            rootless: false,
        }
    }

    #[test]
    fn a_verified_blob_gets_its_name_and_leaves_no_work() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        let hex = hex::encode(Sha256::digest(b"hello"));
        put(&p, &hex, b"hello").unwrap();
        assert_eq!(read_verified(&p, &hex).unwrap(), b"hello");
        // Again: the existing name wins, nothing is left in ingest/.
        put(&p, &hex, b"hello").unwrap();
        assert_eq!(fs::read_dir(p.ingest_dir()).unwrap().count(), 0);
    }

    #[test]
    fn a_wrong_size_or_digest_is_refused_and_never_named() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        let hex = hex::encode(Sha256::digest(b"hello"));
        let mut w = BlobWriter::new(&p).unwrap();
        w.write_all(b"hellp").unwrap();
        let err = w.commit(&p, &hex, 5).unwrap_err();
        assert!(
            format!("{err:#}").contains("does not match its digest"),
            "{err:#}"
        );
        let mut w = BlobWriter::new(&p).unwrap();
        w.write_all(b"hello!").unwrap();
        let err = w.commit(&p, &hex, 5).unwrap_err();
        assert!(
            format!("{err:#}").contains("is 6 bytes, expected 5"),
            "{err:#}"
        );
        assert!(!p.blob_path(&hex).exists());
        assert_eq!(fs::read_dir(p.ingest_dir()).unwrap().count(), 0);
        crate::testing::assert_err(put(&p, "../../etc", b"x"), "invalid sha256 digest");
    }

    #[test]
    fn a_pulled_blob_is_whole_with_or_without_its_flush() {
        // The direct-written blob of a pull: whole 1 MiB writes, then a tail the flush (or the commit,
        // when the flush was skipped) hands to the kernel.
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        for flushed in [true, false] {
            let data: Vec<u8> = (0..(1 << 20) + 4097).map(|i| (i % 251) as u8).collect();
            let hex = hex::encode(Sha256::digest(&data));
            let mut w = BlobWriter::for_verified_chunks(&p).unwrap();
            for piece in data.chunks(256 << 10) {
                w.write_all(piece).unwrap();
            }
            if flushed {
                w.flush().unwrap();
            }
            w.commit_after_syncfs(&p, &hex, data.len() as u64).unwrap();
            assert_eq!(read_verified(&p, &hex).unwrap(), data);
            fs::remove_file(p.blob_path(&hex)).unwrap();
        }
    }

    #[test]
    fn a_damaged_blob_fails_its_read() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        let hex = hex::encode(Sha256::digest(b"hello"));
        put(&p, &hex, b"hello").unwrap();
        fs::write(p.blob_path(&hex), b"evil").unwrap();
        crate::testing::assert_err(read_verified(&p, &hex), "does not match its digest");
    }
}

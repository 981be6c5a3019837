//! Pull of one layer: fetch the blob, decompress, hash (diffID) and unpack in one streaming pass, verify,
//! commit to the store (see the parent module's doc for the invariants), and which committed rootless
//! layers are unpacked again (`OwnersCheck`).

use super::super::Progress;
use super::{Source, pipe, rootless_unpack};
use crate::image::manifest;
use crate::image::{
    Digest, ImageRef, UnpackLimits, UnpackReport, compression, unpack_layer_threaded,
};
use crate::store::blobs::BlobWriter;
use crate::store::images::ImageIndex;
use crate::store::layers::{self, FinishedLayer, LayerMeta, NewLayer};
use crate::store::{FileLock, Paths};
use crate::trace;
use anyhow::{Context as _, Result, bail};
use sha2::{Digest as _, Sha256};
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};

pub(super) struct LayerJob<'a> {
    pub(super) paths: &'a Paths,
    pub(super) src: &'a dyn Source,
    pub(super) r: &'a ImageRef,
    pub(super) desc: &'a manifest::Descriptor,
    pub(super) diff_id: &'a Digest,
    pub(super) chain_id: &'a Digest,
    pub(super) parent: Option<&'a Digest>,
    pub(super) limits: &'a UnpackLimits,
    pub(super) rootless: bool,
    /// Rootless: what a user namespace gives this user (see [`Userns`]).
    pub(super) userns: Userns,
    pub(super) progress: &'a dyn Progress,
    /// Tar bytes decompressed by every layer of the pull, about what their files put in the page cache
    /// (the committer's flushes go by it).
    pub(super) unpacked: &'a AtomicU64,
}

/// What a user namespace gives a rootless user, probed once per pull that needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Userns {
    /// The user's subordinate ids (/etc/subuid, /etc/subgid): layers are unpacked in it with the image's
    /// owners, and committed layers without them are unpacked again.
    Subordinate,
    /// Only the user's own id: layers are unpacked in it (the unpacker says why owners were skipped).
    OwnIdOnly,
    /// No user namespace can be made here (none allowed, newuidmap failing): layers are unpacked in the
    /// pull process without owners, as before, with one warning. Also what a rootful pull carries.
    Unavailable,
}

impl Userns {
    pub(super) fn probe() -> Userns {
        const OWN_ID_ONLY: &str = "only the user's own id is mapped";
        let r = crate::runtime::in_userns("probing the user namespace", || {
            match crate::image::IdMap::of_self() {
                crate::image::IdMap::Subordinate => Ok(()),
                _ => bail!("{OWN_ID_ONLY}"),
            }
        });
        match r {
            Ok(()) => Userns::Subordinate,
            Err(e) if format!("{e:#}").contains(OWN_ID_ONLY) => Userns::OwnIdOnly,
            Err(_) => Userns::Unavailable,
        }
    }
}

/// Rootless stores: which committed layers are kept as they are. A layer unpacked without the image's
/// file owners (by an older berth, or before the user had subordinate ids) is unpacked again in a user
/// namespace when the user now has subordinate ids and no container uses the layer (deleting a lower dir
/// under a running container would empty it); otherwise it is kept, with a warning saying how to fix it.
pub(super) struct OwnersCheck<'a> {
    pub(super) paths: &'a Paths,
    /// Probed when a rootless pull first needs it (a stale layer, or a layer to unpack).
    userns: Option<Userns>,
    pub(super) warnings: Vec<String>,
}

impl<'a> OwnersCheck<'a> {
    pub(super) fn new(paths: &'a Paths) -> Self {
        OwnersCheck {
            paths,
            userns: None,
            warnings: Vec::new(),
        }
    }

    /// Whether the committed layer `chain` (with `meta`) is used as it is.
    pub(super) fn keep(&mut self, chain: &Digest, meta: &LayerMeta) -> Result<bool> {
        if !self.paths.rootless || meta.owners.as_deref() == Some(layers::OWNERS_USERNS) {
            return Ok(true);
        }
        if self.userns() != Userns::Subordinate {
            self.warnings.push("file owners from the image were not applied (rootless without subordinate ids: give the user a range in /etc/subuid and /etc/subgid, with newuidmap and newgidmap installed, then pull the image again)".into());
            return Ok(true);
        }
        let idx = ImageIndex::load(self.paths)?;
        let in_use = idx.images.values().any(|rec| {
            rec.layers.iter().any(|l| l.chain_id == chain.as_str())
                && crate::state::image_users::image_in_use(self.paths, &rec.id)
        });
        if in_use {
            self.warnings.push(format!(
                "layer {chain} was unpacked without the image's file owners (by an older berth) and containers use it: remove them, then pull the image again"
            ));
        }
        Ok(in_use)
    }

    /// What a user namespace gives this user; [`Userns::Unavailable`] rootful (never probed).
    pub(super) fn userns(&mut self) -> Userns {
        if !self.paths.rootless {
            return Userns::Unavailable;
        }
        *self.userns.get_or_insert_with(Userns::probe)
    }
}

impl LayerJob<'_> {
    /// Download, verify and unpack one layer, and stage it for the pull's commit (see [`Staged`]).
    pub(super) fn run(&self) -> Result<Outcome> {
        let hex = self.chain_id.hex();
        let lock = FileLock::exclusive(&self.paths.layer_lock(hex))?;
        let dest = self.paths.layer_dir(hex);
        if let Some(meta) = layers::committed(&dest)
            && (self.userns != Userns::Subordinate
                || meta.owners.as_deref() == Some(layers::OWNERS_USERNS))
        {
            return Ok(Outcome::Exists(meta.size));
        }
        // A damaged layer dir (no layer.json or diff/): berth never commits one, so something else
        // broke it; or a rootless layer without its owners (see `OwnersCheck`). Move it out of the
        // way under our lock and pull the layer again.
        layers::discard(self.paths, hex)?;
        let layer = NewLayer::create(self.paths)?;
        let id = self.desc.digest.short();
        let reader = self.src.fetch_blob(
            self.r.reference(),
            self.desc.digest.as_str(),
            self.desc.size,
        )?;
        // The compressed blob is kept for push and save (docs/layout.md "Images"): teed into the store as
        // it streams by, verified by the same checks as the layer, named only after them.
        let keep = if crate::store::blobs::exists(self.paths, self.desc.digest.hex()) {
            None
        } else {
            Some(BlobWriter::for_verified_chunks(self.paths)?)
        };
        let mut tee = BlobStream {
            inner: reader,
            hasher: (!self.src.verifies_blobs()).then(Sha256::new),
            count: 0,
            limit: self.desc.size,
            progress: self.progress,
            id,
        };
        let diff = layer.diff();
        // Three stages on three threads (`pipe.rs`): download (with the blob's sha256 and its copy into the
        // store) -> inflate (with the diffID's sha256) -> unpack, here. Each stage reads its input to the
        // end marker, so every byte of the blob and of the decompressed stream is hashed (A17).
        let (blob_tx, mut blob_rx) = pipe::channel();
        let (tar_tx, mut tar_rx) = pipe::channel();
        let (download, inflate, unpacked) = std::thread::scope(|s| {
            let download = s.spawn(move || -> Result<(BlobStream<'_>, Option<BlobWriter>)> {
                let _t = trace::span(|| format!("layer {id} download"));
                // Each whole chunk goes into the kept blob in one write.
                let mut keep = keep;
                blob_tx
                    .pump_all_with(&mut tee, &mut |chunk| match &mut keep {
                        Some(w) => w.write_all(chunk),
                        None => Ok(()),
                    })
                    .context("downloading the layer blob")?;
                Ok((tee, keep))
            });
            let inflate = s.spawn(move || -> Result<Digest> {
                let _t = trace::span(|| format!("layer {id} inflate"));
                let digest = {
                    // The decompressor reads the chunks in place (`pipe::Reader` is a `BufRead`).
                    let decompressed = compression::decompress(
                        &mut blob_rx,
                        &self.desc.media_type,
                        self.limits.zstd_window_log_max,
                    )?;
                    let mut hashed = HashReader {
                        inner: decompressed,
                        hasher: Sha256::new(),
                        count: 0,
                        limit: self.limits.max_layer_bytes,
                        unpacked: self.unpacked,
                    };
                    // To the decompressor's EOF: trailing bytes after the end-of-archive blocks are part of
                    // the diffID (docs/security.md A17).
                    tar_tx
                        .pump_all(&mut hashed)
                        .context("decompressing the layer")?;
                    Digest::from_hasher(hashed.hasher)
                };
                // Whatever the decompressor left unread still belongs to the blob: read to its end, so the
                // download stage sees all of it (size and digest).
                io::copy(&mut blob_rx, &mut io::sink())
                    .context("reading the rest of the layer blob")?;
                Ok(digest)
            });
            let unpacked = (|| -> Result<(UnpackReport, &'static str)> {
                let _t = trace::span(|| format!("layer {id} unpack"));
                let r = match (self.rootless, self.userns) {
                    (true, Userns::Subordinate | Userns::OwnIdOnly) => {
                        rootless_unpack::unpack(&mut tar_rx, &diff, layer.work_dir(), self.limits)?
                    }
                    (rootless, _) => {
                        let report =
                            unpack_layer_threaded(&mut tar_rx, &diff, self.limits, rootless)?;
                        let owners = if rootless {
                            layers::OWNERS_NONE
                        } else {
                            layers::OWNERS_IMAGE
                        };
                        (report, owners)
                    }
                };
                io::copy(&mut tar_rx, &mut io::sink()).context("reading the rest of the layer")?;
                Ok(r)
            })();
            // On an unpack error `tar_rx` is dropped here, which stops the stages upstream.
            drop(tar_rx);
            (join(download), join(inflate), unpacked)
        });
        // The first real error in stream order: a later stage's failure is often only the effect of an
        // earlier one's (a blob that failed its digest is a broken gzip stream too).
        let download = first_error(download)?;
        let diff_digest = first_error(inflate)?;
        let (report, owners) = unpacked?;
        let (Some((mut tee, mut keep)), Some(diff_digest)) = (download, diff_digest) else {
            bail!("the layer pipeline stopped before the end of the layer");
        };
        if tee.count != self.desc.size {
            bail!(
                "layer blob is {} bytes, the manifest says {}",
                tee.count,
                self.desc.size
            );
        }
        // A source that verifies its blobs has already failed the download on a digest mismatch.
        if let Some(h) = tee.hasher.take() {
            let blob_digest = Digest::from_hasher(h);
            if blob_digest != self.desc.digest {
                bail!(
                    "layer blob digest is {blob_digest}, the manifest says {}",
                    self.desc.digest
                );
            }
        }
        if diff_digest != *self.diff_id {
            bail!(
                "layer diffID is {diff_digest}, the image config says {}",
                self.diff_id
            );
        }
        // Its bytes reach the page cache now, so the syncfs that commits the layer makes them durable too.
        if let Some(w) = &mut keep {
            w.flush().context("writing the layer blob")?;
        }
        let meta = LayerMeta {
            chain_id: self.chain_id.to_string(),
            diff_id: self.diff_id.to_string(),
            parent: self.parent.map(ToString::to_string),
            size: report.file_bytes,
            owners: Some(owners.to_string()),
        };
        let layer = layer.finish(&meta)?;
        Ok(Outcome::Staged(Box::new(Staged {
            _lock: lock,
            layer,
            keep,
            blob_hex: self.desc.digest.hex().to_string(),
            blob_size: self.desc.size,
            id: id.to_string(),
            size: report.file_bytes,
            warnings: report.warnings,
        })))
    }
}

/// How a layer job ended.
pub(super) enum Outcome {
    /// The layer was already committed (by a concurrent pull): its unpacked size.
    Exists(u64),
    /// Verified and written, waiting for the pull's next group sync and its name.
    Staged(Box<Staged>),
}

/// A verified layer and its kept blob, still under the layer's lock, named only after a sync covers them.
pub(super) struct Staged {
    _lock: FileLock,
    layer: FinishedLayer,
    keep: Option<BlobWriter>,
    blob_hex: String,
    blob_size: u64,
    /// The short blob digest, for progress and trace lines.
    pub(super) id: String,
    /// Bytes of file content.
    pub(super) size: u64,
    pub(super) warnings: Vec<String>,
}

impl Staged {
    /// Name the layer (then its kept blob) once `synced` covers it.
    pub(super) fn commit(self, paths: &Paths, synced: &layers::Synced) -> Result<()> {
        let _t = trace::span(|| format!("layer {} commit", self.id));
        self.layer.commit(paths, synced)?;
        if let Some(w) = self.keep {
            // Size checked and digest verified before staging; synced by the same syncfs as the layer when
            // both are on one filesystem (else fsynced on its own).
            w.commit_after_syncfs(paths, &self.blob_hex, self.blob_size)
                .context("keeping the layer blob")?;
        }
        Ok(())
    }
}

/// A pipeline stage's outcome: its value, None when it only stopped because a later stage did (that
/// stage's error is the one to report), or its own error.
fn first_error<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if pipe::is_stopped(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn join<T>(h: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    h.join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("a layer pipeline thread panicked")))
}

/// The compressed layer stream: counted, reported as progress and, unless the source verifies blobs
/// itself, hashed; refuses more than the descriptor size.
struct BlobStream<'a> {
    inner: Box<dyn Read + Send>,
    hasher: Option<Sha256>,
    count: u64,
    limit: u64,
    progress: &'a dyn Progress,
    id: &'a str,
}

impl Read for BlobStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::other(format!(
                "layer blob is larger than the {} bytes the manifest says",
                self.limit
            )));
        }
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        if n > 0 {
            self.progress.on_bytes(self.id, n as u64);
        }
        Ok(n)
    }
}

/// Hashes the decompressed stream (the diffID), bounds its size (decompression bombs) and counts it into
/// the pull's total.
struct HashReader<'a, R> {
    inner: R,
    hasher: Sha256,
    count: u64,
    limit: u64,
    unpacked: &'a AtomicU64,
}

impl<R: Read> Read for HashReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::other(format!(
                "layer is larger than {} bytes uncompressed (limit max_layer_bytes)",
                self.limit
            )));
        }
        self.hasher.update(&buf[..n]);
        self.unpacked.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

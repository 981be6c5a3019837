//! A pull's layers: the workers that run each layer's pipeline (`layer.rs`), largest first, and the
//! committer that syncs the layers they verified and names them (docs/security.md J2, J3).

use super::layer::{LayerJob, Outcome, OwnersCheck, Staged, Userns};
use super::{FetchedImage, Source, unpack_limits};
use crate::engine::{Context, LayerStatus, Progress};
use crate::image::Digest;
use crate::image::{compression, manifest};
use crate::store::images::ImageIndex;
use crate::store::layers;
use crate::trace;
use anyhow::Result;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

/// How long the committer waits for a staged layer before it flushes what the workers wrote so far (one
/// `syncfs`, its result unused: a layer is only named after a sync that started once it was staged). The
/// kernel would keep a pull's data dirty for 30 s, so the syncfs that commits a layer of thousands of small
/// files used to write all of them while the pull waited; flushed as they come, that last syncfs finds
/// little left (issue 14). Durability is decided as before, by the sync each commit waits for.
const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// ... and only when the layers' decompressed tar streams grew by at least this much since the last flush (a
/// slow download is not flushed ten times a second for nothing). Decompressed, not downloaded, bytes: they are
/// what the files put in the page cache, and a layer of 40,000 1 KiB files (23 MB of gzip, 160 MB on disk in
/// 4 KiB blocks) was flushed twice and left 216 ms of writing to its commit.
const FLUSH_AFTER: u64 = 8 << 20;

/// Order the layers to fetch (indexes into `layers`) largest first: a pull ends with its last layers'
/// pipelines, which then have the machine to themselves, so those should be the short ones (an image is
/// typically one large base layer and small ones above it). The order changes nothing else: each layer is
/// verified and committed on its own. Equal sizes keep the manifest's order.
fn largest_first(pending: &mut [usize], layers: &[manifest::Descriptor]) {
    pending.sort_by_key(|&i| std::cmp::Reverse(layers[i].size));
}

/// How many layer pipelines run at once: `max_parallel_downloads` (1 to 16), no more than there are layers
/// to fetch, and half as many when one of them is zstd. A zstd decoder holds its window (8 MiB from the
/// usual encoders, at most 2^`zstd_window_log_max`) beside the pipeline's ~4 MiB: six zstd layers at once
/// peaked at 96 MiB, three at 63 MiB (gzip's 32 KiB window costs nothing).
fn worker_count(max_parallel: usize, layers: &[manifest::Descriptor], pending: &[usize]) -> usize {
    let zstd = pending.iter().any(|&i| {
        matches!(
            compression::from_media_type(&layers[i].media_type),
            Ok(Some(compression::Compression::Zstd))
        )
    });
    let parallel = max_parallel.clamp(1, 16);
    let parallel = if zstd {
        (parallel / 2).max(1)
    } else {
        parallel
    };
    parallel.min(pending.len().max(1))
}

/// Bring every layer of `image` into the store: those already committed are reported as docker does
/// ("Already exists") and never fetched (an image that is already complete reports no layers at all,
/// docker's "up to date" pull); the others are pulled by up to `max_parallel_downloads` workers, largest
/// first (`largest_first`).
/// Returns each layer's unpacked size, lowest first, and the warnings to show.
pub(super) fn fetch_layers(
    ctx: &Context,
    src: &dyn Source,
    image: &FetchedImage,
    chains: &[Digest],
    progress: &dyn Progress,
) -> Result<(Vec<u64>, Vec<String>)> {
    let paths = &ctx.paths;
    let manifest = &image.manifest;
    let diff_ids = &image.config.rootfs.diff_ids;
    let limits = unpack_limits(ctx);
    let warnings = Mutex::new(Vec::<String>::new());
    let sizes = Mutex::new(vec![0u64; manifest.layers.len()]);
    let next = AtomicUsize::new(0);
    // Tar bytes the workers decompressed (about what their files put in the page cache), for the
    // committer's flushes.
    let unpacked = AtomicU64::new(0);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let known = ImageIndex::load(paths)?
        .images
        .contains_key(manifest.config.digest.as_str());
    let mut pending = Vec::new();
    let mut owners = OwnersCheck::new(paths);
    for (i, size) in sizes
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter_mut()
        .enumerate()
    {
        match layers::committed(&paths.layer_dir(chains[i].hex())) {
            Some(meta) if owners.keep(&chains[i], &meta)? => *size = meta.size,
            _ => pending.push(i),
        }
    }
    // Rootless: how layers are unpacked (probed only when there is one to unpack or check).
    let userns = if pending.is_empty() {
        Userns::Unavailable
    } else {
        owners.userns()
    };
    let mut warnings_before = owners.warnings;
    let quiet_layers = known && pending.is_empty();
    for (i, l) in manifest.layers.iter().enumerate() {
        if pending.contains(&i) {
            progress.on_layer_start(l.digest.short(), l.size);
        } else if !quiet_layers {
            progress.on_layer_done(l.digest.short(), LayerStatus::AlreadyExists);
        }
    }
    largest_first(&mut pending, &manifest.layers);
    let workers = worker_count(
        ctx.config.registry.max_parallel_downloads,
        &manifest.layers,
        &pending,
    );
    let fail = |e: anyhow::Error| {
        first_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(e);
    };
    let (staged_tx, staged_rx) = std::sync::mpsc::channel::<(usize, Box<Staged>)>();
    std::thread::scope(|s| {
        let (sizes, warnings, next, pending, limits, fail, unpacked) = (
            &sizes, &warnings, &next, &pending, &limits, &fail, &unpacked,
        );
        let first_error = &first_error;
        // The committer: layers the workers have verified and written are synced together (one syncfs
        // for all those ready, docs/security.md J3) and named, while the workers go on to the next layer
        // instead of waiting for the disk.
        s.spawn(move || {
            let mut flushed = 0u64;
            loop {
                let first = match staged_rx.recv_timeout(FLUSH_EVERY) {
                    Ok(first) => first,
                    Err(RecvTimeoutError::Timeout) => {
                        // Nothing to commit yet: start the disk on what the workers wrote so far.
                        let now = unpacked.load(Ordering::Relaxed);
                        if now - flushed >= FLUSH_AFTER {
                            flushed = now;
                            let _t = trace::span(|| "pull flush".to_string());
                            let _ = layers::sync(paths);
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                let mut batch = vec![first];
                batch.extend(staged_rx.try_iter());
                let synced = {
                    let _t: Vec<_> = batch
                        .iter()
                        .map(|(_, st)| trace::span(|| format!("layer {} sync", st.id)))
                        .collect();
                    layers::sync(paths)
                };
                let synced = match synced {
                    Ok(v) => v,
                    Err(e) => {
                        fail(e);
                        continue;
                    }
                };
                for (i, st) in batch {
                    let (size, w) = (st.size, st.warnings.clone());
                    match st.commit(paths, &synced) {
                        Ok(()) => {
                            sizes.lock().unwrap_or_else(|e| e.into_inner())[i] = size;
                            warnings.lock().unwrap_or_else(|e| e.into_inner()).extend(w);
                            progress.on_layer_done(
                                manifest.layers[i].digest.short(),
                                LayerStatus::Downloaded,
                            );
                        }
                        Err(e) => {
                            fail(e.context(format!("pulling layer {}", manifest.layers[i].digest)))
                        }
                    }
                }
            }
        });
        for _ in 0..workers {
            let staged_tx = staged_tx.clone();
            s.spawn(move || {
                loop {
                    let Some(k) = super::next_job(next, pending.len(), first_error) else {
                        return;
                    };
                    let i = pending[k];
                    let job = LayerJob {
                        paths,
                        src,
                        r: &image.pinned,
                        desc: &manifest.layers[i],
                        diff_id: &diff_ids[i],
                        chain_id: &chains[i],
                        parent: i.checked_sub(1).map(|p| &chains[p]),
                        limits,
                        rootless: paths.rootless,
                        userns,
                        progress,
                        unpacked,
                    };
                    match job.run() {
                        Ok(Outcome::Exists(size)) => {
                            sizes.lock().unwrap_or_else(|e| e.into_inner())[i] = size;
                            progress.on_layer_done(
                                manifest.layers[i].digest.short(),
                                LayerStatus::AlreadyExists,
                            );
                        }
                        Ok(Outcome::Staged(st)) => {
                            // The committer outlives every worker (it ends when the last sender goes).
                            let _ = staged_tx.send((i, st));
                        }
                        Err(e) => {
                            fail(e.context(format!("pulling layer {}", manifest.layers[i].digest)));
                            return;
                        }
                    }
                }
            });
        }
        drop(staged_tx);
    });
    if let Some(e) = first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let sizes = sizes.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut warnings = warnings.into_inner().unwrap_or_else(|e| e.into_inner());
    warnings.append(&mut warnings_before);
    warnings.sort();
    warnings.dedup();
    Ok((sizes, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_are_fetched_largest_first_and_equal_sizes_in_manifest_order() {
        let layers: Vec<manifest::Descriptor> = [10u64, 300, 10, 50, 300]
            .iter()
            .enumerate()
            .map(|(i, &size)| manifest::Descriptor {
                media_type: "application/vnd.oci.image.layer.v1.tar+gzip".to_string(),
                digest: Digest::parse(&format!("sha256:{}", format!("{i}").repeat(64))).unwrap(),
                size,
                platform: None,
            })
            .collect();
        // Layer 2 is already in the store: only the others are fetched.
        let mut pending = vec![0, 1, 3, 4];
        largest_first(&mut pending, &layers);
        assert_eq!(pending, [1, 4, 3, 0]);
    }

    #[test]
    fn zstd_layers_run_half_as_many_pipelines_at_once() {
        let layer = |mt: &str| manifest::Descriptor {
            media_type: mt.to_string(),
            digest: Digest::parse(&format!("sha256:{}", "a".repeat(64))).unwrap(),
            size: 1,
            platform: None,
        };
        let gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
        let zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
        let docker = "application/vnd.docker.image.rootfs.diff.tar.gzip";
        let all = |mt| vec![layer(mt); 8];
        let every: Vec<usize> = (0..8).collect();
        assert_eq!(worker_count(6, &all(gzip), &every), 6);
        assert_eq!(worker_count(6, &all(docker), &every), 6);
        assert_eq!(worker_count(6, &all(zstd), &every), 3);
        assert_eq!(worker_count(1, &all(zstd), &every), 1);
        assert_eq!(
            worker_count(40, &all(gzip), &every),
            8,
            "no more than the layers"
        );
        assert_eq!(worker_count(6, &all(gzip), &[2, 5]), 2);
        // One zstd layer among gzip ones, still to fetch: half.
        let mut mixed = all(gzip);
        mixed[7] = layer(zstd);
        assert_eq!(worker_count(6, &mixed, &every), 3);
        // ... already stored: not counted.
        assert_eq!(worker_count(6, &mixed, &[0, 1, 2, 3, 4, 5, 6]), 6);
    }
}

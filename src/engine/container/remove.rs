//! `rm` and `container prune`: kill what runs, clean up what a crashed monitor left, delete the files.

use super::InvalidState;
use super::stop::{disable_restart, signal, wait_stopped};
use crate::engine::Context;
use crate::monitor;
use crate::state::{self, Containers, Status};
use crate::store::dir_size;
use anyhow::{Context as _, Result, bail};
use std::time::Duration;

/// `rm [-f] [-v]`.
pub fn remove(ctx: &Context, query: &str, force: bool, volumes: bool) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    if c.is_torn(&id) {
        // What a power cut left of an `--rm` container (docs/layout.md): nothing runs, nothing to read.
        let _l = c.lock(&id)?;
        state::remove_dir_if_exists(&c.dir(&id))?;
        return state::remove_dir_if_exists(&c.run_dir(&id));
    }
    let rec = c.load_record(&id)?;
    super::pod_member::guard_infra_removal(paths, &rec)?;
    {
        let _l = c.lock(&id)?;
        let st = c.refresh(&id)?;
        if !st.is_running() && !rec.config.restart.is_none() {
            // Its monitor may still be deciding on a restart after the exit: a removal ends that.
            disable_restart(&c, &id, &st)?;
        }
        if st.is_running() {
            if !force && st.status == Status::Restarting {
                bail!(InvalidState(format!(
                    "cannot remove container \"/{}\": container is restarting: stop the container before removing or force remove",
                    rec.name
                )));
            }
            if !force {
                bail!(InvalidState(format!(
                    "cannot remove container \"/{}\": container is running: stop the container before removing or force remove",
                    rec.name
                )));
            }
            if st.status == Status::Paused {
                let _ = crate::runtime::cgroup::thaw(&monitor::cgroup_name(&rec));
            }
            disable_restart(&c, &id, &st)?;
            signal(&st, libc::SIGKILL)?;
            super::stop::emit_kill(paths, &rec, libc::SIGKILL);
        }
    }
    wait_stopped(&c, &id, Duration::from_secs(30))?;
    // Its monitor may have removed it (--rm); taking the lock then would recreate its run dir.
    if !c.dir(&id).exists() {
        return state::remove_dir_if_exists(&c.run_dir(&id));
    }
    let _l = c.lock(&id)?;
    if !c.dir(&id).exists() {
        return state::remove_dir_if_exists(&c.run_dir(&id));
    }
    destroy_and_remove(paths, &c, &rec, volumes)
}

/// Remove a stopped container, after destroying whatever a monitor killed with -9 left behind:
/// processes, cgroup, mounts, network. Called with the container's lock held.
fn destroy_and_remove(
    paths: &crate::store::Paths,
    c: &Containers,
    rec: &state::ContainerRecord,
    volumes: bool,
) -> Result<()> {
    crate::runtime::destroy(
        &rec.id,
        &monitor::rootfs_of(c, rec),
        Some(&monitor::cgroup_name(rec)),
    )
    .context("cleaning up the container")?;
    crate::network::teardown(paths, &rec.id).context("tearing down the container's network")?;
    super::namespaces::release_shm(paths, &rec.id)?;
    c.remove_files(rec, volumes)?;
    crate::engine::events::emit_container(paths, rec, "destroy");
    Ok(())
}

/// `container prune`: remove every stopped container that `filter` allows (its labels are the image's
/// with its own over them, as docker's); the bytes are what their upper dirs held.
pub fn prune(
    ctx: &Context,
    filter: &crate::engine::system::PruneFilter,
) -> Result<crate::engine::Pruned<String>> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let mut ids = Vec::new();
    let mut bytes = 0;
    for id in c.list_ids()? {
        let Ok(_l) = c.lock(&id) else { continue };
        let Ok(st) = c.refresh(&id) else { continue };
        if st.is_running() || c.monitor_alive(&id) {
            continue;
        }
        let Ok(rec) = c.load_record(&id) else {
            continue;
        };
        if super::pod_member::is_live_infra(paths, &rec) {
            continue;
        }
        // A running build's step container is the build's to remove (its upper dir is being committed).
        if rec
            .config
            .labels
            .get(super::BUILD_OWNER_LABEL)
            .is_some_and(|v| super::build_owner_alive(v))
        {
            continue;
        }
        let mut labels = rec.image_config.labels.clone();
        labels.extend(rec.config.labels.clone());
        if !filter.allows(&rec.created, &labels) {
            continue;
        }
        bytes += dir_size(&c.dir(&id).join("upper"));
        destroy_and_remove(paths, &c, &rec, false)?;
        ids.push(id);
    }
    // Directories of `--rm` containers whose monitor died before deleting them, and of creations killed
    // before their record was written.
    c.sweep_trash()?;
    c.sweep_unfinished()?;
    Ok(crate::engine::Pruned {
        removed: ids,
        reclaimed_bytes: bytes,
    })
}

/// Bytes in the container's upper dir: what it wrote (`ps -s`, `container prune`).
pub fn upper_size(ctx: &Context, id: &str) -> u64 {
    dir_size(&Containers::new(&ctx.paths).dir(id).join("upper"))
}

/// Bytes in the image layers a container runs on (`ps -s`'s virtual size, added to [`upper_size`]).
pub fn layers_size(layers: &[std::path::PathBuf]) -> u64 {
    layers.iter().map(|l| dir_size(l)).sum()
}

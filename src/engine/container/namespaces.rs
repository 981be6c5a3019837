//! `--pid container:<x>` and `--ipc container:<x>`: at each start, point the container's spec at the
//! other container's namespaces through its init's pid, as pod members join their infra's
//! (pod_member.rs) and `--network container:` joins a network namespace. The host and private modes
//! are the spec's own (spec::build_spec). The joiner shares the donor's IPC namespace (System V IPC,
//! POSIX message queues) and its /dev/shm: a shareable container's /dev/shm is, as docker's, a tmpfs
//! mounted outside it at `<run dir>/shm` (rootless: that directory, on the run root's tmpfs) and bound
//! into it and into every joiner; it goes when the container is removed ([`release_shm`]). A monitor whose container joins another PID namespace
//! re-executes from a sealed copy (monitor::supervisor, docs/security.md F1).
//! Depends on state (the other container's record and pid).

use super::pod_member::{is_mountpoint, read_spec, set_bind, set_namespace, write_spec};
use crate::engine::Context;
use crate::state::{ContainerRecord, Containers};
use crate::types::NsMode;
use anyhow::{Context as _, Result, bail};
use std::path::PathBuf;

/// Hook of `container::start`, with the container's lock held, before its monitor is spawned.
pub(crate) fn prepare_start(ctx: &Context, rec: &ContainerRecord) -> Result<()> {
    let ns = &rec.config.namespaces;
    let joins: Vec<(&str, &str, &str)> = [("pid", "PID", &ns.pid), ("ipc", "IPC", &ns.ipc)]
        .into_iter()
        .filter_map(|(kind, word, m)| match m {
            NsMode::Container(x) => Some((kind, word, x.as_str())),
            _ => None,
        })
        .collect();
    let c = Containers::new(&ctx.paths);
    if ns.ipc == NsMode::Shareable {
        let shm = mount_shm(ctx, &c, rec)?;
        let mut spec = read_spec(&c, &rec.id)?;
        set_bind(&mut spec, "/dev/shm", &shm, &SHM_BIND)?;
        write_spec(&c, &rec.id, &spec)?;
    }
    // moby `daemon/container_operations_unix.go` setupLinkedContainers: a link's target must be running.
    for (id, alias) in &rec.config.net.links {
        if !c.peek(id).is_ok_and(|st| st.is_running()) {
            let target = c
                .load_record(id)
                .map(|r| r.name)
                .unwrap_or_else(|_| id.clone());
            bail!(
                "Cannot link to a non running container: /{target} AS /{}/{alias}",
                rec.name
            );
        }
    }
    if joins.is_empty() {
        return Ok(());
    }
    let mut spec = read_spec(&c, &rec.id)?;
    let mut user_of = None;
    for (kind, word, target) in joins {
        let id = c.lookup(target)?;
        if id == rec.id {
            bail!("cannot join own {word} namespace");
        }
        let st = c.peek(&id)?;
        // moby `daemon/container_operations_unix.go` getIpcContainer / getPidContainer.
        if !st.is_running() {
            bail!("cannot join {word} of a non running container: {target}");
        }
        if kind == "ipc" {
            let donor = c.load_record(&id)?.config.namespaces.ipc;
            if donor != NsMode::Shareable && donor != NsMode::Host {
                bail!(
                    "cannot join IPC of container {id}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)"
                );
            }
        }
        if kind == "ipc" {
            // The donor's /dev/shm: its shareable tmpfs, or the host's with `--ipc host`.
            let shm = c.run_dir(&id).join("shm");
            let src = if shm.is_dir() {
                shm
            } else {
                PathBuf::from("/dev/shm")
            };
            set_bind(&mut spec, "/dev/shm", &src, &SHM_BIND)?;
        }
        let p = PathBuf::from(format!("/proc/{}/ns/{kind}", st.pid));
        set_namespace(&mut spec, kind, Some(&p))?;
        user_of.get_or_insert(st.pid);
    }
    if ctx.paths.rootless
        && let Some(pid) = user_of
    {
        // Rootless, the other container's namespaces belong to its user namespace: only a process in
        // it may join them (setns(2) needs CAP_SYS_ADMIN there), as pod members do.
        set_namespace(
            &mut spec,
            "user",
            Some(&PathBuf::from(format!("/proc/{pid}/ns/user"))),
        )?;
    }
    write_spec(&c, &rec.id, &spec)
}

const SHM_BIND: [&str; 5] = ["rbind", "rprivate", "nosuid", "nodev", "noexec"];

/// A shareable container's /dev/shm at `<run dir>/shm`: a tmpfs of its `--shm-size` (64 MiB, docker's
/// default), mounted once and kept across restarts until [`release_shm`]; rootless, berth cannot mount
/// on the host and the directory itself is shared (as a pod's, engine::pod).
fn mount_shm(ctx: &Context, c: &Containers, rec: &ContainerRecord) -> Result<PathBuf> {
    let shm = c.run_dir(&rec.id).join("shm");
    std::fs::create_dir_all(&shm).with_context(|| format!("creating {}", shm.display()))?;
    if !ctx.paths.rootless && !is_mountpoint(&shm) {
        use nix::mount::MsFlags;
        nix::mount::mount(
            Some("shm"),
            &shm,
            Some("tmpfs"),
            MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
            Some(format!("mode=1777,size={}", rec.config.shm_size.unwrap_or(64 << 20)).as_str()),
        )
        .with_context(|| format!("mounting the container's shm at {}", shm.display()))?;
    }
    Ok(shm)
}

/// Unmount and remove a shareable container's /dev/shm (see [`mount_shm`]): at `rm`, and when an
/// `--rm` container exits. Containers that joined it keep their own mount of it.
pub fn release_shm(paths: &crate::store::Paths, id: &str) -> Result<()> {
    let shm = paths.container_run_dir(id).join("shm");
    while is_mountpoint(&shm) {
        nix::mount::umount2(&shm, nix::mount::MntFlags::MNT_DETACH)
            .with_context(|| format!("unmounting {}", shm.display()))?;
    }
    crate::state::remove_dir_if_exists(&shm)
}

//! `--pid container:<x>` and `--ipc container:<x>`: at each start, point the container's spec at the
//! other container's namespaces through its init's pid, as pod members join their infra's
//! (pod_member.rs) and `--network container:` joins a network namespace. The host and private modes
//! are the spec's own (spec::build_spec). The joiner shares the donor's IPC namespace (System V IPC,
//! POSIX message queues) but keeps its own /dev/shm: the donor's tmpfs lives in the donor's mount
//! namespace, which a bind mount cannot reach (docker mounts a shareable /dev/shm on the host). A monitor whose container joins another PID namespace
//! re-executes from a sealed copy (monitor::supervisor, docs/security.md F1).
//! Depends on state (the other container's record and pid).

use super::pod_member::{read_spec, set_namespace, write_spec};
use crate::engine::Context;
use crate::state::{ContainerRecord, Containers};
use crate::types::NsMode;
use anyhow::{Result, bail};
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

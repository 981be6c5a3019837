//! `update`: change a container's resource limits and restart policy, running or not (docker's
//! `container update`). The new values go into its record (what inspect's HostConfig shows), its OCI spec
//! (what the next start applies) and, while it runs, its cgroup.
//!
//! Depends on spec, state and runtime::cgroup (the one place that writes cgroup files). Invariant: the
//! record, the spec and the live cgroup agree once `update` returns Ok; validation happens before any
//! of them is written.

use crate::engine::Context;
use crate::monitor;
use crate::spec;
use crate::state::{Containers, Status};
use crate::store::{self};
use crate::types::{ContainerConfig, Resources, RestartPolicy};
use anyhow::{Context as _, Result, bail};

/// The flags of `update`; `None` leaves a value as it is.
#[derive(Debug, Clone, Default)]
pub struct UpdateOptions {
    /// The limits to change (`None`: unchanged).
    pub resources: Resources,
    pub restart: Option<RestartPolicy>,
}

impl UpdateOptions {
    pub fn is_empty(&self) -> bool {
        self.resources == Resources::default() && self.restart.is_none()
    }
}

/// Merge `u` into `o` with docker's checks (moby `daemon/update.go`, `verifyContainerResources`).
fn merge(o: &ContainerConfig, u: &UpdateOptions) -> Result<ContainerConfig> {
    let mut n = o.clone();
    if let Some(m) = u.resources.memory {
        if m < 6 * 1024 * 1024 {
            bail!("Minimum memory limit allowed is 6MB");
        }
        // An explicit swap limit set earlier stays; memory may not grow past it alone.
        if u.resources.memory_swap.is_none()
            && let Some(s) = o.resources.memory_swap.filter(|s| *s > 0)
            && m > s
        {
            bail!(
                "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time"
            );
        }
        n.resources.memory = Some(m);
    }
    if let Some(s) = u.resources.memory_swap {
        if n.resources.memory.is_none() {
            bail!("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if s != -1 && n.resources.memory.is_some_and(|m| s < m) {
            bail!("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        n.resources.memory_swap = Some(s);
    }
    if let Some(c) = u.resources.nano_cpus {
        super::create::check_cpus(c)?;
        n.resources.nano_cpus = (c > 0).then_some(c);
    }
    if let Some(s) = u.resources.cpu_shares {
        n.resources.cpu_shares = (s > 0).then_some(s);
    }
    if let Some(c) = &u.resources.cpuset_cpus {
        n.resources.cpuset_cpus = (!c.is_empty()).then(|| c.clone());
    }
    if let Some(p) = u.resources.pids_limit {
        n.resources.pids_limit = Some(p);
    }
    merge_more(&mut n.resources, &u.resources);
    super::create::check_resources(&n.resources)?;
    if let Some(r) = &u.restart {
        if o.auto_remove && !r.is_none() {
            bail!(
                "Restart policy cannot be updated because AutoRemove is enabled for the container"
            );
        }
        n.restart = r.clone();
    }
    Ok(n)
}

/// The flags docker's `update` has beyond the first six: 0 (or -1 for the quota) resets a value.
fn merge_more(n: &mut Resources, u: &Resources) {
    if let Some(v) = u.memory_reservation {
        n.memory_reservation = (v > 0).then_some(v);
    }
    if let Some(v) = u.cpu_period {
        n.cpu_period = (v > 0).then_some(v);
    }
    if let Some(v) = u.cpu_quota {
        n.cpu_quota = (v > 0).then_some(v);
    }
    if let Some(v) = &u.cpuset_mems {
        n.cpuset_mems = (!v.is_empty()).then(|| v.clone());
    }
    if let Some(v) = u.blkio_weight {
        n.blkio_weight = (v > 0).then_some(v);
    }
}

/// `update [flags] CONTAINER`.
pub fn update(ctx: &Context, query: &str, u: &UpdateOptions) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let _l = c.lock(&id)?;
    let st = c.refresh(&id)?;
    let mut rec = c.load_record(&id)?;
    let merged = merge(&rec.config, u).with_context(|| format!("Cannot update container {id}"))?;
    let mut res = spec::linux_resources(&merged)?;
    // The spec leaves an unlimited pids count out; a live cgroup must be told "max" explicitly.
    let mut live = res.clone();
    if u.resources.pids_limit.is_some_and(|p| p <= 0) {
        live.set_pids(Some(
            oci_spec::runtime::LinuxPidsBuilder::default()
                .limit(0)
                .build()
                .context("building the pids limit")?,
        ));
    }
    // `--cpus 0` (or `--cpu-quota` 0 or -1) removes the quota: the live cgroup needs "unlimited" (-1 in
    // v1, "max" in v2) written.
    if u.resources.nano_cpus == Some(0) || u.resources.cpu_quota.is_some_and(|q| q <= 0) {
        let mut cpu = live.cpu().clone().unwrap_or_default();
        cpu.set_quota(Some(-1));
        cpu.set_period(Some(100_000));
        live.set_cpu(Some(cpu));
    }
    let running = st.is_running() && st.status != Status::Restarting;
    if running {
        crate::runtime::cgroup::update(&monitor::cgroup_name(&rec), &live)
            .with_context(|| format!("Cannot update container {id}"))?;
    }
    // The next start applies the spec: keep its device rules, replace the limits.
    let spec_path = c.dir(&id).join("config.json");
    let mut spec: serde_json::Value = serde_json::from_slice(
        &std::fs::read(&spec_path).with_context(|| format!("reading {}", spec_path.display()))?,
    )
    .with_context(|| format!("parsing {}", spec_path.display()))?;
    let devices = spec["linux"]["resources"]["devices"].take();
    let block_io = spec["linux"]["resources"]["blockIO"].take();
    res.set_devices(serde_json::from_value(devices).ok());
    let mut new = serde_json::to_value(&res).context("encoding resources")?;
    // The device throttles were resolved at create and `update` has no flag for them: they stay.
    for (k, v) in block_io.as_object().into_iter().flatten() {
        if k.starts_with("throttle") {
            new["blockIO"][k] = v.clone();
        }
    }
    spec["linux"]["resources"] = new;
    store::write_atomic(
        &spec_path,
        &serde_json::to_vec_pretty(&spec).context("encoding spec")?,
    )?;
    rec.config = merged;
    c.save_record(&rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_and_swap_follow_dockers_rules() {
        let o = ContainerConfig {
            resources: crate::types::Resources {
                memory: Some(64 << 20),
                memory_swap: Some(128 << 20),
                ..Default::default()
            },
            ..Default::default()
        };
        let grow = UpdateOptions {
            resources: crate::types::Resources {
                memory: Some(256 << 20),
                ..Default::default()
            },
            ..Default::default()
        };
        crate::testing::assert_err(
            merge(&o, &grow),
            "Memory limit should be smaller than already set memoryswap limit",
        );
        let both = UpdateOptions {
            resources: crate::types::Resources {
                memory: Some(256 << 20),
                memory_swap: Some(512 << 20),
                ..Default::default()
            },
            ..Default::default()
        };
        let n = merge(&o, &both).unwrap();
        assert_eq!(
            (n.resources.memory, n.resources.memory_swap),
            (Some(256 << 20), Some(512 << 20))
        );
        let tiny = UpdateOptions {
            resources: crate::types::Resources {
                memory: Some(1 << 20),
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(
            merge(&o, &tiny).unwrap_err().to_string(),
            "Minimum memory limit allowed is 6MB"
        );
    }

    #[test]
    fn restart_policy_cannot_be_set_on_an_auto_removed_container() {
        let o = ContainerConfig {
            auto_remove: true,
            ..Default::default()
        };
        let u = UpdateOptions {
            restart: Some(RestartPolicy::parse("always").unwrap()),
            ..Default::default()
        };
        crate::testing::assert_err(
            merge(&o, &u),
            "Restart policy cannot be updated because AutoRemove is enabled",
        );
    }
}

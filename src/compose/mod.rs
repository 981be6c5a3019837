//! `compose`: docker compose v2 on top of the engine. Loads a project (files, environment,
//! interpolation, merging, `extends`, profiles: `load.rs`), maps each service onto the engine's run
//! options (`service.rs`), and orders the engine's verbs over the project's containers, networks and
//! volumes (`up.rs`, `ops.rs`), which it finds again by docker's `com.docker.compose.*` labels.
//!
//! Sits above `engine` as `cli` does (docs/architecture.md): imports `engine`, `types` and `config`
//! only, and never prints: progress goes through [`Events`], results are returned for `cli` to print.
//! Invariant: what a project made carries `com.docker.compose.project=<name>`, and `down` removes
//! exactly what carries it.

pub mod build;
pub mod extras;
pub mod include;
pub mod interp;
pub mod load;
pub mod merge;
mod mounts;
pub mod normalize;
pub mod oneoff;
pub mod ops;
pub mod order;
pub mod resolve;
pub mod schema;
pub mod service;
pub mod up;

pub use load::{LoadOptions, Project, load};
pub use ops::DownOptions;
pub use up::UpOptions;

use crate::engine::Context;
use crate::engine::container::{self as ctr, Status};

/// Progress of a compose verb, for `cli` to print (docker compose's ` Container web-1  Started`).
pub trait Events: Sync {
    /// `kind` is `Container`, `Network`, `Volume` or `Image`; `status` docker compose's word.
    fn event(&self, kind: &str, name: &str, status: &str);
    fn warn(&self, message: &str);
}

/// Events nobody hears.
pub struct Quiet;

impl Events for Quiet {
    fn event(&self, _: &str, _: &str, _: &str) {}
    fn warn(&self, _: &str) {}
}

/// One container of a project, found by its labels.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub service: String,
    pub number: u32,
    pub oneoff: bool,
    pub hash: String,
    pub status: Status,
    pub exit_code: i32,
    pub image: String,
    pub created: String,
    pub started_at: String,
    pub finished_at: String,
    pub command: Vec<String>,
    /// Published ports (`-p`) as the container asked for them.
    pub ports: Vec<crate::types::PortMapping>,
    /// docker's health word: `starting`, `healthy`, `unhealthy`, or `none` without a health check.
    pub health: String,
    /// The container's labels (the image's under the container's own).
    pub labels: std::collections::BTreeMap<String, String>,
    /// Mount destinations, and how many of them are named or anonymous volumes.
    pub mounts: Vec<String>,
    pub local_volumes: usize,
    /// The networks it is attached to, comma-separated (`network` of its config).
    pub networks: String,
}

/// The containers labelled with project `project` (running ones only unless `all`), ordered by
/// service and number.
pub fn members(ctx: &Context, project: &str, all: bool) -> anyhow::Result<Vec<Member>> {
    let mut out: Vec<Member> = ctr::list(ctx)?
        .into_iter()
        .filter(|l| {
            l.record
                .config
                .labels
                .get(labels::PROJECT)
                .map(String::as_str)
                == Some(project)
        })
        .filter(|l| {
            all || matches!(
                l.state.status,
                Status::Running | Status::Restarting | Status::Paused
            )
        })
        .map(|l| {
            let lab = &l.record.config.labels;
            let get = |k: &str| lab.get(k).cloned().unwrap_or_default();
            let mut command = vec![l.record.path.clone()];
            command.extend(l.record.args.iter().cloned());
            Member {
                id: l.record.id.clone(),
                name: l.record.name.clone(),
                service: get(labels::SERVICE),
                number: get(labels::NUMBER).parse().unwrap_or(0),
                oneoff: get(labels::ONEOFF) == "True",
                hash: get(labels::HASH),
                status: l.state.status,
                exit_code: l.state.exit_code,
                image: l.record.image.clone(),
                created: l.record.created.clone(),
                started_at: l.state.started_at.clone(),
                finished_at: l.state.finished_at.clone(),
                command,
                ports: l.record.config.net.ports.clone(),
                health: l.health.clone(),
                labels: {
                    let mut all = l.record.image_config.labels.clone();
                    all.extend(lab.clone());
                    all
                },
                mounts: l
                    .record
                    .mounts
                    .iter()
                    .map(|m| m.destination.clone())
                    .collect(),
                local_volumes: l
                    .record
                    .mounts
                    .iter()
                    .filter(|m| m.kind == crate::types::MountKind::Volume)
                    .count(),
                networks: l.record.config.network.clone(),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.service, a.number, &a.name).cmp(&(&b.service, b.number, &b.name)));
    Ok(out)
}

/// Every project that has containers (`compose ls`): name, its containers' statuses, config files.
pub fn projects(ctx: &Context) -> anyhow::Result<Vec<(String, Vec<Status>, String)>> {
    let mut map: std::collections::BTreeMap<String, (Vec<Status>, String)> = Default::default();
    for l in ctr::list(ctx)? {
        let lab = &l.record.config.labels;
        if let Some(p) = lab.get(labels::PROJECT) {
            let e = map.entry(p.clone()).or_default();
            e.0.push(l.state.status);
            if e.1.is_empty() {
                e.1 = lab.get(labels::CONFIG_FILES).cloned().unwrap_or_default();
            }
        }
    }
    Ok(map.into_iter().map(|(k, (s, f))| (k, s, f)).collect())
}

/// The labels docker compose puts on what it creates.
pub mod labels {
    pub const PROJECT: &str = "com.docker.compose.project";
    pub const SERVICE: &str = "com.docker.compose.service";
    pub const NUMBER: &str = "com.docker.compose.container-number";
    pub const HASH: &str = "com.docker.compose.config-hash";
    pub const ONEOFF: &str = "com.docker.compose.oneoff";
    pub const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
    pub const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
    pub const DEPENDS_ON: &str = "com.docker.compose.depends_on";
    pub const VERSION: &str = "com.docker.compose.version";
    pub const NETWORK: &str = "com.docker.compose.network";
    pub const VOLUME: &str = "com.docker.compose.volume";
    pub const IMAGE: &str = "com.docker.compose.image";
}

/// The docker compose version berth's compose behaves as (the `com.docker.compose.version` label).
pub const COMPOSE_VERSION: &str = "2.29.7";

impl Project {
    /// The service names, in the model's (sorted) order.
    pub fn service_names(&self) -> Vec<String> {
        self.model
            .get("services")
            .and_then(serde_json::Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    pub fn service(&self, name: &str) -> Option<&serde_json::Value> {
        self.model.get("services").and_then(|s| s.get(name))
    }

    /// `docker compose config --volumes`: the top-level volume keys.
    pub fn section_keys(&self, key: &str) -> Vec<String> {
        self.model
            .get(key)
            .and_then(serde_json::Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The model as YAML (`config`).
    pub fn to_yaml(&self) -> anyhow::Result<String> {
        use anyhow::Context;
        serde_norway::to_string(&self.model).context("encoding the project as YAML")
    }
}

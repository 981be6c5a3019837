//! `inspect` of containers, images, volumes, networks and pods: `--type` picks one kind; without it,
//! each name is looked up as a container, then an image, a volume, a network and a pod (docker's
//! autodetection, with podman's pods last), and `No such object: X` when none has it.

use crate::cli::{format, stdout};
use crate::engine::container::StateError;
use crate::engine::container::{self as ctr};
use crate::engine::network::NoSuchNetwork;
use crate::engine::volume::{self, NoSuchVolume};
use crate::engine::{Context, image::NoSuchImage, pod};
use anyhow::{Result, bail};
use clap::Args;
use serde_json::Value;
use std::io::Write;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Format output using a custom template
    #[arg(short = 'f', long)]
    pub format: Option<String>,
    /// Return JSON for specified type
    #[arg(long = "type")]
    pub kind: Option<String>,
    #[arg(required = true)]
    pub names: Vec<String>,
}

/// The kinds of object `inspect` knows, in the order it looks a name up without `--type`.
const KINDS: [&str; 5] = ["container", "image", "volume", "network", "pod"];

/// One object of one kind, as the JSON docker prints (and templates see).
fn inspect_kind(p: &Context, kind: &str, name: &str) -> Result<Value> {
    Ok(match kind {
        "container" => serde_json::to_value(ctr::inspect(p, name)?)?,
        "image" => serde_json::to_value(crate::engine::image::inspect_image(p, name)?)?,
        "volume" => volume::inspect(&p.paths, name)?,
        "network" => serde_json::to_value(crate::engine::network::inspect(&p.paths, name)?)?,
        "pod" => pod::inspect(p, name)?,
        other => bail!("{other:?} is not a valid value for --type"),
    })
}

/// Whether `e` says only that no object of that kind has the name, so the next kind may be tried
/// (docker's `isErrSkippable`); any other failure is reported as it is.
fn not_found(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<StateError>(),
        Some(StateError::NoSuchContainer(_))
    ) || e.downcast_ref::<NoSuchImage>().is_some()
        || e.downcast_ref::<NoSuchVolume>().is_some()
        || e.downcast_ref::<NoSuchNetwork>().is_some()
        || pod::is_no_such_pod(e)
}

/// Without `--type`: the first kind that has the name.
fn inspect_any(p: &Context, name: &str) -> Result<Value> {
    for kind in KINDS {
        match inspect_kind(p, kind, name) {
            Err(e) if not_found(&e) => continue,
            found => return found,
        }
    }
    bail!("No such object: {name}")
}

pub(super) fn inspect_cmd(p: &Context, a: &InspectArgs) -> Result<i32> {
    if let Some(k) = a.kind.as_deref()
        && !KINDS.contains(&k)
    {
        bail!("{k:?} is not a valid value for --type");
    }
    let mut values = Vec::new();
    let mut code = 0;
    for n in &a.names {
        let v = match a.kind.as_deref() {
            // `network inspect`'s wording for a network (docker's client: "No such network: X").
            Some(kind) => inspect_kind(p, kind, n).map_err(|e| {
                if e.downcast_ref::<NoSuchNetwork>().is_some() {
                    anyhow::anyhow!("No such network: {n}")
                } else {
                    e
                }
            }),
            None => inspect_any(p, n),
        };
        match v {
            Ok(v) => values.push(v),
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "Error: {e:#}");
                code = 1;
            }
        }
    }
    if !values.is_empty() || a.format.is_none() {
        format::render_inspect(&mut stdout(), a.format.as_deref(), &values)?;
    }
    Ok(code)
}

//! `inspect` of containers, images, volumes and pods, without a type: containers first.

use crate::cli::{GlobalOpts, format, stdout};
use crate::engine::container::StateError;
use crate::engine::container::{self as ctr};
use crate::engine::volume;
use anyhow::Result;
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

/// docker's generic `inspect` also answers for images (img's engine builds that JSON).
fn inspect_image(g: &GlobalOpts, name: &str) -> Result<Value> {
    let (ctx, _) = crate::engine::Context::new(
        g.root.as_deref(),
        g.run_root.as_deref(),
        g.config.as_deref(),
    )?;
    Ok(serde_json::to_value(crate::engine::image::inspect_image(
        &ctx, name,
    )?)?)
}

/// The engine's typed container inspect, as the JSON docker prints (and templates see).
fn inspect_container(p: &crate::engine::Context, name: &str) -> Result<Value> {
    Ok(serde_json::to_value(ctr::inspect(p, name)?)?)
}

pub(super) fn inspect_cmd(
    p: &crate::engine::Context,
    g: &GlobalOpts,
    a: &InspectArgs,
) -> Result<i32> {
    let mut values = Vec::new();
    let mut code = 0;
    for n in &a.names {
        let v = match a.kind.as_deref() {
            Some("volume") => volume::inspect(&p.paths, n),
            Some("container") => inspect_container(p, n),
            Some("image") => inspect_image(g, n),
            _ => inspect_container(p, n).or_else(|e| {
                if e.downcast_ref::<StateError>().is_some() {
                    inspect_image(g, n)
                        .or_else(|_| volume::inspect(&p.paths, n))
                        .map_err(|_| anyhow::anyhow!("No such object: {n}"))
                } else {
                    Err(e)
                }
            }),
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

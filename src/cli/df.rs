//! `system df [-v] [--format]`: docker's disk usage summary (TYPE TOTAL ACTIVE SIZE RECLAIMABLE) and
//! its verbose per-item sections (docker/cli `formatter/disk_usage.go`).

use super::container::ps::{command_column, status_column};
use super::{format, human, stdout};
use crate::engine::Context;
use crate::engine::system::{self, DiskUsage};
use anyhow::Result;
use serde_json::{Value, json};
use std::io::Write;
use std::time::SystemTime;

#[derive(Debug, clap::Args)]
pub struct DfArgs {
    /// Show detailed information on space usage
    #[arg(short, long)]
    pub verbose: bool,
    /// Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

const SUMMARY: &str = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
const SUMMARY_HEADERS: &[(&str, &str)] = &[("TotalCount", "TOTAL")];

/// go-units `HumanSize` (4 significant digits), docker's unit for df's summary and volumes.
fn size4(b: u64) -> String {
    human::human_size_with_precision(b as f64, 4)
}

/// `12.3MB (45%)` as docker prints a reclaimable share (no percentage of nothing).
fn share(reclaimable: u64, total: u64) -> String {
    match (reclaimable * 100).checked_div(total) {
        Some(pct) => format!("{} ({pct}%)", size4(reclaimable)),
        None => size4(reclaimable),
    }
}

/// The four summary rows, with docker's field names.
fn summary(du: &DiskUsage) -> Vec<Value> {
    let active_images = du.images.iter().filter(|i| i.containers > 0).count();
    let c_total: u64 = du.containers.iter().map(|c| c.size_rw).sum();
    let c_reclaim: u64 = du
        .containers
        .iter()
        .filter(|c| !c.running)
        .map(|c| c.size_rw)
        .sum();
    let v_total: u64 = du.volumes.iter().map(|v| v.size).sum();
    let v_reclaim: u64 = du
        .volumes
        .iter()
        .filter(|v| v.links == 0)
        .map(|v| v.size)
        .sum();
    let row = |t: &str, total: usize, active: usize, size: String, rec: String| {
        json!({"Active": active.to_string(), "Reclaimable": rec, "Size": size,
               "TotalCount": total.to_string(), "Type": t})
    };
    vec![
        row(
            "Images",
            du.images.len(),
            active_images,
            size4(du.layers_size),
            share(du.images_reclaimable, du.layers_size),
        ),
        row(
            "Containers",
            du.containers.len(),
            du.containers.iter().filter(|c| c.running).count(),
            size4(c_total),
            share(c_reclaim, c_total),
        ),
        row(
            "Local Volumes",
            du.volumes.len(),
            du.volumes.iter().filter(|v| v.links > 0).count(),
            size4(v_total),
            share(v_reclaim, v_total),
        ),
        row(
            "Build Cache",
            du.build_cache_entries,
            0,
            size4(du.build_cache_size),
            size4(du.build_cache_size),
        ),
    ]
}

pub fn run(ctx: &Context, a: &DfArgs) -> Result<i32> {
    let du = system::disk_usage(ctx)?;
    let mut out = stdout();
    if !a.verbose {
        format::render_list(
            &mut out,
            a.format.as_deref(),
            SUMMARY,
            &summary(&du),
            SUMMARY_HEADERS,
        )?;
        return Ok(0);
    }
    verbose(&mut out, &du)?;
    Ok(0)
}

/// docker's `df -v`: one titled table per kind.
fn verbose(out: &mut dyn Write, du: &DiskUsage) -> Result<()> {
    let now = SystemTime::now();
    let since = |t: Option<&str>| {
        t.and_then(crate::time::parse_recorded)
            .map(|t| human::since(t, now))
            .unwrap_or_else(|| "N/A".into())
    };
    let images: Vec<Value> = du
        .images
        .iter()
        .map(|i| {
            let (repo, tag) = match i.tags.first() {
                Some(t) => match t.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')) {
                    Some((r, tag)) => (r.to_string(), tag.to_string()),
                    None => (t.clone(), "<none>".into()),
                },
                None => ("<none>".into(), "<none>".into()),
            };
            json!({
                "Repository": repo, "Tag": tag,
                "ID": i.id.trim_start_matches("sha256:").chars().take(12).collect::<String>(),
                "CreatedSince": since(i.created.as_deref()),
                "Size": human::human_size(i.size),
                "SharedSize": human::human_size(i.shared_size),
                "UniqueSize": human::human_size(i.size - i.shared_size),
                "Containers": i.containers.to_string(),
            })
        })
        .collect();
    writeln!(out, "Images space usage:\n")?;
    format::render_list(
        out,
        None,
        "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}",
        &images,
        &[("ID", "IMAGE ID"), ("CreatedSince", "CREATED")],
    )?;
    let containers: Vec<Value> = du
        .containers
        .iter()
        .map(|c| {
            let l = &c.listed;
            json!({
                "ID": l.record.id.chars().take(12).collect::<String>(),
                "Image": l.record.image,
                "Command": command_column(l, true),
                "LocalVolumes": c.volumes.to_string(),
                "Size": human::human_size(c.size_rw),
                "RunningFor": since(Some(&l.record.created)),
                "Status": status_column(l, now),
                "Names": l.record.name,
            })
        })
        .collect();
    writeln!(out, "\nContainers space usage:\n")?;
    format::render_list(
        out,
        None,
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}",
        &containers,
        &[("ID", "CONTAINER ID"), ("RunningFor", "CREATED")],
    )?;
    let volumes: Vec<Value> = du
        .volumes
        .iter()
        .map(|v| json!({"Name": v.name, "Links": v.links.to_string(), "Size": size4(v.size)}))
        .collect();
    writeln!(out, "\nLocal Volumes space usage:\n")?;
    format::render_list(
        out,
        None,
        "table {{.Name}}\t{{.Links}}\t{{.Size}}",
        &volumes,
        &[("Name", "VOLUME NAME")],
    )?;
    let at = |secs: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    let cache: Vec<Value> = du
        .build_cache
        .iter()
        .map(|r| {
            json!({
                "ID": r.id.chars().take(12).collect::<String>(),
                "CacheType": r.kind,
                "Size": human::human_size_with_precision(r.size as f64, 3),
                "CreatedSince": human::since(at(r.created), now),
                "LastUsedSince": human::since(at(r.last_used), now),
                "UsageCount": r.uses.to_string(),
                "Shared": r.shared.to_string(),
            })
        })
        .collect();
    writeln!(out, "\nBuild cache usage: {}\n", size4(du.build_cache_size))?;
    format::render_list(
        out,
        None,
        "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}",
        &cache,
        &[
            ("ID", "CACHE ID"),
            ("CacheType", "CACHE TYPE"),
            ("CreatedSince", "CREATED"),
            ("LastUsedSince", "LAST USED"),
            ("UsageCount", "USAGE"),
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reclaimable_shows_a_percentage_of_a_nonzero_total() {
        assert_eq!(share(500, 1000), "500B (50%)");
        assert_eq!(share(0, 0), "0B");
    }
}

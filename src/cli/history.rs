//! `history [--no-trunc] [-H/--human=false] [-q] [--format] IMAGE`: docker's columns (IMAGE, CREATED,
//! CREATED BY, SIZE, COMMENT) and field names (docker/cli `formatter_history.go`).

use super::{format, human, stdout};
use crate::engine::Context;
use crate::engine::image as eng;
use anyhow::Result;
use serde_json::json;
use std::time::SystemTime;

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Print sizes and dates in human readable format
    #[arg(short = 'H', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "true", default_missing_value = "true", value_parser = crate::cli::go_bool,
          value_name = "BOOL", hide_default_value = true)]
    pub human: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    pub image: String,
}

const DEFAULT_TABLE: &str =
    "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

const HEADERS: &[(&str, &str)] = &[
    ("ID", "IMAGE"),
    ("CreatedSince", "CREATED"),
    ("CreatedAt", "CREATED AT"),
    ("CreatedBy", "CREATED BY"),
];

/// docker/cli `formatter.Ellipsis` for ASCII and other single-width text: at most `max` characters,
/// the last one `…` when cut.
fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).collect::<String>() + "…"
    }
}

pub fn run(ctx: &Context, a: &HistoryArgs) -> Result<i32> {
    let rows = eng::history(ctx, &a.image)?;
    let now = SystemTime::now();
    let values: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let id = match &r.id {
                Some(id) if a.no_trunc => id.clone(),
                Some(id) => id.trim_start_matches("sha256:").chars().take(12).collect(),
                None => "<missing>".to_string(),
            };
            // docker reads `created` to whole seconds (the API's Unix time).
            let created = r
                .created
                .as_deref()
                .and_then(crate::time::parse_recorded)
                .map(|t| {
                    let secs = t
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap_or_default()
                        .as_secs();
                    std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs)
                })
                .unwrap_or(std::time::UNIX_EPOCH);
            let created_at = human::format_rfc3339_local(created);
            let created_by = r.created_by.replace('\t', " ");
            json!({
                "Comment": r.comment,
                "CreatedAt": created_at,
                "CreatedBy": if a.no_trunc { created_by } else { ellipsis(&created_by, 45) },
                "CreatedSince": if a.human { human::since(created, now) } else { created_at.clone() },
                "ID": id,
                "Size": if a.human { human::human_size(r.size) } else { r.size.to_string() },
            })
        })
        .collect();
    let fmt = if a.quiet {
        Some("{{.ID}}")
    } else {
        a.format.as_deref()
    };
    format::render_list(&mut stdout(), fmt, DEFAULT_TABLE, &values, HEADERS)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_by_is_cut_at_45_characters_with_an_ellipsis() {
        let s = "/bin/sh -c #(nop) ADD file:0123456789abcdef0123456789abcdef in / ";
        let e = ellipsis(s, 45);
        assert_eq!(e.chars().count(), 45);
        assert!(e.ends_with('…'));
        assert_eq!(ellipsis("short", 45), "short");
    }
}

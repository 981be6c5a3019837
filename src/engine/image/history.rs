//! `history`: an image's build steps from its config's `history`, newest first, with the size of the
//! layer each step made (docker's `ImageHistory`).

use super::{image_config_json, resolve_local};
use crate::engine::Context;
use anyhow::Result;
use serde::Deserialize;

/// One row of `history`, as docker's `image.HistoryResponseItem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// The image ID for the newest step; `None` for the others (docker's `<missing>`: their
    /// intermediate images are not in the store).
    pub id: Option<String>,
    /// The step's time (RFC 3339 as recorded), if the config has one.
    pub created: Option<String>,
    pub created_by: String,
    /// Bytes of the layer the step made; 0 for `empty_layer` steps.
    pub size: u64,
    pub comment: String,
    /// The image's tags, on the newest row only.
    pub tags: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Step {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    created_by: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    empty_layer: bool,
}

/// `berth history IMAGE`: newest step first. Steps that made a layer take the layers' sizes in order;
/// a config without history gets one row per layer (as docker shows for such images).
pub fn history(ctx: &Context, name: &str) -> Result<Vec<HistoryRow>> {
    let rec = resolve_local(ctx, name)?;
    let cfg = image_config_json(&ctx.paths, &rec)?;
    let steps: Vec<Step> = cfg
        .get("history")
        .cloned()
        .and_then(|h| serde_json::from_value(h).ok())
        .unwrap_or_default();
    let mut sizes = rec.layers.iter().map(|l| l.size);
    let mut rows: Vec<HistoryRow> = if steps.is_empty() {
        rec.layers
            .iter()
            .map(|l| HistoryRow {
                id: None,
                created: rec.created.clone(),
                created_by: String::new(),
                size: l.size,
                comment: String::new(),
                tags: Vec::new(),
            })
            .collect()
    } else {
        steps
            .into_iter()
            .map(|s| HistoryRow {
                id: None,
                created: s.created,
                created_by: s.created_by,
                size: if s.empty_layer {
                    0
                } else {
                    sizes.next().unwrap_or(0)
                },
                comment: s.comment,
                tags: Vec::new(),
            })
            .collect()
    };
    rows.reverse();
    if let Some(top) = rows.first_mut() {
        top.id = Some(rec.id.clone());
        top.tags = rec
            .repo_tags
            .iter()
            .map(|t| crate::image::reference::familiar_name(t))
            .collect();
    }
    Ok(rows)
}

//! `rename`: a new name, reserved before the old one is released.

use super::InvalidState;
use crate::engine::Context;
use crate::state::Containers;
use anyhow::{Result, bail};

/// `rename OLD NEW`.
pub fn rename(ctx: &Context, query: &str, new_name: &str) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let _l = c.lock(&id)?;
    let mut rec = c.load_record(&id)?;
    let new_name = new_name.strip_prefix('/').unwrap_or(new_name);
    if rec.name == new_name {
        bail!(InvalidState(
            "Renaming a container with the same name as its current name".into()
        ));
    }
    c.reserve_name(new_name, &id)?;
    let old = std::mem::replace(&mut rec.name, new_name.to_string());
    rec.config.name = Some(new_name.to_string());
    if let Err(e) = c.save_record(&rec) {
        let _ = c.release_name(new_name, &id);
        return Err(e);
    }
    c.release_name(&old, &id)?;
    crate::engine::events::emit(
        paths,
        crate::engine::events::container_event(&rec, "rename").attr("oldName", format!("/{old}")),
    );
    Ok(())
}

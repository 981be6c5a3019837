//! `pause`/`unpause` through the cgroup freezer.

use super::InvalidState;
use crate::engine::Context;
use crate::monitor;
use crate::state::{Containers, Status};
use anyhow::{Result, bail};

/// `pause`/`unpause` through the cgroup freezer.
pub fn set_paused(ctx: &Context, query: &str, pause: bool) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let _l = c.lock(&id)?;
    let mut st = c.refresh(&id)?;
    match (st.status, pause) {
        (Status::Running, true) => {
            crate::runtime::cgroup::freeze(&monitor::cgroup_name(&rec))?;
            st.status = Status::Paused;
        }
        (Status::Paused, false) => {
            crate::runtime::cgroup::thaw(&monitor::cgroup_name(&rec))?;
            st.status = Status::Running;
        }
        (Status::Paused, true) => bail!(InvalidState(format!("container {id} is already paused"))),
        (Status::Running, false) => bail!(InvalidState(format!("container {id} is not paused"))),
        _ => bail!(InvalidState(format!("container {id} is not running"))),
    }
    c.save_state(&id, &st)?;
    let action = if pause { "pause" } else { "unpause" };
    crate::engine::events::emit_container(paths, &rec, action);
    Ok(())
}

//! `cp`: where the container's root is (running or not); the copy itself is [`super::cp`].

use super::InvalidState;
use crate::engine::Context;
use crate::monitor;
use crate::state::{self, Containers};
use anyhow::{Context as _, Result, bail};
use std::path::Path;

/// `cp CONTAINER:SRC DEST` and `cp SRC CONTAINER:DEST`. docker copies to and from stopped and created
/// containers too: then the rootfs is mounted in a child's private mount namespace (nothing on the host),
/// under the container's lock so that `start` cannot mount the same upper dir meanwhile.
pub fn copy(
    ctx: &Context,
    query: &str,
    into: bool,
    container_path: &str,
    host_path: &Path,
) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let st = c.peek(&id)?;
    // The stopped case copies from a child process: a relative host path must not depend on where it runs.
    let host_path = &std::path::absolute(host_path).context("resolving the host path")?;
    let cp = |root: &Path| {
        if into {
            super::cp::copy_in(root, host_path, container_path)
        } else {
            super::cp::copy_out(root, container_path, host_path)
        }
    };
    if st.is_running() && state::same_process_alive(st.pid, st.start_time) {
        return cp(Path::new(&format!("/proc/{}/root", st.pid)));
    }
    let _lock = c.lock(&id)?;
    let st = c.refresh(&id)?;
    if st.is_running() {
        bail!(InvalidState(format!(
            "container {id} started while copying: try again"
        )));
    }
    let rec = c.load_record(&id)?;
    crate::runtime::with_rootfs(&monitor::rootfs_of(&c, &rec), paths.rootless, cp)
}

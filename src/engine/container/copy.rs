//! `cp`: where the container's root is (running or not); the copy itself is [`super::cp`].

use super::InvalidState;
use crate::engine::Context;
use crate::monitor;
use crate::state::{self, Containers};
use anyhow::{Context as _, Result, bail};
use std::path::Path;

/// `cp`'s flags that change the copy itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct CopyOptions {
    /// `-a`: the copy gets the source's uid and gid (docker's default: the destination's user).
    pub archive: bool,
    /// `-L`: a symlink named as the source is followed (inside the container, never out of its root).
    pub follow_link: bool,
}

/// `cp CONTAINER:SRC DEST` and `cp SRC CONTAINER:DEST`. docker copies to and from stopped and created
/// containers too: then the rootfs is mounted in a child's private mount namespace (nothing on the host),
/// under the container's lock so that `start` cannot mount the same upper dir meanwhile.
pub fn copy(
    ctx: &Context,
    query: &str,
    into: bool,
    container_path: &str,
    host_path: &Path,
    o: CopyOptions,
) -> Result<()> {
    // The stopped case copies from a child process: a relative host path must not depend on where it runs.
    let host_path = &std::path::absolute(host_path).context("resolving the host path")?;
    in_root(ctx, query, |root: &Path| {
        if into {
            super::cp::copy_in(root, host_path, container_path, o)
        } else {
            super::cp::copy_out(root, container_path, host_path, o)
        }
    })
}

/// `cp - CONTAINER:DIR`: the tar stream `input` unpacked into the existing directory DIR, by the layer
/// unpacker's rules (docs/security.md I1: no entry leaves DIR; entries keep the tar's owners, as docker's).
pub fn copy_tar_in(
    ctx: &Context,
    query: &str,
    container_path: &str,
    input: &mut dyn std::io::Read,
) -> Result<()> {
    let limits = crate::engine::image::unpack_limits(ctx);
    let rootless = ctx.paths.rootless;
    in_root(ctx, query, |root: &Path| {
        super::cp::tar_in(root, container_path, input, &limits, rootless)
    })
}

/// `cp CONTAINER:SRC -`: a tar stream of SRC written to `out`.
pub fn copy_tar_out(
    ctx: &Context,
    query: &str,
    container_path: &str,
    o: CopyOptions,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    in_root(ctx, query, |root: &Path| {
        super::cp::tar_out(root, container_path, o.follow_link, out)?;
        // The stopped case runs this in a forked child: what it buffered must reach the fd.
        out.flush().context("writing the tar stream")
    })
}

/// Run `f` on the container's root: `/proc/<pid>/root` when it runs, else its rootfs mounted in a child.
fn in_root(ctx: &Context, query: &str, f: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let st = c.peek(&id)?;
    if st.is_running() && state::same_process_alive(st.pid, st.start_time) {
        return f(Path::new(&format!("/proc/{}/root", st.pid)));
    }
    let _lock = c.lock(&id)?;
    let st = c.refresh(&id)?;
    if st.is_running() {
        bail!(InvalidState(format!(
            "container {id} started while copying: try again"
        )));
    }
    let rec = c.load_record(&id)?;
    crate::runtime::with_rootfs(&monitor::rootfs_of(&c, &rec), paths.rootless, f)
}

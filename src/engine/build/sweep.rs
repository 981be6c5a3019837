//! What a killed build leaves behind, swept by the next build and by `builder prune`: the containers of
//! its RUN steps (labelled with their owner process, `ctr::BUILD_OWNER_LABEL`) and its work dirs under
//! `buildcache/tmp` (each held by an owner lock, docs/layout.md "Build cache"). Only leftovers of dead
//! processes are touched, never a concurrent build's.

use crate::engine::Context;
use crate::engine::container as ctr;
use crate::state::Containers;
use crate::store::{FileLock, remove_tree_owned};

/// The owner label's value for this process: `<pid>:<start time>` (a reused pid is another owner).
pub fn owner_value() -> String {
    let pid = std::process::id() as i32;
    let start = crate::state::process_start_time(pid).unwrap_or(0);
    format!("{pid}:{start}")
}

/// Remove the step containers and work dirs whose build is gone; returns how many containers.
pub fn sweep(ctx: &Context) -> usize {
    let mut n = 0;
    let c = Containers::new(&ctx.paths);
    for id in c.list_ids().unwrap_or_default() {
        let Ok(rec) = c.load_record(&id) else {
            continue;
        };
        let Some(owner) = rec.config.labels.get(ctr::BUILD_OWNER_LABEL) else {
            continue;
        };
        if ctr::build_owner_alive(owner) {
            continue;
        }
        match ctr::remove(ctx, &id, true, true) {
            Ok(()) => n += 1,
            Err(e) => log::warn!("removing the step container of a killed build: {e:#}"),
        }
    }
    // A build killed inside `create`, before the step container's record existed.
    match c.sweep_unfinished() {
        Ok(k) => n += k,
        Err(e) => log::warn!("removing unfinished containers: {e:#}"),
    }
    sweep_work_dirs(ctx);
    n
}

/// `.tmp-<token>` dirs of `buildcache/tmp` whose owner lock (`locks/tmp-<token>.lock`) is free.
fn sweep_work_dirs(ctx: &Context) {
    let paths = &ctx.paths;
    let Ok(rd) = std::fs::read_dir(paths.build_tmp_dir()) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(token) = name.strip_prefix(".tmp-") else {
            continue;
        };
        if token.is_empty()
            || !token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            continue;
        }
        let lock_path = paths.locks_dir().join(format!("tmp-{token}.lock"));
        if let Ok(Some(_held)) = FileLock::try_exclusive(&lock_path) {
            let _ = remove_tree_owned(&e.path(), paths.rootless);
            let _ = std::fs::remove_file(&lock_path);
        }
    }
}

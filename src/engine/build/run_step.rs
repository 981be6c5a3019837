//! `RUN`: the step's command runs as a container created and started by the same verbs as `berth run`
//! (capabilities, seccomp, masked paths, the rootless user namespace, the network), over the stage's
//! layers as overlay lowers; its output streams through the attach connection; its upper dir becomes the
//! step's layer. The container is removed whatever happens (a failed build leaves none,
//! docs/architecture.md "build").

use super::BuildProgress;
use super::cache;
use super::image_config::{BuiltLayer, State};
use crate::engine::Context;
use crate::engine::container::{self as ctr, ImageInfo};
use crate::state::attach;
use crate::types::{ContainerConfig, HostTarget, MountKind, MountRequest};
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How a RUN ended when it did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("exit code: {0}")]
    Exit(i32),
    #[error("exceeded {0}")]
    Timeout(String),
    #[error("canceled")]
    Canceled,
}

/// What a RUN step needs besides the stage's state.
pub struct RunStep<'a> {
    pub argv: Vec<String>,
    /// Build args in the environment (`K=V`), not persisted.
    pub args_env: Vec<String>,
    /// `--mount=` values as written.
    pub mounts: &'a [String],
    pub network: String,
    pub add_hosts: &'a [(String, IpAddr)],
    pub secrets: &'a BTreeMap<String, PathBuf>,
    pub context_dir: Option<&'a Path>,
    pub timeout: Option<Duration>,
    pub vertex: usize,
    /// `[build.package_mirrors]` and `--package-mirror`: key -> mirror URL.
    pub mirrors: &'a super::mirror::Mirrors,
    pub cancel: Option<&'static std::sync::atomic::AtomicBool>,
    /// SOURCE_DATE_EPOCH: the layer's mtimes are clamped to it.
    pub epoch: Option<i64>,
    /// `--mount=type=bind,from=stage|image`: per index into `mounts`, the source staged on the host.
    pub staged: BTreeMap<usize, PathBuf>,
    /// Host files bound read-only at a path of the container (a `RUN <<EOF` script with a `#!` line,
    /// at `/dev/pipes/EOF` as BuildKit puts it).
    pub files: Vec<(PathBuf, String)>,
}

/// The `(from, source)` of a `--mount=type=bind,from=...` value (source `/` when not given).
pub fn bind_from(spec: &str) -> Option<(String, String)> {
    let mut kv = BTreeMap::new();
    for part in spec.split(',') {
        let (k, v) = part.split_once('=').unwrap_or((part, "true"));
        kv.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    if kv.get("type").is_some_and(|t| t != "bind") {
        return None;
    }
    let from = kv.get("from")?.clone();
    let src = kv.get("source").or_else(|| kv.get("src"));
    Some((
        from,
        format!(
            "/{}",
            src.map_or("", String::as_str).trim_start_matches('/')
        ),
    ))
}

/// The source of a `--mount=type=bind` from the build context (no `from=`): its path in the context
/// (`""` for the whole context). Its content is part of the step's cache key, as COPY's sources are.
pub fn context_bind_source(spec: &str) -> Option<String> {
    let mut kv = BTreeMap::new();
    for part in spec.split(',') {
        let (k, v) = part.split_once('=').unwrap_or((part, "true"));
        kv.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    if kv.get("type").is_some_and(|t| t != "bind") || kv.contains_key("from") {
        return None;
    }
    let src = kv.get("source").or_else(|| kv.get("src"));
    Some(
        src.map_or("", String::as_str)
            .trim_start_matches('/')
            .to_string(),
    )
}

/// Removes the step's container on every path out.
struct Container<'a> {
    ctx: &'a Context,
    id: Option<String>,
}

impl Drop for Container<'_> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let _ = ctr::remove(self.ctx, &id, true, true);
        }
    }
}

/// Run the step; on success, its layer (None when it changed nothing). `tail` receives the output's
/// last lines for the error message.
pub fn run(
    ctx: &Context,
    state: &State,
    step: &RunStep,
    progress: &dyn BuildProgress,
    tail: &mut Vec<String>,
) -> Result<Option<BuiltLayer>> {
    let mut mounts = parse_mounts(ctx, step)?;
    mounts.extend(step.files.iter().map(|(src, t)| bind(src.clone(), t, true)));
    let targets: Vec<String> = mounts.iter().map(|m| m.target.clone()).collect();
    // The rewritten package sources live in this dir while the step runs (removed on drop).
    let mirror_dir = cache::work_dir(&ctx.paths)?;
    mounts.extend(mirror_mounts(state, step.mirrors, mirror_dir.path())?);
    let image = ImageInfo {
        id: state.base_id.clone(),
        name: "berth-build".into(),
        layers: state.lowers.clone(),
        config: state.run_config(),
    };
    let net = crate::types::NetOptions {
        extra_hosts: step
            .add_hosts
            .iter()
            .map(|(h, ip)| (h.clone(), HostTarget::Ip(*ip)))
            .collect(),
        ..Default::default()
    };
    let opts = ContainerConfig {
        cmd: step.argv.clone(),
        env: step.args_env.clone(),
        network: match step.network.as_str() {
            "" | "default" => "bridge".into(),
            n => n.into(),
        },
        net,
        mounts,
        labels: BTreeMap::from([(
            ctr::BUILD_OWNER_LABEL.to_string(),
            super::sweep::owner_value(),
        )]),
        ..Default::default()
    };
    let mut guard = Container { ctx, id: None };
    let id = ctr::create(ctx, &image, opts).context("creating the step's container")?;
    guard.id = Some(id.clone());
    let started = ctr::start(ctx, &id, true).context("starting the step's container")?;
    let mut conn = started.attach.context("no attach connection to the step")?;
    let code = stream(ctx, &id, &mut conn, step, progress, tail)?;
    if code != 0 {
        bail!(RunError::Exit(code));
    }
    let c = crate::state::Containers::new(&ctx.paths);
    let upper = c.dir(&id).join("upper");
    let work = cache::work_dir(&ctx.paths)?;
    let moved = work.path().join("diff");
    std::fs::rename(&upper, &moved)
        .with_context(|| format!("moving {} into the build cache", upper.display()))?;
    let mut candidates: Vec<PathBuf> = ["etc/hosts", "etc/hostname", "etc/resolv.conf"]
        .iter()
        .map(PathBuf::from)
        .collect();
    for t in targets
        .iter()
        .chain(["dev", "proc", "sys"].map(String::from).iter())
    {
        let mut p = PathBuf::from(t.trim_start_matches('/'));
        loop {
            candidates.push(p.clone());
            match p.parent() {
                Some(q) if !q.as_os_str().is_empty() => p = q.to_path_buf(),
                _ => break,
            }
        }
    }
    remove_mount_points(&moved, &state.lowers, &candidates);
    drop(guard);
    cache::commit_layer(&ctx.paths, work, &moved, &[], step.epoch)
}

/// What the runtime created in the upper dir only to mount over it (/etc/hosts, the `--mount` targets
/// and their parents when the image lacks them): empty and absent from every lower, so not part of the
/// step's changes (docker keeps such mount points out of its layers too). `candidates` deepest first.
fn remove_mount_points(upper: &Path, lowers: &[PathBuf], candidates: &[PathBuf]) {
    for rel in candidates {
        let p = upper.join(rel);
        let Ok(md) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if lowers
            .iter()
            .any(|l| std::fs::symlink_metadata(l.join(rel)).is_ok())
        {
            continue;
        }
        if md.is_dir() {
            let _ = std::fs::remove_dir(&p);
        } else if md.is_file() && md.len() == 0 {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// Copy the attach stream to `progress` until the exit frame; kill the container past the timeout.
fn stream(
    ctx: &Context,
    id: &str,
    conn: &mut std::os::unix::net::UnixStream,
    step: &RunStep,
    progress: &dyn BuildProgress,
    tail: &mut Vec<String>,
) -> Result<i32> {
    let deadline = step.timeout.map(|t| Instant::now() + t);
    let mut timed_out = false;
    let mut canceled = false;
    let mut line = Vec::new();
    loop {
        let mut wait = Duration::from_millis(200);
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() && !timed_out {
                timed_out = true;
                let _ = ctr::kill(ctx, id, libc::SIGKILL);
            }
            wait = wait.min(left.max(Duration::from_millis(50)));
        }
        if !canceled
            && step
                .cancel
                .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst))
        {
            canceled = true;
            let _ = ctr::kill(ctx, id, libc::SIGKILL);
        }
        conn.set_read_timeout(Some(wait))?;
        let frame = match attach::read_frame(conn) {
            Ok(f) => f,
            Err(e)
                if e.downcast_ref::<std::io::Error>().is_some_and(|io| {
                    matches!(io.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
                }) =>
            {
                continue;
            }
            Err(e) => return Err(e.context("reading the step's output")),
        };
        match frame {
            Some((attach::STDOUT | attach::STDERR, data)) => {
                progress.log(step.vertex, &data);
                for b in data {
                    if b == b'\n' {
                        tail.push(String::from_utf8_lossy(&line).into_owned());
                        line.clear();
                    } else {
                        line.push(b);
                    }
                }
                if tail.len() > 20 {
                    tail.drain(..tail.len() - 20);
                }
            }
            Some((attach::EXIT, data)) if data.len() == 4 => {
                if !line.is_empty() {
                    tail.push(String::from_utf8_lossy(&line).into_owned());
                }
                if canceled {
                    bail!(RunError::Canceled);
                }
                if timed_out {
                    let t = step.timeout.unwrap_or_default();
                    bail!(RunError::Timeout(go_duration(t)));
                }
                return Ok(i32::from_be_bytes([data[0], data[1], data[2], data[3]]));
            }
            Some(_) => {}
            None => bail!("the step's container ended without an exit code"),
        }
    }
}

/// Go's `time.Duration` string (`10m0s`, `1.5s`, `1h0m0s`), as docker prints durations.
pub fn go_duration(d: Duration) -> String {
    let total = d.as_secs();
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let frac = d.subsec_millis();
    let secs = if frac == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{}s", format!("{frac:03}").trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else {
        secs
    }
}

/// Bind mounts of rewritten copies of the image's apt/apk sources over the originals (issue 10, package
/// mirrors): the step fetches from the mirror, and the image keeps its files (the originals are never
/// written; the mounts are read-only). `--debug` logs every rewritten URL.
fn mirror_mounts(
    state: &State,
    mirrors: &super::mirror::Mirrors,
    dir: &Path,
) -> Result<Vec<MountRequest>> {
    if mirrors.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (i, path) in mirror_files(&state.lowers).into_iter().enumerate() {
        let Some(text) = read_layered(&state.lowers, &path) else {
            continue;
        };
        let Some(r) = super::mirror::rewrite_file(&path, &text, mirrors) else {
            continue;
        };
        for line in r.describe(&path) {
            log::debug!("package mirror: {line}");
        }
        let copy = dir.join(format!("sources-{i}"));
        std::fs::write(&copy, &r.text).with_context(|| format!("writing {}", copy.display()))?;
        std::fs::set_permissions(&copy, std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
        out.push(bind(copy, &path, true));
    }
    Ok(out)
}

/// The package-source files the image has (mirror::FILES, the `sources.list.d` globs expanded).
fn mirror_files(lowers: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    for f in super::mirror::FILES {
        match f.rsplit_once("/*") {
            None => out.push(f.to_string()),
            Some((dir, ext)) => {
                let mut names = std::collections::BTreeSet::new();
                for l in lowers {
                    if let Ok(rd) = std::fs::read_dir(l.join(dir.trim_start_matches('/'))) {
                        for e in rd.flatten() {
                            let n = e.file_name().to_string_lossy().into_owned();
                            if n.ends_with(ext) && !n.starts_with(".wh.") {
                                names.insert(format!("{dir}/{n}"));
                            }
                        }
                    }
                }
                out.extend(names);
            }
        }
    }
    out
}

/// A regular file of the stage's filesystem by its absolute path (the top layer that has it wins; a
/// whiteout hides it).
fn read_layered(lowers: &[PathBuf], path: &str) -> Option<String> {
    use std::os::unix::fs::FileTypeExt;
    let rel = path.trim_start_matches('/');
    for l in lowers.iter().rev() {
        let p = l.join(rel);
        let Ok(md) = std::fs::symlink_metadata(&p) else {
            let name = Path::new(rel).file_name()?.to_string_lossy().into_owned();
            let wh = l.join(Path::new(rel).parent()?).join(format!(".wh.{name}"));
            if wh.exists() {
                return None;
            }
            continue;
        };
        if md.file_type().is_char_device() || !md.is_file() || md.len() > 1 << 20 {
            return None;
        }
        return std::fs::read_to_string(&p).ok();
    }
    None
}

/// `RUN --mount=...` (BuildKit's syntax: `type=cache|bind|secret|tmpfs`, comma-separated options).
fn parse_mounts(ctx: &Context, step: &RunStep) -> Result<Vec<MountRequest>> {
    let mut out = Vec::new();
    for (i, spec) in step.mounts.iter().enumerate() {
        let mut kv = BTreeMap::new();
        for part in spec.split(',') {
            let (k, v) = part.split_once('=').unwrap_or((part, "true"));
            kv.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
        let kind = kv.get("type").map_or("bind", String::as_str);
        let target = kv
            .get("target")
            .or_else(|| kv.get("dst"))
            .or_else(|| kv.get("destination"))
            .cloned();
        let readonly = kv
            .get("ro")
            .or_else(|| kv.get("readonly"))
            .is_some_and(|v| v == "true");
        match kind {
            "cache" => {
                let target = target.context("mount type=cache needs a target")?;
                let id = kv.get("id").cloned().unwrap_or_else(|| target.clone());
                let dir = cache::mount_dir(&ctx.paths, &id)?;
                out.push(bind(dir, &target, readonly));
            }
            "bind" => {
                let target = target.context("mount type=bind needs a target")?;
                if kv.contains_key("from") {
                    // A copy of the stage's (or image's) path, read-only as BuildKit's default.
                    let src = step
                        .staged
                        .get(&i)
                        .context("bind mount source not staged")?;
                    out.push(bind(
                        src.clone(),
                        &target,
                        kv.get("rw").is_none_or(|v| v != "true"),
                    ));
                    continue;
                }
                let ctx_dir = step
                    .context_dir
                    .context("RUN --mount=type=bind needs a build context")?;
                let src = kv.get("source").or_else(|| kv.get("src"));
                let rel = src.map_or("", String::as_str).trim_start_matches('/');
                if Path::new(rel)
                    .components()
                    .any(|c| c == std::path::Component::ParentDir)
                {
                    bail!("mount source {rel:?} leaves the build context");
                }
                let src = std::fs::canonicalize(ctx_dir.join(rel)).with_context(|| {
                    format!("mount source {rel:?} not found in the build context")
                })?;
                let root = std::fs::canonicalize(ctx_dir)?;
                if !src.starts_with(&root) {
                    bail!("mount source {rel:?} leaves the build context");
                }
                // Writes to a bind from the context are never kept (BuildKit discards them too); berth
                // mounts it read-only.
                out.push(bind(src, &target, true));
            }
            "secret" => {
                let id = kv
                    .get("id")
                    .cloned()
                    .or_else(|| {
                        target
                            .as_deref()
                            .and_then(|t| t.rsplit('/').next().map(str::to_string))
                    })
                    .context("mount type=secret needs an id")?;
                let target = target.unwrap_or_else(|| format!("/run/secrets/{id}"));
                match step.secrets.get(&id) {
                    Some(src) => out.push(bind(src.clone(), &target, true)),
                    None if kv.get("required").is_some_and(|v| v == "true") => {
                        bail!("secret {id} not found")
                    }
                    None => {}
                }
            }
            "tmpfs" => {
                let target = target.context("mount type=tmpfs needs a target")?;
                let mut options = Vec::new();
                if let Some(s) = kv.get("size") {
                    options.push(format!("size={s}"));
                }
                out.push(MountRequest {
                    mode: None,
                    kind: MountKind::Tmpfs,
                    source: String::new(),
                    target,
                    readonly: false,
                    options,
                });
            }
            other => bail!("unsupported mount type {other:?}"),
        }
    }
    Ok(out)
}

fn bind(src: PathBuf, target: &str, readonly: bool) -> MountRequest {
    MountRequest {
        mode: None,
        kind: MountKind::Bind,
        source: src.to_string_lossy().into_owned(),
        target: target.to_string(),
        readonly,
        options: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(Duration::from_secs(600)), "10m0s");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(go_duration(Duration::from_secs(3601)), "1h0m1s");
    }
}

//! The steps that may change the filesystem (RUN, COPY, ADD, WORKDIR): their cache key, their
//! execution on a miss, their history line (`RUN /bin/sh -c make # buildkit`, `COPY a /b # buildkit`).

use super::ast::{Command, Copy, Kind};
use super::exec::{Builder, chain, context_sources, is_proxy_arg};
use super::fs_step::{self, CopyPlan, Source};
use super::image_config::{BuiltLayer, State};
use super::words::Scope;
use super::{cache, run_step};
use crate::spec::user::{LayeredRoot, resolve_user};
use anyhow::{Context as _, Result, bail};
use std::path::{Component, Path};

/// The argv of a RUN: exec form as given, shell form through the stage's SHELL (a heredoc
/// `RUN <<EOF` runs its body as the shell's script).
pub fn run_argv(state: &State, c: &Command) -> Vec<String> {
    match c {
        Command::Exec(v) => v.clone(),
        Command::Shell(s) => {
            let mut v = state.shell();
            v.push(s.clone());
            v
        }
    }
}

/// The shell command a RUN with heredocs runs, as BuildKit forms it: `RUN <<EOF` alone runs the body
/// as the shell's script, or, when the body starts with `#!`, executes it as a file mounted at
/// `/dev/pipes/EOF` (returned second); with other words (`RUN cat <<EOF > /f`, `RUN python3 <<EOF`) the
/// line and the bodies, each followed by its delimiter, go to the shell, which reads the heredocs itself.
fn heredoc_command(r: &super::ast::Run) -> (Command, Option<super::ast::Heredoc>) {
    let (Command::Shell(text), Some(h)) = (&r.command, r.heredocs.first()) else {
        return (r.command.clone(), None);
    };
    let alone = r.heredocs.len() == 1
        && super::dockerfile::heredoc_word(text.trim()).is_some_and(|w| w.name == h.name);
    if alone && h.content.starts_with("#!") {
        let path = format!("/dev/pipes/{}", h.name);
        return (Command::Shell(path), Some(h.clone()));
    }
    if alone {
        return (Command::Shell(h.content.clone()), None);
    }
    let mut full = text.clone();
    for h in &r.heredocs {
        full.push('\n');
        full.push_str(&h.content);
        full.push_str(&h.name);
    }
    (Command::Shell(full), None)
}

/// Run one filesystem step; Ok(true) when it came from the cache.
pub fn fs_step(
    b: &mut Builder,
    state: &mut State,
    scope: &Scope,
    kind: &Kind,
    vertex: usize,
    tail: &mut Vec<String>,
) -> Result<bool> {
    match kind {
        Kind::Run(r) => {
            let (command, script) = heredoc_command(r);
            if r.security.as_deref().is_some_and(|s| s != "sandbox") {
                bail!("RUN --security=insecure is not allowed");
            }
            let argv = run_argv(state, &command);
            let mut args_env = scope.run_args();
            for (k, v) in &b.opts.build_args {
                if is_proxy_arg(k) && !args_env.iter().any(|e| e.starts_with(&format!("{k}="))) {
                    args_env.push(format!("{k}={v}"));
                }
            }
            let network = r.network.clone().unwrap_or_else(|| b.opts.network.clone());
            // `--mount=type=bind,from=`: the source stage's key names its content.
            let mut from_states = Vec::new();
            for (i, m) in r.mounts.iter().enumerate() {
                if let Some((from, src)) = run_step::bind_from(m) {
                    from_states.push((i, b.stage_state(&from, b.current)?, src));
                }
            }
            let from_keys: Vec<(&str, &str)> = from_states
                .iter()
                .map(|(_, st, src)| (st.key.as_str(), src.as_str()))
                .collect();
            // `--mount=type=bind` from the context: the content of what it binds (as COPY's sources).
            let mut binds = Vec::new();
            for m in &r.mounts {
                if let Some(src) = run_step::context_bind_source(m) {
                    binds.push(bind_hash(b, &src)?);
                }
            }
            let key = chain(
                &state.key,
                &format!(
                    "RUN {argv:?} env={args_env:?} mounts={:?} network={network}{}{}{}",
                    r.mounts,
                    match &script {
                        Some(h) => format!(" script={:?}", h.content),
                        None => String::new(),
                    },
                    if from_keys.is_empty() {
                        String::new()
                    } else {
                        format!(" from={from_keys:?}")
                    },
                    if binds.is_empty() {
                        String::new()
                    } else {
                        format!(" context={binds:?}")
                    }
                ),
            );
            let declared: Vec<String> = scope
                .args
                .iter()
                .filter(|(k, _)| !is_proxy_arg(k))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let prefix = if declared.is_empty() {
                String::new()
            } else {
                format!("|{} {} ", declared.len(), declared.join(" "))
            };
            let created_by = format!("RUN {prefix}{} # buildkit", argv.join(" "));
            if hit(b, state, &key)? {
                return Ok(true);
            }
            // Staged on a miss only; the copies live until the step is done.
            let scratch = cache::work_dir(&b.ctx.paths)?;
            let mut staged = std::collections::BTreeMap::new();
            for (i, st, src) in &from_states {
                let dir = scratch.path().join(i.to_string());
                std::fs::create_dir(&dir)?;
                let p = fs_step::stage_from(b.ctx, st, std::slice::from_ref(src), &dir)
                    .with_context(|| format!("mount source {src:?}"))?;
                staged.insert(*i, p.into_iter().next().context("a staged source")?);
            }
            let mut files = Vec::new();
            if let Some(h) = &script {
                use std::os::unix::fs::PermissionsExt as _;
                let p = scratch.path().join("script");
                std::fs::write(&p, &h.content)?;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))?;
                files.push((p, format!("/dev/pipes/{}", h.name)));
            }
            let step = run_step::RunStep {
                argv,
                args_env,
                mounts: &r.mounts,
                network,
                add_hosts: &b.opts.add_hosts,
                secrets: &b.opts.secrets,
                context_dir: b.context_dir(),
                timeout: b.opts.step_timeout,
                vertex,
                mirrors: &b.opts.package_mirrors,
                cancel: b.opts.cancel,
                epoch: b.opts.source_date_epoch,
                staged,
                files,
            };
            let layer = run_step::run(b.ctx, state, &step, b.progress, tail);
            drop(scratch);
            let layer = layer?;
            finish(b, state, &key, layer, &created_by)?;
            Ok(false)
        }
        Kind::Workdir(w) => {
            let dir = clean(&join(&state.workdir(), w));
            // BuildKit creates the dir as the stage's USER (`USER node` then `WORKDIR /app` gives
            // node an /app it can write).
            let user = state.run_config().user;
            let key = match &user {
                Some(u) => chain(&state.key, &format!("WORKDIR {dir} user={u}")),
                None => chain(&state.key, &format!("WORKDIR {dir}")),
            };
            if hit(b, state, &key)? {
                return Ok(true);
            }
            // A USER name the image does not know leaves the dir root's, as BuildKit does (the
            // RUN steps after it fail on their own).
            let owner = match &user {
                Some(spec) => file_owner(state, spec).unwrap_or((0, 0)),
                None => (0, 0),
            };
            state
                .cfg()
                .insert("WorkingDir".into(), serde_json::json!(dir));
            let layer = fs_step::mkdir(b.ctx, state, &dir, owner, b.opts.source_date_epoch)?;
            finish(b, state, &key, layer, &format!("WORKDIR {dir}"))?;
            Ok(false)
        }
        Kind::Copy(c) | Kind::Add(c) => copy(b, state, c),
        other => bail!("{other:?} is not a filesystem step"),
    }
}

/// The content hash of a bind mount's source in the context (names, modes, bytes, link targets;
/// `.dockerignore` applied). A source that is missing or leaves the context hashes as such: the step
/// then fails with the mount's own error when it runs.
fn bind_hash(b: &Builder, rel: &str) -> Result<String> {
    let Some(dir) = b.context_dir() else {
        return Ok("no context".into());
    };
    let (Ok(src), Ok(root)) = (
        std::fs::canonicalize(dir.join(rel)),
        std::fs::canonicalize(dir),
    ) else {
        return Ok(format!("missing {rel}"));
    };
    if !src.starts_with(&root) {
        return Ok(format!("outside {rel}"));
    }
    // The path as `.dockerignore` sees it, unless it is a link (the mount binds what it points to).
    let named = dir.join(rel);
    let p = if named.is_symlink() { src } else { named };
    fs_step::content_hash(&[p], b.filter.as_ref())
}

/// A cache hit: the step's layer and config taken over; Ok(false) on a miss.
fn hit(b: &mut Builder, state: &mut State, key: &str) -> Result<bool> {
    if b.opts.no_cache {
        return Ok(false);
    }
    let Some((entry, layer)) = cache::lookup(&b.ctx.paths, key)? else {
        if b.cache_only {
            bail!(super::exec::CacheMiss);
        }
        return Ok(false);
    };
    if let Some(l) = &layer {
        state.attach_layer(l);
        b.used_layers
            .insert(l.diff_id.trim_start_matches("sha256:").to_string());
    }
    state.config = entry.config;
    state.key = key.to_string();
    b.hits.push(key.to_string());
    Ok(true)
}

fn finish(
    b: &mut Builder,
    state: &mut State,
    key: &str,
    layer: Option<BuiltLayer>,
    created_by: &str,
) -> Result<()> {
    if let Some(l) = &layer {
        state.push_layer(l);
        b.used_layers
            .insert(l.diff_id.trim_start_matches("sha256:").to_string());
    }
    let created = b.created();
    state.push_history(&created, created_by, layer.is_none());
    state.key = key.to_string();
    cache::store(&b.ctx.paths, key, layer.as_ref(), &state.config)
}

/// `ADD <url>`: the file, named after the URL's last path segment, mode 0600 as docker gives it, never
/// unpacked; `--checksum=sha256:...` must match what came. Returns the file and its digest (the cache key:
/// the content, not the URL).
fn download(
    b: &Builder,
    scratch: &std::path::Path,
    url: &str,
    checksum: Option<&str>,
) -> Result<(std::path::PathBuf, String)> {
    use sha2::Digest as _;
    use std::os::unix::fs::OpenOptionsExt;
    struct Hashing<W: std::io::Write>(W, sha2::Sha256);
    impl<W: std::io::Write> std::io::Write for Hashing<W> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = self.0.write(buf)?;
            self.1.update(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.0.flush()
        }
    }
    if let Some(want) = checksum
        && !want
            .strip_prefix("sha256:")
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|c| c.is_ascii_hexdigit()))
    {
        bail!("invalid checksum {want:?}: expected sha256:<64 hex digits>");
    }
    let path_part = url.split(['?', '#']).next().unwrap_or(url);
    let after_host = path_part.splitn(4, '/').nth(3).unwrap_or("");
    let base = after_host
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty() && *n != "." && *n != "..");
    let dir = scratch
        .join("urls")
        .join(hex::encode(sha2::Sha256::digest(url.as_bytes())));
    std::fs::create_dir_all(&dir)?;
    let p = dir.join(base.unwrap_or("__unnamed__"));
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&p)
        .with_context(|| format!("creating {}", p.display()))?;
    let mut w = Hashing(std::io::BufWriter::new(f), sha2::Sha256::new());
    crate::registry::url::fetch_url(&b.ctx.config, url, &mut w, 16 << 30)?;
    std::io::Write::flush(&mut w)?;
    let got = format!("sha256:{}", hex::encode(w.1.finalize()));
    if let Some(want) = checksum
        && !want.eq_ignore_ascii_case(&got)
    {
        bail!("digest mismatch {got}: {want}");
    }
    Ok((p, got))
}

fn copy(b: &mut Builder, state: &mut State, c: &Copy) -> Result<bool> {
    let word = if c.is_add { "ADD" } else { "COPY" };
    let is_url = |s: &str| {
        let l = s.to_ascii_lowercase();
        l.starts_with("http://") || l.starts_with("https://")
    };
    // docker's urlutil.IsGitURL: BuildKit clones these; berth does not, and says so before any fetch.
    if c.is_add
        && let Some(g) = c.sources.iter().find(|s| is_git_url(s))
    {
        bail!("ADD of a git repository ({g}) is not supported by berth build");
    }
    let urls: Vec<&String> = c.sources.iter().filter(|s| is_url(s)).collect();
    if !urls.is_empty() && (!c.is_add || c.from.is_some()) {
        bail!("source can't be a URL for {word}");
    }
    if c.checksum.is_some() && (urls.is_empty() || urls.len() != c.sources.len()) {
        bail!("checksum can't be specified for non-HTTP(S) sources");
    }
    if c.parents && (c.from.is_some() || !c.heredocs.is_empty()) {
        bail!("{word} --parents is supported for sources from the build context only");
    }
    let exclude = if c.exclude.is_empty() {
        None
    } else {
        Some(super::ignore::Ignore::from_patterns(&c.exclude).context("parsing --exclude")?)
    };
    let dest_word = &c.dest;
    let dest = join(&state.workdir(), dest_word);
    let wildcard = c.sources.iter().any(|s| s.contains(['*', '?', '[']));
    let dest_is_dir = dest_word.ends_with('/') || c.sources.len() > 1 || wildcard;
    // The staging dir of heredocs and --from sources lives until the copy is done.
    let scratch = cache::work_dir(&b.ctx.paths)?;
    let mut sources = Vec::new();
    let mut key_extra = String::new();
    let heredoc_names: Vec<&str> = c.heredocs.iter().map(|h| h.name.as_str()).collect();
    let from_state = match &c.from {
        Some(f) => Some(b.stage_state(f, b.current)?),
        None => None,
    };
    let mut plain = Vec::new();
    let mut staged_from = None;
    for s in &c.sources {
        let name = s
            .trim_start_matches("<<-")
            .trim_start_matches("<<")
            .trim_matches(['"', '\'']);
        if is_url(s) {
            if b.cache_only {
                // Its key is its content: known only once downloaded, which is the child's work.
                bail!(super::exec::CacheMiss);
            }
            let (p, digest) = download(b, scratch.path(), s, c.checksum.as_deref())?;
            key_extra.push_str(&format!("url {s} {digest}\n"));
            sources.push(Source {
                path: p,
                keep_owner: false,
                extract: false,
                under: None,
                name: None,
            });
        } else if s.starts_with("<<") && heredoc_names.contains(&name) {
            let h = c
                .heredocs
                .iter()
                .find(|h| h.name == name)
                .context("heredoc")?;
            let p = scratch.path().join("heredocs").join(name);
            std::fs::create_dir_all(p.parent().context("heredoc dir")?)?;
            std::fs::write(&p, &h.content)?;
            std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
            key_extra.push_str(&format!("heredoc {name} {:?}\n", h.content));
            sources.push(Source {
                path: p,
                keep_owner: false,
                extract: false,
                under: None,
                name: None,
            });
        } else {
            plain.push(s.clone());
        }
    }
    if let Some(from) = &from_state {
        let abs: Vec<String> = plain
            .iter()
            .map(|p| format!("/{}", p.trim_start_matches('/')))
            .collect();
        // Staged only on a cache miss: the source stage's key already names their content.
        key_extra.push_str(&format!("from {} {abs:?}\n", from.key));
        if !plain.is_empty() {
            staged_from = Some((from, abs));
        }
    } else {
        let found = context_sources(b.context_dir(), &plain, b.filter.as_ref())?;
        let unders = if c.parents {
            parents_of(b.context_dir(), &plain, &found)?
        } else {
            vec![None; found.len()]
        };
        // A symlink named as a source (or matched by a wildcard) is followed inside the context:
        // its target's content lands under the link's name (BuildKit copies with FollowSymlinks).
        let mut followed = Vec::new();
        let mut names = Vec::new();
        for p in &found {
            let (path, name) = follow_context_link(b.context_dir(), p)?;
            key_extra.push_str(&format!("name {name:?}\n"));
            followed.push(path);
            names.push(name);
        }
        let hash = fs_step::content_hash(&followed, b.filter.as_ref())?;
        key_extra.push_str(&format!("context {hash}\n"));
        for ((p, under), name) in followed.into_iter().zip(unders).zip(names) {
            let extract =
                c.is_add && c.unpack != Some(false) && p.is_file() && fs_step::is_archive(&p);
            sources.push(Source {
                path: p,
                keep_owner: false,
                extract,
                under,
                name,
            });
        }
    }
    let chown = match &c.chown {
        Some(spec) => {
            Some(file_owner(state, spec).with_context(|| format!("resolving --chown={spec}"))?)
        }
        None => None,
    };
    let chmod = match &c.chmod {
        Some(m) => Some(
            u32::from_str_radix(m, 8)
                .ok()
                .filter(|m| *m <= 0o7777)
                .with_context(|| format!("invalid chmod parameter {m:?}"))?,
        ),
        None => None,
    };
    // BuildKit's history names --parents, --chown and --chmod, in that order, and not --from,
    // --link or --exclude.
    let mut flags = String::new();
    if c.parents {
        flags.push_str("--parents ");
    }
    if let Some(o) = &c.chown {
        flags.push_str(&format!("--chown={o} "));
    }
    if let Some(m) = &c.chmod {
        flags.push_str(&format!("--chmod={m} "));
    }
    let created_by = format!(
        "{word} {flags}{} {dest_word} # buildkit",
        c.sources.join(" ")
    );
    let key = chain(
        &state.key,
        &format!("{word} {c:?} dest={dest} chown={chown:?} chmod={chmod:?}\n{key_extra}"),
    );
    if hit(b, state, &key)? {
        return Ok(true);
    }
    if let Some((from, abs)) = staged_from {
        for p in fs_step::stage_from(b.ctx, from, &abs, scratch.path())? {
            sources.push(Source {
                path: p,
                keep_owner: true,
                extract: false,
                under: None,
                name: None,
            });
        }
    }
    let plan = CopyPlan {
        sources,
        dest,
        dest_is_dir,
        chown,
        chmod,
        filter: b.filter.clone(),
        exclude,
    };
    let layer = fs_step::copy(b.ctx, state, &plan, b.opts.source_date_epoch)?;
    drop(scratch);
    finish(b, state, &key, layer, &created_by)?;
    Ok(false)
}

/// A git repository as docker recognises one in ADD: `git://`, `git@`, `github.com/`, or an http(s) URL
/// whose path ends in `.git` (before an optional `#ref`).
fn is_git_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    if ["git://", "git@", "github.com/"]
        .iter()
        .any(|p| l.starts_with(p))
    {
        return true;
    }
    (l.starts_with("http://") || l.starts_with("https://"))
        && l.split('#').next().is_some_and(|u| u.ends_with(".git"))
}

/// `COPY --parents`: for each found source, its path below the context root (or below the `/./` pivot
/// of the pattern that found it) without its own name for a file, whole for a directory.
fn parents_of(
    ctx_dir: Option<&Path>,
    patterns: &[String],
    found: &[std::path::PathBuf],
) -> Result<Vec<Option<std::path::PathBuf>>> {
    let dir = ctx_dir.context("COPY --parents needs a build context")?;
    let pivots: Vec<std::path::PathBuf> = patterns
        .iter()
        .filter_map(|p| p.trim_start_matches('/').split_once("/./"))
        .map(|(a, _)| dir.join(a))
        .collect();
    found
        .iter()
        .map(|p| {
            let base = pivots
                .iter()
                .filter(|v| p.starts_with(v))
                .max_by_key(|v| v.as_os_str().len())
                .map_or(dir, |v| v.as_path());
            let rel = p.strip_prefix(base).unwrap_or(Path::new(""));
            let under = if p.is_dir() {
                rel.to_path_buf()
            } else {
                rel.parent().unwrap_or(Path::new("")).to_path_buf()
            };
            Ok(Some(under))
        })
        .collect()
}

/// `path` relative to `base` unless absolute.
fn join(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        let sep = if base.ends_with('/') { "" } else { "/" };
        format!("{base}{sep}{path}")
    }
}

/// `.` and `..` resolved lexically, no trailing slash (docker's WORKDIR is `filepath.Clean`ed).
fn clean(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in Path::new(p).components() {
        match c {
            Component::Normal(n) => out.push(n.to_str().unwrap_or_default()),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    format!("/{}", out.join("/"))
}

/// The owner BuildKit gives files for a `--chown` or WORKDIR's USER spec: names from the image's
/// passwd and group files (a name alone: its primary group), and a numeric user without a group
/// owns with its uid as gid (`4242` -> 4242:4242, where a process running as 4242 gets gid 0).
fn file_owner(state: &State, spec: &str) -> Result<(u32, u32)> {
    if let Ok(uid) = spec.parse::<u32>() {
        return Ok((uid, uid));
    }
    let root = LayeredRoot {
        layers: state.lowers.iter().rev().cloned().collect(),
    };
    let u = resolve_user(&root, spec)?;
    Ok((u.uid, u.gid))
}

/// A context source that is a symlink, followed inside the context (an absolute target restarts at
/// the context root, `..` stops there, as BuildKit resolves it): the path to copy and the name the
/// copy takes. Other sources come back as they are.
fn follow_context_link(
    ctx_dir: Option<&Path>,
    p: &Path,
) -> Result<(std::path::PathBuf, Option<std::ffi::OsString>)> {
    let is_link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    let Some(dir) = ctx_dir.filter(|_| is_link) else {
        return Ok((p.to_path_buf(), None));
    };
    let rel = p.strip_prefix(dir).unwrap_or(p);
    let target = fs_step::resolve_in(dir, rel)?;
    if std::fs::symlink_metadata(&target).is_err() {
        bail!(
            "failed to compute cache key: failed to calculate checksum of ref: \"/{}\": not found (a symlink whose target is not in the build context)",
            rel.display()
        );
    }
    Ok((target, p.file_name().map(|n| n.to_os_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_urls_are_told_apart_from_files_and_downloads() {
        for g in [
            "https://github.com/moby/moby.git",
            "https://example.com/r.git#main",
            "git@github.com:moby/moby.git",
            "git://example.com/r",
            "github.com/moby/moby",
        ] {
            assert!(is_git_url(g), "{g}");
        }
        for f in [
            "https://example.com/a.tar.gz",
            "src.git",
            "dir/",
            "http://x/git",
        ] {
            assert!(!is_git_url(f), "{f}");
        }
    }

    #[test]
    fn workdir_paths_resolve_like_docker() {
        assert_eq!(clean(&join("/app", "sub/../x/")), "/app/x");
        assert_eq!(clean(&join("/app", "/abs")), "/abs");
        assert_eq!(clean("/"), "/");
    }
}

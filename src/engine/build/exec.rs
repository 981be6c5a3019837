//! The executor: the stages the target needs, in order, each instruction substituted in its stage's
//! scope, looked up in the cache by a key chained from its parent's, and otherwise executed (RUN in a
//! container, COPY/ADD/WORKDIR through the stage's overlay, the rest on the config). The image is
//! committed and tagged only once every step succeeded.

use super::ast::{Dockerfile, Instruction, Kind, Stage};
use super::image_config::State;
use super::words::{PROXY_ARGS, Scope, arg_value};
use super::{
    BuildContext, BuildFailed, BuildOptions, BuildProgress, BuildReport, DockerfileSource,
};
use super::{cache, fs_step, meta, run_step};
use crate::engine::Context;
use crate::engine::container::{self as ctr, PullPolicy};
use crate::image::{Digest, ImageRef};
use crate::store::images::ImageIndex;
use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The build's shared state.
pub(super) struct Builder<'a> {
    pub ctx: &'a Context,
    pub opts: &'a BuildOptions,
    pub progress: &'a dyn BuildProgress,
    pub file: String,
    pub text: String,
    pub df: Dockerfile,
    next_vertex: usize,
    pub global: Scope,
    /// Built stages by index.
    pub done: HashMap<usize, State>,
    /// Layers this build used (kept by eviction).
    pub used_layers: HashSet<String>,
    /// Cache keys this build took from the cache (marked used at the end).
    pub hits: Vec<String>,
    pub executed: usize,
    pub cached: usize,
    /// A base image's state by name (pulled once per build).
    images: HashMap<String, State>,
    /// The stage being built.
    pub current: usize,
    /// The context's `.dockerignore`, if it has one.
    pub filter: Option<fs_step::Filter>,
    /// Take every step from the cache, or stop with [`CacheMiss`] before doing anything (nothing runs,
    /// nothing is pulled or downloaded): a stage found whole in the cache needs no child process.
    pub cache_only: bool,
}

/// A step of a [`Builder::cache_only`] build is not in the cache.
#[derive(Debug, thiserror::Error)]
#[error("not in the build cache")]
pub struct CacheMiss;

/// `berth build`. See [`BuildOptions`]; errors that BuildKit would report as a failed solve are
/// [`BuildFailed`].
pub fn build(
    ctx: &Context,
    opts: &BuildOptions,
    progress: &dyn BuildProgress,
) -> Result<BuildReport> {
    let mut tags = Vec::new();
    for t in &opts.tags {
        let r = ImageRef::parse(t)
            .with_context(|| format!("invalid tag {t:?}: invalid reference format"))?;
        tags.push(r.tagged().context("a tag cannot be a digest reference")?);
    }
    // What a killed build left (its step containers, its work dirs) is swept before this one starts.
    super::sweep::sweep(ctx);
    // A tar context is extracted into a work dir that lives as long as the build.
    let tar_ctx;
    let tar_opts;
    let opts = match &opts.context {
        BuildContext::Tar(bytes) => {
            let work = cache::work_dir(&ctx.paths)?;
            let c = super::context::Context::from_tar(&bytes[..], &work.path().join("context"))
                .map_err(|e| fail(&format!("{e:#}")))?;
            let root = c
                .root()
                .context("the tar context has a root")?
                .to_path_buf();
            let mut o = opts.clone();
            o.dockerfile = match &opts.dockerfile {
                DockerfileSource::Path(p) if p.is_relative() => {
                    DockerfileSource::Path(root.join(p))
                }
                other => other.clone(),
            };
            o.context = BuildContext::Dir(root);
            tar_ctx = (work, c);
            tar_opts = o;
            let _ = &tar_ctx;
            &tar_opts
        }
        _ => opts,
    };
    let started = Instant::now();
    let (file, text) = read_dockerfile(&opts.dockerfile)?;
    let mut b = Builder::new(ctx, opts, progress, file.clone());
    let v = b.vertex(&format!("[internal] load build definition from {file}"));
    progress.done(v, started.elapsed());
    if let BuildContext::Dir(dir) = &opts.context {
        let t = Instant::now();
        let v = b.vertex("[internal] load .dockerignore");
        b.filter = load_ignore(dir, &opts.dockerfile)?;
        progress.done(v, t.elapsed());
    }
    let parsed = b.parse(text)?;
    let target = b.target_index()?;
    let needed = b.needed(target)?;
    // BuildKit reports the checks of the stages it builds (and of the lines before the first FROM).
    let warnings: Vec<String> = parsed
        .warnings
        .iter()
        .filter(|w| w.stage.is_none_or(|s| needed.contains(&s)))
        .map(|w| w.to_string())
        .collect();
    if opts.parallel
        && let Some(stages) = b.parallel_stages(&needed, target)?
    {
        super::parallel::build_stages(&mut b, &stages, &file)?;
    }
    for i in needed {
        if b.done.contains_key(&i) {
            continue;
        }
        let st = b.build_stage(i)?;
        b.done.insert(i, st);
    }
    let state = b
        .done
        .remove(&target)
        .context("the target stage was not built")?;
    let mut report = b.export(state, &tags)?;
    report.warnings = warnings;
    let _ = cache::touch(&ctx.paths, &b.hits);
    let max = ctx.config.build.cache_max_size;
    let _ = cache::evict(&ctx.paths, max, &b.used_layers);
    Ok(report)
}

/// `<Dockerfile>.dockerignore` next to a Dockerfile given with -f wins over the context's
/// `.dockerignore` (docker's rule).
pub(super) fn load_ignore(dir: &Path, df: &DockerfileSource) -> Result<Option<fs_step::Filter>> {
    let mut candidates = Vec::new();
    if let DockerfileSource::Path(p) = df {
        let mut name = p.as_os_str().to_os_string();
        name.push(".dockerignore");
        candidates.push(PathBuf::from(name));
    }
    candidates.push(dir.join(".dockerignore"));
    for c in candidates {
        if let Ok(text) = std::fs::read_to_string(&c) {
            let ignore = super::ignore::Ignore::parse(&text)
                .map_err(|e| fail(&format!("failed to parse {}: {e:#}", c.display())))?;
            return Ok(Some(fs_step::Filter {
                root: dir.to_path_buf(),
                ignore,
            }));
        }
    }
    Ok(None)
}

/// A failure without a Dockerfile excerpt.
pub(super) fn fail(message: &str) -> BuildFailed {
    BuildFailed {
        message: message.to_string(),
        vertex: None,
        file: String::new(),
        excerpt: Vec::new(),
        output: Vec::new(),
    }
}

/// The Dockerfile's name as messages show it, and its text.
fn read_dockerfile(src: &DockerfileSource) -> Result<(String, String)> {
    Ok(match src {
        DockerfileSource::Text(t) => ("Dockerfile".to_string(), t.clone()),
        DockerfileSource::Path(p) => (
            p.file_name()
                .map_or("Dockerfile".into(), |n| n.to_string_lossy().into_owned()),
            std::fs::read_to_string(p)
                .map_err(|e| fail(&format!("failed to read dockerfile: {e}")))?,
        ),
    })
}

impl<'a> Builder<'a> {
    pub fn new(
        ctx: &'a Context,
        opts: &'a BuildOptions,
        progress: &'a dyn BuildProgress,
        file: String,
    ) -> Builder<'a> {
        Builder {
            ctx,
            opts,
            progress,
            file,
            text: String::new(),
            df: Dockerfile {
                global_args: Vec::new(),
                stages: Vec::new(),
                escape: '\\',
                syntax: None,
            },
            next_vertex: 0,
            global: Scope::default(),
            done: HashMap::new(),
            used_layers: HashSet::new(),
            hits: Vec::new(),
            executed: 0,
            cached: 0,
            images: HashMap::new(),
            current: 0,
            filter: None,
            cache_only: false,
        }
    }

    /// Parse `text` (BuildKit's checks that fail the build fail it here) and evaluate the global ARGs.
    pub fn parse(&mut self, text: String) -> Result<super::dockerfile::Parsed> {
        self.text = text;
        let mut parsed = match super::dockerfile::parse_with_warnings(&self.text) {
            Ok(p) => p,
            Err(e) => {
                return Err(self
                    .failed(e.to_string(), None, e.line, e.line, Vec::new())
                    .into());
            }
        };
        if let Some(e) = parsed.lint_error() {
            let line = parsed.warnings.first().map_or(1, |w| w.line);
            return Err(self.failed(e, None, line, line, Vec::new()).into());
        }
        self.df = std::mem::replace(
            &mut parsed.dockerfile,
            Dockerfile {
                global_args: Vec::new(),
                stages: Vec::new(),
                escape: '\\',
                syntax: None,
            },
        );
        if self.df.stages.is_empty() {
            bail!(fail(
                "the Dockerfile has no FROM instruction (file with no instructions)"
            ));
        }
        for (k, v) in super::words::platform_args() {
            self.global.set_arg(&k, v);
        }
        for a in self.df.global_args.clone() {
            let val = match arg_value(&a.name, None, &self.opts.build_args) {
                Some(v) => Some(v),
                None => match &a.default {
                    Some(d) => Some(self.global.expand(d, self.df.escape)?),
                    None => None,
                },
            };
            self.global.set_arg(&a.name, val.unwrap_or_default());
        }
        Ok(parsed)
    }

    pub fn vertex(&mut self, name: &str) -> usize {
        self.next_vertex += 1;
        self.progress.start(self.next_vertex, name);
        self.next_vertex
    }

    /// A [`BuildFailed`] pointing at lines `first..=last` of the Dockerfile.
    pub fn failed(
        &self,
        message: String,
        vertex: Option<String>,
        first: usize,
        last: usize,
        output: Vec<String>,
    ) -> BuildFailed {
        let lines: Vec<&str> = self.text.lines().collect();
        let from = first.saturating_sub(2).max(1);
        let to = (last + 2).min(lines.len());
        let excerpt = (from..=to)
            .filter_map(|n| {
                lines
                    .get(n - 1)
                    .map(|l| (n, l.to_string(), n >= first && n <= last))
            })
            .collect();
        BuildFailed {
            message,
            vertex,
            file: self.file.clone(),
            excerpt,
            output,
        }
    }

    fn stage_index(&self, name: &str) -> Option<usize> {
        let lower = name.to_ascii_lowercase();
        self.df
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| {
                name.parse::<usize>()
                    .ok()
                    .filter(|&i| i < self.df.stages.len())
            })
    }

    fn target_index(&self) -> Result<usize> {
        match &self.opts.target {
            None => Ok(self.df.stages.len() - 1),
            Some(t) => self
                .df
                .stages
                .iter()
                .position(|s| s.name.as_deref() == Some(t.to_ascii_lowercase().as_str()))
                .ok_or_else(|| anyhow!(fail(&format!("target stage \"{t}\" could not be found")))),
        }
    }

    /// The base word of a stage, expanded with the global args.
    fn base_of(&self, s: &Stage) -> Result<String> {
        self.global.expand(&s.base, self.df.escape)
    }

    /// A stage a base word or `--from` names, if it is an earlier stage.
    fn stage_ref(&self, word: &str, before: usize) -> Option<usize> {
        self.stage_index(word).filter(|&i| i < before)
    }

    /// The earlier stages stage `i` uses directly: its base, `COPY --from`, `RUN --mount=...,from=`.
    pub fn deps(&self, i: usize) -> Result<BTreeSet<usize>> {
        let mut out = BTreeSet::new();
        let s = &self.df.stages[i];
        out.extend(self.stage_ref(&self.base_of(s)?, i));
        for ins in &s.instructions {
            if let Kind::Copy(c) | Kind::Add(c) = &ins.kind
                && let Some(f) = &c.from
            {
                out.extend(self.stage_ref(f, i));
            }
            if let Kind::Run(r) = &ins.kind {
                for (from, _) in r
                    .mounts
                    .iter()
                    .filter_map(|m| super::run_step::bind_from(m))
                {
                    out.extend(self.stage_ref(&from, i));
                }
            }
        }
        Ok(out)
    }

    /// The stages `target` depends on, itself included, in build order.
    fn needed(&self, target: usize) -> Result<Vec<usize>> {
        let mut need = BTreeSet::new();
        let mut todo = vec![target];
        while let Some(i) = todo.pop() {
            if need.insert(i) {
                todo.extend(self.deps(i)?);
            }
        }
        Ok(need.into_iter().collect())
    }

    /// The stages to build in child processes, when two of them can run at the same time: every
    /// needed stage but the target (which depends on all of them, so it is built last, here). None
    /// when the stages form one chain (a child process would only add its start-up).
    fn parallel_stages(&self, needed: &[usize], target: usize) -> Result<Option<Vec<usize>>> {
        let stages: Vec<usize> = needed.iter().copied().filter(|&i| i != target).collect();
        // Transitive dependencies, in build order (a stage only depends on earlier ones).
        let mut below: HashMap<usize, BTreeSet<usize>> = HashMap::new();
        for &i in &stages {
            let mut all = BTreeSet::new();
            for d in self.deps(i)? {
                all.insert(d);
                all.extend(below.get(&d).into_iter().flatten().copied());
            }
            below.insert(i, all);
        }
        let independent = stages.iter().enumerate().any(|(n, a)| {
            stages[n + 1..]
                .iter()
                .any(|b| !below[b].contains(a) && !below[a].contains(b))
        });
        Ok(independent.then_some(stages))
    }

    /// The state of an image by name, pulled as `run` pulls it (always with `--pull`).
    pub fn image_state(&mut self, name: &str) -> Result<State> {
        if let Some(s) = self.images.get(name) {
            return Ok(s.clone());
        }
        let policy = if self.cache_only {
            PullPolicy::Never
        } else if self.opts.pull {
            PullPolicy::Always
        } else {
            PullPolicy::Missing
        };
        let info = ctr::resolve_image(
            self.ctx,
            name,
            policy,
            &crate::engine::NoProgress,
            &mut |_| {},
        )
        .map_err(|e| {
            fail(&format!(
                "{name}: failed to resolve source metadata for {name}: {e:#}"
            ))
        })?;
        let rec = crate::engine::image::resolve_local(self.ctx, &info.id)?;
        let st = State::from_image(self.ctx, &rec)?;
        self.images.insert(name.to_string(), st.clone());
        Ok(st)
    }

    /// The stage's display name in vertices (`build`, `stage-1`; none when there is one stage).
    fn stage_label(&self, i: usize) -> String {
        if self.df.stages.len() == 1 {
            return String::new();
        }
        match &self.df.stages[i].name {
            Some(n) => format!("{n} "),
            None => format!("stage-{i} "),
        }
    }

    pub fn build_stage(&mut self, i: usize) -> Result<State> {
        let stage = self.df.stages[i].clone();
        self.current = i;
        let base = self.base_of(&stage)?;
        if let Some(p) = &stage.platform {
            let p = self.global.expand(p, self.df.escape)?;
            ctr::check_run_platform(&p).map_err(|e| fail(&format!("{e:#}")))?;
        }
        let steps = stage
            .instructions
            .iter()
            .filter(|ins| has_vertex(&ins.kind))
            .count()
            + usize::from(base != "scratch");
        let label = self.stage_label(i);
        let mut n = 0;
        let mut state = if base == "scratch" {
            State::scratch()
        } else if let Some(j) = self.stage_ref(&base, i) {
            self.done
                .get(&j)
                .cloned()
                .context("stage built out of order")?
        } else {
            n += 1;
            let v = self.vertex(&format!("[{label}{n}/{steps}] {}", stage.original));
            let t = Instant::now();
            let st = self.image_state(&base).map_err(|e| {
                let msg = match e.downcast::<BuildFailed>() {
                    Ok(f) => f.message,
                    Err(e) => format!("{e:#}"),
                };
                self.failed(msg, None, stage.line, stage.line, Vec::new())
            })?;
            self.progress.done(v, t.elapsed());
            st
        };
        if let Some(epoch) = self.opts.source_date_epoch {
            state.key = chain(&state.key, &format!("SOURCE_DATE_EPOCH={epoch}"));
        }
        let mut scope = Scope {
            env: state.env(),
            ..Scope::default()
        };
        let mut cmd_set = false;
        // ONBUILD triggers of the base run first, then leave the config (docker's rule).
        let triggers = super::image_config::strings(&state.config["config"]["OnBuild"]);
        if !triggers.is_empty() {
            state.cfg().remove("OnBuild");
            let text = format!("FROM scratch\n{}\n", triggers.join("\n"));
            let parsed = super::dockerfile::parse(&text)
                .map_err(|e| fail(&format!("parsing the base image's ONBUILD triggers: {e}")))?;
            for ins in &parsed.stages[0].instructions {
                let mut ins = ins.clone();
                ins.line = stage.line;
                ins.end_line = stage.line;
                self.step(
                    &mut state,
                    &mut scope,
                    &ins,
                    &mut cmd_set,
                    &label,
                    &mut n,
                    steps,
                )?;
            }
        }
        for ins in &stage.instructions {
            self.step(
                &mut state,
                &mut scope,
                ins,
                &mut cmd_set,
                &label,
                &mut n,
                steps,
            )?;
        }
        Ok(state)
    }

    #[allow(clippy::too_many_arguments)]
    fn step(
        &mut self,
        state: &mut State,
        scope: &mut Scope,
        ins: &Instruction,
        cmd_set: &mut bool,
        label: &str,
        n: &mut usize,
        steps: usize,
    ) -> Result<()> {
        let esc = self.df.escape;
        if let Kind::Arg(decls) = &ins.kind {
            let mut shown = Vec::new();
            for a in decls {
                let given = arg_value(&a.name, None, &self.opts.build_args);
                // An ARG without a value (none given, no default, no global one) does not shadow
                // an Env entry of its name: BuildKit adds only valued ARGs to the environment.
                let mut valued = given.is_some() || a.default.is_some();
                let val = match given {
                    Some(v) => v,
                    None => match &a.default {
                        Some(d) => scope.expand(d, esc)?,
                        None => {
                            let g = self.global.lookup(&a.name).unwrap_or_default();
                            valued = !g.is_empty();
                            g
                        }
                    },
                };
                shown.push(match &a.default {
                    Some(_) => format!("{}={val}", a.name),
                    None => a.name.clone(),
                });
                scope.set_arg(&a.name, val);
                if valued {
                    scope.arg_over_env.insert(a.name.clone());
                } else {
                    scope.arg_over_env.remove(&a.name);
                }
            }
            return self.meta_step(state, &format!("ARG {}", shown.join(" ")), None, true);
        }
        scope.env = state.env();
        let lookup = |n: &str| scope.lookup(n);
        let kind = if super::subst::expands(&ins.kind) {
            super::subst::expand_instruction(&ins.kind, esc, &lookup).map_err(|e| {
                self.failed(
                    format!("failed to process {:?}: {}", e.word, e.message),
                    None,
                    ins.line,
                    ins.end_line,
                    Vec::new(),
                )
            })?
        } else {
            ins.kind.clone()
        };
        if let Kind::Env(pairs) = &kind {
            for (k, _) in pairs {
                scope.arg_over_env.remove(k);
            }
        }
        if !has_vertex(&kind) {
            let mut probe = state.clone();
            let created_by = meta::apply(&mut probe, &kind, cmd_set)
                .map_err(|e| self.failed(format!("{e:#}"), None, ins.line, ins.end_line, vec![]))?;
            // BuildKit records no history entry for ONBUILD (only the config's OnBuild list).
            let history = !matches!(kind, Kind::Onbuild(_));
            return self.meta_step(state, &created_by, Some(probe.config), history);
        }
        if self
            .opts
            .cancel
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst))
        {
            bail!(fail("canceled"));
        }
        *n += 1;
        let name = format!("[{label}{n}/{steps}] {}", ins.original);
        let v = self.vertex(&name);
        let t = Instant::now();
        let mut tail = Vec::new();
        match super::steps::fs_step(self, state, scope, &kind, v, &mut tail) {
            Ok(true) => {
                self.cached += 1;
                self.progress.cached(v);
                Ok(())
            }
            Ok(false) => {
                self.executed += 1;
                self.progress.done(v, t.elapsed());
                Ok(())
            }
            Err(e) => {
                let msg = match e.downcast_ref::<run_step::RunError>() {
                    Some(run_step::RunError::Exit(_)) => {
                        let argv = match &kind {
                            Kind::Run(r) => super::steps::run_argv(state, &r.command),
                            _ => Vec::new(),
                        };
                        format!(
                            "process \"{}\" did not complete successfully: {e}",
                            argv.join(" ")
                        )
                    }
                    Some(run_step::RunError::Timeout(_)) => {
                        format!("step {n}/{steps} {}: {e}", ins.original)
                    }
                    Some(run_step::RunError::Canceled) => "canceled".to_string(),
                    None => format!("{e:#}"),
                };
                self.progress.error(v, t.elapsed(), &msg);
                Err(self
                    .failed(msg, Some(name), ins.line, ins.end_line, tail)
                    .into())
            }
        }
    }

    /// A metadata step: cached like the others (its history entry keeps its timestamp).
    /// `config`: the image config with the instruction applied.
    fn meta_step(
        &mut self,
        state: &mut State,
        created_by: &str,
        config: Option<serde_json::Value>,
        history: bool,
    ) -> Result<()> {
        let key = chain(&state.key, created_by);
        if !self.opts.no_cache
            && let Some((entry, _)) = cache::lookup(&self.ctx.paths, &key)?
        {
            state.config = entry.config;
            self.hits.push(key.clone());
            state.key = key;
            return Ok(());
        }
        if self.cache_only {
            bail!(CacheMiss);
        }
        if let Some(c) = config {
            state.config = c;
        }
        if history {
            let created = self.created();
            state.push_history(&created, created_by, true);
        }
        state.key = key.clone();
        cache::store(&self.ctx.paths, &key, None, &state.config)?;
        Ok(())
    }

    /// The `created` of a new history entry: SOURCE_DATE_EPOCH's time, else now.
    /// Go's RFC3339Nano, as BuildKit writes it: trailing zeros of the fraction dropped.
    pub fn created(&self) -> String {
        let t = match self.opts.source_date_epoch {
            Some(s) => std::time::UNIX_EPOCH + std::time::Duration::from_secs(s.max(0) as u64),
            None => std::time::SystemTime::now(),
        };
        let full = crate::time::rfc3339_nano(t);
        match full.split_once('.') {
            Some((secs, frac)) => {
                let digits = frac.trim_end_matches('Z').trim_end_matches('0');
                if digits.is_empty() {
                    format!("{secs}Z")
                } else {
                    format!("{secs}.{digits}Z")
                }
            }
            None => full,
        }
    }

    pub fn context_dir(&self) -> Option<&Path> {
        match &self.opts.context {
            BuildContext::Dir(d) => Some(d),
            BuildContext::Empty | BuildContext::Tar(_) => None,
        }
    }

    /// A built stage's state (for `COPY --from`).
    pub fn stage_state(&mut self, from: &str, before: usize) -> Result<State> {
        match self.stage_ref(from, before) {
            Some(j) => self
                .done
                .get(&j)
                .cloned()
                .context("stage built out of order"),
            None => self.image_state(from),
        }
    }

    /// The final image: `--label`s, `created`, committed through the store, then every tag at once.
    fn export(&mut self, mut state: State, tags: &[String]) -> Result<BuildReport> {
        let v = self.vertex("exporting to image");
        let t = Instant::now();
        if !self.opts.labels.is_empty() {
            let labels = state.cfg().entry("Labels").or_insert_with(|| json!({}));
            for (k, val) in &self.opts.labels {
                labels[k] = json!(val);
            }
        }
        // Go writes maps with sorted keys: so does docker's image config.
        for k in ["Labels", "ExposedPorts", "Volumes"] {
            if let Some(m) = state.cfg().get(k).and_then(|v| v.as_object()).cloned() {
                let sorted: std::collections::BTreeMap<_, _> = m.into_iter().collect();
                state.cfg().insert(k.into(), json!(sorted));
            }
        }
        let created = state.config["history"]
            .as_array()
            .and_then(|h| h.last())
            .and_then(|h| h["created"].as_str().map(str::to_string))
            .unwrap_or_else(|| self.created());
        state.config["created"] = json!(created);
        // Built layers go into the image compressed (docs/layout.md "Build cache"): the blob is made
        // once per layer and kept, so push and save send it as it is and the digests are reproducible.
        let mut descriptors = state.descriptors.clone();
        let mut files = HashMap::new();
        for d in &mut descriptors {
            let Some(tar) = d["digest"].as_str().and_then(|g| state.built.get(g)) else {
                continue;
            };
            let c = cache::compressed(tar, self.opts.compression)?;
            *d = json!({"mediaType": c.media_type, "digest": c.digest, "size": c.size});
            files.insert(c.digest, c.path);
        }
        let blobs = files.clone();
        self.progress.status(v, "exporting layers done");
        let id = crate::engine::container::commit::store_image_files(
            self.ctx,
            &state.config,
            descriptors,
            files,
            None,
        )?;
        // A layer the store already had by chain ID was not fetched, so neither was its blob in this
        // compression (a zstd build of a layer first stored gzip): the record names it, so keep it.
        for (digest, path) in &blobs {
            keep_blob(&self.ctx.paths, digest, path)?;
        }
        self.progress.status(v, &format!("writing image {id} done"));
        if !tags.is_empty() {
            let now = crate::engine::image::rfc3339_now();
            ImageIndex::update(&self.ctx.paths, |idx| {
                for t in tags {
                    idx.untag_everywhere(t);
                }
                let rec = idx
                    .images
                    .get_mut(&id)
                    .ok_or_else(|| anyhow!("image {id} vanished"))?;
                for t in tags {
                    rec.repo_tags.push(t.clone());
                }
                rec.last_tag_time = Some(now);
                Ok(())
            })?;
            for t in tags {
                self.progress.status(v, &format!("naming to {t} done"));
            }
        }
        self.progress.done(v, t.elapsed());
        Ok(BuildReport {
            id,
            tags: tags.to_vec(),
            executed: self.executed,
            cached: self.cached,
            warnings: Vec::new(),
        })
    }
}

/// Copy the blob at `path` into `blobs/sha256/` unless it is there (verified against `digest`).
fn keep_blob(paths: &crate::store::Paths, digest: &str, path: &Path) -> Result<()> {
    let d = Digest::parse(digest)?;
    if crate::store::blobs::exists(paths, d.hex()) {
        return Ok(());
    }
    let mut w = crate::store::blobs::BlobWriter::new(paths)?;
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let n = std::io::copy(&mut f, &mut w).with_context(|| format!("storing blob {digest}"))?;
    w.commit(paths, d.hex(), n)
}

/// Instructions BuildKit shows as a step (they may change the filesystem).
pub fn has_vertex(k: &Kind) -> bool {
    matches!(
        k,
        Kind::Run(_) | Kind::Copy(_) | Kind::Add(_) | Kind::Workdir(_)
    )
}

/// The key of a step on top of `parent`.
pub fn chain(parent: &str, what: &str) -> String {
    Digest::of(format!("{parent}\n{what}").as_bytes()).to_string()
}

/// Build args that are docker's predefined proxy variables (never in history).
pub fn is_proxy_arg(name: &str) -> bool {
    PROXY_ARGS.contains(&name)
}

/// Sources of a context COPY resolved to host paths, `.dockerignore` applied.
pub fn context_sources(
    ctx_dir: Option<&Path>,
    patterns: &[String],
    filter: Option<&fs_step::Filter>,
) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in patterns {
        let dir = ctx_dir.ok_or_else(|| {
            anyhow!(
                "failed to compute cache key: failed to calculate checksum of ref: \"/{}\": not found (no build context)",
                p.trim_start_matches('/')
            )
        })?;
        let rel = p.trim_start_matches('/');
        if Path::new(rel)
            .components()
            .any(|c| c == std::path::Component::ParentDir)
        {
            bail!("failed to compute cache key: {p:?} is outside the build context");
        }
        let all = if rel.is_empty() || rel == "." {
            vec![dir.to_path_buf()]
        } else {
            fs_step::glob(dir, rel)?
        };
        // A symlinked directory on the way must not lead out of the context (a tar context is
        // untrusted): the source's parent, resolved, stays below the context root.
        let real_root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        for p in &all {
            let parent = if p == dir {
                dir
            } else {
                p.parent().unwrap_or(dir)
            };
            if !std::fs::canonicalize(parent).is_ok_and(|r| r.starts_with(&real_root)) {
                bail!("failed to compute cache key: {p:?} is outside the build context");
            }
        }
        let found: Vec<PathBuf> = all
            .iter()
            .filter(|p| !filter.is_some_and(|f| f.excluded(p, p.is_dir())))
            .cloned()
            .collect();
        // A wildcard may match nothing (BuildKit copies with AllowEmptyWildcard:
        // `COPY package*.json yarn.lock* ./` without a yarn.lock).
        if found.is_empty() && rel.contains(['*', '?', '[']) {
            continue;
        }
        if found.is_empty() && !all.is_empty() {
            bail!(
                "failed to compute cache key: failed to calculate checksum of ref: \"/{rel}\": not found (excluded by .dockerignore)"
            );
        }
        if found.is_empty() {
            bail!(
                "failed to compute cache key: failed to calculate checksum of ref: \"/{rel}\": not found"
            );
        }
        out.extend(found);
    }
    Ok(out)
}

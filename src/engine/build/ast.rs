//! The parsed Dockerfile: the contract between the frontend (`dockerfile.rs`: parsing, `subst.rs`:
//! variable substitution) and the executor (`exec.rs`). Plain data; no I/O.
//!
//! Words are kept as written (before substitution): docker substitutes build args and ENV at the time
//! each instruction runs, in the scope of its stage, and only in the instructions its reference lists
//! (docs/architecture.md, "build"). The executor calls `subst::expand_instruction` (or `expand_word`)
//! where docker would.

/// A whole Dockerfile after parsing.
#[derive(Debug, Clone, PartialEq)]
pub struct Dockerfile {
    /// `ARG`s before the first `FROM` (global scope: usable in `FROM` lines, and re-declared by name
    /// inside a stage to be used there).
    pub global_args: Vec<ArgDecl>,
    pub stages: Vec<Stage>,
    /// The `escape` parser directive (`\` unless `# escape=` says otherwise).
    pub escape: char,
    /// The `# syntax=` directive if present (berth uses its own frontend whatever it says).
    pub syntax: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Position among the stages (0-based), the name for `COPY --from=0`.
    pub index: usize,
    /// `FROM image AS name` (lowercased, as docker compares stage names).
    pub name: Option<String>,
    /// The image word as written (`${BASE}:1`, `scratch`, or an earlier stage's name), unexpanded.
    pub base: String,
    /// `FROM --platform=...` as written.
    pub platform: Option<String>,
    /// The `FROM` line's 1-based line number, for messages.
    pub line: usize,
    /// The original `FROM` text, as docker's BuildKit shows it (`FROM busybox AS build`).
    pub original: String,
    pub instructions: Vec<Instruction>,
}

/// One instruction with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// 1-based line of the instruction's first line.
    pub line: usize,
    /// 1-based line of its last line (continuations and heredocs included).
    pub end_line: usize,
    /// The instruction as written with continuations joined (`RUN apt-get update && apt-get install x`),
    /// heredoc bodies excluded: what BuildKit prints in its progress and error lines.
    pub original: String,
    pub kind: Kind,
}

/// `RUN`/`CMD`/`ENTRYPOINT`/`SHELL`/`HEALTHCHECK CMD` arguments: exec form (JSON array) or shell form.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Exec(Vec<String>),
    /// The shell form's text, continuations joined as docker joins them.
    Shell(String),
}

/// A heredoc attached to `RUN` or `COPY`/`ADD` (`<<EOF`, `<<-EOF` strips leading tabs, `<<"EOF"` or
/// `<<'EOF'` disables expansion).
#[derive(Debug, Clone, PartialEq)]
pub struct Heredoc {
    /// The delimiter word (`EOF`), which also names the file for `COPY <<EOF /dest`.
    pub name: String,
    /// The body (after `<<-` tab stripping), ending with a newline when the source had one.
    pub content: String,
    /// Whether variables in `content` are expanded (false when the delimiter was quoted).
    pub expand: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Run(Run),
    Cmd(Command),
    Entrypoint(Command),
    Shell(Vec<String>),
    /// `ENV k=v k2=v2` or the legacy `ENV k v`: unexpanded values, in order.
    Env(Vec<(String, String)>),
    Label(Vec<(String, String)>),
    Arg(Vec<ArgDecl>),
    /// Each word as written (`80/tcp`, `${PORT}`).
    Expose(Vec<String>),
    /// JSON array or space-separated paths.
    Volume(Vec<String>),
    User(String),
    Workdir(String),
    StopSignal(String),
    Healthcheck(Healthcheck),
    /// `ONBUILD <instruction>`: the trigger text as written, stored in the image config.
    Onbuild(String),
    /// `MAINTAINER` (deprecated; sets the config's Author).
    Maintainer(String),
    Copy(Copy),
    /// `ADD`: the same shape as `COPY`; `is_add` is true.
    Add(Copy),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArgDecl {
    pub name: String,
    /// The default as written (unexpanded), if any.
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub command: Command,
    /// `--mount=...` flags as written (`type=cache,target=/root/.cache`), parsed by the executor.
    pub mounts: Vec<String>,
    /// `--network=default|none|host`.
    pub network: Option<String>,
    /// `--security=...` if given (refused by the executor unless `sandbox`).
    pub security: Option<String>,
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Copy {
    pub is_add: bool,
    /// Sources as written (globs, URLs for ADD); heredoc names appear as `<<EOF` words and their
    /// contents in `heredocs`.
    pub sources: Vec<String>,
    pub dest: String,
    pub from: Option<String>,
    pub chown: Option<String>,
    pub chmod: Option<String>,
    pub link: bool,
    /// `ADD --checksum=sha256:...`.
    pub checksum: Option<String>,
    /// `ADD --keep-git-dir`, `COPY --parents`, `--exclude=`: accepted flags the executor may refuse.
    pub exclude: Vec<String>,
    pub parents: bool,
    /// `ADD --keep-git-dir[=bool]` (None when not given).
    pub keep_git_dir: Option<bool>,
    /// `ADD --unpack[=bool]` (None when not given: local archives are unpacked, URLs are not).
    pub unpack: Option<bool>,
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`.
    None,
    Check {
        /// `CMD` in exec or shell form.
        test: Command,
        /// Durations as written (`30s`, `1m30s`), validated by the parser.
        interval: Option<String>,
        timeout: Option<String>,
        start_period: Option<String>,
        start_interval: Option<String>,
        retries: Option<u32>,
    },
}

//! The command line: clap definitions, parsing of human strings, and all printing.
//! The only module that writes to stdout or knows about terminals. Nothing else calls `process::exit`.
//!
//! Each command group lives in its own file and contributes a flattened subcommand enum,
//! so `berth pull` and `berth image pull` are the same code.
//!
//! # Conventions for every command (docker's)
//!
//! - **Output.** Write through [`stdout()`] and `write!`/`writeln!`, never `println!`: `println!`
//!   panics when stdout is a closed pipe (`berth images | head -1`). A write error propagates as
//!   an `io::Error`; [`report_error`] turns a broken pipe into a quiet exit 0, as ripgrep does
//!   (BurntSushi/ripgrep `crates/core/main.rs`); a stray `println!` that panics on a closed pipe
//!   is caught by a panic hook and ends the same way. SIGPIPE stays ignored (Rust's default) on
//!   purpose: with `SIG_DFL`, an EPIPE on any pipe (a credential helper's stdin, the monitor's
//!   sync pipe) would kill berth, where Go (docker) only dies for stdout and stderr.
//! - **`--format`, tables, inspect.** Use [`format::render_list`], [`format::render_inspect`] and
//!   [`format::render_value`]; human sizes and times come from [`human`].
//! - **Booleans that accept `=false`** (`--rm=false`, `-d=false`, pflag style). Copy this pattern:
//!   ```ignore
//!   /// Automatically remove the container when it exits
//!   #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
//!         default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool,
//!         value_name = "BOOL", hide_default_value = true)]
//!   pub rm: bool,
//!   ```
//!   `--rm`, `--rm=true`, `--rm=false`, `--rm=0` all work; `--rm false` keeps `false` as the next
//!   positional argument (as pflag does); combined short flags (`-dit`) still work.
//! - **Docker stops parsing flags at IMAGE**: put `#[arg(trailing_var_arg = true)]` on the
//!   positional vector (`IMAGE [COMMAND] [ARG...]`): after its first value every word, `-c` or
//!   `--rm` included, belongs to the container. Do not add `allow_hyphen_values`: with it clap
//!   takes `-d=false` for the image name.
//! - **Exit codes.** Usage errors exit 125 (docker/cli `cli/cobra.go` `FlagErrorFunc`); an error
//!   carrying a [`StatusError`] exits with its code (125/126/127, a container's status); any other
//!   error prints one `Error: ...` chain on stderr and exits 1. A `StatusError` with an empty
//!   message exits with its code silently (a container's own exit status).
//! - **Global flags** (`--root`, `--run-root`, `--config`, `-D/--debug`, `--log-level`) reach every
//!   subcommand: do not define flags with those names (clap rejects the clash).
//! - **Logging.** Code below `cli` uses the `log` macros; `--debug`/`-D` (or `--log-level debug`)
//!   shows `log::debug!` lines on stderr as `DEBU <message>`; warnings show by default (`WARN ...`).

pub mod build;
pub mod compose;
pub mod container;
pub mod df;
pub mod events;
mod fast;
pub mod filter;
pub mod format;
pub mod generate;
pub mod history;
pub mod human;
pub mod image;
pub mod network;
pub mod pod;
pub mod prune;
pub mod registry;
pub mod ship;
pub mod system;

use crate::engine::container::MonitorFlags;
use clap::{CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// Exit code docker uses for its own errors (bad flags, engine failures during `run`).
pub const EXIT_USAGE: i32 = 125;

/// An error that carries the exit code the process must end with (docker's 125/126/127,
/// or a container's own status). Anything else maps to 1.
#[derive(Debug, thiserror::Error)]
#[error("{msg}")]
pub struct StatusError {
    pub code: i32,
    pub msg: String,
}

#[derive(Debug, Parser)]
#[command(
    name = "berth",
    version,
    about = "A daemonless, docker-compatible container engine"
)]
#[command(
    disable_help_subcommand = true,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes. Paths default per root/rootless (see `store::Paths`).
#[derive(Debug, Clone, clap::Args, Default)]
pub struct GlobalOpts {
    /// Persistent storage root (images, layers, containers)
    #[arg(long, global = true, env = "BERTH_ROOT", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Volatile state directory (pids, locks, mounts)
    #[arg(
        long = "run-root",
        global = true,
        env = "BERTH_RUN_ROOT",
        value_name = "DIR"
    )]
    pub run_root: Option<PathBuf>,
    /// Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)
    #[arg(long, global = true, env = "BERTH_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Show debug output (which endpoint served what, and why one failed)
    #[arg(long, short = 'D', global = true, action = clap::ArgAction::Set, num_args = 0..=1,
          require_equals = true, default_value = "false", default_missing_value = "true", value_parser = go_bool,
          value_name = "BOOL", hide_default_value = true)]
    pub debug: bool,
    /// Set the logging level ("debug", "info", "warn", "error")
    #[arg(long = "log-level",  global = true, value_name = "LEVEL", value_parser = parse_log_level)]
    pub log_level: Option<log::LevelFilter>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Image(image::ImageCommand),
    #[command(flatten)]
    Container(container::ContainerCommand),
    #[command(flatten)]
    Registry(registry::RegistryCommand),
    #[command(flatten)]
    System(system::SystemCommand),
    #[command(flatten)]
    Network(network::NetworkCommand),
    #[command(flatten)]
    Pod(pod::PodCommand),
    #[command(flatten)]
    Compose(compose::ComposeCommand),
    #[command(flatten)]
    Build(build::BuildCommand),
}

/// Parse, dispatch, and turn the result into an exit code.
pub fn main() -> i32 {
    quiet_broken_pipe_panics();
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(code) = monitor_fast_path(&args) {
        return code;
    }
    crate::trace::role("cli");
    // First thing, even before parsing: `exec` places its process by a write of its pid a moment later
    // (after re-executing from a sealed copy), whose RCU grace period this pays meanwhile. `run` and `start`
    // place the container without such a write (runtime/launch.rs, `place_self`).
    if starts_a_container(&args) == Some("exec") {
        crate::engine::container::warm_attach();
    }
    // `run` is parsed without building the whole command tree when it can be (cli::fast).
    let parsed = fast::parse_run(&args).map_or_else(Cli::try_parse, Ok);
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => return report_usage_error(&e),
    };
    crate::trace::mark("parse");
    init_logging(&cli.global);
    let result = match cli.command {
        Command::Image(c) => image::run(c, &cli.global),
        Command::Container(c) => container::run(c, &cli.global),
        Command::Registry(c) => registry::run(c, &cli.global),
        Command::System(c) => system::run(c, &cli.global),
        Command::Network(c) => network::run(c, &cli.global),
        Command::Pod(c) => pod::run(c, &cli.global),
        Command::Compose(c) => compose::run(c, &cli.global),
        Command::Build(c) => build::run(c, &cli.global),
    };
    match result {
        Ok(code) => code,
        Err(e) => report_error(&e),
    }
}

/// The monitor's command line, which only berth itself writes (engine::container::start), is taken
/// without clap: building berth's whole command tree costs about 2 ms, on the path of every `run` and
/// `start` (issue 3). Any other shape goes through clap as usual.
fn monitor_fast_path(args: &[std::ffi::OsString]) -> Option<i32> {
    let (g, id, flags) = parse_monitor_args(args)?;
    crate::trace::role("monitor");
    init_logging(&g);
    Some(match container::monitor_cmd(&g, &id, flags) {
        Ok(code) => code,
        Err(e) => report_error(&e),
    })
}

/// The verb, when the command line is one that puts a process into a cgroup (`run`, `start`, `restart`,
/// `exec`, as a verb or under `container`/`pod`), judged from the words alone, before clap: see
/// [`crate::runtime::cgroup::warm_attach`]. A wrong guess costs nothing but no-op migrations.
fn starts_a_container(args: &[std::ffi::OsString]) -> Option<&str> {
    verb(args, &["container", "pod"]).filter(|v| ["run", "start", "restart", "exec"].contains(v))
}

/// The first word of the command line that is neither a global option, nor the value of one (`--root`,
/// `--run-root`, `--config` and `--log-level` take theirs separately), nor one of `groups`; `None` when
/// there is none or a word before it is not UTF-8. Judged before clap, by the fast paths.
pub(super) fn verb<'a>(args: &'a [std::ffi::OsString], groups: &[&str]) -> Option<&'a str> {
    let mut expect_value = false;
    for a in args {
        let a = a.to_str()?;
        if expect_value {
            expect_value = false;
            continue;
        }
        match a {
            "--root" | "--run-root" | "--config" | "--log-level" => expect_value = true,
            _ if a.starts_with('-') || groups.contains(&a) => continue,
            _ => return Some(a),
        }
    }
    None
}

/// `--root R --run-root RR internal monitor <64 hex> [--attach] [--wait-go [--early-cgroup]]`, exactly.
fn parse_monitor_args(args: &[std::ffi::OsString]) -> Option<(GlobalOpts, String, MonitorFlags)> {
    let [
        root_flag,
        root,
        run_flag,
        run_root,
        internal,
        monitor,
        id,
        rest @ ..,
    ] = args
    else {
        return None;
    };
    let mut f = MonitorFlags::default();
    for a in rest {
        match a.to_str()? {
            "--attach" if !f.attach => f.attach = true,
            "--wait-go" if !f.wait_go => f.wait_go = true,
            "--early-cgroup" if !f.early_cgroup => f.early_cgroup = true,
            _ => return None,
        }
    }
    let id = id.to_str()?;
    let shape = root_flag == "--root"
        && run_flag == "--run-root"
        && internal == "internal"
        && monitor == "monitor"
        && id.len() == 64
        && id.bytes().all(|b| b.is_ascii_hexdigit());
    shape.then(|| {
        let g = GlobalOpts {
            root: Some(PathBuf::from(root)),
            run_root: Some(PathBuf::from(run_root)),
            config: None,
            debug: false,
            log_level: None,
        };
        (g, id.to_string(), f)
    })
}

/// Print a clap error once and pick docker's exit code: 0 for help and version (on stdout),
/// 125 for every usage error.
pub fn report_usage_error(e: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    let code = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
        // `berth` alone prints the help, as `docker` alone does, and succeeds.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand if std::env::args_os().len() <= 1 => 0,
        _ => EXIT_USAGE,
    };
    if code == 0 && e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let help = Cli::command().render_help().to_string();
        let _ = stdout().write_all(help.as_bytes());
        return 0;
    }
    match docker_usage_error(e) {
        Some(msg) => {
            let _ = writeln!(std::io::stderr().lock(), "{msg}");
        }
        None => {
            let _ = e.print();
        }
    }
    code
}

/// docker/cli's words for a usage error (cobra's `FlagErrorFunc` and `cli.RequiresMinArgs`) instead of
/// clap's, whose tips can suggest a global flag such as `--root` for a mistyped command flag:
/// `unknown flag: --foo`, `'run' requires at least 1 argument.`, each followed by
/// `See 'berth run --help'.`. None for the other errors (clap's own message is clear).
fn docker_usage_error(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let path = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(u)) => {
            let u = u.to_string();
            let words: Vec<&str> = u
                .trim_start_matches("Usage:")
                .split_whitespace()
                .take_while(|w| !w.starts_with(['-', '<', '[']))
                .collect();
            words.join(" ")
        }
        _ => "berth".to_string(),
    };
    let see = format!("See '{path} --help'.");
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(a)) => a.clone(),
        Some(ContextValue::Strings(a)) => a.join(" "),
        _ => String::new(),
    };
    match e.kind() {
        ErrorKind::UnknownArgument => {
            let flag = arg.split('=').next().unwrap_or_default();
            let what = if flag.starts_with("--") {
                format!("unknown flag: {flag}")
            } else if let Some(short) = flag.strip_prefix('-').and_then(|f| f.chars().next()) {
                format!("unknown shorthand flag: '{short}' in {flag}")
            } else {
                format!("\"{path}\" accepts no arguments.")
            };
            Some(format!("{what}\n{see}"))
        }
        ErrorKind::MissingRequiredArgument if arg.starts_with('<') => {
            let verb = path.strip_prefix("berth ").unwrap_or(&path);
            Some(format!(
                "berth: '{verb}' requires at least 1 argument.\n{see}"
            ))
        }
        _ => None,
    }
}

/// Print an error chain once, as docker does (`Error: ...`), and pick the exit code.
/// A broken pipe on output is not an error worth a message: exit quietly with 0.
pub fn report_error(e: &anyhow::Error) -> i32 {
    if e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return 0;
    }
    let status = e.downcast_ref::<StatusError>();
    // A status with no message is a container's own exit code (`run busybox false` exits 1 and
    // says nothing, as docker does).
    if status.is_none_or(|s| !s.msg.is_empty()) {
        let _ = writeln!(std::io::stderr().lock(), "Error: {e:#}");
    }
    status.map_or(1, |s| s.code)
}

/// A safety net for `println!` on a closed stdout, which panics with "failed printing to stdout:
/// Broken pipe": exit quietly with 0, as [`report_error`] does for a returned broken pipe, instead
/// of a panic message and status 101. Every other panic keeps the default report.
fn quiet_broken_pipe_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Locked stdout for command output. Errors (a closed pipe) come back as `io::Error` instead of
/// the panic `println!` gives; hand them up with `?`.
pub fn stdout() -> std::io::StdoutLock<'static> {
    std::io::stdout().lock()
}

/// Go's `strconv.ParseBool`, the values pflag accepts for `--flag=<bool>`:
/// 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.
pub fn go_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        other => Err(format!(
            "strconv.ParseBool: parsing {other:?}: invalid syntax"
        )),
    }
}

fn parse_log_level(s: &str) -> Result<log::LevelFilter, String> {
    match s.to_ascii_lowercase().as_str() {
        "debug" | "trace" => Ok(log::LevelFilter::Debug),
        "info" => Ok(log::LevelFilter::Info),
        "warn" | "warning" => Ok(log::LevelFilter::Warn),
        "error" | "fatal" | "panic" => Ok(log::LevelFilter::Error),
        other => Err(format!("unable to parse logging level: {other}")),
    }
}

/// The stderr logger behind `--debug` and `--log-level`: one line per record, prefixed with the
/// four-letter level docker's logrus prints (`DEBU`, `INFO`, `WARN`, `ERRO`).
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, meta: &log::Metadata<'_>) -> bool {
        meta.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let level = match record.level() {
            log::Level::Error => "ERRO",
            log::Level::Warn => "WARN",
            log::Level::Info => "INFO",
            log::Level::Debug | log::Level::Trace => "DEBU",
        };
        let _ = writeln!(std::io::stderr().lock(), "{level} {}", record.args());
    }

    fn flush(&self) {}
}

/// Install the stderr logger: `--debug` means debug, else `--log-level`, else info (docker's default).
pub fn init_logging(g: &GlobalOpts) {
    let level = if g.debug {
        log::LevelFilter::Debug
    } else {
        g.log_level.unwrap_or(log::LevelFilter::Info)
    };
    // A second call (tests that run `main` twice in one process) keeps the first logger.
    if log::set_logger(&StderrLogger).is_ok() {
        log::set_max_level(level);
    }
}

/// The engine context of a command: the store's paths and the loaded config. The config's warnings
/// are printed by the commands that use it (pull, run, create); the others stay silent, as before
/// they loaded it.
pub(crate) fn engine_context(g: &GlobalOpts) -> anyhow::Result<crate::engine::Context> {
    crate::engine::Context::lenient(
        g.root.as_deref(),
        g.run_root.as_deref(),
        g.config.as_deref(),
    )
}

/// `--label K=V` and `-o K=V` lists (`K` alone: an empty value) as docker parses them, for every
/// command that takes them.
pub(crate) fn parse_key_values(items: &[String]) -> std::collections::BTreeMap<String, String> {
    items
        .iter()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (l.clone(), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cgroup_warm_up_is_for_commands_that_start_processes() {
        let w = |a: &[&str]| {
            let v: Vec<std::ffi::OsString> = a.iter().map(std::ffi::OsString::from).collect();
            starts_a_container(&v).and_then(|s| {
                ["run", "start", "restart", "exec"]
                    .into_iter()
                    .find(|x| *x == s)
            })
        };
        assert_eq!(w(&["run", "--rm", "busybox", "true"]), Some("run"));
        assert_eq!(
            w(&["--root", "/x", "--run-root", "/y", "run", "busybox"]),
            Some("run")
        );
        assert_eq!(w(&["container", "start", "web"]), Some("start"));
        assert_eq!(w(&["-D", "exec", "web", "ls"]), Some("exec"));
        assert_eq!(w(&["ps", "-a"]), None);
        assert_eq!(w(&["--root", "run", "ps"]), None);
        assert_eq!(w(&["images"]), None);
    }

    #[test]
    fn monitor_fast_path_takes_only_the_exact_command_line_start_writes() {
        let v = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let id = "a".repeat(64);
        let base = [
            "--root",
            "/r",
            "--run-root",
            "/rr",
            "internal",
            "monitor",
            id.as_str(),
        ];
        let (g, got, f) = parse_monitor_args(&v(&base)).unwrap();
        assert_eq!(
            (g.root, g.run_root, got.as_str(), f),
            (
                Some("/r".into()),
                Some("/rr".into()),
                id.as_str(),
                MonitorFlags::default()
            )
        );
        let mut with = base.to_vec();
        with.push("--attach");
        assert!(parse_monitor_args(&v(&with)).unwrap().2.attach);
        with.extend(["--wait-go", "--early-cgroup"]);
        let (.., f) = parse_monitor_args(&v(&with)).unwrap();
        assert!(f.attach && f.wait_go && f.early_cgroup);
        with.push("--attach");
        assert!(parse_monitor_args(&v(&with)).is_none());
        let mut bad_id = base;
        bad_id[6] = "abc";
        assert!(parse_monitor_args(&v(&bad_id)).is_none());
        let mut other = base;
        other[5] = "pause";
        assert!(parse_monitor_args(&v(&other)).is_none());
        assert!(parse_monitor_args(&v(&["run", "busybox"])).is_none());
    }

    /// A command using the documented boolean pattern, as other command files copy it.
    #[derive(Debug, Parser)]
    #[command(name = "t")]
    struct T {
        #[arg(short = 'd', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
              default_value = "false", default_missing_value = "true", value_parser = go_bool)]
        detach: bool,
        #[arg(short = 'i', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
              default_value = "false", default_missing_value = "true", value_parser = go_bool)]
        interactive: bool,
        #[arg(short = 't', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
              default_value = "false", default_missing_value = "true", value_parser = go_bool)]
        tty: bool,
        #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
              default_value = "false", default_missing_value = "true", value_parser = go_bool)]
        rm: bool,
        #[arg(trailing_var_arg = true)]
        args: Vec<String>,
    }

    fn parse(args: &[&str]) -> T {
        T::try_parse_from(std::iter::once("t").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn booleans_accept_docker_forms() {
        let t = parse(&["--rm", "img"]);
        assert!(t.rm && !t.detach);
        assert_eq!(t.args, ["img"]);
        assert!(!parse(&["--rm=false", "img"]).rm);
        assert!(parse(&["--rm=true", "img"]).rm);
        assert!(!parse(&["--rm=0", "img"]).rm);
        assert!(parse(&["--rm=T", "img"]).rm);
        // `--rm false`: the value must be attached; `false` is the image, as with pflag.
        let t = parse(&["--rm", "false"]);
        assert!(t.rm);
        assert_eq!(t.args, ["false"]);
        crate::testing::assert_err(
            T::try_parse_from(["t", "--rm=maybe", "img"]),
            "invalid value 'maybe' for '--rm",
        );
    }

    #[test]
    fn combined_short_flags_and_trailing_args() {
        let t = parse(&["-dit", "busybox", "sh", "-c", "echo --rm"]);
        assert!(t.detach && t.interactive && t.tty && !t.rm);
        assert_eq!(t.args, ["busybox", "sh", "-c", "echo --rm"]);
        let t = parse(&["-d=false", "-it", "busybox"]);
        assert!(!t.detach && t.interactive && t.tty);
        let t = parse(&["-i", "busybox", "sh", "-c", "-x", "--rm", "-d"]);
        assert!(t.interactive && !t.rm && !t.detach);
        assert_eq!(t.args, ["busybox", "sh", "-c", "-x", "--rm", "-d"]);
        // Before IMAGE an unknown flag is a usage error, as in docker.
        crate::testing::assert_err(
            T::try_parse_from(["t", "--bogus", "busybox"]),
            "unexpected argument '--bogus'",
        );
    }

    #[test]
    fn go_bool_matches_strconv() {
        for s in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(go_bool(s), Ok(true));
        }
        for s in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(go_bool(s), Ok(false));
        }
        crate::testing::assert_err(go_bool("yes"), "parsing \"yes\": invalid syntax");
    }

    #[test]
    fn broken_pipe_exits_quietly_and_status_errors_keep_their_code() {
        let pipe = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("writing output");
        assert_eq!(report_error(&pipe), 0);
        let status = anyhow::Error::from(StatusError {
            code: 127,
            msg: "not found".into(),
        });
        assert_eq!(report_error(&status), 127);
        let silent = anyhow::Error::from(StatusError {
            code: 3,
            msg: String::new(),
        });
        assert_eq!(report_error(&silent), 3);
        assert_eq!(report_error(&anyhow::anyhow!("plain failure")), 1);
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

//! The second pass of the Dockerfile parser: raw nodes -> typed instructions, with each
//! instruction's argument rules, its accepted `--flags` and BuildKit's wording.

use super::{Command, Copy, Healthcheck, Kind, Lexer, RawNode, Run, Stage, heredoc_word, original};
use crate::engine::build::ast::ArgDecl;

#[derive(Clone, Copy, PartialEq)]
enum FlagType {
    Bool,
    Str,
    /// Repeatable (`--mount`, `--exclude`).
    Strs,
}

use FlagType::{Bool, Str, Strs};

/// The flags given to one instruction, checked against the ones it accepts.
#[derive(Default)]
struct Flags {
    values: Vec<(&'static str, Vec<String>)>,
}

impl Flags {
    fn parse(args: &[String], accepted: &[(&'static str, FlagType)]) -> Result<Flags, String> {
        let mut flags = Flags::default();
        for a in args {
            if a == "--" {
                break;
            }
            let Some(body) = a.strip_prefix("--") else {
                return Err(format!("arg should start with -- : {a}"));
            };
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let flag_name = format!("--{name}");
            let Some(&(key, ty)) = accepted.iter().find(|(n, _)| *n == name) else {
                let names: Vec<&str> = accepted.iter().map(|(n, _)| *n).collect();
                return Err(suggest(
                    format!("unknown flag: {flag_name}"),
                    name,
                    &names,
                    true,
                ));
            };
            let seen = flags.values.iter().position(|(n, _)| *n == key);
            if seen.is_some() && ty != Strs {
                return Err(format!("duplicate flag specified: {flag_name}"));
            }
            let v = match (ty, value) {
                (Bool, Some("")) | (Str | Strs, None) => {
                    return Err(format!("missing a value on flag: {flag_name}"));
                }
                (Bool, v) => match v.unwrap_or("").to_ascii_lowercase().as_str() {
                    "true" | "" => "true".to_string(),
                    "false" => "false".to_string(),
                    _ => {
                        return Err(format!(
                            "expecting boolean value for flag {flag_name}, not: {}",
                            v.unwrap_or_default()
                        ));
                    }
                },
                (_, v) => v.unwrap_or_default().to_string(),
            };
            match seen {
                Some(i) => flags.values[i].1.push(v),
                None => flags.values.push((key, vec![v])),
            }
        }
        Ok(flags)
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    fn get(&self, name: &str) -> Option<String> {
        self.all(name).pop()
    }
    fn bool(&self, name: &str) -> Option<bool> {
        self.get(name).map(|v| v == "true")
    }
}

/// BuildKit's "did you mean" suffix: the closest option at edit distance below 3.
fn suggest(message: String, value: &str, options: &[&str], case_sensitive: bool) -> String {
    let norm = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            s.to_ascii_lowercase()
        }
    };
    let v = norm(value);
    let mut best: Option<String> = None;
    let mut min = 3;
    for opt in options {
        let o = norm(opt);
        if o == v {
            return message;
        }
        let d = levenshtein(&v, &o);
        if d < min {
            min = d;
            best = Some(if case_sensitive {
                o
            } else if value == value.to_ascii_lowercase() {
                o.to_ascii_lowercase()
            } else if value == value.to_ascii_uppercase() {
                o.to_ascii_uppercase()
            } else {
                o
            });
        }
    }
    match best {
        Some(b) => format!("{message} (did you mean {b}?)"),
        None => message,
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

fn exactly_one(node: &RawNode, name: &str) -> Result<String, String> {
    match node.args.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!("{name} requires exactly one argument")),
    }
}

fn at_least_one(node: &RawNode, name: &str) -> Result<(), String> {
    if node.args.is_empty() {
        Err(format!("{name} requires at least one argument"))
    } else {
        Ok(())
    }
}

/// Stage names: `^[a-z][a-z0-9-_.]*$` after lowercasing.
fn valid_stage_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

pub(super) fn parse_from(node: &RawNode, index: usize, _escape: char) -> Result<Stage, String> {
    let name = match node.args.as_slice() {
        [_, as_, name] if as_.eq_ignore_ascii_case("as") => {
            let lower = name.to_lowercase();
            if !valid_stage_name(&lower) {
                return Err(format!(
                    "invalid name for build stage: {name:?}, name can't start with a number or contain symbols"
                ));
            }
            Some(lower)
        }
        [_] => None,
        _ => return Err("FROM requires either one or three arguments".into()),
    };
    let flags = Flags::parse(&node.flags, &[("platform", Str)])?;
    Ok(Stage {
        index,
        name,
        base: node.args[0].clone(),
        platform: flags.get("platform"),
        line: node.start,
        original: original(&node.line),
        instructions: Vec::new(),
    })
}

/// The command of RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD: exec form or the shell form's text.
fn command(args: &[String], json: bool) -> Command {
    if json {
        Command::Exec(args.to_vec())
    } else {
        Command::Shell(args.join(" "))
    }
}

pub(super) fn parse_instruction(node: &RawNode, escape: char) -> Result<Kind, String> {
    let no_flags = |n: &RawNode| Flags::parse(&n.flags, &[]).map(|_| ());
    Ok(match node.lower().as_str() {
        "env" | "label" => {
            no_flags(node)?;
            let name = node.cmd.to_ascii_uppercase();
            if node.pairs.is_empty() {
                return Err(format!("{name} requires at least one argument"));
            }
            if node.pairs.iter().any(|(k, _)| k.is_empty()) {
                return Err(format!("{name} names can not be blank"));
            }
            if name == "ENV" {
                Kind::Env(node.pairs.clone())
            } else {
                Kind::Label(node.pairs.clone())
            }
        }
        "maintainer" => {
            let m = exactly_one(node, "MAINTAINER")?;
            no_flags(node)?;
            Kind::Maintainer(m)
        }
        "add" | "copy" => Kind::from_copy(parse_copy(node, escape)?),
        "onbuild" => parse_onbuild(node)?,
        "workdir" => {
            let w = exactly_one(node, "WORKDIR")?;
            no_flags(node)?;
            Kind::Workdir(w)
        }
        "run" => parse_run(node)?,
        "cmd" => {
            no_flags(node)?;
            Kind::Cmd(if node.args.is_empty() {
                Command::Exec(Vec::new())
            } else {
                command(&node.args, node.json)
            })
        }
        "entrypoint" => {
            no_flags(node)?;
            Kind::Entrypoint(if node.args.is_empty() {
                Command::Exec(Vec::new())
            } else {
                command(&node.args, node.json)
            })
        }
        "healthcheck" => parse_healthcheck(node)?,
        "expose" => {
            at_least_one(node, "EXPOSE")?;
            no_flags(node)?;
            Kind::Expose(node.args.clone())
        }
        "user" => {
            let u = exactly_one(node, "USER")?;
            no_flags(node)?;
            Kind::User(u)
        }
        "volume" => {
            at_least_one(node, "VOLUME")?;
            no_flags(node)?;
            let mut v = Vec::new();
            for a in &node.args {
                let a = a.trim();
                if a.is_empty() {
                    return Err("VOLUME specified can not be an empty string".into());
                }
                v.push(a.to_string());
            }
            Kind::Volume(v)
        }
        // BuildKit does not look at STOPSIGNAL's or ARG's flags.
        "stopsignal" => Kind::StopSignal(exactly_one(node, "STOPSIGNAL")?),
        "arg" => {
            at_least_one(node, "ARG")?;
            let mut decls = Vec::new();
            for a in &node.args {
                decls.push(match a.split_once('=') {
                    Some(("", _)) => return Err("ARG names can not be blank".into()),
                    Some((k, v)) => ArgDecl {
                        name: k.to_string(),
                        default: Some(v.to_string()),
                    },
                    None => ArgDecl {
                        name: a.clone(),
                        default: None,
                    },
                });
            }
            Kind::Arg(decls)
        }
        "shell" => {
            no_flags(node)?;
            if node.args.is_empty() {
                return Err("SHELL requires at least one argument".into());
            }
            if !node.json {
                return Err("SHELL requires the arguments to be in JSON form".into());
            }
            Kind::Shell(node.args.clone())
        }
        _ => {
            return Err(suggest(
                format!("unknown instruction: {}", node.cmd),
                &node.cmd,
                INSTRUCTIONS,
                false,
            ));
        }
    })
}

impl Kind {
    fn from_copy(c: Copy) -> Kind {
        if c.is_add {
            Kind::Add(c)
        } else {
            Kind::Copy(c)
        }
    }
}

fn parse_copy(node: &RawNode, escape: char) -> Result<Copy, String> {
    let is_add = node.lower() == "add";
    let name = if is_add { "ADD" } else { "COPY" };
    if node.args.len() < 2 {
        return Err(format!(
            "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
        ));
    }
    let flags = if is_add {
        Flags::parse(
            &node.flags,
            &[
                ("chown", Str),
                ("chmod", Str),
                ("link", Bool),
                ("keep-git-dir", Bool),
                ("checksum", Str),
                ("unpack", Bool),
                ("exclude", Strs),
            ],
        )?
    } else {
        Flags::parse(
            &node.flags,
            &[
                ("chown", Str),
                ("from", Str),
                ("chmod", Str),
                ("link", Bool),
                ("exclude", Strs),
                ("parents", Bool),
            ],
        )?
    };
    let (dest, sources) = node.args.split_last().expect("two arguments checked above");
    if heredoc_word(dest).is_some() {
        return Err(format!("{name} cannot accept a heredoc as a destination"));
    }
    let from = flags.get("from").filter(|f| !f.is_empty());
    if let Some(f) = &from {
        // BuildKit refuses variables in --from (a stage must be named by a global-scope FROM).
        let processed = Lexer::new(escape)
            .process_word(f, &|_: &str| None)
            .map_err(|e| e.to_string())?;
        if &processed != f {
            return Err("variable expansion is not supported for --from, define a new stage with FROM using ARG \
                        from global scope as a workaround"
                .into());
        }
    }
    let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
    Ok(Copy {
        is_add,
        sources: sources.to_vec(),
        dest: dest.clone(),
        from,
        chown: nonempty(flags.get("chown")),
        chmod: nonempty(flags.get("chmod")),
        link: flags.bool("link").unwrap_or(false),
        checksum: nonempty(flags.get("checksum")),
        exclude: flags.all("exclude"),
        parents: flags.bool("parents").unwrap_or(false),
        keep_git_dir: flags.bool("keep-git-dir"),
        unpack: flags.bool("unpack"),
        heredocs: node.heredocs.clone(),
    })
}

fn parse_run(node: &RawNode) -> Result<Kind, String> {
    let flags = Flags::parse(
        &node.flags,
        &[("mount", Strs), ("network", Str), ("security", Str)],
    )?;
    let network = flags.get("network");
    if let Some(n) = &network
        && !matches!(n.as_str(), "default" | "none" | "host")
    {
        return Err(format!("invalid network mode {n:?}"));
    }
    let security = flags.get("security");
    if let Some(s) = &security
        && !matches!(s.as_str(), "sandbox" | "insecure")
    {
        return Err(format!("security {s:?} is not valid"));
    }
    if node.args.is_empty() {
        return Err("RUN requires at least one argument".into());
    }
    Ok(Kind::Run(Run {
        command: command(&node.args, node.json),
        mounts: flags.all("mount"),
        network,
        security,
        heredocs: node.heredocs.clone(),
    }))
}

fn parse_onbuild(node: &RawNode) -> Result<Kind, String> {
    let Some(sub) = &node.sub else {
        return Err("ONBUILD requires at least one argument".into());
    };
    Flags::parse(&node.flags, &[])?;
    let trigger = sub.cmd.to_ascii_uppercase();
    match trigger.as_str() {
        "ONBUILD" => return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into()),
        "MAINTAINER" | "FROM" => {
            return Err(format!("{trigger} isn't allowed as an ONBUILD trigger"));
        }
        _ => {}
    }
    // The trigger as written (what the image config stores), heredoc bodies appended.
    let line = node.line.trim_start();
    let mut expr = line[node.cmd.len()..].trim_start().to_string();
    for h in &node.heredocs {
        expr.push('\n');
        expr.push_str(&h.content);
        expr.push_str(&h.name);
    }
    Ok(Kind::Onbuild(expr))
}

fn parse_healthcheck(node: &RawNode) -> Result<Kind, String> {
    let Some((typ, args)) = node.args.split_first() else {
        return Err("HEALTHCHECK requires at least one argument".into());
    };
    let typ = typ.to_ascii_uppercase();
    if typ == "NONE" {
        if !args.is_empty() {
            return Err("HEALTHCHECK NONE takes no arguments".into());
        }
        return Ok(Kind::Healthcheck(Healthcheck::None));
    }
    let flags = Flags::parse(
        &node.flags,
        &[
            ("interval", Str),
            ("timeout", Str),
            ("start-period", Str),
            ("start-interval", Str),
            ("retries", Str),
        ],
    )?;
    if typ != "CMD" {
        return Err(format!("Unknown type {typ:?} in HEALTHCHECK (try CMD)"));
    }
    if args.is_empty() {
        return Err("Missing command after HEALTHCHECK CMD".into());
    }
    let interval = |name: &str| -> Result<Option<String>, String> {
        match flags.get(name).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => {
                let d = parse_duration(&v)?;
                if !d.is_zero() && d < std::time::Duration::from_millis(1) {
                    return Err(format!("Interval {name:?} cannot be less than 1ms"));
                }
                Ok(Some(v))
            }
        }
    };
    let retries = match flags.get("retries").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => {
            let n: i64 = v
                .parse()
                .map_err(|_| format!("strconv.ParseInt: parsing {v:?}: invalid syntax"))?;
            if n < 0 {
                return Err(format!("--retries cannot be negative ({n})"));
            }
            Some(
                u32::try_from(n)
                    .map_err(|_| format!("strconv.ParseInt: parsing {v:?}: value out of range"))?,
            )
        }
    };
    Ok(Kind::Healthcheck(Healthcheck::Check {
        test: command(args, node.json),
        interval: interval("interval")?,
        timeout: interval("timeout")?,
        start_period: interval("start-period")?,
        start_interval: interval("start-interval")?,
        retries,
    }))
}

/// A Go duration (`30s`, `1m30s`, `1.5h`, `500ms`, `0`), as HEALTHCHECK's flags take it.
/// Negative durations are refused (a health check interval cannot be negative).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let invalid = || format!("time: invalid duration {s:?}");
    let body = s.strip_prefix('+').unwrap_or(s);
    if body.starts_with('-') {
        return Err(format!("Interval {s:?} cannot be negative"));
    }
    if body == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    if body.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    let mut rest = body;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(invalid());
        }
        let value: f64 = num.parse().map_err(|_| invalid())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        let nanos = match unit {
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(format!("time: unknown unit {unit:?} in duration {s:?}")),
        };
        total += value * nanos;
        rest = &rest[unit_len..];
    }
    if total > i64::MAX as f64 {
        return Err(invalid());
    }
    Ok(std::time::Duration::from_nanos(total.round() as u64))
}

//! BuildKit's Dockerfile checks that need no image: the warnings `docker build` prints after a build
//! (`1 warning found`, `- JSONArgsRecommended: ... (line 3)`), with the `# check=skip=...;error=true`
//! directive honoured. Rules that need the base image or the build args (UndefinedVar,
//! UndefinedArgInFrom, InvalidBaseImagePlatform...) are the executor's to add.

use std::fmt;

use super::RawNode;
use crate::engine::build::ast::Dockerfile;

/// One check that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// BuildKit's rule name (`JSONArgsRecommended`).
    pub rule: &'static str,
    /// BuildKit's message for it.
    pub message: String,
    /// 1-based line of the instruction.
    pub line: usize,
    /// The stage the instruction belongs to (None before the first FROM), so the executor can keep
    /// only the warnings of the stages it builds, as BuildKit does for its build-time checks.
    pub stage: Option<usize>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (line {})", self.rule, self.message, self.line)
    }
}

/// A parsed Dockerfile with its warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub dockerfile: Dockerfile,
    pub warnings: Vec<Warning>,
    /// `# check=error=true`: warnings fail the build (`lint violation found for rules: ...`).
    pub warnings_are_errors: bool,
}

impl Parsed {
    /// BuildKit's error when `# check=error=true` and some check failed.
    pub fn lint_error(&self) -> Option<String> {
        if !self.warnings_are_errors || self.warnings.is_empty() {
            return None;
        }
        let mut rules: Vec<&str> = self.warnings.iter().map(|w| w.rule).collect();
        rules.dedup();
        Some(format!(
            "lint violation found for rules: {}",
            rules.join(", ")
        ))
    }
}

/// `skip=all`, `skip=A,B`, `error=true`, separated by `;`.
struct CheckOptions {
    skip_all: bool,
    skip: Vec<String>,
    error: bool,
}

fn check_options(check: Option<&str>) -> CheckOptions {
    let mut o = CheckOptions {
        skip_all: false,
        skip: Vec::new(),
        error: false,
    };
    for part in check.unwrap_or_default().split(';') {
        match part.trim().split_once('=') {
            Some(("skip", "all")) => o.skip_all = true,
            Some(("skip", v)) => o.skip.extend(v.split(',').map(|r| r.trim().to_string())),
            Some(("error", v)) => o.error = v.trim().eq_ignore_ascii_case("true"),
            _ => {}
        }
    }
    o
}

/// Whether an ARG/ENV name looks like a secret (`API_KEY`, `GITHUB_TOKEN`), BuildKit's rule: a
/// `_`-separated word from the deny list and none from the allow list.
fn secret_name(key: &str) -> bool {
    let words: Vec<String> = key.split('_').map(str::to_ascii_lowercase).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    has(&[
        "apikey",
        "auth",
        "credential",
        "credentials",
        "key",
        "password",
        "pword",
        "passwd",
        "secret",
        "token",
    ]) && !has(&["public", "file", "version"])
}

fn consistent(s: &str) -> bool {
    s == s.to_ascii_lowercase() || s == s.to_ascii_uppercase()
}

/// The checks over the raw nodes, in line order.
pub(super) fn lint(nodes: &[RawNode], check: Option<&str>) -> (Vec<Warning>, bool) {
    let opts = check_options(check);
    let mut out: Vec<Warning> = Vec::new();
    let mut push = |rule: &'static str, message: String, line: usize, stage: Option<usize>| {
        if !opts.skip_all && !opts.skip.iter().any(|s| s == rule) {
            out.push(Warning {
                rule,
                message,
                line,
                stage,
            });
        }
    };

    // ConsistentInstructionCasing counts the FROMs and the instructions inside stages.
    let mut in_stage = false;
    let (mut lower, mut upper) = (0, 0);
    for n in nodes {
        in_stage |= n.lower() == "from";
        if in_stage && consistent(&n.cmd) {
            if n.cmd == n.cmd.to_ascii_lowercase() {
                lower += 1
            } else {
                upper += 1
            }
        }
    }
    let majority_lower = lower > upper;

    let mut stage: Option<usize> = None;
    let mut names: Vec<String> = Vec::new();
    // Per stage: the previous CMD / ENTRYPOINT / HEALTHCHECK line, whether SHELL or WORKDIR was set.
    let mut used_once: [Option<usize>; 3] = [None; 3];
    let mut shell_set = false;
    let mut workdir_set = false;
    for n in nodes {
        let l = n.lower();
        if l == "from" {
            stage = Some(stage.map_or(0, |s| s + 1));
            used_once = [None; 3];
            shell_set = false;
            workdir_set = false;
        }
        if n.empty_continuation {
            push(
                "NoEmptyContinuation",
                "Empty continuation line".into(),
                n.start,
                stage,
            );
        }
        if stage.is_some() {
            let bad = if majority_lower && n.cmd != n.cmd.to_ascii_lowercase() {
                Some("lowercase")
            } else if !majority_lower && n.cmd != n.cmd.to_ascii_uppercase() {
                Some("uppercase")
            } else {
                None
            };
            if let Some(case) = bad {
                let msg = format!(
                    "Command '{}' should match the case of the command majority ({case})",
                    n.cmd
                );
                push("ConsistentInstructionCasing", msg, n.start, stage);
            }
        }
        match l.as_str() {
            "from" => from_rules(n, &mut names)
                .into_iter()
                .for_each(|(r, m)| push(r, m, n.start, stage)),
            "env" | "label" | "arg" | "expose" => value_rules(n, &l)
                .into_iter()
                .for_each(|(r, m)| push(r, m, n.start, stage)),
            "maintainer" => {
                let msg =
                    "Maintainer instruction is deprecated in favor of using label".to_string();
                push("MaintainerDeprecated", msg, n.start, stage);
            }
            "shell" => shell_set = true,
            "cmd" | "entrypoint" | "healthcheck" => {
                let slot = match l.as_str() {
                    "cmd" => 0,
                    "entrypoint" => 1,
                    _ => 2,
                };
                if let Some(prev) = used_once[slot] {
                    let msg = format!(
                        "Multiple {} instructions should not be used in the same stage because only the last one will be used",
                        n.cmd
                    );
                    push("MultipleInstructionsDisallowed", msg, prev, stage);
                }
                used_once[slot] = Some(n.start);
                if slot < 2 && !n.json && !n.args.is_empty() && !shell_set {
                    let msg = format!(
                        "JSON arguments recommended for {} to prevent unintended behavior related to OS signals",
                        n.cmd
                    );
                    push("JSONArgsRecommended", msg, n.start, stage);
                }
            }
            "workdir" => {
                if let Some(p) = n.args.first() {
                    if !workdir_set && !p.starts_with('/') && !p.starts_with('$') {
                        let msg = format!(
                            "Relative workdir {p:?} can have unexpected results if the base image changes"
                        );
                        push("WorkdirRelativePath", msg, n.start, stage);
                    }
                    workdir_set = true;
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|w| w.line);
    (out, opts.error)
}

/// FROM's checks: stage name casing, `AS` casing, reserved and duplicate names.
fn from_rules(n: &RawNode, names: &mut Vec<String>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let [_, as_, name] = n.args.as_slice() else {
        return out;
    };
    if name != &name.to_lowercase() {
        out.push((
            "StageNameCasing",
            format!("Stage name '{name}' should be lowercase"),
        ));
    }
    let from_lower = n.cmd == n.cmd.to_ascii_lowercase();
    let from_upper = n.cmd == n.cmd.to_ascii_uppercase();
    if (from_lower && as_ != &as_.to_ascii_lowercase())
        || (from_upper && as_ != &as_.to_ascii_uppercase())
    {
        out.push((
            "FromAsCasing",
            format!("'{}' and '{as_}' keywords' casing do not match", n.cmd),
        ));
    }
    let name = name.to_lowercase();
    if name == "context" || name == "scratch" {
        let msg = format!("Stage name should not use the same name as reserved stage {name:?}");
        out.push(("ReservedStageName", msg));
    }
    if names.contains(&name) {
        out.push((
            "DuplicateStageName",
            format!("Duplicate stage name {name:?}, stage names should be unique"),
        ));
    }
    names.push(name);
    out
}

/// ENV, LABEL, ARG and EXPOSE checks on their words.
fn value_rules(n: &RawNode, l: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let secret = |instr: &str, k: &str| {
        format!("Do not use ARG or ENV instructions for sensitive data ({instr} {k:?})")
    };
    match l {
        "env" | "label" => {
            if n.legacy {
                let msg = format!(
                    "\"{c} key=value\" should be used instead of legacy \"{c} key value\" format",
                    c = n.cmd
                );
                out.push(("LegacyKeyValueFormat", msg));
            }
            if l == "env" {
                for (k, _) in n.pairs.iter().filter(|(k, _)| secret_name(k)) {
                    out.push(("SecretsUsedInArgOrEnv", secret("ENV", k)));
                }
            }
        }
        "arg" => {
            for a in &n.args {
                let k = a.split_once('=').map_or(a.as_str(), |(k, _)| k);
                if secret_name(k) {
                    out.push(("SecretsUsedInArgOrEnv", secret("ARG", k)));
                }
            }
        }
        _ => {
            for p in n.args.iter().filter(|p| !p.contains('$')) {
                if let Some((_, proto)) = p.rsplit_once('/')
                    && proto != proto.to_ascii_lowercase()
                {
                    out.push((
                        "ExposeProtoCasing",
                        format!("Defined protocol '{p}' in EXPOSE instruction should be lowercase"),
                    ));
                }
                if p.contains(':') {
                    let msg = format!(
                        "EXPOSE instruction should not define an IP address or host-port mapping, found '{p}'"
                    );
                    out.push(("ExposeInvalidFormat", msg));
                }
            }
        }
    }
    out
}

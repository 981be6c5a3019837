//! The Dockerfile parser: text -> `ast::Dockerfile`, with BuildKit's rules and error wording
//! (docs/architecture.md, "build"). Pure: no I/O, no substitution (`subst` does that when a step
//! runs, in the stage's scope).
//!
//! Two passes, as BuildKit's: lines -> raw nodes (parser directives at the very top, comments,
//! continuations with the escape character, heredoc bodies, `--flag` words), then raw nodes -> typed
//! instructions (arguments checked, flags checked against each instruction's list, stage
//! bookkeeping).

use std::fmt;

use super::ast::{Command, Copy, Dockerfile, Healthcheck, Heredoc, Instruction, Kind, Run, Stage};
use super::subst::Lexer;

/// A Dockerfile that cannot be parsed; displayed as BuildKit prints it:
/// `dockerfile parse error on line 3: unknown instruction: FORM (did you mean FROM?)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line of the instruction (its first line).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "dockerfile parse error on line {}: {}",
            self.line, self.message
        )
    }
}

impl std::error::Error for ParseError {}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

/// A heredoc word (`<<EOF`, `<<-"EOF"`, `2<<EOF`) as BuildKit reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocWord {
    /// The delimiter with quotes removed.
    pub name: String,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    /// False when any part of the delimiter was quoted.
    pub expand: bool,
    /// The file descriptor before `<<` (0 when absent).
    pub fd: u32,
}

/// The heredoc a word introduces, if it is one (`<<EOF`); `None` for ordinary words (and for
/// `<<` alone or words with a second `<`).
pub fn heredoc_word(word: &str) -> Option<HeredocWord> {
    heredoc_word_checked(word).ok().flatten()
}

fn heredoc_word_checked(word: &str) -> Result<Option<HeredocWord>, String> {
    // ^(\d*)<<(-?)\s*([^<]*)$
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    let Some(after) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(a) => (true, a),
        None => (false, after),
    };
    let rest = after.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let fd = if digits == 0 {
        0
    } else {
        word[..digits].parse().unwrap_or(0)
    };
    let none = |_: &str| None;
    let lex = Lexer {
        skip_unset_env: true,
        ..Lexer::new('\\')
    };
    let words = lex.process_words(rest, &none).map_err(|e| e.message)?;
    if words.len() != 1 {
        return Ok(None);
    }
    let raw = Lexer {
        raw_quotes: true,
        ..lex
    }
    .process_words(rest, &none)
    .map_err(|e| e.message)?;
    if raw.len() != 1 {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    let quotes = |s: &str| s.matches(['\'', '"']).count();
    Ok(Some(HeredocWord {
        name: words[0].clone(),
        chomp,
        expand: quotes(&words[0]) == quotes(&raw[0]),
        fd,
    }))
}

/// Leading tabs removed from every line (`<<-`).
fn chomp(content: &str) -> String {
    content
        .split_inclusive('\n')
        .map(|l| l.trim_start_matches('\t'))
        .collect()
}

/// The parser directives at the top of the file (`# syntax=`, `# escape=`, `# check=`).
struct Directives {
    escape: char,
    syntax: Option<String>,
    seen: Vec<String>,
    done: bool,
    /// `# check=` (BuildKit's lint options).
    check: Option<String>,
}

impl Directives {
    /// Looks at one line while directives may still appear; any line that is not one ends them.
    fn see(&mut self, line: &str) -> Result<(), String> {
        if self.done {
            return Ok(());
        }
        let Some((key, value)) = directive(line) else {
            self.done = true;
            return Ok(());
        };
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(());
        }
        if self.seen.contains(&key) {
            return Err(format!("only one {key} parser directive can be used"));
        }
        self.seen.push(key.clone());
        match key.as_str() {
            "escape" => match value.as_str() {
                "`" => self.escape = '`',
                "\\" => self.escape = '\\',
                _ => {
                    return Err(format!(
                        "invalid escape token '{value}' does not match ` or \\"
                    ));
                }
            },
            "syntax" => self.syntax = Some(value),
            _ => self.check = Some(value), // `check=`: the lint options (dockerfile_lint.rs).
        }
        Ok(())
    }
}

/// `#\s*name\s*=\s*value` with the value's trailing blanks removed.
fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('#')?.trim_start();
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = rest[name_len..].trim_start().strip_prefix('=')?.trim();
    if value.is_empty() {
        return None;
    }
    Some((name.to_ascii_lowercase(), value.to_string()))
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

fn trim_newline(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

/// The escape character at the end of a line (before blanks), unless it is itself escaped, joins the
/// next line. Returns the line without it, and whether the logical line ends here.
fn trim_continuation(line: &str, escape: char) -> (String, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape)
        && (before.is_empty() || !before.ends_with(escape))
    {
        return (before.to_string(), false);
    }
    (line.to_string(), true)
}

/// One logical line split into its parts, before the instruction-specific checks.
#[derive(Debug, Clone)]
struct RawNode {
    /// The instruction word as written (`run`, `RUN`).
    cmd: String,
    /// The logical line (continuations joined), leading blanks removed.
    line: String,
    flags: Vec<String>,
    args: Vec<String>,
    /// The arguments were a JSON array.
    json: bool,
    /// ENV/LABEL pairs (key, value as written).
    pairs: Vec<(String, String)>,
    /// ENV/LABEL in the legacy `KEY value` form.
    legacy: bool,
    /// Empty lines inside the continuation (BuildKit warns).
    empty_continuation: bool,
    /// ONBUILD's trigger.
    sub: Option<Box<RawNode>>,
    heredocs: Vec<Heredoc>,
    start: usize,
    end: usize,
}

impl RawNode {
    fn lower(&self) -> String {
        self.cmd.to_ascii_lowercase()
    }

    fn can_contain_heredoc(&self) -> bool {
        let node = match (&self.sub, self.lower() == "onbuild") {
            (Some(sub), true) => sub,
            _ => self,
        };
        matches!(node.lower().as_str(), "run" | "copy" | "add") && !node.json
    }
}

/// Pass 1: lines -> raw nodes, as BuildKit's line parser.
fn raw_nodes(text: &str) -> Result<(Vec<RawNode>, Directives), ParseError> {
    let mut d = Directives {
        escape: '\\',
        syntax: None,
        seen: Vec::new(),
        done: false,
        check: None,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut nodes = Vec::new();
    let mut i = 0;
    let mut current = 0;
    while i < lines.len() {
        let first = trim_newline(lines[i]).trim_start();
        i += 1;
        d.see(first).map_err(|m| ParseError {
            line: current + 1,
            message: m,
        })?;
        current += 1;
        let start = current;
        let first = if is_comment(first) { "" } else { first };
        let (mut line, mut eol) = trim_continuation(first, d.escape);
        if eol && line.is_empty() {
            continue;
        }
        let mut empty_continuation = false;
        while !eol && i < lines.len() {
            let raw = lines[i];
            i += 1;
            current += 1;
            // Comment lines and empty lines inside a continuation are skipped, as docker does.
            if is_comment(raw) {
                continue;
            }
            if trim_newline(raw).trim_start().is_empty() {
                empty_continuation = true;
                continue;
            }
            let (part, end) = trim_continuation(trim_newline(raw), d.escape);
            line.push_str(&part);
            eol = end;
        }
        let mut node = node_from_line(&line, d.escape).map_err(|m| ParseError {
            line: start,
            message: m,
        })?;
        node.empty_continuation = empty_continuation;
        if node.can_contain_heredoc() && line.contains("<<") {
            for word in heredoc_words(&line).map_err(|m| ParseError {
                line: start,
                message: m,
            })? {
                let mut content = String::new();
                let mut terminated = false;
                while i < lines.len() {
                    let raw = lines[i];
                    i += 1;
                    current += 1;
                    let mut candidate = trim_newline(raw);
                    if word.chomp {
                        candidate = candidate.trim_start_matches('\t');
                    }
                    if candidate == word.name {
                        terminated = true;
                        break;
                    }
                    content.push_str(raw);
                }
                if !terminated {
                    return err(start, "unterminated heredoc");
                }
                if word.chomp {
                    content = chomp(&content);
                }
                node.heredocs.push(Heredoc {
                    name: word.name,
                    content,
                    expand: word.expand,
                });
            }
        }
        node.start = start;
        node.end = current;
        nodes.push(node);
    }
    if nodes.is_empty() {
        return err(current.max(1), "file with no instructions");
    }
    Ok((nodes, d))
}

/// The heredocs a line opens, in order.
fn heredoc_words(line: &str) -> Result<Vec<HeredocWord>, String> {
    let lex = Lexer {
        raw_quotes: true,
        raw_escapes: true,
        skip_unset_env: true,
        ..Lexer::new('\\')
    };
    let words = lex.process_words(line, &|_: &str| None).unwrap_or_default();
    let mut out = Vec::new();
    for w in words {
        if let Some(h) = heredoc_word_checked(&w)? {
            out.push(h);
        }
    }
    Ok(out)
}

fn is_blank(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// Splits `INSTR rest`: the instruction word, its `--flags`, and the arguments by the
/// instruction's line parser.
fn node_from_line(line: &str, escape: char) -> Result<RawNode, String> {
    let trimmed = line.trim();
    let (cmd, rest) = match trimmed.find(is_blank) {
        Some(p) => (&trimmed[..p], trimmed[p..].trim_start_matches(is_blank)),
        None => (trimmed, ""),
    };
    let (rest, flags) = extract_flags(rest, escape);
    let rest = rest.trim();
    let mut node = RawNode {
        cmd: cmd.to_string(),
        line: line.to_string(),
        flags,
        args: Vec::new(),
        json: false,
        pairs: Vec::new(),
        legacy: false,
        empty_continuation: false,
        sub: None,
        heredocs: Vec::new(),
        start: 0,
        end: 0,
    };
    match node.lower().as_str() {
        "add" | "copy" | "volume" => match parse_json(rest)? {
            Some(a) => (node.args, node.json) = (a, true),
            None => node.args = split_blanks(rest),
        },
        "cmd" | "entrypoint" | "run" | "shell" => maybe_json(&mut node, rest)?,
        "arg" => node.args = parse_words(rest, escape),
        "env" | "label" => {
            (node.pairs, node.legacy) =
                parse_name_val(rest, &node.cmd.to_ascii_uppercase(), escape)?
        }
        "expose" | "from" => node.args = split_blanks(rest),
        "maintainer" | "stopsignal" | "user" | "workdir" if !rest.is_empty() => {
            node.args = vec![rest.to_string()]
        }
        "healthcheck" => {
            let sep = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if sep > 0 {
                let mut cmd = node.clone();
                node.args.push(rest[..sep].to_string());
                maybe_json(&mut cmd, rest[sep..].trim_start())?;
                node.args.extend(cmd.args);
                node.json = cmd.json;
            }
        }
        "onbuild" if !rest.is_empty() => node.sub = Some(Box::new(node_from_line(rest, escape)?)),
        _ => {}
    }
    Ok(node)
}

fn split_blanks(s: &str) -> Vec<String> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split(is_blank)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// `Some(words)` when `rest` is a JSON array of strings, `None` when it is not JSON at all.
fn parse_json(rest: &str) -> Result<Option<Vec<String>>, String> {
    let rest = rest.trim_start();
    if !rest.starts_with('[') {
        return Ok(None);
    }
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(rest) else {
        return Ok(None);
    };
    values
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(s),
            _ => Err(NOT_STRINGS.to_string()),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// RUN/CMD/ENTRYPOINT/SHELL: a JSON array, or the whole text as one shell-form argument.
fn maybe_json(node: &mut RawNode, rest: &str) -> Result<(), String> {
    if rest.is_empty() {
        return Ok(());
    }
    match parse_json(rest)? {
        Some(a) => (node.args, node.json) = (a, true),
        None => node.args = vec![rest.to_string()],
    }
    Ok(())
}

/// Leading `--name[=value]` words (quotes and escapes processed), and the rest of the line.
fn extract_flags(line: &str, escape: char) -> (String, Vec<String>) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut blank_ok = false;
    let mut i = 0;
    loop {
        // Between words: stop at the first word that does not start with `--`.
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            return (String::new(), words);
        }
        if chars[i].1 != '-' || chars.get(i + 1).map(|c| c.1) != Some('-') {
            return (line[chars[i].0..].to_string(), words);
        }
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let ch = chars[i].1;
            match quote {
                None if ch.is_whitespace() => break,
                None if ch == '\'' || ch == '"' => {
                    quote = Some(ch);
                    blank_ok = true;
                }
                None if ch == escape => {
                    if let Some(&(_, c)) = chars.get(i + 1) {
                        word.push(c);
                        i += 1;
                    }
                }
                Some(q) if ch == q => quote = None,
                Some(_) if ch == escape => match chars.get(i + 1) {
                    Some(&(_, c)) => {
                        word.push(c);
                        i += 1;
                    }
                    None => quote = None,
                },
                _ => word.push(ch),
            }
            i += 1;
        }
        if word == "--" {
            // `--` ends the flags; what follows is the arguments.
            let at = chars.get(i).map_or(line.len(), |c| c.0);
            return (line[at..].to_string(), words);
        }
        if blank_ok || !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        blank_ok = false;
    }
}

/// Words separated by blanks, quotes and escapes kept (they are removed at substitution time).
fn parse_words(rest: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut blank_ok = false;
    let mut quote: Option<char> = None;
    let mut it = rest.chars().peekable();
    let mut in_word = false;
    while let Some(ch) = it.next() {
        match quote {
            None => {
                if ch.is_whitespace() {
                    if in_word && (blank_ok || !word.is_empty()) {
                        words.push(std::mem::take(&mut word));
                    }
                    word.clear();
                    blank_ok = false;
                    in_word = false;
                    continue;
                }
                in_word = true;
                if ch == '\'' || ch == '"' {
                    quote = Some(ch);
                    blank_ok = true;
                }
                if ch == escape {
                    match it.next() {
                        // An escape at the end of the line is dropped.
                        None => continue,
                        Some(c) => {
                            word.push(ch);
                            word.push(c);
                            continue;
                        }
                    }
                }
                word.push(ch);
            }
            Some(q) => {
                if ch == q {
                    quote = None;
                }
                if ch == escape && q != '\'' {
                    match it.next() {
                        None => {
                            quote = None;
                            continue;
                        }
                        Some(c) => {
                            word.push(ch);
                            word.push(c);
                            continue;
                        }
                    }
                }
                word.push(ch);
            }
        }
    }
    if in_word && (blank_ok || !word.is_empty()) {
        words.push(word);
    }
    words
}

/// ENV/LABEL: `k=v k2="v 2"` or the legacy `k v w` (value = the rest of the line).
/// Pairs, and whether the legacy `KEY value` form was used.
type Pairs = (Vec<(String, String)>, bool);

fn parse_name_val(rest: &str, key: &str, escape: char) -> Result<Pairs, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok((Vec::new(), false));
    };
    if !first.contains('=') {
        let Some(p) = rest.find(is_blank) else {
            return Err(format!("{key} must have two arguments"));
        };
        let value = rest[p..].trim_start_matches(is_blank);
        return Ok((vec![(rest[..p].to_string(), value.to_string())], true));
    }
    let pairs = words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), v.to_string())),
            None => Err(format!(
                "Syntax error - can't find = in {w:?}. Must be of the form: name=value"
            )),
        })
        .collect::<Result<_, _>>()?;
    Ok((pairs, false))
}

/// The instruction word upper-cased, the rest as written: how BuildKit prints a step
/// (`run echo hi` is shown as `RUN echo hi`).
fn original(line: &str) -> String {
    let t = line.trim();
    let end = t.find(is_blank).unwrap_or(t.len());
    format!("{}{}", t[..end].to_ascii_uppercase(), &t[end..])
}

/// Parses a Dockerfile. Errors carry the line and BuildKit's message.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    parse_with_warnings(text).map(|p| p.dockerfile)
}

/// Parses a Dockerfile and runs BuildKit's checks that need no image (`dockerfile_lint.rs`).
pub fn parse_with_warnings(text: &str) -> Result<Parsed, ParseError> {
    if text.is_empty() {
        return err(1, "the Dockerfile cannot be empty");
    }
    let (nodes, d) = raw_nodes(text)?;
    let dockerfile = typed(&nodes, &d)?;
    let (warnings, warnings_are_errors) = lint::lint(&nodes, d.check.as_deref());
    Ok(Parsed {
        dockerfile,
        warnings,
        warnings_are_errors,
    })
}

/// Pass 2 over the raw nodes: typed instructions grouped into stages.
fn typed(nodes: &[RawNode], d: &Directives) -> Result<Dockerfile, ParseError> {
    let mut file = Dockerfile {
        global_args: Vec::new(),
        stages: Vec::new(),
        escape: d.escape,
        syntax: d.syntax.clone(),
    };
    for node in nodes {
        let at = |e: String| ParseError {
            line: node.start,
            message: e,
        };
        if node.lower() == "from" {
            let stage = parse_from(node, file.stages.len(), d.escape).map_err(at)?;
            file.stages.push(stage);
            continue;
        }
        let kind = parse_instruction(node, d.escape).map_err(at)?;
        let instruction = Instruction {
            line: node.start,
            end_line: node.end,
            original: original(&node.line),
            kind,
        };
        match (file.stages.last_mut(), instruction.kind) {
            (Some(stage), kind) => stage.instructions.push(Instruction {
                kind,
                ..instruction
            }),
            (None, Kind::Arg(args)) => file.global_args.extend(args),
            (None, _) => return err(node.start, "no build stage in current context"),
        }
    }
    if file.stages.is_empty() {
        return err(
            nodes.last().map_or(1, |n| n.start),
            "dockerfile contains no stages to build",
        );
    }
    Ok(file)
}

#[path = "dockerfile_instr.rs"]
mod instr;
#[path = "dockerfile_lint.rs"]
mod lint;
pub use instr::parse_duration;
use instr::{parse_from, parse_instruction};
pub use lint::{Parsed, Warning};

#[cfg(test)]
#[path = "dockerfile_instr_tests.rs"]
mod instr_tests;
#[cfg(test)]
#[path = "dockerfile_lint_tests.rs"]
mod lint_tests;
#[cfg(test)]
#[path = "dockerfile_tests.rs"]
mod tests;

//! The Dockerfile parser: text -> `ast::Dockerfile`, with BuildKit's rules and error wording
//! (docs/architecture.md, "build"). Pure: no I/O, no substitution (`subst` does that when a step
//! runs, in the stage's scope).
//!
//! Two passes, as BuildKit's: lines -> raw nodes (parser directives at the very top, comments,
//! continuations with the escape character, heredoc bodies, `--flag` words), then raw nodes -> typed
//! instructions (arguments checked, flags checked against each instruction's list, stage
//! bookkeeping).

use std::fmt;

use super::ast::{
    ArgDecl, Command, Copy, Dockerfile, Healthcheck, Heredoc, Instruction, Kind, Run, Stage,
};
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
            _ => {} // `check=`: BuildKit's lint settings; berth has no linter.
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
        while !eol && i < lines.len() {
            let raw = lines[i];
            i += 1;
            current += 1;
            // Comment lines and empty lines inside a continuation are skipped, as docker does.
            if is_comment(raw) || trim_newline(raw).trim_start().is_empty() {
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
            node.pairs = parse_name_val(rest, &node.cmd.to_ascii_uppercase(), escape)?
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
fn parse_name_val(rest: &str, key: &str, escape: char) -> Result<Vec<(String, String)>, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains('=') {
        let Some(p) = rest.find(is_blank) else {
            return Err(format!("{key} must have two arguments"));
        };
        let value = rest[p..].trim_start_matches(is_blank);
        return Ok(vec![(rest[..p].to_string(), value.to_string())]);
    }
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), v.to_string())),
            None => Err(format!(
                "Syntax error - can't find = in {w:?}. Must be of the form: name=value"
            )),
        })
        .collect()
}

/// The instruction word upper-cased, the rest as written: how BuildKit prints a step.
fn original(line: &str) -> String {
    let t = line.trim();
    match t.split_once(' ') {
        Some((cmd, rest)) => format!("{} {rest}", cmd.to_ascii_uppercase()),
        None => t.to_ascii_uppercase(),
    }
}

/// Parses a Dockerfile. Errors carry the line and BuildKit's message.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let (nodes, d) = raw_nodes(text)?;
    let mut file = Dockerfile {
        global_args: Vec::new(),
        stages: Vec::new(),
        escape: d.escape,
        syntax: d.syntax,
    };
    for node in &nodes {
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

fn parse_from(node: &RawNode, index: usize, _escape: char) -> Result<Stage, String> {
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

fn parse_instruction(node: &RawNode, escape: char) -> Result<Kind, String> {
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

#[cfg(test)]
#[path = "dockerfile_tests.rs"]
mod tests;

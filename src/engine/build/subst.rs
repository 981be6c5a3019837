//! Docker's variable substitution in Dockerfiles: BuildKit's shell lexer (`$VAR`, `${VAR}`,
//! `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}`, `${VAR?msg}`,
//! `${VAR#pat}`, `${VAR%pat}` (and `##`, `%%`), `${VAR/pat/repl}`, `${VAR//pat/repl}`), quote and
//! escape processing. Pure: the caller gives a lookup over the stage's build args and ENV.
//!
//! Where docker substitutes (docs/architecture.md, "build"), and with which function:
//!
//! | Instruction | What is expanded | How |
//! |---|---|---|
//! | `FROM` | the image word and `--platform`, with the global ARGs only | [`expand_word`] |
//! | `ADD`, `COPY` | sources, destination, `--chown`, `--chmod`, `ADD --checksum` | [`expand_word`] each |
//! | `ADD`, `COPY` heredoc bodies | when the delimiter is unquoted; quotes are kept | [`expand_heredoc`] |
//! | `ENV`, `LABEL` | keys and values | [`expand_word`] each |
//! | `EXPOSE` | each word, which may split into several | [`expand_words`] |
//! | `VOLUME`, `USER`, `WORKDIR`, `STOPSIGNAL` | each word | [`expand_word`] |
//! | `ARG` | the default, only when no `--build-arg` overrides it | [`expand_word`] |
//! | `RUN --mount=` | each `key=value` field's value | [`expand_word`] |
//! | `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `HEALTHCHECK`, `ONBUILD`, `MAINTAINER` | nothing (the shell, or the child build, does it) | |
//! | `COPY --from` | never: a variable there is an error (checked by the parser) | |
//!
//! [`expand_instruction`] applies the table to a parsed instruction (all but `ARG`, whose default
//! depends on the build args the executor has).

use std::cell::RefCell;
use std::fmt;

use super::ast::{Copy, Kind, Run};

/// A substitution failure (`${X:?must be set}`, a missing `}`), in BuildKit's words:
/// `failed to process "${X:?}": X: is not allowed to be unset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstError {
    /// The word being processed.
    pub word: String,
    /// What went wrong (`X: is not allowed to be unset`).
    pub message: String,
}

impl fmt::Display for SubstError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to process {:?}: {}", self.word, self.message)
    }
}

impl std::error::Error for SubstError {}

/// A variable lookup: `Some(value)` when the variable is set (even to ""), `None` when unset.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// BuildKit's lexer with its switches. [`expand_word`] and friends cover the usual cases; the parser
/// uses the raw switches to find heredoc words.
#[derive(Debug, Clone, Copy)]
pub struct Lexer {
    pub escape: char,
    /// Keep quote characters in the result (they still group words and stop expansion).
    pub raw_quotes: bool,
    /// Keep escape characters in the result.
    pub raw_escapes: bool,
    /// Treat quotes as ordinary characters (heredoc bodies).
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written (`$X`, `${X:-y}`).
    pub skip_unset_env: bool,
}

impl Lexer {
    pub fn new(escape: char) -> Lexer {
        Lexer {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
        }
    }

    /// One word: variables substituted, quotes and escapes removed, spaces kept.
    pub fn process_word(&self, word: &str, lookup: Lookup) -> Result<String, SubstError> {
        self.run(word, lookup, None).map(|(s, _)| s)
    }

    /// Substituted then split into words on unquoted whitespace.
    pub fn process_words(&self, word: &str, lookup: Lookup) -> Result<Vec<String>, SubstError> {
        self.run(word, lookup, None).map(|(_, w)| w)
    }

    fn run(
        &self,
        word: &str,
        lookup: Lookup,
        seen: Option<&RefCell<Vec<String>>>,
    ) -> Result<(String, Vec<String>), SubstError> {
        let mut sw = ShellWord {
            lex: self,
            chars: word.chars().collect(),
            pos: 0,
            lookup,
            raw_escapes: self.raw_escapes,
            seen,
        };
        sw.process_stop_on(None, self.raw_escapes)
            .map_err(|message| SubstError {
                word: word.to_string(),
                message,
            })
    }
}

/// A word as docker processes it for ENV, LABEL, COPY, WORKDIR, USER...: variables substituted,
/// quotes and escapes removed.
pub fn expand_word(word: &str, escape: char, lookup: Lookup) -> Result<String, SubstError> {
    Lexer::new(escape).process_word(word, lookup)
}

/// A word split into several after substitution (EXPOSE: `EXPOSE $PORTS` with `PORTS="80 443"`).
pub fn expand_words(word: &str, escape: char, lookup: Lookup) -> Result<Vec<String>, SubstError> {
    Lexer::new(escape).process_words(word, lookup)
}

/// A `COPY <<EOF` body with an unquoted delimiter: variables substituted, quotes kept as written,
/// `\` escapes (BuildKit always uses `\` here, whatever the escape directive says).
pub fn expand_heredoc(content: &str, lookup: Lookup) -> Result<String, SubstError> {
    let lex = Lexer {
        skip_process_quotes: true,
        ..Lexer::new('\\')
    };
    lex.process_word(content, lookup)
}

/// The variables a word refers to, in order of first use, whatever their values: what a cache key
/// must include (only the build args a step uses). Names inside single quotes are not references.
pub fn referenced_vars(word: &str, escape: char) -> Vec<String> {
    let seen = RefCell::new(Vec::new());
    // Every variable is "set" here so that `${X:?}` does not stop the scan; defaults are scanned
    // anyway (BuildKit reads the word before it looks at the value).
    let lookup = |_: &str| Some("x".to_string());
    let _ = Lexer::new(escape).run(word, &lookup, Some(&seen));
    let mut out: Vec<String> = Vec::new();
    for name in seen.into_inner() {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Whether docker substitutes variables in this instruction at all (the module's table).
pub fn expands(kind: &Kind) -> bool {
    !matches!(
        kind,
        Kind::Cmd(_)
            | Kind::Entrypoint(_)
            | Kind::Shell(_)
            | Kind::Healthcheck(_)
            | Kind::Onbuild(_)
            | Kind::Maintainer(_)
    ) && !matches!(kind, Kind::Run(r) if r.mounts.is_empty())
}

/// The instruction with every word docker substitutes substituted (the module's table); `ARG` is
/// returned unchanged (its default is expanded by the executor when no build arg overrides it).
/// EXPOSE words may split. Heredoc bodies of COPY/ADD with `expand` are expanded too.
pub fn expand_instruction(kind: &Kind, escape: char, lookup: Lookup) -> Result<Kind, SubstError> {
    let w = |s: &str| expand_word(s, escape, lookup);
    let kv = |pairs: &[(String, String)]| -> Result<Vec<(String, String)>, SubstError> {
        pairs.iter().map(|(k, v)| Ok((w(k)?, w(v)?))).collect()
    };
    Ok(match kind {
        Kind::Env(p) => Kind::Env(kv(p)?),
        Kind::Label(p) => Kind::Label(kv(p)?),
        Kind::Expose(words) => {
            let mut out = Vec::new();
            for word in words {
                out.extend(expand_words(word, escape, lookup)?);
            }
            Kind::Expose(out)
        }
        Kind::Volume(v) => Kind::Volume(v.iter().map(|s| w(s)).collect::<Result<_, _>>()?),
        Kind::User(s) => Kind::User(w(s)?),
        Kind::Workdir(s) => Kind::Workdir(w(s)?),
        Kind::StopSignal(s) => Kind::StopSignal(w(s)?),
        Kind::Copy(c) => Kind::Copy(expand_copy(c, escape, lookup)?),
        Kind::Add(c) => Kind::Add(expand_copy(c, escape, lookup)?),
        Kind::Run(r) => {
            let mounts = r
                .mounts
                .iter()
                .map(|m| expand_mount(m, escape, lookup))
                .collect::<Result<_, _>>()?;
            Kind::Run(Run {
                mounts,
                ..r.clone()
            })
        }
        other => other.clone(),
    })
}

fn expand_copy(c: &Copy, escape: char, lookup: Lookup) -> Result<Copy, SubstError> {
    let w = |s: &str| expand_word(s, escape, lookup);
    let opt = |s: &Option<String>| s.as_deref().map(w).transpose();
    let mut sources = Vec::with_capacity(c.sources.len());
    for s in &c.sources {
        // Heredoc words (`<<EOF`) name a body, not a path: kept as written.
        if super::dockerfile::heredoc_word(s).is_some() {
            sources.push(s.clone());
        } else {
            sources.push(w(s)?);
        }
    }
    let mut heredocs = c.heredocs.clone();
    for h in &mut heredocs {
        if h.expand {
            h.content = expand_heredoc(&h.content, lookup)?;
        }
    }
    Ok(Copy {
        sources,
        dest: w(&c.dest)?,
        chown: opt(&c.chown)?,
        chmod: opt(&c.chmod)?,
        checksum: opt(&c.checksum)?,
        heredocs,
        ..c.clone()
    })
}

/// `type=cache,target=$DIR`: each field's value is expanded, as BuildKit's mount parser does.
fn expand_mount(mount: &str, escape: char, lookup: Lookup) -> Result<String, SubstError> {
    let mut out = Vec::new();
    for field in mount.split(',') {
        match field.split_once('=') {
            Some((k, v)) => out.push(format!("{k}={}", expand_word(v, escape, lookup)?)),
            None => out.push(field.to_string()),
        }
    }
    Ok(out.join(","))
}

struct ShellWord<'a> {
    lex: &'a Lexer,
    chars: Vec<char>,
    pos: usize,
    lookup: Lookup<'a>,
    raw_escapes: bool,
    seen: Option<&'a RefCell<Vec<String>>>,
}

/// Words accumulated while processing (ProcessWords' splitting).
#[derive(Default)]
struct Words {
    buf: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !self.buf.is_empty() {
                self.words.push(std::mem::take(&mut self.buf));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }
    fn add_raw_char(&mut self, ch: char) {
        self.buf.push(ch);
        self.in_word = true;
    }
    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }
    fn add_raw_string(&mut self, s: &str) {
        self.buf.push_str(s);
        self.in_word = true;
    }
    fn finish(mut self) -> Vec<String> {
        if !self.buf.is_empty() {
            self.words.push(self.buf);
        }
        self.words
    }
}

type Res<T> = Result<T, String>;

impl ShellWord<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Res<(String, Vec<String>)> {
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let r = self.stop_on(stop);
        self.raw_escapes = saved;
        r
    }

    fn stop_on(&mut self, stop: Option<char>) -> Res<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::default();
        let quotes = !self.lex.skip_process_quotes;
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.next();
                return Ok((result, words.finish()));
            }
            match ch {
                '$' => {
                    let tmp = self.process_dollar()?;
                    result.push_str(&tmp);
                    words.add_string(&tmp);
                }
                '<' => {
                    let tmp = self.possible_heredoc();
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                '\'' if quotes => {
                    let tmp = self.single_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                '"' if quotes => {
                    let tmp = self.double_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                _ => {
                    self.next();
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        // An escape at the very end is dropped.
                        let Some(c) = self.next() else { break };
                        words.add_raw_char(c);
                        result.push(c);
                    } else {
                        words.add_char(ch);
                        result.push(ch);
                    }
                }
            }
        }
        if let Some(s) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {s}"
            ));
        }
        Ok((result, words.finish()))
    }

    fn single_quote(&mut self) -> Res<String> {
        // Everything up to the next ' is literal; a ' cannot be escaped inside.
        let mut out = String::new();
        let q = self.next().unwrap_or('\'');
        if self.lex.raw_quotes {
            out.push(q);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    );
                }
                Some('\'') => {
                    if self.lex.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> Res<String> {
        // Literal except `$` and the escape character, which escapes only `"`, `$` and itself.
        let mut out = String::new();
        let q = self.next().unwrap_or('"');
        if self.lex.raw_quotes {
            out.push(q);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    );
                }
                Some('"') => {
                    self.next();
                    if self.lex.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => out.push_str(&self.process_dollar()?),
                Some(_) => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            out.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.lex.escape => {
                                ch = c;
                                self.next();
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(ch);
                }
            }
        }
    }

    fn get_env(&self, name: &str) -> Option<String> {
        if let Some(seen) = self.seen {
            seen.borrow_mut().push(name.to_string());
        }
        (self.lookup)(name)
    }

    fn process_dollar(&mut self) -> Res<String> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.lex.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }
        self.next();
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            _ => {}
        }
        let name = self.process_name();
        let Some(mut ch) = self.next() else {
            return Err("syntax error: missing '}'".into());
        };
        let mut chs = ch.to_string();
        match ch {
            '}' => Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.lex.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            ':' | '+' | '-' | '?' | '#' | '%' => {
                let null_is_unset = ch == ':';
                if null_is_unset {
                    ch = self.next().ok_or("syntax error: missing '}'")?;
                    chs.push(ch);
                }
                let raw = ch == '#' || ch == '%';
                if null_is_unset && raw {
                    return Err(format!("unsupported modifier ({chs}) in substitution"));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(_) if self.peek().is_none() => {
                        return Err("syntax error: missing '}'".into());
                    }
                    Err(e) => return Err(e),
                };
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{chs}{word}}}"));
                }
                let unset = value.is_none() || (null_is_unset && value.as_deref() == Some(""));
                match ch {
                    '-' => Ok(if unset {
                        word
                    } else {
                        value.unwrap_or_default()
                    }),
                    '+' => Ok(if unset { String::new() } else { word }),
                    '?' => {
                        if value.is_none() {
                            let m = if word.is_empty() {
                                "is not allowed to be unset"
                            } else {
                                &word
                            };
                            return Err(format!("{name}: {m}"));
                        }
                        if unset {
                            let m = if word.is_empty() {
                                "is not allowed to be empty"
                            } else {
                                &word
                            };
                            return Err(format!("{name}: {m}"));
                        }
                        Ok(value.unwrap_or_default())
                    }
                    '#' | '%' => {
                        let (greedy, pat) = match word.strip_prefix(ch) {
                            Some(rest) => (true, rest.to_string()),
                            None => (false, word.clone()),
                        };
                        let pat = parse_pattern(&pat)?;
                        let v = value.unwrap_or_default();
                        Ok(if ch == '#' {
                            trim_prefix(&pat, &v, greedy)
                        } else {
                            trim_suffix(&pat, &v, greedy)
                        })
                    }
                    _ => Err(format!("unsupported modifier ({chs}) in substitution")),
                }
            }
            '/' => {
                let all = self.peek() == Some('/');
                if all {
                    self.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((w, _)) => w,
                    Err(_) if self.peek().is_none() => {
                        return Err("syntax error: missing '/' in ${}".into());
                    }
                    Err(e) => return Err(e),
                };
                let repl = match self.process_stop_on(Some('}'), true) {
                    Ok((w, _)) => w,
                    Err(_) if self.peek().is_none() => {
                        return Err("syntax error: missing '}'".into());
                    }
                    Err(e) => return Err(e),
                };
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{repl}}}"));
                }
                let pat = parse_pattern(&pattern)?;
                Ok(replace(&pat, &value.unwrap_or_default(), &repl, all))
            }
            _ => Err(format!("unsupported modifier ({chs}) in substitution")),
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_ascii_digit() {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.next();
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                return ch.to_string();
            }
            if !ch.is_alphanumeric() && ch != '_' {
                break;
            }
            name.push(ch);
            self.next();
        }
        name
    }

    fn possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".into();
        }
        self.next();
        let mut out = String::from("<<");
        while let Some(c) = self.peek().filter(|c| matches!(c, '\t' | '\r' | ' ')) {
            out.push(c);
            self.next();
        }
        out
    }
}

/// A shell pattern of `${X#pat}`/`${X/pat/r}`: `*`, `?`, literals (`\x` escapes `*`, `?`, `\`).
#[derive(Debug, Clone, PartialEq)]
enum Pat {
    Star,
    Any,
    Lit(char),
}

fn parse_pattern(p: &str) -> Res<Vec<Pat>> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => out.push(Pat::Star),
            '?' => out.push(Pat::Any),
            '\\' => {
                // `\}` and `\/` inside ${} are escapes of the ${} syntax, not of the pattern.
                match chars.get(i + 1) {
                    Some('}' | '/') => {}
                    Some(&c @ ('*' | '?' | '\\')) => {
                        out.push(Pat::Lit(c));
                        i += 1;
                    }
                    Some(c) => {
                        return Err(format!(
                            "invalid pattern ({p}) in substitution: invalid escape '\\{c}'"
                        ));
                    }
                    None => {
                        return Err(format!(
                            "invalid pattern ({p}) in substitution: trailing backslash"
                        ));
                    }
                }
            }
            c => out.push(Pat::Lit(c)),
        }
        i += 1;
    }
    Ok(out)
}

/// Whether `pat` matches all of `s`.
fn matches_all(pat: &[Pat], s: &[char]) -> bool {
    match pat.split_first() {
        None => s.is_empty(),
        Some((Pat::Star, rest)) => (0..=s.len()).any(|i| matches_all(rest, &s[i..])),
        Some((Pat::Any, rest)) => !s.is_empty() && matches_all(rest, &s[1..]),
        Some((Pat::Lit(c), rest)) => s.first() == Some(c) && matches_all(rest, &s[1..]),
    }
}

fn trim_prefix(pat: &[Pat], value: &str, greedy: bool) -> String {
    let v: Vec<char> = value.chars().collect();
    let lens: Box<dyn Iterator<Item = usize>> = if greedy {
        Box::new((0..=v.len()).rev())
    } else {
        Box::new(0..=v.len())
    };
    for n in lens {
        if matches_all(pat, &v[..n]) {
            return v[n..].iter().collect();
        }
    }
    value.to_string()
}

fn trim_suffix(pat: &[Pat], value: &str, greedy: bool) -> String {
    let v: Vec<char> = value.chars().collect();
    let starts: Box<dyn Iterator<Item = usize>> = if greedy {
        Box::new(0..=v.len())
    } else {
        Box::new((0..=v.len()).rev())
    };
    for start in starts {
        if matches_all(pat, &v[start..]) {
            return v[..start].iter().collect();
        }
    }
    value.to_string()
}

/// `${X/pat/r}` (first match) and `${X//pat/r}` (all): leftmost, longest matches.
fn replace(pat: &[Pat], value: &str, repl: &str, all: bool) -> String {
    let v: Vec<char> = value.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut done = false;
    while i <= v.len() {
        let found = if done {
            None
        } else {
            (i..=v.len()).rev().find(|&j| matches_all(pat, &v[i..j]))
        };
        match found {
            Some(j) => {
                out.push_str(repl);
                if j == i {
                    // An empty match: keep the character and move on.
                    if let Some(c) = v.get(i) {
                        out.push(*c);
                    }
                    i += 1;
                } else {
                    i = j;
                }
                done = !all;
            }
            None => {
                if let Some(c) = v.get(i) {
                    out.push(*c);
                }
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "subst_tests.rs"]
mod tests;

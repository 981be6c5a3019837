//! `.dockerignore`: the file's syntax and docker's pattern matching (moby's patternmatcher), so the
//! build context holds what docker's would (docs/architecture.md, "build"). Pure.
//!
//! Rules: one pattern a line; lines starting with `#` are comments; blank lines skipped; each pattern
//! trimmed and path-cleaned, a leading `/` dropped; `!pattern` re-includes. A path is excluded when
//! the last pattern matching it or one of its parent directories is not an exception. `*` and `?`
//! never match `/`, `[...]` is a character class, `**` matches any number of directories.

use anyhow::{Result, bail};

/// The parsed `.dockerignore`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ignore {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, PartialEq)]
struct Pattern {
    /// The cleaned pattern without its `!`.
    text: String,
    exclusion: bool,
    tokens: Vec<Tok>,
    kind: MatchKind,
}

/// How a pattern matches: the fast paths moby's matcher takes, then the general one.
#[derive(Debug, Clone, Copy, PartialEq)]
enum MatchKind {
    Exact,
    /// `foo/**`: anything starting with `foo/`.
    Prefix,
    /// `**/foo` (or `**foo`): anything ending with it.
    Suffix,
    Glob,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(char),
    /// `?`: one character but `/`.
    One,
    /// `*`: any run of characters but `/`.
    Star,
    /// `**` followed by more pattern: `(.*/)?`.
    Dirs,
    /// `**` at the end: anything.
    Rest,
    /// `[...]`: a class (negated with a leading `^`), ranges as pairs.
    Class(bool, Vec<(char, char)>),
}

/// Go's `filepath.Clean` for slash-separated paths.
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|p| *p != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            p => out.push(p),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

impl Ignore {
    /// Reads a `.dockerignore`'s text (docker's ignorefile rules), checking each pattern's syntax.
    pub fn parse(text: &str) -> Result<Ignore> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut p = line.trim();
            if p.is_empty() {
                continue;
            }
            let invert = p.starts_with('!');
            if invert {
                p = p[1..].trim();
            }
            let mut cleaned = String::new();
            if !p.is_empty() {
                cleaned = clean(p);
                if cleaned.len() > 1 && cleaned.starts_with('/') {
                    cleaned.remove(0);
                }
            }
            lines.push(if invert {
                format!("!{cleaned}")
            } else {
                cleaned
            });
        }
        Ignore::from_patterns(&lines)
    }

    /// Patterns as docker's matcher takes them (already one per entry).
    pub fn from_patterns(patterns: &[String]) -> Result<Ignore> {
        let mut out = Vec::new();
        for p in patterns {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            let mut p = clean(p);
            let exclusion = p.starts_with('!');
            if exclusion {
                if p.len() == 1 {
                    bail!("illegal exclusion pattern: \"!\"");
                }
                p.remove(0);
            }
            let (tokens, kind) =
                compile(&p).map_err(|e| anyhow::anyhow!("{e} in .dockerignore pattern {p:?}"))?;
            out.push(Pattern {
                text: p,
                exclusion,
                tokens,
                kind,
            });
        }
        Ok(Ignore { patterns: out })
    }

    /// No patterns at all.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether a context path (relative, `/`-separated, e.g. `src/main.rs`) is left out of the
    /// context: the last pattern matching it or one of its parents decides. Directories and files
    /// follow the same rule (`is_dir` is for callers' symmetry; docker's patterns cannot tell).
    pub fn excluded(&self, rel_path: &str, is_dir: bool) -> bool {
        let _ = is_dir;
        let path = clean(rel_path.trim_start_matches('/'));
        let parents: Vec<&str> = match path.rfind('/') {
            Some(i) => path[..i].split('/').collect(),
            None => Vec::new(),
        };
        let mut matched = false;
        for p in &self.patterns {
            // An include that already matched, or an exception with nothing to undo, changes nothing.
            if p.exclusion != matched {
                continue;
            }
            let mut m = p.matches(&path);
            if !m {
                let mut prefix = String::new();
                for (i, dir) in parents.iter().enumerate() {
                    if i > 0 {
                        prefix.push('/');
                    }
                    prefix.push_str(dir);
                    if p.matches(&prefix) {
                        m = true;
                        break;
                    }
                }
            }
            if m {
                matched = !p.exclusion;
            }
        }
        matched
    }

    /// Whether a walker must still descend into an excluded directory because an exception
    /// (`!pattern`) could re-include something below it: any exception with a wildcard, or a literal
    /// one under the directory (BuildKit's walker rule).
    pub fn may_include_below(&self, dir: &str) -> bool {
        let dir_slash = format!("{}/", clean(dir.trim_start_matches('/')));
        self.patterns.iter().filter(|p| p.exclusion).any(|p| {
            p.kind != MatchKind::Exact || p.tokens.iter().any(|t| !matches!(t, Tok::Lit(_))) || {
                let pat_slash = format!("{}/", p.text);
                pat_slash.starts_with(&dir_slash)
            }
        })
    }
}

/// Pattern -> tokens and match kind, as moby's compiler decides them.
fn compile(p: &str) -> Result<(Vec<Tok>, MatchKind), String> {
    let chars: Vec<char> = p.chars().collect();
    let mut toks = Vec::new();
    let mut kind = MatchKind::Exact;
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        let first = i == 0;
        i += 1;
        match ch {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                if i >= chars.len() {
                    toks.push(Tok::Rest);
                    kind = if kind == MatchKind::Exact {
                        MatchKind::Prefix
                    } else {
                        MatchKind::Glob
                    };
                } else {
                    toks.push(Tok::Dirs);
                    kind = MatchKind::Glob;
                }
                if first {
                    kind = MatchKind::Suffix;
                }
            }
            '*' => {
                toks.push(Tok::Star);
                kind = MatchKind::Glob;
            }
            '?' => {
                toks.push(Tok::One);
                kind = MatchKind::Glob;
            }
            '\\' => match chars.get(i) {
                Some(&c) => {
                    toks.push(Tok::Lit(c));
                    i += 1;
                    kind = MatchKind::Glob;
                }
                None => toks.push(Tok::Lit('\\')),
            },
            '[' => {
                let (class, next) = parse_class(&chars, i)?;
                toks.push(class);
                i = next;
                kind = MatchKind::Glob;
            }
            ']' => {
                toks.push(Tok::Lit(']'));
                kind = MatchKind::Glob;
            }
            c => toks.push(Tok::Lit(c)),
        }
    }
    Ok((toks, kind))
}

/// `[abc]`, `[a-z]`, `[^0-9]` starting after the `[`; returns the class and the index after `]`.
fn parse_class(chars: &[char], mut i: usize) -> Result<(Tok, usize), String> {
    let bad = || "syntax error in pattern".to_string();
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i).ok_or_else(bad)?;
        if c == ']' && !first {
            return Ok((Tok::Class(negated, ranges), i + 1));
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            *chars.get(i).ok_or_else(bad)?
        } else {
            c
        };
        i += 1;
        let mut hi = lo;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|c| *c != ']') {
            hi = chars[i + 1];
            if hi == '\\' {
                hi = *chars.get(i + 2).ok_or_else(bad)?;
                i += 1;
            }
            i += 2;
            if hi < lo {
                return Err(bad());
            }
        }
        ranges.push((lo, hi));
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        match self.kind {
            MatchKind::Exact => path == self.text,
            MatchKind::Prefix => path.starts_with(&self.text[..self.text.len() - 2]),
            MatchKind::Suffix => {
                let suffix = &self.text[2..];
                path.ends_with(suffix) || suffix.strip_prefix('/').is_some_and(|s| path == s)
            }
            MatchKind::Glob => {
                let p: Vec<char> = path.chars().collect();
                glob(&self.tokens, &p)
            }
        }
    }
}

fn glob(toks: &[Tok], s: &[char]) -> bool {
    let Some((t, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match t {
        Tok::Lit(c) => s.first() == Some(c) && glob(rest, &s[1..]),
        Tok::One => s.first().is_some_and(|c| *c != '/') && glob(rest, &s[1..]),
        Tok::Class(neg, ranges) => {
            s.first()
                .is_some_and(|c| ranges.iter().any(|(lo, hi)| lo <= c && c <= hi) != *neg)
                && glob(rest, &s[1..])
        }
        Tok::Star => {
            let max = s.iter().position(|c| *c == '/').unwrap_or(s.len());
            (0..=max).any(|n| glob(rest, &s[n..]))
        }
        Tok::Rest => true,
        // `(.*/)?`: nothing, or anything up to and including a `/`.
        Tok::Dirs => glob(rest, s) || (0..s.len()).any(|n| s[n] == '/' && glob(rest, &s[n + 1..])),
    }
}

#[cfg(test)]
#[path = "ignore_tests.rs"]
mod tests;

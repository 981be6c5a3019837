//! Variable interpolation in compose files (the compose specification's "Interpolation" section):
//! `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
//! `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal `$`; and the `.env` file format.
//!
//! Pure string functions over a lookup: no file or process access, so every rule has a unit test.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;

/// Replace every variable of `s` with its value from `env`. A variable that is unset and has no default
/// is replaced with the empty string (docker compose warns; the caller collects `missing`).
pub fn interpolate(
    s: &str,
    env: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
) -> Result<String> {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            let ch = s[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => {
                out.push('$');
                i += 2;
            }
            Some(b'{') => {
                let end = closing_brace(s, i + 2)
                    .with_context(|| format!("invalid interpolation format for {s:?}"))?;
                out.push_str(&braced(&s[i + 2..end], s, env, missing)?);
                i = end + 1;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                out.push_str(&lookup(&s[start..j], env, missing));
                i = j;
            }
            _ => bail!(
                "invalid interpolation format for {s:?}: a lone \"$\" (write \"$$\" for a literal \"$\")"
            ),
        }
    }
    Ok(out)
}

/// The index of the `}` that closes a `${` whose body starts at `from` (defaults may nest `${...}`).
fn closing_brace(s: &str, from: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn lookup(name: &str, env: &dyn Fn(&str) -> Option<String>, missing: &mut Vec<String>) -> String {
    env(name).unwrap_or_else(|| {
        if !missing.iter().any(|m| m == name) {
            missing.push(name.to_string());
        }
        String::new()
    })
}

/// compose-go's text for `${VAR:?msg}` / `${VAR?msg}`: the message after a colon, none without one.
fn missing_required(name: &str, msg: &str) -> String {
    if msg.is_empty() {
        format!("required variable {name} is missing a value")
    } else {
        format!("required variable {name} is missing a value: {msg}")
    }
}

/// The body of `${...}`: a name, then an optional operator and word (itself interpolated).
fn braced(
    body: &str,
    whole: &str,
    env: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
) -> Result<String> {
    let name_len = body
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    let (name, rest) = body.split_at(name_len);
    if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
        bail!("invalid interpolation format for {whole:?}: \"${{{body}}}\" has no variable name");
    }
    if rest.is_empty() {
        return Ok(lookup(name, env, missing));
    }
    let (op, word) = [":-", ":?", ":+", "-", "?", "+"]
        .iter()
        .find_map(|op| rest.strip_prefix(op).map(|w| (*op, w)))
        .with_context(|| format!("invalid interpolation format for {whole:?}: \"${{{body}}}\""))?;
    let value = env(name);
    let mut word = || interpolate(word, env, missing);
    Ok(match op {
        ":-" => match value.filter(|v| !v.is_empty()) {
            Some(v) => v,
            None => word()?,
        },
        "-" => match value {
            Some(v) => v,
            None => word()?,
        },
        ":?" => match value.filter(|v| !v.is_empty()) {
            Some(v) => v,
            None => bail!(missing_required(name, &word()?)),
        },
        "?" => match value {
            Some(v) => v,
            None => bail!(missing_required(name, &word()?)),
        },
        ":+" => match value.filter(|v| !v.is_empty()) {
            Some(_) => word()?,
            None => String::new(),
        },
        _ => match value {
            Some(_) => word()?,
            None => String::new(),
        },
    })
}

/// A `.env` / `env_file` file as docker compose reads it: `KEY=VALUE` lines, `#` comments, blank
/// lines, an optional `export ` prefix, single quotes (literal), double quotes (`\n` escapes), and a
/// bare `KEY` meaning "from the environment" (`None`). Values of unquoted lines drop a ` #` comment.
/// Unquoted and double-quoted values are interpolated as docker compose's dotenv does (`B=${A}-x`):
/// a variable is looked up in `lookup` (the process's environment) first, then in this file's earlier
/// lines; single-quoted values stay literal.
pub fn parse_env_file(
    data: &str,
    file: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, Option<String>)>> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let lines: Vec<&str> = data.lines().collect();
    let mut next = 0;
    while next < lines.len() {
        let (n, raw) = (next, lines[next]);
        next += 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((k, v)) = line.split_once('=') else {
            check_key(line, file, n)?;
            out.push((line.to_string(), None));
            continue;
        };
        let k = k.trim();
        check_key(k, file, n)?;
        let v = v.trim_start();
        // A quoted value runs to its closing quote, over several lines if need be (a key or a
        // certificate in `.env`, as compose-go's dotenv reads it).
        let quoted = |q: char, first: &str, next: &mut usize| -> String {
            let mut body = first.to_string();
            while closing_quote(&body, q).is_none() && *next < lines.len() {
                body.push('\n');
                body.push_str(lines[*next]);
                *next += 1;
            }
            let end = closing_quote(&body, q).unwrap_or(body.len());
            body[..end].to_string()
        };
        let raw_value = if let Some(q) = v.strip_prefix('\'') {
            out.push((k.to_string(), Some(quoted('\'', q, &mut next))));
            continue;
        } else if let Some(q) = v.strip_prefix('"') {
            let inner = quoted('"', q, &mut next);
            inner
                .replace("\\n", "\n")
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
        } else {
            match v.find(" #") {
                Some(i) => v[..i].trim_end().to_string(),
                None => v.trim_end().to_string(),
            }
        };
        let earlier = |name: &str| {
            lookup(name).or_else(|| {
                out.iter()
                    .rev()
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.clone())
            })
        };
        let value = interpolate(&raw_value, &earlier, &mut Vec::new())
            .with_context(|| format!("{file}:{}", n + 1))?;
        out.push((k.to_string(), Some(value)));
    }
    Ok(out)
}

/// Where the quote `q` closing a value starts in `s` (inside double quotes a backslash escapes).
fn closing_quote(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if q == '"' => escaped = true,
            c if c == q => return Some(i),
            _ => {}
        }
    }
    None
}

fn check_key(k: &str, file: &str, n: usize) -> Result<()> {
    if k.is_empty() || k.contains(char::is_whitespace) {
        bail!("{file}:{}: invalid variable name {k:?}", n + 1);
    }
    Ok(())
}

/// The `.env` file's variables as a map (a bare `KEY` takes the process's value, if any).
pub fn env_map(
    entries: Vec<(String, Option<String>)>,
    process: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<String, String> {
    entries
        .into_iter()
        .filter_map(|(k, v)| {
            let v = v.or_else(|| process(&k))?;
            Some((k, v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        match k {
            "SET" => Some("v".into()),
            "EMPTY" => Some(String::new()),
            "PORT" => Some("8080".into()),
            _ => None,
        }
    }

    fn i(s: &str) -> Result<String> {
        interpolate(s, &env, &mut Vec::new())
    }

    #[test]
    fn every_operator_of_the_spec() {
        assert_eq!(i("$SET ${SET} x${PORT}y").unwrap(), "v v x8080y");
        assert_eq!(i("${UNSET:-d} ${EMPTY:-d} ${SET:-d}").unwrap(), "d d v");
        assert_eq!(i("${UNSET-d} [${EMPTY-d}]").unwrap(), "d []");
        assert_eq!(
            i("[${UNSET:+a}] [${EMPTY:+a}] ${SET:+a}").unwrap(),
            "[] [] a"
        );
        assert_eq!(i("[${UNSET+a}] ${EMPTY+a}").unwrap(), "[] a");
        assert_eq!(i("$$SET $${SET}").unwrap(), "$SET ${SET}");
        assert_eq!(i("${UNSET:-${PORT}}").unwrap(), "8080");
        crate::testing::assert_err(
            i("${EMPTY:?need it}"),
            "required variable EMPTY is missing a value: need it",
        );
        assert_eq!(i("${EMPTY?x}").unwrap(), "");
        crate::testing::assert_err(i("${UNSET?gone}"), "required variable UNSET is missing");
        // Without a message nothing follows the sentence (no dangling colon).
        let err = format!("{:#}", i("${UNSET:?}").unwrap_err());
        assert!(
            err.ends_with("required variable UNSET is missing a value"),
            "{err}"
        );
        crate::testing::assert_err(i("${SET"), "invalid interpolation format");
        crate::testing::assert_err(i("a $ b"), "a lone \"$\"");
    }

    #[test]
    fn unset_variables_are_empty_and_reported() {
        let mut missing = Vec::new();
        assert_eq!(
            interpolate("a${NOPE}b$NOPE", &env, &mut missing).unwrap(),
            "ab"
        );
        assert_eq!(missing, vec!["NOPE"]);
    }

    #[test]
    fn env_files_as_compose_reads_them() {
        let f = "# c\n\nexport A=1\nB = 'x y' \nC=\"l1\\nl2\"\nD=v # note\nE\n";
        let got = parse_env_file(f, ".env", &|_| None).unwrap();
        assert_eq!(
            got,
            vec![
                ("A".into(), Some("1".into())),
                ("B".into(), Some("x y".into())),
                ("C".into(), Some("l1\nl2".into())),
                ("D".into(), Some("v".into())),
                ("E".into(), None),
            ]
        );
        crate::testing::assert_err(
            parse_env_file("A B=1\n", ".env", &|_| None),
            ".env:1: invalid variable name",
        );
    }

    #[test]
    fn quoted_values_span_lines_and_keep_escaped_quotes() {
        let f = "KEY=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=1\nS='a\nb' # c\nQ=\"say \\\"hi\\\"\" # c\n";
        let got = parse_env_file(f, ".env", &|_| None).unwrap();
        assert_eq!(
            got,
            vec![
                (
                    "KEY".into(),
                    Some("-----BEGIN-----\nabc\n-----END-----".into())
                ),
                ("NEXT".into(), Some("1".into())),
                ("S".into(), Some("a\nb".into())),
                ("Q".into(), Some("say \"hi\"".into())),
            ]
        );
    }

    #[test]
    fn env_file_values_refer_to_earlier_ones_and_the_environment() {
        let f = "A=1\nB=${A}-x\nC=\"$B/${SET}\"\nD='${A}'\nE=${NONE:-dflt}\nSET=late\nF=$SET\n";
        let got = parse_env_file(f, ".env", &env).unwrap();
        let v: Vec<_> = got.iter().map(|(_, v)| v.clone().unwrap()).collect();
        // The process's value wins over the file's own line (docker compose's lookup order).
        assert_eq!(v, ["1", "1-x", "1-x/v", "${A}", "dflt", "late", "v"]);
        crate::testing::assert_err(
            parse_env_file("A=${X:?needed}\n", ".env", &env),
            ".env:1: required variable X is missing a value: needed",
        );
    }
}

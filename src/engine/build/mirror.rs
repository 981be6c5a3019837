//! Package mirrors for RUN steps (issue 10, "builds behind slow or blocked package mirrors"): the
//! rewritten copies of an image's apt sources (one-line `sources.list`, deb822 `*.sources`) and apk
//! `repositories` that the executor mounts over the originals while a RUN step runs, so `apt-get`
//! and `apk` fetch from the configured mirror; the image keeps its files byte for byte
//! (docs/architecture.md, "build"). Pure text in, text out: everything but the URLs is kept as is.
//!
//! Mirror keys and the upstream URLs they replace:
//! - `debian`: `deb.debian.org/debian`, `httpredir.debian.org/debian`, `ftp.debian.org/debian`,
//!   `ftp.<country>.debian.org/debian`, `cdn-fastly.deb.debian.org/debian`
//! - `debian-security`: `security.debian.org/debian-security` (and the old root form
//!   `security.debian.org/`), `deb.debian.org/debian-security`
//! - `ubuntu`: `archive.ubuntu.com/ubuntu`, `<country>.archive.ubuntu.com/ubuntu`,
//!   `security.ubuntu.com/ubuntu`
//! - `alpine`: any host serving `/alpine/` (`dl-cdn.alpinelinux.org/alpine`, `dl-4.alpinelinux.org/alpine`)
//!
//! The mirror URL replaces the repository root; the rest of the path is kept
//! (`https://dl-cdn.alpinelinux.org/alpine/v3.19/main` with `alpine = http://m/alpine` becomes
//! `http://m/alpine/v3.19/main`).

use std::collections::BTreeMap;

/// Mirror key -> mirror base URL (`debian` -> `http://mirror.internal/debian`), as
/// `[build.package_mirrors]` and `--package-mirror` give it.
pub type Mirrors = BTreeMap<String, String>;

/// The keys berth knows.
pub const KEYS: &[&str] = &["debian", "debian-security", "ubuntu", "alpine"];

/// The files the executor looks for in the image (globs in `sources.list.d`).
pub const FILES: &[&str] = &[
    "/etc/apt/sources.list",
    "/etc/apt/sources.list.d/*.list",
    "/etc/apt/sources.list.d/*.sources",
    "/etc/apk/repositories",
];

/// Checks one `key=url` of the configuration: a known key and an http(s) URL.
pub fn check_mirror(key: &str, url: &str) -> Result<(), String> {
    if !KEYS.contains(&key) {
        return Err(format!(
            "unknown package mirror {key:?} (known: {})",
            KEYS.join(", ")
        ));
    }
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') => Ok(()),
        _ => Err(format!(
            "invalid package mirror URL {url:?} for {key}: expected http://host/path or https://host/path"
        )),
    }
}

/// One URL replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// 1-based line in the file.
    pub line: usize,
    pub from: String,
    pub to: String,
}

/// A rewritten file and what changed in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub text: String,
    pub changes: Vec<Change>,
}

impl Rewrite {
    /// One line per change, for `--debug`: `/etc/apt/sources.list:1: http://deb.debian.org/debian -> http://m/debian`.
    pub fn describe(&self, path: &str) -> Vec<String> {
        self.changes
            .iter()
            .map(|c| format!("{path}:{}: {} -> {}", c.line, c.from, c.to))
            .collect()
    }
}

/// The rewrite of an image file by its path (one of [`FILES`]); None when the path is not one of
/// them or nothing in it points at a configured mirror's upstream.
pub fn rewrite_file(path: &str, text: &str, mirrors: &Mirrors) -> Option<Rewrite> {
    let r = if path == "/etc/apk/repositories" {
        apk(text, mirrors)
    } else if path == "/etc/apt/sources.list"
        || (path.starts_with("/etc/apt/sources.list.d/") && path.ends_with(".list"))
    {
        apt_list(text, mirrors)
    } else if path.starts_with("/etc/apt/sources.list.d/") && path.ends_with(".sources") {
        deb822(text, mirrors)
    } else {
        return None;
    };
    (!r.changes.is_empty()).then_some(r)
}

/// One-line apt sources (`deb [opts] URI suite components`); None when nothing changed.
pub fn rewrite_apt_list(text: &str, mirrors: &Mirrors) -> Option<String> {
    let r = apt_list(text, mirrors);
    (!r.changes.is_empty()).then_some(r.text)
}

/// deb822 apt sources (`URIs:` fields); None when nothing changed.
pub fn rewrite_deb822(text: &str, mirrors: &Mirrors) -> Option<String> {
    let r = deb822(text, mirrors);
    (!r.changes.is_empty()).then_some(r.text)
}

/// apk's `/etc/apk/repositories` (one URL a line, optionally `@tag URL`); None when nothing changed.
pub fn rewrite_apk(text: &str, mirrors: &Mirrors) -> Option<String> {
    let r = apk(text, mirrors);
    (!r.changes.is_empty()).then_some(r.text)
}

/// Which mirror key serves `url`, and the byte length of its repository root (`http://host/debian`).
fn upstream(url: &str) -> Option<(&'static str, usize)> {
    let scheme_end = url.find("://")? + 3;
    let scheme = &url[..scheme_end - 3];
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let host_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    let host = url[scheme_end..host_end].to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or_default().to_string();
    let path = &url[host_end..];
    let root = |prefix: &str| -> Option<usize> {
        let rest = path.strip_prefix(prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(host_end + prefix.len())
    };
    let debian_host = matches!(
        host.as_str(),
        "deb.debian.org" | "httpredir.debian.org" | "ftp.debian.org" | "cdn-fastly.deb.debian.org"
    ) || (host.starts_with("ftp.")
        && host.ends_with(".debian.org")
        && host.matches('.').count() == 3);
    if debian_host {
        if let Some(n) = root("/debian-security") {
            return Some(("debian-security", n));
        }
        return root("/debian").map(|n| ("debian", n));
    }
    if host == "security.debian.org" {
        return Some((
            "debian-security",
            root("/debian-security").unwrap_or(host_end),
        ));
    }
    if host == "archive.ubuntu.com"
        || host == "security.ubuntu.com"
        || host.ends_with(".archive.ubuntu.com")
    {
        return root("/ubuntu").map(|n| ("ubuntu", n));
    }
    root("/alpine").map(|n| ("alpine", n))
}

/// The mirrored form of `url`, if a configured mirror serves it.
fn mirrored(url: &str, mirrors: &Mirrors) -> Option<String> {
    let (key, root_len) = upstream(url)?;
    let base = mirrors.get(key)?.trim_end_matches('/');
    let new = format!("{base}{}", &url[root_len..]);
    (new != url).then_some(new)
}

/// Replaces the byte range `range` of `line` when the URL there has a mirror.
fn replace_in(
    line: &str,
    range: std::ops::Range<usize>,
    mirrors: &Mirrors,
) -> Option<(String, Change)> {
    let url = &line[range.clone()];
    let new = mirrored(url, mirrors)?;
    let text = format!("{}{new}{}", &line[..range.start], &line[range.end..]);
    Some((
        text,
        Change {
            line: 0,
            from: url.to_string(),
            to: new,
        },
    ))
}

/// Rewrites lines one at a time with `f`, keeping line endings.
fn by_line(
    text: &str,
    mut f: impl FnMut(&str) -> Vec<std::ops::Range<usize>>,
    mirrors: &Mirrors,
) -> Rewrite {
    let mut out = String::with_capacity(text.len());
    let mut changes = Vec::new();
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let body = raw.trim_end_matches(['\n', '\r']);
        let ending = &raw[body.len()..];
        let mut line = body.to_string();
        // Replace from the last range to the first so earlier offsets stay valid.
        let mut ranges = f(body);
        ranges.sort_by_key(|r| std::cmp::Reverse(r.start));
        for r in ranges {
            if let Some((new, mut c)) = replace_in(&line, r, mirrors) {
                c.line = i + 1;
                changes.push(c);
                line = new;
            }
        }
        out.push_str(&line);
        out.push_str(ending);
    }
    changes.sort_by_key(|c| c.line);
    Rewrite { text: out, changes }
}

/// Byte ranges of whitespace-separated words in `s`, starting at `from`.
fn words(s: &str, from: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s[from..].char_indices() {
        let i = i + from;
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push(st..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

fn apt_list(text: &str, mirrors: &Mirrors) -> Rewrite {
    by_line(
        text,
        |line| {
            let ws = words(line, 0);
            let Some(first) = ws.first() else {
                return vec![];
            };
            if !matches!(&line[first.clone()], "deb" | "deb-src") {
                return vec![];
            }
            // Skip an `[ option=value ... ]` block, which may contain spaces.
            let mut at = first.end;
            let rest = &line[at..];
            let trimmed = rest.trim_start();
            if trimmed.starts_with('[') {
                let open = at + (rest.len() - trimmed.len());
                let Some(close) = line[open..].find(']') else {
                    return vec![];
                };
                at = open + close + 1;
            }
            words(line, at).into_iter().take(1).collect()
        },
        mirrors,
    )
}

fn deb822(text: &str, mirrors: &Mirrors) -> Rewrite {
    let mut in_uris = false;
    by_line(
        text,
        |line| {
            if line.starts_with('#') {
                return vec![];
            }
            let continuation = line.starts_with([' ', '\t']);
            if !continuation {
                in_uris = false;
                let Some((field, _)) = line.split_once(':') else {
                    return vec![];
                };
                if !field.trim().eq_ignore_ascii_case("uris") {
                    return vec![];
                }
                in_uris = true;
                return words(line, field.len() + 1);
            }
            if in_uris { words(line, 0) } else { vec![] }
        },
        mirrors,
    )
}

fn apk(text: &str, mirrors: &Mirrors) -> Rewrite {
    by_line(
        text,
        |line| {
            let ws = words(line, 0);
            match ws.first() {
                Some(r) if line[r.clone()].starts_with('#') => vec![],
                Some(r) if line[r.clone()].starts_with('@') => {
                    ws.get(1).cloned().into_iter().collect()
                }
                Some(r) => vec![r.clone()],
                None => vec![],
            }
        },
        mirrors,
    )
}

#[cfg(test)]
#[path = "mirror_tests.rs"]
mod tests;

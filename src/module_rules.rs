//! The module map of docs/architecture.md as a test: every `crate::<module>` path written in a module's
//! files (`src/<module>.rs`, `src/<module>/**.rs`, `use crate::{a, b}` groups included) must name a
//! module the map lets it import. A source scan, not a compiler pass: comments are skipped, and
//! `super::` paths never leave a module's own files here.
//!
//! To change the map, edit [`RULES`] (and docs/architecture.md in the same commit).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module -> the modules it may import. Every `pub mod` of lib.rs needs a row.
const RULES: &[(&str, &[&str])] = &[
    ("cli", &["engine", "types", "config", "compose"]),
    ("compose", &["engine", "types", "config"]),
    (
        "engine",
        &[
            "config", "image", "monitor", "network", "registry", "runtime", "spec", "state",
            "store", "types",
        ],
    ),
    (
        "monitor",
        &["network", "runtime", "state", "store", "types"],
    ),
    ("registry", &["config", "store"]),
    ("spec", &["types"]),
    ("state", &["runtime", "store", "types"]),
    ("network", &["store", "types"]),
    ("image", &["store"]),
    // runtime reads the spec annotations whose names types holds (spec writes them).
    ("runtime", &["types"]),
    // store removes rootless trees through the runtime (files of subordinate ids; docs/layout.md).
    ("store", &["runtime"]),
    ("types", &[]),
    ("config", &["types"]),
    ("time", &[]),
    ("trace", &[]),
];

/// Leaves every module may import.
const EVERYONE_MAY_IMPORT: &[&str] = &["time", "trace"];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The `pub mod NAME;` lines of lib.rs.
fn top_modules() -> Vec<String> {
    let lib = fs::read_to_string(src_dir().join("lib.rs")).expect("reading src/lib.rs");
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ")?.strip_suffix(';'))
        .map(str::to_string)
        .collect()
}

/// Every .rs file of a module: `src/<m>.rs` and everything under `src/<m>/`.
fn module_files(m: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    let file = src_dir().join(format!("{m}.rs"));
    if file.is_file() {
        out.push(file);
    }
    walk(&src_dir().join(m), &mut out);
    out.sort();
    out
}

/// The source without comments: line comments (`//`, `///`, `//!`) are cut where they start outside a
/// string literal, so doc links such as [`crate::state::attach`] are not imports.
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.lines() {
        let b = line.as_bytes();
        let mut in_str = false;
        let mut end = b.len();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' if in_str => i += 1,
                b'"' => in_str = !in_str,
                b'/' if !in_str && b.get(i + 1) == Some(&b'/') => {
                    end = i;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        out.push_str(&line[..end]);
        out.push('\n');
    }
    out
}

fn ident_at(s: &str) -> &str {
    let n = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..n]
}

/// The top-level modules named by `crate::` paths in `src` (comments already stripped), each with the
/// 1-based line of its first use.
fn crate_paths(src: &str) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    let mut rest = 0;
    while let Some(k) = src[rest..].find("crate::") {
        let at = rest + k;
        rest = at + "crate::".len();
        let before = src[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let line = src[..at].matches('\n').count() + 1;
        let after = src[rest..].trim_start();
        let names: Vec<&str> = if let Some(group) = after.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first name of each top-level item.
            let (mut depth, mut items, mut start) = (0, Vec::new(), 0);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        items.push(&group[start..i]);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        items.push(&group[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            items.into_iter().map(|i| ident_at(i.trim())).collect()
        } else {
            vec![ident_at(after)]
        };
        for n in names.into_iter().filter(|n| !n.is_empty()) {
            found.entry(n.to_string()).or_insert(line);
        }
    }
    found
}

/// Every (importer, imported) edge between top-level modules, with the first place it shows.
fn edges() -> BTreeMap<(String, String), String> {
    let modules = top_modules();
    let mut out = BTreeMap::new();
    for m in &modules {
        for f in module_files(m) {
            let src =
                fs::read_to_string(&f).unwrap_or_else(|e| panic!("reading {}: {e}", f.display()));
            for (dep, line) in crate_paths(&strip_comments(&src)) {
                if &dep != m && modules.contains(&dep) {
                    let shown = f.strip_prefix(src_dir()).unwrap_or(&f).display();
                    out.entry((m.clone(), dep))
                        .or_insert_with(|| format!("src/{shown}:{line}"));
                }
            }
        }
    }
    out
}

fn allowed(from: &str, to: &str) -> bool {
    EVERYONE_MAY_IMPORT.contains(&to)
        || RULES
            .iter()
            .any(|(m, deps)| *m == from && deps.contains(&to))
}

#[test]
fn every_module_has_a_rule() {
    let ruled: BTreeSet<&str> = RULES.iter().map(|(m, _)| *m).collect();
    let missing: Vec<String> = top_modules()
        .into_iter()
        .filter(|m| !ruled.contains(m.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a row in RULES (src/module_rules.rs) and docs/architecture.md: {missing:?}"
    );
}

#[test]
fn modules_import_only_what_the_map_allows() {
    let edges = edges();
    let mut violations = Vec::new();
    for ((from, to), at) in &edges {
        if !allowed(from, to) {
            violations.push(format!("{from} -> {to} ({at})"));
        }
    }
    assert!(
        violations.is_empty(),
        "imports the module map (docs/architecture.md) forbids:\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn the_scan_sees_paths_groups_and_skips_comments() {
    let src = strip_comments(
        "use crate::store::Paths;\n\
         use crate::{\n    runtime::{self, Launch},\n    state,\n};\n\
         /// See [`crate::engine::container`].\n\
         let x = \"a // b\"; crate::network::setup(); // crate::cli\n\
         macro_rules! m { () => { $crate::registry::x } }\n",
    );
    let found: Vec<(String, usize)> = crate_paths(&src).into_iter().collect();
    assert_eq!(
        found,
        [
            ("network".to_string(), 7),
            ("runtime".to_string(), 2),
            ("state".to_string(), 2),
            ("store".to_string(), 1),
        ]
    );
}

/// Inside the engine, pods build on containers and never the reverse: what a container does as a pod
/// member lives in `engine/container/pod_member.rs`, so `engine::container` never names `engine::pod`.
#[test]
fn engine_container_does_not_import_engine_pod() {
    let dir = src_dir().join("engine/container");
    let mut broken = Vec::new();
    for e in fs::read_dir(&dir)
        .expect("reading src/engine/container")
        .flatten()
    {
        let src = strip_comments(&fs::read_to_string(e.path()).unwrap());
        if src.contains("engine::pod") || src.contains("super::super::pod") {
            broken.push(e.path().display().to_string());
        }
    }
    assert!(
        broken.is_empty(),
        "engine::container files that name engine::pod: {broken:?}"
    );
}

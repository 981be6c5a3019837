//! `include:` (Compose Specification, docker compose 2.20+): another compose application loaded as a
//! project of its own, whose services, networks, volumes, secrets and configs are imported into the
//! file that includes it.
//!
//! As compose-go does: each entry is a path (or a list of paths, the later ones overriding the first),
//! relative to the including project's directory; the included project's directory is its first
//! file's (or `project_directory`), its relative paths are resolved there, and it is interpolated
//! with the including environment over its own `.env` (or `env_file`). An included resource the
//! including file also defines is merged, the including file's definition winning. Includes nest;
//! a cycle is an error.

use super::load::{env_with_files, read_file};
use super::merge;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The top-level sections an include imports.
const IMPORTED: [&str; 5] = ["services", "volumes", "networks", "secrets", "configs"];

/// One `include` entry in its long form.
struct Entry {
    paths: Vec<String>,
    project_directory: Option<String>,
    env_files: Vec<String>,
}

/// A string or a list of strings (`path`, `env_file`).
fn strings(v: Option<&Value>, what: &str) -> Result<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .with_context(|| format!("{what} items must be strings"))
            })
            .collect(),
        Some(_) => bail!("{what} must be a string or a list of strings"),
    }
}

fn entries(v: &Value) -> Result<Vec<Entry>> {
    let Some(list) = v.as_array() else {
        bail!("`include` must be a list");
    };
    list.iter()
        .enumerate()
        .map(|(i, e)| {
            let at = format!("include[{i}]");
            match e {
                Value::String(s) => Ok(Entry {
                    paths: vec![s.clone()],
                    project_directory: None,
                    env_files: Vec::new(),
                }),
                Value::Object(m) => {
                    let paths = strings(m.get("path"), &format!("{at}.path"))?;
                    if paths.is_empty() {
                        bail!("{at}.path is required");
                    }
                    let project_directory = match m.get("project_directory") {
                        None | Some(Value::Null) => None,
                        Some(Value::String(s)) => Some(s.clone()),
                        Some(_) => bail!("{at}.project_directory must be a string"),
                    };
                    Ok(Entry {
                        paths,
                        project_directory,
                        env_files: strings(m.get("env_file"), &format!("{at}.env_file"))?,
                    })
                }
                _ => bail!("{at} must be a path or a mapping"),
            }
        })
        .collect()
}

/// Resolve the `include` of `model`, a file of the project in `dir` read under `env`; `stack` holds
/// the files being included (the first is the top-level file), for the cycle check.
pub fn apply(
    model: &mut Value,
    dir: &Path,
    env: &BTreeMap<String, String>,
    stack: &mut Vec<PathBuf>,
    missing: &mut Vec<String>,
) -> Result<()> {
    let Some(inc) = model.as_object_mut().and_then(|m| m.remove("include")) else {
        return Ok(());
    };
    for e in entries(&inc)? {
        let files: Vec<PathBuf> = e.paths.iter().map(|p| dir.join(p)).collect();
        for f in &files {
            if !f.is_file() {
                bail!("include: open {}: no such file or directory", f.display());
            }
        }
        let first = std::fs::canonicalize(&files[0]).unwrap_or(files[0].clone());
        let canon: Vec<PathBuf> = stack
            .iter()
            .map(|p| std::fs::canonicalize(p).unwrap_or(p.clone()))
            .collect();
        if canon.contains(&first) {
            let chain: Vec<String> = stack.iter().map(|p| p.display().to_string()).collect();
            bail!(
                "include cycle detected:\n{}\n include {}",
                chain.join("\n include "),
                first.display()
            );
        }
        let project_dir = match &e.project_directory {
            Some(d) => dir.join(d),
            None => files[0].parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        let project_dir = std::fs::canonicalize(&project_dir).unwrap_or(project_dir);
        let env_files: Vec<PathBuf> = if e.env_files.is_empty() {
            Some(project_dir.join(".env"))
                .filter(|p| p.is_file())
                .into_iter()
                .collect()
        } else {
            e.env_files
                .iter()
                .filter(|f| *f != "/dev/null")
                .map(|f| dir.join(f))
                .collect()
        };
        // The including environment wins over the included project's own `.env`.
        let inc_env = env_with_files(&env_files, env)?;
        let mut imported = json!({});
        for f in &files {
            let mut v = read_file(f, &project_dir, &inc_env, missing)?;
            stack.push(f.clone());
            let nested = apply(&mut v, &project_dir, &inc_env, stack, missing);
            stack.pop();
            nested?;
            merge::merge(&mut imported, &v, "");
        }
        let load_other = |p: &Path| -> Result<Value> {
            let full = project_dir.join(p);
            let base = full.parent().map(Path::to_path_buf).unwrap_or_default();
            let mut v = read_file(&full, &base, &inc_env, &mut Vec::new())?;
            merge::anchor_extends(&mut v, &base);
            Ok(v)
        };
        merge::resolve_extends(&mut imported, &load_other)?;
        import(&imported, model);
    }
    Ok(())
}

/// Copy `imported`'s resources into `model`; one `model` also defines is merged, `model`'s winning.
fn import(imported: &Value, model: &mut Value) {
    for key in IMPORTED {
        let Some(from) = imported.get(key).and_then(Value::as_object) else {
            continue;
        };
        if !model.get(key).is_some_and(Value::is_object) {
            model[key] = json!({});
        }
        let to = model[key].as_object_mut().expect("an object");
        for (name, res) in from {
            let mut merged = res.clone();
            if let Some(own) = to.get(name) {
                merge::merge(&mut merged, own, &format!("{key}.{name}"));
            }
            to.insert(name.clone(), merged);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_including_definition_wins_over_the_imported_one() {
        let imported = json!({"services": {"db": {"image": "a", "environment": {"A": "1"}}},
                              "volumes": {"data": {}}});
        let mut model =
            json!({"services": {"db": {"environment": {"B": "2"}}, "web": {"image": "w"}}});
        import(&imported, &mut model);
        assert_eq!(model["services"]["db"]["image"], "a");
        assert_eq!(
            model["services"]["db"]["environment"],
            json!({"A": "1", "B": "2"})
        );
        assert_eq!(model["services"]["web"]["image"], "w");
        assert_eq!(model["volumes"], json!({"data": {}}));
    }

    #[test]
    fn entries_take_the_short_and_the_long_form() {
        let e = entries(&json!(["a.yaml", {"path": ["b.yaml", "c.yaml"], "project_directory": "x", "env_file": "e.env"}]))
            .unwrap();
        assert_eq!(e[0].paths, ["a.yaml"]);
        assert_eq!(e[1].paths, ["b.yaml", "c.yaml"]);
        assert_eq!(e[1].project_directory.as_deref(), Some("x"));
        assert_eq!(e[1].env_files, ["e.env"]);
        crate::testing::assert_err(entries(&json!({"a": 1})), "must be a list");
    }
}

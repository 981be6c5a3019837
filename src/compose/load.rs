//! Loading a project: which files (`-f`, `COMPOSE_FILE`, or `compose.yaml` and its variants in the
//! working directory or a parent, plus `compose.override.yaml`), which environment (the process's,
//! then `.env` or `--env-file`), parsing, key validation, interpolation, normalisation, merging,
//! `extends`, profiles, the project name, and the final resolved model that `config` prints and every
//! other verb works from.

use super::interp;
use super::{merge, normalize, schema};
use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file names looked for, in docker compose's order of preference.
pub const DEFAULT_FILES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const OVERRIDE_FILES: [&str; 4] = [
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// What the command line says about the project (docker compose's global flags).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub files: Vec<PathBuf>,
    pub project_name: Option<String>,
    pub project_directory: Option<PathBuf>,
    pub env_files: Vec<PathBuf>,
    pub profiles: Vec<String>,
    /// Services named on the command line: their profiles are enabled (docker compose).
    pub services: Vec<String>,
    pub cwd: PathBuf,
    /// The process environment.
    pub env: BTreeMap<String, String>,
}

/// A loaded project.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub working_dir: PathBuf,
    pub config_files: Vec<PathBuf>,
    /// The resolved model, as `config --format json` prints it.
    pub model: Value,
    /// Variables that were used but not set (docker compose warns about each).
    pub warnings: Vec<String>,
    /// The interpolation environment (the process's over `.env`): `environment:` secrets and
    /// configs read their value from it.
    pub env: BTreeMap<String, String>,
}

/// docker compose's project name rule: lowercase letters, digits, `_` and `-`, starting with a letter or
/// digit. A name from a directory or a `name:` key is normalised into it; `-p` and
/// COMPOSE_PROJECT_NAME must already follow it.
pub fn normalize_name(s: &str) -> String {
    let lower = s.to_lowercase();
    let kept: String = lower
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

fn check_name(s: &str, from: &str) -> Result<String> {
    if s.is_empty() || normalize_name(s) != s {
        bail!(
            "invalid project name {s:?} (from {from}): must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
        );
    }
    Ok(s.to_string())
}

/// The compose files to load and the project directory.
fn find_files(o: &LoadOptions, env: &BTreeMap<String, String>) -> Result<(Vec<PathBuf>, PathBuf)> {
    // `-f -` is the standard input (kept as `-`).
    let mut files: Vec<PathBuf> = o
        .files
        .iter()
        .map(|f| {
            if is_stdin(f) {
                f.clone()
            } else {
                o.cwd.join(f)
            }
        })
        .collect();
    if files.is_empty()
        && let Some(cf) = env.get("COMPOSE_FILE").filter(|s| !s.is_empty())
    {
        let sep = env
            .get("COMPOSE_PATH_SEPARATOR")
            .map(String::as_str)
            .unwrap_or(":");
        files = cf.split(sep).map(|f| o.cwd.join(f)).collect();
    }
    if files.is_empty() {
        let start = o
            .project_directory
            .as_ref()
            .map(|d| o.cwd.join(d))
            .unwrap_or(o.cwd.clone());
        let mut dir = Some(start.as_path());
        while let Some(d) = dir {
            if let Some(f) = DEFAULT_FILES
                .iter()
                .map(|n| d.join(n))
                .find(|p| p.is_file())
            {
                files.push(f);
                if let Some(ov) = OVERRIDE_FILES
                    .iter()
                    .map(|n| d.join(n))
                    .find(|p| p.is_file())
                {
                    files.push(ov);
                }
                break;
            }
            dir = d.parent();
        }
        if files.is_empty() {
            bail!("no configuration file provided: not found");
        }
    }
    for f in &files {
        if !is_stdin(f) && !f.is_file() {
            bail!("open {}: no such file or directory", f.display());
        }
    }
    let dir = match (&o.project_directory, files.iter().find(|f| !is_stdin(f))) {
        (Some(d), _) => o.cwd.join(d),
        (None, Some(f)) => f.parent().map(Path::to_path_buf).unwrap_or(o.cwd.clone()),
        (None, None) => o.cwd.clone(),
    };
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    Ok((files, dir))
}

/// The interpolation environment: `.env` (or `--env-file`) under the process's variables.
fn environment(o: &LoadOptions, dir: &Path) -> Result<BTreeMap<String, String>> {
    let files: Vec<PathBuf> = if o.env_files.is_empty() {
        vec![dir.join(".env")]
            .into_iter()
            .filter(|p| p.is_file())
            .collect()
    } else {
        o.env_files.iter().map(|f| o.cwd.join(f)).collect()
    };
    env_with_files(&files, &o.env)
}

/// The variables of env `files` (in order, a later one winning) under `over`, whose values win.
pub(super) fn env_with_files(
    files: &[PathBuf],
    over: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let mut env = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(f)
            .with_context(|| format!("reading env file {}", f.display()))?;
        let lookup = |k: &str| over.get(k).or_else(|| env.get(k)).cloned();
        let entries = interp::parse_env_file(&text, &f.display().to_string(), &lookup)?;
        let values = interp::env_map(entries, &|k| over.get(k).cloned());
        env.extend(values);
    }
    env.extend(over.clone());
    Ok(env)
}

/// Interpolate every string of `v` (keys too are left alone, as compose does).
fn interpolate_all(
    v: &mut Value,
    path: &str,
    env: &BTreeMap<String, String>,
    missing: &mut Vec<String>,
) -> Result<()> {
    match v {
        Value::String(s) => {
            *s = interp::interpolate(s, &|k| env.get(k).cloned(), missing)
                .with_context(|| path.to_string())?;
        }
        Value::Array(items) => {
            for (i, x) in items.iter_mut().enumerate() {
                interpolate_all(x, &format!("{path}[{i}]"), env, missing)?;
            }
        }
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                interpolate_all(x, &p, env, missing)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// The compose file given as `-f -`, read from the standard input once.
fn stdin_text() -> Result<String> {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(t) = TEXT.get() {
        return Ok(t.clone());
    }
    let mut t = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
        .context("reading the compose file from the standard input")?;
    Ok(TEXT.get_or_init(|| t).clone())
}

/// Read one file: parse, validate keys, interpolate, normalise its services against `base`.
pub fn read_file(
    path: &Path,
    base: &Path,
    env: &BTreeMap<String, String>,
    missing: &mut Vec<String>,
) -> Result<Value> {
    let text = if is_stdin(path) {
        stdin_text()?
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    };
    let shown = path.display().to_string();
    let yaml: serde_norway::Value =
        serde_norway::from_str(&text).with_context(|| format!("parsing {shown}"))?;
    // YAML merge keys (`<<: *anchor`) are resolved before anything looks at the keys.
    let mut yaml = yaml;
    yaml.apply_merge()
        .with_context(|| format!("parsing {shown}"))?;
    let mut v: Value = if yaml.is_null() {
        json!({})
    } else {
        serde_json::to_value(&yaml)
            .with_context(|| format!("parsing {shown}: keys must be strings"))?
    };
    schema::validate(&v, &shown, &text)?;
    interpolate_all(&mut v, "", env, missing).with_context(|| format!("interpolating {shown}"))?;
    if let Some(services) = v.get_mut("services").and_then(Value::as_object_mut) {
        for (name, svc) in services.iter_mut() {
            if svc.is_null() {
                *svc = json!({});
            }
            normalize::service(name, svc, base).with_context(|| format!("in {shown}"))?;
        }
    }
    for key in ["secrets", "configs"] {
        for (_, e) in v
            .get_mut(key)
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            if let Some(f) = e.get("file").and_then(Value::as_str) {
                let abs = normalize::absolute(base, f);
                e["file"] = json!(abs);
            }
        }
    }
    Ok(v)
}

/// Load and resolve the project.
pub fn load(o: &LoadOptions) -> Result<Project> {
    // `.env` is read once, before the files are known (COMPOSE_FILE may come from it), from where
    // compose-go looks: --project-directory, else the first -f file's directory, else the working
    // directory (also when the files come from COMPOSE_FILE or are found in a parent directory).
    let env_dir = match (&o.project_directory, o.files.first()) {
        (Some(d), _) => o.cwd.join(d),
        (None, Some(f)) if !is_stdin(f) => o
            .cwd
            .join(f)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(o.cwd.clone()),
        (None, _) if o.files.len() > 1 && is_stdin(&o.files[0]) => o
            .cwd
            .join(&o.files[1])
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(o.cwd.clone()),
        (None, _) => o.cwd.clone(),
    };
    let mut env = environment(o, &env_dir)?;
    let (files, dir) = find_files(o, &env)?;
    // The name comes first, as compose-go does it: the files may use ${COMPOSE_PROJECT_NAME}.
    let name = project_name(o, &env, &files, &dir)?;
    env.insert("COMPOSE_PROJECT_NAME".into(), name.clone());
    let mut missing = Vec::new();
    let mut model = json!({});
    let mut obsolete = Vec::new();
    for f in &files {
        let mut v = read_file(f, &dir, &env, &mut missing)?;
        if v.get("version").is_some() {
            obsolete.push(format!("{}: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion", f.display()));
        }
        super::include::apply(&mut v, &dir, &env, &mut vec![f.clone()], &mut missing)?;
        merge::merge(&mut model, &v, "");
    }
    let load_other = |p: &Path| -> Result<Value> {
        let full = dir.join(p);
        let base = full.parent().map(Path::to_path_buf).unwrap_or(dir.clone());
        let mut v = read_file(&full, &base, &env, &mut Vec::new())?;
        merge::anchor_extends(&mut v, &base);
        Ok(v)
    };
    merge::resolve_extends(&mut model, &load_other)?;
    let mut profiles = o.profiles.clone();
    if profiles.is_empty()
        && let Some(p) = env.get("COMPOSE_PROFILES")
    {
        profiles = p
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
    }
    apply_profiles(&mut model, &profiles, &o.services)?;
    let model = super::resolve::finish(model, &name, &env)?;
    let warnings = missing
        .into_iter()
        .map(|v| format!("The \"{v}\" variable is not set. Defaulting to a blank string."))
        .chain(obsolete)
        .collect();
    Ok(Project {
        name,
        working_dir: dir,
        config_files: files,
        model,
        warnings,
        env,
    })
}

/// The project name: `-p`, COMPOSE_PROJECT_NAME (both must already be valid), the last `name:` key
/// of the files (interpolated, then normalised as compose-go does: `name: MyApp` is `myapp`), or
/// the project directory's name, normalised.
fn project_name(
    o: &LoadOptions,
    env: &BTreeMap<String, String>,
    files: &[PathBuf],
    dir: &Path,
) -> Result<String> {
    if let Some(n) = &o.project_name {
        return check_name(n, "-p");
    }
    if let Some(n) = env.get("COMPOSE_PROJECT_NAME").filter(|s| !s.is_empty()) {
        return check_name(n, "COMPOSE_PROJECT_NAME");
    }
    let mut from_files = String::new();
    for f in files {
        // A file that does not parse is reported by read_file, with its path and line.
        let text = if is_stdin(f) {
            stdin_text()
        } else {
            std::fs::read_to_string(f).map_err(Into::into)
        };
        let Ok(text) = text else {
            continue;
        };
        let Ok(yaml) = serde_norway::from_str::<serde_norway::Value>(&text) else {
            continue;
        };
        if let Some(n) = yaml
            .get("name")
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
        {
            from_files = n.to_string();
        }
    }
    let lookup = |k: &str| env.get(k).cloned();
    let interpolated = interp::interpolate(&from_files, &lookup, &mut Vec::new())
        .context("interpolating the name: key")?;
    let n = normalize_name(&interpolated);
    if !n.is_empty() {
        return Ok(n);
    }
    let base = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = normalize_name(&base);
    if n.is_empty() {
        bail!("project name must not be empty: use -p or a name: key");
    }
    Ok(n)
}

/// Drop the services whose profiles are not active (a service without `profiles` is always active;
/// a service named on the command line activates itself).
fn apply_profiles(model: &mut Value, active: &[String], named: &[String]) -> Result<()> {
    let Some(services) = model.get_mut("services").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let enabled = |name: &str, s: &Value| -> bool {
        let Some(p) = s.get("profiles").and_then(Value::as_array) else {
            return true;
        };
        p.is_empty()
            || named.iter().any(|n| n == name)
            || active
                .iter()
                .any(|a| a == "*" || p.iter().any(|x| x.as_str() == Some(a)))
    };
    let mut keep: Map<String, Value> = services
        .iter()
        .filter(|(n, s)| enabled(n, s))
        .map(|(n, s)| (n.clone(), s.clone()))
        .collect();
    let kept: Vec<String> = keep.keys().cloned().collect();
    for (name, s) in keep.iter_mut() {
        if let Some(deps) = s.get_mut("depends_on").and_then(Value::as_object_mut) {
            // An optional dependency (`required: false`) on a service its profiles disable is
            // dropped, as compose-go does; on a service that does not exist it stays an error.
            deps.retain(|d, spec| {
                kept.contains(d)
                    || !services.contains_key(d)
                    || spec.get("required").and_then(Value::as_bool) != Some(false)
            });
            for (d, spec) in deps.iter() {
                let required = spec
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                if !kept.contains(d) && required {
                    if services.contains_key(d) {
                        bail!(
                            "service {d:?} was pulled in as a dependency of service {name:?} but is not enabled by the active profiles. You may fix this by adding a common profile to {d:?} and {name:?}"
                        );
                    }
                    bail!(
                        "service {name:?} depends on undefined service {d:?}: invalid compose project"
                    );
                }
            }
        }
    }
    *services = keep;
    Ok(())
}

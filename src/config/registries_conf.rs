//! containers-registries.conf (v2, and v1's `[registries.search|insecure|block]`), its drop-ins and
//! podman's short-name alias cache: per-prefix mirrors, locations, insecure and blocked flags, and the
//! short-name rules (`[aliases]`, `unqualified-search-registries`, `short-name-mode`).
//!
//! Must not depend on anything in berth but the parent module. Invariant: an unknown key is a warning
//! naming the file and the key; an alias that is not a short name, or whose value is not fully
//! qualified, is a warning and is ignored.

use super::{
    Config, Mirror, PullFrom, ShortNameMode, ShortNames, entry_mut, normalize_prefix, toml_error,
};
use anyhow::{Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;

/// containers-registries.conf files (v2, and v1's `[registries.search|insecure|block]`), merged in the
/// order they are read: a later file's `[[registry]]` with the same prefix replaces the earlier one, its
/// `unqualified-search-registries` and `short-name-mode` replace earlier ones, and its `[aliases]` add to
/// or (with "") erase earlier aliases (containers-registries.conf.d(5)).
#[derive(Default)]
pub(super) struct RegistriesConf {
    registries: BTreeMap<String, RegConf>,
    order: Vec<String>,
    aliases: BTreeMap<String, String>,
    search: Option<Vec<String>>,
    mode: Option<ShortNameMode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RegConf {
    prefix: Option<String>,
    location: Option<String>,
    #[serde(default)]
    insecure: bool,
    #[serde(default)]
    blocked: bool,
    #[serde(default)]
    mirror_by_digest_only: bool,
    #[serde(default)]
    mirror: Vec<MirConf>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct MirConf {
    location: String,
    #[serde(default)]
    insecure: bool,
    pull_from_mirror: Option<PullFrom>,
}

const REGCONF_TOP: &[&str] = &[
    "unqualified-search-registries",
    "short-name-mode",
    "credential-helpers",
    "additional-layer-store-auth-helper",
    "aliases",
    "registry",
    "registries",
];
const REGCONF_REGISTRY: &[&str] = &[
    "prefix",
    "location",
    "insecure",
    "blocked",
    "mirror-by-digest-only",
    "mirror",
    "pull-from-mirror",
];
const REGCONF_MIRROR: &[&str] = &["location", "insecure", "pull-from-mirror"];
const REGCONF_V1: &[&str] = &["search", "insecure", "block"];

/// Whether `name` has a registry domain (containers/image and docker: a first component with `.` or `:`,
/// or `localhost`).
fn has_domain(name: &str) -> bool {
    match name.split_once('/') {
        Some((first, _)) => first.contains(['.', ':']) || first == "localhost",
        None => false,
    }
}

impl RegistriesConf {
    pub(super) fn add(&mut self, text: &str, name: &str, warnings: &mut Vec<String>) -> Result<()> {
        let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, name, &e))?;
        let mut unknown = |key: String| warnings.push(format!("{name}: unknown key {key}"));
        for (k, v) in &table {
            if !REGCONF_TOP.contains(&k.as_str()) {
                unknown(k.clone());
            }
            match (k.as_str(), v) {
                ("registry", toml::Value::Array(list)) => {
                    for (i, r) in list.iter().filter_map(|r| r.as_table()).enumerate() {
                        for k2 in r
                            .keys()
                            .filter(|k2| !REGCONF_REGISTRY.contains(&k2.as_str()))
                        {
                            unknown(format!("registry[{i}].{k2}"));
                        }
                        if let Some(ms) = r.get("mirror").and_then(|m| m.as_array()) {
                            for m in ms.iter().filter_map(|m| m.as_table()) {
                                for k3 in
                                    m.keys().filter(|k3| !REGCONF_MIRROR.contains(&k3.as_str()))
                                {
                                    unknown(format!("registry[{i}].mirror.{k3}"));
                                }
                            }
                        }
                    }
                }
                ("registries", toml::Value::Table(v1)) => {
                    for (k2, t) in v1 {
                        if !REGCONF_V1.contains(&k2.as_str()) {
                            unknown(format!("registries.{k2}"));
                        } else if let Some(t) = t.as_table() {
                            for k3 in t.keys().filter(|k3| *k3 != "registries") {
                                unknown(format!("registries.{k2}.{k3}"));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Conf {
            #[serde(default)]
            registry: Vec<RegConf>,
            unqualified_search_registries: Option<Vec<String>>,
            short_name_mode: Option<String>,
            aliases: Option<BTreeMap<String, String>>,
            registries: Option<BTreeMap<String, V1>>,
        }
        #[derive(Deserialize)]
        struct V1 {
            #[serde(default)]
            registries: Vec<String>,
        }
        let c: Conf = toml::from_str(text).map_err(|e| toml_error(text, name, &e))?;
        let mode = match c.short_name_mode.as_deref() {
            None => None,
            Some("") => Some(ShortNameMode::Permissive),
            Some("enforcing") => Some(ShortNameMode::Enforcing),
            Some("permissive") => Some(ShortNameMode::Permissive),
            Some("disabled") => Some(ShortNameMode::Disabled),
            Some(m) => bail!(
                "parsing config {name}: invalid short-name-mode {m:?} (enforcing, permissive or disabled)"
            ),
        };
        let v1 = c.registries.unwrap_or_default();
        if (!c.registry.is_empty() || c.unqualified_search_registries.is_some()) && !v1.is_empty() {
            bail!("parsing config {name}: mixes the v1 [registries.*] format with v2 keys");
        }
        for r in c.registry {
            let Some(prefix) = r.prefix.clone().or_else(|| r.location.clone()) else {
                warnings.push(format!(
                    "{name}: a [[registry]] without prefix or location is ignored"
                ));
                continue;
            };
            let key = normalize_prefix(&prefix);
            if !self.order.contains(&key) {
                self.order.push(key.clone());
            }
            self.registries.insert(key, r);
        }
        // v1: `[registries.insecure|block] registries = [...]` are prefixes with one flag each.
        for (kind, list) in &v1 {
            for reg in &list.registries {
                let key = normalize_prefix(reg);
                if !self.order.contains(&key) {
                    self.order.push(key.clone());
                }
                let e = self.registries.entry(key).or_insert_with(|| RegConf {
                    prefix: Some(reg.clone()),
                    location: None,
                    insecure: false,
                    blocked: false,
                    mirror_by_digest_only: false,
                    mirror: Vec::new(),
                });
                match kind.as_str() {
                    "insecure" => e.insecure = true,
                    "block" => e.blocked = true,
                    _ => {}
                }
            }
        }
        if let Some(s) = v1.get("search") {
            self.search = Some(s.registries.clone());
        }
        if let Some(s) = c.unqualified_search_registries {
            self.search = Some(s);
        }
        if mode.is_some() {
            self.mode = mode;
        }
        for (short, full) in c.aliases.unwrap_or_default() {
            // containers-registries.conf(5): the name is a short name and neither side carries a tag
            // or digest; the value is fully qualified; "" erases an alias set by an earlier file.
            if full.is_empty() {
                self.aliases.remove(&short);
                continue;
            }
            let tagged =
                |s: &str| s.contains('@') || s.rsplit('/').next().is_some_and(|l| l.contains(':'));
            if has_domain(&short) || short == "localhost" || tagged(&short) {
                warnings.push(format!(
                    "{name}: alias {short:?} is not a short name (no registry, tag or digest) and is ignored"
                ));
            } else if !has_domain(&full) || tagged(&full) {
                warnings.push(format!(
                    "{name}: alias {short:?} = {full:?} must name a registry and no tag or digest; ignored"
                ));
            } else {
                self.aliases.insert(short, full);
            }
        }
        Ok(())
    }

    /// Merge into `cfg`: berth's own file wins for any prefix it already configures.
    pub(super) fn apply(self, cfg: &mut Config) {
        let mut registries = self.registries;
        for key in self.order {
            let Some(r) = registries.remove(&key) else {
                continue;
            };
            let prefix = r
                .prefix
                .clone()
                .or_else(|| r.location.clone())
                .unwrap_or(key);
            let location = r
                .location
                .filter(|l| normalize_prefix(l) != normalize_prefix(&prefix));
            let e = entry_mut(cfg, &prefix);
            e.insecure |= r.insecure;
            e.blocked |= r.blocked;
            if e.location.is_none() {
                e.location = location;
            }
            if e.mirrors.is_empty() {
                e.mirrors = r
                    .mirror
                    .into_iter()
                    .map(|m| Mirror {
                        location: m.location,
                        insecure: m.insecure,
                        pull_from: m.pull_from_mirror.unwrap_or(if r.mirror_by_digest_only {
                            PullFrom::DigestOnly
                        } else {
                            PullFrom::All
                        }),
                    })
                    .collect();
            }
        }
        cfg.short_names = ShortNames {
            aliases: self.aliases,
            search: self.search.unwrap_or_default(),
            mode: self.mode.unwrap_or_default(),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_conf_drop_ins_override_earlier_files() {
        let mut rc = RegistriesConf::default();
        let mut w = Vec::new();
        let main = r#"
unqualified-search-registries = ["a.example"]
[[registry]]
prefix = "r.example"
[[registry.mirror]]
location = "old.example"
[aliases]
"x" = "a.example/x"
"#;
        let dropin = r#"
unqualified-search-registries = ["b.example"]
short-name-mode = "disabled"
[[registry]]
prefix = "r.example"
[[registry.mirror]]
location = "new.example"
[aliases]
"x" = ""
"y" = "b.example/y"
"docker.io/z" = "b.example/z"
"w" = "w:latest"
"#;
        rc.add(main, "main", &mut w).unwrap();
        rc.add(dropin, "dropin", &mut w).unwrap();
        let mut c = Config::default();
        rc.apply(&mut c);
        let (_, e) = c.registry_for("r.example", "app").unwrap();
        assert_eq!(e.mirrors.len(), 1);
        assert_eq!(e.mirrors[0].location, "new.example");
        assert_eq!(c.short_names.search, ["b.example"]);
        assert_eq!(c.short_names.mode, ShortNameMode::Disabled);
        assert_eq!(
            c.short_names.aliases.iter().collect::<Vec<_>>(),
            [(&"y".to_string(), &"b.example/y".to_string())]
        );
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("dropin: alias \"docker.io/z\" is not a short name"));
        assert!(w[1].starts_with("dropin: alias \"w\" = \"w:latest\" must name a registry"));
        let mut rc = RegistriesConf::default();
        assert!(
            rc.add("short-name-mode = \"sometimes\"", "bad", &mut w)
                .is_err()
        );
    }

    #[test]
    fn registries_conf_v1_lists_are_search_insecure_and_blocked() {
        let mut rc = RegistriesConf::default();
        let mut w = Vec::new();
        rc.add(
            "[registries.search]\nregistries = ['s.example']\n[registries.insecure]\nregistries = ['i.example:5000']\n[registries.block]\nregistries = ['b.example']\n",
            "v1",
            &mut w,
        )
        .unwrap();
        let mut c = Config::default();
        rc.apply(&mut c);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.short_names.search, ["s.example"]);
        assert!(c.registry_for("i.example:5000", "a").unwrap().1.insecure);
        assert!(c.registry_for("b.example", "a").unwrap().1.blocked);
    }
}

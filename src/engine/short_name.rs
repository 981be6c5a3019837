//! Short names (`busybox`, `opensuse/leap:15`): which fully-qualified references a name without a
//! registry stands for.
//!
//! docker always means `docker.io` (`docker.io/library/` for one component). podman follows
//! containers-registries.conf(5): an `[aliases]` entry first, then the `unqualified-search-registries` in
//! order, under `short-name-mode`. berth does what docker does unless registries.conf configures aliases
//! or search registries, and never prompts: where podman would ask (enforcing mode, several search
//! registries), berth fails and says how to choose (containers-registries.conf(5), "Short-Name Aliasing").
//! Must not touch the network or the store; uses only the config and reference parsing.
//! Invariant: a name that has a registry is returned unchanged, and an alias or search registry can only
//! add a registry to a short name, never change a fully-qualified one.

use crate::config::{Config, ShortNameMode};
use crate::image::ImageRef;
use anyhow::{Result, bail};

/// How a short name was resolved, for the CLI to say so (podman prints the alias it used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Not a short name, or no registries.conf rule applied: docker's normalisation.
    Docker,
    /// An `[aliases]` entry named the repository.
    Alias(String),
    /// `unqualified-search-registries`, tried in order.
    Search,
}

/// Whether the name (without tag or digest) starts with a registry: docker's splitDockerDomain rule.
fn has_registry(name: &str) -> bool {
    match name.split_once('/') {
        Some((first, _)) => first.contains(['.', ':']) || first == "localhost",
        None => false,
    }
}

/// Split `name[:tag][@digest]` into the name and the suffix (`:tag`, `@digest`, both or nothing).
fn split_suffix(s: &str) -> (&str, &str) {
    let at = s.find('@').unwrap_or(s.len());
    let (before, digest) = s.split_at(at);
    let last_slash = before.rfind('/').map(|i| i + 1).unwrap_or(0);
    match before[last_slash..].find(':') {
        Some(i) => (&s[..last_slash + i], &s[last_slash + i..]),
        None => (before, digest),
    }
}

/// The repository docker would pull for `name`, whatever registries.conf says (`busybox` ->
/// `docker.io/library/busybox`): what an alias is compared with, to say when it sends a name elsewhere.
pub fn docker_name(name: &str) -> Result<String> {
    Ok(ImageRef::parse(name)?.name())
}

/// docker's familiar form of a normalised repository (`docker.io/library/busybox` -> `busybox`,
/// `docker.io/user/app` -> `user/app`; other registries keep theirs), as `images` shows it.
pub fn familiar_name(repository: &str) -> String {
    crate::image::reference::familiar_name(repository)
}

/// The references `name` stands for, in the order a pull tries them, and how they were found.
pub fn candidates(cfg: &Config, name: &str) -> Result<(Vec<ImageRef>, Resolution)> {
    // Validate the name as typed first, so a bad name gets the reference error, not an alias error.
    let plain = ImageRef::parse(name)?;
    let (short, suffix) = split_suffix(name);
    let sn = &cfg.short_names;
    if has_registry(short) {
        return Ok((vec![plain], Resolution::Docker));
    }
    // containers-registries.conf(5): tags and digests are stripped for the alias lookup and appended
    // to the alias's value.
    if let Some(full) = sn.aliases.get(short) {
        let r = ImageRef::parse(&format!("{full}{suffix}"))
            .map_err(|e| anyhow::anyhow!("short-name alias {short:?} = {full:?}: {e:#}"))?;
        return Ok((vec![r], Resolution::Alias(full.clone())));
    }
    if sn.search.is_empty() {
        return Ok((vec![plain], Resolution::Docker));
    }
    if sn.mode == ShortNameMode::Enforcing && sn.search.len() > 1 {
        bail!(
            "short name {name:?} is ambiguous: short-name-mode is \"enforcing\" and registries.conf lists several unqualified-search-registries ({}); berth never prompts: use a fully-qualified name or add an [aliases] entry",
            sn.search.join(", ")
        );
    }
    let refs = sn
        .search
        .iter()
        .map(|reg| ImageRef::parse(&format!("{}/{name}", reg.trim_end_matches('/'))))
        .collect::<Result<Vec<_>>>()?;
    Ok((refs, Resolution::Search))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(cfg: &Config, name: &str) -> Vec<String> {
        candidates(cfg, name)
            .unwrap()
            .0
            .iter()
            .map(|r| r.full())
            .collect()
    }

    #[test]
    fn docker_and_familiar_names_are_each_others_inverse_for_docker_hub() {
        assert_eq!(
            docker_name("busybox:1").unwrap(),
            "docker.io/library/busybox"
        );
        assert_eq!(familiar_name("docker.io/library/busybox"), "busybox");
        assert_eq!(familiar_name("docker.io/user/app"), "user/app");
        assert_eq!(familiar_name("quay.io/org/app"), "quay.io/org/app");
    }

    #[test]
    fn without_registries_conf_rules_short_names_mean_docker_hub() {
        let cfg = Config::default();
        assert_eq!(full(&cfg, "busybox"), ["docker.io/library/busybox:latest"]);
        assert_eq!(full(&cfg, "user/app:1"), ["docker.io/user/app:1"]);
    }

    #[test]
    fn aliases_keep_the_tag_or_digest_and_never_touch_qualified_names() {
        let mut cfg = Config::default();
        cfg.short_names
            .aliases
            .insert("busybox".into(), "quay.io/org/busybox".into());
        cfg.short_names.search = vec!["registry.example".into()];
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(full(&cfg, "busybox"), ["quay.io/org/busybox:latest"]);
        assert_eq!(full(&cfg, "busybox:1.36"), ["quay.io/org/busybox:1.36"]);
        assert_eq!(
            full(&cfg, &format!("busybox@{d}")),
            [format!("quay.io/org/busybox@{d}")]
        );
        assert_eq!(
            full(&cfg, "docker.io/busybox"),
            ["docker.io/library/busybox:latest"]
        );
        assert_eq!(
            full(&cfg, "localhost:5000/busybox"),
            ["localhost:5000/busybox:latest"]
        );
        assert_eq!(
            candidates(&cfg, "busybox").unwrap().1,
            Resolution::Alias("quay.io/org/busybox".into())
        );
    }

    #[test]
    fn search_registries_are_tried_in_order_and_enforcing_never_guesses() {
        let mut cfg = Config::default();
        cfg.short_names.search = vec!["registry.example:5000".into(), "docker.io".into()];
        assert_eq!(
            full(&cfg, "app:v1"),
            ["registry.example:5000/app:v1", "docker.io/library/app:v1"]
        );
        cfg.short_names.mode = ShortNameMode::Enforcing;
        let e = candidates(&cfg, "app").unwrap_err().to_string();
        assert!(
            e.contains("ambiguous") && e.contains("never prompts"),
            "{e}"
        );
        cfg.short_names.search.truncate(1);
        assert_eq!(full(&cfg, "app"), ["registry.example:5000/app:latest"]);
    }
}

//! The executor's variable scope: build args declared in the stage (and the global ones re-declared),
//! the stage's ENV, and the expansion of words where docker expands them. BuildKit's rule: of an ENV
//! and an ARG of the same name, the one set later wins (an ENV after the ARG, the common case, wins);
//! a build arg reaches RUN's environment but never the image config.

use anyhow::Result;
use std::collections::BTreeMap;

/// docker's predefined build args: usable without an `ARG` line, never in the image or its history.
pub const PROXY_ARGS: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The names and values substitution sees in one stage at one instruction.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Declared ARGs with their values (in declaration order kept by the Vec).
    pub args: Vec<(String, String)>,
    /// The stage's Env as `K=V`.
    pub env: Vec<String>,
    /// ARGs declared after the Env entry of the same name was set (by the base image or an ENV):
    /// BuildKit adds an ARG's value to the step environment, so the later of the two wins, in
    /// substitution and in RUN, until an ENV sets the name again. The image config keeps the ENV.
    pub arg_over_env: std::collections::BTreeSet<String>,
}

impl Scope {
    pub fn lookup(&self, name: &str) -> Option<String> {
        if self.arg_over_env.contains(name)
            && let Some((_, v)) = self.args.iter().rev().find(|(k, _)| k == name)
        {
            return Some(v.clone());
        }
        for kv in self.env.iter().rev() {
            if let Some((k, v)) = kv.split_once('=')
                && k == name
            {
                return Some(v.to_string());
            }
        }
        self.args
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    pub fn set_arg(&mut self, name: &str, value: String) {
        self.args.retain(|(k, _)| k != name);
        self.args.push((name.to_string(), value));
    }

    /// `word` expanded as docker expands it (buildfe's `subst::expand_word`), in BuildKit's words on
    /// failure.
    pub fn expand(&self, word: &str, escape: char) -> Result<String> {
        let lookup = |n: &str| self.lookup(n);
        super::subst::expand_word(word, escape, &lookup)
            .map_err(|e| anyhow::anyhow!("failed to process {:?}: {}", e.word, e.message))
    }

    /// The build args a RUN sees in its environment (not shadowed by ENV), `K=V`.
    pub fn run_args(&self) -> Vec<String> {
        self.args
            .iter()
            .filter(|(k, _)| {
                self.arg_over_env.contains(k)
                    || !self
                        .env
                        .iter()
                        .any(|e| e.split_once('=').map_or(e.as_str(), |(n, _)| n) == k)
            })
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }
}

/// BuildKit's automatic platform args (`TARGETARCH`, `BUILDPLATFORM`, ...): set in the global scope
/// (FROM lines see them), and a stage sees one once it declares it (`ARG TARGETARCH`). berth builds
/// for the host only, so build and target are the host's platform, formatted as BuildKit does
/// (arm64's implied v8 variant left out).
pub fn platform_args() -> Vec<(String, String)> {
    let p = crate::image::manifest::Platform::host();
    let variant = match (p.architecture.as_str(), p.variant.as_deref()) {
        ("arm64", Some("v8")) | (_, None) => String::new(),
        (_, Some(v)) => v.to_string(),
    };
    let platform = if variant.is_empty() {
        format!("{}/{}", p.os, p.architecture)
    } else {
        format!("{}/{}/{variant}", p.os, p.architecture)
    };
    let mut out = Vec::new();
    for side in ["BUILD", "TARGET"] {
        out.push((format!("{side}PLATFORM"), platform.clone()));
        out.push((format!("{side}OS"), p.os.clone()));
        out.push((format!("{side}ARCH"), p.architecture.clone()));
        out.push((format!("{side}VARIANT"), variant.clone()));
    }
    out
}

/// Effective build-arg values: `--build-arg` wins over the declared default.
pub fn arg_value(
    name: &str,
    default: Option<&str>,
    given: &BTreeMap<String, String>,
) -> Option<String> {
    given
        .get(name)
        .cloned()
        .or_else(|| default.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_wins_over_arg_and_modifiers_follow_docker() {
        let mut s = Scope::default();
        s.set_arg("A", "arg".into());
        s.set_arg("B", "b".into());
        s.env.push("A=env".into());
        assert_eq!(s.lookup("A").as_deref(), Some("env"));
        assert_eq!(s.expand("${B}-${C:-d}", '\\').unwrap(), "b-d");
        assert_eq!(s.run_args(), vec!["B=b"]);
        // An ARG declared after the ENV wins until the next ENV of the name.
        s.arg_over_env.insert("A".into());
        assert_eq!(s.lookup("A").as_deref(), Some("arg"));
        assert_eq!(s.run_args(), vec!["A=arg", "B=b"]);
    }

    #[test]
    fn platform_args_name_the_host_as_buildkit_formats_it() {
        let args: BTreeMap<String, String> = platform_args().into_iter().collect();
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            other => other,
        };
        assert_eq!(args["TARGETARCH"], arch);
        assert_eq!(args["BUILDARCH"], arch);
        assert_eq!(args["TARGETOS"], "linux");
        if arch != "arm" {
            assert_eq!(args["TARGETPLATFORM"], format!("linux/{arch}"));
            assert_eq!(args["TARGETVARIANT"], "");
        }
        assert_eq!(args["BUILDPLATFORM"], args["TARGETPLATFORM"]);
        assert_eq!(args.len(), 8);
    }
}

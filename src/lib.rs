//! berth: a daemonless, docker-compatible container engine in one binary.
//!
//! Module map and dependency rules: see ARCHITECTURE.md in the shared docs and `docs/layout.md`.
//! `cli -> engine -> {registry, image, spec, state, store, network}`; `monitor -> runtime, state, store, network`;
//! `runtime` depends on oci_spec, nix and its own files only; `types` (plain records) on nothing in berth.

pub mod cli;
pub mod config;
pub mod engine;
pub mod image;
pub mod monitor;
pub mod network;
pub mod registry;
pub mod runtime;
pub mod spec;
pub mod state;
pub mod store;
pub mod types;

/// The module map's rules that a source scan can check: a module named on the left must not name the
/// modules on the right (outside comments). Fails with the file and line that breaks a rule.
#[cfg(test)]
mod import_rules {
    use std::path::Path;

    const RULES: &[(&str, &[&str])] = &[
        // Plain records depend on nothing else in berth.
        (
            "types",
            &[
                "crate::cli",
                "crate::config",
                "crate::engine",
                "crate::image",
                "crate::monitor",
                "crate::network",
                "crate::registry",
                "crate::runtime",
                "crate::spec",
                "crate::state",
                "crate::store",
            ],
        ),
        // The spec builder reads records, not the network, config or monitor.
        (
            "spec",
            &[
                "crate::network",
                "crate::config",
                "crate::monitor",
                "crate::engine",
                "crate::cli",
            ],
        ),
        // State persists records; it does not build specs.
        ("state", &["crate::spec", "crate::engine", "crate::cli"]),
        // engine::pod calls the container verbs, never the reverse (pod hooks: container/pod_member.rs).
        ("engine/container", &["crate::engine::pod"]),
        // The cli talks to the engine (and the records), not past it.
        (
            "cli",
            &[
                "crate::state",
                "crate::store",
                "crate::spec",
                "crate::runtime",
            ],
        ),
    ];

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn modules_import_only_what_the_map_allows() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut broken = Vec::new();
        for (module, forbidden) in RULES {
            let mut files = Vec::new();
            let dir = src.join(module);
            rust_files(&dir, &mut files);
            let single = dir.with_extension("rs");
            if single.is_file() {
                files.push(single);
            }
            assert!(!files.is_empty(), "no source for module {module}");
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    for bad in *forbidden {
                        if code.contains(bad) {
                            broken.push(format!("{}:{}: {bad}", f.display(), n + 1));
                        }
                    }
                }
            }
        }
        assert!(
            broken.is_empty(),
            "imports the module map forbids:\n{}",
            broken.join("\n")
        );
    }
}

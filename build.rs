//! Build facts for `berth version`: the git commit, the build time and the compiler version.
//! Reruns only when HEAD moves, so ordinary rebuilds stay incremental.

use std::process::Command;

fn main() {
    let out = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    if let Some(commit) = out("git", &["rev-parse", "--short=7", "HEAD"]) {
        println!("cargo:rustc-env=BERTH_GIT_COMMIT={commit}");
    }
    // Docker prints the build time as Go's time.Time.String() in UnixDate form; RFC 3339 reads the same in scripts.
    if let Some(built) = out("date", &["-u", "+%a %b %e %H:%M:%S %Y"]) {
        println!("cargo:rustc-env=BERTH_BUILD_TIME={built}");
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    if let Some(v) = out(&rustc, &["--version"]) {
        println!("cargo:rustc-env=BERTH_RUSTC_VERSION={v}");
    }
    // A path that does not exist would make cargo rerun this script on every build (worktrees have a .git file).
    println!("cargo:rerun-if-changed=build.rs");
    for p in [".git/HEAD", ".git/refs/heads"] {
        if std::path::Path::new(p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
}

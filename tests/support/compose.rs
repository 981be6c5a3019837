//! Compose projects in a test world: a project directory with its files, and `berth compose` run in it
//! (the set-up every compose test starts with).

use super::{Outcome, TestEnv};
use std::path::{Path, PathBuf};

/// `berth compose <args>` in `dir` (the project directory).
pub fn compose(env: &TestEnv, dir: &Path, args: &[&str]) -> Outcome {
    let mut c = env.berth();
    c.current_dir(dir).arg("compose").args(args);
    Outcome::of(&mut c)
}

/// The directory `name` of the world with `files` (path in it, content) written: a project directory.
pub fn project_dir(env: &TestEnv, name: &str, files: &[(&str, &str)]) -> PathBuf {
    for (f, text) in files {
        env.write_file(&format!("{name}/{f}"), text);
    }
    env.dir().join(name)
}

/// [`project_dir`] with one file, `compose.yaml`.
pub fn project_yaml(env: &TestEnv, name: &str, yaml: &str) -> PathBuf {
    project_dir(env, name, &[("compose.yaml", yaml)])
}

/// `compose -p <project> down` in `dir`, asserted, after which the world has no container left.
#[track_caller]
pub fn down_leaves_nothing(env: &TestEnv, dir: &Path, project: &str) {
    compose(env, dir, &["-p", project, "down"]).assert_ok();
    assert_eq!(env.run(["ps", "-a", "-q"]).stdout(), "");
}

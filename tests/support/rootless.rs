//! The unprivileged test user `berthtest`: created on first use (as root), with subordinate id ranges for
//! newuidmap/newgidmap, a home, and /run/user/<uid>. Commands run as it through `setpriv`.
//!
//! Depends on nothing in berth. Invariant: creation is idempotent and safe when several test processes race
//! (useradd failing because the user appeared meanwhile is fine); the real users' files are never changed,
//! only /etc/passwd, /etc/group, /etc/subuid, /etc/subgid gain the `berthtest` entries.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Name of the unprivileged user the rootless tests run as.
pub const USER: &str = "berthtest";
/// First subordinate uid/gid given to [`USER`] when it has none (65536 ids, as useradd gives).
pub const SUBID_START: u32 = 200000;
pub const SUBID_COUNT: u32 = 65536;

/// An unprivileged account.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
}

impl User {
    /// /run/user/<uid>, created 0700 and owned by the user.
    pub fn runtime_dir(&self) -> PathBuf {
        PathBuf::from(format!("/run/user/{}", self.uid))
    }

    /// A command running `program` as this user (`setpriv --reuid --regid --init-groups`), with a clean env
    /// that has HOME, USER, PATH and XDG_RUNTIME_DIR.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("setpriv");
        c.arg(format!("--reuid={}", self.uid))
            .arg(format!("--regid={}", self.gid))
            .arg("--init-groups")
            .arg("--")
            .arg(program);
        c.env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &self.home)
            .env("USER", &self.name)
            .env("LOGNAME", &self.name)
            .env("XDG_RUNTIME_DIR", self.runtime_dir())
            .current_dir(&self.home);
        c
    }
}

fn lookup(name: &str) -> Option<User> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() < 7 || f[0] != name {
            return None;
        }
        Some(User {
            name: name.to_string(),
            uid: f[2].parse().ok()?,
            gid: f[3].parse().ok()?,
            home: PathBuf::from(f[5]),
        })
    })
}

fn has_subids(file: &str, name: &str, uid: u32) -> bool {
    fs::read_to_string(file)
        .map(|s| {
            s.lines().any(|l| {
                let owner = l.split(':').next().unwrap_or("");
                owner == name || owner == uid.to_string()
            })
        })
        .unwrap_or(false)
}

/// Make sure [`USER`] exists with subuid/subgid ranges, a home and a runtime dir; return it.
/// Panics with the reason when that is impossible (not root, no useradd), because in CI nothing may skip.
pub fn ensure_user() -> User {
    static CELL: OnceLock<User> = OnceLock::new();
    CELL.get_or_init(|| {
        assert!(
            nix::unistd::geteuid().is_root(),
            "rootless tests create the user {USER} and need root to do so (run the suite as root, as CI does)"
        );
        if lookup(USER).is_none() {
            // Debian's useradd also adds /etc/subuid and /etc/subgid ranges when those files exist.
            let out = Command::new("useradd")
                .args(["--create-home", "--user-group", "--shell", "/bin/sh", USER])
                .output()
                .expect("running useradd (package passwd)");
            if !out.status.success() && lookup(USER).is_none() {
                panic!("useradd {USER} failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
        let user = lookup(USER).expect("test user exists after useradd");
        let range = format!("{}-{}", SUBID_START, SUBID_START + SUBID_COUNT - 1);
        if !has_subids("/etc/subuid", USER, user.uid) {
            let st = Command::new("usermod").args(["--add-subuids", &range, USER]).status().expect("running usermod");
            assert!(st.success() || has_subids("/etc/subuid", USER, user.uid), "adding subuids for {USER}");
        }
        if !has_subids("/etc/subgid", USER, user.uid) {
            let st = Command::new("usermod").args(["--add-subgids", &range, USER]).status().expect("running usermod");
            assert!(st.success() || has_subids("/etc/subgid", USER, user.uid), "adding subgids for {USER}");
        }
        fs::create_dir_all(&user.home).expect("creating test user's home");
        chown(&user.home, &user);
        let run = user.runtime_dir();
        fs::create_dir_all(&run).expect("creating /run/user/<uid>");
        fs::set_permissions(&run, fs::Permissions::from_mode(0o700)).expect("chmod runtime dir");
        chown(&run, &user);
        // slirp4netns and pasta open /dev/net/tun in the user's namespace; it is 0600 on these machines.
        if let Ok(m) = fs::metadata("/dev/net/tun")
            && m.mode() & 0o006 != 0o006
        {
            let _ = fs::set_permissions("/dev/net/tun", fs::Permissions::from_mode(0o666));
        }
        // fuse-overlayfs (storage.rootless_overlay = "fuse") opens /dev/fuse inside the user namespace; Debian's
        // udev rules make it 0666, these machines have no udev and leave it 0600.
        if let Ok(m) = fs::metadata("/dev/fuse")
            && m.mode() & 0o006 != 0o006
        {
            let _ = fs::set_permissions("/dev/fuse", fs::Permissions::from_mode(0o666));
        }
        user
    })
    .clone()
}

fn chown(p: &Path, u: &User) {
    std::os::unix::fs::lchown(p, Some(u.uid), Some(u.gid))
        .unwrap_or_else(|e| panic!("chown {} to {}: {e}", p.display(), u.name));
}

/// Give `path` and everything below it (symlinks not followed) to `u`.
pub fn chown_tree(path: &Path, u: &User) {
    chown(path, u);
    if fs::symlink_metadata(path)
        .map(|m| m.is_dir())
        .unwrap_or(false)
    {
        for e in fs::read_dir(path).expect("reading dir to chown").flatten() {
            chown_tree(&e.path(), u);
        }
    }
}

/// True when every directory above `p` can be searched by others and `p` can be executed by others.
fn others_can_exec(p: &Path) -> bool {
    p.ancestors().all(|a| {
        a.as_os_str().is_empty()
            || fs::metadata(a)
                .map(|m| m.mode() & 0o001 != 0)
                .unwrap_or(false)
    })
}

/// A path of the berth binary that `u` can execute: the build output itself when its directories are
/// world-searchable, else a copy in a root-owned 0755 dir under the temp base (refreshed when the build changes).
pub fn reachable_bin(_u: &User) -> PathBuf {
    static CELL: OnceLock<PathBuf> = OnceLock::new();
    CELL.get_or_init(|| {
        let bin = super::berth_bin();
        if others_can_exec(&bin) {
            return bin;
        }
        let dir = PathBuf::from("/tmp").join(format!("berth-test-bin-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("creating dir for berth copy");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod bin copy dir");
        let copy = dir.join("berth");
        fs::copy(&bin, &copy).expect("copying berth for the test user");
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).expect("chmod berth copy");
        copy
    })
    .clone()
}

#[test]
fn support_rootless_user_runs_commands_as_itself() {
    let u = ensure_user();
    let out = super::must_run(u.command("id").arg("-u"));
    assert_eq!(out.stdout.trim(), u.uid.to_string());
    assert!(has_subids("/etc/subuid", USER, u.uid) && has_subids("/etc/subgid", USER, u.uid));
    let out = super::must_run(u.command(reachable_bin(&u)).arg("--help"));
    assert!(
        out.stdout.contains("Usage"),
        "berth --help as {USER}: {}",
        out.stdout
    );
}

#[test]
fn support_rootless_env_runs_berth_as_the_test_user() {
    let env = super::TestEnv::rootless();
    let u = env.user().expect("rootless env has a user").clone();
    assert_eq!(fs::metadata(env.root()).expect("root dir").uid(), u.uid);
    env.run(["version"]).assert_ok();
    // The command really runs unprivileged: the same wrapper runs `id -u` as the user.
    let id = env.berth();
    let args: Vec<_> = id.get_args().map(|a| a.to_owned()).collect();
    let setpriv_part = &args[..args.iter().position(|a| a == "--").expect("setpriv --") + 1];
    let out = super::must_run(
        Command::new("setpriv")
            .args(setpriv_part)
            .arg("id")
            .arg("-u"),
    );
    assert_eq!(out.stdout.trim(), u.uid.to_string());
}

#[test]
fn support_env_isolates_home_and_store() {
    let env = super::TestEnv::new();
    let cmd = env.berth();
    let envs: std::collections::HashMap<_, _> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_string_lossy().into_owned(), PathBuf::from(v?))))
        .collect();
    for k in [
        "HOME",
        "DOCKER_CONFIG",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_RUNTIME_DIR",
    ] {
        assert!(
            envs[k].starts_with(env.dir()),
            "{k} = {} escapes the test dir",
            envs[k].display()
        );
    }
    env.run(["version"]).assert_ok().assert_stdout_has("berth");
}

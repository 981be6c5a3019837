//! Resolving `-u`/image `User` to uid, gid and supplementary groups from the container's OWN
//! /etc/passwd and /etc/group, parsed here (never NSS, never the host's files).
//!
//! Rules (docs/security.md 1D D1/D2, 1I I3/I4): an all-digit user is always a uid and is never looked up as a
//! name; ids must be below 2^32-1; the files are read inside the image's layers only (no symlink can lead
//! out), must be regular files, and are capped in size. Pure apart from reading the layer files.

use anyhow::{Context, Result, bail};
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// /etc/passwd and /etc/group larger than this are refused (a hostile image could make them huge).
pub const MAX_DB_SIZE: u64 = 4 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedUser {
    pub uid: u32,
    pub gid: u32,
    pub additional_gids: Vec<u32>,
    /// The home directory from passwd, for HOME (docker sets HOME from it, "/" otherwise).
    pub home: String,
}

/// Reads a file of the container's root filesystem. The rootfs is an overlay of layer dirs, not mounted
/// yet when the spec is built, so files are found by walking the layers from the top.
pub trait RootReader {
    /// The content of `path` (absolute inside the container), `None` when it does not exist.
    fn read(&self, path: &str, max: u64) -> Result<Option<Vec<u8>>>;
}

/// A rootfs made of overlay layers, highest (the container's upper dir) first.
pub struct LayeredRoot {
    pub layers: Vec<PathBuf>,
}

impl RootReader for LayeredRoot {
    fn read(&self, path: &str, max: u64) -> Result<Option<Vec<u8>>> {
        let rel: Vec<&str> = path
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        if rel.contains(&"..") {
            bail!("path {path} leaves the container root");
        }
        'layers: for layer in &self.layers {
            // Walk component by component with lstat: a symlink or a whiteout anywhere on the way ends the
            // search in this layer (a symlink is never followed out of the root; following it inside the
            // union is not needed for /etc/passwd and /etc/group).
            let mut cur = layer.clone();
            for (i, comp) in rel.iter().enumerate() {
                let parent = cur.clone();
                if parent
                    .join(format!(".wh.{comp}"))
                    .symlink_metadata()
                    .is_ok()
                {
                    return Ok(None);
                }
                cur.push(comp);
                let md = match cur.symlink_metadata() {
                    Ok(m) => m,
                    Err(_) => {
                        if is_opaque(&parent) {
                            return Ok(None);
                        }
                        continue 'layers;
                    }
                };
                let ft = md.file_type();
                if ft.is_char_device() && md.rdev() == 0 {
                    return Ok(None); // overlay whiteout
                }
                let last = i + 1 == rel.len();
                if !last && !ft.is_dir() {
                    return Ok(None);
                }
                if last {
                    if !ft.is_file() {
                        bail!("{path} in the image is not a regular file");
                    }
                    if md.len() > max {
                        bail!("{path} in the image is larger than {max} bytes");
                    }
                    return read_nofollow(&cur, max).map(Some);
                }
            }
        }
        Ok(None)
    }
}

fn is_opaque(dir: &Path) -> bool {
    if dir.join(".wh..wh..opq").symlink_metadata().is_ok() {
        return true;
    }
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    let mut buf = [0u8; 4];
    for name in [c"trusted.overlay.opaque", c"user.overlay.opaque"] {
        // SAFETY: c and name are NUL-terminated; buf is valid for 4 bytes and its length is passed.
        let n = unsafe {
            libc::lgetxattr(
                c.as_ptr(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        if n == 1 && buf[0] == b'y' {
            return true;
        }
    }
    false
}

fn read_nofollow(p: &Path, max: u64) -> Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(p)
        .with_context(|| format!("opening {}", p.display()))?;
    let md = f
        .metadata()
        .with_context(|| format!("reading metadata of {}", p.display()))?;
    if !md.is_file() {
        bail!("{} is not a regular file", p.display());
    }
    let mut out = Vec::new();
    File::take(f, max + 1)
        .read_to_end(&mut out)
        .with_context(|| format!("reading {}", p.display()))?;
    if out.len() as u64 > max {
        bail!("{} is larger than {max} bytes", p.display());
    }
    Ok(out)
}

struct PasswdEntry {
    name: String,
    uid: u32,
    gid: u32,
    home: String,
}

struct GroupEntry {
    name: String,
    gid: u32,
    members: Vec<String>,
}

fn parse_passwd(data: &[u8]) -> Vec<PasswdEntry> {
    String::from_utf8_lossy(data)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 7 {
                return None;
            }
            Some(PasswdEntry {
                name: f[0].to_string(),
                uid: parse_id(f[2]).ok()?,
                gid: parse_id(f[3]).ok()?,
                home: f[5].to_string(),
            })
        })
        .collect()
}

fn parse_group(data: &[u8]) -> Vec<GroupEntry> {
    String::from_utf8_lossy(data)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 4 {
                return None;
            }
            Some(GroupEntry {
                name: f[0].to_string(),
                gid: parse_id(f[2]).ok()?,
                members: f[3]
                    .split(',')
                    .filter(|m| !m.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// An id as docker accepts it: decimal digits only, below 2^32-1 (u32::MAX is "no id", CVE-2024-40635).
fn parse_id(s: &str) -> Result<u32> {
    if !is_numeric(s) {
        bail!("invalid id {s:?}");
    }
    match s.parse::<u64>() {
        Ok(v) if v < u32::MAX as u64 => Ok(v as u32),
        _ => bail!("id {s} is out of range"),
    }
}

/// `--group-add`: each entry a gid (digits) or a group name from the container's /etc/group, as docker.
pub fn resolve_groups(root: &dyn RootReader, names: &[String]) -> Result<Vec<u32>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let groups = parse_group(&root.read("/etc/group", MAX_DB_SIZE)?.unwrap_or_default());
    names
        .iter()
        .map(|g| {
            if is_numeric(g) {
                parse_id(g).with_context(|| format!("invalid group {g:?}"))
            } else {
                match groups.iter().find(|e| e.name == *g) {
                    Some(e) => Ok(e.gid),
                    None => bail!("Unable to find group {g}: no matching entries in group file"),
                }
            }
        })
        .collect()
}

/// Resolve `spec` (`""`, `user`, `uid`, `user:group`, `uid:gid`, ...) against the container's root.
pub fn resolve_user(root: &dyn RootReader, spec: &str) -> Result<ResolvedUser> {
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    if group == Some("") {
        bail!("invalid user {spec:?}: empty group");
    }
    if user.starts_with('-') || group.is_some_and(|g| g.starts_with('-')) {
        bail!("invalid user {spec:?}");
    }
    let passwd = parse_passwd(&root.read("/etc/passwd", MAX_DB_SIZE)?.unwrap_or_default());
    let groups = parse_group(&root.read("/etc/group", MAX_DB_SIZE)?.unwrap_or_default());

    let user = if user.is_empty() { "0" } else { user };
    // An all-digit user is a uid, never a name (CVE-2016-3697, CVE-2026-46680).
    let (uid, mut gid, home, name) = if is_numeric(user) {
        let uid = parse_id(user).with_context(|| format!("invalid user {spec:?}"))?;
        match passwd.iter().find(|p| p.uid == uid) {
            Some(p) => (uid, p.gid, p.home.clone(), Some(p.name.clone())),
            None => (uid, 0, "/".to_string(), None),
        }
    } else {
        match passwd.iter().find(|p| p.name == user) {
            Some(p) => (p.uid, p.gid, p.home.clone(), Some(p.name.clone())),
            None => bail!("unable to find user {user}: no matching entries in passwd file"),
        }
    };
    let mut additional = Vec::new();
    if let Some(g) = group {
        gid = if is_numeric(g) {
            parse_id(g).with_context(|| format!("invalid group in {spec:?}"))?
        } else {
            match groups.iter().find(|e| e.name == g) {
                Some(e) => e.gid,
                None => bail!("unable to find group {g}: no matching entries in group file"),
            }
        };
    } else if let Some(name) = &name {
        // Supplementary groups apply only when no group was given explicitly (docker/runc behaviour;
        // CVE-2023-25173: they must be applied).
        for e in &groups {
            if e.members.iter().any(|m| m == name) && e.gid != gid && !additional.contains(&e.gid) {
                additional.push(e.gid);
            }
        }
    }
    Ok(ResolvedUser {
        uid,
        gid,
        additional_gids: additional,
        home,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn root_with(passwd: &str, group: &str) -> (tempfile::TempDir, LayeredRoot) {
        let d = tempfile::tempdir().unwrap();
        let lower = d.path().join("lower");
        fs::create_dir_all(lower.join("etc")).unwrap();
        fs::write(lower.join("etc/passwd"), passwd).unwrap();
        fs::write(lower.join("etc/group"), group).unwrap();
        let upper = d.path().join("upper");
        fs::create_dir_all(&upper).unwrap();
        let r = LayeredRoot {
            layers: vec![upper, lower],
        };
        (d, r)
    }

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n\
        2147483648:x:0:0::/:/bin/sh\n4294967296:x:0:0::/:/bin/sh\n1:x:0:0::/:/bin/sh\n";
    const GROUP: &str = "root:x:0:\napp:x:1000:\nblocked:x:2000:app,other\nwheel:x:10:app\n";

    #[test]
    fn group_add_takes_names_from_the_image_and_gids_as_given() {
        let (_d, r) = root_with(PASSWD, GROUP);
        let names = ["wheel".to_string(), "4321".to_string()];
        assert_eq!(resolve_groups(&r, &names).unwrap(), vec![10, 4321]);
        crate::testing::assert_err(
            resolve_groups(&r, &["nope".to_string()]),
            "Unable to find group nope: no matching entries in group file",
        );
    }

    #[test]
    fn numeric_user_is_always_a_uid_never_a_name() {
        let (_d, r) = root_with(PASSWD, GROUP);
        // "1" is a name in this passwd that maps to uid 0: it must still mean uid 1.
        assert_eq!(resolve_user(&r, "1").unwrap().uid, 1);
        assert!(resolve_user(&r, "2147483648").unwrap().uid == 2147483648);
        crate::testing::assert_err(
            resolve_user(&r, "4294967295"),
            "id 4294967295 is out of range",
        );
        crate::testing::assert_err(
            resolve_user(&r, "4294967296"),
            "id 4294967296 is out of range",
        );
        crate::testing::assert_err(resolve_user(&r, "-1"), "invalid user \"-1\"");
        crate::testing::assert_err(resolve_user(&r, "1:-1"), "invalid user \"1:-1\"");
        crate::testing::assert_err(resolve_user(&r, "1a"), "unable to find user 1a");
        crate::testing::assert_err(resolve_user(&r, "1:"), "invalid user \"1:\": empty group");
    }

    #[test]
    fn named_user_gets_primary_and_supplementary_groups() {
        let (_d, r) = root_with(PASSWD, GROUP);
        let u = resolve_user(&r, "app").unwrap();
        assert_eq!((u.uid, u.gid, u.home.as_str()), (1000, 1000, "/home/app"));
        assert_eq!(u.additional_gids, vec![2000, 10]);
        let u = resolve_user(&r, "app:wheel").unwrap();
        assert_eq!((u.uid, u.gid), (1000, 10));
        assert!(u.additional_gids.is_empty());
        let u = resolve_user(&r, "").unwrap();
        assert_eq!((u.uid, u.gid, u.home.as_str()), (0, 0, "/root"));
        assert_eq!(resolve_user(&r, "0:0").unwrap().uid, 0);
        crate::testing::assert_err(resolve_user(&r, "nobody"), "unable to find user nobody");
    }

    #[test]
    fn passwd_symlink_out_of_the_root_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let lower = d.path().join("lower");
        fs::create_dir_all(lower.join("etc")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", lower.join("etc/passwd")).unwrap();
        let r = LayeredRoot {
            layers: vec![lower],
        };
        crate::testing::assert_err(resolve_user(&r, "root"), "not a regular file");
    }

    #[test]
    fn whiteout_in_upper_layer_hides_lower_passwd() {
        let (d, r) = root_with(PASSWD, GROUP);
        fs::create_dir_all(d.path().join("upper/etc")).unwrap();
        fs::write(d.path().join("upper/etc/.wh.passwd"), "").unwrap();
        crate::testing::assert_err(resolve_user(&r, "app"), "unable to find user app");
        assert_eq!(resolve_user(&r, "1000").unwrap().gid, 0);
    }
}

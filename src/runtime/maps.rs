//! The uid/gid maps of a new user namespace: the spec's, or a rootless container's own (newuidmap and
//! newgidmap with the caller's /etc/subuid and /etc/subgid range when both exist, else one id).
//! Depends on oci_spec and std only; written by the caller for a stage or helper child.

use std::path::Path;

use anyhow::{Context, Result, bail};
use oci_spec::runtime::{LinuxIdMapping, Spec};

fn map_text(m: &[LinuxIdMapping]) -> String {
    m.iter()
        .map(|e| format!("{} {} {}\n", e.container_id(), e.host_id(), e.size()))
        .collect()
}

fn mapping(container: u32, host: u32, size: u32) -> LinuxIdMapping {
    oci_spec::runtime::LinuxIdMappingBuilder::default()
        .container_id(container)
        .host_id(host)
        .size(size)
        .build()
        .expect("id mapping with all fields")
}

/// The caller's user name, from the host's /etc/passwd (never NSS).
fn user_name(uid: u32) -> Option<String> {
    let pw = std::fs::read_to_string("/etc/passwd").ok()?;
    pw.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 2 && f[2].parse::<u32>().ok() == Some(uid)).then(|| f[0].to_string())
    })
}

/// The first /etc/subuid (or subgid) range of the user: (start, count).
fn subid_range(file: &str, name: Option<&str>, id: u32) -> Option<(u32, u32)> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.trim().split(':').collect();
        if f.len() != 3 || !(Some(f[0]) == name || f[0] == id.to_string()) {
            return None;
        }
        Some((f[1].parse().ok()?, f[2].parse().ok()?))
    })
}

/// Whether a launch of `spec` writes the default maps (its own for a rootless caller, the whole range for
/// root): the spec gives no uid and gid maps of its own.
pub(crate) fn default_maps(spec: &Spec) -> bool {
    let linux = spec.linux().as_ref();
    let given = |m: Option<&Vec<LinuxIdMapping>>| m.is_some_and(|m| !m.is_empty());
    !(given(linux.and_then(|l| l.uid_mappings().as_ref()))
        && given(linux.and_then(|l| l.gid_mappings().as_ref())))
}

/// Whether newuidmap and newgidmap are installed (the maps beyond the caller's own id need both).
fn helpers_present() -> bool {
    Path::new("/usr/bin/newuidmap").exists() && Path::new("/usr/bin/newgidmap").exists()
}

/// A rootless container's default maps: its user's /etc/subuid and /etc/subgid ranges above its own id
/// when both exist and the helpers to write them do, else its own id alone.
fn rootless_maps(uid: u32, gid: u32, helpers: bool) -> (Vec<LinuxIdMapping>, Vec<LinuxIdMapping>) {
    let name = user_name(uid);
    let su = subid_range("/etc/subuid", name.as_deref(), uid);
    let sg = subid_range("/etc/subgid", name.as_deref(), uid);
    match (su, sg, helpers) {
        (Some((us, uc)), Some((gs, gc)), true) => (
            vec![mapping(0, uid, 1), mapping(1, us, uc)],
            vec![mapping(0, gid, 1), mapping(1, gs, gc)],
        ),
        _ => (vec![mapping(0, uid, 1)], vec![mapping(0, gid, 1)]),
    }
}

/// Whether the user namespace of process `pid` has the maps [`write_maps`] gives a rootless container now
/// (/etc/subuid or /etc/subgid may have changed since it was made).
pub(crate) fn has_rootless_maps(pid: libc::pid_t) -> bool {
    // SAFETY: geteuid/getegid have no preconditions.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let helpers = helpers_present();
    let (umap, gmap) = rootless_maps(uid, gid, helpers);
    let same = |file: &str, want: &[LinuxIdMapping]| {
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/{file}")) else {
            return false;
        };
        let have: Vec<Vec<u32>> = text
            .lines()
            .map(|l| {
                l.split_whitespace()
                    .filter_map(|n| n.parse().ok())
                    .collect()
            })
            .collect();
        let want: Vec<Vec<u32>> = want
            .iter()
            .map(|m| vec![m.container_id(), m.host_id(), m.size()])
            .collect();
        have == want
    };
    same("uid_map", &umap) && same("gid_map", &gmap)
}

/// Writes the uid/gid maps of the stage child's new user namespace.
pub(crate) fn write_maps(pid: libc::pid_t, spec: &Spec, rootless: bool) -> Result<()> {
    // SAFETY: geteuid/getegid have no preconditions.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let linux = spec.linux().clone().unwrap_or_default();
    let helpers = helpers_present();
    let (umap, gmap) = match (linux.uid_mappings().clone(), linux.gid_mappings().clone()) {
        (Some(u), Some(g)) if !default_maps(spec) => (u, g),
        _ if !rootless => (vec![mapping(0, 0, u32::MAX)], vec![mapping(0, 0, u32::MAX)]),
        _ => rootless_maps(uid, gid, helpers),
    };
    let single_own =
        |m: &[LinuxIdMapping], own: u32| m.len() == 1 && m[0].host_id() == own && m[0].size() == 1;
    let direct = !rootless || (single_own(&umap, uid) && single_own(&gmap, gid));
    if direct {
        if rootless {
            // An unprivileged writer must deny setgroups before writing gid_map (user_namespaces(7)).
            std::fs::write(format!("/proc/{pid}/setgroups"), "deny")
                .context("writing setgroups deny")?;
        }
        std::fs::write(format!("/proc/{pid}/uid_map"), map_text(&umap))
            .context("writing uid_map")?;
        std::fs::write(format!("/proc/{pid}/gid_map"), map_text(&gmap))
            .context("writing gid_map")?;
        return Ok(());
    }
    // Both helpers at once: each is an exec of a setuid binary (~1.5 ms), and they write different files.
    let mut running = Vec::new();
    let mut spawn_error = None;
    for (tool, m) in [("/usr/bin/newuidmap", &umap), ("/usr/bin/newgidmap", &gmap)] {
        let mut args = vec![pid.to_string()];
        for e in m.iter() {
            args.extend([
                e.container_id().to_string(),
                e.host_id().to_string(),
                e.size().to_string(),
            ]);
        }
        let child = std::process::Command::new(tool)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn();
        match child {
            Ok(c) => running.push((tool, args, c)),
            Err(e) => {
                spawn_error = Some(anyhow::Error::new(e).context(format!("running {tool}")));
                break;
            }
        }
    }
    // Every helper started is waited for, also when another failed.
    let mut first_error = spawn_error;
    for (tool, args, child) in running {
        let failed = match child.wait_with_output() {
            Ok(out) if out.status.success() => continue,
            Ok(out) => anyhow::anyhow!(
                "{tool} {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => anyhow::Error::new(e).context(format!("running {tool}")),
        };
        first_error.get_or_insert(failed);
    }
    first_error.map_or(Ok(()), Err)
}

/// podman's `--userns=keep-id` maps for the caller: its uid and gid are the same ids inside the
/// container, every other id comes from its /etc/subuid and /etc/subgid range (0..id below it, the rest
/// above), written by newuidmap/newgidmap like [`write_maps`]'s default rootless maps.
pub(crate) fn keep_id_maps() -> Result<(Vec<LinuxIdMapping>, Vec<LinuxIdMapping>)> {
    // SAFETY: geteuid/getegid have no preconditions.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let name = user_name(uid);
    let who = name.clone().unwrap_or_else(|| uid.to_string());
    let helpers = helpers_present();
    if !helpers {
        bail!("keep-id needs newuidmap and newgidmap (the uidmap package)");
    }
    let one = |file: &str, own: u32| -> Result<Vec<LinuxIdMapping>> {
        let Some((start, count)) = subid_range(file, name.as_deref(), uid) else {
            bail!("keep-id needs a range for user {who} in {file}");
        };
        if count <= own {
            bail!("keep-id: the range of {who} in {file} ({count} ids) does not reach id {own}");
        }
        let mut m = Vec::new();
        if own > 0 {
            m.push(mapping(0, start, own));
        }
        // The caller's own id, the same on both sides.
        m.push(mapping(own, own, 1));
        m.push(mapping(own + 1, start + own, count - own));
        Ok(m)
    };
    Ok((one("/etc/subuid", uid)?, one("/etc/subgid", gid)?))
}

//! Volumes: named volumes under `<root>/volumes/<name>/_data`, anonymous volumes for image VOLUMEs and
//! `-v /path`, docker's copy-up of the image content at the mount point into a new volume, and the
//! `volume create/ls/inspect/rm/prune` verbs.
//!
//! Depends on spec types, state and store. Invariants (docs/security.md 1D D7, 1I): a volume's source is always
//! under our volumes dir; a mount target is absolute and has no `..`; copy-up reads only inside the image
//! layers and never follows a symlink.

use crate::spec::user::LayeredRoot;
use crate::spec::{ContainerConfig, ImageConfig, MountKind, MountRequest, ResolvedMount};
use crate::state::{self, Containers};
use crate::store::{self, Paths};
use crate::time::rfc3339_nano;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// `<root>/volumes/<name>/volume.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VolumeRecord {
    pub name: String,
    pub created_at: String,
    pub labels: BTreeMap<String, String>,
    pub anonymous: bool,
    /// `volume create -o` (the local driver's type, device, o), mounted at each container's start.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// A volume is in use by containers and cannot be removed.
#[derive(Debug, thiserror::Error)]
#[error("remove {name}: volume is in use - [{}]", users.join(", "))]
pub struct VolumeInUse {
    pub name: String,
    pub users: Vec<String>,
}

/// No volume by that name.
#[derive(Debug, thiserror::Error)]
#[error("get {0}: no such volume")]
pub struct NoSuchVolume(pub String);

fn volumes_dir(paths: &Paths) -> PathBuf {
    paths.volumes_dir()
}

fn data_dir(paths: &Paths, name: &str) -> PathBuf {
    volumes_dir(paths).join(name).join("_data")
}

fn validate_volume_name(name: &str) -> Result<()> {
    if state::validate_name(name).is_err() {
        bail!(
            "create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
        );
    }
    Ok(())
}

/// A mount target as docker accepts it: absolute, clean, no `..` (CVE-2022-23648).
pub fn validate_target(t: &str) -> Result<()> {
    let p = Path::new(t);
    if !p.is_absolute()
        || p.components().any(|c| matches!(c, Component::ParentDir))
        || t.starts_with("/proc/")
    {
        bail!("invalid mount path: '{t}' mount path must be absolute");
    }
    Ok(())
}

/// Create a volume; `Ok(false)` when it already existed.
pub fn create(
    paths: &Paths,
    name: &str,
    labels: BTreeMap<String, String>,
    anonymous: bool,
) -> Result<bool> {
    create_with_options(paths, name, labels, anonymous, BTreeMap::new())
}

/// The local driver's options, as docker's checks them (moby `volume/local` validateOpts): only
/// type, device and o; with any, type and device both.
fn check_options(o: &BTreeMap<String, String>) -> Result<()> {
    for k in o.keys() {
        if !matches!(k.as_str(), "type" | "device" | "o") {
            bail!("invalid option: {k:?}");
        }
    }
    if !o.is_empty() {
        for k in ["type", "device"] {
            if !o.contains_key(k) {
                bail!("missing required option: {k:?}");
            }
        }
    }
    Ok(())
}

/// The mount a volume with options gets (None for a plain one). A bind's device must exist, as the
/// local driver's mount finds (docker's error when it does not).
fn device_mount(paths: &Paths, rec: &VolumeRecord) -> Result<Option<crate::types::DeviceMount>> {
    let (Some(ty), Some(dev)) = (rec.options.get("type"), rec.options.get("device")) else {
        return Ok(None);
    };
    let options: Vec<String> = rec
        .options
        .get("o")
        .map(|o| {
            o.split(',')
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if options.iter().any(|o| o == "bind" || o == "rbind") && !Path::new(dev).exists() {
        bail!(
            "error while mounting volume '{}': failed to mount local volume: mount {dev}:{}, flags: 0x1000: no such file or directory",
            rec.name,
            data_dir(paths, &rec.name).display()
        );
    }
    Ok(Some(crate::types::DeviceMount {
        fs_type: ty.clone(),
        device: dev.clone(),
        options,
    }))
}

/// [`create`] with the local driver's `-o` options.
pub fn create_with_options(
    paths: &Paths,
    name: &str,
    labels: BTreeMap<String, String>,
    anonymous: bool,
    options: BTreeMap<String, String>,
) -> Result<bool> {
    validate_volume_name(name)?;
    check_options(&options)?;
    let dir = volumes_dir(paths).join(name);
    if dir.join("volume.json").exists() {
        return Ok(false);
    }
    store::create_private_dir(&volumes_dir(paths))?;
    fs::create_dir_all(dir.join("_data")).with_context(|| format!("creating volume {name}"))?;
    fs::set_permissions(dir.join("_data"), fs::Permissions::from_mode(0o755))
        .context("setting volume mode")?;
    let rec = VolumeRecord {
        name: name.into(),
        // docker's volume CreatedAt has whole seconds (`2026-11-25T19:32:35Z`).
        created_at: rfc3339_nano(SystemTime::now())
            .split('.')
            .next()
            .map(|s| format!("{s}Z"))
            .unwrap_or_default(),
        labels,
        anonymous,
        options,
    };
    store::write_atomic(
        &dir.join("volume.json"),
        &serde_json::to_vec_pretty(&rec).context("encoding volume")?,
    )?;
    super::events::emit(
        paths,
        super::events::Event::new("volume", "create", name).attr("driver", "local"),
    );
    Ok(true)
}

pub fn load(paths: &Paths, name: &str) -> Result<VolumeRecord> {
    let p = volumes_dir(paths).join(name).join("volume.json");
    if validate_volume_name(name).is_err() || !p.exists() {
        bail!(NoSuchVolume(name.into()));
    }
    serde_json::from_slice(&fs::read(&p).with_context(|| format!("reading {}", p.display()))?)
        .with_context(|| format!("parsing {}", p.display()))
}

pub fn list(paths: &Paths) -> Result<Vec<VolumeRecord>> {
    let mut out = Vec::new();
    let Ok(rd) = fs::read_dir(volumes_dir(paths)) else {
        return Ok(out);
    };
    for e in rd.flatten() {
        if let Ok(r) = load(paths, &e.file_name().to_string_lossy()) {
            out.push(r);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// docker's `volume inspect` JSON.
pub fn inspect(paths: &Paths, name: &str) -> Result<Value> {
    let r = load(paths, name)?;
    let mut labels = r.labels.clone();
    if r.anonymous {
        labels.insert("com.docker.volume.anonymous".into(), String::new());
    }
    Ok(json!({
        "CreatedAt": r.created_at,
        "Driver": "local",
        "Labels": labels,
        "Mountpoint": data_dir(paths, name),
        "Name": r.name,
        "Options": if r.options.is_empty() { Value::Null } else { json!(r.options) },
        "Scope": "local",
    }))
}

/// Ids of containers that use the volume.
pub fn users(paths: &Paths, name: &str) -> Result<Vec<String>> {
    let c = Containers::new(paths);
    let src = data_dir(paths, name).display().to_string();
    let mut out = Vec::new();
    for id in c.list_ids()? {
        if let Ok(r) = c.load_record(&id)
            && (r.anonymous_volumes.iter().any(|v| v == name)
                || r.mounts.iter().any(|m| m.source == src))
        {
            out.push(id);
        }
    }
    Ok(out)
}

pub fn remove(paths: &Paths, name: &str, force: bool) -> Result<()> {
    load(paths, name)?;
    let u = users(paths, name)?;
    if !u.is_empty() && !force {
        bail!(VolumeInUse {
            name: name.into(),
            users: u
        });
    }
    state::remove_dir_if_exists(&volumes_dir(paths).join(name))?;
    super::events::emit(
        paths,
        super::events::Event::new("volume", "destroy", name).attr("driver", "local"),
    );
    Ok(())
}

/// Remove unused volumes: anonymous ones only, or all with `all` (docker >= 23), that `filter` allows
/// (docker's volume prune has no `until`: the CLI refuses it).
pub fn prune(
    paths: &Paths,
    all: bool,
    filter: &super::system::PruneFilter,
) -> Result<super::Pruned<String>> {
    let mut removed = Vec::new();
    let mut bytes = 0;
    for v in list(paths)? {
        if (!all && !v.anonymous)
            || !filter.allows(&v.created_at, &v.labels)
            || !users(paths, &v.name)?.is_empty()
        {
            continue;
        }
        bytes += crate::store::dir_size(&volumes_dir(paths).join(&v.name));
        state::remove_dir_if_exists(&volumes_dir(paths).join(&v.name))?;
        super::events::emit(
            paths,
            super::events::Event::new("volume", "destroy", &v.name).attr("driver", "local"),
        );
        removed.push(v.name);
    }
    Ok(super::Pruned {
        removed,
        reclaimed_bytes: bytes,
    })
}

/// Resolve the user's mounts and the image's VOLUMEs into host sources. Returns the mounts and the
/// names of anonymous volumes created for this container.
pub fn resolve_mounts(
    paths: &Paths,
    opts: &ContainerConfig,
    image: &ImageConfig,
    root: &LayeredRoot,
) -> Result<(Vec<ResolvedMount>, Vec<String>)> {
    let mut out = Vec::new();
    let mut anonymous = Vec::new();
    let mut requests: Vec<MountRequest> = opts.mounts.clone();
    for v in &image.volumes {
        validate_target(v).with_context(|| format!("image volume {v:?}"))?;
        if !requests
            .iter()
            .any(|m| m.target.trim_end_matches('/') == v.trim_end_matches('/'))
        {
            requests.push(MountRequest {
                mode: None,
                kind: MountKind::Volume,
                source: String::new(),
                target: v.clone(),
                readonly: false,
                options: vec![],
            });
        }
    }
    for m in requests {
        validate_target(&m.target)?;
        match m.kind {
            MountKind::Bind => {
                let src = Path::new(&m.source);
                if !src.is_absolute() {
                    bail!(
                        "invalid mount config: bind source path must be absolute: {}",
                        m.source
                    );
                }
                if !src.exists() {
                    // docker's `-v /host:/ctr` creates a missing host directory.
                    fs::create_dir_all(src)
                        .with_context(|| format!("creating bind source {}", src.display()))?;
                }
                out.push(ResolvedMount {
                    mode: m.mode.clone(),
                    destination: m.target,
                    source: m.source,
                    kind: MountKind::Bind,
                    readonly: m.readonly,
                    options: m.options,
                    device_mount: None,
                });
            }
            MountKind::Volume => {
                let (name, anon) = if m.source.is_empty() {
                    (state::new_id()?, true)
                } else {
                    (m.source.clone(), false)
                };
                let fresh = create(paths, &name, BTreeMap::new(), anon)?;
                let device = device_mount(paths, &load(paths, &name)?)?;
                if anon {
                    anonymous.push(name.clone());
                }
                let data = data_dir(paths, &name);
                // A device-mounted volume shows its device's content, not a copy of the image's.
                if device.is_none()
                    && (fresh
                        || fs::read_dir(&data)
                            .map(|mut d| d.next().is_none())
                            .unwrap_or(false))
                {
                    if paths.rootless {
                        // Rootless layers carry subordinate ids (docs/layout.md "Images"): read and
                        // chown them as the container does.
                        crate::runtime::in_userns(
                            "copying the image's content into the volume",
                            || copy_up(root, &m.target, &data),
                        )?;
                    } else {
                        copy_up(root, &m.target, &data)?;
                    }
                }
                out.push(ResolvedMount {
                    mode: m.mode.clone(),
                    destination: m.target,
                    source: data.display().to_string(),
                    kind: MountKind::Volume,
                    readonly: m.readonly,
                    options: m.options,
                    device_mount: device,
                });
            }
            MountKind::Tmpfs => out.push(ResolvedMount {
                mode: m.mode.clone(),
                destination: m.target,
                source: "tmpfs".into(),
                kind: MountKind::Tmpfs,
                readonly: m.readonly,
                options: m.options,
                device_mount: None,
            }),
        }
    }
    Ok((out, anonymous))
}

/// docker's copy-up: a new volume starts with the image's content at the mount point. Layers are merged
/// lowest first; whiteouts delete; symlinks are copied as links and never followed.
fn copy_up(root: &LayeredRoot, target: &str, dest: &Path) -> Result<()> {
    let rel: PathBuf = Path::new(target)
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect();
    for layer in root.layers.iter().rev() {
        // Every component on the way must be a real directory in this layer.
        let mut cur = layer.clone();
        let mut ok = true;
        for c in rel.components() {
            cur.push(c);
            match fs::symlink_metadata(&cur) {
                Ok(m) if m.is_dir() => {}
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            merge_tree(&cur, dest)?;
        }
    }
    Ok(())
}

fn merge_tree(src: &Path, dst: &Path) -> Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let md = fs::symlink_metadata(src).with_context(|| format!("reading {}", src.display()))?;
    fs::set_permissions(dst, fs::Permissions::from_mode(md.mode() & 0o7777)).ok();
    let _ = std::os::unix::fs::lchown(dst, Some(md.uid()), Some(md.gid()));
    for e in fs::read_dir(src)
        .with_context(|| format!("reading {}", src.display()))?
        .flatten()
    {
        let name = e.file_name();
        let n = name.to_string_lossy();
        let sp = e.path();
        if n == ".wh..wh..opq" {
            continue;
        }
        if let Some(hidden) = n.strip_prefix(".wh.") {
            let _ = state::remove_dir_if_exists(&dst.join(hidden));
            let _ = fs::remove_file(dst.join(hidden));
            continue;
        }
        let dp = dst.join(&name);
        let m = fs::symlink_metadata(&sp).with_context(|| format!("reading {}", sp.display()))?;
        let ft = m.file_type();
        if ft.is_char_device() && m.rdev() == 0 {
            let _ = state::remove_dir_if_exists(&dp);
            let _ = fs::remove_file(&dp);
            continue;
        }
        if ft.is_dir() {
            if !fs::symlink_metadata(&dp)
                .map(|m| m.is_dir())
                .unwrap_or(false)
            {
                let _ = fs::remove_file(&dp);
                fs::create_dir(&dp).with_context(|| format!("creating {}", dp.display()))?;
            }
            merge_tree(&sp, &dp)?;
        } else if ft.is_symlink() {
            let _ = fs::remove_file(&dp);
            std::os::unix::fs::symlink(fs::read_link(&sp)?, &dp)
                .with_context(|| format!("linking {}", dp.display()))?;
            let _ = std::os::unix::fs::lchown(&dp, Some(m.uid()), Some(m.gid()));
        } else if ft.is_file() {
            let _ = fs::remove_file(&dp);
            fs::copy(&sp, &dp).with_context(|| format!("copying {}", sp.display()))?;
            let _ = std::os::unix::fs::lchown(&dp, Some(m.uid()), Some(m.gid()));
            fs::set_permissions(&dp, fs::Permissions::from_mode(m.mode() & 0o7777)).ok();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_volume_targets_are_rejected() {
        for t in ["relative", "/../../etc", "/proc/self/root/etc", "/a/../b"] {
            crate::testing::assert_err(validate_target(t), &format!("invalid mount path: '{t}'"));
        }
        validate_target("/data").unwrap();
    }

    #[test]
    fn copy_up_merges_layers_and_honours_whiteouts_without_following_links() {
        let d = tempfile::tempdir().unwrap();
        let (lower, upper, dest) = (
            d.path().join("l"),
            d.path().join("u"),
            d.path().join("dest"),
        );
        fs::create_dir_all(lower.join("data")).unwrap();
        fs::create_dir_all(upper.join("data")).unwrap();
        fs::create_dir_all(&dest).unwrap();
        fs::write(lower.join("data/a"), "a").unwrap();
        fs::write(lower.join("data/gone"), "x").unwrap();
        fs::write(upper.join("data/.wh.gone"), "").unwrap();
        fs::write(upper.join("data/b"), "b").unwrap();
        std::os::unix::fs::symlink("/etc/shadow", upper.join("data/link")).unwrap();
        let root = LayeredRoot {
            layers: vec![upper, lower],
        };
        copy_up(&root, "/data", &dest).unwrap();
        assert_eq!(fs::read_to_string(dest.join("a")).unwrap(), "a");
        assert_eq!(fs::read_to_string(dest.join("b")).unwrap(), "b");
        assert!(!dest.join("gone").exists());
        assert_eq!(
            fs::read_link(dest.join("link")).unwrap(),
            Path::new("/etc/shadow")
        );
    }
}

//! Container records and their status machine: `container.json` (written once), `state.json` (mutable),
//! the monitor's exit record, name reservation, id lookup, and `refresh()`.
//!
//! Depends on store only (no cli), plus `runtime::remove_in_userns` when a rootless removal is refused (the
//! runtime is the one place that knows the container's user namespace maps). Invariants: "running" means the recorded pid is alive AND
//! its start time (from /proc/PID/stat) matches the recorded one, so a recycled pid never reads as running
//! (docs/security.md 1J); every mutation happens under the container's lock; a name maps to at most one
//! container, enforced by O_EXCL creation under the names lock.

pub mod attach;
pub mod health;
pub mod image_users;
pub mod list;
pub mod pod;
mod trash;
mod unfinished;
pub use trash::Trash;
pub use unfinished::Creating;

use crate::store::{self, FileLock, Paths};
pub use crate::types::ContainerRecord;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Errors a caller branches on (docker wording and exit codes come from these).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("No such container: {0}")]
    NoSuchContainer(String),
    #[error(
        "Conflict. The container name \"/{name}\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name."
    )]
    NameInUse { name: String, id: String },
    #[error("Multiple IDs found with provided prefix: {0}")]
    Ambiguous(String),
}

/// Docker's container statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Created,
    Running,
    Paused,
    Exited,
    Removing,
    /// Waiting to restart the payload per `--restart`; the monitor is alive, the payload is not
    /// (docker keeps `Running: true` meanwhile, so stop, rm and ps treat it as running).
    Restarting,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Exited => "exited",
            Status::Removing => "removing",
            Status::Restarting => "restarting",
        }
    }
}

/// `state.json`: the mutable part.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContainerState {
    pub status: Status,
    pub pid: i32,
    /// Start time of `pid` in clock ticks since boot (/proc/PID/stat field 22).
    pub start_time: u64,
    pub started_at: String,
    pub finished_at: String,
    pub exit_code: i32,
    pub oom_killed: bool,
    pub error: String,
    #[serde(default)]
    pub restart_count: u32,
    /// `stop`, `kill` or `rm -f` ended the container: no restart policy applies until the next `start`
    /// (docker's HasBeenManuallyStopped).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manually_stopped: bool,
}

impl ContainerState {
    pub fn new_created() -> ContainerState {
        ContainerState {
            status: Status::Created,
            pid: 0,
            start_time: 0,
            started_at: crate::time::ZERO_TIME.into(),
            finished_at: crate::time::ZERO_TIME.into(),
            exit_code: 0,
            oom_killed: false,
            error: String::new(),
            restart_count: 0,
            manually_stopped: false,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(
            self.status,
            Status::Running | Status::Paused | Status::Restarting
        )
    }
}

/// What the monitor writes when the payload ends (`<run_root>/containers/<id>/exit.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExitRecord {
    pub exit_code: i32,
    pub finished_at: String,
    pub oom_killed: bool,
    #[serde(default)]
    pub error: String,
}

/// The monitor's own pid and start time (`<run_root>/containers/<id>/monitor.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MonitorRecord {
    pub pid: i32,
    pub start_time: u64,
}

/// Start time of a process in clock ticks since boot, `None` if it does not exist.
pub fn process_start_time(pid: i32) -> Option<u64> {
    if pid <= 0 {
        return None;
    }
    let mut s = String::new();
    fs::File::open(format!("/proc/{pid}/stat"))
        .ok()?
        .read_to_string(&mut s)
        .ok()?;
    // f[0] is field 3 (state); start time is field 22.
    let f: Vec<&str> = crate::runtime::stat_fields(&s)?.collect();
    if f.first() == Some(&"Z") || f.first() == Some(&"X") {
        return None; // a zombie has exited; it is not running
    }
    f.get(19)?.parse().ok()
}

/// True when `pid` is alive and is the same process that was recorded (same start time).
pub fn same_process_alive(pid: i32, start_time: u64) -> bool {
    pid > 0 && process_start_time(pid) == Some(start_time)
}

/// Docker's name rule: `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (docs/security.md 1E E3); names become path components.
pub fn validate_name(name: &str) -> Result<()> {
    let b = name.as_bytes();
    let ok = b.len() >= 2
        && b.len() <= 253
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(c));
    if !ok {
        bail!("Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    Ok(())
}

/// A fresh container id: 64 hex digits from the kernel's random source.
pub fn new_id() -> Result<String> {
    let mut b = [0u8; 32];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .context("reading /dev/urandom")?;
    Ok(hex::encode(b))
}

/// Access to every container's files under the two roots.
#[derive(Debug, Clone)]
pub struct Containers {
    pub paths: Paths,
}

impl Containers {
    pub fn new(paths: &Paths) -> Containers {
        Containers {
            paths: paths.clone(),
        }
    }

    /// `<root>/containers/<id>`: config, state, log, upper/work/rootfs.
    pub fn dir(&self, id: &str) -> PathBuf {
        self.paths.container_dir(id)
    }

    /// `<run_root>/containers/<id>`: monitor record, exit record, lock, attach socket.
    pub fn run_dir(&self, id: &str) -> PathBuf {
        self.paths.container_run_dir(id)
    }

    pub fn log_path(&self, id: &str) -> PathBuf {
        self.dir(id).join(format!("{id}-json.log"))
    }

    pub fn attach_socket(&self, id: &str) -> PathBuf {
        self.run_dir(id).join("attach.sock")
    }

    fn names_dir(&self) -> PathBuf {
        self.paths.names_dir()
    }

    /// The per-container lock (in run_root, so a reboot clears it).
    pub fn lock(&self, id: &str) -> Result<FileLock> {
        FileLock::exclusive(&self.run_dir(id).join("lock"))
    }

    /// Every container id on disk (entries that vanish mid-scan are skipped).
    pub fn list_ids(&self) -> Result<Vec<String>> {
        list_record_ids(&self.paths.containers_dir(), "container.json", "")
    }

    /// Find a container by full id, name (with or without the leading `/`), or unique id prefix.
    pub fn lookup(&self, query: &str) -> Result<String> {
        let q = query.strip_prefix('/').unwrap_or(query);
        if q.is_empty() {
            return Err(StateError::NoSuchContainer(query.into()).into());
        }
        let exists = |id: &str| self.dir(id).join("container.json").exists();
        let with_prefix =
            |p: &str| list_record_ids(&self.paths.containers_dir(), "container.json", p);
        match find_record(q, &self.names_dir(), exists, with_prefix)? {
            Found::One(id) => return Ok(id),
            Found::Ambiguous => return Err(StateError::Ambiguous(query.into()).into()),
            Found::None => {}
        }
        Err(StateError::NoSuchContainer(query.into()).into())
    }

    /// Reserve `name` for `id`: exactly one of any number of concurrent callers wins. The caller creates
    /// the container's directory first: a reservation whose owner has no directory is stale.
    pub fn reserve_name(&self, name: &str, id: &str) -> Result<()> {
        self.reserve_name_synced(name, id, true)
    }

    /// [`Containers::reserve_name`] for `create`, which makes the reservation durable itself together
    /// with the container's other files ([`Containers::name_path`]), instead of with a flush of its own.
    /// Until then a crash can lose it, which is harmless: the container does not exist before its
    /// container.json is durable.
    pub fn reserve_name_unsynced(&self, name: &str, id: &str) -> Result<()> {
        self.reserve_name_synced(name, id, false)
    }

    /// The reservation file of `name`.
    pub fn name_path(&self, name: &str) -> PathBuf {
        self.names_dir().join(name)
    }

    fn reserve_name_synced(&self, name: &str, id: &str, sync: bool) -> Result<()> {
        validate_name(name)?;
        let lock = self.paths.names_lock();
        let owner_exists = |owner: &str| self.dir(owner).exists();
        match reserve(
            &lock,
            &self.names_dir(),
            name,
            id,
            "name",
            sync,
            owner_exists,
        )? {
            None => Ok(()),
            Some(owner) => Err(StateError::NameInUse {
                name: name.into(),
                id: owner,
            }
            .into()),
        }
    }

    /// Drop the reservation of `name` if it still belongs to `id`.
    pub fn release_name(&self, name: &str, id: &str) -> Result<()> {
        release_reservation(&self.paths.names_lock(), &self.names_dir(), name, id)
    }

    /// Read container.json through the versioned reader ([`ContainerRecord::from_json`]), so files of
    /// every layout berth has written keep loading.
    pub fn load_record(&self, id: &str) -> Result<ContainerRecord> {
        let p = self.dir(id).join("container.json");
        let data = match fs::read(&p) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StateError::NoSuchContainer(id.into()).into());
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", p.display())),
        };
        ContainerRecord::from_json(&data).with_context(|| format!("parsing {}", p.display()))
    }

    pub fn save_record(&self, rec: &ContainerRecord) -> Result<()> {
        let data = serde_json::to_vec_pretty(rec).context("encoding container record")?;
        store::write_atomic(&self.dir(&rec.id).join("container.json"), &data)
    }

    pub fn load_state(&self, id: &str) -> Result<ContainerState> {
        let p = self.dir(id).join("state.json");
        let data = fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
        serde_json::from_slice(&data).with_context(|| format!("parsing {}", p.display()))
    }

    /// state.json is first written (durably) with the container's other files at create; every change
    /// after that replaces it atomically without syncing the directory ([`store::write_replace`]): a
    /// crash may bring back the previous state, which `refresh` reconciles like any stale one.
    pub fn save_state(&self, id: &str, st: &ContainerState) -> Result<()> {
        let data = serde_json::to_vec_pretty(st).context("encoding container state")?;
        store::write_replace(&self.dir(id).join("state.json"), &data)
    }

    /// [`Self::save_state`] without the fsync, for a container deleted when it exits (`--rm`), whose
    /// state a power cut makes stale anyway (docs/layout.md).
    pub fn save_state_volatile(&self, id: &str, st: &ContainerState) -> Result<()> {
        let data = serde_json::to_vec_pretty(st).context("encoding container state")?;
        store::write_volatile(&self.dir(id).join("state.json"), &data)
    }

    pub fn read_exit(&self, id: &str) -> Option<ExitRecord> {
        serde_json::from_slice(&fs::read(self.run_dir(id).join("exit.json")).ok()?).ok()
    }

    pub fn write_exit(&self, id: &str, e: &ExitRecord) -> Result<()> {
        store::write_volatile(
            &self.run_dir(id).join("exit.json"),
            &serde_json::to_vec(e).context("encoding exit")?,
        )
    }

    pub fn read_monitor(&self, id: &str) -> Option<MonitorRecord> {
        serde_json::from_slice(&fs::read(self.run_dir(id).join("monitor.json")).ok()?).ok()
    }

    pub fn write_monitor(&self, id: &str, m: &MonitorRecord) -> Result<()> {
        store::write_volatile(
            &self.run_dir(id).join("monitor.json"),
            &serde_json::to_vec(m).context("encoding")?,
        )
    }

    /// True while the container's monitor process is alive (pid and start time match).
    pub fn monitor_alive(&self, id: &str) -> bool {
        self.read_monitor(id)
            .is_some_and(|m| same_process_alive(m.pid, m.start_time))
    }

    /// Bring `state.json` in line with reality; call with the container's lock held. Returns the state.
    /// A running container whose process is gone takes its exit from the monitor's record; without a
    /// record and without a live monitor (both killed with -9) it is marked exited with code 255 and an
    /// error saying so, so nothing reads as running forever.
    pub fn refresh(&self, id: &str) -> Result<ContainerState> {
        let mut st = self.load_state(id)?;
        if !st.is_running() {
            return Ok(st);
        }
        if st.status == Status::Restarting {
            if !self.monitor_alive(id) {
                // The monitor died while waiting to restart: the last exit stands.
                st.status = Status::Exited;
                self.save_state(id, &st)?;
            }
            return Ok(st);
        }
        if same_process_alive(st.pid, st.start_time) {
            return Ok(st);
        }
        if let Some(e) = self.read_exit(id) {
            apply_exit(&mut st, &e);
        } else if self.monitor_alive(id) {
            // The payload has just exited and its monitor is writing the record: still running.
            return Ok(st);
        } else {
            apply_exit(
                &mut st,
                &ExitRecord {
                    exit_code: 255,
                    finished_at: crate::time::rfc3339_nano(std::time::SystemTime::now()),
                    oom_killed: false,
                    error: "container process and its monitor disappeared without an exit record"
                        .into(),
                },
            );
        }
        self.save_state(id, &st)?;
        Ok(st)
    }

    /// Read the state for display without taking the lock (`ps` must not block on busy containers);
    /// the liveness check is the same as [`Self::refresh`] but nothing is written.
    pub fn peek(&self, id: &str) -> Result<ContainerState> {
        Ok(self.settle(id, self.load_state(id)?))
    }

    /// [`Self::peek`]'s decision on a state already read: `/proc/<pid>/stat` is looked at only when the
    /// state says running, the exit and monitor records only when that process is gone. A restarting
    /// container (its monitor waiting out the back-off) is exited once that monitor is gone.
    fn settle(&self, id: &str, mut st: ContainerState) -> ContainerState {
        if st.status == Status::Restarting {
            if !self.monitor_alive(id) {
                st.status = Status::Exited;
            }
            return st;
        }
        if st.is_running() && !same_process_alive(st.pid, st.start_time) {
            if let Some(e) = self.read_exit(id) {
                apply_exit(&mut st, &e);
            } else if !self.monitor_alive(id) {
                st.status = Status::Exited;
                st.exit_code = 255;
            }
        }
        st
    }
}

/// Record an exit in the state (the monitor and refresh share this).
pub fn apply_exit(st: &mut ContainerState, e: &ExitRecord) {
    st.status = Status::Exited;
    st.exit_code = e.exit_code;
    st.finished_at = e.finished_at.clone();
    st.oom_killed = e.oom_killed;
    st.error = e.error.clone();
    st.pid = 0;
}

/// Remove `path` recursively if it exists. Directories we may not enter (overlay's `work/work` is mode
/// 000; a container can chmod its upper dirs) are made accessible first: they are ours to delete.
pub fn remove_dir_if_exists(path: &Path) -> Result<()> {
    match remove_dir_all_concurrently(path) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(_) => {}
    }
    make_removable(path);
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        // Rootless, a container's files may belong to its subordinate ids: only root of a user namespace
        // with the container's maps may delete them (podman does it inside `podman unshare`).
        // SAFETY: geteuid has no preconditions.
        Err(e)
            if unsafe { libc::geteuid() } != 0
                && matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM)) =>
        {
            crate::runtime::remove_in_userns(path)
        }
        Err(e) => Err(e).with_context(|| format!("removing {}", path.display())),
    }
}

/// `fs::remove_dir_all` with the directory's entries removed on threads of their own: on a file system
/// mounted with `discard` (this machine's), each freed block is a synchronous discard request, and
/// overlapping them deletes an `--rm` container's dozen files and dirs in the time of a few (issue 3).
fn remove_dir_all_concurrently(path: &Path) -> std::io::Result<()> {
    let entries = fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<PathBuf>>>()?;
    let remove = |p: &Path| -> std::io::Result<()> {
        let r = if fs::symlink_metadata(p)?.is_dir() {
            fs::remove_dir_all(p)
        } else {
            fs::remove_file(p)
        };
        match r {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            r => r,
        }
    };
    // A handful of entries (a run dir: lock, socket, two records) go faster without threads.
    if entries.len() <= 4 {
        for p in &entries {
            remove(p)?;
        }
        return fs::remove_dir(path);
    }
    let results: Vec<std::io::Result<()>> = std::thread::scope(|s| {
        let running: Vec<_> = entries
            .iter()
            .map(|p| {
                std::thread::Builder::new()
                    .spawn_scoped(s, move || remove(p))
                    .map_err(|_| p)
            })
            .collect();
        running
            .into_iter()
            .map(|h| match h {
                Ok(h) => h
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("remover thread panicked"))),
                // No thread to be had: remove it on this one.
                Err(p) => remove(p),
            })
            .collect()
    });
    results.into_iter().collect::<std::io::Result<Vec<()>>>()?;
    fs::remove_dir(path)
}

fn make_removable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(md) = fs::symlink_metadata(dir) else {
        return;
    };
    if !md.is_dir() {
        return;
    }
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            make_removable(&e.path());
        }
    }
}

/// Read a JSON record written once at create (container.json, pod.json); a missing file is `missing()`,
/// the typed "no such ..." error the CLI turns into docker's wording.
pub(crate) fn read_record<T: serde::de::DeserializeOwned>(
    p: &Path,
    missing: impl FnOnce() -> anyhow::Error,
) -> Result<T> {
    let data = match fs::read(p) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", p.display())),
    };
    serde_json::from_slice(&data).with_context(|| format!("parsing {}", p.display()))
}

/// Create the reservation `names_dir/name` for `id` under `lock` (containers and pods): exactly one of any
/// number of concurrent callers wins, by O_EXCL creation. `None` when the name is now `id`'s, else the id
/// holding it. A reservation whose owner has no record directory (`owner_exists` is false: a crash between
/// reserve and create) is stale and taken over. `what` names the namespace in errors ("name", "pod name").
pub(crate) fn reserve(
    lock: &Path,
    names_dir: &Path,
    name: &str,
    id: &str,
    what: &str,
    sync: bool,
    owner_exists: impl Fn(&str) -> bool,
) -> Result<Option<String>> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    fs::create_dir_all(names_dir).with_context(|| format!("creating {}", names_dir.display()))?;
    let _l = FileLock::exclusive(lock)?;
    let p = names_dir.join(name);
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&p)
    {
        Ok(mut f) => {
            f.write_all(id.as_bytes())
                .with_context(|| format!("writing {}", p.display()))?;
            if sync {
                f.sync_all()
                    .with_context(|| format!("syncing {}", p.display()))?;
            }
            Ok(None)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let owner = fs::read_to_string(&p)
                .unwrap_or_default()
                .trim()
                .to_string();
            if !owner.is_empty() && !owner_exists(&owner) && owner != id {
                store::write_atomic(&p, id.as_bytes())?;
                return Ok(None);
            }
            Ok(Some(owner))
        }
        Err(e) => Err(e).with_context(|| format!("reserving {what} {name}")),
    }
}

/// Drop the reservation `names_dir/name` under `lock` if it still belongs to `id` (containers and pods).
pub(crate) fn release_reservation(
    lock: &Path,
    names_dir: &Path,
    name: &str,
    id: &str,
) -> Result<()> {
    let _l = FileLock::exclusive(lock)?;
    let p = names_dir.join(name);
    if fs::read_to_string(&p)
        .map(|s| s.trim() == id)
        .unwrap_or(false)
    {
        fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
    }
    Ok(())
}

/// The ids of the records in `dir` (containers/, pods/) that start with `prefix`: directories named by 64
/// hex digits that hold `marker` (a record being created or removed has none yet, or no more). Names are
/// matched before the marker is looked at, so a prefix lookup (`rm 1a2b`) costs one stat per candidate,
/// not one per record on disk.
pub(crate) fn list_record_ids(dir: &Path, marker: &str, prefix: &str) -> Result<Vec<String>> {
    let rd = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
    };
    let mut ids = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name();
        let Some(n) = name.to_str() else { continue };
        if n.len() == 64
            && n.starts_with(prefix)
            && n.bytes().all(|b| b.is_ascii_hexdigit())
            && e.path().join(marker).exists()
        {
            ids.push(n.to_string());
        }
    }
    Ok(ids)
}

/// What [`find_record`] found for a query.
pub(crate) enum Found {
    One(String),
    Ambiguous,
    None,
}

/// docker's lookup rule, shared by containers and pods: a full 64-hex id, then a reserved name (whose owner
/// must still have its record: a name left by a crash is stale), then a unique id prefix.
pub(crate) fn find_record(
    q: &str,
    names_dir: &Path,
    exists: impl Fn(&str) -> bool,
    ids_with_prefix: impl FnOnce(&str) -> Result<Vec<String>>,
) -> Result<Found> {
    if q.len() == 64 && exists(q) {
        return Ok(Found::One(q.to_string()));
    }
    if validate_name(q).is_ok()
        && let Ok(id) = fs::read_to_string(names_dir.join(q))
    {
        let id = id.trim().to_string();
        if exists(&id) {
            return Ok(Found::One(id));
        }
    }
    if q.bytes().all(|b| b.is_ascii_hexdigit()) {
        let mut m = ids_with_prefix(q)?.into_iter();
        return Ok(match (m.next(), m.next()) {
            (Some(id), None) => Found::One(id),
            (Some(_), Some(_)) => Found::Ambiguous,
            _ => Found::None,
        });
    }
    Ok(Found::None)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Containers under fresh temp roots (also used by the listing's tests).
    pub(crate) fn world() -> (tempfile::TempDir, Containers) {
        let d = tempfile::tempdir().unwrap();
        let p = Paths {
            root: d.path().join("root"),
            run_root: d.path().join("run"),
            rootless: false,
        };
        p.ensure().unwrap();
        (d, Containers::new(&p))
    }

    #[test]
    fn concurrent_name_reservations_have_exactly_one_winner() {
        let (_d, c) = world();
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let c = c.clone();
                std::thread::spawn(move || {
                    let id = format!("{i:064}");
                    fs::create_dir_all(c.dir(&id)).unwrap();
                    c.reserve_name("xx", &id).is_ok()
                })
            })
            .collect();
        let wins = handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|w| *w)
            .count();
        assert_eq!(wins, 1);
    }

    #[test]
    fn name_conflict_names_the_owner_in_docker_words() {
        let (_d, c) = world();
        let a = "a".repeat(64);
        fs::create_dir_all(c.dir(&a)).unwrap();
        c.reserve_name("web", &a).unwrap();
        let e = c.reserve_name("web", &"b".repeat(64)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "Conflict. The container name \"/web\" is already in use by container \"{a}\". You have to remove (or rename) that container to be able to reuse that name."
            )
        );
        c.release_name("web", &a).unwrap();
        c.reserve_name("web", &"b".repeat(64)).unwrap();
    }

    #[test]
    fn invalid_names_are_rejected() {
        for n in ["../x", ".", "a/b", "", "x", "é1", &"a".repeat(1024)] {
            crate::testing::assert_err(validate_name(n), &format!("Invalid container name ({n})"));
        }
        validate_name("web-1.a_b").unwrap();
    }

    #[test]
    fn recycled_pid_never_reads_as_running() {
        let me = std::process::id() as i32;
        let st = process_start_time(me).unwrap();
        assert!(same_process_alive(me, st));
        assert!(!same_process_alive(me, st + 1));
        assert!(!same_process_alive(0, 0));
    }

    #[test]
    fn refresh_applies_exit_record_of_dead_process() {
        let (_d, c) = world();
        let id = new_id().unwrap();
        fs::create_dir_all(c.dir(&id)).unwrap();
        fs::create_dir_all(c.run_dir(&id)).unwrap();
        let mut st = ContainerState::new_created();
        st.status = Status::Running;
        st.pid = std::process::id() as i32;
        st.start_time = 1; // not our start time: a recycled pid
        c.save_state(&id, &st).unwrap();
        c.write_exit(
            &id,
            &ExitRecord {
                exit_code: 3,
                finished_at: "t".into(),
                oom_killed: true,
                error: String::new(),
            },
        )
        .unwrap();
        let st = c.refresh(&id).unwrap();
        assert_eq!(
            (st.status, st.exit_code, st.oom_killed),
            (Status::Exited, 3, true)
        );
    }

    #[test]
    fn remove_dir_if_exists_removes_a_tree_with_a_closed_dir_and_tolerates_absence() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let top = d.path().join("ctr");
        fs::create_dir_all(top.join("work/work")).unwrap();
        fs::create_dir_all(top.join("upper/etc")).unwrap();
        fs::write(top.join("upper/etc/hosts"), "x").unwrap();
        fs::write(top.join("state.json"), "{}").unwrap();
        std::os::unix::fs::symlink("/nonexistent", top.join("link")).unwrap();
        // overlayfs leaves work/work mode 000.
        fs::set_permissions(top.join("work/work"), fs::Permissions::from_mode(0o000)).unwrap();
        remove_dir_if_exists(&top).unwrap();
        assert!(!top.exists());
        remove_dir_if_exists(&top).unwrap();
    }

    #[test]
    fn lookup_by_name_id_and_prefix() {
        let (_d, c) = world();
        let id = format!("abc{}", "0".repeat(61));
        let other = format!("abd{}", "0".repeat(61));
        for i in [&id, &other] {
            fs::create_dir_all(c.dir(i)).unwrap();
            fs::write(c.dir(i).join("container.json"), "{}").unwrap();
        }
        c.reserve_name("web", &id).unwrap();
        assert_eq!(c.lookup("web").unwrap(), id);
        assert_eq!(c.lookup("/web").unwrap(), id);
        assert_eq!(c.lookup(&id).unwrap(), id);
        assert_eq!(c.lookup("abc").unwrap(), id);
        crate::testing::assert_err(
            c.lookup("ab"),
            "Multiple IDs found with provided prefix: ab",
        );
        assert_eq!(
            c.lookup("nope").unwrap_err().to_string(),
            "No such container: nope"
        );
    }
}

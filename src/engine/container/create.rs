//! `create`: a container's record, its OCI spec and its files, from an image and [`ContainerConfig`].

use super::ImageInfo;
use crate::engine::Context;
use crate::monitor;
use crate::spec::user::{LayeredRoot, resolve_user};
use crate::spec::{self, ContainerConfig, HostContext};
use crate::state::{self, ContainerRecord, ContainerState, Containers};
use crate::store::{self};
use crate::time::rfc3339_nano;
use anyhow::{Context as _, Result};
use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

/// The caller's hard limit on open files (no rlimit in a container may exceed it).
fn nofile_hard() -> u64 {
    nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
        .map(|(_, h)| h)
        .unwrap_or(1024)
}

fn cgroup_v2() -> bool {
    nix::sys::statfs::statfs("/sys/fs/cgroup")
        .map(|s| s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC)
        .unwrap_or(false)
}

const ADJECTIVES: &[&str] = &[
    "admiring",
    "brave",
    "clever",
    "dazzling",
    "eager",
    "focused",
    "gallant",
    "happy",
    "jolly",
    "keen",
    "loving",
    "modest",
    "nifty",
    "optimistic",
    "peaceful",
    "quirky",
    "relaxed",
    "serene",
    "trusting",
    "vibrant",
    "wizardly",
    "youthful",
    "zealous",
    "upbeat",
    "stoic",
    "sharp",
    "practical",
    "musing",
    "hopeful",
    "gracious",
];

const SURNAMES: &[&str] = &[
    "albattani",
    "babbage",
    "curie",
    "darwin",
    "euclid",
    "fermi",
    "galileo",
    "hopper",
    "hypatia",
    "johnson",
    "kepler",
    "lovelace",
    "meitner",
    "newton",
    "noether",
    "pascal",
    "ritchie",
    "shannon",
    "tesla",
    "turing",
    "wozniak",
    "yalow",
    "zhukovsky",
    "lamport",
    "knuth",
    "goldberg",
    "feynman",
    "dijkstra",
    "cerf",
    "bohr",
];

fn random_name(attempt: u32) -> Result<String> {
    let id = state::new_id()?;
    let b = hex::decode(&id[..8]).context("decoding random bytes")?;
    let a = ADJECTIVES[b[0] as usize % ADJECTIVES.len()];
    let s = SURNAMES[b[1] as usize % SURNAMES.len()];
    // docker appends a digit after a collision.
    Ok(if attempt == 0 {
        format!("{a}_{s}")
    } else {
        format!("{a}_{s}{}", b[2] % 10)
    })
}

/// Create a container from a resolved image. Returns its id.
pub fn create(ctx: &Context, image: &ImageInfo, opts: ContainerConfig) -> Result<String> {
    let _paths = &ctx.paths;
    create_with_id(ctx, state::new_id()?, image, opts)
}

/// [`create`] under an id the caller drew with [`state::new_id`] (`run` pre-starts the monitor with it).
pub fn create_with_id(
    ctx: &Context,
    id: String,
    image: &ImageInfo,
    opts: ContainerConfig,
) -> Result<String> {
    let paths = &ctx.paths;
    paths.ensure()?;
    let mut opts = opts;
    validate(&opts, paths.rootless)?;
    resolve_links(paths, &mut opts)?;
    add_volumes_from(paths, &mut opts)?;
    let devices = host_devices(&opts, paths.rootless)?;
    let throttles = host_throttles(&opts.resources.throttles)?;
    opts.network = crate::engine::network::container_network(paths, &opts.network)?;
    let c = Containers::new(paths);
    // What a monitor killed with -9 left in the trash goes with the next container (one readdir when
    // there is nothing).
    let _ = c.sweep_trash();
    let dir = c.dir(&id);
    // Held until the record is written: a creation killed before that is swept (Containers::sweep_unfinished).
    let _creating = c.create_dir_locked(&id)?;
    let name = match &opts.name {
        Some(n) => {
            if let Err(e) = c.reserve_name_unsynced(n, &id) {
                let _ = fs::remove_dir_all(&dir);
                return Err(e);
            }
            n.clone()
        }
        None => {
            let mut attempt = 0;
            loop {
                let n = random_name(attempt)?;
                match c.reserve_name_unsynced(&n, &id) {
                    Ok(()) => break n,
                    Err(_) if attempt < 20 => attempt += 1,
                    Err(e) => {
                        let _ = fs::remove_dir_all(&dir);
                        return Err(e);
                    }
                }
            }
        }
    };
    match create_files(&c, &id, &name, image, opts, (&devices, &throttles)) {
        Ok(()) => Ok(id),
        Err(e) => {
            let _ = c.release_name(&name, &id);
            let _ = fs::remove_dir_all(&dir);
            let _ = fs::remove_dir_all(c.run_dir(&id));
            Err(e)
        }
    }
}

/// The CPUs this process may run on (Go's `runtime.NumCPU`, which docker's check uses: the affinity mask).
fn host_cpus() -> usize {
    use nix::sched::{CpuSet, sched_getaffinity};
    sched_getaffinity(nix::unistd::Pid::from_raw(0))
        .map(|set| {
            (0..CpuSet::count())
                .filter(|&i| set.is_set(i).unwrap_or(false))
                .count()
        })
        .ok()
        .filter(|&n| n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
}

/// `--cpus` (in billionths) against the host's CPU count, in docker's words; `update` checks the same.
pub(super) fn check_cpus(nano_cpus: i64) -> Result<()> {
    let cpus = host_cpus();
    if nano_cpus < 0 || nano_cpus > cpus as i64 * 1_000_000_000 {
        anyhow::bail!(
            "Range of CPUs is from 0.01 to {cpus}.00, as there are only {cpus} CPUs available"
        );
    }
    Ok(())
}

/// docker's daemon-side checks of a new container's settings, in its words (moby
/// `verifyPlatformContainerResources`, `validateEndpointSettings`).
fn validate(opts: &ContainerConfig, rootless: bool) -> Result<()> {
    if let Some(n) = opts.resources.nano_cpus {
        check_cpus(n)?;
    }
    check_resources(&opts.resources)?;
    // podman's words (`pkg/util` GetKeepIDMapping).
    if opts.namespaces.userns == "keep-id" && !rootless {
        anyhow::bail!("keep-id is only supported in rootless mode");
    }
    if let Some(p) = &opts.cgroup_parent
        && p.split('/').any(|c| c == "..")
    {
        anyhow::bail!("invalid cgroup parent {p:?}: it may not contain '..'");
    }
    // A fixed address needs a network whose subnet the user chose: never the predefined ones.
    if opts.net.ip.is_some()
        && (matches!(
            opts.network.as_str(),
            "" | "default" | "bridge" | "none" | "host"
        ) || opts.network.starts_with("container:"))
    {
        anyhow::bail!("user specified IP address is supported on user defined networks only");
    }
    Ok(())
}

/// `--link NAME[:ALIAS]`: the linked container's id for each name, in docker's words when it is missing
/// (moby `daemon/container_operations.go`); a link needs a network of its own, as docker's.
fn resolve_links(paths: &crate::store::Paths, opts: &mut ContainerConfig) -> Result<()> {
    if opts.net.links.is_empty() {
        return Ok(());
    }
    for (kind, prefix) in [("host", "host"), ("container", "container:")] {
        if opts.network.starts_with(prefix) {
            anyhow::bail!(
                "conflicting options: {kind} type networking can't be used with links. This would result in undefined behavior"
            );
        }
    }
    let c = Containers::new(paths);
    for (name, alias) in opts.net.links.iter_mut() {
        if name.is_empty() || alias.is_empty() {
            anyhow::bail!("invalid link format: {name}:{alias}");
        }
        let id = c
            .lookup(name)
            .map_err(|_| anyhow::anyhow!("could not get container for {name}"))?;
        *name = id;
    }
    Ok(())
}

/// `--volumes-from C[:ro|rw]`: the source container's volumes and binds, at the same targets, read-only
/// as in the source unless the suffix says otherwise (docker's `parseVolumesFrom`). A target the
/// container mounts itself keeps its own mount.
fn add_volumes_from(paths: &crate::store::Paths, opts: &mut ContainerConfig) -> Result<()> {
    use crate::types::{MountKind, MountRequest};
    if opts.volumes_from.is_empty() {
        return Ok(());
    }
    let c = Containers::new(paths);
    for spec in opts.volumes_from.clone() {
        let (name, mode) = match spec.rsplit_once(':') {
            Some((n, m)) if m == "ro" || m == "rw" => (n, Some(m == "ro")),
            Some((_, m)) => anyhow::bail!("invalid mode for volumes-from: {m}"),
            None => (spec.as_str(), None),
        };
        let id = c.lookup(name)?;
        let src = c.load_record(&id)?;
        for m in src.mounts.iter().filter(|m| m.kind != MountKind::Tmpfs) {
            if opts.mounts.iter().any(|x| x.target == m.destination) {
                continue;
            }
            let source = if m.kind == MountKind::Volume {
                // `<root>/volumes/<name>/_data` (docs/layout.md): the volume's name.
                std::path::Path::new(&m.source)
                    .parent()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .with_context(|| format!("volume path {}", m.source))?
            } else {
                m.source.clone()
            };
            opts.mounts.push(MountRequest {
                mode: None,
                kind: m.kind.clone(),
                source,
                target: m.destination.clone(),
                readonly: mode.unwrap_or(m.readonly),
                options: m
                    .options
                    .iter()
                    .filter(|o| !matches!(o.as_str(), "ro" | "rw" | "rbind" | "bind"))
                    .cloned()
                    .collect(),
            });
        }
    }
    Ok(())
}

/// `--device`: each host node's type and numbers, read now (docker's error when it is missing).
/// Rootless, the node can only be bound from the host at the same path (no mknod in a user namespace).
fn host_devices(opts: &ContainerConfig, rootless: bool) -> Result<Vec<spec::devices::HostDevice>> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let mut out = Vec::new();
    for d in &opts.devices {
        let err = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!(
                "error gathering device information while adding custom device {:?}: {e}",
                d.path_on_host
            )
        };
        let md = fs::metadata(&d.path_on_host).map_err(|e| {
            err(&match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                _ => e.to_string(),
            })
        })?;
        let kind = if md.file_type().is_char_device() {
            'c'
        } else if md.file_type().is_block_device() {
            'b'
        } else {
            return Err(err(&"not a device node"));
        };
        if rootless && d.path_in_container != d.path_on_host {
            anyhow::bail!(
                "rootless containers get host devices bound at the same path: {} cannot appear as {}",
                d.path_on_host,
                d.path_in_container
            );
        }
        let rdev = md.rdev();
        out.push(spec::devices::HostDevice {
            path_in_container: d.path_in_container.clone(),
            kind,
            major: libc::major(rdev) as i64,
            minor: libc::minor(rdev) as i64,
            file_mode: md.mode() & 0o777,
            uid: md.uid(),
            gid: md.gid(),
            permissions: d.permissions.clone(),
        });
    }
    Ok(out)
}

/// The throttles' devices' numbers (docker's daemon stats each path at create).
fn host_throttles(t: &crate::types::Throttles) -> Result<Vec<spec::devices::Throttle>> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    for (key, list) in [
        ("throttleReadBpsDevice", &t.read_bps),
        ("throttleWriteBpsDevice", &t.write_bps),
        ("throttleReadIOPSDevice", &t.read_iops),
        ("throttleWriteIOPSDevice", &t.write_iops),
    ] {
        for d in list {
            let md = fs::metadata(&d.path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    anyhow::anyhow!("stat {}: no such file or directory", d.path)
                }
                _ => anyhow::anyhow!("stat {}: {e}", d.path),
            })?;
            out.push(spec::devices::Throttle {
                key,
                major: libc::major(md.rdev()) as i64,
                minor: libc::minor(md.rdev()) as i64,
                rate: d.rate,
            });
        }
    }
    Ok(out)
}

/// The resource checks `create` and `update` share, in docker's words (moby
/// `verifyPlatformContainerResources`).
pub(super) fn check_resources(r: &crate::types::Resources) -> Result<()> {
    use anyhow::bail;
    if let Some(v) = r.memory_reservation
        && v > 0
    {
        if v < 6 * 1024 * 1024 {
            bail!("Minimum memory reservation allowed is 6MB");
        }
        if r.memory.is_some_and(|m| m > 0 && m < v) {
            bail!("Minimum memory limit can not be less than memory reservation limit, see usage");
        }
    }
    if r.nano_cpus.is_some_and(|n| n > 0) {
        if r.cpu_period.is_some_and(|p| p > 0) {
            bail!("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        if r.cpu_quota.is_some_and(|q| q > 0) {
            bail!("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        }
    }
    if r.cpu_period
        .is_some_and(|p| p != 0 && !(1000..=1_000_000).contains(&p))
    {
        bail!(
            "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)"
        );
    }
    if r.cpu_quota.is_some_and(|q| q > 0 && q < 1000) {
        bail!("CPU cfs quota can not be less than 1ms (i.e. 1000)");
    }
    if r.blkio_weight
        .is_some_and(|w| w > 0 && !(10..=1000).contains(&w))
    {
        bail!("Range of blkio weight is from 10 to 1000");
    }
    if let Some(m) = &r.cpuset_mems {
        check_cpuset_mems(m)?;
    }
    Ok(())
}

/// `--cpuset-mems` against the host's memory nodes (docker: "Requested memory nodes are not available").
fn check_cpuset_mems(want: &str) -> Result<()> {
    let online =
        fs::read_to_string("/sys/devices/system/node/online").unwrap_or_else(|_| "0".into());
    let parse = |s: &str| -> Option<Vec<u32>> {
        let mut out = Vec::new();
        for part in s.trim().split(',').filter(|p| !p.is_empty()) {
            match part.split_once('-') {
                Some((a, b)) => out.extend(a.parse::<u32>().ok()?..=b.parse::<u32>().ok()?),
                None => out.push(part.parse().ok()?),
            }
        }
        Some(out)
    };
    let Some(nodes) = parse(want) else {
        anyhow::bail!("Invalid value {want} for cpuset mems");
    };
    let have = parse(&online).unwrap_or_else(|| vec![0]);
    if nodes.iter().any(|n| !have.contains(n)) {
        anyhow::bail!(
            "Requested memory nodes are not available - requested {want}, available: {}",
            online.trim()
        );
    }
    Ok(())
}

/// The limits this host cannot apply, dropped with docker's warnings (moby
/// `verifyPlatformContainerResources` discards them the same way, so inspect shows them unset). `run`
/// and `create` print the warnings; only a flag that asks for such a limit costs a check.
pub fn discard_unsupported(opts: &mut ContainerConfig) -> Vec<String> {
    let mut w = Vec::new();
    let r = &mut opts.resources;
    if r.blkio_weight.is_some_and(|x| x > 0) && !crate::runtime::cgroup::blkio_weight_supported() {
        w.push("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.".into());
        r.blkio_weight = None;
    }
    if r.memory_swappiness.is_some() && crate::runtime::cgroup::is_v2() {
        w.push("Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.".into());
        r.memory_swappiness = None;
    }
    if r.oom_kill_disable == Some(true) {
        if crate::runtime::cgroup::is_v2() {
            w.push("Your kernel does not support OomKillDisable. OomKillDisable discarded.".into());
            r.oom_kill_disable = None;
        } else if r.memory.is_none_or(|m| m <= 0) {
            w.push("OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.".into());
        }
    }
    w
}

fn create_files(
    c: &Containers,
    id: &str,
    name: &str,
    image: &ImageInfo,
    mut opts: ContainerConfig,
    (devices, throttles): (&[spec::devices::HostDevice], &[spec::devices::Throttle]),
) -> Result<()> {
    let dir = c.dir(id);
    let run_dir = c.run_dir(id);
    store::create_private_dir(&run_dir)?;
    if let Some(top) = run_dir.parent() {
        store::mark_top_of_hierarchies(top);
    }
    for d in ["upper", "work", "rootfs"] {
        fs::create_dir_all(dir.join(d))
            .with_context(|| format!("creating {}", dir.join(d).display()))?;
    }
    opts.name = Some(name.to_string());
    let mut layers_top_first: Vec<PathBuf> = vec![dir.join("upper")];
    layers_top_first.extend(image.layers.iter().rev().cloned());
    let root = LayeredRoot {
        layers: layers_top_first,
    };
    let keep_id = opts.namespaces.userns == "keep-id";
    // keep-id (podman): the process runs as the caller's own ids unless `--user` says otherwise.
    let user_spec = opts
        .user
        .clone()
        .or_else(|| {
            keep_id.then(|| format!("{}:{}", nix::unistd::geteuid(), nix::unistd::getegid()))
        })
        .or_else(|| image.config.user.clone())
        .unwrap_or_default();
    let mut user = resolve_user(&root, &user_spec)?;
    for g in spec::user::resolve_groups(&root, &opts.group_add)? {
        if g != user.gid && !user.additional_gids.contains(&g) {
            user.additional_gids.push(g);
        }
    }

    let (mounts, anonymous) =
        crate::engine::volume::resolve_mounts(&c.paths, &opts, &image.config, &root)?;
    // With the host's UTS namespace (`--uts host`) the container's name is the host's, as docker's.
    let hostname = if opts.namespaces.uts == crate::types::NsMode::Host {
        nix::unistd::gethostname()
            .context("reading the host's name")?
            .to_string_lossy()
            .into_owned()
    } else {
        opts.hostname
            .clone()
            .unwrap_or_else(|| spec::default_hostname(id))
    };
    let hostname_file = dir.join("hostname");
    let hosts_file = dir.join("hosts");
    let resolv_file = dir.join("resolv.conf");
    let hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

    let (entrypoint, cmd) = spec::process_args(&image.config, &opts)?;
    let mut all = entrypoint.into_iter().chain(cmd);
    let path = all.next().unwrap_or_default();
    let args: Vec<String> = all.collect();
    let rec = ContainerRecord {
        version: crate::types::RECORD_VERSION,
        id: id.to_string(),
        name: name.to_string(),
        created: rfc3339_nano(SystemTime::now()),
        image: image.name.clone(),
        image_id: image.id.clone(),
        layers: image.layers.clone(),
        config: opts,
        image_config: image.config.clone(),
        path,
        args,
        hostname,
        anonymous_volumes: anonymous,
        mounts,
    };
    let host = HostContext {
        id: id.to_string(),
        rootless: c.paths.rootless,
        cgroup_v2: cgroup_v2(),
        nofile_hard: nofile_hard(),
        hostname_file,
        hosts_file,
        resolv_file,
        cgroups_path: monitor::cgroup_name(&rec),
        user,
        mounts: rec.mounts.clone(),
    };
    let oci = if rec.config.namespaces.uts == crate::types::NsMode::Host {
        // HOSTNAME in the environment is the host's name too.
        let mut o = rec.config.clone();
        o.hostname = Some(rec.hostname.clone());
        spec::build_spec(&image.config, &o, &host)?
    } else {
        spec::build_spec(&image.config, &rec.config, &host)?
    };
    let mut oci = oci;
    if keep_id {
        let (u, g) = crate::runtime::keep_id_maps()?;
        let mut linux = oci.linux().clone().unwrap_or_default();
        linux.set_uid_mappings(Some(u)).set_gid_mappings(Some(g));
        oci.set_linux(Some(linux));
    }
    let oci = if rec.config.init || !devices.is_empty() || !throttles.is_empty() {
        let mut v = serde_json::to_value(&oci).context("encoding spec")?;
        spec::devices::add_devices(&mut v, devices);
        spec::devices::add_throttles(&mut v, throttles);
        if rec.config.init {
            super::pod_member::add_init(&mut v)?;
        }
        serde_json::to_vec_pretty(&v)
    } else {
        serde_json::to_vec_pretty(&oci)
    }
    .context("encoding spec")?;
    let st = serde_json::to_vec_pretty(&ContainerState::new_created())
        .context("encoding container state")?;
    // Durable together (concurrent fsyncs, the name reservation's among them, one directory sync)
    // before container.json, the record that makes the container exist, is renamed into place.
    let record = serde_json::to_vec_pretty(&rec).context("encoding container record")?;
    let hostname_line = format!("{}\n", rec.hostname);
    let resolv = resolv_conf();
    let files: [(&str, &[u8], u32); 5] = [
        ("hostname", hostname_line.as_bytes(), 0o644),
        ("hosts", hosts.as_bytes(), 0o644),
        ("resolv.conf", resolv.as_bytes(), 0o644),
        ("config.json", &oci, 0o600),
        ("state.json", &st, 0o600),
    ];
    let commit = Some(("container.json", record.as_slice(), 0o600));
    if rec.config.auto_remove {
        // `--rm`: the container is deleted when it exits, and a power cut ends it: written in the same
        // order, atomically for every reader, but not flushed (docs/layout.md; issue 14). After a power
        // cut its files may be missing or empty: `ps` skips such a container and `rm` deletes it.
        store::write_all_volatile(&dir, &files, commit)?;
    } else {
        store::write_atomic_all(&dir, &files, commit, &[c.name_path(name)])?;
    }
    crate::engine::events::emit_container(&c.paths, &rec, "create");
    Ok(())
}

/// The host's resolv.conf without loopback nameservers (unreachable from a container's own network
/// namespace), falling back to public resolvers as docker does.
fn resolv_conf() -> String {
    let host = fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let mut out = String::new();
    let mut ns = 0;
    for l in host.lines() {
        let t = l.trim();
        if let Some(addr) = t.strip_prefix("nameserver") {
            let a = addr.trim();
            if a.starts_with("127.") || a == "::1" {
                continue;
            }
            ns += 1;
        }
        out.push_str(l);
        out.push('\n');
    }
    if ns == 0 {
        out.push_str("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    }
    out
}

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
    validate(&opts)?;
    opts.network = crate::engine::network::container_network(paths, &opts.network)?;
    let c = Containers::new(paths);
    // What a monitor killed with -9 left in the trash goes with the next container (one readdir when
    // there is nothing).
    let _ = c.sweep_trash();
    let dir = c.dir(&id);
    store::create_private_dir(&dir)?;
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
    match create_files(&c, &id, &name, image, opts) {
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
fn validate(opts: &ContainerConfig) -> Result<()> {
    if let Some(n) = opts.resources.nano_cpus {
        check_cpus(n)?;
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

fn create_files(
    c: &Containers,
    id: &str,
    name: &str,
    image: &ImageInfo,
    mut opts: ContainerConfig,
) -> Result<()> {
    let dir = c.dir(id);
    store::create_private_dir(&c.run_dir(id))?;
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
    let user_spec = opts
        .user
        .clone()
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
    let oci = if rec.config.init {
        let mut v = serde_json::to_value(&oci).context("encoding spec")?;
        super::pod_member::add_init(&mut v)?;
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
    store::write_atomic_all(
        &dir,
        &[
            ("hostname", format!("{}\n", rec.hostname).as_bytes(), 0o644),
            ("hosts", hosts.as_bytes(), 0o644),
            ("resolv.conf", resolv_conf().as_bytes(), 0o644),
            ("config.json", &oci, 0o600),
            ("state.json", &st, 0o600),
        ],
        Some(("container.json", &record, 0o600)),
        &[c.name_path(name)],
    )?;
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

//! Kernel plumbing: network namespaces as files, bridges, veth pairs, addresses, routes and NAT rules.
//!
//! How a namespace is made (safe in a multi-threaded caller such as the CLI): a short-lived thread calls
//! `unshare(CLONE_NEWNET)`, which moves only that thread into a new namespace (namespaces are per task),
//! bind-mounts `/proc/thread-self/ns/net` onto the namespace file, and ends. No fork of the caller, no
//! exec of a helper. Joining works the same way with `setns` in a thread. Work inside the namespace that
//! needs `ip` is spawned from such a thread: the child inherits the thread's namespace.
//!
//! Must not depend on cli, engine, state. Invariant: every iptables rule added here carries the comment
//! `berth:<network>:<bridge>` so that it can always be found and removed again.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Command, Stdio};

use super::Subnet;

/// Create the directory that holds pinned namespace files. Unlike `ip netns add` (which makes
/// /run/netns a private bind mount of itself), berth does not bind the directory onto itself: that mount
/// would outlive a removed run root (every test world would leak one). Propagation of the nsfs mounts is
/// harmless: containers pivot away from the host's mounts, and the MNT_DETACH unmount at teardown
/// propagates to peers and slaves like the mount did.
pub fn ensure_netns_dir(dir: &Path) -> Result<()> {
    crate::store::create_private_dir(dir)
}

/// Create a new network namespace and pin it at `path` (an nsfs bind mount), then run `inside` in it
/// (on the same short-lived thread). Fails if `path` already exists.
pub fn create_netns<T: Send + 'static>(
    path: &Path,
    inside: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating network namespace file {}", path.display()))?;
    let target = path.to_path_buf();
    let res = std::thread::spawn(move || -> Result<T> {
        nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
            .context("creating a network namespace")?;
        nix::mount::mount(
            Some("/proc/thread-self/ns/net"),
            &target,
            None::<&str>,
            nix::mount::MsFlags::MS_BIND,
            None::<&str>,
        )
        .with_context(|| format!("pinning network namespace at {}", target.display()))?;
        inside()
    })
    .join()
    .map_err(|_| anyhow::anyhow!("network namespace thread panicked"))?;
    if res.is_err() {
        remove_netns(path);
    }
    res
}

/// Run `f` on a thread that has joined the network namespace at `path` (a pinned file or /proc/PID/ns/net).
pub fn in_netns<T: Send + 'static>(
    path: &Path,
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("opening network namespace {}", path.display()))?;
    std::thread::spawn(move || -> Result<T> {
        nix::sched::setns(&file, nix::sched::CloneFlags::CLONE_NEWNET)
            .context("joining network namespace")?;
        f()
    })
    .join()
    .map_err(|_| anyhow::anyhow!("network namespace thread panicked"))?
}

/// Unpin and delete a namespace file; a missing file is not an error (teardown is idempotent).
pub fn remove_netns(path: &Path) {
    let _ = nix::mount::umount2(path, nix::mount::MntFlags::MNT_DETACH);
    let _ = std::fs::remove_file(path);
}

/// Feed `script` to `ip -batch -` (one process for many changes). `-force` is not used: the first
/// failing line aborts, so a half-configured endpoint is reported.
pub fn ip_batch(script: &str) -> Result<()> {
    let mut child = Command::new("ip")
        .args(["-batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("running ip (iproute2 is required for bridge networking)")?;
    child
        .stdin
        .take()
        .context("ip stdin")?
        .write_all(script.as_bytes())
        .context("writing to ip -batch")?;
    let out = child.wait_with_output().context("waiting for ip")?;
    if !out.status.success() {
        bail!(
            "ip -batch failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Does a network interface of that name exist in the caller's namespace?
pub fn link_exists(name: &str) -> bool {
    Path::new("/sys/class/net").join(name).exists()
}

/// Create the bridge of a network with its gateway address and its NAT/forward rules, and bring it up;
/// nothing if the bridge exists. The caller holds the network's lock.
pub fn ensure_bridge(cfg: &super::NetworkConfig) -> Result<()> {
    let bridge = &cfg.bridge;
    if !link_exists(bridge) {
        let script = format!(
            "link add {bridge} mtu {} type bridge\naddr add {}/{} dev {bridge}\nlink set {bridge} up\n",
            cfg.mtu, cfg.gateway, cfg.subnet.prefix
        );
        ip_batch(&script).with_context(|| format!("creating bridge {bridge}"))?;
        let comment = rule_comment(&cfg.name, bridge);
        // A rule set left by a bridge that vanished (reboot without run-root wipe, manual ip link del).
        remove_rules(
            &network_rules(cfg.subnet, bridge, cfg.internal, &comment),
            &comment,
        )?;
        add_rules(&network_rules(cfg.subnet, bridge, cfg.internal, &comment))?;
    }
    if !cfg.internal {
        enable_ip_forward()?;
    }
    Ok(())
}

/// Turn on IPv4 forwarding (docker does the same at start): needed for NAT out of the bridge.
fn enable_ip_forward() -> Result<()> {
    let p = "/proc/sys/net/ipv4/ip_forward";
    if std::fs::read_to_string(p)
        .map(|s| s.trim() == "1")
        .unwrap_or(false)
    {
        return Ok(());
    }
    std::fs::write(p, "1").context("enabling net.ipv4.ip_forward")
}

/// Delete a link (and so its veth peer) if it exists, over netlink.
pub fn delete_link(name: &str) -> Result<()> {
    if !link_exists(name) {
        return Ok(());
    }
    match super::netlink::Netlink::open()?.del_link(name) {
        Ok(()) => Ok(()),
        // Gone in the meantime (its namespace died and took it along).
        Err(_) if !link_exists(name) => Ok(()),
        Err(e) => Err(e),
    }
}

/// One interface of a container on one network.
#[derive(Debug, Clone)]
pub struct EndpointLink<'a> {
    /// Name inside the container (`eth0`, `eth1`, ...).
    pub ifname: &'a str,
    /// Host side of the veth pair.
    pub veth: &'a str,
    pub mac: &'a str,
    pub ip: Ipv4Addr,
    pub prefix: u8,
    pub gateway: Ipv4Addr,
    pub mtu: u32,
    /// Add `default via gateway` (not for `--internal` networks, nor for a second network).
    pub default_route: bool,
    pub bridge: &'a str,
}

/// Inside the container's namespace (the calling thread is in it): create the veth pair with its host
/// end sent to `host_ns`, bring up loopback and the container end, add the address and default route.
/// Netlink requests on one socket: no process is spawned.
fn configure_inside(ep: &OwnedEndpoint, host_ns: &std::fs::File) -> Result<()> {
    use std::os::fd::AsRawFd as _;
    let mut nl = super::netlink::Netlink::open()?;
    let mac = super::netlink::parse_mac(&ep.mac)?;
    nl.add_veth(&ep.ifname, mac, ep.mtu, &ep.veth, host_ns.as_raw_fd())?;
    nl.link_up("lo")?;
    nl.link_up(&ep.ifname)?;
    nl.add_addr(&ep.ifname, ep.ip, ep.prefix)?;
    if ep.default_route {
        nl.add_default_route(&ep.ifname, ep.gateway)?;
    }
    Ok(())
}

/// [`EndpointLink`] with owned strings, to move into the namespace thread.
struct OwnedEndpoint {
    ifname: String,
    veth: String,
    mac: String,
    ip: Ipv4Addr,
    prefix: u8,
    gateway: Ipv4Addr,
    mtu: u32,
    default_route: bool,
}

impl From<&EndpointLink<'_>> for OwnedEndpoint {
    fn from(e: &EndpointLink<'_>) -> OwnedEndpoint {
        OwnedEndpoint {
            ifname: e.ifname.into(),
            veth: e.veth.into(),
            mac: e.mac.into(),
            ip: e.ip,
            prefix: e.prefix,
            gateway: e.gateway,
            mtu: e.mtu,
            default_route: e.default_route,
        }
    }
}

/// The caller's (host) namespace, to send the veth's host end back to.
fn host_netns() -> Result<std::fs::File> {
    std::fs::File::open("/proc/thread-self/ns/net").context("opening the host network namespace")
}

/// Plug a running container's namespace (at `netns`) into a bridge: netlink inside the namespace, then
/// two ioctls on the host side (attach to the bridge, bring up).
pub fn add_endpoint(netns: &Path, ep: &EndpointLink<'_>) -> Result<()> {
    let host = host_netns()?;
    let owned = OwnedEndpoint::from(ep);
    in_netns(netns, move || configure_inside(&owned, &host))
        .with_context(|| format!("configuring {} in {}", ep.ifname, netns.display()))?;
    attach_to_bridge(ep.veth, ep.bridge).inspect_err(|_| {
        let _ = delete_link(ep.veth);
    })
}

/// Create the namespace pinned at `netns` and plug it in: used by prepare for eth0.
pub fn create_endpoint_netns(netns: &Path, ep: &EndpointLink<'_>) -> Result<()> {
    let host = host_netns()?;
    let owned = OwnedEndpoint::from(ep);
    create_netns(netns, move || configure_inside(&owned, &host))
        .with_context(|| format!("configuring {} in {}", ep.ifname, netns.display()))?;
    attach_to_bridge(ep.veth, ep.bridge).inspect_err(|_| {
        let _ = delete_link(ep.veth);
    })
}

/// linux/sockios.h: add an interface to a bridge (not exported by the libc crate).
const SIOCBRADDIF: libc::Ioctl = 0x89a2;

#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    data: [u8; 24],
}

impl IfReq {
    fn new(name: &str) -> Result<IfReq> {
        let mut r = IfReq {
            name: [0; libc::IFNAMSIZ],
            data: [0; 24],
        };
        if name.len() >= libc::IFNAMSIZ {
            bail!("interface name {name} is too long");
        }
        r.name[..name.len()].copy_from_slice(name.as_bytes());
        Ok(r)
    }
}

/// The classic ioctls (SIOCBRADDIF, SIOCSIFFLAGS): cheaper than spawning `ip` again for the host side.
fn attach_to_bridge(veth: &str, bridge: &str) -> Result<()> {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").context("opening a control socket")?;
    let fd = sock.as_raw_fd();
    let mut idx = IfReq::new(veth)?;
    // SAFETY: fd is a live socket; IfReq is a correctly sized struct ifreq that outlives the call.
    if unsafe { libc::ioctl(fd, libc::SIOCGIFINDEX, &mut idx) } < 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("finding interface {veth}"));
    }
    let ifindex = i32::from_ne_bytes(idx.data[..4].try_into().expect("4 bytes"));
    let mut br = IfReq::new(bridge)?;
    br.data[..4].copy_from_slice(&ifindex.to_ne_bytes());
    // SAFETY: as above; SIOCBRADDIF reads ifr_ifindex of the bridge's ifreq.
    if unsafe { libc::ioctl(fd, SIOCBRADDIF, &mut br) } < 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("attaching {veth} to bridge {bridge}"));
    }
    let mut fl = IfReq::new(veth)?;
    // SAFETY: as above; SIOCGIFFLAGS fills ifr_flags.
    if unsafe { libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut fl) } < 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("reading flags of {veth}"));
    }
    let flags = i16::from_ne_bytes(fl.data[..2].try_into().expect("2 bytes")) | libc::IFF_UP as i16;
    fl.data[..2].copy_from_slice(&flags.to_ne_bytes());
    // SAFETY: as above; SIOCSIFFLAGS reads ifr_flags.
    if unsafe { libc::ioctl(fd, libc::SIOCSIFFLAGS, &mut fl) } < 0 {
        return Err(std::io::Error::last_os_error()).with_context(|| format!("bringing {veth} up"));
    }
    Ok(())
}

/// The comment that tags every rule of one network.
pub fn rule_comment(network: &str, bridge: &str) -> String {
    format!("berth:{network}:{bridge}")
}

/// A network's rules, as docker's bridge driver sets them: masquerade what leaves the host from the
/// subnet, accept forwarding from the bridge and replies to it (hosts whose FORWARD policy is DROP, as
/// docker leaves it, would drop them otherwise). `--internal`: drop everything between the bridge and
/// any other interface instead, and no NAT.
pub fn network_rules(
    subnet: Subnet,
    bridge: &str,
    internal: bool,
    comment: &str,
) -> Vec<(&'static str, String)> {
    let c = format!("-m comment --comment {comment}");
    if internal {
        return vec![
            (
                "filter",
                format!("FORWARD -i {bridge} ! -o {bridge} {c} -j DROP"),
            ),
            (
                "filter",
                format!("FORWARD -o {bridge} ! -i {bridge} {c} -j DROP"),
            ),
        ];
    }
    vec![
        (
            "nat",
            format!("POSTROUTING -s {subnet} ! -o {bridge} {c} -j MASQUERADE"),
        ),
        ("filter", format!("FORWARD -i {bridge} {c} -j ACCEPT")),
        (
            "filter",
            format!("FORWARD -o {bridge} -m conntrack --ctstate RELATED,ESTABLISHED {c} -j ACCEPT"),
        ),
    ]
}

fn restore_input(rules: &[(&str, String)], op: &str) -> String {
    let mut s = String::new();
    for table in ["nat", "filter"] {
        let lines: Vec<&String> = rules
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, r)| r)
            .collect();
        if lines.is_empty() {
            continue;
        }
        s.push_str(&format!("*{table}\n"));
        for l in lines {
            s.push_str(&format!("{op} {l}\n"));
        }
        s.push_str("COMMIT\n");
    }
    s
}

fn iptables_restore(input: &str) -> Result<()> {
    let mut child = Command::new("iptables-restore")
        .args(["-w", "--noflush"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("running iptables-restore (iptables is required for NAT on bridge networks)")?;
    child
        .stdin
        .take()
        .context("iptables-restore stdin")?
        .write_all(input.as_bytes())
        .context("writing rules")?;
    let out = child
        .wait_with_output()
        .context("waiting for iptables-restore")?;
    if !out.status.success() {
        bail!(
            "iptables-restore failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Append rules, all or nothing (iptables-restore commits each table atomically).
pub fn add_rules(rules: &[(&str, String)]) -> Result<()> {
    if rules.is_empty() {
        return Ok(());
    }
    iptables_restore(&restore_input(rules, "-A"))
}

/// Remove every rule tagged `comment`: the fast path deletes the known rules in one run; if that fails
/// (some were already gone after a crash), scan `iptables-save` for the tag and delete what is left.
pub fn remove_rules(rules: &[(&str, String)], comment: &str) -> Result<()> {
    if !rules.is_empty() && iptables_restore(&restore_input(rules, "-D")).is_ok() {
        return Ok(());
    }
    remove_tagged_rules(comment)
}

/// Delete every rule whose comment is exactly `comment`, whatever it says.
pub fn remove_tagged_rules(comment: &str) -> Result<()> {
    let leftovers = tagged_rules(|c| c == comment)?;
    for (table, rule) in leftovers {
        iptables_restore(&restore_input(&[(table, rule)], "-D"))?;
    }
    Ok(())
}

/// Every rule (table, rule spec without -A) whose berth comment satisfies `pred`.
pub fn tagged_rules(pred: impl Fn(&str) -> bool) -> Result<Vec<(&'static str, String)>> {
    if Command::new("iptables-save")
        .arg("--version")
        .output()
        .is_err()
    {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for table in ["nat", "filter"] {
        let o = Command::new("iptables-save")
            .args(["-t", table])
            .output()
            .context("running iptables-save")?;
        for line in String::from_utf8_lossy(&o.stdout).lines() {
            let Some(rule) = line.strip_prefix("-A ") else {
                continue;
            };
            let Some(i) = rule.find("--comment ") else {
                continue;
            };
            let c = rule[i + 10..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches('"');
            if c.starts_with("berth:") && pred(c) {
                out.push((table, rule.to_string()));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_input_groups_rules_by_table() {
        let rules = network_rules(
            "10.88.0.0/16".parse().unwrap(),
            "berth0",
            false,
            "berth:bridge:berth0",
        );
        let s = restore_input(&rules, "-D");
        assert!(s.starts_with("*nat\n-D POSTROUTING -s 10.88.0.0/16 ! -o berth0 -m comment --comment berth:bridge:berth0 -j MASQUERADE\nCOMMIT\n*filter\n"), "{s}");
        assert_eq!(s.matches("COMMIT").count(), 2);
    }
}

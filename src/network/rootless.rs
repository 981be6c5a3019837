//! Rootless networking: pasta (preferred, podman 5's default) or slirp4netns, attached to a running
//! container's namespaces.
//!
//! The container's network namespace belongs to its user namespace, so the runtime creates both; the
//! monitor calls [`attach_rootless`] from the runtime's `on_namespaces` hook, before the payload runs, with
//! the pid of a process in those namespaces (`runtime::Namespaces::holder`). pasta is run
//! without `-f`: it daemonizes only after the namespace is configured, so its exit status is the
//! readiness signal, and it quits by itself when the namespace goes away. slirp4netns stays in the
//! foreground as the monitor's child; its `--ready-fd` says when the tap is up, and published ports are
//! added through its API socket (`add_hostfwd`).
//!
//! Must not depend on cli, engine, state. Invariant: the helper's pid is returned so the caller records
//! it (`network::record_rootless`) and teardown can stop it.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::IpAddr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::forward::{PortMapping, Proto, PublishedPort};

/// The rootless network helper berth found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RootlessTool {
    Pasta(PathBuf),
    Slirp4netns(PathBuf),
}

impl RootlessTool {
    /// `pasta` or `slirp4netns` (for `berth info`).
    pub fn name(&self) -> &'static str {
        match self {
            RootlessTool::Pasta(_) => "pasta",
            RootlessTool::Slirp4netns(_) => "slirp4netns",
        }
    }
}

/// A running rootless helper for one container.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RootlessNet {
    pub tool: RootlessTool,
    pub pid: u32,
    pub ports: Vec<PublishedPort>,
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// pasta if installed, else slirp4netns, else None.
pub fn rootless_tool() -> Option<RootlessTool> {
    if let Some(p) = find_in_path("pasta") {
        return Some(RootlessTool::Pasta(p));
    }
    find_in_path("slirp4netns").map(RootlessTool::Slirp4netns)
}

/// The address a rootless container gets (slirp4netns' fixed one; pasta is told to use it too).
pub const ROOTLESS_IP: &str = "10.0.2.100";
/// The gateway, which both tools map to the host.
pub const ROOTLESS_GATEWAY: &str = "10.0.2.2";

/// Host port `0` (`-P`, `-p 80`) must be chosen before pasta runs: ask the kernel for a free one.
fn pick_port(m: &PortMapping) -> Result<u16> {
    if m.host_port != 0 {
        return Ok(m.host_port);
    }
    let ip = m.host_ip.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let port = match m.proto {
        Proto::Tcp => std::net::TcpListener::bind((ip, 0))
            .and_then(|l| l.local_addr())?
            .port(),
        Proto::Udp => std::net::UdpSocket::bind((ip, 0))
            .and_then(|l| l.local_addr())?
            .port(),
    };
    Ok(port)
}

/// Give the container whose init is `pid` a network through the installed tool, with `ports` forwarded.
/// `sock_dir` holds the helper's pid file or API socket (the container's run dir).
pub fn attach_rootless(pid: u32, ports: &[PortMapping], sock_dir: &Path) -> Result<RootlessNet> {
    let tool = rootless_tool().context("rootless networking needs pasta (package passt) or slirp4netns; install one, or use --network none or host")?;
    let start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1024);
    check_unprivileged_ports(ports, start)?;
    let mut published = Vec::new();
    for m in ports {
        published.push(PublishedPort {
            host_ip: m.host_ip.unwrap_or(IpAddr::from([0, 0, 0, 0])),
            host_port: pick_port(m)?,
            container_port: m.container_port,
            proto: m.proto,
        });
    }
    let helper = match &tool {
        RootlessTool::Pasta(bin) => start_pasta(bin, pid, &published, sock_dir)?,
        RootlessTool::Slirp4netns(bin) => start_slirp4netns(bin, pid, &published, sock_dir)?,
    };
    Ok(RootlessNet {
        tool,
        pid: helper,
        ports: published,
    })
}

/// An unprivileged user cannot bind host ports below `net.ipv4.ip_unprivileged_port_start`; say so, with
/// the fix, before starting anything (rootlesskit PR 192).
fn check_unprivileged_ports(ports: &[PortMapping], start: u16) -> Result<()> {
    if let Some(m) = ports
        .iter()
        .find(|m| m.host_port != 0 && m.host_port < start)
    {
        bail!(
            "cannot publish host port {} rootless: ports below net.ipv4.ip_unprivileged_port_start ({start}) need privileges; use a higher host port, or run `sysctl net.ipv4.ip_unprivileged_port_start={}` as root",
            m.host_port,
            m.host_port
        );
    }
    Ok(())
}

fn pasta_spec(p: &PublishedPort) -> String {
    if p.host_ip.is_unspecified() {
        format!("{}:{}", p.host_port, p.container_port)
    } else {
        format!("{}/{}:{}", p.host_ip, p.host_port, p.container_port)
    }
}

fn start_pasta(bin: &Path, pid: u32, ports: &[PublishedPort], dir: &Path) -> Result<u32> {
    let pidfile = dir.join("pasta.pid");
    let mut cmd = Command::new(bin);
    cmd.args([
        "--config-net",
        "--quiet",
        "-a",
        ROOTLESS_IP,
        "-n",
        "24",
        "-g",
        ROOTLESS_GATEWAY,
    ]);
    // No automatic forwarding of whatever the container binds, and no path to the host's loopback
    // (docker's rootless semantics; slirp4netns --disable-host-loopback).
    for (flag, proto) in [("-t", Proto::Tcp), ("-u", Proto::Udp)] {
        let specs: Vec<String> = ports
            .iter()
            .filter(|p| p.proto == proto)
            .map(pasta_spec)
            .collect();
        if specs.is_empty() {
            cmd.args([flag, "none"]);
        }
        for s in specs {
            cmd.args([flag, &s]);
        }
    }
    cmd.args(["-T", "none", "-U", "none", "--pid"])
        .arg(&pidfile)
        .arg(pid.to_string());
    // SAFETY: only close_range between fork and exec (async-signal-safe, no allocation).
    unsafe {
        cmd.pre_exec(|| {
            super::forward::close_fds_from(3);
            Ok(())
        });
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if (err.contains("Address already in use") || err.contains("bind"))
            && let Some(p) = ports.first()
        {
            {
                bail!(
                    "Bind for {}:{} failed: port is already allocated ({})",
                    p.host_ip,
                    p.host_port,
                    err.trim()
                );
            }
        }
        bail!("pasta failed: {}", err.trim());
    }
    let text = std::fs::read_to_string(&pidfile)
        .with_context(|| format!("reading {}", pidfile.display()))?;
    text.trim()
        .parse()
        .with_context(|| format!("parsing pasta pid {text:?}"))
}

fn start_slirp4netns(bin: &Path, pid: u32, ports: &[PublishedPort], dir: &Path) -> Result<u32> {
    let sock = dir.join("slirp4netns.sock");
    let _ = std::fs::remove_file(&sock);
    let (rd, wr): (OwnedFd, OwnedFd) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating ready pipe")?;
    let mut cmd = Command::new(bin);
    cmd.args([
        "--configure",
        "--mtu=65520",
        "--disable-host-loopback",
        "--ready-fd=3",
    ])
    .arg(format!("--api-socket={}", sock.display()))
    .arg(format!("--userns-path=/proc/{pid}/ns/user"))
    .arg(pid.to_string())
    .arg("tap0")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    let wfd = wr.as_raw_fd();
    // SAFETY: only dup2 and close_range between fork and exec (async-signal-safe, no allocation).
    unsafe {
        cmd.pre_exec(move || {
            if libc::dup2(wfd, 3) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            super::forward::close_fds_from(4);
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    drop(wr);
    let mut ready = [0u8; 1];
    let mut f = std::fs::File::from(rd);
    if f.read(&mut ready).unwrap_or(0) != 1 {
        bail!("slirp4netns exited before the network was configured");
    }
    for p in ports {
        let req = serde_json::json!({"execute": "add_hostfwd", "arguments": {
            "proto": p.proto.to_string(), "host_addr": p.host_ip.to_string(),
            "host_port": p.host_port, "guest_port": p.container_port}});
        let mut s = std::os::unix::net::UnixStream::connect(&sock)
            .with_context(|| format!("connecting to {}", sock.display()))?;
        s.write_all(req.to_string().as_bytes())
            .context("asking slirp4netns to forward a port")?;
        s.shutdown(std::net::Shutdown::Write).ok();
        let mut line = String::new();
        BufReader::new(s).read_line(&mut line).ok();
        if line.contains("error") {
            bail!(
                "Bind for {}:{} failed: port is already allocated ({})",
                p.host_ip,
                p.host_port,
                line.trim()
            );
        }
    }
    Ok(child.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasta_port_specs_carry_the_address_only_when_given() {
        let any = PublishedPort {
            host_ip: "0.0.0.0".parse().unwrap(),
            host_port: 8080,
            container_port: 80,
            proto: Proto::Tcp,
        };
        assert_eq!(pasta_spec(&any), "8080:80");
        let lo = PublishedPort {
            host_ip: "127.0.0.1".parse().unwrap(),
            ..any
        };
        assert_eq!(pasta_spec(&lo), "127.0.0.1/8080:80");
    }

    #[test]
    fn low_host_ports_get_the_sysctl_hint() {
        let m = |p| PortMapping {
            host_ip: None,
            host_port: p,
            container_port: 80,
            proto: Proto::Tcp,
        };
        let e = check_unprivileged_ports(&[m(8080), m(80)], 1024)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("cannot publish host port 80 rootless")
                && e.contains("ip_unprivileged_port_start=80"),
            "{e}"
        );
        assert!(check_unprivileged_ports(&[m(8080), m(0)], 1024).is_ok());
        assert!(check_unprivileged_ports(&[m(80)], 0).is_ok());
    }

    #[test]
    fn a_rootless_tool_is_installed_here() {
        // passt and slirp4netns are test dependencies of berth (scripts/test.sh installs them).
        assert_eq!(rootless_tool().map(|t| t.name()), Some("pasta"));
    }
}

//! Published ports: binding the host sockets, and the userland forwarder that serves them.
//!
//! The sockets are bound by [`bind_ports`] in the process that prepares the network, before anything
//! else is created, so a taken port fails the run early with docker's message. They are handed to the
//! forwarder (`berth internal-network port-forward`, a child of the container's monitor) as fds 3, 4, ...
//! The forwarder copies TCP connections and relays UDP datagrams (one session per client address, closed
//! after [`UDP_IDLE`] without traffic) to the container's address. A userland forwarder, unlike a DNAT
//! rule alone, also serves connections to 127.0.0.1 (docker's userland-proxy does the same).
//!
//! Must not depend on cli, engine, state. Invariant: the forwarder exits when its owner (the monitor)
//! exits, watched through a pidfd, so it cannot outlive the container's supervisor by more than a moment.

pub use crate::types::{PortMapping, Proto};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a UDP session lives without traffic (docker's userland proxy: 90 s).
pub const UDP_IDLE: Duration = Duration::from_secs(90);

impl std::fmt::Display for Proto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        })
    }
}

impl std::str::FromStr for Proto {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Proto> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Ok(Proto::Tcp),
            "udp" => Ok(Proto::Udp),
            _ => bail!("invalid proto: {s}"),
        }
    }
}

/// A mapping as it was bound: the actual host port (docker's `HostPort`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedPort {
    pub host_ip: IpAddr,
    pub host_port: u16,
    pub container_port: u16,
    pub proto: Proto,
}

/// A published port whose host socket is already bound.
#[derive(Debug)]
pub struct BoundPort {
    pub published: PublishedPort,
    pub fd: OwnedFd,
}

/// docker's error for a taken host port (exit 125 from `run`).
#[derive(Debug, thiserror::Error)]
#[error("Bind for {addr} failed: port is already allocated")]
pub struct PortAllocated {
    pub addr: String,
}

fn show_addr(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(v) => format!("{v}:{port}"),
        IpAddr::V6(v) => format!("[{v}]:{port}"),
    }
}

/// Bind every host socket now. A port in use is a [`PortAllocated`] error and nothing stays bound.
pub fn bind_ports(ports: &[PortMapping]) -> Result<Vec<BoundPort>> {
    let mut out = Vec::new();
    for m in ports {
        let ip = m.host_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let addr = SocketAddr::new(ip, m.host_port);
        let bound: std::io::Result<(OwnedFd, u16)> = match m.proto {
            Proto::Tcp => TcpListener::bind(addr).and_then(|l| {
                let port = l.local_addr()?.port();
                Ok((OwnedFd::from(l), port))
            }),
            Proto::Udp => UdpSocket::bind(addr).and_then(|s| {
                let port = s.local_addr()?.port();
                Ok((OwnedFd::from(s), port))
            }),
        };
        match bound {
            Ok((fd, port)) => out.push(BoundPort {
                published: PublishedPort {
                    host_ip: ip,
                    host_port: port,
                    container_port: m.container_port,
                    proto: m.proto,
                },
                fd,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                return Err(PortAllocated {
                    addr: show_addr(ip, m.host_port),
                }
                .into());
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("binding {} ({})", show_addr(ip, m.host_port), m.proto)
                });
            }
        }
    }
    Ok(out)
}

/// Start the forwarder for `ports` towards `container_ip`, as a child of the caller. Returns its pid.
pub fn spawn_forwarder(
    exe: &Path,
    container_ip: IpAddr,
    ports: Vec<BoundPort>,
    owner_pid: u32,
) -> Result<u32> {
    let mut cmd = Command::new(exe);
    cmd.args([
        "internal-network",
        "port-forward",
        "--container-ip",
        &container_ip.to_string(),
    ]);
    cmd.args(["--owner-pid", &owner_pid.to_string()]);
    for (i, p) in ports.iter().enumerate() {
        cmd.args([
            "--map",
            &format!(
                "{}:{}:{}",
                p.published.proto,
                3 + i,
                p.published.container_port
            ),
        ]);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let fds: Vec<i32> = ports.iter().map(|p| p.fd.as_raw_fd()).collect();
    // SAFETY: the closure runs between fork and exec and only calls dup2/fcntl/setsid, which are
    // async-signal-safe; it allocates nothing (`fds` was built before the fork).
    unsafe {
        cmd.pre_exec(move || {
            // First move every fd above the target range so that dup2 never clobbers a source.
            let base = 3 + fds.len() as i32 + 64;
            for (i, fd) in fds.iter().enumerate() {
                if libc::dup2(*fd, base + i as i32) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            for i in 0..fds.len() as i32 {
                if libc::dup2(base + i, 3 + i) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(base + i);
            }
            close_fds_from(3 + fds.len() as u32);
            // Out of the caller's process group: a ^C at the foreground `run` is the monitor's to handle.
            libc::setsid();
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .with_context(|| format!("starting port forwarder {}", exe.display()))?;
    drop(ports);
    Ok(child.id())
}

/// Close every fd from `first` up, between fork and exec (close_range(2) is async-signal-safe). A
/// long-lived helper must not keep a descriptor its parent inherited without CLOEXEC: the monitor's
/// ready pipe held by a forwarder or pasta would keep `berth run -d` waiting for EOF forever.
pub(crate) fn close_fds_from(first: u32) {
    // SAFETY: close_range takes plain integers and only closes descriptors of this (forked) process.
    unsafe {
        libc::syscall(libc::SYS_close_range, first, u32::MAX, 0);
    }
}

/// One `--map proto:fd:container_port` of the forwarder's command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardMap {
    pub proto: Proto,
    pub fd: i32,
    pub container_port: u16,
}

impl std::str::FromStr for ForwardMap {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<ForwardMap> {
        let parts: Vec<&str> = s.split(':').collect();
        let [proto, fd, port] = parts[..] else {
            bail!("invalid forward map {s}: want proto:fd:port")
        };
        Ok(ForwardMap {
            proto: proto.parse()?,
            fd: fd.parse()?,
            container_port: port.parse()?,
        })
    }
}

/// The forwarder's main loop: serve every map until the owner exits (or forever when `owner_pid` is 0).
/// Runs in its own process (`berth internal-network port-forward`).
pub fn run_forwarder(container_ip: IpAddr, maps: &[ForwardMap], owner_pid: u32) -> Result<()> {
    for m in maps {
        let target = SocketAddr::new(container_ip, m.container_port);
        // SAFETY: the spawner placed a bound socket of this protocol at this fd for us, and nothing else owns it.
        let fd = unsafe { OwnedFd::from_raw_fd(m.fd) };
        match m.proto {
            Proto::Tcp => {
                let l = TcpListener::from(fd);
                std::thread::spawn(move || serve_tcp(l, target));
            }
            Proto::Udp => {
                let s = UdpSocket::from(fd);
                std::thread::spawn(move || serve_udp(s, target));
            }
        }
    }
    wait_for_owner(owner_pid)
}

fn wait_for_owner(owner_pid: u32) -> Result<()> {
    if owner_pid == 0 {
        loop {
            std::thread::park();
        }
    }
    // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
    let pfd = unsafe { libc::syscall(libc::SYS_pidfd_open, owner_pid as libc::pid_t, 0) } as i32;
    if pfd < 0 {
        // The owner is already gone.
        return Ok(());
    }
    let mut p = libc::pollfd {
        fd: pfd,
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd; a pidfd becomes readable when the process exits.
        let r = unsafe { libc::poll(&mut p, 1, -1) };
        if r > 0 {
            return Ok(());
        }
        if r < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return Err(std::io::Error::last_os_error()).context("watching the owner");
        }
    }
}

fn serve_tcp(listener: TcpListener, target: SocketAddr) {
    for conn in listener.incoming() {
        let Ok(client) = conn else { continue };
        std::thread::spawn(move || {
            let Ok(upstream) = TcpStream::connect_timeout(&target, Duration::from_secs(5)) else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = upstream.set_nodelay(true);
            let (Ok(c2), Ok(u2)) = (client.try_clone(), upstream.try_clone()) else {
                return;
            };
            let t = std::thread::spawn(move || pump(c2, u2));
            pump(upstream, client);
            let _ = t.join();
        });
    }
}

/// Copy `from` to `to` until EOF, then half-close `to` so the peer sees the end too.
fn pump(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 32 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

type Sessions = Arc<Mutex<HashMap<SocketAddr, (Arc<UdpSocket>, Instant)>>>;

fn serve_udp(listener: UdpSocket, target: SocketAddr) {
    let listener = Arc::new(listener);
    let sessions: Sessions = Arc::new(Mutex::new(HashMap::new()));
    let mut buf = vec![0u8; 65_536];
    loop {
        let Ok((n, client)) = listener.recv_from(&mut buf) else {
            continue;
        };
        let upstream = {
            let mut map = sessions.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((s, seen)) = map.get_mut(&client) {
                *seen = Instant::now();
                Some(s.clone())
            } else {
                let bind = if target.is_ipv4() {
                    "0.0.0.0:0"
                } else {
                    "[::]:0"
                };
                match UdpSocket::bind(bind).and_then(|s| s.connect(target).map(|_| s)) {
                    Ok(s) => {
                        let s = Arc::new(s);
                        map.insert(client, (s.clone(), Instant::now()));
                        let (l, ss, up) = (listener.clone(), sessions.clone(), s.clone());
                        std::thread::spawn(move || udp_replies(up, l, client, ss));
                        Some(s)
                    }
                    Err(_) => None,
                }
            }
        };
        if let Some(up) = upstream {
            let _ = up.send(&buf[..n]);
        }
    }
}

/// Relay the container's answers for one client until the session idles out.
fn udp_replies(
    up: Arc<UdpSocket>,
    listener: Arc<UdpSocket>,
    client: SocketAddr,
    sessions: Sessions,
) {
    let _ = up.set_read_timeout(Some(Duration::from_secs(1)));
    let mut buf = vec![0u8; 65_536];
    loop {
        match up.recv(&mut buf) {
            Ok(n) => {
                let _ = listener.send_to(&buf[..n], client);
                if let Some(e) = sessions
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_mut(&client)
                {
                    e.1 = Instant::now();
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                let mut map = sessions.lock().unwrap_or_else(|e| e.into_inner());
                if map
                    .get(&client)
                    .is_none_or(|(_, seen)| seen.elapsed() > UDP_IDLE)
                {
                    map.remove(&client);
                    return;
                }
            }
            // ECONNREFUSED from an ICMP port unreachable: nobody listens yet; keep the session.
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_conflict_names_the_address_like_docker() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let m = PortMapping {
            host_ip: Some("127.0.0.1".parse().unwrap()),
            host_port: port,
            container_port: 80,
            proto: Proto::Tcp,
        };
        let err = bind_ports(&[m]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Bind for 127.0.0.1:{port} failed: port is already allocated")
        );
        assert!(err.downcast_ref::<PortAllocated>().is_some());
    }

    #[test]
    fn random_host_port_is_reported() {
        let m = PortMapping {
            host_ip: Some("127.0.0.1".parse().unwrap()),
            host_port: 0,
            container_port: 53,
            proto: Proto::Udp,
        };
        let b = bind_ports(&[m]).unwrap();
        assert_ne!(b[0].published.host_port, 0);
        assert_eq!(b[0].published.proto, Proto::Udp);
    }

    #[test]
    fn forward_map_parses() {
        let m: ForwardMap = "udp:4:53".parse().unwrap();
        assert_eq!(
            m,
            ForwardMap {
                proto: Proto::Udp,
                fd: 4,
                container_port: 53
            }
        );
        crate::testing::assert_err("tcp:3".parse::<ForwardMap>(), "invalid forward map tcp:3");
    }
}

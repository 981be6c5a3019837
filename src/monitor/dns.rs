//! The container's side of docker's embedded DNS: the monitor of a container on a user-defined network
//! owns a UDP and a TCP socket bound to 127.0.0.11:53 inside the container's network namespace, and
//! answers in its poll loop (docs/architecture.md, process model): names of containers from the leases
//! (`network::dns`, looked up per query), every other query forwarded to the upstream resolvers from
//! the host's namespace through a table of pending queries, so nothing ever blocks the loop.
//!
//! Depends on network and store. Invariant: the sockets exist only in the container's namespace; a
//! packet is untrusted (docs/security.md F8), and everything the resolver holds is bounded: pending
//! queries, TCP connections and their buffers, packets read per round.

use crate::network::dns::{self as ndns, Decision, Plan};
use crate::network::{Prepared, ipam, link};
use crate::store::Paths;
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// How long one upstream gets before the next is tried (resolv.conf's default is 5 s per server;
/// a client retries on its own after that, so the resolver answers SERVFAIL before it would).
const UPSTREAM_TIMEOUT: Duration = Duration::from_millis(1500);
const MAX_PENDING: usize = 256;
const MAX_TCP: usize = 16;
const TCP_IDLE: Duration = Duration::from_secs(10);
/// Bytes queued for one TCP client that does not read.
const MAX_TCP_OUT: usize = 256 * 1024;
/// Packets read from one socket per round, so a flood cannot starve the payload's output.
const PER_ROUND: usize = 64;

/// pollfd slots of [`Resolver::pollfds`]: the client sockets, the upstream sockets, then connections.
const SLOT_UDP: usize = 0;
const SLOT_TCP: usize = 1;
const SLOT_UP4: usize = 2;
const SLOT_UP6: usize = 3;
const SLOT_CONNS: usize = 4;

/// The resolver of one container (one supervised run).
pub(super) struct Resolver {
    paths: Paths,
    container_id: String,
    udp: UdpSocket,
    tcp: TcpListener,
    up4: Option<UdpSocket>,
    up6: Option<UdpSocket>,
    upstreams: Vec<SocketAddr>,
    /// Forwarded queries by the id they were sent upstream with.
    pending: HashMap<u16, Pending>,
    conns: Vec<Conn>,
    next_token: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Udp(SocketAddr),
    Tcp(u64),
}

struct Pending {
    origin: Origin,
    client_id: u16,
    /// The query as sent upstream (with our id).
    packet: Vec<u8>,
    /// The upstream being tried (index in `upstreams`).
    upstream: usize,
    deadline: Instant,
    /// The same query over TCP, once the upstream's UDP answer was truncated for a TCP client.
    tcp: Option<UpTcp>,
}

/// A TCP exchange with an upstream (RFC 7766: a truncated UDP answer is retried over TCP).
struct UpTcp {
    stream: TcpStream,
    out: Vec<u8>,
    inbuf: Vec<u8>,
}

struct Conn {
    token: u64,
    stream: TcpStream,
    inbuf: Vec<u8>,
    out: Vec<u8>,
    last: Instant,
    eof: bool,
    dead: bool,
}

/// The resolver for the container whose network `net` is, or None when it gets none (default bridge,
/// none, host, `container:`, rootless). Called after the network is set up and before the launch, so
/// the payload's first query finds it.
pub(super) fn open_for(
    paths: &Paths,
    id: &str,
    net: &Prepared,
    dns: &crate::network::DnsOptions,
) -> Result<Option<Resolver>> {
    match ndns::plan(paths, id, net, dns) {
        Some(plan) => Resolver::open(paths, plan).map(Some),
        None => Ok(None),
    }
}

impl Resolver {
    fn open(paths: &Paths, plan: Plan) -> Result<Resolver> {
        let (udp, tcp) = link::in_netns(&plan.netns, || {
            let addr = SocketAddr::from((ndns::RESOLVER_IP, 53));
            let udp = UdpSocket::bind(addr).context("binding udp 127.0.0.11:53")?;
            let tcp = TcpListener::bind(addr).context("binding tcp 127.0.0.11:53")?;
            Ok((udp, tcp))
        })
        .context("starting the embedded DNS resolver in the container's network namespace")?;
        udp.set_nonblocking(true)?;
        tcp.set_nonblocking(true)?;
        // Upstream sockets live in the host's namespace (the monitor's): the host's resolvers are
        // reachable from here whatever the container's routes say.
        let bind_up = |any: &str| -> Option<UdpSocket> {
            let s = UdpSocket::bind(any).ok()?;
            s.set_nonblocking(true).ok()?;
            Some(s)
        };
        let up4 = plan
            .upstreams
            .iter()
            .any(SocketAddr::is_ipv4)
            .then(|| bind_up("0.0.0.0:0"))
            .flatten();
        let up6 = plan
            .upstreams
            .iter()
            .any(SocketAddr::is_ipv6)
            .then(|| bind_up("[::]:0"))
            .flatten();
        Ok(Resolver {
            paths: paths.clone(),
            container_id: plan.container_id,
            udp,
            tcp,
            up4,
            up6,
            upstreams: plan.upstreams,
            pending: HashMap::new(),
            conns: Vec::new(),
            next_token: 0,
        })
    }

    /// The descriptors to poll, in the slot order [`Resolver::handle`] expects.
    pub(super) fn pollfds(&self) -> Vec<libc::pollfd> {
        let fd = |s: &Option<UdpSocket>| s.as_ref().map_or(-1, |s| s.as_raw_fd());
        let pfd = |fd: i32, events: libc::c_short| libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        let mut v = vec![
            pfd(self.udp.as_raw_fd(), libc::POLLIN),
            pfd(self.tcp.as_raw_fd(), libc::POLLIN),
            pfd(fd(&self.up4), libc::POLLIN),
            pfd(fd(&self.up6), libc::POLLIN),
        ];
        for c in &self.conns {
            let out = if c.out.is_empty() { 0 } else { libc::POLLOUT };
            // After the client's end of file, reading again would report it every round.
            let input = if c.eof { 0 } else { libc::POLLIN };
            v.push(pfd(c.stream.as_raw_fd(), input | out));
        }
        for id in self.tcp_pending() {
            if let Some(t) = self.pending.get(&id).and_then(|p| p.tcp.as_ref()) {
                let ev = if t.out.is_empty() {
                    libc::POLLIN
                } else {
                    libc::POLLOUT
                };
                v.push(pfd(t.stream.as_raw_fd(), ev));
            }
        }
        v
    }

    /// The forwarded queries that talk TCP to their upstream, in the order of their pollfd slots.
    fn tcp_pending(&self) -> Vec<u16> {
        let mut ids: Vec<u16> = self
            .pending
            .iter()
            .filter(|(_, p)| p.tcp.is_some())
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// How long the poll may sleep: `max` ms, less when a forwarded query or a connection expires sooner.
    pub(super) fn timeout_ms(&self, max: i32) -> i32 {
        let now = Instant::now();
        let next = self
            .pending
            .values()
            .map(|p| p.deadline)
            .chain(self.conns.iter().map(|c| c.last + TCP_IDLE))
            .min();
        match next {
            Some(t) => (t.saturating_duration_since(now).as_millis() as i32 + 1).min(max),
            None => max,
        }
    }

    /// One round: serve what `pfds` (from [`Resolver::pollfds`], after poll) says is ready, then expire
    /// forwarded queries and idle connections. Called every round, also after a poll timeout.
    pub(super) fn handle(&mut self, pfds: &[libc::pollfd]) {
        let ready = |slot: usize| pfds.get(slot).is_some_and(|p| p.revents != 0);
        // The slots as pollfds made them, before this round changes connections or pending queries.
        let (nconns, tcp_ids) = (self.conns.len(), self.tcp_pending());
        if ready(SLOT_UDP) {
            self.serve_udp();
        }
        if ready(SLOT_UP4) {
            self.read_upstream(false);
        }
        if ready(SLOT_UP6) {
            self.read_upstream(true);
        }
        // Connections accepted in this round have no slot yet: they are served from the next round.
        for i in 0..nconns {
            if let Some(p) = pfds.get(SLOT_CONNS + i).filter(|p| p.revents != 0) {
                self.serve_conn(i, p.revents);
            }
        }
        for (k, id) in tcp_ids.into_iter().enumerate() {
            if let Some(p) = pfds.get(SLOT_CONNS + nconns + k).filter(|p| p.revents != 0) {
                self.serve_upstream_tcp(id, p.revents);
            }
        }
        if ready(SLOT_TCP) {
            self.accept();
        }
        self.expire(Instant::now());
    }

    fn serve_udp(&mut self) {
        let mut buf = [0u8; 4096];
        for _ in 0..PER_ROUND {
            let Ok((n, from)) = self.udp.recv_from(&mut buf) else {
                return;
            };
            let members = self.members_for(&buf[..n]);
            match ndns::decide(&buf[..n], &members, false) {
                Some(Decision::Reply(r)) => {
                    let _ = self.udp.send_to(&r, from);
                }
                Some(Decision::Forward) => self.forward(&buf[..n], Origin::Udp(from)),
                None => {}
            }
        }
    }

    /// The members to answer `packet` from, read only for a query that parses (a flood of garbage
    /// costs no file reads).
    fn members_for(&self, packet: &[u8]) -> Vec<ndns::Member> {
        match ndns::parse_query(packet) {
            Ok(_) => ndns::members(&self.paths, &self.container_id),
            Err(_) => Vec::new(),
        }
    }

    /// Send `packet` to the first upstream that takes it, under an id of our own.
    fn forward(&mut self, packet: &[u8], origin: Origin) {
        if self.upstreams.is_empty() {
            // --internal: nothing leaves the network (docker gives no external resolution there).
            return self.deliver_failure(packet, origin, ndns::RCODE_REFUSED);
        }
        if self.pending.len() >= MAX_PENDING || packet.len() < 2 {
            return self.deliver_failure(packet, origin, ndns::RCODE_SERVFAIL);
        }
        let id = loop {
            let id = u16::from_str_radix(&ipam::random_hex(2), 16).unwrap_or(0);
            if !self.pending.contains_key(&id) {
                break id;
            }
        };
        let mut sent = packet.to_vec();
        sent[..2].copy_from_slice(&id.to_be_bytes());
        let mut p = Pending {
            origin,
            client_id: u16::from_be_bytes([packet[0], packet[1]]),
            packet: sent,
            upstream: 0,
            deadline: Instant::now(),
            tcp: None,
        };
        if self.send_upstream(&mut p) {
            self.pending.insert(id, p);
        } else {
            self.deliver_failure(packet, origin, ndns::RCODE_SERVFAIL);
        }
    }

    /// Try `p.upstream` and the ones after it until one send succeeds.
    fn send_upstream(&self, p: &mut Pending) -> bool {
        while let Some(addr) = self.upstreams.get(p.upstream) {
            let sock = if addr.is_ipv4() { &self.up4 } else { &self.up6 };
            if let Some(s) = sock
                && s.send_to(&p.packet, addr).is_ok()
            {
                p.deadline = Instant::now() + UPSTREAM_TIMEOUT;
                return true;
            }
            p.upstream += 1;
        }
        false
    }

    fn read_upstream(&mut self, v6: bool) {
        let mut buf = vec![0u8; 65535];
        for _ in 0..PER_ROUND {
            let sock = if v6 { &self.up6 } else { &self.up4 };
            let Some(Ok((n, from))) = sock.as_ref().map(|s| s.recv_from(&mut buf)) else {
                return;
            };
            // A response (QR set) to a pending id, from the server it was sent to.
            if n < 12 || buf[2] & 0x80 == 0 {
                continue;
            }
            let id = u16::from_be_bytes([buf[0], buf[1]]);
            let Some(p) = self.pending.get_mut(&id) else {
                continue;
            };
            if self.upstreams.get(p.upstream) != Some(&from) || p.tcp.is_some() {
                continue;
            }
            // Truncated for a client that asked over TCP: ask the same upstream over TCP.
            if buf[2] & 0x02 != 0
                && matches!(p.origin, Origin::Tcp(_))
                && let Some(t) = start_tcp(from, &p.packet)
            {
                p.tcp = Some(t);
                p.deadline = Instant::now() + UPSTREAM_TIMEOUT;
                continue;
            }
            let Some(p) = self.pending.remove(&id) else {
                continue;
            };
            buf[..2].copy_from_slice(&p.client_id.to_be_bytes());
            self.deliver(p.origin, &buf[..n]);
        }
    }

    /// Forwarded queries past their deadline go to the next upstream, or get SERVFAIL when none is
    /// left; connections idle too long, or finished, are closed.
    fn expire(&mut self, now: Instant) {
        let late: Vec<u16> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in late {
            let Some(mut p) = self.pending.remove(&id) else {
                continue;
            };
            p.upstream += 1;
            p.tcp = None;
            if self.send_upstream(&mut p) {
                self.pending.insert(id, p);
            } else {
                let mut original = p.packet;
                original[..2].copy_from_slice(&p.client_id.to_be_bytes());
                self.deliver_failure(&original, p.origin, ndns::RCODE_SERVFAIL);
            }
        }
        let waiting: Vec<u64> = self
            .pending
            .values()
            .filter_map(|p| match p.origin {
                Origin::Tcp(t) => Some(t),
                Origin::Udp(_) => None,
            })
            .collect();
        self.conns.retain(|c| {
            let done = c.eof && c.out.is_empty() && !waiting.contains(&c.token);
            !(c.dead || done || now.duration_since(c.last) > TCP_IDLE)
        });
    }

    /// Writes the query to, or reads the answer from, the upstream's TCP connection of pending `id`.
    fn serve_upstream_tcp(&mut self, id: u16, revents: libc::c_short) {
        let Some(t) = self.pending.get_mut(&id).and_then(|p| p.tcp.as_mut()) else {
            return;
        };
        let mut failed = revents & (libc::POLLERR | libc::POLLNVAL) != 0;
        let mut answer = None;
        if !failed && !t.out.is_empty() {
            match t.stream.write(&t.out) {
                Ok(n) if n > 0 => drop(t.out.drain(..n)),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                _ => failed = true,
            }
        } else if !failed {
            let mut buf = [0u8; 4096];
            match t.stream.read(&mut buf) {
                Ok(n) if n > 0 && t.inbuf.len() + n <= 2 + 65535 => {
                    t.inbuf.extend_from_slice(&buf[..n]);
                    if t.inbuf.len() >= 2 {
                        let end = 2 + u16::from_be_bytes([t.inbuf[0], t.inbuf[1]]) as usize;
                        answer = t.inbuf.get(2..end).map(<[u8]>::to_vec);
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                _ => failed = true,
            }
        }
        if failed {
            // The deadline moves the query on to the next upstream, or to SERVFAIL.
            if let Some(p) = self.pending.get_mut(&id) {
                p.deadline = Instant::now();
            }
            return;
        }
        let Some(mut msg) = answer.filter(|m| m.len() >= 12 && m[..2] == id.to_be_bytes()) else {
            return;
        };
        if let Some(p) = self.pending.remove(&id) {
            msg[..2].copy_from_slice(&p.client_id.to_be_bytes());
            self.deliver(p.origin, &msg);
        }
    }

    fn deliver_failure(&mut self, packet: &[u8], origin: Origin, rcode: u8) {
        if let Some(r) = ndns::failure(packet, rcode) {
            self.deliver(origin, &r);
        }
    }

    fn deliver(&mut self, origin: Origin, msg: &[u8]) {
        match origin {
            Origin::Udp(to) => {
                let _ = self.udp.send_to(msg, to);
            }
            Origin::Tcp(token) => {
                if let Some(c) = self.conns.iter_mut().find(|c| c.token == token) {
                    queue_framed(c, msg);
                    flush(c);
                }
            }
        }
    }

    fn accept(&mut self) {
        for _ in 0..PER_ROUND {
            let Ok((stream, _)) = self.tcp.accept() else {
                return;
            };
            if self.conns.len() >= MAX_TCP || stream.set_nonblocking(true).is_err() {
                continue; // dropped: the client retries or gives up
            }
            self.next_token += 1;
            self.conns.push(Conn {
                token: self.next_token,
                stream,
                inbuf: Vec::new(),
                out: Vec::new(),
                last: Instant::now(),
                eof: false,
                dead: false,
            });
        }
    }

    /// Reads the length-prefixed queries of connection `i` (RFC 1035 4.2.2) and writes what is queued.
    fn serve_conn(&mut self, i: usize, revents: libc::c_short) {
        let mut buf = [0u8; 4096];
        let c = &mut self.conns[i];
        c.last = Instant::now();
        if revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            // Gone both ways (a half-closed client gets POLLIN, not POLLHUP): nothing can be delivered.
            c.dead = true;
            return;
        }
        flush(c);
        if c.eof {
            return;
        }
        match c.stream.read(&mut buf) {
            Ok(0) => c.eof = true,
            Ok(n) => c.inbuf.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => c.dead = true,
        }
        let token = c.token;
        let mut queries = Vec::new();
        while c.inbuf.len() >= 2 {
            let len = u16::from_be_bytes([c.inbuf[0], c.inbuf[1]]) as usize;
            if c.inbuf.len() < 2 + len {
                break;
            }
            queries.push(c.inbuf[2..2 + len].to_vec());
            c.inbuf.drain(..2 + len);
        }
        if queries.is_empty() {
            return;
        }
        for q in queries {
            let members = self.members_for(&q);
            match ndns::decide(&q, &members, true) {
                Some(Decision::Reply(r)) => self.deliver(Origin::Tcp(token), &r),
                Some(Decision::Forward) => self.forward(&q, Origin::Tcp(token)),
                None => {}
            }
        }
    }
}

fn queue_framed(c: &mut Conn, msg: &[u8]) {
    if c.out.len() + msg.len() + 2 > MAX_TCP_OUT || msg.len() > 65535 {
        c.dead = true;
        return;
    }
    c.out.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    c.out.extend_from_slice(msg);
}

fn flush(c: &mut Conn) {
    while !c.out.is_empty() {
        match c.stream.write(&c.out) {
            Ok(0) => {
                c.dead = true;
                return;
            }
            Ok(n) => {
                c.out.drain(..n);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(_) => {
                c.dead = true;
                return;
            }
        }
    }
}

/// A non-blocking TCP connection to `to` with `query` queued, length-prefixed; None when even the
/// socket cannot be made (the truncated UDP answer is delivered instead).
fn start_tcp(to: SocketAddr, query: &[u8]) -> Option<UpTcp> {
    use std::os::fd::FromRawFd;
    let family = if to.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // SAFETY: socket(2) with constant arguments; the fd is owned by the TcpStream right after.
    let fd = unsafe {
        libc::socket(
            family,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    };
    if fd < 0 {
        return None;
    }
    // SAFETY: a fresh socket nobody else owns.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    let r = match to {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            let len = std::mem::size_of_val(&sin) as libc::socklen_t;
            // SAFETY: connect(2) on our socket with a fully initialised sockaddr_in of its size.
            unsafe { libc::connect(fd, (&raw const sin).cast(), len) }
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            let len = std::mem::size_of_val(&sin6) as libc::socklen_t;
            // SAFETY: connect(2) on our socket with a fully initialised sockaddr_in6 of its size.
            unsafe { libc::connect(fd, (&raw const sin6).cast(), len) }
        }
    };
    if r != 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINPROGRESS) {
        return None;
    }
    let mut out = (query.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(query);
    Some(UpTcp {
        stream,
        out,
        inbuf: Vec::new(),
    })
}

//! docker's embedded DNS for user-defined networks, without a daemon: the message codec (a query's
//! header and question; answers with A and PTR records) and the lookup of a name among the containers
//! that share a user network with the asking one. The sockets and the forwarding to upstream resolvers
//! live in the container's monitor (`monitor/dns.rs`), which answers at 127.0.0.11:53 inside the
//! container's network namespace (docs/architecture.md, process model).
//!
//! Names are looked up at query time in the leases berth already keeps (docs/layout.md "Networks": name,
//! aliases, container id per address), so a container started later resolves and a removed one does not,
//! with nothing cached and nothing pushed to running containers.
//!
//! Must not depend on cli, engine, state or runtime; nothing here prints. Invariant: every packet comes
//! from the container (untrusted, docs/security.md F8): parsing is bounds-checked, never panics, and an
//! answer berth makes is never larger than the client may receive over UDP (512 bytes, or its EDNS
//! size, at most 4096); forwarded answers are the upstream's, sized by the client's own query.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use super::record::{alive, read_record};
use super::{DnsOptions, Prepared, SpecNetns, files, ipam, short_id};
use crate::store::Paths;

/// docker's resolver address inside every container on a user-defined network.
pub const RESOLVER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 11);
/// The TTL docker's embedded DNS gives its answers (moby `libnetwork/resolver.go` respTTL).
pub const ANSWER_TTL: u32 = 600;

pub const TYPE_A: u16 = 1;
pub const TYPE_PTR: u16 = 12;
pub const TYPE_AAAA: u16 = 28;
pub const TYPE_OPT: u16 = 41;
pub const TYPE_ANY: u16 = 255;

pub const RCODE_NOERROR: u8 = 0;
pub const RCODE_FORMERR: u8 = 1;
pub const RCODE_SERVFAIL: u8 = 2;
pub const RCODE_NXDOMAIN: u8 = 3;
pub const RCODE_NOTIMP: u8 = 4;
pub const RCODE_REFUSED: u8 = 5;

const HEADER: usize = 12;
/// The largest UDP response we send to a client that advertised no EDNS size (RFC 1035 4.2.1).
const PLAIN_UDP: usize = 512;
/// The cap on an EDNS client's advertised size.
const MAX_UDP: usize = 4096;

/// Does a container on `networks` get the embedded resolver? As docker: only when it is on a
/// user-defined network (the default bridge keeps the host's resolvers), and not rootless, where
/// berth's "networks" are a private pasta/slirp4netns namespace per container with no peers to name.
pub fn embedded(networks: &[String], rootless: bool) -> bool {
    !rootless && networks.iter().any(|n| n != ipam::DEFAULT_NETWORK)
}

/// What the container's monitor needs to run the resolver (see [`plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The container's network namespace, where 127.0.0.11:53 is bound.
    pub netns: PathBuf,
    pub container_id: String,
    /// Where names berth does not know go (`--dns`, else the host's resolvers), tried in order.
    /// Queried from the host's namespace, where the monitor runs, so a loopback resolver of the host
    /// (systemd-resolved, dnsmasq) is reachable too. Empty: nothing is forwarded (REFUSED).
    pub upstreams: Vec<SocketAddr>,
}

/// The resolver the monitor must run for a container whose network `prepared` describes, or None
/// (default bridge only, none, host, `container:`, rootless: as today, no resolver).
pub fn plan(
    paths: &Paths,
    container_id: &str,
    prepared: &Prepared,
    dns: &DnsOptions,
) -> Option<Plan> {
    let networks: Vec<String> = prepared
        .endpoints
        .iter()
        .map(|e| e.network.clone())
        .collect();
    if !embedded(&networks, paths.rootless) {
        return None;
    }
    let SpecNetns::Join(netns) = &prepared.netns else {
        return None;
    };
    // docker: a container only on --internal networks gets no external name resolution.
    let internal = networks
        .iter()
        .filter(|n| *n != ipam::DEFAULT_NETWORK)
        .all(|n| matches!(ipam::try_load(paths, n), Ok(Some(c)) if c.internal));
    let upstreams = if internal {
        vec![]
    } else {
        upstreams(&files::host_resolv_conf(), dns)
    };
    Some(Plan {
        netns: netns.clone(),
        container_id: container_id.to_string(),
        upstreams,
    })
}

/// `--dns` servers, else the nameservers of the host's resolv.conf (loopback ones included: the
/// monitor forwards from the host's namespace), else docker's fallback; at most three, port 53.
pub fn upstreams(host_resolv_conf: &str, dns: &DnsOptions) -> Vec<SocketAddr> {
    let mut ips: Vec<IpAddr> = dns.servers.clone();
    if ips.is_empty() {
        ips = host_resolv_conf
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                (w.next() == Some("nameserver")).then(|| w.next()).flatten()
            })
            .filter_map(|a| a.parse::<IpAddr>().ok())
            .filter(|ip| *ip != IpAddr::V4(RESOLVER_IP))
            .collect();
    }
    if ips.is_empty() {
        ips = files::FALLBACK_NAMESERVERS
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect();
    }
    ips.truncate(3);
    ips.into_iter().map(|ip| SocketAddr::new(ip, 53)).collect()
}

/// A DNS query as the resolver needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub id: u16,
    /// The RD bit, echoed in the response.
    pub recursion_desired: bool,
    /// The question name, lowercased, without the trailing dot ("" is the root).
    pub name: String,
    pub qtype: u16,
    pub qclass: u16,
    /// The question section as received (echoed in the response; answers point at its name).
    question: Vec<u8>,
    /// The largest UDP response the client takes (512, or its EDNS size capped at 4096).
    pub udp_size: usize,
}

/// Why a packet got no answer from the codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Not even a header, or a response: dropped silently (answering could loop or reflect).
    Drop,
    /// A query we can tell the id of: answer with this rcode and no question.
    Reply(u16, u8),
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Parse a query: one question, opcode QUERY, class IN (or ANY). Never panics on any input.
pub fn parse_query(buf: &[u8]) -> Result<Query, Malformed> {
    if buf.len() < HEADER {
        return Err(Malformed::Drop);
    }
    let id = u16::from_be_bytes([buf[0], buf[1]]);
    let flags = u16::from_be_bytes([buf[2], buf[3]]);
    if flags & 0x8000 != 0 {
        return Err(Malformed::Drop);
    }
    if (flags >> 11) & 0xf != 0 {
        return Err(Malformed::Reply(id, RCODE_NOTIMP));
    }
    let formerr = Malformed::Reply(id, RCODE_FORMERR);
    let qdcount = be16(buf, 4).ok_or(formerr)?;
    if qdcount != 1 {
        return Err(formerr);
    }
    let (name, end) = read_name(buf, HEADER).ok_or(formerr)?;
    let qtype = be16(buf, end).ok_or(formerr)?;
    let qclass = be16(buf, end + 2).ok_or(formerr)?;
    let question = buf[HEADER..end + 4].to_vec();
    let udp_size = edns_size(buf, end + 4).unwrap_or(PLAIN_UDP);
    Ok(Query {
        id,
        recursion_desired: flags & 0x0100 != 0,
        name,
        qtype,
        qclass,
        question,
        udp_size,
    })
}

/// A question name in uncompressed form (a query's question never needs pointers), lowercased.
fn read_name(buf: &[u8], mut at: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    loop {
        let len = *buf.get(at)? as usize;
        at += 1;
        if len == 0 {
            return Some((name, at));
        }
        // Pointers (0xc0) and the reserved label types are not expected in a query's question.
        if len > 63 {
            return None;
        }
        let label = buf.get(at..at + len)?;
        if !name.is_empty() {
            name.push('.');
        }
        for &c in label {
            // Bytes outside printable ASCII or a dot inside a label can never match a container name.
            if !c.is_ascii_graphic() || c == b'.' {
                name.push('\u{fffd}');
            } else {
                name.push(c.to_ascii_lowercase() as char);
            }
        }
        if name.len() > 255 {
            return None;
        }
        at += len;
    }
}

/// The UDP size of an OPT record in the additional section after the question, if any.
fn edns_size(buf: &[u8], at: usize) -> Option<usize> {
    if be16(buf, 6)? != 0 || be16(buf, 8)? != 0 || be16(buf, 10)? == 0 {
        return None;
    }
    // The OPT record's owner is the root: one zero byte.
    if *buf.get(at)? != 0 || be16(buf, at + 1)? != TYPE_OPT {
        return None;
    }
    Some((be16(buf, at + 3)? as usize).clamp(PLAIN_UDP, MAX_UDP))
}

/// One record of an answer: a name's IPv4 address, or the name of an address (PTR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    A(Ipv4Addr),
    Ptr(String),
}

/// The response to `q`: the rcode, the question echoed, `answers` (their owner a pointer to the
/// question's name). Answers that do not fit in `limit` bytes are left out and TC is set, so the
/// client retries over TCP (RFC 2181 9).
pub fn response(q: &Query, rcode: u8, answers: &[Answer], limit: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(PLAIN_UDP);
    out.extend_from_slice(&q.id.to_be_bytes());
    // QR, opcode 0, AA clear (docker's resolver is not authoritative), RD echoed, RA set.
    let mut flags: u16 = 0x8080 | u16::from(rcode & 0xf);
    if q.recursion_desired {
        flags |= 0x0100;
    }
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&[0; 6]);
    out.extend_from_slice(&q.question);
    let mut count: u16 = 0;
    for a in answers {
        let rr = record(a);
        if out.len() + rr.len() > limit.max(PLAIN_UDP) {
            out[2] |= 0x02; // TC
            break;
        }
        out.extend_from_slice(&rr);
        count += 1;
    }
    out[6..8].copy_from_slice(&count.to_be_bytes());
    out
}

/// A reply with only a header: for a query whose question could not be read.
pub fn bare_reply(id: u16, rcode: u8) -> Vec<u8> {
    let mut out = id.to_be_bytes().to_vec();
    out.extend_from_slice(&(0x8080u16 | u16::from(rcode & 0xf)).to_be_bytes());
    out.extend_from_slice(&[0; 8]);
    out
}

fn record(a: &Answer) -> Vec<u8> {
    // Owner: a pointer to the question's name, right after the header (offset 12).
    let mut rr = vec![0xc0, HEADER as u8];
    let (rtype, data) = match a {
        Answer::A(ip) => (TYPE_A, ip.octets().to_vec()),
        Answer::Ptr(name) => (TYPE_PTR, encode_name(name)),
    };
    rr.extend_from_slice(&rtype.to_be_bytes());
    rr.extend_from_slice(&1u16.to_be_bytes());
    rr.extend_from_slice(&ANSWER_TTL.to_be_bytes());
    rr.extend_from_slice(&(data.len() as u16).to_be_bytes());
    rr.extend_from_slice(&data);
    rr
}

/// A name in wire form; labels longer than 63 bytes are cut (berth's names are shorter anyway).
pub fn encode_name(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name
        .trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
    {
        let l = &label.as_bytes()[..label.len().min(63)];
        out.push(l.len() as u8);
        out.extend_from_slice(l);
    }
    out.push(0);
    out
}

/// A query in wire form, with a fresh id (what a client, and the tests, send).
pub fn encode_query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut out = id.to_be_bytes().to_vec();
    out.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&encode_name(name));
    out.extend_from_slice(&qtype.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out
}

/// One container as the resolver knows it: its address on a network and the names it answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub ip: Ipv4Addr,
    pub network: String,
    pub container_id: String,
    pub name: String,
    pub aliases: Vec<String>,
}

/// What berth answers for a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Local {
    /// A name of a container (possibly several: a shared alias, as compose's service names).
    Names(Vec<Ipv4Addr>),
    /// The address of a container: its `name.network`.
    Ptr(String),
    /// Not berth's: forward it.
    Unknown,
}

/// Look `name` (lowercased, no trailing dot) up among `members`: a container's name, network alias or
/// short id, also as `<that>.<network>` (docker accepts both); `d.c.b.a.in-addr.arpa` of a member's
/// address gives its `name.network`.
pub fn lookup(members: &[Member], name: &str) -> Local {
    if let Some(ip) = reverse_v4(name) {
        return match members.iter().find(|m| m.ip == ip) {
            Some(m) => Local::Ptr(format!("{}.{}", m.name, m.network)),
            None => Local::Unknown,
        };
    }
    let mut ips: Vec<Ipv4Addr> = Vec::new();
    for m in members {
        let bare = name
            .strip_suffix(m.network.to_ascii_lowercase().as_str())
            .and_then(|n| n.strip_suffix('.'))
            .unwrap_or(name);
        let hit = std::iter::once(m.name.as_str())
            .chain(m.aliases.iter().map(String::as_str))
            .chain(std::iter::once(short_id(&m.container_id)))
            .any(|n| !n.is_empty() && n.eq_ignore_ascii_case(bare));
        if hit && !ips.contains(&m.ip) {
            ips.push(m.ip);
        }
    }
    if ips.is_empty() {
        Local::Unknown
    } else {
        Local::Names(ips)
    }
}

/// The IPv4 address of a reverse name `d.c.b.a.in-addr.arpa`.
fn reverse_v4(name: &str) -> Option<Ipv4Addr> {
    let rest = name.strip_suffix(".in-addr.arpa")?;
    let o: Vec<u8> = rest
        .split('.')
        .map(|p| p.parse::<u8>().ok())
        .collect::<Option<Vec<u8>>>()?;
    (o.len() == 4).then(|| Ipv4Addr::new(o[3], o[2], o[1], o[0]))
}

/// The live members of every user network `container_id` is on now (its record: `network connect`
/// counts), the container itself included; holders whose monitor died are left out.
pub fn members(paths: &Paths, container_id: &str) -> Vec<Member> {
    let Some(rec) = read_record(paths, container_id) else {
        return vec![];
    };
    let mut out = Vec::new();
    for ep in rec
        .endpoints
        .iter()
        .filter(|e| e.network != ipam::DEFAULT_NETWORK)
    {
        for (ip, _, lease) in super::endpoint::leases_of(paths, &ep.network) {
            if lease.owner_pid != 0 && !alive(lease.owner_pid, lease.owner_start) {
                continue;
            }
            out.push(Member {
                ip,
                network: ep.network.clone(),
                container_id: lease.container_id,
                name: lease.name,
                aliases: lease.aliases,
            });
        }
    }
    out
}

/// What to do with a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Send these bytes back.
    Reply(Vec<u8>),
    /// Not a name berth knows: forward the packet as it came.
    Forward,
}

/// Answer `packet` from `members`, or say it must be forwarded; None: no answer at all (not a query).
/// `tcp`: the query came over TCP, where an answer may be up to 65535 bytes (else the client's UDP size).
pub fn decide(packet: &[u8], members: &[Member], tcp: bool) -> Option<Decision> {
    let q = match parse_query(packet) {
        Ok(q) => q,
        Err(Malformed::Drop) => return None,
        Err(Malformed::Reply(id, rcode)) => return Some(Decision::Reply(bare_reply(id, rcode))),
    };
    let limit = if tcp { 65535 } else { q.udp_size };
    if q.qclass != 1 && q.qclass != TYPE_ANY {
        return Some(Decision::Forward);
    }
    let reply = match lookup(members, &q.name) {
        Local::Unknown => return Some(Decision::Forward),
        Local::Ptr(n) if q.qtype == TYPE_PTR => {
            response(&q, RCODE_NOERROR, &[Answer::Ptr(n)], limit)
        }
        Local::Names(ips) if q.qtype == TYPE_A || q.qtype == TYPE_ANY => {
            let answers: Vec<Answer> = ips.into_iter().map(Answer::A).collect();
            response(&q, RCODE_NOERROR, &answers, limit)
        }
        // A known name of another type (AAAA: berth's networks are IPv4 only): no records, NOERROR.
        _ => response(&q, RCODE_NOERROR, &[], limit),
    };
    Some(Decision::Reply(reply))
}

/// The reply to a query that could not be forwarded (no upstream, none answered, too many pending):
/// `rcode` with the question echoed; None for a packet that deserves no answer.
pub fn failure(packet: &[u8], rcode: u8) -> Option<Vec<u8>> {
    match parse_query(packet) {
        Ok(q) => Some(response(&q, rcode, &[], PLAIN_UDP)),
        Err(Malformed::Reply(id, r)) => Some(bare_reply(id, r)),
        Err(Malformed::Drop) => None,
    }
}

#[cfg(test)]
#[path = "dns_tests.rs"]
mod tests;

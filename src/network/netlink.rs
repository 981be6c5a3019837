//! A minimal rtnetlink client: the handful of requests a container endpoint needs (create a veth pair,
//! delete a link, bring a link up, add an address, add a default route), synchronous, on one socket,
//! and one dump: the host's IPv4 addresses, which the subnet pools must not overlap.
//!
//! Why not `ip`: spawning iproute2 costs 10-20 ms per run on these machines, most of the network's
//! 20 ms budget; why not the `rtnetlink` crate: it is async (tokio) and large. Message layouts follow
//! rtnetlink(7) and linux/if_link.h, linux/veth.h, linux/if_addr.h, linux/rtnetlink.h.
//!
//! Must not depend on anything but libc. Invariant: every request asks for an ACK and the kernel's
//! answer is checked, so a failed step is an error naming it, never silently skipped.

use anyhow::{Context, Result, bail};
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_NEWADDR: u16 = 20;
const RTM_NEWROUTE: u16 = 24;
const RTM_GETADDR: u16 = 22;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_DUMP: u16 = 0x300;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;

const IFLA_ADDRESS: u16 = 1;
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_LINKINFO: u16 = 18;
const IFLA_NET_NS_FD: u16 = 28;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const VETH_INFO_PEER: u16 = 1;
const NLA_F_NESTED: u16 = 0x8000;

const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_BROADCAST: u16 = 4;

const RTA_OIF: u16 = 4;
const RTA_GATEWAY: u16 = 5;
const RT_TABLE_MAIN: u8 = 254;
const RTPROT_BOOT: u8 = 3;
const RT_SCOPE_UNIVERSE: u8 = 0;
const RTN_UNICAST: u8 = 1;

/// A route netlink socket in the calling thread's network namespace.
pub struct Netlink {
    fd: OwnedFd,
    seq: u32,
}

/// A netlink message under construction: header, fixed part, attributes (4-byte aligned).
struct Msg {
    buf: Vec<u8>,
    nests: Vec<usize>,
}

impl Msg {
    fn new(kind: u16, flags: u16) -> Msg {
        let mut buf = vec![0u8; 16];
        buf[4..6].copy_from_slice(&kind.to_ne_bytes());
        buf[6..8].copy_from_slice(&flags.to_ne_bytes());
        Msg { buf, nests: vec![] }
    }
    fn raw(&mut self, data: &[u8]) -> &mut Msg {
        self.buf.extend_from_slice(data);
        while !self.buf.len().is_multiple_of(4) {
            self.buf.push(0);
        }
        self
    }
    /// struct ifinfomsg (16 bytes): family, type, index, flags, change.
    fn ifinfo(&mut self, index: i32, flags: u32, change: u32) -> &mut Msg {
        let mut b = [0u8; 16];
        b[4..8].copy_from_slice(&index.to_ne_bytes());
        b[8..12].copy_from_slice(&flags.to_ne_bytes());
        b[12..16].copy_from_slice(&change.to_ne_bytes());
        self.raw(&b)
    }
    fn attr(&mut self, kind: u16, data: &[u8]) -> &mut Msg {
        let len = (4 + data.len()) as u16;
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        self.raw(data)
    }
    fn str_attr(&mut self, kind: u16, s: &str) -> &mut Msg {
        let mut d = s.as_bytes().to_vec();
        d.push(0);
        self.attr(kind, &d)
    }
    fn begin(&mut self, kind: u16) -> &mut Msg {
        self.nests.push(self.buf.len());
        self.buf.extend_from_slice(&[0, 0]);
        self.buf
            .extend_from_slice(&(kind | NLA_F_NESTED).to_ne_bytes());
        self
    }
    fn end(&mut self) -> &mut Msg {
        let start = self.nests.pop().expect("balanced nests");
        let len = (self.buf.len() - start) as u16;
        self.buf[start..start + 2].copy_from_slice(&len.to_ne_bytes());
        self
    }
}

impl Netlink {
    /// Open a socket in the caller thread's network namespace.
    pub fn open() -> Result<Netlink> {
        // SAFETY: plain socket(2); the result is checked and owned right away.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::NETLINK_ROUTE,
            )
        };
        if fd < 0 {
            return Err(std::io::Error::last_os_error()).context("opening a netlink socket");
        }
        // SAFETY: fd is a fresh descriptor nobody else owns.
        Ok(Netlink {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            seq: 0,
        })
    }

    fn request(&mut self, mut m: Msg, what: &str) -> Result<()> {
        self.seq += 1;
        let len = m.buf.len() as u32;
        m.buf[0..4].copy_from_slice(&len.to_ne_bytes());
        m.buf[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        // SAFETY: sockaddr_nl is plain data; zeroed means "the kernel" (pid 0, no groups).
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as u16;
        // SAFETY: buffer and address are valid for the lengths passed.
        let r = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                m.buf.as_ptr().cast(),
                m.buf.len(),
                0,
                (&addr as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as u32,
            )
        };
        if r < 0 {
            return Err(std::io::Error::last_os_error())
                .with_context(|| format!("netlink: sending {what}"));
        }
        let mut buf = [0u8; 8192];
        loop {
            // SAFETY: buf is valid for its length.
            let n =
                unsafe { libc::recv(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e).with_context(|| format!("netlink: reading the answer to {what}"));
            }
            let n = n as usize;
            let mut off = 0;
            while off + 16 <= n {
                let mlen = u32::from_ne_bytes(buf[off..off + 4].try_into().expect("4")) as usize;
                let kind = u16::from_ne_bytes(buf[off + 4..off + 6].try_into().expect("2"));
                let seq = u32::from_ne_bytes(buf[off + 8..off + 12].try_into().expect("4"));
                if mlen < 16 {
                    bail!("netlink: malformed answer to {what}");
                }
                if kind == NLMSG_ERROR && seq == self.seq && off + 20 <= n {
                    let code = i32::from_ne_bytes(buf[off + 16..off + 20].try_into().expect("4"));
                    if code == 0 {
                        return Ok(());
                    }
                    return Err(std::io::Error::from_raw_os_error(-code))
                        .with_context(|| format!("netlink: {what}"));
                }
                off += (mlen + 3) & !3;
            }
        }
    }

    /// Create a veth pair: `name` here (MTU, MAC), `peer` moved into the namespace `peer_ns` (an fd).
    pub fn add_veth(
        &mut self,
        name: &str,
        mac: [u8; 6],
        mtu: u32,
        peer: &str,
        peer_ns: RawFd,
    ) -> Result<()> {
        let mut m = Msg::new(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        );
        m.ifinfo(0, 0, 0)
            .str_attr(IFLA_IFNAME, name)
            .attr(IFLA_MTU, &mtu.to_ne_bytes())
            .attr(IFLA_ADDRESS, &mac);
        m.begin(IFLA_LINKINFO)
            .str_attr(IFLA_INFO_KIND, "veth")
            .begin(IFLA_INFO_DATA)
            .begin(VETH_INFO_PEER);
        m.ifinfo(0, 0, 0)
            .str_attr(IFLA_IFNAME, peer)
            .attr(IFLA_MTU, &mtu.to_ne_bytes())
            .attr(IFLA_NET_NS_FD, &(peer_ns as u32).to_ne_bytes());
        m.end().end().end();
        self.request(m, &format!("creating veth pair {name}/{peer}"))
    }

    /// Delete a link by name (its veth peer goes with it).
    pub fn del_link(&mut self, name: &str) -> Result<()> {
        let mut m = Msg::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
        m.ifinfo(0, 0, 0).str_attr(IFLA_IFNAME, name);
        self.request(m, &format!("deleting link {name}"))
    }

    /// Set IFF_UP on a link.
    pub fn link_up(&mut self, name: &str) -> Result<()> {
        let index = ifindex(name)?;
        let mut m = Msg::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        m.ifinfo(index, libc::IFF_UP as u32, libc::IFF_UP as u32);
        self.request(m, &format!("bringing {name} up"))
    }

    /// Add `ip/prefix` with its broadcast address to a link.
    pub fn add_addr(&mut self, name: &str, ip: Ipv4Addr, prefix: u8) -> Result<()> {
        let index = ifindex(name)?;
        let mask = if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        };
        let brd = Ipv4Addr::from(u32::from(ip) | !mask);
        let mut m = Msg::new(
            RTM_NEWADDR,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        );
        // struct ifaddrmsg: family, prefixlen, flags, scope, index.
        let mut h = [0u8; 8];
        h[0] = libc::AF_INET as u8;
        h[1] = prefix;
        h[4..8].copy_from_slice(&(index as u32).to_ne_bytes());
        m.raw(&h)
            .attr(IFA_LOCAL, &ip.octets())
            .attr(IFA_ADDRESS, &ip.octets())
            .attr(IFA_BROADCAST, &brd.octets());
        self.request(m, &format!("adding address {ip}/{prefix} to {name}"))
    }

    /// Add `default via gateway dev name`.
    pub fn add_default_route(&mut self, name: &str, gateway: Ipv4Addr) -> Result<()> {
        let index = ifindex(name)?;
        let mut m = Msg::new(
            RTM_NEWROUTE,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        );
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags(u32).
        let mut h = [0u8; 12];
        h[0] = libc::AF_INET as u8;
        h[4] = RT_TABLE_MAIN;
        h[5] = RTPROT_BOOT;
        h[6] = RT_SCOPE_UNIVERSE;
        h[7] = RTN_UNICAST;
        m.raw(&h)
            .attr(RTA_GATEWAY, &gateway.octets())
            .attr(RTA_OIF, &(index as u32).to_ne_bytes());
        self.request(m, &format!("adding default route via {gateway}"))
    }
}

/// One IPv4 address of an interface: its index, the address and its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfAddr {
    pub index: u32,
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

impl Netlink {
    /// Every IPv4 address of every interface (RTM_GETADDR dump), links that are down included: an
    /// address takes its subnet even where no route shows it yet.
    pub fn ipv4_addrs(&mut self) -> Result<Vec<IfAddr>> {
        self.seq += 1;
        let mut m = Msg::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
        // struct ifaddrmsg: family AF_INET, the rest zero (every interface).
        let mut h = [0u8; 8];
        h[0] = libc::AF_INET as u8;
        m.raw(&h);
        let len = m.buf.len() as u32;
        m.buf[0..4].copy_from_slice(&len.to_ne_bytes());
        m.buf[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        // SAFETY: m.buf is valid for its length; a zeroed sockaddr_nl (set to AF_NETLINK) is the kernel.
        let r = unsafe {
            let mut addr: libc::sockaddr_nl = std::mem::zeroed();
            addr.nl_family = libc::AF_NETLINK as u16;
            libc::sendto(
                self.fd.as_raw_fd(),
                m.buf.as_ptr().cast(),
                m.buf.len(),
                0,
                (&addr as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as u32,
            )
        };
        if r < 0 {
            return Err(std::io::Error::last_os_error()).context("netlink: asking for addresses");
        }
        let mut out = Vec::new();
        // Dump parts are at most 32 KiB (the kernel's cap for one skb of a dump).
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            // SAFETY: buf is valid for its length.
            let n =
                unsafe { libc::recv(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e).context("netlink: reading addresses");
            }
            if parse_addr_dump(&buf[..n as usize], self.seq, &mut out)? {
                return Ok(out);
            }
        }
    }
}

/// Parse one datagram of an RTM_GETADDR dump into `out`; true when it held the end of the dump.
fn parse_addr_dump(buf: &[u8], seq: u32, out: &mut Vec<IfAddr>) -> Result<bool> {
    let rd16 = |b: &[u8], o: usize| u16::from_ne_bytes([b[o], b[o + 1]]);
    let rd32 = |b: &[u8], o: usize| u32::from_ne_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
    let mut off = 0;
    while off + 16 <= buf.len() {
        let mlen = rd32(buf, off) as usize;
        let kind = rd16(buf, off + 4);
        if mlen < 16 || off + mlen > buf.len() {
            bail!("netlink: malformed address dump");
        }
        if rd32(buf, off + 8) == seq {
            match kind {
                NLMSG_DONE => return Ok(true),
                NLMSG_ERROR if mlen >= 20 => {
                    let code = rd32(buf, off + 16) as i32;
                    return Err(std::io::Error::from_raw_os_error(-code))
                        .context("netlink: dumping addresses");
                }
                RTM_NEWADDR if mlen >= 24 && buf[off + 16] == libc::AF_INET as u8 => {
                    let prefix = buf[off + 17];
                    let index = rd32(buf, off + 20);
                    let (mut local, mut address) = (None, None);
                    let mut a = off + 24;
                    while a + 4 <= off + mlen {
                        let alen = rd16(buf, a) as usize;
                        let akind = rd16(buf, a + 2);
                        if alen < 4 || a + alen > off + mlen {
                            break;
                        }
                        if alen == 8 {
                            let ip = Ipv4Addr::new(buf[a + 4], buf[a + 5], buf[a + 6], buf[a + 7]);
                            match akind {
                                IFA_LOCAL => local = Some(ip),
                                IFA_ADDRESS => address = Some(ip),
                                _ => {}
                            }
                        }
                        a += (alen + 3) & !3;
                    }
                    if let Some(addr) = local.or(address) {
                        out.push(IfAddr {
                            index,
                            addr,
                            prefix,
                        });
                    }
                }
                _ => {}
            }
        }
        off += (mlen + 3) & !3;
    }
    Ok(false)
}

/// The name of a link in the caller thread's namespace, by index (None when it is gone).
pub fn ifname(index: u32) -> Option<String> {
    let mut buf = [0u8; libc::IFNAMSIZ];
    // SAFETY: buf has the IFNAMSIZ bytes if_indextoname may write.
    let p = unsafe { libc::if_indextoname(index, buf.as_mut_ptr().cast()) };
    if p.is_null() {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// The index of a link in the caller thread's namespace.
pub fn ifindex(name: &str) -> Result<i32> {
    let c = std::ffi::CString::new(name).context("interface name")?;
    // SAFETY: c is a valid NUL-terminated string.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    if i == 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("finding interface {name}"));
    }
    Ok(i as i32)
}

/// Parse `aa:bb:cc:dd:ee:ff`.
pub fn parse_mac(s: &str) -> Result<[u8; 6]> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        bail!("invalid MAC address: {s}");
    }
    let mut out = [0u8; 6];
    for (o, p) in out.iter_mut().zip(parts) {
        *o = u8::from_str_radix(p, 16).map_err(|_| anyhow::anyhow!("invalid MAC address: {s}"))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_attributes_have_their_lengths_and_alignment() {
        let mut m = Msg::new(RTM_NEWLINK, NLM_F_REQUEST);
        m.ifinfo(0, 0, 0)
            .begin(IFLA_LINKINFO)
            .str_attr(IFLA_INFO_KIND, "veth")
            .end();
        // header 16 + ifinfomsg 16 + nest header 4 + "veth\0" attr (4 + 5, padded to 12)
        assert_eq!(m.buf.len(), 16 + 16 + 4 + 12);
        assert_eq!(u16::from_ne_bytes([m.buf[32], m.buf[33]]), 16);
        assert_eq!(
            u16::from_ne_bytes([m.buf[34], m.buf[35]]),
            IFLA_LINKINFO | NLA_F_NESTED
        );
        assert_eq!(u16::from_ne_bytes([m.buf[36], m.buf[37]]), 9);
    }

    #[test]
    fn address_dump_parts_are_parsed() {
        // One RTM_NEWADDR (ifaddrmsg + IFA_ADDRESS + IFA_LOCAL), then NLMSG_DONE, both with seq 7.
        let mut m = Msg::new(RTM_NEWADDR, 0);
        m.raw(&[libc::AF_INET as u8, 24, 0, 0, 9, 0, 0, 0])
            .attr(IFA_ADDRESS, &[10, 1, 2, 9])
            .attr(IFA_LOCAL, &[10, 1, 2, 3]);
        let mut done = Msg::new(NLMSG_DONE, 0);
        done.raw(&[0, 0, 0, 0]);
        let mut buf = Vec::new();
        for mut part in [m, done] {
            let len = part.buf.len() as u32;
            part.buf[0..4].copy_from_slice(&len.to_ne_bytes());
            part.buf[8..12].copy_from_slice(&7u32.to_ne_bytes());
            buf.extend_from_slice(&part.buf);
        }
        let mut out = Vec::new();
        assert!(parse_addr_dump(&buf, 7, &mut out).unwrap());
        assert_eq!(
            out,
            vec![IfAddr {
                index: 9,
                addr: Ipv4Addr::new(10, 1, 2, 3),
                prefix: 24
            }]
        );
        // Another request's answer is not ours.
        let mut other = Vec::new();
        assert!(!parse_addr_dump(&buf, 8, &mut other).unwrap());
        assert!(other.is_empty());
    }

    #[test]
    fn the_dump_has_loopbacks_address() {
        let lo = ifindex("lo").unwrap();
        let addrs = Netlink::open().unwrap().ipv4_addrs().unwrap();
        let has_lo = addrs
            .iter()
            .any(|a| a.index == lo as u32 && a.addr.is_loopback());
        // A fresh network namespace's lo has no address until it is brought up.
        let lo_up = std::fs::read_to_string("/sys/class/net/lo/operstate")
            .is_ok_and(|s| s.trim() != "down");
        assert!(has_lo || !lo_up, "{addrs:?}");
        assert_eq!(ifname(lo as u32).as_deref(), Some("lo"));
    }

    #[test]
    fn mac_parses() {
        assert_eq!(
            parse_mac("02:42:0a:58:00:02").unwrap(),
            [2, 0x42, 10, 0x58, 0, 2]
        );
        crate::testing::assert_err(parse_mac("02:42"), "invalid MAC address: 02:42");
        crate::testing::assert_err(
            parse_mac("zz:42:0a:58:00:02"),
            "invalid MAC address: zz:42:0a:58:00:02",
        );
    }
}

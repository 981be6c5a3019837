//! The three files docker generates for every container: /etc/hosts, /etc/resolv.conf, /etc/hostname.
//!
//! Pure functions (no I/O except [`write_in_place`] and [`host_resolv_conf`]) so the rules can be unit-tested.
//! Invariant: a file that is already bind-mounted into a container is only ever rewritten in place
//! (truncate + write on the same inode): a rename would leave the container looking at the old inode
//! (containerd/nerdctl `docs/dev/store.md`).

pub use crate::types::DnsOptions;
use anyhow::{Context, Result};
use std::fs::OpenOptions;
use std::net::IpAddr;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

/// docker's fallback when the host has no usable resolver (moby `libnetwork/resolvconf`: defaultIPv4Dns).
pub const FALLBACK_NAMESERVERS: [&str; 2] = ["8.8.8.8", "8.8.4.4"];

/// The lines docker writes at the top of every /etc/hosts (moby `libnetwork/etchosts/etchosts.go` defaultContent).
const HOSTS_DEFAULTS: &str = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

/// A name another container on the same user network answers to (its name, aliases and short id).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PeerEntry {
    pub ip: IpAddr,
    pub names: Vec<String>,
}

/// What /etc/hosts of one container is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HostsInput {
    /// The container's hostname (`--hostname`, else the short id).
    pub hostname: String,
    /// `--domainname`, if any: docker writes `ip host.domain host`.
    pub domainname: Option<String>,
    /// The container's own address on its first network (none for `--network none`).
    pub own_ip: Option<IpAddr>,
    /// `--add-host name:ip` after `host-gateway` has been replaced by the gateway address.
    pub extra_hosts: Vec<(String, IpAddr)>,
    /// `--link`: (linked container id, alias), listed as peers even on the default bridge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<(String, String)>,
}

/// /etc/hosts as docker writes it: the defaults, the `--add-host` entries, the container's own entry,
/// then (berth's stand-in for docker's embedded DNS on user networks) one line per peer.
pub fn hosts_content(input: &HostsInput, peers: &[PeerEntry]) -> String {
    let mut s = String::from(HOSTS_DEFAULTS);
    for (name, ip) in &input.extra_hosts {
        s.push_str(&format!("{ip}\t{name}\n"));
    }
    if let Some(ip) = input.own_ip {
        match input.domainname.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => s.push_str(&format!(
                "{ip}\t{}.{d} {}\n",
                input.hostname, input.hostname
            )),
            None => s.push_str(&format!("{ip}\t{}\n", input.hostname)),
        }
    }
    for p in peers {
        if p.names.is_empty() {
            continue;
        }
        s.push_str(&format!("{}\t{}\n", p.ip, p.names.join(" ")));
    }
    s
}

/// /etc/resolv.conf as docker derives it from the host's: loopback nameservers dropped (they cannot
/// be reached from the container's namespace), 8.8.8.8/8.8.4.4 when none are left; each of `--dns`,
/// `--dns-search`, `--dns-option` replaces the corresponding host lines (moby `libnetwork/sandbox_dns_unix.go`).
pub fn resolv_conf_content(host: &str, dns: &DnsOptions) -> String {
    let mut servers: Vec<String> = Vec::new();
    let mut search: Vec<String> = Vec::new();
    let mut options: Vec<String> = Vec::new();
    for line in host.lines() {
        let line = line.trim();
        let mut words = line.split_whitespace();
        match words.next() {
            Some("nameserver") => {
                if let Some(addr) = words.next() {
                    let loopback = addr
                        .split('%')
                        .next()
                        .and_then(|a| a.parse::<IpAddr>().ok())
                        .is_some_and(|ip| ip.is_loopback());
                    if !loopback {
                        servers.push(addr.to_string());
                    }
                }
            }
            Some("search") | Some("domain") => search = words.map(str::to_string).collect(),
            Some("options") => options.extend(words.map(str::to_string)),
            _ => {}
        }
    }
    if !dns.servers.is_empty() {
        servers = dns.servers.iter().map(|s| s.to_string()).collect();
    } else if servers.is_empty() {
        servers = FALLBACK_NAMESERVERS.iter().map(|s| s.to_string()).collect();
    }
    if !dns.search.is_empty() {
        // docker: `--dns-search .` means "no search domains".
        search = dns.search.iter().filter(|s| *s != ".").cloned().collect();
    }
    if !dns.options.is_empty() {
        options = dns.options.clone();
    }
    let mut s = String::new();
    for n in &servers {
        s.push_str(&format!("nameserver {n}\n"));
    }
    if !search.is_empty() {
        s.push_str(&format!("search {}\n", search.join(" ")));
    }
    if !options.is_empty() {
        s.push_str(&format!("options {}\n", options.join(" ")));
    }
    s
}

/// /etc/resolv.conf of a container on a user-defined network: docker's embedded resolver
/// (127.0.0.11, answered by the container's monitor, `network/dns.rs`) as the only nameserver, the
/// search domains and options derived as for the default network, and `ndots:0` unless an ndots
/// option was given (moby `libnetwork/sandbox_dns_unix.go`). The real servers become the resolver's
/// upstreams.
pub fn embedded_resolv_conf_content(host: &str, dns: &DnsOptions) -> String {
    let base = resolv_conf_content(host, dns);
    let mut s = format!("nameserver {}\n", super::dns::RESOLVER_IP);
    let mut options: Vec<&str> = Vec::new();
    for line in base.lines() {
        if line.starts_with("search ") {
            s.push_str(line);
            s.push('\n');
        } else if let Some(o) = line.strip_prefix("options ") {
            options.extend(o.split_whitespace());
        }
    }
    if !options.iter().any(|o| o.starts_with("ndots:")) {
        options.push("ndots:0");
    }
    s.push_str(&format!("options {}\n", options.join(" ")));
    s
}

/// /etc/hostname: the hostname and a newline.
pub fn hostname_content(hostname: &str) -> String {
    format!("{hostname}\n")
}

/// The host's /etc/resolv.conf (systemd-resolved's upstream list when the stub 127.0.0.53 is in use,
/// as docker does), or empty when unreadable.
pub fn host_resolv_conf() -> String {
    let main = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    if main.contains("nameserver 127.0.0.53")
        && let Ok(s) = std::fs::read_to_string("/run/systemd/resolve/resolv.conf")
    {
        return s;
    }
    main
}

/// Replace the content of `path` keeping its inode (the file may be bind-mounted into a container).
/// Creates the file (mode 0644) when it does not exist. Refuses to follow a symlink.
pub fn write_in_place(path: &Path, content: &str) -> Result<()> {
    // Written over the old content, then cut to length, rather than truncated to zero first: emptying
    // the file frees its block, and on a file system mounted with `discard` each freed block is a
    // synchronous discard request (three of them on every container start, issue 3).
    let f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    f.write_all_at(content.as_bytes(), 0)
        .and_then(|()| f.set_len(content.len() as u64))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_has_docker_defaults_extra_hosts_and_own_entry() {
        let input = HostsInput {
            hostname: "web".into(),
            domainname: None,
            own_ip: Some("10.88.0.2".parse().unwrap()),
            extra_hosts: vec![("gw".into(), "10.88.0.1".parse().unwrap())],
            links: vec![],
        };
        let s = hosts_content(&input, &[]);
        assert!(s.starts_with("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"));
        assert!(
            s.ends_with("ff02::2\tip6-allrouters\n10.88.0.1\tgw\n10.88.0.2\tweb\n"),
            "{s}"
        );
    }

    #[test]
    fn hosts_without_address_has_no_own_entry_and_lists_peers() {
        let input = HostsInput {
            hostname: "h".into(),
            ..Default::default()
        };
        let peers = vec![PeerEntry {
            ip: "10.89.0.3".parse().unwrap(),
            names: vec!["db".into(), "database".into()],
        }];
        let s = hosts_content(&input, &peers);
        assert!(!s.contains("\th\n"));
        assert!(s.ends_with("10.89.0.3\tdb database\n"));
    }

    #[test]
    fn hosts_with_domainname_writes_fqdn_first() {
        let input = HostsInput {
            hostname: "h".into(),
            domainname: Some("corp".into()),
            own_ip: Some("10.0.0.2".parse().unwrap()),
            extra_hosts: vec![],
            links: vec![],
        };
        assert!(hosts_content(&input, &[]).ends_with("10.0.0.2\th.corp h\n"));
    }

    #[test]
    fn resolv_conf_drops_loopback_servers_and_keeps_search() {
        let host = "# comment\nnameserver 127.0.0.53\nnameserver 192.0.2.1\nnameserver ::1\nsearch a.example b.example\noptions ndots:2\n";
        assert_eq!(
            resolv_conf_content(host, &DnsOptions::default()),
            "nameserver 192.0.2.1\nsearch a.example b.example\noptions ndots:2\n"
        );
    }

    #[test]
    fn resolv_conf_falls_back_to_google_when_only_loopback() {
        let s = resolv_conf_content("nameserver 127.0.0.1\n", &DnsOptions::default());
        assert_eq!(s, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    }

    #[test]
    fn resolv_conf_flags_replace_host_lines() {
        let dns = DnsOptions {
            servers: vec!["192.0.2.53".parse().unwrap()],
            search: vec!["corp".into()],
            options: vec!["ndots:1".into(), "rotate".into()],
        };
        let s = resolv_conf_content("nameserver 192.0.2.1\nsearch x\noptions debug\n", &dns);
        assert_eq!(
            s,
            "nameserver 192.0.2.53\nsearch corp\noptions ndots:1 rotate\n"
        );
    }

    #[test]
    fn resolv_conf_dot_search_clears_search() {
        let dns = DnsOptions {
            search: vec![".".into()],
            ..Default::default()
        };
        assert_eq!(
            resolv_conf_content("nameserver 192.0.2.1\nsearch x\n", &dns),
            "nameserver 192.0.2.1\n"
        );
    }

    #[test]
    fn embedded_resolv_conf_names_127_0_0_11_keeps_search_and_adds_ndots_0() {
        let host = "nameserver 192.0.2.1\nsearch a.example\noptions edns0\n";
        assert_eq!(
            embedded_resolv_conf_content(host, &DnsOptions::default()),
            "nameserver 127.0.0.11\nsearch a.example\noptions edns0 ndots:0\n"
        );
        let dns = DnsOptions {
            servers: vec!["192.0.2.53".parse().unwrap()],
            search: vec![],
            options: vec!["ndots:2".into()],
        };
        assert_eq!(
            embedded_resolv_conf_content(host, &dns),
            "nameserver 127.0.0.11\nsearch a.example\noptions ndots:2\n"
        );
    }

    #[test]
    fn hostname_file_ends_with_newline() {
        assert_eq!(hostname_content("abc"), "abc\n");
    }

    #[test]
    fn write_in_place_keeps_inode() {
        use std::os::unix::fs::MetadataExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("hosts");
        write_in_place(&p, "one long line of text\n").unwrap();
        let ino = std::fs::metadata(&p).unwrap().ino();
        write_in_place(&p, "two\n").unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().ino(), ino);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two\n");
    }
}

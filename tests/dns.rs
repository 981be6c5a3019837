//! docker's embedded DNS on user-defined networks (issue 13): the container's monitor answers at
//! 127.0.0.11:53 (UDP and TCP) inside the container's network namespace, names, aliases and short ids
//! of the containers on its networks (also those started later, never removed ones), and forwards
//! every other name to the upstream resolvers. The default bridge keeps the host's resolvers.
//!
//! The upstream is the test's own DNS server on a loopback address of the host (`--dns 127.53.x.y`):
//! the monitor forwards from the host's namespace, as docker does for a host's loopback resolver.
//! Queries are sent by busybox `nslookup` inside the container, and by the test itself from a thread
//! that joined the container's network namespace (for TCP and for exact response codes). Root only.

use crate::support::{TestEnv, busybox_world, unique};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

/// A /24 no other test of this run uses: 10.(100 + pid % 50).N.0/24 (network.rs and inspect.rs take
/// 150-249).
fn unique_subnet() -> String {
    static N: AtomicU32 = AtomicU32::new(1);
    let b = 100 + std::process::id() % 50;
    let c = N.fetch_add(1, Ordering::SeqCst) % 250;
    format!("10.{b}.{c}.0/24")
}

/// A loopback address no other test of this run uses, for an upstream server.
fn unique_loopback() -> Ipv4Addr {
    static N: AtomicU32 = AtomicU32::new(1);
    let n = N.fetch_add(1, Ordering::SeqCst);
    Ipv4Addr::new(
        127,
        53,
        (std::process::id() % 250) as u8,
        (n % 250) as u8 + 1,
    )
}

/// A query for `name` of type `qtype` in wire form.
fn query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut q = id.to_be_bytes().to_vec();
    q.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    for l in name.split('.') {
        q.push(l.len() as u8);
        q.extend_from_slice(l.as_bytes());
    }
    q.extend_from_slice(&[0, (qtype >> 8) as u8, qtype as u8, 0, 1]);
    q
}

/// (rcode, the A records) of a response to a question `qlen` bytes long; answers owned by a pointer.
fn parse(r: &[u8], id: u16) -> (u8, Vec<Ipv4Addr>) {
    assert_eq!(&r[..2], &id.to_be_bytes(), "response id");
    assert_ne!(r[2] & 0x80, 0, "QR set");
    let mut at = 12;
    while r[at] != 0 {
        at += 1 + r[at] as usize;
    }
    at += 5;
    let mut ips = vec![];
    for _ in 0..u16::from_be_bytes([r[6], r[7]]) {
        assert_eq!(r[at] & 0xc0, 0xc0, "answer owner is a pointer");
        let rtype = u16::from_be_bytes([r[at + 2], r[at + 3]]);
        let len = u16::from_be_bytes([r[at + 10], r[at + 11]]) as usize;
        if rtype == 1 {
            ips.push(Ipv4Addr::new(
                r[at + 12],
                r[at + 13],
                r[at + 14],
                r[at + 15],
            ));
        }
        at += 12 + len;
    }
    (r[3] & 0xf, ips)
}

/// Ask 127.0.0.11 inside the network namespace of process `pid`, over UDP or TCP.
fn ask(pid: &str, name: &str, qtype: u16, tcp: bool) -> (u8, Vec<Ipv4Addr>) {
    let ns = std::fs::File::open(format!("/proc/{pid}/ns/net")).expect("container netns");
    let name = name.to_string();
    std::thread::spawn(move || {
        nix::sched::setns(&ns, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
        let q = query(0x4242, &name, qtype);
        let server: SocketAddr = "127.0.0.11:53".parse().unwrap();
        let mut buf = vec![0u8; 65535];
        let r = if tcp {
            let mut s = TcpStream::connect_timeout(&server, Duration::from_secs(5)).expect("tcp");
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut framed = (q.len() as u16).to_be_bytes().to_vec();
            framed.extend_from_slice(&q);
            s.write_all(&framed).unwrap();
            let mut len = [0u8; 2];
            s.read_exact(&mut len).expect("tcp response length");
            let n = u16::from_be_bytes(len) as usize;
            s.read_exact(&mut buf[..n]).expect("tcp response");
            buf[..n].to_vec()
        } else {
            // UDP may drop (a flood just filled the resolver's buffer): retry each second, as a
            // stub resolver does.
            let s = UdpSocket::bind("127.0.0.1:0").unwrap();
            s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
            let n = (0..15)
                .find_map(|_| {
                    s.send_to(&q, server).unwrap();
                    s.recv(&mut buf).ok()
                })
                .expect("udp response");
            buf[..n].to_vec()
        };
        parse(&r, 0x4242)
    })
    .join()
    .unwrap()
}

/// The upstream's answer to query `q`: `forwarded.example` is 192.0.2.7; `big.example` is 192.0.2.8
/// but only over TCP (over UDP it is truncated, TC set); every other name is NXDOMAIN.
fn upstream_answer(q: &[u8], tcp: bool) -> Vec<u8> {
    let has = |label: &[u8]| q.windows(label.len()).any(|w| w == label);
    let (known, big) = (has(b"\x09forwarded\x07example"), has(b"\x03big\x07example"));
    let mut r = q.to_vec();
    r[2] |= 0x80;
    r[3] = 0x80 | if known || big { 0 } else { 3 };
    let a_query = q[q.len() - 3] == 1;
    if big && !tcp {
        r[2] |= 0x02;
    } else if (known || big) && a_query {
        r[7] = 1;
        let last = if big { 8 } else { 7 };
        r.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, last]);
    }
    r
}

/// Pseudo-random packets to 127.0.0.11:53 inside the network namespace of `pid`: 300 over UDP, and
/// over TCP a frame of garbage, a frame announcing more than it carries, then an abrupt close.
fn send_garbage(pid: &str) {
    let ns = std::fs::File::open(format!("/proc/{pid}/ns/net")).expect("container netns");
    std::thread::spawn(move || {
        nix::sched::setns(&ns, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
        let mut x: u32 = 0x2545_f491;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        };
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        for i in 0..300 {
            let p: Vec<u8> = (0..(i % 700)).map(|_| next()).collect();
            s.send_to(&p, "127.0.0.11:53").unwrap();
        }
        let mut t = TcpStream::connect("127.0.0.11:53").expect("tcp");
        let junk: Vec<u8> = (0..300).map(|_| next()).collect();
        let mut frame = 300u16.to_be_bytes().to_vec();
        frame.extend_from_slice(&junk);
        frame.extend_from_slice(&[0xff, 0xff, 1, 2, 3]);
        t.write_all(&frame).unwrap();
    })
    .join()
    .unwrap();
}

/// The test's upstream resolver (UDP and TCP), answering with [`upstream_answer`].
struct Upstream {
    addr: Ipv4Addr,
    stop: Arc<AtomicBool>,
    queries: Arc<AtomicU32>,
}

impl Upstream {
    fn start() -> Upstream {
        let addr = unique_loopback();
        let sock = UdpSocket::bind((addr, 53)).expect("binding the test's upstream");
        sock.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let (stop, queries) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicU32::new(0)),
        );
        let (s, n) = (stop.clone(), queries.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while !s.load(Ordering::SeqCst) {
                let Ok((len, from)) = sock.recv_from(&mut buf) else {
                    continue;
                };
                n.fetch_add(1, Ordering::SeqCst);
                let _ = sock.send_to(&upstream_answer(&buf[..len], false), from);
            }
        });
        let listener = std::net::TcpListener::bind((addr, 53)).expect("binding the tcp upstream");
        listener.set_nonblocking(true).unwrap();
        let (s, n) = (stop.clone(), queries.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                let Ok((mut c, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                c.set_nonblocking(false).unwrap();
                c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut len = [0u8; 2];
                let mut q = vec![0u8; 512];
                if c.read_exact(&mut len).is_ok() {
                    q.truncate(u16::from_be_bytes(len) as usize);
                    if c.read_exact(&mut q).is_ok() {
                        n.fetch_add(1, Ordering::SeqCst);
                        let r = upstream_answer(&q, true);
                        let mut framed = (r.len() as u16).to_be_bytes().to_vec();
                        framed.extend_from_slice(&r);
                        let _ = c.write_all(&framed);
                    }
                }
            }
        });
        Upstream {
            addr,
            stop,
            queries,
        }
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A user network created with its own subnet, removed (bridge and rules included) on drop, also when
/// an assertion failed.
struct Net<'a> {
    env: &'a TestEnv,
    name: String,
}

impl<'a> Net<'a> {
    fn create(env: &'a TestEnv, prefix: &str, extra: &[&str]) -> Net<'a> {
        let name = unique(prefix);
        let subnet = unique_subnet();
        let mut args = vec!["network", "create", "--subnet", &subnet];
        args.extend_from_slice(extra);
        args.push(&name);
        env.run(&args).assert_ok();
        Net { env, name }
    }
}

impl Drop for Net<'_> {
    fn drop(&mut self) {
        let _ = self.env.run(["network", "rm", "-f", &self.name]);
    }
}

fn inspect(env: &TestEnv, what: &str, c: &str) -> String {
    env.run(["inspect", "-f", what, c])
        .assert_ok()
        .stdout()
        .trim()
        .to_string()
}

fn ip_of(env: &TestEnv, c: &str) -> Ipv4Addr {
    inspect(
        env,
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        c,
    )
    .parse()
    .expect("an IPv4 address")
}

fn nslookup(env: &TestEnv, c: &str, name: &str) -> String {
    let out = env.run(["exec", c, "nslookup", name]);
    format!("{}{}", out.stdout(), out.stderr())
}

#[test]
fn containers_on_a_user_network_resolve_each_other_through_127_0_0_11() {
    let (env, image) = busybox_world();
    let up = Upstream::start();
    let guard = Net::create(&env, "dnsnet", &[]);
    let net = guard.name.clone();
    let (db, web) = (unique("db"), unique("web"));
    let dns = up.addr.to_string();
    let run = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "run",
            "-d",
            "--name",
            name,
            "--network",
            &net,
            "--dns",
            &dns,
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[&image, "sleep", "300"]);
        env.run(&args).assert_ok().stdout().trim().to_string()
    };
    let db_id = run(
        &db,
        &[
            "--network-alias",
            "database",
            "--dns-search",
            "corp.example",
        ],
    );
    // busybox nslookup tries only the search domains for a name without dots: none for web.
    run(&web, &["--dns-search", "."]);
    let resolv = |c: &str| {
        env.run(["exec", c, "cat", "/etc/resolv.conf"])
            .assert_ok()
            .stdout()
            .to_string()
    };
    assert_eq!(
        resolv(&db),
        "nameserver 127.0.0.11\nsearch corp.example\noptions ndots:0\n"
    );
    assert_eq!(resolv(&web), "nameserver 127.0.0.11\noptions ndots:0\n");

    let db_ip = ip_of(&env, &db);
    for name in [
        db.as_str(),
        "database",
        &db_id[..12],
        &format!("{db}.{net}"),
    ] {
        let out = nslookup(&env, &web, name);
        assert!(out.contains(&format!("Address: {db_ip}")), "{name}: {out}");
    }
    // A foreground `run --rm` queries from its first instruction.
    let once = env.run([
        "run",
        "--rm",
        "--network",
        &net,
        "--dns-search",
        ".",
        &image,
        "nslookup",
        "database",
    ]);
    assert!(
        once.stdout().contains(&format!("Address: {db_ip}")),
        "{}",
        once.stdout()
    );
    let web_pid = inspect(&env, "{{.State.Pid}}", &web);
    assert_eq!(ask(&web_pid, &db, 1, false), (0, vec![db_ip]));
    assert_eq!(
        ask(&web_pid, "database", 1, true),
        (0, vec![db_ip]),
        "over TCP"
    );
    // IPv4 only: a known name has no AAAA, and says so with NOERROR.
    assert_eq!(ask(&web_pid, &db, 28, false), (0, vec![]));
    let ptr = nslookup(&env, &web, &db_ip.to_string());
    assert!(ptr.contains(&format!("{db}.{net}")), "{ptr}");

    // A container started later resolves at once; once removed it no longer does.
    let late = unique("late");
    run(&late, &[]);
    let late_ip = ip_of(&env, &late);
    assert_eq!(ask(&web_pid, &late, 1, false), (0, vec![late_ip]));
    env.run(["rm", "-f", &late]).assert_ok();
    assert_eq!(ask(&web_pid, &late, 1, false), (3, vec![]), "NXDOMAIN");
    assert!(nslookup(&env, &web, &late).contains("NXDOMAIN"));

    // Other names go to the upstream, over UDP and TCP alike.
    let before = up.queries.load(Ordering::SeqCst);
    let out = nslookup(&env, &web, "forwarded.example");
    assert!(out.contains("Address: 192.0.2.7"), "{out}");
    let expected = vec![Ipv4Addr::new(192, 0, 2, 7)];
    assert_eq!(ask(&web_pid, "forwarded.example", 1, true), (0, expected));
    assert!(up.queries.load(Ordering::SeqCst) > before);
    // Too big for UDP: a UDP client gets the truncated answer, a TCP client the whole one (the
    // resolver asks the upstream again over TCP).
    assert_eq!(ask(&web_pid, "big.example", 1, false), (0, vec![]));
    let big = vec![Ipv4Addr::new(192, 0, 2, 8)];
    assert_eq!(ask(&web_pid, "big.example", 1, true), (0, big));
    // Names of the network are answered locally, never sent upstream.
    let before = up.queries.load(Ordering::SeqCst);
    ask(&web_pid, &db, 1, false);
    assert_eq!(up.queries.load(Ordering::SeqCst), before);

    env.run(["rm", "-f", &db, &web]).assert_ok();
    env.run(["network", "rm", &net]).assert_ok();
}

#[test]
fn an_upstream_that_never_answers_gives_servfail_and_the_default_bridge_is_unchanged() {
    let (env, image) = busybox_world();
    let guard = Net::create(&env, "dnsdead", &[]);
    let net = guard.name.clone();
    // Nothing listens there: the query times out upstream.
    let silent = unique_loopback().to_string();
    let c = unique("lonely");
    env.run([
        "run",
        "-d",
        "--name",
        &c,
        "--network",
        &net,
        "--dns",
        &silent,
        &image,
        "sleep",
        "300",
    ])
    .assert_ok();
    let pid = inspect(&env, "{{.State.Pid}}", &c);
    assert_eq!(
        ask(&pid, "nowhere.example", 1, false),
        (2, vec![]),
        "SERVFAIL"
    );
    // Garbage over UDP and TCP (docs/security.md F8) neither kills nor wedges the resolver.
    send_garbage(&pid);
    assert_eq!(ask(&pid, &c, 1, false), (0, vec![ip_of(&env, &c)]));
    env.run(["rm", "-f", &c]).assert_ok();
    env.run(["network", "rm", &net]).assert_ok();

    // Only on an --internal network: names of the network resolve, nothing is forwarded (REFUSED).
    let up = Upstream::start();
    let guard_internal = Net::create(&env, "dnsint", &["--internal"]);
    let internal = guard_internal.name.clone();
    let i = unique("inner");
    let dns = up.addr.to_string();
    env.run([
        "run",
        "-d",
        "--name",
        &i,
        "--network",
        &internal,
        "--dns",
        &dns,
        &image,
        "sleep",
        "300",
    ])
    .assert_ok();
    let pid = inspect(&env, "{{.State.Pid}}", &i);
    assert_eq!(
        ask(&pid, "forwarded.example", 1, false),
        (5, vec![]),
        "REFUSED"
    );
    assert_eq!(ask(&pid, &i, 1, false), (0, vec![ip_of(&env, &i)]));
    assert_eq!(
        up.queries.load(Ordering::SeqCst),
        0,
        "nothing left the network"
    );
    env.run(["rm", "-f", &i]).assert_ok();
    env.run(["network", "rm", &internal]).assert_ok();

    // The default bridge: the resolvers are the real ones, as docker's.
    let out = env.run([
        "run",
        "--rm",
        "--dns",
        "192.0.2.53",
        &image,
        "cat",
        "/etc/resolv.conf",
    ]);
    out.assert_ok().assert_stdout_eq("nameserver 192.0.2.53\n");
}

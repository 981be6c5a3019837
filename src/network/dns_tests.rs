use super::*;

fn member(ip: &str, net: &str, id: &str, name: &str, aliases: &[&str]) -> Member {
    Member {
        ip: ip.parse().unwrap(),
        network: net.into(),
        container_id: id.into(),
        name: name.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
    }
}

fn world() -> Vec<Member> {
    vec![
        member("10.89.0.2", "app", &"a".repeat(64), "db", &["database"]),
        member("10.89.0.3", "app", &"b".repeat(64), "web", &["svc"]),
        member("10.89.0.4", "app", &"c".repeat(64), "web2", &["svc"]),
    ]
}

/// (rcode, TC, answer count, A addresses) of a response.
fn read_response(r: &[u8]) -> (u8, bool, u16, Vec<Ipv4Addr>) {
    let rcode = r[3] & 0xf;
    let tc = r[2] & 0x02 != 0;
    let an = u16::from_be_bytes([r[6], r[7]]);
    let (_, mut at) = read_name(r, 12).unwrap();
    at += 4;
    let mut ips = vec![];
    for _ in 0..an {
        assert_eq!(&r[at..at + 2], &[0xc0, 12], "owner points at the question");
        let rtype = u16::from_be_bytes([r[at + 2], r[at + 3]]);
        let len = u16::from_be_bytes([r[at + 10], r[at + 11]]) as usize;
        if rtype == TYPE_A {
            let d = &r[at + 12..at + 16];
            ips.push(Ipv4Addr::new(d[0], d[1], d[2], d[3]));
        }
        at += 12 + len;
    }
    assert_eq!(at, r.len(), "no trailing bytes");
    (rcode, tc, an, ips)
}

fn reply(packet: &[u8], members: &[Member]) -> Vec<u8> {
    match decide(packet, members, false) {
        Some(Decision::Reply(r)) => r,
        other => panic!("expected a reply, got {other:?}"),
    }
}

#[test]
fn a_query_for_a_name_alias_or_short_id_is_answered_from_the_members() {
    let m = world();
    for name in [
        "db",
        "DB.",
        "database",
        "aaaaaaaaaaaa",
        "db.app",
        "database.APP",
    ] {
        let r = reply(&encode_query(7, name, TYPE_A), &m);
        assert_eq!(&r[..2], &7u16.to_be_bytes());
        assert_eq!(r[2] & 0x80, 0x80, "QR set");
        assert_eq!(r[2] & 0x01, 0x01, "RD echoed");
        assert_eq!(
            read_response(&r),
            (0, false, 1, vec!["10.89.0.2".parse().unwrap()]),
            "{name}"
        );
    }
}

#[test]
fn a_shared_alias_answers_every_holder() {
    let r = reply(&encode_query(1, "svc", TYPE_A), &world());
    let (_, _, an, ips) = read_response(&r);
    assert_eq!(an, 2);
    assert_eq!(
        ips,
        vec![
            "10.89.0.3".parse::<Ipv4Addr>().unwrap(),
            "10.89.0.4".parse().unwrap()
        ]
    );
}

#[test]
fn aaaa_of_a_known_name_is_noerror_without_answers_and_unknown_names_are_forwarded() {
    let r = reply(&encode_query(2, "db", TYPE_AAAA), &world());
    assert_eq!(read_response(&r), (RCODE_NOERROR, false, 0, vec![]));
    assert_eq!(
        decide(&encode_query(3, "example.com", TYPE_A), &world(), false),
        Some(Decision::Forward)
    );
    // A short id is 12 characters: a longer prefix of the id is not a name.
    assert_eq!(
        decide(&encode_query(3, &"a".repeat(13), TYPE_A), &world(), false),
        Some(Decision::Forward)
    );
    assert_eq!(
        decide(&encode_query(3, "db", TYPE_A), &[], false),
        Some(Decision::Forward)
    );
}

#[test]
fn ptr_of_a_members_address_gives_its_name_on_the_network() {
    let r = reply(
        &encode_query(4, "3.0.89.10.in-addr.arpa", TYPE_PTR),
        &world(),
    );
    assert_eq!(r[7], 1);
    let (_, q_end) = read_name(&r, 12).unwrap();
    let rdata = &r[q_end + 4 + 12..];
    assert_eq!(rdata, encode_name("web.app").as_slice());
    assert_eq!(
        decide(
            &encode_query(4, "9.0.89.10.in-addr.arpa", TYPE_PTR),
            &world(),
            false
        ),
        Some(Decision::Forward)
    );
}

#[test]
fn answers_that_do_not_fit_the_clients_udp_size_set_tc() {
    let many: Vec<Member> = (0..60)
        .map(|i| {
            member(
                &format!("10.89.1.{i}"),
                "app",
                &format!("{i:064}"),
                &format!("n{i}"),
                &["all"],
            )
        })
        .collect();
    let r = reply(&encode_query(5, "all", TYPE_A), &many);
    assert!(r.len() <= 512, "{}", r.len());
    let (rcode, tc, an, _) = read_response(&r);
    assert_eq!((rcode, tc), (0, true));
    assert!(an > 20 && an < 60, "{an}");
    // Over TCP every answer fits.
    let Some(Decision::Reply(t)) = decide(&encode_query(5, "all", TYPE_A), &many, true) else {
        panic!()
    };
    assert_eq!(read_response(&t), (0, false, 60, read_response(&t).3));
}

#[test]
fn edns_size_is_honoured_up_to_4096() {
    let mut q = encode_query(6, "db", TYPE_A);
    q[11] = 1; // ARCOUNT
    q.extend_from_slice(&[0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]); // OPT, size 4096
    assert_eq!(parse_query(&q).unwrap().udp_size, 4096);
    let at = q.len() - 8;
    q[at] = 0xff; // size 65280: capped
    assert_eq!(parse_query(&q).unwrap().udp_size, 4096);
    assert_eq!(
        parse_query(&encode_query(6, "db", TYPE_A))
            .unwrap()
            .udp_size,
        512
    );
}

#[test]
fn malformed_packets_never_panic_and_get_formerr_notimp_or_nothing() {
    let good = encode_query(0x1234, "db.app", TYPE_A);
    // Every truncation of a good query.
    for n in 0..good.len() {
        let d = decide(&good[..n], &world(), false);
        if n < 12 {
            assert_eq!(d, None, "{n}");
        } else {
            assert_eq!(
                d,
                Some(Decision::Reply(bare_reply(0x1234, RCODE_FORMERR))),
                "{n}"
            );
        }
    }
    // A response is never answered (no reflection loops).
    let mut resp = good.clone();
    resp[2] |= 0x80;
    assert_eq!(decide(&resp, &world(), false), None);
    // Opcode other than QUERY.
    let mut upd = good.clone();
    upd[2] |= 5 << 3;
    assert_eq!(
        decide(&upd, &world(), false),
        Some(Decision::Reply(bare_reply(0x1234, RCODE_NOTIMP)))
    );
    // Two questions, a compression pointer in the question, an over-long label, a label running off.
    let mut two = good.clone();
    two[5] = 2;
    let mut ptr = good[..12].to_vec();
    ptr.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    let mut long = good[..12].to_vec();
    long.push(64);
    long.extend_from_slice(&[b'a'; 70]);
    let mut off = good[..12].to_vec();
    off.extend_from_slice(&[40, b'a', b'b']);
    for p in [two, ptr, long, off] {
        assert_eq!(
            decide(&p, &world(), false),
            Some(Decision::Reply(bare_reply(0x1234, RCODE_FORMERR)))
        );
    }
    // A name over 255 characters.
    let mut huge = good[..12].to_vec();
    for _ in 0..6 {
        huge.push(63);
        huge.extend_from_slice(&[b'x'; 63]);
    }
    huge.extend_from_slice(&[0, 0, 1, 0, 1]);
    assert_eq!(
        decide(&huge, &world(), false),
        Some(Decision::Reply(bare_reply(0x1234, RCODE_FORMERR)))
    );
    // Pseudo-random garbage: whatever comes back is bounded and well-formed enough to carry the id.
    let mut x: u32 = 0x9e37_79b9;
    for round in 0..5000 {
        let len = (round % 600) as usize;
        let p: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        if let Some(Decision::Reply(r)) = decide(&p, &world(), false) {
            assert!(r.len() <= 4096);
            assert_eq!(r[..2], p[..2]);
        }
        let _ = failure(&p, RCODE_SERVFAIL);
    }
}

#[test]
fn failure_echoes_the_question_with_the_rcode() {
    let q = encode_query(9, "nowhere.example", TYPE_A);
    let r = failure(&q, RCODE_SERVFAIL).unwrap();
    assert_eq!(read_response(&r), (RCODE_SERVFAIL, false, 0, vec![]));
    assert_eq!(&r[12..], &q[12..]);
    assert_eq!(failure(&q[..5], RCODE_SERVFAIL), None);
}

#[test]
fn only_user_networks_rootful_get_the_resolver() {
    let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(!embedded(&n(&["bridge"]), false));
    assert!(!embedded(&n(&[]), false));
    assert!(embedded(&n(&["app"]), false));
    assert!(embedded(&n(&["bridge", "app"]), false));
    assert!(!embedded(&n(&["app"]), true));
}

#[test]
fn upstreams_are_dns_flags_else_the_hosts_including_loopback_else_the_fallback() {
    let host = "nameserver 127.0.0.53\nnameserver 192.0.2.1\nnameserver 127.0.0.11\nsearch x\n";
    let none = DnsOptions::default();
    let s = |v: &[&str]| {
        v.iter()
            .map(|a| a.parse::<SocketAddr>().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        upstreams(host, &none),
        s(&["127.0.0.53:53", "192.0.2.1:53"])
    );
    let flags = DnsOptions {
        servers: vec!["192.0.2.53".parse().unwrap()],
        ..Default::default()
    };
    assert_eq!(upstreams(host, &flags), s(&["192.0.2.53:53"]));
    assert_eq!(upstreams("", &none), s(&["8.8.8.8:53", "8.8.4.4:53"]));
    let many =
        "nameserver 192.0.2.1\nnameserver 192.0.2.2\nnameserver 192.0.2.3\nnameserver 192.0.2.4\n";
    assert_eq!(upstreams(many, &none).len(), 3);
}

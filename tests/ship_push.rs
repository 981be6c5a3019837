//! Integration tests: push's transport (issue 11). `--tls-verify`, docker's progress bars on a terminal
//! and its plain lines elsewhere, and uploads cut in the middle (a proxy in front of the registry
//! drops the connection during a blob body, or refuses a whole blob in one PUT) that berth restarts
//! or resumes, with the right digest in the end.

use crate::support::registry::{self, Auth, Registry};
use crate::support::{Outcome, TestEnv, busybox_world, fixtures, unique};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A self-signed certificate for 127.0.0.1 and its key, in `dir`.
fn self_signed(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .args(["-days", "2", "-subj", "/CN=berth push test"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .output()
        .expect("running openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}

/// `--tls-verify=true` demands verified HTTPS (a loopback registry speaking plain HTTP is refused);
/// `--tls-verify=false` pushes to a registry whose certificate no CA signed, which a plain push refuses.
#[test]
fn push_tls_verify_overrides_what_the_registry_would_get() {
    let reg = registry::shared();
    let (env, src) = busybox_world();
    let repo = format!("{}/tls", unique("ship-tls"));
    let plain = reg.image(&format!("{repo}:1"));
    env.run(["tag", &src, &plain]).assert_ok();
    let out = env.run(["push", "--tls-verify=true", &plain]);
    assert_ne!(out.code(), 0, "{}", out.stdout());
    assert!(!out.stdout().contains("digest:"), "{}", out.stdout());
    let none = registry::http(
        &reg.host(),
        "GET",
        &format!("/v2/{repo}/manifests/1"),
        &[],
        b"",
    );
    assert_eq!(none.unwrap().status, 404, "nothing was pushed");
    // Without the flag the same loopback registry takes it over plain HTTP.
    env.run(["push", &plain]).assert_ok();

    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(dir.path());
    let content = Registry::start(Auth::None);
    let tls = Registry::start_tls(&content, &cert, &key, None);
    let target = tls.image("tls/app:1");
    env.run(["tag", &src, &target]).assert_ok();
    let refused = env.run(["push", &target]);
    assert_ne!(refused.code(), 0, "{}", refused.stdout());
    assert!(
        refused
            .stderr()
            .to_ascii_lowercase()
            .contains("certificate"),
        "{}",
        refused.stderr()
    );
    env.run(["push", "--tls-verify=false", &target]).assert_ok();
    // Stored where the HTTPS registry keeps its blobs: the plain one on the same storage serves it.
    assert_eq!(
        content.manifest_digest("tls/app:1"),
        reg.fixture(fixtures::BUSYBOX).digest
    );
}

/// On a terminal each layer's line is redrawn with docker's bar (`Pushing [====>   ]  1.2MB/2.1MB`);
/// elsewhere docker's plain lines come, without `Pushing` ones.
#[test]
fn push_draws_dockers_bars_on_a_terminal_and_plain_lines_elsewhere() {
    let (env, src) = busybox_world();
    let other = Registry::start(Auth::None);
    let target = other.image("tty/busybox:1");
    env.run(["tag", &src, &target]).assert_ok();
    let mut cmd = env.berth();
    cmd.args(["push", &target]);
    // script(1) gives berth a terminal for stdout; its own output is what the terminal got.
    let line = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| format!("'{}'", a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ");
    let mut script = Command::new("script");
    script
        .args(["-qfec", &line, "/dev/null"])
        .env_clear()
        .env("TERM", "xterm");
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    let out = Outcome::of(&mut script);
    out.assert_ok();
    let tty = out.stdout();
    let bar = format!("Pushing [>{}]       0B/", " ".repeat(50));
    assert!(tty.contains(&bar), "{tty:?}");
    assert!(tty.contains(": Pushed"), "{tty:?}");
    let digest = other.manifest_digest("tty/busybox:1");
    let last = tty.rsplit("1: digest: ").next().unwrap();
    assert!(
        last.starts_with(&digest),
        "the digest line comes last: {tty:?}"
    );

    let again = Registry::start(Auth::None);
    let plain = again.image("plain/busybox:1");
    env.run(["tag", &src, &plain]).assert_ok();
    let out = env.run(["push", &plain]);
    out.assert_ok();
    let lines = out.lines();
    assert!(lines.iter().any(|l| l.ends_with(": Pushed")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("Pushing")), "{lines:?}");
    assert!(!out.stdout().contains('\r'), "{lines:?}");
}

/// What the proxy does to the first blob body it sees.
#[derive(Clone, Copy, PartialEq)]
enum Cut {
    /// Forward the first 64 KiB of the first PUT or PATCH body, then drop both connections.
    FirstBody,
    /// Answer every blob PUT with a body 413 (as a proxy with a body limit would; manifests pass), and
    /// cut the first PATCH.
    RefusePutCutPatch,
}

/// A TCP proxy in front of `upstream` that looks at each request (it passes one per connection).
struct CutProxy {
    port: u16,
    cuts: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
}

/// The request head (up to the blank line) and whatever of the body came with it.
fn read_head(c: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Some((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        let n = c.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        // A TLS handshake (berth's HTTPS attempt on a loopback host): not HTTP, so hang up.
        if buf[0] == 0x16 {
            return None;
        }
    }
}

fn content_length(head: &str) -> u64 {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

fn pump(mut from: TcpStream, mut to: TcpStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}

impl CutProxy {
    fn start(upstream: u16, how: Cut) -> CutProxy {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let cuts = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let (c2, r2) = (cuts.clone(), refused.clone());
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(mut client) = conn else { return };
                let (cuts, refused) = (c2.clone(), r2.clone());
                std::thread::spawn(move || {
                    let Some((head, mut rest)) = read_head(&mut client) else {
                        return;
                    };
                    let method = head.split(' ').next().unwrap_or("").to_string();
                    let len = content_length(&head);
                    let blob_put = method == "PUT" && len > 0 && head.contains("/blobs/uploads/");
                    if how == Cut::RefusePutCutPatch && blob_put {
                        // Take the whole body, then refuse it.
                        let mut left = len.saturating_sub(rest.len() as u64);
                        let mut sink = [0u8; 65536];
                        while left > 0 {
                            match client.read(&mut sink) {
                                Ok(0) | Err(_) => break,
                                Ok(n) => left = left.saturating_sub(n as u64),
                            }
                        }
                        refused.fetch_add(1, Ordering::SeqCst);
                        let _ = client.write_all(
                            b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        );
                        return;
                    }
                    let target = match how {
                        Cut::FirstBody => method == "PUT" || method == "PATCH",
                        Cut::RefusePutCutPatch => method == "PATCH",
                    };
                    let mut server = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
                    if target && len > (64 << 10) && cuts.fetch_add(1, Ordering::SeqCst) == 0 {
                        let _ = server.write_all(head.as_bytes());
                        while rest.len() < (64 << 10) {
                            let mut more = [0u8; 8192];
                            match client.read(&mut more) {
                                Ok(0) | Err(_) => break,
                                Ok(n) => rest.extend_from_slice(&more[..n]),
                            }
                        }
                        let _ = server.write_all(&rest[..rest.len().min(64 << 10)]);
                        std::thread::sleep(std::time::Duration::from_millis(200));
                        let _ = server.shutdown(Shutdown::Both);
                        let _ = client.shutdown(Shutdown::Both);
                        return;
                    }
                    // One request per connection, so that every request is looked at here: the
                    // registry closes the connection after answering.
                    let head = format!("{}\r\nConnection: close\r\n\r\n", head.trim_end());
                    let _ = server.write_all(head.as_bytes());
                    let _ = server.write_all(&rest);
                    let (c_read, s_write) =
                        (client.try_clone().unwrap(), server.try_clone().unwrap());
                    let up = std::thread::spawn(move || pump(c_read, s_write));
                    pump(server, client);
                    let _ = up.join();
                });
            }
        });
        CutProxy {
            port,
            cuts,
            refused,
        }
    }
}

/// Push busybox through `how`'s proxy to a fresh registry; the push must succeed with the pulled digest,
/// and a fresh store pulls (and so verifies) it back.
fn push_through(how: Cut) -> CutProxy {
    let (env, src) = busybox_world();
    let reg = Registry::start(Auth::None);
    let proxy = CutProxy::start(reg.port(), how);
    let target = format!("127.0.0.1:{}/cut/busybox:1", proxy.port);
    env.run(["tag", &src, &target]).assert_ok();
    let out = env.run(["push", &target]);
    out.assert_ok();
    let want = registry::shared().fixture(fixtures::BUSYBOX).digest;
    assert!(
        out.stdout().contains(&format!("1: digest: {want} ")),
        "{}",
        out.stdout()
    );
    assert_eq!(reg.manifest_digest("cut/busybox:1"), want);
    let fresh = TestEnv::new();
    fresh
        .run(["pull", "-q", &reg.image("cut/busybox:1")])
        .assert_ok();
    fresh
        .run(["run", "--rm", &reg.image("cut/busybox:1"), "true"])
        .assert_ok();
    proxy
}

/// The connection drops in the middle of the blob's one PUT: berth asks where the session stands and
/// resumes, or restarts the blob (in chunks), and the registry ends up with the right bytes.
#[test]
fn push_survives_a_connection_cut_during_a_blob_body() {
    let p = push_through(Cut::FirstBody);
    assert!(
        p.cuts.load(Ordering::SeqCst) >= 1,
        "the proxy never cut an upload"
    );
}

/// A registry (or a proxy before it) that refuses a whole blob in one PUT gets PATCH chunks; the first
/// PATCH is cut halfway, and the upload is resumed or restarted.
#[test]
fn push_falls_back_to_chunks_and_survives_a_cut_patch() {
    let p = push_through(Cut::RefusePutCutPatch);
    assert!(
        p.refused.load(Ordering::SeqCst) >= 1,
        "no monolithic PUT was tried"
    );
    assert!(
        p.cuts.load(Ordering::SeqCst) >= 1,
        "the proxy never cut a PATCH"
    );
}

//! A hostile HTTP registry for the registry client tests (wrong digests, stalls, redirects, oversized bodies).
//!
//! A tiny HTTP/1.1 server on 127.0.0.1:0 (std threads, one per connection, `Connection: close`; rustls for
//! the TLS variant).
//! Each test gives it a handler that turns a recorded [`Req`] into a [`Reply`]; every request that
//! parses is recorded with its headers so tests can assert on what reached which server.
//! A TLS ClientHello (berth tries HTTPS first on loopback) is dropped without a reply and not recorded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// Path with query string.
    pub path: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
    /// The path without its query string.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or(&self.path)
    }
    /// The first `Range: bytes=N-` offset.
    pub fn range_start(&self) -> Option<u64> {
        self.header("range")?
            .strip_prefix("bytes=")?
            .strip_suffix('-')?
            .parse()
            .ok()
    }
}

/// How the body goes out.
#[derive(Debug, Clone)]
pub enum BodyMode {
    /// `Content-Length` = the body's length.
    Exact,
    /// `Content-Length` set to this value whatever the body is (a lie), then the body, then close.
    Length(u64),
    /// Chunked transfer encoding (no length known to the client).
    Chunked,
}

/// What the handler answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub mode: BodyMode,
    /// After this many body bytes, sleep this long before sending the rest.
    pub stall: Option<(usize, Duration)>,
    /// Send the body in pieces of this size with this pause between them (slow but steady).
    pub trickle: Option<(usize, Duration)>,
    /// Stream this many extra filler bytes after `body` (chunked), to test size caps without memory.
    pub filler: u64,
}

impl Reply {
    pub fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            mode: BodyMode::Exact,
            stall: None,
            trickle: None,
            filler: 0,
        }
    }
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(200).body(body)
    }
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Reply {
        self.headers.push((k.to_string(), v.into()));
        self
    }
    pub fn body(mut self, b: impl Into<Vec<u8>>) -> Reply {
        self.body = b.into();
        self
    }
    pub fn mode(mut self, m: BodyMode) -> Reply {
        self.mode = m;
        self
    }
    pub fn stall(mut self, after: usize, d: Duration) -> Reply {
        self.stall = Some((after, d));
        self
    }
    pub fn trickle(mut self, piece: usize, pause: Duration) -> Reply {
        self.trickle = Some((piece, pause));
        self
    }
    pub fn filler(mut self, n: u64) -> Reply {
        self.filler = n;
        self.mode = BodyMode::Chunked;
        self
    }
    pub fn not_found() -> Reply {
        Reply::new(404)
            .header("Content-Type", "application/json")
            .body(r#"{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#)
    }
    /// A blob reply that honours `Range: bytes=N-` when `ranges` is true (206 + Content-Range).
    pub fn blob(req: &Req, data: &[u8], ranges: bool) -> Reply {
        match req.range_start() {
            Some(start) if ranges && (start as usize) < data.len() => Reply::new(206)
                .header(
                    "Content-Range",
                    format!("bytes {start}-{}/{}", data.len() - 1, data.len()),
                )
                .body(&data[start as usize..]),
            _ => Reply::ok(data),
        }
    }
}

type Handler = dyn Fn(&Req) -> Reply + Send + Sync;

/// A running hostile server.
pub struct Hostile {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Req>>>,
}

impl Hostile {
    pub fn start(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> Hostile {
        Hostile::spawn(None, Arc::new(handler))
    }

    /// The same server behind TLS with the given PEM certificate chain and key.
    pub fn start_tls(
        cert_pem: &[u8],
        key_pem: &[u8],
        handler: impl Fn(&Req) -> Reply + Send + Sync + 'static,
    ) -> Hostile {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<_, _>>()
            .expect("certificate PEM");
        let key = PrivateKeyDer::from_pem_slice(key_pem).expect("key PEM");
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server certificate");
        Hostile::spawn(Some(Arc::new(config)), Arc::new(handler))
    }

    fn spawn(tls: Option<Arc<rustls::ServerConfig>>, handler: Arc<Handler>) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let log: Arc<Mutex<Vec<Req>>> = Arc::default();
        let log2 = log.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                let (h, l, tls) = (handler.clone(), log2.clone(), tls.clone());
                std::thread::spawn(move || match tls {
                    None => serve(conn, true, &*h, &l),
                    Some(cfg) => {
                        let Ok(sc) = rustls::ServerConnection::new(cfg) else {
                            return;
                        };
                        serve(rustls::StreamOwned::new(sc, conn), false, &*h, &l)
                    }
                });
            }
        });
        Hostile { addr, log }
    }

    /// `127.0.0.1:PORT`, the registry name tests put in references.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }

    /// Requests whose path starts with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<Req> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with(prefix))
            .collect()
    }
}

fn read_request<S: Read>(r: &mut BufReader<S>, plain: bool) -> Option<Req> {
    // A TLS handshake starts with 0x16: not for a plain HTTP server.
    if plain && r.fill_buf().ok()?.first() == Some(&0x16) {
        return None;
    }
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let mut body = vec![0u8; len.unwrap_or(0).min(1 << 20)];
    r.read_exact(&mut body).ok()?;
    Some(Req {
        method,
        path,
        headers,
        body,
    })
}

fn serve<S: Read + Write>(stream: S, plain: bool, handler: &Handler, log: &Mutex<Vec<Req>>) {
    let mut reader = BufReader::new(stream);
    let Some(req) = read_request(&mut reader, plain) else {
        return;
    };
    log.lock().unwrap().push(req.clone());
    let reply = handler(&req);
    // One request per connection (`Connection: close`), so nothing buffered beyond it is lost.
    let mut w = reader.into_inner();
    let _ = write_reply(&mut w, &req, &reply);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

fn write_reply<W: Write>(w: &mut W, req: &Req, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status)
    );
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let chunked = matches!(reply.mode, BodyMode::Chunked);
    match reply.mode {
        BodyMode::Exact => head.push_str(&format!("Content-Length: {}\r\n", reply.body.len())),
        BodyMode::Length(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
        BodyMode::Chunked => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    if req.method == "HEAD" {
        return Ok(());
    }
    let send = |w: &mut W, data: &[u8]| -> std::io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        if chunked {
            w.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
            w.write_all(data)?;
            w.write_all(b"\r\n")
        } else {
            w.write_all(data)
        }
    };
    let body = &reply.body;
    match reply.stall {
        Some((after, d)) if after <= body.len() => {
            send(w, &body[..after])?;
            w.flush()?;
            std::thread::sleep(d);
            send(w, &body[after..])?;
        }
        _ => match reply.trickle {
            Some((piece, pause)) => {
                for part in body.chunks(piece.max(1)) {
                    send(w, part)?;
                    w.flush()?;
                    std::thread::sleep(pause);
                }
            }
            None => send(w, body)?,
        },
    }
    let filler = vec![b'x'; 64 << 10];
    let mut left = reply.filler;
    while left > 0 {
        let n = (filler.len() as u64).min(left) as usize;
        send(w, &filler[..n])?;
        left -= n as u64;
    }
    if chunked {
        w.write_all(b"0\r\n\r\n")?;
    }
    w.flush()
}

/// Relay `req` to the plain-HTTP server at `host` (e.g. a real docker-registry) with `path` as its path
/// and return that server's answer: with [`Hostile::start`], a recording proxy in front of a real
/// registry, so tests can see every request (headers, query) a client sent to "a mirror".
pub fn forward(req: &Req, host: &str, path: &str) -> Reply {
    let hop = |k: &str| {
        matches!(
            k,
            "host" | "connection" | "content-length" | "transfer-encoding" | "keep-alive"
        )
    };
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(k, _)| !hop(k))
        .cloned()
        .collect();
    match super::registry::http(host, &req.method, path, &headers, &req.body) {
        Ok(r) => r.headers.iter().filter(|(k, _)| !hop(k)).fold(
            Reply::new(r.status).body(r.body.clone()),
            |reply, (k, v)| reply.header(k, v.clone()),
        ),
        Err(e) => Reply::new(500).body(format!("forwarding to {host}: {e}")),
    }
}

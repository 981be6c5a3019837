//! Debian's docker-registry (distribution 2.8) on 127.0.0.1 for the tests, with no auth, htpasswd auth, or the
//! bearer-token flow against a token server that lives in this file.
//!
//! Depends on nothing in berth: registries are filled with `skopeo` (an independent client), and probed with
//! the tiny HTTP/1.0 client [`http`]. Invariant: every registry process dies with the test binary (parent-death
//! signal) or when its [`Registry`] is dropped; its storage lives in its own temp dir.
//!
//! - [`shared`]: one registry per test binary, no auth, holding every fixture of [`super::fixtures`].
//!   `shared().image("library/busybox:latest")` gives `127.0.0.1:PORT/library/busybox:latest`;
//!   `shared().fixture("library/busybox:latest")` its digests.
//! - [`shared_htpasswd`]: one htpasswd registry (user [`USER`], password [`PASSWORD`]) holding `private/busybox:latest`.
//! - [`shared_token`]: one bearer-token registry (same user) holding `library/busybox:latest`.
//! - [`Registry::start`] with [`Auth`] for a private registry (`Auth::Token(TokenConfig::default())` for bearer).
//!   `push_fixture` fills it; `token_server().requests()` shows what the token server was asked.

use super::fixtures::{self, Fixture};
use super::{Outcome, temp_dir};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tempfile::TempDir;

/// User name accepted by htpasswd and token registries (unless a [`TokenConfig`] says otherwise).
pub const USER: &str = "berth";
/// Its password.
pub const PASSWORD: &str = "s3cret-pass";
/// The `service` the token registries announce and expect as the token audience.
pub const TOKEN_SERVICE: &str = "berth-test-registry";
const TOKEN_ISSUER: &str = "berth-test-token-server";

/// How a registry authenticates clients.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Anyone may pull and push.
    None,
    /// HTTP Basic against an htpasswd file holding one user (bcrypt, as docker-registry requires).
    Htpasswd { user: String, password: String },
    /// The bearer-token flow: `401 WWW-Authenticate: Bearer realm=...` pointing at a [`TokenServer`].
    Token(TokenConfig),
}

impl Auth {
    /// htpasswd with [`USER`]/[`PASSWORD`].
    pub fn htpasswd() -> Auth {
        Auth::Htpasswd {
            user: USER.into(),
            password: PASSWORD.into(),
        }
    }
    /// Token auth with [`TokenConfig::default`].
    pub fn token() -> Auth {
        Auth::Token(TokenConfig::default())
    }
    fn credentials(&self) -> Option<(String, String)> {
        match self {
            Auth::None => None,
            Auth::Htpasswd { user, password } => Some((user.clone(), password.clone())),
            Auth::Token(t) => Some((t.user.clone(), t.password.clone())),
        }
    }
}

/// What the token server accepts and how it answers.
#[derive(Debug, Clone)]
pub struct TokenConfig {
    pub user: String,
    pub password: String,
    /// Anonymous requests get a token granting `pull` (as Docker Hub does for public repositories);
    /// otherwise they get a token granting nothing, so the registry answers 401.
    pub anonymous_pull: bool,
    /// `expires_in` in the response, seconds (the JWT's exp matches).
    pub expires_in: u64,
    /// Which field carries the token: docker accepts `token` and `access_token`.
    pub field: TokenField,
}

impl Default for TokenConfig {
    fn default() -> Self {
        TokenConfig {
            user: USER.into(),
            password: PASSWORD.into(),
            anonymous_pull: false,
            expires_in: 300,
            field: TokenField::Both,
        }
    }
}

/// The JSON field(s) in which the token server returns the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenField {
    Token,
    AccessToken,
    Both,
}

/// A fixture as stored in a registry: where, and its digests there.
#[derive(Debug, Clone)]
pub struct Pushed {
    /// `repo:tag`, e.g. `library/busybox:latest`.
    pub name: String,
    /// Digest of the manifest (or index) the tag points to, as the registry serves it.
    pub digest: String,
    /// Config digest of the linux/amd64 image: the image ID docker and berth show.
    pub image_id: String,
}

/// A running docker-registry; killed on drop.
pub struct Registry {
    child: Mutex<Child>,
    port: u16,
    dir: TempDir,
    storage: PathBuf,
    auth: Auth,
    token: Option<TokenServer>,
    pushed: Mutex<HashMap<String, Pushed>>,
}

/// The shared no-auth registry with every fixture pushed (see [`super::fixtures`]); started on first use.
pub fn shared() -> &'static Registry {
    static CELL: OnceLock<Registry> = OnceLock::new();
    CELL.get_or_init(|| {
        let reg = Registry::start(Auth::None);
        reg.clean_at_exit();
        for f in fixtures::ALL {
            if f.name() != fixtures::PRIVATE_BUSYBOX {
                reg.push_fixture(*f);
            }
        }
        reg
    })
}

/// The shared htpasswd registry ([`USER`]/[`PASSWORD`]) holding `private/busybox:latest`.
pub fn shared_htpasswd() -> &'static Registry {
    static CELL: OnceLock<Registry> = OnceLock::new();
    CELL.get_or_init(|| {
        let reg = Registry::start(Auth::htpasswd());
        reg.clean_at_exit();
        reg.push_fixture(Fixture::PrivateBusybox);
        reg
    })
}

/// A shared token-auth registry ([`USER`]/[`PASSWORD`], anonymous pulls refused) holding `library/busybox:latest`.
/// Tests that assert on the token server's requests start their own with [`Registry::start`].
pub fn shared_token() -> &'static Registry {
    static CELL: OnceLock<Registry> = OnceLock::new();
    CELL.get_or_init(|| {
        let reg = Registry::start(Auth::token());
        reg.clean_at_exit();
        reg.push_fixture(Fixture::Busybox);
        reg
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("binding a free port")
        .port()
}

/// Start `cmd` from a thread that lives as long as the test binary, with a parent-death signal, so the child
/// dies when the test binary exits even if nobody drops it (statics are never dropped). PR_SET_PDEATHSIG fires
/// when the *thread* that forked exits, hence the dedicated thread.
pub fn spawn_tied(cmd: Command) -> std::io::Result<Child> {
    type Req = (Command, mpsc::Sender<std::io::Result<Child>>);
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<Req>>> = OnceLock::new();
    let tx = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Req>();
        std::thread::Builder::new()
            .name("support-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    use std::os::unix::process::CommandExt;
                    // SAFETY: prctl is async-signal-safe and touches no memory of the parent; it runs in the
                    // forked child before exec.
                    unsafe {
                        cmd.pre_exec(|| {
                            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                                return Err(std::io::Error::last_os_error());
                            }
                            Ok(())
                        });
                    }
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("starting spawner thread");
        Mutex::new(tx)
    });
    let (rtx, rrx) = mpsc::channel();
    tx.lock()
        .expect("spawner lock")
        .send((cmd, rtx))
        .expect("spawner thread alive");
    rrx.recv().expect("spawner replies")
}

impl Registry {
    /// Start a registry with `auth` on a free port and wait until `/v2/` answers. Panics if it cannot start.
    pub fn start(auth: Auth) -> Registry {
        Registry::start_with(auth, None, None)
    }

    /// A registry serving HTTPS with `cert`/`key` (PEM files) over the storage of `content` (which
    /// keeps serving too), so its fixtures are there without pushing through TLS. With `client_ca`
    /// it requires a client certificate signed by that CA (distribution's `http.tls.clientcas`).
    pub fn start_tls(
        content: &Registry,
        cert: &Path,
        key: &Path,
        client_ca: Option<&Path>,
    ) -> Registry {
        let mut yaml = format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            cert.display(),
            key.display()
        );
        if let Some(ca) = client_ca {
            yaml.push_str(&format!("    clientcas:\n      - {}\n", ca.display()));
        }
        let reg = Registry::start_with(Auth::None, Some(content.storage_dir()), Some(yaml));
        for (k, v) in content.pushed.lock().expect("pushed lock").iter() {
            reg.pushed
                .lock()
                .expect("pushed lock")
                .insert(k.clone(), v.clone());
        }
        reg
    }

    fn start_with(auth: Auth, storage: Option<PathBuf>, tls_yaml: Option<String>) -> Registry {
        let dir = temp_dir("registry");
        let token = match &auth {
            Auth::Token(cfg) => Some(TokenServer::start(cfg.clone(), dir.path())),
            _ => None,
        };
        let auth_yaml = match &auth {
            Auth::None => String::new(),
            Auth::Htpasswd { user, password } => {
                let out = super::must_run(Command::new("htpasswd").args(["-Bbn", user, password]));
                let file = dir.path().join("htpasswd");
                fs::write(&file, out.stdout.trim()).expect("writing htpasswd");
                format!(
                    "auth:\n  htpasswd:\n    realm: berth-test\n    path: {}\n",
                    file.display()
                )
            }
            Auth::Token(_) => {
                let t = token.as_ref().expect("token server started");
                format!(
                    "auth:\n  token:\n    realm: {}\n    service: {TOKEN_SERVICE}\n    issuer: {TOKEN_ISSUER}\n    rootcertbundle: {}\n",
                    t.realm(),
                    t.cert.display()
                )
            }
        };
        let storage = storage.unwrap_or_else(|| dir.path().join("storage"));
        fs::create_dir_all(&storage).expect("creating registry storage");
        let tls = tls_yaml.clone().unwrap_or_default();
        let mut last_log = String::new();
        // A free port can be taken between our probe and the registry's bind: retry with another.
        for _attempt in 0..5 {
            let port = free_port();
            let config = dir.path().join("config.yml");
            fs::write(
                &config,
                format!(
                    "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: berth-test-secret\n{tls}{auth_yaml}",
                    storage.display()
                ),
            )
            .expect("writing registry config");
            let log = dir.path().join("registry.log");
            let logf = fs::File::create(&log).expect("creating registry log");
            let mut cmd = Command::new("/usr/bin/docker-registry");
            cmd.arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(logf.try_clone().expect("dup log"))
                .stderr(logf);
            // docker-registry reads REGISTRY_* variables as config overrides: give it none of ours.
            cmd.env_clear().env("PATH", "/usr/bin:/bin");
            let mut child = spawn_tied(cmd)
                .expect("starting /usr/bin/docker-registry (package docker-registry)");
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut up = false;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                // A TLS registry cannot be probed in plain HTTP: listening is enough.
                let ready = if tls_yaml.is_some() {
                    TcpStream::connect(("127.0.0.1", port)).is_ok()
                } else {
                    http(&format!("127.0.0.1:{port}"), "GET", "/v2/", &[], b"")
                        .is_ok_and(|r| r.status == 200 || r.status == 401)
                };
                if ready {
                    up = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(30));
            }
            if up {
                return Registry {
                    child: Mutex::new(child),
                    port,
                    dir,
                    storage,
                    auth,
                    token,
                    pushed: Mutex::new(HashMap::new()),
                };
            }
            let _ = child.kill();
            let _ = child.wait();
            last_log = fs::read_to_string(&log).unwrap_or_default();
        }
        panic!("docker-registry did not start; its log:\n{last_log}");
    }

    /// Kill the registry and remove its dir when the test binary exits (for registries kept in statics).
    fn clean_at_exit(&self) {
        let pid = self.child.lock().expect("child lock").id();
        super::clean_at_exit(Some(pid), self.dir.path().to_path_buf());
    }

    /// `127.0.0.1:PORT`
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
    pub fn port(&self) -> u16 {
        self.port
    }
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.host())
    }
    /// A full reference in this registry: `image("library/busybox:latest")` → `127.0.0.1:PORT/library/busybox:latest`.
    pub fn image(&self, name: &str) -> String {
        format!("{}/{}", self.host(), name)
    }
    /// The user and password this registry accepts, if it has auth.
    pub fn credentials(&self) -> Option<(String, String)> {
        self.auth.credentials()
    }
    /// The token server of an [`Auth::Token`] registry.
    pub fn token_server(&self) -> Option<&TokenServer> {
        self.token.as_ref()
    }
    /// The registry's storage root (filesystem driver), for tests that corrupt or inspect stored blobs.
    pub fn storage_dir(&self) -> PathBuf {
        self.storage.clone()
    }
    /// The registry's log (warnings and errors), for failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// Digests of a fixture pushed here (panics if it was not).
    pub fn fixture(&self, name: &str) -> Pushed {
        self.pushed
            .lock()
            .expect("pushed lock")
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("fixture {name} was not pushed to {}", self.host()))
    }

    /// Build (or reuse) the fixture's OCI layout and copy it here with skopeo under the fixture's name.
    pub fn push_fixture(&self, f: Fixture) -> Pushed {
        self.push_fixture_as(f, f.name())
    }

    /// Like [`Registry::push_fixture`] but under another `repo:tag`.
    pub fn push_fixture_as(&self, f: Fixture, name: &str) -> Pushed {
        let built = fixtures::build(f);
        let mut args: Vec<String> = vec![];
        if f.multi_arch() {
            args.push("--all".into());
        }
        match f.docker_format() {
            true => args.extend(["--format".into(), "v2s2".into()]),
            // Keep the layout's blobs and manifests byte for byte (zstd and plain layers stay as built).
            false => args.push("--preserve-digests".into()),
        }
        self.skopeo_push(&built.dir, &built.tag, name, &args);
        let digest = self.manifest_digest(name);
        let image_id = self.image_id(name);
        let p = Pushed {
            name: name.to_string(),
            digest,
            image_id,
        };
        self.pushed
            .lock()
            .expect("pushed lock")
            .insert(name.to_string(), p.clone());
        p
    }

    /// `skopeo copy oci:<layout>:<tag> docker://<this registry>/<name>` with this registry's credentials.
    pub fn skopeo_push(&self, layout: &Path, tag: &str, name: &str, extra: &[String]) -> Outcome {
        let home = temp_dir("skopeo-home");
        let mut cmd = Command::new("skopeo");
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.path())
            .env("TMPDIR", home.path())
            .args([
                "--insecure-policy",
                "copy",
                "--quiet",
                "--retry-times",
                "3",
                "--dest-tls-verify=false",
            ]);
        if let Some((u, p)) = self.credentials() {
            cmd.arg("--dest-creds").arg(format!("{u}:{p}"));
        }
        cmd.args(extra);
        cmd.arg(format!("oci:{}:{}", layout.display(), tag));
        cmd.arg(format!("docker://{}", self.image(name)));
        let out = Outcome::of(&mut cmd);
        assert!(
            out.success(),
            "skopeo push failed\n{}\n{}\nregistry log:\n{}",
            out.stdout,
            out.stderr,
            self.log()
        );
        out
    }

    /// An `Authorization` header value valid for this registry and `repo` (pull and push), if it has auth.
    pub fn authorization(&self, repo: &str) -> Option<String> {
        match &self.auth {
            Auth::None => None,
            Auth::Htpasswd { user, password } => Some(format!(
                "Basic {}",
                STANDARD.encode(format!("{user}:{password}"))
            )),
            Auth::Token(cfg) => {
                let t = self.token.as_ref().expect("token server");
                Some(format!(
                    "Bearer {}",
                    t.issue(Some(&cfg.user), &[format!("repository:{repo}:pull,push")])
                ))
            }
        }
    }

    /// GET a manifest by tag or digest with every manifest media type accepted; panics unless 200.
    pub fn get_manifest(&self, name: &str) -> HttpResponse {
        let (repo, reference) = split_name(name);
        let accept = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
                      application/vnd.docker.distribution.manifest.list.v2+json, \
                      application/vnd.docker.distribution.manifest.v2+json";
        let mut headers = vec![("Accept".to_string(), accept.to_string())];
        if let Some(a) = self.authorization(repo) {
            headers.push(("Authorization".into(), a));
        }
        let path = format!("/v2/{repo}/manifests/{reference}");
        let r = http(&self.host(), "GET", &path, &headers, b"").expect("GET manifest");
        assert_eq!(
            r.status,
            200,
            "GET {path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        r
    }

    /// The digest the registry gives for `repo:tag` (its `Docker-Content-Digest`).
    pub fn manifest_digest(&self, name: &str) -> String {
        let r = self.get_manifest(name);
        r.header("docker-content-digest")
            .expect("registry sends Docker-Content-Digest")
            .to_string()
    }

    /// The image ID (config digest) of the linux/amd64 image `name` points to (through an index if it is one).
    pub fn image_id(&self, name: &str) -> String {
        let (repo, _) = split_name(name);
        let r = self.get_manifest(name);
        let m: serde_json::Value = serde_json::from_slice(&r.body).expect("manifest is JSON");
        if let Some(list) = m["manifests"].as_array() {
            let amd = list
                .iter()
                .find(|d| {
                    d["platform"]["architecture"] == "amd64" && d["platform"]["os"] == "linux"
                })
                .expect("index has linux/amd64");
            let digest = amd["digest"].as_str().expect("digest");
            return self.image_id(&format!("{repo}@{digest}"));
        }
        m["config"]["digest"]
            .as_str()
            .expect("manifest has config digest")
            .to_string()
    }
}

/// `repo:tag` or `repo@digest` → (repo, reference).
fn split_name(name: &str) -> (&str, &str) {
    if let Some((r, d)) = name.split_once('@') {
        return (r, d);
    }
    match name.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (name, "latest"),
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let mut c = self.child.lock().unwrap_or_else(|e| e.into_inner());
        let _ = c.kill();
        let _ = c.wait();
    }
}

/// One HTTP response from [`http`].
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lowercased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// First header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.0 client for test setup and probes (HTTP/1.0 so servers neither chunk nor keep alive).
/// `host` is `127.0.0.1:PORT`; `path` includes the query.
pub fn http(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<HttpResponse> {
    let mut s = TcpStream::connect(host)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("response without header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line in {head:?}")))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(HttpResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// One request the token server answered.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    /// The user from Basic credentials, when they were valid.
    pub account: Option<String>,
    /// True when an `Authorization` header came with the request (valid or not).
    pub had_credentials: bool,
    /// HTTP status returned (200 or 401).
    pub status: u16,
    /// `scope` query parameters, decoded.
    pub scopes: Vec<String>,
    pub service: Option<String>,
}

/// An HTTP token server for the bearer flow (docker's token spec): GET /token?service=..&scope=.. with optional
/// Basic credentials → `{"token": JWT, "access_token": JWT, "expires_in": N, "issued_at": ...}`.
/// The JWT is RS256-signed with `openssl dgst` and carries the self-signed certificate in `x5c`, which the
/// registry verifies against its `rootcertbundle`. Wrong credentials get 401; anonymous requests get a token
/// granting pull (if [`TokenConfig::anonymous_pull`]) or nothing.
pub struct TokenServer {
    port: u16,
    key: PathBuf,
    cert: PathBuf,
    cert_der_b64: String,
    config: TokenConfig,
    requests: Arc<Mutex<Vec<TokenRequest>>>,
}

impl TokenServer {
    fn start(config: TokenConfig, dir: &Path) -> TokenServer {
        let key = dir.join("token-key.pem");
        let cert = dir.join("token-cert.pem");
        super::must_run(
            Command::new("openssl")
                .args([
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "3650",
                    "-subj",
                    "/CN=berth-test-token",
                ])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert),
        );
        let der = Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&cert)
            .output()
            .expect("openssl x509");
        assert!(der.status.success(), "converting token cert to DER");
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding token server");
        let port = listener.local_addr().expect("token server addr").port();
        let server = TokenServer {
            port,
            key,
            cert,
            cert_der_b64: STANDARD.encode(&der.stdout),
            config,
            requests: Arc::new(Mutex::new(Vec::new())),
        };
        let signer = server.signer();
        std::thread::Builder::new()
            .name("support-token-server".into())
            .spawn(move || {
                for conn in listener.incoming().flatten() {
                    let signer = signer.clone();
                    std::thread::spawn(move || {
                        let _ = signer.serve(conn);
                    });
                }
            })
            .expect("starting token server thread");
        server
    }

    fn signer(&self) -> Signer {
        Signer {
            key: self.key.clone(),
            cert_der_b64: self.cert_der_b64.clone(),
            config: self.config.clone(),
            requests: self.requests.clone(),
        }
    }

    /// The realm URL the registry announces.
    pub fn realm(&self) -> String {
        format!("http://127.0.0.1:{}/token", self.port)
    }
    /// Every request answered so far, oldest first.
    pub fn requests(&self) -> Vec<TokenRequest> {
        self.requests.lock().expect("requests lock").clone()
    }
    /// Issue a token directly (no HTTP): for `account` (None = anonymous) with `scopes` like `repository:x:pull`.
    pub fn issue(&self, account: Option<&str>, scopes: &[String]) -> String {
        self.signer().token(account, scopes)
    }
}

#[derive(Clone)]
struct Signer {
    key: PathBuf,
    cert_der_b64: String,
    config: TokenConfig,
    requests: Arc<Mutex<Vec<TokenRequest>>>,
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() && s.is_char_boundary(i + 3) => {
                match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    Ok(v) => out.push(v),
                    Err(_) => out.extend_from_slice(&b[i..i + 3]),
                }
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Signer {
    fn serve(&self, conn: TcpStream) -> std::io::Result<()> {
        conn.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut reader = BufReader::new(conn.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut authz = None;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.trim().eq_ignore_ascii_case("authorization")
            {
                authz = Some(v.trim().to_string());
            }
        }
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let mut scopes = Vec::new();
        let mut service = None;
        for kv in query.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            match k {
                "scope" => scopes.extend(
                    percent_decode(v)
                        .split(' ')
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                ),
                "service" => service = Some(percent_decode(v)),
                _ => {}
            }
        }
        let account = authz
            .as_deref()
            .and_then(|a| a.strip_prefix("Basic "))
            .and_then(|b| {
                let decoded = String::from_utf8(STANDARD.decode(b.trim()).ok()?).ok()?;
                let (u, p) = decoded.split_once(':')?;
                (u == self.config.user && p == self.config.password).then(|| u.to_string())
            });
        let (status, body) = if path != "/token" {
            (404, r#"{"errors":[{"code":"NOT_FOUND"}]}"#.to_string())
        } else if authz.is_some() && account.is_none() {
            (
                401,
                r#"{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}"#.to_string(),
            )
        } else {
            let token = self.token(account.as_deref(), &scopes);
            let mut obj = serde_json::json!({ "expires_in": self.config.expires_in });
            if self.config.field != TokenField::AccessToken {
                obj["token"] = token.clone().into();
            }
            if self.config.field != TokenField::Token {
                obj["access_token"] = token.into();
            }
            (200, obj.to_string())
        };
        self.requests
            .lock()
            .expect("requests lock")
            .push(TokenRequest {
                account,
                had_credentials: authz.is_some(),
                status,
                scopes,
                service,
            });
        let mut conn = conn;
        let reason = if status == 200 { "OK" } else { "Error" };
        write!(
            conn,
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        conn.flush()
    }

    /// A signed JWT granting, for each `repository:<name>:<actions>` scope, the actions this account may have.
    fn token(&self, account: Option<&str>, scopes: &[String]) -> String {
        let mut access = Vec::new();
        for s in scopes {
            let mut parts = s.splitn(3, ':');
            let (Some(kind), Some(name), Some(actions)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let granted: Vec<&str> = actions
                .split(',')
                .filter(|a| account.is_some() || (self.config.anonymous_pull && *a == "pull"))
                .collect();
            access.push(serde_json::json!({ "type": kind, "name": name, "actions": granted }));
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let header =
            serde_json::json!({ "typ": "JWT", "alg": "RS256", "x5c": [self.cert_der_b64] });
        let claims = serde_json::json!({
            "iss": TOKEN_ISSUER,
            "sub": account.unwrap_or(""),
            "aud": TOKEN_SERVICE,
            "exp": now + self.config.expires_in,
            "nbf": now - 10,
            "iat": now,
            "jti": format!("{now}-{}", super::unique("jti")),
            "access": access,
        });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut child = Command::new("openssl")
            .args(["dgst", "-sha256", "-binary", "-sign"])
            .arg(&self.key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("running openssl dgst");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("writing to openssl");
        let out = child.wait_with_output().expect("openssl dgst output");
        assert!(
            out.status.success(),
            "openssl dgst: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(&out.stdout))
    }
}

#[test]
fn support_shared_registry_serves_fixtures() {
    let reg = shared();
    let r = http(
        &reg.host(),
        "GET",
        "/v2/library/busybox/tags/list",
        &[],
        b"",
    )
    .expect("GET tags");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("latest"), "{}", r.text());
    for f in fixtures::ALL
        .iter()
        .filter(|f| f.name() != fixtures::PRIVATE_BUSYBOX)
    {
        let p = reg.fixture(f.name());
        assert!(
            p.digest.starts_with("sha256:") && p.image_id.starts_with("sha256:"),
            "{p:?}"
        );
    }
    // Byte-for-byte pushes keep the digests the fixture layout computed.
    let built = fixtures::build(Fixture::Busybox);
    assert_eq!(reg.fixture(fixtures::BUSYBOX).digest, built.digest);
    let zstd = reg.get_manifest(fixtures::ZSTD).text();
    assert!(
        zstd.contains("application/vnd.oci.image.layer.v1.tar+zstd"),
        "{zstd}"
    );
    let plain = reg.get_manifest(fixtures::PLAIN).text();
    assert!(
        plain.contains("\"application/vnd.oci.image.layer.v1.tar\""),
        "{plain}"
    );
    let docker = reg.get_manifest(fixtures::BUSYBOX_DOCKER).text();
    assert!(
        docker.contains("application/vnd.docker.distribution.manifest.v2+json"),
        "{docker}"
    );
    let index = reg.get_manifest(fixtures::INDEX).text();
    assert!(
        index.contains("arm64") && index.contains("unknown"),
        "{index}"
    );
}

#[test]
fn support_htpasswd_registry_rejects_anonymous_and_accepts_basic() {
    let reg = shared_htpasswd();
    let r = http(&reg.host(), "GET", "/v2/", &[], b"").expect("GET /v2/");
    assert_eq!(r.status, 401);
    assert!(
        r.header("www-authenticate")
            .unwrap_or("")
            .starts_with("Basic"),
        "{:?}",
        r.headers
    );
    let auth = vec![(
        "Authorization".to_string(),
        reg.authorization("private/busybox").expect("creds"),
    )];
    let r = http(
        &reg.host(),
        "GET",
        "/v2/private/busybox/tags/list",
        &auth,
        b"",
    )
    .expect("GET tags");
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn support_token_registry_rejects_anonymous_and_accepts_issued_token() {
    let reg = Registry::start(Auth::token());
    reg.push_fixture(Fixture::Busybox);
    let r = http(
        &reg.host(),
        "GET",
        "/v2/library/busybox/tags/list",
        &[],
        b"",
    )
    .expect("GET tags");
    assert_eq!(r.status, 401);
    let challenge = r.header("www-authenticate").expect("challenge").to_string();
    assert!(
        challenge.starts_with("Bearer realm=") && challenge.contains(TOKEN_SERVICE),
        "{challenge}"
    );

    // The full flow over HTTP, as a client does it: anonymous token grants nothing, credentials grant pull.
    let port = reg.token_server().expect("token server").port;
    let q = "/token?service=berth-test-registry&scope=repository%3Alibrary%2Fbusybox%3Apull";
    let anon = http(&format!("127.0.0.1:{port}"), "GET", q, &[], b"").expect("anonymous token");
    let anon: serde_json::Value = serde_json::from_slice(&anon.body).expect("token json");
    let bearer = |t: &serde_json::Value| {
        vec![(
            "Authorization".to_string(),
            format!("Bearer {}", t["token"].as_str().expect("token")),
        )]
    };
    let r = http(
        &reg.host(),
        "GET",
        "/v2/library/busybox/tags/list",
        &bearer(&anon),
        b"",
    )
    .expect("GET tags");
    assert_eq!(
        r.status,
        401,
        "anonymous token must not grant pull: {}",
        r.text()
    );

    let basic = vec![(
        "Authorization".to_string(),
        format!("Basic {}", STANDARD.encode(format!("{USER}:{PASSWORD}"))),
    )];
    let tok = http(&format!("127.0.0.1:{port}"), "GET", q, &basic, b"").expect("token");
    assert_eq!(tok.status, 200);
    let tok: serde_json::Value = serde_json::from_slice(&tok.body).expect("token json");
    assert_eq!(tok["token"], tok["access_token"]);
    let r = http(
        &reg.host(),
        "GET",
        "/v2/library/busybox/tags/list",
        &bearer(&tok),
        b"",
    )
    .expect("GET tags");
    assert_eq!(r.status, 200, "{}\nregistry log:\n{}", r.text(), reg.log());

    let wrong = vec![(
        "Authorization".to_string(),
        format!("Basic {}", STANDARD.encode("berth:wrong")),
    )];
    assert_eq!(
        http(&format!("127.0.0.1:{port}"), "GET", q, &wrong, b"")
            .expect("token")
            .status,
        401
    );
    let reqs = reg.token_server().expect("token server").requests();
    assert!(
        reqs.iter().any(|r| r.account.as_deref() == Some(USER)
            && r.scopes == ["repository:library/busybox:pull"]),
        "{reqs:?}"
    );
}

#[test]
fn support_shared_token_registry_serves_busybox_to_credentials_only() {
    let reg = shared_token();
    let p = reg.fixture(fixtures::BUSYBOX);
    assert_eq!(p.digest, fixtures::build(Fixture::Busybox).digest);
    let r = http(
        &reg.host(),
        "GET",
        "/v2/library/busybox/tags/list",
        &[],
        b"",
    )
    .expect("GET tags");
    assert_eq!(r.status, 401);
}

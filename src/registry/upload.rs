//! The upload side of the distribution API, for `push`: blob existence (HEAD), cross-repository mounts
//! (`POST ...?mount=<digest>&from=<repo>`), monolithic uploads (POST, then one PUT streaming the stored
//! file) and chunked ones (PATCH with `Content-Range`) where the registry refuses a whole blob in one
//! request or an upload was interrupted (resumed from the registry's `Range`, restarted when the session
//! is gone), and the manifest PUT with its media type.
//!
//! Must not depend on anything in berth but `config` (and the parent module). Invariants: a push goes to
//! the registry itself, never to a mirror (endpoints without mirrors); the token asks for
//! `repository:<repo>:pull,push` plus `pull` on each mount source; `Authorization` goes only to the
//! registry's own origin: an upload `Location` or redirect on another host gets none, and a 401 from it
//! is never answered (docs/security.md 1C C7); retries and stall timeouts are the pull's
//! (`registry.retries`, the HTTP client's timeouts).

use super::auth::{self, Challenge};
use super::transport::{describe_reqwest, with_headers};
use super::upload_body::{Answer, BodyClient, FileBody};
use super::{Client, Endpoint, Failure, validate_digest};
use anyhow::{Context, Result, anyhow, bail};
use oci_spec::distribution::Reference;
use reqwest::Method;
use reqwest::blocking::{Body, Response};
use reqwest::header::{HeaderMap, HeaderValue};
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Size of one PATCH of a chunked upload (streamed from the file, never held in memory), when the
/// registry refuses a blob in one PUT or an upload is resumed.
pub const CHUNK: u64 = 16 << 20;

/// The registry refused the push for want of rights, in docker's words (`denied: requested access to
/// the resource is denied`, `unauthorized: authentication required`).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PushDenied(pub String);

/// A blob's bytes for an upload: a file in the store, read again for each attempt.
#[derive(Debug, Clone)]
pub struct BlobFile {
    pub path: PathBuf,
    pub digest: String,
    pub size: u64,
}

/// A push to one repository: its endpoint, the host's challenge, and the token scope.
pub struct Pusher {
    client: Client,
    ep: Endpoint,
    base: String,
    challenge: Option<Challenge>,
    scope: String,
    /// The registry refused a whole blob in one PUT: the rest of this push goes in chunks.
    monolithic_refused: AtomicBool,
    /// The async client for blob bodies, started with the first upload.
    body: OnceLock<BodyClient>,
    /// The body client being built (see [`Client::pusher`]).
    body_init: Mutex<Option<std::thread::JoinHandle<Result<reqwest::Client>>>>,
}

/// What a request's body is, rebuilt for each attempt.
enum Payload<'a> {
    Empty,
    Bytes(&'a [u8]),
}

/// The `Content-Type` of blob bytes.
fn octet() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h
}

impl Payload<'_> {
    fn body(&self) -> Result<Option<Body>, Failure> {
        Ok(match self {
            Payload::Empty => None,
            Payload::Bytes(b) => Some(Body::from(b.to_vec())),
        })
    }
}

/// docker's text for a distribution error body: `<code lowercased, _ as space>: <message>`.
fn docker_error(resp: &mut Response, max: u64) -> String {
    let status = resp.status().as_u16();
    let mut buf = Vec::new();
    let _ = resp.take(max.min(64 << 10)).read_to_end(&mut buf);
    docker_error_text(status, &buf)
}

/// [`docker_error`] of a status and (a prefix of) its body.
fn docker_error_text(status: u16, buf: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct E {
        errors: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        code: Option<String>,
        message: Option<String>,
    }
    let items = serde_json::from_slice::<E>(buf)
        .map(|e| e.errors)
        .unwrap_or_default();
    let text: Vec<String> = items
        .iter()
        .map(|i| {
            let code = i
                .code
                .as_deref()
                .unwrap_or("unknown")
                .to_ascii_lowercase()
                .replace('_', " ");
            match &i.message {
                Some(m) if !m.is_empty() => format!("{code}: {m}"),
                _ => code,
            }
        })
        .collect();
    if text.is_empty() {
        match status {
            401 => "unauthorized: authentication required".into(),
            403 => "denied: requested access to the resource is denied".into(),
            s => format!("HTTP {s}"),
        }
    } else {
        text.join(", ")
    }
}

/// An upload session's URL from a `Location` header (a relative one resolved against `url`).
fn location_in(url: &reqwest::Url, headers: &HeaderMap) -> Result<String> {
    let loc = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .context("upload response without Location")?;
    Ok(url
        .join(loc)
        .context("invalid upload Location")?
        .to_string())
}

impl Client {
    /// Start a push to `r`'s repository. `mount_sources` are repositories of the same registry whose
    /// blobs may be mounted: the token asks for `pull` on them. `tls_verify` is podman's
    /// `--tls-verify`: `false` allows plain HTTP and unverified TLS for this push (as an insecure
    /// registry), `true` demands verified HTTPS even where the configuration or a loopback host would
    /// allow less; unset follows the configuration.
    pub fn pusher(
        &self,
        r: &Reference,
        mount_sources: &[String],
        tls_verify: Option<bool>,
    ) -> Result<Pusher> {
        // Never a mirror: mirrors serve pulls only (docker and containers/image push to the registry).
        let mut ep = self
            .endpoints(r, false)?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("no endpoint for {}", r.registry()))?;
        match tls_verify {
            Some(false) => ep.insecure = true,
            Some(true) => {
                if ep.scheme == Some("http") {
                    bail!(
                        "{}: plain HTTP is configured, but --tls-verify=true requires HTTPS",
                        ep.label
                    );
                }
                ep.insecure = false;
                ep.scheme = Some("https");
            }
            None => {}
        }
        // The body client loads the trust roots as the blocking one does: on its own thread, beside
        // the ping and the HEADs, rather than in front of the first upload.
        let body_init = {
            let (c, e) = (self.clone(), ep.clone());
            std::thread::Builder::new()
                .name("push-client".into())
                .spawn(move || c.http_async(&e))
                .ok()
        };
        let st = self
            .host_state(&ep)
            .map_err(|f| anyhow!("{}: {}", ep.label, f.msg))?;
        let mut scope = format!("repository:{}:pull,push", ep.repository);
        for s in mount_sources {
            if *s != ep.repository {
                scope.push_str(&format!(" repository:{s}:pull"));
            }
        }
        Ok(Pusher {
            client: self.clone(),
            ep,
            base: st.base,
            challenge: st.challenge,
            scope,
            monolithic_refused: AtomicBool::new(false),
            body: OnceLock::new(),
            body_init: Mutex::new(body_init),
        })
    }
}

impl Pusher {
    fn url(&self, path: &str) -> String {
        self.ep.url(&self.base, path)
    }

    /// One request with auth (only to the registry's own origin), retried like a pull's GET on 429, 5xx
    /// and dropped connections; answers a 401 from the registry once with a new token. Returns every
    /// response that is not a retryable failure (the caller checks the status).
    fn send(
        &self,
        method: Method,
        url: &str,
        headers: &HeaderMap,
        payload: &Payload,
    ) -> Result<Response, Failure> {
        let retries = self.client.inner.cfg.registry.retries;
        let mut attempt = 0;
        loop {
            match self.send_once(method.clone(), url, headers, payload) {
                Err(f) if f.retry && attempt < retries => {
                    attempt += 1;
                    let wait = f
                        .retry_after
                        .unwrap_or(Duration::from_millis(100 << attempt.min(5)))
                        .min(Duration::from_secs(10));
                    log::debug!("{method} {url}: {} (retry {attempt} in {wait:?})", f.msg);
                    std::thread::sleep(wait);
                }
                r => return r,
            }
        }
    }

    fn send_once(
        &self,
        method: Method,
        url: &str,
        headers: &HeaderMap,
        payload: &Payload,
    ) -> Result<Response, Failure> {
        let http = self
            .client
            .http(&self.ep)
            .map_err(|e| Failure::fatal(format!("{e:#}")))?;
        let own = |u: &str| self.same_origin(u);
        let mut authz = self.first_authorization(url)?;
        let mut answered = false;
        loop {
            let mut req = http.request(method.clone(), url).headers(headers.clone());
            if own(url) {
                req = with_headers(req, &self.ep.headers);
            }
            if let Some(a) = &authz {
                req = req.header(reqwest::header::AUTHORIZATION, a);
            }
            if let Some(b) = payload.body()? {
                req = req.body(b);
            } else if method == Method::PUT || method == Method::POST || method == Method::PATCH {
                req = req.header(reqwest::header::CONTENT_LENGTH, "0");
            }
            let mut resp = match req.send() {
                Ok(r) => r,
                Err(e) => {
                    return Err(Failure {
                        msg: describe_reqwest(&e),
                        retry: !e.is_connect(),
                        retry_after: None,
                    });
                }
            };
            let status = resp.status().as_u16();
            let max = self.client.inner.cfg.limits.max_error_bytes;
            if status == 401 && !own(resp.url().as_str()) {
                let d = docker_error(&mut resp, max);
                return Err(Failure::fatal(format!(
                    "{d} from redirect target {} (credentials are never sent there)",
                    resp.url().host_str().unwrap_or("?")
                )));
            }
            if status == 401
                && !answered
                && own(url)
                && let Some(c) = auth::challenge_of(resp.headers())
            {
                let _ = docker_error(&mut resp, max);
                answered = true;
                authz = self.authorization(&c, true)?;
                if authz.is_some() {
                    continue;
                }
            }
            if status == 429 || status >= 500 {
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                return Err(Failure {
                    msg: docker_error(&mut resp, max),
                    retry: true,
                    retry_after,
                });
            }
            return Ok(resp);
        }
    }

    /// A response that is not `ok`: the registry's error, typed when it is about rights.
    /// Whether `u` is on the registry's own origin: credentials never go anywhere else (a redirect to
    /// storage gets none).
    fn same_origin(&self, u: &str) -> bool {
        match (reqwest::Url::parse(u), reqwest::Url::parse(&self.base)) {
            (Ok(a), Ok(b)) => a.origin() == b.origin(),
            _ => false,
        }
    }

    /// The Authorization for this push's scope under challenge `c`; `force` asks the token server again
    /// (the cached token was refused).
    fn authorization(&self, c: &Challenge, force: bool) -> Result<Option<String>, Failure> {
        self.client
            .authorization_scoped(&self.ep, &self.base, c, Some(&self.scope), force)
    }

    /// The Authorization a request to `url` starts with: the push scope's, once the registry has
    /// challenged, and only on its own origin.
    fn first_authorization(&self, url: &str) -> Result<Option<String>, Failure> {
        match (&self.challenge, self.same_origin(url)) {
            (Some(c), true) => self.authorization(c, false),
            _ => Ok(None),
        }
    }

    fn fail(&self, what: &str, mut resp: Response) -> anyhow::Error {
        let status = resp.status().as_u16();
        let d = docker_error(&mut resp, self.client.inner.cfg.limits.max_error_bytes);
        if status == 401 || status == 403 {
            return PushDenied(d).into();
        }
        anyhow!("{what}: {d}")
    }

    /// [`Pusher::fail`] for the answer to a body request.
    fn fail_answer(&self, what: &str, a: &Answer) -> anyhow::Error {
        let d = docker_error_text(a.status, &a.body);
        if a.status == 401 || a.status == 403 {
            return PushDenied(d).into();
        }
        anyhow!("{what}: {d}")
    }

    /// The async body client, started by the first upload of this push.
    fn body_client(&self) -> Result<&BodyClient, Failure> {
        if let Some(b) = self.body.get() {
            return Ok(b);
        }
        // One thread makes the client; the others wait here for it.
        let mut init = self.body_init.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = self.body.get() {
            return Ok(b);
        }
        let http = match init.take() {
            Some(h) => h
                .join()
                .unwrap_or_else(|_| Err(anyhow!("building the upload client panicked"))),
            None => self.client.http_async(&self.ep),
        }
        .map_err(|e| Failure::fatal(format!("{e:#}")))?;
        let b = BodyClient::new(http)
            .map_err(|e| Failure::fatal(format!("starting the upload runtime: {e}")))?;
        let _ = self.body.set(b);
        Ok(self.body.get().expect("set above"))
    }

    /// A request whose body is `len` bytes of the stored file `path` from `offset`, sent by the async
    /// body client (`upload_body.rs`) with the auth rules of [`Pusher::send_once`]; not retried (a body
    /// cut halfway is resumed or restarted by the caller). 429 and 5xx come back as retryable
    /// failures, everything else as the answer.
    fn send_file(
        &self,
        method: Method,
        url: &str,
        headers: &HeaderMap,
        file: (&PathBuf, u64, u64),
        sent: &Arc<AtomicU64>,
    ) -> Result<Answer, Failure> {
        let (path, offset, len) = file;
        let body = self.body_client()?;
        let own = |u: &str| self.same_origin(u);
        let mut authz = self.first_authorization(url)?;
        let max = self.client.inner.cfg.limits.max_error_bytes.min(64 << 10);
        let mut answered = false;
        loop {
            let mut f = std::fs::File::open(path)
                .map_err(|e| Failure::fatal(format!("opening {}: {e}", path.display())))?;
            f.seek(SeekFrom::Start(offset))
                .map_err(|e| Failure::fatal(format!("reading {}: {e}", path.display())))?;
            // Every attempt counts from where its body starts.
            sent.store(offset, Ordering::Relaxed);
            let mut req = body
                .http
                .request(method.clone(), url)
                .headers(headers.clone())
                .header(reqwest::header::CONTENT_LENGTH, len)
                .body(reqwest::Body::wrap(FileBody::new(
                    f,
                    len,
                    Some(sent.clone()),
                )));
            if own(url) {
                for (k, v) in &self.ep.headers {
                    req = req.header(k.as_str(), v.as_str());
                }
            }
            if let Some(a) = &authz {
                req = req.header(reqwest::header::AUTHORIZATION, a);
            }
            let a = body.execute(req, max)?;
            if a.status == 401 && !own(a.url.as_str()) {
                return Err(Failure::fatal(format!(
                    "{} from redirect target {} (credentials are never sent there)",
                    docker_error_text(a.status, &a.body),
                    a.url.host_str().unwrap_or("?")
                )));
            }
            if a.status == 401
                && !answered
                && own(url)
                && let Some(c) = auth::challenge_of(&a.headers)
            {
                answered = true;
                authz = self.authorization(&c, true)?;
                if authz.is_some() {
                    continue;
                }
            }
            if a.status == 429 || a.status >= 500 {
                return Err(Failure {
                    msg: docker_error_text(a.status, &a.body),
                    retry: true,
                    retry_after: None,
                });
            }
            return Ok(a);
        }
    }

    fn call(
        &self,
        method: Method,
        url: &str,
        headers: &HeaderMap,
        p: &Payload,
    ) -> Result<Response> {
        self.send(method.clone(), url, headers, p)
            .map_err(|f| anyhow!("{method} {}: {}", self.ep.label, f.msg))
    }

    /// Whether the registry already has the blob in this repository (HEAD; docker's
    /// `Layer already exists`).
    pub fn blob_exists(&self, digest: &str) -> Result<bool> {
        validate_digest(digest)?;
        let url = self.url(&format!("/v2/{}/blobs/{digest}", self.ep.repository));
        let resp = self.call(Method::HEAD, &url, &HeaderMap::new(), &Payload::Empty)?;
        match resp.status().as_u16() {
            200..=299 => Ok(true),
            404 => Ok(false),
            _ => Err(self.fail(&format!("checking blob {digest}"), resp)),
        }
    }

    /// Mount `digest` from `from` (another repository of this registry). True when mounted (201); a
    /// registry that starts an upload instead (202) gets the session cancelled and the answer false.
    pub fn mount(&self, digest: &str, from: &str) -> Result<bool> {
        validate_digest(digest)?;
        let mut u =
            reqwest::Url::parse(&self.url(&format!("/v2/{}/blobs/uploads/", self.ep.repository)))
                .context("upload URL")?;
        u.query_pairs_mut()
            .append_pair("mount", digest)
            .append_pair("from", from);
        let resp = self.call(Method::POST, u.as_str(), &HeaderMap::new(), &Payload::Empty)?;
        match resp.status().as_u16() {
            201 => Ok(true),
            202 => {
                if let Ok(loc) = self.location(&resp) {
                    let _ = self.send(Method::DELETE, &loc, &HeaderMap::new(), &Payload::Empty);
                }
                Ok(false)
            }
            401 | 403 => Err(self.fail("mounting", resp)),
            _ => Ok(false),
        }
    }

    /// The upload session's URL from a response's `Location` (relative ones resolved against it).
    fn location(&self, resp: &Response) -> Result<String> {
        location_in(resp.url(), resp.headers())
    }

    fn start_upload(&self) -> Result<String> {
        let url = self.url(&format!("/v2/{}/blobs/uploads/", self.ep.repository));
        let resp = self.call(Method::POST, &url, &HeaderMap::new(), &Payload::Empty)?;
        if resp.status().as_u16() != 202 {
            return Err(self.fail("starting an upload", resp));
        }
        self.location(&resp)
    }

    /// Upload a blob from the store, verified at ingest (its digest is not computed again): POST, then
    /// one PUT streaming the whole file (distribution's monolithic upload); PATCH chunks of [`CHUNK`]
    /// when the registry refuses a monolithic body (413, 405, 501: remembered for the rest of this push)
    /// or after an interrupted upload, resumed from the registry's `Range` when the session survived and
    /// restarted otherwise (up to `registry.retries` times). `sent` counts the bytes sent so far.
    pub fn upload(&self, blob: &BlobFile, sent: &Arc<AtomicU64>) -> Result<()> {
        validate_digest(&blob.digest)?;
        let retries = self.client.inner.cfg.registry.retries;
        let mut restarts = 0;
        let mut chunked = false;
        loop {
            sent.store(0, Ordering::Relaxed);
            match self.upload_once(blob, sent, chunked) {
                Ok(()) => return Ok(()),
                Err(e) if e.downcast_ref::<PushDenied>().is_some() => return Err(e),
                Err(e) if restarts < retries => {
                    restarts += 1;
                    // A restart goes in chunks: a registry that keeps the session can then resume it.
                    chunked = true;
                    log::debug!("upload of {} failed: {e:#}; restarting", blob.digest);
                }
                Err(e) => return Err(e.context(format!("uploading blob {}", blob.digest))),
            }
        }
    }

    fn finish_url(&self, loc: &str, digest: &str) -> Result<String> {
        let mut u = reqwest::Url::parse(loc).context("invalid upload Location")?;
        u.query_pairs_mut().append_pair("digest", digest);
        Ok(u.to_string())
    }

    fn upload_once(&self, blob: &BlobFile, sent: &Arc<AtomicU64>, chunked: bool) -> Result<()> {
        let mut loc = self.start_upload()?;
        let mut offset = 0u64;
        if !chunked && !self.monolithic_refused.load(Ordering::Relaxed) {
            let url = self.finish_url(&loc, &blob.digest)?;
            // Not retried as a whole: a body cut halfway is resumed or restarted below.
            let file = (&blob.path, 0, blob.size);
            let why = match self.send_file(Method::PUT, &url, &octet(), file, sent) {
                Ok(a) if a.status == 201 => return Ok(()),
                Ok(a) if matches!(a.status, 405 | 411 | 413 | 501) => {
                    // The registry (or a proxy before it) takes no body this large in one request.
                    log::debug!(
                        "monolithic upload refused (HTTP {}); uploading in chunks",
                        a.status
                    );
                    self.monolithic_refused.store(true, Ordering::Relaxed);
                    let _ = self.send(Method::DELETE, &loc, &HeaderMap::new(), &Payload::Empty);
                    loc = self.start_upload()?;
                    None
                }
                Ok(a) => return Err(self.fail_answer("uploading", &a)),
                Err(f) => Some(f.msg),
            };
            if let Some(why) = why {
                (loc, offset) = self.resume_point(blob, &loc, &why)?;
            }
        }
        let mut resumes = 0;
        while offset < blob.size {
            let len = CHUNK.min(blob.size - offset);
            let mut h = octet();
            let range = format!("{offset}-{}", offset + len - 1);
            h.insert(
                reqwest::header::CONTENT_RANGE,
                HeaderValue::from_str(&range).expect("ascii range"),
            );
            match self.send_file(Method::PATCH, &loc, &h, (&blob.path, offset, len), sent) {
                Ok(a) if a.status == 202 => {
                    loc = location_in(&a.url, &a.headers)?;
                    offset += len;
                }
                Ok(a) if matches!(a.status, 401 | 403) => {
                    return Err(self.fail_answer("uploading", &a));
                }
                other => {
                    let why = match other {
                        Ok(a) => docker_error_text(a.status, &a.body),
                        Err(f) => f.msg,
                    };
                    resumes += 1;
                    if resumes > self.client.inner.cfg.registry.retries {
                        bail!("uploading at byte {offset}: {why}");
                    }
                    (loc, offset) = self.resume_point(blob, &loc, &why)?;
                }
            }
        }
        sent.store(blob.size, Ordering::Relaxed);
        let url = self.finish_url(&loc, &blob.digest)?;
        let resp = self.call(Method::PUT, &url, &octet(), &Payload::Empty)?;
        if resp.status().as_u16() != 201 {
            return Err(self.fail("completing the upload", resp));
        }
        Ok(())
    }

    /// Where an interrupted upload session stands (distribution's upload status, `GET <location>` ->
    /// `Range: 0-<last>`): its location and the next byte to send. A session that is gone is an error,
    /// and [`Pusher::upload`] restarts the blob.
    fn resume_point(&self, blob: &BlobFile, loc: &str, why: &str) -> Result<(String, u64)> {
        let st = self.call(Method::GET, loc, &HeaderMap::new(), &Payload::Empty)?;
        if st.status().as_u16() != 204 {
            bail!("upload session lost: {why}");
        }
        let next = st
            .headers()
            .get(reqwest::header::RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit_once('-'))
            .and_then(|(_, end)| end.parse::<u64>().ok())
            .map(|e| e + 1)
            .unwrap_or(0);
        if next > blob.size {
            bail!("registry reports {next} bytes of a {}-byte blob", blob.size);
        }
        log::debug!("upload of {}: resuming at byte {next}: {why}", blob.digest);
        Ok((self.location(&st).unwrap_or_else(|_| loc.to_string()), next))
    }

    /// PUT a manifest under `reference` (a tag or its digest) with its media type; returns the digest
    /// the registry reports, checked against the bytes' own.
    pub fn put_manifest(&self, reference: &str, media_type: &str, bytes: &[u8]) -> Result<String> {
        let url = self.url(&format!("/v2/{}/manifests/{reference}", self.ep.repository));
        let mut h = HeaderMap::new();
        h.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_str(media_type).context("media type")?,
        );
        let resp = self.call(Method::PUT, &url, &h, &Payload::Bytes(bytes))?;
        if resp.status().as_u16() != 201 {
            return Err(self.fail("pushing the manifest", resp));
        }
        let ours = format!(
            "sha256:{}",
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
        );
        if let Some(theirs) = resp
            .headers()
            .get("Docker-Content-Digest")
            .and_then(|v| v.to_str().ok())
            && theirs != ours
        {
            bail!("registry stored the manifest as {theirs}, expected {ours}");
        }
        Ok(ours)
    }

    /// The repository pushed to, as the registry names it.
    pub fn repository(&self) -> &str {
        &self.ep.repository
    }
}

//! The upload side of the distribution API, for `push`: blob existence (HEAD), cross-repository mounts
//! (`POST ...?mount=<digest>&from=<repo>`), monolithic uploads (POST, then PUT with the body) for small
//! blobs and chunked ones (PATCH with `Content-Range`, resumed from the registry's `Range` after a
//! failure, restarted when the session is gone) for large ones, and the manifest PUT with its media type.
//!
//! Must not depend on anything in berth but `config` (and the parent module). Invariants: a push goes to
//! the registry itself, never to a mirror (endpoints without mirrors); the token asks for
//! `repository:<repo>:pull,push` plus `pull` on each mount source; `Authorization` goes only to the
//! registry's own origin: an upload `Location` or redirect on another host gets none, and a 401 from it
//! is never answered (docs/security.md 1C C7); retries and stall timeouts are the pull's
//! (`registry.retries`, the HTTP client's timeouts).

use super::auth::{self, Challenge};
use super::transport::{describe_reqwest, with_headers};
use super::{Client, Endpoint, Failure, validate_digest};
use anyhow::{Context, Result, anyhow, bail};
use oci_spec::distribution::Reference;
use reqwest::Method;
use reqwest::blocking::{Body, Response};
use reqwest::header::{HeaderMap, HeaderValue};
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

/// Blobs up to this size go in one PUT; larger ones in PATCH chunks of [`CHUNK`] bytes.
pub const MONOLITHIC_MAX: u64 = 8 << 20;
/// Size of one PATCH of a chunked upload (streamed from the file, never held in memory).
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
}

/// What a request's body is, rebuilt for each attempt.
enum Payload<'a> {
    Empty,
    Bytes(&'a [u8]),
    File {
        path: &'a PathBuf,
        offset: u64,
        len: u64,
    },
}

impl Payload<'_> {
    fn body(&self) -> Result<Option<Body>, Failure> {
        Ok(match self {
            Payload::Empty => None,
            Payload::Bytes(b) => Some(Body::from(b.to_vec())),
            Payload::File { path, offset, len } => {
                let mut f = std::fs::File::open(path)
                    .map_err(|e| Failure::fatal(format!("opening {}: {e}", path.display())))?;
                f.seek(SeekFrom::Start(*offset))
                    .map_err(|e| Failure::fatal(format!("reading {}: {e}", path.display())))?;
                Some(Body::sized(f.take(*len), *len))
            }
        })
    }
}

/// docker's text for a distribution error body: `<code lowercased, _ as space>: <message>`.
fn docker_error(resp: &mut Response, max: u64) -> String {
    let status = resp.status().as_u16();
    let mut buf = Vec::new();
    let _ = resp.take(max.min(64 << 10)).read_to_end(&mut buf);
    #[derive(serde::Deserialize)]
    struct E {
        errors: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        code: Option<String>,
        message: Option<String>,
    }
    let items = serde_json::from_slice::<E>(&buf)
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

impl Client {
    /// Start a push to `r`'s repository. `mount_sources` are repositories of the same registry whose
    /// blobs may be mounted: the token asks for `pull` on them.
    pub fn pusher(&self, r: &Reference, mount_sources: &[String]) -> Result<Pusher> {
        // Never a mirror: mirrors serve pulls only (docker and containers/image push to the registry).
        let ep = self
            .endpoints(r, false)?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("no endpoint for {}", r.registry()))?;
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
        let own = |u: &str| match (reqwest::Url::parse(u), reqwest::Url::parse(&self.base)) {
            (Ok(a), Ok(b)) => a.origin() == b.origin(),
            _ => false,
        };
        let mut authz = match (&self.challenge, own(url)) {
            (Some(c), true) => self.client.authorization_scoped(
                &self.ep,
                &self.base,
                c,
                Some(&self.scope),
                false,
            )?,
            _ => None,
        };
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
            if status == 401 && !answered && own(url) {
                let all: Vec<Challenge> = resp
                    .headers()
                    .get_all(reqwest::header::WWW_AUTHENTICATE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(auth::parse_challenges)
                    .collect();
                if let Some(c) = auth::pick(&all) {
                    let _ = docker_error(&mut resp, max);
                    answered = true;
                    authz = self.client.authorization_scoped(
                        &self.ep,
                        &self.base,
                        &c,
                        Some(&self.scope),
                        true,
                    )?;
                    if authz.is_some() {
                        continue;
                    }
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
    fn fail(&self, what: &str, mut resp: Response) -> anyhow::Error {
        let status = resp.status().as_u16();
        let d = docker_error(&mut resp, self.client.inner.cfg.limits.max_error_bytes);
        if status == 401 || status == 403 {
            return PushDenied(d).into();
        }
        anyhow!("{what}: {d}")
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
        let loc = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .context("upload response without Location")?;
        Ok(resp
            .url()
            .join(loc)
            .context("invalid upload Location")?
            .to_string())
    }

    fn start_upload(&self) -> Result<String> {
        let url = self.url(&format!("/v2/{}/blobs/uploads/", self.ep.repository));
        let resp = self.call(Method::POST, &url, &HeaderMap::new(), &Payload::Empty)?;
        if resp.status().as_u16() != 202 {
            return Err(self.fail("starting an upload", resp));
        }
        self.location(&resp)
    }

    /// Upload a blob from the store: one PUT up to [`MONOLITHIC_MAX`], PATCH chunks above, resumed or
    /// restarted after a failure (up to `registry.retries` times). `on_bytes` hears the bytes sent.
    pub fn upload(&self, blob: &BlobFile, on_bytes: &dyn Fn(u64)) -> Result<()> {
        validate_digest(&blob.digest)?;
        let retries = self.client.inner.cfg.registry.retries;
        let mut restarts = 0;
        loop {
            match self.upload_once(blob, on_bytes) {
                Ok(()) => return Ok(()),
                Err(e) if e.downcast_ref::<PushDenied>().is_some() => return Err(e),
                Err(e) if restarts < retries => {
                    restarts += 1;
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

    fn upload_once(&self, blob: &BlobFile, on_bytes: &dyn Fn(u64)) -> Result<()> {
        let mut loc = self.start_upload()?;
        let mut octet = HeaderMap::new();
        octet.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        if blob.size <= MONOLITHIC_MAX {
            let url = self.finish_url(&loc, &blob.digest)?;
            let p = Payload::File {
                path: &blob.path,
                offset: 0,
                len: blob.size,
            };
            let resp = self.call(Method::PUT, &url, &octet, &p)?;
            if resp.status().as_u16() != 201 {
                return Err(self.fail("uploading", resp));
            }
            on_bytes(blob.size);
            return Ok(());
        }
        let mut offset = 0u64;
        let mut resumes = 0;
        while offset < blob.size {
            let len = CHUNK.min(blob.size - offset);
            let mut h = octet.clone();
            let range = format!("{offset}-{}", offset + len - 1);
            h.insert(
                reqwest::header::CONTENT_RANGE,
                HeaderValue::from_str(&range).expect("ascii range"),
            );
            let p = Payload::File {
                path: &blob.path,
                offset,
                len,
            };
            match self.send(Method::PATCH, &loc, &h, &p) {
                Ok(resp) if resp.status().as_u16() == 202 => {
                    loc = self.location(&resp)?;
                    offset += len;
                    on_bytes(len);
                }
                Ok(resp) if matches!(resp.status().as_u16(), 401 | 403) => {
                    return Err(self.fail("uploading", resp));
                }
                other => {
                    // Ask where the session stands and go on from there (distribution's upload status,
                    // `GET <location>` -> `Range: 0-<last>`); a session that is gone restarts the blob.
                    let why = match other {
                        Ok(mut r) => docker_error(&mut r, 4096),
                        Err(f) => f.msg,
                    };
                    resumes += 1;
                    if resumes > self.client.inner.cfg.registry.retries {
                        bail!("uploading at byte {offset}: {why}");
                    }
                    let st = self.call(Method::GET, &loc, &HeaderMap::new(), &Payload::Empty)?;
                    if st.status().as_u16() != 204 {
                        bail!("upload session lost at byte {offset}: {why}");
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
                    loc = self.location(&st).unwrap_or(loc);
                    log::debug!("upload of {}: resuming at byte {next}: {why}", blob.digest);
                    offset = next;
                }
            }
        }
        let url = self.finish_url(&loc, &blob.digest)?;
        let resp = self.call(Method::PUT, &url, &octet, &Payload::Empty)?;
        if resp.status().as_u16() != 201 {
            return Err(self.fail("completing the upload", resp));
        }
        Ok(())
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

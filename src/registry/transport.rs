//! The HTTP layer under every registry request: one reqwest client per TLS setup (CA files, strictness,
//! client certificate) with the connect and stall timeouts, the `/v2/` ping that finds an endpoint's
//! scheme and auth challenge (remembered, failures for a while), the authenticated GET with retries and
//! backoff, and the short descriptions of error bodies and transport errors.
//!
//! Must not depend on anything in berth but `config` (and the parent module). Invariants: a redirect
//! never downgrades HTTPS to plain HTTP; plain HTTP only for insecure endpoints and loopback hosts;
//! `Authorization` is attached to the endpoint's own URL only, and a 401 from a redirect target is never
//! answered (docs/security.md 1C C7); error bodies are read up to a bound (C3).

use super::auth::{self, Challenge};
use super::{Client, Endpoint, Failure};
use crate::config::ClientCert;
use anyhow::{Context, Result};
use reqwest::blocking::{Client as Http, Response};
use reqwest::header::HeaderMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long an endpoint that could not be reached is skipped without a new attempt.
const FAILED_PING_MEMORY: Duration = Duration::from_secs(30);

/// How far the ping got with a host: the base URL that answered and its challenge.
#[derive(Debug, Clone)]
pub(super) struct HostState {
    pub(super) base: String,
    pub(super) challenge: Option<Challenge>,
}

pub(super) type HostKey = (String, Option<&'static str>);
/// What sets one HTTP client apart from another: extra CAs, TLS strictness, client certificate.
pub(super) type HttpKey = (Vec<PathBuf>, bool, Option<ClientCert>);
/// When a host was pinged and what came of it.
pub(super) type PingOutcome = (Instant, Result<HostState, String>);

/// The redirect policy of every HTTP client of berth (registries, `ADD <url>`): reqwest's default (10 hops,
/// credentials stripped across hosts), plus: a redirect never downgrades HTTPS to plain HTTP
/// (CVE-2014-5277 is the same failure without one).
pub(super) fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let downgrade = attempt
            .previous()
            .last()
            .is_some_and(|p| p.scheme() == "https")
            && attempt.url().scheme() != "https";
        if downgrade {
            attempt.error("redirect from https to plain http refused")
        } else if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The settings both HTTP clients share (blocking and async builders have the same methods): the TLS setup
/// of `tls.rs` (extra CA files, strictness, client certificate; system roots read on first use), connect
/// timeout, user agent and the redirect policy.
macro_rules! configure {
    ($b:expr, $ep:expr, $s:expr) => {{
        let tls = super::tls::client_config(&$ep.ca_files, $ep.insecure, $ep.client_cert.as_ref())?;
        $b.connect_timeout($s.connect_timeout())
            .user_agent(concat!("berth/", env!("CARGO_PKG_VERSION")))
            .redirect(redirect_policy())
            .tls_backend_preconfigured(tls)
    }};
}

fn is_loopback(host: &str) -> bool {
    let h = match host.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') => h,
        _ => host,
    };
    let h = h.trim_start_matches('[').trim_end_matches(']');
    h == "localhost"
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Read at most `max` bytes of a body; `None` if it is longer.
pub(super) fn read_capped(resp: &mut Response, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    resp.take(max + 1).read_to_end(&mut buf)?;
    Ok(if buf.len() as u64 > max {
        None
    } else {
        Some(buf)
    })
}

/// A short description of an error response: the distribution `errors[]` messages, or the status.
pub(super) fn describe_error(resp: &mut Response, max: u64) -> String {
    let status = resp.status();
    let mut buf = Vec::new();
    // Error bodies are capped (docs/security.md 1C C3): read a bounded prefix and drop the rest.
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
    let detail = serde_json::from_slice::<E>(&buf)
        .ok()
        .map(|e| {
            e.errors
                .iter()
                .map(|i| {
                    let code = i
                        .code
                        .as_deref()
                        .unwrap_or("")
                        .to_ascii_lowercase()
                        .replace('_', " ");
                    match &i.message {
                        Some(m) if !m.is_empty() => m.clone(),
                        _ => code,
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|d| !d.is_empty());
    match detail {
        Some(d) => format!("HTTP {}: {d}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

pub(super) fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error;
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    // The innermost cause says what happened ("Connection refused", "invalid peer certificate");
    // the layers above it only repeat that a request failed.
    let mut inner: Option<&dyn Error> = None;
    let mut src = e.source();
    while let Some(s) = src {
        inner = Some(s);
        src = s.source();
    }
    match inner {
        Some(i) if !e.is_timeout() => format!("{kind}: {i}"),
        _ => kind.to_string(),
    }
}

/// The host cannot be reached at all (no other scheme on the same port will do better).
fn unreachable(e: &reqwest::Error) -> bool {
    use std::error::Error;
    if e.is_timeout() {
        return true;
    }
    let mut src = e.source();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::HostUnreachable
                    | std::io::ErrorKind::NetworkUnreachable
            )
        {
            return true;
        }
        if s.to_string().contains("dns error") {
            return true;
        }
        src = s.source();
    }
    false
}

impl Client {
    /// The HTTP client for a set of extra CA files and TLS strictness. Its timeout is the stall timeout:
    /// reqwest's blocking client applies it to the wait for headers and to every single body read.
    pub(super) fn http(&self, ep: &Endpoint) -> Result<Http> {
        let key = (ep.ca_files.to_vec(), ep.insecure, ep.client_cert.clone());
        let mut map = self.inner.http.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get(&key) {
            return Ok(c.clone());
        }
        let s = &self.inner.cfg.registry;
        let b = Http::builder().timeout(s.stall_timeout());
        let c = configure!(b, ep, s)
            .build()
            .context("building HTTP client")?;
        map.insert(key, c.clone());
        Ok(c)
    }

    /// An async HTTP client with the same TLS setup, redirect rules and connect timeout as
    /// [`Client::http`], for request bodies read from files (push): reqwest's blocking client reads a
    /// body 8 KiB at a time and hands each piece to its runtime thread, several syscalls and wake-ups
    /// per piece. Its stall timeout bounds each read of the response, not the whole (long) upload.
    pub(super) fn http_async(&self, ep: &Endpoint) -> Result<reqwest::Client> {
        let s = &self.inner.cfg.registry;
        let b = reqwest::Client::builder().read_timeout(s.stall_timeout());
        configure!(b, ep, s).build().context("building HTTP client")
    }

    /// Ping `/v2/` once per host: find the scheme that answers and the auth challenge. HTTPS first;
    /// plain HTTP only for insecure endpoints (docker's fallback for insecure registries).
    pub(super) fn host_state(&self, ep: &Endpoint) -> Result<HostState, Failure> {
        // One ping per host and API root: mirrors on one host under different paths may differ.
        let key = (format!("{}{}", ep.host, ep.api_root), ep.scheme);
        if let Some(s) = self
            .inner
            .hosts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            && (s.1.is_ok() || s.0.elapsed() < FAILED_PING_MEMORY)
        {
            return s.1.clone().map_err(Failure::fatal);
        }
        let schemes: &[&str] = match ep.scheme {
            Some("http") if !ep.insecure && !is_loopback(&ep.host) => {
                return Err(Failure::fatal(
                    "plain HTTP refused: the registry is not marked insecure",
                ));
            }
            Some(s) => &[if s == "http" { "http" } else { "https" }],
            None if ep.insecure || is_loopback(&ep.host) => &["https", "http"],
            None => &["https"],
        };
        let http = self
            .http(ep)
            .map_err(|e| Failure::fatal(format!("{e:#}")))?;
        let mut errs = Vec::new();
        let mut result = None;
        for s in schemes {
            let base = format!("{s}://{}", ep.host);
            match with_headers(http.get(ep.url(&base, "/v2/")), &ep.headers).send() {
                // Plain HTTP after HTTPS failed, answered 400: an HTTPS server rejecting plain HTTP
                // (Go's "client sent an HTTP request to an HTTPS server"). HTTPS's error is the one
                // that says what is wrong (a missing client certificate, an unknown CA).
                Ok(resp) if *s == "http" && !errs.is_empty() && resp.status().as_u16() == 400 => {
                    errs.push(format!("{base}: HTTP 400 (the server speaks HTTPS)"));
                }
                Ok(mut resp) => {
                    let challenge = if resp.status().as_u16() == 401 {
                        auth::challenge_of(resp.headers())
                    } else {
                        None
                    };
                    let _ = resp
                        .by_ref()
                        .take(self.inner.cfg.limits.max_error_bytes)
                        .read_to_end(&mut Vec::new());
                    log::debug!(
                        "ping {base}/v2/: HTTP {} challenge {:?}",
                        resp.status().as_u16(),
                        challenge.as_ref().map(|c| &c.scheme)
                    );
                    result = Some(HostState { base, challenge });
                    break;
                }
                Err(e) => {
                    let mut msg = format!("{base}: {}", describe_reqwest(&e));
                    // A server that requires mutual TLS ends the session right after the handshake
                    // (TLS 1.3 checks the client certificate there), which reads as a closed connection.
                    if *s == "https" && !unreachable(&e) {
                        let low = msg.to_ascii_lowercase();
                        if low.contains("closed") || low.contains("reset") || low.contains("alert")
                        {
                            msg.push_str(&match &ep.client_cert {
                                None => " (the server ended the TLS session: if it requires a client certificate, configure one with hosts.toml `client` or certs.d client.cert/client.key)".to_string(),
                                Some(c) => format!(" (the server ended the TLS session: it may not accept the client certificate {})", c.cert.display()),
                            });
                        }
                    }
                    errs.push(msg);
                    // Refused, unresolvable or stalled: plain HTTP on the same port will not do better
                    // and must not cost another timeout.
                    if unreachable(&e) {
                        break;
                    }
                }
            }
        }
        // With one scheme tried the endpoint label already says where; with two, say which was which.
        let r = result.ok_or_else(|| match errs.len() {
            1 => errs
                .remove(0)
                .split_once(": ")
                .map(|(_, m)| m.to_string())
                .unwrap_or_default(),
            _ => errs.join(", then "),
        });
        self.inner
            .hosts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, (Instant::now(), r.clone()));
        r.map_err(Failure::fatal)
    }

    /// One GET to `path` at `ep`, authenticated, retried on 429/5xx and dropped connections with
    /// backoff. Returns only successful responses (2xx); everything else is a `Failure`.
    pub(crate) fn get(
        &self,
        ep: &Endpoint,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<Response, Failure> {
        let retries = self.inner.cfg.registry.retries;
        let mut attempt = 0;
        loop {
            match self.get_once(ep, path, headers) {
                Err(f) if f.retry && attempt < retries => {
                    attempt += 1;
                    let wait = f
                        .retry_after
                        .unwrap_or(Duration::from_millis(100 << attempt.min(5)))
                        .min(Duration::from_secs(10));
                    log::debug!(
                        "{} {path}: {} (retry {attempt} in {wait:?})",
                        ep.label,
                        f.msg
                    );
                    std::thread::sleep(wait);
                }
                r => return r,
            }
        }
    }

    fn get_once(
        &self,
        ep: &Endpoint,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<Response, Failure> {
        let st = self.host_state(ep)?;
        let http = self
            .http(ep)
            .map_err(|e| Failure::fatal(format!("{e:#}")))?;
        let url = ep.url(&st.base, path);
        let mut authz = match &st.challenge {
            Some(c) => self.authorization(ep, &st.base, c, false)?,
            None => None,
        };
        let mut answered_401 = false;
        loop {
            let mut req = with_headers(http.get(&url).headers(headers.clone()), &ep.headers);
            if let Some(a) = &authz {
                // Attached to the endpoint's own URL only; reqwest drops it if a redirect leaves the host.
                req = req.header(reqwest::header::AUTHORIZATION, a);
            }
            let mut resp = match req.send() {
                Ok(r) => r,
                Err(e) => {
                    // A connect failure or a stall before headers: move on, do not hammer this endpoint.
                    let retry = !(e.is_connect() || e.is_timeout());
                    return Err(Failure {
                        msg: describe_reqwest(&e),
                        retry,
                        retry_after: None,
                    });
                }
            };
            let status = resp.status().as_u16();
            if (200..300).contains(&status) {
                return Ok(resp);
            }
            let final_origin = resp.url().origin();
            let same_host = reqwest::Url::parse(&url).is_ok_and(|u| u.origin() == final_origin);
            if status == 401 && !same_host {
                // CVE-2020-15157 / go-containerregistry #2349: a redirect target asking for credentials
                // gets none, whatever realm it names.
                let d = describe_error(&mut resp, self.inner.cfg.limits.max_error_bytes);
                return Err(Failure::fatal(format!(
                    "{d} from redirect target {} (credentials are never sent there)",
                    resp.url().host_str().unwrap_or("?")
                )));
            }
            if status == 401
                && !answered_401
                && let Some(c) = auth::challenge_of(resp.headers())
            {
                let _ = describe_error(&mut resp, self.inner.cfg.limits.max_error_bytes);
                answered_401 = true;
                // The cached token expired or lacks the scope: ask again, once.
                authz = self.authorization(ep, &st.base, &c, true)?;
                if authz.is_some() {
                    continue;
                }
            }
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let d = describe_error(&mut resp, self.inner.cfg.limits.max_error_bytes);
            let retry = status == 429 || status >= 500;
            return Err(Failure {
                msg: d,
                retry,
                retry_after,
            });
        }
    }
}

/// Add an endpoint's configured headers (hosts.toml `[header]`) to a request. They go to that endpoint
/// (and its token realm when it is the same host), never to another mirror or the registry; like
/// containerd's Go client, a redirect carries them on (reqwest strips only credential headers).
pub(super) fn with_headers(
    mut rb: reqwest::blocking::RequestBuilder,
    headers: &[(String, String)],
) -> reqwest::blocking::RequestBuilder {
    for (k, v) in headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    rb
}

pub(super) fn url_encode(s: &str) -> String {
    reqwest::Url::parse_with_params("x:", [("v", s)])
        .ok()
        .and_then(|u| u.query().map(|q| q.trim_start_matches("v=").to_string()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("127.0.0.1:5000"));
        assert!(is_loopback("localhost"));
        assert!(is_loopback("[::1]:5000"));
        assert!(!is_loopback("registry.example:5000"));
    }
}

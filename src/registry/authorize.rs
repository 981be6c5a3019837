//! What a request to an endpoint is authorized with: the stored credential for its host and repository,
//! Basic or a bearer token from the challenge's realm (the distribution token flow, OAuth2 refresh
//! tokens included), cached per host and pull scope.
//!
//! Must not depend on anything in berth but `config` (and the parent module). Invariants: a token realm
//! is https, or plain http only when the registry itself is reached over plain http (docs/security.md
//! 1C C8); an endpoint's configured headers reach the realm only when it is the endpoint's host.

use super::auth::{self, Challenge, Token};
use super::credentials::{self, Credential};
use super::transport::{describe_error, describe_reqwest, read_capped, url_encode, with_headers};
use super::{Client, Endpoint, Failure};

impl Client {
    fn credential(&self, host: &str, repository: &str) -> Result<Option<Credential>, Failure> {
        let key = (host.to_string(), repository.to_string());
        let mut map = self
            .inner
            .credentials
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get(&key) {
            return Ok(c.clone());
        }
        let c = credentials::lookup(&self.inner.creds, host, repository)
            .map_err(|e| Failure::fatal(format!("reading credentials: {e:#}")))?;
        map.insert(key, c.clone());
        Ok(c)
    }

    /// The `Authorization` value for a request to `ep` under `challenge`, fetching a token if needed.
    pub(super) fn authorization(
        &self,
        ep: &Endpoint,
        base: &str,
        challenge: &Challenge,
        force: bool,
    ) -> Result<Option<String>, Failure> {
        self.authorization_scoped(ep, base, challenge, None, force)
    }

    /// [`Client::authorization`] for the scopes `want` (space-separated, e.g. push's
    /// `repository:team/app:pull,push repository:team/base:pull`) instead of the repository's pull
    /// scope; the token is cached under them.
    pub(super) fn authorization_scoped(
        &self,
        ep: &Endpoint,
        base: &str,
        challenge: &Challenge,
        want: Option<&str>,
        force: bool,
    ) -> Result<Option<String>, Failure> {
        let cred = self.credential(&ep.host, &ep.repository)?;
        match challenge.scheme.as_str() {
            "basic" => Ok(cred
                .filter(|c| !c.username.is_empty())
                .map(|c| basic(&c.username, &c.secret))),
            "bearer" => {
                // The repository's pull scope is the cache key. A scope named by a 401 on the resource
                // itself (`insufficient_scope`) is requested as given, and the token is filed under
                // the pull key too, so the next request does not run into the same 401.
                let pull_scope = match want {
                    Some(w) => w.to_string(),
                    None => format!("repository:{}:pull", ep.repository),
                };
                let scope = match challenge.param("scope") {
                    Some(s) if force && want.is_none() => s.to_string(),
                    _ => pull_scope.clone(),
                };
                // Held across the token request: parallel blob downloads share one token request
                // instead of racing to fetch several.
                let mut tokens = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
                let key = (ep.host.clone(), pull_scope);
                if !force
                    && let Some(t) = tokens.get(&key)
                    && t.fresh()
                {
                    return Ok(Some(format!("Bearer {}", t.value)));
                }
                let t = self.fetch_token(ep, base, challenge, Some(&scope), cred.as_ref())?;
                let v = format!("Bearer {}", t.value);
                tokens.insert(key, t);
                Ok(Some(v))
            }
            other => Err(Failure::fatal(format!(
                "unsupported authentication scheme {other}"
            ))),
        }
    }

    /// The token flow (distribution `docs/spec/auth/token.md`): GET realm with Basic credentials or
    /// anonymously, or POST a refresh token (OAuth2) when an identity token is stored.
    pub(super) fn fetch_token(
        &self,
        ep: &Endpoint,
        base: &str,
        challenge: &Challenge,
        scope: Option<&str>,
        cred: Option<&Credential>,
    ) -> Result<Token, Failure> {
        let realm = challenge
            .param("realm")
            .ok_or_else(|| Failure::fatal("bearer challenge without realm"))?;
        let url = reqwest::Url::parse(realm)
            .map_err(|e| Failure::fatal(format!("invalid token realm {realm:?}: {e}")))?;
        // SSRF guard (go-containerregistry `validateRealmURL`; docs/security.md 1C C8): https, or plain http
        // only when the registry itself is reached over plain http.
        match url.scheme() {
            "https" => {}
            "http" if base.starts_with("http://") => {}
            s => {
                return Err(Failure::fatal(format!(
                    "refusing token realm {realm:?} (scheme {s})"
                )));
            }
        }
        let http = self
            .http(ep)
            .map_err(|e| Failure::fatal(format!("{e:#}")))?;
        // hosts.toml headers go to the endpoint's host only: to the token realm when it is that host.
        let same_host = url.host_str().is_some_and(|h| {
            let hp = match url.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            };
            hp == ep.host
        });
        let endpoint_headers = |rb: reqwest::blocking::RequestBuilder| {
            if same_host {
                with_headers(rb, &ep.headers)
            } else {
                rb
            }
        };
        let service = challenge.param("service");
        let req = match cred.and_then(|c| c.identity_token.as_deref()) {
            Some(refresh) => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh),
                    ("client_id", "berth"),
                ];
                if let Some(s) = service {
                    form.push(("service", s));
                }
                if let Some(s) = scope {
                    form.push(("scope", s));
                }
                let body = form
                    .iter()
                    .map(|(k, v)| format!("{k}={}", url_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                endpoint_headers(http.post(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(body)
            }
            None => {
                let mut u = url;
                {
                    let mut q = u.query_pairs_mut();
                    if let Some(s) = service {
                        q.append_pair("service", s);
                    }
                    // One `scope` parameter per scope (distribution `docs/spec/auth/scope.md`).
                    for s in scope.into_iter().flat_map(|s| s.split(' ')) {
                        q.append_pair("scope", s);
                    }
                    if let Some(c) = cred.filter(|c| !c.username.is_empty()) {
                        q.append_pair("account", &c.username);
                    }
                }
                let mut r = endpoint_headers(http.get(u));
                if let Some(c) = cred.filter(|c| !c.username.is_empty()) {
                    r = r.header(
                        reqwest::header::AUTHORIZATION,
                        basic(&c.username, &c.secret),
                    );
                }
                r
            }
        };
        let mut resp = req
            .send()
            .map_err(|e| Failure::fatal(format!("token request: {}", describe_reqwest(&e))))?;
        let max = self.inner.cfg.limits.max_error_bytes;
        if !resp.status().is_success() {
            let d = describe_error(&mut resp, max);
            let msg = if resp.status().as_u16() == 401 {
                format!("token request: {d}: unauthorized: incorrect username or password")
            } else {
                format!("token request: {d}")
            };
            return Err(Failure::fatal(msg));
        }
        let body = read_capped(&mut resp, max)
            .map_err(|e| Failure::fatal(format!("reading token response: {e}")))?
            .ok_or_else(|| Failure::fatal(format!("token response larger than {max} bytes")))?;
        auth::parse_token(&body).map_err(|e| Failure::fatal(format!("{e:#}")))
    }
}

pub(super) fn basic(user: &str, pass: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

//! `login` and `logout`: the registry host a user names, checking credentials against it (the ping,
//! then a token request or an authenticated `/v2/`), and storing or erasing them as docker does.
//!
//! Must not depend on anything in berth but `config` and `store` (through `credentials`). Invariant:
//! credentials are stored only after the registry accepted them.

use super::Client;
use super::authorize::basic;
use super::credentials::{self, Credential};
use super::transport::{describe_error, describe_reqwest};
use crate::config::Config;
use anyhow::{Context, Result, bail};
use oci_spec::distribution::Reference;
use std::path::PathBuf;

impl Client {
    /// Check credentials against a registry: ping, then a token request (bearer) or an authenticated
    /// `/v2/` (basic). Registries without auth accept anything, as with docker.
    fn verify_login(&self, host: &str, user: &str, password: &str) -> Result<()> {
        let r = Reference::with_tag(host.to_string(), "login".into(), "latest".into());
        let ep = self
            .endpoints(&r, false)?
            .pop()
            .context("no endpoint for registry")?;
        let st = self
            .host_state(&ep)
            .map_err(|f| anyhow::anyhow!("{}: {}", ep.label, f.msg))?;
        let cred = Credential {
            username: user.into(),
            secret: password.into(),
            identity_token: None,
        };
        match &st.challenge {
            None => Ok(()),
            Some(c) if c.scheme == "bearer" => self
                .fetch_token(&ep, &st.base, c, None, Some(&cred))
                .map(|_| ())
                .map_err(|f| anyhow::anyhow!("{}", f.msg)),
            Some(c) if c.scheme == "basic" => {
                let http = self.http(&ep)?;
                let mut resp = http
                    .get(ep.url(&st.base, "/v2/"))
                    .header(reqwest::header::AUTHORIZATION, basic(user, password))
                    .send()
                    .map_err(|e| anyhow::anyhow!("{}", describe_reqwest(&e)))?;
                if resp.status().is_success() {
                    return Ok(());
                }
                let d = describe_error(&mut resp, self.inner.cfg.limits.max_error_bytes);
                if resp.status().as_u16() == 401 {
                    bail!("{d}: unauthorized: incorrect username or password");
                }
                bail!("{d}")
            }
            Some(c) => bail!("unsupported authentication scheme {}", c.scheme),
        }
    }
}

/// Turn what a user types after `login`/`logout` into a registry host (`docker.io` for Docker Hub).
pub fn login_host(server: &str) -> String {
    let s = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"))
        .unwrap_or(server);
    let h = s.split('/').next().unwrap_or(s);
    match h {
        "" | "docker.io" | "index.docker.io" | "registry-1.docker.io" => "docker.io".into(),
        h => h.into(),
    }
}

/// Verify `user`/`password` against `server` and store them as docker does (config.json or its helper).
pub fn login(cfg: &Config, server: &str, user: &str, password: &str) -> Result<()> {
    let host = login_host(server);
    let client = Client::new(cfg)?;
    client
        .verify_login(&host, user, password)
        .with_context(|| format!("login to {host}"))?;
    credentials::store(&client.inner.creds, &host, user, password).context("storing credentials")
}

/// Where a login to `server` would store the password unencrypted (config.json), or `None` when a
/// credential helper is configured for it.
pub fn login_plaintext_file(cfg: &Config, server: &str) -> Result<Option<PathBuf>> {
    let creds = cfg
        .credentials
        .clone()
        .unwrap_or_else(credentials::sources_from_env);
    credentials::plaintext_file(&creds, &login_host(server))
}

/// Remove stored credentials for `server`; false if there were none.
pub fn logout(cfg: &Config, server: &str) -> Result<bool> {
    let creds = cfg
        .credentials
        .clone()
        .unwrap_or_else(credentials::sources_from_env);
    credentials::erase(&creds, &login_host(server))
}

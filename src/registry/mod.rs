//! The registry client: the only network code in berth. Distribution API (manifests, blobs), auth
//! (bearer, basic, credential files), mirrors with fallback, retries, resume, and login/logout.
//!
//! This file owns the [`Client`] and what every part of it shares (the failure of one endpoint, digest
//! validation); the rest is one file per concern: `endpoints.rs` (mirrors, locations, TLS material per
//! endpoint), `tls.rs` (the TLS setup of the HTTP clients, system roots read on first use), `transport.rs`
//! (HTTP clients, the ping, GET with retries, error bodies), `authorize.rs`
//! (credentials and tokens for a request), `manifest.rs` (fetch and verify manifests), `blob.rs`
//! (fetch, resume and verify blobs), `upload.rs` (push: blob HEAD, mounts, uploads, manifest PUT),
//! `login.rs` (login/logout), `auth.rs` (challenge and token
//! parsing), `credentials.rs` (credential files and helpers).
//!
//! Must not depend on cli or engine; uses config, store (for atomic credential writes).
//! Invariants:
//! - every byte handed out is verified: manifests against the requested digest or the
//!   `Docker-Content-Digest` header, blobs against their descriptor size and digest at EOF;
//! - an `Authorization` header is only ever attached by berth to a request for the endpoint host that
//!   issued the challenge; redirects are followed by reqwest, which strips it across hosts, and a 401 from
//!   a redirect target is never answered (docs/security.md 1C C7);
//! - plain HTTP only for registries marked insecure and loopback hosts; TLS certificates are always
//!   verified unless the registry is explicitly marked insecure, loopback included (C9).

pub mod auth;
mod authorize;
mod blob;
pub mod credentials;
mod endpoints;
mod login;
mod manifest;
mod tls;
mod transport;
mod upload;
mod upload_body;
pub mod url;

use crate::config::{Config, CredentialSources};
use anyhow::{Result, bail};
use auth::Token;
use credentials::Credential;
use reqwest::blocking::Client as Http;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use transport::{HostKey, HttpKey, PingOutcome};

pub use blob::BlobReader;
pub(crate) use endpoints::Endpoint;
pub use login::{login, login_host, login_plaintext_file, logout};
pub use manifest::{
    MEDIA_DOCKER_LIST, MEDIA_DOCKER_MANIFEST, MEDIA_OCI_INDEX, MEDIA_OCI_MANIFEST, RawManifest,
};
pub use upload::{BlobFile, PushDenied, Pusher};

/// Check that `digest` is `sha256:` + 64 lowercase hex characters before it reaches a URL or a path
/// (CVE-2024-3727; docs/security.md 1C C10).
pub fn validate_digest(digest: &str) -> Result<()> {
    let ok = digest.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if !ok {
        bail!(
            "invalid digest {digest:?}: berth accepts only sha256 with 64 lowercase hex characters"
        );
    }
    Ok(())
}

/// Why one endpoint could not serve a request; `retry` says whether the same endpoint may be tried again.
#[derive(Debug)]
pub(crate) struct Failure {
    pub msg: String,
    pub retry: bool,
    pub retry_after: Option<Duration>,
}

impl Failure {
    fn fatal(msg: impl Into<String>) -> Failure {
        Failure {
            msg: msg.into(),
            retry: false,
            retry_after: None,
        }
    }
}

/// The registry client. Cheap to clone; safe to share between download threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: Config,
    creds: CredentialSources,
    http: Mutex<HashMap<HttpKey, Http>>,
    /// Ping outcome per (host, configured scheme); a failed ping is remembered so that a dead mirror
    /// costs one connect timeout per pull, not one per blob.
    hosts: Mutex<HashMap<HostKey, PingOutcome>>,
    tokens: Mutex<HashMap<(String, String), Token>>,
    credentials: Mutex<HashMap<(String, String), Option<Credential>>>,
    /// The endpoint that served a repository's manifest: its blobs are asked there first, so that one
    /// pull comes from one place.
    served_by: Mutex<HashMap<(String, String), String>>,
}

impl Client {
    /// A client for `cfg`; credentials come from `cfg.credentials` or the environment's default files.
    pub fn new(cfg: &Config) -> Result<Client> {
        let creds = cfg
            .credentials
            .clone()
            .unwrap_or_else(credentials::sources_from_env);
        Ok(Client {
            inner: Arc::new(Inner {
                cfg: cfg.clone(),
                creds,
                http: Mutex::new(HashMap::new()),
                hosts: Mutex::new(HashMap::new()),
                tokens: Mutex::new(HashMap::new()),
                credentials: Mutex::new(HashMap::new()),
                served_by: Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.cfg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_validated_before_use() {
        assert!(validate_digest(&format!("sha256:{}", "a".repeat(64))).is_ok());
        for bad in [
            "sha256:../../../../tmp/x".to_string(),
            format!("sha256:{}", "A".repeat(64)),
            format!("sha256:{}", "a".repeat(63)),
            format!("sha512:{}", "a".repeat(64)),
            format!("sha256:{}\n", "a".repeat(64)),
        ] {
            crate::testing::assert_err(
                validate_digest(&bad),
                &format!("invalid digest {bad:?}: berth accepts only sha256"),
            );
        }
    }
}

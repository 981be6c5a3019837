//! Manifests and indexes: the media types berth accepts, and fetching one by tag or digest from the first
//! endpoint that serves a verified one.
//!
//! Must not depend on anything in berth but `config` (and the parent module). Invariants: the received
//! bytes are hashed and pinned to the requested digest and to `Docker-Content-Digest` (docs/security.md
//! 1C C4); a manifest is read up to `limits.max_manifest_bytes`; a document cannot pass as both an index
//! and a manifest; schema1 is refused.

use super::transport::read_capped;
use super::{Client, Failure, validate_digest};
use anyhow::{Result, bail};
use oci_spec::distribution::Reference;
use reqwest::blocking::Response;
use reqwest::header::{HeaderMap, HeaderValue};
use sha2::{Digest as _, Sha256};

pub const MEDIA_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const MEDIA_DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const MEDIA_SCHEMA1: &[&str] = &[
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
];
const KNOWN_MANIFESTS: &[&str] = &[
    MEDIA_OCI_INDEX,
    MEDIA_OCI_MANIFEST,
    MEDIA_DOCKER_LIST,
    MEDIA_DOCKER_MANIFEST,
];

/// A manifest or index exactly as the registry sent it, with its verified digest.
#[derive(Debug, Clone)]
pub struct RawManifest {
    pub bytes: Vec<u8>,
    pub media_type: String,
    /// `sha256:<hex>` of `bytes`.
    pub digest: String,
}

fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

impl Client {
    /// Fetch a manifest or index by tag or digest, from the first endpoint that serves a verified one.
    pub fn fetch_manifest(&self, r: &Reference) -> Result<RawManifest> {
        let reference = match r.digest() {
            Some(d) => {
                validate_digest(d)?;
                d.to_string()
            }
            None => r.tag().unwrap_or("latest").to_string(),
        };
        let mut headers = HeaderMap::new();
        let accept = [KNOWN_MANIFESTS, MEDIA_SCHEMA1].concat().join(", ");
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_str(&accept).expect("static accept header"),
        );
        let mut failures = Vec::new();
        for ep in self.endpoints(r, true)? {
            let path = format!("/v2/{}/manifests/{reference}", ep.repository);
            match self
                .get(&ep, &path, &headers)
                .and_then(|resp| self.verify_manifest(resp, r.digest()))
            {
                Ok(m) => {
                    // Remembered only when endpoints before it failed. When it was simply the first
                    // one allowed (a hosts.toml mirror without `resolve` is skipped for tags), the
                    // blobs, asked by digest, keep the configured order: mirrors first.
                    if !failures.is_empty() {
                        self.inner
                            .served_by
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(
                                (r.registry().into(), r.repository().into()),
                                ep.label.clone(),
                            );
                    }
                    log::debug!(
                        "manifest {}:{reference} ({}) served by {}",
                        r.repository(),
                        m.digest,
                        ep.label
                    );
                    return Ok(m);
                }
                Err(f) => {
                    log::debug!(
                        "manifest {}:{reference}: {} failed: {}",
                        r.repository(),
                        ep.label,
                        f.msg
                    );
                    failures.push(format!("{}: {}", ep.label, f.msg));
                }
            }
        }
        bail!(
            "manifest {r}: every endpoint failed: {}",
            failures.join("; ")
        )
    }

    fn verify_manifest(
        &self,
        mut resp: Response,
        want: Option<&str>,
    ) -> Result<RawManifest, Failure> {
        let max = self.inner.cfg.limits.max_manifest_bytes;
        if resp.content_length().is_some_and(|n| n > max) {
            return Err(Failure::fatal(format!(
                "manifest larger than the limit of {max} bytes"
            )));
        }
        let header_digest = resp
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string());
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.split(';').next().unwrap_or("").trim().to_string())
            .unwrap_or_default();
        let bytes = read_capped(&mut resp, max)
            .map_err(|e| Failure {
                msg: format!("reading manifest: {e}"),
                retry: true,
                retry_after: None,
            })?
            .ok_or_else(|| {
                Failure::fatal(format!("manifest larger than the limit of {max} bytes"))
            })?;
        let digest = sha256_digest(&bytes);
        // CVE-2014-8179 / docs/security.md 1C C4: hash exactly the received bytes and pin to that digest.
        if let Some(w) = want
            && w != digest
        {
            return Err(Failure::fatal(format!(
                "manifest digest mismatch: requested {w}, received content is {digest}"
            )));
        }
        if let Some(h) = &header_digest
            && *h != digest
        {
            return Err(Failure::fatal(format!(
                "manifest digest mismatch: Docker-Content-Digest says {h}, content is {digest}"
            )));
        }
        #[derive(serde::Deserialize)]
        struct Peek {
            #[serde(rename = "schemaVersion")]
            schema_version: Option<u64>,
            #[serde(rename = "mediaType")]
            media_type: Option<String>,
            manifests: Option<serde_json::Value>,
            config: Option<serde_json::Value>,
            layers: Option<serde_json::Value>,
        }
        let schema1 = "schema1 manifests are not supported (deprecated, and removed from docker in v28.2); \
                       push the image again with a current client";
        if MEDIA_SCHEMA1.contains(&content_type.as_str()) {
            return Err(Failure::fatal(schema1));
        }
        let peek: Peek = serde_json::from_slice(&bytes)
            .map_err(|e| Failure::fatal(format!("manifest is not valid JSON: {e}")))?;
        if peek.schema_version == Some(1) {
            return Err(Failure::fatal(schema1));
        }
        // CVE-2021-41190: a document must not be able to pass as both an index and a manifest.
        if peek.manifests.is_some() && (peek.config.is_some() || peek.layers.is_some()) {
            return Err(Failure::fatal(
                "ambiguous manifest: has both manifests and config/layers",
            ));
        }
        let body_type = peek.media_type.filter(|m| !m.is_empty());
        if let Some(b) = &body_type
            && KNOWN_MANIFESTS.contains(&content_type.as_str())
            && *b != content_type
        {
            return Err(Failure::fatal(format!(
                "manifest mediaType {b} does not match Content-Type {content_type}"
            )));
        }
        let media_type = if KNOWN_MANIFESTS.contains(&content_type.as_str()) {
            content_type
        } else if let Some(b) = body_type {
            b
        } else if peek.manifests.is_some() {
            MEDIA_OCI_INDEX.to_string()
        } else {
            MEDIA_OCI_MANIFEST.to_string()
        };
        if !KNOWN_MANIFESTS.contains(&media_type.as_str()) {
            return Err(Failure::fatal(format!(
                "unsupported manifest media type {media_type}"
            )));
        }
        Ok(RawManifest {
            bytes,
            media_type,
            digest,
        })
    }
}

//! Blobs: `Client::fetch_blob` (the endpoints to try, the one that served the manifest first) and the
//! blob reader, which streams one blob from the first endpoint that serves it, resumes with `Range` after
//! a dropped connection or a stall (on the same endpoint or the next one), and verifies size and sha256
//! at EOF.
//!
//! Invariant: never yields more than the descriptor size, and reports EOF only after exactly `size`
//! bytes whose sha256 equals the digest; otherwise the final read is an `InvalidData` error naming the
//! digest (docs/security.md 1C C1, C2).

use super::{Client, Endpoint, Failure, validate_digest};
use anyhow::{Context, Result, bail};
use oci_spec::distribution::Reference;
use reqwest::blocking::Response;
use reqwest::header::{HeaderMap, HeaderValue};
use sha2::{Digest as _, Sha256};
use std::io::{self, Read};

pub struct BlobReader {
    client: Client,
    endpoints: Vec<Endpoint>,
    current: usize,
    /// Attempts on the current endpoint after a mid-body failure.
    attempts: u32,
    digest: String,
    size: u64,
    /// Bytes handed to the caller (all hashed).
    handed: u64,
    hasher: Sha256,
    body: Option<Response>,
    failures: Vec<String>,
    done: bool,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn is_timeout(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::TimedOut
        || e.get_ref()
            .and_then(|i| i.downcast_ref::<reqwest::Error>())
            .is_some_and(|r| r.is_timeout())
}

/// `bytes <start>-<end>/<total>`: the start and total (None for `*`).
fn parse_content_range(v: &str) -> Option<(u64, u64, Option<u64>)> {
    let r = v.trim().strip_prefix("bytes ")?;
    let (range, total) = r.split_once('/')?;
    let (a, b) = range.split_once('-')?;
    let total = if total == "*" {
        None
    } else {
        Some(total.parse().ok()?)
    };
    Some((a.parse().ok()?, b.parse().ok()?, total))
}

impl BlobReader {
    pub(crate) fn new(
        client: Client,
        endpoints: Vec<Endpoint>,
        digest: String,
        size: u64,
    ) -> BlobReader {
        BlobReader {
            client,
            endpoints,
            current: 0,
            attempts: 0,
            digest,
            size,
            handed: 0,
            hasher: Sha256::new(),
            body: None,
            failures: Vec::new(),
            done: false,
        }
    }

    fn label(&self) -> String {
        self.endpoints
            .get(self.current)
            .map(|e| e.label.clone())
            .unwrap_or_default()
    }

    /// Give up on the current endpoint and move to the next.
    fn next_endpoint(&mut self, why: String) {
        log::debug!("blob {}: {} failed: {why}", self.digest, self.label());
        self.failures.push(format!("{}: {why}", self.label()));
        self.current += 1;
        self.attempts = 0;
        self.body = None;
    }

    /// A mid-body failure that may be transient: retry the same endpoint a few times, then move on.
    fn transient(&mut self, why: String) {
        self.body = None;
        if self.attempts < self.client.inner.cfg.registry.retries {
            self.attempts += 1;
            log::debug!(
                "blob {}: {}: {why}; resuming at byte {}",
                self.digest,
                self.label(),
                self.handed
            );
            std::thread::sleep(std::time::Duration::from_millis(
                100 << self.attempts.min(5),
            ));
        } else {
            self.next_endpoint(why);
        }
    }

    /// Open a response positioned at `handed`, trying endpoints in order.
    fn open(&mut self) -> io::Result<()> {
        while self.current < self.endpoints.len() {
            let ep = self.endpoints[self.current].clone();
            let mut headers = HeaderMap::new();
            if self.handed > 0 {
                let v = HeaderValue::from_str(&format!("bytes={}-", self.handed))
                    .expect("range header is ascii");
                headers.insert(reqwest::header::RANGE, v);
            }
            let path = format!("/v2/{}/blobs/{}", ep.repository, self.digest);
            let resp = match self.client.get(&ep, &path, &headers) {
                Ok(r) => r,
                Err(Failure { msg, .. }) => {
                    self.next_endpoint(msg);
                    continue;
                }
            };
            match self.position(resp) {
                Ok(resp) => {
                    log::debug!(
                        "blob {} served by {}{}",
                        self.digest,
                        ep.label,
                        if self.handed > 0 {
                            format!(" from byte {}", self.handed)
                        } else {
                            String::new()
                        }
                    );
                    self.body = Some(resp);
                    return Ok(());
                }
                Err(why) => self.next_endpoint(why),
            }
        }
        Err(io::Error::other(format!(
            "fetching blob {}: no endpoint could serve it: {}",
            self.digest,
            self.failures.join("; ")
        )))
    }

    /// Check that a response continues exactly at `handed` and fits the descriptor size.
    fn position(&mut self, mut resp: Response) -> Result<Response, String> {
        let remaining = self.size - self.handed;
        let status = resp.status().as_u16();
        if status == 206 && self.handed > 0 {
            let cr = resp
                .headers()
                .get(reqwest::header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok());
            // containers/image `docker/body_reader.go`: accept only a 206 starting where we stopped.
            match cr.and_then(parse_content_range) {
                Some((start, end, total))
                    if start == self.handed
                        && end + 1 == self.size
                        && total.is_none_or(|t| t == self.size) => {}
                _ => {
                    return Err(format!(
                        "bad Content-Range {cr:?} for a resume at byte {}",
                        self.handed
                    ));
                }
            }
            if resp.content_length().is_some_and(|n| n != remaining) {
                return Err(format!(
                    "Content-Length {:?} does not match the {remaining} bytes left",
                    resp.content_length()
                ));
            }
            return Ok(resp);
        }
        if status != 200 {
            return Err(format!("unexpected HTTP {status} for a blob"));
        }
        if let Some(n) = resp.content_length()
            && n != self.size
        {
            return Err(format!(
                "Content-Length {n} does not match the descriptor size {}",
                self.size
            ));
        }
        if self.handed > 0 {
            // The endpoint ignored Range: re-read the prefix and accept the rest only if the prefix is the
            // same bytes the caller already has.
            let mut h = Sha256::new();
            let mut left = self.handed;
            let mut buf = vec![0u8; 64 << 10];
            while left > 0 {
                let n = (buf.len() as u64).min(left) as usize;
                match resp.read(&mut buf[..n]) {
                    Ok(0) => {
                        return Err(format!(
                            "connection closed while skipping to byte {}",
                            self.handed
                        ));
                    }
                    Ok(k) => {
                        h.update(&buf[..k]);
                        left -= k as u64;
                    }
                    Err(e) => return Err(format!("skipping to byte {}: {e}", self.handed)),
                }
            }
            if h.finalize() != self.hasher.clone().finalize() {
                return Err(
                    "served different bytes than before (Range ignored and prefix differs)".into(),
                );
            }
        }
        Ok(resp)
    }

    /// All `size` bytes are out: the body must end here and the digest must match.
    fn finish(&mut self) -> io::Result<usize> {
        if let Some(mut body) = self.body.take() {
            let mut one = [0u8; 1];
            if let Ok(n) = body.read(&mut one)
                && n > 0
            {
                self.done = true;
                return Err(invalid(format!(
                    "blob {} is longer than its descriptor size {} ({})",
                    self.digest,
                    self.size,
                    self.label()
                )));
            }
        }
        self.done = true;
        let got = format!("sha256:{}", hex::encode(self.hasher.clone().finalize()));
        if got != self.digest {
            return Err(invalid(format!(
                "blob {} failed verification: content has digest {got} ({})",
                self.digest,
                self.label()
            )));
        }
        Ok(0)
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        loop {
            if self.body.is_none()
                && let Err(e) = self.open()
            {
                self.done = true;
                return Err(e);
            }
            let remaining = self.size - self.handed;
            if remaining == 0 {
                return self.finish();
            }
            if buf.is_empty() {
                return Ok(0);
            }
            let n = (buf.len() as u64).min(remaining) as usize;
            let body = self.body.as_mut().expect("body opened above");
            match body.read(&mut buf[..n]) {
                Ok(0) => {
                    let why = format!(
                        "connection closed after {} of {} bytes",
                        self.handed, self.size
                    );
                    self.transient(why);
                }
                Ok(k) => {
                    self.hasher.update(&buf[..k]);
                    self.handed += k as u64;
                    return Ok(k);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_timeout(&e) => {
                    let stall = self.client.inner.cfg.registry.stall_timeout;
                    self.next_endpoint(format!(
                        "stalled after {} of {} bytes (no data for {stall}s)",
                        self.handed, self.size
                    ));
                }
                Err(e) => {
                    let why = format!(
                        "read failed after {} of {} bytes: {e}",
                        self.handed, self.size
                    );
                    self.transient(why);
                }
            }
        }
    }
}

impl Client {
    /// Stream a blob of `repository` (from `r`) with the given digest and size: resumed and moved to the
    /// next endpoint transparently, never more than `size` bytes. Verification happens on the read that
    /// would return EOF, so callers must read to the end (a short read of exactly `size` bytes is not yet
    /// verified); a mismatch is an `InvalidData` error naming the digest.
    pub fn fetch_blob(
        &self,
        r: &Reference,
        digest: &str,
        size: u64,
    ) -> Result<Box<dyn Read + Send>> {
        validate_digest(digest)?;
        let mut endpoints = self.endpoints(r, true)?;
        let key = (r.registry().to_string(), r.repository().to_string());
        if let Some(label) = self
            .inner
            .served_by
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            && let Some(pos) = endpoints.iter().position(|e| e.label == *label)
        {
            let first = endpoints.remove(pos);
            endpoints.insert(0, first);
        }
        Ok(Box::new(BlobReader::new(
            self.clone(),
            endpoints,
            digest.to_string(),
            size,
        )))
    }

    /// A whole (small) blob in memory, e.g. an image config; refuses sizes above `max`.
    pub fn fetch_blob_bytes(
        &self,
        r: &Reference,
        digest: &str,
        size: u64,
        max: u64,
    ) -> Result<Vec<u8>> {
        if size > max {
            bail!("blob {digest} is {size} bytes, more than the limit of {max}");
        }
        let mut reader = self.fetch_blob(r, digest, size)?;
        let mut buf = Vec::with_capacity(size as usize);
        reader
            .read_to_end(&mut buf)
            .with_context(|| format!("fetching blob {digest}"))?;
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_content_range;

    #[test]
    fn content_range_parses() {
        assert_eq!(
            parse_content_range("bytes 10-99/100"),
            Some((10, 99, Some(100)))
        );
        assert_eq!(parse_content_range("bytes 10-99/*"), Some((10, 99, None)));
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }
}

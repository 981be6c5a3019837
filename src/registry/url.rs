//! A plain HTTP(S) download for `ADD <url>` in `berth build` (docs/architecture.md: registry is the only
//! network code). The same connect and stall timeouts as pulls, no credentials of any kind, and a redirect
//! never downgrades HTTPS to HTTP.

use crate::config::Config;
use anyhow::{Context, Result, bail};
use std::io::{Read, Write};

/// What a download gave: its length and the server's `Last-Modified` (BuildKit sets the file's mtime
/// from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub bytes: u64,
    pub last_modified: Option<String>,
}

/// Downloads `url` into `dest`; at most `max` bytes (a bigger body fails). Only http and https.
pub fn fetch_url(cfg: &Config, url: &str, dest: &mut dyn Write, max: u64) -> Result<Fetched> {
    let lower = url.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        bail!("unsupported URL scheme in {url}: only http and https");
    }
    let s = &cfg.registry;
    let http = reqwest::blocking::Client::builder()
        .connect_timeout(s.connect_timeout())
        .timeout(s.stall_timeout())
        .user_agent(concat!("berth/", env!("CARGO_PKG_VERSION")))
        .redirect(super::transport::redirect_policy())
        .build()
        .context("building the HTTP client")?;
    let mut resp = http
        .get(url)
        .send()
        .with_context(|| format!("downloading {url}"))?;
    let status = resp.status();
    if !status.is_success() {
        bail!(
            "downloading {url}: invalid response status {}",
            status.as_u16()
        );
    }
    let last_modified = resp
        .headers()
        .get(reqwest::header::LAST_MODIFIED)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = resp
            .read(&mut buf)
            .with_context(|| format!("downloading {url}"))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > max {
            bail!("downloading {url}: larger than {max} bytes");
        }
        dest.write_all(&buf[..n]).context("writing the download")?;
    }
    Ok(Fetched {
        bytes: total,
        last_modified,
    })
}

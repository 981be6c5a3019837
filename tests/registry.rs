//! Integration tests: registry. The client against the hostile server (tests/support/hostile.rs):
//! verification, fallback between mirrors, resume, auth flows, credential isolation on redirects,
//! body caps, config merging, and `berth login`/`logout`.

use crate::support::hostile::{BodyMode, Hostile, Reply, Req};
use berth::config::{Config, ConfigSources, CredentialSources, Mirror, PullFrom, RegistryEntry};
use berth::registry::{self, Client};
use oci_spec::distribution::Reference;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn sha(b: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(b)))
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// A tiny image: one config, one 300 kB layer, an OCI manifest naming both.
#[derive(Clone)]
struct Img {
    manifest: Vec<u8>,
    mdigest: String,
    layer: Vec<u8>,
    ldigest: String,
    config: Vec<u8>,
    cdigest: String,
}

fn img() -> Img {
    let layer: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(7919) % 251) as u8)
        .collect();
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#
            .to_vec();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(&config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha(&layer), "size": layer.len()}],
    }))
    .unwrap();
    Img {
        mdigest: sha(&manifest),
        ldigest: sha(&layer),
        cdigest: sha(&config),
        manifest,
        layer,
        config,
    }
}

/// A well-behaved registry for `test/app` (optionally under a path prefix, as a mirror may have).
fn serve(img: &Img, req: &Req, ranges: bool) -> Reply {
    let route = req.route();
    let repo_path = route
        .strip_prefix("/v2/")
        .and_then(|r| r.split_once("/manifests/").or(r.split_once("/blobs/")));
    if route == "/v2/" {
        return Reply::ok("{}");
    }
    match repo_path {
        Some((_, refr))
            if route.contains("/manifests/") && (refr == "v1" || refr == img.mdigest) =>
        {
            Reply::ok(img.manifest.clone())
                .header("Content-Type", OCI_MANIFEST)
                .header("Docker-Content-Digest", img.mdigest.clone())
        }
        Some((_, d)) if route.contains("/blobs/") && d == img.ldigest => {
            Reply::blob(req, &img.layer, ranges)
        }
        Some((_, d)) if route.contains("/blobs/") && d == img.cdigest => {
            Reply::blob(req, &img.config, ranges)
        }
        _ => Reply::not_found(),
    }
}

fn reference(host: &str) -> Reference {
    format!("{host}/test/app:v1").parse().unwrap()
}

/// Short timeouts and a private credentials dir, so tests are fast and never read the host's files.
fn config(creds: &Path) -> Config {
    let mut c = Config::default();
    c.registry.connect_timeout = 2.0;
    // Generous enough for a loaded CI machine; the stall tests lower it themselves.
    c.registry.stall_timeout = 5.0;
    c.registry.retries = 2;
    c.credentials = Some(CredentialSources {
        docker_config_dir: Some(creds.to_path_buf()),
        auth_files: vec![],
    });
    c
}

fn with_mirrors(mut c: Config, host: &str, mirrors: &[String]) -> Config {
    let mirrors = mirrors
        .iter()
        .map(|m| Mirror {
            location: m.clone(),
            insecure: false,
            pull_from: PullFrom::All,
        })
        .collect();
    c.registries.insert(
        host.to_string(),
        RegistryEntry {
            mirrors,
            ..Default::default()
        },
    );
    c
}

fn read_blob(c: &Client, r: &Reference, digest: &str, size: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    c.fetch_blob(r, digest, size as u64)
        .map_err(std::io::Error::other)?
        .read_to_end(&mut out)?;
    Ok(out)
}

fn err_text<T>(r: anyhow::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn registry_manifest_by_tag_is_verified_and_returns_its_digest() {
    let i = img();
    let i2 = i.clone();
    let s = Hostile::start(move |r| serve(&i2, r, true));
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let m = c.fetch_manifest(&reference(&s.host())).unwrap();
    assert_eq!(m.digest, i.mdigest);
    assert_eq!(m.media_type, OCI_MANIFEST);
    assert_eq!(m.bytes, i.manifest);
    let req = &s.requests_to("/v2/test/app/manifests/")[0];
    let accept = req.header("accept").unwrap();
    for t in [
        OCI_MANIFEST,
        "application/vnd.oci.image.index.v1+json",
        "manifest.list.v2+json",
        "manifest.v2+json",
    ] {
        assert!(accept.contains(t), "Accept lacks {t}: {accept}");
    }
}

#[test]
fn registry_manifest_by_digest_rejects_other_bytes() {
    let i = img();
    let other = i.manifest.iter().copied().chain(*b" ").collect::<Vec<u8>>();
    let s = Hostile::start(move |r| {
        if r.route().contains("/manifests/") {
            Reply::ok(other.clone()).header("Content-Type", OCI_MANIFEST)
        } else {
            Reply::ok("{}")
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let r: Reference = format!("{}/test/app@{}", s.host(), i.mdigest)
        .parse()
        .unwrap();
    let e = err_text(c.fetch_manifest(&r));
    assert!(
        e.contains("digest mismatch") && e.contains(&i.mdigest),
        "{e}"
    );
}

#[test]
fn registry_manifest_tag_with_wrong_docker_content_digest_is_rejected() {
    let i = img();
    let s = Hostile::start(move |r| {
        let mut rep = serve(&i, r, true);
        rep.headers.retain(|(k, _)| k != "Docker-Content-Digest");
        rep.header(
            "Docker-Content-Digest",
            format!("sha256:{}", "0".repeat(64)),
        )
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&s.host())));
    assert!(e.contains("Docker-Content-Digest"), "{e}");
}

#[test]
fn registry_schema1_manifest_is_rejected_with_a_clear_message() {
    let s = Hostile::start(|r| {
        if r.route().contains("/manifests/") {
            Reply::ok(r#"{"schemaVersion":1,"name":"test/app","tag":"v1","fsLayers":[]}"#).header(
                "Content-Type",
                "application/vnd.docker.distribution.manifest.v1+prettyjws",
            )
        } else {
            Reply::ok("{}")
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&s.host())));
    assert!(e.contains("schema1"), "{e}");
}

#[test]
fn registry_manifest_type_confusion_is_rejected() {
    // CVE-2021-41190: a document that is both an index and a manifest, and a mediaType field that
    // contradicts the Content-Type.
    let both = r#"{"schemaVersion":2,"manifests":[],"layers":[]}"#;
    let liar = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
    for (body, want) in [
        (both, "ambiguous manifest"),
        (liar, "does not match Content-Type"),
    ] {
        let s = Hostile::start(move |r| {
            if r.route().contains("/manifests/") {
                Reply::ok(body).header("Content-Type", OCI_MANIFEST)
            } else {
                Reply::ok("{}")
            }
        });
        let tmp = tempfile::tempdir().unwrap();
        let c = Client::new(&config(tmp.path())).unwrap();
        let e = err_text(c.fetch_manifest(&reference(&s.host())));
        assert!(e.contains(want), "{e}");
    }
}

#[test]
fn registry_oversized_manifest_is_rejected() {
    let s = Hostile::start(|r| {
        if r.route().contains("/manifests/") {
            Reply::ok(r#"{"schemaVersion":2,"x":""#)
                .header("Content-Type", OCI_MANIFEST)
                .filler(50 << 20)
        } else {
            Reply::ok("{}")
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&s.host())));
    assert!(e.contains("larger than the limit"), "{e}");
}

#[test]
fn registry_blob_streams_and_verifies() {
    let i = img();
    let i2 = i.clone();
    let s = Hostile::start(move |r| serve(&i2, r, true));
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let r = reference(&s.host());
    assert_eq!(
        read_blob(&c, &r, &i.ldigest, i.layer.len()).unwrap(),
        i.layer
    );
    let cfg = c
        .fetch_blob_bytes(&r, &i.cdigest, i.config.len() as u64, 4096)
        .unwrap();
    assert_eq!(cfg, i.config);
    crate::support::assert_err(
        c.fetch_blob_bytes(&r, &i.ldigest, i.layer.len() as u64, 4096),
        "more than the limit of 4096",
    );
}

#[test]
fn registry_blob_with_wrong_digest_is_rejected() {
    let i = img();
    let ldigest = i.ldigest.clone();
    let s = Hostile::start(move |r| {
        if r.route().contains("/blobs/") {
            let mut bad = i.layer.clone();
            bad[1000] ^= 1;
            Reply::ok(bad)
        } else {
            serve(&i, r, true)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = read_blob(&c, &reference(&s.host()), &ldigest, 300_000).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(e.to_string().contains(&ldigest), "{e}");
}

#[test]
fn registry_blob_with_trailing_junk_is_rejected() {
    let i = img();
    let ldigest = i.ldigest.clone();
    let s = Hostile::start(move |r| {
        if r.route().contains("/blobs/") {
            // Correct bytes, then junk, with no length the client could check up front.
            Reply::ok(i.layer.clone()).filler(10 << 20)
        } else {
            serve(&i, r, true)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let mut reader = c
        .fetch_blob(&reference(&s.host()), &ldigest, 300_000)
        .unwrap();
    let mut got = Vec::new();
    let e = reader.read_to_end(&mut got).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        e.to_string().contains("longer than its descriptor size"),
        "{e}"
    );
    assert!(got.len() <= 300_000, "handed out {} bytes", got.len());
}

#[test]
fn registry_blob_with_lying_content_length_is_rejected() {
    let i = img();
    let ldigest = i.ldigest.clone();
    let s = Hostile::start(move |r| {
        if r.route().contains("/blobs/") {
            let mut body = i.layer.clone();
            body.extend_from_slice(b"junk");
            Reply::ok(body)
        } else {
            serve(&i, r, true)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = read_blob(&c, &reference(&s.host()), &ldigest, 300_000).unwrap_err();
    assert!(
        e.to_string()
            .contains("Content-Length 300004 does not match"),
        "{e}"
    );
}

#[test]
fn registry_truncated_blob_is_resumed_with_range() {
    let i = img();
    let ldigest = i.ldigest.clone();
    let first = Arc::new(AtomicUsize::new(0));
    let s = Hostile::start(move |r| {
        if r.route().contains("/blobs/") && first.fetch_add(1, Ordering::SeqCst) == 0 {
            // Announces the full length, sends a third, closes.
            Reply::ok(i.layer[..100_000].to_vec()).mode(BodyMode::Length(300_000))
        } else {
            serve(&i, r, true)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let got = read_blob(&c, &reference(&s.host()), &ldigest, 300_000).unwrap();
    assert_eq!(sha(&got), ldigest);
    let blob_reqs = s.requests_to("/v2/test/app/blobs/");
    assert_eq!(blob_reqs.len(), 2);
    assert!(
        blob_reqs[1].range_start().is_some_and(|n| n > 0),
        "{:?}",
        blob_reqs[1].headers
    );
}

#[test]
fn registry_always_truncated_blob_fails_naming_the_digest() {
    let i = img();
    let ldigest = i.ldigest.clone();
    let s = Hostile::start(move |r| {
        if r.route().contains("/blobs/") {
            Reply::ok(i.layer[..1000].to_vec()).mode(BodyMode::Length(300_000))
        } else {
            serve(&i, r, true)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = read_blob(&c, &reference(&s.host()), &ldigest, 300_000).unwrap_err();
    let e = e.to_string();
    assert!(
        e.contains(&ldigest) && e.contains(&format!("registry {}", s.host())),
        "{e}"
    );
}

#[test]
fn registry_stalled_mirror_falls_back_to_next_endpoint_and_resumes() {
    let i = img();
    let i2 = i.clone();
    let mirror = Hostile::start(move |r| {
        if r.route().contains("/blobs/") {
            Reply::blob(r, &i2.layer, true).stall(120_000, Duration::from_secs(8))
        } else {
            serve(&i2, r, true)
        }
    });
    let i3 = i.clone();
    let upstream = Hostile::start(move |r| serve(&i3, r, true));
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = with_mirrors(config(tmp.path()), &upstream.host(), &[mirror.url()]);
    cfg.registry.stall_timeout = 1.0;
    let c = Client::new(&cfg).unwrap();
    let start = Instant::now();
    let got = read_blob(&c, &reference(&upstream.host()), &i.ldigest, i.layer.len()).unwrap();
    assert_eq!(got, i.layer);
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "took {:?}",
        start.elapsed()
    );
    let up = upstream.requests_to("/v2/test/app/blobs/");
    assert_eq!(up.len(), 1);
    assert!(
        up[0].range_start().is_some_and(|n| n > 0 && n <= 120_000),
        "{:?}",
        up[0].headers
    );
}

#[test]
fn registry_slow_but_steady_blob_is_not_a_stall() {
    let i = img();
    let i2 = i.clone();
    // 300 kB in 10 pieces 250 ms apart: 2.5 s in total, longer than the 1 s stall timeout, yet never
    // silent for a whole second.
    let s = Hostile::start(move |r| {
        if r.route().contains("/blobs/") {
            Reply::ok(i2.layer.clone()).trickle(30_000, Duration::from_millis(250))
        } else {
            serve(&i2, r, true)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = config(tmp.path());
    cfg.registry.stall_timeout = 1.0;
    let c = Client::new(&cfg).unwrap();
    let start = Instant::now();
    assert_eq!(
        read_blob(&c, &reference(&s.host()), &i.ldigest, i.layer.len()).unwrap(),
        i.layer
    );
    assert!(start.elapsed() > Duration::from_secs(2));
    assert_eq!(s.requests_to("/v2/test/app/blobs/").len(), 1);
}

#[test]
fn registry_range_ignored_on_resume_restarts_and_checks_the_prefix() {
    let i = img();
    let i2 = i.clone();
    let mirror = Hostile::start(move |r| {
        if r.route().contains("/blobs/") {
            Reply::ok(i2.layer.clone()).stall(50_000, Duration::from_secs(8))
        } else {
            serve(&i2, r, true)
        }
    });
    let i3 = i.clone();
    let upstream = Hostile::start(move |r| serve(&i3, r, false));
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = with_mirrors(config(tmp.path()), &upstream.host(), &[mirror.url()]);
    cfg.registry.stall_timeout = 1.0;
    let c = Client::new(&cfg).unwrap();
    let got = read_blob(&c, &reference(&upstream.host()), &i.ldigest, i.layer.len()).unwrap();
    assert_eq!(got, i.layer);
}

#[test]
fn registry_mirror_404_falls_back_to_upstream() {
    let i = img();
    let mirror = Hostile::start(|r| {
        if r.route() == "/v2/" {
            Reply::ok("{}")
        } else {
            Reply::not_found()
        }
    });
    let i2 = i.clone();
    let upstream = Hostile::start(move |r| serve(&i2, r, true));
    let tmp = tempfile::tempdir().unwrap();
    let cfg = with_mirrors(config(tmp.path()), &upstream.host(), &[mirror.url()]);
    let c = Client::new(&cfg).unwrap();
    let r = reference(&upstream.host());
    assert_eq!(c.fetch_manifest(&r).unwrap().digest, i.mdigest);
    assert_eq!(
        read_blob(&c, &r, &i.ldigest, i.layer.len()).unwrap(),
        i.layer
    );
    assert!(!mirror.requests_to("/v2/test/app/manifests/").is_empty());
    // Blobs are asked first where the manifest came from.
    assert!(mirror.requests_to("/v2/test/app/blobs/").is_empty());
}

#[test]
fn registry_mirror_with_path_prefix_serves_the_repository_below_it() {
    let i = img();
    let i2 = i.clone();
    let mirror = Hostile::start(move |r| {
        if r.route() == "/v2/" || r.route().starts_with("/v2/cache/test/app/") {
            serve(&i2, r, true)
        } else {
            Reply::not_found()
        }
    });
    let upstream = Hostile::start(|_| Reply::new(500));
    let tmp = tempfile::tempdir().unwrap();
    let cfg = with_mirrors(
        config(tmp.path()),
        &upstream.host(),
        &[format!("{}/cache", mirror.url())],
    );
    let c = Client::new(&cfg).unwrap();
    assert_eq!(
        c.fetch_manifest(&reference(&upstream.host()))
            .unwrap()
            .digest,
        i.mdigest
    );
    assert!(upstream.requests_to("/v2/test").is_empty());
}

#[test]
fn registry_all_endpoints_failing_gives_one_error_naming_each() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_addr = dead.local_addr().unwrap();
    drop(dead);
    let broken = Hostile::start(|r| {
        if r.route() == "/v2/" {
            Reply::ok("{}")
        } else {
            Reply::new(500)
        }
    });
    let upstream = Hostile::start(|r| {
        if r.route() == "/v2/" {
            Reply::ok("{}")
        } else {
            Reply::not_found()
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let dead_url = format!("http://{dead_addr}");
    let cfg = with_mirrors(
        config(tmp.path()),
        &upstream.host(),
        &[dead_url.clone(), broken.url()],
    );
    let c = Client::new(&cfg).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&upstream.host())));
    assert!(
        e.contains(&format!("mirror {dead_url}: ")) && e.contains("connection failed"),
        "{e}"
    );
    assert!(
        e.contains(&format!("mirror {}: HTTP 500", broken.url())),
        "{e}"
    );
    assert!(
        e.contains(&format!("registry {}: HTTP 404", upstream.host())),
        "{e}"
    );
    // 500 is retried on the same endpoint (retries = 2), 404 is not.
    assert_eq!(broken.requests_to("/v2/test/").len(), 3);
    assert_eq!(upstream.requests_to("/v2/test/").len(), 1);
}

#[test]
fn registry_429_and_500_are_retried_then_succeed() {
    let i = img();
    let n = Arc::new(AtomicUsize::new(0));
    let i2 = i.clone();
    let s = Hostile::start(move |r| {
        if r.route().contains("/blobs/") {
            match n.fetch_add(1, Ordering::SeqCst) {
                0 => return Reply::new(429).header("Retry-After", "0"),
                1 => return Reply::new(500),
                _ => {}
            }
        }
        serve(&i2, r, true)
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    assert_eq!(
        read_blob(&c, &reference(&s.host()), &i.ldigest, i.layer.len()).unwrap(),
        i.layer
    );
    assert_eq!(s.requests_to("/v2/test/app/blobs/").len(), 3);
}

/// A registry that is its own token server. `creds`: the Basic credentials the token endpoint requires
/// (None: anonymous tokens). Data requests need `Bearer <token>`.
fn bearer_registry(img: Img, creds: Option<(&'static str, &'static str)>) -> Hostile {
    let tokens = Arc::new(AtomicUsize::new(0));
    let port = Arc::new(std::sync::OnceLock::<String>::new());
    let port2 = port.clone();
    let s = Hostile::start(move |r| {
        let realm = format!("http://{}/token", port2.get().unwrap());
        let challenge = Reply::new(401)
            .header(
                "WWW-Authenticate",
                format!(
                    r#"Bearer realm="{realm}",service="hostile",scope="repository:test/app:pull""#
                ),
            )
            .body(r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#);
        if r.route() == "/token" {
            if let Some((u, p)) = creds
                && r.header("authorization") != Some(&format!("Basic {}", b64(&format!("{u}:{p}"))))
            {
                return Reply::new(401)
                    .body(r#"{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}"#);
            }
            let n = tokens.fetch_add(1, Ordering::SeqCst);
            return Reply::ok(format!(r#"{{"access_token":"tok{n}","expires_in":300}}"#));
        }
        if r.route() == "/v2/" {
            return challenge;
        }
        match r.header("authorization") {
            Some(a) if a.starts_with("Bearer tok") => serve(&img, r, true),
            _ => challenge,
        }
    });
    port.set(s.host()).unwrap();
    s
}

#[test]
fn registry_bearer_flow_anonymous() {
    let i = img();
    let s = bearer_registry(i.clone(), None);
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let r = reference(&s.host());
    assert_eq!(c.fetch_manifest(&r).unwrap().digest, i.mdigest);
    let t = s.requests_to("/token");
    assert_eq!(t.len(), 1);
    assert!(t[0].header("authorization").is_none());
    assert!(
        t[0].path.contains("service=hostile")
            && t[0].path.contains("scope=repository%3Atest%2Fapp%3Apull"),
        "{}",
        t[0].path
    );
}

#[test]
fn registry_bearer_flow_with_credentials_from_docker_config() {
    let i = img();
    let s = bearer_registry(i.clone(), Some(("alice", "s3cret")));
    let tmp = tempfile::tempdir().unwrap();
    let cfg = serde_json::json!({"auths": {s.host(): {"auth": b64("alice:s3cret")}}, "other": 1});
    std::fs::write(tmp.path().join("config.json"), cfg.to_string()).unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let r = reference(&s.host());
    assert_eq!(c.fetch_manifest(&r).unwrap().digest, i.mdigest);
    assert_eq!(
        read_blob(&c, &r, &i.ldigest, i.layer.len()).unwrap(),
        i.layer
    );
    let t = s.requests_to("/token");
    assert_eq!(t.len(), 1, "one token for the manifest and the blob");
    assert!(t[0].path.contains("account=alice"));
    // Wrong credentials: the token endpoint refuses and the error says so.
    let tmp2 = tempfile::tempdir().unwrap();
    let bad = serde_json::json!({"auths": {s.host(): {"auth": b64("alice:wrong")}}});
    std::fs::write(tmp2.path().join("config.json"), bad.to_string()).unwrap();
    let c2 = Client::new(&config(tmp2.path())).unwrap();
    let e = err_text(c2.fetch_manifest(&r));
    assert!(e.contains("unauthorized"), "{e}");
}

#[test]
fn registry_token_cache_one_token_for_several_blobs() {
    let i = img();
    let s = bearer_registry(i.clone(), None);
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let r = reference(&s.host());
    for _ in 0..3 {
        assert_eq!(
            read_blob(&c, &r, &i.ldigest, i.layer.len()).unwrap(),
            i.layer
        );
        assert_eq!(
            c.fetch_blob_bytes(&r, &i.cdigest, i.config.len() as u64, 1 << 20)
                .unwrap(),
            i.config
        );
    }
    assert_eq!(s.requests_to("/token").len(), 1);
}

#[test]
fn registry_parallel_downloads_share_one_token() {
    let i = img();
    let s = bearer_registry(i.clone(), None);
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let r = reference(&s.host());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                assert_eq!(
                    read_blob(&c, &r, &i.ldigest, i.layer.len()).unwrap(),
                    i.layer
                )
            });
        }
    });
    assert_eq!(s.requests_to("/token").len(), 1);
}

#[test]
fn registry_identity_token_is_refreshed_with_a_post() {
    let port = Arc::new(std::sync::OnceLock::<String>::new());
    let port2 = port.clone();
    let i = img();
    let s = Hostile::start(move |r| {
        let realm = format!("http://{}/token", port2.get().unwrap());
        if r.route() == "/token" {
            let body = String::from_utf8_lossy(&r.body).to_string();
            if r.method == "POST"
                && body.contains("grant_type=refresh_token")
                && body.contains("refresh_token=rt-1")
            {
                return Reply::ok(r#"{"access_token":"tok-r","expires_in":300}"#);
            }
            return Reply::new(401);
        }
        match r.header("authorization") {
            Some("Bearer tok-r") if r.route() != "/v2/" => serve(&i, r, true),
            _ => Reply::new(401).header(
                "WWW-Authenticate",
                format!(r#"Bearer realm="{realm}",service="hostile""#),
            ),
        }
    });
    port.set(s.host()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let cfg =
        serde_json::json!({"auths": {s.host(): {"auth": b64("bob:x"), "identitytoken": "rt-1"}}});
    std::fs::write(tmp.path().join("config.json"), cfg.to_string()).unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    c.fetch_manifest(&reference(&s.host())).unwrap();
    assert_eq!(s.requests_to("/token")[0].method, "POST");
}

#[test]
fn registry_basic_auth() {
    let i = img();
    let s = Hostile::start(move |r| {
        if r.header("authorization") == Some(&format!("Basic {}", b64("carol:pw"))) {
            serve(&i, r, true)
        } else {
            Reply::new(401).header("WWW-Authenticate", r#"Basic realm="hostile""#)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let r = reference(&s.host());
    let e = err_text(c.fetch_manifest(&r));
    assert!(e.contains("HTTP 401"), "{e}");
    std::fs::write(
        tmp.path().join("config.json"),
        serde_json::json!({"auths": {format!("http://{}", s.host()): {"auth": b64("carol:pw")}}})
            .to_string(),
    )
    .unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    c.fetch_manifest(&r).unwrap();
}

#[test]
fn registry_credentials_from_containers_auth_json() {
    let i = img();
    let s = Hostile::start(move |r| {
        if r.header("authorization") == Some(&format!("Basic {}", b64("hank:pw"))) {
            serve(&i, r, true)
        } else {
            Reply::new(401).header("WWW-Authenticate", r#"Basic realm="hostile""#)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    // A namespaced key (containers-auth.json(5)) beats the host key; docker's config.json has nothing.
    let auth = serde_json::json!({"auths": {
        s.host(): {"auth": b64("hank:old")},
        format!("{}/test", s.host()): {"auth": b64("hank:pw")},
    }});
    let file = tmp.path().join("auth.json");
    std::fs::write(&file, auth.to_string()).unwrap();
    let mut cfg = config(tmp.path());
    cfg.credentials = Some(CredentialSources {
        docker_config_dir: Some(tmp.path().join("docker")),
        auth_files: vec![tmp.path().join("missing.json"), file],
    });
    Client::new(&cfg)
        .unwrap()
        .fetch_manifest(&reference(&s.host()))
        .unwrap();
}

/// A bearer registry (its own token server, credentials alice:s3cret) that 307s authorized blob
/// requests to `other`, as registries do to a CDN.
fn redirecting_registry(img: Img, other: String) -> Hostile {
    let port = Arc::new(std::sync::OnceLock::<String>::new());
    let port2 = port.clone();
    let s = Hostile::start(move |r| {
        if r.route() == "/token" {
            if r.header("authorization") != Some(&format!("Basic {}", b64("alice:s3cret"))) {
                return Reply::new(401);
            }
            return Reply::ok(r#"{"token":"tok-a","expires_in":300}"#);
        }
        if r.route() == "/v2/" || r.header("authorization") != Some("Bearer tok-a") {
            let realm = format!("http://{}/token", port2.get().unwrap());
            return Reply::new(401).header(
                "WWW-Authenticate",
                format!(r#"Bearer realm="{realm}",service="hostile""#),
            );
        }
        if r.route().contains("/blobs/") {
            return Reply::new(307).header("Location", format!("http://{other}{}", r.path));
        }
        serve(&img, r, true)
    });
    port.set(s.host()).unwrap();
    s
}

#[test]
fn registry_no_authorization_reaches_the_redirect_target() {
    let i = img();
    let i2 = i.clone();
    let cdn = Hostile::start(move |r| serve(&i2, r, true));
    let s = redirecting_registry(i.clone(), cdn.host());
    let tmp = tempfile::tempdir().unwrap();
    let creds = serde_json::json!({"auths": {s.host(): {"auth": b64("alice:s3cret")}}});
    std::fs::write(tmp.path().join("config.json"), creds.to_string()).unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let r = reference(&s.host());
    assert_eq!(
        read_blob(&c, &r, &i.ldigest, i.layer.len()).unwrap(),
        i.layer
    );
    let seen = cdn.requests();
    assert!(!seen.is_empty());
    for q in seen {
        assert!(
            q.header("authorization").is_none(),
            "redirect target saw {:?}",
            q.headers
        );
    }
}

#[test]
fn registry_redirect_target_asking_for_credentials_gets_none() {
    let i = img();
    let port = Arc::new(std::sync::OnceLock::<String>::new());
    let port2 = port.clone();
    // The attacker host answers 401 with a challenge naming the real registry's token endpoint, and
    // a Basic challenge too (go-containerregistry #2349, CVE-2020-15157).
    let attacker = Hostile::start(move |_| {
        Reply::new(401)
            .header(
                "WWW-Authenticate",
                format!(
                    r#"Bearer realm="http://{}/token",service="hostile""#,
                    port2.get().unwrap()
                ),
            )
            .header("WWW-Authenticate", r#"Basic realm="x""#)
    });
    let s = redirecting_registry(i.clone(), attacker.host());
    port.set(s.host()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let creds = serde_json::json!({"auths": {s.host(): {"auth": b64("alice:s3cret")}}});
    std::fs::write(tmp.path().join("config.json"), creds.to_string()).unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = read_blob(&c, &reference(&s.host()), &i.ldigest, i.layer.len()).unwrap_err();
    assert!(e.to_string().contains("redirect target"), "{e}");
    let seen = attacker.requests();
    assert!(!seen.is_empty());
    for q in seen {
        assert!(
            q.header("authorization").is_none(),
            "attacker saw {:?}",
            q.headers
        );
    }
}

#[test]
fn registry_huge_token_response_is_capped() {
    let port = Arc::new(std::sync::OnceLock::<String>::new());
    let port2 = port.clone();
    let s = Hostile::start(move |r| {
        if r.route() == "/token" {
            return Reply::ok(r#"{"token":""#).filler(50 << 20);
        }
        Reply::new(401).header(
            "WWW-Authenticate",
            format!(r#"Bearer realm="http://{}/token""#, port2.get().unwrap()),
        )
    });
    port.set(s.host()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&s.host())));
    assert!(e.contains("token response larger than"), "{e}");
}

#[test]
fn registry_huge_error_body_is_capped() {
    let s = Hostile::start(|r| {
        if r.route() == "/v2/" {
            return Reply::ok("{}");
        }
        Reply::new(404)
            .body(r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"#)
            .filler(200 << 20)
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let start = Instant::now();
    let e = err_text(c.fetch_manifest(&reference(&s.host())));
    assert!(e.contains("HTTP 404"), "{e}");
    // Reading 200 MiB would take far longer than dropping the connection after the cap.
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn registry_token_realm_with_foreign_scheme_is_refused() {
    let s = Hostile::start(|_| {
        Reply::new(401).header("WWW-Authenticate", r#"Bearer realm="file:///etc/passwd""#)
    });
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&s.host())));
    assert!(e.contains("refusing token realm"), "{e}");
}

#[test]
fn registry_plain_http_mirror_is_refused_unless_insecure() {
    let tmp = tempfile::tempdir().unwrap();
    let upstream = Hostile::start(|_| Reply::not_found());
    let cfg = with_mirrors(
        config(tmp.path()),
        &upstream.host(),
        &["http://mirror.invalid:5000".into()],
    );
    let c = Client::new(&cfg).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&upstream.host())));
    assert!(
        e.contains("mirror http://mirror.invalid:5000: plain HTTP refused"),
        "{e}"
    );
}

#[test]
fn registry_invalid_digest_is_refused_before_any_request() {
    let s = Hostile::start(|_| Reply::ok("{}"));
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    crate::support::assert_err(
        c.fetch_blob(&reference(&s.host()), "sha256:../../etc/passwd", 10),
        "invalid digest \"sha256:../../etc/passwd\"",
    );
    assert!(s.requests().is_empty());
}

fn sources(dir: &Path, own: &str, daemon: Option<&str>, regconf: Option<&str>) -> ConfigSources {
    std::fs::write(dir.join("config.toml"), own).unwrap();
    if let Some(d) = daemon {
        std::fs::write(dir.join("daemon.json"), d).unwrap();
    }
    if let Some(r) = regconf {
        std::fs::write(dir.join("registries.conf"), r).unwrap();
    }
    ConfigSources {
        own: Some(dir.join("config.toml")),
        own_required: true,
        daemon_json: Some(dir.join("daemon.json")),
        registries_conf: vec![dir.join("registries.conf")],
        hosts_dirs: vec![dir.join("certs.d")],
    }
}

#[test]
fn registry_config_reads_mirrors_timeouts_and_warns_on_unknown_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let own = r#"
colour = "blue"
[registry]
connect_timeout = 0.5
stall_timeout = 3
retries = 1
max_paralel_downloads = 9
[registries."reg.example:5000"]
mirrors = ["https://m1.example", { location = "http://10.0.0.5:5000", insecure = true, pull_from = "digest-only" }]
ca_file = "/etc/berth/ca.pem"
[limits]
max_manifest_bytes = 1000
"#;
    let (c, w) = Config::load_sources(&sources(tmp.path(), own, None, None)).unwrap();
    assert_eq!(c.registry.connect_timeout, 0.5);
    assert_eq!(c.registry.stall_timeout(), Duration::from_secs(3));
    assert_eq!(c.limits.max_manifest_bytes, 1000);
    let (_, e) = c.registry_for("reg.example:5000", "a/b").unwrap();
    assert_eq!(e.mirrors.len(), 2);
    assert_eq!(e.mirrors[1].pull_from, PullFrom::DigestOnly);
    assert!(e.mirrors[1].insecure);
    assert!(w.iter().any(|w| w.contains("unknown key colour")), "{w:?}");
    assert!(
        w.iter()
            .any(|w| w.contains("unknown key registry.max_paralel_downloads")),
        "{w:?}"
    );
    assert_eq!(w.len(), 2, "{w:?}");
    // An explicit file that does not exist is an error; a bad value is an error, not a default.
    let mut src = sources(tmp.path(), "", None, None);
    src.own = Some(tmp.path().join("missing.toml"));
    crate::support::assert_err(Config::load_sources(&src), "missing.toml");
    crate::support::assert_err(
        Config::load_sources(&sources(
            tmp.path(),
            "[registry]\nretries = \"x\"",
            None,
            None,
        )),
        "invalid type: string \"x\", expected u32",
    );
}

#[test]
fn registry_config_merges_daemon_json_for_docker_hub_only() {
    let tmp = tempfile::tempdir().unwrap();
    let daemon = r#"{"registry-mirrors": ["https://hub-mirror.example"], "insecure-registries": ["plain.example:5000"], "debug": true}"#;
    let (c, w) = Config::load_sources(&sources(tmp.path(), "", Some(daemon), None)).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let (_, hub) = c.registry_for("docker.io", "library/busybox").unwrap();
    assert_eq!(hub.mirrors[0].location, "https://hub-mirror.example");
    assert!(c.registry_for("quay.io", "x/y").is_none());
    assert!(
        c.registry_for("plain.example:5000", "x")
            .unwrap()
            .1
            .insecure
    );
    // berth's own mirrors win over daemon.json's.
    let own = "[registries.\"docker.io\"]\nmirrors = [\"https://mine.example\"]\n";
    let (c, _) = Config::load_sources(&sources(tmp.path(), own, Some(daemon), None)).unwrap();
    let (_, hub) = c
        .registry_for("index.docker.io", "library/busybox")
        .unwrap();
    assert_eq!(hub.mirrors.len(), 1);
    assert_eq!(hub.mirrors[0].location, "https://mine.example");
}

#[test]
fn registry_config_reads_containers_registries_conf() {
    let tmp = tempfile::tempdir().unwrap();
    let conf = r#"
unqualified-search-registries = ["docker.io"]
[[registry]]
prefix = "docker.io/library"
location = "docker.io/library"
mirror-by-digest-only = true
[[registry.mirror]]
location = "mirror.example/hub"
[[registry.mirror]]
location = "10.1.1.1:5000"
insecure = true
pull-from-mirror = "all"
[[registry]]
location = "internal.example:5000"
insecure = true
blocked = true
"#;
    let (c, w) = Config::load_sources(&sources(tmp.path(), "", None, Some(conf))).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let (k, e) = c.registry_for("docker.io", "library/alpine").unwrap();
    assert_eq!(k, "docker.io/library");
    assert_eq!(e.mirrors[0].location, "mirror.example/hub");
    assert_eq!(e.mirrors[0].pull_from, PullFrom::DigestOnly);
    assert_eq!(e.mirrors[1].pull_from, PullFrom::All);
    assert!(e.location.is_none());
    let (_, i) = c.registry_for("internal.example:5000", "a").unwrap();
    assert!(i.insecure && i.blocked);
    // A blocked registry is refused before any request.
    let tmp2 = tempfile::tempdir().unwrap();
    let mut cfg = config(tmp2.path());
    cfg.registries = c.registries.clone();
    let client = Client::new(&cfg).unwrap();
    let e = err_text(client.fetch_manifest(&"internal.example:5000/a:1".parse().unwrap()));
    assert!(e.contains("blocked"), "{e}");
}

#[test]
fn registry_containerd_hosts_toml_mirror_is_used() {
    let i = img();
    let i2 = i.clone();
    let mirror = Hostile::start(move |r| serve(&i2, r, true));
    let upstream = Hostile::start(|_| Reply::new(500));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("certs.d").join(upstream.host());
    std::fs::create_dir_all(&dir).unwrap();
    let hosts = format!(
        "server = \"{}\"\n\n[host.\"{}\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
        upstream.url(),
        mirror.url()
    );
    std::fs::write(dir.join("hosts.toml"), hosts).unwrap();
    let (mut cfg, w) = Config::load_sources(&sources(tmp.path(), "", None, None)).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert!(cfg.sources.iter().any(|p| p.ends_with("hosts.toml")));
    cfg.registry = config(tmp.path()).registry;
    cfg.credentials = config(tmp.path()).credentials;
    let c = Client::new(&cfg).unwrap();
    let r = reference(&upstream.host());
    assert_eq!(c.fetch_manifest(&r).unwrap().digest, i.mdigest);
    assert_eq!(
        read_blob(&c, &r, &i.ldigest, i.layer.len()).unwrap(),
        i.layer
    );
    assert!(upstream.requests_to("/v2/test").is_empty());
}

#[test]
fn registry_digest_only_mirror_is_skipped_for_tags() {
    let i = img();
    let i2 = i.clone();
    let mirror = Hostile::start(move |r| serve(&i2, r, true));
    let i3 = i.clone();
    let upstream = Hostile::start(move |r| serve(&i3, r, true));
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = config(tmp.path());
    cfg.registries.insert(
        upstream.host(),
        RegistryEntry {
            mirrors: vec![Mirror {
                location: mirror.url(),
                insecure: false,
                pull_from: PullFrom::DigestOnly,
            }],
            ..Default::default()
        },
    );
    let c = Client::new(&cfg).unwrap();
    c.fetch_manifest(&reference(&upstream.host())).unwrap();
    assert!(mirror.requests_to("/v2/test").is_empty());
    let by_digest: Reference = format!("{}/test/app@{}", upstream.host(), i.mdigest)
        .parse()
        .unwrap();
    c.fetch_manifest(&by_digest).unwrap();
    assert_eq!(mirror.requests_to("/v2/test").len(), 1);
}

fn basic_server(user: &'static str, pass: &'static str) -> Hostile {
    Hostile::start(move |r| {
        if r.header("authorization") == Some(&format!("Basic {}", b64(&format!("{user}:{pass}")))) {
            Reply::ok("{}")
        } else {
            Reply::new(401).header("WWW-Authenticate", r#"Basic realm="hostile""#)
        }
    })
}

#[test]
fn registry_login_writes_config_json_0600_and_logout_removes_it() {
    use std::os::unix::fs::PermissionsExt;
    let s = basic_server("dave", "pw1");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("config.json"),
        r#"{"psFormat":"table {{.ID}}","auths":{"other.example":{"auth":"eDp5"}}}"#,
    )
    .unwrap();
    let cfg = config(tmp.path());
    let e = err_text(registry::login(&cfg, &s.host(), "dave", "wrong"));
    assert!(e.contains("incorrect username or password"), "{e}");
    registry::login(&cfg, &s.host(), "dave", "pw1").unwrap();
    let path = tmp.path().join("config.json");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(v["psFormat"], "table {{.ID}}");
    assert_eq!(v["auths"]["other.example"]["auth"], "eDp5");
    assert_eq!(v["auths"][s.host()]["auth"], b64("dave:pw1"));
    // The stored credentials are what the client uses next.
    let c = Client::new(&cfg).unwrap();
    let _ = c.fetch_manifest(&reference(&s.host()));
    let m = s.requests_to("/v2/test/app/manifests/");
    assert_eq!(
        m.last().unwrap().header("authorization"),
        Some(format!("Basic {}", b64("dave:pw1")).as_str())
    );
    assert!(registry::logout(&cfg, &s.host()).unwrap());
    assert!(!registry::logout(&cfg, &s.host()).unwrap());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(v["auths"].get(s.host()).is_none());
    assert_eq!(v["auths"]["other.example"]["auth"], "eDp5");
}

fn berth_cmd(home: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("berth").unwrap();
    std::fs::write(
        home.join("berth.toml"),
        "[registry]\nconnect_timeout = 2\nstall_timeout = 5\n",
    )
    .unwrap();
    c.env("HOME", home)
        .env("DOCKER_CONFIG", home.join("docker"))
        .env("BERTH_CONFIG", home.join("berth.toml"))
        .env("BERTH_DAEMON_JSON", home.join("none.json"))
        .env("CONTAINERS_REGISTRIES_CONF", home.join("none.conf"))
        .env("BERTH_CONTAINERD_CERTS_D", home.join("no-certs.d"))
        .env_remove("REGISTRY_AUTH_FILE")
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("XDG_CONFIG_HOME");
    c
}

#[test]
fn registry_cli_login_and_logout_against_basic_auth() {
    let s = basic_server("erin", "pw2");
    let home = tempfile::tempdir().unwrap();
    let out = berth_cmd(home.path())
        .args(["login", "-u", "erin", "--password-stdin", &s.host()])
        .write_stdin("pw2\n")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Login Succeeded\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored = std::fs::read_to_string(home.path().join("docker/config.json")).unwrap();
    assert!(stored.contains(&b64("erin:pw2")));

    let out = berth_cmd(home.path())
        .args(["login", "-u", "erin", "-p", "bad", &s.host()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n"
        ),
        "{err}"
    );
    let last: Vec<&str> = err.lines().skip(1).collect();
    assert_eq!(last.len(), 1, "{err}");
    assert!(
        last[0].starts_with("Error: ") && last[0].contains("incorrect username or password"),
        "{err}"
    );

    let out = berth_cmd(home.path())
        .args(["logout", &s.host()])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("Removing login credentials for {}\n", s.host())
    );
    let out = berth_cmd(home.path())
        .args(["logout", &s.host()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("Not logged in to {}\n", s.host())
    );
}

/// Pull the manifest, config and every layer of `name` from a real docker-registry with `client`.
fn pull_from_real_registry(c: &Client, host: &str, name: &str) -> (String, usize) {
    let r: Reference = format!("{host}/{name}").parse().unwrap();
    let m = c.fetch_manifest(&r).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&m.bytes).unwrap();
    let config = &v["config"];
    let cfg = c
        .fetch_blob_bytes(
            &r,
            config["digest"].as_str().unwrap(),
            config["size"].as_u64().unwrap(),
            1 << 20,
        )
        .unwrap();
    assert!(!cfg.is_empty());
    let mut layers = 0;
    for l in v["layers"].as_array().unwrap() {
        let size = l["size"].as_u64().unwrap();
        let got = read_blob(c, &r, l["digest"].as_str().unwrap(), size as usize).unwrap();
        assert_eq!(got.len() as u64, size);
        layers += 1;
    }
    (m.digest, layers)
}

#[test]
fn registry_pulls_manifest_and_blobs_from_real_registry_with_htpasswd() {
    use crate::support::{fixtures, registry as real};
    let reg = real::shared_htpasswd();
    let pushed = reg.fixture(fixtures::PRIVATE_BUSYBOX);
    let tmp = tempfile::tempdir().unwrap();
    // Without credentials the registry refuses.
    let anon = Client::new(&config(tmp.path())).unwrap();
    let r: Reference = format!("{}/{}", reg.host(), fixtures::PRIVATE_BUSYBOX)
        .parse()
        .unwrap();
    let e = err_text(anon.fetch_manifest(&r));
    assert!(e.contains("HTTP 401"), "{e}");
    // After login, the stored credentials pull everything, verified.
    registry::login(&config(tmp.path()), &reg.host(), real::USER, real::PASSWORD).unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let (digest, layers) = pull_from_real_registry(&c, &reg.host(), fixtures::PRIVATE_BUSYBOX);
    assert_eq!(digest, pushed.digest);
    assert!(layers >= 1);
    let e = err_text(registry::login(
        &config(tmp.path()),
        &reg.host(),
        real::USER,
        "wrong",
    ));
    assert!(e.contains("incorrect username or password"), "{e}");
}

#[test]
fn registry_pulls_from_real_registry_with_token_auth() {
    use crate::support::{fixtures, registry as real};
    let reg = real::shared_token();
    let pushed = reg.fixture(fixtures::BUSYBOX);
    let tmp = tempfile::tempdir().unwrap();
    let creds = serde_json::json!({"auths": {reg.host(): {"auth": b64(&format!("{}:{}", real::USER, real::PASSWORD))}}});
    std::fs::write(tmp.path().join("config.json"), creds.to_string()).unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let (digest, _) = pull_from_real_registry(&c, &reg.host(), fixtures::BUSYBOX);
    assert_eq!(digest, pushed.digest);
}

#[test]
fn registry_real_registry_behind_a_dead_mirror() {
    use crate::support::{fixtures, registry as real};
    let reg = real::shared();
    let pushed = reg.fixture(fixtures::MULTI);
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&with_mirrors(config(tmp.path()), &reg.host(), &[dead_url])).unwrap();
    let (digest, layers) = pull_from_real_registry(&c, &reg.host(), fixtures::MULTI);
    assert_eq!(digest, pushed.digest);
    assert!(layers >= 2);
}

/// A CA and a certificate for 127.0.0.1 signed by it, made once per test run with openssl.
struct TlsFiles {
    _dir: tempfile::TempDir,
    ca: std::path::PathBuf,
    cert: Vec<u8>,
    key: Vec<u8>,
}

fn tls_files() -> &'static TlsFiles {
    static CELL: std::sync::OnceLock<TlsFiles> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let run = |args: &[&str]| {
            let out = std::process::Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=berth test CA",
        ]);
        run(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        std::fs::write(
            d.join("ext.cnf"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ]);
        TlsFiles {
            ca: d.join("ca.pem"),
            cert: std::fs::read(d.join("leaf.pem")).unwrap(),
            key: std::fs::read(d.join("leaf.key")).unwrap(),
            _dir: dir,
        }
    })
}

fn tls_registry(img: &Img) -> Hostile {
    let t = tls_files();
    let i = img.clone();
    Hostile::start_tls(&t.cert, &t.key, move |r| serve(&i, r, true))
}

#[test]
fn registry_tls_with_unknown_ca_is_refused() {
    let s = tls_registry(&img());
    let tmp = tempfile::tempdir().unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&s.host())));
    assert!(
        e.contains(&format!("https://{}", s.host())) && e.to_lowercase().contains("certificate"),
        "{e}"
    );
    // Nothing got past the handshake.
    assert!(s.requests().is_empty(), "{:?}", s.requests());
}

#[test]
fn registry_tls_trusts_the_registry_ca_file() {
    let i = img();
    let s = tls_registry(&i);
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = config(tmp.path());
    cfg.registries.insert(
        s.host(),
        RegistryEntry {
            ca_file: Some(tls_files().ca.clone()),
            ..Default::default()
        },
    );
    let c = Client::new(&cfg).unwrap();
    let r = reference(&s.host());
    assert_eq!(c.fetch_manifest(&r).unwrap().digest, i.mdigest);
    assert_eq!(
        read_blob(&c, &r, &i.ldigest, i.layer.len()).unwrap(),
        i.layer
    );
}

#[test]
fn registry_tls_trusts_ca_crt_from_certs_d() {
    let i = img();
    let s = tls_registry(&i);
    let tmp = tempfile::tempdir().unwrap();
    let certs = tmp.path().join("certs.d");
    std::fs::create_dir_all(certs.join(s.host())).unwrap();
    std::fs::copy(&tls_files().ca, certs.join(s.host()).join("ca.crt")).unwrap();
    let mut cfg = config(tmp.path());
    cfg.certs_dirs = Some(vec![tmp.path().join("elsewhere"), certs]);
    let c = Client::new(&cfg).unwrap();
    assert_eq!(
        c.fetch_manifest(&reference(&s.host())).unwrap().digest,
        i.mdigest
    );
}

#[test]
fn registry_tls_marked_insecure_skips_verification() {
    let i = img();
    let s = tls_registry(&i);
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = config(tmp.path());
    cfg.registries.insert(
        s.host(),
        RegistryEntry {
            insecure: true,
            ..Default::default()
        },
    );
    let c = Client::new(&cfg).unwrap();
    assert_eq!(
        c.fetch_manifest(&reference(&s.host())).unwrap().digest,
        i.mdigest
    );
}

#[test]
fn registry_broken_credential_helper_is_an_error_not_a_fallback() {
    let s = basic_server("frank", "pw");
    let tmp = tempfile::tempdir().unwrap();
    // CVE-2021-41092: a misconfigured credsStore must not lead to other credentials being used.
    let cfg = serde_json::json!({"credsStore": "berth-test-missing", "auths": {s.host(): {"auth": b64("frank:pw")}}});
    std::fs::write(tmp.path().join("config.json"), cfg.to_string()).unwrap();
    let c = Client::new(&config(tmp.path())).unwrap();
    let e = err_text(c.fetch_manifest(&reference(&s.host())));
    assert!(e.contains("docker-credential-berth-test-missing"), "{e}");
    assert!(
        s.requests()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );
}

#[test]
fn registry_cli_login_and_logout_use_the_credential_helper() {
    use std::os::unix::fs::PermissionsExt;
    let s = basic_server("gina", "pw3");
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-berthtest");
    std::fs::write(
        &helper,
        "#!/bin/sh\nd=$(dirname \"$0\")\ncase \"$1\" in\n  store) cat > \"$d/stored\" ;;\n  erase) cat > \"$d/erased\" ;;\n  get) echo 'credentials not found in native keychain'; exit 1 ;;\nesac\n",
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(home.path().join("docker")).unwrap();
    let config_json = home.path().join("docker/config.json");
    std::fs::write(&config_json, r#"{"credsStore":"berthtest"}"#).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = berth_cmd(home.path())
        .env("PATH", &path)
        .args(["login", "-u", "gina", "--password-stdin", &s.host()])
        .write_stdin("pw3\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bin.join("stored")).unwrap()).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({"ServerURL": s.host(), "Username": "gina", "Secret": "pw3"})
    );
    // The secret went to the helper, not into config.json.
    assert_eq!(
        std::fs::read_to_string(&config_json).unwrap(),
        r#"{"credsStore":"berthtest"}"#
    );
    let out = berth_cmd(home.path())
        .env("PATH", &path)
        .args(["logout", &s.host()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(bin.join("erased")).unwrap(),
        s.host()
    );
}

#[test]
fn registry_redirect_from_https_to_plain_http_is_refused() {
    let i = img();
    let i2 = i.clone();
    let plain = Hostile::start(move |r| serve(&i2, r, true));
    let t = tls_files();
    let target = plain.host();
    let i3 = i.clone();
    let s = Hostile::start_tls(&t.cert, &t.key, move |r| {
        if r.route().contains("/blobs/") {
            Reply::new(307).header("Location", format!("http://{target}{}", r.path))
        } else {
            serve(&i3, r, true)
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = config(tmp.path());
    cfg.registries.insert(
        s.host(),
        RegistryEntry {
            ca_file: Some(t.ca.clone()),
            ..Default::default()
        },
    );
    let c = Client::new(&cfg).unwrap();
    let e = read_blob(&c, &reference(&s.host()), &i.ldigest, i.layer.len()).unwrap_err();
    assert!(e.to_string().contains("plain http refused"), "{e}");
    assert!(plain.requests().is_empty());
}

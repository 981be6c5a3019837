//! Manifests, indexes and image configs: parsed from exactly the bytes whose digest was verified.
//!
//! Invariants: a document is either an index or a manifest, never both (CVE-2021-41190); its `mediaType`
//! field agrees with the Content-Type it was served with (docs/security.md C5); a config has one diff ID per
//! manifest layer (C6); schema 1 is refused. Counts are bounded here (C12); byte sizes by the caller's configured limits (C3). Platform selection from
//! an index follows containerd's default matcher (os, architecture, normalised variant; `unknown/unknown`
//! attestation entries skipped). Must not depend on store, registry, engine or cli.

use super::digest::Digest;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

pub const MT_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MT_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MT_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const MT_DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const MT_DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
const MT_DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";

/// Index fan-out and layer count bounds (docs/security.md C12); docker itself stops at 125 layers.
const MAX_INDEX_ENTRIES: usize = 4096;
const MAX_LAYERS: usize = 1024;

/// A content descriptor (OCI image-spec descriptor.md); unknown fields are ignored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    #[serde(default)]
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
}

/// The platform fields of an index entry or of a `--platform` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Platform {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

/// An image manifest: one config and its layers, lowest first.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub media_type: String,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

/// What a manifest endpoint returned.
#[derive(Debug, Clone)]
pub enum Document {
    Index {
        media_type: String,
        manifests: Vec<Descriptor>,
    },
    Manifest(Manifest),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDocument {
    schema_version: Option<u32>,
    media_type: Option<String>,
    manifests: Option<Vec<Descriptor>>,
    config: Option<Descriptor>,
    layers: Option<Vec<Descriptor>>,
    fs_layers: Option<serde_json::Value>,
}

/// Strip parameters (`; charset=utf-8`) and case from a Content-Type.
fn bare_type(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_index_type(mt: &str) -> bool {
    mt == MT_OCI_INDEX || mt == MT_DOCKER_LIST
}

fn is_manifest_type(mt: &str) -> bool {
    mt == MT_OCI_MANIFEST || mt == MT_DOCKER_MANIFEST
}

/// Parse a manifest or index from the verified bytes it was served as, with its Content-Type.
pub fn parse_document(bytes: &[u8], content_type: &str) -> Result<Document> {
    let ct = bare_type(content_type);
    if ct == MT_DOCKER_SCHEMA1 || ct == MT_DOCKER_SCHEMA1_SIGNED {
        bail!(
            "image manifest schema 1 ({ct}) is not supported: push the image again with a current client"
        );
    }
    let raw: RawDocument = serde_json::from_slice(bytes).context("parsing manifest json")?;
    if raw.fs_layers.is_some() || raw.schema_version == Some(1) {
        bail!(
            "image manifest schema 1 is not supported: push the image again with a current client"
        );
    }
    if raw.schema_version != Some(2) {
        bail!(
            "unsupported manifest schemaVersion {:?}",
            raw.schema_version
        );
    }
    // CVE-2021-41190: a document that parses both as an index and as a manifest shows different
    // content to different clients.
    if raw.manifests.is_some() && (raw.layers.is_some() || raw.config.is_some()) {
        bail!("ambiguous manifest: it has both \"manifests\" and \"layers\"/\"config\"");
    }
    let field = raw.media_type.as_deref().map(bare_type);
    // Generic types say nothing about the document; any specific type must agree with the field.
    let generic = ct.is_empty() || ct == "application/json" || ct == "application/octet-stream";
    if let Some(f) = &field
        && !generic
        && *f != ct
    {
        bail!("manifest mediaType {f:?} does not match its Content-Type {ct:?}");
    }
    let kind = field
        .clone()
        .unwrap_or_else(|| if generic { String::new() } else { ct.clone() });
    let as_index = if kind.is_empty() {
        raw.manifests.is_some()
    } else {
        is_index_type(&kind)
    };
    if !kind.is_empty() && !is_index_type(&kind) && !is_manifest_type(&kind) {
        bail!("unsupported manifest media type {kind:?}");
    }
    if as_index {
        let manifests = raw.manifests.context("image index has no \"manifests\"")?;
        if manifests.len() > MAX_INDEX_ENTRIES {
            bail!(
                "image index has {} entries, over the limit of {MAX_INDEX_ENTRIES}",
                manifests.len()
            );
        }
        let media_type = if kind.is_empty() {
            MT_OCI_INDEX.to_string()
        } else {
            kind
        };
        return Ok(Document::Index {
            media_type,
            manifests,
        });
    }
    if raw.manifests.is_some() {
        bail!("manifest of type {kind:?} carries a \"manifests\" list");
    }
    let config = raw.config.context("image manifest has no \"config\"")?;
    let layers = raw.layers.context("image manifest has no \"layers\"")?;
    if layers.len() > MAX_LAYERS {
        bail!(
            "image manifest has {} layers, over the limit of {MAX_LAYERS}",
            layers.len()
        );
    }
    let media_type = if kind.is_empty() {
        MT_OCI_MANIFEST.to_string()
    } else {
        kind
    };
    Ok(Document::Manifest(Manifest {
        media_type,
        config,
        layers,
    }))
}

/// The fields of an image config berth needs; the whole JSON is kept beside it for `inspect`.
#[derive(Debug, Clone, Deserialize)]
pub struct ImageConfig {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
    pub rootfs: RootFs,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type")]
    pub kind: String,
    pub diff_ids: Vec<Digest>,
}

/// Parse a config blob and check it against its manifest: `rootfs.type` is `layers` and there is one
/// diff ID per layer (docs/security.md C6).
pub fn parse_config(bytes: &[u8], manifest: &Manifest) -> Result<ImageConfig> {
    let c: ImageConfig = serde_json::from_slice(bytes).context("parsing image config json")?;
    if c.rootfs.kind != "layers" {
        bail!(
            "image config rootfs.type is {:?}, expected \"layers\"",
            c.rootfs.kind
        );
    }
    if c.rootfs.diff_ids.len() != manifest.layers.len() {
        bail!(
            "image config lists {} diff_ids but the manifest has {} layers",
            c.rootfs.diff_ids.len(),
            manifest.layers.len()
        );
    }
    Ok(c)
}

impl Platform {
    /// Parse `os/arch[/variant]` or `arch` (docker's `--platform`), normalising aliases.
    pub fn parse(s: &str) -> Result<Platform> {
        let parts: Vec<&str> = s.split('/').collect();
        let (os, arch, variant) = match parts.as_slice() {
            [arch] if !arch.is_empty() && *arch != "linux" => ("linux", *arch, None),
            [os, arch] => (*os, *arch, None),
            [os, arch, variant] => (*os, *arch, Some(*variant)),
            _ => bail!("invalid platform {s:?}: expected os/arch[/variant]"),
        };
        if os.is_empty() || arch.is_empty() || variant.is_some_and(str::is_empty) {
            bail!("invalid platform {s:?}: expected os/arch[/variant]");
        }
        Ok(Platform {
            os: os.to_ascii_lowercase(),
            architecture: arch.to_ascii_lowercase(),
            variant: variant.map(str::to_ascii_lowercase),
        }
        .normalized())
    }

    /// The platform berth runs on (the default for pulls, as docker does).
    pub fn host() -> Platform {
        Platform {
            os: "linux".into(),
            architecture: std::env::consts::ARCH.into(),
            variant: None,
        }
        .normalized()
    }

    /// containerd's `platforms.Normalize`: arch aliases, and the default variant of arm (v7) and arm64 (v8).
    pub fn normalized(&self) -> Platform {
        let (arch, implied) = match self.architecture.as_str() {
            "x86_64" | "x86-64" => ("amd64", None),
            "aarch64" | "arm64" => ("arm64", Some("v8")),
            "armhf" => ("arm", Some("v7")),
            "armel" => ("arm", Some("v6")),
            "arm" => ("arm", Some("v7")),
            "i386" | "i686" => ("386", None),
            other => (other, None),
        };
        let variant = match self.variant.as_deref() {
            Some("8") => Some("v8".to_string()),
            Some("7") => Some("v7".to_string()),
            Some("6") => Some("v6".to_string()),
            Some(v) => Some(v.to_string()),
            None => implied.map(str::to_string),
        };
        Platform {
            os: self.os.clone(),
            architecture: arch.to_string(),
            variant,
        }
    }

    fn matches(&self, other: &Platform, strict_variant: bool) -> bool {
        let (a, b) = (self.normalized(), other.normalized());
        if a.os != b.os || a.architecture != b.architecture {
            return false;
        }
        match (a.variant, b.variant) {
            (Some(x), Some(y)) => x == y,
            // A variant the request did not name is not a reason to refuse (amd64 v2/v3 entries).
            (Some(_), None) | (None, Some(_)) => !strict_variant,
            (None, None) => true,
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// Pick the manifest for `want` from an index, skipping attestation (`unknown/unknown`) and non-manifest
/// entries. An explicit `--platform` variant must match exactly; otherwise an exact variant match is
/// preferred over an entry that names none.
pub fn select_platform<'a>(
    manifests: &'a [Descriptor],
    want: &Platform,
    explicit_variant: bool,
) -> Result<&'a Descriptor> {
    let candidates = || {
        manifests.iter().filter(|d| {
            let p = d.platform.as_ref();
            let attest = p.is_some_and(|p| p.os == "unknown" || p.architecture == "unknown");
            !attest
                && (d.media_type.is_empty()
                    || is_manifest_type(&d.media_type)
                    || is_index_type(&d.media_type))
        })
    };
    let exact = candidates().find(|d| d.platform.as_ref().is_some_and(|p| p.matches(want, true)));
    let loose =
        || candidates().find(|d| d.platform.as_ref().is_some_and(|p| p.matches(want, false)));
    match exact.or_else(|| if explicit_variant { None } else { loose() }) {
        Some(d) => Ok(d),
        None => bail!("no matching manifest for {want} in the manifest list entries"),
    }
}

/// Is this media type an index (list) rather than a single manifest?
pub fn is_index(media_type: &str) -> bool {
    is_index_type(&bare_type(media_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    fn manifest_json(mt: &str) -> String {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"{mt}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":10}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{}","size":5}}]}}"#,
            d('a'),
            d('b')
        )
    }

    #[test]
    fn manifest_and_index_in_one_document_is_rejected() {
        let j = format!(
            r#"{{"schemaVersion":2,"manifests":[],"config":{{"digest":"{}","size":1}},"layers":[]}}"#,
            d('a')
        );
        for ct in [MT_OCI_INDEX, MT_OCI_MANIFEST, ""] {
            let e = parse_document(j.as_bytes(), ct).unwrap_err().to_string();
            assert!(e.contains("ambiguous"), "{e}");
        }
    }

    #[test]
    fn media_type_field_must_match_content_type() {
        let j = manifest_json(MT_OCI_MANIFEST);
        assert!(parse_document(j.as_bytes(), MT_OCI_MANIFEST).is_ok());
        assert!(parse_document(j.as_bytes(), &format!("{MT_OCI_MANIFEST}; charset=utf-8")).is_ok());
        let e = parse_document(j.as_bytes(), MT_DOCKER_MANIFEST)
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not match"), "{e}");
        crate::testing::assert_err(
            parse_document(j.as_bytes(), MT_OCI_INDEX),
            "does not match its Content-Type",
        );
    }

    #[test]
    fn schema1_is_refused_with_a_clear_message() {
        let e =
            parse_document(br#"{"schemaVersion":1,"fsLayers":[]}"#, MT_DOCKER_SCHEMA1).unwrap_err();
        assert!(e.to_string().contains("schema 1"), "{e}");
    }

    #[test]
    fn config_needs_one_diff_id_per_layer() {
        let Document::Manifest(m) =
            parse_document(manifest_json(MT_OCI_MANIFEST).as_bytes(), "").unwrap()
        else {
            panic!("not a manifest")
        };
        let two = format!(
            r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{}","{}"]}}}}"#,
            d('c'),
            d('e')
        );
        assert!(
            parse_config(two.as_bytes(), &m)
                .unwrap_err()
                .to_string()
                .contains("diff_ids")
        );
        let one = format!(
            r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#,
            d('c')
        );
        assert_eq!(
            parse_config(one.as_bytes(), &m)
                .unwrap()
                .rootfs
                .diff_ids
                .len(),
            1
        );
    }

    fn entry(c: char, os: &str, arch: &str, variant: Option<&str>) -> Descriptor {
        Descriptor {
            media_type: MT_OCI_MANIFEST.into(),
            digest: Digest::parse(&d(c)).unwrap(),
            size: 1,
            platform: Some(Platform {
                os: os.into(),
                architecture: arch.into(),
                variant: variant.map(Into::into),
            }),
        }
    }

    #[test]
    fn platform_selection_skips_attestations_and_defaults_arm64_to_v8() {
        let idx = vec![
            entry('1', "unknown", "unknown", None),
            entry('2', "linux", "amd64", None),
            entry('3', "linux", "arm", Some("v6")),
            entry('4', "linux", "arm", Some("v7")),
            entry('5', "linux", "arm64", Some("v8")),
        ];
        let pick = |s: &str| {
            let p = Platform::parse(s).unwrap();
            select_platform(&idx, &p, p.variant.is_some() && s.matches('/').count() == 2)
                .map(|d| d.digest.hex()[..1].to_string())
        };
        assert_eq!(pick("linux/amd64").unwrap(), "2");
        assert_eq!(pick("linux/arm64").unwrap(), "5");
        assert_eq!(pick("linux/aarch64").unwrap(), "5");
        assert_eq!(pick("linux/arm").unwrap(), "4");
        assert_eq!(pick("linux/arm/v6").unwrap(), "3");
        let e = pick("linux/s390x").unwrap_err().to_string();
        assert_eq!(
            e,
            "no matching manifest for linux/s390x in the manifest list entries"
        );
        crate::testing::assert_err(Platform::parse("linux/"), "invalid platform \"linux/\"");
    }
}

//! Image references: parsing with docker's normalisation and docker's "familiar" display.
//!
//! `busybox` means `docker.io/library/busybox:latest`; `docker.io/library/x` displays as `x`, other
//! registries keep their host (`127.0.0.1:5000/app`). Parsing follows the distribution reference grammar
//! (oci_spec's `Reference`), so a name that could reach a storage path (`..`, `%2e`, NUL, upper case) is
//! rejected before anything touches the disk (SECURITY.md E1, CVE-2014-9358). Must not depend on store,
//! registry, engine or cli.

use super::digest::Digest;
use anyhow::{Result, bail};
use oci_spec::distribution::{ParseError, Reference};
use std::fmt;

const DOCKER_HUB: &str = "docker.io";
const OFFICIAL_PREFIX: &str = "library/";
/// docker's limit on the whole name (distribution/reference `NameTotalLengthMax`).
const NAME_MAX: usize = 255;

/// A parsed, normalised image reference.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    inner: Reference,
    digest: Option<Digest>,
}

impl ImageRef {
    /// Parse as docker does: add `docker.io/library/` and `:latest` where the name leaves them out.
    pub fn parse(s: &str) -> Result<ImageRef> {
        if s.is_empty() {
            bail!("invalid reference format: repository name must have at least one component");
        }
        let inner: Reference = match s.parse() {
            Ok(r) => r,
            Err(ParseError::ReferenceInvalidFormat) if has_upper_repo(s) => {
                bail!("invalid reference format: repository name ({s}) must be lowercase")
            }
            Err(e) => bail!("invalid reference format: {e}: {s:?}"),
        };
        // The grammar lets an upper-case first component through as a domain; docker then treats it as a
        // path component, which must be lowercase.
        if inner.repository().chars().any(|c| c.is_ascii_uppercase()) {
            bail!("invalid reference format: repository name ({s}) must be lowercase");
        }
        let full = format!("{}/{}", inner.registry(), inner.repository());
        if full.len() > NAME_MAX {
            bail!(
                "invalid reference format: repository name must not be more than {NAME_MAX} characters"
            );
        }
        let digest = match inner.digest() {
            Some(d) => Some(
                Digest::parse(d).map_err(|e| anyhow::anyhow!("invalid reference format: {e}"))?,
            ),
            None => None,
        };
        Ok(ImageRef { inner, digest })
    }

    /// The oci_spec reference, for the registry client.
    pub fn reference(&self) -> &Reference {
        &self.inner
    }

    pub fn registry(&self) -> &str {
        self.inner.registry()
    }

    pub fn repository(&self) -> &str {
        self.inner.repository()
    }

    /// The tag, unless the reference names a digest only.
    pub fn tag(&self) -> Option<&str> {
        self.inner.tag()
    }

    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// `docker.io/library/busybox`, `127.0.0.1:5000/app`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry(), self.repository())
    }

    /// docker's familiar name: `busybox`, `user/app`, `127.0.0.1:5000/app`.
    pub fn familiar_name(&self) -> String {
        familiar_name(&self.name())
    }

    /// `docker.io/library/busybox:latest`, or `...@sha256:...` when pulled by digest (what `pull` prints last).
    pub fn full(&self) -> String {
        match (&self.digest, self.tag()) {
            (Some(d), _) => format!("{}@{d}", self.name()),
            (None, Some(t)) => format!("{}:{t}", self.name()),
            (None, None) => self.name(),
        }
    }

    /// The `name:tag` key stored in the image index, when the reference has a tag and no digest.
    pub fn tagged(&self) -> Option<String> {
        match (&self.digest, self.tag()) {
            (None, Some(t)) => Some(format!("{}:{t}", self.name())),
            _ => None,
        }
    }

    /// The same repository, pinned to `digest` (every fetch after the manifest uses this; SECURITY.md C4).
    pub fn with_digest(&self, digest: &Digest) -> ImageRef {
        ImageRef {
            inner: Reference::with_digest(
                self.registry().to_string(),
                self.repository().to_string(),
                digest.to_string(),
            ),
            digest: Some(digest.clone()),
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full())
    }
}

impl fmt::Debug for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full())
    }
}

/// docker's `FamiliarName` for a normalised `registry/repository` (or `registry/repository:tag`).
pub fn familiar_name(full: &str) -> String {
    match full.strip_prefix("docker.io/") {
        Some(rest) => match rest.strip_prefix(OFFICIAL_PREFIX) {
            // `library/a/b` keeps its prefix: only single-component official names drop it.
            Some(name) if !name.split([':', '@']).next().unwrap_or("").contains('/') => {
                name.to_string()
            }
            _ => rest.to_string(),
        },
        None if full == DOCKER_HUB => full.to_string(),
        None => full.to_string(),
    }
}

/// Does the repository part (after any domain) contain upper case? docker reports this one specially.
fn has_upper_repo(s: &str) -> bool {
    let path = s.split('@').next().unwrap_or(s);
    let repo = match path.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => rest,
        _ => path,
    };
    let repo = repo.rsplit_once(':').map(|(r, _)| r).unwrap_or(repo);
    repo.chars().any(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_normalise_to_docker_hub_library() {
        let r = ImageRef::parse("busybox").unwrap();
        assert_eq!(r.full(), "docker.io/library/busybox:latest");
        assert_eq!(r.familiar_name(), "busybox");
        let r = ImageRef::parse("user/app:v1").unwrap();
        assert_eq!(r.full(), "docker.io/user/app:v1");
        assert_eq!(r.familiar_name(), "user/app");
        let r = ImageRef::parse("127.0.0.1:5000/app").unwrap();
        assert_eq!(r.full(), "127.0.0.1:5000/app:latest");
        assert_eq!(r.familiar_name(), "127.0.0.1:5000/app");
        let r = ImageRef::parse("index.docker.io/library/busybox:1").unwrap();
        assert_eq!(r.familiar_name(), "busybox");
    }

    #[test]
    fn digest_references_have_no_tag_key() {
        let d = format!("sha256:{}", "b".repeat(64));
        let r = ImageRef::parse(&format!("busybox@{d}")).unwrap();
        assert_eq!(r.tagged(), None);
        assert_eq!(r.full(), format!("docker.io/library/busybox@{d}"));
    }

    #[test]
    fn malformed_names_are_rejected_before_any_path_use() {
        let long_tag = format!("a:{}", "t".repeat(129));
        for bad in [
            "localhost:5000/../../etc:latest",
            "a/b/../../c",
            "a:..",
            "a:../../x",
            "a:a/b",
            long_tag.as_str(),
            "Busybox",
            "Upper/case",
            "a%2e%2e",
            "a\0b",
            "",
            "busybox@sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
        ] {
            assert!(ImageRef::parse(bad).is_err(), "{bad:?} accepted");
        }
        let e = ImageRef::parse("Busybox").unwrap_err().to_string();
        assert!(e.contains("must be lowercase"), "{e}");
    }
}

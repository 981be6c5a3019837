//! Image references: parsing with docker's normalisation and docker's "familiar" display.
//!
//! `busybox` means `docker.io/library/busybox:latest`; `docker.io/library/x` displays as `x`, other
//! registries keep their host (`127.0.0.1:5000/app`). Parsing follows the distribution reference grammar
//! (oci_spec's `Reference`), so a name that could reach a storage path (`..`, `%2e`, NUL, upper case) is
//! rejected before anything touches the disk (docs/security.md E1, CVE-2014-9358). Must not depend on store,
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
        let inner: Reference = match parse_reference(s) {
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

    /// The same repository, pinned to `digest` (every fetch after the manifest uses this; docs/security.md C4).
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

/// Parse a reference by the distribution grammar (the same language as oci_spec's `Reference` parser, with
/// docker's ASCII `\\w` for tags), without a regex: oci_spec compiles a Unicode regex of several MiB on
/// first use, which cost about 70 ms of every `berth run`. A differential test keeps the two in step.
///
/// ```text
/// reference  := name [ ":" tag ] [ "@" digest ]
/// name       := [ domain "/" ] component ( "/" component )*
/// domain     := label ( "." label )* [ ":" port ]      label := [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]
/// component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"* ) [a-z0-9]+ )*
/// tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
/// digest     := alg ( [-_+.] alg )* ":" hex{32,}      alg := [A-Za-z][A-Za-z0-9]*
/// ```
pub fn parse_reference(s: &str) -> std::result::Result<Reference, ParseError> {
    if s.is_empty() {
        return Err(ParseError::NameEmpty);
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) if is_digest(d) => (r, Some(d)),
        Some(_) => return Err(ParseError::ReferenceInvalidFormat),
        None => (s, None),
    };
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if tag.is_some_and(|t| !is_tag(t)) || !is_name(name) {
        return Err(ParseError::ReferenceInvalidFormat);
    }
    let tag = match (tag, digest) {
        (None, None) => Some("latest"),
        (t, _) => t,
    };
    let (registry, repository) = split_domain(name);
    if repository.len() > NAME_MAX {
        return Err(ParseError::NameTooLong);
    }
    if let Some(d) = digest {
        let want = match d.split_once(':') {
            Some(("sha256", hex)) => (64, hex),
            Some(("sha384", hex)) => (96, hex),
            Some(("sha512", hex)) => (128, hex),
            Some(_) => return Err(ParseError::DigestUnsupported),
            None => return Err(ParseError::DigestInvalidFormat),
        };
        if want.1.len() != want.0 {
            return Err(ParseError::DigestInvalidLength);
        }
    }
    Ok(match (tag, digest) {
        (Some(t), Some(d)) => {
            Reference::with_tag_and_digest(registry, repository, t.into(), d.into())
        }
        (Some(t), None) => Reference::with_tag(registry, repository, t.into()),
        (None, Some(d)) => Reference::with_digest(registry, repository, d.into()),
        (None, None) => unreachable!("a reference without tag or digest gets latest"),
    })
}

/// docker's splitDockerDomain: the first component is a registry when it looks like a host.
fn split_domain(name: &str) -> (String, String) {
    let (mut domain, mut rest) = match name.split_once('/') {
        Some((left, right)) if left.contains(['.', ':']) || left == "localhost" => {
            (left.to_string(), right.to_string())
        }
        _ => (DOCKER_HUB.to_string(), name.to_string()),
    };
    if domain == "index.docker.io" {
        domain = DOCKER_HUB.to_string();
    }
    if domain == DOCKER_HUB && !rest.contains('/') {
        rest = format!("{OFFICIAL_PREFIX}{rest}");
    }
    (domain, rest)
}

fn is_name(name: &str) -> bool {
    let all_components = |p: &str| p.split('/').all(is_component);
    all_components(name)
        || name
            .split_once('/')
            .is_some_and(|(d, p)| is_domain(d) && all_components(p))
}

fn is_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    // Separators between alphanumeric runs: one '.', one or two '_', or any number of '-'.
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_domain(d: &str) -> bool {
    let (host, port) = match d.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (d, None),
    };
    let label = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
    };
    host.split('.').all(label)
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|x| x.is_ascii_digit()))
}

fn is_tag(t: &str) -> bool {
    let w = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    let b = t.as_bytes();
    !b.is_empty() && b.len() <= 128 && w(b[0]) && b.iter().all(|&x| w(x) || x == b'.' || x == b'-')
}

fn is_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.rsplit_once(':') else {
        return false;
    };
    let alg_ok = alg.split(['-', '_', '+', '.']).all(|a| {
        let b = a.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(|x| x.is_ascii_alphanumeric())
    });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|x| x.is_ascii_hexdigit())
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
            crate::testing::assert_err(ImageRef::parse(bad), "invalid reference format");
        }
        let e = ImageRef::parse("Busybox").unwrap_err().to_string();
        assert!(e.contains("must be lowercase"), "{e}");
    }

    #[test]
    fn own_grammar_agrees_with_oci_spec_parser() {
        let d = "sha256:".to_string() + &"a".repeat(64);
        let cases = [
            "busybox",
            "busybox:1.36",
            "library/busybox",
            "docker.io/busybox",
            "index.docker.io/x/y:z",
            "localhost/app",
            "localhost:5000/app:v1",
            "127.0.0.1:5000/library/app:multi",
            "a.b.c/d/e/f",
            "my-reg.io:443/ns/app",
            "ns/app__x",
            "ns/a.b",
            "ns/a--b",
            "ns/a---b",
            "ns/a...b",
            "ns/a._b",
            "ns/-a",
            "ns/a-",
            "Upper/app",
            "up/Per",
            "app:",
            "app:tag!",
            "app:.x",
            "app:_x",
            "app@",
            "app@sha256:abc",
            "localhost:5000",
            "host:5000:tag",
            "host:/x",
            "a//b",
            "/a",
            "a/",
            ":tag",
            "@sha256:x",
            "reg.io:12a/app",
            "-reg.io/app",
            "reg-.io/app",
            "reg..io/app",
            "ns/app:v1.2-rc_3",
            "app:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "app:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "app@sha512:abc",
            "app@md5:0123456789abcdef0123456789abcdef",
            "app@sha256:zz",
        ];
        let mut all: Vec<String> = cases.iter().map(|c| c.to_string()).collect();
        all.push(format!("app@{d}"));
        all.push(format!("reg.io:5000/ns/app:tag@{d}"));
        all.push(format!("app@sha256:{}", "a".repeat(63)));
        for c in &all {
            let ours = parse_reference(c).map(|r| r.whole());
            let theirs = c.parse::<Reference>().map(|r| r.whole());
            assert_eq!(ours, theirs, "reference {c:?}");
        }
    }
}

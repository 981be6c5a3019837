//! Layer decompression, in-process (never an external tool on attacker bytes: CVE-2014-9357, docs/security.md A18).
//!
//! The format is read from the magic bytes and must agree with an OCI media type that names one;
//! docker's own media type is trusted less, because `docker save`/`load` round trips leave uncompressed
//! layers typed `tar.gzip` (docker itself decides by magic bytes). Must not depend on store, registry,
//! engine or cli.

use anyhow::{Result, bail};
use std::io::{BufRead, Read};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// What the first bytes of a blob say about its compression; None for formats berth refuses.
pub fn detect(head: &[u8]) -> Result<Compression> {
    if head.starts_with(GZIP_MAGIC) {
        return Ok(Compression::Gzip);
    }
    if head.starts_with(ZSTD_MAGIC) {
        return Ok(Compression::Zstd);
    }
    if head.starts_with(b"BZh") || head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        bail!("layer uses bzip2 or xz compression, which berth does not support");
    }
    Ok(Compression::None)
}

/// The compression a layer media type names, None when the type does not say (docker's types).
pub fn from_media_type(mt: &str) -> Result<Option<Compression>> {
    let mt = mt.split(';').next().unwrap_or("").trim();
    Ok(match mt {
        "application/vnd.oci.image.layer.v1.tar"
        | "application/vnd.oci.image.layer.nondistributable.v1.tar" => Some(Compression::None),
        "application/vnd.oci.image.layer.v1.tar+gzip"
        | "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip" => Some(Compression::Gzip),
        "application/vnd.oci.image.layer.v1.tar+zstd"
        | "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" => Some(Compression::Zstd),
        "application/vnd.docker.image.rootfs.diff.tar.gzip"
        | "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
        | "application/vnd.docker.image.rootfs.diff.tar"
        | "" => None,
        other => bail!("unsupported layer media type {other:?}"),
    })
}

/// Wrap a buffered compressed stream in its decompressor. `zstd_window_log_max` bounds the memory a zstd
/// frame may ask for (docs/security.md A16: a frame declaring a 2 GiB window).
pub fn decompress<'a, R: BufRead + Send + 'a>(
    mut r: R,
    media_type: &str,
    zstd_window_log_max: u32,
) -> Result<Box<dyn Read + Send + 'a>> {
    let declared = from_media_type(media_type)?;
    let head = r.fill_buf()?;
    let found = detect(head)?;
    if let Some(d) = declared
        && d != found
        && !head.is_empty()
    {
        bail!(
            "layer media type {media_type:?} does not match its content ({found:?} by magic bytes)"
        );
    }
    Ok(match found {
        Compression::None => Box::new(r),
        // Multi-member gzip (pigz, concatenated streams) must be read to the last member.
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(r)),
        Compression::Zstd => {
            let mut d = zstd::stream::read::Decoder::with_buffer(r)?;
            d.window_log_max(zstd_window_log_max)?;
            Box::new(d)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn multi_member_gzip_is_read_to_the_end() {
        let mut all = Vec::new();
        for part in [&b"hello "[..], b"world"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part).unwrap();
            all.extend(e.finish().unwrap());
        }
        let mut out = String::new();
        decompress(&all[..], "application/vnd.oci.image.layer.v1.tar+gzip", 27)
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "hello world");
    }

    #[test]
    fn zstd_and_plain_layers_are_recognised() {
        let z = zstd::encode_all(&b"zzz"[..], 3).unwrap();
        let mut out = String::new();
        decompress(&z[..], "application/vnd.oci.image.layer.v1.tar+zstd", 27)
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "zzz");
        out.clear();
        decompress(
            &b"plain"[..],
            "application/vnd.docker.image.rootfs.diff.tar.gzip",
            27,
        )
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
        assert_eq!(out, "plain");
    }

    #[test]
    fn oci_media_type_disagreeing_with_magic_is_rejected() {
        assert!(
            decompress(
                &b"plain"[..],
                "application/vnd.oci.image.layer.v1.tar+gzip",
                27
            )
            .is_err()
        );
        crate::testing::assert_err(
            decompress(&b"plain"[..], "application/x-evil", 27),
            "unsupported layer media type \"application/x-evil\"",
        );
    }

    #[test]
    fn zstd_frame_declaring_a_huge_window_is_refused() {
        // docs/security.md A16: a frame may ask the decoder for a 2 GiB window.
        let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
        e.set_parameter(zstd::zstd_safe::CParameter::WindowLog(31))
            .unwrap();
        e.write_all(&[0u8; 4096]).unwrap();
        let z = e.finish().unwrap();
        let mut d = decompress(&z[..], "application/vnd.oci.image.layer.v1.tar+zstd", 27).unwrap();
        let mut out = Vec::new();
        crate::testing::assert_err(d.read_to_end(&mut out), "Frame requires too much memory");
    }
}

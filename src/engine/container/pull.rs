//! The image of a new container (`run`/`create`), pulled per `--pull`.

use super::ImageInfo;
use crate::spec::ImageConfig;
use anyhow::{Context as _, Result, bail};

/// `--pull` policy of `run`/`create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullPolicy {
    Missing,
    Always,
    Never,
}

/// What `resolve_image` tells its caller about a pull it does (docker prints these on stderr).
pub enum PullEvent<'a> {
    /// About to pull `name`: docker says "Unable to find image ... locally" first when the policy is
    /// `missing`; with `always` (the image may be present) only the pull's own lines.
    Starting(&'a str),
    /// The pull finished ("Digest: ...", "Status: ...").
    Done(&'a crate::engine::image::PullReport),
}

/// Find the image for a new container, pulling it per `policy`; `on_pull` hears about a pull.
pub fn resolve_image(
    ctx: &crate::engine::Context,
    name: &str,
    policy: PullPolicy,
    progress: &dyn crate::engine::Progress,
    on_pull: &mut dyn FnMut(PullEvent),
) -> Result<ImageInfo> {
    use crate::engine::image as img;
    let local = match policy {
        PullPolicy::Always => None,
        _ => match img::resolve_local(ctx, name) {
            Ok(r) => Some(r),
            Err(e) if e.downcast_ref::<img::NoSuchImage>().is_some() => None,
            Err(e) => return Err(e),
        },
    };
    let rec = match local {
        Some(r) => r,
        None if policy == PullPolicy::Never => bail!(img::NoSuchImage(name.to_string())),
        None => {
            on_pull(PullEvent::Starting(name));
            let report = img::pull(ctx, name, &img::PullOptions::default(), progress)?;
            on_pull(PullEvent::Done(&report));
            img::resolve_local(ctx, &report.id)?
        }
    };
    let layers = img::image_layers(&ctx.paths, &rec)?;
    let raw = img::image_config_json(&ctx.paths, &rec)?;
    // HEALTHCHECK and SHELL are docker's, not in the OCI config type: taken from the same JSON.
    let healthcheck = serde_json::from_value(raw["config"]["Healthcheck"].clone()).ok();
    let shell = serde_json::from_value(raw["config"]["Shell"].clone()).ok();
    let cfg: oci_spec::image::ImageConfiguration =
        serde_json::from_value(raw).with_context(|| format!("parsing image config {}", rec.id))?;
    let mut config = ImageConfig::from_oci(cfg.config().as_ref());
    config.healthcheck = healthcheck;
    config.shell = shell;
    Ok(ImageInfo {
        id: rec.id.clone(),
        name: name.to_string(),
        layers,
        config,
    })
}

/// `run`/`create --platform`: berth runs images for the host's OS and architecture only, which is the
/// platform it pulls by default; another one is refused with the reason instead of pulling an image
/// that cannot run here (berth has no emulation).
pub fn check_run_platform(platform: &str) -> Result<()> {
    use crate::image::manifest::Platform;
    let want = Platform::parse(platform)?.normalized();
    let host = Platform::host();
    if want.os != host.os || want.architecture != host.architecture {
        bail!(
            "image platform {platform} is not supported: berth runs only the host's platform ({host}) and has no emulation"
        );
    }
    Ok(())
}

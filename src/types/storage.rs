//! berth's `[storage]` settings, read from its config file and recorded with a rootless container, and
//! the names of the OCI spec annotations that carry them from `spec` (which writes them at create) to
//! `runtime` (which mounts the rootfs as they say).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Spec annotation with the rootless overlay driver: "native" or "fuse" (absent: auto).
pub const ANNOTATION_MODE: &str = "org.berth.rootless-overlay";
/// Spec annotation with the fuse-overlayfs binary to use (absent: the usual locations).
pub const ANNOTATION_FUSE: &str = "org.berth.fuse-overlayfs";

/// `[storage]`: how a rootless container's rootfs is mounted (rootful always uses native overlay).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StorageSettings {
    /// Which overlay a rootless container's rootfs uses.
    pub rootless_overlay: RootlessOverlay,
    /// The fuse-overlayfs binary; `None` looks in /usr/bin, /usr/local/bin, /bin.
    pub fuse_overlayfs: Option<PathBuf>,
}

/// `storage.rootless_overlay`: native overlayfs in the user namespace (kernel >= 5.11) or fuse-overlayfs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RootlessOverlay {
    /// Native overlay, falling back to fuse-overlayfs when the kernel refuses it.
    #[default]
    Auto,
    /// Native overlay only.
    Native,
    /// fuse-overlayfs only.
    Fuse,
}

//! berth's `[storage]` settings, read from its config file and recorded with a rootless container.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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

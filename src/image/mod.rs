//! Images as data: references (docker.io/library normalisation), digests and chain IDs, manifests, indexes
//! and configs, layer decompression, and the confined layer unpacker with OCI whiteouts.
//!
//! Must not depend on registry, engine or cli: everything here works on bytes and readers handed in, so it
//! can be tested without a network. Invariant: nothing in a layer can create, change or read a path
//! outside the directory it is unpacked into (docs/security.md 1A, 1B).

pub mod archive;
pub mod compression;
pub mod digest;
pub mod layer_tar;
pub mod manifest;
pub mod reference;
pub mod unpack;

pub use digest::{Digest, chain_ids};
pub use manifest::{Descriptor, Document, ImageConfig, Manifest, Platform};
pub use reference::ImageRef;
pub use unpack::{IdMap, UnpackLimits, UnpackReport, unpack_layer, unpack_layer_threaded};

//! Which containers use an image: `rmi` and `image prune` refuse (or only untag) images a container
//! record names. The records are read here, in state, the one module that parses container.json.

use crate::store::Paths;
use std::fs;

/// Whether any container record (`<root>/containers/*/container.json`) names `image_id` (a full
/// `sha256:` config digest) in its `image_id` (or docker-style `Image`) field. Unreadable records count
/// as users, so an image is never removed from under a container whose record is damaged.
pub fn image_in_use(paths: &Paths, image_id: &str) -> bool {
    containers_using(paths, image_id).next().is_some()
}

/// The IDs of the containers whose record names `image_id`.
pub fn containers_using<'a>(paths: &Paths, image_id: &'a str) -> impl Iterator<Item = String> + 'a {
    let dir = paths.containers_dir();
    let entries = fs::read_dir(&dir).into_iter().flatten().flatten();
    entries.filter_map(move |e| {
        let p = e.path().join("container.json");
        let data = match fs::read(&p) {
            Ok(d) => d,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
            Err(_) => return Some(e.file_name().to_string_lossy().into_owned()),
        };
        let v: serde_json::Value = match serde_json::from_slice(&data) {
            Ok(v) => v,
            Err(_) => return Some(e.file_name().to_string_lossy().into_owned()),
        };
        let named = ["image_id", "Image", "ImageID"]
            .iter()
            .any(|k| v.get(k).and_then(|x| x.as_str()) == Some(image_id));
        named.then(|| e.file_name().to_string_lossy().into_owned())
    })
}

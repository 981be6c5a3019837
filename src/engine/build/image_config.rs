//! A stage's state while it is built: the layers so far (their dirs for the next step's overlay, their
//! descriptors for the manifest) and the image config JSON as docker writes it (`config`, `rootfs`,
//! `history` with BuildKit's `created_by` and `empty_layer`).

use crate::engine::Context;
use crate::engine::image as img;
use crate::image::manifest::Platform;
use crate::types::ImageConfig;
use anyhow::{Context as _, Result};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

/// BuildKit's history comment on every entry it writes.
pub const HISTORY_COMMENT: &str = "buildkit.dockerfile.v0";
/// docker's default PATH, which BuildKit puts in the Env of images built from scratch.
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
pub const MT_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// The base image's ID (empty for scratch).
    pub base_id: String,
    /// Layer dirs, lowest first: the overlay lowers of the next step.
    pub lowers: Vec<PathBuf>,
    /// Manifest descriptors of every layer, lowest first.
    pub descriptors: Vec<Value>,
    /// Blobs of built layers, by digest: served to the store when the image is committed.
    pub built: HashMap<String, PathBuf>,
    /// The whole image config.
    pub config: Value,
    /// The cache key of this state (the chain of every step's key).
    pub key: String,
}

impl State {
    pub fn scratch() -> State {
        let host = Platform::host();
        State {
            base_id: String::new(),
            lowers: Vec::new(),
            descriptors: Vec::new(),
            built: HashMap::new(),
            config: json!({
                "architecture": host.architecture,
                "os": host.os,
                // BuildKit's empty image: the default PATH and WorkingDir "/".
                "config": {"Env": [DEFAULT_PATH], "WorkingDir": "/"},
                "rootfs": {"type": "layers", "diff_ids": []},
                "history": [],
            }),
            key: crate::image::Digest::of(b"scratch WorkingDir=/").to_string(),
        }
    }

    /// The state of a stored image.
    pub fn from_image(ctx: &Context, rec: &crate::store::images::ImageRecord) -> Result<State> {
        let mut config = img::image_config_json(&ctx.paths, rec)?;
        let obj = config
            .as_object_mut()
            .context("image config is not an object")?;
        // Keys the base image's build set that describe that build, not this one.
        for k in [
            "created",
            "author",
            "comment",
            "container",
            "container_config",
        ] {
            obj.remove(k);
        }
        if !obj.get("config").is_some_and(Value::is_object) {
            obj.insert("config".into(), json!({}));
        }
        Ok(State {
            base_id: rec.id.clone(),
            lowers: img::image_layers(&ctx.paths, rec)?,
            descriptors: rec
                .layers
                .iter()
                .map(|l| json!({"mediaType": l.media_type, "digest": l.blob_digest, "size": l.blob_size}))
                .collect(),
            built: HashMap::new(),
            config,
            key: crate::image::Digest::of(format!("image {}", rec.id).as_bytes()).to_string(),
        })
    }

    /// The `config` object (docker's ContainerConfig of the image).
    pub fn cfg(&mut self) -> &mut Map<String, Value> {
        if !self.config["config"].is_object() {
            self.config["config"] = json!({});
        }
        self.config["config"]
            .as_object_mut()
            .expect("config is an object")
    }

    pub fn get_str(&self, key: &str) -> Option<String> {
        self.config["config"][key].as_str().map(str::to_string)
    }

    pub fn env(&self) -> Vec<String> {
        strings(&self.config["config"]["Env"])
    }

    pub fn set_env(&mut self, k: &str, v: &str) {
        let mut env = self.env();
        let prefix = format!("{k}=");
        match env.iter_mut().find(|e| e.starts_with(&prefix) || *e == k) {
            Some(e) => *e = format!("{k}={v}"),
            None => env.push(format!("{k}={v}")),
        }
        self.cfg().insert("Env".into(), json!(env));
    }

    /// The shell of shell-form commands: the image's `Shell`, else `/bin/sh -c`.
    pub fn shell(&self) -> Vec<String> {
        let s = strings(&self.config["config"]["Shell"]);
        if s.is_empty() {
            vec!["/bin/sh".into(), "-c".into()]
        } else {
            s
        }
    }

    /// What the runtime needs from the config to run a step.
    pub fn run_config(&self) -> ImageConfig {
        let c = &self.config["config"];
        ImageConfig {
            user: c["User"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            env: self.env(),
            entrypoint: None,
            cmd: None,
            working_dir: c["WorkingDir"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            ..Default::default()
        }
    }

    /// The working dir relative paths resolve against.
    pub fn workdir(&self) -> String {
        self.get_str("WorkingDir")
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "/".into())
    }

    pub fn push_history(&mut self, created: &str, created_by: &str, empty_layer: bool) {
        let mut h =
            json!({"created": created, "created_by": created_by, "comment": HISTORY_COMMENT});
        if empty_layer {
            h["empty_layer"] = json!(true);
        }
        push(&mut self.config, "history", h);
    }

    /// A built layer on top: its dir for the next steps, its descriptor and blob for the image.
    pub fn push_layer(&mut self, layer: &BuiltLayer) {
        self.attach_layer(layer);
        let rootfs = &mut self.config["rootfs"];
        if !rootfs.is_object() {
            *rootfs = json!({"type": "layers", "diff_ids": []});
        }
        push(rootfs, "diff_ids", json!(layer.diff_id));
    }

    /// The layer's dir and blob without touching the config (a cache hit brings its config along).
    pub fn attach_layer(&mut self, layer: &BuiltLayer) {
        self.lowers.push(layer.dir.clone());
        self.descriptors.push(json!({
            "mediaType": MT_LAYER_TAR,
            "digest": layer.diff_id,
            "size": layer.size,
        }));
        self.built.insert(layer.diff_id.clone(), layer.tar.clone());
    }
}

/// A step's layer in the build cache (`<root>/buildcache/layers/<hex>`, docs/layout.md).
#[derive(Debug, Clone)]
pub struct BuiltLayer {
    /// `sha256:<hex>` of the uncompressed tar (also its blob digest: it is stored uncompressed).
    pub diff_id: String,
    pub size: u64,
    pub dir: PathBuf,
    pub tar: PathBuf,
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn push(obj: &mut Value, key: &str, v: Value) {
    if !obj[key].is_array() {
        obj[key] = json!([]);
    }
    if let Some(a) = obj[key].as_array_mut() {
        a.push(v);
    }
}

/// docker's rendering of a JSON array in history (`CMD ["sh" "-c" "x"]`: Go's `%q` of each, spaces).
pub fn go_list(items: &[String]) -> String {
    let q: Vec<String> = items
        .iter()
        .map(|s| serde_json::to_string(s).unwrap_or_default())
        .collect();
    format!("[{}]", q.join(" "))
}

/// Go's `fmt` of a `map[string]struct{}` (EXPOSE/VOLUME history): `map[80/tcp:{} 90/tcp:{}]`.
pub fn go_set(keys: &[String]) -> String {
    let mut k = keys.to_vec();
    k.sort();
    format!(
        "map[{}]",
        k.iter()
            .map(|x| format!("{x}:{{}}"))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_renders_like_go() {
        assert_eq!(
            go_list(&["/bin/sh".into(), "-c".into(), "echo \"hi\"".into()]),
            r#"["/bin/sh" "-c" "echo \"hi\""]"#
        );
        assert_eq!(
            go_set(&["90/tcp".into(), "80/tcp".into()]),
            "map[80/tcp:{} 90/tcp:{}]"
        );
    }

    #[test]
    fn env_is_replaced_in_place() {
        let mut s = State::scratch();
        s.set_env("A", "1");
        s.set_env("PATH", "/x");
        s.set_env("A", "2");
        assert_eq!(s.env(), vec!["PATH=/x", "A=2"]);
        assert_eq!(s.shell(), vec!["/bin/sh", "-c"]);
        assert_eq!(s.config["config"]["WorkingDir"], "/");
    }
}

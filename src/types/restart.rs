//! `--restart`: docker's restart policy record. Parsing and the restart decision are in `spec::restart`.

use serde::{Deserialize, Serialize};

/// docker's `HostConfig.RestartPolicy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartPolicy {
    /// "no", "always", "on-failure" or "unless-stopped".
    #[serde(default = "no")]
    pub name: String,
    /// on-failure only; 0 means no limit.
    #[serde(default)]
    pub max_retries: u32,
}

fn no() -> String {
    "no".into()
}

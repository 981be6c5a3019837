//! `login` and `logout` (docker/cli `cli/command/registry/login.go`, `logout.go`): verify a registry's
//! credentials and store them as docker does (config.json or its credential helper), or erase them.
//!
//! Takes what the cli read (the server as typed, the user and password it prompted for) and returns what
//! docker tells the user: the file that holds the password unencrypted, the server as docker names it.
//! Prompts and prints nothing; the protocol and the credential files are `registry`'s.

use crate::config::Config;
use crate::registry;
use anyhow::Result;
use std::path::PathBuf;

/// The registry `login` and `logout` mean without a server argument.
const DEFAULT_SERVER: &str = "docker.io";

/// What a successful `login` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginReport {
    /// The file the password is stored in unencrypted (config.json), when no credential helper is
    /// configured for the server: docker warns about it.
    pub plaintext_file: Option<PathBuf>,
}

/// What `logout` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutReport {
    /// The server as docker names it ([`display_server`]).
    pub server: String,
    /// False when there were no credentials to remove ("Not logged in to ...").
    pub removed: bool,
}

/// `login [server]`: verify `user`/`password` against the server (Docker Hub when `None`) and store them.
pub fn login(
    cfg: &Config,
    server: Option<&str>,
    user: &str,
    password: &str,
) -> Result<LoginReport> {
    let server = server.unwrap_or(DEFAULT_SERVER);
    registry::login(cfg, server, user, password)?;
    Ok(LoginReport {
        plaintext_file: registry::login_plaintext_file(cfg, server)?,
    })
}

/// `logout [server]`: remove the stored credentials of the server (Docker Hub when `None`).
pub fn logout(cfg: &Config, server: Option<&str>) -> Result<LogoutReport> {
    let shown = display_server(server);
    let removed = registry::logout(cfg, server.unwrap_or(DEFAULT_SERVER))?;
    Ok(LogoutReport {
        server: shown,
        removed,
    })
}

/// The server as docker prints it: Docker Hub's credential key (`registry.IndexServer`) for Docker Hub,
/// the registry host for any other.
pub fn display_server(server: Option<&str>) -> String {
    match server {
        None => registry::credentials::DOCKER_HUB_KEY.to_string(),
        Some(s) if registry::login_host(s) == "docker.io" => {
            registry::credentials::DOCKER_HUB_KEY.to_string()
        }
        Some(s) => registry::login_host(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_is_shown_by_its_credential_key_and_others_by_host() {
        let hub = "https://index.docker.io/v1/";
        assert_eq!(display_server(None), hub);
        assert_eq!(display_server(Some("index.docker.io")), hub);
        assert_eq!(
            display_server(Some("https://registry.example:5000/v2/")),
            "registry.example:5000"
        );
    }
}

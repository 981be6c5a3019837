//! `--restart no|always|on-failure[:N]|unless-stopped`: the policy type, its parsing with docker's wording
//! and the decision "restart after this exit?".
//!
//! Pure (no I/O): the monitor ([`crate::monitor::restart`]) applies it, with docker's back-off between
//! restarts. Invariant: a policy that is not
//! `no` never restarts a container that was stopped by hand (docker's `HasBeenManuallyStopped`).

pub use crate::types::RestartPolicy;
use anyhow::{Result, bail};

impl RestartPolicy {
    /// Parse docker's `--restart` value (docker/cli `opts/opts.go` ParseRestartPolicy).
    pub fn parse(s: &str) -> Result<RestartPolicy> {
        let (name, count) = match s.split_once(':') {
            Some((n, c)) => (n, Some(c)),
            None => (s, None),
        };
        let name = match name {
            "" | "no" => "no",
            "always" => "always",
            "on-failure" => "on-failure",
            "unless-stopped" => "unless-stopped",
            other => bail!(
                "invalid restart policy: unknown policy '{other}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
            ),
        };
        let max_retries = match count {
            None => 0,
            Some(_) if name != "on-failure" => bail!(
                "invalid restart policy format: maximum retry count can only be used with 'on-failure'"
            ),
            Some(c) => c.parse::<u32>().map_err(|_| {
                anyhow::anyhow!(
                    "invalid restart policy format: maximum retry count must be an integer"
                )
            })?,
        };
        Ok(RestartPolicy {
            name: name.into(),
            max_retries,
        })
    }

    /// The name docker shows (`no` for the empty default).
    pub fn name(&self) -> &str {
        if self.name.is_empty() {
            "no"
        } else {
            &self.name
        }
    }

    pub fn is_none(&self) -> bool {
        self.name() == "no"
    }

    /// Whether a payload that exited with `code` is restarted, having been restarted `restarts` times
    /// already (moby `restartmanager.ShouldRestart`; a manual stop is checked by the caller).
    pub fn should_restart(&self, code: i32, restarts: u32) -> bool {
        match self.name() {
            "always" | "unless-stopped" => true,
            "on-failure" => code != 0 && (self.max_retries == 0 || restarts < self.max_retries),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_docker_policies_and_rejects_bad_ones_in_docker_words() {
        assert_eq!(RestartPolicy::parse("always").unwrap().name(), "always");
        let p = RestartPolicy::parse("on-failure:3").unwrap();
        assert_eq!((p.name(), p.max_retries), ("on-failure", 3));
        assert!(RestartPolicy::parse("no").unwrap().is_none());
        assert!(
            RestartPolicy::parse("sometimes")
                .unwrap_err()
                .to_string()
                .starts_with("invalid restart policy: unknown policy 'sometimes'")
        );
        crate::testing::assert_err(
            RestartPolicy::parse("always:2"),
            "can only be used with 'on-failure'",
        );
        crate::testing::assert_err(
            RestartPolicy::parse("on-failure:x"),
            "maximum retry count must be an integer",
        );
        assert!(RestartPolicy::default().is_none());
    }

    #[test]
    fn on_failure_counts_retries_and_ignores_success() {
        let p = RestartPolicy::parse("on-failure:2").unwrap();
        assert!(p.should_restart(1, 0) && p.should_restart(1, 1));
        assert!(!p.should_restart(1, 2));
        assert!(!p.should_restart(0, 0));
        assert!(
            RestartPolicy::parse("always")
                .unwrap()
                .should_restart(0, 99)
        );
        assert!(!RestartPolicy::parse("no").unwrap().should_restart(1, 0));
    }
}

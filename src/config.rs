//! berth configuration file (config.toml): registries, mirrors, timeouts, limits.

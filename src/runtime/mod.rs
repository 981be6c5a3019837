//! The runtime: an OCI runtime spec plus a rootfs in, a running process out (berth's own crun).
//!
//! Owns clone/unshare/setns, the rootfs (overlay) mount, pivot_root, /proc /dev /sys, masked and read-only
//! paths, hostname, uid/gid maps, capabilities, rlimits, seccomp, cgroups (v1 and v2), the console.
//! Depends on oci_spec, nix, libc, caps, libseccomp and its own files only: no reqwest, clap, indicatif, store.
//! Callers must be single-threaded when they call [`launch`] or [`exec`] (the monitor is).
//!
//! Contract with the rest of berth (the monitor calls this):
//! - `launch(Launch) -> Launched`: new namespaces per `spec.linux.namespaces`; a namespace entry with a `path`
//!   is joined instead (pods, `--network container:`), so one pipeline serves "new" and "join".
//! - `exec(pid, process, stdio)`: a new process in the namespaces and cgroup of a running container.
//! - `destroy(...)`: kill what is left, unmount, remove the cgroup; idempotent, so cleanup after a crash works.
//! - A failure inside the container's init is reported as an error naming the step; a payload that cannot be
//!   executed is [`LaunchError::NotFound`] (docker exit 127) or [`LaunchError::NotExecutable`] (126).

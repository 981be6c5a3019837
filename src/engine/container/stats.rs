//! `top` and `stats`: the container's processes and resource usage.

use super::InvalidState;
use crate::engine::Context;
use crate::monitor;
use crate::state::Containers;
use anyhow::{Result, bail};
use std::fs;

/// Host pids of every process of a running container (from its cgroup).
pub fn pids(ctx: &Context, query: &str) -> Result<Vec<i32>> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let st = c.peek(&id)?;
    if !st.is_running() {
        bail!(InvalidState(format!("container {id} is not running")));
    }
    Ok(crate::runtime::cgroup::pids(&monitor::cgroup_name(&rec)))
}

/// Resource usage of a running container (`stats`).
pub fn stats(ctx: &Context, query: &str) -> Result<crate::runtime::cgroup::Stats> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    crate::runtime::cgroup::stats(&monitor::cgroup_name(&rec))
}

/// Bytes received and sent by a running container's interfaces (`stats` NET I/O): the sum over its network
/// namespace's interfaces but loopback, read from `/proc/<pid>/net/dev` as docker sums its sandbox's.
/// `None` when the process is gone, or shares the host's namespace (`--network host`, which docker shows
/// as 0B too).
pub fn net_io(pid: i32) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let ns = |p: &str| fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    let theirs = ns(&format!("/proc/{pid}/ns/net"))?;
    if Some(theirs) == ns("/proc/self/ns/net") {
        return None;
    }
    let text = fs::read_to_string(format!("/proc/{pid}/net/dev")).ok()?;
    Some(sum_net_dev(&text))
}

/// (received, transmitted) bytes of every interface but `lo` in the text of a /proc/net/dev.
fn sum_net_dev(text: &str) -> (u64, u64) {
    text.lines()
        .skip(2)
        .filter_map(|l| {
            let (name, counters) = l.split_once(':')?;
            if name.trim() == "lo" {
                return None;
            }
            let f: Vec<u64> = counters
                .split_whitespace()
                .map(|v| v.parse().unwrap_or(0))
                .collect();
            Some((*f.first()?, *f.get(8)?))
        })
        .fold((0, 0), |(r, t), (a, b)| (r + a, t + b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_io_sums_every_interface_but_loopback() {
        let dev = "Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0:    2048      20    0    0    0     0          0         0      512       5    0    0    0     0       0          0
  eth1:     100       1    0    0    0     0          0         0       10       1    0    0    0     0       0          0
";
        assert_eq!(sum_net_dev(dev), (2148, 522));
    }
}

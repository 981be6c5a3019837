//! `stats`: docker's resource table. Streaming (the default) samples every second and computes CPU %
//! from the CPU time used between two samples, as docker does from `precpu_stats`; on a terminal it
//! clears and redraws, otherwise it prints one block per interval (docker/cli `container/stats.go`).
//! `--no-stream` prints one block over a short first interval. Runs until interrupted (a closed pipe ends
//! it quietly, as every command's output). Reads counters only through the engine (engine::container).

use super::{StatsArgs, ctr, format, human, stdout};
use crate::engine::container::ContainerState;
use anyhow::Result;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// docker refreshes its table once a second.
const INTERVAL: Duration = Duration::from_secs(1);
/// The first frame needs two samples: this far apart.
const FIRST_INTERVAL: Duration = Duration::from_millis(500);

/// The containers to show: the ones named (even stopped, as docker does), else every running one (or
/// every one with `-a`), looked up again each frame so new containers appear and removed ones go.
fn targets(p: &crate::engine::Context, a: &StatsArgs) -> Result<Vec<Target>> {
    let mut t: Vec<Target> = if a.containers.is_empty() {
        ctr::list(p)?
            .into_iter()
            .filter(|s| a.all || s.state.is_running())
            .map(|s| Target {
                id: s.record.id,
                name: s.record.name,
                state: s.state,
            })
            .collect()
    } else {
        a.containers
            .iter()
            .map(|c| {
                ctr::get(p, c).map(|s| Target {
                    id: s.record.id,
                    name: s.record.name,
                    state: s.state,
                })
            })
            .collect::<Result<_>>()?
    };
    t.sort_by(|x, y| x.name.cmp(&y.name));
    Ok(t)
}

/// What a row needs of a container.
struct Target {
    id: String,
    name: String,
    state: ContainerState,
}

/// One sample of a container's cgroup: when, and the counters.
type Sample = (Instant, crate::engine::container::Stats);

fn sample(p: &crate::engine::Context, s: &Target) -> Option<Sample> {
    if !s.state.is_running() {
        return None;
    }
    ctr::stats(p, &s.id).ok().map(|st| (Instant::now(), st))
}

fn host_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// A row of docker's table from two samples of one container (the earlier one for CPU %).
fn row(s: &Target, before: Option<&Sample>, now: Option<&Sample>, a: &StatsArgs) -> Value {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1) as f64;
    let host_mem = host_memory();
    let (cpu, mem, limit, pids) = match now {
        Some((t1, n)) => {
            let cpu = match before {
                Some((t0, b)) if t1 > t0 => {
                    let dt = t1.duration_since(*t0).as_nanos() as f64;
                    n.cpu_usage_ns.saturating_sub(b.cpu_usage_ns) as f64 / dt * 100.0
                }
                _ => 0.0,
            };
            let limit = n
                .memory_limit
                .filter(|l| *l < host_mem || host_mem == 0)
                .unwrap_or(host_mem);
            (cpu.min(100.0 * cpus), n.memory_usage, limit, n.pids)
        }
        None => (0.0, 0, 0, 0),
    };
    let pct = if limit > 0 {
        mem as f64 / limit as f64 * 100.0
    } else {
        0.0
    };
    let id = if a.no_trunc {
        s.id.clone()
    } else {
        s.id[..12].to_string()
    };
    // docker's units: decimal, three significant digits ("1.2kB / 648B").
    let (rx, tx) = now.and_then(|_| ctr::net_io(s.state.pid)).unwrap_or((0, 0));
    let net = format!("{} / {}", human::human_size(rx), human::human_size(tx));
    json!({
        "BlockIO": "0B / 0B",
        "CPUPerc": format!("{cpu:.2}%"),
        "Container": id,
        "ID": id,
        "MemPerc": format!("{pct:.2}%"),
        "MemUsage": format!("{} / {}", human::bytes_size(mem), human::bytes_size(limit)),
        "Name": s.name,
        "NetIO": net,
        "PIDs": pids.to_string(),
    })
}

fn render(out: &mut dyn Write, a: &StatsArgs, rows: &[Value]) -> Result<()> {
    format::render_list(
        out,
        a.format.as_deref(),
        "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}",
        rows,
        &[
            ("ID", "CONTAINER ID"),
            ("CPUPerc", "CPU %"),
            ("MemUsage", "MEM USAGE / LIMIT"),
            ("MemPerc", "MEM %"),
            ("NetIO", "NET I/O"),
            ("BlockIO", "BLOCK I/O"),
            ("PIDs", "PIDS"),
        ],
    )
}

pub fn stats(p: &crate::engine::Context, a: &StatsArgs) -> Result<i32> {
    let tty = std::io::stdout().is_terminal();
    // The previous sample of each container, by id: CPU % is the delta to it.
    let mut prev: HashMap<String, Sample> = HashMap::new();
    for s in targets(p, a)? {
        if let Some(x) = sample(p, &s) {
            prev.insert(s.id.clone(), x);
        }
    }
    std::thread::sleep(FIRST_INTERVAL);
    loop {
        let frame_start = Instant::now();
        let shown = targets(p, a)?;
        let mut next = HashMap::new();
        let rows: Vec<Value> = shown
            .iter()
            .map(|s| {
                let now = sample(p, s);
                let r = row(s, prev.get(&s.id), now.as_ref(), a);
                if let Some(x) = now {
                    next.insert(s.id.clone(), x);
                }
                r
            })
            .collect();
        prev = next;
        let mut block = Vec::new();
        render(&mut block, a, &rows)?;
        let mut out = stdout();
        if tty && !a.no_stream {
            // Clear the screen and home the cursor, then redraw (docker on a terminal).
            out.write_all(b"\x1b[2J\x1b[H")?;
        }
        out.write_all(&block)?;
        out.flush()?;
        drop(out);
        if a.no_stream {
            return Ok(0);
        }
        std::thread::sleep(INTERVAL.saturating_sub(frame_start.elapsed()));
    }
}

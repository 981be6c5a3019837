//! `logs`: the json-file log, filtered, optionally followed.

use crate::engine::Context;
use crate::monitor;
use crate::state::Containers;
use anyhow::{Context as _, Result};
use std::fs;
use std::io::Read;
use std::time::{Duration, SystemTime};

/// Log reading options (`logs`).
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    pub follow: bool,
    pub tail: Option<usize>,
    pub since: Option<SystemTime>,
    pub until: Option<SystemTime>,
}

/// Read the json-file log, calling `sink(entry)` for each entry in order; with `follow`, keep reading
/// until the container stops.
pub fn logs(
    ctx: &Context,
    query: &str,
    o: &LogOptions,
    sink: &mut dyn FnMut(&monitor::log::LogEntry) -> Result<()>,
) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let path = c.log_path(&id);
    let keep = |e: &monitor::log::LogEntry| {
        let t = crate::time::parse_recorded(&e.time);
        o.since.is_none_or(|s| t.is_some_and(|t| t >= s))
            && o.until.is_none_or(|u| t.is_some_and(|t| t <= u))
    };
    let mut pos = 0u64;
    let mut pending = Vec::new();
    let read_new = |pos: &mut u64, pending: &mut Vec<u8>| -> Result<Vec<monitor::log::LogEntry>> {
        use std::io::{Seek, SeekFrom};
        let mut f = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
        };
        f.seek(SeekFrom::Start(*pos)).context("seeking log")?;
        let n = f.read_to_end(pending).context("reading log")?;
        *pos += n as u64;
        let mut out = Vec::new();
        while let Some(i) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=i).collect();
            if let Ok(e) = serde_json::from_slice::<monitor::log::LogEntry>(&line) {
                out.push(e);
            }
        }
        Ok(out)
    };
    let mut first: Vec<_> = read_new(&mut pos, &mut pending)?
        .into_iter()
        .filter(|e| keep(e))
        .collect();
    if let Some(t) = o.tail {
        let skip = first.len().saturating_sub(t);
        first.drain(..skip);
    }
    for e in &first {
        sink(e)?;
    }
    if !o.follow {
        return Ok(());
    }
    loop {
        let running = c.peek(&id).map(|s| s.is_running()).unwrap_or(false) || c.monitor_alive(&id);
        for e in read_new(&mut pos, &mut pending)? {
            if keep(&e) {
                sink(&e)?;
            }
        }
        if !running {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

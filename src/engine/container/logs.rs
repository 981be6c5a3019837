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
    if c.load_record(&id)?.config.log.driver() == "none" {
        anyhow::bail!("configured logging driver does not support reading");
    }
    // Rotated files first, oldest (highest number) first (monitor::log).
    let mut first = Vec::new();
    let mut pending = Vec::new();
    let rotated: Vec<_> = (1..)
        .map(|n| monitor::log::rotated_path(&path, n))
        .take_while(|p| p.exists())
        .collect();
    for p in rotated.iter().rev() {
        if let Ok(mut f) = fs::File::open(p) {
            let mut pos = 0;
            first.extend(read_new(&mut f, &mut pos, &mut pending)?);
            pending.clear();
        }
    }
    // The live file, followed across rotations: when the path names another file, the old one is
    // read to its end and the new one from its start.
    let open = || match fs::File::open(&path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("opening {}", path.display())),
    };
    let mut cur = open()?;
    let mut pos = 0u64;
    if let Some(f) = cur.as_mut() {
        first.extend(read_new(f, &mut pos, &mut pending)?);
    }
    let mut first: Vec<_> = first.into_iter().filter(|e| keep(e)).collect();
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
        let mut new = Vec::new();
        if let Some(f) = cur.as_mut() {
            new.extend(read_new(f, &mut pos, &mut pending)?);
        }
        if let Some(next) = open()?
            && cur.as_ref().is_none_or(|f| !same_file(f, &next))
        {
            let mut next = next;
            pending.clear();
            pos = 0;
            new.extend(read_new(&mut next, &mut pos, &mut pending)?);
            cur = Some(next);
        }
        for e in new {
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

/// The entries of `f` from `pos` on (whole lines; a partial last line waits in `pending`).
fn read_new(
    f: &mut fs::File,
    pos: &mut u64,
    pending: &mut Vec<u8>,
) -> Result<Vec<monitor::log::LogEntry>> {
    use std::io::{Seek, SeekFrom};
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
}

fn same_file(a: &fs::File, b: &fs::File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (a.metadata(), b.metadata()) {
        (Ok(x), Ok(y)) => x.ino() == y.ino() && x.dev() == y.dev(),
        _ => false,
    }
}

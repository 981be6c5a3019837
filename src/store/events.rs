//! The events log (`berth events` without a daemon, docs/layout.md "Events"): every berth process, and
//! each container's monitor, appends one JSON line per event to `<run-root>/events/events.log`; readers
//! read `events.log.1` (the previous generation) and then `events.log`, and follow the latter.
//!
//! Invariants: an append is one `open(O_APPEND)` + one `write(2)` + `close` of a line shorter than
//! `PIPE_BUF` (so concurrent appends never interleave), no fsync (the run root is volatile); the log is
//! bounded: a writer that finds it above [`ROTATE_BYTES`] renames it to `events.log.1` under
//! `events/lock` (exclusive), so at most two generations exist. An event is a record of something that
//! already happened: a failed append never fails the user's command ([`emit`] drops the error).

use super::Paths;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Above this size the next writer rotates `events.log` to `events.log.1` (so the log holds at most
/// about twice this).
pub const ROTATE_BYTES: u64 = 1 << 20;

/// The longest line written: below `PIPE_BUF`, so one `write(2)` with `O_APPEND` is one unbroken line
/// even when several processes append at once.
pub const MAX_LINE: usize = 4095;

/// One event, as docker's events API describes it (Type, Action, Actor.ID, Actor.Attributes, timeNano).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// docker's Type: `container`, `image`, `network`, `volume`, `pod`.
    #[serde(rename = "type")]
    pub kind: String,
    /// docker's Action: `create`, `start`, `die`, `health_status: healthy`, ...
    pub action: String,
    /// Actor.ID: the container/image/network id, the volume's name, the image's reference for pulls.
    pub id: String,
    /// Actor.Attributes: `name`, `image`, the container's labels, `exitCode`, `signal`, ...
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Nanoseconds since the Unix epoch.
    pub time_nano: i64,
}

impl Event {
    /// An event of `kind` (`container`, `image`, ...) and `action` about `id`, stamped now.
    pub fn new(kind: &str, action: &str, id: &str) -> Event {
        Event {
            kind: kind.to_string(),
            action: action.to_string(),
            id: id.to_string(),
            attributes: BTreeMap::new(),
            time_nano: now_nano(),
        }
    }

    /// A container event with docker's actor attributes: the container's labels (the image's, then its
    /// own over them), then `image` and `name` over any label of those names.
    pub fn container<'a>(
        action: &str,
        id: &str,
        name: &str,
        image: &str,
        labels: impl IntoIterator<Item = &'a BTreeMap<String, String>>,
    ) -> Event {
        let mut ev = Event::new("container", action, id)
            .attr("name", name)
            .attr("image", image);
        let mut merged = BTreeMap::new();
        for l in labels {
            merged.extend(l.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        ev = ev.attrs(&merged);
        ev
    }

    /// Add one attribute (builder style).
    pub fn attr(mut self, key: &str, value: impl Into<String>) -> Event {
        self.attributes.insert(key.to_string(), value.into());
        self
    }

    /// Add several attributes (a container's labels, say); earlier keys win over these.
    pub fn attrs<'a>(mut self, kv: impl IntoIterator<Item = (&'a String, &'a String)>) -> Event {
        for (k, v) in kv {
            self.attributes
                .entry(k.clone())
                .or_insert_with(|| v.clone());
        }
        self
    }

    /// The JSON line (with its newline), shortened below [`MAX_LINE`] when attributes are huge: first
    /// long values are cut, then attributes other than the ones docker's tools match on are dropped.
    fn line(&self) -> Result<Vec<u8>> {
        let mut line = serde_json::to_vec(self).context("encoding an event")?;
        if line.len() >= MAX_LINE {
            let mut ev = self.clone();
            for v in ev.attributes.values_mut() {
                if v.len() > 256 {
                    let mut end = 256;
                    while !v.is_char_boundary(end) {
                        end -= 1;
                    }
                    v.truncate(end);
                }
            }
            const KEEP: &[&str] = &["name", "image", "exitCode", "signal", "container", "type"];
            let extra: Vec<String> = ev
                .attributes
                .keys()
                .filter(|k| !KEEP.contains(&k.as_str()))
                .cloned()
                .collect();
            let mut extra = extra.into_iter();
            line = serde_json::to_vec(&ev).context("encoding an event")?;
            while line.len() >= MAX_LINE {
                let Some(k) = extra.next() else { break };
                ev.attributes.remove(&k);
                line = serde_json::to_vec(&ev).context("encoding an event")?;
            }
        }
        line.push(b'\n');
        Ok(line)
    }
}

/// Nanoseconds since the Unix epoch, now.
pub fn now_nano() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Append `ev` to the events log (see the module's invariants). Creates `<run-root>/events/` on first use.
pub fn append(paths: &Paths, ev: &Event) -> Result<()> {
    let line = ev.line()?;
    let log = paths.events_log();
    let mut file = open_append(paths, &log)?;
    let md = file
        .metadata()
        .with_context(|| format!("reading {}", log.display()))?;
    if md.len() >= ROTATE_BYTES {
        rotate(paths, md.ino())?;
        file = open_append(paths, &log)?;
    }
    file.write_all(&line)
        .with_context(|| format!("appending to {}", log.display()))
}

/// [`append`] for emission points: an event records what already happened, so its failure (a full or
/// read-only run root) must not fail the command that did it.
pub fn emit(paths: &Paths, ev: Event) {
    let _ = append(paths, &ev);
}

fn open_append(paths: &Paths, log: &Path) -> Result<File> {
    let open = || {
        OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(log)
    };
    match open() {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            super::create_private_dir(&paths.events_dir())?;
            open()
        }
        r => r,
    }
    .with_context(|| format!("opening {}", log.display()))
}

/// Rename `events.log` (still the inode `ino` the caller saw above the limit) to `events.log.1`, under
/// the events lock so two writers never rotate twice (which would drop a whole generation).
fn rotate(paths: &Paths, ino: u64) -> Result<()> {
    let _lock = super::FileLock::exclusive(&paths.events_lock())?;
    let log = paths.events_log();
    match fs::metadata(&log) {
        Ok(md) if md.ino() == ino && md.len() >= ROTATE_BYTES => {
            fs::rename(&log, paths.events_log_old())
                .with_context(|| format!("rotating {}", log.display()))
        }
        // Someone else rotated it first.
        _ => Ok(()),
    }
}

/// Every event recorded at or after `since_nano` (oldest first; both generations). Lines that do not
/// parse (a torn write after a crash) are skipped.
pub fn read_since(paths: &Paths, since_nano: i64) -> Result<Vec<Event>> {
    let mut r = Reader::open(paths, true)?;
    Ok(r.poll()?
        .into_iter()
        .filter(|e| e.time_nano >= since_nano)
        .collect())
}

/// A follower of the log: [`Reader::poll`] returns the events appended since the last call, across
/// rotations (the rest of the rotated file is read before the new one is opened).
pub struct Reader {
    log: std::path::PathBuf,
    file: Option<File>,
    ino: u64,
    pending: Vec<u8>,
    /// Complete events read by `open` from the previous generation, returned by the first poll.
    backlog: Vec<Event>,
}

impl Reader {
    /// Open the log. With `from_start`, the first poll returns every recorded event (the previous
    /// generation first); without, only events appended after this call.
    pub fn open(paths: &Paths, from_start: bool) -> Result<Reader> {
        let log = paths.events_log();
        let mut r = Reader {
            log: log.clone(),
            file: None,
            ino: 0,
            pending: Vec::new(),
            backlog: Vec::new(),
        };
        // Open the current file first, then read the old generation unless it is the very file we hold
        // (a rotation in between), so nothing is read twice or skipped.
        r.reopen()?;
        if from_start {
            let old = paths.events_log_old();
            let same = match fs::metadata(&old) {
                Ok(md) => r.file.is_some() && md.ino() == r.ino,
                Err(_) => true,
            };
            if !same && let Ok(data) = fs::read(&old) {
                r.backlog = parse_lines(&data);
            }
        } else if let Some(f) = r.file.as_mut() {
            f.seek(SeekFrom::End(0))
                .with_context(|| format!("reading {}", log.display()))?;
        }
        Ok(r)
    }

    fn reopen(&mut self) -> Result<()> {
        match File::open(&self.log) {
            Ok(f) => {
                self.ino = f
                    .metadata()
                    .with_context(|| format!("reading {}", self.log.display()))?
                    .ino();
                self.file = Some(f);
            }
            Err(e) if e.kind() == ErrorKind::NotFound => self.file = None,
            Err(e) => return Err(e).with_context(|| format!("opening {}", self.log.display())),
        }
        self.pending.clear();
        Ok(())
    }

    /// The events appended since the last poll (oldest first).
    pub fn poll(&mut self) -> Result<Vec<Event>> {
        let mut out = std::mem::take(&mut self.backlog);
        self.drain(&mut out)?;
        // Rotated (or created) since we opened it: finish the old file, then start on the new one.
        let current = fs::metadata(&self.log).ok().map(|m| m.ino());
        if current.is_some() && (self.file.is_none() || current != Some(self.ino)) {
            self.reopen()?;
            self.drain(&mut out)?;
        }
        Ok(out)
    }

    fn drain(&mut self, out: &mut Vec<Event>) -> Result<()> {
        let Some(f) = self.file.as_mut() else {
            return Ok(());
        };
        f.read_to_end(&mut self.pending)
            .with_context(|| format!("reading {}", self.log.display()))?;
        if let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') {
            let rest = self.pending.split_off(end + 1);
            out.extend(parse_lines(&self.pending));
            self.pending = rest;
        }
        Ok(())
    }
}

fn parse_lines(data: &[u8]) -> Vec<Event> {
    data.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> (tempfile::TempDir, Paths) {
        let d = tempfile::tempdir().unwrap();
        let p = Paths {
            root: d.path().join("root"),
            run_root: d.path().join("run"),
            rootless: false,
        };
        (d, p)
    }

    #[test]
    fn appended_events_read_back_in_order_with_attributes() {
        let (_d, p) = paths();
        let a = Event::new("container", "create", "abc").attr("name", "web");
        let b = Event::new("container", "start", "abc").attr("image", "busybox");
        append(&p, &a).unwrap();
        append(&p, &b).unwrap();
        let got = read_since(&p, 0).unwrap();
        assert_eq!(got, vec![a.clone(), b.clone()]);
        assert_eq!(read_since(&p, b.time_nano).unwrap(), vec![b]);
    }

    #[test]
    fn huge_attributes_are_cut_below_pipe_buf() {
        let ev = Event::new("container", "create", "abc")
            .attr("name", "web")
            .attr("big", "x".repeat(10_000))
            .attrs(
                &(0..200)
                    .map(|i| (format!("label{i}"), "y".repeat(100)))
                    .collect::<BTreeMap<_, _>>(),
            );
        let line = ev.line().unwrap();
        assert!(line.len() <= MAX_LINE + 1, "{}", line.len());
        let back: Event = serde_json::from_slice(&line[..line.len() - 1]).unwrap();
        assert_eq!(back.attributes["name"], "web");
    }

    #[test]
    fn rotation_keeps_two_generations_and_a_follower_sees_across_it() {
        let (_d, p) = paths();
        let mut follower = Reader::open(&p, false).unwrap();
        let big = "z".repeat(3000);
        let n = 3 * (ROTATE_BYTES as usize / 3000) + 10;
        let mut seen = 0;
        for i in 0..n {
            append(
                &p,
                &Event::new("volume", "create", &i.to_string()).attr("pad", big.as_str()),
            )
            .unwrap();
            if i % 50 == 0 {
                seen += follower.poll().unwrap().len();
            }
        }
        seen += follower.poll().unwrap().len();
        assert_eq!(seen, n, "the follower saw every event across rotations");
        let total = fs::metadata(p.events_log()).unwrap().len()
            + fs::metadata(p.events_log_old()).unwrap().len();
        assert!(total <= 2 * ROTATE_BYTES + 8192, "log bounded: {total}");
        let all = read_since(&p, 0).unwrap();
        let ids: Vec<usize> = all.iter().map(|e| e.id.parse().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "in order");
        assert_eq!(*ids.last().unwrap(), n - 1);
    }
}

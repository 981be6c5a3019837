//! docker's json-file log driver: one JSON object per line,
//! `{"log":"hello\n","stream":"stdout","time":"2026-11-25T19:32:35.123456789Z"}`.
//! A line is written when its newline arrives; a partial line is written when it reaches 16 KiB or the
//! stream ends (docker splits long lines the same way).
//!
//! `--log-opt max-size/max-file` rotate the file as docker's json-file driver does: before an entry is
//! written to a file that has reached max-size, `<id>-json.log` becomes `<id>-json.log.1` (older ones
//! shift up, the one past max-file - 1 is removed), or, with max-file 1, the file is truncated.
//! `--log-driver none` writes nothing. Without rotation the only cost is an integer compare per entry.

use crate::time::rfc3339_nano;
use crate::types::LogSettings;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const MAX_PARTIAL: usize = 16 * 1024;

/// One entry of the log file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LogEntry {
    pub log: String,
    pub stream: String,
    pub time: String,
}

pub struct JsonLog {
    /// None for `--log-driver none`.
    file: Option<File>,
    partial: [Vec<u8>; 2],
    rotation: Option<Rotation>,
}

/// `max-size`/`max-file` of a rotated log.
struct Rotation {
    path: PathBuf,
    max_size: u64,
    max_file: u32,
    size: u64,
}

fn open_log(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o640)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .with_context(|| format!("opening log {}", path.display()))
}

/// `<id>-json.log.<n>`: the n-th rotated file (1 is the newest).
pub fn rotated_path(path: &Path, n: u32) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

impl JsonLog {
    pub fn open(path: &Path) -> Result<JsonLog> {
        Ok(JsonLog {
            file: Some(open_log(path)?),
            partial: [Vec::new(), Vec::new()],
            rotation: None,
        })
    }

    /// The log as the container's `--log-driver`/`--log-opt` say (docs/layout.md).
    pub fn open_with(path: &Path, settings: &LogSettings) -> Result<JsonLog> {
        if settings.driver() == "none" {
            return Ok(JsonLog {
                file: None,
                partial: [Vec::new(), Vec::new()],
                rotation: None,
            });
        }
        let mut log = JsonLog::open(path)?;
        if let Some(max_size) = settings.max_size {
            let size = log
                .file
                .as_ref()
                .and_then(|f| f.metadata().ok())
                .map_or(0, |m| m.len());
            log.rotation = Some(Rotation {
                path: path.to_path_buf(),
                max_size,
                max_file: settings.max_file.max(1),
                size,
            });
        }
        Ok(log)
    }

    /// Add bytes read from the container's stdout (`stderr == false`) or stderr.
    pub fn write(&mut self, stderr: bool, data: &[u8]) -> Result<()> {
        let i = stderr as usize;
        self.partial[i].extend_from_slice(data);
        while let Some(pos) = self.partial[i].iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial[i].drain(..=pos).collect();
            self.emit(stderr, &line)?;
        }
        if self.partial[i].len() >= MAX_PARTIAL {
            let line = std::mem::take(&mut self.partial[i]);
            self.emit(stderr, &line)?;
        }
        Ok(())
    }

    /// Write out what is left of unterminated lines (the stream ended).
    pub fn flush(&mut self) -> Result<()> {
        for stderr in [false, true] {
            let line = std::mem::take(&mut self.partial[stderr as usize]);
            if !line.is_empty() {
                self.emit(stderr, &line)?;
            }
        }
        Ok(())
    }

    fn emit(&mut self, stderr: bool, line: &[u8]) -> Result<()> {
        if self.file.is_none() && self.rotation.is_none() {
            return Ok(());
        }
        let e = LogEntry {
            log: String::from_utf8_lossy(line).into_owned(),
            stream: if stderr { "stderr" } else { "stdout" }.into(),
            time: rfc3339_nano(SystemTime::now()),
        };
        let mut s = serde_json::to_vec(&e).context("encoding log entry")?;
        s.push(b'\n');
        if let Some(r) = &mut self.rotation {
            if r.size >= r.max_size {
                self.file = None;
                r.rotate()?;
                self.file = Some(open_log(&r.path)?);
            }
            r.size += s.len() as u64;
        }
        match &mut self.file {
            Some(f) => f.write_all(&s).context("writing container log"),
            None => Ok(()),
        }
    }
}

impl Rotation {
    /// Shift the rotated files up one (dropping the oldest) and move the log to `.1`; with max-file 1,
    /// empty the log instead (docker's json-file keeps max-file files in all).
    fn rotate(&mut self) -> Result<()> {
        self.size = 0;
        if self.max_file <= 1 {
            return File::create(&self.path)
                .map(drop)
                .with_context(|| format!("truncating log {}", self.path.display()));
        }
        let last = rotated_path(&self.path, self.max_file - 1);
        match std::fs::remove_file(&last) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", last.display()));
            }
            _ => {}
        }
        for n in (1..self.max_file - 1).rev() {
            let from = rotated_path(&self.path, n);
            if from.exists() {
                std::fs::rename(&from, rotated_path(&self.path, n + 1))
                    .with_context(|| format!("rotating {}", from.display()))?;
            }
        }
        std::fs::rename(&self.path, rotated_path(&self.path, 1))
            .with_context(|| format!("rotating {}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_one_entry_each_and_partials_are_flushed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x-json.log");
        let mut l = JsonLog::open(&p).unwrap();
        l.write(false, b"hel").unwrap();
        l.write(false, b"lo\nwor").unwrap();
        l.write(true, b"oops\n").unwrap();
        l.flush().unwrap();
        let entries: Vec<LogEntry> = std::fs::read_to_string(&p)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let got: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.log.as_str(), e.stream.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("hello\n", "stdout"),
                ("oops\n", "stderr"),
                ("wor", "stdout")
            ]
        );
        assert!(entries[0].time.ends_with('Z'));
    }
}

#[cfg(test)]
mod rotation_tests {
    use super::*;

    fn lines(p: &Path) -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str::<LogEntry>(l).unwrap().log)
            .collect()
    }

    #[test]
    fn a_full_log_moves_to_dot_one_and_the_oldest_goes() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x-json.log");
        let settings = LogSettings {
            driver: "json-file".into(),
            max_size: Some(1),
            max_file: 3,
            ..Default::default()
        };
        let mut l = JsonLog::open_with(&p, &settings).unwrap();
        for i in 0..5 {
            l.write(false, format!("{i}\n").as_bytes()).unwrap();
        }
        // One entry a file (each reaches max-size), three files: the last three entries are kept.
        assert_eq!(lines(&p), vec!["4\n"]);
        assert_eq!(lines(&rotated_path(&p, 1)), vec!["3\n"]);
        assert_eq!(lines(&rotated_path(&p, 2)), vec!["2\n"]);
        assert!(!rotated_path(&p, 3).exists());
    }

    #[test]
    fn one_file_is_truncated_and_none_writes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x-json.log");
        let one = LogSettings {
            max_size: Some(1),
            max_file: 1,
            ..Default::default()
        };
        let mut l = JsonLog::open_with(&p, &one).unwrap();
        l.write(true, b"a\nb\n").unwrap();
        assert_eq!(lines(&p), vec!["b\n"]);
        assert!(!rotated_path(&p, 1).exists());
        let q = d.path().join("y-json.log");
        let none = LogSettings {
            driver: "none".into(),
            ..Default::default()
        };
        let mut l = JsonLog::open_with(&q, &none).unwrap();
        l.write(false, b"x\n").unwrap();
        l.flush().unwrap();
        assert!(!q.exists());
    }
}

//! docker's json-file log driver: one JSON object per line,
//! `{"log":"hello\n","stream":"stdout","time":"2026-11-25T19:32:35.123456789Z"}`.
//! A line is written when its newline arrives; a partial line is written when it reaches 16 KiB or the
//! stream ends (docker splits long lines the same way).

use crate::time::rfc3339_nano;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
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
    file: File,
    partial: [Vec<u8>; 2],
}

impl JsonLog {
    pub fn open(path: &Path) -> Result<JsonLog> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o640)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .with_context(|| format!("opening log {}", path.display()))?;
        Ok(JsonLog {
            file,
            partial: [Vec::new(), Vec::new()],
        })
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
        let e = LogEntry {
            log: String::from_utf8_lossy(line).into_owned(),
            stream: if stderr { "stderr" } else { "stdout" }.into(),
            time: rfc3339_nano(SystemTime::now()),
        };
        let mut s = serde_json::to_vec(&e).context("encoding log entry")?;
        s.push(b'\n');
        self.file.write_all(&s).context("writing container log")
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

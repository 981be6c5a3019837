//! `logs`: the container's log entries as docker prints them.

use crate::cli::human;
use crate::engine::container::{self as ctr, LogOptions};
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::time::SystemTime;

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Follow log output
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Number of lines to show from the end of the logs
    #[arg(short = 'n', long, default_value = "all")]
    pub tail: String,
    /// Show timestamps
    #[arg(short = 't', long)]
    pub timestamps: bool,
    /// Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)
    #[arg(long)]
    pub since: Option<String>,
    /// Show logs before a timestamp or relative
    #[arg(long)]
    pub until: Option<String>,
    pub container: String,
}

fn parse_time(s: &Option<String>) -> Result<Option<SystemTime>> {
    s.as_deref()
        .map(|v| human::parse_timestamp(v, SystemTime::now()))
        .transpose()
}

pub(super) fn logs_cmd(p: &crate::engine::Context, a: &LogsArgs) -> Result<i32> {
    let tail = match a.tail.as_str() {
        "all" | "" => None,
        n => Some(
            n.parse::<i64>()
                .map(|v| if v < 0 { usize::MAX } else { v as usize })
                .unwrap_or(usize::MAX),
        ),
    };
    let tail = tail.filter(|t| *t != usize::MAX);
    let o = LogOptions {
        follow: a.follow,
        tail,
        since: parse_time(&a.since)?,
        until: parse_time(&a.until)?,
    };
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    ctr::logs(p, &a.container, &o, &mut |e| {
        let w: &mut dyn Write = if e.stream == "stderr" {
            &mut err
        } else {
            &mut out
        };
        if a.timestamps {
            write!(w, "{} ", e.time)?;
        }
        w.write_all(e.log.as_bytes())?;
        w.flush()?;
        Ok(())
    })?;
    Ok(0)
}

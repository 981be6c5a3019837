//! `events` (and `system events`): past events from `--since`, then new ones until `--until` or
//! Ctrl-C, in docker's text form or `--format` (docker/cli `cli/command/system/events.go`).

use super::{format, human, stdout};
use crate::engine::Context;
use crate::engine::events::{self as eng, Event, EventFilter, EventsQuery};
use anyhow::{Context as _, Result};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    /// Show all events created since timestamp
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Stream events until this timestamp
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Filter output based on conditions provided
    #[arg(short, long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Format output using a custom template: 'json' or a Go template
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

fn nanos(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

pub fn run(ctx: &Context, a: &EventsArgs) -> Result<i32> {
    let now = SystemTime::now();
    let since = a
        .since
        .as_deref()
        .map(|s| human::parse_timestamp(s, now).map(nanos))
        .transpose()?;
    let until = a
        .until
        .as_deref()
        .map(|s| human::parse_timestamp(s, now).map(nanos))
        .transpose()?;
    let mut pairs = Vec::new();
    for f in &a.filter {
        let (k, v) = f
            .split_once('=')
            .context("bad format of filter (expected name=value)")?;
        pairs.push((k.to_string(), v.to_string()));
    }
    let q = EventsQuery {
        since,
        until,
        filter: EventFilter::new(&pairs)?,
    };
    // Ctrl-C ends the process (as it ends docker's client): nothing is left to clean up.
    let stop = AtomicBool::new(false);
    eng::stream(ctx, &q, &stop, |ev| {
        let mut out = stdout();
        match a.format.as_deref() {
            Some(f) if !f.is_empty() => {
                format::render_list(&mut out, Some(f), "", &[message(ev)], &[])?
            }
            _ => writeln!(out, "{}", text(ev))?,
        }
        out.flush()?;
        Ok(true)
    })?;
    Ok(0)
}

/// docker's `events.Message` as JSON: the deprecated `status`, `id`, `from` for container and image
/// events, then Type, Action, Actor, scope, time, timeNano.
pub fn message(ev: &Event) -> Value {
    let mut m = serde_json::Map::new();
    if ev.kind == "container" || ev.kind == "image" {
        m.insert("status".into(), json!(ev.action));
        m.insert("id".into(), json!(ev.id));
        if let Some(from) = ev
            .attributes
            .get("image")
            .filter(|_| ev.kind == "container")
        {
            m.insert("from".into(), json!(from));
        }
    }
    m.insert("Type".into(), json!(ev.kind));
    m.insert("Action".into(), json!(ev.action));
    m.insert(
        "Actor".into(),
        json!({"ID": ev.id, "Attributes": ev.attributes}),
    );
    m.insert("scope".into(), json!("local"));
    m.insert("time".into(), json!(ev.time_nano.div_euclid(1_000_000_000)));
    m.insert("timeNano".into(), json!(ev.time_nano));
    Value::Object(m)
}

/// docker's text line: `<RFC3339 with 9 digits, local> <type> <action> <id> (k=v, ...)`, attributes
/// sorted by key.
pub fn text(ev: &Event) -> String {
    let t = UNIX_EPOCH
        + std::time::Duration::new(
            ev.time_nano.div_euclid(1_000_000_000).max(0) as u64,
            ev.time_nano.rem_euclid(1_000_000_000) as u32,
        );
    let base = human::format_rfc3339_local(t);
    let mut s = format!(
        "{}.{:09}{} {} {} {}",
        &base[..19],
        ev.time_nano.rem_euclid(1_000_000_000),
        &base[19..],
        ev.kind,
        ev.action,
        ev.id
    );
    if !ev.attributes.is_empty() {
        let attrs: Vec<String> = ev
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        s.push_str(&format!(" ({})", attrs.join(", ")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_docker_fields_in_order() {
        let mut ev = Event::new("container", "start", "abc")
            .attr("image", "busybox")
            .attr("name", "web");
        ev.time_nano = 1_700_000_000_123_456_789;
        let v = message(&ev);
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"status":"start","id":"abc","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"image":"busybox","name":"web"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}"#
        );
        let line = text(&ev);
        assert!(
            line.ends_with(".123456789Z container start abc (image=busybox, name=web)")
                || line.contains(".123456789+")
                || line.contains(".123456789-"),
            "{line}"
        );
    }
}

//! `events`: reading, filtering and following the events log (store::events, docs/layout.md "Events"),
//! and the builders the engine's verbs use to record theirs.
//!
//! Must not print (cli renders each event). Invariant: an event is recorded after the action it names
//! succeeded, and recording it never fails the verb ([`crate::store::events::emit`]).

use super::Context;
use crate::state::ContainerRecord;
use crate::store::Paths;
pub use crate::store::events::Event;
use crate::store::events::{self, Reader};
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A container event with docker's attributes (the image's labels, the container's, `image`, `name`).
pub(crate) fn container_event(rec: &ContainerRecord, action: &str) -> Event {
    Event::container(
        action,
        &rec.id,
        &rec.name,
        &rec.image,
        [&rec.image_config.labels, &rec.config.labels],
    )
}

/// Record a container event (see [`container_event`]).
pub(crate) fn emit_container(paths: &Paths, rec: &ContainerRecord, action: &str) {
    events::emit(paths, container_event(rec, action));
}

/// Record an image event as docker does: `id` is the image ID (the reference for `pull` and `push`),
/// `name` the reference it concerns. `save`, `load`, `push`, `import`, `tag`, `untag`, `delete`, `pull`.
pub fn emit_image(paths: &Paths, action: &str, id: &str, name: &str) {
    events::emit(paths, Event::new("image", action, id).attr("name", name));
}

/// Record a pod event as podman does: the pod's id as the actor, its `name`.
pub(crate) fn emit_pod(paths: &Paths, action: &str, id: &str, name: &str) {
    events::emit(paths, Event::new("pod", action, id).attr("name", name));
}

/// Record `ev`.
pub(crate) fn emit(paths: &Paths, ev: Event) {
    events::emit(paths, ev);
}

/// docker's `--filter` for events: filters of one key match if any of their values does, filters of
/// different keys must all match (moby `daemon/events/filter.go`).
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    by_key: BTreeMap<String, Vec<String>>,
}

/// The keys `events --filter` accepts.
const KEYS: &[&str] = &[
    "container",
    "event",
    "image",
    "label",
    "network",
    "type",
    "volume",
    "pod",
    "scope",
];

impl EventFilter {
    /// From `key=value` pairs; an unknown key is docker's error.
    pub fn new(pairs: &[(String, String)]) -> Result<EventFilter> {
        let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            if !KEYS.contains(&k.as_str()) {
                bail!("invalid filter '{k}'");
            }
            by_key.entry(k.clone()).or_default().push(v.clone());
        }
        Ok(EventFilter { by_key })
    }

    /// True when no filter has `key`, or one of its values satisfies `ok`.
    fn any(&self, key: &str, ok: impl Fn(&str) -> bool) -> bool {
        self.by_key
            .get(key)
            .is_none_or(|vals| vals.iter().any(|v| ok(v)))
    }

    /// Whether `ev` passes every filter.
    pub fn matches(&self, ev: &Event) -> bool {
        let name = ev.attributes.get("name").map(String::as_str).unwrap_or("");
        // moby's FuzzyMatch: the id or the name, exactly or by prefix.
        let fuzzy = |v: &str| ev.id.starts_with(v) || (!name.is_empty() && name.starts_with(v));
        let scoped = |kind: &str, v: &str| ev.kind == kind && fuzzy(v);
        self.any("type", |v| ev.kind == v)
            && self.any("scope", |v| v == "local")
            && self.any("event", |v| {
                ev.action == v || ev.action.split(": ").next() == Some(v)
            })
            // moby's matchContainer: the actor only, so a network's `connect` of the container is not
            // one of its events.
            && self.any("container", |v| scoped("container", v))
            && self.any("network", |v| scoped("network", v))
            && self.any("volume", |v| scoped("volume", v))
            && self.any("pod", |v| scoped("pod", v))
            && self.any("image", |v| image_matches(ev, v))
            && self.any("label", |v| match v.split_once('=') {
                Some((k, want)) => ev.attributes.get(k).is_some_and(|x| x == want),
                None => ev.attributes.contains_key(v),
            })
    }
}

/// moby `matchImage`: the actor id, or the image's name (`image` of a container event, `name` of an
/// image event), with or without its tag.
fn image_matches(ev: &Event, v: &str) -> bool {
    let attr = if ev.kind == "image" { "name" } else { "image" };
    let name = ev.attributes.get(attr).map(String::as_str).unwrap_or("");
    let strip = |s: &str| -> String {
        let slash = s.rfind('/').map(|i| i + 1).unwrap_or(0);
        match s[slash..].find([':', '@']) {
            Some(i) => s[..slash + i].to_string(),
            None => s.to_string(),
        }
    };
    [ev.id.as_str(), name]
        .iter()
        .filter(|s| !s.is_empty())
        .any(|s| *s == v || strip(s) == v)
}

/// What `events` reads: past events from `since` (nanoseconds; with only `until`, every past event),
/// then new ones until `until` (`None`: until `stop` is set).
#[derive(Debug, Clone)]
pub struct EventsQuery {
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub filter: EventFilter,
}

/// How often a follower looks for new lines (docker's stream is push; ~100 ms keeps `events` close to
/// it without inotify).
const POLL: Duration = Duration::from_millis(100);

/// `events`: hand every matching event to `out`, oldest first. Returns when `until` has passed (past
/// events only, when it is already past), when `stop` is set (Ctrl-C), or when `out` returns false (a
/// closed pipe).
pub fn stream(
    ctx: &Context,
    q: &EventsQuery,
    stop: &AtomicBool,
    mut out: impl FnMut(&Event) -> Result<bool>,
) -> Result<()> {
    let paths = &ctx.paths;
    // moby: with `since` or `until`, the buffered (past) events come first.
    let mut reader = Reader::open(paths, q.since.is_some() || q.until.is_some())?;
    loop {
        let now = events::now_nano();
        for ev in reader.poll()? {
            if q.since.is_some_and(|s| ev.time_nano < s) {
                continue;
            }
            if q.until.is_some_and(|u| ev.time_nano > u) {
                return Ok(());
            }
            if q.filter.matches(&ev) && !out(&ev)? {
                return Ok(());
            }
        }
        // Everything written before `now` has been read (one append is one write): past `until`, done.
        if q.until.is_some_and(|u| now > u) || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> EventFilter {
        EventFilter::new(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        )
        .unwrap()
    }

    #[test]
    fn filters_of_one_key_or_and_different_keys_and() {
        let ev = Event::new("container", "die", "abcdef")
            .attr("name", "web")
            .attr("image", "docker.io/library/busybox:latest")
            .attr("tier", "front");
        assert!(f(&[("type", "container"), ("event", "die")]).matches(&ev));
        assert!(f(&[("event", "start"), ("event", "die")]).matches(&ev));
        assert!(!f(&[("type", "container"), ("event", "start")]).matches(&ev));
        assert!(f(&[("container", "web")]).matches(&ev));
        assert!(f(&[("container", "abc")]).matches(&ev));
        assert!(!f(&[("container", "db")]).matches(&ev));
        assert!(f(&[("image", "docker.io/library/busybox")]).matches(&ev));
        assert!(f(&[("label", "tier=front")]).matches(&ev));
        assert!(f(&[("label", "tier")]).matches(&ev));
        assert!(!f(&[("label", "tier=back")]).matches(&ev));
        assert!(!f(&[("network", "web")]).matches(&ev));
        let connect = Event::new("network", "connect", "0123")
            .attr("container", "abcdef")
            .attr("name", "bridge");
        assert!(!f(&[("container", "abcdef")]).matches(&connect));
        assert!(f(&[("network", "bridge")]).matches(&connect));
        let health = Event::new("container", "health_status: healthy", "abcdef");
        assert!(f(&[("event", "health_status")]).matches(&health));
    }

    #[test]
    fn unknown_filter_keys_are_refused() {
        let e = EventFilter::new(&[("bogus".into(), "1".into())]).unwrap_err();
        assert_eq!(e.to_string(), "invalid filter 'bogus'");
    }
}

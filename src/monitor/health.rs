//! docker's health checks, run by the container's monitor (no daemon): the schedule, the check run
//! inside the container, and `State.Health` (issue 12).
//!
//! The check is a process started as `exec` starts one (`runtime::exec`: the container's namespaces,
//! cgroup, user, capabilities, seccomp, environment and working directory, from its config.json), a
//! child of the monitor. The monitor's poll loop ([`super::supervisor`]) owns the waiting: it polls the
//! check's output pipe, hands over the checks it reaps, and sleeps until [`Checker::wake_in`] says the
//! next step is due, so nothing runs between checks. Results follow moby's `daemon/health.go`: the
//! first check one interval after the start (the start interval during the start period), failures in
//! the start period not counted, `retries` consecutive failures make the container unhealthy, a success
//! healthy; the last 5 results kept with at most 4096 bytes of output; a check over its timeout is
//! killed and logged as docker logs it. When the payload exits the status becomes `unhealthy` (docker's
//! status of a stopped container); a restart starts over at `starting`, the log kept.
//! The state goes to health.json ([`crate::state::Containers::save_health`], docs/layout.md) after
//! every change, for `inspect` and `ps` in other processes.
//! Depends on runtime, state, store and types. Invariant: at most one check runs at a time, and a check
//! never outlives its timeout by more than the kill.

use crate::runtime::{self, Stdio};
use crate::state::Containers;
use crate::state::health::{active_healthcheck, probe_argv};
use crate::store::Paths;
use crate::store::events::{self, Event};
use crate::time::rfc3339_nano;
use crate::types::ContainerRecord;
use crate::types::health::{
    self as h, DEFAULT_INTERVAL_NS, DEFAULT_RETRIES, DEFAULT_START_INTERVAL_NS, DEFAULT_TIMEOUT_NS,
    Health, HealthLogEntry, MAX_LOG_ENTRIES, MAX_OUTPUT_LEN,
};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant, SystemTime};

/// The schedule with docker's defaults applied.
#[derive(Debug, Clone, PartialEq)]
struct Schedule {
    argv: Vec<String>,
    interval: Duration,
    timeout: Duration,
    start_period: Duration,
    start_interval: Duration,
    retries: i64,
}

impl Schedule {
    fn of(rec: &ContainerRecord) -> Option<Schedule> {
        let c = active_healthcheck(rec)?;
        let ns =
            |v: i64, default: i64| Duration::from_nanos(if v > 0 { v } else { default } as u64);
        Some(Schedule {
            argv: probe_argv(&c.test, rec.image_config.shell.as_deref()),
            interval: ns(c.interval, DEFAULT_INTERVAL_NS),
            timeout: ns(c.timeout, DEFAULT_TIMEOUT_NS),
            start_period: ns(c.start_period, 0),
            start_interval: ns(c.start_interval, DEFAULT_START_INTERVAL_NS),
            retries: if c.retries > 0 {
                c.retries
            } else {
                DEFAULT_RETRIES
            },
        })
    }
}

/// A check that is running.
struct Probe {
    pid: i32,
    out: Option<File>,
    output: Vec<u8>,
    truncated: bool,
    start: SystemTime,
    deadline: Instant,
    timed_out: bool,
    /// Started within the start period (moby compares the result's start with the container's).
    in_start_period: bool,
}

/// The health checks of one supervised run of a container.
pub struct Checker {
    paths: Paths,
    containers: Containers,
    /// docker's `health_status: <status>` event of this container, its action filled at each change.
    event: Event,
    id: String,
    schedule: Schedule,
    spec: oci_spec::runtime::Spec,
    process: oci_spec::runtime::Process,
    cgroup: String,
    /// The payload, whose namespaces the checks join.
    pid: i32,
    started: Instant,
    health: Health,
    next: Instant,
    probe: Option<Probe>,
}

impl Checker {
    /// The checker of a container that has a health check (None otherwise: nothing is read, nothing
    /// scheduled). Records `starting` (docker's status at each start), keeping the last run's log.
    pub fn new(
        paths: &Paths,
        rec: &ContainerRecord,
        cgroup: &str,
        pid: i32,
    ) -> Result<Option<Checker>> {
        let Some(schedule) = Schedule::of(rec) else {
            return Ok(None);
        };
        let containers = Containers::new(paths);
        let spec_path = containers.dir(&rec.id).join("config.json");
        let spec: oci_spec::runtime::Spec = serde_json::from_slice(
            &std::fs::read(&spec_path)
                .with_context(|| format!("reading {}", spec_path.display()))?,
        )
        .with_context(|| format!("parsing {}", spec_path.display()))?;
        let mut process = spec
            .process()
            .clone()
            .context("container spec has no process")?;
        process.set_args(Some(schedule.argv.clone()));
        process.set_terminal(Some(false));
        let log = containers
            .load_health(&rec.id, true)
            .map(|h| h.log)
            .unwrap_or_default();
        let health = Health {
            status: h::STARTING.to_string(),
            failing_streak: 0,
            log,
        };
        containers.save_health(&rec.id, &health)?;
        let started = Instant::now();
        let event = Event::container(
            "",
            &rec.id,
            &rec.name,
            &rec.image,
            [&rec.image_config.labels, &rec.config.labels],
        );
        let mut c = Checker {
            paths: paths.clone(),
            containers,
            event,
            id: rec.id.clone(),
            schedule,
            spec,
            process,
            cgroup: cgroup.to_string(),
            pid,
            started,
            health,
            next: started,
            probe: None,
        };
        c.next = started + c.interval();
        Ok(Some(c))
    }

    /// moby's getInterval: the start interval while starting within the start period.
    fn interval(&self) -> Duration {
        let s = &self.schedule;
        if !s.start_period.is_zero()
            && self.health.status == h::STARTING
            && self.started.elapsed() < s.start_period
        {
            s.start_interval
        } else {
            s.interval
        }
    }

    /// How long the poll loop may sleep before [`Checker::tick`] has something to do.
    pub fn wake_in(&self) -> Duration {
        let at = match &self.probe {
            Some(p) if p.timed_out => return Duration::from_millis(100),
            Some(p) => p.deadline,
            None => self.next,
        };
        at.saturating_duration_since(Instant::now())
    }

    /// The running check's output pipe, for the poll loop (-1: none).
    pub fn fd(&self) -> RawFd {
        self.probe
            .as_ref()
            .and_then(|p| p.out.as_ref())
            .map_or(-1, |f| f.as_raw_fd())
    }

    /// Starts the check when it is due; kills it when it is over its timeout.
    pub fn tick(&mut self) {
        let now = Instant::now();
        match &mut self.probe {
            Some(p) if !p.timed_out && now >= p.deadline => {
                p.timed_out = true;
                // The check leads its own session (init's stdio step): its group goes with it.
                // SAFETY: kill(2); the check is our child and not yet reaped, so its pid is not recycled.
                unsafe {
                    libc::kill(-p.pid, libc::SIGKILL);
                    libc::kill(p.pid, libc::SIGKILL);
                }
            }
            Some(_) => {}
            None if now >= self.next => {
                if self.paused() {
                    self.next = now + self.interval();
                } else {
                    self.start_probe();
                }
            }
            None => {}
        }
    }

    /// A paused container is not checked (docker stops its checks while paused): a check would join
    /// the frozen cgroup and freeze with it.
    fn paused(&self) -> bool {
        self.containers
            .load_state(&self.id)
            .is_ok_and(|st| st.status == crate::state::Status::Paused)
    }

    fn start_probe(&mut self) {
        let start = SystemTime::now();
        let in_start_period = self.started.elapsed() < self.schedule.start_period;
        match self.spawn() {
            Ok((pid, out)) => {
                self.probe = Some(Probe {
                    pid,
                    out: Some(out),
                    output: Vec::new(),
                    truncated: false,
                    start,
                    deadline: Instant::now() + self.schedule.timeout,
                    timed_out: false,
                    in_start_period,
                });
            }
            // docker logs a check that could not run as exit code -1 with the error.
            Err(e) => {
                let entry = HealthLogEntry {
                    start: rfc3339_nano(start),
                    end: rfc3339_nano(SystemTime::now()),
                    exit_code: -1,
                    output: format!("{e:#}"),
                };
                self.record(entry, in_start_period)
            }
        }
    }

    /// The check, started as `exec` starts a process, its stdout and stderr on one pipe.
    fn spawn(&self) -> Result<(i32, File)> {
        let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating pipe")?;
        let w2 = w.try_clone().context("duplicating the pipe")?;
        let stdio = Stdio::Fds {
            stdin: None,
            stdout: w,
            stderr: w2,
        };
        let launched = runtime::exec(
            self.pid,
            &self.spec,
            &self.process,
            stdio,
            Some(&self.cgroup),
        )?;
        let out = File::from(r);
        // SAFETY: fcntl on the read end we own, adding O_NONBLOCK to its flags.
        unsafe {
            let fl = libc::fcntl(out.as_raw_fd(), libc::F_GETFL);
            libc::fcntl(out.as_raw_fd(), libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
        Ok((launched.pid, out))
    }

    /// Reads what the check wrote (docker keeps the first 4096 bytes and marks the rest as cut).
    pub fn read_output(&mut self) {
        let Some(p) = self.probe.as_mut() else { return };
        let Some(f) = p.out.as_mut() else { return };
        let mut buf = [0u8; 4096];
        loop {
            match f.read(&mut buf) {
                Ok(0) => {
                    p.out = None;
                    return;
                }
                Ok(n) => {
                    let keep = n.min(MAX_OUTPUT_LEN - p.output.len());
                    p.output.extend_from_slice(&buf[..keep]);
                    if keep < n {
                        p.truncated = true;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(_) => {
                    p.out = None;
                    return;
                }
            }
        }
    }

    /// A child the monitor reaped: when it is the check, its result is recorded. False for other
    /// children.
    pub fn reaped(&mut self, pid: i32, wait_status: i32) -> bool {
        if self.probe.as_ref().is_none_or(|p| p.pid != pid) {
            return false;
        }
        // What it wrote before it exited is in the pipe: taken now (a child of the check that keeps
        // the pipe open does not hold the result back).
        self.read_output();
        let Some(p) = self.probe.take() else {
            return true;
        };
        let mut output = String::from_utf8_lossy(&p.output).into_owned();
        if p.truncated {
            output.push_str("...");
        }
        let (exit_code, output) = if p.timed_out {
            let limit = go_duration(self.schedule.timeout);
            let msg = if output.is_empty() {
                format!("Health check exceeded timeout ({limit})")
            } else {
                format!("Health check exceeded timeout ({limit}): {output}")
            };
            (-1, msg)
        } else if libc::WIFEXITED(wait_status) {
            (i64::from(libc::WEXITSTATUS(wait_status)), output)
        } else {
            (128 + i64::from(libc::WTERMSIG(wait_status)), output)
        };
        let entry = HealthLogEntry {
            start: rfc3339_nano(p.start),
            end: rfc3339_nano(SystemTime::now()),
            exit_code,
            output,
        };
        self.record(entry, p.in_start_period);
        true
    }

    /// moby's handleProbeResult: the log, the streak and the status; then the next check is scheduled
    /// one interval after this one ended.
    fn record(&mut self, entry: HealthLogEntry, in_start_period: bool) {
        let before = self.health.status.clone();
        apply_result(
            &mut self.health,
            entry,
            self.schedule.retries,
            in_start_period,
        );
        self.save();
        // docker's event on each change of the status (moby handleProbeResult).
        if self.health.status != before {
            let mut ev = self.event.clone();
            ev.action = format!("health_status: {}", self.health.status);
            ev.time_nano = events::now_nano();
            events::emit(&self.paths, ev);
        }
        self.next = Instant::now() + self.interval();
    }

    fn save(&self) {
        // Best effort: a full run root must not stop the supervision; the next check writes again.
        let _ = self.containers.save_health(&self.id, &self.health);
    }

    /// The payload exited: a running check is killed and reaped, and the status is docker's for a
    /// stopped container (`unhealthy`, moby's CloseMonitorChannel).
    pub fn stop(mut self) {
        if let Some(p) = self.probe.take() {
            // SAFETY: kill(2) on our own unreaped child (and its process group).
            unsafe {
                libc::kill(-p.pid, libc::SIGKILL);
                libc::kill(p.pid, libc::SIGKILL);
            }
            // Reaped here (for at most 2 s: SIGKILL is not delayed but by an uninterruptible sleep).
            for _ in 0..200 {
                let mut ws = 0;
                // SAFETY: waitpid on our child with a valid status pointer.
                if unsafe { libc::waitpid(p.pid, &mut ws, libc::WNOHANG) } != 0 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        // Without an event, as moby's CloseMonitorChannel.
        self.health.status = h::UNHEALTHY.to_string();
        self.save();
    }
}

/// One result applied to the state (moby `daemon/health.go` handleProbeResult).
fn apply_result(health: &mut Health, entry: HealthLogEntry, retries: i64, in_start_period: bool) {
    let ok = entry.exit_code == 0;
    health.log.push(entry);
    if health.log.len() > MAX_LOG_ENTRIES {
        let extra = health.log.len() - MAX_LOG_ENTRIES;
        health.log.drain(..extra);
    }
    if ok {
        health.failing_streak = 0;
        health.status = h::HEALTHY.to_string();
        return;
    }
    // While starting, failures in the start period do not count.
    if health.status == h::STARTING && in_start_period {
        return;
    }
    health.failing_streak += 1;
    if health.failing_streak >= retries {
        health.status = h::UNHEALTHY.to_string();
    }
}

/// Go's `time.Duration.String()` (docker's timeout message): `30s`, `1m0s`, `500ms`, `1.5s`.
pub fn go_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns == 0 {
        return "0s".into();
    }
    let frac = |v: u128, unit: u128, suffix: &str| {
        let whole = v / unit;
        let rest = v % unit;
        if rest == 0 {
            return format!("{whole}{suffix}");
        }
        let digits = unit.to_string().len() - 1;
        let f = format!("{rest:0digits$}");
        format!("{whole}.{}{suffix}", f.trim_end_matches('0'))
    };
    if ns < 1_000 {
        return format!("{ns}ns");
    }
    if ns < 1_000_000 {
        return frac(ns, 1_000, "µs");
    }
    if ns < 1_000_000_000 {
        return frac(ns, 1_000_000, "ms");
    }
    let secs = ns / 1_000_000_000;
    let sub = ns % 1_000_000_000;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let s = frac(s * 1_000_000_000 + sub, 1_000_000_000, "s");
    match (h, m) {
        (0, 0) => s,
        (0, m) => format!("{m}m{s}"),
        (h, m) => format!("{h}h{m}m{s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: i64) -> HealthLogEntry {
        HealthLogEntry {
            exit_code: code,
            ..HealthLogEntry::default()
        }
    }

    fn starting() -> Health {
        Health {
            status: h::STARTING.into(),
            ..Health::default()
        }
    }

    #[test]
    fn go_durations_print_as_go_prints_them() {
        let d = |ms: u64| go_duration(Duration::from_millis(ms));
        assert_eq!(d(30_000), "30s");
        assert_eq!(d(500), "500ms");
        assert_eq!(d(1_500), "1.5s");
        assert_eq!(d(60_000), "1m0s");
        assert_eq!(d(90_000), "1m30s");
        assert_eq!(d(7_200_000), "2h0m0s");
        assert_eq!(go_duration(Duration::from_micros(1_500)), "1.5ms");
        assert_eq!(go_duration(Duration::ZERO), "0s");
    }

    #[test]
    fn retries_failures_make_it_unhealthy_and_a_success_healthy() {
        let mut s = starting();
        apply_result(&mut s, entry(1), 3, false);
        apply_result(&mut s, entry(1), 3, false);
        assert_eq!((s.status.as_str(), s.failing_streak), (h::STARTING, 2));
        apply_result(&mut s, entry(1), 3, false);
        assert_eq!((s.status.as_str(), s.failing_streak), (h::UNHEALTHY, 3));
        apply_result(&mut s, entry(0), 3, false);
        assert_eq!((s.status.as_str(), s.failing_streak), (h::HEALTHY, 0));
        // A timeout (-1) is a failure like any other.
        apply_result(&mut s, entry(-1), 1, false);
        assert_eq!(s.status, h::UNHEALTHY);
    }

    #[test]
    fn start_period_failures_do_not_count_until_the_first_success() {
        let mut s = starting();
        apply_result(&mut s, entry(1), 1, true);
        assert_eq!((s.status.as_str(), s.failing_streak), (h::STARTING, 0));
        apply_result(&mut s, entry(0), 1, true);
        assert_eq!(s.status, h::HEALTHY);
        // Healthy in the start period: failures count again.
        apply_result(&mut s, entry(1), 1, true);
        assert_eq!((s.status.as_str(), s.failing_streak), (h::UNHEALTHY, 1));
    }

    #[test]
    fn the_log_keeps_the_last_five() {
        let mut s = starting();
        for code in 0..7 {
            apply_result(&mut s, entry(code), 100, false);
        }
        let codes: Vec<i64> = s.log.iter().map(|e| e.exit_code).collect();
        assert_eq!(codes, vec![2, 3, 4, 5, 6]);
    }
}

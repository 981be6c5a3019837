//! Per-phase timings of the hot paths (issue 14): `BERTH_TRACE=FILE` makes every berth process of a command
//! (the CLI, the monitor, the stage and init, pull workers) append one line per phase to FILE:
//!
//! ```text
//! 1765100000123456789 4242 run parse +0.412ms
//! ```
//!
//! wall-clock nanoseconds since the epoch, pid, the process's role, the phase, and the time since that
//! process's previous mark (or since it started, for the first). Lines from several processes interleave
//! correctly: each is one `write(2)` on an `O_APPEND` descriptor, which the kernel keeps whole for lines this
//! short. Sorting the file by its first column gives the timeline of one command across its processes.
//!
//! Unset (the normal case) a mark costs one relaxed atomic load. The descriptor is close-on-exec, so a
//! container's payload never inherits it. A leaf: std and libc only, so every module may import it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

struct Sink {
    file: File,
    role: Mutex<(&'static str, Instant)>,
}

static SINK: OnceLock<Option<Sink>> = OnceLock::new();

fn sink() -> Option<&'static Sink> {
    SINK.get_or_init(|| {
        let path = std::env::var_os("BERTH_TRACE").filter(|p| !p.is_empty())?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .custom_flags(libc::O_CLOEXEC)
            .open(path)
            .ok()?;
        // Kept above the fds a forked monitor places at 3, 4 and 5 (engine::container, prespawn_monitor).
        let file = {
            use std::os::fd::{AsRawFd, FromRawFd};
            // SAFETY: fcntl duplicating an fd we own; a new fd, when there is one, is ours alone.
            let high = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
            if high >= 0 {
                // SAFETY: `high` was just returned by fcntl and nothing else owns it.
                unsafe { File::from_raw_fd(high) }
            } else {
                file
            }
        };
        Some(Sink {
            file,
            role: Mutex::new(("berth", Instant::now())),
        })
    })
    .as_ref()
}

/// The trace file's descriptor, which a process forked without exec must keep open (and nothing else of
/// its parent's).
pub fn raw_fd() -> Option<std::os::fd::RawFd> {
    use std::os::fd::AsRawFd;
    sink().map(|s| s.file.as_raw_fd())
}

/// Whether tracing is on for this process.
pub fn enabled() -> bool {
    sink().is_some()
}

/// Names this process in later lines (`run`, `monitor`, `init`, `pull`, ...) and restarts its interval
/// clock. Call it where a process takes on its role (after a fork or an exec of berth itself).
pub fn role(name: &'static str) {
    if let Some(s) = sink()
        && let Ok(mut r) = s.role.lock()
    {
        *r = (name, Instant::now());
    }
}

/// Records that `phase` has just ended.
pub fn mark(phase: &str) {
    let Some(s) = sink() else { return };
    let now = Instant::now();
    let (role, since) = match s.role.lock() {
        Ok(mut r) => {
            let prev = r.1;
            r.1 = now;
            (r.0, now.duration_since(prev))
        }
        Err(_) => return,
    };
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let line = format!(
        "{wall} {} {role} {phase} +{:.3}ms\n",
        std::process::id(),
        since.as_secs_f64() * 1000.0
    );
    // One write: O_APPEND keeps the line whole among other processes' lines.
    let _ = (&s.file).write(line.as_bytes());
}

/// A phase measured from its start to the drop of the guard, for work that runs beside other marks
/// (a layer's download on a worker thread): `let _t = trace::span("layer sha256:ab.. download");`.
pub struct Span {
    name: Option<String>,
    start: Instant,
}

/// Starts a [`Span`]; nothing is allocated when tracing is off.
pub fn span(name: impl FnOnce() -> String) -> Span {
    Span {
        name: enabled().then(name),
        start: Instant::now(),
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        let (Some(name), Some(s)) = (self.name.take(), sink()) else {
            return;
        };
        let role = s.role.lock().map(|r| r.0).unwrap_or("berth");
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let line = format!(
            "{wall} {} {role} {name} ={:.3}ms\n",
            std::process::id(),
            self.start.elapsed().as_secs_f64() * 1000.0
        );
        let _ = (&s.file).write(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn unset_trace_is_disabled_and_marks_are_harmless() {
        // The test process has no BERTH_TRACE (cargo does not set it); marks and spans are no-ops.
        if std::env::var_os("BERTH_TRACE").is_none() {
            assert!(!super::enabled());
            super::mark("nothing");
            let _s = super::span(|| unreachable!("not built when tracing is off"));
        }
    }
}

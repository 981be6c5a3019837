//! The monitor's side of a running payload, split from [`super`]: the payload's stdio pipes, the attach
//! socket's clients, the SIGCHLD self-pipe and the poll loop ([`Relay`]) that reaps, copies output to the
//! log and the clients, feeds input, resizes and signals until the payload has exited and its output is
//! drained.

use super::super::{health, log};
use super::Supervisor;
use crate::runtime::{Launched, Stdio};
use crate::state::ContainerRecord;
use crate::state::attach::{self, Decoder};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// The payload's stdio as the monitor holds it: without a tty, the read ends of its stdout and stderr
/// pipes and the write end of its stdin pipe (with `-i`); with a tty, the master comes from the launch.
pub(super) struct Pipes {
    pub(super) out: Option<OwnedFd>,
    pub(super) err: Option<OwnedFd>,
    pub(super) stdin: Option<File>,
}

impl Pipes {
    pub(super) fn new(rec: &ContainerRecord) -> Result<(Stdio, Pipes)> {
        if rec.config.tty {
            let none = Pipes {
                out: None,
                err: None,
                stdin: None,
            };
            return Ok((Stdio::Pty, none));
        }
        let (or, ow) = pipe()?;
        let (er, ew) = pipe()?;
        let (stdin, stdin_w) = if rec.config.interactive {
            let (ir, iw) = pipe()?;
            (Some(ir), Some(File::from(iw)))
        } else {
            (None, None)
        };
        let stdio = Stdio::Fds {
            stdin,
            stdout: ow,
            stderr: ew,
        };
        let pipes = Pipes {
            out: Some(or),
            err: Some(er),
            stdin: stdin_w,
        };
        Ok((stdio, pipes))
    }
}

/// An attached client of the monitor socket.
pub(super) struct Client {
    pub(super) stream: UnixStream,
    pub(super) dec: Decoder,
    /// This client's stdin feeds the container (the one a foreground `run -i` attached).
    pub(super) stdin: bool,
}

/// The attach socket and its clients.
pub(super) struct Clients {
    pub(super) listener: UnixListener,
    pub(super) sock_path: PathBuf,
    pub(super) list: Vec<Client>,
}

impl Clients {
    pub(super) fn accept(&mut self) {
        if let Ok((s, _)) = self.listener.accept() {
            let _ = s.set_nonblocking(false);
            let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
            self.list.push(Client {
                stream: s,
                dec: Decoder::default(),
                stdin: false,
            });
        }
    }

    /// Sends a frame to every client; one that cannot take it is dropped.
    pub(super) fn broadcast(&mut self, frame: &[u8]) {
        self.list.retain_mut(|c| c.stream.write_all(frame).is_ok());
    }

    /// The exit frame goes out whatever cleanup did: the code is recorded and no client may hang.
    pub(super) fn send_exit(&mut self, code: i32) {
        let frame = attach::encode(attach::EXIT, &code.to_be_bytes());
        for c in self.list.iter_mut() {
            let _ = c.stream.write_all(&frame);
        }
    }
}

static SIGCHLD_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_sigchld(_: libc::c_int) {
    let fd = SIGCHLD_PIPE.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; the buffer is a valid 1-byte static.
        unsafe { libc::write(fd, b"c".as_ptr().cast(), 1) };
    }
}

/// Stops the SIGCHLD handler writing to the last run's pipe: its fd number is closed and free for reuse
/// (a relaunch's channel may get it).
pub(in crate::monitor) fn forget_sigchld_pipe() {
    SIGCHLD_PIPE.store(-1, Ordering::Relaxed);
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating pipe")?;
    Ok((r, w))
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on an fd we own; flags are read then written back with O_NONBLOCK added.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
    }
}

/// The running payload's side of the monitor: reaps, copies output to the log and the clients, feeds
/// input, resizes and signals, until the payload has exited and its output is drained.
pub(super) struct Relay<'c> {
    pid: i32,
    tty: bool,
    pty: Option<File>,
    out: Option<File>,
    err: Option<File>,
    stdin: Option<File>,
    log: log::JsonLog,
    chld: File,
    /// The write end of the SIGCHLD pipe, closed with the relay once the handler no longer uses it.
    _chld_w: OwnedFd,
    clients: &'c mut Clients,
    status: Option<i32>,
    exit_seen_at: Option<Instant>,
    /// The health checks, when the container has one: its check's output is polled, its check
    /// reaped, and the loop sleeps until its next step.
    health: Option<health::Checker>,
    /// The embedded DNS resolver of a container on a user network (`monitor/dns.rs`).
    dns: Option<super::super::dns::Resolver>,
}

/// pollfd slots of [`Relay::run`]: the SIGCHLD pipe, the listener, stdout, stderr, the health check's
/// output, then one per client.
const SLOT_CHLD: usize = 0;
const SLOT_LISTENER: usize = 1;
const SLOT_OUT: usize = 2;
const SLOT_ERR: usize = 3;
const SLOT_HEALTH: usize = 4;
const SLOT_CLIENTS: usize = 5;

impl<'c> Relay<'c> {
    pub(super) fn new(
        s: &Supervisor,
        launched: Launched,
        mut pipes: Pipes,
        clients: &'c mut Clients,
        health: Option<health::Checker>,
        dns: Option<super::super::dns::Resolver>,
    ) -> Result<Self> {
        let pty: Option<File> = launched.pty_master.map(File::from);
        let mut out: Option<File> = pty
            .as_ref()
            .map(|p| p.try_clone())
            .transpose()
            .context("cloning pty")?;
        if out.is_none() {
            out = pipes.out.take().map(File::from);
        }
        let err: Option<File> = pipes.err.take().map(File::from);
        for f in out.iter().chain(err.iter()) {
            set_nonblocking(f.as_raw_fd());
        }
        let log = log::JsonLog::open_with(&s.containers.log_path(s.id), &s.rec.config.log)?;
        let (chld_r, chld_w) = pipe()?;
        set_nonblocking(chld_r.as_raw_fd());
        set_nonblocking(chld_w.as_raw_fd());
        SIGCHLD_PIPE.store(chld_w.as_raw_fd(), Ordering::Relaxed);
        // SAFETY: installing a handler that only calls write(2) on a pipe.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_sigchld as *const () as usize;
            sa.sa_flags = libc::SA_RESTART | libc::SA_NOCLDSTOP;
            libc::sigaction(libc::SIGCHLD, &sa, std::ptr::null_mut());
        }
        Ok(Relay {
            pid: launched.pid,
            tty: s.rec.config.tty,
            pty,
            out,
            err,
            stdin: pipes.stdin,
            log,
            chld: File::from(chld_r),
            _chld_w: chld_w,
            clients,
            status: None,
            exit_seen_at: None,
            health,
            dns,
        })
    }

    /// The poll loop; returns the payload's exit code (128+signal when killed, docker's convention).
    pub(super) fn run(mut self) -> i32 {
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            self.reap();
            let streams_open = self.out.is_some() || self.err.is_some();
            // Output still buffered in the pipes is drained, for at most 2 s after the exit (a
            // grandchild may hold them open).
            if self.status.is_some()
                && (!streams_open
                    || self
                        .exit_seen_at
                        .is_some_and(|t| t.elapsed() > Duration::from_secs(2)))
            {
                break;
            }
            let mut pfds = self.pollfds();
            let dns_slots = pfds.len();
            pfds.extend(self.dns.iter().flat_map(|d| d.pollfds()));
            let timeout = match (&self.status, &self.health) {
                (Some(_), _) => 100,
                (None, None) => 1000,
                (None, Some(h)) => h.wake_in().as_millis().clamp(1, 1000) as i32,
            };
            let timeout = self.dns.as_ref().map_or(timeout, |d| d.timeout_ms(timeout));
            // SAFETY: pfds is a valid array of pollfd of the given length.
            let n = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, timeout) };
            if n < 0 {
                continue; // EINTR from SIGCHLD
            }
            if pfds[SLOT_CHLD].revents != 0 {
                let _ = self.chld.read(&mut buf);
            }
            if pfds[SLOT_LISTENER].revents != 0 {
                self.clients.accept();
            }
            for (slot, stderr) in [(SLOT_OUT, false), (SLOT_ERR, true)] {
                if pfds[slot].revents != 0 {
                    self.copy_output(stderr, &mut buf);
                }
            }
            self.serve_clients(&pfds[SLOT_CLIENTS..dns_slots], &mut buf);
            if let Some(d) = self.dns.as_mut() {
                d.handle(&pfds[dns_slots..]);
            }
            if let Some(h) = self.health.as_mut() {
                if pfds[SLOT_HEALTH].revents != 0 {
                    h.read_output();
                }
                if self.status.is_none() {
                    h.tick();
                }
            }
        }
        if let Some(h) = self.health.take() {
            h.stop();
        }
        // Before chld_w closes with the relay: its fd number may be reused by the teardown.
        forget_sigchld_pipe();
        // The log is best effort once the payload is gone: its exit code is what must be recorded.
        let _ = self.log.flush();
        self.status.unwrap_or(255)
    }

    /// Reaps every exited child (we are subreaper: orphans of the container end up here too).
    fn reap(&mut self) {
        loop {
            let mut ws = 0;
            // SAFETY: waitpid with a valid status pointer.
            let r = unsafe { libc::waitpid(-1, &mut ws, libc::WNOHANG) };
            if r <= 0 {
                break;
            }
            if r == self.pid {
                self.status = Some(if libc::WIFEXITED(ws) {
                    libc::WEXITSTATUS(ws)
                } else if libc::WIFSIGNALED(ws) {
                    128 + libc::WTERMSIG(ws)
                } else {
                    255
                });
                self.exit_seen_at = Some(Instant::now());
            } else if let Some(h) = self.health.as_mut() {
                h.reaped(r, ws);
            }
        }
    }

    fn pollfds(&self) -> Vec<libc::pollfd> {
        let fd_of = |f: &Option<File>| f.as_ref().map_or(-1, |f| f.as_raw_fd());
        let fixed = [
            self.chld.as_raw_fd(),
            self.clients.listener.as_raw_fd(),
            fd_of(&self.out),
            fd_of(&self.err),
            self.health.as_ref().map_or(-1, |h| h.fd()),
        ];
        let clients = self.clients.list.iter().map(|c| c.stream.as_raw_fd());
        fixed
            .into_iter()
            .chain(clients)
            .map(|fd| libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect()
    }

    /// Copies what the payload wrote to the log and to every client.
    fn copy_output(&mut self, stderr: bool, buf: &mut [u8]) {
        let src = if stderr { &mut self.err } else { &mut self.out };
        let Some(f) = src.as_mut() else { return };
        match f.read(buf) {
            Ok(0) => *src = None,
            Ok(n) => {
                let data = &buf[..n];
                // A full disk must not stop the payload's output reaching its clients.
                let _ = self.log.write(stderr, data);
                let kind = if stderr {
                    attach::STDERR
                } else {
                    attach::STDOUT
                };
                self.clients.broadcast(&attach::encode(kind, data));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => *src = None, // EIO on a pty master once the slave is closed
        }
    }

    /// Reads the frames of the clients that polled readable (`ready`: their pollfds, in order); a client
    /// that hung up is dropped, and its stdin, if it fed the payload's, is closed.
    fn serve_clients(&mut self, ready: &[libc::pollfd], buf: &mut [u8]) {
        let mut gone = Vec::new();
        for (i, c) in self.clients.list.iter_mut().enumerate() {
            // A client accepted in this round has no pollfd yet: it is served from the next round.
            if ready.get(i).is_none_or(|p| p.revents == 0) {
                continue;
            }
            match c.stream.read(buf) {
                Ok(0) | Err(_) => {
                    if c.stdin && !self.tty {
                        self.stdin = None;
                    }
                    gone.push(i);
                }
                Ok(n) => {
                    c.dec.feed(&buf[..n]);
                    while let Ok(Some((kind, data))) = c.dec.next_frame() {
                        handle_client_frame(
                            kind,
                            &data,
                            self.pid,
                            self.status.is_some(),
                            self.pty.as_ref(),
                            &mut self.stdin,
                        );
                    }
                }
            }
        }
        for i in gone.into_iter().rev() {
            self.clients.list.remove(i);
        }
    }
}

fn handle_client_frame(
    kind: u8,
    data: &[u8],
    pid: i32,
    exited: bool,
    pty: Option<&File>,
    stdin_w: &mut Option<File>,
) {
    match kind {
        attach::STDIN => {
            if let Some(p) = pty {
                let _ = (&*p).write_all(data);
            } else if data.is_empty() {
                *stdin_w = None;
            } else if let Some(w) = stdin_w.as_mut()
                && w.write_all(data).is_err()
            {
                *stdin_w = None;
            }
        }
        attach::RESIZE if data.len() == 4 => {
            if let Some(p) = pty {
                let ws = libc::winsize {
                    ws_row: u16::from_be_bytes([data[0], data[1]]),
                    ws_col: u16::from_be_bytes([data[2], data[3]]),
                    ws_xpixel: 0,
                    ws_ypixel: 0,
                };
                // SAFETY: TIOCSWINSZ on the pty master we own with a valid winsize.
                unsafe { libc::ioctl(p.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
            }
        }
        attach::SIGNAL if data.len() == 4 && !exited => {
            let sig = i32::from_be_bytes([data[0], data[1], data[2], data[3]]);
            // The payload is our child and not yet reaped, so `pid` cannot have been recycled.
            // SAFETY: kill(2) with a pid we own.
            unsafe { libc::kill(pid, sig) };
        }
        _ => {}
    }
}

//! The foreground client of a container's monitor (`run` without -d, `start -a`): streams stdout/stderr,
//! forwards stdin, signals (docker's --sig-proxy) and terminal resizes, puts the terminal in raw mode with
//! -t, and returns the container's exit code. If the monitor goes away without an exit frame, the exit
//! code comes from the container's recorded state.

use crate::engine::container as ctr;
use crate::engine::container::stream::{self as attach, Decoder};
use anyhow::Result;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicI32, Ordering};

static SIGNAL_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(sig: libc::c_int) {
    let fd = SIGNAL_PIPE.load(Ordering::Relaxed);
    if fd >= 0 {
        let b = sig as u8;
        // SAFETY: write(2) is async-signal-safe; `b` lives on this handler's stack.
        unsafe { libc::write(fd, (&b as *const u8).cast(), 1) };
    }
}

/// Signals docker's sig-proxy forwards (all catchable ones; SIGCHLD, SIGPIPE and SIGURG excluded).
const PROXIED: &[i32] = &[
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGTERM,
    libc::SIGALRM,
    libc::SIGCONT,
    libc::SIGTSTP,
];

fn install(sig: i32) {
    // SAFETY: the handler only writes one byte to a pipe (async-signal-safe).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as usize;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

/// Restores the terminal's mode when dropped.
struct RawMode {
    fd: RawFd,
    saved: libc::termios,
}

impl RawMode {
    fn enter(fd: RawFd) -> Option<RawMode> {
        // SAFETY: isatty/tcgetattr/tcsetattr on a valid fd with termios structs we own.
        unsafe {
            if libc::isatty(fd) != 1 {
                return None;
            }
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(fd, &mut t) != 0 {
                return None;
            }
            let saved = t;
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(fd, libc::TCSANOW, &t);
            Some(RawMode { fd, saved })
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: restoring the attributes read in `enter` on the same fd.
        unsafe { libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved) };
    }
}

fn winsize_frame() -> Option<Vec<u8>> {
    // SAFETY: winsize is plain old data; all-zero is a valid value.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = [libc::STDIN_FILENO, libc::STDOUT_FILENO].iter().any(|fd| {
        // SAFETY: TIOCGWINSZ fills the winsize we own.
        unsafe { libc::ioctl(*fd, libc::TIOCGWINSZ, &mut ws) == 0 }
    });
    if !ok || ws.ws_row == 0 {
        return None;
    }
    let mut d = ws.ws_row.to_be_bytes().to_vec();
    d.extend_from_slice(&ws.ws_col.to_be_bytes());
    Some(attach::encode(attach::RESIZE, &d))
}

/// What a client attaches to: `run -a` names the output streams, `--detach-keys` the key sequence
/// that leaves a `-t` container running.
pub struct StreamOptions {
    pub stdout: bool,
    pub stderr: bool,
    pub detach_keys: Vec<u8>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            stdout: true,
            stderr: true,
            // docker's default: ctrl-p,ctrl-q.
            detach_keys: vec![0x10, 0x11],
        }
    }
}

/// `--detach-keys` in docker's format (moby `term.ToBytes`): comma-separated single characters or
/// `ctrl-<a-z@[\\]^_>`; empty is docker's default.
pub fn parse_detach_keys(keys: &str) -> Result<Vec<u8>> {
    if keys.is_empty() {
        return Ok(StreamOptions::default().detach_keys);
    }
    let mut out = Vec::new();
    for k in keys.split(',') {
        if k.len() == 1 {
            out.push(k.as_bytes()[0]);
            continue;
        }
        let lower = k.to_ascii_lowercase();
        let code = lower
            .strip_prefix("ctrl-")
            .and_then(|c| match c.as_bytes() {
                [c @ b'a'..=b'z'] => Some(c - b'a' + 1),
                [b'@'] => Some(0),
                [c @ (b'[' | b'\\' | b']' | b'^' | b'_')] => Some(c - b'[' + 0x1b),
                _ => None,
            });
        match code {
            Some(c) => out.push(c),
            None => anyhow::bail!("Unknown character: '{k}'"),
        }
    }
    Ok(out)
}

/// Where the detach sequence `keys` completes in `data` (the index its first byte has in this chunk,
/// 0 when it began in an earlier one); `matched` carries a partial match across chunks.
pub(super) fn find_detach(keys: &[u8], matched: &mut usize, data: &[u8]) -> Option<usize> {
    if keys.is_empty() {
        return None;
    }
    for (i, b) in data.iter().enumerate() {
        if *b == keys[*matched] {
            *matched += 1;
        } else {
            *matched = usize::from(*b == keys[0]);
        }
        if *matched == keys.len() {
            *matched = 0;
            return Some((i + 1).saturating_sub(keys.len()));
        }
    }
    None
}

/// Stream until the container exits, showing the streams `o` names; return its exit code.
pub fn stream_with(
    p: &crate::engine::Context,
    id: &str,
    mut conn: UnixStream,
    tty: bool,
    interactive: bool,
    sig_proxy: bool,
    o: &StreamOptions,
) -> Result<i32> {
    let (sig_r, sig_w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC | nix::fcntl::OFlag::O_NONBLOCK)?;
    SIGNAL_PIPE.store(sig_w.as_raw_fd(), Ordering::Relaxed);
    if sig_proxy && !tty {
        for s in PROXIED {
            install(*s);
        }
    }
    let _raw = if tty && interactive {
        RawMode::enter(libc::STDIN_FILENO)
    } else {
        None
    };
    if tty {
        install(libc::SIGWINCH);
        if let Some(f) = winsize_frame() {
            let _ = conn.write_all(&f);
        }
    }
    let mut stdin_open = interactive;
    let mut matched = 0usize;
    let mut dec = Decoder::default();
    let mut buf = vec![0u8; 32 * 1024];
    let mut sig_file = std::fs::File::from(sig_r);
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    loop {
        let mut pfds = [
            libc::pollfd {
                fd: conn.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: sig_file.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: if stdin_open { libc::STDIN_FILENO } else { -1 },
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: pfds is a valid array of 3 pollfd.
        let n = unsafe { libc::poll(pfds.as_mut_ptr(), 3, -1) };
        if n < 0 {
            continue;
        }
        if pfds[1].revents != 0 {
            let mut sigs = [0u8; 64];
            if let Ok(k) = sig_file.read(&mut sigs) {
                for s in &sigs[..k] {
                    let frame = if *s as i32 == libc::SIGWINCH {
                        winsize_frame()
                    } else {
                        Some(attach::encode(attach::SIGNAL, &(*s as i32).to_be_bytes()))
                    };
                    if let Some(f) = frame {
                        let _ = conn.write_all(&f);
                    }
                }
            }
        }
        if pfds[2].revents != 0 {
            // SAFETY: read into our buffer from stdin.
            let k = unsafe { libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len()) };
            if k <= 0 {
                stdin_open = false;
                if !tty {
                    let _ = conn.write_all(&attach::encode(attach::STDIN, &[]));
                }
            } else {
                let data = &buf[..k as usize];
                // docker's detach keys with a tty (ctrl-p ctrl-q unless --detach-keys): the client
                // leaves, the container runs on.
                if tty && let Some(start) = find_detach(&o.detach_keys, &mut matched, data) {
                    if start > 0 {
                        let _ = conn.write_all(&attach::encode(attach::STDIN, &data[..start]));
                    }
                    drop(_raw);
                    let _ = writeln!(std::io::stderr(), "\r\nread escape sequence");
                    return Ok(0);
                }
                let _ = conn.write_all(&attach::encode(attach::STDIN, data));
            }
        }
        if pfds[0].revents != 0 {
            let k = conn.read(&mut buf).unwrap_or(0);
            if k == 0 {
                // The monitor is gone without an exit frame: the recorded state has the code.
                drop(_raw);
                return ctr::wait(p, id).or(Ok(255));
            }
            dec.feed(&buf[..k]);
            while let Some((kind, data)) = dec.next_frame()? {
                match kind {
                    attach::STDOUT if o.stdout => {
                        out.write_all(&data)?;
                        out.flush()?;
                    }
                    attach::STDERR if o.stderr => {
                        err.write_all(&data)?;
                        err.flush()?;
                    }
                    attach::EXIT if data.len() == 4 => {
                        return Ok(i32::from_be_bytes([data[0], data[1], data[2], data[3]]));
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detach_keys_parse_as_docker_and_match_across_reads() {
        assert_eq!(parse_detach_keys("").unwrap(), vec![0x10, 0x11]);
        assert_eq!(
            parse_detach_keys("ctrl-a,x,ctrl-\\").unwrap(),
            vec![1, b'x', 0x1c]
        );
        crate::testing::assert_err(parse_detach_keys("ctrl-1"), "Unknown character: 'ctrl-1'");
        let keys = parse_detach_keys("ctrl-x,y").unwrap();
        let mut m = 0;
        assert_eq!(find_detach(&keys, &mut m, b"ab\x18"), None);
        assert_eq!(find_detach(&keys, &mut m, b"y"), Some(0));
        let mut m = 0;
        assert_eq!(find_detach(&keys, &mut m, b"ls\x18\x18y"), Some(3));
        let mut m = 0;
        assert_eq!(find_detach(&keys, &mut m, b"\x18zy"), None);
    }
}

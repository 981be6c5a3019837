//! `exec [-i] [-t] [-d] [-e] [-u] [-w] CONTAINER COMMAND [ARG...]`: a process in a running container,
//! through the same runtime pipeline as the container's init; exits with the process's code.

use crate::engine::container::{self as ctr, ExecOptions};
use anyhow::{Context, Result};
use clap::Args;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Detached mode: run command in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Keep STDIN open even if not attached
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY
    #[arg(short = 't', long)]
    pub tty: bool,
    /// Set environment variables
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// Read in a file of environment variables
    #[arg(long = "env-file")]
    pub env_file: Vec<std::path::PathBuf>,
    /// Username or UID (format: "<name|uid>[:<group|gid>]")
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Working directory inside the container
    #[arg(short = 'w', long)]
    pub workdir: Option<String>,
    /// Give extended privileges to the command
    #[arg(long)]
    pub privileged: bool,
    /// Override the key sequence for detaching a container
    #[arg(long = "detach-keys")]
    pub detach_keys: Option<String>,
    pub container: String,
    #[arg(required = true, trailing_var_arg = true)]
    pub command: Vec<String>,
}

pub fn exec_cmd(p: &crate::engine::Context, a: ExecArgs) -> Result<i32> {
    // Joining a running container needs the sealed binary (CVE-2019-5736); this re-executes us from a
    // sealed copy and returns only once we run from one. No threads exist yet in `exec`.
    crate::engine::container::ensure_sealed()?;
    let keys = super::attach::parse_detach_keys(a.detach_keys.as_deref().unwrap_or(""))?;
    // docker's order: the files first, then `-e` (a later entry wins per key).
    let mut items = Vec::new();
    for f in &a.env_file {
        let data = std::fs::read(f).with_context(|| format!("open {}", f.display()))?;
        items.extend(parse_env_file(&data, &f.display().to_string())?);
    }
    items.extend(a.env.iter().cloned());
    let env = items
        .iter()
        .filter_map(|e| {
            if e.contains('=') {
                Some(e.clone())
            } else {
                std::env::var(e).ok().map(|v| format!("{e}={v}"))
            }
        })
        .collect();
    let o = ExecOptions {
        cmd: a.command.clone(),
        env,
        user: a.user.clone(),
        workdir: a.workdir.clone(),
        tty: a.tty,
        interactive: a.interactive,
        detach: a.detach,
        privileged: a.privileged,
    };
    let h = match ctr::exec(p, &a.container, &o) {
        Ok(h) => h,
        Err(e) => {
            if let Some(x) = e.downcast_ref::<ctr::ExitCodeError>() {
                return Err(anyhow::Error::new(super::StatusError {
                    code: x.code,
                    msg: format!("{e:#}"),
                }));
            }
            return Err(e);
        }
    };
    if a.detach {
        return Ok(0);
    }
    if let Some(master) = h.pty_master
        && pump_pty(std::fs::File::from(master), a.interactive, &keys)?
    {
        // Detached: the process runs on, its pty held by the drainer pump_pty left behind.
        return Ok(0);
    }
    let status = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(h.pid), None)
        .context("waiting for exec")?;
    let code = match status {
        nix::sys::wait::WaitStatus::Exited(_, c) => c,
        nix::sys::wait::WaitStatus::Signaled(_, s, _) => 128 + s as i32,
        _ => 255,
    };
    ctr::exec_died(p, h.die_event, code);
    Ok(code)
}

/// docker's env-file format (its `opts.ParseEnvFile`): one `K=V` or bare `K` (taken from the caller's
/// environment, dropped when unset) a line; leading whitespace ignored; empty lines and `#` comments
/// skipped; a name with whitespace or a file that is not UTF-8 is an error.
fn parse_env_file(data: &[u8], name: &str) -> Result<Vec<String>> {
    let text = std::str::from_utf8(data)
        .map_err(|_| anyhow::anyhow!("env file {name} contains invalid utf8 bytes"))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim_start();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (k, v) = match l.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (l, None),
        };
        if k.is_empty() {
            anyhow::bail!("no variable name on line '{line}' ({name}:{})", i + 1);
        }
        if k.contains(char::is_whitespace) {
            anyhow::bail!("variable '{k}' contains whitespaces");
        }
        out.push(match v {
            Some(v) => format!("{k}={v}"),
            None => k.to_string(),
        });
    }
    Ok(out)
}

/// Copy the pty to our stdout and (with -i) our stdin to the pty, in raw mode, until the pty closes
/// (false) or the detach sequence `keys` is typed (true): then, as docker's exec, the process runs on;
/// a forked child keeps its pty open and drains its output until it ends, since no daemon holds it.
fn pump_pty(mut master: std::fs::File, interactive: bool, keys: &[u8]) -> Result<bool> {
    // SAFETY: termios calls on our own stdin with structs we own; restored below.
    let saved = unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if interactive && libc::isatty(0) == 1 && libc::tcgetattr(0, &mut t) == 0 {
            let s = t;
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(0, libc::TCSANOW, &t);
            Some(s)
        } else {
            None
        }
    };
    // SAFETY: TIOCGWINSZ/TIOCSWINSZ with a winsize we own: the exec'd shell starts at our size.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(1, libc::TIOCGWINSZ, &mut ws) == 0 {
            libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &ws);
        }
    }
    let mut out = std::io::stdout();
    let mut buf = vec![0u8; 16 * 1024];
    let mut stdin_open = interactive;
    let mut matched = 0;
    let mut detached = false;
    loop {
        let mut pfds = [
            libc::pollfd {
                fd: master.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: if stdin_open { 0 } else { -1 },
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: valid pollfd array of length 2.
        if unsafe { libc::poll(pfds.as_mut_ptr(), 2, -1) } < 0 {
            continue;
        }
        if pfds[1].revents != 0 {
            // SAFETY: read into our buffer.
            let k = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
            if k <= 0 {
                stdin_open = false;
            } else {
                let data = &buf[..k as usize];
                if let Some(start) = super::attach::find_detach(keys, &mut matched, data) {
                    let _ = master.write_all(&data[..start]);
                    detached = true;
                    break;
                }
                let _ = master.write_all(data);
            }
        }
        if pfds[0].revents != 0 {
            match master.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(k) => {
                    out.write_all(&buf[..k])?;
                    out.flush()?;
                }
            }
        }
    }
    if let Some(s) = saved {
        // SAFETY: restoring saved attributes.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &s) };
    }
    if detached {
        let _ = writeln!(std::io::stderr(), "\r\nread escape sequence");
        // SAFETY: `exec` has no other threads; the child only reads, then exits.
        if unsafe { libc::fork() } == 0 {
            // SAFETY: setsid in the fresh child: the caller's terminal signals no longer reach it.
            unsafe { libc::setsid() };
            // Our caller's pipes close when we exit, not when the process ends.
            if let Ok(null) = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/null")
            {
                for fd in 0..3 {
                    // SAFETY: dup2 onto the standard descriptors of this child.
                    unsafe { libc::dup2(null.as_raw_fd(), fd) };
                }
            }
            let mut sink = [0u8; 4096];
            while matches!(master.read(&mut sink), Ok(k) if k > 0) {}
            // SAFETY: ends the child without running the parent's exit handlers.
            unsafe { libc::_exit(0) };
        }
    }
    Ok(detached)
}

#[cfg(test)]
mod tests {
    use super::parse_env_file;

    #[test]
    fn env_file_lines_as_docker_reads_them() {
        let f = b"# comment\n\n  A=1\nB\nC=x=y\nD=\n";
        assert_eq!(parse_env_file(f, "f").unwrap(), ["A=1", "B", "C=x=y", "D="]);
        let err = parse_env_file(b"A B=1\n", "f").unwrap_err().to_string();
        assert!(err.contains("contains whitespaces"), "{err}");
        let err = parse_env_file(b"=1\n", "f").unwrap_err().to_string();
        assert!(err.contains("no variable name"), "{err}");
        assert!(parse_env_file(b"A=\xff\n", "f").is_err());
    }
}

//! The sync channel between the caller and its forked children (stage, init, exec process, helpers): one
//! typed message per SOCK_SEQPACKET packet, a one-byte tag then a payload, and at most one fd passed with
//! SCM_RIGHTS. The protocol, in order (docs/architecture.md, process model):
//!
//! - child → caller [`Msg::Ready`]: the user namespace exists; the caller writes the maps, places the cgroup,
//!   then answers [`Msg::Go`] (or [`Msg::Quit`]).
//! - stage → caller [`Msg::NetNs`], [`Msg::UserNs`] (only for an `on_namespaces` hook), then
//!   [`Msg::InitPid`]; with a hook the caller answers Go or Quit once the hook returned.
//! - init → caller [`Msg::PtyMaster`] (a console was asked for), then [`Msg::Exec`] just before execve, or one
//!   of [`Msg::Failed`], [`Msg::NotFound`], [`Msg::NotExecutable`].
//!
//! Depends on libc and nix (sockets) only. The channel is CLOEXEC: it reads EOF once every child exec'd.

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use anyhow::{Context, Result, bail};
use nix::sys::socket::{ControlMessage, ControlMessageOwned, MsgFlags, recvmsg, sendmsg};

/// One message of the sync channel.
#[derive(Debug)]
pub(crate) enum Msg {
    /// `R`: ready for the uid/gid maps and cgroup placement.
    Ready,
    /// `G`: go on.
    Go,
    /// `Q`: the caller gave up; exit.
    Quit,
    /// `n` + fd: the container's network namespace, for the caller's hook.
    NetNs(OwnedFd),
    /// `u` + fd: the container's user namespace, for the caller's hook.
    UserNs(OwnedFd),
    /// `P<pid>`: host pid of the init (or exec process), cloned with CLONE_PARENT.
    InitPid(i32),
    /// `T` + fd: the pty master of the container's console.
    PtyMaster(OwnedFd),
    /// `X`: about to execve the payload (helpers: the work is done).
    Exec,
    /// `E<step>\0<message>`: a setup step failed (helpers send their error text as the step).
    Failed { step: String, message: String },
    /// `N<name>`: the payload was not found (docker exit 127).
    NotFound(String),
    /// `A<name>`: the payload is not executable (docker exit 126).
    NotExecutable(String),
}

impl Msg {
    /// Wire form: the packet bytes and the fd to pass with them.
    pub(crate) fn encode(&self) -> (Vec<u8>, Option<RawFd>) {
        let text = |tag: u8, s: &str| {
            let mut v = Vec::with_capacity(s.len() + 1);
            v.push(tag);
            v.extend_from_slice(s.as_bytes());
            v
        };
        match self {
            Msg::Ready => (vec![b'R'], None),
            Msg::Go => (vec![b'G'], None),
            Msg::Quit => (vec![b'Q'], None),
            Msg::NetNs(fd) => (vec![b'n'], Some(fd.as_raw_fd())),
            Msg::UserNs(fd) => (vec![b'u'], Some(fd.as_raw_fd())),
            Msg::InitPid(p) => (text(b'P', &p.to_string()), None),
            Msg::PtyMaster(fd) => (vec![b'T'], Some(fd.as_raw_fd())),
            Msg::Exec => (vec![b'X'], None),
            Msg::Failed { step, message } => {
                let mut v = text(b'E', step);
                v.push(0);
                v.extend_from_slice(message.as_bytes());
                (v, None)
            }
            Msg::NotFound(n) => (text(b'N', n), None),
            Msg::NotExecutable(n) => (text(b'A', n), None),
        }
    }

    /// Parses one packet and the fd that came with it. A packet that is empty, has an unknown tag, lacks its
    /// fd or carries an unparsable pid is an error (the fd, if any, is closed).
    pub(crate) fn decode(bytes: &[u8], fd: Option<OwnedFd>) -> Result<Msg> {
        let Some((&tag, payload)) = bytes.split_first() else {
            bail!("empty message on the sync channel");
        };
        let text = || String::from_utf8_lossy(payload).into_owned();
        let with_fd = |f: fn(OwnedFd) -> Msg, fd: Option<OwnedFd>| match fd {
            Some(fd) => Ok(f(fd)),
            None => bail!("message {:?} arrived without its fd", tag as char),
        };
        Ok(match tag {
            b'R' => Msg::Ready,
            b'G' => Msg::Go,
            b'Q' => Msg::Quit,
            b'n' => return with_fd(Msg::NetNs, fd),
            b'u' => return with_fd(Msg::UserNs, fd),
            b'T' => return with_fd(Msg::PtyMaster, fd),
            b'P' => Msg::InitPid(
                text()
                    .parse()
                    .with_context(|| format!("bad pid {:?} on the sync channel", text()))?,
            ),
            b'X' => Msg::Exec,
            b'E' => {
                let t = text();
                let (step, message) = t.split_once('\0').unwrap_or((&t, ""));
                Msg::Failed {
                    step: step.to_string(),
                    message: message.to_string(),
                }
            }
            b'N' => Msg::NotFound(text()),
            b'A' => Msg::NotExecutable(text()),
            other => bail!("unknown message tag {other:#04x} on the sync channel"),
        })
    }
}

/// A failure's text as one line: "step: message", or the step alone when there is no message.
pub(crate) fn failure_text(step: &str, message: &str) -> String {
    if message.is_empty() {
        step.to_string()
    } else {
        format!("{step}: {message}")
    }
}

/// Sends one message (best effort: the reader may be gone, and a child has nobody to tell).
pub(crate) fn send(sock: RawFd, m: &Msg) {
    let (bytes, fd) = m.encode();
    match fd {
        Some(fd) => {
            let fds = [fd];
            let iov = [IoSlice::new(&bytes)];
            let cmsg = [ControlMessage::ScmRights(&fds)];
            let _ = sendmsg::<()>(sock, &iov, &cmsg, MsgFlags::MSG_NOSIGNAL, None);
        }
        // SAFETY: send on our socket with a buffer we own.
        None => unsafe {
            libc::send(
                sock,
                bytes.as_ptr() as *const libc::c_void,
                bytes.len(),
                libc::MSG_NOSIGNAL,
            );
        },
    }
}

/// Sends a message that carries an fd, reporting a failure (the fd must arrive).
pub(crate) fn send_with_fd(sock: RawFd, m: &Msg) -> Result<()> {
    let (bytes, fd) = m.encode();
    let fds: Vec<RawFd> = fd.into_iter().collect();
    let iov = [IoSlice::new(&bytes)];
    let cmsg = [ControlMessage::ScmRights(&fds)];
    sendmsg::<()>(sock, &iov, &cmsg, MsgFlags::MSG_NOSIGNAL, None).context("sendmsg SCM_RIGHTS")?;
    Ok(())
}

/// How long the caller waits for any one message from the stage or init before giving up on a hung setup
/// (a stuck fuse-overlayfs or NFS mount), killing the init and reporting the step it never finished.
pub(crate) const SETUP_TIMEOUT_SECS: libc::time_t = 60;

/// One received message; `None` at EOF.
pub(crate) fn recv(sock: RawFd) -> Result<Option<Msg>> {
    let mut buf = vec![0u8; 8192];
    let mut space = nix::cmsg_space!([RawFd; 1]);
    let (n, fd) = {
        let mut iov = [IoSliceMut::new(&mut buf)];
        let msg = loop {
            match recvmsg::<()>(sock, &mut iov, Some(&mut space), MsgFlags::MSG_CMSG_CLOEXEC) {
                Err(nix::errno::Errno::EINTR) => continue,
                Err(nix::errno::Errno::EAGAIN) => {
                    bail!("container setup did not answer within {SETUP_TIMEOUT_SECS}s")
                }
                r => break r.context("reading the sync channel")?,
            }
        };
        let mut fd = None;
        for c in msg.cmsgs().context("reading control messages")? {
            if let ControlMessageOwned::ScmRights(fds) = c {
                for f in fds {
                    // SAFETY: the kernel installed this fd for us with SCM_RIGHTS.
                    let o = unsafe { OwnedFd::from_raw_fd(f) };
                    if fd.is_none() {
                        fd = Some(o);
                    }
                }
            }
        }
        (msg.bytes, fd)
    };
    if n == 0 {
        return Ok(None);
    }
    Msg::decode(&buf[..n], fd).map(Some)
}

/// In a child: waits for [`Msg::Go`]; anything else (Quit, EOF, an error) ends the child at once.
pub(crate) fn wait_go(sock: RawFd) {
    match recv(sock) {
        Ok(Some(Msg::Go)) => {}
        // SAFETY: the caller gave up; exit without running the caller's destructors.
        _ => unsafe { libc::_exit(1) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devnull() -> OwnedFd {
        std::fs::File::open("/dev/null").unwrap().into()
    }

    fn round_trip(m: Msg) -> Msg {
        let (bytes, fd) = m.encode();
        // Simulate the fd crossing the socket as a fresh descriptor.
        let fd = fd.map(|_| devnull());
        Msg::decode(&bytes, fd).unwrap()
    }

    #[test]
    fn every_message_survives_encode_and_decode() {
        assert!(matches!(round_trip(Msg::Ready), Msg::Ready));
        assert!(matches!(round_trip(Msg::Go), Msg::Go));
        assert!(matches!(round_trip(Msg::Quit), Msg::Quit));
        assert!(matches!(round_trip(Msg::Exec), Msg::Exec));
        assert!(matches!(round_trip(Msg::InitPid(4242)), Msg::InitPid(4242)));
        assert!(matches!(round_trip(Msg::NetNs(devnull())), Msg::NetNs(_)));
        assert!(matches!(round_trip(Msg::UserNs(devnull())), Msg::UserNs(_)));
        assert!(matches!(
            round_trip(Msg::PtyMaster(devnull())),
            Msg::PtyMaster(_)
        ));
        match round_trip(Msg::Failed {
            step: "mounting /proc".into(),
            message: "EPERM: no".into(),
        }) {
            Msg::Failed { step, message } => {
                assert_eq!(step, "mounting /proc");
                assert_eq!(message, "EPERM: no");
            }
            other => panic!("{other:?}"),
        }
        match round_trip(Msg::NotFound("sh x".into())) {
            Msg::NotFound(n) => assert_eq!(n, "sh x"),
            other => panic!("{other:?}"),
        }
        match round_trip(Msg::NotExecutable("/etc".into())) {
            Msg::NotExecutable(n) => assert_eq!(n, "/etc"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_wire_tags_are_the_documented_ones() {
        let tags: Vec<u8> = [
            Msg::Ready,
            Msg::Go,
            Msg::Quit,
            Msg::InitPid(1),
            Msg::Exec,
            Msg::NotFound(String::new()),
            Msg::NotExecutable(String::new()),
        ]
        .iter()
        .map(|m| m.encode().0[0])
        .collect();
        assert_eq!(tags, b"RGQPXNA");
        assert_eq!(Msg::InitPid(77).encode().0, b"P77");
        let (b, fd) = Msg::Failed {
            step: "a".into(),
            message: "b".into(),
        }
        .encode();
        assert_eq!((b.as_slice(), fd), (&b"Ea\0b"[..], None));
    }

    #[test]
    fn a_failure_without_a_message_is_its_step_alone() {
        match Msg::decode(b"Eremoving x: denied", None).unwrap() {
            Msg::Failed { step, message } => {
                assert_eq!(failure_text(&step, &message), "removing x: denied")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(failure_text("pivot_root", "EINVAL"), "pivot_root: EINVAL");
    }

    #[test]
    fn malformed_packets_are_errors() {
        let e = Msg::decode(b"", None).unwrap_err();
        assert!(format!("{e}").contains("empty message"), "{e}");
        let e = Msg::decode(b"Z", None).unwrap_err();
        assert!(format!("{e}").contains("unknown message tag 0x5a"), "{e}");
        let e = Msg::decode(b"Pnot-a-pid", None).unwrap_err();
        assert!(format!("{e}").contains("bad pid"), "{e}");
        let e = Msg::decode(b"P", None).unwrap_err();
        assert!(format!("{e}").contains("bad pid"), "{e}");
        for t in [b"T", b"n", b"u"] {
            let e = Msg::decode(t, None).unwrap_err();
            assert!(format!("{e}").contains("without its fd"), "{e}");
        }
    }

    #[test]
    fn messages_cross_a_real_socketpair_with_their_fds() {
        let (a, b) = crate::runtime::sys::socketpair().unwrap();
        send(a.as_raw_fd(), &Msg::InitPid(12));
        send_with_fd(a.as_raw_fd(), &Msg::PtyMaster(devnull())).unwrap();
        send(
            a.as_raw_fd(),
            &Msg::Failed {
                step: "s".into(),
                message: "m".into(),
            },
        );
        drop(a);
        assert!(matches!(
            recv(b.as_raw_fd()).unwrap(),
            Some(Msg::InitPid(12))
        ));
        assert!(matches!(
            recv(b.as_raw_fd()).unwrap(),
            Some(Msg::PtyMaster(_))
        ));
        assert!(matches!(
            recv(b.as_raw_fd()).unwrap(),
            Some(Msg::Failed { .. })
        ));
        assert!(recv(b.as_raw_fd()).unwrap().is_none());
    }
}

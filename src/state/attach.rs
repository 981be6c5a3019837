//! The attach protocol spoken over `<run_root>/containers/<id>/attach.sock` between a container's monitor
//! and a client (foreground `run`, `start -a`). Frames: one type byte, a big-endian u32 length, the payload.
//!
//! Monitor -> client: [`STDOUT`], [`STDERR`] data, then [`EXIT`] with the exit code (i32 BE) once the
//! container's state is recorded. Client -> monitor: [`STDIN`] data (an empty frame closes stdin),
//! [`RESIZE`] (rows u16, cols u16), [`SIGNAL`] (i32). The socket lives in a 0700 directory that is never
//! mounted into a container (docs/security.md F5); no abstract sockets.

use anyhow::{Result, bail};
use std::io::{Read, Write};

pub const STDIN: u8 = 0;
pub const STDOUT: u8 = 1;
pub const STDERR: u8 = 2;
pub const EXIT: u8 = 3;
pub const RESIZE: u8 = 4;
pub const SIGNAL: u8 = 5;

/// Largest payload accepted in one frame.
pub const MAX_FRAME: usize = 1 << 20;

pub fn encode(kind: u8, data: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(5 + data.len());
    v.push(kind);
    v.extend_from_slice(&(data.len() as u32).to_be_bytes());
    v.extend_from_slice(data);
    v
}

pub fn write_frame(w: &mut dyn Write, kind: u8, data: &[u8]) -> std::io::Result<()> {
    w.write_all(&encode(kind, data))
}

/// Read one frame, `None` at a clean end of stream.
pub fn read_frame(r: &mut dyn Read) -> Result<Option<(u8, Vec<u8>)>> {
    let mut head = [0u8; 5];
    match r.read_exact(&mut head) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    if len > MAX_FRAME {
        bail!("attach frame of {len} bytes is too large");
    }
    let mut data = vec![0u8; len];
    r.read_exact(&mut data)?;
    Ok(Some((head[0], data)))
}

/// Incremental decoder for a non-blocking reader: feed bytes, take whole frames.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    pub fn feed(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    pub fn next_frame(&mut self) -> Result<Option<(u8, Vec<u8>)>> {
        if self.buf.len() < 5 {
            return Ok(None);
        }
        let len = u32::from_be_bytes([self.buf[1], self.buf[2], self.buf[3], self.buf[4]]) as usize;
        if len > MAX_FRAME {
            bail!("attach frame of {len} bytes is too large");
        }
        if self.buf.len() < 5 + len {
            return Ok(None);
        }
        let kind = self.buf[0];
        let data = self.buf[5..5 + len].to_vec();
        self.buf.drain(..5 + len);
        Ok(Some((kind, data)))
    }
}

/// A unix socket path can hold only 108 bytes, and run roots can be deep: reach the socket through an
/// open directory fd (`/proc/self/fd/N/attach.sock`). Keep the returned `File` alive while using the path.
pub fn short_socket_path(
    sock: &std::path::Path,
) -> std::io::Result<(std::fs::File, std::path::PathBuf)> {
    use std::os::fd::AsRawFd;
    let dir = sock.parent().unwrap_or(std::path::Path::new("/"));
    let d = std::fs::File::open(dir)?;
    let name = sock.file_name().unwrap_or_default();
    let p = std::path::PathBuf::from(format!("/proc/self/fd/{}", d.as_raw_fd())).join(name);
    Ok((d, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_through_stream_and_decoder() {
        let mut wire = encode(STDOUT, b"hello\n");
        wire.extend(encode(EXIT, &3i32.to_be_bytes()));
        let mut r = &wire[..];
        assert_eq!(
            read_frame(&mut r).unwrap(),
            Some((STDOUT, b"hello\n".to_vec()))
        );
        assert_eq!(
            read_frame(&mut r).unwrap(),
            Some((EXIT, 3i32.to_be_bytes().to_vec()))
        );
        assert_eq!(read_frame(&mut r).unwrap(), None);
        let mut d = Decoder::default();
        d.feed(&wire[..3]);
        assert!(d.next_frame().unwrap().is_none());
        d.feed(&wire[3..]);
        assert_eq!(d.next_frame().unwrap().unwrap().0, STDOUT);
        assert_eq!(d.next_frame().unwrap().unwrap().0, EXIT);
    }
}

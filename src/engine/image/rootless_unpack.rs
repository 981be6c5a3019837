//! Rootless layer unpacking inside a user namespace with the user's subordinate ids (as podman does), so
//! the files carry the image's owners inside a rootless container (docs/layout.md "Images": `owners`).
//!
//! A user namespace needs a single-threaded process and the pull unpacks on several threads, so each layer
//! is unpacked in a forked child that is root of a user namespace with a rootless container's maps
//! ([`crate::runtime::in_userns`]: container uid 0 is the user, 1.. the /etc/subuid range), and the pull
//! streams the decompressed tar to it through a pipe. The pull keeps hashing the stream itself (diffID), so
//! verification is the same as rootful. The stream goes in frames (a length, then bytes; length 0 ends it):
//! children forked by concurrent layers inherit each other's pipe ends, so a child never waits for EOF, only
//! for its end frame; a feeder that fails sends an abort frame, so its child always ends. Rootful pulls do
//! not come here.
//!
//! `runtime::in_userns` is called from a pull worker thread: the forked child is single-threaded (so it
//! may create the user namespace), allocates through glibc's malloc, which its fork handlers keep usable
//! in the child, and takes no other lock of the parent's threads (no stdio, no logging) before `_exit`.

use crate::image::{IdMap, UnpackLimits, UnpackReport, unpack_layer};
use crate::store::layers::{OWNERS_NONE, OWNERS_USERNS};
use anyhow::{Context as _, Result, bail};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::Path;

/// Frame length that tells the child the feeder failed.
const ABORT: u32 = u32::MAX;
/// Bytes per frame.
const FRAME: usize = 256 << 10;

/// What the child sends back (written to a file in the layer's work dir, which the caller removes).
#[derive(serde::Serialize, serde::Deserialize)]
struct ChildReport {
    report: UnpackReport,
    owners: String,
}

/// Unpack the tar stream `input` into `diff` (an empty directory inside `work`) in a user namespace child,
/// reading `input` to EOF. Returns the unpack report and the `owners` value for layer.json.
pub fn unpack(
    input: &mut dyn Read,
    diff: &Path,
    work: &Path,
    limits: &UnpackLimits,
) -> Result<(UnpackReport, &'static str)> {
    let report_path = work.join("unpack-report.json");
    let (rd, wr) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating a pipe")?;
    let (child, fed) = std::thread::scope(|s| {
        let report_path = &report_path;
        let child = s.spawn(move || {
            // `rd` moves into the child's closure: the parent's copy closes when in_userns returns.
            crate::runtime::in_userns("unpacking the layer", move || {
                let mut frames = FrameReader {
                    pipe: File::from(rd),
                    left: 0,
                    done: false,
                };
                let report = unpack_layer(&mut frames, diff, limits, true)?;
                // Trailing bytes still come through the pipe until the end frame.
                io::copy(&mut frames, &mut io::sink()).context("reading the rest of the layer")?;
                let owners = match IdMap::of_self() {
                    IdMap::Subordinate => OWNERS_USERNS,
                    IdMap::OwnIdOnly | IdMap::Host => OWNERS_NONE,
                };
                let out = ChildReport {
                    report,
                    owners: owners.to_string(),
                };
                fs::write(report_path, serde_json::to_vec(&out)?)
                    .context("writing the unpack report")
            })
        });
        let mut pipe = File::from(wr);
        let fed = feed(input, &mut pipe);
        if fed.is_err() {
            // Tell the child to stop; a child already gone makes this fail, which is fine.
            let _ = pipe.write_all(&ABORT.to_le_bytes());
        }
        drop(pipe);
        (child.join(), fed)
    });
    let child = match child {
        Ok(r) => r,
        Err(_) => bail!("the unpack thread panicked"),
    };
    // The child's error says why it stopped (the feeder then only saw a closed pipe); a feeder error with a
    // child that ended well (aborted) is the stream's own failure.
    child?;
    fed?;
    let data = fs::read(&report_path).context("reading the unpack report")?;
    fs::remove_file(&report_path).context("removing the unpack report")?;
    let out: ChildReport = serde_json::from_slice(&data).context("parsing the unpack report")?;
    let owners = if out.owners == OWNERS_USERNS {
        OWNERS_USERNS
    } else {
        OWNERS_NONE
    };
    Ok((out.report, owners))
}

/// Copy `input` to EOF into `pipe` as frames, then the end frame.
fn feed(input: &mut dyn Read, pipe: &mut File) -> Result<()> {
    let mut buf = vec![0u8; FRAME];
    loop {
        let n = match input.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context("reading the layer"),
        };
        pipe.write_all(&(n as u32).to_le_bytes())
            .and_then(|()| pipe.write_all(&buf[..n]))
            .context("sending the layer to the unpack child")?;
        if n == 0 {
            return Ok(());
        }
    }
}

/// The child's side of [`feed`]: reads frames, EOF at the end frame, an error at an abort frame.
struct FrameReader {
    pipe: File,
    left: usize,
    done: bool,
}

impl Read for FrameReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.left == 0 {
            if self.done {
                return Ok(0);
            }
            let mut len = [0u8; 4];
            self.pipe.read_exact(&mut len)?;
            match u32::from_le_bytes(len) {
                0 => self.done = true,
                ABORT => return Err(io::Error::other("the layer stream failed")),
                n => self.left = n as usize,
            }
        }
        let want = buf.len().min(self.left);
        let n = self.pipe.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.left -= n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_carry_the_stream_and_end_at_the_end_frame() {
        let (rd, wr) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
        let data: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
        let writer = {
            let data = data.clone();
            std::thread::spawn(move || {
                let mut pipe = File::from(wr);
                feed(&mut &data[..], &mut pipe).unwrap();
                // Bytes after the end frame are never read as the stream.
                pipe.write_all(b"junk").unwrap();
            })
        };
        let mut r = FrameReader {
            pipe: File::from(rd),
            left: 0,
            done: false,
        };
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap();
        writer.join().unwrap();
        assert_eq!(got, data);
    }

    #[test]
    fn an_abort_frame_is_an_error() {
        let (rd, wr) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
        let mut pipe = File::from(wr);
        pipe.write_all(&3u32.to_le_bytes()).unwrap();
        pipe.write_all(b"abc").unwrap();
        pipe.write_all(&ABORT.to_le_bytes()).unwrap();
        let mut r = FrameReader {
            pipe: File::from(rd),
            left: 0,
            done: false,
        };
        let mut got = Vec::new();
        let err = r.read_to_end(&mut got).unwrap_err();
        assert_eq!(err.to_string(), "the layer stream failed");
        assert_eq!(got, b"abc");
    }
}

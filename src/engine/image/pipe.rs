//! The plumbing of a layer's pull pipeline (issue 14): the download, the inflate and the unpack of one
//! layer run on three threads joined by bounded channels of byte chunks, so a layer's download, its
//! sha256, its decompression and its file creation overlap instead of taking turns on one core.
//!
//! A stream ends only by an explicit end marker (an empty chunk): a stage that stops without sending it
//! (an error, a panic) is seen downstream as a failed read, never as a clean EOF, so a truncated stream
//! can never pass for a whole one. A stage whose receiver has gone (downstream failed) stops with
//! [`Stopped`]; the caller reports the first real error in stream order.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Bytes per chunk: large enough that the per-chunk costs (a channel hand-off, a decompressor call, a
/// `write(2)` of file content) are small next to the bytes moved.
pub(super) const CHUNK: usize = 256 << 10;
/// Chunks in flight per channel, plus one being filled and one being read at each end: the memory a
/// layer's pipeline holds is bounded at about 2 x (DEPTH + 2) x CHUNK (3 MiB), whatever the layer size.
const DEPTH: usize = 4;

/// A chunk, an empty one ending the stream, or the error that ended it upstream.
type Chunk = io::Result<Vec<u8>>;

/// A stage gave up because the next one stopped reading (that one's error is the one to report).
#[derive(Debug)]
pub(super) struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the next pipeline stage stopped")
    }
}

impl std::error::Error for Stopped {}

/// The sending end of a stage, with the buffers the receiver handed back for reuse.
pub(super) struct Sender {
    tx: SyncSender<Chunk>,
    spare: Receiver<Vec<u8>>,
}

/// The reading end: a [`Read`] over the chunks, returning consumed buffers to the sender.
pub(super) struct Reader {
    rx: Receiver<Chunk>,
    spare: SyncSender<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
    ended: bool,
}

/// A bounded channel of chunks.
pub(super) fn channel() -> (Sender, Reader) {
    let (tx, rx) = sync_channel(DEPTH);
    let (spare_tx, spare_rx) = sync_channel(DEPTH + 2);
    (
        Sender {
            tx,
            spare: spare_rx,
        },
        Reader {
            rx,
            spare: spare_tx,
            cur: Vec::new(),
            pos: 0,
            ended: false,
        },
    )
}

impl Sender {
    /// Fill one chunk from `from` and send it; returns the bytes sent, fewer than [`CHUNK`] only at `from`'s
    /// EOF (0: nothing sent).
    /// A read error is sent on (the reader fails with its text) and returned.
    #[cfg(test)]
    pub(super) fn pump(&mut self, from: &mut dyn Read) -> io::Result<usize> {
        self.pump_with(from, &mut |_| Ok(()))
    }

    /// [`Sender::pump`], handing the filled chunk to `each` before it is sent (an error there is sent on
    /// like a read error).
    fn pump_with(
        &mut self,
        from: &mut dyn Read,
        each: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<usize> {
        let mut buf = self.spare.try_recv().unwrap_or_default();
        buf.resize(CHUNK, 0);
        // Filled up (a network read brings a few KiB at a time): one hand-off per chunk, not per read.
        let mut n = 0;
        while n < buf.len() {
            match from.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = self.tx.send(Err(io::Error::new(e.kind(), e.to_string())));
                    return Err(e);
                }
            }
        }
        if n > 0 {
            buf.truncate(n);
            if let Err(e) = each(&buf) {
                let _ = self.tx.send(Err(io::Error::new(e.kind(), e.to_string())));
                return Err(e);
            }
            self.tx
                .send(Ok(buf))
                .map_err(|_| io::Error::other(Stopped))?;
        }
        Ok(n)
    }

    /// Send everything `from` holds, then the end marker; returns the bytes sent.
    pub(super) fn pump_all(self, from: &mut dyn Read) -> io::Result<u64> {
        self.pump_all_with(from, &mut |_| Ok(()))
    }

    /// [`Sender::pump_all`], handing each chunk to `each` before it is sent.
    pub(super) fn pump_all_with(
        mut self,
        from: &mut dyn Read,
        each: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<u64> {
        let mut total = 0u64;
        loop {
            let n = self.pump_with(from, each)?;
            total += n as u64;
            if n < CHUNK {
                break;
            }
        }
        self.tx
            .send(Ok(Vec::new()))
            .map_err(|_| io::Error::other(Stopped))?;
        Ok(total)
    }
}

/// Whether `e` (anywhere in its chain) is a stage stopping because the next one did.
pub(super) fn is_stopped(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.is::<Stopped>()
            || c.downcast_ref::<io::Error>()
                .and_then(|io| io.get_ref())
                .is_some_and(|inner| inner.is::<Stopped>())
    })
}

impl Reader {
    /// The next chunk's bytes (empty at the end marker): a chunk already read to its end goes back to the
    /// sender for reuse.
    fn fill(&mut self) -> io::Result<&[u8]> {
        while self.pos == self.cur.len() && !self.ended {
            match self.rx.recv() {
                Ok(Ok(next)) if next.is_empty() => self.ended = true,
                Ok(Ok(next)) => {
                    let done = std::mem::replace(&mut self.cur, next);
                    self.pos = 0;
                    if done.capacity() > 0 {
                        let _ = self.spare.try_send(done);
                    }
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    return Err(io::Error::other(
                        "the previous pipeline stage stopped before the end of the stream",
                    ));
                }
            }
        }
        Ok(&self.cur[self.pos..])
    }
}

impl Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let avail = self.fill()?;
        let n = buf.len().min(avail.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// The chunks themselves are the buffer: a decompressor reads them in place, without a copy into a
/// `BufReader` of its own.
impl io::BufRead for Reader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.fill()
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.cur.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_arrives_whole_and_in_order() {
        let data: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        let (tx, mut rx) = channel();
        let got = std::thread::scope(|s| {
            let src = data.clone();
            s.spawn(move || tx.pump_all(&mut &src[..]).unwrap());
            let mut got = Vec::new();
            rx.read_to_end(&mut got).unwrap();
            got
        });
        assert_eq!(got, data);
    }

    #[test]
    fn the_buffered_reader_hands_out_whole_chunks_in_place_and_in_order() {
        use std::io::BufRead;
        let data: Vec<u8> = (0..(2 * CHUNK + 5)).map(|i| (i % 241) as u8).collect();
        let (tx, mut rx) = channel();
        let (got, sizes) = std::thread::scope(|s| {
            let src = data.clone();
            s.spawn(move || tx.pump_all(&mut &src[..]).unwrap());
            let (mut got, mut sizes) = (Vec::new(), Vec::new());
            loop {
                let buf = rx.fill_buf().unwrap();
                if buf.is_empty() {
                    break;
                }
                // Part of a chunk, then the rest of it: consume keeps the position.
                let n = buf.len().min(1000);
                sizes.push(buf.len());
                got.extend_from_slice(&buf[..n]);
                rx.consume(n);
            }
            (got, sizes)
        });
        assert_eq!(got, data);
        assert_eq!(sizes[0], CHUNK, "a whole chunk, not a copy of part of it");
    }

    #[test]
    fn a_stage_that_stops_without_the_end_marker_is_an_error_not_an_eof() {
        let (mut tx, mut rx) = channel();
        std::thread::scope(|s| {
            s.spawn(move || {
                tx.pump(&mut &b"partial"[..]).unwrap();
                // dropped here: no end marker
            });
        });
        let mut got = Vec::new();
        let err = rx.read_to_end(&mut got).unwrap_err();
        assert!(err.to_string().contains("stopped before the end"), "{err}");
        assert_eq!(got, b"partial");
    }

    #[test]
    fn an_upstream_read_error_reaches_the_reader_and_a_gone_reader_stops_the_sender() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::InvalidData, "bad digest"))
            }
        }
        let (tx, mut rx) = channel();
        let e = tx.pump_all(&mut Failing).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let err = rx.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("bad digest"), "{err}");

        let (tx, rx) = channel();
        drop(rx);
        let e = tx.pump_all(&mut &b"x"[..]).unwrap_err();
        assert!(is_stopped(&anyhow::Error::from(e)));
    }
}

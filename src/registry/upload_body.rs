//! Blob bodies for `push`: a request whose body is a stored file goes through an async reqwest client
//! on a runtime thread of its own, fed 1 MiB reads of the file. reqwest's blocking client would read the
//! body 8 KiB at a time and hand each piece across threads (a read, a write and wake-ups per piece:
//! most of a local push's CPU time). The response comes back as an [`Answer`]: status, final URL,
//! headers and a bounded prefix of the body (only error bodies matter here).
//!
//! Must not depend on anything in berth but the parent module. Invariants: at most one 1 MiB chunk per
//! upload is in memory; the file is read as stored (its digest was verified when it came in).

use super::Failure;
use super::transport::describe_reqwest;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use reqwest::header::HeaderMap;
use std::io::Read;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

/// Bytes read from the file per chunk of a body.
const BODY_READ: u64 = 1 << 20;

/// A stored file's bytes from `offset`, `len` of them, read in 1 MiB chunks as the connection takes
/// them; `sent` counts them (progress).
pub(super) struct FileBody {
    file: std::fs::File,
    left: u64,
    sent: Option<Arc<AtomicU64>>,
}

impl FileBody {
    pub(super) fn new(file: std::fs::File, len: u64, sent: Option<Arc<AtomicU64>>) -> FileBody {
        FileBody {
            file,
            left: len,
            sent,
        }
    }
}

impl Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let want = self.left.min(BODY_READ);
        // A read of the page cache: short enough to do in place on the runtime thread.
        let mut buf = Vec::with_capacity(want as usize);
        if let Err(e) = (&mut self.file).take(want).read_to_end(&mut buf) {
            return Poll::Ready(Some(Err(e)));
        }
        if buf.is_empty() {
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "blob file shorter than its recorded size",
            ))));
        }
        self.left -= buf.len() as u64;
        if let Some(s) = &self.sent {
            s.fetch_add(buf.len() as u64, Ordering::Relaxed);
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(buf)))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

/// A response to a body request: what the upload code reads of it.
pub(super) struct Answer {
    pub status: u16,
    pub url: reqwest::Url,
    pub headers: HeaderMap,
    /// Up to the error-body bound of the response body.
    pub body: Vec<u8>,
}

/// The async client and the thread that drives its runtime; the thread ends with the value.
pub(super) struct BodyClient {
    pub http: reqwest::Client,
    handle: tokio::runtime::Handle,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl BodyClient {
    pub(super) fn new(http: reqwest::Client) -> std::io::Result<BodyClient> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = rt.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("push-body".into())
            .spawn(move || {
                let _ = rt.block_on(stopped);
            })?;
        Ok(BodyClient {
            http,
            handle,
            _stop: stop,
        })
    }

    /// Send `req` and read its answer (the body up to `max` bytes), from a thread outside the runtime.
    pub(super) fn execute(
        &self,
        req: reqwest::RequestBuilder,
        max: u64,
    ) -> Result<Answer, Failure> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.handle.spawn(async move {
            let r = async {
                let mut resp = req.send().await?;
                let (status, url, headers) = (
                    resp.status().as_u16(),
                    resp.url().clone(),
                    resp.headers().clone(),
                );
                let mut body = Vec::new();
                while (body.len() as u64) < max {
                    match resp.chunk().await? {
                        Some(c) => body.extend_from_slice(&c),
                        None => break,
                    }
                }
                body.truncate(max as usize);
                Ok(Answer {
                    status,
                    url,
                    headers,
                    body,
                })
            }
            .await;
            let _ = tx.send(r);
        });
        match rx.blocking_recv() {
            Ok(Ok(a)) => Ok(a),
            Ok(Err(e)) => Err(Failure {
                msg: describe_reqwest(&e),
                retry: !e.is_connect(),
                retry_after: None,
            }),
            Err(_) => Err(Failure::fatal("the upload's runtime stopped")),
        }
    }
}

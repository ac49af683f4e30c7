//! The two copy loops: [`receive`] (network to a file, a pipe or a listing's lines) and [`send`]
//! (file to network), with `--limit-rate`'s pace and Ctrl-C.
//!
//! Speed, on Linux over a plain TCP data connection: a download into a regular file goes by
//! splice(2) (socket to pipe to file, see [`Splicer`]), an upload of a regular file to another
//! host by sendfile(2) (see [`Source`]); the bytes never pass through ftpx. Otherwise each chunk is
//! written on this thread right after it arrives, while it is still in the CPU cache: a separate
//! writer thread measured twice the CPU per byte and twice the wall time on a 2-core machine,
//! where a third busy thread (besides the server's) fights for the cores. Memory is constant
//! whatever the file size. Stdout and devices are the exception: a pipe whose reader stalls must
//! not block the runtime (and with it Ctrl-C), so their writes go to the blocking pool.

use std::fs::File;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::task::spawn_blocking;

use crate::ftp::list::MAX_LIST_LINE;
use crate::ftp::reply::LineFramer;
use crate::ftp::{self, DataStream};
use crate::interrupt;
use crate::progress::Progress;

/// Large enough for few system calls, small enough to stay in cache between the read and the
/// write (measured against 32 KiB to 1 MiB, both directions, on a quiet 2-core machine).
const CHUNK: usize = 256 * 1024;
/// Each read of a download: 1 MiB reads took 0.70x the time of 256 KiB ones from vsftpd over
/// loopback (bench/transfer.sh, 1 GiB, two runs each, alternating; 0.7 MiB more peak RSS).
const RECV_CHUNK: usize = 1024 * 1024;

pub(super) enum Copy {
    Complete,
    /// More bytes arrived than `expected`.
    Overrun,
}

pub(super) enum CopyError {
    Local(io::Error),
    Data(ftp::Error),
    /// The listing's consumer (or its line framing) failed.
    Lines(anyhow::Error),
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

/// Where received bytes go: a regular file written on this thread, a pipe, terminal or device
/// written on the blocking pool, or a listing's lines.
pub(super) enum Output<'a> {
    File(File),
    Pipe { out: Option<Box<dyn Write + Send>>, pending: Option<WriteJob>, spare: Vec<u8> },
    Lines { framer: LineFramer, on_line: &'a mut dyn FnMut(&[u8]) -> Result<()> },
}

type WriteJob = tokio::task::JoinHandle<(Box<dyn Write + Send>, Vec<u8>, io::Result<()>)>;

impl<'a> Output<'a> {
    pub(super) fn pipe(out: Box<dyn Write + Send>) -> Output<'a> {
        Output::Pipe { out: Some(out), pending: None, spare: vec![0u8; CHUNK] }
    }

    /// Takes `buf[..n]`. A pipe keeps `buf` for its writer and hands back another buffer of the
    /// same size: one chunk is written while the next is read.
    async fn take(&mut self, buf: &mut Vec<u8>, n: usize) -> Result<(), CopyError> {
        match self {
            Output::File(file) => file.write_all(&buf[..n]).map_err(CopyError::Local),
            Output::Pipe { out, pending, spare } => {
                if let Some(job) = pending.take() {
                    let (o, b, r) = job.await.map_err(|e| CopyError::Local(io::Error::other(e)))?;
                    r.map_err(CopyError::Local)?;
                    *out = Some(o);
                    *spare = b;
                }
                let mut o = out.take().expect("the writer is back after each job");
                let chunk = std::mem::replace(buf, std::mem::take(spare));
                *pending = Some(spawn_blocking(move || {
                    let r = o.write_all(&chunk[..n]).and_then(|()| o.flush());
                    (o, chunk, r)
                }));
                Ok(())
            }
            Output::Lines { framer, on_line } => {
                framer.push(&buf[..n]);
                while let Some(line) = framer.next_line().map_err(|_| too_long())? {
                    on_line(&line).map_err(CopyError::Lines)?;
                }
                Ok(())
            }
        }
    }

    /// Waits for the last write; a listing's last line may lack its line end.
    async fn finish(&mut self, at_end: bool) -> Result<(), CopyError> {
        match self {
            Output::File(_) => Ok(()),
            Output::Pipe { pending, .. } => match pending.take() {
                Some(job) => {
                    let (_, _, r) = job.await.map_err(|e| CopyError::Local(io::Error::other(e)))?;
                    r.map_err(CopyError::Local)
                }
                None => Ok(()),
            },
            Output::Lines { framer, on_line } if at_end && framer.pending() > 0 => {
                framer.push(b"\n");
                match framer.next_line().map_err(|_| too_long())? {
                    Some(line) => on_line(&line).map_err(CopyError::Lines),
                    None => Ok(()),
                }
            }
            Output::Lines { .. } => Ok(()),
        }
    }
}

fn too_long() -> CopyError {
    CopyError::Lines(anyhow::anyhow!("a listing line is longer than {MAX_LIST_LINE} bytes: refusing it"))
}

/// Keeps a transfer under `--limit-rate`: sleeps whenever it is ahead of the rate.
struct Pace {
    rate: Option<u64>,
    started: Instant,
}

impl Pace {
    fn new(rate: Option<u64>) -> Pace {
        Pace { rate: rate.filter(|r| *r > 0), started: Instant::now() }
    }

    async fn after(&self, total: u64) {
        if let Some(rate) = self.rate {
            let due = Duration::from_secs_f64(total as f64 / rate as f64);
            if let Some(ahead) = due.checked_sub(self.started.elapsed()) {
                tokio::time::sleep(ahead).await;
            }
        }
    }
}

/// Network to `output`, chunk by chunk, until the end of the data, a failure or Ctrl-C. Every
/// byte received is in the output when this returns, error or not.
pub(super) async fn receive(
    data: &mut DataStream,
    output: &mut Output<'_>,
    expected: Option<u64>,
    bar: Option<&Progress>,
    base: u64,
    limit: Option<u64>,
) -> Result<Copy, CopyError> {
    let mut buf = vec![0u8; RECV_CHUNK];
    let mut total = 0u64;
    let pace = Pace::new(limit);
    let mut splicer = match output {
        Output::File(_) if data.can_splice() => Splicer::new(),
        _ => None,
    };
    let outcome = loop {
        let n = match (&splicer, &mut *output) {
            (Some(pipe), Output::File(file)) => {
                let n = tokio::select! {
                    r = data.splice_into(pipe.write_end(), pipe.size) => match r {
                        Ok(n) => n,
                        Err(e) => break Err(CopyError::Data(e)),
                    },
                    () = interrupt::fired() => break Err(CopyError::Interrupted),
                };
                match pipe.drain(n, file, &mut buf) {
                    Ok(true) => {}
                    Ok(false) => splicer = None,
                    Err(e) => break Err(CopyError::Local(e)),
                }
                n
            }
            _ => {
                let n = tokio::select! {
                    r = data.read(&mut buf) => match r {
                        Ok(n) => n,
                        Err(e) => break Err(CopyError::Data(e)),
                    },
                    () = interrupt::fired() => break Err(CopyError::Interrupted),
                };
                if n > 0
                    && let Err(e) = output.take(&mut buf, n).await
                {
                    break Err(e);
                }
                n
            }
        };
        if n == 0 {
            break Ok(Copy::Complete);
        }
        total += n as u64;
        if let Some(bar) = bar {
            bar.set(base + total);
        }
        if expected.is_some_and(|e| total > e) {
            break Ok(Copy::Overrun);
        }
        pace.after(total).await;
    };
    let finished = output.finish(matches!(outcome, Ok(Copy::Complete))).await;
    outcome.and_then(|o| finished.map(|()| o))
}

/// A download's way from a plain TCP data connection into a regular file (Linux): splice(2)
/// moves the socket's pages into a pipe and from the pipe into the file, so each byte is copied
/// once, into the page cache, instead of into this process and out again (bench/transfer.sh
/// measures it against a minimal blocking reader; the README has the figures).
#[cfg(target_os = "linux")]
struct Splicer {
    read: File,
    write: std::os::fd::OwnedFd,
    /// The pipe's capacity: the most one splice moves.
    size: usize,
}

#[cfg(target_os = "linux")]
impl Splicer {
    /// A pipe as large as the system allows up to [`RECV_CHUNK`] (1 MiB is the default
    /// `/proc/sys/fs/pipe-max-size`); `None` when no pipe can be made, and the download reads and
    /// writes instead.
    fn new() -> Option<Splicer> {
        use rustix::pipe::{PipeFlags, fcntl_getpipe_size, fcntl_setpipe_size, pipe_with};
        let (read, write) = pipe_with(PipeFlags::CLOEXEC).ok()?;
        // Refused above the per-user limit: the default size only costs more calls.
        let size = fcntl_setpipe_size(&write, RECV_CHUNK).or_else(|_| fcntl_getpipe_size(&write)).ok()?;
        Some(Splicer { read: File::from(read), write, size })
    }

    fn write_end(&self) -> std::os::fd::BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.write.as_fd()
    }

    /// Moves the `n` bytes in the pipe into `file` at its position. A file system that cannot take
    /// spliced pages (EINVAL) gets the rest of them through `buf`, and `false` says to read and
    /// write from then on.
    fn drain(&self, mut n: usize, file: &mut File, buf: &mut [u8]) -> io::Result<bool> {
        use rustix::io::Errno;
        use rustix::pipe::{SpliceFlags, splice};
        while n > 0 {
            match splice(&self.read, None, &*file, None, n, SpliceFlags::MOVE) {
                Ok(0) => return Err(io::Error::new(io::ErrorKind::WriteZero, "the file took no more bytes")),
                Ok(m) => n -= m,
                Err(Errno::INTR) => {}
                Err(Errno::INVAL) => {
                    while n > 0 {
                        let want = n.min(buf.len());
                        let m = (&self.read).read(&mut buf[..want])?;
                        file.write_all(&buf[..m])?;
                        n -= m;
                    }
                    return Ok(false);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(true)
    }
}

/// Other systems read and write.
#[cfg(not(target_os = "linux"))]
struct Splicer {
    size: usize,
}

#[cfg(not(target_os = "linux"))]
impl Splicer {
    fn new() -> Option<Splicer> {
        None
    }

    fn write_end(&self) -> std::os::fd::BorrowedFd<'_> {
        unreachable!("no splicer is made on this system")
    }

    fn drain(&self, _n: usize, _file: &mut File, _buf: &mut [u8]) -> io::Result<bool> {
        Ok(false)
    }
}

/// File to network, from the file's current position (a resume's offset) to its end, until a
/// failure or Ctrl-C.
pub(super) async fn send(
    file: File,
    data: &mut DataStream,
    bar: &Progress,
    base: u64,
    limit: Option<u64>,
) -> Result<(), CopyError> {
    let mut source = Source::new(file, data);
    // Under --limit-rate, steps of a buffered chunk, so the pace stays as smooth as it was.
    let step = if limit.is_some() { CHUNK } else { SENDFILE_STEP };
    let mut total = 0u64;
    let pace = Pace::new(limit);
    loop {
        let n = tokio::select! {
            r = source.send(data, step) => r?,
            () = interrupt::fired() => return Err(CopyError::Interrupted),
        };
        if n == 0 {
            return Ok(());
        }
        total += n as u64;
        bar.set(base + total);
        pace.after(total).await;
    }
}

/// The most one sendfile(2) call is asked for. The socket takes what fits in its buffer; larger
/// asks only mean fewer calls when it has room (loopback's buffers grow to several MiB).
const SENDFILE_STEP: usize = 4 << 20;

/// Where an upload's bytes come from. A regular file over a plain TCP data connection to another
/// host (Linux; see [`ftp::SendFile`]) goes by sendfile(2): the kernel sends the file's pages, and
/// the client spends about a seventh of the CPU of reading each chunk in and writing it out
/// (curl reads and writes too). On one host the receiving server would then make the one copy out
/// of the page cache that the client's read made before, on its own core after ftpx instead of
/// beside it: on loopback 1.3x the wall time for a seventh of the CPU (bench/transfer.sh), so
/// there the default reads and writes. Otherwise (TLS, a pipe or device, other systems) each chunk
/// is read on this thread (page-cache reads are short, and a reader thread would only compete for
/// the cores) and written.
struct Source {
    file: File,
    by_kernel: bool,
    /// For the buffered loop, made when first needed.
    buf: Option<Vec<u8>>,
}

impl Source {
    fn new(file: File, data: &DataStream) -> Source {
        let by_kernel = data.can_send_file() && file.metadata().is_ok_and(|m| m.is_file());
        Source { file, by_kernel, buf: None }
    }

    /// Sends the next bytes, at most `step`; 0 at the end of the file.
    async fn send(&mut self, data: &mut DataStream, step: usize) -> Result<usize, CopyError> {
        if self.by_kernel {
            match data.send_file(&self.file, step).await {
                // A file system that cannot feed sendfile (EINVAL): that call sent nothing, so
                // the buffered loop goes on from the same position.
                Err(ftp::Error::DataIo(e)) if e.kind() == io::ErrorKind::InvalidInput => self.by_kernel = false,
                r => return r.map_err(CopyError::Data),
            }
        }
        let buf = self.buf.get_or_insert_with(|| vec![0u8; CHUNK]);
        let n = loop {
            match self.file.read(buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(CopyError::Local(e)),
            }
        };
        if n > 0 {
            data.write_all(&buf[..n]).await.map_err(CopyError::Data)?;
        }
        Ok(n)
    }
}

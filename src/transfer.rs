//! Downloads, uploads and listings over a data connection: `.part` files, resume, the size
//! check, and Ctrl-C (ABOR, then the session goes on).
//!
//! A download is complete or it is a resumable `NAME.part`: bytes go to `NAME.part`, which
//! becomes `NAME` only when the server said 226 and, where SIZE answered, the size matches.
//!
//! Speed: each 256 KiB chunk is written to the file on this thread, right after it arrives, while
//! it is still in the CPU cache. A separate writer thread with 1 MiB buffers measured twice the CPU
//! per byte and twice the wall time on a 2-core machine, where a third busy thread (besides the
//! server's) fights for the cores and every buffer is cold by the time it is written. Memory is
//! constant whatever the file size. Stdout and devices are the exception: a pipe whose reader
//! stalls must not block the runtime (and with it Ctrl-C), so their writes go to the blocking pool.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tokio::task::spawn_blocking;

use crate::error::AppError;
use crate::ftp::list::MAX_LIST_LINE;
use crate::ftp::{self, Command, DataStream, Session};
use crate::interrupt::{self, TransferGuard};
use crate::progress::{Progress, ProgressMode};
use crate::text::escape;

/// Large enough for few system calls, small enough to stay in cache between the read and the
/// write (measured against 32 KiB to 1 MiB, both directions, on a quiet 2-core machine).
const CHUNK: usize = 256 * 1024;

/// How to go on after a partial download or upload, in both the one-shot commands and the shell.
const RESUME_GET: &str = " for -c (reget in the shell)";
const RESUME_PUT: &str = "resume with put -c (reput in the shell)";

/// Where a download goes.
pub enum Sink {
    File(PathBuf),
    Stdout,
}

/// `NAME.part` beside `NAME`.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    dest.with_file_name(name)
}

/// Downloads `remote` to `sink`; returns the bytes received.
pub async fn download(
    session: &mut Session,
    remote: &[u8],
    sink: &Sink,
    resume: bool,
    ascii: bool,
    progress: ProgressMode,
) -> Result<u64> {
    // SIZE is asked in binary mode; in ASCII mode the sizes differ by line endings, so no check.
    let size = if ascii { None } else { session.size(remote).await? };
    download_sized(session, remote, sink, resume, ascii, size, progress).await
}

/// [`download`] with the size already known (from a listing), so no SIZE is sent: one round trip
/// less per file for the mirror. `size` is what the received bytes are checked against.
pub async fn download_sized(
    session: &mut Session,
    remote: &[u8],
    sink: &Sink,
    resume: bool,
    ascii: bool,
    size: Option<u64>,
    progress: ProgressMode,
) -> Result<u64> {
    let shown = escape(remote);
    session.set_type(ascii).await?;
    // An existing device or FIFO (`-o /dev/null`, a named pipe) is written as it is: a .part
    // renamed over it would replace /dev/null with a regular file.
    let special = match sink {
        Sink::File(dest) => std::fs::metadata(dest).is_ok_and(|m| !m.is_file() && !m.is_dir()).then_some(dest),
        Sink::Stdout => None,
    };
    let (part, dest) = match sink {
        Sink::File(dest) if special.is_none() => (Some(part_path(dest)), Some(dest.as_path())),
        _ => (None, None),
    };
    let mut offset = 0;
    if let (true, Some(part), Some(dest)) = (resume, &part, dest) {
        offset = resume_offset(part, dest)?;
        match size {
            Some(size) if offset == size => {
                std::fs::rename(part, dest).map_err(|e| AppError::local(dest, e))?;
                if !progress.quiet {
                    eprintln!("ftpx: {}: already complete ({size} bytes)", dest.display());
                }
                return Ok(0);
            }
            Some(size) if offset > size => {
                return Err(AppError::Incomplete(format!(
                    "cannot resume '{shown}': the local {} has {offset} bytes, more than the {size} bytes the server has",
                    part.display()
                ))
                .into());
            }
            _ => {}
        }
    }
    let rest = (offset > 0).then_some(offset);
    let mut data = session.open_data(&Command::path("RETR", remote)?, rest).await?;
    // The local file is created only now that the server agreed to send: a missing remote file
    // leaves nothing behind.
    let opened = match (&part, special) {
        (Some(part), _) => open_part(part, offset).map(Output::File).map_err(|e| (part.as_path(), e)),
        (None, Some(path)) => OpenOptions::new()
            .write(true)
            .open(path)
            .map(|f| Output::Pipe(Box::new(f)))
            .map_err(|e| (path.as_path(), e)),
        (None, None) => Ok(Output::Pipe(Box::new(io::stdout()))),
    };
    let output = match opened {
        Ok(o) => o,
        Err((path, e)) => {
            let _ = session.abort_data(data).await;
            return Err(AppError::local(path, e).into());
        }
    };
    let expected = size.map(|s| s.saturating_sub(offset));
    let guard = TransferGuard::new();
    let bar = Progress::start(progress, "got", shown.clone(), size, offset);
    let copied = match output {
        Output::File(file) => copy_to_file(&mut data, file, expected, &bar, offset).await,
        Output::Pipe(out) => copy_to_pipe(&mut data, out, expected, &bar).await,
    };
    bar.clear();
    let received = data.bytes();
    let finished = match copied {
        Ok(Copy::Complete) => {
            // The data is in: a signal while the server's final reply is awaited has nothing to
            // abort, and must not wait for that reply (a server may never send it).
            drop(guard);
            session.finish_data(data).await.map(|_| ()).map_err(anyhow::Error::from)
        }
        Ok(Copy::Overrun) => {
            let _ = session.abort_data(data).await;
            if let Some(part) = &part {
                // What came may not start where REST asked: keep only what was there before.
                truncate(part, offset)?;
            }
            let why = if offset > 0 { "; it may have ignored REST, so the new bytes were discarded" } else { "" };
            return Err(AppError::Incomplete(format!(
                "the server sent more than the {} bytes SIZE announced for '{shown}'{why}",
                size.unwrap_or(0)
            ))
            .into());
        }
        Err(CopyError::Local(e)) => {
            let _ = session.abort_data(data).await;
            let path = part.as_deref().unwrap_or(Path::new("-"));
            return Err(AppError::local(path, e).into());
        }
        Err(CopyError::Data(e)) => Err(data_failed(session, data, e).await),
        Err(CopyError::Interrupted) => {
            abort_briefly(session, data).await;
            let kept = part.as_ref().map(|p| format!("; {} kept{RESUME_GET}", p.display())).unwrap_or_default();
            return Err(AppError::Interrupted(format!("interrupted{kept}")).into());
        }
    };
    let keep = part.as_ref().map(|p| format!("; {} kept{RESUME_GET}", p.display())).unwrap_or_default();
    // What the caller's "could not download" is followed by: the .part that stays, when one does.
    let kept =
        || part.as_ref().map_or_else(|| "nothing saved".to_owned(), |p| format!("{} kept{RESUME_GET}", p.display()));
    let finished = match finished {
        // The server refused the data connection's TLS session (vsftpd's 522 when it did not
        // resume the control connection's): that refusal is why bytes are missing, and what the
        // user must see, with its exit code.
        Err(e) if e.downcast_ref::<ftp::Error>().is_some_and(ftp::Error::is_tls) => return Err(e.context(kept())),
        other => other,
    };
    if let Some(size) = size
        && offset + received != size
    {
        let reply = finished.err().map(|e| format!(" ({e})")).unwrap_or_default();
        return Err(AppError::Incomplete(format!(
            "'{shown}': received {} of {size} bytes{reply}{keep}",
            offset + received
        ))
        .into());
    }
    finished.with_context(kept)?;
    if let (Some(part), Some(dest)) = (&part, dest) {
        std::fs::rename(part, dest).map_err(|e| AppError::local(dest, e))?;
    }
    bar.finish(received);
    Ok(received)
}

/// `-c`: continue from `NAME.part`, else from `NAME` itself (moved to `NAME.part` first, so the
/// real name never holds an unfinished file), else from nothing.
fn resume_offset(part: &Path, dest: &Path) -> Result<u64> {
    if let Ok(meta) = std::fs::metadata(part) {
        return Ok(meta.len());
    }
    match std::fs::metadata(dest) {
        Ok(meta) => {
            std::fs::rename(dest, part).map_err(|e| AppError::local(dest, e))?;
            Ok(meta.len())
        }
        Err(_) => Ok(0),
    }
}

fn open_part(part: &Path, offset: u64) -> io::Result<File> {
    if offset > 0 {
        let f = OpenOptions::new().append(true).open(part)?;
        f.set_len(offset)?;
        Ok(f)
    } else {
        File::create(part)
    }
}

fn truncate(path: &Path, len: u64) -> Result<()> {
    let f = OpenOptions::new().write(true).open(path).map_err(|e| AppError::local(path, e))?;
    f.set_len(len).map_err(|e| AppError::local(path, e).into())
}

enum Copy {
    Complete,
    /// More bytes arrived than `expected`.
    Overrun,
}

enum CopyError {
    Local(io::Error),
    Data(anyhow::Error),
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

/// The data connection failed under a transfer. A stall (idle timeout) gets ABOR. Otherwise the
/// server closed or reset it, and its final reply, when it sends one, says why (vsftpd's 522 for a
/// TLS session that did not resume, 426, 552 over quota): reported instead of a bare "broken pipe"
/// or "connection reset" when it is a refusal.
async fn data_failed(session: &mut Session, data: DataStream, e: anyhow::Error) -> anyhow::Error {
    if e.downcast_ref::<ftp::Error>().is_some_and(ftp::Error::is_timeout) {
        let _ = session.abort_data(data).await;
        return e;
    }
    match session.close_broken_data(data).await {
        Err(refused) if refused.reply().is_some() || refused.is_tls() => anyhow::Error::new(refused),
        _ => e,
    }
}

/// ABOR with a short bound: after a signal the user is waiting. A session whose ABOR was not
/// answered in time is out of step and marked unusable (the shell then offers to reconnect).
async fn abort_briefly(session: &mut Session, data: DataStream) {
    let aborted = tokio::time::timeout(std::time::Duration::from_secs(3), session.abort_data(data)).await;
    if aborted.is_err() {
        session.mark_broken();
    }
}

/// Reads the next chunk, or learns of Ctrl-C/SIGTERM.
async fn next_chunk(data: &mut DataStream, buf: &mut [u8]) -> Result<usize, CopyError> {
    tokio::select! {
        r = data.read(buf) => r.map_err(|e| CopyError::Data(e.into())),
        () = interrupt::fired() => Err(CopyError::Interrupted),
    }
}

/// Network to file, each chunk written as it arrives (see the module doc for why on this thread).
/// Every byte received is in the file when this returns, error or not.
async fn copy_to_file(
    data: &mut DataStream,
    mut file: File,
    expected: Option<u64>,
    bar: &Progress,
    base: u64,
) -> Result<Copy, CopyError> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = next_chunk(data, &mut buf).await?;
        if n == 0 {
            return Ok(Copy::Complete);
        }
        file.write_all(&buf[..n]).map_err(CopyError::Local)?;
        total += n as u64;
        bar.set(base + total);
        if expected.is_some_and(|e| total > e) {
            return Ok(Copy::Overrun);
        }
    }
}

/// Where downloaded bytes go: a regular file written on this thread, or a pipe, terminal or
/// device written on the blocking pool.
enum Output {
    File(File),
    Pipe(Box<dyn Write + Send>),
}

type WriteJob = tokio::task::JoinHandle<(Box<dyn Write + Send>, Vec<u8>, io::Result<()>)>;

/// Network to stdout or a device, the writes on the blocking pool (a stalled reader must not block the
/// runtime), one chunk written while the next is read.
async fn copy_to_pipe(
    data: &mut DataStream,
    out: Box<dyn Write + Send>,
    expected: Option<u64>,
    bar: &Progress,
) -> Result<Copy, CopyError> {
    let mut out = Some(out);
    let mut buf = vec![0u8; CHUNK];
    let mut spare = vec![0u8; CHUNK];
    let mut pending: Option<WriteJob> = None;
    let mut total = 0u64;
    let outcome = loop {
        let n = match next_chunk(data, &mut buf).await {
            Ok(n) => n,
            Err(e) => break Err(e),
        };
        if let Some(job) = pending.take() {
            let (o, b, r) = job.await.map_err(|e| CopyError::Local(io::Error::other(e)))?;
            r.map_err(CopyError::Local)?;
            out = Some(o);
            spare = b;
        }
        if n == 0 {
            break Ok(Copy::Complete);
        }
        let mut o = out.take().expect("the writer is back after each job");
        let chunk = std::mem::replace(&mut buf, std::mem::take(&mut spare));
        pending = Some(spawn_blocking(move || {
            let r = o.write_all(&chunk[..n]).and_then(|()| o.flush());
            (o, chunk, r)
        }));
        total += n as u64;
        bar.set(total);
        if expected.is_some_and(|e| total > e) {
            break Ok(Copy::Overrun);
        }
    };
    if let Some(job) = pending.take() {
        let (_, _, r) = job.await.map_err(|e| CopyError::Local(io::Error::other(e)))?;
        r.map_err(CopyError::Local)?;
    }
    outcome
}

/// Uploads `local` to `remote`; with `resume`, appends what the server lacks (SIZE, then APPE).
/// Returns the bytes sent.
pub async fn upload(
    session: &mut Session,
    local: &Path,
    remote: &[u8],
    resume: bool,
    ascii: bool,
    progress: ProgressMode,
) -> Result<u64> {
    let how = if resume { Upload::Resume } else { Upload::Store };
    send_file(session, local, remote, how, ascii, progress).await
}

/// Appends the whole of `local` to `remote` (APPE, RFC 959 §4.1.3), creating it if it does not
/// exist; where SIZE answers, the server must then have its old size plus the local file's.
pub async fn append(
    session: &mut Session,
    local: &Path,
    remote: &[u8],
    ascii: bool,
    progress: ProgressMode,
) -> Result<u64> {
    send_file(session, local, remote, Upload::Append, ascii, progress).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Upload {
    Store,
    Resume,
    Append,
}

async fn send_file(
    session: &mut Session,
    local: &Path,
    remote: &[u8],
    how: Upload,
    ascii: bool,
    progress: ProgressMode,
) -> Result<u64> {
    let shown = escape(remote);
    let mut file = File::open(local).map_err(|e| AppError::local(local, e))?;
    let len = file.metadata().map_err(|e| AppError::local(local, e))?.len();
    let mut offset = 0;
    // What the server has before an append, to check the size after it.
    let mut before = 0;
    if how == Upload::Append && !ascii && session.features().size {
        before = session.size(remote).await?.unwrap_or(0);
    }
    if how == Upload::Resume
        && let Some(remote_len) = session.size(remote).await?
    {
        if remote_len == len {
            if !progress.quiet {
                eprintln!("ftpx: '{shown}' is already complete on the server ({len} bytes)");
            }
            return Ok(0);
        }
        if remote_len > len {
            return Err(AppError::Incomplete(format!(
                "cannot resume: the server's '{shown}' has {remote_len} bytes, more than the local {len}"
            ))
            .into());
        }
        offset = remote_len;
        io::Seek::seek(&mut file, io::SeekFrom::Start(offset)).map_err(|e| AppError::local(local, e))?;
    }
    session.set_type(ascii).await?;
    let verb = if offset > 0 || how == Upload::Append { "APPE" } else { "STOR" };
    let mut data = session.open_data(&Command::path(verb, remote)?, None).await?;
    let guard = TransferGuard::new();
    let bar = Progress::start(progress, "put", shown.clone(), Some(len), offset);
    let copied = copy_from_file(file, &mut data, &bar, offset).await;
    bar.clear();
    match copied {
        // As for a download: nothing left to abort once the data is sent.
        Ok(()) => drop(guard),
        Err(CopyError::Local(e)) => {
            let _ = session.abort_data(data).await;
            return Err(AppError::local(local, e).into());
        }
        Err(CopyError::Data(e)) => return Err(data_failed(session, data, e).await),
        Err(CopyError::Interrupted) => {
            abort_briefly(session, data).await;
            return Err(AppError::Interrupted(format!("interrupted; {RESUME_PUT}")).into());
        }
    }
    let sent = data.bytes();
    session.finish_data(data).await?;
    if !ascii && session.features().size {
        // The server's count is the proof that every byte landed.
        let expected = before + len;
        if let Some(remote_len) = session.size(remote).await?
            && remote_len != expected
        {
            let what = if how == Upload::Append {
                format!("{before} + {len} bytes expected after the append")
            } else {
                format!("the local file {len}")
            };
            return Err(AppError::Incomplete(format!(
                "'{shown}': the server has {remote_len} bytes after the upload, {what}"
            ))
            .into());
        }
    }
    bar.finish(sent);
    Ok(sent)
}

/// File to network. The file is read on this thread, chunk by chunk (page-cache reads are short,
/// and a reader thread would only compete for the cores).
async fn copy_from_file(mut file: File, data: &mut DataStream, bar: &Progress, base: u64) -> Result<(), CopyError> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = base;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Local(e)),
        };
        tokio::select! {
            r = data.write_all(&buf[..n]) => r.map_err(|e: ftp::Error| CopyError::Data(e.into()))?,
            () = interrupt::fired() => return Err(CopyError::Interrupted),
        }
        total += n as u64;
        bar.set(total);
    }
}

/// Streams a listing (`LIST`, `NLST`, `MLSD`) of `path`, or of the current directory, to
/// `on_line` one line at a time, each bounded by [`MAX_LIST_LINE`]. Ctrl-C aborts it as it
/// aborts a download (ABOR, then the session goes on). `450` to NLST is an empty listing: some
/// servers' way to say "no files".
pub async fn list(
    session: &mut Session,
    verb: &str,
    path: Option<&[u8]>,
    mut on_line: impl FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let cmd = match path {
        Some(p) => Command::path(verb, p)?,
        None => Command::bare(verb),
    };
    let mut data = match session.open_data(&cmd, None).await {
        Ok(d) => d,
        Err(ftp::Error::Refused { reply, .. }) if verb == "NLST" && reply.code == 450 => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let _guard = TransferGuard::new();
    let mut framer = LineSplitter::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let read = tokio::select! {
            r = data.read(&mut buf) => Some(r),
            () = interrupt::fired() => None,
        };
        let n = match read {
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                let _ = session.abort_data(data).await;
                return Err(e.into());
            }
            None => {
                abort_briefly(session, data).await;
                return Err(AppError::Interrupted("interrupted".into()).into());
            }
        };
        if n == 0 {
            break;
        }
        framer.push(&buf[..n]);
        let mut emitted = Ok(());
        loop {
            match framer.next_line() {
                Ok(Some(line)) => {
                    emitted = on_line(&line);
                    if emitted.is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    emitted = Err(e);
                    break;
                }
            }
        }
        if let Err(e) = emitted {
            let _ = session.abort_data(data).await;
            return Err(e);
        }
    }
    if let Some(line) = framer.rest() {
        on_line(&line)?;
    }
    session.finish_data(data).await?;
    Ok(())
}

/// Splits a listing into lines, each bounded by [`MAX_LIST_LINE`].
#[derive(Default)]
struct LineSplitter {
    buf: Vec<u8>,
}

impl LineSplitter {
    fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    fn next_line(&mut self) -> Result<Option<Vec<u8>>> {
        match self.buf.iter().position(|&b| b == b'\n') {
            // The line end may come in a later read than the line's first 64 KiB: the limit is
            // on the line, not on what one read brought.
            Some(i) if i > MAX_LIST_LINE => {
                anyhow::bail!("a listing line is longer than {MAX_LIST_LINE} bytes: refusing it")
            }
            Some(i) => {
                let mut line: Vec<u8> = self.buf.drain(..=i).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                Ok(Some(line))
            }
            None if self.buf.len() > MAX_LIST_LINE => {
                anyhow::bail!("a listing line is longer than {MAX_LIST_LINE} bytes: refusing it")
            }
            None => Ok(None),
        }
    }

    fn rest(&mut self) -> Option<Vec<u8>> {
        let line = std::mem::take(&mut self.buf);
        (!line.is_empty()).then_some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_lines_are_bounded_however_they_arrive() {
        let mut lines = LineSplitter::default();
        lines.push(&vec![b'x'; MAX_LIST_LINE]);
        assert!(lines.next_line().unwrap().is_none());
        lines.push(b"x\r\n");
        assert!(lines.next_line().is_err(), "a line of {} bytes got through", MAX_LIST_LINE + 2);
        let mut lines = LineSplitter::default();
        lines.push(&[vec![b'y'; MAX_LIST_LINE - 1], b"\r\nz".to_vec()].concat());
        assert_eq!(lines.next_line().unwrap().map(|l| l.len()), Some(MAX_LIST_LINE - 1));
        assert_eq!(lines.rest(), Some(b"z".to_vec()));
    }
}

//! Downloads and uploads over a data connection: `.part` files, resume, and the size check.
//!
//! A download is complete or it is a resumable `NAME.part`: bytes go to `NAME.part`, which
//! becomes `NAME` only when the server said 226 and, where SIZE answered, the size matches.
//! Disk writes run on the blocking pool while the next buffer is read from the network (two 1 MiB
//! buffers in flight), so memory stays constant whatever the file size.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use tokio::task::spawn_blocking;

use crate::error::AppError;
use crate::ftp::{self, Command, DataStream, Session};
use crate::interrupt::{self, TransferGuard};
use crate::progress::{Progress, ProgressMode};
use crate::text::escape;

const BUF: usize = 1 << 20;

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
    let shown = escape(remote);
    // SIZE is asked in binary mode; in ASCII mode the sizes differ by line endings, so no check.
    let size = if ascii { None } else { session.size(remote).await? };
    session.set_type(ascii).await?;
    let (part, dest) = match sink {
        Sink::File(dest) => (Some(part_path(dest)), Some(dest.as_path())),
        Sink::Stdout => (None, None),
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
    let writer: Box<dyn Write + Send> = match &part {
        Some(part) => match open_part(part, offset) {
            Ok(f) => Box::new(f),
            Err(e) => {
                let _ = session.abort_data(data).await;
                return Err(AppError::local(part, e).into());
            }
        },
        None => Box::new(io::stdout()),
    };
    let expected = size.map(|s| s.saturating_sub(offset));
    let guard = TransferGuard::new();
    let bar = Progress::start(progress, "got", shown.clone(), size, offset);
    let copied = copy_to_writer(&mut data, writer, expected, &bar, offset).await;
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
        Err(CopyError::Data(e)) => {
            let _ = session.abort_data(data).await;
            Err(e)
        }
        Err(CopyError::Interrupted) => {
            abort_briefly(session, data).await;
            let kept = part.as_ref().map(|p| format!("; {} kept for -c", p.display())).unwrap_or_default();
            return Err(AppError::Interrupted(format!("interrupted{kept}")).into());
        }
    };
    let keep = part.as_ref().map(|p| format!("; {} kept for -c", p.display())).unwrap_or_default();
    // What is left of a failed download; the caller says which download it was.
    let kept = |e: anyhow::Error| match &part {
        Some(part) => e.context(format!("{} kept for -c", part.display())),
        None => e,
    };
    let finished = match finished {
        // The server refused the data connection's TLS session (vsftpd's 522 when it did not
        // resume the control connection's): that refusal is why bytes are missing, and what the
        // user must see, with its exit code.
        Err(e) if e.downcast_ref::<ftp::Error>().is_some_and(ftp::Error::is_tls) => return Err(kept(e)),
        other => other,
    };
    if let Some(size) = size
        && offset + received != size
    {
        let reply = finished.err().map(|e| format!(" ({e:#})")).unwrap_or_default();
        return Err(AppError::Incomplete(format!(
            "'{shown}': received {} of {size} bytes{reply}{keep}",
            offset + received
        ))
        .into());
    }
    finished.map_err(kept)?;
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

/// ABOR with a short bound: after a signal the user is waiting, and the session is about to end.
async fn abort_briefly(session: &mut Session, data: DataStream) {
    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), session.abort_data(data)).await;
}

type WriteJob = tokio::task::JoinHandle<(Box<dyn Write + Send>, Vec<u8>, io::Result<()>)>;

/// Network to writer, two buffers in flight. Everything received is written before returning,
/// error or not, so a `.part` holds every byte that arrived.
async fn copy_to_writer(
    data: &mut DataStream,
    writer: Box<dyn Write + Send>,
    expected: Option<u64>,
    bar: &Progress,
    base: u64,
) -> Result<Copy, CopyError> {
    let mut writer = Some(writer);
    let mut buf = vec![0u8; BUF];
    let mut spare: Option<Vec<u8>> = None;
    let mut pending: Option<WriteJob> = None;
    let mut total = 0u64;
    let outcome = loop {
        let mut filled = 0;
        let mut read_error = None;
        while filled < BUF {
            let read = tokio::select! {
                r = data.read(&mut buf[filled..]) => r.map_err(|e| CopyError::Data(e.into())),
                () = interrupt::fired() => Err(CopyError::Interrupted),
            };
            match read {
                Ok(0) => break,
                Ok(n) => {
                    filled += n;
                    bar.set(base + total + filled as u64);
                }
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            }
        }
        if let Some(job) = pending.take() {
            let (w, b, r) = job.await.map_err(|e| CopyError::Local(io::Error::other(e)))?;
            r.map_err(CopyError::Local)?;
            writer = Some(w);
            spare = Some(b);
        }
        if filled > 0 {
            let mut w = writer.take().expect("writer is back after each job");
            let b = std::mem::replace(&mut buf, spare.take().unwrap_or_else(|| vec![0u8; BUF]));
            pending = Some(spawn_blocking(move || {
                let r = w.write_all(&b[..filled]);
                (w, b, r)
            }));
            total += filled as u64;
        }
        if let Some(e) = read_error {
            break Err(e);
        }
        if expected.is_some_and(|e| total > e) {
            break Ok(Copy::Overrun);
        }
        if filled == 0 {
            break Ok(Copy::Complete);
        }
    };
    if let Some(job) = pending.take() {
        let (w, _, r) = job.await.map_err(|e| CopyError::Local(io::Error::other(e)))?;
        r.map_err(CopyError::Local)?;
        writer = Some(w);
    }
    if let Some(mut w) = writer {
        spawn_blocking(move || w.flush())
            .await
            .map_err(|e| CopyError::Local(io::Error::other(e)))?
            .map_err(CopyError::Local)?;
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
    let shown = escape(remote);
    let mut file = File::open(local).map_err(|e| AppError::local(local, e))?;
    let len = file.metadata().map_err(|e| AppError::local(local, e))?.len();
    let mut offset = 0;
    if resume && let Some(remote_len) = session.size(remote).await? {
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
    let verb = if offset > 0 { "APPE" } else { "STOR" };
    let mut data = session.open_data(&Command::path(verb, remote)?, None).await?;
    let guard = TransferGuard::new();
    let bar = Progress::start(progress, "put", shown.clone(), Some(len), offset);
    match copy_from_file(file, &mut data, &bar, offset).await {
        // As for a download: nothing left to abort once the data is sent.
        Ok(()) => drop(guard),
        Err(CopyError::Local(e)) => {
            let _ = session.abort_data(data).await;
            return Err(AppError::local(local, e).into());
        }
        Err(CopyError::Data(e)) if e.downcast_ref::<ftp::Error>().is_some_and(ftp::Error::is_timeout) => {
            let _ = session.abort_data(data).await;
            return Err(e);
        }
        Err(CopyError::Data(e)) => {
            // The server closed the data connection under us. Its final reply says why (vsftpd's
            // 522 for a TLS session that did not resume, 426, 552 over quota) and is already on
            // its way: read it instead of burying it under ABOR and a bare "broken pipe".
            let e = match session.finish_data(data).await {
                Err(refused) if refused.reply().is_some() || refused.is_tls() => anyhow::Error::new(refused),
                _ => e,
            };
            return Err(e);
        }
        Err(CopyError::Interrupted) => {
            abort_briefly(session, data).await;
            return Err(AppError::Interrupted("interrupted; resume with put -c".into()).into());
        }
    }
    let sent = data.bytes();
    session.finish_data(data).await?;
    if !ascii && session.features().size {
        // The server's count is the proof that every byte landed.
        if let Some(remote_len) = session.size(remote).await?
            && remote_len != len
        {
            return Err(AppError::Incomplete(format!(
                "'{shown}': the server has {remote_len} bytes after the upload, the local file {len}"
            ))
            .into());
        }
    }
    bar.finish(sent);
    Ok(sent)
}

type ReadJob = tokio::task::JoinHandle<(File, Vec<u8>, io::Result<usize>)>;

fn read_job(mut file: File, mut buf: Vec<u8>) -> ReadJob {
    spawn_blocking(move || {
        let mut filled = 0;
        let r = loop {
            match file.read(&mut buf[filled..]) {
                Ok(0) => break Ok(filled),
                Ok(n) => {
                    filled += n;
                    if filled == buf.len() {
                        break Ok(filled);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        (file, buf, r)
    })
}

/// File to network, the next buffer read from disk while the last one is sent.
async fn copy_from_file(file: File, data: &mut DataStream, bar: &Progress, base: u64) -> Result<(), CopyError> {
    let mut job = read_job(file, vec![0u8; BUF]);
    let mut spare = vec![0u8; BUF];
    let mut total = base;
    loop {
        let (file, buf, r) = job.await.map_err(|e| CopyError::Local(io::Error::other(e)))?;
        let n = r.map_err(CopyError::Local)?;
        if n == 0 {
            return Ok(());
        }
        job = read_job(file, std::mem::take(&mut spare));
        tokio::select! {
            r = data.write_all(&buf[..n]) => r.map_err(|e: ftp::Error| CopyError::Data(e.into()))?,
            () = interrupt::fired() => return Err(CopyError::Interrupted),
        }
        total += n as u64;
        bar.set(total);
        spare = buf;
    }
}

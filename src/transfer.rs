//! Downloads, uploads and listings over a data connection: `.part` files, resume, the size
//! check, breaks worded as breaks, and Ctrl-C (ABOR, then the session goes on).
//!
//! A download is complete or it is a resumable `NAME.part`: bytes go to `NAME.part`, which
//! becomes `NAME` only when the server said 226 and, where SIZE answered, the size matches.
//! A transfer that breaks half way (the data connection reset or closed, a stall, a 4xx final
//! reply, the control connection lost) is a [`Broken`] error (exit 11) that says how many bytes
//! made it and how to resume; [`crate::retry`] decides whether to try again.
//!
//! One loop per direction: [`receive`] (network to a file, a pipe or listing lines) and [`send`]
//! (file to network).
//!
//! Speed: each 256 KiB chunk is written to the file on this thread, right after it arrives, while
//! it is still in the CPU cache. A separate writer thread with 1 MiB buffers measured twice the CPU
//! per byte and twice the wall time on a 2-core machine, where a third busy thread (besides the
//! server's) fights for the cores and every buffer is cold by the time it is written. Memory is
//! constant whatever the file size. Stdout and devices are the exception: a pipe whose reader
//! stalls must not block the runtime (and with it Ctrl-C), so their writes go to the blocking pool.
//! An upload of a regular file over a plain TCP data connection goes by sendfile(2) on Linux
//! (see [`Source`]).

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::task::spawn_blocking;

use crate::error::AppError;
use crate::ftp::list::MAX_LIST_LINE;
use crate::ftp::reply::LineFramer;
use crate::ftp::{self, Command, DataStream, Reply, Session};
use crate::interrupt::{self, TransferGuard};
use crate::progress::{Progress, ProgressMode};
use crate::text::escape;

/// Large enough for few system calls, small enough to stay in cache between the read and the
/// write (measured against 32 KiB to 1 MiB, both directions, on a quiet 2-core machine).
const CHUNK: usize = 256 * 1024;
/// Each read of a download: 1 MiB reads took 0.70x the time of 256 KiB ones from vsftpd over
/// loopback (bench/transfer.sh, 1 GiB, two runs each, alternating; 0.7 MiB more peak RSS).
const RECV_CHUNK: usize = 1024 * 1024;

/// How to go on after a partial download or upload when the front end has not said (the shell).
const RESUME_GET: &str = " for -c (reget in the shell)";
const RESUME_PUT: &str = "resume with put -c (reput in the shell)";

/// Where a download goes.
pub enum Sink {
    File(PathBuf),
    Stdout,
}

/// How a transfer runs, beyond what it moves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// TYPE A instead of TYPE I.
    pub ascii: bool,
    pub progress: Option<ProgressMode>,
    /// Bytes per second at most (`--limit-rate`).
    pub limit_rate: Option<u64>,
    /// The command that resumes this transfer, runnable as printed (`ftpx get -c URL`), for the
    /// hint after a break; `None` in the shell, whose words are `reget` and `reput`.
    pub resume_with: Option<String>,
}

impl Options {
    pub fn new(ascii: bool, progress: ProgressMode) -> Options {
        Options { ascii, progress: Some(progress), ..Options::default() }
    }

    fn progress(&self) -> ProgressMode {
        self.progress.unwrap_or(ProgressMode { quiet: true, bars: false, hash: None })
    }
}

/// What a transfer did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transferred {
    /// Bytes moved by this attempt.
    pub bytes: u64,
    /// Where it started: the size of the `.part`, or what the server already had.
    pub from: u64,
    /// The mode of the data connection that carried it (`None` when nothing had to move).
    pub mode: Option<ftp::DataMode>,
    /// The modes that failed on the way to it (dropped for the rest of the session).
    pub fallbacks: Vec<ftp::DataMode>,
}

/// Opens the data connection for `cmd`, and says which modes failed before one worked.
async fn open(
    session: &mut Session,
    cmd: &Command,
    rest: Option<u64>,
) -> Result<(DataStream, Vec<ftp::DataMode>), ftp::Error> {
    let before = session.modes().to_vec();
    let data = session.open_data(cmd, rest).await?;
    let fallbacks = before.into_iter().filter(|m| !session.modes().contains(m)).collect();
    Ok((data, fallbacks))
}

/// `NAME.part` beside `NAME`.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    dest.with_file_name(name)
}

/// Which way a transfer went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Get,
    Put,
}

/// How a transfer broke.
#[derive(Debug)]
pub enum Cause {
    /// The data connection failed under the transfer (reset, closed early).
    Data(io::ErrorKind, String),
    /// Nothing moved on the data connection for the idle timeout.
    Stalled(Duration),
    /// The server ended the transfer with a transient failure (426, 451) on a data connection
    /// that closed cleanly.
    Server(Reply),
    /// The data connection closed cleanly, the server said 226, and bytes are missing.
    Short,
    /// The data moved, and the final reply never came: the control connection was closed or
    /// went silent (`complete`: every byte SIZE announced did arrive or was sent).
    ReplyLost { why: String, complete: Option<bool> },
}

/// A transfer that broke half way: whatever arrived is kept (a download's `.part`) and it can
/// be resumed. Exit status 11.
#[derive(Debug)]
pub struct Broken {
    pub direction: Direction,
    pub cause: Cause,
    /// What the server said about it, when it said something (426 after a reset).
    pub reply: Option<Reply>,
    /// Bytes the destination has now (the `.part`'s size, or what was sent in all).
    pub done: u64,
    pub total: Option<u64>,
    /// The `.part` kept, for a download to a file.
    pub kept: Option<PathBuf>,
    /// Whether trying again can go on from `done` (not for stdout or a device).
    pub resumable: bool,
    /// The command that resumes it, when the front end said.
    pub resume_with: Option<String>,
}

impl Broken {
    /// The data all arrived or was sent, and only the final reply is missing: a reconnection
    /// and a size check can confirm the file instead of moving it again.
    pub fn data_complete(&self) -> bool {
        matches!(self.cause, Cause::ReplyLost { complete: Some(true), .. })
    }
}

impl Broken {
    /// What happened, without what was kept or how to resume: for the warning before a
    /// reconnection confirms the file (the `.part` is about to be completed, not kept).
    pub fn happened(&self) -> String {
        struct What<'a>(&'a Broken);
        impl fmt::Display for What<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.what(f)
            }
        }
        What(self).to_string()
    }

    fn what(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let of = match self.total {
            Some(t) => format!("{} of {} bytes", grouped(self.done), grouped(t)),
            None => format!("{} bytes", grouped(self.done)),
        };
        // What an upload wrote may still have been in the socket buffers: "sent", not "stored".
        let after = if self.direction == Direction::Put { "with" } else { "after" };
        let sent = if self.direction == Direction::Put { " sent" } else { "" };
        match &self.cause {
            Cause::Data(kind, detail) => {
                let what = match kind {
                    io::ErrorKind::ConnectionReset => "was reset".to_owned(),
                    io::ErrorKind::ConnectionAborted => "was aborted".to_owned(),
                    io::ErrorKind::BrokenPipe => "was closed by the server".to_owned(),
                    io::ErrorKind::UnexpectedEof => "closed early".to_owned(),
                    _ => format!("broke ({detail})"),
                };
                write!(f, "the data connection {what} {after} {of}{sent}")?;
            }
            Cause::Stalled(idle) => {
                write!(f, "the data connection stalled {after} {of}{sent}: nothing moved for {}s", idle.as_secs_f64())?
            }
            Cause::Server(reply) => write!(f, "the server broke off the transfer {after} {of}{sent}: {reply}")?,
            Cause::Short => write!(f, "the data connection closed after {of}, and the server called it complete")?,
            Cause::ReplyLost { why, complete } => {
                let moved = if self.direction == Direction::Get { "arrived" } else { "were sent" };
                match complete {
                    Some(true) => write!(f, "all {of} {moved}, but the server's final reply never came ({why})")?,
                    _ => write!(f, "{of} {moved}, then the server's final reply never came ({why})")?,
                }
            }
        }
        if let Some(reply) = &self.reply {
            write!(f, " (the server said: {reply})")?;
        }
        Ok(())
    }
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.what(f)?;
        if let Some(part) = &self.kept {
            write!(f, "; {} kept", part.display())?;
            if self.resume_with.is_none() {
                f.write_str(RESUME_GET)?;
            }
        } else if self.direction == Direction::Put && self.resume_with.is_none() {
            write!(f, "; {RESUME_PUT}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Broken {}

/// `20185088` as `20,185,088`: byte counts a reader compares at a glance.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Downloads `remote` to `sink`; returns the bytes received. (The shell's entry point.)
pub async fn download(
    session: &mut Session,
    remote: &[u8],
    sink: &Sink,
    resume: bool,
    ascii: bool,
    progress: ProgressMode,
) -> Result<u64> {
    get(session, remote, sink, resume, &Options::new(ascii, progress)).await.map(|t| t.bytes)
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
    get_sized(session, remote, sink, resume, size, &Options::new(ascii, progress)).await.map(|t| t.bytes)
}

/// Downloads `remote` to `sink`, resuming from `NAME.part` (or `NAME`) with `resume`.
pub async fn get(
    session: &mut Session,
    remote: &[u8],
    sink: &Sink,
    resume: bool,
    opts: &Options,
) -> Result<Transferred> {
    // SIZE is asked in binary mode; in ASCII mode the sizes differ by line endings, so no check.
    let size = if opts.ascii { None } else { session.size(remote).await? };
    get_sized(session, remote, sink, resume, size, opts).await
}

/// [`get`] with the size already known (or known to be unknown): no SIZE is sent.
pub async fn get_sized(
    session: &mut Session,
    remote: &[u8],
    sink: &Sink,
    resume: bool,
    size: Option<u64>,
    opts: &Options,
) -> Result<Transferred> {
    let (mut previous, mut before) = (None, None);
    match get_inner(session, remote, sink, resume, size, opts, &mut previous, &mut before, false).await? {
        Got::Done(t) => Ok(t),
        Got::Owing(_) => unreachable!("asked for no owed reply"),
    }
}

/// A download whose data all arrived into its `.part`, its final reply still owed on the session
/// (see [`ftp::Session::close_data_owing`]): the `.part` becomes the file only once that reply
/// is a 2xx, read by [`Owing::settle`] or, while the next file is already asked for, by
/// [`get_after`].
pub struct Owing {
    owed: ftp::OwedReply,
    tail: Tail,
}

impl Owing {
    /// Reads the owed final reply and finishes the download as [`get_sized`] would have.
    pub async fn settle(self, session: &mut Session) -> Result<Transferred> {
        let reply = session.settle(self.owed).await;
        self.tail.conclude(reply)
    }
}

/// What [`get_after`] did with a download.
pub enum Got {
    Done(Transferred),
    Owing(Box<Owing>),
}

/// [`get_sized`] for one file of many on a session: `previous`, the last download's owed final
/// reply, is read while this file is already asked for (see [`ftp::Session::open_data_after`]),
/// and this file, once its data is all in, leaves its own final reply owed where it can. Returns
/// the previous download's outcome (`None` without one) and this one's; each error belongs to its
/// own file.
pub async fn get_after(
    session: &mut Session,
    previous: Option<Box<Owing>>,
    remote: &[u8],
    dest: &Path,
    resume: bool,
    size: Option<u64>,
    opts: &Options,
) -> (Option<Result<Transferred>>, Result<Got>) {
    let mut previous = previous;
    let mut before = None;
    let sink = Sink::File(dest.to_owned());
    let got = get_inner(session, remote, &sink, resume, size, opts, &mut previous, &mut before, true).await;
    if let Some(p) = previous.take() {
        // This download stopped before its request went out (nothing was sent since).
        before = Some(p.settle(session).await);
    }
    (before, got)
}

/// What is left of a download once its data is all in: the final reply's verdict, the size
/// check, the rename.
struct Tail {
    part: Option<PathBuf>,
    dest: Option<PathBuf>,
    offset: u64,
    received: u64,
    size: Option<u64>,
    mode: ftp::DataMode,
    fallbacks: Vec<ftp::DataMode>,
    resume_with: Option<String>,
    bar: Progress,
}

impl Tail {
    fn broken(&self, cause: Cause, reply: Option<Reply>) -> Broken {
        Broken {
            direction: Direction::Get,
            cause,
            reply,
            done: self.offset + self.received,
            total: self.size,
            kept: self.part.clone(),
            resumable: self.part.is_some(),
            resume_with: self.resume_with.clone(),
        }
    }

    fn conclude(self, reply: Result<Reply, ftp::Error>) -> Result<Transferred> {
        let complete = self.size.map(|s| self.offset + self.received == s);
        if let Err(e) = reply {
            let err = finish_failed(e, complete, |c, r| self.broken(c, r));
            // A refusal after the data (550, a TLS 522) keeps the .part all the same.
            return Err(match &self.part {
                Some(p) if !err.is::<Broken>() => err.context(format!("{} kept{RESUME_GET}", p.display())),
                _ => err,
            });
        }
        if complete == Some(false) {
            return Err(self.broken(Cause::Short, None).into());
        }
        if let (Some(part), Some(dest)) = (&self.part, &self.dest) {
            std::fs::rename(part, dest).map_err(|e| AppError::local(dest, e))?;
        }
        let Tail { offset, received, mode, fallbacks, bar, .. } = self;
        bar.finish(received);
        Ok(Transferred { bytes: received, from: offset, mode: Some(mode), fallbacks })
    }
}

/// The download itself. `previous` is settled before any command of this one goes out: beside
/// the transfer request where it can be, first otherwise; its outcome goes to `before`.
#[allow(clippy::too_many_arguments)]
async fn get_inner(
    session: &mut Session,
    remote: &[u8],
    sink: &Sink,
    resume: bool,
    size: Option<u64>,
    opts: &Options,
    previous: &mut Option<Box<Owing>>,
    before: &mut Option<Result<Transferred>>,
    owe: bool,
) -> Result<Got> {
    if (resume || opts.ascii)
        && let Some(p) = previous.take()
    {
        // REST, or a TYPE change: commands of their own, which must find the session in step.
        *before = Some(p.settle(session).await);
    }
    let shown = escape(remote);
    let progress = opts.progress();
    session.set_type(opts.ascii).await?;
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
                return Ok(Got::Done(Transferred { from: offset, ..Transferred::default() }));
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
    let cmd = Command::path("RETR", remote)?;
    let (mut data, fallbacks) = match previous.take() {
        Some(p) => {
            let modes = session.modes().to_vec();
            let (reply, data) = session.open_data_after(p.owed, &cmd, rest).await;
            *before = Some(p.tail.conclude(reply));
            let fallbacks = modes.into_iter().filter(|m| !session.modes().contains(m)).collect();
            (data?, fallbacks)
        }
        None => open(session, &cmd, rest).await?,
    };
    let mode = data.mode;
    // The local file is created only now that the server agreed to send: a missing remote file
    // leaves nothing behind.
    let opened = match (&part, special) {
        (Some(part), _) => open_part(part, offset).map(Output::File).map_err(|e| (part.as_path(), e)),
        (None, Some(path)) => OpenOptions::new()
            .write(true)
            .open(path)
            .map(|f| Output::pipe(Box::new(f)))
            .map_err(|e| (path.as_path(), e)),
        (None, None) => Ok(Output::pipe(Box::new(io::stdout()))),
    };
    let mut output = match opened {
        Ok(o) => o,
        Err((path, e)) => {
            let _ = session.abort_data(data).await;
            return Err(AppError::local(path, e).into());
        }
    };
    let expected = size.map(|s| s.saturating_sub(offset));
    let guard = TransferGuard::new();
    let bar = Progress::start(progress, "got", shown.clone(), size, offset);
    let copied = receive(&mut data, &mut output, expected, Some(&bar), offset, opts.limit_rate).await;
    bar.clear();
    let received = data.bytes();
    let tail = Tail {
        part: part.clone(),
        dest: dest.map(Path::to_owned),
        offset,
        received,
        size,
        mode,
        fallbacks,
        resume_with: opts.resume_with.clone(),
        bar,
    };
    let broken = |cause, reply| tail.broken(cause, reply);
    match copied {
        Ok(Copy::Complete) => drop(guard),
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
        Err(CopyError::Lines(e)) => return Err(e),
        Err(CopyError::Data(e)) => return Err(data_failed(session, data, e, broken).await),
        Err(CopyError::Interrupted) => {
            abort_briefly(session, data).await;
            let kept = part.as_ref().map(|p| format!("; {} kept{RESUME_GET}", p.display())).unwrap_or_default();
            return Err(AppError::Interrupted(format!("interrupted{kept}")).into());
        }
    }
    // The data is in: a signal while the server's final reply is awaited has nothing to abort,
    // and must not wait for that reply (a server may never send it).
    let data = if owe && tail.part.is_some() {
        match session.close_data_owing(data).await {
            Ok(owed) => return Ok(Got::Owing(Box::new(Owing { owed, tail }))),
            Err(data) => data,
        }
    } else {
        data
    };
    let reply = session.finish_data(data).await;
    tail.conclude(reply).map(Got::Done)
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
        // Written at the position, not opened to append: splice(2) refuses O_APPEND files.
        let mut f = OpenOptions::new().write(true).open(part)?;
        f.set_len(offset)?;
        f.seek(io::SeekFrom::Start(offset))?;
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
    Data(ftp::Error),
    /// The listing's consumer (or its line framing) failed.
    Lines(anyhow::Error),
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

/// The data connection failed under a transfer. A stall (idle timeout) gets ABOR, answered within
/// a short grace so the whole stall costs about one timeout. Otherwise the server closed or reset
/// it, and its final reply, when it sends one, says why: a 4xx (426, 451) is a break like the
/// reset itself, a 5xx (552 over quota) a refusal, vsftpd's 522 a TLS refusal.
async fn data_failed(
    session: &mut Session,
    data: DataStream,
    e: ftp::Error,
    broken: impl FnOnce(Cause, Option<Reply>) -> Broken,
) -> anyhow::Error {
    match e {
        ftp::Error::Timeout { after, .. } => {
            let grace = (after / 10).clamp(Duration::from_millis(200), Duration::from_secs(3));
            abort_within(session, data, grace).await;
            broken(Cause::Stalled(after), None).into()
        }
        ftp::Error::DataIo(io) => {
            let cause = Cause::Data(io.kind(), io.to_string());
            match session.close_broken_data(data).await {
                Err(refused) if refused.is_tls() => anyhow::Error::new(refused),
                Err(refused) if refused.reply().is_some_and(is_transient) => {
                    broken(cause, refused.reply().cloned()).into()
                }
                Err(refused) if refused.reply().is_some() => anyhow::Error::new(refused),
                _ => broken(cause, None).into(),
            }
        }
        other => {
            let _ = session.abort_data(data).await;
            other.into()
        }
    }
}

/// The transfer's final reply did not come, or said no. A 4xx is a break; a lost control
/// connection after the data is a break that a reconnection can confirm; anything else (a 5xx,
/// a TLS refusal) is what the server said.
fn finish_failed(
    e: ftp::Error,
    complete: Option<bool>,
    broken: impl FnOnce(Cause, Option<Reply>) -> Broken,
) -> anyhow::Error {
    if e.reply().is_some_and(is_transient) && !e.is_tls() {
        return broken(Cause::Server(e.reply().cloned().expect("checked above")), None).into();
    }
    if e.is_control_lost() {
        let why = match &e {
            ftp::Error::Timeout { after, .. } => format!("no reply within {}s", after.as_secs_f64()),
            other => other.to_string(),
        };
        return broken(Cause::ReplyLost { why, complete }, None).into();
    }
    e.into()
}

/// A 4xx reply (RFC 959 §4.2: "transient negative completion"): 426 connection closed, 451
/// local error, 450 busy; the same command may succeed later.
fn is_transient(reply: &Reply) -> bool {
    (400..500).contains(&reply.code)
}

/// ABOR with a bound: after a signal the user is waiting, after a stall the timeout has already
/// run. A session whose ABOR was not answered in time is out of step and marked unusable (the
/// shell then offers to reconnect, a retry logs in again).
async fn abort_within(session: &mut Session, data: DataStream, wait: Duration) {
    let aborted = tokio::time::timeout(wait, session.abort_data(data)).await;
    if !matches!(aborted, Ok(Ok(()))) {
        session.mark_broken();
    }
}

async fn abort_briefly(session: &mut Session, data: DataStream) {
    abort_within(session, data, Duration::from_secs(3)).await;
}

/// Where received bytes go: a regular file written on this thread, a pipe, terminal or device
/// written on the blocking pool, or a listing's lines.
enum Output<'a> {
    File(File),
    Pipe { out: Option<Box<dyn Write + Send>>, pending: Option<WriteJob>, spare: Vec<u8> },
    Lines { framer: LineFramer, on_line: &'a mut dyn FnMut(&[u8]) -> Result<()> },
}

type WriteJob = tokio::task::JoinHandle<(Box<dyn Write + Send>, Vec<u8>, io::Result<()>)>;

impl<'a> Output<'a> {
    fn pipe(out: Box<dyn Write + Send>) -> Output<'a> {
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
async fn receive(
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
async fn send(
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

/// Uploads `local` to `remote`; with `resume`, appends what the server lacks (SIZE, then APPE).
/// Returns the bytes sent. (The shell's entry point.)
pub async fn upload(
    session: &mut Session,
    local: &Path,
    remote: &[u8],
    resume: bool,
    ascii: bool,
    progress: ProgressMode,
) -> Result<u64> {
    put(session, local, remote, resume, &Options::new(ascii, progress)).await.map(|t| t.bytes)
}

/// Uploads `local` to `remote`; with `resume`, appends what the server lacks (SIZE, then APPE).
pub async fn put(
    session: &mut Session,
    local: &Path,
    remote: &[u8],
    resume: bool,
    opts: &Options,
) -> Result<Transferred> {
    let how = if resume { Upload::Resume } else { Upload::Store };
    send_file(session, local, remote, how, opts).await
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
    send_file(session, local, remote, Upload::Append, &Options::new(ascii, progress)).await.map(|t| t.bytes)
}

/// [`append`] with all the options.
pub async fn append_with(session: &mut Session, local: &Path, remote: &[u8], opts: &Options) -> Result<Transferred> {
    send_file(session, local, remote, Upload::Append, opts).await
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
    opts: &Options,
) -> Result<Transferred> {
    let shown = escape(remote);
    let progress = opts.progress();
    let mut file = File::open(local).map_err(|e| AppError::local(local, e))?;
    let len = file.metadata().map_err(|e| AppError::local(local, e))?.len();
    let mut offset = 0;
    // What the server has before an append, to check the size after it.
    let mut before = 0;
    if how == Upload::Append && !opts.ascii && session.features().size {
        before = session.size(remote).await?.unwrap_or(0);
    }
    if how == Upload::Resume
        && let Some(remote_len) = session.size(remote).await?
    {
        if remote_len == len {
            if !progress.quiet {
                eprintln!("ftpx: '{shown}' is already complete on the server ({len} bytes)");
            }
            return Ok(Transferred { from: len, ..Transferred::default() });
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
    session.set_type(opts.ascii).await?;
    let verb = if offset > 0 || how == Upload::Append { "APPE" } else { "STOR" };
    let (mut data, fallbacks) = open(session, &Command::path(verb, remote)?, None).await?;
    let mode = data.mode;
    let guard = TransferGuard::new();
    let bar = Progress::start(progress, "put", shown.clone(), Some(len), offset);
    let copied = send(file, &mut data, &bar, offset, opts.limit_rate).await;
    bar.clear();
    let broken = |sent: u64| {
        move |cause, reply| Broken {
            direction: Direction::Put,
            cause,
            reply,
            done: offset + sent,
            total: Some(len),
            kept: None,
            // An append cannot be resumed: what the server had before is not known after.
            resumable: how != Upload::Append,
            resume_with: opts.resume_with.clone(),
        }
    };
    match copied {
        // As for a download: nothing left to abort once the data is sent.
        Ok(()) => drop(guard),
        Err(CopyError::Local(e)) => {
            let _ = session.abort_data(data).await;
            return Err(AppError::local(local, e).into());
        }
        Err(CopyError::Data(e)) => {
            let sent = data.bytes();
            return Err(data_failed(session, data, e, broken(sent)).await);
        }
        Err(CopyError::Lines(e)) => return Err(e),
        Err(CopyError::Interrupted) => {
            abort_briefly(session, data).await;
            return Err(AppError::Interrupted(format!("interrupted; {RESUME_PUT}")).into());
        }
    }
    let sent = data.bytes();
    if let Err(e) = session.finish_data(data).await {
        return Err(finish_failed(e, Some(offset + sent == len), broken(sent)));
    }
    if !opts.ascii && session.features().size {
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
    Ok(Transferred { bytes: sent, from: offset, mode: Some(mode), fallbacks })
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
    // Listing lines are framed like replies, under the same 64 KiB bound.
    const _: () = assert!(MAX_LIST_LINE == ftp::reply::MAX_LINE);
    let mut output = Output::Lines { framer: LineFramer::default(), on_line: &mut on_line };
    match receive(&mut data, &mut output, None, None, 0, None).await {
        Ok(_) => {}
        Err(CopyError::Interrupted) => {
            abort_briefly(session, data).await;
            return Err(AppError::Interrupted("interrupted".into()).into());
        }
        Err(e) => {
            let _ = session.abort_data(data).await;
            return Err(match e {
                CopyError::Data(e) => e.into(),
                CopyError::Lines(e) => e,
                CopyError::Local(e) => e.into(),
                CopyError::Interrupted => unreachable!("handled above"),
            });
        }
    }
    session.finish_data(data).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(20_185_088), "20,185,088");
        assert_eq!(grouped(67_108_864), "67,108,864");
    }

    #[test]
    fn breaks_say_what_broke_and_how_far_it_got() {
        let broken = |cause| Broken {
            direction: Direction::Get,
            cause,
            reply: None,
            done: 20_185_088,
            total: Some(67_108_864),
            kept: Some("big.bin.part".into()),
            resumable: true,
            resume_with: Some("ftpx get -c ftp://h/big.bin".into()),
        };
        let reset = broken(Cause::Data(io::ErrorKind::ConnectionReset, "connection reset by peer".into()));
        assert_eq!(
            reset.to_string(),
            "the data connection was reset after 20,185,088 of 67,108,864 bytes; big.bin.part kept"
        );
        let stalled = broken(Cause::Stalled(Duration::from_secs(60))).to_string();
        assert!(stalled.contains("stalled after 20,185,088 of 67,108,864 bytes: nothing moved for 60s"), "{stalled}");
        let lost = broken(Cause::ReplyLost { why: "no reply within 60s".into(), complete: Some(true) });
        assert!(lost.data_complete());
        assert!(lost.to_string().starts_with("all 20,185,088 of 67,108,864 bytes arrived"), "{lost}");
        assert_eq!(
            lost.happened(),
            "all 20,185,088 of 67,108,864 bytes arrived, but the server's final reply never came (no reply within 60s)"
        );
    }
}

//! Downloads, uploads and listings over a data connection: `.part` files, resume, the size
//! check, breaks worded as breaks, and Ctrl-C (ABOR, then the session goes on).
//!
//! A download is complete or it is a resumable `NAME.part`: bytes go to `NAME.part`, which
//! becomes `NAME` only when the server said 226 and, where SIZE answered, the size matches.
//! A transfer that breaks half way (the data connection reset or closed, a stall, a 4xx final
//! reply, the control connection lost) is a [`Broken`] error (exit 11) that says how many bytes
//! made it and how to resume; [`crate::retry`] decides whether to try again.
//!
//! The copy loops, and the kernel's zero-copy paths they take, are in [`copy`].

use std::fs::{File, OpenOptions};
use std::io::{self, Seek};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use crate::error::AppError;
use crate::ftp::list::MAX_LIST_LINE;
use crate::ftp::reply::LineFramer;
use crate::ftp::{self, Command, DataStream, Reply, Session};
use crate::interrupt::TransferGuard;
use crate::progress::{Progress, ProgressMode};
use crate::text::escape;

mod broken;
mod copy;

pub use broken::{Broken, Cause, Direction, grouped};
use broken::{RESUME_GET, RESUME_PUT};
use copy::{Copy, CopyError, Output, receive, send};

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

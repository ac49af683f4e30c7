//! The workers: each takes files from the walk's queue and copies them on a session from the
//! pool, tried again as `--retry` allows, a download's final reply read beside the next file's
//! request where it can be.

use std::fs;
use std::path::PathBuf;

use anyhow::Result;
use tokio::sync::mpsc;

use super::compare::{Stamp, mdtm_secs, time_val};
use super::{Action, Run};
use crate::error::AppError;
use crate::ftp::{Command, Session};
use crate::interrupt;
use crate::progress::ProgressMode;
use crate::retry;
use crate::text::escape;
use crate::transfer::{self, part_path};

/// A file to copy.
pub(super) struct Job {
    pub(super) rel: Vec<u8>,
    pub(super) remote: Vec<u8>,
    pub(super) local: PathBuf,
    pub(super) size: Option<u64>,
    pub(super) stamp: Option<Stamp>,
    /// For an upload: the remote file exists with this size (for `--continue`).
    pub(super) remote_size: Option<u64>,
}

/// A download whose final reply is still owed, with the session that owes it.
struct Carried {
    session: Session,
    job: Job,
    owing: Box<transfer::Owing>,
    retries: u32,
}

const QUIET: ProgressMode = ProgressMode { quiet: true, bars: false, hash: None };

impl<O> Run<'_, '_, O>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    /// Takes jobs until the walk ends, each on a session from the pool. A download whose data is
    /// all in keeps its session and leaves its final reply owed when another file is already
    /// waiting: that reply is read while the next file is asked for (see
    /// [`Session::open_data_after`]), which saves the round trip a server like vsftpd spends on
    /// it. With no next file at hand, the owed reply is read at once.
    pub(super) async fn worker(&self, jobs: &tokio::sync::Mutex<mpsc::Receiver<Job>>) {
        let mut carried: Option<Carried> = None;
        loop {
            let next = jobs.lock().await.try_recv();
            if (next.is_err() || interrupt::has_fired())
                && let Some(c) = carried.take()
            {
                self.settle(c).await;
            }
            let job = match next {
                Ok(job) => job,
                Err(mpsc::error::TryRecvError::Empty) => match jobs.lock().await.recv().await {
                    Some(job) => job,
                    None => return,
                },
                Err(mpsc::error::TryRecvError::Disconnected) => return,
            };
            if interrupt::has_fired() {
                continue;
            }
            if let Some(c) = carried.take_if(|c| !c.session.is_usable()) {
                // Cannot happen after a clean close; if it did, the owed reply is lost with the
                // session and its file is tried again.
                self.settle(c).await;
            }
            // The retries the carried file took before its data was all in.
            let prev_retries = carried.as_ref().map_or(0, |c| c.retries);
            let slot = carried.take().map(|c| (c.session, (c.job, c.owing)));
            let (mut session, previous) = match slot {
                Some((s, p)) => (Some(s), Some(p)),
                None => (None, None),
            };
            let owe = !self.s.reverse && self.hash.is_none();
            let mut before = None;
            let result = self.retried(&job, &mut session, None, previous, &mut before, owe).await;
            let mut owing = None;
            match result {
                Ok(retry::Done { value: transfer::Got::Owing(o), retries }) => owing = Some((o, retries)),
                Ok(retry::Done { value: transfer::Got::Done(t), retries }) => {
                    self.record_retried(&job.rel, Action::Copied, t.bytes, "", retries)
                }
                Err(e) => self.record_retried(&job.rel, Action::Failed, 0, format!("{e:#}"), retry::retries_of(&e)),
            }
            if let Some((prev, outcome)) = before {
                // The previous file's own final reply: its outcome, and its retry, are its own.
                self.conclude(prev, outcome, prev_retries, &mut session).await;
            }
            match (owing, session) {
                (Some((owing, retries)), Some(session)) => carried = Some(Carried { session, job, owing, retries }),
                (_, session) => {
                    if let Some(s) = session {
                        self.pool.put(s);
                    }
                }
            }
        }
    }

    /// Reads a carried download's owed final reply and records the file.
    async fn settle(&self, c: Carried) {
        let Carried { session, job, owing, retries } = c;
        let mut slot = Some(session);
        let outcome = owing.settle(slot.as_mut().expect("just put")).await;
        self.conclude(job, outcome, retries, &mut slot).await;
        if let Some(s) = slot {
            self.pool.put(s);
        }
    }

    /// A download whose final reply came after its data (and maybe beside the next file's
    /// request): on a 2xx the file gets its time and is counted; otherwise it is tried again as
    /// `--retry` allows, that failure counting as its first attempt, on `slot`.
    async fn conclude(
        &self,
        job: Job,
        outcome: Result<transfer::Transferred>,
        retries: u32,
        slot: &mut Option<Session>,
    ) {
        let result = match outcome {
            Ok(t) => self.set_time(&job).map(|()| retry::Done { value: transfer::Got::Done(t), retries }),
            Err(e) => self.retried(&job, slot, Some(e), None, &mut None, false).await,
        };
        match result {
            Ok(retry::Done { value: transfer::Got::Done(t), retries }) => {
                self.record_retried(&job.rel, Action::Copied, t.bytes, "", retries)
            }
            Ok(retry::Done { value: transfer::Got::Owing(_), .. }) => unreachable!("asked for no owed reply"),
            Err(e) => self.record_retried(&job.rel, Action::Failed, 0, format!("{e:#}"), retry::retries_of(&e)),
        }
    }

    /// One file on `slot` (a session from the pool when empty), tried again as `--retry` allows:
    /// a session that died goes back to the pool (which drops it) and a new one is taken; a later
    /// attempt resumes from the `.part` (download) or the server's size (upload). A server that
    /// refuses a TLS data session that could not resume (ProFTPD 1.3.8 issues no TLS 1.3 tickets
    /// on upload connections) gets a new login once, which brings new tickets.
    ///
    /// `failed`: the first attempt already failed so (its final reply said so after the fact).
    /// `previous`: a download on the session in `slot` whose final reply is owed; the first
    /// attempt reads it while asking for this file, and its outcome goes to `before`. With `owe`,
    /// a download whose data is all in may leave its own final reply owed ([`transfer::Got`]).
    async fn retried(
        &self,
        job: &Job,
        slot: &mut Option<Session>,
        failed: Option<anyhow::Error>,
        previous: Option<(Job, Box<transfer::Owing>)>,
        before: &mut Option<(Job, Result<transfer::Transferred>)>,
        owe: bool,
    ) -> Result<retry::Done<transfer::Got>> {
        let say = |_: &mut Option<Session>, line: &str| {
            let relogin = line.starts_with("the server refused a TLS data session");
            if !relogin || !self.relogin_noted.swap(true, std::sync::atomic::Ordering::Relaxed) {
                self.reporter.retry(&format!("{}: {line}", escape(&job.rel)));
            }
        };
        let mut failed = failed;
        let mut previous = previous;
        let connect = async |slot: &mut Option<Session>, fresh: bool| self.pool.ready(slot, fresh).await;
        let attempt = async |slot: &mut Option<Session>, t: retry::Try| {
            if let Some(e) = failed.take() {
                return Err(e);
            }
            let session = slot.as_mut().expect("connected before each attempt");
            if self.s.reverse {
                let bytes = self.upload(session, job, t.resume).await?;
                return Ok(transfer::Got::Done(transfer::Transferred { bytes, ..Default::default() }));
            }
            let (prev, owing) = previous.take().unzip();
            let (outcome, got) = self.download(session, job, t.resume, owing, owe).await;
            let prev_failed = outcome.as_ref().is_some_and(|o| o.is_err());
            if let (Some(prev), Some(outcome)) = (prev, outcome) {
                *before = Some((prev, outcome));
            }
            match got? {
                // The previous file is to be tried again on this session: nothing may stay owed.
                transfer::Got::Owing(o) if prev_failed => {
                    let t = o.settle(session).await?;
                    self.set_time(job)?;
                    Ok(transfer::Got::Done(t))
                }
                got => Ok(got),
            }
        };
        retry::run(&self.s.retry, say, slot, connect, attempt).await
    }

    /// Downloads one file; with `previous` (the last download's owed reply on this session),
    /// returns that download's outcome too. With `owe`, this download may leave its final reply
    /// owed ([`transfer::Got::Owing`]); once done, the file has the server's time and, with
    /// `--verify`, has been checked.
    async fn download(
        &self,
        session: &mut Session,
        job: &Job,
        again: bool,
        previous: Option<Box<transfer::Owing>>,
        owe: bool,
    ) -> (Option<Result<transfer::Transferred>>, Result<transfer::Got>) {
        // `-c` continues a .part only: a complete older file is replaced, not appended to. A
        // retry goes on from the .part its first attempt left.
        let resume = (self.s.resume || again) && part_path(&job.local).exists();
        let mut before = None;
        let mut previous = previous;
        if again && resume {
            if let Some(p) = previous.take() {
                before = Some(p.settle(session).await);
            }
            if let Err(e) = self.unchanged_since_listed(session, job).await {
                return (before, Err(e));
            }
        }
        let opts = transfer::Options::new(false, QUIET);
        let (b, got) = transfer::get_after(session, previous, &job.remote, &job.local, resume, job.size, &opts).await;
        let before = before.or(b);
        let done = async {
            let got = match got? {
                transfer::Got::Owing(o) if !owe => transfer::Got::Done(o.settle(session).await?),
                got => got,
            };
            if let transfer::Got::Done(_) = &got {
                if let Some(hash) = &self.hash {
                    hash.verify(session, &job.remote, &job.local).await?;
                }
                self.set_time(job)?;
            }
            Ok(got)
        };
        (before, done.await)
    }

    /// Before a retry resumes (or confirms) a `.part`: where the listing gave the time to the
    /// second (MLSD, UTC by RFC 3659 §2.3) and the server offers MDTM, the file must still have
    /// it. One that changed between attempts would leave a `.part` of two versions; it is removed
    /// and the file reported failed, for the next run to fetch anew. (SIZE alone cannot tell a
    /// file rewritten with the same length.)
    async fn unchanged_since_listed(&self, session: &mut Session, job: &Job) -> Result<()> {
        let Some(stamp) = job.stamp.filter(|s| s.precision == 1 && session.features().mdtm) else { return Ok(()) };
        let Some(now) = session.mdtm(&job.remote).await?.as_deref().and_then(mdtm_secs) else { return Ok(()) };
        if stamp.same(Stamp::exact(now)) {
            return Ok(());
        }
        let part = part_path(&job.local);
        fs::remove_file(&part).map_err(|e| AppError::local(&part, e))?;
        Err(AppError::Incomplete(format!(
            "'{}' changed on the server during the mirror (MDTM {} since the listing's {}): its .part was removed; \
             the next mirror fetches it anew",
            escape(&job.rel),
            time_val(now),
            time_val(stamp.secs)
        ))
        .into())
    }

    async fn upload(&self, session: &mut Session, job: &Job, again: bool) -> Result<u64> {
        let resume = again || (self.s.resume && job.remote_size.is_some_and(|r| job.size.is_some_and(|l| r < l)));
        let bytes = transfer::upload(session, &job.local, &job.remote, resume, false, QUIET).await?;
        if self.mfmt
            && !self.s.ignore_time
            && let Some(stamp) = job.stamp
        {
            // RFC draft-somers-ftp-mfxx: MFMT YYYYMMDDHHMMSS path; a refusal only costs the
            // next run a comparison by size.
            let arg = [time_val(stamp.secs).as_bytes(), b" ", &job.remote].concat();
            let _ = session.command(&Command::with_arg("MFMT", arg)?).await?;
        }
        Ok(bytes)
    }
}

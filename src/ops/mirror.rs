//! `mirror`: a remote tree copied down (or, reversed, a local tree copied up) over a pool of
//! sessions, copying only what is missing or differs.
//!
//! The walk streams: one directory at a time is listed (remote) and read (local), its files are
//! compared and the ones to copy go to a bounded queue that the pool's sessions drain, so memory
//! follows the largest directory, not the tree. Each file costs what the protocol needs and no
//! more: no CWD (every path is absolute, made so once with PWD), no TYPE after the first (the
//! session keeps it), no SIZE or MDTM (the listing gave both), so a download is EPSV, RETR and its
//! final reply. The local file gets the server's modification time, so the next run finds it equal
//! and copies nothing.
//!
//! Safety: names from a listing become local names only when
//! [`safe_local_name`](super::get::safe_local_name) accepts them (no separator, no `..`, no control
//! character); a bad one is skipped and reported, and the rest goes on. Every remote path is the
//! root joined with such names, so nothing outside the tree is asked for. A symbolic link is never
//! followed: one whose target stays inside the tree becomes the same local link, any other is
//! skipped (CVE-2014-4877: a link to `/` and then a file through it). `--delete` removes only
//! entries of directories inside the target, never through a link.
//!
//! The parts: `walk` lists each directory (`remote`) and reads its local copy (`local`),
//! decides what to copy (`compare`, `filters`) and queues it for the `worker`s, which copy
//! on sessions from the pool (and check with `verify`).

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Result;
use tokio::sync::mpsc;

use super::pool::Pool;

mod compare;
mod filters;
mod local;
mod remote;
mod verify;
mod walk;
mod worker;

use crate::error::AppError;
use crate::ftp::Session;
use crate::interrupt;
use crate::retry;
use crate::text::escape;
use compare::Clock;
pub use compare::{Stamp, stamp};
pub use filters::Filters;

/// What to mirror and how: resolved from the command line or the shell, no clap types.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The remote directory: relative to the login directory, or absolute.
    pub remote_root: Vec<u8>,
    pub local_root: PathBuf,
    /// Local to remote (`--reverse`).
    pub reverse: bool,
    /// Sessions at once (`-P`).
    pub parallel: usize,
    /// Copy only files newer at the source than at the target (or missing).
    pub only_newer: bool,
    /// Compare sizes only.
    pub size_only: bool,
    /// Neither compare times nor copy them.
    pub ignore_time: bool,
    pub delete: bool,
    pub filters: Filters,
    /// Directory levels below the root to descend; `Some(0)` is the root's files only.
    pub max_depth: Option<usize>,
    pub dry_run: bool,
    /// Continue `.part` files (downloads) or shorter remote files (uploads).
    pub resume: bool,
    /// Check each downloaded file against the server's hash command.
    pub verify: bool,
    /// Each file is tried again after a transient failure, resuming (see [`crate::retry`]).
    pub retry: retry::Policy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Copied,
    Skipped,
    Deleted,
    Failed,
}

/// What happened to one entry. With `--dry-run`, `copied` and `deleted` are what would happen.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileOutcome {
    /// The path relative to the root, escaped for display.
    pub path: String,
    pub action: Action,
    pub bytes: u64,
    /// Why it was copied, skipped, deleted or failed.
    pub reason: String,
    /// How many times the copy was tried again (`--retry`) before it succeeded or failed.
    pub retries: u32,
}

/// The mirror's totals.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Outcome {
    pub copied: u64,
    pub skipped: u64,
    pub deleted: u64,
    pub failed: u64,
    pub bytes: u64,
    /// Retries over all files (`--retry`).
    pub retries: u64,
    pub seconds: f64,
    pub dry_run: bool,
    /// Sessions used at most (fewer than asked when the server refused some).
    pub sessions: usize,
}

/// What the front end shows while the mirror runs.
pub trait Reporter {
    /// A file was queued for copying (`size` when known): the totals grow as the walk goes.
    fn queued(&self, size: Option<u64>);
    fn outcome(&self, outcome: &FileOutcome);
    /// Something to say once (a smaller pool).
    fn note(&self, text: &str);
    /// A file is tried again (or confirmed after a reconnection): one line (see [`crate::retry`]).
    fn retry(&self, line: &str);
}

/// `a/b` + `c` -> `a/b/c`.
fn join(base: &[u8], name: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    if !out.is_empty() && !name.is_empty() && !out.ends_with(b"/") {
        out.push(b'/');
    }
    out.extend_from_slice(name);
    out
}

struct Run<'a, 'o, O> {
    s: &'a Settings,
    pool: &'a Pool<'o, O>,
    reporter: &'a dyn Reporter,
    tally: Mutex<Outcome>,
    /// The absolute remote root.
    root: Vec<u8>,
    /// The server sets modification times (MFMT), for uploads.
    mfmt: bool,
    hash: Option<verify::HashCommand>,
    relogin_noted: std::sync::atomic::AtomicBool,
    clock: Mutex<Clock>,
}

impl<O> Run<'_, '_, O>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    fn record(&self, rel: &[u8], action: Action, bytes: u64, reason: impl Into<String>) {
        self.record_retried(rel, action, bytes, reason, 0);
    }

    /// [`Run::record`] for a copy that took `retries` retries.
    fn record_retried(&self, rel: &[u8], action: Action, bytes: u64, reason: impl Into<String>, retries: u32) {
        let outcome = FileOutcome { path: escape(rel), action, bytes, reason: reason.into(), retries };
        {
            let mut t = self.tally.lock().unwrap_or_else(|e| e.into_inner());
            match action {
                Action::Copied => t.copied += 1,
                Action::Skipped => t.skipped += 1,
                Action::Deleted => t.deleted += 1,
                Action::Failed => t.failed += 1,
            }
            t.bytes += bytes;
            t.retries += u64::from(retries);
        }
        self.reporter.outcome(&outcome);
        if let Some(n) = self.pool.take_notice() {
            self.reporter.note(&n);
        }
    }
}

/// Mirrors as `settings` say over sessions from `open`, reporting each entry to `reporter`.
/// Failed files are counted in the outcome, not returned as an error; an error means the mirror
/// could not start (no session, no root listing) or was interrupted.
pub async fn mirror<O>(settings: &Settings, open: &O, reporter: &dyn Reporter) -> Result<Outcome>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    let started = Instant::now();
    // Held to the end: a signal is the mirror's to answer (the files in flight keep their .part,
    // no new one starts, and the caller still gets to close its output).
    let _guard = interrupt::TransferGuard::new();
    let pool = Pool::new(open, settings.parallel);
    let mut first = pool.get().await?;
    // Absolute paths from here on: no CWD per file, and a LIST's CWD cannot move the others.
    let root = if settings.remote_root.starts_with(b"/") {
        settings.remote_root.clone()
    } else {
        join(&first.pwd().await?, &settings.remote_root)
    };
    let mfmt = first.features().lines.iter().any(|l| l.to_ascii_uppercase().starts_with("MFMT"));
    let hash = if settings.verify && !settings.reverse {
        let h = verify::HashCommand::choose(first.features());
        if h.is_none() {
            reporter.note(
                "--verify: the server offers no hash command (HASH, XSHA256, XSHA1, XMD5, XCRC): sizes are checked",
            );
        }
        h
    } else {
        None
    };
    pool.put(first);
    let run = Run {
        s: settings,
        pool: &pool,
        reporter,
        tally: Mutex::new(Outcome { dry_run: settings.dry_run, ..Outcome::default() }),
        root,
        mfmt,
        hash,
        relogin_noted: Default::default(),
        clock: Mutex::new(Clock::NotYet),
    };
    let (tx, rx) = mpsc::channel(settings.parallel.max(1) * 4);
    let rx = tokio::sync::Mutex::new(rx);
    let walk = async { if settings.reverse { run.walk_up(tx).await } else { run.walk_down(tx).await } };
    let workers = futures_util::future::join_all((0..settings.parallel.max(1)).map(|_| run.worker(&rx)));
    // The other sessions log in while the first lists the root (a login is four or five round
    // trips): they are ready when the first files are. A refusal shrinks the pool as usual.
    let warming = if settings.dry_run { 1 } else { settings.parallel.max(1) };
    let warm = futures_util::future::join_all((1..warming).map(|_| async {
        if let Ok(session) = pool.get().await {
            pool.put(session);
        }
    }));
    let (walked, _, _) = tokio::join!(walk, workers, warm);
    let mut outcome = run.tally.into_inner().unwrap_or_else(|e| e.into_inner());
    let sessions = pool.limit();
    if !interrupt::has_fired() {
        pool.close().await;
    }
    walked?;
    if interrupt::has_fired() {
        return Err(AppError::Interrupted(
            "interrupted; run the same mirror with --continue to resume the .part files".into(),
        )
        .into());
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome.sessions = sessions;
    Ok(outcome)
}

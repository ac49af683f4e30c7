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
//! Safety: names from a listing become local names only when [`safe_local_name`] accepts them (no
//! separator, no `..`, no control character); a bad one is skipped and reported, and the rest goes
//! on. Every remote path is the root joined with such names, so nothing outside the tree is asked
//! for. A symbolic link is never followed: one whose target stays inside the tree becomes the same
//! local link, any other is skipped (CVE-2014-4877: a link to `/` and then a file through it).
//! `--delete` removes only entries of directories inside the target, never through a link.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result};
use tokio::sync::mpsc;

use super::get::safe_local_name;
use super::pool::Pool;

mod verify;
use crate::error::AppError;
use crate::ftp::list::{Entry, Kind, Modified, Zone};
use crate::ftp::{Command, Session};
use crate::glob;
use crate::interrupt;
use crate::progress::ProgressMode;
use crate::retry;
use crate::text::escape;
use crate::transfer::{self, part_path};

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

/// `--include` and `--exclude` globs, as rsync, rclone and lftp read them: `*`, `?` and `[...]`
/// never match `/`, `**` matches across directories (see [`glob::path_matches`]). A pattern
/// without a `/` is matched against the name at any depth; one with a `/` against the whole path
/// relative to the root (a leading `/` only anchors); one ending in `/` matches directories only.
/// A file is copied when it matches an include (or there are none) and no exclude; a directory is
/// entered unless excluded. Excluded entries are left alone by `--delete`.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Filters {
    fn hit(pattern: &str, rel: &str, name: &str, dir: bool) -> bool {
        let (pattern, dirs_only) = match pattern.strip_suffix('/') {
            Some(p) => (p, true),
            None => (pattern, false),
        };
        if dirs_only && !dir {
            return false;
        }
        match pattern.strip_prefix('/') {
            Some(p) => glob::path_matches(p, rel),
            None if pattern.contains('/') => glob::path_matches(pattern, rel),
            None => glob::path_matches(pattern, name),
        }
    }

    /// Whether the entry at `rel` (named `name`; a directory when `dir`) is excluded.
    fn excluded(&self, rel: &[u8], name: &[u8], dir: bool) -> bool {
        let (rel, name) = (String::from_utf8_lossy(rel), String::from_utf8_lossy(name));
        self.exclude.iter().any(|p| Filters::hit(p, &rel, &name, dir))
    }

    /// Whether the file at `rel` is included.
    fn included(&self, rel: &[u8], name: &[u8]) -> bool {
        let (rel, name) = (String::from_utf8_lossy(rel), String::from_utf8_lossy(name));
        self.include.is_empty() || self.include.iter().any(|p| Filters::hit(p, &rel, &name, false))
    }
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

/// A modification time from a listing, with its precision in seconds: MLSD and MDTM give
/// seconds, a LIST line minutes (this year's files) or days (older ones). The time is somewhere in
/// `[secs, secs + precision)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub secs: i64,
    pub precision: i64,
}

impl Stamp {
    /// A local file's time, to the second.
    fn exact(secs: i64) -> Stamp {
        Stamp { secs, precision: 1 }
    }

    /// Whether the two may be the same time: their intervals meet (a LIST minute holds each of
    /// its local seconds).
    fn same(self, other: Stamp) -> bool {
        self.secs < other.secs + other.precision && other.secs < self.secs + self.precision
    }

    /// Whether this is surely later than `other`: it starts after `other` ends.
    fn after(self, other: Stamp) -> bool {
        self.secs >= other.secs + other.precision
    }
}

/// `YYYYMMDDHHMMSS` (UTC) for a Unix time, as MFMT takes it.
fn time_val(secs: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}{:02}{:02}{:02}{:02}{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// MDTM's `YYYYMMDDHHMMSS[.sss]` (UTC, RFC 3659 §2.3) as Unix seconds.
fn mdtm_secs(t: &str) -> Option<i64> {
    let d = t.get(..14).filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    let n = |from: usize, len: usize| d[from..from + len].parse::<u16>().ok();
    let month = time::Month::try_from(u8::try_from(n(4, 2)?).ok()?).ok()?;
    let date = time::Date::from_calendar_date(i32::from(n(0, 4)?), month, n(6, 2)? as u8).ok()?;
    let at = time::Time::from_hms(n(8, 2)? as u8, n(10, 2)? as u8, n(12, 2)? as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, at).assume_utc().unix_timestamp())
}

/// A listing's time as a [`Stamp`]: to the second from MLSD (UTC, RFC 3659 §2.3), to the minute
/// from a LIST date with a time, to the day from one with a year. A LIST time is the server's
/// local time in a zone it does not give: here taken as UTC, as vsftpd, ProFTPD and pure-ftpd
/// write it by default; the mirror corrects it by the offset it learns ([`Clock`]).
pub fn stamp(m: &Modified) -> Stamp {
    let time = m.time.unwrap_or(time::Time::MIDNIGHT);
    let mut secs = time::PrimitiveDateTime::new(m.date, time).assume_utc().unix_timestamp();
    if let Zone::Offset(minutes) = m.zone {
        secs -= i64::from(minutes) * 60;
    }
    let precision = match (m.time, m.zone) {
        (None, _) => 86_400,
        (Some(_), Zone::Utc) => 1,
        (Some(t), _) if t.second() != 0 => 1,
        (Some(_), _) => 60,
    };
    Stamp { secs, precision }
}

/// How far ahead of UTC the server's LIST times are. Learned once per mirror from the first
/// listed file whose LIST time has minutes: MDTM gives its time in UTC (RFC 3659 §2.3), and the
/// difference, rounded to the quarter hour every zone is a multiple of, is the server's offset
/// (vsftpd writes local time with `use_localtime=YES`, ProFTPD and pure-ftpd in the zone they run
/// in). Without MDTM (or with an answer that does not fit) LIST times stay taken as UTC: still
/// consistent from run to run, since the local file gets the listing's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    NotYet,
    Ahead(i64),
    Unknown,
}

/// The offset of a LIST time (`listed`, read as UTC, at most a minute short of the truth) from
/// the same file's MDTM (`utc`): a whole number of quarter hours, within UTC-12..UTC+14, or
/// `None` when the difference is no such thing (the file changed in between).
fn list_offset(listed: i64, utc: i64) -> Option<i64> {
    let d = listed - utc;
    let offset = (d + 450).div_euclid(900) * 900;
    let residue = d - offset;
    ((-12 * 3600..=14 * 3600).contains(&offset) && (-61..=1).contains(&residue)).then_some(offset)
}

fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// One side's view of a file, for the comparison.
#[derive(Debug, Clone, Copy)]
struct Side {
    size: Option<u64>,
    stamp: Option<Stamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimeRule {
    /// The target gets the source's time after a copy: equal times mean the same file.
    Exact,
    /// The target's time is when it was copied (a server without MFMT): only a source newer
    /// than the target counts.
    SourceNewer,
}

/// Why the source must be copied over the target, or `None` when the target is up to date.
fn why_copy(src: Side, dst: Option<Side>, s: &Settings, rule: TimeRule) -> Option<&'static str> {
    let Some(dst) = dst else { return Some("missing") };
    let times = (!s.size_only && !s.ignore_time).then_some(()).and(src.stamp.zip(dst.stamp));
    if s.only_newer {
        return match times {
            Some((a, b)) if a.after(b) => Some("newer"),
            Some(_) => None,
            None if src.size != dst.size => Some("size differs"),
            None => None,
        };
    }
    if src.size.is_some() && src.size != dst.size {
        return Some("size differs");
    }
    match (times, rule) {
        (Some((a, b)), TimeRule::Exact) => (!a.same(b)).then_some("time differs"),
        (Some((a, b)), TimeRule::SourceNewer) => a.after(b).then_some("newer"),
        (None, _) => None,
    }
}

/// The one place the mirror reads a remote listing: [`super::list::entries`], MLSD when the server
/// offers it (RFC 3659 §7, exact sizes and UTC times), else LIST in the directory (CWD first: a
/// path argument to LIST is globbed by some servers, and names with `[` would list something
/// else).
///
/// MLSD may say an entry is a link without saying where it leads (ProFTPD 1.3.8's
/// `type=OS.unix=symlink`, pure-ftpd 1.0.50's `type=OS.unix=slink:`): then one LIST of the same
/// directory gives the targets (`name -> target`), so such a link meets the same rules as one read
/// from LIST. A server that describes a link as what it points to (`type=dir`) gives no way to tell.
async fn list_dir(session: &mut Session, path: &[u8]) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let mlsd = session.features().mlsd;
    if !mlsd {
        session.expect(&Command::path("CWD", path)?, &[]).await?;
    }
    super::list::entries(session, mlsd.then_some(path), true, |e| {
        entries.push(e.clone());
        Ok(())
    })
    .await?;
    if mlsd && entries.iter().any(|e| e.kind == Kind::Link && e.target.is_none()) {
        let mut targets = HashMap::new();
        session.expect(&Command::path("CWD", path)?, &[]).await?;
        super::list::entries(session, None, false, |e| {
            if let (Kind::Link, Some(t)) = (e.kind, &e.target) {
                targets.insert(e.name.clone(), t.clone());
            }
            Ok(())
        })
        .await?;
        for e in entries.iter_mut().filter(|e| e.kind == Kind::Link && e.target.is_none()) {
            e.target = targets.remove(&e.name);
        }
    }
    Ok(entries)
}

/// What a local directory holds, compactly (a directory of 100,000 entries is a few MiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LocalKind {
    File,
    Dir,
    Link,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct LocalEntry {
    kind: LocalKind,
    size: u64,
    mtime: i64,
}

impl LocalEntry {
    fn side(&self) -> Side {
        Side { size: Some(self.size), stamp: Some(Stamp { secs: self.mtime, precision: 1 }) }
    }
}

/// The entries of a local directory, links not followed; empty when it does not exist.
fn read_local(dir: &Path) -> Result<HashMap<Vec<u8>, LocalEntry>> {
    let mut out = HashMap::new();
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(AppError::local(dir, e).into()),
    };
    for entry in read {
        let entry = entry.map_err(|e| AppError::local(dir, e))?;
        let Ok(meta) = entry.metadata() else { continue };
        let ft = meta.file_type();
        let kind = if ft.is_symlink() {
            LocalKind::Link
        } else if ft.is_dir() {
            LocalKind::Dir
        } else if ft.is_file() {
            LocalKind::File
        } else {
            LocalKind::Other
        };
        let mtime = meta.modified().map(unix_secs).unwrap_or(0);
        out.insert(entry.file_name().as_bytes().to_vec(), LocalEntry { kind, size: meta.len(), mtime });
    }
    Ok(out)
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

fn local_path(root: &Path, rel: &[u8]) -> PathBuf {
    if rel.is_empty() { root.to_path_buf() } else { root.join(OsStr::from_bytes(rel)) }
}

/// Where a link found at `rel_dir` pointing to `target` leads, relative to the root, when it
/// stays inside the tree; `None` for an absolute target, one that climbs out, or a bad byte.
fn link_inside(rel_dir: &[u8], target: &[u8]) -> Option<Vec<u8>> {
    if target.is_empty() || target.starts_with(b"/") || target.iter().any(|&b| b < 0x20 || b == 0x7f || b == b'\\') {
        return None;
    }
    let mut parts: Vec<&[u8]> = rel_dir.split(|&b| b == b'/').filter(|p| !p.is_empty()).collect();
    for part in target.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join(&b'/'))
}

/// A file to copy.
struct Job {
    rel: Vec<u8>,
    remote: Vec<u8>,
    local: PathBuf,
    size: Option<u64>,
    stamp: Option<Stamp>,
    /// For an upload: the remote file exists with this size (for `--continue`).
    remote_size: Option<u64>,
}

/// A download whose final reply is still owed, with the session that owes it.
struct Carried {
    session: Session,
    job: Job,
    owing: Box<transfer::Owing>,
    retries: u32,
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

const QUIET: ProgressMode = ProgressMode { quiet: true, bars: false, hash: None };

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

    /// The listing of `path`, and the server's LIST clock learned from it if not yet known.
    async fn list(&self, path: &[u8]) -> Result<Vec<Entry>> {
        let mut session = self.pool.get().await?;
        let listing = list_dir(&mut session, path).await;
        self.pool.put(session);
        let listing = listing.with_context(|| format!("could not list '{}'", escape(path)))?;
        self.learn_clock(path, &listing).await;
        Ok(listing)
    }

    /// One MDTM, of the first file in `listing` with a server-local LIST time to the minute,
    /// tells how far ahead of UTC LIST times are ([`Clock`]).
    async fn learn_clock(&self, dir: &[u8], listing: &[Entry]) {
        if *self.clock.lock().unwrap_or_else(|e| e.into_inner()) != Clock::NotYet {
            return;
        }
        let local = |e: &&Entry| {
            e.kind == Kind::File
                && e.plain_name().is_some()
                && e.modified.is_some_and(|m| m.zone == Zone::ServerLocal && m.time.is_some())
        };
        let Some((entry, listed)) = listing.iter().find(local).and_then(|e| Some((e, stamp(e.modified.as_ref()?))))
        else {
            return;
        };
        let utc = match self.pool.get().await {
            Ok(mut session) => {
                let utc = if session.features().mdtm {
                    session.mdtm(&join(dir, &entry.name)).await.ok().flatten().as_deref().and_then(mdtm_secs)
                } else {
                    None
                };
                self.pool.put(session);
                utc
            }
            Err(_) => None,
        };
        let clock = utc.and_then(|utc| list_offset(listed.secs, utc)).map_or(Clock::Unknown, Clock::Ahead);
        *self.clock.lock().unwrap_or_else(|e| e.into_inner()) = clock;
    }

    /// A listing's time as a [`Stamp`] in UTC: [`stamp`], less the server's LIST offset.
    fn stamp_of(&self, m: &Modified) -> Stamp {
        let mut st = stamp(m);
        if let (Zone::ServerLocal, Clock::Ahead(offset)) =
            (m.zone, *self.clock.lock().unwrap_or_else(|e| e.into_inner()))
        {
            st.secs -= offset;
        }
        st
    }

    /// Walks the remote tree, comparing each directory with its local copy.
    async fn walk_down(&self, jobs: mpsc::Sender<Job>) -> Result<()> {
        let s = self.s;
        let mut stack: Vec<(Vec<u8>, usize)> = vec![(Vec::new(), 0)];
        // MLSD `unique` facts of the directories entered: a directory met again under another
        // name is a link the server showed as a directory (a loop, with `up -> ..`).
        let mut entered: HashSet<String> = HashSet::new();
        while let Some((rel, depth)) = stack.pop() {
            if interrupt::has_fired() {
                break;
            }
            let remote_dir = join(&self.root, &rel);
            let local_dir = local_path(&s.local_root, &rel);
            let listing = match self.list(&remote_dir).await {
                Ok(l) => l,
                Err(e) if rel.is_empty() => return Err(e),
                Err(e) => {
                    self.record(&rel, Action::Failed, 0, format!("{e:#}"));
                    continue;
                }
            };
            if !s.dry_run {
                fs::create_dir_all(&local_dir).map_err(|e| AppError::local(&local_dir, e))?;
            }
            let local = read_local(&local_dir)?;
            let mut seen: HashSet<Vec<u8>> = HashSet::new();
            for entry in listing {
                let entry_rel = join(&rel, &entry.name);
                if let Err(e) = safe_local_name(&entry.name) {
                    let why = entry.system_path_reason().unwrap_or_else(|| format!("unsafe name: {e}"));
                    self.record(&entry_rel, Action::Skipped, 0, why);
                    continue;
                }
                let name = entry.name.clone();
                if s.filters.excluded(&entry_rel, &name, entry.kind == Kind::Dir) {
                    seen.insert(name);
                    continue;
                }
                let here = local.get(&name).copied();
                let target = local_dir.join(OsStr::from_bytes(&name));
                match entry.kind {
                    Kind::Dir => {
                        seen.insert(name);
                        if s.max_depth.is_some_and(|m| depth >= m) {
                            continue;
                        }
                        if let Some(unique) = &entry.unique
                            && !entered.insert(unique.clone())
                        {
                            let why =
                                "the same directory as one already mirrored (MLSD unique fact): a link, not followed";
                            self.record(&entry_rel, Action::Skipped, 0, why);
                            continue;
                        }
                        if here.is_some_and(|h| h.kind != LocalKind::Dir) {
                            self.record(
                                &entry_rel,
                                Action::Failed,
                                0,
                                "a local entry that is not a directory is in the way",
                            );
                            continue;
                        }
                        stack.push((entry_rel, depth + 1));
                    }
                    Kind::File => {
                        if !s.filters.included(&entry_rel, &name) {
                            seen.insert(name);
                            continue;
                        }
                        seen.insert(name);
                        if here.is_some_and(|h| h.kind != LocalKind::File) {
                            self.record(
                                &entry_rel,
                                Action::Failed,
                                0,
                                "a local entry that is not a file is in the way",
                            );
                            continue;
                        }
                        let stamp = entry.modified.as_ref().map(|m| self.stamp_of(m));
                        let src = Side { size: entry.size, stamp };
                        match why_copy(src, here.map(|h| h.side()), s, TimeRule::Exact) {
                            None => self.record(&entry_rel, Action::Skipped, 0, "up to date"),
                            Some(why) if s.dry_run => self.record(&entry_rel, Action::Copied, 0, why),
                            Some(_) => {
                                self.reporter.queued(entry.size);
                                let remote = join(&remote_dir, &entry.name);
                                let job = Job {
                                    rel: entry_rel,
                                    remote,
                                    local: target,
                                    size: entry.size,
                                    stamp,
                                    remote_size: None,
                                };
                                if jobs.send(job).await.is_err() {
                                    return Ok(());
                                }
                            }
                        }
                    }
                    Kind::Link => {
                        seen.insert(name);
                        self.link(&rel, &entry_rel, &entry, &target, here);
                    }
                    Kind::Other => self.record(&entry_rel, Action::Skipped, 0, "not a file or directory"),
                    // NLST names when no LIST line could be read: a file cannot be told from a
                    // directory, so nothing is guessed.
                    Kind::Unknown => {
                        seen.insert(name);
                        self.record(&entry_rel, Action::Skipped, 0, "the listing does not say what this is");
                    }
                }
            }
            if s.delete {
                self.delete_local(&rel, &local_dir, &local, &seen);
            }
        }
        Ok(())
    }

    /// A link in a remote listing: the same local link when it stays inside the tree.
    fn link(&self, rel: &[u8], entry_rel: &[u8], entry: &Entry, at: &Path, here: Option<LocalEntry>) {
        let Some(target) = entry.target.as_deref() else {
            return self.record(entry_rel, Action::Skipped, 0, "symbolic link without a target: not followed");
        };
        if link_inside(rel, target).is_none() {
            let why = format!("symbolic link to '{}' leads outside the tree: not followed", escape(target));
            return self.record(entry_rel, Action::Skipped, 0, why);
        }
        if let Some(h) = here {
            let same = h.kind == LocalKind::Link && fs::read_link(at).is_ok_and(|t| t.as_os_str().as_bytes() == target);
            if same {
                return self.record(entry_rel, Action::Skipped, 0, "up to date");
            }
            if h.kind != LocalKind::Link {
                return self.record(entry_rel, Action::Failed, 0, "a local entry is in the way of a link");
            }
        }
        if self.s.dry_run {
            return self.record(entry_rel, Action::Copied, 0, "symbolic link");
        }
        let _ = fs::remove_file(at);
        match std::os::unix::fs::symlink(OsStr::from_bytes(target), at) {
            Ok(()) => self.record(entry_rel, Action::Copied, 0, "symbolic link"),
            Err(e) => self.record(entry_rel, Action::Failed, 0, format!("{}: {e}", at.display())),
        }
    }

    /// `--delete`: local entries the remote directory no longer has (excluded ones stay, and so
    /// does the `.part` of a file still on the server, for `--continue`).
    fn delete_local(&self, rel: &[u8], dir: &Path, local: &HashMap<Vec<u8>, LocalEntry>, seen: &HashSet<Vec<u8>>) {
        let mut names: Vec<&Vec<u8>> = local.keys().filter(|n| !seen.contains(*n)).collect();
        names.sort();
        for name in names {
            let entry_rel = join(rel, name);
            if name.strip_suffix(b".part").is_some_and(|base| seen.contains(base)) {
                continue;
            }
            if self.s.filters.excluded(&entry_rel, name, local[name].kind == LocalKind::Dir) {
                continue;
            }
            if self.s.dry_run {
                self.record(&entry_rel, Action::Deleted, 0, "not on the server");
                continue;
            }
            let path = dir.join(OsStr::from_bytes(name));
            // remove_dir_all does not follow links; a link is removed as itself.
            let removed = match local[name].kind {
                LocalKind::Dir => fs::remove_dir_all(&path),
                _ => fs::remove_file(&path),
            };
            match removed {
                Ok(()) => self.record(&entry_rel, Action::Deleted, 0, "not on the server"),
                Err(e) => self.record(&entry_rel, Action::Failed, 0, format!("cannot delete: {e}")),
            }
        }
    }

    /// Takes jobs until the walk ends, each on a session from the pool. A download whose data is
    /// all in keeps its session and leaves its final reply owed when another file is already
    /// waiting: that reply is read while the next file is asked for (see
    /// [`Session::open_data_after`]), which saves the round trip a server like vsftpd spends on
    /// it. With no next file at hand, the owed reply is read at once.
    async fn worker(&self, jobs: &tokio::sync::Mutex<mpsc::Receiver<Job>>) {
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

    /// Gives a downloaded file the server's modification time, so the next run skips it.
    fn set_time(&self, job: &Job) -> Result<()> {
        if let Some(stamp) = job.stamp.filter(|_| !self.s.ignore_time) {
            let time = UNIX_EPOCH + std::time::Duration::from_secs(stamp.secs.max(0) as u64);
            let file = fs::File::options().write(true).open(&job.local).map_err(|e| AppError::local(&job.local, e))?;
            file.set_modified(time).map_err(|e| AppError::local(&job.local, e))?;
        }
        Ok(())
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

    /// Walks the local tree, comparing each directory with the server's.
    async fn walk_up(&self, jobs: mpsc::Sender<Job>) -> Result<()> {
        let s = self.s;
        let rule = if self.mfmt && !s.ignore_time { TimeRule::Exact } else { TimeRule::SourceNewer };
        // (relative path, depth, known to be missing on the server)
        let mut stack: Vec<(Vec<u8>, usize, bool)> = vec![(Vec::new(), 0, false)];
        if !s.local_root.is_dir() {
            return Err(AppError::Usage(format!("{} is not a directory", s.local_root.display())).into());
        }
        while let Some((rel, depth, missing)) = stack.pop() {
            if interrupt::has_fired() {
                break;
            }
            let remote_dir = join(&self.root, &rel);
            let local_dir = local_path(&s.local_root, &rel);
            let listing = if missing {
                Vec::new()
            } else {
                match self.list(&remote_dir).await {
                    Ok(l) => l,
                    Err(_) if rel.is_empty() => {
                        self.mkdir(&remote_dir).await?;
                        Vec::new()
                    }
                    Err(e) => {
                        self.record(&rel, Action::Failed, 0, format!("{e:#}"));
                        continue;
                    }
                }
            };
            let mut remote: HashMap<Vec<u8>, Entry> = HashMap::new();
            for entry in listing {
                if safe_local_name(&entry.name).is_ok() {
                    remote.insert(entry.name.clone(), entry);
                }
            }
            let mut local: Vec<(Vec<u8>, LocalEntry)> = read_local(&local_dir)?.into_iter().collect();
            local.sort_by(|a, b| a.0.cmp(&b.0));
            let mut seen = HashSet::new();
            for (name, here) in local {
                let entry_rel = join(&rel, &name);
                if let Err(e) = safe_local_name(&name) {
                    self.record(&entry_rel, Action::Skipped, 0, format!("unsafe name: {e}"));
                    continue;
                }
                if s.filters.excluded(&entry_rel, &name, here.kind == LocalKind::Dir) {
                    seen.insert(name);
                    continue;
                }
                let there = remote.get(&name);
                let remote_path = join(&remote_dir, &name);
                match here.kind {
                    LocalKind::Dir => {
                        seen.insert(name);
                        if s.max_depth.is_some_and(|m| depth >= m) {
                            continue;
                        }
                        let exists = there.is_some_and(|e| e.kind == Kind::Dir);
                        if there.is_some() && !exists {
                            self.record(
                                &entry_rel,
                                Action::Failed,
                                0,
                                "a remote entry that is not a directory is in the way",
                            );
                            continue;
                        }
                        if !exists
                            && !s.dry_run
                            && let Err(e) = self.mkdir(&remote_path).await
                        {
                            self.record(&entry_rel, Action::Failed, 0, format!("{e:#}"));
                            continue;
                        }
                        stack.push((entry_rel, depth + 1, !exists));
                    }
                    LocalKind::File => {
                        seen.insert(name.clone());
                        if !s.filters.included(&entry_rel, &name) {
                            continue;
                        }
                        if there.is_some_and(|e| e.kind != Kind::File) {
                            self.record(
                                &entry_rel,
                                Action::Failed,
                                0,
                                "a remote entry that is not a file is in the way",
                            );
                            continue;
                        }
                        let dst =
                            there.map(|e| Side { size: e.size, stamp: e.modified.as_ref().map(|m| self.stamp_of(m)) });
                        let src = here.side();
                        match why_copy(src, dst, s, rule) {
                            None => self.record(&entry_rel, Action::Skipped, 0, "up to date"),
                            Some(why) if s.dry_run => self.record(&entry_rel, Action::Copied, 0, why),
                            Some(_) => {
                                self.reporter.queued(Some(here.size));
                                let job = Job {
                                    rel: entry_rel,
                                    remote: remote_path,
                                    local: local_dir.join(OsStr::from_bytes(&name)),
                                    size: Some(here.size),
                                    stamp: src.stamp,
                                    remote_size: dst.and_then(|d| d.size),
                                };
                                if jobs.send(job).await.is_err() {
                                    return Ok(());
                                }
                            }
                        }
                    }
                    LocalKind::Link => {
                        seen.insert(name);
                        self.record(&entry_rel, Action::Skipped, 0, "local symbolic link: not followed");
                    }
                    LocalKind::Other => self.record(&entry_rel, Action::Skipped, 0, "not a file or directory"),
                }
            }
            if s.delete {
                let mut gone: Vec<&Entry> = remote.values().filter(|e| !seen.contains(&e.name)).collect();
                gone.sort_by(|a, b| a.name.cmp(&b.name));
                for entry in gone {
                    let entry_rel = join(&rel, &entry.name);
                    if s.filters.excluded(&entry_rel, &entry.name, entry.kind == Kind::Dir) {
                        continue;
                    }
                    if s.dry_run {
                        self.record(&entry_rel, Action::Deleted, 0, "not in the local tree");
                        continue;
                    }
                    let path = join(&remote_dir, &entry.name);
                    match self.delete_remote(&path, entry.kind == Kind::Dir).await {
                        Ok(()) => self.record(&entry_rel, Action::Deleted, 0, "not in the local tree"),
                        Err(e) => self.record(&entry_rel, Action::Failed, 0, format!("{e:#}")),
                    }
                }
            }
        }
        Ok(())
    }

    async fn mkdir(&self, path: &[u8]) -> Result<()> {
        let mut session = self.pool.get().await?;
        let r = session.expect(&Command::path("MKD", path)?, &[]).await;
        self.pool.put(session);
        r.map(|_| ()).with_context(|| format!("could not create directory '{}'", escape(path)))
    }

    /// DELE a file, or empty a directory depth first (its listing's safe names only) and RMD it.
    async fn delete_remote(&self, path: &[u8], dir: bool) -> Result<()> {
        let mut session = self.pool.get().await?;
        let result = delete_tree(&mut session, path, dir).await;
        self.pool.put(session);
        result
    }
}

async fn delete_tree(session: &mut Session, path: &[u8], dir: bool) -> Result<()> {
    if !dir {
        session.expect(&Command::path("DELE", path)?, &[]).await?;
        return Ok(());
    }
    // (path, listed yet)
    let mut stack = vec![(path.to_vec(), false)];
    while let Some((p, listed)) = stack.pop() {
        if listed {
            session.expect(&Command::path("RMD", &p)?, &[]).await?;
            continue;
        }
        let entries = list_dir(session, &p).await?;
        stack.push((p.clone(), true));
        for e in entries.into_iter().filter(|e| safe_local_name(&e.name).is_ok()) {
            let child = join(&p, &e.name);
            if e.kind == Kind::Dir {
                stack.push((child, false));
            } else {
                session.expect(&Command::path("DELE", &child)?, &[]).await?;
            }
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_times_become_stamps_with_their_precision() {
        let date = time::Date::from_calendar_date(2024, time::Month::January, 31).unwrap();
        let at = |h, m, s| Some(time::Time::from_hms(h, m, s).unwrap());
        let jan31 = 1_706_659_200; // 2024-01-31T00:00:00Z
        let mlsd = Modified { date, time: at(10, 15, 0), zone: Zone::Utc, year_inferred: false };
        assert_eq!(stamp(&mlsd), Stamp { secs: jan31 + 36_900, precision: 1 });
        let list = Modified { zone: Zone::ServerLocal, year_inferred: true, ..mlsd };
        assert_eq!(stamp(&list), Stamp { secs: jan31 + 36_900, precision: 60 });
        let day = Modified { time: None, zone: Zone::ServerLocal, ..mlsd };
        assert_eq!(stamp(&day), Stamp { secs: jan31, precision: 86_400 });
        let offset = Modified { zone: Zone::Offset(120), ..mlsd };
        assert_eq!(stamp(&offset).secs, jan31 + 36_900 - 7200);
        assert_eq!(time_val(jan31 + 36_900), "20240131101500");
        assert_eq!(time_val(0), "19700101000000");
    }

    #[test]
    fn mdtm_times_are_utc_seconds() {
        assert_eq!(mdtm_secs("20240301123456"), Some(1_709_296_496));
        assert_eq!(mdtm_secs("20240301123456.789"), Some(1_709_296_496));
        assert_eq!(time_val(1_709_296_496), "20240301123456");
        for bad in ["2024030112345", "20241301123456", "2024030112345x", ""] {
            assert_eq!(mdtm_secs(bad), None, "{bad}");
        }
    }

    #[test]
    fn list_offsets_are_whole_quarter_hours_from_mdtm() {
        let utc = 1_709_296_496; // 12:34:56
        let listed = |ahead: i64| (utc + ahead).div_euclid(60) * 60; // the minute LIST shows
        assert_eq!(list_offset(listed(0), utc), Some(0));
        assert_eq!(list_offset(listed(7200), utc), Some(7200));
        assert_eq!(list_offset(listed(-5 * 3600), utc), Some(-5 * 3600));
        assert_eq!(list_offset(listed(5 * 3600 + 2700), utc), Some(5 * 3600 + 2700)); // UTC+05:45
        assert_eq!(list_offset(listed(7200 + 420), utc), None, "7 minutes off: the file changed");
        assert_eq!(list_offset(listed(20 * 3600), utc), None);
    }

    #[test]
    fn stamps_are_intervals() {
        let minute = Stamp { secs: 6000, precision: 60 };
        assert!(minute.same(Stamp::exact(6000)) && minute.same(Stamp::exact(6059)));
        assert!(!minute.same(Stamp::exact(5999)) && !minute.same(Stamp::exact(6060)));
        // A day that starts at 22:00 UTC (a server at UTC+02:00) holds the next morning.
        let day = Stamp { secs: 86_400 - 7200, precision: 86_400 };
        assert!(day.same(Stamp::exact(86_400 + 3600)));
        assert!(minute.after(Stamp::exact(5999)) && !minute.after(Stamp::exact(6000)));
        assert!(Stamp::exact(6060).after(minute) && !Stamp::exact(6059).after(minute));
    }

    #[test]
    fn what_is_copied() {
        let s = Settings::default();
        let at = |secs, precision| Some(Stamp { secs, precision });
        let src = Side { size: Some(10), stamp: at(6000, 60) };
        let local = |size, secs| Some(Side { size: Some(size), stamp: at(secs, 1) });
        assert_eq!(why_copy(src, None, &s, TimeRule::Exact), Some("missing"));
        assert_eq!(why_copy(src, local(9, 6000), &s, TimeRule::Exact), Some("size differs"));
        // Within the listing's minute: the same time.
        assert_eq!(why_copy(src, local(10, 6059), &s, TimeRule::Exact), None);
        assert_eq!(why_copy(src, local(10, 5000), &s, TimeRule::Exact), Some("time differs"));
        assert_eq!(why_copy(src, local(10, 9000), &s, TimeRule::SourceNewer), None);
        let size_only = Settings { size_only: true, ..Settings::default() };
        assert_eq!(why_copy(src, local(10, 5000), &size_only, TimeRule::Exact), None);
        let newer = Settings { only_newer: true, ..Settings::default() };
        assert_eq!(why_copy(src, local(9, 9000), &newer, TimeRule::Exact), None);
        assert_eq!(why_copy(src, local(10, 5000), &newer, TimeRule::Exact), Some("newer"));
    }

    #[test]
    fn links_stay_inside_the_tree_or_are_refused() {
        assert_eq!(link_inside(b"a/b", b"../c").as_deref(), Some(&b"a/c"[..]));
        assert_eq!(link_inside(b"", b"sub/x").as_deref(), Some(&b"sub/x"[..]));
        for bad in [&b"/"[..], b"/etc/passwd", b"../x", b"a/../../x", b"", b"x\ny"] {
            assert_eq!(link_inside(b"", bad), None, "{}", escape(bad));
        }
        assert_eq!(link_inside(b"a", b"../../x"), None);
    }

    #[test]
    fn filters_match_names_anywhere_and_paths_from_the_root() {
        let f = Filters { include: vec![], exclude: vec!["*.tmp".into(), "cache/*".into(), "build/".into()] };
        assert!(f.excluded(b"a/b/x.tmp", b"x.tmp", false));
        assert!(f.excluded(b"a/.x.tmp", b".x.tmp", false), "a leading dot is not special");
        assert!(f.excluded(b"cache/y", b"y", false));
        assert!(!f.excluded(b"cache/y/z", b"z", false), "* does not cross a /");
        assert!(!f.excluded(b"a/cache/y", b"y", false));
        assert!(!f.excluded(b"a/x.txt", b"x.txt", false));
        assert!(f.excluded(b"a/build", b"build", true));
        assert!(!f.excluded(b"a/build", b"build", false), "a trailing / matches directories only");
        let deep = Filters { include: vec![], exclude: vec!["/src/**/*.o".into()] };
        assert!(deep.excluded(b"src/x.o", b"x.o", false) && deep.excluded(b"src/a/b/x.o", b"x.o", false));
        assert!(!deep.excluded(b"lib/src/x.o", b"x.o", false));
        let i = Filters { include: vec!["*.txt".into()], exclude: vec![] };
        assert!(i.included(b"d/a.txt", b"a.txt"));
        assert!(!i.included(b"d/a.bin", b"a.bin"));
    }
}

//! Segmented download (`get --segments N`): one file in N ranges fetched at once over N sessions,
//! for servers that cap each session's rate.
//!
//! Each range is `REST start` + `RETR` on its own session, read until the range is complete, then
//! the data connection is closed early: the server answers that with 426 or 451 (or 226 when it had
//! already sent everything), which is the expected end of a range, not a failure. The last range
//! ends with the file, as a normal transfer. Bytes are written in place into `NAME.part` with
//! positioned writes; when every range is in, the length is checked against SIZE and the `.part`
//! renamed, as a normal `get` does.
//!
//! The split is dynamic: a session takes a range only once it is logged in, and a session with no
//! range left to start takes over the far part of the range with the most time left (that range's
//! end moves down; its reader stops there and closes its data connection). The sessions log in at
//! different times (a server checking passwords through PAM takes tenths of a second for each,
//! more when they come at once) and run at slightly different rates; without this, the last range
//! alone decides the end while the other sessions idle, and a per-session rate cap makes that tail
//! cost whole seconds.
//!
//! `NAME.part.segments` beside the `.part` records the size, the sessions, and how far each range
//! got (written before the first byte lands, every few MiB of a range, at each split and at the
//! end of each range), so `-c` fetches only what is missing; it is removed when the file is
//! complete. Without REST STREAM, without a size, or for a small file, the download is one stream
//! (the caller is told why).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use tokio::sync::Notify;

use super::pool::Pool;
use crate::error::AppError;
use crate::ftp::{self, Command, Session};
use crate::interrupt::{self, TransferGuard};
use crate::progress::ProgressMode;
use crate::retry;
use crate::text::escape;
use crate::transfer::{self, Sink, part_path};

/// Ranges smaller than this are not worth a session of their own.
pub const MIN_SEGMENT: u64 = 1024 * 1024;

/// The state is saved at least this often per range (bytes), so `-c` loses little.
const SAVE_EVERY: u64 = 8 * 1024 * 1024;

const CHUNK: usize = 256 * 1024;

/// A session takes over part of another range only when that part is at least this long, and
/// when that brings the range's end at least [`MIN_GAIN`] sooner: less is gone before a new data
/// connection would bring its first byte.
const MIN_STEAL: u64 = 128 * 1024;
const MIN_GAIN: Duration = Duration::from_millis(50);

/// A range's rate is known once it has run this long; an idle session waits that long for it.
const RATE_WINDOW: Duration = Duration::from_millis(50);

pub struct Settings {
    pub remote: Vec<u8>,
    pub dest: PathBuf,
    pub segments: usize,
    pub resume: bool,
    /// For the single-stream fallback, which shows its own progress.
    pub progress: ProgressMode,
    /// Each range (or the single stream) is tried again after a transient failure, from where it
    /// got to (see [`crate::retry`]).
    pub retry: retry::Policy,
}

/// What the caller shows while the download runs.
pub trait Reporter {
    /// Something the user should know once (a fallback, a smaller pool).
    fn note(&self, text: &str);
    /// A range is tried again (or confirmed after a reconnection): one line (see [`crate::retry`]).
    fn retry(&self, line: &str);
    /// `done` of `total` bytes are in the `.part`.
    fn progress(&self, done: u64, total: u64);
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// Bytes received in this run.
    pub bytes: u64,
    pub size: Option<u64>,
    /// Ranges fetched at once; 1 for a single stream.
    pub segments: usize,
    /// Why the download was one stream, when it was.
    pub single_stream: Option<String>,
}

/// `NAME.part.segments` beside `NAME.part`.
pub fn state_path(dest: &Path) -> PathBuf {
    let mut p = part_path(dest).into_os_string();
    p.push(".segments");
    PathBuf::from(p)
}

/// How many sessions an interrupted segmented download of `dest` used, if it left ranges to
/// resume: a plain `get -c` must not take that `.part` (it has holes) for a prefix.
pub fn saved_ranges(dest: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(state_path(dest)).ok()?;
    let size = text.lines().find_map(|l| l.strip_prefix("size "))?.parse().ok()?;
    parse_state(&text, size).map(|s| s.sessions)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    start: u64,
    end: u64,
    /// Bytes from `start` known to be in the `.part`.
    done: u64,
}

impl Range {
    fn remaining(&self) -> u64 {
        self.end - self.start - self.done
    }
}

/// `n` ranges covering `size` bytes; the first ones take the remainder, one byte each.
fn split(size: u64, n: usize) -> Vec<Range> {
    let n = n as u64;
    let (base, extra) = (size / n, size % n);
    let mut start = 0;
    (0..n)
        .map(|i| {
            let len = base + u64::from(i < extra);
            let r = Range { start, end: start + len, done: 0 };
            start += len;
            r
        })
        .collect()
}

/// What `NAME.part.segments` holds. Version 2 adds the sessions, since ranges split while they
/// run; a version 1 file (one range per session) still resumes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    sessions: usize,
    /// Sorted by start, covering the file exactly.
    ranges: Vec<Range>,
}

fn render_state(size: u64, sessions: usize, ranges: &[Range]) -> String {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut s = format!("ftpx segments 2\nsize {size}\nsessions {sessions}\n");
    for r in sorted {
        s.push_str(&format!("{} {} {}\n", r.start, r.end, r.done));
    }
    s
}

/// The saved state, if it describes a file of `size` bytes and its ranges cover it exactly.
fn parse_state(text: &str, size: u64) -> Option<State> {
    let mut lines = text.lines();
    let version = match lines.next()? {
        "ftpx segments 1" => 1,
        "ftpx segments 2" => 2,
        _ => return None,
    };
    let saved: u64 = lines.next()?.strip_prefix("size ")?.parse().ok()?;
    if saved != size {
        return None;
    }
    let sessions = match version {
        1 => None,
        _ => Some(lines.next()?.strip_prefix("sessions ")?.parse::<usize>().ok().filter(|n| *n > 0)?),
    };
    let mut ranges = Vec::new();
    let mut next = 0;
    for line in lines {
        let mut f = line.split(' ').map(str::parse::<u64>);
        let (start, end, done) = (f.next()?.ok()?, f.next()?.ok()?, f.next()?.ok()?);
        if start != next || end < start || done > end - start || f.next().is_some() {
            return None;
        }
        next = end;
        ranges.push(Range { start, end, done });
    }
    (next == size && !ranges.is_empty()).then_some(())?;
    Some(State { sessions: sessions.unwrap_or(ranges.len()), ranges })
}

/// Writes the state beside the `.part` (through a temporary file, so it is never half written).
fn save_state(path: &Path, size: u64, sessions: usize, ranges: &[Range]) -> Result<()> {
    let tmp = path.with_extension("segments.tmp");
    std::fs::write(&tmp, render_state(size, sessions, ranges)).map_err(|e| AppError::local(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| AppError::local(path, e).into())
}

/// Downloads `settings.remote` to `settings.dest` over up to `settings.segments` sessions from `open`.
pub async fn download<O>(settings: &Settings, open: &O, reporter: &dyn Reporter) -> Result<Outcome>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    let pool = Pool::new(open, settings.segments);
    // Held to the end, QUITs included: a signal is this operation's to answer (it saves the
    // ranges' state and says where the .part is).
    let guard = TransferGuard::new();
    // All the sessions log in at once, beside the first one's SIZE: the ranges start together.
    let result = pool.warmed(settings.segments, run(settings, &pool, reporter)).await;
    if !interrupt::has_fired() {
        pool.close().await;
    }
    drop(guard);
    result
}

async fn run<O>(settings: &Settings, pool: &Pool<'_, O>, reporter: &dyn Reporter) -> Result<Outcome>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    let remote = &settings.remote;
    let shown = escape(remote);
    let mut first = pool.get().await?;
    let size = first.size(remote).await?;
    let state_file = state_path(&settings.dest);
    let part = part_path(&settings.dest);
    let saved = match (settings.resume, size) {
        (true, Some(size)) => std::fs::read_to_string(&state_file).ok().and_then(|t| parse_state(&t, size)),
        _ => None,
    };
    let single = if saved.is_some() {
        None
    } else if !first.features().rest_stream {
        Some("the server does not offer REST STREAM".to_owned())
    } else {
        match size {
            None => Some("the server gives no SIZE".to_owned()),
            Some(s) if s < 2 * MIN_SEGMENT => Some(format!("the file is small ({s} bytes)")),
            Some(_) if settings.resume && part.exists() => {
                Some(format!("{} has no segment state beside it", part.display()))
            }
            Some(_) => None,
        }
    };
    if let Some(why) = single {
        reporter.note(&format!("downloading '{shown}' as one stream: {why}"));
        let sink = Sink::File(settings.dest.clone());
        let mut slot = Some(first);
        let result = retry::run(
            &settings.retry,
            |_, line: &str| reporter.retry(line),
            &mut slot,
            async |slot, fresh| pool.ready(slot, fresh).await,
            async |slot, t| {
                let session = slot.as_mut().expect("connected before each attempt");
                transfer::download(session, remote, &sink, settings.resume || t.resume, false, settings.progress).await
            },
        )
        .await;
        if let Some(session) = slot {
            pool.put(session);
        }
        return Ok(Outcome { bytes: result?.value, size, segments: 1, single_stream: Some(why) });
    }
    let size = size.expect("checked above");
    let fresh = saved.is_none();
    let (sessions, ranges) = match saved {
        // The sessions asked for now, else as many as before.
        Some(state) => (settings.segments.max(1), state.ranges),
        None => {
            let n = settings.segments.min((size / MIN_SEGMENT) as usize).max(1);
            (n, split(size, n))
        }
    };
    let file = if fresh {
        // The state first: a `.part` with holes must never be taken for a prefix by a plain `-c`.
        save_state(&state_file, size, sessions, &ranges)?;
        File::create(&part)
    } else {
        OpenOptions::new().write(true).open(&part)
    }
    .map_err(|e| AppError::local(&part, e))?;
    pool.put(first);

    let before: u64 = ranges.iter().map(|r| r.done).sum();
    // No more sessions than there are pieces worth a session of their own.
    let workers = sessions.min(((size - before) / MIN_SEGMENT).max(1) as usize);
    let shared = Shared {
        remote,
        file: &file,
        part: &part,
        size,
        sessions,
        work: Mutex::new(Work::new(ranges)),
        all_in: Notify::new(),
        state_file: &state_file,
        reporter,
    };
    reporter.progress(before, size);
    let results = futures_util::future::join_all((0..workers).map(|_| worker(&shared, pool, &settings.retry))).await;
    let ranges: Vec<Range> = shared.work.into_inner().unwrap_or_else(|e| e.into_inner()).ranges();
    let after: u64 = ranges.iter().map(|r| r.done).sum();
    let bytes = after - before;
    if let Some(n) = pool.take_notice() {
        reporter.note(&n);
    }
    let mut failures = results.into_iter().filter_map(Result::err);
    if let Some(e) = failures.next() {
        save_state(&state_file, size, sessions, &ranges)?;
        let kept = format!("{} kept for -c", part.display());
        if interrupt::has_fired() {
            return Err(AppError::Interrupted(format!("interrupted; {kept}")).into());
        }
        return Err(e.context(format!("a range of '{shown}' failed; {kept}")));
    }
    // No fsync before the rename, as for a single-stream `get`: the guarantee is against a
    // broken connection or a signal (the .part and its state stay), and a 64 MiB fdatasync
    // costs tens of milliseconds on the critical path.
    let len = file.metadata().map_err(|e| AppError::local(&part, e))?.len();
    if len != size || after != size {
        save_state(&state_file, size, sessions, &ranges)?;
        return Err(AppError::Incomplete(format!("'{shown}': the .part has {len} bytes, SIZE said {size}")).into());
    }
    std::fs::rename(&part, &settings.dest).map_err(|e| AppError::local(&settings.dest, e))?;
    let _ = std::fs::remove_file(&state_file);
    Ok(Outcome { bytes, size: Some(size), segments: workers, single_stream: None })
}

struct Shared<'a> {
    remote: &'a [u8],
    file: &'a File,
    part: &'a Path,
    size: u64,
    /// For the state file.
    sessions: usize,
    work: Mutex<Work>,
    /// Woken when the last byte of the file is in.
    all_in: Notify,
    state_file: &'a Path,
    reporter: &'a dyn Reporter,
}

/// The ranges and who is fetching them.
struct Work {
    /// In the order they were made (indices stay valid across splits), not by start.
    ranges: Vec<Live>,
    /// The longest a range has taken from its request to its first byte: what a split costs the
    /// session that takes the new range.
    setup: Duration,
    /// A range failed for good: no more ranges are handed out.
    stopped: bool,
}

#[derive(Debug, Clone, Copy)]
struct Live {
    range: Range,
    /// A session is fetching it.
    busy: bool,
    /// When its request went out in this run, when its first byte came, and the bytes since:
    /// its rate.
    asked: Option<Instant>,
    first: Option<(Instant, u64)>,
}

impl Work {
    fn new(ranges: Vec<Range>) -> Work {
        let ranges = ranges.into_iter().map(|range| Live { range, busy: false, asked: None, first: None }).collect();
        Work { ranges, setup: Duration::ZERO, stopped: false }
    }

    fn ranges(&self) -> Vec<Range> {
        self.ranges.iter().map(|l| l.range).collect()
    }

    fn done(&self) -> u64 {
        self.ranges.iter().map(|l| l.range.done).sum()
    }

    /// A range for a session that is ready: the first one nobody has started, else the far part
    /// of the range with the most time left, split off (see [`split_point`]).
    fn claim(&mut self, now: Instant) -> Claim {
        if self.stopped {
            return Claim::Nothing;
        }
        if let Some(i) = self.ranges.iter().position(|l| !l.busy && l.range.remaining() > 0) {
            self.ranges[i].busy = true;
            return Claim::Range(i);
        }
        // Time left at each range's own rate; a range with no rate yet (just started or split
        // off) goes at the others' mean, or by bytes when no range has one.
        let rates: Vec<f64> = self.ranges.iter().filter_map(|l| l.rate(now)).collect();
        let mean = (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64);
        let victim_at = self
            .ranges
            .iter()
            .enumerate()
            .filter(|(_, l)| l.busy)
            .filter_map(|(i, l)| Some((i, split_point(l, self.setup, now)?)))
            .max_by_key(|(i, _)| {
                let l = &self.ranges[*i];
                let left = l.range.remaining() as f64;
                match l.rate(now).or(mean) {
                    Some(rate) => (left / rate * 1e6) as u64,
                    None => left as u64,
                }
            });
        let Some((victim, at)) = victim_at else {
            // A range long enough to split whose rate is not known yet may be worth it soon.
            let unknown =
                self.ranges.iter().any(|l| l.busy && l.rate(now).is_none() && l.range.remaining() >= 2 * MIN_STEAL);
            return if unknown { Claim::Later } else { Claim::Nothing };
        };
        let end = self.ranges[victim].range.end;
        self.ranges[victim].range.end = at;
        self.ranges.push(Live { range: Range { start: at, end, done: 0 }, busy: true, asked: None, first: None });
        Claim::Range(self.ranges.len() - 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Claim {
    Range(usize),
    /// Nothing now; ask again after [`RATE_WINDOW`].
    Later,
    Nothing,
}

impl Live {
    /// Bytes a second since the first byte, once there is enough to tell.
    fn rate(&self, now: Instant) -> Option<f64> {
        let (since, at) = self.first?;
        let elapsed = now.duration_since(since);
        let got = self.range.done.checked_sub(at)?;
        (elapsed >= RATE_WINDOW && got > 0).then(|| got as f64 / elapsed.as_secs_f64())
    }
}

/// Where to split a busy range so that its own session and a new one, which needs `setup` before
/// its first byte, end together: the new session takes `(left - setup * rate) / 2` from the end,
/// and the range ends that much sooner. None while the range's rate is not known, and when the
/// new part would be under [`MIN_STEAL`] or bring the end less than [`MIN_GAIN`] sooner.
fn split_point(l: &Live, setup: Duration, now: Instant) -> Option<u64> {
    let rate = l.rate(now)?;
    let left = l.range.remaining();
    let lead = (setup.as_secs_f64() * rate) as u64;
    let taken = left.saturating_sub(lead) / 2;
    let gain = Duration::from_secs_f64(taken as f64 / rate);
    (taken >= MIN_STEAL && gain >= MIN_GAIN).then(|| l.range.end - taken)
}

impl Shared<'_> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Work> {
        self.work.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn claim(&self) -> Result<Claim> {
        let mut work = self.lock();
        let before = work.ranges.len();
        let claimed = work.claim(Instant::now());
        if work.ranges.len() != before {
            // A split: saved at once, so that an interruption resumes both halves.
            save_state(self.state_file, self.size, self.sessions, &work.ranges())?;
        }
        Ok(claimed)
    }

    fn release(&self, i: usize, failed: bool) {
        let mut work = self.lock();
        work.ranges[i].busy = false;
        work.stopped |= failed;
    }

    /// Where range `i` is now: the next byte to fetch and its end (which a split may lower).
    fn position(&self, i: usize) -> (u64, u64) {
        let r = self.lock().ranges[i].range;
        (r.start + r.done, r.end)
    }

    fn asked(&self, i: usize) {
        let mut work = self.lock();
        work.ranges[i].asked = Some(Instant::now());
        work.ranges[i].first = None;
    }

    /// Range `i` holds every byte before `at` (bytes past its end, if a split moved it, are the
    /// new range's, which fetches them again). Returns the range's end, saving the state when
    /// asked or at the end.
    fn advance(&self, i: usize, at: u64, save: bool) -> Result<u64> {
        let now = Instant::now();
        let mut work = self.lock();
        let setup = work.setup;
        let live = &mut work.ranges[i];
        let r = &mut live.range;
        r.done = r.done.max(at.min(r.end) - r.start);
        let end = r.end;
        if live.first.is_none() {
            live.first = Some((now, r.done));
            let waited = live.asked.map_or(Duration::ZERO, |t| now.duration_since(t));
            work.setup = setup.max(waited);
        }
        let done = work.done();
        self.reporter.progress(done, self.size);
        if save || at >= end {
            save_state(self.state_file, self.size, self.sessions, &work.ranges())?;
        }
        if done == self.size {
            self.all_in.notify_waiters();
        }
        Ok(end)
    }

    fn is_all_in(&self) -> bool {
        self.lock().done() == self.size
    }

    /// Returns once every byte of the file is in.
    async fn all_in(&self) {
        loop {
            let notified = self.all_in.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_all_in() {
                return;
            }
            notified.await;
        }
    }
}

/// Fetches ranges on one session until none is left to start or split, trying a range again as
/// `policy` allows after a transient failure: from where it got to, on a new session when its
/// own died. A range is claimed only by a session that is logged in, so a login still under way
/// (or one the server refused) holds back no work the others could do.
async fn worker<O>(shared: &Shared<'_>, pool: &Pool<'_, O>, policy: &retry::Policy) -> Result<()>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    let mut slot = None;
    let result = async {
        loop {
            // A failed login is not the end: the range's tries below log in again as the policy
            // allows.
            let _ = pool.ready(&mut slot, false).await;
            let i = match shared.claim()? {
                Claim::Range(i) => i,
                Claim::Later => {
                    // Not past the file's end: the process ends no later than its last byte.
                    tokio::select! {
                        () = tokio::time::sleep(RATE_WINDOW) => continue,
                        () = shared.all_in() => return Ok(()),
                    }
                }
                Claim::Nothing => return Ok(()),
            };
            let (start, end) = shared.position(i);
            let result = retry::run(
                policy,
                |_, line: &str| shared.reporter.retry(&format!("bytes {start}-{}: {line}", end - 1)),
                &mut slot,
                async |slot, fresh| pool.ready(slot, fresh).await,
                async |slot, _| fetch_range(slot.as_mut().expect("connected before each attempt"), shared, i).await,
            )
            .await;
            shared.release(i, result.is_err());
            result?;
        }
    }
    .await;
    if let Some(session) = slot {
        pool.put(session);
    }
    result
}

/// One range: REST + RETR from where it got to, read to its end (which a split may move down
/// while it runs), close the data connection.
async fn fetch_range(session: &mut Session, shared: &Shared<'_>, i: usize) -> Result<()> {
    let (mut at, mut end) = shared.position(i);
    if at >= end {
        return Ok(());
    }
    shared.asked(i);
    session.set_type(false).await?;
    let rest = (at > 0).then_some(at);
    let mut data = session.open_data(&Command::path("RETR", shared.remote)?, rest).await?;
    let mut buf = vec![0u8; CHUNK];
    let mut unsaved = 0;
    while at < end {
        let read = tokio::select! {
            r = data.read(&mut buf) => Some(r),
            () = interrupt::fired() => None,
        };
        let n = match read {
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                let _ = session.close_broken_data(data).await;
                shared.advance(i, at, true)?;
                return Err(e.into());
            }
            None => {
                let aborted = tokio::time::timeout(Duration::from_secs(3), session.abort_data(data)).await;
                if aborted.is_err() {
                    session.mark_broken();
                }
                return Err(AppError::Interrupted("interrupted".into()).into());
            }
        };
        if n == 0 {
            let _ = session.finish_data(data).await;
            shared.advance(i, at, true)?;
            // A data connection closed early is a break like a reset: worth another try.
            let why = format!("the data connection closed at byte {at}, before the range's end at {end}");
            return Err(ftp::Error::DataIo(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, why)).into());
        }
        let take = (n as u64).min(end - at) as usize;
        shared.file.write_all_at(&buf[..take], at).map_err(|e| AppError::local(shared.part, e))?;
        at += take as u64;
        unsaved += take as u64;
        let save = unsaved >= SAVE_EVERY;
        if save {
            unsaved = 0;
        }
        end = shared.advance(i, at, save)?;
    }
    if at == shared.size {
        session.finish_data(data).await.context("the last range")?;
        return Ok(());
    }
    // The range is in: close the data connection before the rest of the file comes. The server's
    // answer to that (426 or 451, or 226 when it had sent everything) ends the transfer. Once the
    // whole file is in, that answer is not worth waiting for: the session is closed instead.
    let closed = tokio::select! {
        r = session.close_broken_data(data) => Some(r),
        () = shared.all_in() => None,
    };
    match closed {
        None => {
            session.mark_broken();
            Ok(())
        }
        Some(Ok(())) => Ok(()),
        Some(Err(ftp::Error::Refused { reply, .. })) if matches!(reply.code, 425 | 426 | 450 | 451) => Ok(()),
        Some(Err(e)) => Err(anyhow!(e).context("closing a completed range")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_sizes_that_do_not_divide_evenly() {
        for (size, n) in [(10, 3), (7, 7), (1 << 20, 8), (1_000_003, 4)] {
            let r = split(size, n);
            assert_eq!(r.len(), n);
            assert_eq!(r[0].start, 0);
            assert_eq!(r.last().unwrap().end, size);
            assert!(r.windows(2).all(|w| w[0].end == w[1].start));
            assert!(r.iter().all(|x| x.end - x.start >= size / n as u64));
        }
    }

    #[test]
    fn state_round_trips_and_rejects_what_does_not_fit() {
        let mut r = split(1000, 3);
        r[1].done = 100;
        let text = render_state(1000, 3, &r);
        assert_eq!(parse_state(&text, 1000), Some(State { sessions: 3, ranges: r }));
        assert_eq!(parse_state(&text, 999), None);
        assert_eq!(parse_state("ftpx segments 2\nsize 10\nsessions 2\n0 5 0\n6 10 0\n", 10), None);
        assert_eq!(parse_state("ftpx segments 2\nsize 10\nsessions 2\n0 5 9\n5 10 0\n", 10), None);
        assert_eq!(parse_state("ftpx segments 2\nsize 10\n0 5 0\n5 10 0\n", 10), None);
        assert_eq!(parse_state("junk", 10), None);
    }

    #[test]
    fn state_is_written_in_file_order_and_version_1_still_reads() {
        // After a split the new range comes last in memory; the file lists ranges by start.
        let ranges = [
            Range { start: 0, end: 4, done: 4 },
            Range { start: 7, end: 10, done: 1 },
            Range { start: 4, end: 7, done: 0 },
        ];
        let text = render_state(10, 2, &ranges);
        assert_eq!(text, "ftpx segments 2\nsize 10\nsessions 2\n0 4 4\n4 7 0\n7 10 1\n");
        assert_eq!(parse_state(&text, 10).unwrap().ranges.len(), 3);
        // Version 1: one range per session, no sessions line.
        let old = parse_state("ftpx segments 1\nsize 10\n0 5 2\n5 10 0\n", 10).unwrap();
        assert_eq!(old.sessions, 2);
        assert_eq!(old.ranges[0], Range { start: 0, end: 5, done: 2 });
    }

    #[test]
    fn an_idle_session_takes_the_far_part_of_the_range_with_most_time_left() {
        const M: u64 = 1 << 20;
        let t0 = Instant::now();
        let mut work = Work::new(split(8 * M, 2));
        assert_eq!(work.claim(t0), Claim::Range(0));
        assert_eq!(work.claim(t0), Claim::Range(1));
        // No rate known yet: ask again later.
        assert_eq!(work.claim(t0), Claim::Later);
        // After a second: range 0 has 2 MiB in (2 MiB/s, 1 s left), range 1 has 1 MiB (1 MiB/s,
        // 3 s left).
        let now = t0 + Duration::from_secs(1);
        work.ranges[0].first = Some((t0, 0));
        work.ranges[1].first = Some((t0, 0));
        work.ranges[0].range.done = 2 * M;
        work.ranges[1].range.done = M;
        // No setup cost: the far half of range 1.
        assert_eq!(work.claim(now), Claim::Range(2));
        assert_eq!(work.ranges[1].range.end, 8 * M - 3 * M / 2);
        assert_eq!(work.ranges[2].range, Range { start: 8 * M - 3 * M / 2, end: 8 * M, done: 0 });
        // Range 1 has 1.5 s left, range 0 and the new one (at the mean rate) 1 s. With half a
        // second of setup, the new part is smaller by what range 1 fetches meanwhile.
        work.setup = Duration::from_millis(500);
        assert_eq!(work.claim(now), Claim::Range(3));
        assert_eq!(work.ranges[1].range.end, 6 * M);
        assert_eq!(work.ranges[3].range, Range { start: 6 * M, end: 8 * M - 3 * M / 2, done: 0 });
        // The ranges still cover the file exactly.
        let state = parse_state(&render_state(8 * M, 2, &work.ranges()), 8 * M).unwrap();
        assert_eq!(state.ranges.len(), 4);
    }

    #[test]
    fn no_split_leaves_a_part_under_the_minimum_or_gains_too_little() {
        let t0 = Instant::now();
        let now = t0 + Duration::from_secs(1);
        let mut work = Work::new(vec![Range { start: 0, end: 1 << 30, done: 0 }]);
        assert_eq!(work.claim(t0), Claim::Range(0));
        work.ranges[0].first = Some((t0, 0));
        // 1 MiB/s with 200 KiB left: the part split off would be under the minimum.
        work.ranges[0].range.done = (1 << 20) - 1;
        work.ranges[0].range.end = (1 << 20) + 200 * 1024;
        assert_eq!(work.claim(now), Claim::Nothing);
        // 100 MiB/s with 8 MiB left: 40 ms sooner is not worth a new data connection.
        work.ranges[0].range.done = 100 << 20;
        work.ranges[0].range.end = 108 << 20;
        assert_eq!(work.claim(now), Claim::Nothing);
        work.ranges[0].range.end = 120 << 20;
        assert!(matches!(work.claim(now), Claim::Range(1)));
        work.stopped = true;
        work.ranges[0].busy = false;
        assert_eq!(work.claim(now), Claim::Nothing, "a failed range stops the hand-out");
    }
}

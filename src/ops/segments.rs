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
//! `NAME.part.segments` beside the `.part` records the size and how far each range got (written
//! before the first byte lands and after each range's progress), so `-c` fetches only what is
//! missing; it is removed when the file is complete. Without REST STREAM, without a size, or for a
//! small file, the download is one stream (the caller is told why).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, Result, anyhow};

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

/// How many ranges an interrupted segmented download of `dest` left to resume, if it left any: a
/// plain `get -c` must not take that `.part` (it has holes) for a prefix.
pub fn saved_ranges(dest: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(state_path(dest)).ok()?;
    let size = text.lines().nth(1)?.strip_prefix("size ")?.parse().ok()?;
    parse_state(&text, size).map(|r| r.len())
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

fn render_state(size: u64, ranges: &[Range]) -> String {
    let mut s = format!("ftpx segments 1\nsize {size}\n");
    for r in ranges {
        s.push_str(&format!("{} {} {}\n", r.start, r.end, r.done));
    }
    s
}

/// The saved ranges, if they describe a file of `size` bytes and cover it exactly.
fn parse_state(text: &str, size: u64) -> Option<Vec<Range>> {
    let mut lines = text.lines();
    (lines.next()? == "ftpx segments 1").then_some(())?;
    let saved: u64 = lines.next()?.strip_prefix("size ")?.parse().ok()?;
    if saved != size {
        return None;
    }
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
    (next == size && !ranges.is_empty()).then_some(ranges)
}

/// Writes the state beside the `.part` (through a temporary file, so it is never half written).
fn save_state(path: &Path, size: u64, ranges: &[Range]) -> Result<()> {
    let tmp = path.with_extension("segments.tmp");
    std::fs::write(&tmp, render_state(size, ranges)).map_err(|e| AppError::local(&tmp, e))?;
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
    let result = run(settings, &pool, reporter).await;
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
    let mut fresh = false;
    let ranges = match saved {
        Some(r) => r,
        None => {
            fresh = true;
            let n = settings.segments.min((size / MIN_SEGMENT) as usize).max(1);
            split(size, n)
        }
    };
    let file = if fresh {
        // The state first: a `.part` with holes must never be taken for a prefix by a plain `-c`.
        save_state(&state_file, size, &ranges)?;
        File::create(&part)
    } else {
        OpenOptions::new().write(true).open(&part)
    }
    .map_err(|e| AppError::local(&part, e))?;
    pool.put(first);

    let shared = Shared {
        remote,
        file: &file,
        part: &part,
        size,
        ranges: Mutex::new(ranges.clone()),
        next: Mutex::new(0),
        state_file: &state_file,
        reporter,
    };
    let before: u64 = ranges.iter().map(|r| r.done).sum();
    reporter.progress(before, size);
    let workers = (0..ranges.len()).map(|_| worker(&shared, pool, &settings.retry));
    let results = futures_util::future::join_all(workers).await;
    let ranges = shared.ranges.into_inner().unwrap_or_else(|e| e.into_inner());
    let after: u64 = ranges.iter().map(|r| r.done).sum();
    let bytes = after - before;
    if let Some(n) = pool.take_notice() {
        reporter.note(&n);
    }
    let mut failures = results.into_iter().filter_map(Result::err);
    if let Some(e) = failures.next() {
        save_state(&state_file, size, &ranges)?;
        let kept = format!("{} kept for -c", part.display());
        if interrupt::has_fired() {
            return Err(AppError::Interrupted(format!("interrupted; {kept}")).into());
        }
        return Err(e.context(format!("a range of '{shown}' failed; {kept}")));
    }
    file.sync_data().map_err(|e| AppError::local(&part, e))?;
    let len = file.metadata().map_err(|e| AppError::local(&part, e))?.len();
    if len != size || after != size {
        save_state(&state_file, size, &ranges)?;
        return Err(AppError::Incomplete(format!("'{shown}': the .part has {len} bytes, SIZE said {size}")).into());
    }
    std::fs::rename(&part, &settings.dest).map_err(|e| AppError::local(&settings.dest, e))?;
    let _ = std::fs::remove_file(&state_file);
    Ok(Outcome { bytes, size: Some(size), segments: ranges.len(), single_stream: None })
}

struct Shared<'a> {
    remote: &'a [u8],
    file: &'a File,
    part: &'a Path,
    size: u64,
    ranges: Mutex<Vec<Range>>,
    next: Mutex<usize>,
    state_file: &'a Path,
    reporter: &'a dyn Reporter,
}

impl Shared<'_> {
    fn take_range(&self) -> Option<usize> {
        let ranges = self.ranges.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        while *next < ranges.len() && ranges[*next].remaining() == 0 {
            *next += 1;
        }
        let i = (*next < ranges.len()).then_some(*next)?;
        *next += 1;
        Some(i)
    }

    fn advance(&self, i: usize, by: u64, save: bool) -> Result<()> {
        let mut ranges = self.ranges.lock().unwrap_or_else(|e| e.into_inner());
        ranges[i].done += by;
        let done: u64 = ranges.iter().map(|r| r.done).sum();
        self.reporter.progress(done, self.size);
        if save { save_state(self.state_file, self.size, &ranges) } else { Ok(()) }
    }

    fn range(&self, i: usize) -> Range {
        self.ranges.lock().unwrap_or_else(|e| e.into_inner())[i]
    }
}

/// Takes ranges until none is left, each on a session from the pool, and tries a range again
/// as `policy` allows after a transient failure: from where it got to, on a new session when its
/// own died.
async fn worker<O>(shared: &Shared<'_>, pool: &Pool<'_, O>, policy: &retry::Policy) -> Result<()>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    while let Some(i) = shared.take_range() {
        let r = shared.range(i);
        let mut slot = None;
        let result = retry::run(
            policy,
            |_, line: &str| shared.reporter.retry(&format!("bytes {}-{}: {line}", r.start, r.end - 1)),
            &mut slot,
            async |slot, fresh| pool.ready(slot, fresh).await,
            async |slot, _| fetch_range(slot.as_mut().expect("connected before each attempt"), shared, i).await,
        )
        .await;
        if let Some(session) = slot {
            pool.put(session);
        }
        result?;
    }
    Ok(())
}

/// One range: REST + RETR from where it got to, read to its end, close the data connection.
async fn fetch_range(session: &mut Session, shared: &Shared<'_>, i: usize) -> Result<()> {
    let range = shared.range(i);
    let mut at = range.start + range.done;
    session.set_type(false).await?;
    let rest = (at > 0).then_some(at);
    let mut data = session.open_data(&Command::path("RETR", shared.remote)?, rest).await?;
    let last = range.end == shared.size;
    let mut buf = vec![0u8; CHUNK];
    let mut unsaved = 0;
    while at < range.end {
        let read = tokio::select! {
            r = data.read(&mut buf) => Some(r),
            () = interrupt::fired() => None,
        };
        let n = match read {
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                let _ = session.close_broken_data(data).await;
                shared.advance(i, 0, true)?;
                return Err(e.into());
            }
            None => {
                let aborted = tokio::time::timeout(std::time::Duration::from_secs(3), session.abort_data(data)).await;
                if aborted.is_err() {
                    session.mark_broken();
                }
                return Err(AppError::Interrupted("interrupted".into()).into());
            }
        };
        if n == 0 {
            let _ = session.finish_data(data).await;
            shared.advance(i, 0, true)?;
            // A data connection closed early is a break like a reset: worth another try.
            let why = format!("the data connection closed at byte {at}, before the range's end at {}", range.end);
            return Err(ftp::Error::DataIo(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, why)).into());
        }
        let take = (n as u64).min(range.end - at) as usize;
        shared.file.write_all_at(&buf[..take], at).map_err(|e| AppError::local(shared.part, e))?;
        at += take as u64;
        unsaved += take as u64;
        let save = unsaved >= SAVE_EVERY || at == range.end;
        if save {
            unsaved = 0;
        }
        shared.advance(i, take as u64, save)?;
    }
    if last {
        session.finish_data(data).await.context("the last range")?;
        return Ok(());
    }
    // The range is in: close the data connection before the rest of the file comes. The server's
    // answer to that (426 or 451, or 226 when it had sent everything) ends the transfer.
    match session.close_broken_data(data).await {
        Ok(()) => Ok(()),
        Err(ftp::Error::Refused { reply, .. }) if matches!(reply.code, 425 | 426 | 450 | 451) => Ok(()),
        Err(e) => Err(anyhow!(e).context("closing a completed range")),
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
        let text = render_state(1000, &r);
        assert_eq!(parse_state(&text, 1000), Some(r));
        assert_eq!(parse_state(&text, 999), None);
        assert_eq!(parse_state("ftpx segments 1\nsize 10\n0 5 0\n6 10 0\n", 10), None);
        assert_eq!(parse_state("ftpx segments 1\nsize 10\n0 5 9\n5 10 0\n", 10), None);
        assert_eq!(parse_state("junk", 10), None);
    }
}

//! Trying a transfer again after a transient failure: which failures are worth another try, how
//! long to wait, and the loop that reconnects, logs in again and resumes.
//!
//! The loop is generic: an "attempt" closure does the work (a get, a put, later a mirror entry
//! or a segment) on some state (a session), and a "connect" closure makes that state usable
//! before each attempt (logs in when there is no session, or when the last one is gone). The
//! attempt is told whether to resume: after a break that moved data, every later attempt goes on
//! from where the last one stopped (REST from the `.part`'s size, SIZE then APPE) instead of
//! starting over.
//!
//! What is transient (RFC 959 §4.2 and what networks do): a data or control connection reset or
//! closed, a stall or any timeout, a 421 busy server, 425/426 and 4xx replies in general. What is
//! permanent: 5xx replies (no such file, permission, quota), a refused login, TLS and local
//! errors, a usage error, Ctrl-C. Two cases are tried again once without counting as retries: a
//! transfer whose data all moved but whose final reply never came (a reconnection and a SIZE check
//! confirm it), and a data connection whose TLS session the server would not take because it
//! could not resume (a new login brings new session tickets: ProFTPD 1.3.8 issues none on
//! upload connections).
//!
//! The default is no retries, as in curl: a script sees a failure at once, with its exit code and
//! the command that resumes it. `--retry N` is the CI setting.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::error::AppError;
use crate::ftp;
use crate::transfer::Broken;

/// How many times and how patiently to try again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Retries after the first attempt (0: none).
    pub retries: u32,
    /// The first wait; each next one doubles, up to [`MAX_DELAY`], with jitter.
    pub delay: Duration,
    /// No retry starts after this long since the first attempt.
    pub max_time: Option<Duration>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { retries: 0, delay: Duration::from_secs(1), max_time: None }
    }
}

/// The longest wait between two attempts (unless `--retry-delay` asks for longer).
pub const MAX_DELAY: Duration = Duration::from_secs(60);

/// What a failure calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Trying again would fail the same way.
    Permanent,
    /// Worth another try after a wait.
    Transient,
    /// The data all moved and only the final reply is missing: reconnect and check, at once and
    /// without counting a retry.
    Confirm,
    /// The server wants a new login before the next data connection: at once, not counted.
    Relogin,
}

/// Which kind of failure `err` is, from the first cause in its chain that says.
pub fn classify(err: &anyhow::Error) -> Class {
    for cause in err.chain() {
        if let Some(broken) = cause.downcast_ref::<Broken>() {
            return if broken.resumable && broken.data_complete() {
                Class::Confirm
            } else if broken.resumable || broken.done == 0 {
                Class::Transient
            } else {
                // Stdout or a device: a second try would write the first bytes twice.
                Class::Permanent
            };
        }
        if cause.downcast_ref::<AppError>().is_some() {
            return Class::Permanent;
        }
        if let Some(e) = cause.downcast_ref::<ftp::Error>() {
            return classify_engine(e);
        }
    }
    Class::Permanent
}

fn classify_engine(e: &ftp::Error) -> Class {
    use ftp::Error::*;
    let transient_reply = |r: &ftp::Reply| (400..500).contains(&r.code);
    match e {
        TlsData { .. } if e.is_tls_not_resumed() => Class::Relogin,
        Busy(_) | ServiceClosing(_) | Closed | Io(_) | Unusable | DataIo(_) | Connect { .. } | Timeout { .. } => {
            Class::Transient
        }
        Refused { reply, .. } if transient_reply(reply) => Class::Transient,
        // Every mode got 425 (or an answer in the 4xx range): the server could not open a data
        // connection just now. A mode that cannot connect at all is the network's setup instead.
        NoDataConnection { attempts }
            if attempts.iter().all(|(_, f)| f.reply.as_ref().is_some_and(transient_reply)) =>
        {
            Class::Transient
        }
        _ => Class::Permanent,
    }
}

/// One attempt's orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Try {
    /// 0 for the first attempt.
    pub number: u32,
    /// An earlier attempt moved data: go on from where it stopped.
    pub resume: bool,
}

/// What succeeded, and after how many retries.
#[derive(Debug)]
pub struct Done<T> {
    pub value: T,
    pub retries: u32,
}

/// Runs `attempt` until it succeeds, fails for good, or the policy gives up. Before each attempt
/// `connect(state, fresh)` makes the state usable: `fresh` asks for a new login even when the
/// old session still answers. Each retry (and each reconnection that does not count as one) is
/// one line given to `say`: the front end shows it on stderr and in the transcript.
pub async fn run<S, T>(
    policy: &Policy,
    say: impl Fn(&mut S, &str),
    state: &mut S,
    mut connect: impl AsyncFnMut(&mut S, bool) -> Result<()>,
    mut attempt: impl AsyncFnMut(&mut S, Try) -> Result<T>,
) -> Result<Done<T>> {
    let started = Instant::now();
    let mut retries = 0;
    let mut number = 0;
    let mut resume = false;
    let mut fresh = false;
    let (mut confirmed, mut relogged) = (false, false);
    // The last attempt's failure while reconnections fail: what the transfer's state is (a
    // `.part` kept, exit 11) matters more than why the new login did not work.
    let mut last_attempt: Option<anyhow::Error> = None;
    loop {
        let (err, connecting) = match connect(state, fresh).await {
            Ok(()) => match attempt(state, Try { number, resume }).await {
                Ok(value) => return Ok(Done { value, retries }),
                Err(e) => (e, false),
            },
            Err(e) => (e, true),
        };
        if !connecting {
            last_attempt = None;
        }
        number += 1;
        let moved = err.chain().any(|c| c.downcast_ref::<Broken>().is_some_and(|b| b.resumable && b.done > 0));
        resume |= moved;
        let class = classify(&err);
        let give_up = |err: anyhow::Error, last: Option<anyhow::Error>, why: String| {
            let (err, why) = match last {
                Some(last) if why.is_empty() => (last, format!("logging in again failed: {err:#}")),
                Some(last) => (last, format!("{why}; logging in again failed: {err:#}")),
                None if why.is_empty() => return err,
                None => (err, why),
            };
            err.context(GaveUp { retries, why })
        };
        // Kept for the end when the next tries cannot even log in.
        let mut keep = |err: anyhow::Error| {
            if !connecting {
                last_attempt = Some(err);
            }
        };
        match class {
            Class::Permanent => return Err(give_up(err, last_attempt, String::new())),
            Class::Confirm if !confirmed => {
                confirmed = true;
                fresh = true;
                // Said as what happened, not as the failure it is not yet: the `.part` is about to
                // be completed, not kept.
                let what = err
                    .chain()
                    .find_map(|c| c.downcast_ref::<Broken>())
                    .map_or_else(|| format!("{err:#}"), Broken::happened);
                say(
                    state,
                    &format!(
                        "warning: {what}. The control connection was probably dropped by a NAT or firewall idle \
                         timeout during the transfer; logging in again to check the file on the server"
                    ),
                );
                keep(err);
                continue;
            }
            Class::Relogin if !relogged => {
                relogged = true;
                fresh = true;
                say(state, "the server refused a TLS data session that could not resume; logging in again to continue");
                keep(err);
                continue;
            }
            _ => {}
        }
        if retries >= policy.retries {
            let why = if retries > 0 { format!("gave up after {retries} retries") } else { String::new() };
            return Err(give_up(err, last_attempt, why));
        }
        let wait = backoff(policy.delay, retries);
        if let Some(max) = policy.max_time
            && started.elapsed() + wait > max
        {
            let spent = started.elapsed().as_secs();
            let why = format!("gave up after {retries} retries and {spent}s (--retry-max-time {}s)", max.as_secs_f64());
            return Err(give_up(err, last_attempt, why));
        }
        retries += 1;
        say(state, &format!("retry {retries} of {} in {:.1}s: {err:#}", policy.retries, wait.as_secs_f64()));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = crate::interrupt::fired() => return Err(AppError::Interrupted("interrupted".into()).into()),
        }
        keep(err);
        // A session that still answers is used again (a 426 leaves it in step); one that is
        // gone is replaced by the connect closure.
        fresh = false;
    }
}

/// The context of a failure that came after retries, or after a reconnection: how many retries
/// there were (for `--json`), and why it stopped.
#[derive(Debug)]
pub struct GaveUp {
    pub retries: u32,
    why: String,
}

impl std::fmt::Display for GaveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.why)
    }
}

/// How many retries came before `err` (0 unless [`run`] gave up after some).
pub fn retries_of(err: &anyhow::Error) -> u32 {
    err.downcast_ref::<GaveUp>().map_or(0, |g| g.retries)
}

/// The wait before retry `k` (0-based): `first * 2^k`, at most [`MAX_DELAY`] (or `first` when
/// it is longer), each between 75 % and 125 % of that, so clients that failed together do not
/// come back together.
pub fn backoff(first: Duration, k: u32) -> Duration {
    let cap = MAX_DELAY.max(first);
    let base = first.saturating_mul(1u32 << k.min(16)).min(cap);
    let spread = (RandomState::new().hash_one(Instant::now()) % 1001) as f64 / 1000.0;
    base.mul_f64(0.75 + spread / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ftp::{DataFailure, DataMode, Reply, Stage};
    use crate::transfer::{Cause, Direction};

    fn reply(code: u16) -> Reply {
        Reply { code, lines: vec![format!("{code} text").into_bytes()] }
    }

    fn broken(cause: Cause, resumable: bool, done: u64) -> anyhow::Error {
        let (total, kept, resume_with) = (Some(10), None, None);
        Broken { direction: Direction::Get, cause, reply: None, done, total, kept, resumable, resume_with }.into()
    }

    #[test]
    fn transient_failures_are_retried_and_permanent_ones_are_not() {
        let io = || std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        let refused = |code| ftp::Error::Refused { command: "RETR f".into(), reply: reply(code) };
        let cases: Vec<(anyhow::Error, Class)> = vec![
            (ftp::Error::Busy(reply(421)).into(), Class::Transient),
            (ftp::Error::Closed.into(), Class::Transient),
            (ftp::Error::Io(io()).into(), Class::Transient),
            (ftp::Error::Timeout { phase: ftp::Phase::Reply, after: Duration::from_secs(1) }.into(), Class::Transient),
            (refused(426).into(), Class::Transient),
            (refused(450).into(), Class::Transient),
            (refused(550).into(), Class::Permanent),
            (refused(552).into(), Class::Permanent),
            (ftp::Error::Login(reply(530)).into(), Class::Permanent),
            (ftp::Error::TlsData { reply: reply(522), resumed: Some(false) }.into(), Class::Relogin),
            (ftp::Error::TlsData { reply: reply(522), resumed: Some(true) }.into(), Class::Permanent),
            (AppError::Interrupted("x".into()).into(), Class::Permanent),
            (broken(Cause::Data(std::io::ErrorKind::ConnectionReset, "reset".into()), true, 5), Class::Transient),
            (broken(Cause::Stalled(Duration::from_secs(1)), false, 5), Class::Permanent),
            (broken(Cause::Stalled(Duration::from_secs(1)), false, 0), Class::Transient),
            (broken(Cause::ReplyLost { why: "x".into(), complete: Some(true) }, true, 10), Class::Confirm),
            (broken(Cause::ReplyLost { why: "x".into(), complete: None }, true, 10), Class::Transient),
        ];
        for (err, want) in cases {
            let err = err.context("could not download 'f'");
            assert_eq!(classify(&err), want, "{err:#}");
        }
        let failure = |reply| DataFailure { stage: Stage::Transfer, detail: "x".into(), reply };
        let busy =
            ftp::Error::NoDataConnection { attempts: vec![(DataMode::Epsv, failure(Some(super::tests::reply(425))))] };
        assert_eq!(classify(&busy.into()), Class::Transient);
        let firewall = ftp::Error::NoDataConnection { attempts: vec![(DataMode::Epsv, failure(None))] };
        assert_eq!(classify(&firewall.into()), Class::Permanent);
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let first = Duration::from_secs(2);
        for k in 0..10 {
            let base = first.saturating_mul(1 << k).min(MAX_DELAY);
            let wait = backoff(first, k);
            assert!(wait >= base.mul_f64(0.75) && wait <= base.mul_f64(1.25), "retry {k}: {wait:?}");
        }
        assert_eq!(backoff(Duration::ZERO, 3), Duration::ZERO);
    }

    #[tokio::test]
    async fn the_loop_resumes_after_a_break_and_stops_at_a_permanent_failure() {
        let policy = Policy { retries: 3, delay: Duration::ZERO, max_time: None };
        let mut tries = Vec::new();
        let done = run(
            &policy,
            |_, _| {},
            &mut tries,
            async |_, _| Ok(()),
            async |tries: &mut Vec<Try>, t| {
                tries.push(t);
                match t.number {
                    0 => Err(broken(Cause::Data(std::io::ErrorKind::ConnectionReset, "r".into()), true, 4)),
                    1 => Err(ftp::Error::Busy(reply(421)).into()),
                    _ => Ok(7),
                }
            },
        )
        .await
        .unwrap();
        assert_eq!((done.value, done.retries), (7, 2));
        assert_eq!(tries.iter().map(|t| t.resume).collect::<Vec<_>>(), [false, true, true]);

        let mut count = 0;
        let err = run(
            &policy,
            |_, _| {},
            &mut count,
            async |_, _| Ok(()),
            async |count: &mut u32, _| {
                *count += 1;
                Err::<(), _>(ftp::Error::Login(reply(530)).into())
            },
        )
        .await
        .unwrap_err();
        assert_eq!(count, 1, "a refused login was tried again: {err:#}");

        let policy = Policy { retries: 2, ..policy };
        let mut count = 0;
        let err = run(
            &policy,
            |_, _| {},
            &mut count,
            async |_, _| Ok(()),
            async |count: &mut u32, _| {
                *count += 1;
                Err::<(), _>(ftp::Error::Closed.into())
            },
        )
        .await
        .unwrap_err();
        assert_eq!(count, 3);
        assert!(format!("{err:#}").starts_with("gave up after 2 retries: "), "{err:#}");
        assert_eq!(retries_of(&err.context("could not download 'f'")), 2);
    }
}

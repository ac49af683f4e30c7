//! A pool of logged-in sessions to one server, for operations that move many files (mirror) or
//! one file in pieces (segmented get) over several control connections at once.
//!
//! Sessions are opened on demand, up to the pool's size, and reused: a login (connect, greeting,
//! USER, PASS, FEAT: four or five round trips, and on vsftpd with PAM a quarter to half a second
//! per PASS) is paid once per session, not per file. A session keeps its TYPE between files (the
//! engine sends TYPE only when it changes). An operation that knows how many sessions it wants
//! runs in [`Pool::warmed`]: they all log in at once, beside each other, and its first
//! [`Pool::get`] takes whichever is in first.
//!
//! Servers cap sessions per client (vsftpd `max_per_ip`: `421 There are too many connections from
//! your internet address`; pure-ftpd `421 Too many connections`; ProFTPD `MaxClientsPerHost`: `530
//! Sorry, the maximum number of clients ... already connected`). When a session cannot be opened
//! while another one has logged in, the pool shrinks to what it has and goes on, keeping one
//! notice to show once. When no login succeeds, that is the operation's failure (wrong password,
//! no server), with the first session's error.
//!
//! A login under way stops at Ctrl-C (its connection is closed), and no new one starts after it.
//! It owns no printing: the caller shows [`Pool::take_notice`].

use std::sync::Mutex;

use anyhow::Result;
use tokio::sync::Notify;

use crate::error::AppError;
use crate::ftp::{self, Refusal, Session};
use crate::interrupt;

/// Sessions opened by `open`, at most `size` at once.
pub struct Pool<'o, O> {
    open: &'o O,
    state: Mutex<State>,
    /// Woken when a session comes back, a login ends or a slot frees up.
    changed: Notify,
}

struct State {
    idle: Vec<Session>,
    /// Sessions in use, idle or being opened.
    live: usize,
    /// How many sessions the pool may hold: the size asked for, or fewer once the server refused.
    limit: usize,
    /// Sessions opened so far, for their numbers and labels.
    opened: usize,
    /// A login has succeeded: from then on a failed one is the server's limit.
    up: bool,
    /// A login that failed while others were still under way and none had succeeded: the
    /// server's limit if one of them succeeds, else the operation's error. Of several, the one
    /// that says most ([`rank`]).
    doubt: Option<((bool, usize), anyhow::Error)>,
    /// No login succeeded and none is left under way: the error for the next [`Pool::get`].
    failure: Option<anyhow::Error>,
    /// Why the server refused a session, for the notice.
    refusal: Option<String>,
    /// The notice was already taken: a second refusal says nothing more.
    noticed: bool,
}

/// A place reserved for a session being logged in; freed if the login is dropped half-way
/// (Ctrl-C, or the operation ended before it was needed).
struct Opening<'p, 'o, O> {
    pool: &'p Pool<'o, O>,
    number: usize,
    label: String,
    settled: bool,
}

impl<O> Drop for Opening<'_, '_, O> {
    fn drop(&mut self) {
        if !self.settled {
            self.pool.lock().live -= 1;
            self.pool.changed.notify_waiters();
        }
    }
}

impl<O> Opening<'_, '_, O>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    /// The session, logged in; `None` when the login failed (the pool has taken note) or a
    /// signal stopped it.
    async fn log_in(mut self) -> Option<Session> {
        let pool = self.pool;
        let result = tokio::select! {
            r = (pool.open)(&self.label) => r,
            () = interrupt::fired() => return None,
        };
        self.settled = true;
        match result {
            Ok(session) => {
                pool.arrived();
                Some(session)
            }
            Err(e) => {
                pool.failed(self.number, e);
                None
            }
        }
    }
}

impl<O> Pool<'_, O> {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<'o, O> Pool<'o, O>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    /// A pool of up to `size` sessions (at least one); `open` logs one in, given its label.
    pub fn new(open: &'o O, size: usize) -> Self {
        let state = State {
            idle: Vec::new(),
            live: 0,
            limit: size.max(1),
            opened: 0,
            up: false,
            doubt: None,
            failure: None,
            refusal: None,
            noticed: false,
        };
        Pool { open, state: Mutex::new(state), changed: Notify::new() }
    }

    /// How many sessions the pool may hold now.
    pub fn limit(&self) -> usize {
        self.lock().limit
    }

    /// Runs `work` while up to `want` sessions log in at once, beside it and beside each other,
    /// each kept for the next [`Pool::get`]: a login's round trips (and the server's password
    /// check) are paid once for all of them, not one after the other. When `work` ends, logins
    /// still under way are dropped, their connections closed.
    pub async fn warmed<T>(&self, want: usize, work: impl Future<Output = T>) -> T {
        let openings: Vec<_> = std::iter::from_fn(|| self.reserve()).take(want).collect();
        let warm = futures_util::future::join_all(openings.into_iter().map(async |opening| {
            if let Some(session) = opening.log_in().await {
                self.put(session);
            }
        }));
        let mut work = std::pin::pin!(work);
        tokio::select! {
            out = &mut work => out,
            _ = warm => work.await,
        }
    }

    /// A place for a new session while below the limit.
    fn reserve(&self) -> Option<Opening<'_, 'o, O>> {
        let mut state = self.lock();
        if state.live >= state.limit {
            return None;
        }
        state.live += 1;
        state.opened += 1;
        let number = state.opened;
        let label = if state.limit > 1 || number > 1 { format!("s{number}") } else { String::new() };
        Some(Opening { pool: self, number, label, settled: false })
    }

    /// A login succeeded: the server takes these credentials, so earlier failures were its limit.
    fn arrived(&self) {
        let mut state = self.lock();
        state.up = true;
        if let Some((_, e)) = state.doubt.take() {
            state.refusal.get_or_insert_with(|| format!("{e:#}"));
        }
    }

    /// Login `number` failed with `e`. Others open or under way: the server's limit is reached
    /// (or, while none has logged in yet, may be), and the pool goes on with those. None left:
    /// the operation cannot have a session.
    fn failed(&self, number: usize, e: anyhow::Error) {
        let mut state = self.lock();
        state.live -= 1;
        let rank = rank(&e, number);
        let e = match state.doubt.take() {
            Some((kept, earlier)) if kept < rank => (kept, earlier),
            _ => (rank, e),
        };
        if state.live == 0 {
            state.failure = Some(e.1);
        } else {
            state.limit = state.live;
            if state.up {
                state.refusal.get_or_insert_with(|| format!("{:#}", e.1));
            } else {
                state.doubt = Some(e);
            }
        }
        drop(state);
        self.changed.notify_waiters();
    }

    /// A logged-in session: an idle one, a new one while below the limit, or the next one logged
    /// in or given back. Fails when no session can be had at all, and after a signal.
    pub async fn get(&self) -> Result<Session> {
        loop {
            if interrupt::has_fired() {
                return Err(AppError::Interrupted("interrupted".into()).into());
            }
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (failure, idle) = {
                let mut state = self.lock();
                (state.failure.take(), state.idle.pop())
            };
            if let Some(e) = failure {
                return Err(e);
            }
            if let Some(mut session) = idle {
                // A session the server closed while it sat idle (vsftpd's `421 Timeout.`) is
                // dropped, not handed out.
                if session.check_idle().await.is_ok() {
                    return Ok(session);
                }
                self.lock().live -= 1;
                continue;
            }
            if let Some(opening) = self.reserve() {
                if let Some(session) = opening.log_in().await {
                    return Ok(session);
                }
                continue;
            }
            // Every place is taken: wait for a login under way, or a session given back.
            tokio::select! {
                () = notified => {}
                () = interrupt::fired() => {}
            }
        }
    }

    /// Makes `slot` hold a usable session before an attempt ([`crate::retry::run`]'s connect
    /// step): a session that died, or any when `fresh` asks for a new one, is given back (and so
    /// dropped, freeing its place) and another taken.
    pub async fn ready(&self, slot: &mut Option<Session>, fresh: bool) -> Result<()> {
        if let Some(mut old) = slot.take_if(|s| fresh || !s.is_usable()) {
            old.mark_broken();
            self.put(old);
        }
        if slot.is_none() {
            *slot = Some(self.get().await?);
        }
        Ok(())
    }

    /// Gives a session back for the next file; one that is no longer usable is dropped, and its
    /// slot freed for a new one.
    pub fn put(&self, session: Session) {
        let mut state = self.lock();
        if session.is_usable() {
            state.idle.push(session);
        } else {
            state.live -= 1;
        }
        drop(state);
        self.changed.notify_waiters();
    }

    /// What to tell the user about the pool, once: the server refused sessions.
    pub fn take_notice(&self) -> Option<String> {
        let mut state = self.lock();
        if state.noticed {
            return None;
        }
        let why = state.refusal.take()?;
        state.noticed = true;
        let n = state.limit;
        let s = if n == 1 { "" } else { "s" };
        Some(format!("the server refused another session ({why}): going on with {n} session{s}"))
    }

    /// QUIT on every idle session.
    pub async fn close(self) {
        let idle = std::mem::take(&mut self.lock().idle);
        futures_util::future::join_all(idle.into_iter().map(Session::quit)).await;
    }
}

/// Which of several failed logins to report when none succeeded (lower first): one that is not
/// the server's limit on connections (a `530 Login incorrect` says what to fix; the `421 Too many
/// connections` the server gave the sessions over its limit meanwhile does not), then the
/// lowest-numbered session's, the one the server met first.
fn rank(e: &anyhow::Error, number: usize) -> (bool, usize) {
    let limit = e
        .chain()
        .filter_map(|c| c.downcast_ref::<ftp::Error>())
        .any(|f| f.refusal() == Some(Refusal::TooManyConnections));
    (limit, number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(line: &str) -> anyhow::Error {
        let reply = ftp::Reply { code: line[..3].parse().unwrap(), lines: vec![line.as_bytes().to_vec()] };
        anyhow::Error::from(ftp::Error::Login(reply))
    }

    #[test]
    fn the_login_failure_reported_is_not_the_session_limit_then_the_first_session() {
        let wrong = login("530 Login incorrect.");
        let limit = login("421 There are too many connections from your internet address.");
        let proftpd = login("530 Sorry, the maximum number of clients (2) from your host are already connected.")
            .context("could not log in");
        assert!(rank(&wrong, 5) < rank(&limit, 1), "a wrong password says more than the limit");
        assert!(rank(&wrong, 5) < rank(&proftpd, 1), "found under context too");
        assert!(rank(&limit, 1) < rank(&limit, 2));
        assert!(rank(&wrong, 1) < rank(&wrong, 2));
    }
}

//! A pool of logged-in sessions to one server, for operations that move many files (mirror) or
//! one file in pieces (segmented get) over several control connections at once.
//!
//! Sessions are opened on demand, up to the pool's size, and reused: a login (connect, greeting,
//! USER, PASS, FEAT: four or five round trips) is paid once per session, not per file. A session
//! keeps its TYPE between files (the engine sends TYPE only when it changes).
//!
//! Servers cap sessions per client (vsftpd `max_per_ip`: `421 There are too many connections from
//! your internet address`; pure-ftpd `421 Too many connections`; ProFTPD `MaxClientsPerHost`: `530
//! Sorry, the maximum number of clients ... already connected`). When a session cannot be opened
//! while others are open, the pool shrinks to what it has and goes on, keeping one notice to show
//! once. The first session's failure is the operation's failure (wrong password, no server).
//!
//! It owns no printing: the caller shows [`Pool::take_notice`].

use std::sync::Mutex;

use anyhow::Result;
use tokio::sync::Notify;

use crate::ftp::Session;

/// Sessions opened by `open`, at most `size` at once.
pub struct Pool<'o, O> {
    open: &'o O,
    state: Mutex<State>,
    /// Woken when a session comes back or a slot frees up.
    changed: Notify,
}

struct State {
    idle: Vec<Session>,
    /// Sessions in use, idle or being opened.
    live: usize,
    /// How many sessions the pool may hold: the size asked for, or fewer once the server refused.
    limit: usize,
    /// Sessions opened so far, for their labels.
    opened: usize,
    notice: Option<String>,
    /// The notice was already taken: a second refusal says nothing more.
    noticed: bool,
}

impl<'o, O> Pool<'o, O>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    /// A pool of up to `size` sessions (at least one); `open` logs one in, given its label.
    pub fn new(open: &'o O, size: usize) -> Self {
        let state = State { idle: Vec::new(), live: 0, limit: size.max(1), opened: 0, notice: None, noticed: false };
        Pool { open, state: Mutex::new(state), changed: Notify::new() }
    }

    /// How many sessions the pool may hold now.
    pub fn limit(&self) -> usize {
        self.lock().limit
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A logged-in session: an idle one, a new one while below the limit, or the next one given
    /// back. Fails only when no session can be had at all.
    pub async fn get(&self) -> Result<Session> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let idle = self.lock().idle.pop();
            if let Some(mut session) = idle {
                // A session the server closed while it sat idle (vsftpd's `421 Timeout.`) is
                // dropped, not handed out.
                if session.check_idle().await.is_ok() {
                    return Ok(session);
                }
                self.lock().live -= 1;
                continue;
            }
            let label = {
                let mut state = self.lock();
                if state.live < state.limit {
                    state.live += 1;
                    state.opened += 1;
                    Some(if state.limit > 1 || state.opened > 1 { format!("s{}", state.opened) } else { String::new() })
                } else {
                    None
                }
            };
            let Some(label) = label else {
                notified.await;
                continue;
            };
            match (self.open)(&label).await {
                Ok(session) => return Ok(session),
                Err(e) => {
                    let mut state = self.lock();
                    state.live -= 1;
                    self.changed.notify_waiters();
                    if state.live == 0 {
                        return Err(e);
                    }
                    // Others are open: the server's limit is reached. Go on with those.
                    state.limit = state.live;
                    if !state.noticed && state.notice.is_none() {
                        let n = state.live;
                        let s = if n == 1 { "" } else { "s" };
                        state.notice =
                            Some(format!("the server refused another session ({e:#}): going on with {n} session{s}"));
                    }
                }
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
        let notice = state.notice.take();
        if notice.is_some() {
            state.noticed = true;
        }
        notice
    }

    /// QUIT on every idle session.
    pub async fn close(self) {
        let idle = std::mem::take(&mut self.lock().idle);
        futures_util::future::join_all(idle.into_iter().map(Session::quit)).await;
    }
}

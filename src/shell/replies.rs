//! The shell's observer: everything goes to the transcript (`debug`, `trace`), and with
//! `verbose` the server's replies are shown on stdout as the classic client shows them.
//!
//! Replies to the commands the shell sends for its own purposes (FEAT and OPTS at login, SIZE
//! before a download, TYPE, PWD) are not shown: tnftp hides them too. Commands whose reply is
//! their output (`quote`, `stat`, `system`...) print it themselves, with [`Replies::hold`].
//! `mkdir -p` shows only the directories it created, with [`Replies::only_created`].

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::ftp::{Event, Observer};
use crate::text::escape;
use crate::transcript::Transcript;

/// Verbs whose replies the user did not ask for.
const INTERNAL: [&str; 6] = ["FEAT", "OPTS", "SIZE", "MDTM", "TYPE", "PWD"];

pub struct Replies {
    pub transcript: Arc<Transcript>,
    verbose: AtomicBool,
    held: AtomicBool,
    only_created: AtomicBool,
    last_verb: Mutex<String>,
    /// A 4xx/5xx reply was shown since the last [`Replies::start_command`]: the error line
    /// after it would say the same again.
    shown_failure: AtomicBool,
    /// Verbs whose next reply is not shown ([`Replies::hide_next`]).
    hidden: Mutex<Vec<&'static str>>,
}

impl Replies {
    pub fn new(transcript: Arc<Transcript>, verbose: bool) -> Replies {
        Replies {
            transcript,
            verbose: AtomicBool::new(verbose),
            held: AtomicBool::new(false),
            only_created: AtomicBool::new(false),
            last_verb: Mutex::new(String::new()),
            shown_failure: AtomicBool::new(false),
            hidden: Mutex::new(Vec::new()),
        }
    }

    pub fn verbose(&self) -> bool {
        self.verbose.load(Ordering::Relaxed)
    }

    pub fn set_verbose(&self, on: bool) {
        self.verbose.store(on, Ordering::Relaxed);
    }

    /// Replies are not shown until the guard is dropped (the command prints the reply itself).
    pub fn hold(&self) -> Hold<'_> {
        self.held.store(true, Ordering::Relaxed);
        Hold(&self.held)
    }

    /// Until the guard is dropped, only MKD's positive replies are shown: `mkdir -p` tries every
    /// parent, and the refusals of those that exist are expected, as are its own checks (CWD);
    /// a real failure is the error line, which quotes the server's reply. The transcript still
    /// gets every reply.
    pub fn only_created(&self) -> Hold<'_> {
        self.only_created.store(true, Ordering::Relaxed);
        Hold(&self.only_created)
    }

    /// The next reply to each of `verbs` is not shown: `user` logs in again once it has asked
    /// for what the server wanted, and the replies that led there were shown the first time.
    pub fn hide_next(&self, verbs: &[&'static str]) {
        if let Ok(mut hidden) = self.hidden.lock() {
            *hidden = verbs.to_vec();
        }
    }

    pub fn start_command(&self) {
        if let Ok(mut hidden) = self.hidden.lock() {
            hidden.clear();
        }
        self.shown_failure.store(false, Ordering::Relaxed);
    }

    pub fn shown_failure(&self) -> bool {
        self.shown_failure.load(Ordering::Relaxed)
    }

    fn showing(&self) -> bool {
        self.verbose() && !self.held.load(Ordering::Relaxed) && !self.transcript.debug() && !self.transcript.is_muted()
    }
}

/// Ends a [`Replies::hold`] or [`Replies::only_created`] when dropped.
pub struct Hold<'a>(&'a AtomicBool);

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

impl Observer for Replies {
    fn event(&self, conn: &str, event: &Event<'_>) {
        self.transcript.event(conn, event);
        if !conn.ends_with("control") {
            return;
        }
        match event {
            Event::Sent(cmd) => {
                if let Ok(mut verb) = self.last_verb.lock() {
                    verb.clear();
                    verb.push_str(cmd.verb());
                }
            }
            Event::Received(reply) if self.showing() => {
                let Ok(verb) = self.last_verb.lock().map(|v| v.clone()) else { return };
                if INTERNAL.contains(&verb.as_str()) {
                    return;
                }
                if self.only_created.load(Ordering::Relaxed) && !(verb == "MKD" && reply.is_success()) {
                    return;
                }
                if let Ok(mut hidden) = self.hidden.lock()
                    && let Some(i) = hidden.iter().position(|v| *v == verb)
                {
                    hidden.remove(i);
                    return;
                }
                if reply.is_failure() {
                    self.shown_failure.store(true, Ordering::Relaxed);
                }
                for line in &reply.lines {
                    println!("{}", escape(line));
                }
            }
            Event::Note(text) if self.showing() => {
                if let Some(rest) = text.strip_prefix("connected to ") {
                    let addr = rest.split(" from ").next().unwrap_or(rest);
                    println!("Connected to {addr}.");
                }
            }
            _ => {}
        }
    }
}

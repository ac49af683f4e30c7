//! The operations, each written once and offered by both front ends (the one-shot commands in
//! `oneshot`, the interactive shell in `shell`): listings, downloads, uploads, the file commands,
//! the multi-file loop, the probe; mirror and segmented downloads over a session [`pool`].
//!
//! An operation takes resolved settings (no clap type), a logged-in [`Session`] or a
//! [`SessionSource`] when it may need a new login, and returns a typed outcome or an error with
//! its context ("could not download 'a.txt'"). It prints nothing: lines of a listing go to a
//! callback the front end gives, progress goes through `progress`, and what is worth telling the
//! user on the way is a [`Notice`] to the source. `report` turns outcomes and errors into text,
//! hints and exit codes.
//!
//! A new operation (mirror is next) is one module here in that shape: `oneshot` gives it a
//! [`SessionSource`] over its URL's server, the shell its connection, and `report` prints what
//! it returns.

pub mod file;
pub mod get;
pub mod list;
pub mod mirror;
pub mod multi;
pub mod pool;
pub mod probe;
pub mod put;
pub mod segments;

use anyhow::Result;

use crate::error::AppError;
use crate::ftp::Session;
use crate::progress::ProgressMode;
use crate::{retry, transfer};

/// Where an operation gets its logged-in session: the one-shot commands' pool (one session per
/// server and user) or the shell's connection.
#[allow(async_fn_in_trait)]
pub trait SessionSource {
    /// The session to work on, connected and logged in.
    async fn session(&mut self) -> Result<&mut Session>;
    /// Quits the session and logs in again, as the same user, to the same place.
    async fn relogin(&mut self) -> Result<&mut Session>;
    /// Something the user should know while an operation goes on.
    fn notice(&mut self, notice: Notice);
}

/// What an operation tells the user on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A transfer is tried again, or confirmed after a reconnection (see [`crate::retry`]): the
    /// line to show, also a `retry` event in the transcript.
    Retry(String),
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Retry(line) => f.write_str(line),
        }
    }
}

/// How files move: the type, the progress display, retries and the rate cap.
#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    pub ascii: bool,
    pub progress: ProgressMode,
    pub retry: retry::Policy,
    /// Bytes per second at most (`--limit-rate`).
    pub limit_rate: Option<u64>,
}

impl Transfer {
    /// No retries, no rate cap.
    pub fn new(ascii: bool, progress: ProgressMode) -> Transfer {
        Transfer { ascii, progress, retry: retry::Policy::default(), limit_rate: None }
    }

    /// The transfer layer's options; `resume_with` is the command that resumes it, for the hint.
    fn options(&self, resume_with: Option<String>) -> transfer::Options {
        transfer::Options { ascii: self.ascii, progress: Some(self.progress), limit_rate: self.limit_rate, resume_with }
    }
}

/// Makes `src`'s session usable before an attempt: a new login when `fresh` asks for one or the
/// last one is gone (closed, timed out, out of step).
async fn ready(src: &mut impl SessionSource, fresh: bool) -> Result<()> {
    if fresh || !src.session().await?.is_usable() {
        src.relogin().await?;
    }
    Ok(())
}

/// Where [`retry::run`] says what it does: the source's notices.
fn say(src: &mut impl SessionSource, line: &str) {
    src.notice(Notice::Retry(line.to_owned()));
}

/// Whether `e` is Ctrl-C or SIGTERM, which stops a multi-file command rather than skipping a file.
pub fn is_interrupted(e: &anyhow::Error) -> bool {
    e.chain().any(|c| matches!(c.downcast_ref::<AppError>(), Some(AppError::Interrupted(_))))
}

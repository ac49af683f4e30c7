//! The interactive shell: `ftpx`, `ftpx shell URL`, `ftpx URL`.
//!
//! One loop reads a line (rustyline on a terminal, else the piped script), parses it with the
//! grammar in [`grammar`] and runs it on the one session the shell keeps. It owns:
//! - the connection's life: open, close, a lost connection noticed and reconnection offered
//!   (with the same credentials, modes and directory);
//! - Ctrl-C: at the prompt rustyline clears the line; during a transfer or a listing the
//!   transfer code sends ABOR and keeps the `.part`; during anything else the command is dropped
//!   and, if a reply was pending, the session with it. Then the prompt comes back;
//! - the script's exit status: the first failure's code, like `set -e` (or, with `--keep-going`,
//!   every line runs and the first failure still decides the status).
//!
//! Its files: `grammar` (the commands, a clap multicall definition), `commands` (what each
//! does, through `ops`), `each` (the connection as the operations' session source, and the
//! multi-file questions), `settings` (toggles and `status`), `input`, `complete`, `replies`.
//!
//! It does not own the protocol (`ftp`), what a command does to files (`ops`, shared with the
//! one-shot commands), credentials or the engine config (`options`), or how a failure is shown
//! (`report`).

mod commands;
pub mod complete;
mod each;
pub mod grammar;
mod input;
mod replies;
mod settings;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Result;

use crate::error::{AppError, exit};
use crate::ftp::{self, ModePolicy, Session};
use crate::interrupt;
use crate::options::Options;
use crate::progress::ProgressMode;
use crate::report::{self, Surface};
use crate::target::{Credentials, Target};
use complete::Name;
use grammar::LineError;
use input::{EditorEvent, Input, Read};
use replies::Replies;

const PROMPT: &str = "ftpx> ";

/// How the shell was started.
pub struct Start {
    /// Connect to this first (`ftpx URL`, `ftpx shell URL`).
    pub url: Option<String>,
    /// In a script, run every line even after one failed.
    pub keep_going: bool,
}

/// Runs the shell to its end; the exit status is 0 for an interactive session, the first
/// failure's for a script.
pub async fn run(opts: Options, start: Start) -> Result<u8> {
    let interactive = std::io::stdin().is_terminal();
    let input = if interactive { Input::editor(input::history_path()) } else { Input::piped() };
    let verbose = interactive && !opts.output.quiet;
    let replies = Arc::new(Replies::new(opts.transcript.clone(), verbose));
    let settings = Settings {
        policy: opts.config.modes,
        epsv4: true,
        ascii: false,
        prompt: interactive,
        hash: None,
        retry: crate::retry::Policy::default(),
        bars: opts.output.progress.bars || (interactive && !opts.output.quiet && std::io::stderr().is_terminal()),
    };
    let state = State { opts, replies, conn: Conn::Closed, settings, cache: HashMap::new(), interactive };
    let mut shell = Shell { input, state, keep_going: start.keep_going, first_failure: None };
    if let Some(url) = start.url {
        let open = grammar::Cmd::Open { target: url, port: None };
        if let Some(code) = shell.run_command(open).await {
            return Ok(code);
        }
    }
    let code = shell.main_loop().await;
    shell.state.close().await;
    shell.state.opts.transcript.flush();
    Ok(code)
}

struct Shell {
    input: Input,
    state: State,
    keep_going: bool,
    first_failure: Option<u8>,
}

impl Shell {
    /// Reads and runs lines until bye or the end of input; returns the exit status.
    async fn main_loop(&mut self) -> u8 {
        loop {
            let line = match self.read_line().await {
                Read::Line(line) => line,
                Read::Cleared => continue,
                Read::End => {
                    if self.input.is_interactive() {
                        println!();
                    }
                    // SIGTERM at the prompt, or any signal while a script waited for its next
                    // line: the status says so (143, 130).
                    if interrupt::has_fired() {
                        return interrupt::exit_status();
                    }
                    break;
                }
            };
            let parsed = match grammar::parse(&line) {
                None => continue,
                Some(Ok(parsed)) => parsed,
                Some(Err(e)) => {
                    if !matches!(&e, LineError::Clap(c) if c.kind() == clap::error::ErrorKind::DisplayHelp) {
                        self.input.remember(&line);
                    }
                    if let Some(code) = self.usage_error(e) {
                        return code;
                    }
                    continue;
                }
            };
            if !parsed.command.holds_secret() {
                self.input.remember(&line);
            }
            if let grammar::Cmd::Bye = parsed.command {
                break;
            }
            if let Some(code) = self.run_command(parsed.command).await {
                return code;
            }
        }
        if self.input.is_interactive() { exit::OK } else { self.first_failure.unwrap_or(exit::OK) }
    }

    /// The next line; meanwhile answers the completion helper and notices signals.
    async fn read_line(&mut self) -> Read {
        let Shell { input, state, .. } = self;
        match input {
            Input::Piped(reader) => {
                tokio::select! {
                    read = Input::next_piped(reader) => read,
                    () = interrupt::fired() => Read::End,
                }
            }
            Input::Editor(editor) => {
                editor.start(PROMPT);
                loop {
                    tokio::select! {
                        event = editor.next() => match event {
                            EditorEvent::Line(read) => return read,
                            EditorEvent::Complete(req) => {
                                let names = state.remote_names(&req.dir).await;
                                let _ = req.reply.send(names);
                            }
                        },
                        // A signal at the prompt: not Ctrl-C (rustyline has the terminal in raw
                        // mode) but `kill`. SIGTERM ends the shell; anything else is forgotten.
                        () = interrupt::fired() => {
                            if interrupt::terminated() {
                                return Read::End;
                            }
                            interrupt::reset();
                        }
                    }
                }
            }
        }
    }

    /// Runs one command and reports its failure; `Some(status)` when the shell must end now.
    async fn run_command(&mut self, cmd: grammar::Cmd) -> Option<u8> {
        if interrupt::has_fired() && !interrupt::terminated() {
            interrupt::reset();
        }
        let changes_remote = cmd.changes_remote();
        self.state.replies.start_command();
        let outcome = {
            let Shell { input, state, .. } = self;
            tokio::select! {
                biased;
                r = state.exec(input, cmd) => Some(r),
                () = interrupt::fired_outside_transfer() => None,
            }
        };
        let result = match outcome {
            Some(r) => r,
            None => {
                // Dropped while it waited on the server: a reply may still be on its way, so
                // the session cannot be trusted to be in step.
                self.state.abandon();
                Err(AppError::Interrupted("interrupted".into()).into())
            }
        };
        if changes_remote {
            self.state.cache.clear();
        }
        self.state.check_connection();
        let failure = match result {
            Ok(commands::Flow::Continue) => None,
            Ok(commands::Flow::Exit) => return Some(self.first_failure.unwrap_or(exit::OK)),
            Err(e) => Some(self.state.report(&e)),
        };
        if interrupt::has_fired() {
            if interrupt::terminated() || !self.input.is_interactive() {
                return Some(interrupt::exit_status());
            }
            interrupt::reset();
        }
        let code = failure?;
        self.first_failure.get_or_insert(code);
        if !self.input.is_interactive() && !self.keep_going { Some(code) } else { None }
    }

    /// Shows a usage error or help; `Some(status)` when a script must stop.
    fn usage_error(&mut self, e: LineError) -> Option<u8> {
        match e {
            LineError::Quoting => {
                report::usage("unterminated quote or trailing backslash", self.state.opts.output.color_stderr);
            }
            LineError::Clap(e) => {
                use clap::error::ErrorKind;
                match e.kind() {
                    ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                        let _ = e.print();
                        return None;
                    }
                    // clap's usage line for the whole grammar says nothing useful here.
                    ErrorKind::InvalidSubcommand => {
                        let text = e.render().to_string();
                        let first = text.lines().next().unwrap_or_default();
                        let tip = text.lines().find(|l| l.trim_start().starts_with("tip:")).unwrap_or_default();
                        eprintln!("{first}");
                        if !tip.is_empty() {
                            eprintln!("{tip}");
                        }
                        eprintln!("`help` lists the commands.");
                    }
                    _ => {
                        let _ = e.print();
                    }
                }
            }
        }
        self.first_failure.get_or_insert(exit::USAGE);
        (!self.input.is_interactive() && !self.keep_going).then_some(exit::USAGE)
    }
}

/// `ftp://user@host:port/`, without a password or path.
fn place_name(t: &Target) -> String {
    let mut shown = t.clone();
    shown.password = None;
    shown.path.clear();
    shown.to_string()
}

/// The toggles and modes a user can change.
struct Settings {
    policy: ModePolicy,
    epsv4: bool,
    ascii: bool,
    prompt: bool,
    hash: Option<u64>,
    bars: bool,
    /// `retry N [DELAY]`: how get, put, mget, mput and mirror (without --retry) try again.
    retry: crate::retry::Policy,
}

/// Where the session is, or was: enough to reconnect.
struct Place {
    target: Target,
    creds: Credentials,
    /// The remote directory, from PWD after login and after each cd.
    cwd: Option<Vec<u8>>,
}

enum Conn {
    Closed,
    Up { session: Box<Session>, place: Place },
    Lost(Place),
}

struct State {
    opts: Options,
    replies: Arc<Replies>,
    conn: Conn,
    settings: Settings,
    /// Remote listings for tab completion, by directory as typed; dropped after any command
    /// that may change them.
    cache: HashMap<String, Vec<Name>>,
    interactive: bool,
}

impl State {
    /// Prints a failure through the one reporting path (no error line when the server's reply
    /// already said it), and returns its exit code.
    fn report(&self, e: &anyhow::Error) -> u8 {
        let surface = Surface::Shell { reply_shown: self.replies.shown_failure() };
        report::failure(e, surface, self.opts.output.color_stderr)
    }

    fn progress(&self) -> ProgressMode {
        let quiet = self.opts.output.quiet;
        ProgressMode {
            quiet,
            bars: self.settings.bars && !quiet && !self.opts.transcript.debug() && std::io::stderr().is_terminal(),
            hash: self.settings.hash,
        }
    }

    /// The output style of the runners that report for themselves (mirror, get --segments):
    /// the command line's, with the progress display the shell's settings give now.
    fn output(&self) -> crate::options::Output {
        crate::options::Output { progress: self.progress(), ..self.opts.output }
    }

    /// The engine config for a session to `target`: the command line's (timeouts, TLS, the PASV
    /// address policy, active address and ports) with the data-connection modes the shell has
    /// now (`mode`, `passive`, `epsv4`). The one source for the shell's own session (open,
    /// reconnect) and every session a pool opens from the shell (mirror, get --segments).
    fn session_config(&self, target: &Target) -> Result<Arc<ftp::Config>> {
        let base = self.opts.session_config(target)?;
        let (modes, extended_on_ipv4) = (self.settings.policy, self.settings.epsv4);
        Ok(Arc::new(ftp::Config { modes, extended_on_ipv4, ..(*base).clone() }))
    }

    /// The shell's modes on the session it has, after `mode`, `passive` or `epsv4`.
    fn apply_modes(&mut self) {
        if let Conn::Up { session, .. } = &mut self.conn {
            session.set_modes(self.settings.policy, self.settings.epsv4);
        }
    }

    /// The logged-in session: notices a connection the server closed while idle, and offers to
    /// reconnect a lost one.
    async fn session(&mut self, input: &mut Input) -> Result<&mut Session> {
        if let Conn::Up { session, .. } = &mut self.conn
            && let Err(e) = session.check_idle().await
        {
            self.lose(&e.to_string(), false);
        }
        if let Conn::Lost(place) = &self.conn {
            let shown = place_name(&place.target);
            let question = format!("Not connected: the connection to {shown} was lost. Reconnect? [Y/n] ");
            let yes = match input.ask(&question).await {
                Some(answer) => !answer.trim().to_ascii_lowercase().starts_with('n'),
                None => false,
            };
            if !yes {
                return Err(AppError::NotConnected(format!(
                    "not connected: the connection to {shown} was lost (`open` connects again)"
                ))
                .into());
            }
            self.reconnect().await?;
        }
        match &mut self.conn {
            Conn::Up { session, .. } => Ok(session),
            _ => Err(AppError::NotConnected("not connected: `open HOST` first".into()).into()),
        }
    }

    /// The session, if connected, without checks or questions (for toggles and status).
    fn current(&mut self) -> Option<&mut Session> {
        match &mut self.conn {
            Conn::Up { session, .. } => Some(session),
            _ => None,
        }
    }

    /// Moves a session that has become unusable to `Lost`, and says so.
    fn check_connection(&mut self) {
        if let Conn::Up { session, .. } = &self.conn
            && !session.is_usable()
        {
            self.lose("the control connection is unusable after the error above", true);
        }
    }

    /// `later`: the loss is noticed after a command, so say what the next one will do.
    fn lose(&mut self, why: &str, later: bool) {
        if let Conn::Up { place, .. } = std::mem::replace(&mut self.conn, Conn::Closed) {
            let next = match (later, self.interactive) {
                (true, true) => "; the next command offers to reconnect",
                (true, false) => "; `open` connects again",
                (false, _) => "",
            };
            eprintln!("ftpx: the connection to {} was lost ({why}){next}", place_name(&place.target));
            self.conn = Conn::Lost(place);
        }
    }

    /// Drops a session whose command was interrupted while a reply was pending.
    fn abandon(&mut self) {
        if let Conn::Up { place, .. } = std::mem::replace(&mut self.conn, Conn::Closed) {
            eprintln!(
                "ftpx: the connection to {} was closed: the interrupted command's reply was still due",
                place_name(&place.target)
            );
            self.conn = Conn::Lost(place);
        }
    }

    async fn reconnect(&mut self) -> Result<()> {
        let Conn::Lost(place) = std::mem::replace(&mut self.conn, Conn::Closed) else { return Ok(()) };
        let observer: Arc<dyn ftp::Observer> = self.replies.clone();
        let result = match self.session_config(&place.target) {
            Ok(config) => self.opts.login(&place.target, &place.creds, config, "", observer).await,
            Err(e) => Err(e),
        };
        let mut session = match result {
            Ok(s) => s,
            Err(e) => {
                self.conn = Conn::Lost(place);
                return Err(e);
            }
        };
        if let Some(cwd) = &place.cwd {
            let back = session.command(&ftp::Command::path("CWD", cwd)?).await?;
            if !back.is_success() {
                eprintln!("ftpx: could not return to {}: {back}", crate::text::escape(cwd));
            }
        }
        self.conn = Conn::Up { session: Box::new(session), place };
        Ok(())
    }

    /// Quits the session and logs in again to the same place: the same user, directory and
    /// settings (for an upload whose TLS data session could not resume).
    async fn relogin(&mut self) -> Result<&mut Session> {
        if let Conn::Up { session, place } = std::mem::replace(&mut self.conn, Conn::Closed) {
            session.quit().await;
            self.conn = Conn::Lost(place);
        }
        self.reconnect().await?;
        let not_connected = || AppError::NotConnected("not connected: `open HOST` first".into());
        Ok(self.current().ok_or_else(not_connected)?)
    }

    async fn close(&mut self) {
        if let Conn::Up { session, .. } = std::mem::replace(&mut self.conn, Conn::Closed) {
            session.quit().await;
        }
    }

    /// Names in a remote directory for tab completion, from the cache or a quiet listing.
    async fn remote_names(&mut self, dir: &str) -> Vec<Name> {
        if let Some(names) = self.cache.get(dir) {
            return names.clone();
        }
        let Conn::Up { session, .. } = &mut self.conn else { return Vec::new() };
        if !session.is_usable() {
            return Vec::new();
        }
        // Nothing may reach the terminal while rustyline owns the line being edited.
        let was_muted = self.opts.transcript.set_muted(true);
        let entries = crate::ops::list::remote_entries(session, dir.as_bytes()).await;
        self.opts.transcript.set_muted(was_muted);
        let names: Vec<Name> = entries
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| {
                let dir = e.kind == ftp::list::Kind::Dir;
                String::from_utf8(e.name).ok().map(|name| Name { name, dir })
            })
            .collect();
        self.cache.insert(dir.to_owned(), names.clone());
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_lives_in_the_data_directory() {
        // Only the shape: the variables belong to the process and other tests.
        if let Some(p) = input::history_path() {
            assert!(p.ends_with("ftpx/history"));
        }
    }

    #[test]
    fn places_never_show_a_password() {
        let t = Target::parse("ftp://bob:secret@h:2121/pub/").unwrap();
        assert_eq!(place_name(&t), "ftp://bob@h:2121/");
    }
}

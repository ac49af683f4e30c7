//! The shell's side of the operations: its connection as their session source, and the
//! questions and failure reports of the multi-file loop (mget, mput, mdelete).

use anyhow::Result;

use super::State;
use super::input::Input;
use crate::error::AppError;
use crate::ftp::Session;
use crate::ops::multi::Each;
use crate::ops::{Notice, SessionSource};
use crate::report;
use crate::text::escape;

/// An answer to "mget NAME [anpqy?]?".
enum Answer {
    Yes,
    No,
    /// Yes to the rest of this command.
    All,
    /// Yes to the rest, and `prompt` off from now on.
    PromptOff,
    Quit,
}

/// Per-file confirmation for mget, mput and mdelete, while `prompt` is on.
pub(super) struct Prompter {
    ask: bool,
    /// `p` was answered: `prompt` goes off when the command ends.
    pub(super) prompt_off: bool,
}

impl Prompter {
    fn new(ask: bool) -> Prompter {
        Prompter { ask, prompt_off: false }
    }

    /// Whether to go on with `name`: yes, skip it (`Some(false)`), or stop the command (`None`).
    async fn ask(&mut self, input: &mut Input, verb: &str, name: &[u8]) -> Option<bool> {
        if !self.ask {
            return Some(true);
        }
        match confirm(input, verb, name).await {
            Answer::Yes => Some(true),
            Answer::No => Some(false),
            Answer::All => {
                self.ask = false;
                Some(true)
            }
            Answer::PromptOff => {
                self.ask = false;
                self.prompt_off = true;
                Some(true)
            }
            Answer::Quit => None,
        }
    }
}

/// The shell's connection as the operations' session source, and the shell's part in the
/// multi-file loop (the questions, and each failure shown as it happens).
pub(super) struct Here<'a> {
    state: &'a mut State,
    input: &'a mut Input,
    pub(super) prompter: Prompter,
    /// The connection was checked (and a lost one offered again) at the command's start.
    checked: bool,
}

impl<'a> Here<'a> {
    pub(super) fn new(state: &'a mut State, input: &'a mut Input) -> Here<'a> {
        let prompter = Prompter::new(state.settings.prompt);
        Here { state, input, prompter, checked: false }
    }
}

impl SessionSource for Here<'_> {
    async fn session(&mut self) -> Result<&mut Session> {
        if !self.checked {
            self.checked = true;
            return self.state.session(self.input).await;
        }
        let not_connected = || AppError::NotConnected("not connected: `open HOST` first".into());
        Ok(self.state.current().ok_or_else(not_connected)?)
    }

    async fn relogin(&mut self) -> Result<&mut Session> {
        self.state.relogin().await
    }

    fn notice(&mut self, notice: Notice) {
        report::notice(notice, &self.state.opts.transcript);
    }
}

impl Each for Here<'_> {
    async fn confirm(&mut self, verb: &str, name: &[u8]) -> Option<bool> {
        self.prompter.ask(self.input, verb, name).await
    }

    fn failed(&mut self, e: &anyhow::Error) -> u8 {
        self.state.report(e)
    }
}

/// tnftp's question: y(es), n(o), a(ll), p (prompting off: all), q(uit); Enter is yes.
async fn confirm(input: &mut Input, verb: &str, name: &[u8]) -> Answer {
    loop {
        let Some(answer) = input.ask(&format!("{verb} {} [anpqy?]? ", escape(name))).await else {
            // Nobody to ask (a script): as if prompting were off. Ctrl-C or Ctrl-D: stop.
            return if input.is_interactive() { Answer::Quit } else { Answer::All };
        };
        match answer.trim().to_ascii_lowercase().chars().next() {
            None | Some('y') => return Answer::Yes,
            Some('n') => return Answer::No,
            Some('a') => return Answer::All,
            Some('p') => return Answer::PromptOff,
            Some('q') => return Answer::Quit,
            _ => println!("a: answer yes to all; n: skip this one; p: stop asking; q: stop; y: yes"),
        }
    }
}

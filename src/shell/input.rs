//! Where the shell's lines come from: rustyline on a terminal, or stdin read as a script.
//!
//! rustyline blocks, so on a terminal it runs on its own thread with the history and the
//! completion helper. The shell's task asks it for a line and, while waiting, answers the
//! helper's requests for remote listings (the session stays on the shell's task). A piped stdin
//! is read line by line: no prompt, no history, no completion.

use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;
use std::thread;

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{Editor, history::History};
use tokio::sync::mpsc;

use super::complete::{ListRequest, ShellHelper};

/// What reading a line gave.
pub enum Read {
    Line(String),
    /// Ctrl-C at the prompt: the line is dropped.
    Cleared,
    /// Ctrl-D or the end of the script.
    End,
}

/// One thing from the editor thread.
pub enum EditorEvent {
    Line(Read),
    Complete(ListRequest),
}

enum Request {
    Read(String),
    History(String),
}

pub enum Input {
    Editor(EditorInput),
    /// Lines read from stdin on a thread of their own: a read blocked on a pipe that stays open
    /// must not keep the process from exiting (tokio's blocking pool would be waited for).
    Piped(mpsc::Receiver<String>),
}

pub struct EditorInput {
    requests: std_mpsc::Sender<Request>,
    lines: mpsc::UnboundedReceiver<Read>,
    completions: mpsc::UnboundedReceiver<ListRequest>,
}

impl Input {
    pub fn piped() -> Input {
        let (tx, rx) = mpsc::channel(16);
        thread::Builder::new()
            .name("ftpx-script".into())
            .spawn(move || {
                use std::io::BufRead;
                let mut stdin = std::io::stdin().lock();
                let mut buf = Vec::new();
                loop {
                    buf.clear();
                    match stdin.read_until(b'\n', &mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {
                            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                                buf.pop();
                            }
                            if tx.blocking_send(String::from_utf8_lossy(&buf).into_owned()).is_err() {
                                break;
                            }
                        }
                    }
                }
            })
            .expect("spawn the script reader thread");
        Input::Piped(rx)
    }

    /// Starts rustyline on its own thread, with the history file (if any).
    pub fn editor(history: Option<PathBuf>) -> Input {
        let (requests, requests_rx) = std_mpsc::channel();
        let (lines_tx, lines) = mpsc::unbounded_channel();
        let (complete_tx, completions) = mpsc::unbounded_channel();
        let helper = ShellHelper::new(complete_tx);
        thread::Builder::new()
            .name("ftpx-editor".into())
            .spawn(move || editor_thread(helper, history, requests_rx, lines_tx))
            .expect("spawn the line-editor thread");
        Input::Editor(EditorInput { requests, lines, completions })
    }

    pub fn is_interactive(&self) -> bool {
        matches!(self, Input::Editor(_))
    }

    /// Adds a line to the history (never one that holds a password: the caller decides).
    pub fn remember(&self, line: &str) {
        if let Input::Editor(e) = self {
            let _ = e.requests.send(Request::History(line.to_owned()));
        }
    }

    /// Asks a question and returns the answer; `None` when there is nobody to ask (a script)
    /// or the user pressed Ctrl-C or Ctrl-D. Tab completes nothing here.
    pub async fn ask(&mut self, question: &str) -> Option<String> {
        let Input::Editor(e) = self else { return None };
        e.start(question);
        loop {
            match e.next().await {
                EditorEvent::Line(Read::Line(answer)) => return Some(answer),
                EditorEvent::Line(_) => return None,
                EditorEvent::Complete(req) => {
                    let _ = req.reply.send(Vec::new());
                }
            }
        }
    }

    /// The next script line, for piped input.
    pub async fn next_piped(lines: &mut mpsc::Receiver<String>) -> Read {
        match lines.recv().await {
            Some(line) => Read::Line(line),
            None => Read::End,
        }
    }
}

impl EditorInput {
    /// Shows `prompt` and starts reading a line.
    pub fn start(&self, prompt: &str) {
        let _ = self.requests.send(Request::Read(prompt.to_owned()));
    }

    /// The line, or a completion request to answer first. Cancel-safe.
    pub async fn next(&mut self) -> EditorEvent {
        tokio::select! {
            line = self.lines.recv() => EditorEvent::Line(line.unwrap_or(Read::End)),
            Some(req) = self.completions.recv() => EditorEvent::Complete(req),
        }
    }
}

fn editor_thread(
    helper: ShellHelper,
    history: Option<PathBuf>,
    requests: std_mpsc::Receiver<Request>,
    lines: mpsc::UnboundedSender<Read>,
) {
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .history_ignore_space(true)
        .max_history_size(2000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.build())
        .unwrap_or_default();
    let mut editor: Editor<ShellHelper, FileHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("ftpx: error: cannot start the line editor: {e}");
            let _ = lines.send(Read::End);
            return;
        }
    };
    editor.set_helper(Some(helper));
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    for request in requests {
        match request {
            Request::Read(prompt) => {
                let read = match editor.readline(&prompt) {
                    Ok(line) => Read::Line(line),
                    Err(ReadlineError::Interrupted) => Read::Cleared,
                    Err(ReadlineError::Eof) => Read::End,
                    Err(e) => {
                        eprintln!("ftpx: error: reading the command line: {e}");
                        Read::End
                    }
                };
                if lines.send(read).is_err() {
                    break;
                }
            }
            Request::History(line) => {
                if editor.add_history_entry(line).unwrap_or(false)
                    && let Some(path) = &history
                {
                    save_history(editor.history_mut(), path);
                }
            }
        }
    }
}

/// Appends the new entries to the history file, creating its directory (owner-only) first.
fn save_history(history: &mut FileHistory, path: &std::path::Path) {
    if let Some(dir) = path.parent()
        && !dir.exists()
    {
        use std::os::unix::fs::DirBuilderExt;
        let _ = std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir);
    }
    let _ = history.append(path);
}

/// `$XDG_DATA_HOME/ftpx/history`, else `~/.local/share/ftpx/history`.
pub fn history_path() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").filter(|v| !v.is_empty())?).join(".local/share"),
    };
    Some(base.join("ftpx").join("history"))
}

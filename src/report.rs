//! The one reporting path: operation outcomes and errors -> what the user sees. The error line,
//! its hint and its exit code come from here for the one-shot commands, the shell and piped
//! scripts alike; the map from an error to its code and hint is `error`'s, the words and colors
//! are here. Also the listing writers (raw lines, JSON) and the probe's report.
//!
//! Colors are decided once, in `options`; nothing here looks at a terminal for colors itself.

pub mod bulk;

use std::io::{self, Write};
use std::time::Instant;

use anyhow::Result;
use colored::Colorize;

use crate::error::{self, exit};
use crate::ftp::{self, list::Entry};
use crate::ops::Notice;
use crate::ops::list::Parsed;
use crate::ops::probe::Probed;
use crate::options::Output;
use crate::probe;
use crate::retry;
use crate::text::escape;
use crate::transcript::Transcript;
use crate::transfer::Transferred;

/// A failure already shown to the user (each file's error in an mget, say): only its exit status
/// is left to count.
#[derive(Debug, thiserror::Error)]
#[error("failed (exit status {0})")]
pub struct Reported(pub u8);

/// Where a failure happened, which decides how a hint names the next step.
#[derive(Debug, Clone, Copy)]
pub enum Surface<'a> {
    /// A one-shot command; `probe` is the runnable `ftpx probe ...` for its server, once known.
    OneShot { probe: Option<&'a str> },
    /// The interactive shell or a piped script: hints name the shell's commands.
    Shell {
        /// The server's failure reply is already on the screen (verbose): no error line repeats it.
        reply_shown: bool,
    },
}

/// Prints `err` as one error line and, where one is known, a hint; returns the exit code.
/// A broken pipe on our own output (`ftpx ls | head`) is success, and says nothing.
pub fn failure(err: &anyhow::Error, surface: Surface<'_>, color: bool) -> u8 {
    if let Some(Reported(code)) = err.downcast_ref::<Reported>() {
        return *code;
    }
    if error::is_broken_pipe(err) {
        return exit::OK;
    }
    let (hint, reply_shown) = match surface {
        Surface::OneShot { probe } => (error::hint(err, probe), false),
        Surface::Shell { reply_shown } => (error::shell_hint(err), reply_shown),
    };
    let refused = err.chain().any(|c| matches!(c.downcast_ref(), Some(ftp::Error::Refused { .. })));
    if !(reply_shown && refused) {
        eprintln!("{} {err:#}", paint("ftpx: error:", color, |s| s.red().bold()));
    }
    if let Some(h) = hint {
        eprintln!("{} {h}", paint("ftpx: hint:", color, |s| s.yellow()));
    }
    error::exit_code(err)
}

/// A usage error found before anything ran (the shell's unterminated quote).
pub fn usage(text: &str, color: bool) -> u8 {
    eprintln!("{} {text}", paint("ftpx: error:", color, |s| s.red().bold()));
    exit::USAGE
}

/// What an operation tells the user on the way: a line on stderr, and a retry is also a `retry`
/// event in the transcript (the same for the one-shot commands, the shell, mirror and segments).
pub fn notice(notice: Notice, transcript: &Transcript) {
    let Notice::Retry(line) = &notice;
    retry_event(transcript, line);
    eprintln!("ftpx: {notice}");
}

/// A retry line as a `retry` event in the transcript (`--debug`, `--trace`).
pub fn retry_event(transcript: &Transcript, line: &str) {
    ftp::Observer::event(transcript, "retry", &ftp::Event::Note(line));
}

/// A warning that does not stop the command.
pub fn warning(text: &str) {
    eprintln!("ftpx: warning: {text}");
}

fn paint(text: &str, color: bool, style: impl Fn(&str) -> colored::ColoredString) -> String {
    if color { style(text).to_string() } else { text.to_owned() }
}

/// A reply that is the output (quote and its relatives), on stdout.
pub fn reply(reply: &ftp::Reply) {
    println!("{reply}");
}

/// One listing line: escaped on a terminal (a name could hold an escape sequence that rewrites the
/// screen), the server's exact bytes otherwise, so a name that is not UTF-8 survives a pipe.
pub fn listing_line(out: &mut impl Write, line: &[u8], terminal: bool) -> io::Result<()> {
    if terminal {
        writeln!(out, "{}", escape(line))
    } else {
        out.write_all(line)?;
        out.write_all(b"\n")
    }
}

/// Streams entries as a JSON array, one object per line ([`Entry::to_json`]: the server's exact
/// name, RFC 3339 times).
pub struct JsonList<W: Write> {
    out: W,
    count: usize,
}

impl<W: Write> JsonList<W> {
    pub fn new(out: W) -> JsonList<W> {
        JsonList { out, count: 0 }
    }

    pub fn push(&mut self, e: &Entry) -> Result<()> {
        self.out.write_all(if self.count == 0 { b"[\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut self.out, &e.to_json())?;
        self.count += 1;
        Ok(())
    }

    /// Closes the array; lines that were left out get a warning, since leaving them out
    /// without a word would pass a partial listing for a whole one.
    pub fn finish(mut self, parsed: &Parsed) -> Result<()> {
        self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()?;
        if parsed.unparsed > 0 {
            let instead = if parsed.from_nlst { "; the names are from NLST, of unknown type" } else { "" };
            let first = parsed.first_unparsed.as_deref().map(|l| format!("; the first: '{}'", escape(l)));
            warning(&format!(
                "{} listing lines could not be parsed and are left out (ftpx ls without --json shows them){instead}{}",
                parsed.unparsed,
                first.unwrap_or_default()
            ));
        }
        Ok(())
    }
}

/// `--json` for get and put: one object when the command ends, with a line for each file so far.
pub struct JsonReport {
    enabled: bool,
    command: &'static str,
    files: Vec<serde_json::Value>,
}

impl JsonReport {
    pub fn new(enabled: bool, command: &'static str) -> JsonReport {
        JsonReport { enabled, command, files: Vec::new() }
    }

    /// Adds one file's outcome; a failure ends the command, so the object is printed then.
    pub fn record(
        &mut self,
        remote: &str,
        local: &str,
        started: Instant,
        result: Result<retry::Done<Transferred>>,
    ) -> Result<retry::Done<Transferred>> {
        if !self.enabled {
            return result;
        }
        let seconds = started.elapsed().as_secs_f64();
        let file = match &result {
            Ok(done) => {
                let t = &done.value;
                serde_json::json!({
                    "remote": remote,
                    "local": local,
                    "outcome": if t.mode.is_some() { "complete" } else { "already-complete" },
                    "bytes": t.bytes,
                    "size": t.from + t.bytes,
                    "resumed_from": t.from,
                    "seconds": seconds,
                    "bytes_per_second": if seconds > 0.0 { (t.bytes as f64 / seconds).round() } else { 0.0 },
                    "mode": t.mode.map(|m| m.name()),
                    "fallbacks": t.fallbacks.iter().map(|m| m.name()).collect::<Vec<_>>(),
                    "retries": done.retries,
                    "error": null,
                })
            }
            Err(e) => serde_json::json!({
                "remote": remote,
                "local": local,
                "outcome": "failed",
                "seconds": seconds,
                "retries": retry::retries_of(e),
                "exit_code": crate::error::exit_code(e),
                "error": format!("{e:#}"),
            }),
        };
        self.files.push(file);
        if let Err(e) = &result {
            self.finish(crate::error::exit_code(e));
        }
        result
    }

    pub fn finish(&self, exit_code: u8) {
        if self.enabled {
            let object = serde_json::json!({ "command": self.command, "exit_code": exit_code, "files": self.files });
            println!("{object}");
        }
    }
}

/// The probe's report (or JSON) on stdout; returns the exit status: whether a mode works.
pub fn probe(probed: &Probed, json: bool, output: &Output) -> Result<u8> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let (obs, diag) = (&probed.observations, &probed.diagnosis);
    if json {
        serde_json::to_writer_pretty(&mut out, &probe::render::json(obs, diag))?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(probe::render::terminal(obs, diag, output.color_stdout, output.width).as_bytes())?;
    }
    out.flush()?;
    Ok(if probed.found_a_mode() { exit::OK } else { exit::PROBE_NOTHING_WORKS })
}

//! The `-d` transcript on stderr, the `--trace FILE` transcript, and the one-line fallback notice:
//! the application's [`Observer`].
//!
//! `-d` uses the classic client's arrows (`---> USER alice`, `<--- 331 ...`) and `*** ` for
//! connection events; `--trace` writes the same with milliseconds since start and the
//! connection's name on every line.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use crate::ftp::{Event, Observer};
use crate::text::escape;

pub struct Transcript {
    debug: bool,
    trace: Option<Mutex<BufWriter<File>>>,
    start: Instant,
}

impl Transcript {
    pub fn new(debug: bool, trace: Option<&Path>) -> io::Result<Transcript> {
        let trace = match trace {
            Some(p) => Some(Mutex::new(BufWriter::new(File::create(p)?))),
            None => None,
        };
        Ok(Transcript { debug, trace, start: Instant::now() })
    }

    /// Writes the buffered trace out; called before exit.
    pub fn flush(&self) {
        if let Some(t) = &self.trace {
            let _ = t.lock().map(|mut w| w.flush());
        }
    }

    /// The lines an event becomes, without connection names: `(arrow, text)`.
    fn lines(event: &Event<'_>) -> Vec<(&'static str, String)> {
        match event {
            Event::Sent(cmd) => vec![("--->", cmd.to_string())],
            Event::Received(reply) => reply.lines.iter().map(|l| ("<---", escape(l))).collect(),
            Event::Note(text) => vec![("***", (*text).to_owned())],
            Event::Fallback { from, to, reason } => {
                vec![("***", format!("{from} failed ({reason}); falling back to {to}"))]
            }
        }
    }
}

impl Observer for Transcript {
    fn event(&self, conn: &str, event: &Event<'_>) {
        if let Event::Fallback { from, to, reason } = event {
            // Said on stderr even without -d: the user should know the session changed mode.
            eprintln!("ftpx: {from} failed ({reason}); falling back to {to}");
        }
        let lines = Transcript::lines(event);
        if self.debug && !matches!(event, Event::Fallback { .. }) {
            // The probe labels its sessions ("EPSV control"): keep the label on -d lines.
            let label = conn.rsplit_once(' ').map(|(l, _)| format!("[{l}] ")).unwrap_or_default();
            let data =
                conn.rsplit(' ').next().filter(|c| c.starts_with("data")).map(|c| format!("{c}: ")).unwrap_or_default();
            let mut err = io::stderr().lock();
            for (arrow, text) in &lines {
                let _ = if *arrow == "***" {
                    writeln!(err, "{label}{arrow} {data}{text}")
                } else {
                    writeln!(err, "{label}{arrow} {text}")
                };
            }
        }
        if let Some(trace) = &self.trace {
            let ms = self.start.elapsed().as_millis();
            if let Ok(mut w) = trace.lock() {
                for (arrow, text) in &lines {
                    let _ = writeln!(w, "{ms:>8} {conn:<14} {arrow} {text}");
                }
            }
        }
    }
}

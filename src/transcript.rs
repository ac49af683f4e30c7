//! The `-d` transcript on stderr, the `--trace FILE` transcript, and the one-line fallback notice:
//! the application's [`Observer`].
//!
//! `-d` uses the classic client's arrows (`---> USER alice`, `<--- 331 ...`) and `*** ` for
//! connection events; `--trace` writes the same with milliseconds since start and the
//! connection's name on every line.
//!
//! The interactive shell turns `-d` on and off (`debug`), starts and stops the trace (`trace
//! FILE|off`) and mutes the terminal while it lists a directory for tab completion, so all three
//! can change while sessions run.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::explain::Explainer;
use crate::ftp::{Event, Observer};
use crate::text::escape;

pub struct Transcript {
    debug: AtomicBool,
    /// `--explain`: notes under the lines that carry addresses and the replies that matter.
    explain: AtomicBool,
    explainer: Explainer,
    /// Nothing on the terminal (the trace file still gets everything).
    muted: AtomicBool,
    trace: Mutex<Option<BufWriter<File>>>,
    start: Instant,
}

impl Transcript {
    pub fn new(debug: bool, trace: Option<&Path>) -> io::Result<Transcript> {
        let trace = match trace {
            Some(p) => Some(BufWriter::new(File::create(p)?)),
            None => None,
        };
        Ok(Transcript {
            debug: AtomicBool::new(debug),
            explain: AtomicBool::new(false),
            explainer: Explainer::default(),
            muted: AtomicBool::new(false),
            trace: Mutex::new(trace),
            start: Instant::now(),
        })
    }

    /// Writes the buffered trace out; called before exit.
    pub fn flush(&self) {
        if let Ok(mut t) = self.trace.lock()
            && let Some(w) = t.as_mut()
        {
            let _ = w.flush();
        }
    }

    pub fn debug(&self) -> bool {
        self.debug.load(Ordering::Relaxed)
    }

    pub fn set_debug(&self, on: bool) {
        self.debug.store(on, Ordering::Relaxed);
    }

    pub fn explain(&self) -> bool {
        self.explain.load(Ordering::Relaxed)
    }

    /// Turns the `--explain` notes on or off (they show where the transcript does).
    pub fn set_explain(&self, on: bool) {
        self.explain.store(on, Ordering::Relaxed);
    }

    /// Sends nothing to the terminal while `on`; returns the previous setting.
    pub fn set_muted(&self, on: bool) -> bool {
        self.muted.swap(on, Ordering::Relaxed)
    }

    pub fn is_muted(&self) -> bool {
        self.muted.load(Ordering::Relaxed)
    }

    /// Starts writing the trace to `path` (a new file), or stops it with `None`; the trace
    /// written so far is flushed and closed either way.
    pub fn set_trace(&self, path: Option<&Path>) -> io::Result<()> {
        let next = match path {
            Some(p) => Some(BufWriter::new(File::create(p)?)),
            None => None,
        };
        if let Ok(mut t) = self.trace.lock() {
            if let Some(w) = t.as_mut() {
                let _ = w.flush();
            }
            *t = next;
        }
        Ok(())
    }

    pub fn is_tracing(&self) -> bool {
        self.trace.lock().is_ok_and(|t| t.is_some())
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
        let muted = self.is_muted();
        if let Event::Fallback { from, to, reason } = event
            && !muted
        {
            // Said on stderr even without -d: the user should know the session changed mode.
            eprintln!("ftpx: {from} failed ({reason}); falling back to {to}");
        }
        let mut lines = Transcript::lines(event);
        if self.explain() {
            // Right after the line they explain, marked so they are never taken for the wire.
            lines.extend(self.explainer.notes(conn, event).into_iter().map(|n| ("    ^", n)));
        }
        if self.debug() && !muted {
            // The probe labels its sessions ("EPSV control"): keep the label on -d lines.
            let label = conn.rsplit_once(' ').map(|(l, _)| format!("[{l}] ")).unwrap_or_default();
            let data =
                conn.rsplit(' ').next().filter(|c| c.starts_with("data")).map(|c| format!("{c}: ")).unwrap_or_default();
            let mut err = io::stderr().lock();
            // A fallback was said on stderr above; only its explanation goes here.
            let fallback = matches!(event, Event::Fallback { .. });
            for (arrow, text) in lines.iter().filter(|(a, _)| !(fallback && *a == "***")) {
                let _ = if *arrow == "***" {
                    writeln!(err, "{label}{arrow} {data}{text}")
                } else {
                    writeln!(err, "{label}{arrow} {text}")
                };
            }
        }
        if let Ok(mut trace) = self.trace.lock()
            && let Some(w) = trace.as_mut()
        {
            let ms = self.start.elapsed().as_millis();
            for (arrow, text) in &lines {
                let _ = writeln!(w, "{ms:>8} {conn:<14} {arrow} {text}");
            }
        }
    }
}

//! Transfer progress: an indicatif bar on a terminal, a one-line summary otherwise, nothing
//! with `-q`; or, when the shell's `hash` is on, a `#` on stderr for every block moved, as the
//! classic client does.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone, Copy)]
pub struct ProgressMode {
    pub quiet: bool,
    /// Bars are drawn only on a terminal, and not while `-d` writes to the same stderr.
    pub bars: bool,
    /// A `#` for every this many bytes, instead of a bar (the shell's `hash`).
    pub hash: Option<u64>,
}

impl ProgressMode {
    pub fn new(quiet: bool, debug: bool) -> ProgressMode {
        ProgressMode { quiet, bars: !quiet && !debug && std::io::stderr().is_terminal(), hash: None }
    }
}

pub struct Progress {
    bar: Option<ProgressBar>,
    mode: ProgressMode,
    verb: &'static str,
    name: String,
    start: Instant,
    /// Bytes already marked with `#` (hash mode).
    hashed: AtomicU64,
    /// Some `#` is on the screen, so a newline must end the line.
    marked: AtomicBool,
}

impl Progress {
    /// `verb` is "got" or "put"; `total` the expected bytes when known.
    pub fn start(mode: ProgressMode, verb: &'static str, name: String, total: Option<u64>, already: u64) -> Progress {
        let bar = (mode.bars && mode.hash.is_none()).then(|| {
            let bar = match total {
                Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr()).with_style(
                    ProgressStyle::with_template(
                        "{msg} {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
                    )
                    .expect("valid template"),
                ),
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
                    ProgressStyle::with_template("{spinner} {msg} {bytes} {binary_bytes_per_sec}")
                        .expect("valid template"),
                ),
            };
            bar.set_message(name.clone());
            bar.set_position(already);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            mode,
            verb,
            name,
            start: Instant::now(),
            hashed: AtomicU64::new(already),
            marked: AtomicBool::new(false),
        }
    }

    pub fn set(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
        }
        if let Some(block) = self.mode.hash.filter(|_| !self.mode.quiet) {
            let done = self.hashed.load(Ordering::Relaxed);
            let marks = (bytes / block).saturating_sub(done / block);
            if marks > 0 {
                self.hashed.store(bytes, Ordering::Relaxed);
                self.marked.store(true, Ordering::Relaxed);
                let mut err = std::io::stderr().lock();
                let _ = err.write_all("#".repeat(marks.min(1 << 20) as usize).as_bytes());
                let _ = err.flush();
            }
        }
    }

    /// A line on stderr above the bar (after the hash marks' line), not through it.
    pub fn println(&self, line: &str) {
        self.end_hash_line();
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Takes the bar off the screen before the transfer's last reply is shown; the summary
    /// still comes with [`Progress::finish`].
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.end_hash_line();
    }

    fn end_hash_line(&self) {
        if self.marked.swap(false, Ordering::Relaxed) {
            eprintln!();
        }
    }

    /// Clears the bar and prints the summary line (unless quiet).
    pub fn finish(self, bytes: u64) {
        self.clear();
        if !self.mode.quiet {
            let secs = self.start.elapsed().as_secs_f64();
            let rate = if secs > 0.0 { bytes as f64 / secs / 1e6 } else { 0.0 };
            eprintln!("ftpx: {} {}: {bytes} bytes in {secs:.2} s ({rate:.1} MB/s)", self.verb, self.name);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

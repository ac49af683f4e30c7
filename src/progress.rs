//! Transfer progress: an indicatif bar on a terminal, a one-line summary otherwise, nothing
//! with `-q`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone, Copy)]
pub struct ProgressMode {
    pub quiet: bool,
    /// Bars are drawn only on a terminal, and not while `-d` writes to the same stderr.
    pub bars: bool,
}

impl ProgressMode {
    pub fn new(quiet: bool, debug: bool) -> ProgressMode {
        ProgressMode { quiet, bars: !quiet && !debug && std::io::stderr().is_terminal() }
    }
}

pub struct Progress {
    bar: Option<ProgressBar>,
    mode: ProgressMode,
    verb: &'static str,
    name: String,
    start: Instant,
}

impl Progress {
    /// `verb` is "got" or "put"; `total` the expected bytes when known.
    pub fn start(mode: ProgressMode, verb: &'static str, name: String, total: Option<u64>, already: u64) -> Progress {
        let bar = mode.bars.then(|| {
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
        Progress { bar, mode, verb, name, start: Instant::now() }
    }

    pub fn set(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
        }
    }

    /// Clears the bar and prints the summary line (unless quiet).
    pub fn finish(self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if !self.mode.quiet {
            let secs = self.start.elapsed().as_secs_f64();
            let rate = if secs > 0.0 { bytes as f64 / secs / 1e6 } else { 0.0 };
            eprintln!("ftpx: {} {}: {bytes} bytes in {secs:.2} s ({rate:.1} MB/s)", self.verb, self.name);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

//! What `mirror` and `get --segments` report while they run: one progress line on a terminal, a
//! line per file with `-v`, the plan with `--dry-run`, failures and unsafe entries always, a
//! summary; or the JSON object, streamed to stdout (each file's entry as it ends, so a mirror of
//! 100,000 files holds none of them).

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ops::mirror::{self, Action, FileOutcome, Outcome};
use crate::ops::segments;
use crate::options::Output;
use crate::progress::Progress;
use crate::transcript::Transcript;

/// `mirror`'s display: progress on a terminal, a line per file with `-v`, the plan with `--dry-run`, failures and
/// skipped unsafe entries always, or the JSON object streamed to stdout (one entry per file as it
/// ends, so a mirror of 100,000 files holds none of them).
pub struct MirrorReporter {
    verbose: bool,
    quiet: bool,
    dry_run: bool,
    json: Option<Mutex<JsonOut>>,
    bar: Option<ProgressBar>,
    counts: Mutex<(u64, u64)>,
    transcript: Option<Arc<Transcript>>,
}

struct JsonOut {
    out: std::io::BufWriter<std::io::Stdout>,
    count: usize,
}

impl MirrorReporter {
    pub fn new(output: &Output, verbose: bool, json: bool, dry_run: bool) -> MirrorReporter {
        let json = json.then(|| {
            let mut out = std::io::BufWriter::new(std::io::stdout());
            let _ = out.write_all(b"{\"files\": [");
            Mutex::new(JsonOut { out, count: 0 })
        });
        let bar = (output.progress.bars && !dry_run).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr()).with_style(
                ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}")
                    .expect("valid template"),
            );
            bar.set_message("0/0 files");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        MirrorReporter {
            verbose,
            quiet: output.quiet,
            dry_run,
            json,
            bar,
            counts: Mutex::new((0, 0)),
            transcript: None,
        }
    }

    /// Retry lines also go to `transcript`, as a `retry` event.
    pub fn with_transcript(self, transcript: Arc<Transcript>) -> MirrorReporter {
        MirrorReporter { transcript: Some(transcript), ..self }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// Closes the display (and the JSON object, with the totals or the error).
    pub fn finish(&self, outcome: Option<&Outcome>, error: Option<&anyhow::Error>) -> Result<()> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if let Some(json) = &self.json {
            let mut j = json.lock().unwrap_or_else(|e| e.into_inner());
            let tail = match (outcome, error) {
                (Some(o), _) => serde_json::to_value(o)?,
                (None, Some(e)) => serde_json::json!({ "error": format!("{e:#}") }),
                (None, None) => serde_json::json!({}),
            };
            let fields = serde_json::to_string(&tail)?;
            let inner = fields.strip_prefix('{').unwrap_or(&fields);
            let close = if j.count > 0 { "\n]" } else { "]" };
            if inner == "}" {
                writeln!(j.out, "{close}}}")?;
            } else {
                writeln!(j.out, "{close}, {inner}")?;
            }
            j.out.flush()?;
            return Ok(());
        }
        if let Some(o) = outcome.filter(|_| !self.quiet) {
            let rate = if o.seconds > 0.0 { o.bytes as f64 / o.seconds / 1e6 } else { 0.0 };
            let what = if o.dry_run { "mirror (dry run, nothing changed)" } else { "mirror" };
            let retries = match o.retries {
                0 => String::new(),
                1 => ", 1 retry".to_owned(),
                n => format!(", {n} retries"),
            };
            eprintln!(
                "ftpx: {what}: {} copied, {} skipped, {} deleted, {} failed{retries}, {} bytes in {:.2} s ({rate:.1} MB/s)",
                o.copied, o.skipped, o.deleted, o.failed, o.bytes, o.seconds
            );
        }
        Ok(())
    }
}

impl mirror::Reporter for MirrorReporter {
    fn queued(&self, size: Option<u64>) {
        if let Some(bar) = &self.bar {
            let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            c.1 += 1;
            bar.inc_length(size.unwrap_or(0));
            bar.set_message(format!("{}/{} files", c.0, c.1));
        }
    }

    fn outcome(&self, o: &FileOutcome) {
        if let Some(json) = &self.json {
            let mut j = json.lock().unwrap_or_else(|e| e.into_inner());
            let sep = if j.count == 0 { "\n  " } else { ",\n  " };
            let _ = j.out.write_all(sep.as_bytes());
            let _ = serde_json::to_writer(&mut j.out, o);
            j.count += 1;
        }
        if let Some(bar) = &self.bar
            && matches!(o.action, Action::Copied | Action::Failed)
        {
            let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            c.0 += 1;
            bar.inc(o.bytes);
            bar.set_message(format!("{}/{} files", c.0, c.1));
        }
        let line = match o.action {
            Action::Copied if self.dry_run => Some(format!("would copy {} ({})", o.path, o.reason)),
            Action::Deleted if self.dry_run => Some(format!("would delete {}", o.path)),
            Action::Failed => Some(format!("ftpx: failed: {}: {}", o.path, o.reason)),
            // Skipped on purpose for safety: always said, whatever -v.
            Action::Skipped if o.reason != "up to date" => Some(format!("ftpx: skipped {}: {}", o.path, o.reason)),
            _ if !self.verbose => None,
            Action::Copied => Some(format!("copied {} ({} bytes)", o.path, o.bytes)),
            Action::Deleted => Some(format!("deleted {}", o.path)),
            Action::Skipped => Some(format!("skipped {}: {}", o.path, o.reason)),
        };
        match line {
            // With --json, stdout is the JSON; failures and unsafe entries are still said on stderr.
            Some(l) if self.json.is_some() && !l.starts_with("ftpx:") => {}
            // The plan goes to stdout, where it can be read by a script.
            Some(l) if self.dry_run && !l.starts_with("ftpx:") => println!("{l}"),
            Some(l) => self.line(&l),
            None => {}
        }
    }

    fn note(&self, text: &str) {
        self.line(&format!("ftpx: {text}"));
    }

    fn retry(&self, line: &str) {
        if let Some(t) = &self.transcript {
            crate::report::retry_event(t, line);
        }
        self.note(line);
    }
}

/// `get --segments`: the notes, and one progress bar for the whole file once its size is known.
pub struct SegmentReporter<'a> {
    pub output: &'a Output,
    pub name: String,
    pub bar: OnceLock<Progress>,
    /// Where retry lines also go, as `retry` events.
    pub transcript: Option<&'a Transcript>,
}

impl segments::Reporter for SegmentReporter<'_> {
    fn note(&self, text: &str) {
        if !self.output.progress.quiet {
            eprintln!("ftpx: {text}");
        }
    }

    fn retry(&self, line: &str) {
        if let Some(t) = self.transcript {
            crate::report::retry_event(t, line);
        }
        match self.bar.get() {
            Some(bar) => bar.println(&format!("ftpx: {line}")),
            None => eprintln!("ftpx: {line}"),
        }
    }

    fn progress(&self, done: u64, total: u64) {
        self.bar
            .get_or_init(|| Progress::start(self.output.progress, "got", self.name.clone(), Some(total), done))
            .set(done);
    }
}

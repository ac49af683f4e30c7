//! The one-shot front end of the operations that use a session pool: `ftpx mirror` and `ftpx get
//! --segments N`. Arguments become [`ops`](crate::ops) settings, one login's credentials open
//! every session, and what the operation reports becomes progress, lines, a summary or JSON.

use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::app::{Context, parse_target, safe_local_name};
use crate::cli::{GetArgs, MirrorArgs};
use crate::error::{AppError, exit};
use crate::ops::mirror::{self, Action, FileOutcome, Outcome};
use crate::ops::segments;
use crate::progress::Progress;
use crate::text::escape;

/// `ftpx mirror`.
pub async fn mirror(ctx: &Context, args: MirrorArgs, host: &mut Option<String>) -> Result<u8> {
    let (url, local) = if args.reverse {
        let Some(url) = args.target.as_deref() else {
            bail!(AppError::Usage("--reverse takes LOCAL_DIR then URL".into()));
        };
        (url, Some(args.source.as_str()))
    } else {
        (args.source.as_str(), args.target.as_deref())
    };
    let target = parse_target(url, host)?;
    let remote_root = target.path.strip_suffix(b"/").unwrap_or(&target.path).to_vec();
    let local_root = match local {
        Some(l) => PathBuf::from(l),
        None => {
            // The remote directory's own name, checked as any name from a server is.
            let name = remote_root.rsplit(|&b| b == b'/').next().filter(|n| !n.is_empty());
            match name {
                Some(n) => safe_local_name(n)?,
                None => PathBuf::from("."),
            }
        }
    };
    let settings = mirror::Settings {
        remote_root,
        local_root,
        reverse: args.reverse,
        parallel: usize::from(args.parallel),
        only_newer: args.only_newer,
        size_only: args.size_only,
        ignore_time: args.ignore_time,
        delete: args.delete,
        filters: mirror::Filters { include: args.include, exclude: args.exclude },
        max_depth: args.max_depth,
        dry_run: args.dry_run,
        resume: args.resume,
        verify: args.verify,
    };
    // Asked once (a password prompt, the --insecure warning), used for every session.
    let creds = ctx.credentials(&target)?;
    let config = ctx.session_config(&target)?;
    let open = async |label: &str| ctx.login(&target, &creds, config.clone(), label).await;
    let reporter = MirrorReporter::new(ctx, args.verbose, args.json, args.dry_run);
    let result = mirror::mirror(&settings, &open, &reporter).await;
    reporter.finish(result.as_ref().ok(), result.as_ref().err())?;
    let outcome = result.with_context(|| format!("could not mirror '{}'", escape(&target.path)))?;
    Ok(if outcome.failed > 0 { exit::MIRROR_FAILED } else { exit::OK })
}

/// Progress on a terminal, a line per file with `-v`, the plan with `--dry-run`, failures and
/// skipped unsafe entries always, or the JSON object streamed to stdout (one entry per file as it
/// ends, so a mirror of 100,000 files holds none of them).
struct MirrorReporter {
    verbose: bool,
    quiet: bool,
    dry_run: bool,
    json: Option<Mutex<JsonOut>>,
    bar: Option<ProgressBar>,
    counts: Mutex<(u64, u64)>,
}

struct JsonOut {
    out: std::io::BufWriter<std::io::Stdout>,
    count: usize,
}

impl MirrorReporter {
    fn new(ctx: &Context, verbose: bool, json: bool, dry_run: bool) -> MirrorReporter {
        let json = json.then(|| {
            let mut out = std::io::BufWriter::new(std::io::stdout());
            let _ = out.write_all(b"{\"files\": [");
            Mutex::new(JsonOut { out, count: 0 })
        });
        let bar = (ctx.progress.bars && !dry_run).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr()).with_style(
                ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}")
                    .expect("valid template"),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        MirrorReporter { verbose, quiet: ctx.progress.quiet, dry_run, json, bar, counts: Mutex::new((0, 0)) }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    fn finish(&self, outcome: Option<&Outcome>, error: Option<&anyhow::Error>) -> Result<()> {
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
            eprintln!(
                "ftpx: {what}: {} copied, {} skipped, {} deleted, {} failed, {} bytes in {:.2} s ({rate:.1} MB/s)",
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
}

/// `ftpx get --segments N URL`.
pub async fn segmented_get(ctx: &Context, args: GetArgs, host: &mut Option<String>) -> Result<u8> {
    let [url] = args.urls.as_slice() else {
        bail!(AppError::Usage("--segments takes one URL".into()));
    };
    if args.ascii {
        bail!(AppError::Usage("--segments needs binary mode: ranges of an ASCII transfer do not line up".into()));
    }
    let target = parse_target(url, host)?;
    let name = target.file_name().ok_or_else(|| AppError::Usage(format!("{target} names a directory, not a file")))?;
    let name = safe_local_name(name)?;
    let dest = match args.output.as_deref() {
        Some(p) if p == Path::new("-") => bail!(AppError::Usage("--segments cannot write to stdout".into())),
        Some(dir) if dir.as_os_str().as_bytes().ends_with(b"/") => {
            std::fs::create_dir_all(dir).map_err(|e| AppError::local(dir, e))?;
            dir.join(name)
        }
        Some(p) if p.is_dir() => p.join(name),
        Some(file) => file.to_path_buf(),
        None => name,
    };
    let settings = segments::Settings {
        remote: target.path.clone(),
        dest,
        segments: usize::from(args.segments.unwrap_or(1)),
        resume: args.resume,
        progress: ctx.progress,
    };
    let creds = ctx.credentials(&target)?;
    let config = ctx.session_config(&target)?;
    let open = async |label: &str| ctx.login(&target, &creds, config.clone(), label).await;
    let reporter = SegmentReporter { ctx, name: escape(&target.path), bar: OnceLock::new() };
    let outcome = segments::download(&settings, &open, &reporter)
        .await
        .with_context(|| format!("could not download '{}'", escape(&target.path)))?;
    if let Some(bar) = reporter.bar.into_inner() {
        bar.finish(outcome.bytes);
    }
    Ok(exit::OK)
}

struct SegmentReporter<'a> {
    ctx: &'a Context,
    name: String,
    bar: OnceLock<Progress>,
}

impl segments::Reporter for SegmentReporter<'_> {
    fn note(&self, text: &str) {
        if !self.ctx.progress.quiet {
            eprintln!("ftpx: {text}");
        }
    }

    fn progress(&self, done: u64, total: u64) {
        self.bar
            .get_or_init(|| Progress::start(self.ctx.progress, "got", self.name.clone(), Some(total), done))
            .set(done);
    }
}

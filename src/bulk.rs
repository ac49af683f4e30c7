//! The operations that run over a pool of sessions (mirror, segmented get), as both front ends
//! run them: sessions logged in from the options, the reporter, the exit status. The one-shot
//! commands and the shell only parse and call these.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};

use crate::cli::MirrorFlags;
use crate::error::{AppError, exit};
use crate::ftp::Config;
use crate::ops;
use crate::ops::get::Dest;
use crate::options::{Options, Output};
use crate::report;
use crate::retry;
use crate::target::{Credentials, Target};
use crate::text::escape;

/// Where a pool's sessions go and how each is made: the server and remote path, the login
/// (asked once: a password prompt, the --insecure warning), and the engine config every session
/// of the pool gets. The one-shot commands take the config from the command line; the shell
/// takes the one its own session has, with the modes, TLS and timeouts it has now.
pub struct Remote {
    pub target: Target,
    pub creds: Credentials,
    pub config: Arc<Config>,
}

impl Remote {
    /// One session of the pool, logged in, its events labelled `label`.
    async fn open(&self, opts: &Options, label: &str) -> Result<crate::ftp::Session> {
        opts.login(&self.target, &self.creds, self.config.clone(), label, opts.transcript.clone()).await
    }
}

/// A mirror of `remote.target.path` (the remote root) and `local` (default: the remote
/// directory's name), with `flags`, and `retry` and `output` as the front end has them (the
/// shell's `retry`, `progress` and `debug` settings): the one runner `ftpx mirror` and the
/// shell's `mirror` share.
pub async fn mirror(
    opts: &Options,
    output: &Output,
    remote: &Remote,
    local: Option<&Path>,
    flags: &MirrorFlags,
    retry: retry::Policy,
) -> Result<u8> {
    let target = &remote.target;
    let (mut settings, verbose, json) = (mirror_settings(flags, retry), flags.verbose, flags.json);
    let remote_root = target.path.clone();
    let local_root = match local {
        Some(l) => l.to_path_buf(),
        None => {
            // The remote directory's own name, checked as any name from a server is; for the
            // login directory, the host's name (never `.`: --delete there would empty the
            // current directory of everything the server lacks).
            let name = remote_root.rsplit(|&b| b == b'/').next().filter(|n| !n.is_empty());
            match name {
                Some(n) => ops::get::safe_local_name(n)?,
                None => ops::get::safe_local_name(target.host.as_bytes())?,
            }
        }
    };
    settings.remote_root = remote_root;
    settings.local_root = local_root;
    let dry_run = settings.dry_run;
    let open = async |label: &str| remote.open(opts, label).await;
    let reporter =
        report::bulk::MirrorReporter::new(output, verbose, json, dry_run).with_transcript(opts.transcript.clone());
    let result = ops::mirror::mirror(&settings, &open, &reporter).await;
    reporter.finish(result.as_ref().ok(), result.as_ref().err())?;
    let outcome = result.with_context(|| format!("could not mirror '{}'", escape(&target.path)))?;
    Ok(if outcome.failed > 0 { exit::MIRROR_FAILED } else { exit::OK })
}

/// Where a segmented download goes: as for `get` ([`Dest`]), but never stdout (the ranges are
/// written in place).
pub fn segment_dest(output: Option<&Path>, name: Option<&[u8]>, shown: impl std::fmt::Display) -> Result<PathBuf> {
    match Dest::from_arg(output).sink(name, shown)? {
        crate::transfer::Sink::File(p) => Ok(p),
        crate::transfer::Sink::Stdout => bail!(AppError::Usage("--segments cannot write to stdout".into())),
    }
}

/// `remote.target.path` downloaded to `dest` in up to `segments` ranges (or, with `resume`,
/// continued from its saved state), with `retry` and `output` as the front end has them: the one
/// runner `ftpx get --segments` and the shell's `get` share.
pub async fn segments(
    opts: &Options,
    output: &Output,
    remote: &Remote,
    dest: PathBuf,
    segments: usize,
    resume: bool,
    retry: retry::Policy,
) -> Result<()> {
    let target = &remote.target;
    let settings = ops::segments::Settings {
        remote: target.path.clone(),
        dest,
        segments,
        resume,
        progress: output.progress,
        retry,
    };
    let open = async |label: &str| remote.open(opts, label).await;
    let reporter = report::bulk::SegmentReporter {
        output,
        name: escape(&target.path),
        bar: Default::default(),
        transcript: Some(&opts.transcript),
    };
    let outcome = ops::segments::download(&settings, &open, &reporter)
        .await
        .with_context(|| format!("could not download '{}'", escape(&target.path)))?;
    if let Some(bar) = reporter.bar.into_inner() {
        bar.finish(outcome.bytes);
    }
    Ok(())
}

/// The mirror's settings from its flags, less the two roots, which each front end resolves its
/// own way.
fn mirror_settings(flags: &MirrorFlags, retry: retry::Policy) -> ops::mirror::Settings {
    ops::mirror::Settings {
        remote_root: Vec::new(),
        local_root: PathBuf::new(),
        reverse: flags.reverse,
        parallel: usize::from(flags.parallel),
        only_newer: flags.only_newer,
        size_only: flags.size_only,
        ignore_time: flags.ignore_time,
        delete: flags.delete,
        filters: ops::mirror::Filters { include: flags.include.clone(), exclude: flags.exclude.clone() },
        max_depth: flags.max_depth,
        dry_run: flags.dry_run,
        resume: flags.resume,
        verify: flags.verify,
        retry,
    }
}

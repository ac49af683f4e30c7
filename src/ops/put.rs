//! Uploads: store, resume (what the server lacks) or append, with one new login when the
//! server refuses a TLS data session that could not resume.

use std::path::Path;

use anyhow::{Context as _, Result};

use super::{SessionSource, Transfer, ready, say};
use crate::retry::{self, Done};
use crate::text::escape;
use crate::transfer::{self, Transferred};

/// How an upload treats the remote file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// STOR: replace it.
    Store,
    /// SIZE, then APPE of what the server lacks.
    Resume,
    /// APPE of the whole local file.
    Append,
}

/// Uploads `local` to `remote`, and after a transient failure again as `how.retry` allows,
/// resuming with SIZE and APPE (see [`crate::retry`]). A server that refuses a TLS data
/// connection whose session could not resume (ProFTPD 1.3.8 issues no TLS 1.3 tickets on upload
/// connections, so a session allows two uploads) gets one new login, which brings new tickets,
/// as FileZilla does. `resume_with` is the command that resumes it by hand, for the hint.
pub async fn put(
    src: &mut impl SessionSource,
    local: &Path,
    remote: &[u8],
    how: Upload,
    t: Transfer,
    resume_with: Option<String>,
) -> Result<Done<Transferred>> {
    let opts = t.options(resume_with);
    retry::run(&t.retry, say, src, ready, async |src, attempt| {
        let session = src.session().await?;
        match how {
            // An append cannot resume: what the server had before is not known after a break.
            Upload::Append => transfer::append_with(session, local, remote, &opts).await,
            _ => transfer::put(session, local, remote, how == Upload::Resume || attempt.resume, &opts).await,
        }
    })
    .await
    .with_context(|| format!("could not upload {} to '{}'", local.display(), escape(remote)))
}

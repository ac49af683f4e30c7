//! Uploads: store, resume (what the server lacks) or append, with one new login when the
//! server refuses a TLS data session that could not resume.

use std::path::Path;

use anyhow::{Context as _, Result};

use super::{Notice, SessionSource, Transfer};
use crate::ftp;
use crate::text::escape;
use crate::transfer;

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

/// What an upload came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub bytes: u64,
    /// A new login was needed for a TLS data session (see [`put`]).
    pub relogged: bool,
}

/// Uploads `local` to `remote`.
///
/// When the server refuses a TLS data connection whose session could not resume (ProFTPD 1.3.8
/// issues no TLS 1.3 tickets on upload connections, so a session allows two uploads), a new
/// login brings new tickets: the upload is tried once more on a new session, as FileZilla does.
pub async fn put(src: &mut impl SessionSource, local: &Path, remote: &[u8], how: Upload, t: Transfer) -> Result<Sent> {
    let mut relogged = false;
    let mut result = send(src.session().await?, local, remote, how, t).await;
    if result.as_ref().is_err_and(tls_not_resumed) {
        src.notice(Notice::ReloginForTls);
        relogged = true;
        result = send(src.relogin().await?, local, remote, how, t).await;
    }
    let bytes = result.with_context(|| format!("could not upload {} to '{}'", local.display(), escape(remote)))?;
    Ok(Sent { bytes, relogged })
}

async fn send(session: &mut ftp::Session, local: &Path, remote: &[u8], how: Upload, t: Transfer) -> Result<u64> {
    match how {
        Upload::Store => transfer::upload(session, local, remote, false, t.ascii, t.progress).await,
        Upload::Resume => transfer::upload(session, local, remote, true, t.ascii, t.progress).await,
        Upload::Append => transfer::append(session, local, remote, t.ascii, t.progress).await,
    }
}

fn tls_not_resumed(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<ftp::Error>().is_some_and(ftp::Error::is_tls_not_resumed))
}

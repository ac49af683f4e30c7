//! The one-command operations on remote files and directories: delete, mkdir (with parents),
//! rmdir, rename, quote, size, modtime and chmod.

use anyhow::{Context as _, Result};

use crate::error::AppError;
use crate::ftp::{Command, Reply, Session};
use crate::text::escape;

/// DELE.
pub async fn delete(session: &mut Session, path: &[u8]) -> Result<()> {
    session
        .expect(&Command::path("DELE", path)?, &[])
        .await
        .with_context(|| format!("could not delete '{}'", escape(path)))?;
    Ok(())
}

/// RMD.
pub async fn rmdir(session: &mut Session, path: &[u8]) -> Result<()> {
    session
        .expect(&Command::path("RMD", path)?, &[])
        .await
        .with_context(|| format!("could not remove directory '{}'", escape(path)))?;
    Ok(())
}

/// MKD; with `parents`, each missing parent first, and success when the directory exists at
/// the end (as `mkdir -p`).
pub async fn mkdir(session: &mut Session, path: &[u8], parents: bool) -> Result<()> {
    let path = path.strip_suffix(b"/").filter(|p| !p.is_empty()).unwrap_or(path);
    let failed = |err| anyhow::Error::new(err).context(format!("could not create directory '{}'", escape(path)));
    let Err(err) = session.expect(&Command::path("MKD", path)?, &[]).await else { return Ok(()) };
    if !parents {
        return Err(failed(err));
    }
    for (i, _) in path.iter().enumerate().filter(|(i, b)| **b == b'/' && *i > 0) {
        let _ = session.command(&Command::path("MKD", &path[..i])?).await?;
    }
    if session.expect(&Command::path("MKD", path)?, &[]).await.is_err() && !is_dir(session, path).await? {
        return Err(failed(err));
    }
    Ok(())
}

/// Whether `path` is a directory on the server: CWD into it and back.
async fn is_dir(session: &mut Session, path: &[u8]) -> Result<bool> {
    let home = session.pwd().await?;
    if !session.command(&Command::path("CWD", path)?).await?.is_success() {
        return Ok(false);
    }
    session.expect(&Command::path("CWD", &home)?, &[]).await?;
    Ok(true)
}

/// RNFR, RNTO.
pub async fn rename(session: &mut Session, from: &[u8], to: &[u8]) -> Result<()> {
    let (from_cmd, to_cmd) = (Command::path("RNFR", from)?, Command::path("RNTO", to)?);
    let (from, to) = (escape(from), escape(to));
    session.expect(&from_cmd, &[350]).await.with_context(|| format!("could not rename '{from}'"))?;
    session.expect(&to_cmd, &[]).await.with_context(|| format!("could not rename '{from}' to '{to}'"))?;
    Ok(())
}

/// A raw command whose reply is the output (quote, and the shell's site, stat, system, features).
pub struct Quoted {
    pub reply: Reply,
}

impl Quoted {
    /// A 4xx or 5xx is a failure; the reply is the output, already shown by then.
    pub fn result(&self) -> Result<(), AppError> {
        if self.reply.is_failure() { Err(AppError::QuoteFailed(self.reply.code)) } else { Ok(()) }
    }
}

/// Sends `line` as it is (checked for CR, LF and NUL) and returns the reply, whatever its class.
pub async fn quote(session: &mut Session, line: &[u8]) -> Result<Quoted> {
    let cmd = Command::raw(line)?;
    Ok(Quoted { reply: session.command(&cmd).await? })
}

/// SIZE, in binary: it counts bytes as sent in the current type (RFC 3659 §4), and the transfers
/// check it in binary.
pub async fn size(session: &mut Session, path: &[u8]) -> Result<Reply> {
    let cmd = Command::path("SIZE", path)?;
    session.set_type(false).await?;
    Ok(session.expect(&cmd, &[]).await?)
}

/// MDTM, as the server's `YYYYMMDDHHMMSS[.sss]`.
pub async fn modtime(session: &mut Session, path: &[u8]) -> Result<String> {
    match session.mdtm(path).await? {
        Some(t) => Ok(t),
        None => {
            Err(AppError::Incomplete(format!("the server gave no modification time for '{}'", escape(path))).into())
        }
    }
}

/// SITE CHMOD.
pub async fn chmod(session: &mut Session, mode: &str, path: &[u8]) -> Result<()> {
    let mut line = format!("SITE CHMOD {mode} ").into_bytes();
    line.extend_from_slice(path);
    let cmd = Command::raw(&line)?;
    session.expect(&cmd, &[]).await.with_context(|| format!("could not change the mode of '{}'", escape(path)))?;
    Ok(())
}

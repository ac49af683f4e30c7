//! The commands on the served tree: CWD, listings (LIST, NLST, MLSD, MLST), SIZE, MDTM, HASH,
//! RETR, STOR/APPE and the changes (DELE, MKD, RMD, RNFR/RNTO), every path through the jail.

use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tokio::io::AsyncSeekExt;

use super::data::{CHUNK, Transfer, receive_file, send_file, write_all_then_close};
use super::{Result, Session};
use crate::ftp::format::{self, Fact};
use crate::serve::fs::{Jail, PathError};
use crate::text::escape;

impl Session {
    /// The normalized FTP path of an argument.
    fn ftp_path(&self, arg: &[u8]) -> Vec<u8> {
        Jail::normalize(&self.cwd, arg)
    }

    /// The 550 (or 451) reply for a path that cannot be used.
    async fn path_error(&mut self, arg: &[u8], e: PathError) -> Result<()> {
        let name = escape(arg);
        match e {
            PathError::Outside => self.reply(550, &format!("{name}: outside the served directory")).await,
            PathError::Root => self.reply(550, "Not allowed on the root directory").await,
            PathError::Io(e) if e.kind() == io::ErrorKind::NotFound => {
                self.reply(550, &format!("{name}: no such file or directory")).await
            }
            PathError::Io(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                self.reply(550, &format!("{name}: permission denied")).await
            }
            PathError::Io(e) => self.reply(550, &format!("{name}: {e}")).await,
        }
    }

    async fn refuse_read_only(&mut self) -> Result<()> {
        self.reply(550, "Permission denied: this server is read-only (ftpx serve --write allows changes)").await
    }

    pub(super) async fn cwd(&mut self, arg: &[u8]) -> Result<()> {
        let path = self.ftp_path(arg);
        match self.jail().existing(&path) {
            Ok(real) if real.is_dir() => {
                self.cwd = path;
                self.reply(250, "Directory changed").await
            }
            Ok(_) => self.reply(550, &format!("{}: not a directory", escape(arg))).await,
            Err(e) => self.path_error(arg, e).await,
        }
    }

    pub(super) async fn listing(&mut self, verb: &str, arg: &[u8]) -> Result<()> {
        // `LIST -la dir`: options are for ls, not names.
        let mut arg = arg;
        while arg.starts_with(b"-") {
            let end = arg.iter().position(|&b| b == b' ').unwrap_or(arg.len());
            arg = arg[end..].trim_ascii_start();
        }
        let path = self.ftp_path(arg);
        let real = match self.jail().existing(&path) {
            Ok(r) => r,
            Err(e) => return self.path_error(arg, e).await,
        };
        if verb == "MLSD" && !real.is_dir() {
            return self.reply(501, &format!("{}: not a directory", escape(arg))).await;
        }
        let jail = self.jail().clone();
        let facts = match tokio::task::spawn_blocking(move || read_facts(&jail, &real)).await {
            Ok(Ok(f)) => f,
            Ok(Err(e)) => return self.path_error(arg, PathError::Io(e)).await,
            Err(_) => return self.reply(451, "Listing failed").await,
        };
        let now = SystemTime::now();
        let writable = self.writable();
        let mut text = Vec::new();
        for f in &facts {
            match verb {
                "MLSD" => text.extend(format::mlsd_line(f, writable)),
                "NLST" => text.extend_from_slice(&f.name),
                _ => text.extend(format::list_line(f, now)),
            }
            text.extend_from_slice(b"\r\n");
        }
        let Some(mut data) = self.open_data(verb, false).await? else { return Ok(()) };
        let idle = self.limits().transfer_idle;
        let job = async move {
            match write_all_then_close(&mut data, &text, idle).await {
                Ok(()) => Transfer::Done(text.len() as u64),
                Err(e) => Transfer::DataFailed(e),
            }
        };
        self.finish(job, verb).await
    }

    pub(super) async fn mlst(&mut self, arg: &[u8]) -> Result<()> {
        let path = self.ftp_path(arg);
        let real = match self.jail().existing(&path) {
            Ok(r) => r,
            Err(e) => return self.path_error(arg, e).await,
        };
        let fact = match fact(&real, path.clone()) {
            Ok(f) => f,
            Err(e) => return self.path_error(arg, PathError::Io(e)).await,
        };
        let line = format::mlsd_line(&fact, self.writable());
        let mut out = b"250-Listing ".to_vec();
        out.extend_from_slice(&path);
        out.extend_from_slice(b"\r\n ");
        out.extend(line.iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
        out.extend_from_slice(b"\r\n250 End\r\n");
        self.write_ctrl(&out).await
    }

    /// An existing plain file, or the reply saying why not.
    async fn plain_file(&mut self, arg: &[u8]) -> Result<Option<(PathBuf, std::fs::Metadata)>> {
        let path = self.ftp_path(arg);
        match self.jail().existing(&path) {
            Ok(real) => match std::fs::metadata(&real) {
                Ok(m) if m.is_file() => Ok(Some((real, m))),
                Ok(_) => {
                    self.reply(550, &format!("{}: not a plain file", escape(arg))).await?;
                    Ok(None)
                }
                Err(e) => self.path_error(arg, PathError::Io(e)).await.map(|()| None),
            },
            Err(e) => self.path_error(arg, e).await.map(|()| None),
        }
    }

    pub(super) async fn size(&mut self, arg: &[u8]) -> Result<()> {
        let Some((_, meta)) = self.plain_file(arg).await? else { return Ok(()) };
        self.reply(213, &meta.len().to_string()).await
    }

    pub(super) async fn mdtm(&mut self, arg: &[u8]) -> Result<()> {
        let Some((_, meta)) = self.plain_file(arg).await? else { return Ok(()) };
        let when = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        self.reply(213, &format::timeval(when)).await
    }

    /// `HASH path` (draft-bryan-ftpext-hash): `213 SHA-256 0-<size> <hex> <path>`, the whole
    /// file, for `mirror --verify`.
    pub(super) async fn hash(&mut self, arg: &[u8]) -> Result<()> {
        let Some((real, meta)) = self.plain_file(arg).await? else { return Ok(()) };
        let digest = tokio::task::spawn_blocking(move || sha256_file(&real)).await;
        match digest {
            Ok(Ok(hex)) => {
                let mut text = format!("SHA-256 0-{} {hex} ", meta.len()).into_bytes();
                text.extend_from_slice(arg);
                self.reply_bytes(213, &text).await
            }
            Ok(Err(e)) => self.path_error(arg, PathError::Io(e)).await,
            Err(_) => self.reply(451, "Hashing failed").await,
        }
    }

    pub(super) async fn retr(&mut self, arg: &[u8], rest: u64) -> Result<()> {
        let Some((real, meta)) = self.plain_file(arg).await? else { return Ok(()) };
        if rest > meta.len() {
            return self.reply(554, &format!("REST {rest} is past the end ({} bytes)", meta.len())).await;
        }
        let mut file = match tokio::fs::File::open(&real).await {
            Ok(f) => f,
            Err(e) => return self.path_error(arg, PathError::Io(e)).await,
        };
        if rest > 0
            && let Err(e) = file.seek(io::SeekFrom::Start(rest)).await
        {
            return self.reply(451, &format!("Local error: {e}")).await;
        }
        let what = format!("RETR {}", escape(arg));
        let Some(mut data) = self.open_data(&what, false).await? else { return Ok(()) };
        let idle = self.limits().transfer_idle;
        let job = async move { send_file(&mut file, &mut data, idle).await };
        self.finish(job, &what).await
    }

    pub(super) async fn store(&mut self, verb: &str, arg: &[u8], rest: u64) -> Result<()> {
        if !self.writable() {
            return self.refuse_read_only().await;
        }
        let path = self.ftp_path(arg);
        let real = match self.jail().writable(&path) {
            Ok(r) => r,
            Err(e) => return self.path_error(arg, e).await,
        };
        if real.is_dir() {
            return self.reply(550, &format!("{}: is a directory", escape(arg))).await;
        }
        // The file is opened (and truncated) only once the data connection is there: a client
        // whose data connection fails must not lose the file it meant to replace or resume.
        let what = format!("{verb} {}", escape(arg));
        let Some(mut data) = self.open_data(&what, true).await? else { return Ok(()) };
        let mut options = tokio::fs::OpenOptions::new();
        match (verb, rest) {
            ("APPE", _) => options.append(true).create(true),
            (_, 0) => options.write(true).create(true).truncate(true),
            _ => options.write(true),
        };
        let mut file = match options.open(&real).await {
            Ok(f) => f,
            Err(e) => return self.path_error(arg, PathError::Io(e)).await,
        };
        if verb == "STOR"
            && rest > 0
            && let Err(e) = file.seek(io::SeekFrom::Start(rest)).await
        {
            return self.reply(451, &format!("Local error: {e}")).await;
        }
        let idle = self.limits().transfer_idle;
        let job = async move { receive_file(&mut data, &mut file, idle).await };
        self.finish(job, &what).await
    }

    pub(super) async fn change(&mut self, verb: &str, arg: &[u8]) -> Result<()> {
        if !self.writable() {
            return self.refuse_read_only().await;
        }
        let path = self.ftp_path(arg);
        let entry = match self.jail().entry(&path) {
            Ok(e) => e,
            Err(e) => return self.path_error(arg, e).await,
        };
        let name = escape(arg);
        let result = match verb {
            "DELE" => match std::fs::symlink_metadata(&entry) {
                Ok(m) if m.is_dir() => return self.reply(550, &format!("{name}: is a directory (RMD)")).await,
                _ => std::fs::remove_file(&entry).map(|()| (250, format!("{name} deleted"))),
            },
            "MKD" | "XMKD" => std::fs::create_dir(&entry).map(|()| {
                let quoted = String::from_utf8_lossy(&path).replace('"', "\"\"");
                (257, format!("\"{quoted}\" created"))
            }),
            "RMD" | "XRMD" => std::fs::remove_dir(&entry).map(|()| (250, format!("{name} removed"))),
            "RNFR" => match std::fs::symlink_metadata(&entry) {
                Ok(_) => {
                    self.rename_from = Some(entry);
                    return self.reply(350, "Ready for RNTO").await;
                }
                Err(e) => Err(e),
            },
            _ => match self.rename_from.take() {
                None => return self.reply(503, "RNFR first").await,
                Some(from) => std::fs::rename(&from, &entry).map(|()| (250, "Renamed".to_owned())),
            },
        };
        match result {
            Ok((code, text)) => {
                self.log(&format!("{verb} {name}"));
                self.reply(code, &text).await
            }
            Err(e) => self.path_error(arg, PathError::Io(e)).await,
        }
    }
}

/// What a listing shows of `real` (named `name`).
fn fact(real: &Path, name: Vec<u8>) -> io::Result<Fact> {
    use std::os::unix::fs::PermissionsExt;
    let m = std::fs::metadata(real)?;
    Ok(Fact {
        name,
        dir: m.is_dir(),
        size: m.len(),
        modified: m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        mode: m.permissions().mode(),
    })
}

/// The entries of a directory (or the one file), sorted by name. Entries that cannot be
/// shown are left out: links leading out of the root or nowhere, and names with CR or LF (a
/// listing line cannot carry them).
fn read_facts(jail: &Jail, real: &Path) -> io::Result<Vec<Fact>> {
    use std::os::unix::ffi::OsStrExt;
    if !real.is_dir() {
        let name = real.file_name().map(|n| n.as_bytes().to_vec()).unwrap_or_default();
        return Ok(vec![fact(real, name)?]);
    }
    let mut facts = Vec::new();
    for entry in std::fs::read_dir(real)? {
        let entry = entry?;
        let name = entry.file_name().as_bytes().to_vec();
        if name.iter().any(|&b| b == b'\r' || b == b'\n') {
            continue;
        }
        let Ok(target) = entry.path().canonicalize() else { continue };
        if !jail.contains(&target) {
            continue;
        }
        if let Ok(f) = fact(&target, name) {
            facts.push(f);
        }
    }
    facts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(facts)
}

fn sha256_file(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
    }
    Ok(ctx.finish().as_ref().iter().map(|b| format!("{b:02x}")).collect())
}

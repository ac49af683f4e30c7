//! Listings: the server's lines as they come (LIST, NLST, MLSD), parsed entries (for JSON, tab
//! completion and the multi-file commands' patterns), and the files a pattern names.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::error::AppError;
use crate::ftp::Session;
use crate::ftp::list::{self, Entry, Kind};
use crate::glob;
use crate::text::escape;
use crate::transfer;

/// What a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// The server's LIST lines.
    Long,
    /// NLST: names only.
    Names,
    /// MLSD lines as they come.
    Machine,
}

impl Listing {
    fn verb(self) -> &'static str {
        match self {
            Listing::Long => "LIST",
            Listing::Names => "NLST",
            Listing::Machine => "MLSD",
        }
    }
}

/// Streams `path`'s listing (or the current directory's) to `on_line`, one line at a time.
pub async fn lines(
    session: &mut Session,
    how: Listing,
    path: Option<&[u8]>,
    on_line: impl FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let shown = escape(path.unwrap_or_default());
    transfer::list(session, how.verb(), path, on_line).await.with_context(|| format!("could not list '{shown}'"))
}

/// What came of a parsed listing.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Lines that no listing format could read: left out, never guessed.
    pub unparsed: usize,
    /// The first of them, to show.
    pub first_unparsed: Option<Vec<u8>>,
    /// No line could be read, so the names came from NLST (of unknown kind).
    pub from_nlst: bool,
}

/// Streams `path`'s entries to `on_entry`: MLSD where the server offers it and `mlsd` allows
/// (exact, RFC 3659), else LIST read by [`list::Parser`] with the server's SYST reply (asked once
/// per session); when LIST has lines but none can be read, NLST gives at least the names.
pub async fn entries(
    session: &mut Session,
    path: Option<&[u8]>,
    mlsd: bool,
    mut on_entry: impl FnMut(&Entry) -> Result<()>,
) -> Result<Parsed> {
    let (how, mut parser) = if mlsd && session.features().mlsd {
        (Listing::Machine, list::Parser::mlsd())
    } else {
        (Listing::Long, list::Parser::list(session.system().await?.as_deref()))
    };
    let mut parsed = Parsed::default();
    let mut read = 0;
    let mut take = |got: Result<Entry, list::Unreadable>| {
        match got {
            Ok(entry) => {
                read += 1;
                on_entry(&entry)?;
            }
            Err(unreadable) => {
                parsed.unparsed += 1;
                parsed.first_unparsed.get_or_insert(unreadable.line);
            }
        }
        Ok::<_, anyhow::Error>(())
    };
    let listed = lines(session, how, path, |line| parser.push(line).try_for_each(&mut take)).await;
    match listed {
        // VMS refuses LIST of an empty directory: `550 %RMS-E-FNF, file not found`.
        Err(e) if how == Listing::Long && refused_for_no_files(&e) => {}
        other => other?,
    }
    parser.finish().try_for_each(&mut take)?;
    if read == 0 && parsed.unparsed > 0 {
        parsed.from_nlst = true;
        lines(session, Listing::Names, path, |line| match list::parse_nlst(line) {
            Some(entry) => on_entry(&entry),
            None => Ok(()),
        })
        .await?;
    }
    Ok(parsed)
}

/// Whether a LIST failed because the server refused it saying the directory has no files.
fn refused_for_no_files(e: &anyhow::Error) -> bool {
    let reply = e.chain().find_map(|c| c.downcast_ref::<crate::ftp::Error>()?.reply());
    reply.is_some_and(|r| !r.is_success() && r.lines.iter().any(|l| list::says_no_files(l)))
}

/// The entries of a remote directory (`dir` as typed, "" for the current one), as [`entries`]
/// reads them.
pub async fn remote_entries(session: &mut Session, dir: &[u8]) -> Result<Vec<Entry>> {
    let trimmed = match dir {
        [rest @ .., b'/'] if !rest.is_empty() => rest,
        _ => dir,
    };
    let path = (!trimmed.is_empty()).then_some(trimmed);
    let mut found = Vec::new();
    entries(session, path, true, |e| {
        found.push(e.clone());
        Ok(())
    })
    .await?;
    Ok(found)
}

/// The files a remote pattern names: `(remote path, name)`. A plain name is taken as it is; a
/// pattern is matched against the listing of its directory (files only), by the names listed
/// (VMS's without their `;version`, each once).
pub async fn remote_matches(session: &mut Session, pattern: &str) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    if !glob::is_pattern(pattern) {
        let name = pattern.rsplit('/').next().unwrap_or_default();
        return Ok(vec![(pattern.as_bytes().to_vec(), name.as_bytes().to_vec())]);
    }
    let (dir, pat) = glob::split(pattern);
    let entries =
        remote_entries(session, dir.as_bytes()).await.with_context(|| format!("could not list for '{pattern}'"))?;
    // AS/400 member paths (`QCLSRC.FILE/HELLO.MBR`): a pattern never matches a `/`.
    let paths = entries.iter().filter(|e| e.system_path_reason().is_some()).count();
    let mut files: Vec<(Vec<u8>, Vec<u8>)> = entries
        .into_iter()
        .filter(|e| e.kind != Kind::Dir && glob::matches(pat, &String::from_utf8_lossy(&e.name)))
        .map(|e| {
            let mut path = dir.as_bytes().to_vec();
            path.extend_from_slice(&e.name);
            (path, e.name)
        })
        .collect();
    if files.is_empty() {
        let why = match paths {
            0 => String::new(),
            n => format!(
                " ({n} listed are AS/400 object paths, whose '/' a pattern never matches: get one by its full path)"
            ),
        };
        bail!(AppError::Incomplete(format!("no remote file matches '{pattern}'{why}")));
    }
    files.sort();
    Ok(files)
}

/// The local files a pattern names (files only, sorted); a plain name as it is.
pub fn local_matches(pattern: &str) -> Result<Vec<PathBuf>> {
    if !glob::is_pattern(pattern) {
        return Ok(vec![PathBuf::from(pattern)]);
    }
    let (dir, pat) = glob::split(pattern);
    let read_from = if dir.is_empty() { Path::new(".") } else { Path::new(dir) };
    let entries = std::fs::read_dir(read_from).map_err(|e| AppError::local(read_from, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()))
        .filter(|e| glob::matches(pat, &e.file_name().to_string_lossy()))
        .map(|e| Path::new(dir).join(e.file_name()))
        .collect();
    if files.is_empty() {
        bail!(AppError::Usage(format!("no local file matches '{pattern}'")));
    }
    files.sort();
    Ok(files)
}

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
    /// Lines that should have been entries but could not be parsed.
    pub unparsed: usize,
}

/// Streams `path`'s entries to `on_entry`: MLSD where the server offers it (exact, RFC 3659),
/// else parsed LIST lines.
pub async fn entries(
    session: &mut Session,
    path: Option<&[u8]>,
    mut on_entry: impl FnMut(&Entry) -> Result<()>,
) -> Result<Parsed> {
    let mlsd = session.features().mlsd;
    let how = if mlsd { Listing::Machine } else { Listing::Long };
    let mut parsed = Parsed::default();
    lines(session, how, path, |line| {
        let entry = if mlsd { list::parse_mlsd(line) } else { list::parse_list(line) };
        match entry {
            Some(entry) => on_entry(&entry)?,
            None if !list::is_not_an_entry(line) => parsed.unparsed += 1,
            None => {}
        }
        Ok(())
    })
    .await?;
    Ok(parsed)
}

/// The entries of a remote directory (`dir` as typed, "" for the current one): MLSD when the
/// server offers it, else parsed LIST lines, else NLST names (of unknown kind).
pub async fn remote_entries(session: &mut Session, dir: &[u8]) -> Result<Vec<Entry>> {
    let trimmed = match dir {
        [rest @ .., b'/'] if !rest.is_empty() => rest,
        _ => dir,
    };
    let path = (!trimmed.is_empty()).then_some(trimmed);
    let mut entries = Vec::new();
    if session.features().mlsd {
        transfer::list(session, "MLSD", path, |line| {
            entries.extend(list::parse_mlsd(line));
            Ok(())
        })
        .await?;
        return Ok(entries);
    }
    let mut lines = 0;
    transfer::list(session, "LIST", path, |line| {
        if !line.is_empty() && !line.starts_with(b"total ") {
            lines += 1;
        }
        entries.extend(list::parse_list(line));
        Ok(())
    })
    .await?;
    if entries.is_empty() && lines > 0 {
        transfer::list(session, "NLST", path, |line| {
            // Some servers answer NLST DIR with DIR/NAME.
            let name = line.rsplit(|&b| b == b'/').next().unwrap_or(line);
            if !name.is_empty() {
                entries.push(Entry {
                    name: name.to_vec(),
                    kind: Kind::Other,
                    size: None,
                    modified: None,
                    perm: None,
                    target: None,
                });
            }
            Ok(())
        })
        .await?;
    }
    Ok(entries)
}

/// The files a remote pattern names: `(remote path, name)`. A plain name is taken as it is; a
/// pattern is matched against the listing of its directory (files only).
pub async fn remote_matches(session: &mut Session, pattern: &str) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    if !glob::is_pattern(pattern) {
        let name = pattern.rsplit('/').next().unwrap_or_default();
        return Ok(vec![(pattern.as_bytes().to_vec(), name.as_bytes().to_vec())]);
    }
    let (dir, pat) = glob::split(pattern);
    let entries =
        remote_entries(session, dir.as_bytes()).await.with_context(|| format!("could not list for '{pattern}'"))?;
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
        bail!(AppError::Incomplete(format!("no remote file matches '{pattern}'")));
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

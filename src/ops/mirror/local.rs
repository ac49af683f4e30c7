//! The local side: reading a local directory, the links made from remote ones, `--delete` of
//! local entries, and the modification time a downloaded file is given.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;

use super::compare::{Side, Stamp};
use super::worker::Job;
use super::{Action, Run, join};
use crate::error::AppError;
use crate::ftp::Session;
use crate::ftp::list::Entry;
use crate::text::escape;

fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// What a local directory holds, compactly (a directory of 100,000 entries is a few MiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LocalKind {
    File,
    Dir,
    Link,
    Other,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct LocalEntry {
    pub(super) kind: LocalKind,
    pub(super) size: u64,
    pub(super) mtime: i64,
}

impl LocalEntry {
    pub(super) fn side(&self) -> Side {
        Side { size: Some(self.size), stamp: Some(Stamp { secs: self.mtime, precision: 1 }) }
    }
}

/// The entries of a local directory, links not followed; empty when it does not exist.
pub(super) fn read_local(dir: &Path) -> Result<HashMap<Vec<u8>, LocalEntry>> {
    let mut out = HashMap::new();
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(AppError::local(dir, e).into()),
    };
    for entry in read {
        let entry = entry.map_err(|e| AppError::local(dir, e))?;
        let Ok(meta) = entry.metadata() else { continue };
        let ft = meta.file_type();
        let kind = if ft.is_symlink() {
            LocalKind::Link
        } else if ft.is_dir() {
            LocalKind::Dir
        } else if ft.is_file() {
            LocalKind::File
        } else {
            LocalKind::Other
        };
        let mtime = meta.modified().map(unix_secs).unwrap_or(0);
        out.insert(entry.file_name().as_bytes().to_vec(), LocalEntry { kind, size: meta.len(), mtime });
    }
    Ok(out)
}

pub(super) fn local_path(root: &Path, rel: &[u8]) -> PathBuf {
    if rel.is_empty() { root.to_path_buf() } else { root.join(OsStr::from_bytes(rel)) }
}

/// Where a link found at `rel_dir` pointing to `target` leads, relative to the root, when it
/// stays inside the tree; `None` for an absolute target, one that climbs out, or a bad byte.
fn link_inside(rel_dir: &[u8], target: &[u8]) -> Option<Vec<u8>> {
    if target.is_empty() || target.starts_with(b"/") || target.iter().any(|&b| b < 0x20 || b == 0x7f || b == b'\\') {
        return None;
    }
    let mut parts: Vec<&[u8]> = rel_dir.split(|&b| b == b'/').filter(|p| !p.is_empty()).collect();
    for part in target.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join(&b'/'))
}

impl<O> Run<'_, '_, O>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    /// A link in a remote listing: the same local link when it stays inside the tree.
    pub(super) fn link(&self, rel: &[u8], entry_rel: &[u8], entry: &Entry, at: &Path, here: Option<LocalEntry>) {
        let Some(target) = entry.target.as_deref() else {
            return self.record(entry_rel, Action::Skipped, 0, "symbolic link without a target: not followed");
        };
        if link_inside(rel, target).is_none() {
            let why = format!("symbolic link to '{}' leads outside the tree: not followed", escape(target));
            return self.record(entry_rel, Action::Skipped, 0, why);
        }
        if let Some(h) = here {
            let same = h.kind == LocalKind::Link && fs::read_link(at).is_ok_and(|t| t.as_os_str().as_bytes() == target);
            if same {
                return self.record(entry_rel, Action::Skipped, 0, "up to date");
            }
            if h.kind != LocalKind::Link {
                return self.record(entry_rel, Action::Failed, 0, "a local entry is in the way of a link");
            }
        }
        if self.s.dry_run {
            return self.record(entry_rel, Action::Copied, 0, "symbolic link");
        }
        let _ = fs::remove_file(at);
        match std::os::unix::fs::symlink(OsStr::from_bytes(target), at) {
            Ok(()) => self.record(entry_rel, Action::Copied, 0, "symbolic link"),
            Err(e) => self.record(entry_rel, Action::Failed, 0, format!("{}: {e}", at.display())),
        }
    }

    /// `--delete`: local entries the remote directory no longer has (excluded ones stay, and so
    /// does the `.part` of a file still on the server, for `--continue`).
    pub(super) fn delete_local(
        &self,
        rel: &[u8],
        dir: &Path,
        local: &HashMap<Vec<u8>, LocalEntry>,
        seen: &HashSet<Vec<u8>>,
    ) {
        let mut names: Vec<&Vec<u8>> = local.keys().filter(|n| !seen.contains(*n)).collect();
        names.sort();
        for name in names {
            let entry_rel = join(rel, name);
            if name.strip_suffix(b".part").is_some_and(|base| seen.contains(base)) {
                continue;
            }
            if self.s.filters.excluded(&entry_rel, name, local[name].kind == LocalKind::Dir) {
                continue;
            }
            if self.s.dry_run {
                self.record(&entry_rel, Action::Deleted, 0, "not on the server");
                continue;
            }
            let path = dir.join(OsStr::from_bytes(name));
            // remove_dir_all does not follow links; a link is removed as itself.
            let removed = match local[name].kind {
                LocalKind::Dir => fs::remove_dir_all(&path),
                _ => fs::remove_file(&path),
            };
            match removed {
                Ok(()) => self.record(&entry_rel, Action::Deleted, 0, "not on the server"),
                Err(e) => self.record(&entry_rel, Action::Failed, 0, format!("cannot delete: {e}")),
            }
        }
    }

    /// Gives a downloaded file the server's modification time, so the next run skips it.
    pub(super) fn set_time(&self, job: &Job) -> Result<()> {
        if let Some(stamp) = job.stamp.filter(|_| !self.s.ignore_time) {
            let time = UNIX_EPOCH + std::time::Duration::from_secs(stamp.secs.max(0) as u64);
            let file = fs::File::options().write(true).open(&job.local).map_err(|e| AppError::local(&job.local, e))?;
            file.set_modified(time).map_err(|e| AppError::local(&job.local, e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stay_inside_the_tree_or_are_refused() {
        assert_eq!(link_inside(b"a/b", b"../c").as_deref(), Some(&b"a/c"[..]));
        assert_eq!(link_inside(b"", b"sub/x").as_deref(), Some(&b"sub/x"[..]));
        for bad in [&b"/"[..], b"/etc/passwd", b"../x", b"a/../../x", b"", b"x\ny"] {
            assert_eq!(link_inside(b"", bad), None, "{}", escape(bad));
        }
        assert_eq!(link_inside(b"a", b"../../x"), None);
    }
}

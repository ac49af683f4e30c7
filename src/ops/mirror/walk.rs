//! The walks: the remote tree (down) or the local one (up, `--reverse`), one directory at a time,
//! each entry compared with the other side's and recorded, queued for a worker, or deleted.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;

use anyhow::Result;
use tokio::sync::mpsc;

use super::compare::{Side, TimeRule, why_copy};
use super::local::{LocalEntry, LocalKind, local_path, read_local};
use super::worker::Job;
use super::{Action, Run, join};
use crate::error::AppError;
use crate::ftp::Session;
use crate::ftp::list::{Entry, Kind};
use crate::interrupt;
use crate::ops::get::safe_local_name;

impl<O> Run<'_, '_, O>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    /// Walks the remote tree, comparing each directory with its local copy.
    pub(super) async fn walk_down(&self, jobs: mpsc::Sender<Job>) -> Result<()> {
        let s = self.s;
        let mut stack: Vec<(Vec<u8>, usize)> = vec![(Vec::new(), 0)];
        // MLSD `unique` facts of the directories entered: a directory met again under another
        // name is a link the server showed as a directory (a loop, with `up -> ..`). Each
        // directory's own fact comes from its listing too: no entry names the root, and a link
        // back to it is caught before it is entered, not one level below.
        let mut entered: HashSet<String> = HashSet::new();
        while let Some((rel, depth)) = stack.pop() {
            if interrupt::has_fired() {
                break;
            }
            let remote_dir = join(&self.root, &rel);
            let local_dir = local_path(&s.local_root, &rel);
            let listing = match self.list(&remote_dir).await {
                Ok(l) => l,
                Err(e) if rel.is_empty() => return Err(e),
                Err(e) => {
                    self.record(&rel, Action::Failed, 0, format!("{e:#}"));
                    continue;
                }
            };
            if !s.dry_run {
                fs::create_dir_all(&local_dir).map_err(|e| AppError::local(&local_dir, e))?;
            }
            let local = read_local(&local_dir)?;
            let unique = match listing.unique {
                // A server that gives entries' unique facts but no cdir line: one MLST of the root.
                None if rel.is_empty() && listing.entries.iter().any(|e| e.kind == Kind::Dir && e.unique.is_some()) => {
                    self.unique_of(&remote_dir).await
                }
                unique => unique,
            };
            entered.extend(unique);
            let mut seen: HashSet<Vec<u8>> = HashSet::new();
            for entry in listing.entries {
                let entry_rel = join(&rel, &entry.name);
                if let Err(e) = safe_local_name(&entry.name) {
                    let why = entry.system_path_reason().unwrap_or_else(|| format!("unsafe name: {e}"));
                    self.record(&entry_rel, Action::Skipped, 0, why);
                    continue;
                }
                let name = entry.name.clone();
                if s.filters.excluded(&entry_rel, &name, entry.kind == Kind::Dir) {
                    seen.insert(name);
                    continue;
                }
                let here = local.get(&name).copied();
                let target = local_dir.join(OsStr::from_bytes(&name));
                match entry.kind {
                    Kind::Dir => {
                        seen.insert(name);
                        if s.max_depth.is_some_and(|m| depth >= m) {
                            continue;
                        }
                        if let Some(unique) = &entry.unique
                            && !entered.insert(unique.clone())
                        {
                            let why =
                                "the same directory as one already mirrored (MLSD unique fact): a link, not followed";
                            self.record(&entry_rel, Action::Skipped, 0, why);
                            continue;
                        }
                        if here.is_some_and(|h| h.kind != LocalKind::Dir) {
                            self.record(
                                &entry_rel,
                                Action::Failed,
                                0,
                                "a local entry that is not a directory is in the way",
                            );
                            continue;
                        }
                        stack.push((entry_rel, depth + 1));
                    }
                    Kind::File => {
                        if !s.filters.included(&entry_rel, &name) {
                            seen.insert(name);
                            continue;
                        }
                        seen.insert(name);
                        if here.is_some_and(|h| h.kind != LocalKind::File) {
                            self.record(
                                &entry_rel,
                                Action::Failed,
                                0,
                                "a local entry that is not a file is in the way",
                            );
                            continue;
                        }
                        let stamp = entry.modified.as_ref().map(|m| self.stamp_of(m));
                        let src = Side { size: entry.size, stamp: entry.modified.as_ref().map(|m| self.compared(m)) };
                        match why_copy(src, here.map(|h| h.side()), s, TimeRule::Exact) {
                            None => self.record(&entry_rel, Action::Skipped, 0, "up to date"),
                            Some(why) if s.dry_run => self.record(&entry_rel, Action::Copied, 0, why),
                            Some(_) => {
                                self.reporter.queued(entry.size);
                                let remote = join(&remote_dir, &entry.name);
                                let job = Job {
                                    rel: entry_rel,
                                    remote,
                                    local: target,
                                    size: entry.size,
                                    stamp,
                                    remote_size: None,
                                };
                                if jobs.send(job).await.is_err() {
                                    return Ok(());
                                }
                            }
                        }
                    }
                    Kind::Link => {
                        seen.insert(name);
                        self.link(&rel, &entry_rel, &entry, &target, here);
                    }
                    Kind::Other => self.record(&entry_rel, Action::Skipped, 0, "not a file or directory"),
                    // NLST names when no LIST line could be read: a file cannot be told from a
                    // directory, so nothing is guessed.
                    Kind::Unknown => {
                        seen.insert(name);
                        self.record(&entry_rel, Action::Skipped, 0, "the listing does not say what this is");
                    }
                }
            }
            if s.delete {
                self.delete_local(&rel, &local_dir, &local, &seen);
            }
        }
        Ok(())
    }

    /// Walks the local tree, comparing each directory with the server's.
    pub(super) async fn walk_up(&self, jobs: mpsc::Sender<Job>) -> Result<()> {
        let s = self.s;
        let rule = if self.mfmt && !s.ignore_time { TimeRule::Exact } else { TimeRule::SourceNewer };
        // (relative path, depth, known to be missing on the server)
        let mut stack: Vec<(Vec<u8>, usize, bool)> = vec![(Vec::new(), 0, false)];
        if !s.local_root.is_dir() {
            return Err(AppError::Usage(format!("{} is not a directory", s.local_root.display())).into());
        }
        while let Some((rel, depth, missing)) = stack.pop() {
            if interrupt::has_fired() {
                break;
            }
            let remote_dir = join(&self.root, &rel);
            let local_dir = local_path(&s.local_root, &rel);
            let listing = if missing {
                Vec::new()
            } else {
                match self.list(&remote_dir).await {
                    Ok(l) => l.entries,
                    Err(_) if rel.is_empty() => {
                        self.mkdir(&remote_dir).await?;
                        Vec::new()
                    }
                    Err(e) => {
                        self.record(&rel, Action::Failed, 0, format!("{e:#}"));
                        continue;
                    }
                }
            };
            let mut remote: HashMap<Vec<u8>, Entry> = HashMap::new();
            for entry in listing {
                if safe_local_name(&entry.name).is_ok() {
                    remote.insert(entry.name.clone(), entry);
                }
            }
            let mut local: Vec<(Vec<u8>, LocalEntry)> = read_local(&local_dir)?.into_iter().collect();
            local.sort_by(|a, b| a.0.cmp(&b.0));
            let mut seen = HashSet::new();
            for (name, here) in local {
                let entry_rel = join(&rel, &name);
                if let Err(e) = safe_local_name(&name) {
                    self.record(&entry_rel, Action::Skipped, 0, format!("unsafe name: {e}"));
                    continue;
                }
                if s.filters.excluded(&entry_rel, &name, here.kind == LocalKind::Dir) {
                    seen.insert(name);
                    continue;
                }
                let there = remote.get(&name);
                let remote_path = join(&remote_dir, &name);
                match here.kind {
                    LocalKind::Dir => {
                        seen.insert(name);
                        if s.max_depth.is_some_and(|m| depth >= m) {
                            continue;
                        }
                        let exists = there.is_some_and(|e| e.kind == Kind::Dir);
                        if there.is_some() && !exists {
                            self.record(
                                &entry_rel,
                                Action::Failed,
                                0,
                                "a remote entry that is not a directory is in the way",
                            );
                            continue;
                        }
                        if !exists
                            && !s.dry_run
                            && let Err(e) = self.mkdir(&remote_path).await
                        {
                            self.record(&entry_rel, Action::Failed, 0, format!("{e:#}"));
                            continue;
                        }
                        stack.push((entry_rel, depth + 1, !exists));
                    }
                    LocalKind::File => {
                        seen.insert(name.clone());
                        if !s.filters.included(&entry_rel, &name) {
                            continue;
                        }
                        if there.is_some_and(|e| e.kind != Kind::File) {
                            self.record(
                                &entry_rel,
                                Action::Failed,
                                0,
                                "a remote entry that is not a file is in the way",
                            );
                            continue;
                        }
                        let dst =
                            there.map(|e| Side { size: e.size, stamp: e.modified.as_ref().map(|m| self.compared(m)) });
                        let src = here.side();
                        match why_copy(src, dst, s, rule) {
                            None => self.record(&entry_rel, Action::Skipped, 0, "up to date"),
                            Some(why) if s.dry_run => self.record(&entry_rel, Action::Copied, 0, why),
                            Some(_) => {
                                self.reporter.queued(Some(here.size));
                                let job = Job {
                                    rel: entry_rel,
                                    remote: remote_path,
                                    local: local_dir.join(OsStr::from_bytes(&name)),
                                    size: Some(here.size),
                                    stamp: src.stamp,
                                    remote_size: dst.and_then(|d| d.size),
                                };
                                if jobs.send(job).await.is_err() {
                                    return Ok(());
                                }
                            }
                        }
                    }
                    LocalKind::Link => {
                        seen.insert(name);
                        self.record(&entry_rel, Action::Skipped, 0, "local symbolic link: not followed");
                    }
                    LocalKind::Other => self.record(&entry_rel, Action::Skipped, 0, "not a file or directory"),
                }
            }
            if s.delete {
                let mut gone: Vec<&Entry> = remote.values().filter(|e| !seen.contains(&e.name)).collect();
                gone.sort_by(|a, b| a.name.cmp(&b.name));
                for entry in gone {
                    let entry_rel = join(&rel, &entry.name);
                    if s.filters.excluded(&entry_rel, &entry.name, entry.kind == Kind::Dir) {
                        continue;
                    }
                    if s.dry_run {
                        self.record(&entry_rel, Action::Deleted, 0, "not in the local tree");
                        continue;
                    }
                    let path = join(&remote_dir, &entry.name);
                    match self.delete_remote(&path, entry.kind == Kind::Dir).await {
                        Ok(()) => self.record(&entry_rel, Action::Deleted, 0, "not in the local tree"),
                        Err(e) => self.record(&entry_rel, Action::Failed, 0, format!("{e:#}")),
                    }
                }
            }
        }
        Ok(())
    }
}

//! The remote side: listing a directory (MLSD or LIST, and the LIST clock learned from it),
//! creating and deleting remote directories and files.

use std::collections::HashMap;

use anyhow::{Context as _, Result};

use super::compare::{Clock, Stamp, list_offset, mdtm_secs, stamp};
use super::{Run, join};
use crate::ftp::list::{Entry, Kind, Modified, Parser, Unreadable, Zone};
use crate::ftp::{Command, Session};
use crate::ops::get::safe_local_name;
use crate::ops::list;
use crate::text::escape;

/// A remote directory's listing.
pub(super) struct Listing {
    pub(super) entries: Vec<Entry>,
    /// The directory's own MLSD `unique` fact, from its `type=cdir` line (RFC 3659 §7.5.1 and
    /// §7.5.2), which ProFTPD and pure-ftpd send: what the mirror root is known by to the loop
    /// guard at no extra round trip.
    pub(super) unique: Option<String>,
}

/// The one place the mirror reads a remote listing: MLSD when the server offers it (RFC 3659 §7,
/// exact sizes and UTC times), else LIST in the directory as [`list::entries`] reads it (CWD
/// first: a path argument to LIST is globbed by some servers, and names with `[` would list
/// something else). An MLSD of which no line can be read is taken again as LIST.
///
/// MLSD may say an entry is a link without saying where it leads (ProFTPD 1.3.8's
/// `type=OS.unix=symlink`, pure-ftpd 1.0.50's `type=OS.unix=slink:`): then one LIST of the same
/// directory gives the targets (`name -> target`), so such a link meets the same rules as one read
/// from LIST. A server that describes a link as what it points to (`type=dir`) gives no way to tell.
async fn list_dir(session: &mut Session, path: &[u8]) -> Result<Listing> {
    let mut entries = Vec::new();
    let mut unique = None;
    let mut unreadable = false;
    let mlsd = session.features().mlsd;
    if mlsd {
        // Read here rather than by list::entries: the entry parser passes over the cdir line.
        let mut parser = Parser::mlsd();
        let mut take = |got: Result<Entry, Unreadable>| match got {
            Ok(e) => entries.push(e),
            Err(_) => unreadable = true,
        };
        list::lines(session, list::Listing::Machine, Some(path), |line| {
            if unique.is_none() {
                unique = cdir_unique(line);
            }
            parser.push(line).for_each(&mut take);
            Ok(())
        })
        .await?;
        parser.finish().for_each(&mut take);
    }
    if !mlsd || (entries.is_empty() && unreadable) {
        session.expect(&Command::path("CWD", path)?, &[]).await?;
        list::entries(session, None, false, |e| {
            entries.push(e.clone());
            Ok(())
        })
        .await?;
        return Ok(Listing { entries, unique });
    }
    if entries.iter().any(|e| e.kind == Kind::Link && e.target.is_none()) {
        let mut targets = HashMap::new();
        session.expect(&Command::path("CWD", path)?, &[]).await?;
        list::entries(session, None, false, |e| {
            if let (Kind::Link, Some(t)) = (e.kind, &e.target) {
                targets.insert(e.name.clone(), t.clone());
            }
            Ok(())
        })
        .await?;
        for e in entries.iter_mut().filter(|e| e.kind == Kind::Link && e.target.is_none()) {
            e.target = targets.remove(&e.name);
        }
    }
    Ok(Listing { entries, unique })
}

/// The `unique` fact of an MLSD `type=cdir` line, as the entry parser would read it from a
/// `type=dir` line of the same directory.
fn cdir_unique(line: &[u8]) -> Option<String> {
    fact(line, b"type").filter(|t| t.eq_ignore_ascii_case(b"cdir"))?;
    fact(line, b"unique").map(|u| String::from_utf8_lossy(u).into_owned())
}

/// The value of fact `name` in an MLSD or MLST line (`fact=value;...; name`, RFC 3659 §7.2).
fn fact<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let facts = &line[..line.iter().position(|&b| b == b' ')?];
    facts.split(|&b| b == b';').find_map(|f| {
        let (key, value) = f.split_at(f.iter().position(|&b| b == b'=')?);
        key.eq_ignore_ascii_case(name).then_some(&value[1..])
    })
}

impl<O> Run<'_, '_, O>
where
    O: AsyncFn(&str) -> Result<Session>,
{
    /// The listing of `path`, and the server's LIST clock learned from it if not yet known.
    pub(super) async fn list(&self, path: &[u8]) -> Result<Listing> {
        let mut session = self.pool.get().await?;
        let listing = list_dir(&mut session, path).await;
        self.pool.put(session);
        let listing = listing.with_context(|| format!("could not list '{}'", escape(path)))?;
        self.learn_clock(path, &listing.entries).await;
        Ok(listing)
    }

    /// One MDTM, of the first file in `listing` with a server-local LIST time to the minute,
    /// tells how far ahead of UTC LIST times are ([`Clock`]).
    async fn learn_clock(&self, dir: &[u8], listing: &[Entry]) {
        if *self.clock.lock().unwrap_or_else(|e| e.into_inner()) != Clock::NotYet {
            return;
        }
        let local = |e: &&Entry| {
            e.kind == Kind::File
                && e.plain_name().is_some()
                && e.modified.is_some_and(|m| m.zone == Zone::ServerLocal && m.time.is_some())
        };
        let Some((entry, listed)) = listing.iter().find(local).and_then(|e| Some((e, stamp(e.modified.as_ref()?))))
        else {
            return;
        };
        let utc = match self.pool.get().await {
            Ok(mut session) => {
                let utc = if session.features().mdtm {
                    session.mdtm(&join(dir, &entry.name)).await.ok().flatten().as_deref().and_then(mdtm_secs)
                } else {
                    None
                };
                self.pool.put(session);
                utc
            }
            Err(_) => None,
        };
        let clock = utc.and_then(|utc| list_offset(listed.secs, utc)).map_or(Clock::Unknown, Clock::Ahead);
        *self.clock.lock().unwrap_or_else(|e| e.into_inner()) = clock;
    }

    /// A listing's time as a [`Stamp`] in UTC: [`stamp`], less the server's LIST offset once
    /// known. The time a downloaded file is given.
    pub(super) fn stamp_of(&self, m: &Modified) -> Stamp {
        let mut st = stamp(m);
        if let (Zone::ServerLocal, Clock::Ahead(offset)) =
            (m.zone, *self.clock.lock().unwrap_or_else(|e| e.into_inner()))
        {
            st.secs -= offset;
        }
        st
    }

    /// A listing's time as it is compared with the other side's: [`Run::stamp_of`], but a
    /// server-local date without a time (LIST's files older than about six months) spans every
    /// zone the server may be in, known offset or not. The offset is learned from the first file
    /// listed with a time (one MDTM), so a directory listed before it (a root holding only old
    /// files) would be compared one way and, in a run that learns it earlier (a new file in the
    /// root), the other: a file given one reading's time would look changed to the other and be
    /// copied again. A date alone is a day's precision anyway, and an old file that changes gets a
    /// recent time, to the minute.
    pub(super) fn compared(&self, m: &Modified) -> Stamp {
        match (m.zone, m.time) {
            (Zone::ServerLocal, None) => stamp(m).in_any_zone(),
            _ => self.stamp_of(m),
        }
    }

    /// The `unique` fact of directory `path` from MLST (RFC 3659 §7.2.2: the facts on a line of
    /// their own that starts with a space), for a server whose MLSD has no `type=cdir` line
    /// (pyftpdlib). `None` when refused or not given: the loop guard then works as it can.
    pub(super) async fn unique_of(&self, path: &[u8]) -> Option<String> {
        let mut session = self.pool.get().await.ok()?;
        let reply = match Command::path("MLST", path) {
            Ok(cmd) => session.expect(&cmd, &[]).await.ok(),
            Err(_) => None,
        };
        self.pool.put(session);
        let line = reply?.lines.into_iter().find(|l| l.starts_with(b" "))?;
        fact(&line[1..], b"unique").map(|u| String::from_utf8_lossy(u).into_owned())
    }

    pub(super) async fn mkdir(&self, path: &[u8]) -> Result<()> {
        let mut session = self.pool.get().await?;
        let r = session.expect(&Command::path("MKD", path)?, &[]).await;
        self.pool.put(session);
        r.map(|_| ()).with_context(|| format!("could not create directory '{}'", escape(path)))
    }

    /// DELE a file, or empty a directory depth first (its listing's safe names only) and RMD it.
    pub(super) async fn delete_remote(&self, path: &[u8], dir: bool) -> Result<()> {
        let mut session = self.pool.get().await?;
        let result = delete_tree(&mut session, path, dir).await;
        self.pool.put(session);
        result
    }
}

async fn delete_tree(session: &mut Session, path: &[u8], dir: bool) -> Result<()> {
    if !dir {
        session.expect(&Command::path("DELE", path)?, &[]).await?;
        return Ok(());
    }
    // (path, listed yet)
    let mut stack = vec![(path.to_vec(), false)];
    while let Some((p, listed)) = stack.pop() {
        if listed {
            session.expect(&Command::path("RMD", &p)?, &[]).await?;
            continue;
        }
        let entries = list_dir(session, &p).await?.entries;
        stack.push((p.clone(), true));
        for e in entries.into_iter().filter(|e| safe_local_name(&e.name).is_ok()) {
            let child = join(&p, &e.name);
            if e.kind == Kind::Dir {
                stack.push((child, false));
            } else {
                session.expect(&Command::path("DELE", &child)?, &[]).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cdir_line_gives_the_listed_directorys_unique_fact() {
        let u = |line: &[u8]| cdir_unique(line);
        assert_eq!(u(b"type=cdir;modify=20240101000000;unique=FE00U9C6425; .").as_deref(), Some("FE00U9C6425"));
        assert_eq!(u(b"Type=CDir;UNIQUE=fe00g1;UNIX.mode=0755; /srv/x").as_deref(), Some("fe00g1"));
        assert_eq!(u(b"type=dir;unique=FE00U1; sub"), None, "an entry, not the directory itself");
        assert_eq!(u(b"type=pdir;unique=FE00U1; .."), None);
        assert_eq!(u(b"type=cdir;modify=20240101000000; ."), None);
        assert_eq!(u(b"type=cdir;unique=FE00U1;"), None, "no name: not an MLSD line");
        assert_eq!(fact(b"type=dir;Unique=a=b;size=1; x", b"unique"), Some(&b"a=b"[..]));
        assert_eq!(fact(b"type=dir;size=1; unique=x", b"unique"), None, "a name is no fact");
        // The same value the entry parser reads from a `type=dir` line.
        let dir = crate::ftp::list::parse_mlsd(b"type=dir;unique=FE00U9C6425; sub").unwrap();
        assert_eq!(dir.unique, u(b"type=cdir;unique=FE00U9C6425; .."));
    }
}

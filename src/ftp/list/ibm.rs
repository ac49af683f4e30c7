//! IBM's formats: AS/400 / IBM i (`QSYS  77824 02/23/00 15:09:55 *DIR  QSYS.LIB/`), z/OS MVS
//! dataset listings (under the `Volume Unit Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname`
//! header) and PDS member listings (under ` Name VV.MM Created Changed Size Init Mod Id`, or a
//! load library's ` Name Size TTR Alias-of ...`), and z/VM CMS file listings.

use super::date::{self, Order};
use super::{Entry, Format, Kind, bytes, fields, text};

/// A z/OS header: `Some(false)` for the dataset header, `Some(true)` for a member header (what
/// follows may be member names alone).
pub(super) fn header(line: &[u8]) -> Option<bool> {
    let words: Vec<&[u8]> = fields(line).into_iter().map(|(_, w)| w).collect();
    match words.as_slice() {
        [b"Volume", b"Unit", b"Referred", ..] => Some(false),
        [b"Name", b"VV.MM", ..] | [b"Name", b"Size", b"TTR", ..] => Some(true),
        _ => None,
    }
}

/// A dataset name: qualifiers of 1 to 8 characters, each starting with a letter or `@#$`.
fn is_dsname(s: &[u8]) -> bool {
    s.len() <= 44 && s.split(|&b| b == b'.').all(is_qualifier)
}

fn is_qualifier(q: &[u8]) -> bool {
    (1..=8).contains(&q.len())
        && matches!(q[0], b'A'..=b'Z' | b'@' | b'#' | b'$')
        && q.iter().all(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b'@' | b'#' | b'$' | b'-'))
}

/// A z/OS dataset line: `SMS034 3390   2021/03/08  1   15  VB  255 27998  PS  DATA.SET`, and
/// the short forms for a migrated dataset, a pseudo directory (a qualifier with datasets under
/// it) and a dataset not on disk. A partitioned dataset (`PO`) is a directory of members.
pub(super) fn mvs(line: &[u8], _: time::Date) -> Option<Entry> {
    let f: Vec<&[u8]> = fields(line).into_iter().map(|(_, w)| w).collect();
    let name = *f.last()?;
    if !is_dsname(name) {
        return None;
    }
    let kind = match f.as_slice() {
        [b"Migrated", _] => Kind::Other,
        [b"Pseudo", b"Directory", _] => Kind::Dir,
        [_, b"Not", b"Direct", b"Access", b"Device", _] | [b"Error", b"determining", b"attributes", _] => Kind::Other,
        [_vol, _unit, referred, ext, used, recfm, lrecl, blksize, dsorg, _] => {
            let numbers = [ext, used, lrecl, blksize].iter().all(|n| bytes(n).is_some());
            if !numbers || !recfm.iter().all(u8::is_ascii_uppercase) {
                return None;
            }
            let mut e = Entry::new(name, dataset_kind(dsorg)?, Format::MvsDataset);
            if *referred != b"**NONE**" {
                let day = date::numeric(referred, &[Order::Ymd])?;
                e.modified = day.map(|d| date::Modified::local(d, None));
                e.modified_raw = Some(text(referred));
            }
            return Some(e);
        }
        _ => return None,
    };
    Some(Entry::new(name, kind, Format::MvsDataset))
}

fn dataset_kind(dsorg: &[u8]) -> Option<Kind> {
    Some(match dsorg {
        b"PO" | b"PO-E" => Kind::Dir,
        b"PS" | b"DA" => Kind::File,
        b"VS" | b"IS" | b"??" => Kind::Other,
        _ => return None,
    })
}

/// A member name: 1 to 8 characters, the first a letter or `@#$`.
fn is_member(s: &[u8]) -> bool {
    is_qualifier(s) && !s.contains(&b'-')
}

/// A PDS member with its ISPF statistics (`ADDRESS 01.03 2002/09/12 2002/10/11 09:37 11 11 0
/// KIL001`, the size in lines).
pub(super) fn member(line: &[u8], _: time::Date) -> Option<Entry> {
    member_stats(line, false)
}

/// A member with statistics, or (`load`, under a member header) a load module (`EAGKCPT
/// 000018 000007 ...`).
fn member_stats(line: &[u8], load: bool) -> Option<Entry> {
    let f: Vec<&[u8]> = fields(line).into_iter().map(|(_, w)| w).collect();
    let name = *f.first()?;
    if !is_member(name) || line.first().is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    let hex6 = |s: &&[u8]| s.len() == 6 && s.iter().all(u8::is_ascii_hexdigit);
    if let [_, vvmm, _created, changed, clock, size, _init, _mod, ..] = f.as_slice() {
        let vv = vvmm.len() == 5 && vvmm[2] == b'.' && vvmm.iter().filter(|b| b.is_ascii_digit()).count() == 4;
        if vv && let Some(day) = date::numeric(changed, &[Order::Ymd]) {
            let (time, _) = date::clock(clock)?;
            let mut e = Entry::new(name, Kind::File, Format::MvsMember);
            e.modified = day.map(|d| date::Modified::local(d, Some(time)));
            e.modified_raw = Some(format!("{} {}", text(changed), text(clock)));
            e.size_text = Some(format!("{} lines", bytes(size)?));
            return Some(e);
        }
    }
    if load && f.len() >= 3 && hex6(&f[1]) && hex6(&f[2]) {
        return Some(Entry::new(name, Kind::File, Format::MvsMember));
    }
    None
}

/// A member name alone on its line, as z/OS lists a PDS whose members have no statistics; read
/// only under a member header or from a server whose SYST said MVS.
pub(super) fn member_name(line: &[u8]) -> Option<Entry> {
    if let Some(e) = member_stats(line, true) {
        return Some(e);
    }
    let f = fields(line);
    (f.len() == 1 && is_member(f[0].1)).then(|| Entry::new(f[0].1, Kind::File, Format::MvsMember))
}

/// z/VM CMS: `PROFILE  EXEC  V  74  13  1 2001-05-21 13:10:43 VMSYSU`: file name, file type,
/// record format, record length, records, blocks, date, time, and the disk's label. The name to
/// ask for is `NAME.TYPE`; an SFS subdirectory has the type `DIR`.
pub(super) fn vm(line: &[u8], _: time::Date) -> Option<Entry> {
    let f: Vec<&[u8]> = fields(line).into_iter().map(|(_, w)| w).collect();
    if !(8..=9).contains(&f.len()) {
        return None;
    }
    let (fname, ftype, recfm) = (f[0], f[1], f[2]);
    let cms =
        |s: &[u8]| (1..=8).contains(&s.len()) && s.iter().all(|b| b.is_ascii_alphanumeric() || b"@#$+-_".contains(b));
    if !cms(fname) || !cms(ftype) || !matches!(recfm, b"F" | b"V" | b"-") {
        return None;
    }
    if !f[3..6].iter().all(|n| *n == b"-" || bytes(n).is_some()) {
        return None;
    }
    let day = date::numeric(f[6], &[Order::Ymd]).or_else(|| date::numeric(f[6], &[Order::Mdy]))?;
    let (time, _) = date::clock(f[7])?;
    let dir = ftype == b"DIR" && recfm == b"-";
    let name = if dir { fname.to_vec() } else { [fname, b".", ftype].concat() };
    let mut e = Entry::new(&name, if dir { Kind::Dir } else { Kind::File }, Format::Vm);
    e.modified = day.map(|d| date::Modified::local(d, Some(time)));
    e.modified_raw = Some(format!("{} {}", text(f[6]), text(f[7])));
    Some(e)
}

/// AS/400 / IBM i: owner, size, date, time, object type, name; or, for a member, owner, type
/// and name only. A name may be a path (`MYFILE.FILE/MBR1.MBR`, or `QGPL/QCLSRC` under
/// `NAMEFMT 0`): it is kept whole, with its type, and is never a plain name. `*DIR`, `*LIB`, `*FLR` and a `*FILE` whose name ends in `/` are directories.
/// The date's order is a job setting (`*MDY`, `*DMY`, `*YMD`): where the numbers allow more
/// than one, the date is left unknown.
pub(super) fn as400(line: &[u8], _: time::Date) -> Option<Entry> {
    let f = fields(line);
    let owner = f.first()?.1;
    if !owner.iter().all(|b| b.is_ascii_alphanumeric() || b"@#$_".contains(b)) || f[0].0 != 0 {
        return None;
    }
    let object = |s: &[u8]| s.len() >= 2 && s[0] == b'*' && s[1..].iter().all(u8::is_ascii_uppercase);
    let (type_at, stats) = if f.len() >= 3 && object(f[1].1) {
        (1, None)
    } else if f.len() >= 6 && object(f[4].1) {
        let size = bytes(f[1].1)?;
        let day = date::numeric(f[2].1, &[Order::Mdy, Order::Dmy, Order::Ymd])?;
        let (time, _) = date::clock(f[3].1)?;
        (
            4,
            Some((
                size,
                day.map(|d| date::Modified::local(d, Some(time))),
                format!("{} {}", text(f[2].1), text(f[3].1)),
            )),
        )
    } else {
        return None;
    };
    let (start, kind_text) = f[type_at];
    let raw = line[start + kind_text.len()..].trim_ascii();
    let (name, slash) = match raw.strip_suffix(b"/") {
        Some(n) => (n, true),
        None => (raw, false),
    };
    if name.is_empty() {
        return None;
    }
    let kind = match kind_text {
        b"*DIR" | b"*LIB" | b"*FLR" => Kind::Dir,
        b"*FILE" if slash => Kind::Dir,
        b"*FILE" | b"*MEM" | b"*STMF" | b"*DOC" | b"*USRSPC" | b"*SAVF" => Kind::File,
        _ if slash => Kind::Dir,
        _ => Kind::Other,
    };
    let mut e = Entry::new(name, kind, Format::As400);
    e.object_type = Some(text(kind_text));
    e.owner = Some(text(owner));
    if let Some((size, modified, raw)) = stats {
        e.size = Some(size);
        e.modified = modified;
        e.modified_raw = Some(raw);
    }
    Some(e)
}

//! The PC formats: MS-DOS / IIS (`04-27-00  12:09PM  <DIR>  name`) and OS/2
//! (`  36611      A          04-23-103  10:57  name`).

use super::date::{self, Order};
use super::{Entry, Format, Kind, bytes, fields, text};

/// A size with thousands separators (`1,234,567`, `1.234.567`, `1 234`) or none.
fn grouped(f: &[u8]) -> Option<u64> {
    if let Some(n) = bytes(f) {
        return Some(n);
    }
    let sep = *f.iter().find(|b| !b.is_ascii_digit())?;
    if !matches!(sep, b',' | b'.') {
        return None;
    }
    let groups: Vec<&[u8]> = f.split(|&b| b == sep).collect();
    let ok = (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3);
    if !ok {
        return None;
    }
    bytes(&groups.concat())
}

/// MS-DOS / IIS: a date (`MM-DD-YY`, `MM-DD-YYYY`, `YYYY-MM-DD`, `DD.MM.YYYY`), a time on a 12-
/// or 24-hour clock, `<DIR>` (or `<JUNCTION>`, `<SYMLINK>`, `<SYMLINKD>`) or a size, and the
/// name after the column's padding.
pub(super) fn dos(line: &[u8], _: time::Date) -> Option<Entry> {
    let f = fields(line);
    if f.len() < 4 {
        return None;
    }
    let d = f[0].1;
    if d.len() < 8 {
        return None;
    }
    let day = if d.get(4) == Some(&b'-') || d.get(4) == Some(&b'/') {
        date::numeric(d, &[Order::Ymd])?
    } else if d.contains(&b'.') {
        date::numeric(d, &[Order::Dmy])?
    } else {
        // IIS writes the month first whatever the locale; a first part over 12 is a day.
        date::numeric(d, &[Order::Mdy]).or_else(|| date::numeric(d, &[Order::Dmy]))?
    };
    // `10:15AM`, `10:15 AM`, `10:15`.
    let (time, mut i) = match date::clock12(f[1].1, None) {
        Some(t) if f[1].1.contains(&b':') => (t, 2),
        _ => return None,
    };
    let time = match f.get(2).map(|(_, t)| *t) {
        Some(ap) if ap.eq_ignore_ascii_case(b"AM") || ap.eq_ignore_ascii_case(b"PM") => {
            i = 3;
            date::clock12(f[1].1, Some(ap))?
        }
        _ => time,
    };
    let (col_start, col) = *f.get(i)?;
    let (kind, size) = match col {
        b"<DIR>" => (Kind::Dir, None),
        b"<JUNCTION>" | b"<SYMLINK>" | b"<SYMLINKD>" => (Kind::Link, None),
        _ => (Kind::File, Some(grouped(col)?)),
    };
    f.get(i + 1)?;
    let name = line[col_start + col.len()..].trim_ascii_start();
    let mut e = Entry::new(name, kind, Format::Dos);
    // `name [target]` for a junction or symbolic link (`dir` shows it so).
    if kind == Kind::Link
        && let Some(open) = name.iter().rposition(|&b| b == b'[')
        && name.ends_with(b"]")
        && open > 0
    {
        e.name = name[..open].trim_ascii_end().to_vec();
        e.target = Some(name[open + 1..name.len() - 1].to_vec());
    }
    e.size = size;
    e.modified = day.map(|d| date::Modified::local(d, Some(time)));
    e.modified_raw = Some(text(&line[f[0].0..f[i - 1].0 + f[i - 1].1.len()]));
    Some(e)
}

/// OS/2: size, attributes (`DIR`, `A`, `R`, `H`, `S`), `MM-DD-YY` (three-digit years count from
/// 1900), `HH:MM`, and the name.
pub(super) fn os2(line: &[u8], _: time::Date) -> Option<Entry> {
    let f = fields(line);
    let size = bytes(f.first()?.1)?;
    let mut dir = false;
    let mut i = 1;
    while let Some((_, a)) = f.get(i) {
        match *a {
            b"DIR" => dir = true,
            b"A" | b"R" | b"H" | b"S" => {}
            _ => break,
        }
        i += 1;
    }
    let (d, t) = (f.get(i)?.1, f.get(i + 1)?.1);
    if d.len() < 8 || d.get(2) != Some(&b'-') {
        return None;
    }
    let day = date::numeric(d, &[Order::Mdy])?;
    let (time, seconds) = date::clock(t)?;
    let (t_start, _) = f[i + 1];
    f.get(i + 2)?;
    if seconds {
        return None;
    }
    let name = line[t_start + t.len()..].trim_ascii_start();
    let mut e = Entry::new(name, if dir { Kind::Dir } else { Kind::File }, Format::Os2);
    e.size = Some(size);
    e.modified = day.map(|d| date::Modified::local(d, Some(time)));
    e.modified_raw = Some(text(&line[f[i].0..t_start + t.len()]));
    Some(e)
}

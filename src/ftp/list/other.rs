//! Formats of single systems: HP NonStop (Guardian), OS-9, and VxWorks (whose FTP server runs
//! on Nortel and other appliances).

use super::date::{self, Order};
use super::{Entry, Format, Kind, bytes, fields, text};

/// HP NonStop Guardian: `ALTERR   0   0  15-Sep-98 11:33:54  255,255 "oooo"`: file name, file
/// code, end of file (bytes), date, time, owner `group,user`, and the security string.
pub(super) fn nonstop(line: &[u8], _: time::Date) -> Option<Entry> {
    let f: Vec<&[u8]> = fields(line).into_iter().map(|(_, w)| w).collect();
    let [name, code, eof, day, clock, owner, security] = f[..] else { return None };
    let guardian =
        (1..=8).contains(&name.len()) && name[0].is_ascii_alphabetic() && name.iter().all(u8::is_ascii_alphanumeric);
    let code = code.strip_suffix(b"O").unwrap_or(code);
    let owner_ok = owner.split(|&b| b == b',').all(|p| bytes(p).is_some()) && owner.contains(&b',');
    let security_ok = security.len() == 6 && security[0] == b'"' && security[5] == b'"';
    if !guardian || bytes(code).is_none() || !owner_ok || !security_ok {
        return None;
    }
    let day = date::with_month_name(day)?;
    let (time, _) = date::clock(clock)?;
    let mut e = Entry::new(name, Kind::File, Format::Nonstop);
    e.size = Some(bytes(eof)?);
    e.modified = Some(date::Modified::local(day, Some(time)));
    e.modified_raw = Some(format!("{} {}", text(f[3]), text(f[4])));
    e.owner = Some(text(owner));
    e.perm = Some(text(&security[1..5]));
    Some(e)
}

/// OS-9: `   0.0  93/03/26 1212  d-ewrewr  4B0  1A0 CMDS`: owner `group.user`, `YY/MM/DD`,
/// `HHMM`, attributes (`d` for a directory), the first sector and the byte count in hex, the
/// name.
pub(super) fn os9(line: &[u8], _: time::Date) -> Option<Entry> {
    let f = fields(line);
    if f.len() < 7 {
        return None;
    }
    let w = |i: usize| f[i].1;
    let owner_ok = w(0).split(|&b| b == b'.').count() == 2 && w(0).split(|&b| b == b'.').all(|p| bytes(p).is_some());
    let attrs = w(3);
    let attrs_ok = attrs.len() == 8 && attrs.iter().zip(b"dsewrewr").all(|(a, l)| a == l || *a == b'-');
    let hex = |s: &[u8]| !s.is_empty() && s.len() <= 16 && s.iter().all(u8::is_ascii_hexdigit);
    if !owner_ok || !attrs_ok || !hex(w(4)) || !hex(w(5)) || w(2).len() != 4 {
        return None;
    }
    let day = date::numeric(w(1), &[Order::Ymd])?;
    let clock = w(2);
    let time = date::hms(date::num(&clock[..2], 2)?, date::num(&clock[2..], 2)?, 0)?;
    let size = u64::from_str_radix(std::str::from_utf8(w(5)).ok()?, 16).ok()?;
    let name = line[f[5].0 + w(5).len()..].trim_ascii_start();
    let mut e = Entry::new(name, if attrs[0] == b'd' { Kind::Dir } else { Kind::File }, Format::Os9);
    e.size = Some(size);
    e.modified = day.map(|d| date::Modified::local(d, Some(time)));
    e.modified_raw = Some(format!("{} {}", text(w(1)), text(clock)));
    e.owner = Some(text(w(0)));
    e.perm = Some(text(attrs));
    Some(e)
}

/// VxWorks (`ls` on its dosFs, as its FTP server sends it): `  12345  JUL-30-2008  13:10:24
/// name`, a directory marked `<DIR>` after its name, the name column padded with spaces.
pub(super) fn vxworks(line: &[u8], _: time::Date) -> Option<Entry> {
    let f = fields(line);
    if f.len() < 4 {
        return None;
    }
    let size = bytes(f[0].1)?;
    let day = date::with_month_name(f[1].1)?;
    if f[1].1.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (time, _) = date::clock(f[2].1)?;
    let rest = line[f[2].0 + f[2].1.len()..].trim_ascii();
    let (name, kind) = match rest.strip_suffix(b"<DIR>") {
        Some(n) => (n.trim_ascii_end(), Kind::Dir),
        None => (rest, Kind::File),
    };
    if name.is_empty() {
        return None;
    }
    let mut e = Entry::new(name, kind, Format::Vxworks);
    e.size = (kind == Kind::File).then_some(size);
    e.modified = Some(date::Modified::local(day, Some(time)));
    e.modified_raw = Some(text(&line[f[1].0..f[2].0 + f[2].1.len()]));
    Some(e)
}

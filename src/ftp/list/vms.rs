//! OpenVMS (UCX, MultiNet, TCPware): `NAME.EXT;VERSION  size  D-MON-YYYY HH:MM:SS  [owner]
//! (RWED,RWED,RE,)`, the size in 512-byte blocks (`used` or `used/allocated`), a directory named
//! `NAME.DIR;1`. A name too long for its column stands alone on its line and the rest of the
//! entry follows, indented, on the next ([`super::Parser`] joins them).

use super::{Entry, Format, Kind, date, fields, text};

/// `NAME.EXT;12`: a name with a dot, then `;` and a version number.
fn is_vms_name(f: &[u8]) -> bool {
    let Some(semi) = f.iter().rposition(|&b| b == b';') else { return false };
    let (name, version) = (&f[..semi], &f[semi + 1..]);
    !version.is_empty()
        && version.len() <= 5
        && version.iter().all(u8::is_ascii_digit)
        && name.contains(&b'.')
        && name.iter().all(|b| b.is_ascii_graphic() && *b != b';')
}

/// The first line of an entry split over two: the name alone, at the start of the line.
pub(super) fn is_name_alone(line: &[u8]) -> bool {
    let f = fields(line);
    f.len() == 1 && f[0].0 == 0 && is_vms_name(f[0].1)
}

pub(super) fn parse(line: &[u8], _: time::Date) -> Option<Entry> {
    let f = fields(line);
    let (name, size, day, clock) = (f.first()?.1, f.get(1)?.1, f.get(2)?.1, f.get(3)?.1);
    if f[0].0 != 0 || !is_vms_name(name) {
        return None;
    }
    let blocks = size.split(|&b| b == b'/').collect::<Vec<_>>();
    if blocks.len() > 2 || blocks.iter().any(|b| b.is_empty() || !b.iter().all(u8::is_ascii_digit)) {
        return None;
    }
    let day = date::with_month_name(day)?;
    let (time, _) = date::clock(clock)?;
    let mut e = Entry::new(name, Kind::File, Format::Vms);
    let upper = name.to_ascii_uppercase();
    if upper.windows(5).any(|w| w == b".DIR;") {
        e.kind = Kind::Dir;
    }
    e.size_text = Some(text(size));
    e.modified = Some(date::Modified::local(day, Some(time)));
    e.modified_raw = Some(text(&line[f[2].0..f[3].0 + clock.len()]));
    // `[GROUP,OWNER]` (spaces allowed inside) then `(RWED,RWED,RE,)`, each optional.
    let mut rest = line[f[3].0 + clock.len()..].trim_ascii();
    while let Some(&open) = rest.first() {
        let close = match open {
            b'[' => b']',
            b'(' => b')',
            _ => return None,
        };
        let end = rest.iter().position(|&b| b == close)?;
        let inner = text(&rest[1..end]);
        if open == b'[' {
            e.owner = Some(inner)
        } else {
            e.perm = Some(inner)
        }
        rest = rest[end + 1..].trim_ascii_start();
    }
    Some(e)
}

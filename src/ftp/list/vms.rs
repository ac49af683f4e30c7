//! OpenVMS (UCX, MultiNet, TCPware): `NAME.EXT;VERSION  size  D-MON-YYYY HH:MM:SS  [owner]
//! (RWED,RWED,RE,)`, the size in 512-byte blocks (`used` or `used/allocated`), a directory named
//! `NAME.DIR;1`. A name too long for its column stands alone on its line and the rest of the
//! entry follows, indented, on the next ([`super::Parser`] joins them).
//!
//! The entry's name is the one to ask for and to write locally, as lftp and djb's ftpparse read
//! these listings: `README.TXT;3` is `README.TXT` (version 3, in [`Entry::version`]), and
//! `SUB.DIR;1` is the directory `SUB`. The bare name is the newest version to the server (RETR
//! `README.TXT` sends `;3`), and [`super::Parser`] keeps only the highest version of a name, so
//! two versions never become two local files, nor one written twice.

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
    let semi = name.iter().rposition(|&b| b == b';')?;
    let (base, version) = (&name[..semi], &name[semi + 1..]);
    let dir = base.len() > 4 && base[base.len() - 4..].eq_ignore_ascii_case(b".DIR");
    let mut e = if dir {
        Entry::new(&base[..base.len() - 4], Kind::Dir, Format::Vms)
    } else {
        Entry::new(base, Kind::File, Format::Vms)
    };
    e.version = Some(std::str::from_utf8(version).ok()?.parse().ok()?);
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

/// Whether a reply to LIST, or a line of its data, says the directory is there and empty: VMS
/// answers a wildcard that finds nothing with `%RMS-E-FNF, file not found` (in a 550, or as the
/// listing's only line), or DIRECTORY's `%DIRECT-W-NOFILES, no files found`. A missing directory
/// is `%RMS-E-DNF` and stays an error.
pub fn says_no_files(text: &[u8]) -> bool {
    let upper = text.to_ascii_uppercase();
    [&b"%RMS-E-FNF"[..], b"%DIRECT-W-NOFILES"].iter().any(|m| upper.windows(m.len()).any(|w| w == *m))
}

//! `ls -l` lines and the formats built like them: the permissions first, then links, owner,
//! group (any of which may be missing, or be joined by a domain), the size, a date in one of
//! many forms, and the name after exactly one space; NetPresenz (`folder` in the owner column)
//! and VShell read as `ls -l`. NetWare's `d [RWCEAFMS] owner size date name` is here too.

use super::{Entry, Format, Kind, bytes, date, fields, text};

/// The permissions column: a type letter and nine `rwx` letters (a trailing `+`, `@` or `.`
/// for ACLs and attributes dropped), or a type letter and an octal mode (`d755`).
fn perm_field(f: &[u8]) -> Option<(Kind, &[u8])> {
    let kind = match f.first()? {
        b'-' => Kind::File,
        b'd' => Kind::Dir,
        b'l' => Kind::Link,
        b'b' | b'c' | b'p' | b's' | b'D' => Kind::Other,
        _ => return None,
    };
    let rest = &f[1..];
    let rest = match rest {
        [r @ .., b'+' | b'@' | b'.' | b'*'] if r.len() == 9 => r,
        _ => rest,
    };
    let letters = rest.len() == 9 && rest.iter().all(|b| b"-rwxsStTlL?".contains(b));
    let octal = (3..=4).contains(&rest.len()) && rest.iter().all(|b| (b'0'..=b'7').contains(b));
    (letters || octal).then_some((kind, rest))
}

/// How the column before the date reads as a size.
enum Size {
    Bytes(u64),
    /// `33.5k`, `1.2M`: the listing rounded it.
    Rounded,
    /// `ftpusers1234`: a long group name ran into the size; where one ends is unknown.
    RunIn,
}

fn size(f: &[u8]) -> Option<Size> {
    if let Some(n) = bytes(f) {
        return Some(Size::Bytes(n));
    }
    let unit = matches!(f.last()?, b'k' | b'K' | b'm' | b'M' | b'g' | b'G' | b't' | b'T');
    let number = &f[..f.len() - 1];
    let sep = number.iter().filter(|b| matches!(b, b'.' | b',')).count();
    if unit
        && sep <= 1
        && number.first()?.is_ascii_digit()
        && number.iter().all(|b| b.is_ascii_digit() || *b == b'.' || *b == b',')
    {
        return Some(Size::Rounded);
    }
    let digits = f.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    (digits > 0 && digits < f.len() && f[..f.len() - digits].iter().all(u8::is_ascii_alphabetic)).then_some(Size::RunIn)
}

/// The date that starts at field `i`, and the byte offset just after it.
fn date_at(f: &[(usize, &[u8])], i: usize, today: time::Date) -> Option<(Option<date::Modified>, usize, usize)> {
    let tokens: Vec<&[u8]> = f[i..f.len().min(i + 5)].iter().map(|(_, t)| *t).collect();
    let (m, n) = date::unix(&tokens, today)?;
    let (start, last) = f[i + n - 1];
    Some((m, start + last.len(), n))
}

/// An `ls -l` line.
pub(super) fn parse(line: &[u8], today: time::Date) -> Option<Entry> {
    let f = fields(line);
    let (kind, perm) = perm_field(f.first()?.1)?;
    // The date is the first place where a date follows a size; a size the listing rounded or
    // ran into the group is taken only where no exact one fits. A date that opens with a bare
    // number (`1994 Nov 30 07:58`, read year first) is taken only where no other date fits:
    // in `1001 1001 1994 Nov 30 07:58 f` (numeric owner and group, vsftpd's default) the 1994
    // is the size, not a year.
    for (allow_inexact, allow_number_first) in [(false, false), (false, true), (true, true)] {
        for i in 2..f.len() {
            let Some(sz) = size(f[i - 1].1) else { continue };
            if !allow_inexact && !matches!(sz, Size::Bytes(_)) {
                continue;
            }
            if !allow_number_first && f[i].1.iter().all(u8::is_ascii_digit) {
                continue;
            }
            let Some((modified, end, n)) = date_at(&f, i, today) else { continue };
            // Exactly one separator between the date and the name; more belong to the name.
            let Some(name) = line.get(end + 1..).filter(|n| !n.is_empty() && line[end].is_ascii_whitespace()) else {
                continue;
            };
            if i + n >= f.len() {
                continue;
            }
            let mut e = Entry::new(name, kind, Format::Unix);
            if kind == Kind::Link
                && let Some(arrow) = name.windows(4).position(|w| w == b" -> ")
            {
                e.name = name[..arrow].to_vec();
                e.target = Some(name[arrow + 4..].to_vec());
            }
            if e.name.is_empty() {
                return None;
            }
            match sz {
                Size::Bytes(n) => e.size = Some(n),
                Size::Rounded => e.size_text = Some(text(f[i - 1].1)),
                Size::RunIn => {}
            }
            let (start, _) = f[i];
            e.modified_raw = Some(text(&line[start..end]));
            e.modified = modified;
            e.perm = Some(text(perm));
            let middle: Vec<&[u8]> = f[1..i - 1].iter().map(|(_, t)| *t).collect();
            let people = match middle.as_slice() {
                [links, rest @ ..] if bytes(links).is_some() && !rest.is_empty() => rest,
                all => all,
            };
            e.owner = people.first().map(|o| text(o));
            e.group = people.get(1).map(|g| text(g));
            return Some(e);
        }
    }
    None
}

/// NetWare: `d [RWCEAFMS] owner      512       Jan 16 18:53    login`, the name after the
/// date's padding.
pub(super) fn netware(line: &[u8], today: time::Date) -> Option<Entry> {
    let f = fields(line);
    let kind = match f.first()?.1 {
        b"d" => Kind::Dir,
        b"-" => Kind::File,
        _ => return None,
    };
    let rights = f.get(1)?.1;
    if !(rights.starts_with(b"[") && rights.ends_with(b"]") && rights.len() >= 3) {
        return None;
    }
    for i in 3..f.len().min(5) {
        let Some(n) = bytes(f[i - 1].1) else { continue };
        let Some((modified, end, used)) = date_at(&f, i, today) else { continue };
        if i + used >= f.len() {
            continue;
        }
        let name = line[end..].trim_ascii_start();
        let mut e = Entry::new(name, kind, Format::Netware);
        e.size = Some(n);
        e.modified = modified;
        e.modified_raw = Some(text(&line[f[i].0..end]));
        e.perm = Some(text(&rights[1..rights.len() - 1]));
        e.owner = (i == 4).then(|| text(f[2].1));
        return Some(e);
    }
    None
}

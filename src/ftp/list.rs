//! Directory listings: MLSD entries (RFC 3659 §7, machine-readable facts) and LIST lines (not
//! standardised: Unix `ls -l` style and the DOS/IIS style are the two seen in practice).

/// Longest listing line accepted; a longer one is an error, so a hostile listing cannot grow
/// memory without bound.
pub const MAX_LIST_LINE: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    File,
    Dir,
    Link,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name exactly as the server sent it.
    pub name: Vec<u8>,
    pub kind: Kind,
    pub size: Option<u64>,
    /// `YYYYMMDDHHMMSS` (UTC) from MLSD, or the listing's own date text from LIST.
    pub modified: Option<String>,
    /// Unix permissions (`rwxr-xr-x`) from LIST, or the MLSD `perm` / `unix.mode` fact.
    pub perm: Option<String>,
    /// The target of a symbolic link, when LIST shows one.
    pub target: Option<Vec<u8>>,
}

/// One MLSD line: `fact=value;fact=value; name`. `None` for a line that is not one, and for the
/// `cdir`/`pdir` entries (the directory itself and its parent).
pub fn parse_mlsd(line: &[u8]) -> Option<Entry> {
    let space = line.iter().position(|&b| b == b' ')?;
    let (facts, name) = (&line[..space], &line[space + 1..]);
    if name.is_empty() {
        return None;
    }
    let mut entry =
        Entry { name: name.to_vec(), kind: Kind::Other, size: None, modified: None, perm: None, target: None };
    for fact in facts.split(|&b| b == b';').filter(|f| !f.is_empty()) {
        let eq = fact.iter().position(|&b| b == b'=')?;
        let key = String::from_utf8_lossy(&fact[..eq]).to_ascii_lowercase();
        let value = String::from_utf8_lossy(&fact[eq + 1..]).into_owned();
        match key.as_str() {
            "type" => {
                entry.kind = match value.to_ascii_lowercase().as_str() {
                    "file" => Kind::File,
                    "dir" => Kind::Dir,
                    "cdir" | "pdir" => return None,
                    v if v.starts_with("os.unix=symlink") || v.starts_with("os.unix=slink") => Kind::Link,
                    _ => Kind::Other,
                }
            }
            "size" => entry.size = value.parse().ok(),
            "modify" => entry.modified = Some(value),
            "unix.mode" => entry.perm = Some(value),
            "perm" if entry.perm.is_none() => entry.perm = Some(value),
            _ => {}
        }
    }
    Some(entry)
}

/// One LIST line, Unix or DOS style. `None` for what is not an entry (`total 12`, blank lines,
/// or anything unparsable), and for `.` and `..`.
pub fn parse_list(line: &[u8]) -> Option<Entry> {
    let entry = parse_unix(line).or_else(|| parse_dos(line))?;
    (entry.name != b"." && entry.name != b"..").then_some(entry)
}

/// Whether a line that gives no entry never gives one: a blank line, the `total N` line of
/// `ls -l`, the `.` and `..` entries, MLSD's `cdir` and `pdir`. Any other line without an entry
/// is one the parsers could not read.
pub fn is_not_an_entry(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    if line.is_empty() {
        return true;
    }
    if let Some(n) = line.strip_prefix(b"total ") {
        return n.trim_ascii().iter().all(u8::is_ascii_digit);
    }
    let facts = line.split(|&b| b == b' ').next().unwrap_or_default().to_ascii_lowercase();
    if find(&facts, b"type=cdir").is_some() || find(&facts, b"type=pdir").is_some() {
        return true;
    }
    matches!(line.rsplit(|&b| b == b' ').next(), Some(b"." | b".."))
}

/// Splits off `n` whitespace-separated fields; returns them and the rest after one separator run.
fn fields(line: &[u8], n: usize) -> Option<(Vec<&[u8]>, &[u8])> {
    let mut out = Vec::with_capacity(n);
    let mut rest = line;
    for _ in 0..n {
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        rest = &rest[start..];
        let end = rest.iter().position(|b| b.is_ascii_whitespace())?;
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    // Exactly one space separates the date from the name; more belong to the name.
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    Some((out, rest))
}

/// `drwxr-xr-x 2 user group 4096 Jan 1 12:00 name` (and the 8-field form without a group).
fn parse_unix(line: &[u8]) -> Option<Entry> {
    let kind = match line.first()? {
        b'-' => Kind::File,
        b'd' => Kind::Dir,
        b'l' => Kind::Link,
        b'b' | b'c' | b'p' | b's' => Kind::Other,
        _ => return None,
    };
    // With a group: perm links user group size month day time name; without: one field fewer.
    let with_group = fields(line, 8).filter(|(f, _)| is_size(f[4]) && is_month(f[5]));
    let (f, size, date, name) = match with_group {
        Some((f, name)) => (f.clone(), f[4], [f[5], f[6], f[7]], name),
        None => {
            let (f, name) = fields(line, 7).filter(|(f, _)| is_size(f[3]) && is_month(f[4]))?;
            (f.clone(), f[3], [f[4], f[5], f[6]], name)
        }
    };
    if f[0].len() < 10 {
        return None;
    }
    let (name, target) = match (kind, find(name, b" -> ")) {
        (Kind::Link, Some(i)) => (&name[..i], Some(name[i + 4..].to_vec())),
        _ => (name, None),
    };
    // Checked after the link is split off: `name -> target` with nothing before the arrow.
    if name.is_empty() {
        return None;
    }
    Some(Entry {
        name: name.to_vec(),
        kind,
        size: std::str::from_utf8(size).ok()?.parse().ok(),
        modified: Some(date.map(|d| String::from_utf8_lossy(d).into_owned()).join(" ")),
        perm: Some(String::from_utf8_lossy(&f[0][1..10]).into_owned()),
        target,
    })
}

fn is_size(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

fn is_month(s: &[u8]) -> bool {
    const MONTHS: [&[u8]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    s.len() == 3 && MONTHS.iter().any(|m| m.eq_ignore_ascii_case(s))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `01-31-24  10:15AM       <DIR>          name` or `... 1234 name` (IIS).
fn parse_dos(line: &[u8]) -> Option<Entry> {
    let (f, name) = fields(line, 3)?;
    let date_ok = f[0].len() >= 8 && f[0].iter().all(|b| b.is_ascii_digit() || *b == b'-' || *b == b'/');
    let time_ok = f[1].contains(&b':');
    // IIS pads the size column with spaces: the name starts after them, and must be something.
    let name = name.trim_ascii_start();
    if !date_ok || !time_ok || name.is_empty() {
        return None;
    }
    let (kind, size) = if f[2] == b"<DIR>" {
        (Kind::Dir, None)
    } else {
        (Kind::File, Some(std::str::from_utf8(f[2]).ok()?.parse().ok()?))
    };
    Some(Entry {
        name: name.to_vec(),
        kind,
        size,
        modified: Some(format!("{} {}", String::from_utf8_lossy(f[0]), String::from_utf8_lossy(f[1]))),
        perm: None,
        target: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mlsd_facts() {
        let e = parse_mlsd(b"type=file;size=1024;modify=20240131101500;perm=r; a b.txt").unwrap();
        assert_eq!((e.name.as_slice(), e.kind, e.size), (&b"a b.txt"[..], Kind::File, Some(1024)));
        assert_eq!(e.modified.as_deref(), Some("20240131101500"));
        assert_eq!(parse_mlsd(b"Type=DIR;Modify=20240101000000; sub").unwrap().kind, Kind::Dir);
        assert!(parse_mlsd(b"type=cdir; .").is_none());
        assert!(parse_mlsd(b"type=pdir; ..").is_none());
        assert!(parse_mlsd(b"garbage").is_none());
    }

    #[test]
    fn unix_list_lines() {
        let e = parse_list(b"-rw-r--r--    1 1000     1000      1048576 Jan 31 10:15 big file.bin").unwrap();
        assert_eq!((e.name.as_slice(), e.kind, e.size), (&b"big file.bin"[..], Kind::File, Some(1048576)));
        assert_eq!(e.perm.as_deref(), Some("rw-r--r--"));
        let l = parse_list(b"lrwxrwxrwx 1 root root 7 Feb  1  2023 bin -> usr/bin").unwrap();
        assert_eq!((l.kind, l.name.as_slice(), l.target.as_deref()), (Kind::Link, &b"bin"[..], Some(&b"usr/bin"[..])));
        let d = parse_list(b"drwxr-xr-x 2 ftp 4096 Jan 1 2020 pub").unwrap();
        assert_eq!((d.kind, d.name.as_slice()), (Kind::Dir, &b"pub"[..]));
        assert_eq!(parse_list(b"-rw-r--r-- 1 u g 5 Jan 1 12:00 caf\xe9").unwrap().name, b"caf\xe9");
    }

    #[test]
    fn dos_list_lines() {
        let e = parse_list(b"01-31-24  10:15AM       <DIR>          Sub Dir").unwrap();
        assert_eq!((e.kind, e.name.as_slice()), (Kind::Dir, &b"Sub Dir"[..]));
        let f = parse_list(b"01-31-24  10:15AM                 1234 a.txt").unwrap();
        assert_eq!((f.kind, f.size), (Kind::File, Some(1234)));
    }

    #[test]
    fn lines_that_never_give_an_entry_are_told_from_unparsable_ones() {
        for line in
            [&b""[..], b"  ", b"total 12", b"drwxr-xr-x 2 u g 4096 Jan 1 12:00 ..", b"type=cdir; /x", b"Type=PDir; .."]
        {
            assert!(is_not_an_entry(line), "{line:?}");
        }
        for line in [&b"hello world"[..], b"-rw-r--r-- 1 u g NaN Jan 1 12:00 f", b"total lots"] {
            assert!(!is_not_an_entry(line), "{line:?}");
        }
    }

    #[test]
    fn dos_line_with_only_spaces_for_a_name_is_not_an_entry() {
        // Found by the `listing` fuzz target: the name was checked before its padding was trimmed.
        assert!(parse_list(b" 01-31-24  /0:15AM       <DIR>      ").is_none());
        assert!(parse_list(b"01-31-24  10:15AM                 1234    ").is_none());
    }

    #[test]
    fn link_line_with_nothing_before_the_arrow_is_not_an_entry() {
        // Found by the `listing` fuzz target: the name was checked before the ` -> target` split.
        assert!(parse_list(b"lrwxrwxrwx 1 root root 7 Feb  1  2023  -> bin").is_none());
        let l = parse_list(b"lrwxrwxrwx 1 root root 7 Feb  1  2023 a -> ").unwrap();
        assert_eq!((l.name.as_slice(), l.target.as_deref()), (&b"a"[..], Some(&b""[..])));
    }

    #[test]
    fn not_entries() {
        for line in [
            &b"total 12"[..],
            b"",
            b"drwxr-xr-x 2 u g 4096 Jan 1 12:00 .",
            b"drwxr-xr-x 2 u g 4096 Jan 1 12:00 ..",
            b"hello world",
        ] {
            assert!(parse_list(line).is_none(), "{line:?}");
        }
    }
}

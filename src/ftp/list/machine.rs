//! The machine-readable formats: MLSD (RFC 3659 §7) and EPLF (D. J. Bernstein's Easily Parsed
//! LIST Format, `+facts,\tname`).

use super::{Entry, Format, Kind, Read, bytes, date, text};

/// One MLSD line: `fact=value;fact=value; name` (RFC 3659 §7.2). The name is everything after
/// the first space, which ends the facts: exactly one space, so a name may start with spaces or
/// hold tabs. Fact names and the values of `type` are case-insensitive (§7.1); a last fact
/// without its `;` is read too, as servers send it.
pub(super) fn mlsd(line: &[u8]) -> Read {
    let Some(space) = line.iter().position(|&b| b == b' ') else { return Read::No };
    let (facts, name) = (&line[..space], &line[space + 1..]);
    if name.is_empty() || facts.iter().any(|b| b.is_ascii_whitespace()) {
        return Read::No;
    }
    let mut e = Entry::new(name, Kind::Unknown, Format::Mlsd);
    let (mut mode, mut perm, mut uid, mut gid) = (None, None, None, None);
    let mut any = false;
    for fact in facts.split(|&b| b == b';').filter(|f| !f.is_empty()) {
        let Some(eq) = fact.iter().position(|&b| b == b'=') else { return Read::No };
        let (key, value) = (text(&fact[..eq]).to_ascii_lowercase(), text(&fact[eq + 1..]));
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
            return Read::No;
        }
        any = true;
        match key.as_str() {
            "type" => {
                let lower = value.to_ascii_lowercase();
                e.kind = match lower.as_str() {
                    "file" => Kind::File,
                    "dir" => Kind::Dir,
                    "cdir" | "pdir" => return Read::Skip,
                    _ => match lower.strip_prefix("os.unix=") {
                        // `OS.unix=slink:/target` (and `symlink`): RFC 3659 §7.5.1's example.
                        // pure-ftpd 1.0.50 sends `slink:` with nothing after it, ProFTPD 1.3.8
                        // `symlink` alone: a link whose target this line does not give.
                        Some(t) if t.starts_with("slink") || t.starts_with("symlink") => {
                            if let Some((_, target)) = value.split_once(':').filter(|(_, t)| !t.is_empty()) {
                                e.target = Some(target.as_bytes().to_vec());
                            }
                            Kind::Link
                        }
                        _ => Kind::Other,
                    },
                }
            }
            "size" | "sizd" => e.size = value.parse().ok(),
            "modify" => {
                e.modified = date::mlsd(&value);
                e.modified_raw = Some(value);
            }
            "perm" => perm = Some(value),
            "unique" => e.unique = Some(value),
            "unix.mode" => mode = Some(value),
            "unix.owner" | "unix.ownername" | "unix.user" => e.owner = Some(value),
            "unix.group" | "unix.groupname" => e.group = Some(value),
            "unix.uid" => uid = Some(value),
            "unix.gid" => gid = Some(value),
            _ => {}
        }
    }
    // RFC 3659 §7.2: the facts are optional (`entry = [facts] SP pathname`).
    if !any && !facts.is_empty() {
        return Read::No;
    }
    e.perm = mode.or(perm);
    e.owner = e.owner.or(uid);
    e.group = e.group.or(gid);
    Read::Entry(Box::new(e))
}

/// `+i8388621.48594,m825718503,r,s280,\tdjb.html`: comma-separated facts after `+`, a tab, the
/// name. `/` says the name can be changed into, `r` that it can be retrieved, `s` the size in
/// bytes, `m` the modification time in seconds since 1970 UTC, `up` the Unix mode in octal.
pub(super) fn eplf(line: &[u8], _: time::Date) -> Option<Entry> {
    let rest = line.strip_prefix(b"+")?;
    let tab = rest.iter().position(|&b| b == b'\t')?;
    let (facts, name) = (&rest[..tab], &rest[tab + 1..]);
    if name.is_empty() {
        return None;
    }
    let (mut dir, mut file) = (false, false);
    let mut e = Entry::new(name, Kind::Other, Format::Eplf);
    for fact in facts.split(|&b| b == b',').filter(|f| !f.is_empty()) {
        match fact {
            b"/" => dir = true,
            b"r" => file = true,
            [b's', n @ ..] => e.size = Some(bytes(n)?),
            [b'm', n @ ..] => {
                e.modified = date::unix_seconds(i64::try_from(bytes(n)?).ok()?);
                e.modified_raw = Some(text(n));
            }
            [b'u', b'p', n @ ..] if !n.is_empty() && n.iter().all(|b| (b'0'..=b'7').contains(b)) => {
                e.perm = Some(text(n));
            }
            [b'i', ..] => {}
            _ if fact.iter().all(|b| b.is_ascii_graphic()) => {}
            _ => return None,
        }
    }
    e.kind = if dir {
        Kind::Dir
    } else if file {
        Kind::File
    } else {
        Kind::Other
    };
    Some(e)
}

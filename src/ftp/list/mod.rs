//! Directory listings as servers really send them, read into one [`Entry`] type.
//!
//! - MLSD (RFC 3659 §7): facts read case-insensitively, a missing trailing `;` tolerated, the
//!   name after exactly one space (it may itself start with spaces or hold tabs).
//! - LIST, which no standard defines: Unix `ls -l` and its variants (missing group, localized,
//!   numeric and CJK dates, NetPresenz, VShell), MS-DOS/IIS, EPLF, VMS (two-line entries too),
//!   NetWare, OS/2, OS-9, AS/400 / IBM i, z/OS datasets and PDS members, z/VM, HP NonStop,
//!   VxWorks/Nortel; and MLSD lines sent in reply to LIST.
//!
//! Each entry's `name` is the name to ask the server for and to write locally: VMS's
//! `README.TXT;3` is `README.TXT` (its version apart, only the highest version of a name kept),
//! `SUB.DIR;1` the directory `SUB`. A name that is a path on its system (AS/400's
//! `QCLSRC.FILE/MBR1.MBR`) is given as it is, never as a plain name ([`Entry::plain_name`]).
//!
//! A line is read by the first format that reads it whole, never half: what no format reads is
//! [`Unreadable`], for the caller to report, and header and summary lines (`total 12`,
//! `Directory ...`, `Volume Unit ...`) give nothing. The `SYST` reply, when the caller has it,
//! puts that system's formats first and allows what only that system sends (z/OS member names
//! alone on a line). Nothing here does I/O: the caller streams lines in.

mod date;
mod ibm;
mod machine;
mod other;
mod unix;
mod vms;
mod windows;

use std::collections::HashSet;

#[cfg(test)]
mod tests;

pub use date::{Modified, Zone};
pub use vms::says_no_files;

/// Longest listing line accepted; a longer one is an error, so a hostile listing cannot grow
/// memory without bound.
pub const MAX_LIST_LINE: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    File,
    Dir,
    Link,
    /// A device, FIFO, socket, a z/OS migrated or VSAM dataset: there, but not a file to fetch.
    Other,
    /// A name from NLST, or an MLSD entry without a `type` fact: the server did not say.
    Unknown,
}

/// Which format a line was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Mlsd,
    Eplf,
    Unix,
    Dos,
    Vms,
    Netware,
    Os2,
    Os9,
    As400,
    MvsDataset,
    MvsMember,
    Vm,
    Nonstop,
    Vxworks,
    Nlst,
}

/// One directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name to ask the server for: as the server sent it, but for VMS, whose `;version` is
    /// in [`Entry::version`] and whose directories lose their `.DIR`. Never split at a `/`, so a
    /// name that holds one is seen for what it is (see [`Entry::plain_name`]).
    pub name: Vec<u8>,
    pub kind: Kind,
    /// Bytes, when the listing gives an exact byte count.
    pub size: Option<u64>,
    /// The listing's own size text when it is not an exact byte count: `33.5k` from `ls -lh`,
    /// VMS blocks `12/16`, z/OS member lines `11 lines`.
    pub size_text: Option<String>,
    pub modified: Option<Modified>,
    /// The date as the listing wrote it (MLSD's `modify` value, or the LIST date columns).
    pub modified_raw: Option<String>,
    /// Unix permissions (`rwxr-xr-x`), MLSD `unix.mode` (else its `perm` fact), or the system's
    /// own (`[RWCEAFMS]`, `(RWED,RWED,RE,)`).
    pub perm: Option<String>,
    pub owner: Option<String>,
    pub group: Option<String>,
    /// The target of a symbolic link, when the listing shows one.
    pub target: Option<Vec<u8>>,
    /// MLSD's `unique` fact (RFC 3659 §7.5.2): two names with the same value are the same object.
    pub unique: Option<String>,
    /// VMS's file version (`README.TXT;3`: 3). The bare name asks for the newest version, and
    /// [`Parser`] keeps only the highest version listed, so this is the one the name gets.
    pub version: Option<u32>,
    /// The system's own type for the object where it has one: AS/400's `*FILE`, `*MEM`, `*STMF`...
    pub object_type: Option<String>,
    pub format: Format,
}

impl Entry {
    pub(crate) fn new(name: &[u8], kind: Kind, format: Format) -> Entry {
        Entry {
            name: name.to_vec(),
            kind,
            size: None,
            size_text: None,
            modified: None,
            modified_raw: None,
            perm: None,
            owner: None,
            group: None,
            target: None,
            unique: None,
            version: None,
            object_type: None,
            format,
        }
    }

    /// The name when it is one plain path component, safe to join to a local or remote
    /// directory: not empty, not `.` or `..`, no `/`, `\` or NUL. `None` for any other.
    pub fn plain_name(&self) -> Option<&[u8]> {
        let bad = matches!(self.name.as_slice(), b"" | b"." | b"..")
            || self.name.iter().any(|&b| matches!(b, b'/' | b'\\' | 0));
        (!bad).then_some(&self.name)
    }

    /// For a name that is a path on its own system rather than one name (AS/400's
    /// `QCLSRC.FILE/MBR1.MBR` or `QGPL/QCLSRC`): why it is not copied, for a skip report. It
    /// cannot be a local name (the `/`), and what it is relative to varies with the server's
    /// `NAMEFMT`, so it is not guessed. `None` for any other name: a `/` from any other format,
    /// or a path with an empty, `.` or `..` part, is hostile, and the caller's own name check
    /// says so.
    pub fn system_path_reason(&self) -> Option<String> {
        let parts_plain = self
            .name
            .split(|&b| b == b'/')
            .all(|p| !matches!(p, b"" | b"." | b"..") && !p.iter().any(|&b| b == b'\\' || b.is_ascii_control()));
        if self.format != Format::As400 || !self.name.contains(&b'/') || !parts_plain {
            return None;
        }
        let kind = self.object_type.as_deref().unwrap_or("object");
        Some(format!("an AS/400 {kind} path, not a name in this directory: get it by its full path"))
    }

    /// The entry as `ls --json` prints it: today's keys (`name`, `type`, `size`, `modified`,
    /// `perm`, `target`) and new ones beside them (VMS's `version`, AS/400's `object_type`).
    /// `name` is the server's exact bytes when they are UTF-8 (JSON escapes control characters
    /// itself); otherwise it is a display form with U+FFFD, `name_lossy` is true and `name_percent` holds every byte (RFC 3986
    /// percent-encoding, as a URL path takes it). `modified` is RFC 3339, ending in `Z` only
    /// when the server gave UTC; `time_zone` says whose clock it is.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "name": String::from_utf8_lossy(&self.name),
            "type": self.kind,
            "size": self.size,
            "modified": self.modified.map(|m| m.rfc3339()),
            "perm": self.perm,
            "target": self.target.as_deref().map(String::from_utf8_lossy),
            "name_lossy": std::str::from_utf8(&self.name).is_err(),
            "time_zone": self.modified.map(|m| match m.zone {
                Zone::Utc => "UTC",
                Zone::Offset(_) => "offset",
                Zone::ServerLocal => "server-local",
            }),
            "modified_raw": self.modified_raw,
            "year_inferred": self.modified.map(|m| m.year_inferred),
            "size_text": self.size_text,
            "owner": self.owner,
            "group": self.group,
            "parser": self.format,
            "version": self.version,
            "object_type": self.object_type,
        });
        let map = v.as_object_mut().expect("an object");
        if std::str::from_utf8(&self.name).is_err() {
            map.insert("name_percent".into(), percent(&self.name).into());
        }
        if let Some(t) = self.target.as_deref().filter(|t| std::str::from_utf8(t).is_err()) {
            map.insert("target_lossy".into(), true.into());
            map.insert("target_percent".into(), percent(t).into());
        }
        v
    }
}

/// Every byte but RFC 3986's unreserved characters percent-encoded.
fn percent(bytes: &[u8]) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::percent_encode(bytes, SET).to_string()
}

/// A line no format could read; the caller reports it (and counts it) rather than guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub line: Vec<u8>,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unreadable listing line '{}'", crate::text::escape(&self.line))
    }
}

impl std::error::Error for Unreadable {}

/// The system a `SYST` reply (RFC 959 §4.1.3, `215 NAME ...`) names, as far as listings care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    Unix,
    Windows,
    Vms,
    Mvs,
    Vm,
    Os400,
    Netware,
    Os2,
    Nonstop,
    Os9,
    Other,
}

impl System {
    /// From the text of a 215 reply (`UNIX Type: L8`, `MVS is the operating system of this
    /// server.`, `VM/ESA`, `OS/400 is the remote operating system.`, `Windows_NT`, `VMS`...).
    pub fn from_syst(text: &str) -> System {
        let t = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '-').to_ascii_uppercase();
        let starts = |p: &str| t.starts_with(p);
        if starts("UNIX") || starts("LINUX") || starts("MACOS") {
            System::Unix
        } else if starts("WINDOWS") || starts("WIN32") || starts("MS-DOS") {
            System::Windows
        } else if starts("VMS") || starts("OPENVMS") {
            System::Vms
        } else if starts("MVS") || starts("OS/390") || starts("Z/OS") {
            System::Mvs
        } else if starts("VM") || starts("Z/VM") {
            System::Vm
        } else if starts("OS/400") || starts("IBM I") {
            System::Os400
        } else if starts("NETWARE") {
            System::Netware
        } else if starts("OS/2") {
            System::Os2
        } else if starts("NONSTOP") || starts("GUARDIAN") || starts("TANDEM") {
            System::Nonstop
        } else if starts("OS-9") || starts("OS9") {
            System::Os9
        } else {
            System::Other
        }
    }
}

/// Reads a listing one line at a time, keeping what a line's meaning depends on: the `SYST`
/// answer, today's date (for `Mon DD HH:MM`), a VMS name waiting for the rest of its entry on
/// the next line, the VMS versions of one name (only the highest is given), and the z/OS header
/// that says member names follow.
#[derive(Debug, Clone)]
pub struct Parser {
    system: Option<System>,
    today: time::Date,
    /// MLSD's reply: only MLSD lines are entries.
    mlsd: bool,
    /// A VMS name alone on its line: the rest of the entry is on the next.
    pending: Option<Vec<u8>>,
    /// The last VMS entry read, held back while the next line may be another version of it
    /// (DIRECTORY lists a name's versions together, newest first).
    held: Option<Entry>,
    /// The VMS names already given: a version listed apart from the others is never a second
    /// entry of the same name.
    given: HashSet<Vec<u8>>,
    /// The last header seen was z/OS's PDS member header.
    members: bool,
}

impl Parser {
    /// A parser for a LIST reply; `syst` is the text of the server's 215 reply when known.
    pub fn list(syst: Option<&str>) -> Parser {
        Parser {
            system: syst.map(System::from_syst),
            today: time::OffsetDateTime::now_utc().date(),
            mlsd: false,
            pending: None,
            held: None,
            given: HashSet::new(),
            members: false,
        }
    }

    /// A parser for an MLSD reply.
    pub fn mlsd() -> Parser {
        Parser { mlsd: true, ..Parser::list(None) }
    }

    /// The date that `Mon DD HH:MM` dates are read against (today by default).
    pub fn with_today(mut self, today: time::Date) -> Parser {
        self.today = today;
        self
    }

    /// One line (without its line end): what it gives, which is nothing for a header or summary
    /// line, `.` and `..`, the first line of a VMS entry split over two, or an older version of
    /// a VMS name; before it, the earlier line a VMS split left waiting if this line does not
    /// complete it; and a VMS entry held back, once this line is not another version of it.
    pub fn push(&mut self, line: &[u8]) -> impl Iterator<Item = Result<Entry, Unreadable>> + use<> {
        // In the listing's order: what the earlier lines left waiting, then this line's.
        let mut out = [None, None, None, None];
        if let Some(first) = self.pending.take() {
            if line.first().is_some_and(u8::is_ascii_whitespace) {
                let joined = [&first[..], b" ", line.trim_ascii_start()].concat();
                let read = self.one(&joined);
                [out[2], out[3]] = self.versions(read);
                return out.into_iter().flatten();
            }
            out[0] = self.give_held(None);
            out[1] = Some(Err(Unreadable { line: first }));
        }
        if !self.mlsd && vms::is_name_alone(line) {
            self.pending = Some(line.to_vec());
            return out.into_iter().flatten();
        }
        let read = self.one(line);
        [out[2], out[3]] = self.versions(read);
        out.into_iter().flatten()
    }

    /// The end of the listing: the VMS entry held back, and a VMS name still waiting, which is
    /// unreadable.
    pub fn finish(&mut self) -> impl Iterator<Item = Result<Entry, Unreadable>> + use<> {
        let held = self.held.take().map(Ok);
        held.into_iter().chain(self.pending.take().map(|line| Err(Unreadable { line })))
    }

    /// What a line read gives once VMS versions are settled: a versioned entry is held back
    /// until a line shows no higher version of its name follows, the entry it replaces in the
    /// hold is given, and a name already given is not given again. Anything else passes, after
    /// the held entry (the listing's order kept).
    fn versions(&mut self, read: Option<Result<Entry, Unreadable>>) -> [Option<Result<Entry, Unreadable>>; 2] {
        match read {
            Some(Ok(e)) if e.version.is_some() => {
                if let Some(held) = &mut self.held
                    && held.name == e.name
                {
                    if e.version > held.version {
                        *held = e;
                    }
                    return [None, None];
                }
                if self.given.contains(&e.name) {
                    return [None, None];
                }
                [self.give_held(Some(e)), None]
            }
            None => [None, None],
            other => [self.give_held(None), other],
        }
    }

    /// The held entry, to give now (its name noted as given); `next` held in its place.
    fn give_held(&mut self, next: Option<Entry>) -> Option<Result<Entry, Unreadable>> {
        let held = std::mem::replace(&mut self.held, next)?;
        self.given.insert(held.name.clone());
        Some(Ok(held))
    }

    fn one(&mut self, line: &[u8]) -> Option<Result<Entry, Unreadable>> {
        let read = if self.mlsd { machine::mlsd(line) } else { self.list_line(line) };
        match read {
            Read::Entry(e) if matches!(e.name.as_slice(), b"." | b"..") => None,
            Read::Entry(e) => Some(Ok(*e)),
            Read::Skip => None,
            Read::No => Some(Err(Unreadable { line: line.to_vec() })),
        }
    }

    fn list_line(&mut self, line: &[u8]) -> Read {
        if line.trim_ascii().is_empty() {
            return Read::Skip;
        }
        if let Some(members) = ibm::header(line) {
            self.members = members;
            return Read::Skip;
        }
        let first: Option<LineParser> = match self.system {
            Some(System::Vms) => Some(vms::parse),
            Some(System::Mvs) => Some(ibm::mvs),
            Some(System::Vm) => Some(ibm::vm),
            Some(System::Os400) => Some(ibm::as400),
            Some(System::Os2) => Some(windows::os2),
            Some(System::Nonstop) => Some(other::nonstop),
            Some(System::Os9) => Some(other::os9),
            _ => None,
        };
        if let Some(e) = first.and_then(|f| f(line, self.today)) {
            return Read::Entry(Box::new(e));
        }
        // MLSD lines in reply to LIST: read when they say what the entry is.
        match machine::mlsd(line) {
            Read::Entry(e) if e.kind != Kind::Unknown => return Read::Entry(e),
            Read::Skip => return Read::Skip,
            _ => {}
        }
        for parse in PARSERS {
            if let Some(e) = parse(line, self.today) {
                return Read::Entry(Box::new(e));
            }
        }
        if (self.members || self.system == Some(System::Mvs))
            && let Some(e) = ibm::member_name(line)
        {
            return Read::Entry(Box::new(e));
        }
        if is_summary(line) { Read::Skip } else { Read::No }
    }
}

/// One format's reader: a line, today's date (for `Mon DD HH:MM`), the entry if it reads it.
type LineParser = fn(&[u8], time::Date) -> Option<Entry>;

/// What one format made of a line.
enum Read {
    Entry(Box<Entry>),
    /// Read, and not an entry (`type=cdir`, a header).
    Skip,
    No,
}

/// The LIST formats, most common first; each reads a line whole or not at all.
const PARSERS: [LineParser; 13] = [
    unix::parse,
    windows::dos,
    machine::eplf,
    unix::netware,
    vms::parse,
    windows::os2,
    ibm::as400,
    ibm::mvs,
    ibm::member,
    ibm::vm,
    other::nonstop,
    other::os9,
    other::vxworks,
];

/// Header and summary lines of the LIST formats: `total 12`, VMS's `Directory DISK:[DIR]`,
/// `Total of 3 files, 8/12 blocks.` and its empty directory's `%RMS-E-FNF, file not found`,
/// OS-9's and VxWorks' column titles and dashes, NonStop's `File  Code  EOF ...`.
fn is_summary(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    if t.starts_with(b"%") && vms::says_no_files(t) {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    let words: Vec<&[u8]> = lower.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [b"total", n] => n.iter().all(u8::is_ascii_digit),
        [b"total", b"of", ..] | [b"grand", b"total", ..] => true,
        [b"directory", ..] => true,
        [b"owner", b"last", b"modified", ..] => true,
        [b"size", b"date", b"time", b"name"] => true,
        [b"file", b"code", b"eof", ..] => true,
        _ => t.iter().all(|&b| b == b'-' || b == b' '),
    }
}

/// One line read without context (no SYST, no VMS continuation): `Ok(None)` for a header,
/// summary, `.` or `..`. The simple entry point for callers that take lines one at a time;
/// [`Parser`] reads whole listings better.
pub fn parse_line(line: &[u8]) -> Result<Option<Entry>, Unreadable> {
    Parser::list(None).one(line).transpose()
}

/// One MLSD line without context: `Ok(None)` for `cdir`/`pdir`.
pub fn parse_mlsd_line(line: &[u8]) -> Result<Option<Entry>, Unreadable> {
    Parser::mlsd().one(line).transpose()
}

/// One LIST line, `None` for what gives no entry (header, summary, unreadable).
pub fn parse_list(line: &[u8]) -> Option<Entry> {
    parse_line(line).ok().flatten()
}

/// One MLSD line, `None` for what gives no entry.
pub fn parse_mlsd(line: &[u8]) -> Option<Entry> {
    parse_mlsd_line(line).ok().flatten()
}

/// One NLST line: a name of unknown kind. Some servers answer `NLST dir` with `dir/name`; the
/// last component is the name. `None` for an empty line, `.` and `..`.
pub fn parse_nlst(line: &[u8]) -> Option<Entry> {
    let name = line.rsplit(|&b| b == b'/').next().unwrap_or(line);
    (!matches!(name, b"" | b"." | b"..")).then(|| Entry::new(name, Kind::Unknown, Format::Nlst))
}

/// Whether a line that gives no entry never gives one (blank, a summary, `.`/`..`, `cdir`):
/// [`parse_line`]'s `Ok(None)`, kept for callers that used it.
pub fn is_not_an_entry(line: &[u8]) -> bool {
    matches!(parse_line(line), Ok(None)) || matches!(parse_mlsd_line(line), Ok(None))
}

/// Splits `line` at runs of ASCII whitespace: each field with the offset where it starts.
pub(super) fn fields(line: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if line[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < line.len() && !line[i].is_ascii_whitespace() {
            i += 1;
        }
        out.push((start, &line[start..i]));
    }
    out
}

/// Bytes as text, lossily as UTF-8 (dates, owners, permissions: shown, never used as names).
pub(super) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Digits only, a byte count.
pub(super) fn bytes(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

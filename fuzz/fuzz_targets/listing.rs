//! Directory listings: every LIST format and MLSD over any bytes, one line at a time through a
//! `Parser` (with and without a SYST answer, so the VMS two-line joins and the z/OS member
//! context run too) and through the one-line entry points. Nothing may panic; an entry's name is
//! never empty, `.` or `..`; read from one line alone it comes from that line (z/VM's
//! `NAME.TYPE` from its columns); a name holding `/` is never a plain name.

#![no_main]

use ftpx::ftp::list::{Entry, Format, Parser, is_not_an_entry, parse_line, parse_mlsd_line};
use libfuzzer_sys::fuzz_target;

fn check(entry: &Entry) {
    assert!(!entry.name.is_empty());
    assert!(entry.name != b"." && entry.name != b"..");
    if entry.name.contains(&b'/') {
        assert!(entry.plain_name().is_none());
    }
    let _ = entry.to_json();
}

fn within(line: &[u8], part: &[u8]) -> bool {
    part.is_empty() || line.windows(part.len()).any(|w| w == part)
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the SYST answer, so each system's order of formats is fuzzed too.
    let (pick, data) = data.split_first().map_or((0, data), |(p, d)| (*p, d));
    let syst = ["", "UNIX Type: L8", "VMS", "MVS", "VM/ESA", "OS/400", "NONSTOP", "OS-9", "OS/2"][usize::from(pick) % 9];
    let mut parser = Parser::list((!syst.is_empty()).then_some(syst));
    let mut mlsd = Parser::mlsd();
    for line in data.split(|&b| b == b'\n') {
        for entry in parser.push(line).flatten() {
            check(&entry);
        }
        for entry in mlsd.push(line).flatten() {
            check(&entry);
            assert!(line.ends_with(&entry.name), "an MLSD name is not the end of its line");
        }
        if let Ok(Some(entry)) = parse_line(line) {
            check(&entry);
            if entry.format == Format::Vm {
                assert!(entry.name.split(|&b| b == b'.').all(|p| within(line, p)));
            } else {
                assert!(within(line, &entry.name), "the name is not in the line");
            }
            if entry.format == Format::Unix {
                let tail = entry.target.as_deref().unwrap_or(&entry.name);
                assert!(line.ends_with(tail), "the name or target is not the end of the line");
            }
        }
        let _ = parse_mlsd_line(line);
        let _ = is_not_an_entry(line);
    }
    let _ = parser.finish();
});

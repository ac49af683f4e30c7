//! Directory listings: `parse_list` (Unix and DOS LIST lines) and `parse_mlsd` on any bytes, one
//! line at a time as `ls --json` feeds them. Nothing may panic, and an entry's name must be a
//! non-empty piece of the line it came from (never `.` or `..` from LIST).

#![no_main]

use ftpx::ftp::list::{is_not_an_entry, parse_list, parse_mlsd};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        if let Some(entry) = parse_list(line) {
            assert!(!entry.name.is_empty());
            assert!(entry.name != b"." && entry.name != b"..");
            let tail = entry.target.as_deref().unwrap_or(&entry.name);
            assert!(line.ends_with(tail), "the name or target is not the end of the line");
            assert!(line.windows(entry.name.len()).any(|w| w == entry.name), "the name is not in the line");
        }
        if let Some(entry) = parse_mlsd(line) {
            assert!(!entry.name.is_empty());
            assert!(line.ends_with(&entry.name), "the name is not the end of the line");
        }
        let _ = is_not_an_entry(line);
    }
});

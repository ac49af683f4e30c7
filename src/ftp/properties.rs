//! Properties of the parsers that read what a server sends, over generated input: the reply
//! framing (`LineFramer` + `ReplyParser`), the 227/229 address replies, and the LIST/MLSD line
//! parsers. The same parsers are fuzzed with cargo-fuzz (`fuzz/`); these run in every
//! `cargo test`, so a regression shows up without a fuzzing run.

use std::net::{Ipv4Addr, SocketAddrV4};

use proptest::prelude::*;

use super::list::{Entry, Format, Parser, is_not_an_entry, parse_line, parse_list, parse_mlsd, parse_mlsd_line};
use super::reply::{LineFramer, MAX_LINE, MAX_LINES, MAX_REPLY, Reply, ReplyError, ReplyParser, parse_227, parse_229};

/// Bytes shaped like a control connection: reply lines (well-formed or nearly), arbitrary bytes,
/// and now and then a run long enough to meet the line limit.
fn wire() -> impl Strategy<Value = Vec<u8>> {
    let ends = prop::sample::select(vec!["\r\n", "\n", "\r", ""]);
    let separators = prop::sample::select(vec![' ', '-', 'x']);
    let piece = prop_oneof![
        8 => (90u16..700, separators, "[ -~]{0,24}", ends)
            .prop_map(|(code, sep, text, end)| format!("{code}{sep}{text}{end}").into_bytes()),
        4 => prop::collection::vec(any::<u8>(), 0..48),
        1 => (MAX_LINE - 4..MAX_LINE + 4, any::<u8>()).prop_map(|(n, b)| vec![b; n]),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
}

/// Frames and parses `bytes` delivered in reads that end at `cuts`, up to the first error.
fn replies(bytes: &[u8], cuts: &[usize]) -> (Vec<Reply>, Option<ReplyError>) {
    let mut framer = LineFramer::default();
    let mut parser = ReplyParser::default();
    let mut out = Vec::new();
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    bounds.push(bytes.len());
    bounds.sort_unstable();
    let mut start = 0;
    for end in bounds {
        framer.push(&bytes[start..end]);
        start = end;
        loop {
            let line = match framer.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            };
            assert!(line.len() < MAX_LINE);
            match parser.push_line(line) {
                Ok(Some(reply)) => out.push(reply),
                Ok(None) => {}
                Err(e) => return (out, Some(e)),
            }
        }
    }
    (out, None)
}

/// What every entry read from `line` alone must be: a non-empty name that is not `.` or `..`,
/// taken from the line (z/VM's `NAME.TYPE` from its two columns); from `ls -l`, the name or the
/// link's target ends the line; a name holding a `/` is never a plain name.
fn check_entry(line: &[u8], entry: &Entry) -> Result<(), TestCaseError> {
    let within = |part: &[u8]| part.is_empty() || line.windows(part.len()).any(|w| w == part);
    prop_assert!(!entry.name.is_empty());
    prop_assert!(entry.name != b"." && entry.name != b"..");
    if entry.format == Format::Vm {
        prop_assert!(entry.name.split(|&b| b == b'.').all(within));
    } else {
        prop_assert!(within(&entry.name), "{:?} not in {:?}", entry.name, line);
    }
    if entry.format == Format::Unix {
        prop_assert!(line.ends_with(entry.target.as_deref().unwrap_or(&entry.name)));
    }
    if entry.name.contains(&b'/') {
        prop_assert!(entry.plain_name().is_none());
    }
    Ok(())
}

/// Listing lines made of the pieces real ones are made of, shuffled: permissions, numbers,
/// month names, dates and times in many forms, `<DIR>`, `*FILE`, VMS names, slashes, bytes.
fn listing_line() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "-rw-r--r--",
            "drwxr-xr-x",
            "lrwxrwxrwx",
            "d",
            "[RWCEAFMS]",
            "1",
            "4096",
            "33.5k",
            "1,234",
            "ftp",
            "Jan",
            "feb.",
            "Okt.",
            "márc",
            "3月",
            "26.",
            "31",
            "29",
            "12:00",
            "10:15AM",
            "2023",
            "2005-06-07",
            "04-27-00",
            "JUL-30-2008",
            "4-MAR-1999",
            "12/31/24",
            "93/03/26",
            "<DIR>",
            "*FILE",
            "*MEM",
            "PO",
            "PS",
            "X.DIR;1",
            "A.TXT;1",
            "->",
            "/",
            "..",
            ".",
            "Volume",
            "+i1,r,s5,\t",
            "type=file;",
            "size=5;",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 1..6),
    ];
    let sep = prop::sample::select(vec![&b" "[..], b"  ", b"\t", b"    "]);
    (prop::sample::select(vec![&b""[..], b" ", b"   "]), prop::collection::vec((piece, sep), 1..12)).prop_map(
        |(lead, pieces)| {
            let mut line = lead.to_vec();
            for (p, s) in pieces {
                line.extend_from_slice(&p);
                line.extend_from_slice(s);
            }
            line.retain(|&b| b != b'\n');
            line
        },
    )
}

/// Letters and spaces: text around an address that holds no digit and no parenthesis.
const TEXT: &str = "[A-Za-z .:]{0,30}";

proptest! {
    #[test]
    fn framing_is_the_same_however_the_bytes_are_split(
        bytes in wire(),
        cuts in prop::collection::vec(any::<usize>(), 0..24),
    ) {
        let whole = replies(&bytes, &[]);
        prop_assert_eq!(&replies(&bytes, &cuts), &whole);
        let one_byte_reads: Vec<usize> = (0..bytes.len().min(4096)).collect();
        prop_assert_eq!(&replies(&bytes, &one_byte_reads), &whole);
        for reply in &whole.0 {
            prop_assert!((100..600).contains(&reply.code));
            prop_assert!(reply.lines.len() <= MAX_LINES);
            prop_assert!(reply.lines.iter().map(|l| l.len() + 2).sum::<usize>() <= MAX_REPLY);
            let _ = (reply.to_string(), reply.message());
        }
    }

    #[test]
    fn address_parsers_never_panic_and_accept_only_usable_ports(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(addr) = parse_227(&bytes) {
            prop_assert_ne!(addr.port(), 0);
        }
        if let Ok(port) = parse_229(&bytes) {
            prop_assert_ne!(port, 0);
        }
    }

    #[test]
    fn pasv_227_gives_back_every_valid_address_in_every_form(
        ip in any::<u32>(),
        port in 1u16..,
        form in 0usize..4,
        before in TEXT,
        after in TEXT,
    ) {
        let addr = SocketAddrV4::new(Ipv4Addr::from(ip), port);
        let [a, b, c, d] = addr.ip().octets();
        let (p1, p2) = (port >> 8, port & 0xff);
        let text = match form {
            0 => format!("227 {before}({a},{b},{c},{d},{p1},{p2}){after}"),
            1 => format!("227 {before}{a},{b},{c},{d},{p1},{p2}"),
            2 => format!("227 ={a},{b},{c},{d},{p1},{p2}"),
            _ => format!("227 {before}({a}, {b}, {c}, {d}, {p1}, {p2}){after}"),
        };
        prop_assert_eq!(parse_227(text.as_bytes()), Ok(addr), "{}", text);
    }

    #[test]
    fn epsv_229_gives_back_every_port_with_any_delimiter(
        port in 1u16..,
        delimiter in (33u8..=126).prop_filter("a digit", |d| !d.is_ascii_digit()),
        before in TEXT,
        after in TEXT,
    ) {
        let d = delimiter as char;
        let text = format!("229 {before}({d}{d}{d}{port}{d}){after}");
        prop_assert_eq!(parse_229(text.as_bytes()), Ok(port), "{}", text);
    }

    #[test]
    fn listing_parsers_never_panic_and_names_come_from_the_line(line in prop::collection::vec(any::<u8>(), 0..160)) {
        if let Ok(Some(entry)) = parse_line(&line) {
            check_entry(&line, &entry)?;
        }
        if let Ok(Some(entry)) = parse_mlsd_line(&line) {
            prop_assert!(!entry.name.is_empty());
            prop_assert!(line.ends_with(&entry.name));
        }
        let _ = is_not_an_entry(&line);
    }

    #[test]
    fn listing_lines_shaped_like_real_ones_never_panic(lines in prop::collection::vec(listing_line(), 0..12)) {
        for syst in [None, Some("UNIX Type: L8"), Some("MVS is the operating system"), Some("VMS"), Some("OS/400")] {
            let mut parser = Parser::list(syst);
            for line in &lines {
                // A VMS entry split over two lines is read from both: no line check here.
                for entry in parser.push(line).flatten() {
                    prop_assert!(!entry.name.is_empty());
                    prop_assert!(entry.name != b"." && entry.name != b"..");
                    if entry.name.contains(&b'/') {
                        prop_assert!(entry.plain_name().is_none());
                    }
                }
            }
            for entry in parser.finish().flatten() {
                prop_assert!(!entry.name.is_empty());
                prop_assert!(entry.name != b"." && entry.name != b"..");
                if entry.name.contains(&b'/') {
                    prop_assert!(entry.plain_name().is_none());
                }
            }
        }
        for line in &lines {
            if let Ok(Some(entry)) = parse_line(line) {
                check_entry(line, &entry)?;
            }
        }
    }

    #[test]
    fn unix_list_line_gives_back_its_name_and_size(
        dir in any::<bool>(),
        size in any::<u64>(),
        month in prop::sample::select(vec!["Jan", "feb", "MAR", "Dec"]),
        day in 1u8..=28,
        when in prop::sample::select(vec!["12:00", "2023", "00:59"]),
        name in prop::collection::vec(any::<u8>().prop_filter("a line end", |b| *b != b'\n'), 1..40)
            .prop_filter("not an entry", |n| n.as_slice() != b"." && n.as_slice() != b".."
                && !n.iter().all(u8::is_ascii_whitespace)),
    ) {
        let kind = if dir { 'd' } else { '-' };
        let mut line = format!("{kind}rwxr-xr-x 2 ftp ftp {size} {month} {day:>2} {when} ").into_bytes();
        line.extend_from_slice(&name);
        let entry = parse_list(&line);
        prop_assert!(entry.is_some(), "{}", String::from_utf8_lossy(&line));
        let entry = entry.unwrap();
        prop_assert_eq!(entry.name, name);
        prop_assert_eq!(entry.size, Some(size));
    }

    #[test]
    fn dos_list_line_never_gives_an_empty_or_padded_name(
        dir in any::<bool>(),
        size in any::<u32>(),
        tail in prop::collection::vec(prop::sample::select(vec![b' ', b'\t', b'x', b'.', 0xe9]), 0..12),
    ) {
        let column = if dir { "<DIR>".to_owned() } else { size.to_string() };
        let mut line = format!("01-31-24  10:15AM {column:>20} ").into_bytes();
        line.extend_from_slice(&tail);
        if let Some(entry) = parse_list(&line) {
            prop_assert!(!entry.name.is_empty());
            prop_assert!(!entry.name[0].is_ascii_whitespace(), "{:?}", entry.name);
        }
    }

    #[test]
    fn unix_link_line_never_gives_an_empty_name(
        before in prop::collection::vec(prop::sample::select(vec![b' ', b'a', b'-', b'>']), 0..6),
        target in prop::collection::vec(any::<u8>().prop_filter("a line end", |b| *b != b'\n'), 0..12),
    ) {
        let mut line = b"lrwxrwxrwx 1 root root 7 Feb  1  2023 ".to_vec();
        line.extend_from_slice(&before);
        line.extend_from_slice(b" -> ");
        line.extend_from_slice(&target);
        if let Some(entry) = parse_list(&line) {
            prop_assert!(!entry.name.is_empty(), "{}", String::from_utf8_lossy(&line));
        }
    }

    #[test]
    fn mlsd_line_gives_back_its_name(
        size in any::<u64>(),
        name in prop::collection::vec(any::<u8>().prop_filter("a line end", |b| *b != b'\n'), 1..40),
    ) {
        let mut line = format!("type=file;size={size};modify=20240131101500; ").into_bytes();
        line.extend_from_slice(&name);
        let entry = parse_mlsd(&line);
        if name == b"." || name == b".." {
            // The directory itself and its parent are never entries, whatever type they claim.
            prop_assert!(entry.is_none(), "{}", String::from_utf8_lossy(&line));
            return Ok(());
        }
        prop_assert!(entry.is_some(), "{}", String::from_utf8_lossy(&line));
        let entry = entry.unwrap();
        prop_assert_eq!(entry.name, name);
        prop_assert_eq!(entry.size, Some(size));
    }
}

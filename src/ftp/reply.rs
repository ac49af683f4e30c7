//! Server replies: framing bytes into lines, lines into replies (RFC 959 §4.2), and the address
//! replies of passive mode (227 and 229).
//!
//! Everything here is pure (no I/O), so it can be tested byte by byte and fuzzed. The limits are
//! the defence against a server that sends endless replies: no line, reply or line count grows
//! past them, whatever arrives.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

use crate::text::escape;

/// Longest reply line accepted, CRLF included. Real servers send well under 1 KiB; a 17 KB
/// line (seen in long STAT/HELP output) still fits.
pub const MAX_LINE: usize = 64 * 1024;
/// Most lines in one multi-line reply (FEAT and STAT replies of real servers have a few hundred).
pub const MAX_LINES: usize = 10_000;
/// Most bytes in one reply, all lines together.
pub const MAX_REPLY: usize = 1024 * 1024;

/// Why bytes from the server could not be read as a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("reply line longer than {MAX_LINE} bytes")]
    LineTooLong,
    #[error("reply longer than {MAX_LINES} lines or {MAX_REPLY} bytes")]
    TooLong,
    #[error("not an FTP reply: {0:?}")]
    NotAReply(String),
    #[error("multi-line reply {start} ended with a different code: {line:?}")]
    MismatchedEnd { start: u16, line: String },
    /// RFC 959 Appendix II: a 257 names its directory in double quotes, `""` inside for `"`.
    #[error("no quoted path in the 257 reply: {0}")]
    No257Path(String),
}

/// One complete reply: the 3-digit code and its lines as received (code included, CRLF removed).
#[derive(Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<Vec<u8>>,
}

impl Reply {
    /// 1 preliminary, 2 completion, 3 intermediate, 4 transient failure, 5 permanent failure.
    pub fn class(&self) -> u16 {
        self.code / 100
    }

    pub fn is_preliminary(&self) -> bool {
        self.class() == 1
    }

    pub fn is_success(&self) -> bool {
        self.class() == 2
    }

    pub fn is_failure(&self) -> bool {
        self.class() >= 4
    }

    /// The message after the code: the first line's text, followed by the other lines.
    pub fn message(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push(b'\n');
            }
            // The first and last lines carry the code; the ones between are bare text.
            let has_code = i == 0 || i + 1 == self.lines.len();
            out.extend_from_slice(if has_code { line.get(4..).unwrap_or_default() } else { line });
        }
        out
    }
}

/// The reply as the server sent it, escaped for a terminal, lines joined with `\n`.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&escape(line))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reply({self})")
    }
}

/// Splits a byte stream into lines ending in LF (a CR before it is dropped: RFC 959 says CRLF,
/// some servers send a bare LF). `ftpx serve` reads command lines with it too, under a smaller
/// cap ([`LineFramer::with_max_line`]).
#[derive(Debug)]
pub struct LineFramer {
    buf: Vec<u8>,
    /// How far `buf` has been searched for LF already, so a slow line is not rescanned.
    scanned: usize,
    /// Longest line accepted, LF included.
    max: usize,
}

impl Default for LineFramer {
    fn default() -> Self {
        LineFramer::with_max_line(MAX_LINE)
    }
}

impl LineFramer {
    /// A framer that refuses lines longer than `max` bytes (LF included).
    pub fn with_max_line(max: usize) -> LineFramer {
        LineFramer { buf: Vec::new(), scanned: 0, max }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet returned as a line.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// The next complete line, `None` when more bytes are needed.
    pub fn next_line(&mut self) -> Result<Option<Vec<u8>>, ReplyError> {
        match self.buf[self.scanned..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let end = self.scanned + i;
                if end + 1 > self.max {
                    return Err(ReplyError::LineTooLong);
                }
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.scanned = 0;
                Ok(Some(line))
            }
            None if self.buf.len() >= self.max => Err(ReplyError::LineTooLong),
            None => {
                self.scanned = self.buf.len();
                Ok(None)
            }
        }
    }
}

/// Assembles lines into a reply: `NNN text` alone, or `NNN-text` ... `NNN text`.
#[derive(Debug, Default)]
pub struct ReplyParser {
    open: Option<Reply>,
    bytes: usize,
}

impl ReplyParser {
    /// A multi-line reply has begun and not ended.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Feeds one line; returns the reply when the line completes it.
    pub fn push_line(&mut self, line: Vec<u8>) -> Result<Option<Reply>, ReplyError> {
        self.bytes += line.len() + 2;
        if let Some(reply) = &mut self.open {
            if reply.lines.len() >= MAX_LINES || self.bytes > MAX_REPLY {
                return Err(ReplyError::TooLong);
            }
            let ends = match line_code(&line) {
                Some((code, b' ')) if code == reply.code => true,
                Some((_, b' ')) => {
                    // RFC 959 §4.2: a text line that starts with digits must be padded, so an
                    // unpadded `NNN ` with another code is a broken server, not text.
                    return Err(ReplyError::MismatchedEnd { start: reply.code, line: escape(&line) });
                }
                _ => line.len() == 3 && parse_code(&line) == Some(reply.code),
            };
            reply.lines.push(line);
            if ends {
                self.bytes = 0;
                return Ok(self.open.take());
            }
            return Ok(None);
        }
        match line_code(&line) {
            Some((code, b'-')) => {
                self.open = Some(Reply { code, lines: vec![line] });
                Ok(None)
            }
            Some((code, b' ')) => {
                self.bytes = 0;
                Ok(Some(Reply { code, lines: vec![line] }))
            }
            _ if line.len() == 3 && line.iter().all(u8::is_ascii_digit) => {
                let code = parse_code(&line).ok_or_else(|| ReplyError::NotAReply(escape(&line)))?;
                self.bytes = 0;
                Ok(Some(Reply { code, lines: vec![line] }))
            }
            _ => {
                let mut shown = line;
                shown.truncate(80);
                Err(ReplyError::NotAReply(escape(&shown)))
            }
        }
    }
}

fn parse_code(digits: &[u8]) -> Option<u16> {
    match digits {
        [a @ b'1'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9'] => {
            Some(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'))
        }
        _ => None,
    }
}

/// The code and the separator (`-` or space) of a line that starts a reply or ends one.
fn line_code(line: &[u8]) -> Option<(u16, u8)> {
    if line.len() < 4 || !matches!(line[3], b' ' | b'-') {
        return None;
    }
    Some((parse_code(&line[..3])?, line[3]))
}

/// Why a 227 or 229 reply could not give an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("no h1,h2,h3,h4,p1,p2 address in the reply")]
    Missing227,
    #[error("number {0} out of range 0-255 in the reply")]
    OutOfRange(u32),
    #[error("port 0 in the reply")]
    PortZero,
    #[error("no (|||port|) in the reply")]
    Missing229,
    #[error("port {0} out of range 1-65535 in the reply")]
    BadPort(u32),
}

/// Parses a 227 reply (RFC 959 PASV). Servers vary: `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)`,
/// without parentheses, `227 =h1,...`, with text after; the first run of six comma-separated
/// numbers is the address. A number above 255 is an error, not something to skip past.
pub fn parse_227(text: &[u8]) -> Result<SocketAddrV4, AddressError> {
    let mut i = 0;
    while i < text.len() {
        let starts_number = text[i].is_ascii_digit() && (i == 0 || !text[i - 1].is_ascii_digit());
        if starts_number && let Some(nums) = six_numbers(&text[i..]) {
            if let Some(&n) = nums.iter().find(|&&n| n > 255) {
                return Err(AddressError::OutOfRange(n));
            }
            let port = (nums[4] << 8 | nums[5]) as u16;
            if port == 0 {
                return Err(AddressError::PortZero);
            }
            let ip = Ipv4Addr::new(nums[0] as u8, nums[1] as u8, nums[2] as u8, nums[3] as u8);
            return Ok(SocketAddrV4::new(ip, port));
        }
        i += 1;
    }
    Err(AddressError::Missing227)
}

/// Reads `n,n,n,n,n,n` (spaces allowed after commas) from the start of `s`.
fn six_numbers(s: &[u8]) -> Option<[u32; 6]> {
    let mut nums = [0u32; 6];
    let mut pos = 0;
    for (k, slot) in nums.iter_mut().enumerate() {
        if k > 0 {
            if s.get(pos) != Some(&b',') {
                return None;
            }
            pos += 1;
            while s.get(pos) == Some(&b' ') {
                pos += 1;
            }
        }
        let start = pos;
        while pos < s.len() && s[pos].is_ascii_digit() && pos - start < 10 {
            pos += 1;
        }
        if pos == start {
            return None;
        }
        *slot = std::str::from_utf8(&s[start..pos]).ok()?.parse().ok()?;
    }
    Some(nums)
}

/// Parses a 229 reply (RFC 2428 EPSV): `(<d><d><d>port<d>)` where `d` is one character in ASCII
/// 33-126, the same each time (`|` in practice).
pub fn parse_229(text: &[u8]) -> Result<u16, AddressError> {
    for (i, _) in text.iter().enumerate().filter(|(_, b)| **b == b'(') {
        let rest = &text[i + 1..];
        let Some(&d) = rest.first() else { continue };
        if !(33..=126).contains(&d) || d.is_ascii_digit() || rest.get(1) != Some(&d) || rest.get(2) != Some(&d) {
            continue;
        }
        let digits = &rest[3..];
        let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 || n > 10 || digits.get(n) != Some(&d) || digits.get(n + 1) != Some(&b')') {
            continue;
        }
        let port: u32 = std::str::from_utf8(&digits[..n]).ok().and_then(|s| s.parse().ok()).unwrap_or(u32::MAX);
        return match port {
            1..=65535 => Ok(port as u16),
            _ => Err(AddressError::BadPort(port)),
        };
    }
    Err(AddressError::Missing229)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(bytes: &[u8]) -> Result<Vec<Reply>, ReplyError> {
        let mut framer = LineFramer::default();
        let mut parser = ReplyParser::default();
        let mut out = Vec::new();
        // One byte at a time: the worst split a TCP stream can give.
        for b in bytes {
            framer.push(std::slice::from_ref(b));
            while let Some(line) = framer.next_line()? {
                if let Some(r) = parser.push_line(line)? {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    #[test]
    fn single_and_multi_line_replies_split_anywhere() {
        let r = parse_all(b"220 hi\r\n211-Features:\r\n EPSV\r\n 211 padded\r\n211 End\r\n").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].code, 220);
        assert_eq!(r[0].message(), b"hi");
        assert_eq!(r[1].code, 211);
        assert_eq!(r[1].lines.len(), 4);
        assert_eq!(r[1].message(), b"Features:\n EPSV\n 211 padded\nEnd");
    }

    #[test]
    fn bare_lf_and_several_replies_in_one_read() {
        let r = parse_all(b"331 pw\n230 ok\n").unwrap();
        assert_eq!(r.iter().map(|r| r.code).collect::<Vec<_>>(), [331, 230]);
    }

    #[test]
    fn multi_line_ended_by_other_code_is_an_error() {
        let err = parse_all(b"220-a\r\n230 b\r\n").unwrap_err();
        assert!(matches!(err, ReplyError::MismatchedEnd { start: 220, .. }));
    }

    #[test]
    fn codes_outside_1xx_to_5xx_and_http_are_refused() {
        assert!(matches!(parse_all(b"600 no\r\n"), Err(ReplyError::NotAReply(_))));
        assert!(matches!(parse_all(b"HTTP/1.1 400 Bad Request\r\n"), Err(ReplyError::NotAReply(_))));
        assert!(matches!(parse_all(b"099 x\r\n"), Err(ReplyError::NotAReply(_))));
    }

    #[test]
    fn bare_code_line_is_a_reply() {
        assert_eq!(parse_all(b"200\r\n").unwrap()[0].code, 200);
    }

    #[test]
    fn long_line_within_limit_works_and_beyond_is_refused() {
        let mut ok = b"220 ".to_vec();
        ok.extend(std::iter::repeat_n(b'x', 17 * 1024));
        ok.extend_from_slice(b"\r\n");
        assert_eq!(parse_all(&ok).unwrap()[0].code, 220);
        let mut framer = LineFramer::default();
        framer.push(&vec![b'x'; MAX_LINE + 1]);
        assert_eq!(framer.next_line(), Err(ReplyError::LineTooLong));
    }

    #[test]
    fn endless_multi_line_reply_is_capped() {
        let mut parser = ReplyParser::default();
        parser.push_line(b"220-start".to_vec()).unwrap();
        let err = (0..MAX_LINES + 1).find_map(|_| parser.push_line(b"more".to_vec()).err());
        assert_eq!(err, Some(ReplyError::TooLong));
    }

    #[test]
    fn nul_in_reply_is_kept_and_escaped() {
        let r = &parse_all(b"200 a\0b\r\n").unwrap()[0];
        assert_eq!(r.to_string(), "200 a\\u{0}b");
    }

    #[test]
    fn pasv_forms_seen_in_the_wild() {
        let want = SocketAddrV4::new(Ipv4Addr::new(192, 168, 1, 2), 4 * 256 + 1);
        for text in [
            &b"227 Entering Passive Mode (192,168,1,2,4,1)."[..],
            b"227 Entering Passive Mode 192,168,1,2,4,1",
            b"227 =192,168,1,2,4,1",
            b"227 Entering Passive Mode (192, 168, 1, 2, 4, 1)",
            b"227 ok (192,168,1,2,4,1) extra 9,9,9,9,9,9",
        ] {
            assert_eq!(parse_227(text), Ok(want), "{}", escape(text));
        }
    }

    #[test]
    fn pasv_out_of_range_and_missing_are_errors() {
        assert_eq!(parse_227(b"227 (192,168,1,256,4,1)"), Err(AddressError::OutOfRange(256)));
        assert_eq!(parse_227(b"227 (1,2,3,4,0,0)"), Err(AddressError::PortZero));
        assert_eq!(parse_227(b"227 (1,2,3,4,5)"), Err(AddressError::Missing227));
        assert_eq!(parse_227(b"227 (1,2,3,4,99999999999,1)"), Err(AddressError::Missing227));
    }

    #[test]
    fn epsv_accepts_any_delimiter_used_consistently() {
        assert_eq!(parse_229(b"229 Entering Extended Passive Mode (|||6446|)"), Ok(6446));
        assert_eq!(parse_229(b"229 ok (!!!21!)"), Ok(21));
        assert_eq!(parse_229(b"229 ok (~~~65535~)."), Ok(65535));
        assert_eq!(parse_229(b"229 ok (|!|6446|)"), Err(AddressError::Missing229));
        assert_eq!(parse_229(b"229 ok (|||6446!)"), Err(AddressError::Missing229));
        assert_eq!(parse_229(b"229 ok (|||0|)"), Err(AddressError::BadPort(0)));
        assert_eq!(parse_229(b"229 ok (|||65536|)"), Err(AddressError::BadPort(65536)));
        assert_eq!(parse_229(b"229 ok ( \x20\x206446 )"), Err(AddressError::Missing229));
    }
}

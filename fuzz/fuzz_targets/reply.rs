//! The control connection's framing and reply parsing (`LineFramer` + `ReplyParser`): any bytes,
//! split into reads anywhere. Nothing may panic, no limit may be passed, and the replies (or the
//! error) must not depend on how the bytes were split.

#![no_main]

use ftpx::ftp::reply::{LineFramer, MAX_LINE, MAX_LINES, MAX_REPLY, Reply, ReplyError, ReplyParser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte chooses the size of the reads the rest arrives in.
    let Some((&read, bytes)) = data.split_first() else { return };
    let whole = parse(bytes, bytes.len().max(1));
    let split = parse(bytes, usize::from(read).max(1));
    assert_eq!(whole, split, "the outcome depends on how the bytes were split into reads");
});

fn parse(bytes: &[u8], read: usize) -> (Vec<Reply>, Option<ReplyError>) {
    let mut framer = LineFramer::default();
    let mut parser = ReplyParser::default();
    let mut replies = Vec::new();
    for piece in bytes.chunks(read) {
        framer.push(piece);
        loop {
            let line = match framer.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => return (replies, Some(e)),
            };
            assert!(line.len() < MAX_LINE, "a line of {} bytes got through", line.len());
            match parser.push_line(line) {
                Ok(Some(reply)) => {
                    check(&reply);
                    replies.push(reply);
                }
                Ok(None) => {}
                Err(e) => return (replies, Some(e)),
            }
        }
        assert!(framer.pending() < MAX_LINE, "{} bytes held without a line end", framer.pending());
    }
    (replies, None)
}

fn check(reply: &Reply) {
    assert!((100..600).contains(&reply.code), "code {}", reply.code);
    assert!(!reply.lines.is_empty() && reply.lines.len() <= MAX_LINES);
    let size: usize = reply.lines.iter().map(|l| l.len() + 2).sum();
    assert!(size <= MAX_REPLY, "a reply of {size} bytes");
    let _ = (reply.to_string(), reply.message(), reply.class());
}

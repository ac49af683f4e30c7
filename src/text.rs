//! Showing bytes that came from a server: names and replies are bytes on the wire, and a
//! terminal must never receive a raw control character (an escape sequence in a file name could
//! rewrite the screen).

use std::fmt::Write;

/// Renders `bytes` as text: valid UTF-8 stays as it is, invalid bytes become `\xNN`, and control
/// characters (C0, DEL, C1) become `\r`, `\n`, `\t`, `\e` or `\xNN`; a backslash is doubled so
/// the form can be told apart from a literal name.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\x1b' => out.push_str("\\e"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_keeps_utf8_and_shows_the_rest() {
        assert_eq!(escape("café.txt".as_bytes()), "café.txt");
        assert_eq!(escape(b"a\xffb"), "a\\xffb");
        assert_eq!(escape(b"\x1b[2Jx\r\n\0"), "\\e[2Jx\\r\\n\\u{0}");
        assert_eq!(escape(b"a\\b"), "a\\\\b");
        assert_eq!(escape("\u{9b}".as_bytes()), "\\u{9b}");
    }
}

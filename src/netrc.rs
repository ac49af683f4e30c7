//! `~/.netrc`: `machine NAME login USER password PASS [account ACCT]`, a `default` entry, and
//! `macdef` bodies (skipped up to the next blank line), as ftp(1) and curl read it.

use crate::secret::Secret;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub login: Option<String>,
    pub password: Option<Secret>,
    pub account: Option<Secret>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Netrc {
    machines: Vec<(String, Entry)>,
    default: Option<Entry>,
}

impl Netrc {
    pub fn parse(text: &str) -> Netrc {
        let mut netrc = Netrc::default();
        // Where the fields being read go: a machine's entry or the default.
        enum Slot {
            None,
            Machine(usize),
            Default,
        }
        let mut slot = Slot::None;
        let mut tokens = Tokens { rest: text };
        while let Some(tok) = tokens.next() {
            let entry = match &slot {
                Slot::Machine(i) => Some(&mut netrc.machines[*i].1),
                Slot::Default => netrc.default.as_mut(),
                Slot::None => None,
            };
            match (tok.as_str(), entry) {
                ("machine", _) => {
                    let name = tokens.next().unwrap_or_default().to_ascii_lowercase();
                    netrc.machines.push((name, Entry::default()));
                    slot = Slot::Machine(netrc.machines.len() - 1);
                }
                ("default", _) => {
                    netrc.default = Some(Entry::default());
                    slot = Slot::Default;
                }
                ("login", Some(e)) => e.login = tokens.next(),
                ("password", Some(e)) => e.password = tokens.next().map(Secret::new),
                ("account", Some(e)) => e.account = tokens.next().map(Secret::new),
                ("macdef", _) => {
                    tokens.next();
                    tokens.skip_macro();
                    slot = Slot::None;
                }
                _ => {}
            }
        }
        netrc
    }

    /// The entry for `host` (case-insensitive), else the default entry.
    pub fn lookup(&self, host: &str) -> Option<&Entry> {
        let host = host.to_ascii_lowercase();
        self.machines.iter().find(|(m, _)| *m == host).map(|(_, e)| e).or(self.default.as_ref())
    }
}

struct Tokens<'a> {
    rest: &'a str,
}

impl Tokens<'_> {
    /// The next whitespace-separated token; `"..."` quotes one with spaces, `\` escapes a character.
    fn next(&mut self) -> Option<String> {
        self.rest = self.rest.trim_start();
        // A line starting with '#' is a comment.
        while self.rest.starts_with('#') {
            self.rest = self.rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        }
        if self.rest.is_empty() {
            return None;
        }
        let mut out = String::new();
        let mut chars = self.rest.char_indices();
        let quoted = self.rest.starts_with('"');
        if quoted {
            chars.next();
        }
        let mut end = self.rest.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        out.push(n);
                    }
                }
                '"' if quoted => {
                    end = i + 1;
                    break;
                }
                c if c.is_whitespace() && !quoted => {
                    end = i;
                    break;
                }
                c => out.push(c),
            }
        }
        self.rest = &self.rest[end..];
        Some(out)
    }

    /// A macro body runs to the next empty line.
    fn skip_macro(&mut self) {
        self.rest = self.rest.split_once("\n\n").map_or("", |(_, r)| r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machines_default_quotes_comments_macros() {
        let n = Netrc::parse(
            "# comment\nmachine Example.COM login alice password \"p w\\\"x\"\n\
             macdef init\ncd pub\nget x\n\nmachine b.example login bob password b2 account acc\n\
             default login anonymous password me@x\n",
        );
        let a = n.lookup("example.com").unwrap();
        assert_eq!((a.login.as_deref(), a.password.as_ref().map(Secret::expose)), (Some("alice"), Some("p w\"x")));
        let b = n.lookup("B.example").unwrap();
        assert_eq!(b.account.as_ref().map(Secret::expose), Some("acc"));
        assert_eq!(n.lookup("other").unwrap().login.as_deref(), Some("anonymous"));
        assert!(Netrc::parse("machine x login y").lookup("z").is_none());
        assert!(!format!("{n:?}").contains("b2"));
    }
}

//! Commands as they go on the wire (RFC 959 §4.1, RFC 2428, RFC 3659, RFC 2389).
//!
//! A [`Command`] can only be built from an argument without CR, LF or NUL, so no file name,
//! user name or raw command can smuggle a second command onto the control connection. Its
//! `Display` is the transcript form, with the argument of PASS and ACCT replaced by `****`.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use crate::secret::Secret;
use crate::text::escape;

/// An argument that would have let a second command onto the wire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} contains a {which} character, which FTP cannot carry: refused before sending")]
pub struct UnsafeArgument {
    pub what: &'static str,
    pub which: &'static str,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    verb: String,
    arg: Option<Vec<u8>>,
    secret: bool,
}

/// Refuses CR, LF and NUL: RFC 959 ends a command with CRLF, and NUL ends a string in many servers.
pub fn check_arg(what: &'static str, arg: &[u8]) -> Result<(), UnsafeArgument> {
    let which = match arg.iter().find(|b| matches!(b, b'\r' | b'\n' | b'\0')) {
        None => return Ok(()),
        Some(b'\r') => "CR",
        Some(b'\n') => "LF",
        Some(_) => "NUL",
    };
    Err(UnsafeArgument { what, which })
}

impl Command {
    /// A command without an argument: `PWD`, `PASV`, `FEAT`...
    pub fn bare(verb: &str) -> Command {
        Command { verb: verb.to_owned(), arg: None, secret: false }
    }

    /// A command with an argument (a path, a name, a number).
    pub fn with_arg(verb: &str, arg: impl Into<Vec<u8>>) -> Result<Command, UnsafeArgument> {
        let arg = arg.into();
        check_arg("argument", &arg)?;
        Ok(Command { verb: verb.to_owned(), arg: Some(arg), secret: false })
    }

    /// A command whose argument is a path, named as such in errors.
    pub fn path(verb: &str, path: &[u8]) -> Result<Command, UnsafeArgument> {
        check_arg("path", path)?;
        Ok(Command { verb: verb.to_owned(), arg: Some(path.to_vec()), secret: false })
    }

    /// `PASS` or `ACCT`: shown as `****` everywhere but on the wire.
    pub fn secret(verb: &str, secret: &Secret) -> Result<Command, UnsafeArgument> {
        check_arg("password", secret.expose().as_bytes())?;
        Ok(Command { verb: verb.to_owned(), arg: Some(secret.expose().as_bytes().to_vec()), secret: true })
    }

    /// A raw command line from the user (`quote`): the first word is the verb.
    pub fn raw(line: &[u8]) -> Result<Command, UnsafeArgument> {
        check_arg("command", line)?;
        let line = line.trim_ascii();
        let (verb, arg) = match line.iter().position(|&b| b == b' ') {
            Some(i) => (&line[..i], Some(line[i + 1..].to_vec())),
            None => (line, None),
        };
        let verb = String::from_utf8_lossy(verb).to_ascii_uppercase();
        let secret = matches!(verb.as_str(), "PASS" | "ACCT");
        Ok(Command { verb, arg, secret })
    }

    /// `PORT h1,h2,h3,h4,p1,p2` (RFC 959), or `EPRT |af|addr|port|` (RFC 2428).
    pub fn port(addr: SocketAddr) -> Option<Command> {
        let IpAddr::V4(ip) = addr.ip() else { return None };
        let [a, b, c, d] = ip.octets();
        let p = addr.port();
        let arg = format!("{a},{b},{c},{d},{},{}", p >> 8, p & 0xff);
        Some(Command { verb: "PORT".to_owned(), arg: Some(arg.into_bytes()), secret: false })
    }

    pub fn eprt(addr: SocketAddr) -> Command {
        let af = if addr.is_ipv4() { 1 } else { 2 };
        let arg = format!("|{af}|{}|{}|", addr.ip(), addr.port());
        Command { verb: "EPRT".to_owned(), arg: Some(arg.into_bytes()), secret: false }
    }

    pub fn verb(&self) -> &str {
        &self.verb
    }

    /// The argument, when there is one (after the verb and one space).
    pub fn argument(&self) -> Option<&[u8]> {
        self.arg.as_deref()
    }

    /// The bytes to write: `VERB arg\r\n`.
    pub fn wire(&self) -> Vec<u8> {
        let mut out = self.verb.as_bytes().to_vec();
        if let Some(arg) = &self.arg {
            out.push(b' ');
            out.extend_from_slice(arg);
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.verb)?;
        match &self.arg {
            Some(_) if self.secret => f.write_str(" ****"),
            Some(arg) => write!(f, " {}", escape(arg)),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cr_lf_nul_are_refused_in_every_argument() {
        for bad in [&b"a\r\nDELE x"[..], b"a\nb", b"a\0b", b"\r"] {
            assert!(Command::path("RETR", bad).is_err());
            assert!(Command::raw(bad).is_err());
            assert!(Command::secret("PASS", &Secret::new(String::from_utf8_lossy(bad))).is_err());
        }
        let e = Command::path("RETR", b"x\ny").unwrap_err();
        assert_eq!(e.to_string(), "path contains a LF character, which FTP cannot carry: refused before sending");
    }

    #[test]
    fn pass_is_redacted_except_on_the_wire() {
        let c = Command::secret("PASS", &Secret::new("s3cret")).unwrap();
        assert_eq!(c.to_string(), "PASS ****");
        assert!(!format!("{c:?}").contains("s3cret"));
        assert_eq!(c.wire(), b"PASS s3cret\r\n");
        let raw = Command::raw(b"pass s3cret").unwrap();
        assert_eq!(raw.to_string(), "PASS ****");
    }

    #[test]
    fn non_utf8_path_goes_out_as_bytes() {
        let c = Command::path("RETR", b"caf\xe9.txt").unwrap();
        assert_eq!(c.wire(), b"RETR caf\xe9.txt\r\n");
        assert_eq!(c.to_string(), "RETR caf\\xe9.txt");
    }

    #[test]
    fn port_and_eprt_encoding() {
        let v4: SocketAddr = "192.0.2.7:4097".parse().unwrap();
        assert_eq!(Command::port(v4).unwrap().wire(), b"PORT 192,0,2,7,16,1\r\n");
        assert_eq!(Command::eprt(v4).wire(), b"EPRT |1|192.0.2.7|4097|\r\n");
        let v6: SocketAddr = "[2001:db8::1]:21000".parse().unwrap();
        assert!(Command::port(v6).is_none());
        assert_eq!(Command::eprt(v6).wire(), b"EPRT |2|2001:db8::1|21000|\r\n");
    }
}

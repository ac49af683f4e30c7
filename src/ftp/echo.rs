//! `SITE FTPX-ECHO`: what `ftpx serve` saw of a client, in a reply a program can read.
//!
//! The probe sees one end of the path; a server that says what arrived makes the other end
//! exact: the client's public address (the control connection's peer), whether something on the
//! path rewrote PORT/EPRT (the argument as sent against the argument as received), and where
//! data connections really come from. `ftpx serve` lists `SITE FTPX-ECHO` in its FEAT reply
//! ([`FEAT_LINE`], [`advertised`]) and answers it with [`Echo::reply_lines`]; the client asks
//! with [`query`] (or sends [`COMMAND`] and reads the reply with [`Echo::parse`]).
//!
//! The reply is a 200 of `key=value` lines, one fact each, in any order; keys a reader does not
//! know are skipped, so facts can be added later:
//!
//! ```text
//! 200-FTPX-ECHO 1
//! 200-control_peer=198.51.100.7:50312        the control connection's source, as the server saw it
//! 200-control_local=192.0.2.10:21            the server's end of it
//! 200-active_command=PORT                    the last PORT or EPRT of this session, when any
//! 200-active_argument=10,0,0,5,195,80        its argument byte for byte (%XX for bytes
//!                                            outside printable ASCII, and for %)
//! 200-active_target=10.0.0.5:50000           the address the argument names, when it names one
//! 200-active_connect=ok                      ok | failed | refused | not-tried
//! 200-active_detail=connection refused       why, when failed or refused
//! 200-passive_from=EPSV 198.51.100.7:50320   one line per passive data connection accepted
//! 200 End                                    (the last 16), oldest first
//! ```

use std::net::SocketAddr;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode, percent_encode};

use super::reply::Reply;
use super::{Command, DataMode, Error, Features, Session};

/// The FEAT line that says a server answers `SITE FTPX-ECHO`.
pub const FEAT_LINE: &str = "SITE FTPX-ECHO";

/// The command a client sends, without CRLF.
pub const COMMAND: &str = "SITE FTPX-ECHO";

/// The format's version, on the first line.
pub const VERSION: u32 = 1;

/// Most passive data connections remembered per session.
pub const MAX_PASSIVE: usize = 16;

/// Whether the server's FEAT reply offers the echo.
pub fn advertised(features: &Features) -> bool {
    features.lines.iter().any(|l| l.eq_ignore_ascii_case(FEAT_LINE))
}

/// Asks the server what it saw, when its FEAT reply offered the echo: `Ok(None)` when it did
/// not (nothing is sent), or when the answer is not an echo.
pub async fn query(session: &mut Session) -> Result<Option<Echo>, Error> {
    if !advertised(session.features()) {
        return Ok(None);
    }
    let reply = session.command(&Command::bare(COMMAND)).await?;
    Ok(Echo::parse(&reply).ok())
}

/// Whether the server connected back to the last PORT/EPRT address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connect {
    /// No transfer has used the address yet.
    NotTried,
    Ok,
    /// The connection was tried and failed; the detail says how.
    Failed(String),
    /// The server would not try: another address than the control connection's peer (no FTP
    /// bounce, RFC 2577), or an argument it could not read.
    Refused(String),
}

/// The last PORT or EPRT of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Active {
    /// [`DataMode::Port`] or [`DataMode::Eprt`].
    pub command: DataMode,
    /// The argument exactly as it arrived.
    pub argument: Vec<u8>,
    /// The address the argument names, when it names one.
    pub target: Option<SocketAddr>,
    pub connect: Connect,
}

/// One passive data connection the server accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passive {
    /// [`DataMode::Epsv`] or [`DataMode::Pasv`].
    pub mode: DataMode,
    pub from: SocketAddr,
}

/// Everything the server reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    pub control_peer: SocketAddr,
    pub control_local: Option<SocketAddr>,
    pub active: Option<Active>,
    pub passive: Vec<Passive>,
}

/// Why a reply could not be read as an echo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EchoError {
    #[error("not an FTPX-ECHO reply: {0}")]
    NotEcho(String),
    #[error("FTPX-ECHO reply without a control_peer line")]
    NoPeer,
    #[error("bad FTPX-ECHO line: {0}")]
    BadLine(String),
}

/// Bytes written as `%XX` in `active_argument`: controls, non-ASCII, and `%` itself.
const ESCAPED: &AsciiSet = &CONTROLS.add(b'%');

impl Echo {
    /// The reply's lines, code included, without CRLF.
    pub fn reply_lines(&self) -> Vec<String> {
        let mut facts = vec![format!("control_peer={}", self.control_peer)];
        if let Some(local) = self.control_local {
            facts.push(format!("control_local={local}"));
        }
        if let Some(a) = &self.active {
            facts.push(format!("active_command={}", a.command));
            facts.push(format!("active_argument={}", percent_encode(&a.argument, ESCAPED)));
            if let Some(t) = a.target {
                facts.push(format!("active_target={t}"));
            }
            let (word, detail) = match &a.connect {
                Connect::NotTried => ("not-tried", None),
                Connect::Ok => ("ok", None),
                Connect::Failed(d) => ("failed", Some(d)),
                Connect::Refused(d) => ("refused", Some(d)),
            };
            facts.push(format!("active_connect={word}"));
            if let Some(d) = detail {
                // One line whatever the detail holds.
                let d: String = d.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
                facts.push(format!("active_detail={d}"));
            }
        }
        for p in &self.passive {
            facts.push(format!("passive_from={} {}", p.mode, p.from));
        }
        let mut lines = vec![format!("200-FTPX-ECHO {VERSION}")];
        lines.extend(facts.into_iter().map(|f| format!("200-{f}")));
        lines.push("200 End".to_owned());
        lines
    }

    /// Reads an echo reply. Lines may carry the `200-` prefix or not (RFC 959 allows both
    /// inside a multi-line reply), and unknown keys are skipped.
    pub fn parse(reply: &Reply) -> Result<Echo, EchoError> {
        let first = reply.lines.first().map(|l| String::from_utf8_lossy(l).into_owned()).unwrap_or_default();
        if reply.code != 200 || !first.to_ascii_uppercase().contains("FTPX-ECHO") {
            return Err(EchoError::NotEcho(reply.to_string()));
        }
        let mut peer = None;
        let mut local = None;
        let mut active: Option<Active> = None;
        let mut detail = None;
        let mut connect_word = None;
        let mut passive = Vec::new();
        let bad = |line: &[u8]| EchoError::BadLine(String::from_utf8_lossy(line).into_owned());
        let addr = |v: &str, line: &[u8]| v.parse::<SocketAddr>().map_err(|_| bad(line));
        for line in reply.lines.iter().skip(1) {
            let body = match line.get(..4) {
                Some([a, b, c, b'-' | b' ']) if [a, b, c].iter().all(|d| d.is_ascii_digit()) => &line[4..],
                _ => line.trim_ascii_start(),
            };
            let Some(eq) = body.iter().position(|&b| b == b'=') else { continue };
            let key = &body[..eq];
            let raw = &body[eq + 1..];
            let value = String::from_utf8_lossy(raw);
            let value = value.trim_end();
            let blank =
                || Active { command: DataMode::Port, argument: Vec::new(), target: None, connect: Connect::NotTried };
            match key {
                b"control_peer" => peer = Some(addr(value, line)?),
                b"control_local" => local = Some(addr(value, line)?),
                b"active_command" => {
                    active.get_or_insert_with(blank).command = match value {
                        "PORT" => DataMode::Port,
                        "EPRT" => DataMode::Eprt,
                        _ => return Err(bad(line)),
                    }
                }
                b"active_argument" => {
                    active.get_or_insert_with(blank).argument = percent_decode(raw).collect();
                }
                b"active_target" => active.get_or_insert_with(blank).target = Some(addr(value, line)?),
                b"active_connect" => connect_word = Some(value.to_owned()),
                b"active_detail" => detail = Some(value.to_owned()),
                b"passive_from" => {
                    let (mode, from) = value.split_once(' ').ok_or_else(|| bad(line))?;
                    let mode = match mode {
                        "EPSV" => DataMode::Epsv,
                        "PASV" => DataMode::Pasv,
                        _ => return Err(bad(line)),
                    };
                    passive.push(Passive { mode, from: addr(from, line)? });
                }
                _ => {}
            }
        }
        if let Some(a) = &mut active {
            let detail = detail.unwrap_or_default();
            a.connect = match connect_word.as_deref() {
                Some("ok") => Connect::Ok,
                Some("failed") => Connect::Failed(detail),
                Some("refused") => Connect::Refused(detail),
                _ => Connect::NotTried,
            };
        }
        Ok(Echo { control_peer: peer.ok_or(EchoError::NoPeer)?, control_local: local, active, passive })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(lines: &[&str]) -> Reply {
        let code = lines[0][..3].parse().unwrap();
        Reply { code, lines: lines.iter().map(|l| l.as_bytes().to_vec()).collect() }
    }

    fn echo_reply(echo: &Echo) -> Reply {
        let lines = echo.reply_lines();
        reply(&lines.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn sample() -> Echo {
        Echo {
            control_peer: "198.51.100.7:50312".parse().unwrap(),
            control_local: Some("192.0.2.10:21".parse().unwrap()),
            active: Some(Active {
                command: DataMode::Port,
                argument: b"10,0,0,5,195,80".to_vec(),
                target: Some("10.0.0.5:50000".parse().unwrap()),
                connect: Connect::Failed("connection refused".into()),
            }),
            passive: vec![
                Passive { mode: DataMode::Epsv, from: "198.51.100.7:50320".parse().unwrap() },
                Passive { mode: DataMode::Pasv, from: "[2001:db8::7]:50321".parse().unwrap() },
            ],
        }
    }

    #[test]
    fn the_documented_format() {
        assert_eq!(
            sample().reply_lines(),
            [
                "200-FTPX-ECHO 1",
                "200-control_peer=198.51.100.7:50312",
                "200-control_local=192.0.2.10:21",
                "200-active_command=PORT",
                "200-active_argument=10,0,0,5,195,80",
                "200-active_target=10.0.0.5:50000",
                "200-active_connect=failed",
                "200-active_detail=connection refused",
                "200-passive_from=EPSV 198.51.100.7:50320",
                "200-passive_from=PASV [2001:db8::7]:50321",
                "200 End",
            ]
        );
    }

    #[test]
    fn every_shape_reads_back() {
        let mut cases = vec![sample()];
        let peer: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        cases.push(Echo { control_peer: peer, control_local: None, active: None, passive: vec![] });
        for connect in [Connect::NotTried, Connect::Ok, Connect::Refused("not the control peer".into())] {
            for (command, argument) in [
                (DataMode::Eprt, b"|2|2001:db8::1|21000|".to_vec()),
                // Odd bytes, a percent sign and spaces survive byte for byte.
                (DataMode::Port, b" 10,0,0,5,1,2 %41 \x1b\xff".to_vec()),
            ] {
                let active = Active { command, argument, target: None, connect: connect.clone() };
                cases.push(Echo { control_peer: peer, control_local: None, active: Some(active), passive: vec![] });
            }
        }
        for echo in cases {
            assert_eq!(Echo::parse(&echo_reply(&echo)), Ok(echo));
        }
    }

    #[test]
    fn lenient_reading() {
        let r = reply(&[
            "200-FTPX-ECHO 2",
            " control_peer=192.0.2.1:1",
            "some future text without a key",
            "200-future_key=whatever",
            "active_command=EPRT",
            "200 End",
        ]);
        let e = Echo::parse(&r).unwrap();
        assert_eq!(e.control_peer, "192.0.2.1:1".parse().unwrap());
        let a = e.active.unwrap();
        assert_eq!((a.command, a.connect), (DataMode::Eprt, Connect::NotTried));
    }

    #[test]
    fn not_an_echo() {
        for (r, err) in [
            (reply(&["500 Unknown SITE command"]), "not an FTPX-ECHO reply"),
            (reply(&["200 OK"]), "not an FTPX-ECHO reply"),
            (reply(&["200-FTPX-ECHO 1", "200 End"]), "without a control_peer"),
            (reply(&["200-FTPX-ECHO 1", "200-control_peer=nowhere", "200 End"]), "bad FTPX-ECHO line"),
            (reply(&["200-FTPX-ECHO 1", "200-passive_from=XYZ 1.2.3.4:5", "200 End"]), "bad FTPX-ECHO line"),
        ] {
            let e = Echo::parse(&r).unwrap_err().to_string();
            assert!(e.contains(err), "{e}");
        }
    }

    #[test]
    fn advertised_in_feat() {
        let mut f = Features::default();
        assert!(!advertised(&f));
        f.lines = vec!["EPSV".into(), "site ftpx-echo".into()];
        assert!(advertised(&f));
    }
}

//! One control connection: login, commands (RFC 959, 2389, 2428, 3659, 4217), data connections
//! in the four modes, and what `SITE FTPX-ECHO` reports.
//!
//! Order on a data connection follows vsftpd, which every client copes with: the TCP connection
//! first (accepted for PASV/EPSV, made for PORT/EPRT), then the 150 reply, then under PROT P the
//! TLS handshake, which must resume the control connection's session (else 522). While a
//! transfer runs the control connection is still read, for ABOR.
//!
//! This file holds the session's state, its control connection (reading lines, writing replies)
//! and the command dispatch with the small informational commands; [`auth`] the login and the
//! control connection's TLS, [`data`] the data connections and transfers, [`files`] the commands
//! on the served tree.

mod auth;
mod data;
mod files;

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use self::data::Plan;
use super::Shared;
use super::fs::Jail;
use super::tls::SessionTls;
use crate::ftp::echo::{self, Echo};
use crate::ftp::reply::{LineFramer, ReplyError};
use crate::ftp::{Stream, check_arg};

/// The first byte of a TLS record carrying a handshake message (a ClientHello).
const TLS_HANDSHAKE: u8 = 0x16;

/// Tells a connection over the session cap so, and closes it.
pub(super) async fn refuse(mut tcp: TcpStream, max: usize) {
    let line = format!("421 Too many sessions ({max}); try again later\r\n");
    let _ = timeout(Duration::from_secs(2), tcp.write_all(line.as_bytes())).await;
}

/// Runs one session to its end; every failure ends only this session. `implicit`: the
/// connection came to the implicit-FTPS listener, so it is TLS from the first byte.
pub(super) async fn run(shared: Arc<Shared>, tcp: TcpStream, peer: SocketAddr, implicit: bool) {
    let Ok(local) = tcp.local_addr() else { return };
    let _ = tcp.set_nodelay(true);
    let framer = LineFramer::with_max_line(shared.options.limits.max_line);
    let mut session = Session {
        shared,
        ctrl: Stream::Tcp(tcp),
        framer,
        queued: VecDeque::new(),
        peer: SocketAddr::new(peer.ip().to_canonical(), peer.port()),
        local: SocketAddr::new(local.ip().to_canonical(), local.port()),
        tls: None,
        prot_private: false,
        user: None,
        logged_in: None,
        failures: 0,
        cwd: b"/".to_vec(),
        rest: 0,
        rename_from: None,
        plan: None,
        epsv_all: false,
        echo_active: None,
        echo_passive: VecDeque::new(),
    };
    session.log("connected");
    let end = session.serve(implicit).await;
    match end {
        Ok(()) => session.log("closed"),
        Err(e) => session.log(&format!("closed: {e}")),
    }
    let _ = timeout(Duration::from_secs(1), session.ctrl.shutdown()).await;
}

/// Where the session goes after a command.
enum Flow {
    Continue,
    Quit,
}

struct Session {
    shared: Arc<Shared>,
    ctrl: Stream,
    framer: LineFramer,
    /// Lines that arrived during a transfer, to run after it.
    queued: VecDeque<Vec<u8>>,
    peer: SocketAddr,
    local: SocketAddr,
    /// This session's TLS configuration, once the control connection is in TLS.
    tls: Option<SessionTls>,
    /// PROT P: data connections in TLS.
    prot_private: bool,
    /// The name USER gave.
    user: Option<String>,
    /// The logged-in user.
    logged_in: Option<String>,
    failures: u32,
    /// The current directory, a normalized absolute FTP path.
    cwd: Vec<u8>,
    rest: u64,
    rename_from: Option<PathBuf>,
    plan: Option<Plan>,
    /// After `EPSV ALL` (RFC 2428 §4) only EPSV is allowed.
    epsv_all: bool,
    echo_active: Option<echo::Active>,
    echo_passive: VecDeque<echo::Passive>,
}

type Result<T> = std::result::Result<T, io::Error>;

impl Session {
    fn log(&self, what: &str) {
        let who = self.logged_in.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
        self.shared.log(&format!("{}{who}: {what}", self.peer));
    }

    fn limits(&self) -> &super::Limits {
        &self.shared.options.limits
    }

    fn jail(&self) -> &Jail {
        &self.shared.jail
    }

    fn writable(&self) -> bool {
        self.shared.options.write
    }

    /// Greets at once: a plain client waits for the greeting, and an implicit-FTPS client (which
    /// speaks first) has a listener of its own, so nothing is waited for to tell them apart.
    async fn serve(&mut self, implicit: bool) -> Result<()> {
        if implicit {
            // Implicit FTPS (port 990 practice, outside RFC 4217) protects data connections
            // from the start: some of its clients send no PROT and expect P.
            self.prot_private = true;
            self.start_tls().await?;
        }
        self.reply(220, "ftpx serve ready").await?;
        loop {
            let line = self.next_line().await?;
            match self.command(line).await? {
                Flow::Continue => {}
                Flow::Quit => return Ok(()),
            }
        }
    }

    /// The next command line, within the idle timeout.
    async fn next_line(&mut self) -> Result<Vec<u8>> {
        if let Some(line) = self.queued.pop_front() {
            return Ok(line);
        }
        let mut buf = [0u8; 4096];
        loop {
            match self.framer.next_line() {
                Ok(Some(line)) => return Ok(line),
                Ok(None) => {}
                Err(ReplyError::LineTooLong) | Err(_) => {
                    let max = self.limits().max_line;
                    self.reply(500, &format!("Command line longer than {max} bytes; closing")).await?;
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "command line too long"));
                }
            }
            let idle = if self.logged_in.is_some() { self.limits().idle } else { self.limits().login_idle };
            match timeout(idle, self.ctrl.read(&mut buf)).await {
                Err(_) => {
                    let _ = self.reply(421, "Idle too long; closing").await;
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "idle timeout"));
                }
                Ok(Ok(0)) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "client closed")),
                // A ClientHello where a command should start: an implicit-FTPS client on the
                // plain port. It has already failed on the plain greeting; say why in the log.
                Ok(Ok(_)) if buf[0] == TLS_HANDSHAKE && self.tls.is_none() && self.framer.pending() == 0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "a TLS handshake on the plain FTP port (implicit FTPS has a port of its own)",
                    ));
                }
                Ok(Ok(n)) => self.framer.push(&buf[..n]),
                Ok(Err(e)) => return Err(e),
            }
        }
    }

    async fn write_ctrl(&mut self, bytes: &[u8]) -> Result<()> {
        let after = self.limits().transfer_idle;
        match timeout(after, async {
            self.ctrl.write_all(bytes).await?;
            self.ctrl.flush().await
        })
        .await
        {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "client does not read its replies")),
        }
    }

    async fn reply(&mut self, code: u16, text: &str) -> Result<()> {
        self.reply_bytes(code, text.as_bytes()).await
    }

    /// One reply line; CR and LF in the text (a file name) become spaces so the reply stays one.
    async fn reply_bytes(&mut self, code: u16, text: &[u8]) -> Result<()> {
        let mut line = format!("{code} ").into_bytes();
        line.extend(text.iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
        line.extend_from_slice(b"\r\n");
        self.write_ctrl(&line).await
    }

    /// A multi-line reply from whole lines (code included in the first and last).
    async fn reply_lines(&mut self, lines: &[String]) -> Result<()> {
        let mut out = Vec::new();
        for l in lines {
            out.extend(l.bytes().map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
            out.extend_from_slice(b"\r\n");
        }
        self.write_ctrl(&out).await
    }

    async fn command(&mut self, line: Vec<u8>) -> Result<Flow> {
        // Telnet IP and Synch (RFC 959 §4.1.3) may precede ABOR: IAC and command bytes go.
        let start = line.iter().position(|&b| b < 0xf0).unwrap_or(line.len());
        let line = &line[start..];
        if check_arg("command", line).is_err() {
            self.reply(501, "CR or NUL inside a command line; refused").await?;
            return Ok(Flow::Continue);
        }
        let (verb, arg) = match line.iter().position(|&b| b == b' ') {
            Some(i) => (&line[..i], line[i + 1..].to_vec()),
            None => (line, Vec::new()),
        };
        if verb.is_empty() || verb.len() > 8 || !verb.iter().all(u8::is_ascii_alphanumeric) {
            self.reply(500, "Syntax error, command unrecognized").await?;
            return Ok(Flow::Continue);
        }
        let verb = String::from_utf8_lossy(verb).to_ascii_uppercase();
        let before_login = matches!(
            verb.as_str(),
            "USER" | "PASS" | "AUTH" | "PBSZ" | "PROT" | "FEAT" | "SYST" | "QUIT" | "NOOP" | "OPTS" | "HELP"
        );
        if self.logged_in.is_none() && !before_login {
            self.reply(530, "Please log in with USER and PASS").await?;
            return Ok(Flow::Continue);
        }
        // REST applies to the next transfer only (commands in between, such as EPSV, keep it).
        let transfer = matches!(verb.as_str(), "RETR" | "STOR" | "APPE" | "LIST" | "NLST" | "MLSD");
        let rest = if transfer { std::mem::take(&mut self.rest) } else { 0 };
        // RNTO must follow RNFR at once (RFC 959 §4.1.3).
        if verb != "RNTO" && verb != "RNFR" {
            self.rename_from = None;
        }
        match verb.as_str() {
            "USER" => self.user(arg).await?,
            "PASS" => return self.pass(arg).await,
            "QUIT" => {
                self.reply(221, "Goodbye").await?;
                return Ok(Flow::Quit);
            }
            "NOOP" => self.reply(200, "OK").await?,
            "SYST" => self.reply(215, "UNIX Type: L8").await?,
            "FEAT" => self.feat().await?,
            "OPTS" => self.opts(&arg).await?,
            "HELP" => self.help().await?,
            "AUTH" => self.auth(&arg).await?,
            "PBSZ" if self.tls.is_some() => self.reply(200, "PBSZ=0").await?,
            "PROT" if self.tls.is_some() => match arg.to_ascii_uppercase().as_slice() {
                b"P" => {
                    self.prot_private = true;
                    self.reply(200, "Data connections in TLS").await?;
                }
                b"C" => {
                    self.prot_private = false;
                    self.reply(200, "Data connections in the clear").await?;
                }
                _ => self.reply(504, "PROT C or PROT P only").await?,
            },
            "PBSZ" | "PROT" => self.reply(503, "AUTH TLS first").await?,
            "TYPE" => match arg.to_ascii_uppercase().as_slice() {
                // TYPE A is accepted and files are sent as they are, as vsftpd does by default.
                b"I" | b"L 8" | b"A" | b"A N" => self.reply(200, "Type set").await?,
                _ => self.reply(504, "TYPE I or TYPE A only").await?,
            },
            "MODE" if arg.eq_ignore_ascii_case(b"S") => self.reply(200, "Mode S").await?,
            "STRU" if arg.eq_ignore_ascii_case(b"F") => self.reply(200, "Structure F").await?,
            "MODE" | "STRU" => self.reply(504, "Only MODE S and STRU F").await?,
            "ALLO" | "ACCT" => self.reply(202, "Not needed").await?,
            "PWD" | "XPWD" => {
                let mut text = b"\"".to_vec();
                for &b in &self.cwd {
                    text.extend_from_slice(if b == b'"' { b"\"\"" } else { std::slice::from_ref(&b) });
                }
                text.extend_from_slice(b"\" is the current directory");
                self.reply_bytes(257, &text).await?;
            }
            "CWD" | "XCWD" => self.cwd(&arg).await?,
            "CDUP" | "XCUP" => self.cwd(b"..").await?,
            "PASV" | "EPSV" => self.passive(&verb, &arg).await?,
            "PORT" | "EPRT" => self.active(&verb, arg).await?,
            "LIST" | "NLST" | "MLSD" => self.listing(&verb, &arg).await?,
            "MLST" => self.mlst(&arg).await?,
            "SIZE" => self.size(&arg).await?,
            "MDTM" => self.mdtm(&arg).await?,
            "HASH" => self.hash(&arg).await?,
            "REST" => match std::str::from_utf8(&arg).ok().and_then(|a| a.parse::<u64>().ok()) {
                Some(n) => {
                    self.rest = n;
                    self.reply(350, &format!("Restarting at {n}; send STOR or RETR")).await?;
                }
                None => self.reply(501, "REST needs a byte offset").await?,
            },
            "RETR" => self.retr(&arg, rest).await?,
            "STOR" | "APPE" => self.store(&verb, &arg, rest).await?,
            "DELE" | "MKD" | "XMKD" | "RMD" | "XRMD" | "RNFR" | "RNTO" => self.change(&verb, &arg).await?,
            "ABOR" => self.reply(225, "No transfer to abort").await?,
            "STAT" if arg.is_empty() => self.stat().await?,
            "SITE" => self.site(&arg).await?,
            _ => self.reply(502, &format!("{verb} not implemented")).await?,
        }
        Ok(Flow::Continue)
    }

    async fn feat(&mut self) -> Result<()> {
        let mut lines = vec!["211-Features:".to_owned()];
        for f in [
            "AUTH TLS",
            "PBSZ",
            "PROT",
            "EPSV",
            "EPRT",
            "MDTM",
            "SIZE",
            "REST STREAM",
            "MLST type*;size*;modify*;perm*;unix.mode*;",
            "UTF8",
            "TVFS",
            "HASH SHA-256*",
            echo::FEAT_LINE,
        ] {
            lines.push(format!(" {f}"));
        }
        lines.push("211 End".to_owned());
        self.reply_lines(&lines).await
    }

    async fn opts(&mut self, arg: &[u8]) -> Result<()> {
        let arg = String::from_utf8_lossy(arg).to_ascii_uppercase();
        let mut words = arg.split_whitespace();
        match (words.next(), words.next()) {
            // Names are bytes on disk and go out as they are; UTF-8 is what clients expect.
            (Some("UTF8"), Some("ON") | None) => self.reply(200, "UTF-8 on").await,
            (Some("HASH"), None | Some("SHA-256")) => self.reply(200, "SHA-256").await,
            (Some("HASH"), Some(_)) => self.reply(501, "Only SHA-256").await,
            (Some("MLST"), _) => self.reply(200, "MLST OPTS type;size;modify;perm;unix.mode;").await,
            _ => self.reply(501, "Option not understood").await,
        }
    }

    async fn help(&mut self) -> Result<()> {
        let lines = [
            "214-Commands:",
            " USER PASS QUIT NOOP SYST FEAT OPTS HELP AUTH PBSZ PROT TYPE MODE STRU",
            " PWD CWD CDUP PASV EPSV PORT EPRT LIST NLST MLSD MLST SIZE MDTM HASH",
            " REST RETR STOR APPE DELE MKD RMD RNFR RNTO ABOR STAT SITE",
            " SITE FTPX-ECHO: what this server saw of the client (see ftpx serve --help)",
            "214 End",
        ];
        self.reply_lines(&lines.map(String::from)).await
    }

    async fn stat(&mut self) -> Result<()> {
        let lines = [
            "211-ftpx serve".to_owned(),
            format!(" Connected from {}", self.peer),
            format!(" Logged in as {}", self.logged_in.as_deref().unwrap_or("-")),
            format!(" TLS: {}", if self.tls.is_some() { "on" } else { "off" }),
            "211 End".to_owned(),
        ];
        self.reply_lines(&lines).await
    }

    async fn site(&mut self, arg: &[u8]) -> Result<()> {
        let sub = String::from_utf8_lossy(arg).trim().to_ascii_uppercase();
        if sub != "FTPX-ECHO" {
            return self.reply(504, "Only SITE FTPX-ECHO").await;
        }
        let echo = Echo {
            control_peer: self.peer,
            control_local: Some(self.local),
            active: self.echo_active.clone(),
            passive: self.echo_passive.iter().cloned().collect(),
        };
        self.reply_lines(&echo.reply_lines()).await
    }
}

//! One control connection: login, commands (RFC 959, 2389, 2428, 3659, 4217), data connections
//! in the four modes, and what `SITE FTPX-ECHO` reports.
//!
//! Order on a data connection follows vsftpd, which every client copes with: the TCP connection
//! first (accepted for PASV/EPSV, made for PORT/EPRT), then the 150 reply, then under PROT P the
//! TLS handshake, which must resume the control connection's session (else 522). While a
//! transfer runs the control connection is still read, for ABOR.

use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use super::Shared;
use super::fs::{Jail, PathError};
use super::tls::SessionTls;
use crate::ftp::echo::{self, Echo};
use crate::ftp::format::{self, Fact};
use crate::ftp::reply::{LineFramer, ReplyError};
use crate::ftp::{DataMode, Stream, check_arg};
use crate::text::escape;

/// How long a new connection may take to start a TLS handshake before it is taken for plain
/// FTP and greeted: an implicit-FTPS client speaks first (its ClientHello leaves with the TCP
/// handshake's last packet), a plain one waits for the greeting.
const IMPLICIT_WAIT: Duration = Duration::from_millis(150);
/// Copy buffer of a transfer.
const CHUNK: usize = 256 * 1024;
/// Commands that may wait while a transfer runs (only ABOR is acted on at once).
const MAX_QUEUED: usize = 16;
/// Wrong passwords before the session is closed.
const MAX_LOGIN_FAILURES: u32 = 3;

/// Tells a connection over the session cap so, and closes it.
pub(super) async fn refuse(mut tcp: TcpStream, max: usize) {
    let line = format!("421 Too many sessions ({max}); try again later\r\n");
    let _ = timeout(Duration::from_secs(2), tcp.write_all(line.as_bytes())).await;
}

/// Runs one session to its end; every failure ends only this session.
pub(super) async fn run(shared: Arc<Shared>, tcp: TcpStream, peer: SocketAddr) {
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
        implicit: false,
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
    let end = session.serve().await;
    match end {
        Ok(()) => session.log("closed"),
        Err(e) => session.log(&format!("closed: {e}")),
    }
    let _ = timeout(Duration::from_secs(1), session.ctrl.shutdown()).await;
}

/// How a transfer command's data connection is to be made.
enum Plan {
    Passive { listener: TcpListener, mode: DataMode },
    Active { target: SocketAddr },
}

/// Where the session goes after a command.
enum Flow {
    Continue,
    Quit,
}

/// How a transfer ended.
enum Transfer {
    Done(u64),
    /// The data connection broke or stalled.
    DataFailed(io::Error),
    /// The local file could not be read or written.
    LocalFailed(io::Error),
    Aborted,
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
    implicit: bool,
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

    async fn serve(&mut self) -> Result<()> {
        let Stream::Tcp(tcp) = &self.ctrl else { return Ok(()) };
        let mut first = [0u8; 1];
        // 0x16 is a TLS handshake record: an implicit-FTPS client.
        if let Ok(Ok(1)) = timeout(IMPLICIT_WAIT, tcp.peek(&mut first)).await
            && first[0] == 0x16
        {
            self.implicit = true;
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

    async fn start_tls(&mut self) -> Result<()> {
        let config =
            self.shared.options.identity.session_config().map_err(|e| io::Error::other(format!("TLS setup: {e}")))?;
        let Stream::Tcp(tcp) = std::mem::replace(&mut self.ctrl, Stream::Detached) else {
            return Err(io::Error::other("the control connection is already in TLS"));
        };
        let acceptor = TlsAcceptor::from(config.control.clone());
        match timeout(self.limits().connect, acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => {
                self.ctrl = Stream::Tls(Box::new(tls.into()));
                self.tls = Some(config);
                // Bytes sent before the handshake were in the clear and may not be the client's
                // (the STARTTLS injection of CVE-2011-0411): never run them.
                self.framer = LineFramer::with_max_line(self.limits().max_line);
                self.queued.clear();
                Ok(())
            }
            Ok(Err(e)) => Err(io::Error::other(format!("TLS handshake: {e}"))),
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out")),
        }
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

    async fn user(&mut self, name: Vec<u8>) -> Result<()> {
        let name = String::from_utf8_lossy(&name).into_owned();
        self.logged_in = None;
        let anonymous = self.shared.options.login.is_none() && is_anonymous(&name);
        self.user = Some(name);
        let text = if anonymous { "Anonymous login: any password will do" } else { "Password required" };
        self.reply(331, text).await
    }

    async fn pass(&mut self, password: Vec<u8>) -> Result<Flow> {
        let Some(name) = self.user.take() else {
            self.reply(503, "USER first").await?;
            return Ok(Flow::Continue);
        };
        let ok = match &self.shared.options.login {
            None => is_anonymous(&name),
            Some(login) => login.name == name && same(login.password.expose().as_bytes(), &password),
        };
        if ok {
            self.logged_in = Some(name);
            self.log("logged in");
            let access = if self.writable() { "read-write" } else { "read-only" };
            self.reply(230, &format!("Logged in ({access})")).await?;
            return Ok(Flow::Continue);
        }
        self.failures += 1;
        self.log("login refused");
        // A pause makes guessing slow.
        tokio::time::sleep(Duration::from_millis(500)).await;
        if self.failures >= MAX_LOGIN_FAILURES {
            self.reply(421, "Login incorrect; too many attempts, closing").await?;
            return Ok(Flow::Quit);
        }
        self.reply(530, "Login incorrect").await?;
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

    async fn auth(&mut self, arg: &[u8]) -> Result<()> {
        if self.tls.is_some() {
            return self.reply(503, "Already in TLS").await;
        }
        if !(arg.eq_ignore_ascii_case(b"TLS") || arg.eq_ignore_ascii_case(b"SSL") || arg.eq_ignore_ascii_case(b"TLS-C"))
        {
            return self.reply(504, "AUTH TLS only").await;
        }
        self.reply(234, "Proceed with TLS negotiation").await?;
        self.start_tls().await
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

    /// The normalized FTP path of an argument.
    fn ftp_path(&self, arg: &[u8]) -> Vec<u8> {
        Jail::normalize(&self.cwd, arg)
    }

    /// The 550 (or 451) reply for a path that cannot be used.
    async fn path_error(&mut self, arg: &[u8], e: PathError) -> Result<()> {
        let name = escape(arg);
        match e {
            PathError::Outside => self.reply(550, &format!("{name}: outside the served directory")).await,
            PathError::Root => self.reply(550, "Not allowed on the root directory").await,
            PathError::Io(e) if e.kind() == io::ErrorKind::NotFound => {
                self.reply(550, &format!("{name}: no such file or directory")).await
            }
            PathError::Io(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                self.reply(550, &format!("{name}: permission denied")).await
            }
            PathError::Io(e) => self.reply(550, &format!("{name}: {e}")).await,
        }
    }

    async fn refuse_read_only(&mut self) -> Result<()> {
        self.reply(550, "Permission denied: this server is read-only (ftpx serve --write allows changes)").await
    }

    async fn cwd(&mut self, arg: &[u8]) -> Result<()> {
        let path = self.ftp_path(arg);
        match self.jail().existing(&path) {
            Ok(real) if real.is_dir() => {
                self.cwd = path;
                self.reply(250, "Directory changed").await
            }
            Ok(_) => self.reply(550, &format!("{}: not a directory", escape(arg))).await,
            Err(e) => self.path_error(arg, e).await,
        }
    }

    async fn passive(&mut self, verb: &str, arg: &[u8]) -> Result<()> {
        let mode = if verb == "EPSV" { DataMode::Epsv } else { DataMode::Pasv };
        if mode == DataMode::Epsv && arg.eq_ignore_ascii_case(b"ALL") {
            self.epsv_all = true;
            return self.reply(200, "EPSV ALL: only EPSV from now on").await;
        }
        if mode == DataMode::Pasv && self.epsv_all {
            return self.reply(503, "PASV after EPSV ALL").await;
        }
        let advertised = self.shared.options.public_address.unwrap_or(self.local.ip());
        let IpAddr::V4(v4) = advertised else {
            if mode == DataMode::Pasv {
                return self.reply(522, "PASV is for IPv4; use EPSV").await;
            }
            return self.bind_passive(mode, None).await;
        };
        self.bind_passive(mode, Some(v4)).await
    }

    async fn bind_passive(&mut self, mode: DataMode, v4: Option<std::net::Ipv4Addr>) -> Result<()> {
        self.plan = None;
        let ip = self.local.ip();
        let listener = match &self.shared.options.pasv_ports {
            None => TcpListener::bind((ip, 0)).await.ok(),
            Some(range) => {
                let (lo, hi) = (usize::from(*range.start()), usize::from(*range.end()));
                let count = hi - lo + 1;
                let start = self.shared.next_port.fetch_add(1, Ordering::Relaxed);
                let mut found = None;
                for k in 0..count {
                    let port = (lo + (start + k) % count) as u16;
                    if let Ok(l) = TcpListener::bind((ip, port)).await {
                        found = Some(l);
                        break;
                    }
                }
                found
            }
        };
        let Some(listener) = listener else {
            return self.reply(425, "No free port for a passive data connection").await;
        };
        let port = listener.local_addr()?.port();
        self.plan = Some(Plan::Passive { listener, mode });
        match (mode, v4) {
            (DataMode::Pasv, Some(v4)) => {
                self.reply(227, &format::reply_227(std::net::SocketAddrV4::new(v4, port))).await
            }
            _ => self.reply(229, &format::reply_229(port)).await,
        }
    }

    async fn active(&mut self, verb: &str, arg: Vec<u8>) -> Result<()> {
        self.plan = None;
        let command = if verb == "EPRT" { DataMode::Eprt } else { DataMode::Port };
        if self.epsv_all {
            return self.reply(503, &format!("{verb} after EPSV ALL")).await;
        }
        let parsed = match command {
            DataMode::Eprt => format::parse_eprt_arg(&arg),
            _ => format::parse_port_arg(&arg),
        };
        let mut record = echo::Active { command, argument: arg, target: None, connect: echo::Connect::NotTried };
        let target = match parsed {
            // An unspecified address (lftp sends `EPRT |2|::|port|` from a socket bound to
            // any address) can only mean the client itself: connect to the control peer.
            Ok(t) if t.ip().is_unspecified() => SocketAddr::new(self.peer.ip(), t.port()),
            Ok(t) => SocketAddr::new(t.ip().to_canonical(), t.port()),
            Err(e) => {
                record.connect = echo::Connect::Refused(e.to_string());
                self.echo_active = Some(record);
                return self.reply(501, &format!("{verb}: {e}")).await;
            }
        };
        record.target = Some(target);
        // RFC 2577 §3: connecting to any other host, or to a privileged port, would let a
        // client use this server to reach what it cannot reach itself (FTP bounce).
        let refusal = if target.ip() != self.peer.ip() {
            Some(format!(
                "{verb} refused: {} is not this connection's address {} (no FTP bounce, RFC 2577)",
                target.ip(),
                self.peer.ip()
            ))
        } else if target.port() < 1024 {
            Some(format!("{verb} refused: port {} is privileged (RFC 2577)", target.port()))
        } else {
            None
        };
        if let Some(text) = refusal {
            record.connect = echo::Connect::Refused(text.clone());
            self.echo_active = Some(record);
            self.log(&text);
            return self.reply(500, &text).await;
        }
        self.echo_active = Some(record);
        self.plan = Some(Plan::Active { target });
        self.reply(200, &format!("{verb} command successful")).await
    }

    /// Makes the data connection the last PASV/EPSV/PORT/EPRT asked for, replies 150, and
    /// under PROT P completes a TLS handshake that resumes this session. `None` when the
    /// failure has been replied to.
    async fn open_data(&mut self, what: &str, upload: bool) -> Result<Option<Stream>> {
        let tcp = match self.plan.take() {
            None => {
                self.reply(425, "Use PASV, EPSV, PORT or EPRT first").await?;
                return Ok(None);
            }
            Some(Plan::Passive { listener, mode }) => match self.accept_data(listener, mode).await {
                Ok(tcp) => tcp,
                Err(text) => {
                    self.log(&text);
                    self.reply(425, &text).await?;
                    return Ok(None);
                }
            },
            Some(Plan::Active { target }) => {
                let result = self.connect_data(target).await;
                if let Some(a) = &mut self.echo_active {
                    a.connect = match &result {
                        Ok(_) => echo::Connect::Ok,
                        Err(e) => echo::Connect::Failed(e.clone()),
                    };
                }
                match result {
                    Ok(tcp) => tcp,
                    Err(e) => {
                        let text = format!("Cannot connect to {target}: {e}");
                        self.log(&text);
                        self.reply(425, &text).await?;
                        return Ok(None);
                    }
                }
            }
        };
        let tls = match &self.tls {
            Some(t) if self.prot_private => Some(if upload { t.upload.clone() } else { t.download.clone() }),
            _ => None,
        };
        let kind = if tls.is_some() { "TLS" } else { "plain" };
        self.reply(150, &format!("Opening {kind} data connection for {what}")).await?;
        let Some(config) = tls else { return Ok(Some(Stream::Tcp(tcp))) };
        let acceptor = TlsAcceptor::from(config);
        match timeout(self.limits().connect, acceptor.accept(tcp)).await {
            Ok(Ok(stream)) => {
                let resumed = stream.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
                if !resumed {
                    // As vsftpd's require_ssl_reuse: only the control connection's client can
                    // resume its session (RFC 4217 §10.2).
                    self.log("data connection refused: its TLS session did not resume the control connection's");
                    self.reply(522, "TLS session of the data connection not resumed: session reuse required").await?;
                    return Ok(None);
                }
                Ok(Some(Stream::Tls(Box::new(stream.into()))))
            }
            Ok(Err(e)) => {
                self.reply(425, &format!("TLS handshake on the data connection failed: {e}")).await?;
                Ok(None)
            }
            Err(_) => {
                self.reply(425, "TLS handshake on the data connection timed out").await?;
                Ok(None)
            }
        }
    }

    /// The first connection from the control connection's address; others are noted (they
    /// show in FTPX-ECHO) and closed, so no third party can take the data.
    async fn accept_data(&mut self, listener: TcpListener, mode: DataMode) -> std::result::Result<TcpStream, String> {
        let deadline = tokio::time::Instant::now() + self.limits().connect;
        let mut strangers = Vec::new();
        loop {
            let accepted = tokio::time::timeout_at(deadline, listener.accept()).await;
            let Ok(Ok((tcp, from))) = accepted else {
                return Err(match strangers.last() {
                    Some(from) => format!(
                        "The data connection came from {from}, not from this connection's address {}",
                        self.peer.ip()
                    ),
                    None => format!("No data connection within {}s", self.limits().connect.as_secs()),
                });
            };
            let from = SocketAddr::new(from.ip().to_canonical(), from.port());
            if self.echo_passive.len() == echo::MAX_PASSIVE {
                self.echo_passive.pop_front();
            }
            self.echo_passive.push_back(echo::Passive { mode, from });
            if from.ip() == self.peer.ip() {
                let _ = tcp.set_nodelay(true);
                return Ok(tcp);
            }
            self.log(&format!("{mode} data connection from {from} refused: not the control connection's address"));
            strangers.push(from);
        }
    }

    async fn connect_data(&self, target: SocketAddr) -> std::result::Result<TcpStream, String> {
        let socket = if target.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() };
        let socket = socket.map_err(|e| e.to_string())?;
        // Leave from the address the client reached, as its firewall expects.
        let _ = socket.bind(SocketAddr::new(self.local.ip(), 0));
        match timeout(self.limits().connect, socket.connect(target)).await {
            Ok(Ok(tcp)) => {
                let _ = tcp.set_nodelay(true);
                Ok(tcp)
            }
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("timed out after {}s", self.limits().connect.as_secs())),
        }
    }

    /// Runs `job` on the data connection while watching the control connection for ABOR, then
    /// replies 226, 426 or 451.
    async fn finish<F>(&mut self, job: F, what: &str) -> Result<()>
    where
        F: Future<Output = Transfer>,
    {
        let mut job = std::pin::pin!(job);
        let mut buf = [0u8; 1024];
        let outcome = loop {
            tokio::select! {
                outcome = &mut job => break outcome,
                read = self.ctrl.read(&mut buf) => match read {
                    Ok(0) | Err(_) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "client closed during a transfer")),
                    Ok(n) => {
                        self.framer.push(&buf[..n]);
                        let mut abort = false;
                        while let Ok(Some(line)) = self.framer.next_line() {
                            let bare: Vec<u8> = line.iter().copied().filter(|&b| b < 0xf0).collect();
                            if bare.trim_ascii().eq_ignore_ascii_case(b"ABOR") {
                                abort = true;
                            } else if self.queued.len() < MAX_QUEUED {
                                self.queued.push_back(line);
                            } else {
                                return Err(io::Error::other("too many commands during a transfer"));
                            }
                        }
                        if abort {
                            break Transfer::Aborted;
                        }
                    }
                }
            }
        };
        match outcome {
            Transfer::Done(n) => {
                self.log(&format!("{what}: {n} bytes"));
                self.reply(226, &format!("Transfer complete ({n} bytes)")).await
            }
            Transfer::DataFailed(e) => {
                self.log(&format!("{what}: data connection failed: {e}"));
                self.reply(426, &format!("Data connection failed; transfer aborted: {e}")).await
            }
            Transfer::LocalFailed(e) => {
                self.log(&format!("{what}: local error: {e}"));
                self.reply(451, &format!("Local error: {e}")).await
            }
            Transfer::Aborted => {
                self.log(&format!("{what}: aborted"));
                self.reply(426, "Transfer aborted").await?;
                self.reply(226, "ABOR successful").await
            }
        }
    }

    async fn listing(&mut self, verb: &str, arg: &[u8]) -> Result<()> {
        // `LIST -la dir`: options are for ls, not names.
        let mut arg = arg;
        while arg.starts_with(b"-") {
            let end = arg.iter().position(|&b| b == b' ').unwrap_or(arg.len());
            arg = arg[end..].trim_ascii_start();
        }
        let path = self.ftp_path(arg);
        let real = match self.jail().existing(&path) {
            Ok(r) => r,
            Err(e) => return self.path_error(arg, e).await,
        };
        if verb == "MLSD" && !real.is_dir() {
            return self.reply(501, &format!("{}: not a directory", escape(arg))).await;
        }
        let jail = self.jail().clone();
        let facts = match tokio::task::spawn_blocking(move || read_facts(&jail, &real)).await {
            Ok(Ok(f)) => f,
            Ok(Err(e)) => return self.path_error(arg, PathError::Io(e)).await,
            Err(_) => return self.reply(451, "Listing failed").await,
        };
        let now = SystemTime::now();
        let writable = self.writable();
        let mut text = Vec::new();
        for f in &facts {
            match verb {
                "MLSD" => text.extend(format::mlsd_line(f, writable)),
                "NLST" => text.extend_from_slice(&f.name),
                _ => text.extend(format::list_line(f, now)),
            }
            text.extend_from_slice(b"\r\n");
        }
        let Some(mut data) = self.open_data(verb, false).await? else { return Ok(()) };
        let idle = self.limits().transfer_idle;
        let job = async move {
            match write_all_then_close(&mut data, &text, idle).await {
                Ok(()) => Transfer::Done(text.len() as u64),
                Err(e) => Transfer::DataFailed(e),
            }
        };
        self.finish(job, verb).await
    }

    async fn mlst(&mut self, arg: &[u8]) -> Result<()> {
        let path = self.ftp_path(arg);
        let real = match self.jail().existing(&path) {
            Ok(r) => r,
            Err(e) => return self.path_error(arg, e).await,
        };
        let fact = match fact(&real, path.clone()) {
            Ok(f) => f,
            Err(e) => return self.path_error(arg, PathError::Io(e)).await,
        };
        let line = format::mlsd_line(&fact, self.writable());
        let mut out = b"250-Listing ".to_vec();
        out.extend_from_slice(&path);
        out.extend_from_slice(b"\r\n ");
        out.extend(line.iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
        out.extend_from_slice(b"\r\n250 End\r\n");
        self.write_ctrl(&out).await
    }

    /// An existing plain file, or the reply saying why not.
    async fn plain_file(&mut self, arg: &[u8]) -> Result<Option<(PathBuf, std::fs::Metadata)>> {
        let path = self.ftp_path(arg);
        match self.jail().existing(&path) {
            Ok(real) => match std::fs::metadata(&real) {
                Ok(m) if m.is_file() => Ok(Some((real, m))),
                Ok(_) => {
                    self.reply(550, &format!("{}: not a plain file", escape(arg))).await?;
                    Ok(None)
                }
                Err(e) => self.path_error(arg, PathError::Io(e)).await.map(|()| None),
            },
            Err(e) => self.path_error(arg, e).await.map(|()| None),
        }
    }

    async fn size(&mut self, arg: &[u8]) -> Result<()> {
        let Some((_, meta)) = self.plain_file(arg).await? else { return Ok(()) };
        self.reply(213, &meta.len().to_string()).await
    }

    async fn mdtm(&mut self, arg: &[u8]) -> Result<()> {
        let Some((_, meta)) = self.plain_file(arg).await? else { return Ok(()) };
        let when = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        self.reply(213, &format::timeval(when)).await
    }

    /// `HASH path` (draft-bryan-ftpext-hash): `213 SHA-256 0-<size> <hex> <path>`, the whole
    /// file, for `mirror --verify`.
    async fn hash(&mut self, arg: &[u8]) -> Result<()> {
        let Some((real, meta)) = self.plain_file(arg).await? else { return Ok(()) };
        let digest = tokio::task::spawn_blocking(move || sha256_file(&real)).await;
        match digest {
            Ok(Ok(hex)) => {
                let mut text = format!("SHA-256 0-{} {hex} ", meta.len()).into_bytes();
                text.extend_from_slice(arg);
                self.reply_bytes(213, &text).await
            }
            Ok(Err(e)) => self.path_error(arg, PathError::Io(e)).await,
            Err(_) => self.reply(451, "Hashing failed").await,
        }
    }

    async fn retr(&mut self, arg: &[u8], rest: u64) -> Result<()> {
        let Some((real, meta)) = self.plain_file(arg).await? else { return Ok(()) };
        if rest > meta.len() {
            return self.reply(554, &format!("REST {rest} is past the end ({} bytes)", meta.len())).await;
        }
        let mut file = match tokio::fs::File::open(&real).await {
            Ok(f) => f,
            Err(e) => return self.path_error(arg, PathError::Io(e)).await,
        };
        if rest > 0
            && let Err(e) = file.seek(io::SeekFrom::Start(rest)).await
        {
            return self.reply(451, &format!("Local error: {e}")).await;
        }
        let what = format!("RETR {}", escape(arg));
        let Some(mut data) = self.open_data(&what, false).await? else { return Ok(()) };
        let idle = self.limits().transfer_idle;
        let job = async move { send_file(&mut file, &mut data, idle).await };
        self.finish(job, &what).await
    }

    async fn store(&mut self, verb: &str, arg: &[u8], rest: u64) -> Result<()> {
        if !self.writable() {
            return self.refuse_read_only().await;
        }
        let path = self.ftp_path(arg);
        let real = match self.jail().writable(&path) {
            Ok(r) => r,
            Err(e) => return self.path_error(arg, e).await,
        };
        if real.is_dir() {
            return self.reply(550, &format!("{}: is a directory", escape(arg))).await;
        }
        // The file is opened (and truncated) only once the data connection is there: a client
        // whose data connection fails must not lose the file it meant to replace or resume.
        let what = format!("{verb} {}", escape(arg));
        let Some(mut data) = self.open_data(&what, true).await? else { return Ok(()) };
        let mut options = tokio::fs::OpenOptions::new();
        match (verb, rest) {
            ("APPE", _) => options.append(true).create(true),
            (_, 0) => options.write(true).create(true).truncate(true),
            _ => options.write(true),
        };
        let mut file = match options.open(&real).await {
            Ok(f) => f,
            Err(e) => return self.path_error(arg, PathError::Io(e)).await,
        };
        if verb == "STOR"
            && rest > 0
            && let Err(e) = file.seek(io::SeekFrom::Start(rest)).await
        {
            return self.reply(451, &format!("Local error: {e}")).await;
        }
        let idle = self.limits().transfer_idle;
        let job = async move { receive_file(&mut data, &mut file, idle).await };
        self.finish(job, &what).await
    }

    async fn change(&mut self, verb: &str, arg: &[u8]) -> Result<()> {
        if !self.writable() {
            return self.refuse_read_only().await;
        }
        let path = self.ftp_path(arg);
        let entry = match self.jail().entry(&path) {
            Ok(e) => e,
            Err(e) => return self.path_error(arg, e).await,
        };
        let name = escape(arg);
        let result = match verb {
            "DELE" => match std::fs::symlink_metadata(&entry) {
                Ok(m) if m.is_dir() => return self.reply(550, &format!("{name}: is a directory (RMD)")).await,
                _ => std::fs::remove_file(&entry).map(|()| (250, format!("{name} deleted"))),
            },
            "MKD" | "XMKD" => std::fs::create_dir(&entry).map(|()| {
                let quoted = String::from_utf8_lossy(&path).replace('"', "\"\"");
                (257, format!("\"{quoted}\" created"))
            }),
            "RMD" | "XRMD" => std::fs::remove_dir(&entry).map(|()| (250, format!("{name} removed"))),
            "RNFR" => match std::fs::symlink_metadata(&entry) {
                Ok(_) => {
                    self.rename_from = Some(entry);
                    return self.reply(350, "Ready for RNTO").await;
                }
                Err(e) => Err(e),
            },
            _ => match self.rename_from.take() {
                None => return self.reply(503, "RNFR first").await,
                Some(from) => std::fs::rename(&from, &entry).map(|()| (250, "Renamed".to_owned())),
            },
        };
        match result {
            Ok((code, text)) => {
                self.log(&format!("{verb} {name}"));
                self.reply(code, &text).await
            }
            Err(e) => self.path_error(arg, PathError::Io(e)).await,
        }
    }
}

fn is_anonymous(name: &str) -> bool {
    name.eq_ignore_ascii_case("anonymous") || name.eq_ignore_ascii_case("ftp")
}

/// Equal bytes, in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a listing shows of `real` (named `name`).
fn fact(real: &Path, name: Vec<u8>) -> io::Result<Fact> {
    use std::os::unix::fs::PermissionsExt;
    let m = std::fs::metadata(real)?;
    Ok(Fact {
        name,
        dir: m.is_dir(),
        size: m.len(),
        modified: m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        mode: m.permissions().mode(),
    })
}

/// The entries of a directory (or the one file), sorted by name. Entries that cannot be
/// shown are left out: links leading out of the root or nowhere, and names with CR or LF (a
/// listing line cannot carry them).
fn read_facts(jail: &Jail, real: &Path) -> io::Result<Vec<Fact>> {
    use std::os::unix::ffi::OsStrExt;
    if !real.is_dir() {
        let name = real.file_name().map(|n| n.as_bytes().to_vec()).unwrap_or_default();
        return Ok(vec![fact(real, name)?]);
    }
    let mut facts = Vec::new();
    for entry in std::fs::read_dir(real)? {
        let entry = entry?;
        let name = entry.file_name().as_bytes().to_vec();
        if name.iter().any(|&b| b == b'\r' || b == b'\n') {
            continue;
        }
        let Ok(target) = entry.path().canonicalize() else { continue };
        if !jail.contains(&target) {
            continue;
        }
        if let Ok(f) = fact(&target, name) {
            facts.push(f);
        }
    }
    facts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(facts)
}

fn sha256_file(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
    }
    Ok(ctx.finish().as_ref().iter().map(|b| format!("{b:02x}")).collect())
}

fn stalled() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "no data moved within the transfer timeout")
}

async fn write_all_then_close<W: AsyncWrite + Unpin>(out: &mut W, bytes: &[u8], idle: Duration) -> io::Result<()> {
    for chunk in bytes.chunks(CHUNK) {
        timeout(idle, out.write_all(chunk)).await.map_err(|_| stalled())??;
    }
    // Under TLS this sends close_notify, so the client knows the listing is whole.
    timeout(idle, out.shutdown()).await.map_err(|_| stalled())?
}

async fn send_file<W: AsyncWrite + Unpin>(file: &mut tokio::fs::File, out: &mut W, idle: Duration) -> Transfer {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match file.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => return Transfer::LocalFailed(e),
        };
        match timeout(idle, out.write_all(&buf[..n])).await {
            Ok(Ok(())) => total += n as u64,
            Ok(Err(e)) => return Transfer::DataFailed(e),
            Err(_) => return Transfer::DataFailed(stalled()),
        }
    }
    match timeout(idle, out.shutdown()).await {
        Ok(Ok(())) => Transfer::Done(total),
        Ok(Err(e)) => Transfer::DataFailed(e),
        Err(_) => Transfer::DataFailed(stalled()),
    }
}

async fn receive_file<S: AsyncRead + AsyncWrite + Unpin>(
    input: &mut S,
    file: &mut tokio::fs::File,
    idle: Duration,
) -> Transfer {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match timeout(idle, input.read(&mut buf)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => n,
            // A TLS client that closes without close_notify: the upload ends there, as
            // vsftpd accepts by default (strict_ssl_read_eof=NO).
            Ok(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Ok(Err(e)) => return Transfer::DataFailed(e),
            Err(_) => return Transfer::DataFailed(stalled()),
        };
        if let Err(e) = file.write_all(&buf[..n]).await {
            return Transfer::LocalFailed(e);
        }
        total += n as u64;
    }
    // close_notify back, so a client that reads to the end sees a clean close.
    let _ = timeout(idle, input.shutdown()).await;
    match file.flush().await {
        Ok(()) => Transfer::Done(total),
        Err(e) => Transfer::LocalFailed(e),
    }
}

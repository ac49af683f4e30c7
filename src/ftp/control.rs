//! The control connection: connecting, the greeting, login, FEAT, and one command at a time with
//! its reply, each wait under its own timeout.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use socket2::{SockRef, TcpKeepalive};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};

use super::reply::{LineFramer, ReplyError, ReplyParser};
use super::{Command, Config, DataMode, Error, Event, ModePolicy, Notifier, Observer, Phase, Reply, Stream};
use crate::secret::Secret;

/// What the server said it supports in its FEAT reply (RFC 2389).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// FEAT answered 211; when false, nothing below is known.
    pub known: bool,
    pub epsv: bool,
    pub mlsd: bool,
    pub size: bool,
    pub mdtm: bool,
    pub rest_stream: bool,
    pub utf8: bool,
    pub auth_tls: bool,
    /// Every feature line, trimmed.
    pub lines: Vec<String>,
}

impl Features {
    fn parse(reply: &Reply) -> Features {
        let mut f = Features { known: true, ..Features::default() };
        // RFC 2389 §3.2: feature lines sit between the first and last line, each starting with a space.
        let inner = reply.lines.len().saturating_sub(1);
        for line in reply.lines.iter().take(inner).skip(1) {
            let line = String::from_utf8_lossy(line).trim().to_string();
            let name = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
            match name.as_str() {
                "EPSV" => f.epsv = true,
                "MLSD" | "MLST" => f.mlsd = true,
                "SIZE" => f.size = true,
                "MDTM" => f.mdtm = true,
                "UTF8" => f.utf8 = true,
                "REST" => f.rest_stream = line.to_ascii_uppercase().contains("STREAM"),
                "AUTH" => f.auth_tls = line.to_ascii_uppercase().contains("TLS"),
                _ => {}
            }
            if !line.is_empty() {
                f.lines.push(line);
            }
        }
        f
    }
}

/// One logged-in (or logging-in) control connection, and the data-connection modes it still
/// trusts: a mode that failed is dropped for the rest of the session.
pub struct Session {
    pub(super) stream: Stream,
    framer: LineFramer,
    parser: ReplyParser,
    rbuf: Vec<u8>,
    pub(super) config: Arc<Config>,
    observer: Arc<dyn Observer>,
    label: String,
    pub(super) peer: SocketAddr,
    pub(super) local: SocketAddr,
    /// The TLS name of the server (the host the user named), for data connections too.
    pub(super) server_name: Option<rustls::pki_types::ServerName<'static>>,
    /// This session's TLS configuration, with a session store of its own (see
    /// [`TlsConfig::for_session`](super::tls::TlsConfig::for_session)).
    pub(super) tls: Option<Arc<super::tls::TlsConfig>>,
    pub(super) modes: Vec<DataMode>,
    pub(super) data_seq: u32,
    /// Whether the transfer command may follow the passive mode command at once (see data.rs).
    pub(super) pipeline: super::data::Pipeline,
    features: Features,
    /// The SYST reply's text, once asked (`Some(None)`: asked, no 215).
    system: Option<Option<String>>,
    transfer_type: Option<u8>,
    /// Set when a reply was cut short (timeout, framing error): the next reply could belong to
    /// an earlier command, so nothing more is sent.
    broken: bool,
    greeting: Option<Reply>,
    /// The last reply read, for callers that compose their own steps and report what the
    /// server said (the probe shows the reply to each mode command).
    last_reply: Option<Reply>,
}

impl Session {
    /// Resolves `host`, connects to each of its addresses in turn until one answers, and reads
    /// the greeting. `label` prefixes every connection name in events (empty for none).
    pub async fn connect(
        host: &str,
        port: u16,
        config: Arc<Config>,
        observer: Arc<dyn Observer>,
        label: &str,
    ) -> Result<Session, Error> {
        let resolve = tokio::net::lookup_host((host, port));
        let addrs: Vec<SocketAddr> = match timeout(config.connect_timeout, resolve).await {
            Err(_) => return Err(Error::Timeout { phase: Phase::Connect, after: config.connect_timeout }),
            Ok(Err(source)) => return Err(Error::Resolve { host: host.to_owned(), source }),
            Ok(Ok(addrs)) => addrs.collect(),
        };
        let label = if label.is_empty() { String::new() } else { format!("{label} ") };
        let conn = format!("{label}control");
        let mut attempts = Vec::new();
        for addr in addrs {
            observer.event(&conn, &Event::Note(&format!("connecting to {addr}")));
            let result = match timeout(config.connect_timeout, TcpStream::connect(addr)).await {
                Err(_) => Err(format!("timed out after {}s", config.connect_timeout.as_secs_f64())),
                Ok(Err(e)) => Err(e.to_string()),
                Ok(Ok(s)) => Ok(s),
            };
            match result {
                Ok(tcp) => {
                    let local = tcp.local_addr().map_err(Error::Io)?;
                    observer.event(&conn, &Event::Note(&format!("connected to {addr} from {local}")));
                    return Session::start(host, tcp, addr, local, config, observer, label).await;
                }
                Err(e) => {
                    observer.event(&conn, &Event::Note(&format!("cannot connect to {addr}: {e}")));
                    attempts.push((addr, e));
                }
            }
        }
        if attempts.is_empty() {
            let source = std::io::Error::new(std::io::ErrorKind::NotFound, "no addresses");
            return Err(Error::Resolve { host: host.to_owned(), source });
        }
        Err(Error::Connect { host: host.to_owned(), attempts })
    }

    async fn start(
        host: &str,
        tcp: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        config: Arc<Config>,
        observer: Arc<dyn Observer>,
        label: String,
    ) -> Result<Session, Error> {
        tcp.set_nodelay(true).map_err(Error::Io)?;
        // The control connection sits idle while a long transfer runs on the data connection, and
        // NAT gateways and stateful firewalls forget idle TCP connections (AWS NAT gateway after
        // 350 s, Azure's load balancer after 4 min, many home routers sooner): the transfer then
        // ends with a final reply that never arrives. TCP keepalive (no FTP command: servers do
        // not take NOOP during a transfer) refreshes that state every 30 s, and a path that
        // dropped it anyway is noticed (a reset, or silence after 4 probes) instead of waited on.
        let keepalive = TcpKeepalive::new()
            .with_time(Duration::from_secs(30))
            .with_interval(Duration::from_secs(10))
            .with_retries(4);
        let _ = SockRef::from(&tcp).set_tcp_keepalive(&keepalive);
        let modes = config.modes.modes_for(peer.is_ipv6(), config.extended_on_ipv4);
        let tls = config.tls.clone();
        let server_name = match &tls {
            Some(_) => Some(super::tls::server_name(host).map_err(Error::Tls)?),
            None => None,
        };
        let session_tls = tls.as_ref().map(|t| Arc::new(t.config.for_session()));
        let mut session = Session {
            stream: Stream::Tcp(tcp),
            server_name,
            tls: session_tls,
            framer: LineFramer::default(),
            parser: ReplyParser::default(),
            rbuf: vec![0; 16 * 1024],
            config,
            observer,
            label,
            peer,
            local,
            modes,
            data_seq: 0,
            features: Features::default(),
            system: None,
            transfer_type: None,
            broken: false,
            greeting: None,
            last_reply: None,
            pipeline: Default::default(),
        };
        match &tls {
            Some(t) if t.implicit => {
                session.handshake_control().await?;
                session.read_greeting().await?;
            }
            Some(_) => {
                session.read_greeting().await?;
                session.auth_tls().await?;
            }
            None => session.read_greeting().await?,
        }
        Ok(session)
    }

    /// RFC 4217 §4: `AUTH TLS`, 234, then the handshake. Any other answer ends the session
    /// before USER is sent: never a silent fall back to the clear.
    async fn auth_tls(&mut self) -> Result<(), Error> {
        let reply = self.command(&Command::with_arg("AUTH", "TLS")?).await?;
        if reply.code != 234 {
            self.broken = true;
            return Err(Error::TlsRefused(reply));
        }
        if self.framer.pending() > 0 {
            // Bytes after 234 and before the handshake were sent in the clear and would be read as
            // if they came over TLS (CVE-2021-22947).
            self.broken = true;
            return Err(Error::Tls("the server sent data after 234, before the TLS handshake: refusing it".into()));
        }
        self.handshake_control().await
    }

    async fn handshake_control(&mut self) -> Result<(), Error> {
        let (Some(tls), Some(name)) = (self.tls.clone(), self.server_name.clone()) else {
            return Err(Error::Tls("no TLS configuration".into()));
        };
        let Stream::Tcp(tcp) = std::mem::replace(&mut self.stream, Stream::Detached) else {
            return Err(Error::Tls("the control connection is already in TLS".into()));
        };
        match tls.connect(&name, tcp, self.config.connect_timeout).await {
            Ok(stream) => {
                let (summary, _) = super::tls::summary(stream.get_ref().1);
                self.note("control", &format!("TLS handshake done: {summary}"));
                self.stream = Stream::Tls(Box::new(stream.into()));
                Ok(())
            }
            Err(e) => {
                self.broken = true;
                Err(Error::Tls(e))
            }
        }
    }

    /// Whether the control connection is in TLS.
    pub fn is_tls(&self) -> bool {
        self.stream.is_tls()
    }

    /// RFC 959 §5.4: 220 ready; 120 "ready in nnn minutes" is followed by 220; 421 refuses service.
    /// The timeout bounds the whole wait for the 220, so a stream of 120s cannot hold the client.
    /// A greeting that is not a 220 (a 421, an HTTP banner, garbage) means there is no FTP service
    /// to talk to: a failure to connect, not a protocol error in a session.
    async fn read_greeting(&mut self) -> Result<(), Error> {
        let deadline = Instant::now() + self.config.timeout;
        loop {
            let reply = match self.read_reply_until(Phase::Banner, deadline).await {
                Ok(reply) => reply,
                Err(Error::ServiceClosing(reply)) => return Err(Error::Busy(reply)),
                Err(Error::Protocol(e)) => return Err(Error::NotFtp(e)),
                Err(e) => return Err(e),
            };
            match reply.code {
                220 => {
                    self.greeting = Some(reply);
                    return Ok(());
                }
                120 => continue,
                _ => {
                    self.broken = true;
                    return Err(Error::Greeting(reply));
                }
            }
        }
    }

    pub fn greeting(&self) -> Option<&Reply> {
        self.greeting.as_ref()
    }

    /// The last reply read on the control connection.
    pub fn last_reply(&self) -> Option<&Reply> {
        self.last_reply.as_ref()
    }

    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn features(&self) -> &Features {
        &self.features
    }

    /// The modes this session still tries, in order.
    pub fn modes(&self) -> &[DataMode] {
        &self.modes
    }

    pub(super) fn emit(&self, conn: &str, event: &Event<'_>) {
        self.observer.event(&format!("{}{conn}", self.label), event);
    }

    /// Reports events for the connection `conn` from code that cannot borrow the session.
    pub(super) fn notifier(&self, conn: &str) -> Notifier {
        Notifier { observer: self.observer.clone(), conn: format!("{}{conn}", self.label) }
    }

    pub(super) fn note(&self, conn: &str, text: &str) {
        self.emit(conn, &Event::Note(text));
    }

    async fn fill(&mut self) -> Result<(), Error> {
        let n = self.stream.read(&mut self.rbuf).await.map_err(Error::Io)?;
        if n == 0 {
            return Err(Error::Closed);
        }
        self.framer.push(&self.rbuf[..n]);
        Ok(())
    }

    async fn next_reply(&mut self) -> Result<Reply, Error> {
        loop {
            while let Some(line) = self.framer.next_line()? {
                if let Some(reply) = self.parser.push_line(line)? {
                    return Ok(reply);
                }
            }
            self.fill().await?;
        }
    }

    /// Reads one whole reply; the timeout bounds the whole reply, so a server that trickles an
    /// endless multi-line reply is cut off too.
    pub(super) async fn read_reply(&mut self, phase: Phase) -> Result<Reply, Error> {
        self.read_reply_until(phase, Instant::now() + self.config.timeout).await
    }

    /// A reply if one starts arriving within `wait`; `None` when nothing at all came, which leaves
    /// the session in step (no reply was cut in half), unlike a timeout in [`Session::read_reply`].
    pub(super) async fn reply_within(&mut self, wait: Duration) -> Result<Option<Reply>, Error> {
        if self.broken {
            return Err(Error::Unusable);
        }
        if self.framer.pending() == 0 && !self.parser.is_open() {
            match timeout(wait, self.fill()).await {
                Err(_) => return Ok(None),
                Ok(filled) => {
                    if let Err(e) = filled {
                        self.broken = true;
                        return Err(e);
                    }
                }
            }
        }
        self.read_reply(Phase::Reply).await.map(Some)
    }

    /// Reads one whole reply by `deadline`; the error names the configured timeout.
    async fn read_reply_until(&mut self, phase: Phase, deadline: Instant) -> Result<Reply, Error> {
        if self.broken {
            return Err(Error::Unusable);
        }
        let after = self.config.timeout;
        let result = match timeout_at(deadline, self.next_reply()).await {
            Err(_) => Err(Error::Timeout { phase, after }),
            Ok(r) => r,
        };
        match result {
            Ok(reply) => {
                self.emit("control", &Event::Received(&reply));
                self.last_reply = Some(reply.clone());
                if reply.code == 421 {
                    // RFC 959 §4.2: 421 may come in answer to any command; the server is leaving.
                    self.broken = true;
                    return Err(Error::ServiceClosing(reply));
                }
                Ok(reply)
            }
            Err(e) => {
                self.broken = true;
                Err(e)
            }
        }
    }

    pub(super) async fn send(&mut self, cmd: &Command) -> Result<(), Error> {
        self.send_all(&[cmd]).await
    }

    /// Sends commands in one write, so that they reach the server in one read.
    async fn send_all(&mut self, cmds: &[&Command]) -> Result<(), Error> {
        if self.broken {
            return Err(Error::Unusable);
        }
        let mut wire = Vec::new();
        for cmd in cmds {
            self.emit("control", &Event::Sent(cmd));
            wire.extend_from_slice(&cmd.wire());
        }
        let after = self.config.timeout;
        match timeout(after, self.stream.write_all(&wire)).await {
            Err(_) => {
                self.broken = true;
                Err(Error::Timeout { phase: Phase::Send, after })
            }
            Ok(Err(e)) => {
                self.broken = true;
                Err(Error::Io(e))
            }
            Ok(Ok(())) => Ok(()),
        }
    }

    /// Sends a command and returns its final reply, whatever its code (1xx preliminaries are
    /// passed over). For `quote`, and for callers that judge the code themselves.
    pub async fn command(&mut self, cmd: &Command) -> Result<Reply, Error> {
        self.send(cmd).await?;
        self.final_reply().await
    }

    /// Sends a command and requires a 2xx reply (or one of `also`); anything else is `Refused`.
    pub async fn expect(&mut self, cmd: &Command, also: &[u16]) -> Result<Reply, Error> {
        let reply = self.command(cmd).await?;
        if reply.is_success() || also.contains(&reply.code) {
            Ok(reply)
        } else {
            Err(Error::Refused { command: cmd.to_string(), reply })
        }
    }

    /// USER, then PASS and ACCT as the server asks for them (RFC 959 §5.4 state diagram).
    pub async fn login(
        &mut self,
        user: &str,
        password: Option<&Secret>,
        account: Option<&Secret>,
    ) -> Result<(), Error> {
        let mut reply = self.command(&Command::with_arg("USER", user)?).await?;
        if reply.code == 331 {
            let Some(password) = password else {
                return Err(Error::PasswordRequired(user.to_owned()));
            };
            reply = self.command(&Command::secret("PASS", password)?).await?;
        }
        if reply.code == 332 {
            let Some(account) = account else { return Err(Error::Login(reply)) };
            reply = self.command(&Command::secret("ACCT", account)?).await?;
        }
        if !matches!(reply.code, 230 | 202) {
            return Err(Error::Login(reply));
        }
        if let Some(tls) = self.config.tls.clone() {
            // RFC 4217 §8-9: PBSZ 0 then PROT P (data in TLS) or PROT C (data in the clear).
            let pbsz = Command::with_arg("PBSZ", "0")?;
            let reply = self.command(&pbsz).await?;
            if !reply.is_success() {
                return Err(Error::Tls(format!("PBSZ refused: {reply}")));
            }
            let prot = Command::with_arg("PROT", if tls.protect_data { "P" } else { "C" })?;
            let reply = self.command(&prot).await?;
            if !reply.is_success() {
                return Err(Error::Tls(format!("{prot} refused: {reply}")));
            }
        }
        Ok(())
    }

    /// FEAT (RFC 2389), then `OPTS UTF8 ON` when offered. A server without FEAT is fine: nothing
    /// is known and everything is tried.
    pub async fn negotiate_features(&mut self) -> Result<&Features, Error> {
        let reply = self.command(&Command::bare("FEAT")).await?;
        if reply.code == 211 {
            self.features = Features::parse(&reply);
            if !self.features.epsv && self.modes.len() > 1 && self.modes.contains(&DataMode::Epsv) {
                self.note("control", "FEAT does not list EPSV: not trying it");
                self.modes.retain(|m| *m != DataMode::Epsv);
            }
        }
        if self.features.utf8 {
            let _ = self.command(&Command::with_arg("OPTS", "UTF8 ON")?).await?;
        }
        Ok(&self.features)
    }

    /// `TYPE I` or `TYPE A`, sent only when it changes.
    pub async fn set_type(&mut self, ascii: bool) -> Result<(), Error> {
        let t = if ascii { b'A' } else { b'I' };
        if self.transfer_type != Some(t) {
            self.expect(&Command::with_arg("TYPE", [t])?, &[]).await?;
            self.transfer_type = Some(t);
        }
        Ok(())
    }

    /// SIZE (RFC 3659 §4) in binary mode; `None` when the server does not say or says nonsense.
    pub async fn size(&mut self, path: &[u8]) -> Result<Option<u64>, Error> {
        self.set_type(false).await?;
        let reply = self.command(&Command::path("SIZE", path)?).await?;
        if reply.code != 213 {
            return Ok(None);
        }
        let text = reply.message();
        Ok(std::str::from_utf8(&text).ok().and_then(|s| s.trim().parse().ok()))
    }

    /// MDTM (RFC 3659 §3): the `YYYYMMDDHHMMSS[.sss]` time, `None` when absent or malformed.
    pub async fn mdtm(&mut self, path: &[u8]) -> Result<Option<String>, Error> {
        let reply = self.command(&Command::path("MDTM", path)?).await?;
        Ok(parse_mdtm(&reply))
    }

    /// The SYST reply's text (RFC 959 §4.1.3), asked once per session: a LIST format is not
    /// always told by its lines alone. `None` when the server does not answer 215.
    pub async fn system(&mut self) -> Result<Option<String>, Error> {
        if self.system.is_none() {
            let reply = self.command(&Command::bare("SYST")).await?;
            let text = (reply.code == 215).then(|| String::from_utf8_lossy(&reply.message()).trim().to_owned());
            self.system = Some(text);
        }
        Ok(self.system.clone().flatten())
    }

    /// PWD: the directory inside the first quoted string of the 257 reply, quotes doubled inside
    /// (RFC 959 Appendix II).
    pub async fn pwd(&mut self) -> Result<Vec<u8>, Error> {
        let cmd = Command::bare("PWD");
        let reply = self.expect(&cmd, &[]).await?;
        // Not "PWD refused": the server answered, with a path that cannot be read.
        parse_257(&reply.message()).ok_or_else(|| Error::Protocol(ReplyError::No257Path(reply.to_string())))
    }

    /// ABOR (RFC 959 §4.1.3) with NOOP behind it as a marker, then replies until NOOP's 200, all
    /// by `deadline`, so the next command's reply is its own. What comes before the marker varies
    /// and cannot be counted: 426 then 226 (RFC 959); the transfer's own 226, then ABOR's 225 or
    /// 226 (vsftpd, ProFTPD, pure-ftpd, ftp-srv when the data was all sent); ABOR's 226 before the
    /// transfer's 426 (ProFTPD under TLS); the transfer's reply then 502 (Twisted has no ABOR);
    /// 225 alone (pyftpdlib); or nothing for ABOR at all. Stopping at the first 2xx left the
    /// second reply to answer the next command, and waiting for a second reply waited out the
    /// deadline where none comes. Both go in one write, so a server that handles the commands of
    /// one read in order but those of separate reads at once (ftp-srv) answers them in order. A
    /// server that does not get back in step by `deadline` leaves the session unusable rather
    /// than out of step.
    pub(super) async fn abort_by(&mut self, deadline: Instant) -> Result<(), Error> {
        self.send_all(&[&Command::bare("ABOR"), &Command::bare("NOOP")]).await?;
        // The transfer's reply, ABOR's one or two, preliminaries, then NOOP's.
        for _ in 0..8 {
            if self.read_reply_until(Phase::Reply, deadline).await?.code == 200 {
                return Ok(());
            }
        }
        self.broken = true;
        Err(Error::Unusable)
    }

    /// Sends QUIT and waits briefly for the reply; errors are of no interest any more.
    pub async fn quit(mut self) {
        if self.broken {
            return;
        }
        let _ = timeout(Duration::from_secs(2), self.command(&Command::bare("QUIT"))).await;
    }

    /// Reads replies until a non-preliminary one arrives, all within one timeout: a server that
    /// sends 1xx after 1xx cannot hold the client longer than one final reply could.
    pub(super) async fn final_reply(&mut self) -> Result<Reply, Error> {
        let deadline = Instant::now() + self.config.timeout;
        loop {
            let reply = self.read_reply_until(Phase::Reply, deadline).await?;
            if !reply.is_preliminary() {
                return Ok(reply);
            }
        }
    }

    /// Marks the session unusable; also for callers that gave up waiting on a reply (a bounded
    /// ABOR after Ctrl-C), after which the next reply could belong to anything.
    pub fn mark_broken(&mut self) {
        self.broken = true;
    }

    /// Whether commands can still be sent: false after the connection closed, a timeout or a
    /// reply out of step (the interactive shell then offers to reconnect).
    pub fn is_usable(&self) -> bool {
        !self.broken
    }

    /// Replaces the modes this session tries, in order, for the rest of the session (the shell's
    /// `passive`, `mode` and `epsv4`), and its config with them. The same limits apply as at
    /// connect ([`ModePolicy::modes_for`]), and no EPSV when FEAT did not list it, unless it is
    /// the only mode asked for.
    pub fn set_modes(&mut self, policy: ModePolicy, extended_on_ipv4: bool) -> &[DataMode] {
        self.config = Arc::new(Config { modes: policy, extended_on_ipv4, ..(*self.config).clone() });
        let mut modes = policy.modes_for(self.peer.is_ipv6(), extended_on_ipv4);
        if self.features.known && !self.features.epsv && modes.len() > 1 {
            modes.retain(|m| *m != DataMode::Epsv);
        }
        self.modes = modes;
        &self.modes
    }

    /// Reads whatever the server sent while the session sat idle, without waiting: an end of
    /// stream, or a reply nobody asked for (vsftpd's `421 Timeout.` before it closes an idle
    /// session), means the session is over and it is marked unusable.
    pub async fn check_idle(&mut self) -> Result<(), Error> {
        if self.broken {
            return Err(Error::Unusable);
        }
        loop {
            // One poll of the read: data or EOF already there, or nothing (the ready branch).
            let read = tokio::select! {
                biased;
                r = self.stream.read(&mut self.rbuf) => Some(r),
                () = std::future::ready(()) => None,
            };
            match read {
                None => break,
                Some(Ok(0)) => {
                    self.broken = true;
                    return Err(Error::Closed);
                }
                Some(Ok(n)) => self.framer.push(&self.rbuf[..n]),
                Some(Err(e)) => {
                    self.broken = true;
                    return Err(Error::Io(e));
                }
            }
        }
        while let Some(line) = self.framer.next_line().inspect_err(|_| self.broken = true)? {
            if let Some(reply) = self.parser.push_line(line).inspect_err(|_| self.broken = true)? {
                self.emit("control", &Event::Received(&reply));
                self.broken = true;
                return Err(if reply.code == 421 { Error::ServiceClosing(reply) } else { Error::Unusable });
            }
        }
        Ok(())
    }
}

/// The time in a 213 MDTM reply (RFC 3659 §2.3: `YYYYMMDDHHMMSS[.sss]`, UTC); `None` for any
/// other code or anything that is not such a time.
pub fn parse_mdtm(reply: &Reply) -> Option<String> {
    let text = String::from_utf8_lossy(&reply.message()).trim().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let valid = whole.len() == 14 && digits(whole) && digits(fraction);
    (reply.code == 213 && valid).then_some(text)
}

/// The path in a 257 reply: `"dir ""quoted"" name" text`.
pub fn parse_257(text: &[u8]) -> Option<Vec<u8>> {
    let start = text.iter().position(|&b| b == b'"')? + 1;
    let mut out = Vec::new();
    let mut i = start;
    while i < text.len() {
        if text[i] == b'"' {
            if text.get(i + 1) == Some(&b'"') {
                out.push(b'"');
                i += 2;
                continue;
            }
            return Some(out);
        }
        out.push(text[i]);
        i += 1;
    }
    None
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("peer", &self.peer)
            .field("local", &self.local)
            .field("modes", &self.modes)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdtm_replies_garbage_and_all() {
        let r = |code: u16, text: &str| Reply { code, lines: vec![format!("{code} {text}").into_bytes()] };
        assert_eq!(parse_mdtm(&r(213, "20240131101500")).as_deref(), Some("20240131101500"));
        assert_eq!(parse_mdtm(&r(213, "20240131101500.123")).as_deref(), Some("20240131101500.123"));
        for bad in ["garbage", "2024013110150", "202401311015001", "20240131101500.", "2024013110150x", "-1", ""] {
            assert_eq!(parse_mdtm(&r(213, bad)), None, "{bad:?}");
        }
        assert_eq!(parse_mdtm(&r(550, "20240131101500")), None);
    }

    #[test]
    fn pwd_reply_quoting() {
        assert_eq!(parse_257(br#""/home/a" is cwd"#), Some(b"/home/a".to_vec()));
        assert_eq!(parse_257(br#""/a ""b"" c" created"#), Some(br#"/a "b" c"#.to_vec()));
        assert_eq!(parse_257(br#""/unterminated"#), None);
        assert_eq!(parse_257(b"no quotes"), None);
    }

    #[test]
    fn feat_lines_are_parsed() {
        let reply = Reply {
            code: 211,
            lines: [
                &b"211-Features:"[..],
                b" EPSV",
                b" MLST type*;size*;",
                b" REST STREAM",
                b" SIZE",
                b" UTF8",
                b"211 End",
            ]
            .iter()
            .map(|l| l.to_vec())
            .collect(),
        };
        let f = Features::parse(&reply);
        assert!(f.known && f.epsv && f.mlsd && f.rest_stream && f.size && f.utf8);
        assert!(!f.mdtm && !f.auth_tls);
    }
}

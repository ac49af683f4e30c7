//! Data connections in the four modes, the address policy for PASV, and falling back from one
//! mode to the next.
//!
//! Order of events for a transfer (RFC 959 §3.2, RFC 2428):
//! - passive (EPSV, PASV): ask for a port, connect to it, then send the transfer command;
//! - active (EPRT, PORT): listen, announce the address, send the transfer command, accept the
//!   server's connection, from the server's address only.
//!
//! A mode "fails" (and the session falls back to the next one for good) when the data connection
//! cannot be made: the mode command is refused, its reply is unusable, the connect or the accept
//! fails, or the server answers 425. Any other refusal (550 no such file) is the answer, not a
//! reason to try another mode.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::time::timeout;

use rustls::pki_types::ServerName;

use super::refusal::Refusal;
use super::reply::{parse_227, parse_229};
use super::tls::TlsConfig;
use super::{Command, Error, Event, Notifier, PasvAddress, Phase, Reply, SendFile, Session, Stream, canonical};
use crate::ftp::DataMode;

/// An open data connection, readable and writable with the idle timeout applied.
pub struct DataStream {
    /// `None` when the server gave its final reply without opening a connection.
    stream: Option<Stream>,
    pub mode: DataMode,
    pub peer: SocketAddr,
    name: String,
    command: String,
    idle: Duration,
    started: Instant,
    bytes: u64,
    /// The transfer command's final reply, when it came before the data (a 226 with no 150).
    early_final: Option<Reply>,
    /// Under PROT P: whether the TLS session resumed the control connection's.
    pub tls_resumed: Option<bool>,
    /// Whether [`DataStream::send_file`] may be used (see [`super::SendFile`]).
    kernel_may_send: bool,
    /// Whether [`DataStream::splice_into`] may be used (see [`super::SendFile`]).
    kernel_may_receive: bool,
    /// The system call that moved the bytes without passing them through this process, if one
    /// did (said in the closing note).
    kernel_copy: Option<&'static str>,
}

impl DataStream {
    /// Reads into `buf`; `Ok(0)` at the end of the data.
    pub async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let Some(stream) = &mut self.stream else { return Ok(0) };
        let n = match timeout(self.idle, stream.read(buf)).await {
            Err(_) => return Err(Error::Timeout { phase: Phase::Idle, after: self.idle }),
            // A TLS peer that closes without close_notify: the end of the data as far as TCP
            // goes (many servers do it); truncation is caught by the size check.
            Ok(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof && stream.is_tls() => 0,
            Ok(r) => r.map_err(data_io)?,
        };
        self.bytes += n as u64;
        Ok(n)
    }

    pub async fn write_all(&mut self, buf: &[u8]) -> Result<(), Error> {
        let Some(stream) = &mut self.stream else {
            return Err(data_io(io::Error::new(io::ErrorKind::BrokenPipe, "the server closed it")));
        };
        match timeout(self.idle, stream.write_all(buf)).await {
            Err(_) => Err(Error::Timeout { phase: Phase::Idle, after: self.idle }),
            Ok(r) => {
                r.map_err(data_io)?;
                self.bytes += buf.len() as u64;
                Ok(())
            }
        }
    }

    /// Whether [`DataStream::send_file`] is to send on this connection: a plain TCP one on
    /// Linux, as the session's [`super::SendFile`] says. TLS encrypts in this process, so its bytes
    /// must pass through it.
    pub fn can_send_file(&self) -> bool {
        self.kernel_may_send
    }

    /// Sends up to `count` bytes of `file` from its current position (which moves on by what was
    /// sent) with sendfile(2): the kernel copies from the page cache to the socket, and the bytes
    /// never pass through this process. Waits for the socket as [`DataStream::write_all`] does,
    /// under the idle timeout; returns the bytes sent (at least one), or 0 at the end of the file.
    #[cfg(target_os = "linux")]
    pub async fn send_file(&mut self, file: &std::fs::File, count: usize) -> Result<usize, Error> {
        let Some(Stream::Tcp(tcp)) = &self.stream else {
            return Err(data_io(io::Error::new(io::ErrorKind::Unsupported, "sendfile needs a plain TCP connection")));
        };
        let send = async {
            loop {
                tcp.writable().await?;
                // The socket is non-blocking: sendfile takes what fits in its buffer, or fails with
                // EAGAIN, which clears the readiness so the next `writable` waits for room.
                let sent = tcp.try_io(Interest::WRITABLE, || {
                    rustix::fs::sendfile(tcp, file, None, count).map_err(io::Error::from)
                });
                match sent {
                    Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => {}
                    r => return r,
                }
            }
        };
        let n = match timeout(self.idle, send).await {
            Err(_) => return Err(Error::Timeout { phase: Phase::Idle, after: self.idle }),
            Ok(r) => r.map_err(data_io)?,
        };
        self.bytes += n as u64;
        self.kernel_copy = Some("sendfile");
        Ok(n)
    }

    /// Never called: [`DataStream::can_send_file`] is false on other systems.
    #[cfg(not(target_os = "linux"))]
    pub async fn send_file(&mut self, _file: &std::fs::File, _count: usize) -> Result<usize, Error> {
        Err(data_io(io::Error::new(io::ErrorKind::Unsupported, "sendfile is used on Linux only")))
    }

    /// Whether [`DataStream::splice_into`] is to receive on this connection: a plain TCP one on
    /// Linux, unless the session's [`super::SendFile`] is `Never`. TLS decrypts in this process,
    /// so its bytes must pass through it.
    pub fn can_splice(&self) -> bool {
        self.kernel_may_receive
    }

    /// Moves up to `count` received bytes into the pipe `pipe` (its write end, empty) with
    /// splice(2): the kernel hands the socket's pages to the pipe, and the bytes never pass
    /// through this process. Waits for data as [`DataStream::read`] does, under the idle timeout;
    /// returns the bytes moved (at least one), or 0 at the end of the data.
    #[cfg(target_os = "linux")]
    pub async fn splice_into(&mut self, pipe: std::os::fd::BorrowedFd<'_>, count: usize) -> Result<usize, Error> {
        use rustix::pipe::{SpliceFlags, splice};
        let Some(Stream::Tcp(tcp)) = &self.stream else {
            return Err(data_io(io::Error::new(io::ErrorKind::Unsupported, "splice needs a plain TCP connection")));
        };
        let moved = async {
            loop {
                tcp.readable().await?;
                // The socket is non-blocking and the pipe empty: EAGAIN means no data yet, and
                // clears the readiness so the next `readable` waits for some.
                let moved = tcp.try_io(Interest::READABLE, || {
                    splice(tcp, None, pipe, None, count, SpliceFlags::MOVE | SpliceFlags::NONBLOCK)
                        .map_err(io::Error::from)
                });
                match moved {
                    Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => {}
                    r => return r,
                }
            }
        };
        let n = match timeout(self.idle, moved).await {
            Err(_) => return Err(Error::Timeout { phase: Phase::Idle, after: self.idle }),
            Ok(r) => r.map_err(data_io)?,
        };
        self.bytes += n as u64;
        self.kernel_copy = Some("splice");
        Ok(n)
    }

    /// Never called: [`DataStream::can_splice`] is false on other systems.
    #[cfg(not(target_os = "linux"))]
    pub async fn splice_into(&mut self, _pipe: std::os::fd::BorrowedFd<'_>, _count: usize) -> Result<usize, Error> {
        Err(data_io(io::Error::new(io::ErrorKind::Unsupported, "splice is used on Linux only")))
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Whether a data connection was made: false when the server gave the transfer command's
    /// final reply without one (some do for an empty listing).
    pub fn is_connected(&self) -> bool {
        self.stream.is_some()
    }
}

/// Reads and discards to the end of the stream, at most a few MiB.
async fn drain(stream: &mut Stream) -> io::Result<()> {
    let mut buf = [0u8; 8192];
    for _ in 0..512 {
        if stream.read(&mut buf).await? == 0 {
            break;
        }
    }
    Ok(())
}

/// Whether a transfer's failure reply, under PROT P, is the server refusing the data connection's
/// TLS session. vsftpd answers "522 SSL connection failed: session reuse required", FileZilla
/// Server "425 ... TLS session of data connection not resumed"; ProFTPD 1.3.8 says only "425
/// Unable to build data connection: Operation not permitted" (its TLSLog names the reason), so a
/// 425 after a handshake that did not resume the control connection's session counts too.
pub fn refuses_tls_session(reply: &Reply, tls_resumed: Option<bool>) -> bool {
    let text = String::from_utf8_lossy(&reply.message()).to_ascii_lowercase();
    let tls_words = ["ssl", "tls", "resum", "reuse"].iter().any(|w| text.contains(w));
    reply.code == 522 || tls_words || (reply.code == 425 && tls_resumed == Some(false))
}

fn data_io(e: io::Error) -> Error {
    Error::DataIo(e)
}

/// A download whose data all arrived and whose data connection is closed, its final reply still
/// to be read on the control connection (see [`Session::close_data_owing`]). Nothing else may be
/// sent on the session until it is settled.
#[derive(Debug)]
#[must_use = "the session is out of step until the owed reply is read"]
pub struct OwedReply {
    command: String,
    tls_resumed: Option<bool>,
    /// The final reply, when it came before the data ended.
    known: Option<Reply>,
}

/// What a 227 or 229 reply offered, and where the client will connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassiveOffer {
    /// The address the server named (for EPSV, the control peer with the named port).
    pub advertised: SocketAddr,
    /// The address the policy chose.
    pub target: SocketAddr,
}

/// Whether a session sends the transfer command right behind EPSV or PASV, without waiting for
/// the 229/227 (RFC 959 §5.3.1 lets commands be sent ahead; the server reads them in order and
/// waits for the passive connection before it answers the transfer command). It saves one round
/// trip per transfer. Only downloads and listings, only in a mode that already gave a data
/// connection on this session, never with REST (a refused REST must not be followed by a RETR from byte 0), and a
/// server that answers the pipelined command 425 before the connection arrives has pipelining
/// turned off for the session, the same transfer tried again the plain way. A pipelining session
/// can also send a download's commands before the last download's final reply has come (see
/// [`Session::open_data_after`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Pipeline {
    /// No passive data connection made yet on this session.
    #[default]
    Untried,
    /// This passive mode gave a data connection: the next transfers in it are pipelined.
    Proven(DataMode),
    /// The server misbehaved with a pipelined command: never again on this session.
    Off,
}

/// A transfer command's answer before the data: go on, already finished, or the mode failed.
enum TransferAnswer {
    Preliminary,
    Final(Reply),
    Failed(DataFailure),
}

/// A data connection on its way: connected (passive) or listening (active).
enum Pending {
    Connected(TcpStream, SocketAddr),
    Listening(TcpListener),
}

/// A data connection made.
struct Connection {
    stream: Stream,
    peer: SocketAddr,
    tls_resumed: Option<bool>,
}

/// What the part of an attempt that runs apart from the session (the accept, the TLS handshake)
/// has seen so far. Shared, so that it survives a caller giving up on the attempt mid-way.
#[derive(Debug, Default)]
struct Live {
    /// Where the data connection went (passive) or came from (active).
    peer: Option<SocketAddr>,
    /// When it was connected or accepted, from the start of the attempt.
    connected_after: Option<Duration>,
    /// Active: connections from another address than the server's, refused.
    strays: Vec<SocketAddr>,
    tls_resumed: Option<bool>,
}

/// Where a data-connection attempt is: a caller that gives up on it (a deadline) knows what it
/// was waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The mode command (EPSV, PASV, EPRT, PORT) and its reply.
    Mode,
    /// Passive: connecting to this address.
    Connect(SocketAddr),
    /// Active: the server is to connect to this address (the transfer command sent).
    ConnectBack(SocketAddr),
    /// The transfer command sent, its reply (and the data connection's TLS handshake) awaited.
    Reply,
    /// The data connection is open.
    Open,
}

/// Everything one data-connection attempt did, filled in as it goes (the instrumentation that
/// transfers and the probe share): the mode command's reply, the addresses announced and used,
/// who connected, the TLS session, the transfer command's reply, timings, and why it failed.
#[derive(Debug)]
pub struct DataRecord {
    pub mode: DataMode,
    /// The data connection's name in the transcript (`data#1`).
    pub name: String,
    pub step: Step,
    started: Instant,
    /// The reply to the mode command.
    pub mode_reply: Option<Reply>,
    /// From the start of the attempt to the mode command's reply.
    pub mode_reply_after: Option<Duration>,
    /// Passive: the address the 227/229 reply named (for EPSV, the control peer with its port).
    pub advertised: Option<SocketAddr>,
    /// Active: the IP address announced (or about to be), known even when the command is refused.
    pub announced_ip: Option<IpAddr>,
    /// Active: the address announced in EPRT/PORT, once listening.
    pub announced: Option<SocketAddr>,
    /// The transfer command's last reply before the data: the one that failed the attempt, or a
    /// final reply that came first.
    pub transfer_reply: Option<Reply>,
    /// `None` while the attempt goes on or once it gave a data connection.
    pub failure: Option<DataFailure>,
    /// Told the advertised address as soon as a 227/229 names it (the probe checks it at once).
    pub on_advertised: Option<oneshot::Sender<SocketAddr>>,
    /// The transfer command went out right behind the mode command (see [`Pipeline`]); only
    /// [`Session::open_data`] asks for it, so the probe sees every step on its own.
    pipelined: bool,
    /// The mode and transfer commands already went out, ahead of the last download's final
    /// reply (see [`Session::open_data_after`]).
    sent: bool,
    live: Arc<Mutex<Live>>,
}

impl DataRecord {
    pub fn new(mode: DataMode) -> DataRecord {
        DataRecord {
            mode,
            name: String::new(),
            step: Step::Mode,
            started: Instant::now(),
            mode_reply: None,
            mode_reply_after: None,
            advertised: None,
            announced_ip: None,
            announced: None,
            transfer_reply: None,
            failure: None,
            on_advertised: None,
            pipelined: false,
            sent: false,
            live: Arc::default(),
        }
    }

    fn live(&self) -> std::sync::MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Passive: the address connected to; active: the address the server connected from.
    pub fn data_peer(&self) -> Option<SocketAddr> {
        self.live().peer
    }

    /// From the start of the attempt to the data connection's connect or accept.
    pub fn connected_after(&self) -> Option<Duration> {
        self.live().connected_after
    }

    /// Active: connections that came from another address than the server's, and were refused.
    pub fn strays(&self) -> Vec<SocketAddr> {
        self.live().strays.clone()
    }

    /// Under PROT P: whether the data connection's TLS session resumed the control connection's;
    /// `None` before (or without) a completed handshake.
    pub fn tls_resumed(&self) -> Option<bool> {
        self.live().tls_resumed
    }

    /// Since the attempt began.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Accepts the server's data connection, only from `expected` (anyone else is logged, recorded
/// and dropped), within `after`.
async fn accept_from(
    listener: &TcpListener,
    expected: IpAddr,
    after: Duration,
    mode: DataMode,
    notifier: &Notifier,
    live: &Mutex<Live>,
) -> Result<(TcpStream, SocketAddr), DataFailure> {
    let deadline = tokio::time::Instant::now() + after;
    loop {
        match tokio::time::timeout_at(deadline, listener.accept()).await {
            Err(_) => {
                let reason = format!("the server did not connect back within {}s", after.as_secs_f64());
                notifier.note(&reason);
                return Err(DataFailure::new(Stage::NoConnectBack, reason));
            }
            Ok(Err(e)) => return Err(DataFailure::new(Stage::Listen, format!("accept failed: {e}"))),
            Ok(Ok((tcp, from))) if canonical(from.ip()) == expected => {
                notifier.note(&format!("{mode}: accepted from {from}"));
                return Ok((tcp, from));
            }
            Ok(Ok((_, from))) => {
                notifier.note(&format!(
                    "{mode}: refused a data connection from {from}: not the server's address {expected}"
                ));
                live.lock().unwrap_or_else(|e| e.into_inner()).strays.push(from);
            }
        }
    }
}

/// What a data connection's TLS handshake needs (under PROT P; nothing otherwise), taken from the
/// session so the handshake can run while the session reads the transfer command's reply.
struct DataProtection {
    tls: Option<(Arc<TlsConfig>, ServerName<'static>)>,
    after: Duration,
    mode: DataMode,
    notifier: Notifier,
}

impl DataProtection {
    /// The TLS handshake as the client, with the control connection's server name; the plain
    /// stream when the data connection is not protected. Also says whether the TLS session
    /// resumed the control connection's.
    async fn apply(self, tcp: TcpStream) -> Result<(Stream, Option<bool>), DataFailure> {
        let Some((config, server_name)) = self.tls else {
            return Ok((Stream::Tcp(tcp), None));
        };
        match config.connect(&server_name, tcp, self.after).await {
            Ok(stream) => {
                let (summary, resumed) = super::tls::summary(stream.get_ref().1);
                let session = if resumed { "resumed" } else { "new (NOT resumed)" };
                self.notifier.note(&format!("{}: TLS handshake done: {summary}, session {session}", self.mode));
                Ok((Stream::Tls(Box::new(stream.into())), Some(resumed)))
            }
            Err(e) => {
                self.notifier.note(&e);
                Err(DataFailure::new(Stage::Tls, e))
            }
        }
    }
}

/// Where a data-connection attempt failed: what the probe reports and what decides the hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The server refused the mode command (EPSV, PASV, EPRT, PORT).
    Refused,
    /// The mode cannot work here: an unparsable 227/229, PASV or PORT on IPv6.
    Unusable,
    /// Nothing listens at the passive address (a firewall rejecting, or a closed port).
    ConnectRefused,
    /// The passive connect got no answer (a firewall dropping, or a NAT that does not forward).
    ConnectTimeout,
    /// The passive connect failed otherwise (network or host unreachable).
    Unreachable,
    /// No local port to listen on for active mode.
    Listen,
    /// Active: the server never connected back (accept timeout, or 425).
    NoConnectBack,
    /// TLS on the data connection failed.
    Tls,
    /// Connected, but the transfer failed or its final reply never came.
    Transfer,
}

impl Stage {
    /// A stable name, for JSON and tests.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Refused => "refused",
            Stage::Unusable => "unusable-reply",
            Stage::ConnectRefused => "connect-refused",
            Stage::ConnectTimeout => "connect-timeout",
            Stage::Unreachable => "unreachable",
            Stage::Listen => "listen",
            Stage::NoConnectBack => "no-connect-back",
            Stage::Tls => "tls",
            Stage::Transfer => "transfer",
        }
    }
}

/// Why one mode could not give a data connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFailure {
    pub stage: Stage,
    pub detail: String,
    /// The server's reply, when the failure is one.
    pub reply: Option<Reply>,
}

impl DataFailure {
    pub fn new(stage: Stage, detail: impl Into<String>) -> DataFailure {
        DataFailure { stage, detail: detail.into(), reply: None }
    }

    fn reply(stage: Stage, detail: impl Into<String>, reply: Reply) -> DataFailure {
        DataFailure { stage, detail: detail.into(), reply: Some(reply) }
    }

    /// What the server's refusal means, when the failure is one.
    pub fn refusal(&self) -> Option<Refusal> {
        self.reply.as_ref().map(Refusal::of)
    }
}

impl std::fmt::Display for DataFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl Session {
    fn next_data_name(&mut self) -> String {
        self.data_seq += 1;
        format!("data#{}", self.data_seq)
    }

    /// Opens a data connection for `cmd` (RETR, STOR, APPE, LIST, NLST, MLSD), sending `REST`
    /// first when `rest` is given, trying the session's modes in order. A mode that fails is
    /// dropped for the rest of the session, with an [`Event::Fallback`]; a refusal that no other
    /// mode can get past (TLS required on the data channel) is the answer, not a reason to try
    /// the next mode.
    pub async fn open_data(&mut self, cmd: &Command, rest: Option<u64>) -> Result<DataStream, Error> {
        self.open_data_sent(cmd, rest, false).await
    }

    /// [`Session::open_data`]; with `sent`, the mode command and `cmd` already went out
    /// (pipelined) for the first try.
    async fn open_data_sent(&mut self, cmd: &Command, rest: Option<u64>, mut sent: bool) -> Result<DataStream, Error> {
        let mut failures = Vec::new();
        loop {
            let mode = self.modes[0];
            let mut record = DataRecord::new(mode);
            // Downloads and listings only: an upload pipelined on Twisted stored wrong bytes in
            // the lab, and a server's files are not ours to risk.
            let reads = matches!(cmd.verb(), "RETR" | "LIST" | "NLST" | "MLSD");
            record.pipelined = sent || (reads && rest.is_none() && self.pipeline == Pipeline::Proven(mode));
            record.sent = std::mem::take(&mut sent);
            if let Some(data) = self.attempt_data(cmd, rest, &mut record).await? {
                if mode.is_passive() && data.is_connected() && self.pipeline == Pipeline::Untried {
                    self.pipeline = Pipeline::Proven(mode);
                }
                return Ok(data);
            }
            let reason = record.failure.take().expect("a failed attempt records why");
            let refused_mode = reason.stage == Stage::Refused && reason.reply.is_some();
            if record.pipelined && (refused_mode || reason.reply.as_ref().is_some_and(|r| matches!(r.code, 425 | 503)))
            {
                // A server that wants the data connection before the transfer command arrives
                // (425), that takes the command before it has finished the mode command
                // (Twisted: 503 "must send PORT or PASV first"), or that refuses a mode command
                // sent ahead (it worked before on this session): the same mode, the plain way,
                // from now on.
                self.pipeline = Pipeline::Off;
                self.note("control", &format!("{mode}: the server refused a pipelined {}: not pipelining", cmd.verb()));
                continue;
            }
            if let Some(reply) = reason.reply.as_ref().filter(|r| !Refusal::of(r).another_mode_may_help()) {
                let command = if reason.stage == Stage::Refused { mode.name().to_owned() } else { cmd.to_string() };
                return Err(Error::Refused { command, reply: reply.clone() });
            }
            let text = reason.detail.clone();
            failures.push((mode, reason));
            if self.modes.len() == 1 {
                return Err(Error::NoDataConnection { attempts: failures });
            }
            self.modes.remove(0);
            let to = self.modes[0];
            self.emit("control", &Event::Fallback { from: mode, to, reason: &text });
        }
    }

    /// One try at `record.mode` for `cmd`, with everything it does written into `record` as it
    /// happens. `Ok(Some)`: a data connection (or, for an empty listing, the final reply with
    /// none: see [`DataStream::is_connected`]); `Ok(None)`: the mode failed, `record.failure`
    /// says where and why, and the session is back in step for another try; `Err`: the session
    /// failed, or the server refused the transfer itself (550 no such file).
    pub async fn attempt_data(
        &mut self,
        cmd: &Command,
        rest: Option<u64>,
        record: &mut DataRecord,
    ) -> Result<Option<DataStream>, Error> {
        record.name = self.next_data_name();
        record.step = Step::Mode;
        let protected = self.config.tls.as_ref().is_some_and(|t| t.protect_data);
        match self.attempt_steps(cmd, rest, record).await? {
            Ok(data) => Ok(Some(data)),
            Err(mut failure) => {
                // A 522 or 425 about the data connection's TLS session (vsftpd
                // `require_ssl_reuse`), whether it came before or after the handshake, is a
                // failure of the data connection's TLS, not of the path.
                let resumed = record.tls_resumed();
                if protected
                    && resumed != Some(true)
                    && failure.stage != Stage::Refused
                    && record.transfer_reply.as_ref().is_some_and(|r| refuses_tls_session(r, resumed))
                {
                    failure.stage = Stage::Tls;
                }
                record.failure = Some(failure);
                Ok(None)
            }
        }
    }

    async fn attempt_steps(
        &mut self,
        cmd: &Command,
        rest: Option<u64>,
        record: &mut DataRecord,
    ) -> Result<Result<DataStream, DataFailure>, Error> {
        let mode = record.mode;
        let name = record.name.clone();
        let pipelined = record.pipelined && mode.is_passive() && rest.is_none();
        let pending = if mode.is_passive() {
            if pipelined && !record.sent {
                self.send(&Command::bare(mode.name())).await?;
                self.send(cmd).await?;
            }
            let offer = match self.request_passive(mode, &name, record, pipelined).await? {
                Ok(offer) => offer,
                Err(reason) => {
                    if pipelined {
                        self.settle_pipelined().await?;
                    }
                    return Ok(Err(reason));
                }
            };
            record.step = Step::Connect(offer.target);
            match self.connect_tcp(mode, offer.target, &name).await {
                Ok(tcp) => {
                    let mut live = record.live();
                    live.peer = Some(offer.target);
                    live.connected_after = Some(record.started.elapsed());
                    drop(live);
                    Pending::Connected(tcp, offer.target)
                }
                Err(reason) => {
                    if pipelined {
                        // The server holds the transfer command waiting for a connection that
                        // will not come: ABOR puts both sides back in step.
                        self.abort().await?;
                    }
                    return Ok(Err(reason));
                }
            }
        } else {
            match self.request_active(mode, &name, record).await? {
                Ok(listener) => Pending::Listening(listener),
                Err(reason) => return Ok(Err(reason)),
            }
        };
        record.step = match record.announced {
            Some(to) if !mode.is_passive() => Step::ConnectBack(to),
            _ => Step::Reply,
        };
        if !pipelined {
            self.send_transfer(cmd, rest).await?;
        }
        // The preliminary reply and the data connection (the accept, the TLS handshake) at the
        // same time: some servers answer 150 only once the data connection is up, others only
        // before they accept it or start its TLS. And after a 1xx the server may still give up
        // before it connects (150, then 425): its failure reply ends the wait at once, not the
        // accept timeout. The connection wins a tie, so a quick server's 226 is kept for after
        // the data rather than taken for "no data".
        let establish = self.establish(pending, mode, &name, record.started, record.live.clone());
        tokio::pin!(establish);
        let mut connection = None;
        let mut preliminary = false;
        let mut early_final = None;
        let connection = loop {
            if preliminary || early_final.is_some() {
                if let Some(c) = connection {
                    break c;
                }
                if early_final.is_some() {
                    break establish.await;
                }
            }
            let reply = tokio::select! {
                biased;
                done = &mut establish, if connection.is_none() => {
                    connection = Some(done);
                    continue;
                }
                reply = self.read_reply(Phase::Reply) => reply?,
            };
            if !reply.is_preliminary() {
                record.transfer_reply = Some(reply.clone());
            }
            if pipelined && reply.code == 503 {
                // Taken before the mode command was done (Twisted): open_data tries again.
                let why = format!("the server took {} before {mode} was done: {reply}", cmd.verb());
                return Ok(Err(DataFailure::reply(Stage::Transfer, why, reply)));
            }
            match self.transfer_answer(mode, cmd, reply, record.tls_resumed())? {
                TransferAnswer::Preliminary => preliminary = true,
                TransferAnswer::Final(reply) if !preliminary && connection.is_none() => {
                    // A final reply and no connection (some servers do this for an empty listing).
                    record.step = Step::Open;
                    return Ok(Ok(self.data_stream(None, mode, self.peer, name, cmd, Some(reply))));
                }
                TransferAnswer::Final(reply) => early_final = Some(reply),
                TransferAnswer::Failed(reason) => return Ok(Err(reason)),
            }
        };
        match connection {
            Ok(conn) => {
                record.step = Step::Open;
                let mut data = self.data_stream(Some(conn.stream), mode, conn.peer, name, cmd, early_final);
                data.tls_resumed = conn.tls_resumed;
                Ok(Ok(data))
            }
            Err(reason) => {
                // The server may still be trying, or waiting: ABOR puts both sides back in step
                // so the next mode can be tried on this session.
                self.abort().await?;
                Ok(Err(reason))
            }
        }
    }

    /// The data connection's last steps, as a future that does not borrow the session (it runs
    /// beside the read of the preliminary reply): the accept in active mode, then the TLS
    /// handshake under PROT P, as the TLS client, with the control connection's server name.
    fn establish(
        &self,
        pending: Pending,
        mode: DataMode,
        name: &str,
        started: Instant,
        live: Arc<Mutex<Live>>,
    ) -> impl Future<Output = Result<Connection, DataFailure>> + Send + 'static {
        let notifier = self.notifier(name);
        let expected = canonical(self.peer.ip());
        let accept_after = self.config.timeout;
        let protection = self.data_protection(mode, name);
        async move {
            let (tcp, peer) = match pending {
                Pending::Connected(tcp, peer) => (tcp, peer),
                Pending::Listening(listener) => {
                    let accepted = accept_from(&listener, expected, accept_after, mode, &notifier, &live).await?;
                    let mut l = live.lock().unwrap_or_else(|e| e.into_inner());
                    l.peer = Some(accepted.1);
                    l.connected_after = Some(started.elapsed());
                    accepted
                }
            };
            let (stream, tls_resumed) = protection.apply(tcp).await?;
            // Recorded at once: the server's refusal of a new session may end the attempt first.
            live.lock().unwrap_or_else(|e| e.into_inner()).tls_resumed = tls_resumed;
            Ok(Connection { stream, peer, tls_resumed })
        }
    }

    /// What the TLS handshake of a data connection needs: see [`DataProtection::apply`].
    fn data_protection(&self, mode: DataMode, name: &str) -> DataProtection {
        let protect = self.config.tls.as_ref().is_some_and(|t| t.protect_data);
        let tls = match (&self.tls, &self.server_name) {
            (Some(t), Some(n)) if protect => Some((t.clone(), n.clone())),
            _ => None,
        };
        DataProtection { tls, after: self.config.connect_timeout, mode, notifier: self.notifier(name) }
    }

    fn data_stream(
        &self,
        stream: Option<Stream>,
        mode: DataMode,
        peer: SocketAddr,
        name: String,
        cmd: &Command,
        early_final: Option<Reply>,
    ) -> DataStream {
        let kernel_may_send = match (&stream, self.config.send_file) {
            (Some(Stream::Tcp(_)), SendFile::Always) => cfg!(target_os = "linux"),
            (Some(Stream::Tcp(tcp)), SendFile::Auto) => {
                let same_host = peer.ip().is_loopback() || tcp.local_addr().is_ok_and(|l| l.ip() == peer.ip());
                cfg!(target_os = "linux") && !same_host
            }
            _ => false,
        };
        let kernel_may_receive = cfg!(target_os = "linux")
            && matches!(stream, Some(Stream::Tcp(_)))
            && self.config.send_file != SendFile::Never;
        DataStream {
            kernel_may_send,
            kernel_may_receive,
            stream,
            mode,
            peer,
            name,
            command: cmd.to_string(),
            idle: self.config.timeout,
            started: Instant::now(),
            bytes: 0,
            early_final,
            tls_resumed: None,
            kernel_copy: None,
        }
    }

    /// Where PASV data connections go for the rest of the session (the probe's check of the
    /// address a 227 reply advertised trusts it).
    pub fn set_pasv_address(&mut self, policy: PasvAddress) {
        if self.config.pasv_address != policy {
            Arc::make_mut(&mut self.config).pasv_address = policy;
        }
    }

    /// Sends EPSV or PASV and applies the address policy. The outer error is fatal to the
    /// session; the inner one is a reason to try another mode.
    /// With `sent`, the command already went out (pipelined) and only its reply is read.
    async fn request_passive(
        &mut self,
        mode: DataMode,
        name: &str,
        record: &mut DataRecord,
        sent: bool,
    ) -> Result<Result<PassiveOffer, DataFailure>, Error> {
        if mode == DataMode::Pasv && self.peer.is_ipv6() && !sent {
            let why = "PASV cannot work on an IPv6 connection (it carries only IPv4 addresses)";
            return Ok(Err(DataFailure::new(Stage::Unusable, why)));
        }
        let reply = if sent { self.final_reply().await? } else { self.command(&Command::bare(mode.name())).await? };
        record.mode_reply = Some(reply.clone());
        record.mode_reply_after = Some(record.started.elapsed());
        let expected = if mode == DataMode::Epsv { 229 } else { 227 };
        if reply.code != expected {
            return Ok(Err(DataFailure::reply(Stage::Refused, format!("{mode} refused: {reply}"), reply)));
        }
        let text = reply.message();
        let advertised = if mode == DataMode::Epsv {
            match parse_229(&text) {
                // RFC 2428 §3: the data connection goes to the control connection's address.
                Ok(port) => SocketAddr::new(self.peer.ip(), port),
                Err(e) => {
                    return Ok(Err(DataFailure::reply(
                        Stage::Unusable,
                        format!("unusable 229 reply ({e}): {reply}"),
                        reply,
                    )));
                }
            }
        } else {
            match parse_227(&text) {
                Ok(a) => SocketAddr::V4(a),
                Err(e) => {
                    return Ok(Err(DataFailure::reply(
                        Stage::Unusable,
                        format!("unusable 227 reply ({e}): {reply}"),
                        reply,
                    )));
                }
            }
        };
        record.advertised = Some(advertised);
        let peer_ip = canonical(self.peer.ip());
        if canonical(advertised.ip()) != peer_ip
            && let Some(tell) = record.on_advertised.take()
        {
            let _ = tell.send(advertised);
        }
        let target =
            if mode == DataMode::Pasv && advertised.ip() != peer_ip && self.config.pasv_address == PasvAddress::Peer {
                let target = SocketAddr::new(peer_ip, advertised.port());
                self.note(
                    name,
                    &format!(
                        "PASV advertised {advertised}; connecting to the control peer {target} instead (the \
                     advertised address is used only when the session is told to trust it)"
                    ),
                );
                target
            } else {
                advertised
            };
        Ok(Ok(PassiveOffer { advertised, target }))
    }

    async fn connect_tcp(&mut self, mode: DataMode, target: SocketAddr, name: &str) -> Result<TcpStream, DataFailure> {
        self.note(name, &format!("{mode}: connecting to {target}"));
        let started = Instant::now();
        let after = self.config.connect_timeout;
        let result = match timeout(after, TcpStream::connect(target)).await {
            Err(_) => {
                let why = format!("connection to {target} timed out after {}s", after.as_secs_f64());
                Err(DataFailure::new(Stage::ConnectTimeout, why))
            }
            Ok(Err(e)) => {
                let stage = match e.kind() {
                    io::ErrorKind::ConnectionRefused => Stage::ConnectRefused,
                    io::ErrorKind::TimedOut => Stage::ConnectTimeout,
                    _ => Stage::Unreachable,
                };
                Err(DataFailure::new(stage, format!("connection to {target} failed: {e}")))
            }
            Ok(Ok(tcp)) => Ok(tcp),
        };
        match result {
            Ok(tcp) => {
                self.note(name, &format!("{mode}: connected to {target} in {} ms", started.elapsed().as_millis()));
                Ok(tcp)
            }
            Err(reason) => {
                self.note(name, &reason.detail);
                Err(reason)
            }
        }
    }

    /// Listens for an active data connection and announces it with EPRT or PORT.
    async fn request_active(
        &mut self,
        mode: DataMode,
        name: &str,
        record: &mut DataRecord,
    ) -> Result<Result<TcpListener, DataFailure>, Error> {
        let advertise_ip = self.config.active_address.unwrap_or(self.local.ip());
        record.announced_ip = Some(advertise_ip);
        if mode == DataMode::Port && !advertise_ip.is_ipv4() {
            return Ok(Err(DataFailure::new(Stage::Unusable, "PORT cannot carry an IPv6 address")));
        }
        let listener = match self.listen().await {
            Ok(l) => l,
            Err(e) => {
                return Ok(Err(DataFailure::new(Stage::Listen, format!("cannot listen on {}: {e}", self.local.ip()))));
            }
        };
        let port = listener.local_addr().map_err(Error::Io)?.port();
        let advertised = SocketAddr::new(advertise_ip, port);
        self.note(name, &format!("{mode}: listening on {}:{port}, announcing {advertised}", self.local.ip()));
        let cmd = match mode {
            DataMode::Eprt => Command::eprt(advertised),
            _ => Command::port(advertised).expect("IPv4 checked above"),
        };
        let reply = self.command(&cmd).await?;
        record.mode_reply = Some(reply.clone());
        record.mode_reply_after = Some(record.started.elapsed());
        if !reply.is_success() {
            return Ok(Err(DataFailure::reply(Stage::Refused, format!("{mode} refused: {reply}"), reply)));
        }
        record.announced = Some(advertised);
        Ok(Ok(listener))
    }

    async fn listen(&self) -> io::Result<TcpListener> {
        let ip = self.local.ip();
        let Some(range) = self.config.active_ports.clone() else {
            return TcpListener::bind(SocketAddr::new(ip, 0)).await;
        };
        // Start at a varying place in the range so two clients do not race for one port.
        let span = u32::from(*range.end()) - u32::from(*range.start()) + 1;
        let offset = std::process::id().wrapping_add(self.data_seq.wrapping_mul(7919)) % span;
        let mut last = io::Error::new(io::ErrorKind::AddrInUse, "no free port in the configured range");
        for k in 0..span {
            let port = u32::from(*range.start()) + (offset + k) % span;
            let socket = if ip.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
            match socket.bind(SocketAddr::new(ip, port as u16)) {
                Ok(()) => return socket.listen(4),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// After a pipelined mode command failed: the transfer command sent behind it gets its own
    /// answer (a 425 or 503 "use PORT or PASV first", as a rule), read here so the next command's
    /// reply is its own. A server that starts a transfer anyway (1xx), or says nothing within a
    /// few seconds, gets ABOR.
    async fn settle_pipelined(&mut self) -> Result<(), Error> {
        let wait = self.config.timeout.min(Duration::from_secs(3));
        match self.reply_within(wait).await? {
            Some(reply) if !reply.is_preliminary() => Ok(()),
            _ => self.abort().await,
        }
    }

    /// REST when resuming (RFC 3659 §5), then the transfer command.
    async fn send_transfer(&mut self, cmd: &Command, rest: Option<u64>) -> Result<(), Error> {
        if let Some(offset) = rest {
            self.expect(&Command::with_arg("REST", offset.to_string())?, &[350]).await?;
        }
        self.send(cmd).await
    }

    /// What a reply to a transfer command means before the data flows.
    fn transfer_answer(
        &self,
        mode: DataMode,
        cmd: &Command,
        reply: Reply,
        tls_resumed: Option<bool>,
    ) -> Result<TransferAnswer, Error> {
        match reply.code {
            100..=199 => Ok(TransferAnswer::Preliminary),
            200..=299 => Ok(TransferAnswer::Final(reply)),
            // 425: "Can't open data connection" (RFC 959): the mode did not get through.
            425 => {
                let stage = if mode.is_passive() { Stage::Transfer } else { Stage::NoConnectBack };
                let why = format!("the server could not open the data connection: {reply}");
                Ok(TransferAnswer::Failed(DataFailure::reply(stage, why, reply)))
            }
            _ => Err(self.transfer_refused(cmd.to_string(), reply, tls_resumed)),
        }
    }

    /// Closes the data connection and reads the transfer's final reply: 2xx is success, anything
    /// else `Refused` with the reply.
    pub async fn finish_data(&mut self, data: DataStream) -> Result<Reply, Error> {
        let DataStream { stream, mode, name, command, started, bytes, early_final, tls_resumed, kernel_copy, .. } =
            data;
        let mut reply = early_final;
        if let Some(mut stream) = stream {
            // Our half closes first so an upload's end is seen (the server answers 226 only then);
            // under TLS this sends close_notify (RFC 4217 §12.6).
            let _ = timeout(self.config.timeout, stream.shutdown()).await;
            if stream.is_tls() {
                // Read to the end: the server's close_notify, and the TLS 1.3 tickets it sent on
                // this connection, which later data connections resume with. Beside the final
                // reply, so a server that answers 226 and keeps the connection open costs a
                // moment, not the whole timeout.
                let drained = drain(&mut stream);
                tokio::pin!(drained);
                let mut done = false;
                if reply.is_none() {
                    tokio::select! {
                        _ = &mut drained => done = true,
                        r = self.final_reply() => reply = Some(r?),
                    }
                }
                if !done {
                    let _ = timeout(Duration::from_secs(1), drained).await;
                }
            }
        }
        self.note_closed(&name, mode, started, bytes, kernel_copy);
        let reply = match reply {
            Some(r) => r,
            None => self.final_reply().await?,
        };
        self.conclude(command, reply, tls_resumed)
    }

    fn note_closed(&self, name: &str, mode: DataMode, started: Instant, bytes: u64, kernel_copy: Option<&str>) {
        let secs = started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { bytes as f64 / secs / 1e6 } else { 0.0 };
        let how = kernel_copy.map(|call| format!(", by {call}")).unwrap_or_default();
        self.note(name, &format!("{mode}: closed after {bytes} bytes in {secs:.3} s ({rate:.1} MB/s{how})"));
    }

    /// A transfer's final reply: 2xx is success, anything else `Refused` with the reply.
    fn conclude(&self, command: String, reply: Reply, tls_resumed: Option<bool>) -> Result<Reply, Error> {
        if reply.is_success() {
            return Ok(reply);
        }
        Err(self.transfer_refused(command, reply, tls_resumed))
    }

    /// After the end of a download's data (the server closed the connection): closes our side and
    /// leaves the transfer's final reply owed, to be read by [`Session::settle`] or, overlapping
    /// the next download's request, by [`Session::open_data_after`]. The data stream comes back
    /// (for [`Session::finish_data`]) when the reply cannot wait: not a RETR, or a TLS data
    /// connection, whose close_notify and TLS 1.3 tickets (which later data connections resume
    /// with) are read beside the final reply.
    pub async fn close_data_owing(&mut self, data: DataStream) -> Result<OwedReply, DataStream> {
        if data.command.split(' ').next() != Some("RETR") || data.stream.as_ref().is_some_and(Stream::is_tls) {
            return Err(data);
        }
        let DataStream { stream, mode, name, command, started, bytes, early_final, tls_resumed, kernel_copy, .. } =
            data;
        if let Some(mut stream) = stream {
            // vsftpd sends its 226 only once it has read our FIN.
            let _ = timeout(self.config.timeout, stream.shutdown()).await;
        }
        self.note_closed(&name, mode, started, bytes, kernel_copy);
        Ok(OwedReply { command, tls_resumed, known: early_final })
    }

    /// Reads a download's owed final reply: what [`Session::finish_data`] would have returned.
    pub async fn settle(&mut self, owed: OwedReply) -> Result<Reply, Error> {
        let reply = match owed.known {
            Some(r) => r,
            None => self.final_reply().await?,
        };
        self.conclude(owed.command, reply, owed.tls_resumed)
    }

    /// Settles `owed` and opens the data connection for `cmd`, both as [`Session::settle`] and
    /// [`Session::open_data`] would, but where the session pipelines (see [`Pipeline`]) and `cmd`
    /// is a RETR without REST, the mode command and `cmd` go out before the owed reply is read:
    /// the wait for the last file's final reply (vsftpd sends it a round trip after the data,
    /// once it has read our FIN) overlaps the request for the next (RFC 959 §5.3.1: the server
    /// reads commands in order). Returns the owed transfer's result, then the new data stream.
    /// A server that cannot take it answers the mode command sent ahead with an error, which
    /// turns pipelining off for the session and tries `cmd` again the plain way.
    pub async fn open_data_after(
        &mut self,
        owed: OwedReply,
        cmd: &Command,
        rest: Option<u64>,
    ) -> (Result<Reply, Error>, Result<DataStream, Error>) {
        let mode = self.modes[0];
        let ahead =
            owed.known.is_none() && cmd.verb() == "RETR" && rest.is_none() && self.pipeline == Pipeline::Proven(mode);
        if !ahead {
            let previous = self.settle(owed).await;
            return (previous, self.open_data(cmd, rest).await);
        }
        let sent = async {
            self.send(&Command::bare(mode.name())).await?;
            self.send(cmd).await
        };
        if let Err(e) = sent.await {
            return (Err(e), Err(Error::Unusable));
        }
        let reply = match self.final_reply().await {
            Ok(reply) => reply,
            Err(e) => return (Err(e), Err(Error::Unusable)),
        };
        if matches!(reply.code, 227 | 229) {
            // The mode command answered before the owed reply: the replies are out of step with
            // the commands, so nothing more goes on this session (a new one does not overlap).
            self.pipeline = Pipeline::Off;
            self.mark_broken();
            self.note("control", &format!("{mode}: answered before the last transfer's final reply: {reply}"));
            // The owed reply is lost with the session: the caller confirms the file on another.
            return (Err(Error::Unusable), Err(Error::Unusable));
        }
        let previous = self.conclude(owed.command, reply, owed.tls_resumed);
        (previous, self.open_data_sent(cmd, rest, true).await)
    }

    /// A transfer's failure reply; under PROT P, a refusal of the data connection's TLS session
    /// (see [`refuses_tls_session`]) is a TLS error, with what happened to the session.
    fn transfer_refused(&self, command: String, reply: Reply, tls_resumed: Option<bool>) -> Error {
        let protected = self.config.tls.as_ref().is_some_and(|t| t.protect_data);
        if protected && refuses_tls_session(&reply, tls_resumed) {
            return Error::TlsData { reply, resumed: tls_resumed };
        }
        Error::Refused { command, reply }
    }

    /// After the server closed or reset a data connection mid-transfer: its final reply (426,
    /// 451, vsftpd's 522 for a TLS session that did not resume) usually follows at once and says
    /// why, so it is awaited briefly and returned as the error; a server that says nothing gets
    /// ABOR, so the session stays in step. Also for a reader that stops early (a segmented
    /// download at the end of its range): the connection is closed first, since a server still
    /// sending is blocked on the full window and would never reply; the 426 or 451 that follows
    /// is returned as the error.
    pub async fn close_broken_data(&mut self, data: DataStream) -> Result<(), Error> {
        let DataStream { command, tls_resumed, stream, .. } = data;
        drop(stream);
        let deadline = tokio::time::Instant::now() + self.config.timeout;
        let wait = self.config.timeout.min(Duration::from_secs(3));
        match self.reply_within(wait).await? {
            Some(reply) if reply.is_preliminary() || reply.is_success() => Ok(()),
            Some(reply) => Err(self.transfer_refused(command, reply, tls_resumed)),
            // ABOR and its replies within what is left of one timeout, not a fresh one each.
            None => self.abort_by(deadline).await,
        }
    }

    /// Abandons a transfer: closes the data connection and sends ABOR (RFC 959 §4.1.3).
    pub async fn abort_data(&mut self, data: DataStream) -> Result<(), Error> {
        drop(data);
        // One deadline for ABOR's reply and the transfer's 426 before it.
        self.abort_by(tokio::time::Instant::now() + self.config.timeout).await
    }

    /// ABOR, then replies until the one for ABOR (a 2xx; a 426 for the transfer may come first),
    /// so the next command's reply is its own. A server that never gets back in step leaves the
    /// session unusable rather than out of step.
    async fn abort(&mut self) -> Result<(), Error> {
        self.send(&Command::bare("ABOR")).await?;
        for _ in 0..3 {
            if self.read_reply(Phase::Reply).await?.is_success() {
                return Ok(());
            }
        }
        self.mark_broken();
        Err(Error::Unusable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &str) -> Reply {
        Reply { code: line[..3].parse().unwrap(), lines: vec![line.as_bytes().to_vec()] }
    }

    #[test]
    fn data_tls_refusals_are_recognised_by_code_words_or_a_failed_resumption() {
        let cases = [
            // vsftpd with require_ssl_reuse=YES
            ("522 SSL connection failed: session reuse required", Some(false), true),
            // FileZilla Server
            ("425 Unable to build data connection: TLS session of data connection not resumed.", Some(false), true),
            // ProFTPD 1.3.8 without NoSessionReuseRequired: the words are only in its TLSLog
            ("425 Unable to build data connection: Operation not permitted", Some(false), true),
            // The same reply after a resumed session, or with no handshake: not about TLS
            ("425 Unable to build data connection: Operation not permitted", Some(true), false),
            ("425 Unable to build data connection: Connection refused", None, false),
            // Other failures after a session that did not resume (pure-ftpd resumes no TLS 1.3 one)
            ("451 Local error in processing", Some(false), false),
            ("552 Disk full", Some(false), false),
        ];
        for (line, resumed, want) in cases {
            assert_eq!(refuses_tls_session(&reply(line), resumed), want, "{line} (resumed: {resumed:?})");
        }
    }
}

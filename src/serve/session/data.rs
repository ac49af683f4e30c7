//! Data connections: PASV/EPSV and PORT/EPRT (RFC 959, 2428), making the connection and its
//! TLS (RFC 4217), and running a transfer on it while the control connection is watched for
//! ABOR.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use super::{Result, Session};
use crate::ftp::echo;
use crate::ftp::format;
use crate::ftp::{DataMode, Stream};

/// Copy buffer of a transfer.
pub(super) const CHUNK: usize = 256 * 1024;
/// Commands that may wait while a transfer runs (only ABOR is acted on at once).
const MAX_QUEUED: usize = 16;

/// How a transfer command's data connection is to be made.
pub(super) enum Plan {
    Passive { listener: TcpListener, mode: DataMode },
    Active { target: SocketAddr },
}

/// How a transfer ended.
pub(super) enum Transfer {
    Done(u64),
    /// The data connection broke or stalled.
    DataFailed(io::Error),
    /// The local file could not be read or written.
    LocalFailed(io::Error),
    Aborted,
}

impl Session {
    pub(super) async fn passive(&mut self, verb: &str, arg: &[u8]) -> Result<()> {
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

    pub(super) async fn active(&mut self, verb: &str, arg: Vec<u8>) -> Result<()> {
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
    pub(super) async fn open_data(&mut self, what: &str, upload: bool) -> Result<Option<Stream>> {
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
    pub(super) async fn finish<F>(&mut self, job: F, what: &str) -> Result<()>
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
}

fn stalled() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "no data moved within the transfer timeout")
}

pub(super) async fn write_all_then_close<W: AsyncWrite + Unpin>(
    out: &mut W,
    bytes: &[u8],
    idle: Duration,
) -> io::Result<()> {
    for chunk in bytes.chunks(CHUNK) {
        timeout(idle, out.write_all(chunk)).await.map_err(|_| stalled())??;
    }
    // Under TLS this sends close_notify, so the client knows the listing is whole.
    timeout(idle, out.shutdown()).await.map_err(|_| stalled())?
}

pub(super) async fn send_file<W: AsyncWrite + Unpin>(
    file: &mut tokio::fs::File,
    out: &mut W,
    idle: Duration,
) -> Transfer {
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

pub(super) async fn receive_file<S: AsyncRead + AsyncWrite + Unpin>(
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

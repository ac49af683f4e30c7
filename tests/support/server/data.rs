//! The data connection: PASV, EPSV, PORT and EPRT set it up, RETR, STOR, APPE, LIST, NLST and MLSD
//! use it, with the behaviour switches that break it on purpose. File data moves in large buffers,
//! optionally paced by `throttle`. Under `PROT P` the connection, once made, is wrapped in TLS
//! with the server as the TLS server, in every mode.

use std::fs::{File, OpenOptions};
use std::future::Future;
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use super::Fault;
use super::listing::ListKind;
use super::session::{Session, base_name, split_command};
use super::tls::{Conn, HANDSHAKE_TIMEOUT};
use crate::support::active::{EprtError, parse_eprt, parse_port};

/// Size of the buffers used to move file data: large, so 1 MiB tests take a few round trips.
const DATA_BUFFER: usize = 256 * 1024;

/// How long the server waits for a data connection (passive accept or active connect).
const DATA_TIMEOUT: Duration = Duration::from_secs(10);

/// How the next transfer command gets its data connection.
pub(super) enum DataSetup {
    None,
    Passive(TcpListener),
    /// `sequential`: the passive data connection arrived before the transfer command.
    PassiveAccepted(TcpStream, SocketAddr),
    /// `passive_closed_port`: the advertised port has no listener.
    PassiveClosed,
    Active(SocketAddr),
}

/// Why a transfer stopped before its future completed.
enum Interrupt {
    Abort,
    Closed,
}

/// Why a data connection was not used after all.
enum Refusal {
    /// Answer this on the control connection.
    Reply(&'static str),
    Interrupted(Interrupt),
}

/// Which side of a transfer failed: the reply differs (426 or 451), the details do not matter.
enum TransferError {
    Network,
    Local,
}

impl TransferError {
    fn network(_: io::Error) -> Self {
        TransferError::Network
    }

    fn local(_: io::Error) -> Self {
        TransferError::Local
    }
}

/// What a transfer command moves.
enum Payload {
    Send { file: File, offset: u64, limit: Option<u64> },
    Receive(File),
    Listing(Vec<u8>),
}

impl Session {
    /// Binds a listener for a passive data connection, in the configured port range if any.
    async fn passive_listener(&self) -> io::Result<TcpListener> {
        let ip = self.local.ip();
        match self.config().passive_ports {
            Some((lo, hi)) => {
                for port in lo..=hi {
                    if let Ok(listener) = TcpListener::bind((ip, port)).await {
                        return Ok(listener);
                    }
                }
                Err(io::Error::new(io::ErrorKind::AddrInUse, "passive range exhausted"))
            }
            None => TcpListener::bind((ip, 0)).await,
        }
    }

    /// Gives up the passive listener, if any: one that no connection arrived on is counted as
    /// left open, and with `hold_passive_listeners` it stays open that long.
    pub(super) async fn give_up_passive(&mut self) {
        let DataSetup::Passive(listener) = std::mem::replace(&mut self.data, DataSetup::None) else { return };
        // A client that connected and closed (to release it) left the connection in the backlog.
        if tokio::time::timeout(Duration::from_millis(50), listener.accept()).await.is_ok() {
            return;
        }
        self.shared.counters.left_open.fetch_add(1, Ordering::SeqCst);
        if let Some(hold) = self.config().hold_passive {
            tokio::spawn(async move {
                let _ = tokio::time::timeout(hold, listener.accept()).await;
            });
        }
    }

    /// `sequential`: waits for the data connection of the last 227/229 before reading another
    /// command.
    pub(super) async fn await_passive(&mut self) {
        let DataSetup::Passive(listener) = &self.data else { return };
        match tokio::time::timeout(DATA_TIMEOUT, listener.accept()).await {
            Ok(Ok((stream, from))) => self.data = DataSetup::PassiveAccepted(stream, from),
            _ => self.give_up_passive().await,
        }
    }

    /// The refusal of a mode command when data connections must be in TLS and are not.
    fn tls_required_on_data(&self) -> Option<&'static str> {
        (self.config().require_tls_data && !self.prot_private).then_some("550 SSL/TLS required on the data channel")
    }

    /// Sets up a passive data connection and returns the port to advertise.
    async fn open_passive(&mut self) -> io::Result<Option<u16>> {
        self.give_up_passive().await;
        if self.config().passive_closed_port {
            // Bind and drop at once: the port was free a moment ago and nothing listens on it now.
            let port = TcpListener::bind((self.local.ip(), 0)).await?.local_addr()?.port();
            self.data = DataSetup::PassiveClosed;
            return Ok(Some(port));
        }
        match self.passive_listener().await {
            Ok(listener) => {
                let port = listener.local_addr()?.port();
                self.data = DataSetup::Passive(listener);
                Ok(Some(port))
            }
            Err(_) => Ok(None),
        }
    }

    pub(super) async fn pasv(&mut self) -> io::Result<()> {
        if let Some(reply) = self.tls_required_on_data() {
            return self.reply(reply).await;
        }
        if self.config().refuse_pasv {
            return self.reply("550 Permission denied.").await;
        }
        if self.epsv_all {
            return self.reply("503 Only EPSV is allowed after EPSV ALL.").await;
        }
        let Some(port) = self.open_passive().await? else {
            return self.reply("425 Could not open a passive port.").await;
        };
        let ip = match (self.config().pasv_advertise, self.local.ip()) {
            (Some(advertised), _) => advertised,
            (None, IpAddr::V4(ip)) => ip,
            (None, IpAddr::V6(_)) => Ipv4Addr::LOCALHOST,
        };
        let [a, b, c, d] = ip.octets();
        let text = format!("227 Entering Passive Mode ({a},{b},{c},{d},{},{}).", port >> 8, port & 0xFF);
        self.reply(text).await
    }

    pub(super) async fn epsv(&mut self, arg: &[u8]) -> io::Result<()> {
        match arg.to_ascii_uppercase().as_slice() {
            b"ALL" => {
                // RFC 2428 section 4: from now on only EPSV sets up data connections.
                self.epsv_all = true;
                return self.reply("200 EPSV ALL ok.").await;
            }
            b"" | b"1" => {}
            _ => {
                return self.reply("522 Network protocol not supported, use (1)").await;
            }
        }
        if let Some(reply) = self.tls_required_on_data() {
            return self.reply(reply).await;
        }
        let Some(port) = self.open_passive().await? else {
            return self.reply("425 Could not open a passive port.").await;
        };
        self.reply(format!("229 Entering Extended Passive Mode (|||{port}|)")).await
    }

    /// PORT and EPRT are accepted only towards the control connection's peer, which closes the
    /// FTP bounce attack (RFC 2577 section 3); the server never connects anywhere else.
    async fn accept_active(&mut self, target: SocketAddr) -> io::Result<()> {
        if self.epsv_all {
            return self.reply("503 Only EPSV is allowed after EPSV ALL.").await;
        }
        if target.ip() != self.peer.ip() || target.port() == 0 {
            return self.reply("500 Illegal PORT command.").await;
        }
        self.data = DataSetup::Active(target);
        self.reply("200 PORT command successful. Consider using PASV.").await
    }

    pub(super) async fn port(&mut self, arg: &[u8]) -> io::Result<()> {
        if let Some(reply) = self.tls_required_on_data() {
            return self.reply(reply).await;
        }
        if let Some(reply) = self.config().refuse_port.clone() {
            return self.reply(reply).await;
        }
        match parse_port(arg) {
            Some(target) => self.accept_active(target).await,
            None => self.reply("501 Illegal PORT command.").await,
        }
    }

    pub(super) async fn eprt(&mut self, arg: &[u8]) -> io::Result<()> {
        if let Some(reply) = self.tls_required_on_data() {
            return self.reply(reply).await;
        }
        if let Some(reply) = self.config().refuse_eprt.clone() {
            return self.reply(reply).await;
        }
        match parse_eprt(arg) {
            // RFC 2428 section 2: 522 for a protocol other than the control connection's.
            Ok(target) if target.is_ipv4() != self.local.is_ipv4() => {
                let family = if self.local.is_ipv4() { "1" } else { "2" };
                self.reply(format!("522 Network protocol not supported, use ({family})")).await
            }
            Ok(target) => self.accept_active(target).await,
            Err(EprtError::Protocol) => self.reply("522 Network protocol not supported, use (1)").await,
            Err(EprtError::Syntax) => self.reply("501 Illegal EPRT command.").await,
        }
    }

    pub(super) async fn retr(&mut self, arg: &[u8]) -> io::Result<()> {
        let offset = std::mem::take(&mut self.rest);
        let Some((path, meta)) = self.regular_file(arg) else {
            return self.reply("550 Failed to open file.").await;
        };
        let Ok(file) = File::open(&path) else {
            return self.reply("550 Failed to open file.").await;
        };
        let offset = if self.config().ignore_rest { 0 } else { offset };
        let mut opening =
            format!("150 Opening {} mode data connection for ", if self.ascii { "ASCII" } else { "BINARY" })
                .into_bytes();
        opening.extend_from_slice(base_name(arg));
        opening.extend_from_slice(format!(" ({} bytes).", meta.len()).as_bytes());
        let limit = self.config().truncate_data;
        let payload = Payload::Send { file, offset, limit };
        self.transfer(&opening, payload).await
    }

    pub(super) async fn store(&mut self, arg: &[u8], append: bool) -> io::Result<()> {
        let offset = std::mem::take(&mut self.rest);
        let path = match self.resolve(arg) {
            Some(path) if !arg.is_empty() && !path.is_dir() => path,
            _ => return self.reply("553 Could not create file.").await,
        };
        let opened = if append {
            OpenOptions::new().append(true).create(true).open(&path)
        } else if offset > 0 {
            // REST STREAM before STOR (RFC 3659 section 5.5): overwrite from the offset on.
            OpenOptions::new().write(true).create(true).truncate(false).open(&path).and_then(|mut file| {
                if file.metadata()?.len() < offset {
                    return Err(io::Error::other("offset beyond the end of the file"));
                }
                file.set_len(offset)?;
                file.seek(SeekFrom::Start(offset))?;
                Ok(file)
            })
        } else {
            File::create(&path)
        };
        let Ok(file) = opened else {
            return self.reply("553 Could not create file.").await;
        };
        self.transfer(b"150 Ok to send data.", Payload::Receive(file)).await
    }

    pub(super) async fn list(&mut self, arg: &[u8], kind: ListKind) -> io::Result<()> {
        let Some(listing) = self.listing(arg, kind) else {
            return self.reply("550 No such file or directory.").await;
        };
        self.transfer(b"150 Here comes the directory listing.", Payload::Listing(listing)).await
    }

    /// Runs `fut` while still reading the control connection: ABOR interrupts it, anything else
    /// is queued and handled after it (RFC 959 section 4.1.3 allows only ABOR, STAT and QUIT here).
    async fn beside_control<F: Future>(&mut self, fut: F) -> io::Result<Result<F::Output, Interrupt>> {
        let mut fut = pin!(fut);
        loop {
            let line = tokio::select! {
                out = &mut fut => return Ok(Ok(out)),
                line = self.reader.next_line() => line?,
            };
            match line {
                None => return Ok(Err(Interrupt::Closed)),
                Some(line) if split_command(&line).0 == "ABOR" => {
                    return Ok(Err(Interrupt::Abort));
                }
                Some(line) => self.pending.push_back(line),
            }
        }
    }

    /// Opens the data connection for a transfer command (after `opening`, the 150 reply) and
    /// moves `payload`, answering 226, 425, 426 or 451.
    async fn transfer(&mut self, opening: &[u8], payload: Payload) -> io::Result<()> {
        let setup = std::mem::replace(&mut self.data, DataSetup::None);
        let data = match setup {
            DataSetup::None => return self.reply("425 Use PORT or PASV first.").await,
            DataSetup::PassiveClosed => {
                return self.reply("425 Failed to establish connection.").await;
            }
            DataSetup::Active(_) if self.config().active_fails_425 => {
                return self.reply("425 Failed to establish connection.").await;
            }
            DataSetup::Active(_) if self.config().never_connect_back.is_some() => {
                let after = self.config().never_connect_back.unwrap_or_default();
                self.reply(opening).await?;
                return match self.beside_control(tokio::time::sleep(after)).await? {
                    Ok(()) => self.reply("425 Failed to establish connection.").await,
                    Err(Interrupt::Abort) => self.aborted().await,
                    Err(Interrupt::Closed) => Ok(()),
                };
            }
            DataSetup::Active(target) => {
                self.reply(opening).await?;
                let connect = tokio::time::timeout(DATA_TIMEOUT, TcpStream::connect(target));
                match self.beside_control(connect).await? {
                    Ok(Ok(Ok(stream))) => stream,
                    Ok(_) => return self.reply("425 Failed to establish connection.").await,
                    Err(Interrupt::Abort) => return self.aborted().await,
                    Err(Interrupt::Closed) => return Ok(()),
                }
            }
            DataSetup::PassiveAccepted(stream, from) => {
                if from.ip() != self.peer.ip() {
                    return self.reply("425 Security: Bad IP connecting.").await;
                }
                self.reply(opening).await?;
                stream
            }
            DataSetup::Passive(listener) => {
                self.reply(opening).await?;
                let accept = tokio::time::timeout(DATA_TIMEOUT, listener.accept());
                match self.beside_control(accept).await? {
                    // Only the control connection's peer may take the data connection.
                    Ok(Ok(Ok((stream, from)))) if from.ip() == self.peer.ip() => stream,
                    Ok(Ok(Ok(_))) => return self.reply("425 Security: Bad IP connecting.").await,
                    Ok(_) => return self.reply("425 Failed to establish connection.").await,
                    Err(Interrupt::Abort) => return self.aborted().await,
                    Err(Interrupt::Closed) => return Ok(()),
                }
            }
        };
        let _ = data.set_nodelay(true);
        let file_transfer = !matches!(payload, Payload::Listing(_));
        // A listing neither plays nor uses up a fault: a mirror lists before it fetches.
        if file_transfer && let Some(fault) = self.shared.take_fault(|f| *f != Fault::Busy) {
            return self.faulty(data, payload, fault).await;
        }
        let data = match self.secure_data(data).await? {
            Ok(data) => data,
            Err(Refusal::Reply(reply)) => return self.reply(reply).await,
            Err(Refusal::Interrupted(Interrupt::Abort)) => return self.aborted().await,
            Err(Refusal::Interrupted(Interrupt::Closed)) => return Ok(()),
        };
        let throttle = match self.config().throttle_session {
            Some((n, rate)) if n == self.number => Some(rate),
            _ => self.config().throttle,
        };
        let pace = Pace::new(throttle);
        let ascii = self.ascii;
        let moved = match payload {
            Payload::Send { file, offset, limit } => {
                self.beside_control(send_file(data, file, offset, limit, ascii, pace)).await?
            }
            Payload::Receive(file) => self.beside_control(receive_file(data, file, ascii, pace)).await?,
            Payload::Listing(bytes) => match self.config().late_abort {
                Some(late) => {
                    // Not beside the control connection: ABOR is read after the listing's reply.
                    // The listing goes out again and again (at most 64 times) until the client
                    // stops reading: sent once, it could fit in the socket buffers before an
                    // active-mode client has even accepted the connection, and the final reply
                    // would come before the client read any of it.
                    let _ = send_bytes(data, &bytes, pace, 64).await;
                    return self.reply(late.transfer).await;
                }
                None => self.beside_control(send_bytes(data, &bytes, pace, 1)).await?,
            },
        };
        match moved {
            Ok(Ok(())) => self.reply("226 Transfer complete.").await,
            Ok(Err(TransferError::Network)) => self.reply("426 Connection closed; transfer aborted.").await,
            Ok(Err(TransferError::Local)) => self.reply("451 Local error in processing.").await,
            Err(Interrupt::Abort) => self.aborted().await,
            Err(Interrupt::Closed) => Ok(()),
        }
    }

    /// Under `PROT P`, the TLS handshake on a data connection just made, as the TLS server
    /// (RFC 4217, active modes included), and vsftpd's `require_ssl_reuse` check: a
    /// handshake that resumed no session of this server gets 522 and the connection is dropped.
    async fn secure_data(&mut self, tcp: TcpStream) -> io::Result<Result<Conn, Refusal>> {
        let tls = match &self.shared.tls {
            Some(tls) if self.prot_private => tls,
            _ => return Ok(Ok(Conn::Plain(tcp))),
        };
        let spent = self.config().data_resumes_per_login.is_some_and(|n| self.data_handshakes >= n);
        self.data_handshakes += 1;
        let acceptor = if spent { &tls.fresh } else { &tls.data };
        let accept = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp));
        let stream = match self.beside_control(accept).await? {
            Ok(Ok(Ok(stream))) => stream,
            Ok(_) => return Ok(Err(Refusal::Reply("522 SSL connection failed."))),
            Err(interrupt) => return Ok(Err(Refusal::Interrupted(interrupt))),
        };
        let resumed = self.shared.tls.as_ref().is_some_and(|tls| tls.record(&stream));
        if !resumed && self.config().require_session_reuse {
            drop(stream);
            return Ok(Err(Refusal::Reply("522 SSL connection failed: session reuse required")));
        }
        Ok(Ok(Conn::Tls(Box::new(stream))))
    }

    /// Plays a transfer [`Fault`] (plain data connections only). An `Err` ends the session, which
    /// closes the control connection without a reply.
    async fn faulty(&mut self, mut data: TcpStream, payload: Payload, fault: Fault) -> io::Result<()> {
        let cut = match fault {
            Fault::ResetAt(n) | Fault::StallAt(n) => n,
            _ => u64::MAX,
        };
        let mut moved = 0u64;
        let mut buf = vec![0u8; DATA_BUFFER];
        match payload {
            Payload::Send { mut file, offset, .. } => {
                file.seek(SeekFrom::Start(offset))?;
                while moved < cut {
                    let want = buf.len().min(usize::try_from(cut - moved).unwrap_or(usize::MAX));
                    let n = file.read(&mut buf[..want])?;
                    if n == 0 {
                        break;
                    }
                    data.write_all(&buf[..n]).await?;
                    moved += n as u64;
                }
            }
            Payload::Receive(mut file) => {
                while moved < cut {
                    let want = buf.len().min(usize::try_from(cut - moved).unwrap_or(usize::MAX));
                    let n = data.read(&mut buf[..want]).await?;
                    if n == 0 {
                        break;
                    }
                    file.write_all(&buf[..n])?;
                    moved += n as u64;
                }
                file.flush()?;
            }
            Payload::Listing(_) => unreachable!("listings are spared"),
        }
        match fault {
            Fault::ResetAt(_) => {
                // Time for the client to read what was sent: a reset discards unread data.
                tokio::time::sleep(Duration::from_millis(300)).await;
                socket2::SockRef::from(&data).set_linger(Some(Duration::ZERO))?;
                drop(data);
                self.reply("426 Connection closed; transfer aborted.").await
            }
            Fault::CloseAfterData => {
                let _ = data.shutdown().await;
                drop(data);
                Err(io::Error::other("fault: the control connection closes after the data"))
            }
            Fault::SilentAfterData | Fault::StallAt(_) => {
                if fault == Fault::SilentAfterData {
                    let _ = data.shutdown().await;
                    drop(data);
                    tokio::time::sleep(Duration::from_secs(60)).await;
                } else {
                    // Hold the data connection open with nothing on it.
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    drop(data);
                }
                Err(io::Error::other("fault: silence"))
            }
            Fault::Busy => unreachable!("taken at connect"),
        }
    }

    /// RFC 959 section 4.1.3 (ABOR): 426 for the interrupted transfer, then 226 for the ABOR.
    async fn aborted(&mut self) -> io::Result<()> {
        self.reply("426 Connection closed; transfer aborted.\r\n226 Abort successful.").await
    }
}

/// Keeps a transfer at or under `bytes_per_sec` by sleeping until the schedule catches up.
struct Pace {
    bytes_per_sec: Option<u64>,
    start: Instant,
    done: u64,
}

impl Pace {
    fn new(bytes_per_sec: Option<u64>) -> Self {
        Pace { bytes_per_sec, start: Instant::now(), done: 0 }
    }

    /// The most to move in one step: a twentieth of a second's worth when throttled.
    fn chunk(&self) -> usize {
        match self.bytes_per_sec {
            Some(rate) => ((rate / 20) as usize).clamp(1, DATA_BUFFER),
            None => DATA_BUFFER,
        }
    }

    async fn moved(&mut self, bytes: usize) {
        self.done += bytes as u64;
        if let Some(rate) = self.bytes_per_sec {
            let due = self.start + Duration::from_secs_f64(self.done as f64 / rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

/// Reads the file from `offset` (blocking reads: these are small local files) and sends at most
/// `limit` bytes of it; in ASCII mode a bare LF goes out as CRLF (RFC 959 section 3.1.1.1).
async fn send_file(
    mut data: Conn,
    mut file: File,
    offset: u64,
    limit: Option<u64>,
    ascii: bool,
    mut pace: Pace,
) -> Result<(), TransferError> {
    file.seek(SeekFrom::Start(offset)).map_err(TransferError::local)?;
    let mut left = limit.unwrap_or(u64::MAX);
    let mut buf = vec![0u8; pace.chunk()];
    let mut last_was_cr = false;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = file.read(&mut buf[..want]).map_err(TransferError::local)?;
        if n == 0 {
            break;
        }
        left -= n as u64;
        let chunk = &buf[..n];
        let written = if ascii {
            let converted = to_crlf(chunk, &mut last_was_cr);
            data.write_all(&converted).await
        } else {
            data.write_all(chunk).await
        };
        written.map_err(TransferError::network)?;
        pace.moved(n).await;
    }
    data.shutdown().await.map_err(TransferError::network)
}

/// Sends `bytes` `times` times over, then closes the data connection.
async fn send_bytes(mut data: Conn, bytes: &[u8], mut pace: Pace, times: usize) -> Result<(), TransferError> {
    for _ in 0..times {
        for chunk in bytes.chunks(pace.chunk()) {
            data.write_all(chunk).await.map_err(TransferError::network)?;
            pace.moved(chunk.len()).await;
        }
    }
    data.shutdown().await.map_err(TransferError::network)
}

/// Receives until the client closes the data connection; in ASCII mode CRLF is stored as LF.
/// Under TLS the client's close_notify ends the data, and ours answers it.
async fn receive_file(mut data: Conn, mut file: File, ascii: bool, mut pace: Pace) -> Result<(), TransferError> {
    let mut buf = vec![0u8; pace.chunk()];
    let mut held_cr = false;
    loop {
        let n = data.read(&mut buf).await.map_err(TransferError::network)?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if ascii {
            let converted = from_crlf(chunk, &mut held_cr);
            file.write_all(&converted)
        } else {
            file.write_all(chunk)
        }
        .map_err(TransferError::local)?;
        pace.moved(n).await;
    }
    if held_cr {
        file.write_all(b"\r").map_err(TransferError::local)?;
    }
    // Every byte is in; a client gone already is no failure of the transfer.
    let _ = data.shutdown().await;
    file.flush().map_err(TransferError::local)
}

/// LF to CRLF, leaving existing CRLF pairs alone; `last_was_cr` carries across chunks.
fn to_crlf(chunk: &[u8], last_was_cr: &mut bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(chunk.len() + chunk.len() / 16);
    for &byte in chunk {
        if byte == b'\n' && !*last_was_cr {
            out.push(b'\r');
        }
        out.push(byte);
        *last_was_cr = byte == b'\r';
    }
    out
}

/// CRLF to LF; a CR at the end of a chunk is held until the next byte is known.
fn from_crlf(chunk: &[u8], held_cr: &mut bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(chunk.len());
    for &byte in chunk {
        if *held_cr && byte != b'\n' {
            out.push(b'\r');
        }
        *held_cr = byte == b'\r';
        if !*held_cr {
            out.push(byte);
        }
    }
    out
}

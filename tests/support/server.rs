//! An in-process FTP server for integration tests: RFC 959 with the RFC 2428 (EPSV, EPRT) and
//! RFC 3659 (SIZE, MDTM, REST STREAM, MLSD, MLST) extensions, serving a real directory.
//!
//! It owns one thing: answering one or more FTP clients on 127.0.0.1 the way a well-behaved server
//! does, unless a behaviour switch on [`ServerConfig`] tells it to imitate a particular real server or
//! failure. It does not script exact bytes (that is `script.rs`) and knows nothing about ftpx.
//!
//! The server runs on its own thread with its own tokio runtime, so blocking tests can drive the
//! ftpx binary, or a raw `std::net::TcpStream`, against it. Every command line it receives is
//! recorded, in order and across sessions, for [`TestServer::commands`]. Dropping the
//! [`TestServer`] stops it and closes every connection.
//!
//! Paths are bytes: the argument of a command is joined to the session's working directory as raw
//! bytes, normalised so that `..` never climbs above the served root, and a path that reaches
//! outside the root through a symbolic link is refused. File names that are not UTF-8 are listed and
//! transferred exactly.

mod listing;

use std::collections::{HashMap, VecDeque};
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::future::Future;
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use tempfile::TempDir;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

pub use listing::Utc;

/// Size of the buffers used to move file data: large, so 1 MiB tests take a few round trips.
const DATA_BUFFER: usize = 256 * 1024;

/// How long the server waits for a data connection (passive accept or active connect).
const DATA_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest control line accepted; a client that sends more without a line end is cut off.
const MAX_LINE: usize = 64 * 1024;

/// What the server serves, and which real server or failure it imitates.
///
/// Built with chained methods from [`ServerConfig::new`]; everything off means a well-behaved
/// server that allows anonymous login and offers every feature.
#[derive(Debug)]
pub struct ServerConfig {
    root: Option<Root>,
    users: HashMap<String, String>,
    anonymous: bool,
    banner: String,
    feat: bool,
    epsv: bool,
    mlsd: bool,
    size: bool,
    mdtm: bool,
    rest: bool,
    utf8: bool,
    refuse_pasv: bool,
    refuse_eprt: Option<String>,
    refuse_port: Option<String>,
    pasv_advertise: Option<Ipv4Addr>,
    passive_closed_port: bool,
    never_connect_back: Option<Duration>,
    active_fails_425: bool,
    ignore_rest: bool,
    truncate_data: Option<u64>,
    throttle: Option<u64>,
    passive_ports: Option<(u16, u16)>,
}

#[derive(Debug)]
enum Root {
    Owned(TempDir),
    Borrowed(PathBuf),
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            root: None,
            users: HashMap::new(),
            anonymous: true,
            banner: "ftpx test server ready.".to_owned(),
            feat: true,
            epsv: true,
            mlsd: true,
            size: true,
            mdtm: true,
            rest: true,
            utf8: true,
            refuse_pasv: false,
            refuse_eprt: None,
            refuse_port: None,
            pasv_advertise: None,
            passive_closed_port: false,
            never_connect_back: None,
            active_fails_425: false,
            ignore_rest: false,
            truncate_data: None,
            throttle: None,
            passive_ports: None,
        }
    }
}

impl ServerConfig {
    pub fn new() -> Self {
        Self::default()
    }

    /// Serve this temporary directory (the server keeps it alive); by default it makes its own.
    pub fn serve_dir(mut self, dir: TempDir) -> Self {
        self.root = Some(Root::Owned(dir));
        self
    }

    /// Serve a directory the test owns and keeps alive.
    pub fn serve_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.root = Some(Root::Borrowed(path.into()));
        self
    }

    /// Accept this user name with this password.
    pub fn user(mut self, name: &str, password: &str) -> Self {
        self.users.insert(name.to_owned(), password.to_owned());
        self
    }

    /// Refuse `anonymous` and `ftp` logins, like vsftpd with `anonymous_enable=NO`.
    pub fn no_anonymous(mut self) -> Self {
        self.anonymous = false;
        self
    }

    /// The text of the 220 greeting.
    pub fn banner(mut self, text: &str) -> Self {
        self.banner = text.to_owned();
        self
    }

    /// No FEAT command at all (`500`), like pre-RFC 2389 servers (old wu-ftpd, some embedded ones).
    pub fn no_feat(mut self) -> Self {
        self.feat = false;
        self
    }

    /// No EPSV (`502`, not in FEAT), like IPv4-only servers that predate RFC 2428.
    pub fn no_epsv(mut self) -> Self {
        self.epsv = false;
        self
    }

    /// No MLSD/MLST (`500`, not in FEAT), like vsftpd, which never implemented RFC 3659 listings.
    pub fn no_mlsd(mut self) -> Self {
        self.mlsd = false;
        self
    }

    /// No SIZE (`500`, not in FEAT), like minimal embedded servers (printers, cameras).
    pub fn no_size(mut self) -> Self {
        self.size = false;
        self
    }

    /// No MDTM (`500`, not in FEAT), like minimal embedded servers.
    pub fn no_mdtm(mut self) -> Self {
        self.mdtm = false;
        self
    }

    /// No REST (`502`, no `REST STREAM` in FEAT): servers that cannot resume.
    pub fn no_rest(mut self) -> Self {
        self.rest = false;
        self
    }

    /// No `UTF8` in FEAT and `OPTS UTF8 ON` refused, like servers that only know bytes.
    pub fn no_utf8(mut self) -> Self {
        self.utf8 = false;
        self
    }

    /// PASV answered `550 Permission denied.`, like vsftpd with `pasv_enable=NO`.
    pub fn refuse_pasv(mut self) -> Self {
        self.refuse_pasv = true;
        self
    }

    /// EPRT answered with this reply line, like servers or NAT helpers that only know PORT
    /// (e.g. `500 Unknown command.` or `522 Network protocol not supported, use (1)`).
    pub fn refuse_eprt(mut self, reply: &str) -> Self {
        self.refuse_eprt = Some(reply.to_owned());
        self
    }

    /// PORT answered with this reply line, like vsftpd with `port_enable=NO`
    /// (`500 Illegal PORT command.`) or pure-ftpd refusing a foreign address
    /// (`500 I won't open a connection to 10.99.0.2 (only to 198.51.100.1)`).
    pub fn refuse_port(mut self, reply: &str) -> Self {
        self.refuse_port = Some(reply.to_owned());
        self
    }

    /// The 227 reply names this address while the listener is on 127.0.0.1, like a server behind
    /// NAT that advertises its private address (or a hostile one steering the client: CVE-2020-8284).
    pub fn pasv_advertise(mut self, addr: Ipv4Addr) -> Self {
        self.pasv_advertise = Some(addr);
        self
    }

    /// EPSV and PASV name a port where nothing listens, like a firewall in front of the server that
    /// rejects its passive port range: the client's connect is refused.
    pub fn passive_closed_port(mut self) -> Self {
        self.passive_closed_port = true;
        self
    }

    /// PORT and EPRT are accepted with 200, the transfer command gets 150, no connection is ever
    /// made, and `after` that a 425 follows: a client firewall that silently drops the server's SYN.
    pub fn never_connect_back(mut self, after: Duration) -> Self {
        self.never_connect_back = Some(after);
        self
    }

    /// Transfer commands after PORT/EPRT answered `425 Failed to establish connection.` at once:
    /// a client firewall that rejects the server's connection (RST or ICMP unreachable).
    pub fn active_fails_425(mut self) -> Self {
        self.active_fails_425 = true;
        self
    }

    /// REST answered 350, but RETR sends from offset 0 anyway, like some embedded servers.
    pub fn ignore_rest(mut self) -> Self {
        self.ignore_rest = true;
        self
    }

    /// RETR sends only the first `bytes` bytes and still replies 226, like a server whose disk read
    /// fails mid-file or a middlebox that cuts the data connection cleanly.
    pub fn truncate_data(mut self, bytes: u64) -> Self {
        self.truncate_data = Some(bytes);
        self
    }

    /// Data connections (both directions, listings included) move at most this many bytes per
    /// second: a slow link, for progress, timeout and abort tests.
    pub fn throttle(mut self, bytes_per_sec: u64) -> Self {
        self.throttle = Some(bytes_per_sec.max(1));
        self
    }

    /// Passive listeners use a port in `lo..=hi`, like `pasv_min_port`/`pasv_max_port` in vsftpd.
    pub fn passive_ports(mut self, lo: u16, hi: u16) -> Self {
        self.passive_ports = Some((lo, hi));
        self
    }
}

/// A running server; stops on drop.
pub struct TestServer {
    addr: SocketAddr,
    root: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
    // Declared last so the directory outlives the server thread that serves it.
    _dir: Option<TempDir>,
}

impl TestServer {
    /// Binds 127.0.0.1:0 and starts serving; panics if that fails (this is test support).
    pub fn start(mut config: ServerConfig) -> TestServer {
        let (dir, root) = match config.root.take() {
            Some(Root::Owned(dir)) => {
                let path = dir.path().to_path_buf();
                (Some(dir), path)
            }
            Some(Root::Borrowed(path)) => (None, path),
            None => {
                let dir = tempfile::tempdir().expect("create the served directory");
                let path = dir.path().to_path_buf();
                (Some(dir), path)
            }
        };
        let root = root
            .canonicalize()
            .expect("canonicalize the served directory");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("set the listener non-blocking");
        let addr = listener.local_addr().expect("listener address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new(Shared {
            config,
            root: root.clone(),
            log: log.clone(),
        });
        let (shutdown, stop) = oneshot::channel();
        let thread = thread::Builder::new()
            .name(format!("ftp-server-{}", addr.port()))
            .spawn(move || serve(listener, shared, stop))
            .expect("spawn the server thread");
        TestServer {
            addr,
            root,
            log,
            shutdown: Some(shutdown),
            thread: Some(thread),
            _dir: dir,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The served directory: `/` for every client.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `ftp://127.0.0.1:PORT/path`; `path` is used as given, so percent-encode it yourself.
    pub fn url(&self, path: &str) -> String {
        format!("ftp://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// `ftp://user:password@127.0.0.1:PORT/path`.
    pub fn url_as(&self, user: &str, password: &str, path: &str) -> String {
        format!(
            "ftp://{user}:{password}@{}/{}",
            self.addr,
            path.trim_start_matches('/')
        )
    }

    /// Every command line received so far, in order, across all sessions, without the line end
    /// (bytes that are not UTF-8 shown as U+FFFD). PASS lines are recorded as sent.
    pub fn commands(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The command verbs received so far (`RETR`, `EPSV`, ...), upper-cased.
    pub fn verbs(&self) -> Vec<String> {
        self.commands()
            .iter()
            .map(|line| line.split(' ').next().unwrap_or("").to_ascii_uppercase())
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What every session of one server shares.
struct Shared {
    config: ServerConfig,
    root: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

/// The server thread: accept until told to stop, then drop the runtime, which cancels every session
/// task and so closes its sockets.
fn serve(listener: std::net::TcpListener, shared: Arc<Shared>, mut stop: oneshot::Receiver<()>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build the server runtime");
    runtime.block_on(async move {
        let listener = TcpListener::from_std(listener).expect("register the listener");
        loop {
            tokio::select! {
                _ = &mut stop => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        tokio::spawn(Session::run(shared.clone(), stream, peer));
                    }
                    // Out of descriptors or an aborted handshake: keep serving.
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                },
            }
        }
    });
    drop(runtime);
}

/// Reads control lines; cancel-safe, so a transfer can race it against the data connection.
struct LineReader {
    half: OwnedReadHalf,
    buf: Vec<u8>,
    log: Arc<Mutex<Vec<String>>>,
}

impl LineReader {
    /// The next line without its line end (CRLF, or a bare LF from sloppy clients), with Telnet
    /// commands removed; `None` when the client closed the connection.
    async fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let mut raw: Vec<u8> = self.buf.drain(..=end).collect();
                raw.pop();
                if raw.last() == Some(&b'\r') {
                    raw.pop();
                }
                let line = strip_telnet(&raw);
                let shown = String::from_utf8_lossy(&line).into_owned();
                self.log.lock().unwrap().push(shown);
                return Ok(Some(line));
            }
            if self.buf.len() > MAX_LINE {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
            }
            let mut chunk = [0u8; 4096];
            // `read` is cancel-safe: bytes are only taken into `buf` once it has completed.
            let n = self.half.read(&mut chunk).await?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// RFC 959 section 4.1.3: the control connection is a Telnet stream. IAC IAC is a literal 0xFF;
/// IAC followed by any other byte (IP, DM, ... as clients send before ABOR) is dropped. Option
/// negotiation (three bytes) is not expected from FTP clients and is not handled.
fn strip_telnet(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().copied();
    while let Some(byte) = bytes.next() {
        if byte == 0xFF {
            if let Some(0xFF) = bytes.next() {
                out.push(0xFF);
            }
        } else {
            out.push(byte);
        }
    }
    out
}

/// How the next transfer command gets its data connection.
enum DataSetup {
    None,
    Passive(TcpListener),
    /// `passive_closed_port`: the advertised port has no listener.
    PassiveClosed,
    Active(SocketAddr),
}

/// Why a transfer stopped before its future completed.
enum Interrupt {
    Abort,
    Closed,
}

enum TransferError {
    Network(io::Error),
    Local(io::Error),
}

/// What a transfer command moves.
enum Payload {
    Send {
        file: File,
        offset: u64,
        limit: Option<u64>,
    },
    Receive(File),
    Listing(Vec<u8>),
}

/// One control connection.
struct Session {
    shared: Arc<Shared>,
    reader: LineReader,
    writer: OwnedWriteHalf,
    peer: SocketAddr,
    local: SocketAddr,
    pending: VecDeque<Vec<u8>>,
    user: Option<String>,
    logged_in: bool,
    /// The working directory as path components below the root.
    cwd: Vec<Vec<u8>>,
    ascii: bool,
    rest: u64,
    rename_from: Option<PathBuf>,
    data: DataSetup,
    epsv_all: bool,
}

impl Session {
    async fn run(shared: Arc<Shared>, stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let Ok(local) = stream.local_addr() else {
            return;
        };
        let (read, writer) = stream.into_split();
        let mut session = Session {
            reader: LineReader {
                half: read,
                buf: Vec::new(),
                log: shared.log.clone(),
            },
            shared,
            writer,
            peer,
            local,
            pending: VecDeque::new(),
            user: None,
            logged_in: false,
            cwd: Vec::new(),
            ascii: false,
            rest: 0,
            rename_from: None,
            data: DataSetup::None,
            epsv_all: false,
        };
        // An I/O error on the control connection ends the session; there is no one left to tell.
        let _ = session.serve().await;
    }

    fn config(&self) -> &ServerConfig {
        &self.shared.config
    }

    async fn serve(&mut self) -> io::Result<()> {
        let banner = format!("220 {}", self.config().banner);
        self.reply(banner).await?;
        loop {
            let line = match self.pending.pop_front() {
                Some(line) => line,
                None => match self.reader.next_line().await? {
                    Some(line) => line,
                    None => return Ok(()),
                },
            };
            if !self.command(&line).await? {
                return Ok(());
            }
        }
    }

    /// Writes one reply; `text` may hold inner CRLFs for a multi-line reply.
    async fn reply(&mut self, text: impl AsRef<[u8]>) -> io::Result<()> {
        let mut bytes = text.as_ref().to_vec();
        bytes.extend_from_slice(b"\r\n");
        self.writer.write_all(&bytes).await
    }

    /// Handles one command line; `Ok(false)` ends the session.
    async fn command(&mut self, line: &[u8]) -> io::Result<bool> {
        let (verb, arg) = split_command(line);
        let before_login = matches!(
            verb.as_str(),
            "USER" | "PASS" | "QUIT" | "FEAT" | "OPTS" | "NOOP" | "HELP" | "AUTH" | "SYST"
        );
        if !self.logged_in && !before_login {
            self.reply("530 Please login with USER and PASS.").await?;
            return Ok(true);
        }
        match verb.as_str() {
            "USER" => self.user(arg).await?,
            "PASS" => self.pass(arg).await?,
            "ACCT" => self.reply("202 ACCT command superfluous.").await?,
            "QUIT" => {
                self.reply("221 Goodbye.").await?;
                return Ok(false);
            }
            "SYST" => self.reply("215 UNIX Type: L8").await?,
            "FEAT" => self.feat().await?,
            "OPTS" => self.opts(arg).await?,
            "HELP" => self.help().await?,
            "NOOP" => self.reply("200 NOOP ok.").await?,
            "AUTH" => self.reply("502 TLS is not offered here.").await?,
            "TYPE" => self.type_(arg).await?,
            "MODE" => match arg.to_ascii_uppercase().as_slice() {
                b"S" => self.reply("200 Mode set to S.").await?,
                _ => self.reply("504 Bad MODE command.").await?,
            },
            "STRU" => match arg.to_ascii_uppercase().as_slice() {
                b"F" => self.reply("200 Structure set to F.").await?,
                _ => self.reply("504 Bad STRU command.").await?,
            },
            "PWD" | "XPWD" => {
                let path = virtual_string(&self.cwd);
                let mut text = b"257 \"".to_vec();
                text.extend_from_slice(&quote_path(&path));
                text.extend_from_slice(b"\" is the current directory");
                self.reply(text).await?;
            }
            "CWD" | "XCWD" => self.cwd(arg).await?,
            "CDUP" | "XCUP" => self.cwd(b"..").await?,
            "MKD" | "XMKD" => self.mkd(arg).await?,
            "RMD" | "XRMD" => {
                self.simple(arg, |p| fs::remove_dir(p), "Remove directory")
                    .await?
            }
            "DELE" => self.simple(arg, |p| fs::remove_file(p), "Delete").await?,
            "RNFR" => self.rnfr(arg).await?,
            "RNTO" => self.rnto(arg).await?,
            "SIZE" if self.config().size => self.size(arg).await?,
            "MDTM" if self.config().mdtm => self.mdtm(arg).await?,
            "REST" if self.config().rest => self.rest(arg).await?,
            "REST" => self.reply("502 REST not implemented.").await?,
            "STAT" => self.stat(arg).await?,
            "SITE" => self.site(arg).await?,
            "ABOR" => self.reply("225 No transfer to ABOR.").await?,
            "PASV" => self.pasv().await?,
            "EPSV" if self.config().epsv => self.epsv(arg).await?,
            "EPSV" => self.reply("502 EPSV not implemented.").await?,
            "PORT" => self.port(arg).await?,
            "EPRT" => self.eprt(arg).await?,
            "RETR" => self.retr(arg).await?,
            "STOR" => self.store(arg, false).await?,
            "APPE" => self.store(arg, true).await?,
            "LIST" => self.list(arg, ListKind::Long).await?,
            "NLST" => self.list(arg, ListKind::Names).await?,
            "MLSD" if self.config().mlsd => self.list(arg, ListKind::Machine).await?,
            "MLST" if self.config().mlsd => self.mlst(arg).await?,
            _ => self.reply("500 Unknown command.").await?,
        }
        Ok(true)
    }

    async fn user(&mut self, arg: &[u8]) -> io::Result<()> {
        if self.logged_in {
            return self.reply("530 Can't change to another user.").await;
        }
        // Unknown users get 331 too, so the reply does not reveal which names exist.
        self.user = Some(String::from_utf8_lossy(arg).into_owned());
        self.reply("331 Please specify the password.").await
    }

    async fn pass(&mut self, arg: &[u8]) -> io::Result<()> {
        if self.logged_in {
            return self.reply("230 Already logged in.").await;
        }
        let Some(user) = self.user.take() else {
            return self.reply("503 Login with USER first.").await;
        };
        let config = self.config();
        let anonymous = config.anonymous && (user == "anonymous" || user == "ftp");
        let known = config
            .users
            .get(&user)
            .is_some_and(|password| password.as_bytes() == arg);
        if anonymous || known {
            self.logged_in = true;
            self.reply("230 Login successful.").await
        } else {
            self.reply("530 Login incorrect.").await
        }
    }

    async fn feat(&mut self) -> io::Result<()> {
        let config = self.config();
        if !config.feat {
            return self.reply("500 Unknown command.").await;
        }
        let mut text = String::from("211-Features:\r\n");
        let mut feature = |on: bool, name: &str| {
            if on {
                text.push(' ');
                text.push_str(name);
                text.push_str("\r\n");
            }
        };
        feature(config.refuse_eprt.is_none(), "EPRT");
        feature(config.epsv, "EPSV");
        feature(config.mdtm, "MDTM");
        feature(config.mlsd, "MLST type*;size*;modify*;perm*;UNIX.mode*;");
        feature(!config.refuse_pasv, "PASV");
        feature(config.rest, "REST STREAM");
        feature(config.size, "SIZE");
        feature(true, "TVFS");
        feature(config.utf8, "UTF8");
        text.push_str("211 End");
        self.reply(text).await
    }

    async fn opts(&mut self, arg: &[u8]) -> io::Result<()> {
        let arg = arg.to_ascii_uppercase();
        if arg == b"UTF8 ON" || arg == b"UTF8" {
            if self.config().utf8 {
                self.reply("200 Always in UTF8 mode.").await
            } else {
                self.reply("501 Option not understood.").await
            }
        } else if arg.starts_with(b"MLST") && self.config().mlsd {
            self.reply("200 MLST OPTS type;size;modify;perm;UNIX.mode;")
                .await
        } else {
            self.reply("501 Option not understood.").await
        }
    }

    async fn help(&mut self) -> io::Result<()> {
        self.reply(
            "214-The following commands are recognized.\r\n \
             ABOR ACCT APPE CDUP CWD DELE EPRT EPSV FEAT HELP LIST MDTM MKD MLSD MLST MODE NLST\r\n \
             NOOP OPTS PASS PASV PORT PWD QUIT REST RETR RMD RNFR RNTO SITE SIZE STAT STOR STRU\r\n \
             SYST TYPE USER\r\n\
             214 Help OK.",
        )
        .await
    }

    async fn type_(&mut self, arg: &[u8]) -> io::Result<()> {
        match arg.to_ascii_uppercase().as_slice() {
            b"A" | b"A N" => {
                self.ascii = true;
                self.reply("200 Switching to ASCII mode.").await
            }
            b"I" | b"L 8" => {
                self.ascii = false;
                self.reply("200 Switching to Binary mode.").await
            }
            _ => self.reply("504 Bad TYPE command.").await,
        }
    }

    /// The components of `arg` taken relative to the working directory (or to the root when it
    /// starts with `/`), with `.` and `..` resolved; `..` at the root stays at the root.
    fn components(&self, arg: &[u8]) -> Vec<Vec<u8>> {
        let mut parts = if arg.starts_with(b"/") {
            Vec::new()
        } else {
            self.cwd.clone()
        };
        for part in arg.split(|&b| b == b'/') {
            match part {
                b"" | b"." => {}
                b".." => {
                    parts.pop();
                }
                name => parts.push(name.to_vec()),
            }
        }
        parts
    }

    fn real_path(&self, parts: &[Vec<u8>]) -> Option<PathBuf> {
        let root = &self.shared.root;
        let mut path = root.clone();
        for part in parts {
            path.push(OsStr::from_bytes(part));
        }
        // A symbolic link inside the root must not lead outside it: the deepest existing ancestor
        // has to resolve to somewhere below the root.
        let mut probe = path.as_path();
        loop {
            if let Ok(real) = probe.canonicalize() {
                return real.starts_with(root).then_some(path);
            }
            probe = probe.parent()?;
        }
    }

    /// The real path for a command argument, or `None` when it would leave the root.
    fn resolve(&self, arg: &[u8]) -> Option<PathBuf> {
        self.real_path(&self.components(arg))
    }

    async fn cwd(&mut self, arg: &[u8]) -> io::Result<()> {
        let parts = self.components(arg);
        match self.real_path(&parts) {
            Some(path) if path.is_dir() => {
                self.cwd = parts;
                self.reply("250 Directory successfully changed.").await
            }
            _ => self.reply("550 Failed to change directory.").await,
        }
    }

    async fn mkd(&mut self, arg: &[u8]) -> io::Result<()> {
        let parts = self.components(arg);
        let created = match self.real_path(&parts) {
            Some(path) if !arg.is_empty() => fs::create_dir(path).is_ok(),
            _ => false,
        };
        if created {
            let mut text = b"257 \"".to_vec();
            text.extend_from_slice(&quote_path(&virtual_string(&parts)));
            text.extend_from_slice(b"\" created");
            self.reply(text).await
        } else {
            self.reply("550 Create directory operation failed.").await
        }
    }

    /// A command that is one file-system call on one path, answered 250 or 550.
    async fn simple(
        &mut self,
        arg: &[u8],
        operation: fn(&Path) -> io::Result<()>,
        what: &str,
    ) -> io::Result<()> {
        let done = match self.resolve(arg) {
            // Never remove the served root itself.
            Some(path) if path != self.shared.root => operation(&path).is_ok(),
            _ => false,
        };
        if done {
            self.reply(format!("250 {what} operation successful."))
                .await
        } else {
            self.reply(format!("550 {what} operation failed.")).await
        }
    }

    async fn rnfr(&mut self, arg: &[u8]) -> io::Result<()> {
        match self.resolve(arg) {
            Some(path) if path != self.shared.root && fs::symlink_metadata(&path).is_ok() => {
                self.rename_from = Some(path);
                self.reply("350 Ready for RNTO.").await
            }
            _ => self.reply("550 RNFR command failed.").await,
        }
    }

    async fn rnto(&mut self, arg: &[u8]) -> io::Result<()> {
        let Some(from) = self.rename_from.take() else {
            return self.reply("503 RNFR required first.").await;
        };
        let renamed = match self.resolve(arg) {
            Some(to) if to != self.shared.root => fs::rename(from, to).is_ok(),
            _ => false,
        };
        if renamed {
            self.reply("250 Rename successful.").await
        } else {
            self.reply("550 Rename failed.").await
        }
    }

    fn regular_file(&self, arg: &[u8]) -> Option<(PathBuf, fs::Metadata)> {
        let path = self.resolve(arg)?;
        let meta = fs::metadata(&path).ok()?;
        meta.is_file().then_some((path, meta))
    }

    async fn size(&mut self, arg: &[u8]) -> io::Result<()> {
        // RFC 3659 section 4: the size is that of the transfer in the current TYPE; the served
        // files are taken as already in the server's line convention, as vsftpd does.
        match self.regular_file(arg) {
            Some((_, meta)) => self.reply(format!("213 {}", meta.len())).await,
            None => self.reply("550 Could not get file size.").await,
        }
    }

    async fn mdtm(&mut self, arg: &[u8]) -> io::Result<()> {
        match self.regular_file(arg) {
            Some((_, meta)) => {
                let time = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                let stamp = Utc::from_system_time(time).time_val();
                self.reply(format!("213 {stamp}")).await
            }
            None => {
                self.reply("550 Could not get file modification time.")
                    .await
            }
        }
    }

    async fn rest(&mut self, arg: &[u8]) -> io::Result<()> {
        match std::str::from_utf8(arg)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
        {
            Some(offset) => {
                self.rest = offset;
                self.reply(format!("350 Restart position accepted ({offset})."))
                    .await
            }
            None => {
                self.reply("501 REST requires a value greater than or equal to 0.")
                    .await
            }
        }
    }

    async fn stat(&mut self, arg: &[u8]) -> io::Result<()> {
        if arg.is_empty() {
            let user = self.user_name();
            let mode = if self.ascii { "ASCII" } else { "BINARY" };
            let text = format!(
                "211-FTP server status:\r\n Connected to {}\r\n Logged in as {user}\r\n \
                 TYPE: {mode}\r\n211 End of status",
                self.peer.ip()
            );
            return self.reply(text).await;
        }
        let Some(listing) = self.listing(arg, ListKind::Long) else {
            return self.reply("550 No such file or directory.").await;
        };
        // Listing lines start with the mode letter, never a digit, so they cannot end the reply.
        let mut text = b"213-Status follows:\r\n".to_vec();
        text.extend_from_slice(&listing);
        text.extend_from_slice(b"213 End of status");
        self.reply(text).await
    }

    fn user_name(&self) -> String {
        self.user.clone().unwrap_or_else(|| "anonymous".to_owned())
    }

    async fn site(&mut self, arg: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(arg).into_owned();
        let mut words = text.splitn(3, ' ');
        let sub = words.next().unwrap_or("").to_ascii_uppercase();
        match sub.as_str() {
            "CHMOD" => {
                let mode = words.next().and_then(|m| u32::from_str_radix(m, 8).ok());
                let target = arg.splitn(3, |&b| b == b' ').nth(2);
                let changed = match (mode, target.and_then(|t| self.resolve(t))) {
                    (Some(mode), Some(path)) if mode <= 0o7777 => {
                        fs::set_permissions(path, fs::Permissions::from_mode(mode)).is_ok()
                    }
                    _ => false,
                };
                if changed {
                    self.reply("200 SITE CHMOD command ok.").await
                } else {
                    self.reply("550 SITE CHMOD command failed.").await
                }
            }
            "HELP" => self.reply("214 CHMOD HELP").await,
            _ => self.reply("500 Unknown SITE command.").await,
        }
    }

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
                Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    "passive range exhausted",
                ))
            }
            None => TcpListener::bind((ip, 0)).await,
        }
    }

    /// Sets up a passive data connection and returns the port to advertise.
    async fn open_passive(&mut self) -> io::Result<Option<u16>> {
        self.data = DataSetup::None;
        if self.config().passive_closed_port {
            // Bind and drop at once: the port was free a moment ago and nothing listens on it now.
            let port = TcpListener::bind((self.local.ip(), 0))
                .await?
                .local_addr()?
                .port();
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

    async fn pasv(&mut self) -> io::Result<()> {
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
        let text = format!(
            "227 Entering Passive Mode ({a},{b},{c},{d},{},{}).",
            port >> 8,
            port & 0xFF
        );
        self.reply(text).await
    }

    async fn epsv(&mut self, arg: &[u8]) -> io::Result<()> {
        match arg.to_ascii_uppercase().as_slice() {
            b"ALL" => {
                // RFC 2428 section 4: from now on only EPSV sets up data connections.
                self.epsv_all = true;
                return self.reply("200 EPSV ALL ok.").await;
            }
            b"" | b"1" => {}
            _ => {
                return self
                    .reply("522 Network protocol not supported, use (1)")
                    .await;
            }
        }
        let Some(port) = self.open_passive().await? else {
            return self.reply("425 Could not open a passive port.").await;
        };
        self.reply(format!("229 Entering Extended Passive Mode (|||{port}|)"))
            .await
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
        self.reply("200 PORT command successful. Consider using PASV.")
            .await
    }

    async fn port(&mut self, arg: &[u8]) -> io::Result<()> {
        if let Some(reply) = self.config().refuse_port.clone() {
            return self.reply(reply).await;
        }
        match parse_port(arg) {
            Some(target) => self.accept_active(target).await,
            None => self.reply("501 Illegal PORT command.").await,
        }
    }

    async fn eprt(&mut self, arg: &[u8]) -> io::Result<()> {
        if let Some(reply) = self.config().refuse_eprt.clone() {
            return self.reply(reply).await;
        }
        match parse_eprt(arg) {
            Ok(target) => self.accept_active(target).await,
            Err(EprtError::Protocol) => {
                self.reply("522 Network protocol not supported, use (1)")
                    .await
            }
            Err(EprtError::Syntax) => self.reply("501 Illegal EPRT command.").await,
        }
    }

    async fn retr(&mut self, arg: &[u8]) -> io::Result<()> {
        let offset = std::mem::take(&mut self.rest);
        let Some((path, meta)) = self.regular_file(arg) else {
            return self.reply("550 Failed to open file.").await;
        };
        let Ok(file) = File::open(&path) else {
            return self.reply("550 Failed to open file.").await;
        };
        let offset = if self.config().ignore_rest { 0 } else { offset };
        let mut opening = format!(
            "150 Opening {} mode data connection for ",
            if self.ascii { "ASCII" } else { "BINARY" }
        )
        .into_bytes();
        opening.extend_from_slice(base_name(arg));
        opening.extend_from_slice(format!(" ({} bytes).", meta.len()).as_bytes());
        let limit = self.config().truncate_data;
        let payload = Payload::Send {
            file,
            offset,
            limit,
        };
        self.transfer(&opening, payload).await
    }

    async fn store(&mut self, arg: &[u8], append: bool) -> io::Result<()> {
        let offset = std::mem::take(&mut self.rest);
        let path = match self.resolve(arg) {
            Some(path) if !arg.is_empty() && !path.is_dir() => path,
            _ => return self.reply("553 Could not create file.").await,
        };
        let opened = if append {
            OpenOptions::new().append(true).create(true).open(&path)
        } else if offset > 0 {
            // REST STREAM before STOR (RFC 3659 section 5.5): overwrite from the offset on.
            OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .and_then(|mut file| {
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
        self.transfer(b"150 Ok to send data.", Payload::Receive(file))
            .await
    }

    async fn list(&mut self, arg: &[u8], kind: ListKind) -> io::Result<()> {
        let Some(listing) = self.listing(arg, kind) else {
            return self.reply("550 No such file or directory.").await;
        };
        self.transfer(
            b"150 Here comes the directory listing.",
            Payload::Listing(listing),
        )
        .await
    }

    /// The listing of a directory or a single file, CRLF after every line; `None` if it does not
    /// exist. A LIST argument may start with `ls` options (`-la`), which are skipped.
    fn listing(&self, arg: &[u8], kind: ListKind) -> Option<Vec<u8>> {
        let mut arg = arg;
        if kind == ListKind::Long {
            while arg.starts_with(b"-") {
                let end = arg.iter().position(|&b| b == b' ').unwrap_or(arg.len());
                arg = arg[end..].strip_prefix(b" ").unwrap_or(&arg[end..]);
            }
        }
        let path = self.resolve(arg)?;
        let meta = fs::symlink_metadata(&path).ok()?;
        let now = SystemTime::now();
        let mut out = Vec::new();
        let mut line = |bytes: &[u8]| {
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        };
        if !fs::metadata(&path).ok()?.is_dir() {
            let name = path.file_name().map(OsStrExt::as_bytes).unwrap_or(b"");
            line(&entry_line(kind, name, &path, &meta, now));
            return Some(out);
        }
        if kind == ListKind::Machine {
            let mut cdir = listing::facts(&fs::metadata(&path).ok()?, Some("cdir")).into_bytes();
            cdir.push(b'.');
            line(&cdir);
        }
        let mut entries: Vec<_> = fs::read_dir(&path)
            .ok()?
            .filter_map(Result::ok)
            .map(|entry| entry.file_name())
            .collect();
        entries.sort();
        for name in entries {
            let full = path.join(&name);
            let Ok(meta) = fs::symlink_metadata(&full) else {
                continue;
            };
            line(&entry_line(kind, name.as_bytes(), &full, &meta, now));
        }
        Some(out)
    }

    async fn mlst(&mut self, arg: &[u8]) -> io::Result<()> {
        let parts = self.components(arg);
        let meta = self
            .real_path(&parts)
            .and_then(|path| fs::metadata(path).ok());
        let Some(meta) = meta else {
            return self.reply("550 No such file or directory.").await;
        };
        // RFC 3659 section 7.2: one fact line, starting with a space, between 250- and 250.
        let mut text = b"250-Listing\r\n ".to_vec();
        text.extend_from_slice(listing::facts(&meta, None).as_bytes());
        text.extend_from_slice(&virtual_string(&parts));
        text.extend_from_slice(b"\r\n250 End");
        self.reply(text).await
    }

    /// Runs `fut` while still reading the control connection: ABOR interrupts it, anything else
    /// is queued and handled after it (RFC 959 section 4.1.3 allows only ABOR, STAT and QUIT here).
    async fn beside_control<F: Future>(
        &mut self,
        fut: F,
    ) -> io::Result<Result<F::Output, Interrupt>> {
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
        let pace = Pace::new(self.config().throttle);
        let ascii = self.ascii;
        let moved = match payload {
            Payload::Send {
                file,
                offset,
                limit,
            } => {
                self.beside_control(send_file(data, file, offset, limit, ascii, pace))
                    .await?
            }
            Payload::Receive(file) => {
                self.beside_control(receive_file(data, file, ascii, pace))
                    .await?
            }
            Payload::Listing(bytes) => self.beside_control(send_bytes(data, bytes, pace)).await?,
        };
        match moved {
            Ok(Ok(())) => self.reply("226 Transfer complete.").await,
            Ok(Err(TransferError::Network(_))) => {
                self.reply("426 Connection closed; transfer aborted.").await
            }
            Ok(Err(TransferError::Local(_))) => self.reply("451 Local error in processing.").await,
            Err(Interrupt::Abort) => self.aborted().await,
            Err(Interrupt::Closed) => Ok(()),
        }
    }

    /// RFC 959 section 4.1.3 (ABOR): 426 for the interrupted transfer, then 226 for the ABOR.
    async fn aborted(&mut self) -> io::Result<()> {
        self.reply("426 Connection closed; transfer aborted.\r\n226 Abort successful.")
            .await
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Long,
    Names,
    Machine,
}

fn entry_line(
    kind: ListKind,
    name: &[u8],
    full: &Path,
    meta: &fs::Metadata,
    now: SystemTime,
) -> Vec<u8> {
    match kind {
        ListKind::Names => name.to_vec(),
        ListKind::Long => {
            let target = fs::read_link(full).ok();
            let target = target.as_ref().map(|t| t.as_os_str().as_bytes());
            listing::ls_line(name, meta, target, now)
        }
        ListKind::Machine => {
            // MLSD describes what a link points to; a dangling link is described as itself.
            let meta = fs::metadata(full).unwrap_or_else(|_| meta.clone());
            let mut line = listing::facts(&meta, None).into_bytes();
            line.extend_from_slice(name);
            line
        }
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
        Pace {
            bytes_per_sec,
            start: Instant::now(),
            done: 0,
        }
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
    mut data: TcpStream,
    mut file: File,
    offset: u64,
    limit: Option<u64>,
    ascii: bool,
    mut pace: Pace,
) -> Result<(), TransferError> {
    file.seek(SeekFrom::Start(offset))
        .map_err(TransferError::Local)?;
    let mut left = limit.unwrap_or(u64::MAX);
    let mut buf = vec![0u8; pace.chunk()];
    let mut last_was_cr = false;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = file.read(&mut buf[..want]).map_err(TransferError::Local)?;
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
        written.map_err(TransferError::Network)?;
        pace.moved(n).await;
    }
    data.shutdown().await.map_err(TransferError::Network)
}

async fn send_bytes(
    mut data: TcpStream,
    bytes: Vec<u8>,
    mut pace: Pace,
) -> Result<(), TransferError> {
    for chunk in bytes.chunks(pace.chunk()) {
        data.write_all(chunk)
            .await
            .map_err(TransferError::Network)?;
        pace.moved(chunk.len()).await;
    }
    data.shutdown().await.map_err(TransferError::Network)
}

/// Receives until the client closes the data connection; in ASCII mode CRLF is stored as LF.
async fn receive_file(
    mut data: TcpStream,
    mut file: File,
    ascii: bool,
    mut pace: Pace,
) -> Result<(), TransferError> {
    let mut buf = vec![0u8; pace.chunk()];
    let mut held_cr = false;
    loop {
        let n = data.read(&mut buf).await.map_err(TransferError::Network)?;
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
        .map_err(TransferError::Local)?;
        pace.moved(n).await;
    }
    if held_cr {
        file.write_all(b"\r").map_err(TransferError::Local)?;
    }
    file.flush().map_err(TransferError::Local)
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

/// The upper-cased verb and the raw argument after the first space.
fn split_command(line: &[u8]) -> (String, &[u8]) {
    let (verb, arg) = match line.iter().position(|&b| b == b' ') {
        Some(space) => (&line[..space], &line[space + 1..]),
        None => (line, &line[line.len()..]),
    };
    (String::from_utf8_lossy(verb).to_ascii_uppercase(), arg)
}

fn virtual_string(parts: &[Vec<u8>]) -> Vec<u8> {
    if parts.is_empty() {
        return b"/".to_vec();
    }
    let mut out = Vec::new();
    for part in parts {
        out.push(b'/');
        out.extend_from_slice(part);
    }
    out
}

/// RFC 959 Appendix II: a `"` inside a quoted path name is doubled.
fn quote_path(path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(path.len());
    for &byte in path {
        if byte == b'"' {
            out.push(b'"');
        }
        out.push(byte);
    }
    out
}

fn base_name(arg: &[u8]) -> &[u8] {
    arg.rsplit(|&b| b == b'/').next().unwrap_or(arg)
}

/// `h1,h2,h3,h4,p1,p2` (RFC 959 section 4.1.2).
fn parse_port(arg: &[u8]) -> Option<SocketAddr> {
    let text = std::str::from_utf8(arg).ok()?;
    let numbers: Vec<u8> = text
        .trim()
        .split(',')
        .map(|n| n.trim().parse::<u8>())
        .collect::<Result<_, _>>()
        .ok()?;
    let [a, b, c, d, p1, p2] = numbers[..] else {
        return None;
    };
    let ip = Ipv4Addr::new(a, b, c, d);
    Some(SocketAddr::from((ip, u16::from(p1) << 8 | u16::from(p2))))
}

enum EprtError {
    Protocol,
    Syntax,
}

/// `<d>proto<d>address<d>port<d>` with any delimiter (RFC 2428 section 2).
fn parse_eprt(arg: &[u8]) -> Result<SocketAddr, EprtError> {
    let text = std::str::from_utf8(arg).map_err(|_| EprtError::Syntax)?;
    let delimiter = text.chars().next().ok_or(EprtError::Syntax)?;
    let fields: Vec<&str> = text.split(delimiter).collect();
    let ["", proto, address, port, ""] = fields[..] else {
        return Err(EprtError::Syntax);
    };
    let port: u16 = port.parse().map_err(|_| EprtError::Syntax)?;
    let ip: IpAddr = match proto {
        "1" => IpAddr::V4(address.parse().map_err(|_| EprtError::Syntax)?),
        // The server listens on IPv4 loopback only, so an IPv6 data connection cannot match it.
        "2" => return Err(EprtError::Protocol),
        _ => return Err(EprtError::Protocol),
    };
    Ok(SocketAddr::new(ip, port))
}

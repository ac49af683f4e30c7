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
//!
//! With TLS switched on it is an FTPS server (RFC 4217), explicit (`AUTH TLS`) or implicit, that by
//! default demands what vsftpd's `require_ssl_reuse=YES` demands: every data connection's TLS
//! session must resume one of the server's sessions.
//!
//! This file is the public face (configuration, start, stop, the command log); `session` handles
//! the control connection and the commands that move no data, `data` the data connection and
//! transfers, `listing` the LIST, MLSD and MDTM formats, `tls` the TLS streams and state.

mod data;
mod listing;
mod session;
mod tls;

use std::collections::{HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rustls::SupportedProtocolVersion;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use listing::MlsdLinks;
use session::Session;
pub use tls::DataHandshake;
use tls::ServerTls;

use crate::support::tls::Cert;

/// How a server speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TlsMode {
    /// `AUTH TLS` upgrades the control connection (RFC 4217 section 4).
    Explicit,
    /// TLS from the first byte, as on port 990.
    Implicit,
}

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
    /// Listen on [::1] instead of 127.0.0.1.
    ipv6: bool,
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
    throttle_session: Option<(usize, u64)>,
    passive_ports: Option<(u16, u16)>,
    tls: Option<TlsMode>,
    tls_versions: Vec<&'static SupportedProtocolVersion>,
    certificate: Cert,
    require_session_reuse: bool,
    refuse_auth: Option<String>,
    data_never_resumes: bool,
    sequential: bool,
    hold_passive: Option<Duration>,
    flaky_control_tls: usize,
    require_tls_control: bool,
    require_tls_data: bool,
    max_sessions: Option<usize>,
    hold_first_login: Option<usize>,
    refuse_sessions_after: Option<usize>,
    data_resumes_per_login: Option<usize>,
    inject_listing: Vec<Vec<u8>>,
    late_abort: Option<LateAbort>,
    xsha256: Option<bool>,
    style: listing::Style,
    faults: Vec<Fault>,
}

/// How a server that reads no command during a listing ends one the client stopped reading, and
/// what it answers to the ABOR it reads after it (see [`ServerConfig::late_abort`]).
#[derive(Debug, Clone, Copy)]
pub struct LateAbort {
    /// The listing's final reply, whatever happened on the data connection.
    pub transfer: &'static str,
    /// ABOR's reply; `None`: ABOR gets none.
    pub abor: Option<&'static str>,
}

/// One failure of the network or the server, played once, in the order given: `Busy` on the next
/// connection, the others on the next file transfer (RETR, STOR, APPE; listings are spared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The greeting is `421 Too many connections` and the connection closes, like vsftpd at
    /// `max_clients` or `max_per_ip`.
    Busy,
    /// The data connection is reset (RST) after this many bytes, then `426` on the control
    /// connection: a router rejecting with tcp-reset, or a server process killed.
    ResetAt(u64),
    /// All the data moves, then the control connection closes without the final reply: a NAT
    /// that forgot the idle control connection (the client sees the close when the server's
    /// reply, or a keepalive, meets the new state).
    CloseAfterData,
    /// All the data moves, then nothing more comes on the control connection: the same NAT when
    /// it drops packets instead.
    SilentAfterData,
    /// This many bytes move, then nothing more on either connection: a path that stalls.
    StallAt(u64),
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
            ipv6: false,
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
            throttle_session: None,
            passive_ports: None,
            tls: None,
            tls_versions: vec![&rustls::version::TLS13, &rustls::version::TLS12],
            certificate: Cert::Good,
            require_session_reuse: true,
            refuse_auth: None,
            data_never_resumes: false,
            faults: Vec::new(),
            sequential: false,
            hold_passive: None,
            flaky_control_tls: 0,
            require_tls_control: false,
            require_tls_data: false,
            max_sessions: None,
            hold_first_login: None,
            refuse_sessions_after: None,
            data_resumes_per_login: None,
            inject_listing: Vec::new(),
            late_abort: None,
            xsha256: None,
            style: listing::Style::default(),
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

    /// Listens on the IPv6 loopback [::1], like a server reached over IPv6: EPSV and EPRT (with
    /// protocol 2) work; PASV cannot name an IPv6 address (RFC 2428 section 1).
    pub fn ipv6(mut self) -> Self {
        self.ipv6 = true;
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

    /// The data connections of the `n`th session to connect (counting from 1) move at most this
    /// many bytes per second, the others as `throttle` says: one slow session among several, as
    /// a segmented download meets on a server capping each session.
    pub fn throttle_session(mut self, n: usize, bytes_per_sec: u64) -> Self {
        self.throttle_session = Some((n, bytes_per_sec.max(1)));
        self
    }

    /// Passive listeners use a port in `lo..=hi`, like `pasv_min_port`/`pasv_max_port` in vsftpd.
    pub fn passive_ports(mut self, lo: u16, hi: u16) -> Self {
        self.passive_ports = Some((lo, hi));
        self
    }

    /// Explicit FTPS (RFC 4217): `AUTH TLS` answered `234` and the control connection upgraded,
    /// then `PBSZ 0` and `PROT P` or `PROT C`; under `PROT P` every data connection, in all four
    /// modes, is TLS with this server as the TLS server. Session reuse is required (see
    /// [`ServerConfig::require_session_reuse`]).
    pub fn tls(mut self) -> Self {
        self.tls = Some(TlsMode::Explicit);
        self
    }

    /// Implicit FTPS: the control connection is TLS from the first byte (port 990 servers);
    /// `AUTH` is refused, `PBSZ 0` and `PROT P` are in force from the start (MS-FTPS 3.2.5.1)
    /// and may still be sent, `PROT C` too.
    pub fn implicit_tls(mut self) -> Self {
        self.tls = Some(TlsMode::Implicit);
        self
    }

    /// Offer only these TLS versions, e.g. `&[&TLS12]` (vsftpd's `ssl_tlsv1_3=NO`) or `&[&TLS13]`;
    /// both by default.
    pub fn tls_versions(mut self, versions: &[&'static SupportedProtocolVersion]) -> Self {
        self.tls_versions = versions.to_vec();
        self
    }

    /// Whether a data connection must resume a TLS session of this server, like vsftpd's
    /// `require_ssl_reuse=YES` (on by default, as in vsftpd): one that does not gets
    /// `522 SSL connection failed: session reuse required` and no data.
    pub fn require_session_reuse(mut self, required: bool) -> Self {
        self.require_session_reuse = required;
        self
    }

    /// `AUTH` answered with this reply line, e.g. `500 AUTH not understood.` or vsftpd's answer
    /// when TLS is off, `530 Please login with USER and PASS.`.
    pub fn refuse_auth(mut self, reply: &str) -> Self {
        self.refuse_auth = Some(reply.to_owned());
        self
    }

    /// Present this certificate instead of a good one (expired, wrong name, self-signed).
    pub fn certificate(mut self, cert: Cert) -> Self {
        self.certificate = cert;
        self
    }

    /// Adds a fault to play once, after the ones added before (see [`Fault`]).
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Data connections are accepted with a TLS configuration that shares no session store or
    /// ticket keys with the control connection's (a misconfigured server, or a client that never
    /// resumes, seen from the server): no data handshake resumes, so under
    /// [`ServerConfig::require_session_reuse`] every transfer gets 522.
    pub fn data_never_resumes(mut self) -> Self {
        self.data_never_resumes = true;
        self
    }

    /// Reads commands strictly in sequence: after a 227/229 it reads nothing more until the
    /// data connection for it has arrived (or its wait has timed out), like small embedded and
    /// script-language servers. A client that sends another command first gets no answer.
    pub fn sequential(mut self) -> Self {
        self.sequential = true;
        self
    }

    /// A passive listener that is given up (a new PASV/EPSV, or the session's end) without
    /// having been connected to stays open for `hold`, like servers that close it only when their
    /// own accept times out: with a small [`ServerConfig::passive_ports`] range, clients that
    /// leave listeners behind exhaust it.
    pub fn hold_passive_listeners(mut self, hold: Duration) -> Self {
        self.hold_passive = Some(hold);
        self
    }

    /// The first `n` control-connection TLS handshakes (after `234`) fail: the server drops the
    /// connection, like a server whose TLS fails now and then under load.
    pub fn flaky_control_tls(mut self, n: usize) -> Self {
        self.flaky_control_tls = n;
        self
    }

    /// USER on a control connection without TLS is answered `550 SSL/TLS required on the
    /// control channel`, like ProFTPD with `TLSRequired on`.
    pub fn require_tls_control(mut self) -> Self {
        self.require_tls_control = true;
        self
    }

    /// Without `PROT P`, PASV, EPSV, PORT and EPRT are answered `550 SSL/TLS required on the
    /// data channel`, like ProFTPD with `TLSRequired on`.
    pub fn require_tls_data(mut self) -> Self {
        self.require_tls_data = true;
        self
    }

    /// At most `n` sessions at once: the next one is greeted `421 Too many connections` and
    /// closed, like vsftpd's `max_per_ip` or ProFTPD's `MaxClientsPerHost`.
    pub fn max_sessions(mut self, n: usize) -> Self {
        self.max_sessions = Some(n);
        self
    }

    /// The first PASS to arrive gets its reply only once `n` PASS commands in all have arrived
    /// (or after 10 s): a login that takes as long as the others take to start, like vsftpd's
    /// PAM check. [`TestServer::logins_beside_first`] says how many came meanwhile.
    pub fn hold_first_login(mut self, n: usize) -> Self {
        self.hold_first_login = Some(n);
        self
    }

    /// After `n` sessions, every new one is greeted `421 Too many connections` and closed.
    pub fn refuse_sessions_after(mut self, n: usize) -> Self {
        self.refuse_sessions_after = Some(n);
        self
    }

    /// Only the first `n` data connections of each control connection can resume; later ones
    /// are accepted as under [`ServerConfig::data_never_resumes`] (so 522). ProFTPD 1.3.8 issues
    /// no TLS 1.3 tickets on upload connections, so one session allows two uploads; a new login
    /// brings new tickets.
    pub fn data_resumes_per_login(mut self, n: usize) -> Self {
        self.data_resumes_per_login = Some(n);
        self
    }

    /// Appends this line, as it is, to every listing (LIST and MLSD) of the served root: a
    /// hostile server's names (`../x`, `/etc/x`, links to `/`).
    pub fn inject_listing(mut self, line: &[u8]) -> Self {
        self.inject_listing.push(line.to_vec());
        self
    }

    /// Reads no command during a listing, ends every listing with `late.transfer` (also one the
    /// client stopped reading), and answers ABOR with `late.abor` or not at all. What real servers
    /// do when the listing was all sent before ABOR came: vsftpd's 226 then 225, Twisted's 226
    /// then 502 (it has no ABOR), a server that ignores ABOR; and what one that noticed the
    /// closed data connection would: 426 then 502.
    pub fn late_abort(mut self, late: LateAbort) -> Self {
        self.late_abort = Some(late);
        self
    }

    /// LIST times `secs` ahead of UTC, as from a server whose `ls` clock is local time at that
    /// offset; MLSD and MDTM stay UTC (RFC 3659 §2.3).
    pub fn list_time_shift(mut self, secs: i64) -> Self {
        self.style.list_shift = secs;
        self
    }

    /// How MLSD describes a symbolic link (by default as what it points to).
    pub fn mlsd_links(mut self, links: MlsdLinks) -> Self {
        self.style.mlsd_links = links;
        self
    }

    /// Offers `XSHA256 path` (`250 <hex>`, in FEAT), like ProFTPD's mod_digest; with `honest`
    /// false the digest is of other bytes, like a file corrupted on the way.
    pub fn xsha256(mut self, honest: bool) -> Self {
        self.xsha256 = Some(honest);
        self
    }
}

/// A running server; stops on drop.
pub struct TestServer {
    addr: SocketAddr,
    root: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
    /// The PEM to trust and the data handshakes so far, for a TLS server.
    tls: Option<(String, Arc<Mutex<Vec<DataHandshake>>>)>,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
    // Declared last so the directory outlives the server thread that serves it.
    _dir: Option<TempDir>,
}

impl TestServer {
    /// Binds 127.0.0.1:0 ([::1]:0 with `ipv6`) and starts serving; panics if that fails (this is
    /// test support).
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
        let root = root.canonicalize().expect("canonicalize the served directory");
        let bind = if config.ipv6 { "[::1]:0" } else { "127.0.0.1:0" };
        let listener = std::net::TcpListener::bind(bind).unwrap_or_else(|e| panic!("bind {bind}: {e}"));
        listener.set_nonblocking(true).expect("set the listener non-blocking");
        let addr = listener.local_addr().expect("listener address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let server_tls = config.tls.map(|_| ServerTls::new(&config));
        let tls = server_tls.as_ref().map(|t| (t.trust_pem.clone(), t.handshakes.clone()));
        let config_faults = config.faults.iter().copied().collect();
        let shared = Arc::new(Shared {
            config,
            root: root.clone(),
            log: log.clone(),
            tls: server_tls,
            counters: Counters::default(),
            faults: Mutex::new(config_faults),
        });
        let counters = shared.clone();
        let (shutdown, stop) = oneshot::channel();
        let thread = thread::Builder::new()
            .name(format!("ftp-server-{}", addr.port()))
            .spawn(move || serve(listener, shared, stop))
            .expect("spawn the server thread");
        TestServer { addr, root, log, tls, shared: counters, shutdown: Some(shutdown), thread: Some(thread), _dir: dir }
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
        self.url_with("ftp", user, password, path)
    }

    /// `SCHEME://user:password@127.0.0.1:PORT/path`, e.g. `ftps` for an implicit TLS server.
    pub fn url_with(&self, scheme: &str, user: &str, password: &str, path: &str) -> String {
        format!("{scheme}://{user}:{password}@{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// The PEM certificate a client must trust (`--cacert`) to accept this server's certificate:
    /// its test CA, or a self-signed certificate itself. Panics if TLS is off.
    pub fn trust_pem(&self) -> &str {
        &self.tls.as_ref().expect("a TLS server (ServerConfig::tls or implicit_tls)").0
    }

    /// Every data connection's TLS handshake so far, in order, across all sessions: a rejected
    /// one (not resumed) included. Empty if TLS is off.
    pub fn data_handshakes(&self) -> Vec<DataHandshake> {
        self.tls.as_ref().map(|(_, h)| h.lock().unwrap().clone()).unwrap_or_default()
    }

    /// Every command line received so far, in order, across all sessions, without the line end
    /// (bytes that are not UTF-8 shown as U+FFFD). PASS lines are recorded as sent.
    pub fn commands(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Passive listeners given up without a data connection having arrived on them, so far.
    pub fn passive_left_open(&self) -> usize {
        self.shared.counters.left_open.load(Ordering::SeqCst)
    }

    /// Sessions greeted `421 Too many connections` so far.
    pub fn sessions_refused(&self) -> usize {
        self.shared.counters.refused.load(Ordering::SeqCst)
    }

    /// With [`ServerConfig::hold_first_login`]: how many other PASS commands arrived while the
    /// first one's reply was held; `None` until it has been answered.
    pub fn logins_beside_first(&self) -> Option<usize> {
        *self.shared.counters.beside_first.lock().unwrap()
    }

    /// The command verbs received so far (`RETR`, `EPSV`, ...), upper-cased.
    pub fn verbs(&self) -> Vec<String> {
        self.commands().iter().map(|line| line.split(' ').next().unwrap_or("").to_ascii_uppercase()).collect()
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
    tls: Option<ServerTls>,
    counters: Counters,
    /// The faults not played yet.
    faults: Mutex<VecDeque<Fault>>,
}

impl Shared {
    /// The next fault, if it is one `wanted` takes.
    fn take_fault(&self, wanted: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap();
        faults.front().is_some_and(wanted).then(|| faults.pop_front()).flatten()
    }
}

/// What the behaviour switches count across sessions.
#[derive(Debug, Default)]
struct Counters {
    /// Sessions open now, and ever.
    live: AtomicUsize,
    total: AtomicUsize,
    refused: AtomicUsize,
    /// Control-connection TLS handshakes broken on purpose ([`ServerConfig::flaky_control_tls`]).
    tls_broken: AtomicUsize,
    left_open: AtomicUsize,
    /// PASS commands received, and how many came while the first was held.
    passes: AtomicUsize,
    beside_first: Mutex<Option<usize>>,
}

/// The server thread: accept until told to stop, then drop the runtime, which cancels every session
/// task and so closes its sockets.
fn serve(listener: std::net::TcpListener, shared: Arc<Shared>, mut stop: oneshot::Receiver<()>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("build the server runtime");
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

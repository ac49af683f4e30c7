//! A scripted FTP server for cases where exact bytes and timing matter: it accepts one control
//! connection on 127.0.0.1 and plays a fixed list of [`Step`]s on it, recording every line the
//! client sends and every expectation that was not met.
//!
//! It owns only the mechanics (send, expect, sleep, close, reset, one passive data connection or
//! one connection back to the client from any loopback address, TLS on either connection); the
//! hostile-server cases build their scripts on top. It is plain blocking `std::net` on one thread,
//! because a script is sequential by nature and blocking I/O keeps the timing of each byte exact;
//! TLS is rustls's blocking `StreamOwned` over the same sockets, with a certificate from
//! [`crate::support::tls`] that clients trust through [`ScriptServer::trust_pem`].

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rustls::{ServerConnection, StreamOwned};

use crate::support::tls::{Cert, Identity, Resumption, server_config};

/// How long the script waits for the client to connect, send a line or open the data connection.
const WAIT: Duration = Duration::from_secs(20);

/// How often a blocked read looks at the stop flag.
const POLL: Duration = Duration::from_millis(100);

/// One thing the server does on the control or data connection.
#[derive(Debug, Clone)]
pub enum Step {
    /// Send these bytes on the control connection as they are (include the CRLF yourself).
    Send(Vec<u8>),
    /// Send these bytes one at a time with `delay` before each: replies split across reads.
    SendSlowly { bytes: Vec<u8>, delay: Duration },
    /// Read one line from the client; record a mismatch unless it starts with this prefix.
    Expect(String),
    /// Do nothing for this long.
    Sleep(Duration),
    /// Close the control connection cleanly (FIN) and end the script.
    Close,
    /// Abort the control connection (SO_LINGER 0, so the client sees RST) and end the script.
    Reset,
    /// Listen on 127.0.0.1:0 for one data connection and send the template with `{port}`,
    /// `{p1}`, `{p2}` (the port's high and low byte) and `{h}` (`127,0,0,1`) filled in, then CRLF.
    /// E.g. `227 Entering Passive Mode ({h},{p1},{p2}).` or `229 Entering Extended Passive Mode (|||{port}|)`.
    Passive(String),
    /// Wait for the client's data connection (done implicitly by the data steps below).
    AcceptData,
    /// Send these bytes on the data connection.
    DataSend(Vec<u8>),
    /// Read the data connection until the client closes it; see [`ScriptServer::data_received`].
    DataReceive,
    /// Close the data connection (FIN; close_notify first under TLS).
    DataClose,
    /// Make the control connection TLS, this side the TLS server (RFC 4217 section 4): play it
    /// right after sending `234`. Bytes the client sent after AUTH and before its handshake are a
    /// mismatch (they came in the clear) and are dropped.
    StartTls,
    /// Make the data connection TLS, this side the TLS server (accepting it first if needed).
    DataStartTls,
    /// Abort the data connection (SO_LINGER 0: the client sees RST), accepting it first if needed.
    DataReset,
    /// Active mode: connect to the address in the client's latest `PORT` or `EPRT` line, from this
    /// local address (127.0.0.2 plays a third host), as the data connection for the steps after.
    ConnectBack(IpAddr),
}

/// A list of steps, built with chained methods.
#[derive(Debug, Clone, Default)]
pub struct Script {
    steps: Vec<Step>,
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    pub fn step(mut self, step: Step) -> Script {
        self.steps.push(step);
        self
    }

    pub fn send(self, bytes: impl AsRef<[u8]>) -> Script {
        self.step(Step::Send(bytes.as_ref().to_vec()))
    }

    pub fn send_slowly(self, bytes: impl AsRef<[u8]>, delay: Duration) -> Script {
        self.step(Step::SendSlowly { bytes: bytes.as_ref().to_vec(), delay })
    }

    pub fn expect(self, prefix: &str) -> Script {
        self.step(Step::Expect(prefix.to_owned()))
    }

    /// `expect(prefix)` then `send(reply)`: the common request/response pair.
    pub fn answer(self, prefix: &str, reply: impl AsRef<[u8]>) -> Script {
        self.expect(prefix).send(reply)
    }

    /// The usual greeting and an accepted login, whatever the user and password.
    pub fn login(self) -> Script {
        self.send("220 scripted server\r\n")
            .answer("USER ", "331 Password required.\r\n")
            .answer("PASS ", "230 Logged in.\r\n")
    }

    pub fn sleep(self, duration: Duration) -> Script {
        self.step(Step::Sleep(duration))
    }

    pub fn close(self) -> Script {
        self.step(Step::Close)
    }

    pub fn reset(self) -> Script {
        self.step(Step::Reset)
    }

    pub fn passive(self, template: &str) -> Script {
        self.step(Step::Passive(template.to_owned()))
    }

    pub fn accept_data(self) -> Script {
        self.step(Step::AcceptData)
    }

    pub fn data_send(self, bytes: impl AsRef<[u8]>) -> Script {
        self.step(Step::DataSend(bytes.as_ref().to_vec()))
    }

    pub fn data_receive(self) -> Script {
        self.step(Step::DataReceive)
    }

    pub fn data_close(self) -> Script {
        self.step(Step::DataClose)
    }

    pub fn data_reset(self) -> Script {
        self.step(Step::DataReset)
    }

    pub fn connect_back(self, from: IpAddr) -> Script {
        self.step(Step::ConnectBack(from))
    }

    pub fn start_tls(self) -> Script {
        self.step(Step::StartTls)
    }

    pub fn data_start_tls(self) -> Script {
        self.step(Step::DataStartTls)
    }

    fn uses_tls(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::StartTls | Step::DataStartTls))
    }
}

/// A control or data connection: TCP, or TLS over TCP with this side as the TLS server.
type Conn = crate::support::stream::SyncStream;

/// What the script saw, shared with the thread that plays it.
#[derive(Debug, Default)]
struct Record {
    lines: Vec<String>,
    mismatches: Vec<String>,
    data: Vec<u8>,
    finished: bool,
}

/// A running script; the thread stops by itself when the script ends or a wait runs out.
pub struct ScriptServer {
    addr: SocketAddr,
    /// The PEM a client must trust, when the script uses TLS.
    trust_pem: Option<String>,
    record: Arc<Mutex<Record>>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl ScriptServer {
    pub fn start(script: Script) -> ScriptServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("listener address");
        let record = Arc::new(Mutex::new(Record::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let identity = script.uses_tls().then(|| Identity::new(Cert::Good));
        let tls = identity
            .as_ref()
            .map(|id| server_config(id, &[&rustls::version::TLS13, &rustls::version::TLS12], Resumption::On));
        let player =
            Player { record: record.clone(), stop: stop.clone(), tls, control: None, data_listener: None, data: None };
        let thread = thread::Builder::new()
            .name(format!("ftp-script-{}", addr.port()))
            .spawn(move || player.play(listener, script.steps))
            .expect("spawn the script thread");
        ScriptServer { addr, trust_pem: identity.map(|id| id.trust_pem), record, stop, thread: Some(thread) }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `ftp://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("ftp://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// The PEM certificate a client must trust (`--cacert`) for the TLS steps. Panics if the
    /// script has none.
    pub fn trust_pem(&self) -> &str {
        self.trust_pem.as_deref().expect("a script with a StartTls or DataStartTls step")
    }

    /// The lines the client sent so far, without line ends.
    pub fn received_lines(&self) -> Vec<String> {
        self.record.lock().unwrap().lines.clone()
    }

    /// Every unmet expectation so far, e.g. `step 3: expected "PASV", got "EPSV"`.
    pub fn mismatches(&self) -> Vec<String> {
        self.record.lock().unwrap().mismatches.clone()
    }

    /// The bytes read by [`Step::DataReceive`] steps.
    pub fn data_received(&self) -> Vec<u8> {
        self.record.lock().unwrap().data.clone()
    }

    /// Whether every step has been played (or the script ended on Close or Reset). The client
    /// may see the last step before this turns true: call [`ScriptServer::join`] first.
    pub fn finished(&self) -> bool {
        self.record.lock().unwrap().finished
    }

    /// Waits for the script to end and returns its mismatches; later calls return at once.
    pub fn join(&mut self) -> Vec<String> {
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the script thread panicked");
        }
        self.mismatches()
    }
}

impl Drop for ScriptServer {
    fn drop(&mut self) {
        // The thread notices within a poll interval and exits; it is not joined, so a test that
        // fails halfway is not held up by a script waiting for a line.
        self.stop.store(true, Ordering::SeqCst);
    }
}

struct Player {
    record: Arc<Mutex<Record>>,
    stop: Arc<AtomicBool>,
    tls: Option<Arc<rustls::ServerConfig>>,
    /// Read through the buffer, written through `get_mut`.
    control: Option<BufReader<Conn>>,
    data_listener: Option<TcpListener>,
    data: Option<Conn>,
}

/// Why the script ends early.
enum End {
    Stopped,
    Failed(String),
}

impl Player {
    fn play(mut self, listener: TcpListener, steps: Vec<Step>) {
        let result = self.accept_control(&listener).and_then(|()| {
            for (index, step) in steps.into_iter().enumerate() {
                match self.run(index + 1, step)? {
                    true => continue,
                    false => break,
                }
            }
            Ok(())
        });
        let mut record = self.record.lock().unwrap();
        match result {
            Ok(()) => record.finished = true,
            Err(End::Failed(why)) => record.mismatches.push(why),
            Err(End::Stopped) => {}
        }
    }

    fn stopped(&self) -> Result<(), End> {
        if self.stop.load(Ordering::SeqCst) { Err(End::Stopped) } else { Ok(()) }
    }

    /// Polls `listener` so that a dropped [`ScriptServer`] can stop the wait.
    fn accept(&self, listener: &TcpListener, what: &str) -> Result<TcpStream, End> {
        listener.set_nonblocking(true).map_err(|e| End::Failed(format!("{what}: {e}")))?;
        let deadline = Instant::now() + WAIT;
        loop {
            self.stopped()?;
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).map_err(|e| End::Failed(format!("{what}: {e}")))?;
                    return Ok(stream);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(End::Failed(format!("{what}: no connection ({e})"))),
            }
        }
    }

    fn accept_control(&mut self, listener: &TcpListener) -> Result<(), End> {
        let stream = self.accept(listener, "control connection")?;
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(POLL));
        self.control = Some(BufReader::new(Conn::Plain(stream)));
        Ok(())
    }

    fn control(&mut self) -> &mut Conn {
        self.control.as_mut().expect("the control connection is open").get_mut()
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), End> {
        let control = self.control();
        control.write_all(bytes).and_then(|()| control.flush()).map_err(|e| End::Failed(format!("send: {e}")))
    }

    /// The TLS handshake on `tcp` as the server, polling the stop flag; `tcp` keeps the read
    /// timeout it had.
    fn handshake(&self, mut tcp: TcpStream, what: &str) -> Result<Conn, End> {
        let config = self.tls.clone().expect("a TLS configuration for a script with TLS steps");
        let mut tls = ServerConnection::new(config).map_err(|e| End::Failed(format!("{what}: {e}")))?;
        let restore = tcp.read_timeout().ok().flatten();
        let _ = tcp.set_read_timeout(Some(POLL));
        let deadline = Instant::now() + WAIT;
        while tls.is_handshaking() {
            self.stopped()?;
            match tls.complete_io(&mut tcp) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {}
                Err(e) => return Err(End::Failed(format!("{what}: TLS handshake: {e}"))),
            }
        }
        let _ = tcp.set_read_timeout(restore);
        Ok(Conn::Tls(Box::new(StreamOwned::new(tls, tcp))))
    }

    /// Reads one line, polling the stop flag between read timeouts.
    fn read_line(&mut self) -> Result<Option<Vec<u8>>, End> {
        let deadline = Instant::now() + WAIT;
        let mut line = Vec::new();
        loop {
            self.stopped()?;
            let reader = self.control.as_mut().expect("the control connection is open");
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => return Ok(None),
                Ok(_) if line.ends_with(b"\n") => return Ok(Some(line)),
                Ok(_) => {}
                // A TLS client that closes without close_notify.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    if Instant::now() >= deadline {
                        return Err(End::Failed(format!("no line within {WAIT:?}")));
                    }
                }
                Err(e) => return Err(End::Failed(format!("reading a line: {e}"))),
            }
        }
    }

    fn data(&mut self) -> Result<&mut Conn, End> {
        if self.data.is_none() {
            let listener = self
                .data_listener
                .take()
                .ok_or_else(|| End::Failed("a data step before any Passive step".to_owned()))?;
            let stream = self.accept(&listener, "data connection")?;
            self.data = Some(Conn::Plain(stream));
        }
        Ok(self.data.as_mut().expect("just set"))
    }

    /// Plays one step; `Ok(false)` ends the script.
    fn run(&mut self, index: usize, step: Step) -> Result<bool, End> {
        self.stopped()?;
        match step {
            Step::Send(bytes) => self.write(&bytes)?,
            Step::SendSlowly { bytes, delay } => {
                for byte in bytes {
                    thread::sleep(delay);
                    self.write(&[byte])?;
                }
            }
            Step::Expect(prefix) => {
                let raw = self.read_line().map_err(|end| match end {
                    End::Failed(why) => End::Failed(format!("step {index}: expected {prefix:?}: {why}")),
                    stopped => stopped,
                })?;
                let Some(raw) = raw else {
                    return Err(End::Failed(format!(
                        "step {index}: expected {prefix:?}, but the client closed the connection"
                    )));
                };
                let line = String::from_utf8_lossy(&raw).trim_end_matches(['\r', '\n']).to_owned();
                let mut record = self.record.lock().unwrap();
                if !line.starts_with(&prefix) {
                    record.mismatches.push(format!("step {index}: expected {prefix:?}, got {line:?}"));
                }
                record.lines.push(line);
            }
            Step::Sleep(duration) => thread::sleep(duration),
            Step::Close => {
                self.control().close();
                return Ok(false);
            }
            Step::Reset => {
                // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                let stream = self.control.take().expect("the control connection is open");
                socket2::SockRef::from(stream.get_ref().tcp())
                    .set_linger(Some(Duration::ZERO))
                    .map_err(|e| End::Failed(format!("step {index}: SO_LINGER: {e}")))?;
                drop(stream);
                return Ok(false);
            }
            Step::Passive(template) => {
                let listener =
                    TcpListener::bind("127.0.0.1:0").map_err(|e| End::Failed(format!("step {index}: bind: {e}")))?;
                let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
                let reply = template
                    .replace("{port}", &port.to_string())
                    .replace("{p1}", &(port >> 8).to_string())
                    .replace("{p2}", &(port & 0xFF).to_string())
                    .replace("{h}", "127,0,0,1");
                self.data = None;
                self.data_listener = Some(listener);
                self.write(format!("{reply}\r\n").as_bytes())?;
            }
            Step::AcceptData => {
                self.data()?;
            }
            Step::DataSend(bytes) => {
                let data = self.data()?;
                data.write_all(&bytes)
                    .and_then(|()| data.flush())
                    .map_err(|e| End::Failed(format!("step {index}: data send: {e}")))?;
            }
            Step::DataReceive => {
                let mut bytes = Vec::new();
                let data = self.data()?;
                let _ = data.tcp().set_read_timeout(Some(WAIT));
                // Under TLS the data ends at the client's close_notify; a bare FIN before it is an
                // error (a truncation no one could tell from the end).
                let read = data.read_to_end(&mut bytes);
                self.record.lock().unwrap().data.extend_from_slice(&bytes);
                read.map_err(|e| End::Failed(format!("step {index}: data receive: {e}")))?;
            }
            Step::DataClose => {
                if let Some(mut data) = self.data.take() {
                    data.close();
                }
            }
            Step::DataReset => {
                let data = self.data()?;
                socket2::SockRef::from(data.tcp())
                    .set_linger(Some(Duration::ZERO))
                    .map_err(|e| End::Failed(format!("step {index}: SO_LINGER: {e}")))?;
                self.data = None;
            }
            Step::ConnectBack(from) => {
                let fail = |why: String| End::Failed(format!("step {index}: connect back: {why}"));
                let lines = self.record.lock().unwrap().lines.clone();
                let target = lines
                    .iter()
                    .rev()
                    .find_map(|line| crate::support::active::active_address(line))
                    .ok_or_else(|| fail("no PORT or EPRT line from the client".to_owned()))?;
                let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
                    .map_err(|e| fail(e.to_string()))?;
                socket.bind(&SocketAddr::new(from, 0).into()).map_err(|e| fail(format!("bind {from}: {e}")))?;
                socket.connect_timeout(&target.into(), WAIT).map_err(|e| fail(format!("{target}: {e}")))?;
                self.data_listener = None;
                self.data = Some(Conn::Plain(socket.into()));
            }
            Step::StartTls => {
                let reader = self.control.take().expect("the control connection is open");
                if !reader.buffer().is_empty() {
                    let early = String::from_utf8_lossy(reader.buffer()).into_owned();
                    self.record
                        .lock()
                        .unwrap()
                        .mismatches
                        .push(format!("step {index}: the client sent {early:?} in the clear before its TLS handshake"));
                }
                let Conn::Plain(tcp) = reader.into_inner() else {
                    return Err(End::Failed(format!("step {index}: the control connection is already TLS")));
                };
                let tls = self.handshake(tcp, &format!("step {index}: control connection"))?;
                self.control = Some(BufReader::new(tls));
            }
            Step::DataStartTls => {
                self.data()?;
                let Some(Conn::Plain(tcp)) = self.data.take() else {
                    return Err(End::Failed(format!("step {index}: the data connection is already TLS")));
                };
                self.data = Some(self.handshake(tcp, &format!("step {index}: data connection"))?);
            }
        }
        Ok(true)
    }
}

//! The probe's attempts: one per data-connection mode, each on its own control connection, all at
//! once, each a real transfer (a LIST) bounded by one deadline.
//!
//! This module only records what happened ([`Observations`]); it draws no conclusions (that is
//! `diagnose`) and prints nothing (that is `render`). The attempts are composed from the engine's
//! lower-level data steps rather than `open_data`, so that each records where it stopped:
//! - passive (EPSV, PASV): a few extra EPSV/PASV commands first, to sample the passive port range,
//!   then the mode command, the connect, LIST, the listing and the final reply;
//! - PASV also checks, on a fifth control connection, the address its 227 reply advertised when
//!   that is not the server's address (something only the probe does, as a diagnostic; transfers
//!   connect to the control peer unless told `--pasv-address trust`);
//! - active (EPRT, PORT): listen, announce, LIST, and wait for the server's connection and its
//!   reply at the same time (servers differ in which comes first).
//!
//! When the deadline ends an attempt, the step it was in says what failed: waiting for the data
//! connect is a connect timeout, waiting for the server's connection is "never connected back".
//!
//! Under TLS each attempt records whether its data connection's TLS session resumed the control
//! connection's, and the two active modes are also tried in plain FTP, on control connections of
//! their own, at the same time and within the same deadline: a NAT helper (ALG) that rewrites
//! PORT/EPRT can do so only when it can read them.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::time::Instant as Deadline;

use crate::ftp::reply::{parse_227, parse_229};
use crate::ftp::{self, Command, DataMode, DataStream, Reply, Session, Stream};

/// How many extra EPSV or PASV commands each passive attempt sends to sample the port range.
const PORT_SAMPLES: usize = 3;
/// A listing this long proves the data connection; the rest is aborted.
const LISTING_CAP: u64 = 256 * 1024;
/// The name of each attempt's one data connection in the transcript.
const DATA: &str = "data#1";
/// The transcript label of the session that checks the address a 227 reply advertised.
pub const ADVERTISED_LABEL: &str = "PASV-advertised";
/// The transcript labels of the plain-FTP comparison attempts.
const EPRT_PLAIN_LABEL: &str = "EPRT-plain";
const PORT_PLAIN_LABEL: &str = "PORT-plain";

/// Where an attempt stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// This attempt got no control connection or login.
    Control,
    /// The server did not answer the mode command, or the control connection broke there.
    NoReply,
    /// A stage of the data connection, as the engine names it.
    Data(ftp::Stage),
}

impl Stage {
    /// A stable name for JSON and tests.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Control => "control",
            Stage::NoReply => "no-reply",
            Stage::Data(s) => s.name(),
        }
    }
}

impl From<ftp::Stage> for Stage {
    fn from(s: ftp::Stage) -> Stage {
        Stage::Data(s)
    }
}

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub stage: Stage,
    pub detail: String,
}

impl Failure {
    pub fn new(stage: impl Into<Stage>, detail: impl Into<String>) -> Failure {
        Failure { stage: stage.into(), detail: detail.into() }
    }
}

impl From<ftp::DataFailure> for Failure {
    fn from(f: ftp::DataFailure) -> Failure {
        Failure::new(f.stage, f.detail)
    }
}

/// Everything one attempt saw. `None` fields were never reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub mode: DataMode,
    /// `None` when the transfer worked.
    pub failure: Option<Failure>,
    pub elapsed: Duration,
    /// The control connection's local and peer addresses.
    pub local: Option<SocketAddr>,
    pub peer: Option<SocketAddr>,
    /// The server's reply to the mode command (the last one, when several were sent).
    pub reply: Option<Reply>,
    /// Passive: the address the 227/229 reply named (for EPSV, the peer with the named port).
    pub advertised: Option<SocketAddr>,
    /// Active: the address announced in EPRT/PORT, when the server accepted it.
    pub announced: Option<SocketAddr>,
    /// Active: the IP address announced (or about to be), known even when the command was refused.
    pub announced_ip: Option<IpAddr>,
    /// Passive: where the data connection went; active: where it came from.
    pub data_address: Option<SocketAddr>,
    /// Active: connections that came from another address than the server's, and were refused.
    pub strays: Vec<SocketAddr>,
    /// The reply that ended the transfer: 226, or the 425/426/550 that failed it.
    pub transfer_reply: Option<Reply>,
    pub bytes: u64,
    /// Passive: the ports of every EPSV/PASV reply seen.
    pub ports: Vec<u16>,
    /// PASV: the attempt at the advertised address, when it is not the server's.
    pub advertised_check: Option<Check>,
    /// Under PROT P: whether the data connection's TLS session resumed the control connection's;
    /// `None` when the data connection was not TLS or its handshake did not complete.
    pub tls_resumed: Option<bool>,
    /// Active, when the probe runs with TLS: the same mode tried in plain FTP on a control
    /// connection of its own (`None` when it was not tried).
    pub plain: Option<Box<Attempt>>,
}

impl Attempt {
    pub fn new(mode: DataMode) -> Attempt {
        Attempt {
            mode,
            failure: None,
            elapsed: Duration::ZERO,
            local: None,
            peer: None,
            reply: None,
            advertised: None,
            announced: None,
            announced_ip: None,
            data_address: None,
            strays: Vec::new(),
            transfer_reply: None,
            bytes: 0,
            ports: Vec::new(),
            advertised_check: None,
            tls_resumed: None,
            plain: None,
        }
    }

    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }

    pub fn stage(&self) -> Option<Stage> {
        self.failure.as_ref().map(|f| f.stage)
    }

    /// Active: the IP address announced in EPRT/PORT, canonical (IPv4-mapped shown as IPv4).
    pub fn announced_ip(&self) -> Option<IpAddr> {
        self.announced.map(|a| a.ip()).or(self.announced_ip).map(|ip| ip.to_canonical())
    }

    /// Whether the plain-FTP comparison worked; `None` when it was not run, or got no control
    /// connection or login (a server that refuses logins without TLS).
    pub fn plain_ok(&self) -> Option<bool> {
        self.plain.as_ref().filter(|p| p.stage() != Some(Stage::Control)).map(|p| p.ok())
    }
}

/// A PASV data connection to the address the 227 reply advertised, made on its own session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The advertised address that was tried.
    pub address: SocketAddr,
    pub failure: Option<Failure>,
    pub elapsed: Duration,
}

impl Check {
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }
}

/// All the probe saw, in a form `diagnose` can judge without any I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observations {
    pub host: String,
    pub port: u16,
    /// The deadline of each attempt.
    pub deadline: Duration,
    /// From the start of the first attempt to the end of the last.
    pub elapsed: Duration,
    /// The first greeting seen (it names the server software, which the advice follows).
    pub greeting: Option<Reply>,
    /// The control connections were TLS (`--tls`, `ftpes://`, `ftps://`).
    pub tls: bool,
    /// Whether FEAT listed EPSV; `None` when FEAT gave no list.
    pub epsv_in_feat: Option<bool>,
    /// Exactly four, in the order EPSV, PASV, EPRT, PORT.
    pub attempts: Vec<Attempt>,
}

impl Observations {
    pub fn attempt(&self, mode: DataMode) -> &Attempt {
        self.attempts.iter().find(|a| a.mode == mode).expect("one attempt per mode")
    }

    /// The control connection's peer, as any attempt saw it.
    pub fn server_address(&self) -> Option<SocketAddr> {
        self.attempts.iter().find_map(|a| a.peer)
    }

    /// Our end of the control connection, as any attempt saw it.
    pub fn local_address(&self) -> Option<SocketAddr> {
        self.attempts.iter().find_map(|a| a.local)
    }

    /// The lowest and highest passive port seen, and how many replies were seen.
    pub fn passive_ports(&self) -> Option<(u16, u16, usize)> {
        let ports: Vec<u16> = self.attempts.iter().flat_map(|a| a.ports.iter().copied()).collect();
        Some((*ports.iter().min()?, *ports.iter().max()?, ports.len()))
    }
}

/// What the probe is asked to do.
#[derive(Debug, Clone)]
pub struct Plan {
    pub host: String,
    pub port: u16,
    /// The directory to list; the login directory when `None`.
    pub path: Option<Vec<u8>>,
    /// The deadline of each whole attempt.
    pub deadline: Duration,
    /// The control connections are TLS.
    pub tls: bool,
}

/// What the session facts of one attempt were, for [`Observations`].
struct Facts {
    greeting: Option<Reply>,
    epsv_in_feat: Option<bool>,
}

struct Outcome {
    attempt: Attempt,
    facts: Option<Facts>,
    control_error: Option<anyhow::Error>,
}

/// Where an attempt is, for the failure the deadline turns into.
#[derive(Debug, Clone, Copy)]
enum Step {
    Control,
    Mode,
    DataConnect(SocketAddr),
    ConnectBack(SocketAddr),
    Transfer,
    FinalReply,
}

/// Which address a passive attempt connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aim {
    /// The control peer, with the advertised port (the default policy of transfers).
    Peer,
    /// The address the reply advertised.
    Advertised,
}

/// Runs the four attempts (and the advertised-address check) at once. `open` connects and logs in
/// one session with the given transcript label; `open_plain`, when given, does the same without
/// TLS, for the plain-FTP comparison of the active modes. Fails only when no attempt got a
/// control connection: then the first attempt's error says why (and decides the exit code).
pub async fn observe<O, P>(plan: &Plan, open: &O, open_plain: Option<&P>) -> anyhow::Result<Observations>
where
    O: AsyncFn(&'static str) -> anyhow::Result<Session>,
    P: AsyncFn(&'static str) -> anyhow::Result<Session>,
{
    let list = match &plan.path {
        Some(p) => Command::path("LIST", p)?,
        None => Command::bare("LIST"),
    };
    let started = Instant::now();
    let end = Deadline::now() + plan.deadline;
    let (tx, rx) = oneshot::channel();
    let (epsv, pasv, check, eprt, port, eprt_plain, port_plain) = tokio::join!(
        attempt(DataMode::Epsv, Aim::Peer, DataMode::Epsv.name(), open, &list, end, plan.deadline, None),
        attempt(DataMode::Pasv, Aim::Peer, DataMode::Pasv.name(), open, &list, end, plan.deadline, Some(tx)),
        advertised_check(rx, open, &list, end, plan.deadline),
        attempt(DataMode::Eprt, Aim::Peer, DataMode::Eprt.name(), open, &list, end, plan.deadline, None),
        attempt(DataMode::Port, Aim::Peer, DataMode::Port.name(), open, &list, end, plan.deadline, None),
        plain(DataMode::Eprt, EPRT_PLAIN_LABEL, open_plain, &list, end, plan.deadline),
        plain(DataMode::Port, PORT_PLAIN_LABEL, open_plain, &list, end, plan.deadline),
    );
    let mut outcomes = [epsv, pasv, eprt, port];
    outcomes[1].attempt.advertised_check = check;
    outcomes[2].attempt.plain = eprt_plain;
    outcomes[3].attempt.plain = port_plain;
    if outcomes.iter().all(|o| o.control_error.is_some()) {
        let [first, ..] = outcomes;
        return Err(first.control_error.expect("checked above"));
    }
    let facts = outcomes.iter().find_map(|o| o.facts.as_ref());
    Ok(Observations {
        host: plan.host.clone(),
        port: plan.port,
        deadline: plan.deadline,
        elapsed: started.elapsed(),
        greeting: facts.and_then(|f| f.greeting.clone()),
        tls: plan.tls,
        epsv_in_feat: facts.and_then(|f| f.epsv_in_feat),
        attempts: outcomes.into_iter().map(|o| o.attempt).collect(),
    })
}

/// Waits for the PASV attempt to say which advertised address differs from the server's, and
/// tries a data connection to it on a session of its own.
async fn advertised_check<O>(
    rx: oneshot::Receiver<SocketAddr>,
    open: &O,
    list: &Command,
    end: Deadline,
    deadline: Duration,
) -> Option<Check>
where
    O: AsyncFn(&'static str) -> anyhow::Result<Session>,
{
    let advertised = tokio::time::timeout_at(end, rx).await.ok()?.ok()?;
    let outcome = attempt(DataMode::Pasv, Aim::Advertised, ADVERTISED_LABEL, open, list, end, deadline, None).await;
    let a = outcome.attempt;
    Some(Check {
        address: a.data_address.or(a.advertised).unwrap_or(advertised),
        failure: a.failure,
        elapsed: a.elapsed,
    })
}

/// An active mode in plain FTP, for comparison with its attempt under TLS; `None` without
/// `open`. Its control connection's failure is only recorded: it decides nothing.
async fn plain<P>(
    mode: DataMode,
    label: &'static str,
    open: Option<&P>,
    list: &Command,
    end: Deadline,
    deadline: Duration,
) -> Option<Box<Attempt>>
where
    P: AsyncFn(&'static str) -> anyhow::Result<Session>,
{
    let outcome = attempt(mode, Aim::Peer, label, open?, list, end, deadline, None).await;
    Some(Box::new(outcome.attempt))
}

#[allow(clippy::too_many_arguments)]
async fn attempt<O>(
    mode: DataMode,
    aim: Aim,
    label: &'static str,
    open: &O,
    list: &Command,
    end: Deadline,
    deadline: Duration,
    tell_advertised: Option<oneshot::Sender<SocketAddr>>,
) -> Outcome
where
    O: AsyncFn(&'static str) -> anyhow::Result<Session>,
{
    let started = Instant::now();
    let mut att = Attempt::new(mode);
    let mut step = Step::Control;
    let mut facts = None;
    let mut control_error = None;
    let mut session: Option<Session> = None;
    let mut protected = false;
    let result = tokio::time::timeout_at(end, async {
        let s = match open(label).await {
            Ok(s) => session.insert(s),
            Err(e) => {
                let detail = format!("no control connection: {e:#}");
                control_error = Some(e);
                return Err(Failure::new(Stage::Control, detail));
            }
        };
        att.local = Some(s.local_addr());
        att.peer = Some(s.peer_addr());
        protected = s.config().tls.as_ref().is_some_and(|t| t.protect_data);
        let features = s.features();
        facts = Some(Facts { greeting: s.greeting().cloned(), epsv_in_feat: features.known.then_some(features.epsv) });
        if mode.is_passive() {
            passive(&mut att, &mut step, s, aim, list, tell_advertised).await
        } else {
            active(&mut att, &mut step, s, list).await
        }
    })
    .await;
    att.failure = match result {
        Ok(Ok(())) => None,
        Ok(Err(f)) => Some(f),
        Err(_) => {
            if matches!(step, Step::Control) {
                // As if the connect had timed out: the exit status is the one of a server that
                // cannot be reached.
                control_error = Some(ftp::Error::Timeout { phase: ftp::Phase::Connect, after: deadline }.into());
            }
            Some(expired(step, mode, deadline))
        }
    };
    // A 522 or 425 about the data connection's TLS session (vsftpd `require_ssl_reuse`), however
    // it reached us (before or after the data connection, or after no handshake at all), is a
    // failure of the data connection's TLS, not of the path or the listing.
    if protected
        && let Some(f) = &mut att.failure
        && att.tls_resumed != Some(true)
        && att.transfer_reply.as_ref().is_some_and(|r| ftp::refuses_tls_session(r, att.tls_resumed))
    {
        f.stage = Stage::Data(ftp::Stage::Tls);
    }
    att.elapsed = started.elapsed();
    if let Some(s) = session {
        // A polite QUIT when the session is in step and time is left; dropping it closes it anyway.
        let left = end.saturating_duration_since(Deadline::now()).min(Duration::from_millis(500));
        if att.ok() && !left.is_zero() {
            let _ = tokio::time::timeout(left, s.quit()).await;
        }
    }
    Outcome { attempt: att, facts, control_error }
}

/// The failure an attempt gets when the deadline ends it in `step`.
fn expired(step: Step, mode: DataMode, deadline: Duration) -> Failure {
    let secs = deadline.as_secs_f64();
    match step {
        Step::Control => Failure::new(Stage::Control, format!("no control connection and login within {secs}s")),
        Step::Mode => Failure::new(Stage::NoReply, format!("no reply to {mode} within {secs}s")),
        Step::DataConnect(to) => {
            Failure::new(ftp::Stage::ConnectTimeout, format!("connection to {to} got no answer within {secs}s"))
        }
        Step::ConnectBack(to) => {
            Failure::new(ftp::Stage::NoConnectBack, format!("the server did not connect back to {to} within {secs}s"))
        }
        Step::Transfer => Failure::new(ftp::Stage::Transfer, format!("the listing did not finish within {secs}s")),
        Step::FinalReply => {
            Failure::new(ftp::Stage::Transfer, format!("no final reply to LIST within {secs}s after the listing"))
        }
    }
}

/// The failure an engine error (not a data-connection failure) means in `step`.
fn engine_failure(e: ftp::Error, step: Step, att: &mut Attempt) -> Failure {
    if let ftp::Error::TlsData { reply, .. } = &e {
        att.transfer_reply = Some(reply.clone());
        return Failure::new(ftp::Stage::Tls, e.to_string());
    }
    let stage = match step {
        Step::Control => Stage::Control,
        Step::Mode => Stage::NoReply,
        Step::DataConnect(_) | Step::ConnectBack(_) | Step::Transfer | Step::FinalReply => {
            Stage::Data(ftp::Stage::Transfer)
        }
    };
    if let ftp::Error::Refused { reply, .. } = &e {
        att.transfer_reply = Some(reply.clone());
    }
    Failure::new(stage, e.to_string())
}

/// The port a 227 or 229 reply names, for sampling.
fn offered_port(mode: DataMode, reply: &Reply) -> Option<u16> {
    let text = reply.message();
    match (mode, reply.code) {
        (DataMode::Epsv, 229) => parse_229(&text).ok(),
        (DataMode::Pasv, 227) => parse_227(&text).ok().map(|a| a.port()),
        _ => None,
    }
}

async fn passive(
    att: &mut Attempt,
    step: &mut Step,
    session: &mut Session,
    aim: Aim,
    list: &Command,
    tell_advertised: Option<oneshot::Sender<SocketAddr>>,
) -> Result<(), Failure> {
    let mode = att.mode;
    let peer = session.peer_addr();
    *step = Step::Mode;
    // PASV cannot work on IPv6 (request_passive says so without sending it): nothing to sample.
    let samples = if aim == Aim::Peer && !(mode == DataMode::Pasv && peer.is_ipv6()) { PORT_SAMPLES } else { 0 };
    for _ in 0..samples {
        let reply = session.command(&Command::bare(mode.name())).await.map_err(|e| engine_failure(e, *step, att))?;
        match offered_port(mode, &reply) {
            Some(port) => att.ports.push(port),
            // Refused or unreadable: the attempt below gets the same answer and reports it.
            None => break,
        }
    }
    let offer = match session.request_passive(mode, DATA).await {
        Ok(Ok(offer)) => offer,
        Ok(Err(why)) => {
            att.reply = why.reply.clone();
            return Err(why.into());
        }
        Err(e) => return Err(engine_failure(e, *step, att)),
    };
    att.reply = session.last_reply().cloned();
    att.advertised = Some(offer.advertised);
    if aim == Aim::Peer {
        att.ports.push(offer.advertised.port());
    }
    let peer_ip = peer.ip().to_canonical();
    if offer.advertised.ip().to_canonical() != peer_ip
        && let Some(tx) = tell_advertised
    {
        let _ = tx.send(offer.advertised);
    }
    // The probe runs with the peer policy, so `target` is the peer for PASV.
    let target = if aim == Aim::Advertised { offer.advertised } else { offer.target };
    *step = Step::DataConnect(target);
    let stream = session.connect_data(mode, target, DATA).await?;
    let Stream::Tcp(tcp) = stream else { unreachable!("connect_data gives a TCP stream") };
    att.data_address = Some(target);
    *step = Step::Transfer;
    start_listing(att, step, session, list, Pending::Connected(tcp, target)).await
}

async fn active(att: &mut Attempt, step: &mut Step, session: &mut Session, list: &Command) -> Result<(), Failure> {
    let mode = att.mode;
    *step = Step::Mode;
    // What request_active announces, recorded first: a refusal is about this address.
    let ip = session.config().active_address.unwrap_or(session.local_addr().ip());
    att.announced_ip = Some(ip);
    let listener = match session.request_active(mode, DATA).await {
        Ok(Ok(l)) => l,
        Ok(Err(why)) => {
            att.reply = why.reply.clone();
            return Err(why.into());
        }
        Err(e) => return Err(engine_failure(e, *step, att)),
    };
    att.reply = session.last_reply().cloned();
    let port = listener.local_addr().map_err(|e| Failure::new(ftp::Stage::Listen, e.to_string()))?.port();
    let announced = SocketAddr::new(ip, port);
    att.announced = Some(announced);
    let server_ip = session.peer_addr().ip().to_canonical();
    *step = Step::ConnectBack(announced);
    start_listing(att, step, session, list, Pending::Listening(&listener, server_ip)).await
}

/// A data connection on its way.
enum Pending<'a> {
    /// Passive: connected to this address.
    Connected(TcpStream, SocketAddr),
    /// Active: the server is to connect here, from this address.
    Listening(&'a TcpListener, IpAddr),
}

/// Sends LIST while the data connection completes (the accept in active mode, then the TLS
/// handshake under PROT P), then reads the listing. Both at once, as servers differ in what comes
/// first: vsftpd connects in active mode before it answers 150, others after.
async fn start_listing(
    att: &mut Attempt,
    step: &mut Step,
    session: &mut Session,
    list: &Command,
    pending: Pending<'_>,
) -> Result<(), Failure> {
    let mode = att.mode;
    let passive = matches!(pending, Pending::Connected(..));
    let protection = session.data_protection(mode, DATA);
    let strays = &mut att.strays;
    let resumed = &mut att.tls_resumed;
    let establish = async move {
        let (tcp, from) = match pending {
            Pending::Connected(tcp, to) => (tcp, to),
            Pending::Listening(listener, server) => accept_from(listener, server, strays)
                .await
                .map_err(|e| Failure::new(ftp::Stage::Listen, format!("accept failed: {e}")))?,
        };
        let (stream, r) = protection.apply(tcp).await?;
        // Recorded at once: the server's refusal of a new session may end the attempt first.
        *resumed = r;
        Ok::<_, Failure>((stream, from))
    };
    let ((stream, from), early) = {
        let transfer = session.start_transfer(mode, list, None);
        tokio::pin!(transfer, establish);
        tokio::select! {
            r = &mut transfer => match r {
                // A final reply and no connection is a failure in active mode (nothing proven);
                // in passive mode the connection is already up.
                Ok(Ok(early)) if early.is_none() || passive => ((&mut establish).await?, early),
                r => return Err(transfer_failed(r, &mut att.transfer_reply, passive)),
            },
            done = &mut establish => {
                let done = done?;
                match (&mut transfer).await {
                    // A final reply with the connection open: the listing may still be readable.
                    Ok(Ok(early)) => (done, early),
                    r => return Err(transfer_failed(r, &mut att.transfer_reply, true)),
                }
            }
        }
    };
    att.data_address = Some(from);
    *step = Step::Transfer;
    let mut data = session.data_stream(Some(stream), mode, from, DATA.into(), list, early);
    // So that a refusal of this session in the final reply is told as one.
    data.tls_resumed = att.tls_resumed;
    read_listing(att, step, session, data).await
}

/// The failure an active transfer command's answer means; `connected` when the server did
/// connect. Keeps the reply.
fn transfer_failed(
    r: Result<Result<Option<Reply>, ftp::DataFailure>, ftp::Error>,
    reply: &mut Option<Reply>,
    connected: bool,
) -> Failure {
    match r {
        Ok(Err(why)) => {
            reply.clone_from(&why.reply);
            why.into()
        }
        Ok(Ok(Some(final_reply))) if !connected => {
            let detail = format!("the server answered {final_reply} without connecting: the data path is untested");
            *reply = Some(final_reply);
            Failure::new(ftp::Stage::Transfer, detail)
        }
        Ok(Ok(_)) => Failure::new(ftp::Stage::Transfer, "unexpected reply"),
        Err(e) => {
            if let ftp::Error::Refused { reply: r, .. } = &e {
                *reply = Some(r.clone());
            }
            Failure::new(ftp::Stage::Transfer, e.to_string())
        }
    }
}

/// Accepts the server's data connection from `server` only (as transfers do: anyone else could
/// be feeding us data); others are recorded and dropped.
async fn accept_from(
    listener: &TcpListener,
    server: IpAddr,
    strays: &mut Vec<SocketAddr>,
) -> std::io::Result<(TcpStream, SocketAddr)> {
    loop {
        let (tcp, from) = listener.accept().await?;
        if from.ip().to_canonical() == server {
            return Ok((tcp, from));
        }
        strays.push(from);
    }
}

/// Reads the listing (up to [`LISTING_CAP`], then ABOR) and the final reply.
async fn read_listing(
    att: &mut Attempt,
    step: &mut Step,
    session: &mut Session,
    mut data: DataStream,
) -> Result<(), Failure> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match data.read(&mut buf).await {
            Ok(0) => break,
            Ok(_) => {
                att.bytes = data.bytes();
                if att.bytes >= LISTING_CAP {
                    *step = Step::FinalReply;
                    return session.abort_data(data).await.map_err(|e| engine_failure(e, *step, att));
                }
            }
            Err(e) => return Err(Failure::new(ftp::Stage::Transfer, format!("the listing failed: {e}"))),
        }
    }
    att.bytes = data.bytes();
    *step = Step::FinalReply;
    match session.finish_data(data).await {
        Ok(reply) => {
            att.transfer_reply = Some(reply);
            Ok(())
        }
        Err(e) => Err(engine_failure(e, *step, att)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_names_the_step_it_ended() {
        let d = Duration::from_secs(5);
        let to: SocketAddr = "192.0.2.1:40000".parse().unwrap();
        assert_eq!(expired(Step::Control, DataMode::Epsv, d).stage, Stage::Control);
        assert_eq!(expired(Step::Mode, DataMode::Epsv, d).stage, Stage::NoReply);
        let f = expired(Step::DataConnect(to), DataMode::Pasv, d);
        assert_eq!(f.stage.name(), "connect-timeout");
        assert!(f.detail.contains("192.0.2.1:40000"), "{}", f.detail);
        let f = expired(Step::ConnectBack(to), DataMode::Eprt, d);
        assert_eq!(f.stage.name(), "no-connect-back");
        assert!(f.detail.contains("within 5s"), "{}", f.detail);
        assert_eq!(expired(Step::Transfer, DataMode::Port, d).stage.name(), "transfer");
    }

    #[test]
    fn sampled_ports_come_from_227_and_229() {
        let r = |code, line: &str| Reply { code, lines: vec![line.as_bytes().to_vec()] };
        assert_eq!(offered_port(DataMode::Epsv, &r(229, "229 Entering (|||40001|)")), Some(40001));
        assert_eq!(offered_port(DataMode::Pasv, &r(227, "227 Entering (10,0,0,1,156,65)")), Some(40001));
        assert_eq!(offered_port(DataMode::Epsv, &r(500, "500 Unknown command")), None);
    }
}

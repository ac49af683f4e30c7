//! The probe's attempts: one per data-connection mode, each on its own control connection, all at
//! once, each a real transfer (a LIST) bounded by one deadline.
//!
//! This module only records what happened (the [`model`](super::model) types); it draws no
//! conclusions (that is `diagnose`) and prints nothing (that is `render`). Each attempt is the
//! engine's own data-connection attempt ([`Session::attempt_data`], the one transfers use), and
//! the probe reads what the engine recorded; it opens no listener or data connection itself.
//!
//! The order of work on each connection never depends on a server reading ahead: the mode's one
//! real transfer (the mode command, the data connection, LIST, the listing and the final reply),
//! then, when the server's FEAT offers it (`ftpx serve`), `SITE FTPX-ECHO` (what the server saw
//! of this session), then SYST on one session, then QUIT. Every passive listener the probe causes is the one its
//! transfer uses, so a probe leaves nothing open on the server. (It no longer sends extra
//! EPSV/PASV to sample the passive range: a server that reads commands in sequence never answers
//! one sent before the data connection, and each one is a listener on the server that some
//! servers, ftp-srv among them, cannot be made to release reliably. The ports of the two passive
//! transfers are reported.)
//! - PASV also checks, on a fifth control connection, the address its 227 reply advertised when
//!   that is not the server's address (something only the probe does, as a diagnostic; transfers
//!   connect to the control peer unless told to trust the reply).
//!
//! A session whose control connection or login fails for reasons unrelated to the mode (a TLS
//! handshake error, a refused or reset connection, a per-address limit) is opened once more; if
//! it fails again, the mode is "not measured", with the reason.
//!
//! When the deadline ends an attempt, the engine's step says what failed: waiting for the data
//! connect is a connect timeout, waiting for the server's connection is "never connected back".
//!
//! Under TLS each attempt records whether its data connection's TLS session resumed the control
//! connection's, and the two active modes are also tried in plain FTP, on control connections of
//! their own, at the same time and within the same deadline: a NAT helper (ALG) that rewrites
//! PORT/EPRT can do so only when it can read them.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tokio::time::Instant as Deadline;

use super::model::{Attempt, Check, Failure, Observations, Plan, Stage};
use crate::ftp::{self, Command, DataMode, DataRecord, DataStream, PasvAddress, Refusal, Reply, Session, Step};

/// A listing this long proves the data connection; the rest is aborted.
const LISTING_CAP: u64 = 256 * 1024;
/// How long to wait before opening a failed session again: per-address limits free up as the
/// other attempts' connections come and go.
const RETRY_PAUSE: Duration = Duration::from_millis(300);
/// The transcript label of the session that checks the address a 227 reply advertised.
pub const ADVERTISED_LABEL: &str = "PASV-advertised";
/// The transcript labels of the plain-FTP comparison attempts.
const EPRT_PLAIN_LABEL: &str = "EPRT-plain";
const PORT_PLAIN_LABEL: &str = "PORT-plain";

/// What the session facts of one attempt were, for [`Observations`].
struct Facts {
    greeting: Option<Reply>,
    epsv_in_feat: Option<bool>,
    features: Vec<String>,
    syst: Option<Reply>,
}

struct Outcome {
    attempt: Attempt,
    facts: Option<Facts>,
    control_error: Option<anyhow::Error>,
}

/// Which address a passive attempt connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aim {
    /// The control peer, with the advertised port (the default policy of transfers).
    Peer,
    /// The address the reply advertised.
    Advertised,
}

/// One attempt's setting.
struct Job<'a, O> {
    mode: DataMode,
    aim: Aim,
    label: &'static str,
    open: &'a O,
    list: &'a Command,
    end: Deadline,
    deadline: Duration,
    /// Ask SYST after the transfer (one session is enough).
    syst: bool,
}

/// Runs the four attempts (and the advertised-address check) at once. `open` connects and logs in
/// one session for the given mode with the given transcript label; `open_plain`, when given, does
/// the same without TLS, for the plain-FTP comparison of the active modes. Fails only when no
/// attempt got a control connection: then the first attempt's error says why (and decides the
/// exit code).
pub async fn observe<O, P>(plan: &Plan, open: &O, open_plain: Option<&P>) -> anyhow::Result<Observations>
where
    O: AsyncFn(&'static str, DataMode) -> anyhow::Result<Session>,
    P: AsyncFn(&'static str, DataMode) -> anyhow::Result<Session>,
{
    let list = match &plan.path {
        Some(p) => Command::path("LIST", p)?,
        None => Command::bare("LIST"),
    };
    let started = Instant::now();
    let end = Deadline::now() + plan.deadline;
    let job = |mode: DataMode, label, syst| Job {
        mode,
        aim: Aim::Peer,
        label,
        open,
        list: &list,
        end,
        deadline: plan.deadline,
        syst,
    };
    let (tx, rx) = oneshot::channel();
    let (epsv, pasv, check, eprt, port, eprt_plain, port_plain) = tokio::join!(
        attempt(job(DataMode::Epsv, "EPSV", true), None),
        attempt(job(DataMode::Pasv, "PASV", false), Some(tx)),
        advertised_check(rx, Job { aim: Aim::Advertised, ..job(DataMode::Pasv, ADVERTISED_LABEL, false) }),
        attempt(job(DataMode::Eprt, "EPRT", false), None),
        attempt(job(DataMode::Port, "PORT", false), None),
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
    let syst = outcomes.iter().find_map(|o| o.facts.as_ref().and_then(|f| f.syst.clone()));
    Ok(Observations {
        host: plan.host.clone(),
        port: plan.port,
        deadline: plan.deadline,
        elapsed: started.elapsed(),
        greeting: facts.and_then(|f| f.greeting.clone()),
        syst,
        features: facts.map(|f| f.features.clone()).unwrap_or_default(),
        tls: plan.tls,
        epsv_in_feat: facts.and_then(|f| f.epsv_in_feat),
        attempts: outcomes.into_iter().map(|o| o.attempt).collect(),
        again: plan.again.clone(),
    })
}

/// Waits for the PASV attempt to say which advertised address differs from the server's, and
/// tries a data connection to it on a session of its own.
async fn advertised_check<O>(rx: oneshot::Receiver<SocketAddr>, job: Job<'_, O>) -> Option<Check>
where
    O: AsyncFn(&'static str, DataMode) -> anyhow::Result<Session>,
{
    let advertised = tokio::time::timeout_at(job.end, rx).await.ok()?.ok()?;
    let a = attempt(job, None).await.attempt;
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
    P: AsyncFn(&'static str, DataMode) -> anyhow::Result<Session>,
{
    let job = Job { mode, aim: Aim::Peer, label, open: open?, list, end, deadline, syst: false };
    Some(Box::new(attempt(job, None).await.attempt))
}

/// Whether a failure to open a session could go away on a second try: a TLS handshake that
/// failed, a connection refused, reset or closed, a server at its connection limit. A wrong
/// password, a server that refuses TLS or does not speak FTP would only fail again.
fn worth_retrying(e: &anyhow::Error) -> bool {
    let Some(e) = e.chain().find_map(|c| c.downcast_ref::<ftp::Error>()) else { return false };
    match e {
        ftp::Error::Connect { .. } | ftp::Error::Closed | ftp::Error::Io(_) | ftp::Error::Tls(_) => {
            !e.is_untrusted_certificate()
        }
        ftp::Error::ServiceClosing(_) | ftp::Error::Greeting(_) | ftp::Error::Busy(_) => true,
        ftp::Error::Login(_) => e.refusal() == Some(Refusal::TooManyConnections),
        _ => false,
    }
}

/// Connects and logs in, once more after a failure that could be passing; by `end`.
async fn open_session<O>(job: &Job<'_, O>, att: &mut Attempt) -> Result<Session, anyhow::Error>
where
    O: AsyncFn(&'static str, DataMode) -> anyhow::Result<Session>,
{
    let timed_out = || ftp::Error::Timeout { phase: ftp::Phase::Connect, after: job.deadline }.into();
    let first = match tokio::time::timeout_at(job.end, (job.open)(job.label, job.mode)).await {
        Ok(Ok(s)) => return Ok(s),
        Ok(Err(e)) => e,
        Err(_) => return Err(timed_out()),
    };
    if !worth_retrying(&first) {
        return Err(first);
    }
    att.retried = true;
    tokio::time::sleep_until(Deadline::now() + RETRY_PAUSE).await;
    match tokio::time::timeout_at(job.end, (job.open)(job.label, job.mode)).await {
        Ok(r) => r,
        Err(_) => Err(timed_out()),
    }
}

async fn attempt<O>(job: Job<'_, O>, tell_advertised: Option<oneshot::Sender<SocketAddr>>) -> Outcome
where
    O: AsyncFn(&'static str, DataMode) -> anyhow::Result<Session>,
{
    let started = Instant::now();
    let mode = job.mode;
    let mut att = Attempt::new(mode);
    let mut session = match open_session(&job, &mut att).await {
        Ok(s) => s,
        Err(e) => {
            let again = if att.retried { ", twice" } else { "" };
            att.failure = Some(Failure::new(Stage::NotMeasured, format!("no control connection{again}: {e:#}")));
            att.elapsed = started.elapsed();
            return Outcome { attempt: att, facts: None, control_error: Some(e) };
        }
    };
    att.local = Some(session.local_addr());
    att.peer = Some(session.peer_addr());
    let features = session.features();
    let mut facts = Facts {
        greeting: session.greeting().cloned(),
        epsv_in_feat: features.known.then_some(features.epsv),
        features: features.lines.clone(),
        syst: None,
    };
    if job.aim == Aim::Advertised {
        session.set_pasv_address(PasvAddress::Trust);
    }

    // The measurement: the engine's attempt, then the listing.
    let mut record = DataRecord::new(mode);
    record.on_advertised = tell_advertised;
    let measured = tokio::time::timeout_at(job.end, measure(&mut att, &mut session, job.list, &mut record)).await;
    att.failure = match measured {
        Ok(Ok(())) => None,
        Ok(Err(f)) => Some(f),
        Err(_) => {
            // Cut off mid-command: the next reply could be an old one, so nothing more is sent.
            session.mark_broken();
            Some(expired(&record, job.deadline))
        }
    };
    record_into(&mut att, &record, job.aim);
    att.elapsed = started.elapsed();

    // After it, and never changing it: the server's echo (only when its FEAT offers one), SYST,
    // QUIT.
    if session.is_usable() && ftp::echo::advertised(session.features()) {
        match tokio::time::timeout_at(job.end, ftp::echo::query(&mut session)).await {
            Ok(echo) => att.echo = echo.ok().flatten(),
            Err(_) => session.mark_broken(),
        }
    }
    if job.syst && session.is_usable() {
        match tokio::time::timeout_at(job.end, session.command(&Command::bare("SYST"))).await {
            Ok(reply) => facts.syst = reply.ok().filter(|r| r.is_success()),
            Err(_) => session.mark_broken(),
        }
    }
    if session.is_usable() {
        // A polite QUIT when time is left (it also releases anything the server still holds
        // for this session); dropping it closes it anyway.
        let left = job.end.saturating_duration_since(Deadline::now()).min(Duration::from_millis(500));
        if !left.is_zero() {
            let _ = tokio::time::timeout(left, session.quit()).await;
        }
    }
    Outcome { attempt: att, facts: Some(facts), control_error: None }
}

/// Copies what the engine recorded into the attempt.
fn record_into(att: &mut Attempt, record: &DataRecord, aim: Aim) {
    att.reply = record.mode_reply.clone();
    att.advertised = record.advertised;
    att.announced = record.announced;
    att.announced_ip = record.announced_ip;
    att.data_address = record.data_peer();
    att.strays = record.strays();
    att.tls_resumed = record.tls_resumed();
    att.mode_reply_after = record.mode_reply_after;
    att.connected_after = record.connected_after();
    if att.transfer_reply.is_none() {
        att.transfer_reply = record.transfer_reply.clone().filter(|r| !r.is_success() || att.ok());
    }
    if aim == Aim::Peer
        && let Some(adv) = record.advertised
    {
        att.ports.push(adv.port());
    }
}

/// The engine's attempt at the mode, and the listing over it.
async fn measure(
    att: &mut Attempt,
    session: &mut Session,
    list: &Command,
    record: &mut DataRecord,
) -> Result<(), Failure> {
    let data = match session.attempt_data(list, None, record).await {
        Ok(Some(data)) => data,
        Ok(None) => return Err(record.failure.clone().expect("a failed attempt records why").into()),
        Err(e) => return Err(engine_failure(e, record.step, att)),
    };
    if !data.is_connected() && !att.mode.is_passive() {
        let said = record.transfer_reply.as_ref().map(Reply::to_string).unwrap_or_default();
        return Err(Failure::new(
            ftp::Stage::Transfer,
            format!("the server answered {said} without connecting: the data path is untested"),
        ));
    }
    read_listing(att, session, data).await
}

/// The failure an attempt gets when the deadline ends it in `step`.
fn expired(record: &DataRecord, deadline: Duration) -> Failure {
    let secs = deadline.as_secs_f64();
    let mode = record.mode;
    match record.step {
        Step::Mode => Failure::new(Stage::NoReply, format!("no reply to {mode} within {secs}s")),
        Step::Connect(to) => {
            Failure::new(ftp::Stage::ConnectTimeout, format!("connection to {to} got no answer within {secs}s"))
        }
        Step::ConnectBack(to) => {
            Failure::new(ftp::Stage::NoConnectBack, format!("the server did not connect back to {to} within {secs}s"))
        }
        Step::Reply => Failure::new(ftp::Stage::Transfer, format!("no reply to LIST within {secs}s")),
        Step::Open => Failure::new(ftp::Stage::Transfer, format!("the listing did not finish within {secs}s")),
    }
}

/// The failure an engine error (not a data-connection failure) means in `step`.
fn engine_failure(e: ftp::Error, step: Step, att: &mut Attempt) -> Failure {
    if let ftp::Error::TlsData { reply, .. } = &e {
        att.transfer_reply = Some(reply.clone());
        return Failure::new(ftp::Stage::Tls, e.to_string());
    }
    if let ftp::Error::Refused { reply, .. } = &e {
        att.transfer_reply = Some(reply.clone());
    }
    let stage = match step {
        Step::Mode => Stage::NoReply,
        _ => Stage::Data(ftp::Stage::Transfer),
    };
    Failure::new(stage, e.to_string())
}

/// Reads the listing (up to [`LISTING_CAP`], then ABOR) and the final reply.
async fn read_listing(att: &mut Attempt, session: &mut Session, mut data: DataStream) -> Result<(), Failure> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match data.read(&mut buf).await {
            Ok(0) => break,
            Ok(_) => {
                att.bytes = data.bytes();
                if att.bytes >= LISTING_CAP {
                    return session.abort_data(data).await.map_err(|e| engine_failure(e, Step::Open, att));
                }
            }
            Err(e) => return Err(Failure::new(ftp::Stage::Transfer, format!("the listing failed: {e}"))),
        }
    }
    att.bytes = data.bytes();
    match session.finish_data(data).await {
        Ok(reply) => {
            att.transfer_reply = Some(reply);
            Ok(())
        }
        Err(e) => Err(engine_failure(e, Step::Open, att)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_names_the_step_it_ended() {
        let d = Duration::from_secs(5);
        let to: SocketAddr = "192.0.2.1:40000".parse().unwrap();
        let at = |mode, step| {
            let mut r = DataRecord::new(mode);
            r.step = step;
            expired(&r, d)
        };
        assert_eq!(at(DataMode::Epsv, Step::Mode).stage, Stage::NoReply);
        let f = at(DataMode::Pasv, Step::Connect(to));
        assert_eq!(f.stage.name(), "connect-timeout");
        assert!(f.detail.contains("192.0.2.1:40000"), "{}", f.detail);
        let f = at(DataMode::Eprt, Step::ConnectBack(to));
        assert_eq!(f.stage.name(), "no-connect-back");
        assert!(f.detail.contains("within 5s"), "{}", f.detail);
        assert_eq!(at(DataMode::Port, Step::Open).stage.name(), "transfer");
    }

    #[test]
    fn only_passing_control_failures_are_retried() {
        let e = |e: ftp::Error| anyhow::Error::new(e).context("cannot log in");
        let reply = |line: &str| Reply { code: line[..3].parse().unwrap(), lines: vec![line.as_bytes().to_vec()] };
        assert!(worth_retrying(&e(ftp::Error::Tls("TLS handshake failed: connection reset".into()))));
        assert!(worth_retrying(&e(ftp::Error::Closed)));
        assert!(worth_retrying(&e(ftp::Error::Greeting(reply("421 Too many connections from your IP")))));
        assert!(worth_retrying(&e(ftp::Error::Busy(reply("421 Too many connections from your IP")))));
        assert!(worth_retrying(&e(ftp::Error::Login(reply("530 Too many connections from this host")))));
        assert!(!worth_retrying(&e(ftp::Error::Login(reply("530 Login incorrect.")))));
        assert!(!worth_retrying(&e(ftp::Error::TlsRefused(reply("500 AUTH not understood")))));
    }
}

//! From what the attempts saw to what it means: findings, a recommended mode and a verdict.
//!
//! A pure function of [`Observations`], so every finding is tested with hand-built observations.
//! Each finding has a stable code, says in plain words what happened with the addresses involved,
//! and what to do, separately for the person at the client and for the server's administrator.
//! Advice names the settings of the server software the greeting revealed (vsftpd, ProFTPD,
//! pure-ftpd), or of all three when it is unknown.
//!
//! The findings live by area: `passive` (the 227 address, blocked or refused passive ports),
//! `active` (NAT on the client's side, refused PORT/EPRT, no connection back, NAT helpers),
//! `tls` (data connections whose TLS session the server refuses), `general` (control
//! connections, IPv6, unknown commands, transfers, nothing working), `echo` (facts the server
//! itself reports, when it answers `SITE FTPX-ECHO`: NAT, a rewritten PORT/EPRT, data connections
//! from another address); `verdict` sums up.

mod active;
mod echo;
mod general;
mod passive;
mod tls;
mod verdict;

use std::net::{IpAddr, SocketAddr};

use super::address::{addresses_in, classify};
use super::model::{Attempt, Observations, Stage};
use crate::ftp::{DataMode, Refusal, Reply, Stage as DataStage};
use crate::text::escape;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something that stops transfers from working.
    Error,
    /// Something wrong or fragile that ftpx works around, or that breaks one mode.
    Warning,
    /// An explanation: nothing needs fixing for ftpx to work.
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable: scripts and tests match on it.
    pub code: &'static str,
    pub severity: Severity,
    /// What happened and why, naming the addresses.
    pub message: String,
    /// What the person running the client can do.
    pub client_action: Option<String>,
    /// What the server's administrator can do.
    pub server_action: Option<String>,
}

/// The server software whose settings the advice can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Software {
    Vsftpd,
    Proftpd,
    PureFtpd,
}

impl Software {
    pub fn name(self) -> &'static str {
        match self {
            Software::Vsftpd => "vsftpd",
            Software::Proftpd => "ProFTPD",
            Software::PureFtpd => "pure-ftpd",
        }
    }

    fn from_name(name: &str) -> Option<Software> {
        [Software::Vsftpd, Software::Proftpd, Software::PureFtpd].into_iter().find(|s| s.name() == name)
    }
}

/// Server software as its greeting, SYST reply or FEAT lines name it: the word to look for
/// (lowercase) and the name to report.
const KNOWN_SERVERS: &[(&str, &str)] = &[
    ("vsftpd", "vsftpd"),
    ("proftpd", "ProFTPD"),
    ("pure-ftpd", "pure-ftpd"),
    ("pyftpdlib", "pyftpdlib"),
    ("filezilla", "FileZilla Server"),
    ("microsoft ftp", "Microsoft FTP Service"),
    ("serv-u", "Serv-U"),
    ("wu-", "wu-ftpd"),
    ("bftpd", "bftpd"),
    ("glftpd", "glFTPd"),
    ("twisted", "Twisted"),
    ("ftp-srv", "ftp-srv"),
    ("apache ftpserver", "Apache FtpServer"),
    ("crushftp", "CrushFTP"),
    ("cerberus", "Cerberus FTP Server"),
    ("ws_ftp", "WS_FTP Server"),
    ("titan ftp", "Titan FTP Server"),
    ("gene6", "Gene6 FTP Server"),
    ("busybox", "BusyBox ftpd"),
    ("windows_nt", "Windows FTP server"),
];

/// The server software named by the greeting, then SYST, then the FEAT lines.
pub fn server_software(obs: &Observations) -> Option<&'static str> {
    let texts = obs.greeting.iter().chain(obs.syst.iter()).map(Reply::to_string).chain(obs.features.iter().cloned());
    texts
        .map(|t| t.to_ascii_lowercase())
        .find_map(|t| KNOWN_SERVERS.iter().find(|(word, _)| t.contains(word)).map(|(_, name)| *name))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// Errors first, then warnings, then explanations.
    pub findings: Vec<Finding>,
    /// The first mode that worked, in the order EPSV, PASV, EPRT, PORT.
    pub recommended: Option<DataMode>,
    /// One line: what to use and why the rest does not work.
    pub verdict: String,
    /// This machine's public address: where the server saw the control connection come from,
    /// when it says so (`SITE FTPX-ECHO`), else when a server reply revealed it.
    pub client_public_address: Option<IpAddr>,
    /// Whether this machine is behind NAT, as a fact: the server saw the control connection come
    /// from another address than ours. `None` when the server does not say.
    pub behind_nat: Option<bool>,
    /// The server software, when the greeting, SYST or FEAT names it.
    pub server_software: Option<&'static str>,
    /// The one whose settings the advice names.
    pub software: Option<Software>,
}

impl Diagnosis {
    pub fn has(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// What every finding needs to know.
struct Facts<'a> {
    obs: &'a Observations,
    server: Option<IpAddr>,
    local: Option<IpAddr>,
    software: Option<Software>,
    /// The client's address is not public while the server's is.
    client_natted: bool,
    public: Option<IpAddr>,
    /// Where the server saw the control connection come from, when it says (`SITE FTPX-ECHO`).
    seen_at: Option<SocketAddr>,
    passive_works: bool,
    active_works: bool,
}

impl Facts<'_> {
    fn server_ip(&self) -> String {
        self.server.map_or_else(|| "the server's address".to_owned(), |ip| ip.to_string())
    }

    /// Advice in the terms of the server software, or of all three when unknown.
    fn per_server(&self, vsftpd: &str, proftpd: &str, pureftpd: &str) -> String {
        let all = [(Software::Vsftpd, vsftpd), (Software::Proftpd, proftpd), (Software::PureFtpd, pureftpd)];
        let shown: Vec<String> = all
            .iter()
            .filter(|(s, text)| !text.is_empty() && self.software.is_none_or(|k| k == *s))
            .map(|(s, text)| format!("{} {text}", s.name()))
            .collect();
        shown.join("; ")
    }
}

pub fn diagnose(obs: &Observations) -> Diagnosis {
    let server = obs.server_address().map(|a| a.ip().to_canonical());
    let local = obs.local_address().map(|a| a.ip().to_canonical());
    let client_natted =
        matches!((local, server), (Some(l), Some(s)) if !classify(l).is_public() && classify(s).is_public());
    let server_software = server_software(obs);
    let software = server_software.and_then(Software::from_name);
    let seen_at = obs.echo().map(|e| e.control_peer);
    let works = |passive: bool| obs.attempts.iter().any(|a| a.ok() && a.mode.is_passive() == passive);
    let facts = Facts {
        obs,
        server,
        local,
        software,
        client_natted,
        public: seen_at.map(|s| s.ip().to_canonical()).or_else(|| revealed_public_address(obs, server, local)),
        seen_at,
        passive_works: works(true),
        active_works: works(false),
    };

    let mut findings = Vec::new();
    general::not_measured(&facts, &mut findings);
    general::tls_required(&facts, &mut findings);
    general::ipv6_extended_only(&facts, &mut findings);
    general::unsupported(&facts, &mut findings);
    general::unanswered(&facts, &mut findings);
    passive::bad_passive_reply(&facts, &mut findings);
    passive::passive_refused(&facts, &mut findings);
    passive::pasv_address(&facts, &mut findings);
    passive::passive_blocked(&facts, &mut findings);
    active::client_private_address(&facts, &mut findings);
    active::server_refused_port(&facts, &mut findings);
    active::active_blocked(&facts, &mut findings);
    active::active_needs_alg(&facts, &mut findings);
    active::active_listen_failed(&facts, &mut findings);
    tls::session_not_resumed(&facts, &mut findings);
    echo::client_behind_nat(&facts, &mut findings);
    echo::port_rewritten(&facts, &mut findings);
    echo::data_from_other_address(&facts, &mut findings);
    general::transfer_failed(&facts, &mut findings);
    general::no_mode_works(&facts, &mut findings);
    findings.sort_by_key(|f| f.severity);

    let recommended = DataMode::ALL.into_iter().find(|m| obs.attempt(*m).ok());
    Diagnosis {
        findings,
        recommended,
        verdict: verdict::verdict(obs, recommended),
        client_public_address: facts.public,
        behind_nat: seen_at.zip(local).map(|(s, l)| s.ip().to_canonical() != l),
        server_software,
        software,
    }
}

/// A reply's first line, as the server sent it (escaped).
fn said(reply: &Reply) -> String {
    reply.lines.first().map(|l| escape(l)).unwrap_or_default()
}

/// Whether a refusal means "I do not know or do not allow this command" rather than "not with
/// that address": 502/504, or a 500 that says so (vsftpd answers "500 Unknown command." for PORT
/// when port_enable=NO; "500 Illegal PORT command." is its address check).
fn unknown_command(reply: &Reply) -> bool {
    Refusal::of(reply) == Refusal::CommandUnknown
}

/// The reply that refused the mode command; not one that requires TLS (told by tls-required).
fn refused_reply(a: &Attempt) -> Option<&Reply> {
    (a.stage() == Some(Stage::Data(DataStage::Refused)))
        .then_some(a.reply.as_ref())
        .flatten()
        .filter(|r| Refusal::of(r) != Refusal::TlsRequired)
}

/// The server refused the data connection's TLS session (its 522, or a 425 that says so or
/// follows a handshake that did not resume): vsftpd `require_ssl_reuse`, ProFTPD, FileZilla.
fn tls_session_refused(a: &Attempt) -> bool {
    a.stage() == Some(Stage::Data(DataStage::Tls))
        && a.tls_resumed != Some(true)
        && a.transfer_reply.as_ref().is_some_and(|r| crate::ftp::refuses_tls_session(r, a.tls_resumed))
}

/// Active mode failed under TLS where a NAT helper matters (the server refused the announced
/// address, or never connected back) but worked in plain FTP: the helper rewrote the plain
/// PORT/EPRT. A data connection that was made and failed later says nothing about the path.
fn works_only_in_plain(facts: &Facts<'_>, a: &Attempt) -> bool {
    facts.obs.tls
        && !a.mode.is_passive()
        && matches!(a.stage(), Some(Stage::Data(DataStage::Refused | DataStage::NoConnectBack)))
        && a.plain_ok() == Some(true)
}

fn is_ipv6_unusable(facts: &Facts<'_>, a: &Attempt) -> bool {
    a.stage() == Some(Stage::Data(DataStage::Unusable))
        && matches!(a.mode, DataMode::Pasv | DataMode::Port)
        && facts.server.is_some_and(|s| s.is_ipv6())
}

/// A public address in an active-mode reply that is neither ours, the server's nor the one we
/// announced: the server telling us where it sees us (pure-ftpd: "only to 198.51.100.1").
fn revealed_public_address(obs: &Observations, server: Option<IpAddr>, local: Option<IpAddr>) -> Option<IpAddr> {
    let mut texts = Vec::new();
    for a in obs.attempts.iter().filter(|a| !a.mode.is_passive()) {
        let announced = a.announced_ip();
        for r in [&a.reply, &a.transfer_reply].into_iter().flatten() {
            texts.push((r.to_string(), announced));
        }
    }
    texts.iter().find_map(|(text, announced)| {
        addresses_in(text).into_iter().map(|ip| ip.to_canonical()).find(|ip| {
            classify(*ip).is_public() && Some(*ip) != server && Some(*ip) != local && Some(*ip) != *announced
        })
    })
}

fn modes_text(attempts: &[&Attempt]) -> String {
    let names: Vec<&str> = attempts.iter().map(|a| a.mode.name()).collect();
    match names.as_slice() {
        [one] => (*one).to_owned(),
        [a, b] => format!("{a} and {b}"),
        _ => names.join(", "),
    }
}

#[cfg(test)]
mod tests;

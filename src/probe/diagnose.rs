//! From what the attempts saw to what it means: findings, a recommended mode and a verdict.
//!
//! A pure function of [`Observations`], so every finding is tested with hand-built observations.
//! Each finding has a stable code, says in plain words what happened with the addresses involved,
//! and what to do, separately for the person at the client and for the server's administrator.
//! Advice names the settings of the server software the greeting revealed (vsftpd, ProFTPD,
//! pure-ftpd), or of all three when it is unknown.

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

use super::address::{Scope, addresses_in, classify};
use super::observe::{Attempt, Observations, Stage};
use crate::ftp::{DataMode, Reply, Stage as DataStage};
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

/// The server software a greeting names, for advice in its own terms.
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

    fn from_greeting(greeting: &Reply) -> Option<Software> {
        let text = greeting.to_string().to_ascii_lowercase();
        if text.contains("vsftpd") {
            Some(Software::Vsftpd)
        } else if text.contains("proftpd") {
            Some(Software::Proftpd)
        } else if text.contains("pure-ftpd") {
            Some(Software::PureFtpd)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// Errors first, then warnings, then explanations.
    pub findings: Vec<Finding>,
    /// The first mode that worked, in the order EPSV, PASV, EPRT, PORT.
    pub recommended: Option<DataMode>,
    /// One line: what to use and why the rest does not work.
    pub verdict: String,
    /// This machine's public address, when a server reply revealed it.
    pub client_public_address: Option<IpAddr>,
    pub software: Option<Software>,
}

impl Diagnosis {
    pub fn has(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// How to select a mode in ftpx, curl and lftp.
pub struct ModeFlags {
    pub ftpx: &'static str,
    pub curl: &'static str,
    pub lftp: &'static str,
}

pub fn mode_flags(mode: DataMode) -> ModeFlags {
    match mode {
        DataMode::Epsv => ModeFlags { ftpx: "--mode epsv", curl: "curl (its default)", lftp: "lftp (its default)" },
        DataMode::Pasv => {
            ModeFlags { ftpx: "--mode pasv", curl: "curl --disable-epsv", lftp: "lftp -e 'set ftp:prefer-epsv no'" }
        }
        DataMode::Eprt => {
            ModeFlags { ftpx: "--mode eprt", curl: "curl --ftp-port -", lftp: "lftp -e 'set ftp:passive-mode off'" }
        }
        DataMode::Port => ModeFlags {
            ftpx: "--mode port",
            curl: "curl --ftp-port - --disable-eprt",
            lftp: "lftp -e 'set ftp:passive-mode off'",
        },
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
    let software = obs.greeting.as_ref().and_then(Software::from_greeting);
    let works = |passive: bool| obs.attempts.iter().any(|a| a.ok() && a.mode.is_passive() == passive);
    let facts = Facts {
        obs,
        server,
        local,
        software,
        client_natted,
        public: revealed_public_address(obs, server, local),
        passive_works: works(true),
        active_works: works(false),
    };

    let mut findings = Vec::new();
    control_failed(&facts, &mut findings);
    ipv6_extended_only(&facts, &mut findings);
    unsupported(&facts, &mut findings);
    unanswered(&facts, &mut findings);
    bad_passive_reply(&facts, &mut findings);
    passive_refused(&facts, &mut findings);
    pasv_address(&facts, &mut findings);
    passive_blocked(&facts, &mut findings);
    client_private_address(&facts, &mut findings);
    server_refused_port(&facts, &mut findings);
    active_blocked(&facts, &mut findings);
    active_needs_alg(&facts, &mut findings);
    active_listen_failed(&facts, &mut findings);
    transfer_failed(&facts, &mut findings);
    no_mode_works(&facts, &mut findings);
    findings.sort_by_key(|f| f.severity);

    let recommended = DataMode::ALL.into_iter().find(|m| obs.attempt(*m).ok());
    Diagnosis {
        findings,
        recommended,
        verdict: verdict(obs, recommended),
        client_public_address: facts.public,
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
    if matches!(reply.code, 502 | 504) {
        return true;
    }
    let text = reply.to_string().to_ascii_lowercase();
    reply.code == 500
        && ["unknown", "not understood", "not implemented", "unrecognized", "unrecognised", "invalid command"]
            .iter()
            .any(|w| text.contains(w))
}

fn refused_reply(a: &Attempt) -> Option<&Reply> {
    (a.stage() == Some(Stage::Data(DataStage::Refused))).then_some(a.reply.as_ref()).flatten()
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

fn control_failed(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let failed: Vec<&Attempt> = facts.obs.attempts.iter().filter(|a| a.stage() == Some(Stage::Control)).collect();
    if failed.is_empty() {
        return;
    }
    let detail = failed[0].failure.as_ref().map(|f| f.detail.clone()).unwrap_or_default();
    out.push(Finding {
        code: "control-failed",
        severity: Severity::Warning,
        message: format!(
            "{} got no control connection ({detail}) while the other attempts did, so {} untested. \
             Servers often limit how many connections one client address may open at once.",
            modes_text(&failed),
            if failed.len() == 1 { "that mode is" } else { "those modes are" },
        ),
        client_action: Some(
            "Run the probe again; the modes were tried at the same time, each on its own connection.".into(),
        ),
        server_action: Some(format!(
            "If clients need several connections, raise the limit: {}.",
            facts.per_server("max_per_ip", "MaxClientsPerHost", "-C (--maxclientsperip)")
        )),
    });
}

fn ipv6_extended_only(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if !facts.obs.attempts.iter().any(|a| is_ipv6_unusable(facts, a)) {
        return;
    }
    let server = facts.obs.server_address().map_or_else(String::new, |a| format!(" ({a})"));
    out.push(Finding {
        code: "ipv6-extended-only",
        severity: Severity::Info,
        message: format!(
            "The server was reached over IPv6{server}. PASV and PORT can only carry IPv4 addresses, \
             so only EPSV and EPRT can work here; that is expected, nothing to fix."
        ),
        client_action: None,
        server_action: None,
    });
}

fn unsupported(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for a in &facts.obs.attempts {
        let Some(reply) = refused_reply(a).filter(|r| unknown_command(r)) else { continue };
        let others_work = if a.mode.is_passive() { facts.passive_works } else { facts.active_works };
        let severity = if others_work { Severity::Info } else { Severity::Warning };
        let said = said(reply);
        let (code, message, server_action) = match a.mode {
            DataMode::Epsv => {
                let feat = if facts.obs.epsv_in_feat == Some(false) { ", and its FEAT list leaves it out" } else { "" };
                (
                    "epsv-unsupported",
                    format!(
                        "The server does not accept EPSV ({said}){feat}. Clients fall back to PASV, which \
                         carries the server's address (the cause of most passive-mode trouble behind NAT); \
                         over IPv6 there is no passive mode without EPSV."
                    ),
                    "Enable EPSV (RFC 2428) or upgrade the server: vsftpd, ProFTPD and pure-ftpd all support it. \
                     A firewall that inspects FTP can also block it."
                        .to_owned(),
                )
            }
            DataMode::Pasv => (
                "pasv-unsupported",
                format!("The server does not accept PASV ({said}): only EPSV can give a passive connection."),
                format!("Enable passive mode if it is off: {}.", facts.per_server("pasv_enable=YES", "", "")),
            ),
            DataMode::Eprt => (
                "eprt-unsupported",
                format!(
                    "The server does not accept EPRT ({said}). Active mode falls back to PORT over IPv4; \
                     over IPv6 there is no active mode without EPRT."
                ),
                "Enable EPRT (RFC 2428) or upgrade the server.".to_owned(),
            ),
            DataMode::Port => (
                "port-unsupported",
                format!("The server does not accept PORT ({said}): active mode is off or not implemented."),
                format!("If clients need active mode, enable it: {}.", facts.per_server("port_enable=YES", "", "")),
            ),
        };
        let server_action = (!server_action.ends_with(": .")).then_some(server_action);
        out.push(Finding { code, severity, message, client_action: None, server_action });
    }
}

fn unanswered(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let silent: Vec<&Attempt> = facts.obs.attempts.iter().filter(|a| a.stage() == Some(Stage::NoReply)).collect();
    if silent.is_empty() {
        return;
    }
    let detail = silent[0].failure.as_ref().map(|f| f.detail.clone()).unwrap_or_default();
    out.push(Finding {
        code: "command-unanswered",
        severity: Severity::Warning,
        message: format!(
            "The server did not answer {} ({detail}). A firewall or router that inspects FTP commands \
             (an FTP helper or \"fixup\") may be swallowing them, or the server hangs.",
            modes_text(&silent)
        ),
        client_action: Some("Use a mode that works; run with -d to see the conversation.".into()),
        server_action: Some("Check the server's log for the command, and any FTP inspection on its firewall.".into()),
    });
}

fn bad_passive_reply(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for a in &facts.obs.attempts {
        if a.stage() != Some(Stage::Data(DataStage::Unusable)) || is_ipv6_unusable(facts, a) {
            continue;
        }
        let detail = a.failure.as_ref().map(|f| f.detail.clone()).unwrap_or_default();
        out.push(Finding {
            code: "bad-passive-reply",
            severity: Severity::Warning,
            message: format!("{} cannot be used: {detail}.", a.mode),
            client_action: None,
            server_action: Some(
                "The server's reply breaks RFC 959/2428: check for a server bug or a proxy rewriting it.".into(),
            ),
        });
    }
}

fn passive_refused(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let refused: Vec<&Attempt> = facts
        .obs
        .attempts
        .iter()
        .filter(|a| a.mode.is_passive() && refused_reply(a).is_some_and(|r| !unknown_command(r)))
        .collect();
    if refused.is_empty() {
        return;
    }
    let replies: Vec<String> =
        refused.iter().map(|a| format!("{}: {}", a.mode, said(a.reply.as_ref().expect("refused")))).collect();
    out.push(Finding {
        code: "passive-refused",
        severity: if facts.passive_works { Severity::Warning } else { Severity::Error },
        message: format!(
            "The server refused passive mode ({}): it may be out of passive ports, limit passive \
             connections, or have passive mode turned off.",
            replies.join("; ")
        ),
        client_action: None,
        server_action: Some("Check the server's passive settings and its log.".into()),
    });
}

fn pasv_address(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let pasv = facts.obs.attempt(DataMode::Pasv);
    let (Some(adv), Some(server)) = (pasv.advertised, facts.server) else { return };
    let adv_ip = adv.ip().to_canonical();
    if adv_ip == server {
        return;
    }
    let scope = classify(adv_ip);
    let target = SocketAddr::new(server, adv.port());
    let outcome = match &pasv.failure {
        None => "which worked".to_owned(),
        Some(f) => format!("but that failed too ({})", f.detail),
    };
    let check = match &pasv.advertised_check {
        Some(c) if c.ok() => format!(
            " The probe also tried {} itself, as a diagnostic (transfers never do, unless told --pasv-address \
             trust): it worked{}.",
            c.address,
            if scope.is_public() { "" } else { ": this machine is probably on the server's own network" }
        ),
        Some(c) => format!(
            " The probe also tried {} itself, as a diagnostic (transfers never do, unless told --pasv-address \
             trust): it failed ({}), as it does for every client that trusts the reply.",
            c.address,
            c.failure.as_ref().map(|f| f.detail.as_str()).unwrap_or_default()
        ),
        None => String::new(),
    };
    if !scope.is_public() {
        let meaning = if scope == Scope::Unspecified {
            "The server does not fill in its address at all."
        } else {
            "The server is behind NAT and does not know the address clients reach it at."
        };
        out.push(Finding {
            code: "pasv-private-address",
            severity: Severity::Warning,
            message: format!(
                "The server's PASV reply tells clients to connect to {adv}, {}, but this machine reached \
                 the server at {server}. {meaning} ftpx ignores the advertised address and connects to \
                 {target} instead (its default), {outcome}.{check}",
                scope.describe()
            ),
            client_action: Some(
                "Nothing to change with ftpx. Other clients: EPSV carries no address and avoids the problem; \
                 curl 7.74 and later (--ftp-skip-pasv-ip) and lftp (ftp:fix-pasv-address) replace the address \
                 too; older clients fail until the server is fixed."
                    .into(),
            ),
            server_action: Some(format!(
                "Tell the server the address clients reach it at ({server} from here): {}. Keep its passive \
                 port range forwarded to {adv_ip} on the NAT router.",
                facts.per_server(
                    &format!("pasv_address={server}"),
                    &format!("MasqueradeAddress {server}"),
                    &format!("-P {server} (--forcepassiveip)")
                )
            )),
        });
        return;
    }
    let inside = if classify(server).is_public() {
        format!(
            "A load balancer, or a public address set wrongly on the server, causes this; it is also how a \
             hostile server would send a client elsewhere (the FTP bounce attack), so ftpx connects to \
             {target} instead by default, {outcome}."
        )
    } else {
        format!(
            "This machine reached the server at its inside address {server}, while the server advertises \
             its public address for outside clients, which is right for them. Inside, ftpx connects to \
             {target} instead (its default), {outcome}; other clients need the router to support NAT \
             loopback (hairpinning)."
        )
    };
    let trust_helps = !pasv.ok() && pasv.advertised_check.as_ref().is_some_and(|c| c.ok());
    out.push(Finding {
        code: "pasv-address-mismatch",
        severity: if trust_helps || !pasv.ok() { Severity::Warning } else { Severity::Info },
        message: format!(
            "The server's PASV reply names {adv}, a public address, but this machine reached the server at \
             {server}. {inside}{check}"
        ),
        client_action: Some(if trust_helps {
            format!("ftpx --pasv-address trust connects to {adv_ip}, which works here.")
        } else {
            "Nothing to change with ftpx.".into()
        }),
        server_action: Some(format!(
            "If {adv_ip} is not this server's address, correct it: {}.",
            facts.per_server("pasv_address", "MasqueradeAddress", "-P (--forcepassiveip)")
        )),
    });
}

fn passive_blocked(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let connect_stages = [DataStage::ConnectRefused, DataStage::ConnectTimeout, DataStage::Unreachable];
    let blocked: Vec<&Attempt> = facts
        .obs
        .attempts
        .iter()
        .filter(|a| {
            a.mode.is_passive() && a.stage().is_some_and(|s| connect_stages.iter().any(|c| s == Stage::Data(*c)))
        })
        .collect();
    if blocked.is_empty() {
        return;
    }
    let details: Vec<String> = blocked
        .iter()
        .map(|a| format!("{}: {}", a.mode, a.failure.as_ref().map(|f| f.detail.as_str()).unwrap_or_default()))
        .collect();
    let has = |s: DataStage| blocked.iter().any(|a| a.stage() == Some(Stage::Data(s)));
    let mut why = String::new();
    if has(DataStage::ConnectTimeout) {
        why.push_str(
            " Nothing answered: a firewall silently drops connections to the server's passive ports. Usually that \
             is the server's firewall letting only port 21 in, or a NAT router in front of the server that \
             forwards only port 21; more rarely a firewall on this side blocking outgoing connections to high ports.",
        );
    }
    if has(DataStage::ConnectRefused) {
        why.push_str(
            " The connection was refused: nothing listens there or a firewall rejects it, typically a NAT \
             router in front of the server that forwards port 21 but not the passive ports.",
        );
    }
    if has(DataStage::Unreachable) {
        why.push_str(" There is no route from here to that address.");
    }
    // The ports handed out are a sample of the configured range; a spread over thousands of
    // ports means no range is set (the kernel's ephemeral ports).
    let sample = facts.obs.passive_ports().filter(|(lo, hi, _)| hi - lo < 5000);
    let (lo, hi) = sample.map_or((40000, 40100), |(lo, hi, _)| (lo, hi));
    let seen = match facts.obs.passive_ports() {
        Some((lo, hi, n)) if sample.is_some() => {
            format!(" The server handed out ports {lo}-{hi} ({n} replies; its configured range may be wider).")
        }
        Some((lo, hi, n)) => {
            format!(" The server handed out ports from {lo} to {hi} ({n} replies): it has no fixed range.")
        }
        None => String::new(),
    };
    let settings = facts.per_server("pasv_min_port and pasv_max_port", "PassivePorts", "-p (--passiveportrange)");
    let range_text = if sample.is_some() {
        format!(
            "Open the server's passive port range ({settings}; it includes at least {lo}-{hi}, the ports seen here)"
        )
    } else {
        format!("Give the server a fixed passive port range ({settings}), e.g. {lo}-{hi}, and open it")
    };
    let severity = if facts.passive_works { Severity::Warning } else { Severity::Error };
    let client_action = if facts.active_works {
        "Use active mode, which works here: ftpx --mode active (curl --ftp-port -; lftp -e 'set ftp:passive-mode off')."
            .to_owned()
    } else {
        format!(
            "If this network blocks outgoing connections, allow TCP to {} ports {lo}-{hi}; otherwise the server's side must change.",
            facts.server_ip()
        )
    };
    out.push(Finding {
        code: "passive-blocked",
        severity,
        message: format!("Passive data connections do not get through ({}).{why}{seen}", details.join("; ")),
        client_action: Some(client_action),
        server_action: Some(format!(
            "{range_text} on the server's firewall: iptables -A INPUT -p tcp --dport {lo}:{hi} -j ACCEPT; or nft add \
             rule inet filter input tcp dport {lo}-{hi} accept; or ufw allow {lo}:{hi}/tcp; or firewall-cmd \
             --permanent --add-port={lo}-{hi}/tcp. On a NAT router in front of the server, forward TCP {lo}-{hi} to \
             it as well as port 21."
        )),
    });
}

fn client_private_address(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let (true, Some(local)) = (facts.client_natted, facts.local) else { return };
    let scope = classify(local);
    let public = match facts.public {
        Some(p) => format!(" The server's reply shows your public address: {p}."),
        None => String::new(),
    };
    let cgnat = if scope == Scope::Shared {
        " It is your provider's carrier-grade NAT: you cannot forward ports on it, so active mode cannot work."
    } else {
        ""
    };
    let public_or = facts.public.map_or_else(|| "YOUR_PUBLIC_ADDRESS".to_owned(), |p| p.to_string());
    out.push(Finding {
        code: "client-private-address",
        severity: Severity::Info,
        message: format!(
            "This machine's address is {local}, {}, while the server's is {}: you are behind NAT.{public}{cgnat} \
             A server cannot connect to a private address, so active mode (EPRT, PORT) works only through a \
             NAT router that rewrites the commands (an FTP helper), or with your public address announced \
             and ports forwarded.",
            scope.describe(),
            facts.server_ip()
        ),
        client_action: Some(format!(
            "Use passive mode (ftpx's default). For active mode: ftpx --active-address {public_or} \
             --active-ports 50000-50100, and forward TCP 50000-50100 on your router to {local}."
        )),
        server_action: None,
    });
}

fn server_refused_port(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let refused: Vec<&Attempt> = facts
        .obs
        .attempts
        .iter()
        .filter(|a| !a.mode.is_passive() && refused_reply(a).is_some_and(|r| !unknown_command(r)))
        .collect();
    if refused.is_empty() {
        return;
    }
    let replies: Vec<String> =
        refused.iter().map(|a| format!("{} ({})", a.mode, said(a.reply.as_ref().expect("refused")))).collect();
    let announced = refused.iter().find_map(|a| a.announced_ip());
    let texts: String = refused.iter().filter_map(|a| a.reply.as_ref()).map(|r| r.to_string().to_lowercase()).collect();
    let seen_at = facts.public.map_or_else(|| "another address".to_owned(), |p| p.to_string());
    let announced_private = announced.is_some_and(|a| !classify(a).is_public());
    let bounce_check = texts.contains("only to") || texts.contains("won't open") || texts.contains("illegal");
    let given_address = announced.is_some() && announced != facts.local;
    let (why, server_action) = if refused.iter().any(|a| a.reply.as_ref().is_some_and(|r| r.code == 522)) {
        ("The server does not support this network protocol for active connections (522).".to_owned(), None)
    } else if given_address {
        (
            format!(
                "The address given with --active-address ({}) is not where the server sees this machine \
                 ({seen_at}), and servers connect only to the client's own address (a defence against the FTP \
                 bounce attack).",
                announced.expect("checked")
            ),
            None,
        )
    } else if announced_private && (facts.client_natted || bounce_check) {
        (
            format!(
                "This machine announced its private address {}, but the server sees it at {seen_at} because \
                 of NAT. Servers connect only to the client's own address (a defence against the FTP bounce \
                 attack), so they refuse it.",
                announced.expect("checked")
            ),
            Some("Nothing to change: refusing other addresses is the safe behaviour.".to_owned()),
        )
    } else if bounce_check {
        (
            "The server refuses the announced address: it connects only to the address it sees the client at \
             (a defence against the FTP bounce attack), or only to unprivileged ports."
                .to_owned(),
            None,
        )
    } else {
        (
            "The server, or a firewall that inspects FTP in front of it, does not allow active mode.".to_owned(),
            Some(format!(
                "If clients need active mode, allow it: {}.",
                facts.per_server("port_enable=YES", "no <Limit EPRT PORT> DenyAll", "")
            )),
        )
    };
    let client_action = if facts.client_natted {
        "Use passive mode; for active mode see client-private-address.".to_owned()
    } else {
        "Use passive mode.".to_owned()
    };
    out.push(Finding {
        code: "server-refused-port",
        severity: if facts.passive_works { Severity::Info } else { Severity::Warning },
        message: format!("The server refused {}. {why}", replies.join(" and ")),
        client_action: Some(client_action),
        server_action,
    });
}

fn active_blocked(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let blocked: Vec<&Attempt> =
        facts.obs.attempts.iter().filter(|a| a.stage() == Some(Stage::Data(DataStage::NoConnectBack))).collect();
    if blocked.is_empty() {
        return;
    }
    let accepted: Vec<String> = blocked
        .iter()
        .map(|a| match &a.reply {
            Some(r) => format!("{} ({})", a.mode, said(r)),
            None => a.mode.name().to_owned(),
        })
        .collect();
    let mut to: Vec<String> = blocked.iter().filter_map(|a| a.announced.map(|s| s.to_string())).collect();
    to.dedup();
    let to = if to.is_empty() { String::new() } else { format!(" ({})", to.join(", ")) };
    let gave_up: Vec<String> = blocked
        .iter()
        .filter_map(|a| a.transfer_reply.as_ref().filter(|r| r.code == 425).map(|r| format!("{}: {}", a.mode, said(r))))
        .collect();
    let how = if gave_up.is_empty() {
        format!("nothing came within {}s", facts.obs.deadline.as_secs_f64())
    } else {
        format!("the server gave up ({})", gave_up.join("; "))
    };
    let details =
        [format!("The server accepted {} but never connected back to this machine{to}: {how}", accepted.join(" and "))];
    let strays: Vec<String> = blocked.iter().flat_map(|a| a.strays.iter().map(|s| s.to_string())).collect();
    let announced = blocked.iter().find_map(|a| a.announced_ip());
    let server = facts.server_ip();
    let why = if !strays.is_empty() {
        format!(
            "A connection came from {} instead of the server's address {server}; ftpx refuses those, as anyone \
             could send them. The server's outgoing connections leave through another address (a NAT with \
             several addresses, or another host).",
            strays.join(", ")
        )
    } else if announced.is_some_and(|a| !classify(a).is_public())
        && facts.server.is_some_and(|s| classify(s).is_public())
    {
        format!(
            "The announced address {} is private: this machine is behind NAT and the server cannot reach it.",
            announced.expect("checked")
        )
    } else {
        "Something drops incoming connections to this machine: a firewall here (iptables, nftables, ufw, \
         Windows Defender Firewall) or on your router, or the server's own firewall blocks its outgoing \
         connections."
            .to_owned()
    };
    out.push(Finding {
        code: "active-blocked",
        severity: if facts.passive_works { Severity::Warning } else { Severity::Error },
        message: format!("{}. {why}", details.join("; ")),
        client_action: Some(format!(
            "Use passive mode (ftpx --mode passive). For active mode, let the server in on a fixed port range: \
             ftpx --active-ports 50000-50100, and allow it, e.g. iptables -A INPUT -p tcp -s {server} --dport \
             50000:50100 -j ACCEPT, or ufw allow from {server} to any port 50000:50100 proto tcp; or load the \
             FTP connection-tracking helper (nf_conntrack_ftp) on this side's firewall."
        )),
        server_action: Some(
            "Let the server open outgoing connections to clients (its firewall's output rules).".into(),
        ),
    });
}

fn active_needs_alg(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(server) = facts.server.filter(|s| classify(*s).is_public()) else { return };
    let rewritten: Vec<&Attempt> = facts
        .obs
        .attempts
        .iter()
        .filter(|a| a.ok() && !a.mode.is_passive() && a.announced_ip().is_some_and(|ip| !classify(ip).is_public()))
        .collect();
    if rewritten.is_empty() {
        return;
    }
    let announced = rewritten[0].announced_ip().expect("filtered");
    out.push(Finding {
        code: "active-needs-alg",
        severity: Severity::Warning,
        message: format!(
            "Active mode ({}) worked although this machine announced its private address {announced} to \
             {server}: a NAT helper (an FTP ALG) on the way rewrote the command to your public address and let \
             the server's connection in. That only works while the helper can read the commands: with FTPS \
             (encrypted) active mode will fail.",
            modes_text(&rewritten)
        ),
        client_action: Some(
            "Prefer passive mode (ftpx's default). For active mode over FTPS, announce your public address \
             (--active-address) and forward --active-ports on the router."
                .into(),
        ),
        server_action: None,
    });
}

fn active_listen_failed(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for a in facts.obs.attempts.iter().filter(|a| a.stage() == Some(Stage::Data(DataStage::Listen))) {
        out.push(Finding {
            code: "active-listen-failed",
            severity: Severity::Warning,
            message: format!(
                "{}: this machine could not listen for the server's connection ({}).",
                a.mode,
                a.failure.as_ref().map(|f| f.detail.as_str()).unwrap_or_default()
            ),
            client_action: Some("Check --active-ports: the range must have free ports.".into()),
            server_action: None,
        });
    }
}

fn transfer_failed(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let failed: Vec<&Attempt> = facts
        .obs
        .attempts
        .iter()
        .filter(|a| matches!(a.stage(), Some(Stage::Data(DataStage::Transfer | DataStage::Tls))))
        .collect();
    let listing =
        |a: &&Attempt| a.transfer_reply.as_ref().is_some_and(|r| r.is_failure() && !matches!(r.code, 425 | 426));
    let (refused, broken): (Vec<&Attempt>, Vec<&Attempt>) = failed.into_iter().partition(listing);
    if let Some(first) = refused.first() {
        out.push(Finding {
            code: "listing-refused",
            severity: Severity::Warning,
            message: format!(
                "The server refused the listing in {} ({}), so those modes are unproven: the data connection \
                 was not used.",
                modes_text(&refused),
                said(first.transfer_reply.as_ref().expect("partitioned"))
            ),
            client_action: Some("Give a directory you may list: --path DIR.".into()),
            server_action: None,
        });
    }
    if broken.is_empty() {
        return;
    }
    let details: Vec<String> = broken
        .iter()
        .map(|a| format!("{}: {}", a.mode, a.failure.as_ref().map(|f| f.detail.as_str()).unwrap_or_default()))
        .collect();
    let bad_ip = broken.iter().any(|a| {
        a.mode.is_passive()
            && a.transfer_reply
                .as_ref()
                .is_some_and(|r| r.code == 425 || r.to_string().to_lowercase().contains("bad ip"))
    });
    let why = if bad_ip {
        "The server refused the data connection because it did not come from the address of the control \
         connection: the NAT on this side sends connections out through several public addresses. Ask for \
         \"paired\" address pooling on that NAT, or use another mode."
    } else {
        "The connection opened, so the path is open, but something interferes with the data: a firewall or \
         proxy that inspects FTP, or a path that drops large packets (MTU)."
    };
    out.push(Finding {
        code: "transfer-failed",
        severity: Severity::Warning,
        message: format!("The data connection opened but the listing failed ({}). {why}", details.join("; ")),
        client_action: Some("Use a mode that works; run with -d to see the conversation.".into()),
        server_action: None,
    });
}

fn no_mode_works(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if facts.passive_works || facts.active_works {
        return;
    }
    out.push(Finding {
        code: "no-mode-works",
        severity: Severity::Error,
        message: "No data-connection mode works from here: logging in works, but every listing and transfer \
                  will fail."
            .into(),
        client_action: Some("See the findings above: fixing either passive or active mode is enough.".into()),
        server_action: None,
    });
}

/// Why attempts failed, in a few words, for the verdict: attempts that stopped at the same stage
/// are named together ("the server cannot connect back (EPRT and PORT)").
fn why(attempts: &[&Attempt]) -> String {
    let mut groups: Vec<(Option<Stage>, Vec<&Attempt>)> = Vec::new();
    for a in attempts.iter().filter(|a| !a.ok()) {
        match groups.iter_mut().find(|(s, _)| *s == a.stage()) {
            Some((_, list)) => list.push(a),
            None => groups.push((a.stage(), vec![a])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(stage, list)| {
            let modes = modes_text(list);
            let Some(stage) = stage else { return String::new() };
            match stage {
                Stage::Control => format!("no control connection ({modes})"),
                Stage::NoReply => format!("no reply to {modes}"),
                Stage::Data(s) => match s {
                    DataStage::Refused => match list.iter().rev().find_map(|a| a.reply.as_ref()) {
                        Some(r) => format!("the server refuses {modes} ({})", said(r)),
                        None => format!("the server refuses {modes}"),
                    },
                    DataStage::Unusable => format!("{modes} cannot work here"),
                    DataStage::ConnectRefused => format!("connections to the passive port are refused ({modes})"),
                    DataStage::ConnectTimeout => format!("connections to the passive port time out ({modes})"),
                    DataStage::Unreachable => format!("the passive address is unreachable ({modes})"),
                    DataStage::Listen => format!("no local port to listen on ({modes})"),
                    DataStage::NoConnectBack => format!("the server cannot connect back ({modes})"),
                    DataStage::Tls => format!("the data connection's TLS fails ({modes})"),
                    DataStage::Transfer => format!("the transfer fails ({modes})"),
                },
            }
        })
        .collect();
    parts.join("; ")
}

fn why_class(obs: &Observations, passive: bool) -> String {
    let class: Vec<&Attempt> = obs.attempts.iter().filter(|a| a.mode.is_passive() == passive).collect();
    why(&class)
}

fn verdict(obs: &Observations, recommended: Option<DataMode>) -> String {
    let works = |passive: bool| obs.attempts.iter().any(|a| a.ok() && a.mode.is_passive() == passive);
    let mut out = String::new();
    match recommended {
        None => {
            let _ = write!(
                out,
                "Nothing works. Passive mode: {}. Active mode: {}.",
                why_class(obs, true),
                why_class(obs, false)
            );
        }
        Some(m) if m.is_passive() => {
            let _ = write!(out, "Use passive mode ({m}).");
            if m == DataMode::Pasv {
                let _ = write!(out, " EPSV does not work: {}.", why(&[obs.attempt(DataMode::Epsv)]));
            }
            if works(false) {
                out.push_str(" Active mode works too.");
            } else {
                let _ = write!(out, " Active mode does not work: {}.", why_class(obs, false));
            }
        }
        Some(m) => {
            let _ = write!(out, "Use active mode ({m}). Passive mode does not work: {}.", why_class(obs, true));
            if m == DataMode::Port {
                let _ = write!(out, " EPRT does not work: {}.", why(&[obs.attempt(DataMode::Eprt)]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::observe::{Check, Failure};
    use std::time::Duration;

    fn reply(line: &str) -> Reply {
        Reply { code: line[..3].parse().unwrap(), lines: vec![line.as_bytes().to_vec()] }
    }

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    /// Four working attempts between `local` and `server` (ip:port each), like an open path.
    fn open_path(local: &str, server: &str) -> Observations {
        let local = addr(local);
        let server = addr(server);
        let attempts = DataMode::ALL
            .into_iter()
            .map(|mode| {
                let mut a = Attempt::new(mode);
                a.local = Some(local);
                a.peer = Some(server);
                a.elapsed = Duration::from_millis(12);
                a.transfer_reply = Some(reply("226 Transfer complete."));
                a.bytes = 120;
                match mode {
                    DataMode::Epsv => {
                        a.reply = Some(reply("229 Entering Extended Passive Mode (|||40001|)"));
                        a.advertised = Some(SocketAddr::new(server.ip(), 40001));
                        a.data_address = a.advertised;
                        a.ports = vec![40003, 40007, 40001, 40001];
                    }
                    DataMode::Pasv => {
                        let ip = server.ip().to_string().replace('.', ",");
                        a.reply = Some(reply(&format!("227 Entering Passive Mode ({ip},156,73).")));
                        a.advertised = Some(SocketAddr::new(server.ip(), 40009));
                        a.data_address = a.advertised;
                        a.ports = vec![40012, 40002, 40005, 40009];
                    }
                    _ => {
                        a.reply = Some(reply(&format!("200 {mode} command successful. Consider using PASV.")));
                        a.announced = Some(SocketAddr::new(local.ip(), 45000));
                        a.data_address = Some(SocketAddr::new(server.ip(), 20));
                    }
                }
                a
            })
            .collect();
        Observations {
            host: "ftp.example.test".into(),
            port: server.port(),
            deadline: Duration::from_secs(5),
            elapsed: Duration::from_millis(30),
            greeting: Some(reply("220 (vsFTPd 3.0.3)")),
            epsv_in_feat: Some(true),
            attempts,
        }
    }

    fn fail<'a>(obs: &'a mut Observations, mode: DataMode, stage: impl Into<Stage>, detail: &str) -> &'a mut Attempt {
        let a = obs.attempts.iter_mut().find(|a| a.mode == mode).unwrap();
        a.failure = Some(Failure::new(stage, detail));
        a.transfer_reply = None;
        a.bytes = 0;
        a.data_address = None;
        a
    }

    fn codes(d: &Diagnosis) -> Vec<&'static str> {
        let mut c: Vec<_> = d.findings.iter().map(|f| f.code).collect();
        c.sort();
        c
    }

    fn finding<'a>(d: &'a Diagnosis, code: &str) -> &'a Finding {
        d.findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("no {code} in {:?}", codes(d)))
    }

    #[test]
    fn open_path_recommends_epsv_with_no_findings() {
        let d = diagnose(&open_path("192.0.2.10:50000", "203.0.113.10:21"));
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(d.recommended, Some(DataMode::Epsv));
        assert_eq!(d.verdict, "Use passive mode (EPSV). Active mode works too.");
        assert_eq!(d.software, Some(Software::Vsftpd));
    }

    #[test]
    fn client_behind_nat_with_vsftpd_refusing_port() {
        let mut obs = open_path("10.0.1.2:50000", "198.51.100.2:21");
        fail(&mut obs, DataMode::Eprt, DataStage::Refused, "EPRT refused").reply =
            Some(reply("500 Illegal EPRT command."));
        fail(&mut obs, DataMode::Port, DataStage::Refused, "PORT refused").reply =
            Some(reply("500 Illegal PORT command."));
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["client-private-address", "server-refused-port"]);
        let f = finding(&d, "server-refused-port");
        assert!(
            f.message.contains("EPRT (500 Illegal EPRT command.) and PORT (500 Illegal PORT command.)"),
            "{}",
            f.message
        );
        assert!(f.message.contains("private address 10.0.1.2"), "{}", f.message);
        assert_eq!(f.severity, Severity::Info);
        let f = finding(&d, "client-private-address");
        assert!(f.message.contains("10.0.1.2, a private address (RFC 1918)"), "{}", f.message);
        assert!(f.message.contains("198.51.100.2"), "{}", f.message);
        assert_eq!(d.recommended, Some(DataMode::Epsv));
        assert!(
            d.verdict.starts_with("Use passive mode (EPSV). Active mode does not work: the server refuses EPRT"),
            "{}",
            d.verdict
        );
    }

    #[test]
    fn pure_ftpd_refusal_reveals_the_client_public_address() {
        let mut obs = open_path("10.99.0.2:50000", "203.0.113.10:21");
        obs.greeting = Some(reply("220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------"));
        for mode in [DataMode::Eprt, DataMode::Port] {
            let a = fail(&mut obs, mode, DataStage::Refused, "refused");
            a.announced = Some(addr("10.99.0.2:45000"));
            a.reply = Some(reply("500 I won't open a connection to 10.99.0.2 (only to 198.51.100.1)"));
        }
        let d = diagnose(&obs);
        assert_eq!(d.client_public_address, Some("198.51.100.1".parse().unwrap()));
        let f = finding(&d, "client-private-address");
        assert!(f.message.contains("your public address: 198.51.100.1"), "{}", f.message);
        assert!(f.client_action.as_ref().unwrap().contains("--active-address 198.51.100.1"));
        let f = finding(&d, "server-refused-port");
        assert!(f.message.contains("sees it at 198.51.100.1"), "{}", f.message);
    }

    #[test]
    fn active_through_a_nat_helper_is_flagged() {
        let obs = open_path("10.0.1.2:50000", "198.51.100.2:21");
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["active-needs-alg", "client-private-address"]);
        let f = finding(&d, "active-needs-alg");
        assert!(f.message.contains("EPRT and PORT"), "{}", f.message);
        assert!(f.message.contains("10.0.1.2") && f.message.contains("FTPS"), "{}", f.message);
        assert_eq!(d.recommended, Some(DataMode::Epsv));
    }

    #[test]
    fn client_firewall_blocks_active_mode() {
        let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
        for mode in [DataMode::Eprt, DataMode::Port] {
            let a = fail(
                &mut obs,
                mode,
                DataStage::NoConnectBack,
                "the server did not connect back to 192.0.2.10:45000 within 5s",
            );
            a.announced = Some(addr("192.0.2.10:45000"));
        }
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["active-blocked"]);
        let f = finding(&d, "active-blocked");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.contains("Something drops incoming connections"), "{}", f.message);
        assert!(f.client_action.as_ref().unwrap().contains("-s 203.0.113.10"), "{:?}", f.client_action);
        assert_eq!(
            d.verdict,
            "Use passive mode (EPSV). Active mode does not work: the server cannot connect back (EPRT and PORT)."
        );
    }

    #[test]
    fn server_behind_nat_advertising_its_private_address() {
        let mut obs = open_path("192.0.2.10:50000", "198.51.100.2:21");
        let pasv = obs.attempts.iter_mut().find(|a| a.mode == DataMode::Pasv).unwrap();
        pasv.reply = Some(reply("227 Entering Passive Mode (10,0,2,10,156,73)."));
        pasv.advertised = Some(addr("10.0.2.10:40009"));
        pasv.data_address = Some(addr("198.51.100.2:40009"));
        pasv.advertised_check = Some(Check {
            address: addr("10.0.2.10:40011"),
            failure: Some(Failure::new(
                DataStage::Unreachable,
                "connection to 10.0.2.10:40011 failed: Network is unreachable",
            )),
            elapsed: Duration::from_millis(1),
        });
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["pasv-private-address"]);
        let f = finding(&d, "pasv-private-address");
        assert!(f.message.contains("connect to 10.0.2.10:40009, a private address (RFC 1918)"), "{}", f.message);
        assert!(
            f.message.contains("connects to 198.51.100.2:40009 instead (its default), which worked"),
            "{}",
            f.message
        );
        assert!(f.message.contains("tried 10.0.2.10:40011 itself, as a diagnostic"), "{}", f.message);
        // The greeting named vsftpd: its setting alone.
        assert_eq!(
            f.server_action.as_deref().unwrap().split(": ").nth(1).unwrap(),
            "vsftpd pasv_address=198.51.100.2. Keep its passive port range forwarded to 10.0.2.10 on the NAT router."
        );
        assert_eq!(d.recommended, Some(DataMode::Epsv));
    }

    #[test]
    fn unknown_server_software_gets_advice_for_all_three() {
        let mut obs = open_path("192.0.2.10:50000", "198.51.100.2:21");
        obs.greeting = Some(reply("220 Welcome"));
        let pasv = obs.attempts.iter_mut().find(|a| a.mode == DataMode::Pasv).unwrap();
        pasv.advertised = Some(addr("172.16.5.5:40009"));
        let d = diagnose(&obs);
        let advice = finding(&d, "pasv-private-address").server_action.clone().unwrap();
        for want in
            ["vsftpd pasv_address=198.51.100.2", "ProFTPD MasqueradeAddress 198.51.100.2", "pure-ftpd -P 198.51.100.2"]
        {
            assert!(advice.contains(want), "{advice}");
        }
    }

    #[test]
    fn public_advertised_address_that_differs_is_a_mismatch() {
        let mut obs = open_path("192.0.2.10:50000", "198.51.100.2:21");
        let pasv = obs.attempts.iter_mut().find(|a| a.mode == DataMode::Pasv).unwrap();
        pasv.advertised = Some(addr("203.0.113.99:40009"));
        pasv.failure =
            Some(Failure::new(DataStage::ConnectRefused, "connection to 198.51.100.2:40009 failed: refused"));
        pasv.advertised_check =
            Some(Check { address: addr("203.0.113.99:40010"), failure: None, elapsed: Duration::ZERO });
        let d = diagnose(&obs);
        let f = finding(&d, "pasv-address-mismatch");
        assert!(f.message.contains("names 203.0.113.99:40009, a public address"), "{}", f.message);
        assert_eq!(
            f.client_action.as_deref(),
            Some("ftpx --pasv-address trust connects to 203.0.113.99, which works here.")
        );
        assert!(d.has("passive-blocked"));
    }

    #[test]
    fn server_firewall_allowing_only_21_blocks_passive() {
        let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
        fail(
            &mut obs,
            DataMode::Epsv,
            DataStage::ConnectTimeout,
            "connection to 203.0.113.10:40001 got no answer within 5s",
        );
        fail(
            &mut obs,
            DataMode::Pasv,
            DataStage::ConnectTimeout,
            "connection to 203.0.113.10:40009 got no answer within 5s",
        );
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["passive-blocked"]);
        let f = finding(&d, "passive-blocked");
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.contains("silently drops"), "{}", f.message);
        assert!(f.message.contains("ports 40001-40012 (8 replies"), "{}", f.message);
        let server = f.server_action.as_deref().unwrap();
        assert!(
            server.contains("vsftpd pasv_min_port and pasv_max_port; it includes at least 40001-40012"),
            "{server}"
        );
        assert!(server.contains("--dport 40001:40012") && server.contains("ufw allow 40001:40012/tcp"), "{server}");
        assert!(f.client_action.as_deref().unwrap().contains("--mode active"));
        assert_eq!(d.recommended, Some(DataMode::Eprt));
        assert_eq!(
            d.verdict,
            "Use active mode (EPRT). Passive mode does not work: connections to the passive port time out (EPSV and PASV)."
        );
    }

    #[test]
    fn everything_blocked_says_nothing_works() {
        let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
        fail(&mut obs, DataMode::Epsv, DataStage::ConnectTimeout, "timed out");
        fail(&mut obs, DataMode::Pasv, DataStage::ConnectRefused, "refused");
        fail(&mut obs, DataMode::Eprt, DataStage::NoConnectBack, "did not connect back");
        fail(&mut obs, DataMode::Port, DataStage::NoConnectBack, "did not connect back");
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["active-blocked", "no-mode-works", "passive-blocked"]);
        assert!(d.findings.iter().all(|f| f.severity == Severity::Error));
        assert_eq!(d.recommended, None);
        assert_eq!(
            d.verdict,
            "Nothing works. Passive mode: connections to the passive port time out (EPSV); connections to the \
             passive port are refused (PASV). Active mode: the server cannot connect back (EPRT and PORT)."
        );
        let f = finding(&d, "passive-blocked");
        assert!(f.message.contains("silently drops") && f.message.contains("was refused"), "{}", f.message);
    }

    #[test]
    fn ipv6_explains_pasv_and_port() {
        let mut obs = open_path("[2001:db8:1::10]:50000", "[2001:db8:2::10]:21");
        fail(&mut obs, DataMode::Pasv, DataStage::Unusable, "PASV cannot work on an IPv6 connection").ports.clear();
        fail(&mut obs, DataMode::Port, DataStage::Unusable, "PORT cannot carry an IPv6 address");
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["ipv6-extended-only"]);
        assert!(finding(&d, "ipv6-extended-only").message.contains("[2001:db8:2::10]:21"));
        assert_eq!(d.recommended, Some(DataMode::Epsv));
    }

    #[test]
    fn unknown_commands_are_unsupported_not_refused() {
        let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
        obs.epsv_in_feat = Some(false);
        fail(&mut obs, DataMode::Epsv, DataStage::Refused, "EPSV refused").reply =
            Some(reply("500 'EPSV': command not understood"));
        fail(&mut obs, DataMode::Port, DataStage::Refused, "PORT refused").reply = Some(reply("500 Unknown command."));
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["epsv-unsupported", "port-unsupported"]);
        let f = finding(&d, "epsv-unsupported");
        assert!(
            f.message.contains("(500 'EPSV': command not understood), and its FEAT list leaves it out"),
            "{}",
            f.message
        );
        assert_eq!(d.recommended, Some(DataMode::Pasv));
        assert!(
            d.verdict.starts_with("Use passive mode (PASV). EPSV does not work: the server refuses EPSV"),
            "{}",
            d.verdict
        );
    }

    #[test]
    fn some_attempts_without_control_connection() {
        let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
        let a = fail(
            &mut obs,
            DataMode::Port,
            Stage::Control,
            "no control connection: the server closed the session: 421 Too many connections",
        );
        a.local = None;
        a.peer = None;
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["control-failed"]);
        assert!(
            finding(&d, "control-failed")
                .message
                .starts_with("PORT got no control connection (no control connection: the server closed")
        );
        assert!(finding(&d, "control-failed").server_action.as_deref().unwrap().contains("vsftpd max_per_ip"));
    }

    #[test]
    fn a_refused_listing_is_not_a_network_problem() {
        let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
        for mode in DataMode::ALL {
            fail(&mut obs, mode, DataStage::Transfer, "LIST nope refused: 550 No such directory").transfer_reply =
                Some(reply("550 No such directory"));
        }
        let d = diagnose(&obs);
        assert_eq!(codes(&d), ["listing-refused", "no-mode-works"]);
        assert!(finding(&d, "listing-refused").client_action.as_deref().unwrap().contains("--path"));
    }

    #[test]
    fn passive_data_from_another_address_is_explained() {
        let mut obs = open_path("10.0.1.2:50000", "198.51.100.2:21");
        for mode in [DataMode::Epsv, DataMode::Pasv] {
            fail(&mut obs, mode, DataStage::Transfer, "the server could not open the data connection").transfer_reply =
                Some(reply("425 Security: Bad IP connecting."));
        }
        let d = diagnose(&obs);
        let f = finding(&d, "transfer-failed");
        assert!(f.message.contains("several public addresses"), "{}", f.message);
    }

    #[test]
    fn connect_back_from_another_address_is_named() {
        let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
        let a = fail(&mut obs, DataMode::Eprt, DataStage::NoConnectBack, "did not connect back");
        a.strays = vec![addr("203.0.113.77:20")];
        let d = diagnose(&obs);
        assert!(
            finding(&d, "active-blocked")
                .message
                .contains("came from 203.0.113.77:20 instead of the server's address 203.0.113.10")
        );
        assert_eq!(d.verdict, "Use passive mode (EPSV). Active mode works too.");
    }

    #[test]
    fn carrier_grade_nat_rules_out_port_forwarding() {
        let obs = open_path("100.64.3.4:50000", "203.0.113.10:21");
        let d = diagnose(&obs);
        assert!(finding(&d, "client-private-address").message.contains("carrier-grade NAT"));
    }

    #[test]
    fn findings_come_errors_first() {
        let mut obs = open_path("10.0.1.2:50000", "203.0.113.10:21");
        fail(&mut obs, DataMode::Epsv, DataStage::ConnectTimeout, "timed out");
        fail(&mut obs, DataMode::Pasv, DataStage::ConnectTimeout, "timed out");
        let d = diagnose(&obs);
        let sev: Vec<Severity> = d.findings.iter().map(|f| f.severity).collect();
        let mut sorted = sev.clone();
        sorted.sort();
        assert_eq!(sev, sorted);
        assert_eq!(d.findings[0].code, "passive-blocked");
    }
}

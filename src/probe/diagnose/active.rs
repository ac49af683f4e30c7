//! Findings about active mode: the client behind NAT, PORT/EPRT refused, the server never
//! connecting back, and active mode that works only through a NAT helper.

use super::{Facts, Finding, Severity, modes_text, refused_reply, said, unknown_command, works_only_in_plain};
use crate::ftp::Stage as DataStage;
use crate::probe::address::{Scope, classify};
use crate::probe::model::{Attempt, Stage};

pub(super) fn client_private_address(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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
            "Use passive mode (ftpx's default). For active mode: {}, and forward TCP 50000-50100 on your \
             router to {local}.",
            facts.obs.ftpx("ls", &format!("--mode active --active-address {public_or} --active-ports 50000-50100"))
        )),
        server_action: None,
    });
}

pub(super) fn server_refused_port(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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

pub(super) fn active_blocked(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    // Where plain FTP worked, nothing blocks the path: active-needs-alg says why.
    let blocked: Vec<&Attempt> = facts
        .obs
        .attempts
        .iter()
        .filter(|a| a.stage() == Some(Stage::Data(DataStage::NoConnectBack)) && !works_only_in_plain(facts, a))
        .collect();
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
            "Use passive mode ({}). For active mode, let the server in on a fixed port range: \
             {}, and allow it, e.g. iptables -A INPUT -p tcp -s {server} --dport \
             50000:50100 -j ACCEPT, or ufw allow from {server} to any port 50000:50100 proto tcp; or load the \
             FTP connection-tracking helper (nf_conntrack_ftp) on this side's firewall.",
            facts.obs.ftpx("ls", "--mode passive"),
            facts.obs.ftpx("ls", "--mode active --active-ports 50000-50100"),
        )),
        server_action: Some(
            "Let the server open outgoing connections to clients (its firewall's output rules).".into(),
        ),
    });
}

pub(super) fn active_needs_alg(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if facts.obs.tls {
        active_needs_alg_confirmed(facts, out);
        return;
    }
    // In plain FTP, inferred: active mode worked although a private address was announced.
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

pub(super) fn active_listen_failed(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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

/// Under TLS, confirmed by the plain-FTP comparison: active mode failed under TLS and worked in
/// plain FTP, on the same path at the same time.
fn active_needs_alg_confirmed(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let confirmed: Vec<&Attempt> = facts.obs.attempts.iter().filter(|a| works_only_in_plain(facts, a)).collect();
    if confirmed.is_empty() {
        return;
    }
    let modes = modes_text(&confirmed);
    let announced = confirmed.iter().find_map(|a| a.announced_ip()).map_or_else(String::new, |ip| format!(" ({ip})"));
    out.push(Finding {
        code: "active-needs-alg",
        severity: if facts.passive_works { Severity::Warning } else { Severity::Error },
        message: format!(
            "Active mode ({modes}) fails under TLS but worked in plain FTP: confirmed. It works in plain FTP \
             only because a NAT helper (an FTP ALG) on the path rewrites the PORT/EPRT command{announced} and \
             lets the server's connection in; under TLS it cannot read the command, so the server is told an \
             address it cannot reach, or its connection is not let in."
        ),
        client_action: Some(
            "Use passive mode (ftpx's default). For active mode over TLS, open or forward this machine's \
             active port range: ftpx --active-address YOUR_PUBLIC_ADDRESS --active-ports 50000-50100, and \
             forward TCP 50000-50100 on the router to this machine."
                .into(),
        ),
        server_action: None,
    });
}

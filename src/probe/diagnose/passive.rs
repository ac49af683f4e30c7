//! Findings about passive mode: the address a 227 reply advertises, passive ports that do not
//! get through, and passive commands refused.

use std::net::SocketAddr;

use super::{Facts, Finding, Severity, is_ipv6_unusable, refused_reply, said, unknown_command};
use crate::ftp::{DataMode, Stage as DataStage};
use crate::probe::address::{Scope, classify};
use crate::probe::model::{Attempt, Stage};

pub(super) fn bad_passive_reply(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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

pub(super) fn passive_refused(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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

pub(super) fn pasv_address(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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
            format!(
                "{} connects to {adv_ip}, which works here.",
                facts.obs.ftpx("ls", "--mode pasv --pasv-address trust")
            )
        } else {
            "Nothing to change with ftpx.".into()
        }),
        server_action: Some(format!(
            "If {adv_ip} is not this server's address, correct it: {}.",
            facts.per_server("pasv_address", "MasqueradeAddress", "-P (--forcepassiveip)")
        )),
    });
}

pub(super) fn passive_blocked(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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
        format!(
            "Use active mode, which works here: {} (curl --ftp-port -; lftp -e 'set ftp:passive-mode off').",
            facts.obs.ftpx("ls", "--mode active")
        )
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

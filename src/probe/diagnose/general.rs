//! Findings about the probe as a whole: attempts without a control connection, IPv6, commands the
//! server does not know or does not answer, transfers that fail once connected, and nothing
//! working at all.

use super::{
    Facts, Finding, Severity, is_ipv6_unusable, modes_text, refused_reply, said, tls_session_refused, unknown_command,
};
use crate::ftp::{DataMode, Refusal, Stage as DataStage};
use crate::probe::model::{Attempt, Stage};

/// Modes whose session never got a control connection and login, even on a second try: not
/// measured, and the verdict rests on the others. A per-address connection limit says so.
pub(super) fn not_measured(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let failed: Vec<&Attempt> = facts.obs.attempts.iter().filter(|a| !a.measured()).collect();
    if failed.is_empty() {
        return;
    }
    let detail = failed[0].failure.as_ref().map(|f| f.detail.clone()).unwrap_or_default();
    let limit = failed.iter().any(|a| {
        a.failure.as_ref().is_some_and(|f| {
            let text = f.detail.to_ascii_lowercase();
            ["too many", "maximum number", "max number", "connection limit"].iter().any(|w| text.contains(w))
        })
    });
    let those = if failed.len() == 1 { "that mode was" } else { "those modes were" };
    let (code, message, server_action) = if limit {
        (
            "too-many-connections",
            format!(
                "The server refused {}'s control connection ({detail}): it limits how many connections one \
                 client may open at once, and the probe opens one per mode at the same time. So {those} not \
                 measured; transfers need only one or two connections.",
                modes_text(&failed),
            ),
            Some(format!(
                "If clients need several connections, raise the limit: {}.",
                facts.per_server("max_per_ip", "MaxClientsPerHost", "-C (--maxclientsperip)")
            )),
        )
    } else {
        (
            "mode-not-measured",
            format!(
                "{} got no control connection, twice ({detail}), for reasons that have nothing to do with the \
                 data-connection mode, so {those} not measured. The verdict rests on the modes that were.",
                modes_text(&failed),
            ),
            None,
        )
    };
    out.push(Finding {
        code,
        severity: Severity::Warning,
        message,
        client_action: Some(format!("Run the probe again: {}.", facts.obs.ftpx("probe", ""))),
        server_action,
    });
}

/// The server requires TLS on data connections and the probe ran them in the clear (`--tls-data
/// clear`): a policy, the same for every mode, with a one-line fix.
pub(super) fn tls_required(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let required: Vec<&Attempt> =
        facts.obs.attempts.iter().filter(|a| a.refusal().is_some_and(|(r, _)| r == Refusal::TlsRequired)).collect();
    let Some(first) = required.first() else { return };
    let said = said(first.refusal().expect("filtered").1);
    let again = facts.obs.without_clear_data();
    let tls = if facts.obs.tls { "" } else { "--tls" };
    out.push(Finding {
        code: "tls-required",
        severity: if facts.passive_works || facts.active_works { Severity::Warning } else { Severity::Error },
        message: format!(
            "The server refused the data connections in {} ({said}): it requires TLS on data connections, and \
             these were in the clear. That is the server's policy for every mode, not a network problem.",
            modes_text(&required)
        ),
        client_action: Some(format!(
            "Protect the data connections (PROT P, ftpx's default with TLS): {}.",
            again.ftpx("probe", tls)
        )),
        server_action: None,
    });
}

pub(super) fn ipv6_extended_only(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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

pub(super) fn unsupported(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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

pub(super) fn unanswered(facts: &Facts<'_>, out: &mut Vec<Finding>) {
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

pub(super) fn transfer_failed(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let failed: Vec<&Attempt> = facts
        .obs
        .attempts
        .iter()
        .filter(|a| matches!(a.stage(), Some(Stage::Data(DataStage::Transfer | DataStage::Tls))))
        // Told by tls-session-not-resumed.
        .filter(|a| !tls_session_refused(a))
        .collect();
    let listing =
        |a: &&Attempt| a.transfer_reply.as_ref().is_some_and(|r| r.is_failure() && !matches!(r.code, 425 | 426));
    let (refused, broken): (Vec<&Attempt>, Vec<&Attempt>) = failed.into_iter().partition(listing);
    // Told by tls-required.
    let refused: Vec<&Attempt> =
        refused.into_iter().filter(|a| a.refusal().is_none_or(|(r, _)| r != Refusal::TlsRequired)).collect();
    if let Some(first) = refused.first() {
        let reply = first.transfer_reply.as_ref().expect("partitioned");
        let why = match Refusal::of(reply) {
            Refusal::NotFound => "the directory does not exist",
            Refusal::PermissionDenied => "this user may not list it",
            _ => "it refused the listing",
        };
        out.push(Finding {
            code: "listing-refused",
            severity: Severity::Warning,
            message: format!(
                "The server refused the listing in {} ({}): {why}. So those modes are unproven: the data \
                 connection was not used.",
                modes_text(&refused),
                said(reply)
            ),
            client_action: Some(format!("Give a directory you may list: {}.", facts.obs.ftpx("probe", "--path DIR"))),
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

pub(super) fn no_mode_works(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if facts.passive_works || facts.active_works {
        return;
    }
    // A policy that no mode can get past is told by tls-required, with its fix.
    let tls_required = |a: &&Attempt| a.refusal().is_some_and(|(r, _)| r == Refusal::TlsRequired);
    let measured: Vec<&Attempt> = facts.obs.attempts.iter().filter(|a| a.measured()).collect();
    if !measured.is_empty() && measured.iter().all(tls_required) {
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

//! Findings about FTPS: data connections whose TLS session the server refuses because it does not
//! resume the control connection's (RFC 4217 leaves it open; vsftpd, ProFTPD and FileZilla
//! Server require it, against data-connection theft).

use super::{Facts, Finding, Severity, modes_text, said, tls_session_refused};
use crate::probe::model::Attempt;

pub(super) fn session_not_resumed(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let refused: Vec<&Attempt> = facts.obs.attempts.iter().filter(|a| tls_session_refused(a)).collect();
    let Some(first) = refused.first() else { return };
    let reply = first.transfer_reply.as_ref().map(said).unwrap_or_default();
    let new_session = if refused.iter().any(|a| a.tls_resumed == Some(false)) {
        " ftpx's data handshake started a new session instead."
    } else {
        ""
    };
    let works = facts.passive_works || facts.active_works;
    out.push(Finding {
        code: "tls-session-not-resumed",
        severity: if works { Severity::Warning } else { Severity::Error },
        message: format!(
            "The server refused the data connection in {} ({reply}): it requires each data connection's TLS \
             session to resume the control connection's, and this one did not.{new_session} Some servers' \
             TLS 1.3 resumption is broken, or gives too few tickets.",
            modes_text(&refused)
        ),
        client_action: Some(format!("Try TLS 1.2: {}.", facts.obs.ftpx("probe", "--tls-max 1.2"))),
        server_action: Some(server_action(facts)),
    });
}

fn server_action(facts: &Facts<'_>) -> String {
    let fix = "Make resumption work for data connections (the same session cache and ticket keys as the \
               control connection)";
    match facts.per_server("require_ssl_reuse=NO", "TLSOptions NoSessionReuseRequired", "") {
        settings if settings.is_empty() => format!("{fix}."),
        settings => format!("{fix}, or, at some cost in safety, stop requiring it: {settings}."),
    }
}

//! Findings from the server's own account (`SITE FTPX-ECHO`, which `ftpx serve` answers): facts
//! the other findings can only infer. Where this machine is seen from (NAT), whether a helper on
//! the path rewrote PORT/EPRT (the argument sent against the argument received), and whether data
//! connections arrive from another address than the control connection.

use std::net::SocketAddr;

use super::{Facts, Finding, Severity};
use crate::text::escape;

/// The server saw the control connection come from another address than this machine's.
pub(super) fn client_behind_nat(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let (Some(seen), Some(local)) = (facts.seen_at, facts.obs.local_address()) else { return };
    if seen.ip().to_canonical() == local.ip().to_canonical() {
        return;
    }
    out.push(Finding {
        code: "client-behind-nat",
        severity: Severity::Info,
        message: format!(
            "The server saw this machine's control connection come from {seen}, while this machine's end of it \
             is {local}: a NAT on the path translates this machine's address. Your public address, as this \
             server sees it, is {}. (Reported by the server itself, SITE FTPX-ECHO.)",
            seen.ip().to_canonical()
        ),
        client_action: None,
        server_action: None,
    });
}

/// The EPRT/PORT the server received is not the one this machine sent: a NAT helper (FTP ALG)
/// rewrote it. Told for each attempt, the plain-FTP comparisons included.
pub(super) fn port_rewritten(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let attempts = facts
        .obs
        .attempts
        .iter()
        .flat_map(|a| std::iter::once((a, "")).chain(a.plain.as_deref().map(|p| (p, " in plain FTP"))));
    let mut seen: Vec<String> = Vec::new();
    for (a, how) in attempts {
        let Some((received, target)) = a.rewritten() else { continue };
        let at = |addr: Option<SocketAddr>| addr.map_or_else(|| "no address".to_owned(), |t| t.to_string());
        // The argument sent is known when the server accepted it; when it refused it, its address.
        let sent = match (a.sent_argument(), a.announced_ip()) {
            (Some(arg), _) => format!("{} {} ({})", a.mode, escape(&arg), at(a.announced)),
            (None, Some(ip)) => format!("{} naming {ip}", a.mode),
            (None, None) => a.mode.name().to_owned(),
        };
        seen.push(format!(
            "{}{how}: this machine sent {sent}, and the server received {} {} ({})",
            a.mode,
            a.mode,
            escape(received),
            at(target),
        ));
    }
    if seen.is_empty() {
        return;
    }
    let later = if facts.obs.tls {
        " Under TLS it cannot read the command, so there the server gets the address as sent."
    } else {
        " It can do so only while it can read the command: with FTPS (encrypted) it cannot."
    };
    out.push(Finding {
        code: "port-rewritten",
        severity: Severity::Info,
        message: format!(
            "{}: a NAT helper (an FTP ALG) on the path rewrote the command to the address the server sees this \
             machine at.{later} (Reported by the server itself, SITE FTPX-ECHO.)",
            seen.join("; ")
        ),
        client_action: Some(
            "Prefer passive mode (ftpx's default). For active mode without the helper (over TLS), announce \
             your public address (--active-address) and forward --active-ports on the router."
                .into(),
        ),
        server_action: None,
    });
}

/// The server saw a passive data connection come from another address than the control
/// connection: this machine's connections leave through more than one public address.
pub(super) fn data_from_other_address(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for a in &facts.obs.attempts {
        let Some(echo) = &a.echo else { continue };
        let peer = echo.control_peer.ip().to_canonical();
        for p in echo.passive.iter().filter(|p| p.from.ip().to_canonical() != peer) {
            seen.push(format!("{} from {} (control connection from {})", p.mode, p.from, echo.control_peer));
        }
    }
    if seen.is_empty() {
        return;
    }
    out.push(Finding {
        code: "data-from-other-address",
        severity: Severity::Warning,
        message: format!(
            "The server saw data connections arrive from another address than the control connection: {}. \
             This machine's connections leave through more than one address (a NAT with a pool of addresses, \
             or a load balancer). Servers that check that both come from the same address refuse such data \
             connections. (Reported by the server itself, SITE FTPX-ECHO.)",
            seen.join("; ")
        ),
        client_action: Some(
            "Ask the network's administrator to give one client one outgoing address (a sticky NAT \
             mapping, e.g. iptables MASQUERADE with --persistent, or a single SNAT address)."
                .into(),
        ),
        server_action: Some(format!(
            "If such clients must be served, allow data connections from other addresses: {}.",
            facts.per_server("pasv_promiscuous=YES", "AllowForeignAddress on", "")
        )),
    });
}

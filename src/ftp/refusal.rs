//! What a server's refusal means, read from its code and its words, so that callers act on the
//! meaning (stop, try another mode, say what to change) rather than on where it happened.
//!
//! RFC 959 codes say little on their own: 550 is "not found", "permission denied" and ProFTPD's
//! "SSL/TLS required on the data channel" alike, and 421/530 cover both "too many connections"
//! and "bad password". The words the common servers use decide it.

use super::Reply;

/// A refusal's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The server requires TLS (on the control connection, or on data connections: which one
    /// follows from the command refused). vsftpd "530 Non-anonymous sessions must use
    /// encryption." and "522 Data connections must be encrypted."; ProFTPD "550 SSL/TLS
    /// required on the control channel" (or "data channel"); pure-ftpd "421 Sorry, cleartext
    /// sessions ... are not accepted on this server" and "521 Data connection cannot be opened
    /// with this PROT setting.".
    TlsRequired,
    /// Not allowed for this user or by the server's settings.
    PermissionDenied,
    /// No such file or directory.
    NotFound,
    /// The server's limit on clients, or on clients from one address.
    TooManyConnections,
    /// The server does not know or does not implement the command (502, 504, "500 Unknown").
    CommandUnknown,
    /// Anything else.
    Other,
}

impl Refusal {
    pub fn of(reply: &Reply) -> Refusal {
        let text = reply.to_string().to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        // "522 SSL connection failed: session reuse required" is a refused TLS session, not TLS
        // missing: see `refuses_tls_session`.
        // RFC 4217 §9: 521 is "data connection cannot be opened with this PROT setting" (pure-ftpd
        // words it so).
        let tls_words = has(&["ssl", "tls", "encrypt", "cleartext", "secure"])
            && has(&["requir", "must", "not accepted", "not allowed", "only"]);
        if (reply.code == 521 || has(&["prot setting"]) || tls_words) && !has(&["reuse", "resum"]) {
            return Refusal::TlsRequired;
        }
        if has(&["too many", "maximum number", "max number", "connection limit", "limit reached"]) {
            return Refusal::TooManyConnections;
        }
        if matches!(reply.code, 502 | 504)
            || (reply.code == 500
                && has(&[
                    "unknown",
                    "not understood",
                    "not implemented",
                    "unrecognized",
                    "unrecognised",
                    "invalid command",
                ]))
        {
            return Refusal::CommandUnknown;
        }
        if has(&["permission denied", "access denied", "not allowed", "forbidden", "denied"]) {
            return Refusal::PermissionDenied;
        }
        if has(&["no such file", "not found", "does not exist", "doesn't exist", "cannot find", "can't find"]) {
            return Refusal::NotFound;
        }
        Refusal::Other
    }

    /// A stable name, for JSON and tests.
    pub fn name(self) -> &'static str {
        match self {
            Refusal::TlsRequired => "tls-required",
            Refusal::PermissionDenied => "permission-denied",
            Refusal::NotFound => "not-found",
            Refusal::TooManyConnections => "too-many-connections",
            Refusal::CommandUnknown => "command-unknown",
            Refusal::Other => "refused",
        }
    }

    /// Whether another data-connection mode could get past this refusal of a mode or transfer
    /// command. TLS required is the server's policy for every data connection: trying the other
    /// modes only ends in blaming the network.
    pub fn another_mode_may_help(self) -> bool {
        self != Refusal::TlsRequired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &str) -> Reply {
        Reply { code: line[..3].parse().unwrap(), lines: vec![line.as_bytes().to_vec()] }
    }

    #[test]
    fn refusals_are_classified_by_their_words() {
        let cases = [
            ("550 SSL/TLS required on the data channel", Refusal::TlsRequired),
            ("550 SSL/TLS required on the control channel", Refusal::TlsRequired),
            ("530 Non-anonymous sessions must use encryption.", Refusal::TlsRequired),
            ("522 Data connections must be encrypted.", Refusal::TlsRequired),
            ("421 Sorry, cleartext sessions and weak ciphers are not accepted on this server.", Refusal::TlsRequired),
            ("522 SSL connection failed: session reuse required", Refusal::Other),
            ("521 Data connection cannot be opened with this PROT setting.", Refusal::TlsRequired),
            ("421 Too many connections (4) from this IP", Refusal::TooManyConnections),
            (
                "530 Sorry, the maximum number of clients (5) from your host are already connected.",
                Refusal::TooManyConnections,
            ),
            ("500 Unknown command.", Refusal::CommandUnknown),
            ("502 Command not implemented.", Refusal::CommandUnknown),
            ("500 Illegal PORT command.", Refusal::Other),
            ("550 Permission denied.", Refusal::PermissionDenied),
            ("550 /x: No such file or directory", Refusal::NotFound),
            ("550 Failed to open file.", Refusal::Other),
        ];
        for (line, want) in cases {
            assert_eq!(Refusal::of(&reply(line)), want, "{line}");
        }
        assert!(!Refusal::TlsRequired.another_mode_may_help());
        assert!(Refusal::CommandUnknown.another_mode_may_help());
    }
}

//! The protocol engine: the control connection, replies, commands and data connections.
//!
//! It prints nothing and knows nothing of the command line: what it has to say goes to an
//! [`Observer`] (transcript lines, data-connection events, mode fallbacks), and every failure is
//! an [`Error`] that keeps the server's reply. Every wait is bounded by a timeout that names its
//! [`Phase`].

mod command;
mod control;
mod data;
pub mod echo;
pub mod format;
pub mod list;
mod refusal;
pub mod reply;
mod stream;
pub mod tls;

#[cfg(test)]
mod properties;

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

pub use command::{Command, UnsafeArgument, check_arg};
pub use control::{Features, Session};
pub use data::{DataFailure, DataRecord, DataStream, OwedReply, PassiveOffer, Stage, Step, refuses_tls_session};
pub use refusal::Refusal;
pub use reply::{AddressError, Reply, ReplyError};
pub use stream::Stream;

/// One of the four ways to open a data connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataMode {
    /// RFC 2428 extended passive: the server names a port, the client connects.
    Epsv,
    /// RFC 959 passive: the server names an IPv4 address and port, the client connects.
    Pasv,
    /// RFC 2428 extended active: the client names an address and port, the server connects.
    Eprt,
    /// RFC 959 active: the client names an IPv4 address and port, the server connects.
    Port,
}

impl DataMode {
    pub const ALL: [DataMode; 4] = [DataMode::Epsv, DataMode::Pasv, DataMode::Eprt, DataMode::Port];

    pub fn is_passive(self) -> bool {
        matches!(self, DataMode::Epsv | DataMode::Pasv)
    }

    pub fn name(self) -> &'static str {
        match self {
            DataMode::Epsv => "EPSV",
            DataMode::Pasv => "PASV",
            DataMode::Eprt => "EPRT",
            DataMode::Port => "PORT",
        }
    }
}

impl fmt::Display for DataMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which modes a session may use, in the order it tries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModePolicy {
    /// Passive, then active when no passive data connection can be made.
    Auto,
    /// EPSV, then PASV.
    Passive,
    /// EPRT, then PORT.
    Active,
    Only(DataMode),
}

impl ModePolicy {
    pub fn modes(self) -> Vec<DataMode> {
        use DataMode::*;
        match self {
            ModePolicy::Auto => vec![Epsv, Pasv, Eprt, Port],
            ModePolicy::Passive => vec![Epsv, Pasv],
            ModePolicy::Active => vec![Eprt, Port],
            ModePolicy::Only(m) => vec![m],
        }
    }

    /// The modes to try on a connection to an IPv6 peer (`ipv6`) or an IPv4 one: PASV and PORT
    /// carry only IPv4 addresses (RFC 2428 §1), and without `extended_on_ipv4` EPSV and EPRT are
    /// left out on IPv4 (tnftp's `epsv4 off`), unless the policy names nothing else.
    pub fn modes_for(self, ipv6: bool, extended_on_ipv4: bool) -> Vec<DataMode> {
        let mut modes = self.modes();
        if modes.len() > 1 {
            let extended = |m: &DataMode| matches!(m, DataMode::Epsv | DataMode::Eprt);
            let kept: Vec<DataMode> = match (ipv6, extended_on_ipv4) {
                (true, _) => modes.iter().copied().filter(extended).collect(),
                (false, false) => modes.iter().copied().filter(|m| !extended(m)).collect(),
                (false, true) => Vec::new(),
            };
            if !kept.is_empty() {
                modes = kept;
            }
        }
        modes
    }
}

/// Where a PASV data connection goes when the 227 reply names another address than the
/// control connection's peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasvAddress {
    /// The control peer, with the advertised port: a server cannot point the client at a third
    /// host (CVE-2020-8284, CVE-2021-4189), and a server behind NAT that advertises its private
    /// address still works.
    Peer,
    /// The advertised address.
    Trust,
}

/// Everything a session needs to know that does not change while it runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bounds each TCP connect (control and data) and TLS handshake.
    pub connect_timeout: Duration,
    /// Bounds every other wait: banner, each reply, data accept, an idle data stream.
    pub timeout: Duration,
    pub modes: ModePolicy,
    /// EPSV and EPRT on an IPv4 connection too (see [`ModePolicy::modes_for`]).
    pub extended_on_ipv4: bool,
    pub pasv_address: PasvAddress,
    /// Advertised in PORT/EPRT instead of the control connection's local address.
    pub active_address: Option<IpAddr>,
    /// Where to listen for active data connections; any free port when `None`.
    pub active_ports: Option<RangeInclusive<u16>>,
    /// FTPS, when wanted.
    pub tls: Option<tls::TlsSetup>,
    /// When an upload over a plain TCP data connection goes by sendfile(2), and whether a
    /// download goes by splice(2).
    pub send_file: SendFile,
}

/// When the kernel moves a transfer's bytes over a plain TCP data connection (Linux) without
/// passing them through ftpx: an upload of a regular file by sendfile(2), a download into a
/// regular file by splice(2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SendFile {
    /// Downloads always; uploads to another host only. On one host (loopback, or the server at
    /// one of our own addresses) the receiving server must then make the one copy out of the page
    /// cache itself, after ftpx instead of beside it: less CPU in all, but a slower upload
    /// (bench/transfer.sh).
    #[default]
    Auto,
    Always,
    /// Every byte is read into ftpx and written out: no sendfile, no splice.
    Never,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(15),
            timeout: Duration::from_secs(60),
            modes: ModePolicy::Auto,
            extended_on_ipv4: true,
            pasv_address: PasvAddress::Peer,
            active_address: None,
            active_ports: None,
            tls: None,
            send_file: SendFile::Auto,
        }
    }
}

/// What the engine reports while it works. `conn` names the connection: `control`, `data#3`,
/// with the session's label in front when it has one (the probe labels each mode's session).
pub trait Observer: Send + Sync {
    fn event(&self, conn: &str, event: &Event<'_>);
}

/// An observer and a connection name, for code that runs apart from the session.
pub(crate) struct Notifier {
    observer: Arc<dyn Observer>,
    conn: String,
}

impl Notifier {
    pub(crate) fn note(&self, text: &str) {
        self.observer.event(&self.conn, &Event::Note(text));
    }
}

#[derive(Debug)]
pub enum Event<'a> {
    /// A command written to the control connection (PASS shown as `****`).
    Sent(&'a Command),
    /// A reply read from the control connection.
    Received(&'a Reply),
    /// A connection or data-connection event, as one line of text.
    Note(&'a str),
    /// A data-connection mode failed and the session moves to the next one for good.
    Fallback { from: DataMode, to: DataMode, reason: &'a str },
}

/// The wait that timed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Connect,
    Banner,
    Reply,
    DataConnect,
    Accept,
    Idle,
    Send,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Connect => "connect",
            Phase::Banner => "waiting for the server's greeting",
            Phase::Reply => "waiting for a reply",
            Phase::DataConnect => "data connect",
            Phase::Accept => "waiting for the server to connect back",
            Phase::Idle => "data transfer (no data received or sent)",
            Phase::Send => "sending a command",
        })
    }
}

/// Everything the engine can fail with. Display is one lowercase line that never repeats its
/// source; the server's reply, when there is one, is kept whole.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot resolve '{host}'")]
    Resolve { host: String, source: io::Error },
    #[error("cannot connect to '{host}': {}", list_attempts(attempts))]
    Connect { host: String, attempts: Vec<(SocketAddr, String)> },
    #[error("timed out after {}s: {phase}", after.as_secs_f64())]
    Timeout { phase: Phase, after: Duration },
    #[error("the server closed the control connection")]
    Closed,
    #[error("the server closed the session: {0}")]
    ServiceClosing(Reply),
    #[error("unexpected greeting from the server: {0}")]
    Greeting(Reply),
    /// The first bytes were not an FTP reply at all: another service, or garbage.
    #[error("no FTP greeting from the server")]
    NotFtp(#[source] ReplyError),
    #[error("login refused: {0}")]
    Login(Reply),
    #[error("the server asks for a password for user '{0}' and none was given")]
    PasswordRequired(String),
    #[error("{command} refused: {reply}")]
    Refused { command: String, reply: Reply },
    #[error(transparent)]
    Unsafe(#[from] UnsafeArgument),
    #[error("bad reply from the server")]
    Protocol(#[from] ReplyError),
    #[error("no data connection could be made: {}", list_modes(attempts))]
    NoDataConnection { attempts: Vec<(DataMode, DataFailure)> },
    #[error("the control connection is unusable after an earlier error")]
    Unusable,
    #[error("control connection: {0}")]
    Io(io::Error),
    /// The data connection broke during a transfer: whatever it carried is incomplete. (Not a
    /// `source`: a broken pipe here is the server's doing, never `ftpx ls | head`.)
    #[error("data connection: {0}")]
    DataIo(io::Error),
    /// `AUTH TLS` got another answer than 234: nothing more is sent, in the clear or otherwise.
    #[error("the server refused TLS: AUTH TLS answered {0}")]
    TlsRefused(Reply),
    #[error("TLS on the control connection: {0}")]
    Tls(String),
    /// The server refused a data connection's TLS session. `resumed` says whether the data
    /// connection's handshake resumed the control connection's session (`None`: no handshake).
    #[error("the server refused the data connection's TLS session ({}): {reply}", resumption(*resumed))]
    TlsData { reply: Reply, resumed: Option<bool> },
    /// 421 instead of the greeting (RFC 959 §5.4): too many users, or too many connections from
    /// this address; another try later may well get in.
    #[error("the server is busy and turned the connection away: {0}")]
    Busy(Reply),
}

impl Error {
    pub fn is_tls(&self) -> bool {
        matches!(self, Error::TlsRefused(_) | Error::Tls(_) | Error::TlsData { .. })
    }

    /// A data connection refused because its TLS session was new: a server out of TLS 1.3
    /// tickets for this session (ProFTPD 1.3.8 sends none on upload connections). A new control
    /// connection brings new tickets.
    pub fn is_tls_not_resumed(&self) -> bool {
        matches!(self, Error::TlsData { resumed: Some(false), .. })
    }

    /// The control connection is gone or out of step (closed, reset, silent past the timeout, a
    /// 421): nothing more can be sent on it, and a new login is needed to go on.
    pub fn is_control_lost(&self) -> bool {
        matches!(
            self,
            Error::Timeout { phase: Phase::Reply | Phase::Send, .. }
                | Error::Closed
                | Error::Io(_)
                | Error::Unusable
                | Error::ServiceClosing(_)
        )
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// What the server's refusal means, when the failure is one: a refused login, command or
    /// transfer, or data connections all refused alike.
    pub fn refusal(&self) -> Option<Refusal> {
        if let Error::NoDataConnection { attempts } = self {
            let mut kinds = attempts.iter().map(|(_, f)| f.refusal());
            let first = kinds.next().flatten()?;
            return kinds.all(|k| k == Some(first)).then_some(first);
        }
        self.reply().map(Refusal::of)
    }

    /// The server requires TLS where it was not used: a plain login (control) or a data
    /// connection in the clear (`PROT C`).
    pub fn is_tls_required(&self) -> bool {
        self.refusal() == Some(Refusal::TlsRequired)
    }

    /// The server refused `PROT C` (data connections in the clear) after login: ProFTPD with
    /// `TLSRequired on` answers "534 Unwilling to accept security parameters".
    pub fn is_clear_data_refused(&self) -> bool {
        // The text the login's PROT step gives (control.rs).
        matches!(self, Error::Tls(text) if text.starts_with("PROT C refused"))
    }

    /// The server's certificate is signed by no authority trusted here (self-signed, or a
    /// private CA): trusting it is the user's decision, which the edge offers.
    pub fn is_untrusted_certificate(&self) -> bool {
        matches!(self, Error::Tls(text) if tls::is_untrusted_issuer(text))
    }

    /// The server's reply, when the failure is one.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            Error::ServiceClosing(r)
            | Error::Greeting(r)
            | Error::Login(r)
            | Error::Refused { reply: r, .. }
            | Error::Busy(r) => Some(r),
            _ => None,
        }
    }
}

fn resumption(resumed: Option<bool>) -> &'static str {
    match resumed {
        Some(true) => "it did resume the control connection's session",
        Some(false) => "it did not resume the control connection's session",
        None => "no TLS handshake was completed",
    }
}

fn list_attempts(attempts: &[(SocketAddr, String)]) -> String {
    let parts: Vec<String> = attempts.iter().map(|(a, e)| format!("{a}: {e}")).collect();
    parts.join("; ")
}

fn list_modes(attempts: &[(DataMode, DataFailure)]) -> String {
    let parts: Vec<String> = attempts.iter().map(|(m, e)| format!("{m}: {e}")).collect();
    parts.join("; ")
}

/// `addr` as the control connection sees it: an IPv4-mapped IPv6 address is its IPv4 form.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

#[cfg(test)]
mod tests {
    use super::DataMode::*;
    use super::ModePolicy;

    #[test]
    fn modes_for_ipv6_and_for_ipv4_without_the_extended_modes() {
        assert_eq!(ModePolicy::Auto.modes_for(false, true), [Epsv, Pasv, Eprt, Port]);
        assert_eq!(ModePolicy::Auto.modes_for(true, true), [Epsv, Eprt]);
        assert_eq!(ModePolicy::Auto.modes_for(false, false), [Pasv, Port]);
        // IPv6 has no plain modes to fall back on: epsv4 concerns IPv4 only.
        assert_eq!(ModePolicy::Active.modes_for(true, false), [Eprt]);
        // A mode asked for by name is tried whatever the toggle says.
        assert_eq!(ModePolicy::Only(Epsv).modes_for(false, false), [Epsv]);
        assert_eq!(ModePolicy::Only(Pasv).modes_for(true, true), [Pasv]);
    }
}

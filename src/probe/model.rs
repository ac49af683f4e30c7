//! What the probe saw, as plain values: the attempts, the session facts, and what was asked for.
//!
//! `observe` fills these in; `diagnose` and `render` read them and nothing else, so both are
//! tested with hand-built observations and neither depends on any I/O.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::ftp::echo::Echo;
use crate::ftp::{self, Command, DataMode, Refusal, Reply};

/// Where an attempt stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// This attempt got no control connection or login, even on a second try: the mode was not
    /// measured (the reason has nothing to do with the mode).
    NotMeasured,
    /// The server did not answer the mode command, or the control connection broke there.
    NoReply,
    /// A stage of the data connection, as the engine names it.
    Data(ftp::Stage),
}

impl Stage {
    /// A stable name for JSON and tests.
    pub fn name(self) -> &'static str {
        match self {
            Stage::NotMeasured => "not-measured",
            Stage::NoReply => "no-reply",
            Stage::Data(s) => s.name(),
        }
    }
}

impl From<ftp::Stage> for Stage {
    fn from(s: ftp::Stage) -> Stage {
        Stage::Data(s)
    }
}

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub stage: Stage,
    pub detail: String,
}

impl Failure {
    pub fn new(stage: impl Into<Stage>, detail: impl Into<String>) -> Failure {
        Failure { stage: stage.into(), detail: detail.into() }
    }
}

impl From<ftp::DataFailure> for Failure {
    fn from(f: ftp::DataFailure) -> Failure {
        Failure::new(f.stage, f.detail)
    }
}

/// Everything one attempt saw. `None` fields were never reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub mode: DataMode,
    /// `None` when the transfer worked.
    pub failure: Option<Failure>,
    pub elapsed: Duration,
    /// The control connection's local and peer addresses.
    pub local: Option<SocketAddr>,
    pub peer: Option<SocketAddr>,
    /// The server's reply to the mode command.
    pub reply: Option<Reply>,
    /// Passive: the address the 227/229 reply named (for EPSV, the peer with the named port).
    pub advertised: Option<SocketAddr>,
    /// Active: the address announced in EPRT/PORT, when the server accepted it.
    pub announced: Option<SocketAddr>,
    /// Active: the IP address announced (or about to be), known even when the command was refused.
    pub announced_ip: Option<IpAddr>,
    /// Passive: where the data connection went; active: where it came from.
    pub data_address: Option<SocketAddr>,
    /// Active: connections that came from another address than the server's, and were refused.
    pub strays: Vec<SocketAddr>,
    /// The reply that ended the transfer: 226, or the 425/426/550 that failed it.
    pub transfer_reply: Option<Reply>,
    pub bytes: u64,
    /// Passive: the port the attempt's 227/229 reply named.
    pub ports: Vec<u16>,
    /// PASV: the attempt at the advertised address, when it is not the server's.
    pub advertised_check: Option<Check>,
    /// Under PROT P: whether the data connection's TLS session resumed the control connection's;
    /// `None` when the data connection was not TLS or its handshake did not complete.
    pub tls_resumed: Option<bool>,
    /// Active, when the probe runs with TLS: the same mode tried in plain FTP on a control
    /// connection of its own (`None` when it was not tried).
    pub plain: Option<Box<Attempt>>,
    /// From the start of the attempt (after login) to the mode command's reply.
    pub mode_reply_after: Option<Duration>,
    /// From the start of the attempt to the data connection's connect or accept.
    pub connected_after: Option<Duration>,
    /// The control connection or login failed once and was tried again.
    pub retried: bool,
    /// What the server saw of this session, asked after the transfer (`SITE FTPX-ECHO`, when the
    /// server's FEAT offers it: `ftpx serve`); `None` from any other server.
    pub echo: Option<Echo>,
}

impl Attempt {
    pub fn new(mode: DataMode) -> Attempt {
        Attempt {
            mode,
            failure: None,
            elapsed: Duration::ZERO,
            local: None,
            peer: None,
            reply: None,
            advertised: None,
            announced: None,
            announced_ip: None,
            data_address: None,
            strays: Vec::new(),
            transfer_reply: None,
            bytes: 0,
            ports: Vec::new(),
            advertised_check: None,
            tls_resumed: None,
            plain: None,
            mode_reply_after: None,
            connected_after: None,
            retried: false,
            echo: None,
        }
    }

    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }

    /// Whether the mode was tried at all: false when its session never got a control
    /// connection and login.
    pub fn measured(&self) -> bool {
        self.stage() != Some(Stage::NotMeasured)
    }

    pub fn stage(&self) -> Option<Stage> {
        self.failure.as_ref().map(|f| f.stage)
    }

    /// Active: the IP address announced in EPRT/PORT, canonical (IPv4-mapped shown as IPv4).
    pub fn announced_ip(&self) -> Option<IpAddr> {
        self.announced.map(|a| a.ip()).or(self.announced_ip).map(|ip| ip.to_canonical())
    }

    /// Active: the argument of the EPRT/PORT this machine sent, when the server accepted it.
    pub fn sent_argument(&self) -> Option<Vec<u8>> {
        let to = self.announced?;
        let cmd = if self.mode == DataMode::Eprt { Some(Command::eprt(to)) } else { Command::port(to) };
        cmd.and_then(|c| c.argument().map(<[u8]>::to_vec))
    }

    /// Active, from the server's echo: the argument as it arrived and the address it names,
    /// when it differs from the one sent (something on the path rewrote it). When the server
    /// refused the command (the port sent is not recorded then), the IP addresses are compared.
    pub fn rewritten(&self) -> Option<(&[u8], Option<SocketAddr>)> {
        let active = self.echo.as_ref()?.active.as_ref()?;
        if active.command != self.mode {
            return None;
        }
        let changed = match self.sent_argument() {
            Some(sent) => active.argument.trim_ascii() != sent.as_slice(),
            None => {
                let (sent, got) = (self.announced_ip()?, active.target?.ip().to_canonical());
                sent != got
            }
        };
        changed.then_some((active.argument.as_slice(), active.target))
    }

    /// Whether the plain-FTP comparison worked; `None` when it was not run, or got no control
    /// connection or login (a server that refuses logins without TLS).
    pub fn plain_ok(&self) -> Option<bool> {
        self.plain.as_ref().filter(|p| p.measured()).map(|p| p.ok())
    }

    /// The server's refusal that failed the attempt, and what it means: the mode command's
    /// reply when the mode was refused, else the transfer command's failure reply.
    pub fn refusal(&self) -> Option<(Refusal, &Reply)> {
        let reply = match self.stage()? {
            Stage::Data(ftp::Stage::Refused) => self.reply.as_ref(),
            Stage::NotMeasured => None,
            _ => self.transfer_reply.as_ref().filter(|r| r.is_failure()),
        }?;
        Some((Refusal::of(reply), reply))
    }
}

/// A PASV data connection to the address the 227 reply advertised, made on its own session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The advertised address that was tried.
    pub address: SocketAddr,
    pub failure: Option<Failure>,
    pub elapsed: Duration,
}

impl Check {
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }
}

/// All the probe saw, in a form `diagnose` can judge without any I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observations {
    pub host: String,
    pub port: u16,
    /// The deadline of each attempt.
    pub deadline: Duration,
    /// From the start of the first attempt to the end of the last.
    pub elapsed: Duration,
    /// The first greeting seen (it names the server software, which the advice follows).
    pub greeting: Option<Reply>,
    /// The reply to SYST, when one session asked.
    pub syst: Option<Reply>,
    /// The FEAT reply's feature lines (empty when FEAT gave no list).
    pub features: Vec<String>,
    /// The control connections were TLS (`--tls`, `ftpes://`, `ftps://`).
    pub tls: bool,
    /// Whether FEAT listed EPSV; `None` when FEAT gave no list.
    pub epsv_in_feat: Option<bool>,
    /// Exactly four, in the order EPSV, PASV, EPRT, PORT.
    pub attempts: Vec<Attempt>,
    /// How to name this server again in a command: see [`Plan::again`].
    pub again: Again,
}

impl Observations {
    pub fn attempt(&self, mode: DataMode) -> &Attempt {
        self.attempts.iter().find(|a| a.mode == mode).expect("one attempt per mode")
    }

    /// The control connection's peer, as any attempt saw it.
    pub fn server_address(&self) -> Option<SocketAddr> {
        self.attempts.iter().find_map(|a| a.peer)
    }

    /// What the server saw (`SITE FTPX-ECHO`), from the first session that asked; `None` when
    /// the server does not offer it.
    pub fn echo(&self) -> Option<&Echo> {
        self.attempts.iter().find_map(|a| a.echo.as_ref())
    }

    /// Our end of the control connection, as any attempt saw it.
    pub fn local_address(&self) -> Option<SocketAddr> {
        self.attempts.iter().find_map(|a| a.local)
    }

    /// The lowest and highest passive port seen, and how many replies were seen.
    pub fn passive_ports(&self) -> Option<(u16, u16, usize)> {
        let ports: Vec<u16> = self.attempts.iter().flat_map(|a| a.ports.iter().copied()).collect();
        Some((*ports.iter().min()?, *ports.iter().max()?, ports.len()))
    }

    /// An ftpx command line for this server: `ftpx SUB FLAGS [the user's flags] URL`, runnable as
    /// printed (the user's host, port, user, path and TLS flags; never a password).
    pub fn ftpx(&self, sub: &str, flags: &str) -> String {
        let quote = |w: &String| shlex::try_quote(w).map_or_else(|_| w.clone(), |q| q.into_owned());
        let given = self.again.flags.iter().chain([&self.again.url]).map(quote);
        let parts: Vec<String> = ["ftpx", sub, flags].into_iter().map(str::to_owned).chain(given).collect();
        parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
    }

    /// The same, without `--tls-data clear` (for the fix of a server that requires TLS on data).
    pub fn without_clear_data(&self) -> Observations {
        let mut flags = Vec::new();
        let mut words = self.again.flags.iter().peekable();
        while let Some(w) = words.next() {
            if w == "--tls-data" && words.peek().is_some_and(|v| *v == "clear") {
                words.next();
            } else {
                flags.push(w.clone());
            }
        }
        Observations { again: Again { flags, ..self.again.clone() }, ..self.clone() }
    }
}

/// The server as the user named it, to be named again in commands the report suggests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Again {
    /// The URL with the user, port and path, without the password.
    pub url: String,
    /// The flags that shape the connection (`--tls`, `--insecure`, `--cacert FILE`...), as given,
    /// one word each.
    pub flags: Vec<String>,
}

/// What the probe is asked to do.
#[derive(Debug, Clone)]
pub struct Plan {
    pub host: String,
    pub port: u16,
    /// The directory to list; the login directory when `None`.
    pub path: Option<Vec<u8>>,
    /// The deadline of each whole attempt.
    pub deadline: Duration,
    /// The control connections are TLS.
    pub tls: bool,
    /// How the report names the server again in the commands it suggests.
    pub again: Again,
}

//! The one place that maps errors to exit codes and hints.
//!
//! The engine's [`ftp::Error`] and the application's [`AppError`] travel inside `anyhow::Error`
//! with context added on the way up ("could not download 'pub/a.txt'"); here the chain is searched
//! for the cause that decides the exit code, and for a hint when the cause is known.

use std::io;

use crate::ftp::tls::TlsConfigError;
use crate::ftp::{self, Phase, Stage};
use crate::target::TargetError;

/// Exit codes, documented in the README, `--help` and the man page.
pub mod exit {
    pub const OK: u8 = 0;
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CONNECT: u8 = 3;
    pub const LOGIN: u8 = 4;
    pub const REFUSED: u8 = 5;
    pub const NO_DATA_CONNECTION: u8 = 6;
    pub const TLS: u8 = 7;
    pub const TIMEOUT: u8 = 8;
    pub const LOCAL_FILE: u8 = 9;
    pub const PROBE_NOTHING_WORKS: u8 = 10;
    pub const INCOMPLETE: u8 = 11;
    /// `mirror`: some files failed; the others were copied whole.
    pub const MIRROR_FAILED: u8 = 12;
}

/// Failures of the application layer (the engine's are `ftp::Error`).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Usage(String),
    #[error("{path}")]
    Local { path: String, source: io::Error },
    #[error("{0}")]
    Incomplete(String),
    /// Ctrl-C or SIGTERM; exits 130 or 143.
    #[error("{0}")]
    Interrupted(String),
    /// `quote` got a 4xx/5xx: the reply is already printed.
    #[error("the server answered {0}")]
    QuoteFailed(u16),
    /// The shell has no session (never opened, closed, or lost and not reconnected).
    #[error("{0}")]
    NotConnected(String),
}

impl AppError {
    pub fn local(path: &std::path::Path, source: io::Error) -> AppError {
        AppError::Local { path: path.display().to_string(), source }
    }
}

/// The exit code for `err`, from the first cause in its chain that decides one.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<AppError>() {
            return match e {
                AppError::Usage(_) => exit::USAGE,
                AppError::Local { .. } => exit::LOCAL_FILE,
                AppError::Incomplete(_) => exit::INCOMPLETE,
                AppError::QuoteFailed(_) => exit::REFUSED,
                AppError::Interrupted(_) => crate::interrupt::exit_status(),
                AppError::NotConnected(_) => exit::CONNECT,
            };
        }
        // CR, LF or NUL in an argument, refused before sending: a usage error however it came up.
        if cause.downcast_ref::<TargetError>().is_some() || cause.downcast_ref::<ftp::UnsafeArgument>().is_some() {
            return exit::USAGE;
        }
        if let Some(e) = cause.downcast_ref::<ftp::Error>() {
            return engine_exit_code(e);
        }
        if cause.downcast_ref::<crate::transfer::Broken>().is_some() {
            return exit::INCOMPLETE;
        }
        if let Some(e) = cause.downcast_ref::<TlsConfigError>() {
            return match e {
                TlsConfigError::CaFile { .. } | TlsConfigError::EmptyCaFile(_) => exit::LOCAL_FILE,
                TlsConfigError::Rustls(_) => exit::TLS,
            };
        }
    }
    exit::OTHER
}

fn engine_exit_code(e: &ftp::Error) -> u8 {
    use ftp::Error::*;
    match e {
        Resolve { .. } | Connect { .. } | Greeting(_) | NotFtp(_) | Busy(_) => exit::CONNECT,
        Timeout { phase: Phase::Connect, .. } => exit::CONNECT,
        Timeout { .. } => exit::TIMEOUT,
        Login(_) | PasswordRequired(_) => exit::LOGIN,
        Refused { .. } => exit::REFUSED,
        Unsafe(_) => exit::USAGE,
        NoDataConnection { .. } => exit::NO_DATA_CONNECTION,
        TlsRefused(_) | Tls(_) | TlsData { .. } => exit::TLS,
        DataIo(_) => exit::INCOMPLETE,
        Closed | ServiceClosing(_) | Protocol(_) | Unusable | Io(_) => exit::OTHER,
    }
}

/// Whether `err` is a broken pipe on our own output (`ftpx ls ... | head`), which is success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) || matches!(c.downcast_ref::<AppError>(), Some(AppError::Local { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe))
}

/// A next step for the user, when the cause is known. `probe` is the `ftpx probe ...` command
/// for the server, runnable as printed (`Options::probe_command`), once the server is known.
pub fn hint(err: &anyhow::Error, probe: Option<&str>) -> Option<String> {
    hint_in(
        err,
        &Surface {
            mode: "--mode ",
            q: "",
            probe: probe.unwrap_or("ftpx probe HOST"),
            credentials: "-u USER:PASSWORD, FTPX_PASSWORD or ~/.netrc",
            resume: "without -c",
            retry: ", or let ftpx wait and retry: --retry 5",
        },
    )
}

/// The same hints in the interactive shell's words: its commands instead of flags.
pub fn shell_hint(err: &anyhow::Error) -> Option<String> {
    hint_in(
        err,
        &Surface {
            mode: "mode ",
            q: "`",
            probe: "probe",
            credentials: "`user NAME`, ~/.netrc or FTPX_PASSWORD",
            resume: "with get",
            retry: "",
        },
    )
}

/// How a hint names the next step where the user is.
struct Surface<'a> {
    mode: &'a str,
    /// Quotes around a mode suggestion: a flag reads plainly, a shell command in backticks.
    q: &'a str,
    probe: &'a str,
    credentials: &'a str,
    resume: &'a str,
    /// How to have ftpx retry by itself.
    retry: &'a str,
}

/// After a break: the command that resumes it (runnable as printed), and why the file is still
/// whole when only the final reply was lost.
fn broken_hint(broken: &crate::transfer::Broken, s: &Surface<'_>) -> Option<String> {
    use crate::transfer::Direction;
    let resume = match (&broken.resume_with, broken.direction) {
        (Some(cmd), _) => format!("resume with `{cmd}`"),
        (None, Direction::Get) => "resume with `reget`".to_owned(),
        (None, Direction::Put) => "resume with `reput`".to_owned(),
    };
    if !broken.resumable {
        return Some(format!("run it again{}", s.retry));
    }
    if matches!(broken.cause, crate::transfer::Cause::ReplyLost { .. }) {
        return Some(format!(
            "the control connection was probably dropped by a NAT or firewall idle timeout while the data              flowed; {resume}, which checks the size and finishes the file"
        ));
    }
    Some(format!("{resume}{}", s.retry))
}

fn hint_in(err: &anyhow::Error, s: &Surface<'_>) -> Option<String> {
    let (mode, probe, q) = (s.mode, s.probe, s.q);
    for cause in err.chain() {
        if let Some(broken) = cause.downcast_ref::<crate::transfer::Broken>() {
            return broken_hint(broken, s);
        }
        let Some(e) = cause.downcast_ref::<ftp::Error>() else { continue };
        // The engine says what happened; the flags that change it are named here.
        if e.is_clear_data_refused() {
            return Some("the server requires TLS on data connections: use --tls without --tls-data clear".into());
        }
        if e.is_tls_required() {
            return Some(match e {
                ftp::Error::Refused { .. } | ftp::Error::NoDataConnection { .. } => {
                    "the server requires TLS on data connections: use --tls without --tls-data clear".into()
                }
                _ => "the server requires TLS: connect with --tls (or an ftpes:// URL)".into(),
            });
        }
        if e.is_untrusted_certificate() {
            return Some("if you trust this server, give its certificate or CA with --cacert FILE".into());
        }
        return match e {
            ftp::Error::NoDataConnection { attempts } => {
                if attempts.iter().all(|(_, f)| f.stage == Stage::Unusable) {
                    return Some(format!(
                        "PASV and PORT carry only IPv4 addresses: use {q}{mode}epsv{q} or {q}{mode}eprt{q}"
                    ));
                }
                let passive_failed = attempts.iter().any(|(m, _)| m.is_passive());
                let active_failed = attempts.iter().any(|(m, _)| !m.is_passive());
                let next = match (passive_failed, active_failed) {
                    (true, false) => format!("try {q}{mode}active{q}, or run "),
                    (false, true) => format!("try {q}{mode}passive{q}, or run "),
                    _ => "run ".to_owned(),
                };
                Some(format!("{next}`{probe}` to see which data-connection mode gets through"))
            }
            ftp::Error::Login(r) if r.code == 530 => {
                Some(format!("check the user name and password ({})", s.credentials))
            }
            ftp::Error::NotFtp(_) => Some("check the host and port: what answers there does not speak FTP".into()),
            ftp::Error::PasswordRequired(_) => Some(format!("give it with {}", s.credentials)),
            ftp::Error::Timeout { phase: Phase::Idle, .. } => {
                Some(format!("the data connection stalled; if this repeats, run `{probe}`"))
            }
            ftp::Error::Timeout { phase: Phase::Accept, .. } => {
                Some(format!("the server never connected back: try {q}{mode}passive{q}, or run `{probe}`"))
            }
            ftp::Error::TlsData { .. } => Some(
                "servers like vsftpd (require_ssl_reuse) demand that each data connection resume the control \
                 connection's TLS session; try --tls-max 1.2, or --tls-data clear if the server allows PROT C"
                    .into(),
            ),
            ftp::Error::TlsRefused(_) => Some(
                "the server does not offer TLS here: use ftp:// without --tls only if plaintext is acceptable".into(),
            ),
            ftp::Error::Busy(_) => Some(format!(
                "the server has too many connections (in all, or from your address); try again later{}",
                s.retry
            )),
            ftp::Error::Refused { command, .. } if command.starts_with("REST") => {
                Some(format!("the server cannot resume; download again {}", s.resume))
            }
            _ => None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ftp::{DataFailure, DataMode};
    use anyhow::Context;

    #[test]
    fn exit_codes_follow_the_cause_under_context() {
        let e = anyhow::Error::new(ftp::Error::NoDataConnection {
            attempts: vec![(
                DataMode::Epsv,
                DataFailure { stage: Stage::ConnectTimeout, detail: "timed out".into(), reply: None },
            )],
        })
        .context("could not list");
        assert_eq!(exit_code(&e), exit::NO_DATA_CONNECTION);
        assert!(hint(&e, Some("h")).unwrap().contains("--mode active"));
        assert!(shell_hint(&e).unwrap().contains("`mode active`"));
        assert!(shell_hint(&e).unwrap().contains("`probe`"));
        let e: anyhow::Error = Err::<(), _>(AppError::Incomplete("short".into())).context("x").unwrap_err();
        assert_eq!(exit_code(&e), exit::INCOMPLETE);
        assert_eq!(exit_code(&anyhow::anyhow!("x")), exit::OTHER);
        let pipe = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing");
        assert!(is_broken_pipe(&pipe));
    }

    #[test]
    fn tls_required_hints_name_the_flag_for_control_or_data() {
        let reply = |line: &str| ftp::Reply { code: line[..3].parse().unwrap(), lines: vec![line.as_bytes().to_vec()] };
        let control = [
            ftp::Error::Login(reply("550 SSL/TLS required on the control channel")),
            ftp::Error::Login(reply("530 Non-anonymous sessions must use encryption.")),
            ftp::Error::ServiceClosing(reply("421 Sorry, cleartext sessions and weak ciphers are not accepted")),
        ];
        for e in control {
            let h = hint(&anyhow::Error::new(e), None).unwrap();
            assert!(h.contains("connect with --tls"), "{h}");
        }
        let data =
            ftp::Error::Refused { command: "EPSV".into(), reply: reply("550 SSL/TLS required on the data channel") };
        let h = hint(&anyhow::Error::new(data), None).unwrap();
        assert!(h.contains("without --tls-data clear"), "{h}");
        let prot = ftp::Error::Tls("PROT C refused: 534 Unwilling to accept security parameters".into());
        let h = hint(&anyhow::Error::new(prot), None).unwrap();
        assert!(h.contains("without --tls-data clear"), "{h}");
    }

    #[test]
    fn errors_with_a_source_do_not_repeat_it() {
        // main prints `{:#}`, which appends each source: a Display that also shows it says it twice.
        let io = || io::Error::new(io::ErrorKind::NotFound, "no such thing");
        let reply = crate::ftp::ReplyError::NotAReply("HTTP/1.1 400".into());
        let rustls = rustls::Error::General("bad".into());
        let errors = [
            (anyhow::Error::new(AppError::local(std::path::Path::new("a.part"), io())), "no such thing"),
            (anyhow::Error::new(ftp::Error::Resolve { host: "h".into(), source: io() }), "no such thing"),
            (anyhow::Error::new(ftp::Error::from(reply)), "HTTP/1.1 400"),
            (anyhow::Error::new(TlsConfigError::from(rustls)), "bad"),
        ];
        for (error, detail) in errors {
            let shown = format!("{error:#}");
            assert_eq!(shown.matches(detail).count(), 1, "{shown}");
        }
    }
}

//! Resolved options: the one step from clap's raw arguments ([`GlobalArgs`]) to settings that
//! everything below works with (ripgrep's LowArgs -> HiArgs). Timeouts are checked and the
//! probe's shorter default is worked out here, once; TLS, credential sources, the transcript and
//! the output style (colors, progress) are decided here, once.
//!
//! It also owns logging in: [`Options::credentials`] and [`Options::open`] are the one way a
//! session is made, for the one-shot commands, the shell and the probe.
//!
//! Nothing below this module names a clap type.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Result;

use crate::cli::{GlobalArgs, ModeArg, PasvAddressArg, RetryArgs, TlsDataArg, TlsMaxArg, TransferArgs};
use crate::error::AppError;
use crate::ftp::tls::{TlsConfig, TlsOptions, TlsSetup};
use crate::ftp::{self, Config, DataMode, ModePolicy, PasvAddress, SendFile, Session};
use crate::netrc::Netrc;
use crate::progress::ProgressMode;
use crate::retry;
use crate::secret::Secret;
use crate::target::{self, CredentialSources, Credentials, Scheme, Target};
use crate::transcript::Transcript;

/// When uploads go by sendfile(2) and downloads by splice(2), from `FTPX_SENDFILE` (`auto`, the
/// default: downloads always, uploads to another host only; `always`; `never`: neither): see
/// [`SendFile`].
fn send_file_policy() -> Result<SendFile, AppError> {
    match std::env::var("FTPX_SENDFILE").as_deref() {
        Err(_) | Ok("auto") => Ok(SendFile::Auto),
        Ok("always") => Ok(SendFile::Always),
        Ok("never") => Ok(SendFile::Never),
        Ok(other) => Err(AppError::Usage(format!("FTPX_SENDFILE: '{other}' is not auto, always or never"))),
    }
}

/// Without --timeout: how long any one step may wait.
const DEFAULT_TIMEOUT: f64 = 60.0;
/// Without --timeout, in the probe: the deadline of each whole attempt, as the answer is wanted soon.
const PROBE_DEFAULT_TIMEOUT: f64 = 5.0;

/// Everything a front end and the operations need from the command line, resolved.
pub struct Options {
    /// The engine config for plain FTP (TLS is added per target by [`Options::session_config`]).
    pub config: Arc<Config>,
    /// Each probe attempt's deadline: --timeout, or 5 s.
    pub probe_timeout: Duration,
    tls: Tls,
    pub transcript: Arc<Transcript>,
    pub output: Output,
    user_flag: Option<String>,
    netrc_file: Option<PathBuf>,
    netrc: Option<Netrc>,
}

/// How output looks, decided once.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub quiet: bool,
    /// Colors on stderr (error lines, hints) and on stdout (the probe's report).
    pub color_stderr: bool,
    pub color_stdout: bool,
    /// Progress bars (or nothing, with -q) for the one-shot commands.
    pub progress: ProgressMode,
    /// The width the probe's report wraps at.
    pub width: usize,
}

/// TLS as asked for: `--tls` (else only by the URL's scheme) and how to set it up.
struct Tls {
    explicit: bool,
    protect_data: bool,
    options: TlsOptions,
    /// Built on first use: loading the system's trust roots costs a few milliseconds.
    config: OnceLock<Arc<TlsConfig>>,
}

impl Output {
    /// Colors where the stream is a terminal and NO_COLOR is unset. Styled text is written only
    /// through these two flags, so colored's own detection is switched off for good.
    fn decide(quiet: bool, debug: bool) -> Output {
        Output {
            quiet,
            color_stderr: stderr_color(),
            color_stdout: colors_wanted() && std::io::stdout().is_terminal(),
            progress: ProgressMode::new(quiet, debug),
            width: std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100),
        }
    }
}

/// Whether stderr gets colors: a terminal, and NO_COLOR unset (for the error line, even when the
/// options themselves could not be resolved).
pub fn stderr_color() -> bool {
    colors_wanted() && std::io::stderr().is_terminal()
}

/// NO_COLOR unset or empty. Styled text is written only where [`Output`] says so, so colored's own
/// detection is switched off for good.
fn colors_wanted() -> bool {
    colored::control::set_override(true);
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

impl Options {
    pub fn new(global: &GlobalArgs) -> Result<Options> {
        let secs = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 && v < 1e9 {
                Ok(Duration::from_secs_f64(v))
            } else {
                Err(AppError::Usage(format!("{name} must be a positive number of seconds")))
            }
        };
        let active_address = match &global.active_address {
            Some(a) => Some(
                a.parse::<IpAddr>()
                    .map_err(|_| AppError::Usage(format!("--active-address: '{a}' is not an IP address")))?,
            ),
            None => None,
        };
        let config = Config {
            connect_timeout: secs("--connect-timeout", global.connect_timeout)?,
            timeout: secs("--timeout", global.timeout.unwrap_or(DEFAULT_TIMEOUT))?,
            modes: mode_policy(global.mode),
            extended_on_ipv4: true,
            pasv_address: match global.pasv_address {
                PasvAddressArg::Peer => PasvAddress::Peer,
                PasvAddressArg::Trust => PasvAddress::Trust,
            },
            active_address,
            active_ports: global.active_ports.as_deref().map(parse_port_range).transpose()?,
            tls: None,
            send_file: send_file_policy()?,
        };
        let probe_timeout = secs("--timeout", global.timeout.unwrap_or(PROBE_DEFAULT_TIMEOUT))?;
        // --explain annotates the transcript, so it shows the transcript.
        let debug = global.debug || global.explain;
        let transcript = Transcript::new(debug, global.trace.as_deref())
            .map_err(|e| AppError::local(global.trace.as_deref().unwrap_or(Path::new("")), e))?;
        transcript.set_explain(global.explain);
        let netrc = match &global.netrc_file {
            Some(path) => Some(Netrc::parse(&std::fs::read_to_string(path).map_err(|e| AppError::local(path, e))?)),
            None => std::env::var_os("HOME")
                .and_then(|home| std::fs::read_to_string(Path::new(&home).join(".netrc")).ok())
                .map(|t| Netrc::parse(&t)),
        };
        let tls = Tls {
            explicit: global.tls,
            protect_data: global.tls_data == TlsDataArg::Private,
            options: TlsOptions {
                ca_file: global.cacert.clone(),
                insecure: global.insecure,
                max_tls12: global.tls_max == TlsMaxArg::V1_2,
            },
            config: OnceLock::new(),
        };
        Ok(Options {
            config: Arc::new(config),
            probe_timeout,
            tls,
            transcript: Arc::new(transcript),
            output: Output::decide(global.quiet, debug),
            user_flag: global.user.clone(),
            netrc_file: global.netrc_file.clone(),
            netrc,
        })
    }

    /// Connects to the target's server and logs in, labelling the session's events with `label`.
    pub async fn open(&self, target: &Target, label: &str) -> Result<Session> {
        let creds = self.credentials(target)?;
        self.login(target, &creds, self.session_config(target)?, label, self.transcript.clone()).await
    }

    /// The credentials for `target` by the usual rules, asking for a missing password on a
    /// terminal (echo off). Separate from [`Options::login`] so the probe asks once for its
    /// several sessions, and the shell can reconnect without asking again.
    pub fn credentials(&self, target: &Target) -> Result<Credentials> {
        let env_password = std::env::var("FTPX_PASSWORD").ok();
        let sources =
            CredentialSources { user_flag: self.user_flag.as_deref(), env_password, netrc: self.netrc.as_ref() };
        let mut creds = target::credentials(target, &sources);
        if creds.password.is_none() && std::io::stdin().is_terminal() {
            creds.password = Some(ask_password(&format!("Password for {}@{}: ", creds.user, target.host))?);
        }
        // Checked before connecting, not when USER or PASS is built: a CR or LF from -u,
        // FTPX_PASSWORD or a prompt must not cost even a connection and a USER line.
        ftp::check_arg("user name", creds.user.as_bytes())?;
        if let Some(password) = &creds.password {
            ftp::check_arg("password", password.expose().as_bytes())?;
        }
        if let Some(account) = &creds.account {
            ftp::check_arg("account", account.expose().as_bytes())?;
        }
        Ok(creds)
    }

    /// Connects with `config` (from [`Options::session_config`]) and logs in with `creds`; the
    /// engine's events go to `observer` (the transcript, or the shell's, which also shows the
    /// server's replies).
    pub async fn login(
        &self,
        target: &Target,
        creds: &Credentials,
        config: Arc<Config>,
        label: &str,
        observer: Arc<dyn ftp::Observer>,
    ) -> Result<Session> {
        let mut session = self.connect(target, config, label, observer).await?;
        log_in(&mut session, creds).await?;
        Ok(session)
    }

    /// Connects to `target`'s server with `config`, not yet logged in (the shell's `open` keeps
    /// its old session until the new server has answered).
    pub async fn connect(
        &self,
        target: &Target,
        config: Arc<Config>,
        label: &str,
        observer: Arc<dyn ftp::Observer>,
    ) -> Result<Session> {
        Ok(Session::connect(&target.host, target.port, config, observer, label).await?)
    }

    /// The engine config for `target`: with TLS for `ftps://`, `ftpes://` and `--tls`.
    pub fn session_config(&self, target: &Target) -> Result<Arc<Config>> {
        let implicit = target.scheme == Scheme::Ftps;
        if !implicit && target.scheme != Scheme::Ftpes && !self.tls.explicit {
            return Ok(self.config.clone());
        }
        let tls = match self.tls.config.get() {
            Some(c) => c.clone(),
            None => {
                // Once, when TLS is first set up: the shell's reconnections and pool sessions
                // (mirror, get --segments) share the setting and need not repeat it.
                if self.tls.options.insecure {
                    eprintln!("ftpx: warning: --insecure: the server's certificate is not verified");
                }
                let built = Arc::new(TlsConfig::new(&self.tls.options)?);
                self.tls.config.get_or_init(|| built).clone()
            }
        };
        let setup = TlsSetup { config: tls, implicit, protect_data: self.tls.protect_data };
        Ok(Arc::new(Config { tls: Some(setup), ..(*self.config).clone() }))
    }

    /// `ftpx probe ...` for `target`, runnable as printed: the server, port, user (never a
    /// password), the directory, and the flags that decide how to log in and what TLS to use.
    pub fn probe_command(&self, target: &Target) -> String {
        let mut url = target.clone();
        url.password = None;
        if url.user.is_none() {
            url.user = self.user_flag.as_deref().map(|u| u.split_once(':').map_or(u, |(name, _)| name).to_owned());
        }
        if !url.is_dir {
            // A file's directory: the probe lists a directory.
            let cut = url.path.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
            url.path.truncate(cut);
        }
        let mut words = vec!["ftpx".to_owned(), "probe".to_owned(), url.to_string()];
        if let Some(file) = &self.netrc_file {
            words.extend(["--netrc-file".to_owned(), file.display().to_string()]);
        }
        if self.tls.explicit {
            words.push("--tls".into());
        }
        let tls = self.tls.explicit || target.scheme != Scheme::Ftp;
        if tls && !self.tls.protect_data {
            words.extend(["--tls-data".into(), "clear".into()]);
        }
        if let Some(ca) = self.tls.options.ca_file.as_ref().filter(|_| tls) {
            words.extend(["--cacert".to_owned(), ca.display().to_string()]);
        }
        if tls && self.tls.options.insecure {
            words.push("--insecure".into());
        }
        if tls && self.tls.options.max_tls12 {
            words.extend(["--tls-max".into(), "1.2".into()]);
        }
        let quoted: Vec<String> =
            words.iter().map(|w| shlex::try_quote(w).map_or_else(|_| w.clone(), |q| q.into_owned())).collect();
        quoted.join(" ")
    }
}

/// Logs `session` in as `creds` and reads the server's features: the one login sequence, for
/// the one-shot commands, the probe and the shell.
pub async fn log_in(session: &mut Session, creds: &Credentials) -> Result<(), ftp::Error> {
    session.login(&creds.user, creds.password.as_ref(), creds.account.as_ref()).await?;
    session.negotiate_features().await?;
    Ok(())
}

/// Reads a password from the terminal with echo off.
pub fn ask_password(prompt: &str) -> Result<Secret, AppError> {
    rpassword::prompt_password(prompt)
        .map(Secret::new)
        .map_err(|e| AppError::Usage(format!("cannot read the password: {e}")))
}

/// The engine's mode policy for `--mode` (and the shell's `mode`).
pub fn mode_policy(mode: ModeArg) -> ModePolicy {
    match mode {
        ModeArg::Auto => ModePolicy::Auto,
        ModeArg::Passive => ModePolicy::Passive,
        ModeArg::Active => ModePolicy::Active,
        ModeArg::Epsv => ModePolicy::Only(DataMode::Epsv),
        ModeArg::Pasv => ModePolicy::Only(DataMode::Pasv),
        ModeArg::Eprt => ModePolicy::Only(DataMode::Eprt),
        ModeArg::Port => ModePolicy::Only(DataMode::Port),
    }
}

/// `LO-HI` for --active-ports.
fn parse_port_range(s: &str) -> Result<std::ops::RangeInclusive<u16>, AppError> {
    let bad = || AppError::Usage(format!("--active-ports: '{s}' is not a range LO-HI of ports 1-65535"));
    let (lo, hi) = s.split_once('-').ok_or_else(bad)?;
    let lo: u16 = lo.trim().parse().map_err(|_| bad())?;
    let hi: u16 = hi.trim().parse().map_err(|_| bad())?;
    if lo == 0 || lo > hi {
        return Err(bad());
    }
    Ok(lo..=hi)
}

/// The flags of get and put, resolved.
pub struct TransferSettings {
    pub policy: retry::Policy,
    pub limit_rate: Option<u64>,
}

impl TransferSettings {
    pub fn new(args: &TransferArgs) -> Result<TransferSettings, AppError> {
        let policy = retry_policy(&args.retry)?;
        let limit_rate = args.limit_rate.as_deref().map(parse_rate).transpose()?;
        Ok(TransferSettings { policy, limit_rate })
    }
}

/// `--retry`, `--retry-delay` and `--retry-max-time`, checked.
pub fn retry_policy(args: &RetryArgs) -> Result<retry::Policy, AppError> {
    let secs = |name: &str, v: f64| {
        if v.is_finite() && (0.0..1e9).contains(&v) {
            Ok(Duration::from_secs_f64(v))
        } else {
            Err(AppError::Usage(format!("{name} must be a number of seconds, 0 or more")))
        }
    };
    Ok(retry::Policy {
        retries: args.retry,
        delay: secs("--retry-delay", args.retry_delay)?,
        max_time: args.retry_max_time.map(|v| secs("--retry-max-time", v)).transpose()?,
    })
}

/// `url` without the password in it, if any: `ftp://alice@host/f` for `ftp://alice:pw@host/f`.
fn without_password(url: &str) -> String {
    let masked = Target::mask(url);
    masked.replacen(":****@", "@", 1)
}

/// `--limit-rate`: bytes per second, with an optional k, M or G (1024-based, as in curl).
pub fn parse_rate(s: &str) -> Result<u64, AppError> {
    let bad = || AppError::Usage(format!("--limit-rate: '{s}' is not a rate like 500k, 2M or 100000"));
    let t = s.trim();
    let (num, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 'b'),
    };
    let factor = match unit {
        'b' => 1.0,
        'k' => 1024.0,
        'm' => 1024.0 * 1024.0,
        'g' => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad()),
    };
    let value: f64 = num.parse().map_err(|_| bad())?;
    let rate = value * factor;
    if !(1.0..=1e15).contains(&rate) {
        return Err(bad());
    }
    Ok(rate as u64)
}

/// The command line that resumes one file of this command, runnable as printed: this one with
/// `-c` after the subcommand, only the arguments `keep` keeps among the files and URLs, and no
/// password (from a URL or `-u USER:PASSWORD`; it comes from ~/.netrc, FTPX_PASSWORD or a prompt).
pub fn resume_command(sub: &str, keep: impl Fn(&str) -> bool) -> String {
    let mut out = vec!["ftpx".to_owned()];
    let mut args = std::env::args().skip(1);
    let mut seen_sub = false;
    while let Some(arg) = args.next() {
        if !seen_sub && arg == sub {
            seen_sub = true;
            out.push(arg);
            out.push("-c".to_owned());
            continue;
        }
        if arg == "-c" || arg == "--continue" || arg.starts_with("--retry") {
            if arg == "--retry" || arg == "--retry-delay" || arg == "--retry-max-time" {
                args.next();
            }
            continue;
        }
        if arg == "-u" || arg == "--user" {
            out.push(arg);
            if let Some(user) = args.next() {
                out.push(user.split_once(':').map_or(user.clone(), |(u, _)| u.to_owned()));
            }
            continue;
        }
        if let Some(user) = arg.strip_prefix("--user=") {
            out.push(format!("--user={}", user.split_once(':').map_or(user, |(u, _)| u)));
            continue;
        }
        if seen_sub && !keep(&arg) {
            continue;
        }
        out.push(if arg.contains("://") { without_password(&arg) } else { arg });
    }
    out.iter().map(|a| shlex::try_quote(a).map_or_else(|_| a.clone(), |q| q.into_owned())).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn options(args: &[&str]) -> Options {
        let cli = crate::cli::Cli::try_parse_from(args).unwrap();
        Options::new(&cli.global).unwrap()
    }

    #[test]
    fn port_ranges() {
        assert_eq!(parse_port_range("40000-40010").unwrap(), 40000..=40010);
        for bad in ["0-10", "10-5", "x", "1-70000"] {
            assert!(parse_port_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_probe_has_its_own_default_timeout_and_shares_a_given_one() {
        let o = options(&["ftpx"]);
        assert_eq!((o.config.timeout, o.probe_timeout), (Duration::from_secs(60), Duration::from_secs(5)));
        let o = options(&["ftpx", "--timeout", "7"]);
        assert_eq!((o.config.timeout, o.probe_timeout), (Duration::from_secs(7), Duration::from_secs(7)));
    }

    #[test]
    fn probe_command_carries_server_user_path_and_tls_flags_but_no_password() {
        let o = options(&["ftpx", "--tls", "--tls-max", "1.2", "-u", "bob:hunter2"]);
        let t = Target::parse("ftp://h.example:2121/pub/a file.txt").unwrap();
        let cmd = o.probe_command(&t);
        assert_eq!(cmd, "ftpx probe ftp://bob@h.example:2121/pub/ --tls --tls-max 1.2");
        let t = Target::parse("ftpes://carol:pw@h.example/dir/").unwrap();
        let cmd = options(&["ftpx", "--tls-data", "clear"]).probe_command(&t);
        assert_eq!(cmd, "ftpx probe ftpes://carol@h.example/dir/ --tls-data clear");
        // TLS flags without TLS change nothing, so they are left out.
        let t = Target::parse("ftp://h.example/x").unwrap();
        assert_eq!(options(&["ftpx", "--tls-max", "1.2"]).probe_command(&t), "ftpx probe ftp://h.example/");
        assert!(!cmd.contains("pw"));
    }
}

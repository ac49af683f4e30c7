//! From parsed arguments to work done: resolves the global flags into an engine [`Config`],
//! URLs and credentials into logged-in sessions, and runs one subcommand.

use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::cli::{
    Cli, Command as Sub, GetArgs, GlobalArgs, LsArgs, MkdirArgs, ModeArg, PasvAddressArg, ProbeArgs, PutArgs,
    QuoteArgs, TlsDataArg, TlsMaxArg, TransferArgs,
};
use crate::error::{AppError, exit};
use crate::ftp::list::{self, Entry};
use crate::ftp::tls::{TlsConfig, TlsOptions, TlsSetup};
use crate::ftp::{self, Command, Config, DataMode, ModePolicy, PasvAddress, Session};
use crate::netrc::Netrc;
use crate::probe;
use crate::progress::ProgressMode;
use crate::retry;
use crate::secret::Secret;
use crate::shell;
use crate::target::{self, CredentialSources, Credentials, Scheme, Target};
use crate::text::escape;
use crate::transcript::Transcript;
use crate::transfer::{self, Sink, Transferred};

/// What every subcommand shares: the engine config, the transcript, credentials sources.
pub struct Context {
    pub config: Arc<Config>,
    tls_options: TlsOptions,
    /// Built on first use: loading the system's trust roots costs a few milliseconds.
    tls_config: std::sync::OnceLock<Arc<TlsConfig>>,
    pub transcript: Arc<Transcript>,
    pub progress: ProgressMode,
    pub global: GlobalArgs,
    netrc: Option<Netrc>,
}

/// Runs the command line; `host` is set to the server as soon as one is known (for hints).
pub async fn run(cli: Cli, host: &mut Option<String>) -> Result<u8> {
    if let (Some(url), Some(_)) = (&cli.shell.url, &cli.command) {
        let url = Target::mask(url);
        bail!(AppError::Usage(format!("'{url}' before a subcommand: a subcommand takes its URL after it")));
    }
    let Some(command) = cli.command else {
        let ctx = Context::new(&cli.global, 60.0)?;
        let options = shell::Options { url: cli.shell.url, keep_going: cli.shell.keep_going };
        return shell::run(ctx, options).await;
    };
    // In probe, --timeout is the deadline of each whole attempt, and the answer is wanted soon.
    let default_timeout = if matches!(command, Sub::Probe(_)) { 5.0 } else { 60.0 };
    let ctx = Context::new(&cli.global, default_timeout)?;
    let result = match command {
        Sub::Shell(args) => {
            let options = shell::Options { url: args.url, keep_going: args.keep_going };
            return shell::run(ctx, options).await;
        }
        Sub::Ls(args) => ls(&ctx, args, host).await,
        Sub::Get(args) => get(&ctx, args, host).await,
        Sub::Put(args) => put(&ctx, args, host).await,
        Sub::Rm(args) => each_url(&ctx, &args.urls, host, "DELE", "could not delete").await,
        Sub::Rmdir(args) => each_url(&ctx, &[args.url], host, "RMD", "could not remove directory").await,
        Sub::Mkdir(args) => mkdir(&ctx, args, host).await,
        Sub::Mv(args) => mv(&ctx, &args.url, &args.new_path, host).await,
        Sub::Quote(args) => quote(&ctx, args, host).await,
        Sub::Probe(args) => probe(&ctx, args, host).await,
    };
    ctx.transcript.flush();
    result
}

/// Whether the command line starts the interactive shell, which handles Ctrl-C itself.
pub fn is_shell(cli: &Cli) -> bool {
    matches!(cli.command, None | Some(Sub::Shell(_)))
}

impl Context {
    pub fn new(global: &GlobalArgs, default_timeout: f64) -> Result<Context> {
        let secs = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 && v < 1e9 {
                Ok(Duration::from_secs_f64(v))
            } else {
                Err(AppError::Usage(format!("{name} must be a positive number of seconds")))
            }
        };
        let modes = mode_policy(global.mode);
        let active_address = match &global.active_address {
            Some(a) => Some(
                a.parse::<IpAddr>()
                    .map_err(|_| AppError::Usage(format!("--active-address: '{a}' is not an IP address")))?,
            ),
            None => None,
        };
        let config = Config {
            connect_timeout: secs("--connect-timeout", global.connect_timeout)?,
            timeout: secs("--timeout", global.timeout.unwrap_or(default_timeout))?,
            modes,
            pasv_address: match global.pasv_address {
                PasvAddressArg::Peer => PasvAddress::Peer,
                PasvAddressArg::Trust => PasvAddress::Trust,
            },
            active_address,
            active_ports: global.active_ports.as_deref().map(parse_port_range).transpose()?,
            tls: None,
        };
        let transcript = Transcript::new(global.debug, global.trace.as_deref())
            .map_err(|e| AppError::local(global.trace.as_deref().unwrap_or(Path::new("")), e))?;
        let netrc = match &global.netrc_file {
            Some(path) => Some(Netrc::parse(&std::fs::read_to_string(path).map_err(|e| AppError::local(path, e))?)),
            None => std::env::var_os("HOME")
                .and_then(|home| std::fs::read_to_string(Path::new(&home).join(".netrc")).ok())
                .map(|t| Netrc::parse(&t)),
        };
        let tls_options = TlsOptions {
            ca_file: global.cacert.clone(),
            insecure: global.insecure,
            max_tls12: global.tls_max == TlsMaxArg::V1_2,
        };
        Ok(Context {
            config: Arc::new(config),
            tls_options,
            tls_config: std::sync::OnceLock::new(),
            transcript: Arc::new(transcript),
            progress: ProgressMode::new(global.quiet, global.debug),
            global: global.clone(),
            netrc,
        })
    }

    /// Connects to the target's server and logs in, labelling the session's events with `label`.
    pub async fn open(&self, target: &Target, label: &str) -> Result<Session> {
        let creds = self.credentials(target)?;
        self.login(target, &creds, self.session_config(target)?, label).await
    }

    /// The credentials for `target` by the usual rules, asking for a missing password on a
    /// terminal (echo off). Separate from [`Context::login`] so the probe asks once for its
    /// several sessions, and the shell can reconnect without asking again.
    pub fn credentials(&self, target: &Target) -> Result<Credentials> {
        let env_password = std::env::var("FTPX_PASSWORD").ok();
        let sources =
            CredentialSources { user_flag: self.global.user.as_deref(), env_password, netrc: self.netrc.as_ref() };
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

    /// Connects with `config` (from [`Context::session_config`]) and logs in with `creds`.
    pub async fn login(
        &self,
        target: &Target,
        creds: &Credentials,
        config: Arc<Config>,
        label: &str,
    ) -> Result<Session> {
        self.login_observed(target, creds, config, label, self.transcript.clone()).await
    }

    /// [`Context::login`] with the engine's events going to `observer` (the shell's, which also
    /// shows the server's replies).
    pub async fn login_observed(
        &self,
        target: &Target,
        creds: &Credentials,
        config: Arc<Config>,
        label: &str,
        observer: Arc<dyn ftp::Observer>,
    ) -> Result<Session> {
        let mut session = Session::connect(&target.host, target.port, config, observer, label).await?;
        session.login(&creds.user, creds.password.as_ref(), creds.account.as_ref()).await?;
        session.negotiate_features().await?;
        Ok(session)
    }
}

/// Reads a password from the terminal with echo off.
pub fn ask_password(prompt: &str) -> Result<Secret, AppError> {
    rpassword::prompt_password(prompt)
        .map(Secret::new)
        .map_err(|e| AppError::Usage(format!("cannot read the password: {e}")))
}

impl Context {
    /// The engine config for `target`: with TLS for `ftps://`, `ftpes://` and `--tls`.
    pub fn session_config(&self, target: &Target) -> Result<Arc<Config>> {
        let implicit = target.scheme == Scheme::Ftps;
        if !implicit && target.scheme != Scheme::Ftpes && !self.global.tls {
            return Ok(self.config.clone());
        }
        if self.tls_options.insecure {
            eprintln!("ftpx: warning: --insecure: the server's certificate is not verified");
        }
        let tls = match self.tls_config.get() {
            Some(c) => c.clone(),
            None => {
                let built = Arc::new(TlsConfig::new(&self.tls_options)?);
                self.tls_config.get_or_init(|| built).clone()
            }
        };
        let protect_data = self.global.tls_data == TlsDataArg::Private;
        Ok(Arc::new(Config { tls: Some(TlsSetup { config: tls, implicit, protect_data }), ..(*self.config).clone() }))
    }
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

fn parse_target(url: &str, host: &mut Option<String>) -> Result<Target> {
    let target = Target::parse(url)?;
    // Refused before connecting: a CR or LF in a path could smuggle a second command.
    ftp::check_arg("path", &target.path)?;
    if let Some(user) = &target.user {
        ftp::check_arg("user name", user.as_bytes())?;
    }
    host.get_or_insert_with(|| target.host.clone());
    Ok(target)
}

/// Which server and user a session belongs to.
type SessionKey = (String, u16, Option<String>);

/// Keeps one session for consecutive URLs on the same server and user.
struct Sessions<'a> {
    ctx: &'a Context,
    current: Option<(SessionKey, Session)>,
}

impl<'a> Sessions<'a> {
    fn new(ctx: &'a Context) -> Self {
        Sessions { ctx, current: None }
    }

    async fn for_target(&mut self, target: &Target) -> Result<&mut Session> {
        self.ready(target, false).await?;
        Ok(self.session())
    }

    /// Makes sure there is a usable session on `target`'s server, as its user: the current one,
    /// or a new login when there is none, it belongs elsewhere, it was lost, or `fresh` asks.
    async fn ready(&mut self, target: &Target, fresh: bool) -> Result<()> {
        let key = (target.host.clone(), target.port, target.user.clone());
        let keep = self.current.as_ref().is_some_and(|(k, s)| *k == key && s.is_usable() && !fresh);
        if !keep {
            if let Some((_, old)) = self.current.take() {
                old.quit().await;
            }
            let session = self.ctx.open(target, "").await?;
            self.current = Some((key, session));
        }
        Ok(())
    }

    /// The session [`Sessions::ready`] made sure of.
    fn session(&mut self) -> &mut Session {
        &mut self.current.as_mut().expect("ready() comes first").1
    }

    async fn close(self) {
        if let Some((_, s)) = self.current {
            s.quit().await;
        }
    }
}

async fn ls(ctx: &Context, args: LsArgs, host: &mut Option<String>) -> Result<u8> {
    let target = parse_target(&args.url, host)?;
    let mut session = ctx.open(&target, "").await?;
    let path = (!target.path.is_empty()).then_some(target.path.as_slice());
    let use_mlsd = args.json && session.features().mlsd;
    let verb = if args.names_only {
        "NLST"
    } else if use_mlsd {
        "MLSD"
    } else {
        "LIST"
    };
    let shown = escape(&target.path);
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut json = JsonList::new(args.json);
    transfer::list(&mut session, verb, path, |line| emit_line(&mut out, &mut json, line, terminal, use_mlsd))
        .await
        .with_context(|| format!("could not list '{shown}'"))?;
    json.finish(&mut out)?;
    out.flush()?;
    drop(out);
    if json.unparsed > 0 {
        // Leaving lines out of --json without a word would pass a partial listing for a whole one.
        eprintln!(
            "ftpx: warning: {} listing lines could not be parsed and are left out (ftpx ls without --json shows them)",
            json.unparsed
        );
    }
    session.quit().await;
    Ok(exit::OK)
}

fn emit_line(out: &mut impl Write, json: &mut JsonList, line: &[u8], terminal: bool, mlsd: bool) -> Result<()> {
    if json.enabled {
        let entry = if mlsd { list::parse_mlsd(line) } else { list::parse_list(line) };
        match entry {
            Some(entry) => json.push(out, &entry)?,
            None if !list::is_not_an_entry(line) => json.unparsed += 1,
            None => {}
        }
        return Ok(());
    }
    Ok(write_listing_line(out, line, terminal)?)
}

/// One listing line: escaped on a terminal (a name could hold an escape sequence that rewrites the
/// screen), the server's exact bytes otherwise, so a name that is not UTF-8 survives a pipe.
pub fn write_listing_line(out: &mut impl Write, line: &[u8], terminal: bool) -> std::io::Result<()> {
    if terminal {
        writeln!(out, "{}", escape(line))
    } else {
        out.write_all(line)?;
        out.write_all(b"\n")
    }
}

/// Streams entries as a JSON array, one object per line.
struct JsonList {
    enabled: bool,
    count: usize,
    /// Lines that should have been entries but could not be parsed.
    unparsed: usize,
}

impl JsonList {
    fn new(enabled: bool) -> JsonList {
        JsonList { enabled, count: 0, unparsed: 0 }
    }

    fn push(&mut self, out: &mut impl Write, e: &Entry) -> Result<()> {
        let value = serde_json::json!({
            "name": escape(&e.name),
            "type": e.kind,
            "size": e.size,
            "modified": e.modified,
            "perm": e.perm,
            "target": e.target.as_deref().map(escape),
        });
        out.write_all(if self.count == 0 { b"[\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *out, &value)?;
        self.count += 1;
        Ok(())
    }

    fn finish(&self, out: &mut impl Write) -> Result<()> {
        if self.enabled {
            out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        Ok(())
    }
}

/// A name from a URL or a server, made safe as one local path component: no separators, no
/// `.` or `..`, nothing empty, no control characters. Nothing is ever written outside the target
/// directory.
pub fn safe_local_name(name: &[u8]) -> Result<PathBuf, AppError> {
    let bad =
        matches!(name, b"" | b"." | b"..") || name.iter().any(|&b| b == b'/' || b == b'\\' || b < 0x20 || b == 0x7f);
    if bad {
        return Err(AppError::Usage(format!("refusing to use '{}' as a local file name", escape(name))));
    }
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(name)))
}

async fn get(ctx: &Context, args: GetArgs, host: &mut Option<String>) -> Result<u8> {
    let transfer = TransferSettings::new(&args.transfer)?;
    let targets = args.urls.iter().map(|u| parse_target(u, host)).collect::<Result<Vec<_>>>()?;
    let out = args.output.as_deref();
    let to_stdout = out == Some(Path::new("-"));
    let out_is_dir = out.is_some_and(|p| p.as_os_str().as_bytes().ends_with(b"/") || p.is_dir());
    if targets.len() > 1 && out.is_some() && !out_is_dir && !to_stdout {
        bail!(AppError::Usage("several URLs need -o DIR/ (a directory), not a file name".into()));
    }
    if to_stdout && args.resume {
        bail!(AppError::Usage("-c cannot resume a download to stdout".into()));
    }
    if to_stdout && args.transfer.json {
        bail!(AppError::Usage("--json prints on stdout: it cannot go with -o -".into()));
    }
    if let Some(dir) = out.filter(|p| p.as_os_str().as_bytes().ends_with(b"/")) {
        // `-o dir/` names a directory: made if missing, like the URL form `ftp://host/dir/`.
        std::fs::create_dir_all(dir).map_err(|e| AppError::local(dir, e))?;
    }
    let mut sessions = Sessions::new(ctx);
    let mut report = JsonReport::new(args.transfer.json, "get");
    for (target, raw) in targets.iter().zip(&args.urls) {
        let sink = if to_stdout {
            Sink::Stdout
        } else {
            let name =
                target.file_name().ok_or_else(|| AppError::Usage(format!("{target} names a directory, not a file")))?;
            let name = safe_local_name(name)?;
            match out {
                Some(dir) if out_is_dir => Sink::File(dir.join(name)),
                Some(file) => Sink::File(file.to_path_buf()),
                None => Sink::File(name),
            }
        };
        let opts = transfer::Options {
            resume_with: Some(resume_command("get", |a| a == raw || !args.urls.iter().any(|u| u == a))),
            ..transfer.options(ctx, args.ascii)
        };
        let resume = args.resume;
        let local = match &sink {
            Sink::File(path) => path.display().to_string(),
            Sink::Stdout => "-".to_owned(),
        };
        let started = Instant::now();
        let result = retry::run(
            &transfer.policy,
            ctx.transcript.as_ref(),
            &mut sessions,
            async |s, fresh| s.ready(target, fresh).await,
            async |s, t| transfer::get(s.session(), &target.path, &sink, resume || t.resume, &opts).await,
        )
        .await;
        report
            .record(&escape(&target.path), &local, started, result)
            .with_context(|| format!("could not download '{}'", escape(&target.path)))?;
    }
    sessions.close().await;
    report.finish(exit::OK);
    Ok(exit::OK)
}

async fn put(ctx: &Context, mut args: PutArgs, host: &mut Option<String>) -> Result<u8> {
    let transfer = TransferSettings::new(&args.transfer)?;
    let url = args.args.pop().expect("clap requires two or more");
    let target = parse_target(&url, host)?;
    let several = args.args.len() > 1;
    if several && !target.is_dir && !target.path.is_empty() {
        bail!(AppError::Usage(format!("several files need a directory URL ending in '/', not {target}")));
    }
    let mut sessions = Sessions::new(ctx);
    let mut report = JsonReport::new(args.transfer.json, "put");
    for local_arg in &args.args {
        let local = Path::new(local_arg);
        let remote = if target.is_dir || several {
            let name =
                local.file_name().ok_or_else(|| AppError::Usage(format!("{} has no file name", local.display())))?;
            target.join(name.as_bytes())
        } else {
            target.path.clone()
        };
        let opts = transfer::Options {
            resume_with: Some(resume_command("put", |a| a == local_arg || !args.args.iter().any(|l| l == a))),
            ..transfer.options(ctx, args.ascii)
        };
        let resume = args.resume;
        let started = Instant::now();
        let result = retry::run(
            &transfer.policy,
            ctx.transcript.as_ref(),
            &mut sessions,
            async |s, fresh| s.ready(&target, fresh).await,
            async |s, t| transfer::put(s.session(), local, &remote, resume || t.resume, &opts).await,
        )
        .await;
        report
            .record(&escape(&remote), &local.display().to_string(), started, result)
            .with_context(|| format!("could not upload {} to '{}'", local.display(), escape(&remote)))?;
    }
    sessions.close().await;
    report.finish(exit::OK);
    Ok(exit::OK)
}

/// `--json` for get and put: one object when the command ends, with a line for each file so far.
struct JsonReport {
    enabled: bool,
    command: &'static str,
    files: Vec<serde_json::Value>,
}

impl JsonReport {
    fn new(enabled: bool, command: &'static str) -> JsonReport {
        JsonReport { enabled, command, files: Vec::new() }
    }

    /// Adds one file's outcome; a failure ends the command, so the object is printed then.
    fn record(
        &mut self,
        remote: &str,
        local: &str,
        started: Instant,
        result: Result<retry::Done<Transferred>>,
    ) -> Result<retry::Done<Transferred>> {
        if !self.enabled {
            return result;
        }
        let seconds = started.elapsed().as_secs_f64();
        let file = match &result {
            Ok(done) => {
                let t = &done.value;
                serde_json::json!({
                    "remote": remote,
                    "local": local,
                    "outcome": if t.mode.is_some() { "complete" } else { "already-complete" },
                    "bytes": t.bytes,
                    "size": t.from + t.bytes,
                    "resumed_from": t.from,
                    "seconds": seconds,
                    "bytes_per_second": if seconds > 0.0 { (t.bytes as f64 / seconds).round() } else { 0.0 },
                    "mode": t.mode.map(|m| m.name()),
                    "fallbacks": t.fallbacks.iter().map(|m| m.name()).collect::<Vec<_>>(),
                    "retries": done.retries,
                    "error": null,
                })
            }
            Err(e) => serde_json::json!({
                "remote": remote,
                "local": local,
                "outcome": "failed",
                "seconds": seconds,
                "retries": retry::retries_of(e),
                "exit_code": crate::error::exit_code(e),
                "error": format!("{e:#}"),
            }),
        };
        self.files.push(file);
        if let Err(e) = &result {
            self.finish(crate::error::exit_code(e));
        }
        result
    }

    fn finish(&self, exit_code: u8) {
        if self.enabled {
            let object = serde_json::json!({ "command": self.command, "exit_code": exit_code, "files": self.files });
            println!("{object}");
        }
    }
}

/// The flags of get and put, resolved.
struct TransferSettings {
    policy: retry::Policy,
    limit_rate: Option<u64>,
}

impl TransferSettings {
    fn new(args: &TransferArgs) -> Result<TransferSettings> {
        let secs = |name: &str, v: f64| {
            if v.is_finite() && (0.0..1e9).contains(&v) {
                Ok(Duration::from_secs_f64(v))
            } else {
                Err(AppError::Usage(format!("{name} must be a number of seconds, 0 or more")))
            }
        };
        let policy = retry::Policy {
            retries: args.retry,
            delay: secs("--retry-delay", args.retry_delay)?,
            max_time: args.retry_max_time.map(|v| secs("--retry-max-time", v)).transpose()?,
        };
        let limit_rate = args.limit_rate.as_deref().map(parse_rate).transpose()?;
        Ok(TransferSettings { policy, limit_rate })
    }

    fn options(&self, ctx: &Context, ascii: bool) -> transfer::Options {
        transfer::Options { ascii, progress: Some(ctx.progress), limit_rate: self.limit_rate, resume_with: None }
    }
}

/// `url` without the password in it, if any: `ftp://alice@host/f` for `ftp://alice:pw@host/f`.
fn without_password(url: &str) -> String {
    let masked = Target::mask(url);
    masked.replacen(":****@", "@", 1)
}

/// `--limit-rate`: bytes per second, with an optional k, M or G (1024-based, as in curl).
fn parse_rate(s: &str) -> Result<u64, AppError> {
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
fn resume_command(sub: &str, keep: impl Fn(&str) -> bool) -> String {
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

/// One path command (DELE, RMD) for each URL.
async fn each_url(ctx: &Context, urls: &[String], host: &mut Option<String>, verb: &str, what: &str) -> Result<u8> {
    let mut sessions = Sessions::new(ctx);
    for url in urls {
        let target = parse_target(url, host)?;
        let session = sessions.for_target(&target).await?;
        session
            .expect(&Command::path(verb, &target.path)?, &[])
            .await
            .with_context(|| format!("{what} '{}'", escape(&target.path)))?;
    }
    sessions.close().await;
    Ok(exit::OK)
}

async fn mkdir(ctx: &Context, args: MkdirArgs, host: &mut Option<String>) -> Result<u8> {
    let target = parse_target(&args.url, host)?;
    let path = target.path.strip_suffix(b"/").unwrap_or(&target.path).to_vec();
    let mut session = ctx.open(&target, "").await?;
    let shown = escape(&path);
    let result = session.expect(&Command::path("MKD", &path)?, &[]).await;
    if let Err(err) = result {
        if !args.parents {
            return Err(anyhow::Error::new(err).context(format!("could not create directory '{shown}'")));
        }
        // -p: create each missing parent, then succeed when the directory exists at the end.
        for (i, _) in path.iter().enumerate().filter(|(i, b)| **b == b'/' && *i > 0) {
            let _ = session.command(&Command::path("MKD", &path[..i])?).await?;
        }
        if session.expect(&Command::path("MKD", &path)?, &[]).await.is_err() && !is_dir(&mut session, &path).await? {
            return Err(anyhow::Error::new(err).context(format!("could not create directory '{shown}'")));
        }
    }
    session.quit().await;
    Ok(exit::OK)
}

/// Whether `path` is a directory on the server: CWD into it and back.
async fn is_dir(session: &mut Session, path: &[u8]) -> Result<bool> {
    let home = session.pwd().await?;
    if !session.command(&Command::path("CWD", path)?).await?.is_success() {
        return Ok(false);
    }
    session.expect(&Command::path("CWD", &home)?, &[]).await?;
    Ok(true)
}

async fn mv(ctx: &Context, url: &str, new_path: &str, host: &mut Option<String>) -> Result<u8> {
    let target = parse_target(url, host)?;
    let to = Command::path("RNTO", new_path.as_bytes())?;
    let mut session = ctx.open(&target, "").await?;
    let shown = escape(&target.path);
    session
        .expect(&Command::path("RNFR", &target.path)?, &[350])
        .await
        .with_context(|| format!("could not rename '{shown}'"))?;
    session.expect(&to, &[]).await.with_context(|| format!("could not rename '{shown}' to '{new_path}'"))?;
    session.quit().await;
    Ok(exit::OK)
}

async fn quote(ctx: &Context, args: QuoteArgs, host: &mut Option<String>) -> Result<u8> {
    let target = parse_target(&args.url, host)?;
    let cmd = Command::raw(args.command.join(" ").as_bytes())?;
    let mut session = ctx.open(&target, "").await?;
    let reply = session.command(&cmd).await?;
    println!("{reply}");
    session.quit().await;
    if reply.is_failure() {
        return Err(AppError::QuoteFailed(reply.code).into());
    }
    Ok(exit::OK)
}

/// `ftpx probe`: the four attempts at once, then the diagnosis, as a report or JSON.
async fn probe(ctx: &Context, args: ProbeArgs, host: &mut Option<String>) -> Result<u8> {
    let target = parse_target(&args.target, host)?;
    let path = match args.path {
        Some(p) => Some(p.into_bytes()),
        None => Some(target.path.clone()).filter(|p| !p.is_empty()),
    };
    let creds = ctx.credentials(&target)?;
    probe_report(ctx, &target, &creds, path, ctx.config.timeout, args.json).await
}

/// The probe against `target` as `creds`, each attempt within `deadline`, and its report (or
/// JSON) on stdout; the exit status says whether a mode works. For `ftpx probe` and the shell's
/// `probe`.
pub async fn probe_report(
    ctx: &Context,
    target: &Target,
    creds: &Credentials,
    path: Option<Vec<u8>>,
    deadline: Duration,
    json: bool,
) -> Result<u8> {
    let mut config = (*ctx.session_config(target)?).clone();
    // PASV's own attempt follows the default policy (the control peer); the probe tries the
    // advertised address separately, whatever --pasv-address says.
    config.pasv_address = PasvAddress::Peer;
    config.timeout = deadline;
    // No connect may outlive the attempt's deadline.
    config.connect_timeout = config.connect_timeout.min(config.timeout);
    // Under explicit TLS the active modes are also tried in plain FTP, to tell a NAT helper that
    // cannot read encrypted PORT/EPRT from a closed path. Only for an anonymous login: a password
    // the user protected with TLS is never sent in the clear. Implicit TLS (port 990) has no
    // plain FTP to compare with.
    let compare_plain = config.tls.as_ref().is_some_and(|t| !t.implicit) && creds.is_anonymous();
    let tls = config.tls.is_some();
    let plain_config = Arc::new(Config { tls: None, ..config.clone() });
    let config = Arc::new(config);
    let plan = probe::Plan { host: target.host.clone(), port: target.port, path, deadline: config.timeout, tls };
    let open = async |label: &'static str| ctx.login(target, creds, config.clone(), label).await;
    let open_plain = async |label: &'static str| ctx.login(target, creds, plain_config.clone(), label).await;
    let observations = probe::observe(&plan, &open, compare_plain.then_some(&open_plain)).await?;
    let diagnosis = probe::diagnose(&observations);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &probe::render::json(&observations, &diagnosis))?;
        out.write_all(b"\n")?;
    } else {
        let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        colored::control::set_override(color);
        let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100);
        out.write_all(probe::render::terminal(&observations, &diagnosis, color, width).as_bytes())?;
    }
    out.flush()?;
    Ok(if diagnosis.recommended.is_some() { exit::OK } else { exit::PROBE_NOTHING_WORKS })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_from_servers_are_cleaned() {
        for bad in [&b""[..], b".", b"..", b"../x", b"/etc/x", b"a\\b", b"a\nb", b"a\0b", b"\x1b[2J"] {
            assert!(safe_local_name(bad).is_err(), "{}", escape(bad));
        }
        assert_eq!(safe_local_name(b"caf\xe9.txt").unwrap().as_os_str().as_bytes(), b"caf\xe9.txt");
        assert_eq!(safe_local_name(b"..x").unwrap(), PathBuf::from("..x"));
    }

    #[test]
    fn port_ranges() {
        assert_eq!(parse_port_range("40000-40010").unwrap(), 40000..=40010);
        for bad in ["0-10", "10-5", "x", "1-70000"] {
            assert!(parse_port_range(bad).is_err(), "{bad}");
        }
    }
}

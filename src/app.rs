//! From parsed arguments to work done: resolves the global flags into an engine [`Config`],
//! URLs and credentials into logged-in sessions, and runs one subcommand.

use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::cli::{
    Cli, Command as Sub, GetArgs, GlobalArgs, LsArgs, MkdirArgs, ModeArg, PasvAddressArg, PutArgs, QuoteArgs,
    TlsDataArg, TlsMaxArg,
};
use crate::error::{AppError, exit};
use crate::ftp::list::{self, Entry, MAX_LIST_LINE};
use crate::ftp::tls::{TlsConfig, TlsOptions, TlsSetup};
use crate::ftp::{self, Command, Config, DataMode, ModePolicy, PasvAddress, Session};
use crate::netrc::Netrc;
use crate::progress::ProgressMode;
use crate::target::{self, CredentialSources, Scheme, Target};
use crate::text::escape;
use crate::transcript::Transcript;
use crate::transfer::{self, Sink};

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
    let Some(command) = cli.command else {
        bail!(AppError::Usage("the interactive shell is not built yet: give a subcommand (see ftpx --help)".into()));
    };
    let ctx = Context::new(&cli.global, 60.0)?;
    let result = match command {
        Sub::Ls(args) => ls(&ctx, args, host).await,
        Sub::Get(args) => get(&ctx, args, host).await,
        Sub::Put(args) => put(&ctx, args, host).await,
        Sub::Rm(args) => each_url(&ctx, &args.urls, host, "DELE", "could not delete").await,
        Sub::Rmdir(args) => each_url(&ctx, &[args.url], host, "RMD", "could not remove directory").await,
        Sub::Mkdir(args) => mkdir(&ctx, args, host).await,
        Sub::Mv(args) => mv(&ctx, &args.url, &args.new_path, host).await,
        Sub::Quote(args) => quote(&ctx, args, host).await,
    };
    ctx.transcript.flush();
    result
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
        let modes = match global.mode {
            ModeArg::Auto => ModePolicy::Auto,
            ModeArg::Passive => ModePolicy::Passive,
            ModeArg::Active => ModePolicy::Active,
            ModeArg::Epsv => ModePolicy::Only(DataMode::Epsv),
            ModeArg::Pasv => ModePolicy::Only(DataMode::Pasv),
            ModeArg::Eprt => ModePolicy::Only(DataMode::Eprt),
            ModeArg::Port => ModePolicy::Only(DataMode::Port),
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
        let env_password = std::env::var("FTPX_PASSWORD").ok();
        let sources =
            CredentialSources { user_flag: self.global.user.as_deref(), env_password, netrc: self.netrc.as_ref() };
        let mut creds = target::credentials(target, &sources);
        if creds.password.is_none() && std::io::stdin().is_terminal() {
            let prompt = format!("Password for {}@{}: ", creds.user, target.host);
            let pw = rpassword::prompt_password(prompt)
                .map_err(|e| AppError::Usage(format!("cannot read the password: {e}")))?;
            creds.password = Some(crate::secret::Secret::new(pw));
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
        let observer: Arc<dyn ftp::Observer> = self.transcript.clone();
        let config = self.session_config(target)?;
        let mut session = Session::connect(&target.host, target.port, config, observer, label).await?;
        session.login(&creds.user, creds.password.as_ref(), creds.account.as_ref()).await?;
        session.negotiate_features().await?;
        Ok(session)
    }
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
        let key = (target.host.clone(), target.port, target.user.clone());
        if self.current.as_ref().is_none_or(|(k, _)| *k != key) {
            if let Some((_, old)) = self.current.take() {
                old.quit().await;
            }
            let session = self.ctx.open(target, "").await?;
            self.current = Some((key, session));
        }
        Ok(&mut self.current.as_mut().expect("set above").1)
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
    let cmd = match path {
        Some(p) => Command::path(verb, p)?,
        None => Command::bare(verb),
    };
    let shown = escape(&target.path);
    let mut data = match session.open_data(&cmd, None).await {
        Ok(d) => d,
        // "450 No files found": some servers' way to answer NLST on an empty directory.
        Err(ftp::Error::Refused { reply, .. }) if args.names_only && reply.code == 450 => {
            session.quit().await;
            return Ok(exit::OK);
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("could not list '{shown}'"))),
    };
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut json = JsonList::new(args.json);
    let mut framer = LineSplitter::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = data.read(&mut buf).await.with_context(|| format!("could not list '{shown}'"))?;
        if n == 0 {
            break;
        }
        framer.push(&buf[..n]);
        while let Some(line) = framer.next_line()? {
            emit_line(&mut out, &mut json, &line, terminal, use_mlsd)?;
        }
    }
    if let Some(line) = framer.rest() {
        emit_line(&mut out, &mut json, &line, terminal, use_mlsd)?;
    }
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
    session.finish_data(data).await.with_context(|| format!("could not list '{shown}'"))?;
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
    if terminal {
        // A name could hold an escape sequence that rewrites the screen: shown escaped.
        writeln!(out, "{}", escape(line))?;
    } else {
        out.write_all(line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Splits a listing into lines, each bounded by [`MAX_LIST_LINE`].
#[derive(Default)]
struct LineSplitter {
    buf: Vec<u8>,
}

impl LineSplitter {
    fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    fn next_line(&mut self) -> Result<Option<Vec<u8>>> {
        match self.buf.iter().position(|&b| b == b'\n') {
            // The line end may come in a later read than the line's first 64 KiB: the limit is
            // on the line, not on what one read brought.
            Some(i) if i > MAX_LIST_LINE => bail!("a listing line is longer than {MAX_LIST_LINE} bytes: refusing it"),
            Some(i) => {
                let mut line: Vec<u8> = self.buf.drain(..=i).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                Ok(Some(line))
            }
            None if self.buf.len() > MAX_LIST_LINE => {
                bail!("a listing line is longer than {MAX_LIST_LINE} bytes: refusing it")
            }
            None => Ok(None),
        }
    }

    fn rest(&mut self) -> Option<Vec<u8>> {
        let line = std::mem::take(&mut self.buf);
        (!line.is_empty()).then_some(line)
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
    let mut sessions = Sessions::new(ctx);
    for target in &targets {
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
        let session = sessions.for_target(target).await?;
        transfer::download(session, &target.path, &sink, args.resume, args.ascii, ctx.progress)
            .await
            .with_context(|| format!("could not download '{}'", escape(&target.path)))?;
    }
    sessions.close().await;
    Ok(exit::OK)
}

async fn put(ctx: &Context, mut args: PutArgs, host: &mut Option<String>) -> Result<u8> {
    let url = args.args.pop().expect("clap requires two or more");
    let target = parse_target(&url, host)?;
    let several = args.args.len() > 1;
    if several && !target.is_dir && !target.path.is_empty() {
        bail!(AppError::Usage(format!("several files need a directory URL ending in '/', not {target}")));
    }
    let mut session = ctx.open(&target, "").await?;
    for local in &args.args {
        let local = Path::new(local);
        let remote = if target.is_dir || several {
            let name =
                local.file_name().ok_or_else(|| AppError::Usage(format!("{} has no file name", local.display())))?;
            target.join(name.as_bytes())
        } else {
            target.path.clone()
        };
        transfer::upload(&mut session, local, &remote, args.resume, args.ascii, ctx.progress)
            .await
            // The one context for an upload's errors (transfer::upload adds none, so it is said once).
            .with_context(|| format!("could not upload {} to '{}'", local.display(), escape(&remote)))?;
    }
    session.quit().await;
    Ok(exit::OK)
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
    fn listing_lines_are_bounded_however_they_arrive() {
        let mut lines = LineSplitter::default();
        lines.push(&vec![b'x'; MAX_LIST_LINE]);
        assert!(lines.next_line().unwrap().is_none());
        lines.push(b"x\r\n");
        assert!(lines.next_line().is_err(), "a line of {} bytes got through", MAX_LIST_LINE + 2);
        let mut lines = LineSplitter::default();
        lines.push(&[vec![b'y'; MAX_LIST_LINE - 1], b"\r\nz".to_vec()].concat());
        assert_eq!(lines.next_line().unwrap().map(|l| l.len()), Some(MAX_LIST_LINE - 1));
        assert_eq!(lines.rest(), Some(b"z".to_vec()));
    }

    #[test]
    fn port_ranges() {
        assert_eq!(parse_port_range("40000-40010").unwrap(), 40000..=40010);
        for bad in ["0-10", "10-5", "x", "1-70000"] {
            assert!(parse_port_range(bad).is_err(), "{bad}");
        }
    }
}

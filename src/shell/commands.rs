//! What each shell command does, on the shell's [`State`]. Remote work goes through the engine
//! and `transfer` (the same downloads, uploads and listings as the one-shot commands); names
//! from the server become local file names only through [`safe_local_name`].

use std::io::{IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use clap::CommandFactory;

use super::glob;
use super::grammar::{Cmd, GetArgs, Line, PassiveArg, PutArgs, TypeArg};
use super::input::Input;
use super::{Conn, Place, State, place_name, report_failure};
use crate::app::{ask_password, mode_policy, safe_local_name, write_listing_line};
use crate::error::{AppError, exit};
use crate::ftp::list::{self, Entry, Kind};
use crate::ftp::{self, Command, DataMode, ModePolicy, Session};
use crate::interrupt::TransferGuard;
use crate::secret::Secret;
use crate::target::{Credentials, Target};
use crate::text::escape;
use crate::transfer::{self, Sink};

/// What the loop does after a command.
pub enum Flow {
    Continue,
    Exit,
}

/// A failure already shown to the user (a reply printed, or each file's error in an mget):
/// only its exit status is left to count.
#[derive(Debug, thiserror::Error)]
#[error("failed (exit status {0})")]
pub struct Reported(pub u8);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Upload {
    Store,
    Resume,
    Append,
}

/// An answer to "mget NAME [anpqy?]?".
enum Answer {
    Yes,
    No,
    /// Yes to the rest of this command.
    All,
    /// Yes to the rest, and `prompt` off from now on.
    PromptOff,
    Quit,
}

impl State {
    pub(super) async fn exec(&mut self, input: &mut Input, cmd: Cmd) -> Result<Flow> {
        match cmd {
            Cmd::Open { target, port } => self.open(&target, port).await?,
            Cmd::Close => self.close_command().await,
            Cmd::User { name, password, account } => self.user(input, name, password, account).await?,
            Cmd::Ls { path, .. } => self.list(input, "LIST", path).await?,
            Cmd::Nlist { path } => self.list(input, "NLST", path).await?,
            Cmd::Mlsd { path } => self.list(input, "MLSD", path).await?,
            Cmd::Cd { dir } => {
                let cmd = Command::path("CWD", dir.as_bytes())?;
                self.cd(input, cmd, &dir).await?;
            }
            Cmd::Cdup => self.cd(input, Command::bare("CDUP"), "..").await?,
            Cmd::Pwd => {
                let session = self.session(input).await?;
                let dir = session.pwd().await?;
                println!("Remote directory: {}", escape(&dir));
            }
            Cmd::Lcd { dir } => lcd(dir)?,
            Cmd::Lpwd => {
                let dir = std::env::current_dir().map_err(|e| AppError::local(Path::new("."), e))?;
                println!("Local directory: {}", dir.display());
            }
            Cmd::Lls { args } => run_local("ls", args).await?,
            Cmd::Shell { command } => {
                let shell = std::env::var("SHELL").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "/bin/sh".into());
                match command.first() {
                    Some(line) => run_local("/bin/sh", vec!["-c".into(), line.clone()]).await?,
                    None => run_local(&shell, Vec::new()).await?,
                }
            }
            Cmd::Get(args) => self.get(input, args, false).await?,
            Cmd::Reget(args) => self.get(input, args, true).await?,
            Cmd::Put(args) => self.put(input, args, Upload::Store).await?,
            Cmd::Reput(args) => self.put(input, args, Upload::Resume).await?,
            Cmd::Append(args) => self.put(input, args, Upload::Append).await?,
            Cmd::Mget { patterns } => self.mget(input, patterns).await?,
            Cmd::Mput { patterns } => self.mput(input, patterns).await?,
            Cmd::Mdelete { patterns } => self.mdelete(input, patterns).await?,
            Cmd::Prompt(t) => {
                self.settings.prompt = t.apply(self.settings.prompt);
                println!("Interactive mode {}.", on_off(self.settings.prompt));
            }
            Cmd::Delete { path } => {
                let session = self.session(input).await?;
                session
                    .expect(&Command::path("DELE", path.as_bytes())?, &[])
                    .await
                    .with_context(|| format!("could not delete '{path}'"))?;
            }
            Cmd::Mkdir { dir } => {
                let session = self.session(input).await?;
                session
                    .expect(&Command::path("MKD", dir.as_bytes())?, &[])
                    .await
                    .with_context(|| format!("could not create directory '{dir}'"))?;
            }
            Cmd::Rmdir { dir } => {
                let session = self.session(input).await?;
                session
                    .expect(&Command::path("RMD", dir.as_bytes())?, &[])
                    .await
                    .with_context(|| format!("could not remove directory '{dir}'"))?;
            }
            Cmd::Rename { from, to } => {
                let to_cmd = Command::path("RNTO", to.as_bytes())?;
                let session = self.session(input).await?;
                session
                    .expect(&Command::path("RNFR", from.as_bytes())?, &[350])
                    .await
                    .with_context(|| format!("could not rename '{from}'"))?;
                session.expect(&to_cmd, &[]).await.with_context(|| format!("could not rename '{from}' to '{to}'"))?;
            }
            Cmd::Size { path } => {
                let cmd = Command::path("SIZE", path.as_bytes())?;
                let session = self.session(input).await?;
                // SIZE counts bytes as sent in the current type (RFC 3659 §4): binary, as the
                // transfers check it.
                session.set_type(false).await?;
                let reply = session.expect(&cmd, &[]).await?;
                println!("{reply}");
            }
            Cmd::Modtime { path } => {
                let session = self.session(input).await?;
                match session.mdtm(path.as_bytes()).await? {
                    Some(t) => println!("{path}\t{}", show_mdtm(&t)),
                    None => bail!(AppError::Incomplete(format!("the server gave no modification time for '{path}'"))),
                }
            }
            Cmd::Chmod { mode, path } => {
                let mut line = format!("SITE CHMOD {mode} ").into_bytes();
                line.extend_from_slice(path.as_bytes());
                let cmd = Command::raw(&line)?;
                let session = self.session(input).await?;
                session.expect(&cmd, &[]).await.with_context(|| format!("could not change the mode of '{path}'"))?;
            }
            Cmd::Site { args } => self.raw(input, &format!("SITE {}", args.join(" "))).await?,
            Cmd::Quote { args } => self.raw(input, &args.join(" ")).await?,
            Cmd::Stat { path } => {
                let line = match path {
                    Some(p) => format!("STAT {p}"),
                    None => "STAT".into(),
                };
                self.raw(input, &line).await?;
            }
            Cmd::System => self.raw(input, "SYST").await?,
            Cmd::Features => self.raw(input, "FEAT").await?,
            Cmd::Status => self.status(),
            Cmd::Binary => self.set_type(false).await?,
            Cmd::Ascii => self.set_type(true).await?,
            Cmd::Type { kind } => match kind {
                Some(TypeArg::Ascii) => self.set_type(true).await?,
                Some(TypeArg::Binary | TypeArg::Image) => self.set_type(false).await?,
                None => println!("Using {} mode to transfer files.", type_name(self.settings.ascii)),
            },
            Cmd::Passive { setting } => {
                self.settings.policy = match setting {
                    Some(PassiveArg::On) => ModePolicy::Passive,
                    Some(PassiveArg::Off) => ModePolicy::Active,
                    Some(PassiveArg::Auto) => ModePolicy::Auto,
                    // A toggle, as in the classic client: passive (the default, also `auto`)
                    // becomes active, and active becomes passive.
                    None => match self.settings.policy {
                        ModePolicy::Active => ModePolicy::Passive,
                        ModePolicy::Only(m) if !m.is_passive() => ModePolicy::Passive,
                        _ => ModePolicy::Active,
                    },
                };
                self.apply_modes();
                let word = match self.settings.policy {
                    ModePolicy::Auto => "auto",
                    ModePolicy::Passive => "on",
                    ModePolicy::Active => "off",
                    ModePolicy::Only(m) if m.is_passive() => "on",
                    ModePolicy::Only(_) => "off",
                };
                println!("Passive mode: {word} ({}).", self.modes_text());
            }
            Cmd::Mode { mode } => {
                if let Some(mode) = mode {
                    self.settings.policy = mode_policy(mode);
                    self.apply_modes();
                }
                println!("Mode {}: {}.", policy_name(self.settings.policy), self.modes_text());
            }
            Cmd::Epsv4(t) => {
                self.settings.epsv4 = t.apply(self.settings.epsv4);
                self.apply_modes();
                println!("EPSV/EPRT on IPv4: {} ({}).", on_off(self.settings.epsv4), self.modes_text());
            }
            Cmd::Debug(t) => {
                let on = t.apply(self.ctx.transcript.debug());
                self.ctx.transcript.set_debug(on);
                println!("Debugging {}.", on_off(on));
            }
            Cmd::Trace { file } => match file.as_deref() {
                None => println!("Trace {}.", on_off(self.ctx.transcript.is_tracing())),
                Some("off") => {
                    self.ctx.transcript.set_trace(None).map_err(|e| AppError::local(Path::new("-"), e))?;
                    println!("Trace off.");
                }
                Some(path) => {
                    let path = Path::new(path);
                    self.ctx.transcript.set_trace(Some(path)).map_err(|e| AppError::local(path, e))?;
                    println!("Tracing to {}.", path.display());
                }
            },
            Cmd::Hash { setting } => {
                self.settings.hash = match setting.as_deref() {
                    None => self.settings.hash.xor(Some(1024)),
                    Some("on") => Some(self.settings.hash.unwrap_or(1024)),
                    Some("off") => None,
                    Some(size) => Some(parse_size(size)?),
                };
                match self.settings.hash {
                    Some(n) => println!("Hash mark printing on ({n} bytes/hash mark)."),
                    None => println!("Hash mark printing off."),
                }
            }
            Cmd::Progress(t) => {
                self.settings.bars = t.apply(self.settings.bars);
                println!("Progress bar {}.", on_off(self.settings.bars));
            }
            Cmd::Verbose(t) => {
                let on = t.apply(self.replies.verbose());
                self.replies.set_verbose(on);
                println!("Verbose mode {}.", on_off(on));
            }
            Cmd::Probe { path, json } => self.probe(input, path, json).await?,
            Cmd::Help { command } => help(command.as_deref())?,
            Cmd::Bye => return Ok(Flow::Exit),
        }
        Ok(Flow::Continue)
    }

    async fn open(&mut self, target: &str, port: Option<u16>) -> Result<()> {
        let mut target = Target::parse(target)?;
        if let Some(port) = port {
            target.port = port;
        }
        let creds = self.ctx.credentials(&target)?;
        let observer: Arc<dyn ftp::Observer> = self.replies.clone();
        // With TLS for ftps://, ftpes:// and --tls, as for the one-shot commands.
        let config = self.ctx.session_config(&target)?;
        let mut session = Session::connect(&target.host, target.port, config, observer, "").await?;
        // Only now that the new server answered is the old session closed (quietly): a mistyped
        // host leaves the user where they were.
        {
            let replies = self.replies.clone();
            let _quiet = replies.hold();
            self.close().await;
        }
        let login = session.login(&creds.user, creds.password.as_ref(), creds.account.as_ref()).await;
        let path = std::mem::take(&mut target.path);
        let place = Place { target, creds, cwd: None };
        if let Err(e) = login {
            if session.is_usable() {
                // As in the classic client: still connected, and `user` can try again.
                self.conn = Conn::Up { session: Box::new(session), place };
            }
            return Err(e.into());
        }
        session.negotiate_features().await?;
        self.conn = Conn::Up { session: Box::new(session), place };
        self.apply_modes();
        if !path.is_empty() {
            let shown = escape(&path);
            let session = self.current().expect("connected above");
            session
                .expect(&Command::path("CWD", &path)?, &[])
                .await
                .with_context(|| format!("could not change the directory to '{shown}'"))?;
        }
        self.refresh_cwd().await;
        Ok(())
    }

    /// `ftpx probe` against the server this session is on, as the same user, listing the current
    /// directory (or `path`).
    async fn probe(&mut self, input: &mut Input, path: Option<String>, json: bool) -> Result<()> {
        self.session(input).await?;
        let Conn::Up { place, .. } = &self.conn else { unreachable!("session() connected") };
        let path = path.map(String::into_bytes).or_else(|| place.cwd.clone());
        // As for `ftpx probe`: each attempt's deadline is --timeout, 5 s unless given.
        let deadline = self.ctx.global.timeout.map_or(Duration::from_secs(5), Duration::from_secs_f64);
        let code = crate::app::probe_report(&self.ctx, &place.target, &place.creds, path, deadline, json).await?;
        if code != exit::OK {
            return Err(Reported(code).into());
        }
        Ok(())
    }

    async fn close_command(&mut self) {
        match self.conn {
            Conn::Closed => println!("Not connected."),
            Conn::Lost(_) => self.conn = Conn::Closed,
            Conn::Up { .. } => self.close().await,
        }
    }

    async fn user(
        &mut self,
        input: &mut Input,
        name: String,
        password: Option<String>,
        account: Option<String>,
    ) -> Result<()> {
        let interactive = self.interactive;
        let user_cmd = Command::with_arg("USER", name.as_str())?;
        let mut password = password.map(Secret::new);
        let mut account = account.map(Secret::new);
        let session = self.session(input).await?;
        let mut reply = session.command(&user_cmd).await?;
        if reply.code == 331 {
            if password.is_none() {
                if !interactive {
                    return Err(ftp::Error::PasswordRequired(name).into());
                }
                password = Some(ask_password("Password: ")?);
            }
            reply = session.command(&Command::secret("PASS", password.as_ref().expect("set above"))?).await?;
        }
        if reply.code == 332 {
            if account.is_none() && interactive {
                account = Some(ask_password("Account: ")?);
            }
            let Some(acct) = &account else { return Err(ftp::Error::Login(reply).into()) };
            reply = session.command(&Command::secret("ACCT", acct)?).await?;
        }
        if !matches!(reply.code, 230 | 202) {
            return Err(ftp::Error::Login(reply).into());
        }
        session.negotiate_features().await?;
        if let Conn::Up { place, .. } = &mut self.conn {
            place.creds = Credentials { user: name, password, account };
        }
        self.apply_modes();
        self.refresh_cwd().await;
        Ok(())
    }

    /// PWD after a change of directory, hidden; remembered for a reconnection.
    async fn refresh_cwd(&mut self) {
        if let Conn::Up { session, place } = &mut self.conn
            && session.is_usable()
        {
            place.cwd = session.pwd().await.ok();
        }
    }

    async fn cd(&mut self, input: &mut Input, cmd: Command, shown: &str) -> Result<()> {
        let session = self.session(input).await?;
        session.expect(&cmd, &[]).await.with_context(|| format!("could not change the directory to '{shown}'"))?;
        self.refresh_cwd().await;
        Ok(())
    }

    async fn list(&mut self, input: &mut Input, verb: &str, path: Option<String>) -> Result<()> {
        let session = self.session(input).await?;
        let stdout = std::io::stdout();
        let terminal = stdout.is_terminal();
        // Unbuffered beyond stdout's own line buffering: the 226 reply shown at the end must
        // come after the listing's last line.
        let mut out = stdout.lock();
        let shown = path.clone().unwrap_or_default();
        transfer::list(session, verb, path.as_deref().map(str::as_bytes), |line| {
            Ok(write_listing_line(&mut out, line, terminal)?)
        })
        .await
        .with_context(|| format!("could not list '{shown}'"))?;
        out.flush()?;
        Ok(())
    }

    async fn get(&mut self, input: &mut Input, args: GetArgs, resume: bool) -> Result<()> {
        let GetArgs { remote, local } = args;
        let name = remote.rsplit('/').next().unwrap_or_default();
        let sink = match local {
            Some(p) if p == Path::new("-") => {
                if resume {
                    bail!(AppError::Usage("reget cannot resume a download to the terminal".into()));
                }
                Sink::Stdout
            }
            Some(p) if p.is_dir() => Sink::File(p.join(local_name_for(&remote, name)?)),
            Some(p) => Sink::File(p),
            None => Sink::File(local_name_for(&remote, name)?),
        };
        let (progress, ascii) = (self.progress(), self.settings.ascii);
        let session = self.session(input).await?;
        transfer::download(session, remote.as_bytes(), &sink, resume, ascii, progress)
            .await
            .with_context(|| format!("could not download '{remote}'"))?;
        Ok(())
    }

    async fn put(&mut self, input: &mut Input, args: PutArgs, how: Upload) -> Result<()> {
        let PutArgs { local, remote } = args;
        let remote = match remote {
            Some(r) => r.into_bytes(),
            None => local
                .file_name()
                .ok_or_else(|| AppError::Usage(format!("{} has no file name", local.display())))?
                .as_bytes()
                .to_vec(),
        };
        let (progress, ascii) = (self.progress(), self.settings.ascii);
        let session = self.session(input).await?;
        let sent = match how {
            Upload::Store => transfer::upload(session, &local, &remote, false, ascii, progress).await,
            Upload::Resume => transfer::upload(session, &local, &remote, true, ascii, progress).await,
            Upload::Append => transfer::append(session, &local, &remote, ascii, progress).await,
        };
        sent.with_context(|| format!("could not upload {}", local.display()))?;
        Ok(())
    }

    async fn mget(&mut self, input: &mut Input, patterns: Vec<String>) -> Result<()> {
        let (progress, ascii) = (self.progress(), self.settings.ascii);
        let mut prompter = Prompter::new(self.settings.prompt);
        let replies = self.replies.clone();
        let mut first_failure = None;
        let session = self.session(input).await?;
        'patterns: for pattern in patterns {
            let files = match remote_matches(session, &pattern).await {
                Ok(files) => files,
                Err(e) => {
                    first_failure.get_or_insert(report_failure(&replies, &e));
                    continue;
                }
            };
            for (remote, name) in files {
                match prompter.ask(input, "mget", &remote).await {
                    Some(true) => {}
                    Some(false) => continue,
                    None => break 'patterns,
                }
                let shown = escape(&remote);
                let result = match safe_local_name(&name) {
                    Ok(local) => transfer::download(session, &remote, &Sink::File(local), false, ascii, progress)
                        .await
                        .with_context(|| format!("could not download '{shown}'")),
                    Err(e) => Err(e.into()),
                };
                if let Err(e) = result {
                    if is_interrupted(&e) || !session.is_usable() {
                        return Err(e);
                    }
                    first_failure.get_or_insert(report_failure(&replies, &e));
                }
            }
        }
        prompter.finish(&mut self.settings);
        first_failure.map_or(Ok(()), |code| Err(Reported(code).into()))
    }

    async fn mput(&mut self, input: &mut Input, patterns: Vec<String>) -> Result<()> {
        let (progress, ascii) = (self.progress(), self.settings.ascii);
        let mut prompter = Prompter::new(self.settings.prompt);
        let replies = self.replies.clone();
        let mut first_failure = None;
        let session = self.session(input).await?;
        'patterns: for pattern in patterns {
            let files = match local_matches(&pattern) {
                Ok(files) => files,
                Err(e) => {
                    first_failure.get_or_insert(report_failure(&replies, &e));
                    continue;
                }
            };
            for local in files {
                let name = local.file_name().map(|n| n.as_bytes().to_vec()).unwrap_or_default();
                match prompter.ask(input, "mput", local.as_os_str().as_bytes()).await {
                    Some(true) => {}
                    Some(false) => continue,
                    None => break 'patterns,
                }
                let result = transfer::upload(session, &local, &name, false, ascii, progress)
                    .await
                    .with_context(|| format!("could not upload {}", local.display()));
                if let Err(e) = result {
                    if is_interrupted(&e) || !session.is_usable() {
                        return Err(e);
                    }
                    first_failure.get_or_insert(report_failure(&replies, &e));
                }
            }
        }
        prompter.finish(&mut self.settings);
        first_failure.map_or(Ok(()), |code| Err(Reported(code).into()))
    }

    async fn mdelete(&mut self, input: &mut Input, patterns: Vec<String>) -> Result<()> {
        let mut prompter = Prompter::new(self.settings.prompt);
        let replies = self.replies.clone();
        let mut first_failure = None;
        let session = self.session(input).await?;
        'patterns: for pattern in patterns {
            let files = match remote_matches(session, &pattern).await {
                Ok(files) => files,
                Err(e) => {
                    first_failure.get_or_insert(report_failure(&replies, &e));
                    continue;
                }
            };
            for (remote, _) in files {
                match prompter.ask(input, "mdelete", &remote).await {
                    Some(true) => {}
                    Some(false) => continue,
                    None => break 'patterns,
                }
                let shown = escape(&remote);
                let result = session
                    .expect(&Command::path("DELE", &remote)?, &[])
                    .await
                    .with_context(|| format!("could not delete '{shown}'"));
                if let Err(e) = result {
                    if !session.is_usable() {
                        return Err(e);
                    }
                    first_failure.get_or_insert(report_failure(&replies, &e));
                }
            }
        }
        prompter.finish(&mut self.settings);
        first_failure.map_or(Ok(()), |code| Err(Reported(code).into()))
    }

    /// A raw command whose reply is the output (quote, site, stat, system, features): the reply
    /// is shown whatever `verbose` says, and a 4xx/5xx is a failure.
    async fn raw(&mut self, input: &mut Input, line: &str) -> Result<()> {
        let cmd = Command::raw(line.as_bytes())?;
        let replies = self.replies.clone();
        let session = self.session(input).await?;
        let reply = {
            let _held = replies.hold();
            session.command(&cmd).await?
        };
        println!("{reply}");
        if reply.is_failure() {
            return Err(Reported(exit::REFUSED).into());
        }
        Ok(())
    }

    async fn set_type(&mut self, ascii: bool) -> Result<()> {
        self.settings.ascii = ascii;
        if let Some(session) = self.current()
            && session.is_usable()
        {
            session.set_type(ascii).await?;
        }
        println!("Using {} mode to transfer files.", type_name(ascii));
        Ok(())
    }

    /// The modes the session tries now, or would try once connected.
    fn modes_text(&self) -> String {
        let modes: Vec<DataMode> = match &self.conn {
            Conn::Up { session, .. } => session.modes().to_vec(),
            _ => self.wanted_modes(false),
        };
        let names: Vec<&str> = modes.iter().map(|m| m.name()).collect();
        format!("trying {}", names.join(", then "))
    }

    fn status(&self) {
        match &self.conn {
            Conn::Up { session, place } => {
                println!(
                    "Connected to {} ({}) as {}.",
                    place_name(&place.target),
                    session.peer_addr(),
                    place.creds.user
                );
                if let Some(cwd) = &place.cwd {
                    println!("Remote directory: {}", escape(cwd));
                }
            }
            Conn::Lost(place) => println!("Not connected: the connection to {} was lost.", place_name(&place.target)),
            Conn::Closed => println!("Not connected."),
        }
        println!("Data connections: mode {}, {}.", policy_name(self.settings.policy), self.modes_text());
        println!("EPSV/EPRT on IPv4 (epsv4): {}.", on_off(self.settings.epsv4));
        println!("Transfer type: {}.", type_name(self.settings.ascii));
        let tls = match &self.conn {
            Conn::Up { session, .. } if session.is_tls() => {
                let data = match session.config().tls.as_ref().is_some_and(|t| t.protect_data) {
                    true => "data connections encrypted too (PROT P)",
                    false => "data connections in the clear (PROT C)",
                };
                format!("control connection encrypted, {data}")
            }
            Conn::Up { .. } => "none (plain FTP)".to_owned(),
            _ => "not connected".to_owned(),
        };
        println!("TLS: {tls}.");
        println!(
            "Verbose: {}; debug: {}; trace: {}; hash: {}; progress: {}; prompt: {}.",
            on_off(self.replies.verbose()),
            on_off(self.ctx.transcript.debug()),
            on_off(self.ctx.transcript.is_tracing()),
            self.settings.hash.map_or("off".to_owned(), |n| format!("every {n} bytes")),
            on_off(self.settings.bars),
            on_off(self.settings.prompt),
        );
        if let Ok(dir) = std::env::current_dir() {
            println!("Local directory: {}", dir.display());
        }
    }
}

/// The files a remote pattern names: `(remote path, name)`. A plain name is taken as it is; a
/// pattern is matched against the listing of its directory (files only).
async fn remote_matches(session: &mut Session, pattern: &str) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    if !glob::is_pattern(pattern) {
        let name = pattern.rsplit('/').next().unwrap_or_default();
        return Ok(vec![(pattern.as_bytes().to_vec(), name.as_bytes().to_vec())]);
    }
    let (dir, pat) = glob::split(pattern);
    let entries =
        remote_entries(session, dir.as_bytes()).await.with_context(|| format!("could not list for '{pattern}'"))?;
    let mut files: Vec<(Vec<u8>, Vec<u8>)> = entries
        .into_iter()
        .filter(|e| e.kind != Kind::Dir && glob::matches(pat, &String::from_utf8_lossy(&e.name)))
        .map(|e| {
            let mut path = dir.as_bytes().to_vec();
            path.extend_from_slice(&e.name);
            (path, e.name)
        })
        .collect();
    if files.is_empty() {
        bail!(AppError::Incomplete(format!("no remote file matches '{pattern}'")));
    }
    files.sort();
    Ok(files)
}

/// The local files a pattern names (files only, sorted); a plain name as it is.
fn local_matches(pattern: &str) -> Result<Vec<PathBuf>> {
    if !glob::is_pattern(pattern) {
        return Ok(vec![PathBuf::from(pattern)]);
    }
    let (dir, pat) = glob::split(pattern);
    let read_from = if dir.is_empty() { Path::new(".") } else { Path::new(dir) };
    let entries = std::fs::read_dir(read_from).map_err(|e| AppError::local(read_from, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()))
        .filter(|e| glob::matches(pat, &e.file_name().to_string_lossy()))
        .map(|e| Path::new(dir).join(e.file_name()))
        .collect();
    if files.is_empty() {
        bail!(AppError::Usage(format!("no local file matches '{pattern}'")));
    }
    files.sort();
    Ok(files)
}

/// The entries of a remote directory (`dir` as typed, "" for the current one): MLSD when the
/// server offers it, else parsed LIST lines, else NLST names (of unknown kind).
pub(super) async fn remote_entries(session: &mut Session, dir: &[u8]) -> Result<Vec<Entry>> {
    let trimmed = match dir {
        [rest @ .., b'/'] if !rest.is_empty() => rest,
        _ => dir,
    };
    let path = (!trimmed.is_empty()).then_some(trimmed);
    let mut entries = Vec::new();
    let mlsd = session.features().mlsd;
    let (verb, mut parser) = if mlsd {
        ("MLSD", list::Parser::mlsd())
    } else {
        ("LIST", list::Parser::list(session.system().await?.as_deref()))
    };
    let mut unreadable = 0;
    transfer::list(session, verb, path, |line| {
        for read in parser.push(line) {
            match read {
                Ok(e) => entries.push(e),
                Err(_) => unreadable += 1,
            }
        }
        Ok(())
    })
    .await?;
    unreadable += usize::from(parser.finish().is_some());
    if entries.is_empty() && unreadable > 0 {
        transfer::list(session, "NLST", path, |line| {
            entries.extend(list::parse_nlst(line));
            Ok(())
        })
        .await?;
    }
    Ok(entries)
}

/// Per-file confirmation for mget, mput and mdelete, while `prompt` is on.
struct Prompter {
    ask: bool,
    /// `p` was answered: `prompt` goes off when the command ends.
    prompt_off: bool,
}

impl Prompter {
    fn new(ask: bool) -> Prompter {
        Prompter { ask, prompt_off: false }
    }

    /// Whether to go on with `name`: yes, skip it (`Some(false)`), or stop the command (`None`).
    async fn ask(&mut self, input: &mut Input, verb: &str, name: &[u8]) -> Option<bool> {
        if !self.ask {
            return Some(true);
        }
        match confirm(input, verb, name).await {
            Answer::Yes => Some(true),
            Answer::No => Some(false),
            Answer::All => {
                self.ask = false;
                Some(true)
            }
            Answer::PromptOff => {
                self.ask = false;
                self.prompt_off = true;
                Some(true)
            }
            Answer::Quit => None,
        }
    }

    fn finish(self, settings: &mut super::Settings) {
        if self.prompt_off {
            settings.prompt = false;
            println!("Interactive mode off.");
        }
    }
}

/// tnftp's question: y(es), n(o), a(ll), p (prompting off: all), q(uit); Enter is yes.
async fn confirm(input: &mut Input, verb: &str, name: &[u8]) -> Answer {
    loop {
        let Some(answer) = input.ask(&format!("{verb} {} [anpqy?]? ", escape(name))).await else {
            // Nobody to ask (a script): as if prompting were off. Ctrl-C or Ctrl-D: stop.
            return if input.is_interactive() { Answer::Quit } else { Answer::All };
        };
        match answer.trim().to_ascii_lowercase().chars().next() {
            None | Some('y') => return Answer::Yes,
            Some('n') => return Answer::No,
            Some('a') => return Answer::All,
            Some('p') => return Answer::PromptOff,
            Some('q') => return Answer::Quit,
            _ => println!("a: answer yes to all; n: skip this one; p: stop asking; q: stop; y: yes"),
        }
    }
}

fn local_name_for(remote: &str, name: &str) -> Result<PathBuf> {
    if name.is_empty() {
        bail!(AppError::Usage(format!("'{remote}' names a directory, not a file")));
    }
    Ok(safe_local_name(name.as_bytes())?)
}

fn is_interrupted(e: &anyhow::Error) -> bool {
    e.chain().any(|c| matches!(c.downcast_ref::<AppError>(), Some(AppError::Interrupted(_))))
}

fn lcd(dir: Option<PathBuf>) -> Result<()> {
    let dir = match dir {
        Some(d) => d,
        None => PathBuf::from(std::env::var_os("HOME").ok_or_else(|| AppError::Usage("HOME is not set".into()))?),
    };
    std::env::set_current_dir(&dir).map_err(|e| AppError::local(&dir, e))?;
    let now = std::env::current_dir().unwrap_or(dir);
    println!("Local directory now: {}", now.display());
    Ok(())
}

/// Runs a local program on the terminal and waits for it. Marked as a transfer so a Ctrl-C meant
/// for the program does not also drop the shell's command.
async fn run_local(program: &str, args: Vec<String>) -> Result<()> {
    let _guard = TransferGuard::new();
    let name = program.to_owned();
    let status = tokio::task::spawn_blocking(move || std::process::Command::new(&name).args(&args).status())
        .await?
        .map_err(|e| AppError::local(Path::new(program), e))?;
    if !status.success() {
        let code = status.code().map_or("a signal".to_owned(), |c| format!("status {c}"));
        bail!("{program} ended with {code}");
    }
    Ok(())
}

fn help(command: Option<&str>) -> Result<()> {
    match command {
        None => Line::command().print_help()?,
        // The same page as `COMMAND --help`.
        Some(name) => match super::grammar::parse(&format!("{} --help", shlex::try_quote(name)?)) {
            Some(Err(super::grammar::LineError::Clap(e))) => e.print()?,
            _ => bail!(AppError::Usage(format!("no such command: '{name}'"))),
        },
    }
    Ok(())
}

fn parse_size(s: &str) -> Result<u64> {
    let lower = s.to_ascii_lowercase();
    let (digits, unit) = match lower.strip_suffix(['k', 'm']) {
        Some(d) => (d, if lower.ends_with('k') { 1024 } else { 1024 * 1024 }),
        None => (lower.as_str(), 1),
    };
    match digits.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n * unit),
        _ => bail!(AppError::Usage(format!("hash: '{s}' is not on, off or a size like 1024, 64k or 1m"))),
    }
}

/// `20250421103000` -> `2025-04-21 10:30:00 UTC`.
fn show_mdtm(t: &str) -> String {
    let d = |r: std::ops::Range<usize>| t.get(r).unwrap_or("");
    format!("{}-{}-{} {}:{}:{}{} UTC", d(0..4), d(4..6), d(6..8), d(8..10), d(10..12), d(12..14), d(14..t.len()))
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn type_name(ascii: bool) -> &'static str {
    if ascii { "ascii" } else { "binary" }
}

fn policy_name(p: ModePolicy) -> String {
    match p {
        ModePolicy::Auto => "auto".into(),
        ModePolicy::Passive => "passive".into(),
        ModePolicy::Active => "active".into(),
        ModePolicy::Only(m) => m.name().to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_sizes() {
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert_eq!(parse_size("64k").unwrap(), 65536);
        assert_eq!(parse_size("1M").unwrap(), 1 << 20);
        assert!(parse_size("0").is_err() && parse_size("lots").is_err());
    }

    #[test]
    fn mdtm_is_shown_readably() {
        assert_eq!(show_mdtm("20250421103000"), "2025-04-21 10:30:00 UTC");
        assert_eq!(show_mdtm("20250421103000.123"), "2025-04-21 10:30:00.123 UTC");
    }

    #[test]
    fn places_never_show_a_password() {
        let t = Target::parse("ftp://bob:secret@h:2121/pub/").unwrap();
        assert_eq!(place_name(&t), "ftp://bob@h:2121/");
    }
}

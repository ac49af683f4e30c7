//! What each shell command does, on the shell's [`State`]: the shell's own commands (toggles,
//! status, local commands) here, and everything done to remote files through `ops`, the same
//! operations as the one-shot commands, with failures shown through `report`.

use std::io::{IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use clap::CommandFactory;

use super::each::Here;
use super::grammar::{Cmd, GetArgs, Line, PutArgs};
use super::input::Input;
use super::{Conn, Place, State};
use crate::bulk::Remote;
use crate::error::{AppError, exit};
use crate::ftp::{self, Command};
use crate::interrupt::TransferGuard;
use crate::ops::get::{Dest, last_component};
use crate::ops::list::Listing;
use crate::ops::multi::Action;
use crate::ops::put::Upload;
use crate::ops::{self, Transfer};
use crate::options::{self, ask_password};
use crate::report::{self, Reported};
use crate::secret::Secret;
use crate::target::{Credentials, Target};
use crate::text::escape;

/// What the loop does after a command.
pub enum Flow {
    Continue,
    Exit,
}

impl State {
    pub(super) async fn exec(&mut self, input: &mut Input, cmd: Cmd) -> Result<Flow> {
        match cmd {
            Cmd::Open { target, port } => self.open(&target, port).await?,
            Cmd::Close => self.close_command().await,
            Cmd::User { name, password, account } => self.user(input, name, password, account).await?,
            Cmd::Ls { path, .. } => self.list(input, Listing::Long, path).await?,
            Cmd::Nlist { path } => self.list(input, Listing::Names, path).await?,
            Cmd::Mlsd { path } => self.list(input, Listing::Machine, path).await?,
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
            Cmd::Mirror { source, target, flags } => self.mirror(input, source, target, flags).await?,
            Cmd::Mget { patterns } => self.each(input, Action::Get(self.transfer()), patterns).await?,
            Cmd::Mput { patterns } => self.each(input, Action::Put(self.transfer()), patterns).await?,
            Cmd::Mdelete { patterns } => self.each(input, Action::Delete, patterns).await?,
            Cmd::Delete { path } => {
                check_path(&path)?;
                ops::file::delete(self.session(input).await?, path.as_bytes()).await?;
            }
            Cmd::Mkdir { dir, parents } => {
                check_path(&dir)?;
                let replies = self.replies.clone();
                let session = self.session(input).await?;
                let _created = parents.then(|| replies.only_created());
                ops::file::mkdir(session, dir.as_bytes(), parents).await?;
            }
            Cmd::Rmdir { dir } => {
                check_path(&dir)?;
                ops::file::rmdir(self.session(input).await?, dir.as_bytes()).await?;
            }
            Cmd::Rename { from, to } => {
                check_path(&from)?;
                check_path(&to)?;
                ops::file::rename(self.session(input).await?, from.as_bytes(), to.as_bytes()).await?;
            }
            Cmd::Size { path } => {
                check_path(&path)?;
                let reply = ops::file::size(self.session(input).await?, path.as_bytes()).await?;
                report::reply(&reply);
            }
            Cmd::Modtime { path } => {
                check_path(&path)?;
                let t = ops::file::modtime(self.session(input).await?, path.as_bytes()).await?;
                println!("{path}\t{}", show_mdtm(&t));
            }
            Cmd::Chmod { mode, path } => {
                check_path(&path)?;
                ops::file::chmod(self.session(input).await?, &mode, path.as_bytes()).await?;
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
            cmd @ (Cmd::Prompt(_)
            | Cmd::Status
            | Cmd::Binary
            | Cmd::Ascii
            | Cmd::Type { .. }
            | Cmd::Passive { .. }
            | Cmd::Mode { .. }
            | Cmd::Epsv4(_)
            | Cmd::Debug(_)
            | Cmd::Explain(_)
            | Cmd::Trace { .. }
            | Cmd::Hash { .. }
            | Cmd::Progress(_)
            | Cmd::Retry { .. }
            | Cmd::Verbose(_)) => self.setting(cmd).await?,
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
        let creds = self.opts.credentials(&target)?;
        let observer: Arc<dyn ftp::Observer> = self.replies.clone();
        // With TLS for ftps://, ftpes:// and --tls, as for the one-shot commands.
        let config = self.session_config(&target)?;
        let mut session = self.opts.connect(&target, config, "", observer).await?;
        // Only now that the new server answered is the old session closed (quietly): a mistyped
        // host leaves the user where they were.
        {
            let replies = self.replies.clone();
            let _quiet = replies.hold();
            self.close().await;
        }
        let login = options::log_in(&mut session, &creds).await;
        let path = std::mem::take(&mut target.path);
        let place = Place { target, creds, cwd: None };
        if let Err(e) = login {
            if session.is_usable() {
                // As in the classic client: still connected, and `user` can try again.
                self.conn = Conn::Up { session: Box::new(session), place };
            }
            return Err(e.into());
        }
        self.conn = Conn::Up { session: Box::new(session), place };
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
        let probed = ops::probe::probe(&self.opts, &place.target, &place.creds, path, self.opts.probe_timeout).await?;
        let code = report::probe(&probed, json, &self.opts.output)?;
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
        // Before anything is sent (or a lost connection made again): no CR or LF in a name.
        ftp::check_arg("user name", name.as_bytes())?;
        let mut creds =
            Credentials { user: name, password: password.map(Secret::new), account: account.map(Secret::new) };
        let replies = self.replies.clone();
        let session = self.session(input).await?;
        // The one login sequence (USER, PASS, ACCT, PBSZ and PROT under TLS, FEAT). What the
        // server asks for and was not given is asked for here, on a terminal, and the sequence
        // run again with it (one more USER, whose reply was shown the first time): each at most
        // once.
        loop {
            match options::log_in(session, &creds).await {
                Ok(()) => break,
                Err(ftp::Error::PasswordRequired(_)) if interactive && creds.password.is_none() => {
                    creds.password = Some(ask_password("Password: ")?);
                    replies.hide_next(&["USER"]);
                }
                Err(ftp::Error::Login(r)) if r.code == 332 && interactive && creds.account.is_none() => {
                    creds.account = Some(ask_password("Account: ")?);
                    replies.hide_next(&["USER", "PASS"]);
                }
                Err(e) => return Err(e.into()),
            }
        }
        if let Conn::Up { place, .. } = &mut self.conn {
            place.creds = creds;
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

    async fn list(&mut self, input: &mut Input, how: Listing, path: Option<String>) -> Result<()> {
        let session = self.session(input).await?;
        let stdout = std::io::stdout();
        let terminal = stdout.is_terminal();
        // Unbuffered beyond stdout's own line buffering: the 226 reply shown at the end must
        // come after the listing's last line.
        let mut out = stdout.lock();
        let path = path.as_deref().map(str::as_bytes);
        ops::list::lines(session, how, path, |line| Ok(report::listing_line(&mut out, line, terminal)?)).await?;
        out.flush()?;
        Ok(())
    }

    /// The type and progress display the transfers use now.
    fn transfer(&self) -> Transfer {
        Transfer { retry: self.settings.retry, ..Transfer::new(self.settings.ascii, self.progress()) }
    }

    async fn get(&mut self, input: &mut Input, args: GetArgs, reget: bool) -> Result<()> {
        let GetArgs { remote, local, resume, segments } = args;
        let resume = resume || reget;
        check_path(&remote)?;
        let dest = Dest::from_arg(local.as_deref());
        if resume && matches!(dest, Dest::Stdout) {
            bail!(AppError::Usage("reget cannot resume a download to the terminal".into()));
        }
        let name = last_component(remote.as_bytes());
        let shown = format!("'{remote}'");
        let sink = dest.sink(name, &shown)?;
        // `--segments N`, or a resumed download whose .part an interrupted `--segments` left
        // (with holes only its saved state knows), goes the way `ftpx get` takes.
        let segments = match (segments.filter(|n| *n > 1), &sink) {
            (Some(n), _) => Some(usize::from(n)),
            (None, crate::transfer::Sink::File(p)) if resume => ops::segments::saved_ranges(p),
            _ => None,
        };
        if let Some(n) = segments {
            if self.settings.ascii {
                bail!(AppError::Usage(
                    "--segments needs binary mode: ranges of an ASCII transfer do not line up".into()
                ));
            }
            let dest = crate::bulk::segment_dest(local.as_deref(), name, &shown)?;
            let place = self.remote_place(input, remote.as_bytes()).await?;
            let output = self.output();
            return crate::bulk::segments(&self.opts, &output, &place, dest, n, resume, self.settings.retry).await;
        }
        let how = self.transfer();
        ops::get::get(&mut Here::new(self, input), remote.as_bytes(), &sink, resume, how, None).await?;
        Ok(())
    }

    /// The server, login, absolute path of `path` (relative to the current remote directory)
    /// and the shell's session settings, for operations that open sessions of their own (mirror,
    /// segmented get).
    async fn remote_place(&mut self, input: &mut Input, path: &[u8]) -> Result<Remote> {
        self.session(input).await?;
        let Conn::Up { place, .. } = &self.conn else { unreachable!("session() connected") };
        let mut target = place.target.clone();
        target.path = match &place.cwd {
            Some(cwd) if !path.starts_with(b"/") => {
                let mut p = cwd.clone();
                if !p.ends_with(b"/") && !path.is_empty() {
                    p.push(b'/');
                }
                p.extend_from_slice(path);
                p
            }
            _ => path.to_vec(),
        };
        while target.path.len() > 1 && target.path.ends_with(b"/") {
            target.path.pop();
        }
        target.is_dir = false;
        let creds = place.creds.clone();
        let config = self.session_config(&target)?;
        Ok(Remote { target, creds, config })
    }

    /// `mirror`: `ftpx mirror` with paths relative to the current remote and local directories.
    async fn mirror(
        &mut self,
        input: &mut Input,
        source: Option<String>,
        target: Option<String>,
        flags: crate::cli::MirrorFlags,
    ) -> Result<()> {
        let (remote, local) = if flags.reverse {
            let Some(local) = source else {
                bail!(AppError::Usage("mirror -R takes LOCAL-DIR, then REMOTE-DIR (default: the current one)".into()));
            };
            (target, Some(local))
        } else {
            (source, target)
        };
        // `.` is the current remote directory, as the default is.
        let remote = remote.filter(|r| r != ".").unwrap_or_default();
        check_path(&remote)?;
        let place = self.remote_place(input, remote.as_bytes()).await?;
        let local = local.as_deref().map(Path::new);
        // The shell's `retry` setting, unless this line gives --retry.
        let retry = match flags.retry.retry {
            0 => self.settings.retry,
            _ => options::retry_policy(&flags.retry)?,
        };
        let code = crate::bulk::mirror(&self.opts, &self.output(), &place, local, &flags, retry).await?;
        if code != exit::OK {
            return Err(Reported(code).into());
        }
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
        let t = self.transfer();
        ops::put::put(&mut Here::new(self, input), &local, &remote, how, t, None).await?;
        Ok(())
    }

    /// mget, mput, mdelete: the one multi-file loop, asking about each file while `prompt` is on.
    async fn each(&mut self, input: &mut Input, action: Action, patterns: Vec<String>) -> Result<()> {
        let mut here = Here::new(self, input);
        let done = ops::multi::each(&mut here, action, patterns).await;
        let prompt_off = here.prompter.prompt_off;
        if prompt_off {
            self.settings.prompt = false;
            println!("Interactive mode off.");
        }
        match done?.first_failure {
            Some(code) => Err(Reported(code).into()),
            None => Ok(()),
        }
    }

    /// A raw command whose reply is the output (quote, site, stat, system, features): the reply
    /// is shown whatever `verbose` says, and a 4xx/5xx is a failure, as for `ftpx quote`.
    async fn raw(&mut self, input: &mut Input, line: &str) -> Result<()> {
        Command::raw(line.as_bytes())?;
        let replies = self.replies.clone();
        let session = self.session(input).await?;
        let quoted = {
            let _held = replies.hold();
            ops::file::quote(session, line.as_bytes()).await?
        };
        report::reply(&quoted.reply);
        Ok(quoted.result()?)
    }
}

/// A path argument with CR, LF or NUL is refused before anything is sent, connected or not.
fn check_path(path: &str) -> Result<(), ftp::UnsafeArgument> {
    ftp::check_arg("path", path.as_bytes())
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

/// `20250421103000` -> `2025-04-21 10:30:00 UTC`.
fn show_mdtm(t: &str) -> String {
    let d = |r: std::ops::Range<usize>| t.get(r).unwrap_or("");
    format!("{}-{}-{} {}:{}:{}{} UTC", d(0..4), d(4..6), d(6..8), d(8..10), d(10..12), d(12..14), d(14..t.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdtm_is_shown_readably() {
        assert_eq!(show_mdtm("20250421103000"), "2025-04-21 10:30:00 UTC");
        assert_eq!(show_mdtm("20250421103000.123"), "2025-04-21 10:30:00.123 UTC");
    }
}

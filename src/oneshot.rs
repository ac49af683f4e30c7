//! The subcommands (`ftpx ls URL`, `ftpx get URL...`): each parses its URLs, calls the
//! operation in `ops` and hands the outcome to `report`. `ftpx [URL]` and `ftpx shell` start the
//! shell instead. What a subcommand does lives in its operation, written once for both front ends.

use std::io::{IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::cli::{
    Cli, Command as Sub, GetArgs, LsArgs, MirrorArgs, ProbeArgs, PutArgs, QuoteArgs, ServeArgs, ShellArgs, TransferArgs,
};
use crate::error::{AppError, exit};
use crate::ftp::{self, Session};
use crate::ops::get::Dest;
use crate::ops::list::Listing;
use crate::ops::put::Upload;
use crate::ops::{self, Notice, SessionSource, Transfer};
use crate::options::{self, Options};
use crate::progress::ProgressMode;
use crate::report::{self, JsonList};
use crate::shell;
use crate::target::Target;
use crate::text::escape;
use crate::transfer::Sink;

/// What the final report needs to know about the run: the colors of stderr, and the runnable
/// `ftpx probe ...` for the server, once one is known.
#[derive(Debug, Default)]
pub struct Reporting {
    pub color: bool,
    pub probe: Option<String>,
}

/// Whether the command line runs something that handles Ctrl-C itself: the interactive shell,
/// or `ftpx serve` (which stops on it).
pub fn is_shell(cli: &Cli) -> bool {
    matches!(cli.command, None | Some(Sub::Shell(_)) | Some(Sub::Serve(_)))
}

/// Runs the command line; returns the exit status, or the error for [`report::failure`].
pub async fn run(cli: Cli, rep: &mut Reporting) -> Result<u8> {
    if let (Some(url), Some(_)) = (&cli.shell.url, &cli.command) {
        let url = Target::mask(url);
        bail!(AppError::Usage(format!("'{url}' before a subcommand: a subcommand takes its URL after it")));
    }
    let opts = Options::new(&cli.global)?;
    rep.color = opts.output.color_stderr;
    match cli.command {
        None => start_shell(opts, cli.shell).await,
        Some(Sub::Shell(args)) => start_shell(opts, args).await,
        Some(command) => {
            let result = subcommand(&opts, command, rep).await;
            opts.transcript.flush();
            result
        }
    }
}

async fn start_shell(opts: Options, args: ShellArgs) -> Result<u8> {
    shell::run(opts, shell::Start { url: args.url, keep_going: args.keep_going }).await
}

async fn subcommand(opts: &Options, command: Sub, rep: &mut Reporting) -> Result<u8> {
    let mut pool = Pool::new(opts);
    let result = match command {
        Sub::Ls(args) => ls(&mut pool, args, rep).await,
        Sub::Get(args) => get(&mut pool, args, rep).await,
        Sub::Put(args) => put(&mut pool, args, rep).await,
        Sub::Rm(args) => rm(&mut pool, &args.urls, rep).await,
        Sub::Rmdir(args) => rmdir(&mut pool, &args.url, rep).await,
        Sub::Mkdir(args) => mkdir(&mut pool, &args.url, args.parents, rep).await,
        Sub::Mv(args) => mv(&mut pool, &args.url, &args.new_path, rep).await,
        Sub::Quote(args) => quote(&mut pool, args, rep).await,
        Sub::Probe(args) => probe(opts, args, rep).await,
        Sub::Serve(args) => crate::serve::launch::run(serve_request(args)).await,
        Sub::Demo => crate::serve::demo::run(opts).await,
        Sub::Mirror(args) => mirror(opts, args, rep).await,
        Sub::Shell(_) => unreachable!("the shell is started by run"),
    };
    pool.close().await;
    result
}

/// A URL as a target, checked before connecting; the first one names the server in hints.
fn parse_target(opts: &Options, url: &str, rep: &mut Reporting) -> Result<Target> {
    let target = Target::parse(url)?;
    // Refused before connecting: a CR or LF in a path could smuggle a second command.
    ftp::check_arg("path", &target.path)?;
    if let Some(user) = &target.user {
        ftp::check_arg("user name", user.as_bytes())?;
    }
    rep.probe.get_or_insert_with(|| opts.probe_command(&target));
    Ok(target)
}

/// Which server and user a session belongs to.
type SessionKey = (String, u16, Option<String>);

/// One session for consecutive URLs on the same server and user.
struct Pool<'a> {
    opts: &'a Options,
    target: Option<Target>,
    current: Option<(SessionKey, Session)>,
}

impl<'a> Pool<'a> {
    fn new(opts: &'a Options) -> Self {
        Pool { opts, target: None, current: None }
    }

    /// The session for `target`, logged in.
    async fn at(&mut self, target: &Target) -> Result<&mut Session> {
        self.target = Some(target.clone());
        self.session().await
    }

    async fn close(self) {
        if let Some((_, s)) = self.current {
            s.quit().await;
        }
    }
}

impl SessionSource for Pool<'_> {
    async fn session(&mut self) -> Result<&mut Session> {
        let target = self.target.as_ref().expect("a target is chosen first");
        let key = (target.host.clone(), target.port, target.user.clone());
        if self.current.as_ref().is_none_or(|(k, _)| *k != key) {
            if let Some((_, old)) = self.current.take() {
                old.quit().await;
            }
            let session = self.opts.open(target, "").await?;
            self.current = Some((key, session));
        }
        Ok(&mut self.current.as_mut().expect("set above").1)
    }

    async fn relogin(&mut self) -> Result<&mut Session> {
        if let Some((_, old)) = self.current.take() {
            old.quit().await;
        }
        self.session().await
    }

    fn notice(&mut self, notice: Notice) {
        report::notice(notice, &self.opts.transcript);
    }
}

async fn ls(pool: &mut Pool<'_>, args: LsArgs, rep: &mut Reporting) -> Result<u8> {
    let target = parse_target(pool.opts, &args.url, rep)?;
    let session = pool.at(&target).await?;
    let path = (!target.path.is_empty()).then_some(target.path.as_slice());
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    if args.json {
        let mut json = JsonList::new(out);
        let parsed = ops::list::entries(session, path, !args.no_mlsd, |entry| json.push(entry)).await?;
        json.finish(&parsed)?;
    } else {
        let how = if args.names_only { Listing::Names } else { Listing::Long };
        ops::list::lines(session, how, path, |line| Ok(report::listing_line(&mut out, line, terminal)?)).await?;
        out.flush()?;
    }
    Ok(exit::OK)
}

async fn get(pool: &mut Pool<'_>, args: GetArgs, rep: &mut Reporting) -> Result<u8> {
    if let Some(n) = args.segments.filter(|n| *n > 1) {
        return segmented_get(pool.opts, args, rep, usize::from(n)).await;
    }
    let targets = args.urls.iter().map(|u| parse_target(pool.opts, u, rep)).collect::<Result<Vec<_>>>()?;
    let dest = Dest::from_arg(args.output.as_deref());
    if targets.len() > 1 && matches!(dest, Dest::File(_)) {
        bail!(AppError::Usage("several URLs need -o DIR/ (a directory), not a file name".into()));
    }
    if matches!(dest, Dest::Stdout) && args.resume {
        bail!(AppError::Usage("-c cannot resume a download to stdout".into()));
    }
    if let Some(dir) = args.output.as_deref().filter(|p| p.as_os_str().as_bytes().ends_with(b"/")) {
        // `-o dir/` names a directory: made if missing, like the URL form `ftp://host/dir/`.
        std::fs::create_dir_all(dir).map_err(|e| AppError::local(dir, e))?;
    }
    if matches!(dest, Dest::Stdout) && args.transfer.json {
        bail!(AppError::Usage("--json prints on stdout: it cannot go with -o -".into()));
    }
    if let ([target], true) = (targets.as_slice(), args.resume)
        && let crate::transfer::Sink::File(p) = dest.sink(target.file_name(), target)?
        && let Some(n) = ops::segments::saved_ranges(&p)
    {
        // An interrupted `--segments` download: its .part has holes, only its state knows which.
        return segmented_get(pool.opts, args, rep, n).await;
    }
    let how = transfer(&args.transfer, args.ascii, pool.opts.output.progress)?;
    let mut report = report::JsonReport::new(args.transfer.json, "get");
    for (target, raw) in targets.iter().zip(&args.urls) {
        let sink = dest.sink(target.file_name(), target)?;
        let local = match &sink {
            Sink::File(path) => path.display().to_string(),
            Sink::Stdout => "-".to_owned(),
        };
        let resume_with = options::resume_command("get", |a| a == raw || !args.urls.iter().any(|u| u == a));
        pool.target = Some(target.clone());
        let started = Instant::now();
        let result = ops::get::get(pool, &target.path, &sink, args.resume, how, Some(resume_with)).await;
        report.record(&escape(&target.path), &local, started, result)?;
    }
    report.finish(exit::OK);
    Ok(exit::OK)
}

async fn put(pool: &mut Pool<'_>, mut args: PutArgs, rep: &mut Reporting) -> Result<u8> {
    let url = args.args.pop().expect("clap requires two or more");
    let target = parse_target(pool.opts, &url, rep)?;
    let several = args.args.len() > 1;
    if several && !target.is_dir && !target.path.is_empty() {
        bail!(AppError::Usage(format!("several files need a directory URL ending in '/', not {target}")));
    }
    pool.target = Some(target.clone());
    let how = transfer(&args.transfer, args.ascii, pool.opts.output.progress)?;
    let upload = if args.resume { Upload::Resume } else { Upload::Store };
    let mut report = report::JsonReport::new(args.transfer.json, "put");
    for local_arg in &args.args {
        let local = Path::new(local_arg);
        let remote = if target.is_dir || several {
            let name =
                local.file_name().ok_or_else(|| AppError::Usage(format!("{} has no file name", local.display())))?;
            target.join(name.as_bytes())
        } else {
            target.path.clone()
        };
        let resume_with = options::resume_command("put", |a| a == local_arg || !args.args.iter().any(|l| l == a));
        let started = Instant::now();
        let result = ops::put::put(pool, local, &remote, upload, how, Some(resume_with)).await;
        report.record(&escape(&remote), &local.display().to_string(), started, result)?;
    }
    report.finish(exit::OK);
    Ok(exit::OK)
}

async fn rm(pool: &mut Pool<'_>, urls: &[String], rep: &mut Reporting) -> Result<u8> {
    for url in urls {
        let target = parse_target(pool.opts, url, rep)?;
        ops::file::delete(pool.at(&target).await?, &target.path).await?;
    }
    Ok(exit::OK)
}

async fn rmdir(pool: &mut Pool<'_>, url: &str, rep: &mut Reporting) -> Result<u8> {
    let target = parse_target(pool.opts, url, rep)?;
    ops::file::rmdir(pool.at(&target).await?, &target.path).await?;
    Ok(exit::OK)
}

async fn mkdir(pool: &mut Pool<'_>, url: &str, parents: bool, rep: &mut Reporting) -> Result<u8> {
    let target = parse_target(pool.opts, url, rep)?;
    ops::file::mkdir(pool.at(&target).await?, &target.path, parents).await?;
    Ok(exit::OK)
}

async fn mv(pool: &mut Pool<'_>, url: &str, new_path: &str, rep: &mut Reporting) -> Result<u8> {
    let target = parse_target(pool.opts, url, rep)?;
    // Checked before connecting.
    ftp::check_arg("path", new_path.as_bytes())?;
    ops::file::rename(pool.at(&target).await?, &target.path, new_path.as_bytes()).await?;
    Ok(exit::OK)
}

async fn quote(pool: &mut Pool<'_>, args: QuoteArgs, rep: &mut Reporting) -> Result<u8> {
    let target = parse_target(pool.opts, &args.url, rep)?;
    let line = args.command.join(" ");
    ftp::Command::raw(line.as_bytes())?;
    let quoted = ops::file::quote(pool.at(&target).await?, line.as_bytes()).await?;
    report::reply(&quoted.reply);
    quoted.result()?;
    Ok(exit::OK)
}

/// `ftpx probe`: the four attempts at once, then the diagnosis, as a report or JSON.
async fn probe(opts: &Options, args: ProbeArgs, rep: &mut Reporting) -> Result<u8> {
    let target = parse_target(opts, &args.target, rep)?;
    let path = match args.path {
        Some(p) => Some(p.into_bytes()),
        None => Some(target.path.clone()).filter(|p| !p.is_empty()),
    };
    let creds = opts.credentials(&target)?;
    let probed = ops::probe::probe(opts, &target, &creds, path, opts.probe_timeout).await?;
    report::probe(&probed, args.json, &opts.output)
}

/// `ftpx mirror`.
async fn mirror(opts: &Options, args: MirrorArgs, rep: &mut Reporting) -> Result<u8> {
    let (url, local) = if args.flags.reverse {
        let Some(url) = args.target.as_deref() else {
            bail!(AppError::Usage("--reverse takes LOCAL_DIR then URL".into()));
        };
        (url, Some(args.source.as_str()))
    } else {
        (args.source.as_str(), args.target.as_deref())
    };
    let mut target = parse_target(opts, url, rep)?;
    let remote_root = target.path.strip_suffix(b"/").unwrap_or(&target.path).to_vec();
    target.path.clone_from(&remote_root);
    let creds = opts.credentials(&target)?;
    let config = opts.session_config(&target)?;
    let retry = options::retry_policy(&args.flags.retry)?;
    let remote = crate::bulk::Remote { target, creds, config };
    crate::bulk::mirror(opts, &opts.output, &remote, local.map(Path::new), &args.flags, retry).await
}

/// `ftpx get --segments N URL`.
async fn segmented_get(opts: &Options, args: GetArgs, rep: &mut Reporting, segments: usize) -> Result<u8> {
    let [url] = args.urls.as_slice() else {
        bail!(AppError::Usage("--segments takes one URL".into()));
    };
    if args.ascii {
        bail!(AppError::Usage("--segments needs binary mode: ranges of an ASCII transfer do not line up".into()));
    }
    let target = parse_target(opts, url, rep)?;
    let output = args.output.as_deref();
    let dest = crate::bulk::segment_dest(output, target.file_name(), &target)?;
    if let Some(dir) = output.filter(|p| p.as_os_str().as_bytes().ends_with(b"/")) {
        std::fs::create_dir_all(dir).map_err(|e| AppError::local(dir, e))?;
    }
    let creds = opts.credentials(&target)?;
    let retry = options::retry_policy(&args.transfer.retry)?;
    let config = opts.session_config(&target)?;
    let remote = crate::bulk::Remote { target, creds, config };
    crate::bulk::segments(opts, &opts.output, &remote, dest, segments, args.resume, retry).await?;
    Ok(exit::OK)
}

/// How get and put move files: the type and progress, and the flags resolved in `options`.
fn transfer(args: &TransferArgs, ascii: bool, progress: ProgressMode) -> Result<Transfer> {
    let s = options::TransferSettings::new(args)?;
    Ok(Transfer { retry: s.policy, limit_rate: s.limit_rate, ..Transfer::new(ascii, progress) })
}

/// `ftpx serve`'s arguments for the server's launcher, which sees no clap type.
fn serve_request(a: ServeArgs) -> crate::serve::launch::Request {
    crate::serve::launch::Request {
        dir: a.dir,
        listen: a.listen,
        implicit_listen: a.implicit_listen,
        write: a.write,
        login: a.login,
        pasv_ports: a.pasv_ports,
        public_address: a.public_address,
        cert: a.cert,
        key: a.key,
    }
}

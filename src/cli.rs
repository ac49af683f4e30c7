//! The command-line definition, and nothing else: every flag, subcommand and help text of ftpx.
//!
//! House rules for this file:
//! - Flags that describe the connection (credentials, mode, timeouts, transcript, TLS) live in
//!   [`GlobalArgs`] and are `global = true`, so they are accepted before or after the subcommand.
//! - No logic here beyond clap's own parsing: turning these raw values into resolved options
//!   (URLs, credentials, netrc) happens in `options`.
//! - Completions and man pages are generated from [`Cli::command`]; a test fails when the committed
//!   copies in `completions/` and `man/` are stale.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit status:
  0   success
  1   other error
  2   usage error (bad arguments, or CR/LF/NUL in an argument)
  3   cannot resolve or connect to the server, or it does not speak FTP
  4   login refused
  5   the server refused the file operation (4xx/5xx reply before any data moved)
  6   no data connection could be made in the allowed modes
  7   TLS error
  8   timeout (a stall in mid-transfer is 11)
  9   local file error
  10  probe: no data-connection mode works
  11  transfer incomplete: broken (data or control connection reset, closed or stalled
      mid-transfer, 4xx from the server) or a size mismatch; the message says how to resume
  12  mirror: some files failed (the others were copied whole; run it again to retry them)";

/// An FTP client that diagnoses data connections through firewalls and NAT.
///
/// Without a subcommand, ftpx is an interactive shell with the commands of the classic ftp client
/// (`ftpx` alone starts it unconnected, `ftpx URL` connects first). Commands piped to it run as a
/// script: the exit status is the first failure's.
#[derive(Debug, Parser)]
#[command(name = "ftpx", version, about, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(flatten)]
    pub shell: ShellArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How the interactive shell starts; for `ftpx [URL]` and `ftpx shell [URL]`.
#[derive(Debug, Clone, Args)]
pub struct ShellArgs {
    /// Start the shell connected to this server: ftp://[user[:password]@]host[:port][/dir], or a host name
    #[arg(value_name = "URL", value_parser = shell_url)]
    pub url: Option<String>,

    /// In a script piped to the shell, run every line even after one fails (the exit status is
    /// still the first failure's)
    #[arg(long)]
    pub keep_going: bool,
}

/// `ftpx URL` must not swallow a mistyped subcommand: a URL has `://`, a host name a dot or a
/// colon (or is `localhost`).
fn shell_url(s: &str) -> Result<String, String> {
    let looks_like_host = s.contains('.') || s.contains(':') || s == "localhost";
    if s.contains("://") || looks_like_host {
        Ok(s.to_owned())
    } else {
        Err(format!("'{s}' is neither a subcommand nor a URL or host name (see ftpx --help)"))
    }
}

/// Connection, mode, timeout and transcript flags, shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal
    #[arg(short = 'u', long, global = true, value_name = "USER[:PASSWORD]")]
    pub user: Option<String>,

    /// Read credentials from this netrc file instead of ~/.netrc
    #[arg(long, global = true, value_name = "FILE")]
    pub netrc_file: Option<PathBuf>,

    /// Data-connection mode: auto tries passive, then active
    #[arg(long, global = true, value_enum, default_value_t = ModeArg::Auto)]
    pub mode: ModeArg,

    /// Address for PASV data connections: the control connection's peer, or the one the server advertised
    #[arg(long, global = true, value_enum, default_value_t = PasvAddressArg::Peer)]
    pub pasv_address: PasvAddressArg,

    /// Address to advertise in PORT/EPRT instead of the control connection's local address
    #[arg(long, global = true, value_name = "ADDR")]
    pub active_address: Option<String>,

    /// Port range to listen on for active data connections
    #[arg(long, global = true, value_name = "LO-HI")]
    pub active_ports: Option<String>,

    /// Seconds allowed for each TCP connect and TLS handshake
    #[arg(long, global = true, value_name = "SECS", default_value_t = 15.0)]
    pub connect_timeout: f64,

    /// Seconds allowed for every other wait: banner, reply, data accept, idle transfer
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Print the control conversation and data-connection events on stderr
    #[arg(short = 'd', long, global = true)]
    pub debug: bool,

    /// Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects
    /// where, and what the data-connection replies mean
    #[arg(long, global = true)]
    pub explain: bool,

    /// Write a timestamped transcript of every connection to FILE
    #[arg(long, global = true, value_name = "FILE")]
    pub trace: Option<PathBuf>,

    /// No progress bar or summary line
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,

    /// Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)
    #[arg(long, global = true)]
    pub tls: bool,

    /// Data connections under TLS: private (PROT P, the default) or clear (PROT C)
    #[arg(long, global = true, value_enum, default_value_t = TlsDataArg::Private)]
    pub tls_data: TlsDataArg,

    /// Trust the CA certificates in this PEM file, in addition to the system's
    #[arg(long, global = true, value_name = "FILE")]
    pub cacert: Option<PathBuf>,

    /// Do not verify the server's certificate (warns every time)
    #[arg(short = 'k', long, global = true)]
    pub insecure: bool,

    /// Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)
    #[arg(long, global = true, value_enum, default_value_t = TlsMaxArg::V1_3)]
    pub tls_max: TlsMaxArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsDataArg {
    /// PROT P: data connections in TLS
    Private,
    /// PROT C: data connections in the clear (the control connection stays in TLS)
    Clear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsMaxArg {
    #[value(name = "1.2")]
    V1_2,
    #[value(name = "1.3")]
    V1_3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Passive (EPSV, then PASV), then active (EPRT, then PORT)
    Auto,
    /// EPSV, then PASV
    Passive,
    /// EPRT, then PORT
    Active,
    /// EPSV only
    Epsv,
    /// PASV only
    Pasv,
    /// EPRT only
    Eprt,
    /// PORT only
    Port,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PasvAddressArg {
    /// Connect to the control connection's peer address with the advertised port (safe)
    Peer,
    /// Connect to the address the server advertised in its 227 reply
    Trust,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List a remote directory (the server's LIST lines)
    #[command(visible_alias = "dir")]
    Ls(LsArgs),
    /// Download files
    Get(GetArgs),
    /// Upload files
    Put(PutArgs),
    /// Delete remote files
    #[command(visible_alias = "delete")]
    Rm(RmArgs),
    /// Create a remote directory
    Mkdir(MkdirArgs),
    /// Remove an empty remote directory
    Rmdir(UrlArg),
    /// Rename or move a remote file
    #[command(visible_alias = "rename")]
    Mv(MvArgs),
    /// Send a raw command and print the reply; the exit status follows the reply's class
    Quote(QuoteArgs),
    /// Test EPSV, PASV, EPRT and PORT against the server at once, and explain what gets through
    ///
    /// Each mode lists a directory on its own control connection; all four run at the same time,
    /// each within --timeout (5 s by default here), so the answer comes in about that time. The
    /// report says which mode to use, why the others fail (firewall, NAT, server settings), and
    /// what to change at the client and at the server. Exit status 0 when a mode works, 10 when
    /// none does, 3 or 4 when the server cannot be reached or the login fails.
    Probe(ProbeArgs),
    /// Start the interactive shell, connected to URL if given (the same as ftpx [URL])
    Shell(ShellArgs),
    /// Serve a directory over FTP and FTPS: read-only and anonymous unless told otherwise
    ///
    /// Listens on 127.0.0.1 and a free port (printed) unless --listen says otherwise, for FTP and
    /// explicit FTPS (AUTH TLS); implicit FTPS (ftps://) has a port of its own beside it (printed;
    /// --implicit-listen chooses it). All four data-connection modes work; PORT/EPRT may only
    /// name the client's own address (no FTP bounce), and under TLS a data connection must resume
    /// the control connection's session. Every path stays inside DIR.
    /// The connection flags of the other subcommands do not apply here.
    ///
    /// `SITE FTPX-ECHO` (listed in FEAT) answers with what the server saw, one `200-key=value`
    /// line each: control_peer (the client's address as it arrived), control_local,
    /// active_command, active_argument (the last PORT/EPRT argument byte for byte, %XX-escaped
    /// outside printable ASCII), active_target, active_connect (ok, failed, refused or
    /// not-tried), active_detail, and passive_from (`EPSV|PASV ADDR:PORT`, one line per passive
    /// data connection).
    Serve(ServeArgs),
    /// Try ftpx without a server: serve a small generated tree on loopback, probe it, download
    /// and upload a file with the transcript shown, then stop (a few seconds, no network)
    Demo,
    /// Copy a remote directory tree down (or a local one up with --reverse), only what changed
    ///
    /// A file is copied when it is missing at the target or differs in size or modification time
    /// (MLSD `modify`, or the LIST date); downloaded files get the server's time, so a second run
    /// copies nothing. Several sessions work at once (-P); a server that refuses more sessions
    /// leaves the mirror with the ones it has. Names that could leave the target (`..`, `/`,
    /// control characters) and links leading out of the tree are skipped and reported. With
    /// --retry N each file is tried again after a transient failure, resuming from its .part; a
    /// mirror run again with -c goes on from the .part files and fetches nothing it has. Exit
    /// status 0 when nothing failed, 12 when some files failed (the others are complete).
    Mirror(MirrorArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The directory to serve (default: the current directory)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Address and port to listen on (default: 127.0.0.1 and a free port); an address other
    /// than loopback lets other machines in, and warns
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Address and port for implicit FTPS (ftps://: TLS from the first byte, as on port 990)
    /// (default: the --listen address and a free port)
    #[arg(long, value_name = "ADDR:PORT")]
    pub implicit_listen: Option<String>,
    /// Allow changes: uploads, deletes, renames, new and removed directories
    #[arg(long)]
    pub write: bool,
    /// Require this user (password from FTPX_SERVE_PASSWORD, or generated and printed once)
    /// instead of anonymous logins
    #[arg(long, value_name = "NAME")]
    pub login: Option<String>,
    /// Ports for passive data connections (default: any free port)
    #[arg(long, value_name = "A-B")]
    pub pasv_ports: Option<String>,
    /// The address PASV advertises, for a server behind NAT (default: the address the client reached)
    #[arg(long, value_name = "ADDR")]
    pub public_address: Option<String>,
    /// TLS certificate chain in PEM (default: a self-signed certificate made at start, its
    /// SHA-256 fingerprint printed)
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// TLS private key in PEM, for --cert
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UrlArg {
    /// ftp://[user[:password]@]host[:port]/path (ftps:// implicit TLS, ftpes:// explicit TLS)
    pub url: String,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// ftp://[user[:password]@]host[:port]/path (a directory, or the login directory)
    pub url: String,
    /// Names only, one per line (NLST)
    #[arg(short = '1', conflicts_with = "json")]
    pub names_only: bool,
    /// Parsed entries as JSON (from MLSD when the server offers it, else LIST)
    #[arg(long)]
    pub json: bool,
    /// With --json: read LIST even when the server offers MLSD
    #[arg(long, requires = "json")]
    pub no_mlsd: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// Remote files: ftp://[user[:password]@]host[:port]/path
    #[arg(required = true)]
    pub urls: Vec<String>,
    /// Write to PATH (a file, a directory ending in '/' or existing, or '-' for stdout)
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Resume from NAME.part (or NAME) with REST
    #[arg(short = 'c', long = "continue")]
    pub resume: bool,
    /// Transfer in ASCII mode (TYPE A) instead of binary
    #[arg(long)]
    pub ascii: bool,
    /// Fetch one file in N ranges at once over N sessions (for servers that limit each session's
    /// rate); small files and servers without REST get one stream. --retry retries each range
    /// from where it got to
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub segments: Option<u16>,
    #[command(flatten)]
    pub transfer: TransferArgs,
}

/// Retries, rate and report, for get and put.
#[derive(Debug, Clone, Args)]
pub struct TransferArgs {
    #[command(flatten)]
    pub retry: RetryArgs,
    /// Cap the transfer rate: bytes per second, or with a suffix k, M or G (1024-based), e.g. 500k
    #[arg(long, value_name = "RATE")]
    pub limit_rate: Option<String>,
    /// Print one JSON object at the end: per file the outcome, bytes, seconds, rate, mode,
    /// retries and the offset it resumed from, and the exit code
    #[arg(long)]
    pub json: bool,
}

// `--retry`, `--retry-delay`, `--retry-max-time`: get, put and mirror.
#[derive(Debug, Clone, Args)]
pub struct RetryArgs {
    /// After a transient failure (connection reset or closed, timeout, 421 busy, 4xx), try again
    /// up to N times, resuming where the transfer stopped; 5xx refusals, bad credentials and
    /// missing files are not retried. Default 0, as in curl: in CI use e.g. --retry 5
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retry: u32,
    /// Seconds before the first retry; each next wait doubles (up to 60 s), with jitter
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    pub retry_delay: f64,
    /// Start no retry after this many seconds since the first attempt (default: no limit)
    #[arg(long, value_name = "SECS")]
    pub retry_max_time: Option<f64>,
}

#[derive(Debug, Args)]
pub struct MirrorArgs {
    /// The remote directory (ftp://[user[:password]@]host[:port]/dir), or with --reverse the local one
    #[arg(value_name = "URL|LOCAL_DIR")]
    pub source: String,
    /// The local directory (default: the remote directory's name, or the host's for the login
    /// directory), or with --reverse the URL
    #[arg(value_name = "LOCAL_DIR|URL")]
    pub target: Option<String>,
    #[command(flatten)]
    pub flags: MirrorFlags,
}

/// The mirror's options, the same for `ftpx mirror` and the shell's `mirror`.
#[derive(Debug, Args)]
pub struct MirrorFlags {
    /// Copy a local tree up: ftpx mirror --reverse LOCAL_DIR URL
    #[arg(short = 'R', long)]
    pub reverse: bool,
    /// Transfer N files at once over N sessions
    #[arg(short = 'P', long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
    /// Copy only files that are missing or newer at the source
    #[arg(long)]
    pub only_newer: bool,
    /// Compare sizes only, not modification times
    #[arg(long)]
    pub size_only: bool,
    /// Neither compare nor copy modification times
    #[arg(long)]
    pub ignore_time: bool,
    /// Delete what the source no longer has (only inside the target; excluded entries stay)
    #[arg(long)]
    pub delete: bool,
    /// Skip paths matching GLOB; repeatable. As in rsync and rclone: '*', '?' and '[...]' never
    /// match '/', '**' matches across directories ('**/' also matches none); a GLOB without '/'
    /// matches a name at any depth, one with '/' the path from the mirror's root ('docs/*.tmp',
    /// '/build/**'); a trailing '/' matches directories only ('cache/')
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Copy only files matching GLOB (matched as --exclude; directories are still entered);
    /// repeatable
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Descend at most N directory levels below the root (0: the root's files only)
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,
    /// Print what would be copied and deleted, and change nothing
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Resume partial files (NAME.part, as get -c does)
    #[arg(short = 'c', long = "continue")]
    pub resume: bool,
    /// Check each downloaded file with the server's hash command (HASH, XSHA256, XSHA1, XMD5, XCRC)
    /// when it has one
    #[arg(long)]
    pub verify: bool,
    /// A line for every file copied, skipped, deleted or failed
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Print one JSON object: the totals and every file's outcome
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub retry: RetryArgs,
}

#[derive(Debug, Args)]
pub struct PutArgs {
    /// Local files, then the remote URL (a directory when it ends in '/' or several files are given)
    #[arg(required = true, num_args = 2.., value_name = "FILE... URL")]
    pub args: Vec<String>,
    /// Resume: append what the server does not have yet (SIZE, then APPE)
    #[arg(short = 'c', long = "continue")]
    pub resume: bool,
    /// Transfer in ASCII mode (TYPE A) instead of binary
    #[arg(long)]
    pub ascii: bool,
    #[command(flatten)]
    pub transfer: TransferArgs,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// Remote files to delete
    #[arg(required = true)]
    pub urls: Vec<String>,
}

#[derive(Debug, Args)]
pub struct MkdirArgs {
    /// The directory to create
    pub url: String,
    /// Create missing parents too, and succeed if the directory exists
    #[arg(short = 'p', long)]
    pub parents: bool,
}

#[derive(Debug, Args)]
pub struct MvArgs {
    /// The file to rename
    pub url: String,
    /// The new server path (absolute, or relative to the login directory)
    pub new_path: String,
}

#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// The server to connect to
    pub url: String,
    /// The raw command and its arguments, e.g. SITE CHMOD 644 file
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The server: HOST[:PORT] or ftp://[user[:password]@]host[:port][/dir]
    pub target: String,
    /// Directory to list in each attempt (default: the URL's path, or the login directory)
    #[arg(long, value_name = "DIR")]
    pub path: Option<String>,
    /// Print one JSON object instead of the report
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    //! The committed completions/ and man/ must be what the definition generates today. Run with
    //! `FTPX_REGENERATE=1 cargo test --lib cli` to rewrite them after changing the CLI.

    use std::path::{Path, PathBuf};

    use clap::CommandFactory;
    use clap_complete::Shell;

    use super::Cli;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Every generated file, by path relative to the repository root.
    fn generated() -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ftpx", &mut out);
            let name = match shell {
                Shell::Bash => "ftpx.bash".to_owned(),
                Shell::Zsh => "_ftpx".to_owned(),
                Shell::Fish => "ftpx.fish".to_owned(),
                Shell::PowerShell => "_ftpx.ps1".to_owned(),
                _ => "ftpx.elv".to_owned(),
            };
            files.push((Path::new("completions").join(name), out));
        }
        let mut cmd = Cli::command();
        // Building propagates the global flags into each subcommand, so their pages list them.
        cmd.build();
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd.clone()).render(&mut page).expect("render man page");
        files.push((PathBuf::from("man/ftpx.1"), page));
        for sub in cmd.get_subcommands() {
            let name = format!("ftpx-{}", sub.get_name());
            let sub = sub.clone().name(name.clone());
            let mut page = Vec::new();
            clap_mangen::Man::new(sub).render(&mut page).expect("render man page");
            files.push((Path::new("man").join(format!("{name}.1")), page));
        }
        files
    }

    #[test]
    fn completions_and_man_pages_are_up_to_date() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let regenerate = std::env::var_os("FTPX_REGENERATE").is_some();
        let mut stale = Vec::new();
        for (path, content) in generated() {
            let full = root.join(&path);
            if regenerate {
                std::fs::create_dir_all(full.parent().expect("has a parent")).expect("create dir");
                std::fs::write(&full, &content).expect("write generated file");
            } else if std::fs::read(&full).ok().as_deref() != Some(content.as_slice()) {
                stale.push(path.display().to_string());
            }
        }
        assert!(stale.is_empty(), "stale generated files {stale:?}: run FTPX_REGENERATE=1 cargo test --lib cli");
    }
}

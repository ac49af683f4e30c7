//! The command-line definition, and nothing else: every flag, subcommand and help text of ftpx.
//!
//! House rules for this file:
//! - Flags that describe the connection (credentials, mode, timeouts, transcript, TLS) live in
//!   [`GlobalArgs`] and are `global = true`, so they are accepted before or after the subcommand.
//! - No logic here beyond clap's own parsing: turning these raw values into resolved options
//!   (URLs, credentials, netrc) happens in `app`.
//! - Completions and man pages are generated from [`Cli::command`]; a test fails when the committed
//!   copies in `completions/` and `man/` are stale.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit status:
  0   success
  1   other error
  2   usage error (bad arguments, or CR/LF/NUL in an argument)
  3   cannot resolve or connect to the server
  4   login refused
  5   the server refused the file operation (4xx/5xx reply)
  6   no data connection could be made in the allowed modes
  7   TLS error
  8   timeout
  9   local file error
  10  probe: no data-connection mode works
  11  transfer incomplete or size mismatch";

/// An FTP client that diagnoses data connections through firewalls and NAT.
#[derive(Debug, Parser)]
#[command(name = "ftpx", version, about, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
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

    /// Write a timestamped transcript of every connection to FILE
    #[arg(long, global = true, value_name = "FILE")]
    pub trace: Option<PathBuf>,

    /// No progress bar or summary line
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
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
}

#[derive(Debug, Args)]
pub struct UrlArg {
    /// ftp://[user[:password]@]host[:port]/path
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

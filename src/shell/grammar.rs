//! The shell's grammar: one clap definition, parsed from each shlex-split line (multicall: the
//! first word is the command). `help`, `help CMD`, `CMD --help`, usage errors and tab completion
//! all come from here; there is no other list of commands.
//!
//! House rules for this file, which the completion helper relies on:
//! - A positional whose value name starts with `REMOTE` is completed from the server's listing,
//!   one that starts with `LOCAL` from the local disk; value enums complete their values.
//! - Arguments follow the classic client (`get REMOTE [LOCAL]`, `put LOCAL [REMOTE]`).

use std::path::PathBuf;

use clap::builder::{EnumValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cli::ModeArg;
use crate::ftp::ModePolicy;
use crate::options::mode_policy;

const ROOT_HELP: &str = "\
Commands (`help COMMAND` or `COMMAND --help` for details; Tab completes commands, options and paths):

{subcommands}";

/// One line typed at the `ftpx>` prompt.
#[derive(Debug, Parser)]
#[command(
    name = "ftpx",
    multicall = true,
    disable_help_subcommand = true,
    help_template = ROOT_HELP,
    subcommand_value_name = "COMMAND",
    subcommand_help_heading = "Commands"
)]
pub struct Line {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Connect to a server and log in: open ftp://[user[:password]@]host[:port][/dir] | HOST [PORT]
    Open {
        /// A URL, or a host name or address
        #[arg(value_name = "URL|HOST")]
        target: String,
        /// The control port (21 unless the URL names one)
        port: Option<u16>,
    },
    /// Close the connection and stay in the shell
    #[command(visible_alias = "disconnect")]
    Close,
    /// Log in again on this connection as another user; asks for a missing password with echo off
    User {
        name: String,
        /// The password (better left out: it is then asked for, and never kept in the history)
        password: Option<String>,
        /// The account, for servers that ask for one (332)
        account: Option<String>,
    },
    /// List a remote directory (LIST): the server's long format
    #[command(visible_alias = "dir")]
    Ls {
        /// Long format; accepted out of habit, as LIST always gives it
        #[arg(short = 'l')]
        long: bool,
        #[arg(value_name = "REMOTE-DIR")]
        path: Option<String>,
    },
    /// List names only (NLST)
    Nlist {
        #[arg(value_name = "REMOTE-DIR")]
        path: Option<String>,
    },
    /// List machine-readable facts (MLSD, RFC 3659)
    Mlsd {
        #[arg(value_name = "REMOTE-DIR")]
        path: Option<String>,
    },
    /// Change the remote directory
    Cd {
        #[arg(value_name = "REMOTE-DIR")]
        dir: String,
    },
    /// Go to the parent remote directory
    Cdup,
    /// Print the remote directory
    Pwd,
    /// Change the local directory (home when none is given)
    Lcd {
        #[arg(value_name = "LOCAL-DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the local directory
    Lpwd,
    /// List a local directory (runs ls)
    Lls {
        /// Arguments for ls
        #[arg(value_name = "LOCAL", trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Download a file, via LOCAL.part; `-` as LOCAL writes to the terminal
    #[command(visible_alias = "recv")]
    Get(GetArgs),
    /// Resume a download from LOCAL.part (or LOCAL) with REST
    Reget(GetArgs),
    /// Upload a file (the remote name is the local file's name unless given)
    #[command(visible_alias = "send")]
    Put(PutArgs),
    /// Resume an upload: send what the server lacks (SIZE, then APPE)
    Reput(PutArgs),
    /// Append a local file to a remote one (APPE)
    Append(PutArgs),
    /// Copy a remote directory tree into a local one (or, with -R, a local tree up), only what
    /// changed, over several sessions: the options of `ftpx mirror`
    ///
    /// Paths are relative to the current remote and local directories: `mirror [REMOTE-DIR]
    /// [LOCAL-DIR]` (the current remote directory and, locally, its name, when left out), `mirror
    /// -R LOCAL-DIR [REMOTE-DIR]`.
    Mirror {
        #[arg(value_name = "REMOTE-DIR|LOCAL-DIR")]
        source: Option<String>,
        #[arg(value_name = "LOCAL-DIR|REMOTE-DIR")]
        target: Option<String>,
        #[command(flatten)]
        flags: crate::cli::MirrorFlags,
    },
    /// Download the files matching each pattern (*, ?, [...]) into the local directory
    Mget {
        #[arg(required = true, value_name = "REMOTE-PATTERN")]
        patterns: Vec<String>,
    },
    /// Upload the local files matching each pattern
    Mput {
        #[arg(required = true, value_name = "LOCAL-PATTERN")]
        patterns: Vec<String>,
    },
    /// Toggle asking before each file of mget, mput and mdelete
    Prompt(ToggleArg),
    /// Delete a remote file
    #[command(visible_alias = "rm")]
    Delete {
        #[arg(value_name = "REMOTE")]
        path: String,
    },
    /// Delete the remote files matching each pattern
    Mdelete {
        #[arg(required = true, value_name = "REMOTE-PATTERN")]
        patterns: Vec<String>,
    },
    /// Create a remote directory (-p: and its missing parents)
    Mkdir {
        #[arg(value_name = "REMOTE-DIR")]
        dir: String,
        /// Create missing parents too, and succeed if the directory exists
        #[arg(short = 'p', long)]
        parents: bool,
    },
    /// Remove an empty remote directory
    Rmdir {
        #[arg(value_name = "REMOTE-DIR")]
        dir: String,
    },
    /// Rename or move a remote file (RNFR, RNTO)
    Rename {
        #[arg(value_name = "REMOTE")]
        from: String,
        #[arg(value_name = "REMOTE-NEW")]
        to: String,
    },
    /// Show the size of a remote file (SIZE, in binary)
    Size {
        #[arg(value_name = "REMOTE")]
        path: String,
    },
    /// Show the modification time of a remote file (MDTM, UTC)
    Modtime {
        #[arg(value_name = "REMOTE")]
        path: String,
    },
    /// Change a remote file's permissions (SITE CHMOD)
    Chmod {
        /// Octal mode, e.g. 644
        mode: String,
        #[arg(value_name = "REMOTE")]
        path: String,
    },
    /// Send a SITE command and show the reply
    Site {
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Send a raw command and show the reply
    #[command(visible_alias = "literal")]
    Quote {
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Ask the server for its status, or a file's (STAT)
    #[command(visible_alias = "rstatus")]
    Stat {
        #[arg(value_name = "REMOTE")]
        path: Option<String>,
    },
    /// Show the connection, data-connection modes, transfer type, TLS and toggles
    Status,
    /// Show the server's system type (SYST)
    System,
    /// Show the features the server offers (FEAT)
    Features,
    /// Transfer files in binary (TYPE I, the default)
    #[command(visible_alias = "image")]
    Binary,
    /// Transfer files in ASCII (TYPE A): line endings converted
    Ascii,
    /// Show or set the transfer type
    Type { kind: Option<TypeArg> },
    /// Toggle passive (EPSV, then PASV) and active (EPRT, then PORT); `auto` is passive then active
    Passive { setting: Option<PassiveArg> },
    /// Set the data-connection modes to try
    Mode {
        // The values of --mode, resolved as it is, so the command holds no clap type.
        #[arg(value_name = "MODE", value_parser = EnumValueParser::<ModeArg>::new().map(mode_policy))]
        mode: Option<ModePolicy>,
    },
    /// Toggle the extended modes (EPSV, EPRT) on IPv4
    Epsv4(ToggleArg),
    /// Toggle showing the control conversation and data-connection events (like -d)
    Debug(ToggleArg),
    /// Toggle notes that explain the transcript (like --explain; turns debug on with it)
    Explain(ToggleArg),
    /// Write a timestamped transcript to FILE, or stop with `off`
    Trace {
        #[arg(value_name = "LOCAL-FILE|off")]
        file: Option<String>,
    },
    /// Toggle a # for every block transferred (SIZE: block size, e.g. 64k; default 1k)
    Hash {
        #[arg(value_name = "on|off|SIZE")]
        setting: Option<String>,
    },
    /// Toggle progress bars
    Progress(ToggleArg),
    /// Try a transfer again up to N times after a transient failure, resuming where it stopped
    /// (as --retry; 0: never); DELAY is the first wait in seconds (default 1)
    Retry {
        #[arg(value_name = "N")]
        count: Option<u32>,
        #[arg(value_name = "DELAY")]
        delay: Option<f64>,
    },
    /// Toggle showing the server's replies
    Verbose(ToggleArg),
    /// Try EPSV, PASV, EPRT and PORT against this server at once, and explain what gets through
    ///
    /// Each mode lists the directory (the current one unless given) on a connection of its own,
    /// as `ftpx probe` does, within --timeout (5 s unless given).
    Probe {
        #[arg(value_name = "REMOTE-DIR")]
        path: Option<String>,
        /// Print one JSON object instead of the report
        #[arg(long)]
        json: bool,
    },
    /// Run a local shell command, or a shell: ! [COMMAND]
    #[command(name = "!")]
    Shell {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
    /// Show the commands, or one command's help
    #[command(visible_alias = "?")]
    Help { command: Option<String> },
    /// Close the connection and leave
    #[command(visible_aliases = ["quit", "exit"])]
    Bye,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    #[arg(value_name = "REMOTE")]
    pub remote: String,
    #[arg(value_name = "LOCAL")]
    pub local: Option<PathBuf>,
    /// Resume from LOCAL.part (or LOCAL) with REST, as reget does
    #[arg(short = 'c', long = "continue")]
    pub resume: bool,
    /// Fetch the file in N ranges at once over N sessions, as `ftpx get --segments`
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub segments: Option<u16>,
}

#[derive(Debug, Args)]
pub struct PutArgs {
    #[arg(value_name = "LOCAL")]
    pub local: PathBuf,
    #[arg(value_name = "REMOTE")]
    pub remote: Option<String>,
}

/// A toggle: flips without an argument, or is set with on/off (as in tnftp).
#[derive(Debug, Args)]
pub struct ToggleArg {
    pub setting: Option<OnOff>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

impl ToggleArg {
    /// The new value of a toggle that is now `current`.
    pub fn apply(&self, current: bool) -> bool {
        match self.setting {
            Some(OnOff::On) => true,
            Some(OnOff::Off) => false,
            None => !current,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PassiveArg {
    /// Passive: EPSV, then PASV
    On,
    /// Active: EPRT, then PORT
    Off,
    /// Passive, then active (the default)
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    Binary,
    Image,
    Ascii,
}

/// Splits a typed line into words like a POSIX shell (quotes, backslashes) and parses it;
/// `None` for a blank line or a comment. A leading `!` is its own word, so `!ls` runs `ls`.
pub fn parse(line: &str) -> Option<Result<Line, LineError>> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let words = match trimmed.strip_prefix('!') {
        Some(rest) => {
            // The rest goes to sh as it was typed: pipes and quotes are the local shell's.
            let rest = rest.trim();
            let mut words = vec!["!".to_owned()];
            if !rest.is_empty() {
                words.push(rest.to_owned());
            }
            words
        }
        None => match shlex::split(trimmed) {
            Some(words) => words,
            None => return Some(Err(LineError::Quoting)),
        },
    };
    Some(Line::try_parse_from(words).map_err(LineError::Clap))
}

#[derive(Debug)]
pub enum LineError {
    /// An unterminated quote or a trailing backslash.
    Quoting,
    /// A usage error, or `--help` (clap's error kind tells which).
    Clap(clap::Error),
}

impl Cmd {
    /// Whether the command may change what the server's directories hold or which one is
    /// current: the completion cache is dropped after it.
    pub fn changes_remote(&self) -> bool {
        matches!(
            self,
            Cmd::Open { .. }
                | Cmd::Close
                | Cmd::User { .. }
                | Cmd::Cd { .. }
                | Cmd::Cdup
                | Cmd::Put(_)
                | Cmd::Reput(_)
                | Cmd::Append(_)
                | Cmd::Mput { .. }
                | Cmd::Mirror { .. }
                | Cmd::Delete { .. }
                | Cmd::Mdelete { .. }
                | Cmd::Mkdir { .. }
                | Cmd::Rmdir { .. }
                | Cmd::Rename { .. }
                | Cmd::Chmod { .. }
                | Cmd::Site { .. }
                | Cmd::Quote { .. }
        )
    }

    /// Whether the line holds a password, and so must not go into the history.
    pub fn holds_secret(&self) -> bool {
        match self {
            Cmd::User { password, .. } => password.is_some(),
            Cmd::Open { target, .. } => {
                crate::target::Target::parse(target).is_ok_and(|t| t.password.is_some())
                    || crate::target::Target::mask(target) != *target
            }
            Cmd::Quote { args } | Cmd::Site { args } => args.first().is_some_and(|verb| {
                let verb = verb.to_ascii_uppercase();
                verb == "PASS" || verb == "ACCT" || verb == "USER" && args.len() > 2
            }),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn cmd(line: &str) -> Cmd {
        parse(line).expect("not blank").expect("parses").command
    }

    #[test]
    fn grammar_is_consistent() {
        Line::command().debug_assert();
    }

    #[test]
    fn classic_arguments_and_aliases() {
        assert!(matches!(cmd("get a.txt"), Cmd::Get(GetArgs { ref remote, local: None, .. }) if remote == "a.txt"));
        assert!(matches!(cmd("recv 'a b' c"), Cmd::Get(GetArgs { ref remote, local: Some(_), .. }) if remote == "a b"));
        assert!(matches!(cmd("send x"), Cmd::Put(_)));
        assert!(matches!(cmd("dir -l pub"), Cmd::Ls { long: true, path: Some(_) }));
        assert!(matches!(cmd("? get"), Cmd::Help { command: Some(_) }));
        assert!(matches!(cmd("quit"), Cmd::Bye));
        assert!(matches!(cmd("exit"), Cmd::Bye));
        assert!(matches!(cmd("passive auto"), Cmd::Passive { setting: Some(PassiveArg::Auto) }));
        assert!(matches!(cmd("mode eprt"), Cmd::Mode { mode: Some(ModePolicy::Only(crate::ftp::DataMode::Eprt)) }));
        assert!(matches!(cmd("mode active"), Cmd::Mode { mode: Some(ModePolicy::Active) }));
        assert!(matches!(cmd("verbose off"), Cmd::Verbose(ToggleArg { setting: Some(OnOff::Off) })));
        assert!(matches!(cmd("quote SITE CHMOD 644 -x"), Cmd::Quote { ref args } if args.len() == 4));
        assert!(matches!(cmd("mkdir -p a/b"), Cmd::Mkdir { ref dir, parents: true } if dir == "a/b"));
        assert!(matches!(cmd("mkdir a"), Cmd::Mkdir { parents: false, .. }));
    }

    #[test]
    fn bang_keeps_the_rest_of_the_line() {
        assert!(matches!(cmd("!ls -l | wc"), Cmd::Shell { ref command } if command == &["ls -l | wc"]));
        assert!(matches!(cmd("!"), Cmd::Shell { ref command } if command.is_empty()));
    }

    #[test]
    fn blank_comment_quoting_and_usage_errors() {
        assert!(parse("   ").is_none());
        assert!(parse("# note").is_none());
        assert!(matches!(parse("get 'open"), Some(Err(LineError::Quoting))));
        assert!(matches!(parse("get"), Some(Err(LineError::Clap(_)))));
        assert!(matches!(parse("frobnicate"), Some(Err(LineError::Clap(_)))));
        assert!(matches!(parse("mode sideways"), Some(Err(LineError::Clap(_)))));
    }

    #[test]
    fn lines_with_passwords_stay_out_of_the_history() {
        assert!(cmd("user bob pw").holds_secret());
        assert!(!cmd("user bob").holds_secret());
        assert!(cmd("open ftp://bob:pw@h/").holds_secret());
        assert!(!cmd("open h 2121").holds_secret());
        assert!(cmd("quote pass x").holds_secret());
        assert!(!cmd("quote SYST").holds_secret());
    }
}

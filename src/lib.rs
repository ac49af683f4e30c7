//! ftpx: an FTP client whose edge is diagnosing data connections.
//!
//! Architecture, with dependencies pointing one way (cli -> app -> shell -> (transfer, probe) -> ftp):
//! - [`cli`]: the clap definition only.
//! - [`app`]: turns raw arguments into resolved options and runs one subcommand.
//! - [`shell`]: the interactive shell (rustyline; its grammar is a clap multicall definition).
//! - [`transfer`]: downloads, uploads and listings over a data connection (`.part` files, resume,
//!   sizes, Ctrl-C).
//! - [`retry`]: which failures are worth another try, the backoff, and the loop that reconnects
//!   and resumes (around get and put).
//! - [`probe`]: `ftpx probe`, which tries the four data-connection modes at once and explains
//!   what gets through (observe -> diagnose -> render).
//! - [`ftp`]: the protocol engine. No clap, no colors, no progress bars, no printing: what it has
//!   to say (transcript lines, data-connection events, mode fallbacks) goes through
//!   [`ftp::Observer`].
//! - [`error`]: the one map from errors to exit codes and hints.

pub mod app;
pub mod cli;
pub mod error;
pub mod ftp;
pub mod interrupt;
pub mod netrc;
pub mod probe;
pub mod progress;
pub mod retry;
pub mod secret;
pub mod shell;
pub mod target;
pub mod text;
pub mod transcript;
pub mod transfer;

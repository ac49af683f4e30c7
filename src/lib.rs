//! ftpx: an FTP client whose edge is diagnosing data connections.
//!
//! Architecture, with dependencies pointing one way (cli -> app -> transfer -> ftp):
//! - [`cli`]: the clap definition only.
//! - `app`: turns raw arguments into resolved options and runs one subcommand.
//! - [`ftp`]: the protocol engine. No clap, no colors, no progress bars, no printing: what it has
//!   to say (transcript lines, data-connection events, mode fallbacks) goes through
//!   [`ftp::Observer`].

pub mod cli;
pub mod ftp;
pub mod secret;
pub mod text;

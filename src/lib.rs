//! ftpx: an FTP client whose edge is diagnosing data connections.
//!
//! Architecture, with dependencies pointing one way (front ends -> report -> ops -> options ->
//! engine; no module imports one above it):
//! - [`cli`]: the clap definition only.
//! - [`oneshot`]: the subcommands (`ftpx get URL`...): parse, call an operation, return its
//!   outcome; it also starts the shell. [`shell`]: the interactive shell (rustyline; its grammar
//!   is a clap multicall definition), the same operations on the one session it keeps.
//! - [`report`]: outcomes and errors -> the error line, hint and exit code, listings as text or
//!   JSON, the probe's report; one path for both front ends. [`error`] maps errors to exit codes
//!   and hints.
//! - [`ops`]: every operation, written once: list, get, put, the file commands, the multi-file
//!   loop, probe. They print nothing.
//! - [`options`]: clap arguments -> resolved settings (engine config, timeouts, TLS, credential
//!   sources, output style), and logging in; nothing below it sees a clap type.
//! - [`transfer`]: downloads, uploads and listings over a data connection (`.part` files, resume,
//!   sizes, Ctrl-C). [`probe`]: the probe's observe -> diagnose -> render.
//! - [`ftp`]: the protocol engine. No clap, no colors, no progress bars, no printing: what it has
//!   to say (transcript lines, data-connection events, mode fallbacks) goes through
//!   [`ftp::Observer`].
//! - Small concerns, one file each: [`glob`], [`interrupt`], [`netrc`], [`progress`], [`secret`],
//!   [`target`], [`text`], [`transcript`].

pub mod cli;
pub mod error;
pub mod ftp;
pub mod glob;
pub mod interrupt;
pub mod netrc;
pub mod oneshot;
pub mod ops;
pub mod options;
pub mod probe;
pub mod progress;
pub mod report;
pub mod secret;
pub mod shell;
pub mod target;
pub mod text;
pub mod transcript;
pub mod transfer;

//! The test cases, one module per area, and what they share.
//!
//! - `transfer`, `files`, `errors`, `data_connection`, `safety`, `tls`: the CLI contract of the
//!   one-shot commands, run against the real binary.
//! - `faults`: transfers through a broken network (resets, a lost control connection, a busy
//!   server, stalls), with and without `--retry`.
//! - `explain`: `--explain` notes under the transcript's lines.
//! - `listings`: `ls --json` over the listing formats, SYST and the NLST fallback.
//! - `mirror`, `segments`: `ftpx mirror` and `get --segments` over a session pool.
//! - `probe`: `ftpx probe` against servers that imitate firewalls, NAT and server settings.
//! - `serve`: `ftpx serve` with ftpx's own client and a raw one, and `ftpx demo`.
//! - `shell`: the interactive shell, through a pseudo-terminal and as a piped script.
//! - `parity`: the same operation through the one-shot command and the shell, compared.
//! - `hostile_*`: the hostile-server suite, each case a scripted server that misbehaves in one
//!   way; `hostile` holds what they share.

mod data_connection;
mod errors;
mod explain;
mod faults;
mod files;
mod hostile;
mod hostile_data;
mod hostile_framing;
mod hostile_integrity;
mod hostile_login;
mod hostile_names;
mod hostile_tls;
mod listings;
mod mirror;
mod parity;
mod probe;
mod safety;
mod segments;
mod serve;
mod shell;
mod tls;
mod transfer;

use std::panic::{self, AssertUnwindSafe};

use crate::support::{ServerConfig, TestServer};

/// The four data-connection modes that each name exactly one command.
pub const MODES: [&str; 4] = ["epsv", "pasv", "eprt", "port"];

pub const USER: &str = "alice";
pub const PASS: &str = "s3cret";

/// A well-behaved server (with whatever switches `config` sets) that knows alice.
pub fn server_with(config: ServerConfig) -> TestServer {
    TestServer::start(config.user(USER, PASS))
}

pub fn server() -> TestServer {
    server_with(ServerConfig::new())
}

/// `ftp://alice:s3cret@127.0.0.1:PORT/path`.
pub fn url(server: &TestServer, path: &str) -> String {
    server.url_as(USER, PASS, path)
}

/// Runs `case` once per mode in [`MODES`] and then fails naming every mode that failed, so one
/// run shows whether a bug is in one mode or in all of them.
pub fn in_each_mode(case: impl Fn(&str)) {
    let failed: Vec<&str> =
        MODES.into_iter().filter(|mode| panic::catch_unwind(AssertUnwindSafe(|| case(mode))).is_err()).collect();
    assert!(failed.is_empty(), "failed in mode(s) {failed:?}");
}

/// Asserts that the only data-connection command the server saw is the one `mode` names.
#[track_caller]
pub fn assert_used_only(server: &TestServer, mode: &str) {
    let verbs = server.verbs();
    let wanted = mode.to_ascii_uppercase();
    assert!(verbs.contains(&wanted), "mode {mode}: no {wanted} in {verbs:?}");
    for other in ["EPSV", "PASV", "EPRT", "PORT"] {
        assert!(
            other == wanted || !verbs.iter().any(|v| v == other),
            "mode {mode}: the client also sent {other}: {verbs:?}"
        );
    }
}

//! ftpx: an FTP client whose edge is diagnosing data connections.
//!
//! Architecture, with dependencies pointing one way (front ends -> report -> ops -> options ->
//! engine; no module imports one above it):
//! - [`cli`]: the clap definition only.
//! - [`oneshot`]: the subcommands (`ftpx get URL`...): parse, call an operation, return its
//!   outcome; it also starts the shell. [`shell`]: the interactive shell (rustyline; its grammar
//!   is a clap multicall definition), the same operations on the one session it keeps.
//! - [`bulk`]: the runners of the operations over a session pool (mirror, segmented get) that
//!   both front ends call with their parsed flags: the pool's logins, the reporter, the exit status.
//! - [`report`]: outcomes and errors -> the error line, hint and exit code, listings as text or
//!   JSON, the probe's report; one path for both front ends. [`error`] maps errors to exit codes
//!   and hints.
//! - [`ops`]: every operation, written once: list, get, put, the file commands, the multi-file
//!   loop, probe, mirror and segmented get over a session pool. They print nothing.
//! - [`options`]: clap arguments -> resolved settings (engine config, timeouts, TLS, credential
//!   sources, output style), and logging in; nothing below it sees a clap type.
//! - [`transfer`]: downloads, uploads and listings over a data connection (`.part` files, resume,
//!   sizes, Ctrl-C, breaks worded as breaks). [`retry`]: which failures are worth another try,
//!   the backoff, and the loop that logs in again and resumes (around get, put, every mirrored
//!   file and every segment). [`probe`]: the probe's observe -> model -> diagnose -> render,
//!   through the engine's own data-connection attempt.
//! - [`ftp`]: the protocol engine. No clap, no colors, no progress bars, no printing: what it has
//!   to say (transcript lines, data-connection events, mode fallbacks) goes through
//!   [`ftp::Observer`].
//! - [`serve`]: `ftpx serve` (an FTP/FTPS server on the engine's vocabulary) and `ftpx demo`, a
//!   front end of its own that runs the server, the probe and the operations on loopback.
//! - Small concerns, one file each: [`explain`] (the `--explain` notes), [`glob`], [`interrupt`],
//!   [`netrc`], [`progress`], [`secret`], [`target`], [`text`], [`transcript`].

pub mod bulk;
pub mod cli;
pub mod error;
pub mod explain;
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
pub mod retry;
pub mod secret;
pub mod serve;
pub mod shell;
pub mod target;
pub mod text;
pub mod transcript;
pub mod transfer;

#[cfg(test)]
mod layering {
    //! The module map above, checked against the source: no module names one above it, and clap
    //! stops at the front ends and `options`.

    use std::path::Path;

    /// `(path under src/, text)` of every source file.
    fn sources() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let name = path.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
                    out.push((name, std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out
    }

    #[test]
    fn dependencies_point_one_way() {
        const FRONT: &[&str] = &["crate::shell", "crate::oneshot"];
        let above: &[(&str, &[&str])] = &[
            ("shell/", &["crate::oneshot"]),
            ("bulk.rs", FRONT),
            (
                "cli.rs",
                &["crate::shell", "crate::oneshot", "crate::bulk", "crate::report", "crate::ops", "crate::options"],
            ),
            ("report.rs", FRONT),
            // The server and the demo sit beside the front ends and see no clap type.
            ("serve/", &["crate::shell", "crate::oneshot", "crate::cli"]),
            ("ops/", &["crate::shell", "crate::oneshot", "crate::report", "crate::cli"]),
            ("options.rs", &["crate::shell", "crate::oneshot", "crate::report", "crate::ops"]),
            (
                "transfer.rs",
                &["crate::shell", "crate::oneshot", "crate::report", "crate::ops", "crate::options", "crate::cli"],
            ),
            (
                "transfer/",
                &["crate::shell", "crate::oneshot", "crate::report", "crate::ops", "crate::options", "crate::cli"],
            ),
            (
                "probe/",
                &["crate::shell", "crate::oneshot", "crate::report", "crate::ops", "crate::options", "crate::cli"],
            ),
            (
                "ftp/",
                &[
                    "crate::shell",
                    "crate::oneshot",
                    "crate::report",
                    "crate::ops",
                    "crate::options",
                    "crate::cli",
                    "crate::transfer",
                    "crate::probe",
                    "crate::progress",
                ],
            ),
        ];
        let clap_allowed = ["cli.rs", "options.rs", "oneshot.rs", "bulk.rs", "main.rs", "shell/"];
        let mut wrong = Vec::new();
        // lib.rs only declares the modules (and holds this test's words).
        for (file, text) in sources().into_iter().filter(|(f, _)| f != "lib.rs") {
            for (prefix, banned) in above {
                if file.starts_with(prefix) {
                    wrong.extend(banned.iter().filter(|b| text.contains(*b)).map(|b| format!("{file} names {b}")));
                }
            }
            let names_clap = text.lines().any(|l| l.trim_start().starts_with("use clap") || l.contains("crate::cli::"));
            if names_clap && !clap_allowed.iter().any(|a| file.starts_with(a)) {
                wrong.push(format!("{file} names a clap type"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}

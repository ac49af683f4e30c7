//! What the hostile-server cases share: one run of ftpx against a [`ScriptServer`] in a sandbox,
//! and the checks every case makes whatever it is about.
//!
//! The sandbox is a fresh directory with `work/` (the working directory: the download target)
//! beside `outside/` (a place a name like `../outside/x` or an absolute path could reach). After
//! the run, every case checks that ftpx exited by itself (no signal, no panic message), within
//! the bound the test set, and that nothing appeared in the sandbox outside `work/`. The case
//! then asserts its exit code, its error line and the files left in `work/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::TempDir;

use crate::support::script::Script;
use crate::support::{Output, Run, ScriptServer, dir_names};

/// The client's own timeout in most cases: short, so a case that waits proves the wait ends.
pub const TIMEOUT: &str = "2";

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A greeting and an accepted login, then FEAT refused (so nothing is known about the server
/// and every mode is tried: EPSV first).
pub fn session() -> Script {
    Script::new().login().answer("FEAT", "502 Not implemented.\r\n")
}

/// [`session`] with a FEAT reply that offers `features` (each one line, e.g. `MLSD`).
pub fn session_with(features: &[&str]) -> Script {
    let lines: String = features.iter().map(|f| format!(" {f}\r\n")).collect();
    Script::new().login().answer("FEAT", format!("211-Features:\r\n{lines}211 End\r\n"))
}

/// [`session`], then what `get` asks before RETR: `TYPE I` and `SIZE` (answered with `size`).
pub fn get_prelude(size: Option<usize>) -> Script {
    let size = match size {
        Some(n) => format!("213 {n}\r\n"),
        None => "550 SIZE not allowed.\r\n".to_owned(),
    };
    session().answer("TYPE I", "200 Binary.\r\n").answer("SIZE", size)
}

/// EPSV, then `verb` answered 150, `data` on the data connection, and 226.
pub fn epsv_transfer(script: Script, verb: &str, data: &[u8]) -> Script {
    script
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer(verb, "150 Opening data connection.\r\n")
        .data_send(data)
        .data_close()
        .send("226 Transfer complete.\r\n")
}

/// A run being set up: the server is already listening.
pub struct Hostile {
    server: ScriptServer,
    sandbox: TempDir,
    /// Where the script's CA certificate goes for `--cacert`, apart from the sandbox.
    certs: TempDir,
    args: Vec<std::ffi::OsString>,
    envs: Vec<(String, String)>,
    shell: Option<String>,
    bound: Duration,
}

impl Hostile {
    pub fn new(script: Script) -> Hostile {
        let sandbox = tempfile::tempdir().expect("create the sandbox");
        std::fs::create_dir(sandbox.path().join("work")).expect("create work/");
        std::fs::create_dir(sandbox.path().join("outside")).expect("create outside/");
        Hostile {
            server: ScriptServer::start(script),
            sandbox,
            certs: tempfile::tempdir().expect("create a directory for certificates"),
            args: Vec::new(),
            envs: Vec::new(),
            shell: None,
            bound: secs(10),
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Hostile
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Appends the server's URL for `path` (`ftp://127.0.0.1:PORT/path`, no user: anonymous).
    pub fn url(self, path: &str) -> Hostile {
        let url = self.server.url(path);
        self.args([url])
    }

    /// The URL with another scheme: `ftps` (implicit TLS) or `ftpes` (explicit).
    pub fn url_scheme(self, scheme: &str, path: &str) -> Hostile {
        let url = format!("{scheme}://{}/{path}", self.server.addr());
        self.args([url])
    }

    /// The URL with a user and password in it.
    pub fn url_as(self, user: &str, password: &str, path: &str) -> Hostile {
        let url = format!("ftp://{user}:{password}@{}/{}", self.server.addr(), path);
        self.args([url])
    }

    /// `--cacert` with the certificate of the script's TLS steps: the client trusts the server.
    pub fn trust_script_cert(self) -> Hostile {
        let ca = self.certs.path().join("ca.pem");
        std::fs::write(&ca, self.server.trust_pem()).expect("write the CA certificate");
        self.args([std::ffi::OsString::from("--cacert"), ca.into_os_string()])
    }

    pub fn env(mut self, key: &str, value: &str) -> Hostile {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Runs ftpx through `sh -c SCRIPT sh FTPX ARGS...`, where the script runs ftpx as `"$@"`:
    /// for signals and resource limits. The exit code is the shell's.
    pub fn shell(mut self, script: &str) -> Hostile {
        self.shell = Some(script.to_owned());
        self
    }

    /// How long the run may take; the case fails past it (and the process is killed a little later).
    pub fn bound(mut self, bound: Duration) -> Hostile {
        self.bound = bound;
        self
    }

    /// The working directory the run will get.
    pub fn work(&self) -> PathBuf {
        self.sandbox.path().join("work")
    }

    pub fn run(self) -> Case {
        let ftpx = env!("CARGO_BIN_EXE_ftpx");
        let mut run = match &self.shell {
            Some(script) => Run::new("sh").args(["-c", script, "sh", ftpx]),
            None => Run::new(ftpx),
        };
        run = run.args(&self.args).current_dir(self.work()).timeout(self.bound + secs(10));
        for (key, value) in &self.envs {
            run = run.env(key, value);
        }
        let out = run.run();
        let case = Case { server: self.server, sandbox: self.sandbox, out };
        case.check_common(self.bound);
        case
    }
}

/// A finished run, its server and its sandbox.
pub struct Case {
    pub server: ScriptServer,
    sandbox: TempDir,
    pub out: Output,
}

impl Case {
    #[track_caller]
    fn check_common(&self, bound: Duration) {
        let out = &self.out;
        assert!(out.code.is_some(), "ftpx was ended by a signal\nstderr:\n{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "ftpx panicked:\n{}", out.stderr);
        assert!(out.elapsed < bound, "took {:?}, more than the bound {bound:?}\nstderr:\n{}", out.elapsed, out.stderr);
        let mut around = dir_names(self.sandbox.path());
        around.retain(|n| n != b"work");
        assert_eq!(around, [b"outside"], "something was written beside work/");
        assert!(dir_names(self.sandbox.path().join("outside")).is_empty(), "something was written in outside/");
    }

    #[track_caller]
    pub fn code(&self, code: i32) -> &Case {
        self.out.assert_code(code);
        self
    }

    /// Exactly one `ftpx: error:` line, and it says `fragment`.
    #[track_caller]
    pub fn error(&self, fragment: &str) -> &Case {
        self.out.assert_one_error_line();
        let line = self.out.stderr.lines().find(|l| l.starts_with("ftpx: error: ")).unwrap_or_default();
        assert!(line.contains(fragment), "the error does not say {fragment:?}:\n{}", self.out.stderr);
        self
    }

    /// stderr says `fragment` somewhere.
    #[track_caller]
    pub fn says(&self, fragment: &str) -> &Case {
        assert!(self.out.stderr.contains(fragment), "stderr does not say {fragment:?}:\n{}", self.out.stderr);
        self
    }

    /// The names in the working directory, exactly.
    #[track_caller]
    pub fn files(&self, names: &[&str]) -> &Case {
        let want: Vec<Vec<u8>> = names.iter().map(|n| n.as_bytes().to_vec()).collect();
        let got = dir_names(self.work());
        assert_eq!(
            got,
            want,
            "files left in work/: {:?}\nstderr:\n{}",
            got.iter().map(|n| String::from_utf8_lossy(n).into_owned()).collect::<Vec<_>>(),
            self.out.stderr
        );
        self
    }

    /// The contents of a file in the working directory.
    pub fn file(&self, name: impl AsRef<Path>) -> Vec<u8> {
        let path = self.work().join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    pub fn work(&self) -> PathBuf {
        self.sandbox.path().join("work")
    }

    /// The lines the client sent.
    pub fn sent(&self) -> Vec<String> {
        self.server.received_lines()
    }

    /// The verbs the client sent, in order.
    pub fn verbs(&self) -> Vec<String> {
        self.sent().iter().map(|l| l.split(' ').next().unwrap_or("").to_owned()).collect()
    }

    /// Asserts the client never sent `verb`.
    #[track_caller]
    pub fn never_sent(&self, verb: &str) -> &Case {
        assert!(!self.verbs().iter().any(|v| v == verb), "the client sent {verb}: {:?}", self.sent());
        self
    }

    /// Waits for the script to end and asserts it played every step as written.
    #[track_caller]
    pub fn script_played(&mut self) -> &Case {
        let mismatches = self.server.join();
        assert!(mismatches.is_empty(), "the script was not followed: {mismatches:?}\nstderr:\n{}", self.out.stderr);
        self
    }

    pub fn stdout(&self) -> &[u8] {
        &self.out.stdout
    }
}

/// Whether `hay` contains `needle`, as bytes.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len().max(1)).any(|w| w == needle)
}

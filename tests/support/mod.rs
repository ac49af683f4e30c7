//! Test support: running the ftpx binary in isolation, and the servers it is run against.
//!
//! - [`server`]: an in-process FTP server over a real directory, with behaviour switches that
//!   imitate real servers and failures.
//! - [`script`]: a server that plays a fixed list of steps on one connection, where exact bytes
//!   and timing matter.
//! - [`tls`]: certificates made at test time, and the rustls configurations of both servers.
//! - [`stream`]: the one plain-or-TLS stream both servers' connections are; [`active`]: the one
//!   PORT/EPRT parser both servers read active-mode commands with.
//! - `selftest`: the tests of all this, apart from the product's tests in `cases`.
//! - This file: [`ftpx`] (and [`Run`] for any other program) with a cleared environment, a fresh
//!   HOME, optional stdin and a hard timeout; and deterministic random file contents.

pub mod active;
pub mod script;
mod selftest;
pub mod server;
pub mod stream;
pub mod tls;

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub use script::{Script, ScriptServer};
pub use server::{DataHandshake, Fault, LateAbort, MlsdLinks, ServerConfig, TestServer};
pub use tls::Cert;

/// How long a run may take unless the test says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The ftpx binary built for this test run.
pub fn ftpx() -> Run {
    Run::new(env!("CARGO_BIN_EXE_ftpx"))
}

/// One run of a program in an isolated environment: only PATH is kept, HOME is a fresh empty
/// directory (so no `~/.netrc` or config leaks in), `NO_COLOR=1`, and the working directory is a
/// fresh empty directory unless [`Run::current_dir`] says otherwise.
pub struct Run {
    program: OsString,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    cwd: Option<PathBuf>,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
    scratch: TempDir,
}

/// What a finished run left behind.
#[derive(Debug)]
pub struct Output {
    /// The exit code; `None` if a signal ended the process.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn new(program: impl AsRef<OsStr>) -> Run {
        let scratch = tempfile::tempdir().expect("create a scratch directory");
        std::fs::create_dir(scratch.path().join("home")).expect("create HOME");
        std::fs::create_dir(scratch.path().join("work")).expect("create the working directory");
        Run {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            envs: Vec::new(),
            cwd: None,
            stdin: None,
            timeout: DEFAULT_TIMEOUT,
            scratch,
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Run {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Adds one variable to the otherwise cleared environment.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Run {
        self.envs.push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Run {
        self.cwd = Some(dir.into());
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Run {
        self.stdin = Some(bytes.into());
        self
    }

    /// The hard bound: past it the process is killed and the test fails.
    pub fn timeout(mut self, bound: Duration) -> Run {
        self.timeout = bound;
        self
    }

    /// The HOME the process gets.
    pub fn home(&self) -> PathBuf {
        self.scratch.path().join("home")
    }

    /// The working directory the process gets.
    pub fn work_dir(&self) -> PathBuf {
        self.cwd.clone().unwrap_or_else(|| self.scratch.path().join("work"))
    }

    /// Runs to completion; panics (failing the test) if it cannot start or overruns its timeout.
    pub fn run(self) -> Output {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .env_clear()
            .env("HOME", self.home())
            .env("NO_COLOR", "1")
            .current_dir(self.work_dir())
            .stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command.envs(self.envs.iter().map(|(k, v)| (k, v)));
        let started = Instant::now();
        let mut child =
            command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", self.program.to_string_lossy()));
        // Feed stdin and drain both pipes on their own threads, so a child that fills one pipe
        // while we wait on another cannot deadlock the test.
        let feeder = child.stdin.take().map(|mut pipe| {
            let bytes = self.stdin.clone().unwrap_or_default();
            thread::spawn(move || {
                // The child may exit without reading everything: not our error.
                let _ = pipe.write_all(&bytes);
            })
        });
        let stdout = drain(child.stdout.take().expect("stdout pipe"));
        let stderr = drain(child.stderr.take().expect("stderr pipe"));
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll the child") {
                break status;
            }
            if started.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
                panic!(
                    "{} {:?} timed out after {:?} and was killed; stderr so far:\n{stderr}",
                    self.program.to_string_lossy(),
                    self.args,
                    self.timeout
                );
            }
            thread::sleep(Duration::from_millis(10));
        };
        let elapsed = started.elapsed();
        if let Some(feeder) = feeder {
            let _ = feeder.join();
        }
        Output {
            code: status.code(),
            stdout: stdout.join().unwrap_or_default(),
            stderr: String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned(),
            elapsed,
        }
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

impl Output {
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Panics with the whole output unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Output {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout_str(),
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Output {
        self.assert_code(0)
    }

    /// Panics unless stderr holds exactly one line of the form `ftpx: error: ...`.
    #[track_caller]
    pub fn assert_one_error_line(&self) -> &Output {
        let errors: Vec<&str> = self.stderr.lines().filter(|line| line.starts_with("ftpx: error: ")).collect();
        assert_eq!(errors.len(), 1, "expected one `ftpx: error:` line on stderr, got:\n{}", self.stderr);
        self
    }
}

/// `len` pseudo-random bytes; the same `seed` gives the same bytes, so failures reproduce.
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    // SplitMix64: tiny, and good enough to make every offset of a test file distinct.
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Writes `len` random bytes (see [`random_bytes`]) to `path` and returns them.
pub fn write_random(path: impl AsRef<Path>, len: usize, seed: u64) -> Vec<u8> {
    let bytes = random_bytes(len, seed);
    std::fs::write(path.as_ref(), &bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.as_ref().display()));
    bytes
}

/// The names in a directory, sorted, as raw bytes.
pub fn dir_names(dir: impl AsRef<Path>) -> Vec<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let mut names: Vec<Vec<u8>> = std::fs::read_dir(dir.as_ref())
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.as_ref().display()))
        .map(|entry| entry.expect("directory entry").file_name().as_bytes().to_vec())
        .collect();
    names.sort();
    names
}

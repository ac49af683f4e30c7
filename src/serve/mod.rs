//! `ftpx serve`: an FTP and FTPS server over one directory, on tokio, speaking the engine's
//! vocabulary (`ftp::reply::LineFramer` reads its command lines, `ftp::format` writes its
//! listings and passive replies, `ftp::echo` its diagnostic reply, `ftp::Stream` carries its
//! connections).
//!
//! - [`fs`]: FTP paths to local paths that stay inside the served directory.
//! - [`tls`]: the certificate, and a TLS configuration per session so data connections must
//!   resume the control connection's session.
//! - [`session`]: one control connection, its commands and data connections.
//! - [`launch`] and [`demo`]: the `serve` and `demo` subcommands (the front end: arguments in,
//!   text out).
//!
//! What it guards against: paths out of the root (`..`, absolute paths, symbolic links), FTP
//! bounce (RFC 2577: PORT/EPRT may only name the client's own address), data-connection theft
//! (a passive data connection must come from the control connection's address; under TLS it
//! must resume its session), command injection after `AUTH TLS` (bytes sent before the
//! handshake are dropped), and resource exhaustion (a cap on sessions and on line length, idle
//! and transfer timeouts). Each session is its own task: one that fails or panics ends alone.

pub mod demo;
pub mod fs;
pub mod launch;
mod session;
pub mod tls;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::secret::Secret;

/// The one login `--login NAME` allows.
#[derive(Debug, Clone)]
pub struct Login {
    pub name: String,
    pub password: Secret,
}

/// Bounds on what a client can make the server hold or wait for.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Sessions at once; one more is told `421` and closed.
    pub max_sessions: usize,
    /// Longest command line, CRLF included (RFC 959 sets no limit; real commands are short).
    pub max_line: usize,
    /// A control connection with no command for this long is closed.
    pub idle: Duration,
    /// The same before login: a connection that never logs in holds a session slot only
    /// briefly.
    pub login_idle: Duration,
    /// A data connection with no byte moving for this long is aborted.
    pub transfer_idle: Duration,
    /// Bounds each data connect and accept, and each TLS handshake.
    pub connect: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sessions: 32,
            max_line: 4096,
            idle: Duration::from_secs(300),
            login_idle: Duration::from_secs(30),
            transfer_idle: Duration::from_secs(60),
            connect: Duration::from_secs(20),
        }
    }
}

/// Where the server's log lines go.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Everything the server needs, resolved.
pub struct Options {
    pub root: PathBuf,
    /// FTP, and explicit FTPS after `AUTH TLS`.
    pub listen: SocketAddr,
    /// Implicit FTPS (`ftps://`): TLS from the first byte, on a listener of its own as vsftpd's
    /// `implicit_ssl` and FileZilla Server's port 990 have it. `None`: no implicit FTPS.
    pub implicit_listen: Option<SocketAddr>,
    pub write: bool,
    /// `None`: anonymous (`anonymous` or `ftp`, any password).
    pub login: Option<Login>,
    pub pasv_ports: Option<RangeInclusive<u16>>,
    /// The address PASV advertises instead of the one the client reached (a server behind NAT).
    pub public_address: Option<IpAddr>,
    pub identity: tls::Identity,
    pub limits: Limits,
    /// One line per session event (connect, login, transfer, refusal), for the operator.
    pub log: Option<Log>,
}

/// What the sessions share.
struct Shared {
    options: Options,
    jail: fs::Jail,
    /// Where the next passive port search starts, so consecutive sessions spread over the range.
    next_port: AtomicUsize,
}

impl Shared {
    fn log(&self, line: &str) {
        if let Some(log) = &self.options.log {
            log(line);
        }
    }
}

/// A running server; dropping it stops it and every session.
pub struct Server {
    addr: SocketAddr,
    implicit_addr: Option<SocketAddr>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Binds the listening sockets and starts accepting; an error names the address it could
    /// not listen on.
    pub async fn start(options: Options) -> io::Result<Server> {
        let jail = fs::Jail::new(&options.root)?;
        let listener = bind(options.listen, "").await?;
        let addr = listener.local_addr()?;
        let implicit = match options.implicit_listen {
            Some(at) => Some(bind(at, " (implicit FTPS)").await?),
            None => None,
        };
        let implicit_addr = implicit.as_ref().map(TcpListener::local_addr).transpose()?;
        let shared = Arc::new(Shared { options, jail, next_port: AtomicUsize::new(0) });
        let task = tokio::spawn(accept_loop(listener, implicit, shared));
        Ok(Server { addr, implicit_addr, task })
    }

    /// Where FTP and explicit FTPS are served.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where implicit FTPS is served, if it is.
    pub fn implicit_addr(&self) -> Option<SocketAddr> {
        self.implicit_addr
    }

    /// Runs until the task ends (it does not, unless aborted).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn bind(at: SocketAddr, what: &str) -> io::Result<TcpListener> {
    TcpListener::bind(at).await.map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {at}{what}: {e}")))
}

/// Accepts on both listeners; the session cap counts the sessions of both.
async fn accept_loop(plain: TcpListener, implicit: Option<TcpListener>, shared: Arc<Shared>) {
    let max = shared.options.limits.max_sessions;
    let permits = Arc::new(Semaphore::new(max));
    // Dropping the set (when this task is aborted) aborts every session.
    let mut sessions = JoinSet::new();
    loop {
        let (accepted, implicit_tls) = tokio::select! {
            accepted = plain.accept() => (accepted, false),
            accepted = accept_if_any(implicit.as_ref()) => (accepted, true),
            // Reap finished sessions; a panic in one is only that session's end.
            Some(_) = sessions.join_next(), if !sessions.is_empty() => continue,
        };
        match accepted {
            Ok((tcp, peer)) => match permits.clone().try_acquire_owned() {
                Ok(permit) => {
                    let shared = shared.clone();
                    sessions.spawn(async move {
                        session::run(shared, tcp, peer, implicit_tls).await;
                        drop(permit);
                    });
                }
                Err(_) => {
                    shared.log(&format!("{peer}: refused, {max} sessions already"));
                    sessions.spawn(session::refuse(tcp, max));
                }
            },
            // Out of file descriptors or a connection reset before accept: wait a little
            // rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The next connection on `listener`; with none, never.
async fn accept_if_any(listener: Option<&TcpListener>) -> io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

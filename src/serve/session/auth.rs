//! Who the client is and how its control connection is protected: USER and PASS (one login,
//! or anonymous), and TLS on the control connection (`AUTH TLS`, RFC 4217 §4, or implicit).

use std::io;
use std::time::Duration;

use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use super::{Flow, Result, Session};
use crate::ftp::Stream;
use crate::ftp::reply::LineFramer;

/// Wrong passwords before the session is closed.
const MAX_LOGIN_FAILURES: u32 = 3;

impl Session {
    pub(super) async fn user(&mut self, name: Vec<u8>) -> Result<()> {
        let name = String::from_utf8_lossy(&name).into_owned();
        self.logged_in = None;
        let anonymous = self.shared.options.login.is_none() && is_anonymous(&name);
        self.user = Some(name);
        let text = if anonymous { "Anonymous login: any password will do" } else { "Password required" };
        self.reply(331, text).await
    }

    pub(super) async fn pass(&mut self, password: Vec<u8>) -> Result<Flow> {
        let Some(name) = self.user.take() else {
            self.reply(503, "USER first").await?;
            return Ok(Flow::Continue);
        };
        let ok = match &self.shared.options.login {
            None => is_anonymous(&name),
            Some(login) => login.name == name && same(login.password.expose().as_bytes(), &password),
        };
        if ok {
            self.logged_in = Some(name);
            self.log("logged in");
            let access = if self.writable() { "read-write" } else { "read-only" };
            self.reply(230, &format!("Logged in ({access})")).await?;
            return Ok(Flow::Continue);
        }
        self.failures += 1;
        self.log("login refused");
        // A pause makes guessing slow.
        tokio::time::sleep(Duration::from_millis(500)).await;
        if self.failures >= MAX_LOGIN_FAILURES {
            self.reply(421, "Login incorrect; too many attempts, closing").await?;
            return Ok(Flow::Quit);
        }
        self.reply(530, "Login incorrect").await?;
        Ok(Flow::Continue)
    }

    pub(super) async fn auth(&mut self, arg: &[u8]) -> Result<()> {
        if self.tls.is_some() {
            return self.reply(503, "Already in TLS").await;
        }
        if !(arg.eq_ignore_ascii_case(b"TLS") || arg.eq_ignore_ascii_case(b"SSL") || arg.eq_ignore_ascii_case(b"TLS-C"))
        {
            return self.reply(504, "AUTH TLS only").await;
        }
        self.reply(234, "Proceed with TLS negotiation").await?;
        self.start_tls().await
    }

    pub(super) async fn start_tls(&mut self) -> Result<()> {
        let config =
            self.shared.options.identity.session_config().map_err(|e| io::Error::other(format!("TLS setup: {e}")))?;
        let Stream::Tcp(tcp) = std::mem::replace(&mut self.ctrl, Stream::Detached) else {
            return Err(io::Error::other("the control connection is already in TLS"));
        };
        let acceptor = TlsAcceptor::from(config.control.clone());
        match timeout(self.limits().connect, acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => {
                self.ctrl = Stream::Tls(Box::new(tls.into()));
                self.tls = Some(config);
                // Bytes sent before the handshake were in the clear and may not be the client's
                // (the STARTTLS injection of CVE-2011-0411): never run them.
                self.framer = LineFramer::with_max_line(self.limits().max_line);
                self.queued.clear();
                Ok(())
            }
            Ok(Err(e)) => Err(io::Error::other(format!("TLS handshake: {e}"))),
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out")),
        }
    }
}

fn is_anonymous(name: &str) -> bool {
    name.eq_ignore_ascii_case("anonymous") || name.eq_ignore_ascii_case("ftp")
}

/// Equal bytes, in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

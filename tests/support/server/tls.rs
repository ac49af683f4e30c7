//! FTPS for the test server (RFC 4217): the byte stream under a control or data connection, plain
//! or TLS, and the TLS state every session of one server shares.
//!
//! The server is the TLS server on every connection, the data connections it makes itself in
//! active mode included (RFC 4217: the FTP client is the TLS client on every connection). Whether a
//! data connection's handshake resumed a session is what `require_session_reuse` judges, and, as
//! with OpenSSL's `SSL_session_reused` in vsftpd, a resumption of any session of this server
//! counts, not only the control connection's.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::{HandshakeKind, ProtocolVersion};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::ServerConfig;
use crate::support::tls::{Identity, Resumption, server_config};

/// How long a TLS handshake may take, on the control or a data connection.
pub(super) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// One data connection's TLS handshake, as the server saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataHandshake {
    pub version: ProtocolVersion,
    /// The handshake resumed a session of this server (an abbreviated handshake).
    pub resumed: bool,
}

/// The TLS side of one server: acceptors for control and data connections, and what the data
/// handshakes were.
pub(super) struct ServerTls {
    pub(super) control: TlsAcceptor,
    /// The same configuration as `control`, unless data connections must never resume.
    pub(super) data: TlsAcceptor,
    /// Shares no session store or ticket keys with `control`: nothing it accepts resumes.
    pub(super) fresh: TlsAcceptor,
    pub(super) trust_pem: String,
    pub(super) handshakes: Arc<Mutex<Vec<DataHandshake>>>,
}

impl ServerTls {
    pub(super) fn new(config: &ServerConfig) -> ServerTls {
        let identity = Identity::new(config.certificate);
        let control = server_config(&identity, &config.tls_versions, Resumption::On);
        // Without the control connection's session store and ticket keys: no data handshake
        // can be an abbreviated one, whatever the client offers.
        let fresh = server_config(&identity, &config.tls_versions, Resumption::Off);
        let data = if config.data_never_resumes { fresh.clone() } else { control.clone() };
        ServerTls {
            control: TlsAcceptor::from(control),
            data: TlsAcceptor::from(data),
            fresh: TlsAcceptor::from(fresh),
            trust_pem: identity.trust_pem,
            handshakes: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Records a data connection's handshake and says whether it resumed.
    pub(super) fn record(&self, stream: &TlsStream<TcpStream>) -> bool {
        let (_, connection) = stream.get_ref();
        let resumed = connection.handshake_kind() == Some(HandshakeKind::Resumed);
        let version = connection.protocol_version().unwrap_or(ProtocolVersion::Unknown(0));
        self.handshakes.lock().unwrap().push(DataHandshake { version, resumed });
        resumed
    }
}

/// A control or data connection's bytes: TCP, or TLS over TCP.
pub(super) enum Conn {
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    /// Only while the control connection is being handed to the TLS handshake.
    Detached,
}

impl Conn {
    fn detached() -> io::Error {
        io::Error::new(io::ErrorKind::NotConnected, "the connection is being upgraded to TLS")
    }
}

impl AsyncRead for Conn {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Conn::Detached => Poll::Ready(Err(Conn::detached())),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Conn::Detached => Poll::Ready(Err(Conn::detached())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Conn::Detached => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Conn::Detached => Poll::Ready(Ok(())),
        }
    }
}

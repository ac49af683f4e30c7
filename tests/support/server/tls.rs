//! FTPS for the test server (RFC 4217): the TLS state every session of one server shares.
//!
//! The server is the TLS server on every connection, the data connections it makes itself in
//! active mode included (RFC 4217: the FTP client is the TLS client on every connection). Whether a
//! data connection's handshake resumed a session is what `require_session_reuse` judges, and, as
//! with OpenSSL's `SSL_session_reused` in vsftpd, a resumption of any session of this server
//! counts, not only the control connection's.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::{HandshakeKind, ProtocolVersion};
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
pub(super) type Conn = crate::support::stream::AsyncStream;

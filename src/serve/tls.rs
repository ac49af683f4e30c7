//! The server's TLS: its certificate (given with `--cert`/`--key`, or made at start and shown by
//! its SHA-256 fingerprint), and a rustls configuration per session so data connections can be
//! held to the control connection's session.
//!
//! RFC 4217 §10.2 asks a server to make sure a data connection belongs to the client of the
//! control connection; vsftpd's `require_ssl_reuse` does it by demanding that the data
//! connection's handshake resume the control connection's TLS session. Here each session gets
//! its own session cache and ticket key ([`Identity::session_config`]): a data handshake that
//! resumes at all resumed this session, since no other session's tickets can be read.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::ServerSessionMemoryCache;

/// The certificate chain and key the server presents.
pub struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    /// Made at start rather than given.
    pub generated: bool,
    /// The generated certificate in PEM, for clients to trust (`--cacert`); `None` when given.
    pub pem: Option<String>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("generated", &self.generated).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot read the certificate file {path}: {source}")]
    Cert { path: String, source: rustls::pki_types::pem::Error },
    #[error("no certificate in {0}")]
    NoCert(String),
    #[error("cannot read the key file {path}: {source}")]
    Key { path: String, source: rustls::pki_types::pem::Error },
    #[error("cannot make a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("the certificate and key cannot be used: {0}")]
    Rustls(#[from] rustls::Error),
}

impl Identity {
    /// The PEM certificate chain and private key from these files.
    pub fn load(cert: &Path, key: &Path) -> Result<Identity, IdentityError> {
        let shown = cert.display().to_string();
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|source| IdentityError::Cert { path: shown.clone(), source })?;
        if chain.is_empty() {
            return Err(IdentityError::NoCert(shown));
        }
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|source| IdentityError::Key { path: key.display().to_string(), source })?;
        let identity = Identity { chain, key, generated: false, pem: None };
        identity.base_config()?;
        Ok(identity)
    }

    /// A self-signed certificate for `names` (host names or IP addresses).
    pub fn generate(names: &[String]) -> Result<Identity, IdentityError> {
        let key = rcgen::KeyPair::generate()?;
        let mut params = rcgen::CertificateParams::new(names.to_vec())?;
        params.distinguished_name.push(rcgen::DnType::CommonName, "ftpx serve");
        let cert = params.self_signed(&key)?;
        Ok(Identity {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            generated: true,
            pem: Some(cert.pem()),
        })
    }

    /// SHA-256 of the end-entity certificate, as `AB:CD:...` (what browsers and `openssl x509
    /// -fingerprint -sha256` show).
    pub fn fingerprint(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, self.chain[0].as_ref());
        digest.as_ref().iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
    }

    fn base_config(&self) -> Result<ServerConfig, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
    }

    /// The configurations for one control connection and its data connections: one session
    /// cache (TLS 1.2 session IDs) and one ticket key (TLS 1.2 and 1.3 tickets) for all of them.
    pub fn session_config(&self) -> Result<SessionTls, rustls::Error> {
        let mut control = self.base_config()?;
        control.session_storage = ServerSessionMemoryCache::new(64);
        control.ticketer = rustls::crypto::ring::Ticketer::new()?;
        // A TLS 1.3 ticket resumes one data connection (clients use each once), and upload
        // connections bring no new ones (below): eight, the most rustls clients keep, carry
        // eight uploads in a row; each download brings two more.
        control.send_tls13_tickets = 8;
        let mut download = control.clone();
        download.send_tls13_tickets = 2;
        // No ticket on an upload's data connection: a client that only writes (curl) never
        // reads it, and closing a socket with unread data sends a reset that destroys the end
        // of the upload in flight.
        let mut upload = control.clone();
        upload.send_tls13_tickets = 0;
        Ok(SessionTls { control: Arc::new(control), download: Arc::new(download), upload: Arc::new(upload) })
    }
}

/// One session's TLS configurations; they share the session cache and ticket key, so a data
/// connection can resume only this control connection's session.
#[derive(Clone)]
pub struct SessionTls {
    pub control: Arc<ServerConfig>,
    pub download: Arc<ServerConfig>,
    pub upload: Arc<ServerConfig>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identity_has_a_fingerprint() {
        let id = Identity::generate(&["localhost".into(), "127.0.0.1".into()]).unwrap();
        let fp = id.fingerprint();
        assert_eq!(fp.len(), 32 * 3 - 1, "{fp}");
        assert!(id.session_config().is_ok());
    }

    #[test]
    fn given_files_load_and_bad_ones_say_which() {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap().self_signed(&key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (cert_file, key_file) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
        std::fs::write(&cert_file, cert.pem()).unwrap();
        std::fs::write(&key_file, key.serialize_pem()).unwrap();
        let id = Identity::load(&cert_file, &key_file).unwrap();
        assert!(!id.generated);
        std::fs::write(&key_file, "not a key").unwrap();
        assert!(matches!(Identity::load(&cert_file, &key_file), Err(IdentityError::Key { .. })));
        assert!(matches!(Identity::load(&key_file, &cert_file), Err(IdentityError::NoCert(_))));
    }
}

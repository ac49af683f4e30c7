//! FTPS (RFC 4217): one rustls `ClientConfig` per session, shared by the control connection and
//! every data connection, so each data connection resumes the control connection's TLS session.
//!
//! Servers demand that resumption: vsftpd's `require_ssl_reuse=YES` (its default with TLS),
//! ProFTPD and FileZilla Server refuse a data connection whose session is new. TLS 1.2 sessions
//! stay in the store and can be resumed any number of times; TLS 1.3 tickets are single-use, so
//! the engine reads every data connection to its end (uploads included, after close_notify) to
//! take in the fresh tickets the server sends on each resumed connection: the store never runs
//! dry however many transfers a session makes.
//!
//! Certificate failures are explained with the certificate itself: the verifier records the last
//! end-entity certificate it saw, and [`explain`] turns a rustls error into subject, issuer,
//! validity and names.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// How a session uses TLS.
#[derive(Clone)]
pub struct TlsSetup {
    pub config: Arc<TlsConfig>,
    /// `ftps://`: TLS from the first byte (port 990). Otherwise explicit: `AUTH TLS` after the greeting.
    pub implicit: bool,
    /// PROT P (the default): data connections in TLS too. PROT C leaves them in the clear.
    pub protect_data: bool,
}

impl std::fmt::Debug for TlsSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSetup").field("implicit", &self.implicit).field("protect_data", &self.protect_data).finish()
    }
}

/// The options a user chooses.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// `--cacert FILE`: PEM certificates trusted in addition to the system's.
    pub ca_file: Option<std::path::PathBuf>,
    /// `--insecure`: no certificate verification.
    pub insecure: bool,
    /// `--tls-max 1.2`: for servers whose TLS 1.3 resumption is broken.
    pub max_tls12: bool,
}

pub struct TlsConfig {
    client: Arc<ClientConfig>,
    connector: TlsConnector,
    verifier: Arc<RecordingVerifier>,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsConfigError {
    #[error("cannot read CA file {path}")]
    CaFile { path: String, source: rustls::pki_types::pem::Error },
    #[error("no certificate in CA file {0}")]
    EmptyCaFile(String),
    #[error("TLS setup")]
    Rustls(#[from] rustls::Error),
}

impl TlsConfig {
    pub fn new(options: &TlsOptions) -> Result<TlsConfig, TlsConfigError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        let mut pinned = Vec::new();
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if roots.is_empty() {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        if let Some(path) = &options.ca_file {
            let shown = path.display().to_string();
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|source| TlsConfigError::CaFile { path: shown.clone(), source })?;
            if certs.is_empty() {
                return Err(TlsConfigError::EmptyCaFile(shown));
            }
            // A self-signed server certificate given with --cacert is trusted as itself: webpki
            // would refuse it as "a CA used as an end entity", where curl users expect it to work.
            pinned.extend(certs.iter().cloned());
            roots.add_parsable_certificates(certs);
        }
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| rustls::Error::General(e.to_string()))?;
        let verifier =
            Arc::new(RecordingVerifier { inner: webpki, insecure: options.insecure, pinned, last: Mutex::default() });
        let versions: &[&rustls::SupportedProtocolVersion] = if options.max_tls12 {
            &[&rustls::version::TLS12]
        } else {
            &[&rustls::version::TLS13, &rustls::version::TLS12]
        };
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        config.resumption = fresh_store();
        let client = Arc::new(config);
        Ok(TlsConfig { connector: TlsConnector::from(client.clone()), client, verifier })
    }

    /// The same configuration with a session store of its own, for one control connection and
    /// its data connections. Servers want a data connection to resume *this* control
    /// connection's session: with a store shared across logins, a new control connection could
    /// resume an old one, or a data connection use a ticket from an earlier login, and ProFTPD
    /// refuses that ("425 Unable to build data connection").
    pub fn for_session(&self) -> TlsConfig {
        let mut config = (*self.client).clone();
        config.resumption = fresh_store();
        let client = Arc::new(config);
        TlsConfig { connector: TlsConnector::from(client.clone()), client, verifier: self.verifier.clone() }
    }

    /// Handshakes as the TLS client on `tcp` (control or data: RFC 4217 makes the client the TLS
    /// client on every connection, active ones included), under `after`.
    pub async fn connect(
        &self,
        server_name: &ServerName<'static>,
        tcp: TcpStream,
        after: Duration,
    ) -> Result<TlsStream<TcpStream>, String> {
        match tokio::time::timeout(after, self.connector.connect(server_name.clone(), tcp)).await {
            Err(_) => Err(format!("TLS handshake timed out after {}s", after.as_secs_f64())),
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => Err(self.explain(&e, server_name)),
        }
    }

    /// A handshake error, with the certificate's details when the certificate was the problem.
    fn explain(&self, err: &std::io::Error, server_name: &ServerName<'_>) -> String {
        let Some(rustls::Error::InvalidCertificate(cert_err)) =
            err.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>())
        else {
            return format!("TLS handshake failed: {err}");
        };
        let host = server_name.to_str();
        let what = match cert_err {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "the certificate has expired".to_owned()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "the certificate is not valid yet".to_owned()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("the certificate is not valid for '{host}'")
            }
            CertificateError::UnknownIssuer => format!("{UNTRUSTED_ISSUER} (self-signed, or signed by a private CA)"),
            CertificateError::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
                format!("{UNTRUSTED_ISSUER}: it is a self-signed CA certificate")
            }
            other => format!("the certificate was rejected: {other:?}"),
        };
        let details = self.verifier.last.lock().ok().and_then(|c| c.as_ref().map(|c| describe(c.as_ref())));
        match details {
            Some(d) => format!("{what}; {d}"),
            None => what,
        }
    }
}

/// How a handshake error about an untrusted certificate begins ([`super::Error::is_untrusted_certificate`]).
const UNTRUSTED_ISSUER: &str = "the certificate's issuer is not trusted";

/// Whether a handshake error's text says the certificate's issuer is not trusted.
pub(crate) fn is_untrusted_issuer(text: &str) -> bool {
    text.starts_with(UNTRUSTED_ISSUER)
}

/// TLS 1.2 sessions and up to 8 TLS 1.3 tickets per server name (rustls's in-memory store).
fn fresh_store() -> rustls::client::Resumption {
    rustls::client::Resumption::in_memory_sessions(64)
}

/// Subject, issuer, validity and names of a DER certificate, for error messages.
pub fn describe(der: &[u8]) -> String {
    use x509_parser::prelude::*;
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return "the certificate could not be parsed".to_owned();
    };
    let validity = cert.validity();
    let mut out = format!(
        "subject: {}; issuer: {}; valid from {} to {}",
        cert.subject(),
        cert.issuer(),
        validity.not_before.to_rfc2822().unwrap_or_else(|_| validity.not_before.to_string()),
        validity.not_after.to_rfc2822().unwrap_or_else(|_| validity.not_after.to_string()),
    );
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        let names: Vec<String> = san
            .value
            .general_names
            .iter()
            .map(|n| match n {
                GeneralName::DNSName(d) => (*d).to_owned(),
                GeneralName::IPAddress(ip) => match ip.len() {
                    4 => std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*ip).unwrap_or_default()).to_string(),
                    16 => std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*ip).unwrap_or_default()).to_string(),
                    _ => format!("{ip:?}"),
                },
                other => other.to_string(),
            })
            .collect();
        out.push_str(&format!("; names: {}", names.join(", ")));
    }
    out
}

/// Summary of a finished handshake, for the transcript: version, cipher suite, resumed or not.
pub fn summary(conn: &rustls::CommonState) -> (String, bool) {
    let version = conn.protocol_version().map(|v| format!("{v:?}")).unwrap_or_default();
    let suite = conn.negotiated_cipher_suite().map(|s| format!("{:?}", s.suite())).unwrap_or_default();
    let resumed = conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
    (format!("{version}, {suite}"), resumed)
}

/// The web PKI verifier, remembering the certificate it was shown (for explanations), or with
/// `--insecure` accepting any certificate while still checking the handshake signatures.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    insecure: bool,
    /// Certificates from --cacert, trusted when the server presents exactly one of them.
    pinned: Vec<CertificateDer<'static>>,
    last: Mutex<Option<CertificateDer<'static>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(end_entity.clone().into_owned());
        }
        if self.insecure || self.pinned.iter().any(|p| p.as_ref() == end_entity.as_ref()) {
            return Ok(ServerCertVerified::assertion());
        }
        self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The name the certificate must carry: the host the user named (never a PASV address).
pub fn server_name(host: &str) -> Result<ServerName<'static>, String> {
    ServerName::try_from(host.to_owned()).map_err(|e| format!("'{host}' cannot be a TLS server name: {e}"))
}

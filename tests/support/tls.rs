//! Certificates made at test time with rcgen, and the rustls server configurations the test
//! servers use them in.
//!
//! Each TLS server gets its own test CA and a server certificate signed by it for `localhost` and
//! `127.0.0.1`, or on request a bad certificate. The CA is in no trust store: a client trusts it
//! only through `--cacert`, so "unknown issuer" is what a client without it must say. Nothing here
//! touches the network or the system's trust store.
//!
//! The rustls configurations always use the ring provider explicitly (`builder_with_provider`):
//! the crate compiles in only that one, and `ServerConfig::builder()` would panic if a second one
//! ever came in through a dependency.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::SupportedProtocolVersion;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{NoServerSessionStorage, ServerSessionMemoryCache};

/// The common name of every server certificate, so a test can look for it in an error message
/// (`CN=ftpx test server`).
pub const SERVER_SUBJECT: &str = "ftpx test server";

/// The common name of every test CA.
pub const CA_SUBJECT: &str = "ftpx test CA";

/// The names a good server certificate is valid for.
const NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

/// Which certificate a server presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cert {
    /// Signed by the server's test CA, valid now, for `localhost` and `127.0.0.1`.
    Good,
    /// Signed by the test CA, right names, but it expired in 2001.
    Expired,
    /// Signed by the test CA, valid now, but only for `ftp.example.invalid`.
    WrongName,
    /// Self-signed, as `openssl req -x509` makes them (CA:TRUE), for the right names: trusted by
    /// no one unless given itself with `--cacert`.
    SelfSigned,
}

/// A server certificate chain with its key, and the PEM a client needs to trust it.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    /// The test CA's certificate, or for [`Cert::SelfSigned`] the certificate itself.
    pub trust_pem: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("chain", &self.chain.len()).finish_non_exhaustive()
    }
}

fn server_params(names: &[&str]) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("valid certificate names");
    params.distinguished_name.push(DnType::CommonName, SERVER_SUBJECT);
    params.distinguished_name.push(DnType::OrganizationName, "ftpx tests");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params
}

fn key_der(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}

impl Identity {
    /// Makes a fresh CA (for every kind but `SelfSigned`) and a server certificate of `kind`.
    pub fn new(kind: Cert) -> Identity {
        let server_key = KeyPair::generate().expect("generate the server key");
        if kind == Cert::SelfSigned {
            let mut params = server_params(&NAMES);
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            let cert = params.self_signed(&server_key).expect("self-sign the server certificate");
            return Identity { trust_pem: cert.pem(), chain: vec![cert.der().clone()], key: key_der(&server_key) };
        }
        let ca_key = KeyPair::generate().expect("generate the CA key");
        let mut ca_params = CertificateParams::default();
        ca_params.distinguished_name = rcgen::DistinguishedName::new();
        ca_params.distinguished_name.push(DnType::CommonName, CA_SUBJECT);
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign the test CA");
        let mut params = match kind {
            Cert::WrongName => server_params(&["ftp.example.invalid"]),
            _ => server_params(&NAMES),
        };
        if kind == Cert::Expired {
            params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let issuer = Issuer::new(ca_params, ca_key);
        let cert = params.signed_by(&server_key, &issuer).expect("sign the server certificate");
        Identity {
            chain: vec![cert.der().clone(), ca_cert.der().clone()],
            key: key_der(&server_key),
            trust_pem: ca_cert.pem(),
        }
    }
}

/// Whether handshakes under a configuration can resume earlier sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resumption {
    /// A session store (TLS 1.2 session IDs) and a ticketer (TLS 1.2 and 1.3 tickets).
    On,
    /// Neither: every handshake is a full one, whatever the client offers.
    Off,
}

/// A rustls server configuration for `identity`, offering `versions`.
pub fn server_config(
    identity: &Identity,
    versions: &[&'static SupportedProtocolVersion],
    resumption: Resumption,
) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("protocol versions the ring provider supports")
        .with_no_client_auth()
        .with_single_cert(identity.chain.clone(), identity.key.clone_key())
        .expect("a usable test certificate");
    match resumption {
        Resumption::On => {
            config.session_storage = ServerSessionMemoryCache::new(1024);
            config.ticketer = rustls::crypto::ring::Ticketer::new().expect("a session ticketer");
        }
        // The default ticketer makes no tickets; without a store no session ID is remembered.
        Resumption::Off => config.session_storage = Arc::new(NoServerSessionStorage {}),
    }
    Arc::new(config)
}

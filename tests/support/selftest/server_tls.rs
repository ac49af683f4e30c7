//! Self-tests of the in-process server's FTPS side and of the test certificates, spoken to with a
//! bare rustls client over `std::net`, so they pass whatever state the ftpx engine is in.

use std::fs;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::version::{TLS12, TLS13};
use rustls::{ClientConfig, ClientConnection, ProtocolVersion, RootCertStore, StreamOwned, SupportedProtocolVersion};

use crate::support::tls::{Identity, Resumption, SERVER_SUBJECT, server_config};
use crate::support::{Cert, DataHandshake, ServerConfig, TestServer, random_bytes};

const TIMEOUT: Duration = Duration::from_secs(10);

type Tls = StreamOwned<ClientConnection, TcpStream>;

/// A client configuration trusting `pem` (ring provider, in-memory session store by default).
fn client_config(pem: &str, versions: &[&'static SupportedProtocolVersion]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

fn wrap(config: &Arc<ClientConfig>, tcp: TcpStream) -> Tls {
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    StreamOwned::new(ClientConnection::new(config.clone(), name).unwrap(), tcp)
}

/// One line read a byte at a time, so nothing after it is taken from the socket (the plaintext
/// part before AUTH TLS).
fn plain_line(tcp: &mut TcpStream) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8];
    while !line.ends_with(b"\r\n") {
        assert_eq!(tcp.read(&mut byte).unwrap(), 1, "the server closed the connection");
        line.push(byte[0]);
    }
    String::from_utf8(line).unwrap().trim_end().to_owned()
}

/// A minimal FTPS client: the control connection in TLS, a data connection in TLS or not.
struct TlsRaw {
    control: BufReader<Tls>,
    config: Arc<ClientConfig>,
}

impl TlsRaw {
    /// Explicit FTPS: the greeting and AUTH TLS in the clear, then the handshake.
    fn explicit(server: &TestServer, config: Arc<ClientConfig>) -> TlsRaw {
        let mut tcp = TcpStream::connect(server.addr()).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        assert!(plain_line(&mut tcp).starts_with("220 "));
        tcp.write_all(b"AUTH TLS\r\n").unwrap();
        assert_eq!(plain_line(&mut tcp), "234 Proceed with negotiation.");
        TlsRaw { control: BufReader::new(wrap(&config, tcp)), config }
    }

    /// Implicit FTPS: the handshake first, then the greeting.
    fn implicit(server: &TestServer, config: Arc<ClientConfig>) -> TlsRaw {
        let tcp = TcpStream::connect(server.addr()).unwrap();
        let mut raw = TlsRaw { control: BufReader::new(wrap(&config, tcp)), config };
        assert!(raw.line().starts_with("220 "));
        raw
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.control.read_line(&mut line).unwrap();
        assert!(line.ends_with("\r\n"), "a whole line: {line:?}");
        line.trim_end().to_owned()
    }

    /// Sends a command and returns the last line of its reply.
    fn cmd(&mut self, command: &str) -> String {
        self.control.get_mut().write_all(format!("{command}\r\n").as_bytes()).unwrap();
        loop {
            let line = self.line();
            if line.as_bytes().get(3) == Some(&b' ') {
                return line;
            }
        }
    }

    fn login(&mut self, prot: &str) {
        assert!(self.cmd("USER anonymous").starts_with("331"));
        assert!(self.cmd("PASS guest@").starts_with("230"));
        assert_eq!(self.cmd("PBSZ 0"), "200 PBSZ set to 0.");
        assert!(self.cmd(&format!("PROT {prot}")).starts_with("200 PROT now"));
        assert!(self.cmd("TYPE I").starts_with("200"));
    }

    /// EPSV or EPRT, then `command`; the data connection's TCP once the server answered 150.
    fn data(&mut self, active: bool, command: &str) -> TcpStream {
        if active {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            assert!(self.cmd(&format!("EPRT |1|127.0.0.1|{port}|")).starts_with("200"));
            assert!(self.cmd(command).starts_with("150"));
            listener.accept().unwrap().0
        } else {
            let reply = self.cmd("EPSV");
            let port: u16 = reply.split("(|||").nth(1).unwrap().trim_end_matches("|)").parse().unwrap();
            let tcp = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
            assert!(self.cmd(command).starts_with("150"));
            tcp
        }
    }

    /// A download over a TLS data connection made with `config`: the bytes (up to an abrupt end)
    /// and the final reply.
    fn download_with(&mut self, config: &Arc<ClientConfig>, active: bool, command: &str) -> (Vec<u8>, String) {
        let mut data = wrap(config, self.data(active, command));
        let mut bytes = Vec::new();
        // A server that refuses the session drops the connection without close_notify.
        let _ = data.read_to_end(&mut bytes);
        (bytes, self.line())
    }

    fn download(&mut self, active: bool, command: &str) -> (Vec<u8>, String) {
        let config = self.config.clone();
        self.download_with(&config, active, command)
    }

    fn upload(&mut self, active: bool, command: &str, bytes: &[u8]) -> String {
        let tcp = self.data(active, command);
        let mut data = wrap(&self.config, tcp);
        data.write_all(bytes).unwrap();
        data.conn.send_close_notify();
        data.flush().unwrap();
        data.sock.shutdown(Shutdown::Write).unwrap();
        let mut rest = Vec::new();
        data.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
        self.line()
    }
}

fn tls_server(config: ServerConfig) -> TestServer {
    TestServer::start(config)
}

fn all_resumed(handshakes: &[DataHandshake], version: ProtocolVersion) -> bool {
    handshakes.iter().all(|h| h.resumed && h.version == version)
}

#[test]
fn tls_server_resumes_data_sessions_in_passive_and_active_mode() {
    for (versions, version) in [(&TLS13, ProtocolVersion::TLSv1_3), (&TLS12, ProtocolVersion::TLSv1_2)] {
        let server = tls_server(ServerConfig::new().tls().tls_versions(&[versions]));
        let content = random_bytes(300_000, 50);
        fs::write(server.root().join("f.bin"), &content).unwrap();
        let mut raw = TlsRaw::explicit(&server, client_config(server.trust_pem(), &[versions]));
        raw.login("P");
        for active in [false, true] {
            let (bytes, done) = raw.download(active, "RETR f.bin");
            assert_eq!(done, "226 Transfer complete.", "{version:?} active={active}");
            assert!(bytes == content, "{version:?} active={active}: {} bytes", bytes.len());
            assert_eq!(raw.upload(active, "STOR up.bin", &content[..1000]), "226 Transfer complete.");
            assert_eq!(fs::read(server.root().join("up.bin")).unwrap(), &content[..1000]);
        }
        let handshakes = server.data_handshakes();
        assert_eq!(handshakes.len(), 4, "{handshakes:?}");
        assert!(all_resumed(&handshakes, version), "{version:?}: {handshakes:?}");
    }
}

#[test]
fn tls_server_refuses_a_data_session_that_is_not_resumed_with_522() {
    let server = tls_server(ServerConfig::new().tls());
    fs::write(server.root().join("f.bin"), "secret bytes").unwrap();
    let mut raw = TlsRaw::explicit(&server, client_config(server.trust_pem(), &[&TLS13, &TLS12]));
    raw.login("P");
    // A second client configuration has no session to offer: a full handshake.
    let stranger = client_config(server.trust_pem(), &[&TLS13, &TLS12]);
    let (bytes, done) = raw.download_with(&stranger, false, "RETR f.bin");
    assert_eq!(done, "522 SSL connection failed: session reuse required");
    assert!(bytes.is_empty(), "no data without reuse: {bytes:?}");
    let handshakes = server.data_handshakes();
    assert_eq!(handshakes.len(), 1);
    assert!(!handshakes[0].resumed);
    // The session goes on: the next data connection, resumed, works.
    let (bytes, done) = raw.download(false, "RETR f.bin");
    assert_eq!((bytes.as_slice(), done.as_str()), (&b"secret bytes"[..], "226 Transfer complete."));
}

#[test]
fn tls_server_without_required_reuse_accepts_a_new_data_session() {
    let server = tls_server(ServerConfig::new().tls().require_session_reuse(false));
    fs::write(server.root().join("f.bin"), "x").unwrap();
    let mut raw = TlsRaw::explicit(&server, client_config(server.trust_pem(), &[&TLS13]));
    raw.login("P");
    let stranger = client_config(server.trust_pem(), &[&TLS13]);
    let (bytes, done) = raw.download_with(&stranger, true, "RETR f.bin");
    assert_eq!((bytes.as_slice(), done.as_str()), (&b"x"[..], "226 Transfer complete."));
    assert_eq!(server.data_handshakes(), [DataHandshake { version: ProtocolVersion::TLSv1_3, resumed: false }]);
}

#[test]
fn switch_data_never_resumes_gives_522_even_to_a_resuming_client() {
    for versions in [&TLS13, &TLS12] {
        let server = tls_server(ServerConfig::new().tls().tls_versions(&[versions]).data_never_resumes());
        fs::write(server.root().join("f.bin"), "x").unwrap();
        let mut raw = TlsRaw::explicit(&server, client_config(server.trust_pem(), &[versions]));
        raw.login("P");
        let (_, done) = raw.download(false, "RETR f.bin");
        assert_eq!(done, "522 SSL connection failed: session reuse required", "{versions:?}");
        assert!(server.data_handshakes().iter().all(|h| !h.resumed));
    }
}

#[test]
fn tls_server_prot_c_keeps_data_in_the_clear() {
    let server = tls_server(ServerConfig::new().tls());
    fs::write(server.root().join("f.bin"), "clear bytes").unwrap();
    let mut raw = TlsRaw::explicit(&server, client_config(server.trust_pem(), &[&TLS13]));
    raw.login("C");
    let mut data = raw.data(false, "RETR f.bin");
    let mut bytes = Vec::new();
    data.read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, b"clear bytes");
    assert_eq!(raw.line(), "226 Transfer complete.");
    assert!(server.data_handshakes().is_empty());
}

#[test]
fn tls_server_implicit_speaks_tls_from_the_first_byte() {
    let server = tls_server(ServerConfig::new().implicit_tls());
    let mut raw = TlsRaw::implicit(&server, client_config(server.trust_pem(), &[&TLS13, &TLS12]));
    assert_eq!(raw.cmd("AUTH TLS"), "503 Already in TLS.");
    let feat = raw.cmd("FEAT");
    assert_eq!(feat, "211 End");
    // PBSZ 0 and PROT P are in force without being sent (MS-FTPS 3.2.5.1).
    assert!(raw.cmd("USER anonymous").starts_with("331"));
    assert!(raw.cmd("PASS guest@").starts_with("230"));
    let (listing, done) = raw.download(false, "NLST");
    assert_eq!((listing.as_slice(), done.as_str()), (&b""[..], "226 Transfer complete."));
    assert_eq!(raw.cmd("PBSZ 0"), "200 PBSZ set to 0.");
    assert_eq!(raw.cmd("PROT P"), "200 PROT now Private.");
    let (listing, done) = raw.download(true, "NLST");
    assert_eq!((listing.as_slice(), done.as_str()), (&b""[..], "226 Transfer complete."));
    assert_eq!(server.data_handshakes().len(), 2);
}

#[test]
fn tls_server_orders_auth_pbsz_and_prot_and_lists_them_in_feat() {
    let server = tls_server(ServerConfig::new().tls());
    let mut tcp = TcpStream::connect(server.addr()).unwrap();
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert!(plain_line(&mut tcp).starts_with("220 "));
    for (command, reply) in [
        ("PBSZ 0", "503 PBSZ needs a secure connection."),
        ("PROT P", "503 PROT needs a secure connection."),
        ("AUTH KERBEROS", "504 Unknown AUTH type."),
    ] {
        tcp.write_all(format!("{command}\r\n").as_bytes()).unwrap();
        assert_eq!(plain_line(&mut tcp), reply);
    }

    let mut raw = TlsRaw::explicit(&server, client_config(server.trust_pem(), &[&TLS13]));
    let feat = {
        raw.control.get_mut().write_all(b"FEAT\r\n").unwrap();
        let mut lines = vec![raw.line()];
        while !lines.last().unwrap().starts_with("211 ") {
            lines.push(raw.line());
        }
        lines
    };
    for feature in [" AUTH TLS", " PBSZ", " PROT"] {
        assert!(feat.iter().any(|l| l == feature), "{feature} missing from {feat:?}");
    }
    assert_eq!(raw.cmd("PROT P"), "503 PBSZ first.");
    assert_eq!(raw.cmd("PBSZ 1024"), "200 PBSZ=0");
    assert_eq!(raw.cmd("PROT S"), "536 PROT level not supported.");
    assert_eq!(raw.cmd("PROT X"), "504 Unknown PROT level.");
    assert_eq!(raw.cmd("AUTH TLS"), "503 Already in TLS.");
}

#[test]
fn switch_refuse_auth_answers_the_configured_line() {
    for reply in ["500 AUTH not understood.", "530 Please login with USER and PASS."] {
        let server = tls_server(ServerConfig::new().tls().refuse_auth(reply));
        let mut tcp = TcpStream::connect(server.addr()).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        plain_line(&mut tcp);
        tcp.write_all(b"AUTH TLS\r\n").unwrap();
        assert_eq!(plain_line(&mut tcp), reply);
    }
    let plain = TestServer::start(ServerConfig::new());
    let mut tcp = TcpStream::connect(plain.addr()).unwrap();
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    plain_line(&mut tcp);
    tcp.write_all(b"AUTH TLS\r\n").unwrap();
    assert_eq!(plain_line(&mut tcp), "502 TLS is not offered here.");
}

#[test]
fn switch_tls_versions_limits_what_is_negotiated() {
    for (versions, version) in [(&TLS12, ProtocolVersion::TLSv1_2), (&TLS13, ProtocolVersion::TLSv1_3)] {
        let server = tls_server(ServerConfig::new().tls().tls_versions(&[versions]));
        let mut raw = TlsRaw::explicit(&server, client_config(server.trust_pem(), &[&TLS13, &TLS12]));
        assert!(raw.cmd("NOOP").starts_with("200"));
        assert_eq!(raw.control.get_ref().conn.protocol_version(), Some(version));
    }
    // A client that offers only the other version gets no handshake at all.
    let server = tls_server(ServerConfig::new().tls().tls_versions(&[&TLS12]));
    let mut tcp = TcpStream::connect(server.addr()).unwrap();
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    plain_line(&mut tcp);
    tcp.write_all(b"AUTH TLS\r\n").unwrap();
    plain_line(&mut tcp);
    let mut tls = wrap(&client_config(server.trust_pem(), &[&TLS13]), tcp);
    assert!(tls.write_all(b"NOOP\r\n").and_then(|()| tls.flush()).and_then(|()| tls.read(&mut [0u8; 8])).is_err());
}

/// The error a client that trusts `pem` gets from a handshake with a server presenting `cert`.
fn handshake_error(cert: Cert, trust: Option<&str>) -> Option<rustls::Error> {
    let identity = Identity::new(cert);
    let config = server_config(&identity, &[&TLS13], Resumption::On);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut tls = StreamOwned::new(rustls::ServerConnection::new(config).unwrap(), tcp);
        let _ = tls.write_all(b"hello");
        let _ = tls.flush();
    });
    let pem = trust.unwrap_or(&identity.trust_pem);
    let mut tls = wrap(&client_config(pem, &[&TLS13]), TcpStream::connect(addr).unwrap());
    let result = tls.read_exact(&mut [0u8; 5]);
    // Closing the client's side ends the server's wait for a Finished that will never come.
    drop(tls);
    server.join().unwrap();
    let error = result.err()?;
    assert_eq!(error.kind(), ErrorKind::InvalidData, "{error}");
    Some(error.into_inner().unwrap().downcast::<rustls::Error>().map(|e| *e).unwrap())
}

#[test]
fn test_certificates_are_good_or_bad_as_named() {
    use rustls::CertificateError as E;
    use rustls::Error::InvalidCertificate;
    assert_eq!(handshake_error(Cert::Good, None), None);
    assert!(matches!(handshake_error(Cert::Expired, None), Some(InvalidCertificate(E::ExpiredContext { .. }))));
    assert!(matches!(
        handshake_error(Cert::WrongName, None),
        Some(InvalidCertificate(E::NotValidForNameContext { .. }))
    ));
    // The self-signed certificate is a CA certificate, as `openssl req -x509` makes them: webpki
    // refuses it as an end entity whether or not it is trusted (ftpx pins it instead).
    let other_ca = Identity::new(Cert::Good).trust_pem;
    for trust in [Some(other_ca.as_str()), None] {
        let error = handshake_error(Cert::SelfSigned, trust);
        assert!(matches!(error, Some(InvalidCertificate(_))), "{error:?}");
    }
    // Another server's CA does not vouch for this one: it has the same name, so webpki tries
    // it and finds the signature wrong.
    let error = handshake_error(Cert::Good, Some(&other_ca));
    assert!(matches!(error, Some(InvalidCertificate(E::BadSignature))), "{error:?}");
}

#[test]
fn test_certificates_name_the_test_subject() {
    let identity = Identity::new(Cert::Good);
    let (_, cert) = x509_parser::parse_x509_certificate(identity.chain[0].as_ref()).unwrap();
    assert_eq!(cert.subject().to_string(), format!("CN={SERVER_SUBJECT}, O=ftpx tests"));
    assert!(identity.trust_pem.starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn switch_certificate_presents_the_chosen_certificate() {
    let server = tls_server(ServerConfig::new().implicit_tls().certificate(Cert::WrongName));
    let mut tls = wrap(&client_config(server.trust_pem(), &[&TLS13]), TcpStream::connect(server.addr()).unwrap());
    let error = tls.read(&mut [0u8; 8]).unwrap_err();
    let error = error.into_inner().unwrap().downcast::<rustls::Error>().unwrap();
    assert!(matches!(
        *error,
        rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForNameContext { .. })
    ));
}

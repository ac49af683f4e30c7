//! Self-tests of the scripted server, spoken to over raw `std::net` sockets.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::support::{Script, ScriptServer};

fn connect(server: &ScriptServer) -> (BufReader<TcpStream>, TcpStream) {
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    (BufReader::new(stream.try_clone().unwrap()), stream)
}

fn read_line(reader: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    line
}

#[test]
fn script_plays_sends_and_expects_and_records_lines() {
    let mut server = ScriptServer::start(Script::new().login().answer("NOOP", "200 fine\r\n"));
    let (mut reader, mut writer) = connect(&server);
    assert_eq!(read_line(&mut reader), "220 scripted server\r\n");
    writer.write_all(b"USER a\r\n").unwrap();
    assert!(read_line(&mut reader).starts_with("331"));
    writer.write_all(b"PASS b\r\nNOOP\r\n").unwrap();
    assert!(read_line(&mut reader).starts_with("230"));
    assert_eq!(read_line(&mut reader), "200 fine\r\n");
    assert_eq!(server.received_lines(), ["USER a", "PASS b", "NOOP"]);
    assert!(server.join().is_empty());
}

#[test]
fn script_records_an_unmet_expectation() {
    let mut server = ScriptServer::start(Script::new().expect("PASV").expect("QUIT"));
    let (_reader, mut writer) = connect(&server);
    writer.write_all(b"EPSV\r\n").unwrap();
    writer.shutdown(Shutdown::Write).unwrap();
    let mismatches = server.join();
    assert_eq!(mismatches.len(), 2, "{mismatches:?}");
    assert_eq!(mismatches[0], "step 1: expected \"PASV\", got \"EPSV\"");
    assert!(mismatches[1].contains("closed the connection"), "{mismatches:?}");
}

#[test]
fn script_sends_slowly_one_byte_at_a_time() {
    let delay = Duration::from_millis(20);
    let server = ScriptServer::start(Script::new().send_slowly("220 hi\r\n", delay));
    let (mut reader, _writer) = connect(&server);
    let started = Instant::now();
    assert_eq!(read_line(&mut reader), "220 hi\r\n");
    assert!(started.elapsed() >= delay * 7, "{:?}", started.elapsed());
}

#[test]
fn script_passive_step_fills_the_template_and_serves_data() {
    let mut server = ScriptServer::start(
        Script::new()
            .passive("229 Entering Extended Passive Mode (|||{port}|)")
            .passive("227 Entering Passive Mode ({h},{p1},{p2}).")
            .expect("RETR")
            .send("150 here\r\n")
            .data_send(b"\x00\xffbytes")
            .data_close()
            .send("226 done\r\n"),
    );
    let (mut reader, mut writer) = connect(&server);
    let epsv = read_line(&mut reader);
    assert!(epsv.starts_with("229 Entering Extended Passive Mode (|||"), "{epsv}");
    let pasv = read_line(&mut reader);
    let numbers: Vec<u16> = pasv
        .trim_end()
        .trim_start_matches("227 Entering Passive Mode (")
        .trim_end_matches(").")
        .split(',')
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(numbers[..4], [127, 0, 0, 1]);
    let mut data = TcpStream::connect(("127.0.0.1", numbers[4] << 8 | numbers[5])).unwrap();
    writer.write_all(b"RETR x\r\n").unwrap();
    assert_eq!(read_line(&mut reader), "150 here\r\n");
    let mut bytes = Vec::new();
    data.read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, b"\x00\xffbytes");
    assert_eq!(read_line(&mut reader), "226 done\r\n");
    assert!(server.join().is_empty());
}

#[test]
fn script_data_receive_collects_an_upload() {
    let server = ScriptServer::start(
        Script::new().passive("229 (|||{port}|)").accept_data().data_receive().send("226 got it\r\n"),
    );
    let (mut reader, _writer) = connect(&server);
    let port: u16 =
        read_line(&mut reader).trim_end().trim_start_matches("229 (|||").trim_end_matches("|)").parse().unwrap();
    let mut data = TcpStream::connect(("127.0.0.1", port)).unwrap();
    data.write_all(b"uploaded").unwrap();
    data.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_line(&mut reader), "226 got it\r\n");
    assert_eq!(server.data_received(), b"uploaded");
}

#[test]
fn script_sleep_delays_the_next_step() {
    let pause = Duration::from_millis(200);
    let server = ScriptServer::start(Script::new().sleep(pause).send("220 late\r\n"));
    assert_eq!(server.url("a/b"), format!("ftp://127.0.0.1:{}/a/b", server.port()));
    let started = Instant::now();
    let (mut reader, _writer) = connect(&server);
    assert_eq!(read_line(&mut reader), "220 late\r\n");
    assert!(started.elapsed() >= pause, "{:?}", started.elapsed());
}

#[test]
fn script_close_ends_with_eof() {
    let mut server = ScriptServer::start(Script::new().send("220 bye\r\n").close());
    let (mut reader, _writer) = connect(&server);
    let mut all = Vec::new();
    reader.read_to_end(&mut all).unwrap();
    assert_eq!(all, b"220 bye\r\n");
    assert!(server.join().is_empty());
}

#[test]
fn script_reset_makes_the_client_see_a_connection_reset() {
    let mut server = ScriptServer::start(Script::new().send("220 hi\r\n").expect("USER").reset());
    let (mut reader, mut writer) = connect(&server);
    assert_eq!(read_line(&mut reader), "220 hi\r\n");
    writer.write_all(b"USER x\r\n").unwrap();
    let mut rest = Vec::new();
    let error = reader.read_to_end(&mut rest).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
    assert!(server.join().is_empty());
    assert!(server.finished());
}

#[test]
fn script_connects_back_to_the_eprt_and_port_addresses_from_the_chosen_host() {
    let foreign: std::net::IpAddr = [127, 0, 0, 2].into();
    let server = ScriptServer::start(
        Script::new()
            .answer("EPRT", "200 ok\r\n")
            .connect_back(foreign)
            .data_send(b"one")
            .data_close()
            .answer("PORT", "200 ok\r\n")
            .connect_back([127, 0, 0, 1].into())
            .data_send(b"two")
            .data_close(),
    );
    let (mut reader, mut writer) = connect(&server);
    for (command, from, bytes) in
        [("EPRT |1|127.0.0.1|{}|", foreign, "one"), ("PORT 127,0,0,1,{p1},{p2}", [127, 0, 0, 1].into(), "two")]
    {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let line = command
            .replace("{}", &port.to_string())
            .replace("{p1}", &(port >> 8).to_string())
            .replace("{p2}", &(port & 0xff).to_string());
        writer.write_all(format!("{line}\r\n").as_bytes()).unwrap();
        assert_eq!(read_line(&mut reader), "200 ok\r\n");
        let (mut data, peer) = listener.accept().unwrap();
        assert_eq!(peer.ip(), from);
        let mut got = String::new();
        data.read_to_string(&mut got).unwrap();
        assert_eq!(got, bytes);
    }
}

#[test]
fn script_data_reset_makes_the_client_see_a_reset_data_connection() {
    let server = ScriptServer::start(Script::new().passive("229 (|||{port}|)").accept_data().data_reset());
    let (mut reader, _writer) = connect(&server);
    let port: u16 =
        read_line(&mut reader).trim_end().trim_start_matches("229 (|||").trim_end_matches("|)").parse().unwrap();
    let mut data = TcpStream::connect(("127.0.0.1", port)).unwrap();
    data.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let error = data.read_to_end(&mut Vec::new()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
}

/// A bare rustls client that trusts the script's certificate.
fn tls_client(server: &ScriptServer, tcp: TcpStream) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(server.trust_pem().as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let connection = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    rustls::StreamOwned::new(connection, tcp)
}

#[test]
fn script_start_tls_upgrades_the_control_and_data_connections() {
    let mut server = ScriptServer::start(
        Script::new()
            .send("220 hi\r\n")
            .answer("AUTH TLS", "234 go\r\n")
            .start_tls()
            .passive("229 (|||{port}|)")
            .expect("RETR")
            .data_start_tls()
            .data_send("over tls")
            .data_close()
            .send("226 done\r\n")
            .close(),
    );
    let (mut reader, mut writer) = connect(&server);
    assert_eq!(read_line(&mut reader), "220 hi\r\n");
    writer.write_all(b"AUTH TLS\r\n").unwrap();
    assert_eq!(read_line(&mut reader), "234 go\r\n");
    drop(reader);
    let mut control = BufReader::new(tls_client(&server, writer));
    let mut line = String::new();
    control.read_line(&mut line).unwrap();
    let port: u16 = line.trim_end().trim_start_matches("229 (|||").trim_end_matches("|)").parse().unwrap();
    let data = TcpStream::connect(("127.0.0.1", port)).unwrap();
    control.get_mut().write_all(b"RETR x\r\n").unwrap();
    control.get_mut().flush().unwrap();
    let mut bytes = Vec::new();
    tls_client(&server, data).read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, b"over tls", "ended by close_notify, so read_to_end is Ok");
    line.clear();
    control.read_line(&mut line).unwrap();
    assert_eq!(line, "226 done\r\n");
    assert_eq!(server.received_lines(), ["AUTH TLS", "RETR x"]);
    assert!(server.join().is_empty());
}

#[test]
fn script_start_tls_records_bytes_sent_in_the_clear_before_the_handshake() {
    let mut server = ScriptServer::start(Script::new().answer("AUTH TLS", "234 go\r\n").start_tls().expect("USER"));
    let (mut reader, mut writer) = connect(&server);
    writer.write_all(b"AUTH TLS\r\nUSER early\r\n").unwrap();
    assert_eq!(read_line(&mut reader), "234 go\r\n");
    // No handshake follows: the script gives up on it when the client leaves.
    drop((reader, writer));
    let mismatches = server.join();
    assert!(mismatches[0].contains("\"USER early\\r\\n\" in the clear"), "{mismatches:?}");
}

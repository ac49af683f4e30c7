//! FTPS (RFC 4217) end to end: ftpx against the in-process server with TLS, which by default
//! demands what vsftpd's `require_ssl_reuse=YES` demands: every data connection resumes a TLS
//! session of the server, or it gets 522 and no data.
//!
//! The server's certificate comes from a test CA in no trust store; ftpx trusts it through
//! `--cacert`, written into the run's fresh HOME.

use std::fs;

use rustls::version::{TLS12, TLS13};
use rustls::{ProtocolVersion, SupportedProtocolVersion};

use super::{PASS, USER, assert_used_only, in_each_mode, server_with, url};
use crate::support::tls::SERVER_SUBJECT;
use crate::support::{
    Cert, Output, Run, Script, ScriptServer, ServerConfig, TestServer, dir_names, ftpx, random_bytes, write_random,
};

const MIB: usize = 1 << 20;

/// How many transfers one session makes where tickets could run out: more than the 8 TLS 1.3
/// tickets rustls keeps per server, and more than the 2 a server sends after each handshake.
const MANY: usize = 25;

/// An explicit FTPS server that offers only `version` and knows alice.
fn tls_server(version: &'static SupportedProtocolVersion) -> TestServer {
    server_with(ServerConfig::new().tls().tls_versions(&[version]))
}

/// ftpx trusting `server`'s certificate with `--cacert` (a file in the run's HOME).
fn ftpx_trusting(server: &TestServer) -> Run {
    let run = ftpx();
    let ca = run.home().join("ca.pem");
    fs::write(&ca, server.trust_pem()).unwrap();
    run.arg("--cacert").arg(ca)
}

/// `--cacert` and `--tls`: explicit FTPS with ftp:// URLs.
fn ftpx_tls(server: &TestServer) -> Run {
    ftpx_trusting(server).arg("--tls")
}

fn protocol(version: &SupportedProtocolVersion) -> ProtocolVersion {
    version.version
}

/// Every data connection the server saw was TLS `version` and resumed, and there were `count`.
#[track_caller]
fn assert_data_resumed(server: &TestServer, version: ProtocolVersion, count: usize) {
    let handshakes = server.data_handshakes();
    assert_eq!(handshakes.len(), count, "data handshakes: {handshakes:?}");
    assert!(handshakes.iter().all(|h| h.resumed && h.version == version), "{version:?}: {handshakes:?}");
}

/// The server saw no USER and no PASS: nothing of the login left the client.
#[track_caller]
fn assert_no_login(server: &TestServer) {
    let verbs = server.verbs();
    assert!(!verbs.iter().any(|v| v == "USER" || v == "PASS"), "login sent: {:?}", server.commands());
}

#[track_caller]
fn assert_stderr_has(out: &Output, words: &[&str]) {
    for word in words {
        assert!(out.stderr.contains(word), "{word:?} not on stderr:\n{}", out.stderr);
    }
}

fn get_put_ls_in_each_mode(version: &'static SupportedProtocolVersion) {
    in_each_mode(|mode| {
        let server = tls_server(version);
        let content = write_random(server.root().join("big.bin"), MIB, 60);
        fs::create_dir(server.root().join("up")).unwrap();
        let local = tempfile::tempdir().unwrap();
        let upload = write_random(local.path().join("a.bin"), MIB, 61);

        let get = ftpx_tls(&server).current_dir(local.path()).args(["--mode", mode, "get", &url(&server, "big.bin")]);
        get.run().assert_success();
        let got = fs::read(local.path().join("big.bin")).unwrap();
        assert!(got == content, "mode {mode}: {} bytes, not the served ones", got.len());

        let put =
            ftpx_tls(&server).current_dir(local.path()).args(["--mode", mode, "put", "a.bin", &url(&server, "up/")]);
        put.run().assert_success();
        let stored = fs::read(server.root().join("up/a.bin")).unwrap();
        assert!(stored == upload, "mode {mode}: {} bytes stored", stored.len());

        let out = ftpx_tls(&server).args(["--mode", mode, "ls", "-1", &url(&server, "")]).run();
        out.assert_success();
        let mut names: Vec<String> = out.stdout_str().lines().map(str::to_owned).collect();
        names.sort();
        assert_eq!(names, ["big.bin", "up"], "mode {mode}");

        assert_used_only(&server, mode);
        assert_data_resumed(&server, protocol(version), 3);
        let commands = server.commands();
        for wanted in ["AUTH TLS", "PBSZ 0", "PROT P"] {
            assert!(commands.iter().any(|c| c == wanted), "mode {mode}: no {wanted} in {commands:?}");
        }
    });
}

#[test]
fn tls13_get_put_ls_are_byte_exact_in_each_mode_with_session_reuse_required() {
    get_put_ls_in_each_mode(&TLS13);
}

#[test]
fn tls12_get_put_ls_are_byte_exact_in_each_mode_with_session_reuse_required() {
    get_put_ls_in_each_mode(&TLS12);
}

/// TLS encrypts in this process: an upload over PROT P never goes by sendfile, which would put
/// the file on the wire in the clear (the server's TLS would refuse it, and anyone could read it).
#[test]
fn put_over_tls_is_encrypted_in_process_not_sent_by_sendfile() {
    let server = tls_server(&TLS13);
    let local = tempfile::tempdir().unwrap();
    let content = write_random(local.path().join("up.bin"), MIB, 93);
    let out = ftpx_tls(&server).current_dir(local.path()).args(["-d", "put", "up.bin", &url(&server, "up.bin")]).run();
    out.assert_success();
    assert!(fs::read(server.root().join("up.bin")).unwrap() == content);
    assert!(out.stderr.contains(&format!("closed after {MIB} bytes")), "{}", out.stderr);
    assert!(!out.stderr.contains("sendfile"), "{}", out.stderr);
    assert_data_resumed(&server, protocol(&TLS13), 1);
}

/// `get URL1 ... URL25 -o dir/`: one session, 25 data connections, each resuming.
fn many_downloads_in_one_session(version: &'static SupportedProtocolVersion, mode: &str) {
    let server = tls_server(version);
    let files: Vec<(String, Vec<u8>)> = (0..MANY)
        .map(|i| {
            let name = format!("f{i:02}.bin");
            let bytes = write_random(server.root().join(&name), 20_000 + i * 1000, 70 + i as u64);
            (name, bytes)
        })
        .collect();
    let local = tempfile::tempdir().unwrap();
    fs::create_dir(local.path().join("dir")).unwrap();
    let urls: Vec<String> = files.iter().map(|(name, _)| url(&server, name)).collect();
    let out = ftpx_tls(&server)
        .current_dir(local.path())
        .args(["--mode", mode, "get"])
        .args(&urls)
        .args(["-o", "dir/"])
        .run();
    out.assert_success();
    for (name, bytes) in &files {
        let got = fs::read(local.path().join("dir").join(name)).unwrap_or_default();
        assert!(got == *bytes, "{name}: {} bytes, not the served ones", got.len());
    }
    let auths = server.verbs().iter().filter(|v| *v == "AUTH").count();
    assert_eq!(auths, 1, "one session for every URL: {:?}", server.commands());
    assert_data_resumed(&server, protocol(version), MANY);
}

#[test]
fn tls13_twenty_five_downloads_in_one_session_all_resume() {
    many_downloads_in_one_session(&TLS13, "epsv");
}

#[test]
fn tls12_twenty_five_downloads_in_one_session_all_resume() {
    many_downloads_in_one_session(&TLS12, "epsv");
}

#[test]
fn tls13_twenty_five_downloads_in_active_mode_all_resume() {
    // Active data connections are accepted by ftpx, which is still the TLS client on them.
    many_downloads_in_one_session(&TLS13, "port");
}

/// `put f1 ... f25 URL/`: uploads read nothing but the server's tickets and close_notify.
fn many_uploads_in_one_session(version: &'static SupportedProtocolVersion) {
    let server = tls_server(version);
    fs::create_dir(server.root().join("in")).unwrap();
    let local = tempfile::tempdir().unwrap();
    let files: Vec<(String, Vec<u8>)> = (0..MANY)
        .map(|i| {
            let name = format!("u{i:02}.bin");
            let bytes = write_random(local.path().join(&name), 30_000 + i * 777, 100 + i as u64);
            (name, bytes)
        })
        .collect();
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let out = ftpx_tls(&server).current_dir(local.path()).arg("put").args(&names).arg(url(&server, "in/")).run();
    out.assert_success();
    for (name, bytes) in &files {
        let stored = fs::read(server.root().join("in").join(name)).unwrap_or_default();
        assert!(stored == *bytes, "{name}: {} bytes stored", stored.len());
    }
    assert_data_resumed(&server, protocol(version), MANY);
}

#[test]
fn tls13_twenty_five_uploads_in_one_session_all_resume() {
    many_uploads_in_one_session(&TLS13);
}

#[test]
fn tls12_twenty_five_uploads_in_one_session_all_resume() {
    many_uploads_in_one_session(&TLS12);
}

#[test]
fn implicit_ftps_url_speaks_tls_from_the_first_byte() {
    let server = server_with(ServerConfig::new().implicit_tls());
    let content = write_random(server.root().join("f.bin"), 200_000, 80);
    let local = tempfile::tempdir().unwrap();
    let ftps = server.url_with("ftps", USER, PASS, "f.bin");
    ftpx_trusting(&server).current_dir(local.path()).args(["get", &ftps]).run().assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    let out = ftpx_trusting(&server).args(["ls", "-1", &server.url_with("ftps", USER, PASS, "")]).run();
    out.assert_success();
    assert_eq!(out.stdout_str(), "f.bin\n");
    assert!(!server.verbs().iter().any(|v| v == "AUTH"), "AUTH on an implicit connection: {:?}", server.commands());
    assert_data_resumed(&server, ProtocolVersion::TLSv1_3, 2);
}

#[test]
fn ftpes_url_means_explicit_tls_without_the_flag() {
    let server = tls_server(&TLS13);
    let content = write_random(server.root().join("f.bin"), 5000, 81);
    let local = tempfile::tempdir().unwrap();
    let ftpes = server.url_with("ftpes", USER, PASS, "f.bin");
    ftpx_trusting(&server).current_dir(local.path()).args(["get", &ftpes]).run().assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    assert_eq!(server.commands()[0], "AUTH TLS");
}

#[test]
fn tls_data_clear_sends_prot_c_and_moves_data_outside_tls() {
    let server = tls_server(&TLS13);
    let content = write_random(server.root().join("f.bin"), 100_000, 82);
    let local = tempfile::tempdir().unwrap();
    ftpx_tls(&server)
        .current_dir(local.path())
        .args(["--tls-data", "clear", "get", &url(&server, "f.bin")])
        .run()
        .assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    let commands = server.commands();
    assert!(commands.iter().any(|c| c == "PROT C"), "{commands:?}");
    assert!(!commands.iter().any(|c| c == "PROT P"), "{commands:?}");
    assert!(server.data_handshakes().is_empty(), "{:?}", server.data_handshakes());
}

#[test]
fn tls_max_1_2_negotiates_tls12_with_a_server_that_offers_1_3() {
    let server = server_with(ServerConfig::new().tls());
    let content = write_random(server.root().join("f.bin"), 10_000, 83);
    let local = tempfile::tempdir().unwrap();
    ftpx_tls(&server)
        .current_dir(local.path())
        .args(["--tls-max", "1.2", "get", &url(&server, "f.bin")])
        .run()
        .assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    assert_data_resumed(&server, ProtocolVersion::TLSv1_2, 1);
}

#[test]
fn auth_refused_exits_7_before_user_or_pass_is_sent() {
    for reply in ["500 AUTH not understood.", "530 Please login with USER and PASS."] {
        let server = server_with(ServerConfig::new().tls().refuse_auth(reply));
        write_random(server.root().join("f.bin"), 100, 84);
        let local = tempfile::tempdir().unwrap();
        let out = ftpx_tls(&server).current_dir(local.path()).args(["get", &url(&server, "f.bin")]).run();
        out.assert_code(7).assert_one_error_line();
        assert_stderr_has(&out, &[reply]);
        assert_no_login(&server);
        assert!(dir_names(local.path()).is_empty(), "{:?}", dir_names(local.path()));
    }
}

#[test]
fn untrusted_issuer_exits_7_naming_the_subject_and_cacert_fixes_it() {
    let server = tls_server(&TLS13);
    let content = write_random(server.root().join("f.bin"), 1000, 85);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["--tls", "get", &url(&server, "f.bin")]).run();
    out.assert_code(7).assert_one_error_line();
    assert_stderr_has(&out, &["issuer is not trusted", &format!("CN={SERVER_SUBJECT}"), "--cacert"]);
    assert_no_login(&server);

    ftpx_tls(&server).current_dir(local.path()).args(["get", &url(&server, "f.bin")]).run().assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
}

#[test]
fn expired_certificate_exits_7_naming_the_problem_and_the_subject() {
    let server = server_with(ServerConfig::new().tls().certificate(Cert::Expired));
    let out = ftpx_tls(&server).args(["ls", &url(&server, "")]).run();
    out.assert_code(7).assert_one_error_line();
    assert_stderr_has(&out, &["expired", &format!("CN={SERVER_SUBJECT}"), "2001"]);
    assert_no_login(&server);
}

#[test]
fn certificate_for_another_name_exits_7_naming_the_host_and_the_subject() {
    let server = server_with(ServerConfig::new().tls().certificate(Cert::WrongName));
    let out = ftpx_tls(&server).args(["ls", &url(&server, "")]).run();
    out.assert_code(7).assert_one_error_line();
    assert_stderr_has(&out, &["not valid for '127.0.0.1'", &format!("CN={SERVER_SUBJECT}"), "ftp.example.invalid"]);
    assert_no_login(&server);
}

#[test]
fn self_signed_certificate_exits_7_and_cacert_of_it_fixes_it() {
    let server = server_with(ServerConfig::new().tls().certificate(Cert::SelfSigned));
    write_random(server.root().join("f.bin"), 1000, 86);
    let out = ftpx().args(["--tls", "ls", "-1", &url(&server, "")]).run();
    out.assert_code(7).assert_one_error_line();
    assert_stderr_has(&out, &["self-signed", &format!("CN={SERVER_SUBJECT}")]);
    assert_no_login(&server);

    let out = ftpx_tls(&server).args(["ls", "-1", &url(&server, "")]).run();
    out.assert_success();
    assert_eq!(out.stdout_str(), "f.bin\n");
}

#[test]
fn insecure_accepts_an_unverifiable_certificate_and_warns() {
    let server = server_with(ServerConfig::new().tls().certificate(Cert::Expired));
    let content = write_random(server.root().join("f.bin"), 3000, 87);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["--tls", "-k", "get", &url(&server, "f.bin")]).run();
    out.assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    assert!(
        out.stderr.lines().any(|l| l.starts_with("ftpx: warning:") && l.contains("--insecure")),
        "no warning:\n{}",
        out.stderr
    );
}

#[test]
fn data_connection_that_does_not_resume_exits_7_with_the_522_reply() {
    let explained = |out: &Output| {
        out.assert_code(7).assert_one_error_line();
        assert_stderr_has(out, &["522 SSL connection failed: session reuse required", "did not resume"]);
        assert!(out.stderr.lines().any(|l| l.starts_with("ftpx: hint:")), "no hint:\n{}", out.stderr);
    };
    in_each_mode(|mode| {
        let server = server_with(ServerConfig::new().tls().data_never_resumes());
        write_random(server.root().join("f.bin"), 50_000, 88);
        let local = tempfile::tempdir().unwrap();
        let out =
            ftpx_tls(&server).current_dir(local.path()).args(["--mode", mode, "get", &url(&server, "f.bin")]).run();
        explained(&out);
        assert!(!local.path().join("f.bin").exists(), "mode {mode}: {:?}", dir_names(local.path()));
        let handshakes = server.data_handshakes();
        assert!(!handshakes.is_empty() && handshakes.iter().all(|h| !h.resumed), "{handshakes:?}");
    });
    let server = server_with(ServerConfig::new().tls().data_never_resumes());
    explained(&ftpx_tls(&server).args(["ls", &url(&server, "")]).run());
    // More than the socket buffers hold: ftpx is still writing when the server drops the
    // connection, and must still report the 522 that follows rather than a broken pipe.
    let local = tempfile::tempdir().unwrap();
    fs::write(local.path().join("a.bin"), random_bytes(8 * MIB, 89)).unwrap();
    explained(&ftpx_tls(&server).current_dir(local.path()).args(["put", "a.bin", &url(&server, "")]).run());
    let stored = fs::read(server.root().join("a.bin")).unwrap_or_default();
    assert!(stored.is_empty(), "{} bytes stored without reuse", stored.len());
}

#[test]
fn debug_transcript_shows_each_tls_handshake_and_that_data_resumed() {
    let server = tls_server(&TLS13);
    write_random(server.root().join("f.bin"), 1000, 90);
    write_random(server.root().join("g.bin"), 1000, 91);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx_tls(&server)
        .current_dir(local.path())
        .args(["-d", "get", &url(&server, "f.bin"), &url(&server, "g.bin")])
        .run();
    out.assert_success();
    let handshakes: Vec<&str> = out.stderr.lines().filter(|l| l.contains("TLS handshake done")).collect();
    let control: Vec<&&str> = handshakes.iter().filter(|l| !l.contains("data#")).collect();
    let data: Vec<&&str> = handshakes.iter().filter(|l| l.contains("data#")).collect();
    assert_eq!(control.len(), 1, "one control handshake:\n{}", out.stderr);
    assert!(control[0].contains("TLSv1_3"), "{}", control[0]);
    assert_eq!(data.len(), 2, "one handshake per data connection:\n{}", out.stderr);
    for line in data {
        assert!(line.starts_with("*** data#") && line.contains("TLSv1_3"), "{line}");
        assert!(line.contains("session resumed"), "{line}");
    }
}

#[test]
fn put_over_tls_ends_the_upload_with_close_notify_before_reading_226() {
    let content = random_bytes(70_000, 92);
    // Every line ftpx must send, in order; DataReceive fails if the data ends in a bare FIN,
    // without close_notify (a truncation the server could not tell from the end).
    let mut server = ScriptServer::start(
        Script::new()
            .send("220 scripted FTPS\r\n")
            .answer("AUTH TLS", "234 Proceed with negotiation.\r\n")
            .start_tls()
            .answer("USER alice", "331 Password please.\r\n")
            .answer("PASS ", "230 Welcome.\r\n")
            .answer("PBSZ 0", "200 PBSZ=0\r\n")
            .answer("PROT P", "200 Protection set to Private\r\n")
            .answer("FEAT", "500 Unknown command.\r\n")
            .answer("TYPE I", "200 Binary.\r\n")
            .expect("EPSV")
            .passive("229 Entering Extended Passive Mode (|||{port}|)")
            .answer("STOR up.bin", "150 Ok to send data.\r\n")
            .data_start_tls()
            .data_receive()
            .data_close()
            .send("226 Transfer complete.\r\n")
            .answer("QUIT", "221 Goodbye.\r\n"),
    );
    let local = tempfile::tempdir().unwrap();
    fs::write(local.path().join("up.bin"), &content).unwrap();
    let run = ftpx();
    let ca = run.home().join("ca.pem");
    fs::write(&ca, server.trust_pem()).unwrap();
    let target = format!("ftpes://alice:secret@{}/up.bin", server.addr());
    let out = run.current_dir(local.path()).arg("--cacert").arg(&ca).args(["put", "up.bin", &target]).run();
    out.assert_success();
    assert_eq!(server.join(), Vec::<String>::new());
    assert!(server.data_received() == content, "{} bytes received", server.data_received().len());
}

#[test]
fn the_shells_pool_sessions_use_its_tls_and_modes_and_insecure_warns_once() {
    let server = server_with(ServerConfig::new().tls().certificate(Cert::Expired));
    let content = write_random(server.root().join("big.bin"), 3 << 20, 88);
    let local = tempfile::tempdir().unwrap();
    let script = "mode eprt\nget --segments 2 big.bin\nopen ".to_owned() + &url(&server, "") + "\n";
    let out = ftpx().current_dir(local.path()).args(["--tls", "-k", &url(&server, "")]).stdin(script).run();
    out.assert_success();
    assert!(fs::read(local.path().join("big.bin")).unwrap() == content, "not byte-exact");
    let warnings = out.stderr.lines().filter(|l| l.starts_with("ftpx: warning:") && l.contains("--insecure")).count();
    assert_eq!(warnings, 1, "{}", out.stderr);
    let verbs = server.verbs();
    let count = |verb: &str| verbs.iter().filter(|v| *v == verb).count();
    // The shell's session, two pool sessions and the second `open`: each in TLS, data protected.
    assert_eq!((count("USER"), count("AUTH"), count("PROT")), (4, 4, 4), "{verbs:?}");
    assert_eq!(count("EPRT"), count("RETR"), "{verbs:?}");
    assert!(["EPSV", "PASV", "PORT"].iter().all(|v| count(v) == 0), "{verbs:?}");
    assert!(server.data_handshakes().len() >= 2);
}

//! Hostile servers when TLS is required (`--tls`, `ftpes://`, `ftps://`): a refused AUTH, bytes
//! slipped in before the handshake, a greeting that claims a login already happened, PBSZ or
//! PROT refused, a certificate the client cannot trust, a data connection the server says was
//! not resumed. Whatever happens, nothing is sent in the clear after TLS was asked for, and the
//! exit code is 7 (TLS) unless the server never greeted properly at all (3).

use super::hostile::{Hostile, TIMEOUT, secs};
use crate::support::script::Script;

/// `--tls ls` with the short timeout; anything the script receives after `AUTH TLS` in the clear
/// is a failure of the case.
fn tls_ls(script: Script) -> Hostile {
    Hostile::new(script).args(["--tls", "--timeout", TIMEOUT, "ls"]).url("").bound(secs(5))
}

#[test]
fn auth_tls_refused_while_tls_is_required_exits_7_and_sends_nothing_in_the_clear() {
    // CVE-2021-22946 (curl): a server that refuses TLS must not get a login in the clear.
    let script = Script::new().send("220 Hi.\r\n").answer("AUTH TLS", "500 AUTH not understood.\r\n").sleep(secs(1));
    let case = tls_ls(script).run();
    case.code(7).error("the server refused TLS: AUTH TLS answered 500 AUTH not understood.");
    assert_eq!(case.sent(), ["AUTH TLS"]);
}

#[test]
fn auth_tls_answered_230_is_not_a_way_around_tls() {
    let script = Script::new()
        .send("220 Hi.\r\n")
        .answer("AUTH TLS", "230 Already logged in, no need for that.\r\n")
        .sleep(secs(1));
    let case = tls_ls(script).run();
    case.code(7).error("AUTH TLS answered 230");
    assert_eq!(case.sent(), ["AUTH TLS"]);
}

#[test]
fn bytes_pipelined_after_234_are_refused_before_the_handshake() {
    // CVE-2021-22947 (curl): bytes that arrive with the 234, before the handshake, came in the
    // clear; read after it they would pass for replies the server sent over TLS.
    let script = Script::new()
        .send("220 Hi.\r\n")
        .answer("AUTH TLS", "234 Proceed with negotiation.\r\n230 Logged in (injected in the clear).\r\n")
        .sleep(secs(1));
    let case = tls_ls(script).run();
    case.code(7).error("the server sent data after 234, before the TLS handshake");
    assert_eq!(case.sent(), ["AUTH TLS"]);
}

#[test]
fn greeting_230_while_tls_is_required_sends_nothing() {
    // A "pre-authenticated" greeting: the session would run with no TLS and no login at all.
    let script = Script::new().send("230 Welcome, you are already logged in.\r\n").sleep(secs(1));
    let case = tls_ls(script).run();
    case.code(3).error("unexpected greeting from the server: 230 Welcome, you are already logged in.");
    assert!(case.sent().is_empty(), "{:?}", case.sent());
}

#[test]
fn implicit_ftps_to_a_server_that_speaks_in_the_clear_exits_7_and_sends_nothing() {
    let script = Script::new().send("220 Plain FTP here.\r\n").sleep(secs(2));
    let case = Hostile::new(script).args(["--timeout", TIMEOUT, "ls"]).url_scheme("ftps", "").bound(secs(5)).run();
    case.code(7).error("TLS on the control connection");
    assert!(!case.sent().iter().any(|l| l.starts_with("USER") || l.starts_with("PASS")), "{:?}", case.sent());
}

/// Greeting, `AUTH TLS` and the handshake, then the login and `PBSZ 0` over TLS.
fn tls_login() -> Script {
    Script::new()
        .send("220 Hi.\r\n")
        .answer("AUTH TLS", "234 Proceed with negotiation.\r\n")
        .start_tls()
        .answer("USER ", "331 Password required.\r\n")
        .answer("PASS ", "230 Logged in.\r\n")
}

#[test]
fn certificate_from_an_unknown_issuer_exits_7_and_sends_no_login() {
    // The script's certificate comes from a test CA the client is not told about.
    let script = tls_login();
    let case = tls_ls(script).run();
    case.code(7)
        .error("the certificate's issuer is not trusted")
        .says("ftpx: hint: if you trust this server, give its certificate or CA with --cacert FILE");
    assert_eq!(case.sent(), ["AUTH TLS"], "nothing may follow a handshake that failed");
}

#[test]
fn pbsz_refused_exits_7_and_sends_nothing_more() {
    let script = tls_login().answer("PBSZ 0", "500 PBSZ not understood.\r\n").sleep(secs(1));
    let mut case = tls_ls(script).trust_script_cert().run();
    case.code(7).error("PBSZ refused: 500 PBSZ not understood.");
    assert_eq!(case.verbs(), ["AUTH", "USER", "PASS", "PBSZ"]);
    case.script_played();
}

#[test]
fn prot_p_refused_exits_7_before_any_data_connection() {
    // RFC 4217 §9: data in the clear was not asked for; refusing PROT P must not mean PROT C.
    let script = tls_login()
        .answer("PBSZ 0", "200 PBSZ=0.\r\n")
        .answer("PROT P", "534 Request denied for policy reasons.\r\n")
        .sleep(secs(1));
    let mut case = tls_ls(script).trust_script_cert().run();
    case.code(7).error("PROT P refused: 534 Request denied for policy reasons.");
    assert_eq!(case.verbs(), ["AUTH", "USER", "PASS", "PBSZ", "PROT"]);
    case.script_played();
}

#[test]
fn data_connection_refused_as_not_resumed_exits_7_with_an_explanation() {
    // vsftpd with require_ssl_reuse answers 522 when a data connection's TLS session is new.
    let script = tls_login()
        .answer("PBSZ 0", "200 PBSZ=0.\r\n")
        .answer("PROT P", "200 PROT now Private.\r\n")
        .answer("FEAT", "211-Features:\r\n EPSV\r\n211 End\r\n")
        .answer("TYPE I", "200 Binary.\r\n")
        .answer("SIZE f.bin", "213 5000\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR f.bin", "150 Opening BINARY mode data connection.\r\n")
        .data_start_tls()
        .data_close()
        .send("522 SSL connection failed: session reuse required\r\n");
    let mut case = Hostile::new(script)
        .args(["--tls", "--timeout", TIMEOUT, "get"])
        .url("f.bin")
        .trust_script_cert()
        .bound(secs(5))
        .run();
    case.code(7)
        .error("the server refused the data connection's TLS session")
        .error("522 SSL connection failed: session reuse required")
        .says("ftpx: hint: servers like vsftpd (require_ssl_reuse)")
        .files(&["f.bin.part"]);
    case.script_played();
}

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

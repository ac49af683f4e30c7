//! Hostile servers: setting up the data connection. Passive replies that point elsewhere or
//! cannot be parsed, modes refused, a server that never connects back or connects from the
//! wrong host, data connections reset.
//!
//! Every address is on loopback: 127.0.0.2 plays "another host". The scripted server listens
//! for passive connections on 127.0.0.1 only, so a client that trusted a 227 naming 127.0.0.2
//! would fail to connect rather than reach anything real.

use std::net::{IpAddr, TcpListener};
use std::time::Duration;

use super::hostile::{Hostile, TIMEOUT, get_prelude, secs};
use crate::support::random_bytes;
use crate::support::script::Script;

const FOREIGN: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
const LOCAL: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));

/// `get f.bin` (5,000 bytes, SIZE answered) in `mode`, with the client's short timeout.
fn get(script: Script, mode: &str) -> Hostile {
    Hostile::new(script).args(["--mode", mode, "--timeout", TIMEOUT, "get"]).url("f.bin")
}

fn content() -> Vec<u8> {
    random_bytes(5000, 60)
}

/// RETR answered 150, the file on the data connection, 226.
fn retr(script: Script) -> Script {
    script
        .answer("RETR f.bin", "150 Opening BINARY mode data connection.\r\n")
        .data_send(content())
        .data_close()
        .send("226 Transfer complete.\r\n")
}

/// PASV answered with `template` (see `Script::passive`), then the file.
fn pasv_with(template: &str) -> Script {
    retr(get_prelude(Some(5000)).expect("PASV").passive(template))
}

/// A port on 127.0.0.1 where nothing listens (it was free a moment ago).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn pasv_reply_naming_another_host_is_replaced_by_the_control_peer() {
    // CVE-2020-8284 (curl) and CVE-2021-4189 (Python ftplib): a 227 can point the client at a
    // third host, to scan or reach a service behind the client's firewall.
    let mut case = Hostile::new(pasv_with("227 Entering Passive Mode (127,0,0,2,{p1},{p2})."))
        .args(["-d", "--mode", "pasv", "--timeout", TIMEOUT, "get"])
        .url("f.bin")
        .run();
    case.code(0).files(&["f.bin"]).says("PASV advertised 127.0.0.2:").says("connecting to the control peer 127.0.0.1:");
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn pasv_reply_without_parentheses_works() {
    let mut case = get(pasv_with("227 Entering Passive Mode {h},{p1},{p2}"), "pasv").run();
    case.code(0).files(&["f.bin"]);
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn pasv_reply_with_an_equals_sign_works() {
    let mut case = get(pasv_with("227 ={h},{p1},{p2}"), "pasv").run();
    case.code(0).files(&["f.bin"]);
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn pasv_reply_with_a_number_above_255_fails_the_mode_and_connects_nowhere() {
    let script = get_prelude(Some(5000)).answer("PASV", "227 Entering Passive Mode (127,0,0,1,300,21).\r\n");
    let case = get(script, "pasv").bound(secs(5)).run();
    case.code(6).error("number 300 out of range 0-255").files(&[]).never_sent("RETR");
}

#[test]
fn pasv_reply_with_port_0_fails_the_mode() {
    let script = get_prelude(Some(5000)).answer("PASV", "227 Entering Passive Mode (127,0,0,1,0,0).\r\n");
    let case = get(script, "pasv").bound(secs(5)).run();
    case.code(6).error("port 0 in the reply").files(&[]).never_sent("RETR");
}

#[test]
fn pasv_reply_without_an_address_falls_back_to_active_mode() {
    let script = get_prelude(Some(5000))
        .answer("EPSV", "502 No EPSV.\r\n")
        .answer("PASV", "227 Entering Passive Mode.\r\n")
        .answer("EPRT", "200 EPRT ok.\r\n")
        .connect_back(LOCAL);
    let mut case = get(retr(script), "auto").run();
    case.code(0).files(&["f.bin"]).says("EPSV failed").says("PASV failed (unusable 227 reply");
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn epsv_reply_with_another_delimiter_works() {
    // RFC 2428 §3: the delimiter is any printable character, the same three times and at the end.
    let script =
        retr(get_prelude(Some(5000)).expect("EPSV").passive("229 Entering Extended Passive Mode (!!!{port}!)"));
    let mut case = get(script, "epsv").run();
    case.code(0).files(&["f.bin"]);
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn epsv_reply_with_port_0_fails_the_mode() {
    let script = get_prelude(Some(5000)).answer("EPSV", "229 Entering Extended Passive Mode (|||0|)\r\n");
    let case = get(script, "epsv").bound(secs(5)).run();
    case.code(6).error("port 0 out of range 1-65535").files(&[]).never_sent("RETR");
}

#[test]
fn epsv_reply_with_a_port_above_65535_fails_the_mode() {
    let script = get_prelude(Some(5000)).answer("EPSV", "229 Entering Extended Passive Mode (|||65557|)\r\n");
    let case = get(script, "epsv").bound(secs(5)).run();
    case.code(6).error("port 65557 out of range 1-65535").files(&[]).never_sent("RETR");
}

#[test]
fn epsv_refused_falls_back_to_pasv() {
    let script = get_prelude(Some(5000))
        .answer("EPSV", "500 'EPSV': command not understood.\r\n")
        .expect("PASV")
        .passive("227 Entering Passive Mode ({h},{p1},{p2}).");
    let mut case = get(retr(script), "auto").run();
    case.code(0)
        .files(&["f.bin"])
        .says("ftpx: EPSV failed (EPSV refused: 500 'EPSV': command not understood.); falling back to PASV");
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn epsv_and_pasv_refused_exit_6_naming_both() {
    let script = get_prelude(Some(5000))
        .answer("EPSV", "500 Unknown command.\r\n")
        .answer("PASV", "550 Permission denied.\r\n")
        .sleep(secs(1));
    let case = get(script, "passive").bound(secs(5)).run();
    case.code(6).error("EPSV: EPSV refused: 500 Unknown command.; PASV: PASV refused: 550 Permission denied.");
    case.files(&[]).never_sent("EPRT").never_sent("RETR").says("ftpx: hint: try --mode active");
}

#[test]
fn eprt_refused_falls_back_to_port() {
    let script = get_prelude(Some(5000))
        .answer("EPRT", "500 EPRT not understood.\r\n")
        .answer("PORT 127,0,0,1,", "200 PORT command successful.\r\n")
        .connect_back(LOCAL);
    let mut case = get(retr(script), "active").run();
    case.code(0).files(&["f.bin"]).says("falling back to PORT");
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn active_server_that_answers_150_and_never_connects_exits_6_within_the_timeout() {
    let script = get_prelude(Some(5000))
        .answer("EPRT", "200 EPRT ok.\r\n")
        .answer("RETR f.bin", "150 Opening BINARY mode data connection.\r\n")
        .answer("ABOR", "226 ABOR successful.\r\n")
        .answer("NOOP", "200 NOOP ok.\r\n");
    let mut case = get(script, "eprt").bound(secs(5)).run();
    case.code(6).error("EPRT: the server did not connect back within 2s").files(&[]);
    case.script_played();
}

#[test]
fn active_150_then_425_fails_the_mode_at_once() {
    // The 425 says the server gave up: waiting out the accept timeout would only delay the error.
    let script = get_prelude(Some(5000))
        .answer("EPRT", "200 EPRT ok.\r\n")
        .answer("RETR f.bin", "150 Opening BINARY mode data connection.\r\n")
        .sleep(Duration::from_millis(100))
        .send("425 Can't open data connection.\r\n")
        .sleep(secs(1));
    let case =
        Hostile::new(script).args(["--mode", "eprt", "--timeout", "20", "get"]).url("f.bin").bound(secs(5)).run();
    case.code(6).error("425 Can't open data connection.").files(&[]);
}

#[test]
fn active_connection_from_another_host_is_refused_and_its_bytes_never_used() {
    // The data connection must come from the server: anyone else who guessed the port is
    // refused, and nothing they send reaches the file (the active-mode side of CVE-2020-8284).
    let script = get_prelude(Some(5000))
        .answer("EPRT", "200 EPRT ok.\r\n")
        .expect("RETR f.bin")
        .connect_back(FOREIGN)
        .data_send(b"forged bytes from a third host")
        .data_close()
        .sleep(Duration::from_millis(200))
        .connect_back(LOCAL)
        .send("150 Opening BINARY mode data connection.\r\n")
        .data_send(content())
        .data_close()
        .send("226 Transfer complete.\r\n");
    let mut case = Hostile::new(script).args(["-d", "--mode", "eprt", "--timeout", TIMEOUT, "get"]).url("f.bin").run();
    case.code(0).files(&["f.bin"]).says("EPRT: refused a data connection from 127.0.0.2:");
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn active_connection_only_from_another_host_exits_6_and_writes_nothing() {
    let script = get_prelude(Some(5000))
        .answer("EPRT", "200 EPRT ok.\r\n")
        .expect("RETR f.bin")
        .connect_back(FOREIGN)
        .data_send(b"forged bytes from a third host")
        .send("150 Opening BINARY mode data connection.\r\n")
        .answer("ABOR", "226 ABOR successful.\r\n")
        .answer("NOOP", "200 NOOP ok.\r\n");
    let mut case = get(script, "eprt").bound(secs(5)).run();
    case.code(6).error("the server did not connect back").files(&[]);
    case.script_played();
}

#[test]
fn passive_port_where_nothing_listens_falls_back_to_pasv() {
    let port = closed_port();
    let script = get_prelude(Some(5000))
        .answer("EPSV", format!("229 Entering Extended Passive Mode (|||{port}|)\r\n"))
        .expect("PASV")
        .passive("227 Entering Passive Mode ({h},{p1},{p2}).");
    let mut case = get(retr(script), "passive").run();
    case.code(0).files(&["f.bin"]).says(&format!("EPSV failed (connection to 127.0.0.1:{port} failed"));
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn data_connection_reset_before_any_byte_exits_11_and_keeps_the_empty_part() {
    let script = get_prelude(Some(5000))
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR f.bin", "150 Opening BINARY mode data connection.\r\n")
        .data_reset()
        .answer("ABOR", "426 Connection closed; transfer aborted.\r\n226 ABOR successful.\r\n");
    let mut case = get(script, "epsv").bound(secs(5)).run();
    case.code(11).error("the data connection was reset after 0 of 5,000 bytes").files(&["f.bin.part"]);
    assert!(case.file("f.bin.part").is_empty());
    case.script_played();
}

#[test]
fn data_connection_reset_halfway_exits_11_and_keeps_what_arrived() {
    let script = get_prelude(None)
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR f.bin", "150 Opening BINARY mode data connection.\r\n")
        .data_send(&content()[..1000])
        .sleep(Duration::from_millis(200))
        .data_reset()
        .answer("ABOR", "426 Connection closed; transfer aborted.\r\n226 ABOR successful.\r\n");
    let mut case = get(script, "epsv").bound(secs(5)).run();
    // Without SIZE the reset is the only sign the file is incomplete: it must not look complete.
    case.code(11)
        .error("the data connection was reset after 1,000 bytes")
        .error("f.bin.part kept")
        .files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..1000]);
    case.script_played();
}

/// A second file on the session that already made a passive connection: EPSV and RETR go out
/// together (one round trip less). A server that answers that RETR 425 before the connection
/// arrives gets the file asked again the plain way, and no more pipelining.
#[test]
fn a_425_to_a_pipelined_retr_is_retried_without_pipelining() {
    let other = random_bytes(3000, 61);
    let first = retr(get_prelude(Some(5000)).expect("EPSV").passive("229 Entering Extended Passive Mode (|||{port}|)"));
    let script = first
        .answer("SIZE g.bin", "213 3000\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR g.bin", "425 No data connection yet.\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR g.bin", "150 Opening BINARY mode data connection.\r\n")
        .data_send(&other)
        .data_close()
        .send("226 Transfer complete.\r\n");
    let mut case = Hostile::new(script)
        .args(["-d", "--mode", "epsv", "--timeout", TIMEOUT, "get"])
        .url("f.bin")
        .url("g.bin")
        .bound(secs(10))
        .run();
    case.code(0).files(&["f.bin", "g.bin"]).says("refused a pipelined RETR: not pipelining");
    assert_eq!(case.file("f.bin"), content());
    assert_eq!(case.file("g.bin"), other);
    case.script_played();
}

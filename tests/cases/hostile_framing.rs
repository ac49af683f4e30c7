//! Hostile servers: reply framing. Greetings that are not FTP, replies too long or never ending,
//! odd line endings and splits, codes out of range, connections lost halfway.
//!
//! The limits under test are `ftp::reply::{MAX_LINE, MAX_LINES, MAX_REPLY}` (64 KiB a line,
//! 10,000 lines and 1 MiB a reply) and the reply timeout, which bounds a whole reply (and its
//! preliminaries), not each read.

use std::time::Duration;

use super::hostile::{Hostile, TIMEOUT, epsv_transfer, secs, session};
use crate::support::script::Script;

const LISTING: &[u8] = b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00 a.txt\r\n";

/// The login and the LIST that `ls` makes after `greeting` and its own lines.
fn login_after(greeting: Script) -> Script {
    greeting
        .answer("USER ", "331 Password required.\r\n")
        .answer("PASS ", "230 Logged in.\r\n")
        .answer("FEAT", "502 Not implemented.\r\n")
}

fn ls(script: Script) -> Hostile {
    Hostile::new(script).args(["--timeout", TIMEOUT, "ls"]).url("")
}

#[test]
fn greeting_from_an_http_server_exits_3_and_sends_nothing() {
    let script = Script::new().send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").sleep(secs(1));
    let case = ls(script).bound(secs(5)).run();
    case.code(3).error("no FTP greeting from the server: not an FTP reply: \"HTTP/1.1 400 Bad Request\"").files(&[]);
    assert!(case.sent().is_empty(), "{:?}", case.sent());
}

#[test]
fn greeting_of_binary_garbage_exits_3_and_is_shown_escaped() {
    let script = Script::new().send(b"\x16\x03\x01\x00\xa5\x01\x1b[2J\r\n").sleep(secs(1));
    let case = ls(script).bound(secs(5)).run();
    case.code(3).error("not an FTP reply").error("\\e[2J");
    assert!(!case.out.stderr.contains('\x1b'), "a raw escape reached stderr: {:?}", case.out.stderr);
    assert!(case.sent().is_empty(), "{:?}", case.sent());
}

#[test]
fn greeting_421_exits_3_and_sends_nothing() {
    let script = Script::new().send("421 Too many connections, try later.\r\n").sleep(secs(1));
    let case = ls(script).bound(secs(5)).run();
    case.code(3).error("421 Too many connections, try later.").files(&[]);
    assert!(case.sent().is_empty(), "{:?}", case.sent());
}

#[test]
fn greeting_120_then_220_logs_in() {
    let greeting =
        Script::new().send("120 Ready in a moment.\r\n").sleep(Duration::from_millis(200)).send("220 Ready.\r\n");
    let mut case = ls(epsv_transfer(login_after(greeting), "LIST", LISTING)).run();
    case.code(0).files(&[]);
    assert_eq!(case.stdout(), b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00 a.txt\n");
    case.script_played();
}

#[test]
fn greeting_of_endless_120_replies_times_out_within_the_timeout() {
    // Each 120 comes well within the timeout; the timeout must bound the wait for the 220 as a
    // whole, or a server can hold the client forever.
    let mut script = Script::new();
    for _ in 0..40 {
        script = script.send("120 Ready in a moment.\r\n").sleep(Duration::from_millis(250));
    }
    let case = ls(script).bound(secs(5)).run();
    case.code(8).error("timed out after 2s").files(&[]);
}

#[test]
fn silent_server_times_out_waiting_for_the_greeting() {
    let case = ls(Script::new().sleep(secs(8))).bound(secs(5)).run();
    case.code(8).error("waiting for the server's greeting");
}

#[test]
fn control_connection_reset_during_the_greeting_exits_1() {
    // The pause lets the client finish connecting even on a loaded machine: a reset that lands
    // before it has seen its connect complete is reported as a failed connect (exit 3), which is
    // another case.
    let script = Script::new().send("220-Welcome\r\n").sleep(Duration::from_millis(500)).reset();
    let case = ls(script).bound(secs(5)).run();
    case.code(1).error("reset");
    assert!(case.sent().is_empty());
}

#[test]
fn reply_line_of_17_kb_works() {
    // Long STAT and HELP lines are real; 17 KB is well inside the 64 KiB line limit.
    let long = format!("220 {}\r\n", "x".repeat(17 * 1024));
    let mut case = ls(epsv_transfer(login_after(Script::new().send(long)), "LIST", LISTING)).run();
    case.code(0);
    assert!(case.stdout().ends_with(b" a.txt\n"));
    case.script_played();
}

#[test]
fn reply_line_of_1_mb_is_refused_without_reading_it_all() {
    let huge = format!("331 {}\r\n", "x".repeat(1024 * 1024));
    let script = Script::new().send("220 Hi.\r\n").answer("USER ", huge).sleep(secs(1));
    let case = ls(script).bound(secs(5)).run();
    case.code(1).error("reply line longer than 65536 bytes").never_sent("PASS");
}

#[test]
fn endless_multi_line_reply_is_refused_past_10000_lines() {
    let mut feat = String::from("211-Features:\r\n");
    for i in 0..20_000 {
        feat.push_str(&format!(" X{i}\r\n"));
    }
    let script = Script::new().login().answer("FEAT", feat).sleep(secs(1));
    let case = ls(script).bound(secs(5)).run();
    case.code(1).error("reply longer than 10000 lines").never_sent("EPSV");
}

#[test]
fn multi_line_reply_trickled_forever_times_out_as_a_whole() {
    // One line every 50 ms never lets a read time out; the bound is on the whole reply.
    let mut script = Script::new().login().answer("FEAT", "211-Features:\r\n");
    for _ in 0..160 {
        script = script.send(" SIZE\r\n").sleep(Duration::from_millis(50));
    }
    let case = ls(script).bound(secs(6)).run();
    case.code(8).error("waiting for a reply").never_sent("EPSV");
}

#[test]
fn nul_in_a_reply_is_shown_escaped_in_the_transcript() {
    let greeting = Script::new().send(b"220 hello\0world\r\n");
    let case = Hostile::new(epsv_transfer(login_after(greeting), "LIST", LISTING))
        .args(["-d", "--timeout", TIMEOUT, "ls"])
        .url("")
        .run();
    case.code(0).says("<--- 220 hello\\u{0}world");
    assert!(!case.out.stderr.contains('\0'), "a raw NUL reached stderr");
}

#[test]
fn lf_only_line_endings_work() {
    let script = Script::new()
        .send("220 Hi.\n")
        .answer("USER ", "331 Password.\n")
        .answer("PASS ", "230-Welcome\n line two\n230 In.\n")
        .answer("FEAT", "211-Features:\n EPSV\n211 End\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "150 Here.\n")
        .data_send(b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00 a.txt\n")
        .data_close()
        .send("226 Done.\n");
    let mut case = ls(script).run();
    case.code(0);
    assert_eq!(case.stdout(), b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00 a.txt\n");
    case.script_played();
}

#[test]
fn replies_one_byte_at_a_time_work() {
    let slow = Duration::from_millis(2);
    let script = Script::new()
        .send_slowly("220-Hello\r\n 220 padded text\r\n220 Hi.\r\n", slow)
        .expect("USER ")
        .send_slowly("331 Password.\r\n", slow)
        .expect("PASS ")
        .send_slowly("230 In.\r\n", slow)
        .expect("FEAT")
        .send_slowly("211-Features:\r\n EPSV\r\n211 End\r\n", slow)
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .expect("LIST")
        .send_slowly("150 Here.\r\n", slow)
        .data_send(LISTING)
        .data_close()
        .send_slowly("226 Done.\r\n", slow);
    let mut case = ls(script).run();
    case.code(0);
    assert_eq!(case.stdout(), b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00 a.txt\n");
    case.script_played();
}

#[test]
fn several_replies_in_one_read_are_each_used_once() {
    // 150 and 226 in one segment, before the data: the 226 waits in the buffer for its turn.
    let script = session()
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "150 Here.\r\n226 Done.\r\n")
        .data_send(LISTING)
        .data_close()
        .answer("QUIT", "221 Bye.\r\n");
    let mut case = ls(script).run();
    case.code(0);
    assert_eq!(case.stdout(), b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00 a.txt\n");
    case.script_played();
}

#[test]
fn multi_line_reply_ended_by_another_code_is_refused() {
    let script = Script::new().login().answer("FEAT", "211-Features:\r\n EPSV\r\n500 End\r\n").sleep(secs(1));
    let case = ls(script).bound(secs(5)).run();
    case.code(1).error("multi-line reply 211 ended with a different code").never_sent("EPSV");
}

#[test]
fn unsolicited_421_mid_session_ends_the_session_cleanly() {
    // RFC 959 §4.2: 421 may answer any command; nothing more is sent after it, not even QUIT.
    let script = session().answer("EPSV", "421 Idle timeout, closing.\r\n").sleep(secs(1));
    let case = ls(script).bound(secs(5)).run();
    case.code(1).error("421 Idle timeout, closing.").never_sent("PASV").never_sent("QUIT");
}

#[test]
fn reply_code_outside_1xx_to_5xx_is_refused() {
    for code in ["600", "099", "2x0"] {
        let script = Script::new().send("220 Hi.\r\n").answer("USER ", format!("{code} What.\r\n")).sleep(secs(1));
        let case = ls(script).bound(secs(5)).run();
        case.code(1).error("not an FTP reply").never_sent("PASS");
    }
}

#[test]
fn control_connection_closed_in_the_middle_of_a_reply_exits_1() {
    let script = Script::new().send("220 Hi.\r\n").expect("USER ").send("331-Password\r\n please").close();
    let case = ls(script).bound(secs(5)).run();
    case.code(1).error("the server closed the control connection").never_sent("PASS");
}

#[test]
fn control_connection_closed_in_the_middle_of_a_line_exits_1() {
    let script = session().expect("EPSV").send("22").close();
    let case = ls(script).bound(secs(5)).run();
    case.code(1).error("the server closed the control connection");
}

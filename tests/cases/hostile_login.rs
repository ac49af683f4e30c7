//! Hostile servers and hostile input around login: CR, LF and NUL in anything that goes on the
//! control connection (refused before connecting: nothing at all is sent), netrc entries that
//! belong to another host or user, the password never shown, odd login replies.
//!
//! A Rust FTP crate let CR/LF in a file name inject a second command and logged `PASS <password>`
//! at trace level; these cases pin that ftpx does neither.

use std::fs;

use super::hostile::{Hostile, TIMEOUT, contains, epsv_transfer, secs, session};
use crate::support::script::Script;

const PASSWORD: &str = "s3cret-Pw";

/// ftpx `args` against a server that expects nothing: whatever it receives was sent too early.
fn refused_before_connecting(args: &[&str], env: Option<(&str, &str)>) -> Hostile {
    let mut hostile = Hostile::new(Script::new().sleep(secs(2))).args(args).bound(secs(5));
    if let Some((key, value)) = env {
        hostile = hostile.env(key, value);
    }
    hostile
}

#[test]
fn crlf_in_the_password_is_refused_before_connecting() {
    let case = refused_before_connecting(&["-u", "alice:pw\r\nDELE keep.txt", "ls"], None).url("").run();
    case.code(2).error("password contains a CR character").files(&[]);
    assert!(case.sent().is_empty(), "sent: {:?}", case.sent());
}

#[test]
fn lf_in_the_password_from_the_environment_is_refused_before_connecting() {
    let case =
        refused_before_connecting(&["-u", "alice", "ls"], Some(("FTPX_PASSWORD", "pw\nDELE keep.txt"))).url("").run();
    case.code(2).error("password contains a LF character");
    assert!(case.sent().is_empty(), "sent: {:?}", case.sent());
}

#[test]
fn crlf_in_the_user_flag_is_refused_before_connecting() {
    let case = refused_before_connecting(&["-u", "alice\r\nDELE keep.txt:pw", "ls"], None).url("").run();
    case.code(2).error("user name contains a CR character");
    assert!(case.sent().is_empty(), "sent: {:?}", case.sent());
}

#[test]
fn nul_in_the_user_name_of_the_url_is_refused_before_connecting() {
    let case = refused_before_connecting(&["ls"], None).url_as("ali%00ce", "pw", "").run();
    case.code(2).error("user name contains a NUL character");
    assert!(case.sent().is_empty(), "sent: {:?}", case.sent());
}

#[test]
fn crlf_in_the_path_is_refused_before_connecting() {
    let case = refused_before_connecting(&["get"], None).url("a%0D%0ADELE%20keep.txt").run();
    case.code(2).error("path contains a CR character").files(&[]);
    assert!(case.sent().is_empty(), "sent: {:?}", case.sent());
}

#[test]
fn crlf_in_a_raw_command_is_refused_before_connecting() {
    let case = refused_before_connecting(&["quote"], None).url("").args(["NOOP\r\nDELE keep.txt"]).run();
    case.code(2).error("command contains a CR character");
    assert!(case.sent().is_empty(), "sent: {:?}", case.sent());
}

#[test]
fn lf_in_a_new_name_is_refused_before_connecting() {
    let case = refused_before_connecting(&["mv"], None).url("old.txt").args(["new.txt\nDELE keep.txt"]).run();
    case.code(2).error("path contains a LF character");
    assert!(case.sent().is_empty(), "sent: {:?}", case.sent());
}

#[test]
fn netrc_entry_for_another_host_is_never_used() {
    let script = Script::new()
        .send("220 Hi.\r\n")
        .answer("USER anonymous", "331 Any password.\r\n")
        .answer("PASS ftpx@", "230 Welcome, anonymous.\r\n")
        .answer("FEAT", "502 No.\r\n");
    let hostile = Hostile::new(epsv_transfer(script, "LIST", b""));
    fs::write(hostile.work().join("netrc"), "machine 127.0.0.2 login bob password bobs-secret\n").unwrap();
    let mut case = hostile.args(["--netrc-file", "netrc", "--timeout", TIMEOUT, "ls"]).url("").run();
    case.code(0);
    assert!(!case.sent().iter().any(|l| l.contains("bob")), "{:?}", case.sent());
    case.script_played();
}

#[test]
fn netrc_entry_for_another_user_is_never_used() {
    // The entry for this host belongs to bob; alice has no password anywhere, and no terminal to
    // be asked on: bob's password must not be tried in her name.
    let script =
        Script::new().send("220 Hi.\r\n").answer("USER alice", "331 Password required for alice.\r\n").sleep(secs(1));
    let hostile = Hostile::new(script);
    fs::write(hostile.work().join("netrc"), "machine 127.0.0.1 login bob password bobs-secret\n").unwrap();
    let case =
        hostile.args(["--netrc-file", "netrc", "-u", "alice", "--timeout", TIMEOUT, "ls"]).url("").bound(secs(5)).run();
    case.code(4).error("the server asks for a password for user 'alice' and none was given").never_sent("PASS");
}

#[test]
fn password_never_shown_in_output_transcript_or_errors() {
    let script = Script::new()
        .send("220 Hi.\r\n")
        .answer("USER alice", "331 Password required.\r\n")
        .answer("PASS ", "530 Login incorrect.\r\n")
        .sleep(secs(1));
    let case = Hostile::new(script)
        .args(["-d", "--trace", "trace.log", "--timeout", TIMEOUT, "ls"])
        .url_as("alice", PASSWORD, "")
        .bound(secs(5))
        .run();
    case.code(4).error("login refused: 530 Login incorrect.").says("---> PASS ****").files(&["trace.log"]);
    assert_eq!(case.sent()[1], format!("PASS {PASSWORD}"), "the server does get it");
    assert!(!case.out.stderr.contains(PASSWORD), "on stderr:\n{}", case.out.stderr);
    assert!(!contains(case.stdout(), PASSWORD.as_bytes()), "on stdout");
    let trace = fs::read(case.work().join("trace.log")).unwrap();
    assert!(contains(&trace, b"PASS ****"), "{}", String::from_utf8_lossy(&trace));
    assert!(!contains(&trace, PASSWORD.as_bytes()), "in the trace:\n{}", String::from_utf8_lossy(&trace));
}

#[test]
fn url_with_a_password_is_shown_masked() {
    let case = refused_before_connecting(&["get"], None).url_as("alice", PASSWORD, "dir/").run();
    case.code(2).error("ftp://alice:****@127.0.0.1:").error("/dir/ names a directory, not a file");
    assert!(!case.out.stderr.contains(PASSWORD));
    assert!(case.sent().is_empty());
}

#[test]
fn password_in_a_raw_pass_command_is_masked_in_the_transcript() {
    let script = session().answer("PASS hunter2", "503 Already logged in.\r\n");
    let mut case =
        Hostile::new(script).args(["-d", "--timeout", TIMEOUT, "quote"]).url("").args(["PASS", "hunter2"]).run();
    case.code(5).says("---> PASS ****");
    assert!(!case.out.stderr.contains("hunter2"), "{}", case.out.stderr);
    case.script_played();
}

#[test]
fn user_accepted_without_a_password_is_never_sent_one() {
    let script = Script::new()
        .send("220 Hi.\r\n")
        .answer("USER alice", "230 No password needed.\r\n")
        .answer("FEAT", "502 No.\r\n");
    let mut case = Hostile::new(epsv_transfer(script, "LIST", b""))
        .args(["--timeout", TIMEOUT, "ls"])
        .url_as("alice", PASSWORD, "")
        .run();
    case.code(0).never_sent("PASS");
    case.script_played();
}

#[test]
fn login_refused_exits_4_with_the_servers_reply() {
    let script =
        Script::new().send("220 Hi.\r\n").answer("USER ", "530 This FTP server is anonymous only.\r\n").sleep(secs(1));
    let case =
        Hostile::new(script).args(["--timeout", TIMEOUT, "ls"]).url_as("alice", PASSWORD, "").bound(secs(5)).run();
    case.code(4)
        .error("login refused: 530 This FTP server is anonymous only.")
        .says("ftpx: hint: check the user name and password");
    case.never_sent("PASS");
}

#[test]
fn account_asked_for_and_not_given_exits_4() {
    let script = Script::new()
        .send("220 Hi.\r\n")
        .answer("USER ", "331 Password required.\r\n")
        .answer("PASS ", "332 Need account for login.\r\n")
        .sleep(secs(1));
    let case =
        Hostile::new(script).args(["--timeout", TIMEOUT, "ls"]).url_as("alice", PASSWORD, "").bound(secs(5)).run();
    case.code(4).error("login refused: 332 Need account for login.").never_sent("ACCT");
}

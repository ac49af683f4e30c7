//! What must never happen: a password in any output, a command smuggled in through CR/LF or NUL,
//! a file name mangled because it is not UTF-8.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;

use super::{PASS, USER, server, url};
use crate::support::{TestServer, dir_names, ftpx, write_random};

/// The commands the server received after the last successful PASS, if any login happened.
fn after_login(server: &TestServer) -> Vec<String> {
    let commands = server.commands();
    match commands.iter().rposition(|c| c.starts_with("PASS ")) {
        Some(pass) => commands[pass + 1..].to_vec(),
        None => Vec::new(),
    }
}

#[track_caller]
fn assert_nothing_sent_after_login(server: &TestServer) {
    let after = after_login(server);
    assert!(after.iter().all(|c| c == "QUIT"), "sent after login: {after:?}");
}

#[test]
fn debug_output_never_shows_the_password() {
    let server = server();
    write_random(server.root().join("f.bin"), 10_000, 40);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx()
        .current_dir(local.path())
        .args(["-d", "--trace", "trace.log", "-u", "alice:s3cret"])
        .args(["get", &server.url("f.bin")])
        .run();
    out.assert_success();
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(lines.contains(&"---> USER alice"), "{}", out.stderr);
    assert!(lines.contains(&"---> PASS ****"), "{}", out.stderr);
    assert!(lines.iter().any(|l| l.starts_with("<--- 331 ")), "{}", out.stderr);
    assert!(lines.iter().any(|l| l.starts_with("<--- 230 ")), "{}", out.stderr);
    assert!(lines.iter().any(|l| l.starts_with("*** ")), "no data-connection events");
    assert!(!out.stderr.contains(PASS), "password on stderr:\n{}", out.stderr);
    assert!(!out.stdout_str().contains(PASS), "password on stdout");
    let trace = fs::read(local.path().join("trace.log")).expect("the --trace file");
    assert!(!trace.is_empty());
    assert!(!String::from_utf8_lossy(&trace).contains(PASS), "password in the trace file");
}

#[test]
fn errors_never_show_the_password_from_the_url() {
    let server = server();
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["-d", "get", &url(&server, "missing.bin")]).run();
    out.assert_code(5);
    assert!(!out.stderr.contains(PASS), "password on stderr:\n{}", out.stderr);
    assert!(out.stderr.contains("---> PASS ****"), "{}", out.stderr);
}

#[test]
fn crlf_in_the_url_path_exits_2_and_sends_nothing_after_login() {
    let server = server();
    fs::write(server.root().join("keep.txt"), "precious").unwrap();
    let smuggled = url(&server, "a%0d%0aDELE%20keep.txt");
    let local = tempfile::tempdir().unwrap();
    for args in [
        vec!["get", smuggled.as_str()],
        vec!["rm", smuggled.as_str()],
        vec!["mkdir", smuggled.as_str()],
        vec!["ls", smuggled.as_str()],
    ] {
        let out = ftpx().current_dir(local.path()).args(&args).run();
        out.assert_code(2).assert_one_error_line();
        assert_nothing_sent_after_login(&server);
    }
    assert!(server.root().join("keep.txt").exists());
    assert!(dir_names(local.path()).is_empty());
}

#[test]
fn crlf_in_a_plain_argument_exits_2_and_sends_nothing_after_login() {
    let server = server();
    fs::write(server.root().join("old.txt"), "x").unwrap();
    fs::write(server.root().join("keep.txt"), "precious").unwrap();
    let out = ftpx().args(["mv", &url(&server, "old.txt"), "new.txt\r\nDELE keep.txt"]).run();
    out.assert_code(2).assert_one_error_line();
    assert_nothing_sent_after_login(&server);
    let out = ftpx().args(["quote", &url(&server, ""), "NOOP\r\nDELE", "keep.txt"]).run();
    out.assert_code(2).assert_one_error_line();
    assert_nothing_sent_after_login(&server);
    assert!(server.root().join("keep.txt").exists());
    assert!(server.root().join("old.txt").exists());
}

#[test]
fn crlf_in_the_credentials_exits_2_and_sends_no_command() {
    let server = server();
    let out = ftpx().args(["-u", "alice:s3cret\r\nDELE keep.txt", "ls", &server.url("")]).run();
    out.assert_code(2).assert_one_error_line();
    let commands = server.commands();
    assert!(commands.iter().all(|c| !c.starts_with("DELE") && !c.starts_with("PASS")), "{commands:?}");
    let user_in_url = format!("ftp://{USER}%0d%0aDELE%20x:{PASS}@{}/", server.addr());
    ftpx().args(["ls", &user_in_url]).run().assert_code(2);
    assert!(!server.verbs().contains(&"DELE".to_owned()));
}

#[test]
fn nul_in_the_url_path_exits_2() {
    let server = server();
    fs::write(server.root().join("a"), "x").unwrap();
    let out = ftpx().args(["get", &url(&server, "a%00b")]).run();
    out.assert_code(2).assert_one_error_line();
    assert_nothing_sent_after_login(&server);
}

const LATIN1_NAME: &[u8] = b"caf\xe9.bin";

#[test]
fn non_utf8_file_name_survives_ls_names_only() {
    let server = server();
    fs::write(server.root().join(OsStr::from_bytes(LATIN1_NAME)), "x").unwrap();
    fs::write(server.root().join("plain.txt"), "x").unwrap();
    let out = ftpx().args(["ls", "-1", &url(&server, "")]).run();
    out.assert_success();
    let names: Vec<&[u8]> = out
        .stdout
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect();
    assert!(names.contains(&LATIN1_NAME), "the raw name is not on stdout: {:?}", String::from_utf8_lossy(&out.stdout));
    assert!(names.contains(&&b"plain.txt"[..]));
}

#[test]
fn non_utf8_file_name_can_be_downloaded() {
    let server = server();
    let content = write_random(server.root().join(OsStr::from_bytes(LATIN1_NAME)), 30_000, 41);
    let local = tempfile::tempdir().unwrap();
    ftpx().current_dir(local.path()).args(["get", &url(&server, "caf%E9.bin")]).run().assert_success();
    assert_eq!(dir_names(local.path()), [LATIN1_NAME.to_vec()]);
    let got = fs::read(local.path().join(OsStr::from_bytes(LATIN1_NAME))).unwrap();
    assert!(got == content);
    let retr: Vec<u8> = [&b"RETR "[..], LATIN1_NAME].concat();
    assert!(server.commands().contains(&String::from_utf8_lossy(&retr).into_owned()), "{:?}", server.commands());
}

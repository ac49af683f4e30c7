//! `--explain`: the transcript's address lines decoded, right under the line they explain, in the
//! one-shot commands and the shell (`explain on`).

use std::fs;

use super::{server, url};
use crate::support::ftpx;

/// The line after the first one that starts with `prefix`.
fn after<'a>(stderr: &'a str, prefix: &str) -> (&'a str, &'a str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let i = lines.iter().position(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix:?} in:\n{stderr}"));
    (lines[i], lines.get(i + 1).copied().unwrap_or_default())
}

#[test]
fn port_is_explained_with_its_arithmetic_under_the_line() {
    let server = server();
    fs::write(server.root().join("a.txt"), "hello").unwrap();
    let out = ftpx().args(["--explain", "--mode", "port", "get", &url(&server, "a.txt"), "-o", "-"]).run();
    out.assert_success();
    let (line, note) = after(&out.stderr, "---> PORT ");
    let arg = line.trim_start_matches("---> PORT ");
    let n: Vec<u32> = arg.split(',').map(|p| p.parse().unwrap()).collect();
    let port = n[4] * 256 + n[5];
    assert_eq!(
        note,
        format!(
            "    ^ PORT {arg} = address {}.{}.{}.{}, port {} x 256 + {} = {port}",
            n[0], n[1], n[2], n[3], n[4], n[5]
        )
    );
    assert!(
        out.stderr.contains("    ^ active mode: the client listens there and the server opens the data connection to")
    );
    let (_, note) = after(&out.stderr, "<--- 150");
    assert!(note.starts_with("    ^ 150: the server accepted RETR and the data connection is opening"), "{note}");
    let (_, note) = after(&out.stderr, "<--- 226");
    assert_eq!(note, "    ^ 226: the server finished RETR and closed the data connection: everything was sent");
}

#[test]
fn epsv_and_pasv_replies_are_decoded() {
    let server = server();
    let out = ftpx().args(["--explain", "--mode", "pasv", "ls", &url(&server, "")]).run();
    out.assert_success();
    let (line, note) = after(&out.stderr, "<--- 227");
    let open = line.find('(').unwrap();
    let n: Vec<u32> = line[open + 1..line.find(')').unwrap()].split(',').map(|p| p.trim().parse().unwrap()).collect();
    assert_eq!(
        note,
        format!(
            "    ^ 227 ({},{},{},{},{},{}) = address {}.{}.{}.{}, port {} x 256 + {} = {}",
            n[0],
            n[1],
            n[2],
            n[3],
            n[4],
            n[5],
            n[0],
            n[1],
            n[2],
            n[3],
            n[4],
            n[5],
            n[4] * 256 + n[5]
        )
    );
    let out = ftpx().args(["--explain", "--mode", "epsv", "ls", &url(&server, "")]).run();
    out.assert_success();
    let (line, note) = after(&out.stderr, "<--- 229");
    let port = line.split('|').nth(3).unwrap();
    assert_eq!(
        note,
        format!(
            "    ^ 229 (|||{port}|) = port {port}; the address is the one this control connection goes to (RFC 2428)"
        )
    );
}

#[test]
fn without_explain_there_are_no_notes() {
    let server = server();
    let out = ftpx().args(["-d", "--mode", "pasv", "ls", &url(&server, "")]).run();
    out.assert_success();
    assert!(out.stderr.contains("<--- 227"), "{}", out.stderr);
    assert!(!out.stderr.contains("    ^ "), "{}", out.stderr);
}

#[test]
fn the_shell_turns_explaining_on() {
    let server = server();
    let out = ftpx().args(["--mode", "epsv", &url(&server, "")]).stdin("explain on\nls\nbye\n").run();
    out.assert_success();
    assert!(out.stdout_str().contains("Explaining on."), "{}", out.stdout_str());
    let (_, note) = after(&out.stderr, "<--- 229");
    assert!(note.starts_with("    ^ 229 (|||"), "{note}");
}

#[test]
fn a_refused_eprt_and_the_fallback_to_port_are_explained() {
    let server = super::server_with(crate::support::ServerConfig::new().refuse_eprt("500 Unknown command."));
    fs::write(server.root().join("f.txt"), "x").unwrap();
    let out = ftpx().args(["--explain", "--mode", "active", "get", &url(&server, "f.txt"), "-o", "-"]).run();
    out.assert_success();
    let (_, note) = after(&out.stderr, "<--- 500 Unknown command.");
    assert_eq!(note, "    ^ 500: this server does not know EPRT; the IPv4 form (PORT) may work");
    assert!(
        out.stderr.contains(
            "    ^ EPRT did not work here (EPRT refused: 500 Unknown command.), so this session stops trying it and sets up \
             every later data connection with PORT"
        ),
        "{}",
        out.stderr
    );
}

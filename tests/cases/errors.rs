//! Exit codes and the local files left behind when something goes wrong.

use std::fs;
use std::net::TcpListener;

use super::{server, server_with, url};
use crate::support::{ServerConfig, dir_names, ftpx, write_random};

#[test]
fn wrong_password_exits_4() {
    let server = server();
    fs::write(server.root().join("f"), "x").unwrap();
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["get", &server.url_as("alice", "wrong", "f")]).run();
    out.assert_code(4).assert_one_error_line();
    assert!(dir_names(local.path()).is_empty());
    assert!(!server.verbs().contains(&"RETR".to_owned()));
}

#[test]
fn missing_file_exits_5_and_creates_no_local_file() {
    let server = server();
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["get", &url(&server, "nope.bin")]).run();
    out.assert_code(5).assert_one_error_line();
    assert!(dir_names(local.path()).is_empty(), "left behind: {:?}", dir_names(local.path()));
}

#[test]
fn truncated_transfer_exits_11_and_keeps_the_part_file() {
    let server = server_with(ServerConfig::new().truncate_data(1000));
    let content = write_random(server.root().join("f.bin"), 100_000, 20);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["get", &url(&server, "f.bin")]).run();
    out.assert_code(11).assert_one_error_line();
    assert_eq!(dir_names(local.path()), [b"f.bin.part"], "no final file");
    let part = fs::read(local.path().join("f.bin.part")).unwrap();
    assert!(part == content[..1000], "the .part holds what arrived");
}

#[test]
fn failed_download_leaves_an_existing_file_untouched() {
    let server = server_with(ServerConfig::new().truncate_data(10));
    write_random(server.root().join("f.bin"), 5000, 21);
    let local = tempfile::tempdir().unwrap();
    fs::write(local.path().join("f.bin"), "older copy").unwrap();
    let out = ftpx().current_dir(local.path()).args(["get", &url(&server, "f.bin")]).run();
    out.assert_code(11);
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), b"older copy");
}

#[test]
fn unreachable_server_exits_3() {
    // A port that was free a moment ago: connecting to it is refused.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = ftpx().args(["ls", &format!("ftp://127.0.0.1:{port}/")]).run();
    out.assert_code(3).assert_one_error_line();
}

#[test]
fn put_of_a_missing_local_file_exits_9_and_stores_nothing() {
    let server = server();
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["put", "absent.bin", &url(&server, "")]).run();
    out.assert_code(9).assert_one_error_line();
    assert!(!server.verbs().contains(&"STOR".to_owned()));
    assert!(dir_names(server.root()).is_empty());
}

//! rm, mkdir, rmdir and mv. They use no data connection, but run in each mode anyway: a client
//! must not open one (or fail to) for a command that needs none.

use std::fs;

use super::{in_each_mode, server, url};
use crate::support::ftpx;

/// The data-connection commands the server saw.
fn data_commands(server: &crate::support::TestServer) -> Vec<String> {
    server.verbs().into_iter().filter(|v| ["EPSV", "PASV", "EPRT", "PORT"].contains(&v.as_str())).collect()
}

#[test]
fn rm_deletes_remote_files_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        fs::write(server.root().join("one"), "1").unwrap();
        fs::write(server.root().join("two"), "2").unwrap();
        fs::write(server.root().join("keep"), "3").unwrap();
        ftpx().args(["--mode", mode, "rm", &url(&server, "one"), &url(&server, "two")]).run().assert_success();
        assert!(!server.root().join("one").exists(), "mode {mode}");
        assert!(!server.root().join("two").exists(), "mode {mode}");
        assert!(server.root().join("keep").exists(), "mode {mode}");
        let opened = data_commands(&server);
        assert!(opened.is_empty(), "mode {mode}: data connection set up: {opened:?}");
    });
}

#[test]
fn mkdir_creates_a_directory_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        ftpx().args(["--mode", mode, "mkdir", &url(&server, "new")]).run().assert_success();
        assert!(server.root().join("new").is_dir(), "mode {mode}");
        let opened = data_commands(&server);
        assert!(opened.is_empty(), "mode {mode}: data connection set up: {opened:?}");
    });
}

#[test]
fn mkdir_parents_creates_missing_parents_and_accepts_an_existing_one_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        fs::create_dir(server.root().join("a")).unwrap();
        for _ in 0..2 {
            ftpx().args(["--mode", mode, "mkdir", "-p", &url(&server, "a/b/c")]).run().assert_success();
            assert!(server.root().join("a/b/c").is_dir(), "mode {mode}");
        }
        let opened = data_commands(&server);
        assert!(opened.is_empty(), "mode {mode}: data connection set up: {opened:?}");
    });
}

#[test]
fn mkdir_of_an_existing_directory_without_parents_exits_5() {
    let server = server();
    fs::create_dir(server.root().join("there")).unwrap();
    let out = ftpx().args(["mkdir", &url(&server, "there")]).run();
    out.assert_code(5).assert_one_error_line();
}

#[test]
fn rmdir_removes_an_empty_directory_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        fs::create_dir(server.root().join("empty")).unwrap();
        ftpx().args(["--mode", mode, "rmdir", &url(&server, "empty")]).run().assert_success();
        assert!(!server.root().join("empty").exists(), "mode {mode}");
        let opened = data_commands(&server);
        assert!(opened.is_empty(), "mode {mode}: data connection set up: {opened:?}");
    });
}

#[test]
fn rmdir_of_a_non_empty_directory_exits_5_and_keeps_it() {
    let server = server();
    fs::create_dir(server.root().join("full")).unwrap();
    fs::write(server.root().join("full/f"), "x").unwrap();
    let out = ftpx().args(["rmdir", &url(&server, "full")]).run();
    out.assert_code(5).assert_one_error_line();
    assert!(server.root().join("full/f").exists());
}

#[test]
fn mv_renames_a_file_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        fs::write(server.root().join("old.txt"), "content").unwrap();
        fs::create_dir(server.root().join("dir")).unwrap();
        ftpx().args(["--mode", mode, "mv", &url(&server, "old.txt"), "new.txt"]).run().assert_success();
        assert!(!server.root().join("old.txt").exists(), "mode {mode}");
        assert_eq!(fs::read(server.root().join("new.txt")).unwrap(), b"content");
        ftpx().args(["--mode", mode, "mv", &url(&server, "new.txt"), "/dir/moved.txt"]).run().assert_success();
        assert!(server.root().join("dir/moved.txt").is_file(), "mode {mode}");
        let opened = data_commands(&server);
        assert!(opened.is_empty(), "mode {mode}: data connection set up: {opened:?}");
    });
}

#[test]
fn rm_of_a_missing_file_exits_5() {
    let server = server();
    let out = ftpx().args(["rm", &url(&server, "absent")]).run();
    out.assert_code(5).assert_one_error_line();
}

//! `ftpx get --segments N`: one file in ranges over several sessions, byte-exact, with the
//! fallbacks (no REST, a small file), a server that refuses sessions, and `-c`.

use std::fs;

use super::{server_with, url};
use crate::support::{ServerConfig, dir_names, ftpx, write_random};

const MIB: usize = 1 << 20;

fn rests(server: &crate::support::TestServer) -> Vec<u64> {
    let mut r: Vec<u64> =
        server.commands().iter().filter_map(|c| c.strip_prefix("REST ")).map(|n| n.parse().unwrap()).collect();
    r.sort();
    r
}

#[test]
fn segments_are_byte_exact_for_sizes_that_do_not_divide_evenly() {
    let server = server_with(ServerConfig::new());
    let size = 5 * MIB + 3;
    let content = write_random(server.root().join("big.bin"), size, 11);
    let work = tempfile::tempdir().unwrap();
    ftpx()
        .current_dir(work.path())
        .args(["-q", "get", "--segments", "4", &url(&server, "big.bin")])
        .run()
        .assert_success();
    assert!(fs::read(work.path().join("big.bin")).unwrap() == content);
    assert_eq!(dir_names(work.path()), [b"big.bin"], "the .part or its state was left");
    let retrs = server.verbs().iter().filter(|v| *v == "RETR").count();
    assert_eq!(retrs, 4);
    // The first range takes the remainder's bytes, one each.
    let base = (size / 4) as u64;
    assert_eq!(rests(&server), [base + 1, 2 * base + 2, 3 * base + 3]);
}

#[test]
fn a_server_without_rest_gets_one_stream_and_says_so() {
    let server = server_with(ServerConfig::new().no_rest());
    let content = write_random(server.root().join("big.bin"), 3 * MIB, 12);
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["get", "--segments", "4", &url(&server, "big.bin")]).run();
    out.assert_success();
    assert!(out.stderr.contains("as one stream: the server does not offer REST STREAM"), "{}", out.stderr);
    assert!(fs::read(work.path().join("big.bin")).unwrap() == content);
    assert_eq!(server.verbs().iter().filter(|v| *v == "RETR").count(), 1);
}

#[test]
fn a_small_file_gets_one_stream() {
    let server = server_with(ServerConfig::new());
    let content = write_random(server.root().join("s.bin"), 1000, 13);
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["get", "--segments", "8", &url(&server, "s.bin")]).run();
    out.assert_success();
    assert!(out.stderr.contains("the file is small"), "{}", out.stderr);
    assert_eq!(fs::read(work.path().join("s.bin")).unwrap(), content);
}

#[test]
fn a_server_refusing_the_third_session_leaves_two_doing_all_ranges() {
    let server = server_with(ServerConfig::new().max_sessions(2));
    let content = write_random(server.root().join("big.bin"), 6 * MIB + 5, 14);
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["get", "--segments", "4", &url(&server, "big.bin")]).run();
    out.assert_success();
    assert_eq!(out.stderr.matches("refused another session").count(), 1, "{}", out.stderr);
    assert!(fs::read(work.path().join("big.bin")).unwrap() == content);
    assert_eq!(server.verbs().iter().filter(|v| *v == "RETR").count(), 4);
}

#[test]
fn continue_fetches_only_the_ranges_not_yet_complete() {
    let server = server_with(ServerConfig::new());
    let size = 4 * MIB as u64 + 2;
    let content = write_random(server.root().join("big.bin"), size as usize, 15);
    let work = tempfile::tempdir().unwrap();
    // As an interrupted run leaves it: range 0 complete, range 1 half, ranges 2 and 3 not begun;
    // what is not recorded as done holds zeros.
    let q = size / 4;
    let ranges = [(0, q + 1, q + 1), (q + 1, 2 * q + 2, q / 2), (2 * q + 2, 3 * q + 2, 0), (3 * q + 2, size, 0)];
    let mut part = vec![0u8; size as usize];
    for (start, _, done) in ranges {
        part[start as usize..(start + done) as usize]
            .copy_from_slice(&content[start as usize..(start + done) as usize]);
    }
    fs::write(work.path().join("big.bin.part"), &part).unwrap();
    let state: String = ranges.iter().map(|(s, e, d)| format!("{s} {e} {d}\n")).collect();
    fs::write(work.path().join("big.bin.part.segments"), format!("ftpx segments 1\nsize {size}\n{state}")).unwrap();
    // A plain `get -c` finds the state and resumes the ranges: the .part's holes are not a prefix.
    ftpx().current_dir(work.path()).args(["-q", "get", "-c", &url(&server, "big.bin")]).run().assert_success();
    assert!(fs::read(work.path().join("big.bin")).unwrap() == content);
    assert_eq!(dir_names(work.path()), [b"big.bin"]);
    assert_eq!(rests(&server), [q + 1 + q / 2, 2 * q + 2, 3 * q + 2], "{:?}", server.commands());
}

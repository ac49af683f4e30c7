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
    // Four ranges, the first taking the remainder's bytes, one each. A loaded machine may let an
    // idle session split a range that lags (more RETRs), but each range still starts where it
    // should.
    let base = (size / 4) as u64;
    let rests = rests(&server);
    for start in [base + 1, 2 * base + 2, 3 * base + 3] {
        assert!(rests.contains(&start), "no REST {start}: {:?}", server.commands());
    }
    assert_eq!(server.verbs().iter().filter(|v| *v == "RETR").count(), rests.len() + 1);
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
    // Four ranges over two sessions (more RETRs only if one lagging range was split).
    assert!(server.verbs().iter().filter(|v| *v == "RETR").count() >= 4);
}

#[test]
fn the_sessions_of_a_segmented_get_log_in_at_once() {
    // The first login is answered only once the other three PASS have arrived (see the mirror's
    // twin of this test).
    let server = server_with(ServerConfig::new().hold_first_login(4));
    let content = write_random(server.root().join("big.bin"), 4 * MIB + 1, 15);
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["-q", "get", "--segments", "4", &url(&server, "big.bin")]).run();
    out.assert_success();
    assert_eq!(server.logins_beside_first(), Some(3), "{:?}", server.commands());
    assert!(fs::read(work.path().join("big.bin")).unwrap() == content);
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
    // Version 1 of the state (before ranges could split): still resumed.
    fs::write(work.path().join("big.bin.part.segments"), format!("ftpx segments 1\nsize {size}\n{state}")).unwrap();
    // A plain `get -c` finds the state and resumes the ranges: the .part's holes are not a prefix.
    ftpx().current_dir(work.path()).args(["-q", "get", "-c", &url(&server, "big.bin")]).run().assert_success();
    assert!(fs::read(work.path().join("big.bin")).unwrap() == content);
    assert_eq!(dir_names(work.path()), [b"big.bin"]);
    assert_eq!(rests(&server), [q + 1 + q / 2, 2 * q + 2, 3 * q + 2], "{:?}", server.commands());
}

/// The ranges in a state file: (start, end, done).
fn saved_ranges(path: &std::path::Path) -> Vec<(u64, u64, u64)> {
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let f: Vec<u64> = l.split(' ').map(|x| x.parse().ok()).collect::<Option<_>>()?;
            (f.len() == 3).then(|| (f[0], f[1], f[2]))
        })
        .collect()
}

#[test]
fn a_slow_session_s_range_is_split_among_the_others() {
    // Session 1 (the first connection; all four log in at once, so any range may be its) at
    // 256 kB/s: alone, its MiB takes 4 s.
    let server = server_with(ServerConfig::new().throttle_session(1, 256_000));
    let size = 4 * MIB + 7;
    let content = write_random(server.root().join("big.bin"), size, 16);
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["-q", "get", "--segments", "4", &url(&server, "big.bin")]).run();
    out.assert_success();
    assert!(fs::read(work.path().join("big.bin")).unwrap() == content, "not byte-exact");
    assert_eq!(dir_names(work.path()), [b"big.bin"]);
    // The four ranges start at 0 and these (the first three take one of the remainder's bytes
    // each); a REST anywhere else is a session taking over part of the slow one's range.
    let base = (size / 4) as u64;
    let starts = [base + 1, 2 * base + 2, 3 * base + 3];
    let splits: Vec<u64> = rests(&server).into_iter().filter(|r| !starts.contains(r)).collect();
    assert!(!splits.is_empty(), "no session took over part of the slow range: {:?}", server.commands());
    assert!(server.verbs().iter().filter(|v| *v == "RETR").count() > 4);
}

#[test]
fn a_download_killed_after_splits_resumes_only_what_is_missing() {
    let server = server_with(ServerConfig::new().throttle_session(1, 128_000));
    let size = 4 * MIB + 1;
    let content = write_random(server.root().join("big.bin"), size, 17);
    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("big.bin.part.segments");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ftpx"))
        .current_dir(work.path())
        .args(["-q", "get", "--segments", "4", &url(&server, "big.bin")])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed (no chance to save anything more) once range 0 has been split and the others are in.
    let started = std::time::Instant::now();
    loop {
        let ranges = saved_ranges(&state);
        let pending = ranges.iter().filter(|(s, e, d)| e - s > *d).count();
        if ranges.len() > 4 && pending == 1 {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "no split seen: {ranges:?}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(fs::read_to_string(&state).unwrap().starts_with("ftpx segments 2\n"));
    // What the state says is in, is in.
    let part = fs::read(work.path().join("big.bin.part")).unwrap();
    let saved = saved_ranges(&state);
    for (s, _, d) in &saved {
        assert!(part[*s as usize..(s + d) as usize] == content[*s as usize..(s + d) as usize]);
    }
    let before = server.commands().len();

    // Sessions 5 and on are not throttled.
    ftpx().current_dir(work.path()).args(["-q", "get", "-c", &url(&server, "big.bin")]).run().assert_success();
    assert!(fs::read(work.path().join("big.bin")).unwrap() == content, "not byte-exact");
    assert_eq!(dir_names(work.path()), [b"big.bin"]);
    let again: Vec<u64> =
        server.commands()[before..].iter().filter_map(|c| c.strip_prefix("REST ")?.parse().ok()).collect();
    assert!(!again.is_empty());
    // Every range the second run fetched lies in what the first had not got: nothing complete
    // is fetched again.
    for r in &again {
        assert!(saved.iter().any(|(s, e, d)| s + d <= *r && r < e), "REST {r} is in a complete range: {saved:?}");
    }
}

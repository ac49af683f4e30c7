//! get, put and ls against a well-behaved server, in each data-connection mode.

use std::fs;

use super::{assert_used_only, in_each_mode, server, url};
use crate::support::{ServerConfig, TestServer, dir_names, ftpx, random_bytes, write_random};

const MIB: usize = 1 << 20;

#[test]
fn get_is_byte_exact_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        let content = write_random(server.root().join("big.bin"), MIB, 1);
        let local = tempfile::tempdir().unwrap();
        ftpx().current_dir(local.path()).args(["--mode", mode, "get", &url(&server, "big.bin")]).run().assert_success();
        let got = fs::read(local.path().join("big.bin")).unwrap();
        assert!(got == content, "mode {mode}: {} bytes, not the served ones", got.len());
        assert_eq!(dir_names(local.path()), [b"big.bin"], "mode {mode}: leftovers");
        assert_used_only(&server, mode);
    });
}

#[test]
fn put_is_byte_exact_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        fs::create_dir(server.root().join("upload")).unwrap();
        let local = tempfile::tempdir().unwrap();
        let content = write_random(local.path().join("a.bin"), MIB, 2);
        ftpx()
            .current_dir(local.path())
            .args(["--mode", mode, "put", "a.bin", &url(&server, "upload/")])
            .run()
            .assert_success();
        let stored = fs::read(server.root().join("upload/a.bin")).unwrap();
        assert!(stored == content, "mode {mode}: {} bytes stored", stored.len());
        assert_used_only(&server, mode);
    });
}

/// `put -c` sends from the server's size on, at an offset that is no multiple of a page; on
/// Linux over plain TCP with `FTPX_SENDFILE=always` the bytes go by sendfile(2), which `-d` names
/// in the closing note (by default only to another host, which a loopback test cannot reach).
#[test]
fn put_continue_sends_the_rest_from_an_unaligned_offset_byte_exact_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        let local = tempfile::tempdir().unwrap();
        let content = write_random(local.path().join("a.bin"), 3 * MIB + 4097, 9);
        let have = 300_001;
        fs::write(server.root().join("a.bin"), &content[..have]).unwrap();
        let out = ftpx()
            .current_dir(local.path())
            .env("FTPX_SENDFILE", "always")
            .args(["-d", "--mode", mode, "put", "-c", "a.bin", &url(&server, "a.bin")])
            .run();
        out.assert_success();
        let stored = fs::read(server.root().join("a.bin")).unwrap();
        assert!(stored == content, "mode {mode}: {} bytes stored", stored.len());
        assert!(server.verbs().contains(&"APPE".to_owned()), "mode {mode}: {:?}", server.verbs());
        let sent = content.len() - have;
        let note = format!("closed after {sent} bytes");
        assert!(out.stderr.contains(&note), "mode {mode}: no {note:?} in\n{}", out.stderr);
        if cfg!(target_os = "linux") {
            assert!(out.stderr.contains(", by sendfile)"), "mode {mode}: not by sendfile:\n{}", out.stderr);
        }
        assert_used_only(&server, mode);
    });
}

/// On one host sendfile(2) only moves the copy out of the page cache to the server, after ftpx
/// instead of beside it (slower): by default an upload to loopback reads and writes; `never`
/// holds everywhere, and a value that is none of the three is a usage error.
#[test]
fn put_to_loopback_reads_and_writes_unless_sendfile_is_asked_for() {
    let server = server();
    let local = tempfile::tempdir().unwrap();
    let content = write_random(local.path().join("b.bin"), MIB + 1, 10);
    for policy in [None, Some("never"), Some("auto")] {
        let mut run = ftpx().current_dir(local.path());
        if let Some(p) = policy {
            run = run.env("FTPX_SENDFILE", p);
        }
        let out = run.args(["-d", "put", "b.bin", &url(&server, "b.bin")]).run();
        out.assert_success();
        assert!(fs::read(server.root().join("b.bin")).unwrap() == content);
        assert!(out.stderr.contains(&format!("closed after {} bytes", MIB + 1)), "{policy:?}: {}", out.stderr);
        assert!(!out.stderr.contains("by sendfile"), "{policy:?}: {}", out.stderr);
    }
    let out = ftpx().env("FTPX_SENDFILE", "sometimes").args(["put", "b.bin", &url(&server, "b.bin")]).run();
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("FTPX_SENDFILE: 'sometimes' is not auto, always or never"), "{}", out.stderr);
}

/// `--limit-rate` holds an upload to the rate, sendfile or not: 1 MiB at 2 MiB/s takes half a
/// second.
#[test]
fn put_with_limit_rate_takes_as_long_as_the_rate_says() {
    let server = server();
    let local = tempfile::tempdir().unwrap();
    let content = write_random(local.path().join("a.bin"), MIB, 10);
    let out =
        ftpx().current_dir(local.path()).args(["put", "--limit-rate", "2M", "a.bin", &url(&server, "a.bin")]).run();
    out.assert_success();
    assert!(fs::read(server.root().join("a.bin")).unwrap() == content);
    assert!(out.elapsed >= std::time::Duration::from_millis(480), "took {:?}", out.elapsed);
}

#[test]
fn put_to_a_file_url_stores_under_that_name() {
    let server = server();
    let local = tempfile::tempdir().unwrap();
    let content = write_random(local.path().join("a.bin"), 5000, 3);
    ftpx().current_dir(local.path()).args(["put", "a.bin", &url(&server, "renamed.bin")]).run().assert_success();
    assert_eq!(fs::read(server.root().join("renamed.bin")).unwrap(), content);
    assert!(!server.root().join("a.bin").exists());
}

#[test]
fn put_of_several_files_into_a_directory_url_keeps_their_names() {
    let server = server();
    fs::create_dir(server.root().join("in")).unwrap();
    let local = tempfile::tempdir().unwrap();
    let one = write_random(local.path().join("one.bin"), 1000, 4);
    let two = write_random(local.path().join("two.bin"), 2000, 5);
    ftpx().current_dir(local.path()).args(["put", "one.bin", "two.bin", &url(&server, "in/")]).run().assert_success();
    assert_eq!(fs::read(server.root().join("in/one.bin")).unwrap(), one);
    assert_eq!(fs::read(server.root().join("in/two.bin")).unwrap(), two);
}

fn listing_fixture(server: &crate::support::TestServer) {
    fs::write(server.root().join("a.txt"), "hello").unwrap();
    fs::write(server.root().join("b.bin"), random_bytes(1234, 6)).unwrap();
    fs::create_dir(server.root().join("sub")).unwrap();
}

#[test]
fn ls_prints_the_servers_list_lines_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        listing_fixture(&server);
        let out = ftpx().args(["--mode", mode, "ls", &url(&server, "")]).run();
        out.assert_success();
        let text = out.stdout_str();
        let line = |name: &str| {
            text.lines()
                .find(|l| l.trim_end().ends_with(&format!(" {name}")))
                .unwrap_or_else(|| panic!("mode {mode}: no line for {name} in:\n{text}"))
        };
        assert!(line("a.txt").starts_with("-rw"), "mode {mode}:\n{text}");
        assert!(line("b.bin").contains(" 1234 "), "mode {mode}:\n{text}");
        assert!(line("sub").starts_with('d'), "mode {mode}:\n{text}");
        assert_used_only(&server, mode);
    });
}

#[test]
fn ls_names_only_prints_one_name_per_line_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        listing_fixture(&server);
        let out = ftpx().args(["--mode", mode, "ls", "-1", &url(&server, "")]).run();
        out.assert_success();
        let mut names: Vec<String> = out.stdout_str().lines().map(|l| l.trim_end_matches('\r').to_owned()).collect();
        names.sort();
        assert_eq!(names, ["a.txt", "b.bin", "sub"], "mode {mode}");
        assert_used_only(&server, mode);
    });
}

#[test]
fn ls_of_a_subdirectory_lists_its_entries() {
    let server = server();
    fs::create_dir(server.root().join("sub")).unwrap();
    fs::write(server.root().join("sub/inner.txt"), "x").unwrap();
    fs::write(server.root().join("outer.txt"), "x").unwrap();
    let out = ftpx().args(["ls", "-1", &url(&server, "sub/")]).run();
    out.assert_success();
    assert_eq!(out.stdout_str().trim_end(), "inner.txt");
}

/// `get -c` appends from the `.part` file's size, an offset that is no multiple of a page; on
/// Linux over plain TCP the bytes go from the socket into the file by splice(2), which `-d` names
/// in the closing note.
#[test]
fn get_continue_resumes_from_a_part_file_in_each_mode() {
    in_each_mode(|mode| {
        let server = server();
        let content = write_random(server.root().join("big.bin"), 3 * MIB + 4097, 7);
        let local = tempfile::tempdir().unwrap();
        let have = 300_001;
        fs::write(local.path().join("big.bin.part"), &content[..have]).unwrap();
        let out =
            ftpx().current_dir(local.path()).args(["-d", "--mode", mode, "get", "-c", &url(&server, "big.bin")]).run();
        out.assert_success();
        let got = fs::read(local.path().join("big.bin")).unwrap();
        assert!(got == content, "mode {mode}: {} bytes after resuming", got.len());
        assert_eq!(dir_names(local.path()), [b"big.bin"], "mode {mode}: .part left");
        let commands = server.commands();
        assert!(commands.iter().any(|c| c == "REST 300001"), "mode {mode}: no REST 300001 in {commands:?}");
        let note = format!("closed after {} bytes", content.len() - have);
        assert!(out.stderr.contains(&note), "mode {mode}: no {note:?} in\n{}", out.stderr);
        if cfg!(target_os = "linux") {
            assert!(out.stderr.contains(", by splice)"), "mode {mode}: not by splice:\n{}", out.stderr);
        }
        assert_used_only(&server, mode);
    });
}

/// `FTPX_SENDFILE=never` reads every byte into ftpx and writes it out, downloads too; a
/// download to stdout (a pipe) always does.
#[test]
fn get_reads_and_writes_when_told_never_or_into_a_pipe() {
    let server = server();
    let content = write_random(server.root().join("f.bin"), MIB + 1, 13);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx()
        .current_dir(local.path())
        .env("FTPX_SENDFILE", "never")
        .args(["-d", "get", &url(&server, "f.bin")])
        .run();
    out.assert_success();
    assert!(fs::read(local.path().join("f.bin")).unwrap() == content);
    assert!(out.stderr.contains(&format!("closed after {} bytes", MIB + 1)), "{}", out.stderr);
    assert!(!out.stderr.contains("by splice"), "{}", out.stderr);
    let out = ftpx().current_dir(local.path()).args(["-d", "get", "-o", "-", &url(&server, "f.bin")]).run();
    out.assert_success();
    assert!(out.stdout == content, "{} bytes on stdout", out.stdout.len());
    assert!(!out.stderr.contains("by splice"), "{}", out.stderr);
}

#[test]
fn get_to_dash_writes_the_bytes_to_stdout() {
    let server = server();
    let content = write_random(server.root().join("f.bin"), 100_000, 8);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["-q", "get", "-o", "-", &url(&server, "f.bin")]).run();
    out.assert_success();
    assert!(out.stdout == content, "{} bytes on stdout", out.stdout.len());
    assert!(dir_names(local.path()).is_empty(), "no local file for -o -");
}

/// `-o /dev/null` must write into the device, not rename a `.part` over it (which turned the
/// machine's /dev/null into a regular file once). A FIFO stands in for the device here.
#[test]
fn get_to_an_existing_fifo_writes_into_it_and_leaves_it_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let server = server();
    let content = write_random(server.root().join("f.bin"), 300_000, 11);
    let local = tempfile::tempdir().unwrap();
    let fifo = local.path().join("sink");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    // The reader opens the FIFO, which waits for a writer; it is left behind if none ever comes.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).unwrap())
    };
    ftpx().current_dir(local.path()).args(["-q", "get", &url(&server, "f.bin"), "-o", "sink"]).run().assert_success();
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    assert!(reader.join().unwrap() == content, "the FIFO's reader got other bytes");
    assert_eq!(dir_names(local.path()), [b"sink"], "no .part beside the FIFO");
}

#[test]
fn get_to_a_directory_with_a_slash_creates_it() {
    let server = server();
    let content = write_random(server.root().join("f.bin"), 10_000, 12);
    let local = tempfile::tempdir().unwrap();
    ftpx()
        .current_dir(local.path())
        .args(["-q", "get", &url(&server, "f.bin"), "-o", "new/sub/"])
        .run()
        .assert_success();
    assert_eq!(fs::read(local.path().join("new/sub/f.bin")).unwrap(), content);
    assert_eq!(dir_names(local.path().join("new/sub")), [b"f.bin"]);
}

/// Over IPv6, EPSV and EPRT carry the transfer (auto mode skips PASV and PORT, which carry only
/// IPv4 addresses), and asking for PASV or PORT says why it cannot work.
#[test]
fn ipv6_transfers_use_epsv_and_eprt_and_pasv_port_say_why_not() {
    let server = TestServer::start(ServerConfig::new().ipv6());
    assert!(server.url("f.bin").starts_with("ftp://[::1]:"), "{}", server.url("f.bin"));
    let content = write_random(server.root().join("f.bin"), 200_000, 13);
    let local = tempfile::tempdir().unwrap();
    for mode in ["auto", "epsv", "eprt"] {
        let out = ftpx().current_dir(local.path()).args(["-q", "--mode", mode, "get", &server.url("f.bin")]).run();
        out.assert_success();
        assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content, "mode {mode}");
        let upload = format!("up-{mode}.bin");
        let url = server.url(&upload);
        ftpx().current_dir(local.path()).args(["-q", "--mode", mode, "put", "f.bin", &url]).run().assert_success();
        assert_eq!(fs::read(server.root().join(&upload)).unwrap(), content, "mode {mode}");
    }
    let verbs = server.verbs();
    assert!(!verbs.iter().any(|v| v == "PASV" || v == "PORT"), "PASV/PORT sent over IPv6: {verbs:?}");
    assert!(verbs.iter().any(|v| v == "EPRT"), "no EPRT in {verbs:?}");
    for (mode, why) in
        [("pasv", "PASV cannot work on an IPv6 connection"), ("port", "PORT cannot carry an IPv6 address")]
    {
        let out = ftpx().current_dir(local.path()).args(["--mode", mode, "get", &server.url("f.bin")]).run();
        out.assert_code(6);
        assert!(out.stderr.contains(why), "mode {mode}: {}", out.stderr);
        assert!(out.stderr.contains("--mode epsv or --mode eprt"), "mode {mode}: {}", out.stderr);
    }
}

#[test]
fn get_with_output_writes_to_that_path() {
    let server = server();
    let content = write_random(server.root().join("f.bin"), 10_000, 9);
    let local = tempfile::tempdir().unwrap();
    ftpx().current_dir(local.path()).args(["get", &url(&server, "f.bin"), "-o", "copy.bin"]).run().assert_success();
    assert_eq!(fs::read(local.path().join("copy.bin")).unwrap(), content);
    assert_eq!(dir_names(local.path()), [b"copy.bin"]);
}

#[test]
fn get_of_several_urls_downloads_each() {
    let server = server();
    let one = write_random(server.root().join("one.bin"), 3000, 10);
    let two = write_random(server.root().join("two.bin"), 4000, 11);
    let local = tempfile::tempdir().unwrap();
    ftpx()
        .current_dir(local.path())
        .args(["get", &url(&server, "one.bin"), &url(&server, "two.bin")])
        .run()
        .assert_success();
    assert_eq!(fs::read(local.path().join("one.bin")).unwrap(), one);
    assert_eq!(fs::read(local.path().join("two.bin")).unwrap(), two);
}

#[test]
fn global_flags_work_after_the_subcommand() {
    let server = server();
    let content = write_random(server.root().join("f.bin"), 2000, 12);
    let local = tempfile::tempdir().unwrap();
    ftpx()
        .current_dir(local.path())
        .args(["get", &url(&server, "f.bin"), "--mode", "pasv", "-q"])
        .run()
        .assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    assert_used_only(&server, "pasv");
}

#[test]
fn credentials_from_the_user_flag_are_used() {
    let server = server();
    fs::write(server.root().join("f.txt"), "x").unwrap();
    let local = tempfile::tempdir().unwrap();
    ftpx().current_dir(local.path()).args(["-u", "alice:s3cret", "get", &server.url("f.txt")]).run().assert_success();
    assert!(server.commands().iter().any(|c| c == "USER alice"));
}

#[test]
fn quote_sends_the_command_and_prints_the_reply() {
    let server = server();
    fs::write(server.root().join("f.txt"), "x").unwrap();
    let out = ftpx().args(["quote", &url(&server, ""), "SITE", "CHMOD", "600", "f.txt"]).run();
    out.assert_success();
    assert!(out.stdout_str().contains("200"), "{}", out.stdout_str());
    assert!(server.commands().iter().any(|c| c == "SITE CHMOD 600 f.txt"));
}

//! Hostile servers: names. Listing entries that climb out (`../../x`, absolute paths), `.` and
//! `..`, backslashes, URLs, control characters and escape sequences, symlinks, listings that are
//! huge or unparsable, and odd replies about names (450 on NLST, a broken 257).
//!
//! The client paths that take a name from a server today are `ls` (the lines as bytes to a pipe,
//! escaped on a terminal) and `ls --json` (the names in JSON's own escaping); `get` takes its local
//! name from the URL. Whatever the name, nothing is ever written outside the target directory:
//! every case runs in `work/` and the sandbox checks that `outside/` and the rest stay empty.

use serde_json::Value;

use super::hostile::{Hostile, TIMEOUT, contains, epsv_transfer, secs, session, session_with};
use crate::support::script::Script;

/// A LIST line for a plain file named `name` (raw bytes).
fn file_line(name: &[u8]) -> Vec<u8> {
    [&b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00 "[..], name, b"\r\n"].concat()
}

/// [`session`] and the SYST that `ls --json` asks before reading a LIST.
fn session_syst() -> Script {
    session().answer("SYST", "215 UNIX Type: L8\r\n")
}

fn ls(script: Script, flags: &[&str]) -> Hostile {
    Hostile::new(script).args(["--timeout", TIMEOUT, "ls"]).args(flags).url("")
}

/// The entries of `ls --json` output.
fn entries(stdout: &[u8]) -> Vec<Value> {
    match serde_json::from_slice(stdout) {
        Ok(Value::Array(entries)) => entries,
        other => panic!("not a JSON array ({other:?}): {}", String::from_utf8_lossy(stdout)),
    }
}

fn names(entries: &[Value]) -> Vec<&str> {
    entries.iter().map(|e| e["name"].as_str().expect("a name")).collect()
}

/// The names a hostile listing offers, CVE by CVE: wget followed a server's symlink and names out
/// of its target (CVE-2014-4877); lftp's mirror used server names with `..` and `/`.
const CLIMBING: [&[u8]; 7] =
    [b"../../outside/x", b"/tmp/ftpx-hostile-x", b"..", b".", b"a\\..\\..\\b", b"file:/etc/passwd", b"-rf"];

#[test]
fn ls_to_a_pipe_passes_hostile_names_through_as_bytes_and_writes_nothing() {
    let mut listing = Vec::new();
    for name in CLIMBING {
        listing.extend(file_line(name));
    }
    listing.extend(file_line(b"bell\x07 esc\x1b[2J cr\r mid caf\xe9"));
    let mut case = ls(epsv_transfer(session(), "LIST", &listing), &[]).run();
    case.code(0).files(&[]);
    // To a pipe the lines are the server's bytes (CRLF made LF): a script gets the real names.
    let expected: Vec<u8> = listing
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .flat_map(|l| [l.strip_suffix(b"\r").unwrap_or(l), b"\n"].concat())
        .collect();
    assert_eq!(case.stdout(), expected);
    assert!(!std::path::Path::new("/tmp/ftpx-hostile-x").exists());
    case.script_played();
}

#[test]
fn ls_on_a_terminal_shows_control_characters_escaped() {
    let listing = [file_line(b"esc\x1b[2Jname"), file_line(b"bell\x07nul\x00del\x7f"), file_line(b"caf\xe9")].concat();
    // `script` gives ftpx a pseudo-terminal as stdout; its own output is the terminal's.
    let mut case = ls(epsv_transfer(session(), "LIST", &listing), &[])
        .shell(r#"cmd=""; for a in "$@"; do cmd="$cmd '$a'"; done; exec script -qec "$cmd" /dev/null"#)
        .run();
    case.code(0).files(&[]);
    let shown = case.stdout();
    assert!(contains(shown, b"esc\\e[2Jname"), "{}", String::from_utf8_lossy(shown));
    assert!(contains(shown, b"bell\\u{7}nul\\u{0}del\\u{7f}"), "{}", String::from_utf8_lossy(shown));
    assert!(contains(shown, b"caf\\xe9"), "{}", String::from_utf8_lossy(shown));
    for raw in [&b"\x1b"[..], b"\x07", b"\x00", b"\x7f", b"\xe9"] {
        assert!(!contains(shown, raw), "{raw:?} reached the terminal: {:?}", String::from_utf8_lossy(shown));
    }
    case.script_played();
}

#[test]
fn ls_json_names_are_the_servers_bytes_in_json_escaping() {
    let listing =
        [file_line(b"esc\x1b[2Jname"), file_line(b"nul\x00cr\rname"), file_line(b"caf\xe9"), file_line(b"back\\slash")]
            .concat();
    let mut case = ls(epsv_transfer(session_syst(), "LIST", &listing), &["--json"]).run();
    case.code(0).files(&[]);
    // JSON's own escapes, never a raw control character: a script parses the name back.
    assert!(contains(case.stdout(), br#""esc\u001b[2Jname""#), "{}", String::from_utf8_lossy(case.stdout()));
    assert!(!contains(case.stdout(), b"\x1b"));
    let entries = entries(case.stdout());
    assert_eq!(names(&entries), ["esc\u{1b}[2Jname", "nul\0cr\rname", "caf\u{fffd}", "back\\slash"]);
    let lossy: Vec<_> = entries.iter().map(|e| e["name_lossy"].as_bool().unwrap()).collect();
    assert_eq!(lossy, [false, false, true, false]);
    // The lossless form of the name that is not UTF-8, as a URL path takes it.
    assert_eq!(entries[2]["name_percent"], "caf%E9");
    assert!(entries[0].get("name_percent").is_none());
    case.script_played();
}

#[test]
fn ls_json_reports_climbing_names_as_text_and_writes_nothing() {
    let mut listing = Vec::new();
    for name in CLIMBING.iter().filter(|n| !matches!(**n, b"." | b"..")) {
        listing.extend([&b"type=file;size=5;modify=20240101120000; "[..], name, b"\r\n"].concat());
    }
    let script = session_with(&["EPSV", "MLSD"]);
    let mut case = ls(epsv_transfer(script, "MLSD", &listing), &["--json"]).run();
    case.code(0).files(&[]);
    let entries = entries(case.stdout());
    assert_eq!(names(&entries), ["../../outside/x", "/tmp/ftpx-hostile-x", "a\\..\\..\\b", "file:/etc/passwd", "-rf"]);
    case.script_played();
}

#[test]
fn ls_json_reports_a_symlink_and_its_target_without_following_it() {
    let listing = b"lrwxrwxrwx 1 ftp ftp 11 Jan 01 12:00 evil -> ../../../etc/passwd\r\n";
    let mut case = ls(epsv_transfer(session_syst(), "LIST", listing), &["--json"]).run();
    case.code(0).files(&[]);
    let entries = entries(case.stdout());
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["name"], "evil");
    assert_eq!(entries[0]["type"], "link");
    assert_eq!(entries[0]["target"], "../../../etc/passwd");
    // Only the listing was asked for: nothing is fetched through the link or changed into.
    case.never_sent("RETR").never_sent("CWD").never_sent("SIZE");
    case.script_played();
}

#[test]
fn ls_json_leaves_out_dot_and_dotdot_entries() {
    let listing = [file_line(b"."), file_line(b".."), file_line(b"real")].concat();
    let mut case = ls(epsv_transfer(session_syst(), "LIST", &listing), &["--json"]).run();
    case.code(0);
    assert_eq!(names(&entries(case.stdout())), ["real"]);
    case.script_played();
}

#[test]
fn ls_json_leaves_out_mlsd_cdir_and_pdir_entries() {
    let listing =
        b"type=cdir;modify=20240101120000; /home/x\r\ntype=pdir; ..\r\ntype=dir;modify=20240101120000; sub\r\n";
    let mut case = ls(epsv_transfer(session_with(&["EPSV", "MLSD"]), "MLSD", listing), &["--json"]).run();
    case.code(0);
    let entries = entries(case.stdout());
    assert_eq!(names(&entries), ["sub"]);
    assert_eq!(entries[0]["type"], "dir");
    case.script_played();
}

#[test]
fn ls_json_skips_unparsable_list_lines_and_says_so() {
    let listing = [
        &b"total 12\r\n"[..],
        b"this is not a listing line\r\n",
        b"-rw-r--r-- 1 ftp ftp NaN Jan 01 12:00 bad-size\r\n",
        b"drwxr-xr-x 2 ftp ftp 4096 Foo 01 12:00 bad-month\r\n",
        &file_line(b"good"),
    ]
    .concat();
    let mut case = ls(epsv_transfer(session_syst(), "LIST", &listing), &["--json"]).run();
    case.code(0).says("ftpx: warning: 3 listing lines could not be parsed and are left out");
    assert_eq!(names(&entries(case.stdout())), ["good"]);
    case.script_played();
}

#[test]
fn huge_listing_is_streamed_within_the_bound() {
    // 200,000 entries (12 MB) in one go: the client must stream them, not stall on them.
    let mut listing = Vec::with_capacity(13 << 20);
    for i in 0..200_000 {
        listing.extend(file_line(format!("file-{i:06}").as_bytes()));
    }
    let mut case = ls(epsv_transfer(session(), "LIST", &listing), &[]).bound(secs(15)).run();
    case.code(0);
    assert_eq!(case.stdout().iter().filter(|&&b| b == b'\n').count(), 200_000);
    assert!(case.stdout().ends_with(b" file-199999\n"));
    case.script_played();
}

#[test]
fn listing_line_longer_than_64_kib_is_refused() {
    let mut listing = file_line(b"before");
    listing.extend(file_line(&vec![b'x'; 70 * 1024]));
    listing.extend(file_line(b"after"));
    let script = session()
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "150 Here comes the listing.\r\n")
        .data_send(&listing)
        .data_close()
        .send("226 Done.\r\n");
    let case = ls(script, &[]).bound(secs(5)).run();
    case.code(1).error("a listing line is longer than 65536 bytes");
    assert!(!contains(case.stdout(), b"after"));
}

#[test]
fn listing_line_just_over_64_kib_split_across_reads_is_refused() {
    // The limit holds however the bytes arrive: 64 KiB, a pause, then the rest of the line.
    let mut first = b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00 ".to_vec();
    first.resize(64 * 1024, b'x');
    let script = session()
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "150 Here comes the listing.\r\n")
        .data_send(&first)
        .sleep(std::time::Duration::from_millis(300))
        .data_send(b"xxxx\r\n")
        .data_close()
        .send("226 Done.\r\n");
    let case = ls(script, &[]).bound(secs(5)).run();
    case.code(1).error("a listing line is longer than 65536 bytes");
    assert!(case.stdout().is_empty());
}

#[test]
fn nlst_450_no_files_is_an_empty_listing() {
    let script = session()
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("NLST", "450 No files found.\r\n");
    let mut case = ls(script, &["-1"]).run();
    case.code(0).files(&[]);
    assert!(case.stdout().is_empty());
    case.script_played();
}

#[test]
fn list_450_exits_5_with_the_reply() {
    let script = session()
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "450 Directory unavailable.\r\n")
        .sleep(secs(1));
    let case = ls(script, &[]).bound(secs(5)).run();
    case.code(5).error("450 Directory unavailable.");
    assert!(case.stdout().is_empty());
}

#[test]
fn pwd_257_with_broken_quoting_is_refused_clearly() {
    // `mkdir -p` asks PWD to come back after checking a directory; the path in the 257 has no
    // closing quote, so there is no path to come back to.
    let script = session()
        .answer("MKD a/b", "550 Create directory operation failed.\r\n")
        .answer("MKD a", "550 Exists.\r\n")
        .answer("MKD a/b", "550 Create directory operation failed.\r\n")
        .answer("PWD", "257 \"/home/\"\"x is the current directory\r\n")
        .sleep(secs(1));
    let case = Hostile::new(script).args(["--timeout", TIMEOUT, "mkdir", "-p"]).url("a/b").bound(secs(5)).run();
    case.code(1).error("no quoted path in the 257 reply").never_sent("CWD");
}

#[test]
fn get_refuses_url_names_that_would_leave_the_target_directory_before_connecting() {
    for (path, shown) in [("x%2F..", "'..'"), ("a%5C..%5Cb", "'a\\\\..\\\\b'"), ("%1B%5B2Jx", "'\\e[2Jx'")] {
        let case = Hostile::new(Script::new()).args(["--timeout", TIMEOUT, "get"]).url(path).bound(secs(5)).run();
        case.code(2).error(&format!("refusing to use {shown} as a local file name")).files(&[]);
        assert!(case.sent().is_empty(), "{path}: {:?}", case.sent());
    }
}

#[test]
fn get_of_a_remote_path_that_climbs_writes_only_its_last_component_here() {
    let script = session()
        .answer("TYPE I", "200 Binary.\r\n")
        .answer("SIZE ../../outside/x", "213 5\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR ../../outside/x", "150 Here.\r\n")
        .data_send(b"hello")
        .data_close()
        .send("226 Done.\r\n");
    let mut case = Hostile::new(script).args(["--timeout", TIMEOUT, "get"]).url("..%2F..%2Foutside%2Fx").run();
    case.code(0).files(&["x"]);
    assert_eq!(case.file("x"), b"hello");
    case.script_played();
}

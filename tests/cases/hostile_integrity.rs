//! Hostile servers and local failures: is what lands on disk what the server has? Short and long
//! data, a final reply that never comes, REST ignored, sizes that are lies or garbage, a full
//! disk, an unwritable target, Ctrl-C and SIGTERM halfway.
//!
//! The rule under test (see `transfer.rs`): a download is complete under its real name, or it is
//! a `NAME.part` that holds only bytes that are really the file's; never a wrong or short file
//! under the real name.

use std::fs;
use std::time::Duration;

use super::hostile::{Hostile, TIMEOUT, get_prelude, secs, session, session_with};
use crate::support::random_bytes;
use crate::support::script::Script;

fn content() -> Vec<u8> {
    random_bytes(5000, 61)
}

fn get(script: Script) -> Hostile {
    Hostile::new(script).args(["--mode", "epsv", "--timeout", TIMEOUT, "get"]).url("f.bin")
}

/// [`get`] with a long timeout: for the signal cases, where no timeout may end the wait first.
fn get_patiently(script: Script) -> Hostile {
    Hostile::new(script).args(["--mode", "epsv", "--timeout", "30", "get"]).url("f.bin")
}

/// [`get_prelude`] with SIZE answered `size`, then EPSV and `RETR f.bin` answered 150.
fn retr_started(size: Option<usize>) -> Script {
    retr_started_after(get_prelude(size))
}

/// `prelude`, then EPSV and `RETR f.bin` answered 150.
fn retr_started_after(prelude: Script) -> Script {
    prelude
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR f.bin", "150 Opening BINARY mode data connection.\r\n")
}

/// The whole file, then 226.
fn retr_whole(size: Option<usize>) -> Script {
    retr_started(size).data_send(content()).data_close().send("226 Transfer complete.\r\n")
}

/// Runs ftpx in the background, waits until `f.bin.part` exists (the transfer has started; what
/// arrived may still be in memory) and a little more for the data, then sends `signal` and
/// waits for ftpx's own exit status.
fn signal_when_data_arrived(signal: &str) -> String {
    format!(
        r#""$@" & pid=$!
n=0
while [ ! -e f.bin.part ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
sleep 0.5
kill -{signal} $pid
wait $pid"#
    )
}

#[test]
fn data_shorter_than_size_then_226_exits_11_and_keeps_the_part() {
    let script = retr_started(Some(5000)).data_send(&content()[..1000]).data_close().send("226 Transfer complete.\r\n");
    let mut case = get(script).run();
    case.code(11)
        .error("the data connection closed after 1,000 of 5,000 bytes, and the server called it complete")
        .error("f.bin.part kept")
        .files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..1000]);
    case.script_played();
}

#[test]
fn data_longer_than_size_exits_11_and_never_takes_the_final_name() {
    let mut longer = content();
    longer.extend_from_slice(b"and some more bytes than SIZE said");
    let script = retr_started(Some(5000))
        .data_send(longer)
        .data_close()
        .send("226 Transfer complete.\r\n")
        .answer("ABOR", "225 No transfer to abort.\r\n");
    let mut case = get(script).run();
    case.code(11).error("the server sent more than the 5000 bytes SIZE announced").files(&["f.bin.part"]);
    // Nothing of an overrun is trusted: it could be any file's bytes.
    assert!(case.file("f.bin.part").is_empty());
    case.script_played();
}

#[test]
fn final_reply_that_never_arrives_times_out_and_keeps_the_part() {
    let script = retr_started(Some(5000)).data_send(content()).data_close().sleep(secs(8));
    let case = get(script).bound(secs(6)).run();
    // The data is all there: the reply is what is missing. ftpx reconnects to confirm the size,
    // which this one-connection script cannot answer, so the .part stays and it exits 11.
    case.code(11)
        .error("all 5,000 of 5,000 bytes arrived, but the server's final reply never came")
        .error("f.bin.part kept");
    case.files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), content());
}

#[test]
fn data_connection_that_stays_silent_times_out_and_keeps_the_part() {
    let script = retr_started(None).data_send(&content()[..700]).sleep(secs(8));
    let case = get(script).bound(secs(8)).run();
    case.code(11).error("the data connection stalled after 700 bytes: nothing moved for 2s").error("f.bin.part kept");
    case.files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..700]);
}

#[test]
fn transfer_failed_by_the_server_after_some_data_keeps_the_part_and_exits_11() {
    let script = retr_started(None)
        .data_send(&content()[..1200])
        .data_close()
        .send("451 Requested action aborted: local error in processing.\r\n");
    let mut case = get(script).run();
    // A 4xx is transient (RFC 959 §4.2): a break to resume, not a refusal.
    case.code(11)
        .error("the server broke off the transfer after 1,200 bytes: 451 Requested action aborted")
        .error("f.bin.part kept")
        .files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..1200]);
    case.script_played();
}

#[test]
fn rest_ignored_by_the_server_never_appends_wrong_bytes() {
    // The server says 350 to REST 3000 and sends from byte 0 anyway: appending that would make a
    // file of the right length and the wrong content. The overrun gives it away.
    let script = get_prelude(Some(5000))
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("REST 3000", "350 Restarting at 3000.\r\n")
        .answer("RETR f.bin", "150 Opening BINARY mode data connection.\r\n")
        .data_send(content())
        .data_close()
        .send("226 Transfer complete.\r\n")
        .answer("ABOR", "225 No transfer to abort.\r\n");
    let hostile = Hostile::new(script).args(["--mode", "epsv", "--timeout", TIMEOUT, "get", "-c"]).url("f.bin");
    fs::write(hostile.work().join("f.bin.part"), &content()[..3000]).unwrap();
    let mut case = hostile.run();
    case.code(11).error("it may have ignored REST, so the new bytes were discarded").files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..3000], "the .part must hold only the old, right bytes");
    case.script_played();
}

#[test]
fn resume_offset_beyond_the_remote_size_exits_11_and_touches_nothing() {
    let script = get_prelude(Some(5000)).sleep(secs(1));
    let hostile = Hostile::new(script).args(["--timeout", TIMEOUT, "get", "-c"]).url("f.bin");
    let local = random_bytes(6000, 62);
    fs::write(hostile.work().join("f.bin.part"), &local).unwrap();
    let case = hostile.bound(secs(5)).run();
    case.code(11).error("the local f.bin.part has 6000 bytes, more than the 5000 bytes the server has");
    case.files(&["f.bin.part"]).never_sent("RETR").never_sent("REST");
    assert_eq!(case.file("f.bin.part"), local);
}

/// The login and `TYPE I`, then SIZE answered with `reply` as it is.
fn size_answered(reply: &str) -> Script {
    session().answer("TYPE I", "200 Binary.\r\n").answer("SIZE", reply)
}

#[test]
fn size_reply_of_garbage_is_ignored_like_no_size() {
    let script = retr_started_after(size_answered("213 a lot of bytes\r\n"))
        .data_send(content())
        .data_close()
        .send("226 Transfer complete.\r\n");
    let mut case = get(script).run();
    case.code(0).files(&["f.bin"]);
    assert_eq!(case.file("f.bin"), content());
    case.script_played();
}

#[test]
fn size_reply_with_a_negative_or_overflowing_number_is_ignored() {
    for size in ["-5000", "99999999999999999999999", "5000 bytes", "0x1388"] {
        let script = retr_started_after(size_answered(&format!("213 {size}\r\n")))
            .data_send(content())
            .data_close()
            .send("226 Transfer complete.\r\n");
        let mut case = get(script).run();
        case.code(0).files(&["f.bin"]);
        assert_eq!(case.file("f.bin"), content(), "SIZE {size}");
        case.script_played();
    }
}

#[test]
fn size_reply_larger_than_the_data_exits_11() {
    let script =
        retr_started(Some(u64::MAX as usize)).data_send(content()).data_close().send("226 Transfer complete.\r\n");
    let mut case = get(script).run();
    case.code(11).error("closed after 5,000 of 18,446,744,073,709,551,615 bytes").files(&["f.bin.part"]);
    case.script_played();
}

#[test]
fn local_disk_full_exits_9_and_keeps_no_final_name() {
    // RLIMIT_FSIZE makes a write fail with EFBIG as a full disk fails with ENOSPC, without root:
    // with SIGXFSZ ignored the write returns the error instead of killing the process.
    let script = retr_whole(Some(5000)).answer("ABOR", "225 No transfer to abort.\r\n");
    let case = get(script).shell(r#"trap '' XFSZ; ulimit -f 2; exec "$@""#).run();
    case.code(9).error("f.bin.part").error("File too large").files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..case.file("f.bin.part").len()]);
    assert!(case.file("f.bin.part").len() < 5000);
}

#[test]
fn unwritable_part_file_exits_9_and_writes_nothing() {
    // A directory where the .part goes: refused by the OS even to root, unlike a chmod.
    let script = retr_started(Some(5000)).answer("ABOR", "226 Aborted.\r\n");
    let hostile = get(script);
    fs::create_dir(hostile.work().join("f.bin.part")).unwrap();
    let case = hostile.run();
    case.code(9).error("f.bin.part").error("Is a directory").files(&["f.bin.part"]);
    assert!(fs::read_dir(case.work().join("f.bin.part")).unwrap().next().is_none());
}

/// `-o DIR/` makes the directory (see `get_to_a_directory_with_a_slash_creates_it`); a file path
/// whose directory is missing is a local error, and nothing is created.
#[test]
fn output_file_in_a_directory_that_does_not_exist_exits_9_and_creates_nothing() {
    let script = retr_started(Some(5000)).answer("ABOR", "226 Aborted.\r\n");
    let case = Hostile::new(script)
        .args(["--mode", "epsv", "--timeout", TIMEOUT, "get", "-o", "missing/dir/f.bin"])
        .url("f.bin")
        .run();
    case.code(9).error("No such file or directory").files(&[]);
}

#[test]
fn sigterm_mid_transfer_sends_abor_and_keeps_the_part() {
    let script = retr_started(Some(50_000))
        .data_send(&content()[..1000])
        .answer("ABOR", "426 Transfer aborted.\r\n226 ABOR successful.\r\n");
    let mut case = get_patiently(script).shell(&signal_when_data_arrived("TERM")).run();
    case.code(143).error("interrupted").files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..1000]);
    case.script_played();
}

#[test]
fn sigint_mid_transfer_sends_abor_and_keeps_the_part() {
    let script = retr_started(Some(50_000))
        .data_send(&content()[..1000])
        .answer("ABOR", "426 Transfer aborted.\r\n226 ABOR successful.\r\n");
    let mut case = get_patiently(script).shell(&signal_when_data_arrived("INT")).run();
    case.code(130).error("interrupted").files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..1000]);
    case.script_played();
}

#[test]
fn sigterm_with_a_server_that_ignores_abor_still_exits_promptly() {
    let script = retr_started(Some(50_000)).data_send(&content()[..1000]).expect("ABOR").sleep(secs(20));
    let case = get_patiently(script).shell(&signal_when_data_arrived("TERM")).bound(secs(8)).run();
    case.code(143).error("interrupted").files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..1000]);
    assert!(case.verbs().contains(&"ABOR".to_owned()), "{:?}", case.sent());
}

#[test]
fn sigterm_while_waiting_for_the_final_reply_exits_promptly_and_keeps_the_part() {
    let script = retr_started(Some(5000)).data_send(content()).data_close().sleep(secs(20));
    let case = get_patiently(script).shell(&signal_when_data_arrived("TERM")).bound(secs(8)).run();
    case.code(143).error("interrupted").files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), content());
}

#[test]
fn upload_that_the_server_stores_short_exits_11() {
    let script = session_with(&["EPSV", "SIZE"])
        .answer("TYPE I", "200 Binary.\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("STOR up.bin", "150 Ok to send data.\r\n")
        .data_receive()
        .send("226 Transfer complete.\r\n")
        .answer("SIZE up.bin", "213 4096\r\n");
    let hostile = Hostile::new(script).args(["--timeout", TIMEOUT, "put", "up.bin"]).url("up.bin");
    fs::write(hostile.work().join("up.bin"), content()).unwrap();
    let mut case = hostile.run();
    case.code(11).error("the server has 4096 bytes after the upload, the local file 5000").files(&["up.bin"]);
    assert_eq!(case.server.data_received(), content());
    case.script_played();
}

/// `put up.bin` (8 MiB) to a server that resets the data connection at once, then `after`.
fn upload_reset_then(after: impl FnOnce(Script) -> Script) -> Hostile {
    let script = session_with(&["EPSV", "SIZE"])
        .answer("TYPE I", "200 Binary.\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("STOR up.bin", "150 Ok to send data.\r\n")
        .data_reset();
    let script = after(script);
    let hostile = Hostile::new(script).args(["--timeout", TIMEOUT, "put", "up.bin"]).url("up.bin");
    fs::write(hostile.work().join("up.bin"), random_bytes(8 << 20, 63)).unwrap();
    hostile
}

#[test]
fn upload_whose_data_connection_is_reset_without_a_word_exits_11_not_0() {
    // A reset or broken pipe on the data connection is the server's doing: it must never pass
    // for the closed-stdout case (`ftpx ls | head`) that exits 0.
    let case = upload_reset_then(|s| s.sleep(secs(4))).bound(secs(6)).run();
    case.code(11)
        .error("could not upload up.bin to 'up.bin': the data connection was ")
        .error("of 8,388,608 bytes sent")
        .files(&["up.bin"])
        .never_sent("SIZE");
}

#[test]
fn upload_whose_data_connection_is_reset_shows_the_servers_reason() {
    let mut case = upload_reset_then(|s| s.send("426 Connection closed; transfer aborted.\r\n")).run();
    // The server's reason is shown, and 426 is a break (exit 11), not a refusal (5).
    case.code(11)
        .error("of 8,388,608 bytes sent (the server said: 426 Connection closed")
        .files(&["up.bin"])
        .never_sent("SIZE");
    case.script_played();
}

#[test]
fn data_trickling_then_stopping_times_out_and_keeps_the_part() {
    // A byte a second never lets the idle timeout (2 s) fire, and that is right: the server is
    // alive. When it stops, the timeout ends the wait.
    let mut script = retr_started(Some(5000));
    for i in 0..3 {
        script = script.data_send(&content()[i..i + 1]).sleep(Duration::from_millis(900));
    }
    let case = get(script.sleep(secs(10))).bound(secs(8)).run();
    case.code(11).error("stalled after 3 of 5,000 bytes").files(&["f.bin.part"]);
    assert_eq!(case.file("f.bin.part"), &content()[..3]);
}

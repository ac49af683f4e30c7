//! Transfers that meet a broken network: the data connection reset half way, the control
//! connection closed or silent after the last data byte, a busy server, a stall. Each case checks
//! the exit code and the message without `--retry`, and that `--retry` (or the resume command the
//! hint prints, run as printed) finishes the file byte for byte from where it stopped.

use std::fs;
use std::path::Path;
use std::time::Duration;

use super::{PASS, USER, server_with, url};
use crate::support::{Fault, Output, ServerConfig, TestServer, dir_names, ftpx, write_random};

const MIB: u64 = 1 << 20;
const SIZE: usize = 4 << 20;

/// A server with `faults` to play and a 4 MiB `big.bin`; returns it and the file's bytes.
fn faulty(faults: &[Fault]) -> (TestServer, Vec<u8>) {
    let config = faults.iter().fold(ServerConfig::new(), |c, f| c.fault(*f));
    let server = server_with(config);
    let content = write_random(server.root().join("big.bin"), SIZE, 12);
    (server, content)
}

/// `ftpx ARGS` in `dir`, with --timeout 2 so that stalls end soon.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    ftpx().current_dir(dir).args(["--timeout", "2"]).args(args).run()
}

/// The command in the hint's backquotes, run as printed (the password from FTPX_PASSWORD, as a
/// user without it in the URL would give it).
fn run_hint(dir: &Path, out: &Output) -> Output {
    let hint = out.stderr.lines().find(|l| l.starts_with("ftpx: hint: ")).expect("a hint");
    let command = hint.split('`').nth(1).unwrap_or_else(|| panic!("no command in {hint:?}"));
    let words = shlex::split(command).unwrap_or_else(|| panic!("cannot split {command:?}"));
    assert_eq!(words[0], "ftpx", "{command}");
    assert!(!command.contains(PASS), "the password is in the hint: {command}");
    ftpx().current_dir(dir).env("FTPX_PASSWORD", PASS).args(&words[1..]).run()
}

/// The offsets of every `REST` the server received.
fn rests(server: &TestServer) -> Vec<u64> {
    server.commands().iter().filter_map(|c| c.strip_prefix("REST ")?.parse().ok()).collect()
}

fn grouped(n: u64) -> String {
    ftpx::transfer::grouped(n)
}

#[test]
fn get_reset_mid_transfer_exits_11_with_the_byte_count_and_a_runnable_resume_command() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB)]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", &url(&server, "big.bin")]);
    out.assert_code(11).assert_one_error_line();
    let part = fs::read(dir.path().join("big.bin.part")).expect("the .part is kept");
    assert!(part.len() as u64 <= MIB && content.starts_with(&part), "{} bytes kept", part.len());
    let said =
        format!("the data connection was reset after {} of {} bytes", grouped(part.len() as u64), grouped(SIZE as u64));
    assert!(out.stderr.contains(&said), "{}", out.stderr);
    assert!(!out.stderr.contains("refused"), "a break worded as a refusal:\n{}", out.stderr);
    run_hint(dir.path(), &out).assert_success();
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content, "not byte-exact after resuming");
    assert_eq!(rests(&server), [part.len() as u64], "the resume did not start where the .part ends");
}

#[test]
fn get_with_retry_resumes_after_a_reset_and_is_byte_exact() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB), Fault::ResetAt(MIB)]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", "--retry", "3", "--retry-delay", "0", &url(&server, "big.bin")]);
    out.assert_success();
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content, "not byte-exact");
    assert!(!dir.path().join("big.bin.part").exists());
    let rests = rests(&server);
    assert_eq!(rests.len(), 2, "two resumed attempts: {rests:?}");
    assert!(rests[0] > 0 && rests[1] > rests[0], "each retry goes on from the last: {rests:?}");
    assert_eq!(out.stderr.matches("ftpx: retry ").count(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("ftpx: retry 1 of 3 in 0.0s: the data connection was reset after"), "{}", out.stderr);
}

#[test]
fn put_reset_mid_transfer_exits_11_not_5_and_put_c_as_printed_finishes_it() {
    let server = server_with(ServerConfig::new().fault(Fault::ResetAt(MIB)));
    let dir = tempfile::tempdir().unwrap();
    let content = write_random(dir.path().join("up.bin"), SIZE, 13);
    let out = run_in(dir.path(), &["put", "up.bin", &url(&server, "up.bin")]);
    out.assert_code(11).assert_one_error_line();
    // What was written may still have sat in socket buffers: the count is of bytes sent. The
    // reset shows as one (a write failed) or as the server's 426 after the last write.
    let said = ["the data connection was reset with ", "the server broke off the transfer with "];
    assert!(said.iter().any(|s| out.stderr.contains(s)), "{}", out.stderr);
    assert!(out.stderr.contains("426 Connection closed"), "{}", out.stderr);
    assert!(out.stderr.contains("put -c up.bin"), "{}", out.stderr);
    run_hint(dir.path(), &out).assert_success();
    assert!(fs::read(server.root().join("up.bin")).unwrap() == content, "not byte-exact after put -c");
    assert!(server.verbs().contains(&"APPE".to_owned()), "{:?}", server.verbs());
}

#[test]
fn put_with_retry_appends_the_rest_after_a_reset() {
    let server = server_with(ServerConfig::new().fault(Fault::ResetAt(MIB)));
    let dir = tempfile::tempdir().unwrap();
    let content = write_random(dir.path().join("up.bin"), SIZE, 14);
    let out = run_in(dir.path(), &["put", "--retry", "2", "--retry-delay", "0", "up.bin", &url(&server, "up.bin")]);
    out.assert_success();
    assert!(fs::read(server.root().join("up.bin")).unwrap() == content, "not byte-exact");
    let verbs = server.verbs();
    let stor = verbs.iter().filter(|v| *v == "STOR").count();
    let appe = verbs.iter().filter(|v| *v == "APPE").count();
    assert_eq!((stor, appe), (1, 1), "one STOR, then one APPE of the rest: {verbs:?}");
    assert!(server.commands().contains(&"SIZE up.bin".to_owned()));
}

#[test]
fn busy_server_exits_3_with_its_own_message_and_a_retry_gets_in() {
    let (server, content) = faulty(&[Fault::Busy]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", &url(&server, "big.bin")]);
    out.assert_code(3).assert_one_error_line();
    assert!(
        out.stderr.contains("the server is busy and turned the connection away: 421 Too many connections"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("ftpx: hint: the server has too many connections") && out.stderr.contains("--retry"),
        "{}",
        out.stderr
    );

    let server = server_with(ServerConfig::new().fault(Fault::Busy));
    fs::write(server.root().join("big.bin"), &content).unwrap();
    let out = run_in(dir.path(), &["get", "--retry", "1", "--retry-delay", "0", &url(&server, "big.bin")]);
    out.assert_success();
    assert!(out.stderr.contains("ftpx: retry 1 of 1 in 0.0s: the server is busy"), "{}", out.stderr);
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content);
}

#[test]
fn control_closed_after_the_last_data_byte_is_confirmed_by_size_and_succeeds_with_a_warning() {
    let (server, content) = faulty(&[Fault::CloseAfterData]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", &url(&server, "big.bin")]);
    out.assert_success();
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content);
    assert!(!dir.path().join("big.bin.part").exists());
    assert!(out.stderr.contains("the server's final reply never came"), "{}", out.stderr);
    assert!(out.stderr.contains("NAT or firewall idle timeout"), "{}", out.stderr);
    // What happened, not a failure: the .part is completed, not kept.
    assert!(!out.stderr.contains("kept") && !out.stderr.contains("could not"), "{}", out.stderr);
    // Confirmed, not fetched again: one RETR, and a SIZE on the second login.
    assert_eq!(server.verbs().iter().filter(|v| *v == "RETR").count(), 1, "{:?}", server.verbs());
    assert_eq!(server.verbs().iter().filter(|v| *v == "PASS").count(), 2);
}

#[test]
fn control_silent_after_the_last_data_byte_is_confirmed_within_one_timeout() {
    let (server, content) = faulty(&[Fault::SilentAfterData]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", &url(&server, "big.bin")]);
    out.assert_success();
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content);
    assert!(out.stderr.contains("no reply within 2s"), "{}", out.stderr);
    assert!(out.elapsed < Duration::from_secs(5), "took {:?}", out.elapsed);
    assert_eq!(server.verbs().iter().filter(|v| *v == "RETR").count(), 1);
}

#[test]
fn upload_whose_final_reply_never_comes_is_confirmed_by_the_servers_size() {
    let server = server_with(ServerConfig::new().fault(Fault::CloseAfterData));
    let dir = tempfile::tempdir().unwrap();
    let content = write_random(dir.path().join("up.bin"), SIZE, 15);
    let out = run_in(dir.path(), &["put", "up.bin", &url(&server, "up.bin")]);
    out.assert_success();
    assert!(out.stderr.contains("were sent, but the server's final reply never came"), "{}", out.stderr);
    assert!(fs::read(server.root().join("up.bin")).unwrap() == content);
    assert_eq!(server.verbs().iter().filter(|v| *v == "STOR" || *v == "APPE").count(), 1, "{:?}", server.verbs());
}

#[test]
fn a_stall_ends_within_one_timeout_and_a_retry_resumes_it() {
    let (server, content) = faulty(&[Fault::StallAt(MIB)]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", &url(&server, "big.bin")]);
    out.assert_code(11).assert_one_error_line();
    assert!(out.stderr.contains(&format!("the data connection stalled after {} of", grouped(MIB))), "{}", out.stderr);
    // The idle timeout (2 s) and ABOR's short grace, not a second full timeout for ABOR's reply.
    assert!(out.elapsed < Duration::from_millis(3200), "took {:?}", out.elapsed);

    let server = server_with(ServerConfig::new().fault(Fault::StallAt(MIB)));
    fs::write(server.root().join("big.bin"), &content).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", "--retry", "1", "--retry-delay", "0", &url(&server, "big.bin")]);
    out.assert_success();
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content);
    assert_eq!(rests(&server), [MIB]);
}

#[test]
fn put_stalled_mid_transfer_exits_11_within_one_timeout_with_the_bytes_sent() {
    // Larger than what loopback's socket buffers hold once the server stops reading.
    const BIG: usize = 32 << 20;
    let server = server_with(ServerConfig::new().fault(Fault::StallAt(MIB)));
    let dir = tempfile::tempdir().unwrap();
    write_random(dir.path().join("up.bin"), BIG, 16);
    let out = run_in(dir.path(), &["put", "up.bin", &url(&server, "up.bin")]);
    out.assert_code(11).assert_one_error_line();
    let line = out.stderr.lines().find(|l| l.contains("stalled")).unwrap_or_else(|| panic!("{}", out.stderr));
    // "the data connection stalled with N of 33,554,432 bytes sent: nothing moved for 2s"
    let of = format!(" of {} bytes sent: nothing moved for 2s", grouped(BIG as u64));
    let sent = line
        .split_once("stalled with ")
        .and_then(|(_, rest)| rest.split_once(&of))
        .map(|(n, _)| n.replace(',', "").parse::<u64>().unwrap())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((MIB..BIG as u64).contains(&sent), "{line}");
    assert!(out.stderr.contains("put -c up.bin"), "{}", out.stderr);
    assert!(out.elapsed < Duration::from_millis(3200), "took {:?}", out.elapsed);
}

#[test]
fn permanent_failures_are_not_retried() {
    let (server, _) = faulty(&[]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", "--retry", "5", "--retry-delay", "3", &url(&server, "missing.bin")]);
    out.assert_code(5);
    assert!(out.elapsed < Duration::from_secs(3), "waited to retry a 550: {:?}", out.elapsed);
    assert_eq!(server.verbs().iter().filter(|v| *v == "RETR").count(), 1);
    let bad_login = format!("ftp://{USER}:wrong@{}/big.bin", server.addr());
    let out = run_in(dir.path(), &["get", "--retry", "5", &bad_login]);
    out.assert_code(4);
    assert!(!out.stderr.contains("retry"), "{}", out.stderr);
}

#[test]
fn retries_give_up_after_n_and_say_so() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB), Fault::ResetAt(MIB), Fault::ResetAt(MIB)]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", "--retry", "2", "--retry-delay", "0", &url(&server, "big.bin")]);
    out.assert_code(11);
    assert!(
        out.stderr.contains("could not download 'big.bin': gave up after 2 retries: the data connection was reset"),
        "{}",
        out.stderr
    );
    let part = fs::read(dir.path().join("big.bin.part")).unwrap();
    assert!(content.starts_with(&part) && part.len() as u64 > MIB, "{} bytes", part.len());
}

#[test]
fn limit_rate_caps_the_transfer() {
    let server = server_with(ServerConfig::new());
    let content = write_random(server.root().join("small.bin"), 300 * 1024, 16);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", "--limit-rate", "200k", &url(&server, "small.bin")]);
    out.assert_success();
    assert!(fs::read(dir.path().join("small.bin")).unwrap() == content);
    // 300 KiB at 200 KiB/s: at least 1.5 s less the first chunk's head start.
    assert!(out.elapsed >= Duration::from_millis(1200), "took {:?}", out.elapsed);
    let out = run_in(dir.path(), &["get", "--limit-rate", "fast", &url(&server, "small.bin")]);
    out.assert_code(2);
}

#[test]
fn json_reports_each_file_with_its_retries_resume_offset_and_mode() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB)]);
    let dir = tempfile::tempdir().unwrap();
    let args = ["--mode", "epsv", "get", "--json", "--retry", "1", "--retry-delay", "0", &url(&server, "big.bin")];
    let out = run_in(dir.path(), &args);
    out.assert_success();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object on stdout");
    assert_eq!(report["command"], "get");
    assert_eq!(report["exit_code"], 0);
    let file = &report["files"][0];
    assert_eq!(file["outcome"], "complete");
    assert_eq!(file["remote"], "big.bin");
    assert_eq!(file["mode"], "EPSV");
    assert_eq!(file["retries"], 1);
    assert_eq!(file["size"], SIZE as u64);
    let from = file["resumed_from"].as_u64().unwrap();
    assert_eq!(rests(&server), [from]);
    assert_eq!(file["bytes"].as_u64().unwrap(), SIZE as u64 - from);
    assert!(file["seconds"].as_f64().unwrap() > 0.0 && file["bytes_per_second"].as_f64().unwrap() > 0.0);
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content);

    let (server, _) = faulty(&[Fault::ResetAt(MIB)]);
    let out = run_in(dir.path(), &["put", "--json", "big.bin", &url(&server, "copy.bin")]);
    out.assert_code(11);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object on stdout");
    assert_eq!((report["command"].as_str(), report["exit_code"].as_u64()), (Some("put"), Some(11)));
    assert_eq!(report["files"][0]["outcome"], "failed");
    assert!(report["files"][0]["error"].as_str().unwrap().contains("426"), "{report}");
}

/// A tree for the mirror cases: the 4 MiB `big.bin` of [`faulty`] and `other.bin` beside it,
/// both longer than the reset point, whichever the mirror fetches first.
fn mirror_tree(server: &TestServer) -> Vec<u8> {
    write_random(server.root().join("other.bin"), 2 * MIB as usize + 1, 13)
}

#[test]
fn mirror_with_retry_resumes_a_file_reset_mid_transfer_from_its_part() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB)]);
    let other = mirror_tree(&server);
    let dir = tempfile::tempdir().unwrap();
    let args = ["--trace", "trace.log", "mirror", "-P", "1", "--retry", "2", "--retry-delay", "0"];
    let out = run_in(dir.path(), &[&args[..], &[&url(&server, ""), "copy"]].concat());
    out.assert_success();
    let copy = dir.path().join("copy");
    assert!(fs::read(copy.join("big.bin")).unwrap() == content, "not byte-exact");
    assert!(fs::read(copy.join("other.bin")).unwrap() == other);
    assert_eq!(dir_names(&copy), [&b"big.bin"[..], b"other.bin"]);
    let rests = rests(&server);
    assert!(
        rests.len() == 1 && rests[0] > 0 && rests[0] <= MIB,
        "one resume from the .part: {rests:?}\n{}\n{:?}",
        out.stderr,
        server.commands()
    );
    assert!(out.stderr.contains(".bin: retry 1 of 2 in 0.0s: the data connection was reset"), "{}", out.stderr);
    let trace = fs::read_to_string(dir.path().join("trace.log")).unwrap();
    assert!(trace.contains(".bin: retry 1 of 2"), "no retry event in the transcript:\n{trace}");
    assert_eq!(server.verbs().iter().filter(|v| *v == "RETR").count(), 3, "{:?}", server.verbs());
    // The listing gave the time to the second (MLSD): the retry checks the file is unchanged.
    assert_eq!(server.verbs().iter().filter(|v| *v == "MDTM").count(), 1, "{:?}", server.verbs());
}

#[test]
fn mirror_json_counts_each_files_retries_and_the_summary_the_total() {
    let (server, _) = faulty(&[Fault::ResetAt(MIB)]);
    mirror_tree(&server);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &["mirror", "--json", "-P", "1", "--retry", "2", "--retry-delay", "0", &url(&server, ""), "c"],
    );
    out.assert_success();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut retries: Vec<u64> = j["files"].as_array().unwrap().iter().map(|f| f["retries"].as_u64().unwrap()).collect();
    retries.sort();
    assert_eq!(retries, [0, 1], "{j}");
    assert_eq!(j["retries"], 1, "{j}");

    // A file that fails for good keeps the count of the retries it had; the text summary says them.
    let (server, _) = faulty(&[Fault::ResetAt(MIB), Fault::ResetAt(MIB)]);
    mirror_tree(&server);
    let out = run_in(dir.path(), &["mirror", "-P", "1", "--retry", "1", "--retry-delay", "0", &url(&server, ""), "d"]);
    out.assert_code(12);
    assert!(out.stderr.contains("1 failed, 1 retry,"), "{}", out.stderr);
    let out = run_in(dir.path(), &["mirror", "-P", "1", &url(&server, ""), "d"]);
    assert!(!out.stderr.contains("retr"), "no retries, none said: {}", out.stderr);
}

#[test]
fn an_interrupted_mirror_run_again_fetches_only_what_it_lacks() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB)]);
    let other = mirror_tree(&server);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["mirror", "-P", "1", &url(&server, ""), "copy"]);
    out.assert_code(12);
    let copy = dir.path().join("copy");
    let parts: Vec<_> =
        ["big.bin.part", "other.bin.part"].iter().filter_map(|p| fs::metadata(copy.join(p)).ok()).collect();
    assert_eq!(parts.len(), 1, "one .part kept: {:?}", dir_names(&copy));
    let kept = parts[0].len();
    assert!(kept > 0 && kept <= MIB, "{kept}");
    let retrs = server.verbs().iter().filter(|v| *v == "RETR").count();

    run_in(dir.path(), &["mirror", "-c", &url(&server, ""), "copy"]).assert_success();
    assert!(fs::read(copy.join("big.bin")).unwrap() == content, "not byte-exact");
    assert!(fs::read(copy.join("other.bin")).unwrap() == other, "not byte-exact");
    assert_eq!(rests(&server), [kept], "the second run did not go on from the .part");
    let again = server.verbs().iter().filter(|v| *v == "RETR").count() - retrs;
    assert_eq!(again, 1, "the second run fetched more than the broken file: {:?}", server.verbs());
}

#[test]
fn segments_with_retry_resume_a_range_reset_mid_transfer() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB)]);
    let dir = tempfile::tempdir().unwrap();
    let args = ["get", "--segments", "2", "--retry", "2", "--retry-delay", "0", &url(&server, "big.bin")];
    let out = run_in(dir.path(), &args);
    out.assert_success();
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content, "not byte-exact");
    let half = SIZE as u64 / 2;
    let mut rests = rests(&server);
    rests.sort();
    // The second range starts at `half`; the broken range goes on from where it got to.
    assert_eq!(rests.len(), 2, "{rests:?}");
    let resumed = if rests[0] == half { rests[1] } else { rests[0] };
    assert!(
        (1..=MIB).contains(&resumed) || (half + 1..=half + MIB).contains(&resumed),
        "the range did not resume where it stopped: {rests:?}"
    );
    assert!(rests.contains(&half), "{rests:?}");
    assert!(out.stderr.contains(": retry 1 of 2 in 0.0s: "), "{}", out.stderr);
    assert_eq!(server.verbs().iter().filter(|v| *v == "RETR").count(), 3, "{:?}", server.verbs());
}

#[test]
fn a_broken_segmented_download_run_again_fetches_only_what_it_lacks() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB)]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["get", "--segments", "2", &url(&server, "big.bin")]);
    out.assert_code(11);
    assert!(dir.path().join("big.bin.part.segments").exists(), "{}", out.stderr);
    let before = rests(&server).len();
    run_in(dir.path(), &["get", "-c", &url(&server, "big.bin")]).assert_success();
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content, "not byte-exact");
    let rests = rests(&server);
    assert_eq!(rests.len() - before, 1, "only the broken range is fetched again: {rests:?}");
    let resumed = rests[before];
    assert!(resumed > 0 && resumed != SIZE as u64 / 2, "{rests:?}");
}

#[test]
fn the_shell_retry_setting_resumes_a_get_and_its_notice_reaches_the_transcript() {
    let (server, content) = faulty(&[Fault::ResetAt(MIB)]);
    let dir = tempfile::tempdir().unwrap();
    let script = "retry\nretry 2 0\nstatus\nget big.bin\n";
    let out = ftpx()
        .current_dir(dir.path())
        .args(["--timeout", "2", "--trace", "trace.log", &url(&server, "")])
        .stdin(script)
        .run();
    out.assert_success();
    assert!(out.stdout_str().contains("Retries: off"), "{}", out.stdout_str());
    assert!(out.stdout_str().contains("Retries: up to 2, the first after 0.0s"), "{}", out.stdout_str());
    assert!(fs::read(dir.path().join("big.bin")).unwrap() == content, "not byte-exact");
    let rests = rests(&server);
    assert!(rests.len() == 1 && rests[0] > 0 && rests[0] <= MIB, "{rests:?}");
    assert!(out.stderr.contains("ftpx: retry 1 of 2 in 0.0s: the data connection was reset after"), "{}", out.stderr);
    let trace = fs::read_to_string(dir.path().join("trace.log")).unwrap();
    assert!(trace.contains("retry 1 of 2"), "no retry event in the transcript:\n{trace}");
}

//! The interactive shell: driven through a pseudo-terminal as a user types (rexpect), and fed
//! scripts on a pipe. Every expectation in a terminal test waits at most [`WAIT_MS`], and the
//! process is killed when its session is dropped; script runs have the runner's hard timeout.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rexpect::reader::Options;
use rexpect::session::PtySession;

use super::{PASS, USER, assert_used_only, server, server_with, url};
use crate::support::{ServerConfig, ftpx, write_random};

const WAIT_MS: u64 = 15_000;
const PROMPT: &str = "ftpx> ";

/// The shell on a pseudo-terminal, in `cwd`, with a fresh `home` (history goes there).
fn pty(args: &[&str], home: &Path, cwd: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ftpx"));
    cmd.args(args).env_clear().env("HOME", home).env("NO_COLOR", "1").env("TERM", "xterm").current_dir(cwd);
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    let options = Options::new().timeout_ms(Some(WAIT_MS)).strip_ansi_escape_codes(true);
    rexpect::spawn_with_options(cmd, options).expect("start ftpx on a pty")
}

/// Types `keys` without Enter (rexpect buffers them until flushed).
fn keys(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("type");
    p.flush().expect("flush the keys");
}

/// Types a line and waits for the next prompt; returns what came before it.
fn run(p: &mut PtySession, line: &str) -> String {
    p.send_line(line).expect("type a line");
    p.exp_string(PROMPT).unwrap_or_else(|e| panic!("no prompt after `{line}`: {e}"))
}

/// Ends the session with Ctrl-D and checks that the shell exits 0.
fn ctrl_d(mut p: PtySession) {
    p.send_control('d').expect("send Ctrl-D");
    p.exp_eof().expect("the shell leaves on Ctrl-D");
    // rexpect does not re-export nix's WaitStatus: its Debug form is `Exited(Pid(N), CODE)`.
    let status = format!("{:?}", p.process().wait().expect("wait for ftpx"));
    assert!(status.starts_with("Exited(") && status.ends_with(", 0)"), "ftpx ended with {status}");
}

fn dirs() -> (tempfile::TempDir, tempfile::TempDir) {
    (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap())
}

#[test]
fn pty_login_asks_the_password_then_ls_cd_get_put_and_ctrl_d_leaves() {
    let server = server();
    fs::create_dir(server.root().join("pub")).unwrap();
    fs::write(server.root().join("pub/notes.txt"), b"remote notes\n").unwrap();
    let (home, work) = dirs();
    fs::write(work.path().join("local.txt"), b"from the client\n").unwrap();
    let address = format!("ftp://{USER}@{}/", server.addr());
    let mut p = pty(&[&address], home.path(), work.path());
    p.exp_string(&format!("Password for {USER}@127.0.0.1:")).expect("asks for the password");
    p.send_line(PASS).unwrap();
    p.exp_string("230").expect("logged in");
    p.exp_string(PROMPT).unwrap();
    let listing = run(&mut p, "ls");
    assert!(listing.contains("pub"), "{listing}");
    let cd = run(&mut p, "cd pub");
    assert!(cd.contains("250"), "{cd}");
    let pwd = run(&mut p, "pwd");
    assert!(pwd.contains("Remote directory: /pub"), "{pwd}");
    run(&mut p, "get notes.txt");
    assert_eq!(fs::read(work.path().join("notes.txt")).unwrap(), b"remote notes\n");
    run(&mut p, "put local.txt");
    assert_eq!(fs::read(server.root().join("pub/local.txt")).unwrap(), b"from the client\n");
    ctrl_d(p);
    let history = fs::read_to_string(home.path().join(".local/share/ftpx/history")).unwrap();
    assert!(history.contains("get notes.txt"), "{history}");
    assert!(!history.contains(PASS), "the password reached the history:\n{history}");
}

#[test]
fn pty_tab_completes_a_remote_name() {
    let server = server();
    fs::write(server.root().join("quarterly-report.pdf"), b"%PDF").unwrap();
    fs::write(server.root().join("other.txt"), b"x").unwrap();
    fs::create_dir(server.root().join("queue")).unwrap();
    let (home, work) = dirs();
    let mut p = pty(&[&url(&server, "")], home.path(), work.path());
    p.exp_string(PROMPT).unwrap();
    // "qua" is unique: Tab completes it whole, and Enter runs the completed line.
    keys(&mut p, "get qua\t");
    p.exp_string("quarterly-report.pdf").expect("the name is completed");
    p.send_line("").unwrap();
    p.exp_string(PROMPT).unwrap();
    assert_eq!(fs::read(work.path().join("quarterly-report.pdf")).unwrap(), b"%PDF");
    // A directory completes with its slash, for cd.
    keys(&mut p, "cd que\t");
    p.exp_string("queue/").expect("a directory completes with /");
    p.send_line("").unwrap();
    p.exp_string(PROMPT).unwrap();
    ctrl_d(p);
}

#[test]
fn pty_mget_with_a_glob_asks_for_each_file() {
    let server = server();
    for name in ["a.txt", "b.txt", "c.log"] {
        fs::write(server.root().join(name), name).unwrap();
    }
    fs::create_dir(server.root().join("dir.txt")).unwrap();
    let (home, work) = dirs();
    let mut p = pty(&[&url(&server, "")], home.path(), work.path());
    p.exp_string(PROMPT).unwrap();
    p.send_line("mget *.txt").unwrap();
    p.exp_string("mget a.txt [anpqy?]?").expect("asks about a.txt");
    p.send_line("y").unwrap();
    p.exp_string("mget b.txt [anpqy?]?").expect("asks about b.txt");
    p.send_line("n").unwrap();
    p.exp_string(PROMPT).unwrap();
    assert_eq!(crate::support::dir_names(work.path()), [b"a.txt"]);
    // With prompting off, the glob takes every matching file, and never the directory.
    let out = run(&mut p, "prompt off");
    assert!(out.contains("Interactive mode off."), "{out}");
    run(&mut p, "mget *.txt *.log");
    assert_eq!(crate::support::dir_names(work.path()), [&b"a.txt"[..], b"b.txt", b"c.log"]);
    ctrl_d(p);
}

#[test]
fn pty_toggles_change_what_the_shell_does() {
    let server = server();
    fs::create_dir(server.root().join("sub")).unwrap();
    let (home, work) = dirs();
    let mut p = pty(&[&url(&server, "")], home.path(), work.path());
    p.exp_string(PROMPT).unwrap();
    let out = run(&mut p, "verbose");
    assert!(out.contains("Verbose mode off."), "{out}");
    let out = run(&mut p, "cd sub");
    assert!(!out.contains("250"), "a reply shown with verbose off: {out}");
    let out = run(&mut p, "verbose on");
    assert!(out.contains("Verbose mode on."), "{out}");
    let out = run(&mut p, "passive");
    assert!(out.contains("Passive mode: off (trying EPRT, then PORT)."), "{out}");
    run(&mut p, "ls");
    assert!(server.verbs().contains(&"EPRT".to_owned()), "{:?}", server.verbs());
    let out = run(&mut p, "passive");
    assert!(out.contains("Passive mode: on (trying EPSV, then PASV)."), "{out}");
    let out = run(&mut p, "epsv4 off");
    assert!(out.contains("EPSV/EPRT on IPv4: off (trying PASV)."), "{out}");
    let before = server.verbs().len();
    run(&mut p, "ls");
    assert!(server.verbs()[before..].contains(&"PASV".to_owned()), "{:?}", server.verbs());
    let out = run(&mut p, "mode port");
    assert!(out.contains("Mode port: trying PORT."), "{out}");
    let out = run(&mut p, "hash 64k");
    assert!(out.contains("Hash mark printing on (65536 bytes/hash mark)."), "{out}");
    let out = run(&mut p, "ascii");
    assert!(out.contains("Using ascii mode to transfer files."), "{out}");
    let out = run(&mut p, "debug");
    assert!(out.contains("Debugging on."), "{out}");
    let out = run(&mut p, "pwd");
    assert!(out.contains("---> PWD"), "debug shows the commands sent: {out}");
    run(&mut p, "debug off");
    let status = run(&mut p, "status");
    for expected in ["mode port, trying PORT", "Transfer type: ascii", "hash: every 65536 bytes", "debug: off"] {
        assert!(status.contains(expected), "{expected:?} not in:\n{status}");
    }
    ctrl_d(p);
}

#[test]
fn pty_ctrl_c_aborts_a_slow_download_and_the_session_goes_on() {
    let server = server_with(ServerConfig::new().throttle(100_000));
    write_random(server.root().join("slow.bin"), 4_000_000, 7);
    fs::write(server.root().join("after.txt"), b"x").unwrap();
    let (home, work) = dirs();
    let mut p = pty(&[&url(&server, "")], home.path(), work.path());
    p.exp_string(PROMPT).unwrap();
    p.send_line("get slow.bin").unwrap();
    p.exp_string("150").expect("the transfer starts");
    std::thread::sleep(Duration::from_millis(500));
    p.send_control('c').unwrap();
    p.exp_string("interrupted").expect("the transfer is interrupted");
    p.exp_string(PROMPT).expect("back at the prompt");
    let part = work.path().join("slow.bin.part");
    let kept = fs::metadata(&part).expect("the .part is kept").len();
    assert!(kept > 0 && kept < 4_000_000, "{kept} bytes kept");
    assert!(!work.path().join("slow.bin").exists());
    assert!(server.verbs().contains(&"ABOR".to_owned()), "{:?}", server.verbs());
    // The same session lists the directory afterwards.
    let listing = run(&mut p, "ls");
    assert!(listing.contains("after.txt") && listing.contains("226"), "{listing}");
    ctrl_d(p);
}

#[test]
fn pty_ctrl_c_at_the_prompt_clears_the_line() {
    let server = server();
    let (home, work) = dirs();
    let mut p = pty(&[&url(&server, "")], home.path(), work.path());
    p.exp_string(PROMPT).unwrap();
    keys(&mut p, "delete everything");
    p.send_control('c').unwrap();
    p.exp_string(PROMPT).unwrap();
    let out = run(&mut p, "pwd");
    assert!(out.contains("Remote directory: /"), "{out}");
    assert!(!server.verbs().contains(&"DELE".to_owned()));
    ctrl_d(p);
}

#[test]
fn pty_lost_connection_offers_to_reconnect() {
    let server = server();
    fs::create_dir(server.root().join("pub")).unwrap();
    fs::write(server.root().join("pub/here.txt"), b"x").unwrap();
    let (home, work) = dirs();
    let mut p = pty(&[&url(&server, "pub/")], home.path(), work.path());
    p.exp_string(PROMPT).unwrap();
    // QUIT behind the shell's back: the server closes the connection.
    let out = run(&mut p, "quote QUIT");
    assert!(out.contains("221"), "{out}");
    // As a user would, some time later: the close has arrived by then.
    std::thread::sleep(Duration::from_millis(300));
    p.send_line("ls").unwrap();
    p.exp_string("was lost").expect("the loss is reported");
    p.exp_string("Reconnect? [Y/n]").expect("a reconnection is offered");
    p.send_line("").unwrap();
    // Back in pub/ with the same credentials, and the command runs.
    let listing = p.exp_string(PROMPT).unwrap();
    assert!(listing.contains("here.txt"), "{listing}");
    ctrl_d(p);
}

#[test]
fn pty_help_comes_from_the_grammar() {
    let (home, work) = dirs();
    let mut p = pty(&[], home.path(), work.path());
    p.exp_string(PROMPT).unwrap();
    let help = run(&mut p, "help");
    for command in ["open", "mget", "passive", "epsv4", "quote", "bye"] {
        assert!(help.contains(&format!("  {command} ")), "{command} missing:\n{help}");
    }
    let get = run(&mut p, "? get");
    assert!(get.contains("Usage: get [OPTIONS] <REMOTE> [LOCAL]"), "{get}");
    assert!(get.contains("--segments <N>"), "{get}");
    let mkdir = run(&mut p, "help mkdir");
    assert!(mkdir.contains("Usage: mkdir [OPTIONS] <REMOTE-DIR>") && mkdir.contains("-p, --parents"), "{mkdir}");
    let usage = run(&mut p, "get");
    assert!(usage.contains("required arguments were not provided"), "{usage}");
    let out = run(&mut p, "ls");
    assert!(out.contains("not connected"), "{out}");
    ctrl_d(p);
}

// ---- Scripts on a pipe: no prompt, no history, and the exit status of the first failure.

#[test]
fn script_runs_each_line_and_exits_0() {
    let server = server();
    fs::create_dir(server.root().join("pub")).unwrap();
    fs::write(server.root().join("pub/a.txt"), b"alpha\n").unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = ftpx()
        .current_dir(work.path())
        .arg(url(&server, ""))
        .stdin("cd pub\nget a.txt\nls\n# a comment\n\nbye\n")
        .run();
    let work = work.path();
    out.assert_success();
    assert_eq!(fs::read(work.join("a.txt")).unwrap(), b"alpha\n");
    let stdout = out.stdout_str();
    assert!(stdout.contains("a.txt") && !stdout.contains("ftpx>"), "{stdout}");
    // Not a terminal: replies are not shown (verbose is off), and there is no history.
    assert!(!stdout.contains("250"), "{stdout}");
}

#[test]
fn script_stops_at_the_first_failure_with_its_exit_status() {
    let server = server();
    fs::write(server.root().join("a.txt"), b"alpha\n").unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).arg(url(&server, "")).stdin("get missing.txt\nget a.txt\n").run();
    let work = work.path();
    out.assert_code(5).assert_one_error_line();
    assert!(out.stderr.contains("missing.txt"), "{}", out.stderr);
    assert!(!work.join("a.txt").exists(), "the line after the failure ran");
}

#[test]
fn keep_going_runs_every_line_and_keeps_the_first_status() {
    let server = server();
    fs::write(server.root().join("a.txt"), b"alpha\n").unwrap();
    let work = tempfile::tempdir().unwrap();
    let script = "get missing.txt\nfrobnicate\nget a.txt\n";
    let out = ftpx().current_dir(work.path()).args(["--keep-going", &url(&server, "")]).stdin(script).run();
    let work = work.path();
    out.assert_code(5);
    assert!(work.join("a.txt").exists());
}

/// `mkdir -p` with verbose on shows the directories it created, not the refusals of the parents
/// that exist (nor of the target that exists, nor its own CWD checks); a real failure is still
/// the error line with the server's reply; and the -d transcript keeps every line on the wire.
#[test]
fn mkdir_parents_verbose_shows_what_it_created_and_real_failures_only() {
    let server = server();
    fs::create_dir(server.root().join("a")).unwrap();
    fs::write(server.root().join("f"), b"a file\n").unwrap();
    let script = "verbose on\nmkdir -p a/b/c\nmkdir -p a/b\nmkdir -p f/x\n";
    let out = ftpx().args(["shell", "--keep-going", &url(&server, "")]).stdin(script).run();
    out.assert_code(5).assert_one_error_line();
    assert!(server.root().join("a/b/c").is_dir());
    let stdout = out.stdout_str();
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("257 ")).collect::<Vec<_>>(),
        ["257 \"/a/b\" created", "257 \"/a/b/c\" created"]
    );
    assert!(!stdout.contains("550") && !stdout.contains("250"), "{stdout}");
    assert!(
        out.stderr
            .contains("could not create directory 'f/x': MKD f/x refused: 550 Create directory operation failed."),
        "{}",
        out.stderr
    );
    // -d: the transcript has every MKD and every refusal; stdout has no reply (the transcript is the view).
    let out = ftpx().args(["-d", "shell", "--keep-going", &url(&server, "")]).stdin(script).run();
    out.assert_code(5);
    let sent = out.stderr.lines().filter(|l| l.contains("---> MKD ")).count();
    let refused = out.stderr.lines().filter(|l| l.contains("<--- 550 ")).count();
    // All exist now (f/x never): each line's MKD, its parents' and its own again, all refused,
    // and CWD f/x's refusal.
    assert_eq!((sent, refused), (10, 11), "{}", out.stderr);
}

#[test]
fn bad_lines_are_usage_errors_and_never_end_the_shell() {
    let server = server();
    let script = "get 'unterminated\nmode sideways\nquote\nopen\nget a\\\0b\nquote NOOP\n";
    let out = ftpx().args(["shell", "--keep-going", &url(&server, "")]).stdin(script).run();
    out.assert_code(2);
    assert!(out.stdout_str().contains("200"), "the last line ran: {}", out.stdout_str());
}

#[test]
fn script_without_a_connection_exits_3() {
    let out = ftpx().stdin("ls\n").run();
    out.assert_code(3);
    assert!(out.stderr.contains("not connected"), "{}", out.stderr);
}

#[test]
fn script_mget_and_mput_match_globs() {
    let server = server();
    for name in ["one.csv", "two.csv", "skip.txt"] {
        fs::write(server.root().join(name), name).unwrap();
    }
    fs::create_dir(server.root().join("up")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).arg(url(&server, "")).stdin("mget *.csv\ncd up\nmput *.csv\n").run();
    out.assert_success();
    assert_eq!(crate::support::dir_names(work.path()), [&b"one.csv"[..], b"two.csv"]);
    assert_eq!(crate::support::dir_names(server.root().join("up")), [&b"one.csv"[..], b"two.csv"]);
    let out = ftpx().arg(url(&server, "")).stdin("mget *.none\n").run();
    out.assert_code(11);
    assert!(out.stderr.contains("no remote file matches '*.none'"), "{}", out.stderr);
}

#[test]
fn script_mode_commands_choose_the_data_connection() {
    super::in_each_mode(|mode| {
        let server = server();
        let out = ftpx().arg(url(&server, "")).stdin(format!("mode {mode}\nls\n")).run();
        out.assert_success();
        assert_used_only(&server, mode);
    });
}

#[test]
fn a_failed_data_connection_names_the_mode_and_suggests_mode_or_probe() {
    let server = server_with(ServerConfig::new().passive_closed_port());
    let out = ftpx().arg(url(&server, "")).stdin("passive on\nls\n").run();
    out.assert_code(6);
    assert!(out.stderr.contains("EPSV") && out.stderr.contains("PASV"), "{}", out.stderr);
    assert!(out.stderr.contains("`mode active`") && out.stderr.contains("`probe`"), "{}", out.stderr);
}

#[test]
fn script_reports_a_lost_connection_and_open_connects_again() {
    let server = server();
    fs::write(server.root().join("marker.txt"), b"x").unwrap();
    let script = format!("quote QUIT\nls\nopen {}\nls\n", url(&server, ""));
    let out = ftpx().args(["--keep-going", &url(&server, "")]).stdin(script).run();
    // The `ls` after QUIT fails: either before sending (the close was already seen: not
    // connected, 3) or on sending (the server closed the control connection, 1).
    assert!(matches!(out.code, Some(1 | 3)), "{out:?}");
    assert!(out.stderr.contains("was lost"), "{}", out.stderr);
    assert!(out.stdout_str().contains("marker.txt"), "the ls after open ran: {}", out.stdout_str());
}

#[test]
fn bare_url_and_shell_subcommand_start_the_same_shell() {
    let server = server();
    for args in [vec![url(&server, "")], vec!["shell".to_owned(), url(&server, "")]] {
        let out = ftpx().args(&args).stdin("quote NOOP\n").run();
        out.assert_success();
        assert!(out.stdout_str().contains("200"), "{args:?}: {}", out.stdout_str());
    }
    let out = ftpx().arg("lss").run();
    out.assert_code(2);
    assert!(out.stderr.contains("neither a subcommand nor a URL"), "{}", out.stderr);
}

#[test]
fn append_and_reput_extend_remote_files() {
    let server = server();
    fs::write(server.root().join("log.txt"), b"one\n").unwrap();
    let work = tempfile::tempdir().unwrap();
    fs::write(work.path().join("more.txt"), b"two\n").unwrap();
    let big = write_random(work.path().join("big.bin"), 300_000, 3);
    fs::write(server.root().join("big.bin"), &big[..100_000]).unwrap();
    let out =
        ftpx().current_dir(work.path()).arg(url(&server, "")).stdin("append more.txt log.txt\nreput big.bin\n").run();
    out.assert_success();
    assert_eq!(fs::read(server.root().join("log.txt")).unwrap(), b"one\ntwo\n");
    assert!(fs::read(server.root().join("big.bin")).unwrap() == big);
    assert!(server.verbs().iter().filter(|v| *v == "APPE").count() == 2, "{:?}", server.verbs());
}

#[test]
fn sigterm_while_a_script_waits_exits_143() {
    use std::process::Stdio;
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ftpx"))
        .env_clear()
        .env("HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ftpx");
    std::thread::sleep(Duration::from_millis(500));
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("ftpx did not end after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(143));
}

#[test]
fn probe_runs_against_the_current_server_and_directory() {
    let server = server_with(ServerConfig::new().passive_closed_port());
    fs::create_dir(server.root().join("pub")).unwrap();
    let out = ftpx().arg(url(&server, "")).stdin("cd pub\nprobe\n").run();
    out.assert_success();
    let report = out.stdout_str();
    assert!(report.contains("Verdict:") && report.contains("EPRT"), "{report}");
    // Each attempt listed the shell's directory, on connections of its own.
    let lists = server.commands().iter().filter(|c| c.starts_with("LIST /pub") || c.starts_with("MLSD /pub")).count();
    assert!(lists >= 2, "{:?}", server.commands());
}

/// The server's commands between the `quote NOOP` markers of a script, one slice per phase.
fn phases(server: &crate::support::TestServer) -> Vec<Vec<String>> {
    let verbs = server.verbs();
    verbs.split(|v| v == "NOOP").map(<[String]>::to_vec).collect()
}

fn count(verbs: &[String], verb: &str) -> usize {
    verbs.iter().filter(|v| *v == verb).count()
}

#[test]
fn mirror_and_segments_sessions_use_the_shells_modes_not_the_command_lines() {
    let server = server();
    let tree = server.root().join("tree");
    fs::create_dir_all(tree.join("sub")).unwrap();
    for (i, name) in ["a.txt", "b.txt", "c.txt", "sub/d.txt"].into_iter().enumerate() {
        fs::write(tree.join(name), name.repeat(i + 1)).unwrap();
    }
    let big = write_random(server.root().join("big.bin"), 3 << 20, 7);
    let work = tempfile::tempdir().unwrap();
    // The command line says passive only; the shell's settings must win for every session.
    let script = "quote NOOP\nmode active\nmirror -P 3 tree active\nquote NOOP\nepsv4 off\n\
                  get --segments 3 big.bin\nquote NOOP\nepsv4 on\nmode passive\nmirror -P 3 tree passive\n";
    let out = ftpx().current_dir(work.path()).args(["-q", "--mode", "passive", &url(&server, "")]).stdin(script).run();
    out.assert_success();
    for dir in ["active", "passive"] {
        assert_eq!(fs::read(work.path().join(dir).join("sub/d.txt")).unwrap(), b"sub/d.txtsub/d.txtsub/d.txtsub/d.txt");
    }
    assert!(fs::read(work.path().join("big.bin")).unwrap() == big);
    let [_, active, port, passive] = phases(&server).try_into().expect("four phases");
    // Each phase logs in sessions of its own (the pool), besides the shell's.
    for (name, phase, data) in [("active", &active, "EPRT"), ("port", &port, "PORT"), ("passive", &passive, "EPSV")] {
        assert!(count(phase, "USER") >= 2, "{name}: one session or none: {phase:?}");
        let transfers = count(phase, "RETR") + count(phase, "MLSD") + count(phase, "LIST");
        assert!(transfers >= 3, "{name}: {phase:?}");
        assert_eq!(count(phase, data), transfers, "{name}: not every data connection by {data}: {phase:?}");
        for other in ["EPSV", "PASV", "EPRT", "PORT"].into_iter().filter(|o| *o != data) {
            assert_eq!(count(phase, other), 0, "{name}: a session sent {other}: {phase:?}");
        }
    }
}

#[test]
fn mirror_in_the_shell_retries_as_the_shells_retry_setting_says() {
    let server = server_with(ServerConfig::new().fault(crate::support::Fault::ResetAt(1 << 20)));
    fs::create_dir(server.root().join("tree")).unwrap();
    let big = write_random(server.root().join("tree/big.bin"), 3 << 20, 5);
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).arg(url(&server, "")).stdin("retry 2 0\nmirror tree copy\n").run();
    out.assert_success();
    assert!(out.stderr.contains("ftpx: big.bin: retry 1 of 2 in 0.0s"), "{}", out.stderr);
    assert!(fs::read(work.path().join("copy/big.bin")).unwrap() == big, "not byte-exact");
}

#[test]
fn pty_user_asks_the_password_after_a_refused_login_and_logs_in() {
    let server = server_with(ServerConfig::new().no_anonymous());
    fs::write(server.root().join("a.txt"), b"alpha\n").unwrap();
    let (home, work) = dirs();
    let mut p = pty(&[&format!("ftp://{}/", server.addr())], home.path(), work.path());
    p.exp_string("530").expect("the anonymous login is refused");
    p.exp_string(PROMPT).unwrap();
    p.send_line(&format!("user {USER}")).unwrap();
    // (Echo goes off just after the prompt is out: a password typed as fast as a test types
    // may still be echoed, so that is not checked here.)
    let asked = p.exp_string("Password: ").expect("asks for the password");
    assert!(asked.contains("331"), "the server's 331 is shown before the prompt: {asked}");
    p.send_line(PASS).unwrap();
    let login = p.exp_string(PROMPT).unwrap();
    assert!(login.contains("230"), "{login}");
    assert!(!login.contains("331"), "the 331 was shown twice: {login}");
    let listing = run(&mut p, "ls");
    assert!(listing.contains("a.txt"), "{listing}");
    ctrl_d(p);
    // The login as the one sequence makes it: USER, PASS, FEAT.
    let commands = server.commands();
    let at = commands.iter().rposition(|c| *c == format!("USER {USER}")).expect("USER sent");
    assert_eq!(commands[at + 1..at + 3], [format!("PASS {PASS}"), "FEAT".to_owned()], "{commands:?}");
    let history = fs::read_to_string(home.path().join(".local/share/ftpx/history")).unwrap();
    assert!(history.contains(&format!("user {USER}")) && !history.contains(PASS), "{history}");
}

#[test]
fn user_over_ftps_protects_the_data_connections_of_the_new_login() {
    // ProFTPD's `TLSRequired on`: no data connection without PROT P, which the new login sends.
    let server = server_with(ServerConfig::new().tls().no_anonymous().require_tls_data());
    fs::write(server.root().join("a.txt"), b"alpha\n").unwrap();
    let run = ftpx();
    let ca = run.home().join("ca.pem");
    fs::write(&ca, server.trust_pem()).unwrap();
    let script = format!("user {USER} {PASS}\nls\n");
    let out = run
        .arg("--cacert")
        .arg(&ca)
        .args(["--tls", "--keep-going", &format!("ftp://{}/", server.addr())])
        .stdin(script)
        .run();
    // The anonymous login's 530 is the first failure, and so the status; the rest went on.
    out.assert_code(4);
    assert!(out.stdout_str().contains("a.txt"), "stdout: {}\nstderr: {}", out.stdout_str(), out.stderr);
    let commands = server.commands();
    let at = commands.iter().position(|c| *c == format!("USER {USER}")).expect("USER sent");
    assert_eq!(commands[at + 1..at + 4], [format!("PASS {PASS}"), "PBSZ 0".to_owned(), "PROT P".to_owned()]);
}

#[test]
fn script_user_with_a_wrong_password_fails_with_the_login_status() {
    let server = server_with(ServerConfig::new().no_anonymous());
    let out = ftpx()
        .args(["--keep-going", &format!("ftp://{}/", server.addr())])
        .stdin(format!("user {USER} wrong\nuser {USER}\n"))
        .run();
    out.assert_code(4);
    assert!(out.stderr.contains("530 Login incorrect"), "{}", out.stderr);
    // Not a terminal: a missing password is not asked for.
    assert!(out.stderr.contains(&format!("asks for a password for user '{USER}'")), "{}", out.stderr);
}

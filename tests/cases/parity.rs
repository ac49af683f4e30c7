//! The same operation through both front ends: the one-shot command, and the shell run as a
//! piped script, each against its own in-process server set up alike. Both call one operation
//! in `ops`, so the outcome must match: exit code, local files, the server's files, the error
//! line and what the server was asked.

use std::fs;
use std::path::Path;

use super::{PASS, USER, server_with, url};
use crate::support::{Output, Run, ServerConfig, TestServer, ftpx, write_random};

/// Every file and directory under `root`, with file contents, sorted: the state to compare.
fn snapshot(root: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                dirs.push(path);
                out.push((name + "/", None));
            } else {
                out.push((name, Some(fs::read(&path).unwrap())));
            }
        }
    }
    out.sort();
    out
}

/// What one front end's run left behind.
struct Outcome {
    out: Output,
    local: Vec<(String, Option<Vec<u8>>)>,
    remote: Vec<(String, Option<Vec<u8>>)>,
    /// The commands the server received, less the login and the data-connection setup, which
    /// differ by front end (the shell asks PWD and sets the type as it goes).
    verbs: Vec<String>,
    logins: usize,
}

/// Runs `run` against a server built by `setup` (with `local` files in the working directory).
fn outcome(
    config: ServerConfig,
    setup: &dyn Fn(&TestServer),
    local: &[(&str, u64)],
    run: &dyn Fn(&TestServer, Run) -> Run,
) -> Outcome {
    let server = server_with(config);
    setup(&server);
    let work = tempfile::tempdir().unwrap();
    let work = work.path();
    for (name, len) in local {
        write_random(work.join(name), *len as usize, *len);
    }
    let out = run(&server, ftpx().current_dir(work)).run();
    let ignored = ["USER", "PASS", "PWD", "TYPE", "FEAT", "OPTS", "EPSV", "PASV", "EPRT", "PORT", "QUIT", "SYST"];
    let all = server.verbs();
    let logins = all.iter().filter(|v| *v == "USER").count();
    let verbs = all.into_iter().filter(|v| !ignored.contains(&v.as_str())).collect();
    Outcome { out, local: snapshot(work), remote: snapshot(server.root()), verbs, logins }
}

/// Runs the one-shot `args` (the server's URL replaces `{}`) and the shell `script`, each against
/// a fresh server set up by `setup`, and asserts that they agree; returns both.
#[track_caller]
fn same(
    config: impl Fn() -> ServerConfig,
    setup: impl Fn(&TestServer),
    local: &[(&str, u64)],
    args: &[&str],
    script: &str,
) -> (Outcome, Outcome) {
    let oneshot = outcome(config(), &setup, local, &|server, run| {
        let base = url(server, "");
        run.args(args.iter().map(|a| a.replace("{}", &base)))
    });
    let shell =
        outcome(config(), &setup, local, &|server, run| run.arg(url(server, "")).stdin(script.as_bytes().to_vec()));
    let show = |o: &Outcome| format!("code {:?}\nstderr:\n{}", o.out.code, o.out.stderr);
    let both = format!("one-shot: {}\nshell: {}", show(&oneshot), show(&shell));
    assert_eq!(oneshot.out.code, shell.out.code, "exit codes differ\n{both}");
    assert_eq!(oneshot.local, shell.local, "local files differ\n{both}");
    assert_eq!(oneshot.remote, shell.remote, "server files differ\n{both}");
    assert_eq!(oneshot.verbs, shell.verbs, "server commands differ\n{both}");
    assert_eq!(oneshot.logins, shell.logins, "logins differ\n{both}");
    let error_line = |o: &Outcome| o.out.stderr.lines().find(|l| l.starts_with("ftpx: error:")).map(str::to_owned);
    assert_eq!(error_line(&oneshot), error_line(&shell), "error lines differ\n{both}");
    (oneshot, shell)
}

fn file(server: &TestServer, name: &str, len: u64) {
    if let Some(dir) = Path::new(name).parent() {
        fs::create_dir_all(server.root().join(dir)).unwrap();
    }
    write_random(server.root().join(name), len as usize, len);
}

#[test]
fn get_downloads_the_same_file_from_both_front_ends() {
    let (oneshot, _) =
        same(ServerConfig::new, |s| file(s, "pub/a.bin", 100_000), &[], &["get", "{}pub/a.bin"], "get pub/a.bin\n");
    oneshot.out.assert_success();
    assert_eq!(oneshot.local.len(), 1, "{:?}", oneshot.local.iter().map(|f| &f.0).collect::<Vec<_>>());
}

#[test]
fn get_of_a_missing_file_fails_alike_and_leaves_nothing() {
    let (oneshot, _) = same(ServerConfig::new, |_| {}, &[], &["get", "{}nothing.bin"], "get nothing.bin\n");
    oneshot.out.assert_code(5);
    assert!(oneshot.local.is_empty());
}

#[test]
fn put_uploads_the_same_file_from_both_front_ends() {
    let (oneshot, _) =
        same(ServerConfig::new, |_| {}, &[("up.bin", 70_000)], &["put", "up.bin", "{}up.bin"], "put up.bin\n");
    oneshot.out.assert_success();
    assert!(oneshot.remote.iter().any(|(name, _)| name == "up.bin"));
}

#[test]
fn delete_mkdir_rmdir_and_rename_leave_the_same_server() {
    let setup = |s: &TestServer| {
        file(s, "gone.txt", 10);
        file(s, "old.txt", 20);
        fs::create_dir(s.root().join("empty")).unwrap();
    };
    same(ServerConfig::new, setup, &[], &["rm", "{}gone.txt"], "delete gone.txt\n").0.out.assert_success();
    same(ServerConfig::new, setup, &[], &["mkdir", "{}new"], "mkdir new\n").0.out.assert_success();
    let (oneshot, _) = same(ServerConfig::new, setup, &[], &["mkdir", "-p", "{}a/b/c"], "mkdir -p a/b/c\n");
    oneshot.out.assert_success();
    assert!(oneshot.remote.iter().any(|(name, _)| name == "a/b/c/"), "{:?}", oneshot.remote);
    // An existing directory is success with -p, for both.
    same(ServerConfig::new, setup, &[], &["mkdir", "-p", "{}empty"], "mkdir -p empty\n").0.out.assert_success();
    same(ServerConfig::new, setup, &[], &["rmdir", "{}empty"], "rmdir empty\n").0.out.assert_success();
    same(ServerConfig::new, setup, &[], &["mv", "{}old.txt", "new.txt"], "rename old.txt new.txt\n")
        .0
        .out
        .assert_success();
}

#[test]
fn delete_of_a_missing_file_is_refused_alike() {
    same(ServerConfig::new, |_| {}, &[], &["rm", "{}nothing"], "delete nothing\n").0.out.assert_code(5);
}

#[test]
fn quote_with_a_failure_reply_is_one_error_for_both() {
    // The reply is the output (stdout) for both; the error line and the exit status are the same.
    let (oneshot, shell) = same(ServerConfig::new, |_| {}, &[], &["quote", "{}", "XYZZY"], "quote XYZZY\n");
    oneshot.out.assert_code(5).assert_one_error_line();
    assert!(oneshot.out.stderr.contains("ftpx: error: the server answered 5"), "{}", oneshot.out.stderr);
    assert_eq!(oneshot.out.stdout_str(), shell.out.stdout_str());
    assert!(oneshot.out.stdout_str().starts_with('5'), "{}", oneshot.out.stdout_str());
}

/// ProFTPD 1.3.8 issues no TLS 1.3 tickets on upload connections: a session allows a few
/// uploads, then its data connections cannot resume and get 522. Both front ends log in again
/// once and finish (the shell used to fail here).
#[test]
fn uploads_past_the_servers_tls_tickets_log_in_again_in_both_front_ends() {
    let config = || ServerConfig::new().tls().data_resumes_per_login(1);
    let trusting = |server: &TestServer, run: Run| {
        let ca = run.home().join("ca.pem");
        fs::write(&ca, server.trust_pem()).unwrap();
        run.arg("--tls").arg("--cacert").arg(ca)
    };
    let local = [("one.bin", 30_000), ("two.bin", 40_000)];
    let oneshot = outcome(config(), &|_| {}, &local, &|server, run| {
        trusting(server, run).args(["put", "one.bin", "two.bin", &url(server, "")])
    });
    let shell = outcome(config(), &|_| {}, &local, &|server, run| {
        trusting(server, run).arg(url(server, "")).stdin("put one.bin\nput two.bin\n")
    });
    for (name, o) in [("one-shot", &oneshot), ("shell", &shell)] {
        o.out.assert_success();
        let notices = o.out.stderr.matches("logging in again").count();
        assert_eq!(notices, 1, "{name}: {}", o.out.stderr);
        assert_eq!(o.remote, o.local, "{name}: the server has both files");
    }
    // Two uploads, one of them tried twice (the 522, then on the new session).
    let stors = oneshot.verbs.iter().filter(|v| *v == "STOR").count();
    assert_eq!(stors, 3, "{:?}", oneshot.verbs);
    // The shell's new session also goes back to its directory (CWD).
    let without_cwd = |o: &Outcome| o.verbs.iter().filter(|v| *v != "CWD").cloned().collect::<Vec<_>>();
    assert_eq!(without_cwd(&shell), without_cwd(&oneshot));
    assert_eq!((oneshot.logins, shell.logins), (2, 2));
}

#[test]
fn a_failed_data_connection_hint_names_a_runnable_probe_of_the_same_server_and_user() {
    let server = server_with(ServerConfig::new().passive_closed_port());
    let out = ftpx().args(["--mode", "passive", "get", &url(&server, "pub/a.bin")]).run();
    out.assert_code(6);
    let hint = out.stderr.lines().find(|l| l.starts_with("ftpx: hint:")).unwrap_or_else(|| panic!("{}", out.stderr));
    let probe = format!("`ftpx probe ftp://{USER}@127.0.0.1:{}/pub/`", server.port());
    assert!(hint.contains(&probe), "{hint}");
    assert!(!out.stderr.contains(PASS), "{}", out.stderr);
}

/// A small tree under `pub/`: nested directories, an empty one, a name with a space.
fn tree(server: &TestServer) {
    file(server, "pub/a.bin", 30_000);
    file(server, "pub/sub/b c.bin", 12_345);
    file(server, "pub/sub/deeper/d.bin", 1);
    fs::create_dir_all(server.root().join("pub/empty")).unwrap();
}

#[test]
fn shell_mirror_copies_the_same_tree_as_the_one_shot_relative_to_its_directories() {
    let oneshot = outcome(ServerConfig::new(), &tree, &[], &|server, run| {
        run.args(["-q", "mirror", "-P", "2", &url(server, "pub/"), "out"])
    });
    // The shell's remote directory is pub, its local one `here`: the mirror is relative to both.
    let shell = outcome(ServerConfig::new(), &tree, &[], &|server, run| {
        run.arg("-q").arg(url(server, "")).stdin("cd pub\n!mkdir here\nlcd here\nmirror -P 2 . out\n")
    });
    oneshot.out.assert_success();
    shell.out.assert_success();
    let moved: Vec<_> = shell
        .local
        .iter()
        .filter_map(|(n, c)| Some((n.strip_prefix("here/")?.to_owned(), c.clone())))
        .filter(|f| !f.0.is_empty())
        .collect();
    assert_eq!(oneshot.local.len(), 7, "{:?}", oneshot.local.iter().map(|f| &f.0).collect::<Vec<_>>());
    let names = |v: &[(String, Option<Vec<u8>>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&moved), names(&oneshot.local));
    assert!(moved == oneshot.local, "the shell's mirror differs in content");
    // The same options: --dry-run with --json changes nothing and says what it would do.
    let dry = outcome(ServerConfig::new(), &tree, &[], &|server, run| {
        run.arg(url(server, "")).stdin("mirror --dry-run --json --exclude '*.bin' pub out\n")
    });
    dry.out.assert_success();
    assert!(dry.local.is_empty(), "{:?}", dry.local);
    let stdout = dry.out.stdout_str();
    let json: serde_json::Value = serde_json::from_str(&stdout[stdout.find('{').expect("JSON")..]).unwrap();
    assert_eq!(json["copied"], 0, "{json}");
    assert_eq!(json["dry_run"], true, "{json}");
}

#[test]
fn shell_mirror_reverse_uploads_into_the_current_remote_directory() {
    let setup = |s: &TestServer| fs::create_dir_all(s.root().join("up")).unwrap();
    let local = [("x.bin", 20_000), ("y.bin", 3)];
    let shell = outcome(ServerConfig::new(), &setup, &local, &|server, run| {
        run.arg("-q").arg(url(server, "")).stdin("cd up\nmirror -R .\n")
    });
    shell.out.assert_success();
    let uploaded: Vec<_> = shell.remote.iter().filter(|(n, c)| n.starts_with("up/") && c.is_some()).cloned().collect();
    let sent: Vec<_> = shell.local.iter().map(|(n, c)| (format!("up/{n}"), c.clone())).collect();
    let names = |v: &[(String, Option<Vec<u8>>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&uploaded), names(&sent), "stderr: {}", shell.out.stderr);
    assert!(uploaded == sent, "the uploaded files differ in content");
}

#[test]
fn shell_get_segments_fetches_ranges_like_the_one_shot() {
    let big = |s: &TestServer| file(s, "pub/big.bin", 5 * (1 << 20) + 3);
    let oneshot = outcome(ServerConfig::new(), &big, &[], &|server, run| {
        run.args(["-q", "get", "--segments", "4", &url(server, "pub/big.bin")])
    });
    let shell = outcome(ServerConfig::new(), &big, &[], &|server, run| {
        run.arg("-q").arg(url(server, "")).stdin("cd pub\nget --segments 4 big.bin\n")
    });
    oneshot.out.assert_success();
    shell.out.assert_success();
    assert!(shell.local == oneshot.local, "the files differ; stderr: {}", shell.out.stderr);
    assert_eq!(oneshot.local.len(), 1, "the .part or its state was left");
    // Four ranges, each a REST (but the first) and a RETR; a loaded machine may let an idle
    // session split a range that lags, which adds a REST and a RETR.
    for o in [&oneshot, &shell] {
        let retrs = o.verbs.iter().filter(|v| *v == "RETR").count();
        assert!(retrs >= 4, "{:?}", o.verbs);
        assert_eq!(o.verbs.iter().filter(|v| *v == "REST").count(), retrs - 1, "{:?}", o.verbs);
    }
}

#[test]
fn shell_reget_and_get_c_resume_a_saved_segmented_download() {
    for script in ["reget big.bin\n", "get -c big.bin\n"] {
        let server = server_with(ServerConfig::new());
        let size = 4 * (1 << 20) + 2u64;
        let content = write_random(server.root().join("big.bin"), size as usize, 21);
        let work = tempfile::tempdir().unwrap();
        // As an interrupted `get --segments 2` leaves it: range 0 complete, range 1 not begun.
        let half = size / 2;
        let mut part = vec![0u8; size as usize];
        part[..half as usize].copy_from_slice(&content[..half as usize]);
        fs::write(work.path().join("big.bin.part"), &part).unwrap();
        let state = format!("ftpx segments 1\nsize {size}\n0 {half} {half}\n{half} {size} 0\n");
        fs::write(work.path().join("big.bin.part.segments"), state).unwrap();
        let out = ftpx().current_dir(work.path()).arg("-q").arg(url(&server, "")).stdin(script).run();
        out.assert_success();
        assert!(fs::read(work.path().join("big.bin")).unwrap() == content, "{script}");
        let rests: Vec<_> = server.commands().into_iter().filter(|c| c.starts_with("REST ")).collect();
        assert_eq!(rests, [format!("REST {half}")], "{script}: only the missing range is fetched");
        let mut left: Vec<_> = fs::read_dir(work.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        left.sort();
        assert_eq!(left, ["big.bin"], "{script}");
    }
}

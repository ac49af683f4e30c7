//! `ftpx mirror`: a tree down (and up with --reverse), what is copied, what is skipped and why,
//! the safety rules for names and links, and the round trips each file costs.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::hostile::{Hostile, TIMEOUT, secs, session_with};
use super::{server_with, url};
use crate::support::script::Script;
use crate::support::{MlsdLinks, ServerConfig, TestServer, dir_names, ftpx, random_bytes, write_random};

/// A tree with nested and empty directories, spaces and UTF-8 in names.
fn tree(root: &Path) -> Vec<(&'static str, Vec<u8>)> {
    let t = root.join("tree");
    fs::create_dir_all(t.join("sub/deep")).unwrap();
    fs::create_dir_all(t.join("empty")).unwrap();
    fs::create_dir_all(t.join("café")).unwrap();
    let files =
        [("a.txt", 5), ("with space.bin", 70_001), ("café/ü.txt", 3), ("sub/deep/x.bin", 300_000), ("sub/y", 0)];
    files.iter().enumerate().map(|(i, (p, n))| (*p, write_random(t.join(p), *n, 40 + i as u64))).collect()
}

fn json(out: &crate::support::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout_str(), out.stderr))
}

fn count(server: &TestServer, verb: &str) -> usize {
    server.verbs().iter().filter(|v| *v == verb).count()
}

fn mirror_twice(config: ServerConfig) {
    let server = server_with(config);
    let files = tree(server.root());
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&server, "tree"), "copy"]).run();
    out.assert_success();
    let j = json(&out);
    assert_eq!(j["copied"], 5, "{j}");
    assert_eq!(j["failed"], 0, "{j}");
    let copy = work.path().join("copy");
    for (path, content) in &files {
        assert!(fs::read(copy.join(path)).unwrap() == *content, "{path} differs");
    }
    assert!(copy.join("empty").is_dir());
    assert_eq!(dir_names(&copy), [&b"a.txt"[..], "café".as_bytes(), b"empty", b"sub", b"with space.bin"]);
    assert_eq!(dir_names(work.path()), [b"copy"], "nothing beside the target");
    let retrs = count(&server, "RETR");
    assert_eq!(retrs, 5);

    let again = ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&server, "tree"), "copy"]).run();
    again.assert_success();
    let j = json(&again);
    assert_eq!((j["copied"].as_u64(), j["skipped"].as_u64()), (Some(0), Some(5)), "{j}");
    assert_eq!(count(&server, "RETR"), retrs, "the second run downloaded something");
}

#[test]
fn mirror_copies_a_tree_and_a_second_run_copies_nothing_with_mlsd() {
    mirror_twice(ServerConfig::new());
}

#[test]
fn mirror_copies_a_tree_and_a_second_run_copies_nothing_with_list() {
    mirror_twice(ServerConfig::new().no_mlsd());
}

#[test]
fn mirror_gives_local_files_the_servers_modification_time() {
    let server = server_with(ServerConfig::new());
    fs::create_dir(server.root().join("d")).unwrap();
    write_random(server.root().join("d/old.bin"), 1000, 1);
    let when = UNIX_EPOCH + Duration::from_secs(1_577_934_245); // 2020-01-02 03:04:05 UTC
    fs::File::options().write(true).open(server.root().join("d/old.bin")).unwrap().set_modified(when).unwrap();
    let work = tempfile::tempdir().unwrap();
    ftpx().current_dir(work.path()).args(["-q", "mirror", &url(&server, "d")]).run().assert_success();
    let got = fs::metadata(work.path().join("d/old.bin")).unwrap().modified().unwrap();
    assert_eq!(got, when);
}

#[test]
fn list_times_in_the_servers_zone_are_corrected_by_the_offset_mdtm_shows() {
    // LIST times two hours ahead of UTC (MDTM stays UTC): the mirror learns the offset with one
    // MDTM, so local files get the server's real time, and the minute of LIST copies nothing again.
    let server = server_with(ServerConfig::new().no_mlsd().list_time_shift(7200));
    fs::create_dir(server.root().join("d")).unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let when = |ago: u64| UNIX_EPOCH + Duration::from_secs((now - ago) / 60 * 60 + 37);
    for (name, ago) in [("a.bin", 3600), ("b.bin", 7200)] {
        write_random(server.root().join("d").join(name), 1000, 3);
        fs::File::options()
            .write(true)
            .open(server.root().join("d").join(name))
            .unwrap()
            .set_modified(when(ago))
            .unwrap();
    }
    let work = tempfile::tempdir().unwrap();
    let mirror = || ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&server, "d")]).run();
    let out = mirror();
    out.assert_success();
    assert_eq!(json(&out)["copied"], 2, "{}", out.stdout_str());
    assert_eq!(count(&server, "MDTM"), 1, "{:?}", server.commands());
    for (name, ago) in [("a.bin", 3600), ("b.bin", 7200)] {
        let got = fs::metadata(work.path().join("d").join(name)).unwrap().modified().unwrap();
        assert_eq!(got, when(ago) - Duration::from_secs(37), "{name}: not the server's time to the minute");
    }

    let out = mirror();
    out.assert_success();
    assert_eq!(json(&out)["copied"], 0, "{}", out.stdout_str());
    assert_eq!(count(&server, "RETR"), 2);

    // Changed on the server (same size, a later time): copied again, alone.
    let b = write_random(server.root().join("d/b.bin"), 1000, 4);
    fs::File::options().write(true).open(server.root().join("d/b.bin")).unwrap().set_modified(when(60)).unwrap();
    let out = mirror();
    out.assert_success();
    let j = json(&out);
    assert_eq!(j["copied"], 1, "{j}");
    assert_eq!(fs::read(work.path().join("d/b.bin")).unwrap(), b);
}

#[test]
fn list_dates_without_a_time_compare_the_same_before_and_after_the_offset_is_learned() {
    // LIST times five hours behind UTC. The root holds only a file older than six months (a date
    // without a time), so the first run compares it before any MDTM has taught the offset; a
    // second run, with a new file in the root, learns it first. The old file must be the same
    // file both times: copied once, not again because the walk's order changed.
    let server = server_with(ServerConfig::new().no_mlsd().list_time_shift(-5 * 3600));
    let d = server.root().join("d");
    fs::create_dir_all(d.join("sub")).unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let set = |path: &Path, secs: u64| {
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(UNIX_EPOCH + Duration::from_secs(secs))
            .unwrap()
    };
    write_random(d.join("old.bin"), 1000, 5);
    // 2024-01-05 02:00 UTC: 2024-01-04 on the server's clock, a day before in UTC's.
    set(&d.join("old.bin"), 1_704_420_000);
    write_random(d.join("sub/new.bin"), 1000, 6);
    set(&d.join("sub/new.bin"), now - 3600);
    let work = tempfile::tempdir().unwrap();
    let mirror = || ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&server, "d")]).run();
    let out = mirror();
    out.assert_success();
    assert_eq!(json(&out)["copied"], 2, "{}", out.stdout_str());

    write_random(d.join("fresh.bin"), 1000, 7);
    set(&d.join("fresh.bin"), now - 7200);
    let out = mirror();
    out.assert_success();
    let j = json(&out);
    assert_eq!((j["copied"].as_u64(), j["skipped"].as_u64()), (Some(1), Some(2)), "{j}");
    assert_eq!(count(&server, "RETR"), 3, "{:?}", server.commands());
    assert_eq!(count(&server, "MDTM"), 2, "one MDTM a run: {:?}", server.commands());
}

#[test]
fn each_file_costs_epsv_and_retr_only() {
    // One session: the listing gave sizes and times, the path is absolute (no CWD), TYPE is kept.
    let server = server_with(ServerConfig::new());
    let files = tree(server.root());
    let work = tempfile::tempdir().unwrap();
    ftpx()
        .current_dir(work.path())
        .args(["-q", "mirror", "-P", "1", &url(&server, "tree"), "c"])
        .run()
        .assert_success();
    for verb in ["SIZE", "MDTM", "CWD"] {
        assert_eq!(count(&server, verb), 0, "{verb} sent: {:?}", server.commands());
    }
    assert_eq!(count(&server, "TYPE"), 1, "{:?}", server.commands());
    assert_eq!(count(&server, "PWD"), 1);
    let dirs = 6; // tree, sub, sub/deep, empty, café: listings (MLSD), plus the root
    assert_eq!(count(&server, "MLSD"), dirs - 1);
    assert_eq!(count(&server, "EPSV"), files.len() + dirs - 1, "{:?}", server.commands());
}

#[test]
fn hostile_names_and_links_are_skipped_and_the_rest_is_mirrored() {
    for mlsd in [true, false] {
        let config = if mlsd {
            ServerConfig::new()
                .inject_listing(b"type=file;size=3;modify=20200101000000; ../x")
                .inject_listing(b"type=file;size=3;modify=20200101000000; /etc/x")
                .inject_listing(b"type=OS.unix=symlink;modify=20200101000000; root")
        } else {
            ServerConfig::new()
                .no_mlsd()
                .inject_listing(b"-rw-r--r-- 1 ftp ftp 3 Jan 1 2020 ../x")
                .inject_listing(b"-rw-r--r-- 1 ftp ftp 3 Jan 1 2020 /etc/x")
                .inject_listing(b"lrwxrwxrwx 1 ftp ftp 1 Jan 1 2020 root -> /")
                .inject_listing(b"lrwxrwxrwx 1 ftp ftp 1 Jan 1 2020 up -> ../..")
                .inject_listing(b"lrwxrwxrwx 1 ftp ftp 1 Jan 1 2020 inside -> good.txt")
        };
        let server = server_with(config);
        let good = write_random(server.root().join("good.txt"), 10, 2);
        let work = tempfile::tempdir().unwrap();
        let target = work.path().join("t");
        let out = ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&server, ""), "t"]).run();
        out.assert_success();
        let j = json(&out);
        assert_eq!(j["failed"], 0, "{j}");
        assert_eq!(fs::read(target.join("good.txt")).unwrap(), good);
        assert_eq!(dir_names(work.path()), [b"t"], "mlsd {mlsd}: something was written beside the target");
        let skipped: Vec<String> = j["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["action"] == "skipped")
            .map(|f| f["path"].as_str().unwrap().to_owned())
            .collect();
        for name in ["../x", "/etc/x", "root"] {
            assert!(skipped.iter().any(|p| p == name), "mlsd {mlsd}: {name} not reported skipped: {j}");
            assert!(out.stderr.contains(&format!("skipped {name}")), "{}", out.stderr);
        }
        assert!(!target.join("root").exists() && !target.join("up").exists());
        if !mlsd {
            // A link that stays inside the tree is kept as the same link.
            assert_eq!(fs::read_link(target.join("inside")).unwrap(), Path::new("good.txt"));
        }
        for verb in server.commands() {
            assert!(!verb.contains("etc") && !verb.contains(".."), "asked the server for {verb}");
        }
    }
}

/// The skipped entries of a mirror's JSON: (path, reason).
fn skipped(j: &serde_json::Value) -> Vec<(String, String)> {
    let files = j["files"].as_array().unwrap().iter().filter(|f| f["action"] == "skipped");
    files.map(|f| (f["path"].as_str().unwrap().to_owned(), f["reason"].as_str().unwrap().to_owned())).collect()
}

#[test]
fn mlsd_links_without_targets_get_them_from_list_and_stay_inside_the_tree() {
    // ProFTPD 1.3.8 (`type=OS.unix=symlink`) and pure-ftpd 1.0.50 (`type=OS.unix=slink:`) say an
    // entry is a link but not where it leads: one LIST of that directory does.
    for style in [MlsdLinks::Symlink, MlsdLinks::EmptySlink] {
        let server = server_with(ServerConfig::new().mlsd_links(style));
        let t = server.root().join("t");
        fs::create_dir_all(t.join("realdir")).unwrap();
        let x = write_random(t.join("realdir/x"), 100, 1);
        write_random(t.join("file"), 10, 2);
        for (target, link) in [("realdir", "linkdir"), ("file", "linkfile"), ("/", "root"), ("..", "up")] {
            std::os::unix::fs::symlink(target, t.join(link)).unwrap();
        }
        let work = tempfile::tempdir().unwrap();
        let out = ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&server, "t"), "c"]).run();
        out.assert_success();
        let j = json(&out);
        assert_eq!((j["failed"].as_u64(), j["copied"].as_u64()), (Some(0), Some(4)), "{style:?}: {j}");
        let c = work.path().join("c");
        assert_eq!(fs::read_link(c.join("linkdir")).unwrap(), Path::new("realdir"), "{style:?}");
        assert_eq!(fs::read_link(c.join("linkfile")).unwrap(), Path::new("file"));
        assert_eq!(fs::read(c.join("realdir/x")).unwrap(), x);
        for name in ["root", "up"] {
            assert!(fs::symlink_metadata(c.join(name)).is_err(), "{style:?}: {name} was made");
            let why = skipped(&j).into_iter().find(|(p, _)| p == name).map(|(_, r)| r).unwrap_or_default();
            assert!(why.contains("leads outside the tree"), "{style:?}: {name}: {why:?}");
        }
        let commands = server.commands();
        assert!(!commands.iter().any(|c| c.contains("linkdir")), "followed a link: {commands:?}");
        assert_eq!(count(&server, "LIST"), 1, "one LIST, of the directory with links: {commands:?}");
    }
}

/// A tree `t` with `AT/realdir/x` and `AT/loop`, a link to `AT` that this server describes as what
/// it points to (`type=dir`): only MLSD's `unique` fact shows `loop` is a directory already being
/// mirrored. It is skipped, not copied, and nothing under it is; the server is returned.
fn a_loop_at_is_skipped(at: &str) -> TestServer {
    let server = server_with(ServerConfig::new());
    let dir = server.root().join("t").join(at);
    fs::create_dir_all(dir.join("realdir")).unwrap();
    write_random(dir.join("realdir/x"), 100, 1);
    std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&server, "t"), "c"]).run();
    out.assert_success();
    let j = json(&out);
    assert_eq!((j["copied"].as_u64(), j["failed"].as_u64()), (Some(1), Some(0)), "{j}");
    let c = work.path().join("c").join(at);
    assert!(c.join("realdir/x").exists());
    assert!(!c.join("loop").exists(), "{}", out.stderr);
    let skipped = skipped(&j);
    let path = if at.is_empty() { "loop".to_string() } else { format!("{at}/loop") };
    assert!(skipped.iter().any(|(p, why)| *p == path && why.contains("same directory")), "{skipped:?}");
    server
}

#[test]
fn a_link_shown_as_a_directory_is_not_entered_twice() {
    a_loop_at_is_skipped("sub");
}

#[test]
fn a_link_back_to_the_mirror_root_is_not_entered() {
    // The root is named by no entry of the tree: its `unique` fact comes from its own MLSD
    // `type=cdir` line, at no extra command.
    let server = a_loop_at_is_skipped("");
    assert_eq!((count(&server, "MLSD"), count(&server, "MLST")), (2, 0), "{:?}", server.commands());
}

#[test]
fn delete_removes_what_the_server_no_longer_has_and_keeps_excluded_files() {
    let server = server_with(ServerConfig::new());
    tree(server.root());
    let work = tempfile::tempdir().unwrap();
    let copy = work.path().join("copy");
    fs::create_dir_all(copy.join("gone/deeper")).unwrap();
    fs::write(copy.join("gone/deeper/f"), "x").unwrap();
    fs::write(copy.join("stale.txt"), "x").unwrap();
    fs::write(copy.join("sub.tmp"), "keep me").unwrap();
    fs::write(work.path().join("outside.txt"), "x").unwrap();
    let out = ftpx()
        .current_dir(work.path())
        .args(["mirror", "--json", "--delete", "--exclude", "*.tmp", &url(&server, "tree"), "copy"])
        .run();
    out.assert_success();
    assert_eq!(json(&out)["deleted"], 2, "{}", out.stdout_str());
    assert!(!copy.join("gone").exists() && !copy.join("stale.txt").exists());
    assert!(copy.join("sub.tmp").exists(), "an excluded file was deleted");
    assert!(work.path().join("outside.txt").exists());
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let server = server_with(ServerConfig::new());
    tree(server.root());
    let work = tempfile::tempdir().unwrap();
    fs::create_dir(work.path().join("copy")).unwrap();
    fs::write(work.path().join("copy/stale.txt"), "x").unwrap();
    let out =
        ftpx().current_dir(work.path()).args(["mirror", "--dry-run", "--delete", &url(&server, "tree"), "copy"]).run();
    out.assert_success();
    let plan = out.stdout_str();
    assert!(plan.contains("would copy sub/deep/x.bin (missing)"), "{plan}");
    assert!(plan.contains("would delete stale.txt"), "{plan}");
    assert_eq!(dir_names(work.path().join("copy")), [b"stale.txt"], "the dry run changed something");
    assert_eq!(count(&server, "RETR"), 0);
}

/// `mirror -q ARGS URL/tree DIR` in `work`, which must succeed; returns `work/DIR`.
fn filtered_mirror(server: &TestServer, work: &Path, args: &[&str], dir: &str) -> std::path::PathBuf {
    let u = url(server, "tree");
    let mut all = vec!["-q", "mirror"];
    all.extend_from_slice(args);
    all.extend([u.as_str(), dir]);
    ftpx().current_dir(work).args(&all).run().assert_success();
    work.join(dir)
}

#[test]
fn excludes_includes_and_max_depth_choose_what_is_copied() {
    let server = server_with(ServerConfig::new());
    tree(server.root());
    let work = tempfile::tempdir().unwrap();
    let run = |args: &[&str], dir: &str| filtered_mirror(&server, work.path(), args, dir);
    let d = run(&["--exclude", "sub", "--exclude", "*.bin"], "ex");
    assert!(d.join("a.txt").exists() && !d.join("sub").exists() && !d.join("with space.bin").exists());
    let d = run(&["--include", "*.bin"], "in");
    assert!(d.join("sub/deep/x.bin").exists() && !d.join("a.txt").exists() && !d.join("café/ü.txt").exists());
    let d = run(&["--max-depth", "1"], "depth");
    assert!(d.join("sub/y").exists() && !d.join("sub/deep").exists());
}

#[test]
fn globs_stars_stay_within_a_directory_and_double_stars_cross() {
    let server = server_with(ServerConfig::new());
    tree(server.root());
    write_random(server.root().join("tree/sub/z.bin"), 10, 9);
    write_random(server.root().join("tree/sub/deep/.hidden.tmp"), 10, 10);
    let work = tempfile::tempdir().unwrap();
    let run = |args: &[&str], dir: &str| filtered_mirror(&server, work.path(), args, dir);
    // `*` does not cross the `/` between deep and x.bin.
    let d = run(&["--include", "sub/*.bin"], "one");
    assert!(d.join("sub/z.bin").exists(), "sub/*.bin missed sub/z.bin");
    assert!(!d.join("sub/deep/x.bin").exists(), "sub/*.bin matched sub/deep/x.bin");
    assert!(!d.join("with space.bin").exists() && !d.join("a.txt").exists());
    // `**/` crosses any number of directories, none included.
    let d = run(&["--include", "sub/**/*.bin"], "all");
    assert!(d.join("sub/z.bin").exists() && d.join("sub/deep/x.bin").exists());
    assert!(!d.join("with space.bin").exists());
    // A name pattern matches at any depth, dot files too; a trailing `/` means directories only.
    let d = run(&["--exclude", "*.tmp", "--exclude", "y/", "--exclude", "deep/"], "names");
    assert!(d.join("sub/y").exists(), "y/ excluded the file y");
    assert!(!d.join("sub/deep").exists() && d.join("sub/z.bin").exists());
    let d = run(&["--exclude", "*.tmp"], "dots");
    assert!(d.join("sub/deep/x.bin").exists() && !d.join("sub/deep/.hidden.tmp").exists());
}

#[test]
fn an_interrupted_mirror_resumes_with_continue() {
    let served = tempfile::tempdir().unwrap();
    fs::create_dir(served.path().join("d")).unwrap();
    let big = write_random(served.path().join("d/big.bin"), 400_000, 7);
    let small = write_random(served.path().join("d/small.bin"), 1000, 8);
    let work = tempfile::tempdir().unwrap();
    {
        // The data connection ends cleanly after 150,000 bytes of every file.
        let cut = server_with(ServerConfig::new().serve_path(served.path()).truncate_data(150_000));
        let out = ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&cut, "d")]).run();
        out.assert_code(12);
        let j = json(&out);
        assert_eq!((j["copied"].as_u64(), j["failed"].as_u64()), (Some(1), Some(1)), "{j}");
        assert!(out.stderr.contains("failed: big.bin"), "{}", out.stderr);
    }
    assert_eq!(fs::metadata(work.path().join("d/big.bin.part")).unwrap().len(), 150_000);
    let server = server_with(ServerConfig::new().serve_path(served.path()));
    ftpx().current_dir(work.path()).args(["-q", "mirror", "--continue", &url(&server, "d")]).run().assert_success();
    assert!(server.commands().iter().any(|c| c == "REST 150000"), "{:?}", server.commands());
    assert!(fs::read(work.path().join("d/big.bin")).unwrap() == big);
    assert_eq!(fs::read(work.path().join("d/small.bin")).unwrap(), small);
    assert_eq!(dir_names(work.path().join("d")), [&b"big.bin"[..], b"small.bin"]);
}

#[test]
fn a_server_refusing_more_sessions_shrinks_the_pool_and_says_so_once() {
    let server = server_with(ServerConfig::new().max_sessions(2));
    let files = tree(server.root());
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["mirror", "-P", "6", &url(&server, "tree"), "c"]).run();
    out.assert_success();
    assert_eq!(out.stderr.matches("refused another session").count(), 1, "{}", out.stderr);
    for (path, content) in &files {
        assert!(fs::read(work.path().join("c").join(path)).unwrap() == *content, "{path}");
    }
}

#[test]
fn the_sessions_of_a_parallel_mirror_log_in_at_once() {
    // The first login is answered only once the other three PASS have arrived: a client that
    // started them after the first login would leave it waiting (10 s) with none beside it.
    let server = server_with(ServerConfig::new().hold_first_login(4));
    let files = tree(server.root());
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["-q", "mirror", "-P", "4", &url(&server, "tree"), "c"]).run();
    out.assert_success();
    assert_eq!(server.logins_beside_first(), Some(3), "{:?}", server.commands());
    for (path, content) in &files {
        assert!(fs::read(work.path().join("c").join(path)).unwrap() == *content, "{path}");
    }
}

#[test]
fn a_wrong_password_fails_a_parallel_mirror_with_the_login_reply_not_the_session_limit() {
    // All six log in at once; the four over the server's limit get 421 before the two it took
    // get 530 for the password, which is what the user must fix.
    let server = server_with(ServerConfig::new().no_anonymous().max_sessions(2));
    tree(server.root());
    let work = tempfile::tempdir().unwrap();
    let bad = server.url_as(super::USER, "wrong", "tree");
    let out = ftpx().current_dir(work.path()).args(["mirror", "-P", "6", &bad, "c"]).run();
    out.assert_code(4).assert_one_error_line();
    assert!(out.stderr.contains("530 Login incorrect"), "{}", out.stderr);
    assert!(!out.stderr.contains("refused another session"), "{}", out.stderr);
    assert_eq!(server.sessions_refused(), 4);
}

#[test]
fn verify_checks_each_file_with_the_servers_hash() {
    let honest = server_with(ServerConfig::new().xsha256(true));
    tree(honest.root());
    let work = tempfile::tempdir().unwrap();
    ftpx()
        .current_dir(work.path())
        .args(["-q", "mirror", "--verify", &url(&honest, "tree"), "a"])
        .run()
        .assert_success();
    assert_eq!(count(&honest, "XSHA256"), 5);
    let liar = server_with(ServerConfig::new().xsha256(false));
    tree(liar.root());
    let out = ftpx().current_dir(work.path()).args(["mirror", "--verify", &url(&liar, "tree"), "b"]).run();
    out.assert_code(12);
    assert!(out.stderr.contains("the server's Sha256 is"), "{}", out.stderr);
}

#[test]
fn reverse_mirror_uploads_a_tree_and_a_second_run_uploads_nothing() {
    let server = server_with(ServerConfig::new());
    let local = tempfile::tempdir().unwrap();
    let files = tree(local.path());
    fs::create_dir(server.root().join("up")).unwrap();
    fs::write(server.root().join("up/extra.txt"), "x").unwrap();
    let src = local.path().join("tree");
    let src = src.to_str().unwrap();
    let out = ftpx().args(["mirror", "--json", "--reverse", "--delete", src, &url(&server, "up")]).run();
    out.assert_success();
    assert_eq!(json(&out)["copied"], 5, "{}", out.stdout_str());
    for (path, content) in &files {
        assert!(fs::read(server.root().join("up").join(path)).unwrap() == *content, "{path}");
    }
    assert!(server.root().join("up/empty").is_dir());
    assert!(!server.root().join("up/extra.txt").exists());
    let stors = count(&server, "STOR");
    let again = ftpx().args(["mirror", "--json", "-R", src, &url(&server, "up")]).run();
    again.assert_success();
    assert_eq!(json(&again)["copied"], 0, "{}", again.stdout_str());
    assert_eq!(count(&server, "STOR"), stors);
}

#[test]
fn mirror_of_a_missing_directory_fails_with_the_servers_reply() {
    let server = server_with(ServerConfig::new());
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["mirror", &url(&server, "nope"), "x"]).run();
    out.assert_code(5).assert_one_error_line();
    assert!(out.stderr.contains("could not list"), "{}", out.stderr);
    assert_eq!(dir_names(work.path()), Vec::<Vec<u8>>::new());
    let _ = SystemTime::now();
}

#[test]
fn without_a_local_dir_the_mirror_goes_to_the_remote_dirs_name_or_the_hosts() {
    let server = server_with(ServerConfig::new());
    tree(server.root());
    let work = tempfile::tempdir().unwrap();
    fs::write(work.path().join("mine.txt"), "x").unwrap();
    ftpx().current_dir(work.path()).args(["-q", "mirror", &url(&server, "tree/sub/")]).run().assert_success();
    assert!(work.path().join("sub/deep/x.bin").exists());
    // The login directory: never into `.` itself, where --delete would remove mine.txt.
    ftpx().current_dir(work.path()).args(["-q", "mirror", "--delete", &url(&server, "")]).run().assert_success();
    assert!(work.path().join("127.0.0.1/tree/a.txt").exists());
    assert!(work.path().join("mine.txt").exists());
}

#[test]
fn json_says_why_a_mirror_could_not_start() {
    let server = server_with(ServerConfig::new());
    let work = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(work.path()).args(["mirror", "--json", &url(&server, "nope"), "x"]).run();
    out.assert_code(5);
    let j = json(&out);
    assert_eq!(j["files"], serde_json::json!([]));
    assert!(j["error"].as_str().unwrap().contains("could not list"), "{j}");
}

/// A scripted server for `mirror -P 1 ftp://host/d` of the files `names`: the login, MLSD of
/// `/d` (sizes from `sizes`), then `TYPE I`. Each file's transfer is for the case to script.
fn overlap_prelude(files: &[(&str, usize)]) -> Script {
    let listing: String =
        files.iter().map(|(name, size)| format!("type=file;size={size};modify=20240101000000; {name}\r\n")).collect();
    session_with(&["EPSV", "MLST type*;size*;modify*;"])
        .answer("PWD", "257 \"/\" is the current directory\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("MLSD /d", "150 Here it comes.\r\n")
        .data_send(listing)
        .data_close()
        .send("226 Listing sent.\r\n")
        .answer("TYPE I", "200 Binary.\r\n")
}

/// The first file's request (pipelined: the listing proved EPSV) and its data, up to the end of
/// its data: its final reply is the case's to send.
fn first_file(script: Script, name: &str, data: &[u8]) -> Script {
    script
        .expect("EPSV")
        .expect(&format!("RETR /d/{name}"))
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .send("150 Opening data connection.\r\n")
        .data_send(data)
        .data_close()
}

/// Files a and b over one session: b's EPSV and RETR arrive before a's final reply, which is
/// `a_reply`; then b comes and the session ends.
fn a_then_b(a: &[u8], b: &[u8], a_reply: &str) -> Script {
    first_file(overlap_prelude(&[("a.bin", a.len()), ("b.bin", b.len())]), "a.bin", a)
        .expect("EPSV")
        .expect("RETR /d/b.bin")
        .send(a_reply)
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .send("150 Opening data connection.\r\n")
        .data_send(b)
        .data_close()
        .send("226 b.bin sent.\r\n")
        .answer("QUIT", "221 Bye.\r\n")
}

fn overlap_mirror(script: Script) -> super::hostile::Case {
    Hostile::new(script).args(["-d", "--timeout", TIMEOUT, "mirror", "-P", "1"]).url("d").bound(secs(10)).run()
}

/// The next file's EPSV and RETR go out once the last file's data is in and its data connection
/// closed, before that file's 226: the script sends the 226 only after it has read them, so a
/// client that waited for it would stall here and time out.
#[test]
fn the_next_files_request_goes_out_before_the_last_files_final_reply() {
    let (a, b) = (random_bytes(3000, 71), random_bytes(4000, 72));
    let script = a_then_b(&a, &b, "226 a.bin sent.\r\n");
    let mut case = overlap_mirror(script);
    case.code(0).files(&["d"]);
    assert_eq!(case.file("d/a.bin"), a);
    assert_eq!(case.file("d/b.bin"), b);
    // The transcript shows the same order: b's RETR before a's 226.
    let lines: Vec<&str> = case.out.stderr.lines().collect();
    let at = |needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no {needle:?}"));
    assert!(at("---> RETR /d/b.bin") < at("<--- 226 a.bin sent."), "{}", case.out.stderr);
    case.script_played();
}

/// A 451 for a file whose successor is already asked for fails that file (its `.part` kept, the
/// error its own) and not the next one, which completes.
#[test]
fn a_451_for_the_last_file_while_the_next_is_asked_for_fails_only_the_last() {
    let (a, b) = (random_bytes(3000, 73), random_bytes(4000, 74));
    let script = a_then_b(&a, &b, "451 Local error in processing a.bin.\r\n");
    let mut case = overlap_mirror(script);
    assert_eq!(dir_names(case.work().join("d")), [&b"a.bin.part"[..], b"b.bin"], "{}", case.out.stderr);
    assert_eq!(case.file("d/a.bin.part"), a);
    assert_eq!(case.file("d/b.bin"), b);
    let failed: Vec<&str> = case.out.stderr.lines().filter(|l| l.contains("451 Local error")).collect();
    assert!(
        !failed.is_empty() && failed.iter().all(|l| l.contains("a.bin") && !l.contains("b.bin")),
        "{}",
        case.out.stderr
    );
    assert_ne!(case.out.code, Some(0), "a failed file must show in the exit status");
    case.script_played();
}

/// A server that answers the EPSV sent ahead of the last file's final reply with 503 (and the
/// RETR behind it too): the file is asked for again the plain way, and no more pipelining on
/// the session, so the third file's RETR waits for its 229.
#[test]
fn a_503_to_the_epsv_sent_ahead_turns_pipelining_off_and_the_mirror_completes() {
    let (a, b, c) = (random_bytes(3000, 75), random_bytes(4000, 76), random_bytes(500, 77));
    let script =
        first_file(overlap_prelude(&[("a.bin", a.len()), ("b.bin", b.len()), ("c.bin", c.len())]), "a.bin", &a)
            .expect("EPSV")
            .expect("RETR /d/b.bin")
            .send("226 a.bin sent.\r\n503 Bad sequence of commands.\r\n503 Use PORT or PASV first.\r\n")
            .expect("EPSV")
            .passive("229 Entering Extended Passive Mode (|||{port}|)")
            .answer("RETR /d/b.bin", "150 Opening data connection.\r\n")
            .data_send(&b)
            .data_close()
            .send("226 b.bin sent.\r\n")
            .expect("EPSV")
            .passive("229 Entering Extended Passive Mode (|||{port}|)")
            .answer("RETR /d/c.bin", "150 Opening data connection.\r\n")
            .data_send(&c)
            .data_close()
            .send("226 c.bin sent.\r\n")
            .answer("QUIT", "221 Bye.\r\n");
    let mut case = overlap_mirror(script);
    case.code(0).says("not pipelining");
    assert_eq!(case.file("d/a.bin"), a);
    assert_eq!(case.file("d/b.bin"), b);
    assert_eq!(case.file("d/c.bin"), c);
    // Plain from then on: c's RETR only after its 229 (and b's 226 before c's EPSV).
    let lines: Vec<&str> = case.out.stderr.lines().collect();
    let at = |needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no {needle:?}"));
    assert!(at("<--- 226 b.bin sent.") < at("---> RETR /d/c.bin"), "{}", case.out.stderr);
    let epsv_before_c = lines[..at("---> RETR /d/c.bin")].iter().rposition(|l| l.starts_with("---> EPSV")).unwrap();
    assert!(
        lines[epsv_before_c..at("---> RETR /d/c.bin")].iter().any(|l| l.starts_with("<--- 229")),
        "{}",
        case.out.stderr
    );
    case.script_played();
}

/// An MLSD of which no line can be read is taken again as LIST in the directory (whose reader
/// falls back to NLST in turn), so the files are still found and copied.
#[test]
fn an_unreadable_mlsd_listing_is_read_again_as_list() {
    let data = random_bytes(5, 75);
    let script = session_with(&["EPSV", "MLST type*;size*;modify*;"])
        .answer("PWD", "257 \"/\" is the current directory\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("MLSD /d", "150 Here it comes.\r\n")
        .data_send("this is no MLSD line\r\n")
        .data_close()
        .send("226 Listing sent.\r\n")
        .answer("CWD /d", "250 Okay.\r\n")
        .answer("SYST", "215 UNIX Type: L8\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "150 Here it comes.\r\n")
        .data_send("-rw-r--r--    1 ftp      ftp             5 Jan 05  2024 a.txt\r\n")
        .data_close()
        .send("226 Listing sent.\r\n")
        .answer("TYPE I", "200 Binary.\r\n");
    let script = first_file(script, "a.txt", &data).send("226 Sent.\r\n").answer("QUIT", "221 Bye.\r\n");
    let mut case = overlap_mirror(script);
    assert_eq!(case.out.code, Some(0), "{}", case.out.stderr);
    assert_eq!(case.file("d/a.txt"), data);
    case.script_played();
}

/// A server whose MLSD gives entries' unique facts but no `type=cdir` line (pyftpdlib) is asked
/// for the root's own with one MLST, so a link back to the root is caught before it is entered.
#[test]
fn without_a_cdir_line_one_mlst_tells_the_roots_unique_fact() {
    let script = session_with(&["EPSV", "MLST type*;size*;modify*;unique*;"])
        .answer("PWD", "257 \"/\" is the current directory\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("MLSD /d", "150 Here it comes.\r\n")
        .data_send("type=dir;modify=20240101000000;unique=807g2; loop\r\ntype=dir;unique=807g3; real\r\n")
        .data_close()
        .send("226 Listing sent.\r\n")
        .answer("MLST /d", "250-Listing /d\r\n type=dir;modify=20240101000000;unique=807g2; /d\r\n250 End.\r\n")
        .expect("EPSV")
        .expect("MLSD /d/real")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .send("150 Here it comes.\r\n")
        .data_send("")
        .data_close()
        .send("226 Listing sent.\r\n")
        .answer("QUIT", "221 Bye.\r\n");
    let mut case = overlap_mirror(script);
    assert_eq!(case.out.code, Some(0), "{}", case.out.stderr);
    assert_eq!(dir_names(case.work().join("d")), [&b"real"[..]], "{}", case.out.stderr);
    case.script_played();
}

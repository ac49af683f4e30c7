//! Self-tests of the runner: isolation, stdin, working directory and the hard timeout. They run
//! ordinary system programs, plus the ftpx binary where only its argument parsing is involved.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::support::{Run, ftpx, random_bytes};

#[test]
fn runner_clears_the_environment_and_gives_a_fresh_home() {
    let run = Run::new("env").env("FTPX_EXTRA", "kept");
    let home = run.home();
    let out = run.run();
    out.assert_success();
    let text = out.stdout_str();
    let keys: BTreeSet<&str> = text.lines().filter_map(|l| l.split('=').next()).collect();
    assert_eq!(keys, BTreeSet::from(["FTPX_EXTRA", "HOME", "NO_COLOR", "PATH"]), "{text}");
    assert!(text.contains(&format!("HOME={}\n", home.display())));
    assert!(text.contains("NO_COLOR=1\n"));
}

#[test]
fn runner_feeds_stdin_and_captures_bytes() {
    let input = random_bytes(200_000, 5);
    let out = Run::new("cat").stdin(input.clone()).run();
    out.assert_success();
    assert!(out.stdout == input);
}

#[test]
fn runner_uses_the_chosen_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = Run::new("pwd").current_dir(dir.path()).run();
    let expected = dir.path().canonicalize().unwrap();
    assert_eq!(out.stdout_str().trim_end(), expected.to_str().unwrap());
}

#[test]
#[should_panic(expected = "timed out")]
fn runner_kills_a_process_that_overruns_its_timeout() {
    Run::new("sleep").arg("20").timeout(Duration::from_millis(300)).run();
}

#[test]
fn random_bytes_depend_only_on_the_seed() {
    assert_eq!(random_bytes(1000, 1), random_bytes(1000, 1));
    assert_ne!(random_bytes(1000, 1), random_bytes(1000, 2));
    assert_eq!(random_bytes(13, 1), random_bytes(1000, 1)[..13]);
}

#[test]
fn ftpx_help_names_every_subcommand() {
    let out = ftpx().arg("--help").run();
    out.assert_success();
    let help = out.stdout_str();
    for sub in ["ls", "get", "put", "rm", "mkdir", "rmdir", "mv", "quote"] {
        assert!(help.contains(&format!("  {sub} ")), "{sub} missing from:\n{help}");
    }
}

#[test]
fn ftpx_usage_error_exits_2() {
    let out = ftpx().args(["get"]).run();
    out.assert_code(2);
    let out = ftpx().args(["--mode", "sideways", "ls", "ftp://127.0.0.1/"]).run();
    out.assert_code(2);
}

#[test]
fn global_flags_are_accepted_before_the_subcommand() {
    // `--help` ends parsing without running anything, so this pins the clap definition alone.
    let out = ftpx().args(["-d", "--mode", "pasv", "-u", "a:b", "--timeout", "3", "get", "--help"]).run();
    out.assert_success();
}

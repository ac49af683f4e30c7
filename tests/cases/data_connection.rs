//! Opening the data connection when the network or the server gets in the way: fallbacks between
//! modes, the PASV address policy, and the exit code when no mode works.
//!
//! Every address used here is on loopback. A server that advertises a foreign PASV address is
//! imitated with 127.0.0.2: it differs from the control peer (127.0.0.1) just as a NAT-private
//! address would, but an engine that wrongly trusts it only ever knocks on a loopback port where
//! nothing listens, never on a real network.

use std::fs;
use std::net::Ipv4Addr;
use std::time::Duration;

use super::{server_with, url};
use crate::support::{ServerConfig, dir_names, ftpx, write_random};

const FOREIGN: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

fn fallback_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains("falling back to")).collect()
}

#[test]
fn active_mode_without_connect_back_exits_6_within_the_timeout() {
    let server = server_with(ServerConfig::new().never_connect_back(Duration::from_secs(60)));
    write_random(server.root().join("f.bin"), 1000, 30);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx()
        .current_dir(local.path())
        .args(["--mode", "active", "--timeout", "2", "get", &url(&server, "f.bin")])
        .timeout(Duration::from_secs(20))
        .run();
    out.assert_code(6).assert_one_error_line();
    // EPRT and then PORT may each wait out the 2 s; anything near the server's 60 s is a hang.
    assert!(out.elapsed < Duration::from_secs(10), "took {:?}", out.elapsed);
    assert!(!local.path().join("f.bin").exists(), "{:?}", dir_names(local.path()));
}

#[test]
fn auto_mode_falls_back_to_active_when_the_passive_port_is_closed() {
    let server = server_with(ServerConfig::new().passive_closed_port());
    let content = write_random(server.root().join("f.bin"), 200_000, 31);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["--mode", "auto", "get", &url(&server, "f.bin")]).run();
    out.assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    assert!(!fallback_lines(&out.stderr).is_empty(), "no `falling back to` line:\n{}", out.stderr);
    let verbs = server.verbs();
    assert!(verbs.iter().any(|v| v == "EPRT" || v == "PORT"), "{verbs:?}");
}

#[test]
fn pasv_foreign_address_is_replaced_by_the_control_peer() {
    let server = server_with(ServerConfig::new().pasv_advertise(FOREIGN));
    let content = write_random(server.root().join("f.bin"), 50_000, 32);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["--mode", "pasv", "-d", "get", &url(&server, "f.bin")]).run();
    out.assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    // -d says that the advertised address was replaced, on a data-connection event line.
    let said = out.stderr.lines().any(|l| l.starts_with("*** ") && l.contains("127.0.0.2") && l.contains("127.0.0.1"));
    assert!(said, "no `*** ` line naming both addresses:\n{}", out.stderr);
}

#[test]
fn pasv_address_trust_connects_to_the_advertised_address() {
    let server = server_with(ServerConfig::new().pasv_advertise(FOREIGN));
    write_random(server.root().join("f.bin"), 1000, 33);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx()
        .current_dir(local.path())
        .args(["--mode", "pasv", "--pasv-address", "trust", "--connect-timeout", "2", "get", &url(&server, "f.bin")])
        .run();
    // Nothing listens on 127.0.0.2, so trusting the reply cannot work.
    out.assert_code(6).assert_one_error_line();
}

#[test]
fn active_mode_falls_back_from_eprt_to_port() {
    let server = server_with(ServerConfig::new().refuse_eprt("500 Unknown command."));
    let content = write_random(server.root().join("f.bin"), 20_000, 34);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["--mode", "active", "get", &url(&server, "f.bin")]).run();
    out.assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    assert_eq!(fallback_lines(&out.stderr).len(), 1, "{}", out.stderr);
    assert!(server.verbs().contains(&"PORT".to_owned()));
}

#[test]
fn passive_mode_uses_pasv_when_epsv_is_missing() {
    let server = server_with(ServerConfig::new().no_epsv());
    let content = write_random(server.root().join("f.bin"), 20_000, 35);
    let local = tempfile::tempdir().unwrap();
    ftpx().current_dir(local.path()).args(["--mode", "passive", "get", &url(&server, "f.bin")]).run().assert_success();
    assert_eq!(fs::read(local.path().join("f.bin")).unwrap(), content);
    let verbs = server.verbs();
    assert!(verbs.contains(&"PASV".to_owned()), "{verbs:?}");
    assert!(!verbs.iter().any(|v| v == "EPRT" || v == "PORT"), "passive never goes active: {verbs:?}");
}

#[test]
fn a_single_mode_does_not_fall_back() {
    let server = server_with(ServerConfig::new().no_epsv());
    write_random(server.root().join("f.bin"), 1000, 36);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["--mode", "epsv", "get", &url(&server, "f.bin")]).run();
    out.assert_code(6).assert_one_error_line();
    let verbs = server.verbs();
    assert!(!verbs.iter().any(|v| ["PASV", "EPRT", "PORT"].contains(&v.as_str())), "{verbs:?}");
}

#[test]
fn refused_pasv_exits_6_in_pasv_mode() {
    let server = server_with(ServerConfig::new().refuse_pasv());
    write_random(server.root().join("f.bin"), 1000, 37);
    let local = tempfile::tempdir().unwrap();
    let out = ftpx().current_dir(local.path()).args(["--mode", "pasv", "get", &url(&server, "f.bin")]).run();
    out.assert_code(6).assert_one_error_line();
}

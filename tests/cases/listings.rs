//! `ls --json` over listings as servers send them: MLSD and LIST from the test server agree,
//! SYST asked once and only where a LIST is read, a VMS listing read whole, NLST giving the
//! names when no line can be read, and times honest about their zone.

use std::fs;

use serde_json::Value;

use super::hostile::{Hostile, TIMEOUT, epsv_transfer, session, session_with};
use super::{server, server_with, url};
use crate::support::{ServerConfig, ftpx};

fn json(stdout: &[u8]) -> Vec<Value> {
    match serde_json::from_slice(stdout) {
        Ok(Value::Array(entries)) => entries,
        other => panic!("not a JSON array ({other:?}): {}", String::from_utf8_lossy(stdout)),
    }
}

/// `(name, type, size)` of each entry, sorted by name; a directory's size left out, as MLSD and
/// LIST disagree on it by design (`sizd` is optional, `ls -l` shows the inode's size).
fn summary(entries: &[Value]) -> Vec<(String, String, Option<u64>)> {
    let mut out: Vec<_> = entries
        .iter()
        .map(|e| {
            let kind = e["type"].as_str().unwrap().to_owned();
            let size = if kind == "dir" { None } else { e["size"].as_u64() };
            (e["name"].as_str().unwrap().to_owned(), kind, size)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn mlsd_and_list_agree_on_names_kinds_and_sizes() {
    let server = server();
    fs::write(server.root().join("a file.txt"), "hello").unwrap();
    fs::write(server.root().join("empty"), "").unwrap();
    fs::create_dir(server.root().join("sub dir")).unwrap();
    fs::write(server.root().join(" lead"), vec![7u8; 70_000]).unwrap();
    let mlsd = ftpx().args(["ls", "--json", &url(&server, "")]).run();
    mlsd.assert_success();
    let list = ftpx().args(["ls", "--json", "--no-mlsd", &url(&server, "")]).run();
    list.assert_success();
    let (mlsd, list) = (json(&mlsd.stdout), json(&list.stdout));
    assert_eq!(summary(&mlsd), summary(&list));
    assert_eq!(summary(&mlsd).len(), 4, "{mlsd:?}");
    assert!(mlsd.iter().all(|e| e["parser"] == "mlsd" && e["time_zone"] == "UTC"), "{mlsd:?}");
    assert!(mlsd.iter().all(|e| e["modified"].as_str().unwrap().ends_with('Z')), "{mlsd:?}");
    assert!(list.iter().all(|e| e["parser"] == "unix" && e["time_zone"] == "server-local"), "{list:?}");
    assert!(list.iter().all(|e| !e["modified"].as_str().unwrap().ends_with('Z')), "{list:?}");
    // SYST once, for the LIST only.
    let syst = server.verbs().iter().filter(|v| *v == "SYST").count();
    assert_eq!(syst, 1, "{:?}", server.verbs());
}

#[test]
fn ls_json_without_mlsd_reads_list_and_asks_syst_once() {
    let server = server_with(ServerConfig::new().no_mlsd());
    fs::write(server.root().join("x"), "12345").unwrap();
    let out = ftpx().args(["ls", "--json", &url(&server, "")]).run();
    out.assert_success();
    assert_eq!(summary(&json(&out.stdout)), [("x".to_owned(), "file".to_owned(), Some(5))]);
    assert!(!server.verbs().iter().any(|v| v == "MLSD"), "{:?}", server.verbs());
    assert_eq!(server.verbs().iter().filter(|v| *v == "SYST").count(), 1);
}

#[test]
fn plain_ls_sends_no_syst() {
    let server = server();
    fs::write(server.root().join("x"), "1").unwrap();
    ftpx().args(["ls", &url(&server, "")]).run().assert_success();
    assert!(!server.verbs().iter().any(|v| v == "SYST"), "{:?}", server.verbs());
}

#[test]
fn ls_json_reads_a_vms_listing_with_an_entry_split_over_two_lines() {
    let listing = b"Directory DISK$USER:[ANONYMOUS]\r\n\r\n\
        A_VERY_LONG_FILE_NAME_INDEED.TXT;12\r\n\
        \x20                         5/6   4-MAR-1999 12:34:56  [GROUP,OWNER]  (RWED,RWED,R,)\r\n\
        FILES.DIR;1               1/3  12-JAN-2000 09:00:00  [GROUP,OWNER] (RWE,RWE,RE,RE)\r\n\
        \r\nTotal of 2 files, 6/9 blocks.\r\n";
    let script = session().answer("SYST", "215 VMS OpenVMS V8.4\r\n");
    let mut case =
        Hostile::new(epsv_transfer(script, "LIST", listing)).args(["--timeout", TIMEOUT, "ls", "--json"]).url("").run();
    case.code(0);
    let entries = json(case.stdout());
    let got: Vec<_> = entries.iter().map(|e| (e["name"].as_str(), e["type"].as_str(), e["parser"].as_str())).collect();
    assert_eq!(
        got,
        [
            (Some("A_VERY_LONG_FILE_NAME_INDEED.TXT;12"), Some("file"), Some("vms")),
            (Some("FILES.DIR;1"), Some("dir"), Some("vms"))
        ]
    );
    assert_eq!(entries[0]["size_text"], "5/6");
    assert_eq!(entries[0]["modified"], "1999-03-04T12:34:56");
    assert_eq!(entries[0]["modified_raw"], "4-MAR-1999 12:34:56");
    case.script_played();
}

#[test]
fn ls_json_takes_names_from_nlst_when_no_line_can_be_read() {
    let listing = b"?? weird 1 ??\r\n?? weird 2 ??\r\n";
    let script = epsv_transfer(session().answer("SYST", "215 UNKNOWN Type: L8\r\n"), "LIST", listing);
    let script = epsv_transfer(script, "NLST", b"one\r\ntwo words\r\n");
    let mut case = Hostile::new(script).args(["--timeout", TIMEOUT, "ls", "--json"]).url("").run();
    case.code(0)
        .says("ftpx: warning: 2 listing lines could not be parsed")
        .says("the names are from NLST, of unknown type; the first: '?? weird 1 ??'");
    let entries = json(case.stdout());
    let got: Vec<_> = entries.iter().map(|e| (e["name"].as_str(), e["type"].as_str())).collect();
    assert_eq!(got, [(Some("one"), Some("unknown")), (Some("two words"), Some("unknown"))]);
    case.script_played();
}

#[test]
fn ls_json_reads_mlsd_sent_in_reply_to_list_and_a_server_that_refuses_syst() {
    let listing = b"type=file;size=3;modify=20250102030405; f.txt\r\ntype=cdir; .\r\n";
    let script = epsv_transfer(session().answer("SYST", "502 Not implemented.\r\n"), "LIST", listing);
    let mut case = Hostile::new(script).args(["--timeout", TIMEOUT, "ls", "--json"]).url("").run();
    case.code(0);
    let entries = json(case.stdout());
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0]["name"].as_str(), entries[0]["size"].as_u64()), (Some("f.txt"), Some(3)));
    assert_eq!(entries[0]["modified"], "2025-01-02T03:04:05Z");
    case.script_played();
}

#[test]
fn ls_json_with_mlsd_offered_sends_no_syst() {
    let listing = b"type=dir;modify=20250102030405; d\r\n";
    let script = epsv_transfer(session_with(&["EPSV", "MLSD"]), "MLSD", listing);
    let mut case = Hostile::new(script).args(["--timeout", TIMEOUT, "ls", "--json"]).url("").run();
    case.code(0).never_sent("SYST");
    assert_eq!(json(case.stdout())[0]["type"], "dir");
    case.script_played();
}

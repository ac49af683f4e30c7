//! `ls --json` over listings as servers send them: MLSD and LIST from the test server agree,
//! SYST asked once and only where a LIST is read, a VMS listing read whole (names without their
//! version, one entry per name, an empty directory empty), AS/400 member paths shown and never
//! copied, NLST giving the names when no line can be read, and times honest about their zone.

use std::fs;

use serde_json::Value;

use super::hostile::{Hostile, TIMEOUT, epsv_transfer, secs, session, session_with};
use super::{server, server_with, url};
use crate::support::script::Script;
use crate::support::{ServerConfig, dir_names, ftpx};

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
            (Some("A_VERY_LONG_FILE_NAME_INDEED.TXT"), Some("file"), Some("vms")),
            (Some("FILES"), Some("dir"), Some("vms"))
        ]
    );
    assert_eq!((entries[0]["version"].as_u64(), entries[1]["version"].as_u64()), (Some(12), Some(1)));
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

/// A VMS directory as MultiNet lists it: three versions of one file, a name alone on its line
/// with the rest of its entry on the next, a subdirectory.
const VMS_LISTING: &[u8] = b"\r\nDirectory SYS$SYSDEVICE:[ANONYMOUS.PUB]\r\n\r\n\
    README.TXT;3              1/3   4-MAR-2024 12:34:56  [SYSTEM]   (RWED,RWED,RE,RE)\r\n\
    README.TXT;2              1/3   1-MAR-2024 08:00:00  [SYSTEM]   (RWED,RWED,RE,RE)\r\n\
    README.TXT;1              1/3  28-FEB-2024 17:15:00  [SYSTEM]   (RWED,RWED,RE,RE)\r\n\
    QUARTERLY_REPORT_FOR_2024.DAT;2\r\n\
    \x20                         1/3  12-JAN-2025 09:00:00  [SYSTEM]   (RWED,RWED,RE,)\r\n\
    QUARTERLY_REPORT_FOR_2024.DAT;1\r\n\
    \x20                         1/3  11-JAN-2025 09:00:00  [SYSTEM]   (RWED,RWED,RE,)\r\n\
    SUB.DIR;1                 1/3   2-JAN-2024 10:00:00  [SYSTEM]   (RWE,RWE,RE,E)\r\n\
    \r\nTotal of 6 files, 6/18 blocks.\r\n";

#[test]
fn ls_json_gives_each_vms_name_once_without_its_version() {
    let script = session().answer("SYST", "215 VMS OpenVMS V8.4-2L1\r\n");
    let mut case = Hostile::new(epsv_transfer(script, "LIST", VMS_LISTING))
        .args(["--timeout", TIMEOUT, "ls", "--json"])
        .url("")
        .run();
    case.code(0);
    let entries = json(case.stdout());
    let got: Vec<_> = entries.iter().map(|e| (e["name"].as_str(), e["type"].as_str(), e["version"].as_u64())).collect();
    assert_eq!(
        got,
        [
            (Some("README.TXT"), Some("file"), Some(3)),
            (Some("QUARTERLY_REPORT_FOR_2024.DAT"), Some("file"), Some(2)),
            (Some("SUB"), Some("dir"), Some(1))
        ]
    );
    assert_eq!(entries[0]["modified"], "2024-03-04T12:34:56");
    assert!(!case.out.stderr.contains("could not be parsed"), "{}", case.out.stderr);
    case.script_played();
}

/// VMS answers LIST of an empty directory with `550 %RMS-E-FNF` (UCX, MultiNet), or sends the
/// message as the listing: either is an empty listing, not an error, and no NLST is asked.
#[test]
fn ls_json_of_an_empty_vms_directory_is_empty() {
    let refused = session()
        .answer("SYST", "215 VMS OpenVMS V8.4\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "550 %RMS-E-FNF, file not found\r\n");
    let in_data =
        epsv_transfer(session().answer("SYST", "215 VMS OpenVMS V8.4\r\n"), "LIST", b"%RMS-E-FNF, file not found\r\n");
    for script in [refused, in_data] {
        let mut case = Hostile::new(script).args(["--timeout", TIMEOUT, "ls", "--json"]).url("").run();
        case.code(0).never_sent("NLST");
        assert!(json(case.stdout()).is_empty());
        assert!(!case.out.stderr.contains("ftpx:"), "{}", case.out.stderr);
        case.script_played();
    }
    // A directory that is not there is still an error.
    let missing = session()
        .answer("SYST", "215 VMS OpenVMS V8.4\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "550 %RMS-E-DNF, directory not found\r\n");
    let mut case = Hostile::new(missing).args(["--timeout", TIMEOUT, "ls", "--json"]).url("").run();
    case.error("%RMS-E-DNF");
    assert_ne!(case.out.code, Some(0));
    case.script_played();
}

/// The start of `mirror -P 1 ftp://host/d` against a VMS server without MLSD: the login, PWD,
/// CWD into `/d`, SYST, and LIST answered with `listing`.
fn vms_mirror_prelude(listing: &[u8]) -> Script {
    let script = session()
        .answer("PWD", "257 \"/\" is the current directory\r\n")
        .answer("CWD /d", "250 CWD command successful.\r\n")
        .answer("SYST", "215 VMS OpenVMS V8.4\r\n");
    epsv_transfer(script, "LIST", listing)
}

/// Three versions of README.TXT are one local file, written from the bare name's RETR (the
/// newest version), never `README.TXT;3` nor a file per version.
#[test]
fn mirror_writes_one_file_per_vms_name_under_the_name_without_its_version() {
    let (readme, report) = (b"newest readme\r\n".to_vec(), b"report v2\r\n".to_vec());
    let script = vms_mirror_prelude(VMS_LISTING)
        .answer("TYPE I", "200 Binary.\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR /d/README.TXT", "150 Opening data connection.\r\n")
        .data_send(&readme)
        .data_close()
        .send("226 Transfer complete.\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR /d/QUARTERLY_REPORT_FOR_2024.DAT", "150 Opening data connection.\r\n")
        .data_send(&report)
        .data_close()
        .send("226 Transfer complete.\r\n")
        .answer("QUIT", "221 Bye.\r\n");
    let mut case = Hostile::new(script)
        .args(["-d", "--timeout", TIMEOUT, "mirror", "-P", "1", "--max-depth", "0"])
        .url("d")
        .bound(secs(10))
        .run();
    case.code(0).files(&["d"]);
    assert_eq!(dir_names(case.work().join("d")), [&b"QUARTERLY_REPORT_FOR_2024.DAT"[..], b"README.TXT"]);
    assert_eq!(case.file("d/README.TXT"), readme);
    assert_eq!(case.file("d/QUARTERLY_REPORT_FOR_2024.DAT"), report);
    case.script_played();
}

/// An empty VMS directory (`550 %RMS-E-FNF`) mirrors as an empty directory, not a failure.
#[test]
fn mirror_of_an_empty_vms_directory_succeeds_with_nothing_to_copy() {
    let script = session()
        .answer("PWD", "257 \"/\" is the current directory\r\n")
        .answer("CWD /d", "250 CWD command successful.\r\n")
        .answer("SYST", "215 VMS OpenVMS V8.4\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "550 %RMS-E-FNF, file not found\r\n")
        .answer("QUIT", "221 Bye.\r\n");
    let mut case =
        Hostile::new(script).args(["--timeout", TIMEOUT, "mirror", "-P", "1"]).url("d").bound(secs(10)).run();
    case.code(0).files(&["d"]);
    assert!(dir_names(case.work().join("d")).is_empty());
    case.script_played();
}

/// A VMS tree: `SUB.DIR;1` is the local directory `SUB`, entered with CWD `SUB`; an empty
/// subdirectory (`550 %RMS-E-FNF`) is an empty local directory, not a failure.
#[test]
fn mirror_enters_vms_directories_by_their_name_without_dir_and_version() {
    let root = b"Directory SYS$SYSDEVICE:[ANONYMOUS.D]\r\n\r\n\
        SUB.DIR;1                 1/3   2-JAN-2024 10:00:00  [SYSTEM]   (RWE,RWE,RE,E)\r\n\
        EMPTY.DIR;1               1/3   2-JAN-2024 10:00:00  [SYSTEM]   (RWE,RWE,RE,E)\r\n\
        \r\nTotal of 2 files, 2/6 blocks.\r\n";
    let sub = b"Directory SYS$SYSDEVICE:[ANONYMOUS.D.SUB]\r\n\r\n\
        NOTES.TXT;2               1/3   5-JAN-2024 10:00:00  [SYSTEM]   (RWED,RWED,RE,)\r\n\
        NOTES.TXT;1               1/3   4-JAN-2024 10:00:00  [SYSTEM]   (RWED,RWED,RE,)\r\n";
    let notes = b"notes v2\r\n";
    let script = vms_mirror_prelude(root)
        .answer("CWD /d/EMPTY", "250 CWD command successful.\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("LIST", "550 %RMS-E-FNF, file not found\r\n")
        .answer("CWD /d/SUB", "250 CWD command successful.\r\n");
    let script = epsv_transfer(script, "LIST", sub)
        .answer("TYPE I", "200 Binary.\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR /d/SUB/NOTES.TXT", "150 Opening data connection.\r\n")
        .data_send(notes)
        .data_close()
        .send("226 Transfer complete.\r\n")
        .answer("QUIT", "221 Bye.\r\n");
    let mut case =
        Hostile::new(script).args(["--timeout", TIMEOUT, "mirror", "-P", "1"]).url("d").bound(secs(10)).run();
    case.code(0).files(&["d"]);
    assert_eq!(dir_names(case.work().join("d")), [&b"EMPTY"[..], b"SUB"]);
    assert!(dir_names(case.work().join("d/EMPTY")).is_empty());
    assert_eq!(dir_names(case.work().join("d/SUB")), [&b"NOTES.TXT"[..]]);
    assert_eq!(case.file("d/SUB/NOTES.TXT"), notes);
    case.script_played();
}

/// An IBM i library listed with member paths (`QCLSRC.FILE/HELLO.MBR`): `ls --json` shows them
/// with their real name and type; mirror skips them, saying why, and copies the rest.
#[test]
fn as400_member_paths_are_listed_whole_and_skipped_by_mirror() {
    let listing = b"QPGMR         106496 11/07/24 10:42:41 *FILE      QCLSRC.FILE/\r\n\
        QPGMR                                  *MEM       QCLSRC.FILE/HELLO.MBR\r\n\
        QPGMR                                  *MEM       ../../outside/x\r\n\
        QPGMR           5 11/25/24 10:17:43 *STMF      README.TXT\r\n";
    let syst = "215 OS/400 is the remote operating system. The TCP/IP version is \"V7R4M0\".\r\n";
    let script = epsv_transfer(session().answer("SYST", syst), "LIST", listing);
    let mut case = Hostile::new(script).args(["--timeout", TIMEOUT, "ls", "--json"]).url("").run();
    case.code(0);
    let entries = json(case.stdout());
    let got: Vec<_> =
        entries.iter().map(|e| (e["name"].as_str(), e["type"].as_str(), e["object_type"].as_str())).collect();
    assert_eq!(
        got,
        [
            (Some("QCLSRC.FILE"), Some("dir"), Some("*FILE")),
            (Some("QCLSRC.FILE/HELLO.MBR"), Some("file"), Some("*MEM")),
            (Some("../../outside/x"), Some("file"), Some("*MEM")),
            (Some("README.TXT"), Some("file"), Some("*STMF"))
        ]
    );
    case.script_played();

    let script = session()
        .answer("PWD", "257 \"/\" is the current directory\r\n")
        .answer("CWD /d", "250 CWD command successful.\r\n")
        .answer("SYST", syst);
    let script = epsv_transfer(script, "LIST", listing)
        .answer("TYPE I", "200 Binary.\r\n")
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR /d/README.TXT", "150 Opening data connection.\r\n")
        .data_send(b"hello")
        .data_close()
        .send("226 Transfer complete.\r\n")
        .answer("QUIT", "221 Bye.\r\n");
    let mut case = Hostile::new(script)
        .args(["--timeout", TIMEOUT, "mirror", "--json", "-P", "1", "--max-depth", "0"])
        .url("d")
        .bound(secs(10))
        .run();
    case.code(0).files(&["d"]);
    assert_eq!(dir_names(case.work().join("d")), [&b"README.TXT"[..]]);
    let report: Value = serde_json::from_slice(case.stdout()).unwrap();
    assert_eq!((report["copied"].as_u64(), report["failed"].as_u64()), (Some(1), Some(0)), "{report}");
    let skipped: Vec<_> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["action"] == "skipped")
        .map(|f| (f["path"].as_str().unwrap().to_owned(), f["reason"].as_str().unwrap().to_owned()))
        .collect();
    // The `*FILE` is a directory, not entered at depth 0; the member path is skipped for what it
    // is, the hostile name as unsafe.
    assert_eq!(skipped.len(), 2, "{report}");
    assert_eq!(skipped[0].0, "QCLSRC.FILE/HELLO.MBR");
    assert!(skipped[0].1.contains("an AS/400 *MEM path"), "{skipped:?}");
    assert_eq!(skipped[1].0, "../../outside/x");
    assert!(skipped[1].1.starts_with("unsafe name"), "{skipped:?}");
    case.script_played();
}

/// The shell's mget over a VMS listing: `*.TXT` matches the name without its version, and the
/// three versions are one file, fetched once by the bare name.
#[test]
fn mget_fetches_one_file_per_vms_name() {
    let readme = b"newest readme\r\n";
    let shell = session().answer("PWD", "257 \"/\" is the current directory\r\n");
    let script = epsv_transfer(shell.answer("SYST", "215 VMS OpenVMS V8.4\r\n"), "LIST", VMS_LISTING)
        .answer("TYPE I", "200 Binary.\r\n")
        .answer("SIZE README.TXT", format!("213 {}\r\n", readme.len()))
        .expect("EPSV")
        .passive("229 Entering Extended Passive Mode (|||{port}|)")
        .answer("RETR README.TXT", "150 Opening data connection.\r\n")
        .data_send(readme)
        .data_close()
        .send("226 Transfer complete.\r\n")
        .answer("QUIT", "221 Bye.\r\n");
    let mut case = Hostile::new(script)
        .shell(r#"printf 'mget *.TXT\n' | "$@""#)
        .args(["-d", "--timeout", TIMEOUT])
        .url("")
        .bound(secs(10))
        .run();
    case.code(0).files(&["README.TXT"]);
    assert_eq!(case.file("README.TXT"), readme);
    case.script_played();
}

/// mget over AS/400 member paths: a pattern never matches them, and the error says why.
#[test]
fn mget_says_why_as400_member_paths_match_no_pattern() {
    let listing = b"QPGMR                                  *MEM       QCLSRC.FILE/HELLO.MBR\r\n";
    let syst = "215 OS/400 is the remote operating system.\r\n";
    let shell = session().answer("PWD", "257 \"/\" is the current directory\r\n");
    let script = epsv_transfer(shell.answer("SYST", syst), "LIST", listing).answer("QUIT", "221 Bye.\r\n");
    let mut case = Hostile::new(script)
        .shell(r#"printf 'mget *\n' | "$@""#)
        .args(["--timeout", TIMEOUT])
        .url("")
        .bound(secs(10))
        .run();
    case.error("no remote file matches '*' (1 listed are AS/400 object paths").files(&[]);
    assert_ne!(case.out.code, Some(0));
    case.script_played();
}
